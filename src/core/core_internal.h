/* Internal core services shared by every module: allocation through the
 * context's allocator, the first-error-wins error state, logging, progress,
 * GDAL error capture and small containers. Never installed. */
#ifndef WS_CORE_INTERNAL_H
#define WS_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <geos_c.h>

#include "wijkscan/context.h"

#if defined(__GNUC__)
#define WS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define WS_PRINTF(f, a)
#endif

struct ws_ctx {
    ws_ctx_options opt;
    GEOSContextHandle_t geos;
    ws_status status;
    char errmsg[WS_ERROR_SIZE];
    char geos_msg[512]; /* last GEOS error/notice */
    char gdal_msg[512]; /* last GDAL error captured between gdal_begin/end */
    int gdal_depth;
    size_t n_warnings;
    /* what a module keeps between calls on this context (the map data of
     * the last GeoPackage mapped), freed with the context */
    void *cache;
    void (*cache_free)(ws_ctx *ctx, void *cache);
};

/* --- allocation: every failure records WS_ERR_NOMEM in the context --- */
void *ws__malloc(ws_ctx *ctx, size_t size);
void *ws__calloc(ws_ctx *ctx, size_t n, size_t size);
void *ws__realloc(ws_ctx *ctx, void *ptr, size_t size);
void ws__free(ws_ctx *ctx, void *ptr);
char *ws__strdup(ws_ctx *ctx, const char *s);
char *ws__strndup(ws_ctx *ctx, const char *s, size_t n);
/* Grow *array (elements of elem_size) so that it holds at least `need`
 * elements; *cap is updated. Returns WS_OK or WS_ERR_NOMEM. */
ws_status ws__reserve(ws_ctx *ctx, void **array, size_t *cap, size_t need,
                      size_t elem_size);

/* Is the context's allocator the C library's (thread-safe)? A caller's
 * own allocator need not be, so work is spread over threads that allocate
 * only under this one. */
bool ws__ctx_thread_safe_alloc(const ws_ctx *ctx);
/* A context for a worker thread: the options (allocator) of ctx, messages
 * to `log` (NULL: none), and ctx's progress callback only when
 * `progress`, so that progress comes from one thread at a time. */
ws_status ws__ctx_new_worker(const ws_ctx *ctx, ws_log_fn log, void *log_user,
                             bool progress, ws_ctx **out);

/* --- errors: the first one wins; every call returns the recorded status,
 * so a failure caused by an earlier one reports the earlier cause --- */
ws_status ws__error(ws_ctx *ctx, ws_status st, const char *fmt, ...)
    WS_PRINTF(3, 4);
ws_status ws__verror(ws_ctx *ctx, ws_status st, const char *fmt, va_list ap);
/* Prefix the recorded message with "<stage>: " (once per stage name). */
void ws__error_prefix(ws_ctx *ctx, const char *stage);
bool ws__has_error(const ws_ctx *ctx);
/* The status already recorded (e.g. WS_ERR_NOMEM from an allocation deep
 * down), or `fallback` when nothing was recorded. */
ws_status ws__status_or(const ws_ctx *ctx, ws_status fallback);

/* --- logging and progress --- */
void ws__log(ws_ctx *ctx, ws_log_level level, const char *fmt, ...)
    WS_PRINTF(3, 4);
#define ws__warn(ctx, ...) ws__log((ctx), WS_LOG_WARNING, __VA_ARGS__)
#define ws__info(ctx, ...) ws__log((ctx), WS_LOG_INFO, __VA_ARGS__)
/* Report progress; returns WS_ERR_CANCELLED (recorded) if the user asked to
 * stop, WS_OK otherwise. Cheap: callers may call it every few thousand items.
 */
ws_status ws__progress(ws_ctx *ctx, double ratio, const char *msg);

/* --- GDAL error capture: wrap every block of GDAL calls --- */
void ws__gdal_begin(ws_ctx *ctx);
/* GDALAllRegister, once per process (thread-safe; gdal_errors.c). */
void ws__gdal_register(void);
void ws__gdal_end(ws_ctx *ctx);
/* Last GDAL error message captured inside the current block ("" if none). */
const char *ws__gdal_msg(const ws_ctx *ctx);

/* --- small string helpers --- */
/* Copy at most dst_size-1 bytes and always NUL-terminate; returns strlen(src).
 */
size_t ws__strlcpy(char *dst, const char *src, size_t dst_size);
bool ws__streq_nocase(const char *a, const char *b);
/* Final path component (no allocation). */
const char *ws__basename(const char *path);
/* splitmix64: next 64 random bits, and a double uniform in [0, 1). */
uint64_t ws__rng_next(uint64_t *state);
double ws__rng_unit(uint64_t *state);
/* Levenshtein distance between two names; 99 when one is over 63 bytes. */
size_t ws__edit_distance(const char *a, const char *b);

/* --- growable string buffer --- */
typedef struct ws_strbuf {
    char *data;
    size_t len, cap;
    ws_ctx *ctx;
    bool failed;
} ws_strbuf;
void ws__sb_init(ws_strbuf *sb, ws_ctx *ctx);
void ws__sb_append(ws_strbuf *sb, const char *s);
void ws__sb_appendf(ws_strbuf *sb, const char *fmt, ...) WS_PRINTF(2, 3);
/* Returns the string (owned by sb) or NULL if an allocation failed. */
const char *ws__sb_str(ws_strbuf *sb);
/* Hand the buffer to the caller (free with ws__free); sb is reset. */
char *ws__sb_take(ws_strbuf *sb);
void ws__sb_free(ws_strbuf *sb);

/* A 64-bit mix (the MurmurHash3 finaliser): well-spread hash bits from
 * keys that differ in a few bits. */
static inline uint64_t ws__mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* --- hash index: string or 64-bit key -> size_t value (open addressing) --- */
typedef struct ws_hash {
    ws_ctx *ctx;
    size_t cap, count;
    uint64_t *hashes;   /* 0 = empty slot */
    const char **skeys; /* borrowed string keys (NULL for integer maps) */
    uint64_t *ikeys;
    size_t *values;
} ws_hash;
ws_status ws__hash_init(ws_hash *h, ws_ctx *ctx, size_t expected,
                        bool string_keys);
void ws__hash_free(ws_hash *h);
/* Insert; *existing (optional) receives true and the old value is kept when
 * the key was already present. String keys are borrowed, not copied. */
ws_status ws__hash_put_str(ws_hash *h, const char *key, size_t value,
                           bool *existing);
bool ws__hash_get_str(const ws_hash *h, const char *key, size_t *value);
ws_status ws__hash_put_u64(ws_hash *h, uint64_t key, size_t value,
                           bool *existing);
bool ws__hash_get_u64(const ws_hash *h, uint64_t key, size_t *value);

/* Sort keys ascending, carrying vals along; stable (equal keys keep their
 * order). Needs n × 12 bytes of scratch. */
ws_status ws__radix_sort_u64(ws_ctx *ctx, uint64_t *keys, uint32_t *vals,
                             size_t n);

#endif /* WS_CORE_INTERNAL_H */
