/**
 * \file aggregate.h
 * Aggregate stage: the dwelling indicators per buurt, wijk, gemeente and
 * region, computed from the dwellings themselves (never averages of
 * averages). Wijk and gemeente membership follow the buurt's code.
 *
 * Columns added to every level (distances in metres, shares 0–1):
 *  - woningen: number of dwellings;
 *  - oppervlakte_gemiddeld, aandeel_oppervlakte_max_60 (<= 60 m²),
 *    diversiteit_oppervlakte (Shannon H = -Σ p ln p over the classes
 *    <50, 50–75, 75–100, 100–150, >=150 m²) — over dwellings with a known
 *    oppervlakte;
 *  - bouwjaar_gemiddeld, aandeel_bouwjaar_vanaf_2000 (>= 2000) — over
 *    dwellings with a known bouwjaar;
 *  - aandeel_gestapeld (share of dwellings in a pand with two or more
 *    dwellings) and woningen_per_pand_gemiddeld (mean, over dwellings, of
 *    the number of dwellings in their pand) — over dwellings with a known
 *    pand, counting every loaded dwelling of the pand;
 *  - per category C and radius R: afstand_C_gemiddeld (given to the
 *    centimetre: distances are kept per dwelling as float) and
 *    aandeel_C_binnen_Rm (nearest one at a distance <= R).
 * A value that cannot be computed is missing with a reason (no dwellings,
 * no known values, no voorzieningen of the category), never 0.
 */
#ifndef WIJKSCAN_AGGREGATE_H
#define WIJKSCAN_AGGREGATE_H

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most radii one run can use. */
#define WS_MAX_RADII 8

/** Options of ws_aggregate(). Call ws_aggregate_options_init() first. */
typedef struct ws_aggregate_options {
    double radii[WS_MAX_RADII]; /**< metres, ascending; default 500, 1000 */
    size_t n_radii;
} ws_aggregate_options;

/** Fill defaults. \since 0.1 */
WS_API void ws_aggregate_options_init(ws_aggregate_options *opt);

/**
 * Add the indicator columns to every level of `ds` (after ws_join and
 * ws_access).
 * \since 0.1
 */
WS_API ws_status ws_aggregate(ws_ctx *ctx, ws_dataset *ds,
                              const ws_aggregate_options *opt);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_AGGREGATE_H */
