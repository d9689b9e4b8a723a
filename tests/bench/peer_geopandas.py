#!/usr/bin/python3
"""Workload W the way a competent analyst writes it with Debian 12's Python
packages (geopandas 0.12 on shapely 1.8 and fiona, scipy, matplotlib): the
peer that wijkscan is measured against (tests/bench/README.md).

    peer_geopandas.py DATADIR OUTDIR [--read fiona|arrow]

DATADIR holds the three inputs made by wijkscan-nl-gen. Steps, each timed
("stage NAME SECONDS" on stdout):
  read       buurten (with wijk and gemeente codes), verblijfsobjecten (live
             dwellings only: the filter is pushed down to GDAL) and
             voorzieningen. --read arrow is the fastest variant Debian 12
             allows: GDAL's own Python bindings read the verblijfsobjecten
             as an Arrow stream into NumPy (pyogrio is not packaged).
  join       geopandas.sjoin(predicate="intersects"); a dwelling on a shared
             edge goes to the lowest buurtcode, like wijkscan
  access     scipy cKDTree per category, distance to the nearest
  aggregate  the indicators per buurt, wijk, gemeente (from the dwellings)
  themes     min-max theme scores over all buurten (gezond, informeel,
             inclusief)
  export     GeoPackage with buurten, wijken, gemeenten
  maps       a 5-class quantile map per theme, PNG 1600x1200, and a 3-page PDF
"""
import sys
import time

import numpy as np
import pandas as pd

T0 = time.perf_counter()
_last = [T0]


def stage(name):
    now = time.perf_counter()
    print(f"stage {name} {now - _last[0]:.3f}", flush=True)
    _last[0] = now


import geopandas as gpd  # noqa: E402  (import time counts as read)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

CATS = ["huisarts", "apotheek", "supermarkt", "buurthuis", "basisschool",
        "sport", "park", "bushalte"]
LIVE = ("Verblijfsobject in gebruik",
        "Verblijfsobject in gebruik (niet ingemeten)",
        "Verbouwing verblijfsobject")
WHERE = ("status IN ('" + "','".join(LIVE) + "') "
         "AND gebruiksdoel LIKE '%woonfunctie%'")
VBO_COLS = ["status", "gebruiksdoel", "oppervlakte", "bouwjaar",
            "pand_identificatie"]
RADII = [500, 1000]


def read_vbo_fiona(path):
    return gpd.read_file(path, layer="verblijfsobject", where=WHERE,
                         include_fields=VBO_COLS)


def read_vbo_arrow(path):
    from osgeo import ogr
    ogr.UseExceptions()
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName("verblijfsobject")
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName()
             for i in range(defn.GetFieldCount())]
    lyr.SetIgnoredFields([n for n in names if n not in VBO_COLS])
    lyr.SetAttributeFilter(WHERE)
    stream = lyr.GetArrowStreamAsNumPy(options=["INCLUDE_FID=NO"])
    parts = {c: [] for c in VBO_COLS}
    xs, ys = [], []
    for batch in stream:
        for c in VBO_COLS:
            parts[c].append(batch[c])
        # points are 21-byte little-endian WKB: read x and y in one go
        wkb = np.frombuffer(b"".join(batch["geom"]), dtype=np.dtype(
            [("bo", "u1"), ("t", "<u4"), ("x", "<f8"), ("y", "<f8")]))
        xs.append(wkb["x"])
        ys.append(wkb["y"])
    df = pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})
    for c in ("status", "gebruiksdoel", "pand_identificatie"):
        df[c] = df[c].astype(object)
        df[c] = df[c].map(lambda b: b.decode() if isinstance(b, bytes) else b)
    x, y = np.concatenate(xs), np.concatenate(ys)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(x, y),
                            crs="EPSG:28992")


def shannon(counts):
    p = counts / counts.sum(axis=1).to_numpy()[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log(p)).where(p > 0, 0).sum(axis=1)
    return h


def indicators(dw, key):
    g = dw.groupby(key)
    out = pd.DataFrame({"woningen": g.size()})
    opp = dw["opp"]
    out["oppervlakte_gemiddeld"] = g["opp"].mean()
    out["aandeel_oppervlakte_max_60"] = (
        (opp <= 60).where(opp.notna()).groupby(dw[key]).mean())
    classes = pd.cut(opp, [-np.inf, 50, 75, 100, 150, np.inf], right=False)
    counts = pd.crosstab(dw[key], classes)
    out["diversiteit_oppervlakte"] = shannon(counts)
    bj = dw["bj"]
    out["bouwjaar_gemiddeld"] = g["bj"].mean()
    out["aandeel_bouwjaar_vanaf_2000"] = (
        (bj >= 2000).where(bj.notna()).groupby(dw[key]).mean())
    known = dw["per_pand"].where(dw["pand"].notna())
    out["aandeel_gestapeld"] = (known >= 2).where(known.notna()).groupby(
        dw[key]).mean()
    out["woningen_per_pand_gemiddeld"] = known.groupby(dw[key]).mean()
    for c in CATS:
        d = dw["d_" + c]
        out[f"afstand_{c}_gemiddeld"] = d.groupby(dw[key]).mean()
        for r in RADII:
            out[f"aandeel_{c}_binnen_{r}m"] = (
                (d <= r).where(d.notna()).groupby(dw[key]).mean())
    return out


def minmax(s, invert=False):
    lo, hi = s.min(), s.max()
    v = (s - lo) / (hi - lo) if hi > lo else s * 0
    return 1 - v if invert else v


def main():
    data, out = sys.argv[1], sys.argv[2]
    mode = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--read" \
        else "fiona"
    bag = f"{data}/bag-light-nl-synthetic.gpkg"
    cbs = f"{data}/wijkenbuurten-nl-synthetic.gpkg"
    vz = f"{data}/voorzieningen-nl-synthetic.gpkg"

    buurten = gpd.read_file(cbs, layer="buurten")
    buurten = buurten[buurten["water"] != "JA"]
    vbo = read_vbo_arrow(bag) if mode == "arrow" else read_vbo_fiona(bag)
    voorz = gpd.read_file(vz, layer="voorzieningen")
    stage("read")

    # exactly the dwelling rule (the pushed-down LIKE is case-insensitive)
    keep = vbo["status"].isin(LIVE) & vbo["gebruiksdoel"].fillna("").map(
        lambda s: "woonfunctie" in [u.strip() for u in s.split(",")])
    dw = vbo[keep]
    joined = gpd.sjoin(dw, buurten[["buurtcode", "wijkcode", "gemeentecode",
                                    "geometry"]],
                       how="left", predicate="intersects")
    joined = joined.sort_values("buurtcode", kind="stable")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    dw = joined
    stage("join")

    xy = np.column_stack([dw.geometry.x.to_numpy(), dw.geometry.y.to_numpy()])
    for c in CATS:
        pts = voorz[voorz["categorie"] == c]
        if len(pts) == 0:
            dw["d_" + c] = np.nan
            continue
        tree = cKDTree(np.column_stack([pts.geometry.x, pts.geometry.y]))
        dw["d_" + c] = tree.query(xy)[0]
    stage("access")

    opp = dw["oppervlakte"].astype(float)
    dw["opp"] = opp.where((opp > 1) & (opp < 1e6))
    bj = dw["bouwjaar"].astype(float)
    dw["bj"] = bj.where((bj >= 1000) & (bj <= 2100))
    dw["pand"] = dw["pand_identificatie"]
    dw["per_pand"] = dw.groupby("pand")["pand"].transform("size")
    dw = dw[dw["buurtcode"].notna()]
    levels = {}
    for name, key in (("buurten", "buurtcode"), ("wijken", "wijkcode"),
                      ("gemeenten", "gemeentecode")):
        levels[name] = indicators(dw, key)
    stage("aggregate")

    b = buurten.set_index("buurtcode").join(levels["buurten"], how="left")
    corp = b["perc_huurwoningen_in_bezit_woningcorporaties"].astype(float)
    corp = corp.where(corp > -99990)
    b["score_gezond"] = pd.concat(
        [minmax(b[f"afstand_{c}_gemiddeld"], invert=True)
         for c in ("huisarts", "apotheek", "sport", "park")], axis=1).mean(
        axis=1)
    b["score_informeel"] = pd.concat(
        [minmax(b[f"afstand_{c}_gemiddeld"], invert=True)
         for c in ("buurthuis", "supermarkt", "bushalte")]
        + [minmax(b["aandeel_oppervlakte_max_60"])], axis=1).mean(axis=1)
    b["score_inclusief"] = pd.concat(
        [minmax(b["diversiteit_oppervlakte"]),
         minmax(b["aandeel_bouwjaar_vanaf_2000"]), minmax(corp)],
        axis=1).mean(axis=1)
    stage("themes")

    b.reset_index().to_file(f"{out}/peer.gpkg", layer="buurten",
                            driver="GPKG")
    for name, key in (("wijken", "wijkcode"), ("gemeenten", "gemeentecode")):
        lv = gpd.read_file(cbs, layer=name).set_index(key).join(
            levels[name], how="left")
        lv.reset_index().to_file(f"{out}/peer.gpkg", layer=name,
                                 driver="GPKG")
    stage("export")

    themes = ["score_gezond", "score_informeel", "score_inclusief"]
    with PdfPages(f"{out}/peer-themes.pdf") as pdf:
        for t in themes:
            fig, ax = plt.subplots(figsize=(16, 12), dpi=100)
            cls = pd.qcut(b[t], 5, labels=False, duplicates="drop")
            b.assign(klasse=cls).plot(column="klasse", cmap="RdYlGn",
                                      categorical=True, legend=True, ax=ax,
                                      missing_kwds={"color": "lightgrey"},
                                      linewidth=0)
            ax.set_axis_off()
            ax.set_title(t)
            fig.savefig(f"{out}/peer-{t}.png")
            pdf.savefig(fig)
            plt.close(fig)
    stage("maps")
    print(f"stage total {time.perf_counter() - T0:.3f}")
    print(f"dwellings {len(dw)}")


if __name__ == "__main__":
    main()
