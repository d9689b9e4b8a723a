/* Small string helpers and a growable string buffer used to build messages,
 * SQL filters and metadata. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"

size_t ws__strlcpy(char *dst, const char *src, size_t dst_size) {
    size_t n = strlen(src);
    if (dst_size) {
        size_t c = n < dst_size - 1 ? n : dst_size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

bool ws__streq_nocase(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

const char *ws__basename(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void ws__sb_init(ws_strbuf *sb, ws_ctx *ctx) {
    memset(sb, 0, sizeof *sb);
    sb->ctx = ctx;
}

static bool sb_grow(ws_strbuf *sb, size_t extra) {
    if (sb->failed)
        return false;
    if (ws__reserve(sb->ctx, (void **)&sb->data, &sb->cap, sb->len + extra + 1,
                    1) != WS_OK) {
        sb->failed = true;
        return false;
    }
    return true;
}

void ws__sb_append(ws_strbuf *sb, const char *s) {
    size_t n = strlen(s);
    if (!sb_grow(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n + 1);
    sb->len += n;
}

void ws__sb_appendf(ws_strbuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !sb_grow(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

const char *ws__sb_str(ws_strbuf *sb) {
    if (sb->failed)
        return NULL;
    if (!sb->data && !sb_grow(sb, 0))
        return NULL;
    if (sb->len == 0)
        sb->data[0] = '\0';
    return sb->data;
}

char *ws__sb_take(ws_strbuf *sb) {
    const char *s = ws__sb_str(sb);
    char *r = s ? sb->data : NULL;
    if (!r)
        ws__free(sb->ctx, sb->data);
    ws_ctx *ctx = sb->ctx;
    ws__sb_init(sb, ctx);
    return r;
}

void ws__sb_free(ws_strbuf *sb) {
    ws__free(sb->ctx, sb->data);
    ws_ctx *ctx = sb->ctx;
    ws__sb_init(sb, ctx);
}

/* Levenshtein distance (99 for names over 63 bytes), to suggest the
 * intended name in "did you mean" messages. */
size_t ws__edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

size_t ws_format_number(char *buf, size_t size, double v, int decimals) {
    if (!buf || size == 0)
        return 0;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    if (!isfinite(v) || fabs(v) >= 1e15)
        return (size_t)snprintf(buf, size, "%s", isnan(v) ? "-" : "∞");
    double scale = pow(10.0, decimals);
    double r = round(fabs(v) * scale); /* half away from zero */
    bool negative = v < 0 && r > 0;
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", r);
    size_t len = strlen(digits);
    /* at least one digit before the comma */
    char padded[48];
    size_t need = (size_t)decimals + 1;
    size_t pad = len < need ? need - len : 0;
    memset(padded, '0', pad);
    memcpy(padded + pad, digits, len + 1);
    len += pad;
    size_t int_len = len - (size_t)decimals, o = 0;
    char out[80];
    if (negative)
        out[o++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            out[o++] = '.';
        out[o++] = padded[i];
    }
    if (decimals > 0) {
        out[o++] = ',';
        memcpy(out + o, padded + int_len, (size_t)decimals);
        o += (size_t)decimals;
    }
    out[o] = '\0';
    return ws__strlcpy(buf, out, size) < size ? o : size - 1;
}
