/* Text through Pango on a Cairo context, shared by the Cairo and recording
 * backends so that a text measured by one is exactly the text drawn by the
 * other. Hinting of metrics and rounding of glyph positions are off: text
 * then scales linearly, and the layout of a page does not depend on the
 * output resolution. Halos are the glyph outlines stroked underneath. */
#include <math.h>

#include <pango/pangocairo.h>

#include "renderer.h"

static void set_source(cairo_t *cr, ws_rgba c) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

static PangoLayout *make_layout(cairo_t *cr, const char *utf8, const ws_font *f,
                                double max_width) {
    PangoContext *pc = pango_cairo_create_context(cr);
    if (!pc)
        return NULL;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(pc, FALSE);
    PangoLayout *layout = pango_layout_new(pc);
    g_object_unref(pc);
    if (!layout)
        return NULL;
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, f->family ? f->family : "Sans");
    pango_font_description_set_absolute_size(fd, f->size * PANGO_SCALE);
    pango_font_description_set_weight(fd, (PangoWeight)f->weight);
    pango_font_description_set_style(fd, f->italic ? PANGO_STYLE_ITALIC
                                                   : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    if (f->letter_spacing != 0) {
        PangoAttrList *al = pango_attr_list_new();
        pango_attr_list_insert(al, pango_attr_letter_spacing_new((int)lround(
                                       f->letter_spacing * PANGO_SCALE)));
        pango_layout_set_attributes(layout, al);
        pango_attr_list_unref(al);
    }
    pango_layout_set_alignment(layout,
                               f->align == WS_ALIGN_CENTER  ? PANGO_ALIGN_CENTER
                               : f->align == WS_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
                                                            : PANGO_ALIGN_LEFT);
    if (f->line_gap != 0)
        pango_layout_set_spacing(layout,
                                 (int)lround(f->line_gap * PANGO_SCALE));
    if (max_width > 0) {
        pango_layout_set_width(layout, (int)lround(max_width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    }
    pango_layout_set_text(layout, utf8, -1);
    return layout;
}

ws_status ws__text_run(ws_ctx *ctx, cairo_t *cr, const char *utf8, double x,
                       double y, const ws_font *f, double max_width, bool draw,
                       ws_box *box) {
    PangoLayout *layout = make_layout(cr, utf8 ? utf8 : "", f, max_width);
    if (!layout)
        return ws__error(ctx, WS_ERR_RENDER, "render: cannot lay out text");
    PangoRectangle ink, logical;
    pango_layout_get_extents(layout, &ink, &logical);
    double lx = (double)logical.x / PANGO_SCALE;
    double ly = (double)logical.y / PANGO_SCALE;
    ws_box b = {x, y, (double)logical.width / PANGO_SCALE,
                (double)logical.height / PANGO_SCALE,
                (double)pango_layout_get_baseline(layout) / PANGO_SCALE - ly};
    if (draw) {
        cairo_save(cr);
        cairo_move_to(cr, x - lx, y - ly);
        if (f->halo > 0) {
            pango_cairo_layout_path(cr, layout);
            set_source(cr, f->halo_color);
            cairo_set_line_width(cr, 2 * f->halo);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
            cairo_move_to(cr, x - lx, y - ly);
        }
        set_source(cr, f->color);
        pango_cairo_show_layout(cr, layout);
        cairo_restore(cr);
    }
    g_object_unref(layout);
    if (box)
        *box = b;
    cairo_status_t cs = cairo_status(cr);
    if (cs != CAIRO_STATUS_SUCCESS)
        return ws__error(ctx, WS_ERR_RENDER, "render: text: %s",
                         cairo_status_to_string(cs));
    return WS_OK;
}

void ws__text_release(void) { pango_cairo_font_map_set_default(NULL); }
