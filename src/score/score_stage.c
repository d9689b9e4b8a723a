/* The score stage: indicator values per buurt, wijk and gemeente from the
 * theme layers' expressions; normalisation against the buurten of the
 * reference frame; weighted combination per theme with coverage; the
 * composite. A wijk or gemeente is normalised against the same buurt
 * frame, so a mark means the same at every level. */
#include <math.h>
#include <string.h>

#include "score_internal.h"

void ws_score_options_init(ws_score_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->reference = WS_REF_REGION;
    opt->min_dwellings = 10;
    opt->min_inwoners = 10;
    opt->inwoners_column = "aantal_inwoners";
}

/* --- names against the data --------------------------------------------- */

static bool column_anywhere(const ws_dataset *ds, const char *name) {
    for (int l = 0; l < WS_SCORED_LEVELS; l++)
        if (ws_table_find(ds->levels[l].table, name) >= 0)
            return true;
    return false;
}

/* The column of the buurt table closest to `name`, if it is close enough
 * to be a typo. */
static const char *closest_column(const ws_dataset *ds, const char *name) {
    const ws_table *t = ds->levels[WS_LEVEL_BUURT].table;
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t d = ws__edit_distance(name, t->cols[c].name);
        if (d < bestd) {
            bestd = d;
            best = t->cols[c].name;
        }
    }
    return best;
}

/* A "…_binnen_500m" column exists only when 500 is one of the radii. */
static const char *radius_hint(const ws__scorer *s, const char *name,
                               char *hint, size_t size) {
    size_t n = strlen(name);
    hint[0] = '\0';
    if (!strstr(name, "_binnen_") || n < 2 || name[n - 1] != 'm')
        return hint;
    for (size_t i = 0; i < s->ds->nparams; i++)
        if (strcmp(s->ds->params[i].key, "stralen_m") == 0)
            snprintf(hint, size,
                     "; such a column needs its radius in parameters.radii "
                     "(now %s m)",
                     s->ds->params[i].value);
    return hint;
}

/* A name that is no indicator and no column: a typo of a column is an
 * error; a column that simply is not in these inputs (e.g. no CBS
 * statistics) leaves the indicator without values, listed in one warning. */
static ws_status check_ref(ws__scorer *s, const ws_expr *e,
                           const ws_indicator *ind, size_t *absent) {
    if (e->op != WS_EXPR_REF || e->ind >= 0 || column_anywhere(s->ds, e->name))
        return WS_OK;
    const char *near = closest_column(s->ds, e->name);
    char hint[160];
    if (near)
        return ws__yerror(s->ctx, e->doc, e->node, WS_ERR_DATA_NO_FIELD,
                          "indicator '%s': no column '%s' in the data (did "
                          "you mean '%s'?)%s",
                          ind->name, e->name, near,
                          radius_hint(s, e->name, hint, sizeof hint));
    if (s->first)
        ws__info(s->ctx,
                 "%s:%zu:%zu: indicator '%s': column '%s' is in none of the "
                 "inputs",
                 e->doc->path, e->node->line, e->node->col, ind->name, e->name);
    (*absent)++;
    return WS_OK;
}

static ws_status check_expr(ws__scorer *s, const ws_expr *e,
                            const ws_indicator *ind, size_t *absent) {
    ws_status st = check_ref(s, e, ind, absent);
    for (size_t i = 0; st == WS_OK && i < e->nargs; i++)
        st = check_expr(s, e->args[i], ind, absent);
    return st;
}

/* An indicator without `value` is the column of its own name. */
static ws_status default_values(ws__scorer *s) {
    ws_themes *th = s->th;
    for (size_t i = 0; i < th->nind; i++) {
        ws_indicator *ind = &th->ind[i];
        if (ind->value)
            continue;
        if (ws__reserve(s->ctx, (void **)&th->exprs, &th->exprcap,
                        th->nexprs + 1, sizeof *th->exprs))
            return WS_ERR_NOMEM;
        ws_expr *e = ws__calloc(s->ctx, 1, sizeof *e);
        if (!e)
            return WS_ERR_NOMEM;
        th->exprs[th->nexprs++] = e;
        *e = (ws_expr){.op = WS_EXPR_REF,
                       .name = ind->name,
                       .ind = -1,
                       .col = -1,
                       .doc = ind->doc,
                       .node = ws__ymap_get(ind->node, "name")};
        ind->value = e;
    }
    return WS_OK;
}

/* A computed indicator may not take the name of an input column: its
 * values would silently replace the data. */
static ws_status check_names(ws__scorer *s) {
    ws_strbuf absent;
    ws__sb_init(&absent, s->ctx);
    ws_status st = default_values(s);
    for (size_t i = 0; st == WS_OK && i < s->th->nind; i++) {
        const ws_indicator *ind = &s->th->ind[i];
        bool plain = ind->value->op == WS_EXPR_REF &&
                     strcmp(ind->value->name, ind->name) == 0;
        if (s->first && !plain && column_anywhere(s->ds, ind->name))
            st = ws__yerror(s->ctx, ind->doc, ws__ymap_get(ind->node, "name"),
                            WS_ERR_FORMAT,
                            "indicator '%s' is computed, but the data "
                            "already has a column of that name; choose "
                            "another name",
                            ind->name);
        size_t n_absent = 0;
        if (st == WS_OK)
            st = check_expr(s, ind->value, ind, &n_absent);
        const char *sofar = ws__sb_str(&absent);
        if (n_absent)
            ws__sb_appendf(&absent, "%s%s", sofar && *sofar ? ", " : "",
                           ind->name);
    }
    const char *list = ws__sb_str(&absent);
    if (st == WS_OK && s->first && list && *list)
        ws__warn(s->ctx,
                 "indicators without values, because a column they need is "
                 "in none of the inputs (%s; -v says which): %s",
                 ws_missing_key(WS_MISSING_NOT_IN_INPUT), list);
    ws__sb_free(&absent);
    return st;
}

/* --- raw values -------------------------------------------------------- */

static double **alloc_rows(ws_ctx *ctx, size_t k, size_t n, size_t size) {
    double **a = ws__calloc(ctx, k ? k : 1, sizeof *a);
    for (size_t i = 0; a && i < k; i++)
        if (!(a[i] = ws__calloc(ctx, n ? n : 1, size)))
            return a; /* freed by the caller; the ctx holds WS_ERR_NOMEM */
    return a;
}

static void free_rows(ws_ctx *ctx, void *rows, size_t k) {
    void **a = rows;
    for (size_t i = 0; a && i < k; i++)
        ws__free(ctx, a[i]);
    ws__free(ctx, a);
}

static ws_status alloc_level(ws__scorer *s, ws__scored_level *L) {
    size_t ni = s->th->nind, nt = s->th->nthemes, n = L->n;
    L->raw = alloc_rows(s->ctx, ni, n, sizeof(double));
    L->raw_m = (uint8_t **)alloc_rows(s->ctx, ni, n, 1);
    L->norm = alloc_rows(s->ctx, ni, n, sizeof(double));
    L->norm_m = (uint8_t **)alloc_rows(s->ctx, ni, n, 1);
    L->score = alloc_rows(s->ctx, nt, n, sizeof(double));
    L->score_m = (uint8_t **)alloc_rows(s->ctx, nt, n, 1);
    L->cover = alloc_rows(s->ctx, nt, n, sizeof(double));
    L->suppressed = ws__calloc(s->ctx, n ? n : 1, sizeof *L->suppressed);
    L->gemeente = ws__calloc(s->ctx, n ? n : 1, sizeof *L->gemeente);
    return ws__has_error(s->ctx) ? ws__status_or(s->ctx, WS_ERR_NOMEM) : WS_OK;
}

static void compute_raw(ws__scorer *s, ws__scored_level *L) {
    for (size_t k = 0; k < s->th->nind; k++) {
        size_t i = s->order[k];
        ws_expr *e = s->th->ind[i].value;
        ws__expr_bind(e, L->t);
        for (size_t r = 0; r < L->n; r++)
            ws__expr_eval(e, L->t, r, L->raw, L->raw_m, &L->raw[i][r],
                          &L->raw_m[i][r]);
    }
}

/* CBS suppresses figures of buurten with fewer than 10 inwoners; a score
 * of a handful of dwellings says nothing either. */
static void mark_suppressed(ws__scorer *s, ws__scored_level *L) {
    long c_dw = ws_table_find(L->t, "woningen");
    long c_inw = s->opt->inwoners_column
                     ? ws_table_find(L->t, s->opt->inwoners_column)
                     : -1;
    for (size_t r = 0; r < L->n; r++) {
        double dw = 0, inw;
        if (c_dw >= 0)
            ws_table_get_real(L->t, (size_t)c_dw, r, &dw);
        bool few = !(dw >= s->opt->min_dwellings);
        if (c_inw >= 0 &&
            ws_table_get_real(L->t, (size_t)c_inw, r, &inw) == WS_PRESENT)
            few = few || inw < s->opt->min_inwoners;
        L->suppressed[r] = few;
    }
}

static ws_status init_level(ws__scorer *s, int l) {
    ws__scored_level *L = &s->lev[l];
    const ws__level *lv = &s->ds->levels[l];
    L->t = lv->table;
    L->n = L->t->nrows;
    ws_status st = alloc_level(s, L);
    if (st != WS_OK)
        return st;
    for (size_t r = 0; r < L->n; r++)
        L->gemeente[r] = l == WS_LEVEL_GEMEENTE ? (long)r
                         : lv->parent[WS_LEVEL_GEMEENTE]
                             ? lv->parent[WS_LEVEL_GEMEENTE][r]
                             : -1;
    compute_raw(s, L);
    mark_suppressed(s, L);
    return WS_OK;
}

ws_status ws__scorer_init(ws__scorer *s, ws_ctx *ctx, ws_dataset *ds,
                          const ws_score_options *opt, bool first) {
    memset(s, 0, sizeof *s);
    s->first = first;
    s->ctx = ctx;
    s->ds = ds;
    s->opt = opt;
    for (int l = 0; l < WS_SCORED_LEVELS; l++)
        if (!ds->levels[l].table ||
            ws_table_find(ds->levels[l].table, "woningen") < 0)
            return ws__error(ctx, WS_ERR_MISUSE,
                             "run ws_aggregate() before ws_score()");
    ws_status st = ws_themes_load(ctx, opt->themes_dir, &s->th);
    if (st == WS_OK) {
        s->order = ws__malloc(ctx, (s->th->nind + 1) * sizeof *s->order);
        st = s->order ? ws__themes_order(s->th, s->order) : WS_ERR_NOMEM;
    }
    if (st == WS_OK)
        st = check_names(s);
    for (int l = 0; st == WS_OK && l < WS_SCORED_LEVELS; l++)
        st = init_level(s, l);
    return st;
}

void ws__scorer_free(ws__scorer *s) {
    if (!s->th)
        return;
    size_t ni = s->th->nind, nt = s->th->nthemes;
    for (int l = 0; l < WS_SCORED_LEVELS; l++) {
        ws__scored_level *L = &s->lev[l];
        free_rows(s->ctx, L->raw, ni);
        free_rows(s->ctx, L->raw_m, ni);
        free_rows(s->ctx, L->norm, ni);
        free_rows(s->ctx, L->norm_m, ni);
        free_rows(s->ctx, L->score, nt);
        free_rows(s->ctx, L->score_m, nt);
        free_rows(s->ctx, L->cover, nt);
        ws__free(s->ctx, L->suppressed);
        ws__free(s->ctx, L->gemeente);
    }
    ws__free(s->ctx, s->order);
    ws_themes_free(s->th);
    memset(s, 0, sizeof *s);
}

/* --- normalisation ------------------------------------------------------ */

/* Scratch for normalising one indicator: the buurt values (the frame)
 * followed by the values of one level. */
typedef struct scratch {
    size_t cap;
    double *v, *out;
    uint8_t *m, *out_m;
    bool *ref;
} scratch;

static ws_status scratch_fit(ws_ctx *ctx, scratch *x, size_t n) {
    if (n <= x->cap)
        return WS_OK;
    ws__free(ctx, x->v);
    ws__free(ctx, x->out);
    ws__free(ctx, x->m);
    ws__free(ctx, x->out_m);
    ws__free(ctx, x->ref);
    x->v = ws__malloc(ctx, n * sizeof *x->v);
    x->out = ws__malloc(ctx, n * sizeof *x->out);
    x->m = ws__malloc(ctx, n);
    x->out_m = ws__malloc(ctx, n);
    x->ref = ws__malloc(ctx, n * sizeof *x->ref);
    x->cap = x->v && x->out && x->m && x->out_m && x->ref ? n : 0;
    return x->cap ? WS_OK : WS_ERR_NOMEM;
}

static void scratch_free(ws_ctx *ctx, scratch *x) {
    ws__free(ctx, x->v);
    ws__free(ctx, x->out);
    ws__free(ctx, x->m);
    ws__free(ctx, x->out_m);
    ws__free(ctx, x->ref);
}

/* Normalise indicator i of level L against the buurten whose gemeente is
 * `group` (-1: every buurt), writing only L's rows of that group (all rows
 * when group is -1). */
static ws_status normalise_group(ws__scorer *s, scratch *x, size_t i,
                                 const ws_norm_params *p, ws__scored_level *L,
                                 bool same, long group) {
    const ws__scored_level *B = &s->lev[WS_LEVEL_BUURT];
    size_t nb = same ? 0 : B->n, n = nb + L->n;
    ws_status st = scratch_fit(s->ctx, x, n);
    if (st != WS_OK)
        return st;
    for (size_t r = 0; r < nb; r++) {
        x->v[r] = B->raw[i][r];
        x->m[r] = B->raw_m[i][r];
        x->ref[r] = !B->suppressed[r] && (group < 0 || B->gemeente[r] == group);
    }
    for (size_t r = 0; r < L->n; r++) {
        x->v[nb + r] = L->raw[i][r];
        x->m[nb + r] = L->raw_m[i][r];
        x->ref[nb + r] =
            same && !L->suppressed[r] && (group < 0 || L->gemeente[r] == group);
    }
    st = ws_normalize(s->ctx, x->v, x->m, x->ref, n, p, x->out, x->out_m);
    for (size_t r = 0; st == WS_OK && r < L->n; r++)
        if (group < 0 || L->gemeente[r] == group) {
            L->norm[i][r] = x->out[nb + r];
            L->norm_m[i][r] = x->out_m[nb + r];
        }
    return st;
}

/* Rows of a level per gemeente, in row order: rows[first[g] .. first[g+1]). */
typedef struct by_gemeente {
    size_t *first, *rows;
} by_gemeente;

static ws_status group_rows(ws_ctx *ctx, const ws__scored_level *L, size_t ngem,
                            by_gemeente *out) {
    out->first = ws__calloc(ctx, ngem + 2, sizeof *out->first);
    out->rows = ws__malloc(ctx, (L->n ? L->n : 1) * sizeof *out->rows);
    if (!out->first || !out->rows)
        return WS_ERR_NOMEM;
    for (size_t r = 0; r < L->n; r++)
        if (L->gemeente[r] >= 0 && (size_t)L->gemeente[r] < ngem)
            out->first[(size_t)L->gemeente[r] + 2]++;
    for (size_t g = 0; g < ngem; g++)
        out->first[g + 2] += out->first[g + 1];
    for (size_t r = 0; r < L->n; r++) /* first[g + 1] is g's cursor */
        if (L->gemeente[r] >= 0 && (size_t)L->gemeente[r] < ngem)
            out->rows[out->first[(size_t)L->gemeente[r] + 1]++] = r;
    return WS_OK;
}

static void by_gemeente_free(ws_ctx *ctx, by_gemeente *b) {
    ws__free(ctx, b->first);
    ws__free(ctx, b->rows);
}

/* normalise_group for one gemeente g, on the rows of g only: the buurten of
 * g (the frame), then L's rows of g, each in row order. ws_normalize gives
 * a row a value from its own value and the frame (taken in row order), so
 * this is what normalise_group(g) gives, without passing every row of the
 * country once per gemeente. */
static ws_status normalise_gemeente(ws__scorer *s, scratch *x, size_t i,
                                    const ws_norm_params *p,
                                    ws__scored_level *L, bool same,
                                    const by_gemeente *bb,
                                    const by_gemeente *bl, size_t g) {
    const ws__scored_level *B = &s->lev[WS_LEVEL_BUURT];
    size_t nb = same ? 0 : bb->first[g + 1] - bb->first[g];
    size_t nl = bl->first[g + 1] - bl->first[g], n = nb + nl;
    ws_status st = scratch_fit(s->ctx, x, n ? n : 1);
    if (st != WS_OK)
        return st;
    for (size_t k = 0; k < nb; k++) {
        size_t r = bb->rows[bb->first[g] + k];
        x->v[k] = B->raw[i][r];
        x->m[k] = B->raw_m[i][r];
        x->ref[k] = !B->suppressed[r];
    }
    for (size_t k = 0; k < nl; k++) {
        size_t r = bl->rows[bl->first[g] + k];
        x->v[nb + k] = L->raw[i][r];
        x->m[nb + k] = L->raw_m[i][r];
        x->ref[nb + k] = same && !L->suppressed[r];
    }
    st = ws_normalize(s->ctx, x->v, x->m, x->ref, n, p, x->out, x->out_m);
    for (size_t k = 0; st == WS_OK && k < nl; k++) {
        size_t r = bl->rows[bl->first[g] + k];
        L->norm[i][r] = x->out[nb + k];
        L->norm_m[i][r] = x->out_m[nb + k];
    }
    return st;
}

static ws_status normalise_indicator(ws__scorer *s, scratch *x, size_t i,
                                     const ws_norm_params *p, int l) {
    ws__scored_level *L = &s->lev[l];
    bool same = l == WS_LEVEL_BUURT;
    ws_status st = normalise_group(s, x, i, p, L, same, -1);
    if (s->opt->reference != WS_REF_GEMEENTE || p->method == WS_NORM_THRESHOLD)
        return st;
    size_t ngem = s->lev[WS_LEVEL_GEMEENTE].n;
    by_gemeente bb = {NULL, NULL}, bl = {NULL, NULL};
    if (st == WS_OK)
        st = group_rows(s->ctx, &s->lev[WS_LEVEL_BUURT], ngem, &bb);
    if (st == WS_OK)
        st = group_rows(s->ctx, L, ngem, &bl);
    for (size_t g = 0; st == WS_OK && g < ngem; g++)
        st = normalise_gemeente(s, x, i, p, L, same, &bb, &bl, g);
    by_gemeente_free(s->ctx, &bb);
    by_gemeente_free(s->ctx, &bl);
    return st;
}

static ws_status normalise_all(ws__scorer *s, size_t nlevels,
                               const ws__score_variant *var) {
    scratch x = {0};
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < s->th->nind; i++) {
        const ws_indicator *ind = &s->th->ind[i];
        if (ind->norm.direction == WS_DIR_CONTEXT)
            continue;
        ws_norm_params p = ind->norm;
        if (var && var->method && p.method != WS_NORM_THRESHOLD)
            p.method = var->method[i];
        for (size_t l = 0; st == WS_OK && l < nlevels; l++)
            st = normalise_indicator(s, &x, i, &p, (int)l);
    }
    scratch_free(s->ctx, &x);
    return st;
}

/* --- combination ------------------------------------------------------ */

size_t ws__theme_scored(const ws_themes *th, size_t theme, size_t *ind) {
    const ws_theme *t = &th->themes[theme];
    size_t k = 0;
    for (size_t m = 0; m < t->nmembers; m++)
        if (th->ind[t->members[m]].norm.direction != WS_DIR_CONTEXT)
            ind[k++] = t->members[m];
    return k;
}

/* Why a row has no theme score: too small to score, or too little of the
 * theme's weight had values. */
static void label_missing(ws__scored_level *L, size_t t) {
    for (size_t r = 0; r < L->n; r++) {
        if (L->suppressed[r]) {
            L->score[t][r] = NAN;
            L->score_m[t][r] = WS_MISSING_SUPPRESSED;
        } else {
            L->score_m[t][r] =
                isfinite(L->score[t][r]) ? 0 : WS_MISSING_LOW_COVERAGE;
        }
    }
}

static ws_status combine_theme(ws__scorer *s, ws__scored_level *L, size_t t,
                               const ws__score_variant *var) {
    const ws_theme *th = &s->th->themes[t];
    size_t k = th->nmembers;
    const double **norm = ws__calloc(s->ctx, k + 1, sizeof *norm);
    const uint8_t **miss = ws__calloc(s->ctx, k + 1, sizeof *miss);
    double *w = ws__calloc(s->ctx, k + 1, sizeof *w);
    size_t *ind = ws__calloc(s->ctx, k + 1, sizeof *ind);
    ws_status st = norm && miss && w && ind ? WS_OK : WS_ERR_NOMEM;
    if (st == WS_OK && th->composite) {
        for (size_t m = 0; m < k; m++) {
            norm[m] = L->score[th->members[m]];
            miss[m] = L->score_m[th->members[m]];
            w[m] = var && var->member_w ? var->member_w[t][m] : th->weights[m];
        }
    } else if (st == WS_OK) {
        k = ws__theme_scored(s->th, t, ind);
        for (size_t m = 0; m < k; m++) {
            norm[m] = L->norm[ind[m]];
            miss[m] = L->norm_m[ind[m]];
            w[m] = var && var->weight ? var->weight[ind[m]]
                                      : s->th->ind[ind[m]].weight;
        }
    }
    if (st == WS_OK)
        st = ws_combine_weighted(s->ctx, (const double *const *)norm,
                                 (const uint8_t *const *)miss, w, k, L->n,
                                 th->min_coverage, L->score[t], L->cover[t]);
    if (st == WS_OK)
        label_missing(L, t);
    ws__free(s->ctx, norm);
    ws__free(s->ctx, miss);
    ws__free(s->ctx, w);
    ws__free(s->ctx, ind);
    return st;
}

ws_status ws__scorer_compute(ws__scorer *s, size_t nlevels,
                             const ws__score_variant *var) {
    ws_status st = normalise_all(s, nlevels, var);
    /* plain themes come first, so a composite finds its members done */
    for (size_t l = 0; st == WS_OK && l < nlevels; l++)
        for (size_t t = 0; st == WS_OK && t < s->th->nthemes; t++)
            st = combine_theme(s, &s->lev[l], t, var);
    return st;
}

ws_status ws_score(ws_ctx *ctx, ws_dataset *ds, const ws_score_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    if (!opt->themes_dir)
        return WS_OK;
    ws__scorer s;
    ws_status st = ws__scorer_init(&s, ctx, ds, opt, true);
    if (st == WS_OK)
        st = ws__scorer_compute(&s, WS_SCORED_LEVELS, NULL);
    if (st == WS_OK)
        st = ws__scorer_write(&s);
    ws__scorer_free(&s);
    if (st != WS_OK)
        ws__error_prefix(ctx, "score");
    return st;
}
