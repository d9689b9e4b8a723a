/**
 * \file classify.h
 * Classification of map values into classes for choropleth legends. Pure
 * functions: no dataset, no I/O.
 *
 * A classification is a list of upper bounds: class 0 holds the values in
 * [min, breaks[0]], class c > 0 the values in (breaks[c-1], breaks[c]].
 * Missing values (flagged, or NaN) are never classified and never counted:
 * they belong in a separate "geen gegevens" legend entry, not in a class.
 * Equal values always land in the same class; when ties (or the method)
 * leave fewer classes than asked, the result says so with `merged`.
 */
#ifndef WIJKSCAN_CLASSIFY_H
#define WIJKSCAN_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most classes a method other than WS_CLASS_MANUAL can be asked for. */
#define WS_CLASS_MAX_K 12

/** Classification method. */
typedef enum ws_class_method {
    /** k classes of (about) equal counts; tie-aware, ties merge classes. */
    WS_CLASS_QUANTILE = 0,
    /** k classes of equal width between min and max. */
    WS_CLASS_EQUAL_INTERVAL = 1,
    /** Exact Fisher–Jenks: minimum within-class sum of squared deviations. */
    WS_CLASS_FISHER_JENKS = 2,
    /** Round breaks (1, 2 or 5 × 10^e steps, like R's pretty()), about k. */
    WS_CLASS_PRETTY = 3,
    /** Head/tail breaks (Jiang): split at the mean while the head is a
     *  minority (< 40 % of the current part), at most k classes. */
    WS_CLASS_HEAD_TAIL = 4,
    /** Breaks at mean ± 1, 2, … population standard deviations, clipped to
     *  the data. Odd k: the middle class is mean ± 1 sd; even k: the mean is
     *  a break. */
    WS_CLASS_STDDEV = 5,
    /** The caller's breaks (upper bounds), used as given. */
    WS_CLASS_MANUAL = 6
} ws_class_method;

/** Options of ws_classify(). Call ws_classify_options_init() first. */
typedef struct ws_classify_options {
    ws_class_method method;
    /** Classes asked for, 1 to WS_CLASS_MAX_K; ignored by WS_CLASS_MANUAL. */
    size_t k;
    /** WS_CLASS_MANUAL only: strictly ascending, finite upper bounds
     *  (borrowed). The last one should be >= the data maximum; values above
     *  it still fall in the last class. */
    const double *manual_breaks;
    size_t n_manual;
} ws_classify_options;

/** Fill defaults: WS_CLASS_QUANTILE, k = 5, no manual breaks. \since 0.1 */
WS_API void ws_classify_options_init(ws_classify_options *opt);

/**
 * A classification. Caller owns it; free with ws_classes_free().
 */
typedef struct ws_classes {
    /** Number of classes; 0 when there were no (non-missing) values. */
    size_t nclasses;
    /** Smallest and largest classified value (0 when there were none). */
    double min, max;
    /** Upper bounds, strictly ascending, `nclasses` of them. For every
     *  method but WS_CLASS_PRETTY and WS_CLASS_MANUAL the last one is max. */
    double *breaks;
    /** Values per class, `nclasses` of them; classes may be empty (0). */
    size_t *counts;
    /** True when fewer classes came out than were requested (tied values
     *  merged, or the method found fewer natural classes). */
    bool merged;
    /** Classes requested: k, or n_manual for WS_CLASS_MANUAL. */
    size_t requested;
} ws_classes;

/**
 * Classify `n` values.
 * \param v the values; may be NULL when n is 0.
 * \param missing NULL, or n flags: non-zero marks a missing value. NaN is
 *        missing too. Missing values are excluded from breaks and counts.
 * \param opt options, or NULL for the defaults.
 * \param out receives the classes (NULL on error).
 * \return WS_OK; WS_ERR_INVALID_ARG for k outside 1..WS_CLASS_MAX_K, bad
 *         manual breaks (the message names which one), an infinite value or
 *         a NULL pointer; WS_ERR_NOMEM. No values at all is not an error:
 *         the result has nclasses 0.
 * \since 0.1
 */
WS_API ws_status ws_classify(ws_ctx *ctx, const double *v,
                             const uint8_t *missing, size_t n,
                             const ws_classify_options *opt, ws_classes **out);

/**
 * Classify several arrays (e.g. gemeenten or themes) with one set of breaks,
 * so a colour means the same on every map. The result equals ws_classify()
 * on the concatenation of the arrays; counts are pooled.
 * \param v `nsets` arrays; v[s] may be NULL when n[s] is 0.
 * \param missing NULL, or `nsets` entries, each NULL or n[s] flags.
 * \param n the length of each array.
 * \return as ws_classify().
 * \since 0.1
 */
WS_API ws_status ws_classify_pooled(ws_ctx *ctx, const double *const *v,
                                    const uint8_t *const *missing,
                                    const size_t *n, size_t nsets,
                                    const ws_classify_options *opt,
                                    ws_classes **out);

/**
 * The class (0-based) of `value`: the first class whose upper bound is
 * >= value. Values above the last break fall in the last class, values
 * below min in the first.
 * \return the class, or -1 for NaN, a NULL `c` or a classification without
 *         classes.
 * \since 0.1
 */
WS_API long ws_classes_find(const ws_classes *c, double value);

/** Free a classification. NULL is a harmless no-op. \since 0.1 */
WS_API void ws_classes_free(ws_ctx *ctx, ws_classes *c);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_CLASSIFY_H */
