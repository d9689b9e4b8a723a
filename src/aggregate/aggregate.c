/* Aggregation of dwelling attributes and distances to every level. Each
 * region gets an accumulator of sums and counts; buurt accumulators are
 * filled from the dwellings and then added into their wijk, gemeente and
 * the region by code, so every level's mean or share is computed from the
 * dwellings themselves. Sums are taken in a fixed order, so results are
 * reproducible to the last bit. What follows from a dwelling's pand
 * (dwellings per pand, woonlagen, zorggeschiktheid) is worked out per
 * dwelling first, in aggregate_pand.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../join/join_internal.h"
#include "aggregate_internal.h"

#define N_SIZE_CLASSES 5

static const char *const default_basis[] = {"huisarts", "apotheek",
                                            "supermarkt"};

void ws_aggregate_options_init(ws_aggregate_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->radii[0] = 500;
    opt->radii[1] = 1000;
    opt->n_radii = 2;
    opt->basisvoorzieningen = default_basis;
    opt->n_basisvoorzieningen = sizeof default_basis / sizeof *default_basis;
    opt->zorggeschikt.netto_factor = 0.8;
    opt->zorggeschikt.lift_min_woonlagen = 4;
    opt->zorggeschikt.lift_vanaf_bouwjaar = 1965;
    opt->zorggeschikt.eengezins_vanaf_bouwjaar = 1975;
    opt->zorggeschikt.eengezins_min_oppervlakte = 90;
}

/* Additive summary of the dwellings of one region. */
typedef struct accum {
    double n;
    double n_opp, sum_opp, n_max60;
    double size_class[N_SIZE_CLASSES];
    double n_bj, sum_bj, n_vanaf2000;
    double n_pand, n_stacked, sum_per_pand; /* dwellings with a known pand */
    double n_lagen, sum_lagen; /* dwellings whose pand's woonlagen are known */
    double n_zorg, sum_zorg;   /* dwellings with a known zorggeschikt weight */
    double n_basis;            /* every basisvoorziening's distance known */
    double basis_within[WS_MAX_RADII]; /* ... all within the radius */
} accum;

/* Per dwelling, worked out before the accumulation. */
typedef struct per_dwelling {
    ws__pand_stats pand;
    size_t basis[WS_MAX_BASISVOORZIENINGEN]; /* category indexes */
    bool basis_known; /* every basisvoorziening is a non-empty category */
} per_dwelling;

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

/* The pand part of a dwelling: dwellings per pand, woonlagen and the
 * zorggeschikt weight. */
static void add_pand(accum *a, const ws_dataset *ds, size_t i,
                     const per_dwelling *pd, const ws_aggregate_options *opt) {
    uint32_t per_pand = pd->pand.per_pand[i];
    double lagen = pd->pand.woonlagen[i];
    if (per_pand > 0) {
        a->n_pand += 1;
        a->n_stacked += per_pand >= 2;
        a->sum_per_pand += per_pand;
    }
    if (isfinite(lagen)) {
        a->n_lagen += 1;
        a->sum_lagen += lagen;
    }
    double w =
        ws__zorggeschikt_weight(per_pand, lagen, ds->dw.bouwjaar[i],
                                ds->dw.oppervlakte[i], &opt->zorggeschikt);
    if (isfinite(w)) {
        a->n_zorg += 1;
        a->sum_zorg += w;
    }
}

/* Is every basisvoorziening within each radius? The farthest of the nearest
 * ones decides. */
static void add_basis(accum *a, const ws_dataset *ds, size_t i,
                      const per_dwelling *pd, const ws_aggregate_options *opt) {
    if (!pd->basis_known)
        return;
    double farthest = 0;
    for (size_t k = 0; k < opt->n_basisvoorzieningen; k++) {
        double d = ds->dist[pd->basis[k]][i];
        if (!isfinite(d))
            return;
        farthest = fmax(farthest, d);
    }
    a->n_basis += 1;
    for (size_t r = 0; r < opt->n_radii; r++)
        a->basis_within[r] += farthest <= opt->radii[r];
}

static void add_dwelling(accum_set *s, size_t region, const ws_dataset *ds,
                         size_t i, const per_dwelling *pd,
                         const ws_aggregate_options *opt) {
    accum *a = &s->base[region];
    a->n += 1;
    add_pand(a, ds, i, pd, opt);
    add_basis(a, ds, i, pd, opt);
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
    a->n_lagen += b->n_lagen;
    a->sum_lagen += b->sum_lagen;
    a->n_zorg += b->n_zorg;
    a->sum_zorg += b->sum_zorg;
    a->n_basis += b->n_basis;
    for (size_t r = 0; r < WS_MAX_RADII; r++)
        a->basis_within[r] += b->basis_within[r];
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

/* Round a written value to 1/per: distances are kept per dwelling as float
 * (about 7 significant digits, so well under a centimetre below 16 km), so
 * their means are given to the centimetre (per 100) and no float noise
 * reaches the output; expected counts get one decimal (per 10). */
static void round_to(writer *w, size_t col, size_t row, double per) {
    double v;
    if (w->st == WS_OK && ws_table_get_real(w->t, col, row, &v) == WS_PRESENT)
        ws__table_set_real(w->t, col, row, round(v * per) / per);
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

/* woonlagen_gemiddeld, woningen_zorggeschikt, aandeel_zorggeschikt. */
static void write_pand(writer *w) {
    size_t c_lagen = column(w, "woonlagen_gemiddeld", false);
    size_t c_count = column(w, "woningen_zorggeschikt", false);
    size_t c_share = column(w, "aandeel_zorggeschikt", false);
    for (size_t r = 0; w->st == WS_OK && r < w->s->nregions; r++) {
        const accum *a = &w->s->base[r];
        put_ratio(w, c_lagen, r, a->sum_lagen, a->n_lagen, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        put_ratio(w, c_count, r, a->sum_zorg, a->n_zorg > 0 ? 1 : 0, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
        round_to(w, c_count, r, 10.0);
        put_ratio(w, c_share, r, a->sum_zorg, a->n_zorg, a->n,
                  WS_MISSING_UNKNOWN_VALUES);
    }
}

static void write_basis(writer *w, const ws_aggregate_options *opt) {
    for (size_t k = 0; w->st == WS_OK && k < opt->n_radii; k++) {
        char name[80];
        snprintf(name, sizeof name, "aandeel_basisvoorzieningen_binnen_%gm",
                 opt->radii[k]);
        size_t col = column(w, name, false);
        for (size_t r = 0; w->st == WS_OK && r < w->s->nregions; r++) {
            const accum *a = &w->s->base[r];
            put_ratio(w, col, r, a->basis_within[k], a->n_basis, a->n,
                      WS_MISSING_NO_AMENITIES);
        }
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
        round_to(w, c_mean, row, 100.0);
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
    if (opt->n_basisvoorzieningen < 1 ||
        opt->n_basisvoorzieningen > WS_MAX_BASISVOORZIENINGEN ||
        !opt->basisvoorzieningen)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "aggregate: basisvoorzieningen must name 1 to %d "
                         "categories",
                         WS_MAX_BASISVOORZIENINGEN);
    for (size_t k = 0; k < opt->n_basisvoorzieningen; k++)
        if (!opt->basisvoorzieningen[k] || !*opt->basisvoorzieningen[k])
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "aggregate: basisvoorzieningen: category %zu "
                             "has no name",
                             k + 1);
    return ws__zorggeschikt_check(ctx, &opt->zorggeschikt);
}

static bool category_is_empty(const ws_dataset *ds, size_t c) {
    for (size_t i = 0; i < ds->am.n; i++)
        if (ds->am.cat[i] == c)
            return false;
    return true;
}

static long find_category(const ws_dataset *ds, const char *name) {
    for (size_t c = 0; c < ds->ncat; c++)
        if (strcmp(ds->categories[c], name) == 0)
            return (long)c;
    return -1;
}

/* The category of every basisvoorziening. When one is not a category of this
 * run, or has no voorzieningen, the basisvoorzieningen columns are missing;
 * say which one, once. */
static bool resolve_basis(ws_ctx *ctx, const ws_dataset *ds,
                          const ws_aggregate_options *opt, per_dwelling *pd) {
    for (size_t k = 0; k < opt->n_basisvoorzieningen; k++) {
        const char *name = opt->basisvoorzieningen[k];
        long c = find_category(ds, name);
        if (c < 0 || category_is_empty(ds, (size_t)c)) {
            ws__warn(ctx,
                     c < 0 ? "basisvoorzieningen: '%s' is not a voorzieningen "
                             "category of this run; "
                             "aandeel_basisvoorzieningen_binnen_* are missing"
                           : "basisvoorzieningen: no voorzieningen of category "
                             "'%s' in the input; "
                             "aandeel_basisvoorzieningen_binnen_* are missing",
                     name);
            return false;
        }
        pd->basis[k] = (size_t)c;
    }
    return true;
}

/* The dwellings into their buurten, on every core: each thread takes a
 * range of buurten with about as many dwellings as the others and adds
 * their dwellings in dataset order, so every sum is made in the same order
 * as on one thread and the results are the same to the last bit (0.37 s
 * on one core at NL, while the other waited for the export). */
typedef struct fill_part {
    const ws_dataset *ds;
    const ws_aggregate_options *opt;
    const per_dwelling *pd;
    accum_set *set;
    int32_t lo, hi; /* buurt rows [lo, hi) */
} fill_part;

static void *fill_part_run(void *arg) {
    const fill_part *f = arg;
    const int32_t *buurt = f->ds->dw.buurt;
    for (size_t i = 0; i < f->ds->dw.n; i++)
        if (buurt[i] >= f->lo && buurt[i] < f->hi)
            add_dwelling(f->set, (size_t)buurt[i], f->ds, i, f->pd, f->opt);
    return NULL;
}

static void fill_buurten(ws_ctx *ctx, const ws_dataset *ds,
                         const ws_aggregate_options *opt,
                         const per_dwelling *pd, accum_set *set) {
    size_t nb = set->nregions;
    int nt = ws__threads_for(ds->dw.n, 200000);
    fill_part parts[8];
    size_t *count = nt > 1 ? ws__calloc(ctx, nb ? nb : 1, sizeof *count) : NULL;
    if (!count)
        nt = 1;
    for (size_t i = 0; count && i < ds->dw.n; i++)
        if (ds->dw.buurt[i] >= 0)
            count[ds->dw.buurt[i]]++;
    size_t seen = 0, r = 0;
    for (int k = 0; k < nt; k++) {
        parts[k] = (fill_part){ds, opt, pd, set, (int32_t)r, (int32_t)nb};
        if (k + 1 < nt) { /* up to k+1 shares of the dwellings */
            size_t want = ds->dw.n / (size_t)nt * (size_t)(k + 1);
            while (r < nb && seen < want)
                seen += count[r++];
            parts[k].hi = (int32_t)r;
        }
    }
    ws__free(ctx, count);
    ws__run_parts(fill_part_run, parts, sizeof parts[0], nt);
}

/* `pand`: the statistics worked out ahead (taken over), or NULL. */
static ws_status fill_levels(ws_ctx *ctx, ws_dataset *ds,
                             const ws_aggregate_options *opt,
                             ws__pand_stats *pand, accum_set *sets) {
    per_dwelling pd;
    memset(&pd, 0, sizeof pd);
    pd.basis_known = resolve_basis(ctx, ds, opt, &pd);
    ws_status st = WS_OK;
    if (pand)
        pd.pand = *pand;
    else
        st = ws__pand_stats_compute(ctx, &ds->dw,
                                    opt->zorggeschikt.netto_factor, &pd.pand);
    for (int l = 0; st == WS_OK && l < WS_LEVEL_COUNT; l++)
        st = set_alloc(ctx, &sets[l], ds->levels[l].table->nrows, ds->ncat,
                       opt->n_radii);
    if (st == WS_OK)
        fill_buurten(ctx, ds, opt, &pd, &sets[WS_LEVEL_BUURT]);
    const ws__level *b = &ds->levels[WS_LEVEL_BUURT];
    for (int l = WS_LEVEL_WIJK; st == WS_OK && l < WS_LEVEL_COUNT; l++)
        for (size_t r = 0; r < b->table->nrows; r++)
            if (b->parent[l][r] >= 0)
                add_into(&sets[l], (size_t)b->parent[l][r],
                         &sets[WS_LEVEL_BUURT], r);
    ws__pand_stats_free(ctx, &pd.pand);
    return st;
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

/* The radii and the basisvoorzieningen as comma-separated lists. */
static ws_status record_params(ws_dataset *ds,
                               const ws_aggregate_options *opt) {
    ws_strbuf sb;
    ws__sb_init(&sb, ds->ctx);
    for (size_t r = 0; r < opt->n_radii; r++)
        ws__sb_appendf(&sb, "%s%g", r ? "," : "", opt->radii[r]);
    const char *s = ws__sb_str(&sb);
    ws_status st =
        s ? ws__dataset_set_param(ds, "stralen_m", "%s", s) : WS_ERR_NOMEM;
    ws__sb_free(&sb);
    ws__sb_init(&sb, ds->ctx);
    for (size_t k = 0; k < opt->n_basisvoorzieningen; k++)
        ws__sb_appendf(&sb, "%s%s", k ? "," : "", opt->basisvoorzieningen[k]);
    s = ws__sb_str(&sb);
    if (st == WS_OK)
        st = s ? ws__dataset_set_param(ds, "basisvoorzieningen", "%s", s)
               : WS_ERR_NOMEM;
    ws__sb_free(&sb);
    if (st == WS_OK)
        st = ws__zorggeschikt_record(ds, &opt->zorggeschikt);
    return st;
}

static ws_status check_dataset(ws_ctx *ctx, const ws_dataset *ds) {
    if (ds->ncat && !ds->dist)
        return ws__error(ctx, WS_ERR_MISUSE,
                         "aggregate: run ws_access() before ws_aggregate()");
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        if (!ds->levels[l].table || (l > 0 && !ds->levels[0].parent[l]))
            return ws__error(ctx, WS_ERR_MISUSE,
                             "aggregate: the dataset has no %s level",
                             ws_level_layer_name((ws_level)l));
    return WS_OK;
}

ws_status ws_aggregate(ws_ctx *ctx, ws_dataset *ds,
                       const ws_aggregate_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    return ws__aggregate_ahead(ctx, ds, opt, NULL);
}

ws_status ws__aggregate_ahead(ws_ctx *ctx, ws_dataset *ds,
                              const ws_aggregate_options *opt,
                              ws__pand_ahead *ahead) {
    ws__pand_stats pand = {0};
    bool have = ahead && ws__pand_ahead_take(
                             ctx, ahead, opt->zorggeschikt.netto_factor, &pand);
    ws_status st = check_options(ctx, opt);
    if (st == WS_OK)
        st = check_dataset(ctx, ds);
    if (st != WS_OK) {
        ws__pand_stats_free(ctx, &pand);
        return st;
    }
    accum_set sets[WS_LEVEL_COUNT];
    memset(sets, 0, sizeof sets);
    st = fill_levels(ctx, ds, opt, have ? &pand : NULL, sets);
    for (int l = 0; st == WS_OK && l < WS_LEVEL_COUNT; l++) {
        writer w = {ds->levels[l].table, &sets[l], WS_OK};
        write_base(&w);
        write_pand(&w);
        for (size_t c = 0; w.st == WS_OK && c < ds->ncat; c++)
            write_category(&w, ds, c, opt, category_is_empty(ds, c));
        write_basis(&w, opt);
        st = w.st;
    }
    if (st == WS_OK)
        warn_empty_gemeenten(ctx, ds, &sets[WS_LEVEL_GEMEENTE]);
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        set_free(ctx, &sets[l]);
    if (st == WS_OK)
        st = record_params(ds, opt);
    if (st != WS_OK)
        ws__error_prefix(ctx, "aggregate");
    return st;
}
