/**
 * \file dataset.h
 * The central data object. A ws_dataset holds
 *  - the dwellings (BAG verblijfsobjecten with woonfunctie and a live status)
 *    as flat columns, never one geometry object each;
 *  - the voorzieningen as categorised points;
 *  - one attribute table per level (buurt, wijk, gemeente, regio), one row
 *    per region code, with a geometry per row (held internally as GEOS).
 *
 * Values can be missing *with a reason* (ws_missing); a missing value is
 * never stored as 0. A dataset is used only with the ctx that created it.
 */
#ifndef WIJKSCAN_DATASET_H
#define WIJKSCAN_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_dataset ws_dataset;
typedef struct ws_table ws_table;

/** Aggregation levels, finest first. */
typedef enum ws_level {
    WS_LEVEL_BUURT = 0,
    WS_LEVEL_WIJK = 1,
    WS_LEVEL_GEMEENTE = 2,
    WS_LEVEL_REGIO = 3
} ws_level;
#define WS_LEVEL_COUNT 4

/** Name of a level as used for output layers: "buurten", "wijken", … \since 0.1
 */
WS_API const char *ws_level_layer_name(ws_level level);

/* X(id, value, key, Dutch label) — why a value is missing. Append only. */
#define WS_MISSING_MAP(X)                                                      \
    X(WS_PRESENT, 0, "aanwezig", "aanwezig")                                   \
    X(WS_MISSING_EMPTY, 1, "leeg", "geen waarde in de bron")                   \
    X(WS_MISSING_SECRET, 2, "geheim", "geheim of niet aanwezig (CBS -99997)")  \
    X(WS_MISSING_LATER, 3, "later_gepubliceerd",                               \
      "wordt later gepubliceerd (CBS -99995)")                                 \
    X(WS_MISSING_DISCONTINUED, 4, "niet_meer_gepubliceerd",                    \
      "niet meer gepubliceerd (CBS -99991)")                                   \
    X(WS_MISSING_NODATA, 5, "geen_gegevens", "geen gegevens (CBS-code)")       \
    X(WS_MISSING_NO_DWELLINGS, 6, "geen_woningen", "geen woningen")            \
    X(WS_MISSING_UNKNOWN_VALUES, 7, "onbekend_in_bag",                         \
      "geen woning met bekende waarde in de BAG")                              \
    X(WS_MISSING_NO_AMENITIES, 8, "geen_voorzieningen",                        \
      "geen voorzieningen van deze categorie in de invoer")                    \
    X(WS_MISSING_NO_MATCH, 9, "niet_gekoppeld",                                \
      "code niet gevonden in de gekoppelde tabel")                             \
    X(WS_MISSING_SUPPRESSED, 10, "te_weinig",                                  \
      "te weinig woningen of inwoners")                                        \
    X(WS_MISSING_LOW_COVERAGE, 11, "onvoldoende_dekking",                      \
      "te weinig indicatoren met een waarde")                                  \
    X(WS_MISSING_UNDEFINED, 12, "niet_berekenbaar",                            \
      "niet te berekenen (deling door nul)")                                   \
    X(WS_MISSING_NOT_IN_INPUT, 13, "niet_in_invoer",                           \
      "kolom ontbreekt in de invoer")

typedef enum ws_missing {
#define WS_MISSING_ENUM_(id, value, key, label) id = (value),
    WS_MISSING_MAP(WS_MISSING_ENUM_)
#undef WS_MISSING_ENUM_
} ws_missing;

/** Machine key of a missing reason ("geheim", …). \since 0.1 */
WS_API const char *ws_missing_key(ws_missing m);
/** Dutch label of a missing reason, for legends and reports. \since 0.1 */
WS_API const char *ws_missing_label(ws_missing m);

/** Column types. Integers are stored as REAL (exact up to 2^53). */
typedef enum ws_coltype { WS_COL_REAL = 0, WS_COL_TEXT = 1 } ws_coltype;

/* --- tables ---------------------------------------------------------- */

/** Number of rows. \since 0.1 */
WS_API size_t ws_table_nrows(const ws_table *t);
/** Number of columns. \since 0.1 */
WS_API size_t ws_table_ncols(const ws_table *t);
/** Column name (borrowed). \since 0.1 */
WS_API const char *ws_table_col_name(const ws_table *t, size_t col);
/** Column type. \since 0.1 */
WS_API ws_coltype ws_table_col_type(const ws_table *t, size_t col);
/** Index of a column by exact name, or -1. \since 0.1 */
WS_API long ws_table_find(const ws_table *t, const char *name);
/**
 * Read a REAL cell. On WS_PRESENT *value is set; otherwise it is NaN and the
 * return value says why the value is missing.
 * \since 0.1
 */
WS_API ws_missing ws_table_get_real(const ws_table *t, size_t col, size_t row,
                                    double *value);
/** Read a TEXT cell (borrowed); NULL when missing. \since 0.1 */
WS_API const char *ws_table_get_text(const ws_table *t, size_t col, size_t row);
/** Row index of a region code in a level table (by its code column), or -1. */
WS_API long ws_table_find_row(const ws_table *t, const char *code);

/* --- datasets -------------------------------------------------------- */

/** Free a dataset. NULL is a harmless no-op. \since 0.1 */
WS_API void ws_dataset_free(ws_dataset *ds);

/** The attribute table of a level (borrowed; valid while ds lives). \since 0.1
 */
WS_API const ws_table *ws_dataset_level_ref(const ws_dataset *ds,
                                            ws_level level);
/** Number of dwellings loaded. \since 0.1 */
WS_API size_t ws_dataset_dwelling_count(const ws_dataset *ds);
/** Number of dwellings that fall in no buurt (after the join). \since 0.1 */
WS_API size_t ws_dataset_dwellings_outside(const ws_dataset *ds);
/** Number of voorzieningen loaded. \since 0.1 */
WS_API size_t ws_dataset_amenity_count(const ws_dataset *ds);
/** Number of voorzieningen categories. \since 0.1 */
WS_API size_t ws_dataset_category_count(const ws_dataset *ds);
/** Name of voorzieningen category i (borrowed). \since 0.1 */
WS_API const char *ws_dataset_category_name(const ws_dataset *ds, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_DATASET_H */
