/* Columnar attribute tables with per-cell missing reasons. A level table has
 * one row per region code; a code index gives O(1) lookup by code and rejects
 * duplicate codes. */
#include <math.h>
#include <string.h>

#include "model_internal.h"

static const char *const missing_keys[] = {
#define WS_MISSING_KEY_(id, value, key, label) [value] = key,
    WS_MISSING_MAP(WS_MISSING_KEY_)
#undef WS_MISSING_KEY_
};
static const char *const missing_labels[] = {
#define WS_MISSING_LABEL_(id, value, key, label) [value] = label,
    WS_MISSING_MAP(WS_MISSING_LABEL_)
#undef WS_MISSING_LABEL_
};
#define N_MISSING (sizeof missing_keys / sizeof missing_keys[0])

const char *ws_missing_key(ws_missing m) {
    return (size_t)m < N_MISSING ? missing_keys[m] : "onbekend";
}
const char *ws_missing_label(ws_missing m) {
    return (size_t)m < N_MISSING ? missing_labels[m] : "onbekend";
}

ws_status ws__table_new(ws_ctx *ctx, ws_table **out) {
    ws_table *t = ws__calloc(ctx, 1, sizeof *t);
    if (!t)
        return WS_ERR_NOMEM;
    t->ctx = ctx;
    t->code_col = -1;
    t->code_index.ctx = ctx;
    *out = t;
    return WS_OK;
}

static void column_free(ws_ctx *ctx, ws_column *c, size_t nrows) {
    ws__free(ctx, c->name);
    ws__free(ctx, c->real);
    if (c->text)
        for (size_t r = 0; r < nrows; r++)
            ws__free(ctx, c->text[r]);
    ws__free(ctx, c->text);
    ws__free(ctx, c->missing);
}

void ws__table_free(ws_table *t) {
    if (!t)
        return;
    for (size_t c = 0; c < t->ncols; c++)
        column_free(t->ctx, &t->cols[c], t->nrows);
    ws__free(t->ctx, t->cols);
    ws__hash_free(&t->code_index);
    ws__free(t->ctx, t);
}

static ws_status column_alloc(ws_table *t, ws_column *c, size_t cap) {
    ws_ctx *ctx = t->ctx;
    void *p = ws__realloc(ctx, c->missing, cap ? cap : 1);
    if (!p)
        return WS_ERR_NOMEM;
    c->missing = p;
    if (c->type == WS_COL_REAL) {
        p = ws__realloc(ctx, c->real, (cap ? cap : 1) * sizeof *c->real);
        if (!p)
            return WS_ERR_NOMEM;
        c->real = p;
    } else {
        p = ws__realloc(ctx, c->text, (cap ? cap : 1) * sizeof *c->text);
        if (!p)
            return WS_ERR_NOMEM;
        c->text = p;
    }
    return WS_OK;
}

static void column_clear_rows(ws_column *c, size_t from, size_t to) {
    for (size_t r = from; r < to; r++) {
        c->missing[r] = WS_MISSING_EMPTY;
        if (c->type == WS_COL_REAL)
            c->real[r] = NAN;
        else
            c->text[r] = NULL;
    }
}

ws_status ws__table_add_rows(ws_table *t, size_t n) {
    size_t need = t->nrows + n;
    if (need > t->rowcap) {
        size_t cap = t->rowcap ? t->rowcap : 16;
        while (cap < need)
            cap *= 2;
        for (size_t c = 0; c < t->ncols; c++)
            if (column_alloc(t, &t->cols[c], cap) != WS_OK)
                return WS_ERR_NOMEM;
        t->rowcap = cap;
    }
    for (size_t c = 0; c < t->ncols; c++)
        column_clear_rows(&t->cols[c], t->nrows, need);
    t->nrows = need;
    return WS_OK;
}

ws_status ws__table_add_col(ws_table *t, const char *name, ws_coltype type,
                            size_t *col) {
    long have = ws_table_find(t, name);
    if (have >= 0) {
        if (t->cols[have].type != type)
            return ws__error(t->ctx, WS_ERR_DATA_NO_FIELD,
                             "column '%s' exists with another type", name);
        *col = (size_t)have;
        return WS_OK;
    }
    if (ws__reserve(t->ctx, (void **)&t->cols, &t->colcap, t->ncols + 1,
                    sizeof *t->cols) != WS_OK)
        return WS_ERR_NOMEM;
    ws_column *c = &t->cols[t->ncols];
    memset(c, 0, sizeof *c);
    c->type = type;
    c->name = ws__strdup(t->ctx, name);
    if (!c->name || column_alloc(t, c, t->rowcap) != WS_OK) {
        column_free(t->ctx, c, 0);
        return WS_ERR_NOMEM;
    }
    column_clear_rows(c, 0, t->nrows);
    c->role = type == WS_COL_TEXT ? WS_ROLE_KEY : WS_ROLE_STATISTIC;
    *col = t->ncols++;
    return WS_OK;
}

void ws__table_set_role(ws_table *t, size_t col, ws_colrole role,
                        bool integer) {
    t->cols[col].role = (uint8_t)role;
    t->cols[col].integer = integer;
}

void ws__table_set_real(ws_table *t, size_t col, size_t row, double v) {
    ws_column *c = &t->cols[col];
    if (isfinite(v)) {
        c->real[row] = v;
        c->missing[row] = WS_PRESENT;
    } else {
        c->real[row] = NAN;
        c->missing[row] = WS_MISSING_EMPTY;
    }
}

void ws__table_set_missing(ws_table *t, size_t col, size_t row, ws_missing m) {
    ws_column *c = &t->cols[col];
    c->missing[row] = (uint8_t)(m == WS_PRESENT ? WS_MISSING_EMPTY : m);
    if (c->type == WS_COL_REAL) {
        c->real[row] = NAN;
    } else {
        ws__free(t->ctx, c->text[row]);
        c->text[row] = NULL;
    }
}

ws_status ws__table_set_text(ws_table *t, size_t col, size_t row,
                             const char *s) {
    ws_column *c = &t->cols[col];
    if (t->indexed && (long)col == t->code_col) {
        /* the index borrows the code strings: it is stale from here on */
        ws__hash_free(&t->code_index);
        t->indexed = false;
    }
    ws__free(t->ctx, c->text[row]);
    c->text[row] = NULL;
    c->missing[row] = WS_MISSING_EMPTY;
    if (!s)
        return WS_OK;
    c->text[row] = ws__strdup(t->ctx, s);
    if (!c->text[row])
        return WS_ERR_NOMEM;
    c->missing[row] = WS_PRESENT;
    return WS_OK;
}

void ws__table_set_cbs(ws_table *t, size_t col, size_t row, double v) {
    if (!(v <= -99990.0)) {
        ws__table_set_real(t, col, row, v);
        return;
    }
    ws_missing m = WS_MISSING_NODATA;
    if (v == -99997.0)
        m = WS_MISSING_SECRET;
    else if (v == -99995.0)
        m = WS_MISSING_LATER;
    else if (v == -99991.0)
        m = WS_MISSING_DISCONTINUED;
    ws__table_set_missing(t, col, row, m);
}

ws_status ws__table_index_codes(ws_table *t, size_t code_col,
                                const char *what) {
    ws__hash_free(&t->code_index);
    t->indexed = false;
    if (ws__hash_init(&t->code_index, t->ctx, t->nrows, true) != WS_OK)
        return WS_ERR_NOMEM;
    ws_column *c = &t->cols[code_col];
    for (size_t r = 0; r < t->nrows; r++) {
        if (!c->text[r])
            return ws__error(t->ctx, WS_ERR_DATA, "%s: row %zu has no %s", what,
                             r + 1, c->name);
        bool dup = false;
        if (ws__hash_put_str(&t->code_index, c->text[r], r, &dup) != WS_OK)
            return WS_ERR_NOMEM;
        if (dup)
            return ws__error(t->ctx, WS_ERR_DATA_DUPLICATE_KEY,
                             "%s: duplicate %s '%s'", what, c->name,
                             c->text[r]);
    }
    t->code_col = (long)code_col;
    t->indexed = true;
    return WS_OK;
}

void ws__table_filter_rows(ws_table *t, const bool *keep) {
    size_t out = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!keep[r]) {
            for (size_t c = 0; c < t->ncols; c++)
                if (t->cols[c].type == WS_COL_TEXT)
                    ws__free(t->ctx, t->cols[c].text[r]);
            continue;
        }
        for (size_t c = 0; c < t->ncols; c++) {
            ws_column *col = &t->cols[c];
            col->missing[out] = col->missing[r];
            if (col->type == WS_COL_REAL)
                col->real[out] = col->real[r];
            else
                col->text[out] = col->text[r];
        }
        out++;
    }
    t->nrows = out;
    t->indexed = false;
    ws__hash_free(&t->code_index);
}

size_t ws_table_nrows(const ws_table *t) { return t ? t->nrows : 0; }
size_t ws_table_ncols(const ws_table *t) { return t ? t->ncols : 0; }
const char *ws_table_col_name(const ws_table *t, size_t col) {
    return col < t->ncols ? t->cols[col].name : NULL;
}
ws_coltype ws_table_col_type(const ws_table *t, size_t col) {
    return col < t->ncols ? t->cols[col].type : WS_COL_REAL;
}

long ws_table_find(const ws_table *t, const char *name) {
    for (size_t c = 0; t && c < t->ncols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return (long)c;
    return -1;
}

ws_missing ws_table_get_real(const ws_table *t, size_t col, size_t row,
                             double *value) {
    if (!t || col >= t->ncols || row >= t->nrows) {
        *value = NAN;
        return WS_MISSING_EMPTY;
    }
    const ws_column *c = &t->cols[col];
    if (c->type != WS_COL_REAL) {
        *value = NAN;
        return WS_MISSING_EMPTY;
    }
    *value = c->real[row];
    return (ws_missing)c->missing[row];
}

const char *ws_table_get_text(const ws_table *t, size_t col, size_t row) {
    if (!t || col >= t->ncols || row >= t->nrows)
        return NULL;
    const ws_column *c = &t->cols[col];
    return c->type == WS_COL_TEXT ? c->text[row] : NULL;
}

long ws_table_find_row(const ws_table *t, const char *code) {
    size_t row;
    if (t && t->indexed && ws__hash_get_str(&t->code_index, code, &row))
        return (long)row;
    return -1;
}
