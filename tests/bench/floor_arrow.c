/* The read floor of the benchmark: the least work that reads the columns
 * wijkscan needs from a bag-light verblijfsobject layer (status,
 * gebruiksdoel, oppervlakte, bouwjaar, pand_identificatie and the point)
 * through OGR's Arrow stream, touching every value once. Nothing is kept.
 *
 *   bench_floor_arrow FILE.gpkg [LAYER] [--where SQL]
 *
 * Prints the rows and batches read and a checksum, so the compiler cannot
 * drop the work. --where sets an OGR attribute filter first (to measure
 * what the filter costs on this path). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_recordbatch.h>

static const char *const wanted[] = {"status", "gebruiksdoel", "oppervlakte",
                                     "bouwjaar", "pand_identificatie"};
#define NWANTED (sizeof wanted / sizeof wanted[0])

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int is_wanted(const char *name) {
    for (size_t i = 0; i < NWANTED; i++)
        if (strcmp(name, wanted[i]) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv) {
    const char *path = NULL, *layer = "verblijfsobject", *where = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--where") == 0 && i + 1 < argc)
            where = argv[++i];
        else if (!path)
            path = argv[i];
        else
            layer = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: %s FILE.gpkg [LAYER] [--where SQL]\n", argv[0]);
        return 2;
    }
    double t0 = now();
    GDALAllRegister();
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, layer) : NULL;
    if (!l) {
        fprintf(stderr, "%s: cannot open layer %s\n", path, layer);
        return 1;
    }
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    char **ignored = NULL;
    for (int i = 0; i < OGR_FD_GetFieldCount(fd); i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
        if (!is_wanted(name))
            ignored = CSLAddString(ignored, name);
    }
    OGR_L_SetIgnoredFields(l, (const char **)ignored);
    CSLDestroy(ignored);
    if (where && OGR_L_SetAttributeFilter(l, where) != OGRERR_NONE) {
        fprintf(stderr, "bad filter\n");
        return 1;
    }
    char **opts = CSLSetNameValue(NULL, "INCLUDE_FID", "NO");
    struct ArrowArrayStream stream;
    if (!OGR_L_GetArrowStream(l, &stream, opts)) {
        fprintf(stderr, "no Arrow stream\n");
        return 1;
    }
    CSLDestroy(opts);
    struct ArrowSchema schema;
    if (stream.get_schema(&stream, &schema) != 0) {
        fprintf(stderr, "no schema\n");
        return 1;
    }
    uint64_t check = 0;
    long long rows = 0, batches = 0;
    for (;;) {
        struct ArrowArray a;
        if (stream.get_next(&stream, &a) != 0) {
            fprintf(stderr, "read error: %s\n", stream.get_last_error(&stream));
            return 1;
        }
        if (!a.release)
            break;
        batches++;
        rows += a.length;
        for (int64_t c = 0; c < a.n_children; c++) {
            const struct ArrowArray *col = a.children[c];
            const char *fmt = schema.children[c]->format;
            if (strcmp(fmt, "u") == 0 || strcmp(fmt, "z") == 0) {
                const int32_t *off = col->buffers[1];
                const unsigned char *data = col->buffers[2];
                for (int64_t i = 0; i < col->length; i++) {
                    int64_t k = col->offset + i;
                    if (off[k + 1] > off[k])
                        check += data[off[k]] + (uint64_t)(off[k + 1] - off[k]);
                }
            } else if (strcmp(fmt, "i") == 0) {
                const int32_t *v = col->buffers[1];
                for (int64_t i = 0; i < col->length; i++)
                    check += (uint64_t)v[col->offset + i];
            } else if (strcmp(fmt, "l") == 0) {
                const int64_t *v = col->buffers[1];
                for (int64_t i = 0; i < col->length; i++)
                    check += (uint64_t)v[col->offset + i];
            }
        }
        a.release(&a);
    }
    schema.release(&schema);
    stream.release(&stream);
    GDALClose(ds);
    printf("%lld rows in %lld batches, checksum %llu, %.3f s\n", rows, batches,
           (unsigned long long)check, now() - t0);
    return 0;
}
