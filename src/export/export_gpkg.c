/* GeoPackage writer (GDAL). One layer per level with the geometry and the
 * columns in output order (keys, indicators, statistics); missing values are
 * NULL, and their reasons go to the table ontbrekende_waarden. The point
 * layer voorzieningen (categorie) is what maps draw as symbols. The tables
 * wijkscan_metadata and wijkscan_invoer record version, parameters, data
 * quality counts and every input file. The GeoPackage timestamps are set to
 * the newest input's modification time, so the same inputs give the same
 * file. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "export_internal.h"
#include "gpkg_rtree.h"

#ifndef WS_VERSION_STRING
#define WS_VERSION_STRING "0.0.0"
#endif

typedef struct gpkg_writer {
    ws_ctx *ctx;
    const ws_dataset *ds;
    GDALDatasetH out;
    OGRSpatialReferenceH rd;
    const char *path; /* final path, for messages */
    GEOSWKBWriter *wkb;
    double *xy; /* one ring's coordinates */
    size_t xycap;
    OGRLayerH row_layer; /* the table `row` is for (add_row) */
    OGRFeatureH row;
    ws_rtree_list rtrees; /* written after GDAL closes the file */
} gpkg_writer;

static ws_status gdal_fail(gpkg_writer *w, const char *what) {
    return ws__error(w->ctx, WS_ERR_IO_WRITE, "%s: %s: %s", w->path, what,
                     ws__gdal_msg(w->ctx)[0] ? ws__gdal_msg(w->ctx)
                                             : "GDAL gave no reason");
}

static OGRLayerH create_table(gpkg_writer *w, const char *name,
                              const char *const *fields, OGRFieldType *types) {
    char **opts =
        CSLSetNameValue(NULL, "DESCRIPTION", "wijkscan " WS_VERSION_STRING);
    OGRLayerH l = GDALDatasetCreateLayer(w->out, name, NULL, wkbNone, opts);
    CSLDestroy(opts);
    for (size_t i = 0; l && fields[i]; i++) {
        OGRFieldDefnH fd =
            OGR_Fld_Create(fields[i], types ? types[i] : OFTString);
        if (OGR_L_CreateField(l, fd, TRUE) != OGRERR_NONE)
            l = NULL;
        OGR_Fld_Destroy(fd);
    }
    return l;
}

/* A row of text values (NULL: unset), through one feature per table. */
static ws_status add_row(gpkg_writer *w, OGRLayerH l, const char *const *v,
                         size_t n) {
    if (w->row_layer != l) {
        if (w->row)
            OGR_F_Destroy(w->row);
        w->row = OGR_F_Create(OGR_L_GetLayerDefn(l));
        w->row_layer = l;
    }
    OGRFeatureH f = w->row;
    for (size_t i = 0; i < n; i++) {
        if (v[i])
            OGR_F_SetFieldString(f, (int)i, v[i]);
        else
            OGR_F_UnsetField(f, (int)i);
    }
    OGR_F_SetFID(f, OGRNullFID);
    OGRErr e = OGR_L_CreateFeature(l, f);
    return e == OGRERR_NONE ? WS_OK : gdal_fail(w, "writing a table row");
}

/* One row of wijkscan_metadata (ws__metadata_rows). */
typedef struct metadata_target {
    gpkg_writer *w;
    OGRLayerH l;
} metadata_target;

static ws_status metadata_row(void *user, const char *key, const char *value) {
    metadata_target *t = user;
    const char *v[2] = {key, value};
    return add_row(t->w, t->l, v, 2);
}

static ws_status write_metadata(gpkg_writer *w, const ws_export_options *opt) {
    static const char *const fields[] = {"sleutel", "waarde", NULL};
    OGRLayerH l = create_table(w, "wijkscan_metadata", fields, NULL);
    if (!l)
        return gdal_fail(w, "creating table wijkscan_metadata");
    metadata_target t = {w, l};
    return ws__metadata_rows(w->ds, opt->config_hash, metadata_row, &t);
}

static ws_status write_inputs(gpkg_writer *w) {
    static const char *const fields[] = {"rol",           "bestand",   "pad",
                                         "grootte_bytes", "gewijzigd", "laag",
                                         "definitie",     "objecten",  NULL};
    static OGRFieldType types[] = {OFTString,    OFTString,   OFTString,
                                   OFTInteger64, OFTString,   OFTString,
                                   OFTString,    OFTInteger64};
    OGRLayerH l = create_table(w, "wijkscan_invoer", fields, types);
    if (!l)
        return gdal_fail(w, "creating table wijkscan_invoer");
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < w->ds->ninputs; i++) {
        const ws__input_info *in = &w->ds->inputs[i];
        char size[32], mtime[32], feats[32];
        snprintf(size, sizeof size, "%lld", in->size);
        ws__iso_time(in->mtime, mtime, sizeof mtime);
        snprintf(feats, sizeof feats, "%zu", in->features);
        const char *v[8] = {
            in->role,  ws__basename(in->path), in->path, size, mtime,
            in->layer, in->definition,         feats};
        st = add_row(w, l, v, 8);
    }
    return st;
}

static ws_status write_missing(gpkg_writer *w) {
    static const char *const fields[] = {"niveau", "code",        "kolom",
                                         "reden",  "toelichting", NULL};
    OGRLayerH l = create_table(w, "ontbrekende_waarden", fields, NULL);
    if (!l)
        return gdal_fail(w, "creating table ontbrekende_waarden");
    ws_status st = WS_OK;
    for (int lv = 0; st == WS_OK && lv < WS_LEVEL_COUNT; lv++) {
        const ws_table *t = w->ds->levels[lv].table;
        for (size_t c = 0; st == WS_OK && c < t->ncols; c++) {
            const ws_column *col = &t->cols[c];
            if (col->type != WS_COL_REAL)
                continue;
            for (size_t r = 0; st == WS_OK && r < t->nrows; r++) {
                if (col->missing[r] == WS_PRESENT)
                    continue;
                const char *v[5] = {ws_level_layer_name((ws_level)lv),
                                    t->cols[0].text[r], col->name,
                                    ws_missing_key(col->missing[r]),
                                    ws_missing_label(col->missing[r])};
                st = add_row(w, l, v, 5);
            }
        }
    }
    return st;
}

/* What every indicator and score column means: label, definition, unit,
 * direction, weight and normalisation, from the theme layers. Legends,
 * reports and `wijkscan explain` read it. */
static ws_status write_descriptions(gpkg_writer *w) {
    static const char *const fields[] = {
        "kolom",    "thema",        "label", "definitie", "eenheid",
        "richting", "normalisatie", "bron",  "gewicht",   NULL};
    static OGRFieldType types[] = {OFTString, OFTString, OFTString,
                                   OFTString, OFTString, OFTString,
                                   OFTString, OFTString, OFTReal};
    if (w->ds->ncolinfo == 0)
        return WS_OK;
    OGRLayerH l = create_table(w, "wijkscan_indicatoren", fields, types);
    if (!l)
        return gdal_fail(w, "creating table wijkscan_indicatoren");
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < w->ds->ncolinfo; i++) {
        const ws__colinfo *c = &w->ds->colinfo[i];
        char weight[64];
        if (isfinite(c->gewicht))
            ws__format_double(c->gewicht, weight, sizeof weight);
        const char *v[9] = {
            c->kolom,        c->thema,   c->label,
            c->definitie,    c->eenheid, c->richting,
            c->normalisatie, c->bron,    isfinite(c->gewicht) ? weight : NULL};
        st = add_row(w, l, v, 9);
    }
    return st;
}

static ws_status create_fields(gpkg_writer *w, OGRLayerH l, const ws_table *t,
                               const size_t *order, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const ws_column *c = &t->cols[order[i]];
        OGRFieldType type = c->type == WS_COL_TEXT ? OFTString
                            : c->integer           ? OFTInteger64
                                                   : OFTReal;
        OGRFieldDefnH fd = OGR_Fld_Create(c->name, type);
        OGRErr e = OGR_L_CreateField(l, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return gdal_fail(w, "creating a field");
    }
    return WS_OK;
}

/* One GEOS ring as an OGR linear ring, or NULL. */
static OGRGeometryH ring_to_ogr(gpkg_writer *w, const GEOSGeometry *ring) {
    GEOSContextHandle_t h = w->ctx->geos;
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n == 0 || n > INT_MAX / 2)
        return NULL;
    if (ws__reserve(w->ctx, (void **)&w->xy, &w->xycap, 2 * (size_t)n,
                    sizeof *w->xy) != WS_OK ||
        !GEOSCoordSeq_copyToBuffer_r(h, cs, w->xy, 0, 0))
        return NULL;
    OGRGeometryH r = OGR_G_CreateGeometry(wkbLinearRing);
    if (r)
        OGR_G_SetPoints(r, (int)n, w->xy, 2 * sizeof *w->xy, w->xy + 1,
                        2 * sizeof *w->xy, NULL, 0);
    return r;
}

/* A GEOS (multi)polygon as an OGR multipolygon, ring by ring: the geometry
 * the WKB round trip below makes, without writing and parsing WKB. NULL for
 * anything else (empty parts, Z), which takes the WKB route. */
static OGRGeometryH polygons_to_ogr(gpkg_writer *w, const GEOSGeometry *g) {
    GEOSContextHandle_t h = w->ctx->geos;
    int type = GEOSGeomTypeId_r(h, g);
    if ((type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) ||
        GEOSisEmpty_r(h, g) != 0 || GEOSHasZ_r(h, g) != 0)
        return NULL;
    OGRGeometryH mp = OGR_G_CreateGeometry(wkbMultiPolygon);
    int np = GEOSGetNumGeometries_r(h, g);
    bool ok = mp != NULL && np > 0;
    for (int p = 0; ok && p < np; p++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, g, p);
        int nh = poly ? GEOSGetNumInteriorRings_r(h, poly) : -1;
        OGRGeometryH op = nh >= 0 && GEOSisEmpty_r(h, poly) == 0
                              ? OGR_G_CreateGeometry(wkbPolygon)
                              : NULL;
        ok = op != NULL;
        for (int r = -1; ok && r < nh; r++) {
            OGRGeometryH ring =
                ring_to_ogr(w, r < 0 ? GEOSGetExteriorRing_r(h, poly)
                                     : GEOSGetInteriorRingN_r(h, poly, r));
            ok = ring && OGR_G_AddGeometryDirectly(op, ring) == OGRERR_NONE;
        }
        if (ok)
            ok = OGR_G_AddGeometryDirectly(mp, op) == OGRERR_NONE;
        else if (op)
            OGR_G_DestroyGeometry(op);
    }
    if (!ok && mp) {
        OGR_G_DestroyGeometry(mp);
        mp = NULL;
    }
    return mp;
}

static OGRGeometryH to_ogr(gpkg_writer *w, const GEOSGeometry *g) {
    OGRGeometryH og = polygons_to_ogr(w, g);
    if (og || ws__has_error(w->ctx))
        return og;
    size_t size = 0;
    if (!w->wkb)
        w->wkb = GEOSWKBWriter_create_r(w->ctx->geos);
    if (!w->wkb)
        return NULL;
    unsigned char *wkb = GEOSWKBWriter_write_r(w->ctx->geos, w->wkb, g, &size);
    if (!wkb)
        return NULL;
    OGR_G_CreateFromWkb(wkb, NULL, &og, (int)size);
    GEOSFree_r(w->ctx->geos, wkb);
    if (og && wkbFlatten(OGR_G_GetGeometryType(og)) == wkbPolygon)
        og = OGR_G_ForceToMultiPolygon(og);
    return og;
}

static void fill_feature(OGRFeatureH f, const ws_table *t, size_t row,
                         const size_t *order, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const ws_column *c = &t->cols[order[i]];
        if (c->missing[row] != WS_PRESENT) {
            OGR_F_SetFieldNull(f, (int)i);
        } else if (c->type == WS_COL_TEXT) {
            OGR_F_SetFieldString(f, (int)i, c->text[row]);
        } else if (c->integer) {
            OGR_F_SetFieldInteger64(f, (int)i, (GIntBig)llround(c->real[row]));
        } else {
            OGR_F_SetFieldDouble(f, (int)i, c->real[row]);
        }
    }
}

/* A layer with geometry; its spatial index is collected here and written
 * after GDAL has closed the file (gpkg_rtree.c says why). `what` names the
 * step in GDAL's error. */
static ws_status create_spatial_layer(gpkg_writer *w, const char *name,
                                      OGRwkbGeometryType type, const char *what,
                                      OGRLayerH *out) {
    char **opts =
        CSLSetNameValue(NULL, "DESCRIPTION", "wijkscan " WS_VERSION_STRING);
    opts = CSLSetNameValue(opts, "SPATIAL_INDEX", "NO");
    *out = GDALDatasetCreateLayer(w->out, name, w->rd, type, opts);
    CSLDestroy(opts);
    if (!*out)
        return gdal_fail(w, what);
    return ws__rtree_begin(w->ctx, &w->rtrees, name);
}

/* The feature just written, in the spatial index when it has a geometry. */
static ws_status index_feature(gpkg_writer *w, OGRFeatureH f) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g))
        return WS_OK;
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    return ws__rtree_add(w->ctx, &w->rtrees, OGR_F_GetFID(f), e.MinX, e.MaxX,
                         e.MinY, e.MaxY);
}

static ws_status write_level(gpkg_writer *w, ws_level lv) {
    const ws__level *level = &w->ds->levels[lv];
    const ws_table *t = level->table;
    size_t *order = NULL, n = 0;
    ws_status st = ws__output_columns(w->ctx, t, &order, &n);
    if (st != WS_OK)
        return st;
    OGRLayerH l = NULL;
    st = create_spatial_layer(w, ws_level_layer_name(lv), wkbMultiPolygon,
                              "creating a layer", &l);
    if (st == WS_OK)
        st = create_fields(w, l, t, order, n);
    /* one feature for every row: each row sets all its fields */
    OGRFeatureH f = st == WS_OK ? OGR_F_Create(OGR_L_GetLayerDefn(l)) : NULL;
    for (size_t r = 0; st == WS_OK && r < t->nrows; r++) {
        fill_feature(f, t, r, order, n);
        OGRGeometryH g = level->geom[r] ? to_ogr(w, level->geom[r]) : NULL;
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFID(f, OGRNullFID);
        if (!g && ws__has_error(w->ctx))
            st = ws__status_or(w->ctx, WS_ERR_NOMEM);
        else if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
            st = gdal_fail(w, "writing a feature");
        else
            st = index_feature(w, f);
    }
    if (f)
        OGR_F_Destroy(f);
    ws__free(w->ctx, order);
    return st;
}

/* The voorzieningen as points with their category, for maps. */
static ws_status write_amenities(gpkg_writer *w) {
    const ws_dataset *ds = w->ds;
    OGRLayerH l = NULL;
    ws_status st = create_spatial_layer(w, "voorzieningen", wkbPoint,
                                        "creating layer voorzieningen", &l);
    if (st != WS_OK)
        return st;
    OGRFieldDefnH fd = OGR_Fld_Create("categorie", OFTString);
    OGRErr e = OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    if (e != OGRERR_NONE)
        return gdal_fail(w, "creating a field");
    for (size_t i = 0; st == WS_OK && i < ds->am.n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, ds->categories[ds->am.cat[i]]);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, ds->am.x[i], ds->am.y[i]);
        OGR_F_SetGeometryDirectly(f, g);
        if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
            st = gdal_fail(w, "writing a voorziening");
        else
            st = index_feature(w, f);
        OGR_F_Destroy(f);
    }
    return st;
}

static ws_status write_all(gpkg_writer *w, const ws_export_options *opt) {
    ws_status st = WS_OK;
    if (GDALDatasetStartTransaction(w->out, FALSE) != OGRERR_NONE)
        return gdal_fail(w, "starting a transaction");
    for (int lv = 0; st == WS_OK && lv < WS_LEVEL_COUNT; lv++)
        st = write_level(w, (ws_level)lv);
    if (st == WS_OK)
        st = write_amenities(w);
    if (st == WS_OK)
        st = write_metadata(w, opt);
    if (st == WS_OK)
        st = write_inputs(w);
    if (st == WS_OK)
        st = write_missing(w);
    if (st == WS_OK)
        st = write_descriptions(w);
    if (st == WS_OK && GDALDatasetCommitTransaction(w->out) != OGRERR_NONE)
        st = gdal_fail(w, "committing");
    return st;
}

ws_status ws__export_gpkg(ws_ctx *ctx, const ws_dataset *ds,
                          const ws_export_options *opt, ws_outfile *of) {
    ws_status st = ws__outfile_begin(ctx, ds, opt->gpkg_path, of);
    if (st != WS_OK)
        return st;
    gpkg_writer w = {.ctx = ctx, .ds = ds, .path = opt->gpkg_path};
    char stamp[32];
    ws__iso_time(ws__newest_input(ds), stamp, sizeof stamp);
    ws__gdal_register();
    ws__gdal_begin(ctx);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", stamp);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    w.out = drv ? GDALCreate(drv, of->tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    w.rd = OSRNewSpatialReference(NULL);
    if (!w.out)
        st = gdal_fail(&w, "cannot create the GeoPackage");
    else if (OSRImportFromEPSG(w.rd, 28992) != OGRERR_NONE)
        st = gdal_fail(&w, "cannot create EPSG:28992");
    if (st == WS_OK)
        st = write_all(&w, opt);
    if (w.row)
        OGR_F_Destroy(w.row);
    if (w.out) {
        ctx->gdal_msg[0] = '\0';
        GDALClose(
            w.out); /* errors while flushing are reported to the handler */
        if (ctx->gdal_msg[0] && st == WS_OK)
            st = gdal_fail(&w, "closing the GeoPackage");
    }
    if (st == WS_OK && (st = ws__rtree_write(ctx, of->tmp, &w.rtrees)) != WS_OK)
        ws__error_prefix(ctx, opt->gpkg_path);
    ws__rtree_list_free(ctx, &w.rtrees);
    OSRDestroySpatialReference(w.rd);
    if (w.wkb)
        GEOSWKBWriter_destroy_r(ctx->geos, w.wkb);
    ws__free(ctx, w.xy);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    ws__gdal_end(ctx);
    return st;
}
