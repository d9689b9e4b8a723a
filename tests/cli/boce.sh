#!/usr/bin/env bash
# The BOCE example end to end (needs the generated examples/boce/data):
#  - every wijk's dwelling count equals the real CBS 2024 woningvoorraad
#    (the generator was built to match it; wijkscan must find every dwelling
#    in the right buurt and wijk: an independent check of load + join),
#  - two runs give byte-identical GeoPackages, CSV files and maps (PNG,
#    PDF, SVG: the production date comes from the GeoPackage, not the clock),
#  - the voorzieningen read from OpenStreetMap XML (OSM driver, other_tags)
#    give the same distances as the same points read from the GeoPackage
#    (parks excluded: in OSM they are areas, taken at their point-on-surface).
# Usage: boce.sh WIJKSCAN WORKDIR
set -euo pipefail
ws=$1 work=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
proj=$root/examples/boce/wijkscan.yaml
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$ws" run "$proj" -o "$work/a" -q
"$ws" run "$proj" -o "$work/b" -q
for f in wijkscan-boce.gpkg wijkscan-boce_buurten.csv wijkscan-boce_wijken.csv \
         wijkscan-boce_gemeenten.csv wijkscan-boce_regio.csv \
         kaart-afstand-huisarts-buurten.png kaart-supermarkt-500m-wijken.pdf \
         kaart-huisarts-emmen.svg kaart-gestapeld-wijken.pdf; do
  [ -s "$work/a/$f" ] || fail "$f was not written"
  cmp -s "$work/a/$f" "$work/b/$f" || fail "$f differs between two runs"
done

# column index by name in a CSV header
col() { head -1 "$1" | tr -d '\r' | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
w=$work/a/wijkscan-boce_wijken.csv
cw=$(col "$w" wijkcode) cn=$(col "$w" woningen) cv=$(col "$w" woningvoorraad_2024)
n=$(tail -n +2 "$w" | tr -d '\r' | awk -F, -v a="$cn" -v b="$cv" '$a != $b' | wc -l)
rows=$(tail -n +2 "$w" | wc -l)
[ "$rows" -eq 61 ] || fail "$rows wijken, expected 61"
[ "$n" -eq 0 ] || fail "$n wijken where woningen differs from the CBS woningvoorraad 2024"
# the three gemeente totals from the real CSV: 15966 / 50563 / 11537
g=$work/a/wijkscan-boce_gemeenten.csv
for pair in GM0109:15966 GM0114:50563 GM1681:11537; do
  code=${pair%:*} want=${pair#*:}
  got=$(grep "^$code," "$g" | tr -d '\r' | cut -d, -f"$(col "$g" woningen)")
  [ "$got" = "$want" ] || fail "$code woningen $got, expected $want"
done

# OSM XML versus the GeoPackage list of the same voorzieningen. OSM stores
# degrees with 7 decimals (about 1 cm), so mean distances may differ by a few
# centimetres and a share by one dwelling that sits at the radius (1/woningen
# of its buurt: e.g. a dwelling in Ermerveen is 500.00003 m from the
# supermarket in the GeoPackage and 499.9957 m after the round trip).
sed 's|data/voorzieningen-boce-synthetic.osm|data/voorzieningen-boce-synthetic.gpkg|' "$proj" > "$root/examples/boce/.wijkscan-gpkg-test.yaml"
trap 'rm -f "$root/examples/boce/.wijkscan-gpkg-test.yaml"' EXIT
"$ws" run "$root/examples/boce/.wijkscan-gpkg-test.yaml" -o "$work/c" -q
a=$work/a/wijkscan-boce_buurten.csv c=$work/c/wijkscan-boce_buurten.csv
for cat in huisarts apotheek supermarkt buurthuis basisschool sport bushalte; do
  for name in afstand_${cat}_gemiddeld aandeel_${cat}_binnen_500m; do
    share=0; case $name in aandeel_*) share=1 ;; esac
    bad=$(paste -d, <(cut -d, -f"$(col "$a" "$name")" "$a" | tail -n +2) \
                    <(cut -d, -f"$(col "$c" "$name")" "$c" | tail -n +2) \
                    <(cut -d, -f"$(col "$a" woningen)" "$a" | tail -n +2) | tr -d '\r' |
          awk -F, -v s="$share" '{ t = s ? 1 / ($3 > 0 ? $3 : 1) + 1e-9 : 0.05 }
               ($1 == "") != ($2 == "") || ($1 != "" && ($1 - $2 > t || $2 - $1 > t))' | wc -l)
    [ "$bad" -eq 0 ] || fail "$name: $bad buurten differ between the OSM and the GeoPackage voorzieningen"
  done
done
echo "ok: 61 wijken match the CBS woningvoorraad, output and maps reproducible, OSM = GeoPackage"
