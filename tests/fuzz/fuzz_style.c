/* Fuzz target for map styles (styles/NAME.yaml): every input is parsed as a
 * style. Errors are expected; crashes, hangs, leaks and out-of-bounds reads
 * are not. When a style parses, its palettes and missing-value paints are
 * looked up as a render would. */
#include <stddef.h>
#include <stdint.h>

#include "map/map_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(NULL, &ctx) != WS_OK)
        return 0;
    ws_map_style s;
    if (ws__map_style_parse(ctx, "fuzz.yaml", data, size, &s) == WS_OK) {
        ws_rgba c[12];
        const ws_palette_info *p = ws__palette_find(s.palette_sequential);
        if (p)
            ws__palette_colors(p, 5, c);
        for (size_t i = 0; i < s.nmissing; i++)
            (void)ws__map_missing_paint(&s, s.missing[i].reason);
        ws__map_style_free(ctx, &s);
    }
    ws_ctx_free(ctx);
    return 0;
}
