/* What compare and report read from a wijkscan GeoPackage, and the
 * comparison statistics. The regions of the compared level (buurten or
 * wijken) with their dwellings, theme marks and flags; the wijken for the
 * best and weakest wijk; the themes (score columns, described by
 * wijkscan_indicatoren); for the report also the metadata, the inputs, the
 * indicator descriptions and the missing values. The pooled classes per
 * theme are computed with the same options as the comparison map, so "the
 * lowest class" of the table is class 1 of the map's legend. Definitions of
 * the statistics: wijkscan/report.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gdal.h>
#include <ogr_api.h>

#include "../export/export_internal.h"
#include "report_internal.h"

typedef struct reader {
    ws_cmp *c;
    GDALDatasetH ds;
} reader;

/* --- small helpers ---------------------------------------------------- */

static char *field_str(ws_ctx *ctx, OGRFeatureH f, int i, bool *nomem) {
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
        return NULL;
    char *s = ws__strdup(ctx, OGR_F_GetFieldAsString(f, i));
    if (!s)
        *nomem = true;
    return s;
}

static double field_real(OGRFeatureH f, int i) {
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
               ? OGR_F_GetFieldAsDouble(f, i)
               : NAN;
}

static int field_index(OGRLayerH l, const char *name) {
    return OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name);
}

const char *ws__cmp_level_word(ws_level l, bool plural) {
    return ws__map_level_word(l, plural);
}

void ws__cmp_join_names(const char *const *names, size_t n, char *buf,
                        size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s",
                              i == 0       ? ""
                              : i + 1 == n ? " en "
                                           : ", ",
                              names[i]);
}

void ws__cmp_dutch_date(const char *iso, char *buf, size_t size) {
    ws__map_dutch_date(iso, buf, size);
}

void ws__cmp_num(double v, int decimals, char *buf, size_t size) {
    if (isnan(v))
        snprintf(buf, size, "\xe2\x80\x93");
    else
        ws__map_format_number(v, decimals, buf, size);
}

const char *ws__cmp_meta(const ws_cmp *c, const char *key) {
    for (size_t i = 0; i < c->nmeta; i++)
        if (strcmp(c->meta[i].key, key) == 0)
            return c->meta[i].value;
    return NULL;
}

const ws_cmp_stat *ws__cmp_stat(const ws_cmp *c, size_t theme, size_t g) {
    return &c->stat[theme * (c->ngm + 1) + g];
}

/* --- themes ------------------------------------------------------------ */

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static ws_status add_theme(ws_cmp *c, const char *column, size_t *cap) {
    for (size_t i = 0; i < c->nthemes; i++)
        if (strcmp(c->themes[i].column, column) == 0)
            return WS_OK;
    if (ws__reserve(c->ctx, (void **)&c->themes, cap, c->nthemes + 1,
                    sizeof *c->themes) != WS_OK)
        return WS_ERR_NOMEM;
    ws_cmp_theme *t = &c->themes[c->nthemes++];
    memset(t, 0, sizeof *t);
    t->column = ws__strdup(c->ctx, column);
    t->name = ws__strdup(c->ctx, column + 6);
    return t->column && t->name ? WS_OK : WS_ERR_NOMEM;
}

/* The themes: the score columns of the level layer, in the order of
 * wijkscan_indicatoren (then of the layer), or those asked for. */
static ws_status read_themes(reader *rd, const ws_cmp_request *req,
                             OGRLayerH level) {
    ws_cmp *c = rd->c;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(level);
    const char *layer = ws_level_layer_name(c->level);
    size_t cap = 0;
    ws_status st = WS_OK;
    /* every score column of the layer, in layer order */
    char avail[1024] = "";
    size_t ao = 0;
    int nf = OGR_FD_GetFieldCount(defn);
    char **cols = ws__calloc(c->ctx, (size_t)nf + 1, sizeof *cols);
    size_t ncols = 0;
    if (!cols)
        return WS_ERR_NOMEM;
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        const char *n = OGR_Fld_GetNameRef(fd);
        OGRFieldType ty = OGR_Fld_GetType(fd);
        if (strncmp(n, "score_", 6) != 0 || ends_with(n, "_dekking") ||
            ends_with(n, "_vlag") || (ty != OFTReal && ty != OFTInteger))
            continue;
        cols[ncols++] = (char *)n;
        if (ao < sizeof avail)
            ao += (size_t)snprintf(avail + ao, sizeof avail - ao, "%s%s",
                                   ao ? ", " : "", n + 6);
    }
    if (ncols == 0) {
        ws__free(c->ctx, cols);
        return ws__error(c->ctx, WS_ERR_DATA_NO_FIELD,
                         "%s: layer '%s' has no theme scores (no score_* "
                         "column); run wijkscan with theme layers "
                         "(layers/themes) to compute them",
                         c->path, layer);
    }
    if (req->n_themes) {
        for (size_t i = 0; st == WS_OK && i < req->n_themes; i++) {
            char col[256];
            const char *t = req->themes[i];
            snprintf(col, sizeof col, "%s%s",
                     strncmp(t, "score_", 6) == 0 ? "" : "score_", t);
            bool found = false;
            for (size_t k = 0; k < ncols && !found; k++)
                found = strcmp(cols[k], col) == 0;
            if (!found)
                st = ws__error(c->ctx, WS_ERR_DATA_NO_FIELD,
                               "%s: layer '%s' has no column '%s' (themes "
                               "there are: %s)",
                               c->path, layer, col, avail);
            else
                st = add_theme(c, col, &cap);
        }
    } else {
        /* the order of wijkscan_indicatoren first */
        OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_indicatoren");
        int fk = l ? field_index(l, "kolom") : -1;
        OGRFeatureH f;
        if (fk >= 0) {
            OGR_L_ResetReading(l);
            while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
                const char *k = OGR_F_GetFieldAsString(f, fk);
                for (size_t i = 0; st == WS_OK && i < ncols; i++)
                    if (strcmp(cols[i], k) == 0)
                        st = add_theme(c, k, &cap);
                OGR_F_Destroy(f);
            }
        }
        for (size_t i = 0; st == WS_OK && i < ncols; i++)
            st = add_theme(c, cols[i], &cap);
    }
    ws__free(c->ctx, cols);
    return st;
}

/* Labels of the themes from wijkscan_indicatoren (or generated). */
static ws_status describe_themes(reader *rd) {
    ws_cmp *c = rd->c;
    bool nomem = false;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_indicatoren");
    int fk = l ? field_index(l, "kolom") : -1;
    if (fk >= 0) {
        int fl = field_index(l, "label"), fd = field_index(l, "definitie"),
            fn = field_index(l, "normalisatie");
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            const char *k = OGR_F_GetFieldAsString(f, fk);
            for (size_t i = 0; i < c->nthemes; i++) {
                ws_cmp_theme *t = &c->themes[i];
                if (strcmp(t->column, k) != 0 || t->label)
                    continue;
                t->label = field_str(c->ctx, f, fl, &nomem);
                t->definition = field_str(c->ctx, f, fd, &nomem);
                t->normalisation = field_str(c->ctx, f, fn, &nomem);
            }
            OGR_F_Destroy(f);
        }
    }
    for (size_t i = 0; i < c->nthemes && !nomem; i++) {
        ws_cmp_theme *t = &c->themes[i];
        if (t->label)
            continue;
        char buf[256];
        snprintf(buf, sizeof buf, "Thema %s", t->name);
        t->label = ws__strdup(c->ctx, buf);
        nomem = !t->label;
    }
    return nomem ? WS_ERR_NOMEM : WS_OK;
}

/* --- regions ----------------------------------------------------------- */

static ws_status add_gemeente(ws_cmp *c, const char *code, const char *name,
                              size_t *cap) {
    for (size_t i = 0; i < c->ngm; i++)
        if (strcmp(c->gm[i], code) == 0) {
            if (!c->gmname[i] && name &&
                !(c->gmname[i] = ws__strdup(c->ctx, name)))
                return WS_ERR_NOMEM;
            return WS_OK;
        }
    size_t cap2 = *cap;
    if (ws__reserve(c->ctx, (void **)&c->gm, cap, c->ngm + 1, sizeof *c->gm) !=
            WS_OK ||
        ws__reserve(c->ctx, (void **)&c->gmname, &cap2, c->ngm + 1,
                    sizeof *c->gmname) != WS_OK)
        return WS_ERR_NOMEM;
    c->gm[c->ngm] = ws__strdup(c->ctx, code);
    c->gmname[c->ngm] = name ? ws__strdup(c->ctx, name) : NULL;
    c->ngm++;
    return c->gm[c->ngm - 1] && (!name || c->gmname[c->ngm - 1]) ? WS_OK
                                                                 : WS_ERR_NOMEM;
}

static long gemeente_index(const ws_cmp *c, const char *code) {
    for (size_t i = 0; code && i < c->ngm; i++)
        if (strcmp(c->gm[i], code) == 0)
            return (long)i;
    return -1;
}

/* Read the regions of one layer: codes, names, woningen and per theme the
 * mark (and flag); only those of the compared gemeenten are kept. With
 * `discover`, every gemeente met is added to the comparison. */
static ws_status read_units(reader *rd, ws_level level, ws_cmp_unit **out,
                            size_t *n, size_t *cap, bool discover) {
    ws_cmp *c = rd->c;
    const char *layer = ws_level_layer_name(level);
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, layer);
    if (!l)
        return ws__error(c->ctx, WS_ERR_DATA_NO_LAYER,
                         "%s: no layer '%s' (is it a GeoPackage written by "
                         "wijkscan?)",
                         c->path, layer);
    int f_code = field_index(l, ws__level_code_col(level));
    int f_name = field_index(l, ws__level_name_col(level));
    int f_wijk = field_index(l, WS_COL_WIJKCODE);
    int f_wijkn = field_index(l, WS_COL_WIJKNAAM);
    int f_gm = field_index(l, WS_COL_GEMEENTECODE);
    int f_gmn = field_index(l, WS_COL_GEMEENTENAAM);
    int f_won = field_index(l, "woningen");
    const char *need[] = {ws__level_code_col(level), WS_COL_GEMEENTECODE,
                          "woningen"};
    int have[] = {f_code, f_gm, f_won};
    for (int i = 0; i < 3; i++)
        if (have[i] < 0)
            return ws__error(c->ctx, WS_ERR_DATA_NO_FIELD,
                             "%s: layer '%s' has no column '%s'", c->path,
                             layer, need[i]);
    size_t nt = c->nthemes;
    int *f_score = ws__calloc(c->ctx, 2 * nt + 1, sizeof *f_score);
    if (!f_score)
        return WS_ERR_NOMEM;
    ws_status st = WS_OK;
    for (size_t t = 0; t < nt; t++) {
        char flag[300];
        snprintf(flag, sizeof flag, "%s_vlag", c->themes[t].column);
        f_score[t] = field_index(l, c->themes[t].column);
        f_score[nt + t] = field_index(l, flag);
        if (f_score[t] < 0)
            st = ws__error(c->ctx, WS_ERR_DATA_NO_FIELD,
                           "%s: layer '%s' has no column '%s'", c->path, layer,
                           c->themes[t].column);
    }
    size_t gmcap = c->ngm;
    OGRFeatureH f;
    bool nomem = false;
    OGR_L_ResetReading(l);
    while (st == WS_OK && !nomem && (f = OGR_L_GetNextFeature(l)) != NULL) {
        const char *gm = OGR_F_GetFieldAsString(f, f_gm);
        if (discover && gm[0])
            st = add_gemeente(
                c, gm, f_gmn >= 0 ? OGR_F_GetFieldAsString(f, f_gmn) : NULL,
                &gmcap);
        long g = gemeente_index(c, gm);
        if (st == WS_OK && g >= 0 && !c->gmname[g] && f_gmn >= 0 &&
            OGR_F_IsFieldSetAndNotNull(f, f_gmn))
            st = add_gemeente(c, gm, OGR_F_GetFieldAsString(f, f_gmn), &gmcap);
        if (st != WS_OK || g < 0 || discover) {
            OGR_F_Destroy(f);
            continue;
        }
        if (ws__reserve(c->ctx, (void **)out, cap, *n + 1, sizeof **out) !=
            WS_OK) {
            OGR_F_Destroy(f);
            st = WS_ERR_NOMEM;
            break;
        }
        ws_cmp_unit *u = &(*out)[(*n)++];
        memset(u, 0, sizeof *u);
        u->g = (size_t)g;
        u->code = field_str(c->ctx, f, f_code, &nomem);
        u->name = field_str(c->ctx, f, f_name, &nomem);
        u->wijkcode = field_str(c->ctx, f, f_wijk, &nomem);
        u->wijknaam = field_str(c->ctx, f, f_wijkn, &nomem);
        u->gm = field_str(c->ctx, f, f_gm, &nomem);
        u->woningen = field_real(f, f_won);
        u->score = ws__malloc(c->ctx, (nt ? nt : 1) * sizeof *u->score);
        u->flag = ws__calloc(c->ctx, nt ? nt : 1, sizeof *u->flag);
        if (!u->score || !u->flag)
            nomem = true;
        for (size_t t = 0; !nomem && t < nt; t++) {
            u->score[t] = field_real(f, f_score[t]);
            u->flag[t] = field_str(c->ctx, f, f_score[nt + t], &nomem);
        }
        OGR_F_Destroy(f);
    }
    ws__free(c->ctx, f_score);
    if (nomem)
        return WS_ERR_NOMEM;
    if (st == WS_OK && ws__gdal_msg(c->ctx)[0])
        st = ws__error(c->ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                       "%s: layer '%s': reading failed: %s", c->path, layer,
                       ws__gdal_msg(c->ctx));
    return st;
}

static ws_status select_gemeenten(reader *rd, const ws_cmp_request *req) {
    ws_cmp *c = rd->c;
    size_t cap = 0;
    ws_status st = WS_OK;
    if (req->n_gemeenten == 0) {
        ws_cmp_unit *none = NULL;
        size_t n = 0, ucap = 0;
        st = read_units(rd, c->level, &none, &n, &ucap, true);
        if (st == WS_OK && c->ngm == 0)
            st = ws__error(c->ctx, WS_ERR_DATA_EMPTY,
                           "%s: layer '%s' has no gemeenten to compare",
                           c->path, ws_level_layer_name(c->level));
        /* code order; names follow their codes */
        for (size_t i = 1; st == WS_OK && i < c->ngm; i++)
            for (size_t j = i; j > 0 && strcmp(c->gm[j - 1], c->gm[j]) > 0;
                 j--) {
                char *t = c->gm[j];
                c->gm[j] = c->gm[j - 1];
                c->gm[j - 1] = t;
                t = c->gmname[j];
                c->gmname[j] = c->gmname[j - 1];
                c->gmname[j - 1] = t;
            }
        return st;
    }
    for (size_t i = 0; st == WS_OK && i < req->n_gemeenten; i++) {
        if (gemeente_index(c, req->gemeenten[i]) >= 0)
            continue;
        st = add_gemeente(c, req->gemeenten[i], NULL, &cap);
    }
    return st;
}

/* Every compared gemeente must have regions in the layer. */
static ws_status check_gemeenten(ws_cmp *c) {
    for (size_t g = 0; g < c->ngm; g++) {
        bool found = false;
        for (size_t i = 0; i < c->nunits && !found; i++)
            found = c->units[i].g == g;
        if (!found)
            return ws__error(c->ctx, WS_ERR_DATA_UNKNOWN_CODE,
                             "%s: gemeente %s is not in layer '%s'", c->path,
                             c->gm[g], ws_level_layer_name(c->level));
        if (!c->gmname[g] && !(c->gmname[g] = ws__strdup(c->ctx, c->gm[g])))
            return WS_ERR_NOMEM;
    }
    return WS_OK;
}

/* --- metadata, inputs, indicators, missing values ---------------------- */

static ws_status read_meta(reader *rd) {
    ws_cmp *c = rd->c;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_metadata");
    int fk = l ? field_index(l, "sleutel") : -1;
    int fv = l ? field_index(l, "waarde") : -1;
    ws_status st = WS_OK;
    OGRFeatureH f;
    if (fk >= 0 && fv >= 0) {
        OGR_L_ResetReading(l);
        while (st == WS_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
            if (ws__reserve(c->ctx, (void **)&c->meta, &c->capmeta,
                            c->nmeta + 1, sizeof *c->meta) != WS_OK)
                st = WS_ERR_NOMEM;
            else {
                ws_cmp_kv *kv = &c->meta[c->nmeta++];
                kv->key = ws__strdup(c->ctx, OGR_F_GetFieldAsString(f, fk));
                kv->value = ws__strdup(c->ctx, OGR_F_GetFieldAsString(f, fv));
                if (!kv->key || !kv->value)
                    st = WS_ERR_NOMEM;
            }
            OGR_F_Destroy(f);
        }
    }
    if (st != WS_OK)
        return st;
    /* production date: metadata, else the GeoPackage's own timestamps */
    const char *date = ws__cmp_meta(c, "productiedatum");
    char buf[64] = "";
    if (!date) {
        OGRLayerH sql = GDALDatasetExecuteSQL(
            rd->ds, "SELECT max(last_change) FROM gpkg_contents", NULL, NULL);
        if (sql) {
            f = OGR_L_GetNextFeature(sql);
            if (f) {
                if (OGR_F_IsFieldSetAndNotNull(f, 0))
                    snprintf(buf, sizeof buf, "%.19s",
                             OGR_F_GetFieldAsString(f, 0));
                OGR_F_Destroy(f);
            }
            GDALDatasetReleaseResultSet(rd->ds, sql);
        }
        date = buf;
    }
    if (date[0]) {
        char iso[32];
        snprintf(iso, sizeof iso, "%.19s", date);
        for (char *p = iso; *p; p++)
            if (*p == '/')
                *p = '-';
        if (strlen(iso) >= 11 && iso[10] == ' ')
            iso[10] = 'T';
        if (!(c->production_date = ws__strdup(c->ctx, iso)))
            return WS_ERR_NOMEM;
    }
    return WS_OK;
}

static ws_status read_details(reader *rd) {
    ws_cmp *c = rd->c;
    bool nomem = false;
    OGRFeatureH f;
    OGRLayerH l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_invoer");
    if (l) {
        int fr = field_index(l, "rol"), fb = field_index(l, "bestand"),
            fl = field_index(l, "laag"), fg = field_index(l, "gewijzigd"),
            fo = field_index(l, "objecten");
        OGR_L_ResetReading(l);
        while (!nomem && (f = OGR_L_GetNextFeature(l)) != NULL) {
            if (ws__reserve(c->ctx, (void **)&c->inputs, &c->capinputs,
                            c->ninputs + 1, sizeof *c->inputs) != WS_OK)
                nomem = true;
            else {
                ws_cmp_input *in = &c->inputs[c->ninputs++];
                in->rol = field_str(c->ctx, f, fr, &nomem);
                in->bestand = field_str(c->ctx, f, fb, &nomem);
                in->laag = field_str(c->ctx, f, fl, &nomem);
                in->gewijzigd = field_str(c->ctx, f, fg, &nomem);
                in->objecten = field_real(f, fo);
            }
            OGR_F_Destroy(f);
        }
    }
    l = GDALDatasetGetLayerByName(rd->ds, "wijkscan_indicatoren");
    if (l && field_index(l, "kolom") >= 0) {
        const char *names[] = {"kolom",        "thema",   "label",
                               "definitie",    "eenheid", "richting",
                               "normalisatie", "bron"};
        int fi[8];
        for (int i = 0; i < 8; i++)
            fi[i] = field_index(l, names[i]);
        int fw = field_index(l, "gewicht");
        OGR_L_ResetReading(l);
        while (!nomem && (f = OGR_L_GetNextFeature(l)) != NULL) {
            if (ws__reserve(c->ctx, (void **)&c->ind, &c->capind, c->nind + 1,
                            sizeof *c->ind) != WS_OK)
                nomem = true;
            else {
                ws_cmp_indicator *in = &c->ind[c->nind++];
                char **dst[] = {&in->kolom,        &in->thema,   &in->label,
                                &in->definitie,    &in->eenheid, &in->richting,
                                &in->normalisatie, &in->bron};
                for (int i = 0; i < 8; i++)
                    *dst[i] = field_str(c->ctx, f, fi[i], &nomem);
                in->gewicht = field_real(f, fw);
            }
            OGR_F_Destroy(f);
        }
    }
    /* missing values of the compared regions */
    l = GDALDatasetGetLayerByName(rd->ds, "ontbrekende_waarden");
    int fn = l ? field_index(l, "niveau") : -1;
    if (fn >= 0) {
        int fc = field_index(l, "code"), fk = field_index(l, "kolom"),
            fr = field_index(l, "reden"), ft = field_index(l, "toelichting");
        const char *layer = ws_level_layer_name(c->level);
        ws_hash idx;
        ws_status st = ws__hash_init(&idx, c->ctx, c->nunits, true);
        for (size_t i = 0; st == WS_OK && i < c->nunits; i++)
            if (c->units[i].code)
                st = ws__hash_put_str(&idx, c->units[i].code, i, NULL);
        OGR_L_ResetReading(l);
        while (st == WS_OK && !nomem && fc >= 0 &&
               (f = OGR_L_GetNextFeature(l)) != NULL) {
            size_t row;
            if (strcmp(OGR_F_GetFieldAsString(f, fn), layer) == 0 &&
                ws__hash_get_str(&idx, OGR_F_GetFieldAsString(f, fc), &row)) {
                if (ws__reserve(c->ctx, (void **)&c->miss, &c->capmiss,
                                c->nmiss + 1, sizeof *c->miss) != WS_OK)
                    nomem = true;
                else {
                    ws_cmp_missing *m = &c->miss[c->nmiss++];
                    m->code = field_str(c->ctx, f, fc, &nomem);
                    m->kolom = field_str(c->ctx, f, fk, &nomem);
                    m->reden = field_str(c->ctx, f, fr, &nomem);
                    m->toelichting = field_str(c->ctx, f, ft, &nomem);
                }
            }
            OGR_F_Destroy(f);
        }
        ws__hash_free(&idx);
        if (st != WS_OK)
            return st;
    }
    return nomem ? WS_ERR_NOMEM : WS_OK;
}

/* --- statistics ---------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, size_t n) {
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Pooled classes per theme over the scored regions of every compared
 * gemeente, with the options of the comparison map. */
static ws_status classify_themes(ws_cmp *c) {
    c->classes = ws__calloc(c->ctx, c->nthemes + 1, sizeof *c->classes);
    double **v = ws__calloc(c->ctx, c->ngm, sizeof *v);
    size_t *n = ws__calloc(c->ctx, c->ngm, sizeof *n);
    ws_status st = c->classes && v && n ? WS_OK : WS_ERR_NOMEM;
    for (size_t g = 0; st == WS_OK && g < c->ngm; g++)
        if (!(v[g] = ws__malloc(c->ctx, (c->nunits + 1) * sizeof **v)))
            st = WS_ERR_NOMEM;
    for (size_t t = 0; st == WS_OK && t < c->nthemes; t++) {
        for (size_t g = 0; g < c->ngm; g++)
            n[g] = 0;
        for (size_t i = 0; i < c->nunits; i++) {
            const ws_cmp_unit *u = &c->units[i];
            v[u->g][n[u->g]++] = u->score[t];
        }
        ws_map_options mo;
        ws__cmp_map_options(c, t, &mo);
        ws_classify_options co;
        ws__map_classify_options(&mo, &c->style, &co);
        st = ws_classify_pooled(c->ctx, (const double *const *)v, NULL, n,
                                c->ngm, &co, &c->classes[t]);
    }
    for (size_t g = 0; v && g < c->ngm; g++)
        ws__free(c->ctx, v[g]);
    ws__free(c->ctx, v);
    ws__free(c->ctx, n);
    return st;
}

static ws_status compute_stats(ws_cmp *c) {
    size_t ng = c->ngm + 1;
    c->stat = ws__calloc(c->ctx, c->nthemes * ng + 1, sizeof *c->stat);
    double *buf = ws__malloc(c->ctx, (c->nunits + 1) * sizeof *buf);
    if (!c->stat || !buf) {
        ws__free(c->ctx, buf);
        return WS_ERR_NOMEM;
    }
    for (size_t t = 0; t < c->nthemes; t++) {
        for (size_t g = 0; g < ng; g++) {
            ws_cmp_stat *s = &c->stat[t * ng + g];
            double sw = 0, swx = 0, wlow = 0;
            size_t k = 0;
            s->min = HUGE_VAL;
            s->max = -HUGE_VAL;
            for (size_t i = 0; i < c->nunits; i++) {
                const ws_cmp_unit *u = &c->units[i];
                if (g < c->ngm && u->g != g)
                    continue;
                double w = isnan(u->woningen) ? 0 : u->woningen;
                double x = u->score[t];
                if (isnan(x)) {
                    s->n_unscored++;
                    s->w_unscored += w;
                    continue;
                }
                s->n_scored++;
                s->w_scored += w;
                sw += w;
                swx += w * x;
                buf[k++] = x;
                s->min = fmin(s->min, x);
                s->max = fmax(s->max, x);
                if (ws_classes_find(c->classes[t], x) == 0)
                    wlow += w;
            }
            s->mean = sw > 0 ? swx / sw : NAN;
            s->median = median_of(buf, k);
            s->low_share = sw > 0 ? wlow / sw : NAN;
            if (k == 0)
                s->min = s->max = NAN;
            /* best and weakest wijk: own marks of the wijken layer */
            s->best = s->worst = -1;
            for (size_t w = 0; g < c->ngm && w < c->nwijken; w++) {
                const ws_cmp_unit *u = &c->wijken[w];
                double x = u->score[t];
                if (u->g != g || isnan(x))
                    continue;
                if (s->best < 0 || x > c->wijken[s->best].score[t] ||
                    (x == c->wijken[s->best].score[t] &&
                     strcmp(u->code, c->wijken[s->best].code) < 0))
                    s->best = (long)w;
                if (s->worst < 0 || x < c->wijken[s->worst].score[t] ||
                    (x == c->wijken[s->worst].score[t] &&
                     strcmp(u->code, c->wijken[s->worst].code) < 0))
                    s->worst = (long)w;
            }
        }
        double region = c->stat[t * ng + c->ngm].mean;
        for (size_t g = 0; g < ng; g++)
            c->stat[t * ng + g].diff = c->stat[t * ng + g].mean - region;
    }
    ws__free(c->ctx, buf);
    return WS_OK;
}

/* --- loading ------------------------------------------------------------- */

void ws__cmp_map_options(const ws_cmp *c, size_t t, ws_map_options *o) {
    *o = c->mopt;
    o->column = c->themes[t].column;
    o->gemeenten = c->gm_list;
    o->n_gemeenten = c->ngm;
    o->pool_gemeenten = c->gm_list;
    o->n_pool_gemeenten = c->ngm;
}

ws_status ws__cmp_load(ws_ctx *ctx, const ws_cmp_request *req, ws_cmp *c) {
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->path = req->gpkg_path;
    c->level = req->level;
    ws__map_style_defaults(&c->style);
    ws_map_options_init(&c->mopt);
    c->mopt.gpkg_path = req->gpkg_path;
    c->mopt.level = req->level;
    c->mopt.method = req->method;
    c->mopt.classes = req->classes;
    c->mopt.style_path = req->style_path;
    if (req->level != WS_LEVEL_BUURT && req->level != WS_LEVEL_WIJK)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "compare: the level must be buurt or wijk");
    struct stat sb;
    if (!req->gpkg_path || stat(req->gpkg_path, &sb) != 0)
        return ws__error(ctx, WS_ERR_IO_NOT_FOUND, "%s: cannot open: %s",
                         req->gpkg_path ? req->gpkg_path : "(none)",
                         "no such file");
    ws_status st = WS_OK;
    if (req->style_path)
        st = ws__map_style_load(ctx, req->style_path, &c->style);
    if (st != WS_OK)
        return st;
    ws__gdal_register();
    ws__gdal_begin(ctx);
    reader rd = {c, NULL};
    static const char *const drivers[] = {"GPKG", NULL};
    rd.ds = GDALOpenEx(req->gpkg_path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                       drivers, NULL, NULL);
    if (!rd.ds)
        st = ws__error(ctx, WS_ERR_FORMAT_NOT_SPATIAL,
                       "%s: not a GeoPackage (%s)", req->gpkg_path,
                       ws__gdal_msg(ctx)[0] ? ws__gdal_msg(ctx)
                                            : "GDAL gave no reason");
    OGRLayerH level = NULL;
    if (st == WS_OK) {
        level = GDALDatasetGetLayerByName(rd.ds, ws_level_layer_name(c->level));
        if (!level)
            st = ws__error(ctx, WS_ERR_DATA_NO_LAYER,
                           "%s: no layer '%s' (is it a GeoPackage written by "
                           "wijkscan?)",
                           req->gpkg_path, ws_level_layer_name(c->level));
    }
    if (st == WS_OK)
        st = read_themes(&rd, req, level);
    if (st == WS_OK)
        st = describe_themes(&rd);
    if (st == WS_OK)
        st = select_gemeenten(&rd, req);
    if (st == WS_OK)
        st = read_units(&rd, c->level, &c->units, &c->nunits, &c->capunits,
                        false);
    if (st == WS_OK)
        st = check_gemeenten(c);
    if (st == WS_OK)
        st = read_units(&rd, WS_LEVEL_WIJK, &c->wijken, &c->nwijken,
                        &c->capwijken, false);
    if (st == WS_OK)
        st = read_meta(&rd);
    if (st == WS_OK && req->details)
        st = read_details(&rd);
    if (rd.ds)
        GDALClose(rd.ds);
    ws__gdal_end(ctx);
    if (st == WS_OK) {
        c->gm_list = ws__calloc(ctx, c->ngm, sizeof *c->gm_list);
        if (!c->gm_list)
            st = WS_ERR_NOMEM;
        for (size_t g = 0; st == WS_OK && g < c->ngm; g++)
            c->gm_list[g] = c->gm[g];
    }
    if (st == WS_OK)
        st = classify_themes(c);
    if (st == WS_OK)
        st = compute_stats(c);
    if (st != WS_OK)
        ws__cmp_free(c);
    return ws__status_or(ctx, st);
}

static void free_units(ws_ctx *ctx, ws_cmp_unit *u, size_t n, size_t nt) {
    for (size_t i = 0; i < n; i++) {
        ws__free(ctx, u[i].code);
        ws__free(ctx, u[i].name);
        ws__free(ctx, u[i].wijkcode);
        ws__free(ctx, u[i].wijknaam);
        ws__free(ctx, u[i].gm);
        ws__free(ctx, u[i].score);
        for (size_t t = 0; u[i].flag && t < nt; t++)
            ws__free(ctx, u[i].flag[t]);
        ws__free(ctx, u[i].flag);
    }
    ws__free(ctx, u);
}

void ws__cmp_free(ws_cmp *c) {
    ws_ctx *ctx = c->ctx;
    if (!ctx)
        return;
    free_units(ctx, c->units, c->nunits, c->nthemes);
    free_units(ctx, c->wijken, c->nwijken, c->nthemes);
    for (size_t t = 0; t < c->nthemes; t++) {
        ws_cmp_theme *th = &c->themes[t];
        ws__free(ctx, th->name);
        ws__free(ctx, th->column);
        ws__free(ctx, th->label);
        ws__free(ctx, th->definition);
        ws__free(ctx, th->normalisation);
        if (c->classes)
            ws_classes_free(ctx, c->classes[t]);
    }
    ws__free(ctx, c->themes);
    ws__free(ctx, c->classes);
    for (size_t g = 0; g < c->ngm; g++) {
        ws__free(ctx, c->gm[g]);
        ws__free(ctx, c->gmname ? c->gmname[g] : NULL);
    }
    ws__free(ctx, c->gm);
    ws__free(ctx, c->gmname);
    ws__free(ctx, c->gm_list);
    ws__free(ctx, c->stat);
    for (size_t i = 0; i < c->nmeta; i++) {
        ws__free(ctx, c->meta[i].key);
        ws__free(ctx, c->meta[i].value);
    }
    ws__free(ctx, c->meta);
    for (size_t i = 0; i < c->ninputs; i++) {
        ws_cmp_input *in = &c->inputs[i];
        ws__free(ctx, in->rol);
        ws__free(ctx, in->bestand);
        ws__free(ctx, in->laag);
        ws__free(ctx, in->gewijzigd);
    }
    ws__free(ctx, c->inputs);
    for (size_t i = 0; i < c->nind; i++) {
        ws_cmp_indicator *in = &c->ind[i];
        char *s[] = {in->kolom,   in->thema,    in->label,        in->definitie,
                     in->eenheid, in->richting, in->normalisatie, in->bron};
        for (size_t k = 0; k < 8; k++)
            ws__free(ctx, s[k]);
    }
    ws__free(ctx, c->ind);
    for (size_t i = 0; i < c->nmiss; i++) {
        ws__free(ctx, c->miss[i].code);
        ws__free(ctx, c->miss[i].kolom);
        ws__free(ctx, c->miss[i].reden);
        ws__free(ctx, c->miss[i].toelichting);
    }
    ws__free(ctx, c->miss);
    ws__free(ctx, c->production_date);
    ws__map_style_free(ctx, &c->style);
    memset(c, 0, sizeof *c);
}

/* --- CSV ------------------------------------------------------------------ */

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s, bool last) {
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void csv_real(FILE *f, double v, bool last) {
    char buf[64] = "";
    if (!isnan(v))
        ws__format_double(v, buf, sizeof buf);
    csv_field(f, buf, last);
}

ws_status ws__cmp_write_csv(ws_cmp *c, const char *path) {
    ws_outfile of;
    ws_status st = ws__outfile_begin(c->ctx, NULL, path, &of);
    if (st != WS_OK)
        return st;
    FILE *f = fopen(of.tmp, "wb");
    if (!f) {
        ws__outfile_abort(&of);
        return ws__error(c->ctx, WS_ERR_IO_WRITE, "%s: cannot write", path);
    }
    static const char *const head[] = {"gemeentecode",
                                       "gemeentenaam",
                                       "thema",
                                       "niveau",
                                       "gescoord",
                                       "niet_gescoord",
                                       "woningen_gescoord",
                                       "woningen_niet_gescoord",
                                       "gemiddelde_gewogen",
                                       "mediaan",
                                       "minimum",
                                       "maximum",
                                       "laagste_klasse_tot",
                                       "aandeel_woningen_laagste_klasse",
                                       "sterkste_wijkcode",
                                       "sterkste_wijknaam",
                                       "sterkste_wijk_score",
                                       "zwakste_wijkcode",
                                       "zwakste_wijknaam",
                                       "zwakste_wijk_score",
                                       "verschil_met_regio"};
    size_t nh = sizeof head / sizeof head[0];
    for (size_t i = 0; i < nh; i++)
        csv_field(f, head[i], i + 1 == nh);
    const char *region = ws__cmp_meta(c, "regionaam");
    for (size_t t = 0; t < c->nthemes; t++)
        for (size_t g = 0; g <= c->ngm; g++) {
            const ws_cmp_stat *s = ws__cmp_stat(c, t, g);
            const ws_classes *k = c->classes[t];
            csv_field(f, g < c->ngm ? c->gm[g] : "regio", false);
            csv_field(f,
                      g < c->ngm ? c->gmname[g]
                      : region   ? region
                                 : "regio",
                      false);
            csv_field(f, c->themes[t].name, false);
            csv_field(f, ws__cmp_level_word(c->level, false), false);
            csv_real(f, (double)s->n_scored, false);
            csv_real(f, (double)s->n_unscored, false);
            csv_real(f, s->w_scored, false);
            csv_real(f, s->w_unscored, false);
            csv_real(f, s->mean, false);
            csv_real(f, s->median, false);
            csv_real(f, s->min, false);
            csv_real(f, s->max, false);
            csv_real(f, k && k->nclasses ? k->breaks[0] : NAN, false);
            csv_real(f, s->low_share, false);
            const ws_cmp_unit *b = s->best >= 0 ? &c->wijken[s->best] : NULL;
            const ws_cmp_unit *w = s->worst >= 0 ? &c->wijken[s->worst] : NULL;
            csv_field(f, b ? b->code : NULL, false);
            csv_field(f, b ? b->name : NULL, false);
            csv_real(f, b ? b->score[t] : NAN, false);
            csv_field(f, w ? w->code : NULL, false);
            csv_field(f, w ? w->name : NULL, false);
            csv_real(f, w ? w->score[t] : NAN, false);
            csv_real(f, s->diff, true);
        }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0)
        bad = true;
    if (bad) {
        ws__outfile_abort(&of);
        return ws__error(c->ctx, WS_ERR_IO_WRITE, "%s: write failed", path);
    }
    return ws__outfile_commit(c->ctx, &of);
}
