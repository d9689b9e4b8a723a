/* GDAL error capture. GDAL's error handler is a thread-local stack, so each
 * block of GDAL calls pushes a handler that stores the last message in the
 * context; callers then put it into a message that names file and layer. */
#include <pthread.h>

#include <cpl_error.h>
#include <gdal.h>

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

/* GDALAllRegister is not safe to run on two threads at once, even after
 * the first time (it rebuilds the driver manager's plugin path), and
 * wijkscan opens files on several threads (the BAG beside the buurten, maps
 * side by side): registered once per process. */
static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_drivers(void) { GDALAllRegister(); }

void ws__gdal_register(void) { pthread_once(&registered, register_drivers); }
