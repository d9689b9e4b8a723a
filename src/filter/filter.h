/* Filter stage: which rows take part. The region selection by gemeentecode,
 * the code hierarchy (BU GGGG WW BB -> WK GGGG WW -> GM GGGG), the dwelling
 * rule for BAG verblijfsobjecten, and the SQL that pushes these down to GDAL.
 * The loaders call it for every row; the SQL is only a speed-up. */
#ifndef WS_FILTER_H
#define WS_FILTER_H

#include "../config/config_internal.h"

typedef struct ws_selection {
    const char *const *gemeenten; /* "GM0114"; n == 0 means everything */
    size_t n;
} ws_selection;

/* GM followed by four digits. */
bool ws__gemeentecode_valid(const char *code);
/* Every code must be a valid gemeentecode; duplicates are an error too. */
ws_status ws__selection_validate(ws_ctx *ctx, const ws_selection *sel);
bool ws__selection_has(const ws_selection *sel, const char *gemeentecode);
/* "BU01140101" / "WK011401" / "GM0114" -> "GM0114"; false if malformed. */
bool ws__gemeente_of(const char *code, char out[8]);
/* "BU01140101" -> "WK011401"; false if malformed. */
bool ws__wijk_of(const char *buurtcode, char out[10]);
/* Append `field IN ('GM0114',...)` (or four-digit codes) to sb. */
void ws__sql_in_selection(ws_strbuf *sb, const char *field,
                          const ws_selection *sel, bool digits4);
/* Append `(field LIKE 'BU0114%' OR …)` for code prefixes. */
void ws__sql_code_prefix(ws_strbuf *sb, const char *field,
                         const ws_selection *sel, const char *prefix);
/* Normalise a gemeentecode found in BAG ("0114", "114", "GM0114") to
 * "GM0114"; false if it is not one. */
bool ws__normalise_gemeentecode(const char *s, char out[8]);

/* Is gebruiksdoel `use` among the comma-separated values of `list`? */
bool ws__gebruiksdoel_has(const char *list, const char *use);
/* The dwelling rule of a BAG definition for one verblijfsobject. `uses` is a
 * comma-separated list (PDOK) or a single value; `uses_list` (may be NULL) an
 * OGR StringList (LVBAG). */
bool ws__is_dwelling(const ws_layerdef *def, const char *uses, char **uses_list,
                     const char *status);

#endif /* WS_FILTER_H */
