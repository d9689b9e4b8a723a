/* Unit tests for the filter stage (src/filter/filter.c): gemeentecodes and
 * the region selection, the CBS code hierarchy (including 2023 codes with
 * letters in the wijk/buurt part), gebruiksdoel lists in the PDOK and OGR
 * StringList forms, the dwelling rule of the real BAG definitions with every
 * verblijfsobject status of DATA-SCHEMAS §1.5, and the SQL builders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ws_test.h"

#include "filter/filter.h"
#include "wijkscan/context.h"

#define setup_ctx ws_test_setup_ctx
#define teardown_ctx ws_test_teardown_ctx

static void assert_errmsg(const ws_ctx *ctx, ws_status st, const char *needle) {
    assert_int_equal(ws_ctx_status(ctx), st);
    if (!strstr(ws_ctx_errmsg(ctx), needle))
        fail_msg("error message \"%s\" does not contain \"%s\"",
                 ws_ctx_errmsg(ctx), needle);
}

/* --- gemeentecodes and the selection ---------------------------------------
 */

static void test_gemeentecode_valid(void **state) {
    (void)state;
    static const char *const good[] = {"GM0114", "GM0000", "GM1681", "GM9999"};
    static const char *const bad[] = {
        "GM114",   /* three digits */
        "GM01140", /* five digits */
        "gm0114",  /* lower case */
        "GM011A",  /* letter */
        "GM 114",  /* space */
        "0114",    /* no prefix */
        "BU0114",  /* another level */
        "WK0114",  /* another level */
        "GM0114 ", /* trailing space */
        " GM0114", /* leading space */
        "GM",      "",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!ws__gemeentecode_valid(good[i]))
            fail_msg("'%s' should be a valid gemeentecode", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ws__gemeentecode_valid(bad[i]))
            fail_msg("'%s' should not be a valid gemeentecode", bad[i]);
    assert_false(ws__gemeentecode_valid(NULL));
}

static void test_selection_validate(void **state) {
    ws_ctx *ctx = *state;
    ws_selection none = {NULL, 0};
    assert_int_equal(ws__selection_validate(ctx, &none), WS_OK);

    static const char *const boce[] = {"GM1681", "GM0109", "GM0114"};
    ws_selection ok = {boce, 3};
    assert_int_equal(ws__selection_validate(ctx, &ok), WS_OK);
    assert_int_equal(ws_ctx_status(ctx), WS_OK);

    static const char *const malformed[] = {"GM0114", "GM114"};
    ws_selection bad = {malformed, 2};
    assert_int_equal(ws__selection_validate(ctx, &bad), WS_ERR_INVALID_ARG);
    assert_errmsg(ctx, WS_ERR_INVALID_ARG, "'GM114'");
    assert_errmsg(ctx, WS_ERR_INVALID_ARG, "malformed");
    ws_ctx_clear_error(ctx);

    static const char *const lower[] = {"gm0114"};
    ws_selection bad2 = {lower, 1};
    assert_int_equal(ws__selection_validate(ctx, &bad2), WS_ERR_INVALID_ARG);
    assert_errmsg(ctx, WS_ERR_INVALID_ARG, "'gm0114'");
    ws_ctx_clear_error(ctx);

    static const char *const dup[] = {"GM0114", "GM0363", "GM0114"};
    ws_selection d = {dup, 3};
    assert_int_equal(ws__selection_validate(ctx, &d), WS_ERR_INVALID_ARG);
    assert_errmsg(ctx, WS_ERR_INVALID_ARG, "'GM0114' is given twice");
    ws_ctx_clear_error(ctx);
}

static void test_selection_has(void **state) {
    (void)state;
    ws_selection all = {NULL, 0};
    assert_true(ws__selection_has(&all, "GM0114")); /* empty = everything */
    assert_true(ws__selection_has(&all, "GM9999"));
    static const char *const boce[] = {"GM1681", "GM0109", "GM0114"};
    ws_selection sel = {boce, 3};
    assert_true(ws__selection_has(&sel, "GM1681"));
    assert_true(ws__selection_has(&sel, "GM0114"));
    assert_false(ws__selection_has(&sel, "GM0363"));
    assert_false(ws__selection_has(&sel, "GM011"));
    assert_false(ws__selection_has(&sel, "0114"));
}

/* --- code hierarchy ----------------------------------------------------------
 */

static void test_gemeente_of(void **state) {
    (void)state;
    static const struct {
        const char *code, *gm;
    } good[] = {
        {"BU01140101", "GM0114"}, {"WK011401", "GM0114"},
        {"GM0114", "GM0114"},     {"BU0363AB01", "GM0363"}, /* 2023 */
        {"WK0363AB", "GM0363"},   {"BU19000Z0A", "GM1900"},
        {"BU00000000", "GM0000"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char out[8] = "xxxxxxx";
        if (!ws__gemeente_of(good[i].code, out))
            fail_msg("'%s' rejected", good[i].code);
        assert_string_equal(out, good[i].gm);
    }
    static const char *const bad[] = {
        "BU0114010",   /* 9 characters */
        "BU011401011", /* 11 */
        "BU01A40101",  /* letter in the gemeente part */
        "bu01140101",  /* lower-case prefix */
        "XX01140101",  /* unknown prefix */
        "WK01140",     /* 7 */
        "WK0114011",   /* 9 */
        "GM011",       "GM01145",    "GM011A", "BU0114-101", /* not alphanumeric
                                                              */
        "WK0114 1",    "BU0114010 ", "",       "BU",         "WK", "GM", "0114",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[8];
        if (ws__gemeente_of(bad[i], out))
            fail_msg("'%s' should be rejected", bad[i]);
    }
}

static void test_wijk_of(void **state) {
    (void)state;
    static const struct {
        const char *code, *wk;
    } good[] = {
        {"BU01140101", "WK011401"},
        {"BU0363AB01", "WK0363AB"}, /* 2023: letters in the wijk part */
        {"BU03630A1B", "WK03630A"},
        {"BU16810099", "WK168100"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char out[10] = "xxxxxxxxx";
        if (!ws__wijk_of(good[i].code, out))
            fail_msg("'%s' rejected", good[i].code);
        assert_string_equal(out, good[i].wk);
    }
    static const char *const bad[] = {
        "WK011401", /* already a wijk */
        "GM0114",     "BU0114010",  "BU011401011",
        "BU01A40101", /* letter in the gemeente part */
        "BU0114010!", "bu01140101", "",
        "BU0114 101",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[10];
        if (ws__wijk_of(bad[i], out))
            fail_msg("'%s' should be rejected", bad[i]);
    }
}

static void test_normalise_gemeentecode(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } good[] = {
        {"114", "GM0114"},    {"0114", "GM0114"},   {"GM0114", "GM0114"},
        {" 0114 ", "GM0114"}, {"14", "GM0014"},     {"1", "GM0001"},
        {"1681", "GM1681"},   {"GM1681", "GM1681"}, {"  GM0363", "GM0363"},
        {"363   ", "GM0363"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char out[8] = "xxxxxxx";
        if (!ws__normalise_gemeentecode(good[i].in, out))
            fail_msg("'%s' rejected", good[i].in);
        assert_string_equal(out, good[i].out);
    }
    static const char *const bad[] = {
        "",     "   ",  "01140",   "GM01145", "GM",       "11a",
        "-114", "1 14", "GM 0114", "x",       "GMGM0114",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[8];
        if (ws__normalise_gemeentecode(bad[i], out))
            fail_msg("'%s' should be rejected", bad[i]);
    }
}

/* --- gebruiksdoel
 * --------------------------------------------------------------- */

static void test_gebruiksdoel_has(void **state) {
    (void)state;
    static const struct {
        const char *list, *use;
        bool expected;
    } cases[] = {
        {"woonfunctie", "woonfunctie", true},
        {"winkelfunctie,woonfunctie", "woonfunctie", true},
        {"woonfunctie,winkelfunctie", "woonfunctie", true},
        {"bijeenkomstfunctie,winkelfunctie,woonfunctie", "woonfunctie", true},
        {"bijeenkomstfunctie,winkelfunctie,woonfunctie", "winkelfunctie", true},
        {"winkelfunctie, woonfunctie", "woonfunctie", true}, /* spaces */
        {" woonfunctie ", "woonfunctie", true},
        {"winkelfunctie ,  woonfunctie  ", "woonfunctie", true},
        {"winkelfunctie", "woonfunctie", false},
        {"kantoorfunctie,winkelfunctie", "woonfunctie", false},
        /* partial words must not match */
        {"woonfunctie2", "woonfunctie", false},
        {"woonfunctie2,winkelfunctie", "woonfunctie", false},
        {"xwoonfunctie", "woonfunctie", false},
        {"woon", "woonfunctie", false},
        {"woonfunctie", "woon", false},
        {"overige gebruiksfunctie", "gebruiksfunctie", false},
        {"overige gebruiksfunctie,woonfunctie", "overige gebruiksfunctie",
         true},
        {"", "woonfunctie", false},
        {",,", "woonfunctie", false},
        {",woonfunctie,", "woonfunctie", true},
        /* OGR's StringList text form (LVBAG converted to GeoPackage) */
        {"(1:woonfunctie)", "woonfunctie", true},
        {"(2:winkelfunctie,woonfunctie)", "woonfunctie", true},
        {"(2:winkelfunctie,woonfunctie)", "winkelfunctie", true},
        {"(2:woonfunctie,winkelfunctie)", "woonfunctie", true},
        {"(1:winkelfunctie)", "woonfunctie", false},
        {"(2:woonfunctie2,winkelfunctie)", "woonfunctie", false},
        {"(2:winkelfunctie,woonfunctie)", "woonfunctie)", false},
        {"(2:winkelfunctie,woonfunctie)", "(2:winkelfunctie", false},
        {"(0:)", "woonfunctie", false},
        {"(11:a,b,c,d,e,f,g,h,i,j,woonfunctie)", "woonfunctie", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ws__gebruiksdoel_has(cases[i].list, cases[i].use) !=
            cases[i].expected)
            fail_msg("gebruiksdoel_has(\"%s\", \"%s\") should be %s",
                     cases[i].list, cases[i].use,
                     cases[i].expected ? "true" : "false");
}

/* --- the dwelling rule with the real definitions
 * ----------------------------------- */

/* DATA-SCHEMAS §1.5: the eight verblijfsobject statuses; the first three
 * are the live ones (the existing stock). */
static const char *const live_statuses[] = {
    "Verblijfsobject in gebruik",
    "Verblijfsobject in gebruik (niet ingemeten)",
    "Verbouwing verblijfsobject",
};
static const char *const other_statuses[] = {
    "Verblijfsobject gevormd",
    "Niet gerealiseerd verblijfsobject",
    "Verblijfsobject ingetrokken",
    "Verblijfsobject buiten gebruik",
    "Verblijfsobject ten onrechte opgevoerd",
    /* statuses of other objects, and no status at all */
    "Pand in gebruik",
    "Plaats aangewezen",
    "Verblijfsobject",
    "",
};
#define N_LIVE (sizeof live_statuses / sizeof live_statuses[0])
#define N_OTHER (sizeof other_statuses / sizeof other_statuses[0])

static ws_layerdef *load_def(ws_ctx *ctx, const char *file) {
    char path[512];
    snprintf(path, sizeof path, "%s/layers/%s", WS_SOURCE_DIR, file);
    ws_layerdef *d = NULL;
    if (ws__layerdef_load(ctx, path, &d) != WS_OK)
        fail_msg("%s: %s", path, ws_ctx_errmsg(ctx));
    return d;
}

static void test_is_dwelling_bag_light(void **state) {
    ws_ctx *ctx = *state;
    ws_layerdef *d = load_def(ctx, "bag_light.yaml");
    /* PDOK: gebruiksdoel is one comma-separated text field */
    static const char *const dwelling_uses[] = {
        "woonfunctie", "winkelfunctie,woonfunctie",
        "bijeenkomstfunctie,winkelfunctie,woonfunctie"};
    static const char *const other_uses[] = {
        "winkelfunctie", "kantoorfunctie,winkelfunctie",
        "overige gebruiksfunctie", "woonfunctie2", ""};
    for (size_t s = 0; s < N_LIVE; s++) {
        for (size_t u = 0; u < 3; u++)
            if (!ws__is_dwelling(d, dwelling_uses[u], NULL, live_statuses[s]))
                fail_msg("bag_light: '%s' / '%s' should be a dwelling",
                         dwelling_uses[u], live_statuses[s]);
        for (size_t u = 0; u < 5; u++)
            if (ws__is_dwelling(d, other_uses[u], NULL, live_statuses[s]))
                fail_msg("bag_light: '%s' / '%s' is no dwelling", other_uses[u],
                         live_statuses[s]);
        assert_false(ws__is_dwelling(d, NULL, NULL, live_statuses[s]));
    }
    for (size_t s = 0; s < N_OTHER; s++)
        for (size_t u = 0; u < 3; u++)
            if (ws__is_dwelling(d, dwelling_uses[u], NULL, other_statuses[s]))
                fail_msg("bag_light: status '%s' is not live",
                         other_statuses[s]);
    assert_false(ws__is_dwelling(d, "woonfunctie", NULL, NULL));
    ws__layerdef_free(ctx, d);
}

static void test_is_dwelling_bag_lvbag(void **state) {
    ws_ctx *ctx = *state;
    ws_layerdef *d = load_def(ctx, "bag_lvbag.yaml");
    /* LVBAG: gebruiksdoel is an OGR StringList (NULL-terminated) */
    char w[] = "woonfunctie", k[] = "winkelfunctie", b[] = "bijeenkomstfunctie";
    char o[] = "overige gebruiksfunctie", w2[] = "woonfunctie2";
    char *only_wonen[] = {w, NULL};
    char *mixed[] = {b, k, w, NULL};
    char *shop[] = {k, NULL};
    char *other[] = {o, w2, NULL};
    char *empty[] = {NULL};
    for (size_t s = 0; s < N_LIVE; s++) {
        assert_true(ws__is_dwelling(d, NULL, only_wonen, live_statuses[s]));
        assert_true(ws__is_dwelling(d, NULL, mixed, live_statuses[s]));
        assert_false(ws__is_dwelling(d, NULL, shop, live_statuses[s]));
        assert_false(ws__is_dwelling(d, NULL, other, live_statuses[s]));
        assert_false(ws__is_dwelling(d, NULL, empty, live_statuses[s]));
        /* the list wins over the text when both are given */
        assert_false(ws__is_dwelling(d, "woonfunctie", shop, live_statuses[s]));
        /* the StringList text form when converted to GeoPackage */
        assert_true(ws__is_dwelling(d, "(2:winkelfunctie,woonfunctie)", NULL,
                                    live_statuses[s]));
        assert_false(
            ws__is_dwelling(d, "(1:winkelfunctie)", NULL, live_statuses[s]));
    }
    for (size_t s = 0; s < N_OTHER; s++) {
        if (ws__is_dwelling(d, NULL, only_wonen, other_statuses[s]))
            fail_msg("bag_lvbag: status '%s' is not live", other_statuses[s]);
        assert_false(
            ws__is_dwelling(d, "(1:woonfunctie)", NULL, other_statuses[s]));
    }
    ws__layerdef_free(ctx, d);
}

/* --- SQL builders
 * ------------------------------------------------------------------ */

static void test_sql_in_selection(void **state) {
    ws_ctx *ctx = *state;
    static const char *const codes[] = {"GM0114", "GM0363"};
    ws_selection sel = {codes, 2};
    ws_strbuf sb;
    ws__sb_init(&sb, ctx);
    ws__sql_in_selection(&sb, "bronhouder_identificatie", &sel, true);
    assert_string_equal(ws__sb_str(&sb),
                        "\"bronhouder_identificatie\" IN ('0114','0363')");
    ws__sb_free(&sb);

    ws__sql_in_selection(&sb, "gemeentecode", &sel, false);
    assert_string_equal(ws__sb_str(&sb),
                        "\"gemeentecode\" IN ('GM0114','GM0363')");
    ws__sb_free(&sb);

    /* appended to what is already there */
    static const char *const one[] = {"GM1681"};
    ws_selection sel1 = {one, 1};
    ws__sb_append(&sb, "status = 'x' AND ");
    ws__sql_in_selection(&sb, "gm", &sel1, true);
    assert_string_equal(ws__sb_str(&sb), "status = 'x' AND \"gm\" IN ('1681')");
    ws__sb_free(&sb);
}

static void test_sql_code_prefix(void **state) {
    ws_ctx *ctx = *state;
    static const char *const codes[] = {"GM0114", "GM0363"};
    ws_selection sel = {codes, 2};
    ws_strbuf sb;
    ws__sb_init(&sb, ctx);
    ws__sql_code_prefix(&sb, "buurtcode", &sel, "BU");
    assert_string_equal(ws__sb_str(&sb), "(\"buurtcode\" LIKE 'BU0114%' OR "
                                         "\"buurtcode\" LIKE 'BU0363%')");
    ws__sb_free(&sb);

    static const char *const one[] = {"GM0114"};
    ws_selection sel1 = {one, 1};
    ws__sql_code_prefix(&sb, "statcode", &sel1, "WK");
    assert_string_equal(ws__sb_str(&sb), "(\"statcode\" LIKE 'WK0114%')");
    ws__sb_free(&sb);
    assert_int_equal(ws_ctx_status(ctx), WS_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemeentecode_valid),
        cmocka_unit_test_setup_teardown(test_selection_validate, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test(test_selection_has),
        cmocka_unit_test(test_gemeente_of),
        cmocka_unit_test(test_wijk_of),
        cmocka_unit_test(test_normalise_gemeentecode),
        cmocka_unit_test(test_gebruiksdoel_has),
        cmocka_unit_test_setup_teardown(test_is_dwelling_bag_light, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_is_dwelling_bag_lvbag, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_sql_in_selection, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_sql_code_prefix, setup_ctx,
                                        teardown_ctx),
    };
    return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
