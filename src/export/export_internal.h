/* Shared parts of the writers: atomic output files and value formatting. */
#ifndef WS_EXPORT_INTERNAL_H
#define WS_EXPORT_INTERNAL_H

#include <time.h>

#include "../model/model_internal.h"
#include "wijkscan/export.h"

/* An output being written: data goes to `tmp` in the target directory and
 * ws__outfile_commit() renames it to `path`. */
typedef struct ws_outfile {
    char path[4096];
    char tmp[4096];
    int slot; /* in the registry of partial files, -1 when none */
} ws_outfile;

/* Check the target (directory exists and is writable, not an input of
 * `ds`, which may be NULL) and reserve a temporary name with the same
 * extension. */
ws_status ws__outfile_begin(ws_ctx *ctx, const ws_dataset *ds, const char *path,
                            ws_outfile *out);
/* The directory exists and is writable. */
ws_status ws__check_output_dir(ws_ctx *ctx, const char *dir);
/* Flush to disk and rename into place. */
ws_status ws__outfile_commit(ws_ctx *ctx, ws_outfile *out);
/* Remove the temporary file (after a failure). */
void ws__outfile_abort(ws_outfile *out);

/* Columns in output order: keys, indicators, statistics. Caller frees. */
ws_status ws__output_columns(ws_ctx *ctx, const ws_table *t, size_t **order,
                             size_t *n);
/* Shortest of "%.15g", "%.16g", "%.17g" that reads back as the same
 * double (most values without printf). */
void ws__format_double(double v, char *buf, size_t size);
/* "%.0f" (whole numbers without printf). */
void ws__format_integer(double v, char *buf, size_t size);

/* The rows of wijkscan_metadata, in order, each handed to fn (export_
 * metadata.c); config_hash may be NULL. */
typedef ws_status (*ws__kv_fn)(void *user, const char *key, const char *value);
ws_status ws__metadata_rows(const ws_dataset *ds, const char *config_hash,
                            ws__kv_fn fn, void *user);
/* "YYYY-MM-DDTHH:MM:SSZ" (UTC), as the GeoPackage's timestamps. */
void ws__iso_time(time_t t, char *buf, size_t size);
/* Modification time of the newest input: the GeoPackage's timestamps, so
 * that the same inputs give the same file. */
time_t ws__newest_input(const ws_dataset *ds);

/* The writers leave their files as temporaries; ws_export renames them all
 * into place once every one is complete (or removes them all). */
ws_status ws__export_gpkg(ws_ctx *ctx, const ws_dataset *ds,
                          const ws_export_options *opt, ws_outfile *of);
ws_status ws__export_csv(ws_ctx *ctx, const ws_dataset *ds,
                         const ws_export_options *opt,
                         ws_outfile *of /* [WS_LEVEL_COUNT] */);

#endif /* WS_EXPORT_INTERNAL_H */
