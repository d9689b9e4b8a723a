/* Unit tests for the static 2-d tree (src/access/kdtree.c): hand-worked
 * cases with exact distances (3-4-5 triangles), degenerate inputs (empty,
 * one point, identical, collinear, duplicates), tie-breaking on the lowest
 * original index, the inclusive radius of count_within, input errors,
 * allocation failure, and a seeded randomized comparison with brute force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ws_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/access/kdtree.h"
#include "../../src/core/core_internal.h"

/* ------------------------------------------------------------------------ */
/* Fixtures and helpers                                                      */

#define setup_ctx ws_test_setup_ctx
#define teardown_ctx ws_test_teardown_ctx

static ws_kdtree *build_ok(ws_ctx *ctx, const double *x, const double *y,
                           size_t n) {
    ws_kdtree *t = NULL;
    assert_int_equal(ws__kdtree_build(ctx, x, y, n, &t), WS_OK);
    assert_non_null(t);
    assert_int_equal(ws__kdtree_size(t), n);
    return t;
}

/* Assert that the nearest point to (qx,qy) is want_index at distance
 * want_dist, compared exactly. */
static void expect_nearest(const ws_kdtree *t, double qx, double qy,
                           size_t want_index, double want_dist) {
    size_t index = SIZE_MAX;
    double dist = -1.0;
    assert_true(ws__kdtree_nearest(t, qx, qy, &index, &dist));
    if (index != want_index || dist != want_dist)
        print_error("query (%.17g, %.17g): got index %zu dist %.17g, "
                    "want index %zu dist %.17g\n",
                    qx, qy, index, dist, want_index, want_dist);
    assert_int_equal(index, want_index);
    assert_true(dist == want_dist);
}

static double rng_range(uint64_t *s, double lo, double hi) {
    return lo + (hi - lo) * ws__rng_unit(s);
}

static size_t rng_below(uint64_t *s, size_t n) {
    return (size_t)(ws__rng_next(s) % (uint64_t)n);
}

/* Roughly normal offset (Irwin-Hall of three uniforms), standard dev ~sd. */
static double rng_bump(uint64_t *s, double sd) {
    return (ws__rng_unit(s) + ws__rng_unit(s) + ws__rng_unit(s) - 1.5) * 2.0 *
           sd;
}

/* Same arithmetic as the tree: the lowest index wins ties. */
static void brute_nearest(const double *x, const double *y, size_t n, double qx,
                          double qy, size_t *index, double *dist) {
    double best = INFINITY;
    size_t bi = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - qx, dy = y[i] - qy;
        double d2 = dx * dx + dy * dy;
        if (d2 < best) {
            best = d2;
            bi = i;
        }
    }
    *index = bi;
    *dist = sqrt(best);
}

/* The distance as the tree computes it (not hypot(), which rounds
 * differently). */
static double hypot_like(double dx, double dy) {
    return sqrt(dx * dx + dy * dy);
}

static size_t brute_count(const double *x, const double *y, size_t n, double qx,
                          double qy, double r) {
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (hypot_like(x[i] - qx, y[i] - qy) <= r)
            count++;
    }
    return count;
}

/* ------------------------------------------------------------------------ */
/* Hand-worked cases                                                         */

/* A(0,0) B(20,0) C(0,20) D(20,20) E(10,10). */
static const double five_x[] = {0, 20, 0, 20, 10};
static const double five_y[] = {0, 0, 20, 20, 10};

static void test_five_points(void **state) {
    ws_kdtree *t = build_ok(*state, five_x, five_y, 5);
    expect_nearest(t, 3, 4, 0, 5.0);     /* A, 3-4-5 */
    expect_nearest(t, 23, 24, 3, 5.0);   /* D, 3-4-5 outside the box */
    expect_nearest(t, 13, 14, 4, 5.0);   /* E, 3-4-5 */
    expect_nearest(t, -6, -8, 0, 10.0);  /* A, 6-8-10 */
    expect_nearest(t, 20, -5, 1, 5.0);   /* B, straight below */
    expect_nearest(t, -12, 25, 2, 13.0); /* C, 12-5-13 */
    expect_nearest(t, 10, 10, 4, 0.0);   /* on E */
    /* (10,0) is at 10 from A, B and E: the lowest index wins */
    expect_nearest(t, 10, 0, 0, 10.0);
    /* (20,10) is at 10 from B, D and E */
    expect_nearest(t, 20, 10, 1, 10.0);
    ws__kdtree_free(*state, t);
}

static void test_five_points_count(void **state) {
    ws_kdtree *t = build_ok(*state, five_x, five_y, 5);
    assert_int_equal(ws__kdtree_count_within(t, 10, 0, 10.0), 3);
    assert_int_equal(ws__kdtree_count_within(t, 10, 0, nextafter(10.0, 0.0)),
                     0);
    assert_int_equal(ws__kdtree_count_within(t, 10, 10, 0.0), 1);
    /* E at 0, A B C D at sqrt(200) = 14.142135623730951 */
    assert_int_equal(ws__kdtree_count_within(t, 10, 10, 14.142), 1);
    assert_int_equal(ws__kdtree_count_within(t, 10, 10, sqrt(200.0)), 5);
    assert_int_equal(ws__kdtree_count_within(t, 10, 10, 1e300), 5);
    assert_int_equal(ws__kdtree_count_within(t, 10, 10, INFINITY), 5);
    ws__kdtree_free(*state, t);
}

static void test_empty_tree(void **state) {
    ws_kdtree *t = build_ok(*state, NULL, NULL, 0);
    size_t index = 77;
    double dist = -1.0;
    assert_false(ws__kdtree_nearest(t, 0, 0, &index, &dist));
    assert_int_equal(index, 77);
    assert_true(dist == -1.0);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, 1e9), 0);
    ws__kdtree_free(*state, t);

    /* NULL tree behaves like an empty one; freeing NULL is harmless */
    assert_int_equal(ws__kdtree_size(NULL), 0);
    assert_false(ws__kdtree_nearest(NULL, 0, 0, &index, &dist));
    assert_int_equal(ws__kdtree_count_within(NULL, 0, 0, 1.0), 0);
    ws__kdtree_free(*state, NULL);
}

static void test_one_point(void **state) {
    const double x[] = {155000.0}, y[] = {463000.0};
    ws_kdtree *t = build_ok(*state, x, y, 1);
    expect_nearest(t, 155000.0, 463000.0, 0, 0.0);
    expect_nearest(t, 155300.0, 463400.0, 0, 500.0);
    expect_nearest(t, 154400.0, 462200.0, 0, 1000.0);
    /* either output may be NULL */
    size_t index = 9;
    assert_true(ws__kdtree_nearest(t, 0, 0, &index, NULL));
    assert_int_equal(index, 0);
    assert_true(ws__kdtree_nearest(t, 0, 0, NULL, NULL));
    assert_int_equal(ws__kdtree_count_within(t, 155300.0, 463400.0, 500.0), 1);
    assert_int_equal(
        ws__kdtree_count_within(t, 155300.0, 463400.0, 499.99999999), 0);
    ws__kdtree_free(*state, t);
}

static void test_all_identical(void **state) {
    enum { N = 1000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < N; i++) {
        x[i] = 5.0;
        y[i] = 5.0;
    }
    ws_kdtree *t = build_ok(*state, x, y, N);
    expect_nearest(t, 5, 5, 0, 0.0);
    expect_nearest(t, 8, 9, 0, 5.0);
    expect_nearest(t, -7, 0, 0, 13.0);
    assert_int_equal(ws__kdtree_count_within(t, 8, 9, 5.0), N);
    assert_int_equal(ws__kdtree_count_within(t, 8, 9, 4.999999), 0);
    ws__kdtree_free(*state, t);
    free(x);
    free(y);
}

/* Points on a line, stored in descending order so that tree order and input
 * order disagree: x[i] = 999 - i on y = 0. */
static void test_collinear(void **state) {
    enum { N = 1000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)(N - 1 - i);
        y[i] = 0.0;
    }
    ws_kdtree *t = build_ok(*state, x, y, N);
    expect_nearest(t, 10, 3, 989, 3.0);    /* x = 10 */
    expect_nearest(t, 13, 4, 986, 4.0);    /* x = 13 */
    expect_nearest(t, -3, 4, 999, 5.0);    /* x = 0, 3-4-5 */
    expect_nearest(t, 1002, -4, 0, 5.0);   /* x = 999, 3-4-5 */
    expect_nearest(t, 2000, 0, 0, 1001.0); /* beyond the end */
    /* halfway between x = 500 (index 499) and x = 501 (index 498) */
    expect_nearest(t, 500.5, 0, 498, 0.5);
    expect_nearest(t, 500.5, 7, 498, sqrt(49.25));
    assert_int_equal(ws__kdtree_count_within(t, 500.5, 0, 0.5), 2);
    assert_int_equal(ws__kdtree_count_within(t, 500, 0, 10.0), 21);
    assert_int_equal(ws__kdtree_count_within(t, 500, 3, 5.0), 9); /* 496..504 */
    ws__kdtree_free(*state, t);

    /* the same line standing vertically */
    t = build_ok(*state, y, x, N);
    expect_nearest(t, 4, 13, 986, 4.0);
    expect_nearest(t, 0, 500.5, 498, 0.5);
    ws__kdtree_free(*state, t);
    free(x);
    free(y);
}

static void test_query_on_point(void **state) {
    const double x[] = {1.5, -2.25, 1e5, 3.0, 155000.125};
    const double y[] = {2.5, 7.75, -1e5, 3.0, 463000.375};
    ws_kdtree *t = build_ok(*state, x, y, 5);
    for (size_t i = 0; i < 5; i++)
        expect_nearest(t, x[i], y[i], i, 0.0);
    ws__kdtree_free(*state, t);
}

/* Duplicates of the winning point at indices 25, 13 and 29 (built in that
 * order): the lowest, 13, must win, also through a tree with several
 * leaves. */
static void test_duplicates_tie(void **state) {
    enum { N = 40 };
    double x[N], y[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = 100.0 + (double)(i % 7) * 10.0;
        y[i] = 100.0 + (double)(i / 7) * 10.0;
    }
    const size_t dup[] = {25, 13, 29};
    for (size_t k = 0; k < 3; k++) {
        x[dup[k]] = 1.0;
        y[dup[k]] = 1.0;
    }
    ws_kdtree *t = build_ok(*state, x, y, N);
    expect_nearest(t, 1, 1, 13, 0.0);
    expect_nearest(t, 4, 5, 13, 5.0);
    expect_nearest(t, -2, -3, 13, 5.0);
    assert_int_equal(ws__kdtree_count_within(t, 4, 5, 5.0), 3);
    ws__kdtree_free(*state, t);
}

/* Distinct points all at distance 5 from the origin (plus farther ones):
 * the lowest index among them wins whatever the tree order. */
static void test_equidistant_tie(void **state) {
    const double x[] = {50, 3, -3, 40, 4, -5, 0, 0, 30};
    const double y[] = {50, 4, 4, 40, -3, 0, 5, -5, 30};
    ws_kdtree *t = build_ok(*state, x, y, 9);
    expect_nearest(t, 0, 0, 1, 5.0);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, 5.0), 6);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, nextafter(5.0, 0.0)), 0);
    ws__kdtree_free(*state, t);
}

/* count_within is inclusive at exactly r, and r = the reported distance
 * always counts the nearest point. */
static void test_count_boundary(void **state) {
    const double x[] = {0, 3, 6, -0.1};
    const double y[] = {0, 4, 8, 0.2};
    ws_kdtree *t = build_ok(*state, x, y, 4);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, 5.0), 3);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, nextafter(5.0, 0.0)), 2);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, 10.0), 4);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, 0.0), 1);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, -1.0), 0);
    assert_int_equal(ws__kdtree_count_within(t, 0, 0, NAN), 0);
    /* -0.1, 0.2 is at sqrt(0.05) with rounding: use the reported distance */
    size_t index;
    double dist;
    assert_true(ws__kdtree_nearest(t, 0.2, -0.3, &index, &dist));
    assert_int_equal(index, 0);
    assert_int_equal(ws__kdtree_count_within(t, 0.2, -0.3, dist), 1);
    assert_true(ws__kdtree_nearest(t, -0.1, 0.25, &index, &dist));
    assert_int_equal(index, 3);
    assert_int_equal(ws__kdtree_count_within(t, -0.1, 0.25, dist), 1);
    ws__kdtree_free(*state, t);
}

static void test_nonfinite_query(void **state) {
    ws_kdtree *t = build_ok(*state, five_x, five_y, 5);
    size_t index = 42;
    assert_false(ws__kdtree_nearest(t, NAN, 0, &index, NULL));
    assert_false(ws__kdtree_nearest(t, 0, INFINITY, &index, NULL));
    assert_int_equal(index, 42);
    assert_int_equal(ws__kdtree_count_within(t, NAN, 0, 10.0), 0);
    assert_int_equal(ws__kdtree_count_within(t, 0, -INFINITY, 10.0), 0);
    ws__kdtree_free(*state, t);
}

/* Squared distances that overflow are +inf, not NaN: they still compare,
 * and a tie at infinity goes to the lowest index like any other. */
static void test_huge_coordinates(void **state) {
    enum { N = 50 };
    double x[N], y[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = (i % 2 ? -1e300 : 1e300) / (double)(i + 1);
        y[i] = 1e300 / (double)(i + 1);
    }
    ws_kdtree *t = build_ok(*state, x, y, N);
    expect_nearest(t, x[7], y[7], 7, 0.0);
    expect_nearest(t, -1e300, -1e300, 0, INFINITY);
    assert_int_equal(ws__kdtree_count_within(t, -1e300, -1e300, 1e300), 0);
    assert_int_equal(ws__kdtree_count_within(t, -1e300, -1e300, INFINITY), N);
    ws__kdtree_free(*state, t);
}

/* The tree keeps its own copy: the inputs may be freed after the build. */
static void test_inputs_copied(void **state) {
    enum { N = 100 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)i * 3.0;
        y[i] = (double)i * 4.0;
    }
    ws_kdtree *t = build_ok(*state, x, y, N);
    free(x);
    free(y);
    expect_nearest(t, 0, 0, 0, 0.0);
    expect_nearest(t, 297, 396, 99, 0.0);
    expect_nearest(t, 303, 404, 99, 10.0);
    ws__kdtree_free(*state, t);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

static void test_nan_input(void **state) {
    ws_ctx *ctx = *state;
    double x[] = {0, 1, 2, 3, 4};
    double y[] = {0, 1, 2, NAN, 4};
    ws_kdtree *t = (ws_kdtree *)&t; /* must be reset to NULL */
    assert_int_equal(ws__kdtree_build(ctx, x, y, 5, &t), WS_ERR_DATA);
    assert_null(t);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_DATA);
    assert_non_null(strstr(ws_ctx_errmsg(ctx), "point 3"));
    ws_ctx_clear_error(ctx);

    y[3] = 3;
    x[4] = -INFINITY;
    assert_int_equal(ws__kdtree_build(ctx, x, y, 5, &t), WS_ERR_DATA);
    assert_null(t);
    assert_non_null(strstr(ws_ctx_errmsg(ctx), "point 4"));
}

static void test_invalid_args(void **state) {
    ws_ctx *ctx = *state;
    const double x[] = {1}, y[] = {2};
    ws_kdtree *t = NULL;
    assert_int_equal(ws__kdtree_build(ctx, x, y, 1, NULL), WS_ERR_INVALID_ARG);
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__kdtree_build(ctx, NULL, y, 1, &t), WS_ERR_INVALID_ARG);
    assert_null(t);
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__kdtree_build(ctx, x, NULL, 1, &t), WS_ERR_INVALID_ARG);
    assert_null(t);
    assert_int_equal(ws__kdtree_build(NULL, x, y, 1, &t), WS_ERR_INVALID_ARG);
}

static void test_out_of_memory(void **state) {
    (void)state;
    enum { N = 500 };
    double x[N], y[N];
    uint64_t seed = 7;
    for (size_t i = 0; i < N; i++) {
        x[i] = rng_range(&seed, 0, 1000);
        y[i] = rng_range(&seed, 0, 1000);
    }
    ws_test_alloc fa;
    ws_ctx_options opt;
    ws_test_alloc_install(&fa, &opt);
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_OK);
    long base = fa.live;
    bool succeeded = false;
    for (long budget = 0; budget < 10 && !succeeded; budget++) {
        ws_ctx_clear_error(ctx);
        fa.budget = budget;
        ws_kdtree *t = NULL;
        ws_status st = ws__kdtree_build(ctx, x, y, N, &t);
        fa.budget = -1;
        if (st == WS_OK) {
            succeeded = true;
            expect_nearest(t, x[17], y[17], 17, 0.0);
            ws__kdtree_free(ctx, t);
        } else {
            assert_int_equal(st, WS_ERR_NOMEM);
            assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
            assert_null(t);
        }
        assert_int_equal(fa.live, base); /* nothing leaked */
    }
    assert_true(succeeded);
    ws_ctx_free(ctx);
}

/* ------------------------------------------------------------------------ */
/* Randomized comparison with brute force                                    */

enum { RAND_POINTS = 20000, RAND_QUERIES = 5000, RAND_COUNT_QUERIES = 1000 };

/* A mix that stresses pruning and ties: uniform points over an RD-like
 * extent, tight clusters, points on an integer grid (many equidistant
 * neighbours), hundreds of points stacked on a few exact spots (whole
 * leaves of identical points) and duplicates of earlier points. */
static void make_points(uint64_t *seed, double *x, double *y, size_t n) {
    double cx[40], cy[40];
    for (size_t c = 0; c < 40; c++) {
        cx[c] = rng_range(seed, 10000, 280000);
        cy[c] = rng_range(seed, 300000, 620000);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned kind = (unsigned)rng_below(seed, 10);
        if (kind < 3) { /* uniform */
            x[i] = rng_range(seed, 10000, 280000);
            y[i] = rng_range(seed, 300000, 620000);
        } else if (kind < 6) { /* clustered, some very tight */
            size_t c = rng_below(seed, 40);
            double sd = (c % 4 == 0) ? 0.5 : 300.0;
            x[i] = cx[c] + rng_bump(seed, sd);
            y[i] = cy[c] + rng_bump(seed, sd);
        } else if (kind < 8) { /* grid of 10 m around a cluster centre */
            size_t c = rng_below(seed, 40);
            x[i] = floor(cx[c]) + 10.0 * (double)rng_below(seed, 30);
            y[i] = floor(cy[c]) + 10.0 * (double)rng_below(seed, 30);
        } else if (kind < 9 && i % 2 == 0) { /* stacked on a few hot spots */
            size_t c = rng_below(seed, 5);
            x[i] = cx[c] + 0.25;
            y[i] = cy[c] - 0.75;
        } else if (i > 0) { /* duplicate of an earlier point */
            size_t j = rng_below(seed, i);
            x[i] = x[j];
            y[i] = y[j];
        } else {
            x[i] = 155000.0;
            y[i] = 463000.0;
        }
    }
}

static void make_query(uint64_t *seed, const double *x, const double *y,
                       size_t n, double *qx, double *qy) {
    size_t j = rng_below(seed, n);
    switch (rng_below(seed, 5)) {
    case 0: /* anywhere, also well outside the data */
        *qx = rng_range(seed, -50000, 350000);
        *qy = rng_range(seed, 250000, 700000);
        break;
    case 1: /* exactly on a point */
        *qx = x[j];
        *qy = y[j];
        break;
    case 2: /* near a point */
        *qx = x[j] + rng_bump(seed, 20.0);
        *qy = y[j] + rng_bump(seed, 20.0);
        break;
    case 3: /* on a 5 m lattice: equidistant from grid points */
        *qx = floor(x[j]) + 5.0 * (double)rng_below(seed, 3);
        *qy = floor(y[j]) + 5.0 * (double)rng_below(seed, 3);
        break;
    default: /* 3-4-5 away from a point */
        *qx = x[j] + 3.0 * (double)rng_below(seed, 4);
        *qy = y[j] + 4.0 * (double)rng_below(seed, 4);
        break;
    }
}

static void test_random_vs_brute_force(void **state) {
    ws_ctx *ctx = *state;
    double *x = malloc(RAND_POINTS * sizeof *x);
    double *y = malloc(RAND_POINTS * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t seed = 0x5EED2024u;
    make_points(&seed, x, y, RAND_POINTS);

    /* several sizes: single leaf, a few levels, the full set */
    const size_t sizes[] = {1, 7, 13, 100, 1000, RAND_POINTS};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        ws_kdtree *t = build_ok(ctx, x, y, n);
        size_t queries = n == RAND_POINTS ? RAND_QUERIES : 500;
        for (size_t q = 0; q < queries; q++) {
            double qx, qy, want_dist;
            size_t want_index;
            make_query(&seed, x, y, n, &qx, &qy);
            brute_nearest(x, y, n, qx, qy, &want_index, &want_dist);
            expect_nearest(t, qx, qy, want_index, want_dist);
        }
        ws__kdtree_free(ctx, t);
    }

    ws_kdtree *t = build_ok(ctx, x, y, RAND_POINTS);
    const double radii[] = {0.0, 5.0, 10.0, 250.0, 1000.0, 5000.0};
    for (size_t q = 0; q < RAND_COUNT_QUERIES; q++) {
        double qx, qy, dist;
        size_t index;
        make_query(&seed, x, y, RAND_POINTS, &qx, &qy);
        double r = radii[q % (sizeof radii / sizeof radii[0])];
        size_t want = brute_count(x, y, RAND_POINTS, qx, qy, r);
        size_t got = ws__kdtree_count_within(t, qx, qy, r);
        if (got != want)
            print_error("count (%.17g, %.17g) r=%g: got %zu want %zu\n", qx, qy,
                        r, got, want);
        assert_int_equal(got, want);
        /* the reported nearest distance is always within reach */
        assert_true(ws__kdtree_nearest(t, qx, qy, &index, &dist));
        assert_int_equal(ws__kdtree_count_within(t, qx, qy, dist),
                         brute_count(x, y, RAND_POINTS, qx, qy, dist));
        /* radii exactly at, and one ulp short of, some point's distance */
        size_t j = rng_below(&seed, RAND_POINTS);
        double dj = hypot_like(x[j] - qx, y[j] - qy);
        assert_int_equal(ws__kdtree_count_within(t, qx, qy, dj),
                         brute_count(x, y, RAND_POINTS, qx, qy, dj));
        dj = nextafter(dj, 0.0);
        assert_int_equal(ws__kdtree_count_within(t, qx, qy, dj),
                         brute_count(x, y, RAND_POINTS, qx, qy, dj));
    }
    ws__kdtree_free(ctx, t);
    free(x);
    free(y);
}

int main(void) {
#define KD_TEST(f) cmocka_unit_test_setup_teardown(f, setup_ctx, teardown_ctx)
    const struct CMUnitTest tests[] = {
        KD_TEST(test_five_points),
        KD_TEST(test_five_points_count),
        KD_TEST(test_empty_tree),
        KD_TEST(test_one_point),
        KD_TEST(test_all_identical),
        KD_TEST(test_collinear),
        KD_TEST(test_query_on_point),
        KD_TEST(test_duplicates_tie),
        KD_TEST(test_equidistant_tie),
        KD_TEST(test_count_boundary),
        KD_TEST(test_nonfinite_query),
        KD_TEST(test_inputs_copied),
        KD_TEST(test_huge_coordinates),
        KD_TEST(test_nan_input),
        KD_TEST(test_invalid_args),
        cmocka_unit_test(test_out_of_memory),
        KD_TEST(test_random_vs_brute_force),
    };
#undef KD_TEST
    return cmocka_run_group_tests_name("kdtree", tests, NULL, NULL);
}
