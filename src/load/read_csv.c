/*
 * CSV reader for real-world Dutch tables: CBS/StatLine exports, Excel
 * "CSV (puntkomma-gescheiden)" files and hand-made voorzieningen lists.
 *
 * The input is checked first: NUL bytes are rejected, a UTF-8 byte order mark
 * is skipped, and text that is not valid UTF-8 is taken to be Windows-1252
 * and converted (with one warning). The separator is the most frequent of
 * ; , TAB | in the header record. Parsing follows RFC 4180 quoting and copies
 * every cell, unescaped and NUL-terminated, into one text buffer; the table
 * itself is a row-major array of 32-bit offsets into that buffer, padded to
 * the header width (offset 0 is an empty string shared by missing cells), so
 * there is no allocation per cell. Line numbers are tracked for every row so
 * that messages can say "file:line:col".
 *
 * ws__parse_number() turns a cell into a double: it validates the text
 * itself (decimal comma or point, Dutch thousands dots, exponent) and hands
 * strtod() only digits and an exponent, so the result never depends on
 * LC_NUMERIC and never is NaN or infinite.
 */
#include "read_csv.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core_internal.h"

struct ws_csv {
    char *text;      /* all cells; text[0] is the shared empty string */
    uint32_t *cells; /* (nrows + 1) * ncols offsets into text; row 0 = header */
    size_t *lines;   /* 1-based start line of each data row */
    size_t ncols, nrows;
    char sep;
    bool decimal_comma;
};

/* ------------------------------------------------------------------------ */
/* Positions in the source text                                              */
/* ------------------------------------------------------------------------ */

static bool is_line_end(char c) { return c == '\n' || c == '\r'; }

/* Length of the line end at src[i] (CRLF counts as one line end). */
static size_t line_end_length(const char *src, size_t i, size_t end) {
    if (src[i] == '\r' && i + 1 < end && src[i + 1] == '\n')
        return 2;
    return 1;
}

/* 1-based line and column (in UTF-8 characters) of src[pos], pos <= len.
 * Only used to build messages, so a rescan from the start is fine. */
static void locate(const char *src, size_t len, size_t pos, size_t *line,
                   size_t *col) {
    size_t ln = 1, line_start = 0;
    for (size_t i = 0; i < pos;) {
        if (is_line_end(src[i])) {
            i += line_end_length(src, i, len);
            ln++;
            line_start = i;
        } else {
            i++;
        }
    }
    size_t c = 1;
    for (size_t i = line_start; i < pos; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            c++;
    *line = ln;
    *col = c;
}

/* ------------------------------------------------------------------------ */
/* Encoding                                                                  */
/* ------------------------------------------------------------------------ */

static bool has_utf8_bom(const char *data, size_t len) {
    return len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
}

static bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Length of the valid UTF-8 sequence at s[0], or 0 if it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_sequence_length(const unsigned char *s, size_t avail) {
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!is_continuation(s[i]))
            return 0;
    return n;
}

/* Offset of the first byte that is not valid UTF-8, or len if all is. */
static size_t find_invalid_utf8(const char *data, size_t len) {
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(s + i, len - i);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

/* Windows-1252 0x80..0x9F as Unicode (WHATWG mapping: the five undefined
 * bytes map to the C1 controls of the same value). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

static unsigned cp1252_to_unicode(unsigned char c) {
    return (c >= 0x80 && c < 0xA0) ? cp1252_high[c - 0x80] : c;
}

static size_t utf8_encoded_length(unsigned cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

/* Encode a BMP code point; returns the number of bytes written. */
static size_t utf8_encode(unsigned cp, char *dst) {
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    dst[0] = (char)(0xE0 | (cp >> 12));
    dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Convert Windows-1252 text to a new UTF-8 buffer (caller frees). */
static ws_status convert_cp1252(ws_ctx *ctx, const char *data, size_t len,
                                char **out, size_t *out_len) {
    const unsigned char *s = (const unsigned char *)data;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += utf8_encoded_length(cp1252_to_unicode(s[i]));
    char *buf = ws__malloc(ctx, n);
    if (!buf)
        return WS_ERR_NOMEM;
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        w += utf8_encode(cp1252_to_unicode(s[i]), buf + w);
    *out = buf;
    *out_len = n;
    return WS_OK;
}

/* ------------------------------------------------------------------------ */
/* Parser                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct csv_parser {
    ws_ctx *ctx;
    const char *name;
    const char *src; /* UTF-8 text without BOM */
    size_t r, end;   /* read position in src and its length */
    size_t line;     /* line of src[r] */
    char sep;
    char *text; /* output text: text[0] = '\0', cells from text[1] */
    size_t w;   /* write position in text */
    uint32_t *cells;
    size_t ncells, cells_cap;
    size_t *lines;
    size_t lines_cap;
    size_t ncols, nrows; /* ncols == 0 while the header is being read */
    size_t *header_pos;  /* src offset of each header field, for messages */
    size_t header_pos_cap;
} csv_parser;

typedef enum field_end { END_SEPARATOR, END_LINE, END_DATA } field_end;

static ws_status grow_array(ws_ctx *ctx, void **array, size_t *cap, size_t need,
                            size_t elem_size) {
    if (need <= *cap)
        return WS_OK;
    size_t ncap = *cap < 64 ? 64 : *cap;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > SIZE_MAX / elem_size)
        return ws__error(ctx, WS_ERR_NOMEM,
                         "out of memory (CSV table of %zu entries)", need);
    void *p = ws__realloc(ctx, *array, ncap * elem_size);
    if (!p)
        return WS_ERR_NOMEM;
    *array = p;
    *cap = ncap;
    return WS_OK;
}

static ws_status push_cell(csv_parser *p, size_t offset) {
    void *a = p->cells;
    ws_status st =
        grow_array(p->ctx, &a, &p->cells_cap, p->ncells + 1, sizeof *p->cells);
    p->cells = a;
    if (st != WS_OK)
        return st;
    p->cells[p->ncells++] = (uint32_t)offset;
    return WS_OK;
}

static ws_status push_header_pos(csv_parser *p, size_t index, size_t pos) {
    void *a = p->header_pos;
    ws_status st = grow_array(p->ctx, &a, &p->header_pos_cap, index + 1,
                              sizeof *p->header_pos);
    p->header_pos = a;
    if (st != WS_OK)
        return st;
    p->header_pos[index] = pos;
    return WS_OK;
}

static ws_status push_row_line(csv_parser *p, size_t line) {
    void *a = p->lines;
    ws_status st =
        grow_array(p->ctx, &a, &p->lines_cap, p->nrows + 1, sizeof *p->lines);
    p->lines = a;
    if (st != WS_OK)
        return st;
    p->lines[p->nrows] = line;
    return WS_OK;
}

static void consume_line_end(csv_parser *p) {
    p->r += line_end_length(p->src, p->r, p->end);
    p->line++;
}

static void skip_blank_lines(csv_parser *p) {
    while (p->r < p->end && is_line_end(p->src[p->r]))
        consume_line_end(p);
}

/* Separator of the record starting at src[pos]: the most frequent of
 * ; , TAB | outside quotes, ties going to the earlier one in that list.
 * A quote opens a quoted section only at the start of a field (after
 * optional spaces), where any of the candidates counts as a boundary. */
static char detect_separator(const char *src, size_t pos, size_t end) {
    static const char candidates[4] = {';', ',', '\t', '|'};
    size_t count[4] = {0, 0, 0, 0};
    bool field_start = true;
    for (size_t i = pos; i < end && !is_line_end(src[i]); i++) {
        if (field_start && src[i] == ' ')
            continue;
        if (field_start && src[i] == '"') {
            for (i++; i < end; i++) {
                if (src[i] == '"') {
                    if (i + 1 < end && src[i + 1] == '"')
                        i++;
                    else
                        break;
                }
            }
            if (i >= end)
                break;
            field_start = false;
            continue;
        }
        field_start = false;
        for (size_t k = 0; k < 4; k++) {
            if (src[i] == candidates[k]) {
                count[k]++;
                field_start = true;
            }
        }
    }
    size_t best = 0;
    for (size_t k = 1; k < 4; k++)
        if (count[k] > count[best])
            best = k;
    return candidates[best];
}

static ws_status error_unterminated_quote(csv_parser *p, size_t open) {
    size_t line, col;
    locate(p->src, p->end, open, &line, &col);
    return ws__error(p->ctx, WS_ERR_FORMAT,
                     "%s:%zu:%zu: unterminated quoted field", p->name, line,
                     col);
}

/* Copy a quoted section starting at the opening quote src[r], unescaping
 * "" and keeping separators and line breaks; leaves r after the closing
 * quote. */
static ws_status copy_quoted(csv_parser *p) {
    size_t open = p->r++;
    for (;;) {
        if (p->r >= p->end)
            return error_unterminated_quote(p, open);
        char c = p->src[p->r];
        if (c == '"') {
            if (p->r + 1 < p->end && p->src[p->r + 1] == '"') {
                p->text[p->w++] = '"';
                p->r += 2;
                continue;
            }
            p->r++;
            return WS_OK;
        }
        if (is_line_end(c)) {
            size_t n = line_end_length(p->src, p->r, p->end);
            memcpy(p->text + p->w, p->src + p->r, n);
            p->w += n;
            p->r += n;
            p->line++;
            continue;
        }
        p->text[p->w++] = c;
        p->r++;
    }
}

/* Copy unquoted text up to the next separator or line end; quotes in it
 * are kept literally. */
static void copy_unquoted(csv_parser *p) {
    while (p->r < p->end) {
        char c = p->src[p->r];
        if (c == p->sep || is_line_end(c))
            return;
        p->text[p->w++] = c;
        p->r++;
    }
}

static bool is_field_blank(const csv_parser *p, char c) {
    return c == ' ' || (c == '\t' && p->sep != '\t');
}

/* Offset of the first non-blank at or after src[i]. */
static size_t skip_field_blanks(const csv_parser *p, size_t i) {
    while (i < p->end && is_field_blank(p, p->src[i]))
        i++;
    return i;
}

static bool ends_field(const csv_parser *p, size_t i) {
    return i >= p->end || p->src[i] == p->sep || is_line_end(p->src[i]);
}

/* Parse one field at src[r] into text[w], NUL-terminate it and consume what
 * ends it. Blanks before an opening quote and after a closing quote are
 * dropped (a hand-written `a, "b, c"` works); other text around quotes is
 * kept literally. */
static ws_status parse_field(csv_parser *p, field_end *how) {
    size_t q = skip_field_blanks(p, p->r);
    if (q < p->end && p->src[q] == '"') {
        p->r = q;
        ws_status st = copy_quoted(p);
        if (st != WS_OK)
            return st;
        q = skip_field_blanks(p, p->r);
        if (ends_field(p, q))
            p->r = q;
    }
    copy_unquoted(p); /* other text after a closing quote is kept as well */
    p->text[p->w++] = '\0';
    if (p->r >= p->end) {
        *how = END_DATA;
    } else if (p->src[p->r] == p->sep) {
        p->r++;
        *how = END_SEPARATOR;
    } else {
        consume_line_end(p);
        *how = END_LINE;
    }
    return WS_OK;
}

/* Points at the first surplus field. */
static ws_status error_too_many_fields(csv_parser *p, size_t extra_pos,
                                       size_t nfields) {
    size_t line, col;
    locate(p->src, p->end, extra_pos, &line, &col);
    return ws__error(p->ctx, WS_ERR_FORMAT,
                     "%s:%zu:%zu: row has %zu fields but the header has %zu",
                     p->name, line, col, nfields, p->ncols);
}

/* Parse one record (header when p->ncols == 0); data rows are padded to the
 * header width. */
static ws_status parse_record(csv_parser *p) {
    bool header = p->ncols == 0;
    size_t record_line = p->line, nfields = 0, extra_pos = 0;
    field_end how;
    do {
        size_t start_r = p->r, start_w = p->w;
        ws_status st = parse_field(p, &how);
        if (st == WS_OK && header)
            st = push_header_pos(p, nfields, start_r);
        if (st != WS_OK)
            return st;
        if (header || nfields < p->ncols) {
            st = push_cell(p, start_w);
            if (st != WS_OK)
                return st;
        } else {
            if (nfields == p->ncols)
                extra_pos = start_r;
            p->w = start_w; /* drop the text of surplus fields */
        }
        nfields++;
    } while (how == END_SEPARATOR);
    if (header) {
        p->ncols = nfields;
        return WS_OK;
    }
    if (nfields > p->ncols)
        return error_too_many_fields(p, extra_pos, nfields);
    for (; nfields < p->ncols; nfields++) {
        ws_status st = push_cell(p, 0);
        if (st != WS_OK)
            return st;
    }
    ws_status st = push_row_line(p, record_line);
    if (st == WS_OK)
        p->nrows++;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Header names                                                              */
/* ------------------------------------------------------------------------ */

/* Length of the blank (space, TAB, NBSP) at s[0], or 0. */
static size_t blank_length(const char *s, size_t avail) {
    if (avail >= 1 && (s[0] == ' ' || s[0] == '\t'))
        return 1;
    if (avail >= 2 && s[0] == '\xC2' && s[1] == '\xA0')
        return 2;
    return 0;
}

/* Length of the blank ending just before s[len], or 0. */
static size_t trailing_blank_length(const char *s, size_t len) {
    if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        return 1;
    if (len >= 2 && s[len - 2] == '\xC2' && s[len - 1] == '\xA0')
        return 2;
    return 0;
}

/* Trim [*b, *b + *len) in place of the span bounds only. */
static void trim_span(const char **b, size_t *len) {
    size_t n;
    while ((n = blank_length(*b, *len)) > 0) {
        *b += n;
        *len -= n;
    }
    while ((n = trailing_blank_length(*b, *len)) > 0)
        *len -= n;
}

static int ascii_lower(int c) {
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive comparison of two NUL-terminated strings. */
static int compare_nocase(const char *a, const char *b) {
    for (;; a++, b++) {
        int ca = ascii_lower((unsigned char)*a);
        int cb = ascii_lower((unsigned char)*b);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

static bool span_equals_nocase(const char *span, size_t len, const char *s) {
    for (size_t i = 0; i < len; i++, s++)
        if (*s == '\0' || ascii_lower((unsigned char)span[i]) !=
                              ascii_lower((unsigned char)*s))
            return false;
    return *s == '\0';
}

typedef struct header_entry {
    const char *name;
    size_t col;
} header_entry;

static int compare_header_entries(const void *a, const void *b) {
    const header_entry *x = a, *y = b;
    int c = compare_nocase(x->name, y->name);
    if (c != 0)
        return c;
    return (x->col > y->col) - (x->col < y->col);
}

static ws_status header_error(csv_parser *p, size_t col, const char *what,
                              const char *name, size_t other) {
    size_t line, c;
    locate(p->src, p->end, p->header_pos[col], &line, &c);
    if (name)
        return ws__error(p->ctx, WS_ERR_FORMAT,
                         "%s:%zu:%zu: %s \"%s\" (column %zu, same as column "
                         "%zu)",
                         p->name, line, c, what, name, col + 1, other + 1);
    return ws__error(p->ctx, WS_ERR_FORMAT, "%s:%zu:%zu: %s (column %zu)",
                     p->name, line, c, what, col + 1);
}

static ws_status trim_header_names(csv_parser *p) {
    for (size_t col = 0; col < p->ncols; col++) {
        const char *b = p->text + p->cells[col];
        size_t len = strlen(b);
        trim_span(&b, &len);
        p->cells[col] = (uint32_t)(b - p->text);
        p->text[p->cells[col] + len] = '\0';
        if (len == 0)
            return header_error(p, col, "empty column name", NULL, 0);
    }
    return WS_OK;
}

/* Duplicates (case-insensitive) are found by sorting; the reported one is
 * the leftmost column that repeats an earlier name. */
static ws_status check_duplicate_header_names(csv_parser *p) {
    if (p->ncols < 2)
        return WS_OK;
    header_entry *e = ws__calloc(p->ctx, p->ncols, sizeof *e);
    if (!e)
        return WS_ERR_NOMEM;
    for (size_t col = 0; col < p->ncols; col++) {
        e[col].name = p->text + p->cells[col];
        e[col].col = col;
    }
    qsort(e, p->ncols, sizeof *e, compare_header_entries);
    size_t dup = SIZE_MAX, first = 0;
    for (size_t i = 1; i < p->ncols; i++) {
        bool same = compare_nocase(e[i - 1].name, e[i].name) == 0;
        bool first_repeat =
            i < 2 || compare_nocase(e[i - 2].name, e[i].name) != 0;
        if (same && first_repeat && e[i].col < dup) {
            dup = e[i].col;
            first = e[i - 1].col;
        }
    }
    ws__free(p->ctx, e);
    if (dup == SIZE_MAX)
        return WS_OK;
    return header_error(p, dup, "duplicate column name",
                        p->text + p->cells[dup], first);
}

/* ------------------------------------------------------------------------ */
/* Building the table                                                        */
/* ------------------------------------------------------------------------ */

static bool guess_decimal_comma(const ws_csv *csv) {
    if (csv->sep != ';' && csv->sep != '\t')
        return false;
    size_t n = csv->nrows * csv->ncols;
    const uint32_t *cells = csv->cells + csv->ncols;
    for (size_t i = 0; i < n; i++) {
        const char *s = csv->text + cells[i];
        if (strchr(s, ',') && ws__parse_number(s, true, NULL) == WS_NUM_OK)
            return true;
    }
    return false;
}

static void free_parser(csv_parser *p) {
    ws__free(p->ctx, p->text);
    ws__free(p->ctx, p->cells);
    ws__free(p->ctx, p->lines);
    ws__free(p->ctx, p->header_pos);
}

static ws_status parse_all_records(csv_parser *p) {
    skip_blank_lines(p);
    if (p->r >= p->end)
        return ws__error(p->ctx, WS_ERR_FORMAT,
                         "%s: empty file (no header line)", p->name);
    p->sep = detect_separator(p->src, p->r, p->end);
    ws_status st = parse_record(p);
    if (st == WS_OK)
        st = trim_header_names(p);
    if (st == WS_OK)
        st = check_duplicate_header_names(p);
    for (;;) {
        if (st != WS_OK)
            return st;
        skip_blank_lines(p);
        if (p->r >= p->end)
            return WS_OK;
        st = parse_record(p);
    }
}

/* Parse UTF-8 text without BOM into a new table. */
static ws_status build_table(ws_ctx *ctx, const char *name, const char *src,
                             size_t len, ws_csv **out) {
    if (len > (size_t)UINT32_MAX - 2)
        return ws__error(ctx, WS_ERR_UNSUPPORTED,
                         "%s: CSV files over 4 GiB are not supported", name);
    csv_parser p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.name = name;
    p.src = src;
    p.end = len;
    p.line = 1;
    /* every cell but the last is followed by at least one separator or
     * line-end byte, so the text never outgrows len + 2 */
    p.text = ws__malloc(ctx, len + 2);
    if (!p.text)
        return WS_ERR_NOMEM;
    p.text[0] = '\0';
    p.w = 1;
    ws_status st = parse_all_records(&p);
    ws_csv *csv = st == WS_OK ? ws__calloc(ctx, 1, sizeof *csv) : NULL;
    if (!csv) {
        free_parser(&p);
        return st != WS_OK ? st : WS_ERR_NOMEM;
    }
    ws__free(ctx, p.header_pos);
    csv->text = p.text;
    csv->cells = p.cells;
    csv->lines = p.lines;
    csv->ncols = p.ncols;
    csv->nrows = p.nrows;
    csv->sep = p.sep;
    csv->decimal_comma = guess_decimal_comma(csv);
    *out = csv;
    return WS_OK;
}

static ws_status error_nul_byte(ws_ctx *ctx, const char *name, const char *data,
                                size_t len, size_t pos) {
    size_t line, col;
    locate(data, len, pos, &line, &col);
    return ws__error(ctx, WS_ERR_FORMAT,
                     "%s:%zu:%zu: NUL byte in text (binary file?)", name, line,
                     col);
}

ws_status ws__csv_parse(ws_ctx *ctx, const char *name, const char *data,
                        size_t len, ws_csv **out) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (!out || !name || (!data && len > 0))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "ws__csv_parse: NULL argument");
    *out = NULL;
    if (has_utf8_bom(data, len)) {
        data += 3;
        len -= 3;
    }
    const char *nul = len ? memchr(data, '\0', len) : NULL;
    if (nul)
        return error_nul_byte(ctx, name, data, len, (size_t)(nul - data));
    size_t bad = find_invalid_utf8(data, len);
    if (bad == len)
        return build_table(ctx, name, data, len, out);

    size_t line, col;
    locate(data, len, bad, &line, &col);
    ws__warn(ctx,
             "%s: not valid UTF-8 (first at line %zu); reading it as "
             "Windows-1252",
             name, line);
    char *utf8;
    size_t utf8_len;
    ws_status st = convert_cp1252(ctx, data, len, &utf8, &utf8_len);
    if (st != WS_OK)
        return st;
    st = build_table(ctx, name, utf8, utf8_len, out);
    ws__free(ctx, utf8);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */
/* ------------------------------------------------------------------------ */

/* Initial buffer size for an open file: its size when it can be told, but
 * at most 64 MiB (directories report absurd sizes); the buffer grows. */
static size_t file_size_hint(FILE *f) {
    const long limit = 64L << 20;
    if (fseek(f, 0, SEEK_END) != 0)
        return 0;
    long size = ftell(f);
    if (fseek(f, 0, SEEK_SET) != 0 || size < 0)
        return 0;
    return (size_t)(size < limit ? size : limit);
}

static ws_status read_open_file(ws_ctx *ctx, const char *path, FILE *f,
                                char **out, size_t *out_len) {
    size_t cap = file_size_hint(f) + 1, len = 0;
    char *buf = ws__malloc(ctx, cap);
    if (!buf)
        return WS_ERR_NOMEM;
    for (;;) {
        if (len == cap) {
            if (cap > SIZE_MAX / 2) {
                ws__free(ctx, buf);
                return ws__error(ctx, WS_ERR_NOMEM, "%s: file too large", path);
            }
            char *nbuf = ws__realloc(ctx, buf, cap * 2);
            if (!nbuf) {
                ws__free(ctx, buf);
                return WS_ERR_NOMEM;
            }
            buf = nbuf;
            cap *= 2;
        }
        errno = 0;
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) { /* a short read: end of file or an error */
            if (ferror(f)) {
                int e = errno;
                ws__free(ctx, buf);
                return ws__error(ctx, WS_ERR_IO, "%s: read error: %s", path,
                                 e ? strerror(e) : "unknown error");
            }
            break;
        }
    }
    *out = buf;
    *out_len = len;
    return WS_OK;
}

ws_status ws__csv_read(ws_ctx *ctx, const char *path, ws_csv **out) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (!path || !out)
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "ws__csv_read: NULL argument");
    *out = NULL;
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return ws__error(ctx, e == ENOENT ? WS_ERR_IO_NOT_FOUND : WS_ERR_IO,
                         "%s: cannot open: %s", path,
                         e ? strerror(e) : "unknown error");
    }
    char *data = NULL;
    size_t len = 0;
    ws_status st = read_open_file(ctx, path, f, &data, &len);
    fclose(f);
    if (st != WS_OK)
        return st;
    st = ws__csv_parse(ctx, path, data, len, out);
    ws__free(ctx, data);
    return st;
}

void ws__csv_free(ws_ctx *ctx, ws_csv *csv) {
    if (!csv)
        return;
    ws__free(ctx, csv->text);
    ws__free(ctx, csv->cells);
    ws__free(ctx, csv->lines);
    ws__free(ctx, csv);
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                 */
/* ------------------------------------------------------------------------ */

size_t ws__csv_ncols(const ws_csv *csv) { return csv ? csv->ncols : 0; }

size_t ws__csv_nrows(const ws_csv *csv) { return csv ? csv->nrows : 0; }

const char *ws__csv_header(const ws_csv *csv, size_t col) {
    if (!csv || col >= csv->ncols)
        return NULL;
    return csv->text + csv->cells[col];
}

long ws__csv_find(const ws_csv *csv, const char *name) {
    if (!csv || !name)
        return -1;
    size_t len = strlen(name);
    trim_span(&name, &len);
    for (size_t col = 0; col < csv->ncols; col++)
        if (span_equals_nocase(name, len, csv->text + csv->cells[col]))
            return (long)col;
    return -1;
}

const char *ws__csv_cell(const ws_csv *csv, size_t row, size_t col) {
    if (!csv || row >= csv->nrows || col >= csv->ncols)
        return "";
    return csv->text + csv->cells[(row + 1) * csv->ncols + col];
}

size_t ws__csv_line(const ws_csv *csv, size_t row) {
    if (!csv || row >= csv->nrows)
        return 0;
    return csv->lines[row];
}

char ws__csv_separator(const ws_csv *csv) { return csv ? csv->sep : ','; }

bool ws__csv_decimal_comma(const ws_csv *csv) {
    return csv ? csv->decimal_comma : false;
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                   */
/* ------------------------------------------------------------------------ */

#define NUMBER_MAX_LEN 64

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_missing_placeholder(const char *s, size_t len) {
    static const char *const placeholders[] = {".", "-",  "x",
                                               "?", "NA", "NULL"};
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
        if (span_equals_nocase(s, len, placeholders[i]))
            return true;
    return false;
}

/* Digits of a number, collected for strtod() as "[-]DIGITSe<exp>". */
typedef struct number_text {
    char buf[NUMBER_MAX_LEN + 32];
    size_t len;
    size_t ndigits;
} number_text;

static void append_char(number_text *t, char c) { t->buf[t->len++] = c; }

/* Append digits from s[*i]; returns how many there were. */
static size_t append_digits(number_text *t, const char *s, size_t len,
                            size_t *i) {
    size_t n = 0;
    while (*i < len && is_digit(s[*i])) {
        append_char(t, s[(*i)++]);
        n++;
    }
    t->ndigits += n;
    return n;
}

/* Integer part with Dutch thousands dots: 1-3 digits, then groups ".ddd". */
static bool scan_grouped_integer(number_text *t, const char *s, size_t len,
                                 size_t *i) {
    size_t first = append_digits(t, s, len, i);
    if (*i >= len || s[*i] != '.')
        return true;
    if (first < 1 || first > 3)
        return false;
    while (*i < len && s[*i] == '.') {
        (*i)++;
        if (append_digits(t, s, len, i) != 3)
            return false;
    }
    return true;
}

/* Exponent "e[+-]ddd"; the value is clamped far beyond double's range. */
static bool scan_exponent(const char *s, size_t len, size_t *i, long *exp) {
    if (*i >= len || (s[*i] != 'e' && s[*i] != 'E'))
        return true;
    (*i)++;
    bool negative = false;
    if (*i < len && (s[*i] == '+' || s[*i] == '-'))
        negative = s[(*i)++] == '-';
    if (*i >= len || !is_digit(s[*i]))
        return false;
    long v = 0;
    for (; *i < len && is_digit(s[*i]); (*i)++)
        if (v < 100000)
            v = v * 10 + (s[*i] - '0');
    *exp = negative ? -v : v;
    return true;
}

static void append_exponent(number_text *t, long exp) {
    char rev[24];
    size_t n = 0;
    append_char(t, 'e');
    if (exp < 0) {
        append_char(t, '-');
        exp = -exp;
    }
    do {
        rev[n++] = (char)('0' + exp % 10);
        exp /= 10;
    } while (exp > 0);
    while (n > 0)
        append_char(t, rev[--n]);
}

ws_num_result ws__parse_number(const char *s, bool decimal_comma, double *out) {
    if (!s)
        return WS_NUM_MISSING;
    size_t len = strlen(s);
    trim_span(&s, &len);
    if (len == 0 || is_missing_placeholder(s, len))
        return WS_NUM_MISSING;
    if (len > NUMBER_MAX_LEN)
        return WS_NUM_INVALID;

    number_text t;
    t.len = t.ndigits = 0;
    size_t i = 0;
    if (s[i] == '+' || s[i] == '-') {
        if (s[i] == '-')
            append_char(&t, '-');
        i++;
    }
    if (decimal_comma) {
        if (!scan_grouped_integer(&t, s, len, &i))
            return WS_NUM_INVALID;
    } else {
        append_digits(&t, s, len, &i);
    }
    size_t nfrac = 0;
    if (i < len && s[i] == (decimal_comma ? ',' : '.')) {
        i++;
        nfrac = append_digits(&t, s, len, &i);
    }
    long exp = 0;
    if (t.ndigits == 0 || !scan_exponent(s, len, &i, &exp) || i != len)
        return WS_NUM_INVALID;
    append_exponent(&t, exp - (long)nfrac);
    append_char(&t, '\0');

    /* only digits and an exponent: strtod needs no decimal point here */
    char *end;
    double v = strtod(t.buf, &end);
    if (*end != '\0' || !isfinite(v))
        return WS_NUM_INVALID;
    if (out)
        *out = v;
    return WS_NUM_OK;
}
