/* Shared cmocka fixtures; see ws_test.h. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, strdup */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_test.h"

int ws_test_setup_ctx(void **state) {
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(NULL, &ctx) != WS_OK)
        return -1;
    *state = ctx;
    return 0;
}

int ws_test_teardown_ctx(void **state) {
    ws_ctx_free(*state);
    return 0;
}

int ws_test_setup_dir(void **state) {
    ws_test_dir *fx = calloc(1, sizeof *fx);
    if (!fx || ws_ctx_new(NULL, &fx->ctx) != WS_OK)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ws_test_XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    *state = fx;
    return 0;
}

int ws_test_teardown_dir(void **state) {
    ws_test_dir *fx = *state;
    for (size_t i = 0; i < fx->nfiles; i++) {
        unlink(fx->files[i]);
        free(fx->files[i]);
    }
    rmdir(fx->dir);
    ws_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

const char *ws_test_write(ws_test_dir *fx, const char *name, const char *text) {
    assert_true(fx->nfiles < WS_TEST_MAX_FILES);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    char *p = strdup(path);
    assert_non_null(p);
    fx->files[fx->nfiles++] = p;
    return p;
}

static void *fail_malloc(size_t size, void *user) {
    ws_test_alloc *fa = user;
    if (fa->budget == 0)
        return NULL;
    if (fa->budget > 0)
        fa->budget--;
    void *p = malloc(size);
    if (p)
        fa->live++;
    return p;
}

static void *fail_realloc(void *ptr, size_t size, void *user) {
    ws_test_alloc *fa = user;
    if (fa->budget == 0)
        return NULL;
    if (fa->budget > 0)
        fa->budget--;
    void *p = realloc(ptr, size);
    if (p && !ptr)
        fa->live++;
    return p;
}

static void fail_free(void *ptr, void *user) {
    ws_test_alloc *fa = user;
    if (ptr)
        fa->live--;
    free(ptr);
}

void ws_test_alloc_install(ws_test_alloc *fa, ws_ctx_options *opt) {
    fa->budget = -1;
    fa->live = 0;
    ws_ctx_options_init(opt);
    opt->allocator.malloc_fn = fail_malloc;
    opt->allocator.realloc_fn = fail_realloc;
    opt->allocator.free_fn = fail_free;
    opt->allocator.user = fa;
}

void assert_msg_starts(const ws_ctx *ctx, const char *prefix) {
    const char *msg = ws_ctx_errmsg(ctx);
    if (strncmp(msg, prefix, strlen(prefix)) != 0)
        fail_msg("error message \"%s\" does not start with \"%s\"", msg,
                 prefix);
}

void assert_msg_contains(const ws_ctx *ctx, const char *needle) {
    const char *msg = ws_ctx_errmsg(ctx);
    if (!strstr(msg, needle))
        fail_msg("error message \"%s\" does not contain \"%s\"", msg, needle);
}

ws_status ws_test_run_project(ws_ctx *ctx, const char *project,
                              const char *layers_dir, const char *dir,
                              ws_project **proj, ws_dataset **keep) {
    ws_status st = ws_project_load(ctx, project, layers_dir, proj);
    if (st == WS_OK)
        st = ws_project_set_output_dir(ctx, *proj, dir);
    if (st == WS_OK) {
        ws_pipeline_options o = *ws_project_options(*proj);
        o.output.csv_dir = NULL;
        ws_run_summary sum;
        st = ws_pipeline_run(ctx, &o, &sum, keep);
    }
    if (st != WS_OK)
        fprintf(stderr, "%s: %s\n", project, ws_ctx_errmsg(ctx));
    return st;
}

bool ws_test_have_file(const char *path) {
    if (access(path, R_OK) == 0)
        return true;
    print_message("data file %s not found; test skipped\n", path);
    return false;
}
