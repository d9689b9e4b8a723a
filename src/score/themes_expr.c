/* Indicator expressions: resolving names to other indicators, the order in
 * which indicators are computed (cycles are errors at the reference that
 * closes them), evaluation per row with missing-value propagation, and a
 * readable form for reports. */
#include <math.h>
#include <string.h>

#include "themes_internal.h"

static long find_indicator(const ws_themes *th, const char *name) {
    for (size_t i = 0; i < th->nind; i++)
        if (strcmp(th->ind[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* A name refers to another indicator if one has that name; an indicator
 * naming itself means the column of that name. */
static void resolve(ws_themes *th, ws_expr *e, size_t self) {
    if (!e)
        return;
    if (e->op == WS_EXPR_REF) {
        long k = find_indicator(th, e->name);
        e->ind = k == (long)self ? -1 : k;
    }
    for (size_t i = 0; i < e->nargs; i++)
        resolve(th, e->args[i], self);
}

enum { WHITE = 0, GREY = 1, BLACK = 2 };

typedef struct walker {
    ws_themes *th;
    unsigned char *mark;
    size_t *order, norder;
    size_t *path, npath; /* indicators on the current DFS path */
} walker;

static ws_status visit(walker *w, size_t i);

static ws_status cycle_error(walker *w, const ws_expr *at, size_t target) {
    ws_strbuf sb;
    ws__sb_init(&sb, w->th->ctx);
    size_t k = 0;
    while (k < w->npath && w->path[k] != target)
        k++;
    for (; k < w->npath; k++)
        ws__sb_appendf(&sb, "%s → ", w->th->ind[w->path[k]].name);
    ws__sb_append(&sb, w->th->ind[target].name);
    const char *s = ws__sb_str(&sb);
    ws_status st = ws__yerror(w->th->ctx, at->doc, at->node, WS_ERR_FORMAT,
                              "indicators refer to each other in a cycle: %s",
                              s ? s : "?");
    ws__sb_free(&sb);
    return st;
}

static ws_status visit_expr(walker *w, const ws_expr *e) {
    if (!e)
        return WS_OK;
    if (e->op == WS_EXPR_REF && e->ind >= 0) {
        if (w->mark[e->ind] == GREY)
            return cycle_error(w, e, (size_t)e->ind);
        ws_status st = visit(w, (size_t)e->ind);
        if (st != WS_OK)
            return st;
    }
    for (size_t i = 0; i < e->nargs; i++) {
        ws_status st = visit_expr(w, e->args[i]);
        if (st != WS_OK)
            return st;
    }
    return WS_OK;
}

static ws_status visit(walker *w, size_t i) {
    if (w->mark[i] == BLACK)
        return WS_OK;
    w->mark[i] = GREY;
    w->path[w->npath++] = i;
    ws_status st = visit_expr(w, w->th->ind[i].value);
    w->npath--;
    w->mark[i] = BLACK;
    if (st == WS_OK)
        w->order[w->norder++] = i;
    return st;
}

ws_status ws__themes_order(ws_themes *th, size_t *order) {
    for (size_t i = 0; i < th->nind; i++)
        resolve(th, th->ind[i].value, i);
    walker w = {th,
                ws__calloc(th->ctx, th->nind + 1, 1),
                order,
                0,
                ws__malloc(th->ctx, (th->nind + 1) * sizeof(size_t)),
                0};
    ws_status st = w.mark && w.path ? WS_OK : WS_ERR_NOMEM;
    for (size_t i = 0; st == WS_OK && i < th->nind; i++)
        st = visit(&w, i);
    ws__free(th->ctx, w.mark);
    ws__free(th->ctx, w.path);
    return st;
}

void ws__expr_bind(ws_expr *e, const ws_table *t) {
    if (!e)
        return;
    if (e->op == WS_EXPR_REF)
        e->col = e->ind >= 0 ? -1 : ws_table_find(t, e->name);
    for (size_t i = 0; i < e->nargs; i++)
        ws__expr_bind(e->args[i], t);
}

/* --- evaluation -------------------------------------------------------- */

typedef struct operand {
    double v;
    uint8_t m;
} operand;

static operand eval(const ws_expr *e, const ws_table *t, size_t row,
                    double *const *raw, uint8_t *const *raw_missing);

static operand missing(uint8_t m) { return (operand){NAN, m}; }

static operand ref_value(const ws_expr *e, const ws_table *t, size_t row,
                         double *const *raw, uint8_t *const *raw_missing) {
    if (e->ind >= 0)
        return raw_missing[e->ind][row] ? missing(raw_missing[e->ind][row])
                                        : (operand){raw[e->ind][row], 0};
    if (e->col < 0 || ws_table_col_type(t, (size_t)e->col) != WS_COL_REAL)
        return missing(WS_MISSING_NOT_IN_INPUT);
    double v;
    ws_missing m = ws_table_get_real(t, (size_t)e->col, row, &v);
    return m == WS_PRESENT ? (operand){v, 0} : missing((uint8_t)m);
}

/* Normalised Shannon entropy of the parts' shares: 1 when all are equal,
 * 0 when one part holds everything. Negative parts are not shares. */
static operand entropy(const operand *p, size_t k) {
    double sum = 0;
    for (size_t i = 0; i < k; i++) {
        if (p[i].v < 0)
            return missing(WS_MISSING_UNDEFINED);
        sum += p[i].v;
    }
    if (!(sum > 0))
        return missing(WS_MISSING_UNDEFINED);
    double h = 0;
    for (size_t i = 0; i < k; i++)
        if (p[i].v > 0)
            h -= p[i].v / sum * log(p[i].v / sum);
    return (operand){h / log((double)k), 0};
}

static operand combine(ws_exprop op, const operand *a, size_t n) {
    switch (op) {
    case WS_EXPR_RATIO:
    case WS_EXPR_SHARE:
        if (a[1].v == 0)
            return missing(WS_MISSING_UNDEFINED);
        return (operand){a[0].v / a[1].v * (op == WS_EXPR_SHARE ? 100 : 1), 0};
    case WS_EXPR_DIFFERENCE:
        return (operand){a[0].v - a[1].v, 0};
    case WS_EXPR_SUM:
    case WS_EXPR_PRODUCT: {
        double v = op == WS_EXPR_SUM ? 0 : 1;
        for (size_t i = 0; i < n; i++)
            v = op == WS_EXPR_SUM ? v + a[i].v : v * a[i].v;
        return (operand){v, 0};
    }
    case WS_EXPR_ENTROPY:
        return entropy(a, n);
    case WS_EXPR_REF:
    case WS_EXPR_NUM:
        break;
    }
    return missing(WS_MISSING_UNDEFINED);
}

static operand eval(const ws_expr *e, const ws_table *t, size_t row,
                    double *const *raw, uint8_t *const *raw_missing) {
    if (e->op == WS_EXPR_NUM)
        return (operand){e->num, 0};
    if (e->op == WS_EXPR_REF)
        return ref_value(e, t, row, raw, raw_missing);
    operand a[64];
    for (size_t i = 0; i < e->nargs; i++) {
        a[i] = eval(e->args[i], t, row, raw, raw_missing);
        if (a[i].m)
            return a[i]; /* the first missing operand says why */
    }
    operand r = combine(e->op, a, e->nargs);
    return isfinite(r.v) || r.m ? r : missing(WS_MISSING_UNDEFINED);
}

void ws__expr_eval(const ws_expr *e, const ws_table *t, size_t row,
                   double *const *raw, uint8_t *const *raw_missing,
                   double *value, uint8_t *miss) {
    operand r = eval(e, t, row, raw, raw_missing);
    *value = r.v;
    *miss = r.m;
}

void ws__expr_format(const ws_expr *e, ws_strbuf *sb) {
    static const char *const names[] = {"",      "",    "ratio",   "difference",
                                        "share", "sum", "product", "entropy"};
    if (e->op == WS_EXPR_REF) {
        ws__sb_append(sb, e->name);
        return;
    }
    if (e->op == WS_EXPR_NUM) {
        ws__sb_appendf(sb, "%.15g", e->num); /* %g rounded 1234567 */
        return;
    }
    ws__sb_appendf(sb, "%s(", names[e->op]);
    for (size_t i = 0; i < e->nargs; i++) {
        if (i)
            ws__sb_append(sb, ", ");
        ws__expr_format(e->args[i], sb);
    }
    ws__sb_append(sb, ")");
}
