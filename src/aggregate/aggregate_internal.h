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
