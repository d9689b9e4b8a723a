/* The fast paths give the same results as the plain ones, value for value:
 * the SQLite and Arrow readers of the BAG against the per-feature reader
 * (on the real LVBAG sample and the BOCE example data, with and without a
 * selection, whole and in parts, and on GeoPackage blobs of every kind),
 * the join's cell grid and threads against the point-by-point join, the
 * threaded nearest-voorziening search against one thread, the region
 * levels (validity checks and repairs, dissolved wijken and gemeenten) on
 * threads against one thread, and the CSV number formats against printf. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cpl_conv.h>
#include <sqlite3.h>

#include "access/kdtree.h"
#include "core/core_internal.h"
#include "export/export_internal.h"
#include "join/join_internal.h"
#include "load/load_internal.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define REAL(name) WS_REAL_DATA_DIR "/" name
#define BOCE(name) WS_SOURCE_DIR "/examples/boce/" name
#define LAYERS WS_SOURCE_DIR "/layers"

static ws_ctx *ctx;

static int setup(void **state) {
    (void)state;
    return ws_ctx_new(NULL, &ctx) == WS_OK ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    ws_ctx_free(ctx);
    CPLSetConfigOption("WS_BAG_ARROW", NULL);
    CPLSetConfigOption("WS_BAG_SQLITE", NULL);
    CPLSetConfigOption("WS_BAG_SPLIT_MIN_ROWS", NULL);
    unsetenv("WIJKSCAN_THREADS");
    return 0;
}

typedef enum bag_reader { READ_SQLITE, READ_ARROW, READ_PLAIN } bag_reader;

typedef struct log_capture {
    char text[8192];
} log_capture;

static void capture_log(ws_log_level level, const char *msg, void *user) {
    log_capture *lc = user;
    size_t n = strlen(lc->text);
    snprintf(lc->text + n, sizeof lc->text - n, "%d %s\n", (int)level, msg);
}

/* Load with one reader of the BAG (the others switched off); with `lc`
 * the log is kept there (it says which reader read the BAG) and the
 * dataset has a context of its own: free it with free_logged. */
static ws_dataset *load_logged(const char *bag, const char *buurten,
                               const char *buurt_layer, const char *voorz,
                               const char *gemeente, bag_reader reader,
                               log_capture *lc) {
    CPLSetConfigOption("WS_BAG_SQLITE", reader == READ_SQLITE ? "YES" : "NO");
    CPLSetConfigOption("WS_BAG_ARROW", reader == READ_PLAIN ? "NO" : "YES");
    ws_ctx *c = ctx;
    if (lc) {
        ws_ctx_options co;
        ws_ctx_options_init(&co);
        memset(lc, 0, sizeof *lc);
        co.log = capture_log;
        co.log_user = lc;
        assert_int_equal(ws_ctx_new(&co, &c), WS_OK);
    }
    ws_load_options lo;
    ws_load_options_init(&lo);
    lo.layers_dir = LAYERS;
    lo.bag.path = bag;
    lo.buurten.path = buurten;
    lo.buurten.layer = buurt_layer;
    ws_input vz = {voorz, NULL, NULL, NULL, false};
    if (voorz) {
        lo.voorzieningen = &vz;
        lo.n_voorzieningen = 1;
    }
    const char *gm[1] = {gemeente};
    if (gemeente) {
        lo.gemeenten = gm;
        lo.n_gemeenten = 1;
    }
    ws_dataset *ds = NULL;
    ws_status st = ws_load(c, &lo, &ds);
    CPLSetConfigOption("WS_BAG_SQLITE", NULL);
    CPLSetConfigOption("WS_BAG_ARROW", NULL);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(c));
    return ds;
}

static void free_logged(ws_dataset *ds) {
    ws_ctx *c = ds->ctx;
    ws_dataset_free(ds);
    ws_ctx_free(c);
}

static ws_dataset *load(const char *bag, const char *buurten,
                        const char *buurt_layer, const char *voorz,
                        const char *gemeente, bool arrow) {
    return load_logged(bag, buurten, buurt_layer, voorz, gemeente,
                       arrow ? READ_ARROW : READ_PLAIN, NULL);
}

/* Same dwellings, bit for bit (NaN areas included), same counts. */
static void assert_same_dwellings(const ws_dataset *a, const ws_dataset *b) {
    assert_int_equal(a->dw.n, b->dw.n);
    assert_int_equal(a->n_vbo_read, b->n_vbo_read);
    assert_int_equal(a->n_vbo_rejected, b->n_vbo_rejected);
    size_t n = a->dw.n;
    assert_memory_equal(a->dw.x, b->dw.x, n * sizeof *a->dw.x);
    assert_memory_equal(a->dw.y, b->dw.y, n * sizeof *a->dw.y);
    assert_memory_equal(a->dw.oppervlakte, b->dw.oppervlakte,
                        n * sizeof *a->dw.oppervlakte);
    assert_memory_equal(a->dw.bouwjaar, b->dw.bouwjaar,
                        n * sizeof *a->dw.bouwjaar);
    assert_memory_equal(a->dw.pand_id, b->dw.pand_id,
                        n * sizeof *a->dw.pand_id);
}

/* Read with SQLite? Its message says so, with the number of parts. */
static void assert_sqlite_parts(const log_capture *lc, const char *parts) {
    char want[64];
    snprintf(want, sizeof want, "with SQLite in %s part", parts);
    if (!strstr(lc->text, want))
        fail_msg("expected \"%s\" in the log:\n%s", want, lc->text);
}

/* The SQLite reader in one part and in two and three (split from 2 rows
 * on), the Arrow reader, and the per-feature reader. `sqlite` says whether
 * the SQLite reader takes this file (else it hands it to GDAL). */
static void compare_readers(const char *bag, const char *buurten,
                            const char *layer, const char *gemeente,
                            bool sqlite) {
    log_capture lc;
    ws_dataset *plain =
        load_logged(bag, buurten, layer, NULL, gemeente, READ_PLAIN, NULL);
    assert_true(plain->dw.n > 0);
    ws_dataset *arrow =
        load_logged(bag, buurten, layer, NULL, gemeente, READ_ARROW, NULL);
    assert_same_dwellings(arrow, plain);
    ws_dataset_free(arrow);
    static const char *const threads[] = {"1", "2", "3"};
    for (int k = 0; k < 3; k++) {
        setenv("WIJKSCAN_THREADS", threads[k], 1);
        CPLSetConfigOption("WS_BAG_SPLIT_MIN_ROWS", "2");
        ws_dataset *ds =
            load_logged(bag, buurten, layer, NULL, gemeente, READ_SQLITE, &lc);
        CPLSetConfigOption("WS_BAG_SPLIT_MIN_ROWS", NULL);
        unsetenv("WIJKSCAN_THREADS");
        if (sqlite)
            assert_sqlite_parts(&lc, threads[k]);
        else
            assert_null(strstr(lc.text, "with SQLite"));
        assert_same_dwellings(ds, plain);
        free_logged(ds);
    }
    ws_dataset_free(plain);
}

/* LVBAG in a GeoPackage: gebruiksdoel as "(1:woonfunctie)" text, history
 * rows with end dates (the `current` fields) — see test_real_data. The end
 * dates are Date and DateTime fields, whose text GDAL parses: the SQLite
 * reader leaves the file to GDAL. */
static void arrow_reader_real_lvbag(void **state) {
    (void)state;
    if (!ws_test_have_file(
            REAL("bag2_lvbag_extract_sample_0221_20200915.gpkg")))
        skip();
    compare_readers(REAL("bag2_lvbag_extract_sample_0221_20200915.gpkg"),
                    REAL("doesburg_0221_bag_pand_2020_cbs_buurt_2023.gpkg"),
                    "buurten_cbs2023_generalized", NULL, false);
}

/* bag-light: 85,768 objects with shops, offices, withdrawn and unbuilt
 * ones, placeholders 1 m² and 9999; all of BOCE and one gemeente. */
static void arrow_reader_boce(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/bag-light-boce-synthetic.gpkg")))
        skip();
    compare_readers(BOCE("data/bag-light-boce-synthetic.gpkg"),
                    BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"), NULL,
                    NULL, true);
    /* a selection: the rules go into every reader's query, so all count
     * the same rows */
    compare_readers(BOCE("data/bag-light-boce-synthetic.gpkg"),
                    BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"), NULL,
                    "GM0109", true);
}

/* --- GeoPackage blobs of every kind ----------------------------------------
 * A copy of the BOCE BAG whose geometry blobs are rewritten with sqlite3
 * into the forms the GeoPackage standard allows: envelopes of 32 and 48
 * bytes, a big-endian header, a big-endian WKB point, the empty flag, no
 * geometry, and rows deleted (gaps in the fid). GDAL's per-feature reader
 * is the second method. */

static void exec_sql(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : "?");
}

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* The blob of a plain little-endian point header (8 bytes) and WKB (21)
 * rewritten as variant v into out; its length. */
static size_t blob_variant(const unsigned char *b, int v, unsigned char *out) {
    static const double nan_bits = NAN;
    const unsigned char *wkb = b + 8;
    unsigned char x[8], y[8];
    memcpy(x, wkb + 5, 8);
    memcpy(y, wkb + 13, 8);
    memcpy(out, b, 8);
    size_t n = 8;
    switch (v) {
    case 1: /* envelope xy, little-endian header */
    case 2: /* envelope xyz */
    case 3: /* envelope xy, big-endian header */
        out[3] = v == 1 ? 0x03 : v == 2 ? 0x05 : 0x02;
        for (int k = 0; k < (v == 2 ? 6 : 4); k++) {
            const unsigned char *c = k < 2 ? x : k < 4 ? y : x;
            for (int i = 0; i < 8; i++) /* the header's byte order */
                out[n + (size_t)i] = v == 3 ? c[7 - i] : c[i];
            n += 8;
        }
        memcpy(out + n, wkb, 21);
        return n + 21;
    case 4: /* the WKB big-endian */
        out[n++] = 0;
        memcpy(out + n, "\0\0\0\1", 4);
        n += 4;
        for (int i = 0; i < 8; i++)
            out[n + (size_t)i] = x[7 - i], out[n + 8 + (size_t)i] = y[7 - i];
        return n + 16;
    default: /* empty: the flag, and POINT(NaN NaN) */
        out[3] = 0x11;
        memcpy(out + n, wkb, 5);
        memcpy(out + n + 5, &nan_bits, 8);
        memcpy(out + n + 13, &nan_bits, 8);
        return n + 21;
    }
}

/* The r-tree triggers call GDAL's SQL functions, which sqlite3 lacks (the
 * index goes stale: only a selection would use it). */
static void drop_rtree_triggers(sqlite3 *db) {
    sqlite3_stmt *tr = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_master WHERE "
                                        "type = 'trigger' AND tbl_name = "
                                        "'verblijfsobject'",
                                        -1, &tr, NULL),
                     SQLITE_OK);
    char drops[4096] = "";
    while (sqlite3_step(tr) == SQLITE_ROW) {
        size_t n = strlen(drops);
        snprintf(drops + n, sizeof drops - n, "DROP TRIGGER \"%s\";",
                 (const char *)sqlite3_column_text(tr, 0));
    }
    sqlite3_finalize(tr);
    exec_sql(db, drops);
}

/* Rewrite the blobs (see above) and close db. */
static void rewrite_blobs(sqlite3 *db) {
    exec_sql(db, "BEGIN");
    sqlite3_stmt *rd = NULL, *up = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT feature_id, geom FROM verblijfsobject "
                           "WHERE feature_id % 8 BETWEEN 1 AND 5",
                           -1, &rd, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE verblijfsobject SET geom = ?1 "
                                        "WHERE feature_id = ?2",
                                        -1, &up, NULL),
                     SQLITE_OK);
    size_t changed = 0;
    while (sqlite3_step(rd) == SQLITE_ROW) {
        const unsigned char *b = sqlite3_column_blob(rd, 1);
        if (sqlite3_column_bytes(rd, 1) != 29 || b[3] != 0x01)
            continue; /* only plain points: what the generator writes */
        unsigned char out[128];
        size_t n = blob_variant(b, (int)(sqlite3_column_int64(rd, 0) % 8), out);
        sqlite3_bind_blob(up, 1, out, (int)n, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 2, sqlite3_column_int64(rd, 0));
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
        changed++;
    }
    sqlite3_finalize(rd);
    sqlite3_finalize(up);
    assert_true(changed > 1000);
    exec_sql(db,
             "UPDATE verblijfsobject SET geom = NULL WHERE feature_id % 8 = 6");
    exec_sql(db, "DELETE FROM verblijfsobject WHERE feature_id % 8 = 7");
    exec_sql(db, "COMMIT");
    sqlite3_close(db);
}

/* A copy of the BOCE BAG, dir/bag.gpkg, opened with sqlite3 and without
 * its r-tree triggers. */
static sqlite3 *boce_bag_copy(char *dir, char *path, size_t size) {
    assert_non_null(mkdtemp(dir));
    snprintf(path, size, "%s/bag.gpkg", dir);
    copy_file(BOCE("data/bag-light-boce-synthetic.gpkg"), path);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    drop_rtree_triggers(db);
    return db;
}

static void remove_copy(const char *dir, const char *path) {
    unlink(path);
    rmdir(dir);
}

static void sqlite_reader_blobs(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/bag-light-boce-synthetic.gpkg")))
        skip();
    char dir[] = "/tmp/ws_blobs_XXXXXX", path[64];
    rewrite_blobs(boce_bag_copy(dir, path, sizeof path));
    ws_dataset *whole =
        load(BOCE("data/bag-light-boce-synthetic.gpkg"),
             BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"), NULL, NULL,
             NULL, false);
    compare_readers(path, BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"),
                    NULL, NULL, true);
    /* the rewritten file lost the rows with an empty point, no point and
     * the deleted ones (3 in 8), and kept the others (5 in 8) */
    ws_dataset *plain =
        load(path, BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"), NULL,
             NULL, NULL, false);
    assert_true(plain->dw.n > whole->dw.n * 6 / 10);
    assert_true(plain->dw.n < whole->dw.n * 65 / 100);
    ws_dataset_free(plain);
    ws_dataset_free(whole);
    remove_copy(dir, path);
}

/* A copy of the BOCE BAG edited by `sql`, read (with `gemeente` selected,
 * or not) by GDAL: the SQLite reader must leave it, with the same
 * dwellings as GDAL's readers. */
static void left_to_gdal(const char *sql, const char *gemeente) {
    char dir[] = "/tmp/ws_edit_XXXXXX", path[64];
    sqlite3 *db = boce_bag_copy(dir, path, sizeof path);
    exec_sql(db, sql);
    sqlite3_close(db);
    compare_readers(path, BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"),
                    NULL, gemeente, false);
    remove_copy(dir, path);
}

/* Values of a storage class the column's type does not expect (a REAL in
 * an INTEGER column; GDAL truncates it). */
static void sqlite_reader_leaves_odd_values(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/bag-light-boce-synthetic.gpkg")))
        skip();
    left_to_gdal("UPDATE verblijfsobject SET oppervlakte = 75.5 "
                 "WHERE feature_id = 40000",
                 NULL);
}

/* A selection in a layer without a gemeente field goes by the box of the
 * selected buurten, through GDAL's spatial index. */
static void sqlite_reader_leaves_box_selection(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/bag-light-boce-synthetic.gpkg")))
        skip();
    left_to_gdal("ALTER TABLE verblijfsobject DROP COLUMN "
                 "bronhouder_identificatie",
                 "GM0109");
}

/* Grid or not, any number of threads, coarse or fine cells: the same buurt
 * for every dwelling. */
static void join_modes_agree(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/bag-light-boce-synthetic.gpkg")))
        skip();
    ws_dataset *ds = load(BOCE("data/bag-light-boce-synthetic.gpkg"),
                          BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"),
                          NULL, NULL, NULL, true);
    size_t n = ds->dw.n;
    int32_t *plain = malloc(n * sizeof *plain);
    assert_non_null(plain);
    ws__join_tuning t;
    ws__join_tuning_init(&t);
    t.threads = 1;
    t.grid = 0;
    assert_int_equal(ws__join_tuned(ctx, ds, &t), WS_OK);
    assert_int_equal(t.n_slow, n);
    memcpy(plain, ds->dw.buurt, n * sizeof *plain);
    static const struct {
        int threads;
        size_t cells;
    } modes[] = {{1, 0}, {2, 0}, {3, 70000}, {2, 4000000}, {5, 200000}};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        memset(ds->dw.buurt, 0x55, n * sizeof *ds->dw.buurt);
        ws__join_tuning_init(&t);
        t.threads = modes[m].threads;
        t.grid = 1;
        t.cells = modes[m].cells;
        assert_int_equal(ws__join_tuned(ctx, ds, &t), WS_OK);
        assert_true(t.n_slow < n / 2); /* the grid did decide most */
        assert_memory_equal(plain, ds->dw.buurt, n * sizeof *plain);
    }
    free(plain);
    ws_dataset_free(ds);
}

/* Threads split the dwellings; each distance equals the plain k-d tree
 * query (which the hint must not change). */
static void access_threads_agree(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/bag-light-boce-synthetic.gpkg")))
        skip();
    ws_dataset *ds =
        load(BOCE("data/bag-light-boce-synthetic.gpkg"),
             BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"), NULL,
             BOCE("data/voorzieningen-boce-synthetic.gpkg"), NULL, true);
    ws_access_options ao;
    ws_access_options_init(&ao);
    size_t n = ds->dw.n, ncat = ds->ncat;
    assert_true(ncat >= 8);
    float *one = malloc(ncat * n * sizeof *one);
    assert_non_null(one);
    setenv("WIJKSCAN_THREADS", "1", 1);
    assert_int_equal(ws_access(ctx, ds, &ao), WS_OK);
    for (size_t c = 0; c < ncat; c++)
        memcpy(one + c * n, ds->dist[c], n * sizeof *one);
    setenv("WIJKSCAN_THREADS", "3", 1);
    assert_int_equal(ws_access(ctx, ds, &ao), WS_OK);
    unsetenv("WIJKSCAN_THREADS");
    for (size_t c = 0; c < ncat; c++) {
        assert_memory_equal(one + c * n, ds->dist[c], n * sizeof *one);
        /* the plain query, for a sample of dwellings */
        size_t k = 0;
        double *x = malloc((ds->am.n + 1) * sizeof *x);
        double *y = malloc((ds->am.n + 1) * sizeof *y);
        assert_true(x && y);
        for (size_t i = 0; i < ds->am.n; i++)
            if (ds->am.cat[i] == c) {
                x[k] = ds->am.x[i];
                y[k++] = ds->am.y[i];
            }
        ws_kdtree *tree = NULL;
        assert_int_equal(ws__kdtree_build(ctx, x, y, k, &tree), WS_OK);
        for (size_t i = 0; i < n; i += 97) {
            double d;
            assert_true(
                ws__kdtree_nearest(tree, ds->dw.x[i], ds->dw.y[i], NULL, &d));
            assert_true((float)d == ds->dist[c][i]);
        }
        ws__kdtree_free(ctx, tree);
        free(x);
        free(y);
    }
    free(one);
    ws_dataset_free(ds);
}

/* --- regions on threads ---------------------------------------------------
 * 48 buurten in 6 wijken of 3 gemeenten, a file of buurten only (so wijken,
 * gemeenten and the regio are dissolved), some of them bow-ties that
 * MakeValid repairs; `bad` gives one buurt no code, after some repairs. */
static void write_buurten(const char *path, bool bad) {
    static const char *const gm[3] = {"0114", "0109", "1681"};
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"type\": \"FeatureCollection\", \"name\": \"buurten\", "
               "\"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
               "\"urn:ogc:def:crs:EPSG::28992\"}}, \"features\": [\n");
    for (int i = 0; i < 48; i++) {
        int g = i / 16, w = (i / 8) % 2 + 1, b = i % 8 + 1;
        double x = 250000 + (i % 8) * 100.0, y = 530000 + (i / 8) * 100.0;
        bool bowtie = i == 3 || i == 20 || i == 21 || i == 40;
        char code[32];
        snprintf(code, sizeof code, "BU%s%02d%02d", gm[g], w, b);
        fprintf(f,
                "%s{\"type\": \"Feature\", \"properties\": {\"buurtcode\": "
                "\"%s\", \"buurtnaam\": \"b%d\", \"gemeentecode\": "
                "\"GM%s\", \"water\": \"NEE\"}, \"geometry\": {\"type\": "
                "\"Polygon\", \"coordinates\": [[[%.0f, %.0f], [%.0f, %.0f], "
                "[%.0f, %.0f], [%.0f, %.0f], [%.0f, %.0f]]]}}\n",
                i ? "," : "", bad && i == 30 ? "" : code, i, gm[g], x, y,
                x + 100, bowtie ? y + 100 : y, x + 100, bowtie ? y : y + 100, x,
                y + 100, x, y);
    }
    fprintf(f, "]}\n");
    fclose(f);
}

static ws_dataset *load_regions_with(const char *buurten, const char *threads,
                                     log_capture *lc, ws_ctx **out_ctx) {
    setenv("WIJKSCAN_THREADS", threads, 1);
    ws_ctx_options co;
    ws_ctx_options_init(&co);
    co.log = capture_log;
    co.log_user = lc;
    memset(lc, 0, sizeof *lc);
    assert_int_equal(ws_ctx_new(&co, out_ctx), WS_OK);
    ws_load_options lo;
    ws_load_options_init(&lo);
    lo.layers_dir = LAYERS;
    lo.bag.path = WS_TEST_DATA_DIR "/cli/bag.geojson";
    lo.buurten.path = buurten;
    ws_dataset *ds = NULL;
    ws_load(*out_ctx, &lo, &ds);
    unsetenv("WIJKSCAN_THREADS");
    return ds;
}

static void regions_threads_agree(void **state) {
    (void)state;
    char dir[] = "/tmp/ws_regions_XXXXXX", path[64], bad[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/b.geojson", dir);
    snprintf(bad, sizeof bad, "%s/bad.geojson", dir);
    write_buurten(path, false);
    write_buurten(bad, true);
    log_capture one, three;
    ws_ctx *c1, *c3;
    ws_dataset *a = load_regions_with(path, "1", &one, &c1);
    ws_dataset *b = load_regions_with(path, "3", &three, &c3);
    if (!a || !b)
        fail_msg("%s / %s", ws_ctx_errmsg(c1), ws_ctx_errmsg(c3));
    assert_string_equal(one.text, three.text);
    assert_non_null(strstr(one.text, "invalid polygon of BU01090105 repaired"));
    assert_int_equal(a->n_invalid_repaired, 4);
    assert_int_equal(b->n_invalid_repaired, 4);
    for (int l = 0; l < WS_LEVEL_COUNT; l++) {
        const ws__level *la = &a->levels[l], *lb = &b->levels[l];
        assert_int_equal(la->table->nrows, lb->table->nrows);
        for (size_t r = 0; r < la->table->nrows; r++) {
            assert_string_equal(ws_table_get_text(la->table, 0, r),
                                ws_table_get_text(lb->table, 0, r));
            assert_non_null(la->geom[r]);
            assert_int_equal(
                GEOSEqualsExact_r(c1->geos, la->geom[r], lb->geom[r], 0), 1);
        }
    }
    assert_int_equal(a->levels[WS_LEVEL_WIJK].table->nrows, 6);
    assert_int_equal(a->levels[WS_LEVEL_GEMEENTE].table->nrows, 3);
    /* with more than one thread the BAG was read beside the buurten (its
     * own context and dataset, ws_load): the same dwellings, counts,
     * inputs in the same order and parameters */
    assert_true(a->dw.n > 0);
    assert_same_dwellings(a, b);
    assert_int_equal(a->ninputs, b->ninputs);
    for (size_t i = 0; i < a->ninputs; i++) {
        assert_string_equal(a->inputs[i].role, b->inputs[i].role);
        assert_int_equal(a->inputs[i].features, b->inputs[i].features);
    }
    assert_string_equal(a->inputs[0].role, "buurten");
    assert_int_equal(a->nparams, b->nparams);
    for (size_t i = 0; i < a->nparams; i++) {
        assert_string_equal(a->params[i].key, b->params[i].key);
        assert_string_equal(a->params[i].value, b->params[i].value);
    }
    ws_dataset_free(a);
    ws_dataset_free(b);
    ws_ctx_free(c1);
    ws_ctx_free(c3);
    /* a buurt without a code after the repairs: the same warnings, then the
     * same error */
    a = load_regions_with(bad, "1", &one, &c1);
    b = load_regions_with(bad, "3", &three, &c3);
    assert_null(a);
    assert_null(b);
    assert_string_equal(one.text, three.text);
    /* as when each polygon was checked as it was read: the three before
     * the bad buurt were repaired, the one after it never read */
    size_t repaired = 0;
    for (const char *p = one.text; (p = strstr(p, " repaired ")); p++)
        repaired++;
    assert_int_equal(repaired, 3);
    assert_int_equal(ws_ctx_status(c1), ws_ctx_status(c3));
    assert_string_equal(ws_ctx_errmsg(c1), ws_ctx_errmsg(c3));
    assert_non_null(strstr(ws_ctx_errmsg(c1), "has no"));
    ws_ctx_free(c1);
    ws_ctx_free(c3);
    unlink(path);
    unlink(bad);
    rmdir(dir);
}

/* --- number formatting ------------------------------------------------- */

static double pow10_of(int e) {
    double p = 1;
    for (int i = 0; i < (e < 0 ? -e : e); i++)
        p *= 10;
    return e < 0 ? 1 / p : p;
}

/* The CSV writer's formats as they were: printf and strtod. */
static void plain_format_double(double v, char *buf, size_t size) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void check_format(double v) {
    char a[64], b[64];
    plain_format_double(v, a, sizeof a);
    ws__format_double(v, b, sizeof b);
    if (strcmp(a, b) != 0)
        fail_msg("%a: printf gives '%s', the fast path '%s'", v, a, b);
    snprintf(a, sizeof a, "%.0f", v);
    ws__format_integer(v, b, sizeof b);
    if (strcmp(a, b) != 0)
        fail_msg("%a: %%.0f gives '%s', the fast path '%s'", v, a, b);
}

static uint64_t next_random(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The same text as printf for every kind of value the CSV files hold:
 * shares, means, counts, rounded values, and every awkward double. */
static void format_matches_printf(void **state) {
    (void)state;
    static const double special[] = {0.0,
                                     -0.0,
                                     1.0,
                                     -1.0,
                                     0.1,
                                     0.2,
                                     0.3,
                                     1e-4,
                                     9.9999999999999991e-05,
                                     1.0000000000000001e-04,
                                     1e15,
                                     999999999999999.0,
                                     999999999999999.9,
                                     1e15 - 0.5,
                                     1e16,
                                     123456789012345.0,
                                     1234567890123456.0,
                                     0.30000000000000004,
                                     2.5,
                                     -2.5,
                                     0.5,
                                     1.5,
                                     4503599627370496.5,
                                     9007199254740992.0,
                                     9007199254740993.0,
                                     1e300,
                                     5e-324,
                                     1e-310,
                                     2.2250738585072014e-308,
                                     NAN,
                                     INFINITY,
                                     -INFINITY,
                                     0.41672431019906,
                                     10.053313862629057,
                                     0.4167243101990623,
                                     1e22,
                                     1e23,
                                     123.456};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        check_format(special[i]);
    uint64_t seed = 42;
    for (int i = 0; i < 300000; i++) {
        uint64_t r = next_random(&seed);
        double v;
        switch (i % 6) {
        case 0: { /* any bit pattern */
            memcpy(&v, &r, sizeof v);
            break;
        }
        case 1: /* a share or a mean */
            v = (double)(r >> 11) / 9007199254740992.0 *
                pow10_of((int)(r % 9) - 3);
            break;
        case 2: /* a decimal with few digits */
            v = (double)(int64_t)(r % 2000000001 - 1000000000) /
                pow10_of((int)((r >> 40) % 12));
            break;
        case 3: /* a ratio of counts */
            v = (double)(r % 100000) / (double)(1 + (r >> 32) % 100000);
            break;
        case 4: /* a whole number, or half of one */
            v = (double)(int64_t)(r % 20000000000ULL) / ((r >> 60) ? 1 : 2);
            break;
        default: /* near the edges of the fixed notation */
            v = ((r & 1) ? 1e-4 : 1e15) *
                (1 + ((double)((r >> 8) % 2001) - 1000) * 1e-16);
            break;
        }
        check_format(v);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(arrow_reader_real_lvbag, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(arrow_reader_boce, setup, teardown),
        cmocka_unit_test_setup_teardown(sqlite_reader_blobs, setup, teardown),
        cmocka_unit_test_setup_teardown(sqlite_reader_leaves_odd_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sqlite_reader_leaves_box_selection,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(join_modes_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(access_threads_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(regions_threads_agree, setup, teardown),
        cmocka_unit_test(format_matches_printf),
    };
    return cmocka_run_group_tests_name("fastpaths", tests, NULL, NULL);
}
