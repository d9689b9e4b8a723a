/* Accessibility: one static k-d tree per voorzieningen category over the
 * flat point arrays, queried once per dwelling. Distances are kept per
 * dwelling (float, metres) so that aggregation, and later explanations, can
 * use them; NaN marks "no voorziening of this category at all". The trees
 * are built first; then the dwellings are split into contiguous ranges over
 * threads (the trees are read-only), so the distances do not depend on the
 * number of threads. */
#include <math.h>
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

enum { GROUP_MAX = 32, GROUP_CANDIDATES = 40 };
#define GROUP_SIZE_M 250.0 /* largest side of a group's box */

static void nearest_one(const ws_dataset *ds, const ws_kdtree *t, float *dist,
                        size_t i, size_t *hint) {
    double d;
    dist[i] = ws__kdtree_nearest_hint(t, ds->dw.x[i], ds->dw.y[i], hint, &d)
                  ? (float)d
                  : NAN;
}

/* Dwellings from `from` on (before `to`) that lie within a small box are
 * answered together: the nearest point p to the first one bounds every
 * answer in the box by the box's farthest corner from p, and all points
 * within that bound of the box (few, in towns) are scanned for each
 * dwelling with the k-d tree's arithmetic and tie rule (lowest squared
 * distance, then lowest index), so the answers are the tree's. Returns
 * where the next group starts. */
static size_t nearest_group(const ws_dataset *ds, const ws_kdtree *t,
                            float *dist, size_t from, size_t to, size_t *hint) {
    const double *x = ds->dw.x, *y = ds->dw.y;
    double box[4] = {x[from], y[from], x[from], y[from]};
    size_t end = from + 1;
    while (end < to && end - from < GROUP_MAX) {
        double nx0 = fmin(box[0], x[end]), ny0 = fmin(box[1], y[end]);
        double nx1 = fmax(box[2], x[end]), ny1 = fmax(box[3], y[end]);
        if (!(nx1 - nx0 <= GROUP_SIZE_M && ny1 - ny0 <= GROUP_SIZE_M))
            break;
        box[0] = nx0, box[1] = ny0, box[2] = nx1, box[3] = ny1;
        end++;
    }
    nearest_one(ds, t, dist, from, hint);
    double px, py;
    if (end - from < 4 || !ws__kdtree_point(t, *hint, &px, &py)) {
        for (size_t i = from + 1; i < end; i++)
            nearest_one(ds, t, dist, i, hint);
        return end;
    }
    double limit = 0;
    for (int k = 0; k < 4; k++) {
        double dx = px - box[k & 1 ? 2 : 0], dy = py - box[k & 2 ? 3 : 1];
        limit = fmax(limit, dx * dx + dy * dy);
    }
    size_t idx[GROUP_CANDIDATES];
    double cxy[2 * GROUP_CANDIDATES];
    size_t nc =
        ws__kdtree_candidates(t, box, limit, GROUP_CANDIDATES, idx, cxy);
    for (size_t i = from + 1; i < end; i++) {
        if (nc == SIZE_MAX) {
            nearest_one(ds, t, dist, i, hint);
            continue;
        }
        double best = INFINITY;
        for (size_t k = 0; k < nc; k++) {
            double dx = cxy[2 * k] - x[i], dy = cxy[2 * k + 1] - y[i];
            double d2 = dx * dx + dy * dy;
            best = d2 < best ? d2 : best;
        }
        dist[i] = (float)sqrt(best);
    }
    return end;
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
            for (size_t c = c0; c < c1; c++)
                for (size_t g = b; g < e;)
                    g = nearest_group(ds, w->trees[c], ds->dist[c], g, e,
                                      &hint[c - c0]);
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
    ws__run_parts(access_range, w, sizeof w[0], nt);
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
