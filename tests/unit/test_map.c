/* Maps: a small GeoPackage made here (nine 1 km buurten in two gemeenten,
 * theme scores with NULLs whose reasons are in ontbrekende_waarden, a
 * wijkscan_indicatoren row, voorzieningen) rendered through the recording
 * backend and the real Cairo backend. Expected values are worked out by
 * hand from the fixture, not taken from wijkscan: the class counts, the
 * legend labels, the scale bar length, the pixel colour inside each buurt,
 * the PDF page size and text, the SVG structure. The real BOCE boundaries
 * (../shared/data/real) check that labels never overlap. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <cairo.h>
#include <cpl_conv.h>
#include <gdal.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "map/map_internal.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define REAL_BOUNDARIES                                                        \
    WS_REAL_DATA_DIR "/cbs_wijkbuurt_2023_boce_generalized.gpkg"

typedef struct fixture {
    ws_ctx *ctx;
    char dir[64];
    char gpkg[128];
    char warnings[4096];
} fixture;

static void on_log(ws_log_level level, const char *msg, void *user) {
    fixture *f = user;
    if (level == WS_LOG_WARNING) {
        size_t n = strlen(f->warnings);
        snprintf(f->warnings + n, sizeof f->warnings - n, "%s\n", msg);
    }
}

/* --- the fixture GeoPackage -------------------------------------------------
 */

#define X0 250000.0
#define Y0 540000.0
#define NB 9

static const char *const names[NB] = {
    "'t Haantje",    "Nieuw-Amsterdam", "Klazienaveen-Noord",
    "Emmen-Centrum", "Angelslo",        "Barger-Oosterveld",
    "Coevorden",     "Dalen",           "Sleen"};
/* score_gezond: seven values and two NULLs (geheim, te weinig woningen) */
static const double gezond[NB] = {5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, NAN, NAN};
static const double inclusief[NB] = {5, 5, 5, 5, 6, 6, 7, 7, 7};
static const double afstand[NB] = {120.25, 340.5,   512.75, 800.0, 1250.5,
                                   1999.0, 2400.25, 3100.0, 4800.5};

static void buurt_square(int i, double *x0, double *y0) {
    int c = i / 3, r = i % 3; /* columns: GM0114, GM0114, GM0109 */
    *x0 = X0 + c * 1000.0;
    *y0 = Y0 + r * 1000.0;
}

static void add_string_fields(OGRLayerH l, const char *const *fields) {
    for (size_t i = 0; fields[i]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i], OFTString);
        assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
}

static void add_real_fields(OGRLayerH l, const char *const *fields) {
    for (size_t i = 0; fields[i]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i], OFTReal);
        assert_int_equal(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
        OGR_Fld_Destroy(fd);
    }
}

static void table_row(OGRLayerH l, const char *const *v, int n) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    for (int i = 0; i < n; i++)
        if (v[i])
            OGR_F_SetFieldString(f, i, v[i]);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
}

static void set_real(OGRFeatureH f, const char *field, double v) {
    int i = OGR_F_GetFieldIndex(f, field);
    if (isnan(v))
        OGR_F_SetFieldNull(f, i);
    else
        OGR_F_SetFieldDouble(f, i, v);
}

static void make_gpkg(fixture *fx) {
    GDALAllRegister();
    CPLSetConfigOption("OGR_CURRENT_DATE", "2024-03-01T12:00:00Z");
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, fx->gpkg, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(rd, 28992);
    OGRLayerH l =
        GDALDatasetCreateLayer(ds, "buurten", rd, wkbMultiPolygon, NULL);
    static const char *const keys[] = {
        "buurtcode",    "buurtnaam",    "wijkcode", "wijknaam",
        "gemeentecode", "gemeentenaam", NULL};
    static const char *const reals[] = {"woningen",
                                        "score_gezond",
                                        "score_informeel",
                                        "score_inclusief",
                                        "score_vitaal",
                                        "afstand_huisarts_gemiddeld",
                                        NULL};
    add_string_fields(l, keys);
    add_real_fields(l, reals);
    for (int i = 0; i < NB; i++) {
        int c = i / 3;
        char code[16], wijk[16], wkt[256];
        const char *gm = c < 2 ? "GM0114" : "GM0109";
        snprintf(code, sizeof code, "BU%s%02d%02d", gm + 2, c + 1, i % 3 + 1);
        snprintf(wijk, sizeof wijk, "WK%s%02d", gm + 2, c + 1);
        double x0, y0;
        buurt_square(i, &x0, &y0);
        snprintf(wkt, sizeof wkt,
                 "MULTIPOLYGON(((%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f,"
                 "%.0f %.0f)))",
                 x0, y0, x0 + 1000, y0, x0 + 1000, y0 + 1000, x0, y0 + 1000, x0,
                 y0);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, code);
        OGR_F_SetFieldString(f, 1, names[i]);
        OGR_F_SetFieldString(f, 2, wijk);
        OGR_F_SetFieldString(f, 3, c == 0 ? "Wijk Noord" : "Wijk Zuid");
        OGR_F_SetFieldString(f, 4, gm);
        OGR_F_SetFieldString(f, 5, c < 2 ? "Emmen" : "Coevorden");
        set_real(f, "woningen", 100 + i);
        set_real(f, "score_gezond", gezond[i]);
        set_real(f, "score_informeel", i == 4 ? NAN : 6.0);
        set_real(f, "score_inclusief", inclusief[i]);
        set_real(f, "score_vitaal", NAN);
        set_real(f, "afstand_huisarts_gemiddeld", afstand[i]);
        OGRGeometryH g = NULL;
        char *w = wkt;
        OGR_G_CreateFromWkt(&w, rd, &g);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    /* reasons of the NULLs */
    l = GDALDatasetCreateLayer(ds, "ontbrekende_waarden", NULL, wkbNone, NULL);
    static const char *const mf[] = {"niveau", "code",        "kolom",
                                     "reden",  "toelichting", NULL};
    add_string_fields(l, mf);
    const char *rows[][5] = {
        {"buurten", "BU01090302", "score_gezond", "geheim", "geheim (CBS)"},
        {"buurten", "BU01090303", "score_gezond", "te_weinig_woningen",
         "te weinig woningen of inwoners"},
        {"buurten", "BU01140202", "score_informeel", "onvoldoende_dekking",
         "onvoldoende dekking van de indicatoren"}};
    for (size_t i = 0; i < 3; i++)
        table_row(l, rows[i], 5);
    for (int i = 0; i < NB; i++) {
        int c = i / 3;
        char code[16];
        const char *gm = c < 2 ? "GM0114" : "GM0109";
        snprintf(code, sizeof code, "BU%s%02d%02d", gm + 2, c + 1, i % 3 + 1);
        const char *r[5] = {"buurten", code, "score_vitaal",
                            "onvoldoende_dekking",
                            "onvoldoende dekking van de indicatoren"};
        table_row(l, r, 5);
    }
    /* the description of score_gezond */
    l = GDALDatasetCreateLayer(ds, "wijkscan_indicatoren", NULL, wkbNone, NULL);
    static const char *const inf[] = {"kolom",     "thema",        "label",
                                      "definitie", "eenheid",      "richting",
                                      "gewicht",   "normalisatie", NULL};
    add_string_fields(l, inf);
    const char *ind[8] = {"score_gezond",
                          "gezond",
                          "Gezonde wijk",
                          "Rapportcijfer 1 tot 10 voor de gezonde wijk",
                          "cijfer",
                          "hoger_beter",
                          "1",
                          "regio"};
    table_row(l, ind, 8);
    l = GDALDatasetCreateLayer(ds, "wijkscan_metadata", NULL, wkbNone, NULL);
    static const char *const meta[] = {"sleutel", "waarde", NULL};
    add_string_fields(l, meta);
    const char *m1[2] = {"wijkscan_versie", "0.2.0"};
    table_row(l, m1, 2);
    l = GDALDatasetCreateLayer(ds, "wijkscan_invoer", NULL, wkbNone, NULL);
    static const char *const inv[] = {"rol", "bestand", "gewijzigd", NULL};
    add_string_fields(l, inv);
    const char *i1[3] = {"buurten", "wijkenbuurten_2023_v1.gpkg",
                         "2024-01-10T00:00:00Z"};
    table_row(l, i1, 3);
    /* voorzieningen: two huisartsen, one apotheek */
    l = GDALDatasetCreateLayer(ds, "voorzieningen", rd, wkbPoint, NULL);
    static const char *const vf[] = {"categorie", NULL};
    add_string_fields(l, vf);
    const double pts[3][2] = {
        {X0 + 500, Y0 + 2500}, {X0 + 1500, Y0 + 500}, {X0 + 2500, Y0 + 1500}};
    const char *cats[3] = {"huisarts", "huisarts", "apotheek"};
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(f, 0, cats[i]);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, pts[i][0], pts[i][1]);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRDestroySpatialReference(rd);
    GDALClose(ds);
    CPLSetConfigOption("OGR_CURRENT_DATE", NULL);
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    ws_ctx_options co;
    ws_ctx_options_init(&co);
    co.log = on_log;
    co.log_user = fx;
    if (ws_ctx_new(&co, &fx->ctx) != WS_OK)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ws_map_XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->gpkg, sizeof fx->gpkg, "%s/scores.gpkg", fx->dir);
    make_gpkg(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", fx->dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(fx->dir);
    ws_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

static const char *path_in(fixture *fx, const char *name) {
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fx->dir, name);
    return buf[k];
}

static const char *write_file(fixture *fx, const char *name, const char *text) {
    const char *p = path_in(fx, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* --- recording helpers
 * -------------------------------------------------------- */

typedef struct recorded {
    ws_renderer *r;
    ws_map_style style;
    ws_map_info info;
    const ws_recording *rec;
} recorded;

static ws_status record(fixture *fx, const ws_map_options *o,
                        const char *style_yaml, recorded *out) {
    memset(out, 0, sizeof *out);
    ws__map_style_defaults(&out->style);
    if (style_yaml) {
        ws_status st = ws__map_style_parse(fx->ctx, "test-style.yaml",
                                           (const unsigned char *)style_yaml,
                                           strlen(style_yaml), &out->style);
        if (st != WS_OK)
            return st;
    }
    double w, h, dpi;
    ws__map_page_size(o, &out->style, &w, &h, &dpi);
    assert_int_equal(ws__render_record_new(fx->ctx, w, h, dpi / 72.0, &out->r),
                     WS_OK);
    ws_status st =
        ws__map_render_with(fx->ctx, o, &out->style, out->r, &out->info);
    out->rec = ws__render_recording(out->r);
    return st;
}

static void record_free(fixture *fx, recorded *r) {
    if (r->r)
        r->r->destroy(r->r);
    ws__map_style_free(fx->ctx, &r->style);
}

static void options(fixture *fx, ws_map_options *o, const char *column) {
    ws_map_options_init(o);
    o->gpkg_path = fx->gpkg;
    o->column = column;
    o->output_path = path_in(fx, "unused.png");
}

static size_t notes(const recorded *r, ws_note_kind kind, const ws_rec **out,
                    size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < r->rec->n; i++) {
        const ws_rec *e = &r->rec->items[i];
        if (e->kind == WS_REC_NOTE && e->note == kind) {
            if (n < max)
                out[n] = e;
            n++;
        }
    }
    return n;
}

static bool text_drawn(const recorded *r, const char *needle) {
    for (size_t i = 0; i < r->rec->n; i++)
        if (r->rec->items[i].kind == WS_REC_TEXT &&
            strstr(r->rec->items[i].text, needle))
            return true;
    return false;
}

/* --- legend
 * ------------------------------------------------------------------------ */

/* score_gezond: 7 values 5.0 … 8.0, quantiles with k = 3 cut after
 * ceil(7/3) = 3 and ceil(14/3) = 5 values: {5.0 5.5 6.0} {6.5 7.0}
 * {7.5 8.0}; one-decimal values, so the ranges read 5,0 – 6,0, 6,1 – 7,0,
 * 7,1 – 8,0; higher is better, so the best class comes first. */
static void legend_lists_classes_with_counts(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_gezond");
    o.classes = 3;
    recorded r;
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    const ws_rec *cls[8];
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 3);
    const char *labels[3] = {"7,1 \xe2\x80\x93 8,0", "6,1 \xe2\x80\x93 7,0",
                             "5,0 \xe2\x80\x93 6,0"};
    const double counts[3] = {2, 2, 3};
    for (int i = 0; i < 3; i++) {
        assert_string_equal(cls[i]->text, labels[i]);
        assert_double_near(cls[i]->v[1], counts[i], 0);
        assert_double_near(cls[i]->v[0], 2 - i, 0);
    }
    /* each missing reason its own entry, with the Dutch label */
    const ws_rec *miss[8];
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_MISSING, miss, 8), 2);
    assert_string_equal(miss[0]->code, "geheim");
    assert_string_equal(miss[1]->code, "te_weinig_woningen");
    assert_string_equal(miss[1]->text, "te weinig woningen of inwoners");
    assert_double_near(miss[0]->v[1], 1, 0);
    assert_double_near(miss[1]->v[1], 1, 0);
    /* never a data colour: the missing fills are hatched greys */
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 3; i++)
            assert_false(fabs(miss[j]->color.r - cls[i]->color.r) +
                             fabs(miss[j]->color.g - cls[i]->color.g) +
                             fabs(miss[j]->color.b - cls[i]->color.b) <
                         0.03);
    /* the label of wijkscan_indicatoren, the good/bad words, the date */
    assert_true(text_drawn(&r, "Gezonde wijk per buurt"));
    assert_true(text_drawn(&r, "beter"));
    assert_true(text_drawn(&r, "slechter"));
    assert_true(text_drawn(&r, "1 maart 2024"));
    assert_true(text_drawn(&r, "CBS Wijk- en Buurtkaart 2023"));
    assert_int_equal(r.info.regions, 7);
    assert_int_equal(r.info.missing, 2);
    /* every region note: class colours match the legend */
    const ws_rec *reg[16];
    assert_int_equal(notes(&r, WS_NOTE_REGION, reg, 16), NB);
    record_free(fx, &r);
}

/* Ties: 5 5 5 5 6 6 7 7 7 in 5 quantile classes gives 3 classes (equal
 * values never split); empty manual classes stay in the legend. */
static void ties_merge_and_empty_classes_stay(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_inclusief");
    o.classes = 5;
    recorded r;
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    const ws_rec *cls[8];
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 3);
    assert_true(r.info.merged);
    assert_true(text_drawn(&r, "3 van de 5 gevraagde klassen"));
    assert_double_near(cls[0]->v[1], 3, 0); /* 7 ×3, best first */
    assert_double_near(cls[1]->v[1], 2, 0);
    assert_double_near(cls[2]->v[1], 4, 0);
    record_free(fx, &r);

    double breaks[4] = {4, 5, 6.5, 10};
    options(fx, &o, "score_inclusief");
    o.breaks = breaks;
    o.n_breaks = 4;
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 4);
    /* best first: (6.5,10] 3, (5,6.5] 2, (4,5] 4, [min,4] 0 */
    assert_double_near(cls[0]->v[1], 3, 0);
    assert_double_near(cls[1]->v[1], 2, 0);
    assert_double_near(cls[2]->v[1], 4, 0);
    assert_double_near(cls[3]->v[1], 0, 0);
    record_free(fx, &r);
}

/* All values equal: one class; all missing: no class, only the reason. */
static void all_equal_and_all_missing(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_informeel");
    recorded r;
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    const ws_rec *cls[8];
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 1);
    assert_string_equal(cls[0]->text, "6,0");
    assert_double_near(cls[0]->v[1], 8, 0);
    const ws_rec *miss[8];
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_MISSING, miss, 8), 1);
    assert_string_equal(miss[0]->code, "onvoldoende_dekking");
    record_free(fx, &r);

    options(fx, &o, "score_vitaal");
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 0);
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_MISSING, miss, 8), 1);
    assert_double_near(miss[0]->v[1], NB, 0);
    assert_true(text_drawn(&r, "geen waarden om in te delen"));
    assert_int_equal(r.info.regions, 0);
    record_free(fx, &r);
}

/* Pooled over two columns: both maps get the same breaks, those of the
 * values of both columns together. */
static void pooled_classes_are_shared(void **state) {
    fixture *fx = *state;
    const char *pool[2] = {"score_gezond", "score_inclusief"};
    ws_map_options o;
    options(fx, &o, "score_gezond");
    o.pool_columns = pool;
    o.n_pool_columns = 2;
    o.classes = 4;
    recorded a, b;
    assert_int_equal(record(fx, &o, NULL, &a), WS_OK);
    o.column = "score_inclusief";
    assert_int_equal(record(fx, &o, NULL, &b), WS_OK);
    const ws_rec *ca[8], *cb[8];
    size_t na = notes(&a, WS_NOTE_LEGEND_CLASS, ca, 8);
    assert_int_equal(na, notes(&b, WS_NOTE_LEGEND_CLASS, cb, 8));
    for (size_t i = 0; i < na; i++)
        assert_string_equal(ca[i]->text, cb[i]->text);
    /* 16 pooled values: 5 5 5 5 5 5.5 6 6 6 6.5 7 7 7 7 7.5 8; quartile
     * cuts after 4, 8, 12 values snap to the runs: 5 | 5.5 6 | 6.5 7 |
     * 7.5 8 → the gezond map has 2 + 2 + 2 + 1 regions */
    ws_classes *c = NULL;
    double v1[7] = {5, 5.5, 6, 6.5, 7, 7.5, 8};
    const double *vs[2] = {v1, inclusief};
    size_t ns[2] = {7, NB};
    ws_classify_options co;
    ws_classify_options_init(&co);
    co.k = 4;
    assert_int_equal(ws_classify_pooled(fx->ctx, vs, NULL, ns, 2, &co, &c),
                     WS_OK);
    assert_int_equal(na, c->nclasses);
    ws_classes_free(fx->ctx, c);
    assert_true(text_drawn(&a, "grenzen gelijk voor alle kaarten"));
    record_free(fx, &a);
    record_free(fx, &b);
}

/* --- scale bar, labels
 * -------------------------------------------------------------- */

static const ws_rec *frame_of(const recorded *r) {
    const ws_rec *f[2];
    assert_int_equal(notes(r, WS_NOTE_MAP_FRAME, f, 2), 1);
    return f[0];
}

static void scalebar_length_matches_scale(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "afstand_huisarts_gemiddeld");
    o.dpi = 150;
    recorded r;
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    const ws_rec *fr = frame_of(&r), *sb[2];
    assert_int_equal(notes(&r, WS_NOTE_SCALEBAR, sb, 2), 1);
    double metres = sb[0]->v[0];
    /* pixels per metre of the map: frame width / world width, both axes */
    double ppm_x = fr->bw / (fr->v[2] - fr->v[0]);
    double ppm_y = fr->bh / (fr->v[3] - fr->v[1]);
    assert_double_near(ppm_x, ppm_y, 1e-9 * ppm_x);
    assert_double_near(sb[0]->bw, metres * ppm_x, 1e-6);
    /* a round length: 1, 2 or 5 × 10^k */
    double lead = metres / pow(10, floor(log10(metres)));
    assert_true(fabs(lead - 1) < 1e-9 || fabs(lead - 2) < 1e-9 ||
                fabs(lead - 5) < 1e-9);
    /* at most the style's 40 mm */
    assert_true(sb[0]->bw <= 40 / 25.4 * 150 + 1e-6);
    /* on paper the scale is round (two digits) and agrees with the frame */
    double scale = r.info.scale;
    double digits = scale / pow(10, floor(log10(scale)) - 1);
    assert_double_near(digits, nearbyint(digits), 1e-6);
    assert_double_near(ppm_x, 150 / 0.0254 / scale, 1e-6);
    assert_double_near(r.info.scalebar_m, metres, 0);
    record_free(fx, &r);
}

static bool boxes_overlap(const ws_rec *a, const ws_rec *b) {
    return a->bx < b->bx + b->bw && b->bx < a->bx + a->bw &&
           a->by < b->by + b->bh && b->by < a->by + a->bh;
}

static void check_labels(const recorded *r) {
    const ws_rec *lab[512];
    size_t n = notes(r, WS_NOTE_LABEL, lab, 512);
    assert_true(n <= 512);
    const ws_rec *fr = frame_of(r);
    for (size_t i = 0; i < n; i++) {
        assert_true(lab[i]->bx >= fr->bx && lab[i]->by >= fr->by &&
                    lab[i]->bx + lab[i]->bw <= fr->bx + fr->bw &&
                    lab[i]->by + lab[i]->bh <= fr->by + fr->bh);
        for (size_t j = i + 1; j < n; j++)
            if (boxes_overlap(lab[i], lab[j]))
                fail_msg("labels '%s' and '%s' overlap", lab[i]->text,
                         lab[j]->text);
    }
}

static void labels_inside_and_apart(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_gezond");
    recorded r;
    assert_int_equal(record(fx, &o,
                            "wijkscan_style: 1\nlabels: {regions: "
                            "buurt}\n",
                            &r),
                     WS_OK);
    check_labels(&r);
    /* UTF-8 names through Pango, and both gemeente names (capitals) */
    assert_true(text_drawn(&r, "'t Haantje"));
    assert_true(text_drawn(&r, "Klazienaveen-"));
    assert_true(text_drawn(&r, "EMMEN"));
    assert_true(text_drawn(&r, "COEVORDEN"));
    assert_true(r.info.labels_placed >= 6);
    record_free(fx, &r);
}

static size_t check_pixels(fixture *fx, ws_map_options *o, const char *png);

/* The 209 real BOCE buurten (CBS 2023, generalised) as a map GeoPackage
 * with their area as the column; options for it in *o. Skips the test when
 * the real data or ogr2ogr is missing. */
static void real_boundaries_options(fixture *fx, ws_map_options *o) {
    if (access(REAL_BOUNDARIES, R_OK) != 0) {
        print_message("%s not found; test skipped\n", REAL_BOUNDARIES);
        skip();
    }
    const char *gpkg = path_in(fx, "boce.gpkg");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "ogr2ogr -overwrite -f GPKG '%s' '%s' -nln buurten -sql "
             "\"SELECT geom, statcode AS buurtcode, statnaam AS buurtnaam, "
             "wijkcode, gemeentecode, gemeentenaam, ST_Area(geom) / 1e6 AS "
             "oppervlakte_km2 FROM buurten\" -dialect SQLite 2>/dev/null",
             gpkg, REAL_BOUNDARIES);
    if (system(cmd) != 0) {
        print_message("ogr2ogr failed; test skipped\n");
        skip();
    }
    ws_map_options_init(o);
    o->gpkg_path = gpkg;
    o->column = "oppervlakte_km2";
    o->output_path = path_in(fx, "unused.png");
}

/* The 209 real BOCE buurten: crowded labels, none overlapping; the colour
 * inside every buurt. */
static void real_boundaries_labels_never_overlap(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    real_boundaries_options(fx, &o);
    static const char *const levels[] = {"buurt", "wijk"};
    for (int i = 0; i < 2; i++) {
        char style[128];
        snprintf(style, sizeof style,
                 "wijkscan_style: 1\nlabels: {regions: %s}\n", levels[i]);
        recorded r;
        assert_int_equal(record(fx, &o, style, &r), WS_OK);
        check_labels(&r);
        print_message("%s names: %zu placed, %zu left out\n", levels[i],
                      r.info.labels_placed, r.info.labels_dropped);
        assert_true(r.info.labels_placed > 10);
        assert_int_equal(r.info.regions, 209);
        record_free(fx, &r);
    }
    /* and the colour inside every buurt of the real boundaries */
    o.dpi = 150;
    size_t n = check_pixels(fx, &o, path_in(fx, "boce.png"));
    print_message("pixel colour checked in %zu of 209 buurten\n", n);
    assert_true(n > 150);
}

/* The labels recorded, as "text@x,y" lines, for comparing two runs. */
static char *label_lines(const recorded *r, size_t *count) {
    const ws_rec *lab[512];
    size_t n = notes(r, WS_NOTE_LABEL, lab, 512);
    assert_true(n <= 512);
    size_t size = (n + 1) * 160, len = 0;
    char *out = calloc(1, size);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + len, size - len, "%s@%.3f,%.3f\n", lab[i]->text,
                         lab[i]->bx, lab[i]->by);
        assert_true(k > 0 && (size_t)k < size - len);
        len += (size_t)k;
    }
    *count = n;
    return out;
}

/* The label pre-filter (might_fit: the size and area a name needs) only
 * saves work: with it and without it (WS_MAP_LABEL_PREFILTER=NO, where
 * place() tries every name) the same names land in the same places, at a
 * small scale (all of BOCE, where most buurt and wijk names do not fit)
 * and zoomed in on one gemeente. With it, fewer names reach place(). */
static void label_prefilter_sets_the_same_labels(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    real_boundaries_options(fx, &o);
    static const char *const levels[] = {"buurt", "wijk", "gemeente"};
    static const char *const emmen[] = {"GM0114"};
    size_t tried[2] = {0, 0};
    for (int zoom = 0; zoom < 2; zoom++) {
        o.gemeenten = zoom ? emmen : NULL;
        o.n_gemeenten = zoom ? 1 : 0;
        for (int i = 0; i < 3; i++) {
            char style[128];
            snprintf(style, sizeof style,
                     "wijkscan_style: 1\nlabels: {regions: %s}\n", levels[i]);
            recorded with, without;
            assert_int_equal(record(fx, &o, style, &with), WS_OK);
            CPLSetConfigOption("WS_MAP_LABEL_PREFILTER", "NO");
            ws_status st = record(fx, &o, style, &without);
            CPLSetConfigOption("WS_MAP_LABEL_PREFILTER", NULL);
            assert_int_equal(st, WS_OK);
            size_t n1, n2;
            char *a = label_lines(&with, &n1), *b = label_lines(&without, &n2);
            print_message("%s names%s: %zu placed; %zu and %zu tried\n",
                          levels[i], zoom ? " (Emmen)" : "", n1,
                          with.info.labels_placed + with.info.labels_dropped,
                          without.info.labels_placed +
                              without.info.labels_dropped);
            assert_true(n1 > 0);
            assert_string_equal(a, b);
            assert_int_equal(with.info.labels_placed,
                             without.info.labels_placed);
            tried[0] += with.info.labels_dropped;
            tried[1] += without.info.labels_dropped;
            free(a);
            free(b);
            record_free(fx, &with);
            record_free(fx, &without);
        }
    }
    assert_true(tried[0] < tried[1]);
}

/* --- real output
 * ---------------------------------------------------------------------- */

/* Read pixel (u, v) of an ARGB32 image as r, g, b. */
static void pixel(cairo_surface_t *img, int u, int v, int *r, int *g, int *b) {
    const unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *p = px + v * stride + 4 * u;
    uint32_t argb = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    *r = (int)(argb >> 16 & 0xff);
    *g = (int)(argb >> 8 & 0xff);
    *b = (int)(argb & 0xff);
}

/* Render `o` as PNG (labels and symbols off) and check, for every region
 * with a class, the pixel at its interior point (GEOSPointOnSurface, taken
 * to the page with the frame and extent recorded for the same options)
 * against its class colour. Regions whose interior point lies within 3 px
 * of their boundary (thin slivers) are not checked. Returns the number
 * checked. */
static size_t check_pixels(fixture *fx, ws_map_options *o, const char *png) {
    const char *style = "wijkscan_style: 1\nlabels: {regions: geen}\n";
    const char *style_path = write_file(fx, "nolabels.yaml", style);
    o->style_path = style_path;
    o->output_path = png;
    ws_map_info info;
    assert_int_equal(ws_map_render(fx->ctx, o, &info), WS_OK);
    recorded r;
    assert_int_equal(record(fx, o, style, &r), WS_OK);
    const ws_rec *fr = frame_of(&r);
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img),
                     (int)lround(info.width_px));
    double ppm = fr->bw / (fr->v[2] - fr->v[0]);
    ws_map_data d;
    assert_int_equal(ws__map_data_read(fx->ctx, o, &d), WS_OK);
    GEOSContextHandle_t h = fx->ctx->geos;
    const ws_rec *reg[512];
    size_t nreg = notes(&r, WS_NOTE_REGION, reg, 512);
    assert_int_equal(nreg, d.n);
    size_t checked = 0;
    for (size_t i = 0; i < d.n; i++) {
        assert_string_equal(reg[i]->code, d.regions[i].code);
        if (reg[i]->v[0] < 0 || !d.regions[i].geom)
            continue; /* missing: grey and hatched */
        GEOSGeometry *pos = GEOSPointOnSurface_r(h, d.regions[i].geom);
        GEOSGeometry *edge = GEOSBoundary_r(h, d.regions[i].geom);
        double X, Y, dist = 0;
        assert_true(GEOSGeomGetX_r(h, pos, &X) && GEOSGeomGetY_r(h, pos, &Y));
        GEOSDistance_r(h, pos, edge, &dist);
        GEOSGeom_destroy_r(h, pos);
        GEOSGeom_destroy_r(h, edge);
        if (dist * ppm < 3)
            continue;
        int u = (int)floor(fr->bx + (X - fr->v[0]) * ppm);
        int v = (int)floor(fr->by + (fr->v[3] - Y) * ppm);
        int R, G, B;
        pixel(img, u, v, &R, &G, &B);
        int er = (int)lround(reg[i]->color.r * 255),
            eg = (int)lround(reg[i]->color.g * 255),
            eb = (int)lround(reg[i]->color.b * 255);
        if (abs(R - er) > 1 || abs(G - eg) > 1 || abs(B - eb) > 1)
            fail_msg("%s at (%d,%d): #%02x%02x%02x, class colour "
                     "#%02x%02x%02x",
                     reg[i]->code, u, v, R, G, B, er, eg, eb);
        checked++;
    }
    ws__map_data_free(&d);
    cairo_surface_destroy(img);
    record_free(fx, &r);
    return checked;
}

/* The colour at the interior point of every buurt with a value equals its
 * class colour (decoded from the PNG). */
static void png_pixels_have_class_colours(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "afstand_huisarts_gemiddeld");
    o.dpi = 96;
    const char *png = path_in(fx, "map.png");
    assert_int_equal(check_pixels(fx, &o, png), NB);
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_image_surface_get_width(img),
                     (int)lround(297 / 25.4 * 96));
    assert_int_equal(cairo_image_surface_get_height(img),
                     (int)lround(210 / 25.4 * 96));
    cairo_surface_destroy(img);
    /* the same input gives the same bytes */
    const char *again = path_in(fx, "again.png");
    o.output_path = again;
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_OK);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", png, again);
    assert_int_equal(system(cmd), 0);
}

static bool run_capture(const char *cmd, char *out, size_t size) {
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    return pclose(p) == 0;
}

static void pdf_has_page_size_and_text(void **state) {
    fixture *fx = *state;
    if (system("command -v pdfinfo >/dev/null && command -v pdftotext "
               ">/dev/null") != 0) {
        print_message("poppler-utils not installed; test skipped\n");
        skip();
    }
    ws_map_options o;
    options(fx, &o, "score_gezond");
    o.output_path = path_in(fx, "map.pdf");
    o.voorzieningen = (const char *const[]){"all"};
    o.n_voorzieningen = 1;
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_OK);
    char out[16384], cmd[512];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", o.output_path);
    assert_true(run_capture(cmd, out, sizeof out));
    assert_non_null(strstr(out, "Page size:       841.89 x 595.276 pts (A4)"));
    assert_non_null(strstr(out, "CreationDate:    Fri Mar  1 12:00:00 2024"));
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", o.output_path);
    assert_true(run_capture(cmd, out, sizeof out));
    static const char *const want[] = {"Gezonde wijk per buurt",
                                       "Coevorden en Emmen",
                                       "te weinig woningen of inwoners",
                                       "geheim (CBS)",
                                       "5,0",
                                       "Voorzieningen",
                                       "huisarts",
                                       "apotheek",
                                       "1 maart 2024"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(out, want[i]))
            fail_msg("'%s' not in the PDF text:\n%s", want[i], out);
    /* A3 portrait */
    o.page = "A3";
    o.landscape = 0;
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_OK);
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", o.output_path);
    assert_true(run_capture(cmd, out, sizeof out));
    assert_non_null(strstr(out, "841.89 x 1190.55 pts (A3)"));
}

static size_t count_elements(xmlNode *n, const char *name) {
    size_t c = 0;
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            xmlStrcmp(n->name, (const xmlChar *)name) == 0)
            c++;
        c += count_elements(n->children, name);
    }
    return c;
}

/* The score_gezond map drawn as SVG into `name` and read back. */
static xmlDoc *svg_map(fixture *fx, const char *name) {
    ws_map_options o;
    options(fx, &o, "score_gezond");
    o.output_path = path_in(fx, name);
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_OK);
    xmlDoc *doc = xmlReadFile(o.output_path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

static void svg_is_well_formed(void **state) {
    xmlDoc *doc = svg_map(*state, "map.svg");
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "svg");
    xmlChar *w = xmlGetProp(root, (const xmlChar *)"width");
    assert_non_null(w);
    assert_double_near(strtod((const char *)w, NULL), 841.889764, 1e-3);
    assert_non_null(strstr((const char *)w, "pt"));
    xmlFree(w);
    /* every buurt a path, plus glyphs, boundaries and furniture */
    assert_true(count_elements(root, "path") > NB * 2);
    xmlFreeDoc(doc);
}

/* In PDF and SVG the map's geometry lies on a 1/8 pt grid (map.c,
 * pb_grid), the rest (north arrow, legend) where it was drawn. Counted
 * over the SVG's own paths (not the glyphs in <symbol>): every buurt
 * square's fill and line has all its numbers on the grid; the rotated
 * north arrow has not. */
static bool on_grid(const char *d) {
    size_t numbers = 0;
    for (const char *c = d; *c;) {
        char *end;
        double v = strtod(c, &end);
        if (end == c) {
            c++;
            continue;
        }
        numbers++;
        if (fabs(v * 8 - nearbyint(v * 8)) > 1e-9)
            return false;
        c = end;
    }
    return numbers >= 8;
}

static void count_paths(xmlNode *n, size_t *grid, size_t *off) {
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE ||
            xmlStrcmp(n->name, (const xmlChar *)"symbol") == 0)
            continue;
        if (xmlStrcmp(n->name, (const xmlChar *)"path") == 0) {
            xmlChar *d = xmlGetProp(n, (const xmlChar *)"d");
            if (d)
                (*(on_grid((const char *)d) ? grid : off))++;
            xmlFree(d);
        }
        count_paths(n->children, grid, off);
    }
}

static void svg_map_geometry_on_an_eighth_point_grid(void **state) {
    xmlDoc *doc = svg_map(*state, "grid.svg");
    size_t grid = 0, off = 0;
    count_paths(xmlDocGetRootElement(doc), &grid, &off);
    xmlFreeDoc(doc);
    assert_true(grid >= NB); /* the buurt fills, at least */
    assert_true(off > 0);    /* the north arrow, at least */
}

/* --- errors, styles
 * ------------------------------------------------------------------- */

static void errors_name_the_problem(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_onbekend");
    o.output_path = path_in(fx, "x.png");
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_ERR_DATA_NO_FIELD);
    assert_msg_contains(fx->ctx, "no column 'score_onbekend'");
    assert_msg_contains(fx->ctx, "afstand_huisarts_gemiddeld");
    ws_ctx_clear_error(fx->ctx);
    options(fx, &o, "score_gezond");
    const char *gm[1] = {"GM9999"};
    o.gemeenten = gm;
    o.n_gemeenten = 1;
    o.output_path = path_in(fx, "x.png");
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL),
                     WS_ERR_DATA_UNKNOWN_CODE);
    assert_msg_contains(fx->ctx, "GM9999");
    ws_ctx_clear_error(fx->ctx);
    options(fx, &o, "score_gezond");
    o.output_path = path_in(fx, "x.jpg");
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_ERR_INVALID_ARG);
    ws_ctx_clear_error(fx->ctx);
    o.output_path = fx->gpkg; /* never overwrite the input */
    o.format = WS_MAP_FORMAT_PNG;
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_ERR_IO_WRITE);
    ws_ctx_clear_error(fx->ctx);
    o.format = WS_MAP_FORMAT_AUTO;
    o.output_path = "/nonexistent-dir/x.png";
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_ERR_IO_WRITE);
    ws_ctx_clear_error(fx->ctx);
    o.output_path = path_in(fx, "x.png");
    o.level = WS_LEVEL_WIJK; /* the fixture has no wijken layer */
    assert_int_equal(ws_map_render(fx->ctx, &o, NULL), WS_ERR_DATA_NO_LAYER);
    ws_ctx_clear_error(fx->ctx);
    /* nothing left behind */
    assert_int_equal(access(path_in(fx, "x.png"), F_OK), -1);
}

static void style_errors_have_positions(void **state) {
    fixture *fx = *state;
    ws_map_style s;
    const char *bad_key = "wijkscan_style: 1\nlegend:\n  widht: 60\n";
    assert_int_equal(ws__map_style_parse(fx->ctx, "s.yaml",
                                         (const unsigned char *)bad_key,
                                         strlen(bad_key), &s),
                     WS_ERR_FORMAT);
    assert_msg_starts(fx->ctx, "s.yaml:3:3: unknown key 'widht' (did you "
                               "mean 'width'?)");
    ws_ctx_clear_error(fx->ctx);
    const char *bad_colour =
        "wijkscan_style: 1\nboundaries:\n  wijk: {color: blue, width: 1}\n";
    assert_int_equal(ws__map_style_parse(fx->ctx, "s.yaml",
                                         (const unsigned char *)bad_colour,
                                         strlen(bad_colour), &s),
                     WS_ERR_FORMAT);
    assert_msg_starts(fx->ctx, "s.yaml:3:17: 'color' must be a colour");
    ws_ctx_clear_error(fx->ctx);
    const char *bad_palette = "wijkscan_style: 1\npalette:\n  sequential: "
                              "Viridis\n";
    assert_int_equal(ws__map_style_parse(fx->ctx, "s.yaml",
                                         (const unsigned char *)bad_palette,
                                         strlen(bad_palette), &s),
                     WS_ERR_FORMAT);
    assert_msg_starts(fx->ctx, "s.yaml:3:15: 'Viridis' is not a ColorBrewer "
                               "sequential scheme");
    ws_ctx_clear_error(fx->ctx);
    const char *syntax = "wijkscan_style: 1\npage: {size: A4\n";
    assert_int_equal(ws__map_style_parse(fx->ctx, "s.yaml",
                                         (const unsigned char *)syntax,
                                         strlen(syntax), &s),
                     WS_ERR_FORMAT_YAML);
    assert_msg_starts(fx->ctx, "s.yaml:3:1: YAML syntax error");
    ws_ctx_clear_error(fx->ctx);
    /* through the public check, with a file */
    const char *path = write_file(fx, "bad.yaml", "wijkscan_style: 2\n");
    assert_int_equal(ws_map_style_check(fx->ctx, path), WS_ERR_FORMAT);
    assert_msg_contains(fx->ctx, "bad.yaml:1:17: style format version '2'");
    ws_ctx_clear_error(fx->ctx);
    /* the shipped styles are valid */
    static const char *const shipped[] = {"default", "a4_staand",
                                          "presentatie"};
    for (size_t i = 0; i < 3; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/styles/%s.yaml", WS_SOURCE_DIR, shipped[i]);
        assert_int_equal(ws_map_style_check(fx->ctx, p), WS_OK);
    }
}

/* default.yaml states the built-in defaults. */
static void default_style_file_equals_builtin(void **state) {
    fixture *fx = *state;
    ws_map_style a, b;
    ws__map_style_defaults(&a);
    assert_int_equal(
        ws__map_style_load(fx->ctx, WS_SOURCE_DIR "/styles/default.yaml", &b),
        WS_OK);
    assert_double_near(a.legend_width_mm, b.legend_width_mm, 0);
    assert_double_near(a.margin_mm, b.margin_mm, 0);
    assert_double_near(a.dpi, b.dpi, 0);
    assert_int_equal(a.classes, b.classes);
    assert_int_equal(a.method, b.method);
    assert_string_equal(a.palette_sequential, b.palette_sequential);
    assert_string_equal(a.palette_diverging, b.palette_diverging);
    assert_int_equal(a.nmissing, b.nmissing);
    for (int i = 0; i < 3; i++) {
        assert_double_near(a.line[i].stroke_width, b.line[i].stroke_width, 0);
        assert_double_near(a.line[i].stroke_color.a, b.line[i].stroke_color.a,
                           0.003);
    }
    assert_double_near(a.label_font.size, b.label_font.size, 0);
    assert_double_near(a.title_font.size, b.title_font.size, 0);
    ws__map_style_free(fx->ctx, &b);
}

static void unsafe_palette_warns(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_inclusief");
    o.method = WS_CLASS_MANUAL;
    double breaks[7] = {4.9, 5, 5.5, 6, 6.5, 7, 8};
    o.breaks = breaks;
    o.n_breaks = 7;
    recorded r;
    fx->warnings[0] = '\0';
    assert_int_equal(record(fx, &o,
                            "wijkscan_style: 1\npalette: {diverging: "
                            "RdYlGn}\n",
                            &r),
                     WS_OK);
    assert_non_null(strstr(fx->warnings, "RdYlGn with 7 classes is not "
                                         "colour-blind safe"));
    record_free(fx, &r);
    fx->warnings[0] = '\0';
    assert_int_equal(record(fx, &o, NULL, &r), WS_OK);
    assert_null(strstr(fx->warnings, "colour-blind"));
    record_free(fx, &r);
}

/* A diverging scheme centred on a midpoint: with 5,0–6,0 | 6,1–7,0 |
 * 7,1–8,0 and midpoint 6.5 the middle class holds it and is neutral; with
 * midpoint 4 every class lies above it and takes the upper half of a
 * 6-colour scheme. */
static void diverging_midpoint(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_gezond");
    o.classes = 3;
    recorded r;
    assert_int_equal(
        record(fx, &o, "wijkscan_style: 1\npalette: {midpoint: 6.5}\n", &r),
        WS_OK);
    const ws_rec *cls[8];
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 3);
    /* best first: PuOr-3 purple, white, orange */
    assert_double_near(cls[0]->color.r * 255, 153, 1e-9);
    assert_double_near(cls[1]->color.r * 255, 247, 1e-9);
    assert_double_near(cls[2]->color.r * 255, 241, 1e-9);
    record_free(fx, &r);
    assert_int_equal(
        record(fx, &o, "wijkscan_style: 1\npalette: {midpoint: 4}\n", &r),
        WS_OK);
    assert_int_equal(notes(&r, WS_NOTE_LEGEND_CLASS, cls, 8), 3);
    /* PuOr-6 colours 4, 5, 6: (216,218,235) (153,142,195) (84,39,136) */
    assert_double_near(cls[2]->color.r * 255, 216, 1e-9);
    assert_double_near(cls[1]->color.r * 255, 153, 1e-9);
    assert_double_near(cls[0]->color.r * 255, 84, 1e-9);
    record_free(fx, &r);
}

/* Every ColorBrewer scheme: k colours for k = 3..9, the published ends. */
static void palettes(void **state) {
    (void)state;
    ws_rgba c[9];
    const ws_palette_info *p = ws__palette_find("ylgnbu");
    assert_non_null(p);
    assert_true(ws__palette_colors(p, 9, c));
    assert_double_near(c[0].r * 255, 255, 1e-9);
    assert_double_near(c[0].b * 255, 217, 1e-9);
    assert_double_near(c[8].g * 255, 29, 1e-9);
    p = ws__palette_find("PuOr");
    assert_true(ws__palette_colors(p, 5, c));
    assert_double_near(c[0].r * 255, 230, 1e-9); /* #e66101 */
    assert_double_near(c[4].b * 255, 153, 1e-9); /* #5e3c99 */
    assert_int_equal(ws__palette_blind(p, 9), 1);
    assert_int_equal(ws__palette_blind(ws__palette_find("RdYlGn"), 5), 2);
    assert_int_equal(ws__palette_blind(ws__palette_find("RdYlGn"), 6), 0);
    assert_null(ws__palette_find("Viridis"));
    /* every scheme has k strictly different colours for every k */
    for (size_t i = 0; i < ws__palette_count(); i++) {
        const ws_palette_info *s = ws__palette_at(i);
        for (size_t k = s->min_k; k <= s->max_k; k++) {
            assert_true(ws__palette_colors(s, k, c));
            for (size_t a = 0; a + 1 < k; a++)
                assert_false(c[a].r == c[a + 1].r && c[a].g == c[a + 1].g &&
                             c[a].b == c[a + 1].b);
        }
    }
}

/* Dutch number format. */
static void numbers(void **state) {
    (void)state;
    char b[64];
    ws__map_format_number(1234.5, 1, b, sizeof b);
    assert_string_equal(b, "1.234,5");
    ws__map_format_number(1234567, 0, b, sizeof b);
    assert_string_equal(b, "1.234.567");
    ws__map_format_number(-0.25, 2, b, sizeof b);
    assert_string_equal(b, "\xe2\x88\x92"
                           "0,25");
    ws__map_format_number(999.96, 1, b, sizeof b);
    assert_string_equal(b, "1.000,0");
    assert_double_near(ws__map_nice_length(4300), 2000, 0);
    assert_double_near(ws__map_nice_length(5000), 5000, 0);
    assert_double_near(ws__map_nice_length(999), 500, 0);
}

/* The north arrow's turn from grid north to true north. Expected values
 * worked out with cs2cs (PROJ's EPSG:28992 to EPSG:4326 and back, through
 * the datum shift): take the point's latitude and longitude, move 0.001°
 * north, project back and take the direction of that step. Near Emmen true
 * north is 1.12° west of grid north, near Breda 0.62° east, at Amersfoort
 * (the projection's centre) the two agree. */
static void north_arrow_points_to_true_north(void **state) {
    (void)state;
    assert_double_near(ws__map_true_north(250000, 540000), -1.1186, 0.002);
    assert_double_near(ws__map_true_north(100000, 400000), 0.6242, 0.002);
    assert_double_near(ws__map_true_north(155000, 463000), 0, 0.002);
}

/* A project's maps: paths, theme columns, errors at file:line:column. */
/* REGRESSION (was a bug): the page simplification kept a point only when
 * it was off the line from the last kept point to the very next one; with
 * vertices much closer together than 0.15 pt (a detailed boundary on a
 * national map) no point was ever kept, every ring collapsed and the map
 * showed no fills. Here the buurt squares get a vertex every 0.1 % of
 * their side and are drawn 400 × 300 px: the pixel at each buurt's
 * point-on-surface must still have its class colour. */
static void dense_boundaries_keep_their_fills(void **state) {
    fixture *fx = *state;
    GDALDatasetH ds =
        GDALOpenEx(fx->gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "buurten");
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    size_t dense = 0;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGREnvelope e;
        OGR_G_GetEnvelope(g, &e);
        OGR_G_Segmentize(g, (e.MaxX - e.MinX) / 1000);
        dense += OGR_G_GetGeometryType(g) != wkbNone;
        assert_int_equal(OGR_F_SetGeometryDirectly(f, g), OGRERR_NONE);
        assert_int_equal(OGR_L_SetFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_int_equal(dense, NB);
    ws_map_options o;
    options(fx, &o, "afstand_huisarts_gemiddeld");
    o.width_px = 400;
    o.height_px = 300;
    assert_int_equal(check_pixels(fx, &o, path_in(fx, "dense.png")), NB);
}

/* --- maps on one context ---------------------------------------------- */

static void same_item(const ws_rec *x, const ws_rec *y) {
    assert_int_equal(x->kind, y->kind);
    assert_int_equal(x->npoints, y->npoints);
    assert_int_equal(x->closed, y->closed);
    assert_true(x->bx == y->bx && x->by == y->by && x->bw == y->bw &&
                x->bh == y->bh);
    assert_int_equal(!x->text, !y->text);
    if (x->text)
        assert_string_equal(x->text, y->text);
    assert_int_equal(!x->code, !y->code);
    if (x->code)
        assert_string_equal(x->code, y->code);
    assert_int_equal(x->note, y->note);
    for (int k = 0; k < 4; k++)
        assert_true(x->v[k] == y->v[k] || (isnan(x->v[k]) && isnan(y->v[k])));
    assert_true(x->paint.fill == y->paint.fill &&
                x->paint.stroke == y->paint.stroke &&
                x->paint.stroke_width == y->paint.stroke_width &&
                x->paint.fill_color.r == y->paint.fill_color.r &&
                x->paint.fill_color.g == y->paint.fill_color.g &&
                x->paint.fill_color.b == y->paint.fill_color.b);
}

static void same_recording(const recorded *a, const recorded *b) {
    assert_int_equal(a->rec->n, b->rec->n);
    assert_int_equal(a->rec->pages, b->rec->pages);
    for (size_t i = 0; i < a->rec->n; i++)
        same_item(&a->rec->items[i], &b->rec->items[i]);
}

/* Draw o on a context of its own and compare with `a`. */
static void same_as_fresh(fixture *fx, const ws_map_options *o,
                          const recorded *a) {
    fixture fresh = *fx;
    fresh.ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &fresh.ctx), WS_OK);
    recorded b;
    assert_int_equal(record(&fresh, o, NULL, &b), WS_OK);
    same_recording(a, &b);
    record_free(&fresh, &b);
    ws_ctx_free(fresh.ctx);
}

/* Maps drawn one after another on one context reuse the regions, their
 * geometry and the dissolved outlines (ws__map_data_cached); each map must
 * be exactly what a fresh context draws: other columns, pooled classes,
 * another selection, the first column again. A GeoPackage changed in between
 * is read anew (a buurt deleted: one region fewer). */
static void maps_on_one_context_reuse_data(void **state) {
    fixture *fx = *state;
    static const char *const pool[] = {"score_gezond", "score_inclusief"};
    static const char *const gm[] = {"GM0114"};
    const char *cols[] = {"score_gezond", "afstand_huisarts_gemiddeld",
                          "score_inclusief", "woningen", "score_gezond"};
    for (size_t i = 0; i < 5; i++) {
        ws_map_options o;
        options(fx, &o, cols[i]);
        if (i == 2) {
            o.pool_columns = pool;
            o.n_pool_columns = 2;
        }
        if (i == 3) { /* another selection: the data is read anew */
            o.gemeenten = gm;
            o.n_gemeenten = 1;
        }
        recorded a;
        assert_int_equal(record(fx, &o, NULL, &a), WS_OK);
        same_as_fresh(fx, &o, &a);
        record_free(fx, &a);
    }
    ws_map_options o;
    options(fx, &o, "score_gezond");
    recorded a;
    assert_int_equal(record(fx, &o, NULL, &a), WS_OK);
    size_t before = a.info.regions + a.info.missing;
    record_free(fx, &a);
    sleep(1); /* a new modification time even on coarse clocks */
    GDALDatasetH ds =
        GDALOpenEx(fx->gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "buurten");
    OGR_L_ResetReading(l);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_non_null(f);
    assert_int_equal(OGR_L_DeleteFeature(l, OGR_F_GetFID(f)), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
    assert_int_equal(record(fx, &o, NULL, &a), WS_OK);
    assert_int_equal(a.info.regions + a.info.missing, before - 1);
    same_as_fresh(fx, &o, &a);
    record_free(fx, &a);
}

/* --- pages of one document ------------------------------------------- */

static ws_status (*record_group_paint)(ws_renderer *r, void *group);
static int group_paints;

static ws_status counting_group_paint(ws_renderer *r, void *group) {
    group_paints++;
    return record_group_paint(r, group);
}

/* The pages of a multi-page map draw what lies over the fills (lines,
 * symbols, labels) once and repeat it (ws_map_overlay); every page must
 * still be exactly the single map of its column, legend counts of the
 * voorzieningen included. */
static void pages_repeat_the_overlay(void **state) {
    fixture *fx = *state;
    const char *cols[] = {"score_gezond", "score_inclusief",
                          "afstand_huisarts_gemiddeld"};
    ws_map_options o;
    options(fx, &o, cols[0]);
    o.more_columns = cols + 1;
    o.n_more_columns = 2;
    o.voorzieningen = (const char *const[]){"all"};
    o.n_voorzieningen = 1;
    recorded all;
    memset(&all, 0, sizeof all);
    ws__map_style_defaults(&all.style);
    double w, h, dpi;
    ws__map_page_size(&o, &all.style, &w, &h, &dpi);
    assert_int_equal(ws__render_record_new(fx->ctx, w, h, dpi / 72.0, &all.r),
                     WS_OK);
    record_group_paint = all.r->group_paint;
    all.r->group_paint = counting_group_paint;
    group_paints = 0;
    assert_int_equal(
        ws__map_render_pages(fx->ctx, &o, &all.style, all.r, &all.info), WS_OK);
    all.rec = ws__render_recording(all.r);
    assert_int_equal(all.rec->pages, 3);
    assert_int_equal(all.info.pages, 3);
    assert_int_equal(group_paints, 2); /* pages 2 and 3 repeat page 1's */
    for (size_t page = 0; page < 3; page++) {
        ws_map_options one = o;
        one.column = cols[page];
        one.more_columns = NULL;
        one.n_more_columns = 0;
        recorded single;
        assert_int_equal(record(fx, &one, NULL, &single), WS_OK);
        size_t k = 0, symbols = 0;
        for (size_t i = 0; i < all.rec->n; i++) {
            const ws_rec *x = &all.rec->items[i];
            if (x->page != page)
                continue;
            assert_true(k < single.rec->n);
            same_item(x, &single.rec->items[k++]);
            symbols += x->kind == WS_REC_NOTE &&
                       x->note == WS_NOTE_LEGEND_SYMBOL && x->v[1] > 0;
        }
        assert_int_equal(k, single.rec->n);
        assert_true(symbols > 0); /* the counts came along */
        record_free(fx, &single);
    }
    record_free(fx, &all);
}

/* --- outlines from a wijkscan GeoPackage's own layers ------------------- */

/* The line of the wijken: the open path drawn with the wijk line width. */
static const ws_rec *wijk_lines(const recorded *r) {
    for (size_t i = 0; i < r->rec->n; i++) {
        const ws_rec *e = &r->rec->items[i];
        if (e->kind == WS_REC_PATH && !e->closed && e->paint.stroke &&
            e->paint.stroke_width == r->style.line[1].stroke_width)
            return e;
    }
    return NULL;
}

static void exec_sql(const char *gpkg, const char *sql) {
    GDALDatasetH ds =
        GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    GDALClose(ds);
}

/* A wijkscan GeoPackage's wijken are the unions of its buurten, so a map
 * takes the wijk outlines from that layer instead of dissolving again; a
 * CBS file's wijken are generalised apart from its buurten and must not be
 * used. Seen through a wijk polygon that is deliberately not the union
 * (500 m larger all round): only in a file with wijkscan_versie does the
 * map draw it. */
static void outlines_from_wijkscan_layers(void **state) {
    fixture *fx = *state;
    ws_map_options o;
    options(fx, &o, "score_gezond");
    recorded plain;
    assert_int_equal(record(fx, &o, NULL, &plain), WS_OK);
    const ws_rec *dissolved = wijk_lines(&plain);
    assert_non_null(dissolved);
    GDALDatasetH ds =
        GDALOpenEx(fx->gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(rd, 28992);
    OGRLayerH l =
        GDALDatasetCreateLayer(ds, "wijken", rd, wkbMultiPolygon, NULL);
    static const char *const keys[] = {"wijkcode", NULL};
    add_string_fields(l, keys);
    char wkt[256];
    snprintf(wkt, sizeof wkt,
             "MULTIPOLYGON(((%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f "
             "%.0f)))",
             X0 - 500, Y0 - 500, X0 + 1500, Y0 - 500, X0 + 1500, Y0 + 3500,
             X0 - 500, Y0 + 3500, X0 - 500, Y0 - 500);
    OGRGeometryH g = NULL;
    char *w = wkt;
    assert_int_equal(OGR_G_CreateFromWkt(&w, rd, &g), OGRERR_NONE);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "WK011401");
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRDestroySpatialReference(rd);
    GDALClose(ds);
    recorded layer;
    assert_int_equal(record(fx, &o, NULL, &layer), WS_OK);
    const ws_rec *taken = wijk_lines(&layer);
    assert_non_null(taken);
    /* the 500 m margin, at the map's scale (the frame is fitted anew) */
    assert_true(taken->bx < dissolved->bx - 1 || taken->bw > dissolved->bw + 2);
    /* not a wijkscan file: the outlines are dissolved from the buurten */
    exec_sql(fx->gpkg, "UPDATE wijkscan_metadata SET sleutel = 'iets_anders' "
                       "WHERE sleutel = 'wijkscan_versie'");
    recorded cbs;
    assert_int_equal(record(fx, &o, NULL, &cbs), WS_OK);
    const ws_rec *again = wijk_lines(&cbs);
    assert_non_null(again);
    assert_true(again->bx == dissolved->bx && again->by == dissolved->by &&
                again->bw == dissolved->bw && again->bh == dissolved->bh &&
                again->npoints == dissolved->npoints);
    record_free(fx, &plain);
    record_free(fx, &layer);
    record_free(fx, &cbs);
}

static void project_maps(void **state) {
    fixture *fx = *state;
    const char *yaml = "wijkscan: 1\n"
                       "inputs: {bag: b.gpkg, buurten: w.gpkg}\n"
                       "output: {dir: out, gpkg: x.gpkg}\n"
                       "maps:\n"
                       "  - theme: gezond\n"
                       "    output: gezond.png\n"
                       "    gemeenten: [GM0114]\n"
                       "    classes: 4\n"
                       "  - column: afstand_huisarts_gemiddeld\n"
                       "    level: wijk\n"
                       "    style: a4_staand\n"
                       "    output: afstand.pdf\n"
                       "    breaks: [500, 1000, 2000]\n";
    ws_project *p = NULL;
    assert_int_equal(ws__project_parse(fx->ctx, "p.yaml", "/proj",
                                       (const unsigned char *)yaml,
                                       strlen(yaml), "/data/layers", &p),
                     WS_OK);
    assert_int_equal(ws_project_map_count(p), 2);
    const ws_map_options *m = ws_project_map(p, 0);
    assert_string_equal(m->column, "score_gezond");
    assert_string_equal(m->output_path, "/proj/out/gezond.png");
    assert_string_equal(m->gpkg_path, "/proj/out/x.gpkg");
    assert_int_equal(m->n_gemeenten, 1);
    assert_int_equal(m->classes, 4);
    m = ws_project_map(p, 1);
    assert_int_equal(m->level, WS_LEVEL_WIJK);
    assert_string_equal(m->style_path, "/data/styles/a4_staand.yaml");
    assert_int_equal(m->n_breaks, 3);
    assert_int_equal(m->method, WS_CLASS_MANUAL);
    assert_int_equal(ws_project_set_output_dir(fx->ctx, p, "/elders"), WS_OK);
    assert_string_equal(ws_project_map(p, 1)->output_path,
                        "/elders/afstand.pdf");
    assert_null(ws_project_map(p, 2));
    ws_project_free(p);
    const char *bad = "wijkscan: 1\n"
                      "inputs: {bag: b.gpkg, buurten: w.gpkg}\n"
                      "maps:\n"
                      "  - theme: gezond\n"
                      "    outptu: gezond.png\n";
    assert_int_equal(ws__project_parse(fx->ctx, "p.yaml", "/proj",
                                       (const unsigned char *)bad, strlen(bad),
                                       "/data/layers", &p),
                     WS_ERR_FORMAT);
    assert_msg_starts(fx->ctx, "p.yaml:5:5: unknown key 'outptu' (did you "
                               "mean 'output'?)");
    ws_ctx_clear_error(fx->ctx);
    const char *ext = "wijkscan: 1\n"
                      "inputs: {bag: b.gpkg, buurten: w.gpkg}\n"
                      "maps:\n"
                      "  - theme: gezond\n"
                      "    output: gezond.jpg\n";
    assert_int_equal(ws__project_parse(fx->ctx, "p.yaml", "/proj",
                                       (const unsigned char *)ext, strlen(ext),
                                       "/data/layers", &p),
                     WS_ERR_FORMAT);
    assert_msg_starts(fx->ctx, "p.yaml:5:13: map output 'gezond.jpg'");
    ws_ctx_clear_error(fx->ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(maps_on_one_context_reuse_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pages_repeat_the_overlay, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(outlines_from_wijkscan_layers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dense_boundaries_keep_their_fills,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(legend_lists_classes_with_counts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(ties_merge_and_empty_classes_stay,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(all_equal_and_all_missing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pooled_classes_are_shared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(scalebar_length_matches_scale, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(labels_inside_and_apart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(label_prefilter_sets_the_same_labels,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(real_boundaries_labels_never_overlap,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(png_pixels_have_class_colours, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pdf_has_page_size_and_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(svg_is_well_formed, setup, teardown),
        cmocka_unit_test_setup_teardown(
            svg_map_geometry_on_an_eighth_point_grid, setup, teardown),
        cmocka_unit_test_setup_teardown(errors_name_the_problem, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(style_errors_have_positions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(default_style_file_equals_builtin,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(unsafe_palette_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(diverging_midpoint, setup, teardown),
        cmocka_unit_test(palettes),
        cmocka_unit_test(numbers),
        cmocka_unit_test(north_arrow_points_to_true_north),
        cmocka_unit_test_setup_teardown(project_maps, setup, teardown),
    };
    int rc = cmocka_run_group_tests_name("map", tests, NULL, NULL);
    xmlCleanupParser();
    ws_map_release_fonts();
    return rc;
}
