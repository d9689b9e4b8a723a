#!/usr/bin/env python3
"""Theme scores of the BOCE example, checked by a second method.

Usage: themes_boce.py WIJKSCAN WORKDIR

Python's own csv module reads wijkscan's CSV output and the table
wijkscan_indicatoren (exported with ogr2ogr); from the normalised values and
the weights it recomputes every theme mark, the coverage, the flags and the
ranks, independently of the C code. It also checks `wijkscan explain`
(contributions add up to the mark), the reference frames (per gemeente every
min–max indicator spans 0..1 among the scored buurten of that gemeente;
"invoer" ranks a selection among all buurten of the input) and
`wijkscan sensitivity` (same seed, same result; no spread, no change).
"""
import csv
import math
import os
import subprocess
import sys

WS, WORK = sys.argv[1], sys.argv[2]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROJ = os.path.join(ROOT, "examples", "boce", "wijkscan.yaml")
DATA = os.path.join(ROOT, "examples", "boce", "data")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(*args, expect=0):
    p = subprocess.run([WS, *args], capture_output=True, text=True)
    if p.returncode != expect:
        fail(f"wijkscan {' '.join(args)}: exit {p.returncode}, expected "
             f"{expect}\n{p.stderr}")
    return p


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def num(s):
    return float(s) if s not in ("", None) else None


def mark(s):
    """1 + 9 s rounded to one decimal, half away from zero."""
    v = 1 + 9 * s
    return math.floor(v * 10 + 0.5 + 1e-9) / 10


def descriptions(gpkg, out):
    subprocess.run(["ogr2ogr", "-f", "CSV", out, gpkg,
                    "wijkscan_indicatoren"], check=True)
    return read_csv(out)


def themes_of(desc):
    """{theme: ([(indicator, weight)], min_coverage, composite members)}"""
    themes = {}
    for d in desc:
        if d["kolom"].startswith("score_"):
            cov = float(d["normalisatie"].split("dekking ")[1].split(" ")[0])
            themes[d["thema"]] = {"ind": [], "min": cov / 100, "members": []}
    for d in desc:
        w = num(d["gewicht"])
        if d["kolom"].startswith("score_"):
            if d["bron"]:
                themes[d["bron"]]["members"].append((d["thema"], w))
        elif d["richting"] != "context":
            themes[d["thema"]]["ind"].append((d["kolom"], w))
    return themes


def expected_score(row, theme, themes, s01):
    t = themes[theme]
    parts = ([(s01.get((row["_code"], m)), w) for m, w in t["members"]]
             if t["members"] else
             [(num(row["norm_" + k]), w) for k, w in t["ind"]])
    total = sum(w for _, w in parts)
    have = [(v, w) for v, w in parts if v is not None]
    cover = sum(w for _, w in have) / total
    if not have or cover < t["min"] - 1e-12:
        return None, cover
    return sum(v * w for v, w in have) / sum(w for _, w in have), cover


def check_level(rows, code, themes, level):
    order = [t for t in themes if not themes[t]["members"]] + \
            [t for t in themes if themes[t]["members"]]
    s01 = {}
    for r in rows:
        r["_code"] = r[code]
        few = num(r["woningen"]) < 10 or (
            num(r.get("aantal_inwoners")) is not None and
            num(r["aantal_inwoners"]) < 10)
        for t in order:
            s, cover = expected_score(r, t, themes, s01)
            got, flag = num(r[f"score_{t}"]), r[f"score_{t}_vlag"]
            if few:
                if got is not None or flag != "te_weinig":
                    fail(f"{level} {r[code]}: {t} should be te_weinig, got "
                         f"{got} {flag}")
                continue
            if abs(cover - num(r[f"score_{t}_dekking"])) > 0.0006:
                fail(f"{level} {r[code]}: {t} coverage {cover:.4f} vs "
                     f"{r[f'score_{t}_dekking']}")
            if s is None:
                if got is not None or flag not in ("onvoldoende_dekking",
                                                   "geen_gegevens"):
                    fail(f"{level} {r[code]}: {t} should have no score")
                continue
            s01[(r[code], t)] = s
            if flag != "ok" or got is None or abs(mark(s) - got) > 1e-9:
                fail(f"{level} {r[code]}: {t} expected {mark(s)}, got {got} "
                     f"({flag})")
    return order


def check_ranks(rows, themes, group_col, rank_col_fmt):
    for t in themes:
        col = rank_col_fmt.format(t)
        if col not in rows[0]:
            continue
        groups = {}
        for r in rows:
            if num(r[f"score_{t}"]) is not None:
                groups.setdefault(r[group_col] if group_col else "", []).append(r)
        for r in rows:
            m = num(r[f"score_{t}"])
            if m is None:
                if r[col] != "":
                    fail(f"{r['_code']}: unscored but ranked {col}")
                continue
            peers = groups[r[group_col] if group_col else ""]
            want = 1 + sum(1 for p in peers if num(p[f"score_{t}"]) > m)
            if int(num(r[col])) != want:
                fail(f"{r['_code']}: {col} {r[col]}, expected {want}")


def main():
    os.makedirs(WORK, exist_ok=True)
    out = os.path.join(WORK, "a")
    run("run", PROJ, "-o", out, "-q")
    gpkg = os.path.join(out, "wijkscan-boce.gpkg")
    desc = descriptions(gpkg, os.path.join(WORK, "indicatoren.csv"))
    themes = themes_of(desc)
    if list(themes)[:4] != ["gezond", "informeel", "inclusief", "vitaal"]:
        fail(f"themes {list(themes)}")
    levels = [("buurten", "buurtcode"), ("wijken", "wijkcode"),
              ("gemeenten", "gemeentecode")]
    n_scored = 0
    for level, code in levels:
        rows = read_csv(os.path.join(out, f"wijkscan-boce_{level}.csv"))
        check_level(rows, code, themes, level)
        check_ranks(rows, themes, None, "rang_{}_regio")
        if level != "gemeenten":
            check_ranks(rows, themes, "gemeentecode", "rang_{}_gemeente")
        n_scored += sum(1 for r in rows if r["score_vitaal_vlag"] == "ok")
    buurten = read_csv(os.path.join(out, "wijkscan-boce_buurten.csv"))

    # explain: 1 + the contributions = the mark (to the rounding of a mark)
    p = run("explain", gpkg, "De Heege")
    text = p.stdout
    row = next(r for r in buurten if r["buurtnaam"] == "De Heege")
    block = text.split("De gezonde wijk (score_gezond): ")[1]
    head, rest = block.split("\n", 1)
    rest = rest.split("\n\n")[0]
    contrib = [float(l.split("bijdrage +")[1].split()[0].replace(",", "."))
               for l in rest.splitlines() if "bijdrage +" in l and
               "telt niet mee" not in l]
    if abs(1 + sum(contrib) - num(row["score_gezond"])) > 0.051:
        fail(f"explain: 1 + {sum(contrib)} != {row['score_gezond']}")
    if not head.startswith(row["score_gezond"].replace(".", ",")):
        fail(f"explain shows {head!r}, the GeoPackage {row['score_gezond']}")
    p = run("explain", gpkg, "Verspreide huizen Veenoord", expect=2)
    if p.stderr.count("BU") < 2:
        fail("an ambiguous name should list the candidate codes")
    run("explain", gpkg, "Nergenshuizen", expect=4)

    # frame per gemeente: min–max indicators span 0..1 within each gemeente
    g = os.path.join(WORK, "g")
    run("run", PROJ, "-o", g, "-q", "--reference", "gemeente")
    gb = read_csv(os.path.join(g, "wijkscan-boce_buurten.csv"))
    minmax = [d["kolom"] for d in desc if d["normalisatie"] == "minmax"]
    for k in minmax:
        for gm in ("GM0109", "GM0114", "GM1681"):
            v = [num(r["norm_" + k]) for r in gb if r["gemeentecode"] == gm
                 and r["score_vitaal_vlag"] != "te_weinig"
                 and num(r["norm_" + k]) is not None]
            if v and (abs(min(v)) > 1e-12 or abs(max(v) - 1) > 1e-12):
                fail(f"--reference gemeente: {k} in {gm} spans "
                     f"{min(v)}..{max(v)}")

    # frame "invoer": GM0109 alone, but ranked among all 209 buurten
    args = ["score", "--bag", os.path.join(DATA, "bag-light-boce-synthetic.gpkg"),
            "--buurten", os.path.join(DATA, "wijkenbuurten-2023-boce-synthetic.gpkg"),
            "--voorzieningen", os.path.join(DATA, "voorzieningen-boce-synthetic.osm"),
            "--gemeente", "GM0109", "-q"]
    run(*args, "--reference", "invoer", "-o", os.path.join(WORK, "i.gpkg"),
        "--csv", os.path.join(WORK, "i"))
    ib = read_csv(os.path.join(WORK, "i", "i_buurten.csv"))
    full = {r["buurtcode"]: r for r in buurten}
    if {r["gemeentecode"] for r in ib} != {"GM0109"} or len(ib) != 68:
        fail("--reference invoer should write the 68 buurten of GM0109 only")
    for r in ib:
        if r["score_vitaal"] != full[r["buurtcode"]]["score_vitaal"] or \
           r["rang_vitaal_regio"] != full[r["buurtcode"]]["rang_vitaal_regio"]:
            fail(f"--reference invoer: {r['buurtcode']} differs from the "
                 "run over the whole input")

    # sensitivity: reproducible with a seed; no spread, no change
    s1, s2, s0 = (os.path.join(WORK, x) for x in ("s1", "s2", "s0"))
    run("sensitivity", PROJ, "-o", s1, "-q", "--runs", "40", "--seed", "7")
    run("sensitivity", PROJ, "-o", s2, "-q", "--runs", "40", "--seed", "7")
    f = "wijkscan-boce_buurten.csv"
    if open(os.path.join(s1, f)).read() != open(os.path.join(s2, f)).read():
        fail("sensitivity with the same seed gave different output")
    sb = read_csv(os.path.join(s1, f))
    flags = {r["gevoeligheid_vitaal_vlag"] for r in sb}
    if not flags <= {"gevoelig", "robuust", "niet_gescoord"} or \
       "robuust" not in flags:
        fail(f"sensitivity flags {flags}")
    for r in sb:
        if r["gevoeligheid_vitaal_vlag"] == "niet_gescoord":
            continue
        lo, hi = num(r["gevoeligheid_vitaal_rang_p05"]), \
            num(r["gevoeligheid_vitaal_rang_p95"])
        if not lo <= hi or not 0 <= num(r["gevoeligheid_vitaal_klassewissel"]) <= 1:
            fail(f"sensitivity range {r['buurtcode']}: {lo}..{hi}")
        share = num(r["gevoeligheid_vitaal_klassewissel"])
        if (share >= 0.25) != (r["gevoeligheid_vitaal_vlag"] == "gevoelig"):
            fail(f"{r['buurtcode']}: flag does not follow the share {share}")
    run("sensitivity", PROJ, "-o", s0, "-q", "--runs", "5", "--spread", "0",
        "--fixed-method")
    for r in read_csv(os.path.join(s0, f)):
        if r["gevoeligheid_vitaal_vlag"] == "niet_gescoord":
            continue
        rank = r["rang_vitaal_regio"]
        if r["gevoeligheid_vitaal_rang_p05"] != rank or \
           r["gevoeligheid_vitaal_rang_p95"] != rank or \
           num(r["gevoeligheid_vitaal_klassewissel"]) != 0:
            fail(f"no spread: {r['buurtcode']} should keep rank {rank}")
    print(f"ok: {n_scored} regions scored as recomputed from the normalised "
          "values; ranks, explain, frames and sensitivity agree")


main()
