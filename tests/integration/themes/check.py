#!/usr/bin/env python3
"""INDEPENDENT SECOND METHOD for the integration cases `themes` and
`themes_weight` -- not part of the test run, not used by ctest.

The expected values in expected/*.csv were worked out by hand (README.md).
This script repeats that calculation from the *input files* and the
*formulas* as documented (include/wijkscan/score.h, themes.h, the README of
the case), without any wijkscan code or output, to catch slips in the hand
calculation. It restates the theme layers (themes/*.yaml) below as Python
data on purpose: it does not read them with wijkscan's loader.

    python3 check.py            # prints the expected rows of case `themes`
    python3 check.py weight     # the same for case `themes_weight`
    python3 check.py --diff     # compares with ../themes*/expected/*.csv

Exact rational arithmetic (fractions.Fraction) is used wherever the inputs
allow, so a mark that lies exactly on a rounding boundary (x.x5) is
detected rather than decided by floating-point noise.
"""
import csv
import json
import math
import os
import sys
from fractions import Fraction as Fr

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT = os.path.join(HERE, "input")

# --- the theme layers, restated -------------------------------------------
# (name, value, direction, weight, method, bad, good)
#   value: a column name, or ("ratio", a, b)
def themes(variant):
    zorg = [
        ("afstand_huisarts_gemiddeld", "afstand_huisarts_gemiddeld", "lower",
         2, "threshold", 1500, 500),
        ("aandeel_supermarkt_binnen_500m", "aandeel_supermarkt_binnen_500m",
         "higher", 1, "percentile", None, None),
    ]
    ontmoeting = [
        ("mantelzorgpotentieel",
         ("ratio", "percentage_personen_45_tot_65_jaar",
          "percentage_personen_65_jaar_en_ouder"),
         "higher", 2, "minmax", None, None),
        ("percentage_eenpersoonshuishoudens",
         "percentage_eenpersoonshuishoudens", "lower",
         2 if variant == "weight" else 1, "zscore", None, None),
        ("aandeel_buurthuis_binnen_500m", "aandeel_buurthuis_binnen_500m",
         "higher", 1, "threshold", 0, 1),
        ("gemiddelde_huishoudsgrootte", "gemiddelde_huishoudsgrootte",
         "context", None, None, None, None),
    ]
    plain = [("zorg", Fr(1, 2), zorg), ("ontmoeting", Fr(6, 10), ontmoeting)]
    composite = ("vitaal", Fr(6, 10), [("zorg", 2), ("ontmoeting", 1)])
    return plain, composite


MISSING = None  # a missing value
MIN_DWELLINGS = 10
MIN_INWONERS = 10

# --- inputs ---------------------------------------------------------------

def cbs(v):
    """CBS no-data codes (<= -99990) and empty cells are missing."""
    if v is None or v == "":
        return MISSING
    if isinstance(v, str):
        v = v.replace(",", ".")
    f = Fr(v) if not isinstance(v, float) else Fr(str(v))
    return MISSING if f <= -99990 else f


def inside(pt, ring):
    """Ray casting; the fixture has no dwelling on a buurt edge."""
    x, y = pt
    c = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                c = not c
    return c


def load():
    with open(os.path.join(INPUT, "buurten.geojson")) as f:
        bu = json.load(f)["features"]
    buurten = {}
    for ft in bu:
        p = ft["properties"]
        if p["water"] == "JA":
            continue
        buurten[p["buurtcode"]] = {
            "ring": ft["geometry"]["coordinates"][0],
            "naam": p["buurtnaam"],
            "wijk": p["wijkcode"], "gemeente": p["gemeentecode"],
            "stats": {k: cbs(v) for k, v in p.items()
                      if isinstance(v, (int, float)) and k != "jaar"},
        }
    with open(os.path.join(INPUT, "bag.geojson")) as f:
        vbo = json.load(f)["features"]
    live = {"Verblijfsobject in gebruik",
            "Verblijfsobject in gebruik (niet ingemeten)",
            "Verbouwing verblijfsobject"}
    dwellings = []
    for ft in vbo:
        p = ft["properties"]
        if "woonfunctie" in p["gebruiksdoel"].split(",") and p["status"] in live:
            dwellings.append(tuple(ft["geometry"]["coordinates"]))
    cats = {"huisarts": {"huisarts", "huisartsen", "huisartsenpraktijk",
                         "gezondheidscentrum"},
            "supermarkt": {"supermarkt"},
            "buurthuis": {"buurthuis", "ontmoetingsplek", "dorpshuis",
                          "wijkcentrum", "buurtcentrum", "mfa"}}
    vz = {c: [] for c in cats}
    with open(os.path.join(INPUT, "voorzieningen.csv"), newline="") as f:
        for r in csv.DictReader(f):
            for c, names in cats.items():
                if r["categorie"].lower() in names:
                    vz[c].append((float(r["x"]), float(r["y"])))
    kern = {}
    with open(os.path.join(INPUT, "kerncijfers_wijken_gemeenten.csv"),
              newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            code = r.pop("gwb_code_10")
            r.pop("regio")
            kern[code] = {k: cbs(v) for k, v in r.items()}
    return buurten, dwellings, vz, kern


def exact_distance(a, b):
    d2 = (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2
    r = math.isqrt(int(d2))
    return Fr(r) if r * r == d2 else Fr(math.sqrt(d2))


def aggregate(buurten, dwellings, vz, kern):
    """Rows per level: {code: {column: value}} from the dwellings."""
    per = {}  # buurtcode -> list of dwelling indicator tuples
    for d in dwellings:
        code = next((c for c in sorted(buurten)
                     if inside(d, buurten[c]["ring"])), None)
        if code is None:
            continue
        near = {c: min(exact_distance(d, q) for q in pts)
                for c, pts in vz.items()}
        per.setdefault(code, []).append(near)
    levels = {"buurt": {}, "wijk": {}, "gemeente": {}}
    parent = {"buurt": {}, "wijk": {}, "gemeente": {}}
    groups = {"buurt": {}, "wijk": {}, "gemeente": {}}
    for code, b in buurten.items():
        groups["buurt"].setdefault(code, []).extend(per.get(code, []))
        groups["wijk"].setdefault(b["wijk"], []).extend(per.get(code, []))
        groups["gemeente"].setdefault(b["gemeente"], []).extend(
            per.get(code, []))
        parent["buurt"][code] = b["gemeente"]
        parent["wijk"][b["wijk"]] = b["gemeente"]
        parent["gemeente"][b["gemeente"]] = b["gemeente"]
    for lv, g in groups.items():
        for code, ds in g.items():
            row = {"woningen": len(ds)}
            for c in vz:
                if ds:
                    mean = sum(d[c] for d in ds) / len(ds)
                    # wijkscan gives mean distances to the centimetre
                    # (half away from zero; all means here are positive)
                    cm = mean * 100
                    fl = math.floor(cm)
                    cm = fl + 1 if cm - fl >= Fr(1, 2) else fl
                    row["afstand_%s_gemiddeld" % c] = Fr(cm, 100)
                    row["aandeel_%s_binnen_500m" % c] = Fr(
                        sum(1 for d in ds if d[c] <= 500), len(ds))
                else:
                    row["afstand_%s_gemiddeld" % c] = MISSING
                    row["aandeel_%s_binnen_500m" % c] = MISSING
            if lv == "buurt":
                row.update(buurten[code]["stats"])
                row.update(buurtnaam=buurten[code]["naam"],
                           wijkcode=buurten[code]["wijk"],
                           gemeentecode=buurten[code]["gemeente"])
            else:
                row.update(kern.get(code, {}))
                row["gemeentecode"] = parent[lv][code]
            levels[lv][code] = row
    return levels, parent


# --- scoring --------------------------------------------------------------

def value(row, expr):
    if isinstance(expr, tuple):
        _, a, b = expr
        va, vb = row.get(a), row.get(b)
        if va is MISSING or vb is MISSING or vb == 0:
            return MISSING
        return va / vb
    return row.get(expr)


def sqrt_exact(x):
    """sqrt of a Fraction: exact when numerator and denominator are squares."""
    n, d = x.numerator, x.denominator
    rn, rd = math.isqrt(n), math.isqrt(d)
    if rn * rn == n and rd * rd == d:
        return Fr(rn, rd)
    return Fr(math.sqrt(n / d))


def normalise(x, frame, direction, method, bad, good):
    if x is MISSING:
        return MISSING
    if method == "threshold":
        s = (x - bad) / Fr(good - bad)
        return min(Fr(1), max(Fr(0), s))
    if not frame:
        return MISSING
    if method == "minmax":
        lo, hi = min(frame), max(frame)
        s = Fr(1, 2) if hi == lo else min(Fr(1), max(Fr(0),
                                                     (x - lo) / (hi - lo)))
    elif method == "zscore":
        mean = sum(frame) / len(frame)
        sd = sqrt_exact(sum((v - mean) ** 2 for v in frame) / len(frame))
        if sd == 0:
            s = Fr(1, 2)
        else:
            z = max(Fr(-3), min(Fr(3), (x - mean) / sd))
            s = (z + 3) / 6
    elif method == "percentile":
        below = sum(1 for v in frame if v < x)
        equal = sum(1 for v in frame if v == x)
        s = (below + Fr(equal, 2)) / len(frame)
    else:
        raise ValueError(method)
    return 1 - s if direction == "lower" else s


def combine(parts, min_cov):
    """parts: [(weight, score or MISSING)] -> (score or MISSING, coverage)."""
    total = sum(Fr(w) for w, _ in parts)
    covered = sum(Fr(w) for w, s in parts if s is not MISSING)
    cov = covered / total
    if covered == 0 or cov < min_cov:
        return MISSING, cov
    return sum(Fr(w) * s for w, s in parts if s is not MISSING) / covered, cov


def mark(s):
    """1 + 9 s to one decimal, half away from zero; flags exact ties."""
    m10 = (1 + 9 * s) * 10
    fl = math.floor(m10)
    if abs(m10 - fl - Fr(1, 2)) < Fr(1, 10**6):
        print("WARNING: mark (nearly) on a rounding boundary:",
              float(m10 / 10), file=sys.stderr)
    return Fr(fl + 1 if m10 - fl >= Fr(1, 2) else fl, 10)


def rank(values):
    """Competition ranking '1224' among the non-missing values."""
    vals = [v for v in values.values() if v is not MISSING]
    return {k: (MISSING if v is MISSING else 1 + sum(1 for u in vals if u > v))
            for k, v in values.items()}


def score(variant):
    plain, composite = themes(variant)
    buurten, dwellings, vz, kern = load()
    levels, parent = aggregate(buurten, dwellings, vz, kern)
    out = {lv: {code: {} for code in rows} for lv, rows in levels.items()}
    suppressed = {}
    for lv, rows in levels.items():
        for code, row in rows.items():
            inw = row.get("aantal_inwoners")
            suppressed[lv, code] = row["woningen"] < MIN_DWELLINGS or (
                inw is not MISSING and inw is not None and inw < MIN_INWONERS)
    theme_score = {}
    for tname, min_cov, inds in plain:
        for name, expr, direction, w, method, bad, good in inds:
            raw = {lv: {c: value(r, expr) for c, r in rows.items()}
                   for lv, rows in levels.items()}
            frame = [v for c, v in raw["buurt"].items()
                     if v is not MISSING and not suppressed["buurt", c]]
            for lv in levels:
                for c, v in raw[lv].items():
                    if isinstance(expr, tuple):
                        out[lv][c][name] = v
                    out[lv][c]["frame:" + name] = frame
                    if direction != "context":
                        out[lv][c]["norm_" + name] = normalise(
                            v, frame, direction, method, bad, good)
        for lv in levels:
            for c in levels[lv]:
                parts = [(w, out[lv][c]["norm_" + n])
                         for n, _, d, w, *_ in inds if d != "context"]
                s, cov = combine(parts, min_cov)
                theme_score[lv, c, tname] = s, cov
    cname, cmin, members = composite
    for lv in levels:
        for c in levels[lv]:
            # a te_weinig row has no theme scores: the composite sees its
            # members as missing (so its dekking is 0)
            parts = [(w, MISSING if suppressed[lv, c]
                      else theme_score[lv, c, t][0]) for t, w in members]
            theme_score[lv, c, cname] = combine(parts, cmin)
    names = [t for t, _, _ in plain] + [cname]
    for lv in levels:
        for t in names:
            marks = {}
            for c in levels[lv]:
                s, cov = theme_score[lv, c, t]
                o = out[lv][c]
                o["score_%s_dekking" % t] = round(float(cov) * 1000) / 1000
                o["score_raw_%s" % t] = s
                if suppressed[lv, c]:
                    o["score_%s_vlag" % t] = "te_weinig"
                    marks[c] = MISSING
                elif s is MISSING:
                    o["score_%s_vlag" % t] = ("onvoldoende_dekking" if cov > 0
                                              else "geen_gegevens")
                    marks[c] = MISSING
                else:
                    o["score_%s_vlag" % t] = "ok"
                    marks[c] = mark(s)
                o["score_%s" % t] = marks[c]
            for c, r in rank(marks).items():
                out[lv][c]["rang_%s_regio" % t] = r
            if lv != "gemeente":
                for g in set(parent[lv].values()):
                    sub = {c: m for c, m in marks.items()
                           if parent[lv][c] == g}
                    for c, r in rank(sub).items():
                        out[lv][c]["rang_%s_gemeente" % t] = r
    return levels, out, names


# --- output ---------------------------------------------------------------

def fmt(v):
    if v is MISSING:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, Fr):
        if v.denominator == 1:
            return str(v.numerator)
        return repr(float(v))
    return repr(v)


def table(variant):
    levels, out, names = score(variant)
    code_col = {"buurt": "buurtcode", "wijk": "wijkcode",
                "gemeente": "gemeentecode"}
    result = {}
    for lv in ("buurt", "wijk", "gemeente"):
        idcols = {"buurt": ["buurtnaam", "wijkcode", "gemeentecode"],
                 "wijk": ["gemeentecode"], "gemeente": []}[lv]
        cols = ([code_col[lv]] + idcols + ["woningen", "aantal_inwoners",
                 "percentage_eenpersoonshuishoudens",
                 "afstand_huisarts_gemiddeld",
                 "aandeel_supermarkt_binnen_500m",
                 "aandeel_buurthuis_binnen_500m", "mantelzorgpotentieel",
                 "norm_afstand_huisarts_gemiddeld",
                 "norm_aandeel_supermarkt_binnen_500m",
                 "norm_mantelzorgpotentieel",
                 "norm_percentage_eenpersoonshuishoudens",
                 "norm_aandeel_buurthuis_binnen_500m"])
        for t in names:
            cols += ["score_%s" % t, "score_%s_dekking" % t,
                     "score_%s_vlag" % t]
            if lv != "gemeente":
                cols.append("rang_%s_gemeente" % t)
            cols.append("rang_%s_regio" % t)
        rows = []
        for c in sorted(levels[lv]):
            merged = dict(levels[lv][c])
            merged.update(out[lv][c])
            merged[code_col[lv]] = c
            rows.append([fmt(merged.get(k)) for k in cols])
        result[lv] = (cols, rows, out[lv], levels[lv])
    return result


def show(variant):
    res = table(variant)
    for lv, (cols, rows, out, lev) in res.items():
        print("== %s" % lv)
        print(",".join(cols))
        for r in rows:
            print(",".join(r))
        print()
    # intermediate numbers for the README
    print("== frames (buurten that are scored and have a value)")
    out = res["buurt"][2]
    any_code = sorted(out)[0]
    for k, v in out[any_code].items():
        if k.startswith("frame:"):
            fr = sorted(v)
            print(k[6:], [str(x) for x in fr])
            if fr:
                n = len(fr)
                mean = sum(fr) / n
                var = sum((x - mean) ** 2 for x in fr) / n
                print("   n=%d min=%s max=%s mean=%s var=%s sd=%s" % (
                    n, fr[0], fr[-1], mean, var, sqrt_exact(var)))
    print("== exact theme scores (buurt, wijk, gemeente)")
    for lv in res:
        for c, o in sorted(res[lv][2].items()):
            print(lv, c, {k[10:]: (str(v) if v is not MISSING else None)
                          for k, v in o.items() if k.startswith("score_raw_")})


def diff(variant, case_dir):
    """Compare with the expected/*.csv of a case: every cell there that
    this script also computes."""
    res = table(variant)
    files = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten"}
    bad = checked = 0
    for lv, (cols, rows, _, _) in res.items():
        path = os.path.join(case_dir, "expected", files[lv] + ".csv")
        if not os.path.exists(path):
            continue
        mine = {r[0]: dict(zip(cols, r)) for r in rows}
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                code = r[cols[0]]
                for k, v in r.items():
                    if k not in mine[code]:
                        continue
                    checked += 1
                    m = mine[code][k]
                    same = m == v
                    if not same and m and v:
                        try:
                            same = abs(float(m) - float(v)) <= 1e-9
                        except ValueError:
                            pass
                    if not same:
                        bad += 1
                        print("%s %s %s: expected.csv %r, check.py %r" % (
                            files[lv], code, k, v, m))
    print("%s: %d cells compared, %d differ" % (case_dir, checked, bad))
    return bad


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--diff" in args:
        n = diff("plain", HERE)
        n += diff("weight", os.path.join(HERE, "..", "themes_weight"))
        sys.exit(1 if n else 0)
    show("weight" if "weight" in args else "plain")
