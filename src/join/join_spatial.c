/* Point-in-polygon join of dwellings to buurten: an STRtree over the buurt
 * envelopes proposes candidates, prepared geometries decide. Interior hits
 * win; a point on a boundary (or in an overlap) goes to the candidate with
 * the lowest buurtcode, so the result never depends on file order.
 *
 * At national scale that decision is made once per grid cell instead of
 * once per dwelling. A grid over the buurten marks every cell that an edge
 * of any buurt comes within 1 mm of; the other cells are "clean". A
 * connected set of clean cells holds no boundary, so every point in it lies
 * in the same buurten: GEOS decides one representative point of each set
 * with the rule above, and a dwelling in a clean cell takes that answer.
 * Dwellings in marked cells (near a boundary, exactly on one, outside the
 * grid) are decided by GEOS one by one, as before. The assignment is
 * therefore identical to the point-by-point one, including the edge rule.
 *
 * Each thread has its own GEOS context, STRtree and prepared geometries
 * over the shared (read-only) buurt polygons. The grid lookups are split
 * into contiguous ranges of dwellings; what GEOS decides (the components'
 * representative points, the dwellings near a boundary) is split into
 * strips of grid columns with about as many dwellings each, so that a
 * thread prepares the buurten of its strip rather than every buurt (the
 * preparation, ≈ 50 µs a buurt, was most of the national join's serial
 * part). Only the calling thread allocates through the context, reports
 * progress and records errors; of several errors the one of the lowest
 * dwelling wins, as in a sequential run. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../model/model_internal.h"
#include "join_internal.h"
#include "wijkscan/join.h"

void ws_join_options_init(ws_join_options *opt) { memset(opt, 0, sizeof *opt); }

enum {
    MAX_CANDIDATES = 64,
    JOIN_SLOW = -2,  /* grid cell: decide point by point */
    JOIN_UNSET = -3, /* grid cell: clean, not classified yet */
    JOIN_QUEUED = -4,
    JOIN_COMPONENT = -5, /* and below: clean cell of component -5 - code */
    GRID_MIN_DWELLINGS = 20000,
    THREAD_MIN_DWELLINGS = 100000,
    MAX_THREADS = 8
};
#define GRID_MARGIN 1e-3 /* metres: edges this close make a cell unclean */

typedef struct candidates {
    size_t items[MAX_CANDIDATES];
    size_t n;
    bool overflow;
} candidates;

static void collect(void *item, void *user) {
    candidates *c = user;
    if (c->n < sizeof c->items / sizeof c->items[0])
        c->items[c->n++] = (size_t)(uintptr_t)item - 1;
    else
        c->overflow = true;
}

typedef struct join_index {
    GEOSContextHandle_t geos;
    GEOSSTRtree *tree;
    const GEOSPreparedGeometry **prep;
    size_t n;
    const char *gmsg; /* last GEOS message of this context */
    char own[512];    /* where a thread's own context writes it */
    char msg[512];    /* the error message */
} join_index;

static void index_free(join_index *ix) {
    if (ix->tree)
        GEOSSTRtree_destroy_r(ix->geos, ix->tree);
    for (size_t i = 0; ix->prep && i < ix->n; i++)
        if (ix->prep[i])
            GEOSPreparedGeom_destroy_r(ix->geos, ix->prep[i]);
    ix->tree = NULL;
}

/* The prepared geometries and the tree over the buurten; prep (n entries)
 * is allocated by the caller. A message on failure goes to ix->msg. */
static ws_status index_build(join_index *ix, const ws__level *buurten) {
    ix->tree = GEOSSTRtree_create_r(ix->geos, 10);
    if (!ix->tree) {
        snprintf(ix->msg, sizeof ix->msg, "STRtree: %s", ix->gmsg);
        return WS_ERR_GEOMETRY;
    }
    for (size_t i = 0; i < ix->n; i++) {
        ix->prep[i] = GEOSPrepare_r(ix->geos, buurten->geom[i]);
        if (!ix->prep[i]) {
            char m[512];
            snprintf(m, sizeof m, "cannot prepare buurt %s: %s",
                     ws_table_get_text(buurten->table, 0, i), ix->gmsg);
            ws__strlcpy(ix->msg, m, sizeof ix->msg);
            return WS_ERR_GEOMETRY;
        }
        /* items are row + 1 so that row 0 is not a NULL pointer */
        GEOSSTRtree_insert_r(ix->geos, ix->tree, buurten->geom[i],
                             (void *)(uintptr_t)(i + 1));
    }
    return WS_OK;
}

/* Lowest code among the candidates for which `test` holds, or -1. */
static long pick(const join_index *ix, const ws_table *t, const candidates *c,
                 const GEOSGeometry *pt, bool interior_only) {
    long best = -1;
    for (size_t k = 0; k < c->n; k++) {
        size_t row = c->items[k];
        char hit = interior_only
                       ? GEOSPreparedContains_r(ix->geos, ix->prep[row], pt)
                       : GEOSPreparedIntersects_r(ix->geos, ix->prep[row], pt);
        if (hit != 1)
            continue;
        if (best < 0 || strcmp(ws_table_get_text(t, 0, row),
                               ws_table_get_text(t, 0, (size_t)best)) < 0)
            best = (long)row;
    }
    return best;
}

/* The rule for one point. On error, the message is in ix->msg. `boundary`
 * (optional) tells whether the answer came from a boundary hit. */
static ws_status assign_point(join_index *ix, const ws_table *t, double x,
                              double y, int32_t *out, bool *boundary) {
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ix->geos, x, y);
    if (!pt) {
        snprintf(ix->msg, sizeof ix->msg, "cannot create point: %s", ix->gmsg);
        return WS_ERR_NOMEM;
    }
    candidates c = {.n = 0};
    GEOSSTRtree_query_r(ix->geos, ix->tree, pt, collect, &c);
    if (c.overflow) {
        GEOSGeom_destroy_r(ix->geos, pt);
        snprintf(ix->msg, sizeof ix->msg,
                 "more than 64 buurten overlap at (%.1f, %.1f); are "
                 "the buurt polygons broken?",
                 x, y);
        return WS_ERR_GEOMETRY;
    }
    long row = pick(ix, t, &c, pt, true);
    if (boundary)
        *boundary = false;
    if (row < 0) {
        row = pick(ix, t, &c, pt, false);
        if (boundary)
            *boundary = row >= 0;
    }
    GEOSGeom_destroy_r(ix->geos, pt);
    *out = (int32_t)row;
    return WS_OK;
}

/* --- the cell grid ------------------------------------------------------- */

typedef struct join_grid {
    double x0, y0, cs;
    long nx, ny;
    int32_t *cell; /* row, -1 outside every buurt, JOIN_SLOW; while it is
                      built, JOIN_COMPONENT - c for clean component c */
    size_t ncomp;
    size_t *first;   /* [ncomp]: a cell of the component, whose centre
                        stands for it */
    int32_t *row;    /* [ncomp]: its answer */
    long *strip_end; /* [threads]: the columns up to which a thread works */
} join_grid;

static void grid_mark_box(join_grid *g, double ax, double ay, double bx,
                          double by) {
    double lox = fmin(ax, bx) - GRID_MARGIN, hix = fmax(ax, bx) + GRID_MARGIN;
    double loy = fmin(ay, by) - GRID_MARGIN, hiy = fmax(ay, by) + GRID_MARGIN;
    long i0 = (long)floor((lox - g->x0) / g->cs) - 1;
    long i1 = (long)floor((hix - g->x0) / g->cs) + 1;
    long j0 = (long)floor((loy - g->y0) / g->cs) - 1;
    long j1 = (long)floor((hiy - g->y0) / g->cs) + 1;
    /* one cell of slack each side: the cell index of a coordinate is
     * computed in floating point too; marking more is always safe */
    for (long j = j0 < 0 ? 0 : j0; j <= j1 && j < g->ny; j++)
        for (long i = i0 < 0 ? 0 : i0; i <= i1 && i < g->nx; i++) {
            double cx0 = g->x0 + (double)i * g->cs,
                   cy0 = g->y0 + (double)j * g->cs;
            if (cx0 > hix || cx0 + g->cs < lox || cy0 > hiy ||
                cy0 + g->cs < loy) /* clearly apart: keep it clean */
                continue;
            g->cell[j * g->nx + i] = JOIN_SLOW;
        }
}

/* Mark the cells near segment a-b, in pieces of at most half a cell. */
static void grid_mark_segment(join_grid *g, double ax, double ay, double bx,
                              double by) {
    double len = hypot(bx - ax, by - ay);
    long pieces = (long)ceil(len / (g->cs * 0.5));
    if (pieces < 1)
        pieces = 1;
    double px = ax, py = ay;
    for (long k = 1; k <= pieces; k++) {
        double qx =
            k == pieces ? bx : ax + (bx - ax) * (double)k / (double)pieces;
        double qy =
            k == pieces ? by : ay + (by - ay) * (double)k / (double)pieces;
        grid_mark_box(g, px, py, qx, qy);
        px = qx;
        py = qy;
    }
}

/* Mark the edges of every ring of g (Polygon or MultiPolygon). */
static ws_status grid_mark_geometry(ws_ctx *ctx, join_grid *g,
                                    const GEOSGeometry *geom, double **buf,
                                    size_t *cap) {
    int type = GEOSGeomTypeId_r(ctx->geos, geom);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx->geos, geom);
        for (int i = 0; i < n; i++) {
            ws_status st = grid_mark_geometry(
                ctx, g, GEOSGetGeometryN_r(ctx->geos, geom, i), buf, cap);
            if (st != WS_OK)
                return st;
        }
        return WS_OK;
    }
    if (type != GEOS_POLYGON)
        return WS_OK;
    int nholes = GEOSGetNumInteriorRings_r(ctx->geos, geom);
    for (int r = -1; r < nholes; r++) {
        const GEOSGeometry *ring =
            r < 0 ? GEOSGetExteriorRing_r(ctx->geos, geom)
                  : GEOSGetInteriorRingN_r(ctx->geos, geom, r);
        const GEOSCoordSequence *seq =
            ring ? GEOSGeom_getCoordSeq_r(ctx->geos, ring) : NULL;
        unsigned int n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n))
            return ws__error(ctx, WS_ERR_GEOMETRY, "cannot read a ring: %s",
                             ctx->geos_msg);
        if (ws__reserve(ctx, (void **)buf, cap, 2 * (size_t)n + 2,
                        sizeof **buf) != WS_OK)
            return WS_ERR_NOMEM;
        if (n && !GEOSCoordSeq_copyToBuffer_r(ctx->geos, seq, *buf, 0, 0))
            return ws__error(ctx, WS_ERR_GEOMETRY, "cannot read a ring: %s",
                             ctx->geos_msg);
        for (unsigned int k = 1; k < n; k++)
            grid_mark_segment(g, (*buf)[2 * k - 2], (*buf)[2 * k - 1],
                              (*buf)[2 * k], (*buf)[2 * k + 1]);
    }
    return WS_OK;
}

/* Label every connected set of clean cells ("component"); one point of
 * each decides it later (classify_strip), for all its cells. */
static ws_status grid_components(ws_ctx *ctx, join_grid *g) {
    size_t ncell = (size_t)g->nx * (size_t)g->ny, cap = 0;
    int32_t *stack = ws__malloc(ctx, ncell * sizeof *stack);
    ws_status st = stack ? WS_OK : WS_ERR_NOMEM;
    for (size_t start = 0; st == WS_OK && start < ncell; start++) {
        if (g->cell[start] != JOIN_UNSET)
            continue;
        if (g->ncomp >= (size_t)(INT32_MAX + JOIN_COMPONENT) ||
            ws__reserve(ctx, (void **)&g->first, &cap, g->ncomp + 1,
                        sizeof *g->first) != WS_OK) {
            st = WS_ERR_NOMEM;
            break;
        }
        int32_t code = JOIN_COMPONENT - (int32_t)g->ncomp;
        g->first[g->ncomp++] = start;
        size_t sp = 0;
        stack[sp++] = (int32_t)start;
        g->cell[start] = JOIN_QUEUED;
        while (sp > 0) {
            size_t c = (size_t)stack[--sp];
            g->cell[c] = code;
            long i = (long)(c % (size_t)g->nx), j = (long)(c / (size_t)g->nx);
            long nb[4][2] = {{i - 1, j}, {i + 1, j}, {i, j - 1}, {i, j + 1}};
            for (int k = 0; k < 4; k++) {
                if (nb[k][0] < 0 || nb[k][0] >= g->nx || nb[k][1] < 0 ||
                    nb[k][1] >= g->ny)
                    continue;
                size_t d = (size_t)(nb[k][1] * g->nx + nb[k][0]);
                if (g->cell[d] == JOIN_UNSET) {
                    g->cell[d] = JOIN_QUEUED;
                    stack[sp++] = (int32_t)d;
                }
            }
        }
    }
    ws__free(ctx, stack);
    if (st == WS_OK) {
        g->row = ws__malloc(ctx, (g->ncomp ? g->ncomp : 1) * sizeof *g->row);
        st = g->row ? WS_OK : WS_ERR_NOMEM;
    }
    return st;
}

/* Every component's answer into its cells. */
static void grid_fill(join_grid *g) {
    size_t ncell = (size_t)g->nx * (size_t)g->ny;
    for (size_t c = 0; c < ncell; c++)
        if (g->cell[c] <= JOIN_COMPONENT)
            g->cell[c] = g->row[(size_t)(JOIN_COMPONENT - g->cell[c])];
}

static ws_status grid_build(ws_ctx *ctx, const ws__level *b,
                            size_t target_cells, join_grid *g) {
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < b->table->nrows; i++) {
        double v;
        if (GEOSisEmpty_r(ctx->geos, b->geom[i]) != 0)
            continue;
        if (GEOSGeom_getXMin_r(ctx->geos, b->geom[i], &v))
            minx = fmin(minx, v);
        if (GEOSGeom_getYMin_r(ctx->geos, b->geom[i], &v))
            miny = fmin(miny, v);
        if (GEOSGeom_getXMax_r(ctx->geos, b->geom[i], &v))
            maxx = fmax(maxx, v);
        if (GEOSGeom_getYMax_r(ctx->geos, b->geom[i], &v))
            maxy = fmax(maxy, v);
    }
    if (!(maxx > minx && maxy > miny) || !isfinite(maxx - minx) ||
        !isfinite(maxy - miny))
        return WS_OK; /* no grid: every point goes the slow way */
    g->cs = sqrt((maxx - minx) * (maxy - miny) / (double)target_cells);
    g->x0 = minx - g->cs;
    g->y0 = miny - g->cs;
    double nx = ceil((maxx - g->x0) / g->cs) + 2;
    double ny = ceil((maxy - g->y0) / g->cs) + 2;
    if (!(nx * ny < 4.0 * (double)target_cells + 1e6))
        return WS_OK;
    g->nx = (long)nx;
    g->ny = (long)ny;
    size_t ncell = (size_t)g->nx * (size_t)g->ny;
    g->cell = ws__malloc(ctx, ncell * sizeof *g->cell);
    if (!g->cell)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < ncell; i++)
        g->cell[i] = JOIN_UNSET;
    double *buf = NULL;
    size_t cap = 0;
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < b->table->nrows; i++)
        st = grid_mark_geometry(ctx, g, b->geom[i], &buf, &cap);
    ws__free(ctx, buf);
    if (st == WS_OK)
        st = grid_components(ctx, g);
    return st;
}

static inline int32_t grid_lookup(const join_grid *g, double x, double y) {
    if (!g->cell)
        return JOIN_SLOW;
    double fi = floor((x - g->x0) / g->cs), fj = floor((y - g->y0) / g->cs);
    if (!(fi >= 0 && fj >= 0 && fi < (double)g->nx && fj < (double)g->ny))
        return JOIN_SLOW;
    return g->cell[(long)fj * g->nx + (long)fi];
}

/* --- threads ------------------------------------------------------------- */

int ws__threads_for(size_t n, size_t min_items) {
    const char *env = getenv("WIJKSCAN_THREADS");
    long t = env && *env ? strtol(env, NULL, 10) : 0;
    if (t <= 0) {
        if (n < min_items)
            return 1;
        t = sysconf(_SC_NPROCESSORS_ONLN);
    }
    return t < 1 ? 1 : (t > MAX_THREADS ? MAX_THREADS : (int)t);
}

void ws__join_tuning_init(ws__join_tuning *t) {
    memset(t, 0, sizeof *t);
    t->grid = -1;
    const char *env = getenv("WIJKSCAN_JOIN_GRID");
    if (env && *env)
        t->grid = env[0] != '0';
}

typedef struct join_work {
    ws_ctx *ctx; /* used by the calling thread (part 0) only */
    const ws_dataset *ds;
    join_grid *grid; /* this thread writes only its strip's answers */
    join_index ix;
    int k, nt; /* this thread's strip, of nt */
    size_t lo, hi, n_slow;
    size_t fail_at; /* first dwelling that failed, or SIZE_MAX */
    ws_status st;
    atomic_int *stop;
    bool own_geos;
} join_work;

static void work_message(const char *message, void *userdata) {
    join_index *ix = userdata;
    ws__strlcpy(ix->own, message ? message : "", sizeof ix->own);
}

/* A thread's own STRtree and prepared geometries, made on first use. */
static ws_status own_index(join_work *w) {
    return w->ix.tree ? WS_OK
                      : index_build(&w->ix, &w->ds->levels[WS_LEVEL_BUURT]);
}

/* The grid column of x, clamped to the grid (NaN: 0). */
static long grid_column(const join_grid *g, double x) {
    double fi = floor((x - g->x0) / g->cs);
    if (!(fi >= 0))
        return 0;
    return fi >= (double)g->nx ? g->nx - 1 : (long)fi;
}

static int strip_of(const join_grid *g, long column, int nt) {
    int k = 0;
    while (k + 1 < nt && column >= g->strip_end[k])
        k++;
    return k;
}

/* Strips of grid columns with about as many dwellings each. GEOS prepares
 * a buurt for a thread when that thread first tests a point against it
 * (the point-in-polygon index of hundreds of vertices, ≈ 50 µs): split by
 * strip, each thread prepares the buurten of its own strip, not all. */
static ws_status grid_strips(ws_ctx *ctx, join_grid *g, const ws__dwellings *d,
                             int nt) {
    size_t *count = ws__calloc(ctx, (size_t)g->nx, sizeof *count);
    g->strip_end = ws__malloc(ctx, (size_t)nt * sizeof *g->strip_end);
    if (!count || !g->strip_end) {
        ws__free(ctx, count);
        return WS_ERR_NOMEM;
    }
    for (size_t i = 0; i < d->n; i++)
        count[grid_column(g, d->x[i])]++;
    size_t seen = 0;
    int k = 0;
    for (long c = 0; c < g->nx && k < nt - 1; c++) {
        seen += count[c];
        while (k < nt - 1 && seen >= d->n / (size_t)nt * (size_t)(k + 1))
            g->strip_end[k++] = c + 1;
    }
    while (k < nt)
        g->strip_end[k++] = g->nx;
    ws__free(ctx, count);
    return WS_OK;
}

/* The components whose first cell lies in this thread's strip, each by
 * the centre of that cell. */
static void *classify_strip(void *arg) {
    join_work *w = arg;
    join_grid *g = w->grid;
    const ws_table *t = w->ds->levels[WS_LEVEL_BUURT].table;
    if ((w->st = own_index(w)) != WS_OK) {
        w->fail_at = 0;
        return NULL;
    }
    for (size_t c = 0; c < g->ncomp; c++) {
        size_t cell = g->first[c];
        long i = (long)(cell % (size_t)g->nx), j = (long)(cell / (size_t)g->nx);
        if (strip_of(g, i, w->nt) != w->k)
            continue;
        double x = g->x0 + ((double)i + 0.5) * g->cs;
        double y = g->y0 + ((double)j + 0.5) * g->cs;
        int32_t row = JOIN_SLOW;
        bool boundary = false;
        if (assign_point(&w->ix, t, x, y, &row, &boundary) != WS_OK || boundary)
            row = JOIN_SLOW; /* cannot happen in a clean cell; stay exact */
        g->row[c] = row;
    }
    return NULL;
}

/* The dwellings the grid left to GEOS (JOIN_SLOW in out), in this thread's
 * strip, in dwelling order. */
static void *slow_strip(void *arg) {
    join_work *w = arg;
    const ws__dwellings *d = &w->ds->dw;
    const ws_table *t = w->ds->levels[WS_LEVEL_BUURT].table;
    int32_t *out = w->ds->dw.buurt;
    for (size_t i = 0; i < d->n; i++) {
        /* the strip first: another strip's dwellings are being written */
        if (strip_of(w->grid, grid_column(w->grid, d->x[i]), w->nt) != w->k ||
            out[i] != JOIN_SLOW)
            continue;
        int32_t r;
        if ((w->st = assign_point(&w->ix, t, d->x[i], d->y[i], &r, NULL)) !=
            WS_OK) {
            w->fail_at = i; /* each strip to its first error: the
                               lowest dwelling's error wins */
            break;
        }
        out[i] = r;
    }
    return NULL;
}

/* Every dwelling of the range: from the grid where it decides (the rest
 * marked JOIN_SLOW for slow_strip), else by GEOS. */
static void *join_range(void *arg) {
    join_work *w = arg;
    const ws__dwellings *d = &w->ds->dw;
    const ws_table *t = w->ds->levels[WS_LEVEL_BUURT].table;
    int32_t *out = w->ds->dw.buurt;
    bool defer = w->grid->cell != NULL;
    if (!defer && (w->st = own_index(w)) != WS_OK) {
        w->fail_at = w->lo;
        return NULL;
    }
    for (size_t i = w->lo; i < w->hi; i++) {
        if (((i - w->lo) & 0xffff) == 0) {
            if (atomic_load(w->stop))
                break;
            if (!w->own_geos &&
                (w->st = ws__progress(
                     w->ctx, (double)(i - w->lo) / (double)(w->hi - w->lo),
                     "woningen koppelen aan buurten")) != WS_OK) {
                atomic_store(w->stop, 1);
                w->fail_at = i;
                break;
            }
        }
        int32_t r = grid_lookup(w->grid, d->x[i], d->y[i]);
        if (r < -1) {
            w->n_slow++;
            r = JOIN_SLOW;
            if (!defer && (w->st = assign_point(&w->ix, t, d->x[i], d->y[i], &r,
                                                NULL)) != WS_OK) {
                w->fail_at = i;
                break;
            }
        }
        out[i] = r;
    }
    return NULL;
}

void ws__run_parts(void *(*fn)(void *), void *parts, size_t size, int n) {
    pthread_t tid[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    char *p = parts;
    for (int k = 1; k < n && k < MAX_THREADS; k++)
        started[k] =
            pthread_create(&tid[k], NULL, fn, p + (size_t)k * size) == 0;
    fn(p);
    for (int k = 1; k < n && k < MAX_THREADS; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            fn(p + (size_t)k * size);
    }
}

/* The error of the parts, if any: the one of the lowest dwelling, as in a
 * run on one thread. */
static ws_status parts_status(ws_ctx *ctx, const join_work *w, int nt) {
    int worst = -1;
    for (int k = 0; k < nt; k++)
        if (w[k].st != WS_OK && (worst < 0 || w[k].fail_at < w[worst].fail_at))
            worst = k;
    if (worst < 0)
        return WS_OK;
    ws_status st = w[worst].st;
    return st == WS_ERR_CANCELLED ? st
                                  : ws__error(ctx, st, "%s", w[worst].ix.msg);
}

ws_status ws__join_tuned(ws_ctx *ctx, ws_dataset *ds, ws__join_tuning *tu) {
    const ws__level *b = &ds->levels[WS_LEVEL_BUURT];
    if (!b->table || b->table->nrows == 0)
        return ws__error(ctx, WS_ERR_DATA_EMPTY, "join: no buurten");
    size_t n = ds->dw.n, nb = b->table->nrows;
    int nt = tu->threads > 0 ? tu->threads
                             : ws__threads_for(n, THREAD_MIN_DWELLINGS);
    if ((size_t)nt > n / 1024 + 1)
        nt = (int)(n / 1024 + 1);
    bool use_grid = tu->grid > 0 || (tu->grid < 0 && n >= GRID_MIN_DWELLINGS);
    join_work w[MAX_THREADS];
    memset(w, 0, sizeof w);
    atomic_int stop;
    atomic_init(&stop, 0);
    join_grid grid;
    memset(&grid, 0, sizeof grid);
    ws_status st = WS_OK;
    for (int k = 0; k < nt && st == WS_OK; k++) {
        w[k].ix.n = nb;
        w[k].ix.prep = ws__calloc(ctx, nb, sizeof *w[k].ix.prep);
        if (!w[k].ix.prep)
            st = WS_ERR_NOMEM;
        w[k].ix.geos = k == 0 ? ctx->geos : GEOS_init_r();
        w[k].ix.gmsg = k == 0 ? ctx->geos_msg : w[k].ix.own;
        w[k].own_geos = k > 0;
        if (st == WS_OK && !w[k].ix.geos)
            st = ws__error(ctx, WS_ERR_NOMEM, "join: cannot start GEOS");
        if (k > 0 && w[k].ix.geos) {
            GEOSContext_setErrorMessageHandler_r(w[k].ix.geos, work_message,
                                                 &w[k].ix);
            GEOSContext_setNoticeMessageHandler_r(w[k].ix.geos, work_message,
                                                  &w[k].ix);
        }
    }
    /* the calling thread's index; the GEOS messages go to ctx->geos_msg */
    if (st == WS_OK && (st = index_build(&w[0].ix, b)) != WS_OK)
        st = ws__error(ctx, st, "%s", w[0].ix.msg);
    if (st == WS_OK && use_grid) {
        size_t cells = tu->cells ? tu->cells : 2 * n;
        cells = cells < 65536 ? 65536 : (cells > 8000000 ? 8000000 : cells);
        st = grid_build(ctx, b, cells, &grid);
    }
    for (int k = 0; k < nt; k++) {
        w[k].ctx = ctx;
        w[k].ds = ds;
        w[k].grid = &grid;
        w[k].k = k;
        w[k].nt = nt;
        w[k].lo = n * (size_t)k / (size_t)nt;
        w[k].hi = n * (size_t)(k + 1) / (size_t)nt;
        w[k].fail_at = SIZE_MAX;
        w[k].stop = &stop;
    }
    if (st == WS_OK && grid.cell) { /* the components, strip by strip */
        st = grid_strips(ctx, &grid, &ds->dw, nt);
        if (st == WS_OK) {
            ws__run_parts(classify_strip, w, sizeof w[0], nt);
            st = parts_status(ctx, w, nt);
        }
        if (st == WS_OK)
            grid_fill(&grid);
    }
    if (st == WS_OK) {
        ws__run_parts(join_range, w, sizeof w[0], nt);
        st = parts_status(ctx, w, nt);
        tu->n_slow = 0;
        for (int k = 0; k < nt; k++)
            tu->n_slow += w[k].n_slow;
    }
    if (st == WS_OK && grid.cell && tu->n_slow > 0) {
        ws__run_parts(slow_strip, w, sizeof w[0], nt);
        st = parts_status(ctx, w, nt);
    }
    for (int k = 0; k < nt; k++) {
        if (w[k].ix.geos)
            index_free(&w[k].ix);
        ws__free(ctx, (void *)w[k].ix.prep);
        if (k > 0 && w[k].ix.geos)
            GEOS_finish_r(w[k].ix.geos);
    }
    ws__free(ctx, grid.cell);
    ws__free(ctx, grid.first);
    ws__free(ctx, grid.row);
    ws__free(ctx, grid.strip_end);
    return st;
}

ws_status ws_join(ws_ctx *ctx, ws_dataset *ds, const ws_join_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    if (opt->snap_tolerance != 0)
        return ws__error(ctx, WS_ERR_UNSUPPORTED,
                         "join: snapping is not supported yet");
    ws__join_tuning tu;
    ws__join_tuning_init(&tu);
    ws_status st = ws__join_tuned(ctx, ds, &tu);
    if (st != WS_OK) {
        ws__error_prefix(ctx, "join");
        return st;
    }
    size_t outside = 0;
    for (size_t i = 0; i < ds->dw.n; i++)
        outside += ds->dw.buurt[i] < 0;
    ds->n_outside = outside;
    if (outside)
        ws__warn(ctx,
                 "%zu of %zu dwellings lie in no buurt of the selection "
                 "and are not counted in any buurt",
                 outside, ds->dw.n);
    return WS_OK;
}
