/* Sensitivity of the buurt scores to the choices in the theme layers
 * (OECD/JRC Handbook on Constructing Composite Indicators, uncertainty
 * analysis): Monte Carlo over the weights (each multiplied by a uniform
 * factor in [1 − spread, 1 + spread]) and, optionally, the normalisation
 * method. Per buurt and theme: the 5–95 % range of its rank in the region
 * and how often its quantile class differs from the baseline class. The
 * generator is seeded, so a run is reproducible. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score_internal.h"
#include "wijkscan/classify.h"

void ws_sensitivity_options_init(ws_sensitivity_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->runs = 200;
    opt->seed = 1;
    opt->weight_spread = 0.5;
    opt->vary_method = true;
    opt->classes = 5;
    opt->flag_share = 0.25;
}

typedef struct mc {
    ws__scorer *s;
    const ws_sensitivity_options *o;
    size_t nb, nt, runs;
    uint32_t *ranks;        /* [theme][buurt][run], 0 = not scored */
    uint32_t *changes;      /* [theme][buurt] runs with another class */
    uint32_t *scored;       /* [theme][buurt] runs in which it was scored */
    long *base_class;       /* [theme][buurt], -1 when not scored */
    double *mark;           /* [nb] scratch */
    uint32_t *rank;         /* [nb] scratch */
    double *weight;         /* [nind] */
    ws_norm_method *method; /* [nind] */
    double **member_w;      /* [nthemes][nmembers] */
} mc;

static ws_status mc_alloc(mc *m) {
    ws_ctx *ctx = m->s->ctx;
    size_t cells = m->nt * m->nb + 1;
    m->ranks = ws__calloc(ctx, cells * m->runs, sizeof *m->ranks);
    m->changes = ws__calloc(ctx, cells, sizeof *m->changes);
    m->scored = ws__calloc(ctx, cells, sizeof *m->scored);
    m->base_class = ws__calloc(ctx, cells, sizeof *m->base_class);
    m->mark = ws__calloc(ctx, m->nb + 1, sizeof *m->mark);
    m->rank = ws__calloc(ctx, m->nb + 1, sizeof *m->rank);
    m->weight = ws__calloc(ctx, m->s->th->nind + 1, sizeof *m->weight);
    m->method = ws__calloc(ctx, m->s->th->nind + 1, sizeof *m->method);
    m->member_w = ws__calloc(ctx, m->nt + 1, sizeof *m->member_w);
    for (size_t t = 0; m->member_w && t < m->nt; t++)
        m->member_w[t] = ws__calloc(ctx, m->s->th->themes[t].nmembers + 1,
                                    sizeof **m->member_w);
    return ws__has_error(ctx) ? ws__status_or(ctx, WS_ERR_NOMEM) : WS_OK;
}

static void mc_free(mc *m) {
    ws_ctx *ctx = m->s->ctx;
    ws__free(ctx, m->ranks);
    ws__free(ctx, m->changes);
    ws__free(ctx, m->scored);
    ws__free(ctx, m->base_class);
    ws__free(ctx, m->mark);
    ws__free(ctx, m->rank);
    ws__free(ctx, m->weight);
    ws__free(ctx, m->method);
    for (size_t t = 0; m->member_w && t < m->nt; t++)
        ws__free(ctx, m->member_w[t]);
    ws__free(ctx, m->member_w);
}

static double factor(mc *m, uint64_t *rng) {
    double a = m->o->weight_spread;
    return 1 - a + 2 * a * ws__rng_unit(rng);
}

/* One draw of weights and methods. */
static void draw_variant(mc *m, uint64_t *rng) {
    static const ws_norm_method relative[] = {WS_NORM_MINMAX, WS_NORM_ZSCORE,
                                              WS_NORM_PERCENTILE};
    const ws_themes *th = m->s->th;
    for (size_t i = 0; i < th->nind; i++) {
        m->weight[i] = th->ind[i].weight * factor(m, rng);
        m->method[i] = th->ind[i].norm.method;
        if (m->o->vary_method && m->method[i] != WS_NORM_THRESHOLD)
            m->method[i] = relative[ws__rng_next(rng) % 3];
    }
    for (size_t t = 0; t < m->nt; t++)
        for (size_t k = 0; k < th->themes[t].nmembers; k++)
            m->member_w[t][k] = th->themes[t].weights
                                    ? th->themes[t].weights[k] * factor(m, rng)
                                    : 1;
}

/* Marks of theme t for the buurten, and quantile classes of them. */
static ws_status classify_theme(mc *m, size_t t, ws_classes **cls) {
    const ws__scored_level *B = &m->s->lev[WS_LEVEL_BUURT];
    for (size_t r = 0; r < m->nb; r++)
        m->mark[r] = ws_score_to_mark(B->score[t][r]);
    ws_classify_options co;
    ws_classify_options_init(&co);
    co.k = m->o->classes;
    return ws_classify(m->s->ctx, m->mark, NULL, m->nb, &co, cls);
}

static ws_status baseline(mc *m) {
    ws_status st = ws__scorer_compute(m->s, 1, NULL);
    for (size_t t = 0; st == WS_OK && t < m->nt; t++) {
        ws_classes *cls = NULL;
        st = classify_theme(m, t, &cls);
        for (size_t r = 0; st == WS_OK && r < m->nb; r++)
            m->base_class[t * m->nb + r] = ws_classes_find(cls, m->mark[r]);
        ws_classes_free(m->s->ctx, cls);
    }
    return st;
}

static ws_status one_run(mc *m, size_t run, uint64_t *rng) {
    draw_variant(m, rng);
    ws__score_variant var = {m->weight, m->method,
                             (const double *const *)m->member_w};
    ws_status st = ws__scorer_compute(m->s, 1, &var);
    for (size_t t = 0; st == WS_OK && t < m->nt; t++) {
        ws_classes *cls = NULL;
        st = classify_theme(m, t, &cls);
        if (st == WS_OK)
            st = ws_rank(m->s->ctx, m->mark, NULL, m->nb, m->rank);
        for (size_t r = 0; st == WS_OK && r < m->nb; r++) {
            size_t cell = t * m->nb + r;
            if (!m->rank[r])
                continue;
            m->ranks[cell * m->runs + run] = m->rank[r];
            m->scored[cell]++;
            m->changes[cell] +=
                ws_classes_find(cls, m->mark[r]) != m->base_class[cell];
        }
        ws_classes_free(m->s->ctx, cls);
    }
    return st;
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of the runs' ranks (the unscored runs, 0, are
 * sorted to the front and skipped). */
static double rank_percentile(uint32_t *r, size_t runs, size_t scored,
                              double p) {
    qsort(r, runs, sizeof *r, compare_u32);
    size_t k = (size_t)ceil(p * (double)scored);
    return r[runs - scored + (k ? k - 1 : 0)];
}

static ws_status write_columns(mc *m) {
    const ws__scored_level *B = &m->s->lev[WS_LEVEL_BUURT];
    ws_table *t = B->t;
    ws_status st = WS_OK;
    for (size_t th = 0; st == WS_OK && th < m->nt; th++) {
        const char *tn = m->s->th->themes[th].name;
        char name[4][256];
        snprintf(name[0], 256, "gevoeligheid_%s_rang_p05", tn);
        snprintf(name[1], 256, "gevoeligheid_%s_rang_p95", tn);
        snprintf(name[2], 256, "gevoeligheid_%s_klassewissel", tn);
        snprintf(name[3], 256, "gevoeligheid_%s_vlag", tn);
        size_t col[4];
        for (int k = 0; st == WS_OK && k < 4; k++) {
            st = ws__table_add_col(t, name[k],
                                   k == 3 ? WS_COL_TEXT : WS_COL_REAL, &col[k]);
            if (st == WS_OK)
                ws__table_set_role(t, col[k], WS_ROLE_SCORE, k < 2);
        }
        for (size_t r = 0; st == WS_OK && r < m->nb; r++) {
            size_t cell = th * m->nb + r;
            uint8_t why = B->score_m[th][r];
            if (m->base_class[cell] < 0 || m->scored[cell] == 0) {
                for (int k = 0; k < 3; k++)
                    ws__table_set_missing(t, col[k], r,
                                          why ? why : WS_MISSING_LOW_COVERAGE);
                st = ws__table_set_text(t, col[3], r, "niet_gescoord");
                continue;
            }
            uint32_t *runs = &m->ranks[cell * m->runs];
            double share = (double)m->changes[cell] / (double)m->scored[cell];
            ws__table_set_real(
                t, col[0], r,
                rank_percentile(runs, m->runs, m->scored[cell], 0.05));
            ws__table_set_real(
                t, col[1], r,
                rank_percentile(runs, m->runs, m->scored[cell], 0.95));
            ws__table_set_real(t, col[2], r, round(share * 1000) / 1000);
            st = ws__table_set_text(t, col[3], r,
                                    share >= m->o->flag_share ? "gevoelig"
                                                              : "robuust");
        }
    }
    return st;
}

static ws_status check_options(ws_ctx *ctx, const ws_sensitivity_options *o) {
    if (o->runs < 1 || o->runs > 100000)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "sensitivity: runs must lie between 1 and 100000");
    if (!(o->weight_spread >= 0 && o->weight_spread < 1))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "sensitivity: the weight spread must lie in [0, 1)");
    if (o->classes < 2 || o->classes > WS_CLASS_MAX_K)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "sensitivity: classes must lie between 2 and %d",
                         WS_CLASS_MAX_K);
    if (!(o->flag_share > 0 && o->flag_share <= 1))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "sensitivity: the flag share must lie in (0, 1]");
    return WS_OK;
}

static ws_status record(mc *m) {
    const ws_sensitivity_options *o = m->o;
    return ws__dataset_set_param(
        m->s->ds, "gevoeligheid",
        "%zu trekkingen, zaad %llu, gewichten ±%g %%, normalisatie %s, %zu "
        "klassen, gevoelig vanaf %g %% klassewissel",
        o->runs, (unsigned long long)o->seed, o->weight_spread * 100,
        o->vary_method ? "gevarieerd" : "vast", o->classes,
        o->flag_share * 100);
}

ws_status ws_sensitivity(ws_ctx *ctx, ws_dataset *ds,
                         const ws_score_options *opt,
                         const ws_sensitivity_options *sopt) {
    if (!ctx || !ds || !opt || !sopt || !opt->themes_dir)
        return WS_ERR_INVALID_ARG;
    ws_status st = check_options(ctx, sopt);
    if (st != WS_OK)
        return st;
    ws__scorer s;
    st = ws__scorer_init(&s, ctx, ds, opt, false);
    mc m = {&s,   sopt, 0,    0,    sopt->runs, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL,       NULL, NULL};
    if (st == WS_OK) {
        m.nb = s.lev[WS_LEVEL_BUURT].n;
        m.nt = s.th->nthemes;
        st = mc_alloc(&m);
    }
    if (st == WS_OK)
        st = baseline(&m);
    uint64_t rng = sopt->seed;
    for (size_t run = 0; st == WS_OK && run < sopt->runs; run++) {
        st = one_run(&m, run, &rng);
        if (st == WS_OK)
            st = ws__progress(ctx, (double)(run + 1) / (double)sopt->runs,
                              "gevoeligheid");
    }
    /* the baseline again, so the written columns hold it */
    if (st == WS_OK)
        st = ws__scorer_compute(&s, 1, NULL);
    if (st == WS_OK)
        st = write_columns(&m);
    if (st == WS_OK)
        st = record(&m);
    if (s.th)
        mc_free(&m);
    ws__scorer_free(&s);
    if (st != WS_OK)
        ws__error_prefix(ctx, "sensitivity");
    return st;
}
