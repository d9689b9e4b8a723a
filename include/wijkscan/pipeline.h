/**
 * \file pipeline.h
 * The whole run: load → join → access → aggregate → score → export, with
 * progress, cancellation, per-stage timings and a configuration hash recorded
 * in the output. The wijkscan command is a thin shell around this.
 */
#ifndef WIJKSCAN_PIPELINE_H
#define WIJKSCAN_PIPELINE_H

#include "access.h"
#include "aggregate.h"
#include "context.h"
#include "dataset.h"
#include "export.h"
#include "export_macros.h"
#include "join.h"
#include "load.h"
#include "status.h"
#include "themes.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of every stage. Call ws_pipeline_options_init() first. */
typedef struct ws_pipeline_options {
    ws_load_options load;
    ws_join_options join;
    ws_access_options access;
    ws_aggregate_options aggregate;
    /** Theme scores; skipped while `score.themes_dir` is NULL. */
    ws_score_options score;
    /** Sensitivity analysis after scoring, when `run_sensitivity`. */
    ws_sensitivity_options sensitivity;
    bool run_sensitivity;
    ws_export_options output;
    /** Project file the options came from (hashed and recorded), or NULL. */
    const char *project_path;
} ws_pipeline_options;

/** Stages, for timings. */
typedef enum ws_stage {
    WS_STAGE_LOAD = 0,
    WS_STAGE_JOIN,
    WS_STAGE_ACCESS,
    WS_STAGE_AGGREGATE,
    WS_STAGE_SCORE, /**< theme scores (and sensitivity) */
    WS_STAGE_EXPORT,
    WS_STAGE_COUNT
} ws_stage;

/** What a run did. */
typedef struct ws_run_summary {
    double seconds[WS_STAGE_COUNT]; /**< wall time per stage */
    size_t dwellings;               /**< dwellings loaded */
    size_t dwellings_outside;       /**< in no buurt */
    size_t amenities;
    size_t regions[WS_LEVEL_COUNT];
    size_t warnings;
    char config_hash[17]; /**< 64-bit FNV-1a, hex */
} ws_run_summary;

/** Fill defaults of every stage. \since 0.1 */
WS_API void ws_pipeline_options_init(ws_pipeline_options *opt);

/** Name of a stage ("load", …). \since 0.1 */
WS_API const char *ws_stage_name(ws_stage stage);

/**
 * Run every stage.
 * \param summary receives counts and timings (may be NULL).
 * \param keep if not NULL, receives the dataset (caller owns it; free with
 *        ws_dataset_free()); otherwise it is freed.
 * \return WS_OK or the first error, whose message starts with the stage.
 * \since 0.1
 */
WS_API ws_status ws_pipeline_run(ws_ctx *ctx, const ws_pipeline_options *opt,
                                 ws_run_summary *summary, ws_dataset **keep);

/** Version string of the library, e.g. "0.1.0". \since 0.1 */
WS_API const char *ws_version(void);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_PIPELINE_H */
