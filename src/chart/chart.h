/* Charts drawn through the renderer vtable (src/render/), so they come out
 * in PNG, PDF and SVG like the maps and are recorded for tests: a value
 * axis with Dutch number format and gridlines, a strip (dot) plot of
 * values per row with the mean and median marked, horizontal bars ordered
 * as given, and a diverging bar chart of differences from a reference.
 * Good and bad are always written next to the axis ("beter →"), never
 * carried by colour alone. Never installed. */
#ifndef WS_CHART_H
#define WS_CHART_H

#include "../render/renderer.h"

typedef struct ws_chart_style {
    const char *family;
    ws_rgba text, muted, grid, axis, ref;
    double size; /* base font size, pt */
} ws_chart_style;

/* A value axis from lo to hi with ticks every `step`. */
typedef struct ws_chart_axis {
    double lo, hi, step;
    int decimals;
    const char *label;     /* under the axis, e.g. "rapportcijfer (1–10)" */
    const char *low_word;  /* at the low end, e.g. "slechter" */
    const char *high_word; /* at the high end, e.g. "beter" */
} ws_chart_axis;

typedef struct ws_chart_row {
    const char *label;
    const double *v; /* values; NaN skipped */
    size_t n;
    const ws_rgba *colors; /* per value, or NULL for the muted colour */
    double mean, median;   /* NaN: not marked */
    const char *note;      /* shown instead of dots when no value */
} ws_chart_row;

typedef struct ws_chart_strip {
    const ws_chart_row *rows;
    size_t nrows;
    ws_chart_axis axis;
    double ref; /* reference line (NaN none) */
    const char *ref_label, *mean_label, *median_label;
} ws_chart_strip;

ws_status ws__chart_strip(ws_renderer *r, const ws_chart_style *cs, ws_box b,
                          const ws_chart_strip *s);

typedef struct ws_chart_bars {
    const char *const *labels;
    const double *v; /* drawn top to bottom in this order; NaN: no bar */
    const ws_rgba *colors;
    size_t n;
    ws_chart_axis axis;
    double ref; /* reference line (NaN none) */
    const char *ref_label;
    const char *empty_note; /* when n == 0 or no value at all */
    int value_decimals;     /* of the numbers at the bar ends */
} ws_chart_bars;

ws_status ws__chart_bars(ws_renderer *r, const ws_chart_style *cs, ws_box b,
                         const ws_chart_bars *s);

typedef struct ws_chart_diverging {
    const char *const *groups; /* e.g. gemeenten */
    size_t ngroups;
    const char *const *items; /* e.g. themes, one bar each per group */
    size_t nitems;
    const double *v; /* [g * nitems + i]; NaN: "geen waarde" */
    ws_rgba pos, neg;
    int decimals;
    const char *pos_word, *neg_word; /* "hoger (beter)", "lager (slechter)" */
    const char *axis_label;
} ws_chart_diverging;

ws_status ws__chart_diverging(ws_renderer *r, const ws_chart_style *cs,
                              ws_box b, const ws_chart_diverging *s);

/* A round step for an axis of about `n` ticks over `range`. */
double ws__chart_nice_step(double range, int n);

#endif /* WS_CHART_H */
