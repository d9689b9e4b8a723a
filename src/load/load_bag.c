/* Reading BAG verblijfsobjecten into the dwelling columns. A row becomes a
 * dwelling when it is current (LVBAG history: its end dates are empty), its
 * gebruiksdoel includes woonfunctie and its status is live (see the layer
 * definition and ws__is_dwelling). The rules are checked per row, and
 * pushed down to GDAL as an attribute filter for a selection or an LVBAG
 * file (read_bag_rows says when and why).
 * BAG's placeholders become unknown: oppervlakte 1 (or less) and bouwjaar
 * 9999. The pand footprints (and, for the LVBAG extract, the bouwjaar) come
 * from the pand layer of the same file (load_pand.c).
 *
 * Three readers, each handing the layer to the next when it meets
 * anything it does not handle: a whole GeoPackage layer is read with
 * SQLite itself, on every core (load_bag_sqlite.c); other layers column-
 * wise through OGR's Arrow stream (GDAL >= 3.6) with only the needed
 * fields; and feature by feature, for drivers or field types the Arrow
 * reader does not handle (an LVBAG StringList), or whenever a faster
 * reader meets anything unusual (a GDAL error, a geometry that is not a
 * point, a WKB it cannot parse), so that every error is reported exactly
 * as the per-feature reader reports it. All apply the same rules to the
 * same values (ws__bag_take_row); the GDAL configuration options
 * WS_BAG_SQLITE=NO and WS_BAG_ARROW=NO switch the first two off. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_recordbatch.h>

#include "load_bag_internal.h"

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

/* The dwelling rules (and a gemeente selection) as an SQL condition, in the
 * dialect both OGR's attribute filters and SQLite take; NULL without memory
 * (the rules are checked again on every row anyway). Free with ws__free. */
static char *rules_sql(ws_ctx *ctx, const ws_source *src,
                       const ws_layerdef *def, const bag_fields *f,
                       const ws_selection *sel) {
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
    char *sql = ws__sb_str(&sb) ? ws__strdup(ctx, ws__sb_str(&sb)) : NULL;
    ws__sb_free(&sb);
    return sql;
}

/* Push the rules down to the driver as an attribute filter; silently
 * skipped if it refuses (every row is checked again while reading). */
static void push_rules(ws_ctx *ctx, ws_source *src, const char *sql) {
    if (!sql)
        return;
    ws__gdal_begin(ctx);
    if (OGR_L_SetAttributeFilter(src->layer, sql) != OGRERR_NONE)
        OGR_L_SetAttributeFilter(src->layer, NULL);
    ws__gdal_end(ctx);
}

/* The selection's box as a spatial filter, when it selects. */
static void push_box(ws_ctx *ctx, ws_source *src, const bag_fields *f,
                     const ws_selection *sel, const ws_bbox *box) {
    ws__gdal_begin(ctx);
    if (src->is_rd && box->set && select_by_box(f, sel))
        OGR_L_SetSpatialFilterRect(src->layer, box->minx, box->miny, box->maxx,
                                   box->maxy);
    ws__gdal_end(ctx);
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

/* Rows in the layer, when the driver knows without reading it (a
 * GeoPackage's gpkg_ogr_contents), else -1. Asked before the filters are
 * set: with an attribute filter even a "fast" count reads the whole layer,
 * which at national scale costs as much as reading the dwellings. The
 * count is of all rows, so the progress ratio below stays under 1 by the
 * share of rows the filter drops. */
static GIntBig cheap_row_count(ws_source *src) {
    return OGR_L_TestCapability(src->layer, OLCFastFeatureCount)
               ? OGR_L_GetFeatureCount(src->layer, FALSE)
               : -1;
}

static double progress_ratio(size_t read, GIntBig total) {
    if (total <= 0)
        return 0.0;
    double r = (double)read / (double)total;
    return r < 1.0 ? r : 1.0;
}

static ws_status read_dwellings(ws_ctx *ctx, ws_dataset *ds, ws_source *src,
                                const ws_layerdef *def, const bag_fields *f,
                                const ws_selection *sel, GIntBig total,
                                bag_counts *cnt) {
    OGRFeatureH feat;
    ws_status st = WS_OK;
    ws__gdal_begin(ctx);
    OGR_L_ResetReading(src->layer);
    while (st == WS_OK && (feat = OGR_L_GetNextFeature(src->layer))) {
        if ((++cnt->read & 0xffff) == 0)
            st = ws__progress(ctx, progress_ratio(cnt->read, total),
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

/* --- column-wise reading through OGR's Arrow stream ---------------------- */

/* One column of a record batch: format (Arrow C data interface) and the
 * logical offset of row 0. */
typedef struct arrow_col {
    const struct ArrowArray *a;
    const char *fmt;
    int64_t base;
} arrow_col;

static bool acol_null(const arrow_col *c, int64_t i) {
    const uint8_t *valid = c->a->buffers[0];
    int64_t k = c->base + i;
    return c->a->null_count != 0 && valid && !((valid[k >> 3] >> (k & 7)) & 1);
}

static bool acol_is_text(const char *fmt) {
    return strcmp(fmt, "u") == 0 || strcmp(fmt, "U") == 0 ||
           strcmp(fmt, "z") == 0 || strcmp(fmt, "Z") == 0;
}

static bool acol_is_number(const char *fmt) {
    return fmt[1] == '\0' && strchr("cCsSiIlLfg", fmt[0]) != NULL;
}

/* Bytes of a (large) utf8 or binary value. */
static const char *acol_bytes(const arrow_col *c, int64_t i, size_t *len) {
    int64_t k = c->base + i, from, to;
    if (c->fmt[0] == 'U' || c->fmt[0] == 'Z') {
        const int64_t *off = c->a->buffers[1];
        from = off[k];
        to = off[k + 1];
    } else {
        const int32_t *off = c->a->buffers[1];
        from = off[k];
        to = off[k + 1];
    }
    *len = (size_t)(to - from);
    return (const char *)c->a->buffers[2] + from;
}

static double acol_number(const arrow_col *c, int64_t i) {
    const void *v = c->a->buffers[1];
    int64_t k = c->base + i;
    switch (c->fmt[0]) {
    case 'c':
        return ((const int8_t *)v)[k];
    case 'C':
        return ((const uint8_t *)v)[k];
    case 's':
        return ((const int16_t *)v)[k];
    case 'S':
        return ((const uint16_t *)v)[k];
    case 'i':
        return ((const int32_t *)v)[k];
    case 'I':
        return ((const uint32_t *)v)[k];
    case 'l':
        return (double)((const int64_t *)v)[k];
    case 'L':
        return (double)((const uint64_t *)v)[k];
    case 'f':
        return ((const float *)v)[k];
    default:
        return ((const double *)v)[k];
    }
}

/* A value as the text OGR_F_GetFieldAsString gives for it, into buf. Only
 * text and integers are asked for this way. */
static const char *acol_text(const arrow_col *c, int64_t i, char *buf,
                             size_t size) {
    if (acol_is_text(c->fmt)) {
        size_t len;
        const char *p = acol_bytes(c, i, &len);
        if (len >= size)
            len = size - 1; /* longer than any value the rules compare */
        memcpy(buf, p, len);
        buf[len] = '\0';
    } else {
        snprintf(buf, size, "%.0f", acol_number(c, i));
    }
    return buf;
}

/* Arrow children of the fields the reader uses; -1 when absent. */
typedef struct arrow_fields {
    int geom, use, status, opp, bouwjaar, pand, gemeente;
    int *current;
    size_t ncurrent;
} arrow_fields;

/* Does the schema metadata say this child holds WKB geometry? */
static bool is_wkb_child(const struct ArrowSchema *s) {
    if (!s->metadata ||
        !(strcmp(s->format, "z") == 0 || strcmp(s->format, "Z") == 0))
        return false;
    const char *p = s->metadata;
    int32_t n;
    memcpy(&n, p, 4);
    p += 4;
    for (int32_t i = 0; i < n; i++) {
        int32_t kl, vl;
        memcpy(&kl, p, 4);
        const char *key = p + 4;
        memcpy(&vl, key + kl, 4);
        const char *val = key + kl + 4;
        if (kl == 20 && memcmp(key, "ARROW:extension:name", 20) == 0 &&
            vl == 7 && memcmp(val, "ogc.wkb", 7) == 0)
            return true;
        p = val + vl;
    }
    return false;
}

static int child_named(const struct ArrowSchema *s, const ws_source *src,
                       int field) {
    if (field < 0)
        return -1;
    const char *name =
        OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(src->defn, field));
    for (int64_t i = 0; i < s->n_children; i++)
        if (strcmp(s->children[i]->name, name) == 0)
            return (int)i;
    return -1;
}

/* Map the schema; false when a column is missing or of a type this reader
 * does not handle (the per-feature reader takes over). */
static bool arrow_map(const struct ArrowSchema *s, const ws_source *src,
                      const bag_fields *f, arrow_fields *af) {
    af->geom = -1;
    for (int64_t i = 0; i < s->n_children && af->geom < 0; i++)
        if (is_wkb_child(s->children[i]))
            af->geom = (int)i;
    af->use = child_named(s, src, f->use);
    af->status = child_named(s, src, f->status);
    af->opp = child_named(s, src, f->opp);
    af->bouwjaar = child_named(s, src, f->bouwjaar);
    af->pand = child_named(s, src, f->pand);
    af->gemeente = child_named(s, src, f->gemeente);
    if (af->geom < 0 || af->use < 0 || af->status < 0 ||
        (f->opp >= 0 && af->opp < 0) ||
        (f->bouwjaar >= 0 && af->bouwjaar < 0) ||
        (f->pand >= 0 && af->pand < 0) ||
        (f->gemeente >= 0 && af->gemeente < 0))
        return false;
    struct ArrowSchema *const *ch = s->children;
    if (!acol_is_text(ch[af->use]->format) ||
        !acol_is_text(ch[af->status]->format) ||
        (af->opp >= 0 && !acol_is_number(ch[af->opp]->format)) ||
        (af->bouwjaar >= 0 && !acol_is_number(ch[af->bouwjaar]->format)) ||
        (af->pand >= 0 && !acol_is_text(ch[af->pand]->format) &&
         !acol_is_number(ch[af->pand]->format)) ||
        (af->gemeente >= 0 && !acol_is_text(ch[af->gemeente]->format) &&
         !acol_is_number(ch[af->gemeente]->format)))
        return false;
    af->ncurrent = 0;
    for (size_t i = 0; i < f->ncurrent; i++) {
        int c = child_named(s, src, f->current[i]);
        if (c < 0)
            return false;
        af->current[af->ncurrent++] = c;
    }
    return true;
}

/* A point from WKB: 1 when read, 0 when empty (NaN coordinates), -1 when
 * it is anything else or cannot be parsed. */
static int wkb_point(const unsigned char *p, size_t len, double *x, double *y) {
    for (int depth = 0; depth < 2; depth++) {
        if (len < 5 || p[0] > 1)
            return -1;
        bool le = p[0] == 1;
        uint32_t type = le ? (uint32_t)p[1] | (uint32_t)p[2] << 8 |
                                 (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24
                           : (uint32_t)p[4] | (uint32_t)p[3] << 8 |
                                 (uint32_t)p[2] << 16 | (uint32_t)p[1] << 24;
        uint32_t flat = (type & 0x0fffffffu) % 1000u;
        if (flat == 4 && depth == 0) { /* a MultiPoint of one point */
            if (len < 9 + 5)
                return -1;
            uint32_t n = le ? (uint32_t)p[5] | (uint32_t)p[6] << 8 |
                                  (uint32_t)p[7] << 16 | (uint32_t)p[8] << 24
                            : (uint32_t)p[8] | (uint32_t)p[7] << 8 |
                                  (uint32_t)p[6] << 16 | (uint32_t)p[5] << 24;
            if (n != 1)
                return -1;
            p += 9;
            len -= 9;
            continue;
        }
        if (flat != 1 || len < 21)
            return -1;
        unsigned char b[16];
        for (int i = 0; i < 16; i++)
            b[i] = le ? p[5 + i] : p[5 + (i / 8) * 8 + 7 - i % 8];
        memcpy(x, b, 8);
        memcpy(y, b + 8, 8);
        return isnan(*x) && isnan(*y) ? 0 : 1;
    }
    return -1;
}

/* The dwelling rule on a row's gebruiksdoel and status, remembered for the
 * last pair of values seen: BAG rows come in long runs of the same two
 * texts, so the rule itself runs for a few rows per batch. The cache keeps
 * copies: a reader's bytes need not outlive the row. */
static const char *text_of(char *buf, size_t size, const char *p, size_t len) {
    if (len >= size)
        len = size - 1; /* longer than any value the rules compare */
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

static bool row_rule(bag_rule_cache *rc, const ws_layerdef *def,
                     const bag_row *r) {
    if (rc->known && r->use_len == rc->use_len &&
        r->status_len == rc->status_len &&
        memcmp(r->use, rc->use, r->use_len) == 0 &&
        memcmp(r->status, rc->status, r->status_len) == 0)
        return rc->result;
    char use[sizeof rc->use], status[sizeof rc->status];
    bool result = ws__is_dwelling(
        def, text_of(use, sizeof use, r->use, r->use_len), NULL,
        text_of(status, sizeof status, r->status, r->status_len));
    /* only what fits whole is remembered */
    rc->known =
        r->use_len < sizeof rc->use && r->status_len < sizeof rc->status;
    if (rc->known) {
        memcpy(rc->use, r->use, r->use_len);
        memcpy(rc->status, r->status, r->status_len);
        rc->use_len = r->use_len;
        rc->status_len = r->status_len;
        rc->result = result;
    }
    return result;
}

/* The pand id of a row: the digits of a text id (of at most 255 bytes, as
 * the Arrow reader always took it), or a number as OGR would print it. */
static uint64_t row_pand(const bag_row *r) {
    if (r->pand)
        return ws__bag_id_bytes(r->pand, r->pand_len < 255 ? r->pand_len : 255);
    if (isnan(r->pand_number))
        return 0;
    char text[64];
    snprintf(text, sizeof text, "%.0f", r->pand_number);
    return ws__bag_id_number(text);
}

ws_status ws__bag_take_row(ws_dataset *ds, const ws_layerdef *def,
                           bag_rule_cache *rc, const bag_row *r,
                           bag_counts *cnt) {
    cnt->read++;
    bool keep = r->current && r->use && r->status && row_rule(rc, def, r);
    if (keep && !r->selected) {
        cnt->other_gemeente++;
        keep = false;
    }
    if (!keep) {
        ds->n_vbo_rejected++;
        return WS_OK;
    }
    double x = 0, y = 0;
    int has = r->wkb ? wkb_point(r->wkb, r->wkb_len, &x, &y) : 0;
    if (has < 0)
        return WS_ERR_UNSUPPORTED;
    if (!has) {
        cnt->no_location++;
        return WS_OK;
    }
    if (!(isfinite(x) && isfinite(y))) {
        cnt->bad_coordinates++;
        return WS_OK;
    }
    double opp = r->opp;
    ws__dataset_push_dwelling(ds, x, y,
                              opp > 1.0 && opp < 1e6 ? (float)opp : NAN,
                              ws__bouwjaar_of(r->bouwjaar), row_pand(r));
    return WS_OK;
}

/* Is row i of a gemeente column in the selection? */
static bool acol_selected(const arrow_col *c, int64_t i,
                          const ws_selection *sel) {
    char text[256], gm[8];
    return !acol_null(c, i) &&
           ws__normalise_gemeentecode(acol_text(c, i, text, sizeof text), gm) &&
           ws__selection_has(sel, gm);
}

/* Row i of a record batch as a bag_row. */
static void arrow_row(const arrow_col *col, const arrow_fields *af,
                      const ws_selection *sel, int64_t i, bag_row *r) {
    const arrow_col *cu = &col[af->use], *cs = &col[af->status];
    r->use = acol_null(cu, i) ? NULL : acol_bytes(cu, i, &r->use_len);
    r->status = acol_null(cs, i) ? NULL : acol_bytes(cs, i, &r->status_len);
    r->current = true;
    for (size_t k = 0; r->current && k < af->ncurrent; k++) {
        const arrow_col *c = &col[af->current[k]];
        size_t len = 1;
        if (!acol_null(c, i) && acol_is_text(c->fmt))
            acol_bytes(c, i, &len);
        r->current = acol_null(c, i) || len == 0;
    }
    r->selected = sel->n == 0 || af->gemeente < 0 ||
                  acol_selected(&col[af->gemeente], i, sel);
    const arrow_col *co = af->opp >= 0 ? &col[af->opp] : NULL;
    const arrow_col *cb = af->bouwjaar >= 0 ? &col[af->bouwjaar] : NULL;
    const arrow_col *cp = af->pand >= 0 ? &col[af->pand] : NULL;
    r->opp = co && !acol_null(co, i) ? acol_number(co, i) : NAN;
    r->bouwjaar = cb && !acol_null(cb, i) ? acol_number(cb, i) : 0;
    r->pand = NULL;
    r->pand_number = NAN;
    if (cp && !acol_null(cp, i) && acol_is_text(cp->fmt))
        r->pand = acol_bytes(cp, i, &r->pand_len);
    else if (cp && !acol_null(cp, i))
        r->pand_number = acol_number(cp, i);
    const arrow_col *cg = &col[af->geom];
    r->wkb = acol_null(cg, i)
                 ? NULL
                 : (const unsigned char *)acol_bytes(cg, i, &r->wkb_len);
}

/* The rows of one record batch, with the same rules as read_dwellings.
 * Returns WS_OK, an error, or WS_ERR_UNSUPPORTED (recorded nowhere) when the
 * per-feature reader must take over. */
static ws_status arrow_batch(ws_dataset *ds, const struct ArrowArray *a,
                             const struct ArrowSchema *s,
                             const ws_layerdef *def, const arrow_fields *af,
                             const ws_selection *sel, bag_rule_cache *rc,
                             bag_counts *cnt) {
    arrow_col col[64];
    if (a->n_children > 64 || a->n_children != s->n_children || a->length < 0)
        return WS_ERR_UNSUPPORTED;
    for (int64_t c = 0; c < a->n_children; c++)
        col[c] = (arrow_col){a->children[c], s->children[c]->format,
                             a->offset + a->children[c]->offset};
    ws_status st =
        ws__dataset_reserve_dwellings(ds, ds->dw.n + (size_t)a->length);
    for (int64_t i = 0; st == WS_OK && i < a->length; i++) {
        bag_row r;
        arrow_row(col, af, sel, i, &r);
        st = ws__bag_take_row(ds, def, rc, &r, cnt);
    }
    return st;
}

/* Ignore every field the reader does not need (fewer columns to decode). */
static void ignore_other_fields(ws_source *src, const bag_fields *f) {
    char **ignored = CSLAddString(NULL, "OGR_STYLE");
    for (int i = 0; i < OGR_FD_GetFieldCount(src->defn); i++) {
        bool needed = i == f->use || i == f->status || i == f->opp ||
                      i == f->bouwjaar || i == f->pand || i == f->gemeente;
        for (size_t k = 0; k < f->ncurrent; k++)
            needed = needed || i == f->current[k];
        if (!needed)
            ignored = CSLAddString(
                ignored, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(src->defn, i)));
    }
    OGR_L_SetIgnoredFields(src->layer, (const char **)ignored);
    CSLDestroy(ignored);
}

/* Read through the Arrow stream. WS_ERR_UNSUPPORTED (not recorded) means:
 * nothing usable was read, use the per-feature reader; the caller undoes
 * whatever was added. */
static ws_status read_dwellings_arrow(ws_ctx *ctx, ws_dataset *ds,
                                      ws_source *src, const ws_layerdef *def,
                                      const bag_fields *f,
                                      const ws_selection *sel, GIntBig total,
                                      bag_counts *cnt) {
    if (f->use_is_list ||
        !CPLTestBool(CPLGetConfigOption("WS_BAG_ARROW", "YES")))
        return WS_ERR_UNSUPPORTED;
    arrow_fields af = {0};
    af.current = ws__calloc(ctx, f->ncurrent + 1, sizeof *af.current);
    if (!af.current)
        return WS_ERR_NOMEM;
    struct ArrowArrayStream stream = {0};
    struct ArrowSchema schema = {0};
    ws_status st = WS_ERR_UNSUPPORTED;
    ws__gdal_begin(ctx);
    ignore_other_fields(src, f);
    OGR_L_ResetReading(src->layer);
    char **opts = CSLSetNameValue(NULL, "INCLUDE_FID", "NO");
    bag_rule_cache rc = {0};
    bool ok = OGR_L_GetArrowStream(src->layer, &stream, opts) &&
              stream.get_schema(&stream, &schema) == 0 &&
              arrow_map(&schema, src, f, &af);
    CSLDestroy(opts);
    while (ok) {
        struct ArrowArray a = {0};
        if (stream.get_next(&stream, &a) != 0 || ws__gdal_msg(ctx)[0]) {
            st = WS_ERR_UNSUPPORTED; /* let the per-feature reader report */
            if (a.release)
                a.release(&a);
            break;
        }
        if (!a.release) {
            st = WS_OK;
            break;
        }
        st = arrow_batch(ds, &a, &schema, def, &af, sel, &rc, cnt);
        a.release(&a);
        if (st == WS_OK)
            st = ws__progress(ctx, progress_ratio(cnt->read, total),
                              "BAG lezen");
        if (st != WS_OK)
            break;
    }
    if (schema.release)
        schema.release(&schema);
    if (stream.release)
        stream.release(&stream);
    OGR_L_SetIgnoredFields(src->layer, NULL);
    ws__gdal_end(ctx);
    ws__free(ctx, af.current);
    if (st == WS_OK)
        ds->n_vbo_read += cnt->read;
    return st;
}

/* Forget what a reader that gave up added. */
static void undo_rows(ws_dataset *ds, size_t n0, size_t rejected0,
                      bag_counts *cnt) {
    ds->dw.n = n0;
    ds->n_vbo_rejected = rejected0;
    memset(cnt, 0, sizeof *cnt);
}

/* SQLite itself for a whole GeoPackage layer, else Arrow; whenever one
 * gives up, undo and try the next, down to the per-feature reader. */
static ws_status read_bag_rows(ws_ctx *ctx, ws_dataset *ds, ws_source *src,
                               const ws_layerdef *def, const bag_fields *f,
                               const ws_selection *sel, GIntBig total,
                               bag_counts *cnt) {
    size_t n0 = ds->dw.n, rejected0 = ds->n_vbo_rejected;
    /* A whole layer that the Arrow reader can read is not filtered by the
     * driver: the readers check the rules themselves, and pushed down,
     * SQLite's LIKE on every row made GDAL's reading thread the bottleneck
     * (the national BAG: 5.4 s instead of 3.3 s for the bare read, 7.2 s
     * instead of 5.8 s for the load). A selection, or an LVBAG file whose
     * history the filter skips (per-feature reader), still pushes it down,
     * to GDAL and into the SQLite reader's own query, so that every reader
     * sees the same rows and counts alike. */
    char *rules =
        sel->n > 0 || f->use_is_list ? rules_sql(ctx, src, def, f, sel) : NULL;
    push_rules(ctx, src, rules);
    ws_status st = ws__bag_read_sqlite(ctx, ds, src, def, f, sel, rules, cnt);
    ws__free(ctx, rules);
    if (st == WS_ERR_UNSUPPORTED) {
        undo_rows(ds, n0, rejected0, cnt);
        st = read_dwellings_arrow(ctx, ds, src, def, f, sel, total, cnt);
    }
    if (st != WS_ERR_UNSUPPORTED)
        return st;
    undo_rows(ds, n0, rejected0, cnt);
    return read_dwellings(ctx, ds, src, def, f, sel, total, cnt);
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
        GIntBig total = cheap_row_count(&src);
        /* every row may be a dwelling: room for all of them at once */
        if (total > 0 && sel->n == 0)
            st = ws__dataset_reserve_dwellings(ds, ds->dw.n + (size_t)total);
        if (st == WS_OK) {
            push_box(ctx, &src, &f, sel, extent);
            st = read_bag_rows(ctx, ds, &src, def, &f, sel, total, &cnt);
        }
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
    if (st == WS_OK && in->skip_panden)
        st = ws__dataset_set_param(ds, "panden",
                                   "niet gelezen (inputs.bag.panden: false): "
                                   "woonlagen en zorggeschiktheid onbekend");
    else if (st == WS_OK)
        st = ws__load_panden(ctx, ds, &src, def);
    ws__free(ctx, f.current);
    ws__source_close(&src);
    ws__layerdef_free(ctx, owned);
    return st;
}
