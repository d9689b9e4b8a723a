/* Accessibility: one static k-d tree per voorzieningen category over the
 * flat point arrays, queried once per dwelling. Distances are kept per
 * dwelling (float, metres) so that aggregation, and later explanations, can
 * use them; NaN marks "no voorziening of this category at all". The trees
 * are built first; then the dwellings are split into contiguous ranges over
 * threads (the trees are read-only), so the distances do not depend on the
 * number of threads. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "../join/join_internal.h"
#include "../model/model_internal.h"
#include "kdtree.h"
#include "wijkscan/access.h"

void ws_access_options_init(ws_access_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->metric = WS_METRIC_STRAIGHT_LINE;
}

/* Coordinates of the voorzieningen of one category. */
static ws_status category_points(ws_ctx *ctx, const ws__amenities *am,
                                 size_t cat, double **x, double **y,
                                 size_t *n) {
    size_t k = 0;
    for (size_t i = 0; i < am->n; i++)
        k += am->cat[i] == cat;
    *x = ws__malloc(ctx, (k ? k : 1) * sizeof **x);
    *y = ws__malloc(ctx, (k ? k : 1) * sizeof **y);
    if (!*x || !*y)
        return WS_ERR_NOMEM;
    *n = 0;
    for (size_t i = 0; i < am->n; i++)
        if (am->cat[i] == cat) {
            (*x)[*n] = am->x[i];
            (*y)[*n] = am->y[i];
            (*n)++;
        }
    return WS_OK;
}

/* One thread's share: dwellings [lo, hi) for every category. Each query
 * starts from the previous dwelling's answer (consecutive dwellings are
 * near each other in BAG order), which gives the same distances faster. */
typedef struct access_work {
    ws_ctx *ctx; /* progress from the calling thread (part 0) only */
    ws_dataset *ds;
    ws_kdtree *const *trees;
    size_t lo, hi;
    bool main;
    atomic_int *stop;
    ws_status st;
} access_work;

static void *access_range(void *arg) {
    access_work *w = arg;
    ws_dataset *ds = w->ds;
    size_t hint[64];
    const size_t block = 4096;
    for (size_t c0 = 0; c0 < ds->ncat; c0 += 64) {
        size_t c1 = ds->ncat - c0 < 64 ? ds->ncat : c0 + 64;
        for (size_t c = c0; c < c1; c++)
            hint[c - c0] = SIZE_MAX;
        /* blocks of dwellings, category by category within a block: the
         * tree of one category stays in cache for a while */
        for (size_t b = w->lo; b < w->hi; b += block) {
            size_t e = w->hi - b < block ? w->hi : b + block;
            if (((b - w->lo) / block) % 16 == 0) {
                if (atomic_load(w->stop))
                    return NULL;
                if (w->main && (w->st = ws__progress(
                                    w->ctx,
                                    ((double)c0 + (double)(b - w->lo) /
                                                      (double)(w->hi - w->lo) *
                                                      (double)(c1 - c0)) /
                                        (double)ds->ncat,
                                    "afstanden tot voorzieningen")) != WS_OK) {
                    atomic_store(w->stop, 1);
                    return NULL;
                }
            }
            for (size_t c = c0; c < c1; c++) {
                float *dist = ds->dist[c];
                const ws_kdtree *t = w->trees[c];
                size_t *h = &hint[c - c0];
                for (size_t i = b; i < e; i++) {
                    double d;
                    dist[i] = ws__kdtree_nearest_hint(t, ds->dw.x[i],
                                                      ds->dw.y[i], h, &d)
                                  ? (float)d
                                  : NAN;
                }
            }
        }
    }
    return NULL;
}

static ws_status nearest_all(ws_ctx *ctx, ws_dataset *ds,
                             ws_kdtree *const *trees) {
    int nt = ws__threads_for(ds->dw.n, 100000);
    if ((size_t)nt > ds->dw.n / 1024 + 1)
        nt = (int)(ds->dw.n / 1024 + 1);
    access_work w[8];
    pthread_t tid[8];
    bool started[8] = {false};
    atomic_int stop;
    atomic_init(&stop, 0);
    for (int k = 0; k < nt; k++)
        w[k] = (access_work){ctx,
                             ds,
                             trees,
                             ds->dw.n * (size_t)k / (size_t)nt,
                             ds->dw.n * (size_t)(k + 1) / (size_t)nt,
                             k == 0,
                             &stop,
                             WS_OK};
    for (int k = 1; k < nt; k++)
        started[k] = pthread_create(&tid[k], NULL, access_range, &w[k]) == 0;
    access_range(&w[0]);
    for (int k = 1; k < nt; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            access_range(&w[k]);
    }
    return w[0].st;
}

ws_status ws_access(ws_ctx *ctx, ws_dataset *ds, const ws_access_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    if (opt->metric != WS_METRIC_STRAIGHT_LINE)
        return ws__error(ctx, WS_ERR_UNSUPPORTED,
                         "access: walking distance over a network is not "
                         "available yet; use straight-line distance");
    if (ds->dist) {
        for (size_t c = 0; c < ds->ncat; c++)
            ws__free(ctx, ds->dist[c]);
        ws__free(ctx, ds->dist);
    }
    ds->dist = ws__calloc(ctx, ds->ncat ? ds->ncat : 1, sizeof *ds->dist);
    if (!ds->dist)
        return WS_ERR_NOMEM;
    ws_kdtree **trees = ws__calloc(ctx, ds->ncat ? ds->ncat : 1, sizeof *trees);
    ws_status st = trees ? WS_OK : WS_ERR_NOMEM;
    for (size_t c = 0; st == WS_OK && c < ds->ncat; c++) {
        double *x = NULL, *y = NULL;
        size_t n = 0;
        ds->dist[c] =
            ws__malloc(ctx, (ds->dw.n ? ds->dw.n : 1) * sizeof(float));
        st = ds->dist[c] ? category_points(ctx, &ds->am, c, &x, &y, &n)
                         : WS_ERR_NOMEM;
        if (st == WS_OK)
            st = ws__kdtree_build(ctx, x, y, n, &trees[c]);
        ws__free(ctx, x);
        ws__free(ctx, y);
    }
    if (st == WS_OK)
        st = nearest_all(ctx, ds, trees);
    for (size_t c = 0; trees && c < ds->ncat; c++)
        ws__kdtree_free(ctx, trees[c]);
    ws__free(ctx, trees);
    if (st != WS_OK)
        ws__error_prefix(ctx, "access");
    return st;
}

double ws_access_distance(const ws_dataset *ds, size_t cat, size_t i) {
    if (!ds->dist || cat >= ds->ncat || i >= ds->dw.n || !ds->dist[cat])
        return NAN;
    return ds->dist[cat][i];
}
