/* Labels: region names placed inside their polygon, never overlapping each
 * other or the map furniture. Each name gets candidates around the centre
 * of the largest inscribed circle of its largest part (the pole of
 * inaccessibility) and its point on surface, in one line and, for names
 * with a space or hyphen, in two; the first candidate whose box lies inside
 * the polygon and the frame and clear of every label placed so far wins,
 * otherwise the name is left out. Larger areas are placed first; gemeente
 * names (when several gemeenten are shown) before all others, the names of
 * neighbouring gemeenten last. Text goes through Pango, so 't Haantje and
 * Nieuw-Amsterdam come out as written. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <glib.h>

#include "map_internal.h"

typedef struct label_item {
    char *text;
    const char *code;
    GEOSGeometry *geom; /* owned */
    double area;
    int group; /* 0 gemeente, 1 regions, 2 context */
    ws_font font;
} label_item;

typedef struct labeler {
    ws_map_page *p;
    bool prefilter; /* might_fit; WS_MAP_LABEL_PREFILTER=NO for tests */
    label_item *items;
    size_t n, cap;
    ws_box *placed;
    size_t nplaced, capplaced;
} labeler;

static ws_status add_item(labeler *lb, const char *text, const char *code,
                          GEOSGeometry *geom, int group, const ws_font *f,
                          bool upper) {
    ws_ctx *ctx = lb->p->ctx;
    GEOSContextHandle_t h = ctx->geos;
    if (!text || !*text) {
        GEOSGeom_destroy_r(h, geom);
        return WS_OK;
    }
    if (ws__reserve(ctx, (void **)&lb->items, &lb->cap, lb->n + 1,
                    sizeof *lb->items) != WS_OK) {
        GEOSGeom_destroy_r(h, geom);
        return WS_ERR_NOMEM;
    }
    label_item *it = &lb->items[lb->n];
    memset(it, 0, sizeof *it);
    if (upper) {
        gchar *u = g_utf8_strup(text, -1);
        it->text = u ? ws__strdup(ctx, u) : NULL;
        g_free(u);
    } else {
        it->text = ws__strdup(ctx, text);
    }
    if (!it->text) {
        GEOSGeom_destroy_r(h, geom);
        return WS_ERR_NOMEM;
    }
    it->code = code;
    it->geom = geom;
    it->group = group;
    it->font = ws__map_font(lb->p->st, f);
    double a = 0;
    GEOSArea_r(h, geom, &a);
    it->area = a;
    lb->n++;
    return WS_OK;
}

static bool two_lines(const char *s, char *buf, size_t size);

/* The area of parts[0..n) on the page, in pt². */
static double page_area(ws_map_page *p, const GEOSGeometry *const *parts,
                        size_t n) {
    double sum = 0, a;
    for (size_t i = 0; i < n; i++)
        if (GEOSArea_r(p->ctx->geos, parts[i], &a))
            sum += a;
    return sum * p->v.s * p->v.s;
}

/* Could `text` in font f (upper-cased when `upper`), in one line or in
 * two, fit a region whose envelope is w × h pt and which is made of
 * parts[0..n)? A necessary condition only, so that no label that place()
 * would set is left out: place() wants a pole circle of radius at least
 * 0.3 of the text height, and at least 75 % of the box less its margins
 * ((width - 1) × 0.64 height) inside the polygon, whose area is at most
 * that of the parts (worked out only for a box that passes the envelope).
 * It saves the union and the inscribed circle of nearly every gemeente and
 * wijk on a national map, where a handful of names fit. */
static bool might_fit(const labeler *lb, const char *text, const ws_font *f,
                      bool upper, double w, double h,
                      const GEOSGeometry *const *parts, size_t n) {
    ws_map_page *p = lb->p;
    if (!lb->prefilter || !text || !*text)
        return true; /* place() decides */
    gchar *u = upper ? g_utf8_strup(text, -1) : NULL;
    const char *t = u ? u : text;
    char alt[512];
    const char *texts[2] = {t, two_lines(t, alt, sizeof alt) ? alt : NULL};
    bool fits = false, unsure = false;
    double area = -1;
    for (int k = 0; k < 2 && !fits && !unsure; k++) {
        ws_box tb;
        if (!texts[k])
            continue;
        if (p->r->measure(p->r, texts[k], f, 0, &tb) != WS_OK) {
            unsure = true;
            break;
        }
        double bw = tb.w - 1, bh = 0.64 * tb.h;
        fits = fmin(w, h) >= 0.6 * tb.h && w >= 0.75 * bw && h >= 0.75 * bh;
        if (fits && area < 0)
            area = page_area(p, parts, n);
        fits = fits && area >= 0.75 * bw * bh;
        /* two lines are at least as high as one (without negative line
         * spacing): too low for one line is too low for two */
        if (k == 0 && fmin(w, h) < 0.6 * tb.h && f->line_gap >= 0)
            break;
    }
    g_free(u);
    return fits || unsure;
}

/* Union of the regions with the same gemeentecode or wijkcode as `first`
 * (and the same selection), marking them taken; *u is NULL when the label
 * `text` cannot fit them (might_fit). */
static ws_status union_of(const labeler *lb, size_t first, bool gemeente,
                          bool *taken, const char *text, const ws_font *f,
                          bool upper, GEOSGeometry **u) {
    ws_map_page *p = lb->p;
    GEOSContextHandle_t h = p->ctx->geos;
    ws_map_data *d = p->d;
    const ws_map_region *r0 = &d->regions[first];
    const size_t *next = gemeente ? d->next_gemeente : d->next_wijk;
    size_t n = 0;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    *u = NULL;
    GEOSGeometry **parts = ws__malloc(p->ctx, d->n * sizeof *parts);
    if (!parts)
        return WS_ERR_NOMEM;
    for (size_t j = first; j != SIZE_MAX; j = next[j]) {
        const ws_map_region *r = &d->regions[j];
        if (taken[j] || !r->geom || r->selected != r0->selected)
            continue;
        taken[j] = true;
        double a, b, c, e;
        if (GEOSGeom_getXMin_r(h, r->geom, &a) &&
            GEOSGeom_getYMin_r(h, r->geom, &b) &&
            GEOSGeom_getXMax_r(h, r->geom, &c) &&
            GEOSGeom_getYMax_r(h, r->geom, &e)) {
            x0 = fmin(x0, a), y0 = fmin(y0, b);
            x1 = fmax(x1, c), y1 = fmax(y1, e);
        }
        parts[n++] = r->geom; /* borrowed until the union */
    }
    if (n == 0 ||
        !might_fit(lb, text, f, upper, (x1 - x0) * p->v.s, (y1 - y0) * p->v.s,
                   (const GEOSGeometry *const *)parts, n)) {
        ws__free(p->ctx, parts);
        return WS_OK;
    }
    if (r0->selected && p->outline[0]) { /* as drawn for the line */
        ws__free(p->ctx, parts);
        const GEOSGeometry *o = ws__map_outline(p, gemeente ? 1 : 0, first);
        *u = o ? GEOSGeom_clone_r(h, o) : NULL;
        return *u ? WS_OK : ws__status_or(p->ctx, WS_ERR_NOMEM);
    }
    for (size_t k = 0; k < n; k++)
        if (!(parts[k] = GEOSGeom_clone_r(h, parts[k]))) {
            for (size_t m = 0; m < k; m++)
                GEOSGeom_destroy_r(h, parts[m]);
            ws__free(p->ctx, parts);
            return WS_ERR_NOMEM;
        }
    *u = ws__map_union(p, parts, n);
    ws__free(p->ctx, parts);
    return *u ? WS_OK : ws__status_or(p->ctx, WS_ERR_GEOMETRY);
}

static ws_status collect(labeler *lb) {
    ws_map_page *p = lb->p;
    const ws_map_style *st = p->st;
    ws_map_data *d = p->d;
    GEOSContextHandle_t h = p->ctx->geos;
    ws_label_regions want = st->label_regions;
    ws_level lv = d->level;
    if (want == WS_LABELS_NONE)
        return WS_OK;
    ws_level label_lv = want == WS_LABELS_AUTO    ? lv
                        : want == WS_LABELS_BUURT ? WS_LEVEL_BUURT
                        : want == WS_LABELS_WIJK  ? WS_LEVEL_WIJK
                                                  : WS_LEVEL_GEMEENTE;
    if (label_lv < lv)
        label_lv = lv; /* no finer names than the regions mapped */
    if (want == WS_LABELS_AUTO && lv == WS_LEVEL_BUURT) {
        /* buurt names when a typical buurt has room for one, else the
         * names of the wijken */
        double med = p->median_area * p->v.s * p->v.s; /* pt² */
        double em = st->label_font.size;
        if (med < 60 * em * em)
            label_lv = WS_LEVEL_WIJK;
    }
    /* distinct gemeenten shown */
    size_t ngem = 0;
    const char *firstgm = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const char *gm = lv == WS_LEVEL_GEMEENTE ? d->regions[i].code
                                                 : d->regions[i].gemeentecode;
        if (!d->regions[i].selected || !gm)
            continue;
        if (!firstgm || strcmp(firstgm, gm) != 0) {
            if (!firstgm)
                ngem = 1;
            else
                ngem = 2;
            if (!firstgm)
                firstgm = gm;
        }
    }
    bool *taken = ws__calloc(p->ctx, d->n ? d->n : 1, sizeof *taken);
    bool *taken2 = ws__calloc(p->ctx, d->n ? d->n : 1, sizeof *taken2);
    ws_status s = taken && taken2 ? WS_OK : WS_ERR_NOMEM;
    for (size_t i = 0; s == WS_OK && i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        if (!r->geom)
            continue;
        /* gemeente names: several gemeenten shown, or neighbours */
        if (lv != WS_LEVEL_GEMEENTE && !taken2[i] && r->gemeentecode &&
            (ngem > 1 || !r->selected) && label_lv != WS_LEVEL_GEMEENTE) {
            const ws_font *f =
                r->selected ? &st->gemeente_font : &st->context_label;
            bool upper = r->selected && st->gemeente_upper;
            GEOSGeometry *u = NULL;
            s = union_of(lb, i, true, taken2, r->gemeentenaam, f, upper, &u);
            if (s == WS_OK && u)
                s = add_item(lb, r->gemeentenaam, r->gemeentecode, u,
                             r->selected ? 0 : 2, f, upper);
        }
        if (s != WS_OK || !r->selected || taken[i])
            continue;
        if (label_lv == lv) {
            const ws_font *f =
                lv == WS_LEVEL_GEMEENTE ? &st->gemeente_font : &st->label_font;
            bool upper = lv == WS_LEVEL_GEMEENTE && st->gemeente_upper;
            double a, b, c, e;
            const GEOSGeometry *part = r->geom;
            taken[i] = true;
            if (GEOSGeom_getXMin_r(h, r->geom, &a) &&
                GEOSGeom_getYMin_r(h, r->geom, &b) &&
                GEOSGeom_getXMax_r(h, r->geom, &c) &&
                GEOSGeom_getYMax_r(h, r->geom, &e) &&
                !might_fit(lb, r->name, f, upper, (c - a) * p->v.s,
                           (e - b) * p->v.s, &part, 1))
                continue;
            GEOSGeometry *g = GEOSGeom_clone_r(h, r->geom);
            s = g ? add_item(lb, r->name, r->code, g, 1, f, upper)
                  : WS_ERR_NOMEM;
        } else if (label_lv == WS_LEVEL_WIJK && r->wijkcode) {
            const char *name = r->wijknaam ? r->wijknaam : r->wijkcode;
            GEOSGeometry *u = NULL;
            s = union_of(lb, i, false, taken, name, &st->label_font, false, &u);
            if (s == WS_OK && u)
                s = add_item(lb, name, r->wijkcode, u, 1, &st->label_font,
                             false);
        } else if (label_lv == WS_LEVEL_GEMEENTE && r->gemeentecode) {
            GEOSGeometry *u = NULL;
            s = union_of(lb, i, true, taken, r->gemeentenaam,
                         &st->gemeente_font, st->gemeente_upper, &u);
            if (s == WS_OK && u)
                s = add_item(lb, r->gemeentenaam, r->gemeentecode, u, 0,
                             &st->gemeente_font, st->gemeente_upper);
        }
    }
    ws__free(p->ctx, taken);
    ws__free(p->ctx, taken2);
    return s;
}

static int cmp_items(const void *a, const void *b) {
    const label_item *x = a, *y = b;
    if (x->group != y->group)
        return x->group - y->group;
    if (x->area != y->area)
        return x->area > y->area ? -1 : 1;
    return strcmp(x->text, y->text);
}

static bool overlaps(ws_box a, ws_box b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}

static ws_box inflate(ws_box b, double d) {
    return (ws_box){b.x - d, b.y - d, b.w + 2 * d, b.h + 2 * d, b.baseline};
}

/* The largest polygon of g (borrowed from g). */
static const GEOSGeometry *largest_part(GEOSContextHandle_t h,
                                        const GEOSGeometry *g) {
    int n = GEOSGetNumGeometries_r(h, g);
    const GEOSGeometry *best = NULL;
    double ba = -1;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(h, g, i);
        int t = GEOSGeomTypeId_r(h, part);
        if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
            part = largest_part(h, part);
            if (!part)
                continue;
        } else if (t != GEOS_POLYGON) {
            continue;
        }
        double a = 0;
        GEOSArea_r(h, part, &a);
        if (a > ba) {
            ba = a;
            best = part;
        }
    }
    return best;
}

/* Does box b fit: inside the frame, clear of placed labels and furniture,
 * and inside the polygon (strict), or with at least 75 % of it inside
 * (relaxed: its centre is still the pole of the polygon). */
static bool box_fits(labeler *lb, const GEOSGeometry *part,
                     const GEOSPreparedGeometry *prep, ws_box b, bool strict,
                     int group) {
    ws_map_page *p = lb->p;
    GEOSContextHandle_t h = p->ctx->geos;
    const ws_map_view *v = &p->v;
    double in = 2;
    if (b.x < v->fx + in || b.y < v->fy + in ||
        b.x + b.w > v->fx + v->fw - in || b.y + b.h > v->fy + v->fh - in)
        return false;
    ws_box pad = inflate(b, 1.2);
    for (size_t i = 0; i < lb->nplaced; i++)
        if (overlaps(pad, lb->placed[i]))
            return false;
    for (size_t i = 0; i < p->navoid; i++)
        if (overlaps(pad, p->avoid[i]))
            return false;
    for (size_t i = 0; group != 0 && i < p->nsymbols; i++)
        if (overlaps(b, p->symbols[i]))
            return false;
    /* inside the polygon: the box less a little of its height (the halo
     * and the empty space above the letters may touch the edge) */
    double sh = 0.18 * b.h, sw = 0.5;
    double X0 = v->wx0 + (b.x + sw - v->fx) / v->s;
    double X1 = v->wx0 + (b.x + b.w - sw - v->fx) / v->s;
    double Y1 = v->wy1 - (b.y + sh - v->fy) / v->s;
    double Y0 = v->wy1 - (b.y + b.h - sh - v->fy) / v->s;
    if (!(X1 > X0) || !(Y1 > Y0))
        return false;
    GEOSGeometry *rect = GEOSGeom_createRectangle_r(h, X0, Y0, X1, Y1);
    if (!rect)
        return false;
    bool ok = GEOSPreparedContains_r(h, prep, rect) == 1;
    if (!ok && !strict) {
        /* the area of the polygon within the box: clipping by a
         * rectangle is far cheaper than a general intersection */
        GEOSGeometry *common = GEOSClipByRect_r(h, part, X0, Y0, X1, Y1);
        double a = 0;
        if (common && GEOSArea_r(h, common, &a))
            ok = a >= 0.75 * (X1 - X0) * (Y1 - Y0);
        if (common)
            GEOSGeom_destroy_r(h, common);
    }
    GEOSGeom_destroy_r(h, rect);
    return ok;
}

/* Two-line version: break at the space or hyphen nearest the middle. */
static bool two_lines(const char *s, char *buf, size_t size) {
    size_t n = strlen(s), best = 0;
    double bd = 1e9;
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == ' ' || s[i] == '-') {
            double d = fabs((double)i - (double)n / 2);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
    if (!best || n + 2 >= size)
        return false;
    if (s[best] == ' ') {
        memcpy(buf, s, n + 1);
        buf[best] = '\n';
    } else {
        memcpy(buf, s, best + 1);
        buf[best + 1] = '\n';
        memcpy(buf + best + 2, s + best + 1, n - best);
    }
    return true;
}

static ws_status place(labeler *lb, label_item *it) {
    ws_map_page *p = lb->p;
    GEOSContextHandle_t h = p->ctx->geos;
    const ws_map_view *v = &p->v;
    double m = 0.01 * (v->wx1 - v->wx0);
    GEOSGeometry *clip = GEOSClipByRect_r(h, it->geom, v->wx0 - m, v->wy0 - m,
                                          v->wx1 + m, v->wy1 + m);
    if (!clip)
        return ws__error(p->ctx, WS_ERR_GEOMETRY, "map: labels: %s",
                         p->ctx->geos_msg);
    const GEOSGeometry *part = GEOSGeomTypeId_r(h, clip) == GEOS_POLYGON
                                   ? clip
                                   : largest_part(h, clip);
    ws_status s = WS_OK;
    bool done = false;
    if (part && !GEOSisEmpty_r(h, part)) {
        double xmin, ymin, xmax, ymax;
        GEOSGeom_getXMin_r(h, part, &xmin);
        GEOSGeom_getYMin_r(h, part, &ymin);
        GEOSGeom_getXMax_r(h, part, &xmax);
        GEOSGeom_getYMax_r(h, part, &ymax);
        double tol = fmax(xmax - xmin, ymax - ymin) / 200;
        GEOSGeometry *mic = GEOSMaximumInscribedCircle_r(h, part, tol);
        GEOSGeometry *pos = GEOSPointOnSurface_r(h, part);
        double cx[2] = {NAN, NAN}, cy[2] = {NAN, NAN}, radius = 0;
        if (mic) {
            const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, mic);
            double x1, y1;
            if (cs && GEOSCoordSeq_getXY_r(h, cs, 0, &cx[0], &cy[0]) &&
                GEOSCoordSeq_getXY_r(h, cs, 1, &x1, &y1))
                radius = hypot(x1 - cx[0], y1 - cy[0]) * v->s;
        }
        if (pos)
            GEOSGeomGetX_r(h, pos, &cx[1]), GEOSGeomGetY_r(h, pos, &cy[1]);
        const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, part);
        char alt[512];
        const char *texts[2] = {it->text, NULL};
        if (two_lines(it->text, alt, sizeof alt))
            texts[1] = alt;
        ws_box tbs[2];
        bool measured[2] = {false, false};
        for (int pass = 0; pass < 4 && !done && s == WS_OK && prep; pass++) {
            /* one line strictly inside, two lines strictly inside, then
             * the same relaxed */
            int t = pass % 2;
            bool strict = pass < 2;
            if (!texts[t])
                continue;
            if (!measured[t]) {
                s = p->r->measure(p->r, texts[t], &it->font, 0, &tbs[t]);
                measured[t] = true;
            }
            ws_box tb = tbs[t];
            if (s != WS_OK || radius < 0.3 * tb.h)
                continue;
            static const double shifts[][2] = {
                {0, 0},       {0, -0.6},    {0, 0.6},
                {-0.25, 0},   {0.25, 0},    {-0.25, -0.6},
                {0.25, -0.6}, {-0.25, 0.6}, {0.25, 0.6}};
            for (int c = 0; c < 2 && !done; c++) {
                if (isnan(cx[c]))
                    continue;
                double px, py;
                ws__map_to_page(v, cx[c], cy[c], &px, &py);
                for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
                    ws_box b = {px - tb.w / 2 + shifts[k][0] * tb.w,
                                py - tb.h / 2 + shifts[k][1] * tb.h, tb.w, tb.h,
                                tb.baseline};
                    if (!box_fits(lb, part, prep, b, strict, it->group))
                        continue;
                    s = p->r->text(p->r, texts[t], b.x, b.y, &it->font, 0, &b);
                    if (s == WS_OK &&
                        ws__reserve(p->ctx, (void **)&lb->placed,
                                    &lb->capplaced, lb->nplaced + 1,
                                    sizeof *lb->placed) != WS_OK)
                        s = WS_ERR_NOMEM;
                    if (s == WS_OK)
                        lb->placed[lb->nplaced++] = b;
                    ws_note n;
                    memset(&n, 0, sizeof n);
                    n.kind = WS_NOTE_LABEL;
                    n.text = texts[t];
                    n.code = it->code;
                    n.box = b;
                    n.v[0] = it->group;
                    if (s == WS_OK)
                        s = p->r->note(p->r, &n);
                    done = true;
                    break;
                }
            }
        }
        if (prep)
            GEOSPreparedGeom_destroy_r(h, prep);
        if (mic)
            GEOSGeom_destroy_r(h, mic);
        if (pos)
            GEOSGeom_destroy_r(h, pos);
    }
    GEOSGeom_destroy_r(h, clip);
    if (it->group == 1) {
        if (done)
            p->labels_placed++;
        else
            p->labels_dropped++;
    }
    return s;
}

ws_status ws__map_labels(ws_map_page *p) {
    labeler lb;
    memset(&lb, 0, sizeof lb);
    lb.p = p;
    lb.prefilter =
        CPLTestBool(CPLGetConfigOption("WS_MAP_LABEL_PREFILTER", "YES"));
    ws_status s = collect(&lb);
    if (s == WS_OK && lb.n)
        qsort(lb.items, lb.n, sizeof *lb.items, cmp_items);
    for (size_t i = 0; s == WS_OK && i < lb.n; i++)
        s = place(&lb, &lb.items[i]);
    for (size_t i = 0; i < lb.n; i++) {
        ws__free(p->ctx, lb.items[i].text);
        GEOSGeom_destroy_r(p->ctx->geos, lb.items[i].geom);
    }
    ws__free(p->ctx, lb.items);
    ws__free(p->ctx, lb.placed);
    return s;
}
