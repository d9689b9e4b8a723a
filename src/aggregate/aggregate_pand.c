/* What follows from a dwelling's pand. The dwellings of one pand are found
 * by a u64 hash of their pand identificatie; per pand the number of
 * dwellings, the summed oppervlakte of those with a known oppervlakte and
 * the footprint give the estimated number of woonlagen (Geroscoop: floors =
 * summed floor area / footprint, here with a netto factor for walls and
 * stairs). From the woonlagen, the number of dwellings in the pand, the
 * bouwjaar and the oppervlakte follows the dwelling's weight in the
 * zorggeschiktheid proxy. BAG has no lift attribute, so a lift is assumed
 * from the number of woonlagen and the bouwjaar; those two thresholds are
 * parameters, not a published table (DOMAIN.md §2.3: UNCONFIRMED). */
#include <math.h>
#include <string.h>

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

/* First pass: per pand, at the index of its first dwelling (the head), the
 * number of dwellings, of those with a known oppervlakte, and their summed
 * oppervlakte. head[i] is stored in the hash only. */
static ws_status sum_per_pand(const ws__dwellings *dw, ws_hash *first,
                              uint32_t *count, uint32_t *known, double *sum) {
    for (size_t i = 0; i < dw->n; i++) {
        size_t head = i;
        if (!dw->pand_id[i])
            continue;
        ws_status st = ws__hash_put_u64(first, dw->pand_id[i], i, NULL);
        if (st != WS_OK)
            return st;
        ws__hash_get_u64(first, dw->pand_id[i], &head);
        count[head]++;
        if (isfinite(dw->oppervlakte[i])) {
            known[head]++;
            sum[head] += dw->oppervlakte[i];
        }
    }
    return WS_OK;
}

/* Second pass, in dwelling order: a head turns its sums into the pand's
 * woonlagen (in place: sum[head] becomes L_p); every later dwelling of the
 * pand copies count and L_p from its head, which comes before it. */
static void spread_per_pand(const ws__dwellings *dw, const ws_hash *first,
                            double netto, uint32_t *count,
                            const uint32_t *known, double *sum) {
    for (size_t i = 0; i < dw->n; i++) {
        size_t head;
        if (!dw->pand_id[i] ||
            !ws__hash_get_u64(first, dw->pand_id[i], &head)) {
            sum[i] = NAN;
            continue;
        }
        if (head == i) {
            sum[i] = ws__woonlagen(count[i], known[i], sum[i], dw->pand_opp[i],
                                   netto);
        } else {
            count[i] = count[head];
            sum[i] = sum[head];
        }
    }
}

ws_status ws__pand_stats_compute(ws_ctx *ctx, const ws__dwellings *dw,
                                 double netto_factor, ws__pand_stats *out) {
    size_t n = dw->n ? dw->n : 1;
    memset(out, 0, sizeof *out);
    uint32_t *count = ws__calloc(ctx, n, sizeof *count);
    uint32_t *known = ws__calloc(ctx, n, sizeof *known);
    double *sum = ws__calloc(ctx, n, sizeof *sum);
    ws_hash first; /* pand -> index of its first dwelling */
    ws_status st = count && known && sum ? WS_OK : WS_ERR_NOMEM;
    /* most panden hold one dwelling: start at half and grow if needed */
    if (st == WS_OK)
        st = ws__hash_init(&first, ctx, dw->n / 2 + 1, false);
    if (st == WS_OK) {
        st = sum_per_pand(dw, &first, count, known, sum);
        if (st == WS_OK)
            spread_per_pand(dw, &first, netto_factor, count, known, sum);
        ws__hash_free(&first);
    }
    ws__free(ctx, known);
    if (st != WS_OK) {
        ws__free(ctx, count);
        ws__free(ctx, sum);
        return st;
    }
    out->per_pand = count;
    out->woonlagen = sum;
    return WS_OK;
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
