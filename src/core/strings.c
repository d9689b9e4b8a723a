/* Small string helpers and a growable string buffer used to build messages,
 * SQL filters and metadata. */
#include <ctype.h>
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
