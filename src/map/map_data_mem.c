/* Map data from the dataset in memory (ws_map_options.dataset): what
 * map_data.c reads from the GeoPackage that ws_export writes from the same
 * dataset, taken from the dataset itself, so that `wijkscan run` draws its
 * maps while the export is still writing that file. Each piece is what the
 * writer stores (export_gpkg.c) as the reader sees it: only the output
 * columns, whole-number columns rounded, a missing code as "", polygons as
 * multipolygons, the reasons of ontbrekende_waarden, the rows of
 * ws__metadata_rows, the inputs as "bestand|gewijzigd" and the production
 * date of the newest input (the GeoPackage's timestamps). The dataset is
 * only read — its multipolygons are used as they are, without a copy per
 * map thread, once GEOS's lazy caches in them are filled — so the export
 * and several map threads can share it. The one row left out is
 * configuratie_hash, which no map reads. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../export/export_internal.h"
#include "map_internal.h"

/* The level's table and its output columns (ws__output_columns). */
typedef struct source {
    ws_ctx *ctx;
    const ws_map_options *o;
    const ws__level *lv;
    size_t *order, n;
} source;

/* Fill the dataset's lazy GEOS caches once (ws_pipeline_run has done it
 * for the dataset it keeps), so that the geometries borrowed by maps on
 * several threads are only read. */
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;

static void ready_for_threads(ws_ctx *ctx, const ws_dataset *ds) {
    if (atomic_load(&ds->geos_caches_filled))
        return;
    pthread_mutex_lock(&fill_lock);
    ws__dataset_fill_geos_caches((ws_dataset *)ds, ctx->geos);
    pthread_mutex_unlock(&fill_lock);
}

static ws_status source_open(ws_ctx *ctx, const ws_map_options *o,
                             source *src) {
    ready_for_threads(ctx, o->dataset);
    *src = (source){ctx, o, &o->dataset->levels[o->level], NULL, 0};
    return ws__output_columns(ctx, src->lv->table, &src->order, &src->n);
}

static void source_close(source *src) { ws__free(src->ctx, src->order); }

/* The output column called `name`, or NULL. */
static const ws_column *column(const source *src, const char *name) {
    const ws_table *t = src->lv->table;
    for (size_t i = 0; i < src->n; i++)
        if (strcmp(t->cols[src->order[i]].name, name) == 0)
            return &t->cols[src->order[i]];
    return NULL;
}

/* The numeric output column `name`, or the GeoPackage reader's error. */
static ws_status numeric_column(const source *src, const char *name,
                                const ws_column **out) {
    const char *layer = ws_level_layer_name(src->o->level);
    *out = column(src, name);
    if (*out && (*out)->type == WS_COL_REAL)
        return WS_OK;
    if (*out)
        return ws__error(src->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s': column '%s' is not numeric",
                         src->o->gpkg_path, layer, name);
    char list[700] = "";
    size_t len = 0;
    for (size_t i = 0; i < src->n; i++) {
        const ws_column *c = &src->lv->table->cols[src->order[i]];
        if (c->type == WS_COL_REAL &&
            !ws__map_list_add(list, sizeof list, &len, c->name))
            break;
    }
    return ws__map_no_column(src->ctx, src->o->gpkg_path, layer, name, list);
}

/* A value as the GeoPackage holds it (Integer64 for whole numbers). */
static double stored_value(const ws_column *c, size_t row) {
    if (c->missing[row] != WS_PRESENT)
        return NAN;
    return c->integer ? (double)llround(c->real[row]) : c->real[row];
}

/* A text as the reader gets it: NULL when missing (or no column). */
static const char *stored_text(const ws_column *c, size_t row) {
    if (!c || c->missing[row] != WS_PRESENT)
        return NULL;
    return c->type == WS_COL_TEXT ? c->text[row] : NULL;
}

/* The geometry as the GeoPackage holds it (the layers are MultiPolygon):
 * a multipolygon is the dataset's own, read only (*borrowed; its GEOS
 * caches filled first: ready_for_threads), anything else a copy in ctx,
 * a polygon made a one-part multipolygon. */
static GEOSGeometry *stored_geometry(ws_ctx *ctx, const GEOSGeometry *g,
                                     bool *borrowed) {
    GEOSContextHandle_t h = ctx->geos;
    *borrowed = GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON;
    if (*borrowed)
        return (GEOSGeometry *)g; /* never changed, never freed */
    GEOSGeometry *c = GEOSGeom_clone_r(h, g);
    if (c && GEOSGeomTypeId_r(h, c) == GEOS_POLYGON) {
        GEOSGeometry *m =
            GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, &c, 1);
        if (!m)
            GEOSGeom_destroy_r(h, c);
        c = m;
    }
    return c;
}

static ws_status dup_text(ws_ctx *ctx, const char *s, char **out) {
    *out = NULL;
    if (!s)
        return WS_OK;
    *out = ws__strdup(ctx, s);
    return *out ? WS_OK : WS_ERR_NOMEM;
}

/* The mapped and pooled values of every region (as read_values). */
static ws_status values(const source *src, ws_map_data *d) {
    const ws_map_options *o = src->o;
    const ws_column *val = NULL, *pool[64];
    if (o->n_pool_columns > 64)
        return ws__error(src->ctx, WS_ERR_INVALID_ARG,
                         "map: at most 64 pooled columns");
    ws_status st = numeric_column(src, o->column, &val);
    for (size_t k = 0; st == WS_OK && k < o->n_pool_columns; k++)
        st = numeric_column(src, o->pool_columns[k], &pool[k]);
    if (st != WS_OK)
        return st;
    d->npool = o->n_pool_columns;
    for (size_t i = 0; i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        r->value = stored_value(val, i);
        if (!d->npool)
            continue;
        if (!(r->pool = ws__malloc(src->ctx, d->npool * sizeof *r->pool)))
            return WS_ERR_NOMEM;
        for (size_t k = 0; k < d->npool; k++)
            r->pool[k] = stored_value(pool[k], i);
    }
    return WS_OK;
}

/* The regions of the level (as read_regions), values left to values(). */
static ws_status regions(const source *src, ws_map_data *d) {
    const ws_map_options *o = src->o;
    const ws_table *t = src->lv->table;
    const ws_column *code = column(src, ws__level_code_col(o->level));
    if (!code)
        return ws__error(src->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s' has no column '%s'", o->gpkg_path,
                         ws_level_layer_name(o->level),
                         ws__level_code_col(o->level));
    const ws_column *name = column(src, ws__level_name_col(o->level));
    const ws_column *wijk = column(src, WS_COL_WIJKCODE);
    const ws_column *wijkn = column(src, WS_COL_WIJKNAAM);
    const ws_column *gm = column(src, WS_COL_GEMEENTECODE);
    const ws_column *gmn = column(src, WS_COL_GEMEENTENAAM);
    if (t->nrows &&
        !(d->regions = ws__calloc(src->ctx, t->nrows, sizeof *d->regions)))
        return WS_ERR_NOMEM;
    d->cap = t->nrows;
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < t->nrows; i++) {
        ws_map_region *r = &d->regions[d->n++];
        const char *c = stored_text(code, i);
        st = dup_text(src->ctx, c ? c : "", &r->code);
        if (st == WS_OK)
            st = dup_text(src->ctx, stored_text(name, i), &r->name);
        if (st == WS_OK)
            st = dup_text(src->ctx, stored_text(wijk, i), &r->wijkcode);
        if (st == WS_OK)
            st = dup_text(src->ctx, stored_text(wijkn, i), &r->wijknaam);
        if (st == WS_OK)
            st = dup_text(src->ctx, stored_text(gm, i), &r->gemeentecode);
        if (st == WS_OK)
            st = dup_text(src->ctx, stored_text(gmn, i), &r->gemeentenaam);
        ws__map_select_region(o, r);
        r->value = NAN;
        const GEOSGeometry *g = src->lv->geom ? src->lv->geom[i] : NULL;
        if (st == WS_OK && g && GEOSisEmpty_r(src->ctx->geos, g) == 0 &&
            !(r->geom = stored_geometry(src->ctx, g, &r->borrowed)))
            st = ws__status_or(src->ctx, WS_ERR_NOMEM);
    }
    return st;
}

/* The reasons of the mapped column's missing values (ontbrekende_waarden
 * has a row for each), then the default for the others. */
static ws_status reasons(const source *src, ws_map_data *d) {
    const ws_table *t = src->lv->table;
    long c = ws_table_find(t, src->o->column);
    const ws_column *col = c >= 0 ? &t->cols[c] : NULL;
    ws_status st = WS_OK;
    for (size_t i = 0;
         col && col->type == WS_COL_REAL && st == WS_OK && i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        if (!isnan(r->value) || col->missing[i] == WS_PRESENT)
            continue;
        st = dup_text(src->ctx, ws_missing_key(col->missing[i]), &r->reason);
        if (st == WS_OK)
            st = dup_text(src->ctx, ws_missing_label(col->missing[i]),
                          &r->reason_label);
    }
    return st == WS_OK ? ws__map_default_reasons(d) : st;
}

/* The mapped column's row of wijkscan_indicatoren (as read_indicator). */
static ws_status indicator(const source *src, ws_map_data *d) {
    const ws_dataset *ds = src->o->dataset;
    for (size_t i = 0; i < ds->ncolinfo; i++) {
        const ws__colinfo *c = &ds->colinfo[i];
        if (strcmp(c->kolom ? c->kolom : "", src->o->column) != 0)
            continue;
        const char *v[5] = {c->label, c->definitie, c->eenheid, c->richting,
                            c->thema};
        char **dst[5] = {&d->label, &d->definition, &d->unit, &d->direction,
                         &d->theme};
        ws_status st = WS_OK;
        for (int k = 0; k < 5 && st == WS_OK; k++)
            st = dup_text(src->ctx, v[k] && v[k][0] ? v[k] : NULL, dst[k]);
        return st;
    }
    return WS_OK;
}

static ws_status meta_row(void *user, const char *key, const char *value) {
    ws_map_data *d = user;
    return ws__map_add_kv(d->ctx, &d->meta, &d->nmeta, &d->metacap, key, value);
}

/* wijkscan_metadata, wijkscan_invoer and the production date. */
static ws_status metadata(const source *src, ws_map_data *d) {
    const ws_dataset *ds = src->o->dataset;
    ws_status st = ws__metadata_rows(ds, NULL, meta_row, d);
    for (size_t i = 0; st == WS_OK && i < ds->ninputs; i++) {
        const ws__input_info *in = &ds->inputs[i];
        char mtime[32], v[1024];
        ws__iso_time(in->mtime, mtime, sizeof mtime);
        snprintf(v, sizeof v, "%s|%s", in->path ? ws__basename(in->path) : "",
                 mtime);
        st = ws__map_add_kv(src->ctx, &d->inputs, &d->ninputs, &d->inputcap,
                            in->role, v);
    }
    if (st != WS_OK)
        return st;
    const char *date = ws__map_meta(d, "productiedatum");
    char stamp[32];
    if (!date) {
        ws__iso_time(ws__newest_input(ds), stamp, sizeof stamp);
        date = stamp;
    }
    return ws__map_set_production_date(d, date);
}

/* The voorzieningen asked for (as read_points). */
static ws_status points(const source *src, ws_map_data *d) {
    const ws_dataset *ds = src->o->dataset;
    if (src->o->n_voorzieningen == 0)
        return WS_OK;
    bool all = false;
    ws_status st = ws__map_point_categories(d, src->o, &all);
    for (size_t i = 0; st == WS_OK && i < ds->am.n; i++) {
        const char *cat = ds->categories[ds->am.cat[i]];
        st = ws__map_add_point(d, all, cat ? cat : "", true, ds->am.x[i],
                               ds->am.y[i]);
    }
    return st == WS_OK && all ? ws__map_sort_categories(d) : st;
}

ws_status ws__map_data_from_dataset(ws_ctx *ctx, const ws_map_options *opt,
                                    ws_map_data *d) {
    source src;
    ws_status st = source_open(ctx, opt, &src);
    if (st == WS_OK)
        st = regions(&src, d);
    if (st == WS_OK)
        st = values(&src, d);
    if (st == WS_OK)
        st = ws__map_check_selection(ctx, opt, d);
    if (st == WS_OK)
        st = reasons(&src, d);
    if (st == WS_OK)
        st = indicator(&src, d);
    if (st == WS_OK)
        st = metadata(&src, d);
    if (st == WS_OK)
        st = points(&src, d);
    if (st == WS_OK)
        st = ws__map_link_groups(d);
    source_close(&src);
    if (st != WS_OK)
        ws__map_data_free(d);
    return st;
}

ws_status ws__map_column_from_dataset(const ws_map_options *opt,
                                      ws_map_data *d) {
    source src;
    ws_status st = source_open(d->ctx, opt, &src);
    if (st == WS_OK)
        st = values(&src, d);
    if (st == WS_OK)
        st = reasons(&src, d);
    if (st == WS_OK)
        st = indicator(&src, d);
    source_close(&src);
    return st;
}

ws_status ws__map_group_outlines_from_dataset(const ws_map_options *opt,
                                              ws_map_data *d, int k) {
    ws_level lv = k ? WS_LEVEL_GEMEENTE : WS_LEVEL_WIJK;
    const ws__level *group = &opt->dataset->levels[lv];
    const ws_table *t = group->table;
    long fi = t ? ws_table_find(t, ws__level_code_col(lv)) : -1;
    if (fi < 0 || !group->geom)
        return WS_OK;
    ws_hash first;
    ws_status st = ws__map_group_firsts(d, k, &first);
    if (st == WS_OK && !(d->group_borrowed[k] =
                             ws__calloc(d->ctx, d->n ? d->n : 1, sizeof(bool))))
        st = WS_ERR_NOMEM;
    for (size_t r = 0; st == WS_OK && r < t->nrows; r++) {
        const char *code = stored_text(&t->cols[fi], r);
        size_t i;
        if (code && group->geom[r] && ws__hash_get_str(&first, code, &i) &&
            !d->group_geom[k][i] &&
            !(d->group_geom[k][i] = stored_geometry(d->ctx, group->geom[r],
                                                    &d->group_borrowed[k][i])))
            st = ws__status_or(d->ctx, WS_ERR_NOMEM);
    }
    ws__hash_free(&first);
    return st;
}

/* --- boundary networks shared by the threads drawing one dataset ------- */

/* A boundary network (ws__polygon_edges) depends on the dataset, the level,
 * which of its lines (k) and which regions are selected: compare and
 * report change the selection between frames, so that is kept whole. */
typedef struct shared_network {
    ws_level level;
    int k;
    size_t n;
    unsigned char *selection; /* per region: selected, with a geometry */
    GEOSGeometry *edges;
} shared_network;

typedef struct map_shared {
    shared_network *v;
    size_t n, cap;
    size_t builds;
} map_shared;

static void map_shared_free(ws_ctx *ctx, void *arg) {
    map_shared *m = arg;
    for (size_t i = 0; i < m->n; i++) {
        ws__free(ctx, m->v[i].selection);
        GEOSGeom_destroy_r(ctx->geos, m->v[i].edges);
    }
    ws__free(ctx, m->v);
    ws__free(ctx, m);
}

static unsigned char *selection_of(ws_ctx *ctx, const ws_map_data *d) {
    unsigned char *sel = ws__malloc(ctx, d->n ? d->n : 1);
    for (size_t i = 0; sel && i < d->n; i++)
        sel[i] = d->regions[i].selected && d->regions[i].geom;
    return sel;
}

static shared_network *find_network(map_shared *m, const ws_map_data *d, int k,
                                    const unsigned char *sel) {
    for (size_t i = 0; i < m->n; i++) {
        shared_network *e = &m->v[i];
        if (e->level == d->level && e->k == k && e->n == d->n &&
            memcmp(e->selection, sel, d->n) == 0)
            return e;
    }
    return NULL;
}

/* Entries live as long as the dataset and are freed with its context, so
 * they are allocated with this thread's only when both use the C library's
 * allocator (else every thread builds its own). */
bool ws__map_can_share(const ws_map_page *p) {
    const ws_dataset *ds = p->opt->dataset;
    return ds && ws__ctx_thread_safe_alloc(p->ctx) &&
           ws__ctx_thread_safe_alloc(ds->ctx);
}

const GEOSGeometry *ws__map_shared_edges(ws_map_page *p, int k,
                                         ws__map_edges_fn build) {
    ws_dataset *ds = (ws_dataset *)p->opt->dataset; /* its shared part */
    unsigned char *sel = selection_of(p->ctx, p->d);
    if (!sel)
        return NULL;
    const GEOSGeometry *out = NULL;
    pthread_mutex_lock(&ds->shared_lock);
    map_shared *m = ds->shared;
    if (!m && (m = ws__calloc(p->ctx, 1, sizeof *m)) != NULL) {
        ds->shared = m;
        ds->shared_free = map_shared_free;
    }
    shared_network *e = m ? find_network(m, p->d, k, sel) : NULL;
    if (e) {
        out = e->edges;
    } else if (m && ws__reserve(p->ctx, (void **)&m->v, &m->cap, m->n + 1,
                                sizeof *m->v) == WS_OK) {
        GEOSGeometry *g = build(p, k);
        if (g) {
            /* other threads only read it from now on */
            ws__geos_fill_caches(p->ctx->geos, g);
            m->v[m->n++] = (shared_network){p->d->level, k, p->d->n, sel, g};
            m->builds++;
            sel = NULL;
            out = g;
        }
    }
    pthread_mutex_unlock(&ds->shared_lock);
    ws__free(p->ctx, sel);
    return out;
}

size_t ws__map_shared_builds(const ws_dataset *ds) {
    ws_dataset *d = (ws_dataset *)ds;
    pthread_mutex_lock(&d->shared_lock);
    size_t n = d->shared && d->shared_free == map_shared_free
                   ? ((const map_shared *)d->shared)->builds
                   : 0;
    pthread_mutex_unlock(&d->shared_lock);
    return n;
}
