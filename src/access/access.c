/* Accessibility: one static k-d tree per voorzieningen category over the
 * flat point arrays, queried once per dwelling. Distances are kept per
 * dwelling (float, metres) so that aggregation, and later explanations, can
 * use them; NaN marks "no voorziening of this category at all". */
#include <math.h>
#include <string.h>

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

static ws_status nearest_for_category(ws_ctx *ctx, ws_dataset *ds, size_t cat,
                                      float *dist) {
    double *x = NULL, *y = NULL;
    size_t n = 0;
    ws_kdtree *tree = NULL;
    ws_status st = category_points(ctx, &ds->am, cat, &x, &y, &n);
    if (st == WS_OK)
        st = ws__kdtree_build(ctx, x, y, n, &tree);
    ws__free(ctx, x);
    ws__free(ctx, y);
    for (size_t i = 0; st == WS_OK && i < ds->dw.n; i++) {
        double d;
        if ((i & 0xffff) == 0)
            st = ws__progress(ctx,
                              ((double)cat + (double)i / (double)ds->dw.n) /
                                  (double)ds->ncat,
                              "afstanden tot voorzieningen");
        dist[i] = ws__kdtree_nearest(tree, ds->dw.x[i], ds->dw.y[i], NULL, &d)
                      ? (float)d
                      : NAN;
    }
    ws__kdtree_free(ctx, tree);
    return st;
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
    ws_status st = WS_OK;
    for (size_t c = 0; st == WS_OK && c < ds->ncat; c++) {
        ds->dist[c] =
            ws__malloc(ctx, (ds->dw.n ? ds->dw.n : 1) * sizeof(float));
        st = ds->dist[c] ? nearest_for_category(ctx, ds, c, ds->dist[c])
                         : WS_ERR_NOMEM;
    }
    if (st != WS_OK)
        ws__error_prefix(ctx, "access");
    return st;
}

double ws_access_distance(const ws_dataset *ds, size_t cat, size_t i) {
    if (!ds->dist || cat >= ds->ncat || i >= ds->dw.n || !ds->dist[cat])
        return NAN;
    return ds->dist[cat][i];
}
