/* Loading theme layers (layers/themes/NAME.yaml): one file per theme or
 * composite, checked as a whole — names unique over every file, composite
 * members existing plain themes, indicator references free of cycles — with
 * errors at file:line:column. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "themes_internal.h"

static const char *const theme_keys[] = {
    "kind",        "name",         "order",      "label",
    "description", "min_coverage", "indicators", NULL};
static const char *const composite_keys[] = {
    "kind",        "name",         "order",  "label",
    "description", "min_coverage", "themes", NULL};
static const char *const indicator_keys[] = {
    "name",   "label",     "definition", "value", "unit", "direction",
    "weight", "normalize", "bad",        "good",  NULL};
static const char *const member_keys[] = {"theme", "weight", NULL};

static const struct {
    const char *key;
    ws_exprop op;
    size_t min_args, max_args;
} expr_ops[] = {
    {"ratio", WS_EXPR_RATIO, 2, 2},
    {"difference", WS_EXPR_DIFFERENCE, 2, 2},
    {"share", WS_EXPR_SHARE, 2, 2},
    {"sum", WS_EXPR_SUM, 2, 64},
    {"product", WS_EXPR_PRODUCT, 2, 64},
    {"entropy", WS_EXPR_ENTROPY, 2, 64},
};
#define N_EXPR_OPS (sizeof expr_ops / sizeof expr_ops[0])

const char *ws__norm_method_key(ws_norm_method m) {
    switch (m) {
    case WS_NORM_MINMAX:
        return "minmax";
    case WS_NORM_ZSCORE:
        return "zscore";
    case WS_NORM_PERCENTILE:
        return "percentile";
    case WS_NORM_THRESHOLD:
        return "threshold";
    }
    return "?";
}

const char *ws__direction_key(ws_direction d) {
    return d == WS_DIR_HIGHER_BETTER  ? "higher"
           : d == WS_DIR_LOWER_BETTER ? "lower"
                                      : "context";
}

/* --- parsing one file ------------------------------------------------- */

typedef struct parser {
    ws_ctx *ctx;
    ws_themes *th;
    const ws_ydoc *doc;
} parser;

static ws_expr *new_expr(parser *p, ws_exprop op, const ws_ynode *node) {
    if (ws__reserve(p->ctx, (void **)&p->th->exprs, &p->th->exprcap,
                    p->th->nexprs + 1, sizeof *p->th->exprs))
        return NULL;
    ws_expr *e = ws__calloc(p->ctx, 1, sizeof *e);
    if (!e)
        return NULL;
    p->th->exprs[p->th->nexprs++] = e;
    e->op = op;
    e->ind = -1;
    e->doc = p->doc;
    e->node = node;
    return e;
}

static bool parse_number(const char *s, double *v) {
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

static ws_status parse_expr(parser *p, const ws_ynode *n, int depth,
                            ws_expr **out);

static ws_status parse_operation(parser *p, const ws_ynode *n, int depth,
                                 ws_expr **out) {
    if (n->n != 1)
        return ws__yerror(p->ctx, p->doc, n, WS_ERR_FORMAT,
                          "an expression has exactly one operation (ratio, "
                          "difference, share, sum, product or entropy)");
    const char *key = n->keys[0]->value;
    size_t k = 0;
    while (k < N_EXPR_OPS && strcmp(expr_ops[k].key, key) != 0)
        k++;
    if (k == N_EXPR_OPS) {
        static const char *const ops[] = {
            "ratio", "difference", "share", "sum", "product", "entropy", NULL};
        return ws__ycheck_keys(p->ctx, p->doc, n, ops);
    }
    const ws_ynode *args = n->items[0];
    ws_status st =
        ws__yexpect(p->ctx, p->doc, args, WS_Y_SEQ, "a list of operands");
    if (st != WS_OK)
        return st;
    if (args->n < expr_ops[k].min_args || args->n > expr_ops[k].max_args) {
        bool few = args->n < expr_ops[k].min_args;
        return ws__yerror(
            p->ctx, p->doc, args, WS_ERR_FORMAT,
            expr_ops[k].min_args == expr_ops[k].max_args
                ? "'%s' takes %zu operands, not %zu"
            : few ? "'%s' takes at least %zu operands, not %zu"
                  : "'%s' takes at most %zu operands, not %zu",
            key, few ? expr_ops[k].min_args : expr_ops[k].max_args, args->n);
    }
    ws_expr *e = new_expr(p, expr_ops[k].op, n);
    if (!e)
        return WS_ERR_NOMEM;
    e->args = ws__calloc(p->ctx, args->n, sizeof *e->args);
    if (!e->args)
        return WS_ERR_NOMEM;
    e->nargs = args->n;
    for (size_t i = 0; st == WS_OK && i < args->n; i++)
        st = parse_expr(p, args->items[i], depth + 1, &e->args[i]);
    *out = e;
    return st;
}

static ws_status parse_expr(parser *p, const ws_ynode *n, int depth,
                            ws_expr **out) {
    if (depth > 16)
        return ws__yerror(p->ctx, p->doc, n, WS_ERR_FORMAT,
                          "expression nested too deeply");
    if (n->kind == WS_Y_MAP)
        return parse_operation(p, n, depth, out);
    if (n->kind != WS_Y_SCALAR || !n->value[0])
        return ws__yerror(p->ctx, p->doc, n, WS_ERR_FORMAT,
                          "expected a column name, a number or an "
                          "expression such as {ratio: [a, b]}");
    double v;
    bool number = !n->quoted && parse_number(n->value, &v);
    ws_expr *e = new_expr(p, number ? WS_EXPR_NUM : WS_EXPR_REF, n);
    if (!e)
        return WS_ERR_NOMEM;
    if (number)
        e->num = v;
    else
        e->name = n->value;
    *out = e;
    return WS_OK;
}

static ws_status parse_enum(parser *p, const ws_ynode *map, const char *key,
                            const char *const *names, int *out) {
    const char *s = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, map, key, false, &s);
    if (st != WS_OK || !s)
        return st;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return WS_OK;
        }
    ws_strbuf sb;
    ws__sb_init(&sb, p->ctx);
    for (int i = 0; names[i]; i++)
        ws__sb_appendf(&sb, "%s%s", i ? ", " : "", names[i]);
    st = ws__yerror(p->ctx, p->doc, ws__ymap_get(map, key), WS_ERR_FORMAT,
                    "'%s' must be one of %s, not '%s'", key,
                    ws__sb_str(&sb) ? ws__sb_str(&sb) : "?", s);
    ws__sb_free(&sb);
    return st;
}

/* Threshold anchors must be present, differ, and point the way the
 * direction says: for "lower is better" the good anchor is the lower one. */
static ws_status check_anchors(parser *p, const ws_ynode *n,
                               const ws_indicator *ind) {
    const ws_ynode *bad = ws__ymap_get(n, "bad");
    const ws_ynode *good = ws__ymap_get(n, "good");
    if (ind->norm.method != WS_NORM_THRESHOLD) {
        if (bad || good)
            return ws__yerror(p->ctx, p->doc, bad ? bad : good, WS_ERR_FORMAT,
                              "'bad' and 'good' belong to 'normalize: "
                              "threshold', not '%s'",
                              ws__norm_method_key(ind->norm.method));
        return WS_OK;
    }
    if (!bad || !good)
        return ws__yerror(p->ctx, p->doc, n, WS_ERR_FORMAT,
                          "indicator '%s': 'normalize: threshold' needs "
                          "both 'bad' and 'good'",
                          ind->name);
    if (ind->norm.bad == ind->norm.good)
        return ws__yerror(p->ctx, p->doc, good, WS_ERR_FORMAT,
                          "'good' must differ from 'bad' (both %g)",
                          ind->norm.good);
    bool up = ind->norm.good > ind->norm.bad;
    if (up != (ind->norm.direction == WS_DIR_HIGHER_BETTER))
        return ws__yerror(p->ctx, p->doc, good, WS_ERR_FORMAT,
                          "indicator '%s' is 'direction: %s', so 'good' "
                          "(%g) must be %s than 'bad' (%g)",
                          ind->name, ws__direction_key(ind->norm.direction),
                          ind->norm.good, up ? "lower" : "higher",
                          ind->norm.bad);
    return WS_OK;
}

static ws_status check_context(parser *p, const ws_ynode *n,
                               const ws_indicator *ind) {
    static const char *const scoring_keys[] = {"weight", "normalize", "bad",
                                               "good", NULL};
    for (const char *const *k = scoring_keys; *k; k++)
        if (ws__ymap_get(n, *k))
            return ws__yerror(p->ctx, p->doc, ws__ymap_get(n, *k),
                              WS_ERR_FORMAT,
                              "indicator '%s' is 'direction: context' "
                              "(shown, not scored), so '%s' has no meaning",
                              ind->name, *k);
    return WS_OK;
}

static ws_status parse_indicator(parser *p, const ws_ynode *n, size_t theme) {
    static const char *const dirs[] = {"higher", "lower", "context", NULL};
    static const char *const methods[] = {"minmax", "zscore", "percentile",
                                          "threshold", NULL};
    ws_status st = ws__yexpect(p->ctx, p->doc, n, WS_Y_MAP, "an indicator");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, indicator_keys);
    if (st == WS_OK)
        st = ws__reserve(p->ctx, (void **)&p->th->ind, &p->th->indcap,
                         p->th->nind + 1, sizeof *p->th->ind);
    if (st != WS_OK)
        return st;
    ws_indicator *ind = &p->th->ind[p->th->nind];
    memset(ind, 0, sizeof *ind);
    ind->theme = theme;
    ind->doc = p->doc;
    ind->node = n;
    ind->weight = 1;
    int dir = WS_DIR_HIGHER_BETTER, method = WS_NORM_MINMAX;
    (void)((st = ws__yget_str(p->ctx, p->doc, n, "name", true, &ind->name)) ||
           (st = ws__yget_str(p->ctx, p->doc, n, "label", true, &ind->label)) ||
           (st = ws__yget_str(p->ctx, p->doc, n, "definition", true,
                              &ind->definition)) ||
           (st = ws__yget_str(p->ctx, p->doc, n, "unit", false, &ind->unit)) ||
           (st = parse_enum(p, n, "direction", dirs, &dir)) ||
           (st = parse_enum(p, n, "normalize", methods, &method)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "weight", false, 0, 1e6,
                                 &ind->weight)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "bad", false, -1e300, 1e300,
                                 &ind->norm.bad)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "good", false, -1e300,
                                 1e300, &ind->norm.good)));
    if (st != WS_OK)
        return st;
    if (!ws__ymap_get(n, "direction"))
        return ws__yerror(p->ctx, p->doc, n, WS_ERR_FORMAT,
                          "indicator '%s' needs 'direction: higher', "
                          "'lower' or 'context'",
                          ind->name);
    ind->norm.direction = (ws_direction)dir;
    ind->norm.method = (ws_norm_method)method;
    st = dir == WS_DIR_CONTEXT ? check_context(p, n, ind)
                               : check_anchors(p, n, ind);
    const ws_ynode *v = ws__ymap_get(n, "value");
    if (st == WS_OK && v)
        st = parse_expr(p, v, 0, &ind->value);
    if (st == WS_OK)
        p->th->nind++;
    return st;
}

static ws_status add_member(parser *p, ws_theme *t, size_t idx, double w) {
    size_t cap = t->nmembers;
    ws_status st = ws__reserve(p->ctx, (void **)&t->members, &cap,
                               t->nmembers + 1, sizeof *t->members);
    cap = t->nmembers;
    if (st == WS_OK)
        st = ws__reserve(p->ctx, (void **)&t->weights, &cap, t->nmembers + 1,
                         sizeof *t->weights);
    if (st == WS_OK) {
        t->members[t->nmembers] = idx;
        t->weights[t->nmembers++] = w;
    }
    return st;
}

/* The non-empty list under `key` ("indicators", "themes"). */
static ws_status member_list(parser *p, const ws_ynode *root, const char *key,
                             const char *what, const ws_ynode **list) {
    *list = ws__ymap_get(root, key);
    if (!*list)
        return ws__yerror(p->ctx, p->doc, root, WS_ERR_FORMAT,
                          "missing required key '%s'", key);
    char expected[64];
    snprintf(expected, sizeof expected, "a list of %s", key);
    ws_status st = ws__yexpect(p->ctx, p->doc, *list, WS_Y_SEQ, expected);
    if (st == WS_OK && (*list)->n == 0)
        st = ws__yerror(p->ctx, p->doc, *list, WS_ERR_FORMAT, "%s", what);
    return st;
}

static ws_status parse_indicators(parser *p, const ws_ynode *root,
                                  size_t theme) {
    const ws_ynode *list;
    ws_status st = member_list(p, root, "indicators",
                               "a theme needs at least one indicator", &list);
    for (size_t i = 0; st == WS_OK && i < list->n; i++) {
        st = parse_indicator(p, list->items[i], theme);
        if (st == WS_OK)
            st = add_member(p, &p->th->themes[theme], p->th->nind - 1,
                            p->th->ind[p->th->nind - 1].weight);
    }
    return st;
}

/* Composite members are stored by name until every file is read. */
static ws_status parse_composite_members(parser *p, const ws_ynode *root,
                                         ws_theme *t) {
    const ws_ynode *list;
    ws_status st = member_list(p, root, "themes",
                               "a composite needs at least one theme", &list);
    for (size_t i = 0; st == WS_OK && i < list->n; i++) {
        const ws_ynode *m = list->items[i];
        double w = 1;
        const char *name;
        (void)((st = ws__yexpect(p->ctx, p->doc, m, WS_Y_MAP,
                                 "{theme: NAME, weight: W}")) ||
               (st = ws__ycheck_keys(p->ctx, p->doc, m, member_keys)) ||
               (st = ws__yget_str(p->ctx, p->doc, m, "theme", true, &name)) ||
               (st = ws__yget_double(p->ctx, p->doc, m, "weight", false, 0, 1e6,
                                     &w)) ||
               (st = add_member(p, t, i, w)));
    }
    return st;
}

static ws_status parse_file(ws_themes *th, const ws_ydoc *doc) {
    parser p = {th->ctx, th, doc};
    static const char *const kinds[] = {"theme", "composite", NULL};
    const ws_ynode *root = doc->root;
    int kind = 0;
    ws_status st = ws__yexpect(th->ctx, doc, root, WS_Y_MAP, "a theme layer");
    if (st == WS_OK && !ws__ymap_get(root, "kind"))
        st = ws__yerror(th->ctx, doc, root, WS_ERR_FORMAT,
                        "missing required key 'kind' (theme or composite)");
    if (st == WS_OK)
        st = parse_enum(&p, root, "kind", kinds, &kind);
    if (st == WS_OK)
        st = ws__ycheck_keys(th->ctx, doc, root,
                             kind ? composite_keys : theme_keys);
    size_t cap = th->nthemes;
    if (st == WS_OK)
        st = ws__reserve(th->ctx, (void **)&th->themes, &cap, th->nthemes + 1,
                         sizeof *th->themes);
    if (st != WS_OK)
        return st;
    ws_theme *t = &th->themes[th->nthemes];
    memset(t, 0, sizeof *t);
    t->composite = kind == 1;
    t->doc = doc;
    t->node = root;
    t->min_coverage = 0.5;
    double order = 100;
    (void)((st = ws__yget_str(th->ctx, doc, root, "name", true, &t->name)) ||
           (st = ws__yget_str(th->ctx, doc, root, "label", true, &t->label)) ||
           (st = ws__yget_str(th->ctx, doc, root, "description", false,
                              &t->description)) ||
           (st = ws__yget_double(th->ctx, doc, root, "order", false, -1e6, 1e6,
                                 &order)) ||
           (st = ws__yget_double(th->ctx, doc, root, "min_coverage", false, 0,
                                 1, &t->min_coverage)));
    t->order = (long)order;
    th->nthemes++; /* owned from here on, also on error */
    if (st == WS_OK)
        st = t->composite ? parse_composite_members(&p, root, t)
                          : parse_indicators(&p, root, th->nthemes - 1);
    return st;
}

/* --- checks over all files -------------------------------------------- */

static ws_status check_unique_names(ws_themes *th) {
    for (size_t i = 0; i < th->nthemes; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(th->themes[i].name, th->themes[j].name) == 0)
                return ws__yerror(th->ctx, th->themes[i].doc,
                                  ws__ymap_get(th->themes[i].node, "name"),
                                  WS_ERR_FORMAT,
                                  "theme '%s' is also defined in %s",
                                  th->themes[i].name, th->themes[j].doc->path);
    for (size_t i = 0; i < th->nind; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(th->ind[i].name, th->ind[j].name) == 0) {
                const ws_ynode *at = ws__ymap_get(th->ind[j].node, "name");
                return ws__yerror(
                    th->ctx, th->ind[i].doc,
                    ws__ymap_get(th->ind[i].node, "name"), WS_ERR_FORMAT,
                    "indicator '%s' is already defined at "
                    "%s:%zu:%zu",
                    th->ind[i].name, th->ind[j].doc->path, at->line, at->col);
            }
    return WS_OK;
}

static long find_theme(const ws_themes *th, const char *name) {
    for (size_t i = 0; i < th->nthemes; i++)
        if (strcmp(th->themes[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Composite members were stored as list positions; make them theme indices
 * (names looked up now that every file is read). */
static ws_status link_composites(ws_themes *th) {
    for (size_t i = 0; i < th->nthemes; i++) {
        ws_theme *t = &th->themes[i];
        if (!t->composite)
            continue;
        const ws_ynode *list = ws__ymap_get(t->node, "themes");
        double wsum = 0;
        for (size_t m = 0; m < t->nmembers; m++) {
            const ws_ynode *tn = ws__ymap_get(list->items[m], "theme");
            long k = find_theme(th, tn->value);
            if (k < 0)
                return ws__yerror(th->ctx, t->doc, tn, WS_ERR_FORMAT,
                                  "unknown theme '%s'", tn->value);
            if (th->themes[k].composite)
                return ws__yerror(th->ctx, t->doc, tn, WS_ERR_FORMAT,
                                  "'%s' is itself a composite; a composite "
                                  "combines plain themes",
                                  tn->value);
            t->members[m] = (size_t)k;
            wsum += t->weights[m];
        }
        if (!(wsum > 0))
            return ws__yerror(th->ctx, t->doc, list, WS_ERR_FORMAT,
                              "the weights of composite '%s' sum to 0",
                              t->name);
    }
    return WS_OK;
}

static ws_status check_theme_weights(ws_themes *th) {
    for (size_t i = 0; i < th->nthemes; i++) {
        const ws_theme *t = &th->themes[i];
        double wsum = 0;
        for (size_t m = 0; !t->composite && m < t->nmembers; m++)
            if (th->ind[t->members[m]].norm.direction != WS_DIR_CONTEXT)
                wsum += th->ind[t->members[m]].weight;
        if (!t->composite && !(wsum > 0))
            return ws__yerror(th->ctx, t->doc,
                              ws__ymap_get(t->node, "indicators"),
                              WS_ERR_FORMAT,
                              "theme '%s' has no scored indicator with a "
                              "positive weight",
                              t->name);
    }
    return WS_OK;
}

/* Plain themes by order then name, composites last: the column order. */
static int compare_themes(const void *a, const void *b) {
    const ws_theme *x = a, *y = b;
    if (x->composite != y->composite)
        return x->composite ? 1 : -1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Sorting moves the themes, so indicators' theme indices are renumbered.
 * Names are unique by now, so the order is total. Runs before
 * link_composites(), which then stores the sorted indices of the members
 * (sorting after linking left composites pointing at the old positions). */
static ws_status sort_themes(ws_themes *th) {
    qsort(th->themes, th->nthemes, sizeof *th->themes, compare_themes);
    for (size_t i = 0; i < th->nthemes; i++) {
        const ws_theme *t = &th->themes[i];
        for (size_t m = 0; !t->composite && m < t->nmembers; m++)
            th->ind[t->members[m]].theme = i;
    }
    return WS_OK;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml(const char *name) {
    size_t n = strlen(name);
    return name[0] != '.' && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
                              (n > 4 && strcmp(name + n - 4, ".yml") == 0));
}

/* The *.yaml files of `dir`, sorted, so the load order is reproducible. */
static ws_status list_files(ws_ctx *ctx, const char *dir, char ***out,
                            size_t *n) {
    DIR *d = opendir(dir);
    if (!d)
        return ws__error(ctx, WS_ERR_IO_NOT_FOUND,
                         "%s: cannot read the theme layers directory: %s", dir,
                         strerror(errno));
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    ws_status st = WS_OK;
    struct dirent *e;
    while (st == WS_OK && (e = readdir(d)) != NULL) {
        if (!is_yaml(e->d_name))
            continue;
        st = ws__reserve(ctx, (void **)&names, &cap, *n + 1, sizeof *names);
        if (st == WS_OK && !(names[*n] = ws__strdup(ctx, e->d_name)))
            st = WS_ERR_NOMEM;
        *n += st == WS_OK;
    }
    closedir(d);
    if (names)
        qsort(names, *n, sizeof *names, compare_names);
    *out = names;
    if (st == WS_OK && *n == 0)
        st = ws__error(ctx, WS_ERR_IO_NOT_FOUND,
                       "%s: no theme layers (*.yaml) in this directory", dir);
    return st;
}

static ws_status load_files(ws_themes *th, const char *dir) {
    char **names = NULL;
    size_t n = 0;
    ws_status st = list_files(th->ctx, dir, &names, &n);
    if (st == WS_OK)
        st = ws__reserve(th->ctx, (void **)&th->docs, &(size_t){0}, n,
                         sizeof *th->docs);
    for (size_t i = 0; st == WS_OK && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        st = ws__yaml_load_file(th->ctx, path, &th->docs[th->ndocs]);
        if (st == WS_OK)
            st = parse_file(th, th->docs[th->ndocs++]);
    }
    for (size_t i = 0; i < n; i++)
        ws__free(th->ctx, names[i]);
    ws__free(th->ctx, names);
    return st;
}

/* Checks over every file, once all are read; frees the set on error. */
static ws_status finish_load(ws_ctx *ctx, ws_themes *th, ws_status st,
                             ws_themes **out) {
    if (st == WS_OK)
        st = check_unique_names(th);
    if (st == WS_OK)
        st = sort_themes(th); /* before linking: members are indices */
    if (st == WS_OK)
        st = link_composites(th);
    if (st == WS_OK)
        st = check_theme_weights(th);
    size_t *order = NULL;
    if (st == WS_OK) {
        order = ws__malloc(ctx, (th->nind ? th->nind : 1) * sizeof *order);
        st = order ? ws__themes_order(th, order) : WS_ERR_NOMEM;
    }
    ws__free(ctx, order);
    if (st != WS_OK) {
        ws_themes_free(th);
        return ws__status_or(ctx, st);
    }
    *out = th;
    return WS_OK;
}

static ws_themes *new_set(ws_ctx *ctx, const char *dir) {
    ws_themes *th = ws__calloc(ctx, 1, sizeof *th);
    if (th) {
        th->ctx = ctx;
        th->dir = ws__strdup(ctx, dir);
    }
    return th;
}

ws_status ws_themes_load(ws_ctx *ctx, const char *dir, ws_themes **out) {
    if (!ctx || !dir || !out)
        return WS_ERR_INVALID_ARG;
    *out = NULL;
    ws_themes *th = new_set(ctx, dir);
    if (!th)
        return WS_ERR_NOMEM;
    ws_status st = th->dir ? load_files(th, dir) : WS_ERR_NOMEM;
    return finish_load(ctx, th, st, out);
}

ws_status ws__themes_parse_buffer(ws_ctx *ctx, const char *name,
                                  const unsigned char *data, size_t len,
                                  ws_themes **out) {
    *out = NULL;
    ws_themes *th = new_set(ctx, name);
    if (!th)
        return WS_ERR_NOMEM;
    ws_status st = th->dir ? ws__reserve(ctx, (void **)&th->docs, &(size_t){0},
                                         1, sizeof *th->docs)
                           : WS_ERR_NOMEM;
    if (st == WS_OK)
        st = ws__yaml_load_buffer(ctx, name, data, len, &th->docs[0]);
    if (st == WS_OK)
        st = parse_file(th, th->docs[th->ndocs++]);
    return finish_load(ctx, th, st, out);
}

void ws_themes_free(ws_themes *th) {
    if (!th)
        return;
    ws_ctx *ctx = th->ctx;
    for (size_t i = 0; i < th->nexprs; i++) {
        ws__free(ctx, th->exprs[i]->args);
        ws__free(ctx, th->exprs[i]);
    }
    ws__free(ctx, th->exprs);
    for (size_t i = 0; i < th->nthemes; i++) {
        ws__free(ctx, th->themes[i].members);
        ws__free(ctx, th->themes[i].weights);
    }
    ws__free(ctx, th->themes);
    ws__free(ctx, th->ind);
    for (size_t i = 0; i < th->ndocs; i++)
        ws__yaml_free(ctx, th->docs[i]);
    ws__free(ctx, th->docs);
    ws__free(ctx, th->dir);
    ws__free(ctx, th);
}

size_t ws_themes_count(const ws_themes *th) { return th ? th->nthemes : 0; }

const char *ws_themes_name(const ws_themes *th, size_t i) {
    return th && i < th->nthemes ? th->themes[i].name : NULL;
}

const char *ws_themes_label(const ws_themes *th, size_t i) {
    return th && i < th->nthemes ? th->themes[i].label : NULL;
}
