#!/usr/bin/env bash
# The 'wijkscan map' command and project maps through the real binary. The
# GeoPackage comes from 'wijkscan score' on the small valid set in
# tests/data/cli. Each case checks the exit code (0 ok, 2 usage, 3 input,
# 4 data, 5 output), the one-line error naming the file, option or
# file:line:column, that no map or temporary file is left behind after a
# failure, and that the GeoPackage is unchanged.
# Usage: map.sh WIJKSCAN CASE WORKDIR    |    map.sh --list
set -u
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data/cli"
layers="$here/../../layers"
styles="$here/../../styles"

cases=(ok_png ok_pdf ok_svg ok_wijk_level ok_reproducible ok_project_maps
       ok_unsafe_palette_warns ok_portrait_style ok_pixels
       unknown_option missing_theme bad_extension bad_classes bad_method
       manual_without_breaks width_without_height page_and_pixels
       missing_gpkg not_a_gpkg corrupt_geometry style_syntax style_unknown_key style_missing
       unknown_column unknown_gemeente missing_level
       output_dir_missing output_is_input project_map_unknown_key
       project_map_bad_output ok_pages several_themes_png project_map_pages_png
       ok_project_maps_threads)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${cases[@]}"
  exit 0
fi
ws=$1 case=$2 work=$3
rm -rf "$work"
mkdir -p "$work/in" "$work/out"
cp "$data"/* "$work/in/"
cd "$work" || exit 1

fail() { echo "FAIL [$case]: $*"; echo "--- stderr:"; cat err.txt 2>/dev/null; exit 1; }

"$ws" score --layers "$layers" --bag in/bag.geojson --buurten in/buurten.geojson \
      --voorzieningen in/voorzieningen.csv -o in/o.gpkg -q 2>err.txt ||
  fail "score failed"
gpkg=in/o.gpkg
sum_before=$(sha256sum "$gpkg")

expect() {
  local code=$1 regex=$2
  [ "$rc" -eq "$code" ] || fail "exit code $rc, expected $code"
  local n
  n=$(grep -c '^wijkscan: error: ' err.txt || true)
  if [ "$code" -eq 2 ] && [ "$n" -eq 0 ]; then n=$(grep -c '^wijkscan: ' err.txt || true); fi
  [ "$n" -eq 1 ] || fail "expected exactly one error line, got $n"
  grep -Eq -- "$regex" err.txt || fail "stderr does not match /$regex/"
}
expect_ok() {
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  for f in "$@"; do [ -s "$f" ] || fail "$f was not written"; done
}
expect_no_output() {
  local left
  left=$(find out -mindepth 1 | head -5)
  [ -z "$left" ] || fail "output left behind: $left"
}
map() {
  "$ws" map "$@" >out.txt 2>err.txt
  rc=$?
  [ "$(sha256sum "$gpkg")" = "$sum_before" ] || fail "the GeoPackage was modified"
}

case $case in
ok_png)
  map $gpkg --theme afstand_huisarts_gemiddeld -o out/m.png --dpi 72
  expect_ok out/m.png
  file out/m.png | grep -q "842 x 595" || fail "A4 at 72 dpi is 842 x 595 pixels: $(file out/m.png)"
  grep -q "map out/m.png: afstand_huisarts_gemiddeld" out.txt || fail "no summary" ;;
ok_pdf)
  map $gpkg --theme aandeel_huisarts_binnen_500m --page A3 --portrait -o out/m.pdf
  expect_ok out/m.pdf
  if command -v pdfinfo >/dev/null; then
    pdfinfo out/m.pdf | grep -q "841.89 x 1190.55 pts (A3)" || fail "not A3 portrait"
    pdftotext out/m.pdf - | grep -q "Woningen met een huisarts binnen 500 m" || fail "title not in the PDF text"
  fi ;;
ok_svg)
  map $gpkg --theme woningen --width 800 --height 600 -o out/m.svg
  expect_ok out/m.svg
  if command -v xmllint >/dev/null; then xmllint --noout out/m.svg || fail "SVG not well-formed"; fi ;;
ok_wijk_level)
  map $gpkg --theme woningen --level wijk --classes 3 --method equal -o out/m.png --dpi 60
  expect_ok out/m.png ;;
ok_reproducible)
  for ext in png pdf svg; do
    map $gpkg --theme afstand_huisarts_gemiddeld --voorzieningen all -o out/a.$ext --dpi 60
    expect_ok out/a.$ext
    sleep 1
    map $gpkg --theme afstand_huisarts_gemiddeld --voorzieningen all -o out/b.$ext --dpi 60
    cmp -s out/a.$ext out/b.$ext || fail "two runs differ ($ext)"
  done ;;
ok_project_maps)
  cat > in/p.yaml <<YAML
wijkscan: 1
inputs: {bag: bag.geojson, buurten: buurten.geojson, voorzieningen: voorzieningen.csv}
output: {dir: ../out, gpkg: p.gpkg, csv: false}
maps:
  - {column: afstand_huisarts_gemiddeld, output: a.png, dpi: 60}
  - {column: woningen, level: wijk, style: $styles/a4_staand.yaml, output: b.pdf}
YAML
  "$ws" run --layers "$layers" in/p.yaml -q >out.txt 2>err.txt; rc=$?
  expect_ok out/p.gpkg out/a.png out/b.pdf ;;
ok_unsafe_palette_warns)
  # a GeoPackage with a score column, mapped with RdYlGn in 7 classes
  cp $gpkg in/s.gpkg
  ogrinfo -q in/s.gpkg -sql "ALTER TABLE buurten ADD COLUMN score_gezond REAL" >/dev/null 2>&1 &&
  ogrinfo -q in/s.gpkg -sql "UPDATE buurten SET score_gezond = 5.5" >/dev/null 2>&1 || fail "ogrinfo"
  printf 'wijkscan_style: 1\npalette: {diverging: RdYlGn}\n' > in/s.yaml
  gpkg=in/s.gpkg sum_before=$(sha256sum in/s.gpkg)
  map $gpkg --theme gezond --style in/s.yaml --method manual --breaks 1,2,3,4,5,6,10 -o out/m.png --dpi 60
  expect_ok out/m.png
  grep -q "warning: map: palette RdYlGn with 7 classes is not colour-blind safe" err.txt ||
    fail "no colour-blind warning" ;;
ok_portrait_style)
  map $gpkg --theme woningen --style a4_staand -o out/m.png --dpi 60
  expect_ok out/m.png ;;
ok_pixels)
  map $gpkg --theme woningen --width 400 --height 300 -o out/m.png
  expect_ok out/m.png
  file out/m.png | grep -q "400 x 300" || fail "not 400 x 300: $(file out/m.png)" ;;
unknown_option)
  map $gpkg --theme woningen --colour red -o out/m.png
  expect 2 "unknown option '--colour'"; expect_no_output ;;
missing_theme)
  map $gpkg -o out/m.png
  expect 2 "needs a GeoPackage, --theme and -o FILE"; expect_no_output ;;
bad_extension)
  map $gpkg --theme woningen -o out/m.jpg
  expect 2 "out/m.jpg: the map must end in .png, .pdf or .svg"; expect_no_output ;;
bad_classes)
  map $gpkg --theme woningen --classes 0 -o out/m.png
  expect 2 "--classes must be a whole number from 1 to 12, not '0'"; expect_no_output ;;
bad_method)
  map $gpkg --theme woningen --method natural -o out/m.png
  expect 2 "--method must be quantile, .* not 'natural'"; expect_no_output ;;
manual_without_breaks)
  map $gpkg --theme woningen --method manual -o out/m.png
  expect 2 "--method manual needs --breaks"; expect_no_output ;;
width_without_height)
  map $gpkg --theme woningen --width 800 -o out/m.png
  expect 2 "give both --width and --height"; expect_no_output ;;
page_and_pixels)
  map $gpkg --theme woningen --width 800 --height 600 --page A4 -o out/m.png
  expect 2 "give either --page or --width/--height"; expect_no_output ;;
missing_gpkg)
  map in/nope.gpkg --theme woningen -o out/m.png
  expect 3 "in/nope.gpkg: cannot open"; expect_no_output ;;
not_a_gpkg)
  map in/voorzieningen.csv --theme woningen -o out/m.png
  expect 3 "in/voorzieningen.csv: not a GeoPackage"; expect_no_output ;;
corrupt_geometry)
  cp $gpkg in/c.gpkg
  ogrinfo -q in/c.gpkg -sql "UPDATE buurten SET geom = X'4750000100000000DEADBEEF' WHERE fid = 1" >/dev/null 2>&1 || fail "ogrinfo"
  gpkg=in/c.gpkg sum_before=$(sha256sum in/c.gpkg)
  map $gpkg --theme woningen -o out/m.png
  expect 3 "in/c.gpkg: layer 'buurten': reading failed: Unable to read geometry"; expect_no_output ;;
style_syntax)
  printf 'wijkscan_style: 1\nlegend: {width: 50\n' > in/s.yaml
  map $gpkg --theme woningen --style in/s.yaml -o out/m.png
  expect 3 "in/s.yaml:3:1: YAML syntax error"; expect_no_output ;;
style_unknown_key)
  printf 'wijkscan_style: 1\nscalebar:\n  max_widht: 30\n' > in/s.yaml
  map $gpkg --theme woningen --style in/s.yaml -o out/m.png
  expect 3 "in/s.yaml:3:3: unknown key 'max_widht' \(did you mean 'max_width'\?\)"; expect_no_output ;;
style_missing)
  map $gpkg --theme woningen --style nonexistent_style -o out/m.png
  expect 3 "nonexistent_style.yaml: cannot open"; expect_no_output ;;
unknown_column)
  map $gpkg --theme aandeel_kerk_binnen_500m -o out/m.png
  expect 4 "layer 'buurten' has no column 'aandeel_kerk_binnen_500m'"; expect_no_output ;;
unknown_gemeente)
  map $gpkg --theme woningen --gemeente GM9999 -o out/m.png
  expect 4 "gemeente GM9999 is not in the GeoPackage"; expect_no_output ;;
missing_level)
  ogr2ogr -f GPKG in/only.gpkg $gpkg buurten 2>/dev/null || fail "ogr2ogr"
  sum_before=$(sha256sum "$gpkg")
  map in/only.gpkg --theme woningen --level wijk -o out/m.png
  expect 4 "no layer 'wijken'"; expect_no_output ;;
output_dir_missing)
  map $gpkg --theme woningen -o out/nope/m.png
  expect 5 "out/nope: output directory does not exist"; expect_no_output ;;
output_is_input)
  cp $gpkg in/x.png
  map in/x.png --theme woningen -o in/x.png
  expect 5 "in/x.png: is the input GeoPackage"; expect_no_output ;;
project_map_unknown_key)
  printf 'wijkscan: 1\ninputs: {bag: bag.geojson, buurten: buurten.geojson}\noutput: {dir: ../out}\nmaps:\n  - theme: gezond\n    levle: buurt\n    output: g.png\n' > in/p.yaml
  "$ws" run --layers "$layers" in/p.yaml >out.txt 2>err.txt; rc=$?
  expect 3 "in/p.yaml:6:5: unknown key 'levle' \(did you mean 'level'\?\)"; expect_no_output ;;
project_map_bad_output)
  printf 'wijkscan: 1\ninputs: {bag: bag.geojson, buurten: buurten.geojson}\noutput: {dir: ../out}\nmaps:\n  - {theme: gezond, output: g.tiff}\n' > in/p.yaml
  "$ws" run --layers "$layers" in/p.yaml >out.txt 2>err.txt; rc=$?
  expect 3 "in/p.yaml:5:29: map output 'g.tiff' must end in .png, .pdf or .svg"; expect_no_output ;;
ok_pages)
  # three columns: a PDF with one map per page, in the order given
  map $gpkg --theme woningen,afstand_huisarts_gemiddeld,aandeel_huisarts_binnen_500m -o out/m.pdf
  expect_ok out/m.pdf
  grep -q "map out/m.pdf: woningen, .*, 3 pages" out.txt || fail "no page count in the summary: $(cat out.txt)"
  if command -v pdfinfo >/dev/null; then
    pdfinfo out/m.pdf | grep -Eq "^Pages: +3$" || fail "not 3 pages: $(pdfinfo out/m.pdf | grep Pages)"
    pdftotext -f 3 -l 3 out/m.pdf - | grep -q "Woningen met een huisarts binnen 500 m" ||
      fail "page 3 is not the third column"
    pdftotext -f 1 -l 1 out/m.pdf - | grep -q "Woningen met een huisarts binnen 500 m" &&
      fail "page 1 shows the third column"
  fi
  cat > in/p.yaml <<YAML
wijkscan: 1
inputs: {bag: bag.geojson, buurten: buurten.geojson, voorzieningen: voorzieningen.csv}
output: {dir: ../out, gpkg: p.gpkg, csv: false}
maps:
  - {column: [woningen, afstand_huisarts_gemiddeld], output: twee.pdf}
YAML
  "$ws" run --layers "$layers" in/p.yaml >out.txt 2>err.txt; rc=$?
  expect_ok out/twee.pdf
  if command -v pdfinfo >/dev/null; then
    pdfinfo out/twee.pdf | grep -Eq "^Pages: +2$" || fail "project map: not 2 pages"
  fi ;;
ok_project_maps_threads)
  # the maps of a project drawn on 1 and on 3 threads: the same files, the
  # same summaries in the project's order, and a failing map still fails
  cat > in/p.yaml <<YAML
wijkscan: 1
inputs: {bag: bag.geojson, buurten: buurten.geojson, voorzieningen: voorzieningen.csv}
output: {dir: ../out, gpkg: p.gpkg, csv: false}
maps:
  - {column: afstand_huisarts_gemiddeld, output: a.png, dpi: 60}
  - {column: [woningen, aandeel_huisarts_binnen_500m], output: b.pdf}
  - {column: woningen, level: wijk, output: c.svg}
  - {column: woningen, output: d.png, dpi: 60}
YAML
  WIJKSCAN_THREADS=1 "$ws" run --layers "$layers" in/p.yaml >out1.txt 2>err.txt; rc=$?
  expect_ok out/a.png out/b.pdf out/c.svg out/d.png
  mkdir -p one && mv out/a.png out/b.pdf out/c.svg out/d.png one/
  sleep 1
  WIJKSCAN_THREADS=3 "$ws" run --layers "$layers" in/p.yaml >out3.txt 2>err.txt; rc=$?
  expect_ok out/a.png out/b.pdf out/c.svg out/d.png
  for f in a.png b.pdf c.svg d.png; do cmp -s one/$f out/$f || fail "$f differs between 1 and 3 threads"; done
  [ "$(grep -o 'map [^:]*' out1.txt)" = "$(grep -o 'map [^:]*' out3.txt)" ] ||
    fail "summaries not in the project's order: $(cat out3.txt)"
  [ "$(grep -c '^wijkscan: map ' out3.txt)" -eq 4 ] || fail "not 4 map summaries"
  printf '  - {column: no_such_column, output: e.png}\n' >> in/p.yaml
  WIJKSCAN_THREADS=3 "$ws" run --layers "$layers" in/p.yaml >out.txt 2>err.txt; rc=$?
  expect 4 "no_such_column"
  # a failing map first on the only thread: one error, the others drawn
  # (the thread's context kept the error and failed every later map)
  rm -f out/*.png out/*.pdf out/*.svg
  sed -i -e '/no_such_column/d' -e 's/^maps:$/maps:\n  - {column: no_such_column, output: e.png}/' in/p.yaml
  WIJKSCAN_THREADS=1 "$ws" run --layers "$layers" in/p.yaml >out.txt 2>err.txt; rc=$?
  expect 4 "no_such_column"
  for f in a.png b.pdf c.svg d.png; do [ -s out/$f ] || fail "$f not drawn after a failed map"; done ;;
several_themes_png)
  map $gpkg --theme woningen,afstand_huisarts_gemiddeld -o out/m.png
  expect 2 "several themes are the pages of one .pdf"; expect_no_output ;;
project_map_pages_png)
  printf 'wijkscan: 1\ninputs: {bag: bag.geojson, buurten: buurten.geojson}\noutput: {dir: ../out}\nmaps:\n  - {theme: [gezond, informeel], output: g.png}\n' > in/p.yaml
  "$ws" run --layers "$layers" in/p.yaml >out.txt 2>err.txt; rc=$?
  expect 3 "in/p.yaml:5:13: several maps are the pages of one PDF" ; expect_no_output ;;
*)
  echo "unknown case $case"; exit 2 ;;
esac
echo "ok [$case]"
