/* Shared plumbing of the load stage: opening GDAL datasets read-only with
 * errors that name file and layer, choosing a layer, recognising its product
 * by layer definition, and the transformation to RD New. */
#ifndef WS_LOAD_INTERNAL_H
#define WS_LOAD_INTERNAL_H

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../config/config_internal.h"
#include "../filter/filter.h"
#include "../geom/geom_internal.h"
#include "../model/model_internal.h"
#include "wijkscan/load.h"

/* Envelope in RD New. */
typedef struct ws_bbox {
    double minx, miny, maxx, maxy;
    bool set;
} ws_bbox;

void ws__bbox_add(ws_bbox *b, double minx, double miny, double maxx,
                  double maxy);
bool ws__bbox_contains(const ws_bbox *b, double x, double y);

/* An opened input layer with its transformation to RD New. */
typedef struct ws_source {
    const char *path; /* borrowed */
    GDALDatasetH ds;
    OGRLayerH layer;
    const char *layer_name;
    OGRFeatureDefnH defn;
    OGRCoordinateTransformationH to_rd; /* NULL when already RD New */
    OGRSpatialReferenceH srs_rd;        /* owned */
    OGRSpatialReferenceH srs_assumed;   /* owned, when the layer had none */
    bool is_rd;
    bool borrowed_ds; /* ds belongs to another source (ws__source_sibling) */
} ws_source;

/* Open a vector file read-only. Missing file, unreadable file and files
 * without vector layers are distinct errors naming the path. */
ws_status ws__source_open(ws_ctx *ctx, const char *path, ws_source *src);
/* Pick the layer: `explicit_name` if given (error listing the layers when
 * absent), else the first of `candidates` that exists, else the only layer. */
ws_status ws__source_pick_layer(ws_ctx *ctx, ws_source *src,
                                const char *explicit_name,
                                const ws_strlist *candidates);
/* Set up the transformation to EPSG:28992; `assumed_crs` (e.g. from the
 * layer definition) is used when the layer has no CRS, else it is an error.
 * A source without a layer (src->layer NULL) uses `assumed_crs`. */
ws_status ws__source_prepare_crs(ws_ctx *ctx, ws_source *src,
                                 const char *assumed_crs);
void ws__source_close(ws_source *src);
/* Another layer of an opened source (the pand layer beside the
 * verblijfsobjecten) with its own transformation to RD New; it shares the
 * parent's GDAL dataset, which ws__source_close on it leaves open. The
 * parent must outlive it. */
ws_status ws__source_sibling(ws_ctx *ctx, const ws_source *parent,
                             OGRLayerH layer, const char *assumed_crs,
                             ws_source *out);
/* Field index, or -1. Case-insensitive, like OGR. */
int ws__source_field(const ws_source *src, const char *name);
/* Field index; error WS_ERR_DATA_NO_FIELD naming file, layer, field and
 * what the field is for when it is absent. */
ws_status ws__source_require_field(ws_ctx *ctx, const ws_source *src,
                                   const char *name, const char *purpose,
                                   int *idx);
/* Does the layer have every field of the definition's match list? */
bool ws__source_matches(const ws_source *src, const ws_layerdef *def);
/* Transform n points in place to RD New (no-op when already RD). */
ws_status ws__source_to_rd(ws_ctx *ctx, ws_source *src, double *x, double *y,
                           size_t n);
/* A CSV-like file that our own reader handles (.csv, .txt, .tsv). */
bool ws__is_csv_path(const char *path);
/* After a block of reads between ws__gdal_begin/end: a GDAL error raised
 * while reading (a corrupt file) becomes WS_ERR_FORMAT naming the file and
 * layer, so a half-read input never passes as a complete one. */
ws_status ws__source_read_errors(ws_ctx *ctx, const ws_source *src);
/* GDAL error text with a fallback. */
const char *ws__gdal_reason(ws_ctx *ctx);

/* Choose the definition for an input: the explicit one (loaded from file) or
 * the best match among `defs` of `kind` (the one with the most match fields
 * that are all present). On success *def is borrowed from defs or owned by
 * *owned (free it with ws__layerdef_free). */
ws_status ws__recognise(ws_ctx *ctx, ws_source *src, const ws_input *in,
                        const ws_layerdefs *defs, ws_defkind kind,
                        const char *role, const ws_layerdef **def,
                        ws_layerdef **owned);
/* Pick the layer for an input given its definition and recognise it. Used by
 * every reader: opens `in->path`, picks the layer and matches a definition. */
ws_status ws__open_input(ws_ctx *ctx, const ws_input *in,
                         const ws_layerdefs *defs, ws_defkind kind,
                         const char *role, ws_source *src,
                         const ws_layerdef **def, ws_layerdef **owned);

/* Readers. */
ws_status ws__load_regions(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                           const ws_layerdefs *defs, const ws_selection *sel,
                           const char *region_name, ws_bbox *extent);
ws_status ws__load_kerncijfers(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                               const ws_layerdefs *defs);
ws_status ws__load_bag(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                       const ws_layerdefs *defs, const ws_selection *sel,
                       const ws_bbox *extent);
ws_status ws__load_amenities(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                             const ws_layerdefs *defs, const ws_bbox *area);
/* The footprints (and, when the definition takes the bouwjaar from the pand,
 * the bouwjaar) of the panden the loaded dwellings refer to, from the pand
 * layer of the BAG source `vbo` (see load_pand.c). */
ws_status ws__load_panden(ws_ctx *ctx, ws_dataset *ds, const ws_source *vbo,
                          const ws_layerdef *def);

/* Numeric part of a BAG identifier: "0221100000308452",
 * "NL.IMBAG.Pand.0221100000308452", "(1:0221100000308452)" ->
 * 221100000308452 (the last one when a list). 0 when none. */
uint64_t ws__bag_id_number(const char *s);
/* The same of n bytes (no terminator needed). */
uint64_t ws__bag_id_bytes(const char *s, size_t n);
/* A bouwjaar as stored: 1000–2100, else 0 (unknown; BAG uses 9999). */
int16_t ws__bouwjaar_of(double v);

#endif /* WS_LOAD_INTERNAL_H */
