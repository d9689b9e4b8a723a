/* The load stage: reads the layer definitions, then the buurten (which fix
 * the region and its extent), the BAG dwellings inside that extent, the
 * voorzieningen around it (with a margin, so the nearest one across a
 * border counts) and the kerncijfers tables.
 *
 * Without a selection the BAG does not depend on the buurten (every
 * dwelling is read, and the extent is not used), so it is read on a second
 * thread while the buurten load: a context of its own (GEOS handle, error
 * state; its messages are kept and passed on after the buurten's, so the
 * log reads as if one came after the other) and a dataset of its own,
 * whose dwellings are then moved over. Only with the C library's allocator
 * (a caller's own need not be thread-safe). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../join/join_internal.h"
#include "load_internal.h"

void ws_load_options_init(ws_load_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->amenity_margin = 10000.0;
    opt->region_name = "regio";
}

static ws_status check_options(ws_ctx *ctx, const ws_load_options *opt) {
    if (!opt->layers_dir)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "no layer definition directory given");
    if (!opt->bag.path)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "no BAG input given");
    if (!opt->buurten.path)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "no buurten input given");
    if (!(opt->amenity_margin >= 0) || !isfinite(opt->amenity_margin))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "voorzieningen margin must be a distance >= 0");
    return WS_OK;
}

static ws_status record_parameters(ws_dataset *ds, const ws_load_options *opt) {
    ws_strbuf sb;
    ws__sb_init(&sb, ds->ctx);
    for (size_t i = 0; i < opt->n_gemeenten; i++)
        ws__sb_appendf(&sb, "%s%s", i ? "," : "", opt->gemeenten[i]);
    const char *sel = ws__sb_str(&sb);
    ws_status st =
        sel ? ws__dataset_set_param(ds, "gemeenten", "%s", *sel ? sel : "alle")
            : WS_ERR_NOMEM;
    ws__sb_free(&sb);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "voorzieningen_marge_m", "%g",
                                   opt->amenity_margin);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "regionaam", "%s", opt->region_name);
    return st;
}

/* --- the BAG on a second thread ------------------------------------------ */

typedef struct kept_message {
    ws_log_level level;
    char *text;
} kept_message;

typedef struct bag_job {
    ws_ctx *parent, *ctx;
    ws_dataset *ds;
    const ws_input *in;
    const ws_layerdefs *defs;
    const ws_selection *sel;
    ws_bbox extent; /* unused without a selection */
    ws_status st;
    kept_message *msg;
    size_t nmsg, capmsg;
    bool msg_lost;
} bag_job;

/* Keeps the BAG thread's messages for the parent's log (C allocator: a log
 * callback cannot fail; a message that finds no memory is counted). */
static void keep_message(ws_log_level level, const char *text, void *user) {
    bag_job *j = user;
    if (j->nmsg == j->capmsg) {
        size_t cap = j->capmsg ? 2 * j->capmsg : 16;
        kept_message *m = realloc(j->msg, cap * sizeof *m);
        if (!m) {
            j->msg_lost = true;
            return;
        }
        j->msg = m;
        j->capmsg = cap;
    }
    char *t = strdup(text);
    if (!t) {
        j->msg_lost = true;
        return;
    }
    j->msg[j->nmsg++] = (kept_message){level, t};
}

static void *bag_worker(void *arg) {
    bag_job *j = arg;
    j->st = ws__load_bag(j->ctx, j->ds, j->in, j->defs, j->sel, &j->extent);
    return NULL;
}

static bool bag_in_parallel(ws_ctx *ctx, const ws_selection *sel) {
    return sel->n == 0 && ws__ctx_thread_safe_alloc(ctx) &&
           ws__threads_for(2, 1) > 1;
}

/* Start reading the BAG on a thread; false when that could not be set up
 * (then the caller reads it in turn). */
static bool bag_start(bag_job *j, pthread_t *tid) {
    if (ws__ctx_new_worker(j->parent, keep_message, j, true, &j->ctx) != WS_OK)
        return false;
    if (ws__dataset_new(j->ctx, &j->ds) == WS_OK &&
        pthread_create(tid, NULL, bag_worker, j) == 0)
        return true;
    ws_dataset_free(j->ds);
    ws_ctx_free(j->ctx);
    j->ctx = NULL;
    j->ds = NULL;
    return false;
}

/* Wait for the BAG; when the buurten loaded (st), pass its messages on and
 * move its dwellings into ds. */
static ws_status bag_finish(bag_job *j, pthread_t tid, ws_dataset *ds,
                            ws_status st) {
    pthread_join(tid, NULL);
    /* when the buurten failed, the BAG is as if never read: no messages */
    for (size_t i = 0; i < j->nmsg; i++) {
        if (st == WS_OK)
            ws__log(j->parent, j->msg[i].level, "%s", j->msg[i].text);
        free(j->msg[i].text);
    }
    free(j->msg);
    if (st == WS_OK && j->msg_lost)
        ws__log(j->parent, WS_LOG_WARNING,
                "some messages of the BAG reader were lost (out of memory)");
    if (st == WS_OK && j->st != WS_OK)
        st = ws__error(j->parent, j->st, "%s", ws_ctx_errmsg(j->ctx));
    if (st == WS_OK)
        st = ws__dataset_take_dwellings(ds, j->ds);
    ws_dataset_free(j->ds);
    ws_ctx_free(j->ctx);
    return st;
}

ws_status ws_load(ws_ctx *ctx, const ws_load_options *opt, ws_dataset **out) {
    if (!ctx || !opt || !out)
        return WS_ERR_INVALID_ARG;
    *out = NULL;
    ws_selection sel = {opt->gemeenten, opt->n_gemeenten};
    ws_status st = check_options(ctx, opt);
    if (st == WS_OK)
        st = ws__selection_validate(ctx, &sel);
    if (st != WS_OK)
        return st;
    ws_layerdefs defs;
    st = ws__layerdefs_load_dir(ctx, opt->layers_dir, &defs);
    if (st != WS_OK)
        return st;
    ws_dataset *ds = NULL;
    ws_bbox extent = {0};
    st = ws__dataset_new(ctx, &ds);
    bag_job job = {.parent = ctx, .in = &opt->bag, .defs = &defs, .sel = &sel};
    pthread_t tid;
    bool parallel =
        st == WS_OK && bag_in_parallel(ctx, &sel) && bag_start(&job, &tid);
    if (st == WS_OK)
        st = ws__load_regions(ctx, ds, &opt->buurten, &defs, &sel,
                              opt->region_name ? opt->region_name : "regio",
                              &extent);
    if (parallel)
        st = bag_finish(&job, tid, ds, st);
    else if (st == WS_OK)
        st = ws__load_bag(ctx, ds, &opt->bag, &defs, &sel, &extent);
    ws_bbox area = extent;
    area.minx -= opt->amenity_margin;
    area.miny -= opt->amenity_margin;
    area.maxx += opt->amenity_margin;
    area.maxy += opt->amenity_margin;
    for (size_t i = 0; st == WS_OK && i < opt->n_voorzieningen; i++)
        st = ws__load_amenities(ctx, ds, &opt->voorzieningen[i], &defs, &area);
    for (size_t i = 0; st == WS_OK && i < opt->n_kerncijfers; i++)
        st = ws__load_kerncijfers(ctx, ds, &opt->kerncijfers[i], &defs);
    if (st == WS_OK)
        st = record_parameters(ds, opt);
    ws__layerdefs_free(ctx, &defs);
    if (st != WS_OK) {
        ws__error_prefix(ctx, "load");
        ws_dataset_free(ds);
        return st;
    }
    *out = ds;
    return WS_OK;
}
