/* Reading BAG verblijfsobjecten into the dwelling columns. A row becomes a
 * dwelling when it is current (LVBAG history: its end dates are empty), its
 * gebruiksdoel includes woonfunctie and its status is live (see the layer
 * definition and ws__is_dwelling). The rules are pushed down to GDAL as an
 * attribute filter where the driver allows, and checked again per row.
 * BAG's placeholders become unknown: oppervlakte 1 (or less) and bouwjaar
 * 9999. The pand footprints (and, for the LVBAG extract, the bouwjaar) come
 * from the pand layer of the same file (load_pand.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "load_internal.h"

typedef struct bag_fields {
    int use, status, opp, bouwjaar, pand, gemeente;
    int *current;
    size_t ncurrent;
    bool use_is_list;
} bag_fields;

typedef struct bag_counts {
    size_t read, no_location, bad_coordinates, other_gemeente, outside_box;
    /* rows in the layer before the filters, for the progress report: with a
     * filter set, GeoPackage would count by reading the whole table */
    GIntBig total;
} bag_counts;

static bool numeric_type(OGRFieldType t) {
    return t == OFTInteger || t == OFTInteger64 || t == OFTReal;
}

/* Optional canonical field: index or -1; a present field of the wrong type
 * is an error that names it. */
static ws_status optional_field(ws_ctx *ctx, const ws_source *src,
                                const ws_layerdef *def, const char *canonical,
                                bool numeric, int *idx) {
    const char *name = ws__layerdef_field(def, canonical);
    *idx = ws__source_field(src, name);
    if (name && *idx < 0)
        ws__warn(ctx,
                 "%s: layer '%s': field '%s' (%s) not found; treated "
                 "as unknown",
                 src->path, src->layer_name, name, canonical);
    if (*idx >= 0 && numeric) {
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(src->defn, *idx));
        if (!numeric_type(t))
            return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                             "%s: layer '%s': field '%s' is of type %s, "
                             "expected a number (%s)",
                             src->path, src->layer_name, name,
                             OGR_GetFieldTypeName(t), canonical);
    }
    return WS_OK;
}

static ws_status find_bag_fields(ws_ctx *ctx, const ws_source *src,
                                 const ws_layerdef *def, bag_fields *f) {
    memset(f, 0, sizeof *f);
    ws_status st = ws__source_require_field(
        ctx, src, ws__layerdef_field(def, "gebruiksdoel"),
        "the gebruiksdoel of a verblijfsobject", &f->use);
    if (st == WS_OK)
        st = ws__source_require_field(
            ctx, src, ws__layerdef_field(def, "status"),
            "the status of a verblijfsobject", &f->status);
    if (st != WS_OK)
        return st;
    OGRFieldType ut = OGR_Fld_GetType(OGR_FD_GetFieldDefn(src->defn, f->use));
    if (ut != OFTString && ut != OFTStringList)
        return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s': field '%s' is of type %s, expected "
                         "text (gebruiksdoel)",
                         src->path, src->layer_name,
                         ws__layerdef_field(def, "gebruiksdoel"),
                         OGR_GetFieldTypeName(ut));
    f->use_is_list = ut == OFTStringList;
    if ((st = optional_field(ctx, src, def, "oppervlakte", true, &f->opp)) ||
        (st = optional_field(ctx, src, def, "bouwjaar", true, &f->bouwjaar)) ||
        (st = optional_field(ctx, src, def, "pand", false, &f->pand)) ||
        (st = optional_field(ctx, src, def, "gemeentecode", false,
                             &f->gemeente)))
        return st;
    f->current = ws__calloc(ctx, def->current.n + 1, sizeof *f->current);
    if (!f->current)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < def->current.n; i++) {
        int idx = ws__source_field(src, def->current.v[i]);
        if (idx >= 0)
            f->current[f->ncurrent++] = idx;
    }
    return WS_OK;
}

/* A selection is made by the gemeente field when the layer has one; only
 * without it does the selection's bounding box decide which rows are read.
 * Without a selection every dwelling is read, so those outside every buurt
 * are counted rather than filtered away unseen. */
static bool select_by_box(const bag_fields *f, const ws_selection *sel) {
    return sel->n > 0 && f->gemeente < 0;
}

/* Push the rules down to the driver; silently skipped if it refuses (every
 * row is checked again while reading). */
static void push_filters(ws_ctx *ctx, ws_source *src, const ws_layerdef *def,
                         const bag_fields *f, const ws_selection *sel,
                         const ws_bbox *box) {
    ws_strbuf sb;
    ws__sb_init(&sb, ctx);
    ws__sb_appendf(&sb, "\"%s\" IN (", ws__layerdef_field(def, "status"));
    for (size_t i = 0; i < def->live_status.n; i++)
        ws__sb_appendf(&sb, "%s'%s'", i ? "," : "", def->live_status.v[i]);
    ws__sb_append(&sb, ")");
    if (!f->use_is_list)
        ws__sb_appendf(&sb, " AND \"%s\" LIKE '%%%s%%'",
                       ws__layerdef_field(def, "gebruiksdoel"),
                       def->dwelling_use);
    for (size_t i = 0; i < f->ncurrent; i++)
        ws__sb_appendf(
            &sb, " AND \"%s\" IS NULL",
            OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(src->defn, f->current[i])));
    if (sel->n && f->gemeente >= 0) {
        ws__sb_append(&sb, " AND ");
        ws__sql_in_selection(&sb, ws__layerdef_field(def, "gemeentecode"), sel,
                             def->gemeente_digits4);
    }
    const char *sql = ws__sb_str(&sb);
    ws__gdal_begin(ctx);
    if (sql && OGR_L_SetAttributeFilter(src->layer, sql) != OGRERR_NONE)
        OGR_L_SetAttributeFilter(src->layer, NULL);
    if (src->is_rd && box->set && select_by_box(f, sel))
        OGR_L_SetSpatialFilterRect(src->layer, box->minx, box->miny, box->maxx,
                                   box->maxy);
    ws__gdal_end(ctx);
    ws__sb_free(&sb);
}

static bool is_current(OGRFeatureH feat, const bag_fields *f) {
    for (size_t i = 0; i < f->ncurrent; i++)
        if (OGR_F_IsFieldSetAndNotNull(feat, f->current[i]) &&
            OGR_F_GetFieldAsString(feat, f->current[i])[0] != '\0')
            return false;
    return true;
}

static bool row_is_dwelling(OGRFeatureH feat, const ws_layerdef *def,
                            const bag_fields *f) {
    if (!is_current(feat, f) || !OGR_F_IsFieldSetAndNotNull(feat, f->status))
        return false;
    const char *status = OGR_F_GetFieldAsString(feat, f->status);
    if (!OGR_F_IsFieldSetAndNotNull(feat, f->use))
        return false;
    if (f->use_is_list)
        return ws__is_dwelling(
            def, NULL, OGR_F_GetFieldAsStringList(feat, f->use), status);
    return ws__is_dwelling(def, OGR_F_GetFieldAsString(feat, f->use), NULL,
                           status);
}

static bool in_selection(OGRFeatureH feat, const bag_fields *f,
                         const ws_selection *sel) {
    if (sel->n == 0 || f->gemeente < 0)
        return true;
    char gm[8];
    return OGR_F_IsFieldSetAndNotNull(feat, f->gemeente) &&
           ws__normalise_gemeentecode(OGR_F_GetFieldAsString(feat, f->gemeente),
                                      gm) &&
           ws__selection_has(sel, gm);
}

/* BAG placeholders: oppervlakte <= 1 m² and bouwjaar 9999 mean unknown. */
static float oppervlakte_of(OGRFeatureH feat, int idx) {
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(feat, idx))
        return NAN;
    double v = OGR_F_GetFieldAsDouble(feat, idx);
    return v > 1.0 && v < 1e6 ? (float)v : NAN;
}

static ws_status point_of(ws_ctx *ctx, const ws_source *src, OGRFeatureH feat,
                          double *x, double *y, bool *has) {
    OGRGeometryH g = OGR_F_GetGeometryRef(feat);
    *has = false;
    if (!g || OGR_G_IsEmpty(g))
        return WS_OK;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1) {
        g = OGR_G_GetGeometryRef(g, 0);
        t = wkbPoint;
    }
    if (t != wkbPoint)
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': feature %lld has a %s geometry, "
                         "expected a point (verblijfsobject)",
                         src->path, src->layer_name,
                         (long long)OGR_F_GetFID(feat),
                         OGRGeometryTypeToName(t));
    *x = OGR_G_GetX(g, 0);
    *y = OGR_G_GetY(g, 0);
    *has = true;
    return WS_OK;
}

static ws_status read_dwellings(ws_ctx *ctx, ws_dataset *ds, ws_source *src,
                                const ws_layerdef *def, const bag_fields *f,
                                const ws_selection *sel, bag_counts *cnt) {
    GIntBig total = cnt->total;
    OGRFeatureH feat;
    ws_status st = WS_OK;
    ws__gdal_begin(ctx);
    OGR_L_ResetReading(src->layer);
    while (st == WS_OK && (feat = OGR_L_GetNextFeature(src->layer))) {
        if ((++cnt->read & 0xffff) == 0 && total > 0)
            st = ws__progress(ctx, (double)cnt->read / (double)total,
                              "BAG lezen");
        if (st == WS_OK && ws__gdal_msg(ctx)[0]) /* e.g. a corrupt blob */
            st = ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                           "%s: layer '%s': feature %lld: %s", src->path,
                           src->layer_name, (long long)OGR_F_GetFID(feat),
                           ws__gdal_msg(ctx));
        bool keep = st == WS_OK && row_is_dwelling(feat, def, f);
        if (keep && !in_selection(feat, f, sel)) {
            cnt->other_gemeente++;
            keep = false;
        }
        double x = 0, y = 0;
        bool has = false;
        if (keep)
            st = point_of(ctx, src, feat, &x, &y, &has);
        if (keep && st == WS_OK && !has)
            cnt->no_location++;
        else if (keep && st == WS_OK && !(isfinite(x) && isfinite(y)))
            cnt->bad_coordinates++;
        else if (keep && st == WS_OK) {
            double bj = f->bouwjaar >= 0 &&
                                OGR_F_IsFieldSetAndNotNull(feat, f->bouwjaar)
                            ? OGR_F_GetFieldAsDouble(feat, f->bouwjaar)
                            : 0;
            uint64_t pand =
                f->pand >= 0 && OGR_F_IsFieldSetAndNotNull(feat, f->pand)
                    ? ws__bag_id_number(OGR_F_GetFieldAsString(feat, f->pand))
                    : 0;
            st =
                ws__dataset_add_dwelling(ds, x, y, oppervlakte_of(feat, f->opp),
                                         ws__bouwjaar_of(bj), pand);
        } else if (!keep) {
            ds->n_vbo_rejected++;
        }
        OGR_F_Destroy(feat);
    }
    if (st == WS_OK)
        st = ws__source_read_errors(ctx, src);
    ws__gdal_end(ctx);
    ds->n_vbo_read += cnt->read;
    return st;
}

/* After reading in the layer's own CRS: transform, drop points that could
 * not be transformed, and — when the selection is by box — points outside
 * the selection's box (they belong to other gemeenten). */
static ws_status transform_dwellings(ws_ctx *ctx, ws_dataset *ds,
                                     ws_source *src, const ws_bbox *box,
                                     bool by_box, bag_counts *cnt) {
    ws__dwellings *d = &ds->dw;
    ws_status st = ws__source_to_rd(ctx, src, d->x, d->y, d->n);
    if (st != WS_OK || !src->to_rd)
        return st;
    size_t out = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->x[i]) || !isfinite(d->y[i])) {
            cnt->bad_coordinates++;
            continue;
        }
        if (by_box && !ws__bbox_contains(box, d->x[i], d->y[i])) {
            cnt->outside_box++;
            continue;
        }
        d->x[out] = d->x[i];
        d->y[out] = d->y[i];
        d->oppervlakte[out] = d->oppervlakte[i];
        d->bouwjaar[out] = d->bouwjaar[i];
        d->pand_id[out] = d->pand_id[i];
        d->pand_opp[out] = d->pand_opp[i];
        d->buurt[out] = -1;
        out++;
    }
    d->n = out;
    return WS_OK;
}

static void report_counts(ws_ctx *ctx, const ws_source *src,
                          const bag_counts *c) {
    if (c->no_location)
        ws__warn(ctx, "%s: %zu dwellings without a location were skipped",
                 src->path, c->no_location);
    if (c->bad_coordinates)
        ws__warn(ctx,
                 "%s: %zu dwellings with unusable coordinates (NaN, "
                 "infinite or not transformable) were skipped",
                 src->path, c->bad_coordinates);
}

ws_status ws__load_bag(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                       const ws_layerdefs *defs, const ws_selection *sel,
                       const ws_bbox *extent) {
    ws_source src;
    const ws_layerdef *def = NULL;
    ws_layerdef *owned = NULL;
    bag_fields f = {0};
    bag_counts cnt = {0};
    ws_status st = ws__open_input(ctx, in, defs, WS_DEF_BAG_VBO, "bag", &src,
                                  &def, &owned);
    if (st == WS_OK)
        st = ws__source_prepare_crs(ctx, &src, def->crs);
    if (st == WS_OK)
        st = find_bag_fields(ctx, &src, def, &f);
    if (st == WS_OK) {
        cnt.total = OGR_L_GetFeatureCount(src.layer, FALSE);
        push_filters(ctx, &src, def, &f, sel, extent);
        st = read_dwellings(ctx, ds, &src, def, &f, sel, &cnt);
    }
    if (st == WS_OK)
        st = transform_dwellings(ctx, ds, &src, extent, select_by_box(&f, sel),
                                 &cnt);
    if (st == WS_OK && select_by_box(&f, sel))
        ws__info(ctx,
                 "%s: layer '%s' has no gemeente field; dwellings are "
                 "selected by the bounding box of the selected buurten",
                 in->path, src.layer_name);
    if (st == WS_OK) {
        report_counts(ctx, &src, &cnt);
        st = ws__dataset_add_input(ds, "bag", in->path, src.layer_name,
                                   def->path, cnt.read);
    }
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "bag_woningregel",
                                   "gebruiksdoel bevat '%s' en status is een "
                                   "van %zu levende statussen (%s)",
                                   def->dwelling_use, def->live_status.n,
                                   def->path);
    if (st == WS_OK && ds->dw.n == 0)
        st = ws__error(ctx, WS_ERR_DATA_EMPTY,
                       "%s: layer '%s': no dwellings (verblijfsobjecten with "
                       "%s and a live status) in the selection",
                       in->path, src.layer_name, def->dwelling_use);
    if (st == WS_OK)
        st = ws__load_panden(ctx, ds, &src, def);
    ws__free(ctx, f.current);
    ws__source_close(&src);
    ws__layerdef_free(ctx, owned);
    return st;
}
