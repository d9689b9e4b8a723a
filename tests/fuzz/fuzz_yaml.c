/* Fuzz target for the configuration parsers: every input is parsed as a
 * layer definition, as a project file and as a theme layer. Errors are
 * expected; crashes, hangs, leaks and out-of-bounds reads are not. */
#include <stddef.h>
#include <stdint.h>

#include "config/config_internal.h"
#include "score/themes_internal.h"
#include "wijkscan/project.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(NULL, &ctx) != WS_OK)
        return 0;
    ws_layerdef *def = NULL;
    if (ws__layerdef_parse(ctx, "fuzz.yaml", data, size, &def) == WS_OK) {
        char buf[256];
        for (size_t i = 0; i < def->nrename; i++)
            ws__layerdef_rename(def, def->rename[i].key, buf, sizeof buf);
        ws__layerdef_free(ctx, def);
    }
    ws_ctx_clear_error(ctx);
    ws_project *p = NULL;
    if (ws__project_parse(ctx, "fuzz.yaml", "/nonexistent", data, size,
                          "/nonexistent/layers", &p) == WS_OK) {
        (void)ws_project_options(p);
        ws_project_free(p);
    }
    ws_ctx_clear_error(ctx);
    ws_themes *th = NULL;
    if (ws__themes_parse_buffer(ctx, "fuzz.yaml", data, size, &th) == WS_OK) {
        ws_strbuf sb;
        ws__sb_init(&sb, ctx);
        for (size_t i = 0; i < th->nind; i++)
            if (th->ind[i].value)
                ws__expr_format(th->ind[i].value, &sb);
        ws__sb_free(&sb);
        ws_themes_free(th);
    }
    ws_ctx_free(ctx);
    return 0;
}
