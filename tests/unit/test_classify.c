/* Unit tests for the classification of map values (src/classify/): every
 * method on small inputs with the expected breaks worked out by hand, ties
 * and all-equal input, missing values, pooled breaks, ws_classes_find, bad
 * arguments and allocation failures. Class c holds (breaks[c-1], breaks[c]],
 * class 0 starts at min. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wijkscan/classify.h"
#include "wijkscan/context.h"
#include "wijkscan/status.h"
#include "ws_test.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define EPS 1e-12

static ws_classes *classify_ok(ws_ctx *ctx, const double *v, size_t n,
                               ws_class_method method, size_t k) {
    ws_classify_options opt;
    ws_classify_options_init(&opt);
    opt.method = method;
    opt.k = k;
    ws_classes *c = NULL;
    ws_status st = ws_classify(ctx, v, NULL, n, &opt, &c);
    if (st != WS_OK)
        fail_msg("ws_classify: %s", ws_ctx_errmsg(ctx));
    assert_non_null(c);
    return c;
}

static void assert_classes(const ws_classes *c, const double *breaks,
                           const size_t *counts, size_t nclasses) {
    assert_int_equal(c->nclasses, nclasses);
    for (size_t i = 0; i < nclasses; i++) {
        assert_double_near(c->breaks[i], breaks[i], EPS);
        assert_int_equal(c->counts[i], counts[i]);
    }
}

/* --- options ------------------------------------------------------------- */

static void test_options_init(void **state) {
    (void)state;
    ws_classify_options opt;
    memset(&opt, 0xff, sizeof opt);
    ws_classify_options_init(&opt);
    assert_int_equal(opt.method, WS_CLASS_QUANTILE);
    assert_int_equal(opt.k, 5);
    assert_null(opt.manual_breaks);
    assert_int_equal(opt.n_manual, 0);
}

/* k must be 1..12 for every method but manual. */
static void test_k_out_of_range(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2, 3};
    ws_classify_options opt;
    ws_classify_options_init(&opt);
    ws_classes *c = (ws_classes *)&opt; /* must be reset to NULL */
    opt.k = 0;
    assert_int_equal(ws_classify(ctx, v, NULL, 3, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_null(c);
    assert_msg_contains(ctx, "k = 0");
    ws_ctx_clear_error(ctx);
    opt.k = 13;
    opt.method = WS_CLASS_FISHER_JENKS;
    assert_int_equal(ws_classify(ctx, v, NULL, 3, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, "k = 13");
    ws_ctx_clear_error(ctx);
    /* an infinite value is an error, not a class */
    const double inf[] = {1, HUGE_VAL};
    opt.k = 2;
    assert_int_equal(ws_classify(ctx, inf, NULL, 2, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, "value 2 is infinite");
}

/* No values at all (none given, or all missing): zero classes, no error. */
static void test_no_values(void **state) {
    ws_ctx *ctx = *state;
    ws_classes *c = classify_ok(ctx, NULL, 0, WS_CLASS_QUANTILE, 5);
    assert_int_equal(c->nclasses, 0);
    assert_int_equal(c->requested, 5);
    assert_false(c->merged);
    assert_int_equal(ws_classes_find(c, 1.0), -1);
    ws_classes_free(ctx, c);

    const double v[] = {NAN, 4, NAN};
    const uint8_t miss[] = {0, 1, 0};
    ws_classify_options opt;
    ws_classify_options_init(&opt);
    opt.method = WS_CLASS_FISHER_JENKS;
    assert_int_equal(ws_classify(ctx, v, miss, 3, &opt, &c), WS_OK);
    assert_int_equal(c->nclasses, 0);
    ws_classes_free(ctx, c);
    ws_classes_free(ctx, NULL); /* NULL-safe */
}

/* --- quantile ------------------------------------------------------------ */

/* 1..10, k = 5: class i ends after ceil(i*10/5) = 2i values, i.e. at the
 * value 2i: breaks 2, 4, 6, 8, 10 with 2 values each. */
static void test_quantile_1_to_10(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {7, 3, 10, 1, 5, 2, 9, 4, 8, 6};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_QUANTILE, 5);
    const double b[] = {2, 4, 6, 8, 10};
    const size_t n[] = {2, 2, 2, 2, 2};
    assert_classes(c, b, n, 5);
    assert_false(c->merged);
    assert_int_equal(c->requested, 5);
    assert_double_near(c->min, 1, 0);
    assert_double_near(c->max, 10, 0);
    ws_classes_free(ctx, c);
}

/* {1,1,1,1,2,3}, k = 4 (n = 6): the cuts fall after ceil(6/4) = 2,
 * ceil(12/4) = 3 and ceil(18/4) = 5 values. Cuts 2 and 3 land inside the
 * run of four 1s: cutting before the run would leave 0 values, so both snap
 * to after it (break 1). Cut 5 falls after the value 2 (break 2). With the
 * maximum 3 the breaks are 1, 1, 2, 3 → 1, 2, 3: three classes (merged),
 * counts 4, 1, 1 — all the 1s in one class. */
static void test_quantile_ties(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2, 1, 3, 1, 1};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_QUANTILE, 4);
    const double b[] = {1, 2, 3};
    const size_t n[] = {4, 1, 1};
    assert_classes(c, b, n, 3);
    assert_true(c->merged);
    assert_int_equal(c->requested, 4);
    ws_classes_free(ctx, c);
}

/* A run in the middle snaps to its nearer edge: {1,2,3,3,3,3,3,4}, k = 2:
 * the cut after ceil(8/2) = 4 values falls in the run of 3s (positions
 * 3..7 of 8, 1-based). Before the run: 2 values (2 away); after it: 7
 * values (3 away) → break 2, counts 2 and 6. */
static void test_quantile_snap_down(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2, 3, 3, 3, 3, 3, 4};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_QUANTILE, 2);
    const double b[] = {2, 4};
    const size_t n[] = {2, 6};
    assert_classes(c, b, n, 2);
    assert_false(c->merged);
    ws_classes_free(ctx, c);
}

/* All equal: one class holding everything, for every method. */
static void test_all_equal(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {7, 7, 7};
    const ws_class_method m[] = {WS_CLASS_QUANTILE,     WS_CLASS_EQUAL_INTERVAL,
                                 WS_CLASS_FISHER_JENKS, WS_CLASS_PRETTY,
                                 WS_CLASS_HEAD_TAIL,    WS_CLASS_STDDEV};
    for (size_t i = 0; i < N_OF(m); i++) {
        ws_classes *c = classify_ok(ctx, v, N_OF(v), m[i], 5);
        const double b[] = {7};
        const size_t n[] = {3};
        assert_classes(c, b, n, 1);
        assert_true(c->merged);
        assert_int_equal(ws_classes_find(c, 7), 0);
        ws_classes_free(ctx, c);
    }
    /* k = 1 asks for one class: not merged */
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_EQUAL_INTERVAL, 1);
    assert_int_equal(c->nclasses, 1);
    assert_false(c->merged);
    ws_classes_free(ctx, c);
}

/* --- equal interval ------------------------------------------------------ */

/* {0, 10}, k = 5: width 10/5 = 2 → breaks 2, 4, 6, 8, 10; 0 in the first
 * class, 10 in the last, the middle three empty but kept. */
static void test_equal_interval(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {10, 0};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_EQUAL_INTERVAL, 5);
    const double b[] = {2, 4, 6, 8, 10};
    const size_t n[] = {1, 0, 0, 0, 1};
    assert_classes(c, b, n, 5);
    assert_false(c->merged);
    ws_classes_free(ctx, c);
}

/* --- Fisher–Jenks -------------------------------------------------------- */

/* Three tight groups: the optimum puts each group in its own class
 * (within-class SSD 3 × 2 = 6; any other split mixes groups 7+ apart). */
static void test_jenks_obvious(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {20, 1, 11, 2, 22, 3, 10, 21, 12};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_FISHER_JENKS, 3);
    const double b[] = {3, 12, 22};
    const size_t n[] = {3, 3, 3};
    assert_classes(c, b, n, 3);
    assert_false(c->merged);
    ws_classes_free(ctx, c);
}

/* Sum over classes of the squared deviations from the class mean, for
 * sorted x split into classes of the given sizes. */
static double ssd_of(const double *x, const size_t *sizes, size_t k) {
    double total = 0;
    size_t start = 0;
    for (size_t c = 0; c < k; c++) {
        double s = 0;
        for (size_t i = start; i < start + sizes[c]; i++)
            s += x[i];
        double mean = s / (double)sizes[c];
        for (size_t i = start; i < start + sizes[c]; i++)
            total += (x[i] - mean) * (x[i] - mean);
        start += sizes[c];
    }
    return total;
}

/* Brute force: every split of the n sorted values into k non-empty runs. */
static double brute_best(const double *x, size_t n, size_t k, size_t *sizes,
                         size_t c, size_t used) {
    if (c == k - 1) {
        sizes[c] = n - used;
        return ssd_of(x, sizes, k);
    }
    double best = HUGE_VAL;
    for (size_t s = 1; used + s + (k - 1 - c) <= n; s++) {
        sizes[c] = s;
        double t = brute_best(x, n, k, sizes, c + 1, used + s);
        if (t < best)
            best = t;
    }
    return best;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fisher–Jenks reaches the brute-force minimum for k = 1..6 on an uneven
 * set with ties (the brute force may even split ties; it never does
 * better). */
static void test_jenks_brute_force(void **state) {
    ws_ctx *ctx = *state;
    double v[] = {4, 1, 7, 7, 2.5, 9, 15, 3, 16, 22, 7, 30, 2.5, 8.25};
    const size_t n = N_OF(v);
    double x[N_OF(v)];
    memcpy(x, v, sizeof v);
    qsort(x, n, sizeof *x, cmp_d);
    for (size_t k = 1; k <= 6; k++) {
        size_t sizes[12];
        double best = brute_best(x, n, k, sizes, 0, 0);
        ws_classes *c = classify_ok(ctx, v, n, WS_CLASS_FISHER_JENKS, k);
        assert_int_equal(c->nclasses, k);
        assert_double_near(c->breaks[k - 1], 30, 0);
        size_t total = 0;
        for (size_t i = 0; i < k; i++) {
            assert_true(c->counts[i] > 0);
            sizes[i] = c->counts[i];
            total += c->counts[i];
        }
        assert_int_equal(total, n);
        /* the counts describe the split: its SSD is the brute minimum */
        assert_double_near(ssd_of(x, sizes, k), best, 1e-9);
        ws_classes_free(ctx, c);
    }
}

/* Fewer distinct values than classes: each value its own class, merged. */
static void test_jenks_few_distinct(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {5, 1, 5, 1, 9};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_FISHER_JENKS, 4);
    const double b[] = {1, 5, 9};
    const size_t n[] = {2, 2, 1};
    assert_classes(c, b, n, 3);
    assert_true(c->merged);
    ws_classes_free(ctx, c);
}

/* --- pretty -------------------------------------------------------------- */

/* [0.3, 9.7], k = 5: cell = 9.4/5 = 1.88, 10^0 = 1. R's rule: 2 - 1.88 =
 * 0.12 < 1.5 × (1.88 - 1) → unit 2; 5 - 1.88 = 3.12 is not < 2.75 ×
 * (1.88 - 2) < 0 → stays 2. Boundaries 0, 2, …, 10 → upper bounds 2, 4,
 * 6, 8, 10. 0.3 in class 0, 5 in (4, 6] = class 2, 9.7 in class 4. */
static void test_pretty(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {5, 9.7, 0.3};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_PRETTY, 5);
    const double b[] = {2, 4, 6, 8, 10};
    const size_t n[] = {1, 0, 1, 0, 1};
    assert_classes(c, b, n, 5);
    assert_false(c->merged);
    ws_classes_free(ctx, c);

    /* [0, 1], k = 5: cell 0.2, 10^-1 = 0.1; 0.2 - 0.2 = 0 < 1.5 × 0.1 →
     * unit 0.2; 0.5 - 0.2 = 0.3 is not < 2.75 × 0 → 0.2. Breaks 0.2, 0.4,
     * 0.6, 0.8, 1 — exactly the decimal doubles. */
    const double w[] = {0, 0.5, 1};
    c = classify_ok(ctx, w, N_OF(w), WS_CLASS_PRETTY, 5);
    assert_int_equal(c->nclasses, 5);
    assert_true(c->breaks[0] == 0.2 && c->breaks[1] == 0.4 &&
                c->breaks[2] == 0.6 && c->breaks[3] == 0.8 &&
                c->breaks[4] == 1.0);
    assert_int_equal(c->counts[0], 1); /* 0 is the min: first class */
    assert_int_equal(c->counts[2], 1); /* 0.5 in (0.4, 0.6] */
    assert_int_equal(c->counts[4], 1);
    ws_classes_free(ctx, c);
}

/* --- head/tail ----------------------------------------------------------- */

/* {1 ×12, 10, 10, 10, 40}, n = 16, sum 82: mean 5.125; head {10,10,10,40}
 * is 4/16 = 25 % < 40 % → break 5.125. Head: sum 70, mean 17.5; its head
 * {40} is 1/4 = 25 % → break 17.5. {40} has one value → stop. Breaks
 * 5.125, 17.5, 40; counts 12, 3, 1; 3 < 5 classes → merged. */
static void test_head_tail(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 1, 10, 1, 1, 1, 1, 40, 1, 1, 10, 1, 1, 1, 10, 1};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_HEAD_TAIL, 5);
    const double b[] = {5.125, 17.5, 40};
    const size_t n[] = {12, 3, 1};
    assert_classes(c, b, n, 3);
    assert_true(c->merged);
    ws_classes_free(ctx, c);

    /* k = 2 stops after the first split: 5.125, 40; counts 12, 4. */
    c = classify_ok(ctx, v, N_OF(v), WS_CLASS_HEAD_TAIL, 2);
    const double b2[] = {5.125, 40};
    const size_t n2[] = {12, 4};
    assert_classes(c, b2, n2, 2);
    assert_false(c->merged);
    ws_classes_free(ctx, c);

    /* {1,2,3,4}: mean 2.5, head {3,4} is 50 % → no split, one class. */
    const double u[] = {1, 2, 3, 4};
    c = classify_ok(ctx, u, N_OF(u), WS_CLASS_HEAD_TAIL, 3);
    const double b3[] = {4};
    const size_t n3[] = {4};
    assert_classes(c, b3, n3, 1);
    assert_true(c->merged);
    ws_classes_free(ctx, c);
}

/* --- standard deviation -------------------------------------------------- */

/* {2,4,4,4,5,5,7,9}: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 =
 * 32, population sd = sqrt(32/8) = 2.
 * k = 4 (even: the mean is a break): 5-2, 5, 5+2 = 3, 5, 7, then max 9.
 *   counts: {2} | {4,4,4,5,5} | {7} | {9} = 1, 5, 1, 1.
 * k = 5 (odd: ±1 and ±2 sd): 1, 3, 7, 9; 1 < min 2 is clipped, 9 = max is
 *   the last break anyway → 3, 7, 9; counts 1, 6, 1; merged (3 < 5). */
static void test_stddev(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {2, 4, 4, 4, 5, 5, 7, 9};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_STDDEV, 4);
    const double b[] = {3, 5, 7, 9};
    const size_t n[] = {1, 5, 1, 1};
    assert_classes(c, b, n, 4);
    assert_false(c->merged);
    ws_classes_free(ctx, c);

    c = classify_ok(ctx, v, N_OF(v), WS_CLASS_STDDEV, 5);
    const double b5[] = {3, 7, 9};
    const size_t n5[] = {1, 6, 1};
    assert_classes(c, b5, n5, 3);
    assert_true(c->merged);
    assert_int_equal(c->requested, 5);
    ws_classes_free(ctx, c);
}

/* --- manual -------------------------------------------------------------- */

/* Breaks 10, 20, 30, 40 on {5, 12, 35, 38}: 5 → (.., 10], 12 → (10, 20],
 * nothing in (20, 30] (kept, count 0), 35 and 38 → (30, 40]. k is ignored
 * (requested = 4 breaks). */
static void test_manual_empty_class(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {35, 5, 12, 38};
    const double mb[] = {10, 20, 30, 40};
    ws_classify_options opt;
    ws_classify_options_init(&opt);
    opt.method = WS_CLASS_MANUAL;
    opt.k = 0;
    opt.manual_breaks = mb;
    opt.n_manual = N_OF(mb);
    ws_classes *c = NULL;
    assert_int_equal(ws_classify(ctx, v, NULL, N_OF(v), &opt, &c), WS_OK);
    const size_t n[] = {1, 1, 0, 2};
    assert_classes(c, mb, n, 4);
    assert_false(c->merged);
    assert_int_equal(c->requested, 4);
    ws_classes_free(ctx, c);
}

static void test_manual_invalid(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2};
    ws_classify_options opt;
    ws_classify_options_init(&opt);
    opt.method = WS_CLASS_MANUAL;
    ws_classes *c = NULL;

    const double unordered[] = {1, 3, 2};
    opt.manual_breaks = unordered;
    opt.n_manual = 3;
    assert_int_equal(ws_classify(ctx, v, NULL, 2, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_null(c);
    assert_msg_contains(ctx, "manual break 3 (2)");
    ws_ctx_clear_error(ctx);

    const double dup[] = {1, 1};
    opt.manual_breaks = dup;
    opt.n_manual = 2;
    assert_int_equal(ws_classify(ctx, v, NULL, 2, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, "manual break 2");
    ws_ctx_clear_error(ctx);

    const double nonfinite[] = {1, NAN, 3};
    opt.manual_breaks = nonfinite;
    opt.n_manual = 3;
    assert_int_equal(ws_classify(ctx, v, NULL, 2, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, "manual break 2");
    assert_msg_contains(ctx, "not finite");
    ws_ctx_clear_error(ctx);

    opt.n_manual = 0;
    assert_int_equal(ws_classify(ctx, v, NULL, 2, &opt, &c),
                     WS_ERR_INVALID_ARG);
    assert_msg_contains(ctx, "without breaks");
}

/* --- pooled -------------------------------------------------------------- */

/* Two sets (one with a NaN, one with a flagged missing value) classify
 * exactly like their concatenation without the missing values, for every
 * method. */
static void test_pooled_equals_concatenation(void **state) {
    ws_ctx *ctx = *state;
    const double a[] = {1, 5, NAN, 9, 2.5, 40};
    const double b[] = {3, 100, 7, 7, 12};
    const uint8_t mb[] = {0, 1, 0, 0, 0};
    const double all[] = {1, 5, 9, 2.5, 40, 3, 7, 7, 12};
    const double *sets[] = {a, b};
    const uint8_t *miss[] = {NULL, mb};
    const size_t ns[] = {N_OF(a), N_OF(b)};
    const ws_class_method m[] = {WS_CLASS_QUANTILE,     WS_CLASS_EQUAL_INTERVAL,
                                 WS_CLASS_FISHER_JENKS, WS_CLASS_PRETTY,
                                 WS_CLASS_HEAD_TAIL,    WS_CLASS_STDDEV};
    for (size_t i = 0; i < N_OF(m); i++) {
        ws_classify_options opt;
        ws_classify_options_init(&opt);
        opt.method = m[i];
        opt.k = 4;
        ws_classes *p = NULL;
        assert_int_equal(ws_classify_pooled(ctx, sets, miss, ns, 2, &opt, &p),
                         WS_OK);
        ws_classes *c = classify_ok(ctx, all, N_OF(all), m[i], 4);
        assert_int_equal(p->nclasses, c->nclasses);
        assert_true(p->merged == c->merged);
        assert_double_near(p->min, 1, 0);
        assert_double_near(p->max, 40, 0);
        size_t total = 0;
        for (size_t j = 0; j < c->nclasses; j++) {
            assert_double_near(p->breaks[j], c->breaks[j], 0);
            assert_int_equal(p->counts[j], c->counts[j]);
            total += p->counts[j];
        }
        assert_int_equal(total, N_OF(all));
        ws_classes_free(ctx, p);
        ws_classes_free(ctx, c);
    }
    /* no sets at all: zero classes */
    ws_classes *p = NULL;
    assert_int_equal(ws_classify_pooled(ctx, NULL, NULL, NULL, 0, NULL, &p),
                     WS_OK);
    assert_int_equal(p->nclasses, 0);
    ws_classes_free(ctx, p);
    /* an infinite value names its set */
    const double inf[] = {2, -HUGE_VAL};
    const double *bad[] = {a, inf};
    const size_t nb[] = {N_OF(a), N_OF(inf)};
    assert_int_equal(ws_classify_pooled(ctx, bad, NULL, nb, 2, NULL, &p),
                     WS_ERR_INVALID_ARG);
    assert_null(p);
    assert_msg_contains(ctx, "value 2 of set 2");
}

/* --- find and missing values --------------------------------------------- */

/* On 1..10 quantiles (breaks 2, 4, 6, 8, 10): a break value belongs to the
 * class it closes; just above it, the next. Below min → 0, above max →
 * the last class, NaN → -1. */
static void test_find(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ws_classes *c = classify_ok(ctx, v, N_OF(v), WS_CLASS_QUANTILE, 5);
    assert_int_equal(ws_classes_find(c, 1), 0);
    assert_int_equal(ws_classes_find(c, 2), 0);
    assert_int_equal(ws_classes_find(c, 2.000001), 1);
    assert_int_equal(ws_classes_find(c, 4), 1);
    assert_int_equal(ws_classes_find(c, 8), 3);
    assert_int_equal(ws_classes_find(c, 8.5), 4);
    assert_int_equal(ws_classes_find(c, 10), 4);
    assert_int_equal(ws_classes_find(c, -100), 0);
    assert_int_equal(ws_classes_find(c, 1e9), 4);
    assert_int_equal(ws_classes_find(c, NAN), -1);
    assert_int_equal(ws_classes_find(NULL, 3), -1);
    ws_classes_free(ctx, c);
}

/* {1, 2, 1000 (flagged missing), NaN, 3}: only 1, 2, 3 are classified:
 * max 3, equal interval k = 3 → breaks 1 + 2/3·i = 1.667, 2.333, 3; the
 * counts sum to 3. */
static void test_missing_excluded(void **state) {
    ws_ctx *ctx = *state;
    const double v[] = {1, 2, 1000, NAN, 3};
    const uint8_t miss[] = {0, 0, 1, 0, 0};
    ws_classify_options opt;
    ws_classify_options_init(&opt);
    opt.method = WS_CLASS_EQUAL_INTERVAL;
    opt.k = 3;
    ws_classes *c = NULL;
    assert_int_equal(ws_classify(ctx, v, miss, N_OF(v), &opt, &c), WS_OK);
    const double b[] = {1 + 2.0 / 3, 1 + 4.0 / 3, 3};
    const size_t n[] = {1, 1, 1};
    assert_classes(c, b, n, 3);
    assert_double_near(c->min, 1, 0);
    assert_double_near(c->max, 3, 0);
    ws_classes_free(ctx, c);
}

/* --- allocation failures ------------------------------------------------- */

/* Every allocation of every method fails in turn: WS_ERR_NOMEM, nothing
 * leaked, *out NULL; with enough budget the call succeeds. */
static void test_alloc_failures(void **state) {
    (void)state;
    const double v[] = {4, 1, 7, 7, 2.5, 9, 15, 3, 16, 22};
    for (int method = WS_CLASS_QUANTILE; method <= WS_CLASS_STDDEV; method++) {
        bool succeeded = false;
        for (long budget = 0; budget < 40 && !succeeded; budget++) {
            ws_test_alloc fa;
            ws_ctx_options copt;
            ws_test_alloc_install(&fa, &copt);
            ws_ctx *ctx = NULL;
            assert_int_equal(ws_ctx_new(&copt, &ctx), WS_OK);
            long base = fa.live;
            fa.budget = budget;
            ws_classify_options opt;
            ws_classify_options_init(&opt);
            opt.method = (ws_class_method)method;
            opt.k = 3;
            ws_classes *c = NULL;
            ws_status st = ws_classify(ctx, v, NULL, N_OF(v), &opt, &c);
            if (st == WS_OK) {
                succeeded = true;
                assert_true(c->nclasses > 0);
                ws_classes_free(ctx, c);
            } else {
                assert_int_equal(st, WS_ERR_NOMEM);
                assert_null(c);
            }
            assert_int_equal(fa.live, base);
            ws_ctx_free(ctx);
        }
        assert_true(succeeded);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init),
        cmocka_unit_test_setup_teardown(test_k_out_of_range, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_no_values, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_quantile_1_to_10, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_quantile_ties, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_quantile_snap_down, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_all_equal, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_equal_interval, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_jenks_obvious, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_jenks_brute_force, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_jenks_few_distinct, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_pretty, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_head_tail, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_stddev, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_manual_empty_class, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_manual_invalid, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_pooled_equals_concatenation,
                                        ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(test_find, ws_test_setup_ctx,
                                        ws_test_teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_missing_excluded, ws_test_setup_ctx, ws_test_teardown_ctx),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
