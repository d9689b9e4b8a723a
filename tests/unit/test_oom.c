/* Allocation failure through a whole small run: the context's allocator
 * fails the N-th allocation, for N = 0, 1, 2, … until the run succeeds.
 * The run includes theme scores and a short sensitivity analysis.
 * Every failure must end in WS_ERR_NOMEM (never a crash or another error),
 * and every block wijkscan allocated must be freed again. Two runs: the
 * small CLI set (a BAG file without pand layer), and the integration case
 * zorggeschikt, whose BAG source has a pand layer (footprints, woonlagen). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <unistd.h>

#include "map/map_internal.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define DATA WS_TEST_DATA_DIR "/cli/"
#define ZORG WS_SOURCE_DIR "/tests/integration/zorggeschikt/input/"

typedef struct walk_input {
    const char *bag, *buurten, *voorzieningen;
    size_t dwellings;
} walk_input;

static void fill_options(ws_pipeline_options *o, ws_input *voorz,
                         const walk_input *in) {
    ws_pipeline_options_init(o);
    o->load.layers_dir = WS_SOURCE_DIR "/layers";
    /* theme scores and the sensitivity analysis take part too */
    o->score.themes_dir = WS_SOURCE_DIR "/layers/themes";
    o->run_sensitivity = true;
    o->sensitivity.runs = 3;
    o->load.bag.path = in->bag;
    o->load.buurten.path = in->buurten;
    memset(voorz, 0, sizeof *voorz);
    voorz->path = in->voorzieningen;
    o->load.voorzieningen = voorz;
    o->load.n_voorzieningen = 1;
}

/* Files in a directory (the output directory must stay empty after every
 * failed run: no partial GeoPackage or CSV). */
static size_t count_files(const char *dir) {
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.' || strstr(e->d_name, ".part-") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void remove_outputs(const char *dir) {
    static const char *const names[] = {"o.gpkg", "o_buurten.csv",
                                        "o_wijken.csv", "o_gemeenten.csv",
                                        "o_regio.csv"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
}

static void walk(ws_test_dir *fx, const walk_input *in) {
    ws_pipeline_options o;
    ws_input voorz;
    fill_options(&o, &voorz, in);
    char gpkg[256];
    snprintf(gpkg, sizeof gpkg, "%s/o.gpkg", fx->dir);
    o.output.gpkg_path = gpkg;
    o.output.csv_dir = fx->dir;
    long n;
    bool done = false;
    for (n = 0; n < 20000 && !done; n++) {
        ws_test_alloc fa;
        ws_ctx_options co;
        ws_test_alloc_install(&fa, &co);
        ws_ctx *ctx = NULL;
        assert_int_equal(ws_ctx_new(&co, &ctx), WS_OK);
        long base = fa.live;
        fa.budget = n;
        ws_dataset *ds = NULL;
        ws_status st = ws_pipeline_run(ctx, &o, NULL, &ds);
        if (st == WS_OK) {
            done = true;
            assert_int_equal(ws_dataset_dwelling_count(ds), in->dwellings);
            assert_int_equal(count_files(fx->dir), 5);
            remove_outputs(fx->dir);
            ws_dataset_free(ds);
        } else if (count_files(fx->dir) != 0) {
            fail_msg("allocation %ld failed: output left behind", n);
        } else if (st != WS_ERR_NOMEM) {
            fail_msg("allocation %ld failed: got %s (%s), expected "
                     "WS_ERR_NOMEM",
                     n, ws_status_name(st), ws_ctx_errmsg(ctx));
        } else {
            assert_null(ds);
        }
        if (fa.live != base)
            fail_msg("allocation %ld failed: %ld blocks leaked", n,
                     fa.live - base);
        ws_ctx_free(ctx);
        assert_int_equal(fa.live, 0);
    }
    assert_true(done);
    print_message("%s: a full run needs %ld allocations; each one failed in "
                  "turn gave WS_ERR_NOMEM without a leak\n",
                  in->bag, n - 1);
}

static const walk_input cli_input = {DATA "bag.geojson", DATA "buurten.geojson",
                                     DATA "voorzieningen.csv", 3};

static void every_allocation_can_fail(void **state) {
    walk(*state, &cli_input);
}

static void every_allocation_can_fail_with_panden(void **state) {
    static const walk_input zorg = {ZORG "bag.vrt", ZORG "buurten.geojson",
                                    ZORG "voorzieningen.geojson", 15};
    walk(*state, &zorg);
}

/* The same for a map: the GeoPackage of a normal run, then every
 * allocation of a map render (recording backend, voorzieningen, labels)
 * failing in turn. */
static void every_map_allocation_can_fail(void **state) {
    ws_test_dir *fx = *state;
    ws_pipeline_options o;
    ws_input voorz;
    fill_options(&o, &voorz, &cli_input);
    char gpkg[256];
    snprintf(gpkg, sizeof gpkg, "%s/o.gpkg", fx->dir);
    o.output.gpkg_path = gpkg;
    assert_int_equal(ws_pipeline_run(fx->ctx, &o, NULL, NULL), WS_OK);
    ws_map_options mo;
    ws_map_options_init(&mo);
    mo.gpkg_path = gpkg;
    mo.column = "afstand_huisarts_gemiddeld";
    mo.output_path = "unused.png";
    mo.voorzieningen = (const char *const[]){"all"};
    mo.n_voorzieningen = 1;
    /* two pages: the second repeats the first one's overlay */
    mo.more_columns = (const char *const[]){"afstand_apotheek_gemiddeld"};
    mo.n_more_columns = 1;
    long n;
    bool done = false;
    for (n = 0; n < 20000 && !done; n++) {
        ws_test_alloc fa;
        ws_ctx_options co;
        ws_test_alloc_install(&fa, &co);
        ws_ctx *ctx = NULL;
        assert_int_equal(ws_ctx_new(&co, &ctx), WS_OK);
        long base = fa.live;
        fa.budget = n;
        ws_map_style style;
        ws__map_style_defaults(&style);
        ws_renderer *r = NULL;
        ws_status st = ws__render_record_new(ctx, 842, 595, 1, &r);
        if (st == WS_OK)
            st = ws__map_render_pages(ctx, &mo, &style, r, NULL);
        if (r)
            r->destroy(r);
        if (st == WS_OK)
            done = true;
        else if (st != WS_ERR_NOMEM)
            fail_msg("map allocation %ld failed: got %s (%s), expected "
                     "WS_ERR_NOMEM",
                     n, ws_status_name(st), ws_ctx_errmsg(ctx));
        /* a finished map keeps its data in the context for the next
         * one (freed with it, checked below); a failed one keeps nothing */
        if (st != WS_OK && fa.live != base)
            fail_msg("map allocation %ld failed: %ld blocks leaked", n,
                     fa.live - base);
        ws_ctx_free(ctx);
        assert_int_equal(fa.live, 0);
    }
    assert_true(done);
    unlink(gpkg);
    print_message("a map needs %ld allocations; each one failed in turn "
                  "gave WS_ERR_NOMEM without a leak\n",
                  n - 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            every_allocation_can_fail, ws_test_setup_dir, ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(every_map_allocation_can_fail,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(every_allocation_can_fail_with_panden,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
    };
    int rc = cmocka_run_group_tests_name("oom", tests, NULL, NULL);
    ws_map_release_fonts();
    return rc;
}
