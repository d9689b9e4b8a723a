/* Maps drawn from the dataset in memory (ws_map_options.dataset, what
 * `wijkscan run` does beside the export) are the maps drawn from the
 * GeoPackage written from that dataset, byte for byte. The BOCE project is
 * run in-process (needs the generated examples/boce/data; skipped without
 * it), its dataset kept and exported; then every map of the project, and
 * options the project does not use (wijk, gemeente and regio level, pooled
 * columns and gemeenten, voorzieningen, manual breaks, a column with
 * missing values, several maps on one context so that the cached data is
 * reused), are drawn both ways into PNG and PDF files and compared, with
 * their summaries. Errors (an unknown column, a text column, an unknown
 * gemeente) say the same both ways. The second method is the GeoPackage
 * reader, which the rest of the suite tests against the files. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "map/map_internal.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define BOCE_PROJECT WS_SOURCE_DIR "/examples/boce/wijkscan.yaml"
#define BOCE_BAG                                                               \
    WS_SOURCE_DIR "/examples/boce/data/bag-light-boce-synthetic.gpkg"

static char g_dir[64];
static ws_ctx *g_ctx; /* the dataset's */
static ws_project *g_proj;
static ws_dataset *g_ds;
static char g_gpkg[160];

static int group_setup(void **state) {
    (void)state;
    struct stat sb;
    if (stat(BOCE_BAG, &sb) != 0)
        return 0;
    snprintf(g_dir, sizeof g_dir, "/tmp/ws_mapmem_XXXXXX");
    if (!mkdtemp(g_dir))
        return -1;
    if (ws_ctx_new(NULL, &g_ctx) != WS_OK)
        return -1;
    ws_status st = ws_test_run_project(
        g_ctx, BOCE_PROJECT, WS_SOURCE_DIR "/layers", g_dir, &g_proj, &g_ds);
    snprintf(g_gpkg, sizeof g_gpkg, "%s/wijkscan-boce.gpkg", g_dir);
    return st == WS_OK ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    ws_dataset_free(g_ds);
    ws_project_free(g_proj);
    ws_ctx_free(g_ctx);
    if (g_dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
        if (system(cmd) != 0)
            return -1;
    }
    ws_map_release_fonts();
    return 0;
}

static int setup(void **state) {
    if (!g_ds)
        skip();
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    *state = ctx;
    return 0;
}

static int teardown(void **state) {
    ws_ctx_free(*state);
    return 0;
}

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(size > 0 ? (size_t)size : 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return buf;
}

/* Draw `o` from the file and from memory (each on its own context, so
 * that nothing cached is shared) as `ext`; the files and summaries must be
 * equal. Returns the status of both (equal too). */
static ws_status same_both_ways(ws_ctx *file_ctx, ws_ctx *mem_ctx,
                                const ws_map_options *base, const char *ext,
                                const char *what, ws_map_info *info) {
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/file.%s", g_dir, ext);
    snprintf(b, sizeof b, "%s/mem.%s", g_dir, ext);
    ws_map_options o = *base;
    ws_map_info ia, ib;
    memset(&ia, 0, sizeof ia);
    memset(&ib, 0, sizeof ib);
    o.gpkg_path = g_gpkg;
    o.dataset = NULL;
    o.output_path = a;
    remove(a);
    ws_ctx_clear_error(file_ctx); /* errors stay until cleared */
    ws_ctx_clear_error(mem_ctx);
    ws_status sa = ws_map_render(file_ctx, &o, &ia);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", ws_ctx_errmsg(file_ctx));
    o.dataset = g_ds;
    o.output_path = b;
    remove(b);
    ws_status sb = ws_map_render(mem_ctx, &o, &ib);
    if (sa != sb)
        fail_msg("%s: %s from the file, %s from memory (%s / %s)", what,
                 ws_status_str(sa), ws_status_str(sb), msg,
                 ws_ctx_errmsg(mem_ctx));
    if (sa != WS_OK) {
        assert_string_equal(msg, ws_ctx_errmsg(mem_ctx));
        return sa;
    }
    size_t na, nb;
    char *da = slurp(a, &na), *db = slurp(b, &nb);
    if (na != nb || memcmp(da, db, na) != 0)
        fail_msg("%s: the %s drawn from memory differs from the one drawn "
                 "from the GeoPackage (%zu and %zu bytes)",
                 what, ext, na, nb);
    free(da);
    free(db);
    assert_int_equal(ia.regions, ib.regions);
    assert_int_equal(ia.missing, ib.missing);
    assert_int_equal(ia.nclasses, ib.nclasses);
    assert_int_equal(ia.labels_placed, ib.labels_placed);
    assert_true(ia.regions > 0);
    if (info)
        *info = ia;
    return sa;
}

/* Every map of the BOCE project (an SVG one as PNG: Cairo numbers an
 * SVG's surfaces from a process-wide counter). */
static void project_maps_are_the_same(void **state) {
    ws_ctx *mem = *state, *file = NULL;
    assert_int_equal(ws_ctx_new(NULL, &file), WS_OK);
    size_t n = ws_project_map_count(g_proj);
    assert_true(n >= 6);
    for (size_t i = 0; i < n; i++) {
        const ws_map_options *o = ws_project_map(g_proj, i);
        const char *ext = strrchr(o->output_path, '.') + 1;
        if (strcmp(ext, "svg") == 0)
            ext = "png";
        char what[256];
        snprintf(what, sizeof what, "project map %zu (%s)", i, o->column);
        assert_int_equal(same_both_ways(file, mem, o, ext, what, NULL), WS_OK);
    }
    ws_ctx_free(file);
}

/* Options the project does not use, one after another on the same two
 * contexts: the cached regions are reused, only the column is read again. */
static void other_options_are_the_same(void **state) {
    ws_ctx *mem = *state, *file = NULL;
    assert_int_equal(ws_ctx_new(NULL, &file), WS_OK);
    static const char *const pool[] = {"score_gezond", "score_informeel",
                                       "score_inclusief"};
    static const char *const emmen[] = {"GM0114"};
    static const char *const boce[] = {"GM1681", "GM0109", "GM0114"};
    static const char *const all[] = {"all"};
    static const char *const some[] = {"huisarts", "supermarkt"};
    static const double breaks[] = {5, 6, 7, 8};
    struct {
        const char *column;
        ws_level level;
        const char *ext;
    } cases[] = {
        {"score_gezond", WS_LEVEL_BUURT, "png"},
        {"afstand_huisarts_gemiddeld", WS_LEVEL_BUURT, "pdf"},
        {"score_informeel", WS_LEVEL_WIJK, "png"},
        {"score_inclusief", WS_LEVEL_GEMEENTE, "pdf"},
        {"aandeel_gestapeld", WS_LEVEL_REGIO, "png"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int variant = 0; variant < 4; variant++) {
            ws_map_options o;
            ws_map_options_init(&o);
            o.column = cases[c].column;
            o.level = cases[c].level;
            o.width_px = 800;
            o.height_px = 600;
            if (variant == 1 && o.level < WS_LEVEL_REGIO) {
                /* pooled over the scores and BOCE, Emmen shown */
                o.pool_columns = pool;
                o.n_pool_columns = 3;
                o.pool_gemeenten = boce;
                o.n_pool_gemeenten = 3;
                o.gemeenten = emmen;
                o.n_gemeenten = 1;
            } else if (variant == 2) { /* every voorziening */
                o.voorzieningen = all;
                o.n_voorzieningen = 1;
            } else if (variant == 3) { /* two of them, manual breaks */
                o.voorzieningen = some;
                o.n_voorzieningen = 2;
                o.breaks = breaks;
                o.n_breaks = 4;
            }
            char what[160];
            snprintf(what, sizeof what, "%s at level %d, variant %d", o.column,
                     (int)o.level, variant);
            ws_status st =
                same_both_ways(file, mem, &o, cases[c].ext, what, NULL);
            /* manual breaks outside a column's range may be refused, the
             * same both ways; everything else draws */
            if (variant != 3 && st != WS_OK)
                fail_msg("%s: %s", what, ws_ctx_errmsg(mem));
        }
    }
    ws_ctx_free(file);
}

/* The boundary network of a dataset drawn from memory is made once for
 * every context (thread) that draws it: a second context drawing the same
 * selection makes none, and its map is the first one's, and the map from
 * the file, byte for byte. A new selection makes new networks. */
static void boundary_networks_are_shared(void **state) {
    ws_ctx *mem = *state, *file = NULL, *other = NULL;
    assert_int_equal(ws_ctx_new(NULL, &file), WS_OK);
    assert_int_equal(ws_ctx_new(NULL, &other), WS_OK);
    static const char *const two[] = {"GM0109", "GM1681"};
    ws_map_options o;
    ws_map_options_init(&o);
    o.column = "score_gezond";
    o.level = WS_LEVEL_WIJK;
    o.gemeenten = two;
    o.n_gemeenten = 2;
    o.width_px = 800;
    o.height_px = 600;
    size_t before = ws__map_shared_builds(g_ds);
    assert_int_equal(same_both_ways(file, mem, &o, "png", "first", NULL),
                     WS_OK);
    size_t made = ws__map_shared_builds(g_ds);
    assert_true(made > before); /* wijk lines, gemeente lines */
    char first[128], again[128];
    snprintf(first, sizeof first, "%s/mem.png", g_dir);
    snprintf(again, sizeof again, "%s/mem-first.png", g_dir);
    assert_int_equal(rename(first, again), 0);
    assert_int_equal(same_both_ways(file, other, &o, "png", "second", NULL),
                     WS_OK);
    assert_int_equal(ws__map_shared_builds(g_ds), made);
    size_t na, nb;
    char *da = slurp(again, &na), *db = slurp(first, &nb);
    assert_true(na == nb && memcmp(da, db, na) == 0);
    free(da);
    free(db);
    o.n_gemeenten = 1; /* Coevorden alone: other regions selected */
    assert_int_equal(same_both_ways(file, other, &o, "png", "third", NULL),
                     WS_OK);
    assert_true(ws__map_shared_builds(g_ds) > made);
    ws_ctx_free(other);
    ws_ctx_free(file);
}

/* A buurt column with missing values of several reasons: the reasons and
 * their legend entries come from ontbrekende_waarden, or from memory. */
static void missing_values_are_the_same(void **state) {
    ws_ctx *mem = *state, *file = NULL;
    assert_int_equal(ws_ctx_new(NULL, &file), WS_OK);
    /* two reasons (te_weinig, onvoldoende_dekking); CBS's geheim; no
     * dwellings */
    static const char *const cols[] = {
        "score_informeel", "perc_huurwoningen_in_bezit_woningcorporaties",
        "aandeel_zorggeschikt"};
    for (size_t i = 0; i < 3; i++) {
        ws_map_options o;
        ws_map_options_init(&o);
        o.column = cols[i];
        o.width_px = 800;
        o.height_px = 600;
        ws_map_info info;
        assert_int_equal(same_both_ways(file, mem, &o, "png", cols[i], &info),
                         WS_OK);
        assert_true(info.missing > 0);
    }
    ws_ctx_free(file);
}

/* Errors say the same, naming the GeoPackage. */
static void errors_are_the_same(void **state) {
    ws_ctx *mem = *state, *file = NULL;
    assert_int_equal(ws_ctx_new(NULL, &file), WS_OK);
    static const char *const nowhere[] = {"GM9999"};
    ws_map_options o;
    ws_map_options_init(&o);
    o.column = "geen_kolom";
    assert_int_equal(
        same_both_ways(file, mem, &o, "png", "unknown column", NULL),
        WS_ERR_DATA_NO_FIELD);
    assert_non_null(strstr(ws_ctx_errmsg(mem), "geen_kolom"));
    assert_non_null(strstr(ws_ctx_errmsg(mem), "wijkscan-boce.gpkg"));
    o.column = "buurtnaam";
    assert_int_equal(same_both_ways(file, mem, &o, "png", "text column", NULL),
                     WS_ERR_DATA_NO_FIELD);
    o.column = "score_gezond";
    o.gemeenten = nowhere;
    o.n_gemeenten = 1;
    assert_int_equal(
        same_both_ways(file, mem, &o, "png", "unknown gemeente", NULL),
        WS_ERR_DATA_UNKNOWN_CODE);
    ws_ctx_free(file);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(project_maps_are_the_same, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(other_options_are_the_same, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(missing_values_are_the_same, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(errors_are_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(boundary_networks_are_shared, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
