/**
 * \file themes.h
 * Theme scores: the indicators of a run combined into the three themes of
 * the BOCE woonzorgvisie — de gezonde, de informele en de inclusieve wijk —
 * and the composite "vitale wijk", on the Dutch 1–10 report-mark scale.
 *
 * What is scored, how and with which weights lives in theme layers
 * (`layers/themes/NAME.yaml`, one file per theme), so a planner can change it
 * without touching C; see the README ("Thema's en scores") for the format.
 * Errors in those files name `file:line:column`.
 *
 * Columns written per buurt, wijk and gemeente (the regio row carries no
 * CBS statistics and is not scored):
 * - `<indicator>`: the raw value of an indicator computed by an expression;
 * - `norm_<indicator>`: its normalised score, 0 (worst) … 1 (best), also
 *   for regions too small to score (against the frame they are not part of);
 * - `score_<theme>`: the mark 1.0–10.0 (one decimal);
 * - `score_<theme>_dekking`: the share of the theme's weight that had a
 *   value (0–1); for a composite that is the weight of the member themes
 *   with a score, so 0 for a region too small to score;
 * - `score_<theme>_vlag`: `ok`, `te_weinig` (fewer dwellings or inwoners
 *   than the minimum: not scored, not ranked), `onvoldoende_dekking` or
 *   `geen_gegevens`;
 * - `rang_<theme>_gemeente`, `rang_<theme>_regio`: rank, 1 = best, among
 *   the scored regions of the same level in the gemeente / the region.
 */
#ifndef WIJKSCAN_THEMES_H
#define WIJKSCAN_THEMES_H

#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "score.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded set of theme layers. */
typedef struct ws_themes ws_themes;

/**
 * Load every `*.yaml` file of a directory as a theme layer and check them
 * together: unknown keys, bad values, duplicate names, references to
 * unknown themes and cycles between indicators are errors that name
 * `file:line:column`. Column names are checked later, against the data.
 * \param out receives the set; free with ws_themes_free().
 * \since 0.2
 */
WS_API ws_status ws_themes_load(ws_ctx *ctx, const char *dir, ws_themes **out);

/** Free a theme set. NULL is a harmless no-op. \since 0.2 */
WS_API void ws_themes_free(ws_themes *th);

/** Number of themes, composites included (they come last). \since 0.2 */
WS_API size_t ws_themes_count(const ws_themes *th);

/** Machine name of theme `i` ("gezond"), or NULL. \since 0.2 */
WS_API const char *ws_themes_name(const ws_themes *th, size_t i);

/** Dutch label of theme `i` ("De gezonde wijk"), or NULL. \since 0.2 */
WS_API const char *ws_themes_label(const ws_themes *th, size_t i);

/** Which regions normalisation compares a value with. */
typedef enum ws_reference {
    /** All buurten of the run: the selected gemeenten (default). */
    WS_REF_REGION = 0,
    /** The buurten of the same gemeente only. */
    WS_REF_GEMEENTE = 1,
    /** Every buurt in the input files, also outside the selection (the
     *  run then reads the whole input; only the selection is written). */
    WS_REF_INPUT = 2
} ws_reference;

/** Options of ws_score(). Call ws_score_options_init() first. */
typedef struct ws_score_options {
    /** Directory of theme layers; NULL skips scoring. */
    const char *themes_dir;
    ws_reference reference;
    /** Regions with fewer dwellings are not scored (default 10). */
    double min_dwellings;
    /** Regions with fewer inwoners (column `inwoners_column`, when it has
     *  a value) are not scored (default 10, as CBS suppresses). */
    double min_inwoners;
    /** Default "aantal_inwoners". */
    const char *inwoners_column;
} ws_score_options;

/** Fill defaults. \since 0.2 */
WS_API void ws_score_options_init(ws_score_options *opt);

/**
 * Score the dataset: after ws_aggregate(), before ws_export(). Writes the
 * columns listed at the top of this file, a description of every indicator
 * for the `wijkscan_indicatoren` table and the reference frame in the
 * metadata.
 * \since 0.2
 */
WS_API ws_status ws_score(ws_ctx *ctx, ws_dataset *ds,
                          const ws_score_options *opt);

/** Options of ws_sensitivity(). Call ws_sensitivity_options_init() first. */
typedef struct ws_sensitivity_options {
    /** Monte Carlo runs (default 200). */
    size_t runs;
    /** Seed of the generator (default 1): the same seed, the same result. */
    uint64_t seed;
    /** Every weight is multiplied by a factor drawn uniformly from
     *  [1 − spread, 1 + spread] (default 0.5, i.e. ±50 %). */
    double weight_spread;
    /** Also draw the normalisation of every min–max, z-score or percentile
     *  indicator from those three (default true). Threshold indicators keep
     *  their policy anchors. */
    bool vary_method;
    /** Classes (quantiles of the run's scores) whose change is counted
     *  (default 5). */
    size_t classes;
    /** A buurt is flagged `gevoelig` when its class changes in at least this
     *  share of the runs (default 0.25). */
    double flag_share;
} ws_sensitivity_options;

/** Fill defaults. \since 0.2 */
WS_API void ws_sensitivity_options_init(ws_sensitivity_options *opt);

/**
 * Uncertainty analysis of the scores (OECD/JRC handbook on composite
 * indicators): re-score the buurten `runs` times with random weights (and
 * normalisations) and write per buurt and theme the columns
 * `gevoeligheid_<theme>_rang_p05`, `…_rang_p95` (5 % and 95 % points of its
 * rank in the region), `…_klassewissel` (share of runs in which its
 * quantile class differs from the baseline class) and `…_vlag` (`gevoelig`
 * or `robuust`). Run after ws_score() with the same options.
 * \since 0.2
 */
WS_API ws_status ws_sensitivity(ws_ctx *ctx, ws_dataset *ds,
                                const ws_score_options *opt,
                                const ws_sensitivity_options *sopt);

/**
 * Explain the scores of one region of a wijkscan GeoPackage: for every
 * indicator its raw value, normalised value, weight, contribution to its
 * theme's mark and the region median, then the theme marks. `key` is a
 * buurt, wijk or gemeente code (BU…, WK…, GM…) or a name; an ambiguous
 * name is an error that lists the candidates.
 * \param out where the Dutch text goes.
 * \since 0.2
 */
WS_API ws_status ws_explain(ws_ctx *ctx, const char *gpkg_path, const char *key,
                            FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_THEMES_H */
