#!/usr/bin/env python3
"""Independent check of the comparison table of 'wijkscan compare' and of the
report's summary table against the GeoPackage itself.

The GeoPackage's buurten and wijken are read with ogr2ogr (CSV), and per
gemeente and theme this script recomputes, without any wijkscan code:
  - the dwelling-weighted mean of the marks of the scored buurten
    (scored = score_<theme> has a value),
  - the median of those marks (each buurt once),
  - the share of dwellings (of scored buurten) whose mark is at most the
    upper bound of the lowest class (taken from the CSV: the pooled
    quantile breaks are checked against the map legend by test_report),
  - the strongest and weakest wijk (own mark in the wijken layer, ties to
    the lowest wijkcode),
  - the difference from the regional weighted mean;
then compares them with the CSV (to 1e-9) and with the numbers printed in
the report's comparison table (one decimal, decimal comma).

Usage: report_check.py GPKG COMPARE.csv REPORT.pdf GEMEENTE...
"""
import csv
import io
import math
import re
import subprocess
import sys


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def layer(gpkg, name):
    out = subprocess.run(["ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, name],
                         check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def num(s):
    return float(s) if s not in ("", None) else math.nan


def dutch(v, dec=1):
    s = f"{abs(v):.{dec}f}".replace(".", ",")
    return ("\u2212" if v < 0 and s.strip("0,") else "") + s


def main():
    gpkg, table, pdf = sys.argv[1:4]
    gemeenten = sys.argv[4:]
    buurten = layer(gpkg, "buurten")
    wijken = layer(gpkg, "wijken")
    themes = [c[6:] for c in buurten[0].keys()
              if c.startswith("score_") and not c.endswith(("_dekking", "_vlag"))]
    rows = list(csv.DictReader(open(table, encoding="utf-8")))
    got = {(r["gemeentecode"], r["thema"]): r for r in rows}
    if len(rows) != len(themes) * (len(gemeenten) + 1):
        fail(f"{len(rows)} rows in {table}, expected "
             f"{len(themes) * (len(gemeenten) + 1)}")
    expected_lines = []
    for t in themes:
        col = "score_" + t
        region = [b for b in buurten if b["gemeentecode"] in gemeenten]
        stats = {}
        for g in gemeenten + ["regio"]:
            bs = region if g == "regio" else [b for b in region if b["gemeentecode"] == g]
            scored = [b for b in bs if not math.isnan(num(b[col]))]
            w = sum(num(b["woningen"]) for b in scored)
            mean = sum(num(b["woningen"]) * num(b[col]) for b in scored) / w if w else math.nan
            marks = sorted(num(b[col]) for b in scored)
            n = len(marks)
            median = (marks[n // 2] if n % 2 else (marks[n // 2 - 1] + marks[n // 2]) / 2) if n else math.nan
            r = got.get((g, t))
            if r is None:
                fail(f"no row for {g} {t}")
            low = num(r["laagste_klasse_tot"])
            if not any(abs(m - low) < 1e-9 for m in marks) and g == "regio":
                fail(f"{t}: lowest class bound {low} is not one of the marks")
            share = sum(num(b["woningen"]) for b in scored if num(b[col]) <= low + 1e-12) / w if w else math.nan
            stats[g] = mean
            checks = [("gescoord", len(scored)), ("niet_gescoord", len(bs) - len(scored)),
                      ("woningen_gescoord", w), ("gemiddelde_gewogen", mean),
                      ("mediaan", median), ("aandeel_woningen_laagste_klasse", share)]
            if g != "regio":
                ws = [x for x in wijken if x["gemeentecode"] == g and not math.isnan(num(x[col]))]
                if ws:
                    best = sorted(ws, key=lambda x: (-num(x[col]), x["wijkcode"]))[0]
                    worst = sorted(ws, key=lambda x: (num(x[col]), x["wijkcode"]))[0]
                    if r["sterkste_wijkcode"] != best["wijkcode"] or r["zwakste_wijkcode"] != worst["wijkcode"]:
                        fail(f"{g} {t}: best/weakest wijk {r['sterkste_wijkcode']}/"
                             f"{r['zwakste_wijkcode']}, expected {best['wijkcode']}/{worst['wijkcode']}")
            for key, want in checks:
                have = num(r[key])
                if math.isnan(want) != math.isnan(have) or (
                        not math.isnan(want) and abs(have - want) > 1e-9 * max(1, abs(want))):
                    fail(f"{g} {t} {key}: CSV {have}, recomputed {want}")
            if not math.isnan(mean):
                expected_lines.append((g, dutch(mean), dutch(median), f"{share * 100:.0f}"))
        for g in gemeenten:
            d = num(got[(g, t)]["verschil_met_regio"])
            if abs(d - (stats[g] - stats["regio"])) > 1e-9:
                fail(f"{g} {t}: difference from the region {d}")
    # the report's comparison table (summary pages)
    text = subprocess.run(["pdftotext", "-layout", "-f", "3", "-l", "5", pdf, "-"],
                          check=True, capture_output=True, text=True).stdout
    names = {r["gemeentecode"]: r["gemeentenaam"] for r in rows}
    names["regio"] = "regio"
    pat = re.compile(r"(?:^|\s)(" + "|".join(re.escape(names[g]) for g in gemeenten + ["regio"]) +
                     r")\s{2,}(\u2212?[\d.,]+)\s+([\d.,]+)\s+(\d+) ?%")
    found = []
    for line in text.splitlines():
        m = pat.search(line)
        if m:
            found.append(m.groups())
    want = [(names[g], a, b, c) for g, a, b, c in expected_lines]
    if found != want:
        fail("report table differs:\n  report: %s\n  recomputed: %s" % (found, want))
    print(f"ok: {len(rows)} rows of {table} and {len(found)} rows of the report "
          f"table equal the recomputed values")


main()
