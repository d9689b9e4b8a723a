/* The map module: reading a wijkscan GeoPackage for one column (map_data.c),
 * cartographic styles (map_style.c), classification and colours, and the
 * page composition: layout and frame (map.c), legend (map_legend.c), labels
 * (map_labels.c), scale bar and north arrow (map_furniture.c). Everything is
 * drawn through the renderer vtable of src/render/. Never installed. */
#ifndef WS_MAP_INTERNAL_H
#define WS_MAP_INTERNAL_H

#include <geos_c.h>

#include "../config/config_internal.h"
#include "../geom/geom_internal.h"
#include "../render/renderer.h"
#include "wijkscan/map.h"

#define WS_MM (72.0 / 25.4) /* points per millimetre */

/* ------------------------------------------------------------------------
 * Style (styles/NAME.yaml). Strings are borrowed from the YAML document,
 * which the style owns, or are static defaults.
 * ---------------------------------------------------------------------- */
typedef struct ws_missing_style {
    const char *reason; /* machine key, NULL for the default */
    ws_paint paint;
} ws_missing_style;

#define WS_STYLE_MAX_MISSING 16

typedef enum ws_label_regions {
    WS_LABELS_AUTO = 0, /* the level of the map */
    WS_LABELS_BUURT,
    WS_LABELS_WIJK,
    WS_LABELS_GEMEENTE,
    WS_LABELS_NONE
} ws_label_regions;

typedef struct ws_map_style {
    ws_ydoc *doc;
    const char *name;
    /* page */
    double page_w_mm, page_h_mm; /* portrait dimensions */
    bool landscape;
    double margin_mm;
    ws_rgba background;
    double dpi;
    /* text */
    const char *family;
    ws_rgba text_color, muted_color;
    /* title block */
    ws_font title_font, subtitle_font;
    ws_paint title_rule;
    /* map frame */
    double padding; /* fraction of the area's size added around it */
    ws_rgba map_background;
    ws_paint frame;
    ws_paint context;      /* regions outside the selection */
    ws_font context_label; /* names of neighbouring gemeenten */
    /* classification and colours */
    ws_class_method method;
    size_t classes;
    const char *palette_sequential, *palette_diverging;
    bool scores_diverging; /* score columns use the diverging palette */
    bool by_direction;     /* turn the palette so "beter" is the dark end */
    bool reverse;
    double midpoint; /* diverging: the value at the neutral colour, NaN none */
    /* missing values */
    ws_missing_style missing[WS_STYLE_MAX_MISSING];
    size_t nmissing; /* missing[0] is the default */
    /* boundaries: buurt, wijk, gemeente */
    ws_paint line[3];
    ws_paint water;
    /* labels */
    ws_label_regions label_regions;
    ws_font label_font, gemeente_font;
    bool gemeente_upper;
    /* legend */
    bool legend_bottom;
    double legend_width_mm;
    ws_font legend_title, legend_text, legend_note;
    double swatch_w_mm, swatch_h_mm;
    bool legend_counts;
    const char *better, *worse;
    ws_paint swatch_outline;
    /* scale bar and north arrow */
    double scalebar_max_mm;
    ws_font scalebar_font;
    ws_rgba scalebar_color;
    bool scale_ratio;
    double north_mm;
    ws_rgba north_color;
    bool true_north;
    /* source line */
    ws_font source_font;
    const char *source_text; /* NULL: made from the GeoPackage */
    /* voorzieningen symbols */
    double symbol_pt;
    const char *symbol_palette;
    ws_rgba symbol_outline;
} ws_map_style;

void ws__map_style_defaults(ws_map_style *s);
ws_status ws__map_style_load(ws_ctx *ctx, const char *path, ws_map_style *s);
ws_status ws__map_style_parse(ws_ctx *ctx, const char *name,
                              const unsigned char *data, size_t len,
                              ws_map_style *s);
void ws__map_style_free(ws_ctx *ctx, ws_map_style *s);
/* The paint of missing values with this reason (or the default). */
const ws_paint *ws__map_missing_paint(const ws_map_style *s,
                                      const char *reason);

/* ------------------------------------------------------------------------
 * Data read from the GeoPackage.
 * ---------------------------------------------------------------------- */
typedef struct ws_map_region {
    char *code, *name, *wijkcode, *wijknaam, *gemeentecode, *gemeentenaam;
    double value; /* NaN when missing */
    double *pool; /* values of the pooled columns (NaN missing) */
    char *reason; /* reason key when missing */
    char *reason_label;
    GEOSGeometry *geom;
    bool borrowed; /* geom is the dataset's (ws_map_options.dataset) */
    bool selected; /* in the shown gemeenten */
    bool in_pool;  /* feeds the pooled classification */
    long cls;      /* class, -1 when missing */
    long miss;     /* missing class index, -1 when present */
} ws_map_region;

typedef struct ws_map_point {
    double x, y;
    size_t cat;
} ws_map_point;

typedef struct ws_map_kv {
    char *key, *value;
} ws_map_kv;

typedef struct ws_map_data {
    ws_ctx *ctx;
    ws_level level;
    ws_map_region *regions;
    size_t n, cap;
    size_t npool; /* pooled columns read into region.pool */
    /* wijkscan_indicatoren row of the column (NULL when absent) */
    char *label, *definition, *unit, *direction, *theme;
    /* metadata and inputs */
    ws_map_kv *meta;
    size_t nmeta, metacap;
    ws_map_kv *inputs; /* rol -> "bestand|gewijzigd" */
    size_t ninputs, inputcap;
    char *production_date; /* ISO 8601, from the GeoPackage */
    /* voorzieningen */
    char **categories;
    size_t ncat, catcap;
    ws_map_point *points;
    size_t npoints, pointcap;
    /* water polygons (optional layer) */
    GEOSGeometry **water;
    size_t nwater, watercap;
    /* per region the next region (higher index) with the same wijkcode /
     * gemeentecode, or SIZE_MAX: the members of a wijk or gemeente without
     * a search over all regions */
    size_t *next_wijk, *next_gemeente;
    /* cached data (ws__map_data_cached) keeps the dissolved outlines of
     * ws_map_page.outline between maps */
    bool keep_dissolved;
    GEOSGeometry **dissolved[2];
    GEOSGeometry *edges[3]; /* ws_map_page.edges, kept likewise */
    /* the wijk [0] and gemeente [1] geometries of a wijkscan GeoPackage,
     * at the index of their first region (ws__map_group_outlines) */
    GEOSGeometry **group_geom[2];
    bool *group_borrowed[2]; /* entries that are the dataset's, or NULL */
    bool group_tried[2];
} ws_map_data;

ws_status ws__map_data_read(ws_ctx *ctx, const ws_map_options *opt,
                            ws_map_data *d);
/* The data of a map for these options, kept in the context between maps:
 * the regions with their geometry, metadata, voorzieningen and water are
 * read once per GeoPackage (file identity, size and time), level and
 * selection; for each map only the column (values, reasons, label) is
 * read again, and the dissolved outlines are kept. Owned by the context
 * (freed with it); valid until the next call. */
ws_status ws__map_data_cached(ws_ctx *ctx, const ws_map_options *opt,
                              ws_map_data **d);
/* A wijkscan GeoPackage's wijken and gemeenten are the unions of its
 * buurten (dissolved when loading, as the buurten layer holds them), so a
 * map takes a group's outline from there instead of dissolving it again:
 * read on first use into d->group_geom[k] (k 0 wijken, 1 gemeenten), and
 * used only where all of the group's regions are on the map
 * (ws__map_outline). Only in wijkscan's own files: CBS's wijk and gemeente
 * polygons are generalised apart from the buurten and would not line up. */
ws_status ws__map_group_outlines(ws_ctx *ctx, const ws_map_options *opt,
                                 ws_map_data *d, int k);
/* Steps shared by the two sources of map data, the GeoPackage (map_data.c)
 * and the dataset in memory (map_data_mem.c). */
ws_status ws__map_check_codes(ws_ctx *ctx, const ws_map_options *o,
                              const ws_map_data *d, const char *const *codes,
                              size_t n, const char *what);
/* Every gemeente shown or pooled is among the regions. */
ws_status ws__map_check_selection(ws_ctx *ctx, const ws_map_options *o,
                                  const ws_map_data *d);
/* r->selected, r->in_pool from the options; no class yet. */
void ws__map_select_region(const ws_map_options *o, ws_map_region *r);
/* The voorzieningen categories asked for (*all: every one, as found). */
ws_status ws__map_point_categories(ws_map_data *d, const ws_map_options *o,
                                   bool *all);
/* One voorziening of category `cat` at (x, y) when `point`. */
ws_status ws__map_add_point(ws_map_data *d, bool all, const char *cat,
                            bool point, double x, double y);
/* Missing values without a reason get "geen_gegevens". */
ws_status ws__map_default_reasons(ws_map_data *d);
ws_status ws__map_add_kv(ws_ctx *ctx, ws_map_kv **arr, size_t *n, size_t *cap,
                         const char *k, const char *v);
/* Keep "YYYY-MM-DDTHH:MM:SS" of a GeoPackage timestamp ("" none). */
ws_status ws__map_set_production_date(ws_map_data *d, const char *date);
/* Voorzieningen categories by name, the points remapped ("all"). */
ws_status ws__map_sort_categories(ws_map_data *d);
/* d->next_wijk and d->next_gemeente. */
ws_status ws__map_link_groups(ws_map_data *d);
/* The index of the first region of every wijk (k 0) or gemeente (k 1) by
 * its code, and d->group_geom[k] allocated (ws__map_group_outlines). */
ws_status ws__map_group_firsts(ws_map_data *d, int k, ws_hash *first);
/* Append ", name" (just "name" first) to the list buf[0..*len); when it
 * does not fit, end the list with ", ..." and return false. */
bool ws__map_list_add(char *buf, size_t size, size_t *len, const char *name);
/* "layer has no column" with the numeric columns there are. */
ws_status ws__map_no_column(ws_ctx *ctx, const char *path, const char *layer,
                            const char *col, const char *numeric);

/* The map data from opt->dataset, exactly as the GeoPackage written from it
 * would give it (map_data_mem.c): the regions, reasons, column
 * description, metadata, inputs, production date and voorzieningen; the
 * column alone again for a cached map; the wijk or gemeente outlines. */
ws_status ws__map_data_from_dataset(ws_ctx *ctx, const ws_map_options *opt,
                                    ws_map_data *d);
ws_status ws__map_column_from_dataset(const ws_map_options *opt,
                                      ws_map_data *d);
ws_status ws__map_group_outlines_from_dataset(const ws_map_options *opt,
                                              ws_map_data *d, int k);

/* Forget the cached map data (after a failed map, nothing is kept). */
void ws__map_data_uncache(ws_ctx *ctx);
void ws__map_data_free(ws_map_data *d);
/* Destroy the non-NULL geometries of geoms[0..n) and free the array. */
void ws__map_free_geoms(ws_ctx *ctx, GEOSGeometry **geoms, size_t n);
const char *ws__map_meta(const ws_map_data *d, const char *key);

/* ------------------------------------------------------------------------
 * Page composition.
 * ---------------------------------------------------------------------- */
typedef struct ws_map_class {
    ws_rgba color;
    char label[96];
    size_t count; /* regions of the map in the class */
} ws_map_class;

typedef struct ws_map_missing_class {
    const char *reason; /* borrowed from a region */
    const char *label;
    size_t count;
    ws_paint paint;
} ws_map_missing_class;

/* World → page transform: page = (ox + (X - wx0) * s, oy + (wy1 - Y) * s). */
typedef struct ws_map_view {
    double fx, fy, fw, fh;     /* map frame on the page (pt) */
    double wx0, wy0, wx1, wy1; /* world extent shown (m) */
    double s;                  /* pt per metre */
} ws_map_view;

/* What a frame draws over its fills — water, boundaries, voorzieningen and
 * labels — does not depend on the mapped column, so the pages of a
 * multi-page map draw it once, as a renderer group (ws_renderer.group_*),
 * and repeat it: a PDF then holds it once. Kept for the next page with the
 * same data and view (key). */
typedef struct ws_map_overlay {
    void *group; /* the renderer's, or NULL */
    const struct ws_map_data *d;
    double key[9];
    size_t *cat_count; /* symbols drawn per category, d->ncat */
    size_t labels_placed, labels_dropped;
} ws_map_overlay;
/* Release the overlay's group and counts (map.c). */
void ws__map_overlay_forget(ws_ctx *ctx, ws_renderer *r, ws_map_overlay *ov);

typedef struct ws_map_page {
    ws_ctx *ctx;
    ws_renderer *r;
    const ws_map_style *st;
    const ws_map_options *opt;
    ws_map_data *d;
    ws_classes *classes;
    ws_map_class cls[WS_CLASS_MAX_K + 24];
    size_t ncls;
    ws_map_missing_class miss[WS_STYLE_MAX_MISSING + 8];
    size_t nmiss;
    bool higher_better, lower_better;
    const char *unit;  /* "m", "%", "", … */
    double unit_scale; /* 100 for shares shown as % */
    int decimals;
    bool discrete; /* values are multiples of 10^-decimals */
    ws_map_view v;
    double scale_ratio; /* 1:scale on paper, 0 for pixel output */
    double scalebar_m;
    size_t labels_placed, labels_dropped;
    size_t *cat_count; /* voorzieningen symbols drawn per category */
    bool *cat_shown;
    /* boxes that labels must avoid (pt); symbols only keep region names
     * away, not gemeente names */
    ws_box *avoid;
    size_t navoid, avoidcap;
    ws_box *symbols;
    size_t nsymbols, symbolcap;
    /* during ws__map_draw: per region, the union of the selected regions
     * of the wijk [0] or gemeente [1] whose first selected region it is
     * (drawn as its line, reused for its label), or NULL */
    GEOSGeometry **outline[2];
    /* during ws__map_draw: the boundary network (each shared edge once) of
     * the selected regions [0], their wijken [1] and gemeenten [2], made
     * when first drawn; points into ws_map_data.edges when that keeps
     * them, else to frame_edges */
    GEOSGeometry **edges;
    GEOSGeometry *frame_edges[3];
    /* shared by the pages of one document, or NULL */
    ws_map_overlay *overlay;
    /* during ws__map_draw: median and total area (m²) of the selected
     * regions, for scale-dependent boundaries and the label level */
    double median_area, total_area;
} ws_map_page;

/* Boundary networks of a dataset drawn from memory, shared by the threads
 * (contexts) that draw it: made once by `build` (a thread that needs the
 * same one meanwhile waits) and then read by all; owned by the dataset.
 * ws__map_can_share says whether this page may use them. */
typedef GEOSGeometry *(*ws__map_edges_fn)(ws_map_page *p, int k);
bool ws__map_can_share(const ws_map_page *p);
const GEOSGeometry *ws__map_shared_edges(ws_map_page *p, int k,
                                         ws__map_edges_fn build);
/* How many networks the dataset's maps have made (tests). */
size_t ws__map_shared_builds(const ws_dataset *ds);

/* map_legend.c */
void ws__map_format_number(double v, int decimals, char *buf, size_t size);
ws_status ws__map_legend_size(ws_map_page *p, double width, double *height);
ws_status ws__map_legend_draw(ws_map_page *p, double x, double y, double width);
/* map_labels.c */
ws_status ws__map_labels(ws_map_page *p);
/* map_furniture.c */
double ws__map_nice_length(double max_m);
ws_status ws__map_scalebar(ws_map_page *p, double x, double y_bottom,
                           double *height);
ws_status ws__map_north_arrow(ws_map_page *p, double cx, double cy);
/* Degrees clockwise from grid north to true north at RD (X, Y); 0 when PROJ
 * cannot say. */
double ws__map_true_north(double X, double Y);
/* map.c: helpers shared by the parts */
/* A voorzieningen symbol of category `cat`, `size` pt across (legend). */
ws_status ws__map_symbol(ws_map_page *p, double x, double y, size_t cat,
                         double size);
void ws__map_to_page(const ws_map_view *v, double X, double Y, double *x,
                     double *y);
ws_status ws__map_avoid(ws_map_page *p, ws_box b);
ws_font ws__map_font(const ws_map_style *st, const ws_font *f);

/* For composers of several maps on a page (compare, report): read the data
 * with ws__map_data_read(), then prepare (classify — pooled over
 * opt->pool_gemeenten when given — describe, colour; the class counts are
 * those of the regions selected now), then per frame: select regions,
 * ws__map_fit() and ws__map_draw(); the legend, scale bar and north arrow
 * as for one map. Release with ws__map_page_release(). */
ws_status ws__map_prepare(ws_ctx *ctx, const ws_map_options *opt,
                          const ws_map_style *style, ws_renderer *r,
                          ws_map_data *d, ws_map_page *p);
void ws__map_page_release(ws_map_page *p);
/* The classification a map of these options and style uses. */
void ws__map_classify_options(const ws_map_options *o, const ws_map_style *st,
                              ws_classify_options *co);
/* The pt per metre at which the selected regions (with the style's
 * padding) just fit a frame of fw × fh pt; 0 when none has a geometry. */
double ws__map_fit_scale(const ws_map_page *p, double fw, double fh);
/* `s` (pt per metre) made a round paper scale (1 : 260.000), never larger;
 * *denom (may be NULL) receives the scale's denominator. */
double ws__map_paper_scale(double s, double *denom);
/* Centre the frame on the selected regions at `force_s` pt per metre (0:
 * the largest that fits; `paper` rounds it to a paper scale). */
ws_status ws__map_fit(ws_map_page *p, double fx, double fy, double fw,
                      double fh, bool paper, double force_s);
/* "buurt" / "buurten", "wijk" / "wijken", … */
const char *ws__map_level_word(ws_level l, bool plural);
/* First four-digit year 1990..2099 in a text (a file name), or 0. */
int ws__map_year_in(const char *s);
/* "23 november 2026" from ISO 8601 "2026-11-23…", or "". */
void ws__map_dutch_date(const char *iso, char *buf, size_t size);
/* Are a and b the same file (device and inode)? */
bool ws__map_same_file(const char *a, const char *b);
/* The source line (left) and production date (right) above y_bottom. */
ws_status ws__map_footer(ws_map_page *p, double x, double y_bottom, double w,
                         double *height);
/* The union of n polygons (taking them over): the coverage union when
 * they tile, which CBS buurten do, else GEOS's overlay union. NULL when
 * GEOS fails. */
GEOSGeometry *ws__map_union(ws_map_page *p, GEOSGeometry **parts, size_t n);
/* The union of the selected regions of the wijk (k 0) or gemeente (k 1) of
 * region `first`, its first selected region; computed once per frame (or
 * per cached map data) and owned by the page. NULL when GEOS fails (the
 * error is recorded). */
const GEOSGeometry *ws__map_outline(ws_map_page *p, int k, size_t first);
/* Draw the frame: context, fills, boundaries, symbols, labels. */
ws_status ws__map_draw(ws_map_page *p);

/* Render through a given renderer (tests use the recording backend). */
ws_status ws__map_render_with(ws_ctx *ctx, const ws_map_options *opt,
                              const ws_map_style *style, ws_renderer *r,
                              ws_map_info *info);
/* The first page maps opt->column, each next page one of more_columns
 * (with one overlay for them all); info describes the first. */
ws_status ws__map_render_pages(ws_ctx *ctx, const ws_map_options *opt,
                               const ws_map_style *style, ws_renderer *r,
                               ws_map_info *info);
/* The page size in points for these options and style. */
void ws__map_page_size(const ws_map_options *opt, const ws_map_style *st,
                       double *w_pt, double *h_pt, double *dpi);

#endif /* WS_MAP_INTERNAL_H */
