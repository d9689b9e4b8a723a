/* What follows from a dwelling's pand. The dwellings of one pand are found
 * by sorting their pand identificaties (a radix sort: a hash of 8 M keys
 * spent seconds in cache misses); per pand the number of
 * dwellings, the summed oppervlakte of those with a known oppervlakte and
 * the footprint give the estimated number of woonlagen (Geroscoop: floors =
 * summed floor area / footprint, here with a netto factor for walls and
 * stairs). From the woonlagen, the number of dwellings in the pand, the
 * bouwjaar and the oppervlakte follows the dwelling's weight in the
 * zorggeschiktheid proxy. BAG has no lift attribute, so a lift is assumed
 * from the number of woonlagen and the bouwjaar; those two thresholds are
 * parameters, not a published table (DOMAIN.md §2.3: UNCONFIRMED). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../join/join_internal.h"
#include "aggregate_internal.h"

double ws__woonlagen(uint32_t n, uint32_t known, double sum_known,
                     double footprint, double netto_factor) {
    if (n == 0 || known == 0 || !(footprint > 0) || !isfinite(footprint))
        return NAN;
    double total = sum_known + (double)(n - known) * (sum_known / known);
    double lagen = total / (footprint * netto_factor);
    return lagen < 1.0 ? 1.0 : lagen;
}

double ws__zorggeschikt_weight(uint32_t per_pand, double woonlagen,
                               int bouwjaar, double oppervlakte,
                               const ws_zorggeschikt_options *p) {
    if (per_pand == 0 || !isfinite(woonlagen))
        return NAN;
    double lagen = round(woonlagen); /* half away from zero: 2.5 -> 3 */
    if (per_pand >= 2) {             /* gestapeld */
        if (lagen < p->lift_min_woonlagen)
            return 1.0 / lagen;
        if (bouwjaar <= 0)
            return NAN; /* the lift depends on it */
        return bouwjaar >= p->lift_vanaf_bouwjaar ? 1.0 : 1.0 / lagen;
    }
    if (lagen == 1.0) /* gelijkvloerse eengezinswoning */
        return 1.0;
    if (bouwjaar <= 0 || !isfinite(oppervlakte))
        return NAN;
    return bouwjaar >= p->eengezins_vanaf_bouwjaar &&
                   oppervlakte >= p->eengezins_min_oppervlakte
               ? 0.5
               : 0.0;
}

void ws__pand_stats_free(ws_ctx *ctx, ws__pand_stats *s) {
    ws__free(ctx, s->per_pand);
    ws__free(ctx, s->woonlagen);
    s->per_pand = NULL;
    s->woonlagen = NULL;
}

/* The dwellings with a known pand as (pand, index) pairs sorted by pand;
 * the sort is stable, so within a pand the indices ascend. */
static ws_status sort_by_pand(ws_ctx *ctx, const ws__dwellings *dw,
                              uint64_t **keys, uint32_t **idx, size_t *m) {
    *keys = ws__malloc(ctx, (dw->n ? dw->n : 1) * sizeof **keys);
    *idx = ws__malloc(ctx, (dw->n ? dw->n : 1) * sizeof **idx);
    if (!*keys || !*idx)
        return WS_ERR_NOMEM;
    *m = 0;
    for (size_t i = 0; i < dw->n; i++)
        if (dw->pand_id[i]) {
            (*keys)[*m] = dw->pand_id[i];
            (*idx)[(*m)++] = (uint32_t)i;
        }
    return ws__radix_sort_u64(ctx, *keys, *idx, *m);
}

/* One pand's dwellings idx[0..k): their number and woonlagen, given to each.
 * The oppervlakten are summed in dwelling order and the footprint is the
 * first dwelling's, as a reader of the file would take them. */
static void spread_pand(const ws__dwellings *dw, const uint32_t *idx, size_t k,
                        double netto, uint32_t *count, double *lagen) {
    uint32_t known = 0;
    double sum = 0;
    for (size_t j = 0; j < k; j++) {
        double o = dw->oppervlakte[idx[j]];
        if (isfinite(o)) {
            known++;
            sum += o;
        }
    }
    double l =
        ws__woonlagen((uint32_t)k, known, sum, dw->pand_opp[idx[0]], netto);
    for (size_t j = 0; j < k; j++) {
        count[idx[j]] = (uint32_t)k;
        lagen[idx[j]] = l;
    }
}

ws_status ws__pand_stats_compute(ws_ctx *ctx, const ws__dwellings *dw,
                                 double netto_factor, ws__pand_stats *out) {
    memset(out, 0, sizeof *out);
    if (dw->n > UINT32_MAX)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "aggregate: %zu dwellings is more than the pand "
                         "grouping handles (%u)",
                         dw->n, UINT32_MAX);
    size_t n = dw->n ? dw->n : 1;
    uint32_t *count = ws__calloc(ctx, n, sizeof *count);
    double *lagen = ws__malloc(ctx, n * sizeof *lagen);
    uint64_t *keys = NULL;
    uint32_t *idx = NULL;
    size_t m = 0;
    ws_status st = count && lagen ? WS_OK : WS_ERR_NOMEM;
    if (st == WS_OK)
        st = sort_by_pand(ctx, dw, &keys, &idx, &m);
    if (st == WS_OK) {
        for (size_t i = 0; i < dw->n; i++)
            lagen[i] = NAN; /* unknown pand; overwritten for the others */
        for (size_t g = 0, e; g < m; g = e) {
            for (e = g + 1; e < m && keys[e] == keys[g]; e++)
                ;
            spread_pand(dw, idx + g, e - g, netto_factor, count, lagen);
        }
    }
    ws__free(ctx, keys);
    ws__free(ctx, idx);
    if (st != WS_OK) {
        ws__free(ctx, count);
        ws__free(ctx, lagen);
        return st;
    }
    out->per_pand = count;
    out->woonlagen = lagen;
    return WS_OK;
}

struct ws__pand_ahead {
    pthread_t tid;
    ws_ctx *ctx; /* the thread's own: errors and allocations */
    const ws__dwellings *dw;
    double netto_factor;
    ws__pand_stats stats;
    ws_status st;
};

static void *pand_worker(void *arg) {
    ws__pand_ahead *a = arg;
    a->st = ws__pand_stats_compute(a->ctx, a->dw, a->netto_factor, &a->stats);
    return NULL;
}

ws__pand_ahead *ws__pand_ahead_start(ws_ctx *ctx, const ws_dataset *ds,
                                     double netto_factor) {
    if (!ws__ctx_thread_safe_alloc(ctx) ||
        ws__threads_for(ds->dw.n, 100000) < 2)
        return NULL;
    ws__pand_ahead *a = calloc(1, sizeof *a);
    if (!a || ws__ctx_new_worker(ctx, NULL, NULL, false, &a->ctx) != WS_OK) {
        free(a);
        return NULL;
    }
    a->dw = &ds->dw;
    a->netto_factor = netto_factor;
    if (pthread_create(&a->tid, NULL, pand_worker, a) != 0) {
        ws_ctx_free(a->ctx);
        free(a);
        return NULL;
    }
    return a;
}

bool ws__pand_ahead_take(ws_ctx *ctx, ws__pand_ahead *a, double netto_factor,
                         ws__pand_stats *out) {
    pthread_join(a->tid, NULL);
    /* same C allocator (ws__ctx_thread_safe_alloc): ctx may free them */
    bool ok = out && a->st == WS_OK && a->netto_factor == netto_factor;
    if (ok)
        *out = a->stats;
    else
        ws__pand_stats_free(ctx, &a->stats);
    ws_ctx_free(a->ctx);
    free(a);
    return ok;
}

ws_status ws__zorggeschikt_check(ws_ctx *ctx,
                                 const ws_zorggeschikt_options *p) {
    const char *bad = NULL;
    if (!(p->netto_factor > 0 && p->netto_factor <= 1))
        bad = "netto_factor must lie in (0, 1]";
    else if (p->lift_min_woonlagen < 1 || p->lift_min_woonlagen > 100)
        bad = "lift_min_woonlagen must lie between 1 and 100";
    else if (p->lift_vanaf_bouwjaar < 1000 || p->lift_vanaf_bouwjaar > 2100)
        bad = "lift_vanaf_bouwjaar must lie between 1000 and 2100";
    else if (p->eengezins_vanaf_bouwjaar < 1000 ||
             p->eengezins_vanaf_bouwjaar > 2100)
        bad = "eengezins_vanaf_bouwjaar must lie between 1000 and 2100";
    else if (!(p->eengezins_min_oppervlakte >= 0 &&
               p->eengezins_min_oppervlakte <= 10000))
        bad = "eengezins_min_oppervlakte must lie between 0 and 10000 m²";
    return bad ? ws__error(ctx, WS_ERR_INVALID_ARG,
                           "aggregate: zorggeschikt: %s", bad)
               : WS_OK;
}

ws_status ws__zorggeschikt_record(ws_dataset *ds,
                                  const ws_zorggeschikt_options *p) {
    ws_status st = ws__dataset_set_param(
        ds, "zorggeschikt_methode", "%s",
        "Geroscoop-achtige benadering uit de BAG: woonlagen = oppervlakte "
        "van de woningen in het pand / (voetafdruk x netto_factor); "
        "gestapeld: lift aangenomen (gewicht 1) bij >= lift_min_woonlagen "
        "woonlagen en bouwjaar >= lift_vanaf_bouwjaar, anders 1/woonlagen; "
        "eengezins: gelijkvloers 1, potentieel geschikt 1/2, anders 0. De "
        "liftdrempels zijn aannames.");
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "zorggeschikt_netto_factor", "%g",
                                   p->netto_factor);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "zorggeschikt_lift_min_woonlagen", "%d",
                                   p->lift_min_woonlagen);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "zorggeschikt_lift_vanaf_bouwjaar", "%d",
                                   p->lift_vanaf_bouwjaar);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "zorggeschikt_eengezins_vanaf_bouwjaar",
                                   "%d", p->eengezins_vanaf_bouwjaar);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds,
                                   "zorggeschikt_eengezins_min_oppervlakte_m2",
                                   "%g", p->eengezins_min_oppervlakte);
    return st;
}
