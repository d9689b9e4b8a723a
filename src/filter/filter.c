/* Filter stage: region selection by gemeentecode, the CBS code hierarchy and
 * the BAG dwelling rule. A woning is a verblijfsobject whose gebruiksdoel
 * includes the definition's use (woonfunctie; mixed use counts) and whose
 * status is one of the definition's live statuses. */
#include <ctype.h>
#include <string.h>

#include "filter.h"

bool ws__gemeentecode_valid(const char *c) {
    return c && c[0] == 'G' && c[1] == 'M' && isdigit((unsigned char)c[2]) &&
           isdigit((unsigned char)c[3]) && isdigit((unsigned char)c[4]) &&
           isdigit((unsigned char)c[5]) && c[6] == '\0';
}

ws_status ws__selection_validate(ws_ctx *ctx, const ws_selection *sel) {
    for (size_t i = 0; i < sel->n; i++) {
        if (!ws__gemeentecode_valid(sel->gemeenten[i]))
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "gemeentecode '%s' is malformed: expected GM "
                             "followed by four digits, e.g. GM0114",
                             sel->gemeenten[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(sel->gemeenten[i], sel->gemeenten[j]) == 0)
                return ws__error(ctx, WS_ERR_INVALID_ARG,
                                 "gemeentecode '%s' is given twice",
                                 sel->gemeenten[i]);
    }
    return WS_OK;
}

bool ws__selection_has(const ws_selection *sel, const char *gm) {
    if (sel->n == 0)
        return true;
    for (size_t i = 0; i < sel->n; i++)
        if (strcmp(sel->gemeenten[i], gm) == 0)
            return true;
    return false;
}

static bool digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Since 2023 the wijk and buurt parts may hold letters: only the gemeente
 * part is always digits. */
static bool alnum_run(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return true;
}

bool ws__gemeente_of(const char *code, char out[8]) {
    size_t len = strlen(code);
    bool ok =
        (strncmp(code, "BU", 2) == 0 && len == 10 && alnum_run(code + 6, 4)) ||
        (strncmp(code, "WK", 2) == 0 && len == 8 && alnum_run(code + 6, 2)) ||
        (strncmp(code, "GM", 2) == 0 && len == 6);
    if (!ok || !digits(code + 2, 4))
        return false;
    memcpy(out, "GM", 2);
    memcpy(out + 2, code + 2, 4);
    out[6] = '\0';
    return true;
}

bool ws__wijk_of(const char *code, char out[10]) {
    if (strncmp(code, "BU", 2) != 0 || strlen(code) != 10 ||
        !digits(code + 2, 4) || !alnum_run(code + 6, 4))
        return false;
    memcpy(out, "WK", 2);
    memcpy(out + 2, code + 2, 6);
    out[8] = '\0';
    return true;
}

void ws__sql_in_selection(ws_strbuf *sb, const char *field,
                          const ws_selection *sel, bool digits4) {
    ws__sb_appendf(sb, "\"%s\" IN (", field);
    for (size_t i = 0; i < sel->n; i++)
        ws__sb_appendf(sb, "%s'%s'", i ? "," : "",
                       digits4 ? sel->gemeenten[i] + 2 : sel->gemeenten[i]);
    ws__sb_append(sb, ")");
}

void ws__sql_code_prefix(ws_strbuf *sb, const char *field,
                         const ws_selection *sel, const char *prefix) {
    ws__sb_append(sb, "(");
    for (size_t i = 0; i < sel->n; i++)
        ws__sb_appendf(sb, "%s\"%s\" LIKE '%s%s%%'", i ? " OR " : "", field,
                       prefix, sel->gemeenten[i] + 2);
    ws__sb_append(sb, ")");
}

bool ws__normalise_gemeentecode(const char *s, char out[8]) {
    while (*s == ' ')
        s++;
    if (s[0] == 'G' && s[1] == 'M')
        s += 2;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0 || n > 4 || !digits(s, n))
        return false;
    memcpy(out, "GM0000", 7);
    memcpy(out + 6 - n, s, n);
    return true;
}

/* OGR writes a StringList as text "(2:winkelfunctie,woonfunctie)" when an
 * LVBAG extract is converted to GeoPackage; skip the "(n:" and ")". */
static const char *strip_stringlist(const char *s, size_t *len) {
    *len = strlen(s);
    if (s[0] != '(' || *len < 4 || s[*len - 1] != ')')
        return s;
    const char *colon = strchr(s, ':');
    if (!colon || colon == s + 1 || !digits(s + 1, (size_t)(colon - s - 1)))
        return s;
    *len = (size_t)(s + *len - 1 - (colon + 1));
    return colon + 1;
}

bool ws__gebruiksdoel_has(const char *list, const char *use) {
    size_t ul = strlen(use), total;
    const char *p = strip_stringlist(list, &total);
    const char *stop = p + total;
    while (p && p < stop) {
        while (*p == ' ')
            p++;
        const char *end = memchr(p, ',', (size_t)(stop - p));
        size_t len = end ? (size_t)(end - p) : (size_t)(stop - p);
        size_t trimmed = len;
        while (trimmed > 0 && p[trimmed - 1] == ' ')
            trimmed--;
        if (trimmed == ul && strncmp(p, use, ul) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

bool ws__is_dwelling(const ws_layerdef *def, const char *uses, char **uses_list,
                     const char *status) {
    if (!status || !ws__strlist_has(&def->live_status, status, false))
        return false;
    if (uses_list) {
        for (char **u = uses_list; *u; u++)
            if (strcmp(*u, def->dwelling_use) == 0)
                return true;
        return false;
    }
    return uses && ws__gebruiksdoel_has(uses, def->dwelling_use);
}
