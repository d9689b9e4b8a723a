/* Theme layers (layers/themes/NAME.yaml) as loaded: themes, their indicators
 * and the expressions that compute indicator values from the columns of a
 * level table. Strings are borrowed from the YAML documents, which the
 * ws_themes set owns, so every error can still point at file:line:column. */
#ifndef WS_THEMES_INTERNAL_H
#define WS_THEMES_INTERNAL_H

#include "../config/config_internal.h"
#include "../model/model_internal.h"
#include "wijkscan/themes.h"

typedef enum ws_exprop {
    WS_EXPR_REF = 0, /* a column or another indicator */
    WS_EXPR_NUM,     /* a constant */
    WS_EXPR_RATIO,   /* a / b */
    WS_EXPR_DIFFERENCE,
    WS_EXPR_SHARE,   /* 100 · a / b */
    WS_EXPR_SUM,     /* a + b + … */
    WS_EXPR_PRODUCT, /* a · b · … */
    WS_EXPR_ENTROPY  /* −Σ pᵢ ln pᵢ / ln k over the parts' shares */
} ws_exprop;

typedef struct ws_expr ws_expr;
struct ws_expr {
    ws_exprop op;
    const char *name; /* WS_EXPR_REF */
    long ind;         /* WS_EXPR_REF: the indicator it names, or -1 */
    long col;         /* WS_EXPR_REF to a column: its index in the table
                       * bound by ws__expr_bind(), or -1 */
    double num;       /* WS_EXPR_NUM */
    ws_expr **args;
    size_t nargs;
    const ws_ydoc *doc;
    const ws_ynode *node;
};

typedef struct ws_indicator {
    const char *name, *label, *definition, *unit;
    ws_expr *value; /* NULL: the column of the same name */
    ws_norm_params norm;
    double weight;
    size_t theme;
    const ws_ydoc *doc;
    const ws_ynode *node;
} ws_indicator;

typedef struct ws_theme {
    const char *name, *label, *description;
    long order;
    double min_coverage;
    bool composite;
    size_t *members; /* indicators, or themes for a composite */
    double *weights; /* composite: weight per member theme */
    size_t nmembers;
    const ws_ydoc *doc;
    const ws_ynode *node;
} ws_theme;

struct ws_themes {
    ws_ctx *ctx;
    char *dir;
    ws_ydoc **docs;
    size_t ndocs;
    ws_theme *themes; /* plain themes first (by order), composites last */
    size_t nthemes;
    ws_indicator *ind;
    size_t nind, indcap;
    ws_expr **exprs; /* every expression node, for freeing */
    size_t nexprs, exprcap;
};

/* One theme layer from memory, checked as ws_themes_load() checks a
 * directory (for the fuzzer). */
ws_status ws__themes_parse_buffer(ws_ctx *ctx, const char *name,
                                  const unsigned char *data, size_t len,
                                  ws_themes **out);

/* Resolve indicator references and check for cycles; `order` receives the
 * indicators in an order in which each comes after the ones it uses. */
ws_status ws__themes_order(ws_themes *th, size_t *order);

/* Look up the columns an expression names in table `t` (per level). */
void ws__expr_bind(ws_expr *e, const ws_table *t);

/* Evaluate an indicator's value for every row of a level table. A missing
 * operand makes the result missing with the operand's reason. `raw` holds
 * the values of indicators computed before (by index), NULL if not yet. */
void ws__expr_eval(const ws_expr *e, const ws_table *t, size_t row,
                   double *const *raw, uint8_t *const *raw_missing,
                   double *value, uint8_t *missing);

/* Human-readable form of an expression ("ratio(a, b)"), for reports. */
void ws__expr_format(const ws_expr *e, ws_strbuf *sb);

const char *ws__norm_method_key(ws_norm_method m);
const char *ws__direction_key(ws_direction d);

#endif /* WS_THEMES_INTERNAL_H */
