/* Reading the CBS regions: buurten (required), wijken and gemeenten (from the
 * same file when it has them, otherwise dissolved from the buurten by code),
 * and the regio level that spans the whole selection. Water buurten are
 * dropped, every CBS no-data code becomes a missing value with its reason,
 * invalid polygons are repaired with GEOS MakeValid (counted and reported),
 * and codes must be unique. Wijk and gemeente membership follow the codes,
 * never the geometry. */
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../join/join_internal.h"
#include "load_internal.h"

typedef struct region_reader {
    ws_ctx *ctx;
    ws_dataset *ds;
    ws_source *src;
    const ws_layerdef *def;
    const ws_levelspec *spec;
    ws_level level;
    const ws_selection *sel;
    int f_code, f_name, f_wijk, f_gm, f_gmnaam, f_water;
    int *stat_field; /* OGR field index per statistic column */
    size_t *stat_col;
    size_t nstat;
} region_reader;

static bool is_numeric(OGRFieldType t) {
    return t == OFTInteger || t == OFTInteger64 || t == OFTReal;
}

static bool is_key_field(const region_reader *r, int i) {
    return i == r->f_code || i == r->f_name || i == r->f_wijk || i == r->f_gm ||
           i == r->f_gmnaam || i == r->f_water;
}

/* Every numeric field that is not a key and not excluded is a statistic. */
static ws_status plan_statistics(region_reader *r) {
    int n = OGR_FD_GetFieldCount(r->src->defn);
    r->stat_field = ws__calloc(r->ctx, (size_t)n + 1, sizeof *r->stat_field);
    r->stat_col = ws__calloc(r->ctx, (size_t)n + 1, sizeof *r->stat_col);
    if (!r->stat_field || !r->stat_col)
        return WS_ERR_NOMEM;
    ws_table *t = r->ds->levels[r->level].table;
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(r->src->defn, i);
        const char *name = OGR_Fld_GetNameRef(fd);
        if (!is_numeric(OGR_Fld_GetType(fd)) || is_key_field(r, i) ||
            ws__strlist_has(&r->def->exclude, name, true))
            continue;
        char buf[256];
        const char *out = ws__layerdef_rename(r->def, name, buf, sizeof buf);
        size_t col;
        ws_status st = ws__table_add_col(t, out, WS_COL_REAL, &col);
        if (st != WS_OK)
            return st;
        ws__table_set_role(t, col, WS_ROLE_STATISTIC,
                           OGR_Fld_GetType(fd) != OFTReal);
        r->stat_field[r->nstat] = i;
        r->stat_col[r->nstat++] = col;
    }
    return WS_OK;
}

static ws_status find_fields(region_reader *r) {
    const ws_levelspec *s = r->spec;
    ws_status st = ws__source_require_field(r->ctx, r->src, s->code,
                                            "the region code", &r->f_code);
    if (st != WS_OK)
        return st;
    r->f_name = ws__source_field(r->src, s->name);
    r->f_wijk = ws__source_field(r->src, s->wijkcode);
    r->f_gm = ws__source_field(r->src, s->gemeentecode);
    r->f_gmnaam = ws__source_field(r->src, s->gemeentenaam);
    r->f_water = ws__source_field(r->src, r->def->water_field);
    if (s->name && r->f_name < 0)
        ws__warn(r->ctx,
                 "%s: layer '%s' has no name field '%s'; names "
                 "stay empty",
                 r->src->path, r->src->layer_name, s->name);
    return WS_OK;
}

static const char *level_code_prefix(ws_level l) {
    return l == WS_LEVEL_BUURT ? "BU" : l == WS_LEVEL_WIJK ? "WK" : "GM";
}

/* Attribute filter for the selection, pushed down to the driver. */
static void push_selection(region_reader *r) {
    if (r->sel->n == 0)
        return;
    ws_strbuf sb;
    ws__sb_init(&sb, r->ctx);
    if (r->f_gm >= 0 && r->level != WS_LEVEL_GEMEENTE)
        ws__sql_in_selection(&sb, r->spec->gemeentecode, r->sel, false);
    else
        ws__sql_code_prefix(&sb, r->spec->code, r->sel,
                            level_code_prefix(r->level));
    const char *sql = ws__sb_str(&sb);
    if (sql) {
        ws__gdal_begin(r->ctx);
        if (OGR_L_SetAttributeFilter(r->src->layer, sql) != OGRERR_NONE)
            OGR_L_SetAttributeFilter(r->src->layer, NULL); /* filter below */
        ws__gdal_end(r->ctx);
    }
    ws__sb_free(&sb);
}

static bool is_water(const region_reader *r, OGRFeatureH f) {
    if (r->f_water < 0 || !OGR_F_IsFieldSetAndNotNull(f, r->f_water))
        return false;
    return ws__strlist_has(&r->def->water_drop,
                           OGR_F_GetFieldAsString(f, r->f_water), true);
}

/* Overlay union of n cloned geometries (the array is consumed), or NULL:
 * for the pieces MakeValid leaves, which need not tile. */
static GEOSGeometry *union_take(ws_ctx *ctx, GEOSGeometry **parts, size_t n) {
    GEOSGeometry *coll = GEOSGeom_createCollection_r(
        ctx->geos, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
    ws__free(ctx, parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(ctx->geos, coll) : NULL;
    if (coll)
        GEOSGeom_destroy_r(ctx->geos, coll);
    return u;
}

/* Which union dissolves regions: WIJKSCAN_UNION=classic forces the overlay
 * union, =coverage the coverage union unchecked (benchmarks and tests);
 * otherwise the coverage union where it is exact (region_union.c). */
static ws__union_kind union_kind(void) {
    const char *e = getenv("WIJKSCAN_UNION");
    if (e && strcmp(e, "classic") == 0)
        return WS_UNION_CLASSIC;
    if (e && strcmp(e, "coverage") == 0)
        return WS_UNION_COVERAGE;
    return WS_UNION_AUTO;
}

/* --- unions on every core ------------------------------------------------
 * A batch of unions (one per region to dissolve) is prepared on the calling
 * thread, which does every allocation through the context (the parts and
 * each worker's working memory), and computed by worker threads with GEOS
 * handles of their own; the calling thread then takes the results in
 * order. A union that failed on a worker is computed again on the calling
 * thread, so that the error names GEOS's reason. */
typedef struct union_task {
    GEOSGeometry *coll; /* the parts (owned) */
    size_t nparts, nverts;
    GEOSGeometry *result;
} union_task;

typedef struct union_batch {
    union_task *task;
    size_t n;
    ws__union_kind kind;
    atomic_size_t next;
} union_batch;

typedef struct union_part {
    union_batch *b;
    void *mem; /* working memory for the largest task */
    size_t bytes;
} union_part;

static size_t task_bytes(const union_task *t) {
    return ws__union_scratch_bytes(t->nparts, t->nverts);
}

static void *union_worker(void *arg) {
    union_part *part = arg;
    union_batch *b = part->b;
    GEOSContextHandle_t h = GEOS_init_r();
    for (size_t i; h && (i = atomic_fetch_add(&b->next, 1)) < b->n;)
        b->task[i].result = ws__polygon_union(h, b->task[i].coll, part->mem,
                                              part->bytes, b->kind, NULL);
    if (h)
        GEOS_finish_r(h);
    return NULL;
}

#define UNION_MAX_THREADS 8

static ws_status run_unions(ws_ctx *ctx, union_batch *b,
                            size_t min_for_threads) {
    int nt = ws__threads_for(b->n, min_for_threads);
    if (nt > UNION_MAX_THREADS)
        nt = UNION_MAX_THREADS;
    if ((size_t)nt > b->n)
        nt = (int)(b->n ? b->n : 1);
    size_t bytes = 0;
    for (size_t i = 0; i < b->n; i++)
        if (task_bytes(&b->task[i]) > bytes)
            bytes = task_bytes(&b->task[i]);
    union_part parts[UNION_MAX_THREADS];
    ws_status st = WS_OK;
    for (int k = 0; k < nt; k++) {
        parts[k] = (union_part){b, ws__malloc(ctx, bytes), bytes};
        if (!parts[k].mem)
            st = WS_ERR_NOMEM;
    }
    atomic_init(&b->next, 0);
    if (st == WS_OK)
        ws__run_parts(union_worker, parts, sizeof parts[0], nt);
    for (int k = 0; k < nt; k++)
        ws__free(ctx, parts[k].mem);
    return st;
}

/* The result of task i, computed again with the context's handle when a
 * worker could not (NULL then: GEOS failed, ctx->geos_msg says why, or
 * there was no memory). */
static GEOSGeometry *union_result(ws_ctx *ctx, union_batch *b, size_t i) {
    union_task *t = &b->task[i];
    GEOSGeometry *u = t->result;
    t->result = NULL;
    if (!u && t->coll) {
        size_t bytes = task_bytes(t);
        void *mem = ws__malloc(ctx, bytes);
        if (mem)
            u = ws__polygon_union(ctx->geos, t->coll, mem, bytes, b->kind,
                                  NULL);
        ws__free(ctx, mem);
    }
    return u;
}

static void union_batch_free(ws_ctx *ctx, union_batch *b) {
    for (size_t i = 0; b->task && i < b->n; i++) {
        if (b->task[i].coll)
            GEOSGeom_destroy_r(ctx->geos, b->task[i].coll);
        if (b->task[i].result)
            GEOSGeom_destroy_r(ctx->geos, b->task[i].result);
    }
    ws__free(ctx, b->task);
    b->task = NULL;
    b->n = 0;
}

/* A task over clones of `n` polygons (the array is consumed). */
static void set_task(ws_ctx *ctx, union_task *t, GEOSGeometry **parts,
                     size_t n) {
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        int c = parts[i] ? GEOSGetNumCoordinates_r(ctx->geos, parts[i]) : 0;
        nv += c > 0 ? (size_t)c : 0;
    }
    t->coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION,
                                          parts, (unsigned)n);
    t->nparts = n;
    t->nverts = nv;
    ws__free(ctx, parts);
}

/* Keep only the polygonal parts of a geometry (MakeValid may add lines). */
static GEOSGeometry *polygonal_part(ws_ctx *ctx, GEOSGeometry *g) {
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
        return g;
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    GEOSGeometry **parts =
        ws__calloc(ctx, (size_t)(n > 0 ? n : 1), sizeof *parts);
    if (!parts) {
        GEOSGeom_destroy_r(ctx->geos, g);
        return NULL;
    }
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        int t = GEOSGeomTypeId_r(ctx->geos, p);
        if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
            parts[k++] = GEOSGeom_clone_r(ctx->geos, p);
    }
    GEOSGeom_destroy_r(ctx->geos, g);
    return union_take(ctx, parts, k);
}

/* OGR geometry of a feature -> GEOS (multi)polygon in RD New; whether it is
 * valid is checked with the rest of its level (check_validity). */
static ws_status read_polygon(region_reader *r, OGRFeatureH f, const char *code,
                              GEOSGeometry **out) {
    ws_ctx *ctx = r->ctx;
    *out = NULL;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g))
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': region %s has no geometry",
                         r->src->path, r->src->layer_name, code);
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t != wkbPolygon && t != wkbMultiPolygon && t != wkbCurvePolygon &&
        t != wkbMultiSurface)
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': region %s has a %s geometry, "
                         "expected a polygon",
                         r->src->path, r->src->layer_name, code,
                         OGRGeometryTypeToName(t));
    if (t == wkbCurvePolygon || t == wkbMultiSurface)
        g = OGR_G_ForceToMultiPolygon(OGR_F_StealGeometry(f)),
        OGR_F_SetGeometryDirectly(f, g);
    ws__gdal_begin(ctx);
    OGRErr err =
        r->src->to_rd ? OGR_G_Transform(g, r->src->to_rd) : OGRERR_NONE;
    ws__gdal_end(ctx);
    if (err != OGRERR_NONE)
        return ws__error(ctx, WS_ERR_CRS,
                         "%s: layer '%s': region %s cannot be transformed to "
                         "EPSG:28992: %s",
                         r->src->path, r->src->layer_name, code,
                         ws__gdal_reason(ctx));
    int size = OGR_G_WkbSize(g);
    unsigned char *wkb = ws__malloc(ctx, (size_t)size);
    if (!wkb)
        return WS_ERR_NOMEM;
    OGR_G_ExportToWkb(g, wkbNDR, wkb);
    GEOSGeometry *geos = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, (size_t)size);
    ws__free(ctx, wkb);
    if (!geos)
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': region %s: unreadable geometry (%s)",
                         r->src->path, r->src->layer_name, code, ctx->geos_msg);
    *out = geos;
    return WS_OK;
}

/* --- validity ------------------------------------------------------------
 * Every polygon of a level is checked once, after the level is read, on
 * every core; the invalid ones are then repaired in row order on the
 * calling thread, with the same warnings and counts as when each was
 * checked as it was read. */
enum { VALID_UNCHECKED = 0, VALID_YES = 1, VALID_NO = 2 };

typedef struct valid_batch {
    GEOSGeometry *const *geom;
    uint8_t *state;
    size_t n;
    atomic_size_t next;
} valid_batch;

typedef struct valid_part {
    valid_batch *b;
} valid_part;

/* A region plainly valid (ws__certainly_valid) skips GEOS's IsValidOp,
 * which nodes every ring. */
static void *valid_worker(void *arg) {
    valid_batch *b = ((valid_part *)arg)->b;
    GEOSContextHandle_t h = GEOS_init_r();
    ws__valid_scratch *scratch = ws__valid_scratch_new();
    for (size_t lo; h && (lo = atomic_fetch_add(&b->next, 8)) < b->n;)
        for (size_t i = lo; i < lo + 8 && i < b->n; i++)
            b->state[i] = ws__certainly_valid(h, b->geom[i], scratch) ||
                                  GEOSisValid_r(h, b->geom[i]) == 1
                              ? VALID_YES
                              : VALID_NO;
    ws__valid_scratch_free(scratch);
    if (h)
        GEOS_finish_r(h);
    return NULL;
}

/* Repair row `row` when it is invalid (checked again with the context's
 * handle, so that GEOS's notice is the one a single-threaded check gives). */
static ws_status repair_row(region_reader *r, size_t row) {
    ws_ctx *ctx = r->ctx;
    ws__level *lv = &r->ds->levels[r->level];
    GEOSGeometry *geos = lv->geom[row];
    if (GEOSisValid_r(ctx->geos, geos) == 1)
        return WS_OK;
    const char *code = ws_table_get_text(lv->table, 0, row);
    if (!code)
        code = "?";
    GEOSGeometry *fixed = GEOSMakeValid_r(ctx->geos, geos);
    GEOSGeom_destroy_r(ctx->geos, geos);
    lv->geom[row] = NULL;
    geos = fixed ? polygonal_part(ctx, fixed) : NULL;
    if (!geos)
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': region %s: invalid polygon "
                         "that could not be repaired (%s)",
                         r->src->path, r->src->layer_name, code, ctx->geos_msg);
    lv->geom[row] = geos;
    r->ds->n_invalid_repaired++;
    ws__warn(ctx,
             "%s: layer '%s': invalid polygon of %s repaired with "
             "MakeValid",
             r->src->path, r->src->layer_name, code);
    return WS_OK;
}

static ws_status check_validity(region_reader *r, size_t first) {
    ws__level *lv = &r->ds->levels[r->level];
    size_t n = lv->table->nrows > first ? lv->table->nrows - first : 0;
    if (n == 0)
        return WS_OK;
    valid_batch b = {lv->geom + first, ws__calloc(r->ctx, n, 1), n, 0};
    if (!b.state)
        return WS_ERR_NOMEM;
    int nt = ws__threads_for(n, 64);
    if ((size_t)nt > n / 8 + 1)
        nt = (int)(n / 8 + 1);
    valid_part parts[8];
    for (int k = 0; k < 8; k++)
        parts[k].b = &b;
    atomic_init(&b.next, 0);
    ws__run_parts(valid_worker, parts, sizeof parts[0], nt < 8 ? nt : 8);
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < n; i++)
        if (b.state[i] != VALID_YES)
            st = repair_row(r, first + i);
    ws__free(r->ctx, b.state);
    return st;
}

static ws_status set_text_field(ws_table *t, const char *col, size_t row,
                                const char *value) {
    size_t c;
    ws_status st = ws__table_add_col(t, col, WS_COL_TEXT, &c);
    return st ? st : ws__table_set_text(t, c, row, value);
}

/* Code, name and parent codes of one row; parents follow from the code. */
static ws_status read_keys(region_reader *r, OGRFeatureH f, const char *code,
                           size_t row) {
    ws_table *t = r->ds->levels[r->level].table;
    ws_status st = ws__table_set_text(t, 0, row, code);
    if (st == WS_OK && r->f_name >= 0 &&
        OGR_F_IsFieldSetAndNotNull(f, r->f_name))
        st =
            ws__table_set_text(t, 1, row, OGR_F_GetFieldAsString(f, r->f_name));
    char gm[8], wk[10];
    if (st == WS_OK && r->level == WS_LEVEL_BUURT && ws__wijk_of(code, wk))
        st = set_text_field(t, WS_COL_WIJKCODE, row, wk);
    if (st == WS_OK && r->level != WS_LEVEL_GEMEENTE &&
        ws__gemeente_of(code, gm))
        st = set_text_field(t, WS_COL_GEMEENTECODE, row, gm);
    if (st == WS_OK && r->level != WS_LEVEL_GEMEENTE && r->f_gmnaam >= 0 &&
        OGR_F_IsFieldSetAndNotNull(f, r->f_gmnaam))
        st = set_text_field(t, WS_COL_GEMEENTENAAM, row,
                            OGR_F_GetFieldAsString(f, r->f_gmnaam));
    return st;
}

static void read_statistics(region_reader *r, OGRFeatureH f, size_t row) {
    ws_table *t = r->ds->levels[r->level].table;
    for (size_t i = 0; i < r->nstat; i++) {
        int fi = r->stat_field[i];
        if (OGR_F_IsFieldSetAndNotNull(f, fi))
            ws__table_set_cbs(t, r->stat_col[i], row,
                              OGR_F_GetFieldAsDouble(f, fi));
        else
            ws__table_set_missing(t, r->stat_col[i], row, WS_MISSING_EMPTY);
    }
}

/* Validate a code and say whether the row belongs to the selection. */
static ws_status check_code(region_reader *r, OGRFeatureH f, const char *code,
                            bool *keep) {
    char gm[8];
    const char *prefix = level_code_prefix(r->level);
    if (strncmp(code, prefix, 2) != 0 || !ws__gemeente_of(code, gm))
        return ws__error(r->ctx, WS_ERR_DATA,
                         "%s: layer '%s': feature %lld: field '%s' holds "
                         "'%s', which is not a %s code (expected e.g. %s)",
                         r->src->path, r->src->layer_name,
                         (long long)OGR_F_GetFID(f), r->spec->code, code,
                         ws_level_layer_name(r->level),
                         r->level == WS_LEVEL_BUURT  ? "BU01140101"
                         : r->level == WS_LEVEL_WIJK ? "WK011401"
                                                     : "GM0114");
    *keep = ws__selection_has(r->sel, gm);
    return WS_OK;
}

static ws_status read_rows(region_reader *r, size_t *nread) {
    ws_ctx *ctx = r->ctx;
    OGRFeatureH f;
    ws_status st = WS_OK;
    *nread = 0;
    ws__gdal_begin(ctx);
    OGR_L_ResetReading(r->src->layer);
    while (st == WS_OK && (f = OGR_L_GetNextFeature(r->src->layer)) != NULL) {
        (*nread)++;
        const char *code = OGR_F_IsFieldSetAndNotNull(f, r->f_code)
                               ? OGR_F_GetFieldAsString(f, r->f_code)
                               : "";
        bool keep = false;
        if (!*code)
            st = ws__error(ctx, WS_ERR_DATA,
                           "%s: layer '%s': feature %lld has no %s",
                           r->src->path, r->src->layer_name,
                           (long long)OGR_F_GetFID(f), r->spec->code);
        else
            st = check_code(r, f, code, &keep);
        if (st == WS_OK && keep && is_water(r, f)) {
            r->ds->n_water_dropped++;
            keep = false;
        }
        if (st == WS_OK && keep) {
            GEOSGeometry *g = NULL;
            size_t row;
            st = read_polygon(r, f, code, &g);
            if (st == WS_OK)
                st = ws__level_add_region_take(r->ds, r->level, g, &row);
            if (st == WS_OK)
                st = read_keys(r, f, code, row);
            if (st == WS_OK)
                read_statistics(r, f, row);
        }
        OGR_F_Destroy(f);
    }
    if (st == WS_OK)
        st = ws__source_read_errors(ctx, r->src);
    ws__gdal_end(ctx);
    return st;
}

static ws_status read_level(ws_ctx *ctx, ws_dataset *ds, ws_source *src,
                            const ws_layerdef *def, ws_level level,
                            const ws_selection *sel) {
    region_reader r = {.ctx = ctx,
                       .ds = ds,
                       .src = src,
                       .def = def,
                       .spec = &def->level[level],
                       .level = level,
                       .sel = sel};
    ws_status st = ws__level_init(ds, level);
    if (st == WS_OK)
        st = find_fields(&r);
    if (st == WS_OK)
        st = plan_statistics(&r);
    size_t nread = 0;
    if (st == WS_OK) {
        size_t first = ds->levels[level].table->nrows;
        push_selection(&r);
        st = read_rows(&r, &nread);
        /* The rows read before an error were checked (and perhaps repaired,
         * or failed to be) before it: so that a repair error still comes
         * first, the reader's error waits while they are checked. */
        ws_status read_st = ctx->status;
        char read_msg[WS_ERROR_SIZE];
        memcpy(read_msg, ctx->errmsg, sizeof read_msg);
        ws_ctx_clear_error(ctx);
        ws_status vst = check_validity(&r, first);
        if (vst == WS_OK && read_st != WS_OK) {
            ctx->status = read_st;
            memcpy(ctx->errmsg, read_msg, sizeof read_msg);
        }
        st = vst != WS_OK ? vst : st;
    }
    ws__free(ctx, r.stat_field);
    ws__free(ctx, r.stat_col);
    if (st == WS_OK)
        st = ws__table_index_codes(ds->levels[level].table, 0, src->path);
    if (st == WS_OK)
        st = ws__dataset_add_input(ds, ws_level_layer_name(level), src->path,
                                   src->layer_name, def->path,
                                   ds->levels[level].table->nrows);
    return st;
}

/* The layer of a coarser level in the same file, if the file has it. */
static bool pick_level_layer(ws_source *src, const ws_levelspec *spec) {
    for (size_t i = 0; spec->present && i < spec->layers.n; i++) {
        OGRLayerH l = GDALDatasetGetLayerByName(src->ds, spec->layers.v[i]);
        if (l && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), spec->code) >= 0) {
            src->layer = l;
            src->layer_name = OGR_L_GetName(l);
            src->defn = OGR_L_GetLayerDefn(l);
            return true;
        }
    }
    return false;
}

/* Parent code of a buurt at a coarser level, from the buurt's own columns. */
static const char *parent_code(const ws_table *bt, size_t row, ws_level lv) {
    if (lv == WS_LEVEL_REGIO)
        return "REGIO";
    long c = ws_table_find(bt, lv == WS_LEVEL_WIJK ? WS_COL_WIJKCODE
                                                   : WS_COL_GEMEENTECODE);
    return c < 0 ? NULL : ws_table_get_text(bt, (size_t)c, row);
}

/* Buurten per parent code, for the parents the level lacks, in the order
 * in which the buurten first name them. */
typedef struct parent_groups {
    size_t n;
    size_t *head, *tail, *count; /* per group: first and last buurt, size */
    size_t *next;                /* per buurt: next one in its group */
} parent_groups;

static void groups_free(ws_ctx *ctx, parent_groups *g) {
    ws__free(ctx, g->head);
    ws__free(ctx, g->tail);
    ws__free(ctx, g->count);
    ws__free(ctx, g->next);
}

static ws_status group_missing(ws_ctx *ctx, ws_dataset *ds, ws_level lv,
                               parent_groups *g) {
    const ws_table *bt = ds->levels[WS_LEVEL_BUURT].table;
    const ws_table *lt = ds->levels[lv].table;
    size_t nb = bt->nrows ? bt->nrows : 1;
    memset(g, 0, sizeof *g);
    g->head = ws__malloc(ctx, nb * sizeof *g->head);
    g->tail = ws__malloc(ctx, nb * sizeof *g->tail);
    g->count = ws__malloc(ctx, nb * sizeof *g->count);
    g->next = ws__malloc(ctx, nb * sizeof *g->next);
    ws_hash index; /* parent code -> group */
    if (!g->head || !g->tail || !g->count || !g->next ||
        ws__hash_init(&index, ctx, 64, true) != WS_OK)
        return WS_ERR_NOMEM;
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < bt->nrows; i++) {
        const char *code = parent_code(bt, i, lv);
        size_t k;
        g->next[i] = SIZE_MAX;
        if (!code || ws_table_find_row(lt, code) >= 0)
            continue;
        if (ws__hash_get_str(&index, code, &k)) {
            g->next[g->tail[k]] = i;
            g->tail[k] = i;
            g->count[k]++;
            continue;
        }
        k = g->n++;
        g->head[k] = g->tail[k] = i;
        g->count[k] = 1;
        st = ws__hash_put_str(&index, code, k, NULL);
    }
    ws__hash_free(&index);
    return st;
}

/* One union per group, of clones of its buurt polygons. */
static ws_status prepare_dissolves(ws_ctx *ctx, ws_dataset *ds,
                                   const parent_groups *g, union_batch *b) {
    const ws__level *bl = &ds->levels[WS_LEVEL_BUURT];
    b->task = ws__calloc(ctx, g->n ? g->n : 1, sizeof *b->task);
    if (!b->task)
        return WS_ERR_NOMEM;
    b->n = g->n;
    for (size_t k = 0; k < g->n; k++) {
        GEOSGeometry **parts = ws__calloc(ctx, g->count[k], sizeof *parts);
        if (!parts)
            return WS_ERR_NOMEM;
        size_t m = 0;
        for (size_t i = g->head[k]; i != SIZE_MAX; i = g->next[i])
            parts[m++] = GEOSGeom_clone_r(ctx->geos, bl->geom[i]);
        set_task(ctx, &b->task[k], parts, m);
    }
    return WS_OK;
}

/* Add a row for every parent code the buurten use but the level lacks,
 * dissolved from its buurten. */
static ws_status complete_level(ws_ctx *ctx, ws_dataset *ds, ws_level lv,
                                bool from_file) {
    ws_status st = ws__level_init(ds, lv);
    if (st != WS_OK)
        return st;
    parent_groups g;
    st = group_missing(ctx, ds, lv, &g);
    if (st != WS_OK || g.n == 0) {
        groups_free(ctx, &g);
        return st;
    }
    ws_table *bt = ds->levels[WS_LEVEL_BUURT].table;
    ws_table *lt = ds->levels[lv].table;
    union_batch b = {NULL, 0, union_kind(), 0};
    st = prepare_dissolves(ctx, ds, &g, &b);
    if (st == WS_OK)
        st = run_unions(ctx, &b, 64);
    for (size_t k = 0; st == WS_OK && k < g.n; k++) {
        const char *code = parent_code(bt, g.head[k], lv);
        GEOSGeometry *u = union_result(ctx, &b, k);
        size_t row;
        if (!u) { /* out of memory (recorded), or GEOS failed */
            st = ws__has_error(ctx)
                     ? ws__status_or(ctx, WS_ERR_GEOMETRY)
                     : ws__error(ctx, WS_ERR_GEOMETRY,
                                 "cannot dissolve buurten into %s: %s", code,
                                 ctx->geos_msg);
            break;
        }
        st = ws__level_add_region_take(ds, lv, u, &row);
        if (st == WS_OK)
            st = ws__table_set_text(lt, 0, row, code);
        if (st == WS_OK && lv == WS_LEVEL_WIJK) {
            char gm[8];
            if (ws__gemeente_of(code, gm))
                st = set_text_field(lt, WS_COL_GEMEENTECODE, row, gm);
        }
    }
    if (st == WS_OK)
        st = ws__table_index_codes(lt, 0, ws_level_layer_name(lv));
    union_batch_free(ctx, &b);
    if (st == WS_OK && from_file)
        ws__warn(ctx,
                 "%zu %s used by the buurten are missing from the %s "
                 "layer; they were dissolved from their buurten",
                 g.n, ws_level_layer_name(lv), ws_level_layer_name(lv));
    groups_free(ctx, &g);
    return st;
}

/* Names of gemeenten known only from the buurt rows' gemeentenaam field. */
static ws_status fill_gemeente_names(ws_dataset *ds) {
    ws_table *bt = ds->levels[WS_LEVEL_BUURT].table;
    ws_table *gt = ds->levels[WS_LEVEL_GEMEENTE].table;
    long cn = ws_table_find(bt, WS_COL_GEMEENTENAAM);
    long cc = ws_table_find(bt, WS_COL_GEMEENTECODE);
    if (cn < 0 || cc < 0)
        return WS_OK;
    for (size_t i = 0; i < bt->nrows; i++) {
        const char *code = ws_table_get_text(bt, (size_t)cc, i);
        const char *name = ws_table_get_text(bt, (size_t)cn, i);
        long row = code ? ws_table_find_row(gt, code) : -1;
        if (row >= 0 && name && !ws_table_get_text(gt, 1, (size_t)row)) {
            ws_status st = ws__table_set_text(gt, 1, (size_t)row, name);
            if (st != WS_OK)
                return st;
        }
    }
    return WS_OK;
}

/* The regio outline: the union of the gemeenten. */
static ws_status build_regio(ws_ctx *ctx, ws_dataset *ds, const char *name) {
    ws__level *g = &ds->levels[WS_LEVEL_GEMEENTE];
    size_t n = g->table->nrows;
    union_batch b = {ws__calloc(ctx, 1, sizeof *b.task), 1, union_kind(), 0};
    GEOSGeometry **parts = ws__calloc(ctx, n ? n : 1, sizeof *parts);
    if (!b.task || !parts) {
        ws__free(ctx, b.task);
        ws__free(ctx, parts);
        return WS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        parts[i] = GEOSGeom_clone_r(ctx->geos, g->geom[i]);
    set_task(ctx, &b.task[0], parts, n);
    GEOSGeometry *u = union_result(ctx, &b, 0);
    union_batch_free(ctx, &b);
    if (!u) /* out of memory (recorded), or GEOS failed */
        return ws__has_error(ctx) ? ws__status_or(ctx, WS_ERR_GEOMETRY)
                                  : ws__error(ctx, WS_ERR_GEOMETRY,
                                              "cannot build the region "
                                              "outline: %s",
                                              ctx->geos_msg);
    size_t row;
    ws_status st = ws__level_add_region_take(ds, WS_LEVEL_REGIO, u, &row);
    if (st == WS_OK)
        st = ws__table_set_text(ds->levels[WS_LEVEL_REGIO].table, 0, row,
                                "REGIO");
    if (st == WS_OK)
        st = ws__table_set_text(ds->levels[WS_LEVEL_REGIO].table, 1, row, name);
    if (st == WS_OK)
        st =
            ws__table_index_codes(ds->levels[WS_LEVEL_REGIO].table, 0, "regio");
    return st;
}

/* Row of each region's parent at every coarser level. */
static ws_status link_parents(ws_ctx *ctx, ws_dataset *ds) {
    for (int l = 0; l < WS_LEVEL_COUNT; l++) {
        ws__level *lv = &ds->levels[l];
        size_t n = lv->table->nrows;
        for (int p = l + 1; p < WS_LEVEL_COUNT; p++) {
            lv->parent[p] = ws__malloc(ctx, (n ? n : 1) * sizeof(long));
            if (!lv->parent[p])
                return WS_ERR_NOMEM;
            for (size_t i = 0; i < n; i++) {
                char gm[8];
                const char *code = ws_table_get_text(lv->table, 0, i);
                const char *pc = NULL;
                if (p == WS_LEVEL_REGIO)
                    pc = "REGIO";
                else if (p == WS_LEVEL_GEMEENTE && ws__gemeente_of(code, gm))
                    pc = gm;
                else if (p == WS_LEVEL_WIJK)
                    pc = parent_code(lv->table, i, WS_LEVEL_WIJK);
                lv->parent[p][i] =
                    pc ? ws_table_find_row(ds->levels[p].table, pc) : -1;
            }
        }
    }
    return WS_OK;
}

/* Copy the names of parent regions (wijknaam, gemeentenaam) onto the rows
 * of finer levels, so every output layer is readable on its own. */
static ws_status fill_parent_names(ws_dataset *ds) {
    static const struct {
        ws_level child, parent;
        const char *col;
    } links[] = {{WS_LEVEL_BUURT, WS_LEVEL_WIJK, WS_COL_WIJKNAAM},
                 {WS_LEVEL_BUURT, WS_LEVEL_GEMEENTE, WS_COL_GEMEENTENAAM},
                 {WS_LEVEL_WIJK, WS_LEVEL_GEMEENTE, WS_COL_GEMEENTENAAM}};
    for (size_t k = 0; k < sizeof links / sizeof links[0]; k++) {
        ws__level *child = &ds->levels[links[k].child];
        const ws_table *pt = ds->levels[links[k].parent].table;
        size_t col;
        ws_status st =
            ws__table_add_col(child->table, links[k].col, WS_COL_TEXT, &col);
        for (size_t r = 0; st == WS_OK && r < child->table->nrows; r++) {
            long pr = child->parent[links[k].parent][r];
            const char *name =
                pr >= 0 ? ws_table_get_text(pt, 1, (size_t)pr) : NULL;
            if (name && !ws_table_get_text(child->table, col, r))
                st = ws__table_set_text(child->table, col, r, name);
        }
        if (st != WS_OK)
            return st;
    }
    return WS_OK;
}

static ws_status check_selection(ws_ctx *ctx, ws_dataset *ds,
                                 const ws_source *src, const char *field,
                                 const ws_selection *sel) {
    const ws_table *bt = ds->levels[WS_LEVEL_BUURT].table;
    if (bt->nrows == 0)
        return ws__error(
            ctx, WS_ERR_DATA_EMPTY, "%s: layer '%s': no buurten %s", src->path,
            src->layer_name, sel->n ? "in the selected gemeenten" : "at all");
    long cc = ws_table_find(bt, WS_COL_GEMEENTECODE);
    for (size_t i = 0; i < sel->n; i++) {
        bool found = false;
        for (size_t r = 0; cc >= 0 && r < bt->nrows && !found; r++)
            found = strcmp(ws_table_get_text(bt, (size_t)cc, r),
                           sel->gemeenten[i]) == 0;
        if (!found)
            return ws__error(ctx, WS_ERR_DATA_UNKNOWN_CODE,
                             "%s: layer '%s': gemeentecode %s not found "
                             "(field '%s')",
                             src->path, src->layer_name, sel->gemeenten[i],
                             field);
    }
    return WS_OK;
}

ws_status ws__load_regions(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                           const ws_layerdefs *defs, const ws_selection *sel,
                           const char *region_name, ws_bbox *extent) {
    ws_source src;
    const ws_layerdef *def = NULL;
    ws_layerdef *owned = NULL;
    ws_status st = ws__open_input(ctx, in, defs, WS_DEF_CBS_REGIONS, "buurten",
                                  &src, &def, &owned);
    if (st == WS_OK)
        st = ws__source_prepare_crs(ctx, &src, def->crs);
    if (st == WS_OK)
        st = read_level(ctx, ds, &src, def, WS_LEVEL_BUURT, sel);
    if (st == WS_OK)
        st = check_selection(ctx, ds, &src, def->level[0].code, sel);
    for (ws_level lv = WS_LEVEL_WIJK; st == WS_OK && lv <= WS_LEVEL_GEMEENTE;
         lv++) {
        bool have = pick_level_layer(&src, &def->level[lv]);
        if (have)
            st = ws__source_prepare_crs(ctx, &src, def->crs);
        if (have && st == WS_OK)
            st = read_level(ctx, ds, &src, def, lv, sel);
        if (st == WS_OK)
            st = complete_level(ctx, ds, lv, have);
    }
    if (st == WS_OK)
        st = fill_gemeente_names(ds);
    if (st == WS_OK)
        st = build_regio(ctx, ds, region_name);
    if (st == WS_OK)
        st = link_parents(ctx, ds);
    if (st == WS_OK)
        st = fill_parent_names(ds);
    for (size_t i = 0; st == WS_OK && i < ds->levels[0].table->nrows; i++) {
        double x0, y0, x1, y1;
        if (GEOSGeom_getXMin_r(ctx->geos, ds->levels[0].geom[i], &x0) &&
            GEOSGeom_getYMin_r(ctx->geos, ds->levels[0].geom[i], &y0) &&
            GEOSGeom_getXMax_r(ctx->geos, ds->levels[0].geom[i], &x1) &&
            GEOSGeom_getYMax_r(ctx->geos, ds->levels[0].geom[i], &y1))
            ws__bbox_add(extent, x0, y0, x1, y1);
    }
    if (ds->n_water_dropped)
        ws__info(ctx, "%zu water regions (water = JA) dropped",
                 ds->n_water_dropped);
#ifdef __GLIBC__
    /* GEOS's working memory on the worker threads (validity checks,
     * unions) stays in their malloc arenas when freed; hand it back */
    malloc_trim(0);
#endif
    ws__source_close(&src);
    ws__layerdef_free(ctx, owned);
    return st;
}
