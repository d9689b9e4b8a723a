/* Reading what a map needs from a wijkscan GeoPackage with OGR: the regions
 * of one level (code, name, parent codes, the mapped value and any pooled
 * columns, geometry as GEOS), the reason of every missing value from
 * ontbrekende_waarden, the column's description from wijkscan_indicatoren,
 * the metadata and inputs (for the source line and the data year), the
 * production date (gpkg_contents, never the clock), the voorzieningen
 * points and an optional water layer. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gdal.h>
#include <ogr_api.h>

#include "../model/model_internal.h"
#include "map_internal.h"

typedef struct reader {
    ws_ctx *ctx;
    const ws_map_options *opt;
    ws_map_data *d;
    GDALDatasetH ds;
    const char *path;
} reader;

static const char *level_code_col(ws_level l) { return ws__level_code_col(l); }

const char *ws__map_meta(const ws_map_data *d, const char *key) {
    for (size_t i = 0; i < d->nmeta; i++)
        if (d->meta[i].key && d->meta[i].value &&
            strcmp(d->meta[i].key, key) == 0)
            return d->meta[i].value;
    return NULL;
}

static char *dup_or_null(ws_ctx *ctx, const char *s, bool *nomem) {
    if (!s)
        return NULL;
    char *c = ws__strdup(ctx, s);
    if (!c)
        *nomem = true;
    return c;
}

/* Numeric columns of a layer, for the "no such column" message. */
static void list_numeric(OGRFeatureDefnH defn, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n && o + 1 < size; i++) {
        OGRFieldDefnH f = OGR_FD_GetFieldDefn(defn, i);
        OGRFieldType t = OGR_Fld_GetType(f);
        if ((t == OFTReal || t == OFTInteger || t == OFTInteger64) &&
            !ws__map_list_add(buf, size, &o, OGR_Fld_GetNameRef(f)))
            return;
    }
}

bool ws__map_list_add(char *buf, size_t size, size_t *len, const char *name) {
    int w = snprintf(buf + *len, size - *len, "%s%s", *len ? ", " : "", name);
    if (w < 0 || (size_t)w >= size - *len) {
        if (size > 8)
            memcpy(buf + size - 8, ", ...", 6);
        return false;
    }
    *len += (size_t)w;
    return true;
}

static ws_status numeric_field(reader *rd, OGRLayerH l, const char *layer,
                               const char *col, int *idx) {
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    *idx = OGR_FD_GetFieldIndex(defn, col);
    if (*idx >= 0) {
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, *idx));
        if (t == OFTReal || t == OFTInteger || t == OFTInteger64)
            return WS_OK;
        return ws__error(rd->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s': column '%s' is not numeric", rd->path,
                         layer, col);
    }
    char list[700];
    list_numeric(defn, list, sizeof list);
    return ws__map_no_column(rd->ctx, rd->path, layer, col, list);
}

ws_status ws__map_no_column(ws_ctx *ctx, const char *path, const char *layer,
                            const char *col, const char *numeric) {
    return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                     "%s: layer '%s' has no column '%s'%s (numeric columns: "
                     "%s)",
                     path, layer, col,
                     strncmp(col, "score_", 6) == 0
                         ? "; theme scores come from 'wijkscan score' of a "
                           "version that computes them"
                         : "",
                     numeric[0] ? numeric : "none");
}

static bool selected(const ws_map_options *o, const char *const *list, size_t n,
                     const char *gm) {
    (void)o;
    if (n == 0)
        return true;
    for (size_t i = 0; gm && i < n; i++)
        if (strcmp(list[i], gm) == 0)
            return true;
    return false;
}

void ws__map_select_region(const ws_map_options *o, ws_map_region *r) {
    const char *gm = o->level == WS_LEVEL_GEMEENTE ? r->code : r->gemeentecode;
    r->selected = o->level == WS_LEVEL_REGIO ||
                  selected(o, o->gemeenten, o->n_gemeenten, gm);
    r->in_pool = o->n_pool_gemeenten
                     ? selected(o, o->pool_gemeenten, o->n_pool_gemeenten, gm)
                     : r->selected;
    r->cls = r->miss = -1;
}

static GEOSGeometry *to_geos(ws_ctx *ctx, OGRGeometryH g) {
    if (!g)
        return NULL;
    size_t size = (size_t)OGR_G_WkbSize(g);
    unsigned char *wkb = ws__malloc(ctx, size ? size : 1);
    if (!wkb)
        return NULL;
    GEOSGeometry *out = NULL;
    if (OGR_G_ExportToWkb(g, wkbNDR, wkb) == OGRERR_NONE) {
        GEOSWKBReader *r = GEOSWKBReader_create_r(ctx->geos);
        if (r) {
            out = GEOSWKBReader_read_r(ctx->geos, r, wkb, size);
            GEOSWKBReader_destroy_r(ctx->geos, r);
        }
    }
    ws__free(ctx, wkb);
    return out;
}

/* The mapped and pooled values of one row. */
static ws_status row_values(ws_ctx *ctx, OGRFeatureH f, ws_map_region *r,
                            int f_val, const int *f_pool, size_t npool) {
    r->value = OGR_F_IsFieldSetAndNotNull(f, f_val)
                   ? OGR_F_GetFieldAsDouble(f, f_val)
                   : NAN;
    if (!npool)
        return WS_OK;
    r->pool = ws__malloc(ctx, npool * sizeof *r->pool);
    if (!r->pool)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < npool; i++)
        r->pool[i] = OGR_F_IsFieldSetAndNotNull(f, f_pool[i])
                         ? OGR_F_GetFieldAsDouble(f, f_pool[i])
                         : NAN;
    return WS_OK;
}

static ws_status read_regions(reader *rd) {
    ws_map_data *d = rd->d;
    const ws_map_options *o = rd->opt;
    const char *layer = ws_level_layer_name(o->level);
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, layer);
    if (!l)
        return ws__error(rd->ctx, WS_ERR_DATA_NO_LAYER,
                         "%s: no layer '%s' (is it a GeoPackage written by "
                         "wijkscan?)",
                         rd->path, layer);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int f_code = OGR_FD_GetFieldIndex(defn, level_code_col(o->level));
    int f_name = OGR_FD_GetFieldIndex(defn, ws__level_name_col(o->level));
    int f_wijk = OGR_FD_GetFieldIndex(defn, WS_COL_WIJKCODE);
    int f_wijkn = OGR_FD_GetFieldIndex(defn, WS_COL_WIJKNAAM);
    int f_gm = OGR_FD_GetFieldIndex(defn, WS_COL_GEMEENTECODE);
    int f_gmn = OGR_FD_GetFieldIndex(defn, WS_COL_GEMEENTENAAM);
    if (f_code < 0)
        return ws__error(rd->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s' has no column '%s'", rd->path, layer,
                         level_code_col(o->level));
    int f_val = -1;
    ws_status st = numeric_field(rd, l, layer, o->column, &f_val);
    size_t npool = o->n_pool_columns;
    int f_pool[64];
    if (npool > 64)
        return ws__error(rd->ctx, WS_ERR_INVALID_ARG,
                         "map: at most 64 pooled columns");
    for (size_t i = 0; st == WS_OK && i < npool; i++)
        st = numeric_field(rd, l, layer, o->pool_columns[i], &f_pool[i]);
    if (st != WS_OK)
        return st;
    d->npool = npool;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    bool nomem = false;
    while ((f = OGR_L_GetNextFeature(l)) != NULL && !nomem) {
        if (ws__reserve(rd->ctx, (void **)&d->regions, &d->cap, d->n + 1,
                        sizeof *d->regions) != WS_OK) {
            OGR_F_Destroy(f);
            return WS_ERR_NOMEM;
        }
        ws_map_region *r = &d->regions[d->n];
        memset(r, 0, sizeof *r);
        d->n++;
        r->code =
            dup_or_null(rd->ctx, OGR_F_GetFieldAsString(f, f_code), &nomem);
        if (f_name >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_name))
            r->name =
                dup_or_null(rd->ctx, OGR_F_GetFieldAsString(f, f_name), &nomem);
        if (f_wijk >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_wijk))
            r->wijkcode =
                dup_or_null(rd->ctx, OGR_F_GetFieldAsString(f, f_wijk), &nomem);
        if (f_wijkn >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_wijkn))
            r->wijknaam = dup_or_null(
                rd->ctx, OGR_F_GetFieldAsString(f, f_wijkn), &nomem);
        if (f_gm >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_gm))
            r->gemeentecode =
                dup_or_null(rd->ctx, OGR_F_GetFieldAsString(f, f_gm), &nomem);
        if (f_gmn >= 0 && OGR_F_IsFieldSetAndNotNull(f, f_gmn))
            r->gemeentenaam =
                dup_or_null(rd->ctx, OGR_F_GetFieldAsString(f, f_gmn), &nomem);
        if (row_values(rd->ctx, f, r, f_val, f_pool, npool) != WS_OK)
            nomem = true;
        ws__map_select_region(o, r);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) {
            r->geom = to_geos(rd->ctx, g);
            if (!r->geom && !ws__has_error(rd->ctx))
                ws__warn(rd->ctx, "%s: %s %s: unreadable geometry, skipped",
                         rd->path, layer, r->code ? r->code : "?");
        }
        OGR_F_Destroy(f);
        if (ws__has_error(rd->ctx))
            return ws__status_or(rd->ctx, WS_ERR_NOMEM);
    }
    if (f)
        OGR_F_Destroy(f);
    if (nomem)
        return WS_ERR_NOMEM;
    return WS_OK;
}

ws_status ws__map_check_codes(ws_ctx *ctx, const ws_map_options *o,
                              const ws_map_data *d, const char *const *codes,
                              size_t n, const char *what) {
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < d->n && !found; j++) {
            const char *gm = o->level == WS_LEVEL_GEMEENTE
                                 ? d->regions[j].code
                                 : d->regions[j].gemeentecode;
            found = gm && strcmp(gm, codes[i]) == 0;
        }
        if (!found)
            return ws__error(ctx, WS_ERR_DATA_UNKNOWN_CODE,
                             "%s: %s %s is not in the GeoPackage", o->gpkg_path,
                             what, codes[i]);
    }
    return WS_OK;
}

/* Reasons of the missing values: ontbrekende_waarden (niveau, code, kolom,
 * reden, toelichting). Regions without a row get "geen_gegevens". */
static ws_status read_reasons(reader *rd) {
    ws_map_data *d = rd->d;
    const char *layer = ws_level_layer_name(rd->opt->level);
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "ontbrekende_waarden");
    ws_hash idx;
    ws_status st = ws__hash_init(&idx, rd->ctx, d->n, true);
    for (size_t i = 0; st == WS_OK && i < d->n; i++)
        if (d->regions[i].code && isnan(d->regions[i].value))
            st = ws__hash_put_str(&idx, d->regions[i].code, i, NULL);
    if (st == WS_OK && l) {
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
        int fn = OGR_FD_GetFieldIndex(defn, "niveau");
        int fc = OGR_FD_GetFieldIndex(defn, "code");
        int fk = OGR_FD_GetFieldIndex(defn, "kolom");
        int fr = OGR_FD_GetFieldIndex(defn, "reden");
        int ft = OGR_FD_GetFieldIndex(defn, "toelichting");
        if (fn >= 0 && fc >= 0 && fk >= 0 && fr >= 0) {
            OGR_L_ResetReading(l);
            OGRFeatureH f;
            while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
                size_t row;
                if (strcmp(OGR_F_GetFieldAsString(f, fn), layer) == 0 &&
                    strcmp(OGR_F_GetFieldAsString(f, fk), rd->opt->column) ==
                        0 &&
                    ws__hash_get_str(&idx, OGR_F_GetFieldAsString(f, fc),
                                     &row) &&
                    !d->regions[row].reason) {
                    ws_map_region *r = &d->regions[row];
                    bool nomem = false;
                    r->reason = dup_or_null(
                        rd->ctx, OGR_F_GetFieldAsString(f, fr), &nomem);
                    if (ft >= 0 && OGR_F_IsFieldSetAndNotNull(f, ft))
                        r->reason_label = dup_or_null(
                            rd->ctx, OGR_F_GetFieldAsString(f, ft), &nomem);
                    if (nomem)
                        st = WS_ERR_NOMEM;
                }
                OGR_F_Destroy(f);
            }
        }
    }
    ws__hash_free(&idx);
    return st == WS_OK ? ws__map_default_reasons(d) : st;
}

ws_status ws__map_default_reasons(ws_map_data *d) {
    for (size_t i = 0; i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        if (!isnan(r->value) || r->reason)
            continue;
        r->reason = ws__strdup(d->ctx, "geen_gegevens");
        r->reason_label = ws__strdup(d->ctx, "geen gegevens");
        if (!r->reason || !r->reason_label)
            return WS_ERR_NOMEM;
    }
    return WS_OK;
}

/* wijkscan_indicatoren: kolom, thema, label, definitie, eenheid, richting */
static ws_status read_indicator(reader *rd) {
    ws_map_data *d = rd->d;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_indicatoren");
    if (!l)
        return WS_OK;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int fk = OGR_FD_GetFieldIndex(defn, "kolom");
    if (fk < 0)
        return WS_OK;
    const char *names[] = {"label", "definitie", "eenheid", "richting",
                           "thema"};
    char **dst[] = {&d->label, &d->definition, &d->unit, &d->direction,
                    &d->theme};
    int fi[5];
    for (int i = 0; i < 5; i++)
        fi[i] = OGR_FD_GetFieldIndex(defn, names[i]);
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    bool nomem = false;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        if (strcmp(OGR_F_GetFieldAsString(f, fk), rd->opt->column) == 0 &&
            !d->label) {
            for (int i = 0; i < 5; i++)
                if (fi[i] >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi[i]) &&
                    OGR_F_GetFieldAsString(f, fi[i])[0])
                    *dst[i] = dup_or_null(
                        rd->ctx, OGR_F_GetFieldAsString(f, fi[i]), &nomem);
        }
        OGR_F_Destroy(f);
    }
    return nomem ? WS_ERR_NOMEM : WS_OK;
}

ws_status ws__map_add_kv(ws_ctx *ctx, ws_map_kv **arr, size_t *n, size_t *cap,
                         const char *k, const char *v) {
    if (ws__reserve(ctx, (void **)arr, cap, *n + 1, sizeof **arr) != WS_OK)
        return WS_ERR_NOMEM;
    ws_map_kv *kv = &(*arr)[*n];
    kv->key = ws__strdup(ctx, k ? k : "");
    kv->value = ws__strdup(ctx, v ? v : "");
    (*n)++;
    return kv->key && kv->value ? WS_OK : WS_ERR_NOMEM;
}

static ws_status read_metadata(reader *rd) {
    ws_map_data *d = rd->d;
    ws_status st = WS_OK;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_metadata");
    if (l) {
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
        int fk = OGR_FD_GetFieldIndex(defn, "sleutel");
        int fv = OGR_FD_GetFieldIndex(defn, "waarde");
        if (fk < 0)
            fk = OGR_FD_GetFieldIndex(defn, "key");
        if (fv < 0)
            fv = OGR_FD_GetFieldIndex(defn, "value");
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while (fk >= 0 && fv >= 0 && (f = OGR_L_GetNextFeature(l)) != NULL) {
            if (st == WS_OK)
                st = ws__map_add_kv(rd->ctx, &d->meta, &d->nmeta, &d->metacap,
                                    OGR_F_GetFieldAsString(f, fk),
                                    OGR_F_GetFieldAsString(f, fv));
            OGR_F_Destroy(f);
        }
    }
    l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_invoer");
    if (l && st == WS_OK) {
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
        int fr = OGR_FD_GetFieldIndex(defn, "rol");
        int fb = OGR_FD_GetFieldIndex(defn, "bestand");
        int fg = OGR_FD_GetFieldIndex(defn, "gewijzigd");
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while (fr >= 0 && fb >= 0 && (f = OGR_L_GetNextFeature(l)) != NULL) {
            char v[1024];
            snprintf(v, sizeof v, "%s|%s", OGR_F_GetFieldAsString(f, fb),
                     fg >= 0 ? OGR_F_GetFieldAsString(f, fg) : "");
            if (st == WS_OK)
                st = ws__map_add_kv(rd->ctx, &d->inputs, &d->ninputs,
                                    &d->inputcap, OGR_F_GetFieldAsString(f, fr),
                                    v);
            OGR_F_Destroy(f);
        }
    }
    if (st != WS_OK)
        return st;
    /* production date: metadata, else the GeoPackage's own timestamps */
    const char *date = ws__map_meta(d, "productiedatum");
    char buf[64] = "";
    if (!date) {
        OGRLayerH sql = GDALDatasetExecuteSQL(
            rd->ds, "SELECT max(last_change) FROM gpkg_contents", NULL, NULL);
        if (sql) {
            OGRFeatureH f = OGR_L_GetNextFeature(sql);
            if (f) {
                if (OGR_F_IsFieldSetAndNotNull(f, 0))
                    snprintf(buf, sizeof buf, "%s",
                             OGR_F_GetFieldAsString(f, 0));
                OGR_F_Destroy(f);
            }
            GDALDatasetReleaseResultSet(rd->ds, sql);
        }
        date = buf;
    }
    return ws__map_set_production_date(d, date);
}

ws_status ws__map_set_production_date(ws_map_data *d, const char *date) {
    if (!date[0])
        return WS_OK;
    /* keep "YYYY-MM-DDTHH:MM:SS" */
    char iso[32];
    snprintf(iso, sizeof iso, "%.19s", date);
    for (char *c = iso; *c; c++)
        if (*c == '/')
            *c = '-';
    if (strlen(iso) >= 11 && iso[10] == ' ')
        iso[10] = 'T';
    d->production_date = ws__strdup(d->ctx, iso);
    return d->production_date ? WS_OK : WS_ERR_NOMEM;
}

static ws_status read_points(reader *rd) {
    ws_map_data *d = rd->d;
    const ws_map_options *o = rd->opt;
    if (o->n_voorzieningen == 0)
        return WS_OK;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "voorzieningen");
    if (!l)
        return ws__error(rd->ctx, WS_ERR_DATA_NO_LAYER,
                         "%s: no layer 'voorzieningen' to draw (written by "
                         "wijkscan 0.2 and later)",
                         rd->path);
    int fc = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "categorie");
    if (fc < 0)
        return ws__error(rd->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer 'voorzieningen' has no column 'categorie'",
                         rd->path);
    bool all = false;
    ws_status st = ws__map_point_categories(d, o, &all);
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        bool point = g && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint;
        st = ws__map_add_point(d, all, OGR_F_GetFieldAsString(f, fc), point,
                               point ? OGR_G_GetX(g, 0) : 0,
                               point ? OGR_G_GetY(g, 0) : 0);
        OGR_F_Destroy(f);
    }
    return st == WS_OK && all ? ws__map_sort_categories(d) : st;
}

ws_status ws__map_point_categories(ws_map_data *d, const ws_map_options *o,
                                   bool *all) {
    *all = o->n_voorzieningen == 1 && strcmp(o->voorzieningen[0], "all") == 0;
    /* categories in the order asked for (or of appearance for "all") */
    for (size_t i = 0; !*all && i < o->n_voorzieningen; i++) {
        if (ws__reserve(d->ctx, (void **)&d->categories, &d->catcap,
                        d->ncat + 1, sizeof *d->categories) != WS_OK)
            return WS_ERR_NOMEM;
        if (!(d->categories[d->ncat++] =
                  ws__strdup(d->ctx, o->voorzieningen[i])))
            return WS_ERR_NOMEM;
    }
    return WS_OK;
}

ws_status ws__map_add_point(ws_map_data *d, bool all, const char *cat,
                            bool point, double x, double y) {
    size_t c = d->ncat;
    for (size_t i = 0; i < d->ncat; i++)
        if (strcmp(d->categories[i], cat) == 0)
            c = i;
    if (c == d->ncat && all && cat[0]) {
        if (ws__reserve(d->ctx, (void **)&d->categories, &d->catcap,
                        d->ncat + 1, sizeof *d->categories) != WS_OK ||
            !(d->categories[d->ncat] = ws__strdup(d->ctx, cat)))
            return WS_ERR_NOMEM;
        d->ncat++;
    }
    if (c < d->ncat && point) {
        if (ws__reserve(d->ctx, (void **)&d->points, &d->pointcap,
                        d->npoints + 1, sizeof *d->points) != WS_OK)
            return WS_ERR_NOMEM;
        d->points[d->npoints++] = (ws_map_point){x, y, c};
    }
    return WS_OK;
}

ws_status ws__map_sort_categories(ws_map_data *d) {
    size_t n = d->ncat;
    size_t map[256];
    if (n > 256)
        return ws__error(d->ctx, WS_ERR_DATA,
                         "map: too many voorzieningen categories");
    size_t order[256];
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(d->categories[order[j - 1]],
                                           d->categories[order[j]]) > 0;
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    char *tmp[256];
    for (size_t i = 0; i < n; i++) {
        tmp[i] = d->categories[order[i]];
        map[order[i]] = i;
    }
    memcpy(d->categories, tmp, n * sizeof *tmp);
    for (size_t i = 0; i < d->npoints; i++)
        d->points[i].cat = map[d->points[i].cat];
    return WS_OK;
}

static ws_status read_water(reader *rd) {
    ws_map_data *d = rd->d;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "water");
    if (!l)
        return WS_OK;
    OGRFeatureH f;
    ws_status st = WS_OK;
    OGR_L_ResetReading(l);
    while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        GEOSGeometry *gg = g ? to_geos(rd->ctx, g) : NULL;
        if (gg) {
            if (ws__reserve(rd->ctx, (void **)&d->water, &d->watercap,
                            d->nwater + 1, sizeof *d->water) != WS_OK) {
                GEOSGeom_destroy_r(rd->ctx->geos, gg);
                st = WS_ERR_NOMEM;
            } else {
                d->water[d->nwater++] = gg;
            }
        }
        OGR_F_Destroy(f);
    }
    return st;
}

ws_status ws__map_group_firsts(ws_map_data *d, int k, ws_hash *first) {
    if (ws__hash_init(first, d->ctx, d->n, true) != WS_OK)
        return WS_ERR_NOMEM;
    ws_status st = WS_OK;
    for (size_t i = 0; st == WS_OK && i < d->n; i++) {
        const char *code =
            k ? d->regions[i].gemeentecode : d->regions[i].wijkcode;
        if (code) /* the first region of a group stays */
            st = ws__hash_put_str(first, code, i, NULL);
    }
    if (st == WS_OK &&
        !(d->group_geom[k] =
              ws__calloc(d->ctx, d->n ? d->n : 1, sizeof *d->group_geom[k])))
        st = WS_ERR_NOMEM;
    return st;
}

static ws_status read_group_layer(reader *rd, int k) {
    ws_map_data *d = rd->d;
    const char *code_col = k ? "gemeentecode" : "wijkcode";
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, k ? "gemeenten" : "wijken");
    int fi = l ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), code_col) : -1;
    if (fi < 0)
        return WS_OK;
    ws_hash first;
    ws_status st = ws__map_group_firsts(d, k, &first);
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
        size_t i;
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && OGR_F_IsFieldSetAndNotNull(f, fi) &&
            ws__hash_get_str(&first, OGR_F_GetFieldAsString(f, fi), &i) &&
            !d->group_geom[k][i])
            d->group_geom[k][i] = to_geos(rd->ctx, g);
        OGR_F_Destroy(f);
    }
    ws__hash_free(&first);
    return st;
}

typedef struct keyed_index {
    const char *key;
    size_t i;
} keyed_index;

static int by_key_then_index(const void *a, const void *b) {
    const keyed_index *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* next[i]: the next region with the same key (wijkcode or gemeentecode). */
static ws_status link_groups(ws_map_data *d, bool gemeente, size_t **out) {
    size_t n = d->n ? d->n : 1;
    size_t *next = ws__malloc(d->ctx, n * sizeof *next);
    keyed_index *k = ws__malloc(d->ctx, n * sizeof *k);
    if (!next || !k) {
        ws__free(d->ctx, next);
        ws__free(d->ctx, k);
        return WS_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++) {
        const ws_map_region *r = &d->regions[i];
        const char *key = gemeente ? r->gemeentecode : r->wijkcode;
        next[i] = SIZE_MAX;
        if (key)
            k[m++] = (keyed_index){key, i};
    }
    qsort(k, m, sizeof *k, by_key_then_index);
    for (size_t j = 0; j + 1 < m; j++)
        if (strcmp(k[j].key, k[j + 1].key) == 0)
            next[k[j].i] = k[j + 1].i;
    ws__free(d->ctx, k);
    *out = next;
    return WS_OK;
}

ws_status ws__map_link_groups(ws_map_data *d) {
    ws_status st = link_groups(d, false, &d->next_wijk);
    return st == WS_OK ? link_groups(d, true, &d->next_gemeente) : st;
}

ws_status ws__map_check_selection(ws_ctx *ctx, const ws_map_options *o,
                                  const ws_map_data *d) {
    ws_status st = ws__map_check_codes(ctx, o, d, o->gemeenten, o->n_gemeenten,
                                       "gemeente");
    return st == WS_OK ? ws__map_check_codes(ctx, o, d, o->pool_gemeenten,
                                             o->n_pool_gemeenten, "gemeente")
                       : st;
}

/* Open the GeoPackage; GDAL's messages are collected until reader_close. */
static ws_status reader_open(ws_ctx *ctx, const ws_map_options *opt,
                             ws_map_data *d, reader *rd) {
    ws__gdal_register();
    ws__gdal_begin(ctx);
    *rd = (reader){ctx, opt, d, NULL, opt->gpkg_path};
    static const char *const drivers[] = {"GPKG", NULL};
    rd->ds = GDALOpenEx(opt->gpkg_path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                        drivers, NULL, NULL);
    if (rd->ds)
        return WS_OK;
    return ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                     "%s: not a GeoPackage (%s)", opt->gpkg_path,
                     ws__gdal_msg(ctx)[0] ? ws__gdal_msg(ctx)
                                          : "GDAL gave no reason");
}

static void reader_close(reader *rd) {
    if (rd->ds)
        GDALClose(rd->ds);
    ws__gdal_end(rd->ctx);
}

/* A GDAL error while reading the regions (a corrupt file) is an error,
 * never a silently emptier map. */
static ws_status reading_failed(reader *rd) {
    if (!ws__gdal_msg(rd->ctx)[0])
        return WS_OK;
    return ws__error(rd->ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                     "%s: layer '%s': reading failed: %s", rd->path,
                     ws_level_layer_name(rd->opt->level),
                     ws__gdal_msg(rd->ctx));
}

ws_status ws__map_group_outlines(ws_ctx *ctx, const ws_map_options *opt,
                                 ws_map_data *d, int k) {
    if (d->group_tried[k])
        return WS_OK;
    d->group_tried[k] = true;
    if (!ws__map_meta(d, "wijkscan_versie") || d->n == 0)
        return WS_OK;
    if (opt->dataset)
        return ws__map_group_outlines_from_dataset(opt, d, k);
    reader rd;
    ws_status st = reader_open(ctx, opt, d, &rd);
    if (st == WS_OK)
        st = read_group_layer(&rd, k);
    if (st == WS_OK)
        st = reading_failed(&rd);
    reader_close(&rd);
    return st;
}

ws_status ws__map_data_read(ws_ctx *ctx, const ws_map_options *opt,
                            ws_map_data *d) {
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->level = opt->level;
    if (opt->dataset)
        return ws__map_data_from_dataset(ctx, opt, d);
    struct stat sb;
    if (stat(opt->gpkg_path, &sb) != 0)
        return ws__error(ctx, WS_ERR_IO_NOT_FOUND, "%s: cannot open: %s",
                         opt->gpkg_path, "no such file");
    reader rd;
    ws_status st = reader_open(ctx, opt, d, &rd);
    if (st == WS_OK)
        st = read_regions(&rd);
    if (st == WS_OK)
        st = reading_failed(&rd);
    if (st == WS_OK)
        st = ws__map_check_selection(ctx, opt, d);
    if (st == WS_OK)
        st = read_reasons(&rd);
    if (st == WS_OK)
        st = read_indicator(&rd);
    if (st == WS_OK)
        st = read_metadata(&rd);
    if (st == WS_OK)
        st = read_points(&rd);
    if (st == WS_OK)
        st = read_water(&rd);
    if (st == WS_OK)
        st = ws__map_link_groups(d);
    reader_close(&rd);
    if (st != WS_OK)
        ws__map_data_free(d);
    return st;
}

void ws__map_free_geoms(ws_ctx *ctx, GEOSGeometry **geoms, size_t n) {
    for (size_t i = 0; geoms && i < n; i++)
        if (geoms[i])
            GEOSGeom_destroy_r(ctx->geos, geoms[i]);
    ws__free(ctx, geoms);
}

void ws__map_data_free(ws_map_data *d) {
    ws_ctx *ctx = d->ctx;
    if (!ctx)
        return;
    for (size_t i = 0; i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        ws__free(ctx, r->code);
        ws__free(ctx, r->name);
        ws__free(ctx, r->wijkcode);
        ws__free(ctx, r->wijknaam);
        ws__free(ctx, r->gemeentecode);
        ws__free(ctx, r->gemeentenaam);
        ws__free(ctx, r->reason);
        ws__free(ctx, r->reason_label);
        ws__free(ctx, r->pool);
        if (r->geom && !r->borrowed)
            GEOSGeom_destroy_r(ctx->geos, r->geom);
    }
    ws__free(ctx, d->regions);
    char *strs[] = {d->label,     d->definition, d->unit,
                    d->direction, d->theme,      d->production_date};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        ws__free(ctx, strs[i]);
    for (size_t i = 0; i < d->nmeta; i++) {
        ws__free(ctx, d->meta[i].key);
        ws__free(ctx, d->meta[i].value);
    }
    ws__free(ctx, d->meta);
    for (size_t i = 0; i < d->ninputs; i++) {
        ws__free(ctx, d->inputs[i].key);
        ws__free(ctx, d->inputs[i].value);
    }
    ws__free(ctx, d->inputs);
    for (size_t i = 0; i < d->ncat; i++)
        ws__free(ctx, d->categories[i]);
    ws__free(ctx, d->categories);
    ws__free(ctx, d->points);
    for (size_t i = 0; i < d->nwater; i++)
        GEOSGeom_destroy_r(ctx->geos, d->water[i]);
    ws__free(ctx, d->water);
    ws__free(ctx, d->next_wijk);
    ws__free(ctx, d->next_gemeente);
    for (int k = 0; k < 2; k++) {
        ws__map_free_geoms(ctx, d->dissolved[k], d->n);
        for (size_t i = 0; d->group_borrowed[k] && i < d->n; i++)
            if (d->group_borrowed[k][i])
                d->group_geom[k][i] = NULL; /* the dataset's */
        ws__map_free_geoms(ctx, d->group_geom[k], d->n);
        ws__free(ctx, d->group_borrowed[k]);
    }
    for (int k = 0; k < 3; k++)
        if (d->edges[k])
            GEOSGeom_destroy_r(ctx->geos, d->edges[k]);
    memset(d, 0, sizeof *d);
}

/* --- the map data kept between maps ------------------------------------ */

typedef struct map_cache {
    ws_map_data d;
    char *key;
} map_cache;

static void map_cache_free(ws_ctx *ctx, void *cache) {
    map_cache *c = cache;
    ws__map_data_free(&c->d);
    ws__free(ctx, c->key);
    ws__free(ctx, c);
}

static void append_list(ws_strbuf *sb, const char *const *v, size_t n) {
    ws__sb_append(sb, "|");
    for (size_t i = 0; i < n; i++)
        ws__sb_appendf(sb, "%s,", v[i]);
}

/* What the cached part of the data depends on; NULL when the file cannot
 * be read (the ordinary read reports it). */
static char *cache_key(ws_ctx *ctx, const ws_map_options *o) {
    struct stat sb;
    if (!o->dataset && stat(o->gpkg_path, &sb) != 0)
        return NULL;
    ws_strbuf k;
    ws__sb_init(&k, ctx);
    if (o->dataset) /* the same dataset, unchanged while it is drawn */
        ws__sb_appendf(&k, "dataset %llu|%d",
                       (unsigned long long)o->dataset->serial, (int)o->level);
    else
        ws__sb_appendf(&k, "%s|%llu|%llu|%lld|%lld.%09ld|%d", o->gpkg_path,
                       (unsigned long long)sb.st_dev,
                       (unsigned long long)sb.st_ino, (long long)sb.st_size,
                       (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec,
                       (int)o->level);
    append_list(&k, o->gemeenten, o->n_gemeenten);
    append_list(&k, o->pool_gemeenten, o->n_pool_gemeenten);
    append_list(&k, o->voorzieningen, o->n_voorzieningen);
    return ws__sb_take(&k);
}

static void clear_column(ws_map_data *d) {
    for (size_t i = 0; i < d->n; i++) {
        ws_map_region *r = &d->regions[i];
        ws__free(d->ctx, r->reason);
        ws__free(d->ctx, r->reason_label);
        ws__free(d->ctx, r->pool);
        r->reason = r->reason_label = NULL;
        r->pool = NULL;
        r->value = NAN;
        r->cls = r->miss = -1;
    }
    char **strs[] = {&d->label, &d->definition, &d->unit, &d->direction,
                     &d->theme};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        ws__free(d->ctx, *strs[i]);
        *strs[i] = NULL;
    }
    d->npool = 0;
}

/* The mapped and pooled columns again, row by row in the order the
 * regions were read (the file is the same: cache_key), the geometry and
 * the other columns left unread. */
static ws_status read_values(reader *rd) {
    ws_map_data *d = rd->d;
    const ws_map_options *o = rd->opt;
    const char *layer = ws_level_layer_name(o->level);
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, layer);
    if (!l)
        return ws__error(rd->ctx, WS_ERR_DATA_NO_LAYER, "%s: no layer '%s'",
                         rd->path, layer);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    int f_code = OGR_FD_GetFieldIndex(defn, level_code_col(o->level));
    int f_val = -1, f_pool[64];
    size_t npool = o->n_pool_columns;
    if (npool > 64)
        return ws__error(rd->ctx, WS_ERR_INVALID_ARG,
                         "map: at most 64 pooled columns");
    ws_status st = numeric_field(rd, l, layer, o->column, &f_val);
    for (size_t i = 0; st == WS_OK && i < npool; i++)
        st = numeric_field(rd, l, layer, o->pool_columns[i], &f_pool[i]);
    if (st != WS_OK)
        return st;
    /* ignore every field but the code and the values, and the geometry */
    int nf = OGR_FD_GetFieldCount(defn);
    const char **ignored = ws__calloc(rd->ctx, (size_t)nf + 2, sizeof *ignored);
    if (!ignored)
        return WS_ERR_NOMEM;
    size_t ni = 0;
    for (int i = 0; i < nf; i++) {
        bool keep = i == f_code || i == f_val;
        for (size_t k = 0; k < npool && !keep; k++)
            keep = i == f_pool[k];
        if (!keep)
            ignored[ni++] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    }
    ignored[ni++] = "OGR_GEOMETRY";
    OGR_L_SetIgnoredFields(l, ignored);
    d->npool = npool;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    size_t i = 0;
    while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
        ws_map_region *r = i < d->n ? &d->regions[i] : NULL;
        if (!r || !r->code ||
            strcmp(r->code, OGR_F_GetFieldAsString(f, f_code)) != 0)
            st = ws__error(rd->ctx, WS_ERR_IO,
                           "%s: layer '%s' changed while it was mapped",
                           rd->path, layer);
        else
            st = row_values(rd->ctx, f, r, f_val, f_pool, npool);
        OGR_F_Destroy(f);
        i++;
    }
    if (st == WS_OK && i != d->n)
        st = ws__error(rd->ctx, WS_ERR_IO,
                       "%s: layer '%s' changed while it was mapped", rd->path,
                       layer);
    OGR_L_SetIgnoredFields(l, NULL);
    ws__free(rd->ctx, ignored);
    return st;
}

static ws_status reread_column(ws_ctx *ctx, const ws_map_options *opt,
                               ws_map_data *d) {
    clear_column(d);
    if (opt->dataset)
        return ws__map_column_from_dataset(opt, d);
    reader rd;
    ws_status st = reader_open(ctx, opt, d, &rd);
    if (st == WS_OK)
        st = read_values(&rd);
    if (st == WS_OK)
        st = reading_failed(&rd);
    if (st == WS_OK)
        st = read_reasons(&rd);
    if (st == WS_OK)
        st = read_indicator(&rd);
    reader_close(&rd);
    return st;
}

void ws__map_data_uncache(ws_ctx *ctx) {
    if (ctx->cache && ctx->cache_free)
        ctx->cache_free(ctx, ctx->cache);
    ctx->cache = NULL;
    ctx->cache_free = NULL;
}

ws_status ws__map_data_cached(ws_ctx *ctx, const ws_map_options *opt,
                              ws_map_data **out) {
    *out = NULL;
    char *key = cache_key(ctx, opt);
    map_cache *c = ctx->cache_free == map_cache_free ? ctx->cache : NULL;
    if (c && key && strcmp(c->key, key) == 0) {
        ws__free(ctx, key);
        ws_status st = reread_column(ctx, opt, &c->d);
        if (st != WS_OK) {
            ws__map_data_uncache(ctx);
            return st;
        }
        *out = &c->d;
        return WS_OK;
    }
    ws__map_data_uncache(ctx);
    c = ws__calloc(ctx, 1, sizeof *c);
    ws_status st = c ? ws__map_data_read(ctx, opt, &c->d) : WS_ERR_NOMEM;
    if (st != WS_OK || !key) {
        if (c && st == WS_OK)
            ws__map_data_free(&c->d);
        ws__free(ctx, c);
        ws__free(ctx, key);
        return st != WS_OK ? st : ws__status_or(ctx, WS_ERR_NOMEM);
    }
    c->d.keep_dissolved = true;
    c->key = key;
    ctx->cache = c;
    ctx->cache_free = map_cache_free;
    *out = &c->d;
    return WS_OK;
}
