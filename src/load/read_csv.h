/* Internal CSV reader for the tabular inputs (CBS kerncijfers exports,
 * voorzieningen lists, Excel "CSV (puntkomma)" files). Never installed.
 *
 * The whole file is held in memory; cells are borrowed NUL-terminated UTF-8
 * strings that stay valid until ws__csv_free(). */
#ifndef WS_LOAD_READ_CSV_H
#define WS_LOAD_READ_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "wijkscan/context.h"

typedef struct ws_csv ws_csv;

/* Format accepted: optional UTF-8 BOM; UTF-8, or else Windows-1252 (converted,
 * one warning); LF, CRLF or CR line ends; blank lines skipped; separator
 * ; , TAB or | (most frequent in the header line); RFC 4180 quotes, with
 * blanks around a quoted field ignored and stray quotes kept literally.
 * The first non-blank line is the header: names are trimmed and must be
 * non-empty and unique (ASCII case-insensitive). Rows may have fewer fields
 * than the header, not more.
 *
 * Read and parse a whole file. `path` is also used in messages
 * ("path:line:col: ..."). Errors: WS_ERR_IO_NOT_FOUND, WS_ERR_IO,
 * WS_ERR_FORMAT (bad quoting, too many fields, bad header, NUL bytes, empty
 * file), WS_ERR_UNSUPPORTED (over 4 GiB), WS_ERR_NOMEM.
 * Caller owns *out; free with ws__csv_free(). *out is NULL on error. */
ws_status ws__csv_read(ws_ctx *ctx, const char *path, ws_csv **out);

/* Parse `len` bytes from memory (copied; `data` may be freed afterwards).
 * `name` appears in messages. Same errors and ownership as ws__csv_read. */
ws_status ws__csv_parse(ws_ctx *ctx, const char *name, const char *data,
                        size_t len, ws_csv **out);

/* Free a table. NULL is a harmless no-op. */
void ws__csv_free(ws_ctx *ctx, ws_csv *csv);

/* Number of columns (header fields). */
size_t ws__csv_ncols(const ws_csv *csv);

/* Number of data rows, header excluded. */
size_t ws__csv_nrows(const ws_csv *csv);

/* Trimmed header name of `col`, or NULL when col >= ncols. */
const char *ws__csv_header(const ws_csv *csv, size_t col);

/* Column whose header equals `name` (ASCII case-insensitive, surrounding
 * blanks ignored), or -1 if there is none. */
long ws__csv_find(const ws_csv *csv, const char *name);

/* Cell text, never NULL: "" for empty cells, cells missing from short rows
 * and out-of-range indices. Data cells are not trimmed. */
const char *ws__csv_cell(const ws_csv *csv, size_t row, size_t col);

/* 1-based line in the file where data row `row` starts (0 if out of range). */
size_t ws__csv_line(const ws_csv *csv, size_t row);

/* Field separator found in the header line: ';', ',', '\t' or '|'. */
char ws__csv_separator(const ws_csv *csv);

/* Best guess whether numbers use a decimal comma: true when the separator is
 * ';' or TAB and some data cell containing a comma parses as a number with
 * decimal_comma = true. */
bool ws__csv_decimal_comma(const ws_csv *csv);

typedef enum ws_num_result {
    WS_NUM_OK = 0,      /* *out holds the value */
    WS_NUM_MISSING = 1, /* empty or a placeholder: . - x ? NA NULL */
    WS_NUM_INVALID = 2  /* anything else, including nan/inf and overflow */
} ws_num_result;

/* Parse one cell as a finite number, independent of the C locale.
 * Blanks (space, TAB, NBSP) around the number are ignored.
 * decimal_comma: "1.234.567,8" (dots only as thousands separators in groups
 * of three); otherwise "1234567.8" and exponents, and commas are invalid.
 * *out (may be NULL) is written only on WS_NUM_OK. */
ws_num_result ws__parse_number(const char *s, bool decimal_comma, double *out);

#endif /* WS_LOAD_READ_CSV_H */
