/* Unit tests for the attribute tables (src/model/table.c): columns and rows,
 * values with missing reasons, the CBS no-data rule (any value <= -99990 is
 * missing), the code index with duplicate detection, row filtering and the
 * missing-reason keys and labels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model_internal.h"
#include "wijkscan/context.h"
#include "wijkscan/dataset.h"

/* --- a context whose allocator counts live blocks ------------------------ */

typedef struct fixture {
    ws_ctx *ctx;
    long live;
} fixture;

static void *count_malloc(size_t size, void *user) {
    void *p = malloc(size);
    if (p)
        ((fixture *)user)->live++;
    return p;
}
static void *count_realloc(void *ptr, size_t size, void *user) {
    void *p = realloc(ptr, size);
    if (p && !ptr)
        ((fixture *)user)->live++;
    return p;
}
static void count_free(void *ptr, void *user) {
    if (ptr)
        ((fixture *)user)->live--;
    free(ptr);
}

static int setup(void **state) {
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    ws_ctx_options opt;
    ws_ctx_options_init(&opt);
    opt.allocator.malloc_fn = count_malloc;
    opt.allocator.realloc_fn = count_realloc;
    opt.allocator.free_fn = count_free;
    opt.allocator.user = fx;
    if (ws_ctx_new(&opt, &fx->ctx) != WS_OK)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixture *fx = *state;
    ws_ctx_free(fx->ctx);
    long live = fx->live;
    free(fx);
    if (live != 0) {
        fprintf(stderr, "%ld block(s) leaked\n", live);
        return -1;
    }
    return 0;
}

static void assert_missing(const ws_table *t, size_t col, size_t row,
                           ws_missing expected) {
    double v = 0;
    ws_missing m = ws_table_get_real(t, col, row, &v);
    if (m != expected)
        fail_msg("cell %zu/%zu: %s, expected %s", col, row, ws_missing_key(m),
                 ws_missing_key(expected));
    assert_true(isnan(v));
}

static void assert_value(const ws_table *t, size_t col, size_t row,
                         double expected) {
    double v = NAN;
    ws_missing m = ws_table_get_real(t, col, row, &v);
    if (m != WS_PRESENT)
        fail_msg("cell %zu/%zu: missing (%s), expected %g", col, row,
                 ws_missing_key(m), expected);
    if (v != expected)
        fail_msg("cell %zu/%zu: %.17g, expected %.17g", col, row, v, expected);
}

/* --- columns and rows ------------------------------------------------------
 */

static void test_columns(void **state) {
    fixture *fx = *state;
    ws_table *t = NULL;
    assert_int_equal(ws__table_new(fx->ctx, &t), WS_OK);
    assert_int_equal(ws_table_nrows(t), 0);
    assert_int_equal(ws_table_ncols(t), 0);
    assert_int_equal(ws_table_find(t, "buurtcode"), -1);

    size_t code = 99, won = 99, again = 99, naam = 99;
    assert_int_equal(ws__table_add_col(t, "buurtcode", WS_COL_TEXT, &code),
                     WS_OK);
    assert_int_equal(ws__table_add_col(t, "woningen", WS_COL_REAL, &won),
                     WS_OK);
    assert_int_equal(code, 0);
    assert_int_equal(won, 1);
    /* the same name and type again: the existing column */
    assert_int_equal(ws__table_add_col(t, "woningen", WS_COL_REAL, &again),
                     WS_OK);
    assert_int_equal(again, 1);
    assert_int_equal(ws_table_ncols(t), 2);
    /* the same name with another type: an error */
    assert_int_equal(ws__table_add_col(t, "woningen", WS_COL_TEXT, &again),
                     WS_ERR_DATA_NO_FIELD);
    assert_int_equal(ws_ctx_status(fx->ctx), WS_ERR_DATA_NO_FIELD);
    assert_non_null(strstr(ws_ctx_errmsg(fx->ctx), "'woningen'"));
    ws_ctx_clear_error(fx->ctx);
    assert_int_equal(ws_table_ncols(t), 2);

    assert_string_equal(ws_table_col_name(t, 0), "buurtcode");
    assert_string_equal(ws_table_col_name(t, 1), "woningen");
    assert_null(ws_table_col_name(t, 2));
    assert_int_equal(ws_table_col_type(t, 0), WS_COL_TEXT);
    assert_int_equal(ws_table_col_type(t, 1), WS_COL_REAL);
    assert_int_equal(ws_table_find(t, "woningen"), 1);
    assert_int_equal(ws_table_find(t, "Woningen"), -1);
    /* default roles: text columns are keys, numbers statistics */
    assert_int_equal(t->cols[0].role, WS_ROLE_KEY);
    assert_int_equal(t->cols[1].role, WS_ROLE_STATISTIC);
    ws__table_set_role(t, 1, WS_ROLE_INDICATOR, true);
    assert_int_equal(t->cols[1].role, WS_ROLE_INDICATOR);
    assert_true(t->cols[1].integer);

    /* rows: every new cell is missing as "leeg" */
    assert_int_equal(ws__table_add_rows(t, 3), WS_OK);
    assert_int_equal(ws_table_nrows(t), 3);
    for (size_t r = 0; r < 3; r++) {
        assert_missing(t, won, r, WS_MISSING_EMPTY);
        assert_null(ws_table_get_text(t, code, r));
    }
    /* a column added after the rows: missing in every existing row */
    assert_int_equal(ws__table_add_col(t, "buurtnaam", WS_COL_TEXT, &naam),
                     WS_OK);
    assert_int_equal(naam, 2);
    for (size_t r = 0; r < 3; r++)
        assert_null(ws_table_get_text(t, naam, r));
    /* a REAL read of a TEXT column is missing, a TEXT read of REAL NULL */
    double v = 0;
    assert_int_equal(ws_table_get_real(t, code, 0, &v), WS_MISSING_EMPTY);
    assert_true(isnan(v));
    assert_null(ws_table_get_text(t, won, 0));
    ws__table_free(t);
    ws__table_free(NULL);
    assert_int_equal(ws_table_nrows(NULL), 0);
    assert_int_equal(ws_table_ncols(NULL), 0);
    assert_int_equal(ws_table_find(NULL, "x"), -1);
}

static void test_set_get(void **state) {
    fixture *fx = *state;
    ws_table *t = NULL;
    assert_int_equal(ws__table_new(fx->ctx, &t), WS_OK);
    size_t code, opp;
    assert_int_equal(ws__table_add_col(t, "code", WS_COL_TEXT, &code), WS_OK);
    assert_int_equal(ws__table_add_col(t, "oppervlakte", WS_COL_REAL, &opp),
                     WS_OK);
    assert_int_equal(ws__table_add_rows(t, 4), WS_OK);

    ws__table_set_real(t, opp, 0, 12.5);
    ws__table_set_real(t, opp, 1, 0.0); /* 0 is a value, not missing */
    ws__table_set_real(t, opp, 2, -3.25);
    assert_value(t, opp, 0, 12.5);
    assert_value(t, opp, 1, 0.0);
    assert_value(t, opp, 2, -3.25);
    assert_missing(t, opp, 3, WS_MISSING_EMPTY);
    /* non-finite values are not stored */
    ws__table_set_real(t, opp, 0, NAN);
    assert_missing(t, opp, 0, WS_MISSING_EMPTY);
    ws__table_set_real(t, opp, 1, INFINITY);
    assert_missing(t, opp, 1, WS_MISSING_EMPTY);
    ws__table_set_real(t, opp, 1, -INFINITY);
    assert_missing(t, opp, 1, WS_MISSING_EMPTY);

    /* a missing value keeps its reason; WS_PRESENT is no reason: "leeg" */
    ws__table_set_missing(t, opp, 2, WS_MISSING_NO_DWELLINGS);
    assert_missing(t, opp, 2, WS_MISSING_NO_DWELLINGS);
    ws__table_set_missing(t, opp, 2, WS_MISSING_SUPPRESSED);
    assert_missing(t, opp, 2, WS_MISSING_SUPPRESSED);
    ws__table_set_missing(t, opp, 2, WS_PRESENT);
    assert_missing(t, opp, 2, WS_MISSING_EMPTY);
    ws__table_set_real(t, opp, 2, 7);
    assert_value(t, opp, 2, 7);

    /* text: copied, replaced, cleared */
    char name[] = "BU01140101";
    assert_int_equal(ws__table_set_text(t, code, 0, name), WS_OK);
    name[0] = 'X';
    assert_string_equal(ws_table_get_text(t, code, 0), "BU01140101");
    assert_int_equal(t->cols[code].missing[0], WS_PRESENT);
    assert_int_equal(ws__table_set_text(t, code, 0, "BU01140102"), WS_OK);
    assert_string_equal(ws_table_get_text(t, code, 0), "BU01140102");
    assert_int_equal(ws__table_set_text(t, code, 0, NULL), WS_OK);
    assert_null(ws_table_get_text(t, code, 0));
    assert_int_equal(t->cols[code].missing[0], WS_MISSING_EMPTY);
    assert_int_equal(ws__table_set_text(t, code, 1, "Centrum"), WS_OK);
    ws__table_set_missing(t, code, 1, WS_MISSING_SECRET);
    assert_null(ws_table_get_text(t, code, 1));
    assert_int_equal(t->cols[code].missing[1], WS_MISSING_SECRET);
    assert_int_equal(ws__table_set_text(t, code, 3, "Dorp"), WS_OK);

    /* growing past the first allocation keeps every value */
    assert_int_equal(ws__table_add_rows(t, 100), WS_OK);
    assert_int_equal(ws_table_nrows(t), 104);
    assert_value(t, opp, 2, 7);
    assert_string_equal(ws_table_get_text(t, code, 3), "Dorp");
    for (size_t r = 4; r < 104; r++) {
        assert_missing(t, opp, r, WS_MISSING_EMPTY);
        assert_null(ws_table_get_text(t, code, r));
    }
    ws__table_set_real(t, opp, 103, 1e300);
    assert_value(t, opp, 103, 1e300);
    ws__table_free(t);
}

/* --- CBS no-data codes
 * --------------------------------------------------------- */

static void test_set_cbs(void **state) {
    fixture *fx = *state;
    ws_table *t = NULL;
    assert_int_equal(ws__table_new(fx->ctx, &t), WS_OK);
    size_t c;
    assert_int_equal(ws__table_add_col(t, "aantal_inwoners", WS_COL_REAL, &c),
                     WS_OK);
    /* Rule: any value <= -99990 is missing. The three documented codes
     * keep their own reason; any other value in that range is "geen
     * gegevens". Values above -99990 are real values. */
    static const struct {
        double in;
        ws_missing reason; /* WS_PRESENT: stored as the value */
    } cases[] = {
        {-99997, WS_MISSING_SECRET},       /* geheim */
        {-99995, WS_MISSING_LATER},        /* later gepubliceerd */
        {-99991, WS_MISSING_DISCONTINUED}, /* niet meer gepubliceerd */
        {-99999999, WS_MISSING_NODATA},    /* seen in 2023/2024 data */
        {-99990.5, WS_MISSING_NODATA},     /* <= -99990, no named code */
        {-99990, WS_MISSING_NODATA},       /* the boundary is included */
        {-99998, WS_MISSING_NODATA},
        {-1e12, WS_MISSING_NODATA},
        {-99989, WS_PRESENT}, /* just above the range */
        {-99989.99, WS_PRESENT},
        {-5, WS_PRESENT},
        {0, WS_PRESENT},
        {1234, WS_PRESENT},
    };
    size_t n = sizeof cases / sizeof cases[0];
    assert_int_equal(ws__table_add_rows(t, n + 2), WS_OK);
    for (size_t i = 0; i < n; i++)
        ws__table_set_cbs(t, c, i, cases[i].in);
    for (size_t i = 0; i < n; i++) {
        if (cases[i].reason == WS_PRESENT)
            assert_value(t, c, i, cases[i].in);
        else
            assert_missing(t, c, i, cases[i].reason);
    }
    /* NaN and infinity are not values either */
    ws__table_set_cbs(t, c, n, NAN);
    assert_missing(t, c, n, WS_MISSING_EMPTY);
    ws__table_set_cbs(t, c, n + 1, -INFINITY); /* <= -99990, no named code */
    assert_missing(t, c, n + 1, WS_MISSING_NODATA);
    /* a missing cell can become a value again */
    ws__table_set_cbs(t, c, 0, 42);
    assert_value(t, c, 0, 42);
    ws__table_free(t);
}

/* --- code index
 * ------------------------------------------------------------------ */

static ws_table *code_table(fixture *fx, const char *const *codes, size_t n,
                            size_t *code_col, size_t *val_col) {
    ws_table *t = NULL;
    assert_int_equal(ws__table_new(fx->ctx, &t), WS_OK);
    assert_int_equal(ws__table_add_col(t, "buurtcode", WS_COL_TEXT, code_col),
                     WS_OK);
    assert_int_equal(ws__table_add_col(t, "woningen", WS_COL_REAL, val_col),
                     WS_OK);
    assert_int_equal(ws__table_add_rows(t, n), WS_OK);
    for (size_t r = 0; r < n; r++) {
        if (codes[r])
            assert_int_equal(ws__table_set_text(t, *code_col, r, codes[r]),
                             WS_OK);
        ws__table_set_real(t, *val_col, r, (double)(r * 10));
    }
    return t;
}

static void test_code_index(void **state) {
    fixture *fx = *state;
    static const char *const codes[] = {"BU01140101", "BU01140102",
                                        "BU0363AB01", "BU01140201"};
    size_t cc, vc;
    ws_table *t = code_table(fx, codes, 4, &cc, &vc);
    assert_int_equal(ws_table_find_row(t, "BU01140102"), -1); /* no index */
    assert_int_equal(ws__table_index_codes(t, cc, "buurten"), WS_OK);
    assert_int_equal(t->code_col, (long)cc);
    assert_int_equal(ws_table_find_row(t, "BU01140101"), 0);
    assert_int_equal(ws_table_find_row(t, "BU01140102"), 1);
    assert_int_equal(ws_table_find_row(t, "BU0363AB01"), 2);
    assert_int_equal(ws_table_find_row(t, "BU01140201"), 3);
    assert_int_equal(ws_table_find_row(t, "BU01140103"), -1);
    assert_int_equal(ws_table_find_row(t, "bu01140101"), -1);
    assert_int_equal(ws_table_find_row(t, ""), -1);
    assert_int_equal(ws_table_find_row(NULL, "BU01140101"), -1);
    /* indexing twice is fine */
    assert_int_equal(ws__table_index_codes(t, cc, "buurten"), WS_OK);
    assert_int_equal(ws_table_find_row(t, "BU01140201"), 3);
    ws__table_free(t);

    /* a duplicate code: the message names what, the column and the code */
    static const char *const dup[] = {"BU01140101", "BU01140102", "BU01140101"};
    t = code_table(fx, dup, 3, &cc, &vc);
    assert_int_equal(ws__table_index_codes(t, cc, "wijkenbuurten.gpkg"),
                     WS_ERR_DATA_DUPLICATE_KEY);
    assert_int_equal(ws_ctx_status(fx->ctx), WS_ERR_DATA_DUPLICATE_KEY);
    const char *msg = ws_ctx_errmsg(fx->ctx);
    if (!strstr(msg, "'BU01140101'") || !strstr(msg, "wijkenbuurten.gpkg") ||
        !strstr(msg, "buurtcode"))
        fail_msg("duplicate message \"%s\" should name the file, the column "
                 "and the code",
                 msg);
    assert_int_equal(ws_table_find_row(t, "BU01140102"), -1); /* not indexed */
    ws_ctx_clear_error(fx->ctx);
    ws__table_free(t);

    /* a row without a code (row 2, 1-based) */
    static const char *const hole[] = {"BU01140101", NULL, "BU01140103"};
    t = code_table(fx, hole, 3, &cc, &vc);
    assert_int_equal(ws__table_index_codes(t, cc, "buurten"), WS_ERR_DATA);
    msg = ws_ctx_errmsg(fx->ctx);
    if (!strstr(msg, "row 2") || !strstr(msg, "buurtcode"))
        fail_msg("message \"%s\" should name row 2 and the column", msg);
    ws_ctx_clear_error(fx->ctx);
    ws__table_free(t);
}

static void test_code_index_large(void **state) {
    fixture *fx = *state;
    /* 14 000 buurten, about the whole country */
    enum { N = 14000 };
    ws_table *t = NULL;
    assert_int_equal(ws__table_new(fx->ctx, &t), WS_OK);
    size_t cc;
    assert_int_equal(ws__table_add_col(t, "buurtcode", WS_COL_TEXT, &cc),
                     WS_OK);
    assert_int_equal(ws__table_add_rows(t, N), WS_OK);
    char code[16];
    for (size_t r = 0; r < N; r++) {
        snprintf(code, sizeof code, "BU%04zu%04zu", r / 100, r % 100);
        assert_int_equal(ws__table_set_text(t, cc, r, code), WS_OK);
    }
    assert_int_equal(ws__table_index_codes(t, cc, "buurten"), WS_OK);
    for (size_t r = 0; r < N; r += 7) {
        snprintf(code, sizeof code, "BU%04zu%04zu", r / 100, r % 100);
        assert_int_equal(ws_table_find_row(t, code), (long)r);
    }
    assert_int_equal(ws_table_find_row(t, "BU01400000"), -1); /* r = 14000 */
    ws__table_free(t);
}

/* --- filtering rows
 * ---------------------------------------------------------------- */

static void test_filter_rows(void **state) {
    fixture *fx = *state;
    static const char *const codes[] = {
        "BU00000001", "BU00000002", "BU00000003", "BU00000004", "BU00000005"};
    size_t cc, vc;
    ws_table *t = code_table(fx, codes, 5, &cc, &vc);
    /* values are row * 10; give row 2 (kept) and row 3 (dropped) a reason */
    ws__table_set_missing(t, vc, 2, WS_MISSING_SECRET);
    ws__table_set_missing(t, vc, 3, WS_MISSING_LATER);
    assert_int_equal(ws__table_index_codes(t, cc, "buurten"), WS_OK);
    const bool keep[] = {true, false, true, false, true};
    ws__table_filter_rows(t, keep);
    assert_int_equal(ws_table_nrows(t), 3);
    assert_string_equal(ws_table_get_text(t, cc, 0), "BU00000001");
    assert_string_equal(ws_table_get_text(t, cc, 1), "BU00000003");
    assert_string_equal(ws_table_get_text(t, cc, 2), "BU00000005");
    assert_value(t, vc, 0, 0);
    assert_missing(t, vc, 1, WS_MISSING_SECRET);
    assert_value(t, vc, 2, 40);
    /* the old index is gone; indexing again finds the new rows */
    assert_int_equal(ws_table_find_row(t, "BU00000005"), -1);
    assert_int_equal(ws__table_index_codes(t, cc, "buurten"), WS_OK);
    assert_int_equal(ws_table_find_row(t, "BU00000005"), 2);
    assert_int_equal(ws_table_find_row(t, "BU00000002"), -1);
    /* rows added after a filter start out missing */
    assert_int_equal(ws__table_add_rows(t, 1), WS_OK);
    assert_null(ws_table_get_text(t, cc, 3));
    assert_missing(t, vc, 3, WS_MISSING_EMPTY);

    /* keep nothing, then everything of an empty table */
    const bool none[] = {false, false, false, false};
    ws__table_filter_rows(t, none);
    assert_int_equal(ws_table_nrows(t), 0);
    ws__table_filter_rows(t, none);
    assert_int_equal(ws_table_nrows(t), 0);
    ws__table_free(t); /* the teardown checks nothing leaked */
}

/* --- missing reasons
 * ------------------------------------------------------------- */

static void test_missing_keys_and_labels(void **state) {
    (void)state;
    /* the keys and labels of dataset.h, written out */
    static const struct {
        ws_missing m;
        int value;
        const char *key, *label;
    } rows[] = {
        {WS_PRESENT, 0, "aanwezig", "aanwezig"},
        {WS_MISSING_EMPTY, 1, "leeg", "geen waarde in de bron"},
        {WS_MISSING_SECRET, 2, "geheim",
         "geheim of niet aanwezig (CBS -99997)"},
        {WS_MISSING_LATER, 3, "later_gepubliceerd",
         "wordt later gepubliceerd (CBS -99995)"},
        {WS_MISSING_DISCONTINUED, 4, "niet_meer_gepubliceerd",
         "niet meer gepubliceerd (CBS -99991)"},
        {WS_MISSING_NODATA, 5, "geen_gegevens", "geen gegevens (CBS-code)"},
        {WS_MISSING_NO_DWELLINGS, 6, "geen_woningen", "geen woningen"},
        {WS_MISSING_UNKNOWN_VALUES, 7, "onbekend_in_bag",
         "geen woning met bekende waarde in de BAG"},
        {WS_MISSING_NO_AMENITIES, 8, "geen_voorzieningen",
         "geen voorzieningen van deze categorie in de invoer"},
        {WS_MISSING_NO_MATCH, 9, "niet_gekoppeld",
         "code niet gevonden in de gekoppelde tabel"},
        {WS_MISSING_SUPPRESSED, 10, "te_weinig",
         "te weinig woningen of inwoners"},
        {WS_MISSING_LOW_COVERAGE, 11, "onvoldoende_dekking",
         "te weinig indicatoren met een waarde"},
        {WS_MISSING_UNDEFINED, 12, "niet_berekenbaar",
         "niet te berekenen (deling door nul)"},
        {WS_MISSING_NOT_IN_INPUT, 13, "niet_in_invoer",
         "kolom ontbreekt in de invoer"},
    };
    size_t n = sizeof rows / sizeof rows[0];
    /* every reason of the X-macro table is listed above */
    size_t in_header = 0;
#define COUNT_(id, value, key, label) in_header++;
    WS_MISSING_MAP(COUNT_)
#undef COUNT_
    assert_int_equal(in_header, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal((int)rows[i].m, rows[i].value);
        assert_string_equal(ws_missing_key(rows[i].m), rows[i].key);
        assert_string_equal(ws_missing_label(rows[i].m), rows[i].label);
        /* keys are column-name safe: lower case letters and '_' */
        for (const char *p = rows[i].key; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(rows[i].key, rows[j].key);
            assert_string_not_equal(rows[i].label, rows[j].label);
        }
    }
    assert_string_equal(ws_missing_key((ws_missing)200), "onbekend");
    assert_string_equal(ws_missing_label((ws_missing)200), "onbekend");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_cbs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_index_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_rows, setup, teardown),
        cmocka_unit_test(test_missing_keys_and_labels),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
