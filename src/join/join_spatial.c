/* Point-in-polygon join of dwellings to buurten: an STRtree over the buurt
 * envelopes proposes candidates, prepared geometries decide. Interior hits
 * win; a point on a boundary (or in an overlap) goes to the candidate with
 * the lowest buurtcode, so the result never depends on file order. */
#include <string.h>

#include "../model/model_internal.h"
#include "wijkscan/join.h"

void ws_join_options_init(ws_join_options *opt) { memset(opt, 0, sizeof *opt); }

typedef struct candidates {
    size_t items[64];
    size_t n;
    bool overflow;
} candidates;

static void collect(void *item, void *user) {
    candidates *c = user;
    if (c->n < sizeof c->items / sizeof c->items[0])
        c->items[c->n++] = (size_t)(uintptr_t)item - 1;
    else
        c->overflow = true;
}

typedef struct join_index {
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prep;
    size_t n;
} join_index;

static void index_free(ws_ctx *ctx, join_index *ix) {
    if (ix->tree)
        GEOSSTRtree_destroy_r(ctx->geos, ix->tree);
    for (size_t i = 0; ix->prep && i < ix->n; i++)
        if (ix->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, ix->prep[i]);
    ws__free(ctx, (void *)ix->prep);
}

static ws_status index_build(ws_ctx *ctx, const ws__level *buurten,
                             join_index *ix) {
    memset(ix, 0, sizeof *ix);
    ix->n = buurten->table->nrows;
    ix->prep = ws__calloc(ctx, ix->n ? ix->n : 1, sizeof *ix->prep);
    ix->tree = GEOSSTRtree_create_r(ctx->geos, 10);
    if (!ix->prep || !ix->tree)
        return ix->prep ? ws__error(ctx, WS_ERR_GEOMETRY, "STRtree: %s",
                                    ctx->geos_msg)
                        : WS_ERR_NOMEM;
    for (size_t i = 0; i < ix->n; i++) {
        ix->prep[i] = GEOSPrepare_r(ctx->geos, buurten->geom[i]);
        if (!ix->prep[i])
            return ws__error(
                ctx, WS_ERR_GEOMETRY, "cannot prepare buurt %s: %s",
                ws_table_get_text(buurten->table, 0, i), ctx->geos_msg);
        /* items are row + 1 so that row 0 is not a NULL pointer */
        GEOSSTRtree_insert_r(ctx->geos, ix->tree, buurten->geom[i],
                             (void *)(uintptr_t)(i + 1));
    }
    return WS_OK;
}

/* Lowest code among the candidates for which `test` holds, or -1. */
static long pick(ws_ctx *ctx, const join_index *ix, const ws_table *t,
                 const candidates *c, const GEOSGeometry *pt,
                 bool interior_only) {
    long best = -1;
    for (size_t k = 0; k < c->n; k++) {
        size_t row = c->items[k];
        char hit = interior_only
                       ? GEOSPreparedContains_r(ctx->geos, ix->prep[row], pt)
                       : GEOSPreparedIntersects_r(ctx->geos, ix->prep[row], pt);
        if (hit != 1)
            continue;
        if (best < 0 || strcmp(ws_table_get_text(t, 0, row),
                               ws_table_get_text(t, 0, (size_t)best)) < 0)
            best = (long)row;
    }
    return best;
}

static ws_status assign_point(ws_ctx *ctx, const join_index *ix,
                              const ws_table *t, double x, double y,
                              int32_t *out) {
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
    if (!pt)
        return ws__error(ctx, WS_ERR_NOMEM, "cannot create point: %s",
                         ctx->geos_msg);
    candidates c = {.n = 0};
    GEOSSTRtree_query_r(ctx->geos, ix->tree, pt, collect, &c);
    if (c.overflow) {
        GEOSGeom_destroy_r(ctx->geos, pt);
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "more than 64 buurten overlap at (%.1f, %.1f); are "
                         "the buurt polygons broken?",
                         x, y);
    }
    long row = pick(ctx, ix, t, &c, pt, true);
    if (row < 0)
        row = pick(ctx, ix, t, &c, pt, false);
    GEOSGeom_destroy_r(ctx->geos, pt);
    *out = (int32_t)row;
    return WS_OK;
}

ws_status ws_join(ws_ctx *ctx, ws_dataset *ds, const ws_join_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    if (opt->snap_tolerance != 0)
        return ws__error(ctx, WS_ERR_UNSUPPORTED,
                         "join: snapping is not supported yet");
    const ws__level *b = &ds->levels[WS_LEVEL_BUURT];
    if (!b->table || b->table->nrows == 0)
        return ws__error(ctx, WS_ERR_DATA_EMPTY, "join: no buurten");
    join_index ix;
    ws_status st = index_build(ctx, b, &ix);
    size_t outside = 0;
    for (size_t i = 0; st == WS_OK && i < ds->dw.n; i++) {
        if ((i & 0xffff) == 0)
            st = ws__progress(ctx, (double)i / (double)ds->dw.n,
                              "woningen koppelen aan buurten");
        if (st == WS_OK)
            st = assign_point(ctx, &ix, b->table, ds->dw.x[i], ds->dw.y[i],
                              &ds->dw.buurt[i]);
        outside += st == WS_OK && ds->dw.buurt[i] < 0;
    }
    index_free(ctx, &ix);
    if (st != WS_OK) {
        ws__error_prefix(ctx, "join");
        return st;
    }
    ds->n_outside = outside;
    if (outside)
        ws__warn(ctx,
                 "%zu of %zu dwellings lie in no buurt of the selection "
                 "and are not counted in any buurt",
                 outside, ds->dw.n);
    return WS_OK;
}
