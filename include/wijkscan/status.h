/**
 * \file status.h
 * Status codes returned by every wijkscan function that can fail.
 *
 * Primary codes occupy the low byte; extended codes are
 * `primary | (n << 8)`, so `ws_status_primary(st)` gives the category.
 * Codes are append-only and never renumbered.
 */
#ifndef WIJKSCAN_STATUS_H
#define WIJKSCAN_STATUS_H

#include "export_macros.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, description) — one table for the enum and the strings. */
#define WS_STATUS_MAP(X)                                                       \
    X(WS_OK, 0, "success")                                                     \
    X(WS_ERR_INVALID_ARG, 1, "invalid argument")                               \
    X(WS_ERR_NOMEM, 2, "out of memory")                                        \
    X(WS_ERR_IO, 3, "input/output error")                                      \
    X(WS_ERR_FORMAT, 4, "malformed configuration or input file")               \
    X(WS_ERR_DATA, 5, "unusable data")                                         \
    X(WS_ERR_CRS, 6, "coordinate reference system error")                      \
    X(WS_ERR_GEOMETRY, 7, "geometry error")                                    \
    X(WS_ERR_RENDER, 8, "rendering error")                                     \
    X(WS_ERR_MISUSE, 9, "library misuse")                                      \
    X(WS_ERR_CANCELLED, 10, "cancelled")                                       \
    X(WS_ERR_UNSUPPORTED, 11, "not supported")                                 \
    X(WS_ERR_IO_NOT_FOUND, 3 | (1 << 8), "file not found")                     \
    X(WS_ERR_IO_WRITE, 3 | (2 << 8), "cannot write output")                    \
    X(WS_ERR_FORMAT_YAML, 4 | (1 << 8), "YAML syntax error")                   \
    X(WS_ERR_FORMAT_NOT_SPATIAL, 4 | (2 << 8), "not a readable spatial file")  \
    X(WS_ERR_DATA_NO_LAYER, 5 | (1 << 8), "layer not found")                   \
    X(WS_ERR_DATA_NO_FIELD, 5 | (2 << 8), "field not found or mistyped")       \
    X(WS_ERR_DATA_DUPLICATE_KEY, 5 | (3 << 8), "duplicate key")                \
    X(WS_ERR_DATA_EMPTY, 5 | (4 << 8), "empty selection")                      \
    X(WS_ERR_DATA_UNKNOWN_CODE, 5 | (5 << 8), "unknown region code")           \
    X(WS_ERR_CRS_MISSING, 6 | (1 << 8), "layer has no CRS")

/** Status code. `WS_OK` (0) is success; everything else is an error. */
typedef enum ws_status {
#define WS_STATUS_ENUM_(name, value, text) name = (value),
    WS_STATUS_MAP(WS_STATUS_ENUM_)
#undef WS_STATUS_ENUM_
} ws_status;

/**
 * Static English description of a status code.
 * \return never NULL; "unknown status" for values outside the table.
 * \since 0.1
 */
WS_API const char *ws_status_str(ws_status st);

/**
 * Symbolic name of a status code, e.g. "WS_ERR_DATA_NO_FIELD".
 * \since 0.1
 */
WS_API const char *ws_status_name(ws_status st);

/** Primary category of a (possibly extended) status code. \since 0.1 */
static inline ws_status ws_status_primary(ws_status st) {
    return (ws_status)((int)st & 0xff);
}

#ifdef __cplusplus
}
#endif

#endif /* WIJKSCAN_STATUS_H */
