/* Unions of region polygons: wijken and gemeenten dissolved from their
 * buurten, and the regio outline from the gemeenten. CBS regions tile: a
 * shared edge is the same sequence of vertices in both neighbours, so the
 * union is what remains when every edge that occurs twice is dropped. That
 * is GEOS's coverage union, which needs no overlay and no noding. It is
 * trusted only when its result shows that the input was a clean coverage;
 * otherwise (overlaps, edges that do not match vertex for vertex) the
 * overlay union that wijkscan always used decides. Both give the same
 * polygons with the same vertices; only the order of the parts and the
 * first vertex of each ring may differ.
 *
 * Nothing here allocates through the context or records errors in it, so
 * it may run on any thread with a GEOS handle of its own. */
#include <math.h>
#include <stdint.h>

#include "load_internal.h"

static bool polygonal(GEOSContextHandle_t h, const GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

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
    for (int i = 0; i < n; i++)
        GEOSSTRtree_insert_r(h, tree, GEOSGetGeometryN_r(h, coll, i),
                             (void *)(uintptr_t)(i + 1));
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
                                const GEOSPreparedGeometry **prep,
                                ws__union_kind kind, ws__union_kind *used) {
    int n = GEOSGetNumGeometries_r(h, coll);
    if (used)
        *used = WS_UNION_CLASSIC;
    if (kind == WS_UNION_COVERAGE) {
        if (used)
            *used = WS_UNION_COVERAGE;
        return GEOSCoverageUnion_r(h, coll);
    }
    if (kind == WS_UNION_AUTO && n > 1 && prep) {
        GEOSGeometry *u = GEOSCoverageUnion_r(h, coll);
        if (u && coverage_result_ok(h, coll, n, u, prep)) {
            if (used)
                *used = WS_UNION_COVERAGE;
            return u;
        }
        if (u)
            GEOSGeom_destroy_r(h, u);
    }
    return GEOSUnaryUnion_r(h, coll);
}
