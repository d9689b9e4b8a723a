/*
 * gen_cbs_write.c — writes wijkenbuurten-2023-boce-synthetic.gpkg in the CBS
 * Wijk- en Buurtkaart schema (snake_case columns): layers buurten, wijken and
 * gemeenten with the real generalized geometry (as MultiPolygon) and the
 * synthetic statistics of gen_cbs.c.
 */
#include <stdio.h>

#include "gen_internal.h"

#define N_STATS 19

static const char *const STAT_NAMES[N_STATS] = {
    "aantal_inwoners",
    "mannen",
    "vrouwen",
    "percentage_personen_0_tot_15_jaar",
    "percentage_personen_15_tot_25_jaar",
    "percentage_personen_25_tot_45_jaar",
    "percentage_personen_45_tot_65_jaar",
    "percentage_personen_65_jaar_en_ouder",
    "aantal_huishoudens",
    "percentage_eenpersoonshuishoudens",
    "gemiddelde_huishoudsgrootte",
    "woningvoorraad",
    "percentage_koopwoningen",
    "percentage_huurwoningen",
    "perc_huurwoningen_in_bezit_woningcorporaties",
    "perc_huurwoningen_in_bezit_overige_verhuurders",
    "aantal_wmo_clienten_per_1000_inwoners",
    "bevolkingsdichtheid_inwoners_per_km2",
    "oppervlakte_land_in_ha"};
#define STAT_REAL_INDEX 10 /* gemiddelde_huishoudsgrootte */

static void stat_ints(const CbsStats *s, int *v) {
    int k = 0;
    v[k++] = s->inwoners, v[k++] = s->mannen, v[k++] = s->vrouwen;
    for (int i = 0; i < 5; i++) {
        v[k++] = s->pct_age[i];
    }
    v[k++] = s->huishoudens, v[k++] = s->pct_eenpersoons,
    v[k++] = 0; /* REAL slot */
    v[k++] = s->woningvoorraad, v[k++] = s->pct_koop, v[k++] = s->pct_huur;
    v[k++] = s->pct_corporatie, v[k++] = s->pct_overig,
    v[k++] = s->wmo_per_1000;
    v[k++] = s->dichtheid, v[k++] = s->land_ha;
}

/* level: 0 buurten, 1 wijken, 2 gemeenten */
static int create_fields(OGRLayerH l, int level, const char *what) {
    static const char *const keys[3][6] = {
        {"buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode",
         "gemeentenaam"},
        {"wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", NULL, NULL},
        {"gemeentecode", "gemeentenaam", NULL, NULL, NULL, NULL}};
    int rc = 0;
    for (int i = 0; i < 6 && keys[level][i] && rc == 0; i++) {
        rc = gpkg_add_field(l, keys[level][i], OFTString, what);
    }
    if (rc == 0) {
        rc = gpkg_add_field(l, "water", OFTString, what);
    }
    if (rc == 0 && level == 0) {
        rc = gpkg_add_field(l, "indelingswijziging_wijken_en_buurten",
                            OFTInteger, what);
    }
    for (int i = 0; i < N_STATS && rc == 0; i++) {
        rc = gpkg_add_field(l, STAT_NAMES[i],
                            i == STAT_REAL_INDEX ? OFTReal : OFTInteger, what);
    }
    return rc;
}

int cbs_write_unit(OGRLayerH l, int level, const CbsKeys *k, const CbsStats *s,
                   OGRGeometryH geom, const char *what) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    const char *vals[6] = {k->code,     k->naam,    k->wijkcode,
                           k->wijknaam, k->gemcode, k->gemnaam};
    int first = level == 0 ? 0 : (level == 1 ? 2 : 4);
    int field = 0;
    for (int i = first; i < 6; i++) {
        OGR_F_SetFieldString(f, field++, vals[i]);
    }
    OGR_F_SetFieldString(f, field++, "NEE");
    if (level == 0) {
        OGR_F_SetFieldInteger(f, field++, 1);
    }
    int v[N_STATS];
    stat_ints(s, v);
    for (int i = 0; i < N_STATS; i++, field++) {
        if (i == STAT_REAL_INDEX) {
            OGR_F_SetFieldDouble(f, field, s->hh_grootte);
        } else {
            OGR_F_SetFieldInteger(f, field, v[i]);
        }
    }
    OGRGeometryH mp = OGR_G_ForceToMultiPolygon(OGR_G_Clone(geom));
    if (!mp) {
        OGR_F_Destroy(f);
        return gen_error("%s: cannot convert %s to MultiPolygon", what,
                         k->code);
    }
    return gpkg_write_feature(l, f, mp, what);
}

OGRLayerH cbs_create_layer(GDALDatasetH ds, OGRSpatialReferenceH rd,
                           const char *name, int level, const char *desc,
                           const char *path, char *what, size_t what_len) {
    snprintf(what, what_len, "%s: layer %s", path, name);
    OGRLayerH l = gpkg_create_layer(ds, name, rd, wkbMultiPolygon, desc, path);
    if (l && create_fields(l, level, what) != 0) {
        return NULL;
    }
    return l;
}

static OGRLayerH new_layer(const Model *m, GDALDatasetH ds, const char *name,
                           int level, const char *path, char *what,
                           size_t what_len) {
    static const char *const label[3] = {"buurten", "wijken", "gemeenten"};
    char desc[1024], subject[256];
    snprintf(subject, sizeof subject,
             "CBS Wijk- en Buurtkaart 2023 (%s) van Coevorden, Emmen en "
             "Borger-Odoorn met "
             "synthetische kerncijfers; echte gegeneraliseerde grenzen, "
             "inwoners per wijk en "
             "gemeente uit CBS kerncijfers 2024",
             label[level]);
    gen_describe(desc, sizeof desc, m, subject);
    return cbs_create_layer(ds, m->rd, name, level, desc, path, what, what_len);
}

static int write_layers(const Model *m, GDALDatasetH ds, const char *path) {
    char what[3][GEN_PATH_LEN + 32];
    OGRLayerH lb =
        new_layer(m, ds, "buurten", 0, path, what[0], sizeof what[0]);
    OGRLayerH lw =
        lb ? new_layer(m, ds, "wijken", 1, path, what[1], sizeof what[1])
           : NULL;
    OGRLayerH lg =
        lw ? new_layer(m, ds, "gemeenten", 2, path, what[2], sizeof what[2])
           : NULL;
    if (!lg) {
        return -1;
    }
    if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        return gen_error("%s: cannot start transaction: %s", path,
                         gen_gdal_msg());
    }
    int rc = 0;
    for (int i = 0; i < m->n_buurten && rc == 0; i++) {
        const Buurt *b = &m->buurten[i];
        const Wijk *w = &m->wijken[b->wijk];
        const Gemeente *g = &m->gemeenten[b->gemeente];
        CbsKeys k = {b->code, b->naam, w->code, w->naam, g->code, g->naam};
        rc = cbs_write_unit(lb, 0, &k, &m->buurt_stats[i], b->geom, what[0]);
    }
    for (int i = 0; i < m->n_wijken && rc == 0; i++) {
        const Wijk *w = &m->wijken[i];
        const Gemeente *g = &m->gemeenten[w->gemeente];
        CbsKeys k = {w->code, w->naam, w->code, w->naam, g->code, g->naam};
        rc = cbs_write_unit(lw, 1, &k, &m->wijk_stats[i], w->geom, what[1]);
    }
    for (int i = 0; i < m->n_gemeenten && rc == 0; i++) {
        const Gemeente *g = &m->gemeenten[i];
        CbsKeys k = {g->code, g->naam, g->code, g->naam, g->code, g->naam};
        rc = cbs_write_unit(lg, 2, &k, &m->gemeente_stats[i], g->geom, what[2]);
    }
    if (rc != 0) {
        GDALDatasetRollbackTransaction(ds);
        return -1;
    }
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
        return gen_error("%s: cannot commit: %s", path, gen_gdal_msg());
    }
    return 0;
}

int cbs_write(const Model *m, const char *path) {
    GDALDatasetH ds = gpkg_create(path);
    if (!ds) {
        return -1;
    }
    int rc = write_layers(m, ds, path);
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}
