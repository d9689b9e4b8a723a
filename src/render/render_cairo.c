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
#include <png.h>

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

/* Groups as Cairo groups: in a PDF, a pattern painted on several pages is
 * written once, as a form XObject. */
static ws_status c_group_begin(ws_renderer *r) {
    cairo_impl *ci = r->impl;
    cairo_push_group(ci->cr);
    return check(r, "starting a group");
}

static ws_status c_group_paint(ws_renderer *r, void *group) {
    cairo_impl *ci = r->impl;
    cairo_save(ci->cr);
    cairo_set_source(ci->cr, group);
    cairo_paint(ci->cr);
    cairo_restore(ci->cr);
    return check(r, "drawing a group");
}

static ws_status c_group_end(ws_renderer *r, void **group) {
    cairo_impl *ci = r->impl;
    cairo_pattern_t *pat = cairo_pop_group(ci->cr);
    *group = NULL;
    if (cairo_pattern_status(pat) != CAIRO_STATUS_SUCCESS) {
        cairo_pattern_destroy(pat);
        return check(r, "ending a group");
    }
    *group = pat;
    return c_group_paint(r, pat);
}

static void c_group_free(ws_renderer *r, void *group) {
    (void)r;
    cairo_pattern_destroy(group);
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

/* PNG through libpng rather than cairo_surface_write_to_png: with the
 * physical size (pHYs, so word processors place it at its printed size),
 * as RGB when every pixel is opaque (a map on its white page: a quarter
 * smaller), unfiltered and at deflate level 3: a map's runs of flat colour
 * compress better without PNG's row filters, and its deflate and filter
 * time fell from 18 % to 4 % of a 1600 × 1200 map (the file from 400 to
 * 335 kB; README, "Snelheid"). */
#define PNG_DEFLATE_LEVEL 3

typedef struct png_out {
    cairo_impl *ci;
    const char *error; /* libpng's message */
} png_out;

static void png_fail(png_structp png, png_const_charp msg) {
    png_out *o = png_get_error_ptr(png);
    o->error = msg;
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

static void png_write_data(png_structp png, png_bytep data, size_t len) {
    png_out *o = png_get_io_ptr(png);
    if (!o->ci->write_failed && fwrite(data, 1, len, o->ci->file) != len) {
        o->ci->write_failed = true;
        o->ci->write_errno = errno;
    }
}

static void png_flush_data(png_structp png) { (void)png; }

static bool surface_opaque(const unsigned char *px, int w, int h, int stride) {
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(px + y * stride);
        for (int x = 0; x < w; x++)
            if ((row[x] >> 24) != 0xff)
                return false;
    }
    return true;
}

/* One row of Cairo's premultiplied native-endian ARGB as RGB or RGBA. */
static void unpremultiply_row(const uint32_t *in, int w, bool alpha,
                              unsigned char *out) {
    for (int x = 0; x < w; x++) {
        uint32_t p = in[x];
        unsigned a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff,
                 b = p & 0xff;
        if (alpha && a != 0xff && a != 0) {
            r = (r * 255 + a / 2) / a;
            g = (g * 255 + a / 2) / a;
            b = (b * 255 + a / 2) / a;
        }
        *out++ = (unsigned char)r;
        *out++ = (unsigned char)g;
        *out++ = (unsigned char)b;
        if (alpha)
            *out++ = (unsigned char)a;
    }
}

static ws_status write_png(ws_renderer *r) {
    cairo_impl *ci = r->impl;
    int w = cairo_image_surface_get_width(ci->surface);
    int h = cairo_image_surface_get_height(ci->surface);
    int stride = cairo_image_surface_get_stride(ci->surface);
    const unsigned char *px = cairo_image_surface_get_data(ci->surface);
    if (!px)
        return ws__error(r->ctx, WS_ERR_RENDER, "render: PNG: no image data");
    bool alpha = !surface_opaque(px, w, h, stride);
    unsigned char *row = ws__malloc(r->ctx, (size_t)w * 4);
    png_out o = {ci, NULL};
    png_structp png = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, &o,
                                                    png_fail, png_warn)
                          : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        ws__free(r->ctx, row);
        return ws__error(r->ctx, WS_ERR_NOMEM, "render: out of memory (PNG)");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        ws__free(r->ctx, row);
        return ws__error(r->ctx, WS_ERR_RENDER, "render: PNG: %s",
                         o.error ? o.error : "libpng failed");
    }
    png_set_write_fn(png, &o, png_write_data, png_flush_data);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)lround(ci->opt.dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_set_compression_level(png, PNG_DEFLATE_LEVEL);
    png_set_filter(png, 0, PNG_FILTER_NONE);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        unpremultiply_row((const uint32_t *)(const void *)(px + y * stride), w,
                          alpha, row);
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    ws__free(r->ctx, row);
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
    r->vector = opt->format != WS_RENDER_PNG;
    r->path = c_path;
    r->text = c_text;
    r->measure = c_measure;
    r->clip = c_clip;
    r->unclip = c_unclip;
    r->note = c_note;
    r->page = c_page;
    if (opt->format == WS_RENDER_PDF) {
        r->group_begin = c_group_begin;
        r->group_end = c_group_end;
        r->group_paint = c_group_paint;
        r->group_free = c_group_free;
    }
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
