/* The export stage: GeoPackage and/or CSV. Every file is written to a
 * temporary name first; only when all of them are complete are they renamed
 * into place, so a failure (disk full, out of memory) leaves neither a
 * partial file nor a new GeoPackage beside old CSV files. */
#include <string.h>

#include "export_internal.h"

void ws_export_options_init(ws_export_options *opt) {
    memset(opt, 0, sizeof *opt);
}

ws_status ws_export(ws_ctx *ctx, const ws_dataset *ds,
                    const ws_export_options *opt) {
    if (!ctx || !ds || !opt)
        return WS_ERR_INVALID_ARG;
    for (int lv = 0; lv < WS_LEVEL_COUNT; lv++)
        if (!ds->levels[lv].table)
            return ws__error(ctx, WS_ERR_MISUSE,
                             "export: the dataset has no %s level",
                             ws_level_layer_name((ws_level)lv));
    if (!opt->gpkg_path && !opt->csv_dir)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "export: no output (GeoPackage or CSV) requested");
    /* Check every target before writing any, so that a bad CSV directory
     * does not leave a new GeoPackage beside an old set of CSV files. */
    ws_status st =
        opt->csv_dir ? ws__check_output_dir(ctx, opt->csv_dir) : WS_OK;
    if (st != WS_OK) {
        ws__error_prefix(ctx, "export");
        return st;
    }
    ws_outfile files[1 + WS_LEVEL_COUNT]; /* GeoPackage, then the CSVs */
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        files[i].tmp[0] = '\0';
        files[i].slot = -1;
    }
    if (opt->gpkg_path)
        st = ws__export_gpkg(ctx, ds, opt, &files[0]);
    if (st == WS_OK && opt->csv_dir)
        st = ws__export_csv(ctx, ds, opt, &files[1]);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!files[i].tmp[0])
            continue;
        if (st == WS_OK)
            st = ws__outfile_commit(ctx, &files[i]);
        else
            ws__outfile_abort(&files[i]);
    }
    if (st != WS_OK)
        ws__error_prefix(ctx, "export");
    return st;
}
