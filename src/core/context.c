/* The context: GEOS handle with its message handler routed into the context,
 * the first-error-wins error state, logging and progress reporting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

static void *default_malloc(size_t size, void *user) {
    (void)user;
    return malloc(size);
}
static void *default_realloc(void *ptr, size_t size, void *user) {
    (void)user;
    return realloc(ptr, size);
}
static void default_free(void *ptr, void *user) {
    (void)user;
    free(ptr);
}

void ws_ctx_options_init(ws_ctx_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->allocator.malloc_fn = default_malloc;
    opt->allocator.realloc_fn = default_realloc;
    opt->allocator.free_fn = default_free;
}

bool ws__ctx_thread_safe_alloc(const ws_ctx *ctx) {
    return ctx->opt.allocator.malloc_fn == default_malloc &&
           ctx->opt.allocator.realloc_fn == default_realloc &&
           ctx->opt.allocator.free_fn == default_free;
}

ws_status ws__ctx_new_worker(const ws_ctx *ctx, ws_log_fn log, void *log_user,
                             bool progress, ws_ctx **out) {
    ws_ctx_options o = ctx->opt;
    o.log = log;
    o.log_user = log_user;
    if (!progress)
        o.progress = NULL;
    return ws_ctx_new(&o, out);
}

static void geos_message(const char *message, void *userdata) {
    ws_ctx *ctx = userdata;
    ws__strlcpy(ctx->geos_msg, message ? message : "", sizeof ctx->geos_msg);
}

ws_status ws_ctx_new(const ws_ctx_options *opt, ws_ctx **out) {
    if (!out)
        return WS_ERR_INVALID_ARG;
    *out = NULL;
    ws_ctx_options o;
    ws_ctx_options_init(&o);
    if (opt) {
        bool all = opt->allocator.malloc_fn && opt->allocator.realloc_fn &&
                   opt->allocator.free_fn;
        bool none = !opt->allocator.malloc_fn && !opt->allocator.realloc_fn &&
                    !opt->allocator.free_fn;
        if (!all && !none)
            return WS_ERR_INVALID_ARG;
        ws_allocator keep = o.allocator;
        o = *opt;
        if (none)
            o.allocator = keep;
    }
    ws_ctx *ctx = o.allocator.malloc_fn(sizeof *ctx, o.allocator.user);
    if (!ctx)
        return WS_ERR_NOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->opt = o;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos) {
        o.allocator.free_fn(ctx, o.allocator.user);
        return WS_ERR_NOMEM;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_message, ctx);
    *out = ctx;
    return WS_OK;
}

void ws_ctx_free(ws_ctx *ctx) {
    if (!ctx)
        return;
    if (ctx->cache && ctx->cache_free)
        ctx->cache_free(ctx, ctx->cache);
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    ctx->opt.allocator.free_fn(ctx, ctx->opt.allocator.user);
}

const char *ws_ctx_errmsg(const ws_ctx *ctx) {
    return ctx ? ctx->errmsg : "no context";
}

ws_status ws_ctx_status(const ws_ctx *ctx) {
    return ctx ? ctx->status : WS_ERR_INVALID_ARG;
}

void ws_ctx_clear_error(ws_ctx *ctx) {
    ctx->status = WS_OK;
    ctx->errmsg[0] = '\0';
}

size_t ws_ctx_warning_count(const ws_ctx *ctx) { return ctx->n_warnings; }

bool ws__has_error(const ws_ctx *ctx) { return ctx->status != WS_OK; }

ws_status ws__status_or(const ws_ctx *ctx, ws_status fallback) {
    return ctx->status != WS_OK ? ctx->status : fallback;
}

/* The first error wins, and the status returned is always the recorded
 * one: a failure that follows from an earlier one (a NULL from an
 * allocation that already recorded WS_ERR_NOMEM, say) reports that cause. */
ws_status ws__verror(ws_ctx *ctx, ws_status st, const char *fmt, va_list ap) {
    if (st == WS_OK)
        return WS_OK;
    if (ctx->status == WS_OK) {
        ctx->status = st;
        vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    }
    return ctx->status;
}

ws_status ws__error(ws_ctx *ctx, ws_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ws__verror(ctx, st, fmt, ap);
    va_end(ap);
    return st;
}

void ws__error_prefix(ws_ctx *ctx, const char *stage) {
    size_t sl = strlen(stage);
    if (ctx->status == WS_OK ||
        (strncmp(ctx->errmsg, stage, sl) == 0 && ctx->errmsg[sl] == ':'))
        return;
    /* shift the message right and write the prefix in front of it */
    size_t ml = strlen(ctx->errmsg);
    if (sl + 2 + ml >= sizeof ctx->errmsg)
        ml = sizeof ctx->errmsg - sl - 3;
    memmove(ctx->errmsg + sl + 2, ctx->errmsg, ml);
    ctx->errmsg[sl + 2 + ml] = '\0';
    memcpy(ctx->errmsg, stage, sl);
    ctx->errmsg[sl] = ':';
    ctx->errmsg[sl + 1] = ' ';
}

void ws__log(ws_ctx *ctx, ws_log_level level, const char *fmt, ...) {
    if (level == WS_LOG_WARNING)
        ctx->n_warnings++;
    if (!ctx->opt.log)
        return;
    char buf[WS_ERROR_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->opt.log(level, buf, ctx->opt.log_user);
}

ws_status ws__progress(ws_ctx *ctx, double ratio, const char *msg) {
    if (!ctx->opt.progress)
        return WS_OK;
    if (ctx->opt.progress(ratio, msg, ctx->opt.progress_user))
        return ws__error(ctx, WS_ERR_CANCELLED, "cancelled during %s", msg);
    return WS_OK;
}
