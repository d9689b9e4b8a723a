/*
 * gen_gpkg.c — GeoPackage helpers on top of the GDAL C API: create a file, run
 * SQL with error checking, register a table created with an exact DDL
 * (gpkg_contents, gpkg_geometry_columns, the EPSG:28992 row of
 * gpkg_spatial_ref_sys), create OGR layers with a description, add fields and
 * write features. Every GDAL return value is checked and failures are reported
 * as one line naming the file or layer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include "gen_internal.h"

GDALDatasetH gpkg_create(const char *path) {
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) {
        gen_error("%s: GDAL has no GPKG driver", path);
        return NULL;
    }
    /* a stale temporary file from an aborted run; usually absent */
    (void)VSIUnlink(path);
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        gen_error("%s: cannot create GeoPackage: %s", path, gen_gdal_msg());
    }
    return ds;
}

int gpkg_exec(GDALDatasetH ds, const char *sql, const char *what) {
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (res) {
        GDALDatasetReleaseResultSet(ds, res);
    }
    if (CPLGetLastErrorType() >= CE_Failure) {
        return gen_error("%s: SQL failed: %s", what, gen_gdal_msg());
    }
    return 0;
}

/* SQL string literal body: doubles single quotes. Returns a CPLMalloc'ed
 * string. */
static char *sql_quote(const char *s) {
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        n += *p == '\'' ? 2 : 1;
    }
    char *out = CPLMalloc(n + 1);
    char *q = out;
    for (const char *p = s; *p; p++) {
        *q++ = *p;
        if (*p == '\'') {
            *q++ = '\'';
        }
    }
    *q = '\0';
    return out;
}

int gpkg_insert_rd_srs(GDALDatasetH ds, OGRSpatialReferenceH rd,
                       const char *what) {
    char *wkt = NULL;
    if (OSRExportToWkt(rd, &wkt) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        return gen_error("%s: cannot export EPSG:28992 as WKT", what);
    }
    char *quoted = sql_quote(wkt);
    CPLFree(wkt);
    size_t len = strlen(quoted) + 512;
    char *sql = CPLMalloc(len);
    snprintf(
        sql, len,
        "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
        "organization_coordsys_id, definition, description) VALUES "
        "('Amersfoort / RD New', "
        "28992, 'EPSG', 28992, '%s', NULL)",
        quoted);
    CPLFree(quoted);
    int rc = gpkg_exec(ds, sql, what);
    CPLFree(sql);
    return rc;
}

/* Registers a table created by CREATE TABLE as a GeoPackage feature table in
 * EPSG:28992. */
int gpkg_register_table(GDALDatasetH ds, const char *table,
                        const char *geom_type, const char *description,
                        const char *what) {
    char *desc = sql_quote(description);
    size_t len = strlen(desc) + 1024;
    char *sql = CPLMalloc(len);
    snprintf(sql, len,
             "INSERT INTO gpkg_contents (table_name, data_type, identifier, "
             "description, "
             "last_change, srs_id) VALUES ('%s', 'features', '%s', '%s', "
             "'2024-01-01T00:00:00.000Z', 28992)",
             table, table, desc);
    CPLFree(desc);
    int rc = gpkg_exec(ds, sql, what);
    if (rc == 0) {
        snprintf(sql, len,
                 "INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                 "geometry_type_name, "
                 "srs_id, z, m) VALUES ('%s', 'geom', '%s', 28992, 0, 0)",
                 table, geom_type);
        rc = gpkg_exec(ds, sql, what);
    }
    CPLFree(sql);
    return rc;
}

OGRLayerH gpkg_create_layer(GDALDatasetH ds, const char *name,
                            OGRSpatialReferenceH srs, OGRwkbGeometryType gtype,
                            const char *description, const char *what) {
    char **opts = NULL;
    opts = CSLSetNameValue(opts, "GEOMETRY_NAME", "geom");
    opts = CSLSetNameValue(opts, "DESCRIPTION", description);
    opts = CSLSetNameValue(opts, "IDENTIFIER", name);
    opts = CSLSetNameValue(opts, "SPATIAL_INDEX", "YES");
    CPLErrorReset();
    OGRLayerH layer = GDALDatasetCreateLayer(ds, name, srs, gtype, opts);
    CSLDestroy(opts);
    if (!layer) {
        gen_error("%s: layer '%s': cannot create: %s", what, name,
                  gen_gdal_msg());
    }
    return layer;
}

int gpkg_add_field(OGRLayerH layer, const char *name, OGRFieldType type,
                   const char *what) {
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    if (err != OGRERR_NONE) {
        return gen_error("%s: cannot create field '%s': %s", what, name,
                         gen_gdal_msg());
    }
    return 0;
}

/* Sets `geom` (ownership passes to the feature) and writes the feature, which
 * is destroyed in all cases. */
int gpkg_write_feature(OGRLayerH layer, OGRFeatureH f, OGRGeometryH geom,
                       const char *what) {
    if (OGR_F_SetGeometryDirectly(f, geom) != OGRERR_NONE) {
        OGR_F_Destroy(f);
        return gen_error("%s: cannot set geometry: %s", what, gen_gdal_msg());
    }
    OGRErr err = OGR_L_CreateFeature(layer, f);
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE) {
        return gen_error("%s: cannot write feature: %s", what, gen_gdal_msg());
    }
    return 0;
}

/* Closes the dataset; GDAL writes pending data here, so failures are reported.
 */
int gpkg_close(GDALDatasetH ds, const char *what) {
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure) {
        return gen_error("%s: error while closing: %s", what, gen_gdal_msg());
    }
    return 0;
}
