/* Kerncijfers: a table of CBS statistics keyed by region code (StatLine OData
 * CSV such as 85984NED, the kwb spreadsheet CSV, or any OGR table such as a
 * PDOK WFS gemeenten layer) joined to the gemeente, wijk or buurt level by
 * the code's prefix. Rows of regions outside the selection are ignored;
 * regions without a row get "niet gekoppeld" as missing reason, never 0. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "load_internal.h"
#include "read_csv.h"

/* A kerncijfers source: either our CSV reader or an OGR layer. */
typedef struct kern_source {
    const char *path;
    ws_csv *csv;
    ws_source ogr;
    bool is_csv;
    bool decimal_comma;
} kern_source;

typedef struct kern_column {
    long src;                   /* csv column or OGR field */
    char name[256];             /* output name */
    size_t col[WS_LEVEL_COUNT]; /* column in each level table */
    bool added[WS_LEVEL_COUNT];
    bool integer; /* every value is a whole number */
} kern_column;

static bool csv_matches(const ws_csv *csv, const ws_layerdef *d) {
    for (size_t i = 0; i < d->match.n; i++)
        if (ws__csv_find(csv, d->match.v[i]) < 0)
            return false;
    return d->match.n > 0;
}

static ws_status recognise_csv(ws_ctx *ctx, const kern_source *ks,
                               const ws_input *in, const ws_layerdefs *defs,
                               const ws_layerdef **def, ws_layerdef **owned) {
    *def = NULL;
    *owned = NULL;
    if (in->definition) {
        ws_status st = ws__layerdef_load(ctx, in->definition, owned);
        if (st == WS_OK && (*owned)->kind != WS_DEF_KERNCIJFERS)
            st = ws__error(ctx, WS_ERR_FORMAT,
                           "%s: is not a cbs_kerncijfers definition",
                           in->definition);
        *def = *owned;
        return st;
    }
    size_t best = 0;
    for (size_t i = 0; i < defs->n; i++) {
        const ws_layerdef *d = defs->defs[i];
        if (d->kind == WS_DEF_KERNCIJFERS && csv_matches(ks->csv, d) &&
            d->match.n > best) {
            best = d->match.n;
            *def = d;
        }
    }
    if (*def)
        return WS_OK;
    return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                     "%s: not recognised as a kerncijfers table: no layer "
                     "definition of kind 'cbs_kerncijfers' matches its "
                     "columns (e.g. Codering_3 for StatLine, gwb_code_10 for "
                     "the kwb file)",
                     ks->path);
}

static size_t kern_nrows(const kern_source *ks) {
    return ks->is_csv ? ws__csv_nrows(ks->csv) : 0;
}

static const char *level_for_code(const char *code, ws_level *lv) {
    if (strncmp(code, "GM", 2) == 0)
        *lv = WS_LEVEL_GEMEENTE;
    else if (strncmp(code, "WK", 2) == 0)
        *lv = WS_LEVEL_WIJK;
    else if (strncmp(code, "BU", 2) == 0)
        *lv = WS_LEVEL_BUURT;
    else
        return NULL;
    return code;
}

/* Output column of a source column at a level, added on first use; a name
 * that the level already has (e.g. from the Wijk- en Buurtkaart) gets the
 * suffix "_kerncijfers" so nothing is overwritten. */
static ws_status column_at(ws_ctx *ctx, ws_dataset *ds, kern_column *kc,
                           ws_level lv, size_t *col) {
    if (kc->added[lv]) {
        *col = kc->col[lv];
        return WS_OK;
    }
    ws_table *t = ds->levels[lv].table;
    char name[300];
    snprintf(name, sizeof name, "%s", kc->name);
    if (ws_table_find(t, name) >= 0) {
        snprintf(name, sizeof name, "%s_kerncijfers", kc->name);
        ws__warn(ctx,
                 "kerncijfers column '%s' exists already in %s; stored "
                 "as '%s'",
                 kc->name, ws_level_layer_name(lv), name);
    }
    ws_status st = ws__table_add_col(t, name, WS_COL_REAL, &kc->col[lv]);
    if (st != WS_OK)
        return st;
    ws__table_set_role(t, kc->col[lv], WS_ROLE_STATISTIC, kc->integer);
    /* regions of this level start as "not joined" until a row says more */
    for (size_t r = 0; r < t->nrows; r++)
        ws__table_set_missing(t, kc->col[lv], r, WS_MISSING_NO_MATCH);
    kc->added[lv] = true;
    *col = kc->col[lv];
    return WS_OK;
}

static void store_value(ws_table *t, size_t col, size_t row, const char *text,
                        bool decimal_comma) {
    double v;
    const char *p = text;
    while (*p == ' ')
        p++;
    if (strcmp(p, ".") == 0) { /* StatLine: geheim or unreliable */
        ws__table_set_missing(t, col, row, WS_MISSING_SECRET);
        return;
    }
    if (ws__parse_number(text, decimal_comma, &v) == WS_NUM_OK)
        ws__table_set_cbs(t, col, row, v);
    else
        ws__table_set_missing(t, col, row, WS_MISSING_EMPTY);
}

/* A column is numeric when every non-missing cell parses as a number. */
static bool csv_column_numeric(const ws_csv *csv, size_t col, bool dc,
                               bool *integer) {
    size_t n = ws__csv_nrows(csv), seen = 0;
    *integer = true;
    for (size_t r = 0; r < n; r++) {
        double v;
        ws_num_result res = ws__parse_number(ws__csv_cell(csv, r, col), dc, &v);
        if (res == WS_NUM_INVALID)
            return false;
        if (res == WS_NUM_OK) {
            seen++;
            *integer = *integer && v == floor(v);
        }
    }
    return seen > 0;
}

static ws_status plan_columns(ws_ctx *ctx, const kern_source *ks,
                              const ws_layerdef *def, const ws_input *in,
                              long code_col, kern_column **out, size_t *n) {
    size_t ncols = ks->is_csv ? ws__csv_ncols(ks->csv)
                              : (size_t)OGR_FD_GetFieldCount(ks->ogr.defn);
    kern_column *cols = ws__calloc(ctx, ncols ? ncols : 1, sizeof *cols);
    if (!cols)
        return WS_ERR_NOMEM;
    size_t k = 0;
    for (size_t c = 0; c < ncols; c++) {
        const char *name;
        bool numeric, integer;
        if (ks->is_csv) {
            name = ws__csv_header(ks->csv, c);
            numeric =
                csv_column_numeric(ks->csv, c, ks->decimal_comma, &integer);
        } else {
            OGRFieldDefnH fd = OGR_FD_GetFieldDefn(ks->ogr.defn, (int)c);
            name = OGR_Fld_GetNameRef(fd);
            OGRFieldType t = OGR_Fld_GetType(fd);
            numeric = t == OFTInteger || t == OFTInteger64 || t == OFTReal;
            integer = t != OFTReal;
        }
        if ((long)c == code_col || !numeric ||
            ws__strlist_has(&def->exclude, name, true))
            continue;
        char buf[256];
        const char *out_name = ws__layerdef_rename(def, name, buf, sizeof buf);
        cols[k].src = (long)c;
        cols[k].integer = integer;
        snprintf(cols[k].name, sizeof cols[k].name, "%s%s", out_name,
                 in->suffix ? in->suffix : "");
        k++;
    }
    *out = cols;
    *n = k;
    return WS_OK;
}

static ws_status join_row(ws_ctx *ctx, ws_dataset *ds, kern_source *ks,
                          kern_column *cols, size_t ncols, const char *code,
                          size_t csv_row, OGRFeatureH f, size_t *joined) {
    ws_level lv;
    if (!level_for_code(code, &lv) || !ds->levels[lv].table)
        return WS_OK;
    long row = ws_table_find_row(ds->levels[lv].table, code);
    if (row < 0)
        return WS_OK; /* outside the selection */
    ws_table *t = ds->levels[lv].table;
    for (size_t i = 0; i < ncols; i++) {
        size_t col;
        ws_status st = column_at(ctx, ds, &cols[i], lv, &col);
        if (st != WS_OK)
            return st;
        if (ks->is_csv)
            store_value(t, col, (size_t)row,
                        ws__csv_cell(ks->csv, csv_row, (size_t)cols[i].src),
                        ks->decimal_comma);
        else if (OGR_F_IsFieldSetAndNotNull(f, (int)cols[i].src))
            ws__table_set_cbs(t, col, (size_t)row,
                              OGR_F_GetFieldAsDouble(f, (int)cols[i].src));
        else
            ws__table_set_missing(t, col, (size_t)row, WS_MISSING_EMPTY);
    }
    joined[lv]++;
    return WS_OK;
}

static void trim_code(const char *in, char *out, size_t size) {
    while (*in == ' ')
        in++;
    ws__strlcpy(out, in, size);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
}

static ws_status open_kern(ws_ctx *ctx, const ws_input *in,
                           const ws_layerdefs *defs, kern_source *ks,
                           const ws_layerdef **def, ws_layerdef **owned) {
    memset(ks, 0, sizeof *ks);
    ks->path = in->path;
    ks->is_csv = ws__is_csv_path(in->path) && !in->layer;
    if (!ks->is_csv)
        return ws__open_input(ctx, in, defs, WS_DEF_KERNCIJFERS, "kerncijfers",
                              &ks->ogr, def, owned);
    ws_status st = ws__csv_read(ctx, in->path, &ks->csv);
    if (st != WS_OK)
        return st;
    ks->decimal_comma = ws__csv_decimal_comma(ks->csv);
    return recognise_csv(ctx, ks, in, defs, def, owned);
}

ws_status ws__load_kerncijfers(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                               const ws_layerdefs *defs) {
    kern_source ks;
    const ws_layerdef *def = NULL;
    ws_layerdef *owned = NULL;
    kern_column *cols = NULL;
    size_t ncols = 0, nrows = 0, joined[WS_LEVEL_COUNT] = {0};
    ws_status st = open_kern(ctx, in, defs, &ks, &def, &owned);
    long code_col = -1;
    if (st == WS_OK) {
        code_col = ks.is_csv ? ws__csv_find(ks.csv, def->code_field)
                             : ws__source_field(&ks.ogr, def->code_field);
        if (code_col < 0)
            st = ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                           "%s: code column '%s' not found", in->path,
                           def->code_field);
    }
    if (st == WS_OK)
        st = plan_columns(ctx, &ks, def, in, code_col, &cols, &ncols);
    if (st == WS_OK && ks.is_csv) {
        nrows = kern_nrows(&ks);
        for (size_t r = 0; st == WS_OK && r < nrows; r++) {
            char code[64];
            trim_code(ws__csv_cell(ks.csv, r, (size_t)code_col), code,
                      sizeof code);
            st = join_row(ctx, ds, &ks, cols, ncols, code, r, NULL, joined);
        }
    } else if (st == WS_OK) {
        OGRFeatureH f;
        ws__gdal_begin(ctx);
        OGR_L_ResetReading(ks.ogr.layer);
        while (st == WS_OK && (f = OGR_L_GetNextFeature(ks.ogr.layer))) {
            char code[64];
            trim_code(OGR_F_GetFieldAsString(f, (int)code_col), code,
                      sizeof code);
            st = join_row(ctx, ds, &ks, cols, ncols, code, 0, f, joined);
            OGR_F_Destroy(f);
            nrows++;
        }
        if (st == WS_OK)
            st = ws__source_read_errors(ctx, &ks.ogr);
        ws__gdal_end(ctx);
    }
    if (st == WS_OK)
        st = ws__dataset_add_input(ds, "kerncijfers", in->path,
                                   ks.is_csv ? "" : ks.ogr.layer_name,
                                   def->path, nrows);
    if (st == WS_OK && joined[0] + joined[1] + joined[2] == 0)
        ws__warn(ctx,
                 "%s: no row matches a gemeente, wijk or buurt of the "
                 "selection (column '%s')",
                 in->path, def->code_field);
    else if (st == WS_OK)
        ws__info(ctx, "%s: joined %zu gemeenten, %zu wijken, %zu buurten",
                 in->path, joined[WS_LEVEL_GEMEENTE], joined[WS_LEVEL_WIJK],
                 joined[WS_LEVEL_BUURT]);
    ws__free(ctx, cols);
    ws__csv_free(ctx, ks.csv);
    if (!ks.is_csv)
        ws__source_close(&ks.ogr);
    ws__layerdef_free(ctx, owned);
    return st;
}
