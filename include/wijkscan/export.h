/**
 * \file export.h
 * Export stage: write the level tables (buurten, wijken, gemeenten, regio)
 * with their geometry to a GeoPackage, with metadata tables that record the
 * wijkscan version, every input file (name, size, modification time, layer,
 * feature count), the parameters, a hash of the configuration and the reason
 * of every missing value; and the same tables as CSV.
 *
 * Every output is written to a temporary file in the target directory and
 * renamed into place when complete: an existing file is only ever replaced by
 * a complete new one, and an input file is never overwritten.
 */
#ifndef WIJKSCAN_EXPORT_H
#define WIJKSCAN_EXPORT_H

#include <stdbool.h>

#include "context.h"
#include "dataset.h"
#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of ws_export(). Call ws_export_options_init() first. */
typedef struct ws_export_options {
    /** GeoPackage to write, or NULL for none. */
    const char *gpkg_path;
    /** Directory for CSV files (one per level, named after the GeoPackage
     *  stem or "wijkscan"), or NULL for none. */
    const char *csv_dir;
    /** Stem of the CSV file names; default: the GeoPackage's, else "wijkscan".
     */
    const char *csv_stem;
    /** CSV for Dutch spreadsheets: ';' separator and decimal comma. */
    bool csv_dutch;
    /** Hash of the configuration (project file and layer definitions), as
     *  recorded in the metadata; NULL to leave it out. */
    const char *config_hash;
} ws_export_options;

/** Fill defaults. \since 0.1 */
WS_API void ws_export_options_init(ws_export_options *opt);

/**
 * Write the dataset's tables.
 * \return WS_OK, WS_ERR_IO_WRITE (naming the path), WS_ERR_NOMEM.
 * \since 0.1
 */
WS_API ws_status ws_export(ws_ctx *ctx, const ws_dataset *ds,
                           const ws_export_options *opt);

/**
 * Remove temporary output files that are still being written. Safe to call
 * from a signal handler (SIGINT/SIGTERM), which is what it is for.
 * \since 0.1
 */
WS_API void ws_remove_partial_outputs(void);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_EXPORT_H */
