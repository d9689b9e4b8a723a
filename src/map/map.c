/* Map composition: options and style in, one page out. Reads the level from
 * the GeoPackage, classifies (pooled when asked), picks ColorBrewer colours,
 * fits the extent to the selected area (1 m = 1 m on both axes, at a round
 * scale on paper), lays out title block, map frame, legend panel and
 * footer, and draws through the renderer: context, class fills, missing
 * fills, water, boundaries per level (wijk and gemeente lines dissolved from
 * the mapped regions so they coincide), voorzieningen symbols, labels,
 * legend, scale bar, north arrow and source line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../export/export_internal.h"
#include "map_internal.h"

#ifndef WS_VERSION_STRING
#define WS_VERSION_STRING "0.0.0"
#endif

void ws_map_options_init(ws_map_options *opt) {
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->level = WS_LEVEL_BUURT;
    opt->method = -1;
    opt->landscape = -1;
}

ws_map_format ws_map_format_from_path(const char *path) {
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return WS_MAP_FORMAT_AUTO;
    if (ws__streq_nocase(dot, ".png"))
        return WS_MAP_FORMAT_PNG;
    if (ws__streq_nocase(dot, ".pdf"))
        return WS_MAP_FORMAT_PDF;
    if (ws__streq_nocase(dot, ".svg"))
        return WS_MAP_FORMAT_SVG;
    return WS_MAP_FORMAT_AUTO;
}

int ws_class_method_from_name(const char *name) {
    static const char *const names[] = {"quantile", "equal",  "jenks", "pretty",
                                        "headtail", "stddev", "manual"};
    for (int i = 0; name && i < 7; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

void ws__map_to_page(const ws_map_view *v, double X, double Y, double *x,
                     double *y) {
    *x = v->fx + (X - v->wx0) * v->s;
    *y = v->fy + (v->wy1 - Y) * v->s;
}

ws_status ws__map_avoid(ws_map_page *p, ws_box b) {
    if (ws__reserve(p->ctx, (void **)&p->avoid, &p->avoidcap, p->navoid + 1,
                    sizeof *p->avoid) != WS_OK)
        return WS_ERR_NOMEM;
    p->avoid[p->navoid++] = b;
    return WS_OK;
}

ws_font ws__map_font(const ws_map_style *st, const ws_font *f) {
    ws_font out = *f;
    if (!out.family)
        out.family = st->family;
    return out;
}

void ws__map_page_size(const ws_map_options *opt, const ws_map_style *st,
                       double *w_pt, double *h_pt, double *dpi) {
    *dpi = opt->dpi > 0 ? opt->dpi : st->dpi;
    if (opt->width_px > 0 && opt->height_px > 0) {
        /* a small image keeps a page of at least 560 pt across: its text
         * shrinks with it rather than the map disappearing */
        if (opt->dpi <= 0 && opt->width_px * 72.0 / *dpi < 560)
            *dpi = opt->width_px * 72.0 / 560;
        *w_pt = opt->width_px * 72.0 / *dpi;
        *h_pt = opt->height_px * 72.0 / *dpi;
        return;
    }
    double w = st->page_w_mm, h = st->page_h_mm;
    if (opt->page) {
        if (ws__streq_nocase(opt->page, "A3")) {
            w = 297;
            h = 420;
        } else if (ws__streq_nocase(opt->page, "A5")) {
            w = 148;
            h = 210;
        } else {
            w = 210;
            h = 297;
        }
    }
    bool landscape = opt->landscape >= 0 ? opt->landscape == 1 : st->landscape;
    if (landscape) {
        double t = w;
        w = h;
        h = t;
    }
    *w_pt = w * WS_MM;
    *h_pt = h * WS_MM;
}

/* --- paths from GEOS ---------------------------------------------------------
 */

typedef struct path_buf {
    ws_ctx *ctx;
    double grid; /* vertices on a grid of 1/grid pt (pb_grid) */
    double *xy;
    size_t nxy, capxy; /* doubles */
    size_t *rings;
    size_t nrings, caprings;
    bool *keep; /* simplification of one ring */
    size_t capkeep;
    size_t *stack;
    size_t capstack;
} path_buf;

static void pb_reset(path_buf *b) {
    b->nxy = 0;
    b->nrings = 0;
}

static void pb_free(path_buf *b) {
    ws__free(b->ctx, b->xy);
    ws__free(b->ctx, b->rings);
    ws__free(b->ctx, b->keep);
    ws__free(b->ctx, b->stack);
}

/* Squared distance of (px, py) from the line through a and b (from a when
 * they coincide). */
static double off_line2(double ax, double ay, double bx, double by, double px,
                        double py) {
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    if (l2 == 0)
        return (px - ax) * (px - ax) + (py - ay) * (py - ay);
    double c = dx * (py - ay) - dy * (px - ax);
    return c * c / l2;
}

/* Douglas–Peucker on the points xy[0..n) (page coordinates, pairs): keep[]
 * marks the points that stay, every dropped point within sqrt(tol2) of the
 * kept polyline. The first and last always stay; for a closed ring (first
 * = last) the farthest point from them splits it. Iterative, with the
 * spans to do on `stack` (2 × n entries). */
static void douglas_peucker(const double *xy, size_t n, double tol2, bool *keep,
                            size_t *stack) {
    memset(keep, 0, n * sizeof *keep);
    keep[0] = keep[n - 1] = true;
    size_t top = 0;
    stack[top++] = 0;
    stack[top++] = n - 1;
    while (top) {
        size_t e = stack[--top], a = stack[--top];
        double best = -1;
        size_t at = 0;
        for (size_t i = a + 1; i < e; i++) {
            double d = off_line2(xy[2 * a], xy[2 * a + 1], xy[2 * e],
                                 xy[2 * e + 1], xy[2 * i], xy[2 * i + 1]);
            if (d > best)
                best = d, at = i;
        }
        if (best > tol2) {
            keep[at] = true;
            stack[top++] = a;
            stack[top++] = at;
            stack[top++] = at;
            stack[top++] = e;
        }
    }
}

/* The grid a map's geometry is put on before it is simplified. In PDF and
 * SVG 1/8 pt (0.044 mm): a vertex moves at most 1/16 pt (0.022 mm) along
 * each axis, half a 600 dpi printer's dot and less than the simplification
 * tolerance below. Cairo 1.16 keeps coordinates in 1/256 pt, writes each
 * with up to three decimals and compresses the pages at a fixed zlib
 * level; on the grid the numbers are short and repeat, so W's 3-page PDF
 * is 26 % smaller and zlib, the largest cost of writing it, has less to
 * do. Neighbours keep their shared boundary: the same vertex lands on the
 * same grid point for both. Only the map's geometry: legends, symbols and
 * charts keep their shapes. In a PNG 0.01 pt, far below a pixel. */
static double pb_grid(const ws_renderer *r) { return r->vector ? 8 : 100; }

/* Append one ring in page coordinates, simplified for the page: points
 * closer than 0.15 pt to the last kept one are dropped, then Douglas–
 * Peucker drops those within 0.1 pt (0.035 mm, a tenth of a pixel at 72
 * dpi) of the simplified line. Detailed boundaries (a vertex every few
 * metres) shrink to what the eye can see, which is most of the cost of
 * filling, stroking and writing a national map; no point moves by more
 * than the tolerance. */
static ws_status pb_ring(path_buf *b, const ws_map_view *v,
                         const GEOSCoordSequence *seq, bool closed) {
    unsigned int n = 0;
    if (!GEOSCoordSeq_getSize_r(b->ctx->geos, seq, &n) || n < 2)
        return WS_OK;
    if (ws__reserve(b->ctx, (void **)&b->xy, &b->capxy, b->nxy + 2 * n,
                    sizeof *b->xy) != WS_OK ||
        ws__reserve(b->ctx, (void **)&b->rings, &b->caprings, b->nrings + 1,
                    sizeof *b->rings) != WS_OK ||
        ws__reserve(b->ctx, (void **)&b->keep, &b->capkeep, n,
                    sizeof *b->keep) != WS_OK ||
        ws__reserve(b->ctx, (void **)&b->stack, &b->capstack, 2 * (size_t)n,
                    sizeof *b->stack) != WS_OK)
        return WS_ERR_NOMEM;
    size_t start = b->nxy, kept = 0;
    for (unsigned int i = 0; i < n; i++) {
        double X, Y, x, y;
        GEOSCoordSeq_getXY_r(b->ctx->geos, seq, i, &X, &Y);
        ws__map_to_page(v, X, Y, &x, &y);
        x = round(x * b->grid) / b->grid;
        y = round(y * b->grid) / b->grid;
        if (kept > 0 && i + 1 < n) {
            double dx = x - b->xy[b->nxy - 2], dy = y - b->xy[b->nxy - 1];
            if (dx * dx + dy * dy < 0.0225)
                continue;
        }
        b->xy[b->nxy++] = x;
        b->xy[b->nxy++] = y;
        kept++;
    }
    if (kept > 2) {
        double *xy = b->xy + start;
        douglas_peucker(xy, kept, 0.01, b->keep, b->stack);
        size_t out = 0;
        for (size_t i = 0; i < kept; i++)
            if (b->keep[i]) {
                xy[2 * out] = xy[2 * i];
                xy[2 * out + 1] = xy[2 * i + 1];
                out++;
            }
        kept = out;
        b->nxy = start + 2 * kept;
    }
    if (closed && kept < 3) {
        b->nxy = start;
        return WS_OK;
    }
    b->rings[b->nrings++] = kept;
    return WS_OK;
}

static ws_status pb_geom(path_buf *b, const ws_map_view *v,
                         const GEOSGeometry *g) {
    GEOSContextHandle_t h = b->ctx->geos;
    int type = GEOSGeomTypeId_r(h, g);
    ws_status st = WS_OK;
    if (type == GEOS_POLYGON) {
        const GEOSGeometry *ext = GEOSGetExteriorRing_r(h, g);
        if (ext)
            st = pb_ring(b, v, GEOSGeom_getCoordSeq_r(h, ext), true);
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; st == WS_OK && i < nh; i++)
            st = pb_ring(
                b, v,
                GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i)),
                true);
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        st = pb_ring(b, v, GEOSGeom_getCoordSeq_r(h, g), false);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING ||
               type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; st == WS_OK && i < n; i++)
            st = pb_geom(b, v, GEOSGetGeometryN_r(h, g, i));
    }
    return st;
}

/* Draw geometry g (world coordinates) clipped to the view. Polygonal
 * geometries are filled/hatched/stroked; `outline_only` strokes them. */
static ws_status draw_geom(ws_map_page *p, path_buf *b, const GEOSGeometry *g,
                           const ws_paint *paint, bool lines) {
    GEOSContextHandle_t h = p->ctx->geos;
    const ws_map_view *v = &p->v;
    double m = 0.02 * (v->wx1 - v->wx0);
    double x0 = v->wx0 - m, y0 = v->wy0 - m, x1 = v->wx1 + m, y1 = v->wy1 + m;
    /* a geometry inside the view is drawn as it is: clipping would only
     * copy it (a national map shows every region whole) */
    double gx0, gy0, gx1, gy1;
    bool inside =
        GEOSGeom_getXMin_r(h, g, &gx0) && GEOSGeom_getYMin_r(h, g, &gy0) &&
        GEOSGeom_getXMax_r(h, g, &gx1) && GEOSGeom_getYMax_r(h, g, &gy1) &&
        gx0 > x0 && gy0 > y0 && gx1 < x1 && gy1 < y1;
    GEOSGeometry *c = inside ? NULL : GEOSClipByRect_r(h, g, x0, y0, x1, y1);
    if (!inside && !c)
        return ws__error(p->ctx, WS_ERR_GEOMETRY,
                         "map: clipping a geometry failed: %s",
                         p->ctx->geos_msg);
    pb_reset(b);
    ws_status st = pb_geom(b, v, inside ? g : c);
    if (c)
        GEOSGeom_destroy_r(h, c);
    if (st != WS_OK || b->nrings == 0)
        return st;
    ws_path path = {b->xy, b->rings, b->nrings, !lines};
    return p->r->path(p->r, &path, paint);
}

/* --- classification and colours ----------------------------------------------
 */

static bool starts_with(const char *s, const char *prefix) {
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

void ws__map_classify_options(const ws_map_options *o, const ws_map_style *st,
                              ws_classify_options *co) {
    ws_classify_options_init(co);
    co->method = o->method >= 0 ? (ws_class_method)o->method : st->method;
    co->k = o->classes ? o->classes : st->classes;
    if (o->n_breaks) {
        co->method = WS_CLASS_MANUAL;
        co->manual_breaks = o->breaks;
        co->n_manual = o->n_breaks;
    }
}

static ws_status classify(ws_map_page *p) {
    ws_map_data *d = p->d;
    ws_classify_options co;
    ws__map_classify_options(p->opt, p->st, &co);
    size_t nsets = d->npool ? d->npool : 1;
    double **v = ws__calloc(p->ctx, nsets, sizeof *v);
    size_t *n = ws__calloc(p->ctx, nsets, sizeof *n);
    ws_status st = v && n ? WS_OK : WS_ERR_NOMEM;
    for (size_t s = 0; st == WS_OK && s < nsets; s++) {
        v[s] = ws__malloc(p->ctx, (d->n ? d->n : 1) * sizeof **v);
        if (!v[s]) {
            st = WS_ERR_NOMEM;
            break;
        }
        for (size_t i = 0; i < d->n; i++)
            if (d->regions[i].in_pool)
                v[s][n[s]++] =
                    d->npool ? d->regions[i].pool[s] : d->regions[i].value;
    }
    if (st == WS_OK)
        st = ws_classify_pooled(p->ctx, (const double *const *)v, NULL, n,
                                nsets, &co, &p->classes);
    for (size_t s = 0; v && s < nsets; s++)
        ws__free(p->ctx, v[s]);
    ws__free(p->ctx, v);
    ws__free(p->ctx, n);
    if (st != WS_OK)
        return ws__status_or(p->ctx, st);
    /* classes of the regions */
    for (size_t i = 0; i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        r->cls = isnan(r->value) ? -1 : ws_classes_find(p->classes, r->value);
    }
    return WS_OK;
}

/* Colours for k classes of a ColorBrewer scheme; k < 3 takes spread colours
 * of the 3-class scheme, k > 9 interpolates the 9-class one. */
static void scheme_colors(const ws_palette_info *pi, size_t k, ws_rgba *out) {
    ws_rgba base[9];
    if (k >= 3 && k <= 9) {
        ws__palette_colors(pi, k, out);
        return;
    }
    if (k < 3) {
        ws__palette_colors(pi, 3, base);
        if (k == 1)
            out[0] = base[pi->type == WS_PALETTE_DIVERGING ? 1 : 2];
        else {
            out[0] = base[0];
            out[1] = base[2];
        }
        return;
    }
    ws__palette_colors(pi, 9, base);
    for (size_t i = 0; i < k; i++) {
        double t = (double)i * 8.0 / (double)(k - 1);
        size_t a = (size_t)floor(t);
        if (a >= 8)
            a = 7;
        double f = t - (double)a;
        out[i].r = base[a].r + f * (base[a + 1].r - base[a].r);
        out[i].g = base[a].g + f * (base[a + 1].g - base[a].g);
        out[i].b = base[a].b + f * (base[a + 1].b - base[a].b);
        out[i].a = 1;
    }
}

static bool same_color(ws_rgba a, ws_rgba b) {
    return fabs(a.r - b.r) + fabs(a.g - b.g) + fabs(a.b - b.b) < 0.03;
}

static int reason_rank(const ws_map_style *st, const char *reason) {
    for (size_t i = 1; i < st->nmissing; i++)
        if (strcmp(st->missing[i].reason, reason) == 0)
            return (int)i;
    return 1000;
}

static ws_status colours(ws_map_page *p) {
    const ws_map_style *st = p->st;
    const ws_classes *c = p->classes;
    bool score = starts_with(p->opt->column, "score_");
    bool div = score && st->scores_diverging;
    const char *name = div ? st->palette_diverging : st->palette_sequential;
    const ws_palette_info *pi = ws__palette_find(name);
    size_t k = c->nclasses;
    p->ncls = k;
    if (k > 0 && pi) {
        ws_rgba col[WS_CLASS_MAX_K + 24];
        bool flip = st->reverse;
        if (div && st->by_direction && p->lower_better)
            flip = !flip;
        /* a diverging scheme centred on a meaningful value (the style's
         * midpoint, e.g. 5,5 for report marks): the classes below it take
         * one side, those above the other, a class holding it the neutral
         * colour; the scheme is as wide as the longer side needs */
        size_t nl = 0, nh = 0;
        bool centred = div && !isnan(st->midpoint);
        if (centred) {
            for (size_t i = 0; i < k; i++) {
                double lo = i == 0 ? c->min : c->breaks[i - 1];
                if (c->breaks[i] < st->midpoint ||
                    (i + 1 == k ? false : c->breaks[i] == st->midpoint))
                    nl++;
                else if (i > 0 ? lo >= st->midpoint : c->min > st->midpoint)
                    nh++;
            }
            size_t M = nl > nh ? nl : nh, neutral = k - nl - nh;
            size_t m = 2 * M + (neutral ? 1 : 0);
            if (neutral > 1 || m > 9 || m < 3) {
                centred = false;
            } else {
                ws_rgba full[9];
                scheme_colors(pi, m, full);
                if (flip)
                    for (size_t i = 0; i < m / 2; i++) {
                        ws_rgba t = full[i];
                        full[i] = full[m - 1 - i];
                        full[m - 1 - i] = t;
                    }
                for (size_t i = 0; i < k; i++)
                    col[i] = i < nl ? full[M - nl + i]
                             : i < nl + neutral
                                 ? full[M]
                                 : full[M + neutral + (i - nl - neutral)];
            }
        }
        if (!centred) {
            scheme_colors(pi, k, col);
            if (flip)
                for (size_t i = 0; i < k / 2; i++) {
                    ws_rgba t = col[i];
                    col[i] = col[k - 1 - i];
                    col[k - 1 - i] = t;
                }
        }
        for (size_t i = 0; i < k; i++)
            p->cls[i].color = col[i];
        int blind = k >= 3 && k <= 9 ? ws__palette_blind(pi, k) : 1;
        if (blind == 0)
            ws__warn(p->ctx,
                     "map: palette %s with %zu classes is not colour-blind "
                     "safe (ColorBrewer); PuOr, RdBu or a sequential scheme "
                     "is",
                     pi->name, k);
        else if (blind == 2)
            ws__info(p->ctx,
                     "map: palette %s with %zu classes is only 'maybe' "
                     "colour-blind safe (ColorBrewer)",
                     pi->name, k);
        if (k > 9)
            ws__warn(p->ctx,
                     "map: %zu classes are hard to tell apart; ColorBrewer "
                     "schemes stop at 9",
                     k);
    }
    for (size_t i = 0; i < p->d->n; i++) {
        ws_map_region *r = &p->d->regions[i];
        if (r->selected && r->cls >= 0)
            p->cls[r->cls].count++;
    }
    /* missing classes: one per reason among the shown regions */
    for (size_t i = 0; i < p->d->n; i++) {
        ws_map_region *r = &p->d->regions[i];
        if (!r->selected || r->cls >= 0)
            continue;
        size_t j = 0;
        while (j < p->nmiss && strcmp(p->miss[j].reason, r->reason) != 0)
            j++;
        if (j == p->nmiss) {
            if (p->nmiss >= sizeof p->miss / sizeof p->miss[0])
                j = p->nmiss - 1; /* lump the rest into the last */
            else {
                p->nmiss++;
                p->miss[j].reason = r->reason;
                p->miss[j].label =
                    r->reason_label ? r->reason_label : r->reason;
                p->miss[j].paint = *ws__map_missing_paint(st, r->reason);
            }
        }
        p->miss[j].count++;
        r->miss = (long)j;
    }
    /* fixed order: the style's order of reasons, then alphabetical */
    for (size_t i = 1; i < p->nmiss; i++)
        for (size_t j = i; j > 0; j--) {
            ws_map_missing_class *a = &p->miss[j - 1], *b = &p->miss[j];
            int ra = reason_rank(st, a->reason),
                rb = reason_rank(st, b->reason);
            if (ra < rb || (ra == rb && strcmp(a->reason, b->reason) <= 0))
                break;
            ws_map_missing_class t = *a;
            *a = *b;
            *b = t;
        }
    for (size_t i = 0; i < p->d->n; i++) {
        ws_map_region *r = &p->d->regions[i];
        if (!r->selected || r->cls >= 0)
            continue;
        for (size_t j = 0; j < p->nmiss; j++)
            if (strcmp(p->miss[j].reason, r->reason) == 0)
                r->miss = (long)j;
    }
    /* a missing fill must never look like a data class */
    for (size_t j = 0; j < p->nmiss; j++)
        for (size_t i = 0; i < k; i++)
            if (p->miss[j].paint.fill &&
                p->miss[j].paint.hatch == WS_HATCH_NONE &&
                same_color(p->miss[j].paint.fill_color, p->cls[i].color)) {
                ws__warn(p->ctx,
                         "map: the fill of missing values '%s' looks like "
                         "class %zu; hatching it",
                         p->miss[j].reason, i + 1);
                p->miss[j].paint.hatch = WS_HATCH_DIAGONAL;
                p->miss[j].paint.hatch_color = (ws_rgba){0.35, 0.35, 0.35, 1};
                p->miss[j].paint.hatch_spacing = 3;
                p->miss[j].paint.hatch_width = 0.5;
            }
    return WS_OK;
}

/* A description of wijkscan's own columns for GeoPackages without a
 * wijkscan_indicatoren table (or without a row for the column): Dutch
 * label, definition, unit and direction. */
static ws_status describe_fallback(ws_map_page *p) {
    ws_map_data *d = p->d;
    const char *col = p->opt->column;
    if (d->label)
        return WS_OK;
    char label[256] = "", def[400] = "";
    const char *unit = NULL, *dir = NULL;
    char cat[64];
    int radius = 0;
    static const char *const themes[][2] = {
        {"score_gezond", "Score gezonde wijk"},
        {"score_informeel", "Score informele wijk"},
        {"score_inclusief", "Score inclusieve wijk"},
        {"score_vitaal", "Score vitale wijk"}};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(col, themes[i][0]) == 0) {
            snprintf(label, sizeof label, "%s", themes[i][1]);
            snprintf(def, sizeof def, "Rapportcijfer van 1 tot 10");
            unit = "cijfer";
            dir = "hoger_beter";
        }
    size_t n = strlen(col);
    if (!label[0] && starts_with(col, "afstand_") && n > 18 &&
        strcmp(col + n - 10, "_gemiddeld") == 0) {
        snprintf(cat, sizeof cat, "%.*s", (int)(n - 18), col + 8);
        snprintf(label, sizeof label, "Gemiddelde afstand tot %s", cat);
        snprintf(def, sizeof def,
                 "Hemelsbrede afstand van de woningen tot de dichtstbijzijnde "
                 "%s, gemiddeld over de woningen",
                 cat);
        unit = "m";
        dir = "lager_beter";
    } else if (!label[0] && starts_with(col, "aandeel_") &&
               sscanf(col + 8, "%63[a-z]_binnen_%dm", cat, &radius) == 2) {
        snprintf(label, sizeof label, "Woningen met een %s binnen %d m", cat,
                 radius);
        snprintf(def, sizeof def,
                 "Aandeel van de woningen met een %s binnen %d m "
                 "hemelsbreed",
                 cat, radius);
        unit = "aandeel";
        dir = "hoger_beter";
    } else if (!label[0]) {
        static const char *const known[][4] = {
            {"woningen", "Woningen", "aantal", ""},
            {"oppervlakte_gemiddeld", "Gemiddelde woonoppervlakte", "m²", ""},
            {"aandeel_oppervlakte_max_60", "Woningen van hoogstens 60 m²",
             "aandeel", ""},
            {"bouwjaar_gemiddeld", "Gemiddeld bouwjaar", "jaar", ""},
            {"aandeel_bouwjaar_vanaf_2000", "Woningen gebouwd vanaf 2000",
             "aandeel", ""},
            {"aandeel_gestapeld", "Gestapelde woningen", "aandeel",
             "Woningen in een pand met twee of meer woningen"},
            {"woningen_per_pand_gemiddeld", "Woningen per pand", "", ""},
            {"diversiteit_oppervlakte", "Diversiteit van woninggrootten", "",
             "Shannon-index over vijf oppervlakteklassen (0 = alle woningen "
             "even groot)"}};
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(col, known[i][0]) == 0) {
                snprintf(label, sizeof label, "%s", known[i][1]);
                unit = known[i][2][0] ? known[i][2] : NULL;
                snprintf(def, sizeof def, "%s", known[i][3]);
                dir = "context";
            }
    }
    if (!label[0])
        return WS_OK;
    d->label = ws__strdup(p->ctx, label);
    if (def[0] && !d->definition)
        d->definition = ws__strdup(p->ctx, def);
    if (unit && !d->unit)
        d->unit = ws__strdup(p->ctx, unit);
    if (dir && !d->direction)
        d->direction = ws__strdup(p->ctx, dir);
    if (!d->label || (def[0] && !d->definition) || (unit && !d->unit) ||
        (dir && !d->direction))
        return WS_ERR_NOMEM;
    return WS_OK;
}

/* Units and number format of the column. */
static void units(ws_map_page *p) {
    const ws_map_data *d = p->d;
    const char *col = p->opt->column;
    const char *u = d->unit;
    p->unit = "";
    p->unit_scale = 1;
    bool share = (u && (ws__streq_nocase(u, "aandeel") ||
                        ws__streq_nocase(u, "fractie"))) ||
                 (!u && starts_with(col, "aandeel_"));
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < d->n; i++)
        if (!isnan(d->regions[i].value) && d->regions[i].in_pool) {
            lo = fmin(lo, d->regions[i].value);
            hi = fmax(hi, d->regions[i].value);
        }
    if (share && lo >= 0 && hi <= 1) {
        p->unit = "%";
        p->unit_scale = 100;
    } else if (u && !ws__streq_nocase(u, "aandeel")) {
        p->unit = ws__streq_nocase(u, "cijfer") ||
                          ws__streq_nocase(u, "rapportcijfer") ||
                          ws__streq_nocase(u, "aantal") ||
                          ws__streq_nocase(u, "jaar")
                      ? ""
                      : u;
    } else if (starts_with(col, "afstand_")) {
        p->unit = "m";
    }
    /* decimals: scores one; otherwise from the class width */
    const ws_classes *c = p->classes;
    int dec = 0;
    if (starts_with(col, "score_")) {
        dec = 1;
    } else if (c && c->nclasses > 0 && hi > lo) {
        double step = (hi - lo) * p->unit_scale / (double)c->nclasses;
        dec = (int)ceil(-log10(step)) + 1;
        if (dec < 0)
            dec = 0;
        if (dec > 3)
            dec = 3;
    }
    /* more decimals until neighbouring breaks read differently */
    for (; c && dec < 4; dec++) {
        bool ok = true;
        double f = pow(10, dec);
        for (size_t i = 1; i < c->nclasses && ok; i++)
            ok = llround(c->breaks[i] * p->unit_scale * f) !=
                 llround(c->breaks[i - 1] * p->unit_scale * f);
        if (ok)
            break;
    }
    p->decimals = dec;
    /* discrete when every value is a multiple of 10^-dec */
    double f = pow(10, dec);
    p->discrete = true;
    for (size_t i = 0; i < d->n && p->discrete; i++) {
        double x = d->regions[i].value * p->unit_scale * f;
        if (!isnan(x))
            p->discrete = fabs(x - nearbyint(x)) < 1e-6;
    }
    if (d->direction) {
        p->higher_better = strcmp(d->direction, "hoger_beter") == 0;
        p->lower_better = strcmp(d->direction, "lager_beter") == 0;
    } else {
        /* without a description: scores are better when higher,
         * distances when lower */
        p->higher_better = starts_with(col, "score_");
        p->lower_better = starts_with(col, "afstand_");
    }
}

/* --- extent ------------------------------------------------------------------
 */

/* The next round scale: two significant digits (1 : 260.000). */
static double round_scale(double denom) {
    double e = pow(10, floor(log10(denom)) - 1);
    return ceil(denom / e * (1 - 1e-12)) * e;
}

/* Extent of the selected regions with the style's padding; false when
 * none has a geometry. */
static bool selected_extent(const ws_map_page *p, double *ex0, double *ey0,
                            double *ex1, double *ey1) {
    GEOSContextHandle_t h = p->ctx->geos;
    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    for (size_t i = 0; i < p->d->n; i++) {
        const ws_map_region *r = &p->d->regions[i];
        double a, b, c, d;
        if (!r->selected || !r->geom)
            continue;
        if (!GEOSGeom_getXMin_r(h, r->geom, &a) ||
            !GEOSGeom_getYMin_r(h, r->geom, &b) ||
            !GEOSGeom_getXMax_r(h, r->geom, &c) ||
            !GEOSGeom_getYMax_r(h, r->geom, &d))
            continue;
        x0 = fmin(x0, a);
        y0 = fmin(y0, b);
        x1 = fmax(x1, c);
        y1 = fmax(y1, d);
    }
    if (!(x1 > x0) || !(y1 > y0))
        return false;
    double pad = p->st->padding * fmax(x1 - x0, y1 - y0);
    *ex0 = x0 - pad;
    *ex1 = x1 + pad;
    *ey0 = y0 - pad;
    *ey1 = y1 + pad;
    return true;
}

double ws__map_fit_scale(const ws_map_page *p, double fw, double fh) {
    double x0, y0, x1, y1;
    if (!selected_extent(p, &x0, &y0, &x1, &y1))
        return 0;
    return fmin(fw / (x1 - x0), fh / (y1 - y0));
}

double ws__map_paper_scale(double s, double *denom) {
    double d = round_scale(72.0 / (s * 0.0254));
    if (denom)
        *denom = d;
    return 72.0 / (d * 0.0254);
}

ws_status ws__map_fit(ws_map_page *p, double fx, double fy, double fw,
                      double fh, bool paper, double force_s) {
    double x0, y0, x1, y1;
    if (!selected_extent(p, &x0, &y0, &x1, &y1))
        return ws__error(p->ctx, WS_ERR_DATA_EMPTY,
                         "%s: no regions with a geometry to map",
                         p->opt->gpkg_path);
    double s = force_s > 0 ? force_s : fmin(fw / (x1 - x0), fh / (y1 - y0));
    p->scale_ratio = 0;
    if (paper)
        s = ws__map_paper_scale(s, &p->scale_ratio);
    double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    p->v = (ws_map_view){fx,
                         fy,
                         fw,
                         fh,
                         cx - fw / (2 * s),
                         cy - fh / (2 * s),
                         cx + fw / (2 * s),
                         cy + fh / (2 * s),
                         s};
    return WS_OK;
}

static int cmp_area(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* --- dissolved boundaries
 * ------------------------------------------------------ */

/* Vertices in parts[0..n), for sizing the union's working memory. */
static size_t coordinate_count(GEOSContextHandle_t h,
                               const GEOSGeometry *const *parts, size_t n) {
    size_t nv = 0;
    for (size_t k = 0; k < n; k++) {
        int c = GEOSGetNumCoordinates_r(h, parts[k]);
        nv += c > 0 ? (size_t)c : 0;
    }
    return nv;
}

GEOSGeometry *ws__map_union(ws_map_page *p, GEOSGeometry **parts, size_t n) {
    GEOSContextHandle_t h = p->ctx->geos;
    size_t nv = coordinate_count(h, (const GEOSGeometry *const *)parts, n);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION,
                                                     parts, (unsigned int)n);
    if (!coll) {
        for (size_t k = 0; k < n; k++)
            GEOSGeom_destroy_r(h, parts[k]);
        return NULL;
    }
    size_t bytes = ws__union_scratch_bytes(n, nv);
    void *mem = ws__malloc(p->ctx, bytes); /* NULL: the overlay union */
    GEOSGeometry *u =
        ws__polygon_union(h, coll, mem, mem ? bytes : 0, WS_UNION_AUTO, NULL);
    ws__free(p->ctx, mem);
    GEOSGeom_destroy_r(h, coll);
    return u;
}

const GEOSGeometry *ws__map_outline(ws_map_page *p, int k, size_t first) {
    GEOSGeometry **cache = p->outline[k];
    if (cache && cache[first])
        return cache[first];
    GEOSContextHandle_t h = p->ctx->geos;
    ws_map_data *d = p->d;
    const size_t *next = k ? d->next_gemeente : d->next_wijk;
    if (ws__map_group_outlines(p->ctx, p->opt, d, k) != WS_OK)
        return NULL;
    if (d->group_geom[k] && d->group_geom[k][first]) {
        bool whole = true; /* every region of the group on the map */
        for (size_t j = first; whole && j != SIZE_MAX; j = next[j])
            whole = d->regions[j].selected && d->regions[j].geom;
        if (whole)
            return cache[first] = GEOSGeom_clone_r(h, d->group_geom[k][first]);
    }
    GEOSGeometry **parts =
        ws__malloc(p->ctx, (d->n ? d->n : 1) * sizeof *parts);
    if (!parts)
        return NULL;
    size_t np = 0;
    for (size_t j = first; j != SIZE_MAX; j = next[j]) {
        const ws_map_region *r = &d->regions[j];
        if (r->selected && r->geom &&
            (parts[np] = GEOSGeom_clone_r(h, r->geom)) != NULL)
            np++;
    }
    GEOSGeometry *u = ws__map_union(p, parts, np);
    ws__free(p->ctx, parts);
    if (!u) {
        const ws_map_region *r = &d->regions[first];
        ws__error(p->ctx, WS_ERR_GEOMETRY, "map: dissolving %s failed: %s",
                  k ? r->gemeentecode : r->wijkcode, p->ctx->geos_msg);
        return NULL;
    }
    cache[first] = u;
    return u;
}

/* The parts whose edges make the lines of level k: the selected regions
 * (k 0), or the dissolved outline of every wijk (k 1) or gemeente (k 2)
 * of them. Sets *np; the parts are borrowed. */
static const GEOSGeometry **edge_parts(ws_map_page *p, int k, size_t *np) {
    ws_map_data *d = p->d;
    const GEOSGeometry **parts =
        ws__malloc(p->ctx, (d->n ? d->n : 1) * sizeof *parts);
    bool *done = k ? ws__calloc(p->ctx, d->n ? d->n : 1, sizeof *done) : NULL;
    *np = 0;
    if (!parts || (k && !done)) {
        ws__free(p->ctx, parts);
        ws__free(p->ctx, done);
        return NULL;
    }
    const size_t *next = k == 2 ? d->next_gemeente : d->next_wijk;
    for (size_t i = 0; parts && i < d->n; i++) {
        const ws_map_region *r = &d->regions[i];
        if (!r->geom || !r->selected)
            continue;
        if (k == 0) {
            parts[(*np)++] = r->geom;
            continue;
        }
        if (done[i] || !(k == 2 ? r->gemeentecode : r->wijkcode))
            continue;
        for (size_t j = i; j != SIZE_MAX; j = next[j])
            done[j] = true;
        const GEOSGeometry *u = ws__map_outline(p, k - 1, i);
        if (!u) {
            ws__free(p->ctx, parts);
            parts = NULL;
        } else {
            parts[(*np)++] = u;
        }
    }
    ws__free(p->ctx, done);
    return parts;
}

/* The lines of level k, made anew; NULL (error set) when that fails. */
static GEOSGeometry *build_edges(ws_map_page *p, int k) {
    GEOSContextHandle_t h = p->ctx->geos;
    size_t n = 0;
    const GEOSGeometry **parts = edge_parts(p, k, &n);
    if (!parts)
        return NULL;
    size_t bytes = ws__union_scratch_bytes(n, coordinate_count(h, parts, n));
    void *mem = ws__malloc(p->ctx, bytes);
    GEOSGeometry *e = mem ? ws__polygon_edges(h, parts, n, mem, bytes) : NULL;
    if (mem && !e)
        ws__error(p->ctx, WS_ERR_GEOMETRY,
                  "map: the boundaries of the %s failed: %s",
                  k == 0   ? "regions"
                  : k == 1 ? "wijken"
                           : "gemeenten",
                  p->ctx->geos_msg);
    ws__free(p->ctx, mem);
    ws__free(p->ctx, parts);
    return e;
}

/* The lines of level k (see ws_map_page.edges), made once: per context,
 * or for a dataset drawn from memory once for all threads (at NL the
 * gemeente lines took each map thread 0.24 s). */
static const GEOSGeometry *level_edges(ws_map_page *p, int k) {
    if (p->edges[k])
        return p->edges[k];
    if (ws__map_can_share(p))
        return ws__map_shared_edges(p, k, build_edges);
    return p->edges[k] = build_edges(p, k);
}

/* Scale-dependent boundaries, as a cartographer sets them in QGIS: a
 * boundary is drawn only where its regions are at least OUTLINE_MIN_SIDE
 * across on the page, and never wider than 1/OUTLINE_WIDTH_RATIO of
 * that, so that on a map of the whole country the lines of 15,000 buurten
 * and 3,000 wijken do not bury the colours (and are not dissolved for
 * nothing). The typical size is the median region of the mapped level, and
 * the mean wijk or gemeente (the selected area over their number). */
#define OUTLINE_MIN_SIDE 8.0 /* pt, about 3 mm */
#define OUTLINE_WIDTH_RATIO 40.0

/* level -1: the mapped regions; 1 wijken, 2 gemeenten. Sets paint->stroke
 * false when the boundary is not drawn at this scale. */
static ws_status boundary_paint(ws_map_page *p, int level, ws_paint *paint) {
    ws_map_data *d = p->d;
    double typical = p->median_area;
    if (level > 0) {
        bool *seen = ws__calloc(p->ctx, d->n ? d->n : 1, sizeof *seen);
        if (!seen)
            return WS_ERR_NOMEM;
        const size_t *next = level == 1 ? d->next_wijk : d->next_gemeente;
        size_t groups = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (!d->regions[i].selected || !d->regions[i].geom || seen[i])
                continue;
            groups++; /* the first selected member of a group */
            for (size_t j = i; j != SIZE_MAX; j = next[j])
                seen[j] = true;
        }
        ws__free(p->ctx, seen);
        typical = groups ? p->total_area / (double)groups : 0;
    }
    double side = sqrt(typical) * p->v.s; /* pt */
    if (side < OUTLINE_MIN_SIDE)
        paint->stroke = false;
    else
        paint->stroke_width =
            fmin(paint->stroke_width, side / OUTLINE_WIDTH_RATIO);
    return WS_OK;
}

/* The median and the total area (m²) of the selected regions. */
static ws_status frame_areas(ws_map_page *p) {
    ws_map_data *d = p->d;
    double *areas = ws__malloc(p->ctx, (d->n ? d->n : 1) * sizeof *areas);
    if (!areas)
        return WS_ERR_NOMEM;
    size_t na = 0;
    p->total_area = 0;
    for (size_t i = 0; i < d->n; i++) {
        const ws_map_region *r = &d->regions[i];
        if (r->selected && r->geom &&
            GEOSArea_r(p->ctx->geos, r->geom, &areas[na]))
            p->total_area += areas[na++];
    }
    p->median_area = 0;
    if (na) {
        qsort(areas, na, sizeof *areas, cmp_area);
        p->median_area = areas[na / 2];
    }
    ws__free(p->ctx, areas);
    return WS_OK;
}

/* --- symbols
 * ------------------------------------------------------------------- */

static ws_status symbol(ws_map_page *p, double x, double y, size_t cat,
                        double size, bool legend) {
    ws_rgba cols[8];
    const ws_palette_info *pi = ws__palette_find(p->st->symbol_palette);
    if (!pi || !ws__palette_colors(pi, 8, cols))
        for (int i = 0; i < 8; i++)
            cols[i] = (ws_rgba){0.2, 0.2, 0.2, 1};
    int shape = (int)(cat % 8);
    double r = size / 2;
    ws_paint pt;
    memset(&pt, 0, sizeof pt);
    pt.fill = true;
    pt.fill_color = cols[cat % 8];
    pt.stroke = true;
    pt.stroke_color =
        legend ? (ws_rgba){0.3, 0.3, 0.3, 1} : p->st->symbol_outline;
    pt.stroke_width = legend ? 0.3 : 0.5;
    if (shape == 0)
        return ws__render_circle(p->r, x, y, r, &pt);
    double xy[2 * 10];
    size_t n = 0;
    switch (shape) {
    case 1: /* square */
        r *= 0.88;
        xy[0] = x - r, xy[1] = y - r, xy[2] = x + r, xy[3] = y - r;
        xy[4] = x + r, xy[5] = y + r, xy[6] = x - r, xy[7] = y + r;
        n = 4;
        break;
    case 2: /* triangle */
    case 4: /* inverted triangle */
        for (int i = 0; i < 3; i++) {
            double a = (shape == 2 ? -M_PI / 2 : M_PI / 2) + i * 2 * M_PI / 3;
            xy[2 * i] = x + 1.2 * r * cos(a);
            xy[2 * i + 1] =
                y + 1.2 * r * sin(a) + (shape == 2 ? 0.2 : -0.2) * r;
        }
        n = 3;
        break;
    case 3: /* diamond */
        xy[0] = x, xy[1] = y - 1.2 * r, xy[2] = x + 1.2 * r, xy[3] = y;
        xy[4] = x, xy[5] = y + 1.2 * r, xy[6] = x - 1.2 * r, xy[7] = y;
        n = 4;
        break;
    case 5: /* pentagon */
        for (int i = 0; i < 5; i++) {
            double a = -M_PI / 2 + i * 2 * M_PI / 5;
            xy[2 * i] = x + 1.05 * r * cos(a);
            xy[2 * i + 1] = y + 1.05 * r * sin(a);
        }
        n = 5;
        break;
    case 6: /* hexagon */
        for (int i = 0; i < 6; i++) {
            double a = i * 2 * M_PI / 6;
            xy[2 * i] = x + r * cos(a);
            xy[2 * i + 1] = y + r * sin(a);
        }
        n = 6;
        break;
    case 7: /* star */
        for (int i = 0; i < 10; i++) {
            double a = -M_PI / 2 + i * M_PI / 5,
                   rr = i % 2 ? 0.55 * r : 1.3 * r;
            xy[2 * i] = x + rr * cos(a);
            xy[2 * i + 1] = y + rr * sin(a);
        }
        n = 10;
        break;
    }
    size_t rl = n;
    ws_path path = {xy, &rl, 1, true};
    return p->r->path(p->r, &path, &pt);
}

ws_status ws__map_symbol(ws_map_page *p, double x, double y, size_t cat,
                         double size) {
    return symbol(p, x, y, cat, size, true);
}

static ws_status draw_points(ws_map_page *p) {
    const ws_map_data *d = p->d;
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < d->npoints; i++) {
        const ws_map_point *pt = &d->points[i];
        if (pt->x < p->v.wx0 || pt->x > p->v.wx1 || pt->y < p->v.wy0 ||
            pt->y > p->v.wy1)
            continue;
        double x, y;
        ws__map_to_page(&p->v, pt->x, pt->y, &x, &y);
        p->cat_count[pt->cat]++;
        st = symbol(p, x, y, pt->cat, p->st->symbol_pt, false);
        /* labels keep clear of the symbols */
        double h = p->st->symbol_pt * 0.65;
        if (st == WS_OK &&
            ws__reserve(p->ctx, (void **)&p->symbols, &p->symbolcap,
                        p->nsymbols + 1, sizeof *p->symbols) != WS_OK)
            st = WS_ERR_NOMEM;
        if (st == WS_OK)
            p->symbols[p->nsymbols++] = (ws_box){x - h, y - h, 2 * h, 2 * h, 0};
    }
    return st;
}

/* --- the map frame
 * ------------------------------------------------------------- */

static ws_status draw_frame(ws_map_page *p);

/* The dissolved outlines: kept with cached map data (ws__map_data_cached:
 * the same GeoPackage, level and selection for every map), else for one
 * frame, as compare and report change the selection between frames. */
ws_status ws__map_draw(ws_map_page *p) {
    ws_map_data *d = p->d;
    size_t n = d->n ? d->n : 1;
    for (int k = 0; k < 2; k++) {
        GEOSGeometry ***keep = &d->dissolved[k];
        if (d->keep_dissolved && !*keep)
            *keep = ws__calloc(p->ctx, n, sizeof **keep);
        p->outline[k] = d->keep_dissolved
                            ? *keep
                            : ws__calloc(p->ctx, n, sizeof *p->outline[k]);
    }
    p->edges = d->keep_dissolved ? d->edges : p->frame_edges;
    ws_status s =
        p->outline[0] && p->outline[1] ? frame_areas(p) : WS_ERR_NOMEM;
    if (s == WS_OK)
        s = draw_frame(p);
    for (int k = 0; k < 3; k++) {
        if (p->frame_edges[k])
            GEOSGeom_destroy_r(p->ctx->geos, p->frame_edges[k]);
        p->frame_edges[k] = NULL;
    }
    p->edges = NULL;
    for (int k = 0; k < 2; k++) {
        if (!d->keep_dissolved)
            ws__map_free_geoms(p->ctx, p->outline[k], d->n);
        p->outline[k] = NULL;
    }
    return s;
}

/* What is drawn over the fills: water, boundaries, symbols, labels. */
static ws_status draw_overlay(ws_map_page *p, path_buf *b) {
    const ws_map_style *st = p->st;
    const ws_map_data *d = p->d;
    ws_status s = WS_OK;
    /* water */
    for (size_t i = 0; s == WS_OK && i < d->nwater; i++)
        s = draw_geom(p, b, d->water[i], &st->water, false);
    /* boundaries: the mapped level, then dissolved wijken and gemeenten,
     * each only at a scale where its regions are large enough, and each
     * edge once (a line between two regions is not stroked twice) */
    for (int k = 0; k <= 2 && s == WS_OK; k++) {
        if (k > 0 && (int)d->level >= k)
            continue; /* wijk lines on buurt maps, gemeente lines on both */
        int style = k > 0 ? k : d->level < 3 ? (int)d->level : 2;
        ws_paint line = st->line[style];
        line.fill = false;
        line.hatch = WS_HATCH_NONE;
        if ((s = boundary_paint(p, k > 0 ? k : -1, &line)) != WS_OK ||
            !line.stroke)
            continue;
        const GEOSGeometry *e = level_edges(p, k);
        s = e ? draw_geom(p, b, e, &line, true)
              : ws__status_or(p->ctx, WS_ERR_GEOMETRY);
    }
    if (s == WS_OK)
        s = draw_points(p);
    if (s == WS_OK)
        s = ws__map_labels(p);
    return s;
}

static void overlay_key(const ws_map_page *p, double key[9]) {
    const ws_map_view *v = &p->v;
    double k[9] = {v->fx,  v->fy,  v->fw,  v->fh, v->wx0,
                   v->wy0, v->wx1, v->wy1, v->s};
    memcpy(key, k, sizeof k);
}

void ws__map_overlay_forget(ws_ctx *ctx, ws_renderer *r, ws_map_overlay *ov) {
    if (ov->group)
        r->group_free(r, ov->group);
    ws__free(ctx, ov->cat_count);
    memset(ov, 0, sizeof *ov);
}

/* Draw the overlay, or repeat the one an earlier page drew for the same
 * data and view (its symbol counts and label numbers with it). */
static ws_status overlay(ws_map_page *p, path_buf *b) {
    ws_map_overlay *ov = p->overlay;
    ws_renderer *r = p->r;
    if (!ov || !r->group_begin || p->navoid)
        return draw_overlay(p, b);
    size_t ncat = p->d->ncat ? p->d->ncat : 1;
    double key[9];
    overlay_key(p, key);
    if (ov->group && ov->d == p->d && memcmp(key, ov->key, sizeof key) == 0) {
        memcpy(p->cat_count, ov->cat_count, ncat * sizeof *p->cat_count);
        p->labels_placed = ov->labels_placed;
        p->labels_dropped = ov->labels_dropped;
        return r->group_paint(r, ov->group);
    }
    ws__map_overlay_forget(p->ctx, r, ov);
    ws_status s = r->group_begin(r);
    if (s != WS_OK)
        return s;
    s = draw_overlay(p, b);
    ws_status e = r->group_end(r, &ov->group); /* ends it, whatever happened */
    if (s == WS_OK)
        s = e;
    ov->cat_count = ws__malloc(p->ctx, ncat * sizeof *ov->cat_count);
    if (s == WS_OK && !ov->cat_count)
        s = WS_ERR_NOMEM;
    if (s != WS_OK) {
        ws__map_overlay_forget(p->ctx, r, ov);
        return s;
    }
    ov->d = p->d;
    memcpy(ov->key, key, sizeof key);
    memcpy(ov->cat_count, p->cat_count, ncat * sizeof *p->cat_count);
    ov->labels_placed = p->labels_placed;
    ov->labels_dropped = p->labels_dropped;
    return WS_OK;
}

static ws_status draw_frame(ws_map_page *p) {
    const ws_map_style *st = p->st;
    ws_map_data *d = p->d;
    ws_renderer *r = p->r;
    path_buf b = {.ctx = p->ctx, .grid = pb_grid(p->r)};
    ws_paint bg;
    memset(&bg, 0, sizeof bg);
    bg.fill = true;
    bg.fill_color = st->map_background;
    double fxy[8] = {p->v.fx, p->v.fy,           p->v.fx + p->v.fw,
                     p->v.fy, p->v.fx + p->v.fw, p->v.fy + p->v.fh,
                     p->v.fx, p->v.fy + p->v.fh};
    size_t four = 4;
    ws_path frame = {fxy, &four, 1, true};
    ws_status s = r->path(r, &frame, &bg);
    if (s == WS_OK)
        s = r->clip(r, p->v.fx, p->v.fy, p->v.fw, p->v.fh);
    ws_note fn;
    memset(&fn, 0, sizeof fn);
    fn.kind = WS_NOTE_MAP_FRAME;
    fn.box = (ws_box){p->v.fx, p->v.fy, p->v.fw, p->v.fh, 0};
    fn.v[0] = p->v.wx0;
    fn.v[1] = p->v.wy0;
    fn.v[2] = p->v.wx1;
    fn.v[3] = p->v.wy1;
    if (s == WS_OK)
        s = r->note(r, &fn);
    /* context: regions not shown, grey */
    for (size_t i = 0; s == WS_OK && i < d->n; i++)
        if (!d->regions[i].selected && d->regions[i].geom)
            s = draw_geom(p, &b, d->regions[i].geom, &st->context, false);
    /* fills */
    for (size_t i = 0; s == WS_OK && i < d->n; i++) {
        ws_map_region *rg = &d->regions[i];
        if (!rg->selected || !rg->geom)
            continue;
        ws_paint pt;
        if (rg->cls >= 0) {
            memset(&pt, 0, sizeof pt);
            pt.fill = true;
            pt.fill_color = p->cls[rg->cls].color;
        } else {
            pt = p->miss[rg->miss].paint;
        }
        s = draw_geom(p, &b, rg->geom, &pt, false);
        if (s == WS_OK) {
            ws_note n;
            memset(&n, 0, sizeof n);
            n.kind = WS_NOTE_REGION;
            n.code = rg->code;
            n.v[0] = (double)rg->cls;
            n.v[1] = (double)rg->miss;
            n.color = pt.fill_color;
            s = r->note(r, &n);
        }
    }
    if (s == WS_OK)
        s = overlay(p, &b);
    if (s == WS_OK)
        s = r->unclip(r);
    ws_paint fr = st->frame;
    fr.fill = false;
    if (s == WS_OK)
        s = r->path(r, &frame, &fr);
    pb_free(&b);
    return s;
}

/* --- title, subtitle, source
 * --------------------------------------------------- */

static void humanize(const char *col, char *buf, size_t size) {
    snprintf(buf, size, "%s", col);
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
}

const char *ws__map_level_word(ws_level l, bool plural) {
    switch (l) {
    case WS_LEVEL_BUURT:
        return plural ? "buurten" : "buurt";
    case WS_LEVEL_WIJK:
        return plural ? "wijken" : "wijk";
    case WS_LEVEL_GEMEENTE:
        return plural ? "gemeenten" : "gemeente";
    default:
        return plural ? "regio's" : "regio";
    }
}

/* First four-digit year 1990..2099 in a file name, or 0. */
int ws__map_year_in(const char *s) {
    for (const char *c = s; c && *c; c++) {
        if ((c == s || c[-1] < '0' || c[-1] > '9') && c[0] >= '1' &&
            c[0] <= '2' && c[1] >= '0' && c[1] <= '9' && c[2] >= '0' &&
            c[2] <= '9' && c[3] >= '0' && c[3] <= '9' &&
            (c[4] < '0' || c[4] > '9')) {
            int y = (c[0] - '0') * 1000 + (c[1] - '0') * 100 +
                    (c[2] - '0') * 10 + (c[3] - '0');
            if (y >= 1990 && y <= 2099)
                return y;
        }
    }
    return 0;
}

static int input_year(const ws_map_data *d, const char *role) {
    for (size_t i = 0; i < d->ninputs; i++)
        if (d->inputs[i].key && strcmp(d->inputs[i].key, role) == 0) {
            int y = ws__map_year_in(d->inputs[i].value);
            if (y)
                return y;
        }
    return 0;
}

static bool has_input(const ws_map_data *d, const char *role) {
    for (size_t i = 0; i < d->ninputs; i++)
        if (d->inputs[i].key && strcmp(d->inputs[i].key, role) == 0)
            return true;
    return false;
}

void ws__map_dutch_date(const char *iso, char *buf, size_t size) {
    static const char *const months[] = {
        "januari", "februari", "maart",     "april",   "mei",      "juni",
        "juli",    "augustus", "september", "oktober", "november", "december"};
    int y = 0, m = 0, dd = 0;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &dd) != 3 || m < 1 ||
        m > 12) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%d %s %d", dd, months[m - 1], y);
}

static void source_line(const ws_map_page *p, char *buf, size_t size) {
    const ws_map_data *d = p->d;
    if (p->st->source_text) {
        snprintf(buf, size, "%s", p->st->source_text);
        return;
    }
    const char *meta = ws__map_meta(d, "bronvermelding_kaart");
    if (meta) {
        snprintf(buf, size, "%s", meta);
        return;
    }
    char part[128];
    size_t o = (size_t)snprintf(buf, size, "Bron: CBS Wijk- en Buurtkaart");
    int y = input_year(d, "buurten");
    if (y && o < size)
        o += (size_t)snprintf(buf + o, size - o, " %d", y);
    if (has_input(d, "kerncijfers") && o < size) {
        int ky = input_year(d, "kerncijfers");
        snprintf(part, sizeof part,
                 ky ? ", CBS Kerncijfers wijken en buurten %d"
                    : ", CBS Kerncijfers wijken en buurten",
                 ky);
        o += (size_t)snprintf(buf + o, size - o, "%s", part);
    }
    int by = input_year(d, "bag");
    if (o < size)
        o += (size_t)snprintf(buf + o, size - o, ", Kadaster BAG");
    if (by && o < size)
        o += (size_t)snprintf(buf + o, size - o, " %d", by);
    if (o < size)
        o += (size_t)snprintf(buf + o, size - o, ", OpenStreetMap");
    int oy = input_year(d, "voorzieningen");
    if (oy && o < size)
        o += (size_t)snprintf(buf + o, size - o, " %d", oy);
    if (o < size)
        snprintf(buf + o, size - o, "; bewerking wijkscan");
}

/* "Borger-Odoorn, Coevorden en Emmen" from the shown regions. */
/* The number of distinct gemeenten shown (beyond the 64 names listed). */
static size_t count_gemeenten(const ws_map_data *d) {
    bool *seen = ws__calloc(d->ctx, d->n ? d->n : 1, sizeof *seen);
    if (!seen)
        return 64;
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!d->regions[i].selected || seen[i])
            continue;
        n++;
        for (size_t j = i; d->level != WS_LEVEL_GEMEENTE && j != SIZE_MAX;
             j = d->next_gemeente[j])
            seen[j] = true;
    }
    ws__free(d->ctx, seen);
    return n;
}

static void region_names(const ws_map_page *p, char *buf, size_t size) {
    const ws_map_data *d = p->d;
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < d->n && n < 64; i++) {
        const ws_map_region *r = &d->regions[i];
        const char *nm =
            d->level == WS_LEVEL_GEMEENTE ? r->name : r->gemeentenaam;
        if (!r->selected || !nm)
            continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(names[j], nm) == 0;
        if (!seen)
            names[n++] = nm;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    buf[0] = '\0';
    if (n > 6) {
        const char *rn = ws__map_meta(d, "regionaam");
        snprintf(buf, size, "%s (%zu gemeenten)", rn ? rn : "Regio",
                 n < 64 ? n : count_gemeenten(d));
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s",
                              i == 0       ? ""
                              : i + 1 == n ? " en "
                                           : ", ",
                              names[i]);
}

static ws_status draw_title(ws_map_page *p, double x, double y, double w,
                            double *bottom) {
    const ws_map_style *st = p->st;
    const ws_map_data *d = p->d;
    char title[512], sub[512], label[256];
    if (d->label)
        snprintf(label, sizeof label, "%s", d->label);
    else
        humanize(p->opt->column, label, sizeof label);
    if (p->opt->title)
        snprintf(title, sizeof title, "%s", p->opt->title);
    else
        snprintf(title, sizeof title, "%s per %s", label,
                 ws__map_level_word(d->level, false));
    if (p->opt->subtitle) {
        snprintf(sub, sizeof sub, "%s", p->opt->subtitle);
    } else {
        char regions[300];
        region_names(p, regions, sizeof regions);
        const char *year = ws__map_meta(d, "peiljaar");
        int y1 = input_year(d, "kerncijfers");
        int y2 = input_year(d, "buurten");
        char ys[32] = "";
        if (year)
            snprintf(ys, sizeof ys, "%s", year);
        else if (y1 || y2)
            snprintf(ys, sizeof ys, "%d", y1 > y2 ? y1 : y2);
        snprintf(sub, sizeof sub, "%s%s%s", regions,
                 ys[0] && regions[0] ? " · " : "", ys);
    }
    ws_font tf = ws__map_font(st, &st->title_font);
    ws_font sf = ws__map_font(st, &st->subtitle_font);
    ws_box tb, sb;
    ws_status s = p->r->text(p->r, title, x, y, &tf, w, &tb);
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_TITLE;
    n.text = title;
    n.box = tb;
    if (s == WS_OK)
        s = p->r->note(p->r, &n);
    double yy = y + tb.h + 1.5;
    if (s == WS_OK && sub[0])
        s = p->r->text(p->r, sub, x, yy, &sf, w, &sb);
    if (sub[0])
        yy += sb.h;
    yy += 3.5 * WS_MM * 0.5;
    if (s == WS_OK && st->title_rule.stroke) {
        double xy[4] = {x, yy, x + w, yy};
        size_t two = 2;
        ws_path path = {xy, &two, 1, false};
        s = p->r->path(p->r, &path, &st->title_rule);
    }
    *bottom = yy;
    return s;
}

ws_status ws__map_footer(ws_map_page *p, double x, double y_bottom, double w,
                         double *height) {
    const ws_map_style *st = p->st;
    char src[1024], date[64], right[160];
    source_line(p, src, sizeof src);
    ws__map_dutch_date(p->d->production_date, date, sizeof date);
    snprintf(right, sizeof right, "%s%swijkscan %s", date[0] ? date : "",
             date[0] ? " · " : "", WS_VERSION_STRING);
    ws_font f = ws__map_font(st, &st->source_font);
    ws_font fr = f;
    fr.align = WS_ALIGN_RIGHT;
    ws_box rb, sb;
    ws_status s = p->r->measure(p->r, right, &fr, 0, &rb);
    if (s == WS_OK)
        s = p->r->measure(p->r, src, &f, w - rb.w - 8, &sb);
    double h = fmax(rb.h, sb.h);
    if (s == WS_OK)
        s = p->r->text(p->r, src, x, y_bottom - sb.h, &f, w - rb.w - 8, &sb);
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_SOURCE;
    n.text = src;
    n.box = sb;
    if (s == WS_OK)
        s = p->r->note(p->r, &n);
    /* the production date of the GeoPackage (PDF metadata), never the
     * clock, so the same input gives the same file */
    char iso[40];
    if (s == WS_OK && p->d->production_date) {
        snprintf(iso, sizeof iso, "%sZ", p->d->production_date);
        n.kind = WS_NOTE_DATE;
        n.text = iso;
        s = p->r->note(p->r, &n);
    }
    if (s == WS_OK)
        s = p->r->text(p->r, right, x + w - rb.w, y_bottom - rb.h, &fr, 0,
                       NULL);
    *height = h;
    return s;
}

/* --- the page ----------------------------------------------------------------
 */

static ws_status compose(ws_map_page *p) {
    const ws_map_style *st = p->st;
    ws_renderer *r = p->r;
    double W = r->width, H = r->height;
    double m = st->margin_mm * WS_MM;
    /* keep margins sensible on small pixel images */
    if (m > 0.06 * fmin(W, H))
        m = 0.06 * fmin(W, H);
    double top = 0, foot = 0;
    ws_status s = draw_title(p, m, m, W - 2 * m, &top);
    if (s == WS_OK)
        s = ws__map_footer(p, m, H - m, W - 2 * m, &foot);
    if (s != WS_OK)
        return s;
    double gap = 5 * WS_MM;
    double y0 = top + 4 * WS_MM, y1 = H - m - foot - 3 * WS_MM;
    double lw = st->legend_width_mm * WS_MM;
    double fx, fy, fw, fh, lx, ly, lwid;
    /* scale bar and north arrow: bottom of the legend panel (right), or
     * the right of the legend band (bottom) */
    double fur_x, fur_w, fur_bottom;
    if (!st->legend_bottom) {
        if (lw > 0.45 * (W - 2 * m))
            lw = 0.45 * (W - 2 * m);
        fx = m;
        fy = y0;
        fw = W - 2 * m - lw - gap;
        fh = y1 - y0;
        lx = m + fw + gap;
        ly = y0;
        lwid = lw;
        fur_x = lx;
        fur_w = lwid;
        fur_bottom = fy + fh;
    } else {
        double lh = 0;
        fur_w = fmin(0.3 * (W - 2 * m),
                     (st->scalebar_max_mm + 8) * WS_MM + st->north_mm * WS_MM);
        lwid = W - 2 * m - fur_w - gap;
        s = ws__map_legend_size(p, lwid, &lh);
        if (s != WS_OK)
            return s;
        double band = fmax(lh, 22 * WS_MM);
        fx = m;
        fy = y0;
        fw = W - 2 * m;
        fh = y1 - y0 - band - gap;
        lx = m;
        ly = y0 + fh + gap;
        fur_x = m + lwid + gap;
        fur_bottom = ly + band;
    }
    if (fw < 40 || fh < 40)
        return ws__error(p->ctx, WS_ERR_INVALID_ARG,
                         "map: the page is too small for the map (%.0f × "
                         "%.0f pt left for the frame)",
                         fw, fh);
    bool paper = !(p->opt->width_px > 0 && p->opt->height_px > 0);
    s = ws__map_fit(p, fx, fy, fw, fh, paper, 0);
    if (s == WS_OK)
        s = ws__map_draw(p);
    if (s == WS_OK)
        s = ws__map_legend_draw(p, lx, ly, lwid);
    double sbh = 0;
    if (s == WS_OK)
        s = ws__map_scalebar(p, fur_x, fur_bottom, &sbh);
    if (s == WS_OK && st->north_mm > 0) {
        double na = st->north_mm * WS_MM;
        s = ws__map_north_arrow(p, fur_x + fur_w - na / 2,
                                fur_bottom - na * 0.75);
    }
    return s;
}

static ws_status check_options(ws_ctx *ctx, const ws_map_options *o) {
    if (!o->gpkg_path || !o->column || !o->output_path)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: the GeoPackage, the column and the output "
                         "file are required");
    for (size_t i = 0; i < o->n_more_columns; i++)
        if (!o->more_columns || !o->more_columns[i])
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "map: more_columns[%zu] is NULL", i);
    if ((int)o->level < 0 || o->level >= WS_LEVEL_COUNT)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "map: unknown level %d",
                         (int)o->level);
    if (o->classes > WS_CLASS_MAX_K)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: %zu classes is out of range (1 to %d)",
                         o->classes, WS_CLASS_MAX_K);
    if (o->method > (int)WS_CLASS_MANUAL)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: unknown classification method %d", o->method);
    if (o->method == (int)WS_CLASS_MANUAL && o->n_breaks == 0)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: manual classification needs breaks");
    if ((o->width_px > 0) != (o->height_px > 0))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: give both the width and the height in pixels");
    if (o->dpi != 0 && !(o->dpi >= 36 && o->dpi <= 1200))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: %g dpi is out of range (36 to 1200)", o->dpi);
    if (o->page && !ws__streq_nocase(o->page, "A3") &&
        !ws__streq_nocase(o->page, "A4") && !ws__streq_nocase(o->page, "A5"))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "map: page size '%s' is not A3, A4 or A5", o->page);
    return WS_OK;
}

ws_status ws__map_prepare(ws_ctx *ctx, const ws_map_options *opt,
                          const ws_map_style *style, ws_renderer *r,
                          ws_map_data *d, ws_map_page *p) {
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    p->r = r;
    p->st = style;
    p->opt = opt;
    p->d = d;
    ws_status st = classify(p);
    if (st == WS_OK)
        st = describe_fallback(p);
    if (st == WS_OK) {
        units(p);
        st = colours(p);
    }
    if (st == WS_OK) {
        p->cat_count =
            ws__calloc(ctx, d->ncat ? d->ncat : 1, sizeof *p->cat_count);
        if (!p->cat_count)
            st = WS_ERR_NOMEM;
    }
    return st;
}

void ws__map_page_release(ws_map_page *p) {
    ws_classes_free(p->ctx, p->classes);
    ws__free(p->ctx, p->cat_count);
    ws__free(p->ctx, p->avoid);
    ws__free(p->ctx, p->symbols);
    p->classes = NULL;
    p->cat_count = NULL;
    p->avoid = NULL;
    p->symbols = NULL;
}

static ws_status render_page(ws_ctx *ctx, const ws_map_options *opt,
                             const ws_map_style *style, ws_renderer *r,
                             ws_map_info *info, ws_map_overlay *ov) {
    ws_status st = check_options(ctx, opt);
    if (st != WS_OK)
        return st;
    ws_map_data *d = NULL;
    st = ws__map_data_cached(ctx, opt, &d);
    if (st != WS_OK)
        return st;
    ws_map_page p;
    st = ws__map_prepare(ctx, opt, style, r, d, &p);
    p.overlay = ov;
    if (st == WS_OK)
        st = compose(&p);
    if (st == WS_OK && info) {
        memset(info, 0, sizeof *info);
        info->nclasses = p.classes->nclasses;
        info->requested = p.classes->requested;
        info->merged = p.classes->merged;
        for (size_t i = 0; i < d->n; i++)
            if (d->regions[i].selected) {
                if (d->regions[i].cls >= 0)
                    info->regions++;
                else
                    info->missing++;
            }
        info->labels_placed = p.labels_placed;
        info->labels_dropped = p.labels_dropped;
        info->scale = p.scale_ratio;
        info->scalebar_m = p.scalebar_m;
        info->width_pt = r->width;
        info->height_pt = r->height;
        info->width_px = round(r->width * r->px_per_pt);
        info->height_px = round(r->height * r->px_per_pt);
        info->pages = 1;
    }
    ws__map_page_release(&p);
    if (st != WS_OK)
        ws__map_data_uncache(ctx);
    return st;
}

ws_status ws__map_render_with(ws_ctx *ctx, const ws_map_options *opt,
                              const ws_map_style *style, ws_renderer *r,
                              ws_map_info *info) {
    return render_page(ctx, opt, style, r, info, NULL);
}

ws_status ws__map_render_pages(ws_ctx *ctx, const ws_map_options *opt,
                               const ws_map_style *style, ws_renderer *r,
                               ws_map_info *info) {
    ws_map_overlay ov;
    memset(&ov, 0, sizeof ov);
    ws_map_overlay *shared = opt->n_more_columns ? &ov : NULL;
    ws_status st = render_page(ctx, opt, style, r, info, shared);
    ws_map_options page = *opt;
    for (size_t i = 0; st == WS_OK && i < opt->n_more_columns; i++) {
        page.column = opt->more_columns[i];
        if ((st = r->page(r)) == WS_OK)
            st = render_page(ctx, &page, style, r, NULL, shared);
    }
    ws__map_overlay_forget(ctx, r, &ov);
    if (st == WS_OK && info)
        info->pages = 1 + opt->n_more_columns;
    return st;
}

/* Is the output the GeoPackage itself? */
bool ws__map_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

ws_status ws_map_render(ws_ctx *ctx, const ws_map_options *opt,
                        ws_map_info *info) {
    if (!ctx || !opt)
        return WS_ERR_INVALID_ARG;
    ws_status st = check_options(ctx, opt);
    if (st != WS_OK)
        return st;
    ws_map_format fmt = opt->format != WS_MAP_FORMAT_AUTO
                            ? opt->format
                            : ws_map_format_from_path(opt->output_path);
    if (fmt == WS_MAP_FORMAT_AUTO)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "%s: the output must end in .png, .pdf or .svg",
                         opt->output_path);
    if (opt->n_more_columns && fmt != WS_MAP_FORMAT_PDF)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "%s: several columns are pages of one PDF; a .png "
                         "or .svg holds one map",
                         opt->output_path);
    if (ws__map_same_file(opt->output_path, opt->gpkg_path))
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: is the input GeoPackage; refusing to overwrite "
                         "it",
                         opt->output_path);
    ws_map_style style;
    ws__map_style_defaults(&style);
    if (opt->style_path)
        st = ws__map_style_load(ctx, opt->style_path, &style);
    if (st != WS_OK)
        return st;
    ws_outfile of;
    st = ws__outfile_begin(ctx, NULL, opt->output_path, &of);
    if (st != WS_OK) {
        ws__map_style_free(ctx, &style);
        return st;
    }
    ws_cairo_options co;
    memset(&co, 0, sizeof co);
    co.format = fmt == WS_MAP_FORMAT_PNG   ? WS_RENDER_PNG
                : fmt == WS_MAP_FORMAT_PDF ? WS_RENDER_PDF
                                           : WS_RENDER_SVG;
    ws__map_page_size(opt, &style, &co.width_pt, &co.height_pt, &co.dpi);
    co.path = of.tmp;
    co.title = opt->title ? opt->title : opt->column;
    co.creator = "wijkscan " WS_VERSION_STRING;
    co.background = style.background;
    ws_renderer *r = NULL;
    st = ws__render_cairo_new(ctx, &co, &r);
    if (st == WS_OK)
        st = ws__map_render_pages(ctx, opt, &style, r, info);
    if (st == WS_OK)
        st = r->finish(r);
    if (r)
        r->destroy(r);
    if (st == WS_OK)
        st = ws__outfile_commit(ctx, &of);
    else
        ws__outfile_abort(&of);
    ws__map_style_free(ctx, &style);
    return st;
}

void ws_map_release_fonts(void) { ws__text_release(); }
