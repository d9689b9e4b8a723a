/* libFuzzer target for the CSV reader: parse the input, touch every header
 * and cell, parse every cell as a number with and without decimal comma,
 * check a few invariants (abort on violation) and free. Built with
 * -fsanitize=fuzzer, or linked with replay_main.c to replay a corpus. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/load/read_csv.h"
#include "wijkscan/context.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_log(ws_log_level level, const char *msg, void *user) {
    (void)level;
    (void)msg;
    (void)user;
}

static ws_ctx *fuzz_context(void) {
    static ws_ctx *ctx;
    if (!ctx) {
        ws_ctx_options opt;
        ws_ctx_options_init(&opt);
        opt.log = quiet_log;
        if (ws_ctx_new(&opt, &ctx) != WS_OK)
            abort();
    }
    return ctx;
}

static void check(int ok) {
    if (!ok)
        abort();
}

static void touch_number(const char *cell, int decimal_comma) {
    double v = 0;
    ws_num_result r = ws__parse_number(cell, decimal_comma != 0, &v);
    check(r == WS_NUM_OK || r == WS_NUM_MISSING || r == WS_NUM_INVALID);
    if (r == WS_NUM_OK)
        check(v - v == 0); /* finite: never NaN or Inf */
}

static void touch_table(const ws_csv *csv) {
    size_t ncols = ws__csv_ncols(csv), nrows = ws__csv_nrows(csv);
    size_t sum = 0, prev_line = 0;
    check(ncols > 0);
    for (size_t c = 0; c < ncols; c++) {
        const char *h = ws__csv_header(csv, c);
        check(h != NULL && h[0] != '\0');
        check(ws__csv_find(csv, h) == (long)c); /* names are unique */
    }
    check(ws__csv_header(csv, ncols) == NULL);
    for (size_t r = 0; r < nrows; r++) {
        size_t line = ws__csv_line(csv, r);
        check(line > prev_line);
        prev_line = line;
        for (size_t c = 0; c < ncols; c++) {
            const char *cell = ws__csv_cell(csv, r, c);
            check(cell != NULL);
            sum += strlen(cell);
            touch_number(cell, 0);
            touch_number(cell, 1);
        }
    }
    check(ws__csv_cell(csv, nrows, 0)[0] == '\0');
    check(sum < SIZE_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ws_ctx *ctx = fuzz_context();
    ws_csv *csv = NULL;
    ws_status st =
        ws__csv_parse(ctx, "fuzz.csv", (const char *)data, size, &csv);
    if (st == WS_OK)
        touch_table(csv);
    else
        check(csv == NULL && ws_ctx_errmsg(ctx)[0] != '\0');
    ws__csv_free(ctx, csv);
    ws_ctx_clear_error(ctx);

    /* the number parser on its own, with the raw bytes as one string */
    char buf[80];
    size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    touch_number(buf, 0);
    touch_number(buf, 1);
    return 0;
}
