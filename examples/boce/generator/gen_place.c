/*
 * gen_place.c — places pand footprints (rotated rectangles) inside a buurt's
 * sampling region.
 *
 * A candidate centre is drawn around a cluster centre (Gaussian, widening after
 * failed attempts) or uniformly in the region; it is rejected when its bounding
 * circle comes within 1.5 m of an already placed pand (uniform hash grid) or
 * when the rectangle is not contained in the region (GEOS prepared geometry).
 * After many failures the footprint shrinks and finally the spacing rule is
 * dropped, so placement always terminates.
 */
#include <math.h>
#include <stdlib.h>

#include "gen_internal.h"

#define GRID_CELL 50.0
#define GAP_M 1.5
#define MAX_ATTEMPTS 4000

struct PandGrid {
    double x0, y0;
    int nx, ny;
    int *head;
    double *ex, *ey, *er;
    int *next;
    size_t cap;
    int n;
    double rmax;
};

PandGrid *grid_create(const OGREnvelope *env) {
    PandGrid *g = calloc(1, sizeof *g);
    if (!g) {
        return NULL;
    }
    g->x0 = env->MinX - GRID_CELL;
    g->y0 = env->MinY - GRID_CELL;
    g->nx = (int)((env->MaxX - env->MinX) / GRID_CELL) + 3;
    g->ny = (int)((env->MaxY - env->MinY) / GRID_CELL) + 3;
    g->head = malloc((size_t)g->nx * (size_t)g->ny * sizeof(int));
    if (!g->head) {
        free(g);
        return NULL;
    }
    for (int i = 0; i < g->nx * g->ny; i++) {
        g->head[i] = -1;
    }
    return g;
}

void grid_destroy(PandGrid *g) {
    if (!g) {
        return;
    }
    free(g->head);
    free(g->ex);
    free(g->ey);
    free(g->er);
    free(g->next);
    free(g);
}

static int cell_of(double v, double origin, int n) {
    int c = (int)floor((v - origin) / GRID_CELL);
    return c < 0 ? 0 : (c >= n ? n - 1 : c);
}

static int grid_is_free(const PandGrid *g, double x, double y, double r) {
    double reach = r + g->rmax + GAP_M;
    int cx0 = cell_of(x - reach, g->x0, g->nx);
    int cx1 = cell_of(x + reach, g->x0, g->nx);
    int cy0 = cell_of(y - reach, g->y0, g->ny);
    int cy1 = cell_of(y + reach, g->y0, g->ny);
    for (int cy = cy0; cy <= cy1; cy++) {
        for (int cx = cx0; cx <= cx1; cx++) {
            for (int e = g->head[cy * g->nx + cx]; e >= 0; e = g->next[e]) {
                double dx = g->ex[e] - x;
                double dy = g->ey[e] - y;
                double d = g->er[e] + r + GAP_M;
                if (dx * dx + dy * dy < d * d) {
                    return 0;
                }
            }
        }
    }
    return 1;
}

static int grid_add(PandGrid *g, double x, double y, double r) {
    size_t need = (size_t)g->n + 1;
    if (need > g->cap) {
        size_t ncap = g->cap ? g->cap * 2 : 256;
        double *ex = realloc(g->ex, ncap * sizeof(double));
        if (ex) {
            g->ex = ex;
        }
        double *ey = realloc(g->ey, ncap * sizeof(double));
        if (ey) {
            g->ey = ey;
        }
        double *er = realloc(g->er, ncap * sizeof(double));
        if (er) {
            g->er = er;
        }
        int *next = realloc(g->next, ncap * sizeof(int));
        if (next) {
            g->next = next;
        }
        if (!ex || !ey || !er || !next) {
            return gen_error("out of memory");
        }
        g->cap = ncap;
    }
    int cell = cell_of(y, g->y0, g->ny) * g->nx + cell_of(x, g->x0, g->nx);
    g->ex[g->n] = x;
    g->ey[g->n] = y;
    g->er[g->n] = r;
    g->next[g->n] = g->head[cell];
    g->head[cell] = g->n;
    g->n++;
    if (r > g->rmax) {
        g->rmax = r;
    }
    return 0;
}

static double round_mm(double v) { return floor(v * 1000.0 + 0.5) / 1000.0; }

/* Closed rectangle ring, corners rounded to millimetres. */
OGRGeometryH pand_polygon(const Pand *p) {
    double ux = cos(p->angle), uy = sin(p->angle);
    double vx = -uy, vy = ux;
    static const double su[5] = {-1, 1, 1, -1, -1};
    static const double sv[5] = {-1, -1, 1, 1, -1};
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i < 5; i++) {
        double x = p->cx + su[i] * p->hl * ux + sv[i] * p->hw * vx;
        double y = p->cy + su[i] * p->hl * uy + sv[i] * p->hw * vy;
        OGR_G_AddPoint_2D(ring, round_mm(x), round_mm(y));
    }
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    (void)OGR_G_AddGeometryDirectly(poly, ring); /* a ring always fits */
    return poly;
}

/* A point strictly inside the footprint (inset from its edges), rounded to
 * millimetres. */
void pand_point_inside(const Pand *p, GenRng *r, double *x, double *y) {
    double ml = fmax(p->hl - 1.0, 0.25 * p->hl);
    double mw = fmax(p->hw - 1.0, 0.25 * p->hw);
    double s = rng_range(r, -ml, ml);
    double t = rng_range(r, -mw, mw);
    double ux = cos(p->angle), uy = sin(p->angle);
    *x = round_mm(p->cx + s * ux - t * uy);
    *y = round_mm(p->cy + s * uy + t * ux);
}

static void sample_centre(const Buurt *b, GenRng *r, const PlaceSpec *spec,
                          int attempt, double *x, double *y) {
    if (spec->sigma > 0.0 && attempt < 1200) {
        double sigma = spec->sigma * (1.0 + attempt / 80.0);
        *x = spec->cx + sigma * rng_normal(r);
        *y = spec->cy + sigma * rng_normal(r);
    } else {
        *x = rng_range(r, b->env.MinX, b->env.MaxX);
        *y = rng_range(r, b->env.MinY, b->env.MaxY);
    }
}

/* Places one footprint; fills cx, cy, hl, hw, angle of *out. */
int place_pand(const Buurt *b, PandGrid *g, GenRng *r, const PlaceSpec *spec,
               Pand *out) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        /* a smaller footprint only once the whole region was tried: it
         * would raise the woonlagen estimated from BAG */
        double shrink = attempt < 2500 ? 1.0 : (attempt < 3200 ? 0.7 : 0.45);
        double x, y;
        sample_centre(b, r, spec, attempt, &x, &y);
        if (x < b->env.MinX || x > b->env.MaxX || y < b->env.MinY ||
            y > b->env.MaxY) {
            continue;
        }
        Pand cand = *out;
        cand.cx = round_mm(x);
        cand.cy = round_mm(y);
        cand.hl = spec->hl * shrink;
        cand.hw = spec->hw * shrink;
        cand.angle = spec->angle;
        double radius = hypot(cand.hl, cand.hw);
        if (attempt < 3600 && !grid_is_free(g, cand.cx, cand.cy, radius)) {
            continue;
        }
        OGRGeometryH poly = pand_polygon(&cand);
        int inside = OGRPreparedGeometryContains(b->prepared, poly);
        OGR_G_DestroyGeometry(poly);
        if (!inside) {
            continue;
        }
        *out = cand;
        return grid_add(g, cand.cx, cand.cy, radius);
    }
    return gen_error(
        "buurten: %s: cannot place a pand inside the sampling region", b->code);
}
