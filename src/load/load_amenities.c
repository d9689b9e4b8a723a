/* Reading voorzieningen into categorised points, from
 *  - a list with a category field (GeoPackage, GeoJSON, Shapefile, …),
 *  - a CSV list with x/y (RD) or lon/lat columns, including the Dutch
 *    spreadsheet export (';', decimal commas, BOM, CRLF),
 *  - OpenStreetMap through GDAL's OSM driver, where tags are mapped to
 *    categories by rules such as "amenity=doctors" (looked up in a column
 *    when the layer has one, otherwise in other_tags).
 * Areas (parks) count as their point-on-surface. Values that map to no
 * category are skipped and reported, never guessed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "load_internal.h"
#include "read_csv.h"

typedef struct amen_counts {
    size_t read, kept, unknown, outside, bad;
    char first_unknown[128];
    size_t first_unknown_line;
} amen_counts;

/* Category of a value per the definition (case-insensitive, trimmed). */
static long category_of_value(const ws_layerdef *def, const char *value) {
    char v[256];
    while (*value == ' ')
        value++;
    ws__strlcpy(v, value, sizeof v);
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\r'))
        v[--n] = '\0';
    for (size_t c = 0; c < def->ncats; c++)
        if (ws__strlist_has(&def->cats[c].values, v, true))
            return (long)c;
    return -1;
}

/* Map the definition's categories to dataset categories (all of them, so
 * every category gets its columns even when no point has it). */
static ws_status dataset_categories(ws_dataset *ds, const ws_layerdef *def,
                                    size_t *map) {
    for (size_t c = 0; c < def->ncats; c++) {
        ws_status st = ws__dataset_category(ds, def->cats[c].category, &map[c]);
        if (st != WS_OK)
            return st;
    }
    return WS_OK;
}

static void note_unknown(amen_counts *cnt, const char *value, size_t line) {
    if (cnt->unknown++ == 0) {
        ws__strlcpy(cnt->first_unknown, value, sizeof cnt->first_unknown);
        cnt->first_unknown_line = line;
    }
}

static ws_status keep_point(ws_dataset *ds, const ws_bbox *area, double x,
                            double y, size_t cat, amen_counts *cnt) {
    if (!isfinite(x) || !isfinite(y)) {
        cnt->bad++;
        return WS_OK;
    }
    if (!ws__bbox_contains(area, x, y)) {
        cnt->outside++;
        return WS_OK;
    }
    cnt->kept++;
    return ws__dataset_add_amenity(ds, x, y, cat);
}

/* --- CSV lists ---------------------------------------------------------- */

static long find_any(const ws_csv *csv, const ws_strlist *names) {
    for (size_t i = 0; i < names->n; i++) {
        long c = ws__csv_find(csv, names->v[i]);
        if (c >= 0)
            return c;
    }
    return -1;
}

typedef struct csv_coords {
    long x, y;
    bool lonlat;
} csv_coords;

static ws_status csv_coordinate_columns(ws_ctx *ctx, const ws_csv *csv,
                                        const ws_layerdef *def,
                                        const char *path, csv_coords *cc) {
    cc->x = find_any(csv, &def->csv_x);
    cc->y = find_any(csv, &def->csv_y);
    cc->lonlat = false;
    if (cc->x >= 0 && cc->y >= 0)
        return WS_OK;
    cc->x = find_any(csv, &def->csv_lon);
    cc->y = find_any(csv, &def->csv_lat);
    cc->lonlat = true;
    if (cc->x >= 0 && cc->y >= 0)
        return WS_OK;
    return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                     "%s: no coordinate columns: expected x/y (RD, e.g. "
                     "'%s' and '%s') or lon/lat (e.g. '%s' and '%s')",
                     path, def->csv_x.n ? def->csv_x.v[0] : "x",
                     def->csv_y.n ? def->csv_y.v[0] : "y",
                     def->csv_lon.n ? def->csv_lon.v[0] : "lon",
                     def->csv_lat.n ? def->csv_lat.v[0] : "lat");
}

static ws_status parse_coordinate(ws_ctx *ctx, const ws_csv *csv, size_t row,
                                  long col, bool dc, const char *path,
                                  double *v) {
    const char *cell = ws__csv_cell(csv, row, (size_t)col);
    ws_num_result r = ws__parse_number(cell, dc, v);
    if (r == WS_NUM_OK)
        return WS_OK;
    if (r == WS_NUM_MISSING) {
        *v = NAN;
        return WS_OK;
    }
    return ws__error(
        ctx, WS_ERR_DATA, "%s:%zu: column '%s': '%s' is not a number", path,
        ws__csv_line(csv, row), ws__csv_header(csv, (size_t)col), cell);
}

/* A coordinate transformation for CSV points (RD or WGS84 lon/lat): a
 * source without a layer, whose CRS is the one its columns imply. */
static ws_status csv_transform(ws_ctx *ctx, const ws_layerdef *def,
                               const char *path, bool lonlat, ws_source *tr) {
    memset(tr, 0, sizeof *tr);
    tr->path = path;
    tr->layer_name = lonlat ? "lon/lat" : "x/y";
    const char *crs = lonlat
                          ? "EPSG:4326"
                          : (def->csv_xy_crs ? def->csv_xy_crs : "EPSG:28992");
    return ws__source_prepare_crs(ctx, tr, crs);
}

static ws_status load_csv_list(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                               const ws_layerdefs *defs, const ws_bbox *area,
                               amen_counts *cnt, const char **def_path) {
    ws_csv *csv = NULL;
    ws_layerdef *owned = NULL;
    const ws_layerdef *def = NULL;
    ws_source tr = {0};
    double *xs = NULL, *ys = NULL;
    size_t *cats = NULL;
    ws_status st = ws__csv_read(ctx, in->path, &csv);
    if (st == WS_OK && in->definition) {
        st = ws__layerdef_load(ctx, in->definition, &owned);
        def = owned;
    }
    for (size_t i = 0; st == WS_OK && !def && i < defs->n; i++) {
        const ws_layerdef *d = defs->defs[i];
        bool ok = d->kind == WS_DEF_VOORZIENINGEN;
        for (size_t m = 0; ok && m < d->match.n; m++)
            ok = ws__csv_find(csv, d->match.v[m]) >= 0;
        if (ok)
            def = d;
    }
    if (st == WS_OK && (!def || def->kind != WS_DEF_VOORZIENINGEN))
        st = ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                       "%s: not recognised as a voorzieningen list: no "
                       "layer definition of kind 'voorzieningen' matches its "
                       "columns (e.g. a column 'categorie')",
                       in->path);
    long fcat = -1;
    csv_coords cc = {0};
    if (st == WS_OK) {
        *def_path = def->path;
        fcat = ws__csv_find(csv, ws__layerdef_field(def, "categorie"));
        if (fcat < 0)
            st = ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                           "%s: column '%s' not found (category)", in->path,
                           ws__layerdef_field(def, "categorie"));
    }
    if (st == WS_OK)
        st = csv_coordinate_columns(ctx, csv, def, in->path, &cc);
    if (st == WS_OK)
        st = csv_transform(ctx, def, in->path, cc.lonlat, &tr);
    size_t n = csv ? ws__csv_nrows(csv) : 0, k = 0;
    size_t map[256];
    if (st == WS_OK && def->ncats > 256)
        st =
            ws__error(ctx, WS_ERR_FORMAT, "%s: too many categories", def->path);
    if (st == WS_OK)
        st = dataset_categories(ds, def, map);
    if (st == WS_OK) {
        xs = ws__malloc(ctx, (n ? n : 1) * sizeof *xs);
        ys = ws__malloc(ctx, (n ? n : 1) * sizeof *ys);
        cats = ws__malloc(ctx, (n ? n : 1) * sizeof *cats);
        if (!xs || !ys || !cats)
            st = WS_ERR_NOMEM;
    }
    bool dc = csv ? ws__csv_decimal_comma(csv) : false;
    for (size_t r = 0; st == WS_OK && r < n; r++) {
        cnt->read++;
        const char *value = ws__csv_cell(csv, r, (size_t)fcat);
        long c = category_of_value(def, value);
        if (c < 0) {
            note_unknown(cnt, value, ws__csv_line(csv, r));
            continue;
        }
        st = parse_coordinate(ctx, csv, r, cc.x, dc, in->path, &xs[k]);
        if (st == WS_OK)
            st = parse_coordinate(ctx, csv, r, cc.y, dc, in->path, &ys[k]);
        cats[k++] = map[c];
    }
    if (st == WS_OK)
        st = ws__source_to_rd(ctx, &tr, xs, ys, k);
    for (size_t i = 0; st == WS_OK && i < k; i++)
        st = keep_point(ds, area, xs[i], ys[i], cats[i], cnt);
    ws__free(ctx, xs);
    ws__free(ctx, ys);
    ws__free(ctx, cats);
    ws__source_close(&tr);
    ws__csv_free(ctx, csv);
    if (st == WS_OK && owned)
        *def_path = in->definition;
    ws__layerdef_free(ctx, owned);
    return st;
}

/* --- geometry of an OGR feature as one point in RD ------------------------ */

static ws_status feature_point(ws_ctx *ctx, ws_source *src, OGRFeatureH f,
                               double *x, double *y, bool *has) {
    *has = false;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g))
        return WS_OK;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    OGRGeometryH pt = NULL;
    if (t == wkbPoint) {
        *x = OGR_G_GetX(g, 0);
        *y = OGR_G_GetY(g, 0);
    } else if (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1) {
        *x = OGR_G_GetX(OGR_G_GetGeometryRef(g, 0), 0);
        *y = OGR_G_GetY(OGR_G_GetGeometryRef(g, 0), 0);
    } else if (t == wkbPolygon || t == wkbMultiPolygon) {
        ws__gdal_begin(ctx);
        pt = OGR_G_PointOnSurface(g);
        ws__gdal_end(ctx);
        if (!pt)
            return WS_OK;
        *x = OGR_G_GetX(pt, 0);
        *y = OGR_G_GetY(pt, 0);
        OGR_G_DestroyGeometry(pt);
    } else {
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': feature %lld has a %s geometry, "
                         "expected a point or an area (voorziening)",
                         src->path, src->layer_name, (long long)OGR_F_GetFID(f),
                         OGRGeometryTypeToName(t));
    }
    *has = true;
    return ws__source_to_rd(ctx, src, x, y, 1);
}

/* --- OpenStreetMap ------------------------------------------------------- */

/* Value of tag `key` in an hstore string "k"=>"v","k2"=>"v2" (into buf). */
static bool hstore_get(const char *h, const char *key, char *buf, size_t size) {
    size_t kl = strlen(key);
    for (const char *p = h; p && (p = strchr(p, '"')) != NULL;) {
        const char *kend = strchr(p + 1, '"');
        if (!kend)
            return false;
        bool hit = (size_t)(kend - p - 1) == kl && strncmp(p + 1, key, kl) == 0;
        const char *arrow = strstr(kend, "=>\"");
        if (!arrow)
            return false;
        const char *v = arrow + 3, *vend = v;
        while (*vend && !(*vend == '"' && vend[-1] != '\\'))
            vend++;
        if (hit) {
            size_t n =
                (size_t)(vend - v) < size - 1 ? (size_t)(vend - v) : size - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return true;
        }
        p = *vend ? vend + 1 : NULL;
    }
    return false;
}

static bool osm_tag(OGRFeatureH f, OGRFeatureDefnH fd, int other_tags,
                    const char *key, char *buf, size_t size) {
    int idx = OGR_FD_GetFieldIndex(fd, key);
    if (idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, idx)) {
        ws__strlcpy(buf, OGR_F_GetFieldAsString(f, idx), size);
        return true;
    }
    return other_tags >= 0 && OGR_F_IsFieldSetAndNotNull(f, other_tags) &&
           hstore_get(OGR_F_GetFieldAsString(f, other_tags), key, buf, size);
}

/* A rule "k=v" or "k=v&k2=v2": every part must hold. */
static bool osm_rule_holds(OGRFeatureH f, OGRFeatureDefnH fd, int other_tags,
                           const char *rule) {
    char part[128], val[256];
    const char *p = rule;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n >= sizeof part)
            return false;
        memcpy(part, p, n);
        part[n] = '\0';
        char *eq = strchr(part, '=');
        if (!eq)
            return false;
        *eq = '\0';
        if (!osm_tag(f, fd, other_tags, part, val, sizeof val) ||
            strcmp(val, eq + 1) != 0)
            return false;
        p = amp ? amp + 1 : p + n;
    }
    return true;
}

static long osm_category(const ws_layerdef *def, OGRFeatureH f,
                         OGRFeatureDefnH fd, int other_tags) {
    for (size_t c = 0; c < def->ncats; c++)
        for (size_t r = 0; r < def->cats[c].values.n; r++)
            if (osm_rule_holds(f, fd, other_tags, def->cats[c].values.v[r]))
                return (long)c;
    return -1;
}

/* --- reading features ----------------------------------------------------- */

/* Category of a feature: by the category field for a list, by the tag rules
 * for OpenStreetMap data (where most features are no voorziening at all). */
static long feature_category(const ws_layerdef *def, OGRFeatureH f,
                             OGRFeatureDefnH fd, int fcat, amen_counts *cnt) {
    if (def->kind == WS_DEF_VOORZIENINGEN_OSM)
        return osm_category(def, f, fd, OGR_FD_GetFieldIndex(fd, "other_tags"));
    const char *value = OGR_F_IsFieldSetAndNotNull(f, fcat)
                            ? OGR_F_GetFieldAsString(f, fcat)
                            : "";
    long c = category_of_value(def, value);
    if (c < 0)
        note_unknown(cnt, value, (size_t)OGR_F_GetFID(f));
    return c;
}

typedef struct feature_reader {
    ws_ctx *ctx;
    ws_dataset *ds;
    ws_source *src;
    const ws_layerdef *def;
    const ws_bbox *area;
    size_t map[256]; /* definition category -> dataset category */
    int fcat;
    amen_counts *cnt;
} feature_reader;

static ws_status read_feature(feature_reader *r, OGRFeatureH f) {
    r->cnt->read++;
    long c = feature_category(r->def, f, r->src->defn, r->fcat, r->cnt);
    if (c < 0)
        return WS_OK;
    double x, y;
    bool has = false;
    ws_status st = feature_point(r->ctx, r->src, f, &x, &y, &has);
    if (st == WS_OK && !has)
        r->cnt->bad++;
    else if (st == WS_OK)
        st = keep_point(r->ds, r->area, x, y, r->map[c], r->cnt);
    return st;
}

static ws_status reader_init(feature_reader *r, ws_ctx *ctx, ws_dataset *ds,
                             ws_source *src, const ws_layerdef *def,
                             const ws_bbox *area, amen_counts *cnt) {
    *r = (feature_reader){.ctx = ctx,
                          .ds = ds,
                          .src = src,
                          .def = def,
                          .area = area,
                          .fcat = -1,
                          .cnt = cnt};
    if (def->ncats > 256)
        return ws__error(ctx, WS_ERR_FORMAT, "%s: too many categories",
                         def->path);
    if (def->kind == WS_DEF_VOORZIENINGEN) {
        ws_status st = ws__source_require_field(
            ctx, src, ws__layerdef_field(def, "categorie"),
            "the category of a voorziening", &r->fcat);
        if (st != WS_OK)
            return st;
    }
    return dataset_categories(ds, def, r->map);
}

/* One layer, feature by feature. */
static ws_status read_layer(feature_reader *r) {
    ws_status st = WS_OK;
    OGRFeatureH f;
    ws__gdal_begin(r->ctx);
    OGR_L_ResetReading(r->src->layer);
    while (st == WS_OK && (f = OGR_L_GetNextFeature(r->src->layer))) {
        st = read_feature(r, f);
        OGR_F_Destroy(f);
    }
    if (st == WS_OK)
        st = ws__source_read_errors(r->ctx, r->src);
    ws__gdal_end(r->ctx);
    return st;
}

/* The OSM driver reads all layers in one interleaved pass. */
static ws_status read_osm_layers(feature_reader *r) {
    ws_status st = WS_OK;
    OGRLayerH layer = NULL;
    OGRFeatureH f;
    ws__gdal_begin(r->ctx);
    GDALDatasetResetReading(r->src->ds);
    while (st == WS_OK && (f = GDALDatasetGetNextFeature(r->src->ds, &layer,
                                                         NULL, NULL, NULL))) {
        if (ws__strlist_has(&r->def->layers, OGR_L_GetName(layer), false)) {
            r->src->layer = layer;
            r->src->layer_name = OGR_L_GetName(layer);
            r->src->defn = OGR_L_GetLayerDefn(layer);
            st = read_feature(r, f);
        }
        OGR_F_Destroy(f);
    }
    if (st == WS_OK)
        st = ws__source_read_errors(r->ctx, r->src);
    ws__gdal_end(r->ctx);
    return st;
}

static bool is_osm_file(const char *path) {
    size_t n = strlen(path);
    return (n > 4 && ws__streq_nocase(path + n - 4, ".osm")) ||
           (n > 8 && ws__streq_nocase(path + n - 8, ".osm.pbf")) ||
           (n > 4 && ws__streq_nocase(path + n - 4, ".pbf"));
}

static ws_status osm_definition(ws_ctx *ctx, const ws_input *in,
                                const ws_layerdefs *defs,
                                const ws_layerdef **def, ws_layerdef **owned) {
    *def = NULL;
    *owned = NULL;
    if (in->definition) {
        ws_status st = ws__layerdef_load(ctx, in->definition, owned);
        *def = *owned;
        return st;
    }
    for (size_t i = 0; i < defs->n; i++)
        if (defs->defs[i]->kind == WS_DEF_VOORZIENINGEN_OSM) {
            *def = defs->defs[i];
            return WS_OK;
        }
    return ws__error(ctx, WS_ERR_FORMAT,
                     "%s: an OpenStreetMap file needs a layer definition of "
                     "kind 'voorzieningen_osm' (none found)",
                     in->path);
}

static ws_status load_osm_input(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                                const ws_layerdefs *defs, const ws_bbox *area,
                                amen_counts *cnt, const char **def_path) {
    ws_source src;
    const ws_layerdef *def;
    ws_layerdef *owned;
    ws_status st = osm_definition(ctx, in, defs, &def, &owned);
    if (st == WS_OK)
        st = ws__source_open(ctx, in->path, &src);
    else
        memset(&src, 0, sizeof src);
    if (st == WS_OK && def->kind != WS_DEF_VOORZIENINGEN_OSM)
        st = ws__error(ctx, WS_ERR_FORMAT,
                       "%s: is not a voorzieningen_osm "
                       "definition",
                       def->path);
    if (st == WS_OK)
        st = ws__source_pick_layer(ctx, &src, NULL, &def->layers);
    if (st == WS_OK)
        st = ws__source_prepare_crs(ctx, &src, def->crs);
    feature_reader r;
    if (st == WS_OK)
        st = reader_init(&r, ctx, ds, &src, def, area, cnt);
    if (st == WS_OK) {
        *def_path = owned ? in->definition : def->path;
        st = read_osm_layers(&r);
    }
    ws__source_close(&src);
    ws__layerdef_free(ctx, owned);
    return st;
}

static void report(ws_ctx *ctx, const ws_input *in, const amen_counts *cnt) {
    if (cnt->unknown)
        ws__warn(ctx,
                 "%s: %zu voorzieningen with a category that no layer "
                 "definition knows were skipped (first: '%s' at row/feature "
                 "%zu)",
                 in->path, cnt->unknown, cnt->first_unknown,
                 cnt->first_unknown_line);
    if (cnt->bad)
        ws__warn(ctx,
                 "%s: %zu voorzieningen without usable coordinates were "
                 "skipped",
                 in->path, cnt->bad);
    ws__info(ctx,
             "%s: %zu features read, %zu voorzieningen kept, %zu outside the "
             "area",
             in->path, cnt->read, cnt->kept, cnt->outside);
}

/* A layer with a category field, else one with OSM tags (QuickOSM exports,
 * or an OSM file converted to GeoPackage). */
static ws_status open_list(ws_ctx *ctx, const ws_input *in,
                           const ws_layerdefs *defs, ws_source *src,
                           const ws_layerdef **def, ws_layerdef **owned) {
    ws_status st = ws__open_input(ctx, in, defs, WS_DEF_VOORZIENINGEN,
                                  "voorzieningen", src, def, owned);
    if (st != WS_ERR_DATA_NO_FIELD || in->definition)
        return st;
    ws_ctx_clear_error(ctx);
    ws__source_close(src);
    return ws__open_input(ctx, in, defs, WS_DEF_VOORZIENINGEN_OSM,
                          "voorzieningen", src, def, owned);
}

static ws_status load_list(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                           const ws_layerdefs *defs, const ws_bbox *area,
                           amen_counts *cnt, char *layer, size_t layer_size,
                           char *def_path, size_t def_size) {
    ws_source src;
    const ws_layerdef *def = NULL;
    ws_layerdef *owned = NULL;
    feature_reader r;
    ws_status st = open_list(ctx, in, defs, &src, &def, &owned);
    if (st == WS_OK)
        st = ws__source_prepare_crs(ctx, &src, def->crs);
    if (st == WS_OK)
        st = reader_init(&r, ctx, ds, &src, def, area, cnt);
    if (st == WS_OK) {
        ws__strlcpy(layer, src.layer_name, layer_size);
        ws__strlcpy(def_path, def->path, def_size);
        st = read_layer(&r);
    }
    ws__source_close(&src);
    ws__layerdef_free(ctx, owned);
    return st;
}

ws_status ws__load_amenities(ws_ctx *ctx, ws_dataset *ds, const ws_input *in,
                             const ws_layerdefs *defs, const ws_bbox *area) {
    amen_counts cnt = {0};
    char layer[256] = "", def_path[4096] = "";
    const char *dp = "";
    ws_status st;
    if (ws__is_csv_path(in->path) && !in->layer) {
        st = load_csv_list(ctx, ds, in, defs, area, &cnt, &dp);
        ws__strlcpy(def_path, dp, sizeof def_path);
    } else if (is_osm_file(in->path)) {
        st = load_osm_input(ctx, ds, in, defs, area, &cnt, &dp);
        ws__strlcpy(def_path, dp, sizeof def_path);
        ws__strlcpy(layer, "points, multipolygons", sizeof layer);
    } else {
        st = load_list(ctx, ds, in, defs, area, &cnt, layer, sizeof layer,
                       def_path, sizeof def_path);
    }
    if (st == WS_OK) {
        report(ctx, in, &cnt);
        st = ws__dataset_add_input(ds, "voorzieningen", in->path, layer,
                                   def_path, cnt.read);
    }
    return st;
}
