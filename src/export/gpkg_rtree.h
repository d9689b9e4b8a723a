/* Spatial indexes of a GeoPackage written by GDAL, packed in one pass after
 * the file is closed (gpkg_rtree.c). The writer collects every feature's
 * envelope while it writes, creating its layers without a spatial index,
 * and hands the list to ws__rtree_write(). */
#ifndef WS_GPKG_RTREE_H
#define WS_GPKG_RTREE_H

#include <stdint.h>

#include "../core/core_internal.h"

#define WS_RTREE_MAX_LAYERS 8

typedef struct ws_rtree_entry {
    int64_t fid;
    double box[4]; /* minx, maxx, miny, maxy */
} ws_rtree_entry;

/* The index of one layer; its geometry column is "geom", its key "fid". */
typedef struct ws_rtree_index {
    char table[64];
    ws_rtree_entry *e;
    size_t n, cap;
} ws_rtree_index;

typedef struct ws_rtree_list {
    ws_rtree_index idx[WS_RTREE_MAX_LAYERS];
    size_t n;
} ws_rtree_list;

void ws__rtree_list_init(ws_rtree_list *l);
void ws__rtree_list_free(ws_ctx *ctx, ws_rtree_list *l);
/* Starts the index of `table`; ws__rtree_add() adds to the latest one. */
ws_status ws__rtree_begin(ws_ctx *ctx, ws_rtree_list *l, const char *table);
/* A feature with a non-empty geometry (empty and NULL ones are not
 * indexed, as in GDAL's triggers). */
ws_status ws__rtree_add(ws_ctx *ctx, ws_rtree_list *l, int64_t fid, double minx,
                        double maxx, double miny, double maxy);
/* Opens the closed GeoPackage at `path` with SQLite and writes every index
 * of the list: virtual table, shadow tables, triggers, gpkg_extensions. */
ws_status ws__rtree_write(ws_ctx *ctx, const char *path,
                          const ws_rtree_list *l);

#endif /* WS_GPKG_RTREE_H */
