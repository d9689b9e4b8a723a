/**
 * \file report.h
 * Comparing gemeenten and the policy report, both read from a wijkscan
 * GeoPackage with theme scores.
 *
 * ws_compare_render() draws small multiples — one map panel per gemeente,
 * all at the same scale, with one set of pooled classes and one legend —
 * and a strip plot of the buurt marks per gemeente, and writes the
 * comparison table as CSV.
 *
 * ws_report_render() writes a multi-page A4 PDF in Dutch: cover, contents,
 * summary with the comparison table, per theme a region map, the small
 * multiples, charts and a generated text, per gemeente its theme maps, a
 * data-quality page, the method and an indicator appendix.
 *
 * **The comparison table.** Per gemeente and theme, over the *scored*
 * regions of the level (buurten by default): the regions of the gemeente
 * whose mark `score_<theme>` has a value (flag `ok`); regions flagged
 * `te_weinig`, `onvoldoende_dekking` or `geen_gegevens` are counted
 * separately and never enter a statistic.
 * - gewogen gemiddelde: Σ woningen·mark / Σ woningen over the scored
 *   regions (woningen = the `woningen` column; a missing count weighs 0);
 * - mediaan: the median of the marks of the scored regions, each region
 *   once (the middle one, or the mean of the two middle ones);
 * - aandeel woningen in de laagste klasse: Σ woningen of the scored regions
 *   whose mark falls in the lowest class / Σ woningen of the scored
 *   regions, where the classes are the pooled classes of the comparison
 *   map (the style's method and number of classes, or the options', over
 *   the scored regions of all compared gemeenten together): class 1 holds
 *   the lowest marks;
 * - sterkste / zwakste wijk: the wijk of the gemeente with the highest /
 *   lowest own mark in the `wijken` layer (scored wijken only; on equal
 *   marks the lowest wijkcode);
 * - verschil met de regio: the gemeente's weighted mean minus the weighted
 *   mean over the scored regions of all compared gemeenten together.
 *
 * Both outputs are written to a temporary file and renamed into place; the
 * same GeoPackage and options give byte-identical files (dates come from
 * the GeoPackage, never the clock).
 */
#ifndef WIJKSCAN_REPORT_H
#define WIJKSCAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of ws_compare_render(). Call ws_compare_options_init() first.
 *  Strings and arrays are borrowed for the duration of the call. */
typedef struct ws_compare_options {
    /** GeoPackage written by wijkscan with theme scores. */
    const char *gpkg_path;
    /** Gemeentecodes to compare, in panel order; none = every gemeente in
     *  the GeoPackage, in code order. */
    const char *const *gemeenten;
    size_t n_gemeenten;
    /** Theme names ("gezond") or score columns ("score_gezond"); none =
     *  every theme score in the GeoPackage. */
    const char *const *themes;
    size_t n_themes;
    /** WS_LEVEL_BUURT (default) or WS_LEVEL_WIJK. */
    ws_level level;
    /** Map style (YAML), or NULL for the built-in default. */
    const char *style_path;
    /** Classification method (ws_class_method), or -1 for the style's. */
    int method;
    /** Number of classes, or 0 for the style's. */
    size_t classes;
    /** The figure: .png, .pdf or .svg (one page per theme, so several
     *  themes need .pdf); NULL for the table only. */
    const char *output_path;
    /** The comparison table as CSV (UTF-8, ',' and '.'), or NULL. */
    const char *csv_path;
    /** PNG resolution, or 0 for the style's. */
    double dpi;
} ws_compare_options;

/** What ws_compare_render() did. */
typedef struct ws_compare_info {
    size_t pages, themes, gemeenten;
    /** The common map scale (1 : scale) and scale bar length in metres. */
    double scale, scalebar_m;
} ws_compare_info;

/** Fill defaults. \since 0.2 */
WS_API void ws_compare_options_init(ws_compare_options *opt);

/**
 * Compare gemeenten: small multiples and the comparison table.
 * \return WS_OK; WS_ERR_INVALID_ARG for bad options (unknown extension,
 *         several themes in one PNG/SVG, a level other than buurt or wijk);
 *         WS_ERR_IO_NOT_FOUND / WS_ERR_FORMAT_NOT_SPATIAL for an unreadable
 *         GeoPackage; WS_ERR_DATA_NO_FIELD when it has no theme scores or
 *         not the theme asked for; WS_ERR_DATA_UNKNOWN_CODE for a
 *         gemeentecode not in it; WS_ERR_IO_WRITE when an output cannot be
 *         written (nothing is left behind); WS_ERR_RENDER; WS_ERR_NOMEM.
 * \since 0.2
 */
WS_API ws_status ws_compare_render(ws_ctx *ctx, const ws_compare_options *opt,
                                   ws_compare_info *info);

/** Options of ws_report_render(). Call ws_report_options_init() first. */
typedef struct ws_report_options {
    /** GeoPackage written by wijkscan with theme scores. */
    const char *gpkg_path;
    /** The report, a PDF. */
    const char *output_path;
    /** When set, every figure is also written on its own into this
     *  directory as NAME.png and NAME.svg. */
    const char *figures_dir;
    /** Title of the report, or NULL for "Wijkscan " + the region name. */
    const char *title;
    /** Region name, or NULL for the GeoPackage's metadata (regionaam). */
    const char *region_name;
    /** Gemeenten to compare; none = every gemeente in the GeoPackage. */
    const char *const *gemeenten;
    size_t n_gemeenten;
    /** Map style, or NULL; classification as in ws_compare_options. */
    const char *style_path;
    int method;
    size_t classes;
    /** Resolution of the PNG figures (default 150). */
    double figure_dpi;
} ws_report_options;

/** What ws_report_render() wrote. */
typedef struct ws_report_info {
    size_t pages;
    /** Figures written to figures_dir (PNG + SVG pairs). */
    size_t figures;
} ws_report_info;

/** Fill defaults. \since 0.2 */
WS_API void ws_report_options_init(ws_report_options *opt);

/**
 * Write the policy report (A4 PDF, Dutch). Errors as ws_compare_render();
 * the output must end in .pdf.
 * \since 0.2
 */
WS_API ws_status ws_report_render(ws_ctx *ctx, const ws_report_options *opt,
                                  ws_report_info *info);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_REPORT_H */
