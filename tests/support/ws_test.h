/* Helpers shared by the cmocka tests: a context fixture, a fixture with a
 * temporary directory to write input files into, and a double-precision
 * assertion (cmocka 1.1.5's assert_float_equal compares as float). */
#ifndef WS_TEST_SUPPORT_H
#define WS_TEST_SUPPORT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "wijkscan/wijkscan.h"

#define WS_TEST_MAX_FILES 64

/* state = a ws_ctx made with default options. */
int ws_test_setup_ctx(void **state);
int ws_test_teardown_ctx(void **state);

/* state = a ws_test_dir: a ctx plus a fresh directory under /tmp that is
 * removed, with every file written through ws_test_write, in teardown. */
typedef struct ws_test_dir {
    ws_ctx *ctx;
    char dir[64];
    char *files[WS_TEST_MAX_FILES];
    size_t nfiles;
} ws_test_dir;

int ws_test_setup_dir(void **state);
int ws_test_teardown_dir(void **state);
/* Write `text` to <dir>/<name>; returns the path (owned by the fixture). */
const char *ws_test_write(ws_test_dir *fx, const char *name, const char *text);

/* An allocator that fails once `budget` allocations have succeeded (budget
 * < 0: never) and counts the blocks alive, to prove a failure path leaks
 * nothing. ws_test_alloc_install resets it and points opt at it. */
typedef struct ws_test_alloc {
    long budget;
    long live;
} ws_test_alloc;
void ws_test_alloc_install(ws_test_alloc *fa, ws_ctx_options *opt);

/* Run the project file `project` (layers from `layers_dir`) in-process,
 * its outputs in `dir` (no CSV), into *proj and, when `keep` is not NULL,
 * the dataset (ws_pipeline_run's keep). Returns the status; the message is
 * printed on failure. */
ws_status ws_test_run_project(ws_ctx *ctx, const char *project,
                              const char *layers_dir, const char *dir,
                              ws_project **proj, ws_dataset **keep);

/* Is the data file there? If not, says so ("... test skipped"): the
 * caller then calls skip(). */
bool ws_test_have_file(const char *path);

/* The context's error message starts with / contains the text. */
void assert_msg_starts(const ws_ctx *ctx, const char *prefix);
void assert_msg_contains(const ws_ctx *ctx, const char *needle);

#define assert_double_near(a, b, eps)                                          \
    do {                                                                       \
        double a_ = (a), b_ = (b);                                             \
        if (!(fabs(a_ - b_) <= (eps)))                                         \
            fail_msg("%.17g != %.17g (eps %g)", a_, b_, (double)(eps));        \
    } while (0)

#endif /* WS_TEST_SUPPORT_H */
