/**
 * \file map.h
 * Report-grade choropleth maps (PNG, PDF, SVG) of one column of a wijkscan
 * GeoPackage: a theme score (`score_gezond`, …) or any indicator, per buurt,
 * wijk or gemeente, composed like a print layout: title and subtitle,
 * legend with class ranges in Dutch number format and the number of regions
 * per class, one legend class per reason of missing values (never a data
 * colour), labels placed inside their regions without overlap, a scale bar
 * of a round length, a north arrow, the source line and the production
 * date. The look comes from a style file (styles/NAME.yaml).
 *
 * The same GeoPackage, options and style give byte-identical output: the
 * production date is taken from the GeoPackage, never from the clock.
 */
#ifndef WIJKSCAN_MAP_H
#define WIJKSCAN_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "classify.h"
#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output format of a map. */
typedef enum ws_map_format {
    /** From the output file's extension (.png, .pdf, .svg). */
    WS_MAP_FORMAT_AUTO = 0,
    WS_MAP_FORMAT_PNG = 1,
    WS_MAP_FORMAT_PDF = 2,
    WS_MAP_FORMAT_SVG = 3
} ws_map_format;

/** Options of ws_map_render(). Call ws_map_options_init() first; every
 *  field left at its initial value means "as the style says". Strings and
 *  arrays are borrowed for the duration of the call. */
typedef struct ws_map_options {
    /** GeoPackage written by wijkscan (layers buurten, wijken, gemeenten,
     *  regio; tables ontbrekende_waarden, wijkscan_metadata, …). */
    const char *gpkg_path;
    /** Column to map: a score (`score_gezond`) or an indicator. */
    const char *column;
    /** Level whose regions are coloured (default WS_LEVEL_BUURT). */
    ws_level level;
    /** Gemeentecodes to show (others are drawn as grey context when they
     *  fall inside the frame); none = every gemeente in the GeoPackage. */
    const char *const *gemeenten;
    size_t n_gemeenten;
    /** Style file (YAML), or NULL for the built-in default style, which is
     *  the one in styles/default.yaml. */
    const char *style_path;
    /** Output file; its extension gives the format unless `format` is set. */
    const char *output_path;
    ws_map_format format;
    /** Classification method, or -1 for the style's. */
    int method;
    /** Number of classes (1 to WS_CLASS_MAX_K), or 0 for the style's. */
    size_t classes;
    /** Manual breaks (upper bounds, ascending); setting them implies
     *  WS_CLASS_MANUAL. */
    const double *breaks;
    size_t n_breaks;
    /** Pooled classification: the breaks are computed over these columns
     *  together (e.g. all four scores, so a colour means the same on every
     *  map). The mapped column need not be among them. None = only
     *  `column`. */
    const char *const *pool_columns;
    size_t n_pool_columns;
    /** Pooled classification over these gemeenten (e.g. the whole BOCE
     *  region while the map shows one gemeente). None = the shown ones. */
    const char *const *pool_gemeenten;
    size_t n_pool_gemeenten;
    /** Paper size "A4", "A3", "A5" or NULL for the style's. */
    const char *page;
    /** 1 landscape, 0 portrait, -1 the style's. */
    int landscape;
    /** Image size in pixels (both > 0) instead of a paper size. */
    double width_px, height_px;
    /** Resolution of PNG output in dots per inch, or 0 for the style's. */
    double dpi;
    /** Voorzieningen categories to draw as symbols (from the GeoPackage
     *  layer `voorzieningen`); the single entry "all" draws every one. */
    const char *const *voorzieningen;
    size_t n_voorzieningen;
    /** Title and subtitle instead of the generated ones (or NULL). */
    const char *title;
    const char *subtitle;
    /** Further columns, each drawn with these same options on a page of its
     *  own after `column` (e.g. the three theme scores in one PDF). Only for
     *  PDF output; `title` and `subtitle`, when set, are on every page.
     *  \since 0.3 */
    const char *const *more_columns;
    size_t n_more_columns;
    /** Draw from this result of ws_pipeline_run() (its `keep`) instead of
     *  reading `gpkg_path`: the same map as from the GeoPackage written
     *  from it, drawn while that file is still being written (the dataset
     *  is only read, and must outlive the call). `gpkg_path` then only
     *  names the data in messages. \since 0.3 */
    const ws_dataset *dataset;
} ws_map_options;

/** What ws_map_render() did. */
typedef struct ws_map_info {
    /** Classes drawn and classes asked for (fewer when ties merged). */
    size_t nclasses, requested;
    bool merged;
    /** Regions shown with a value, and without one (any reason). */
    size_t regions, missing;
    /** Labels placed and left out for lack of room. */
    size_t labels_placed, labels_dropped;
    /** Map scale on paper (1 : scale); 0 for pixel-sized output. */
    double scale;
    /** Scale bar length in metres. */
    double scalebar_m;
    /** Page size in points, and in pixels for PNG. */
    double width_pt, height_pt, width_px, height_px;
    /** Pages written: 1 + n_more_columns. The other fields describe the
     *  first page. \since 0.3 */
    size_t pages;
} ws_map_info;

/** Fill defaults (see ws_map_options). \since 0.2 */
WS_API void ws_map_options_init(ws_map_options *opt);

/**
 * Render one map.
 * \param info receives what was drawn (may be NULL).
 * \return WS_OK; WS_ERR_INVALID_ARG for bad options (unknown extension,
 *         k out of range, bad breaks, bad size); WS_ERR_IO_NOT_FOUND /
 *         WS_ERR_FORMAT_NOT_SPATIAL for an unreadable GeoPackage;
 *         WS_ERR_FORMAT for a style error (file:line:column);
 *         WS_ERR_DATA_NO_LAYER / WS_ERR_DATA_NO_FIELD when the level or
 *         column is absent (the message lists the columns there are);
 *         WS_ERR_DATA_UNKNOWN_CODE for a gemeentecode not in the file;
 *         WS_ERR_IO_WRITE when the output cannot be written (nothing is
 *         left behind: the file is written to a temporary name and renamed);
 *         WS_ERR_RENDER for a Cairo failure; WS_ERR_NOMEM.
 * \since 0.2
 */
WS_API ws_status ws_map_render(ws_ctx *ctx, const ws_map_options *opt,
                               ws_map_info *info);

/**
 * Check a style file without rendering.
 * \return WS_OK, or WS_ERR_FORMAT / WS_ERR_FORMAT_YAML with
 *         "file:line:column: message" (and a suggestion for a misspelt key).
 * \since 0.2
 */
WS_API ws_status ws_map_style_check(ws_ctx *ctx, const char *style_path);

/** The format an output path asks for by its extension (case-insensitive),
 *  or WS_MAP_FORMAT_AUTO when it has none of .png, .pdf, .svg. \since 0.2 */
WS_API ws_map_format ws_map_format_from_path(const char *path);

/** Parse a method name: quantile, equal, jenks, pretty, headtail, stddev,
 *  manual. \return the method, or -1 when unknown. \since 0.2 */
WS_API int ws_class_method_from_name(const char *name);

/**
 * Free Pango's default font map, the font cache that rendering leaves
 * behind for the life of the calling thread. Only for the end of a program
 * (or thread) that rendered maps, so leak checkers see a clean exit; the
 * wijkscan command calls it before it returns. Maps rendered afterwards
 * simply build the cache again. (fontconfig's configuration stays: it
 * cannot be freed safely while Cairo may hold a font.)
 * \since 0.2
 */
WS_API void ws_map_release_fonts(void);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_MAP_H */
