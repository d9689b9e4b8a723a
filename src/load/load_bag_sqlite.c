/* The BAG verblijfsobjecten of a whole GeoPackage layer read with SQLite
 * itself. A GeoPackage is an SQLite file whose geometries are blobs of a
 * short header and WKB (GeoPackage 1.3, clause 2.1.3); reading the table
 * directly skips GDAL's conversion of every row to an OGR feature or an
 * Arrow batch. At national scale (9.4 M rows) the bare SQLite read takes
 * 2.9 s on one core and 1.45 s on two, against 3.0 s for GDAL's Arrow
 * stream, which also keeps a second core busy; see tests/bench/README.md.
 *
 * The rows are split into ranges of the fid (the table's rowid), one per
 * thread, each with its own connection, and appended in order, so the
 * dwellings come in the layer's order whatever the number of threads. With
 * a gemeente selection the query carries the same condition GDAL's
 * attribute filter is given (SQLite evaluates both), so the rows read and
 * counted are the same as GDAL's.
 * Anything this reader does not handle — a table GDAL shows differently (a
 * view, another fid), a value of another storage class than its column's
 * type, a geometry blob that is not a plain GeoPackage point, an SQLite
 * error — gives WS_ERR_UNSUPPORTED, and GDAL reads the layer instead, so
 * that every error is reported exactly as GDAL's readers report it. The
 * GDAL configuration option WS_BAG_SQLITE=NO turns this reader off. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <sqlite3.h>

#include "../join/join_internal.h"
#include "load_bag_internal.h"

#define PART_MAX 8
#define ROWS_PER_STEP 65536 /* rows between room reservations and progress */

long long ws__bag_split_min_rows(void) {
    long long n = atoll(CPLGetConfigOption("WS_BAG_SPLIT_MIN_ROWS", "200000"));
    return n > 0 ? n : 1;
}

/* How a column's values are read, from its OGR field type. */
typedef enum col_kind { COL_TEXT, COL_INT32, COL_INT64, COL_REAL } col_kind;

/* The statement's columns: 0 geometry, 1 fid, then these (-1: not
 * selected). */
typedef struct bag_query {
    char sql[8192];
    int use, status, opp, bouwjaar, pand, current;
    size_t ncurrent;
    col_kind opp_kind, bouwjaar_kind, pand_kind;
} bag_query;

static bool kind_of(OGRFieldType t, col_kind *k) {
    switch (t) {
    case OFTString:
        *k = COL_TEXT;
        return true;
    case OFTInteger:
        *k = COL_INT32;
        return true;
    case OFTInteger64:
        *k = COL_INT64;
        return true;
    case OFTReal:
        *k = COL_REAL;
        return true;
    default:
        return false;
    }
}

/* Append ", "name"" to the statement; false when the name cannot be quoted
 * simply or the statement would not fit. */
static bool add_column(bag_query *q, size_t *len, const char *name, int *col,
                       int *next) {
    if (!name || strchr(name, '"'))
        return false;
    int n = snprintf(q->sql + *len, sizeof q->sql - *len, ", \"%s\"", name);
    if (n < 0 || (size_t)n >= sizeof q->sql - *len)
        return false;
    *len += (size_t)n;
    *col = (*next)++;
    return true;
}

static const char *field_name(const ws_source *src, int idx) {
    return OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(src->defn, idx));
}

static OGRFieldType field_type(const ws_source *src, int idx) {
    return OGR_Fld_GetType(OGR_FD_GetFieldDefn(src->defn, idx));
}

/* An optional numeric or text field as a column of the statement. */
static bool add_field(bag_query *q, size_t *len, const ws_source *src, int idx,
                      int *col, col_kind *kind, int *next) {
    *col = -1;
    if (idx < 0)
        return true;
    return kind_of(field_type(src, idx), kind) &&
           add_column(q, len, field_name(src, idx), col, next);
}

/* SELECT geometry, fid, gebruiksdoel, status, oppervlakte, bouwjaar, pand,
 * end dates FROM the table WHERE fid BETWEEN ?1 AND ?2 [AND the rules of a
 * selection, with its gemeenten], in fid order. */
static bool build_query(const ws_source *src, const bag_fields *f,
                        const char *rules, const char *fid, const char *geom,
                        bag_query *q) {
    memset(q, 0, sizeof *q);
    if (strchr(geom, '"') || strchr(fid, '"') || strchr(src->layer_name, '"'))
        return false;
    size_t len = (size_t)snprintf(q->sql, sizeof q->sql,
                                  "SELECT \"%s\", \"%s\"", geom, fid);
    int next = 2;
    col_kind k;
    bool ok =
        kind_of(field_type(src, f->use), &k) && k == COL_TEXT &&
        kind_of(field_type(src, f->status), &k) && k == COL_TEXT &&
        add_column(q, &len, field_name(src, f->use), &q->use, &next) &&
        add_column(q, &len, field_name(src, f->status), &q->status, &next) &&
        add_field(q, &len, src, f->opp, &q->opp, &q->opp_kind, &next) &&
        add_field(q, &len, src, f->bouwjaar, &q->bouwjaar, &q->bouwjaar_kind,
                  &next) &&
        add_field(q, &len, src, f->pand, &q->pand, &q->pand_kind, &next);
    q->current = next;
    for (size_t i = 0; ok && i < f->ncurrent; i++) {
        int col;
        /* end dates as text: GDAL's dates and times are parsed */
        ok = kind_of(field_type(src, f->current[i]), &k) && k == COL_TEXT &&
             add_column(q, &len, field_name(src, f->current[i]), &col, &next);
    }
    q->ncurrent = f->ncurrent;
    if (ok) {
        int n = snprintf(q->sql + len, sizeof q->sql - len,
                         " FROM \"%s\" WHERE \"%s\" BETWEEN ?1 AND ?2%s%s%s "
                         "ORDER BY \"%s\"",
                         src->layer_name, fid, rules ? " AND (" : "",
                         rules ? rules : "", rules ? ")" : "", fid);
        ok = n > 0 && (size_t)n < sizeof q->sql - len;
    }
    return ok;
}

static sqlite3 *open_db(const char *path) {
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Is `fid` the table's INTEGER PRIMARY KEY (its rowid), as a GeoPackage
 * feature table has it? Then a range of it is a range of the b-tree. Table
 * names compare without case, as in SQL (and GDAL's layer names). */
static bool fid_is_rowid(sqlite3 *db, const char *table, const char *fid) {
    sqlite3_stmt *st = NULL;
    bool is = false;
    if (sqlite3_prepare_v2(db,
                           "SELECT type, pk FROM pragma_table_info(?1) "
                           "WHERE name = ?2 AND EXISTS (SELECT 1 FROM "
                           "sqlite_master WHERE type = 'table' AND name = ?1 "
                           "COLLATE NOCASE)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_text(st, 2, fid, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 0);
        is = type && sqlite3_stricmp(type, "INTEGER") == 0 &&
             sqlite3_column_int(st, 1) == 1;
    }
    sqlite3_finalize(st);
    return is;
}

/* The fid range; one aggregate a query, so that SQLite reads one end of
 * the b-tree each (MIN and MAX together scan the whole table). */
static bool fid_range(sqlite3 *db, const char *table, const char *fid,
                      long long *lo, long long *hi) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT MIN(\"%s\") FROM \"%s\"), "
             "(SELECT MAX(\"%s\") FROM \"%s\")",
             fid, table, fid, table);
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
              sqlite3_column_type(st, 1) == SQLITE_INTEGER;
    if (ok) {
        *lo = sqlite3_column_int64(st, 0);
        *hi = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return ok && *hi >= *lo;
}

/* --- one row ---------------------------------------------------------------
 * Each reader returns false for a value of a storage class its column's
 * type does not expect (GDAL then decides what it means). */

/* A column's value through the sqlite3_value interface: one call for the
 * column instead of one per question (the column_* calls were as costly
 * as SQLite's own stepping). The value is unprotected, which is safe only
 * because each connection is used by a single thread. */
static sqlite3_value *value_of(sqlite3_stmt *st, int col) {
    return sqlite3_column_value(st, col);
}

static bool text_value(sqlite3_stmt *st, int col, const char **p, size_t *len) {
    sqlite3_value *v = value_of(st, col);
    int t = sqlite3_value_type(v);
    *p = NULL;
    *len = 0;
    if (t == SQLITE_NULL)
        return true;
    if (t != SQLITE_TEXT)
        return false;
    *p = (const char *)sqlite3_value_text(v);
    *len = (size_t)sqlite3_value_bytes(v);
    return *p != NULL;
}

/* NaN when null. */
static bool number_value(sqlite3_stmt *st, int col, col_kind kind,
                         double *out) {
    sqlite3_value *v = value_of(st, col);
    int t = sqlite3_value_type(v);
    *out = NAN;
    if (t == SQLITE_NULL)
        return true;
    if (t == SQLITE_INTEGER && kind == COL_INT32) {
        sqlite3_int64 i = sqlite3_value_int64(v);
        *out = (double)i;
        return i >= INT32_MIN && i <= INT32_MAX; /* GDAL's int32 otherwise */
    }
    if (t == SQLITE_INTEGER && kind == COL_INT64) {
        *out = (double)sqlite3_value_int64(v);
        return true;
    }
    if ((t == SQLITE_INTEGER || t == SQLITE_FLOAT) && kind == COL_REAL) {
        *out = sqlite3_value_double(v);
        return true;
    }
    return false;
}

/* The WKB of a GeoPackage geometry blob: "GP", version, flags, srs_id and
 * the envelope the flags announce. False for anything else, an extended
 * (non-standard) geometry, or an empty geometry whose WKB is not an empty
 * point (GDAL goes by the flag). */
static bool gpkg_wkb(const unsigned char *b, size_t len,
                     const unsigned char **wkb, size_t *wkb_len) {
    static const size_t envelope[] = {0, 32, 48, 48, 64};
    if (len < 8 || b[0] != 'G' || b[1] != 'P')
        return false;
    unsigned flags = b[3], env = (flags >> 1) & 7u;
    if ((flags & 0x20u) || env > 4 || len < 8 + envelope[env])
        return false;
    *wkb = b + 8 + envelope[env];
    *wkb_len = len - 8 - envelope[env];
    if (flags & 0x10u) { /* empty: the point must say so too */
        size_t n = *wkb_len;
        const unsigned char *p = *wkb;
        double x, y;
        if (n < 21 || p[0] > 1)
            return false;
        memcpy(&x, p + 5, 8); /* NaN either way round: all-ones exponent */
        memcpy(&y, p + 13, 8);
        return isnan(x) && isnan(y);
    }
    return true;
}

static bool geometry_value(sqlite3_stmt *st, bag_row *r) {
    sqlite3_value *v = value_of(st, 0);
    int t = sqlite3_value_type(v);
    r->wkb = NULL;
    r->wkb_len = 0;
    if (t == SQLITE_NULL)
        return true;
    return t == SQLITE_BLOB &&
           gpkg_wkb(sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v),
                    &r->wkb, &r->wkb_len);
}

static bool row_of(sqlite3_stmt *st, const bag_query *q, bag_row *r) {
    memset(r, 0, sizeof *r);
    r->bouwjaar = 0;
    r->pand_number = NAN;
    r->selected = true; /* a selection is in the query */
    bool ok = geometry_value(st, r) &&
              text_value(st, q->use, &r->use, &r->use_len) &&
              text_value(st, q->status, &r->status, &r->status_len);
    r->opp = NAN;
    if (ok && q->opp >= 0)
        ok = number_value(st, q->opp, q->opp_kind, &r->opp);
    if (ok && q->bouwjaar >= 0) {
        ok = number_value(st, q->bouwjaar, q->bouwjaar_kind, &r->bouwjaar);
        if (isnan(r->bouwjaar))
            r->bouwjaar = 0;
    }
    if (ok && q->pand >= 0)
        ok = q->pand_kind == COL_TEXT
                 ? text_value(st, q->pand, &r->pand, &r->pand_len)
                 : number_value(st, q->pand, q->pand_kind, &r->pand_number);
    r->current = true;
    for (size_t i = 0; ok && i < q->ncurrent; i++) {
        const char *p;
        size_t len;
        ok = text_value(st, q->current + (int)i, &p, &len);
        r->current = r->current && (!p || len == 0);
    }
    return ok;
}

/* --- the parts -------------------------------------------------------------
 */

typedef struct bag_part {
    ws_ctx *ctx; /* the caller's for part 0, else a worker's */
    ws_dataset *ds;
    const char *path;
    const bag_query *q;
    const ws_layerdef *def;
    long long lo, hi; /* fids */
    bool report;      /* progress (part 0) */
    bag_counts cnt;
    ws_status st;
} bag_part;

/* How far through its fid range the part is, at the current row: with a
 * selection most rows are never returned, so rows read say little. */
static double part_ratio(const bag_part *p, sqlite3_stmt *st) {
    sqlite3_int64 fid = sqlite3_value_int64(value_of(st, 1));
    double r = (double)(fid - p->lo) / (double)(p->hi - p->lo + 1);
    return r < 0 ? 0 : r < 1.0 ? r : 1.0;
}

static ws_status read_rows(bag_part *p, sqlite3_stmt *st) {
    bag_rule_cache rc = {0};
    ws_status s = WS_OK;
    int step;
    while (s == WS_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->cnt.read % ROWS_PER_STEP == 0) {
            s = ws__dataset_reserve_dwellings(p->ds,
                                              p->ds->dw.n + ROWS_PER_STEP);
            if (s == WS_OK && p->report && p->cnt.read > 0)
                s = ws__progress(p->ctx, part_ratio(p, st), "BAG lezen");
            if (s != WS_OK)
                break;
        }
        bag_row r;
        s = row_of(st, p->q, &r)
                ? ws__bag_take_row(p->ds, p->def, &rc, &r, &p->cnt)
                : WS_ERR_UNSUPPORTED;
    }
    if (s == WS_OK && step != SQLITE_DONE)
        s = WS_ERR_UNSUPPORTED; /* an SQLite error: GDAL reports it */
    return s;
}

static void *read_part(void *arg) {
    bag_part *p = arg;
    sqlite3 *db = open_db(p->path);
    sqlite3_stmt *st = NULL;
    p->st = WS_ERR_UNSUPPORTED;
    if (db && sqlite3_prepare_v2(db, p->q->sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(st, 1, p->lo) == SQLITE_OK &&
        sqlite3_bind_int64(st, 2, p->hi) == SQLITE_OK)
        p->st = read_rows(p, st);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}

/* Part 0's rows are in ds already; append the others' in order. */
static ws_status join_parts(ws_ctx *ctx, ws_dataset *ds, bag_part *p, int np,
                            bag_counts *cnt) {
    for (int k = 0; k < np; k++)
        if (p[k].st != WS_OK)
            return k == 0 || p[k].st == WS_ERR_UNSUPPORTED
                       ? p[k].st
                       : ws__error(ctx, p[k].st, "%s", ws_ctx_errmsg(p[k].ctx));
    ws_status st = WS_OK;
    memset(cnt, 0, sizeof *cnt);
    for (int k = 0; k < np && st == WS_OK; k++) {
        if (k > 0)
            st = ws__dataset_append_dwellings(ds, p[k].ds);
        cnt->read += p[k].cnt.read;
        cnt->no_location += p[k].cnt.no_location;
        cnt->bad_coordinates += p[k].cnt.bad_coordinates;
    }
    return st;
}

static void parts_end(bag_part *p, int np) {
    for (int k = 1; k < np; k++) {
        ws_dataset_free(p[k].ds);
        ws_ctx_free(p[k].ctx);
        p[k].ds = NULL;
        p[k].ctx = NULL;
    }
}

/* Split [lo, hi] into np parts; parts 1.. get a worker context and a
 * dataset of their own (errors there stay in them). False when that could
 * not be set up. */
static bool parts_begin(ws_ctx *ctx, ws_dataset *ds, const bag_part *proto,
                        long long lo, long long hi, bag_part *p, int np) {
    bool ok = true;
    for (int k = 0; k < np; k++) {
        p[k] = *proto;
        p[k].lo = lo + (hi - lo + 1) * k / np;
        p[k].hi = lo + (hi - lo + 1) * (k + 1) / np - 1;
        p[k].report = k == 0;
        p[k].ctx = k == 0 ? ctx : NULL;
        p[k].ds = k == 0 ? ds : NULL;
        if (k > 0 && ok)
            ok = ws__ctx_new_worker(ctx, NULL, NULL, false, &p[k].ctx) ==
                     WS_OK &&
                 ws__dataset_new(p[k].ctx, &p[k].ds) == WS_OK &&
                 ws__dataset_reserve_dwellings(
                     p[k].ds, (size_t)(p[k].hi - p[k].lo + 1)) == WS_OK;
    }
    if (!ok)
        parts_end(p, np);
    return ok;
}

static int parts_for(ws_ctx *ctx, long long rows) {
    long long min_rows = ws__bag_split_min_rows();
    if (rows < min_rows || !ws__ctx_thread_safe_alloc(ctx))
        return 1;
    int n = ws__threads_for((size_t)rows, (size_t)min_rows);
    return n > PART_MAX ? PART_MAX : n;
}

static ws_status read_in_parts(ws_ctx *ctx, ws_dataset *ds,
                               const ws_source *src, const bag_query *q,
                               const ws_layerdef *def, long long lo,
                               long long hi, bag_counts *cnt) {
    bag_part proto = {.path = src->path, .q = q, .def = def};
    bag_part p[PART_MAX];
    int np = parts_for(ctx, hi - lo + 1);
    if (!parts_begin(ctx, ds, &proto, lo, hi, p, np)) {
        np = 1; /* on the calling thread */
        parts_begin(ctx, ds, &proto, lo, hi, p, np);
    }
    ws__run_parts(read_part, p, sizeof p[0], np);
    ws_status st = join_parts(ctx, ds, p, np, cnt);
    parts_end(p, np);
    if (st == WS_OK)
        ws__info(ctx,
                 "%s: layer '%s': %zu rows read directly with SQLite in %d "
                 "part(s)",
                 src->path, src->layer_name, cnt->read, np);
    return st;
}

static bool is_gpkg_file(const ws_source *src) {
    GDALDriverH drv = GDALGetDatasetDriver(src->ds);
    return drv && strcmp(GDALGetDriverShortName(drv), "GPKG") == 0 &&
           strncmp(src->path, "/vsi", 4) != 0 &&
           CPLTestBool(CPLGetConfigOption("WS_BAG_SQLITE", "YES"));
}

ws_status ws__bag_read_sqlite(ws_ctx *ctx, ws_dataset *ds, const ws_source *src,
                              const ws_layerdef *def, const bag_fields *f,
                              const ws_selection *sel, const char *rules,
                              bag_counts *cnt) {
    const char *fid = OGR_L_GetFIDColumn(src->layer);
    const char *geom = OGR_L_GetGeometryColumn(src->layer);
    bag_query q;
    if (f->use_is_list || (sel->n && (f->gemeente < 0 || !rules)) ||
        !is_gpkg_file(src) || !fid || !fid[0] || !geom || !geom[0] ||
        !build_query(src, f, rules, fid, geom, &q))
        return WS_ERR_UNSUPPORTED;
    sqlite3 *db = open_db(src->path);
    long long lo = 0, hi = -1;
    bool ok = db && fid_is_rowid(db, src->layer_name, fid) &&
              fid_range(db, src->layer_name, fid, &lo, &hi);
    sqlite3_close(db);
    if (!ok)
        return WS_ERR_UNSUPPORTED; /* an empty table too: GDAL says so */
    ws_status st = read_in_parts(ctx, ds, src, &q, def, lo, hi, cnt);
    if (st == WS_OK)
        ds->n_vbo_read += cnt->read;
    return st;
}
