/* Internal layout of ws_dataset and ws_table, shared by the pipeline stages.
 * Points are flat columns (struct of arrays); region polygons are GEOS
 * geometries owned by the level, created with the dataset's ctx. */
#ifndef WS_MODEL_INTERNAL_H
#define WS_MODEL_INTERNAL_H

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../core/core_internal.h"
#include "wijkscan/dataset.h"

typedef struct ws_column {
    char *name;
    ws_coltype type;
    double *real;     /* WS_COL_REAL: value, NaN when missing */
    char **text;      /* WS_COL_TEXT: owned strings, NULL when missing */
    uint8_t *missing; /* ws_missing per row */
    uint8_t role;     /* ws_colrole: orders the output columns */
    bool integer;     /* REAL column whose values are whole numbers */
} ws_column;

/* What a column is; the export writes keys, then the theme scores, the
 * indicators, the normalised indicators and the carried statistics. */
typedef enum ws_colrole {
    WS_ROLE_KEY = 0,
    WS_ROLE_INDICATOR = 1,
    WS_ROLE_STATISTIC = 2,
    WS_ROLE_SCORE = 3,     /* score_*, rang_*, gevoeligheid_* */
    WS_ROLE_NORMALISED = 4 /* norm_* */
} ws_colrole;

struct ws_table {
    ws_ctx *ctx;
    size_t nrows, rowcap;
    size_t ncols, colcap;
    ws_column *cols;
    long code_col; /* column holding the region code, -1 if none */
    ws_hash code_index;
    bool indexed;
};

ws_status ws__table_new(ws_ctx *ctx, ws_table **out);
void ws__table_free(ws_table *t);
/* Append n rows; every cell of the new rows is missing (WS_MISSING_EMPTY). */
ws_status ws__table_add_rows(ws_table *t, size_t n);
/* Add a column (or return the existing one of that name and type). */
ws_status ws__table_add_col(ws_table *t, const char *name, ws_coltype type,
                            size_t *col);
void ws__table_set_role(ws_table *t, size_t col, ws_colrole role, bool integer);
void ws__table_set_real(ws_table *t, size_t col, size_t row, double v);
void ws__table_set_missing(ws_table *t, size_t col, size_t row, ws_missing m);
ws_status ws__table_set_text(ws_table *t, size_t col, size_t row,
                             const char *s);
/* Store a statistic from a CBS product: any value <= -99990 becomes missing
 * with the matching reason (-99997 geheim, -99995 later, -99991 niet meer,
 * other codes "geen gegevens"). */
void ws__table_set_cbs(ws_table *t, size_t col, size_t row, double v);
/* Declare which column holds the region code and build the code index;
 * duplicates are reported as WS_ERR_DATA_DUPLICATE_KEY naming `what`. */
ws_status ws__table_index_codes(ws_table *t, size_t code_col, const char *what);
/* Remove rows whose keep[row] is false (order of the others is kept). */
void ws__table_filter_rows(ws_table *t, const bool *keep);

/* --- one level of regions ---------------------------------------------- */
typedef struct ws__level {
    ws_table *table;     /* codes, names, statistics, indicators */
    GEOSGeometry **geom; /* nrows; NULL when the level has no geometry */
    size_t geom_cap;
    long *parent[WS_LEVEL_COUNT]; /* row of the containing region per level */
} ws__level;

/* Canonical column names in level tables. */
#define WS_COL_BUURTCODE "buurtcode"
#define WS_COL_BUURTNAAM "buurtnaam"
#define WS_COL_WIJKCODE "wijkcode"
#define WS_COL_WIJKNAAM "wijknaam"
#define WS_COL_GEMEENTECODE "gemeentecode"
#define WS_COL_GEMEENTENAAM "gemeentenaam"
#define WS_COL_REGIOCODE "regiocode"
#define WS_COL_REGIONAAM "regionaam"

/* --- dwellings: BAG verblijfsobjecten that are woningen ----------------- */
typedef struct ws__dwellings {
    size_t n, cap;
    double *x, *y;      /* RD New metres */
    float *oppervlakte; /* m²; NaN unknown (NULL, <= 1 placeholder) */
    int16_t *bouwjaar;  /* 0 unknown (NULL, 9999) */
    uint64_t *pand_id;  /* numeric part of the pand identificatie; 0 unknown */
    float *pand_opp; /* footprint (m²) of the dwelling's pand; NaN unknown */
    int32_t *buurt;  /* row in the buurt level; -1 outside every buurt */
} ws__dwellings;

/* --- voorzieningen -------------------------------------------------------- */
typedef struct ws__amenities {
    size_t n, cap;
    double *x, *y;
    uint16_t *cat; /* index into ws_dataset.categories */
} ws__amenities;

/* --- provenance of every input, for the metadata table ------------------- */
typedef struct ws__input_info {
    char *role; /* "bag", "buurten", "voorzieningen", "kerncijfers", … */
    char *path;
    char *layer;
    char *definition; /* layer definition file used */
    long long size;
    time_t mtime;
    size_t features;
} ws__input_info;

typedef struct ws__param {
    char *key, *value;
} ws__param;

/* Description of an indicator or score column, for the table
 * wijkscan_indicatoren (and so for legends, reports and `explain`). */
typedef struct ws__colinfo {
    char *kolom, *thema, *label, *definitie, *eenheid, *richting, *normalisatie,
        *bron;
    double gewicht; /* NaN when not weighted */
} ws__colinfo;

struct ws_dataset {
    ws_ctx *ctx;
    ws__level levels[WS_LEVEL_COUNT];
    ws__dwellings dw;
    ws__amenities am;
    char **categories;
    size_t ncat, catcap;
    float **dist; /* [ncat][dw.n] straight-line distance, NaN when none */
    ws__input_info *inputs;
    size_t ninputs, inputcap;
    ws__param *params;
    size_t nparams, paramcap;
    ws__colinfo *colinfo;
    size_t ncolinfo, colinfocap;
    /* data-quality counts, reported and written to the metadata */
    size_t n_outside;          /* dwellings in no buurt */
    size_t n_invalid_repaired; /* polygons repaired with MakeValid */
    size_t n_water_dropped;    /* water = 'JA' rows dropped */
    size_t n_vbo_read;         /* verblijfsobject rows read */
    size_t n_vbo_rejected;     /* rows that are not a live dwelling */
    /* GEOS fills some caches of a geometry on first use (its envelope and
     * those of its parts, a coordinate sequence's dimension): once this is
     * set they are all filled, so threads may read the level geometries
     * at the same time (ws__dataset_fill_geos_caches) */
    atomic_bool geos_caches_filled;
    /* unique in the process (a freed dataset's address may come back):
     * what a map's cached data of this dataset is keyed by */
    uint64_t serial;
    /* what the threads drawing maps of this dataset share (map_data_mem.c:
     * boundary networks), made under shared_lock by the first that needs
     * it and freed with the dataset */
    pthread_mutex_t shared_lock;
    void *shared;
    void (*shared_free)(ws_ctx *ctx, void *shared);
};

ws_status ws__dataset_new(ws_ctx *ctx, ws_dataset **out);
/* Fill the lazy GEOS caches of every level geometry (see
 * geos_caches_filled) with GEOS handle h, while no other thread reads
 * them, so that from then on reading them writes nothing. ws_pipeline_run
 * does it for the dataset it keeps. */
void ws__dataset_fill_geos_caches(ws_dataset *ds, GEOSContextHandle_t h);
/* The same for one geometry (and its parts and rings). */
void ws__geos_fill_caches(GEOSContextHandle_t h, const GEOSGeometry *g);
/* Move the dwellings of `from` (a dataset the BAG was loaded into on
 * another thread, whose context shares ds's C-library allocator) into ds,
 * which has none yet, with their counts, inputs and parameters; `from`
 * keeps the rest, to be freed by the caller. */
ws_status ws__dataset_take_dwellings(ws_dataset *ds, ws_dataset *from);
/* Append the dwellings of `from` (read on another thread, into a context
 * that shares ds's C-library allocator) after those of ds, with its count
 * of rejected rows; `from` keeps its own, to be freed by the caller. */
ws_status ws__dataset_append_dwellings(ws_dataset *ds, const ws_dataset *from);
/* Make room for `n` dwellings in all (every column together), so that a
 * reader that knows how many rows follow grows the columns once. */
ws_status ws__dataset_reserve_dwellings(ws_dataset *ds, size_t n);
/* Append a dwelling into reserved room (ws__dataset_reserve_dwellings). */
static inline void ws__dataset_push_dwelling(ws_dataset *ds, double x, double y,
                                             float opp, int16_t bouwjaar,
                                             uint64_t pand_id) {
    ws__dwellings *d = &ds->dw;
    d->x[d->n] = x;
    d->y[d->n] = y;
    d->oppervlakte[d->n] = opp;
    d->bouwjaar[d->n] = bouwjaar;
    d->pand_id[d->n] = pand_id;
    d->pand_opp[d->n] = NAN; /* filled from the pand layer, if any */
    d->buurt[d->n] = -1;
    d->n++;
}
ws_status ws__dataset_add_dwelling(ws_dataset *ds, double x, double y,
                                   float opp, int16_t bouwjaar,
                                   uint64_t pand_id);
/* Describe a column (strings are copied; NULL stays NULL). */
ws_status ws__dataset_add_colinfo(ws_dataset *ds, const ws__colinfo *info);
/* Index of a category, added if absent. */
ws_status ws__dataset_category(ws_dataset *ds, const char *name, size_t *idx);
ws_status ws__dataset_add_amenity(ws_dataset *ds, double x, double y,
                                  size_t cat);
ws_status ws__dataset_add_input(ws_dataset *ds, const char *role,
                                const char *path, const char *layer,
                                const char *definition, size_t features);
ws_status ws__dataset_set_param(ws_dataset *ds, const char *key,
                                const char *fmt, ...) WS_PRINTF(3, 4);
/* Make the level table with its code/name columns if not there yet. */
ws_status ws__level_init(ws_dataset *ds, ws_level level);
/* Append a region row with geometry (ownership of geom is taken). */
ws_status ws__level_add_region_take(ws_dataset *ds, ws_level level,
                                    GEOSGeometry *geom, size_t *row);
const char *ws__level_code_col(ws_level level);
/* Keep only the buurten, wijken and gemeenten of the selection (a
 * ws_selection from filter.h); the regio row stays. */
struct ws_selection;
ws_status ws__dataset_restrict(ws_dataset *ds, const struct ws_selection *sel);
const char *ws__level_name_col(ws_level level);

#endif /* WS_MODEL_INTERNAL_H */
