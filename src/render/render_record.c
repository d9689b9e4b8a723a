/* The recording backend: draws nothing, remembers everything. Every path
 * (its paint and bounding box), every text (its string, font and box) and
 * every semantic note (legend entries, scale bar, labels, map frame) is kept
 * in device units, so tests can check what a map shows without decoding
 * pixels. Text is measured with the same Pango code as the Cairo backend,
 * on a 1×1 image surface. Like MapServer's dummy renderer. */
#include <math.h>
#include <string.h>

#include <cairo.h>

#include "renderer.h"

typedef struct record_impl {
    ws_recording rec;
    cairo_surface_t *surface;
    cairo_t *cr;
    size_t group_start; /* item where the open group began */
} record_impl;

static ws_rec *push(ws_renderer *r, ws_rec_kind kind) {
    record_impl *ri = r->impl;
    if (ws__reserve(r->ctx, (void **)&ri->rec.items, &ri->rec.cap,
                    ri->rec.n + 1, sizeof *ri->rec.items) != WS_OK)
        return NULL;
    ws_rec *e = &ri->rec.items[ri->rec.n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->page = ri->rec.pages - 1;
    return e;
}

static void set_box(ws_renderer *r, ws_rec *e, double x, double y, double w,
                    double h) {
    e->bx = x * r->px_per_pt;
    e->by = y * r->px_per_pt;
    e->bw = w * r->px_per_pt;
    e->bh = h * r->px_per_pt;
}

static ws_status r_path(ws_renderer *r, const ws_path *p, const ws_paint *pt) {
    ws_rec *e = push(r, WS_REC_PATH);
    if (!e)
        return WS_ERR_NOMEM;
    e->paint = *pt;
    e->closed = p->closed;
    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    size_t n = 0;
    for (size_t i = 0; i < p->nrings; i++)
        n += p->ring_len[i];
    for (size_t i = 0; i < n; i++) {
        x0 = fmin(x0, p->xy[2 * i]);
        x1 = fmax(x1, p->xy[2 * i]);
        y0 = fmin(y0, p->xy[2 * i + 1]);
        y1 = fmax(y1, p->xy[2 * i + 1]);
    }
    e->npoints = n;
    if (n)
        set_box(r, e, x0, y0, x1 - x0, y1 - y0);
    return WS_OK;
}

static ws_status r_measure(ws_renderer *r, const char *utf8, const ws_font *f,
                           double max_width, ws_box *box) {
    record_impl *ri = r->impl;
    return ws__text_run(r->ctx, ri->cr, utf8, 0, 0, f, max_width, false, box);
}

static ws_status r_text(ws_renderer *r, const char *utf8, double x, double y,
                        const ws_font *f, double max_width, ws_box *box) {
    ws_box b;
    ws_status st = r_measure(r, utf8, f, max_width, &b);
    if (st != WS_OK)
        return st;
    b.x = x;
    b.y = y;
    ws_rec *e = push(r, WS_REC_TEXT);
    if (!e)
        return WS_ERR_NOMEM;
    e->text = ws__strdup(r->ctx, utf8 ? utf8 : "");
    if (!e->text)
        return WS_ERR_NOMEM;
    e->font = *f;
    e->font.family = NULL;
    set_box(r, e, b.x, b.y, b.w, b.h);
    if (box)
        *box = b;
    return WS_OK;
}

static ws_status r_clip(ws_renderer *r, double x, double y, double w,
                        double h) {
    ws_rec *e = push(r, WS_REC_CLIP);
    if (!e)
        return WS_ERR_NOMEM;
    set_box(r, e, x, y, w, h);
    return WS_OK;
}

static ws_status r_unclip(ws_renderer *r) {
    return push(r, WS_REC_UNCLIP) ? WS_OK : WS_ERR_NOMEM;
}

static ws_status r_note(ws_renderer *r, const ws_note *n) {
    ws_rec *e = push(r, WS_REC_NOTE);
    if (!e)
        return WS_ERR_NOMEM;
    e->note = n->kind;
    memcpy(e->v, n->v, sizeof e->v);
    e->color = n->color;
    set_box(r, e, n->box.x, n->box.y, n->box.w, n->box.h);
    if (n->text && !(e->text = ws__strdup(r->ctx, n->text)))
        return WS_ERR_NOMEM;
    if (n->code && !(e->code = ws__strdup(r->ctx, n->code)))
        return WS_ERR_NOMEM;
    return WS_OK;
}

static ws_status r_page(ws_renderer *r) {
    record_impl *ri = r->impl;
    ri->rec.pages++;
    return WS_OK;
}

/* A group is the range of items recorded between begin and end; painting
 * it records copies of them on the current page. */
typedef struct rec_group {
    size_t start, end;
} rec_group;

static ws_status r_group_begin(ws_renderer *r) {
    record_impl *ri = r->impl;
    ri->group_start = ri->rec.n;
    return WS_OK;
}

static ws_status r_group_end(ws_renderer *r, void **group) {
    record_impl *ri = r->impl;
    rec_group *g = ws__malloc(r->ctx, sizeof *g);
    *group = g;
    if (!g)
        return WS_ERR_NOMEM;
    g->start = ri->group_start;
    g->end = ri->rec.n;
    return WS_OK;
}

static ws_status r_group_paint(ws_renderer *r, void *group) {
    record_impl *ri = r->impl;
    const rec_group *g = group;
    for (size_t i = g->start; i < g->end; i++) {
        ws_rec copy = ri->rec.items[i];
        ws_rec *e = push(r, copy.kind);
        if (!e)
            return WS_ERR_NOMEM;
        size_t page = e->page;
        *e = copy;
        e->page = page;
        e->text = NULL;
        e->code = NULL;
        if ((copy.text && !(e->text = ws__strdup(r->ctx, copy.text))) ||
            (copy.code && !(e->code = ws__strdup(r->ctx, copy.code))))
            return WS_ERR_NOMEM;
    }
    return WS_OK;
}

static void r_group_free(ws_renderer *r, void *group) {
    ws__free(r->ctx, group);
}

static ws_status r_finish(ws_renderer *r) {
    (void)r;
    return WS_OK;
}

static void r_destroy(ws_renderer *r) {
    if (!r)
        return;
    record_impl *ri = r->impl;
    if (ri) {
        for (size_t i = 0; i < ri->rec.n; i++) {
            ws__free(r->ctx, ri->rec.items[i].text);
            ws__free(r->ctx, ri->rec.items[i].code);
        }
        ws__free(r->ctx, ri->rec.items);
        if (ri->cr)
            cairo_destroy(ri->cr);
        if (ri->surface)
            cairo_surface_destroy(ri->surface);
        ws__free(r->ctx, ri);
    }
    ws__free(r->ctx, r);
}

const ws_recording *ws__render_recording(const ws_renderer *r) {
    return &((const record_impl *)r->impl)->rec;
}

ws_status ws__render_record_new(ws_ctx *ctx, double width_pt, double height_pt,
                                double px_per_pt, ws_renderer **out) {
    *out = NULL;
    ws_renderer *r = ws__calloc(ctx, 1, sizeof *r);
    record_impl *ri = r ? ws__calloc(ctx, 1, sizeof *ri) : NULL;
    if (!r || !ri) {
        ws__free(ctx, r);
        return WS_ERR_NOMEM;
    }
    r->impl = ri;
    r->ctx = ctx;
    r->width = width_pt;
    r->height = height_pt;
    r->px_per_pt = px_per_pt > 0 ? px_per_pt : 1.0;
    r->path = r_path;
    r->text = r_text;
    r->measure = r_measure;
    r->clip = r_clip;
    r->unclip = r_unclip;
    r->note = r_note;
    r->page = r_page;
    r->group_begin = r_group_begin;
    r->group_end = r_group_end;
    r->group_paint = r_group_paint;
    r->group_free = r_group_free;
    r->finish = r_finish;
    r->destroy = r_destroy;
    ri->rec.pages = 1;
    ri->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    ri->cr = cairo_create(ri->surface);
    if (cairo_status(ri->cr) != CAIRO_STATUS_SUCCESS) {
        r_destroy(r);
        return ws__error(ctx, WS_ERR_RENDER,
                         "render: cannot create a measuring surface");
    }
    *out = r;
    return WS_OK;
}
