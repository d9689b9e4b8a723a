/* The figures that compare and report share, each drawn into a box on any
 * renderer (a page of the report, a figure file of its own, the recording
 * backend in tests): small multiples (one panel per gemeente at one common
 * paper scale, one pooled classification and one legend), the region map,
 * the strip plot of marks per gemeente, the bars of wijk marks and the
 * diverging chart of differences from the regional mean. Maps are drawn
 * with the map module (src/map/), charts with src/chart/, colours from the
 * style, so a colour means the same class in every figure of a theme. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define SELECT_ALL ((size_t)-1)

void ws__chart_style_from(const ws_map_style *st, ws_chart_style *cs) {
    memset(cs, 0, sizeof *cs);
    cs->family = st->family;
    cs->text = st->text_color;
    cs->muted = st->muted_color;
    cs->grid = (ws_rgba){0.87, 0.87, 0.87, 1};
    cs->axis = (ws_rgba){0.45, 0.45, 0.45, 1};
    cs->ref = (ws_rgba){0.15, 0.15, 0.15, 1};
    cs->size = 8;
}

ws_status ws__theme_maps_open(ws_cmp *c, size_t t, ws_renderer *r,
                              ws_theme_maps *tm) {
    memset(tm, 0, sizeof *tm);
    ws__cmp_map_options(c, t, &tm->o);
    ws_status st = ws__map_data_read(c->ctx, &tm->o, &tm->d);
    if (st != WS_OK)
        return st;
    st = ws__map_prepare(c->ctx, &tm->o, &c->style, r, &tm->d, &tm->p);
    if (st != WS_OK) {
        ws__map_page_release(&tm->p);
        ws__map_data_free(&tm->d);
        return st;
    }
    tm->ready = true;
    return WS_OK;
}

void ws__theme_maps_close(ws_theme_maps *tm) {
    if (!tm->ready)
        return;
    ws__map_page_release(&tm->p);
    ws__map_data_free(&tm->d);
    tm->ready = false;
}

/* Show the regions of compared gemeente g (SELECT_ALL: all compared). */
static void select_gemeente(ws_cmp *c, ws_theme_maps *tm, size_t g) {
    for (size_t i = 0; i < tm->d.n; i++) {
        ws_map_region *rg = &tm->d.regions[i];
        bool in = false;
        for (size_t k = 0; k < c->ngm && !in; k++)
            in = (g == SELECT_ALL || g == k) && rg->gemeentecode &&
                 strcmp(rg->gemeentecode, c->gm[k]) == 0;
        rg->selected = in;
    }
    /* the legend counts the regions shown */
    for (size_t k = 0; k < tm->p.ncls; k++)
        tm->p.cls[k].count = 0;
    for (size_t j = 0; j < tm->p.nmiss; j++)
        tm->p.miss[j].count = 0;
    for (size_t i = 0; i < tm->d.n; i++) {
        const ws_map_region *rg = &tm->d.regions[i];
        if (!rg->selected)
            continue;
        if (rg->cls >= 0 && (size_t)rg->cls < tm->p.ncls)
            tm->p.cls[rg->cls].count++;
        else if (rg->miss >= 0 && (size_t)rg->miss < tm->p.nmiss)
            tm->p.miss[rg->miss].count++;
    }
}

/* A fresh frame: nothing to avoid from earlier frames or pages. */
static void new_frame(ws_theme_maps *tm, ws_renderer *r) {
    tm->p.r = r;
    tm->p.navoid = 0;
    tm->p.nsymbols = 0;
}

static ws_status frame_title(ws_renderer *r, const ws_map_style *st,
                             const char *text, double x, double y, double w,
                             double *h) {
    ws_font f = ws__map_font(st, &st->legend_title);
    f.size = st->legend_title.size * 1.05;
    ws_box b;
    ws_status s = r->text(r, text, x, y, &f, w, &b);
    *h = b.h;
    return s;
}

ws_status ws__fig_small_multiples(ws_cmp *c, ws_theme_maps *tm, ws_renderer *r,
                                  ws_box box, double legend_w,
                                  double *scale_s) {
    const ws_map_style *st = &c->style;
    size_t n = c->ngm;
    size_t cols = n <= 3 ? n : (size_t)ceil(sqrt((double)n));
    size_t rows = (n + cols - 1) / cols;
    double gap = 4 * WS_MM;
    double pw_all = box.w - (legend_w > 0 ? legend_w + gap : 0);
    double pw = (pw_all - gap * (double)(cols - 1)) / (double)cols;
    double ph = (box.h - gap * (double)(rows - 1)) / (double)rows;
    ws_font tf = ws__map_font(st, &st->legend_title);
    ws_box tb;
    ws_status s = r->measure(r, "Ag", &tf, 0, &tb);
    double title_h = tb.h * 1.05 + 3;
    double bar_h = 9 * WS_MM;
    double fw = pw, fh = ph - title_h - bar_h;
    if (s != WS_OK)
        return s;
    if (fw < 30 || fh < 30)
        return ws__error(c->ctx, WS_ERR_INVALID_ARG,
                         "compare: too little room for %zu map panels (%.0f × "
                         "%.0f pt each)",
                         n, fw, fh);
    /* one scale for all panels: the largest at which every gemeente fits */
    double sc = HUGE_VAL;
    for (size_t g = 0; g < n; g++) {
        select_gemeente(c, tm, g);
        double sg = ws__map_fit_scale(&tm->p, fw, fh);
        if (sg > 0)
            sc = fmin(sc, sg);
    }
    if (!isfinite(sc))
        return ws__error(c->ctx, WS_ERR_DATA_EMPTY,
                         "%s: no regions with a geometry to map", c->path);
    sc = ws__map_paper_scale(sc, NULL);
    if (scale_s)
        *scale_s = sc;
    for (size_t g = 0; s == WS_OK && g < n; g++) {
        double px = box.x + (double)(g % cols) * (pw + gap);
        double py = box.y + (double)(g / cols) * (ph + gap);
        double th = 0;
        s = frame_title(r, st, c->gmname[g], px, py, pw, &th);
        select_gemeente(c, tm, g);
        new_frame(tm, r);
        if (s == WS_OK)
            s = ws__map_fit(&tm->p, px, py + title_h, fw, fh, true, sc);
        if (s == WS_OK)
            s = ws__map_draw(&tm->p);
        double sbh = 0;
        if (s == WS_OK)
            s = ws__map_scalebar(&tm->p, px, py + ph, &sbh);
    }
    if (s == WS_OK && legend_w <= 0 && st->north_mm > 0) {
        double na = st->north_mm * WS_MM * 0.8;
        s = ws__map_north_arrow(&tm->p, box.x + box.w - na * 0.7,
                                box.y + title_h + na * 0.9);
    }
    select_gemeente(c, tm, SELECT_ALL);
    if (s == WS_OK && legend_w > 0) {
        double lx = box.x + box.w - legend_w;
        s = ws__map_legend_draw(&tm->p, lx, box.y, legend_w);
        if (s == WS_OK && st->north_mm > 0) {
            double na = st->north_mm * WS_MM;
            s = ws__map_north_arrow(&tm->p, lx + legend_w - na / 2,
                                    box.y + box.h - na * 0.75);
        }
    }
    return s;
}

ws_status ws__fig_area_map(ws_cmp *c, ws_theme_maps *tm, size_t g,
                           ws_renderer *r, ws_box box, double legend_w) {
    const ws_map_style *st = &c->style;
    double gap = 4 * WS_MM;
    double fw = box.w - (legend_w > 0 ? legend_w + gap : 0);
    select_gemeente(c, tm, g < c->ngm ? g : SELECT_ALL);
    new_frame(tm, r);
    ws_status s = ws__map_fit(&tm->p, box.x, box.y, fw, box.h, true, 0);
    if (s == WS_OK)
        s = ws__map_draw(&tm->p);
    if (s == WS_OK && legend_w > 0) {
        double lx = box.x + box.w - legend_w;
        s = ws__map_legend_draw(&tm->p, lx, box.y, legend_w);
        double sbh = 0;
        if (s == WS_OK)
            s = ws__map_scalebar(&tm->p, lx, box.y + box.h, &sbh);
        if (s == WS_OK && st->north_mm > 0) {
            double na = st->north_mm * WS_MM;
            s = ws__map_north_arrow(&tm->p, lx + legend_w - na / 2,
                                    box.y + box.h - na * 0.75);
        }
    }
    select_gemeente(c, tm, SELECT_ALL);
    return s;
}

ws_status ws__fig_gemeente_column(ws_cmp *c, ws_theme_maps *tm, size_t g,
                                  ws_renderer *r, ws_box box, double map_h) {
    const ws_map_style *st = &c->style;
    size_t t = 0;
    for (size_t k = 0; k < c->nthemes; k++)
        if (strcmp(c->themes[k].column, tm->o.column) == 0)
            t = k;
    double th = 0;
    ws_status s =
        frame_title(r, st, c->themes[t].label, box.x, box.y, box.w, &th);
    double top = box.y + th + 3;
    select_gemeente(c, tm, g);
    new_frame(tm, r);
    if (s == WS_OK)
        s = ws__map_fit(&tm->p, box.x, top, box.w, map_h, true, 0);
    if (s == WS_OK)
        s = ws__map_draw(&tm->p);
    double sbh = 0, bar = 9 * WS_MM;
    if (s == WS_OK)
        s = ws__map_scalebar(&tm->p, box.x, top + map_h + bar, &sbh);
    if (s == WS_OK)
        s = ws__map_legend_draw(&tm->p, box.x, top + map_h + bar + 3 * WS_MM,
                                box.w);
    select_gemeente(c, tm, SELECT_ALL);
    return s;
}

ws_status ws__fig_legend(ws_cmp *c, ws_theme_maps *tm, ws_renderer *r, double x,
                         double y, double w, double *h) {
    select_gemeente(c, tm, SELECT_ALL);
    new_frame(tm, r);
    ws_status s = ws__map_legend_size(&tm->p, w, h);
    if (s == WS_OK)
        s = ws__map_legend_draw(&tm->p, x, y, w);
    return s;
}

static ws_rgba class_colour(const ws_theme_maps *tm, double v) {
    long k = ws_classes_find(tm->p.classes, v);
    if (k < 0 || (size_t)k >= tm->p.ncls)
        return (ws_rgba){0.6, 0.6, 0.6, 1};
    return tm->p.cls[k].color;
}

static size_t theme_of(const ws_cmp *c, const ws_theme_maps *tm) {
    for (size_t t = 0; t < c->nthemes; t++)
        if (strcmp(c->themes[t].column, tm->o.column) == 0)
            return t;
    return 0;
}

static ws_chart_axis mark_axis(void) {
    ws_chart_axis a = {1, 10, 1, 0, "rapportcijfer", "slechter", "beter"};
    return a;
}

ws_status ws__fig_strip(ws_cmp *c, ws_theme_maps *tm, ws_renderer *r,
                        ws_box box) {
    size_t t = theme_of(c, tm);
    ws_chart_row *rows = ws__calloc(c->ctx, c->ngm, sizeof *rows);
    double *v = ws__malloc(c->ctx, (c->nunits + 1) * sizeof *v);
    ws_rgba *col = ws__malloc(c->ctx, (c->nunits + 1) * sizeof *col);
    char(*notes)[96] = ws__calloc(c->ctx, c->ngm, sizeof *notes);
    ws_status st = rows && v && col && notes ? WS_OK : WS_ERR_NOMEM;
    size_t k = 0;
    for (size_t g = 0; st == WS_OK && g < c->ngm; g++) {
        const ws_cmp_stat *s = ws__cmp_stat(c, t, g);
        rows[g].label = c->gmname[g];
        rows[g].v = v + k;
        rows[g].colors = col + k;
        for (size_t i = 0; i < c->nunits; i++) {
            const ws_cmp_unit *u = &c->units[i];
            if (u->g != g || isnan(u->score[t]))
                continue;
            v[k] = u->score[t];
            col[k] = class_colour(tm, u->score[t]);
            k++;
            rows[g].n++;
        }
        rows[g].mean = s->mean;
        rows[g].median = s->median;
        snprintf(notes[g], sizeof notes[g], "geen gescoorde %s",
                 ws__cmp_level_word(c->level, true));
        rows[g].note = notes[g];
    }
    if (st == WS_OK) {
        ws_chart_style cs;
        ws__chart_style_from(&c->style, &cs);
        ws_chart_strip sp;
        memset(&sp, 0, sizeof sp);
        sp.rows = rows;
        sp.nrows = c->ngm;
        sp.axis = mark_axis();
        sp.ref = ws__cmp_stat(c, t, c->ngm)->mean;
        sp.ref_label = "gemiddelde regio";
        sp.mean_label = "gemiddelde (gewogen naar woningen)";
        sp.median_label = "mediaan";
        st = ws__chart_strip(r, &cs, box, &sp);
    }
    ws__free(c->ctx, rows);
    ws__free(c->ctx, v);
    ws__free(c->ctx, col);
    ws__free(c->ctx, notes);
    return st;
}

/* "Wijk 44 Emmerhout" reads "Emmerhout" in a chart of one gemeente's
 * wijken; a name that is only "Wijk 10" stays. */
static const char *short_wijk_name(const ws_cmp_unit *u) {
    const char *n = u->name ? u->name : u->code;
    if (strncmp(n, "Wijk ", 5) != 0)
        return n;
    const char *p = n + 5;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > n + 5 && *p == ' ' && p[1] ? p + 1 : n;
}

/* Wijk a before wijk b: the higher mark first, no mark last, then code. */
static bool before(const ws_cmp *c, size_t t, size_t a, size_t b) {
    const ws_cmp_unit *u = &c->wijken[a], *w = &c->wijken[b];
    double x = u->score[t], y = w->score[t];
    if (isnan(x) != isnan(y))
        return !isnan(x);
    if (!isnan(x) && x != y)
        return x > y;
    return strcmp(u->code, w->code) < 0;
}

ws_status ws__fig_wijk_bars(ws_cmp *c, ws_theme_maps *tm, size_t g,
                            ws_renderer *r, ws_box box) {
    size_t t = theme_of(c, tm);
    size_t *idx = ws__malloc(c->ctx, (c->nwijken + 1) * sizeof *idx);
    const char **labels = ws__malloc(c->ctx, (c->nwijken + 1) * sizeof *labels);
    double *v = ws__malloc(c->ctx, (c->nwijken + 1) * sizeof *v);
    ws_rgba *col = ws__malloc(c->ctx, (c->nwijken + 1) * sizeof *col);
    ws_status st = idx && labels && v && col ? WS_OK : WS_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; st == WS_OK && i < c->nwijken; i++)
        if (c->wijken[i].g == g)
            idx[n++] = i;
    if (st == WS_OK) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && before(c, t, idx[j], idx[j - 1]); j--) {
                size_t tmp = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = tmp;
            }
        for (size_t i = 0; i < n; i++) {
            const ws_cmp_unit *u = &c->wijken[idx[i]];
            labels[i] = short_wijk_name(u);
            v[i] = u->score[t];
            col[i] = class_colour(tm, v[i]);
        }
        ws_chart_style cs;
        ws__chart_style_from(&c->style, &cs);
        ws_chart_bars bs;
        memset(&bs, 0, sizeof bs);
        bs.labels = labels;
        bs.v = v;
        bs.colors = col;
        bs.n = n;
        bs.axis = mark_axis();
        bs.axis.label = "rapportcijfer van de wijk";
        bs.ref = ws__cmp_stat(c, t, c->ngm)->mean;
        bs.ref_label = "gemiddelde regio";
        bs.empty_note = "Geen wijk met een score.";
        bs.value_decimals = 1;
        st = ws__chart_bars(r, &cs, box, &bs);
    }
    ws__free(c->ctx, idx);
    ws__free(c->ctx, labels);
    ws__free(c->ctx, v);
    ws__free(c->ctx, col);
    return st;
}

ws_status ws__fig_diverging(ws_cmp *c, ws_renderer *r, ws_box box) {
    const char **groups = ws__calloc(c->ctx, c->ngm + 1, sizeof *groups);
    const char **items = ws__calloc(c->ctx, c->nthemes + 1, sizeof *items);
    double *v = ws__calloc(c->ctx, c->ngm * c->nthemes + 1, sizeof *v);
    ws_status st = groups && items && v ? WS_OK : WS_ERR_NOMEM;
    for (size_t g = 0; st == WS_OK && g < c->ngm; g++) {
        groups[g] = c->gmname[g];
        for (size_t t = 0; t < c->nthemes; t++)
            v[g * c->nthemes + t] = ws__cmp_stat(c, t, g)->diff;
    }
    for (size_t t = 0; st == WS_OK && t < c->nthemes; t++)
        items[t] = c->themes[t].label;
    if (st == WS_OK) {
        ws_chart_style cs;
        ws__chart_style_from(&c->style, &cs);
        ws_rgba pal[7];
        const ws_palette_info *pi =
            ws__palette_find(c->style.palette_diverging);
        if (!pi || !ws__palette_colors(pi, 7, pal)) {
            pal[1] = (ws_rgba){0.95, 0.64, 0.25, 1};
            pal[5] = (ws_rgba){0.6, 0.56, 0.76, 1};
        }
        bool flip = c->style.reverse;
        ws_chart_diverging ds;
        memset(&ds, 0, sizeof ds);
        ds.groups = groups;
        ds.ngroups = c->ngm;
        ds.items = items;
        ds.nitems = c->nthemes;
        ds.v = v;
        ds.pos = flip ? pal[1] : pal[5];
        ds.neg = flip ? pal[5] : pal[1];
        ds.decimals = 1;
        ds.pos_word = "boven het regiogemiddelde (beter)";
        ds.neg_word = "eronder (slechter)";
        ds.axis_label = "verschil in rapportcijfer";
        st = ws__chart_diverging(r, &cs, box, &ds);
    }
    ws__free(c->ctx, groups);
    ws__free(c->ctx, items);
    ws__free(c->ctx, v);
    return st;
}
