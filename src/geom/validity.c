/* A quick proof that a region polygon is valid, so that GEOS's IsValidOp
 * (which nodes every ring: 1.2 s of CPU for the ≈ 6.5 M vertices of the
 * national buurten, wijken and gemeenten, taken from the BAG reader's core)
 * runs only for the few that are not plainly valid.
 *
 * The proof asks more than OGC validity: every ring closed, at least four
 * points, finite, without a zero-length segment; no two segments of any
 * rings meeting except neighbours in a ring at their shared point (so
 * rings neither cross nor touch, and no ring doubles back); every hole
 * inside its shell and outside the other holes; no part inside another
 * part's shell. Such a polygon is valid. Every predicate is decided with
 * Shewchuk's error bound for the orientation determinant; a case too close
 * to call, a touch that OGC allows (a hole touching its shell at a point,
 * an island in a hole) or a real fault is "not proven", and GEOS decides.
 *
 * Segments are swept by their smallest x: each is compared with those
 * that start before it ends, which for the boundary of a region is a
 * handful. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "geom_internal.h"

/* (3 + 16ε)ε for ε = 2^-53: Shewchuk's ccwerrboundA */
#define ORIENT_ERROR_BOUND 3.3306690738754716e-16

typedef struct segment {
    double x0, y0, x1, y1; /* as in the ring */
    double xmin, xmax, ymin, ymax;
    unsigned ring;  /* ring number within the geometry */
    unsigned index; /* segment number within its ring */
} segment;

typedef struct ring_ref {
    size_t first; /* first coordinate (xy pairs) in the buffer */
    unsigned npoints;
    int part; /* polygon number */
    bool shell;
} ring_ref;

struct ws__valid_scratch {
    double *xy;
    size_t capxy;
    segment *seg;
    size_t capseg;
    ring_ref *rings;
    size_t caprings;
};

ws__valid_scratch *ws__valid_scratch_new(void) {
    return calloc(1, sizeof(ws__valid_scratch));
}

void ws__valid_scratch_free(ws__valid_scratch *s) {
    if (!s)
        return;
    free(s->xy);
    free(s->seg);
    free(s->rings);
    free(s);
}

static bool reserve(void **p, size_t *cap, size_t n, size_t size) {
    if (n <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < n)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* Sign of the orientation of (a, b, c): 1 left turn, -1 right turn, 0 when
 * collinear or too close to tell. */
static int orient(double ax, double ay, double bx, double by, double cx,
                  double cy) {
    double l = (ax - cx) * (by - cy), r = (ay - cy) * (bx - cx);
    double det = l - r, bound = ORIENT_ERROR_BOUND * (fabs(l) + fabs(r));
    return det > bound ? 1 : -det > bound ? -1 : 0;
}

/* Append ring `ring` of polygon `part` to the scratch buffers. */
static bool add_ring(GEOSContextHandle_t h, ws__valid_scratch *s,
                     const GEOSGeometry *ring, int part, bool shell,
                     size_t *nxy, size_t *nrings) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n < 4 ||
        !reserve((void **)&s->xy, &s->capxy, 2 * (*nxy + n), sizeof *s->xy) ||
        !reserve((void **)&s->rings, &s->caprings, *nrings + 1,
                 sizeof *s->rings))
        return false;
    double *xy = s->xy + 2 * *nxy;
    if (!GEOSCoordSeq_copyToBuffer_r(h, cs, xy, 0, 0))
        return false;
    for (unsigned int i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i]))
            return false;
    if (xy[0] != xy[2 * n - 2] || xy[1] != xy[2 * n - 1])
        return false; /* not closed */
    s->rings[(*nrings)++] = (ring_ref){*nxy, n, part, shell};
    *nxy += n;
    return true;
}

static bool gather_rings(GEOSContextHandle_t h, const GEOSGeometry *g,
                         ws__valid_scratch *s, size_t *nrings) {
    int type = GEOSGeomTypeId_r(h, g);
    int nparts = type == GEOS_POLYGON        ? 1
                 : type == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, g)
                                             : -1;
    size_t nxy = 0;
    *nrings = 0;
    if (nparts < 1)
        return false;
    for (int p = 0; p < nparts; p++) {
        const GEOSGeometry *poly =
            type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, p);
        const GEOSGeometry *shell =
            poly ? GEOSGetExteriorRing_r(h, poly) : NULL;
        int nholes = poly ? GEOSGetNumInteriorRings_r(h, poly) : -1;
        if (!shell || nholes < 0 ||
            !add_ring(h, s, shell, p, true, &nxy, nrings))
            return false;
        for (int k = 0; k < nholes; k++) {
            const GEOSGeometry *hole = GEOSGetInteriorRingN_r(h, poly, k);
            if (!hole || !add_ring(h, s, hole, p, false, &nxy, nrings))
                return false;
        }
    }
    return true;
}

static bool make_segments(ws__valid_scratch *s, size_t nrings, size_t *nseg) {
    size_t total = 0;
    for (size_t r = 0; r < nrings; r++)
        total += s->rings[r].npoints - 1;
    if (!reserve((void **)&s->seg, &s->capseg, total, sizeof *s->seg))
        return false;
    *nseg = 0;
    for (size_t r = 0; r < nrings; r++) {
        const double *xy = s->xy + 2 * s->rings[r].first;
        for (unsigned i = 0; i + 1 < s->rings[r].npoints; i++) {
            double x0 = xy[2 * i], y0 = xy[2 * i + 1];
            double x1 = xy[2 * i + 2], y1 = xy[2 * i + 3];
            if (x0 == x1 && y0 == y1)
                return false; /* repeated point: GEOS decides */
            s->seg[(*nseg)++] = (segment){x0,           y0,
                                          x1,           y1,
                                          fmin(x0, x1), fmax(x0, x1),
                                          fmin(y0, y1), fmax(y0, y1),
                                          (unsigned)r,  i};
        }
    }
    return true;
}

static int by_xmin(const void *a, const void *b) {
    const segment *p = a, *q = b;
    return (p->xmin > q->xmin) - (p->xmin < q->xmin);
}

/* Segments a and b are consecutive in one ring (nseg_ring segments). */
static bool neighbours(const segment *a, const segment *b, unsigned nseg_ring) {
    if (a->ring != b->ring)
        return false;
    unsigned i = a->index < b->index ? a->index : b->index;
    unsigned j = a->index < b->index ? b->index : a->index;
    return j == i + 1 || (i == 0 && j == nseg_ring - 1);
}

/* Neighbours meet only at their shared point: the turn there is certain,
 * or they go on in the same direction (a vertex on a straight line; when
 * the turn is too small to call the two are near parallel, and the sign
 * of their dot product is plain). Turning back is a spike. */
static bool neighbours_only_meet(const segment *a, const segment *b) {
    const segment *first = a, *second = b;
    if (!(a->x1 == b->x0 && a->y1 == b->y0))
        first = b, second = a; /* b comes first (or closes the ring) */
    if (orient(first->x0, first->y0, first->x1, first->y1, second->x1,
               second->y1) != 0)
        return true;
    double dot = (first->x1 - first->x0) * (second->x1 - second->x0) +
                 (first->y1 - first->y0) * (second->y1 - second->y0);
    return dot > 0;
}

/* Certainly no common point (the boxes already overlap). */
static bool certainly_apart(const segment *a, const segment *b) {
    int o1 = orient(a->x0, a->y0, a->x1, a->y1, b->x0, b->y0);
    int o2 = orient(a->x0, a->y0, a->x1, a->y1, b->x1, b->y1);
    if (o1 != 0 && o1 == o2)
        return true;
    int o3 = orient(b->x0, b->y0, b->x1, b->y1, a->x0, a->y0);
    int o4 = orient(b->x0, b->y0, b->x1, b->y1, a->x1, a->y1);
    return o3 != 0 && o3 == o4;
}

/* Pairs compared per segment before the sweep gives up (GEOS decides): a
 * region's boundary meets a handful, a comb of long teeth would make the
 * sweep quadratic. */
enum { MAX_PAIRS_PER_SEGMENT = 64 };

static bool segments_apart(ws__valid_scratch *s, size_t nseg) {
    segment *seg = s->seg;
    qsort(seg, nseg, sizeof *seg, by_xmin);
    size_t budget = MAX_PAIRS_PER_SEGMENT * nseg;
    for (size_t i = 0; i < nseg; i++) {
        const segment *a = &seg[i];
        for (size_t j = i + 1; j < nseg && seg[j].xmin <= a->xmax; j++) {
            const segment *b = &seg[j];
            if (budget-- == 0)
                return false;
            if (b->ymin > a->ymax || b->ymax < a->ymin)
                continue;
            if (neighbours(a, b, s->rings[a->ring].npoints - 1)
                    ? !neighbours_only_meet(a, b)
                    : !certainly_apart(a, b))
                return false;
        }
    }
    return true;
}

/* 1 when (x, y) is certainly inside ring r, 0 certainly outside, -1 when
 * too close to tell (crossing number with certain orientations). */
static int inside_ring(const ws__valid_scratch *s, size_t r, double x,
                       double y) {
    const double *xy = s->xy + 2 * s->rings[r].first;
    bool in = false;
    for (unsigned i = 0; i + 1 < s->rings[r].npoints; i++) {
        double ax = xy[2 * i], ay = xy[2 * i + 1];
        double bx = xy[2 * i + 2], by = xy[2 * i + 3];
        if ((ay > y) == (by > y))
            continue;
        int o = orient(ax, ay, bx, by, x, y);
        if (o == 0)
            return -1;
        if ((by > ay) == (o > 0))
            in = !in; /* the edge passes to the right of the point */
    }
    return in;
}

/* Rings that neither cross nor touch: holes inside their shell and outside
 * each other, no part inside another part's shell (an island in a hole is
 * valid, but left to GEOS). */
enum { MAX_NESTING_CHECKS = 64 };

static bool nesting_valid(const ws__valid_scratch *s, size_t nrings) {
    if (nrings > MAX_NESTING_CHECKS)
        return false; /* quadratic below: GEOS decides */
    for (size_t a = 0; a < nrings; a++) {
        const ring_ref *ra = &s->rings[a];
        double x = s->xy[2 * ra->first], y = s->xy[2 * ra->first + 1];
        for (size_t b = 0; b < nrings; b++) {
            const ring_ref *rb = &s->rings[b];
            if (a == b || (!rb->shell && rb->part != ra->part))
                continue;
            int in = inside_ring(s, b, x, y);
            /* a hole must be inside its own shell; nothing else may be
             * inside another ring */
            int want = !ra->shell && rb->shell && rb->part == ra->part;
            if (in != want)
                return false;
        }
    }
    return true;
}

bool ws__certainly_valid(GEOSContextHandle_t h, const GEOSGeometry *g,
                         ws__valid_scratch *s) {
    size_t nrings = 0, nseg = 0;
    return s && g && gather_rings(h, g, s, &nrings) &&
           make_segments(s, nrings, &nseg) && segments_apart(s, nseg) &&
           nesting_valid(s, nrings);
}
