/* The drawing interface of the map renderer: a small vtable that the page
 * composer (src/map/) draws through, in page coordinates (points, 1/72 inch,
 * y down). Two backends implement it:
 *  - render_cairo.c: PNG at a given DPI, vector PDF with real text, SVG;
 *  - render_record.c: records every element (fills with their colour, text
 *    with its string and device-space box, legend entries, the scale bar)
 *    so tests can assert on what was drawn.
 * Text goes through Pango in both, with hinting off, so a layout measured in
 * one backend is the layout drawn in the other. Never installed. */
#ifndef WS_RENDERER_H
#define WS_RENDERER_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "../core/core_internal.h"

typedef struct ws_rgba {
    double r, g, b, a; /* 0..1 */
} ws_rgba;

/* Hatch patterns for fills that must never look like a data class. */
typedef enum ws_hatch {
    WS_HATCH_NONE = 0,
    WS_HATCH_DIAGONAL,      /* ////// */
    WS_HATCH_BACK_DIAGONAL, /* \\\\\\ */
    WS_HATCH_CROSS,         /* ×××××× */
    WS_HATCH_HORIZONTAL,    /* ====== */
    WS_HATCH_DOTS           /* ...... */
} ws_hatch;

typedef struct ws_paint {
    bool fill;
    ws_rgba fill_color;
    ws_hatch hatch;
    ws_rgba hatch_color;
    double hatch_spacing; /* pt between lines */
    double hatch_width;   /* pt */
    bool stroke;
    ws_rgba stroke_color;
    double stroke_width; /* pt */
    double dash[4];      /* pt; ndash 0 = solid */
    int ndash;
    bool round_joins;
} ws_paint;

/* A path in page coordinates: rings of points. Closed paths are polygons
 * (filled with the even-odd rule, so holes stay open); open ones lines. */
typedef struct ws_path {
    const double *xy;       /* x0 y0 x1 y1 … */
    const size_t *ring_len; /* points per ring */
    size_t nrings;
    bool closed;
} ws_path;

typedef enum ws_align {
    WS_ALIGN_LEFT = 0,
    WS_ALIGN_CENTER,
    WS_ALIGN_RIGHT
} ws_align;

typedef struct ws_font {
    const char *family; /* fontconfig family list, "Noto Sans, DejaVu Sans" */
    double size;        /* pt */
    int weight;         /* 400 normal, 600 semibold, 700 bold */
    bool italic;
    double letter_spacing; /* pt, added between letters */
    ws_rgba color;
    double halo; /* pt of halo around the glyphs, 0 none */
    ws_rgba halo_color;
    ws_align align;  /* of the lines of a multi-line text */
    double line_gap; /* extra pt between lines */
} ws_font;

/* A box in page coordinates (points). */
typedef struct ws_box {
    double x, y, w, h;
    double baseline; /* from y to the first line's baseline */
} ws_box;

/* What an element means, for the recording backend (ignored by Cairo). */
typedef enum ws_note_kind {
    WS_NOTE_MAP_FRAME = 0,  /* box = frame; v[0..3] = world extent */
    WS_NOTE_REGION,         /* code = region code; v[0] = class (-1 missing) */
    WS_NOTE_LEGEND_CLASS,   /* text = label; v[0] = class, v[1] = count */
    WS_NOTE_LEGEND_MISSING, /* text = label; code = reason; v[1] = count */
    WS_NOTE_LEGEND_SYMBOL,  /* text = category; v[1] = count */
    WS_NOTE_SCALEBAR,       /* v[0] = metres, v[1] = length in pt */
    WS_NOTE_LABEL,          /* text = label; code = region; box = its box */
    WS_NOTE_NORTH_ARROW,    /* v[0] = rotation in degrees */
    WS_NOTE_TITLE,          /* text */
    WS_NOTE_SOURCE,         /* text */
    WS_NOTE_DATE,           /* text = production date, ISO 8601 (PDF
                               metadata) */
    WS_NOTE_OUTLINE,        /* text = bookmark; v[0] = level (0 top),
                               v[1] = target page (1-based), box.y = target
                               y on that page */
    WS_NOTE_LINK,           /* box = clickable area on this page; v[0] =
                               target page (1-based), v[1] = target y */
    WS_NOTE_FIGURE          /* text = figure name; box = its area */
} ws_note_kind;

typedef struct ws_note {
    ws_note_kind kind;
    const char *text;
    const char *code;
    double v[4];
    ws_box box;
    ws_rgba color;
} ws_note;

typedef struct ws_renderer ws_renderer;
struct ws_renderer {
    void *impl;
    ws_ctx *ctx;
    double width, height; /* page size in points */
    double px_per_pt;     /* device units per point (PNG: dpi / 72) */
    bool vector;          /* PDF or SVG: coordinates written as numbers */
    ws_status (*path)(ws_renderer *r, const ws_path *p, const ws_paint *paint);
    /* Draw `utf8` with the top-left of its logical box at (x, y); wrap at
     * max_width (pt) when > 0. *box (may be NULL) receives the box drawn. */
    ws_status (*text)(ws_renderer *r, const char *utf8, double x, double y,
                      const ws_font *f, double max_width, ws_box *box);
    /* The box the text would take, at (0, 0). */
    ws_status (*measure)(ws_renderer *r, const char *utf8, const ws_font *f,
                         double max_width, ws_box *box);
    ws_status (*clip)(ws_renderer *r, double x, double y, double w, double h);
    ws_status (*unclip)(ws_renderer *r);
    ws_status (*note)(ws_renderer *r, const ws_note *n);
    /* End the current page and start the next one of the same size (PDF;
     * the recording backend counts pages; PNG and SVG have one page). */
    ws_status (*page)(ws_renderer *r);
    /* Optional, NULL where a backend gains nothing by it (PNG, SVG): draw
     * the same content on several pages once. group_begin starts keeping
     * what is drawn; group_end stops, draws it and hands back the group;
     * group_paint draws the group again, on this or a later page (of the
     * same renderer); group_free releases it. A PDF holds the group once,
     * as a form XObject that each page refers to. */
    ws_status (*group_begin)(ws_renderer *r);
    ws_status (*group_end)(ws_renderer *r, void **group);
    ws_status (*group_paint)(ws_renderer *r, void *group);
    void (*group_free)(ws_renderer *r, void *group);
    /* Write the output (PNG/PDF/SVG) and report any sticky error. */
    ws_status (*finish)(ws_renderer *r);
    void (*destroy)(ws_renderer *r);
};

/* --- simple shapes, for the composers (map furniture, charts, report) --- */
static inline ws_paint ws__paint_fill(ws_rgba fill) {
    ws_paint p;
    memset(&p, 0, sizeof p);
    p.fill = true;
    p.fill_color = fill;
    return p;
}

static inline ws_paint ws__paint_stroke(ws_rgba color, double width) {
    ws_paint p;
    memset(&p, 0, sizeof p);
    p.stroke = true;
    p.stroke_color = color;
    p.stroke_width = width;
    return p;
}

/* A straight line from (x0, y0) to (x1, y1). */
static inline ws_status ws__render_line(ws_renderer *r, double x0, double y0,
                                        double x1, double y1,
                                        const ws_paint *pt) {
    double xy[4] = {x0, y0, x1, y1};
    size_t two = 2;
    ws_path p = {xy, &two, 1, false};
    return r->path(r, &p, pt);
}

/* An axis-parallel rectangle with its top-left corner at (x, y). */
static inline ws_status ws__render_rect(ws_renderer *r, double x, double y,
                                        double w, double h,
                                        const ws_paint *pt) {
    double xy[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
    size_t four = 4;
    ws_path p = {xy, &four, 1, true};
    return r->path(r, &p, pt);
}

/* A circle as a polygon of WS_CIRCLE_SIDES sides (it strays from the
 * circle by 0.5 % of the radius: 0.015 pt for a 3 pt mark, invisible
 * also when a PDF is zoomed in; 12 sides showed as a 12-gon there). */
enum { WS_CIRCLE_SIDES = 32 };
static inline ws_status ws__render_circle(ws_renderer *r, double x, double y,
                                          double radius, const ws_paint *pt) {
    double xy[2 * WS_CIRCLE_SIDES];
    for (int i = 0; i < WS_CIRCLE_SIDES; i++) {
        double a = i * 2 * M_PI / WS_CIRCLE_SIDES;
        xy[2 * i] = x + radius * cos(a);
        xy[2 * i + 1] = y + radius * sin(a);
    }
    size_t n = WS_CIRCLE_SIDES;
    ws_path p = {xy, &n, 1, true};
    return r->path(r, &p, pt);
}

/* --- Cairo backend -------------------------------------------------------- */
typedef enum ws_render_format {
    WS_RENDER_PNG = 0,
    WS_RENDER_PDF,
    WS_RENDER_SVG
} ws_render_format;

typedef struct ws_cairo_options {
    ws_render_format format;
    double width_pt, height_pt; /* page size */
    double dpi;                 /* PNG only */
    const char *path;           /* file written by finish() */
    const char *title;          /* PDF metadata */
    const char *creator;        /* PDF metadata */
    const char *date_iso;       /* PDF CreationDate/ModDate, e.g.
                                   2024-03-01T00:00:00Z, or NULL */
    ws_rgba background;
} ws_cairo_options;

ws_status ws__render_cairo_new(ws_ctx *ctx, const ws_cairo_options *opt,
                               ws_renderer **out);

/* --- recording backend ---------------------------------------------------- */
typedef enum ws_rec_kind {
    WS_REC_PATH = 0,
    WS_REC_TEXT,
    WS_REC_CLIP,
    WS_REC_UNCLIP,
    WS_REC_NOTE
} ws_rec_kind;

/* One recorded element; boxes are in device units (points × px_per_pt). */
typedef struct ws_rec {
    ws_rec_kind kind;
    ws_paint paint;        /* PATH */
    size_t npoints;        /* PATH */
    bool closed;           /* PATH */
    double bx, by, bw, bh; /* PATH/TEXT/CLIP/NOTE box in device units */
    char *text;            /* TEXT (string) or NOTE text */
    char *code;            /* NOTE */
    ws_font font;          /* TEXT (family not kept) */
    ws_note_kind note;     /* NOTE */
    double v[4];           /* NOTE */
    ws_rgba color;         /* NOTE */
    size_t page;           /* 0-based page the element is on */
} ws_rec;

typedef struct ws_recording {
    ws_rec *items;
    size_t n, cap;
    size_t pages; /* pages begun (1 + calls of page()) */
} ws_recording;

/* A renderer that records into *rec (owned by the renderer; read it before
 * destroy). px_per_pt sets the device space of the recorded boxes. */
ws_status ws__render_record_new(ws_ctx *ctx, double width_pt, double height_pt,
                                double px_per_pt, ws_renderer **out);
const ws_recording *ws__render_recording(const ws_renderer *r);

/* --- shared Pango text (render_text.c) ------------------------------------ */
struct _cairo;
/* Lay out and optionally draw text on a cairo context (Pango); the box is in
 * the context's user space. */
ws_status ws__text_run(ws_ctx *ctx, struct _cairo *cr, const char *utf8,
                       double x, double y, const ws_font *f, double max_width,
                       bool draw, ws_box *box);

/* Free Pango's default font map (per thread; for leak checkers). */
void ws__text_release(void);

/* --- ColorBrewer palettes (palette.c) ------------------------------------- */
typedef enum ws_palette_type {
    WS_PALETTE_SEQUENTIAL = 0,
    WS_PALETTE_DIVERGING,
    WS_PALETTE_QUALITATIVE
} ws_palette_type;

/* Colour-blind flag of a scheme at k classes (ColorBrewer's 'blind'):
 * 1 safe, 2 maybe, 0 not safe. */
typedef struct ws_palette_info {
    const char *name;
    ws_palette_type type;
    size_t min_k, max_k;
} ws_palette_info;

/* Look up a scheme by name (case-insensitive). NULL when unknown. */
const ws_palette_info *ws__palette_find(const char *name);
/* Colours of scheme `p` for k classes (min_k <= k <= max_k), light to dark
 * (sequential) or from the first to the last end (diverging). */
bool ws__palette_colors(const ws_palette_info *p, size_t k, ws_rgba *out);
int ws__palette_blind(const ws_palette_info *p, size_t k);
/* Number of schemes and the i-th, for listings and did-you-mean. */
size_t ws__palette_count(void);
const ws_palette_info *ws__palette_at(size_t i);

/* "#rrggbb" or "#rrggbbaa" → colour. */
bool ws__parse_color(const char *s, ws_rgba *out);

#endif /* WS_RENDERER_H */
