/* Cartographic styles: styles/NAME.yaml read into a ws_map_style on top of
 * the built-in defaults (which are those of styles/default.yaml), so a style
 * file only names what it changes. Every element of the page is styled here:
 * page and margins, fonts, title block, map frame and context, palette and
 * classification, missing-value fills (per reason), boundaries per level,
 * water, labels, legend, scale bar, north arrow, source line and
 * voorzieningen symbols. Errors name file:line:column and suggest the key
 * that was probably meant. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

#define FAMILY "Noto Sans, DejaVu Sans, sans-serif"

static ws_rgba rgb(unsigned hex) {
    return (ws_rgba){((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                     (hex & 0xff) / 255.0, 1.0};
}

static ws_font font(double size, int weight, unsigned color) {
    ws_font f;
    memset(&f, 0, sizeof f);
    f.family = FAMILY;
    f.size = size;
    f.weight = weight;
    f.color = rgb(color);
    f.halo_color = rgb(0xffffff);
    return f;
}

static ws_paint line(unsigned color, double alpha, double width) {
    ws_paint p;
    memset(&p, 0, sizeof p);
    p.stroke = true;
    p.stroke_color = rgb(color);
    p.stroke_color.a = alpha;
    p.stroke_width = width;
    p.round_joins = true;
    return p;
}

static ws_missing_style missing(const char *reason, unsigned fill,
                                ws_hatch hatch, unsigned hatch_color,
                                double spacing, double width) {
    ws_missing_style m;
    memset(&m, 0, sizeof m);
    m.reason = reason;
    m.paint.fill = true;
    m.paint.fill_color = rgb(fill);
    m.paint.hatch = hatch;
    m.paint.hatch_color = rgb(hatch_color);
    m.paint.hatch_spacing = spacing;
    m.paint.hatch_width = width;
    return m;
}

void ws__map_style_defaults(ws_map_style *s) {
    memset(s, 0, sizeof *s);
    s->name = "Standaard (A4 liggend)";
    s->page_w_mm = 210;
    s->page_h_mm = 297;
    s->landscape = true;
    s->margin_mm = 12;
    s->background = rgb(0xffffff);
    s->dpi = 200;
    s->family = FAMILY;
    s->text_color = rgb(0x222222);
    s->muted_color = rgb(0x666666);
    s->title_font = font(17, 700, 0x1a1a1a);
    s->subtitle_font = font(10.5, 400, 0x555555);
    s->title_rule = line(0xbdbdbd, 1, 0.6);
    s->padding = 0.03;
    s->map_background = rgb(0xffffff);
    s->frame = line(0x8c8c8c, 1, 0.5);
    s->frame.round_joins = false;
    s->context = line(0xc8c8c8, 1, 0.3);
    s->context.fill = true;
    s->context.fill_color = rgb(0xf2f2f2);
    s->context_label = font(8, 400, 0x8a8a8a);
    s->context_label.italic = true;
    s->method = WS_CLASS_QUANTILE;
    s->classes = 5;
    s->palette_sequential = "YlGnBu";
    s->palette_diverging = "PuOr";
    s->scores_diverging = true;
    s->by_direction = true;
    s->reverse = false;
    s->midpoint = NAN;
    s->missing[0] = missing(NULL, 0xd9d9d9, WS_HATCH_NONE, 0x969696, 3, 0.5);
    s->missing[1] =
        missing("geheim", 0xeeeeee, WS_HATCH_DIAGONAL, 0x8c8c8c, 3.2, 0.55);
    s->missing[2] =
        missing("geen_woningen", 0xfafafa, WS_HATCH_DOTS, 0x8c8c8c, 3.0, 0.5);
    s->missing[3] = missing("te_weinig_woningen", 0xe4e4e4,
                            WS_HATCH_BACK_DIAGONAL, 0x7a7a7a, 3.2, 0.55);
    s->missing[4] = missing("te_weinig", 0xe4e4e4, WS_HATCH_BACK_DIAGONAL,
                            0x7a7a7a, 3.2, 0.55);
    s->missing[5] = missing("onvoldoende_dekking", 0xe8e8e8, WS_HATCH_CROSS,
                            0x9a9a9a, 4.0, 0.45);
    s->missing[6] =
        missing("geen_gegevens", 0xd4d4d4, WS_HATCH_NONE, 0x969696, 3, 0.5);
    s->nmissing = 7;
    s->line[0] = line(0x4d4d4d, 0.45, 0.25);
    s->line[1] = line(0x3a3a3a, 0.85, 0.7);
    s->line[2] = line(0x111111, 1, 1.5);
    s->water = line(0x9ecae1, 1, 0.3);
    s->water.fill = true;
    s->water.fill_color = rgb(0xd4e6f4);
    s->label_regions = WS_LABELS_AUTO;
    s->label_font = font(6.5, 400, 0x1a1a1a);
    s->label_font.halo = 1.1;
    s->label_font.halo_color.a = 0.85;
    s->label_font.align = WS_ALIGN_CENTER;
    s->gemeente_font = font(9.5, 700, 0x2b2b2b);
    s->gemeente_font.halo = 1.6;
    s->gemeente_font.letter_spacing = 1.4;
    s->gemeente_font.align = WS_ALIGN_CENTER;
    s->gemeente_upper = true;
    s->legend_bottom = false;
    s->legend_width_mm = 66;
    s->legend_title = font(9.5, 700, 0x1a1a1a);
    s->legend_text = font(8, 400, 0x222222);
    s->legend_note = font(6.5, 400, 0x666666);
    s->swatch_w_mm = 8;
    s->swatch_h_mm = 5;
    s->legend_counts = true;
    s->better = "beter";
    s->worse = "slechter";
    s->swatch_outline = line(0x7f7f7f, 1, 0.3);
    s->scalebar_max_mm = 40;
    s->scalebar_font = font(7, 400, 0x333333);
    s->scalebar_color = rgb(0x333333);
    s->scale_ratio = true;
    s->north_mm = 11;
    s->north_color = rgb(0x333333);
    s->true_north = true;
    s->source_font = font(6.5, 400, 0x666666);
    s->source_text = NULL;
    s->symbol_pt = 5.5;
    s->symbol_palette = "Dark2";
    s->symbol_outline = rgb(0xffffff);
}

const ws_paint *ws__map_missing_paint(const ws_map_style *s,
                                      const char *reason) {
    for (size_t i = 1; reason && i < s->nmissing; i++)
        if (s->missing[i].reason && strcmp(s->missing[i].reason, reason) == 0)
            return &s->missing[i].paint;
    return &s->missing[0].paint;
}

/* --- parsing ----------------------------------------------------------------
 */

typedef struct parser {
    ws_ctx *ctx;
    ws_ydoc *doc;
    ws_map_style *s;
} parser;

static ws_status expect_map(parser *p, const ws_ynode *n, const char *what) {
    return ws__yexpect(p->ctx, p->doc, n, WS_Y_MAP, what);
}

static ws_status get_color(parser *p, const ws_ynode *map, const char *key,
                           ws_rgba *out) {
    const char *v = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, map, key, false, &v);
    if (st != WS_OK || !v)
        return st;
    if (!ws__parse_color(v, out))
        return ws__yerror(p->ctx, p->doc, ws__ymap_get(map, key), WS_ERR_FORMAT,
                          "'%s' must be a colour \"#rrggbb\" or "
                          "\"#rrggbbaa\", not '%s'",
                          key, v);
    return WS_OK;
}

static ws_status get_num(parser *p, const ws_ynode *map, const char *key,
                         double min, double max, double *out) {
    return ws__yget_double(p->ctx, p->doc, map, key, false, min, max, out);
}

/* One of `names` (NULL-terminated); *out receives its index. */
static ws_status get_choice(parser *p, const ws_ynode *map, const char *key,
                            const char *const *names, int *out) {
    const char *v = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, map, key, false, &v);
    if (st != WS_OK || !v)
        return st;
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], v) == 0) {
            *out = i;
            return WS_OK;
        }
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                 names[i]);
    }
    return ws__yerror(p->ctx, p->doc, ws__ymap_get(map, key), WS_ERR_FORMAT,
                      "'%s' must be one of %s, not '%s'", key, list, v);
}

static const char *const font_keys[] = {
    "family", "size",       "weight",         "italic", "color",
    "halo",   "halo_color", "letter_spacing", NULL};

static ws_status get_font(parser *p, const ws_ynode *map, const char *key,
                          ws_font *f) {
    const ws_ynode *n = ws__ymap_get(map, key);
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "a font: family, size, weight, …");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, font_keys);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "family", false, &f->family);
    if (st == WS_OK && !f->family)
        f->family = FAMILY;
    if (st == WS_OK)
        st = get_num(p, n, "size", 2, 96, &f->size);
    static const char *const weights[] = {"normal", "semibold", "bold", NULL};
    static const int weight_values[] = {400, 600, 700};
    int w = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "weight", weights, &w);
    if (st == WS_OK && w >= 0)
        f->weight = weight_values[w];
    if (st == WS_OK)
        st = ws__yget_bool(p->ctx, p->doc, n, "italic", &f->italic);
    if (st == WS_OK)
        st = get_color(p, n, "color", &f->color);
    if (st == WS_OK)
        st = get_num(p, n, "halo", 0, 10, &f->halo);
    if (st == WS_OK)
        st = get_color(p, n, "halo_color", &f->halo_color);
    if (st == WS_OK)
        st = get_num(p, n, "letter_spacing", -2, 20, &f->letter_spacing);
    return st;
}

static const char *const line_keys[] = {"color", "width", "dash", NULL};

static ws_status get_line(parser *p, const ws_ynode *map, const char *key,
                          ws_paint *pt) {
    const ws_ynode *n = ws__ymap_get(map, key);
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "a line: color, width, dash");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, line_keys);
    if (st == WS_OK)
        st = get_color(p, n, "color", &pt->stroke_color);
    if (st == WS_OK)
        st = get_num(p, n, "width", 0, 20, &pt->stroke_width);
    pt->stroke = pt->stroke_width > 0;
    const ws_ynode *dash = ws__ymap_get(n, "dash");
    if (st == WS_OK && dash) {
        if (dash->kind != WS_Y_SEQ || dash->n == 0 || dash->n > 4)
            return ws__yerror(p->ctx, p->doc, dash, WS_ERR_FORMAT,
                              "'dash' must be a list of 1 to 4 lengths in pt");
        for (size_t i = 0; i < dash->n; i++) {
            char *end = NULL;
            const ws_ynode *it = dash->items[i];
            double v = it->kind == WS_Y_SCALAR ? strtod(it->value, &end) : -1;
            if (!end || *end || !(v > 0 && v <= 100))
                return ws__yerror(p->ctx, p->doc, it, WS_ERR_FORMAT,
                                  "a dash length must be a number of pt "
                                  "between 0 and 100");
            pt->dash[i] = v;
        }
        pt->ndash = (int)dash->n;
    }
    return st;
}

static const char *const fill_keys[] = {
    "fill",        "hatch",   "hatch_color", "hatch_spacing",
    "hatch_width", "outline", NULL};

static ws_status get_fill(parser *p, const ws_ynode *n, ws_paint *pt) {
    ws_status st = expect_map(p, n, "a fill: fill, hatch, hatch_color, …");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, fill_keys);
    if (st == WS_OK && ws__ymap_get(n, "fill"))
        pt->fill = true;
    if (st == WS_OK)
        st = get_color(p, n, "fill", &pt->fill_color);
    static const char *const hatches[] = {
        "none", "diagonal", "back_diagonal", "cross", "horizontal",
        "dots", NULL};
    int h = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "hatch", hatches, &h);
    if (st == WS_OK && h >= 0)
        pt->hatch = (ws_hatch)h;
    if (st == WS_OK)
        st = get_color(p, n, "hatch_color", &pt->hatch_color);
    if (st == WS_OK)
        st = get_num(p, n, "hatch_spacing", 0.5, 50, &pt->hatch_spacing);
    if (st == WS_OK)
        st = get_num(p, n, "hatch_width", 0.05, 10, &pt->hatch_width);
    if (st == WS_OK)
        st = get_line(p, n, "outline", pt);
    return st;
}

/* page: size, orientation, margin, background, dpi */
static ws_status parse_page(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"size",       "orientation", "margin",
                                       "background", "dpi",         NULL};
    const ws_ynode *n = ws__ymap_get(root, "page");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "page");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    static const char *const sizes[] = {"A5", "A4", "A3", NULL};
    static const double dims[][2] = {{148, 210}, {210, 297}, {297, 420}};
    int sz = -1, orient = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "size", sizes, &sz);
    if (st == WS_OK && sz >= 0) {
        p->s->page_w_mm = dims[sz][0];
        p->s->page_h_mm = dims[sz][1];
    }
    static const char *const orients[] = {"portrait", "landscape", NULL};
    if (st == WS_OK)
        st = get_choice(p, n, "orientation", orients, &orient);
    if (st == WS_OK && orient >= 0)
        p->s->landscape = orient == 1;
    if (st == WS_OK)
        st = get_num(p, n, "margin", 0, 60, &p->s->margin_mm);
    if (st == WS_OK)
        st = get_color(p, n, "background", &p->s->background);
    if (st == WS_OK)
        st = get_num(p, n, "dpi", 36, 1200, &p->s->dpi);
    return st;
}

static ws_status parse_text(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"family", "color", "muted", NULL};
    const ws_ynode *n = ws__ymap_get(root, "text");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "text: family, color, muted");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    const char *fam = NULL;
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "family", false, &fam);
    if (st == WS_OK && fam) {
        ws_map_style *s = p->s;
        ws_font *fonts[] = {&s->title_font,    &s->subtitle_font,
                            &s->context_label, &s->label_font,
                            &s->gemeente_font, &s->legend_title,
                            &s->legend_text,   &s->legend_note,
                            &s->scalebar_font, &s->source_font};
        s->family = fam;
        for (size_t i = 0; i < sizeof fonts / sizeof fonts[0]; i++)
            fonts[i]->family = fam;
    }
    if (st == WS_OK)
        st = get_color(p, n, "color", &p->s->text_color);
    if (st == WS_OK)
        st = get_color(p, n, "muted", &p->s->muted_color);
    return st;
}

static ws_status parse_title(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"font", "subtitle", "rule", NULL};
    const ws_ynode *n = ws__ymap_get(root, "title");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "title: font, subtitle, rule");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    if (st == WS_OK)
        st = get_font(p, n, "font", &p->s->title_font);
    if (st == WS_OK)
        st = get_font(p, n, "subtitle", &p->s->subtitle_font);
    if (st == WS_OK)
        st = get_line(p, n, "rule", &p->s->title_rule);
    return st;
}

static ws_status parse_map(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"padding", "background",    "frame",
                                       "context", "context_label", NULL};
    const ws_ynode *n = ws__ymap_get(root, "map");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "map: padding, background, frame, …");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    if (st == WS_OK)
        st = get_num(p, n, "padding", 0, 1, &p->s->padding);
    if (st == WS_OK)
        st = get_color(p, n, "background", &p->s->map_background);
    if (st == WS_OK)
        st = get_line(p, n, "frame", &p->s->frame);
    const ws_ynode *c = ws__ymap_get(n, "context");
    if (st == WS_OK && c)
        st = get_fill(p, c, &p->s->context);
    if (st == WS_OK)
        st = get_font(p, n, "context_label", &p->s->context_label);
    return st;
}

static ws_status parse_classification(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"method", "classes", NULL};
    const ws_ynode *n = ws__ymap_get(root, "classification");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "classification: method, classes");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    static const char *const methods[] = {
        "quantile", "equal", "jenks", "pretty", "headtail", "stddev", NULL};
    int m = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "method", methods, &m);
    if (st == WS_OK && m >= 0)
        p->s->method = (ws_class_method)m;
    double k = (double)p->s->classes;
    if (st == WS_OK)
        st = get_num(p, n, "classes", 1, WS_CLASS_MAX_K, &k);
    if (st == WS_OK && k != floor(k))
        st = ws__yerror(p->ctx, p->doc, ws__ymap_get(n, "classes"),
                        WS_ERR_FORMAT, "'classes' must be a whole number");
    p->s->classes = (size_t)k;
    return st;
}

static ws_status get_palette(parser *p, const ws_ynode *n, const char *key,
                             ws_palette_type type, const char **out) {
    const char *v = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, n, key, false, &v);
    if (st != WS_OK || !v)
        return st;
    const ws_palette_info *pi = ws__palette_find(v);
    if (pi && pi->type == type) {
        *out = pi->name;
        return WS_OK;
    }
    char list[512] = "";
    for (size_t i = 0; i < ws__palette_count(); i++) {
        const ws_palette_info *c = ws__palette_at(i);
        if (c->type != type)
            continue;
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
                 c->name);
    }
    return ws__yerror(p->ctx, p->doc, ws__ymap_get(n, key), WS_ERR_FORMAT,
                      "'%s' is not a ColorBrewer %s scheme; choose one of %s",
                      v,
                      type == WS_PALETTE_SEQUENTIAL  ? "sequential"
                      : type == WS_PALETTE_DIVERGING ? "diverging"
                                                     : "qualitative",
                      list);
}

static ws_status parse_palette(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {
        "sequential", "diverging", "scores", "by_direction",
        "reverse",    "midpoint",  NULL};
    const ws_ynode *n = ws__ymap_get(root, "palette");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "palette: sequential, diverging, …");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    if (st == WS_OK)
        st = get_palette(p, n, "sequential", WS_PALETTE_SEQUENTIAL,
                         &p->s->palette_sequential);
    if (st == WS_OK)
        st = get_palette(p, n, "diverging", WS_PALETTE_DIVERGING,
                         &p->s->palette_diverging);
    static const char *const kinds[] = {"sequential", "diverging", NULL};
    int k = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "scores", kinds, &k);
    if (st == WS_OK && k >= 0)
        p->s->scores_diverging = k == 1;
    if (st == WS_OK)
        st = ws__yget_bool(p->ctx, p->doc, n, "by_direction",
                           &p->s->by_direction);
    if (st == WS_OK)
        st = ws__yget_bool(p->ctx, p->doc, n, "reverse", &p->s->reverse);
    if (st == WS_OK)
        st = get_num(p, n, "midpoint", -1e12, 1e12, &p->s->midpoint);
    return st;
}

/* missing: {default: FILL, <reason>: FILL, …} */
static ws_status parse_missing(parser *p, const ws_ynode *root) {
    const ws_ynode *n = ws__ymap_get(root, "missing");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "missing: default and one fill per reason");
    for (size_t i = 0; st == WS_OK && i < n->n; i++) {
        const char *reason = n->keys[i]->value;
        ws_missing_style *m = NULL;
        if (strcmp(reason, "default") == 0)
            m = &p->s->missing[0];
        for (size_t j = 1; !m && j < p->s->nmissing; j++)
            if (strcmp(p->s->missing[j].reason, reason) == 0)
                m = &p->s->missing[j];
        if (!m) {
            if (p->s->nmissing >= WS_STYLE_MAX_MISSING)
                return ws__yerror(p->ctx, p->doc, n->keys[i], WS_ERR_FORMAT,
                                  "too many missing-value styles (at most "
                                  "%d)",
                                  WS_STYLE_MAX_MISSING);
            m = &p->s->missing[p->s->nmissing++];
            *m = p->s->missing[0];
            m->reason = reason;
        }
        st = get_fill(p, n->items[i], &m->paint);
    }
    return st;
}

static ws_status parse_boundaries(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"buurt", "wijk", "gemeente", NULL};
    const ws_ynode *n = ws__ymap_get(root, "boundaries");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "boundaries: buurt, wijk, gemeente");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    for (int i = 0; st == WS_OK && i < 3; i++)
        st = get_line(p, n, keys[i], &p->s->line[i]);
    return st;
}

static ws_status parse_labels(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"regions", "font", "gemeente",
                                       "gemeente_uppercase", NULL};
    const ws_ynode *n = ws__ymap_get(root, "labels");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "labels: regions, font, gemeente");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    static const char *const regions[] = {"auto",     "buurt", "wijk",
                                          "gemeente", "geen",  NULL};
    int r = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "regions", regions, &r);
    if (st == WS_OK && r >= 0)
        p->s->label_regions = (ws_label_regions)r;
    if (st == WS_OK)
        st = get_font(p, n, "font", &p->s->label_font);
    if (st == WS_OK)
        st = get_font(p, n, "gemeente", &p->s->gemeente_font);
    if (st == WS_OK)
        st = ws__yget_bool(p->ctx, p->doc, n, "gemeente_uppercase",
                           &p->s->gemeente_upper);
    return st;
}

static ws_status parse_legend(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {
        "position", "width",        "title",          "text",
        "note",     "swatch_width", "swatch_height",  "counts",
        "better",   "worse",        "swatch_outline", NULL};
    const ws_ynode *n = ws__ymap_get(root, "legend");
    if (!n)
        return WS_OK;
    ws_map_style *s = p->s;
    ws_status st = expect_map(p, n, "legend: position, width, fonts, …");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    static const char *const pos[] = {"right", "bottom", NULL};
    int ps = -1;
    if (st == WS_OK)
        st = get_choice(p, n, "position", pos, &ps);
    if (st == WS_OK && ps >= 0)
        s->legend_bottom = ps == 1;
    if (st == WS_OK)
        st = get_num(p, n, "width", 20, 300, &s->legend_width_mm);
    if (st == WS_OK)
        st = get_font(p, n, "title", &s->legend_title);
    if (st == WS_OK)
        st = get_font(p, n, "text", &s->legend_text);
    if (st == WS_OK)
        st = get_font(p, n, "note", &s->legend_note);
    if (st == WS_OK)
        st = get_num(p, n, "swatch_width", 2, 40, &s->swatch_w_mm);
    if (st == WS_OK)
        st = get_num(p, n, "swatch_height", 2, 40, &s->swatch_h_mm);
    if (st == WS_OK)
        st = ws__yget_bool(p->ctx, p->doc, n, "counts", &s->legend_counts);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "better", false, &s->better);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "worse", false, &s->worse);
    if (st == WS_OK)
        st = get_line(p, n, "swatch_outline", &s->swatch_outline);
    if (!s->better)
        s->better = "beter";
    if (!s->worse)
        s->worse = "slechter";
    return st;
}

static ws_status parse_furniture(parser *p, const ws_ynode *root) {
    static const char *const sb_keys[] = {"max_width", "font", "color", "ratio",
                                          NULL};
    static const char *const na_keys[] = {"size", "color", "true_north", NULL};
    static const char *const src_keys[] = {"font", "text", NULL};
    ws_map_style *s = p->s;
    ws_status st = WS_OK;
    const ws_ynode *n = ws__ymap_get(root, "scalebar");
    if (n) {
        st = expect_map(p, n, "scalebar: max_width, font, color, ratio");
        if (st == WS_OK)
            st = ws__ycheck_keys(p->ctx, p->doc, n, sb_keys);
        if (st == WS_OK)
            st = get_num(p, n, "max_width", 10, 200, &s->scalebar_max_mm);
        if (st == WS_OK)
            st = get_font(p, n, "font", &s->scalebar_font);
        if (st == WS_OK)
            st = get_color(p, n, "color", &s->scalebar_color);
        if (st == WS_OK)
            st = ws__yget_bool(p->ctx, p->doc, n, "ratio", &s->scale_ratio);
    }
    n = ws__ymap_get(root, "north_arrow");
    if (st == WS_OK && n) {
        st = expect_map(p, n, "north_arrow: size, color, true_north");
        if (st == WS_OK)
            st = ws__ycheck_keys(p->ctx, p->doc, n, na_keys);
        if (st == WS_OK)
            st = get_num(p, n, "size", 0, 60, &s->north_mm);
        if (st == WS_OK)
            st = get_color(p, n, "color", &s->north_color);
        if (st == WS_OK)
            st = ws__yget_bool(p->ctx, p->doc, n, "true_north", &s->true_north);
    }
    n = ws__ymap_get(root, "source");
    if (st == WS_OK && n) {
        st = expect_map(p, n, "source: font, text");
        if (st == WS_OK)
            st = ws__ycheck_keys(p->ctx, p->doc, n, src_keys);
        if (st == WS_OK)
            st = get_font(p, n, "font", &s->source_font);
        if (st == WS_OK)
            st =
                ws__yget_str(p->ctx, p->doc, n, "text", false, &s->source_text);
    }
    return st;
}

static ws_status parse_symbols(parser *p, const ws_ynode *root) {
    static const char *const keys[] = {"size", "palette", "outline", NULL};
    const ws_ynode *n = ws__ymap_get(root, "voorzieningen");
    if (!n)
        return WS_OK;
    ws_status st = expect_map(p, n, "voorzieningen: size, palette, outline");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, keys);
    if (st == WS_OK)
        st = get_num(p, n, "size", 1, 30, &p->s->symbol_pt);
    if (st == WS_OK)
        st = get_palette(p, n, "palette", WS_PALETTE_QUALITATIVE,
                         &p->s->symbol_palette);
    if (st == WS_OK)
        st = get_color(p, n, "outline", &p->s->symbol_outline);
    return st;
}

static ws_status parse_water(parser *p, const ws_ynode *root) {
    const ws_ynode *n = ws__ymap_get(root, "water");
    return n ? get_fill(p, n, &p->s->water) : WS_OK;
}

static ws_status parse_style(parser *p) {
    static const char *const top[] = {
        "wijkscan_style", "name",       "page",           "text",
        "title",          "map",        "classification", "palette",
        "missing",        "boundaries", "water",          "labels",
        "legend",         "scalebar",   "north_arrow",    "source",
        "voorzieningen",  NULL};
    const ws_ynode *root = p->doc->root;
    ws_status st = ws__yexpect(p->ctx, p->doc, root, WS_Y_MAP, "style");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, root, top);
    const char *version = NULL;
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, root, "wijkscan_style", true,
                          &version);
    if (st == WS_OK && strcmp(version, "1") != 0)
        st = ws__yerror(p->ctx, p->doc, ws__ymap_get(root, "wijkscan_style"),
                        WS_ERR_FORMAT,
                        "style format version '%s' is not supported (this "
                        "wijkscan reads version 1)",
                        version);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, root, "name", false, &p->s->name);
    if (st == WS_OK)
        st = parse_page(p, root);
    if (st == WS_OK)
        st = parse_text(p, root);
    if (st == WS_OK)
        st = parse_title(p, root);
    if (st == WS_OK)
        st = parse_map(p, root);
    if (st == WS_OK)
        st = parse_classification(p, root);
    if (st == WS_OK)
        st = parse_palette(p, root);
    if (st == WS_OK)
        st = parse_missing(p, root);
    if (st == WS_OK)
        st = parse_boundaries(p, root);
    if (st == WS_OK)
        st = parse_water(p, root);
    if (st == WS_OK)
        st = parse_labels(p, root);
    if (st == WS_OK)
        st = parse_legend(p, root);
    if (st == WS_OK)
        st = parse_furniture(p, root);
    if (st == WS_OK)
        st = parse_symbols(p, root);
    if (!p->s->name)
        p->s->name = "";
    return st;
}

static ws_status finish(ws_ctx *ctx, ws_ydoc *doc, ws_status st,
                        ws_map_style *s) {
    ws__map_style_defaults(s);
    if (st != WS_OK)
        return st;
    s->doc = doc;
    parser p = {ctx, doc, s};
    st = parse_style(&p);
    if (st != WS_OK) {
        ws__map_style_free(ctx, s);
        ws__map_style_defaults(s);
    }
    return st;
}

ws_status ws__map_style_load(ws_ctx *ctx, const char *path, ws_map_style *s) {
    ws_ydoc *doc = NULL;
    ws_status st = ws__yaml_load_file(ctx, path, &doc);
    return finish(ctx, doc, st, s);
}

ws_status ws__map_style_parse(ws_ctx *ctx, const char *name,
                              const unsigned char *data, size_t len,
                              ws_map_style *s) {
    ws_ydoc *doc = NULL;
    ws_status st = ws__yaml_load_buffer(ctx, name, data, len, &doc);
    return finish(ctx, doc, st, s);
}

void ws__map_style_free(ws_ctx *ctx, ws_map_style *s) {
    if (!s)
        return;
    ws__yaml_free(ctx, s->doc);
    s->doc = NULL;
}

ws_status ws_map_style_check(ws_ctx *ctx, const char *style_path) {
    if (!ctx || !style_path)
        return WS_ERR_INVALID_ARG;
    ws_map_style s;
    ws_status st = ws__map_style_load(ctx, style_path, &s);
    ws__map_style_free(ctx, &s);
    return st;
}
