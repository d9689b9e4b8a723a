/**
 * \file load.h
 * Load stage: read the real products (BAG, CBS Wijk- en Buurtkaart,
 * Kerncijfers, voorzieningen) through GDAL into a ws_dataset, recognising each
 * input by the layer definitions in layers/ and transforming everything to
 * RD New (EPSG:28992). The region selection (gemeentecodes), the dwelling
 * rule and the water filter are applied here and pushed down to GDAL where
 * the driver allows it. Inputs are opened read-only and never modified.
 */
#ifndef WIJKSCAN_LOAD_H
#define WIJKSCAN_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One input: a file, optionally a layer and a layer definition file. */
typedef struct ws_input {
    const char *path;  /**< file (or GDAL connection string) */
    const char *layer; /**< layer name, or NULL to use the definition's */
    const char
        *definition;    /**< layers/NAME.yaml to use, or NULL to recognise */
    const char *suffix; /**< kerncijfers only: appended to column names */
    /** BAG only: do not read the pand layer. The footprints stay unknown,
     *  so woonlagen_gemiddeld and the zorggeschikt columns are missing;
     *  for runs that use neither (it saves about a third of the BAG read
     *  at national scale). \since 0.3 */
    bool skip_panden;
} ws_input;

/** Options of ws_load(). Call ws_load_options_init() first. */
typedef struct ws_load_options {
    /** Directory with the input layer definitions (layers/). Required. */
    const char *layers_dir;
    ws_input bag;     /**< BAG verblijfsobjecten (required) */
    ws_input buurten; /**< CBS buurten (+ wijken, gemeenten) (required) */
    const ws_input *voorzieningen; /**< zero or more point inputs */
    size_t n_voorzieningen;
    const ws_input *kerncijfers; /**< zero or more tables joined by code */
    size_t n_kerncijfers;
    /** Gemeentecodes to keep ("GM0114"); none = everything in the input. */
    const char *const *gemeenten;
    size_t n_gemeenten;
    /** Voorzieningen are read within this many metres around the selected
     *  buurten, so the nearest one across a border is found. Default 10000. */
    double amenity_margin;
    /** Name of the whole selection, used for the regio level. Default "regio".
     */
    const char *region_name;
} ws_load_options;

/** Fill defaults. \since 0.1 */
WS_API void ws_load_options_init(ws_load_options *opt);

/**
 * Read all inputs into a new dataset.
 * \param out receives the dataset. Caller owns it; free with ws_dataset_free().
 * \return WS_OK or an error whose message names the file, layer and field.
 * \since 0.1
 */
WS_API ws_status ws_load(ws_ctx *ctx, const ws_load_options *opt,
                         ws_dataset **out);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_LOAD_H */
