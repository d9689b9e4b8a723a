/* The load stage: reads the layer definitions, then the buurten (which fix
 * the region and its extent), the BAG dwellings inside that extent, the
 * voorzieningen around it (with a margin, so the nearest one across a
 * border counts) and the kerncijfers tables. */
#include <math.h>
#include <string.h>

#include "load_internal.h"

void ws_load_options_init(ws_load_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->amenity_margin = 10000.0;
    opt->region_name = "regio";
}

static ws_status check_options(ws_ctx *ctx, const ws_load_options *opt) {
    if (!opt->layers_dir)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "no layer definition directory given");
    if (!opt->bag.path)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "no BAG input given");
    if (!opt->buurten.path)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "no buurten input given");
    if (!(opt->amenity_margin >= 0) || !isfinite(opt->amenity_margin))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "voorzieningen margin must be a distance >= 0");
    return WS_OK;
}

static ws_status record_parameters(ws_dataset *ds, const ws_load_options *opt) {
    ws_strbuf sb;
    ws__sb_init(&sb, ds->ctx);
    for (size_t i = 0; i < opt->n_gemeenten; i++)
        ws__sb_appendf(&sb, "%s%s", i ? "," : "", opt->gemeenten[i]);
    const char *sel = ws__sb_str(&sb);
    ws_status st =
        sel ? ws__dataset_set_param(ds, "gemeenten", "%s", *sel ? sel : "alle")
            : WS_ERR_NOMEM;
    ws__sb_free(&sb);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "voorzieningen_marge_m", "%g",
                                   opt->amenity_margin);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "regionaam", "%s", opt->region_name);
    return st;
}

ws_status ws_load(ws_ctx *ctx, const ws_load_options *opt, ws_dataset **out) {
    if (!ctx || !opt || !out)
        return WS_ERR_INVALID_ARG;
    *out = NULL;
    ws_selection sel = {opt->gemeenten, opt->n_gemeenten};
    ws_status st = check_options(ctx, opt);
    if (st == WS_OK)
        st = ws__selection_validate(ctx, &sel);
    if (st != WS_OK)
        return st;
    ws_layerdefs defs;
    st = ws__layerdefs_load_dir(ctx, opt->layers_dir, &defs);
    if (st != WS_OK)
        return st;
    ws_dataset *ds = NULL;
    ws_bbox extent = {0};
    st = ws__dataset_new(ctx, &ds);
    if (st == WS_OK)
        st = ws__load_regions(ctx, ds, &opt->buurten, &defs, &sel,
                              opt->region_name ? opt->region_name : "regio",
                              &extent);
    if (st == WS_OK)
        st = ws__load_bag(ctx, ds, &opt->bag, &defs, &sel, &extent);
    ws_bbox area = extent;
    area.minx -= opt->amenity_margin;
    area.miny -= opt->amenity_margin;
    area.maxx += opt->amenity_margin;
    area.maxy += opt->amenity_margin;
    for (size_t i = 0; st == WS_OK && i < opt->n_voorzieningen; i++)
        st = ws__load_amenities(ctx, ds, &opt->voorzieningen[i], &defs, &area);
    for (size_t i = 0; st == WS_OK && i < opt->n_kerncijfers; i++)
        st = ws__load_kerncijfers(ctx, ds, &opt->kerncijfers[i], &defs);
    if (st == WS_OK)
        st = record_parameters(ds, opt);
    ws__layerdefs_free(ctx, &defs);
    if (st != WS_OK) {
        ws__error_prefix(ctx, "load");
        ws_dataset_free(ds);
        return st;
    }
    *out = ds;
    return WS_OK;
}
