/* The compare and report module: what both read from a wijkscan GeoPackage
 * (report_data.c: the scored regions, themes, the comparison statistics,
 * metadata, inputs, missing values, indicator descriptions), the small
 * multiples and charts they share (report_figures.c), a small document
 * layer for multi-page PDFs (report_doc.c), the compare command
 * (compare.c) and the report (report.c). Never installed. */
#ifndef WS_REPORT_INTERNAL_H
#define WS_REPORT_INTERNAL_H

#include "../chart/chart.h"
#include "../map/map_internal.h"
#include "wijkscan/report.h"

/* A region of the compared level (or a wijk, for best and weakest). */
typedef struct ws_cmp_unit {
    char *code, *name, *wijkcode, *wijknaam, *gm;
    size_t g;        /* index of its gemeente among the compared */
    double woningen; /* NaN when missing */
    double *score;   /* per theme; NaN = not scored */
    char **flag;     /* per theme; NULL when absent */
} ws_cmp_unit;

typedef struct ws_cmp_theme {
    char *name;   /* "gezond" */
    char *column; /* "score_gezond" */
    char *label;  /* "De gezonde wijk" */
    char *definition, *normalisation;
} ws_cmp_theme;

/* One cell of the comparison table (see wijkscan/report.h). */
typedef struct ws_cmp_stat {
    size_t n_scored, n_unscored;
    double w_scored, w_unscored;
    double mean, median, min, max;
    double low_share; /* share of dwellings in the lowest class */
    long best, worst; /* index into wijken, -1 none */
    double diff;      /* mean − regional mean */
} ws_cmp_stat;

typedef struct ws_cmp_kv {
    char *key, *value;
} ws_cmp_kv;

/* A row of wijkscan_invoer. */
typedef struct ws_cmp_input {
    char *rol, *bestand, *laag, *gewijzigd;
    double objecten;
} ws_cmp_input;

/* A row of wijkscan_indicatoren. */
typedef struct ws_cmp_indicator {
    char *kolom, *thema, *label, *definitie, *eenheid, *richting, *normalisatie,
        *bron;
    double gewicht; /* NaN when empty */
} ws_cmp_indicator;

/* Missing values of the compared level, by code: the reasons per column. */
typedef struct ws_cmp_missing {
    char *code, *kolom, *reden, *toelichting;
} ws_cmp_missing;

typedef struct ws_cmp {
    ws_ctx *ctx;
    const char *path;
    ws_level level;
    ws_map_style style;
    ws_map_options mopt; /* base map options (per theme: column) */
    ws_cmp_theme *themes;
    size_t nthemes;
    char **gm, **gmname; /* compared gemeenten, in order */
    size_t ngm;
    const char **gm_list; /* borrowed pointers to gm, for map options */
    ws_cmp_unit *units;   /* regions of the level in the compared gemeenten */
    size_t nunits, capunits;
    ws_cmp_unit *wijken; /* wijken of the compared gemeenten */
    size_t nwijken, capwijken;
    ws_classes **classes; /* per theme, pooled */
    ws_cmp_stat *stat;    /* [t * (ngm + 1) + g]; g == ngm: the region */
    ws_cmp_kv *meta;
    size_t nmeta, capmeta;
    ws_cmp_input *inputs;
    size_t ninputs, capinputs;
    ws_cmp_indicator *ind;
    size_t nind, capind;
    ws_cmp_missing *miss;
    size_t nmiss, capmiss;
    char *production_date; /* "YYYY-MM-DDTHH:MM:SS" */
} ws_cmp;

typedef struct ws_cmp_request {
    const char *gpkg_path;
    const char *const *gemeenten;
    size_t n_gemeenten;
    const char *const *themes;
    size_t n_themes;
    ws_level level;
    const char *style_path;
    int method;
    size_t classes;
    bool details; /* also inputs, indicators and missing values (report) */
} ws_cmp_request;

/* report_data.c */
ws_status ws__cmp_load(ws_ctx *ctx, const ws_cmp_request *req, ws_cmp *c);
void ws__cmp_free(ws_cmp *c);
const ws_cmp_stat *ws__cmp_stat(const ws_cmp *c, size_t theme, size_t g);
const char *ws__cmp_meta(const ws_cmp *c, const char *key);
/* Write the comparison table as CSV to an open file. */
ws_status ws__cmp_write_csv(ws_cmp *c, const char *path);
/* Map options for theme t (column, gemeenten, pooled over all compared). */
void ws__cmp_map_options(const ws_cmp *c, size_t t, ws_map_options *o);
/* Dutch: "Borger-Odoorn, Coevorden en Emmen". */
void ws__cmp_join_names(const char *const *names, size_t n, char *buf,
                        size_t size);
/* Level words: "buurt"/"buurten". */
const char *ws__cmp_level_word(ws_level l, bool plural);
/* "23 november 2026" from ISO 8601, or "". */
void ws__cmp_dutch_date(const char *iso, char *buf, size_t size);
/* Number with a decimal comma (U+2212 minus). */
void ws__cmp_num(double v, int decimals, char *buf, size_t size);

/* report_figures.c: figures drawn into a box on any renderer */
typedef struct ws_fig_ctx {
    ws_cmp *c;
    ws_renderer *r;
} ws_fig_ctx;

/* One theme's prepared maps: the data and the page holding classes and
 * colours, shared by all panels. */
typedef struct ws_theme_maps {
    ws_map_options o;
    ws_map_data d;
    ws_map_page p;
    bool ready;
} ws_theme_maps;

ws_status ws__theme_maps_open(ws_cmp *c, size_t t, ws_renderer *r,
                              ws_theme_maps *tm);
void ws__theme_maps_close(ws_theme_maps *tm);
/* Small multiples of theme t in the box: one panel per gemeente with its
 * name, the same scale, one legend to the right (legend_w > 0) or none. */
ws_status ws__fig_small_multiples(ws_cmp *c, ws_theme_maps *tm, ws_renderer *r,
                                  ws_box box, double legend_w, double *scale_s);
/* One gemeente (g < ngm) or all compared in one map frame, with the legend
 * (counting the regions shown), scale bar and north arrow to the right. */
ws_status ws__fig_area_map(ws_cmp *c, ws_theme_maps *tm, size_t g,
                           ws_renderer *r, ws_box box, double legend_w);
/* Gemeente g for one theme in a column: the theme as title, the map
 * (map_h high), its scale bar, and under it the legend counting the
 * gemeente's regions. */
ws_status ws__fig_gemeente_column(ws_cmp *c, ws_theme_maps *tm, size_t g,
                                  ws_renderer *r, ws_box box, double map_h);
/* The legend of all compared gemeenten at (x, y); *h its height. */
ws_status ws__fig_legend(ws_cmp *c, ws_theme_maps *tm, ws_renderer *r, double x,
                         double y, double w, double *h);
/* Strip plot of the marks per gemeente (dots in class colours, weighted
 * mean and median marked, the regional mean as a reference line). */
ws_status ws__fig_strip(ws_cmp *c, ws_theme_maps *tm, ws_renderer *r,
                        ws_box box);
/* Bars of the wijk marks of gemeente g, best on top. */
ws_status ws__fig_wijk_bars(ws_cmp *c, ws_theme_maps *tm, size_t g,
                            ws_renderer *r, ws_box box);
/* Difference of each gemeente's weighted mean from the regional mean, per
 * theme. */
ws_status ws__fig_diverging(ws_cmp *c, ws_renderer *r, ws_box box);
/* The chart style from a map style. */
void ws__chart_style_from(const ws_map_style *st, ws_chart_style *cs);

/* compare.c: every theme's comparison page through a renderer. */
ws_status ws__compare_draw(ws_cmp *c, ws_renderer *r, ws_compare_info *info);

/* report_doc.c: a flowing A4 document on a renderer. Two passes give the
 * table of contents its page numbers: the first on the recording backend
 * (same text measurement), the second on Cairo's PDF surface. */
typedef struct ws_doc_heading {
    int level;
    char text[192];
    size_t page;
    double y;
} ws_doc_heading;

typedef struct ws_doc {
    ws_ctx *ctx;
    ws_renderer *r;
    const ws_map_style *st;
    double W, H, ml, mr, mt, mb;
    double y;    /* cursor, pt from the top */
    size_t page; /* 1-based */
    size_t total_pages;
    char footer[256];
    ws_doc_heading *heads;
    size_t nheads, capheads;
    ws_font title, h1, h2, body, small, th, td, note;
} ws_doc;

void ws__doc_init(ws_doc *d, ws_ctx *ctx, ws_renderer *r,
                  const ws_map_style *st);
void ws__doc_free(ws_doc *d);
/* The page's footer and number (not on page 1, the cover). */
ws_status ws__doc_footer(ws_doc *d);
ws_status ws__doc_new_page(ws_doc *d);
double ws__doc_bottom(const ws_doc *d);
double ws__doc_width(const ws_doc *d);
/* A new page unless `need` pt are left on this one. */
ws_status ws__doc_need(ws_doc *d, double need);
/* A heading (level 0: a chapter, on a new page; 1: a section), recorded
 * for the contents and the PDF outline. */
ws_status ws__doc_heading(ws_doc *d, int level, const char *text);
/* A wrapped paragraph in font f. */
ws_status ws__doc_text(ws_doc *d, const char *text, const ws_font *f,
                       double gap_after);
/* A table: header row, rows of cells (ncols each, NULL = empty), column
 * widths as fractions of the text width, alignments; rows wrap and break
 * across pages with the header repeated. */
typedef struct ws_doc_table {
    size_t ncols;
    const char *const *header;
    const double *widths;
    const ws_align *align;
    const char *const *cells; /* nrows × ncols */
    size_t nrows;
    const bool *bold; /* per row, or NULL */
} ws_doc_table;
ws_status ws__doc_table(ws_doc *d, const ws_doc_table *t);

#endif /* WS_REPORT_INTERNAL_H */
