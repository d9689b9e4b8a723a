/* Charts (see chart.h): every element is a path or a text through the
 * renderer, in page points. Layout: row labels on the left (measured, so
 * the plot area starts after the longest), the plot, the axis with tick
 * labels and the axis label at the bottom, good/bad words at the ends. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../map/map_internal.h"
#include "chart.h"

double ws__chart_nice_step(double range, int n) {
    if (!(range > 0) || n < 1)
        return 1;
    double raw = range / n, e = pow(10, floor(log10(raw)));
    static const double m[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < 5; i++)
        if (m[i] * e >= raw * (1 - 1e-9))
            return m[i] * e;
    return 10 * e;
}

static ws_font font(const ws_chart_style *cs, double scale, int weight,
                    ws_rgba color, ws_align align) {
    ws_font f;
    memset(&f, 0, sizeof f);
    f.family = cs->family;
    f.size = cs->size * scale;
    f.weight = weight;
    f.color = color;
    f.align = align;
    return f;
}

static ws_status line(ws_renderer *r, double x0, double y0, double x1,
                      double y1, ws_rgba c, double w, bool dashed) {
    ws_paint pt = ws__paint_stroke(c, w);
    if (dashed) {
        pt.dash[0] = 2.5;
        pt.dash[1] = 1.8;
        pt.ndash = 2;
    }
    return ws__render_line(r, x0, y0, x1, y1, &pt);
}

static ws_status rect(ws_renderer *r, double x, double y, double w, double h,
                      ws_rgba fill, const ws_rgba *outline) {
    ws_paint pt = ws__paint_fill(fill);
    if (outline) {
        pt.stroke = true;
        pt.stroke_color = *outline;
        pt.stroke_width = 0.4;
    }
    return ws__render_rect(r, x, y, w, h, &pt);
}

static ws_status dot(ws_renderer *r, double x, double y, double rad,
                     ws_rgba fill, ws_rgba outline) {
    ws_paint pt = ws__paint_fill(fill);
    pt.stroke = true;
    pt.stroke_color = outline;
    pt.stroke_width = 0.35;
    return ws__render_circle(r, x, y, rad, &pt);
}

static ws_status diamond(ws_renderer *r, double x, double y, double s,
                         ws_rgba fill) {
    double xy[8] = {x, y - s, x + s, y, x, y + s, x - s, y};
    size_t four = 4;
    ws_path p = {xy, &four, 1, true};
    ws_paint pt;
    memset(&pt, 0, sizeof pt);
    pt.fill = true;
    pt.fill_color = fill;
    pt.stroke = true;
    pt.stroke_color = (ws_rgba){1, 1, 1, 1};
    pt.stroke_width = 0.6;
    return r->path(r, &p, &pt);
}

static double measure_w(ws_renderer *r, const char *s, const ws_font *f) {
    ws_box b = {0, 0, 0, 0, 0};
    if (r->measure(r, s, f, 0, &b) != WS_OK)
        return 0;
    return b.w;
}

static double measure_h(ws_renderer *r, const char *s, const ws_font *f) {
    ws_box b = {0, 0, 0, 0, 0};
    if (r->measure(r, s, f, 0, &b) != WS_OK)
        return 0;
    return b.h;
}

static double xpos(const ws_chart_axis *a, double x0, double x1, double v) {
    return x0 + (v - a->lo) / (a->hi - a->lo) * (x1 - x0);
}

/* Gridlines over [top, bottom], tick labels under it, the axis label and
 * the good/bad words; returns the height used below `bottom`. */
static ws_status axis(ws_renderer *r, const ws_chart_style *cs,
                      const ws_chart_axis *a, double x0, double x1, double top,
                      double bottom, double *used) {
    ws_font tf = font(cs, 0.85, 400, cs->muted, WS_ALIGN_LEFT);
    ws_status st = line(r, x0, bottom, x1, bottom, cs->axis, 0.6, false);
    double th = measure_h(r, "0", &tf);
    double step = a->step > 0 ? a->step : 1;
    for (double v = a->lo; st == WS_OK && v <= a->hi + 1e-9 * step; v += step) {
        double x = xpos(a, x0, x1, v);
        char num[48];
        ws__map_format_number(v, a->decimals, num, sizeof num);
        st = line(r, x, top, x, bottom, cs->grid, 0.4, false);
        if (st == WS_OK)
            st = line(r, x, bottom, x, bottom + 2, cs->axis, 0.6, false);
        if (st == WS_OK)
            st = r->text(r, num, x - measure_w(r, num, &tf) / 2, bottom + 2.5,
                         &tf, 0, NULL);
    }
    double y = bottom + 3 + th;
    ws_font lf = font(cs, 0.9, 400, cs->text, WS_ALIGN_LEFT);
    char low[128] = "", high[128] = "";
    if (a->low_word)
        snprintf(low, sizeof low, "\xe2\x86\x90 %s", a->low_word);
    if (a->high_word)
        snprintf(high, sizeof high, "%s \xe2\x86\x92", a->high_word);
    double lh = measure_h(r, "Ag", &lf);
    double wl = measure_w(r, low, &lf), wh = measure_w(r, high, &lf);
    double wa = a->label ? measure_w(r, a->label, &lf) : 0;
    /* the label between the words when it fits, else on a line below */
    bool one_line = wl + wh + wa + 24 <= x1 - x0;
    if (st == WS_OK && low[0])
        st = r->text(r, low, x0, y + 1, &lf, 0, NULL);
    if (st == WS_OK && high[0])
        st = r->text(r, high, x1 - wh, y + 1, &lf, 0, NULL);
    double ly = one_line || !(low[0] || high[0]) ? y + 1 : y + 1 + lh;
    if (st == WS_OK && a->label)
        st = r->text(r, a->label, (x0 + x1) / 2 - wa / 2, ly, &lf, 0, NULL);
    *used = ly + lh - bottom;
    return st;
}

/* Height the axis takes below a plot `width` wide. */
static double axis_height(ws_renderer *r, const ws_chart_style *cs,
                          const ws_chart_axis *a, double width) {
    ws_font tf = font(cs, 0.85, 400, cs->muted, WS_ALIGN_LEFT);
    ws_font lf = font(cs, 0.9, 400, cs->text, WS_ALIGN_LEFT);
    double words = (a->low_word ? measure_w(r, a->low_word, &lf) + 10 : 0) +
                   (a->high_word ? measure_w(r, a->high_word, &lf) + 10 : 0);
    double label = a->label ? measure_w(r, a->label, &lf) : 0;
    bool two = words > 0 && label > 0 && words + label + 24 > width;
    return 4 + measure_h(r, "0", &tf) + (two ? 2 : 1) * measure_h(r, "Ag", &lf);
}

/* Fewer ticks on a narrow axis. */
static ws_chart_axis fit_ticks(const ws_chart_axis *a, double width) {
    ws_chart_axis b = *a;
    double n = (a->hi - a->lo) / (a->step > 0 ? a->step : 1);
    while (n > 1 && width / n < 18) {
        b.step *= n > 6 ? 3 : 2;
        n = (a->hi - a->lo) / b.step;
    }
    return b;
}

/* A one-line legend of marker words at the top: returns its height. */
static ws_status key(ws_renderer *r, const ws_chart_style *cs, double x,
                     double y, const char *mean, const char *median,
                     const char *ref, double *h) {
    ws_font f = font(cs, 0.85, 400, cs->text, WS_ALIGN_LEFT);
    double th = measure_h(r, "Ag", &f), cy = y + th / 2;
    ws_status st = WS_OK;
    if (mean) {
        st = diamond(r, x + 3, cy, 3.2, cs->text);
        if (st == WS_OK)
            st = r->text(r, mean, x + 9, y, &f, 0, NULL);
        x += 9 + measure_w(r, mean, &f) + 12;
    }
    if (st == WS_OK && median) {
        st = line(r, x + 3, cy - 4, x + 3, cy + 4, cs->text, 1.4, false);
        if (st == WS_OK)
            st = r->text(r, median, x + 9, y, &f, 0, NULL);
        x += 9 + measure_w(r, median, &f) + 12;
    }
    if (st == WS_OK && ref) {
        st = line(r, x + 3, cy - 4, x + 3, cy + 4, cs->ref, 1.0, true);
        if (st == WS_OK)
            st = r->text(r, ref, x + 9, y, &f, 0, NULL);
    }
    *h = th + 4;
    return st;
}

ws_status ws__chart_strip(ws_renderer *r, const ws_chart_style *cs, ws_box b,
                          const ws_chart_strip *s) {
    ws_font lf = font(cs, 1.0, 600, cs->text, WS_ALIGN_LEFT);
    ws_font nf = font(cs, 0.85, 400, cs->muted, WS_ALIGN_LEFT);
    nf.italic = true;
    double lw = 0;
    for (size_t i = 0; i < s->nrows; i++)
        lw = fmax(lw, measure_w(r, s->rows[i].label, &lf));
    double x0 = b.x + lw + 10, x1 = b.x + b.w - 6;
    double kh = 0;
    ws_status st = key(r, cs, x0, b.y, s->mean_label, s->median_label,
                       isnan(s->ref) ? NULL : s->ref_label, &kh);
    double top = b.y + kh + 2;
    ws_chart_axis ax = fit_ticks(&s->axis, x1 - x0);
    double bottom = b.y + b.h - axis_height(r, cs, &ax, x1 - x0);
    double band = s->nrows ? (bottom - top) / (double)s->nrows : 0;
    double used = 0;
    if (st == WS_OK)
        st = axis(r, cs, &ax, x0, x1, top, bottom, &used);
    for (size_t i = 0; st == WS_OK && i < s->nrows; i++) {
        const ws_chart_row *row = &s->rows[i];
        double cy = top + band * ((double)i + 0.5);
        double lh = measure_h(r, row->label, &lf);
        st = r->text(r, row->label, b.x, cy - lh / 2, &lf, 0, NULL);
        if (st == WS_OK && i > 0)
            st = line(r, b.x, top + band * (double)i, x1,
                      top + band * (double)i, cs->grid, 0.4, false);
        size_t shown = 0;
        double rad = fmin(3.0, band * 0.09);
        for (size_t k = 0; st == WS_OK && k < row->n; k++) {
            if (isnan(row->v[k]))
                continue;
            /* deterministic jitter: the golden-ratio sequence */
            double j = fmod((double)k * 0.6180339887, 1.0) - 0.5;
            ws_rgba c = row->colors ? row->colors[k] : cs->muted;
            st = dot(r, xpos(&s->axis, x0, x1, row->v[k]), cy + j * band * 0.55,
                     rad, c, (ws_rgba){0.25, 0.25, 0.25, 0.9});
            shown++;
        }
        if (st == WS_OK && shown == 0 && row->note)
            st = r->text(r, row->note, x0 + 4,
                         cy - measure_h(r, row->note, &nf) / 2, &nf, 0, NULL);
        if (st == WS_OK && !isnan(row->median)) {
            double x = xpos(&s->axis, x0, x1, row->median);
            st = line(r, x, cy - band * 0.38, x, cy + band * 0.38, cs->text,
                      1.4, false);
        }
        if (st == WS_OK && !isnan(row->mean))
            st = diamond(r, xpos(&s->axis, x0, x1, row->mean), cy,
                         fmin(4.2, band * 0.16), cs->text);
    }
    if (st == WS_OK && !isnan(s->ref)) {
        double x = xpos(&s->axis, x0, x1, s->ref);
        st = line(r, x, top, x, bottom, cs->ref, 1.0, true);
    }
    return st;
}

ws_status ws__chart_bars(ws_renderer *r, const ws_chart_style *cs, ws_box b,
                         const ws_chart_bars *s) {
    ws_font lf = font(cs, 0.85, 400, cs->text, WS_ALIGN_LEFT);
    ws_font vf = font(cs, 0.8, 400, cs->text, WS_ALIGN_LEFT);
    ws_font nf = font(cs, 0.9, 400, cs->muted, WS_ALIGN_LEFT);
    nf.italic = true;
    size_t nv = 0;
    for (size_t i = 0; i < s->n; i++)
        nv += isnan(s->v[i]) ? 0u : 1u;
    if (nv == 0) {
        const char *note = s->empty_note ? s->empty_note : "geen waarden";
        return r->text(r, note, b.x, b.y + 4, &nf, b.w, NULL);
    }
    /* labels no taller than a bar's band: the band from a first guess of
     * the plot width, the font from the band */
    double guess =
        fmin(12, (b.h - 14 - axis_height(r, cs, &s->axis, b.w * 0.5)) /
                     (double)s->n);
    if (lf.size > guess * 0.9)
        lf.size = vf.size = fmax(4.5, guess * 0.9);
    double lw = 0;
    for (size_t i = 0; i < s->n; i++)
        lw = fmin(fmax(lw, measure_w(r, s->labels[i], &lf)), b.w * 0.42);
    double vw = measure_w(r, "10,0", &vf) + 4;
    double x0 = b.x + lw + 6, x1 = b.x + b.w - vw;
    double kh = 0;
    ws_status st = WS_OK;
    if (!isnan(s->ref) && s->ref_label)
        st = key(r, cs, x0, b.y, NULL, NULL, s->ref_label, &kh);
    double top = b.y + kh;
    ws_chart_axis ax = fit_ticks(&s->axis, x1 - x0);
    double bottom = b.y + b.h - axis_height(r, cs, &ax, x1 - x0);
    double band = fmin(12, (bottom - top) / (double)s->n);
    bottom = top + band * (double)s->n;
    double used = 0;
    if (st == WS_OK)
        st = axis(r, cs, &ax, x0, x1, top, bottom, &used);
    ws_rgba outline = {0.35, 0.35, 0.35, 1};
    for (size_t i = 0; st == WS_OK && i < s->n; i++) {
        double y = top + band * (double)i;
        double lh = measure_h(r, s->labels[i], &lf);
        /* labels that do not fit are cut by the renderer's wrap width:
         * keep one line by clipping to the label column */
        st = r->clip(r, b.x, y, lw + 2, band);
        if (st == WS_OK)
            st = r->text(r, s->labels[i], b.x, y + band / 2 - lh / 2, &lf, 0,
                         NULL);
        if (st == WS_OK)
            st = r->unclip(r);
        if (st != WS_OK || isnan(s->v[i]))
            continue;
        double xe = xpos(&s->axis, x0, x1, s->v[i]);
        double bh = fmax(1.0, band * 0.72);
        st = rect(r, x0, y + (band - bh) / 2, xe - x0, bh,
                  s->colors ? s->colors[i] : cs->muted, &outline);
        char num[48];
        ws__map_format_number(s->v[i], s->value_decimals, num, sizeof num);
        if (st == WS_OK)
            st = r->text(r, num, xe + 2,
                         y + band / 2 - measure_h(r, num, &vf) / 2, &vf, 0,
                         NULL);
    }
    if (st == WS_OK && !isnan(s->ref)) {
        double x = xpos(&s->axis, x0, x1, s->ref);
        st = line(r, x, top, x, bottom, cs->ref, 1.0, true);
    }
    return st;
}

ws_status ws__chart_diverging(ws_renderer *r, const ws_chart_style *cs,
                              ws_box b, const ws_chart_diverging *s) {
    ws_font gf = font(cs, 1.0, 600, cs->text, WS_ALIGN_LEFT);
    ws_font lf = font(cs, 0.85, 400, cs->text, WS_ALIGN_LEFT);
    ws_font vf = font(cs, 0.8, 400, cs->text, WS_ALIGN_LEFT);
    double m = 0;
    size_t nv = s->ngroups * s->nitems;
    for (size_t i = 0; i < nv; i++)
        if (!isnan(s->v[i]))
            m = fmax(m, fabs(s->v[i]));
    double step = ws__chart_nice_step(m > 0 ? 2 * m : 1, 4);
    double lim = fmax(step, ceil(m / step - 1e-9) * step);
    ws_chart_axis a = {-lim,          lim,
                       step,          step < 1 ? (step < 0.1 ? 2 : 1) : 0,
                       s->axis_label, s->neg_word,
                       s->pos_word};
    double lw = 0;
    for (size_t i = 0; i < s->nitems; i++)
        lw = fmax(lw, measure_w(r, s->items[i], &lf));
    double vw = measure_w(r, "+0,0", &vf) + 6;
    double x0 = b.x + lw + 10 + vw, x1 = b.x + b.w - vw;
    double gh = measure_h(r, "Ag", &gf) + 2;
    double top = b.y, bottom = b.y + b.h - axis_height(r, cs, &a, x1 - x0);
    double rowh =
        (bottom - top - gh * (double)s->ngroups) / (double)(nv ? nv : 1);
    double used = 0;
    ws_status st = axis(r, cs, &a, x0, x1, top, bottom, &used);
    double xz = xpos(&a, x0, x1, 0);
    double y = top;
    ws_rgba outline = {0.35, 0.35, 0.35, 1};
    for (size_t g = 0; st == WS_OK && g < s->ngroups; g++) {
        st = r->text(r, s->groups[g], b.x, y + 1, &gf, 0, NULL);
        y += gh;
        for (size_t i = 0; st == WS_OK && i < s->nitems; i++, y += rowh) {
            double v = s->v[g * s->nitems + i];
            double lh = measure_h(r, s->items[i], &lf);
            st = r->text(r, s->items[i], b.x + 8, y + rowh / 2 - lh / 2, &lf, 0,
                         NULL);
            char num[64], digits[48], zero[48];
            if (isnan(v)) {
                snprintf(num, sizeof num, "geen waarde");
            } else {
                ws__map_format_number(fabs(v), s->decimals, digits,
                                      sizeof digits);
                ws__map_format_number(0, s->decimals, zero, sizeof zero);
                bool nil = strcmp(digits, zero) == 0;
                snprintf(num, sizeof num, "%s%s",
                         nil     ? ""
                         : v > 0 ? "+"
                                 : "\xe2\x88\x92",
                         digits);
            }
            double bh = fmax(1.0, rowh * 0.7);
            if (st == WS_OK && !isnan(v) && v != 0) {
                double xe = xpos(&a, x0, x1, v);
                st = rect(r, fmin(xz, xe), y + (rowh - bh) / 2, fabs(xe - xz),
                          bh, v > 0 ? s->pos : s->neg, &outline);
            }
            double nw = measure_w(r, num, &vf);
            double tx = isnan(v) || v >= 0
                            ? (isnan(v) ? xz + 3 : xpos(&a, x0, x1, v) + 2)
                            : xpos(&a, x0, x1, v) - 2 - nw;
            if (st == WS_OK)
                st = r->text(r, num, tx,
                             y + rowh / 2 - measure_h(r, num, &vf) / 2, &vf, 0,
                             NULL);
        }
    }
    if (st == WS_OK)
        st = line(r, xz, top, xz, bottom, cs->axis, 0.9, false);
    return st;
}
