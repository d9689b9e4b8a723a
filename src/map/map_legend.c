/* The legend: title (the column's Dutch label and unit), the classes with
 * their ranges in Dutch number format ("1.234,5 – 2.000") and the number of
 * regions on the map in each (empty classes stay), "beter" / "slechter" at
 * the ends when the column has a direction, one entry per reason of missing
 * values with its own grey or hatch swatch and count, notes on the method,
 * pooling and merged classes, and the voorzieningen symbols. The same code
 * measures (draw = false) and draws. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "map_internal.h"

/* Dutch number: thousands '.', decimal ',', minus sign U+2212. */
static void format_number(double v, int decimals, bool group, char *buf,
                          size_t size) {
    char digits[64];
    /* rounded from the exact binary value (2,45 is a little more than
     * 2,45, so 2,5), as printf does */
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
    bool neg = v < 0 && strspn(digits, "0.") < strlen(digits);
    char *dot = strchr(digits, '.');
    size_t intlen = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (neg && o + 4 < size) {
        memcpy(buf, "\xe2\x88\x92", 3);
        o = 3;
    }
    for (size_t i = 0; i < intlen && o + 2 < size; i++) {
        if (group && i > 0 && (intlen - i) % 3 == 0)
            buf[o++] = '.';
        buf[o++] = digits[i];
    }
    if (dot && o + 1 < size) {
        buf[o++] = ',';
        for (const char *c = dot + 1; *c && o + 1 < size; c++)
            buf[o++] = *c;
    }
    buf[o] = '\0';
}

void ws__map_format_number(double v, int decimals, char *buf, size_t size) {
    format_number(v, decimals, true, buf, size);
}

static bool grouping(const ws_map_page *p) {
    return !strstr(p->opt->column, "jaar") &&
           !(p->d->unit && strcmp(p->d->unit, "jaar") == 0);
}

static void class_label(ws_map_page *p, size_t c, char *buf, size_t size) {
    const ws_classes *k = p->classes;
    double hi = k->breaks[c];
    if (c + 1 == k->nclasses && k->max > hi)
        hi = k->max;
    double lo = c == 0 ? fmin(k->min, hi) : k->breaks[c - 1];
    lo *= p->unit_scale;
    hi *= p->unit_scale;
    if (c > 0 && p->discrete)
        lo += pow(10, -p->decimals);
    char a[40], b[40];
    bool g = grouping(p);
    format_number(lo, p->decimals, g, a, sizeof a);
    format_number(hi, p->decimals, g, b, sizeof b);
    if (strcmp(a, b) == 0 || lo > hi)
        snprintf(buf, size, "%s", b);
    else
        snprintf(buf, size, "%s \xe2\x80\x93 %s", a, b);
}

static const char *method_text(ws_class_method m) {
    switch (m) {
    case WS_CLASS_QUANTILE:
        return "kwantielen (ongeveer even veel gebieden per klasse)";
    case WS_CLASS_EQUAL_INTERVAL:
        return "gelijke intervallen";
    case WS_CLASS_FISHER_JENKS:
        return "natuurlijke grenzen (Fisher\xe2\x80\x93Jenks)";
    case WS_CLASS_PRETTY:
        return "ronde grenzen";
    case WS_CLASS_HEAD_TAIL:
        return "head/tail-grenzen";
    case WS_CLASS_STDDEV:
        return "standaardafwijkingen rond het gemiddelde";
    case WS_CLASS_MANUAL:
        return "vaste grenzen";
    }
    return "";
}

static const char *level_plural(ws_level l) {
    return l == WS_LEVEL_BUURT      ? "buurten"
           : l == WS_LEVEL_WIJK     ? "wijken"
           : l == WS_LEVEL_GEMEENTE ? "gemeenten"
                                    : "regio's";
}

typedef struct legend_run {
    ws_map_page *p;
    double x, y, w;
    bool draw;
} legend_run;

static ws_status text(legend_run *lr, const char *s, double x, double y,
                      const ws_font *f, double maxw, ws_box *box) {
    ws_font ff = ws__map_font(lr->p->st, f);
    if (lr->draw)
        return lr->p->r->text(lr->p->r, s, x, y, &ff, maxw, box);
    ws_status st = lr->p->r->measure(lr->p->r, s, &ff, maxw, box);
    box->x = x;
    box->y = y;
    return st;
}

static ws_status swatch(legend_run *lr, double x, double y, double w, double h,
                        const ws_paint *fill) {
    if (!lr->draw)
        return WS_OK;
    double xy[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
    size_t four = 4;
    ws_path path = {xy, &four, 1, true};
    ws_paint pt = *fill;
    pt.stroke = lr->p->st->swatch_outline.stroke;
    pt.stroke_color = lr->p->st->swatch_outline.stroke_color;
    pt.stroke_width = lr->p->st->swatch_outline.stroke_width;
    pt.ndash = 0;
    return lr->p->r->path(lr->p->r, &path, &pt);
}

static ws_status note(legend_run *lr, ws_note_kind kind, const char *label,
                      const char *code, double v0, double v1, ws_box box,
                      ws_rgba color) {
    if (!lr->draw)
        return WS_OK;
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = kind;
    n.text = label;
    n.code = code;
    n.v[0] = v0;
    n.v[1] = v1;
    n.box = box;
    n.color = color;
    return lr->p->r->note(lr->p->r, &n);
}

/* One legend row: swatch, label, count. */
static ws_status row(legend_run *lr, const ws_paint *fill, const char *label,
                     size_t count, double *y, ws_box *rowbox) {
    const ws_map_style *st = lr->p->st;
    double sw = st->swatch_w_mm * WS_MM, sh = st->swatch_h_mm * WS_MM;
    double tx = lr->x + sw + 2.2 * WS_MM;
    char cnt[32] = "";
    if (st->legend_counts)
        snprintf(cnt, sizeof cnt, "%zu", count);
    ws_box cb = {0, 0, 0, 0, 0}, lb;
    ws_font rf = st->legend_text;
    rf.align = WS_ALIGN_RIGHT;
    ws_status s = WS_OK;
    if (cnt[0]) {
        ws_font mf = ws__map_font(st, &rf);
        s = lr->p->r->measure(lr->p->r, cnt, &mf, 0, &cb);
    }
    double maxw = lr->x + lr->w - tx - cb.w - 3 * WS_MM;
    ws_box m = {0, 0, 0, 0, 0};
    ws_font lf = ws__map_font(st, &st->legend_text);
    if (s == WS_OK)
        s = lr->p->r->measure(lr->p->r, label, &lf, maxw, &m);
    double h = fmax(sh, m.h);
    double ty = *y + (h - m.h) / 2;
    if (s == WS_OK)
        s = swatch(lr, lr->x, *y + (h - sh) / 2, sw, sh, fill);
    if (s == WS_OK && lr->draw)
        s = text(lr, label, tx, ty, &st->legend_text, maxw, &lb);
    if (s == WS_OK && lr->draw && cnt[0])
        s = text(lr, cnt, lr->x + lr->w - cb.w, ty, &rf, 0, &cb);
    *rowbox = (ws_box){lr->x, *y, lr->w, h, 0};
    *y += h + 1.6;
    return s;
}

static ws_status run(legend_run *lr, double *height) {
    ws_map_page *p = lr->p;
    const ws_map_style *st = p->st;
    const ws_map_data *d = p->d;
    double y = lr->y;
    ws_box b;
    char buf[512];
    /* title */
    if (d->label)
        snprintf(buf, sizeof buf, "%s", d->label);
    else {
        snprintf(buf, sizeof buf, "%s", p->opt->column);
        for (char *c = buf; *c; c++)
            if (*c == '_')
                *c = ' ';
        if (buf[0] >= 'a' && buf[0] <= 'z')
            buf[0] = (char)(buf[0] - 'a' + 'A');
    }
    if (p->unit[0]) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, " (%s)", p->unit);
    }
    ws_status s = text(lr, buf, lr->x, y, &st->legend_title, lr->w, &b);
    y += b.h + 1;
    if (s == WS_OK && d->definition) {
        s = text(lr, d->definition, lr->x, y, &st->legend_note, lr->w, &b);
        y += b.h + 1;
    }
    if (s == WS_OK && st->legend_counts) {
        ws_font rf = st->legend_note;
        rf.align = WS_ALIGN_RIGHT;
        ws_box hb;
        ws_font mf = ws__map_font(st, &rf);
        s = p->r->measure(p->r, "aantal", &mf, 0, &hb);
        if (s == WS_OK)
            s = text(lr, "aantal", lr->x + lr->w - hb.w, y, &rf, 0, &hb);
        y += hb.h + 0.5;
    }
    /* classes, the better end on top */
    size_t k = p->ncls;
    bool descending = p->higher_better;
    bool words = p->higher_better || p->lower_better;
    if (s == WS_OK && words && k > 1) {
        snprintf(buf, sizeof buf, "\xe2\x86\x91 %s", st->better);
        s = text(lr, buf, lr->x, y, &st->legend_note, lr->w, &b);
        y += b.h + 0.8;
    }
    for (size_t i = 0; s == WS_OK && i < k; i++) {
        size_t c = descending ? k - 1 - i : i;
        char label[96];
        class_label(p, c, label, sizeof label);
        snprintf(p->cls[c].label, sizeof p->cls[c].label, "%s", label);
        ws_paint fill;
        memset(&fill, 0, sizeof fill);
        fill.fill = true;
        fill.fill_color = p->cls[c].color;
        ws_box rb;
        s = row(lr, &fill, label, p->cls[c].count, &y, &rb);
        if (s == WS_OK)
            s = note(lr, WS_NOTE_LEGEND_CLASS, label, NULL, (double)c,
                     (double)p->cls[c].count, rb, fill.fill_color);
    }
    if (s == WS_OK && words && k > 1) {
        snprintf(buf, sizeof buf, "\xe2\x86\x93 %s", st->worse);
        s = text(lr, buf, lr->x, y - 0.6, &st->legend_note, lr->w, &b);
        y += b.h + 0.8;
    }
    if (k == 0 && s == WS_OK) {
        s = text(lr, "geen waarden om in te delen", lr->x, y, &st->legend_note,
                 lr->w, &b);
        y += b.h + 1;
    }
    /* missing values, one entry per reason */
    if (p->nmiss)
        y += 2.2 * WS_MM;
    for (size_t j = 0; s == WS_OK && j < p->nmiss; j++) {
        ws_box rb;
        s = row(lr, &p->miss[j].paint, p->miss[j].label, p->miss[j].count, &y,
                &rb);
        if (s == WS_OK)
            s = note(lr, WS_NOTE_LEGEND_MISSING, p->miss[j].label,
                     p->miss[j].reason, -1, (double)p->miss[j].count, rb,
                     p->miss[j].paint.fill_color);
    }
    /* notes: method, pooling, merged classes */
    y += 2 * WS_MM;
    const ws_classes *c = p->classes;
    ws_class_method m = p->opt->n_breaks      ? WS_CLASS_MANUAL
                        : p->opt->method >= 0 ? (ws_class_method)p->opt->method
                                              : st->method;
    size_t o =
        (size_t)snprintf(buf, sizeof buf, "Indeling: %s", method_text(m));
    if (p->opt->n_pool_columns || p->opt->n_pool_gemeenten)
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "; grenzen gelijk voor alle kaarten van de "
                              "vergelijking");
    if (c->merged && c->nclasses > 0 && o < sizeof buf) {
        /* fewer classes than asked: ties, or too few different values */
        size_t distinct = 0;
        for (size_t a = 0; a < d->n && !p->opt->n_pool_columns; a++) {
            const ws_map_region *ra = &d->regions[a];
            bool seen = !ra->in_pool || isnan(ra->value);
            for (size_t b2 = 0; b2 < a && !seen; b2++)
                seen =
                    d->regions[b2].in_pool && d->regions[b2].value == ra->value;
            distinct += !seen;
        }
        o += (size_t)snprintf(
            buf + o, sizeof buf - o, ". %zu van de %zu gevraagde klassen: %s",
            c->nclasses, c->requested,
            !p->opt->n_pool_columns && distinct <= c->nclasses
                ? "te weinig verschillende waarden"
                : "gelijke waarden vallen altijd in dezelfde klasse");
    }
    if (o < sizeof buf)
        snprintf(buf + o, sizeof buf - o, ". Aantallen: %s op de kaart.",
                 level_plural(p->d->level));
    if (s == WS_OK)
        s = text(lr, buf, lr->x, y, &st->legend_note, lr->w, &b);
    y += b.h;
    /* voorzieningen */
    if (s == WS_OK && d->ncat > 0) {
        y += 3 * WS_MM;
        s = text(lr, "Voorzieningen in beeld", lr->x, y, &st->legend_title,
                 lr->w, &b);
        y += b.h + 1.5;
        double sw = st->swatch_w_mm * WS_MM;
        for (size_t i = 0; s == WS_OK && i < d->ncat; i++) {
            char cnt[32];
            snprintf(cnt, sizeof cnt, "%zu",
                     p->cat_count ? p->cat_count[i] : 0);
            ws_box lb;
            s = text(lr, d->categories[i], lr->x + sw + 2.2 * WS_MM, y,
                     &st->legend_text, lr->w - sw - 12 * WS_MM, &lb);
            if (s == WS_OK && lr->draw) {
                s = ws__map_symbol(p, lr->x + sw / 2, y + lb.h / 2, i,
                                   st->symbol_pt * 1.25);
                ws_font rf = st->legend_text;
                rf.align = WS_ALIGN_RIGHT;
                ws_box cb;
                ws_font mf = ws__map_font(st, &rf);
                if (s == WS_OK)
                    s = p->r->measure(p->r, cnt, &mf, 0, &cb);
                if (s == WS_OK && st->legend_counts)
                    s = text(lr, cnt, lr->x + lr->w - cb.w, y, &rf, 0, &cb);
                if (s == WS_OK)
                    s = note(lr, WS_NOTE_LEGEND_SYMBOL, d->categories[i], NULL,
                             (double)i,
                             p->cat_count ? (double)p->cat_count[i] : 0,
                             (ws_box){lr->x, y, lr->w, lb.h, 0},
                             (ws_rgba){0, 0, 0, 1});
            }
            y += lb.h + 1.4;
        }
    }
    *height = y - lr->y;
    return s;
}

ws_status ws__map_legend_size(ws_map_page *p, double width, double *height) {
    legend_run lr = {p, 0, 0, width, false};
    return run(&lr, height);
}

ws_status ws__map_legend_draw(ws_map_page *p, double x, double y,
                              double width) {
    legend_run lr = {p, x, y, width, true};
    double h;
    ws_status s = run(&lr, &h);
    if (s == WS_OK)
        s = ws__map_avoid(p, (ws_box){x, y, width, h, 0});
    return s;
}
