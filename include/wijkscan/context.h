/**
 * \file context.h
 * The wijkscan context: one per thread. It owns the GEOS handle, the error
 * state (first error wins), the log and progress callbacks and the allocator.
 * Every public function that can fail takes the context first.
 */
#ifndef WIJKSCAN_CONTEXT_H
#define WIJKSCAN_CONTEXT_H

#include <stddef.h>

#include "export_macros.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque context. Use one per thread. */
typedef struct ws_ctx ws_ctx;

/** Size of the context's error message buffer, terminating NUL included. */
#define WS_ERROR_SIZE 1024

/** Replaceable allocator (all three set, or all NULL for the C library). */
typedef struct ws_allocator {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} ws_allocator;

/** Severity of a log message. */
typedef enum ws_log_level {
    WS_LOG_DEBUG = 0,
    WS_LOG_INFO = 1,
    WS_LOG_WARNING = 2
} ws_log_level;

/** Log callback; `msg` is valid only during the call. */
typedef void (*ws_log_fn)(ws_log_level level, const char *msg, void *user);

/**
 * Progress callback. `ratio` runs from 0 to 1 within the stage named by
 * `msg`. A non-zero return cancels the run with WS_ERR_CANCELLED.
 */
typedef int (*ws_progress_fn)(double ratio, const char *msg, void *user);

/** Options for ws_ctx_new(). Always call ws_ctx_options_init() first. */
typedef struct ws_ctx_options {
    ws_allocator allocator;
    ws_log_fn log;
    void *log_user;
    ws_progress_fn progress;
    void *progress_user;
} ws_ctx_options;

/** Fill `opt` with defaults (C allocator, no callbacks). \since 0.1 */
WS_API void ws_ctx_options_init(ws_ctx_options *opt);

/**
 * Create a context.
 * \param opt options, or NULL for defaults.
 * \param out receives the context. Caller owns it; free with ws_ctx_free().
 * \return WS_OK, WS_ERR_INVALID_ARG or WS_ERR_NOMEM.
 * \since 0.1
 */
WS_API ws_status ws_ctx_new(const ws_ctx_options *opt, ws_ctx **out);

/** Free a context. NULL is a harmless no-op. \since 0.1 */
WS_API void ws_ctx_free(ws_ctx *ctx);

/**
 * The first error recorded since the last ws_ctx_clear_error(), as text that
 * names the file, layer or field involved. Owned by the context; valid until
 * the next call on it. Empty string when there is no error.
 * \since 0.1
 */
WS_API const char *ws_ctx_errmsg(const ws_ctx *ctx);

/** The status of the first recorded error (WS_OK when none). \since 0.1 */
WS_API ws_status ws_ctx_status(const ws_ctx *ctx);

/** Forget the recorded error. \since 0.1 */
WS_API void ws_ctx_clear_error(ws_ctx *ctx);

/** Number of warnings logged through this context so far. \since 0.1 */
WS_API size_t ws_ctx_warning_count(const ws_ctx *ctx);

/**
 * Format a number the Dutch way: decimal comma and a dot between thousands,
 * "1.234,5" for 1234.5 with one decimal; "-" for NaN. Rounds half away from
 * zero and never writes "-0". Truncates to fit `size` (NUL-terminated).
 * \param decimals digits after the comma, 0..9.
 * \return the length of the text written.
 * \since 0.2
 */
WS_API size_t ws_format_number(char *buf, size_t size, double v, int decimals);

/** Free memory that a wijkscan function returned to the caller. \since 0.1 */
WS_API void ws_free(ws_ctx *ctx, void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_CONTEXT_H */
