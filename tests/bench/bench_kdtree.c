/* Benchmark of the static 2-d tree (src/access/kdtree.c); a plain program,
 * not a test. For 1 k, 100 k and 1 M amenity points it measures the build
 * time and the throughput of 1 M nearest-neighbour queries, both in a
 * spatially sorted order (Morton order, like dwellings read by postcode or
 * tile) and in random order, plus 1 M count_within queries with r = 1 km.
 * Each figure is the median of 5 runs.
 *
 * Points and queries imitate the Netherlands in RD New metres: 70 % in 40
 * "towns" (roughly normal, sd 3 km), 30 % uniform over the national extent.
 *
 * Usage: bench_kdtree [queries]   (default 1000000) */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/access/kdtree.h"
#include "../../src/core/core_internal.h"

enum { RUNS = 5, TOWNS = 40 };

static const double kMinX = 10000.0, kMaxX = 280000.0;
static const double kMinY = 300000.0, kMaxY = 620000.0;

/* ------------------------------------------------------------------------ */
/* Data                                                                      */

static double rng_range(uint64_t *s, double lo, double hi) {
    return lo + (hi - lo) * ws__rng_unit(s);
}

static double rng_bump(uint64_t *s, double sd) {
    return (ws__rng_unit(s) + ws__rng_unit(s) + ws__rng_unit(s) - 1.5) * 2.0 *
           sd;
}

static void make_points(uint64_t seed, double *x, double *y, size_t n) {
    uint64_t town_seed = 12345; /* the same towns for points and queries */
    double tx[TOWNS], ty[TOWNS];
    for (size_t c = 0; c < TOWNS; c++) {
        tx[c] = rng_range(&town_seed, kMinX + 20000, kMaxX - 20000);
        ty[c] = rng_range(&town_seed, kMinY + 20000, kMaxY - 20000);
    }
    for (size_t i = 0; i < n; i++) {
        if (ws__rng_unit(&seed) < 0.7) {
            size_t c = (size_t)(ws__rng_next(&seed) % TOWNS);
            x[i] = tx[c] + rng_bump(&seed, 3000.0);
            y[i] = ty[c] + rng_bump(&seed, 3000.0);
        } else {
            x[i] = rng_range(&seed, kMinX, kMaxX);
            y[i] = rng_range(&seed, kMinY, kMaxY);
        }
    }
}

typedef struct keyed_point {
    uint64_t key;
    double x, y;
} keyed_point;

/* Interleave the bits of two 32-bit cell numbers (Morton / Z order). */
static uint64_t morton(uint32_t a, uint32_t b) {
    uint64_t key = 0;
    for (unsigned bit = 0; bit < 32; bit++) {
        key |= (uint64_t)((a >> bit) & 1u) << (2 * bit);
        key |= (uint64_t)((b >> bit) & 1u) << (2 * bit + 1);
    }
    return key;
}

static int compare_keys(const void *pa, const void *pb) {
    const keyed_point *a = pa, *b = pb;
    return (a->key > b->key) - (a->key < b->key);
}

/* Sort the queries along a Z curve of 10 m cells. */
static int sort_spatially(double *x, double *y, size_t n) {
    keyed_point *kp = malloc(n * sizeof *kp);
    if (!kp)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t cx = (uint32_t)((x[i] - kMinX + 1e6) / 10.0);
        uint32_t cy = (uint32_t)((y[i] - kMinY + 1e6) / 10.0);
        kp[i] = (keyed_point){morton(cx, cy), x[i], y[i]};
    }
    qsort(kp, n, sizeof *kp, compare_keys);
    for (size_t i = 0; i < n; i++) {
        x[i] = kp[i].x;
        y[i] = kp[i].y;
    }
    free(kp);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                    */

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare_doubles(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double median(double *v, size_t n) {
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Results are folded into this so the compiler cannot drop the queries. */
static volatile double g_sink;

static double time_build(ws_ctx *ctx, const double *x, const double *y,
                         size_t n, ws_kdtree **keep) {
    double t0 = now_seconds();
    ws_kdtree *t = NULL;
    if (ws__kdtree_build(ctx, x, y, n, &t) != WS_OK) {
        fprintf(stderr, "build failed: %s\n", ws_ctx_errmsg(ctx));
        exit(EXIT_FAILURE);
    }
    double elapsed = now_seconds() - t0;
    if (*keep)
        ws__kdtree_free(ctx, t);
    else
        *keep = t;
    return elapsed;
}

static double time_nearest(const ws_kdtree *t, const double *qx,
                           const double *qy, size_t nq) {
    double sum = 0.0;
    double t0 = now_seconds();
    for (size_t i = 0; i < nq; i++) {
        size_t index;
        double dist;
        if (ws__kdtree_nearest(t, qx[i], qy[i], &index, &dist))
            sum += dist + (double)index;
    }
    double elapsed = now_seconds() - t0;
    g_sink = g_sink + sum;
    return elapsed;
}

static double time_count(const ws_kdtree *t, const double *qx, const double *qy,
                         size_t nq, double r, double *mean_count) {
    size_t total = 0;
    double t0 = now_seconds();
    for (size_t i = 0; i < nq; i++)
        total += ws__kdtree_count_within(t, qx[i], qy[i], r);
    double elapsed = now_seconds() - t0;
    *mean_count = (double)total / (double)nq;
    g_sink = g_sink + (double)total;
    return elapsed;
}

/* ------------------------------------------------------------------------ */

static void bench_size(ws_ctx *ctx, size_t n, const double *sx,
                       const double *sy, const double *rx, const double *ry,
                       size_t nq) {
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!x || !y) {
        fprintf(stderr, "out of memory\n");
        exit(EXIT_FAILURE);
    }
    make_points(0xA11CE + n, x, y, n);

    double build[RUNS], sorted[RUNS], shuffled[RUNS], count[RUNS];
    double mean_count = 0.0;
    ws_kdtree *t = NULL;
    for (size_t r = 0; r < RUNS; r++)
        build[r] = time_build(ctx, x, y, n, &t);
    for (size_t r = 0; r < RUNS; r++) {
        sorted[r] = time_nearest(t, sx, sy, nq);
        shuffled[r] = time_nearest(t, rx, ry, nq);
        count[r] = time_count(t, sx, sy, nq, 1000.0, &mean_count);
    }
    ws__kdtree_free(ctx, t);
    free(x);
    free(y);

    double b = median(build, RUNS), s = median(sorted, RUNS);
    double u = median(shuffled, RUNS), c = median(count, RUNS);
    double q = (double)nq;
    printf("%9zu %10.2f %10.1f %8.1f %10.1f %8.1f %10.1f %8.1f %7.1f\n", n,
           b * 1e3, s * 1e9 / q, q / s * 1e-6, u * 1e9 / q, q / u * 1e-6,
           c * 1e9 / q, q / c * 1e-6, mean_count);
}

int main(int argc, char **argv) {
    size_t nq = 1000000;
    if (argc > 1) {
        char *end = NULL;
        unsigned long long v = strtoull(argv[1], &end, 10);
        if (!end || *end != '\0' || v == 0) {
            fprintf(stderr, "usage: %s [queries]\n", argv[0]);
            return EXIT_FAILURE;
        }
        nq = (size_t)v;
    }
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(NULL, &ctx) != WS_OK) {
        fprintf(stderr, "cannot create context\n");
        return EXIT_FAILURE;
    }
    double *sx = malloc(nq * sizeof *sx), *sy = malloc(nq * sizeof *sy);
    double *rx = malloc(nq * sizeof *rx), *ry = malloc(nq * sizeof *ry);
    if (!sx || !sy || !rx || !ry) {
        fprintf(stderr, "out of memory\n");
        return EXIT_FAILURE;
    }
    make_points(0xD3E11, rx, ry, nq); /* random order */
    memcpy(sx, rx, nq * sizeof *sx);
    memcpy(sy, ry, nq * sizeof *sy);
    if (sort_spatially(sx, sy, nq) != 0) {
        fprintf(stderr, "out of memory\n");
        return EXIT_FAILURE;
    }

    printf("kd-tree benchmark: %zu queries, median of %d runs\n", nq, RUNS);
    printf("%9s %10s %10s %8s %10s %8s %10s %8s %7s\n", "", "build", "sorted",
           "", "random", "", "count1km", "", "mean");
    printf("%9s %10s %10s %8s %10s %8s %10s %8s %7s\n", "points", "ms",
           "ns/query", "Mq/s", "ns/query", "Mq/s", "ns/query", "Mq/s", "count");
    const size_t sizes[] = {1000, 100000, 1000000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        bench_size(ctx, sizes[i], sx, sy, rx, ry, nq);

    free(sx);
    free(sy);
    free(rx);
    free(ry);
    ws_ctx_free(ctx);
    return 0;
}
