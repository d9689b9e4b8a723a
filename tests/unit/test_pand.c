/* Pand footprints, woonlagen, the zorggeschiktheid proxy and the
 * basisvoorzieningen share, on a fixture this test writes with GDAL in the
 * bag-light schema (layers verblijfsobject and pand). Every expected value is
 * worked out by hand below, not taken from wijkscan's output.
 *
 * Coordinates are RD New; the comments use local (u, v) = (x - 250000,
 * y - 530000). Every pand is 10 m deep (v 100–110) and every dwelling lies
 * at v = 105, so distances along the row are differences in u.
 *
 * Buurten: A = BU01140101 u 0–1000, B = BU01140102 u 1000–2000 (both wijk
 * WK011401), C = BU01140201 u 0–1000, v 1000–2000 (wijk WK011402, no
 * dwellings); gemeente GM0114.
 *
 * Panden (footprint F; F × 0.8 is the usable floor area per woonlaag) and
 * their dwellings (oppervlakte o, bouwjaar b); L_p = max(1, S / (F × 0.8)):
 *
 *  pand  u          F      dwellings                S     L_p    L  weight
 *  01    100–120    200    8 at u 110: 7 × 80 m²    640   4      4  stacked, L
 * >= 4,
 *                          + 1 × oppervlakte 1            b 1970 >= 1965: lift,
 * 1 (unknown: imputed 80), b 1970
 *                          + a shop (winkelfunctie, 200 m²: not a dwelling)
 *  02    200–207.5  75     4 at 204: 60 m², b 1960  240   4      4  no lift (b
 * < 1965): 1/4 03    300–305 +  100    3 at 302: 80 m², b 1990  240   3      3
 * stacked, L < 4: 1/3 306–311 (MultiPolygon of two 5 × 10) 04    495–507.5  125
 * 1 at 500: 100 m², b 1950 100   1      1  gelijkvloers: 1 05    515–522.5  75
 * 1 at 520: 120 m², b 1980 120   2      2  b >= 1975, o >= 90: 1/2 06 600–607.5
 * 75     1 at 604: 120 m², b 1930 120   2      2  too old: 0 07    700–705 50
 * 1 at 702: 80 m², b 2000  80    2      2  too small (< 90): 0 08 1100–1107.5
 * 75    1 at 1104: oppervlakte 1 (unknown), b 1990: L unknown -> unknown 09
 * (not in the pand layer) 1 at 1700: 100 m², b 1990: no footprint -> unknown
 *  --    (no pand_identificatie) 1 at 1800: 100 m², b 1990 -> unknown
 *  10    1200–1206.25 62.5 1 at 1203: 100 m², b 9999 100  2     2  eengezins L
 * = 2 needs b: unknown 11    1300–1312.5 125   1 at 1306: 100 m², b 9999 100  1
 * 1  gelijkvloers: 1 (b not needed) 12    1400–1420  200    1 at 1410: 50 m², b
 * 1990 50   0.3125 -> 1 (clamped): 1 13    1500–1510  100    4 at 1505: 80 m²,
 * b 9999 320   4      4  a lift depends on b: unknown 14    1600–1612 minus a 4
 * × 5 hole = 100 2 at 1606: 100 m², b 1990 200  2.5   3  (2.5 rounds up) 1/3 15
 * (NULL geometry)   1 at 1900: 100 m², b 1990: no footprint -> unknown 98, 99:
 * panden no dwelling refers to (98 lies 50 km away, outside the spatial
 * filter); they change nothing.
 *
 * A (19 dwellings, all known):
 *   woonlagen_gemiddeld = (8·4 + 4·4 + 3·3 + 1 + 2 + 2 + 2) / 19 = 64/19
 *   woningen_zorggeschikt = 8 + 4·1/4 + 3·1/3 + 1 + 1/2 + 0 + 0 = 11.5
 *   aandeel_zorggeschikt = 11.5 / 19
 * B (13 dwellings):
 *   woonlagen known for 10, 11, 12, 13 (×4), 14 (×2): 9 dwellings,
 *   (2 + 1 + 1 + 4·4 + 2·2.5) / 9 = 25/9
 *   weight known for 11, 12, 14 (×2): 4 dwellings, 1 + 1 + 2/3 = 8/3,
 *   woningen_zorggeschikt = 2.7 (one decimal), aandeel = (8/3)/4 = 2/3
 * WK011401 = GM0114 = A + B: woonlagen 89/28, zorggeschikt 11.5 + 8/3 =
 *   14.1666… -> 14.2, aandeel (11.5 + 8/3)/23 = 85/138.
 * C: no dwellings -> missing (geen_woningen) everywhere.
 *
 * Basisvoorzieningen (huisarts at u 0 and 1500, apotheek at 600, supermarkt
 * at 350 and 1300; all at v 105): the largest of the three nearest
 * distances decides.
 *   A: u 110 max(110, 490, 240) = 490; 204: max(204, 396, 146) = 396;
 *      302: max(302, 298, 48) = 302; 500: max(500, 100, 150) = 500 (counts:
 *      <=); 520: 520; 604: max(604, 4, 254) = 604; 702: 702.
 *      Within 500: 8 + 4 + 3 + 1 = 16 of 19; within 1000: 19 of 19.
 *   B: 1104: max(396, 504, 196) = 504; 1203: 603; 1306: 706; 1410: 810;
 *      1505 (×4): 905; 1606 (×2): 1006; 1700: 1100; 1800: 1200; 1900: 1300.
 *      Within 500: 0 of 13; within 1000: 1 + 1 + 1 + 1 + 4 = 8 of 13.
 *   A + B: 16/32 = 0.5 and 27/32. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "ws_test.h"

#include "aggregate/aggregate_internal.h"
#include "wijkscan/wijkscan.h"

#define X0 250000.0
#define Y0 530000.0
#define LAYERS WS_SOURCE_DIR "/layers"

/* --- the fixture ----------------------------------------------------------
 */

typedef struct vbo {
    const char *pand; /* last two digits, NULL = no pand_identificatie */
    double u;
    int opp, bouwjaar;
    const char *doel;
} vbo;

static const vbo vbos[] = {
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 80, 1970, NULL},
    {"01", 110, 1, 1970, NULL},
    {"01", 112, 200, 1970, "winkelfunctie"},
    {"02", 204, 60, 1960, NULL},
    {"02", 204, 60, 1960, NULL},
    {"02", 204, 60, 1960, NULL},
    {"02", 204, 60, 1960, NULL},
    {"03", 302, 80, 1990, NULL},
    {"03", 302, 80, 1990, NULL},
    {"03", 302, 80, 1990, NULL},
    {"04", 500, 100, 1950, NULL},
    {"05", 520, 120, 1980, NULL},
    {"06", 604, 120, 1930, NULL},
    {"07", 702, 80, 2000, NULL},
    {"08", 1104, 1, 1990, NULL},
    {"09", 1700, 100, 1990, NULL},
    {NULL, 1800, 100, 1990, NULL},
    {"10", 1203, 100, 9999, NULL},
    {"11", 1306, 100, 9999, NULL},
    {"12", 1410, 50, 1990, NULL},
    {"13", 1505, 80, 9999, NULL},
    {"13", 1505, 80, 9999, NULL},
    {"13", 1505, 80, 9999, NULL},
    {"13", 1505, 80, 9999, NULL},
    {"14", 1606, 100, 1990, NULL},
    {"14", 1606, 100, 1990, NULL},
    {"15", 1900, 100, 1990, NULL},
};

typedef struct pand {
    const char *id;
    double u0, width; /* a rectangle u0..u0+width × v 100..110 */
    const char *wkt;  /* or this geometry (RD; "" = none) */
} pand;

static const pand panden[] = {
    {"01", 100, 20, NULL},
    {"02", 200, 7.5, NULL},
    {"03", 0, 0, /* u 300–305 and 306–311 */
     "MULTIPOLYGON (((250300 530100,250305 530100,250305 530110,"
     "250300 530110,250300 530100)),((250306 530100,250311 530100,"
     "250311 530110,250306 530110,250306 530100)))"},
    {"04", 495, 12.5, NULL},
    {"05", 515, 7.5, NULL},
    {"06", 600, 7.5, NULL},
    {"07", 700, 5, NULL},
    {"08", 1100, 7.5, NULL},
    {"10", 1200, 6.25, NULL},
    {"11", 1300, 12.5, NULL},
    {"12", 1400, 20, NULL},
    {"13", 1500, 10, NULL},
    {"14", 0, 0, /* u 1600–1612 with a hole u 1607–1611, v 102–107 */
     "POLYGON ((251600 530100,251612 530100,251612 530110,251600 530110,"
     "251600 530100),(251607 530102,251611 530102,251611 530107,"
     "251607 530107,251607 530102))"},
    {"15", 0, 0, ""},
    {"98", 50000, 10, NULL},
    {"99", 300, 10, NULL},
};
static const char buurten_geojson[] =
    "{\"type\": \"FeatureCollection\", \"name\": \"buurten\",\n"
    "\"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
    "\"urn:ogc:def:crs:EPSG::28992\"}},\n"
    "\"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"buurtcode\": \"BU01140101\", "
    "\"buurtnaam\": \"A\", \"wijkcode\": \"WK011401\", \"gemeentecode\": "
    "\"GM0114\", \"gemeentenaam\": \"Emmen\", \"water\": \"NEE\"}, "
    "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[250000, "
    "530000], [251000, 530000], [251000, 531000], [250000, 531000], [250000, "
    "530000]]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"buurtcode\": \"BU01140102\", "
    "\"buurtnaam\": \"B\", \"wijkcode\": \"WK011401\", \"gemeentecode\": "
    "\"GM0114\", \"gemeentenaam\": \"Emmen\", \"water\": \"NEE\"}, "
    "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[251000, "
    "530000], [252000, 530000], [252000, 531000], [251000, 531000], [251000, "
    "530000]]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"buurtcode\": \"BU01140201\", "
    "\"buurtnaam\": \"C\", \"wijkcode\": \"WK011402\", \"gemeentecode\": "
    "\"GM0114\", \"gemeentenaam\": \"Emmen\", \"water\": \"NEE\"}, "
    "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[250000, "
    "531000], [251000, 531000], [251000, 532000], [250000, 532000], [250000, "
    "531000]]]}}\n"
    "]}\n";

static const char voorzieningen_csv[] = "naam;categorie;x;y\n"
                                        "H1;huisarts;250000;530105\n"
                                        "H2;huisarts;251500;530105\n"
                                        "A1;apotheek;250600;530105\n"
                                        "S1;supermarkt;250350;530105\n"
                                        "S2;supermarkt;251300;530105\n";

static void add_field(OGRLayerH l, const char *name, OGRFieldType type) {
    OGRFieldDefnH f = OGR_Fld_Create(name, type);
    assert_int_equal(OGR_L_CreateField(l, f, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(f);
}

static OGRGeometryH pand_geometry(const pand *p) {
    char buf[512];
    const char *wkt = p->wkt;
    if (wkt && !*wkt)
        return NULL;
    if (!wkt) {
        double x0 = X0 + p->u0, x1 = x0 + p->width;
        double y0 = Y0 + 100, y1 = Y0 + 110;
        snprintf(buf, sizeof buf,
                 "POLYGON ((%.2f %.2f,%.2f %.2f,%.2f %.2f,%.2f %.2f,%.2f "
                 "%.2f))",
                 x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
        wkt = buf;
    }
    char *w = (char *)wkt;
    OGRGeometryH g = NULL;
    assert_int_equal(OGR_G_CreateFromWkt(&w, NULL, &g), OGRERR_NONE);
    return g;
}

static void write_vbos(GDALDatasetH ds, OGRSpatialReferenceH rd) {
    OGRLayerH l =
        GDALDatasetCreateLayer(ds, "verblijfsobject", rd, wkbPoint, NULL);
    assert_non_null(l);
    add_field(l, "identificatie", OFTString);
    add_field(l, "oppervlakte", OFTInteger);
    add_field(l, "status", OFTString);
    add_field(l, "gebruiksdoel", OFTString);
    add_field(l, "bouwjaar", OFTInteger);
    add_field(l, "pand_identificatie", OFTString);
    add_field(l, "bronhouder_identificatie", OFTString);
    for (size_t i = 0; i < sizeof vbos / sizeof vbos[0]; i++) {
        const vbo *v = &vbos[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        char id[32];
        snprintf(id, sizeof id, "0114010000000%03zu", i + 1);
        OGR_F_SetFieldString(f, 0, id);
        OGR_F_SetFieldInteger(f, 1, v->opp);
        OGR_F_SetFieldString(f, 2, "Verblijfsobject in gebruik");
        OGR_F_SetFieldString(f, 3, v->doel ? v->doel : "woonfunctie");
        OGR_F_SetFieldInteger(f, 4, v->bouwjaar);
        if (v->pand) {
            snprintf(id, sizeof id, "01141000000000%s", v->pand);
            OGR_F_SetFieldString(f, 5, id);
        }
        OGR_F_SetFieldString(f, 6, "0114");
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, X0 + v->u, Y0 + 105);
        OGR_F_SetGeometryDirectly(f, pt);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
}

/* The pand layer as in bag-light, with fields wijkscan must ignore. */
static void write_panden(GDALDatasetH ds, OGRSpatialReferenceH rd) {
    OGRLayerH l = GDALDatasetCreateLayer(ds, "pand", rd, wkbUnknown, NULL);
    assert_non_null(l);
    add_field(l, "identificatie", OFTString);
    add_field(l, "bouwjaar", OFTInteger);
    add_field(l, "status", OFTString);
    add_field(l, "rdf_seealso", OFTString);
    for (size_t i = 0; i < sizeof panden / sizeof panden[0]; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        char id[32], url[96];
        snprintf(id, sizeof id, "01141000000000%s", panden[i].id);
        snprintf(url, sizeof url,
                 "http://bag.basisregistraties.overheid.nl/bag/id/pand/%s", id);
        OGR_F_SetFieldString(f, 0, id);
        OGR_F_SetFieldInteger(f, 1, 1970);
        OGR_F_SetFieldString(f, 2, "Pand in gebruik");
        OGR_F_SetFieldString(f, 3, url);
        OGRGeometryH g = pand_geometry(&panden[i]);
        if (g)
            OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
}

/* Keep a path for the fixture's teardown to remove. */
static const char *keep_path(ws_test_dir *fx, const char *path) {
    assert_true(fx->nfiles < WS_TEST_MAX_FILES);
    char *p = strdup(path);
    assert_non_null(p);
    fx->files[fx->nfiles++] = p;
    return p;
}

/* <dir>/<name>: a bag-light GeoPackage with the verblijfsobjecten and, when
 * asked, the panden above. */
static const char *write_bag(ws_test_dir *fx, const char *name,
                             bool with_pand) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(rd, 28992), OGRERR_NONE);
    write_vbos(ds, rd);
    if (with_pand)
        write_panden(ds, rd);
    OSRDestroySpatialReference(rd);
    GDALClose(ds);
    return keep_path(fx, path);
}

/* --- running wijkscan on it ----------------------------------------------
 */

typedef struct run {
    ws_ctx *ctx;
    ws_dataset *ds;
    size_t nwarn;
    char warnings[4096];
} run;

static void collect_warnings(ws_log_level level, const char *msg, void *user) {
    run *r = user;
    if (level != WS_LOG_WARNING)
        return;
    size_t used = strlen(r->warnings);
    snprintf(r->warnings + used, sizeof r->warnings - used, "%s\n", msg);
    r->nwarn++;
}

static void run_start(run *r) {
    memset(r, 0, sizeof *r);
    ws_ctx_options co;
    ws_ctx_options_init(&co);
    co.log = collect_warnings;
    co.log_user = r;
    assert_int_equal(ws_ctx_new(&co, &r->ctx), WS_OK);
}

static void run_end(run *r) {
    ws_dataset_free(r->ds);
    ws_ctx_free(r->ctx);
}

/* The whole pipeline without output on the fixture (inputs in fx). */
static void run_fixture(run *r, ws_test_dir *fx, const char *bag,
                        const ws_aggregate_options *agg, bool skip_panden) {
    const char *buurten = ws_test_write(fx, "buurten.geojson", buurten_geojson);
    const char *voorz = ws_test_write(fx, "voorz.csv", voorzieningen_csv);
    ws_pipeline_options o;
    ws_pipeline_options_init(&o);
    o.load.layers_dir = LAYERS;
    o.load.bag.path = bag;
    o.load.bag.skip_panden = skip_panden;
    o.load.buurten.path = buurten;
    ws_input vi = {voorz, NULL, NULL, NULL, false};
    o.load.voorzieningen = &vi;
    o.load.n_voorzieningen = 1;
    if (agg)
        o.aggregate = *agg;
    ws_status st = ws_pipeline_run(r->ctx, &o, NULL, &r->ds);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(r->ctx));
}

static ws_missing cell(const ws_dataset *ds, ws_level lv, const char *code,
                       const char *col, double *v) {
    const ws_table *t = ws_dataset_level_ref(ds, lv);
    long row = ws_table_find_row(t, code);
    long c = ws_table_find(t, col);
    if (row < 0 || c < 0)
        fail_msg("no %s / column %s", code, col);
    return ws_table_get_real(t, (size_t)c, (size_t)row, v);
}

static void expect_real(const ws_dataset *ds, ws_level lv, const char *code,
                        const char *col, double expected) {
    double v;
    ws_missing m = cell(ds, lv, code, col, &v);
    if (m != WS_PRESENT)
        fail_msg("%s %s: missing (%s), expected %.17g", code, col,
                 ws_missing_key(m), expected);
    if (!(fabs(v - expected) <= 1e-12))
        fail_msg("%s %s: %.17g, expected %.17g", code, col, v, expected);
}

static void expect_reason(const ws_dataset *ds, ws_level lv, const char *code,
                          const char *col, ws_missing why) {
    double v;
    ws_missing m = cell(ds, lv, code, col, &v);
    if (m != why)
        fail_msg("%s %s: %s (%g), expected missing (%s)", code, col,
                 ws_missing_key(m), v, ws_missing_key(why));
}

static const char *param(const ws_dataset *ds, const char *key) {
    for (size_t i = 0; i < ds->nparams; i++)
        if (strcmp(ds->params[i].key, key) == 0)
            return ds->params[i].value;
    fail_msg("no parameter %s", key);
    return NULL;
}

/* --- the rule itself -------------------------------------------------------
 */

static void test_weight_rule(void **state) {
    (void)state;
    ws_aggregate_options o;
    ws_aggregate_options_init(&o);
    const ws_zorggeschikt_options *z = &o.zorggeschikt;
    /* stacked: a lift from 4 woonlagen and 1965 (both inclusive) */
    assert_double_near(ws__zorggeschikt_weight(8, 4.0, 1965, 80, z), 1, 0);
    assert_double_near(ws__zorggeschikt_weight(8, 3.5, 1965, 80, z), 1, 0);
    assert_double_near(ws__zorggeschikt_weight(8, 4.0, 1964, 80, z), 0.25, 0);
    assert_double_near(ws__zorggeschikt_weight(8, 3.49, 2020, 80, z), 1.0 / 3,
                       0);
    assert_double_near(ws__zorggeschikt_weight(2, 1.0, 1900, NAN, z), 1, 0);
    assert_double_near(ws__zorggeschikt_weight(2, 2.5, 1990, 80, z), 1.0 / 3,
                       0);
    /* ... without a bouwjaar only when the lift depends on it */
    assert_double_near(ws__zorggeschikt_weight(3, 3.0, 0, 80, z), 1.0 / 3, 0);
    assert_true(isnan(ws__zorggeschikt_weight(3, 4.0, 0, 80, z)));
    /* eengezins: gelijkvloers, potentieel (1975 and 90 m² inclusive), 0 */
    assert_double_near(ws__zorggeschikt_weight(1, 1.4, 0, NAN, z), 1, 0);
    assert_double_near(ws__zorggeschikt_weight(1, 2.0, 1975, 90, z), 0.5, 0);
    assert_double_near(ws__zorggeschikt_weight(1, 2.0, 1974, 90, z), 0, 0);
    assert_double_near(ws__zorggeschikt_weight(1, 2.0, 1975, 89.9, z), 0, 0);
    assert_double_near(ws__zorggeschikt_weight(1, 1.5, 2000, 120, z), 0.5, 0);
    assert_true(isnan(ws__zorggeschikt_weight(1, 2.0, 0, 120, z)));
    assert_true(isnan(ws__zorggeschikt_weight(1, 2.0, 1990, NAN, z)));
    /* no pand or no woonlagen: unknown */
    assert_true(isnan(ws__zorggeschikt_weight(0, 2.0, 1990, 120, z)));
    assert_true(isnan(ws__zorggeschikt_weight(4, NAN, 1990, 120, z)));

    /* woonlagen: 7 known of 8 at 80 m² (560) -> 640 on 200 m² × 0.8 = 4 */
    assert_double_near(ws__woonlagen(8, 7, 560, 200, 0.8), 4, 1e-12);
    assert_double_near(ws__woonlagen(1, 1, 50, 200, 0.8), 1, 0); /* clamped */
    assert_double_near(ws__woonlagen(2, 2, 200, 100, 0.8), 2.5, 1e-12);
    assert_double_near(ws__woonlagen(1, 1, 100, 100, 1.0), 1, 0);
    assert_true(isnan(ws__woonlagen(1, 0, 0, 100, 0.8)));
    assert_true(isnan(ws__woonlagen(3, 3, 240, NAN, 0.8)));
    assert_true(isnan(ws__woonlagen(3, 3, 240, 0, 0.8)));
}

/* --- on the fixture -------------------------------------------------------
 */

static void test_footprints(void **state) {
    ws_test_dir *fx = *state;
    run r;
    run_start(&r);
    run_fixture(&r, fx, write_bag(fx, "bag.gpkg", true), NULL, false);
    const ws_dataset *ds = r.ds;
    assert_int_equal(ws_dataset_dwelling_count(ds), 32); /* not the shop */
    static const struct {
        double u, area;
    } expect[] = {{110, 200},  {204, 75},   {302, 100},   {500, 125},
                  {520, 75},   {604, 75},   {702, 50},    {1104, 75},
                  {1700, NAN}, {1800, NAN}, {1203, 62.5}, {1306, 125},
                  {1410, 200}, {1505, 100}, {1606, 100},  {1900, NAN}};
    size_t checked = 0;
    for (size_t i = 0; i < ds->dw.n; i++)
        for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++)
            if (ds->dw.x[i] == X0 + expect[k].u) {
                if (isnan(expect[k].area))
                    assert_true(isnan(ds->dw.pand_opp[i]));
                else
                    assert_double_near(ds->dw.pand_opp[i], expect[k].area, 0);
                checked++;
            }
    assert_int_equal(checked, 32);
    /* the pand input is recorded: 14 rows pass the spatial filter (not 98,
     * 50 km away, nor 15, which has no geometry); 13 of the 15 panden the
     * dwellings name have a footprint (not 09 and 15) */
    const ws__input_info *in = &ds->inputs[ds->ninputs - 1];
    bool found = false;
    for (size_t i = 0; i < ds->ninputs; i++)
        if (strcmp(ds->inputs[i].role, "pand") == 0) {
            in = &ds->inputs[i];
            found = true;
        }
    assert_true(found);
    assert_string_equal(in->layer, "pand");
    assert_int_equal(in->features, 14);
    assert_string_equal(param(ds, "panden_met_voetafdruk"),
                        "13 van 15 panden met woningen");
    /* one warning: the three dwellings without a footprint */
    assert_int_equal(r.nwarn, 1);
    assert_non_null(strstr(r.warnings, "layer 'pand': 3 of 32 dwellings have "
                                       "no known pand footprint"));
    run_end(&r);
}

static void indicators_by_hand(ws_test_dir *fx) {
    run r;
    run_start(&r);
    run_fixture(&r, fx, write_bag(fx, "bag.gpkg", true), NULL, false);
    const ws_dataset *ds = r.ds;
    const ws_level B = WS_LEVEL_BUURT;
    expect_real(ds, B, "BU01140101", "woningen", 19);
    expect_real(ds, B, "BU01140101", "woonlagen_gemiddeld", 64.0 / 19);
    expect_real(ds, B, "BU01140101", "woningen_zorggeschikt", 11.5);
    expect_real(ds, B, "BU01140101", "aandeel_zorggeschikt", 11.5 / 19);
    expect_real(ds, B, "BU01140101", "aandeel_gestapeld", 15.0 / 19);
    expect_real(ds, B, "BU01140101", "aandeel_basisvoorzieningen_binnen_500m",
                16.0 / 19);
    expect_real(ds, B, "BU01140101", "aandeel_basisvoorzieningen_binnen_1000m",
                1);
    expect_real(ds, B, "BU01140102", "woningen", 13);
    expect_real(ds, B, "BU01140102", "woonlagen_gemiddeld", 25.0 / 9);
    expect_real(ds, B, "BU01140102", "woningen_zorggeschikt", 2.7);
    expect_real(ds, B, "BU01140102", "aandeel_zorggeschikt", 2.0 / 3);
    expect_real(ds, B, "BU01140102", "aandeel_basisvoorzieningen_binnen_500m",
                0); /* a real 0: none within 500 m */
    expect_real(ds, B, "BU01140102", "aandeel_basisvoorzieningen_binnen_1000m",
                8.0 / 13);
    static const char *const cols[] = {
        "woonlagen_gemiddeld", "woningen_zorggeschikt", "aandeel_zorggeschikt",
        "aandeel_basisvoorzieningen_binnen_500m",
        "aandeel_basisvoorzieningen_binnen_1000m"};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        expect_reason(ds, B, "BU01140201", cols[k], WS_MISSING_NO_DWELLINGS);
        expect_reason(ds, WS_LEVEL_WIJK, "WK011402", cols[k],
                      WS_MISSING_NO_DWELLINGS);
    }
    /* wijk WK011401, gemeente and region: A + B from the dwellings */
    static const ws_level upper[] = {WS_LEVEL_WIJK, WS_LEVEL_GEMEENTE,
                                     WS_LEVEL_REGIO};
    static const char *const code[] = {"WK011401", "GM0114", "REGIO"};
    for (size_t l = 0; l < 3; l++) {
        expect_real(ds, upper[l], code[l], "woningen", 32);
        expect_real(ds, upper[l], code[l], "woonlagen_gemiddeld", 89.0 / 28);
        expect_real(ds, upper[l], code[l], "woningen_zorggeschikt", 14.2);
        expect_real(ds, upper[l], code[l], "aandeel_zorggeschikt", 85.0 / 138);
        expect_real(ds, upper[l], code[l],
                    "aandeel_basisvoorzieningen_binnen_500m", 0.5);
        expect_real(ds, upper[l], code[l],
                    "aandeel_basisvoorzieningen_binnen_1000m", 27.0 / 32);
    }
    /* the parameters are recorded */
    assert_string_equal(param(ds, "basisvoorzieningen"),
                        "huisarts,apotheek,supermarkt");
    assert_string_equal(param(ds, "zorggeschikt_netto_factor"), "0.8");
    assert_string_equal(param(ds, "zorggeschikt_lift_min_woonlagen"), "4");
    assert_string_equal(param(ds, "zorggeschikt_lift_vanaf_bouwjaar"), "1965");
    assert_string_equal(param(ds, "zorggeschikt_eengezins_vanaf_bouwjaar"),
                        "1975");
    assert_string_equal(param(ds, "zorggeschikt_eengezins_min_oppervlakte_m2"),
                        "90");
    run_end(&r);
}

/* The pand statistics are worked out in ws_aggregate with one thread, and
 * beside the join on a thread of their own with two
 * (ws__pand_ahead_start): the same values by hand either way. */
static void test_indicators_by_hand(void **state) {
    setenv("WIJKSCAN_THREADS", "1", 1);
    indicators_by_hand(*state);
    unsetenv("WIJKSCAN_THREADS");
}

static void test_indicators_by_hand_ahead(void **state) {
    setenv("WIJKSCAN_THREADS", "2", 1);
    indicators_by_hand(*state);
    unsetenv("WIJKSCAN_THREADS");
}

/* Statistics worked out for another netto_factor are not used. */
static void test_ahead_for_another_factor(void **state) {
    ws_test_dir *fx = *state;
    run r;
    run_start(&r);
    run_fixture(&r, fx, write_bag(fx, "bag.gpkg", true), NULL, false);
    setenv("WIJKSCAN_THREADS", "2", 1);
    ws__pand_ahead *a = ws__pand_ahead_start(r.ctx, r.ds, 0.8);
    unsetenv("WIJKSCAN_THREADS");
    assert_non_null(a);
    ws__pand_stats st = {0};
    assert_false(ws__pand_ahead_take(r.ctx, a, 0.7, &st));
    assert_null(st.per_pand);
    setenv("WIJKSCAN_THREADS", "2", 1);
    a = ws__pand_ahead_start(r.ctx, r.ds, 0.8);
    unsetenv("WIJKSCAN_THREADS");
    assert_true(ws__pand_ahead_take(r.ctx, a, 0.8, &st));
    ws__pand_stats inline_st;
    assert_int_equal(ws__pand_stats_compute(r.ctx, &r.ds->dw, 0.8, &inline_st),
                     WS_OK);
    size_t n = r.ds->dw.n;
    assert_memory_equal(st.per_pand, inline_st.per_pand,
                        n * sizeof *st.per_pand);
    assert_memory_equal(st.woonlagen, inline_st.woonlagen,
                        n * sizeof *st.woonlagen);
    ws__pand_stats_free(r.ctx, &st);
    ws__pand_stats_free(r.ctx, &inline_st);
    run_end(&r);
}

/* lift_min_woonlagen 5 and eengezins_min_oppervlakte 130 in the project:
 *   A: pand 01 now has no lift (L 4 < 5): 8 × 1/4 = 2; pand 02 still 4 × 1/4
 *      = 1; 03: 1; 04: 1; 05 (120 m² < 130): 0 -> 5 of 19.
 *   B: pand 13 (L 4 < 5) no longer depends on its unknown bouwjaar: 4 × 1/4
 *      = 1, now known; 10 still unknown -> 11, 12, 13 (×4), 14 (×2): 8
 *      dwellings, 1 + 1 + 1 + 2/3 = 11/3 -> 3.7, aandeel 11/24.
 *   GM0114: (5 + 11/3) / 27 = 26/81. */
static void test_parameters_from_yaml(void **state) {
    ws_test_dir *fx = *state;
    const char *bag = write_bag(fx, "bag.gpkg", true);
    (void)bag;
    ws_test_write(fx, "buurten.geojson", buurten_geojson);
    ws_test_write(fx, "voorz.csv", voorzieningen_csv);
    const char *path = ws_test_write(fx, "project.yaml",
                                     "wijkscan: 1\n"
                                     "inputs:\n"
                                     "  bag: bag.gpkg\n"
                                     "  buurten: buurten.geojson\n"
                                     "  voorzieningen: voorz.csv\n"
                                     "parameters:\n"
                                     "  zorggeschikt:\n"
                                     "    lift_min_woonlagen: 5\n"
                                     "    eengezins_min_oppervlakte: 130\n");
    run r;
    run_start(&r);
    ws_project *p = NULL;
    assert_int_equal(ws_project_load(r.ctx, path, LAYERS, &p), WS_OK);
    ws_pipeline_options o = *ws_project_options(p);
    o.output.gpkg_path = NULL; /* no output */
    o.output.csv_dir = NULL;
    assert_int_equal(ws_pipeline_run(r.ctx, &o, NULL, &r.ds), WS_OK);
    const ws_dataset *ds = r.ds;
    expect_real(ds, WS_LEVEL_BUURT, "BU01140101", "aandeel_zorggeschikt",
                5.0 / 19);
    expect_real(ds, WS_LEVEL_BUURT, "BU01140101", "woningen_zorggeschikt", 5);
    expect_real(ds, WS_LEVEL_BUURT, "BU01140102", "aandeel_zorggeschikt",
                11.0 / 24);
    expect_real(ds, WS_LEVEL_BUURT, "BU01140102", "woningen_zorggeschikt", 3.7);
    expect_real(ds, WS_LEVEL_GEMEENTE, "GM0114", "aandeel_zorggeschikt",
                26.0 / 81);
    /* the woonlagen do not depend on these two */
    expect_real(ds, WS_LEVEL_GEMEENTE, "GM0114", "woonlagen_gemiddeld",
                89.0 / 28);
    assert_string_equal(param(ds, "zorggeschikt_lift_min_woonlagen"), "5");
    assert_string_equal(param(ds, "zorggeschikt_eengezins_min_oppervlakte_m2"),
                        "130");
    ws_project_free(p);
    run_end(&r);
}

/* A BAG file without a pand layer: one warning; woonlagen and zorggeschikt
 * are missing with a reason in every region with dwellings (no footprint is
 * known), never 0; everything else is computed as before. */
static void test_no_pand_layer(void **state) {
    ws_test_dir *fx = *state;
    run r;
    run_start(&r);
    run_fixture(&r, fx, write_bag(fx, "zonder_pand.gpkg", false), NULL, false);
    const ws_dataset *ds = r.ds;
    assert_int_equal(r.nwarn, 1);
    assert_non_null(strstr(r.warnings, "zonder_pand.gpkg: no pand layer "
                                       "('pand') found: pand footprints are "
                                       "unknown"));
    static const char *const cols[] = {
        "woonlagen_gemiddeld", "woningen_zorggeschikt", "aandeel_zorggeschikt"};
    for (size_t k = 0; k < 3; k++) {
        expect_reason(ds, WS_LEVEL_BUURT, "BU01140101", cols[k],
                      WS_MISSING_UNKNOWN_VALUES);
        expect_reason(ds, WS_LEVEL_BUURT, "BU01140102", cols[k],
                      WS_MISSING_UNKNOWN_VALUES);
        expect_reason(ds, WS_LEVEL_BUURT, "BU01140201", cols[k],
                      WS_MISSING_NO_DWELLINGS);
        expect_reason(ds, WS_LEVEL_GEMEENTE, "GM0114", cols[k],
                      WS_MISSING_UNKNOWN_VALUES);
    }
    for (size_t i = 0; i < ds->dw.n; i++)
        assert_true(isnan(ds->dw.pand_opp[i]));
    expect_real(ds, WS_LEVEL_BUURT, "BU01140101", "woningen", 19);
    expect_real(ds, WS_LEVEL_BUURT, "BU01140101",
                "aandeel_basisvoorzieningen_binnen_500m", 16.0 / 19);
    for (size_t i = 0; i < ds->ninputs; i++)
        assert_string_not_equal(ds->inputs[i].role, "pand");
    run_end(&r);
}

/* inputs.bag.panden: false on a file that has a pand layer: the layer is
 * not read (no warning, no pand input), woonlagen and zorggeschikt are
 * missing as without a pand layer, the choice is recorded, and the other
 * columns are those of a full run. */
static void test_skip_panden(void **state) {
    ws_test_dir *fx = *state;
    run r;
    run_start(&r);
    run_fixture(&r, fx, write_bag(fx, "met_pand.gpkg", true), NULL, true);
    const ws_dataset *ds = r.ds;
    assert_int_equal(r.nwarn, 0);
    expect_reason(ds, WS_LEVEL_BUURT, "BU01140101", "woonlagen_gemiddeld",
                  WS_MISSING_UNKNOWN_VALUES);
    expect_reason(ds, WS_LEVEL_BUURT, "BU01140101", "aandeel_zorggeschikt",
                  WS_MISSING_UNKNOWN_VALUES);
    expect_reason(ds, WS_LEVEL_GEMEENTE, "GM0114", "woningen_zorggeschikt",
                  WS_MISSING_UNKNOWN_VALUES);
    for (size_t i = 0; i < ds->ninputs; i++)
        assert_string_not_equal(ds->inputs[i].role, "pand");
    assert_non_null(strstr(param(ds, "panden"), "niet gelezen"));
    expect_real(ds, WS_LEVEL_BUURT, "BU01140101", "woningen", 19);
    expect_real(ds, WS_LEVEL_BUURT, "BU01140101",
                "aandeel_basisvoorzieningen_binnen_500m", 16.0 / 19);
    run_end(&r);
}

/* A basisvoorziening that is no category of the run, or one without any
 * voorziening: the columns are missing (geen_voorzieningen), with a
 * warning that names it. */
static void test_basis_category_missing(void **state) {
    ws_test_dir *fx = *state;
    const char *bag = write_bag(fx, "bag.gpkg", true);
    static const char *const unknown[] = {"huisarts", "bibliotheek"};
    static const char *const empty[] = {"huisarts", "bushalte"};
    static const struct {
        const char *const *names;
        const char *warning;
    } cases[] = {{unknown, "basisvoorzieningen: 'bibliotheek' is not a "
                           "voorzieningen category of this run"},
                 {empty, "basisvoorzieningen: no voorzieningen of category "
                         "'bushalte' in the input"}};
    for (size_t c = 0; c < 2; c++) {
        ws_aggregate_options ao;
        ws_aggregate_options_init(&ao);
        ao.basisvoorzieningen = cases[c].names;
        ao.n_basisvoorzieningen = 2;
        run r;
        run_start(&r);
        run_fixture(&r, fx, bag, &ao, false);
        assert_non_null(strstr(r.warnings, cases[c].warning));
        expect_reason(r.ds, WS_LEVEL_BUURT, "BU01140101",
                      "aandeel_basisvoorzieningen_binnen_500m",
                      WS_MISSING_NO_AMENITIES);
        expect_reason(r.ds, WS_LEVEL_GEMEENTE, "GM0114",
                      "aandeel_basisvoorzieningen_binnen_1000m",
                      WS_MISSING_NO_AMENITIES);
        expect_reason(r.ds, WS_LEVEL_BUURT, "BU01140201",
                      "aandeel_basisvoorzieningen_binnen_500m",
                      WS_MISSING_NO_DWELLINGS);
        assert_string_equal(param(r.ds, "basisvoorzieningen"),
                            c == 0 ? "huisarts,bibliotheek"
                                   : "huisarts,bushalte");
        run_end(&r);
    }
}

/* Options a library caller gets wrong are refused before any work. */
static void test_option_errors(void **state) {
    ws_test_dir *fx = *state;
    const char *bag = write_bag(fx, "bag.gpkg", true);
    static const struct {
        int which;
        const char *msg;
    } cases[] = {{0, "netto_factor must lie in (0, 1]"},
                 {1, "lift_min_woonlagen must lie between 1 and 100"},
                 {2, "basisvoorzieningen must name 1 to 8 categories"},
                 {3, "eengezins_vanaf_bouwjaar must lie between 1000 and 2100"},
                 {4, "basisvoorzieningen: category 2 has no name"}};
    static const char *const blank[] = {"huisarts", ""};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ws_aggregate_options ao;
        ws_aggregate_options_init(&ao);
        switch (cases[c].which) {
        case 0:
            ao.zorggeschikt.netto_factor = 0;
            break;
        case 1:
            ao.zorggeschikt.lift_min_woonlagen = 0;
            break;
        case 2:
            ao.n_basisvoorzieningen = 0;
            break;
        case 3:
            ao.zorggeschikt.eengezins_vanaf_bouwjaar = 9999;
            break;
        default:
            ao.basisvoorzieningen = blank;
            ao.n_basisvoorzieningen = 2;
            break;
        }
        run r;
        run_start(&r);
        ws_pipeline_options o;
        ws_pipeline_options_init(&o);
        o.load.layers_dir = LAYERS;
        o.load.bag.path = bag;
        o.load.buurten.path =
            ws_test_write(fx, "buurten.geojson", buurten_geojson);
        o.aggregate = ao;
        assert_int_equal(ws_pipeline_run(r.ctx, &o, NULL, &r.ds),
                         WS_ERR_INVALID_ARG);
        assert_msg_contains(r.ctx, cases[c].msg);
        assert_null(r.ds);
        run_end(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weight_rule),
        cmocka_unit_test_setup_teardown(test_footprints, ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(
            test_indicators_by_hand, ws_test_setup_dir, ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(
            test_parameters_from_yaml, ws_test_setup_dir, ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_indicators_by_hand_ahead,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_ahead_for_another_factor,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_no_pand_layer, ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_skip_panden, ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_basis_category_missing,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_option_errors, ws_test_setup_dir,
                                        ws_test_teardown_dir),
    };
    return cmocka_run_group_tests_name("pand", tests, NULL, NULL);
}
