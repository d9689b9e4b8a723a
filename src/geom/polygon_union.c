/* Unions of region polygons: wijken and gemeenten dissolved from their
 * buurten, and the regio outline from the gemeenten. CBS regions tile: a
 * shared edge is the same sequence of vertices in both neighbours, so the
 * union is what remains when every edge that occurs twice is dropped, put
 * back together into polygons. That is the coverage union (GEOS's
 * CoverageUnion: segments that occur an even number of times cancel, the
 * rest is polygonised), done here with the cancelling in a hash table and
 * the remaining segments joined into lines before GEOS polygonises them —
 * the same result, without GEOS's per-segment cost. It is trusted only when
 * its result shows that the input was a clean coverage; otherwise
 * (overlaps, edges that do not match vertex for vertex) the overlay union
 * that wijkscan always used decides. Both give the same polygons with the
 * same vertices; only the order of the parts and the first vertex and
 * direction of each ring may differ.
 *
 * The same hash table, keeping every distinct segment once instead of
 * cancelling pairs, gives the boundary network that a map strokes: a
 * shared edge drawn once, so that a translucent line has one tone and a
 * PDF holds each edge once.
 *
 * Nothing here allocates through the context or records errors in it (the
 * caller hands in working memory), so it may run on any thread with a GEOS
 * handle of its own. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../core/core_internal.h"
#include "geom_internal.h"

/* --- working memory ------------------------------------------------------ */

typedef struct seg {
    double ax, ay, bx, by; /* a before b (x, then y) */
} seg;

enum { SEG_FIRST = 1, SEG_ODD = 2, SEG_SEEN = 4 };

typedef struct scratch {
    size_t nseg_max, cap; /* cap: hash slots, a power of two >= 4 nseg_max */
    const GEOSPreparedGeometry **prep; /* per part */
    seg *s;
    uint8_t *flag;              /* per segment */
    uint32_t *end;              /* per segment: vertex of a and of b */
    uint32_t *slot;             /* hash table: segment or vertex + 1 */
    uint32_t *vref;             /* per vertex: segment * 2 + which end */
    uint32_t *deg, *off, *adj;  /* per vertex; adjacency (CSR) */
    double *xy;                 /* one line being joined */
    const GEOSGeometry **lines; /* the joined lines */
} scratch;

static size_t hash_slots(size_t nseg) {
    size_t cap = 16;
    while (cap < 4 * nseg + 4)
        cap *= 2;
    return cap;
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Where each array starts in the working memory, and its size. */
typedef struct layout {
    size_t prep, s, flag, end, slot, vref, deg, off, adj, xy, lines, total;
} layout;

static layout scratch_layout(size_t parts, size_t nseg) {
    layout L;
    size_t at = 0, cap = hash_slots(nseg), nv = 2 * nseg + 1;
#define AT_(field, bytes) (L.field = at, at += align8(bytes))
    AT_(prep, (parts + 1) * sizeof(void *));
    AT_(s, (nseg + 1) * sizeof(seg));
    AT_(flag, nseg + 1);
    AT_(end, (2 * nseg + 2) * sizeof(uint32_t));
    AT_(slot, cap * sizeof(uint32_t));
    AT_(vref, nv * sizeof(uint32_t));
    AT_(deg, nv * sizeof(uint32_t));
    AT_(off, (nv + 1) * sizeof(uint32_t));
    AT_(adj, (2 * nseg + 2) * sizeof(uint32_t));
    AT_(xy, (2 * nseg + 4) * sizeof(double));
    AT_(lines, (nseg + 1) * sizeof(void *));
#undef AT_
    L.total = at;
    return L;
}

size_t ws__union_scratch_bytes(size_t parts, size_t vertices) {
    return scratch_layout(parts, vertices).total;
}

/* Point the arrays into `mem`; false when it is too small. */
static bool scratch_carve(scratch *w, void *mem, size_t bytes, size_t parts,
                          size_t nseg) {
    if (!mem || nseg >= UINT32_MAX / 4)
        return false;
    layout L = scratch_layout(parts, nseg);
    if (L.total > bytes)
        return false;
    char *p = mem;
    w->prep = (const GEOSPreparedGeometry **)(void *)(p + L.prep);
    w->s = (seg *)(void *)(p + L.s);
    w->flag = (uint8_t *)(p + L.flag);
    w->end = (uint32_t *)(void *)(p + L.end);
    w->slot = (uint32_t *)(void *)(p + L.slot);
    w->vref = (uint32_t *)(void *)(p + L.vref);
    w->deg = (uint32_t *)(void *)(p + L.deg);
    w->off = (uint32_t *)(void *)(p + L.off);
    w->adj = (uint32_t *)(void *)(p + L.adj);
    w->xy = (double *)(void *)(p + L.xy);
    w->lines = (const GEOSGeometry **)(void *)(p + L.lines);
    w->nseg_max = nseg;
    w->cap = hash_slots(nseg);
    return true;
}

/* --- the coverage union ----------------------------------------------------
 */

static uint64_t bits(double d) {
    uint64_t u;
    if (d == 0)
        d = 0; /* -0 and +0 are the same coordinate */
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t hash_point(double x, double y) {
    return ws__mix64(bits(x) ^ ws__mix64(bits(y) + 0x9e3779b97f4a7c15ULL));
}

static bool before(double ax, double ay, double bx, double by) {
    return ax < bx || (ax == bx && ay < by);
}

static bool polygonal(GEOSContextHandle_t h, const GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

/* The segments of one ring, each with its ends in order; zero-length ones
 * (repeated points) are left out. */
static bool ring_segments(GEOSContextHandle_t h, const GEOSGeometry *ring,
                          scratch *w, size_t *n) {
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned int nc = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &nc))
        return false;
    double px = 0, py = 0;
    for (unsigned int k = 0; k < nc; k++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(h, cs, k, &x, &y) || !isfinite(x) ||
            !isfinite(y))
            return false;
        if (k > 0 && !(x == px && y == py)) {
            if (*n >= w->nseg_max)
                return false;
            seg *s = &w->s[(*n)++];
            if (before(px, py, x, y))
                *s = (seg){px, py, x, y};
            else
                *s = (seg){x, y, px, py};
        }
        px = x;
        py = y;
    }
    return true;
}

/* The segments of every ring of one polygonal part. */
static bool part_segments(GEOSContextHandle_t h, const GEOSGeometry *part,
                          scratch *w, size_t *n) {
    if (!polygonal(h, part))
        return false;
    for (int j = 0; j < GEOSGetNumGeometries_r(h, part); j++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, part, j);
        int nh = GEOSGetNumInteriorRings_r(h, poly);
        if (nh < 0 || !ring_segments(h, GEOSGetExteriorRing_r(h, poly), w, n))
            return false;
        for (int r = 0; r < nh; r++)
            if (!ring_segments(h, GEOSGetInteriorRingN_r(h, poly, r), w, n))
                return false;
    }
    return true;
}

static bool extract_segments(GEOSContextHandle_t h, const GEOSGeometry *coll,
                             scratch *w, size_t *n) {
    *n = 0;
    for (int i = 0; i < GEOSGetNumGeometries_r(h, coll); i++)
        if (!part_segments(h, GEOSGetGeometryN_r(h, coll, i), w, n))
            return false;
    return true;
}

/* Union (dedupe false): a segment stays when it occurs an odd number of
 * times (once, in a clean coverage: on the outline). Edges (dedupe true):
 * every distinct segment stays. Its first occurrence represents it. */
static void mark_segments(scratch *w, size_t n, bool dedupe) {
    size_t mask = w->cap - 1;
    memset(w->slot, 0, w->cap * sizeof *w->slot);
    for (size_t i = 0; i < n; i++) {
        const seg *s = &w->s[i];
        size_t k = (size_t)ws__mix64(hash_point(s->ax, s->ay) ^
                                     (hash_point(s->bx, s->by) << 1)) &
                   mask;
        w->flag[i] = 0;
        for (;; k = (k + 1) & mask) {
            if (w->slot[k] == 0) {
                w->slot[k] = (uint32_t)i + 1;
                w->flag[i] = SEG_FIRST | SEG_ODD;
                break;
            }
            const seg *t = &w->s[w->slot[k] - 1];
            if (t->ax == s->ax && t->ay == s->ay && t->bx == s->bx &&
                t->by == s->by) {
                if (!dedupe)
                    w->flag[w->slot[k] - 1] ^= SEG_ODD;
                break;
            }
        }
    }
}

static bool kept(const scratch *w, size_t i) {
    return (w->flag[i] & (SEG_FIRST | SEG_ODD)) == (SEG_FIRST | SEG_ODD);
}

static void end_xy(const scratch *w, uint32_t ref, double *x, double *y) {
    const seg *s = &w->s[ref / 2];
    *x = ref & 1 ? s->bx : s->ax;
    *y = ref & 1 ? s->by : s->ay;
}

/* Number the ends of the kept segments as vertices, with their degrees and
 * incident segments. Returns the number of vertices. */
static size_t build_vertices(scratch *w, size_t n) {
    size_t mask = w->cap - 1, nv = 0;
    memset(w->slot, 0, w->cap * sizeof *w->slot);
    for (size_t i = 0; i < n; i++) {
        if (!kept(w, i))
            continue;
        for (uint32_t e = 0; e < 2; e++) {
            double x, y;
            end_xy(w, (uint32_t)(2 * i + e), &x, &y);
            size_t k = (size_t)hash_point(x, y) & mask;
            for (;; k = (k + 1) & mask) {
                if (w->slot[k] == 0) {
                    w->slot[k] = (uint32_t)nv + 1;
                    w->vref[nv] = (uint32_t)(2 * i + e);
                    w->deg[nv] = 0;
                    nv++;
                    break;
                }
                double vx, vy;
                end_xy(w, w->vref[w->slot[k] - 1], &vx, &vy);
                if (vx == x && vy == y)
                    break;
            }
            uint32_t v = w->slot[k] - 1;
            w->end[2 * i + e] = v;
            w->deg[v]++;
        }
    }
    w->off[0] = 0;
    for (size_t v = 0; v < nv; v++)
        w->off[v + 1] = w->off[v] + w->deg[v];
    for (size_t v = 0; v < nv; v++)
        w->deg[v] = 0; /* refilled below as a cursor */
    for (size_t i = 0; i < n; i++)
        if (kept(w, i))
            for (int e = 0; e < 2; e++) {
                uint32_t v = w->end[2 * i + (size_t)e];
                w->adj[w->off[v] + w->deg[v]++] = (uint32_t)i;
            }
    return nv;
}

static void push_vertex(scratch *w, size_t *np, uint32_t v) {
    double x, y;
    end_xy(w, w->vref[v], &x, &y);
    w->xy[2 * *np] = x;
    w->xy[2 * *np + 1] = y;
    (*np)++;
}

/* Walk from vertex v0 along segment s0 through vertices of degree 2 until
 * a vertex of another degree or v0 again; the line becomes a GEOS line. */
static GEOSGeometry *walk(GEOSContextHandle_t h, scratch *w, uint32_t v0,
                          uint32_t s0) {
    size_t np = 0;
    uint32_t v = v0, s = s0;
    push_vertex(w, &np, v);
    for (;;) {
        w->flag[s] |= SEG_SEEN;
        v = w->end[2 * s] == v ? w->end[2 * s + 1] : w->end[2 * s];
        push_vertex(w, &np, v);
        if (w->deg[v] != 2 || v == v0)
            break;
        uint32_t a = w->adj[w->off[v]], b = w->adj[w->off[v] + 1];
        s = a == s ? b : a;
        if (w->flag[s] & SEG_SEEN)
            break;
    }
    GEOSCoordSequence *cs =
        GEOSCoordSeq_copyFromBuffer_r(h, w->xy, (unsigned)np, 0, 0);
    return cs ? GEOSGeom_createLineString_r(h, cs) : NULL;
}

/* The kept segments joined into lines that end where more or fewer than
 * two of them meet, or are closed. Returns the number of lines, or -1. */
static long join_lines(GEOSContextHandle_t h, scratch *w, size_t n, size_t nv) {
    size_t nl = 0;
    bool ok = true;
    for (uint32_t v = 0; ok && v < nv; v++) {
        if (w->deg[v] == 2)
            continue;
        for (uint32_t k = w->off[v]; ok && k < w->off[v + 1]; k++) {
            uint32_t s = w->adj[k];
            if (w->flag[s] & SEG_SEEN)
                continue;
            GEOSGeometry *l = walk(h, w, v, s);
            ok = l != NULL;
            if (l)
                w->lines[nl++] = l;
        }
    }
    for (size_t i = 0; ok && i < n; i++) {
        if (!kept(w, i) || (w->flag[i] & SEG_SEEN))
            continue;
        GEOSGeometry *l = walk(h, w, w->end[2 * i], (uint32_t)i);
        ok = l != NULL;
        if (l)
            w->lines[nl++] = l;
    }
    if (!ok) {
        for (size_t i = 0; i < nl; i++)
            GEOSGeom_destroy_r(h, (GEOSGeometry *)w->lines[i]);
        return -1;
    }
    return (long)nl;
}

static GEOSGeometry *coverage_union(GEOSContextHandle_t h,
                                    const GEOSGeometry *coll, scratch *w) {
    size_t n;
    if (!extract_segments(h, coll, w, &n))
        return NULL;
    mark_segments(w, n, false);
    size_t nv = build_vertices(w, n);
    long nl = join_lines(h, w, n, nv);
    if (nl < 0)
        return NULL;
    GEOSGeometry *u = GEOSPolygonize_valid_r(h, w->lines, (unsigned)nl);
    for (long i = 0; i < nl; i++)
        GEOSGeom_destroy_r(h, (GEOSGeometry *)w->lines[i]);
    return u;
}

/* --- is it the union? ---------------------------------------------------- */

typedef struct vertex_probe {
    GEOSContextHandle_t h;
    const GEOSGeometry *coll;
    const GEOSPreparedGeometry **prep; /* lazily prepared, per part */
    const GEOSGeometry *point;
    bool inside; /* the point lies in the interior of some part */
    bool failed;
} vertex_probe;

static void probe_part(void *item, void *user) {
    vertex_probe *vp = user;
    int i = (int)((uintptr_t)item - 1);
    if (vp->inside || vp->failed)
        return;
    if (!vp->prep[i])
        vp->prep[i] =
            GEOSPrepare_r(vp->h, GEOSGetGeometryN_r(vp->h, vp->coll, i));
    char r = vp->prep[i]
                 ? GEOSPreparedContainsProperly_r(vp->h, vp->prep[i], vp->point)
                 : 2;
    if (r == 1)
        vp->inside = true;
    else if (r != 0)
        vp->failed = true;
}

static void probe_ring(vertex_probe *vp, GEOSSTRtree *tree,
                       const GEOSGeometry *ring) {
    GEOSContextHandle_t h = vp->h;
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned int nc = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &nc)) {
        vp->failed = true;
        return;
    }
    for (unsigned int k = 0; k + 1 < nc && !vp->inside && !vp->failed; k++) {
        double x, y;
        GEOSGeometry *pt = GEOSCoordSeq_getXY_r(h, cs, k, &x, &y)
                               ? GEOSGeom_createPointFromXY_r(h, x, y)
                               : NULL;
        if (!pt) {
            vp->failed = true;
            return;
        }
        vp->point = pt;
        GEOSSTRtree_query_r(h, tree, pt, probe_part, vp);
        GEOSGeom_destroy_r(h, pt);
    }
}

/* Does a vertex of `u` lie in the interior of one of the parts? In a clean
 * coverage every vertex left after the shared edges cancel is on the
 * outline; one inside a part means that two parts overlap (by a sliver too
 * thin for the area test, say). */
static bool vertex_inside_a_part(GEOSContextHandle_t h, const GEOSGeometry *u,
                                 const GEOSGeometry *coll, int n,
                                 const GEOSPreparedGeometry **prep) {
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    if (!tree)
        return true;
    for (int i = 0; i < n; i++) {
        prep[i] = NULL;
        GEOSSTRtree_insert_r(h, tree, GEOSGetGeometryN_r(h, coll, i),
                             (void *)(uintptr_t)(i + 1));
    }
    vertex_probe vp = {h, coll, prep, NULL, false, false};
    int np = GEOSGetNumGeometries_r(h, u);
    for (int p = 0; p < np && !vp.inside && !vp.failed; p++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, u, p);
        int nh = GEOSGetNumInteriorRings_r(h, poly);
        probe_ring(&vp, tree, GEOSGetExteriorRing_r(h, poly));
        for (int r = 0; r < nh && !vp.inside && !vp.failed; r++)
            probe_ring(&vp, tree, GEOSGetInteriorRingN_r(h, poly, r));
    }
    GEOSSTRtree_destroy_r(h, tree);
    for (int i = 0; i < n; i++)
        if (prep[i]) {
            GEOSPreparedGeom_destroy_r(h, prep[i]);
            prep[i] = NULL;
        }
    return vp.inside || vp.failed;
}

/* Is `u`, the coverage union of `coll`, the union of its parts? It must be
 * valid and polygonal, have the parts' total area (nothing overlaps, nothing
 * fell out), and no vertex of it may lie inside a part. */
static bool coverage_result_ok(GEOSContextHandle_t h, const GEOSGeometry *coll,
                               int n, const GEOSGeometry *u,
                               const GEOSPreparedGeometry **prep) {
    double a_in = 0, a_out = 0;
    if (!polygonal(h, u) || GEOSisEmpty_r(h, u) != 0 ||
        !GEOSArea_r(h, coll, &a_in) || !GEOSArea_r(h, u, &a_out) || !(a_in > 0))
        return false;
    /* the two sums differ by ~1e-14 relative at national scale */
    if (!(fabs(a_out - a_in) <= 1e-11 * a_in))
        return false;
    if (GEOSisValid_r(h, u) != 1)
        return false;
    return !vertex_inside_a_part(h, u, coll, n, prep);
}

GEOSGeometry *ws__polygon_union(GEOSContextHandle_t h, const GEOSGeometry *coll,
                                void *mem, size_t bytes, ws__union_kind kind,
                                ws__union_kind *used) {
    int n = GEOSGetNumGeometries_r(h, coll);
    int nv = GEOSGetNumCoordinates_r(h, coll);
    scratch w;
    bool room =
        n > 1 && nv > 0 && scratch_carve(&w, mem, bytes, (size_t)n, (size_t)nv);
    if (used)
        *used = WS_UNION_CLASSIC;
    if (kind == WS_UNION_COVERAGE) {
        if (used)
            *used = WS_UNION_COVERAGE;
        return room ? coverage_union(h, coll, &w) : NULL;
    }
    if (kind == WS_UNION_AUTO && room) {
        GEOSGeometry *u = coverage_union(h, coll, &w);
        if (u && coverage_result_ok(h, coll, n, u, w.prep)) {
            if (used)
                *used = WS_UNION_COVERAGE;
            return u;
        }
        if (u)
            GEOSGeom_destroy_r(h, u);
    }
    return GEOSUnaryUnion_r(h, coll);
}

/* --- the edges of a tiling ----------------------------------------------- */

GEOSGeometry *ws__polygon_edges(GEOSContextHandle_t h,
                                const GEOSGeometry *const *parts, size_t n,
                                void *mem, size_t bytes) {
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        int c = GEOSGetNumCoordinates_r(h, parts[i]);
        if (c < 0)
            return NULL;
        nv += (size_t)c;
    }
    scratch w;
    if (!scratch_carve(&w, mem, bytes, n, nv))
        return NULL;
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        if (!part_segments(h, parts[i], &w, &ns))
            return NULL;
    mark_segments(&w, ns, true);
    long nl = join_lines(h, &w, ns, build_vertices(&w, ns));
    if (nl < 0)
        return NULL;
    /* the collection takes the lines over */
    return GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING,
                                       (GEOSGeometry **)w.lines, (unsigned)nl);
}
