/* Geometry shared by the stages: the union of polygons that tile (wijken
 * and gemeenten from their buurten when loading, wijk and gemeente lines
 * and label areas when mapping). */
#ifndef WS_GEOM_INTERNAL_H
#define WS_GEOM_INTERNAL_H

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

#endif /* WS_GEOM_INTERNAL_H */
