/* Restricting a dataset to a selection of gemeenten after it was computed
 * over a larger input: used when theme scores compare with every buurt of
 * the input (reference frame "invoer") but only the selection is written.
 * Rows of the other gemeenten are dropped at the buurt, wijk and gemeente
 * levels; geometries, parent links and the dwellings' buurt index follow.
 * The regio row stays: it describes the whole input, the frame. */
#include <stdlib.h>
#include <string.h>

#include "../filter/filter.h"
#include "model_internal.h"

static bool row_selected(const ws_table *t, size_t r, const ws_selection *sel) {
    char gm[8];
    const char *code = ws_table_get_text(t, 0, r);
    return code && ws__gemeente_of(code, gm) && ws__selection_has(sel, gm);
}

/* Keep the selected rows of one level; newrow[r] receives the new index of
 * old row r, or -1. */
static ws_status restrict_level(ws_dataset *ds, ws_level l,
                                const ws_selection *sel, long *newrow) {
    ws__level *lv = &ds->levels[l];
    ws_table *t = lv->table;
    bool *keep = ws__malloc(ds->ctx, (t->nrows + 1) * sizeof *keep);
    if (!keep)
        return WS_ERR_NOMEM;
    size_t k = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        keep[r] = row_selected(t, r, sel);
        newrow[r] = keep[r] ? (long)k : -1;
        if (keep[r]) {
            if (lv->geom)
                lv->geom[k] = lv->geom[r];
            for (int p = (int)l + 1; p < WS_LEVEL_COUNT; p++)
                if (lv->parent[p])
                    lv->parent[p][k] = lv->parent[p][r];
            k++;
        } else if (lv->geom && lv->geom[r]) {
            GEOSGeom_destroy_r(ds->ctx->geos, lv->geom[r]);
        }
    }
    ws__table_filter_rows(t, keep);
    ws__free(ds->ctx, keep);
    return ws__table_index_codes(t, 0, ws_level_layer_name(l));
}

static void remap_parents(ws_dataset *ds, long *const *newrow) {
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        for (int p = l + 1; p < WS_LEVEL_REGIO; p++) {
            long *par = ds->levels[l].parent[p];
            for (size_t r = 0; par && r < ds->levels[l].table->nrows; r++)
                par[r] = par[r] >= 0 ? newrow[p][par[r]] : -1;
        }
    for (size_t i = 0; i < ds->dw.n; i++)
        if (ds->dw.buurt[i] >= 0)
            ds->dw.buurt[i] = (int32_t)newrow[WS_LEVEL_BUURT][ds->dw.buurt[i]];
}

static ws_status check_present(ws_dataset *ds, const ws_selection *sel) {
    const ws_table *g = ds->levels[WS_LEVEL_GEMEENTE].table;
    for (size_t i = 0; i < sel->n; i++)
        if (ws_table_find_row(g, sel->gemeenten[i]) < 0)
            return ws__error(ds->ctx, WS_ERR_DATA_UNKNOWN_CODE,
                             "gemeente %s is not in the input",
                             sel->gemeenten[i]);
    return WS_OK;
}

ws_status ws__dataset_restrict(ws_dataset *ds, const ws_selection *sel) {
    ws_status st = ws__selection_validate(ds->ctx, sel);
    if (st != WS_OK || sel->n == 0)
        return st;
    long *newrow[WS_LEVEL_COUNT] = {NULL};
    for (int l = 0; st == WS_OK && l < WS_LEVEL_REGIO; l++) {
        size_t n = ds->levels[l].table->nrows;
        newrow[l] = ws__malloc(ds->ctx, (n + 1) * sizeof(long));
        st = newrow[l] ? restrict_level(ds, (ws_level)l, sel, newrow[l])
                       : WS_ERR_NOMEM;
    }
    if (st == WS_OK) {
        remap_parents(ds, newrow);
        st = check_present(ds, sel);
    }
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        ws__free(ds->ctx, newrow[l]);
    return st;
}
