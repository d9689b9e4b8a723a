/*
 * gen_bag_write.c — writes bag-light-boce-synthetic.gpkg in the PDOK bag-light
 * schema.
 *
 * The tables are created with the exact DDL of the real product (TEXT / INT
 * columns in the real order, FID column feature_id), registered in
 * gpkg_contents/gpkg_geometry_columns with a "SYNTHETISCH –" description, then
 * reopened through GDAL to insert the rows (ordered by identificatie) and given
 * an R-tree spatial index.
 */
#include <stdio.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>

#include "gen_internal.h"

#define BAG_URI "http://bag.basisregistraties.overheid.nl/bag/id/"

static const char *const VBO_COLS[] = {
    "rdf_seealso",
    "identificatie",
    "oppervlakte",
    "status",
    "gebruiksdoel",
    "openbare_ruimte_naam",
    "openbare_ruimte_naam_kort",
    "huisnummer",
    "huisletter",
    "toevoeging",
    "postcode",
    "woonplaats_naam",
    "bouwjaar",
    "pand_identificatie",
    "pandstatus",
    "nummeraanduiding_hoofdadres_identificatie",
    "openbare_ruimte_identificatie",
    "woonplaats_identificatie",
    "bronhouder_identificatie"};
/* 1 = INT column, 0 = TEXT column (same order as VBO_COLS) */
static const int VBO_INT[V_NCOLS] = {0, 0, 1, 0, 0, 0, 0, 1, 0, 0,
                                     0, 0, 1, 0, 0, 0, 0, 0, 0};

static const char *const PAND_COLS[] = {"identificatie",
                                        "bouwjaar",
                                        "status",
                                        "gebruiksdoel",
                                        "oppervlakte_min",
                                        "oppervlakte_max",
                                        "aantal_verblijfsobjecten",
                                        "rdf_seealso"};
static const int PAND_INT[P_NCOLS] = {0, 1, 0, 0, 1, 1, 1, 0};

/* CREATE TABLE with the real bag-light column order and declared types. */
static int create_table(GDALDatasetH ds, const char *table,
                        const char *const *cols, const int *is_int, int ncols,
                        const char *what) {
    char sql[4096];
    size_t used = (size_t)snprintf(
        sql, sizeof sql,
        "CREATE TABLE \"%s\" (\"feature_id\" INTEGER NOT NULL PRIMARY "
        "KEY AUTOINCREMENT, \"geom\" GEOMETRY",
        table);
    for (int i = 0; i < ncols && used < sizeof sql; i++) {
        used += (size_t)snprintf(sql + used, sizeof sql - used, ", \"%s\" %s",
                                 cols[i], is_int[i] ? "INT" : "TEXT");
    }
    if (used + 2 >= sizeof sql) {
        return gen_error("%s: DDL of '%s' too long", what, table);
    }
    memcpy(sql + used, ")", 2);
    return gpkg_exec(ds, sql, what);
}

int bag_create_schema(const char *path, OGRSpatialReferenceH rd,
                      const char *desc_v, const char *desc_p) {
    GDALDatasetH ds = gpkg_create(path);
    if (!ds) {
        return -1;
    }
    int rc = gpkg_insert_rd_srs(ds, rd, path);
    if (rc == 0) {
        rc = create_table(ds, "verblijfsobject", VBO_COLS, VBO_INT, V_NCOLS,
                          path);
    }
    if (rc == 0) {
        rc = create_table(ds, "pand", PAND_COLS, PAND_INT, P_NCOLS, path);
    }
    if (rc == 0) {
        rc = gpkg_register_table(ds, "verblijfsobject", "POINT", desc_v, path);
    }
    if (rc == 0) {
        rc = gpkg_register_table(ds, "pand", "POLYGON", desc_p, path);
    }
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}

static int create_schema(const Model *m, const char *path) {
    char desc_v[1024], desc_p[1024];
    gen_describe(desc_v, sizeof desc_v, m,
                 "BAG-verblijfsobjecten (PDOK bag-light schema) voor "
                 "Coevorden, Emmen en "
                 "Borger-Odoorn");
    gen_describe(desc_p, sizeof desc_p, m,
                 "BAG-panden (PDOK bag-light schema) voor Coevorden, Emmen en "
                 "Borger-Odoorn");
    return bag_create_schema(path, m->rd, desc_v, desc_p);
}

static int field_indexes(OGRLayerH l, const char *const *cols, int n, int *idx,
                         const char *what) {
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    for (int i = 0; i < n; i++) {
        idx[i] = OGR_FD_GetFieldIndex(defn, cols[i]);
        if (idx[i] < 0) {
            return gen_error("%s: field '%s' missing after creation", what,
                             cols[i]);
        }
    }
    return 0;
}

static void set_text(OGRFeatureH f, int idx, const char *v) {
    if (v && *v) {
        OGR_F_SetFieldString(f, idx, v);
    }
}

int bag_write_vbo_row(OGRLayerH l, const int *ix, const BagVboRow *r,
                      const char *what) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    for (int i = 0; i < V_NCOLS; i++) {
        if (VBO_INT[i]) {
            OGR_F_SetFieldInteger64(f, ix[i], r->num[i]);
        } else {
            set_text(f, ix[i], r->text[i]);
        }
    }
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, r->x, r->y);
    return gpkg_write_feature(l, f, pt, what);
}

static int write_vbo(const Model *m, OGRLayerH l, const int *ix, const Vbo *v,
                     const char *what) {
    const Pand *p = &m->panden[v->pand];
    const Buurt *b = &m->buurten[p->buurt];
    const Gemeente *g = &m->gemeenten[b->gemeente];
    const Street *st = &m->streets[v->street];
    const Woonplaats *wp = &m->woonplaatsen[st->woonplaats];
    char id[32], uri[128], pand_id[32], na_id[32], or_id[32], wp_id[8],
        gebruik[256];
    snprintf(id, sizeof id, "%s01%010lld", g->code4, v->serial);
    snprintf(uri, sizeof uri, BAG_URI "verblijfsobject/%s", id);
    snprintf(pand_id, sizeof pand_id, "%s10%010lld", g->code4, p->serial);
    snprintf(na_id, sizeof na_id, "%s20%010lld", g->code4, v->na_serial);
    snprintf(or_id, sizeof or_id, "%s30%010lld", g->code4, st->serial);
    snprintf(wp_id, sizeof wp_id, "%04d", wp->id);
    gebruik_join(v->gebruik, gebruik, sizeof gebruik);

    BagVboRow r = {.x = v->x, .y = v->y};
    r.text[V_SEEALSO] = uri;
    r.text[V_ID] = id;
    r.num[V_OPP] = v->oppervlakte;
    r.text[V_STATUS] = vbo_status_text(v->status);
    r.text[V_GEBRUIK] = gebruik;
    r.text[V_OR_NAAM] = st->name;
    r.text[V_OR_KORT] = st->short_name;
    r.num[V_NR] = v->huisnummer;
    r.text[V_LETTER] = v->huisletter;
    r.text[V_TOEV] = v->toevoeging;
    r.text[V_PC] = v->postcode;
    r.text[V_WP_NAAM] = wp->name;
    r.num[V_BOUWJAAR] = p->bouwjaar;
    r.text[V_PAND_ID] = pand_id;
    r.text[V_PANDSTATUS] = pand_status_text(p->status);
    r.text[V_NA_ID] = na_id;
    r.text[V_OR_ID] = or_id;
    r.text[V_WP_ID] = wp_id;
    r.text[V_BRON] = g->code4;
    return bag_write_vbo_row(l, ix, &r, what);
}

int bag_write_pand_row(OGRLayerH l, const int *ix, const BagPandRow *r,
                       OGRGeometryH geom, const char *what) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    for (int i = 0; i < P_NCOLS; i++) {
        if (PAND_INT[i]) {
            OGR_F_SetFieldInteger64(f, ix[i], r->num[i]);
        } else {
            set_text(f, ix[i], r->text[i]);
        }
    }
    return gpkg_write_feature(l, f, geom, what);
}

static int write_pand(const Model *m, OGRLayerH l, const int *ix, const Pand *p,
                      const char *what) {
    const Gemeente *g = &m->gemeenten[m->buurten[p->buurt].gemeente];
    unsigned mask = 0;
    int opp_min = 0, opp_max = 0;
    for (int i = 0; i < p->n_vbo; i++) {
        const Vbo *v = &m->vbos[p->first_vbo + i];
        mask |= v->gebruik;
        opp_min =
            (i == 0 || v->oppervlakte < opp_min) ? v->oppervlakte : opp_min;
        opp_max =
            (i == 0 || v->oppervlakte > opp_max) ? v->oppervlakte : opp_max;
    }
    char id[32], uri[128], gebruik[256];
    snprintf(id, sizeof id, "%s10%010lld", g->code4, p->serial);
    snprintf(uri, sizeof uri, BAG_URI "pand/%s", id);
    gebruik_join(mask, gebruik, sizeof gebruik);
    BagPandRow r = {{NULL}, {0}};
    r.text[P_ID] = id;
    r.num[P_BOUWJAAR] = p->bouwjaar;
    r.text[P_STATUS] = pand_status_text(p->status);
    r.text[P_GEBRUIK] = gebruik;
    r.num[P_OPPMIN] = opp_min;
    r.num[P_OPPMAX] = opp_max;
    r.num[P_AANTAL] = p->n_vbo;
    r.text[P_SEEALSO] = uri;
    return bag_write_pand_row(l, ix, &r, pand_polygon(p), what);
}

GDALDatasetH bag_open_layers(const char *path, OGRLayerH *lv, int *iv,
                             OGRLayerH *lp, int *ip) {
    const char *const drivers[] = {"GPKG", NULL};
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
    if (!ds) {
        gen_error("%s: cannot reopen: %s", path, gen_gdal_msg());
        return NULL;
    }
    char what_v[GEN_PATH_LEN + 32], what_p[GEN_PATH_LEN + 32];
    snprintf(what_v, sizeof what_v, "%s: layer verblijfsobject", path);
    snprintf(what_p, sizeof what_p, "%s: layer pand", path);
    *lv = GDALDatasetGetLayerByName(ds, "verblijfsobject");
    *lp = GDALDatasetGetLayerByName(ds, "pand");
    if (!*lv || !*lp) {
        gen_error("%s: registered BAG layers not found on reopening", path);
    } else if (field_indexes(*lv, VBO_COLS, V_NCOLS, iv, what_v) == 0 &&
               field_indexes(*lp, PAND_COLS, P_NCOLS, ip, what_p) == 0) {
        return ds;
    }
    GDALClose(ds);
    return NULL;
}

int bag_create_indexes(GDALDatasetH ds, const char *path) {
    int rc = gpkg_exec(
        ds, "SELECT CreateSpatialIndex('verblijfsobject', 'geom')", path);
    if (rc == 0) {
        rc = gpkg_exec(ds, "SELECT CreateSpatialIndex('pand', 'geom')", path);
    }
    return rc;
}

static int write_rows(const Model *m, GDALDatasetH ds, OGRLayerH lv,
                      const int *iv, OGRLayerH lp, const int *ip,
                      const char *path) {
    char what_v[GEN_PATH_LEN + 32], what_p[GEN_PATH_LEN + 32];
    snprintf(what_v, sizeof what_v, "%s: layer verblijfsobject", path);
    snprintf(what_p, sizeof what_p, "%s: layer pand", path);
    if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        return gen_error("%s: cannot start transaction: %s", path,
                         gen_gdal_msg());
    }
    int rc = 0;
    for (int i = 0; i < m->n_vbos && rc == 0; i++) {
        rc = write_vbo(m, lv, iv, &m->vbos[i], what_v);
    }
    for (int i = 0; i < m->n_panden && rc == 0; i++) {
        rc = write_pand(m, lp, ip, &m->panden[i], what_p);
    }
    if (rc != 0) {
        GDALDatasetRollbackTransaction(ds);
        return -1;
    }
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
        return gen_error("%s: cannot commit: %s", path, gen_gdal_msg());
    }
    return bag_create_indexes(ds, path);
}

int bag_write(const Model *m, const char *path) {
    if (create_schema(m, path) != 0) {
        return -1;
    }
    OGRLayerH lv, lp;
    int iv[V_NCOLS], ip[P_NCOLS];
    GDALDatasetH ds = bag_open_layers(path, &lv, iv, &lp, ip);
    if (!ds) {
        return -1;
    }
    int rc = write_rows(m, ds, lv, iv, lp, ip, path);
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}
