/* Internals of the join stage, for tests and benchmarks. Never installed. */
#ifndef WS_JOIN_INTERNAL_H
#define WS_JOIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "wijkscan/dataset.h"

/* How ws_join does its work; the result is the same for every setting. */
typedef struct ws__join_tuning {
    int threads;   /* 0: automatic (cores, and 1 for small inputs) */
    int grid;      /* 1 use the cell grid, 0 never, -1 automatic */
    size_t cells;  /* 0: automatic number of grid cells */
    size_t n_slow; /* out: dwellings decided point by point by GEOS */
} ws__join_tuning;

/* Automatic settings, overridden by the environment variables
 * WIJKSCAN_THREADS and WIJKSCAN_JOIN_GRID (0/1), for benchmarks. */
void ws__join_tuning_init(ws__join_tuning *t);

/* ws_join with explicit tuning. */
ws_status ws__join_tuned(ws_ctx *ctx, ws_dataset *ds, ws__join_tuning *t);

/* Number of threads for a stage over n items (WIJKSCAN_THREADS, else the
 * online cores, at most 8; 1 below `min_items`). */
int ws__threads_for(size_t n, size_t min_items);

/* Run fn on parts[0..n) (each `size` bytes): parts 1.. in threads, part 0
 * in the calling thread, which also runs any part whose thread could not
 * be started. Returns when all are done. n <= 8. */
void ws__run_parts(void *(*fn)(void *), void *parts, size_t size, int n);

#endif /* WS_JOIN_INTERNAL_H */
