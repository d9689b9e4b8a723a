/* Unit tests for the numeric core of theme scoring (src/score/normalize.c):
 * min–max, z-score, mid-rank percentile and threshold normalisation with
 * reference subsets, direction flips and missing values; the weighted
 * combination with coverage; report marks; competition ranking; argument
 * errors and allocation failure. Every expected value is worked out by hand
 * in the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ws_test.h"

#include <math.h>

#include "wijkscan/dataset.h"
#include "wijkscan/score.h"

#define EPS 1e-12
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const ws_norm_params MINMAX_UP = {WS_NORM_MINMAX, WS_DIR_HIGHER_BETTER,
                                         0.0, 0.0};

/* Normalise and expect WS_OK. */
static void norm_ok(ws_ctx *ctx, const double *v, const uint8_t *missing,
                    const bool *in_ref, size_t n, ws_norm_params p, double *out,
                    uint8_t *out_missing) {
    ws_status st =
        ws_normalize(ctx, v, missing, in_ref, n, &p, out, out_missing);
    if (st != WS_OK)
        fail_msg("ws_normalize: %s (%s)", ws_status_name(st),
                 ws_ctx_errmsg(ctx));
}

/* Expect scores `want` and no missing reason for every row. */
static void expect_scores(const double *out, const uint8_t *out_missing,
                          const double *want, size_t n) {
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out_missing[i], 0);
        assert_double_near(out[i], want[i], EPS);
    }
}

/* --- min–max --------------------------------------------------------- */

static void test_minmax(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {10, 20, 40};
    double out[3];
    uint8_t om[3];
    norm_ok(ctx, v, NULL, NULL, 3, MINMAX_UP, out, om);
    /* min 10, max 40, range 30: (10-10)/30 = 0, (20-10)/30 = 1/3,
     * (40-10)/30 = 1 */
    const double want[] = {0.0, 1.0 / 3.0, 1.0};
    expect_scores(out, om, want, 3);
}

static void test_minmax_lower_better(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {10, 20, 40};
    double out[3];
    uint8_t om[3];
    ws_norm_params p = MINMAX_UP;
    p.direction = WS_DIR_LOWER_BETTER;
    norm_ok(ctx, v, NULL, NULL, 3, p, out, om);
    /* 1 - {0, 1/3, 1} = {1, 2/3, 0} */
    const double want[] = {1.0, 2.0 / 3.0, 0.0};
    expect_scores(out, om, want, 3);
}

static void test_minmax_all_equal(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {7, 7, 7, 7};
    double out[4];
    uint8_t om[4];
    /* max == min: 0.5 for every row, and 1 - 0.5 = 0.5 when flipped */
    const double want[] = {0.5, 0.5, 0.5, 0.5};
    norm_ok(ctx, v, NULL, NULL, 4, MINMAX_UP, out, om);
    expect_scores(out, om, want, 4);
    ws_norm_params p = MINMAX_UP;
    p.direction = WS_DIR_LOWER_BETTER;
    norm_ok(ctx, v, NULL, NULL, 4, p, out, om);
    expect_scores(out, om, want, 4);
}

static void test_missing_keeps_reason(void **state) {
    ws_ctx *ctx = *state;
    /* Row 1 is secret with a junk value (-99997 must not enter the frame);
     * row 3 is NaN with reason 0 -> missing as "leeg". */
    const double v[] = {10, -99997, 40, NAN, 20};
    const uint8_t miss[] = {0, WS_MISSING_SECRET, 0, 0, 0};
    double out[5];
    uint8_t om[5];
    norm_ok(ctx, v, miss, NULL, 5, MINMAX_UP, out, om);
    /* frame {10, 40, 20}: min 10, max 40 -> row 0: 0, row 2: 1,
     * row 4: 10/30 = 1/3 */
    assert_int_equal(om[0], 0);
    assert_double_near(out[0], 0.0, EPS);
    assert_int_equal(om[1], WS_MISSING_SECRET);
    assert_true(isnan(out[1]));
    assert_int_equal(om[2], 0);
    assert_double_near(out[2], 1.0, EPS);
    assert_int_equal(om[3], WS_MISSING_EMPTY);
    assert_true(isnan(out[3]));
    assert_int_equal(om[4], 0);
    assert_double_near(out[4], 1.0 / 3.0, EPS);
}

static void test_minmax_reference_subset(void **state) {
    ws_ctx *ctx = *state;
    /* Reference = the first three rows (the region); rows 3 and 4 are
     * scored against that frame. */
    const double v[] = {10, 20, 30, 50, 5};
    const bool ref[] = {true, true, true, false, false};
    double out[5];
    uint8_t om[5];
    norm_ok(ctx, v, NULL, ref, 5, MINMAX_UP, out, om);
    /* min 10, max 30: 0, 0.5, 1; (50-10)/20 = 2 -> clamped 1;
     * (5-10)/20 = -0.25 -> clamped 0 */
    const double want[] = {0.0, 0.5, 1.0, 1.0, 0.0};
    expect_scores(out, om, want, 5);
}

/* --- z-score --------------------------------------------------------- */

static void test_zscore(void **state) {
    ws_ctx *ctx = *state;
    /* Reference rows 0..7; row 8 (100) is outside the frame. */
    const double v[] = {2, 4, 4, 4, 5, 5, 7, 9, 100};
    const bool ref[] = {true, true, true, true, true, true, true, true, false};
    double out[9];
    uint8_t om[9];
    ws_norm_params p = {WS_NORM_ZSCORE, WS_DIR_HIGHER_BETTER, 0, 0};
    norm_ok(ctx, v, NULL, ref, 9, p, out, om);
    /* mean = 40/8 = 5; squared deviations 9,1,1,1,0,0,4,16 sum 32;
     * population var 32/8 = 4, sd 2.
     * 9: z = 2 -> (2+3)/6 = 5/6; 2: z = -1.5 -> 1.5/6 = 0.25;
     * 4: z = -0.5 -> 2.5/6 = 5/12; 5: z = 0 -> 0.5; 7: z = 1 -> 4/6;
     * 100: z = 47.5 -> clamped 3 -> 1 */
    const double want[] = {0.25, 5.0 / 12, 5.0 / 12, 5.0 / 12, 0.5,
                           0.5,  4.0 / 6,  5.0 / 6,  1.0};
    expect_scores(out, om, want, 9);

    p.direction = WS_DIR_LOWER_BETTER;
    norm_ok(ctx, v, NULL, ref, 9, p, out, om);
    /* 9: 1 - 5/6 = 1/6; 100: 1 - 1 = 0 */
    assert_double_near(out[7], 1.0 / 6.0, EPS);
    assert_double_near(out[8], 0.0, EPS);
}

static void test_zscore_zero_sd(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {3, 3, 3, 8};
    const bool ref[] = {true, true, true, false};
    double out[4];
    uint8_t om[4];
    ws_norm_params p = {WS_NORM_ZSCORE, WS_DIR_HIGHER_BETTER, 0, 0};
    norm_ok(ctx, v, NULL, ref, 4, p, out, om);
    /* frame {3,3,3}: sd 0 -> 0.5 for every row, row 3 included */
    const double want[] = {0.5, 0.5, 0.5, 0.5};
    expect_scores(out, om, want, 4);
}

/* --- percentile ------------------------------------------------------ */

static void test_percentile_ties(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2, 2, 3};
    double out[4];
    uint8_t om[4];
    ws_norm_params p = {WS_NORM_PERCENTILE, WS_DIR_HIGHER_BETTER, 0, 0};
    norm_ok(ctx, v, NULL, NULL, 4, p, out, om);
    /* n_ref = 4. 1: (0 + 0.5*1)/4 = 0.125; 2: (1 + 0.5*2)/4 = 0.5;
     * 3: (3 + 0.5*1)/4 = 0.875 */
    const double want[] = {0.125, 0.5, 0.5, 0.875};
    expect_scores(out, om, want, 4);

    p.direction = WS_DIR_LOWER_BETTER;
    norm_ok(ctx, v, NULL, NULL, 4, p, out, om);
    /* 1 - s: {0.875, 0.5, 0.5, 0.125} */
    const double flipped[] = {0.875, 0.5, 0.5, 0.125};
    expect_scores(out, om, flipped, 4);
}

static void test_percentile_outside_ref(void **state) {
    ws_ctx *ctx = *state;
    /* Frame {10, 20} (row 3 is missing, row 2 is not in the frame). */
    const double v[] = {10, 20, 15, 99};
    const uint8_t miss[] = {0, 0, 0, WS_MISSING_LATER};
    const bool ref[] = {true, true, false, true};
    double out[4];
    uint8_t om[4];
    ws_norm_params p = {WS_NORM_PERCENTILE, WS_DIR_HIGHER_BETTER, 0, 0};
    norm_ok(ctx, v, miss, ref, 4, p, out, om);
    /* n_ref = 2. 10: 0.5/2 = 0.25; 20: (1 + 0.5)/2 = 0.75;
     * 15: (1 + 0)/2 = 0.5; row 3 missing, reason kept */
    assert_double_near(out[0], 0.25, EPS);
    assert_double_near(out[1], 0.75, EPS);
    assert_double_near(out[2], 0.5, EPS);
    assert_true(isnan(out[3]));
    assert_int_equal(om[3], WS_MISSING_LATER);
}

/* --- threshold ------------------------------------------------------- */

static void test_threshold_distance(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1000, 400, 2000, 1500, 500, 750};
    double out[6];
    uint8_t om[6];
    ws_norm_params p = {WS_NORM_THRESHOLD, WS_DIR_LOWER_BETTER, 1500, 500};
    norm_ok(ctx, v, NULL, NULL, 6, p, out, om);
    /* s = (x - 1500) / (500 - 1500) = (1500 - x) / 1000, clamped:
     * 1000 -> 0.5; 400 -> 1.1 -> 1; 2000 -> -0.5 -> 0; 1500 -> 0;
     * 500 -> 1; 750 -> 0.75 */
    const double want[] = {0.5, 1.0, 0.0, 0.0, 1.0, 0.75};
    expect_scores(out, om, want, 6);
}

static void test_threshold_higher_better(void **state) {
    ws_ctx *ctx = *state;
    /* Share of dwellings within reach: 20% bad, 80% good. */
    const double v[] = {0.35, 0.9, 0.1};
    double out[3];
    uint8_t om[3];
    ws_norm_params p = {WS_NORM_THRESHOLD, WS_DIR_HIGHER_BETTER, 0.2, 0.8};
    /* No reference rows at all: threshold needs no frame. */
    const bool ref[] = {false, false, false};
    norm_ok(ctx, v, NULL, ref, 3, p, out, om);
    /* (0.35-0.2)/0.6 = 0.25; (0.9-0.2)/0.6 > 1 -> 1; (0.1-0.2)/0.6 -> 0 */
    const double want[] = {0.25, 1.0, 0.0};
    expect_scores(out, om, want, 3);
}

static void test_no_reference_values(void **state) {
    ws_ctx *ctx = *state;
    /* The only reference row is missing: no frame, but not an error. */
    const double v[] = {1, 2, 3};
    const uint8_t miss[] = {0, WS_MISSING_SECRET, 0};
    const bool ref[] = {false, true, false};
    double out[3];
    uint8_t om[3];
    ws_norm_params methods[] = {
        {WS_NORM_MINMAX, WS_DIR_HIGHER_BETTER, 0, 0},
        {WS_NORM_ZSCORE, WS_DIR_LOWER_BETTER, 0, 0},
        {WS_NORM_PERCENTILE, WS_DIR_HIGHER_BETTER, 0, 0},
    };
    for (size_t m = 0; m < N_OF(methods); m++) {
        norm_ok(ctx, v, miss, ref, 3, methods[m], out, om);
        /* rows with a value -> "geen gegevens"; row 1 keeps its reason */
        assert_int_equal(om[0], WS_MISSING_NODATA);
        assert_int_equal(om[1], WS_MISSING_SECRET);
        assert_int_equal(om[2], WS_MISSING_NODATA);
        for (size_t i = 0; i < 3; i++)
            assert_true(isnan(out[i]));
    }
    /* n == 0 is fine too */
    norm_ok(ctx, NULL, NULL, NULL, 0, MINMAX_UP, NULL, NULL);
    assert_int_equal(ws_ctx_status(ctx), WS_OK);
}

/* --- normalisation errors ------------------------------------------- */

static void expect_norm_error(ws_ctx *ctx, ws_norm_params p,
                              const char *needle) {
    const double v[] = {1, 2};
    double out[2] = {-1, -1};
    uint8_t om[2] = {99, 99};
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws_normalize(ctx, v, NULL, NULL, 2, &p, out, om),
                     WS_ERR_INVALID_ARG);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, needle);
    /* outputs untouched on error */
    assert_double_near(out[0], -1.0, 0.0);
    assert_int_equal(om[0], 99);
}

static void test_normalize_errors(void **state) {
    ws_ctx *ctx = *state;
    ws_norm_params ctxp = {WS_NORM_MINMAX, WS_DIR_CONTEXT, 0, 0};
    expect_norm_error(ctx, ctxp, "context indicators are shown, not scored");
    /* 1500 -> 0, 500 -> 1 means lower is better */
    ws_norm_params dis = {WS_NORM_THRESHOLD, WS_DIR_HIGHER_BETTER, 1500, 500};
    expect_norm_error(ctx, dis, "direction");
    ws_norm_params dis2 = {WS_NORM_THRESHOLD, WS_DIR_LOWER_BETTER, 0, 1};
    expect_norm_error(ctx, dis2, "disagrees");
    ws_norm_params nan_anchor = {WS_NORM_THRESHOLD, WS_DIR_HIGHER_BETTER, NAN,
                                 1};
    expect_norm_error(ctx, nan_anchor, "finite");
    ws_norm_params inf_anchor = {WS_NORM_THRESHOLD, WS_DIR_LOWER_BETTER, 5,
                                 -INFINITY};
    expect_norm_error(ctx, inf_anchor, "finite");
    ws_norm_params equal = {WS_NORM_THRESHOLD, WS_DIR_HIGHER_BETTER, 3, 3};
    expect_norm_error(ctx, equal, "equal");
    ws_norm_params bad_method = {(ws_norm_method)42, WS_DIR_HIGHER_BETTER, 0,
                                 0};
    expect_norm_error(ctx, bad_method, "method");

    ws_ctx_clear_error(ctx);
    double out[1];
    uint8_t om[1];
    const double v[] = {1};
    assert_int_equal(ws_normalize(ctx, v, NULL, NULL, 1, NULL, out, om),
                     WS_ERR_INVALID_ARG);
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws_normalize(ctx, v, NULL, NULL, 1, &MINMAX_UP, NULL, om),
                     WS_ERR_INVALID_ARG);
    assert_int_equal(ws_normalize(NULL, v, NULL, NULL, 1, &MINMAX_UP, out, om),
                     WS_ERR_INVALID_ARG);
}

/* --- weighted combination ------------------------------------------- */

static void test_combine_weighted(void **state) {
    ws_ctx *ctx = *state;
    /* Three indicators with weights {1, 1, 2} (total 4), four rows. */
    const double a[] = {0.2, 0.6, 1.0, 0.5};
    const double b[] = {0.4, 0.9, 0.0, 0.5};
    const double c[] = {0.7, 0.3, NAN, 0.5};
    const uint8_t ma[] = {0, 0, 0, WS_MISSING_EMPTY};
    const uint8_t mb[] = {0, WS_MISSING_SECRET, 0, WS_MISSING_EMPTY};
    const double *const norm[] = {a, b, c};
    const uint8_t *const miss[] = {ma, mb, NULL}; /* c: NaN marks missing */
    const double w[] = {1, 1, 2};
    double out[4], cov[4];
    assert_int_equal(
        ws_combine_weighted(ctx, norm, miss, w, 3, 4, 0.6, out, cov), WS_OK);
    /* row 0: all present: (0.2 + 0.4 + 2*0.7)/4 = 2.0/4 = 0.5, coverage 1 */
    assert_double_near(out[0], 0.5, EPS);
    assert_double_near(cov[0], 1.0, EPS);
    /* row 1: b missing; weights 1 and 2 rescaled by 3:
     * (0.6 + 2*0.3)/3 = 1.2/3 = 0.4; coverage 3/4 = 0.75 >= 0.6 */
    assert_double_near(out[1], 0.4, EPS);
    assert_double_near(cov[1], 0.75, EPS);
    /* row 2: c (weight 2) missing: coverage 2/4 = 0.5 < 0.6 -> NaN */
    assert_true(isnan(out[2]));
    assert_double_near(cov[2], 0.5, EPS);
    /* row 3: only c present (0.5): coverage 2/4 = 0.5 < 0.6 -> NaN */
    assert_true(isnan(out[3]));
    assert_double_near(cov[3], 0.5, EPS);

    /* min_coverage 0.5: row 2 = (1*1.0 + 1*0.0)/2 = 0.5, row 3 = 2*0.5/2 =
     * 0.5 (a coverage equal to the minimum is enough) */
    assert_int_equal(
        ws_combine_weighted(ctx, norm, miss, w, 3, 4, 0.5, out, NULL), WS_OK);
    assert_double_near(out[2], 0.5, EPS);
    assert_double_near(out[3], 0.5, EPS);
}

static void test_combine_nothing_covered(void **state) {
    ws_ctx *ctx = *state;
    /* Every indicator missing in row 0: NaN even with min_coverage 0;
     * row 1 has one of two equal weights: 0.8, coverage 0.5 */
    const double a[] = {NAN, 0.8};
    const double b[] = {0.1, 0.3};
    const uint8_t mb[] = {WS_MISSING_NODATA, WS_MISSING_NODATA};
    const double *const norm[] = {a, b};
    const uint8_t *const miss[] = {NULL, mb};
    const double w[] = {1, 1};
    double out[2], cov[2];
    assert_int_equal(
        ws_combine_weighted(ctx, norm, miss, w, 2, 2, 0.0, out, cov), WS_OK);
    assert_true(isnan(out[0]));
    assert_double_near(cov[0], 0.0, 0.0);
    assert_double_near(out[1], 0.8, EPS);
    assert_double_near(cov[1], 0.5, EPS);
    /* a zero weight counts for nothing: weights {1, 0}: row 1 = 0.8,
     * coverage 1/1 = 1 */
    const double w0[] = {1, 0};
    assert_int_equal(
        ws_combine_weighted(ctx, norm, NULL, w0, 2, 2, 1.0, out, cov), WS_OK);
    assert_double_near(out[1], 0.8, EPS);
    assert_double_near(cov[1], 1.0, EPS);
}

static void expect_combine_error(ws_ctx *ctx, const double *w, size_t k,
                                 double min_cov, const char *needle) {
    const double a[] = {0.5};
    const double *const norm[] = {a, a};
    double out[1], cov[1];
    ws_ctx_clear_error(ctx);
    assert_int_equal(
        ws_combine_weighted(ctx, norm, NULL, w, k, 1, min_cov, out, cov),
        WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, needle);
}

static void test_combine_errors(void **state) {
    ws_ctx *ctx = *state;
    const double ok[] = {1, 1};
    const double neg[] = {1, -0.5};
    const double nan_w[] = {NAN, 1};
    const double zero[] = {0, 0};
    expect_combine_error(ctx, ok, 0, 0.5, "k == 0");
    expect_combine_error(ctx, neg, 2, 0.5, "weight 1");
    expect_combine_error(ctx, nan_w, 2, 0.5, "weight 0");
    expect_combine_error(ctx, zero, 2, 0.5, "sum");
    expect_combine_error(ctx, ok, 2, 1.5, "min_coverage");
    expect_combine_error(ctx, ok, 2, NAN, "min_coverage");
    ws_ctx_clear_error(ctx);
    double out[1];
    assert_int_equal(
        ws_combine_weighted(ctx, NULL, NULL, ok, 2, 1, 0.5, out, NULL),
        WS_ERR_INVALID_ARG);
}

/* --- marks ----------------------------------------------------------- */

static void test_score_to_mark(void **state) {
    (void)state;
    /* 1 + 9*s, rounded to 0.1 */
    assert_double_near(ws_score_to_mark(0.0), 1.0, 0.0);     /* 1 */
    assert_double_near(ws_score_to_mark(1.0), 10.0, 0.0);    /* 10 */
    assert_double_near(ws_score_to_mark(0.5), 5.5, 0.0);     /* 5.5 */
    assert_double_near(ws_score_to_mark(0.3333), 4.0, 0.0);  /* 3.9997 */
    assert_double_near(ws_score_to_mark(1.0 / 3), 4.0, 0.0); /* 4.0 */
    assert_double_near(ws_score_to_mark(0.25), 3.3, 0.0);    /* 3.25 up */
    assert_double_near(ws_score_to_mark(0.7), 7.3, 0.0);     /* 7.3 */
    assert_double_near(ws_score_to_mark(-0.2), 1.0, 0.0);    /* clamped */
    assert_double_near(ws_score_to_mark(1.5), 10.0, 0.0);    /* clamped */
    assert_true(isnan(ws_score_to_mark(NAN)));
}

/* --- ranking --------------------------------------------------------- */

static void test_rank_ties_and_missing(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {5, 7, NAN, 7, 3, 5};
    uint32_t r[6];
    assert_int_equal(ws_rank(ctx, v, NULL, 6, r), WS_OK);
    /* sorted high to low: 7 7 5 5 3 -> ranks 1 1 3 3 5; NaN -> 0 */
    const uint32_t want[] = {3, 1, 0, 1, 5, 3};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(r[i], want[i]);

    /* Group without row 1: 7 5 5 3 -> 1 2 2 4; row 1 -> 0 */
    const bool g[] = {true, false, true, true, true, true};
    assert_int_equal(ws_rank(ctx, v, g, 6, r), WS_OK);
    const uint32_t want_g[] = {2, 0, 0, 1, 4, 2};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(r[i], want_g[i]);
}

static void test_rank_edge_cases(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {NAN, INFINITY, NAN};
    uint32_t r[3] = {9, 9, 9};
    /* no row has a finite value: all 0 */
    assert_int_equal(ws_rank(ctx, v, NULL, 3, r), WS_OK);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(r[i], 0);
    assert_int_equal(ws_rank(ctx, NULL, NULL, 0, NULL), WS_OK);
    const double one[] = {4.2};
    assert_int_equal(ws_rank(ctx, one, NULL, 1, r), WS_OK);
    assert_int_equal(r[0], 1);
    assert_int_equal(ws_rank(ctx, one, NULL, 1, NULL), WS_ERR_INVALID_ARG);
}

/* --- allocation failure ---------------------------------------------- */

static void test_out_of_memory(void **state) {
    (void)state;
    ws_test_alloc fa;
    ws_ctx_options opt;
    ws_test_alloc_install(&fa, &opt);
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_OK);
    long base = fa.live;
    const double v[] = {1, 2, 2, 3};
    double out[4];
    uint8_t om[4];
    uint32_t r[4];
    ws_norm_params p = {WS_NORM_PERCENTILE, WS_DIR_HIGHER_BETTER, 0, 0};

    fa.budget = 0;
    assert_int_equal(ws_normalize(ctx, v, NULL, NULL, 4, &p, out, om),
                     WS_ERR_NOMEM);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws_rank(ctx, v, NULL, 4, r), WS_ERR_NOMEM);
    /* methods without a sorted copy allocate nothing */
    assert_int_equal(ws_normalize(ctx, v, NULL, NULL, 4, &MINMAX_UP, out, om),
                     WS_OK);
    fa.budget = -1;
    assert_int_equal(fa.live, base);

    /* and with memory it works, and frees its copy */
    assert_int_equal(ws_normalize(ctx, v, NULL, NULL, 4, &p, out, om), WS_OK);
    assert_double_near(out[3], 0.875, EPS);
    assert_int_equal(ws_rank(ctx, v, NULL, 4, r), WS_OK);
    assert_int_equal(r[1], 2); /* 3 2 2 1 -> ranks 4 2 2 1 */
    assert_int_equal(fa.live, base);
    ws_ctx_free(ctx);
}

int main(void) {
#define NT(f)                                                                  \
    cmocka_unit_test_setup_teardown(f, ws_test_setup_ctx, ws_test_teardown_ctx)
    const struct CMUnitTest tests[] = {
        NT(test_minmax),
        NT(test_minmax_lower_better),
        NT(test_minmax_all_equal),
        NT(test_missing_keeps_reason),
        NT(test_minmax_reference_subset),
        NT(test_zscore),
        NT(test_zscore_zero_sd),
        NT(test_percentile_ties),
        NT(test_percentile_outside_ref),
        NT(test_threshold_distance),
        NT(test_threshold_higher_better),
        NT(test_no_reference_values),
        NT(test_normalize_errors),
        NT(test_combine_weighted),
        NT(test_combine_nothing_covered),
        NT(test_combine_errors),
        cmocka_unit_test(test_score_to_mark),
        NT(test_rank_ties_and_missing),
        NT(test_rank_edge_cases),
        cmocka_unit_test(test_out_of_memory),
    };
#undef NT
    return cmocka_run_group_tests_name("normalize", tests, NULL, NULL);
}
