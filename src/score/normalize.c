/* Numeric core of theme scoring (include/wijkscan/score.h): normalisation
 * (min–max, z-score, mid-rank percentile, threshold utility), the weighted
 * combination with coverage, the report mark and competition ranking.
 * Pure functions: memory only through the context (one sorted copy for
 * percentile and rank), errors through ws__error. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/core_internal.h"
#include "wijkscan/dataset.h"
#include "wijkscan/score.h"

/* Row i has a usable value. */
static bool has_value(const double *v, const uint8_t *missing, size_t i) {
    return (!missing || missing[i] == 0) && isfinite(v[i]);
}

static double clamp01(double s) { return s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s; }

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Number of elements of the ascending array a[0..m) that are < x (strict)
 * or <= x (!strict). */
static size_t count_below(const double *a, size_t m, double x, bool strict) {
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? a[mid] < x : a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static ws_status check_params(ws_ctx *ctx, const ws_norm_params *p) {
    switch (p->direction) {
    case WS_DIR_HIGHER_BETTER:
    case WS_DIR_LOWER_BETTER:
        break;
    case WS_DIR_CONTEXT:
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "normalize: direction is context: context indicators "
                         "are shown, not scored");
    default:
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "normalize: unknown direction %d", (int)p->direction);
    }
    switch (p->method) {
    case WS_NORM_MINMAX:
    case WS_NORM_ZSCORE:
    case WS_NORM_PERCENTILE:
        return WS_OK;
    case WS_NORM_THRESHOLD:
        break;
    default:
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "normalize: unknown method %d", (int)p->method);
    }
    if (!isfinite(p->bad) || !isfinite(p->good))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "normalize: threshold anchors must be finite "
                         "(bad %g, good %g)",
                         p->bad, p->good);
    if (p->bad == p->good)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "normalize: threshold anchors bad and good are "
                         "equal (%g)",
                         p->bad);
    bool higher = p->good > p->bad;
    if (higher != (p->direction == WS_DIR_HIGHER_BETTER))
        return ws__error(
            ctx, WS_ERR_INVALID_ARG,
            "normalize: direction %s disagrees with the threshold anchors "
            "(bad %g, good %g mean %s is better)",
            p->direction == WS_DIR_HIGHER_BETTER ? "higher_better"
                                                 : "lower_better",
            p->bad, p->good, higher ? "higher" : "lower");
    return WS_OK;
}

ws_status ws_normalize(ws_ctx *ctx, const double *v, const uint8_t *missing,
                       const bool *in_ref, size_t n, const ws_norm_params *p,
                       double *out, uint8_t *out_missing) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (!p || (n > 0 && (!v || !out || !out_missing)))
        return ws__error(ctx, WS_ERR_INVALID_ARG, "normalize: NULL argument");
    ws_status st = check_params(ctx, p);
    if (st != WS_OK)
        return st;

    /* Reference frame: count, min, max and mean in one pass. */
    size_t m = 0;
    double lo = INFINITY, hi = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if ((in_ref && !in_ref[i]) || !has_value(v, missing, i))
            continue;
        m++;
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
        sum += v[i];
    }
    bool need_frame = p->method != WS_NORM_THRESHOLD;

    double *sorted = NULL;
    if (need_frame && m > 0 && p->method == WS_NORM_PERCENTILE) {
        if (m > SIZE_MAX / sizeof *sorted)
            return ws__error(ctx, WS_ERR_NOMEM, "normalize: too many values");
        sorted = ws__malloc(ctx, m * sizeof *sorted);
        if (!sorted)
            return WS_ERR_NOMEM;
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if ((!in_ref || in_ref[i]) && has_value(v, missing, i))
                sorted[j++] = v[i];
        qsort(sorted, m, sizeof *sorted, compare_doubles);
    }

    /* Method constants. */
    double mean = 0.0, sd = 0.0;
    if (p->method == WS_NORM_ZSCORE && m > 0) {
        mean = sum / (double)m;
        if (!isfinite(mean)) { /* the sum overflowed: running mean */
            mean = 0.0;
            size_t j = 0;
            for (size_t i = 0; i < n; i++)
                if ((!in_ref || in_ref[i]) && has_value(v, missing, i))
                    mean += (v[i] - mean) / (double)++j;
        }
        double ss = 0.0;
        for (size_t i = 0; i < n; i++)
            if ((!in_ref || in_ref[i]) && has_value(v, missing, i)) {
                double d = v[i] - mean;
                ss += d * d;
            }
        sd = sqrt(ss / (double)m);
    }
    /* max - min may overflow for huge ranges; halves do not. */
    double half_range = hi / 2.0 - lo / 2.0;
    bool flip =
        p->method != WS_NORM_THRESHOLD && p->direction == WS_DIR_LOWER_BETTER;

    for (size_t i = 0; i < n; i++) {
        if (!has_value(v, missing, i)) {
            out[i] = NAN;
            out_missing[i] = (missing && missing[i] != 0)
                                 ? missing[i]
                                 : (uint8_t)WS_MISSING_EMPTY;
            continue;
        }
        if (need_frame && m == 0) {
            out[i] = NAN;
            out_missing[i] = (uint8_t)WS_MISSING_NODATA;
            continue;
        }
        double x = v[i], s;
        switch (p->method) {
        case WS_NORM_MINMAX:
            s = hi == lo ? 0.5 : clamp01((x / 2.0 - lo / 2.0) / half_range);
            break;
        case WS_NORM_ZSCORE:
            if (sd > 0.0 && isfinite(sd)) {
                double z = (x - mean) / sd;
                z = z < -3.0 ? -3.0 : z > 3.0 ? 3.0 : z;
                s = (z + 3.0) / 6.0;
            } else {
                s = 0.5;
            }
            break;
        case WS_NORM_PERCENTILE: {
            size_t below = count_below(sorted, m, x, true);
            size_t equal = count_below(sorted, m, x, false) - below;
            s = ((double)below + 0.5 * (double)equal) / (double)m;
            break;
        }
        case WS_NORM_THRESHOLD:
        default:
            s = clamp01((x - p->bad) / (p->good - p->bad));
            break;
        }
        out[i] = flip ? 1.0 - s : s;
        out_missing[i] = 0;
    }
    ws__free(ctx, sorted);
    return WS_OK;
}

ws_status ws_combine_weighted(ws_ctx *ctx, const double *const *norm,
                              const uint8_t *const *missing,
                              const double *weights, size_t k, size_t n,
                              double min_coverage, double *out,
                              double *out_coverage) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (k == 0)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "combine: no indicators to combine (k == 0)");
    if (!norm || !weights || (n > 0 && !out))
        return ws__error(ctx, WS_ERR_INVALID_ARG, "combine: NULL argument");
    if (!(min_coverage >= 0.0 && min_coverage <= 1.0))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "combine: min_coverage %g is outside 0..1",
                         min_coverage);
    double total = 0.0;
    for (size_t j = 0; j < k; j++) {
        if (!isfinite(weights[j]) || weights[j] < 0.0)
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "combine: weight %zu is %g; weights must be "
                             "finite and >= 0",
                             j, weights[j]);
        if (n > 0 && !norm[j])
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "combine: indicator %zu has no values", j);
        total += weights[j];
    }
    if (!(total > 0.0) || !isfinite(total))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "combine: the weights sum to %g; need a finite, "
                         "positive sum",
                         total);

    for (size_t i = 0; i < n; i++) {
        double covered = 0.0, acc = 0.0;
        for (size_t j = 0; j < k; j++) {
            const uint8_t *mj = missing ? missing[j] : NULL;
            if (!has_value(norm[j], mj, i))
                continue;
            covered += weights[j];
            acc += weights[j] * norm[j][i];
        }
        double coverage = covered / total;
        if (out_coverage)
            out_coverage[i] = coverage;
        out[i] =
            (covered > 0.0 && coverage >= min_coverage) ? acc / covered : NAN;
    }
    return WS_OK;
}

double ws_score_to_mark(double s) {
    if (isnan(s))
        return NAN;
    return round((1.0 + 9.0 * clamp01(s)) * 10.0) / 10.0;
}

ws_status ws_rank(ws_ctx *ctx, const double *v, const bool *in_group, size_t n,
                  uint32_t *rank) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (n > 0 && (!v || !rank))
        return ws__error(ctx, WS_ERR_INVALID_ARG, "rank: NULL argument");
    if ((uint64_t)n > UINT32_MAX)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "rank: %zu rows is more than a rank can count", n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if ((!in_group || in_group[i]) && isfinite(v[i]))
            m++;
    double *sorted = NULL;
    if (m > 0) {
        sorted = ws__malloc(ctx, m * sizeof *sorted);
        if (!sorted)
            return WS_ERR_NOMEM;
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if ((!in_group || in_group[i]) && isfinite(v[i]))
                sorted[j++] = v[i];
        qsort(sorted, m, sizeof *sorted, compare_doubles);
    }
    for (size_t i = 0; i < n; i++) {
        if ((in_group && !in_group[i]) || !isfinite(v[i])) {
            rank[i] = 0;
            continue;
        }
        size_t higher = m - count_below(sorted, m, v[i], false);
        rank[i] = (uint32_t)(higher + 1);
    }
    ws__free(ctx, sorted);
    return WS_OK;
}
