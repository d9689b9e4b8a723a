/* Static 2-d tree for "distance to the nearest amenity" queries.
 *
 * Workload: one tree per amenity category (10^2..10^5 points) is built once
 * and then asked for the nearest point from millions of dwellings, in a
 * roughly spatial order, possibly from several threads. So the tree is
 * immutable after the build, and everything is laid out for cheap queries:
 *
 *  - The points are copied into one packed array xy[2n] (x0 y0 x1 y1 ...),
 *    reordered so that every subtree owns a contiguous range [lo, hi). A
 *    parallel array index[n] maps tree order back to the caller's order.
 *  - The tree is implicit: the root is node 1 and covers [0, n); node k
 *    covering [lo, hi) has children 2k and 2k+1 covering [lo, mid) and
 *    [mid, hi), mid = lo + (hi - lo) / 2. Ranges follow from the node number
 *    and n alone, so nodes store no pointers and no ranges, only a tight
 *    bounding box (32 bytes; two siblings share one cache line) and, in a
 *    separate array that only ties need, the lowest original index below.
 *    A node with at most KD_LEAF_SIZE points is a leaf bucket that queries
 *    scan linearly; its points are sorted by original index.
 *  - The build splits each range at its median (three-way quickselect,
 *    expected O(n) per level, robust against many equal coordinates) along
 *    the wider side of the node's bounding box: O(n log n) in total and a
 *    balanced tree of depth about log2(n / KD_LEAF_SIZE).
 *  - Queries walk the tree with a small fixed stack on the C stack (the
 *    depth is bounded, see KD_MAX_DEPTH), visiting the nearer child first
 *    and pruning with the squared distance from the query to a child's
 *    bounding box. Tight boxes prune better than split planes, in
 *    particular around clustered data.
 *  - Branches: box distances and leaf scans are branch-free (min/max and
 *    conditional moves), because their outcome is close to random. The
 *    descent itself keeps its branches on purpose: for spatially ordered
 *    queries they are well predicted, and a predicted branch lets the CPU
 *    fetch the next node before the comparison is known. A fully
 *    branch-free descent measured up to twice as slow.
 *
 * Exactness: the distance from a query to a box is computed with the same
 * subtraction and squaring as the distance to a point, and IEEE arithmetic
 * is monotone, so the box distance is never larger than the computed
 * distance of any point inside it. Pruning therefore never discards a point
 * that a brute-force scan would pick. Ties (equal squared distance) go to
 * the lowest original index; a subtree at exactly the best distance is only
 * visited when its min_index could still win, which keeps many duplicates
 * cheap. count_within compares squared distances against the largest d2 with
 * sqrt(d2) <= r, so it agrees exactly with the distance nearest() reports. */
#include "kdtree.h"

#include <math.h>
#include <stdint.h>

#include "../core/core_internal.h"

enum {
    /* Points per leaf bucket, chosen with tests/bench/bench_kdtree.c:
     * nearest() is flat from 16 to 48, count_within() gains a little more
     * from larger leaves. */
    KD_LEAF_SIZE = 16,
    /* Query stack size. The stacks hold at most depth + 1 frames and the
     * build refuses trees deeper than KD_MAX_DEPTH - 2 (unreachable: that
     * would take more than 2^64 points). */
    KD_MAX_DEPTH = 64,
    /* Ranges at most this long are finished by insertion sort. */
    KD_SELECT_SMALL = 16
};

/* Tight bounding box of a subtree. 32 bytes: the boxes of two siblings
 * (2k, 2k+1) share one 64-byte cache line. */
typedef struct kd_box {
    double minx, miny, maxx, maxy;
} kd_box;

struct ws_kdtree {
    size_t n;
    size_t n_nodes;    /* node slots; some leaf-level slots stay unused */
    double *xy;        /* 2n coordinates in tree order */
    size_t *index;     /* original index of each point in tree order */
    kd_box *box;       /* box[k] of node k; root 1, children 2k and 2k+1 */
    size_t *min_index; /* lowest original index below node k (ties only) */
    void *box_block;   /* allocation that box[] is aligned within */
};

/* A pending subtree during a query. */
typedef struct kd_frame {
    size_t node, lo, hi;
    double bound; /* squared distance from the query to the node's box */
} kd_frame;

/* Best candidate of a nearest-neighbour query. */
typedef struct kd_best {
    double d2;
    size_t index;
    size_t pos; /* tree position of the best point */
} kd_best;

/* ------------------------------------------------------------------------ */
/* Geometry helpers                                                          */

static inline size_t kd_mid(size_t lo, size_t hi) { return lo + (hi - lo) / 2; }

static inline double kd_point_d2(const double *p, double qx, double qy) {
    double dx = p[0] - qx;
    double dy = p[1] - qy;
    return dx * dx + dy * dy;
}

static inline double kd_max(double a, double b) { return a > b ? a : b; }
static inline double kd_min(double a, double b) { return a < b ? a : b; }

/* Squared distance from (qx,qy) to the nearest point of the box: a lower
 * bound of kd_point_d2 for every point inside (see the exactness note).
 * The query is clamped into the box with min/max, which compile to
 * branch-free instructions: which side of a box the query lies on is hard
 * to predict, and mispredicted branches used to dominate the query time. */
static inline double kd_box_near_d2(const kd_box *b, double qx, double qy) {
    double dx = kd_min(kd_max(qx, b->minx), b->maxx) - qx;
    double dy = kd_min(kd_max(qy, b->miny), b->maxy) - qy;
    return dx * dx + dy * dy;
}

/* Squared distance from (qx,qy) to the farthest corner of the box: an upper
 * bound of kd_point_d2 for every point inside. */
static inline double kd_box_far_d2(const kd_box *b, double qx, double qy) {
    double ax = qx - b->minx, bx = b->maxx - qx;
    double ay = qy - b->miny, by = b->maxy - qy;
    double dx = kd_max(ax, bx);
    double dy = kd_max(ay, by);
    return dx * dx + dy * dy;
}

/* ------------------------------------------------------------------------ */
/* Build                                                                     */

static inline double kd_key(const ws_kdtree *t, size_t i, size_t dim) {
    return t->xy[2 * i + dim];
}

static inline void kd_swap(ws_kdtree *t, size_t i, size_t j) {
    double x = t->xy[2 * i], y = t->xy[2 * i + 1];
    size_t k = t->index[i];
    t->xy[2 * i] = t->xy[2 * j];
    t->xy[2 * i + 1] = t->xy[2 * j + 1];
    t->index[i] = t->index[j];
    t->xy[2 * j] = x;
    t->xy[2 * j + 1] = y;
    t->index[j] = k;
}

static inline double kd_median3(double a, double b, double c) {
    if (a < b)
        return b < c ? b : (a < c ? c : a);
    return a < c ? a : (b < c ? c : b);
}

static void kd_insertion_sort(ws_kdtree *t, size_t lo, size_t hi, size_t dim) {
    for (size_t i = lo + 1; i < hi; i++)
        for (size_t j = i; j > lo && kd_key(t, j, dim) < kd_key(t, j - 1, dim);
             j--)
            kd_swap(t, j, j - 1);
}

/* Reorder [lo, hi) so that the point at k has the k-th smallest key along
 * dim, with no larger key before it and no smaller key after it. Three-way
 * partitioning around a median-of-three pivot: equal keys end in the middle
 * block, so ranges of identical coordinates finish in one pass. */
static void kd_select(ws_kdtree *t, size_t lo, size_t hi, size_t k,
                      size_t dim) {
    while (hi - lo > KD_SELECT_SMALL) {
        double pivot =
            kd_median3(kd_key(t, lo, dim), kd_key(t, kd_mid(lo, hi), dim),
                       kd_key(t, hi - 1, dim));
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double v = kd_key(t, i, dim);
            if (v < pivot)
                kd_swap(t, lt++, i++);
            else if (v > pivot)
                kd_swap(t, i, --gt);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
    kd_insertion_sort(t, lo, hi, dim);
}

/* Set the bounding box and min_index of node k from the points [lo, hi). */
static void kd_fill_node(ws_kdtree *t, size_t k, size_t lo, size_t hi) {
    kd_box b = {t->xy[2 * lo], t->xy[2 * lo + 1], t->xy[2 * lo],
                t->xy[2 * lo + 1]};
    size_t min_index = t->index[lo];
    for (size_t i = lo + 1; i < hi; i++) {
        double x = t->xy[2 * i], y = t->xy[2 * i + 1];
        if (x < b.minx)
            b.minx = x;
        if (x > b.maxx)
            b.maxx = x;
        if (y < b.miny)
            b.miny = y;
        if (y > b.maxy)
            b.maxy = y;
        if (t->index[i] < min_index)
            min_index = t->index[i];
    }
    t->box[k] = b;
    t->min_index[k] = min_index;
}

/* Sort the points of a leaf by original index (for kd_scan_leaf). */
static void kd_sort_leaf(ws_kdtree *t, size_t lo, size_t hi) {
    for (size_t i = lo + 1; i < hi; i++)
        for (size_t j = i; j > lo && t->index[j] < t->index[j - 1]; j--)
            kd_swap(t, j, j - 1);
}

/* Recursion depth equals the tree depth (< KD_MAX_DEPTH). */
static void kd_build_node(ws_kdtree *t, size_t k, size_t lo, size_t hi) {
    kd_fill_node(t, k, lo, hi);
    if (hi - lo <= KD_LEAF_SIZE) {
        kd_sort_leaf(t, lo, hi);
        return;
    }
    const kd_box *b = &t->box[k];
    size_t dim = (b->maxy - b->miny > b->maxx - b->minx) ? 1 : 0;
    size_t mid = kd_mid(lo, hi);
    kd_select(t, lo, hi, mid, dim);
    kd_build_node(t, 2 * k, lo, mid);
    kd_build_node(t, 2 * k + 1, mid, hi);
}

/* Depth of the tree over n points: the largest range at depth d holds
 * ceil(n / 2^d) points, and ranges stop splitting at KD_LEAF_SIZE. */
static size_t kd_depth(size_t n) {
    size_t depth = 0;
    while (n > KD_LEAF_SIZE) {
        n -= n / 2;
        depth++;
    }
    return depth;
}

static ws_status kd_check_finite(ws_ctx *ctx, const double *x, const double *y,
                                 size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return ws__error(ctx, WS_ERR_DATA,
                             "kd-tree: point %zu has a non-finite coordinate "
                             "(x=%g, y=%g)",
                             i, x[i], y[i]);
    return WS_OK;
}

/* ws__malloc of count * size bytes with an overflow check. */
static void *kd_alloc_array(ws_ctx *ctx, size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) {
        ws__error(ctx, WS_ERR_NOMEM, "kd-tree: out of memory (%zu x %zu bytes)",
                  count, size);
        return NULL;
    }
    return ws__malloc(ctx, count * size);
}

static ws_status kd_alloc_arrays(ws_ctx *ctx, ws_kdtree *t) {
    size_t depth = kd_depth(t->n);
    if (depth > KD_MAX_DEPTH - 2)
        return ws__error(ctx, WS_ERR_NOMEM, "kd-tree: too many points (%zu)",
                         t->n);
    t->n_nodes = (size_t)2 << depth; /* slot 0 unused */
    t->xy = kd_alloc_array(ctx, t->n, 2 * sizeof *t->xy);
    t->index = t->xy ? kd_alloc_array(ctx, t->n, sizeof *t->index) : NULL;
    t->min_index =
        t->index ? kd_alloc_array(ctx, t->n_nodes, sizeof *t->min_index) : NULL;
    /* two spare boxes (64 bytes) so that box[] can start on a cache line */
    t->box_block = t->min_index
                       ? kd_alloc_array(ctx, t->n_nodes + 2, sizeof *t->box)
                       : NULL;
    if (!t->box_block)
        return WS_ERR_NOMEM;
    size_t skip = (size_t)(-(uintptr_t)t->box_block & 63u);
    t->box = (kd_box *)(void *)((char *)t->box_block + skip);
    return WS_OK;
}

ws_status ws__kdtree_build(ws_ctx *ctx, const double *x, const double *y,
                           size_t n, ws_kdtree **out) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (!out)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "kd-tree: out is NULL");
    *out = NULL;
    if (n > 0 && (!x || !y))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "kd-tree: NULL coordinate array for %zu points", n);
    ws_status st = kd_check_finite(ctx, x, y, n);
    if (st != WS_OK)
        return st;

    ws_kdtree *t = ws__calloc(ctx, 1, sizeof *t);
    if (!t)
        return WS_ERR_NOMEM;
    t->n = n;
    if (n > 0) {
        st = kd_alloc_arrays(ctx, t);
        if (st != WS_OK) {
            ws__kdtree_free(ctx, t);
            return st;
        }
        for (size_t i = 0; i < n; i++) {
            t->xy[2 * i] = x[i];
            t->xy[2 * i + 1] = y[i];
            t->index[i] = i;
        }
        kd_build_node(t, 1, 0, n);
    }
    *out = t;
    return WS_OK;
}

void ws__kdtree_free(ws_ctx *ctx, ws_kdtree *t) {
    if (!t)
        return;
    ws__free(ctx, t->box_block);
    ws__free(ctx, t->min_index);
    ws__free(ctx, t->index);
    ws__free(ctx, t->xy);
    ws__free(ctx, t);
}

size_t ws__kdtree_size(const ws_kdtree *t) { return t ? t->n : 0; }

/* ------------------------------------------------------------------------ */
/* Nearest neighbour                                                         */

/* Could the subtree of frame f hold a better candidate than best? Only a
 * tie in distance needs the subtree's lowest original index. */
static inline bool kd_may_improve(const ws_kdtree *t, const kd_frame *f,
                                  const kd_best *best) {
    return f->bound < best->d2 ||
           (f->bound == best->d2 && t->min_index[f->node] < best->index);
}

/* Frame for child node k covering [lo, hi), bounded for query (qx,qy). */
static inline kd_frame kd_child(const ws_kdtree *t, size_t k, size_t lo,
                                size_t hi, double qx, double qy) {
    kd_frame f = {k, lo, hi, kd_box_near_d2(&t->box[k], qx, qy)};
    return f;
}

/* The points of a leaf are sorted by original index (see kd_build_node),
 * so the first point at the leaf's minimum distance has the lowest index of
 * the leaf's ties; the loop body is then free of branches. Only the leaf's
 * winner meets the full tie rule against best. */
static void kd_scan_leaf(const ws_kdtree *t, size_t lo, size_t hi, double qx,
                         double qy, kd_best *best) {
    double leaf_d2 = INFINITY;
    size_t leaf_i = lo;
    for (size_t i = lo; i < hi; i++) {
        double d2 = kd_point_d2(&t->xy[2 * i], qx, qy);
        bool closer = d2 < leaf_d2;
        leaf_d2 = closer ? d2 : leaf_d2;
        leaf_i = closer ? i : leaf_i;
    }
    if (leaf_d2 < best->d2 ||
        (leaf_d2 == best->d2 && t->index[leaf_i] < best->index)) {
        best->d2 = leaf_d2;
        best->index = t->index[leaf_i];
        best->pos = leaf_i;
    }
}

/* Walk down from frame f to a leaf, always into the nearer child, pushing
 * the farther child when it may still improve on best; then scan the leaf. */
static void kd_descend(const ws_kdtree *t, kd_frame f, double qx, double qy,
                       kd_best *best, kd_frame *stack, size_t *sp) {
    while (f.hi - f.lo > KD_LEAF_SIZE) {
        size_t mid = kd_mid(f.lo, f.hi);
        kd_frame a = kd_child(t, 2 * f.node, f.lo, mid, qx, qy);
        kd_frame b = kd_child(t, 2 * f.node + 1, mid, f.hi, qx, qy);
        bool a_first = a.bound <= b.bound;
        const kd_frame *near = a_first ? &a : &b;
        const kd_frame *far = a_first ? &b : &a;
        if (kd_may_improve(t, far, best))
            stack[(*sp)++] = *far;
        if (!kd_may_improve(t, near, best))
            return;
        f = *near;
    }
    kd_scan_leaf(t, f.lo, f.hi, qx, qy, best);
}

/* The search proper. A hint (a tree position, or SIZE_MAX) starts it with
 * that point as the best so far: a real candidate, so the search still
 * returns the same point (the lowest squared distance, then the lowest
 * original index), but prunes far more for nearby consecutive queries. */
static kd_best kd_nearest(const ws_kdtree *t, double qx, double qy,
                          size_t hint) {
    kd_best best = {INFINITY, SIZE_MAX, SIZE_MAX};
    if (hint < t->n) {
        best.d2 = kd_point_d2(&t->xy[2 * hint], qx, qy);
        best.index = t->index[hint];
        best.pos = hint;
    }
    kd_frame stack[KD_MAX_DEPTH];
    size_t sp = 0;
    kd_descend(t, kd_child(t, 1, 0, t->n, qx, qy), qx, qy, &best, stack, &sp);
    while (sp > 0) {
        const kd_frame *f = &stack[--sp];
        if (kd_may_improve(t, f, &best))
            kd_descend(t, *f, qx, qy, &best, stack, &sp);
    }
    return best;
}

bool ws__kdtree_nearest(const ws_kdtree *t, double qx, double qy, size_t *index,
                        double *dist) {
    if (!t || t->n == 0 || !isfinite(qx) || !isfinite(qy))
        return false;
    kd_best best = kd_nearest(t, qx, qy, SIZE_MAX);
    if (index)
        *index = best.index;
    if (dist)
        *dist = sqrt(best.d2);
    return true;
}

bool ws__kdtree_nearest_hint(const ws_kdtree *t, double qx, double qy,
                             size_t *hint, double *dist) {
    if (!t || t->n == 0 || !isfinite(qx) || !isfinite(qy))
        return false;
    kd_best best = kd_nearest(t, qx, qy, *hint);
    *hint = best.pos;
    *dist = sqrt(best.d2);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Fixed-radius count                                                        */

/* The largest d2 with sqrt(d2) <= r (r >= 0), so that "d2 <= limit" is
 * exactly "distance <= r" for the distance nearest() reports. r * r is
 * within an ulp or two of it, so each loop runs at most a few times. */
static double kd_radius_limit_d2(double r) {
    if (isinf(r))
        return INFINITY;
    double t = r * r;
    while (t > 0.0 && sqrt(t) > r)
        t = nextafter(t, 0.0);
    for (;;) {
        double u = nextafter(t, INFINITY);
        if (isinf(u) || sqrt(u) > r)
            break;
        t = u;
    }
    return t;
}

static size_t kd_count_leaf(const ws_kdtree *t, size_t lo, size_t hi, double qx,
                            double qy, double limit) {
    size_t count = 0;
    for (size_t i = lo; i < hi; i++)
        count += (size_t)(kd_point_d2(&t->xy[2 * i], qx, qy) <= limit);
    return count;
}

size_t ws__kdtree_count_within(const ws_kdtree *t, double qx, double qy,
                               double r) {
    if (!t || t->n == 0 || !isfinite(qx) || !isfinite(qy) || !(r >= 0.0))
        return 0;
    double limit = kd_radius_limit_d2(r);
    size_t count = 0;
    kd_frame stack[KD_MAX_DEPTH];
    size_t sp = 0;
    stack[sp++] = (kd_frame){1, 0, t->n, 0.0};
    while (sp > 0) {
        kd_frame f = stack[--sp];
        const kd_box *nd = &t->box[f.node];
        if (kd_box_near_d2(nd, qx, qy) > limit)
            continue;
        if (kd_box_far_d2(nd, qx, qy) <= limit)
            count += f.hi - f.lo;
        else if (f.hi - f.lo <= KD_LEAF_SIZE)
            count += kd_count_leaf(t, f.lo, f.hi, qx, qy, limit);
        else {
            size_t mid = kd_mid(f.lo, f.hi);
            stack[sp++] = (kd_frame){2 * f.node + 1, mid, f.hi, 0.0};
            stack[sp++] = (kd_frame){2 * f.node, f.lo, mid, 0.0};
        }
    }
    return count;
}

/* ------------------------------------------------------------------------ */
/* Candidates for a block of queries                                         */

size_t ws__kdtree_candidates(const ws_kdtree *t, const double box[4],
                             double limit, size_t max, size_t *index,
                             double *xy) {
    if (!t || t->n == 0)
        return 0;
    const kd_box q = {box[0], box[1], box[2], box[3]};
    size_t count = 0;
    kd_frame stack[KD_MAX_DEPTH];
    size_t sp = 0;
    stack[sp++] = (kd_frame){1, 0, t->n, 0.0};
    while (sp > 0) {
        kd_frame f = stack[--sp];
        const kd_box *nd = &t->box[f.node];
        /* gap between the node's box and the query box: never more than
         * kd_box_near_d2(q, p) of a point p in the node (monotone rounding) */
        double gx = kd_max(0.0, kd_max(nd->minx - q.maxx, q.minx - nd->maxx));
        double gy = kd_max(0.0, kd_max(nd->miny - q.maxy, q.miny - nd->maxy));
        if (gx * gx + gy * gy > limit)
            continue;
        if (f.hi - f.lo <= KD_LEAF_SIZE) {
            for (size_t i = f.lo; i < f.hi; i++) {
                if (kd_box_near_d2(&q, t->xy[2 * i], t->xy[2 * i + 1]) > limit)
                    continue;
                if (count == max)
                    return SIZE_MAX;
                /* insertion by original index */
                size_t k = count++;
                while (k > 0 && index[k - 1] > t->index[i]) {
                    index[k] = index[k - 1];
                    xy[2 * k] = xy[2 * k - 2];
                    xy[2 * k + 1] = xy[2 * k - 1];
                    k--;
                }
                index[k] = t->index[i];
                xy[2 * k] = t->xy[2 * i];
                xy[2 * k + 1] = t->xy[2 * i + 1];
            }
            continue;
        }
        size_t mid = kd_mid(f.lo, f.hi);
        stack[sp++] = (kd_frame){2 * f.node + 1, mid, f.hi, 0.0};
        stack[sp++] = (kd_frame){2 * f.node, f.lo, mid, 0.0};
    }
    return count;
}

bool ws__kdtree_point(const ws_kdtree *t, size_t pos, double *x, double *y) {
    if (!t || pos >= t->n)
        return false;
    *x = t->xy[2 * pos];
    *y = t->xy[2 * pos + 1];
    return true;
}
