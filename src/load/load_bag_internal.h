/* The BAG verblijfsobject readers (load_bag.c, load_bag_sqlite.c): the
 * fields they read, what they count, and one row as either reader finds it,
 * so that every reader applies the same rules in the same order
 * (ws__bag_take_row). Never installed. */
#ifndef WS_LOAD_BAG_INTERNAL_H
#define WS_LOAD_BAG_INTERNAL_H

#include "load_internal.h"

/* Field indexes in the source layer; -1 when absent. */
typedef struct bag_fields {
    int use, status, opp, bouwjaar, pand, gemeente;
    int *current; /* the end dates of LVBAG history */
    size_t ncurrent;
    bool use_is_list;
} bag_fields;

typedef struct bag_counts {
    size_t read, no_location, bad_coordinates, other_gemeente, outside_box;
} bag_counts;

/* One row's values. Texts are bytes without a terminator, NULL when null;
 * they need only live until ws__bag_take_row returns. */
typedef struct bag_row {
    const char *use, *status;
    size_t use_len, status_len;
    bool current;     /* every end date null or empty */
    bool selected;    /* in the gemeente selection, or there is none */
    double opp;       /* NaN: null or no such field */
    double bouwjaar;  /* 0: null or no such field */
    const char *pand; /* a text pand id, or NULL */
    size_t pand_len;
    double pand_number;       /* a numeric pand id; NaN when null */
    const unsigned char *wkb; /* the point as WKB; NULL: no geometry */
    size_t wkb_len;
} bag_row;

/* The dwelling rule's last answer (BAG rows come in long runs of the same
 * gebruiksdoel and status). Zero-initialise. */
typedef struct bag_rule_cache {
    char use[1024], status[256];
    size_t use_len, status_len;
    bool known, result;
} bag_rule_cache;

/* Count the row, and push it into room reserved in ds when it is a
 * dwelling with a usable point. WS_ERR_UNSUPPORTED (recorded nowhere) when
 * its geometry is not a point or cannot be parsed: the per-feature reader
 * must then read the layer and report it. */
ws_status ws__bag_take_row(ws_dataset *ds, const ws_layerdef *def,
                           bag_rule_cache *rc, const bag_row *r,
                           bag_counts *cnt);

/* Read the rows of a GeoPackage table with SQLite itself, on up to
 * ws__threads_for threads over ranges of its fid, in the table's order:
 * all of them, or with a selection (by the layer's gemeente field) those
 * the condition `rules` (the filter GDAL gets, gemeenten included) lets
 * through, so that the counts are GDAL's. WS_ERR_UNSUPPORTED (recorded
 * nowhere; the caller undoes the rows added) when the layer or any value
 * in it is not what this reader handles — a gebruiksdoel list and a selection
 * by box among them: then GDAL reads it. */
ws_status ws__bag_read_sqlite(ws_ctx *ctx, ws_dataset *ds, const ws_source *src,
                              const ws_layerdef *def, const bag_fields *f,
                              const ws_selection *sel, const char *rules,
                              bag_counts *cnt);

/* Rows from which a layer is read in parts (200,000; the GDAL
 * configuration option WS_BAG_SPLIT_MIN_ROWS sets another). */
long long ws__bag_split_min_rows(void);

#endif /* WS_LOAD_BAG_INTERNAL_H */
