/* Aggregation of dwelling attributes and distances to every level. Each
 * region gets an accumulator of sums and counts; buurt accumulators are
 * filled from the dwellings and then added into their wijk, gemeente and
 * the region by code, so every level's mean or share is computed from the
 * dwellings themselves. Sums are taken in a fixed order, so results are
 * reproducible to the last bit. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../model/model_internal.h"
#include "wijkscan/aggregate.h"

#define N_SIZE_CLASSES 5

void ws_aggregate_options_init(ws_aggregate_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->radii[0] = 500;
    opt->radii[1] = 1000;
    opt->n_radii = 2;
}

/* Additive summary of the dwellings of one region. */
typedef struct accum {
    double n;
    double n_opp, sum_opp, n_max60;
    double size_class[N_SIZE_CLASSES];
    double n_bj, sum_bj, n_vanaf2000;
    double n_pand, n_stacked, sum_per_pand; /* dwellings with a known pand */
} accum;

/* Per-category part, stored apart because the number of categories varies:
 * [region * ncat + cat] for sums and counts, then * nradii for "within". */
typedef struct accum_set {
    size_t nregions, ncat, nradii;
    accum *base;
    double *dist_sum, *dist_n, *within;
} accum_set;

static ws_status set_alloc(ws_ctx *ctx, accum_set *s, size_t nregions,
                           size_t ncat, size_t nradii) {
    s->nregions = nregions;
    s->ncat = ncat;
    s->nradii = nradii;
    size_t nc = nregions * ncat + 1;
    s->base = ws__calloc(ctx, nregions + 1, sizeof *s->base);
    s->dist_sum = ws__calloc(ctx, nc, sizeof *s->dist_sum);
    s->dist_n = ws__calloc(ctx, nc, sizeof *s->dist_n);
    s->within = ws__calloc(ctx, nc * (nradii ? nradii : 1), sizeof *s->within);
    return s->base && s->dist_sum && s->dist_n && s->within ? WS_OK
                                                            : WS_ERR_NOMEM;
}

static void set_free(ws_ctx *ctx, accum_set *s) {
    ws__free(ctx, s->base);
    ws__free(ctx, s->dist_sum);
    ws__free(ctx, s->dist_n);
    ws__free(ctx, s->within);
}

/* Class of a floor area: <50, 50–75, 75–100, 100–150, >=150 m². */
static int size_class(double opp) {
    return opp < 50 ? 0 : opp < 75 ? 1 : opp < 100 ? 2 : opp < 150 ? 3 : 4;
}

static void add_dwelling(accum_set *s, size_t region, const ws_dataset *ds,
                         size_t i, const uint32_t *per_pand,
                         const ws_aggregate_options *opt) {
    accum *a = &s->base[region];
    a->n += 1;
    if (per_pand[i] > 0) {
        a->n_pand += 1;
        a->n_stacked += per_pand[i] >= 2;
        a->sum_per_pand += per_pand[i];
    }
    double opp = ds->dw.oppervlakte[i];
    if (isfinite(opp)) {
        a->n_opp += 1;
        a->sum_opp += opp;
        a->n_max60 += opp <= 60.0;
        a->size_class[size_class(opp)] += 1;
    }
    int bj = ds->dw.bouwjaar[i];
    if (bj > 0) {
        a->n_bj += 1;
        a->sum_bj += bj;
        a->n_vanaf2000 += bj >= 2000;
    }
    for (size_t c = 0; c < s->ncat; c++) {
        double d = ds->dist[c][i];
        if (!isfinite(d))
            continue;
        size_t k = region * s->ncat + c;
        s->dist_sum[k] += d;
        s->dist_n[k] += 1;
        for (size_t r = 0; r < s->nradii; r++)
            s->within[k * s->nradii + r] += d <= opt->radii[r];
    }
}

static void add_into(accum_set *to, size_t dst, const accum_set *from,
                     size_t src) {
    accum *a = &to->base[dst];
    const accum *b = &from->base[src];
    a->n += b->n;
    a->n_opp += b->n_opp;
    a->sum_opp += b->sum_opp;
    a->n_max60 += b->n_max60;
    for (int k = 0; k < N_SIZE_CLASSES; k++)
        a->size_class[k] += b->size_class[k];
    a->n_bj += b->n_bj;
    a->sum_bj += b->sum_bj;
    a->n_vanaf2000 += b->n_vanaf2000;
    a->n_pand += b->n_pand;
    a->n_stacked += b->n_stacked;
    a->sum_per_pand += b->sum_per_pand;
    for (size_t c = 0; c < to->ncat; c++) {
        size_t kd = dst * to->ncat + c, ks = src * from->ncat + c;
        to->dist_sum[kd] += from->dist_sum[ks];
        to->dist_n[kd] += from->dist_n[ks];
        for (size_t r = 0; r < to->nradii; r++)
            to->within[kd * to->nradii + r] +=
                from->within[ks * to->nradii + r];
    }
}

/* Writes indicator columns of one level from its accumulators. */
typedef struct writer {
    ws_table *t;
    const accum_set *s;
    ws_status st;
} writer;

static size_t column(writer *w, const char *name, bool integer) {
    size_t col = 0;
    if (w->st == WS_OK)
        w->st = ws__table_add_col(w->t, name, WS_COL_REAL, &col);
    if (w->st == WS_OK)
        ws__table_set_role(w->t, col, WS_ROLE_INDICATOR, integer);
    return col;
}

/* num/den, or missing: no dwellings at all, or none with a known value. */
static void put_ratio(writer *w, size_t col, size_t row, double num, double den,
                      double n_dwellings, ws_missing if_none) {
    if (w->st != WS_OK)
        return;
    if (n_dwellings == 0)
        ws__table_set_missing(w->t, col, row, WS_MISSING_NO_DWELLINGS);
    else if (den == 0)
        ws__table_set_missing(w->t, col, row, if_none);
    else
        ws__table_set_real(w->t, col, row, num / den);
}

/* Distances are kept per dwelling as float (about 7 significant digits, so
 * well under a centimetre below 16 km); their means are given to the
 * centimetre so no float noise reaches the output. */
static void round_to_centimetre(writer *w, size_t col, size_t row) {
    double v;
    if (w->st == WS_OK && ws_table_get_real(w->t, col, row, &v) == WS_PRESENT)
        ws__table_set_real(w->t, col, row, round(v * 100.0) / 100.0);
}

static double shannon(const accum *a) {
    double h = 0;
    for (int k = 0; k < N_SIZE_CLASSES; k++) {
        if (a->size_class[k] <= 0)
            continue;
        double p = a->size_class[k] / a->n_opp;
        h -= p * log(p);
    }
    return h;
}

static void write_base(writer *w) {
    size_t c_n = column(w, "woningen", true);
    size_t c_opp = column(w, "oppervlakte_gemiddeld", false);
    size_t c_60 = column(w, "aandeel_oppervlakte_max_60", false);
    size_t c_bj = column(w, "bouwjaar_gemiddeld", false);
    size_t c_2000 = column(w, "aandeel_bouwjaar_vanaf_2000", false);
    size_t c_div = column(w, "diversiteit_oppervlakte", false);
    size_t c_stack = column(w, "aandeel_gestapeld", false);
    size_t c_ppand = column(w, "woningen_per_pand_gemiddeld", false);
    for (size_t r = 0; w->st == WS_OK && r < w->s->nregions; r++) {
        const accum *a = &w->s->base[r];
        ws__table_set_real(w->t, c_n, r, a->n);
        put_ratio(w, c_opp, r, a->sum_opp, a->n_opp, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_60, r, a->n_max60, a->n_opp, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_bj, r, a->sum_bj, a->n_bj, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_2000, r, a->n_vanaf2000, a->n_bj, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_div, r, shannon(a), a->n_opp > 0 ? 1 : 0, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_stack, r, a->n_stacked, a->n_pand, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_ppand, r, a->sum_per_pand, a->n_pand, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
    }
}

static void write_category(writer *w, const ws_dataset *ds, size_t c,
                           const ws_aggregate_options *opt,
                           bool category_empty) {
    char name[160];
    snprintf(name, sizeof name, "afstand_%s_gemiddeld", ds->categories[c]);
    size_t c_mean = column(w, name, false);
    size_t c_within[WS_MAX_RADII];
    for (size_t r = 0; r < opt->n_radii; r++) {
        snprintf(name, sizeof name, "aandeel_%s_binnen_%gm", ds->categories[c],
                 opt->radii[r]);
        c_within[r] = column(w, name, false);
    }
    ws_missing none =
        category_empty ? WS_MISSING_NO_AMENITIES : WS_MISSING_NO_DWELLINGS;
    for (size_t row = 0; w->st == WS_OK && row < w->s->nregions; row++) {
        size_t k = row * w->s->ncat + c;
        double n = w->s->base[row].n;
        put_ratio(w, c_mean, row, w->s->dist_sum[k], w->s->dist_n[k], n, none);
        round_to_centimetre(w, c_mean, row);
        for (size_t r = 0; r < opt->n_radii; r++)
            put_ratio(w, c_within[r], row, w->s->within[k * opt->n_radii + r],
                      w->s->dist_n[k], n, none);
    }
}

static ws_status check_options(ws_ctx *ctx, const ws_aggregate_options *opt) {
    if (opt->n_radii > WS_MAX_RADII)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "aggregate: at most %d radii",
                         WS_MAX_RADII);
    for (size_t r = 0; r < opt->n_radii; r++)
        if (!(opt->radii[r] > 0) || !isfinite(opt->radii[r]) ||
            (r > 0 && opt->radii[r] <= opt->radii[r - 1]))
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "aggregate: radii must be positive and "
                             "ascending (radius %zu is %g)",
                             r + 1, opt->radii[r]);
    return WS_OK;
}

/* Number of dwellings in each dwelling's pand (0 when the pand is unknown),
 * counted over every loaded dwelling, whatever buurt it lies in. */
static ws_status dwellings_per_pand(ws_ctx *ctx, const ws__dwellings *dw,
                                    uint32_t **out) {
    uint32_t *count = ws__calloc(ctx, dw->n ? dw->n : 1, sizeof *count);
    ws_hash first; /* pand -> index of its first dwelling */
    if (!count || ws__hash_init(&first, ctx, dw->n, false) != WS_OK) {
        ws__free(ctx, count);
        return WS_ERR_NOMEM;
    }
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < dw->n; i++) {
        size_t head = i;
        if (dw->pand_id[i])
            st = ws__hash_put_u64(&first, dw->pand_id[i], i, NULL);
        if (st == WS_OK && dw->pand_id[i] &&
            ws__hash_get_u64(&first, dw->pand_id[i], &head))
            count[head]++;
    }
    for (size_t i = 0; st == WS_OK && i < dw->n; i++) {
        size_t head;
        if (dw->pand_id[i] && ws__hash_get_u64(&first, dw->pand_id[i], &head))
            count[i] = count[head];
    }
    ws__hash_free(&first);
    if (st != WS_OK) {
        ws__free(ctx, count);
        return st;
    }
    *out = count;
    return WS_OK;
}

static ws_status fill_levels(ws_ctx *ctx, ws_dataset *ds,
                             const ws_aggregate_options *opt, accum_set *sets) {
    uint32_t *per_pand = NULL;
    ws_status st = dwellings_per_pand(ctx, &ds->dw, &per_pand);
    for (int l = 0; st == WS_OK && l < WS_LEVEL_COUNT; l++)
        st = set_alloc(ctx, &sets[l], ds->levels[l].table->nrows, ds->ncat,
                       opt->n_radii);
    for (size_t i = 0; st == WS_OK && i < ds->dw.n; i++)
        if (ds->dw.buurt[i] >= 0)
            add_dwelling(&sets[WS_LEVEL_BUURT], (size_t)ds->dw.buurt[i], ds, i,
                         per_pand, opt);
    const ws__level *b = &ds->levels[WS_LEVEL_BUURT];
    for (int l = WS_LEVEL_WIJK; st == WS_OK && l < WS_LEVEL_COUNT; l++)
        for (size_t r = 0; r < b->table->nrows; r++)
            if (b->parent[l][r] >= 0)
                add_into(&sets[l], (size_t)b->parent[l][r],
                         &sets[WS_LEVEL_BUURT], r);
    ws__free(ctx, per_pand);
    return st;
}

static bool category_is_empty(const ws_dataset *ds, size_t c) {
    for (size_t i = 0; i < ds->am.n; i++)
        if (ds->am.cat[i] == c)
            return false;
    return true;
}

/* A selected gemeente without a single dwelling is almost always a wrong
 * input (another BAG extract, another year): say so, by name. */
static void warn_empty_gemeenten(ws_ctx *ctx, const ws_dataset *ds,
                                 const accum_set *g) {
    const ws_table *t = ds->levels[WS_LEVEL_GEMEENTE].table;
    for (size_t r = 0; r < g->nregions; r++)
        if (g->base[r].n == 0) {
            const char *name = ws_table_get_text(t, 1, r);
            ws__warn(ctx, "gemeente %s (%s) has no dwellings in the BAG input",
                     ws_table_get_text(t, 0, r), name ? name : "naam onbekend");
        }
}

static ws_status record_radii(ws_dataset *ds, const ws_aggregate_options *opt) {
    ws_strbuf sb;
    ws__sb_init(&sb, ds->ctx);
    for (size_t r = 0; r < opt->n_radii; r++)
        ws__sb_appendf(&sb, "%s%g", r ? "," : "", opt->radii[r]);
    const char *s = ws__sb_str(&sb);
    ws_status st =
        s ? ws__dataset_set_param(ds, "stralen_m", "%s", s) : WS_ERR_NOMEM;
    ws__sb_free(&sb);
    return st;
}

ws_status ws_aggregate(ws_ctx *ctx, ws_dataset *ds,
                       const ws_aggregate_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    ws_status st = check_options(ctx, opt);
    if (st != WS_OK)
        return st;
    if (ds->ncat && !ds->dist)
        return ws__error(ctx, WS_ERR_MISUSE,
                         "aggregate: run ws_access() before ws_aggregate()");
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        if (!ds->levels[l].table || (l > 0 && !ds->levels[0].parent[l]))
            return ws__error(ctx, WS_ERR_MISUSE,
                             "aggregate: the dataset has no %s level",
                             ws_level_layer_name((ws_level)l));
    accum_set sets[WS_LEVEL_COUNT];
    memset(sets, 0, sizeof sets);
    st = fill_levels(ctx, ds, opt, sets);
    for (int l = 0; st == WS_OK && l < WS_LEVEL_COUNT; l++) {
        writer w = {ds->levels[l].table, &sets[l], WS_OK};
        write_base(&w);
        for (size_t c = 0; w.st == WS_OK && c < ds->ncat; c++)
            write_category(&w, ds, c, opt, category_is_empty(ds, c));
        st = w.st;
    }
    if (st == WS_OK)
        warn_empty_gemeenten(ctx, ds, &sets[WS_LEVEL_GEMEENTE]);
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        set_free(ctx, &sets[l]);
    if (st == WS_OK)
        st = record_radii(ds, opt);
    if (st != WS_OK)
        ws__error_prefix(ctx, "aggregate");
    return st;
}
