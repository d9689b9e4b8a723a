/* GeoPackage spatial indexes packed by ws__rtree_write (src/export/
 * gpkg_rtree.c), checked against SQLite's own r-tree module as the second
 * method:
 *  - rtreecheck() finds the structure sound;
 *  - every row's stored box equals the one SQLite stores when it inserts
 *    the same doubles into an r-tree of its own (the float rounding);
 *  - window queries give the same rows as that reference tree;
 *  - depth and fill are what packing n rows into nodes of 51 cells gives,
 *    worked out by hand;
 *  - after GDAL edits the file (insert, move, delete through the triggers)
 *    the tree is still sound and still answers correctly;
 *  - wijkscan's own GeoPackage of the BOCE example indexes every feature of
 *    its five layers, and GDAL reports the index. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <sqlite3.h>

#include "export/gpkg_rtree.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define LAYERS WS_SOURCE_DIR "/layers"

static uint64_t rng = 88172645463325252ull;
static double uniform(void) { /* xorshift64: the same boxes every run */
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void path_in(ws_test_dir *fx, const char *name, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s", fx->dir, name);
}

/* A GeoPackage with layer t of n rectangles (points when `points`), every
 * 9th without geometry, written by GDAL without an index; the rectangles'
 * boxes go into `rt` as the export does. Boxes lie around 0 so that
 * negative coordinates are rounded too; boxes[i] is feature i + 1. */
static void make_layer(ws_ctx *ctx, const char *path, size_t n, bool points,
                       double (*boxes)[4], ws_rtree_list *rt) {
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    char **opts = CSLSetNameValue(NULL, "SPATIAL_INDEX", "NO");
    OGRLayerH l = GDALDatasetCreateLayer(ds, "t", NULL,
                                         points ? wkbPoint : wkbPolygon, opts);
    CSLDestroy(opts);
    assert_non_null(l);
    assert_int_equal(ws__rtree_begin(ctx, rt, "t"), WS_OK);
    GDALDatasetStartTransaction(ds, FALSE);
    for (size_t i = 0; i < n; i++) {
        double x = 250000 * (uniform() - 0.3), y = 300000 * (uniform() - 0.2);
        double w = points ? 0 : 3000 * uniform(),
               h = points ? 0 : 3000 * uniform();
        double *b = boxes[i];
        b[0] = x, b[1] = x + w, b[2] = y, b[3] = y + h;
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = NULL;
        if (i % 9 == 4) {
            b[0] = NAN; /* no geometry */
        } else if (points) {
            g = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_SetPoint_2D(g, 0, x, y);
        } else {
            OGRGeometryH r = OGR_G_CreateGeometry(wkbLinearRing);
            OGR_G_AddPoint_2D(r, b[0], b[2]), OGR_G_AddPoint_2D(r, b[1], b[2]);
            OGR_G_AddPoint_2D(r, b[1], b[3]), OGR_G_AddPoint_2D(r, b[0], b[3]);
            OGR_G_AddPoint_2D(r, b[0], b[2]);
            g = OGR_G_CreateGeometry(wkbPolygon);
            OGR_G_AddGeometryDirectly(g, r);
        }
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        assert_int_equal(OGR_F_GetFID(f), (GIntBig)(i + 1));
        if (g)
            assert_int_equal(
                ws__rtree_add(ctx, rt, OGR_F_GetFID(f), b[0], b[1], b[2], b[3]),
                WS_OK);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
}

static sqlite3 *open_db(const char *path) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    return db;
}

static sqlite3_stmt *prepare_ok(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    return s;
}

static void assert_sql_text(sqlite3 *db, const char *sql, const char *want) {
    sqlite3_stmt *s = prepare_ok(db, sql);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *got = (const char *)sqlite3_column_text(s, 0);
    if (!got || strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", sql, got ? got : "NULL", want);
    sqlite3_finalize(s);
}

static int64_t sql_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s = prepare_ok(db, sql);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void exec_ok(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

/* The reference: SQLite's own r-tree of the same boxes, in a temp table. */
static void reference_tree(sqlite3 *db, double (*boxes)[4], size_t n) {
    exec_ok(db, "CREATE VIRTUAL TABLE temp.ref USING rtree(id, minx, maxx, "
                "miny, maxy)");
    sqlite3_stmt *s = prepare_ok(db, "INSERT INTO temp.ref VALUES "
                                     "(?, ?, ?, ?, ?)");
    for (size_t i = 0; i < n; i++) {
        if (isnan(boxes[i][0]))
            continue;
        sqlite3_bind_int64(s, 1, (sqlite3_int64)(i + 1));
        for (int k = 0; k < 4; k++)
            sqlite3_bind_double(s, 2 + k, boxes[i][k]);
        assert_int_equal(sqlite3_step(s), SQLITE_DONE);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
}

/* Same rows, same stored (float) boxes as the reference. */
static void assert_same_boxes(sqlite3 *db) {
    assert_int_equal(sql_int(db, "SELECT count(*) FROM rtree_t_geom"),
                     sql_int(db, "SELECT count(*) FROM temp.ref"));
    assert_int_equal(
        sql_int(db, "SELECT count(*) FROM rtree_t_geom a JOIN temp.ref b "
                    "USING (id) WHERE a.minx = b.minx AND a.maxx = b.maxx "
                    "AND a.miny = b.miny AND a.maxy = b.maxy"),
        sql_int(db, "SELECT count(*) FROM temp.ref"));
}

/* 40 windows: the packed tree finds what the reference finds. */
static void assert_same_windows(sqlite3 *db) {
    static const char *const q[2] = {
        "SELECT count(*), total(id) FROM rtree_t_geom WHERE maxx >= ?1 AND "
        "minx <= ?2 AND maxy >= ?3 AND miny <= ?4",
        "SELECT count(*), total(id) FROM temp.ref WHERE maxx >= ?1 AND "
        "minx <= ?2 AND maxy >= ?3 AND miny <= ?4"};
    sqlite3_stmt *s[2];
    for (int k = 0; k < 2; k++)
        s[k] = prepare_ok(db, q[k]);
    size_t nonempty = 0;
    for (int w = 0; w < 40; w++) {
        double x = 250000 * (uniform() - 0.3), y = 300000 * (uniform() - 0.2);
        double size = w < 20 ? 5000 : 80000;
        double got[2][2];
        for (int k = 0; k < 2; k++) {
            sqlite3_bind_double(s[k], 1, x),
                sqlite3_bind_double(s[k], 2, x + size);
            sqlite3_bind_double(s[k], 3, y),
                sqlite3_bind_double(s[k], 4, y + size);
            assert_int_equal(sqlite3_step(s[k]), SQLITE_ROW);
            got[k][0] = sqlite3_column_double(s[k], 0);
            got[k][1] = sqlite3_column_double(s[k], 1);
            sqlite3_reset(s[k]);
        }
        assert_true(got[0][0] == got[1][0] && got[0][1] == got[1][1]);
        nonempty += got[0][0] > 0;
    }
    for (int k = 0; k < 2; k++)
        sqlite3_finalize(s[k]);
    sqlite3_int64 rows = sql_int(db, "SELECT count(*) FROM temp.ref");
    assert_true(rows < 200 || nonempty >= 10); /* the windows hit rows */
}

/* The first two bytes of the root, big-endian. */
static int root_depth(sqlite3 *db) {
    sqlite3_stmt *s = prepare_ok(db, "SELECT data FROM rtree_t_geom_node "
                                     "WHERE nodeno = 1");
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *d = sqlite3_column_blob(s, 0);
    int depth = d[0] * 256 + d[1];
    sqlite3_finalize(s);
    return depth;
}

/* Cells in the fullest and emptiest non-root nodes (0 when only a root). */
static void node_fill(sqlite3 *db, int64_t *least, int64_t *most) {
    sqlite3_stmt *s =
        prepare_ok(db, "SELECT nodeno, data FROM rtree_t_geom_node "
                       "WHERE nodeno != 1");
    *least = INT64_MAX, *most = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *d = sqlite3_column_blob(s, 1);
        int64_t cells = d[2] * 256 + d[3];
        *least = cells < *least ? cells : *least;
        *most = cells > *most ? cells : *most;
    }
    sqlite3_finalize(s);
    if (*most == 0)
        *least = 0;
}

static void check_tree(size_t n, bool points, int depth, ws_test_dir *fx) {
    char path[128];
    path_in(fx, "t.gpkg", path, sizeof path);
    double(*boxes)[4] = calloc(n ? n : 1, sizeof *boxes);
    ws_rtree_list rt;
    ws__rtree_list_init(&rt);
    make_layer(fx->ctx, path, n, points, boxes, &rt);
    assert_int_equal(ws__rtree_write(fx->ctx, path, &rt), WS_OK);
    ws__rtree_list_free(fx->ctx, &rt);

    sqlite3 *db = open_db(path);
    assert_sql_text(db, "SELECT rtreecheck('rtree_t_geom')", "ok");
    reference_tree(db, boxes, n);
    assert_same_boxes(db);
    assert_same_windows(db);
    assert_int_equal(root_depth(db), depth);
    int64_t least, most;
    node_fill(db, &least, &most);
    assert_true(most <= 51);
    if (most > 0)
        assert_true(least >= 26); /* spread evenly: at least half full */
    assert_sql_text(db,
                    "SELECT extension_name || ' ' || scope FROM "
                    "gpkg_extensions WHERE table_name = 't'",
                    "gpkg_rtree_index write-only");
    sqlite3_close(db);
    free(boxes);
    unlink(path);
}

/* 0, 1 and 51 rows fit the root (a leaf: depth 0); 52 make two leaves of
 * 26 under the root; 51 × 51 = 2601 leaves' worth is still depth 1, one
 * more needs a third level. Every 9th feature has no geometry, so n
 * features index n - round(n / 9) rows: the counts below are chosen for
 * the indexed rows. */
static void packs_like_sqlite_inserts(void **state) {
    ws_test_dir *fx = *state;
    check_tree(0, false, 0, fx);
    check_tree(1, false, 0, fx);
    check_tree(57, false, 0, fx);  /* 57 - 6 = 51 rows */
    check_tree(58, true, 1, fx);   /* 52 rows */
    check_tree(2926, true, 1, fx); /* 2926 - 325 = 2601 rows */
    check_tree(2927, true, 2, fx); /* 2602 rows */
    check_tree(30000, false, 2, fx);
}

static void edits_after_packing_keep_it_right(void **state) {
    ws_test_dir *fx = *state;
    char path[128];
    path_in(fx, "t.gpkg", path, sizeof path);
    size_t n = 5000;
    double(*boxes)[4] = calloc(n + 1, sizeof *boxes);
    ws_rtree_list rt;
    ws__rtree_list_init(&rt);
    make_layer(fx->ctx, path, n, true, boxes, &rt);
    assert_int_equal(ws__rtree_write(fx->ctx, path, &rt), WS_OK);
    ws__rtree_list_free(fx->ctx, &rt);

    /* GDAL edits: the triggers call its ST_ functions */
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "t");
    for (GIntBig fid = 1; fid <= 3000; fid += 2) /* delete 1500 */
        assert_int_equal(OGR_L_DeleteFeature(l, fid), OGRERR_NONE);
    for (size_t i = 0; i < 3000; i += 2)
        boxes[i][0] = NAN;
    OGRFeatureH f = OGR_L_GetFeature(l, 3001); /* move one */
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, -12345.678, 456789.012);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_SetFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    boxes[3000][0] = boxes[3000][1] = -12345.678;
    boxes[3000][2] = boxes[3000][3] = 456789.012;
    f = OGR_F_Create(OGR_L_GetLayerDefn(l)); /* add one */
    g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, 100.5, 200.25);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    assert_int_equal(OGR_F_GetFID(f), (GIntBig)(n + 1));
    OGR_F_Destroy(f);
    boxes[n][0] = boxes[n][1] = 100.5;
    boxes[n][2] = boxes[n][3] = 200.25;
    /* GDAL reads through the index: a window around the new point */
    OGR_L_SetSpatialFilterRect(l, 100, 200, 101, 201);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 1);
    GDALClose(ds);

    sqlite3 *db = open_db(path);
    assert_sql_text(db, "SELECT rtreecheck('rtree_t_geom')", "ok");
    reference_tree(db, boxes, n + 1);
    assert_same_boxes(db);
    assert_same_windows(db);
    sqlite3_close(db);
    free(boxes);
    unlink(path);
}

/* A failure names what failed: here the file is not a GeoPackage with a
 * table t, so creating its triggers fails. */
static void a_failure_names_the_table(void **state) {
    ws_test_dir *fx = *state;
    const char *path = ws_test_write(fx, "empty.gpkg", "");
    ws_rtree_list rt;
    ws__rtree_list_init(&rt);
    assert_int_equal(ws__rtree_begin(fx->ctx, &rt, "t"), WS_OK);
    assert_int_equal(ws__rtree_add(fx->ctx, &rt, 1, 0, 1, 0, 1), WS_OK);
    assert_int_equal(ws__rtree_write(fx->ctx, path, &rt), WS_ERR_IO_WRITE);
    assert_msg_contains(fx->ctx, "t: spatial index");
    assert_msg_contains(fx->ctx, "no such table: main.t");
    ws__rtree_list_free(fx->ctx, &rt);
}

/* The BOCE example through the pipeline: every feature with a geometry of
 * the five layers is in its index, in a box that holds the geometry's own
 * envelope (ST_MinX and friends, GDAL's functions) and is the float box
 * SQLite would store for it; GDAL sees the index. */
static void boce_output_is_indexed(void **state) {
    ws_test_dir *fx = *state;
    char out[160];
    path_in(fx, "boce.gpkg", out, sizeof out);
    ws_project *p = NULL;
    assert_int_equal(
        ws_project_load(fx->ctx, WS_SOURCE_DIR "/examples/boce/wijkscan.yaml",
                        LAYERS, &p),
        WS_OK);
    ws_pipeline_options o = *ws_project_options(p);
    o.output.gpkg_path = out;
    o.output.csv_dir = NULL;
    ws_dataset *ds = NULL;
    ws_status st = ws_pipeline_run(fx->ctx, &o, NULL, &ds);
    if (st != WS_OK)
        fail_msg("%s", ws_ctx_errmsg(fx->ctx));
    ws_dataset_free(ds);
    ws_project_free(p);

    GDALDatasetH g = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(g);
    static const char *const layers[] = {"buurten", "wijken", "gemeenten",
                                         "regio", "voorzieningen"};
    for (size_t i = 0; i < 5; i++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM \"%s\" WHERE geom IS NOT NULL "
                 "AND NOT ST_IsEmpty(geom)), (SELECT count(*) FROM "
                 "\"rtree_%s_geom\"), (SELECT count(*) FROM \"%s\" t JOIN "
                 "\"rtree_%s_geom\" r ON r.id = t.fid WHERE r.minx <= "
                 "ST_MinX(t.geom) AND r.maxx >= ST_MaxX(t.geom) AND r.miny <= "
                 "ST_MinY(t.geom) AND r.maxy >= ST_MaxY(t.geom)), "
                 "HasSpatialIndex('%s', 'geom')",
                 layers[i], layers[i], layers[i], layers[i], layers[i]);
        OGRLayerH r = GDALDatasetExecuteSQL(g, sql, NULL, NULL);
        assert_non_null(r);
        OGRFeatureH f = OGR_L_GetNextFeature(r);
        assert_non_null(f);
        GIntBig features = OGR_F_GetFieldAsInteger64(f, 0);
        assert_true(features > 0);
        assert_int_equal(OGR_F_GetFieldAsInteger64(f, 1), features);
        assert_int_equal(OGR_F_GetFieldAsInteger64(f, 2), features);
        assert_int_equal(OGR_F_GetFieldAsInteger(f, 3), 1);
        OGR_F_Destroy(f);
        GDALDatasetReleaseResultSet(g, r);
    }
    GDALClose(g);
    sqlite3 *db = open_db(out);
    for (size_t i = 0; i < 5; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT rtreecheck('rtree_%s_geom')",
                 layers[i]);
        assert_sql_text(db, sql, "ok");
    }
    sqlite3_close(db);
    unlink(out);
}

int main(void) {
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            packs_like_sqlite_inserts, ws_test_setup_dir, ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(edits_after_packing_keep_it_right,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(
            a_failure_names_the_table, ws_test_setup_dir, ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(
            boce_output_is_indexed, ws_test_setup_dir, ws_test_teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
