#!/usr/bin/env bash
# The fast paths on a generated set (wijkscan-nl-gen at BOCE scale: 279
# buurten with hundreds of vertices, ~90 k objects, dwellings placed exactly
# on shared buurt edges): the SQLite reader (also in three parts), the Arrow
# reader, the join grid and threads give byte-identical CSV files to the
# per-feature reader
# and the point-by-point, single-threaded join; so do the region unions (coverage or overlay, on
# threads or not) when wijken and gemeenten are dissolved from the buurten,
# and TEST_UNION (test_union) finds the two unions equal on this set; the
# generator is deterministic.
# TEST_VALIDITY (test_validity) finds every region it proves valid valid by
# GEOS too, and proves most of them.
# Usage: fastpaths.sh WIJKSCAN WIJKSCAN-NL-GEN WORKDIR [TEST_UNION [TEST_VALIDITY]]
set -euo pipefail
ws=$1 gen=$2 work=$3 test_union=${4:-} test_validity=${5:-}
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$gen" --gemeenten GM0109,GM0114,GM1681 "$work/data" > "$work/gen.txt"
grep -q "op een buurtgrens" "$work/gen.txt" || fail "generator summary: $(cat "$work/gen.txt")"
edge=$(sed -n 's/.*woningen, \([0-9]*\) op een buurtgrens.*/\1/p' "$work/gen.txt")
[ "$edge" -gt 0 ] || fail "no dwellings on a buurt edge generated"

d=$work/data
run() { # NAME ENV...
  local name=$1; shift
  env "$@" "$ws" score --bag "$d/bag-light-nl-synthetic.gpkg" \
      --buurten "${BUURTEN:-$d/wijkenbuurten-nl-synthetic.gpkg}" \
      --voorzieningen "$d/voorzieningen-nl-synthetic.gpkg" \
      -o "$work/$name/out.gpkg" --csv "$work/$name" -q
}
mkdir -p "$work/plain" "$work/fast" "$work/arrow" "$work/threads"
run plain WS_BAG_SQLITE=NO WS_BAG_ARROW=NO WIJKSCAN_THREADS=1 WIJKSCAN_JOIN_GRID=0
run fast
run arrow WS_BAG_SQLITE=NO
run threads WIJKSCAN_THREADS=3 WIJKSCAN_JOIN_GRID=1 WS_BAG_SPLIT_MIN_ROWS=1000
for lv in buurten wijken gemeenten regio; do
  for m in fast arrow threads; do
    cmp -s "$work/plain/out_$lv.csv" "$work/$m/out_$lv.csv" ||
      fail "out_$lv.csv differs between the plain and the $m run"
  done
done
# only the buurten: wijken, gemeenten and the regio dissolved
ogr2ogr -f GPKG "$work/buurten.gpkg" "$d/wijkenbuurten-nl-synthetic.gpkg" buurten
mkdir -p "$work/dissolve_classic" "$work/dissolve_auto" "$work/dissolve_threads"
BUURTEN=$work/buurten.gpkg run dissolve_classic WIJKSCAN_UNION=classic WIJKSCAN_THREADS=1
BUURTEN=$work/buurten.gpkg run dissolve_auto
BUURTEN=$work/buurten.gpkg run dissolve_threads WIJKSCAN_THREADS=3
for lv in buurten wijken gemeenten regio; do
  for m in auto threads; do
    cmp -s "$work/dissolve_classic/out_$lv.csv" "$work/dissolve_$m/out_$lv.csv" ||
      fail "out_$lv.csv differs between the classic and the $m dissolve"
  done
done
for lv in wijken gemeenten regio; do
  a=$(sqlite3 "$work/dissolve_classic/out.gpkg" "SELECT count(*) FROM $lv")
  b=$(sqlite3 "$work/dissolve_auto/out.gpkg" "SELECT count(*) FROM $lv")
  [ "$a" = "$b" ] || fail "$lv: $a dissolved regions one way, $b the other"
done
[ -z "$test_union" ] || "$test_union" "$d/wijkenbuurten-nl-synthetic.gpkg" ||
  fail "coverage and overlay unions differ on the generated set"
[ -z "$test_validity" ] || "$test_validity" "$d/wijkenbuurten-nl-synthetic.gpkg" ||
  fail "the quick validity proof and GEOS disagree on the generated set"

n=$(($(wc -l < "$work/plain/out_buurten.csv") - 1))
[ "$n" -ge 250 ] || fail "only $n buurten"

# the generator is reproducible
"$gen" --gemeenten GM0109,GM0114,GM1681 "$work/data2" > /dev/null
for f in bag-light-nl-synthetic.gpkg wijkenbuurten-nl-synthetic.gpkg voorzieningen-nl-synthetic.gpkg; do
  cmp -s "$d/$f" "$work/data2/$f" || fail "$f differs between two generator runs"
done
echo "fast paths: identical CSV files for $n buurten ($edge dwellings on a buurt edge)"
rm -rf "$work"
