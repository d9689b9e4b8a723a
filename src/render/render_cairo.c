/* The Cairo backend of the renderer: PNG at the requested DPI (with a pHYs
 * chunk, so word processors place it at its printed size), vector PDF with
 * searchable text and fixed metadata dates, and SVG. The page is drawn in
 * points; for PNG the context is scaled by dpi/72. Output goes to the path
 * given, through a stream, so a full disk is an error rather than a short
 * file. Cairo's sticky status is checked after drawing and after writing. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include "renderer.h"

typedef struct cairo_impl {
    ws_cairo_options opt;
    cairo_surface_t *surface;
    cairo_t *cr;
    int clip_depth;
    /* PDF outline: the item last added at each level (parents) */
    int outline[8];
    /* stream output (PDF/SVG) */
    FILE *file;
    bool write_failed;
    int write_errno;
} cairo_impl;

static ws_status check(ws_renderer *r, const char *what) {
    cairo_impl *ci = r->impl;
    cairo_status_t cs = cairo_status(ci->cr);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(ci->surface);
    if (cs != CAIRO_STATUS_SUCCESS)
        return ws__error(
            r->ctx, cs == CAIRO_STATUS_NO_MEMORY ? WS_ERR_NOMEM : WS_ERR_RENDER,
            "render: %s: %s", what, cairo_status_to_string(cs));
    return WS_OK;
}

static void set_source(cairo_t *cr, ws_rgba c) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

static void add_path(cairo_t *cr, const ws_path *p) {
    const double *xy = p->xy;
    for (size_t r = 0; r < p->nrings; r++) {
        size_t n = p->ring_len[r];
        for (size_t i = 0; i < n; i++, xy += 2) {
            if (i == 0)
                cairo_move_to(cr, xy[0], xy[1]);
            else
                cairo_line_to(cr, xy[0], xy[1]);
        }
        if (p->closed && n > 0)
            cairo_close_path(cr);
    }
}

/* Parallel lines at `angle` (degrees) over the current clip's extents, on a
 * grid anchored at the page origin so neighbouring areas line up. */
static void hatch_lines(cairo_t *cr, double angle, double spacing, double x0,
                        double y0, double x1, double y1) {
    double a = angle * M_PI / 180.0;
    double dx = cos(a), dy = sin(a); /* along the lines */
    double nx = -dy, ny = dx;        /* across */
    double cx[4] = {x0, x1, x0, x1}, cy[4] = {y0, y0, y1, y1};
    double dmin = HUGE_VAL, dmax = -HUGE_VAL, tmin = HUGE_VAL, tmax = -HUGE_VAL;
    for (int i = 0; i < 4; i++) {
        double d = cx[i] * nx + cy[i] * ny, t = cx[i] * dx + cy[i] * dy;
        dmin = fmin(dmin, d);
        dmax = fmax(dmax, d);
        tmin = fmin(tmin, t);
        tmax = fmax(tmax, t);
    }
    for (double k = ceil(dmin / spacing); k * spacing <= dmax; k++) {
        double d = k * spacing;
        cairo_move_to(cr, d * nx + tmin * dx, d * ny + tmin * dy);
        cairo_line_to(cr, d * nx + tmax * dx, d * ny + tmax * dy);
    }
}

static void draw_hatch(cairo_t *cr, const ws_paint *pt) {
    double x0, y0, x1, y1;
    cairo_save(cr);
    cairo_clip_preserve(cr);
    cairo_new_path(cr);
    cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
    set_source(cr, pt->hatch_color);
    cairo_set_line_width(cr, pt->hatch_width);
    double s = pt->hatch_spacing > 0.5 ? pt->hatch_spacing : 0.5;
    switch (pt->hatch) {
    case WS_HATCH_DIAGONAL:
        hatch_lines(cr, -45, s, x0, y0, x1, y1);
        break;
    case WS_HATCH_BACK_DIAGONAL:
        hatch_lines(cr, 45, s, x0, y0, x1, y1);
        break;
    case WS_HATCH_CROSS:
        hatch_lines(cr, -45, s, x0, y0, x1, y1);
        hatch_lines(cr, 45, s, x0, y0, x1, y1);
        break;
    case WS_HATCH_HORIZONTAL:
        hatch_lines(cr, 0, s, x0, y0, x1, y1);
        break;
    case WS_HATCH_DOTS:
        for (double y = ceil(y0 / s) * s; y <= y1; y += s)
            for (double x = ceil(x0 / s) * s; x <= x1; x += s) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, x, y, pt->hatch_width, 0, 2 * M_PI);
            }
        cairo_fill(cr);
        break;
    case WS_HATCH_NONE:
        break;
    }
    if (pt->hatch != WS_HATCH_DOTS)
        cairo_stroke(cr);
    cairo_restore(cr);
}

static ws_status c_path(ws_renderer *r, const ws_path *p, const ws_paint *pt) {
    cairo_impl *ci = r->impl;
    cairo_t *cr = ci->cr;
    cairo_new_path(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    add_path(cr, p);
    if (p->closed && pt->fill) {
        set_source(cr, pt->fill_color);
        cairo_fill_preserve(cr);
    }
    if (p->closed && pt->hatch != WS_HATCH_NONE)
        draw_hatch(cr, pt);
    if (pt->stroke && pt->stroke_width > 0) {
        set_source(cr, pt->stroke_color);
        cairo_set_line_width(cr, pt->stroke_width);
        cairo_set_line_join(cr, pt->round_joins ? CAIRO_LINE_JOIN_ROUND
                                                : CAIRO_LINE_JOIN_MITER);
        cairo_set_line_cap(cr, pt->round_joins ? CAIRO_LINE_CAP_ROUND
                                               : CAIRO_LINE_CAP_BUTT);
        cairo_set_dash(cr, pt->dash, pt->ndash, 0);
        cairo_stroke_preserve(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    cairo_new_path(cr);
    return check(r, "drawing a path");
}

static ws_status c_text(ws_renderer *r, const char *utf8, double x, double y,
                        const ws_font *f, double max_width, ws_box *box) {
    cairo_impl *ci = r->impl;
    ws_status st =
        ws__text_run(r->ctx, ci->cr, utf8, x, y, f, max_width, true, box);
    return st != WS_OK ? st : check(r, "drawing text");
}

static ws_status c_measure(ws_renderer *r, const char *utf8, const ws_font *f,
                           double max_width, ws_box *box) {
    cairo_impl *ci = r->impl;
    return ws__text_run(r->ctx, ci->cr, utf8, 0, 0, f, max_width, false, box);
}

static ws_status c_clip(ws_renderer *r, double x, double y, double w,
                        double h) {
    cairo_impl *ci = r->impl;
    cairo_save(ci->cr);
    cairo_new_path(ci->cr);
    cairo_rectangle(ci->cr, x, y, w, h);
    cairo_clip(ci->cr);
    ci->clip_depth++;
    return check(r, "clipping");
}

static ws_status c_unclip(ws_renderer *r) {
    cairo_impl *ci = r->impl;
    if (ci->clip_depth > 0) {
        cairo_restore(ci->cr);
        ci->clip_depth--;
    }
    return check(r, "clipping");
}

static ws_status c_note(ws_renderer *r, const ws_note *n) {
    cairo_impl *ci = r->impl;
    if (n->kind == WS_NOTE_TITLE && n->text && ci->opt.format == WS_RENDER_PDF)
        cairo_pdf_surface_set_metadata(ci->surface, CAIRO_PDF_METADATA_TITLE,
                                       n->text);
    if (n->kind == WS_NOTE_DATE && n->text && ci->opt.format == WS_RENDER_PDF) {
        cairo_pdf_surface_set_metadata(ci->surface,
                                       CAIRO_PDF_METADATA_CREATE_DATE, n->text);
        cairo_pdf_surface_set_metadata(ci->surface, CAIRO_PDF_METADATA_MOD_DATE,
                                       n->text);
    }
    if (n->kind == WS_NOTE_OUTLINE && n->text &&
        ci->opt.format == WS_RENDER_PDF) {
        int level = (int)n->v[0];
        if (level < 0)
            level = 0;
        if (level > 7)
            level = 7;
        char dest[96];
        snprintf(dest, sizeof dest, "page=%d pos=[0 %.2f]", (int)n->v[1],
                 n->box.y > 0 ? n->box.y : 0.0);
        int parent =
            level == 0 ? CAIRO_PDF_OUTLINE_ROOT : ci->outline[level - 1];
        int id = cairo_pdf_surface_add_outline(
            ci->surface, parent, n->text, dest,
            level == 0 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
        for (int l = level; l < 8; l++)
            ci->outline[l] = id;
    }
    if (n->kind == WS_NOTE_LINK && ci->opt.format == WS_RENDER_PDF) {
        char attr[160];
        snprintf(attr, sizeof attr,
                 "rect=[%.2f %.2f %.2f %.2f] page=%d pos=[0 %.2f]", n->box.x,
                 n->box.y, n->box.w, n->box.h, (int)n->v[0], n->v[1]);
        cairo_tag_begin(ci->cr, CAIRO_TAG_LINK, attr);
        cairo_tag_end(ci->cr, CAIRO_TAG_LINK);
    }
    return check(r, "annotating");
}

static ws_status c_page(ws_renderer *r) {
    cairo_impl *ci = r->impl;
    if (ci->opt.format != WS_RENDER_PDF)
        return ws__error(r->ctx, WS_ERR_INVALID_ARG,
                         "render: %s holds one page; a document needs PDF",
                         ci->opt.format == WS_RENDER_PNG ? "PNG" : "SVG");
    while (ci->clip_depth > 0)
        c_unclip(r);
    cairo_show_page(ci->cr);
    set_source(ci->cr, ci->opt.background);
    cairo_paint(ci->cr);
    return check(r, "starting a page");
}

/* --- output ----------------------------------------------------------------
 */

static cairo_status_t file_write(void *closure, const unsigned char *data,
                                 unsigned int length) {
    cairo_impl *ci = closure;
    if (ci->write_failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (fwrite(data, 1, length, ci->file) != length) {
        ci->write_failed = true;
        ci->write_errno = errno;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* PNG: collect cairo's stream in memory, then write it with a pHYs chunk
 * (pixels per metre) after IHDR. */
typedef struct png_buf {
    ws_ctx *ctx;
    unsigned char *data;
    size_t len, cap;
    bool nomem;
} png_buf;

static cairo_status_t png_collect(void *closure, const unsigned char *data,
                                  unsigned int length) {
    png_buf *b = closure;
    if (ws__reserve(b->ctx, (void **)&b->data, &b->cap, b->len + length, 1) !=
        WS_OK) {
        b->nomem = true;
        return CAIRO_STATUS_NO_MEMORY;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static uint32_t crc32_png(const unsigned char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static ws_status write_png(ws_renderer *r) {
    cairo_impl *ci = r->impl;
    png_buf b = {r->ctx, NULL, 0, 0, false};
    cairo_status_t cs =
        cairo_surface_write_to_png_stream(ci->surface, png_collect, &b);
    if (b.nomem || cs == CAIRO_STATUS_NO_MEMORY) {
        ws__free(r->ctx, b.data);
        return ws__error(r->ctx, WS_ERR_NOMEM, "render: out of memory (PNG)");
    }
    if (cs != CAIRO_STATUS_SUCCESS || b.len < 33) {
        ws__free(r->ctx, b.data);
        return ws__error(r->ctx, WS_ERR_RENDER, "render: PNG: %s",
                         cairo_status_to_string(cs));
    }
    unsigned char phys[21];
    uint32_t ppm = (uint32_t)lround(ci->opt.dpi / 0.0254);
    put_u32(phys, 9);
    memcpy(phys + 4, "pHYs", 4);
    put_u32(phys + 8, ppm);
    put_u32(phys + 12, ppm);
    phys[16] = 1; /* unit: metre */
    put_u32(phys + 17, crc32_png(phys + 4, 13));
    size_t head = 8 + 25; /* signature + IHDR chunk */
    bool ok = fwrite(b.data, 1, head, ci->file) == head &&
              fwrite(phys, 1, sizeof phys, ci->file) == sizeof phys &&
              fwrite(b.data + head, 1, b.len - head, ci->file) == b.len - head;
    if (!ok) {
        ci->write_failed = true;
        ci->write_errno = errno;
    }
    ws__free(r->ctx, b.data);
    return WS_OK;
}

static ws_status c_finish(ws_renderer *r) {
    cairo_impl *ci = r->impl;
    ws_status st = check(r, "drawing");
    while (ci->clip_depth > 0)
        c_unclip(r);
    if (st == WS_OK && !ci->file) {
        ci->file = fopen(ci->opt.path, "wb");
        if (!ci->file)
            return ws__error(r->ctx, WS_ERR_IO_WRITE, "%s: cannot write: %s",
                             ci->opt.path, strerror(errno));
    }
    if (st == WS_OK && ci->opt.format == WS_RENDER_PNG) {
        cairo_surface_flush(ci->surface);
        st = write_png(r);
    } else if (st == WS_OK) {
        cairo_destroy(ci->cr);
        ci->cr = NULL;
        cairo_surface_finish(ci->surface);
        cairo_status_t cs = cairo_surface_status(ci->surface);
        if (cs != CAIRO_STATUS_SUCCESS && !ci->write_failed)
            st = ws__error(r->ctx, WS_ERR_RENDER, "render: %s: %s",
                           ci->opt.path, cairo_status_to_string(cs));
    }
    if (ci->file) {
        if (fclose(ci->file) != 0 && !ci->write_failed) {
            ci->write_failed = true;
            ci->write_errno = errno;
        }
        ci->file = NULL;
    }
    if (st == WS_OK && ci->write_failed)
        st = ws__error(r->ctx, WS_ERR_IO_WRITE, "%s: write failed: %s",
                       ci->opt.path, strerror(ci->write_errno));
    return st;
}

static void c_destroy(ws_renderer *r) {
    if (!r)
        return;
    cairo_impl *ci = r->impl;
    if (ci) {
        if (ci->cr)
            cairo_destroy(ci->cr);
        if (ci->surface)
            cairo_surface_destroy(ci->surface);
        if (ci->file)
            fclose(ci->file);
        ws__free(r->ctx, ci);
    }
    ws__free(r->ctx, r);
}

/* Cairo's PDF dates are "YYYY-MM-DDThh:mm:ss" with an optional zone. */
static void pdf_metadata(cairo_surface_t *s, const ws_cairo_options *o) {
    if (o->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, o->title);
    if (o->creator)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
                                       o->creator);
    if (o->date_iso) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
                                       o->date_iso);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE,
                                       o->date_iso);
    }
}

ws_status ws__render_cairo_new(ws_ctx *ctx, const ws_cairo_options *opt,
                               ws_renderer **out) {
    *out = NULL;
    ws_renderer *r = ws__calloc(ctx, 1, sizeof *r);
    cairo_impl *ci = r ? ws__calloc(ctx, 1, sizeof *ci) : NULL;
    if (!r || !ci) {
        ws__free(ctx, r);
        return WS_ERR_NOMEM;
    }
    r->impl = ci;
    r->ctx = ctx;
    ci->opt = *opt;
    r->width = opt->width_pt;
    r->height = opt->height_pt;
    r->px_per_pt = opt->format == WS_RENDER_PNG ? opt->dpi / 72.0 : 1.0;
    r->path = c_path;
    r->text = c_text;
    r->measure = c_measure;
    r->clip = c_clip;
    r->unclip = c_unclip;
    r->note = c_note;
    r->page = c_page;
    r->finish = c_finish;
    r->destroy = c_destroy;
    if (opt->format == WS_RENDER_PNG) {
        int w = (int)lround(opt->width_pt * r->px_per_pt);
        int h = (int)lround(opt->height_pt * r->px_per_pt);
        if (w < 1 || h < 1 || w > 30000 || h > 30000) {
            c_destroy(r);
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "render: image of %d × %d pixels is out of range "
                             "(1 to 30000 each)",
                             w, h);
        }
        ci->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    } else {
        ci->file = fopen(opt->path, "wb");
        if (!ci->file) {
            int e = errno;
            c_destroy(r);
            return ws__error(ctx, WS_ERR_IO_WRITE, "%s: cannot write: %s",
                             opt->path, strerror(e));
        }
        if (opt->format == WS_RENDER_PDF) {
            ci->surface = cairo_pdf_surface_create_for_stream(
                file_write, ci, opt->width_pt, opt->height_pt);
            pdf_metadata(ci->surface, opt);
        } else {
            ci->surface = cairo_svg_surface_create_for_stream(
                file_write, ci, opt->width_pt, opt->height_pt);
            cairo_svg_surface_set_document_unit(ci->surface, CAIRO_SVG_UNIT_PT);
        }
    }
    ci->cr = cairo_create(ci->surface);
    ws_status st = check(r, "creating the surface");
    if (st != WS_OK) {
        c_destroy(r);
        return st;
    }
    if (opt->format == WS_RENDER_PNG)
        cairo_scale(ci->cr, r->px_per_pt, r->px_per_pt);
    set_source(ci->cr, opt->background);
    cairo_paint(ci->cr);
    *out = r;
    return WS_OK;
}
