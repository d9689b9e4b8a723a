/* Shared between the files of the aggregate stage: aggregate.c (the
 * accumulators and columns per level) and aggregate_pand.c (what follows
 * from a dwelling's pand: dwellings per pand, woonlagen, zorggeschiktheid). */
#ifndef WS_AGGREGATE_INTERNAL_H
#define WS_AGGREGATE_INTERNAL_H

#include "../model/model_internal.h"
#include "wijkscan/aggregate.h"

/* Per dwelling, from its pand; counted over every loaded dwelling, whatever
 * buurt it lies in. */
typedef struct ws__pand_stats {
    uint32_t *per_pand; /* dwellings in the pand; 0 when the pand is unknown */
    double *woonlagen;  /* L_p of the pand (>= 1); NaN when unknown */
} ws__pand_stats;

ws_status ws__pand_stats_compute(ws_ctx *ctx, const ws__dwellings *dw,
                                 double netto_factor, ws__pand_stats *out);
void ws__pand_stats_free(ws_ctx *ctx, ws__pand_stats *s);

/* The pand statistics worked out ahead, on a thread of their own:
 * ws_pipeline_run starts them beside the join, which builds its grid on one
 * core. They read only the dwellings' pand, oppervlakte and footprint,
 * which no stage after the load changes, so the result is the one
 * ws_aggregate would compute itself. */
typedef struct ws__pand_ahead ws__pand_ahead;
/* NULL when they are better worked out in ws_aggregate: a caller's
 * allocator (need not be thread-safe), one thread (WIJKSCAN_THREADS=1),
 * fewer than 100,000 dwellings, or no thread to be had. */
ws__pand_ahead *ws__pand_ahead_start(ws_ctx *ctx, const ws_dataset *ds,
                                     double netto_factor);
/* Waits for the thread; when it succeeded for this netto_factor, moves its
 * statistics into *out and returns true. Frees `a` either way; with out
 * NULL the statistics are dropped (a stage before aggregate failed). */
bool ws__pand_ahead_take(ws_ctx *ctx, ws__pand_ahead *a, double netto_factor,
                         ws__pand_stats *out);
/* ws_aggregate with the statistics worked out ahead (NULL: compute). */
ws_status ws__aggregate_ahead(ws_ctx *ctx, ws_dataset *ds,
                              const ws_aggregate_options *opt,
                              ws__pand_ahead *ahead);

/* L_p = max(1, S / (footprint × netto_factor)) with S the summed oppervlakte
 * of the pand's n dwellings, the n - known unknown ones imputed with the mean
 * of the `known` ones (whose oppervlakte adds up to `sum_known`). NaN when no
 * oppervlakte or no footprint is known. */
double ws__woonlagen(uint32_t n, uint32_t known, double sum_known,
                     double footprint, double netto_factor);

/* A dwelling's weight in woningen_zorggeschikt (1, 1/2, 1/L or 0), or NaN
 * when it is unknown; see include/wijkscan/aggregate.h for the rule.
 * bouwjaar 0 and a NaN oppervlakte are unknown. */
double ws__zorggeschikt_weight(uint32_t per_pand, double woonlagen,
                               int bouwjaar, double oppervlakte,
                               const ws_zorggeschikt_options *p);

ws_status ws__zorggeschikt_check(ws_ctx *ctx, const ws_zorggeschikt_options *p);
/* The parameters, into wijkscan_metadata. */
ws_status ws__zorggeschikt_record(ws_dataset *ds,
                                  const ws_zorggeschikt_options *p);

#endif /* WS_AGGREGATE_INTERNAL_H */
