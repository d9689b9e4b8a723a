/* Allocation failure through a whole small run: the context's allocator
 * fails the N-th allocation, for N = 0, 1, 2, … until the run succeeds.
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

static void every_allocation_can_fail(void **state) {
    static const walk_input cli = {DATA "bag.geojson", DATA "buurten.geojson",
                                   DATA "voorzieningen.csv", 3};
    walk(*state, &cli);
}

static void every_allocation_can_fail_with_panden(void **state) {
    static const walk_input zorg = {ZORG "bag.vrt", ZORG "buurten.geojson",
                                    ZORG "voorzieningen.geojson", 15};
    walk(*state, &zorg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            every_allocation_can_fail, ws_test_setup_dir, ws_test_teardown_dir),
        cmocka_unit_test_setup_teardown(every_allocation_can_fail_with_panden,
                                        ws_test_setup_dir,
                                        ws_test_teardown_dir),
    };
    return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
