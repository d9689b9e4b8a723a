/* The score stage's working state, shared by scoring (score_stage.c), the
 * column writer (score_write.c) and the sensitivity analysis
 * (sensitivity.c), which re-runs normalisation and combination with other
 * weights and methods. */
#ifndef WS_SCORE_INTERNAL_H
#define WS_SCORE_INTERNAL_H

#include "themes_internal.h"

/* Levels that get scores: buurt, wijk, gemeente. */
#define WS_SCORED_LEVELS 3

typedef struct ws__scored_level {
    ws_table *t;
    size_t n;
    double **raw;      /* [nind][n] indicator values */
    uint8_t **raw_m;   /* [nind][n] ws_missing */
    double **norm;     /* [nind][n] 0..1; NULL for context indicators */
    uint8_t **norm_m;  /* [nind][n] */
    double **score;    /* [nthemes][n] theme score 0..1 */
    uint8_t **score_m; /* [nthemes][n] */
    double **cover;    /* [nthemes][n] covered weight share */
    bool *suppressed;  /* too few dwellings or inwoners */
    long *gemeente;    /* row in the gemeente level, -1 if none */
} ws__scored_level;

/* What a scoring run may vary (the sensitivity analysis does). */
typedef struct ws__score_variant {
    const double *weight;          /* [nind]; NULL: the theme layers' */
    const ws_norm_method *method;  /* [nind]; NULL: the theme layers' */
    const double *const *member_w; /* [nthemes] composite member weights;
                                    * NULL: the theme layers' */
} ws__score_variant;

typedef struct ws__scorer {
    ws_ctx *ctx;
    ws_dataset *ds;
    ws_themes *th;
    const ws_score_options *opt;
    /* The first scoring of this dataset: warn about columns missing from
     * the inputs, refuse computed indicators named like a column. Later
     * passes (sensitivity) find the columns the first one wrote. */
    bool first;
    size_t *order; /* indicators in computation order */
    ws__scored_level lev[WS_SCORED_LEVELS];
} ws__scorer;

/* Load the themes, check every name against the data, compute the raw
 * values and the suppression flags of every scored level. */
ws_status ws__scorer_init(ws__scorer *s, ws_ctx *ctx, ws_dataset *ds,
                          const ws_score_options *opt, bool first);
void ws__scorer_free(ws__scorer *s);

/* Normalise and combine for `nlevels` levels (buurt first), with variant
 * `var` (NULL for the theme layers as written). */
ws_status ws__scorer_compute(ws__scorer *s, size_t nlevels,
                             const ws__score_variant *var);

/* Write the score columns, ranks and the indicator descriptions. */
ws_status ws__scorer_write(ws__scorer *s);

/* Scored indicators of a plain theme: their count and, per member, the
 * indicator index (context indicators are left out). */
size_t ws__theme_scored(const ws_themes *th, size_t theme, size_t *ind);

#endif /* WS_SCORE_INTERNAL_H */
