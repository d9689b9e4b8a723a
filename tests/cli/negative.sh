#!/usr/bin/env bash
# Bad-input tests for the wijkscan command. Each case builds its broken input
# from the small valid set in tests/data/cli, runs the real binary and checks
#  - the exit code (the documented ones: 2 usage, 3 input, 4 data, 5 output),
#  - a one-line error on stderr that names the file, layer or field,
#  - that no output (and no temporary file) is left behind,
#  - that every input is byte-identical afterwards.
# Usage: negative.sh WIJKSCAN CASE WORKDIR    |    negative.sh --list
set -u
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data/cli"
layers="$here/../../layers"

cases=(missing_file directory_as_input non_spatial zero_byte truncated_gpkg
       missing_layer unrecognised_layer missing_field mistyped_field no_crs
       malformed_gemeente unknown_gemeente duplicate_gemeente empty_selection
       duplicate_buurtcode malformed_buurtcode lines_as_points
       invalid_polygon_repaired output_is_input output_dir_missing
       project_yaml_syntax project_unknown_key project_missing_input
       unknown_option missing_required
       ok_wfs_camelcase_buurten ok_dutch_csv_cp1252 ok_unknown_category_warned
       ok_far_dwelling_counted ok_stacked_dwellings
       empty_layer corrupt_geometry_blob ok_absurd_coordinates ok_bag_in_wgs84
       ok_every_cbs_nodata_code ok_gemeente_without_dwellings
       project_wrong_type read_only_output_dir disk_full interrupted
       ok_cbs_2019_mnemonic project_recursive_alias project_alias_bomb
       csv_unterminated_quote csv_too_many_fields csv_binary csv_no_coordinates
       csv_bad_number osm_garbage definition_syntax_error definition_wrong_kind
       kerncijfers_unrecognised output_is_directory radii_not_ascending
       buurten_as_lines voorzieningen_as_lines negative_margin
       project_absurd_radius ok_no_pand_layer pand_without_identificatie
       pand_as_points project_zorggeschikt_typo)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${cases[@]}"
  exit 0
fi
ws=$1 case=$2 work=$3
rm -rf "$work"
mkdir -p "$work/in" "$work/out"
cp "$data"/* "$work/in/"
cd "$work" || exit 1

fail() { echo "FAIL [$case]: $*"; echo "--- stderr:"; cat err.txt; exit 1; }

# expect CODE REGEX: exit code and the error line
expect() {
  local code=$1 regex=$2
  [ "$rc" -eq "$code" ] || fail "exit code $rc, expected $code"
  local n
  n=$(grep -c '^wijkscan: error: ' err.txt || true)
  if [ "$code" -eq 2 ] && [ "$n" -eq 0 ]; then n=$(grep -c '^wijkscan: ' err.txt || true); fi
  [ "$n" -eq 1 ] || fail "expected exactly one error line, got $n"
  grep -Eq -- "$regex" err.txt || fail "stderr does not match /$regex/"
}
# no output, no temporary files
expect_no_output() {
  local left
  left=$(find out -mindepth 1 | head -5)
  [ -z "$left" ] || fail "output left behind: $left"
  left=$(find in -name '.*part-*' | head -5)
  [ -z "$left" ] || fail "temporary file left behind: $left"
}
snapshot() { (cd in && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$1"; }
run() {
  snapshot before.sha
  "$ws" "$@" >out.txt 2>err.txt
  rc=$?
  snapshot after.sha
  cmp -s before.sha after.sha || fail "an input file was modified"
}
score() { run score --layers "$layers" "$@"; }
base_args=(--bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv)

case $case in
missing_file)
  score --bag in/nonexistent.gpkg --buurten in/buurten.geojson \
        --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in/nonexistent.gpkg: cannot open: No such file"; expect_no_output ;;
directory_as_input)
  score --bag in --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in: is a directory"; expect_no_output ;;
non_spatial)
  printf 'dit is geen geodata\n' > in/notes.txt
  score --bag in/bag.geojson --buurten in/notes.txt --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in/notes.txt: not a readable vector data file"; expect_no_output ;;
zero_byte)
  : > in/empty.gpkg
  score --bag in/empty.gpkg --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in/empty.gpkg: file is empty"; expect_no_output ;;
truncated_gpkg)
  ogr2ogr -q -f GPKG in/full.gpkg in/bag.geojson -nln verblijfsobject
  head -c 3000 in/full.gpkg > in/truncated.gpkg; rm in/full.gpkg
  score --bag in/truncated.gpkg --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in/truncated.gpkg: not a readable vector data file"; expect_no_output ;;
missing_layer)
  ogr2ogr -q -f GPKG in/b.gpkg in/buurten.geojson -nln buurten
  score --bag in/bag.geojson --buurten in/b.gpkg:wijken2023 --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/b.gpkg: layer 'wijken2023' not found \(layers: 'buurten'\)"; expect_no_output ;;
unrecognised_layer)
  sed 's/"status"/"toestand"/g' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/bag2.geojson: layer 'verblijfsobject' is not recognised as bag"; expect_no_output ;;
missing_field)
  sed 's/"status"/"toestand"/g' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --bag-def "$layers/bag_light.yaml" --buurten in/buurten.geojson \
        --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/bag2.geojson: layer 'verblijfsobject': field 'status' not found"; expect_no_output ;;
mistyped_field)
  sed 's/"oppervlakte": 80/"oppervlakte": "groot"/; s/"oppervlakte": 55/"oppervlakte": "klein"/; s/"oppervlakte": 120/"oppervlakte": "ruim"/' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "field 'oppervlakte' is of type String, expected a number"; expect_no_output ;;
no_crs)
  ogr2ogr -q -f "ESRI Shapefile" in/shp in/buurten.geojson -nln buurten && rm -f in/shp/buurten.prj
  score --bag in/bag.geojson --buurten in/shp/buurten.shp --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in/shp/buurten.shp: layer 'buurten' has no coordinate reference system"; expect_no_output ;;
malformed_gemeente)
  score "${base_args[@]}" --gemeente 114 -o out/o.gpkg
  expect 2 "gemeentecode '114' is malformed"; expect_no_output ;;
unknown_gemeente)
  score "${base_args[@]}" --gemeente GM0114,GM9999 -o out/o.gpkg
  expect 4 "in/buurten.geojson: layer 'buurten': gemeentecode GM9999 not found"; expect_no_output ;;
duplicate_gemeente)
  score "${base_args[@]}" --gemeente GM0114,GM0114 -o out/o.gpkg
  expect 2 "gemeentecode 'GM0114' is given twice"; expect_no_output ;;
empty_selection)
  sed 's/Verblijfsobject in gebruik/Verblijfsobject ingetrokken/g' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/bag2.geojson: layer 'verblijfsobject': no dwellings"; expect_no_output ;;
duplicate_buurtcode)
  sed 's/BU01140102/BU01140101/' in/buurten.geojson > in/b2.geojson
  score --bag in/bag.geojson --buurten in/b2.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/b2.geojson: duplicate buurtcode 'BU01140101'"; expect_no_output ;;
malformed_buurtcode)
  sed 's/BU01140102/BU0114-02/' in/buurten.geojson > in/b2.geojson
  score --bag in/bag.geojson --buurten in/b2.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/b2.geojson: layer 'buurten': feature [0-9]+: field 'buurtcode' holds 'BU0114-02', which is not a buurten code"; expect_no_output ;;
lines_as_points)
  sed 's/"type": "Point", "coordinates": \[ 250500, 530500 \]/"type": "LineString", "coordinates": [ [ 250500, 530500 ], [ 250600, 530600 ] ]/' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/bag2.geojson: layer 'verblijfsobject': feature [0-9]+ has a Line String geometry, expected a point"; expect_no_output ;;
invalid_polygon_repaired)
  # a bow-tie buurt: self-intersecting, repaired with MakeValid and reported
  sed 's/\[ 251000, 530000 \], \[ 252000, 530000 \], \[ 252000, 531000 \], \[ 251000, 531000 \]/[ 251000, 530000 ], [ 252000, 531000 ], [ 252000, 530000 ], [ 251000, 531000 ]/' in/buurten.geojson > in/b2.geojson
  grep -q '252000, 531000 \], \[ 252000, 530000' in/b2.geojson || fail "fixture edit failed"
  score --bag in/bag.geojson --buurten in/b2.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "warning: in/b2.geojson: layer 'buurten': invalid polygon of BU01140102 repaired with MakeValid" err.txt || fail "no repair warning"
  [ -s out/o.gpkg ] || fail "no output"
  n=$(ogrinfo -ro -q out/o.gpkg -sql "select waarde from wijkscan_metadata where sleutel='ongeldige_polygonen_hersteld'" | grep -c "waarde (String) = 1")
  [ "$n" -eq 1 ] || fail "repair count not recorded in the metadata" ;;
output_is_input)
  score "${base_args[@]}" -o in/buurten.geojson
  expect 5 "in/buurten.geojson: is one of the input files; refusing to overwrite it" ;;
output_dir_missing)
  score "${base_args[@]}" -o out/nowhere/o.gpkg
  expect 5 "out/nowhere: output directory does not exist"; expect_no_output ;;
project_yaml_syntax)
  printf 'wijkscan: 1\ninputs:\n  bag: in/bag.geojson\n  buurten: [in/buurten.geojson\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:[0-9]+:[0-9]+: YAML syntax error"; expect_no_output ;;
project_unknown_key)
  printf 'wijkscan: 1\ninputs:\n  bag: bag.geojson\n  buurten: buurten.geojson\nparameters:\n  radius: [500]\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:6:3: unknown key 'radius' \(did you mean 'radii'\?\)"; expect_no_output ;;
project_missing_input)
  printf 'wijkscan: 1\ninputs:\n  bag: bag.geojson\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:3:3: inputs: 'bag' and 'buurten' are required"; expect_no_output ;;
unknown_option)
  score "${base_args[@]}" --straal 500 -o out/o.gpkg
  expect 2 "unknown option '--straal'"; expect_no_output ;;
missing_required)
  score --bag in/bag.geojson -o out/o.gpkg
  expect 2 "score needs --bag, --buurten, --voorzieningen and -o"; expect_no_output ;;
ok_wfs_camelcase_buurten)
  # the PDOK WFS variant: camelCase statistics become the GeoPackage's names
  ogr2ogr -q -f GPKG in/wfs.gpkg in/buurten.geojson -nln buurten \
    -sql "SELECT buurtcode, buurtnaam, wijkcode, gemeentecode, gemeentenaam, water, aantal_inwoners AS aantalInwoners FROM buurten"
  score --bag in/bag.geojson --buurten in/wfs.gpkg --voorzieningen in/voorzieningen.csv -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "definitie.*cbs_wijkbuurtkaart_wfs.yaml" <(ogrinfo -ro -q out/o.gpkg wijkscan_invoer) || fail "WFS definition not chosen"
  head -1 out/o_buurten.csv | grep -q ",aantal_inwoners" || fail "aantalInwoners not renamed"
  grep -q $'^BU01140101,.*,120\r$' out/o_buurten.csv || fail "value 120 not carried"
  grep -q $'^BU01140102,.*,\r$' out/o_buurten.csv || fail "-99997 not missing" ;;
ok_dutch_csv_cp1252)
  # a hand-edited list from Excel: cp1252, BOM-less, ';', decimal comma, CRLF
  printf 'naam;categorie;x;y\r\nCaf\xe9 de Brink;Buurthuis;250500,5;530400\r\nApotheek \xe9\xe9n;apotheek;251000;530500,25\r\n' > in/lijst.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/lijst.csv -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "warning: in/lijst.csv" err.txt || fail "no encoding warning naming the file"
  # BU01140101: dwelling at (250500, 530500); buurthuis at (250500.5, 530400): 100.00125 m
  grep -q "^BU01140101,.*" out/o_buurten.csv || fail "no buurt row"
  col=$(head -1 out/o_buurten.csv | tr ',' '\n' | grep -n '^afstand_buurthuis_gemiddeld$' | cut -d: -f1)
  v=$(grep "^BU01140101," out/o_buurten.csv | cut -d, -f"$col")
  [ "$v" = "100" ] || fail "afstand_buurthuis_gemiddeld is '$v', expected 100 (100.00125 to the cm)" ;;
ok_unknown_category_warned)
  printf 'naam;categorie;x;y\r\nKerk;kerk;250500;530400\r\nHuisarts;huisarts;250500;530400\r\n' > in/lijst.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/lijst.csv -o out/o.gpkg
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "warning: in/lijst.csv: 1 voorzieningen with a category that no layer definition knows were skipped (first: 'kerk'" err.txt || fail "unknown category not reported" ;;
ok_far_dwelling_counted)
  # a dwelling far outside the buurten's bounding box is counted as outside
  # every buurt, not filtered away unseen
  sed 's/"coordinates": \[ 250500, 529500 \]/"coordinates": [ 260000, 540000 ]/' in/bag.geojson > in/bag2.geojson
  grep -q '260000, 540000' in/bag2.geojson || fail "fixture edit failed"
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "3 woningen: 2 in 3 buurten, 2 wijken en 2 gemeenten, 1 buiten alle buurten" out.txt || fail "outside dwelling not counted: $(cat out.txt)"
  grep -q "warning: 1 of 3 dwellings lie in no buurt" err.txt || fail "no warning" ;;
ok_stacked_dwellings)
  # dwellings 1 (BU01140101) and 2 (BU01140102) share pand 0114100000000001;
  # dwelling 3 (BU01090101) is alone in its pand. So per buurt:
  # aandeel_gestapeld 1, 1, 0 and woningen_per_pand_gemiddeld 2, 2, 1; for the
  # region 2/3 and (2 + 2 + 1) / 3 = 5/3.
  sed 's/0114100000000002/0114100000000001/' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  for f in buurten regio; do
    cs=$(head -1 out/o_$f.csv | tr ',' '\n' | grep -nx aandeel_gestapeld | cut -d: -f1)
    cp=$(head -1 out/o_$f.csv | tr ',' '\n' | grep -nx woningen_per_pand_gemiddeld | cut -d: -f1)
    tail -n +2 out/o_$f.csv | tr -d '\r' | cut -d, -f1,"$cs","$cp" >> got.txt
  done
  printf 'BU01140101,1,2\nBU01140102,1,2\nBU01090101,0,1\nREGIO,0.6666666666666666,1.6666666666666667\n' > want.txt
  cmp -s got.txt want.txt || fail "stacked shares: got $(tr '\n' ' ' < got.txt)" ;;
empty_layer)
  # the schema is there, the rows are not
  ogr2ogr -q -f GPKG in/b0.gpkg in/buurten.geojson -nln buurten -where "1 = 0"
  score --bag in/bag.geojson --buurten in/b0.gpkg --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/b0.gpkg: layer 'buurten': no buurten at all"; expect_no_output ;;
corrupt_geometry_blob)
  # a geometry blob overwritten with garbage: a clear error naming the
  # feature, never a dwelling silently lost or placed anywhere
  ogr2ogr -q -f GPKG -lco SPATIAL_INDEX=NO in/bag.gpkg in/bag.geojson -nln verblijfsobject
  sqlite3 in/bag.gpkg "UPDATE verblijfsobject SET geom = X'4750000100000000DEADBEEF' WHERE fid = 2" || fail "sqlite3 update failed"
  score --bag in/bag.gpkg --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 3 "in/bag.gpkg: layer 'verblijfsobject': feature 2: "; expect_no_output ;;
ok_absurd_coordinates)
  sed 's/"coordinates": \[ 250500, 529500 \]/"coordinates": [ 1e12, -1e12 ]/' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "1 buiten alle buurten" out.txt || fail "absurd point not counted as outside" ;;
ok_bag_in_wgs84)
  # the same BAG in WGS84 gives the same dwelling counts and areas
  ogr2ogr -q -f GeoJSON -t_srs EPSG:4326 in/bag84.geojson in/bag.geojson
  score --bag in/bag84.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "3 woningen: 3 in 3 buurten" out.txt || fail "WGS84 dwellings not placed: $(cat out.txt)"
  c=$(head -1 out/o_buurten.csv | tr ',' '\n' | grep -nx afstand_huisarts_gemiddeld | cut -d: -f1)
  v=$(grep '^BU01140101,' out/o_buurten.csv | cut -d, -f"$c")
  # 300 m in RD; a WGS84 round trip moves points by well under a centimetre
  [ "$v" = "300" ] || fail "distance after WGS84 round trip is $v, expected 300" ;;
ok_every_cbs_nodata_code)
  for code in -99997 -99995 -99991 -99999999 -99990; do
    sed "s/\"aantal_inwoners\": 120/\"aantal_inwoners\": $code/" in/buurten.geojson > in/b2.geojson
    score --bag in/bag.geojson --buurten in/b2.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg --csv out
    [ "$rc" -eq 0 ] || fail "exit code $rc for $code"
    grep -q $'^BU01140101,.*,\r$' out/o_buurten.csv || fail "$code not missing"
    reason=$(ogrinfo -ro -q out/o.gpkg -sql "select reden from ontbrekende_waarden where code='BU01140101' and kolom='aantal_inwoners'" | grep -o "= .*" | cut -c3-)
    case $code in -99997) want=geheim ;; -99995) want=later_gepubliceerd ;;
                  -99991) want=niet_meer_gepubliceerd ;; *) want=geen_gegevens ;; esac
    [ "$reason" = "$want" ] || fail "$code: reason '$reason', expected '$want'"
    rm -f out/o*
  done ;;
ok_gemeente_without_dwellings)
  sed 's/"bronhouder_identificatie": "0109"/"bronhouder_identificatie": "0114"/; s/"coordinates": \[ 250500, 529500 \]/"coordinates": [ 250600, 530600 ]/' in/bag.geojson > in/bag2.geojson
  score --bag in/bag2.geojson --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv --gemeente GM0109,GM0114 -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  grep -q "warning: gemeente GM0109 (Coevorden) has no dwellings in the BAG input" err.txt || fail "no warning for the empty gemeente"
  # woningen 0 and oppervlakte_gemiddeld empty (missing, not 0), by header
  awk -F, 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i }
           $1 == "GM0109" { ok = $(col["woningen"]) == "0" && $(col["oppervlakte_gemiddeld"]) == "" }
           END { exit !ok }' out/o_gemeenten.csv || fail "GM0109 not 0 dwellings with missing means" ;;
project_wrong_type)
  printf 'wijkscan: 1\ninputs:\n  bag: bag.geojson\n  buurten: buurten.geojson\nparameters:\n  radii: [500, vijfhonderd]\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:6:16: radius must be a distance in metres"; expect_no_output ;;
read_only_output_dir)
  mkdir -p ro && mount -t tmpfs -o size=1m,ro tmpfs ro 2>/dev/null || { echo "SKIP: cannot mount a read-only tmpfs here"; exit 77; }
  score "${base_args[@]}" -o ro/o.gpkg
  umount ro
  expect 5 "ro: output directory is not writable" ;;
disk_full)
  mkdir -p full && mount -t tmpfs -o size=24k tmpfs full 2>/dev/null || { echo "SKIP: cannot mount a small tmpfs here"; exit 77; }
  score "${base_args[@]}" -o full/o.gpkg --csv full
  left=$(ls -A full); umount full
  expect 5 "export: full/o.gpkg: "
  [ -z "$left" ] || fail "files left on the full disk: $left" ;;
interrupted)
  # SIGINT at any moment leaves no partial output; repeated at several delays
  for delay in 0.02 0.05 0.1 0.2; do
    "$ws" score --layers "$layers" "${base_args[@]}" -o out/o.gpkg --csv out >/dev/null 2>&1 &
    pid=$!; sleep "$delay"; kill -INT "$pid" 2>/dev/null; wait "$pid"; r=$?
    left=$(find out in -name '.*part-*' | head -3)
    [ -z "$left" ] || fail "partial file after SIGINT at ${delay}s: $left"
    [ "$r" -eq 0 ] || [ "$r" -eq 130 ] || fail "exit status $r after SIGINT"
    if [ "$r" -eq 130 ] && [ -e out/o.gpkg ]; then
      ogrinfo -ro -q out/o.gpkg buurten >/dev/null 2>&1 || fail "unreadable output after SIGINT"
    fi
    rm -f out/o*
  done ;;
ok_cbs_2019_mnemonic)
  ogr2ogr -q -f "ESRI Shapefile" in/shp in/buurten.geojson -nln buurt_2019_v3 -sql \
    "SELECT buurtcode AS BU_CODE, buurtnaam AS BU_NAAM, wijkcode AS WK_CODE, gemeentecode AS GM_CODE, gemeentenaam AS GM_NAAM, water AS WATER, aantal_inwoners AS AANT_INW FROM buurten"
  score --bag in/bag.geojson --buurten in/shp/buurt_2019_v3.shp --voorzieningen in/voorzieningen.csv -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  head -1 out/o_buurten.csv | grep -q ",aantal_inwoners" || fail "AANT_INW not renamed"
  grep -q $'^BU01140101,.*,120\r$' out/o_buurten.csv || fail "value 120 not carried"
  grep -q $'^BU01140102,.*,\r$' out/o_buurten.csv || fail "-99997 not missing" ;;
project_recursive_alias)
  printf 'wijkscan: 1\ninputs: &a\n  bag: bag.geojson\n  buurten: *a\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:[0-9]+:[0-9]+: "; expect_no_output ;;
project_alias_bomb)
  printf 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:[0-9]+:[0-9]+: document too large after expanding aliases"; expect_no_output ;;
csv_unterminated_quote)
  printf 'naam;categorie;x;y\r\n"Huisarts;huisarts;250500;530800\r\n' > in/v.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.csv -o out/o.gpkg
  expect 3 "in/v.csv:2:1: unterminated quoted field"; expect_no_output ;;
csv_too_many_fields)
  printf 'naam;categorie;x;y\r\nHuisarts;huisarts;250500;530800;extra\r\n' > in/v.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.csv -o out/o.gpkg
  expect 3 "in/v.csv:2:[0-9]+: row has 5 fields but the header has 4"; expect_no_output ;;
csv_binary)
  printf 'naam;categorie;x;y\r\nHuis\0arts;huisarts;1;2\r\n' > in/v.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.csv -o out/o.gpkg
  expect 3 "in/v.csv:2:[0-9]+: .*binary file"; expect_no_output ;;
csv_no_coordinates)
  printf 'naam;categorie;adres\r\nHuisarts;huisarts;Markt 1\r\n' > in/v.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.csv -o out/o.gpkg
  expect 4 "in/v.csv: no coordinate columns"; expect_no_output ;;
csv_bad_number)
  printf 'naam;categorie;x;y\r\nHuisarts;huisarts;250500;nan\r\n' > in/v.csv
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.csv -o out/o.gpkg
  expect 4 "in/v.csv:2: column 'y': 'nan' is not a number"; expect_no_output ;;
osm_garbage)
  printf '<osm version="0.6"><node id="1" lat="abc"' > in/v.osm
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.osm -o out/o.gpkg
  expect 3 "in/v.osm: layer 'points': reading failed: "; expect_no_output ;;
definition_syntax_error)
  printf 'kind: bag_verblijfsobject\nfields: {gebruiksdoel: x\n' > in/def.yaml
  score "${base_args[@]}" --bag-def in/def.yaml -o out/o.gpkg
  expect 3 "in/def.yaml:[0-9]+:[0-9]+: YAML syntax error"; expect_no_output ;;
definition_wrong_kind)
  score "${base_args[@]}" --bag-def "$layers/voorzieningen.yaml" -o out/o.gpkg
  expect 3 "voorzieningen.yaml: is a 'voorzieningen' definition, but bag needs 'bag_verblijfsobject'"; expect_no_output ;;
kerncijfers_unrecognised)
  printf 'code;inwoners\r\nGM0114;100\r\n' > in/k.csv
  score "${base_args[@]}" --kerncijfers in/k.csv -o out/o.gpkg
  expect 4 "in/k.csv: not recognised as a kerncijfers table"; expect_no_output ;;
output_is_directory)
  mkdir -p out/o.gpkg
  score "${base_args[@]}" -o out/o.gpkg
  expect 5 "out/o.gpkg: is a directory, expected a file name"
  rmdir out/o.gpkg; expect_no_output ;;
radii_not_ascending)
  score "${base_args[@]}" --radii 1000,500 -o out/o.gpkg
  expect 2 "radii must be positive and ascending \(radius 2 is 500\)"; expect_no_output ;;
buurten_as_lines)
  ogr2ogr -q -f GeoJSON in/lines.geojson in/buurten.geojson -nlt MULTILINESTRING -nln buurten
  score --bag in/bag.geojson --buurten in/lines.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/lines.geojson: layer 'buurten': region BU01140101 has a Multi Line String geometry, expected a polygon"; expect_no_output ;;
voorzieningen_as_lines)
  printf '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[{"type":"Feature","properties":{"categorie":"huisarts"},"geometry":{"type":"LineString","coordinates":[[250500,530800],[250600,530900]]}}]}\n' > in/v.geojson
  score --bag in/bag.geojson --buurten in/buurten.geojson --voorzieningen in/v.geojson -o out/o.gpkg
  expect 4 "in/v.geojson: layer '[^']*': feature 0 has a Line String geometry, expected a point or an area"; expect_no_output ;;
negative_margin)
  score "${base_args[@]}" --margin -5 -o out/o.gpkg
  expect 2 "--margin: '-5' is not a distance in metres"; expect_no_output ;;
project_absurd_radius)
  printf 'wijkscan: 1\ninputs:\n  bag: bag.geojson\n  buurten: buurten.geojson\nparameters:\n  radii: [500, 1e9]\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:6:16: radius must be a distance in metres between 0 and 100000"; expect_no_output ;;
ok_no_pand_layer)
  # a BAG file without pand layer: one warning, the woonlagen and
  # zorggeschikt columns empty (missing), never 0; the rest as usual
  score "${base_args[@]}" -o out/o.gpkg --csv out
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  [ "$(grep -c "no pand layer ('pand') found" err.txt)" -eq 1 ] || fail "not warned exactly once"
  for col in woonlagen_gemiddeld woningen_zorggeschikt aandeel_zorggeschikt; do
    c=$(head -1 out/o_buurten.csv | tr ',' '\n' | grep -nx "$col" | cut -d: -f1)
    [ -n "$c" ] || fail "no column $col"
    vals=$(tail -n +2 out/o_buurten.csv | tr -d '\r' | cut -d, -f"$c" | sort -u)
    [ -z "$vals" ] || fail "$col not empty: $vals"
  done
  # listed with their reason: 3 buurten + 2 wijken + 2 gemeenten + regio
  n=$(ogrinfo -q -sql "SELECT count(*) AS n FROM ontbrekende_waarden WHERE kolom = 'aandeel_zorggeschikt' AND reden = 'onbekend_in_bag'" out/o.gpkg | grep -o 'n (Integer) = [0-9]*')
  [ "$n" = "n (Integer) = 8" ] || fail "ontbrekende_waarden: $n" ;;
pand_without_identificatie)
  ogr2ogr -q -f GPKG in/b.gpkg in/bag.geojson -nln verblijfsobject
  ogr2ogr -q -update in/b.gpkg in/bag.geojson -nln pand -dialect SQLite \
    -sql "SELECT pand_identificatie AS pandid, ST_Buffer(geometry, 5) AS geometry FROM verblijfsobject"
  score --bag in/b.gpkg --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/b.gpkg: layer 'pand': field 'identificatie' not found \(needed for the identificatie of a pand\)"; expect_no_output ;;
pand_as_points)
  ogr2ogr -q -f GPKG in/b.gpkg in/bag.geojson -nln verblijfsobject
  ogr2ogr -q -update in/b.gpkg in/bag.geojson -nln pand -dialect SQLite \
    -sql "SELECT pand_identificatie AS identificatie, geometry FROM verblijfsobject"
  score --bag in/b.gpkg --buurten in/buurten.geojson --voorzieningen in/voorzieningen.csv -o out/o.gpkg
  expect 4 "in/b.gpkg: layer 'pand': feature [0-9]+ has a Point geometry, expected a polygon \(the footprint of a pand\)"; expect_no_output ;;
project_zorggeschikt_typo)
  printf 'wijkscan: 1\ninputs:\n  bag: bag.geojson\n  buurten: buurten.geojson\nparameters:\n  zorggeschikt:\n    lift_min_woonlaag: 4\n' > in/p.yaml
  run run --layers "$layers" in/p.yaml -o out
  expect 3 "in/p.yaml:7:5: unknown key 'lift_min_woonlaag' \(did you mean 'lift_min_woonlagen'\?\)"; expect_no_output ;;
*)
  echo "unknown case $case"; exit 1 ;;
esac
echo "ok [$case]"
