/* Static 2-d tree for nearest-neighbour and fixed-radius counting queries on
 * planar points (RD New metres). Internal to wijkscan; never installed.
 *
 * A tree is built once per amenity category and then queried read-only,
 * possibly from several threads at once: the query functions allocate
 * nothing and modify nothing. */
#ifndef WS_ACCESS_KDTREE_H
#define WS_ACCESS_KDTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wijkscan/context.h"

typedef struct ws_kdtree ws_kdtree;

/* Build a static 2-d tree over n points. The coordinates are copied (the
 * tree owns its own reordered copy), so the inputs may be freed afterwards.
 * n may be 0 (x and y may then be NULL). Non-finite coordinates are an error
 * (WS_ERR_DATA) naming the point index; a NULL out, or NULL x/y with n > 0,
 * is WS_ERR_INVALID_ARG; allocation failure is WS_ERR_NOMEM. On error *out
 * is NULL and nothing leaks. */
ws_status ws__kdtree_build(ws_ctx *ctx, const double *x, const double *y,
                           size_t n, ws_kdtree **out);

/* Free a tree built with ctx. NULL is a harmless no-op. */
void ws__kdtree_free(ws_ctx *ctx, ws_kdtree *t);

/* Number of points in the tree (0 for NULL). */
size_t ws__kdtree_size(const ws_kdtree *t);

/* Nearest point to (qx,qy). Returns false when the tree is empty (or NULL)
 * or the query has a non-finite coordinate; *index and *dist are then left
 * untouched. Otherwise *index is the index in the ORIGINAL input arrays and
 * *dist the Euclidean distance sqrt(dx*dx + dy*dy) (not squared). Ties
 * (equal squared distance as computed) resolve to the lowest original index,
 * so results do not depend on how the tree was built. Either output pointer
 * may be NULL. No allocation, no mutation: thread-safe. */
bool ws__kdtree_nearest(const ws_kdtree *t, double qx, double qy, size_t *index,
                        double *dist);

/* The same answer as ws__kdtree_nearest (same *dist), faster for a run of
 * nearby queries: *hint is a tree position from the previous call (SIZE_MAX
 * at first) and receives this answer's position. Thread-safe. */
bool ws__kdtree_nearest_hint(const ws_kdtree *t, double qx, double qy,
                             size_t *hint, double *dist);

/* Coordinates of the point at tree position pos (as from a hint). */
bool ws__kdtree_point(const ws_kdtree *t, size_t pos, double *x, double *y);

/* Every point p whose squared distance to the box {minx, miny, maxx, maxy}
 * (computed as for a query at p clamped into the box) is <= limit, sorted
 * by original index: original indexes into index[], coordinates into
 * xy[2*k]. Returns how many, or SIZE_MAX when more than max (the arrays
 * then hold a partial list). With limit >= the computed squared distance
 * from every query in the box to one tree point, the nearest point of each
 * such query (ties: lowest index) is among them. Thread-safe. */
size_t ws__kdtree_candidates(const ws_kdtree *t, const double box[4],
                             double limit, size_t max, size_t *index,
                             double *xy);

/* Number of points within distance r (inclusive) of (qx,qy), where the
 * distance is exactly the value ws__kdtree_nearest reports, so
 * count_within(q, nearest_dist(q)) >= 1 always holds. Returns 0 for a NULL
 * or empty tree, a NaN or negative r, or a non-finite query. Thread-safe. */
size_t ws__kdtree_count_within(const ws_kdtree *t, double qx, double qy,
                               double r);

#endif /* WS_ACCESS_KDTREE_H */
