/* Geometry shared by the stages: the union of polygons that tile (wijken
 * and gemeenten from their buurten when loading, wijk and gemeente lines
 * and label areas when mapping), and their boundaries as a network (each
 * shared edge once, for the map's lines). */
#ifndef WS_GEOM_INTERNAL_H
#define WS_GEOM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <geos_c.h>

/* Unions of region polygons (polygon_union.c). */
typedef enum ws__union_kind {
    WS_UNION_AUTO,     /* coverage union where it is exact, else classic */
    WS_UNION_CLASSIC,  /* GEOS overlay union (GEOSUnaryUnion) */
    WS_UNION_COVERAGE, /* coverage union, unchecked (for tests) */
} ws__union_kind;
/* Bytes of working memory ws__polygon_union needs for a collection of
 * `parts` polygons with `vertices` coordinates in all. */
size_t ws__union_scratch_bytes(size_t parts, size_t vertices);
/* Union of the polygons in `coll` (a collection of valid polygons,
 * borrowed), with the GEOS handle `h`: safe on any thread, as it neither
 * allocates through a context nor records errors; `mem` is working memory
 * of `bytes` (ws__union_scratch_bytes; without enough, the overlay union).
 * WS_UNION_AUTO keeps the coverage union (shared edges cancel, the rest is
 * polygonised) only when its result is valid, has the parts' total area
 * and no vertex inside a part — so the parts tile, sharing their edges
 * vertex for vertex — and otherwise takes the overlay union; the two give
 * the same polygons, up to the order of the parts and the first vertex and
 * direction of each ring. *used (optional) says which union made the
 * result. NULL when GEOS fails (its message goes to h). */
GEOSGeometry *ws__polygon_union(GEOSContextHandle_t h, const GEOSGeometry *coll,
                                void *mem, size_t bytes, ws__union_kind kind,
                                ws__union_kind *used);
/* The boundary network of the polygons parts[0..n) (borrowed): every
 * distinct segment once, joined into lines that end where other than two
 * of them meet, as a MultiLineString. Where the polygons tile, a shared
 * edge is drawn once instead of once per neighbour; edges that do not
 * match vertex for vertex simply stay twice. `mem` as for
 * ws__polygon_union (ws__union_scratch_bytes of n and the vertex count).
 * NULL when the memory is too small, a part is not polygonal or GEOS
 * fails. Thread-safe in the same way. */
GEOSGeometry *ws__polygon_edges(GEOSContextHandle_t h,
                                const GEOSGeometry *const *parts, size_t n,
                                void *mem, size_t bytes);

/* A quick proof of validity (validity.c): true only when g, a Polygon or
 * MultiPolygon, is certainly valid by a stricter rule than OGC's (rings
 * that neither cross nor touch); false means "not proven", and
 * GEOSisValid_r decides. The scratch buffers grow with the largest
 * geometry and belong to one thread; they use malloc, and running out
 * only means "not proven". */
typedef struct ws__valid_scratch ws__valid_scratch;
ws__valid_scratch *ws__valid_scratch_new(void);
void ws__valid_scratch_free(ws__valid_scratch *s);
bool ws__certainly_valid(GEOSContextHandle_t h, const GEOSGeometry *g,
                         ws__valid_scratch *s);

#endif /* WS_GEOM_INTERNAL_H */
