/* Unit tests for the input layer definitions (src/config/layerdef.c): every
 * file in layers/ loads with its kind, the BAG and WFS definitions in detail,
 * the rename rules, and broken definitions that must fail with WS_ERR_FORMAT
 * and "file:line:col". Positions are counted by hand (1-based; the column of
 * a value is 1 + the characters before it on its line). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_test.h"

#include "config/config_internal.h"
#include "wijkscan/context.h"

/* --- fixture: a context and a scratch directory ----------------------- */

typedef ws_test_dir fixture;
#define setup ws_test_setup_dir
#define teardown ws_test_teardown_dir
#define write_file ws_test_write

static void assert_list(const ws_strlist *l, const char *const *expected) {
    size_t n = 0;
    while (expected[n])
        n++;
    assert_int_equal(l->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l->v[i], expected[i]);
    assert_null(l->v[n]);
}

static const ws_layerdef *find_def(const ws_layerdefs *defs, const char *file) {
    for (size_t i = 0; i < defs->n; i++)
        if (strcmp(ws__basename(defs->defs[i]->path), file) == 0)
            return defs->defs[i];
    return NULL;
}

/* --- the shipped definitions -------------------------------------------- */

static void test_all_shipped_definitions_load(void **state) {
    fixture *fx = *state;
    ws_layerdefs defs;
    assert_int_equal(
        ws__layerdefs_load_dir(fx->ctx, WS_SOURCE_DIR "/layers", &defs), WS_OK);
    static const struct {
        const char *file;
        ws_defkind kind;
    } expected[] = {
        {"bag_light.yaml", WS_DEF_BAG_VBO},
        {"bag_lvbag.yaml", WS_DEF_BAG_VBO},
        {"cbs_gebiedsindelingen.yaml", WS_DEF_CBS_REGIONS},
        {"cbs_kerncijfers_statline.yaml", WS_DEF_KERNCIJFERS},
        {"cbs_kwb_csv.yaml", WS_DEF_KERNCIJFERS},
        {"cbs_wfs_kerncijfers.yaml", WS_DEF_KERNCIJFERS},
        {"cbs_wijkbuurtkaart.yaml", WS_DEF_CBS_REGIONS},
        {"cbs_wijkbuurtkaart_wfs.yaml", WS_DEF_CBS_REGIONS},
        {"osm_voorzieningen.yaml", WS_DEF_VOORZIENINGEN_OSM},
        {"voorzieningen.yaml", WS_DEF_VOORZIENINGEN},
    };
    size_t n_expected = sizeof expected / sizeof expected[0];
    /* more files may be added later; these must all be there */
    assert_true(defs.n >= n_expected);
    for (size_t i = 0; i < n_expected; i++) {
        const ws_layerdef *d = find_def(&defs, expected[i].file);
        if (!d)
            fail_msg("layers/%s was not loaded", expected[i].file);
        if (d->kind != expected[i].kind)
            fail_msg("layers/%s: kind %s, expected %s", expected[i].file,
                     ws__defkind_name(d->kind),
                     ws__defkind_name(expected[i].kind));
        assert_non_null(d->title);
        assert_non_null(d->doc);
    }
    /* sorted by file name */
    for (size_t i = 1; i < defs.n; i++)
        assert_true(strcmp(ws__basename(defs.defs[i - 1]->path),
                           ws__basename(defs.defs[i]->path)) < 0);
    /* every definition but the OSM one must say how to recognise it */
    for (size_t i = 0; i < defs.n; i++)
        if (defs.defs[i]->kind != WS_DEF_VOORZIENINGEN_OSM)
            assert_true(defs.defs[i]->match.n > 0);
    assert_int_equal(ws_ctx_status(fx->ctx), WS_OK);
    ws__layerdefs_free(fx->ctx, &defs);
    assert_int_equal(defs.n, 0);
    assert_null(defs.defs);
}

static void test_defkind_names(void **state) {
    (void)state;
    assert_string_equal(ws__defkind_name(WS_DEF_BAG_VBO),
                        "bag_verblijfsobject");
    assert_string_equal(ws__defkind_name(WS_DEF_CBS_REGIONS), "cbs_regions");
    assert_string_equal(ws__defkind_name(WS_DEF_KERNCIJFERS),
                        "cbs_kerncijfers");
    assert_string_equal(ws__defkind_name(WS_DEF_VOORZIENINGEN),
                        "voorzieningen");
    assert_string_equal(ws__defkind_name(WS_DEF_VOORZIENINGEN_OSM),
                        "voorzieningen_osm");
    assert_string_equal(ws__defkind_name(WS_DEF_KIND_COUNT), "?");
}

static void test_bag_light(void **state) {
    fixture *fx = *state;
    ws_layerdef *d = NULL;
    assert_int_equal(
        ws__layerdef_load(fx->ctx, WS_SOURCE_DIR "/layers/bag_light.yaml", &d),
        WS_OK);
    assert_int_equal(d->kind, WS_DEF_BAG_VBO);
    assert_string_equal(d->title, "PDOK BAG GeoPackage (bag-light.gpkg)");
    static const char *const layers[] = {"verblijfsobject", NULL};
    assert_list(&d->layers, layers);
    static const char *const match[] = {
        "identificatie", "gebruiksdoel",       "status",
        "oppervlakte",   "pand_identificatie", NULL};
    assert_list(&d->match, match);
    /* the live statuses of DATA-SCHEMAS §1.5 */
    static const char *const live[] = {
        "Verblijfsobject in gebruik",
        "Verblijfsobject in gebruik (niet ingemeten)",
        "Verbouwing verblijfsobject", NULL};
    assert_list(&d->live_status, live);
    assert_string_equal(d->dwelling_use, "woonfunctie");
    assert_true(d->gemeente_digits4);
    /* the field map */
    static const ws_kv fields[] = {
        {"identificatie", "identificatie"},
        {"gebruiksdoel", "gebruiksdoel"},
        {"status", "status"},
        {"oppervlakte", "oppervlakte"},
        {"bouwjaar", "bouwjaar"},
        {"pand", "pand_identificatie"},
        {"gemeentecode", "bronhouder_identificatie"}};
    assert_int_equal(d->nfields, sizeof fields / sizeof fields[0]);
    for (size_t i = 0; i < d->nfields; i++) {
        assert_string_equal(d->fields[i].key, fields[i].key);
        assert_string_equal(d->fields[i].value, fields[i].value);
        assert_string_equal(ws__layerdef_field(d, fields[i].key),
                            fields[i].value);
    }
    assert_null(ws__layerdef_field(d, "naam"));
    assert_null(ws__layerdef_field(d, "Status")); /* exact names */
    /* no history in bag-light: no "current" fields; the pand layer gives
     * the footprints, the bouwjaar is on the verblijfsobject already */
    assert_int_equal(d->current.n, 0);
    static const char *const pand_layers[] = {"pand", NULL};
    assert_list(&d->pand_layers, pand_layers);
    assert_string_equal(d->pand_id, "identificatie");
    assert_null(d->pand_bouwjaar);
    assert_null(d->pand_geometry); /* the layer's own geometry */
    assert_int_equal(d->pand_current.n, 0);
    assert_null(d->driver);
    assert_null(d->crs);
    ws__layerdef_free(fx->ctx, d);
}

static void test_bag_lvbag(void **state) {
    fixture *fx = *state;
    ws_layerdef *d = NULL;
    assert_int_equal(
        ws__layerdef_load(fx->ctx, WS_SOURCE_DIR "/layers/bag_lvbag.yaml", &d),
        WS_OK);
    assert_int_equal(d->kind, WS_DEF_BAG_VBO);
    static const char *const current[] = {"eindGeldigheid", "eindRegistratie",
                                          NULL};
    assert_list(&d->current, current);
    assert_list(&d->pand_current, current);
    static const char *const pand_layers[] = {"Pand", "pand", NULL};
    assert_list(&d->pand_layers, pand_layers);
    assert_string_equal(d->pand_id, "identificatie");
    assert_string_equal(d->pand_bouwjaar, "oorspronkelijkBouwjaar");
    assert_null(d->pand_geometry);
    assert_string_equal(ws__layerdef_field(d, "pand"), "pandRef");
    assert_null(ws__layerdef_field(d, "bouwjaar")); /* comes from the pand */
    assert_null(ws__layerdef_field(d, "gemeentecode"));
    assert_int_equal(d->live_status.n, 3);
    assert_string_equal(d->dwelling_use, "woonfunctie");
    ws__layerdef_free(fx->ctx, d);
}

static void test_regions_and_amenities(void **state) {
    fixture *fx = *state;
    ws_layerdef *d = NULL;
    assert_int_equal(
        ws__layerdef_load(fx->ctx,
                          WS_SOURCE_DIR "/layers/cbs_wijkbuurtkaart.yaml", &d),
        WS_OK);
    assert_true(d->level[0].present);
    assert_string_equal(d->level[0].code, "buurtcode");
    assert_string_equal(d->level[0].name, "buurtnaam");
    assert_string_equal(d->level[0].wijkcode, "wijkcode");
    assert_true(d->level[1].present);
    assert_string_equal(d->level[1].code, "wijkcode");
    assert_null(d->level[1].wijkcode);
    assert_true(d->level[2].present);
    assert_string_equal(d->level[2].code, "gemeentecode");
    assert_string_equal(d->water_field, "water");
    static const char *const drop[] = {"JA", NULL};
    assert_list(&d->water_drop, drop);
    assert_true(ws__strlist_has(&d->exclude, "dekkingspercentage", false));
    assert_false(ws__strlist_has(&d->exclude, "aantal_inwoners", false));
    assert_false(d->camel_to_snake);
    ws__layerdef_free(fx->ctx, d);

    assert_int_equal(
        ws__layerdef_load(fx->ctx, WS_SOURCE_DIR "/layers/voorzieningen.yaml",
                          &d),
        WS_OK);
    assert_int_equal(d->kind, WS_DEF_VOORZIENINGEN);
    assert_string_equal(ws__layerdef_field(d, "categorie"), "categorie");
    assert_true(d->ncats >= 8);
    assert_string_equal(d->cats[0].category, "huisarts");
    /* values are matched case-insensitively by the loader */
    assert_true(
        ws__strlist_has(&d->cats[0].values, "Huisartsenpraktijk", true));
    assert_false(
        ws__strlist_has(&d->cats[0].values, "Huisartsenpraktijk", false));
    assert_string_equal(d->csv_xy_crs, "EPSG:28992");
    assert_true(ws__strlist_has(&d->csv_lon, "lon", false));
    ws__layerdef_free(fx->ctx, d);

    assert_int_equal(
        ws__layerdef_load(fx->ctx,
                          WS_SOURCE_DIR "/layers/osm_voorzieningen.yaml", &d),
        WS_OK);
    assert_int_equal(d->kind, WS_DEF_VOORZIENINGEN_OSM);
    for (size_t c = 0; c < d->ncats; c++)
        for (size_t i = 0; i < d->cats[c].values.n; i++)
            assert_non_null(strchr(d->cats[c].values.v[i], '='));
    ws__layerdef_free(fx->ctx, d);
}

/* --- rename rules -----------------------------------------------------------
 */

static void test_rename_camel_to_snake(void **state) {
    fixture *fx = *state;
    ws_layerdef *d = NULL;
    assert_int_equal(
        ws__layerdef_load(
            fx->ctx, WS_SOURCE_DIR "/layers/cbs_wijkbuurtkaart_wfs.yaml", &d),
        WS_OK);
    assert_true(d->camel_to_snake);
    char buf[128];
    /* an '_' before every capital (lower-cased) and wherever a run of
     * digits starts or ends */
    assert_string_equal(
        ws__layerdef_rename(d, "aantalInwoners", buf, sizeof buf),
        "aantal_inwoners");
    assert_string_equal(ws__layerdef_rename(d,
                                            "percentagePersonen65JaarEnOuder",
                                            buf, sizeof buf),
                        "percentage_personen_65_jaar_en_ouder");
    assert_string_equal(
        ws__layerdef_rename(d, "percentagePersonen0Tot15Jaar", buf, sizeof buf),
        "percentage_personen_0_tot_15_jaar");
    assert_string_equal(
        ws__layerdef_rename(d, "gemiddeldeWozWaardeWoning", buf, sizeof buf),
        "gemiddelde_woz_waarde_woning");
    /* already snake case: unchanged */
    assert_string_equal(
        ws__layerdef_rename(d, "aantal_inwoners", buf, sizeof buf),
        "aantal_inwoners");
    /* an explicit rename wins: camel_to_snake would give "..._km_2" */
    assert_string_equal(ws__layerdef_rename(d,
                                            "bevolkingsdichtheidInwonersPerKm2",
                                            buf, sizeof buf),
                        "bevolkingsdichtheid_inwoners_per_km2");
    /* a short buffer: the result is cut, stays terminated and is a prefix
     * of the full name */
    char small[8];
    const char *r =
        ws__layerdef_rename(d, "aantalInwoners", small, sizeof small);
    assert_true(strlen(r) < sizeof small);
    assert_memory_equal(r, "aantal_inwoners", strlen(r));
    ws__layerdef_free(fx->ctx, d);

    /* without camel_to_snake the source name is returned as is */
    assert_int_equal(
        ws__layerdef_load(
            fx->ctx, WS_SOURCE_DIR "/layers/cbs_kerncijfers_statline.yaml", &d),
        WS_OK);
    assert_false(d->camel_to_snake);
    const char *src = "GeboorteRelatief_25";
    assert_ptr_equal(ws__layerdef_rename(d, src, buf, sizeof buf), src);
    assert_string_equal(
        ws__layerdef_rename(d, "AantalInwoners_5", buf, sizeof buf),
        "aantal_inwoners");
    assert_string_equal(
        ws__layerdef_rename(d, "k_65JaarOfOuder_12", buf, sizeof buf),
        "aantal_personen_65_jaar_en_ouder");
    ws__layerdef_free(fx->ctx, d);
}

static void test_rename_written_definition(void **state) {
    fixture *fx = *state;
    /* rename + camel_to_snake written here, so the test does not depend on
     * what layers/ happens to hold */
    const char *path = write_file(fx, "wfs.yaml",
                                  "kind: cbs_kerncijfers\n"
                                  "match: [code]\n"
                                  "code: code\n"
                                  "rename_case: camel_to_snake\n"
                                  "rename:\n"
                                  "  aantalInwoners: inwoners\n");
    ws_layerdef *d = NULL;
    assert_int_equal(ws__layerdef_load(fx->ctx, path, &d), WS_OK);
    char buf[64];
    assert_string_equal(
        ws__layerdef_rename(d, "aantalInwoners", buf, sizeof buf), "inwoners");
    assert_string_equal(ws__layerdef_rename(d, "aantalMannen", buf, sizeof buf),
                        "aantal_mannen");
    /* no title: the file name */
    assert_string_equal(d->title, "wfs.yaml");
    assert_string_equal(d->code_field, "code");
    ws__layerdef_free(fx->ctx, d);

    path = write_file(fx, "none.yaml",
                      "kind: cbs_kerncijfers\nmatch: [code]\ncode: code\n"
                      "rename_case: none\ntitle: Zonder\n");
    assert_int_equal(ws__layerdef_load(fx->ctx, path, &d), WS_OK);
    assert_false(d->camel_to_snake);
    assert_string_equal(d->title, "Zonder");
    assert_string_equal(
        ws__layerdef_rename(d, "aantalInwoners", buf, sizeof buf),
        "aantalInwoners");
    ws__layerdef_free(fx->ctx, d);
}

/* A pand section with every key: NLExtract's PostGIS schema keeps the
 * footprint in a geometry column named geovlak. */
static void test_pand_written_definition(void **state) {
    fixture *fx = *state;
    const char *path = write_file(fx, "nlextract.yaml",
                                  "kind: bag_verblijfsobject\n"
                                  "match: [identificatie]\n"
                                  "fields: {gebruiksdoel: g, status: s}\n"
                                  "dwelling: {gebruiksdoel: woonfunctie, "
                                  "status: [x]}\n"
                                  "pand:\n"
                                  "  layers: [pandactueelbestaand, pand]\n"
                                  "  identificatie: identificatie\n"
                                  "  bouwjaar: bouwjaar\n"
                                  "  geometrie: geovlak\n"
                                  "  current: einddatumtijdvakgeldigheid\n");
    ws_layerdef *d = NULL;
    assert_int_equal(ws__layerdef_load(fx->ctx, path, &d), WS_OK);
    static const char *const layers[] = {"pandactueelbestaand", "pand", NULL};
    assert_list(&d->pand_layers, layers);
    assert_string_equal(d->pand_id, "identificatie");
    assert_string_equal(d->pand_bouwjaar, "bouwjaar");
    assert_string_equal(d->pand_geometry, "geovlak");
    static const char *const current[] = {"einddatumtijdvakgeldigheid", NULL};
    assert_list(&d->pand_current, current);
    ws__layerdef_free(fx->ctx, d);
}

/* --- broken definitions ----------------------------------------------------
 */

typedef struct broken_case {
    const char *file;
    const char *text;
    ws_status status;
    const char *pos;  /* ":line:col: " expected after the path, or NULL */
    const char *what; /* a fragment of the message */
} broken_case;

#define BAG_HEAD                                                               \
    "kind: bag_verblijfsobject\n"                                              \
    "match: [identificatie]\n"
#define DWELLING "dwelling: {gebruiksdoel: woonfunctie, status: [x]}\n"

static const broken_case broken_cases[] = {
    {"unknown_kind.yaml",
     "kind: bag_verblijfsobjekt\n"
     "match: [identificatie]\n",
     WS_ERR_FORMAT, ":1:7: ", "unknown kind 'bag_verblijfsobjekt'"},
    {"kind_list.yaml", "kind: [bag_verblijfsobject]\n", WS_ERR_FORMAT,
     ":1:7: ", "'kind' must be a single value"},
    {"no_kind.yaml", "title: x\nmatch: [a]\n", WS_ERR_FORMAT,
     ":1:1: ", "missing required key 'kind'"},
    {"unknown_key.yaml",
     BAG_HEAD "fields:\n"                      /* 3 */
              "  gebruiksdoel: gebruiksdoel\n" /* 4 */
              "  status: status\n"             /* 5 */
              "dweling:\n"                     /* 6 */
              "  gebruiksdoel: woonfunctie\n"
              "  status: [Verblijfsobject in gebruik]\n",
     WS_ERR_FORMAT,
     ":6:1: ", "unknown key 'dweling' (did you mean 'dwelling'?)"},
    {"no_dwelling.yaml",
     BAG_HEAD "fields:\n"
              "  gebruiksdoel: gebruiksdoel\n"
              "  status: status\n",
     WS_ERR_FORMAT, ":1:1: ", "missing required key 'dwelling'"},
    {"dwelling_key.yaml",
     /* "dwelling: {gebruiksdoel: woonfunctie, " is 38 characters */
     BAG_HEAD "fields: {gebruiksdoel: g, status: s}\n"
              "dwelling: {gebruiksdoel: woonfunctie, statuses: [x]}\n",
     WS_ERR_FORMAT,
     ":4:39: ", "unknown key 'statuses' (did you mean 'status'?)"},
    {"dwelling_no_status.yaml",
     BAG_HEAD "fields: {gebruiksdoel: g, status: s}\n"
              "dwelling:\n"
              "  gebruiksdoel: woonfunctie\n",
     WS_ERR_FORMAT, ":5:3: ", "missing required key 'status'"},
    {"fields_list.yaml", BAG_HEAD "fields: [gebruiksdoel, status]\n" DWELLING,
     WS_ERR_FORMAT, ":3:9: ", "expected a mapping (fields), found a list"},
    {"field_value_list.yaml",
     BAG_HEAD "fields:\n"
              "  gebruiksdoel: [gebruiksdoel, doel]\n" /* '[' at col 17 */
              "  status: status\n" DWELLING,
     WS_ERR_FORMAT, ":4:17: ", "'fields.gebruiksdoel' must be a field name"},
    {"unknown_field.yaml",
     BAG_HEAD "fields:\n"
              "  gebruiksdoel: gebruiksdoel\n"
              "  status: status\n"
              "  oppervlak: oppervlakte\n" DWELLING,
     WS_ERR_FORMAT,
     ":6:3: ", "unknown key 'oppervlak' (did you mean 'oppervlakte'?)"},
    {"no_status_field.yaml",
     BAG_HEAD "fields:\n"
              "  gebruiksdoel: gebruiksdoel\n" DWELLING,
     WS_ERR_FORMAT,
     ":1:1: ", "fields: 'gebruiksdoel' and 'status' are required"},
    {"gemeentecode_format.yaml",
     /* "gemeentecode_format: " is 21 characters */
     BAG_HEAD "fields: {gebruiksdoel: g, status: s}\n"
              "gemeentecode_format: digits5\n" DWELLING,
     WS_ERR_FORMAT, ":4:22: ", "gemeentecode_format must be 'digits4' or 'GM'"},
    {"pand_no_bouwjaar.yaml", /* neither the VBO nor the pand has one */
     BAG_HEAD "fields: {gebruiksdoel: g, status: s}\n" DWELLING
              "pand:\n"            /* 5 */
              "  layers: [pand]\n" /* 6: the mapping */
              "  identificatie: identificatie\n",
     WS_ERR_FORMAT,
     ":6:3: ", "pand: 'bouwjaar' is required when fields: has no 'bouwjaar'"},
    {"pand_bouwjaar_twice.yaml",
     BAG_HEAD
     "fields: {gebruiksdoel: g, status: s, bouwjaar: bouwjaar}\n" DWELLING
     "pand:\n"
     "  layers: [pand]\n"
     "  identificatie: identificatie\n"
     "  bouwjaar: bouwjaar\n", /* 8; the value at col 13 */
     WS_ERR_FORMAT, ":8:13: ", "pand: 'bouwjaar' given twice"},
    {"pand_key_typo.yaml",
     BAG_HEAD "fields: {gebruiksdoel: g, status: s, bouwjaar: b}\n" DWELLING
              "pand:\n"
              "  layers: [pand]\n"
              "  identificatie: identificatie\n"
              "  geometry: geovlak\n", /* 8 */
     WS_ERR_FORMAT,
     ":8:3: ", "unknown key 'geometry' (did you mean 'geometrie'?)"},
    {"pand_no_layers.yaml",
     BAG_HEAD "fields: {gebruiksdoel: g, status: s, bouwjaar: b}\n" DWELLING
              "pand:\n"
              "  identificatie: identificatie\n", /* the mapping: 6:3 */
     WS_ERR_FORMAT, ":6:3: ", "missing required key 'layers'"},
    {"pand_empty_layers.yaml",
     BAG_HEAD "fields: {gebruiksdoel: g, status: s, bouwjaar: b}\n" DWELLING
              "pand:\n"
              "  layers: []\n" /* '[' at 6:11 */
              "  identificatie: identificatie\n",
     WS_ERR_FORMAT, ":6:11: ", "pand: 'layers' lists no layer"},
    {"pand_scalar.yaml",
     BAG_HEAD "fields: {gebruiksdoel: g, status: s, bouwjaar: b}\n" DWELLING
              "pand: pand\n", /* 5:7 */
     WS_ERR_FORMAT, ":5:7: ", "expected a mapping (pand layer), found a value"},
    {"category_caps.yaml",
     "kind: voorzieningen\n"
     "match: [categorie]\n"
     "fields:\n"
     "  categorie: categorie\n"
     "categories:\n"
     "  huisarts: [huisarts]\n"
     "  Apotheek: [apotheek]\n",
     WS_ERR_FORMAT, ":7:3: ", "category 'Apotheek' must be lower case"},
    {"category_dash.yaml",
     "kind: voorzieningen\n"
     "match: [categorie]\n"
     "fields: {categorie: categorie}\n"
     "categories:\n"
     "  ov-halte: [bushalte]\n",
     WS_ERR_FORMAT, ":5:3: ", "category 'ov-halte' must be lower case"},
    {"empty_category.yaml",
     "kind: voorzieningen\n"
     "match: [categorie]\n"
     "fields: {categorie: type}\n"
     "categories:\n"
     "  park: []\n", /* '[' at col 9 */
     WS_ERR_FORMAT, ":5:9: ", "category 'park' lists no values"},
    {"no_categorie_field.yaml",
     "kind: voorzieningen\n"
     "match: [type]\n"
     "fields: {naam: naam}\n"
     "categories: {park: [park]}\n",
     WS_ERR_FORMAT, ":1:1: ", "fields: 'categorie' is required"},
    {"no_categories.yaml",
     "kind: voorzieningen\n"
     "match: [type]\n"
     "fields: {categorie: type}\n",
     WS_ERR_FORMAT, ":1:1: ", "missing required key 'categories'"},
    {"osm_no_equals.yaml",
     "kind: voorzieningen_osm\n"
     "categories:\n"
     "  huisarts: [\"amenity=doctors\"]\n"
     "  apotheek: [\"amenity=pharmacy\", \"pharmacy\"]\n", /* '[' col 13 */
     WS_ERR_FORMAT, ":4:13: ", "OSM rule 'pharmacy' must look like key=value"},
    {"osm_unknown_key.yaml",
     "kind: voorzieningen_osm\n"
     "categories: {park: [leisure=park]}\n"
     "fields: {categorie: x}\n", /* fields are not for OSM */
     WS_ERR_FORMAT, ":3:1: ", "unknown key 'fields'"},
    {"bad_rename_case.yaml",
     "kind: cbs_regions\n"
     "match: [buurtcode]\n"
     "buurt:\n"
     "  code: buurtcode\n"
     "rename_case: CamelToSnake\n", /* "rename_case: " is 13 characters */
     WS_ERR_FORMAT,
     ":5:14: ", "rename_case must be 'camel_to_snake' or 'none'"},
    {"level_no_code.yaml",
     "kind: cbs_regions\n"
     "match: [statcode]\n"
     "buurt:\n"
     "  layers: [buurten]\n" /* the mapping starts here, 4:3 */
     "  name: statnaam\n",
     WS_ERR_FORMAT, ":4:3: ", "missing required key 'code'"},
    {"no_buurt.yaml",
     "kind: cbs_regions\n"
     "match: [statcode]\n"
     "wijk: {code: statcode}\n",
     WS_ERR_FORMAT, ":1:1: ", "missing required key 'buurt'"},
    {"gemeenten_typo.yaml",
     "kind: cbs_regions\n"
     "match: [statcode]\n"
     "buurt: {code: statcode}\n"
     "gemeenten: {code: statcode}\n",
     WS_ERR_FORMAT,
     ":4:1: ", "unknown key 'gemeenten' (did you mean 'gemeente'?)"},
    {"water_scalar.yaml",
     "kind: cbs_regions\n"
     "match: [buurtcode]\n"
     "buurt: {code: buurtcode}\n"
     "water: JA\n",
     WS_ERR_FORMAT, ":4:8: ", "expected a mapping (water rule), found a value"},
    {"no_match.yaml",
     "kind: cbs_kerncijfers\n"
     "code: Codering_3\n",
     WS_ERR_FORMAT, ":1:1: ", "missing required key 'match'"},
    {"rename_list.yaml",
     "kind: cbs_kerncijfers\n"
     "match: [a]\n"
     "code: a\n"
     "rename: [a, b]\n",
     WS_ERR_FORMAT, ":4:9: ", "expected a mapping (rename), found a list"},
    {"root_list.yaml", "- kind: bag_verblijfsobject\n", WS_ERR_FORMAT,
     ":1:1: ", "expected a mapping (layer definition), found a list"},
    {"empty.yaml", "", WS_ERR_FORMAT, NULL,
     ": expected a mapping (layer definition), found an empty document"},
    {"syntax.yaml",
     "kind: cbs_regions\n"
     "match: [a, b\n",
     WS_ERR_FORMAT_YAML, ":3:1: ", "YAML syntax error"},
};

static void test_broken_definitions(void **state) {
    fixture *fx = *state;
    size_t n = sizeof broken_cases / sizeof broken_cases[0];
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        const broken_case *bc = &broken_cases[i];
        const char *path = write_file(fx, bc->file, bc->text);
        ws_layerdef *d = (ws_layerdef *)fx;
        ws_status st = ws__layerdef_load(fx->ctx, path, &d);
        if (st != bc->status)
            fail_msg("%s: status %s, expected %s (%s)", bc->file,
                     ws_status_name(st), ws_status_name(bc->status),
                     ws_ctx_errmsg(fx->ctx));
        assert_null(d);
        assert_int_equal(ws_ctx_status(fx->ctx), bc->status);
        assert_int_equal(ws_status_primary(st), WS_ERR_FORMAT);
        char prefix[512];
        snprintf(prefix, sizeof prefix, "%s%s", path, bc->pos ? bc->pos : "");
        assert_msg_starts(fx->ctx, prefix);
        assert_msg_contains(fx->ctx, bc->what);
        ws_ctx_clear_error(fx->ctx);
    }
}

static void test_missing_file(void **state) {
    fixture *fx = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/does_not_exist.yaml", fx->dir);
    ws_layerdef *d = NULL;
    assert_int_equal(ws__layerdef_load(fx->ctx, path, &d), WS_ERR_IO_NOT_FOUND);
    assert_null(d);
    assert_msg_starts(fx->ctx, path);
}

/* --- loading a directory -----------------------------------------------------
 */

static void test_load_dir(void **state) {
    fixture *fx = *state;
    static const char good[] = "kind: cbs_kerncijfers\nmatch: [a]\ncode: a\n";
    write_file(fx, "b.yaml", good);
    write_file(fx, "a.yml", good);
    write_file(fx, "README.md", "not yaml: [\n");
    write_file(fx, ".hidden.yaml", "not: [valid\n"); /* skipped: hidden */
    write_file(fx, "c.yaml.bak", "not: [valid\n");   /* skipped: extension */
    ws_layerdefs defs;
    assert_int_equal(ws__layerdefs_load_dir(fx->ctx, fx->dir, &defs), WS_OK);
    assert_int_equal(defs.n, 2);
    assert_string_equal(ws__basename(defs.defs[0]->path), "a.yml");
    assert_string_equal(ws__basename(defs.defs[1]->path), "b.yaml");
    ws__layerdefs_free(fx->ctx, &defs);

    /* one broken file fails the whole directory and names that file */
    const char *bad = write_file(fx, "c.yaml",
                                 "kind: cbs_kerncijfers\nmatch: [a]\n"
                                 "code: a\nkode: b\n");
    assert_int_equal(ws__layerdefs_load_dir(fx->ctx, fx->dir, &defs),
                     WS_ERR_FORMAT);
    assert_int_equal(defs.n, 0);
    assert_null(defs.defs);
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s:4:1: ", bad);
    assert_msg_starts(fx->ctx, prefix);
    assert_msg_contains(fx->ctx, "unknown key 'kode' (did you mean 'code'?)");
    ws_ctx_clear_error(fx->ctx);

    char missing[128];
    snprintf(missing, sizeof missing, "%s/geen_map", fx->dir);
    assert_int_equal(ws__layerdefs_load_dir(fx->ctx, missing, &defs),
                     WS_ERR_IO_NOT_FOUND);
    assert_int_equal(defs.n, 0);
    assert_msg_starts(fx->ctx, missing);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_shipped_definitions_load,
                                        setup, teardown),
        cmocka_unit_test(test_defkind_names),
        cmocka_unit_test_setup_teardown(test_bag_light, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bag_lvbag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regions_and_amenities, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rename_camel_to_snake, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pand_written_definition, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rename_written_definition, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_broken_definitions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_dir, setup, teardown),
    };
    return cmocka_run_group_tests_name("layerdef", tests, NULL, NULL);
}
