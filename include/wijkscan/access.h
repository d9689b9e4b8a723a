/**
 * \file access.h
 * Accessibility stage: for every dwelling and every voorzieningen category,
 * the distance to the nearest voorziening of that category.
 *
 * Distances are straight-line (Euclidean) in RD New metres. The metric is an
 * option so that walking distance over a pedestrian network can be added
 * without changing the stages around it; only WS_METRIC_STRAIGHT_LINE is
 * implemented in this version.
 */
#ifndef WIJKSCAN_ACCESS_H
#define WIJKSCAN_ACCESS_H

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How distance is measured. */
typedef enum ws_metric {
    WS_METRIC_STRAIGHT_LINE = 0, /**< Euclidean, RD New metres */
    WS_METRIC_WALKING = 1        /**< over a pedestrian network (not yet) */
} ws_metric;

/** Options of ws_access(). Call ws_access_options_init() first. */
typedef struct ws_access_options {
    ws_metric metric;
} ws_access_options;

/** Fill defaults (straight line). \since 0.1 */
WS_API void ws_access_options_init(ws_access_options *opt);

/**
 * Compute the nearest-voorziening distance per dwelling and category. A
 * category without any voorziening gives missing distances
 * (WS_MISSING_NO_AMENITIES downstream), never 0 or infinity.
 * \return WS_OK, WS_ERR_UNSUPPORTED (walking), WS_ERR_NOMEM, WS_ERR_CANCELLED.
 * \since 0.1
 */
WS_API ws_status ws_access(ws_ctx *ctx, ws_dataset *ds,
                           const ws_access_options *opt);

/**
 * Distance from dwelling `i` to the nearest voorziening of category `cat`
 * after ws_access(); NaN when there is none.
 * \since 0.1
 */
WS_API double ws_access_distance(const ws_dataset *ds, size_t cat, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_ACCESS_H */
