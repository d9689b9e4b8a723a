/* ws_dataset: the dwellings, voorzieningen and region levels of one run, plus
 * the provenance and data-quality counts that go into the output metadata. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "model_internal.h"

static const char *const level_layer[WS_LEVEL_COUNT] = {"buurten", "wijken",
                                                        "gemeenten", "regio"};
static const char *const level_code[WS_LEVEL_COUNT] = {
    WS_COL_BUURTCODE, WS_COL_WIJKCODE, WS_COL_GEMEENTECODE, WS_COL_REGIOCODE};
static const char *const level_name[WS_LEVEL_COUNT] = {
    WS_COL_BUURTNAAM, WS_COL_WIJKNAAM, WS_COL_GEMEENTENAAM, WS_COL_REGIONAAM};

const char *ws_level_layer_name(ws_level level) {
    return (unsigned)level < WS_LEVEL_COUNT ? level_layer[level] : "?";
}
const char *ws__level_code_col(ws_level level) { return level_code[level]; }
const char *ws__level_name_col(ws_level level) { return level_name[level]; }

ws_status ws__dataset_new(ws_ctx *ctx, ws_dataset **out) {
    ws_dataset *ds = ws__calloc(ctx, 1, sizeof *ds);
    if (!ds)
        return WS_ERR_NOMEM;
    static atomic_uint_fast64_t next_serial = 1;
    ds->ctx = ctx;
    ds->serial = atomic_fetch_add(&next_serial, 1);
    pthread_mutex_init(&ds->shared_lock, NULL);
    *out = ds;
    return WS_OK;
}

/* The envelope and the coordinates' dimension of every ring of g. */
static void fill_ring_caches(GEOSContextHandle_t h, const GEOSGeometry *ring) {
    double v;
    unsigned int dims;
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    GEOSGeom_getXMin_r(h, ring, &v);
    if (cs)
        GEOSCoordSeq_getDimensions_r(h, cs, &dims);
}

void ws__geos_fill_caches(GEOSContextHandle_t h, const GEOSGeometry *g) {
    double v;
    if (GEOSisEmpty_r(h, g) != 0)
        return;
    GEOSGeom_getXMin_r(h, g, &v); /* this geometry's and its parts' */
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        fill_ring_caches(h, GEOSGetExteriorRing_r(h, g));
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < nh; i++)
            fill_ring_caches(h, GEOSGetInteriorRingN_r(h, g, i));
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        fill_ring_caches(h, g);
    } else if (type >= GEOS_MULTIPOINT) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            ws__geos_fill_caches(h, GEOSGetGeometryN_r(h, g, i));
    }
}

void ws__dataset_fill_geos_caches(ws_dataset *ds, GEOSContextHandle_t h) {
    if (atomic_load(&ds->geos_caches_filled))
        return;
    for (int l = 0; l < WS_LEVEL_COUNT; l++) {
        const ws__level *lv = &ds->levels[l];
        size_t n = lv->table ? lv->table->nrows : 0;
        for (size_t i = 0; lv->geom && i < n; i++)
            if (lv->geom[i])
                ws__geos_fill_caches(h, lv->geom[i]);
    }
    atomic_store(&ds->geos_caches_filled, true);
}

static void level_free(ws_ctx *ctx, ws__level *lv) {
    size_t n = lv->table ? lv->table->nrows : 0;
    if (lv->geom)
        for (size_t i = 0; i < n; i++)
            if (lv->geom[i])
                GEOSGeom_destroy_r(ctx->geos, lv->geom[i]);
    ws__free(ctx, lv->geom);
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        ws__free(ctx, lv->parent[l]);
    ws__table_free(lv->table);
}

static void colinfo_free(ws_ctx *ctx, ws__colinfo *c) {
    ws__free(ctx, c->kolom);
    ws__free(ctx, c->thema);
    ws__free(ctx, c->label);
    ws__free(ctx, c->definitie);
    ws__free(ctx, c->eenheid);
    ws__free(ctx, c->richting);
    ws__free(ctx, c->normalisatie);
    ws__free(ctx, c->bron);
}

void ws_dataset_free(ws_dataset *ds) {
    if (!ds)
        return;
    ws_ctx *ctx = ds->ctx;
    if (ds->shared && ds->shared_free)
        ds->shared_free(ctx, ds->shared);
    pthread_mutex_destroy(&ds->shared_lock);
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        level_free(ctx, &ds->levels[l]);
    ws__free(ctx, ds->dw.x);
    ws__free(ctx, ds->dw.y);
    ws__free(ctx, ds->dw.oppervlakte);
    ws__free(ctx, ds->dw.bouwjaar);
    ws__free(ctx, ds->dw.pand_id);
    ws__free(ctx, ds->dw.pand_opp);
    ws__free(ctx, ds->dw.buurt);
    ws__free(ctx, ds->am.x);
    ws__free(ctx, ds->am.y);
    ws__free(ctx, ds->am.cat);
    for (size_t c = 0; c < ds->ncat; c++) {
        ws__free(ctx, ds->categories[c]);
        if (ds->dist)
            ws__free(ctx, ds->dist[c]);
    }
    ws__free(ctx, ds->categories);
    ws__free(ctx, ds->dist);
    for (size_t i = 0; i < ds->ninputs; i++) {
        ws__free(ctx, ds->inputs[i].role);
        ws__free(ctx, ds->inputs[i].path);
        ws__free(ctx, ds->inputs[i].layer);
        ws__free(ctx, ds->inputs[i].definition);
    }
    ws__free(ctx, ds->inputs);
    for (size_t i = 0; i < ds->nparams; i++) {
        ws__free(ctx, ds->params[i].key);
        ws__free(ctx, ds->params[i].value);
    }
    ws__free(ctx, ds->params);
    for (size_t i = 0; i < ds->ncolinfo; i++)
        colinfo_free(ctx, &ds->colinfo[i]);
    ws__free(ctx, ds->colinfo);
    ws__free(ctx, ds);
}

/* Grow all dwelling columns together so they always have the same capacity. */
static ws_status dwellings_reserve(ws_ctx *ctx, ws__dwellings *d, size_t need) {
    if (need <= d->cap)
        return WS_OK;
    size_t cap = d->cap ? d->cap * 2 : 1024;
    if (cap < need) /* a reader reserving its row count: exactly that */
        cap = need;
#define WS_GROW_(field)                                                        \
    do {                                                                       \
        void *p_ = ws__realloc(ctx, d->field, cap * sizeof *d->field);         \
        if (!p_)                                                               \
            return WS_ERR_NOMEM;                                               \
        d->field = p_;                                                         \
    } while (0)
    WS_GROW_(x);
    WS_GROW_(y);
    WS_GROW_(oppervlakte);
    WS_GROW_(bouwjaar);
    WS_GROW_(pand_id);
    WS_GROW_(pand_opp);
    WS_GROW_(buurt);
    d->cap = cap;
    return WS_OK;
}

ws_status ws__dataset_reserve_dwellings(ws_dataset *ds, size_t n) {
    return dwellings_reserve(ds->ctx, &ds->dw, n);
}

ws_status ws__dataset_add_dwelling(ws_dataset *ds, double x, double y,
                                   float opp, int16_t bouwjaar,
                                   uint64_t pand_id) {
    if (dwellings_reserve(ds->ctx, &ds->dw, ds->dw.n + 1) != WS_OK)
        return WS_ERR_NOMEM;
    ws__dataset_push_dwelling(ds, x, y, opp, bouwjaar, pand_id);
    return WS_OK;
}

ws_status ws__dataset_category(ws_dataset *ds, const char *name, size_t *idx) {
    for (size_t c = 0; c < ds->ncat; c++)
        if (strcmp(ds->categories[c], name) == 0) {
            *idx = c;
            return WS_OK;
        }
    if (ds->ncat >= UINT16_MAX)
        return ws__error(ds->ctx, WS_ERR_DATA, "too many categories");
    if (ws__reserve(ds->ctx, (void **)&ds->categories, &ds->catcap,
                    ds->ncat + 1, sizeof *ds->categories) != WS_OK)
        return WS_ERR_NOMEM;
    ds->categories[ds->ncat] = ws__strdup(ds->ctx, name);
    if (!ds->categories[ds->ncat])
        return WS_ERR_NOMEM;
    *idx = ds->ncat++;
    return WS_OK;
}

ws_status ws__dataset_add_amenity(ws_dataset *ds, double x, double y,
                                  size_t cat) {
    ws__amenities *a = &ds->am;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        void *px = ws__realloc(ds->ctx, a->x, cap * sizeof *a->x);
        if (!px)
            return WS_ERR_NOMEM;
        a->x = px;
        void *py = ws__realloc(ds->ctx, a->y, cap * sizeof *a->y);
        if (!py)
            return WS_ERR_NOMEM;
        a->y = py;
        void *pc = ws__realloc(ds->ctx, a->cat, cap * sizeof *a->cat);
        if (!pc)
            return WS_ERR_NOMEM;
        a->cat = pc;
        a->cap = cap;
    }
    a->x[a->n] = x;
    a->y[a->n] = y;
    a->cat[a->n] = (uint16_t)cat;
    a->n++;
    return WS_OK;
}

ws_status ws__dataset_add_input(ws_dataset *ds, const char *role,
                                const char *path, const char *layer,
                                const char *definition, size_t features) {
    if (ws__reserve(ds->ctx, (void **)&ds->inputs, &ds->inputcap,
                    ds->ninputs + 1, sizeof *ds->inputs) != WS_OK)
        return WS_ERR_NOMEM;
    ws__input_info *in = &ds->inputs[ds->ninputs];
    memset(in, 0, sizeof *in);
    struct stat st;
    if (stat(path, &st) == 0) {
        in->size = (long long)st.st_size;
        in->mtime = st.st_mtime;
    }
    in->features = features;
    in->role = ws__strdup(ds->ctx, role);
    in->path = ws__strdup(ds->ctx, path);
    in->layer = ws__strdup(ds->ctx, layer ? layer : "");
    in->definition = ws__strdup(ds->ctx, definition ? definition : "");
    ds->ninputs++;
    if (!in->role || !in->path || !in->layer || !in->definition)
        return WS_ERR_NOMEM;
    return WS_OK;
}

ws_status ws__dataset_append_dwellings(ws_dataset *ds, const ws_dataset *from) {
    ws__dwellings *d = &ds->dw;
    const ws__dwellings *s = &from->dw;
    if (dwellings_reserve(ds->ctx, d, d->n + s->n) != WS_OK)
        return WS_ERR_NOMEM;
#define WS_APPEND_(field)                                                      \
    memcpy(d->field + d->n, s->field, s->n * sizeof *s->field)
    WS_APPEND_(x);
    WS_APPEND_(y);
    WS_APPEND_(oppervlakte);
    WS_APPEND_(bouwjaar);
    WS_APPEND_(pand_id);
    WS_APPEND_(pand_opp);
    WS_APPEND_(buurt);
#undef WS_APPEND_
    d->n += s->n;
    ds->n_vbo_rejected += from->n_vbo_rejected;
    return WS_OK;
}

ws_status ws__dataset_take_dwellings(ws_dataset *ds, ws_dataset *from) {
    if (ds->dw.n != 0 ||
        ws__reserve(ds->ctx, (void **)&ds->inputs, &ds->inputcap,
                    ds->ninputs + from->ninputs, sizeof *ds->inputs) != WS_OK)
        return ws__status_or(ds->ctx, WS_ERR_INVALID_ARG);
    ws__dwellings empty = ds->dw;
    ds->dw = from->dw;
    from->dw = empty;
    ds->n_vbo_read += from->n_vbo_read;
    ds->n_vbo_rejected += from->n_vbo_rejected;
    /* the strings move along (one allocator, ws__ctx_thread_safe_alloc) */
    memcpy(ds->inputs + ds->ninputs, from->inputs,
           from->ninputs * sizeof *from->inputs);
    ds->ninputs += from->ninputs;
    from->ninputs = 0;
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < from->nparams; i++)
        st = ws__dataset_set_param(ds, from->params[i].key, "%s",
                                   from->params[i].value);
    return st;
}

ws_status ws__dataset_set_param(ws_dataset *ds, const char *key,
                                const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < ds->nparams; i++)
        if (strcmp(ds->params[i].key, key) == 0) {
            char *v = ws__strdup(ds->ctx, buf);
            if (!v)
                return WS_ERR_NOMEM;
            ws__free(ds->ctx, ds->params[i].value);
            ds->params[i].value = v;
            return WS_OK;
        }
    if (ws__reserve(ds->ctx, (void **)&ds->params, &ds->paramcap,
                    ds->nparams + 1, sizeof *ds->params) != WS_OK)
        return WS_ERR_NOMEM;
    ws__param *p = &ds->params[ds->nparams++];
    p->key = ws__strdup(ds->ctx, key);
    p->value = ws__strdup(ds->ctx, buf);
    return (p->key && p->value) ? WS_OK : WS_ERR_NOMEM;
}

static char *dup_or_null(ws_ctx *ctx, const char *s, bool *ok) {
    char *d = s ? ws__strdup(ctx, s) : NULL;
    *ok = *ok && (d || !s);
    return d;
}

ws_status ws__dataset_add_colinfo(ws_dataset *ds, const ws__colinfo *in) {
    if (ws__reserve(ds->ctx, (void **)&ds->colinfo, &ds->colinfocap,
                    ds->ncolinfo + 1, sizeof *ds->colinfo) != WS_OK)
        return WS_ERR_NOMEM;
    bool ok = true;
    ws__colinfo c = {dup_or_null(ds->ctx, in->kolom, &ok),
                     dup_or_null(ds->ctx, in->thema, &ok),
                     dup_or_null(ds->ctx, in->label, &ok),
                     dup_or_null(ds->ctx, in->definitie, &ok),
                     dup_or_null(ds->ctx, in->eenheid, &ok),
                     dup_or_null(ds->ctx, in->richting, &ok),
                     dup_or_null(ds->ctx, in->normalisatie, &ok),
                     dup_or_null(ds->ctx, in->bron, &ok),
                     in->gewicht};
    ds->colinfo[ds->ncolinfo++] = c; /* freed with the dataset even if !ok */
    return ok ? WS_OK : WS_ERR_NOMEM;
}

ws_status ws__level_init(ws_dataset *ds, ws_level level) {
    ws__level *lv = &ds->levels[level];
    if (lv->table)
        return WS_OK;
    if (ws__table_new(ds->ctx, &lv->table) != WS_OK)
        return WS_ERR_NOMEM;
    size_t c;
    if (ws__table_add_col(lv->table, level_code[level], WS_COL_TEXT, &c) ||
        ws__table_add_col(lv->table, level_name[level], WS_COL_TEXT, &c))
        return WS_ERR_NOMEM;
    return WS_OK;
}

ws_status ws__level_add_region_take(ws_dataset *ds, ws_level level,
                                    GEOSGeometry *geom, size_t *row) {
    ws__level *lv = &ds->levels[level];
    ws_status st = ws__level_init(ds, level);
    if (st == WS_OK)
        st = ws__reserve(ds->ctx, (void **)&lv->geom, &lv->geom_cap,
                         lv->table->nrows + 1, sizeof *lv->geom);
    if (st == WS_OK)
        st = ws__table_add_rows(lv->table, 1);
    if (st != WS_OK) {
        if (geom)
            GEOSGeom_destroy_r(ds->ctx->geos, geom);
        return st;
    }
    *row = lv->table->nrows - 1;
    lv->geom[*row] = geom;
    return WS_OK;
}

const ws_table *ws_dataset_level_ref(const ws_dataset *ds, ws_level level) {
    return (unsigned)level < WS_LEVEL_COUNT ? ds->levels[level].table : NULL;
}
size_t ws_dataset_dwelling_count(const ws_dataset *ds) { return ds->dw.n; }
size_t ws_dataset_dwellings_outside(const ws_dataset *ds) {
    return ds->n_outside;
}
size_t ws_dataset_amenity_count(const ws_dataset *ds) { return ds->am.n; }
size_t ws_dataset_category_count(const ws_dataset *ds) { return ds->ncat; }
const char *ws_dataset_category_name(const ws_dataset *ds, size_t i) {
    return i < ds->ncat ? ds->categories[i] : NULL;
}
