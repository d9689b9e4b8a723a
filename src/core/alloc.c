/* Allocation through the context's allocator. Every failure records
 * WS_ERR_NOMEM in the context, so callers only clean up and return; tests can
 * install an allocator that fails the N-th call (see tests/support). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

/* No object can be larger than PTRDIFF_MAX: refuse such sizes before they
 * reach the allocator (a size computed from corrupt input, say). */
static bool impossible(ws_ctx *ctx, size_t size) {
    if (size <= (size_t)PTRDIFF_MAX)
        return false;
    ws__error(ctx, WS_ERR_NOMEM, "out of memory (allocating %zu bytes)", size);
    return true;
}

void *ws__malloc(ws_ctx *ctx, size_t size) {
    if (size == 0)
        size = 1;
    if (impossible(ctx, size))
        return NULL;
    void *p = ctx->opt.allocator.malloc_fn(size, ctx->opt.allocator.user);
    if (!p)
        ws__error(ctx, WS_ERR_NOMEM, "out of memory (allocating %zu bytes)",
                  size);
    return p;
}

void *ws__calloc(ws_ctx *ctx, size_t n, size_t size) {
    if (size != 0 && n > SIZE_MAX / size) {
        ws__error(ctx, WS_ERR_NOMEM, "out of memory (%zu x %zu bytes)", n,
                  size);
        return NULL;
    }
    void *p = ws__malloc(ctx, n * size);
    if (p)
        memset(p, 0, (n * size) > 0 ? n * size : 1);
    return p;
}

void *ws__realloc(ws_ctx *ctx, void *ptr, size_t size) {
    if (size == 0)
        size = 1;
    if (impossible(ctx, size))
        return NULL;
    void *p = ctx->opt.allocator.realloc_fn(ptr, size, ctx->opt.allocator.user);
    if (!p)
        ws__error(ctx, WS_ERR_NOMEM, "out of memory (allocating %zu bytes)",
                  size);
    return p;
}

void ws__free(ws_ctx *ctx, void *ptr) {
    if (ptr)
        ctx->opt.allocator.free_fn(ptr, ctx->opt.allocator.user);
}

void ws_free(ws_ctx *ctx, void *ptr) {
    if (ctx)
        ws__free(ctx, ptr);
}

char *ws__strndup(ws_ctx *ctx, const char *s, size_t n) {
    char *d = ws__malloc(ctx, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ws__strdup(ws_ctx *ctx, const char *s) {
    return s ? ws__strndup(ctx, s, strlen(s)) : NULL;
}

ws_status ws__reserve(ws_ctx *ctx, void **array, size_t *cap, size_t need,
                      size_t elem_size) {
    if (need <= *cap)
        return WS_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > (SIZE_MAX - 16) / 3 * 2) { /* growing would overflow */
            ncap = need;
            break;
        }
        ncap = ncap / 2 * 3 + 16;
    }
    if (elem_size == 0 || ncap > SIZE_MAX / elem_size)
        return ws__error(ctx, WS_ERR_NOMEM, "out of memory (array of %zu)",
                         ncap);
    void *p = ws__realloc(ctx, *array, ncap * elem_size);
    if (!p)
        return WS_ERR_NOMEM;
    *array = p;
    *cap = ncap;
    return WS_OK;
}
