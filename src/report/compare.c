/* `wijkscan compare`: per theme one page (the style's paper, A4 landscape
 * by default) with the small multiples of the compared gemeenten — one
 * panel each, one common paper scale, one pooled classification and one
 * legend — and under them a strip plot of the marks per gemeente with the
 * weighted mean, the median and the regional mean; several themes make a
 * PDF of several pages. The comparison table goes to CSV. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../export/export_internal.h"
#include "report_internal.h"

#ifndef WS_VERSION_STRING
#define WS_VERSION_STRING "0.0.0"
#endif

void ws_compare_options_init(ws_compare_options *opt) {
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->level = WS_LEVEL_BUURT;
    opt->method = -1;
}

/* One theme's page. */
static ws_status compare_page(ws_cmp *c, size_t t, ws_renderer *r,
                              ws_compare_info *info) {
    const ws_map_style *st = &c->style;
    ws_theme_maps tm;
    ws_status s = ws__theme_maps_open(c, t, r, &tm);
    if (s != WS_OK)
        return s;
    double W = r->width, H = r->height;
    double m = st->margin_mm * WS_MM;
    if (m > 0.06 * fmin(W, H))
        m = 0.06 * fmin(W, H);
    char title[400], sub[600], names[400];
    snprintf(title, sizeof title, "%s per %s: de gemeenten naast elkaar",
             c->themes[t].label, ws__cmp_level_word(c->level, false));
    ws__cmp_join_names((const char *const *)c->gmname, c->ngm, names,
                       sizeof names);
    snprintf(sub, sizeof sub,
             "%s · elke kaart dezelfde schaal en dezelfde klassen", names);
    ws_font tf = ws__map_font(st, &st->title_font);
    ws_font sf = ws__map_font(st, &st->subtitle_font);
    ws_box tb, sb;
    s = r->text(r, title, m, m, &tf, W - 2 * m, &tb);
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_TITLE;
    n.text = title;
    n.box = tb;
    if (s == WS_OK)
        s = r->note(r, &n);
    if (s == WS_OK)
        s = r->text(r, sub, m, m + tb.h + 1.5, &sf, W - 2 * m, &sb);
    double top = m + tb.h + 1.5 + sb.h + 4 * WS_MM;
    double foot = 0;
    if (s == WS_OK)
        s = ws__map_footer(&tm.p, m, H - m, W - 2 * m, &foot);
    double bottom = H - m - foot - 3 * WS_MM;
    double avail = bottom - top;
    double maps_h = avail * 0.64;
    double scale_s = 0;
    if (s == WS_OK)
        s = ws__fig_small_multiples(c, &tm, r,
                                    (ws_box){m, top, W - 2 * m, maps_h, 0},
                                    st->legend_width_mm * WS_MM, &scale_s);
    if (s == WS_OK)
        s = ws__fig_strip(
            c, &tm, r,
            (ws_box){m, top + maps_h + 5 * WS_MM,
                     W - 2 * m - st->legend_width_mm * WS_MM - 4 * WS_MM,
                     avail - maps_h - 5 * WS_MM, 0});
    if (s == WS_OK && info) {
        info->scale = scale_s > 0 ? 72.0 / (scale_s * 0.0254) : 0;
        info->scale = round(info->scale);
        info->scalebar_m = tm.p.scalebar_m;
    }
    ws__theme_maps_close(&tm);
    return s;
}

ws_status ws__compare_draw(ws_cmp *c, ws_renderer *r, ws_compare_info *info) {
    ws_status s = WS_OK;
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++) {
        if (t > 0)
            s = r->page(r);
        if (s == WS_OK)
            s = compare_page(c, t, r, info);
    }
    if (info) {
        info->pages = c->nthemes;
        info->themes = c->nthemes;
        info->gemeenten = c->ngm;
    }
    return s;
}

ws_status ws_compare_render(ws_ctx *ctx, const ws_compare_options *opt,
                            ws_compare_info *info) {
    if (!ctx || !opt)
        return WS_ERR_INVALID_ARG;
    if (info)
        memset(info, 0, sizeof *info);
    if (!opt->gpkg_path || (!opt->output_path && !opt->csv_path))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "compare: the GeoPackage and an output (a figure "
                         "or a CSV file) are required");
    ws_map_format fmt = WS_MAP_FORMAT_AUTO;
    if (opt->output_path) {
        fmt = ws_map_format_from_path(opt->output_path);
        if (fmt == WS_MAP_FORMAT_AUTO)
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "%s: the output must end in .png, .pdf or .svg",
                             opt->output_path);
    }
    const char *outs[] = {opt->output_path, opt->csv_path};
    for (int i = 0; i < 2; i++)
        if (ws__map_same_file(outs[i], opt->gpkg_path))
            return ws__error(ctx, WS_ERR_IO_WRITE,
                             "%s: is the input GeoPackage; refusing to "
                             "overwrite it",
                             outs[i]);
    ws_cmp_request req;
    memset(&req, 0, sizeof req);
    req.gpkg_path = opt->gpkg_path;
    req.gemeenten = opt->gemeenten;
    req.n_gemeenten = opt->n_gemeenten;
    req.themes = opt->themes;
    req.n_themes = opt->n_themes;
    req.level = opt->level;
    req.style_path = opt->style_path;
    req.method = opt->method;
    req.classes = opt->classes;
    if (opt->classes > WS_CLASS_MAX_K || opt->method > (int)WS_CLASS_STDDEV)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "compare: classes must be 1 to %d and the method "
                         "one of quantile, equal, jenks, pretty, headtail, "
                         "stddev",
                         WS_CLASS_MAX_K);
    ws_cmp c;
    ws_status st = ws__cmp_load(ctx, &req, &c);
    if (st != WS_OK)
        return st;
    if (opt->output_path && c.nthemes > 1 && fmt != WS_MAP_FORMAT_PDF) {
        st = ws__error(ctx, WS_ERR_INVALID_ARG,
                       "%s: %zu themes make %zu pages; write a .pdf, or "
                       "name one theme for a .png or .svg",
                       opt->output_path, c.nthemes, c.nthemes);
        ws__cmp_free(&c);
        return st;
    }
    ws_outfile of;
    bool have_of = false;
    ws_renderer *r = NULL;
    if (opt->output_path) {
        st = ws__outfile_begin(ctx, NULL, opt->output_path, &of);
        have_of = st == WS_OK;
    }
    if (st == WS_OK && opt->output_path) {
        ws_cairo_options co;
        memset(&co, 0, sizeof co);
        co.format = fmt == WS_MAP_FORMAT_PNG   ? WS_RENDER_PNG
                    : fmt == WS_MAP_FORMAT_PDF ? WS_RENDER_PDF
                                               : WS_RENDER_SVG;
        ws_map_options mo = c.mopt;
        mo.dpi = opt->dpi;
        ws__map_page_size(&mo, &c.style, &co.width_pt, &co.height_pt, &co.dpi);
        co.path = of.tmp;
        co.creator = "wijkscan " WS_VERSION_STRING;
        co.background = c.style.background;
        st = ws__render_cairo_new(ctx, &co, &r);
        if (st == WS_OK)
            st = ws__compare_draw(&c, r, info);
        if (st == WS_OK)
            st = r->finish(r);
        if (r)
            r->destroy(r);
    }
    if (st == WS_OK && opt->csv_path)
        st = ws__cmp_write_csv(&c, opt->csv_path);
    if (have_of) {
        if (st == WS_OK)
            st = ws__outfile_commit(ctx, &of);
        else
            ws__outfile_abort(&of);
    }
    if (info && !opt->output_path) {
        info->themes = c.nthemes;
        info->gemeenten = c.ngm;
    }
    ws__cmp_free(&c);
    return st;
}
