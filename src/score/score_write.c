/* Writing the scores: raw values of computed indicators, normalised values,
 * theme marks with coverage, flag and ranks, and a description of every
 * column for the table wijkscan_indicatoren. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "score_internal.h"

typedef struct colwriter {
    ws_table *t;
    ws_status st;
} colwriter;

static size_t add_col(colwriter *w, const char *name, ws_coltype type,
                      ws_colrole role, bool integer) {
    size_t col = 0;
    if (w->st == WS_OK)
        w->st = ws__table_add_col(w->t, name, type, &col);
    if (w->st == WS_OK)
        ws__table_set_role(w->t, col, role, integer);
    return col;
}

static void put(colwriter *w, size_t col, size_t row, double v, uint8_t m) {
    if (w->st != WS_OK)
        return;
    if (m || !isfinite(v))
        ws__table_set_missing(w->t, col, row, m ? m : WS_MISSING_UNDEFINED);
    else
        ws__table_set_real(w->t, col, row, v);
}

static bool is_computed(const ws_indicator *ind) {
    return !(ind->value->op == WS_EXPR_REF &&
             strcmp(ind->value->name, ind->name) == 0);
}

static void write_indicators(ws__scorer *s, ws__scored_level *L, colwriter *w) {
    char name[256];
    for (size_t i = 0; i < s->th->nind; i++) {
        const ws_indicator *ind = &s->th->ind[i];
        if (is_computed(ind)) {
            size_t c =
                add_col(w, ind->name, WS_COL_REAL, WS_ROLE_INDICATOR, false);
            for (size_t r = 0; r < L->n; r++)
                put(w, c, r, L->raw[i][r], L->raw_m[i][r]);
        }
        if (ind->norm.direction == WS_DIR_CONTEXT)
            continue;
        snprintf(name, sizeof name, "norm_%s", ind->name);
        size_t c = add_col(w, name, WS_COL_REAL, WS_ROLE_NORMALISED, false);
        for (size_t r = 0; r < L->n; r++)
            put(w, c, r, L->norm[i][r], L->norm_m[i][r]);
    }
}

static const char *flag_of(const ws__scored_level *L, size_t t, size_t r) {
    if (L->suppressed[r])
        return "te_weinig";
    if (isfinite(L->score[t][r]))
        return "ok";
    return L->cover[t][r] > 0 ? "onvoldoende_dekking" : "geen_gegevens";
}

/* Ranks on the published mark, so equal marks share a rank. Groups are
 * the gemeenten (group_by_gemeente) or the whole level. */
static void write_rank(ws__scorer *s, ws__scored_level *L, colwriter *w,
                       const char *name, const double *mark,
                       const uint8_t *mark_m, bool group_by_gemeente) {
    size_t col = add_col(w, name, WS_COL_REAL, WS_ROLE_SCORE, true);
    uint32_t *rank = ws__calloc(s->ctx, L->n + 1, sizeof *rank);
    uint32_t *part = ws__calloc(s->ctx, L->n + 1, sizeof *part);
    bool *in = ws__calloc(s->ctx, L->n + 1, sizeof *in);
    if (w->st == WS_OK && !(rank && part && in))
        w->st = WS_ERR_NOMEM;
    size_t ngroups = group_by_gemeente ? s->lev[WS_LEVEL_GEMEENTE].n : 1;
    for (size_t g = 0; w->st == WS_OK && g < ngroups; g++) {
        for (size_t r = 0; r < L->n; r++)
            in[r] = !group_by_gemeente || L->gemeente[r] == (long)g;
        w->st = ws_rank(s->ctx, mark, in, L->n, part);
        for (size_t r = 0; r < L->n; r++)
            if (in[r])
                rank[r] = part[r];
    }
    for (size_t r = 0; w->st == WS_OK && r < L->n; r++)
        put(w, col, r, rank[r], rank[r] ? 0 : mark_m[r]);
    ws__free(s->ctx, rank);
    ws__free(s->ctx, part);
    ws__free(s->ctx, in);
}

static void write_theme(ws__scorer *s, int l, size_t t, colwriter *w,
                        double *mark, uint8_t *mark_m) {
    ws__scored_level *L = &s->lev[l];
    const char *tn = s->th->themes[t].name;
    char name[256];
    snprintf(name, sizeof name, "score_%s", tn);
    size_t c_mark = add_col(w, name, WS_COL_REAL, WS_ROLE_SCORE, false);
    snprintf(name, sizeof name, "score_%s_dekking", tn);
    size_t c_cov = add_col(w, name, WS_COL_REAL, WS_ROLE_SCORE, false);
    snprintf(name, sizeof name, "score_%s_vlag", tn);
    size_t c_flag = add_col(w, name, WS_COL_TEXT, WS_ROLE_SCORE, false);
    for (size_t r = 0; w->st == WS_OK && r < L->n; r++) {
        mark[r] = ws_score_to_mark(L->score[t][r]);
        mark_m[r] = L->score_m[t][r];
        put(w, c_mark, r, mark[r], mark_m[r]);
        put(w, c_cov, r, round(L->cover[t][r] * 1000) / 1000, 0);
        w->st = ws__table_set_text(w->t, c_flag, r, flag_of(L, t, r));
    }
    if (l != WS_LEVEL_GEMEENTE) {
        snprintf(name, sizeof name, "rang_%s_gemeente", tn);
        write_rank(s, L, w, name, mark, mark_m, true);
    }
    snprintf(name, sizeof name, "rang_%s_regio", tn);
    write_rank(s, L, w, name, mark, mark_m, false);
}

static ws_status write_level(ws__scorer *s, int l) {
    ws__scored_level *L = &s->lev[l];
    colwriter w = {L->t, WS_OK};
    double *mark = ws__malloc(s->ctx, (L->n + 1) * sizeof *mark);
    uint8_t *mark_m = ws__malloc(s->ctx, L->n + 1);
    if (!mark || !mark_m)
        w.st = WS_ERR_NOMEM;
    for (size_t t = 0; w.st == WS_OK && t < s->th->nthemes; t++)
        write_theme(s, l, t, &w, mark, mark_m);
    if (w.st == WS_OK)
        write_indicators(s, L, &w);
    ws__free(s->ctx, mark);
    ws__free(s->ctx, mark_m);
    return w.st;
}

/* --- descriptions ------------------------------------------------------- */

static const char *richting(ws_direction d) {
    return d == WS_DIR_HIGHER_BETTER  ? "hoger_beter"
           : d == WS_DIR_LOWER_BETTER ? "lager_beter"
                                      : "context";
}

static void describe_norm(const ws_norm_params *p, ws_strbuf *sb) {
    if (p->direction == WS_DIR_CONTEXT)
        ws__sb_append(sb, "niet gescoord");
    else if (p->method == WS_NORM_THRESHOLD)
        ws__sb_appendf(sb, "threshold (slecht %g, goed %g)", p->bad, p->good);
    else
        ws__sb_append(sb, ws__norm_method_key(p->method));
}

static ws_status describe_indicator(ws__scorer *s, const ws_indicator *ind) {
    ws_strbuf norm, src;
    ws__sb_init(&norm, s->ctx);
    ws__sb_init(&src, s->ctx);
    describe_norm(&ind->norm, &norm);
    ws__expr_format(ind->value, &src);
    const char *ns = ws__sb_str(&norm), *ss = ws__sb_str(&src);
    ws__colinfo c = {(char *)ind->name,
                     (char *)s->th->themes[ind->theme].name,
                     (char *)ind->label,
                     (char *)ind->definition,
                     (char *)ind->unit,
                     (char *)richting(ind->norm.direction),
                     (char *)ns,
                     (char *)ss,
                     ind->norm.direction == WS_DIR_CONTEXT ? NAN : ind->weight};
    ws_status st = ns && ss ? ws__dataset_add_colinfo(s->ds, &c) : WS_ERR_NOMEM;
    ws__sb_free(&norm);
    ws__sb_free(&src);
    return st;
}

static ws_status describe_theme(ws__scorer *s, size_t t) {
    const ws_theme *th = &s->th->themes[t];
    char kolom[256], norm[128];
    snprintf(kolom, sizeof kolom, "score_%s", th->name);
    snprintf(norm, sizeof norm,
             "gewogen gemiddelde, rapportcijfer 1 + 9 × score; minimale "
             "dekking %g %%",
             th->min_coverage * 100);
    /* the composite this theme feeds, and with which weight */
    const char *composite_of = "";
    double weight = NAN;
    for (size_t u = 0; u < s->th->nthemes; u++) {
        const ws_theme *c = &s->th->themes[u];
        for (size_t m = 0; c->composite && m < c->nmembers; m++)
            if (c->members[m] == t) {
                composite_of = c->name;
                weight = c->weights[m];
            }
    }
    ws__colinfo c = {kolom,
                     (char *)th->name,
                     (char *)th->label,
                     (char *)th->description,
                     "rapportcijfer 1–10",
                     "hoger_beter",
                     norm,
                     (char *)composite_of,
                     weight};
    return ws__dataset_add_colinfo(s->ds, &c);
}

static ws_status record(ws__scorer *s) {
    static const char *const frames[] = {"regio", "gemeente", "invoer"};
    ws_status st = ws__dataset_set_param(
        s->ds, "referentiekader", "%s",
        frames[s->opt->reference <= WS_REF_INPUT ? s->opt->reference : 0]);
    if (st == WS_OK)
        st = ws__dataset_set_param(s->ds, "thema_lagen", "%s", s->th->dir);
    if (st == WS_OK)
        st = ws__dataset_set_param(s->ds, "minimum_woningen", "%g",
                                   s->opt->min_dwellings);
    if (st == WS_OK)
        st = ws__dataset_set_param(s->ds, "minimum_inwoners", "%g",
                                   s->opt->min_inwoners);
    for (size_t t = 0; st == WS_OK && t < s->th->nthemes; t++)
        st = describe_theme(s, t);
    for (size_t i = 0; st == WS_OK && i < s->th->nind; i++)
        st = describe_indicator(s, &s->th->ind[i]);
    return st;
}

ws_status ws__scorer_write(ws__scorer *s) {
    ws_status st = WS_OK;
    for (int l = 0; st == WS_OK && l < WS_SCORED_LEVELS; l++)
        st = write_level(s, l);
    if (st == WS_OK)
        st = record(s);
    return st;
}
