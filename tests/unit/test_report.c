/* Compare and report on the BOCE example: the GeoPackage is made here by
 * running the BOCE project in-process (needs the generated
 * examples/boce/data; skipped without it), then
 *  - the small multiples, drawn through the recording backend, share one
 *    scale (the same metres per point in every panel frame, the same scale
 *    bar), one legend and one set of pooled breaks: every buurt's fill is
 *    the legend colour of the class its mark falls in by the pooled breaks;
 *  - the comparison statistics equal weighted means, medians and shares
 *    recomputed here straight from the GeoPackage with OGR;
 *  - a gemeente without any scored buurt gives empty statistics and still
 *    draws (its panel all "no value");
 *  - failed allocations at spread points end in WS_ERR_NOMEM with nothing
 *    leaked. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <gdal.h>
#include <ogr_api.h>

#include "report/report_internal.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define BOCE_PROJECT WS_SOURCE_DIR "/examples/boce/wijkscan.yaml"
#define BOCE_BAG                                                               \
    WS_SOURCE_DIR "/examples/boce/data/bag-light-boce-synthetic.gpkg"

static char g_dir[64];
static char g_gpkg[160];
static bool g_have;
static const char *const g_gm[] = {"GM1681", "GM0109", "GM0114"};

static int group_setup(void **state) {
    (void)state;
    struct stat sb;
    if (stat(BOCE_BAG, &sb) != 0)
        return 0;
    snprintf(g_dir, sizeof g_dir, "/tmp/ws_report_XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(NULL, &ctx) != WS_OK)
        return -1;
    ws_project *proj = NULL;
    ws_status st = ws_test_run_project(
        ctx, BOCE_PROJECT, WS_SOURCE_DIR "/layers", g_dir, &proj, NULL);
    snprintf(g_gpkg, sizeof g_gpkg, "%s/wijkscan-boce.gpkg", g_dir);
    ws_project_free(proj);
    ws_ctx_free(ctx);
    g_have = st == WS_OK;
    return st == WS_OK ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    if (g_dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
        if (system(cmd) != 0)
            return -1;
    }
    ws_map_release_fonts();
    return 0;
}

static ws_status load(ws_ctx *ctx, const char *gpkg, const char *theme,
                      ws_cmp *c) {
    ws_cmp_request req;
    memset(&req, 0, sizeof req);
    req.gpkg_path = gpkg;
    req.gemeenten = g_gm;
    req.n_gemeenten = 3;
    const char *themes[1] = {theme};
    req.themes = theme ? themes : NULL;
    req.n_themes = theme ? 1 : 0;
    req.level = WS_LEVEL_BUURT;
    req.method = -1;
    return ws__cmp_load(ctx, &req, c);
}

static bool same_rgb(ws_rgba a, ws_rgba b) {
    return fabs(a.r - b.r) + fabs(a.g - b.g) + fabs(a.b - b.b) < 1e-9;
}

static void small_multiples_share_scale_and_breaks(void **state) {
    ws_ctx *ctx = *state;
    if (!g_have)
        skip();
    ws_cmp c;
    assert_int_equal(load(ctx, g_gpkg, "gezond", &c), WS_OK);
    assert_int_equal(c.ngm, 3);
    assert_int_equal(c.nunits, 209);
    ws_renderer *r = NULL;
    assert_int_equal(ws__render_record_new(ctx, 842, 595, 1, &r), WS_OK);
    ws_compare_info info;
    assert_int_equal(ws__compare_draw(&c, r, &info), WS_OK);
    const ws_recording *rec = ws__render_recording(r);
    double s0 = 0, bar_m = 0, bar_pt = 0;
    size_t frames = 0, bars = 0, regions = 0, legend = 0;
    ws_rgba legend_col[WS_CLASS_MAX_K];
    const ws_classes *k = c.classes[0];
    assert_true(k->nclasses >= 3);
    for (size_t i = 0; i < rec->n; i++) {
        const ws_rec *e = &rec->items[i];
        if (e->kind != WS_REC_NOTE)
            continue;
        if (e->note == WS_NOTE_MAP_FRAME) {
            double s = e->bw / (e->v[2] - e->v[0]); /* pt per metre */
            if (frames++ == 0)
                s0 = s;
            assert_true(fabs(s - s0) < 1e-9 * s0);
            /* the same scale on both axes */
            assert_true(fabs(e->bh / (e->v[3] - e->v[1]) - s) < 1e-9 * s);
        } else if (e->note == WS_NOTE_SCALEBAR) {
            if (bars++ == 0) {
                bar_m = e->v[0];
                bar_pt = e->v[1];
            }
            assert_true(e->v[0] == bar_m && fabs(e->v[1] - bar_pt) < 1e-9);
        } else if (e->note == WS_NOTE_LEGEND_CLASS) {
            size_t cls = (size_t)e->v[0];
            assert_true(cls < k->nclasses);
            legend_col[cls] = e->color;
            legend++;
            if (cls == 0) {
                /* the lowest class ends at the pooled break */
                char b[32];
                ws__map_format_number(k->breaks[0], 1, b, sizeof b);
                assert_non_null(strstr(e->text, b));
            }
        }
    }
    assert_int_equal(frames, 3);
    assert_int_equal(bars, 3);
    assert_int_equal(legend, k->nclasses); /* one legend for all panels */
    assert_true(bar_m > 0);
    /* every buurt once, coloured by the pooled class of its mark */
    for (size_t i = 0; i < rec->n; i++) {
        const ws_rec *e = &rec->items[i];
        if (e->kind != WS_REC_NOTE || e->note != WS_NOTE_REGION)
            continue;
        regions++;
        const ws_cmp_unit *u = NULL;
        for (size_t j = 0; j < c.nunits && !u; j++)
            if (strcmp(c.units[j].code, e->code) == 0)
                u = &c.units[j];
        assert_non_null(u);
        long cls = ws_classes_find(k, u->score[0]);
        assert_int_equal((long)e->v[0], cls);
        if (cls >= 0)
            assert_true(same_rgb(e->color, legend_col[cls]));
    }
    assert_int_equal(regions, 209);
    assert_true(info.scale > 0 && info.scalebar_m == bar_m);
    r->destroy(r);
    ws__cmp_free(&c);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Weighted means, medians and lowest-class shares straight from OGR. */
static void statistics_equal_a_direct_reading(void **state) {
    ws_ctx *ctx = *state;
    if (!g_have)
        skip();
    ws_cmp c;
    assert_int_equal(load(ctx, g_gpkg, NULL, &c), WS_OK);
    assert_int_equal(c.nthemes, 4);
    GDALDatasetH ds = GDALOpenEx(g_gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "buurten");
    for (size_t t = 0; t < c.nthemes; t++) {
        double sw[4] = {0}, swx[4] = {0}, low[4] = {0};
        double v[4][256];
        size_t n[4] = {0};
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            int fs = OGR_F_GetFieldIndex(f, c.themes[t].column);
            int fw = OGR_F_GetFieldIndex(f, "woningen");
            const char *gm = OGR_F_GetFieldAsString(
                f, OGR_F_GetFieldIndex(f, "gemeentecode"));
            size_t g = 0;
            while (g < 3 && strcmp(gm, g_gm[g]) != 0)
                g++;
            if (g < 3 && OGR_F_IsFieldSetAndNotNull(f, fs)) {
                double x = OGR_F_GetFieldAsDouble(f, fs);
                double w = OGR_F_GetFieldAsDouble(f, fw);
                for (size_t k = 0; k < 2; k++) {
                    size_t gg = k == 0 ? g : 3;
                    sw[gg] += w;
                    swx[gg] += w * x;
                    v[gg][n[gg]++] = x;
                    if (x <= c.classes[t]->breaks[0])
                        low[gg] += w;
                }
            }
            OGR_F_Destroy(f);
        }
        for (size_t g = 0; g < 4; g++) {
            const ws_cmp_stat *s = ws__cmp_stat(&c, t, g);
            qsort(v[g], n[g], sizeof v[g][0], cmp_double);
            double med = n[g] % 2 ? v[g][n[g] / 2]
                                  : (v[g][n[g] / 2 - 1] + v[g][n[g] / 2]) / 2;
            assert_int_equal(s->n_scored, n[g]);
            assert_true(fabs(s->mean - swx[g] / sw[g]) < 1e-9);
            assert_true(fabs(s->median - med) < 1e-12);
            assert_true(fabs(s->low_share - low[g] / sw[g]) < 1e-12);
            assert_true(fabs(s->w_scored - sw[g]) < 1e-9);
        }
        /* the difference from the region */
        for (size_t g = 0; g < 3; g++)
            assert_true(fabs(ws__cmp_stat(&c, t, g)->diff -
                             (swx[g] / sw[g] - swx[3] / sw[3])) < 1e-9);
    }
    GDALClose(ds);
    ws__cmp_free(&c);
}

static void gemeente_without_scores(void **state) {
    ws_ctx *ctx = *state;
    if (!g_have)
        skip();
    char copy[200], cmd[512];
    snprintf(copy, sizeof copy, "%s/empty.gpkg", g_dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", g_gpkg, copy);
    assert_int_equal(system(cmd), 0);
    GDALDatasetH ds =
        GDALOpenEx(copy, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    static const char *const sql[] = {
        "UPDATE buurten SET score_gezond = NULL, score_gezond_vlag = "
        "'geen_gegevens' WHERE gemeentecode = 'GM0109'",
        "UPDATE wijken SET score_gezond = NULL WHERE gemeentecode = 'GM0109'"};
    for (size_t i = 0; i < 2; i++) {
        OGRLayerH res = GDALDatasetExecuteSQL(ds, sql[i], NULL, NULL);
        if (res)
            GDALDatasetReleaseResultSet(ds, res);
    }
    GDALClose(ds);
    ws_cmp c;
    assert_int_equal(load(ctx, copy, "gezond", &c), WS_OK);
    const ws_cmp_stat *s = ws__cmp_stat(&c, 0, 1);
    assert_int_equal(s->n_scored, 0);
    assert_int_equal(s->n_unscored, 68);
    assert_true(isnan(s->mean) && isnan(s->median) && isnan(s->low_share));
    assert_int_equal(s->best, -1);
    ws_renderer *r = NULL;
    assert_int_equal(ws__render_record_new(ctx, 842, 595, 1, &r), WS_OK);
    assert_int_equal(ws__compare_draw(&c, r, NULL), WS_OK);
    r->destroy(r);
    ws__cmp_free(&c);
}

/* Allocation failures at spread points of a compare: WS_ERR_NOMEM, no
 * leak. */
static void out_of_memory(void **state) {
    (void)state;
    if (!g_have)
        skip();
    ws_test_alloc fa;
    ws_ctx_options co;
    ws_ctx_options_init(&co);
    ws_test_alloc_install(&fa, &co);
    const long big = 100000000;
    long total = 0;
    for (int pass = 0; pass < 14; pass++) {
        ws_test_alloc_install(&fa, &co);
        ws_ctx *ctx = NULL;
        assert_int_equal(ws_ctx_new(&co, &ctx), WS_OK);
        fa.budget = pass == 0 ? big : total * (pass - 1) / 13;
        ws_cmp c;
        ws_status st = load(ctx, g_gpkg, "vitaal", &c);
        ws_renderer *r = NULL;
        if (st == WS_OK)
            st = ws__render_record_new(ctx, 842, 595, 1, &r);
        if (st == WS_OK)
            st = ws__compare_draw(&c, r, NULL);
        if (r)
            r->destroy(r);
        if (pass == 0) {
            assert_int_equal(st, WS_OK);
            total = big - fa.budget;
            assert_true(total > 100);
        } else {
            assert_int_equal(st, WS_ERR_NOMEM);
        }
        if (st == WS_OK || c.ctx)
            ws__cmp_free(&c);
        ws_ctx_free(ctx);
        assert_int_equal(fa.live, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(small_multiples_share_scale_and_breaks,
                                        ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(statistics_equal_a_direct_reading,
                                        ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            gemeente_without_scores, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
