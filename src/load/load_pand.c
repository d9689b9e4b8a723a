/* Pand footprints. Every dwelling names its pand (pand_identificatie in
 * bag-light, pandRef in an LVBAG extract); the pand layer of the same BAG
 * file holds the pand's footprint polygon. Its area in m² (RD New) goes into
 * the dwelling's pand_opp, from which the aggregate stage estimates the
 * number of woonlagen. When the product keeps the bouwjaar on the pand
 * (LVBAG: oorspronkelijkBouwjaar), it is taken from the same read.
 *
 * Only what is needed is read. The ids the dwellings refer to go into a u64
 * hash first; then the pand layer is read once, with every other field
 * ignored, a spatial filter on the dwellings' extent and the layer
 * definition's "current" rule as attribute filter (pushed down to GDAL where
 * the driver allows; the rule is checked again per row). A pand that no
 * dwelling refers to costs one hash lookup; nothing is allocated per pand.
 * A file without a pand layer gives one warning and the footprints stay
 * unknown (NaN), never 0. */
#include <math.h>
#include <string.h>

#include "load_internal.h"

/* Slack around the dwellings' extent for the spatial filter: a dwelling's
 * point lies in its pand, so any margin would do; this one forgives points
 * that were digitised just outside their pand. */
#define PAND_FILTER_MARGIN_M 100.0
#define NO_SLOT UINT32_MAX

/* The distinct panden the dwellings refer to, one slot each. */
typedef struct pand_table {
    ws_hash index;     /* pand id -> slot */
    uint32_t *slot;    /* per dwelling: its pand's slot, NO_SLOT if none */
    size_t n;          /* number of slots */
    float *area;       /* per slot: footprint in m², NaN unknown */
    int16_t *bouwjaar; /* per slot, when wanted: 0 unknown */
    uint8_t *seen;     /* per slot: a current row was read */
} pand_table;

/* The pand layer as it is read. */
typedef struct pand_layer {
    ws_source src; /* shares the BAG source's GDAL dataset */
    int f_id, f_bouwjaar, geom;
    int *current; /* fields that are empty on a current row */
    size_t ncurrent;
    bool want_bouwjaar;
} pand_layer;

typedef struct pand_counts {
    size_t read;         /* rows read (after the filters) */
    size_t matched;      /* current rows of a referenced pand */
    size_t duplicates;   /* further current rows of the same pand */
    size_t no_footprint; /* matched, but no usable polygon */
} pand_counts;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

uint64_t ws__bag_id_bytes(const char *s, size_t n) {
    while (n > 0 && !is_digit(s[n - 1])) /* "(1:…)" */
        n--;
    size_t start = n;
    while (start > 0 && is_digit(s[start - 1]))
        start--;
    if (n - start == 0 || n - start > 19)
        return 0;
    uint64_t v = 0;
    for (size_t i = start; i < n; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    return v;
}

uint64_t ws__bag_id_number(const char *s) {
    return s ? ws__bag_id_bytes(s, strlen(s)) : 0;
}

int16_t ws__bouwjaar_of(double v) {
    return v >= 1000 && v <= 2100 ? (int16_t)v : 0;
}

static void table_free(ws_ctx *ctx, pand_table *t) {
    ws__hash_free(&t->index);
    ws__free(ctx, t->slot);
    ws__free(ctx, t->area);
    ws__free(ctx, t->bouwjaar);
    ws__free(ctx, t->seen);
}

/* One slot per distinct pand id of the dwellings. The index starts at half
 * the dwellings (most panden hold one dwelling, flats many) and grows when
 * needed, so it is not sized for the worst case up front. */
static ws_status index_panden(ws_ctx *ctx, const ws__dwellings *dw,
                              bool want_bouwjaar, pand_table *t) {
    memset(t, 0, sizeof *t);
    if (dw->n >= NO_SLOT) /* slots are 32-bit: 4 billion dwellings */
        return ws__error(ctx, WS_ERR_DATA, "too many dwellings (%zu)", dw->n);
    t->slot = ws__malloc(ctx, (dw->n ? dw->n : 1) * sizeof *t->slot);
    ws_status st = t->slot ? ws__hash_init(&t->index, ctx, dw->n / 2 + 1, false)
                           : WS_ERR_NOMEM;
    for (size_t i = 0; st == WS_OK && i < dw->n; i++) {
        size_t s = t->n;
        bool existing = false;
        t->slot[i] = NO_SLOT;
        if (!dw->pand_id[i])
            continue;
        st = ws__hash_put_u64(&t->index, dw->pand_id[i], t->n, &existing);
        if (st == WS_OK && existing)
            ws__hash_get_u64(&t->index, dw->pand_id[i], &s);
        else if (st == WS_OK)
            t->n++;
        t->slot[i] = (uint32_t)s;
    }
    if (st != WS_OK)
        return st;
    size_t m = t->n ? t->n : 1;
    t->area = ws__malloc(ctx, m * sizeof *t->area);
    t->seen = ws__calloc(ctx, m, sizeof *t->seen);
    if (want_bouwjaar)
        t->bouwjaar = ws__calloc(ctx, m, sizeof *t->bouwjaar);
    if (!t->area || !t->seen || (want_bouwjaar && !t->bouwjaar))
        return WS_ERR_NOMEM;
    for (size_t k = 0; k < t->n; k++)
        t->area[k] = NAN;
    return WS_OK;
}

static OGRLayerH find_layer(const ws_source *vbo, const ws_layerdef *def) {
    OGRLayerH l = NULL;
    for (size_t i = 0; !l && i < def->pand_layers.n; i++)
        l = GDALDatasetGetLayerByName(vbo->ds, def->pand_layers.v[i]);
    return l;
}

static ws_status find_fields(ws_ctx *ctx, pand_layer *p,
                             const ws_layerdef *def) {
    const ws_source *s = &p->src;
    ws_status st = ws__source_require_field(
        ctx, s, def->pand_id, "the identificatie of a pand", &p->f_id);
    p->f_bouwjaar = -1;
    if (st == WS_OK && p->want_bouwjaar)
        st = ws__source_require_field(ctx, s, def->pand_bouwjaar,
                                      "the bouwjaar of a pand", &p->f_bouwjaar);
    if (st != WS_OK)
        return st;
    p->current = ws__calloc(ctx, def->pand_current.n + 1, sizeof *p->current);
    if (!p->current)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < def->pand_current.n; i++) {
        int idx = ws__source_field(s, def->pand_current.v[i]);
        if (idx >= 0)
            p->current[p->ncurrent++] = idx;
    }
    if (def->pand_geometry) {
        p->geom = OGR_FD_GetGeomFieldIndex(s->defn, def->pand_geometry);
        if (p->geom < 0)
            return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                             "%s: layer '%s': geometry field '%s' not found "
                             "(the footprint of a pand)",
                             s->path, s->layer_name, def->pand_geometry);
    } else if (OGR_FD_GetGeomFieldCount(s->defn) == 0) {
        return ws__error(ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s' has no geometry (the footprint of "
                         "a pand)",
                         s->path, s->layer_name);
    }
    return WS_OK;
}

static bool wanted_field(const pand_layer *p, int idx) {
    if (idx == p->f_id || idx == p->f_bouwjaar)
        return true;
    for (size_t i = 0; i < p->ncurrent; i++)
        if (p->current[i] == idx)
            return true;
    return false;
}

/* Tell the driver to skip every field and geometry that is not needed
 * (bag-light's pand rows carry rdf_seealso, gebruiksdoel, status, …). */
static ws_status ignore_other_fields(ws_ctx *ctx, pand_layer *p) {
    OGRFeatureDefnH fd = p->src.defn;
    int nf = OGR_FD_GetFieldCount(fd), ng = OGR_FD_GetGeomFieldCount(fd);
    const char **names =
        ws__calloc(ctx, (size_t)nf + (size_t)ng + 2, sizeof *names);
    if (!names)
        return WS_ERR_NOMEM;
    size_t k = 0;
    for (int i = 0; i < nf; i++)
        if (!wanted_field(p, i))
            names[k++] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
    for (int i = 0; i < ng; i++)
        if (i != p->geom)
            names[k++] = OGR_GFld_GetNameRef(OGR_FD_GetGeomFieldDefn(fd, i));
    names[k++] = "OGR_STYLE";
    OGR_L_SetIgnoredFields(p->src.layer, names);
    ws__free(ctx, names);
    return WS_OK;
}

/* The filters a driver may use to skip rows; silently dropped when it
 * refuses one (the rules are checked again per row). */
static ws_status push_filters(ws_ctx *ctx, pand_layer *p,
                              const ws__dwellings *dw) {
    ws_status st = ignore_other_fields(ctx, p);
    if (st != WS_OK)
        return st;
    ws_strbuf sb;
    ws__sb_init(&sb, ctx);
    for (size_t i = 0; i < p->ncurrent; i++)
        ws__sb_appendf(&sb, "%s\"%s\" IS NULL", i ? " AND " : "",
                       OGR_Fld_GetNameRef(
                           OGR_FD_GetFieldDefn(p->src.defn, p->current[i])));
    const char *sql = ws__sb_str(&sb);
    if (!sql) {
        ws__sb_free(&sb);
        return WS_ERR_NOMEM;
    }
    ws__gdal_begin(ctx);
    if (*sql && OGR_L_SetAttributeFilter(p->src.layer, sql) != OGRERR_NONE)
        OGR_L_SetAttributeFilter(p->src.layer, NULL);
    ws_bbox box = {0};
    for (size_t i = 0; i < dw->n; i++)
        ws__bbox_add(&box, dw->x[i], dw->y[i], dw->x[i], dw->y[i]);
    /* the box is in RD New: only a layer in RD New can use it */
    if (p->src.is_rd && box.set)
        OGR_L_SetSpatialFilterRectEx(
            p->src.layer, p->geom, box.minx - PAND_FILTER_MARGIN_M,
            box.miny - PAND_FILTER_MARGIN_M, box.maxx + PAND_FILTER_MARGIN_M,
            box.maxy + PAND_FILTER_MARGIN_M);
    ws__gdal_end(ctx);
    ws__sb_free(&sb);
    return WS_OK;
}

static void clear_filters(pand_layer *p) {
    OGR_L_SetAttributeFilter(p->src.layer, NULL);
    OGR_L_SetSpatialFilter(p->src.layer, NULL);
    OGR_L_SetIgnoredFields(p->src.layer, NULL);
}

static bool is_current(OGRFeatureH f, const pand_layer *p) {
    for (size_t i = 0; i < p->ncurrent; i++) {
        int ci = p->current[i];
        if (!OGR_F_IsFieldSetAndNotNull(f, ci))
            continue;
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(p->src.defn, ci));
        if (t != OFTString || OGR_F_GetFieldAsString(f, ci)[0] != '\0')
            return false;
    }
    return true;
}

static bool is_areal(OGRwkbGeometryType t) {
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon ||
           t == wkbMultiSurface;
}

/* Area in m² of the feature's footprint (in RD New); NaN when it has none,
 * when it cannot be transformed or when it is degenerate (area 0). Another
 * geometry type than a polygon is an error that names the feature. */
static ws_status footprint_area(ws_ctx *ctx, pand_layer *p, OGRFeatureH f,
                                double *area) {
    *area = NAN;
    OGRGeometryH g = OGR_F_GetGeomFieldRef(f, p->geom);
    if (!g || OGR_G_IsEmpty(g))
        return WS_OK;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (!is_areal(t))
        return ws__error(ctx, WS_ERR_GEOMETRY,
                         "%s: layer '%s': feature %lld has a %s geometry, "
                         "expected a polygon (the footprint of a pand)",
                         p->src.path, p->src.layer_name,
                         (long long)OGR_F_GetFID(f), OGRGeometryTypeToName(t));
    if (p->src.to_rd && OGR_G_Transform(g, p->src.to_rd) != OGRERR_NONE)
        return WS_OK;
    double a = OGR_G_Area(g);
    if (isfinite(a) && a > 0)
        *area = a;
    return WS_OK;
}

/* One row of the pand layer: into its slot if a dwelling refers to it. */
static ws_status take_row(ws_ctx *ctx, pand_layer *p, OGRFeatureH f,
                          pand_table *t, pand_counts *c) {
    size_t k;
    uint64_t id = ws__bag_id_number(OGR_F_GetFieldAsString(f, p->f_id));
    if (!id || !ws__hash_get_u64(&t->index, id, &k) || !is_current(f, p))
        return WS_OK;
    if (t->seen[k]) {
        c->duplicates++;
        return WS_OK;
    }
    t->seen[k] = 1;
    c->matched++;
    double area;
    ws_status st = footprint_area(ctx, p, f, &area);
    if (st != WS_OK)
        return st;
    t->area[k] = (float)area;
    if (!isfinite(area))
        c->no_footprint++;
    if (t->bouwjaar && OGR_F_IsFieldSetAndNotNull(f, p->f_bouwjaar))
        t->bouwjaar[k] =
            ws__bouwjaar_of(OGR_F_GetFieldAsDouble(f, p->f_bouwjaar));
    return WS_OK;
}

/* `total` is the layer's size before the filters (cheap to get; with a
 * filter a driver may have to count by reading), so it serves the progress
 * report only. */
static ws_status read_panden(ws_ctx *ctx, pand_layer *p, GIntBig total,
                             pand_table *t, pand_counts *c) {
    OGRLayerH l = p->src.layer;
    ws_status st = WS_OK;
    OGRFeatureH f;
    ws__gdal_begin(ctx);
    OGR_L_ResetReading(l);
    while (st == WS_OK && (f = OGR_L_GetNextFeature(l))) {
        if ((++c->read & 0xffff) == 0 && total > 0)
            st = ws__progress(ctx, (double)c->read / (double)total,
                              "BAG-panden lezen");
        if (st == WS_OK && ws__gdal_msg(ctx)[0]) /* e.g. a corrupt blob */
            st = ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                           "%s: layer '%s': feature %lld: %s", p->src.path,
                           p->src.layer_name, (long long)OGR_F_GetFID(f),
                           ws__gdal_msg(ctx));
        if (st == WS_OK)
            st = take_row(ctx, p, f, t, c);
        OGR_F_Destroy(f);
    }
    if (st == WS_OK)
        st = ws__source_read_errors(ctx, &p->src);
    ws__gdal_end(ctx);
    return st;
}

/* Footprint (and bouwjaar) of each dwelling's pand; returns how many
 * dwellings are left without a footprint. */
static size_t give_to_dwellings(ws__dwellings *dw, const pand_table *t) {
    size_t unknown = 0;
    for (size_t i = 0; i < dw->n; i++) {
        uint32_t k = t->slot[i];
        dw->pand_opp[i] = k == NO_SLOT ? NAN : t->area[k];
        if (k != NO_SLOT && t->bouwjaar && t->seen[k])
            dw->bouwjaar[i] = t->bouwjaar[k];
        if (!isfinite(dw->pand_opp[i]))
            unknown++;
    }
    return unknown;
}

static void report(ws_ctx *ctx, const pand_layer *p, const pand_counts *c,
                   size_t unknown, size_t n) {
    if (c->duplicates)
        ws__warn(ctx,
                 "%s: layer '%s': %zu panden occur more than once as a "
                 "current row; the first row of each is used",
                 p->src.path, p->src.layer_name, c->duplicates);
    if (unknown)
        ws__warn(ctx,
                 "%s: layer '%s': %zu of %zu dwellings have no known pand "
                 "footprint (pand not found, no pand reference or no "
                 "polygon); their woonlagen and zorggeschiktheid are unknown",
                 p->src.path, p->src.layer_name, unknown, n);
}

/* No pand layer at all: say so once; the footprints stay NaN. */
static void warn_no_layer(ws_ctx *ctx, const ws_source *vbo,
                          const ws_layerdef *def, bool want_bouwjaar) {
    const char *what = want_bouwjaar ? "pand footprints and bouwjaar are"
                                     : "pand footprints are";
    if (!def->pand_layers.n)
        ws__warn(ctx,
                 "%s: the layer definition %s names no pand layer: %s "
                 "unknown, so woonlagen_gemiddeld and the zorggeschikt "
                 "columns are missing",
                 vbo->path, def->path, what);
    else
        ws__warn(ctx,
                 "%s: no pand layer ('%s') found: %s unknown, so "
                 "woonlagen_gemiddeld and the zorggeschikt columns are "
                 "missing",
                 vbo->path, def->pand_layers.v[0], what);
}

static ws_status record(ws_dataset *ds, const pand_layer *p,
                        const ws_layerdef *def, const pand_counts *c,
                        const pand_table *t) {
    ws_status st = ws__dataset_add_input(ds, "pand", p->src.path,
                                         p->src.layer_name, def->path, c->read);
    if (st == WS_OK)
        st = ws__dataset_set_param(ds, "panden_met_voetafdruk",
                                   "%zu van %zu panden met woningen",
                                   c->matched - c->no_footprint, t->n);
    return st;
}

ws_status ws__load_panden(ws_ctx *ctx, ws_dataset *ds, const ws_source *vbo,
                          const ws_layerdef *def) {
    bool want_bouwjaar = def->pand_bouwjaar != NULL;
    OGRLayerH l = find_layer(vbo, def);
    if (!l) {
        warn_no_layer(ctx, vbo, def, want_bouwjaar);
        return WS_OK;
    }
    pand_layer p = {.want_bouwjaar = want_bouwjaar};
    pand_table t;
    pand_counts c = {0};
    ws_status st = index_panden(ctx, &ds->dw, want_bouwjaar, &t);
    if (st == WS_OK)
        st = ws__source_sibling(ctx, vbo, l, def->crs, &p.src);
    if (st == WS_OK)
        st = find_fields(ctx, &p, def);
    GIntBig total = st == WS_OK ? OGR_L_GetFeatureCount(l, FALSE) : 0;
    if (st == WS_OK)
        st = push_filters(ctx, &p, &ds->dw);
    if (st == WS_OK)
        st = read_panden(ctx, &p, total, &t, &c);
    if (p.src.layer)
        clear_filters(&p);
    if (st == WS_OK) {
        report(ctx, &p, &c, give_to_dwellings(&ds->dw, &t), ds->dw.n);
        st = record(ds, &p, def, &c, &t);
    }
    table_free(ctx, &t);
    ws__free(ctx, p.current);
    ws__source_close(&p.src);
    return st;
}
