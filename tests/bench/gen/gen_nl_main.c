/*
 * gen_nl_main.c — entry point of wijkscan-nl-gen (see gen_nl.h).
 *
 *   wijkscan-nl-gen [--seed N] [--cell M] [--data-dir DIR]
 *                   [--gemeenten GM..,GM.. | --around GMxxxx --vbo N] OUTDIR
 *
 * Without a selection: every gemeente of the Netherlands (≈ 10 M
 * verblijfsobjecten, ≈ 14.5 k buurten). --gemeenten: those gemeenten (BOCE
 * scale: GM0109,GM0114,GM1681). --around GM --vbo N: the gemeenten nearest
 * to GM (by envelope centre) until about N verblijfsobjecten. Writes
 * bag-light-nl-synthetic.gpkg, wijkenbuurten-nl-synthetic.gpkg and
 * voorzieningen-nl-synthetic.gpkg, each under a temporary name first.
 * Deterministic: the same arguments give byte-identical files.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>

#include "gen_nl.h"

#ifndef WS_REAL_DATA_DIR
#define WS_REAL_DATA_DIR "."
#endif

#define GEM_FILE "cbs_gemeenten_2023_nl_pdokwfs_kerncijfers_simplified.gpkg"
#define KWB_FILE "cbs_kwb2024_85984NED_nl_gemeenten_wijken_8vars.csv"
#define OBJECTS_PER_DWELLING 1.23

typedef struct {
    const char *data_dir, *gemeenten, *around, *out;
    double vbo;
} Args;

static int usage_error(const char *what) {
    return gen_error("%s (usage: %s [--seed N] [--cell M] [--data-dir DIR] "
                     "[--gemeenten GM..,GM.. | --around GMxxxx --vbo N] "
                     "OUTDIR)",
                     what, NL_PROGRAM);
}

static int parse_args(int argc, char **argv, NlModel *m, Args *a) {
    a->data_dir = WS_REAL_DATA_DIR;
    m->seed = 20240601;
    m->cell = 30;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "--help") == 0) {
            printf("usage: %s [--seed N] [--cell M] [--data-dir DIR] "
                   "[--gemeenten GM..,GM.. | --around GMxxxx --vbo N] "
                   "OUTDIR\n",
                   NL_PROGRAM);
            return 1;
        } else if (strcmp(s, "--seed") == 0 && v) {
            m->seed = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(s, "--cell") == 0 && v) {
            m->cell = strtod(v, NULL);
            i++;
        } else if (strcmp(s, "--data-dir") == 0 && v) {
            a->data_dir = v;
            i++;
        } else if (strcmp(s, "--gemeenten") == 0 && v) {
            a->gemeenten = v;
            i++;
        } else if (strcmp(s, "--around") == 0 && v) {
            a->around = v;
            i++;
        } else if (strcmp(s, "--vbo") == 0 && v) {
            a->vbo = strtod(v, NULL);
            i++;
        } else if (s[0] == '-' || a->out) {
            return usage_error("unexpected argument");
        } else {
            a->out = s;
        }
    }
    if (!a->out || !(m->cell >= 5 && m->cell <= 500) ||
        (a->around && !(a->vbo > 0))) {
        return usage_error("missing OUTDIR, bad --cell or --around without "
                           "--vbo");
    }
    gen_copy(m->out_dir, sizeof m->out_dir, a->out);
    return 0;
}

static int cmp_gem(const void *a, const void *b) {
    return strcmp(((const NlGemeente *)a)->code, ((const NlGemeente *)b)->code);
}

static int read_gemeenten(NlModel *m, const char *dir) {
    char path[GEN_PATH_LEN];
    if (gen_path(path, sizeof path, dir, GEM_FILE) != 0) {
        return -1;
    }
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "gemeenten") : NULL;
    if (!l) {
        if (ds) {
            GDALClose(ds);
        }
        return gen_error("%s: cannot read layer gemeenten: %s", path,
                         gen_gdal_msg());
    }
    int n = (int)OGR_L_GetFeatureCount(l, TRUE);
    m->gem = calloc((size_t)n, sizeof *m->gem);
    OGRFeatureDefnH fd = OGR_L_GetLayerDefn(l);
    int fc = OGR_FD_GetFieldIndex(fd, "gemeentecode");
    int fn = OGR_FD_GetFieldIndex(fd, "gemeentenaam");
    int fi = OGR_FD_GetFieldIndex(fd, "aantalInwoners");
    if (!m->gem || fc < 0 || fn < 0 || fi < 0) {
        GDALClose(ds);
        return gen_error("%s: gemeentecode, gemeentenaam or aantalInwoners "
                         "missing",
                         path);
    }
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL && m->n_gem < n) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && OGR_F_IsFieldSetAndNotNull(f, fi)) { /* not Buitenland */
            NlGemeente *ge = &m->gem[m->n_gem++];
            gen_copy(ge->code, sizeof ge->code, OGR_F_GetFieldAsString(f, fc));
            gen_copy(ge->code4, sizeof ge->code4, ge->code + 2);
            gen_copy(ge->naam, sizeof ge->naam, OGR_F_GetFieldAsString(f, fn));
            ge->inwoners = OGR_F_GetFieldAsInteger(f, fi);
            ge->real = OGR_G_Clone(g);
            OGREnvelope e;
            OGR_G_GetEnvelope(g, &e);
            ge->cx = (e.MinX + e.MaxX) / 2;
            ge->cy = (e.MinY + e.MaxY) / 2;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    qsort(m->gem, (size_t)m->n_gem, sizeof *m->gem, cmp_gem);
    return 0;
}

static NlGemeente *find_gem(NlModel *m, const char *code) {
    for (int g = 0; g < m->n_gem; g++) {
        if (strcmp(m->gem[g].code, code) == 0) {
            return &m->gem[g];
        }
    }
    return NULL;
}

/* CBS 2024 wijken with their woningvoorraad, in file (code) order. */
typedef struct {
    char code[12], gem[8];
    int dwellings;
} KwbWijk;

static int read_kwb(NlModel *m, const char *dir, KwbWijk **out, int *nout) {
    char path[GEN_PATH_LEN], line[1024];
    if (gen_path(path, sizeof path, dir, KWB_FILE) != 0) {
        return -1;
    }
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return gen_error("%s: %s", path, strerror(errno));
    }
    size_t cap = 0;
    *out = NULL;
    *nout = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, fp)) {
        char *col[16];
        int nc = 0;
        col[nc++] = line;
        for (char *p = line; *p && nc < 16; p++) {
            if (*p == ',' || *p == '\n' || *p == '\r') {
                *p = '\0';
                col[nc++] = p + 1;
            }
        }
        if (lineno++ == 0 || nc < 8) { /* header: Woningvoorraad_35 is 8th */
            continue;
        }
        int dw = atoi(col[7]);
        if (strncmp(col[0], "GM", 2) == 0) {
            NlGemeente *g = find_gem(m, col[0]);
            if (g) {
                g->dwellings = dw;
            }
        } else if (strncmp(col[0], "WK", 2) == 0) {
            KwbWijk *k = gen_grow(*out, &cap, (size_t)*nout + 1, sizeof *k);
            if (!k) {
                fclose(fp);
                return gen_error("out of memory");
            }
            *out = k;
            k = &k[(*nout)++];
            gen_copy(k->code, sizeof k->code, col[0]);
            gen_copy(k->gem, sizeof k->gem, col[2]);
            k->dwellings = dw;
        }
    }
    fclose(fp);
    return 0;
}

static int cmp_dist(const void *a, const void *b) {
    double da = *(const double *)a, db = *(const double *)b;
    return da < db ? -1 : da > db;
}

static int select_gemeenten(NlModel *m, const Args *a) {
    if (!a->gemeenten && !a->around) {
        for (int g = 0; g < m->n_gem; g++) {
            m->gem[g].selected = 1;
        }
        return 0;
    }
    if (a->gemeenten) {
        char buf[4096];
        gen_copy(buf, sizeof buf, a->gemeenten);
        for (char *s = buf; s && *s;) {
            char *comma = strchr(s, ',');
            if (comma) {
                *comma = '\0';
            }
            NlGemeente *g = find_gem(m, s);
            if (!g) {
                return gen_error("--gemeenten: unknown gemeente '%s'", s);
            }
            g->selected = 1;
            s = comma ? comma + 1 : NULL;
        }
        return 0;
    }
    NlGemeente *c = find_gem(m, a->around);
    if (!c) {
        return gen_error("--around: unknown gemeente '%s'", a->around);
    }
    double(*d)[2] = malloc((size_t)m->n_gem * sizeof *d);
    for (int g = 0; g < m->n_gem; g++) {
        d[g][0] = hypot(m->gem[g].cx - c->cx, m->gem[g].cy - c->cy);
        d[g][1] = g;
    }
    qsort(d, (size_t)m->n_gem, sizeof *d, cmp_dist);
    double total = 0;
    for (int k = 0; k < m->n_gem && total < a->vbo; k++) {
        NlGemeente *g = &m->gem[(int)d[k][1]];
        g->selected = 1;
        total += g->dwellings * OBJECTS_PER_DWELLING;
    }
    free(d);
    return 0;
}

static NlWijk *new_wijk(NlModel *m) {
    NlWijk *w =
        gen_grow(m->wijk, &m->cap_wijk, (size_t)m->n_wijk + 1, sizeof *w);
    if (!w) {
        gen_error("out of memory");
        return NULL;
    }
    m->wijk = w;
    w = &w[m->n_wijk++];
    memset(w, 0, sizeof *w);
    return w;
}

/* The wijken of every selected gemeente: the CBS 2024 ones, or one per
 * 3,000 dwellings for a gemeente that 2024 no longer lists. */
static int make_wijken(NlModel *m, const KwbWijk *kw, int nkw) {
    for (int gi = 0; gi < m->n_gem; gi++) {
        NlGemeente *g = &m->gem[gi];
        if (!g->selected) {
            continue;
        }
        if (g->dwellings <= 0) {
            g->dwellings = gen_round(g->inwoners / 2.2);
        }
        g->first_wijk = m->n_wijk;
        int sum = 0;
        for (int k = 0; k < nkw; k++) {
            if (strcmp(kw[k].gem, g->code) == 0) {
                NlWijk *w = new_wijk(m);
                if (!w) {
                    return -1;
                }
                gen_copy(w->code, sizeof w->code, kw[k].code);
                w->dwellings = kw[k].dwellings;
                sum += w->dwellings;
            }
        }
        if (m->n_wijk == g->first_wijk) {
            int n = 1 + g->dwellings / 3000;
            GenRng r;
            rng_seed(&r, m->seed, 200000 + (uint64_t)gi);
            double wt[100];
            int dw[100];
            n = n > 100 ? 100 : n;
            for (int k = 0; k < n; k++) {
                wt[k] = rng_range(&r, 0.2, 1.0);
            }
            wt[0] += 1.0; /* the town */
            nl_split(wt, n, g->dwellings, dw);
            for (int k = 0; k < n; k++) {
                NlWijk *w = new_wijk(m);
                if (!w) {
                    return -1;
                }
                snprintf(w->code, sizeof w->code, "WK%.4s%02d", g->code4,
                         k % 100);
                w->dwellings = dw[k];
                sum += dw[k];
            }
        }
        g->n_wijken = m->n_wijk - g->first_wijk;
        g->dwellings = sum;
        for (int k = g->first_wijk; k < m->n_wijk; k++) {
            m->wijk[k].gem = gi;
            snprintf(m->wijk[k].naam, sizeof m->wijk[k].naam, "Wijk %s %.60s",
                     m->wijk[k].code + 6, g->naam);
        }
    }
    return 0;
}

typedef int (*WriteFn)(NlModel *m, const char *path);

static int write_voorz(NlModel *m, const char *path) {
    return nl_write_voorz(m, path);
}

static const struct {
    const char *name;
    WriteFn write;
} OUTPUTS[] = {{"wijkenbuurten-nl-synthetic.gpkg", nl_write_cbs},
               {"bag-light-nl-synthetic.gpkg", nl_write_bag},
               {"voorzieningen-nl-synthetic.gpkg", write_voorz}};
#define N_OUTPUTS (sizeof OUTPUTS / sizeof OUTPUTS[0])

static int write_one(void *model, size_t i, const char *path) {
    return OUTPUTS[i].write(model, path);
}

static int write_outputs(NlModel *m) {
    const char *names[N_OUTPUTS];
    for (size_t i = 0; i < N_OUTPUTS; i++) {
        names[i] = OUTPUTS[i].name;
    }
    return gen_write_outputs(m->out_dir, names, N_OUTPUTS, write_one, m);
}

static void model_free(NlModel *m) {
    for (int g = 0; g < m->n_gem; g++) {
        OGR_G_DestroyGeometry(m->gem[g].real);
    }
    free(m->gem);
    free(m->wijk);
    free(m->buurt);
    free(m->label);
    free(m->cells);
    free(m->voorz);
    if (m->rd) {
        OSRDestroySpatialReference(m->rd);
    }
}

int main(int argc, char **argv) {
    NlModel m;
    Args a;
    memset(&m, 0, sizeof m);
    memset(&a, 0, sizeof a);
    gen_program = NL_PROGRAM;
    int rc = parse_args(argc, argv, &m, &a);
    if (rc != 0) {
        return rc > 0 ? 0 : 2;
    }
    CPLSetErrorHandler(CPLQuietErrorHandler);
    GDALAllRegister();
    CPLSetConfigOption("OGR_CURRENT_DATE", "2024-01-01T00:00:00Z");
    m.rd = OSRNewSpatialReference(NULL);
    if (!m.rd || OSRImportFromEPSG(m.rd, 28992) != OGRERR_NONE) {
        model_free(&m);
        return gen_error("cannot create EPSG:28992") ? 1 : 1;
    }
    OSRSetAxisMappingStrategy(m.rd, OAMS_TRADITIONAL_GIS_ORDER);
    KwbWijk *kw = NULL;
    int nkw = 0;
    rc = read_gemeenten(&m, a.data_dir);
    if (rc == 0) {
        rc = read_kwb(&m, a.data_dir, &kw, &nkw);
    }
    if (rc == 0) {
        rc = select_gemeenten(&m, &a);
    }
    if (rc == 0) {
        rc = make_wijken(&m, kw, nkw);
    }
    free(kw);
    if (rc == 0) {
        rc = nl_partition(&m);
    }
    if (rc == 0) {
        fprintf(stderr, "%s: %d buurten in %d wijken; %d x %d cells of %g m\n",
                gen_program, m.n_buurt, m.n_wijk, m.width, m.height, m.cell);
        rc = write_outputs(&m);
    }
    if (rc == 0) {
        int ng = 0;
        for (int g = 0; g < m.n_gem; g++) {
            ng += m.gem[g].selected;
        }
        printf("%s: seed %llu: %lld verblijfsobjecten (%lld woningen, %lld "
               "op een buurtgrens), %d buurten, %d gemeenten, %d "
               "voorzieningen -> %s\n",
               gen_program, (unsigned long long)m.seed, m.n_vbo, m.n_dwellings,
               m.n_edge, m.n_buurt, ng, m.n_voorz, m.out_dir);
    }
    model_free(&m);
    return rc == 0 ? 0 : 1;
}
