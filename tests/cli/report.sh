#!/usr/bin/env bash
# 'wijkscan compare' and 'wijkscan report' through the real binary, on the
# BOCE GeoPackage made here by 'wijkscan run' (needs the generated
# examples/boce/data). Each case checks the exit code, the one-line error
# that names the file, layer, column or option, that nothing is left behind
# after a failure and that the GeoPackage is unchanged; the ok cases check
# the pages (pdfinfo), the headings, contents and page numbers (pdftotext),
# the table values against an independent recomputation
# (report_check.py), byte-identical repeat runs and the figure files.
# Usage: report.sh WIJKSCAN CASE WORKDIR    |    report.sh --list
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

cases=(ok_compare ok_report ok_empty_gemeente ok_wijk_level
       unknown_gemeente malformed_gemeente no_scores unknown_theme
       theme_all_png missing_output bad_level report_not_pdf
       missing_gpkg not_a_gpkg output_dir_missing output_is_input
       figures_dir_unwritable)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${cases[@]}"
  exit 0
fi
ws=$1 case=$2 work=$3
rm -rf "$work"
mkdir -p "$work/out"
cd "$work" || exit 1

fail() { echo "FAIL [$case]: $*"; echo "--- stderr:"; cat err.txt 2>/dev/null; exit 1; }

gm=GM1681,GM0109,GM0114
"$ws" run "$root/examples/boce/wijkscan.yaml" -o boce -q 2>err.txt || fail "BOCE run failed"
gpkg=boce/wijkscan-boce.gpkg
sum_before=$(sha256sum "$gpkg")

expect() {
  local code=$1 regex=$2
  [ "$rc" -eq "$code" ] || fail "exit code $rc, expected $code"
  local n
  n=$(grep -c '^wijkscan: ' err.txt || true)
  [ "$n" -eq 1 ] || fail "expected exactly one error line, got $n"
  grep -Eq -- "$regex" err.txt || fail "stderr does not match /$regex/"
  local left
  left=$(find out -mindepth 1 | head -5)
  [ -z "$left" ] || fail "output left behind: $left"
}
run() {
  "$ws" "$@" >out.txt 2>err.txt
  rc=$?
  [ "$(sha256sum "$gpkg")" = "$sum_before" ] || fail "the GeoPackage was modified"
}
pdftext() { pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null; }

case $case in
ok_compare)
  for ext in png pdf svg; do
    run compare $gpkg --gemeente $gm --theme gezond -o out/a.$ext --csv out/a.csv --dpi 72
    [ "$rc" -eq 0 ] || fail "compare .$ext: exit $rc"
    run compare $gpkg --gemeente $gm --theme gezond -o out/b.$ext --csv out/b.csv --dpi 72
    cmp -s out/a.$ext out/b.$ext || fail "two runs differ (.$ext)"
    cmp -s out/a.csv out/b.csv || fail "two runs differ (CSV)"
  done
  file out/a.png | grep -q "842 x 595" || fail "A4 landscape at 72 dpi is 842 x 595: $(file out/a.png)"
  xmllint --noout out/a.svg || fail "SVG not well-formed"
  pdftext out/a.pdf 1 | grep -q "Borger-Odoorn" || fail "panel names not in the PDF text"
  pdftext out/a.pdf 1 | grep -q "schaal 1 : " || fail "no scale in the PDF text"
  # the same scale under every panel
  n=$(pdftext out/a.pdf 1 | grep -o "schaal 1 : [0-9.]*" | sort -u | wc -l)
  k=$(pdftext out/a.pdf 1 | grep -o "schaal 1 : [0-9.]*" | wc -l)
  [ "$k" -eq 3 ] && [ "$n" -eq 1 ] || fail "expected 3 panels at one scale, got $k scale texts, $n different"
  # every theme: a PDF of 4 pages
  run compare $gpkg --gemeente $gm --theme all -o out/all.pdf --csv out/all.csv
  [ "$rc" -eq 0 ] || fail "compare all: exit $rc"
  pdfinfo out/all.pdf | grep -q "^Pages: *4$" || fail "expected 4 pages: $(pdfinfo out/all.pdf | grep Pages)"
  run report $gpkg --gemeente $gm -o out/r.pdf
  [ "$rc" -eq 0 ] || fail "report: exit $rc"
  python3 "$here/report_check.py" $gpkg out/all.csv out/r.pdf GM1681 GM0109 GM0114 || fail "table check" ;;
ok_report)
  t0=$(date +%s.%N)
  run report $gpkg --project "$root/examples/boce/wijkscan.yaml" -o out/r.pdf --figures out/fig
  t1=$(date +%s.%N)
  [ "$rc" -eq 0 ] || fail "report: exit $rc"
  pages=$(pdfinfo out/r.pdf | awk '/^Pages:/ {print $2}')
  [ "$pages" -ge 20 ] && [ "$pages" -le 30 ] || fail "$pages pages"
  pdfinfo out/r.pdf | grep -q "Page size: *595.276 x 841.89 pts (A4)" || fail "not A4 portrait"
  pdfinfo out/r.pdf | grep -q "Title: *Wonen zonder zorgen" || fail "PDF title not from the project"
  pdfinfo out/r.pdf | grep -q "CreationDate: .* 2026\|CreationDate: " || fail "no creation date"
  # headings
  all=$(pdftotext -layout out/r.pdf - )
  for h in "Inhoud" "Samenvatting" "De vergelijkingstabel" "Verschil met het regiogemiddelde" \
           "De gezonde wijk" "De informele wijk" "De inclusieve wijk" "De vitale wijk" \
           "Borger-Odoorn" "Coevorden" "Emmen" "Datakwaliteit" "Methode" \
           "Bijlage: de indicatoren" "Gebruikte gegevens"; do
    grep -q "$h" <<<"$all" || fail "heading '$h' missing"
  done
  # cover: the date of the GeoPackage, not the clock
  gdate=$(sqlite3 $gpkg "select substr(max(last_change),1,10) from gpkg_contents")
  y=${gdate:0:4} m=$((10#${gdate:5:2})) d=$((10#${gdate:8:2}))
  months=(januari februari maart april mei juni juli augustus september oktober november december)
  pdftext out/r.pdf 1 | grep -q "Gegevens van $d ${months[$((m-1))]} $y" || fail "cover date is not the GeoPackage's ($gdate)"
  # contents: every entry's page shows its heading; footers number the pages
  toc=$(pdftext out/r.pdf 2 | grep -E '[^ ] +[0-9]+$' | sed -E 's/ +/ /g')
  n=0
  while read -r line; do
    page=${line##* } title=${line% *}
    title=$(sed -E 's/^ //' <<<"$title")
    [ "$page" -le "$pages" ] || fail "contents: '$title' on page $page of $pages"
    pdftext out/r.pdf "$page" | grep -qF "$title" || fail "contents: '$title' is not on page $page"
    n=$((n+1))
  done < <(grep -v "pagina" <<<"$toc")
  [ "$n" -ge 20 ] || fail "only $n contents entries"
  pdftext out/r.pdf 3 | grep -q "pagina 3 van $pages" || fail "no page number in the footer"
  # PDF bookmarks (an outline entry per heading) and clickable contents
  grep -aq "/Outlines" out/r.pdf || fail "no PDF outline"
  for h in "Samenvatting" "Datakwaliteit" "Bijlage: de indicatoren"; do
    grep -aq "/Title ($h)" out/r.pdf || fail "no bookmark '$h'"
  done
  links=$(grep -ac "/Subtype /Link" out/r.pdf)
  [ "$links" -ge "$n" ] || fail "$links links for $n contents entries"
  # figures: PNG and SVG of each
  npng=$(ls out/fig/*.png | wc -l) nsvg=$(ls out/fig/*.svg | wc -l)
  [ "$npng" -ge 15 ] && [ "$npng" -eq "$nsvg" ] || fail "$npng PNG and $nsvg SVG figures"
  for f in out/fig/*.svg; do xmllint --noout "$f" || fail "$f not well-formed"; done
  for f in out/fig/*.png; do file "$f" | grep -q "PNG image data" || fail "$f not a PNG"; done
  [ -z "$(find out -name '.*part*')" ] || fail "temporary files left"
  # reproducible
  run report $gpkg --project "$root/examples/boce/wijkscan.yaml" -o out/r2.pdf
  cmp -s out/r.pdf out/r2.pdf || fail "two reports differ"
  size=$(stat -c %s out/r.pdf)
  echo "report: $pages pages, $size bytes, $(echo "$t1 - $t0" | bc 2>/dev/null || echo '?') s with figures" ;;
ok_empty_gemeente)
  # Borger-Odoorn without a single valid buurt
  cp $gpkg out/e.gpkg
  cols=$(sqlite3 out/e.gpkg "select name from pragma_table_info('buurten') where name like 'score\_%' escape '\\' and name not like '%\_dekking' escape '\\' and name not like '%\_vlag' escape '\\'")
  set_sql=""
  for c in $cols; do set_sql="$set_sql${set_sql:+, }$c = NULL, ${c}_vlag = 'geen_gegevens'"; done
  # through GDAL: the GeoPackage's triggers need its SQL functions
  for l in buurten wijken; do
    ogrinfo -q out/e.gpkg -sql "UPDATE $l SET $set_sql WHERE gemeentecode = 'GM1681'" >/dev/null 2>&1 || fail "ogrinfo"
  done
  gpkg=out/e.gpkg sum_before=$(sha256sum out/e.gpkg)
  run report $gpkg --gemeente $gm -o out/r.pdf
  [ "$rc" -eq 0 ] || fail "report: exit $rc"
  pages=$(pdfinfo out/r.pdf | awk '/^Pages:/ {print $2}')
  found=0
  for p in $(seq 1 "$pages"); do
    t=$(pdftotext -layout -f "$p" -l "$p" out/r.pdf - | tr '\n' ' ' | tr -s ' ')
    if grep -Eq "Geen enkele buurt van Borger-? ?Odoorn heeft een geldige score" <<<"$t"; then found=1; fi
  done
  [ "$found" -eq 1 ] || fail "the Borger-Odoorn page does not say it has no valid buurt"
  pdftotext -layout out/r.pdf - | tr '\n' ' ' | tr -s ' ' | grep -Eq "Borger-? ?Odoorn heeft geen enkele gescoorde buurt" || fail "summary does not say it"
  run compare $gpkg --gemeente $gm --theme gezond -o out/c.png --csv out/c.csv --dpi 60
  [ "$rc" -eq 0 ] || fail "compare: exit $rc"
  grep -q "^GM1681,Borger-Odoorn,gezond,buurt,0,58," out/c.csv || fail "CSV row of Borger-Odoorn: $(grep GM1681 out/c.csv)" ;;
ok_wijk_level)
  run compare $gpkg --theme inclusief --level wijk -o out/w.svg --csv out/w.csv
  [ "$rc" -eq 0 ] || fail "exit $rc"
  grep -q "^GM0114,Emmen,inclusief,wijk,26,1," out/w.csv || fail "CSV: $(grep GM0114 out/w.csv)" ;;
unknown_gemeente)
  run compare $gpkg --gemeente GM1681,GM9999 --theme gezond -o out/c.png
  expect 4 "wijkscan-boce.gpkg: gemeente GM9999 is not in layer 'buurten'" ;;
malformed_gemeente)
  run report $gpkg --gemeente Emmen -o out/r.pdf
  expect 2 "--gemeente: 'Emmen' is not a gemeentecode" ;;
no_scores)
  # the project draws score maps, so the GeoPackage without scores comes
  # from `score --no-themes`
  d=$root/examples/boce/data; mkdir -p plain
  "$ws" score --bag "$d/bag-light-boce-synthetic.gpkg" \
    --buurten "$d/wijkenbuurten-2023-boce-synthetic.gpkg" \
    --voorzieningen "$d/voorzieningen-boce-synthetic.osm" --no-themes \
    -o plain/wijkscan-boce.gpkg -q 2>err.txt || fail "score --no-themes"
  run report plain/wijkscan-boce.gpkg -o out/r.pdf
  expect 4 "plain/wijkscan-boce.gpkg: layer 'buurten' has no theme scores" ;;
unknown_theme)
  run compare $gpkg --theme gezondheid -o out/c.png
  expect 4 "layer 'buurten' has no column 'score_gezondheid' \(themes there are: gezond, informeel, inclusief, vitaal\)" ;;
theme_all_png)
  run compare $gpkg --theme all -o out/c.png
  expect 2 "out/c.png: 4 themes make 4 pages; write a .pdf" ;;
missing_output)
  run report $gpkg
  expect 2 "report: needs -o REPORT.pdf" ;;
bad_level)
  run compare $gpkg --theme gezond --level gemeente -o out/c.png
  expect 2 "--level must be buurt or wijk" ;;
report_not_pdf)
  run report $gpkg -o out/r.png
  expect 2 "the report must end in .pdf" ;;
missing_gpkg)
  run report nothere.gpkg -o out/r.pdf
  expect 3 "nothere.gpkg: cannot open" ;;
not_a_gpkg)
  echo "geen geopackage" > out/x.gpkg; mv out/x.gpkg x.gpkg
  run compare x.gpkg --theme gezond -o out/c.png
  expect 3 "x.gpkg: not a GeoPackage" ;;
output_dir_missing)
  run report $gpkg -o out/nodir/r.pdf
  expect 5 "out/nodir: output directory does not exist" ;;
output_is_input)
  run compare $gpkg --theme gezond --csv $gpkg
  expect 5 "is the input GeoPackage; refusing to overwrite it" ;;
figures_dir_unwritable)
  touch out/afile
  run report $gpkg -o out/r.pdf --figures out/afile/fig
  rm -f out/afile
  expect 5 "out/afile/fig: cannot create the figures directory" ;;
*)
  fail "unknown case" ;;
esac
echo "ok [$case]"
