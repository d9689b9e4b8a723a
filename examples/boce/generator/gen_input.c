/*
 * gen_input.c — reads the real inputs of wijkscan-boce-gen: the generalized CBS
 * wijk- en buurtkaart 2023 (layers gemeenten, wijken, buurten) and the CBS
 * kerncijfers 2024 CSV (inwoners, mannen, vrouwen, woningvoorraad per gemeente
 * and wijk), links buurten to wijken by the `wijkcode` attribute (never by
 * geometry) and checks the totals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>

#include "gen_internal.h"

#define BOUNDARIES_FILE "cbs_wijkbuurt_2023_boce_generalized.gpkg"
#define KERNCIJFERS_FILE "cbs_kwb2024_85984NED_boce_gemeenten_wijken.csv"

static const char *field_text(OGRFeatureH f, const char *name) {
    int idx = OGR_F_GetFieldIndex(f, name);
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) {
        return NULL;
    }
    return OGR_F_GetFieldAsString(f, idx);
}

/* Reads the text fields `names` (all required) and a clone of the geometry of
 * one feature. */
static int read_feature(OGRFeatureH f, const char *const *names, char **dst,
                        const size_t *len, int nfields, OGRGeometryH *geom,
                        const char *what) {
    for (int i = 0; i < nfields; i++) {
        const char *v = field_text(f, names[i]);
        if (!v) {
            return gen_error("%s: feature " CPL_FRMT_GIB " has no field '%s'",
                             what, OGR_F_GetFID(f), names[i]);
        }
        gen_copy(dst[i], len[i], v);
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g)) {
        return gen_error("%s: feature " CPL_FRMT_GIB " has no geometry", what,
                         OGR_F_GetFID(f));
    }
    *geom = OGR_G_Clone(g);
    return 0;
}

static int cmp_gemeente(const void *a, const void *b) {
    return strcmp(((const Gemeente *)a)->code, ((const Gemeente *)b)->code);
}
static int cmp_wijk(const void *a, const void *b) {
    return strcmp(((const Wijk *)a)->code, ((const Wijk *)b)->code);
}
static int cmp_buurt(const void *a, const void *b) {
    return strcmp(((const Buurt *)a)->code, ((const Buurt *)b)->code);
}

static OGRLayerH open_layer(GDALDatasetH ds, const char *name, const char *path,
                            int *count) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (!l) {
        gen_error("%s: layer '%s' not found", path, name);
        return NULL;
    }
    GIntBig n = OGR_L_GetFeatureCount(l, TRUE);
    if (n <= 0 || n > 100000) {
        gen_error("%s: layer '%s' has an unexpected feature count", path, name);
        return NULL;
    }
    *count = (int)n;
    OGR_L_ResetReading(l);
    return l;
}

static int read_gemeenten(Model *m, GDALDatasetH ds, const char *what) {
    int n = 0;
    OGRLayerH l = open_layer(ds, "gemeenten", what, &n);
    if (!l) {
        return -1;
    }
    if (n != 3) {
        return gen_error("%s: layer 'gemeenten' has %d features, expected 3",
                         what, n);
    }
    static const char *const names[] = {"statcode", "statnaam"};
    OGRFeatureH f;
    m->n_gemeenten = 0;
    while ((f = OGR_L_GetNextFeature(l)) != NULL && m->n_gemeenten < 3) {
        Gemeente *g = &m->gemeenten[m->n_gemeenten];
        char *dst[] = {g->code, g->naam};
        size_t len[] = {sizeof g->code, sizeof g->naam};
        int rc = read_feature(f, names, dst, len, 2, &g->geom, "gemeenten");
        OGR_F_Destroy(f);
        if (rc != 0) {
            return -1;
        }
        gen_copy(g->code4, sizeof g->code4, g->code + 2);
        g->woningvoorraad = -1;
        m->n_gemeenten++;
    }
    qsort(m->gemeenten, (size_t)m->n_gemeenten, sizeof(Gemeente), cmp_gemeente);
    return 0;
}

static int read_wijken(Model *m, GDALDatasetH ds, const char *what) {
    int n = 0;
    OGRLayerH l = open_layer(ds, "wijken", what, &n);
    if (!l) {
        return -1;
    }
    m->wijken = calloc((size_t)n, sizeof(Wijk));
    if (!m->wijken) {
        return gen_error("out of memory");
    }
    static const char *const names[] = {"statcode", "statnaam"};
    OGRFeatureH f;
    while (m->n_wijken < n && (f = OGR_L_GetNextFeature(l)) != NULL) {
        Wijk *w = &m->wijken[m->n_wijken];
        char *dst[] = {w->code, w->naam};
        size_t len[] = {sizeof w->code, sizeof w->naam};
        int rc = read_feature(f, names, dst, len, 2, &w->geom, "wijken");
        OGR_F_Destroy(f);
        if (rc != 0) {
            return -1;
        }
        w->woningvoorraad = -1;
        m->n_wijken++;
    }
    qsort(m->wijken, (size_t)m->n_wijken, sizeof(Wijk), cmp_wijk);
    return 0;
}

static int read_buurten(Model *m, GDALDatasetH ds, const char *what) {
    int n = 0;
    OGRLayerH l = open_layer(ds, "buurten", what, &n);
    if (!l) {
        return -1;
    }
    m->buurten = calloc((size_t)n, sizeof(Buurt));
    if (!m->buurten) {
        return gen_error("out of memory");
    }
    static const char *const names[] = {"statcode", "statnaam", "wijkcode"};
    OGRFeatureH f;
    while (m->n_buurten < n && (f = OGR_L_GetNextFeature(l)) != NULL) {
        Buurt *b = &m->buurten[m->n_buurten];
        char *dst[] = {b->code, b->naam, b->wijkcode};
        size_t len[] = {sizeof b->code, sizeof b->naam, sizeof b->wijkcode};
        int rc = read_feature(f, names, dst, len, 3, &b->geom, "buurten");
        OGR_F_Destroy(f);
        if (rc != 0) {
            return -1;
        }
        m->n_buurten++;
    }
    qsort(m->buurten, (size_t)m->n_buurten, sizeof(Buurt), cmp_buurt);
    return 0;
}

int input_read_boundaries(Model *m) {
    char path[GEN_PATH_LEN];
    if (gen_path(path, sizeof path, m->input_dir, BOUNDARIES_FILE) != 0) {
        return -1;
    }
    const char *const drivers[] = {"GPKG", NULL};
    GDALDatasetH ds = GDALOpenEx(
        path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
        drivers, NULL, NULL);
    if (!ds) {
        return gen_error("%s: cannot open: %s", path, gen_gdal_msg());
    }
    int rc = read_gemeenten(m, ds, path);
    if (rc == 0) {
        rc = read_wijken(m, ds, path);
    }
    if (rc == 0) {
        rc = read_buurten(m, ds, path);
    }
    GDALClose(ds);
    return rc;
}

/* Splits a CSV line on ',' in place (the CBS export has no quoted fields). */
static int split_csv(char *line, char **cols, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        cols[n++] = p;
        char *c = strchr(p, ',');
        if (!c) {
            break;
        }
        *c = '\0';
        p = c + 1;
    }
    for (int i = 0; i < n; i++) {
        char *s = cols[i];
        size_t len = strlen(s);
        while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
                           s[len - 1] == ' ' || s[len - 1] == '"')) {
            s[--len] = '\0';
        }
        while (*s == ' ' || *s == '"') {
            s++;
        }
        cols[i] = s;
    }
    return n;
}

static int find_col(char **cols, int n, const char *name) {
    for (int i = 0; i < n; i++) {
        if (strcmp(cols[i], name) == 0 ||
            (i == 0 && strncmp(cols[i], "\xEF\xBB\xBF", 3) == 0 &&
             strcmp(cols[i] + 3, name) == 0)) {
            return i;
        }
    }
    return -1;
}

static int parse_int(const char *s, int *out) {
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 0 || v > 100000000L) {
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int store_row(Model *m, char **cols, const int *idx, const char *path,
                     int lineno) {
    int vals[4];
    for (int i = 0; i < 4; i++) {
        if (parse_int(cols[idx[i + 1]], &vals[i]) != 0) {
            return gen_error("%s: line %d: bad number '%s'", path, lineno,
                             cols[idx[i + 1]]);
        }
    }
    const char *code = cols[idx[0]];
    for (int g = 0; g < m->n_gemeenten; g++) {
        Gemeente *gm = &m->gemeenten[g];
        if (strcmp(gm->code, code) == 0) {
            gm->inwoners = vals[0], gm->mannen = vals[1], gm->vrouwen = vals[2];
            gm->woningvoorraad = vals[3];
            return 0;
        }
    }
    for (int w = 0; w < m->n_wijken; w++) {
        Wijk *wk = &m->wijken[w];
        if (strcmp(wk->code, code) == 0) {
            wk->inwoners = vals[0], wk->mannen = vals[1], wk->vrouwen = vals[2];
            wk->woningvoorraad = vals[3];
            return 0;
        }
    }
    return 0; /* rows for other regions are ignored */
}

int input_read_kerncijfers(Model *m) {
    char path[GEN_PATH_LEN];
    if (gen_path(path, sizeof path, m->input_dir, KERNCIJFERS_FILE) != 0) {
        return -1;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        return gen_error("%s: cannot open", path);
    }
    static const char *const wanted[] = {"Codering_3", "AantalInwoners_5",
                                         "Mannen_6", "Vrouwen_7",
                                         "Woningvoorraad_35"};
    char line[4096];
    char *cols[64];
    int idx[5];
    int lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        lineno++;
        int n = split_csv(line, cols, 64);
        if (lineno == 1) {
            for (int i = 0; i < 5 && rc == 0; i++) {
                idx[i] = find_col(cols, n, wanted[i]);
                if (idx[i] < 0) {
                    rc = gen_error("%s: column '%s' missing", path, wanted[i]);
                }
            }
            continue;
        }
        if (n < 2 || cols[0][0] == '\0') {
            continue;
        }
        for (int i = 0; i < 5 && rc == 0; i++) {
            if (idx[i] >= n) {
                rc = gen_error("%s: line %d has too few columns", path, lineno);
            }
        }
        if (rc == 0) {
            rc = store_row(m, cols, idx, path, lineno);
        }
    }
    fclose(fp);
    if (rc == 0 && lineno == 0) {
        rc = gen_error("%s: empty file", path);
    }
    return rc;
}

static int find_gemeente(const Model *m, const char *code) {
    for (int g = 0; g < m->n_gemeenten; g++) {
        if (strcmp(m->gemeenten[g].code, code) == 0) {
            return g;
        }
    }
    return -1;
}

/* Links buurt -> wijk -> gemeente by code and checks the kerncijfers totals. */
int input_link(Model *m) {
    for (int w = 0; w < m->n_wijken; w++) {
        Wijk *wk = &m->wijken[w];
        char gm[8];
        snprintf(gm, sizeof gm, "GM%.4s", wk->code + 2);
        wk->gemeente = find_gemeente(m, gm);
        if (wk->gemeente < 0) {
            return gen_error("wijken: %s belongs to no known gemeente",
                             wk->code);
        }
        if (wk->woningvoorraad < 0) {
            return gen_error("%s/%s: no kerncijfers row for wijk %s",
                             m->input_dir, KERNCIJFERS_FILE, wk->code);
        }
        wk->buurten = calloc((size_t)m->n_buurten, sizeof(int));
        if (!wk->buurten) {
            return gen_error("out of memory");
        }
    }
    for (int b = 0; b < m->n_buurten; b++) {
        Buurt *bu = &m->buurten[b];
        bu->wijk = -1;
        for (int w = 0; w < m->n_wijken; w++) {
            if (strcmp(m->wijken[w].code, bu->wijkcode) == 0) {
                bu->wijk = w;
            }
        }
        if (bu->wijk < 0) {
            return gen_error("buurten: %s has unknown wijkcode %s", bu->code,
                             bu->wijkcode);
        }
        Wijk *wk = &m->wijken[bu->wijk];
        bu->gemeente = wk->gemeente;
        wk->buurten[wk->n_buurten++] = b;
    }
    for (int g = 0; g < m->n_gemeenten; g++) {
        long sum = 0;
        for (int w = 0; w < m->n_wijken; w++) {
            if (m->wijken[w].gemeente == g) {
                sum += m->wijken[w].woningvoorraad;
            }
        }
        if (m->gemeenten[g].woningvoorraad < 0 ||
            sum != m->gemeenten[g].woningvoorraad) {
            return gen_error("%s/%s: Woningvoorraad_35 of the wijken of %s "
                             "sums to %ld, gemeente "
                             "row says %d",
                             m->input_dir, KERNCIJFERS_FILE,
                             m->gemeenten[g].code, sum,
                             m->gemeenten[g].woningvoorraad);
        }
    }
    for (int w = 0; w < m->n_wijken; w++) {
        if (m->wijken[w].n_buurten == 0 && m->wijken[w].woningvoorraad > 0) {
            return gen_error("buurten: wijk %s has dwellings but no buurten",
                             m->wijken[w].code);
        }
    }
    return 0;
}
