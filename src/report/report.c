/* placeholder */
#include <string.h>

#include "report_internal.h"

void ws_report_options_init(ws_report_options *opt) {
    memset(opt, 0, sizeof *opt);
    opt->method = -1;
}

ws_status ws_report_render(ws_ctx *ctx, const ws_report_options *opt,
                           ws_report_info *info) {
    (void)opt;
    (void)info;
    return ws__error(ctx, WS_ERR_INVALID_ARG, "not yet");
}
