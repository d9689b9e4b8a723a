/* GDAL error capture. GDAL's error handler is a thread-local stack, so each
 * block of GDAL calls pushes a handler that stores the last message in the
 * context; callers then put it into a message that names file and layer. */
#include <cpl_error.h>

#include "core_internal.h"

static void CPL_STDCALL cpl_handler(CPLErr cls, CPLErrorNum num,
                                    const char *msg) {
    (void)num;
    ws_ctx *ctx = CPLGetErrorHandlerUserData();
    if (!ctx || cls < CE_Warning)
        return;
    if (cls == CE_Warning) {
        ws__log(ctx, WS_LOG_DEBUG, "GDAL: %s", msg);
        return;
    }
    ws__strlcpy(ctx->gdal_msg, msg, sizeof ctx->gdal_msg);
}

void ws__gdal_begin(ws_ctx *ctx) {
    if (ctx->gdal_depth++ == 0)
        ctx->gdal_msg[0] = '\0';
    CPLPushErrorHandlerEx(cpl_handler, ctx);
}

void ws__gdal_end(ws_ctx *ctx) {
    CPLPopErrorHandler();
    if (ctx->gdal_depth > 0)
        ctx->gdal_depth--;
}

const char *ws__gdal_msg(const ws_ctx *ctx) { return ctx->gdal_msg; }
