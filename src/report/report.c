/* `wijkscan report`: the policy report, a multi-page A4 PDF in Dutch.
 *
 *  1. cover: title, region, gemeenten, production date (from the
 *     GeoPackage, never the clock), the data versions (wijkscan_invoer);
 *  2. contents with page numbers (links and a PDF outline);
 *  3. summary: generated findings, the comparison table, the differences
 *     from the regional mean per theme;
 *  4. per theme: the region map, a generated text (strongest and weakest
 *     wijken, the range), the strip plot of marks per gemeente, then the
 *     gemeenten side by side (small multiples with one legend) and the
 *     wijk marks per gemeente;
 *  5. per gemeente: key figures and a map per (non-composite) theme — a
 *     gemeente without any scored region says so;
 *  6. data quality: scored and unscored regions (the *_vlag columns), the
 *     missing values by reason (ontbrekende_waarden), dwellings outside
 *     every buurt (wijkscan_metadata), the inputs and their years;
 *  7. method: marks, weights, normalisation, reference frame, classes, the
 *     definitions of the table, references (wijkscan_indicatoren and the
 *     metadata);
 *  8. appendix: every indicator with label, definition, unit, direction
 *     and weight.
 *
 * The document is laid out twice: once on the recording backend to learn
 * on which page every heading lands, then on Cairo's PDF surface with the
 * contents filled in; both measure text with the same Pango code, so the
 * pages break identically. With --figures every figure is also written on
 * its own as PNG and SVG (each file atomically). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../export/export_internal.h"
#include "report_internal.h"

#ifndef WS_VERSION_STRING
#define WS_VERSION_STRING "0.0.0"
#endif

#define ALL ((size_t)-1)

void ws_report_options_init(ws_report_options *opt) {
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->method = -1;
    opt->figure_dpi = 150;
}

typedef struct rep {
    ws_ctx *ctx;
    const ws_report_options *opt;
    ws_cmp c;
    ws_theme_maps *tm; /* per theme */
    bool *composite;   /* per theme: made of other themes */
    ws_doc d;
    bool final;                /* the second pass */
    const ws_doc_heading *toc; /* headings of the first pass */
    size_t ntoc;
    size_t figures;
    char title[256], region[160], names[512], date[64];
} rep;

typedef struct fig_arg {
    size_t t, g;
    double legend_w;
} fig_arg;

typedef ws_status (*fig_fn)(rep *R, ws_renderer *r, ws_box b, const fig_arg *a);

/* --- text helpers -------------------------------------------------------- */

static void num(double v, int dec, char *buf, size_t size) {
    ws__cmp_num(v, dec, buf, size);
}

static const char *lower_label(const char *label, char *buf, size_t size) {
    /* "De gezonde wijk" reads "de gezonde wijk" inside a sentence */
    snprintf(buf, size, "%s", label);
    if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static const char *unit_plural(const rep *R) {
    return ws__cmp_level_word(R->c.level, true);
}

static const char *wijk_name(const ws_cmp *c, long w) {
    if (w < 0)
        return "";
    return c->wijken[w].name ? c->wijken[w].name : c->wijken[w].code;
}

/* --- figures ------------------------------------------------------------- */

static ws_status fig_area(rep *R, ws_renderer *r, ws_box b, const fig_arg *a) {
    return ws__fig_area_map(&R->c, &R->tm[a->t], a->g, r, b, a->legend_w);
}

static ws_status fig_panels(rep *R, ws_renderer *r, ws_box b,
                            const fig_arg *a) {
    return ws__fig_small_multiples(&R->c, &R->tm[a->t], r, b, a->legend_w,
                                   NULL);
}

static ws_status fig_strip(rep *R, ws_renderer *r, ws_box b, const fig_arg *a) {
    return ws__fig_strip(&R->c, &R->tm[a->t], r, b);
}

static ws_status fig_diverging(rep *R, ws_renderer *r, ws_box b,
                               const fig_arg *a) {
    (void)a;
    return ws__fig_diverging(&R->c, r, b);
}

/* The wijk bars of every gemeente side by side, a title above each. */
static ws_status fig_bars(rep *R, ws_renderer *r, ws_box b, const fig_arg *a) {
    ws_cmp *c = &R->c;
    double gap = 6 * WS_MM;
    double w = (b.w - gap * (double)(c->ngm - 1)) / (double)c->ngm;
    ws_font f = R->d.h2;
    f.size = 9;
    ws_status s = WS_OK;
    for (size_t g = 0; s == WS_OK && g < c->ngm; g++) {
        double x = b.x + (double)g * (w + gap);
        ws_box tb;
        s = r->text(r, c->gmname[g], x, b.y, &f, w, &tb);
        if (s == WS_OK)
            s = ws__fig_wijk_bars(
                c, &R->tm[a->t], g, r,
                (ws_box){x, b.y + tb.h + 3, w, b.h - tb.h - 3, 0});
    }
    return s;
}

/* Every non-composite theme of gemeente g: one column each (map, scale
 * bar, legend). */
static ws_status fig_gemeente(rep *R, ws_renderer *r, ws_box b,
                              const fig_arg *a) {
    ws_cmp *c = &R->c;
    size_t n = 0;
    for (size_t t = 0; t < c->nthemes; t++)
        n += !R->composite[t];
    double gap = 5 * WS_MM;
    double w = (b.w - gap * (double)(n ? n - 1 : 0)) / (double)(n ? n : 1);
    double map_h = fmin(b.h * 0.5, w * 1.25);
    ws_status s = WS_OK;
    size_t k = 0;
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++) {
        if (R->composite[t])
            continue;
        s = ws__fig_gemeente_column(
            c, &R->tm[t], a->g, r,
            (ws_box){b.x + (double)k * (w + gap), b.y, w, b.h, 0}, map_h);
        k++;
    }
    return s;
}

static ws_status export_figure(rep *R, const char *name, fig_fn fn,
                               const fig_arg *a, double w, double h) {
    static const char *const ext[] = {"png", "svg"};
    ws_status s = WS_OK;
    for (int i = 0; s == WS_OK && i < 2; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", R->opt->figures_dir, name,
                 ext[i]);
        ws_outfile of;
        s = ws__outfile_begin(R->ctx, NULL, path, &of);
        if (s != WS_OK)
            break;
        ws_cairo_options co;
        memset(&co, 0, sizeof co);
        co.format = i == 0 ? WS_RENDER_PNG : WS_RENDER_SVG;
        co.width_pt = w;
        co.height_pt = h;
        co.dpi = R->opt->figure_dpi > 0 ? R->opt->figure_dpi : 150;
        co.path = of.tmp;
        co.background = R->c.style.background;
        ws_renderer *r = NULL;
        s = ws__render_cairo_new(R->ctx, &co, &r);
        double m = 6 * WS_MM;
        if (s == WS_OK)
            s = fn(R, r, (ws_box){m, m, w - 2 * m, h - 2 * m, 0}, a);
        if (s == WS_OK)
            s = r->finish(r);
        if (r)
            r->destroy(r);
        if (s == WS_OK)
            s = ws__outfile_commit(R->ctx, &of);
        else
            ws__outfile_abort(&of);
    }
    if (s == WS_OK)
        R->figures++;
    return s;
}

/* Place a figure of height h at the cursor (on a new page when it does not
 * fit) and, in the final pass, write it on its own (fw × fh pt). */
static ws_status place(rep *R, const char *name, fig_fn fn, const fig_arg *a,
                       double h, double fw, double fh) {
    ws_doc *d = &R->d;
    ws_status s = ws__doc_need(d, h);
    ws_box b = {d->ml, d->y, ws__doc_width(d), h, 0};
    if (s == WS_OK)
        s = fn(R, d->r, b, a);
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_FIGURE;
    n.text = name;
    n.box = b;
    if (s == WS_OK)
        s = d->r->note(d->r, &n);
    d->y += h + 4 * WS_MM;
    if (s == WS_OK && R->final && R->opt->figures_dir)
        s = export_figure(R, name, fn, a, fw, fh);
    return s;
}

static ws_status caption(rep *R, const char *text) {
    return ws__doc_text(&R->d, text, &R->d.note, 3 * WS_MM);
}

/* A figure with its caption under it, never split over two pages. */
static ws_status place_captioned(rep *R, const char *name, fig_fn fn,
                                 const fig_arg *a, double h, double fw,
                                 double fh, const char *text) {
    ws_box b;
    ws_status s =
        R->d.r->measure(R->d.r, text, &R->d.note, ws__doc_width(&R->d), &b);
    if (s == WS_OK)
        s = ws__doc_need(&R->d, h + 4 * WS_MM + b.h);
    if (s == WS_OK)
        s = place(R, name, fn, a, h, fw, fh);
    if (s == WS_OK)
        s = caption(R, text);
    return s;
}

/* --- cover and contents ----------------------------------------------------
 */

static const char *role_text(const char *rol) {
    static const char *const roles[][2] = {
        {"buurten", "Buurtgrenzen en -statistiek"},
        {"wijken", "Wijkgrenzen"},
        {"gemeenten", "Gemeentegrenzen"},
        {"bag", "Woningen (BAG)"},
        {"voorzieningen", "Voorzieningen"},
        {"kerncijfers", "Kerncijfers wijken en buurten"}};
    for (size_t i = 0; rol && i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(rol, roles[i][0]) == 0)
            return roles[i][1];
    return rol ? rol : "";
}

/* Table of the inputs: what, file, layer, objects, year, modified. */
static ws_status inputs_table(rep *R) {
    ws_cmp *c = &R->c;
    size_t n = c->ninputs;
    if (n == 0)
        return ws__doc_text(&R->d, "De GeoPackage noemt geen invoerbestanden.",
                            &R->d.body, 2 * WS_MM);
    char(*cell)[160] = ws__calloc(R->ctx, n * 5, sizeof *cell);
    const char **cells = ws__calloc(R->ctx, n * 5, sizeof *cells);
    ws_status s = cell && cells ? WS_OK : WS_ERR_NOMEM;
    for (size_t i = 0; s == WS_OK && i < n; i++) {
        const ws_cmp_input *in = &c->inputs[i];
        char date[64];
        ws__cmp_dutch_date(in->gewijzigd, date, sizeof date);
        int y = ws__map_year_in(in->bestand);
        snprintf(cell[i * 5], 160, "%s", role_text(in->rol));
        snprintf(cell[i * 5 + 1], 160, "%s%s%s", in->bestand ? in->bestand : "",
                 in->laag && in->laag[0] ? " · laag " : "",
                 in->laag ? in->laag : "");
        num(in->objecten, 0, cell[i * 5 + 2], 160);
        if (y)
            snprintf(cell[i * 5 + 3], 160, "%d", y);
        snprintf(cell[i * 5 + 4], 160, "%s", date);
        for (int k = 0; k < 5; k++)
            cells[i * 5 + (size_t)k] = cell[i * 5 + (size_t)k];
    }
    static const char *const head[] = {"Gegevens", "Bestand", "Objecten",
                                       "Jaar", "Bestandsdatum"};
    static const double widths[] = {0.22, 0.44, 0.1, 0.08, 0.16};
    static const ws_align align[] = {WS_ALIGN_LEFT, WS_ALIGN_LEFT,
                                     WS_ALIGN_RIGHT, WS_ALIGN_LEFT,
                                     WS_ALIGN_LEFT};
    ws_doc_table t = {5, head, widths, align, cells, n, NULL};
    if (s == WS_OK)
        s = ws__doc_table(&R->d, &t);
    ws__free(R->ctx, cell);
    ws__free(R->ctx, cells);
    return s;
}

static ws_status cover(rep *R) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    ws_status s = ws__doc_footer(d);
    d->y = d->mt + 28 * WS_MM;
    ws_font kicker = d->h2;
    kicker.color = d->h1.color;
    kicker.letter_spacing = 1.2;
    if (s == WS_OK)
        s = ws__doc_text(d, "WIJKSCAN · WONEN, ZORG EN WIJK", &kicker,
                         4 * WS_MM);
    if (s == WS_OK)
        s = ws__doc_text(d, R->title, &d->title, 4 * WS_MM);
    char sub[900];
    snprintf(sub, sizeof sub,
             "De gezonde, de informele en de inclusieve wijk vergeleken voor "
             "%s: per %s, per wijk en per gemeente.",
             R->names, ws__cmp_level_word(c->level, false));
    ws_font sf = d->body;
    sf.size = 13;
    sf.color = (ws_rgba){0.3, 0.3, 0.3, 1};
    if (s == WS_OK)
        s = ws__doc_text(d, sub, &sf, 8 * WS_MM);
    char line[400];
    snprintf(line, sizeof line, "Regio: %s\nGegevens van %s\nwijkscan %s",
             R->region, R->date[0] ? R->date : "onbekende datum",
             ws__cmp_meta(c, "wijkscan_versie") ? ws__cmp_meta(c, "wijkscan_"
                                                                  "versie")
                                                : WS_VERSION_STRING);
    if (s == WS_OK)
        s = ws__doc_text(d, line, &d->body, 6 * WS_MM);
    /* the region at a glance: the last theme (the composite) per region */
    size_t t = c->nthemes - 1;
    fig_arg a = {t, ALL, 0};
    double h = fmin(95 * WS_MM, ws__doc_bottom(d) - d->y - 70 * WS_MM);
    if (s == WS_OK && h > 40 * WS_MM) {
        ws_box b = {d->ml, d->y, ws__doc_width(d), h, 0};
        s = fig_area(R, d->r, b, &a);
        d->y += h + 2 * WS_MM;
        char cap[300];
        snprintf(cap, sizeof cap,
                 "%s per %s; donker paars is beter, oranje slechter (legenda "
                 "in hoofdstuk %s).",
                 c->themes[t].label, ws__cmp_level_word(c->level, false),
                 c->themes[t].label);
        if (s == WS_OK)
            s = caption(R, cap);
    }
    if (s == WS_OK) {
        ws_font hf = d->h2;
        hf.size = 9.5;
        s = ws__doc_text(d, "Gebruikte gegevens", &hf, 1.5 * WS_MM);
    }
    if (s == WS_OK)
        s = inputs_table(R);
    return s;
}

static ws_status contents(rep *R) {
    ws_doc *d = &R->d;
    ws_status s = ws__doc_heading(d, 0, "Inhoud");
    ws_font f = d->body, fb = d->body;
    fb.weight = 700;
    for (size_t i = 0; s == WS_OK && i < R->ntoc; i++) {
        const ws_doc_heading *h = &R->toc[i];
        if (h->level > 1 || strcmp(h->text, "Inhoud") == 0)
            continue;
        const ws_font *ff = h->level == 0 ? &fb : &f;
        double indent = h->level == 0 ? 0 : 6 * WS_MM;
        char pg[32];
        snprintf(pg, sizeof pg, "%zu", h->page);
        ws_box tb, pb;
        if (h->level == 0 && i > 0)
            d->y += 2.2 * WS_MM;
        s = d->r->measure(d->r, pg, ff, 0, &pb);
        if (s == WS_OK)
            s = d->r->text(d->r, h->text, d->ml + indent, d->y, ff,
                           ws__doc_width(d) - indent - 20 * WS_MM, &tb);
        if (s == WS_OK)
            s = d->r->text(d->r, pg, d->W - d->mr - pb.w, d->y, ff, 0, NULL);
        /* dotted leader */
        if (s == WS_OK) {
            double x0 = d->ml + indent + tb.w + 3, x1 = d->W - d->mr - pb.w - 3;
            double y = d->y + tb.baseline;
            ws_paint pt = ws__paint_stroke((ws_rgba){0.6, 0.6, 0.6, 1}, 0.6);
            pt.dash[0] = 0.6;
            pt.dash[1] = 2.4;
            pt.ndash = 2;
            if (x1 > x0)
                s = ws__render_line(d->r, x0, y, x1, y, &pt);
        }
        ws_note n;
        memset(&n, 0, sizeof n);
        n.kind = WS_NOTE_LINK;
        n.box = (ws_box){d->ml, d->y, ws__doc_width(d), tb.h, 0};
        n.v[0] = (double)h->page;
        n.v[1] = h->y;
        if (s == WS_OK)
            s = d->r->note(d->r, &n);
        d->y += tb.h + 1.8;
    }
    return s;
}

/* --- summary ----------------------------------------------------------- */

static ws_status comparison_table(rep *R) {
    ws_cmp *c = &R->c;
    size_t rows = c->nthemes * (c->ngm + 1), nc = 7;
    char(*cell)[200] = ws__calloc(R->ctx, rows * nc, sizeof *cell);
    const char **cells = ws__calloc(R->ctx, rows * nc, sizeof *cells);
    bool *bold = ws__calloc(R->ctx, rows, sizeof *bold);
    ws_status s = cell && cells && bold ? WS_OK : WS_ERR_NOMEM;
    size_t i = 0;
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++)
        for (size_t g = 0; g <= c->ngm; g++, i++) {
            const ws_cmp_stat *st = ws__cmp_stat(c, t, g);
            char(*row)[200] = cell + i * nc;
            snprintf(row[0], 200, "%s", g == 0 ? c->themes[t].label : "");
            snprintf(row[1], 200, "%s", g < c->ngm ? c->gmname[g] : "regio");
            num(st->mean, 1, row[2], 200);
            num(st->median, 1, row[3], 200);
            char pct[32];
            num(st->low_share * 100, 0, pct, sizeof pct);
            snprintf(row[4], 200, "%s%s", pct,
                     isnan(st->low_share) ? "" : " %");
            if (g < c->ngm && st->best >= 0) {
                char a[32], b[32];
                num(c->wijken[st->best].score[t], 1, a, sizeof a);
                num(c->wijken[st->worst].score[t], 1, b, sizeof b);
                snprintf(row[5], 200, "%s (%s)", wijk_name(c, st->best), a);
                snprintf(row[6], 200, "%s (%s)", wijk_name(c, st->worst), b);
            } else if (g < c->ngm) {
                snprintf(row[5], 200, "geen wijk met een score");
            }
            bold[i] = g == c->ngm;
            for (size_t k = 0; k < nc; k++)
                cells[i * nc + k] = row[k];
        }
    static const char *const head[] = {"Thema",
                                       "Gemeente",
                                       "Gemiddeld (gewogen)",
                                       "Mediaan",
                                       "Woningen in laagste klasse",
                                       "Sterkste wijk",
                                       "Zwakste wijk"};
    static const double widths[] = {0.14, 0.17, 0.1, 0.08, 0.11, 0.2, 0.2};
    static const ws_align align[] = {
        WS_ALIGN_LEFT,  WS_ALIGN_LEFT, WS_ALIGN_RIGHT, WS_ALIGN_RIGHT,
        WS_ALIGN_RIGHT, WS_ALIGN_LEFT, WS_ALIGN_LEFT};
    ws_doc_table tb = {nc, head, widths, align, cells, rows, bold};
    if (s == WS_OK)
        s = ws__doc_table(&R->d, &tb);
    ws__free(R->ctx, cell);
    ws__free(R->ctx, cells);
    ws__free(R->ctx, bold);
    return s;
}

/* The definitions under the table, with the lowest class of each theme. */
static ws_status table_notes(rep *R) {
    ws_cmp *c = &R->c;
    char buf[2400], b[32];
    size_t o = (size_t)snprintf(
        buf, sizeof buf,
        "Alleen gescoorde %s tellen mee: %s met een rapportcijfer voor het "
        "thema; %s met te weinig woningen of inwoners of te weinig gegevens "
        "staan in het hoofdstuk Datakwaliteit. Gemiddeld (gewogen): het "
        "gemiddelde van de cijfers van de gescoorde %s, gewogen naar hun "
        "aantal woningen. Mediaan: het middelste cijfer van de gescoorde %s "
        "(elke %s telt één keer). Woningen in laagste klasse: het aandeel van "
        "de woningen in gescoorde %s waarvan het cijfer in de laagste klasse "
        "van de kaart valt (dezelfde klassen voor alle gemeenten):",
        unit_plural(R), unit_plural(R), unit_plural(R), unit_plural(R),
        unit_plural(R), ws__cmp_level_word(c->level, false), unit_plural(R));
    for (size_t t = 0; t < c->nthemes && o < sizeof buf; t++) {
        const ws_classes *k = c->classes[t];
        num(k && k->nclasses ? k->breaks[0] : NAN, 1, b, sizeof b);
        char lab[128];
        o += (size_t)snprintf(
            buf + o, sizeof buf - o, "%s %s t/m %s", t ? ";" : "",
            lower_label(c->themes[t].label, lab, sizeof lab), b);
    }
    if (o < sizeof buf)
        snprintf(buf + o, sizeof buf - o,
                 ". Sterkste en zwakste wijk: het eigen cijfer van de wijk.");
    return ws__doc_text(&R->d, buf, &R->d.note, 3 * WS_MM);
}

/* Generated findings: per theme who is above and below the region. */
static ws_status findings(rep *R) {
    ws_cmp *c = &R->c;
    ws_status s = WS_OK;
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++) {
        const ws_cmp_stat *rg = ws__cmp_stat(c, t, c->ngm);
        size_t hi = ALL, lo = ALL;
        for (size_t g = 0; g < c->ngm; g++) {
            double m = ws__cmp_stat(c, t, g)->mean;
            if (isnan(m))
                continue;
            if (hi == ALL || m > ws__cmp_stat(c, t, hi)->mean)
                hi = g;
            if (lo == ALL || m < ws__cmp_stat(c, t, lo)->mean)
                lo = g;
        }
        char buf[1200], a[32], b[32], m[32], lab[128];
        num(rg->mean, 1, m, sizeof m);
        size_t o = (size_t)snprintf(buf, sizeof buf,
                                    "• %s: de regio krijgt gemiddeld een %s.",
                                    c->themes[t].label, m);
        if (hi != ALL && lo != ALL && hi != lo) {
            num(ws__cmp_stat(c, t, hi)->mean, 1, a, sizeof a);
            num(ws__cmp_stat(c, t, lo)->mean, 1, b, sizeof b);
            o += (size_t)snprintf(buf + o, sizeof buf - o,
                                  " %s scoort het hoogst (%s), %s het "
                                  "laagst (%s).",
                                  c->gmname[hi], a, c->gmname[lo], b);
        }
        for (size_t g = 0; g < c->ngm && o < sizeof buf; g++)
            if (ws__cmp_stat(c, t, g)->n_scored == 0)
                o += (size_t)snprintf(
                    buf + o, sizeof buf - o,
                    " %s heeft geen enkele gescoorde %s "
                    "voor %s.",
                    c->gmname[g], ws__cmp_level_word(c->level, false),
                    lower_label(c->themes[t].label, lab, sizeof lab));
        s = ws__doc_text(&R->d, buf, &R->d.body, 1.5 * WS_MM);
    }
    return s;
}

static ws_status summary(rep *R) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    ws_status s = ws__doc_heading(d, 0, "Samenvatting");
    char buf[1200];
    size_t scored = 0, all = 0;
    double w = 0, wall = 0;
    for (size_t i = 0; i < c->nunits; i++) {
        bool any = false;
        for (size_t t = 0; t < c->nthemes; t++)
            any = any || !isnan(c->units[i].score[t]);
        all++;
        double wi = isnan(c->units[i].woningen) ? 0 : c->units[i].woningen;
        wall += wi;
        if (any) {
            scored++;
            w += wi;
        }
    }
    char nw[32], nwall[32];
    num(w, 0, nw, sizeof nw);
    num(wall, 0, nwall, sizeof nwall);
    snprintf(buf, sizeof buf,
             "Dit rapport vergelijkt %s op %zu thema's. Elk thema is een "
             "rapportcijfer van 1 tot 10 per %s, hoger is beter. Van de %zu "
             "%s hebben er %zu een cijfer voor ten minste één thema; daar "
             "wonen %s van de %s woningen.",
             R->names, c->nthemes, ws__cmp_level_word(c->level, false), all,
             unit_plural(R), scored, nw, nwall);
    if (s == WS_OK)
        s = ws__doc_text(d, buf, &d->body, 3 * WS_MM);
    if (s == WS_OK)
        s = findings(R);
    d->y += 2 * WS_MM;
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, "De vergelijkingstabel");
    if (s == WS_OK)
        s = comparison_table(R);
    if (s == WS_OK)
        s = table_notes(R);
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, "Verschil met het regiogemiddelde");
    double h = 15.0 * (double)(c->ngm * (c->nthemes + 1)) + 45;
    fig_arg a = {0, ALL, 0};
    if (s == WS_OK)
        s = place_captioned(
            R, "verschil-met-regio", fig_diverging, &a, h, 480, h + 30,
            "Per gemeente en thema het gewogen gemiddelde min dat van de "
            "hele regio. Rechts (paars): beter dan de regio; links "
            "(oranje): slechter.");
    return s;
}

/* --- themes -------------------------------------------------------------- */

static ws_status theme_text(rep *R, size_t t) {
    ws_cmp *c = &R->c;
    const ws_cmp_stat *rg = ws__cmp_stat(c, t, c->ngm);
    char buf[2400], a[32], b[32], lab[128];
    lower_label(c->themes[t].label, lab, sizeof lab);
    num(rg->mean, 1, a, sizeof a);
    size_t o = (size_t)snprintf(buf, sizeof buf,
                                "Gemiddeld over de woningen krijgt de regio "
                                "een %s voor %s.",
                                a, lab);
    if (rg->n_scored > 0) {
        num(rg->min, 1, a, sizeof a);
        num(rg->max, 1, b, sizeof b);
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              " De cijfers van de %s lopen uiteen van %s tot "
                              "%s.",
                              unit_plural(R), a, b);
    }
    /* strongest and weakest wijk over the region */
    long best = -1, worst = -1;
    for (size_t w = 0; w < c->nwijken; w++) {
        double x = c->wijken[w].score[t];
        if (isnan(x))
            continue;
        if (best < 0 || x > c->wijken[best].score[t])
            best = (long)w;
        if (worst < 0 || x < c->wijken[worst].score[t])
            worst = (long)w;
    }
    if (best >= 0 && o < sizeof buf) {
        num(c->wijken[best].score[t], 1, a, sizeof a);
        num(c->wijken[worst].score[t], 1, b, sizeof b);
        o += (size_t)snprintf(
            buf + o, sizeof buf - o,
            " De sterkste wijk is %s in %s (%s), de zwakste %s in %s (%s).",
            wijk_name(c, best), c->gmname[c->wijken[best].g], a,
            wijk_name(c, worst), c->gmname[c->wijken[worst].g], b);
    }
    for (size_t g = 0; g < c->ngm && o < sizeof buf; g++) {
        const ws_cmp_stat *st = ws__cmp_stat(c, t, g);
        if (st->n_scored == 0) {
            o += (size_t)snprintf(
                buf + o, sizeof buf - o, " %s heeft geen enkele gescoorde %s.",
                c->gmname[g], ws__cmp_level_word(c->level, false));
            continue;
        }
        char m[32], p[32];
        num(st->mean, 1, m, sizeof m);
        num(st->low_share * 100, 0, p, sizeof p);
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              " %s: gemiddeld %s, %s %% van de woningen in de "
                              "laagste klasse.",
                              c->gmname[g], m, p);
    }
    return ws__doc_text(&R->d, buf, &R->d.body, 3 * WS_MM);
}

static ws_status theme_chapter(rep *R, size_t t) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    const ws_cmp_theme *th = &c->themes[t];
    char name[256];
    ws_status s = ws__doc_heading(d, 0, th->label);
    ws_font lead = d->body;
    lead.size = 11;
    lead.italic = true;
    lead.color = (ws_rgba){0.25, 0.25, 0.25, 1};
    if (s == WS_OK && th->definition)
        s = ws__doc_text(d, th->definition, &lead, 3 * WS_MM);
    if (s == WS_OK)
        s = theme_text(R, t);
    fig_arg a = {t, ALL, 62 * WS_MM};
    snprintf(name, sizeof name, "%s-regio", th->name);
    /* the map takes what the strip plot leaves of the page */
    double sh = 13.0 * WS_MM * (double)c->ngm + 20 * WS_MM;
    double mh = ws__doc_bottom(d) - d->y - sh - 26 * WS_MM;
    mh = fmin(125 * WS_MM, fmax(85 * WS_MM, mh));
    if (s == WS_OK)
        s = place(R, name, fig_area, &a, mh, 760, 480);
    snprintf(name, sizeof name, "%s-spreiding", th->name);
    if (s == WS_OK)
        s = ws__doc_need(d, sh + 20 * WS_MM);
    if (s == WS_OK)
        s = ws__doc_text(d, "Cijfers per gemeente", &d->h2, 1 * WS_MM);
    char cap[400];
    snprintf(cap, sizeof cap,
             "Elke stip is een gescoorde %s, in de kleur van zijn klasse op "
             "de kaart.",
             ws__cmp_level_word(c->level, false));
    if (s == WS_OK)
        s = place_captioned(R, name, fig_strip, &a, sh, 620, sh + 30, cap);
    /* the gemeenten side by side */
    char sec[300];
    snprintf(sec, sizeof sec, "%s: de gemeenten naast elkaar", th->label);
    /* panels in rows of three: 72 mm a row, with the legend under them */
    size_t cols = c->ngm <= 3 ? c->ngm : (size_t)ceil(sqrt((double)c->ngm));
    double ph = 72 * WS_MM * (double)((c->ngm + cols - 1) / cols);
    ph = fmin(ph, ws__doc_bottom(d) - d->mt - 80 * WS_MM);
    if (s == WS_OK)
        s = ws__doc_need(d, ph + 80 * WS_MM);
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, sec);
    fig_arg p = {t, ALL, 0};
    snprintf(name, sizeof name, "%s-gemeenten", th->name);
    if (s == WS_OK)
        s = ws__doc_need(d, ph);
    ws_box pb = {d->ml, d->y, ws__doc_width(d), ph, 0};
    if (s == WS_OK)
        s = fig_panels(R, d->r, pb, &p);
    d->y += ph + 3 * WS_MM;
    if (s == WS_OK && R->final && R->opt->figures_dir) {
        fig_arg pl = {t, ALL, 62 * WS_MM};
        s = export_figure(R, name, fig_panels, &pl, 800, 400);
    }
    double lh = 0;
    double lw = 70 * WS_MM;
    if (s == WS_OK)
        s = ws__fig_legend(c, &R->tm[t], d->r, d->ml, d->y, lw, &lh);
    /* next to the legend: how to read it */
    char how[900];
    snprintf(how, sizeof how,
             "De kaarten hebben dezelfde schaal en dezelfde klassen: een "
             "kleur betekent in elke gemeente hetzelfde cijfer. De klassen "
             "zijn berekend over alle gescoorde %s van %s samen. Gearceerde "
             "%s hebben geen cijfer; de reden staat in de legenda.",
             unit_plural(R), R->names, unit_plural(R));
    ws_box hb;
    if (s == WS_OK)
        s = d->r->text(d->r, how, d->ml + lw + 8 * WS_MM, d->y, &d->body,
                       ws__doc_width(d) - lw - 8 * WS_MM, &hb);
    d->y += fmax(lh, hb.h) + 4 * WS_MM;
    snprintf(sec, sizeof sec, "%s per wijk", th->label);
    double bh = 0;
    for (size_t g = 0; g < c->ngm; g++) {
        size_t n = 0;
        for (size_t w = 0; w < c->nwijken; w++)
            n += c->wijken[w].g == g;
        bh = fmax(bh, 6.4 * (double)n + 42);
    }
    bh = fmin(bh, ws__doc_bottom(d) - d->mt - 20 * WS_MM);
    /* the heading stays with its chart */
    if (s == WS_OK)
        s = ws__doc_need(d, bh + 22 * WS_MM);
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, sec);
    snprintf(name, sizeof name, "%s-wijken", th->name);
    if (s == WS_OK)
        s = place_captioned(R, name, fig_bars, &a, bh, 780, bh + 40,
                            "Het eigen cijfer van elke wijk, de sterkste "
                            "boven; de stippellijn is het gemiddelde van de "
                            "regio.");
    return s;
}

/* --- gemeenten ----------------------------------------------------------- */

static ws_status gemeente_chapter(rep *R, size_t g) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    ws_status s = ws__doc_heading(d, 0, c->gmname[g]);
    size_t n = 0, scored_any = 0;
    double w = 0;
    for (size_t i = 0; i < c->nunits; i++) {
        const ws_cmp_unit *u = &c->units[i];
        if (u->g != g)
            continue;
        n++;
        w += isnan(u->woningen) ? 0 : u->woningen;
        bool any = false;
        for (size_t t = 0; t < c->nthemes; t++)
            any = any || !isnan(u->score[t]);
        scored_any += any;
    }
    char buf[3000], nw[32];
    num(w, 0, nw, sizeof nw);
    size_t o = (size_t)snprintf(buf, sizeof buf,
                                "%s (%s) telt %zu %s met samen %s woningen.",
                                c->gmname[g], c->gm[g], n, unit_plural(R), nw);
    if (scored_any == 0)
        o +=
            (size_t)snprintf(buf + o, sizeof buf - o,
                             " Geen enkele %s van %s heeft een geldige "
                             "score voor een thema: er is niets te "
                             "vergelijken. De kaarten tonen waarom (zie ook "
                             "Datakwaliteit).",
                             ws__cmp_level_word(c->level, false), c->gmname[g]);
    if (s == WS_OK)
        s = ws__doc_text(d, buf, &d->body, 2 * WS_MM);
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++) {
        const ws_cmp_stat *st = ws__cmp_stat(c, t, g);
        const ws_cmp_stat *rg = ws__cmp_stat(c, t, c->ngm);
        char m[32], r[32], md[32], a[32], b[32];
        num(st->mean, 1, m, sizeof m);
        num(rg->mean, 1, r, sizeof r);
        num(st->median, 1, md, sizeof md);
        if (st->n_scored == 0)
            snprintf(buf, sizeof buf,
                     "• %s: geen gescoorde %s (%zu zonder cijfer).",
                     c->themes[t].label, unit_plural(R), st->n_unscored);
        else {
            o = (size_t)snprintf(buf, sizeof buf,
                                 "• %s: gemiddeld %s (regio %s), mediaan %s; "
                                 "%zu van de %zu %s gescoord.",
                                 c->themes[t].label, m, r, md, st->n_scored,
                                 st->n_scored + st->n_unscored, unit_plural(R));
            if (st->best >= 0 && o < sizeof buf) {
                num(c->wijken[st->best].score[t], 1, a, sizeof a);
                num(c->wijken[st->worst].score[t], 1, b, sizeof b);
                snprintf(buf + o, sizeof buf - o,
                         " Sterkste wijk %s (%s), zwakste %s (%s).",
                         wijk_name(c, st->best), a, wijk_name(c, st->worst), b);
            }
        }
        s = ws__doc_text(d, buf, &d->body, 1.2 * WS_MM);
    }
    d->y += 2 * WS_MM;
    char name[64];
    snprintf(name, sizeof name, "gemeente-%s", c->gm[g]);
    fig_arg a = {0, g, 0};
    double h = ws__doc_bottom(d) - d->y - 2 * WS_MM;
    if (h < 150 * WS_MM)
        h = 200 * WS_MM;
    if (s == WS_OK)
        s = place(R, name, fig_gemeente, &a, h, 800, 560);
    return s;
}

/* --- data quality -------------------------------------------------------- */

static const char *flag_text(const char *flag) {
    if (!flag)
        return "geen gegevens";
    if (strcmp(flag, "te_weinig") == 0)
        return "te weinig woningen of inwoners";
    if (strcmp(flag, "onvoldoende_dekking") == 0)
        return "te weinig indicatoren met een waarde";
    if (strcmp(flag, "geen_gegevens") == 0)
        return "geen gegevens";
    return flag;
}

static ws_status quality(rep *R) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    ws_status s = ws__doc_heading(d, 0, "Datakwaliteit");
    const char *tot = ws__cmp_meta(c, "woningen");
    const char *out = ws__cmp_meta(c, "woningen_buiten_buurten");
    const char *rep_ = ws__cmp_meta(c, "ongeldige_polygonen_hersteld");
    const char *water = ws__cmp_meta(c, "waterregios_verwijderd");
    char buf[1600], a[32], b[32];
    num(tot ? strtod(tot, NULL) : NAN, 0, a, sizeof a);
    num(out ? strtod(out, NULL) : NAN, 0, b, sizeof b);
    snprintf(buf, sizeof buf,
             "De berekening telt %s woningen; %s daarvan liggen buiten alle "
             "buurten en tellen in geen enkele buurt mee. %s ongeldige "
             "polygonen zijn hersteld en %s waterbuurten weggelaten. Een "
             "ontbrekende waarde is nooit nul: ze staat leeg in de "
             "GeoPackage, met haar reden in de tabel ontbrekende_waarden.",
             a, b, rep_ ? rep_ : "–", water ? water : "–");
    if (s == WS_OK)
        s = ws__doc_text(d, buf, &d->body, 3 * WS_MM);
    /* unscored per gemeente and theme */
    if (s == WS_OK) {
        snprintf(buf, sizeof buf, "%s zonder cijfer", unit_plural(R));
        buf[0] = (char)(buf[0] - 'a' + 'A');
        s = ws__doc_heading(d, 1, buf);
    }
    size_t nc = c->nthemes + 1, nr = c->ngm;
    char(*cell)[96] = ws__calloc(R->ctx, nr * nc + nc, sizeof *cell);
    const char **cells = ws__calloc(R->ctx, nr * nc + nc, sizeof *cells);
    const char **head = ws__calloc(R->ctx, nc, sizeof *head);
    double *wid = ws__calloc(R->ctx, nc, sizeof *wid);
    ws_align *al = ws__calloc(R->ctx, nc, sizeof *al);
    if (s == WS_OK && !(cell && cells && head && wid && al))
        s = WS_ERR_NOMEM;
    for (size_t g = 0; s == WS_OK && g < nr; g++) {
        snprintf(cell[g * nc], 96, "%s", c->gmname[g]);
        for (size_t t = 0; t < c->nthemes; t++) {
            const ws_cmp_stat *st = ws__cmp_stat(c, t, g);
            num(st->w_unscored, 0, a, sizeof a);
            snprintf(cell[g * nc + t + 1], 96, "%zu van %zu (%s woningen)",
                     st->n_unscored, st->n_scored + st->n_unscored, a);
        }
        for (size_t k = 0; k < nc; k++)
            cells[g * nc + k] = cell[g * nc + k];
    }
    if (s == WS_OK) {
        head[0] = "Gemeente";
        wid[0] = 0.2;
        al[0] = WS_ALIGN_LEFT;
        for (size_t t = 0; t < c->nthemes; t++) {
            head[t + 1] = c->themes[t].label;
            wid[t + 1] = 0.8 / (double)c->nthemes;
            al[t + 1] = WS_ALIGN_LEFT;
        }
        ws_doc_table tb = {nc, head, wid, al, cells, nr, NULL};
        s = ws__doc_table(d, &tb);
    }
    ws__free(R->ctx, cell);
    ws__free(R->ctx, cells);
    ws__free(R->ctx, head);
    ws__free(R->ctx, wid);
    ws__free(R->ctx, al);
    /* the regions without a mark, with the reason per theme */
    size_t nlist = 0;
    for (size_t i = 0; i < c->nunits; i++)
        for (size_t t = 0; t < c->nthemes; t++)
            if (isnan(c->units[i].score[t])) {
                nlist++;
                break;
            }
    if (s == WS_OK && nlist) {
        snprintf(buf, sizeof buf,
                 "Deze %zu %s hebben voor ten minste één thema geen cijfer "
                 "(vlag in de kolom score_<thema>_vlag):",
                 nlist, unit_plural(R));
        s = ws__doc_text(d, buf, &d->body, 2 * WS_MM);
    }
    size_t lc = 4;
    char(*lcell)[200] = ws__calloc(R->ctx, nlist * lc + 1, sizeof *lcell);
    const char **lcells = ws__calloc(R->ctx, nlist * lc + 1, sizeof *lcells);
    if (s == WS_OK && !(lcell && lcells))
        s = WS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; s == WS_OK && i < c->nunits; i++) {
        const ws_cmp_unit *u = &c->units[i];
        size_t o = 0;
        char *why = lcell[k * lc + 3];
        for (size_t t = 0; t < c->nthemes && o < 200; t++)
            if (isnan(u->score[t]))
                o += (size_t)snprintf(why + o, 200 - o, "%s%s: %s",
                                      o ? "; " : "", c->themes[t].name,
                                      flag_text(u->flag[t]));
        if (o == 0)
            continue;
        snprintf(lcell[k * lc], 200, "%s", u->code ? u->code : "");
        snprintf(lcell[k * lc + 1], 200, "%s", u->name ? u->name : "");
        snprintf(lcell[k * lc + 2], 200, "%s", c->gmname[u->g]);
        for (size_t j = 0; j < lc; j++)
            lcells[k * lc + j] = lcell[k * lc + j];
        k++;
    }
    if (s == WS_OK && k) {
        static const char *const lh[] = {"Code", "Naam", "Gemeente",
                                         "Waarom geen cijfer"};
        static const double lw[] = {0.14, 0.24, 0.15, 0.47};
        ws_doc_table tb = {lc, lh, lw, NULL, lcells, k, NULL};
        s = ws__doc_table(d, &tb);
    }
    ws__free(R->ctx, lcell);
    ws__free(R->ctx, lcells);
    /* missing values by reason */
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, "Ontbrekende waarden naar reden");
    char reasons[16][48], expl[16][160];
    size_t nval[16] = {0}, nreg[16] = {0}, nreasons = 0;
    for (size_t i = 0; i < c->nmiss; i++) {
        const ws_cmp_missing *m = &c->miss[i];
        if (!m->reden)
            continue;
        size_t j = 0;
        while (j < nreasons && strcmp(reasons[j], m->reden) != 0)
            j++;
        if (j == nreasons) {
            if (nreasons == 16)
                continue;
            snprintf(reasons[j], sizeof reasons[j], "%s", m->reden);
            snprintf(expl[j], sizeof expl[j], "%s",
                     m->toelichting ? m->toelichting : "");
            nreasons++;
        }
        nval[j]++;
        bool seen = false;
        for (size_t p = 0; p < i && !seen; p++)
            seen = c->miss[p].reden && c->miss[p].code && m->code &&
                   strcmp(c->miss[p].reden, m->reden) == 0 &&
                   strcmp(c->miss[p].code, m->code) == 0;
        nreg[j] += !seen;
    }
    if (s == WS_OK) {
        snprintf(buf, sizeof buf,
                 "Uit de tabel ontbrekende_waarden, voor de %s van %s: elke "
                 "kolom zonder waarde telt één keer.",
                 unit_plural(R), R->names);
        s = ws__doc_text(d, buf, &d->body, 2 * WS_MM);
    }
    char(*mcell)[160] = ws__calloc(R->ctx, 16 * 4, sizeof *mcell);
    const char *mcells[16 * 4];
    if (s == WS_OK && !mcell)
        s = WS_ERR_NOMEM;
    for (size_t j = 0; s == WS_OK && j < nreasons; j++) {
        snprintf(mcell[j * 4], 160, "%.47s", reasons[j]);
        snprintf(mcell[j * 4 + 1], 160, "%.159s", expl[j]);
        snprintf(mcell[j * 4 + 2], 160, "%zu", nreg[j]);
        snprintf(mcell[j * 4 + 3], 160, "%zu", nval[j]);
        for (size_t q = 0; q < 4; q++)
            mcells[j * 4 + q] = mcell[j * 4 + q];
    }
    if (s == WS_OK && nreasons) {
        static const char *const mh[] = {"Reden", "Toelichting", "Gebieden",
                                         "Waarden"};
        static const double mw[] = {0.2, 0.56, 0.12, 0.12};
        static const ws_align ma[] = {WS_ALIGN_LEFT, WS_ALIGN_LEFT,
                                      WS_ALIGN_RIGHT, WS_ALIGN_RIGHT};
        ws_doc_table tb = {4, mh, mw, ma, mcells, nreasons, NULL};
        s = ws__doc_table(d, &tb);
    }
    ws__free(R->ctx, mcell);
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, "Welke gegevens uit welk bestand");
    if (s == WS_OK)
        s = ws__doc_text(d,
                         "De grenzen en buurtstatistiek komen uit de CBS Wijk- "
                         "en Buurtkaart, de woningen uit de BAG (woonfunctie, "
                         "in gebruik), de afstanden uit de voorzieningen, de "
                         "leeftijds-, huishoud- en eigendomscijfers uit de CBS "
                         "Kerncijfers wijken en buurten. Het jaar staat in de "
                         "bestandsnaam:",
                         &d->body, 2 * WS_MM);
    if (s == WS_OK)
        s = inputs_table(R);
    const char *rule = ws__cmp_meta(c, "bag_woningregel");
    if (s == WS_OK && rule) {
        snprintf(buf, sizeof buf, "Woningregel: %s.", rule);
        s = ws__doc_text(d, buf, &d->note, 2 * WS_MM);
    }
    return s;
}

/* --- method and appendix ---------------------------------------------------
 */

static const char *direction_text(const char *r) {
    if (!r)
        return "";
    if (strcmp(r, "hoger_beter") == 0)
        return "hoger is beter";
    if (strcmp(r, "lager_beter") == 0)
        return "lager is beter";
    if (strcmp(r, "context") == 0)
        return "context (niet gescoord)";
    return r;
}

/* "threshold (slecht 0, goed 1)" → "drempels (slecht 0, goed 1)". */
static void dutch_normalisation(const char *n, char *buf, size_t size) {
    static const char *const words[][2] = {{"threshold", "drempels"},
                                           {"minmax", "min–max"},
                                           {"zscore", "z-score"},
                                           {"percentile", "percentiel"}};
    buf[0] = '\0';
    if (!n)
        return;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t k = strlen(words[i][0]);
        if (strncmp(n, words[i][0], k) == 0) {
            snprintf(buf, size, "%s%s", words[i][1], n + k);
            /* decimal points of the anchors read with a comma */
            for (char *p = buf; *p; p++)
                if (*p == '.' && p > buf && p[-1] >= '0' && p[-1] <= '9' &&
                    p[1] >= '0' && p[1] <= '9')
                    *p = ',';
            return;
        }
    }
    snprintf(buf, size, "%s", n);
}

static bool is_theme_row(const ws_cmp *c, const ws_cmp_indicator *in) {
    for (size_t t = 0; in->kolom && t < c->nthemes; t++)
        if (strcmp(c->themes[t].column, in->kolom) == 0)
            return true;
    return in->kolom && strncmp(in->kolom, "score_", 6) == 0;
}

/* Indicator rows of theme t (columns: see the callers). */
static ws_status indicator_table(rep *R, size_t t, bool full) {
    ws_cmp *c = &R->c;
    size_t nc = full ? 5 : 4, n = 0;
    for (size_t i = 0; i < c->nind; i++)
        n += c->ind[i].thema &&
             strcmp(c->ind[i].thema, c->themes[t].name) == 0 &&
             !is_theme_row(c, &c->ind[i]);
    if (n == 0)
        return ws__doc_text(&R->d,
                            "Dit thema combineert de andere thema's (zie "
                            "hieronder).",
                            &R->d.body, 2 * WS_MM);
    char(*cell)[700] = ws__calloc(R->ctx, n * nc, sizeof *cell);
    const char **cells = ws__calloc(R->ctx, n * nc, sizeof *cells);
    ws_status s = cell && cells ? WS_OK : WS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; s == WS_OK && i < c->nind; i++) {
        const ws_cmp_indicator *in = &c->ind[i];
        if (!in->thema || strcmp(in->thema, c->themes[t].name) != 0 ||
            is_theme_row(c, in))
            continue;
        char w[32];
        num(in->gewicht,
            isnan(in->gewicht) || in->gewicht == floor(in->gewicht) ? 0 : 1, w,
            sizeof w);
        char(*row)[700] = cell + k * nc;
        snprintf(row[0], 700, "%s", in->label ? in->label : in->kolom);
        if (full) {
            snprintf(row[1], 700, "%s", in->definitie ? in->definitie : "");
            snprintf(row[2], 700, "%s", in->eenheid ? in->eenheid : "");
            snprintf(row[3], 700, "%s", direction_text(in->richting));
            snprintf(row[4], 700, "%s", w);
        } else {
            snprintf(row[1], 700, "%s", direction_text(in->richting));
            dutch_normalisation(in->normalisatie, row[2], 700);
            snprintf(row[3], 700, "%s", w);
        }
        for (size_t j = 0; j < nc; j++)
            cells[k * nc + j] = row[j];
        k++;
    }
    static const char *const hf[] = {"Indicator", "Definitie", "Eenheid",
                                     "Richting", "Gewicht"};
    static const double wf[] = {0.22, 0.48, 0.1, 0.12, 0.08};
    static const ws_align af[] = {WS_ALIGN_LEFT, WS_ALIGN_LEFT, WS_ALIGN_LEFT,
                                  WS_ALIGN_LEFT, WS_ALIGN_RIGHT};
    static const char *const hm[] = {"Indicator", "Richting", "Normalisatie",
                                     "Gewicht"};
    static const double wm[] = {0.38, 0.2, 0.32, 0.1};
    static const ws_align am[] = {WS_ALIGN_LEFT, WS_ALIGN_LEFT, WS_ALIGN_LEFT,
                                  WS_ALIGN_RIGHT};
    ws_doc_table tb = {
        nc, full ? hf : hm, full ? wf : wm, full ? af : am, cells, k, NULL};
    if (s == WS_OK)
        s = ws__doc_table(&R->d, &tb);
    ws__free(R->ctx, cell);
    ws__free(R->ctx, cells);
    return s;
}

static const char *method_name(const ws_cmp *c) {
    ws_classify_options co;
    ws__map_classify_options(&c->mopt, &c->style, &co);
    switch (co.method) {
    case WS_CLASS_QUANTILE:
        return "kwantielen (ongeveer even veel gebieden per klasse)";
    case WS_CLASS_EQUAL_INTERVAL:
        return "gelijke intervallen";
    case WS_CLASS_FISHER_JENKS:
        return "natuurlijke grenzen (Fisher–Jenks)";
    case WS_CLASS_PRETTY:
        return "ronde grenzen";
    case WS_CLASS_HEAD_TAIL:
        return "head/tail-grenzen";
    case WS_CLASS_STDDEV:
        return "standaardafwijkingen";
    default:
        return "vaste grenzen";
    }
}

static ws_status method(rep *R) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    ws_status s = ws__doc_heading(d, 0, "Methode");
    const char *ref = ws__cmp_meta(c, "referentiekader");
    const char *minw = ws__cmp_meta(c, "minimum_woningen");
    const char *mini = ws__cmp_meta(c, "minimum_inwoners");
    const char *dist = ws__cmp_meta(c, "afstandsmaat");
    const char *reftext =
        !ref                           ? "de buurten van de berekening"
        : strcmp(ref, "regio") == 0    ? "alle buurten van de regio samen"
        : strcmp(ref, "gemeente") == 0 ? "de buurten van dezelfde gemeente"
                                       : "alle buurten in de invoerbestanden";
    char buf[2400];
    snprintf(buf, sizeof buf,
             "Elk thema bundelt indicatoren. Iedere indicator wordt eerst "
             "genormaliseerd naar 0 (slechtst) tot 1 (best), met de richting "
             "van de indicator (hoger of lager is beter) en een vaste "
             "normalisatie: drempels (een slechte en een goede waarde), "
             "min–max, z-score of percentiel. Referentiekader: %s. Het "
             "themacijfer is het gewogen gemiddelde van de indicatoren met een "
             "waarde, omgerekend naar een rapportcijfer: 1 + 9 × score. Een "
             "gebied krijgt alleen een cijfer als genoeg gewicht een waarde "
             "heeft (de minimale dekking) en als het minstens %s woningen en "
             "%s inwoners telt. Afstanden zijn %s gemeten vanaf elke woning.",
             reftext, minw ? minw : "10", mini ? mini : "10",
             dist ? dist : "hemelsbreed");
    if (s == WS_OK)
        s = ws__doc_text(d, buf, &d->body, 3 * WS_MM);
    ws_classify_options co;
    ws__map_classify_options(&c->mopt, &c->style, &co);
    snprintf(buf, sizeof buf,
             "Kaarten en de kolom ‘woningen in laagste klasse’ gebruiken per "
             "thema één indeling in %zu klassen, %s, berekend over alle "
             "gescoorde %s van %s samen (gepoolde klassen), zodat een kleur "
             "in elke gemeente hetzelfde betekent. Kleuren: ColorBrewer %s, "
             "kleurenblindveilig; beter en slechter staan er altijd in woorden "
             "bij. Gemiddelden zijn gewogen naar het aantal woningen; de "
             "mediaan telt elke %s één keer.",
             co.k, method_name(c), unit_plural(R), R->names,
             c->style.palette_diverging, ws__cmp_level_word(c->level, false));
    if (s == WS_OK)
        s = ws__doc_text(d, buf, &d->body, 3 * WS_MM);
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++) {
        s = ws__doc_heading(d, 1, c->themes[t].label);
        if (s == WS_OK && c->themes[t].normalisation) {
            snprintf(buf, sizeof buf, "Cijfer: %s.",
                     c->themes[t].normalisation);
            s = ws__doc_text(d, buf, &d->note, 1.5 * WS_MM);
        }
        if (s == WS_OK && R->composite[t]) {
            size_t o = (size_t)snprintf(buf, sizeof buf,
                                        "Samengesteld uit de thema's:");
            for (size_t i = 0; i < c->nind && o < sizeof buf; i++)
                if (c->ind[i].bron &&
                    strcmp(c->ind[i].bron, c->themes[t].name) == 0)
                    o += (size_t)snprintf(
                        buf + o, sizeof buf - o, " %s (gewicht %g);",
                        c->ind[i].label ? c->ind[i].label : c->ind[i].kolom,
                        isnan(c->ind[i].gewicht) ? 1.0 : c->ind[i].gewicht);
            if (o > 0 && o < sizeof buf && buf[o - 1] == ';')
                buf[o - 1] = '.';
            s = ws__doc_text(d, buf, &d->body, 2 * WS_MM);
        } else if (s == WS_OK)
            s = indicator_table(R, t, false);
    }
    if (s == WS_OK)
        s = ws__doc_heading(d, 1, "Bronnen en verwijzingen");
    const char *bron = ws__cmp_meta(c, "bronvermelding");
    const char *hash = ws__cmp_meta(c, "configuratie_hash");
    const char *ver = ws__cmp_meta(c, "wijkscan_versie");
    snprintf(
        buf, sizeof buf,
        "• %s.\n"
        "• CBS, Kerncijfers wijken en buurten en Wijk- en Buurtkaart.\n"
        "• Kadaster, Basisregistratie Adressen en Gebouwen (BAG).\n"
        "• OECD/JRC (2008), Handbook on Constructing Composite Indicators: "
        "normalisatie, weging en onzekerheid van samengestelde "
        "indicatoren.\n"
        "• C. A. Brewer, ColorBrewer-kleurenschema’s (Apache-2.0).\n"
        "• wijkscan %s, configuratie %s: dezelfde GeoPackage geeft "
        "hetzelfde rapport.",
        bron ? bron : "Bronvermelding niet vastgelegd", ver ? ver : "?",
        hash ? hash : "?");
    if (s == WS_OK)
        s = ws__doc_text(d, buf, &d->body, 2 * WS_MM);
    return s;
}

static ws_status appendix(rep *R) {
    ws_doc *d = &R->d;
    ws_cmp *c = &R->c;
    ws_status s = ws__doc_heading(d, 0, "Bijlage: de indicatoren");
    if (s == WS_OK)
        s = ws__doc_text(d,
                         "Alle indicatoren zoals ze in de GeoPackage zijn "
                         "vastgelegd (tabel wijkscan_indicatoren), per thema. "
                         "Contextindicatoren tellen niet mee in het cijfer.",
                         &d->body, 2 * WS_MM);
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++) {
        if (R->composite[t])
            continue;
        s = ws__doc_heading(d, 1, c->themes[t].label);
        if (s == WS_OK)
            s = indicator_table(R, t, true);
    }
    return s;
}

/* --- the document ----------------------------------------------------------
 */

static ws_status compose(rep *R) {
    ws_status s = cover(R);
    if (s == WS_OK)
        s = contents(R);
    if (s == WS_OK)
        s = summary(R);
    for (size_t t = 0; s == WS_OK && t < R->c.nthemes; t++)
        s = theme_chapter(R, t);
    for (size_t g = 0; s == WS_OK && g < R->c.ngm; g++)
        s = gemeente_chapter(R, g);
    if (s == WS_OK)
        s = quality(R);
    if (s == WS_OK)
        s = method(R);
    if (s == WS_OK && R->c.nind)
        s = appendix(R);
    return s;
}

static ws_status prepare(rep *R) {
    ws_cmp *c = &R->c;
    R->tm = ws__calloc(R->ctx, c->nthemes, sizeof *R->tm);
    R->composite = ws__calloc(R->ctx, c->nthemes, sizeof *R->composite);
    if (!R->tm || !R->composite)
        return WS_ERR_NOMEM;
    for (size_t t = 0; t < c->nthemes; t++)
        for (size_t i = 0; i < c->nind; i++)
            if (c->ind[i].bron &&
                strcmp(c->ind[i].bron, c->themes[t].name) == 0)
                R->composite[t] = true;
    ws_status s = WS_OK;
    for (size_t t = 0; s == WS_OK && t < c->nthemes; t++)
        s = ws__theme_maps_open(c, t, NULL, &R->tm[t]);
    const char *rn = R->opt->region_name ? R->opt->region_name
                                         : ws__cmp_meta(c, "regionaam");
    ws__cmp_join_names((const char *const *)c->gmname, c->ngm, R->names,
                       sizeof R->names);
    snprintf(R->region, sizeof R->region, "%.159s", rn ? rn : R->names);
    if (R->opt->title)
        snprintf(R->title, sizeof R->title, "%s", R->opt->title);
    else
        snprintf(R->title, sizeof R->title, "Wijkscan %s", R->region);
    ws__cmp_dutch_date(c->production_date, R->date, sizeof R->date);
    return s;
}

static void release(rep *R) {
    for (size_t t = 0; R->tm && t < R->c.nthemes; t++)
        ws__theme_maps_close(&R->tm[t]);
    ws__free(R->ctx, R->tm);
    ws__free(R->ctx, R->composite);
    ws__cmp_free(&R->c);
}

/* One pass over a renderer; the headings stay in R->d. */
static ws_status run_pass(rep *R, ws_renderer *r, size_t total_pages) {
    ws__doc_init(&R->d, R->ctx, r, &R->c.style);
    R->d.total_pages = total_pages;
    snprintf(R->d.footer, sizeof R->d.footer, "%.180s · %.60s", R->title,
             R->date[0] ? R->date : "");
    return compose(R);
}

ws_status ws_report_render(ws_ctx *ctx, const ws_report_options *opt,
                           ws_report_info *info) {
    if (!ctx || !opt)
        return WS_ERR_INVALID_ARG;
    if (info)
        memset(info, 0, sizeof *info);
    if (!opt->gpkg_path || !opt->output_path)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "report: the GeoPackage and the output are required");
    if (ws_map_format_from_path(opt->output_path) != WS_MAP_FORMAT_PDF)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "%s: the report must end in .pdf", opt->output_path);
    if (ws__map_same_file(opt->output_path, opt->gpkg_path))
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: is the input GeoPackage; refusing to overwrite "
                         "it",
                         opt->output_path);
    rep R;
    memset(&R, 0, sizeof R);
    R.ctx = ctx;
    R.opt = opt;
    ws_cmp_request req;
    memset(&req, 0, sizeof req);
    req.gpkg_path = opt->gpkg_path;
    req.gemeenten = opt->gemeenten;
    req.n_gemeenten = opt->n_gemeenten;
    req.level = WS_LEVEL_BUURT;
    req.style_path = opt->style_path;
    req.method = opt->method;
    req.classes = opt->classes;
    req.details = true;
    ws_status s = ws__cmp_load(ctx, &req, &R.c);
    if (s != WS_OK)
        return s;
    s = prepare(&R);
    double W = 210 * WS_MM, H = 297 * WS_MM;
    /* pass 1: where every heading lands */
    ws_renderer *rec = NULL;
    size_t pages = 0;
    ws_doc_heading *toc = NULL;
    size_t ntoc = 0;
    if (s == WS_OK)
        s = ws__render_record_new(ctx, W, H, 1, &rec);
    if (s == WS_OK)
        s = run_pass(&R, rec, 0);
    if (s == WS_OK) {
        pages = R.d.page;
        toc = R.d.heads;
        ntoc = R.d.nheads;
        R.d.heads = NULL;
    }
    ws__doc_free(&R.d);
    if (rec)
        rec->destroy(rec);
    /* pass 2: the PDF */
    ws_outfile of;
    bool have_of = false;
    if (s == WS_OK) {
        s = ws__outfile_begin(ctx, NULL, opt->output_path, &of);
        have_of = s == WS_OK;
    }
    ws_renderer *r = NULL;
    if (s == WS_OK) {
        ws_cairo_options co;
        memset(&co, 0, sizeof co);
        co.format = WS_RENDER_PDF;
        co.width_pt = W;
        co.height_pt = H;
        co.path = of.tmp;
        co.title = R.title;
        co.creator = "wijkscan " WS_VERSION_STRING;
        char iso[40];
        if (R.c.production_date) {
            snprintf(iso, sizeof iso, "%sZ", R.c.production_date);
            co.date_iso = iso;
        }
        co.background = R.c.style.background;
        s = ws__render_cairo_new(ctx, &co, &r);
    }
    if (s == WS_OK) {
        R.final = true;
        R.toc = toc;
        R.ntoc = ntoc;
        s = run_pass(&R, r, pages);
        if (s == WS_OK && R.d.page != pages)
            s = ws__error(ctx, WS_ERR_RENDER,
                          "report: the two passes disagree (%zu and %zu "
                          "pages)",
                          pages, R.d.page);
    }
    if (s == WS_OK)
        s = r->finish(r);
    if (r)
        r->destroy(r);
    ws__doc_free(&R.d);
    ws__free(ctx, toc);
    if (have_of) {
        if (s == WS_OK)
            s = ws__outfile_commit(ctx, &of);
        else
            ws__outfile_abort(&of);
    }
    if (s == WS_OK && info) {
        info->pages = pages;
        info->figures = R.figures;
    }
    release(&R);
    return ws__status_or(ctx, s);
}
