/* Unit tests for the core services (src/core/): status codes, the context
 * with a custom allocator, first-error-wins, error prefixes, logging,
 * progress/cancellation, ws__reserve, the string buffer, the hash index and
 * allocation failures. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core_internal.h"
#include "wijkscan/context.h"
#include "wijkscan/status.h"

static void assert_error_contains(const ws_ctx *ctx, ws_status st,
                                  const char *needle) {
    assert_int_equal(ws_ctx_status(ctx), st);
    const char *msg = ws_ctx_errmsg(ctx);
    if (!strstr(msg, needle))
        fail_msg("error message \"%s\" does not contain \"%s\"", msg, needle);
}

/* --- a counting allocator that can fail the N-th call ------------------- */

typedef struct counter {
    size_t mallocs, reallocs, frees;
    long live;       /* blocks allocated and not freed */
    size_t calls;    /* malloc + realloc calls */
    size_t fail_at;  /* fail the call with this number (1-based); 0 = never */
    bool fail_after; /* also fail every later call */
    void *last_user;
} counter;

static void *count_malloc(size_t size, void *user) {
    counter *c = user;
    c->last_user = user;
    c->calls++;
    if (c->fail_at &&
        (c->calls == c->fail_at || (c->fail_after && c->calls > c->fail_at)))
        return NULL;
    c->mallocs++;
    void *p = malloc(size);
    if (p)
        c->live++;
    return p;
}

static void *count_realloc(void *ptr, size_t size, void *user) {
    counter *c = user;
    c->last_user = user;
    c->calls++;
    if (c->fail_at &&
        (c->calls == c->fail_at || (c->fail_after && c->calls > c->fail_at)))
        return NULL;
    c->reallocs++;
    void *p = realloc(ptr, size);
    if (p && !ptr)
        c->live++;
    return p;
}

static void count_free(void *ptr, void *user) {
    counter *c = user;
    c->last_user = user;
    c->frees++;
    if (ptr)
        c->live--;
    free(ptr);
}

static ws_ctx *counted_ctx(counter *c) {
    memset(c, 0, sizeof *c);
    ws_ctx_options opt;
    ws_ctx_options_init(&opt);
    opt.allocator.malloc_fn = count_malloc;
    opt.allocator.realloc_fn = count_realloc;
    opt.allocator.free_fn = count_free;
    opt.allocator.user = c;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_OK);
    assert_non_null(ctx);
    return ctx;
}

/* Make the next allocation call fail (and, with `after`, every later one). */
static void fail_next(counter *c, bool after) {
    c->fail_at = c->calls + 1;
    c->fail_after = after;
}

static void fail_never(counter *c) {
    c->fail_at = 0;
    c->fail_after = false;
}

/* --- status codes ------------------------------------------------------- */

typedef struct status_row {
    ws_status code;
    int value;
    const char *name, *text;
} status_row;

static const status_row status_rows[] = {
#define ROW_(name, value, text) {name, value, #name, text},
    WS_STATUS_MAP(ROW_)
#undef ROW_
};
#define N_STATUS (sizeof status_rows / sizeof status_rows[0])

static void test_status_table(void **state) {
    (void)state;
    /* 12 primary codes (0..11) and 10 extended ones are in status.h. */
    assert_int_equal(N_STATUS, 22);
    for (size_t i = 0; i < N_STATUS; i++) {
        const status_row *r = &status_rows[i];
        assert_int_equal((int)r->code, r->value);
        assert_string_equal(ws_status_name(r->code), r->name);
        assert_string_equal(ws_status_str(r->code), r->text);
        assert_true(strlen(r->text) > 0);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(status_rows[j].name, r->name) == 0)
                fail_msg("status name %s appears twice", r->name);
            if (status_rows[j].value == r->value)
                fail_msg("%s and %s share value %d", status_rows[j].name,
                         r->name, r->value);
            if (strcmp(status_rows[j].text, r->text) == 0)
                fail_msg("%s and %s share their text", status_rows[j].name,
                         r->name);
        }
    }
}

static void test_status_primary(void **state) {
    (void)state;
    for (size_t i = 0; i < N_STATUS; i++) {
        const status_row *r = &status_rows[i];
        ws_status p = ws_status_primary(r->code);
        if (r->value <= 0xff) {
            assert_int_equal(p, r->code); /* a primary is its own category */
            continue;
        }
        /* an extended code's primary is in the table, and by the naming rule
         * its name starts with the primary's name plus '_' */
        const char *pn = ws_status_name(p);
        size_t pl = strlen(pn);
        assert_int_equal((int)p, r->value & 0xff);
        if (strncmp(r->name, pn, pl) != 0 || r->name[pl] != '_')
            fail_msg("%s does not extend %s", r->name, pn);
    }
    assert_int_equal(ws_status_primary(WS_ERR_IO_NOT_FOUND), WS_ERR_IO);
    assert_int_equal(ws_status_primary(WS_ERR_IO_WRITE), WS_ERR_IO);
    assert_int_equal(ws_status_primary(WS_ERR_FORMAT_YAML), WS_ERR_FORMAT);
    assert_int_equal(ws_status_primary(WS_ERR_FORMAT_NOT_SPATIAL),
                     WS_ERR_FORMAT);
    assert_int_equal(ws_status_primary(WS_ERR_DATA_NO_LAYER), WS_ERR_DATA);
    assert_int_equal(ws_status_primary(WS_ERR_DATA_NO_FIELD), WS_ERR_DATA);
    assert_int_equal(ws_status_primary(WS_ERR_DATA_DUPLICATE_KEY), WS_ERR_DATA);
    assert_int_equal(ws_status_primary(WS_ERR_DATA_EMPTY), WS_ERR_DATA);
    assert_int_equal(ws_status_primary(WS_ERR_DATA_UNKNOWN_CODE), WS_ERR_DATA);
    assert_int_equal(ws_status_primary(WS_ERR_CRS_MISSING), WS_ERR_CRS);
    /* 3 | (2 << 8) = 515 */
    assert_int_equal((int)WS_ERR_IO_WRITE, 515);
    assert_string_equal(ws_status_name(WS_OK), "WS_OK");
    assert_string_equal(ws_status_str(WS_OK), "success");
    assert_string_equal(ws_status_name(WS_ERR_DATA_NO_FIELD),
                        "WS_ERR_DATA_NO_FIELD");
    /* outside the table */
    assert_string_equal(ws_status_str((ws_status)12345), "unknown status");
    assert_string_equal(ws_status_name((ws_status)12345), "WS_UNKNOWN");
    assert_string_equal(ws_status_str((ws_status)(4 | (9 << 8))),
                        "unknown status");
}

/* --- context ------------------------------------------------------------ */

static void test_ctx_default(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    assert_non_null(ctx);
    assert_int_equal(ws_ctx_status(ctx), WS_OK);
    assert_string_equal(ws_ctx_errmsg(ctx), "");
    assert_int_equal(ws_ctx_warning_count(ctx), 0);
    assert_false(ws__has_error(ctx));
    void *p = ws__malloc(ctx, 10);
    assert_non_null(p);
    ws_free(ctx, p);
    ws_free(ctx, NULL);
    ws_free(NULL, NULL);
    ws_ctx_free(ctx);
    ws_ctx_free(NULL);

    assert_int_equal(ws_ctx_new(NULL, NULL), WS_ERR_INVALID_ARG);
    assert_int_equal(ws_ctx_status(NULL), WS_ERR_INVALID_ARG);
}

static void test_ctx_partial_allocator(void **state) {
    (void)state;
    ws_ctx_options opt;
    ws_ctx_options_init(&opt);
    opt.allocator.malloc_fn = count_malloc; /* the other two left default */
    opt.allocator.realloc_fn = NULL;
    ws_ctx *ctx = (ws_ctx *)&opt; /* must be reset to NULL */
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_ERR_INVALID_ARG);
    assert_null(ctx);

    /* all three NULL means the C library */
    memset(&opt.allocator, 0, sizeof opt.allocator);
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_OK);
    char *s = ws__strdup(ctx, "abc");
    assert_string_equal(s, "abc");
    ws__free(ctx, s);
    ws_ctx_free(ctx);
}

static void test_ctx_counting_allocator(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    assert_int_equal(c.mallocs, 1); /* the context itself */
    assert_ptr_equal(c.last_user, &c);

    char *a = ws__malloc(ctx, 100);
    char *b = ws__calloc(ctx, 10, 10);
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < 100; i++)
        assert_int_equal(b[i], 0);
    a = ws__realloc(ctx, a, 1000);
    assert_non_null(a);
    char *d = ws__strndup(ctx, "abcdef", 3);
    assert_string_equal(d, "abc");
    assert_null(ws__strdup(ctx, NULL));
    int *arr = NULL;
    size_t cap = 0;
    assert_int_equal(ws__reserve(ctx, (void **)&arr, &cap, 5, sizeof *arr),
                     WS_OK);
    ws__free(ctx, a);
    ws__free(ctx, b);
    ws__free(ctx, d);
    ws__free(ctx, arr);
    ws__free(ctx, NULL); /* no call reaches the allocator for NULL */
    size_t frees_before = c.frees;
    ws_ctx_free(ctx);
    assert_int_equal(c.frees, frees_before + 1);

    /* ctx, a, b, d: 4 mallocs; a grown, arr from NULL: 2 reallocs */
    assert_int_equal(c.mallocs, 4);
    assert_int_equal(c.reallocs, 2);
    assert_int_equal(c.frees, 5);
    assert_int_equal(c.live, 0);
}

static void test_ctx_new_nomem(void **state) {
    (void)state;
    counter c;
    memset(&c, 0, sizeof c);
    c.fail_at = 1;
    ws_ctx_options opt;
    ws_ctx_options_init(&opt);
    opt.allocator.malloc_fn = count_malloc;
    opt.allocator.realloc_fn = count_realloc;
    opt.allocator.free_fn = count_free;
    opt.allocator.user = &c;
    ws_ctx *ctx = (ws_ctx *)&c;
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_ERR_NOMEM);
    assert_null(ctx);
    assert_int_equal(c.live, 0);
}

/* --- errors ------------------------------------------------------------- */

static void test_first_error_wins(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    /* WS_OK is not an error and records nothing */
    assert_int_equal(ws__error(ctx, WS_OK, "nothing"), WS_OK);
    assert_false(ws__has_error(ctx));
    assert_string_equal(ws_ctx_errmsg(ctx), "");

    assert_int_equal(
        ws__error(ctx, WS_ERR_IO, "%s: cannot open (%d)", "bag.gpkg", 2),
        WS_ERR_IO);
    assert_int_equal(ws__error(ctx, WS_ERR_DATA_NO_FIELD, "second %d", 2),
                     WS_ERR_DATA_NO_FIELD); /* returned, not recorded */
    assert_true(ws__has_error(ctx));
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_IO);
    assert_string_equal(ws_ctx_errmsg(ctx), "bag.gpkg: cannot open (2)");

    ws_ctx_clear_error(ctx);
    assert_int_equal(ws_ctx_status(ctx), WS_OK);
    assert_string_equal(ws_ctx_errmsg(ctx), "");
    assert_false(ws__has_error(ctx));

    ws__error(ctx, WS_ERR_CRS_MISSING, "third");
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_CRS_MISSING);
    assert_string_equal(ws_ctx_errmsg(ctx), "third");
    ws_ctx_clear_error(ctx);

    /* a message longer than the buffer is cut at WS_ERROR_SIZE - 1 bytes */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ws__error(ctx, WS_ERR_DATA, "%s", big);
    assert_int_equal(strlen(ws_ctx_errmsg(ctx)), WS_ERROR_SIZE - 1);
    ws_ctx_free(ctx);
}

static void test_error_prefix(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    ws__error_prefix(ctx, "load"); /* no error: nothing to prefix */
    assert_string_equal(ws_ctx_errmsg(ctx), "");
    assert_false(ws__has_error(ctx));

    ws__error(ctx, WS_ERR_DATA, "bag.gpkg: no field 'status'");
    ws__error_prefix(ctx, "load");
    assert_string_equal(ws_ctx_errmsg(ctx),
                        "load: bag.gpkg: no field 'status'");
    ws__error_prefix(ctx, "load"); /* once per stage name */
    assert_string_equal(ws_ctx_errmsg(ctx),
                        "load: bag.gpkg: no field 'status'");
    ws__error_prefix(ctx, "run");
    assert_string_equal(ws_ctx_errmsg(ctx),
                        "run: load: bag.gpkg: no field 'status'");
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_DATA);
    ws_ctx_clear_error(ctx);

    /* "loader: x" does not start with "load:" so it still gets the prefix */
    ws__error(ctx, WS_ERR_DATA, "loader: x");
    ws__error_prefix(ctx, "load");
    assert_string_equal(ws_ctx_errmsg(ctx), "load: loader: x");
    ws_ctx_clear_error(ctx);

    /* a full buffer: the prefix goes in front and the tail is cut so that
     * the message still ends within WS_ERROR_SIZE */
    char big[WS_ERROR_SIZE + 10];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ws__error(ctx, WS_ERR_DATA, "%s", big);
    ws__error_prefix(ctx, "export");
    const char *m = ws_ctx_errmsg(ctx);
    assert_int_equal(strlen(m), WS_ERROR_SIZE - 1);
    assert_memory_equal(m, "export: yyy", 11);
    assert_int_equal(m[WS_ERROR_SIZE - 2], 'y');
    ws_ctx_free(ctx);
}

/* --- logging and progress ----------------------------------------------- */

typedef struct log_capture {
    int n;
    ws_log_level levels[8];
    char msgs[8][64];
} log_capture;

static void capture_log(ws_log_level level, const char *msg, void *user) {
    log_capture *lc = user;
    if (lc->n < 8) {
        lc->levels[lc->n] = level;
        snprintf(lc->msgs[lc->n], sizeof lc->msgs[0], "%s", msg);
    }
    lc->n++;
}

static void test_log_and_warnings(void **state) {
    (void)state;
    log_capture lc;
    memset(&lc, 0, sizeof lc);
    ws_ctx_options opt;
    ws_ctx_options_init(&opt);
    opt.log = capture_log;
    opt.log_user = &lc;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_OK);

    ws__warn(ctx, "%zu dwellings outside every buurt", (size_t)3);
    ws__info(ctx, "read %d rows", 10);
    ws__log(ctx, WS_LOG_DEBUG, "debug %s", "x");
    ws__warn(ctx, "second warning");
    assert_int_equal(ws_ctx_warning_count(ctx), 2);
    assert_int_equal(lc.n, 4);
    assert_int_equal(lc.levels[0], WS_LOG_WARNING);
    assert_string_equal(lc.msgs[0], "3 dwellings outside every buurt");
    assert_int_equal(lc.levels[1], WS_LOG_INFO);
    assert_string_equal(lc.msgs[1], "read 10 rows");
    assert_int_equal(lc.levels[2], WS_LOG_DEBUG);
    assert_string_equal(lc.msgs[2], "debug x");
    assert_int_equal(lc.levels[3], WS_LOG_WARNING);
    assert_string_equal(lc.msgs[3], "second warning");
    /* warnings are not errors */
    assert_int_equal(ws_ctx_status(ctx), WS_OK);
    ws_ctx_free(ctx);

    /* without a callback warnings are still counted */
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    ws__warn(ctx, "a");
    ws__warn(ctx, "b");
    ws__info(ctx, "c");
    assert_int_equal(ws_ctx_warning_count(ctx), 2);
    ws_ctx_free(ctx);
}

typedef struct progress_capture {
    int calls;
    int cancel_at; /* return non-zero on this call (1-based); 0 = never */
    double last_ratio;
    char last_msg[32];
} progress_capture;

static int capture_progress(double ratio, const char *msg, void *user) {
    progress_capture *pc = user;
    pc->calls++;
    pc->last_ratio = ratio;
    snprintf(pc->last_msg, sizeof pc->last_msg, "%s", msg);
    return pc->calls == pc->cancel_at ? 1 : 0;
}

static void test_progress_cancel(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    /* no callback: always WS_OK */
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    assert_int_equal(ws__progress(ctx, 0.5, "join"), WS_OK);
    ws_ctx_free(ctx);

    progress_capture pc;
    memset(&pc, 0, sizeof pc);
    pc.cancel_at = 3;
    ws_ctx_options opt;
    ws_ctx_options_init(&opt);
    opt.progress = capture_progress;
    opt.progress_user = &pc;
    assert_int_equal(ws_ctx_new(&opt, &ctx), WS_OK);
    assert_int_equal(ws__progress(ctx, 0.0, "load"), WS_OK);
    assert_int_equal(ws__progress(ctx, 0.25, "load"), WS_OK);
    assert_int_equal(pc.calls, 2);
    assert_true(pc.last_ratio == 0.25);
    assert_string_equal(pc.last_msg, "load");
    assert_false(ws__has_error(ctx));
    assert_int_equal(ws__progress(ctx, 0.5, "join"), WS_ERR_CANCELLED);
    assert_error_contains(ctx, WS_ERR_CANCELLED, "join");
    ws_ctx_free(ctx);
}

/* --- ws__reserve ---------------------------------------------------------- */

static void test_reserve_growth(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    int *a = NULL;
    size_t cap = 0;
    assert_int_equal(ws__reserve(ctx, (void **)&a, &cap, 1, sizeof *a), WS_OK);
    assert_non_null(a);
    assert_true(cap >= 1);
    /* grow one element at a time to 100000 elements, writing each one */
    size_t reallocs0 = c.reallocs;
    for (size_t i = 0; i < 100000; i++) {
        size_t old_cap = cap;
        int *old = a;
        assert_int_equal(ws__reserve(ctx, (void **)&a, &cap, i + 1, sizeof *a),
                         WS_OK);
        assert_true(cap >= i + 1);
        if (old_cap >= i + 1) { /* enough room: nothing may change */
            assert_int_equal(cap, old_cap);
            assert_ptr_equal(a, old);
        }
        a[i] = (int)i;
    }
    /* geometric growth: 1.5x per step needs about log1.5(100000) = 28
     * steps; linear growth would need thousands */
    assert_true(c.reallocs - reallocs0 <= 40);
    for (size_t i = 0; i < 100000; i++)
        if (a[i] != (int)i)
            fail_msg("element %zu lost after growth", i);
    /* need <= cap: no call at all */
    size_t calls = c.calls;
    assert_int_equal(ws__reserve(ctx, (void **)&a, &cap, 10, sizeof *a), WS_OK);
    assert_int_equal(c.calls, calls);

    /* a size that overflows size_t is refused, the array is kept */
    size_t cap_before = cap;
    int *before = a;
    assert_int_equal(ws__reserve(ctx, (void **)&a, &cap,
                                 SIZE_MAX / sizeof *a + 1, sizeof *a),
                     WS_ERR_NOMEM);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, cap_before);
    ws_ctx_clear_error(ctx);

    /* the allocator refuses: WS_ERR_NOMEM, the array and cap are kept */
    fail_next(&c, false);
    assert_int_equal(ws__reserve(ctx, (void **)&a, &cap, cap + 1, sizeof *a),
                     WS_ERR_NOMEM);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, cap_before);
    assert_int_equal(a[99999], 99999);
    fail_never(&c);
    ws__free(ctx, a);
    ws_ctx_free(ctx);
    assert_int_equal(c.live, 0);
}

#include <unistd.h> /* alarm */
/* REGRESSION (was a bug): for elem_size 1 and a need above about
 * 2^64/1.5, `ncap / 2 * 3 + 16` in src/core/alloc.c wraps around and the
 * loop never ends. Expected: WS_ERR_NOMEM. */
static void test_reserve_huge_need(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    char *a = NULL;
    size_t cap = 0;
    alarm(5);
    assert_int_equal(ws__reserve(ctx, (void **)&a, &cap, SIZE_MAX, 1),
                     WS_ERR_NOMEM);
    alarm(0);
    ws_ctx_free(ctx);
}

/* REGRESSION (was a bug): the same kind of overflow in ws__hash_init
 * (src/core/hash.c): for expected = 2^62, `cap *= 2` passes 2^63 (still
 * below expected * 2 + 2) and wraps to 0, and the loop never ends.
 * Expected: WS_ERR_NOMEM. */
static void test_hash_huge_expected(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    ws_hash h;
    alarm(5);
    assert_int_equal(ws__hash_init(&h, ctx, (size_t)1 << 62, true),
                     WS_ERR_NOMEM);
    alarm(0);
    ws_ctx_free(ctx);
}

/* --- radix sort ------------------------------------------------------------
 */

typedef struct keyed {
    uint64_t key;
    uint32_t val;
} keyed;

/* The second method: qsort by (key, val). With vals 0..n-1 given in input
 * order, that is exactly the stable order. */
static int by_key_then_val(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->val < y->val ? -1 : x->val > y->val;
}

/* Sorts n keys made by `make` with the radix sort and with qsort, and
 * compares every pair. */
static void check_radix(ws_ctx *ctx, size_t n, uint64_t (*make)(uint64_t *)) {
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    uint32_t *vals = malloc((n ? n : 1) * sizeof *vals);
    keyed *ref = malloc((n ? n : 1) * sizeof *ref);
    assert_non_null(keys);
    assert_non_null(vals);
    assert_non_null(ref);
    uint64_t rng = 42;
    for (size_t i = 0; i < n; i++) {
        keys[i] = make(&rng);
        vals[i] = (uint32_t)i;
        ref[i] = (keyed){keys[i], (uint32_t)i};
    }
    assert_int_equal(ws__radix_sort_u64(ctx, keys, vals, n), WS_OK);
    qsort(ref, n, sizeof *ref, by_key_then_val);
    for (size_t i = 0; i < n; i++) {
        assert_true(keys[i] == ref[i].key);
        assert_int_equal(vals[i], ref[i].val);
    }
    free(keys);
    free(vals);
    free(ref);
}

static uint64_t any_bits(uint64_t *rng) { return ws__rng_next(rng); }
/* BAG-like: 16-digit identificaties of few gemeenten, many repeats (the
 * high digits are equal, so passes are skipped) */
static uint64_t bag_like(uint64_t *rng) {
    return 344100000000000ull + ws__rng_next(rng) % 5000;
}
static uint64_t few_distinct(uint64_t *rng) { return ws__rng_next(rng) % 3; }
static uint64_t all_equal(uint64_t *rng) {
    (void)rng;
    return 7;
}
/* only the top pass varies: an odd number of passes ends in scratch */
static uint64_t top_bits_only(uint64_t *rng) {
    return (ws__rng_next(rng) % 7) << 60;
}

static void test_radix_sort(void **state) {
    (void)state;
    ws_ctx *ctx = NULL;
    assert_int_equal(ws_ctx_new(NULL, &ctx), WS_OK);
    check_radix(ctx, 0, any_bits);
    check_radix(ctx, 1, any_bits);
    check_radix(ctx, 100000, any_bits);
    check_radix(ctx, 100000, bag_like);
    check_radix(ctx, 1000, few_distinct);
    check_radix(ctx, 1000, all_equal);
    check_radix(ctx, 1000, top_bits_only);
    ws_ctx_free(ctx);
}

/* --- string buffer -------------------------------------------------------- */

static void test_strbuf(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    ws_strbuf sb;
    ws__sb_init(&sb, ctx);
    assert_string_equal(ws__sb_str(&sb), ""); /* empty but valid */
    ws__sb_appendf(&sb, "\"%s\" IN (", "gemeentecode");
    ws__sb_appendf(&sb, "'%s%04d'", "GM", 114);
    ws__sb_append(&sb, ")");
    assert_string_equal(ws__sb_str(&sb), "\"gemeentecode\" IN ('GM0114')");
    assert_int_equal(sb.len, strlen("\"gemeentecode\" IN ('GM0114')"));
    char *s = ws__sb_take(&sb);
    assert_string_equal(s, "\"gemeentecode\" IN ('GM0114')");
    assert_null(sb.data); /* reset: the string is now the caller's */
    assert_int_equal(sb.len, 0);
    ws__free(ctx, s);

    /* many appends: 10000 x "<digit>," = 20000 bytes */
    for (int i = 0; i < 10000; i++)
        ws__sb_appendf(&sb, "%d,", i % 10);
    assert_int_equal(sb.len, 20000);
    const char *t = ws__sb_str(&sb);
    assert_memory_equal(t, "0,1,2,3,4,5,6,7,8,9,0,", 22);
    assert_memory_equal(t + 19980, "0,1,2,3,4,5,6,7,8,9,", 20);
    assert_int_equal(t[20000], '\0');
    ws__sb_free(&sb);
    assert_null(sb.data);

    /* take on a never-used buffer gives an allocated "" */
    s = ws__sb_take(&sb);
    assert_non_null(s);
    assert_string_equal(s, "");
    ws__free(ctx, s);

    /* an allocation failure makes the buffer "failed": str/take give NULL,
     * later appends are ignored, nothing leaks */
    ws__sb_append(&sb, "abc");
    fail_next(&c, false);
    char longer[200];
    memset(longer, 'z', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ws__sb_append(&sb, longer); /* needs to grow: the realloc fails */
    fail_never(&c);
    assert_true(sb.failed);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    ws__sb_append(&sb, "more");
    assert_null(ws__sb_str(&sb));
    assert_null(ws__sb_take(&sb));
    assert_false(sb.failed); /* take resets */
    ws_ctx_free(ctx);
    assert_int_equal(c.live, 0);
}

/* --- small string helpers --------------------------------------------------
 */

static void test_string_helpers(void **state) {
    (void)state;
    char buf[5];
    assert_int_equal(ws__strlcpy(buf, "abcdefgh", sizeof buf), 8);
    assert_string_equal(buf, "abcd");
    assert_int_equal(ws__strlcpy(buf, "ab", sizeof buf), 2);
    assert_string_equal(buf, "ab");
    assert_true(ws__streq_nocase("Huisarts", "hUISARTS"));
    assert_false(ws__streq_nocase("huisarts", "huisartsen"));
    assert_false(ws__streq_nocase("huisartsen", "huisarts"));
    assert_true(ws__streq_nocase("", ""));
    assert_string_equal(ws__basename("/a/b/bag_light.yaml"), "bag_light.yaml");
    assert_string_equal(ws__basename("bag_light.yaml"), "bag_light.yaml");
    assert_string_equal(ws__basename("dir/"), "");
}

/* --- hash index ------------------------------------------------------------
 */

#define N_KEYS 10000

static void test_hash_strings(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    static char keys[N_KEYS][16];
    static char misses[N_KEYS][16];
    for (int i = 0; i < N_KEYS; i++) {
        snprintf(keys[i], sizeof keys[i], "BU%08d", i * 7);
        snprintf(misses[i], sizeof misses[i], "BU%08d", i * 7 + 3);
    }
    ws_hash h;
    /* expected 0: the index has to grow (rehash) many times on the way */
    assert_int_equal(ws__hash_init(&h, ctx, 0, true), WS_OK);
    for (size_t i = 0; i < N_KEYS; i++) {
        bool existing = true;
        assert_int_equal(ws__hash_put_str(&h, keys[i], i, &existing), WS_OK);
        assert_false(existing);
    }
    assert_int_equal(h.count, N_KEYS);
    /* duplicates: reported through *existing, the first value is kept */
    for (size_t i = 0; i < N_KEYS; i += 3) {
        bool existing = false;
        char copy[16]; /* an equal string at another address */
        memcpy(copy, keys[i], sizeof copy);
        assert_int_equal(ws__hash_put_str(&h, copy, i + 100000, &existing),
                         WS_OK);
        assert_true(existing);
    }
    assert_int_equal(h.count, N_KEYS);
    assert_int_equal(ws__hash_put_str(&h, keys[5], 0, NULL), WS_OK);
    for (size_t i = 0; i < N_KEYS; i++) {
        size_t v = (size_t)-1;
        if (!ws__hash_get_str(&h, keys[i], &v) || v != i)
            fail_msg("key %s: found value %zu, expected %zu", keys[i], v, i);
        if (ws__hash_get_str(&h, misses[i], &v))
            fail_msg("key %s should not be found", misses[i]);
    }
    assert_false(ws__hash_get_str(&h, "", NULL));
    assert_false(ws__hash_get_str(&h, "bu00000000", NULL)); /* case matters */
    assert_true(ws__hash_get_str(&h, "BU00000007", NULL));  /* 1 * 7 */
    ws__hash_free(&h);
    ws_ctx_free(ctx);
    assert_int_equal(c.live, 0);
}

static void test_hash_u64(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    ws_hash h;
    assert_int_equal(ws__hash_init(&h, ctx, N_KEYS, false), WS_OK);
    /* keys: multiples of 3 (0 included); misses: 3i + 1; and the extremes */
    for (uint64_t i = 0; i < N_KEYS; i++) {
        bool existing = true;
        assert_int_equal(ws__hash_put_u64(&h, i * 3, (size_t)i, &existing),
                         WS_OK);
        assert_false(existing);
    }
    bool existing = true;
    assert_int_equal(ws__hash_put_u64(&h, UINT64_MAX, 42, &existing), WS_OK);
    assert_false(existing);
    assert_int_equal(ws__hash_put_u64(&h, 0, 7, &existing), WS_OK);
    assert_true(existing);
    assert_int_equal(ws__hash_put_u64(&h, 2997, 7, &existing), WS_OK);
    assert_true(existing); /* 2997 = 3 * 999 */
    assert_int_equal(h.count, N_KEYS + 1);
    for (uint64_t i = 0; i < N_KEYS; i++) {
        size_t v = (size_t)-1;
        if (!ws__hash_get_u64(&h, i * 3, &v) || v != (size_t)i)
            fail_msg("key %llu: value %zu, expected %llu",
                     (unsigned long long)(i * 3), v, (unsigned long long)i);
        if (ws__hash_get_u64(&h, i * 3 + 1, &v))
            fail_msg("key %llu should not be found",
                     (unsigned long long)(i * 3 + 1));
    }
    size_t v = 0;
    assert_true(ws__hash_get_u64(&h, UINT64_MAX, &v));
    assert_int_equal(v, 42);
    assert_true(ws__hash_get_u64(&h, 0, &v));
    assert_int_equal(v, 0); /* the first value stays */
    assert_false(ws__hash_get_u64(&h, UINT64_MAX - 1, NULL));
    ws__hash_free(&h);
    ws_ctx_free(ctx);
    assert_int_equal(c.live, 0);
}

static void test_hash_nomem(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    ws_hash h;
    /* init makes three allocations; failing any one of them must free the
     * others and report WS_ERR_NOMEM */
    for (int k = 0; k < 3; k++) {
        c.fail_at = c.calls + 1 + (size_t)k;
        assert_int_equal(ws__hash_init(&h, ctx, 4, true), WS_ERR_NOMEM);
        assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
        assert_int_equal(c.live, 1); /* only the context */
        ws_ctx_clear_error(ctx);
    }
    fail_never(&c);
    /* expected 4 gives 16 slots. With every allocation failing from now on,
     * inserts succeed until the index has to grow; that insert fails with
     * WS_ERR_NOMEM (it cannot fill all 16 slots without growing) and the
     * keys inserted before it are all still there. */
    assert_int_equal(ws__hash_init(&h, ctx, 4, false), WS_OK);
    assert_int_equal(h.cap, 16);
    fail_next(&c, true);
    uint64_t failed = 0;
    for (uint64_t i = 1; i <= 16 && !failed; i++) {
        ws_status st = ws__hash_put_u64(&h, i, (size_t)i * 10, NULL);
        if (st != WS_OK) {
            assert_int_equal(st, WS_ERR_NOMEM);
            failed = i;
        }
    }
    fail_never(&c);
    assert_true(failed > 1 && failed <= 16);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    assert_int_equal(h.count, failed - 1);
    for (uint64_t i = 1; i < failed; i++) {
        size_t v = 0;
        assert_true(ws__hash_get_u64(&h, i, &v));
        assert_int_equal(v, (size_t)i * 10);
    }
    assert_false(ws__hash_get_u64(&h, failed, NULL));
    ws_ctx_clear_error(ctx);
    /* once memory is back the same insert works */
    assert_int_equal(ws__hash_put_u64(&h, failed, 1, NULL), WS_OK);
    assert_true(ws__hash_get_u64(&h, failed, NULL));
    assert_true(h.cap > 16);
    ws__hash_free(&h);
    ws_ctx_free(ctx);
    assert_int_equal(c.live, 0);
}

/* --- allocation failures ----------------------------------------------------
 */

static void test_alloc_failures(void **state) {
    (void)state;
    counter c;
    ws_ctx *ctx = counted_ctx(&c);
    /* the 3rd call from now fails: the first two succeed */
    c.fail_at = c.calls + 3;
    void *a = ws__malloc(ctx, 8);
    void *b = ws__malloc(ctx, 8);
    assert_non_null(a);
    assert_non_null(b);
    assert_false(ws__has_error(ctx));
    assert_null(ws__malloc(ctx, 100));
    assert_error_contains(ctx, WS_ERR_NOMEM, "100 bytes");
    /* only that call failed */
    void *d = ws__malloc(ctx, 8);
    assert_non_null(d);
    ws_ctx_clear_error(ctx);

    /* a failed realloc leaves the old block to the caller */
    memcpy(a, "1234567", 8);
    fail_next(&c, false);
    assert_null(ws__realloc(ctx, a, 4096));
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    assert_string_equal(a, "1234567");
    ws_ctx_clear_error(ctx);

    fail_next(&c, false);
    assert_null(ws__calloc(ctx, 4, 4));
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    ws_ctx_clear_error(ctx);

    fail_next(&c, false);
    assert_null(ws__strdup(ctx, "abc"));
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    ws_ctx_clear_error(ctx);

    /* n * size overflows: refused without asking the allocator */
    size_t calls = c.calls;
    assert_null(ws__calloc(ctx, SIZE_MAX / 2, 4));
    assert_int_equal(c.calls, calls);
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_NOMEM);
    ws_ctx_clear_error(ctx);

    /* first error wins with NOMEM too */
    ws__error(ctx, WS_ERR_IO, "earlier error");
    fail_next(&c, false);
    assert_null(ws__malloc(ctx, 8));
    assert_int_equal(ws_ctx_status(ctx), WS_ERR_IO);
    assert_string_equal(ws_ctx_errmsg(ctx), "earlier error");
    fail_never(&c);

    ws__free(ctx, a);
    ws__free(ctx, b);
    ws__free(ctx, d);
    ws_ctx_free(ctx);
    assert_int_equal(c.live, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_status_primary),
        cmocka_unit_test(test_ctx_default),
        cmocka_unit_test(test_ctx_partial_allocator),
        cmocka_unit_test(test_ctx_counting_allocator),
        cmocka_unit_test(test_ctx_new_nomem),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_error_prefix),
        cmocka_unit_test(test_log_and_warnings),
        cmocka_unit_test(test_progress_cancel),
        cmocka_unit_test(test_reserve_growth),
        cmocka_unit_test(test_reserve_huge_need),
        cmocka_unit_test(test_hash_huge_expected),
        cmocka_unit_test(test_strbuf),
        cmocka_unit_test(test_string_helpers),
        cmocka_unit_test(test_hash_strings),
        cmocka_unit_test(test_hash_u64),
        cmocka_unit_test(test_hash_nomem),
        cmocka_unit_test(test_radix_sort),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
