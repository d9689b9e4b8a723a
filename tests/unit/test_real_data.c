/* The real public files in ../shared/data/real read through the loaders,
 * with expected values taken from the files themselves (ogrinfo/sqlite3 on
 * the source; see PROVENANCE.md there) — not from wijkscan's output. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_test.h"

#include "load/load_internal.h"
#include "wijkscan/wijkscan.h"

#define REAL(name) WS_REAL_DATA_DIR "/" name
#define LAYERS WS_SOURCE_DIR "/layers"

typedef struct fixture {
    ws_ctx *ctx;
    ws_layerdefs defs;
    ws_dataset *ds;
} fixture;

static int setup(void **state) {
    static fixture f;
    memset(&f, 0, sizeof f);
    if (ws_ctx_new(NULL, &f.ctx) != WS_OK)
        return -1;
    if (ws__layerdefs_load_dir(f.ctx, LAYERS, &f.defs) != WS_OK)
        return -1;
    if (ws__dataset_new(f.ctx, &f.ds) != WS_OK)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    ws_dataset_free(f->ds);
    ws__layerdefs_free(f->ctx, &f->defs);
    ws_ctx_free(f->ctx);
    return 0;
}

static double value(const ws_dataset *ds, ws_level lv, const char *code,
                    const char *col, ws_missing *why) {
    const ws_table *t = ws_dataset_level_ref(ds, lv);
    long r = ws_table_find_row(t, code);
    long c = ws_table_find(t, col);
    assert_true(r >= 0);
    assert_true(c >= 0);
    double v;
    ws_missing m = ws_table_get_real(t, (size_t)c, (size_t)r, &v);
    if (why)
        *why = m;
    return v;
}

static const char *text(const ws_dataset *ds, ws_level lv, const char *code,
                        const char *col) {
    const ws_table *t = ws_dataset_level_ref(ds, lv);
    long r = ws_table_find_row(t, code);
    long c = ws_table_find(t, col);
    assert_true(r >= 0 && c >= 0);
    return ws_table_get_text(t, (size_t)c, (size_t)r);
}

static ws_bbox load_boce(fixture *f, const ws_selection *sel) {
    ws_input in = {REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg"), NULL, NULL,
                   NULL, false};
    ws_bbox extent = {0};
    ws_status st =
        ws__load_regions(f->ctx, f->ds, &in, &f->defs, sel, "BOCE", &extent);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(f->ctx));
    return extent;
}

/* 209 buurten, 61 wijken, 3 gemeenten (PROVENANCE.md §1); the file uses
 * statcode/statnaam, so the gebiedsindelingen definition must be chosen. */
static void boce_boundaries(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg")))
        skip();
    ws_selection all = {NULL, 0};
    ws_bbox extent = load_boce(f, &all);
    /* PROVENANCE.md: extent (235341, 516409) - (269919, 557381) */
    assert_float_equal(extent.minx, 235341, 1e-6);
    assert_float_equal(extent.miny, 516409, 1e-6);
    assert_float_equal(extent.maxx, 269919, 1e-6);
    assert_float_equal(extent.maxy, 557381, 1e-6);
    assert_int_equal(
        ws_table_nrows(ws_dataset_level_ref(f->ds, WS_LEVEL_BUURT)), 209);
    assert_int_equal(ws_table_nrows(ws_dataset_level_ref(f->ds, WS_LEVEL_WIJK)),
                     61);
    assert_int_equal(
        ws_table_nrows(ws_dataset_level_ref(f->ds, WS_LEVEL_GEMEENTE)), 3);
    assert_string_equal(text(f->ds, WS_LEVEL_BUURT, "BU01140101", "buurtnaam"),
                        "Eerste Kruisdiep");
    assert_string_equal(text(f->ds, WS_LEVEL_BUURT, "BU01140101", "wijkcode"),
                        "WK011401");
    assert_string_equal(
        text(f->ds, WS_LEVEL_GEMEENTE, "GM1681", "gemeentenaam"),
        "Borger-Odoorn");
    assert_string_equal(f->ds->inputs[0].definition,
                        LAYERS "/cbs_gebiedsindelingen.yaml");
}

/* A selection keeps only that gemeente: Coevorden has 68 buurten and 9
 * wijken (PROVENANCE.md §1). */
static void boce_selection(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg")))
        skip();
    const char *gm[] = {"GM0109"};
    ws_selection sel = {gm, 1};
    load_boce(f, &sel);
    assert_int_equal(
        ws_table_nrows(ws_dataset_level_ref(f->ds, WS_LEVEL_BUURT)), 68);
    assert_int_equal(ws_table_nrows(ws_dataset_level_ref(f->ds, WS_LEVEL_WIJK)),
                     9);
    assert_int_equal(
        ws_table_nrows(ws_dataset_level_ref(f->ds, WS_LEVEL_GEMEENTE)), 1);
}

/* Kerncijfers 2024 joined by code: first data rows of the CSV read
 * "GM0114,Gemeente,GM0114,109346,…,50563,…" and
 * "WK010910,Wijk,GM0109,14590,7235,7355,967,6999,…". */
static void boce_kerncijfers(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(
            REAL("cbs_kwb2024_85984NED_boce_gemeenten_wijken.csv")))
        skip();
    ws_selection all = {NULL, 0};
    load_boce(f, &all);
    ws_input k = {REAL("cbs_kwb2024_85984NED_boce_gemeenten_wijken.csv"), NULL,
                  NULL, NULL, false};
    assert_int_equal(ws__load_kerncijfers(f->ctx, f->ds, &k, &f->defs), WS_OK);
    ws_missing why;
    assert_float_equal(
        value(f->ds, WS_LEVEL_GEMEENTE, "GM0114", "aantal_inwoners", &why),
        109346, 0);
    assert_int_equal(why, WS_PRESENT);
    assert_float_equal(
        value(f->ds, WS_LEVEL_GEMEENTE, "GM0114", "woningvoorraad", NULL),
        50563, 0);
    assert_float_equal(
        value(f->ds, WS_LEVEL_WIJK, "WK010910", "woningvoorraad", NULL), 6999,
        0);
    assert_float_equal(value(f->ds, WS_LEVEL_WIJK, "WK010910", "mannen", NULL),
                       7235, 0);
}

/* The national CSV: only BOCE rows join; values equal the BOCE file's. */
static void nl_kerncijfers_only_selection_joins(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(
            REAL("cbs_kwb2024_85984NED_nl_gemeenten_wijken_8vars.csv")))
        skip();
    ws_selection all = {NULL, 0};
    load_boce(f, &all);
    ws_input k = {REAL("cbs_kwb2024_85984NED_nl_gemeenten_wijken_8vars.csv"),
                  NULL, NULL, "_2024", false};
    assert_int_equal(ws__load_kerncijfers(f->ctx, f->ds, &k, &f->defs), WS_OK);
    assert_float_equal(
        value(f->ds, WS_LEVEL_WIJK, "WK010910", "woningvoorraad_2024", NULL),
        6999, 0);
    assert_float_equal(
        value(f->ds, WS_LEVEL_GEMEENTE, "GM1681", "aantal_inwoners_2024", NULL),
        26014, 0);
    /* no buurt rows in the table: buurten get no such column */
    assert_int_equal(ws_table_find(ws_dataset_level_ref(f->ds, WS_LEVEL_BUURT),
                                   "aantal_inwoners_2024"),
                     -1);
}

/* PDOK WFS gemeenten (camelCase) as a statistics table: Coevorden 35,700
 * inwoners and 26 % 65+ (PROVENANCE.md §1; checked with ogrinfo). */
static void wfs_gemeenten_as_kerncijfers(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(
            REAL("cbs_gemeenten_2023_nl_pdokwfs_kerncijfers_simplified.gpkg")))
        skip();
    ws_selection all = {NULL, 0};
    load_boce(f, &all);
    ws_input k = {
        REAL("cbs_gemeenten_2023_nl_pdokwfs_kerncijfers_simplified.gpkg"), NULL,
        NULL, NULL, false};
    ws_status st = ws__load_kerncijfers(f->ctx, f->ds, &k, &f->defs);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(f->ctx));
    assert_float_equal(
        value(f->ds, WS_LEVEL_GEMEENTE, "GM0109", "aantal_inwoners", NULL),
        35700, 0);
    assert_float_equal(value(f->ds, WS_LEVEL_GEMEENTE, "GM0109",
                             "percentage_personen_65_jaar_en_ouder", NULL),
                       26, 0);
    assert_float_equal(
        value(f->ds, WS_LEVEL_GEMEENTE, "GM0114", "aantal_inwoners", NULL),
        108765, 0);
}

/* The raw LVBAG sample: one verblijfsobject with five voorkomens; only
 * voorkomen 4 is current (eindGeldigheid and eindRegistratie empty) — status
 * "Verbouwing verblijfsobject", gebruiksdoel "(1:woonfunctie)", oppervlakte
 * 223, pandRef "(1:0221100000312938)". Voorkomen 5 is current but
 * "overige gebruiksfunctie". The current voorkomen of that pand has
 * oorspronkelijkBouwjaar 1585 (earlier ones: 9999, 1585, 1585) and a
 * footprint of 186.75471449957 m² (earlier ones: 186.764713999291, twice,
 * and 233.420718999398):
 *   ogrinfo -dialect SQLite -sql "SELECT voorkomenIdentificatie,
 *     eindGeldigheid, ST_Area(geom) FROM Pand WHERE identificatie =
 *     '0221100000312938'" bag2_lvbag_extract_sample_0221_20200915.gpkg */
static void lvbag_sample_through_the_pipeline(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(
            REAL("bag2_lvbag_extract_sample_0221_20200915.gpkg")))
        skip();
    ws_load_options lo;
    ws_load_options_init(&lo);
    lo.layers_dir = LAYERS;
    lo.bag.path = REAL("bag2_lvbag_extract_sample_0221_20200915.gpkg");
    lo.buurten.path = REAL("doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg");
    lo.buurten.layer = "buurten_cbs2023_generalized";
    ws_dataset *ds = NULL;
    ws_status st = ws_load(f->ctx, &lo, &ds);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(f->ctx));
    assert_int_equal(ws_dataset_dwelling_count(ds), 1);
    /* the whole layer is read (the Arrow reader checks the rules itself):
     * all five voorkomens, four of them (history, non-woonfunctie) not
     * dwellings */
    assert_int_equal(ds->n_vbo_read, 5);
    assert_int_equal(ds->n_vbo_rejected, 4);
    assert_float_equal(ds->dw.oppervlakte[0], 223, 0);
    assert_int_equal(ds->dw.bouwjaar[0], 1585);
    assert_int_equal(ds->dw.pand_id[0], 221100000312938ULL);
    /* footprints are kept as float: 7 significant digits */
    assert_double_near(ds->dw.pand_opp[0], 186.75471449957, 186.8 * 1e-7);
    ws_join_options jo;
    ws_join_options_init(&jo);
    assert_int_equal(ws_join(f->ctx, ds, &jo), WS_OK);
    assert_int_equal(ws_dataset_dwellings_outside(ds), 0);
    assert_int_equal(ws_table_nrows(ws_dataset_level_ref(ds, WS_LEVEL_BUURT)),
                     11);
    ws_dataset_free(ds);
}

/* Footprints from the real Doesburg pand layer (LVBAG driver field names,
 * read through the pand section of layers/bag_lvbag.yaml) for dwellings at a
 * point on the surface of five real panden, and one dwelling whose pand is
 * not in Doesburg. Expected areas and bouwjaren from the file itself:
 *   ogrinfo -dialect SQLite -sql "SELECT identificatie, ST_Area(geom),
 *     NumInteriorRings(geom), oorspronkelijkBouwjaar,
 *     ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
 *     FROM pand WHERE identificatie IN (...)"
 *     doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg
 * 315006: the largest pand with holes (2), 313311: one hole, 315004: the
 * largest in use, 316013: the smallest in use, 312938: the pand of the LVBAG
 * sample above (the same area as its current voorkomen there). Footprints
 * are kept as float, so they agree to 7 significant digits. */
static void doesburg_footprints(void **state) {
    fixture *f = *state;
    const char *path = REAL("doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg");
    if (!ws_test_have_file(path))
        skip();
    static const struct {
        uint64_t id;
        double x, y, area;
        int bouwjaar;
    } panden[] = {
        {221100000315006ULL, 206730.83279526, 448150.548, 19434.1762889947,
         1970},
        {221100000313311ULL, 205890.159925186, 447635.721, 2585.6419130037,
         2009},
        {221100000315004ULL, 206477.809981193, 448160.024, 13648.3304585088,
         1988},
        {221100000316013ULL, 206589.8195, 448078.8005, 2.84818100009579, 2006},
        {221100000312938ULL, 206338.63722836, 447532.411, 186.75471449957,
         1585},
        {999900000000001ULL, 206338.0, 447530.0, NAN, 0}, /* not in Doesburg */
    };
    const ws_layerdef *def = NULL;
    for (size_t i = 0; i < f->defs.n; i++)
        if (strstr(f->defs.defs[i]->path, "bag_lvbag.yaml"))
            def = f->defs.defs[i];
    assert_non_null(def);
    size_t n = sizeof panden / sizeof panden[0];
    for (size_t i = 0; i < n; i++) /* two dwellings in each pand */
        for (int k = 0; k < 2; k++)
            assert_int_equal(ws__dataset_add_dwelling(f->ds, panden[i].x,
                                                      panden[i].y, 80, 0,
                                                      panden[i].id),
                             WS_OK);
    ws_source src;
    assert_int_equal(ws__source_open(f->ctx, path, &src), WS_OK);
    assert_int_equal(ws__source_pick_layer(f->ctx, &src, "pand", NULL), WS_OK);
    ws_status st = ws__load_panden(f->ctx, f->ds, &src, def);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(f->ctx));
    for (size_t i = 0; i < 2 * n; i++) {
        double want = panden[i / 2].area;
        if (isnan(want))
            assert_true(isnan(f->ds->dw.pand_opp[i]));
        else
            assert_double_near(f->ds->dw.pand_opp[i], want, want * 1e-7);
        assert_int_equal(f->ds->dw.bouwjaar[i], panden[i / 2].bouwjaar);
    }
    ws__source_close(&src);
}

/* QuickOSM exports: 75 supermarkets (shop column), 92 of 113 school points
 * and 163 of 164 school polygons have amenity=school (sqlite on the file). */
static void osm_quickosm_layers(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(REAL("osm_poi_samples_utrecht_amsterdam_2020.gpkg")))
        skip();
    static const struct {
        const char *layer;
        const char *category;
        size_t expected;
    } cases[] = {{"shop_supermarket_utrecht", "supermarkt", 75},
                 {"amenity_school_amsterdam_points", "basisschool", 92},
                 {"amenity_school_amsterdam_polygons", "basisschool", 163}};
    ws_bbox everywhere = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_dataset *ds = NULL;
        assert_int_equal(ws__dataset_new(f->ctx, &ds), WS_OK);
        ws_input in = {REAL("osm_poi_samples_utrecht_amsterdam_2020.gpkg"),
                       cases[i].layer, NULL, NULL, false};
        ws_status st =
            ws__load_amenities(f->ctx, ds, &in, &f->defs, &everywhere);
        if (st != WS_OK)
            fail_msg("%s", ws_ctx_errmsg(f->ctx));
        assert_int_equal(ws_dataset_amenity_count(ds), cases[i].expected);
        size_t cat;
        assert_int_equal(ws__dataset_category(ds, cases[i].category, &cat),
                         WS_OK);
        for (size_t a = 0; a < ds->am.n; a++)
            assert_int_equal(ds->am.cat[a], cat);
        ws_dataset_free(ds);
    }
}

/* The Doesburg pand layer holds panden, not verblijfsobjecten: as BAG input
 * it must be refused with a message that says so. */
static void doesburg_panden_are_not_dwellings(void **state) {
    fixture *f = *state;
    if (!ws_test_have_file(
            REAL("doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg")))
        skip();
    ws_load_options lo;
    ws_load_options_init(&lo);
    lo.layers_dir = LAYERS;
    lo.bag.path = REAL("doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg");
    lo.bag.layer = "pand";
    lo.buurten.path = REAL("doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg");
    lo.buurten.layer = "buurten_cbs2023_generalized";
    ws_dataset *ds = NULL;
    assert_int_equal(ws_load(f->ctx, &lo, &ds), WS_ERR_DATA_NO_FIELD);
    assert_null(ds);
    assert_non_null(
        strstr(ws_ctx_errmsg(f->ctx), "layer 'pand' is not recognised as bag"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(boce_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(boce_selection, setup, teardown),
        cmocka_unit_test_setup_teardown(boce_kerncijfers, setup, teardown),
        cmocka_unit_test_setup_teardown(nl_kerncijfers_only_selection_joins,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(wfs_gemeenten_as_kerncijfers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(lvbag_sample_through_the_pipeline,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(osm_quickosm_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(doesburg_footprints, setup, teardown),
        cmocka_unit_test_setup_teardown(doesburg_panden_are_not_dwellings,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("real_data", tests, NULL, NULL);
}
