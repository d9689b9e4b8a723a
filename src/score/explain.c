/* `wijkscan explain`: why a buurt scores what it scores, read back from a
 * wijkscan GeoPackage. The table wijkscan_indicatoren says which indicator
 * belongs to which theme with which weight; the level layer holds the raw
 * and normalised values and the marks. A theme mark is 1 + 9 × Σ wᵢ·nᵢ / C
 * (C the weight of the indicators with a value), so indicator i adds
 * 9 · wᵢ · nᵢ / C points to it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "score_internal.h"

typedef struct colrow {
    char *kolom, *thema, *label, *eenheid, *richting;
    char *bron; /* for a theme score: the composite it feeds */
    double gewicht;
} colrow;

typedef struct explainer {
    ws_ctx *ctx;
    const char *path;
    GDALDatasetH gd;
    colrow *rows;
    size_t nrows;
    OGRLayerH layer;    /* level of the region asked for */
    OGRFeatureH feat;   /* the region */
    const char *level;  /* "buurt", "wijk", "gemeente" */
    const char *plural; /* the layer name: "buurten", … */
    FILE *out;
    char reason[160]; /* missing_reason() */
} explainer;

static char *field_dup(ws_ctx *ctx, OGRFeatureH f, const char *name) {
    int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
        return NULL;
    return ws__strdup(ctx, OGR_F_GetFieldAsString(f, i));
}

static ws_status read_descriptions(explainer *x) {
    OGRLayerH l = GDALDatasetGetLayerByName(x->gd, "wijkscan_indicatoren");
    if (!l)
        return ws__error(x->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: no table wijkscan_indicatoren: this GeoPackage "
                         "has no theme scores (run wijkscan with theme layers)",
                         x->path);
    size_t n = (size_t)OGR_L_GetFeatureCount(l, TRUE);
    x->rows = ws__calloc(x->ctx, n + 1, sizeof *x->rows);
    if (!x->rows)
        return WS_ERR_NOMEM;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while (x->nrows < n && (f = OGR_L_GetNextFeature(l)) != NULL) {
        colrow *r = &x->rows[x->nrows++];
        r->kolom = field_dup(x->ctx, f, "kolom");
        r->thema = field_dup(x->ctx, f, "thema");
        r->label = field_dup(x->ctx, f, "label");
        r->eenheid = field_dup(x->ctx, f, "eenheid");
        r->richting = field_dup(x->ctx, f, "richting");
        r->bron = field_dup(x->ctx, f, "bron");
        int gi = OGR_F_GetFieldIndex(f, "gewicht");
        r->gewicht = gi >= 0 && OGR_F_IsFieldSetAndNotNull(f, gi)
                         ? OGR_F_GetFieldAsDouble(f, gi)
                         : NAN;
        OGR_F_Destroy(f);
    }
    return ws__status_or(x->ctx, WS_OK);
}

/* --- finding the region --------------------------------------------------- */

static const struct {
    const char *prefix, *layer, *code, *name, *level;
} levels[] = {
    {"BU", "buurten", "buurtcode", "buurtnaam", "buurt"},
    {"WK", "wijken", "wijkcode", "wijknaam", "wijk"},
    {"GM", "gemeenten", "gemeentecode", "gemeentenaam", "gemeente"},
};

static bool looks_like_code(const char *key, const char *prefix) {
    if (strncmp(key, prefix, 2) != 0 || !key[2])
        return false;
    for (const char *p = key + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* Features of `layer` whose `field` equals `value` (case-insensitively for
 * names). The caller destroys *first; *count says how many matched. */
static void find_matches(OGRLayerH l, const char *field, const char *value,
                         bool nocase, OGRFeatureH *first, size_t *count,
                         ws_strbuf *list) {
    int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), field);
    if (fi < 0)
        return;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        const char *v = OGR_F_GetFieldAsString(f, fi);
        bool hit = nocase ? ws__streq_nocase(v, value) : strcmp(v, value) == 0;
        if (!hit) {
            OGR_F_Destroy(f);
            continue;
        }
        ws__sb_appendf(list, "\n  %s", OGR_F_GetFieldAsString(f, 0));
        int gi = OGR_F_GetFieldIndex(f, "gemeentenaam");
        if (gi >= 0)
            ws__sb_appendf(list, " (%s, %s)", v, OGR_F_GetFieldAsString(f, gi));
        if (!*first)
            *first = f;
        else
            OGR_F_Destroy(f);
        (*count)++;
    }
}

static ws_status find_region(explainer *x, const char *key) {
    ws_strbuf list;
    ws__sb_init(&list, x->ctx);
    size_t count = 0;
    for (size_t k = 0; k < 3; k++) {
        OGRLayerH l = GDALDatasetGetLayerByName(x->gd, levels[k].layer);
        bool code = looks_like_code(key, levels[k].prefix);
        if (!l || (count && !code))
            continue;
        OGRFeatureH first = NULL;
        size_t before = count;
        find_matches(l, code ? levels[k].code : levels[k].name, key, !code,
                     &first, &count, &list);
        if (count > before && !x->feat) {
            x->feat = first;
            x->layer = l;
            x->level = levels[k].level;
            x->plural = levels[k].layer;
        } else if (first) {
            OGR_F_Destroy(first);
        }
    }
    ws_status st = WS_OK;
    if (count == 0)
        st = ws__error(x->ctx, WS_ERR_DATA_NO_FIELD,
                       "%s: no buurt, wijk or gemeente with code or name "
                       "'%s'",
                       x->path, key);
    else if (count > 1)
        st = ws__error(x->ctx, WS_ERR_INVALID_ARG,
                       "%s: '%s' is the name of %zu regions; give the code "
                       "of one:%s",
                       x->path, key, count,
                       ws__sb_str(&list) ? ws__sb_str(&list) : "");
    ws__sb_free(&list);
    return st;
}

/* --- values ------------------------------------------------------------- */

static double get(OGRFeatureH f, const char *field) {
    int i = f && field ? OGR_F_GetFieldIndex(f, field) : -1;
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
               ? OGR_F_GetFieldAsDouble(f, i)
               : NAN;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of a column over every region of the level that has a value. */
static double level_median(explainer *x, const char *field) {
    int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(x->layer), field);
    size_t n = (size_t)OGR_L_GetFeatureCount(x->layer, TRUE), k = 0;
    double *v = fi >= 0 ? ws__malloc(x->ctx, (n + 1) * sizeof *v) : NULL;
    if (!v)
        return NAN;
    OGR_L_ResetReading(x->layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(x->layer)) != NULL) {
        if (k < n && OGR_F_IsFieldSetAndNotNull(f, fi))
            v[k++] = OGR_F_GetFieldAsDouble(f, fi);
        OGR_F_Destroy(f);
    }
    qsort(v, k, sizeof *v, compare_doubles);
    double m = k == 0       ? NAN
               : k % 2 == 1 ? v[k / 2]
                            : (v[k / 2 - 1] + v[k / 2]) / 2;
    ws__free(x->ctx, v);
    return m;
}

static void fmt(char *buf, size_t size, double v, int decimals) {
    ws_format_number(buf, size, v, decimals);
}

/* Enough decimals to tell values of this size apart. */
static int decimals_for(double v) {
    double a = fabs(v);
    return a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
}

/* Why a value is missing, from ontbrekende_waarden, into the explainer's
 * own buffer (no static storage: ws_explain may run on several threads). */
static const char *missing_reason(explainer *x, const char *kolom) {
    char *buf = x->reason;
    const size_t size = sizeof x->reason;
    const char *code = OGR_F_GetFieldAsString(x->feat, 0);
    OGRLayerH l = GDALDatasetGetLayerByName(x->gd, "ontbrekende_waarden");
    snprintf(buf, size, "ontbreekt");
    if (OGR_F_GetFieldIndex(x->feat, kolom) < 0)
        return "ontbreekt: kolom ontbreekt in de invoer";
    if (!l)
        return buf;
    char filter[512];
    snprintf(filter, sizeof filter, "code = '%s' AND kolom = '%s'", code,
             kolom);
    if (OGR_L_SetAttributeFilter(l, filter) != OGRERR_NONE)
        return buf;
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    if (f) {
        snprintf(
            buf, size, "ontbreekt: %s",
            OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "toelichting")));
        OGR_F_Destroy(f);
    }
    OGR_L_SetAttributeFilter(l, NULL);
    return buf;
}

static bool is_score(const colrow *r) {
    return r->kolom && strncmp(r->kolom, "score_", 6) == 0;
}

static bool in_theme(const colrow *r, const char *thema) {
    return !is_score(r) && r->thema && strcmp(r->thema, thema) == 0;
}

static bool in_composite(const colrow *r, const char *composite) {
    return is_score(r) && r->bron && strcmp(r->bron, composite) == 0;
}

/* Weight of the theme's indicators that have a normalised value. */
static double covered_weight(explainer *x, const char *thema) {
    double c = 0;
    char name[300];
    for (size_t i = 0; i < x->nrows; i++) {
        const colrow *r = &x->rows[i];
        if (!in_theme(r, thema) || !isfinite(r->gewicht))
            continue;
        snprintf(name, sizeof name, "norm_%s", r->kolom);
        c += isfinite(get(x->feat, name)) ? r->gewicht : 0;
    }
    return c;
}

static void print_indicator(explainer *x, const colrow *r, double cover) {
    char raw[48], med[48], norm[32], w[32], contrib[32], name[300];
    double v = get(x->feat, r->kolom);
    double m = level_median(x, r->kolom);
    /* shares read better as percentages */
    bool share = r->eenheid && strcmp(r->eenheid, "aandeel") == 0;
    double scale = share ? 100 : 1;
    const char *unit = share ? "%" : r->eenheid ? r->eenheid : "";
    int d = share ? 1 : decimals_for(isfinite(m) ? m : v);
    fmt(raw, sizeof raw, v * scale, d);
    fmt(med, sizeof med, m * scale, d);
    snprintf(name, sizeof name, "norm_%s", r->kolom);
    double n = get(x->feat, name);
    bool context = r->richting && strcmp(r->richting, "context") == 0;
    fprintf(x->out, "  %s\n", r->label ? r->label : r->kolom);
    if (!isfinite(v)) {
        fprintf(x->out, "    waarde       %s\n", missing_reason(x, r->kolom));
    } else {
        const char *cmp = v > m   ? "hoger dan"
                          : v < m ? "lager dan"
                                  : "gelijk aan";
        fprintf(x->out,
                "    waarde       %s %s (%s de mediaan van de %s: %s)\n", raw,
                unit, cmp, x->plural, med);
    }
    if (context) {
        fprintf(x->out, "    context: getoond, niet gescoord\n");
        return;
    }
    fmt(norm, sizeof norm, n, 2);
    fmt(w, sizeof w, r->gewicht, 2);
    fmt(contrib, sizeof contrib,
        isfinite(n) && cover > 0 ? 9 * r->gewicht * n / cover : NAN, 2);
    fprintf(x->out,
            "    genormaliseerd %s (0 = slechtst, 1 = best; %s)  gewicht %s  "
            "bijdrage +%s\n",
            norm,
            r->richting && strcmp(r->richting, "lager_beter") == 0
                ? "lager is beter"
                : "hoger is beter",
            w, isfinite(n) ? contrib : "0 (telt niet mee)");
}

static void print_theme_header(explainer *x, const colrow *t) {
    char mark[32], cov[32], name[300];
    fmt(mark, sizeof mark, get(x->feat, t->kolom), 1);
    snprintf(name, sizeof name, "%s_dekking", t->kolom);
    fmt(cov, sizeof cov, get(x->feat, name) * 100, 0);
    fprintf(x->out, "\n%s (%s): %s", t->label, t->kolom, mark);
    snprintf(name, sizeof name, "%s_vlag", t->kolom);
    int fi = OGR_F_GetFieldIndex(x->feat, name);
    const char *flag = fi >= 0 ? OGR_F_GetFieldAsString(x->feat, fi) : "";
    if (strcmp(flag, "ok") != 0)
        fprintf(x->out, " — %s", missing_reason(x, t->kolom));
    fprintf(x->out, "   dekking %s %%", cov);
    snprintf(name, sizeof name, "rang_%s_gemeente", t->thema);
    double rg = get(x->feat, name);
    snprintf(name, sizeof name, "rang_%s_regio", t->thema);
    double rr = get(x->feat, name);
    if (isfinite(rg))
        fprintf(x->out, "   rang %.0f in de gemeente", rg);
    if (isfinite(rr))
        fprintf(x->out, "%s %.0f in de regio", isfinite(rg) ? "," : "   rang",
                rr);
    fprintf(x->out, "\n");
}

/* A composite's members are themes: their marks are its indicators. */
static void print_composite(explainer *x, const colrow *t) {
    double cover = 0;
    for (size_t i = 0; i < x->nrows; i++) {
        const colrow *m = &x->rows[i];
        if (in_composite(m, t->thema) && isfinite(get(x->feat, m->kolom)))
            cover += m->gewicht;
    }
    for (size_t i = 0; i < x->nrows; i++) {
        const colrow *m = &x->rows[i];
        if (!in_composite(m, t->thema))
            continue;
        char mark[32], w[32], contrib[32];
        double v = get(x->feat, m->kolom);
        fmt(mark, sizeof mark, v, 1);
        fmt(w, sizeof w, m->gewicht, 2);
        fmt(contrib, sizeof contrib,
            isfinite(v) && cover > 0 ? m->gewicht * (v - 1) / cover : NAN, 2);
        fprintf(x->out, "  %s\n    cijfer %s  gewicht %s  bijdrage +%s\n",
                m->label ? m->label : m->kolom, mark, w,
                isfinite(v) ? contrib : "0 (telt niet mee)");
    }
}

static void print_explanation(explainer *x) {
    int ci = strcmp(x->level, "gemeente") == 0
                 ? -1
                 : OGR_F_GetFieldIndex(x->feat, "gemeentenaam");
    fprintf(x->out, "%s %s %s%s%s\n", x->level,
            OGR_F_GetFieldAsString(x->feat, 0),
            OGR_F_GetFieldAsString(x->feat, 1), ci >= 0 ? ", gemeente " : "",
            ci >= 0 ? OGR_F_GetFieldAsString(x->feat, ci) : "");
    fprintf(x->out, "Een cijfer is 1 + de som van de bijdragen; een bijdrage "
                    "is 9 × gewicht × genormaliseerde waarde / gewicht met "
                    "een waarde.\n");
    for (size_t i = 0; i < x->nrows; i++) {
        const colrow *t = &x->rows[i];
        if (!is_score(t) || !t->thema)
            continue;
        print_theme_header(x, t);
        bool composite = false;
        for (size_t j = 0; j < x->nrows; j++)
            composite = composite || in_composite(&x->rows[j], t->thema);
        if (composite) {
            print_composite(x, t);
            continue;
        }
        double cover = covered_weight(x, t->thema);
        for (size_t j = 0; j < x->nrows; j++)
            if (in_theme(&x->rows[j], t->thema))
                print_indicator(x, &x->rows[j], cover);
    }
}

ws_status ws_explain(ws_ctx *ctx, const char *gpkg_path, const char *key,
                     FILE *out) {
    if (!ctx || !gpkg_path || !key || !out)
        return WS_ERR_INVALID_ARG;
    explainer x = {.ctx = ctx, .path = gpkg_path, .out = out};
    ws__gdal_register();
    ws__gdal_begin(ctx);
    x.gd = GDALOpenEx(gpkg_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL,
                      NULL);
    ws__gdal_end(ctx);
    ws_status st = WS_OK;
    if (!x.gd)
        st = ws__error(ctx, WS_ERR_IO_NOT_FOUND, "%s: cannot open: %s",
                       gpkg_path, ws__gdal_msg(ctx));
    if (st == WS_OK)
        st = read_descriptions(&x);
    if (st == WS_OK)
        st = find_region(&x, key);
    if (st == WS_OK)
        print_explanation(&x);
    if (x.feat)
        OGR_F_Destroy(x.feat);
    for (size_t i = 0; i < x.nrows; i++) {
        ws__free(ctx, x.rows[i].kolom);
        ws__free(ctx, x.rows[i].thema);
        ws__free(ctx, x.rows[i].label);
        ws__free(ctx, x.rows[i].eenheid);
        ws__free(ctx, x.rows[i].richting);
        ws__free(ctx, x.rows[i].bron);
    }
    ws__free(ctx, x.rows);
    if (x.gd)
        GDALClose(x.gd);
    return st;
}
