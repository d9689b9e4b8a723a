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
enum {
    V_SEEALSO,
    V_ID,
    V_OPP,
    V_STATUS,
    V_GEBRUIK,
    V_OR_NAAM,
    V_OR_KORT,
    V_NR,
    V_LETTER,
    V_TOEV,
    V_PC,
    V_WP_NAAM,
    V_BOUWJAAR,
    V_PAND_ID,
    V_PANDSTATUS,
    V_NA_ID,
    V_OR_ID,
    V_WP_ID,
    V_BRON,
    V_NCOLS
};
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
enum {
    P_ID,
    P_BOUWJAAR,
    P_STATUS,
    P_GEBRUIK,
    P_OPPMIN,
    P_OPPMAX,
    P_AANTAL,
    P_SEEALSO,
    P_NCOLS
};
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

static int create_schema(const Model *m, const char *path) {
    GDALDatasetH ds = gpkg_create(path);
    if (!ds) {
        return -1;
    }
    char desc_v[1024], desc_p[1024];
    gen_describe(desc_v, sizeof desc_v, m,
                 "BAG-verblijfsobjecten (PDOK bag-light schema) voor "
                 "Coevorden, Emmen en "
                 "Borger-Odoorn");
    gen_describe(desc_p, sizeof desc_p, m,
                 "BAG-panden (PDOK bag-light schema) voor Coevorden, Emmen en "
                 "Borger-Odoorn");
    int rc = gpkg_insert_rd_srs(ds, m->rd, path);
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

    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    set_text(f, ix[V_SEEALSO], uri);
    set_text(f, ix[V_ID], id);
    OGR_F_SetFieldInteger64(f, ix[V_OPP], v->oppervlakte);
    set_text(f, ix[V_STATUS], vbo_status_text(v->status));
    set_text(f, ix[V_GEBRUIK], gebruik);
    set_text(f, ix[V_OR_NAAM], st->name);
    set_text(f, ix[V_OR_KORT], st->short_name);
    OGR_F_SetFieldInteger64(f, ix[V_NR], v->huisnummer);
    set_text(f, ix[V_LETTER], v->huisletter);
    set_text(f, ix[V_TOEV], v->toevoeging);
    set_text(f, ix[V_PC], v->postcode);
    set_text(f, ix[V_WP_NAAM], wp->name);
    OGR_F_SetFieldInteger64(f, ix[V_BOUWJAAR], p->bouwjaar);
    set_text(f, ix[V_PAND_ID], pand_id);
    set_text(f, ix[V_PANDSTATUS], pand_status_text(p->status));
    set_text(f, ix[V_NA_ID], na_id);
    set_text(f, ix[V_OR_ID], or_id);
    set_text(f, ix[V_WP_ID], wp_id);
    set_text(f, ix[V_BRON], g->code4);
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, v->x, v->y);
    return gpkg_write_feature(l, f, pt, what);
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
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    set_text(f, ix[P_ID], id);
    OGR_F_SetFieldInteger64(f, ix[P_BOUWJAAR], p->bouwjaar);
    set_text(f, ix[P_STATUS], pand_status_text(p->status));
    set_text(f, ix[P_GEBRUIK], gebruik);
    OGR_F_SetFieldInteger64(f, ix[P_OPPMIN], opp_min);
    OGR_F_SetFieldInteger64(f, ix[P_OPPMAX], opp_max);
    OGR_F_SetFieldInteger64(f, ix[P_AANTAL], p->n_vbo);
    set_text(f, ix[P_SEEALSO], uri);
    return gpkg_write_feature(l, f, pand_polygon(p), what);
}

static int write_rows(const Model *m, GDALDatasetH ds, const char *path) {
    char what_v[GEN_PATH_LEN + 32], what_p[GEN_PATH_LEN + 32];
    snprintf(what_v, sizeof what_v, "%s: layer verblijfsobject", path);
    snprintf(what_p, sizeof what_p, "%s: layer pand", path);
    OGRLayerH lv = GDALDatasetGetLayerByName(ds, "verblijfsobject");
    OGRLayerH lp = GDALDatasetGetLayerByName(ds, "pand");
    if (!lv || !lp) {
        return gen_error("%s: registered BAG layers not found on reopening",
                         path);
    }
    int iv[V_NCOLS], ip[P_NCOLS];
    if (field_indexes(lv, VBO_COLS, V_NCOLS, iv, what_v) != 0 ||
        field_indexes(lp, PAND_COLS, P_NCOLS, ip, what_p) != 0) {
        return -1;
    }
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
    rc = gpkg_exec(ds, "SELECT CreateSpatialIndex('verblijfsobject', 'geom')",
                   what_v);
    if (rc == 0) {
        rc = gpkg_exec(ds, "SELECT CreateSpatialIndex('pand', 'geom')", what_p);
    }
    return rc;
}

int bag_write(const Model *m, const char *path) {
    if (create_schema(m, path) != 0) {
        return -1;
    }
    const char *const drivers[] = {"GPKG", NULL};
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
    if (!ds) {
        return gen_error("%s: cannot reopen: %s", path, gen_gdal_msg());
    }
    int rc = write_rows(m, ds, path);
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}
