/**
 * \file join.h
 * Join stage: assign every dwelling to the buurt that contains it, with an
 * STRtree over the buurt envelopes and prepared GEOS geometries.
 *
 * Rule for points on a boundary: a point inside exactly one buurt goes
 * there; a point on a shared edge (inside none, on the boundary of several)
 * goes to the buurt with the lowest buurtcode, as does a point in an
 * overlap of generalised polygons. Dwellings in no buurt are counted
 * (ws_dataset_dwellings_outside) and reported, never dropped silently.
 */
#ifndef WIJKSCAN_JOIN_H
#define WIJKSCAN_JOIN_H

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of ws_join(). Call ws_join_options_init() first. */
typedef struct ws_join_options {
    /** Reserved for the tolerance of a later snapping rule; must be 0. */
    double snap_tolerance;
} ws_join_options;

/** Fill defaults. \since 0.1 */
WS_API void ws_join_options_init(ws_join_options *opt);

/**
 * Assign each dwelling of `ds` to its buurt.
 * \return WS_OK, WS_ERR_GEOMETRY, WS_ERR_NOMEM or WS_ERR_CANCELLED.
 * \since 0.1
 */
WS_API ws_status ws_join(ws_ctx *ctx, ws_dataset *ds,
                         const ws_join_options *opt);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_JOIN_H */
