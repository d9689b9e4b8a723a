/* Fuzz target for the configuration parsers: every input is parsed as a
 * layer definition and as a project file. Errors are expected; crashes,
 * hangs, leaks and out-of-bounds reads are not. */
#include <stddef.h>
#include <stdint.h>

#include "config/config_internal.h"
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
    ws_ctx_free(ctx);
    return 0;
}
