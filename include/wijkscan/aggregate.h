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
 *    aandeel_C_binnen_Rm (nearest one at a distance <= R);
 *  - per radius R: aandeel_basisvoorzieningen_binnen_Rm, the share of
 *    dwellings with a voorziening of *every* basisvoorzieningen category
 *    (default huisarts, apotheek and supermarkt) within R (since 0.2);
 *  - woonlagen_gemiddeld: mean, over dwellings, of the estimated number of
 *    woonlagen L_p of their pand p (since 0.2):
 *    L_p = max(1, S_p / (F_p × netto_factor)), with S_p the summed
 *    oppervlakte of the pand's dwellings (unknown ones imputed with the mean
 *    of the known ones in the pand) and F_p the pand's footprint (m²);
 *  - woningen_zorggeschikt and aandeel_zorggeschikt (since 0.2): a
 *    Geroscoop-like proxy for dwellings that are (potentially) suitable for
 *    people who need care, from BAG alone (BAG has no lift attribute). With
 *    n = the dwellings in the pand, L = round(L_p), b the bouwjaar and o the
 *    oppervlakte, each dwelling weighs
 *      - stacked (n >= 2): 1 when L >= lift_min_woonlagen and
 *        b >= lift_vanaf_bouwjaar (a lift is assumed: nultredenwoning),
 *        else 1/L (the expected share of its dwellings on the ground floor);
 *      - eengezins (n = 1): 1 when L = 1 (gelijkvloers); else 1/2 when
 *        b >= eengezins_vanaf_bouwjaar and o >= eengezins_min_oppervlakte
 *        (potentieel geschikt, counted half as in Geroscoop); else 0;
 *      - unknown (left out of numerator and denominator) when the pand, its
 *        footprint or the oppervlakte of all its dwellings is unknown, or
 *        when the weight depends on an unknown bouwjaar.
 *    woningen_zorggeschikt is the sum of the weights (one decimal),
 *    aandeel_zorggeschikt that sum divided by the dwellings with a known
 *    weight. The lift thresholds are assumptions: the Geroscoop table of
 *    lifts by bouwjaar and woonlagen is not public (DOMAIN.md marks it
 *    UNCONFIRMED); set them in ws_zorggeschikt_options.
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

/** Most categories in ws_aggregate_options.basisvoorzieningen. \since 0.2 */
#define WS_MAX_BASISVOORZIENINGEN 8

/**
 * Parameters of the zorggeschiktheid proxy (woningen_zorggeschikt,
 * aandeel_zorggeschikt, woonlagen_gemiddeld); see the file comment for the
 * rule. The defaults follow the Geroscoop method where it is documented;
 * the two lift thresholds are assumptions, not a published table.
 * \since 0.2
 */
typedef struct ws_zorggeschikt_options {
    /** Usable floor area per m² of footprint per woonlaag, in (0, 1]: the
     *  estimated woonlagen are oppervlakte / (footprint × netto_factor).
     *  Default 0.8. */
    double netto_factor;
    /** A stacked pand with at least this many (rounded) woonlagen has a lift
     *  when it is recent enough. Default 4 (assumption). */
    int lift_min_woonlagen;
    /** ... built in or after this year. Default 1965 (assumption). */
    int lift_vanaf_bouwjaar;
    /** An eengezinswoning of two or more woonlagen is potentieel geschikt
     *  (weight 1/2) when built in or after this year ... Default 1975. */
    int eengezins_vanaf_bouwjaar;
    /** ... and at least this large (m² gebruiksoppervlakte). Default 90. */
    double eengezins_min_oppervlakte;
} ws_zorggeschikt_options;

/** Options of ws_aggregate(). Call ws_aggregate_options_init() first. */
typedef struct ws_aggregate_options {
    double radii[WS_MAX_RADII]; /**< metres, ascending; default 500, 1000 */
    size_t n_radii;
    /** Categories that must all lie within a radius for
     *  aandeel_basisvoorzieningen_binnen_Rm (1 to WS_MAX_BASISVOORZIENINGEN
     *  names; borrowed, must outlive the call). Default huisarts, apotheek,
     *  supermarkt (a static list). A name that is not a loaded category, or
     *  a category without voorzieningen, makes those columns missing
     *  (geen_voorzieningen). \since 0.2 */
    const char *const *basisvoorzieningen;
    size_t n_basisvoorzieningen; /**< \since 0.2; default 3 */
    /** Parameters of the zorggeschiktheid proxy. \since 0.2 */
    ws_zorggeschikt_options zorggeschikt;
} ws_aggregate_options;

/** Fill defaults (also of the fields added in 0.2). \since 0.1 */
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
