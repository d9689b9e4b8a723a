/* A small document layer for the report: A4 pages with margins, a running
 * footer with the page number ("pagina 3 van 19"), headings that are
 * recorded for the table of contents and the PDF outline, wrapped
 * paragraphs and tables whose rows wrap and break across pages with the
 * header repeated. All text goes through the renderer (Pango), so it is
 * real, searchable text in the PDF. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static ws_font mkfont(const ws_map_style *st, double size, int weight,
                      ws_rgba color) {
    ws_font f;
    memset(&f, 0, sizeof f);
    f.family = st->family;
    f.size = size;
    f.weight = weight;
    f.color = color;
    return f;
}

void ws__doc_init(ws_doc *d, ws_ctx *ctx, ws_renderer *r,
                  const ws_map_style *st) {
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->r = r;
    d->st = st;
    d->W = r->width;
    d->H = r->height;
    d->ml = d->mr = 20 * WS_MM;
    d->mt = 18 * WS_MM;
    d->mb = 20 * WS_MM;
    d->y = d->mt;
    d->page = 1;
    ws_rgba ink = st->text_color, dark = {0.1, 0.1, 0.1, 1};
    ws_rgba accent = {0.33, 0.15, 0.53, 1}; /* PuOr's purple end */
    d->title = mkfont(st, 26, 700, dark);
    d->h1 = mkfont(st, 17, 700, accent);
    d->h2 = mkfont(st, 11.5, 700, dark);
    d->body = mkfont(st, 9.5, 400, ink);
    d->body.line_gap = 2;
    d->small = mkfont(st, 7.5, 400, st->muted_color);
    d->th = mkfont(st, 7.8, 700, dark);
    d->td = mkfont(st, 7.8, 400, ink);
    d->note = mkfont(st, 7.5, 400, st->muted_color);
    d->note.italic = true;
}

void ws__doc_free(ws_doc *d) { ws__free(d->ctx, d->heads); }

double ws__doc_bottom(const ws_doc *d) { return d->H - d->mb; }
double ws__doc_width(const ws_doc *d) { return d->W - d->ml - d->mr; }

ws_status ws__doc_footer(ws_doc *d) {
    if (d->page == 1)
        return WS_OK;
    char num[64];
    if (d->total_pages)
        snprintf(num, sizeof num, "pagina %zu van %zu", d->page,
                 d->total_pages);
    else
        snprintf(num, sizeof num, "pagina %zu", d->page);
    ws_font f = d->small;
    ws_box b;
    double y = d->H - d->mb + 8 * WS_MM;
    ws_paint rule = ws__paint_stroke((ws_rgba){0.75, 0.75, 0.75, 1}, 0.5);
    ws_status s =
        ws__render_line(d->r, d->ml, y - 3, d->W - d->mr, y - 3, &rule);
    if (s == WS_OK)
        s = d->r->measure(d->r, num, &f, 0, &b);
    if (s == WS_OK)
        s = d->r->text(d->r, num, d->W - d->mr - b.w, y, &f, 0, NULL);
    if (s == WS_OK && d->footer[0])
        s = d->r->text(d->r, d->footer, d->ml, y, &f,
                       ws__doc_width(d) - b.w - 20, NULL);
    return s;
}

ws_status ws__doc_new_page(ws_doc *d) {
    ws_status s = d->r->page(d->r);
    d->page++;
    d->y = d->mt;
    if (s == WS_OK)
        s = ws__doc_footer(d);
    return s;
}

ws_status ws__doc_need(ws_doc *d, double need) {
    if (d->y > d->mt + 0.5 && d->y + need > ws__doc_bottom(d))
        return ws__doc_new_page(d);
    return WS_OK;
}

ws_status ws__doc_heading(ws_doc *d, int level, const char *text) {
    ws_status s = WS_OK;
    if (level == 0 && (d->y > d->mt + 0.5 || d->page == 1))
        s = ws__doc_new_page(d);
    else if (level > 0) {
        if (d->y > d->mt + 0.5)
            d->y += 3 * WS_MM;
        s = ws__doc_need(d, 30 * WS_MM);
    }
    if (s != WS_OK)
        return s;
    if (ws__reserve(d->ctx, (void **)&d->heads, &d->capheads, d->nheads + 1,
                    sizeof *d->heads) != WS_OK)
        return WS_ERR_NOMEM;
    ws_doc_heading *h = &d->heads[d->nheads++];
    h->level = level;
    snprintf(h->text, sizeof h->text, "%s", text);
    h->page = d->page;
    h->y = d->y;
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_OUTLINE;
    n.text = text;
    n.v[0] = level;
    n.v[1] = (double)d->page;
    n.box.y = d->y;
    s = d->r->note(d->r, &n);
    const ws_font *f = level == 0 ? &d->h1 : &d->h2;
    ws_box b;
    if (s == WS_OK)
        s = d->r->text(d->r, text, d->ml, d->y, f, ws__doc_width(d), &b);
    if (s == WS_OK)
        d->y += b.h + (level == 0 ? 5 * WS_MM : 2 * WS_MM);
    return s;
}

ws_status ws__doc_text(ws_doc *d, const char *text, const ws_font *f,
                       double gap_after) {
    ws_box b;
    double w = ws__doc_width(d);
    ws_status s = d->r->measure(d->r, text, f, w, &b);
    if (s == WS_OK)
        s = ws__doc_need(d, b.h);
    if (s == WS_OK)
        s = d->r->text(d->r, text, d->ml, d->y, f, w, &b);
    if (s == WS_OK)
        d->y += b.h + gap_after;
    return s;
}

/* One table row: measure (draw = false) or draw; *h is its height. */
static ws_status table_row(ws_doc *d, const ws_doc_table *t,
                           const char *const *cells, const ws_font *f,
                           bool draw, bool shade, double *h) {
    double w = ws__doc_width(d), pad = 2.2, x = d->ml;
    double hh = 0;
    ws_status s = WS_OK;
    for (size_t c = 0; s == WS_OK && c < t->ncols; c++) {
        ws_box b = {0, 0, 0, 0, 0};
        const char *txt = cells[c] ? cells[c] : "";
        double cw = t->widths[c] * w - 2 * pad;
        ws_font ff = *f;
        ff.align = t->align ? t->align[c] : WS_ALIGN_LEFT;
        s = d->r->measure(d->r, txt, &ff, cw, &b);
        hh = fmax(hh, b.h);
    }
    hh += 2 * pad;
    if (draw && shade && s == WS_OK) {
        ws_paint pt = ws__paint_fill((ws_rgba){0.955, 0.95, 0.965, 1});
        s = ws__render_rect(d->r, d->ml, d->y, w, hh, &pt);
    }
    for (size_t c = 0; draw && s == WS_OK && c < t->ncols; c++) {
        const char *txt = cells[c] ? cells[c] : "";
        double cw = t->widths[c] * w - 2 * pad;
        ws_font ff = *f;
        ff.align = t->align ? t->align[c] : WS_ALIGN_LEFT;
        if (txt[0])
            s = d->r->text(d->r, txt, x + pad, d->y + pad, &ff, cw, NULL);
        x += t->widths[c] * w;
    }
    *h = hh;
    return s;
}

static ws_status rule(ws_doc *d, double y, double width, double grey) {
    ws_paint pt = ws__paint_stroke((ws_rgba){grey, grey, grey, 1}, width);
    return ws__render_line(d->r, d->ml, y, d->ml + ws__doc_width(d), y, &pt);
}

static ws_status table_header(ws_doc *d, const ws_doc_table *t) {
    double h;
    ws_status s = table_row(d, t, t->header, &d->th, true, false, &h);
    if (s == WS_OK)
        s = rule(d, d->y + h, 0.8, 0.3);
    d->y += h + 0.5;
    return s;
}

ws_status ws__doc_table(ws_doc *d, const ws_doc_table *t) {
    double hh = 0, h0 = 0;
    ws_status s = table_row(d, t, t->header, &d->th, false, false, &hh);
    if (s == WS_OK && t->nrows)
        s = table_row(d, t, t->cells, &d->td, false, false, &h0);
    if (s == WS_OK)
        s = ws__doc_need(d, hh + h0 + 2);
    if (s == WS_OK)
        s = table_header(d, t);
    for (size_t i = 0; s == WS_OK && i < t->nrows; i++) {
        const char *const *row = t->cells + i * t->ncols;
        const ws_font *f = t->bold && t->bold[i] ? &d->th : &d->td;
        double h;
        s = table_row(d, t, row, f, false, false, &h);
        if (s == WS_OK && d->y + h > ws__doc_bottom(d)) {
            s = ws__doc_new_page(d);
            if (s == WS_OK)
                s = table_header(d, t);
        }
        if (s == WS_OK)
            s = table_row(d, t, row, f, true, i % 2 == 1, &h);
        d->y += h;
    }
    if (s == WS_OK)
        s = rule(d, d->y, 0.5, 0.6);
    d->y += 4 * WS_MM;
    return s;
}
