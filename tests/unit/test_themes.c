/* Unit tests for theme layers (src/score/themes_load.c) and indicator
 * expressions (src/score/themes_expr.c): the shipped layers in
 * layers/themes load in their order with their labels; broken layers fail
 * with WS_ERR_FORMAT at "file:line:col" and say what is wrong; expressions
 * are evaluated on a small level table built by hand, with the values worked
 * out by hand. Positions are counted by hand (1-based; the column of a value
 * is 1 + the characters before it on its line). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <math.h>
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

#include "model/model_internal.h"
#include "score/themes_internal.h"
#include "wijkscan/context.h"
#include "wijkscan/themes.h"

typedef ws_test_dir fixture;
#define setup ws_test_setup_dir
#define teardown ws_test_teardown_dir
#define write_file ws_test_write

/* --- helpers -------------------------------------------------------------- */

static long find_ind(const ws_themes *th, const char *name) {
    for (size_t i = 0; i < th->nind; i++)
        if (strcmp(th->ind[i].name, name) == 0)
            return (long)i;
    fail_msg("no indicator '%s'", name);
    return -1;
}

static long find_theme(const ws_themes *th, const char *name) {
    for (size_t i = 0; i < th->nthemes; i++)
        if (strcmp(th->themes[i].name, name) == 0)
            return (long)i;
    fail_msg("no theme '%s'", name);
    return -1;
}

static ws_themes *load_ok(fixture *fx) {
    ws_themes *th = NULL;
    ws_status st = ws_themes_load(fx->ctx, fx->dir, &th);
    if (st != WS_OK)
        fail_msg("ws_themes_load: %s", ws_ctx_errmsg(fx->ctx));
    assert_non_null(th);
    return th;
}

/* Loading fx->dir fails with WS_ERR_FORMAT at <dir>/<file>:<line>:<col>
 * and the message contains `what` (and `also`, when not NULL). */
static void expect_error(fixture *fx, const char *file, int line, int col,
                         const char *what, const char *also) {
    ws_themes *th = (ws_themes *)&th; /* must be reset to NULL */
    assert_int_equal(ws_themes_load(fx->ctx, fx->dir, &th), WS_ERR_FORMAT);
    assert_null(th);
    assert_int_equal(ws_ctx_status(fx->ctx), WS_ERR_FORMAT);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/%s:%d:%d: ", fx->dir, file, line, col);
    assert_msg_starts(fx->ctx, prefix);
    assert_msg_contains(fx->ctx, what);
    if (also)
        assert_msg_contains(fx->ctx, also);
}

/* The position of every indicator in `order`, checked to be a permutation
 * in which an indicator comes after every indicator it refers to. */
static void check_refs_before(const ws_themes *th, const ws_expr *e,
                              const size_t *pos, size_t self) {
    if (!e)
        return;
    if (e->op == WS_EXPR_REF && e->ind >= 0)
        assert_true(pos[e->ind] < pos[self]);
    for (size_t i = 0; i < e->nargs; i++)
        check_refs_before(th, e->args[i], pos, self);
}

static void check_order(ws_themes *th, size_t *order) {
    size_t *pos = malloc((th->nind + 1) * sizeof *pos);
    assert_non_null(pos);
    for (size_t i = 0; i < th->nind; i++)
        pos[i] = (size_t)-1;
    for (size_t k = 0; k < th->nind; k++) {
        assert_true(order[k] < th->nind);
        assert_true(pos[order[k]] == (size_t)-1); /* each exactly once */
        pos[order[k]] = k;
    }
    for (size_t i = 0; i < th->nind; i++)
        check_refs_before(th, th->ind[i].value, pos, i);
    free(pos);
}

static char *format_expr(ws_ctx *ctx, const ws_expr *e) {
    ws_strbuf sb;
    ws__sb_init(&sb, ctx);
    ws__expr_format(e, &sb);
    const char *s = ws__sb_str(&sb);
    assert_non_null(s);
    char *copy = strdup(s);
    ws__sb_free(&sb);
    assert_non_null(copy);
    return copy;
}

static void assert_format(ws_ctx *ctx, const ws_expr *e, const char *want) {
    char *s = format_expr(ctx, e);
    if (strcmp(s, want) != 0) {
        char got[512];
        snprintf(got, sizeof got, "%s", s);
        free(s);
        fail_msg("formatted \"%s\", expected \"%s\"", got, want);
    }
    free(s);
}

/* --- the shipped theme layers -------------------------------------------- */

static void test_default_themes_load(void **state) {
    fixture *fx = *state;
    ws_themes *th = NULL;
    assert_int_equal(
        ws_themes_load(fx->ctx, WS_SOURCE_DIR "/layers/themes", &th), WS_OK);
    assert_int_equal(ws_themes_count(th), 4);
    static const char *const names[] = {"gezond", "informeel", "inclusief",
                                        "vitaal"};
    static const char *const labels[] = {"De gezonde wijk", "De informele wijk",
                                         "De inclusieve wijk",
                                         "De vitale wijk"};
    static const size_t nind[] = {7, 5, 8, 3};
    static const long order[] = {1, 2, 3, 4};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(ws_themes_name(th, i), names[i]);
        assert_string_equal(ws_themes_label(th, i), labels[i]);
        assert_int_equal(th->themes[i].composite, i == 3);
        assert_int_equal(th->themes[i].nmembers, nind[i]);
        assert_int_equal(th->themes[i].order, order[i]);
        assert_non_null(th->themes[i].description);
    }
    assert_null(ws_themes_name(th, 4));
    assert_null(ws_themes_label(th, 4));
    assert_double_near(th->themes[0].min_coverage, 0.5, 0);
    assert_double_near(th->themes[3].min_coverage, 0.66, 0);
    /* every indicator belongs to the theme (after sorting) that lists it */
    assert_int_equal(th->nind, 7 + 5 + 8);
    for (size_t t = 0; t < 3; t++)
        for (size_t m = 0; m < th->themes[t].nmembers; m++)
            assert_int_equal(th->ind[th->themes[t].members[m]].theme, t);
    /* the composite's members are the three themes, in the YAML's order */
    const ws_theme *v = &th->themes[3];
    for (size_t m = 0; m < 3; m++) {
        if (v->members[m] >= th->nthemes)
            fail_msg("composite member %zu is theme %zu", m, v->members[m]);
        assert_string_equal(th->themes[v->members[m]].name, names[m]);
        assert_double_near(v->weights[m], 1, 0);
    }
    ws_themes_free(th);
    assert_int_equal(ws_ctx_status(fx->ctx), WS_OK);
}

static void test_default_indicators(void **state) {
    fixture *fx = *state;
    ws_themes *th = NULL;
    assert_int_equal(
        ws_themes_load(fx->ctx, WS_SOURCE_DIR "/layers/themes", &th), WS_OK);
    /* a threshold indicator without value: the column of its own name */
    const ws_indicator *ind =
        &th->ind[find_ind(th, "afstand_huisarts_gemiddeld")];
    assert_null(ind->value);
    assert_int_equal(ind->norm.direction, WS_DIR_LOWER_BETTER);
    assert_int_equal(ind->norm.method, WS_NORM_THRESHOLD);
    assert_double_near(ind->norm.bad, 1500, 0);
    assert_double_near(ind->norm.good, 500, 0);
    assert_double_near(ind->weight, 1, 0);
    assert_string_equal(ind->unit, "m");
    assert_string_equal(ind->label, "Afstand tot de huisarts");
    assert_string_equal(th->themes[ind->theme].name, "gezond");
    ind = &th->ind[find_ind(th, "aandeel_basisvoorzieningen_binnen_500m")];
    assert_double_near(ind->weight, 2, 0);
    ind = &th->ind[find_ind(th, "gemiddelde_huishoudsgrootte")];
    assert_int_equal(ind->norm.direction, WS_DIR_CONTEXT);
    assert_string_equal(th->themes[ind->theme].name, "informeel");
    /* entropy over three columns, one of which is also an indicator */
    ind = &th->ind[find_ind(th, "mix_eigendom")];
    assert_string_equal(th->themes[ind->theme].name, "inclusief");
    assert_non_null(ind->value);
    assert_int_equal(ind->value->op, WS_EXPR_ENTROPY);
    assert_int_equal(ind->value->nargs, 3);
    assert_int_equal(ind->value->args[0]->ind, -1);
    assert_int_equal(ind->value->args[1]->ind,
                     find_ind(th, "perc_huurwoningen_in_bezit_"
                                  "woningcorporaties"));
    assert_format(fx->ctx, ind->value,
                  "entropy(percentage_koopwoningen, "
                  "perc_huurwoningen_in_bezit_woningcorporaties, "
                  "perc_huurwoningen_in_bezit_overige_verhuurders)");
    assert_format(fx->ctx, th->ind[find_ind(th, "frictie_ouderen")].value,
                  "ratio(product(aantal_inwoners, "
                  "percentage_personen_65_jaar_en_ouder, 0.01), "
                  "woningen_zorggeschikt)");
    /* a plain reference to an indicator of another theme */
    ind = &th->ind[find_ind(th, "wmo_concentratie")];
    assert_int_equal(ind->value->op, WS_EXPR_REF);
    assert_int_equal(ind->value->ind,
                     find_ind(th, "aantal_wmo_clienten_per_1000_inwoners"));
    assert_double_near(ind->weight, 0.5, 0);
    /* the computation order covers all and puts references first */
    size_t order[32];
    assert_true(th->nind <= 32);
    assert_int_equal(ws__themes_order(th, order), WS_OK);
    check_order(th, order);
    ws_themes_free(th);
}

static void test_api_arguments(void **state) {
    fixture *fx = *state;
    ws_themes *th = NULL;
    assert_int_equal(ws_themes_load(NULL, fx->dir, &th), WS_ERR_INVALID_ARG);
    assert_int_equal(ws_themes_load(fx->ctx, NULL, &th), WS_ERR_INVALID_ARG);
    assert_int_equal(ws_themes_load(fx->ctx, fx->dir, NULL),
                     WS_ERR_INVALID_ARG);
    ws_themes_free(NULL);
    assert_int_equal(ws_themes_count(NULL), 0);
    assert_null(ws_themes_name(NULL, 0));
    assert_null(ws_themes_label(NULL, 0));
}

/* --- a small valid layer, and errors in layers ----------------------------
 * Lines 1–7 of most files below: */
#define HEAD                                                                   \
    "kind: theme\n"       /* 1 */                                              \
    "name: a\n"           /* 2 */                                              \
    "label: Thema A\n"    /* 3 */                                              \
    "indicators:\n"       /* 4 */                                              \
    "  - name: x\n"       /* 5: the indicator mapping starts at col 5 */       \
    "    label: X\n"      /* 6 */                                              \
    "    definition: D\n" /* 7 */

static void test_unknown_key_suggests(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n" /* 8 */
                    "    weigth: 2\n");       /* 9 */
    expect_error(fx, "a.yaml", 9, 5, "unknown key 'weigth'",
                 "did you mean 'weight'?");
}

static void test_unknown_key_in_theme(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               "kind: theme\n"
               "name: a\n"
               "lable: A\n"); /* 3 */
    expect_error(fx, "a.yaml", 3, 1, "unknown key 'lable'",
                 "did you mean 'label'?");
}

static void test_direction_missing(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    weight: 2\n");
    expect_error(fx, "a.yaml", 5, 5, "indicator 'x' needs 'direction: higher'",
                 "'lower' or 'context'");
}

static void test_direction_unknown(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    direction: sideways\n"); /* 8 */
    expect_error(fx, "a.yaml", 8, 16,
                 "'direction' must be one of higher, "
                 "lower, context, not 'sideways'",
                 NULL);
}

static void test_threshold_without_anchors(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"    /* 8 */
                    "    normalize: threshold\n" /* 9 */
                    "    bad: 0\n");             /* 10 */
    expect_error(fx, "a.yaml", 5, 5,
                 "indicator 'x': 'normalize: threshold' "
                 "needs both 'bad' and 'good'",
                 NULL);
}

static void test_anchors_contradict_lower(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: lower\n"     /* 8 */
                    "    normalize: threshold\n" /* 9 */
                    "    bad: 500\n"             /* 10 */
                    "    good: 1500\n");         /* 11: value at col 11 */
    expect_error(fx, "a.yaml", 11, 11,
                 "indicator 'x' is 'direction: lower', so 'good' (1500) must "
                 "be lower than 'bad' (500)",
                 NULL);
}

static void test_anchors_contradict_higher(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    normalize: threshold\n"
                    "    good: 0\n" /* 10 */
                    "    bad: 1\n");
    expect_error(fx, "a.yaml", 10, 11,
                 "indicator 'x' is 'direction: higher', so 'good' (0) must "
                 "be higher than 'bad' (1)",
                 NULL);
}

static void test_anchors_equal(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    normalize: threshold\n"
                    "    bad: 1\n"
                    "    good: 1\n"); /* 11 */
    expect_error(fx, "a.yaml", 11, 11, "'good' must differ from 'bad' (both 1)",
                 NULL);
}

static void test_anchors_without_threshold(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    normalize: zscore\n"
                    "    good: 1\n"); /* 10 */
    expect_error(fx, "a.yaml", 10, 11,
                 "'bad' and 'good' belong to 'normalize: threshold', not "
                 "'zscore'",
                 NULL);
}

static void test_weight_on_context(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: context\n" /* 8 */
                    "    weight: 2\n");        /* 9: value at col 13 */
    expect_error(fx, "a.yaml", 9, 13,
                 "indicator 'x' is 'direction: context' (shown, not scored), "
                 "so 'weight' has no meaning",
                 NULL);
}

static void test_duplicate_indicator(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    direction: higher\n");
    write_file(fx, "b.yaml",
               "kind: theme\n"
               "name: b\n"
               "label: Thema B\n"
               "indicators:\n"
               "  - name: y\n"
               "    label: Y\n"
               "    definition: D\n"
               "    direction: lower\n"
               "  - name: x\n" /* 9: the name at col 11 */
               "    label: X again\n"
               "    definition: D\n"
               "    direction: higher\n");
    char first[300];
    snprintf(first, sizeof first, "indicator 'x' is already defined at %s/%s",
             fx->dir, "a.yaml:5:11");
    expect_error(fx, "b.yaml", 9, 11, first, NULL);
}

static void test_duplicate_theme(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    direction: higher\n");
    write_file(fx, "b.yaml",
               "kind: theme\n"
               "name: a\n" /* 2: col 7 */
               "label: Thema B\n"
               "indicators:\n"
               "  - {name: y, label: Y, definition: D, direction: higher}\n");
    char first[300];
    snprintf(first, sizeof first, "theme 'a' is also defined in %s/a.yaml",
             fx->dir);
    expect_error(fx, "b.yaml", 2, 7, first, NULL);
}

static void test_composite_unknown_theme(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    direction: higher\n");
    write_file(fx, "c.yaml",
               "kind: composite\n"
               "name: c\n"
               "label: Samen\n"
               "themes:\n"
               "  - theme: a\n"
               "  - theme: zz\n"); /* 6: col 12 */
    expect_error(fx, "c.yaml", 6, 12, "unknown theme 'zz'", NULL);
}

static void test_composite_of_composite(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    direction: higher\n");
    write_file(fx, "c.yaml",
               "kind: composite\n"
               "name: c\n"
               "label: Samen\n"
               "themes:\n"
               "  - theme: a\n");
    write_file(fx, "d.yaml",
               "kind: composite\n"
               "name: d\n"
               "label: Nog meer samen\n"
               "themes:\n"
               "  - {theme: a, weight: 1}\n"
               "  - theme: c\n"); /* 6: col 12 */
    expect_error(fx, "d.yaml", 6, 12, "'c' is itself a composite",
                 "a composite combines plain themes");
}

static void test_theme_only_context(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: context\n"
                    "  - {name: y, label: Y, definition: D, "
                    "direction: context}\n");
    /* at the list of indicators, which starts at line 5, col 3 */
    expect_error(fx, "a.yaml", 5, 3,
                 "theme 'a' has no scored indicator with a positive weight",
                 NULL);
}

static void test_theme_weights_zero(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    weight: 0\n"
                    "  - {name: y, label: Y, definition: D, "
                    "direction: context}\n");
    expect_error(fx, "a.yaml", 5, 3,
                 "theme 'a' has no scored indicator with a positive weight",
                 NULL);
}

static void test_expr_operand_count(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    value: {ratio: [p, q, r]}\n"); /* 9: '[' at col 20 */
    expect_error(fx, "a.yaml", 9, 20, "'ratio' takes 2 operands, not 3", NULL);
}

static void test_expr_too_few_operands(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    value:\n"
                    "      entropy: [p]\n"); /* 10: '[' at col 16 */
    expect_error(fx, "a.yaml", 10, 16,
                 "'entropy' takes at least 2 operands, "
                 "not 1",
                 NULL);
}

static void test_expr_too_many_operands(void **state) {
    fixture *fx = *state;
    char text[1024];
    size_t n =
        (size_t)snprintf(text, sizeof text,
                         "%s    direction: higher\n    value: {sum: [p", HEAD);
    for (int i = 1; i < 65; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, ", p");
    snprintf(text + n, sizeof text - n, "]}\n");
    write_file(fx, "a.yaml", text); /* line 9, '[' at col 18 */
    expect_error(fx, "a.yaml", 9, 18, "'sum' takes at most 64 operands, not 65",
                 NULL);
}

static void test_expr_unknown_operation(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    value: {ratoi: [p, q]}\n"); /* 9: key at col 13 */
    expect_error(fx, "a.yaml", 9, 13, "'ratoi'", "did you mean 'ratio'?");
}

static void test_expr_two_operations(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    value: {ratio: [p, q], sum: [p, q]}\n"); /* col 12 */
    expect_error(fx, "a.yaml", 9, 12,
                 "an expression has exactly one "
                 "operation",
                 NULL);
}

static void test_expr_operands_not_a_list(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "    value: {share: p}\n"); /* 9: 'p' at col 20 */
    expect_error(fx, "a.yaml", 9, 20, "expected a list (a list of operands)",
                 NULL);
}

static void test_expr_too_deep(void **state) {
    fixture *fx = *state;
    char text[1024];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "%s    direction: higher\n    value: ", HEAD);
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "{sum: [1, ");
    n += (size_t)snprintf(text + n, sizeof text - n, "p");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "]}");
    snprintf(text + n, sizeof text - n, "\n");
    write_file(fx, "a.yaml", text);
    ws_themes *th = NULL;
    assert_int_equal(ws_themes_load(fx->ctx, fx->dir, &th), WS_ERR_FORMAT);
    assert_null(th);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s/a.yaml:9:", fx->dir);
    assert_msg_starts(fx->ctx, prefix);
    assert_msg_contains(fx->ctx, "expression nested too deeply");
}

/* a → b → a; the error is at the reference that closes the cycle */
static void test_cycle_two(void **state) {
    fixture *fx = *state;
    write_file(fx, "t.yaml",
               "kind: theme\n"
               "name: t\n"
               "label: T\n"
               "indicators:\n"
               "  - name: a\n"
               "    label: A\n"
               "    definition: D\n"
               "    direction: higher\n"
               "    value: {ratio: [b, n]}\n"
               "  - name: b\n"
               "    label: B\n"
               "    definition: D\n"
               "    direction: higher\n"
               "    value: {sum: [m, a]}\n"); /* 14: 'a' at col 22 */
    expect_error(fx, "t.yaml", 14, 22,
                 "indicators refer to each other in a cycle: a → b → a", NULL);
}

/* d → a → b → c → a: d uses the cycle but is not part of it */
static void test_cycle_three(void **state) {
    fixture *fx = *state;
    write_file(fx, "t.yaml",
               "kind: theme\n"
               "name: t\n"
               "label: T\n"
               "indicators:\n"
               "  - {name: d, label: D, definition: D, direction: higher,\n"
               "     value: {product: [a, 2]}}\n"
               "  - {name: a, label: A, definition: D, direction: higher,\n"
               "     value: {difference: [b, 1]}}\n"
               "  - {name: b, label: B, definition: D, direction: higher,\n"
               "     value: c}\n"
               "  - {name: c, label: C, definition: D, direction: higher,\n"
               "     value: {share: [x, a]}}\n"); /* 12: 'a' at col 25 */
    expect_error(fx, "t.yaml", 12, 25,
                 "indicators refer to each other in a cycle: a → b → c → a",
                 NULL);
}

static void test_empty_directory(void **state) {
    fixture *fx = *state;
    write_file(fx, "notes.txt", "kind: theme\n"); /* not a layer */
    ws_themes *th = (ws_themes *)&th;
    assert_int_equal(ws_themes_load(fx->ctx, fx->dir, &th),
                     WS_ERR_IO_NOT_FOUND);
    assert_null(th);
    char msg[300];
    snprintf(msg, sizeof msg, "%s: no theme layers (*.yaml) in this directory",
             fx->dir);
    assert_string_equal(ws_ctx_errmsg(fx->ctx), msg);
}

static void test_missing_directory(void **state) {
    fixture *fx = *state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/geen_map", fx->dir);
    ws_themes *th = (ws_themes *)&th;
    assert_int_equal(ws_themes_load(fx->ctx, dir, &th), WS_ERR_IO_NOT_FOUND);
    assert_null(th);
    char msg[400];
    snprintf(msg, sizeof msg, "%s: cannot read the theme layers directory",
             dir);
    assert_msg_starts(fx->ctx, msg);
}

static void test_non_yaml_ignored(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml", HEAD "    direction: higher\n");
    write_file(fx, "b.yml",
               "kind: theme\n"
               "name: b\n"
               "order: 0\n"
               "label: Thema B\n"
               "indicators: [{name: y, label: Y, definition: D, "
               "direction: lower}]\n");
    /* none of these is a layer; each would fail to load */
    write_file(fx, "notes.txt", "kind: [[[ not yaml\n");
    write_file(fx, "README.md", "# Thema's\n\n- kind: theme\n");
    write_file(fx, "a.yaml~", "kind: nonsense\n");
    write_file(fx, ".a.yaml", "kind: nonsense\n"); /* hidden */
    write_file(fx, "yaml", "kind: nonsense\n");
    ws_themes *th = load_ok(fx);
    assert_int_equal(ws_themes_count(th), 2);
    assert_string_equal(ws_themes_name(th, 0), "b"); /* order 0 < 100 */
    assert_string_equal(ws_themes_name(th, 1), "a");
    assert_string_equal(ws_themes_label(th, 1), "Thema A");
    assert_int_equal(th->nind, 2);
    ws_themes_free(th);
}

/* A composite whose file sorts first: its members must still name the
 * themes it lists, with their weights, after the themes are put in order. */
static void test_composite_members_after_sorting(void **state) {
    fixture *fx = *state;
    write_file(fx, "0_samen.yaml",
               "kind: composite\n"
               "name: samen\n"
               "label: Samen\n"
               "themes:\n"
               "  - {theme: b, weight: 3}\n"
               "  - {theme: a, weight: 1}\n");
    write_file(fx, "a.yaml",
               "kind: theme\nname: a\norder: 1\nlabel: A\nindicators:\n"
               "  - {name: x, label: X, definition: D, direction: higher}\n");
    write_file(fx, "b.yaml",
               "kind: theme\nname: b\norder: 2\nlabel: B\nindicators:\n"
               "  - {name: y, label: Y, definition: D, direction: higher}\n"
               "  - {name: z, label: Z, definition: D, direction: lower}\n");
    ws_themes *th = load_ok(fx);
    assert_int_equal(ws_themes_count(th), 3);
    assert_string_equal(ws_themes_name(th, 0), "a");
    assert_string_equal(ws_themes_name(th, 1), "b");
    assert_string_equal(ws_themes_name(th, 2), "samen");
    const ws_theme *c = &th->themes[2];
    assert_true(c->composite);
    assert_int_equal(c->nmembers, 2);
    assert_int_equal(c->members[0], find_theme(th, "b"));
    assert_int_equal(c->members[1], find_theme(th, "a"));
    assert_double_near(c->weights[0], 3, 0);
    assert_double_near(c->weights[1], 1, 0);
    assert_int_equal(th->ind[find_ind(th, "x")].theme, 0);
    assert_int_equal(th->ind[find_ind(th, "y")].theme, 1);
    assert_int_equal(th->ind[find_ind(th, "z")].theme, 1);
    ws_themes_free(th);
}

/* Plain themes by order, then by name (not by file name); a negative order
 * is kept as written. */
static void test_theme_order_and_ties(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               "kind: theme\nname: zeta\norder: 5\nlabel: Z\nindicators:\n"
               "  - {name: x, label: X, definition: D, direction: higher}\n");
    write_file(fx, "b.yaml",
               "kind: theme\nname: alpha\norder: 5\nlabel: A\nindicators:\n"
               "  - {name: y, label: Y, definition: D, direction: higher}\n");
    write_file(fx, "c.yaml",
               "kind: theme\nname: eerst\norder: -1\nlabel: E\nindicators:\n"
               "  - {name: z, label: Z, definition: D, direction: higher}\n");
    write_file(fx, "d.yaml",
               "kind: theme\nname: laatst\nlabel: L\nindicators:\n"
               "  - {name: w, label: W, definition: D, direction: higher}\n");
    ws_themes *th = load_ok(fx);
    assert_int_equal(ws_themes_count(th), 4);
    assert_string_equal(ws_themes_name(th, 0), "eerst");
    assert_string_equal(ws_themes_name(th, 1), "alpha");
    assert_string_equal(ws_themes_name(th, 2), "zeta");
    assert_string_equal(ws_themes_name(th, 3), "laatst");
    assert_int_equal(th->themes[0].order, -1);
    assert_int_equal(th->themes[1].order, 5);
    assert_int_equal(th->themes[2].order, 5);
    assert_int_equal(th->themes[3].order, 100); /* the default */
    assert_int_equal(th->ind[find_ind(th, "z")].theme, 0);
    assert_int_equal(th->ind[find_ind(th, "y")].theme, 1);
    assert_int_equal(th->ind[find_ind(th, "x")].theme, 2);
    assert_int_equal(th->ind[find_ind(th, "w")].theme, 3);
    ws_themes_free(th);
}

/* --- expressions ----------------------------------------------------------
 * The level table: two rows.
 *
 *   column   row 0          row 1
 *   p        6              later_gepubliceerd (CBS -99995)
 *   q        3              0
 *   r        1              2
 *   nul      0              0
 *   neg      -1             -1
 *   groot    1e200          1e200
 *   geheim   geheim (-99997) 5
 *   leeg     leeg           leeg
 *   naam     "x" (text)     "y" (text)
 */
#define NROWS 2
#define MAXIND 40

static ws_table *make_table(ws_ctx *ctx) {
    ws_table *t = NULL;
    assert_int_equal(ws__table_new(ctx, &t), WS_OK);
    assert_int_equal(ws__table_add_rows(t, NROWS), WS_OK);
    size_t c;
    static const char *const real_cols[] = {
        "p", "q", "r", "nul", "neg", "groot", "geheim", "leeg", NULL};
    for (size_t i = 0; real_cols[i]; i++)
        assert_int_equal(ws__table_add_col(t, real_cols[i], WS_COL_REAL, &c),
                         WS_OK);
    ws__table_set_real(t, 0, 0, 6);
    ws__table_set_cbs(t, 0, 1, -99995);
    ws__table_set_real(t, 1, 0, 3);
    ws__table_set_real(t, 1, 1, 0);
    ws__table_set_real(t, 2, 0, 1);
    ws__table_set_real(t, 2, 1, 2);
    for (size_t r = 0; r < NROWS; r++) {
        ws__table_set_real(t, 3, r, 0);
        ws__table_set_real(t, 4, r, -1);
        ws__table_set_real(t, 5, r, 1e200);
    }
    ws__table_set_cbs(t, 6, 0, -99997);
    ws__table_set_cbs(t, 6, 1, 5);
    ws__table_set_missing(t, 7, 0, WS_MISSING_EMPTY);
    assert_int_equal(ws__table_add_col(t, "naam", WS_COL_TEXT, &c), WS_OK);
    assert_int_equal(ws__table_set_text(t, c, 0, "x"), WS_OK);
    assert_int_equal(ws__table_set_text(t, c, 1, "y"), WS_OK);
    /* the table as the comment says */
    double v;
    assert_int_equal(ws_table_get_real(t, 0, 1, &v), WS_MISSING_LATER);
    assert_int_equal(ws_table_get_real(t, 6, 0, &v), WS_MISSING_SECRET);
    assert_int_equal(ws_table_get_real(t, 7, 1, &v), WS_MISSING_EMPTY);
    return t;
}

typedef struct evaluated {
    ws_themes *th;
    ws_table *t;
    size_t order[MAXIND];
    double val[MAXIND][NROWS];
    uint8_t miss[MAXIND][NROWS];
} evaluated;

/* Load fx->dir and compute every indicator on the table as the score stage
 * does: in ws__themes_order's order, binding each expression to the table;
 * an indicator without value is the column of its own name. */
static evaluated *evaluate(fixture *fx) {
    evaluated *ev = calloc(1, sizeof *ev);
    assert_non_null(ev);
    ev->th = load_ok(fx);
    ev->t = make_table(fx->ctx);
    ws_themes *th = ev->th;
    assert_true(th->nind <= MAXIND);
    assert_int_equal(ws__themes_order(th, ev->order), WS_OK);
    check_order(th, ev->order);
    double *raw[MAXIND];
    uint8_t *raw_m[MAXIND];
    for (size_t i = 0; i < MAXIND; i++) {
        raw[i] = ev->val[i];
        raw_m[i] = ev->miss[i];
        for (size_t r = 0; r < NROWS; r++)
            ev->miss[i][r] = 0xff; /* not computed yet */
    }
    for (size_t k = 0; k < th->nind; k++) {
        size_t i = ev->order[k];
        const ws_expr *e = th->ind[i].value;
        if (e)
            ws__expr_bind(th->ind[i].value, ev->t);
        long col = e ? -1 : ws_table_find(ev->t, th->ind[i].name);
        for (size_t r = 0; r < NROWS; r++) {
            if (e) {
                ws__expr_eval(e, ev->t, r, raw, raw_m, &ev->val[i][r],
                              &ev->miss[i][r]);
            } else if (col >= 0) {
                ev->miss[i][r] = (uint8_t)ws_table_get_real(ev->t, (size_t)col,
                                                            r, &ev->val[i][r]);
            } else {
                ev->val[i][r] = NAN;
                ev->miss[i][r] = WS_MISSING_NOT_IN_INPUT;
            }
        }
    }
    return ev;
}

static void evaluated_free(evaluated *ev) {
    ws_themes_free(ev->th);
    ws__table_free(ev->t);
    free(ev);
}

static void assert_ind_value(const evaluated *ev, const char *name, size_t row,
                             double want) {
    long i = find_ind(ev->th, name);
    if (ev->miss[i][row] != WS_PRESENT)
        fail_msg("%s, row %zu: missing (%s), expected %.17g", name, row,
                 ws_missing_key((ws_missing)ev->miss[i][row]), want);
    if (!(fabs(ev->val[i][row] - want) <= 1e-12 * fmax(1, fabs(want))))
        fail_msg("%s, row %zu: %.17g, expected %.17g", name, row,
                 ev->val[i][row], want);
}

static void assert_ind_missing(const evaluated *ev, const char *name,
                               size_t row, ws_missing want) {
    long i = find_ind(ev->th, name);
    if (ev->miss[i][row] != want)
        fail_msg("%s, row %zu: %s (value %.17g), expected %s", name, row,
                 ev->miss[i][row] == WS_PRESENT
                     ? "present"
                     : ws_missing_key((ws_missing)ev->miss[i][row]),
                 ev->val[i][row], ws_missing_key(want));
    assert_true(isnan(ev->val[i][row]));
}

/* Write t.yaml: theme "t" with one indicator per {name, value}; a NULL
 * value leaves `value` out (the column of the indicator's own name). */
static void write_theme_t(fixture *fx, const char *const (*inds)[2], size_t n) {
    static char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "kind: theme\nname: t\nlabel: T\n"
                                  "indicators:\n");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "  - {name: %s, label: L, definition: D, "
                                "direction: higher%s%s}\n",
                                inds[i][0], inds[i][1] ? ", value: " : "",
                                inds[i][1] ? inds[i][1] : "");
        assert_true(len < sizeof text);
    }
    write_file(fx, "t.yaml", text);
}
#define WRITE_T(fx, inds) write_theme_t(fx, inds, sizeof inds / sizeof inds[0])

static void test_eval_operations(void **state) {
    fixture *fx = *state;
    static const char *const inds[][2] = {
        {"verhouding", "{ratio: [p, q]}"},
        {"verschil", "{difference: [p, q]}"},
        {"aandeel", "{share: [q, p]}"},
        {"som", "{sum: [p, q, r]}"},
        {"product", "{product: [p, q, 0.5]}"},
        {"constante", "{sum: [q, -2.5]}"},
        {"geneste", "{ratio: [{difference: [p, r]}, {sum: [q, 2]}]}"},
        {"gelijk4", "{entropy: [r, r, r, r]}"},
        {"een_deel", "{entropy: [r, nul, nul]}"},
        {"een_op_drie", "{entropy: [r, q]}"},
        {"drie_delen", "{entropy: [p, q, r]}"},
    };
    WRITE_T(fx, inds);
    evaluated *ev = evaluate(fx);
    /* row 0: p = 6, q = 3, r = 1 */
    assert_ind_value(ev, "verhouding", 0, 2);  /* 6 / 3 */
    assert_ind_value(ev, "verschil", 0, 3);    /* 6 − 3 */
    assert_ind_value(ev, "aandeel", 0, 50);    /* 100 · 3 / 6 */
    assert_ind_value(ev, "som", 0, 10);        /* 6 + 3 + 1 */
    assert_ind_value(ev, "product", 0, 9);     /* 6 · 3 · 0.5 */
    assert_ind_value(ev, "constante", 0, 0.5); /* 3 − 2.5 */
    assert_ind_value(ev, "geneste", 0, 1);     /* (6 − 1) / (3 + 2) */
    assert_ind_value(ev, "gelijk4", 0, 1);     /* four equal parts */
    assert_ind_value(ev, "een_deel", 0, 0);    /* one part holds all */
    /* shares 1/4 and 3/4: −(¼ ln ¼ + ¾ ln ¾) / ln 2 = ½ + ¾·log₂(4/3) */
    assert_ind_value(ev, "een_op_drie", 0, 0.811278124459133);
    /* shares 0.6, 0.3, 0.1: −Σ p ln p / ln 3 ≈ 0.81735 */
    assert_ind_value(ev, "drie_delen", 0,
                     -(0.6 * log(0.6) + 0.3 * log(0.3) + 0.1 * log(0.1)) /
                         log(3.0));
    assert_double_near(ev->val[find_ind(ev->th, "drie_delen")][0], 0.81735,
                       5e-6);
    /* row 1: p later_gepubliceerd, q = 0, r = 2 */
    assert_ind_value(ev, "gelijk4", 1, 1);
    assert_ind_value(ev, "een_deel", 1, 0);
    assert_ind_value(ev, "een_op_drie", 1, 0); /* (2, 0): one holds all */
    assert_ind_value(ev, "constante", 1, -2.5);
    evaluated_free(ev);
}

static void test_eval_missing_propagates(void **state) {
    fixture *fx = *state;
    static const char *const inds[][2] = {
        {"deel_geheim", "{ratio: [p, geheim]}"},
        {"geheim_eerst", "{sum: [geheim, geen_kolom]}"},
        {"ontbreekt_eerst", "{sum: [geen_kolom, geheim]}"},
        {"genest", "{share: [{sum: [q, geheim]}, r]}"},
        {"leeg_keer", "{product: [leeg, 2]}"},
        {"later_door_nul", "{ratio: [p, q]}"},
    };
    WRITE_T(fx, inds);
    evaluated *ev = evaluate(fx);
    /* geheim in an operand gives geheim */
    assert_ind_missing(ev, "deel_geheim", 0, WS_MISSING_SECRET);
    assert_ind_missing(ev, "genest", 0, WS_MISSING_SECRET);
    /* the first missing operand says why */
    assert_ind_missing(ev, "geheim_eerst", 0, WS_MISSING_SECRET);
    assert_ind_missing(ev, "ontbreekt_eerst", 0, WS_MISSING_NOT_IN_INPUT);
    assert_ind_missing(ev, "leeg_keer", 0, WS_MISSING_EMPTY);
    assert_ind_missing(ev, "leeg_keer", 1, WS_MISSING_EMPTY);
    /* row 1: p later_gepubliceerd; the geheim column holds 5 there */
    assert_ind_missing(ev, "deel_geheim", 1, WS_MISSING_LATER);
    assert_ind_missing(ev, "geheim_eerst", 1, WS_MISSING_NOT_IN_INPUT);
    assert_ind_value(ev, "genest", 1, 250); /* 100 · (0 + 5) / 2 */
    /* a missing numerator wins over a zero denominator */
    assert_ind_missing(ev, "later_door_nul", 1, WS_MISSING_LATER);
    assert_ind_value(ev, "later_door_nul", 0, 2);
    evaluated_free(ev);
}

static void test_eval_undefined(void **state) {
    fixture *fx = *state;
    static const char *const inds[][2] = {
        {"door_nul", "{ratio: [p, nul]}"},
        {"aandeel_van_nul", "{share: [q, nul]}"},
        {"nul_door_nul", "{ratio: [nul, nul]}"},
        {"overloop", "{product: [groot, groot]}"},
        {"overloop_som", "{sum: [groot, groot]}"},
        {"verhouding_overloop", "{ratio: [groot, 1e-200]}"},
        {"negatief_deel", "{entropy: [r, neg]}"},
        {"geen_delen", "{entropy: [nul, nul]}"},
        {"nul_teller", "{ratio: [nul, q]}"},
    };
    WRITE_T(fx, inds);
    evaluated *ev = evaluate(fx);
    for (size_t r = 0; r < NROWS; r++) {
        assert_ind_missing(ev, "door_nul", r,
                           r ? WS_MISSING_LATER : WS_MISSING_UNDEFINED);
        assert_ind_missing(ev, "aandeel_van_nul", r, WS_MISSING_UNDEFINED);
        assert_ind_missing(ev, "nul_door_nul", r, WS_MISSING_UNDEFINED);
        /* 1e200 · 1e200 and 1e200 / 1e-200 are not finite */
        assert_ind_missing(ev, "overloop", r, WS_MISSING_UNDEFINED);
        assert_ind_missing(ev, "verhouding_overloop", r, WS_MISSING_UNDEFINED);
        /* a negative part is no share; parts summing to 0 have none */
        assert_ind_missing(ev, "negatief_deel", r, WS_MISSING_UNDEFINED);
        assert_ind_missing(ev, "geen_delen", r, WS_MISSING_UNDEFINED);
    }
    assert_ind_value(ev, "overloop_som", 0, 2e200);                /* finite */
    assert_ind_value(ev, "nul_teller", 0, 0);                      /* 0 / 3 */
    assert_ind_missing(ev, "nul_teller", 1, WS_MISSING_UNDEFINED); /* 0 / 0 */
    evaluated_free(ev);
}

static void test_eval_not_in_input(void **state) {
    fixture *fx = *state;
    static const char *const inds[][2] = {
        {"ontbreekt", "{sum: [q, geen_kolom]}"},
        {"tekst", "{sum: [q, naam]}"},
        {"alleen_kolom", "geen_kolom"},
        {"verhouding", "{ratio: [p, geen_kolom]}"},
    };
    WRITE_T(fx, inds);
    evaluated *ev = evaluate(fx);
    ws_themes *th = ev->th;
    /* bound: a column absent from the table has col -1 */
    const ws_expr *e = th->ind[find_ind(th, "ontbreekt")].value;
    assert_int_equal(e->args[0]->col, ws_table_find(ev->t, "q"));
    assert_int_equal(e->args[1]->col, -1);
    for (size_t r = 0; r < NROWS; r++) {
        assert_ind_missing(ev, "ontbreekt", r, WS_MISSING_NOT_IN_INPUT);
        /* a text column has no numbers */
        assert_ind_missing(ev, "tekst", r, WS_MISSING_NOT_IN_INPUT);
        assert_ind_missing(ev, "alleen_kolom", r, WS_MISSING_NOT_IN_INPUT);
    }
    assert_ind_missing(ev, "verhouding", 0, WS_MISSING_NOT_IN_INPUT);
    assert_ind_missing(ev, "verhouding", 1, WS_MISSING_LATER); /* p first */
    evaluated_free(ev);
}

/* A name that is an indicator's refers to its raw values, computed first,
 * also when a column has that name; an indicator naming itself means the
 * column; an indicator without value (NULL after loading) is the column of
 * its own name. */
static void test_eval_indicator_references(void **state) {
    fixture *fx = *state;
    static const char *const inds[][2] = {
        {"afgeleid2", "{difference: [afgeleid, basis]}"},
        {"afgeleid", "{product: [basis, 10]}"},
        {"basis", "{ratio: [p, q]}"}, /* q: the indicator below */
        {"q", "{product: [q, 2]}"},   /* q: the column */
        {"q_plus", "{sum: [q, 1]}"},
        {"r_keer", "{product: [r, 3]}"},
        {"r", NULL},
        {"via_geheim", "{sum: [deel, 1]}"},
        {"deel", "{ratio: [q, geheim]}"},
    };
    WRITE_T(fx, inds);
    evaluated *ev = evaluate(fx);
    ws_themes *th = ev->th;
    /* the loader leaves an indicator without value NULL */
    long r_ind = find_ind(th, "r");
    assert_null(th->ind[r_ind].value);
    /* references resolved to indicators, or to the column for itself */
    const ws_expr *e = th->ind[find_ind(th, "afgeleid")].value;
    assert_int_equal(e->args[0]->ind, find_ind(th, "basis"));
    assert_int_equal(e->args[0]->col, -1); /* bound: not a column */
    e = th->ind[find_ind(th, "basis")].value;
    assert_int_equal(e->args[0]->ind, -1);
    assert_int_equal(e->args[0]->col, ws_table_find(ev->t, "p"));
    assert_int_equal(e->args[1]->ind, find_ind(th, "q"));
    e = th->ind[find_ind(th, "q")].value;
    assert_int_equal(e->args[0]->ind, -1);
    assert_int_equal(e->args[0]->col, ws_table_find(ev->t, "q"));
    e = th->ind[find_ind(th, "r_keer")].value;
    assert_int_equal(e->args[0]->ind, r_ind);
    /* the order covers all 9 indicators, each after those it uses */
    assert_int_equal(th->nind, 9);
    size_t pos[MAXIND];
    for (size_t k = 0; k < th->nind; k++)
        pos[ev->order[k]] = k;
    assert_true(pos[find_ind(th, "q")] < pos[find_ind(th, "basis")]);
    assert_true(pos[find_ind(th, "basis")] < pos[find_ind(th, "afgeleid")]);
    assert_true(pos[find_ind(th, "afgeleid")] < pos[find_ind(th, "afgeleid2")]);
    assert_true(pos[r_ind] < pos[find_ind(th, "r_keer")]);
    assert_true(pos[find_ind(th, "deel")] < pos[find_ind(th, "via_geheim")]);
    /* row 0: columns p = 6, q = 3, r = 1; indicator q = 3 · 2 = 6 */
    assert_ind_value(ev, "q", 0, 6);
    assert_ind_value(ev, "q_plus", 0, 7);    /* indicator q + 1, not 3 + 1 */
    assert_ind_value(ev, "basis", 0, 1);     /* 6 / 6 */
    assert_ind_value(ev, "afgeleid", 0, 10); /* basis · 10 */
    assert_ind_value(ev, "afgeleid2", 0, 9); /* 10 − 1 */
    assert_ind_value(ev, "r", 0, 1);
    assert_ind_value(ev, "r_keer", 0, 3);
    assert_ind_missing(ev, "deel", 0, WS_MISSING_SECRET);
    assert_ind_missing(ev, "via_geheim", 0, WS_MISSING_SECRET); /* via deel */
    /* row 1: p later_gepubliceerd, q = 0, r = 2, geheim = 5 */
    assert_ind_missing(ev, "basis", 1, WS_MISSING_LATER);
    assert_ind_missing(ev, "afgeleid", 1, WS_MISSING_LATER);
    assert_ind_missing(ev, "afgeleid2", 1, WS_MISSING_LATER);
    assert_ind_value(ev, "q_plus", 1, 1);     /* 0 · 2 + 1 */
    assert_ind_value(ev, "r_keer", 1, 6);     /* 2 · 3 */
    assert_ind_value(ev, "deel", 1, 0);       /* 0 / 5 */
    assert_ind_value(ev, "via_geheim", 1, 1); /* 0 + 1 */
    evaluated_free(ev);
}

/* Without any `value`, the order still covers every indicator. */
static void test_order_without_values(void **state) {
    fixture *fx = *state;
    write_file(fx, "a.yaml",
               HEAD "    direction: higher\n"
                    "  - {name: y, label: Y, definition: D, direction: lower}\n"
                    "  - {name: z, label: Z, definition: D, "
                    "direction: context}\n");
    ws_themes *th = load_ok(fx);
    assert_int_equal(th->nind, 3);
    size_t order[3], seen = 0;
    assert_int_equal(ws__themes_order(th, order), WS_OK);
    for (size_t k = 0; k < 3; k++) {
        assert_null(th->ind[k].value);
        seen |= (size_t)1 << order[k];
    }
    assert_int_equal(seen, 7);
    ws_themes_free(th);
}

static void test_expr_format(void **state) {
    fixture *fx = *state;
    static const char *const inds[][2] = {
        {"f1", "{ratio: [a, {product: [b, 0.01]}]}"},
        {"f2", "{share: [a, -2.5]}"},
        {"f3", "{entropy: [x, y, z]}"},
        {"f4", "{difference: [{sum: [a, b, c]}, 100]}"},
        {"f5", "kolom"},
        {"f6", "{sum: [a, '2020', 2020]}"},
        {"f7", "{product: [a, 1234567]}"},
        {"f8", "{ratio: [f1, 1e-3]}"},
    };
    WRITE_T(fx, inds);
    ws_themes *th = load_ok(fx);
    assert_format(fx->ctx, th->ind[find_ind(th, "f1")].value,
                  "ratio(a, product(b, 0.01))");
    assert_format(fx->ctx, th->ind[find_ind(th, "f2")].value, "share(a, -2.5)");
    assert_format(fx->ctx, th->ind[find_ind(th, "f3")].value,
                  "entropy(x, y, z)");
    assert_format(fx->ctx, th->ind[find_ind(th, "f4")].value,
                  "difference(sum(a, b, c), 100)");
    assert_format(fx->ctx, th->ind[find_ind(th, "f5")].value, "kolom");
    /* a quoted number is a column name */
    const ws_expr *e = th->ind[find_ind(th, "f6")].value;
    assert_int_equal(e->args[1]->op, WS_EXPR_REF);
    assert_string_equal(e->args[1]->name, "2020");
    assert_int_equal(e->args[2]->op, WS_EXPR_NUM);
    assert_double_near(e->args[2]->num, 2020, 0);
    assert_format(fx->ctx, e, "sum(a, 2020, 2020)");
    /* constants as written, not rounded to six digits */
    assert_format(fx->ctx, th->ind[find_ind(th, "f7")].value,
                  "product(a, 1234567)");
    /* a reference to another indicator is shown by its name */
    assert_format(fx->ctx, th->ind[find_ind(th, "f8")].value,
                  "ratio(f1, 0.001)");
    ws_themes_free(th);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_default_themes_load),
        T(test_default_indicators),
        T(test_api_arguments),
        T(test_unknown_key_suggests),
        T(test_unknown_key_in_theme),
        T(test_direction_missing),
        T(test_direction_unknown),
        T(test_threshold_without_anchors),
        T(test_anchors_contradict_lower),
        T(test_anchors_contradict_higher),
        T(test_anchors_equal),
        T(test_anchors_without_threshold),
        T(test_weight_on_context),
        T(test_duplicate_indicator),
        T(test_duplicate_theme),
        T(test_composite_unknown_theme),
        T(test_composite_of_composite),
        T(test_theme_only_context),
        T(test_theme_weights_zero),
        T(test_expr_operand_count),
        T(test_expr_too_few_operands),
        T(test_expr_too_many_operands),
        T(test_expr_unknown_operation),
        T(test_expr_two_operations),
        T(test_expr_operands_not_a_list),
        T(test_expr_too_deep),
        T(test_cycle_two),
        T(test_cycle_three),
        T(test_empty_directory),
        T(test_missing_directory),
        T(test_non_yaml_ignored),
        T(test_composite_members_after_sorting),
        T(test_theme_order_and_ties),
        T(test_eval_operations),
        T(test_eval_missing_propagates),
        T(test_eval_undefined),
        T(test_eval_not_in_input),
        T(test_eval_indicator_references),
        T(test_order_without_values),
        T(test_expr_format),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
