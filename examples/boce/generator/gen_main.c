/*
 * gen_main.c — entry point of wijkscan-boce-gen.
 *
 *   wijkscan-boce-gen [--seed N] [--input-dir DIR] OUTDIR
 *
 * Generates the deterministic SYNTHETIC BOCE example data set (Coevorden
 * GM0109, Emmen GM0114, Borger-Odoorn GM1681) inside the real CBS boundaries:
 * BAG bag-light GeoPackage, voorzieningen (GeoPackage, OSM XML, Borger-Odoorn
 * gemeentelijst CSV) and a CBS wijken en buurten GeoPackage. Each output is
 * written under a temporary name in OUTDIR and renamed into place once all of
 * them succeeded. Errors: one line on stderr, exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>

#include "gen_internal.h"

#ifndef WS_BOCE_INPUT_DIR
#define WS_BOCE_INPUT_DIR "."
#endif

typedef int (*WriteFn)(const Model *m, const char *path);

typedef struct {
    const char *name;
    WriteFn write;
} Output;

static const Output OUTPUTS[] = {
    {"bag-light-boce-synthetic.gpkg", bag_write},
    {"voorzieningen-boce-synthetic.gpkg", voorz_write_gpkg},
    {"voorzieningen-boce-synthetic.osm", osm_write},
    {"voorzieningen-borger-odoorn-gemeentelijst.csv", voorz_write_csv},
    {"wijkenbuurten-2023-boce-synthetic.gpkg", cbs_write},
};
#define N_OUTPUTS (sizeof OUTPUTS / sizeof OUTPUTS[0])

static void usage(FILE *fp) {
    fprintf(fp,
            "usage: %s [--seed N] [--input-dir DIR] OUTDIR\n"
            "Writes the synthetic BOCE example data set (default seed %u, "
            "default input "
            "dir %s).\n",
            GEN_PROGRAM, GEN_DEFAULT_SEED, WS_BOCE_INPUT_DIR);
}

static int parse_seed(const char *s, uint64_t *seed) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        return gen_error("--seed: '%s' is not a non-negative integer", s);
    }
    *seed = (uint64_t)v;
    return 0;
}

/* Returns 0 to run, 1 when help was printed, -1 on a usage error. */
static int parse_args(int argc, char **argv, Model *m) {
    const char *out = NULL;
    m->seed = GEN_DEFAULT_SEED;
    gen_copy(m->input_dir, sizeof m->input_dir, WS_BOCE_INPUT_DIR);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            if (parse_seed(argv[++i], &m->seed) != 0) {
                return -1;
            }
        } else if (gen_starts_with(a, "--seed=")) {
            if (parse_seed(a + 7, &m->seed) != 0) {
                return -1;
            }
        } else if (strcmp(a, "--input-dir") == 0 && i + 1 < argc) {
            gen_copy(m->input_dir, sizeof m->input_dir, argv[++i]);
        } else if (gen_starts_with(a, "--input-dir=")) {
            gen_copy(m->input_dir, sizeof m->input_dir, a + 12);
        } else if (a[0] == '-' || out) {
            return gen_error("unexpected argument '%s' (usage: %s [--seed N] "
                             "[--input-dir DIR] "
                             "OUTDIR)",
                             a, GEN_PROGRAM);
        } else {
            out = a;
        }
    }
    if (!out || !*out) {
        return gen_error(
            "missing OUTDIR (usage: %s [--seed N] [--input-dir DIR] OUTDIR)",
            GEN_PROGRAM);
    }
    if (strlen(out) >= sizeof m->out_dir - 64 ||
        strlen(m->input_dir) >= sizeof m->input_dir - 64) {
        return gen_error("path too long");
    }
    gen_copy(m->out_dir, sizeof m->out_dir, out);
    return 0;
}

static void model_free(Model *m) {
    for (int g = 0; g < m->n_gemeenten; g++) {
        OGR_G_DestroyGeometry(m->gemeenten[g].geom);
    }
    for (int w = 0; w < m->n_wijken; w++) {
        OGR_G_DestroyGeometry(m->wijken[w].geom);
        free(m->wijken[w].buurten);
    }
    for (int b = 0; b < m->n_buurten; b++) {
        Buurt *bu = &m->buurten[b];
        if (bu->prepared) {
            OGRDestroyPreparedGeometry(bu->prepared);
        }
        OGR_G_DestroyGeometry(bu->region);
        OGR_G_DestroyGeometry(bu->geom);
    }
    free(m->wijken);
    free(m->buurten);
    free(m->cores);
    free(m->panden);
    free(m->vbos);
    free(m->streets);
    free(m->woonplaatsen);
    free(m->voorz);
    free(m->buurt_stats);
    free(m->wijk_stats);
    free(m->gemeente_stats);
    if (m->rd) {
        OSRDestroySpatialReference(m->rd);
    }
}

static int build_model(Model *m) {
    m->rd = OSRNewSpatialReference(NULL);
    if (!m->rd || OSRImportFromEPSG(m->rd, 28992) != OGRERR_NONE) {
        return gen_error(
            "cannot create EPSG:28992 (is PROJ's database installed?)");
    }
    OSRSetAxisMappingStrategy(m->rd, OAMS_TRADITIONAL_GIS_ORDER);
    if (input_read_boundaries(m) || input_read_kerncijfers(m) ||
        input_link(m) || region_build_all(m) || places_derive(m) ||
        alloc_dwellings(m) || bag_generate(m) || address_assign(m) ||
        voorz_generate(m) || cbs_compute(m)) {
        return -1;
    }
    return 0;
}

static int write_one(void *model, size_t i, const char *path) {
    return OUTPUTS[i].write(model, path);
}

static int write_outputs(Model *m) {
    const char *names[N_OUTPUTS];
    for (size_t i = 0; i < N_OUTPUTS; i++) {
        names[i] = OUTPUTS[i].name;
    }
    return gen_write_outputs(m->out_dir, names, N_OUTPUTS, write_one, m);
}

static void print_summary(const Model *m) {
    int dwellings = 0;
    int per_cat[CAT_COUNT] = {0};
    for (int i = 0; i < m->n_vbos; i++) {
        dwellings += vbo_is_dwelling(&m->vbos[i]);
    }
    for (int i = 0; i < m->n_voorz; i++) {
        per_cat[m->voorz[i].cat]++;
    }
    printf("%s: seed %llu: %d verblijfsobjecten (%d woningen), %d panden, %d "
           "straten, "
           "%d voorzieningen (",
           GEN_PROGRAM, (unsigned long long)m->seed, m->n_vbos, dwellings,
           m->n_panden, m->n_streets, m->n_voorz);
    for (int c = 0; c < CAT_COUNT; c++) {
        printf("%s%s %d", c ? ", " : "", categorie_text((Categorie)c),
               per_cat[c]);
    }
    printf(") -> %s\n", m->out_dir);
}

int main(int argc, char **argv) {
    Model m;
    memset(&m, 0, sizeof m);
    int rc = parse_args(argc, argv, &m);
    if (rc != 0) {
        return rc > 0 ? 0 : 2;
    }
    CPLSetErrorHandler(CPLQuietErrorHandler);
    GDALAllRegister();
    CPLSetConfigOption("OGR_CURRENT_DATE", "2024-01-01T00:00:00Z");
    rc = build_model(&m);
    if (rc == 0) {
        rc = write_outputs(&m);
    }
    if (rc == 0) {
        print_summary(&m);
    }
    model_free(&m);
    return rc == 0 ? 0 : 1;
}
