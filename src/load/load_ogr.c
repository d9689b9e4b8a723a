/* Opening inputs through GDAL/OGR: read-only, with errors that tell a missing
 * file from an unreadable one, a missing layer (listing the layers there are)
 * from a missing field, and a layer without CRS from one in another CRS
 * (which is transformed to RD New). Also recognises which product a layer
 * is, by the layer definitions' match lists. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>

#include "load_internal.h"

void ws__bbox_add(ws_bbox *b, double minx, double miny, double maxx,
                  double maxy) {
    if (!b->set) {
        b->minx = minx;
        b->miny = miny;
        b->maxx = maxx;
        b->maxy = maxy;
        b->set = true;
        return;
    }
    if (minx < b->minx)
        b->minx = minx;
    if (miny < b->miny)
        b->miny = miny;
    if (maxx > b->maxx)
        b->maxx = maxx;
    if (maxy > b->maxy)
        b->maxy = maxy;
}

bool ws__bbox_contains(const ws_bbox *b, double x, double y) {
    return !b->set ||
           (x >= b->minx && x <= b->maxx && y >= b->miny && y <= b->maxy);
}

bool ws__is_csv_path(const char *path) {
    const char *dot = strrchr(path, '.');
    return dot &&
           (ws__streq_nocase(dot, ".csv") || ws__streq_nocase(dot, ".txt") ||
            ws__streq_nocase(dot, ".tsv"));
}

ws_status ws__source_read_errors(ws_ctx *ctx, const ws_source *src) {
    if (!ws__gdal_msg(ctx)[0])
        return WS_OK;
    return ws__error(
        ctx, WS_ERR_FORMAT_NOT_SPATIAL, "%s: layer '%s': reading failed: %s",
        src->path, src->layer_name ? src->layer_name : "?", ws__gdal_msg(ctx));
}

const char *ws__gdal_reason(ws_ctx *ctx) {
    const char *m = ws__gdal_msg(ctx);
    return m[0] ? m : "GDAL gave no reason";
}

static bool is_gdal_connection(const char *path) {
    /* PG:, /vsizip/, WFS: … are not plain files; let GDAL judge them. */
    return strncmp(path, "/vsi", 4) == 0 || strchr(path, ':') != NULL;
}

ws_status ws__source_open(ws_ctx *ctx, const char *path, ws_source *src) {
    memset(src, 0, sizeof *src);
    src->path = path;
    struct stat st;
    if (!is_gdal_connection(path)) {
        if (stat(path, &st) != 0)
            return ws__error(ctx,
                             errno == ENOENT ? WS_ERR_IO_NOT_FOUND : WS_ERR_IO,
                             "%s: cannot open: %s", path, strerror(errno));
        if (S_ISDIR(st.st_mode))
            return ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                             "%s: is a directory, expected a data file", path);
        if (st.st_size == 0)
            return ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                             "%s: file is empty (0 bytes)", path);
    }
    ws__gdal_register();
    ws__gdal_begin(ctx);
    src->ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ws__gdal_end(ctx);
    if (!src->ds)
        return ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                         "%s: not a readable vector data file (%s)", path,
                         ws__gdal_reason(ctx));
    if (GDALDatasetGetLayerCount(src->ds) == 0) {
        ws__source_close(src);
        return ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                         "%s: contains no vector layers", path);
    }
    return WS_OK;
}

/* Forget the transformation of a previous layer of the same source. */
static void reset_crs(ws_source *src) {
    if (src->to_rd)
        OCTDestroyCoordinateTransformation(src->to_rd);
    if (src->srs_rd)
        OSRDestroySpatialReference(src->srs_rd);
    if (src->srs_assumed)
        OSRDestroySpatialReference(src->srs_assumed);
    src->to_rd = NULL;
    src->srs_rd = src->srs_assumed = NULL;
    src->is_rd = false;
}

void ws__source_close(ws_source *src) {
    reset_crs(src);
    if (src->ds && !src->borrowed_ds)
        GDALClose(src->ds);
    memset(src, 0, sizeof *src);
}

static void list_layers(ws_source *src, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    int n = GDALDatasetGetLayerCount(src->ds);
    for (int i = 0; i < n && o + 4 < size; i++) {
        OGRLayerH l = GDALDatasetGetLayer(src->ds, i);
        int w = snprintf(buf + o, size - o, "%s'%s'", i ? ", " : "",
                         OGR_L_GetName(l));
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static void use_layer(ws_source *src, OGRLayerH l) {
    src->layer = l;
    src->layer_name = OGR_L_GetName(l);
    src->defn = OGR_L_GetLayerDefn(l);
}

ws_status ws__source_pick_layer(ws_ctx *ctx, ws_source *src,
                                const char *explicit_name,
                                const ws_strlist *candidates) {
    char names[512];
    if (explicit_name && *explicit_name) {
        OGRLayerH l = GDALDatasetGetLayerByName(src->ds, explicit_name);
        if (!l) {
            list_layers(src, names, sizeof names);
            return ws__error(ctx, WS_ERR_DATA_NO_LAYER,
                             "%s: layer '%s' not found (layers: %s)", src->path,
                             explicit_name, names);
        }
        use_layer(src, l);
        return WS_OK;
    }
    for (size_t i = 0; candidates && i < candidates->n; i++) {
        OGRLayerH l = GDALDatasetGetLayerByName(src->ds, candidates->v[i]);
        if (l) {
            use_layer(src, l);
            return WS_OK;
        }
    }
    if (GDALDatasetGetLayerCount(src->ds) == 1) {
        use_layer(src, GDALDatasetGetLayer(src->ds, 0));
        return WS_OK;
    }
    list_layers(src, names, sizeof names);
    return ws__error(ctx, WS_ERR_DATA_NO_LAYER,
                     "%s: none of the expected layers found (layers: %s); "
                     "name one with FILE:LAYER",
                     src->path, names);
}

ws_status ws__source_sibling(ws_ctx *ctx, const ws_source *parent,
                             OGRLayerH layer, const char *assumed_crs,
                             ws_source *out) {
    memset(out, 0, sizeof *out);
    out->path = parent->path;
    out->ds = parent->ds;
    out->borrowed_ds = true;
    use_layer(out, layer);
    return ws__source_prepare_crs(ctx, out, assumed_crs);
}

int ws__source_field(const ws_source *src, const char *name) {
    return name ? OGR_FD_GetFieldIndex(src->defn, name) : -1;
}

ws_status ws__source_require_field(ws_ctx *ctx, const ws_source *src,
                                   const char *name, const char *purpose,
                                   int *idx) {
    *idx = ws__source_field(src, name);
    if (*idx < 0)
        return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s': field '%s' not found (needed for "
                         "%s)",
                         src->path, src->layer_name, name, purpose);
    return WS_OK;
}

bool ws__source_matches(const ws_source *src, const ws_layerdef *def) {
    if (def->driver) {
        GDALDriverH drv = GDALGetDatasetDriver(src->ds);
        if (!drv || !ws__streq_nocase(GDALGetDriverShortName(drv), def->driver))
            return false;
    }
    for (size_t i = 0; i < def->match.n; i++)
        if (ws__source_field(src, def->match.v[i]) < 0)
            return false;
    return true;
}

static OGRSpatialReferenceH srs_from_user(const char *def) {
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (s && OSRSetFromUserInput(s, def) != OGRERR_NONE) {
        OSRDestroySpatialReference(s);
        return NULL;
    }
    if (s)
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

ws_status ws__source_prepare_crs(ws_ctx *ctx, ws_source *src,
                                 const char *assumed_crs) {
    reset_crs(src);
    /* a source without a layer (a CSV list) has only the assumed CRS */
    OGRSpatialReferenceH layer_srs =
        src->layer ? OGR_L_GetSpatialRef(src->layer) : NULL;
    ws__gdal_begin(ctx);
    ws_status st = WS_OK;
    if (!layer_srs) {
        if (!assumed_crs) {
            st = ws__error(ctx, WS_ERR_CRS_MISSING,
                           "%s: layer '%s' has no coordinate reference "
                           "system; state one in its layer definition (crs: "
                           "EPSG:28992)",
                           src->path, src->layer_name);
            goto done;
        }
        src->srs_assumed = srs_from_user(assumed_crs);
        if (!src->srs_assumed) {
            st = ws__error(ctx, WS_ERR_CRS, "%s: layer '%s': unknown CRS '%s'",
                           src->path, src->layer_name, assumed_crs);
            goto done;
        }
        layer_srs = src->srs_assumed;
    }
    src->srs_rd = srs_from_user("EPSG:28992");
    if (!src->srs_rd) {
        st = ws__error(ctx, WS_ERR_CRS,
                       "cannot create EPSG:28992 (is proj-data installed?): %s",
                       ws__gdal_reason(ctx));
        goto done;
    }
    const char *auth = OSRGetAuthorityName(layer_srs, NULL);
    const char *code = OSRGetAuthorityCode(layer_srs, NULL);
    src->is_rd = (auth && code && strcmp(auth, "EPSG") == 0 &&
                  strcmp(code, "28992") == 0) ||
                 OSRIsSame(layer_srs, src->srs_rd);
    if (src->is_rd)
        goto done;
    OGRSpatialReferenceH from = OSRClone(layer_srs);
    OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
    src->to_rd = OCTNewCoordinateTransformation(from, src->srs_rd);
    OSRDestroySpatialReference(from);
    if (!src->to_rd)
        st = ws__error(ctx, WS_ERR_CRS,
                       "%s: layer '%s': cannot transform to EPSG:28992: %s",
                       src->path, src->layer_name, ws__gdal_reason(ctx));
done:
    ws__gdal_end(ctx);
    return st;
}

ws_status ws__source_to_rd(ws_ctx *ctx, ws_source *src, double *x, double *y,
                           size_t n) {
    if (!src->to_rd || n == 0)
        return WS_OK;
    const size_t chunk = 65536;
    int *ok = ws__malloc(ctx, chunk * sizeof *ok);
    if (!ok)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < n; i += chunk) {
        size_t m = n - i < chunk ? n - i : chunk;
        OCTTransformEx(src->to_rd, (int)m, x + i, y + i, NULL, ok);
        /* a point PROJ cannot transform is left non-finite: the caller
         * counts it as unusable instead of placing it anywhere */
        for (size_t j = 0; j < m; j++)
            if (!ok[j])
                x[i + j] = y[i + j] = (double)NAN;
    }
    ws__free(ctx, ok);
    return WS_OK;
}

ws_status ws__recognise(ws_ctx *ctx, ws_source *src, const ws_input *in,
                        const ws_layerdefs *defs, ws_defkind kind,
                        const char *role, const ws_layerdef **def,
                        ws_layerdef **owned) {
    *def = NULL;
    *owned = NULL;
    if (in->definition) {
        ws_status st = ws__layerdef_load(ctx, in->definition, owned);
        if (st != WS_OK)
            return st;
        if ((*owned)->kind != kind)
            return ws__error(ctx, WS_ERR_FORMAT,
                             "%s: is a '%s' definition, but %s needs '%s'",
                             in->definition, ws__defkind_name((*owned)->kind),
                             role, ws__defkind_name(kind));
        *def = *owned;
        return WS_OK;
    }
    size_t best_score = 0;
    for (size_t i = 0; i < defs->n; i++) {
        const ws_layerdef *d = defs->defs[i];
        if (d->kind != kind || !ws__source_matches(src, d))
            continue;
        size_t score = d->match.n + (d->driver ? 1 : 0) + 1;
        if (score > best_score) {
            best_score = score;
            *def = d;
        }
    }
    if (*def)
        return WS_OK;
    return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                     "%s: layer '%s' is not recognised as %s: no layer "
                     "definition of kind '%s' matches its fields (add one to "
                     "layers/ or pass --%s-def)",
                     src->path, src->layer_name, role, ws__defkind_name(kind),
                     role);
}

/* Layer candidates of a definition for the role's main layer. */
static const ws_strlist *candidate_layers(const ws_layerdef *d) {
    if (d->kind == WS_DEF_CBS_REGIONS)
        return &d->level[0].layers;
    return &d->layers;
}

ws_status ws__open_input(ws_ctx *ctx, const ws_input *in,
                         const ws_layerdefs *defs, ws_defkind kind,
                         const char *role, ws_source *src,
                         const ws_layerdef **def, ws_layerdef **owned) {
    *def = NULL;
    *owned = NULL;
    ws_status st = ws__source_open(ctx, in->path, src);
    if (st != WS_OK)
        return st;
    if (in->layer || in->definition) {
        if (in->definition &&
            (st = ws__recognise(ctx, src, in, defs, kind, role, def, owned)))
            return st;
        st = ws__source_pick_layer(ctx, src, in->layer,
                                   *def ? candidate_layers(*def) : NULL);
        if (st == WS_OK && !*def)
            st = ws__recognise(ctx, src, in, defs, kind, role, def, owned);
        if (st == WS_OK && in->definition && !ws__source_matches(src, *def))
            ws__warn(ctx,
                     "%s: layer '%s' lacks some fields that %s expects; "
                     "using it as told",
                     in->path, src->layer_name, in->definition);
        return st;
    }
    /* No layer named: try each definition's candidate layers in turn. */
    for (size_t i = 0; i < defs->n; i++) {
        const ws_layerdef *d = defs->defs[i];
        if (d->kind != kind)
            continue;
        const ws_strlist *cand = candidate_layers(d);
        for (size_t j = 0; j < cand->n; j++) {
            OGRLayerH l = GDALDatasetGetLayerByName(src->ds, cand->v[j]);
            if (!l)
                continue;
            use_layer(src, l);
            if (ws__recognise(ctx, src, in, defs, kind, role, def, owned) ==
                WS_OK)
                return WS_OK;
            ws_ctx_clear_error(ctx);
        }
    }
    st = ws__source_pick_layer(ctx, src, NULL, NULL);
    if (st == WS_OK)
        st = ws__recognise(ctx, src, in, defs, kind, role, def, owned);
    return st;
}
