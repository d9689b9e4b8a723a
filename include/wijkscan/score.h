/**
 * \file score.h
 * Numeric core of theme scoring: normalisation of indicator values to a
 * 0–1 score (1 = best), the weighted combination of scores per row, the
 * report mark and ranking. Pure functions: no I/O, no logging, and no
 * allocation per row.
 *
 * Values arrive as `const double *v` with a parallel `const uint8_t *missing`
 * holding a ws_missing reason (see dataset.h; 0 = present). A NaN or
 * infinite value counts as missing too. A missing value is never turned
 * into 0: it stays missing, with its reason, and its score is NaN.
 */
#ifndef WIJKSCAN_SCORE_H
#define WIJKSCAN_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * How raw values become scores in 0..1. With min–max, z-score and
 * percentile the frame is the set of *reference rows* (see ws_normalize())
 * that have a value.
 */
typedef enum ws_norm_method {
    /** s = (x − min) / (max − min) over the reference rows; 0.5 for every
     *  row when max == min. Rows outside the reference set are clamped to
     *  [0, 1]. */
    WS_NORM_MINMAX = 0,
    /** z = (x − mean) / sd, with the population sd (divide by n) over the
     *  reference rows; z is clamped to [−3, 3] and mapped to s = (z + 3) / 6.
     *  When sd == 0 every row gets 0.5. */
    WS_NORM_ZSCORE = 1,
    /** Mid-rank percentile: s = (number of reference values < x
     *  + 0.5 × number of reference values == x) / n_ref, so tied values get
     *  equal scores. */
    WS_NORM_PERCENTILE = 2,
    /** Utility between two policy anchors: s = (x − bad) / (good − bad),
     *  clamped to [0, 1], so `bad` → 0 and `good` → 1. Works both ways,
     *  e.g. bad = 1500 m, good = 500 m for a distance. Needs no reference
     *  rows. */
    WS_NORM_THRESHOLD = 3
} ws_norm_method;

/** Which way an indicator points. */
typedef enum ws_direction {
    WS_DIR_HIGHER_BETTER = 0, /**< a higher value is better (↑) */
    WS_DIR_LOWER_BETTER = 1,  /**< a lower value is better (↓) */
    /** Context only (C): shown on maps and in reports, never scored. */
    WS_DIR_CONTEXT = 2
} ws_direction;

/** Parameters of ws_normalize(). */
typedef struct ws_norm_params {
    ws_norm_method method;
    ws_direction direction;
    /** WS_NORM_THRESHOLD only: the value that scores 0 and the value that
     *  scores 1. Both finite and different; ignored by the other methods. */
    double bad, good;
} ws_norm_params;

/**
 * Normalise `n` values to scores in 0..1 (1 = best) over a reference frame.
 *
 * For min–max, z-score and percentile the score is first computed as
 * "higher is better" and then flipped to 1 − s when `p->direction` is
 * WS_DIR_LOWER_BETTER. For WS_NORM_THRESHOLD the anchors already encode the
 * direction: `good > bad` needs WS_DIR_HIGHER_BETTER and `good < bad` needs
 * WS_DIR_LOWER_BETTER; a disagreement is WS_ERR_INVALID_ARG.
 *
 * Row i is missing when `missing[i] != 0` or `v[i]` is NaN or infinite.
 * A missing row gives `out[i] = NaN` and `out_missing[i] = missing[i]`
 * (WS_MISSING_EMPTY when the reason was 0 but the value not finite).
 * When no reference row has a value (min–max, z-score, percentile) there
 * is no frame: this is not an error, every row is missing and the rows
 * that had a value get WS_MISSING_NODATA.
 *
 * \param v values, `n` of them.
 * \param missing ws_missing reason per row, or NULL (all present).
 * \param in_ref which rows form the reference frame, or NULL (all rows).
 *        A row outside the frame is still scored against it.
 * \param p method, direction and anchors.
 * \param out receives `n` scores in 0..1, or NaN for missing rows.
 * \param out_missing receives `n` reasons (0 = scored).
 * \return WS_OK; WS_ERR_INVALID_ARG for NULL arguments, an unknown method
 *         or direction, WS_DIR_CONTEXT (context indicators are shown, not
 *         scored), non-finite or equal anchors, or anchors that disagree
 *         with the direction; WS_ERR_NOMEM (percentile sorts one copy of
 *         the reference values). On error the outputs are not written.
 * \since 0.1
 */
WS_API ws_status ws_normalize(ws_ctx *ctx, const double *v,
                              const uint8_t *missing, const bool *in_ref,
                              size_t n, const ws_norm_params *p, double *out,
                              uint8_t *out_missing);

/**
 * Weighted mean of `k` normalised indicators per row.
 *
 * Indicator j of row i counts when `missing[j][i] == 0` and `norm[j][i]` is
 * finite. With W the sum of all weights and C the sum of the weights that
 * count in row i: `out_coverage[i] = C / W` and
 * `out[i] = Σ w_j · norm[j][i] / C` over the indicators that count (the
 * remaining weights are rescaled to sum to 1). `out[i]` is NaN when
 * C == 0 or C / W < `min_coverage`; the caller decides how to label that.
 *
 * \param norm `k` arrays of `n` scores (from ws_normalize()).
 * \param missing `k` arrays of `n` reasons, or NULL; an entry may be NULL.
 * \param weights `k` finite weights >= 0 with a positive sum.
 * \param min_coverage least share of the weight (0..1) a row must cover.
 * \param out receives `n` combined scores, or NaN.
 * \param out_coverage receives `n` covered weight shares in 0..1, or NULL.
 * \return WS_OK, or WS_ERR_INVALID_ARG for NULL arguments, k == 0, a
 *         negative or non-finite weight, weights summing to 0, or
 *         `min_coverage` outside 0..1.
 * \since 0.1
 */
WS_API ws_status ws_combine_weighted(ws_ctx *ctx, const double *const *norm,
                                     const uint8_t *const *missing,
                                     const double *weights, size_t k, size_t n,
                                     double min_coverage, double *out,
                                     double *out_coverage);

/**
 * Report mark for a score: 1 + 9·s rounded to one decimal (half away from
 * zero), so 0 → 1.0, 0.5 → 5.5 and 1 → 10.0. `s` is clamped to [0, 1];
 * NaN gives NaN.
 * \since 0.1
 */
WS_API double ws_score_to_mark(double s);

/**
 * Rank rows from best (1 = highest value) among the rows that have a value
 * and are in the group. Ties share the lowest rank (standard competition
 * ranking, "1224"): rank = 1 + the number of group values strictly higher.
 * A row with a NaN or infinite value, or outside the group, gets rank 0.
 *
 * \param v values, `n` of them.
 * \param in_group which rows take part, or NULL (all rows).
 * \param rank receives `n` ranks.
 * \return WS_OK; WS_ERR_INVALID_ARG for NULL arguments or n > UINT32_MAX;
 *         WS_ERR_NOMEM (one sorted copy of the values).
 * \since 0.1
 */
WS_API ws_status ws_rank(ws_ctx *ctx, const double *v, const bool *in_group,
                         size_t n, uint32_t *rank);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_SCORE_H */
