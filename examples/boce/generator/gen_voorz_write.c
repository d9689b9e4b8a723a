/*
 * gen_voorz_write.c — writes the voorzieningen as a GeoPackage (layer
 * voorzieningen: naam, categorie, bron = 'synthetisch') and the Borger-Odoorn
 * subset as a municipality's own spreadsheet export: UTF-8 with BOM, CRLF, ';'
 * separator, RD x/y with a decimal comma, fields containing ';' or '"' quoted.
 * Some school names get the municipal "; locatie X".
 */
#include <stdio.h>
#include <string.h>

#include "gen_internal.h"

#define BO_CODE "GM1681"

int voorz_write_gpkg_list(const char *path, OGRSpatialReferenceH rd,
                          const char *desc, const Voorziening *list, int n) {
    GDALDatasetH ds = gpkg_create(path);
    if (!ds) {
        return -1;
    }
    char what[GEN_PATH_LEN + 32];
    snprintf(what, sizeof what, "%s: layer voorzieningen", path);
    OGRLayerH l =
        gpkg_create_layer(ds, "voorzieningen", rd, wkbPoint, desc, path);
    int rc = l ? 0 : -1;
    static const char *const fields[] = {"naam", "categorie", "bron"};
    for (int i = 0; i < 3 && rc == 0; i++) {
        rc = gpkg_add_field(l, fields[i], OFTString, what);
    }
    if (rc == 0 && GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        rc =
            gen_error("%s: cannot start transaction: %s", path, gen_gdal_msg());
    }
    for (int i = 0; i < n && rc == 0; i++) {
        const Voorziening *v = &list[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, v->naam);
        OGR_F_SetFieldString(f, 1, categorie_text(v->cat));
        OGR_F_SetFieldString(f, 2, "synthetisch");
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, v->x, v->y);
        rc = gpkg_write_feature(l, f, pt, what);
    }
    if (rc == 0 && GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
        rc = gen_error("%s: cannot commit: %s", path, gen_gdal_msg());
    }
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}

int voorz_write_gpkg(const Model *m, const char *path) {
    char desc[1024];
    gen_describe(
        desc, sizeof desc, m,
        "voorzieningen (huisarts, apotheek, supermarkt, buurthuis, "
        "basisschool, sport, "
        "park, bushalte) bij de synthetische woningen in Coevorden, Emmen en "
        "Borger-Odoorn");
    return voorz_write_gpkg_list(path, m->rd, desc, m->voorz, m->n_voorz);
}

static void csv_field(FILE *fp, const char *s) {
    if (!strpbrk(s, ";\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            fputc('"', fp);
        }
        fputc(*p, fp);
    }
    fputc('"', fp);
}

/* RD coordinate with two decimals and a decimal comma: 252345,67 */
static void csv_coord(FILE *fp, double v) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        *dot = ',';
    }
    fputs(buf, fp);
}

int voorz_write_csv(const Model *m, const char *path) {
    int bo = -1;
    for (int g = 0; g < m->n_gemeenten; g++) {
        if (strcmp(m->gemeenten[g].code, BO_CODE) == 0) {
            bo = g;
        }
    }
    if (bo < 0) {
        return gen_error("%s: gemeente %s not in the input", path, BO_CODE);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        return gen_error("%s: cannot create", path);
    }
    fputs("\xEF\xBB\xBF"
          "naam;categorie;x;y\r\n",
          fp);
    int schools = 0;
    for (int i = 0; i < m->n_voorz; i++) {
        const Voorziening *v = &m->voorz[i];
        if (v->gemeente != bo) {
            continue;
        }
        char naam[GEN_NAME_LEN * 3];
        if (v->cat == CAT_BASISSCHOOL && schools++ % 3 == 0) {
            snprintf(naam, sizeof naam, "%s; locatie %s", v->naam,
                     m->woonplaatsen[v->woonplaats].name);
        } else {
            gen_copy(naam, sizeof naam, v->naam);
        }
        csv_field(fp, naam);
        fputc(';', fp);
        csv_field(fp, categorie_text(v->cat));
        fputc(';', fp);
        csv_coord(fp, v->x);
        fputc(';', fp);
        csv_coord(fp, v->y);
        fputs("\r\n", fp);
    }
    int failed = ferror(fp);
    if (fclose(fp) != 0 || failed) {
        return gen_error("%s: write error", path);
    }
    return 0;
}
