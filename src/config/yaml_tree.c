/* A YAML document loaded with libyaml into a small tree that keeps the line
 * and column of every node, so every configuration error can say
 * "file:line:column". Aliases are expanded into copies; a depth limit and a
 * node budget stop recursive aliases and "billion laughs" documents. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config_internal.h"

#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 200000
#define YAML_MAX_FILE (16u << 20)

typedef struct builder {
    ws_ctx *ctx;
    yaml_document_t *ydoc;
    ws_ydoc *doc;
    size_t budget;
} builder;

static void node_free(ws_ctx *ctx, ws_ynode *n) {
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        node_free(ctx, n->items[i]);
        if (n->keys)
            node_free(ctx, n->keys[i]);
    }
    ws__free(ctx, n->items);
    ws__free(ctx, n->keys);
    ws__free(ctx, n->value);
    ws__free(ctx, n);
}

void ws__yaml_free(ws_ctx *ctx, ws_ydoc *doc) {
    if (!doc)
        return;
    node_free(ctx, doc->root);
    ws__free(ctx, doc->path);
    ws__free(ctx, doc);
}

static ws_status position_error(builder *b, const yaml_mark_t *m,
                                const char *msg) {
    return ws__error(b->ctx, WS_ERR_FORMAT_YAML, "%s:%zu:%zu: %s", b->doc->path,
                     m->line + 1, m->column + 1, msg);
}

static ws_status convert(builder *b, int index, int depth, ws_ynode **out);

static ws_ynode *new_node(builder *b, const yaml_node_t *yn, ws_ykind kind) {
    ws_ynode *n = ws__calloc(b->ctx, 1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = yn->start_mark.line + 1;
    n->col = yn->start_mark.column + 1;
    return n;
}

static ws_status convert_scalar(builder *b, const yaml_node_t *yn,
                                ws_ynode **out) {
    ws_ynode *n = new_node(b, yn, WS_Y_SCALAR);
    if (!n)
        return WS_ERR_NOMEM;
    n->value = ws__strndup(b->ctx, (const char *)yn->data.scalar.value,
                           yn->data.scalar.length);
    n->quoted = yn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                yn->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if (!n->value) {
        node_free(b->ctx, n);
        return WS_ERR_NOMEM;
    }
    if (strlen(n->value) != yn->data.scalar.length) {
        node_free(b->ctx, n);
        return position_error(b, &yn->start_mark, "NUL character in a scalar");
    }
    *out = n;
    return WS_OK;
}

static ws_status convert_sequence(builder *b, const yaml_node_t *yn, int depth,
                                  ws_ynode **out) {
    ws_ynode *n = new_node(b, yn, WS_Y_SEQ);
    if (!n)
        return WS_ERR_NOMEM;
    size_t count =
        (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
    n->items = ws__calloc(b->ctx, count ? count : 1, sizeof *n->items);
    if (!n->items) {
        node_free(b->ctx, n);
        return WS_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        ws_status st = convert(b, yn->data.sequence.items.start[i], depth + 1,
                               &n->items[i]);
        if (st != WS_OK) {
            node_free(b->ctx, n);
            return st;
        }
        n->n++;
    }
    *out = n;
    return WS_OK;
}

static ws_status convert_mapping(builder *b, const yaml_node_t *yn, int depth,
                                 ws_ynode **out) {
    ws_ynode *n = new_node(b, yn, WS_Y_MAP);
    if (!n)
        return WS_ERR_NOMEM;
    size_t count =
        (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
    n->items = ws__calloc(b->ctx, count ? count : 1, sizeof *n->items);
    n->keys = ws__calloc(b->ctx, count ? count : 1, sizeof *n->keys);
    if (!n->items || !n->keys) {
        node_free(b->ctx, n);
        return WS_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
        ws_ynode *k = NULL, *v = NULL;
        ws_status st = convert(b, p->key, depth + 1, &k);
        if (st == WS_OK && k->kind != WS_Y_SCALAR)
            st = ws__yerror(b->ctx, b->doc, k, WS_ERR_FORMAT_YAML,
                            "a mapping key must be a plain value");
        if (st == WS_OK && ws__ymap_get(n, k->value))
            st = ws__yerror(b->ctx, b->doc, k, WS_ERR_FORMAT_YAML,
                            "duplicate key '%s'", k->value);
        if (st == WS_OK)
            st = convert(b, p->value, depth + 1, &v);
        if (st != WS_OK) {
            node_free(b->ctx, k);
            node_free(b->ctx, n);
            return st;
        }
        n->keys[i] = k;
        n->items[i] = v;
        n->n++;
    }
    *out = n;
    return WS_OK;
}

static ws_status convert(builder *b, int index, int depth, ws_ynode **out) {
    *out = NULL;
    yaml_node_t *yn = yaml_document_get_node(b->ydoc, index);
    if (!yn)
        return ws__error(b->ctx, WS_ERR_FORMAT_YAML, "%s: broken YAML node",
                         b->doc->path);
    if (depth > YAML_MAX_DEPTH)
        return position_error(b, &yn->start_mark,
                              "nesting too deep (recursive alias?)");
    if (b->budget-- == 0)
        return position_error(b, &yn->start_mark,
                              "document too large after expanding aliases");
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        return convert_scalar(b, yn, out);
    case YAML_SEQUENCE_NODE:
        return convert_sequence(b, yn, depth, out);
    case YAML_MAPPING_NODE:
        return convert_mapping(b, yn, depth, out);
    default:
        return position_error(b, &yn->start_mark, "empty YAML node");
    }
}

/* libyaml's reader errors (bad UTF-8, control characters) carry a byte
 * offset instead of a mark: turn it into a line and column. */
static yaml_mark_t offset_mark(const unsigned char *data, size_t len,
                               size_t offset) {
    yaml_mark_t m = {0, 0, 0};
    for (size_t i = 0; i < offset && i < len; i++) {
        if (data[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if ((data[i] & 0xC0) != 0x80) {
            m.column++;
        }
    }
    return m;
}

static ws_status parser_error(ws_ctx *ctx, const char *path,
                              const yaml_parser_t *p, const unsigned char *data,
                              size_t len) {
    yaml_mark_t reader_mark = offset_mark(data, len, p->problem_offset);
    const yaml_mark_t *m =
        p->error == YAML_READER_ERROR ? &reader_mark : &p->problem_mark;
    if (p->context)
        return ws__error(ctx, WS_ERR_FORMAT_YAML,
                         "%s:%zu:%zu: YAML syntax error: %s (%s that starts "
                         "at %zu:%zu)",
                         path, m->line + 1, m->column + 1,
                         p->problem ? p->problem : "unknown problem",
                         p->context, p->context_mark.line + 1,
                         p->context_mark.column + 1);
    return ws__error(ctx, WS_ERR_FORMAT_YAML,
                     "%s:%zu:%zu: YAML syntax error: %s", path, m->line + 1,
                     m->column + 1,
                     p->problem ? p->problem : "unknown problem");
}

ws_status ws__yaml_load_buffer(ws_ctx *ctx, const char *name,
                               const unsigned char *data, size_t len,
                               ws_ydoc **out) {
    *out = NULL;
    ws_ydoc *doc = ws__calloc(ctx, 1, sizeof *doc);
    if (!doc)
        return WS_ERR_NOMEM;
    doc->path = ws__strdup(ctx, name);
    if (!doc->path) {
        ws__yaml_free(ctx, doc);
        return WS_ERR_NOMEM;
    }
    yaml_parser_t parser;
    yaml_document_t ydoc;
    if (!yaml_parser_initialize(&parser)) {
        ws__yaml_free(ctx, doc);
        return ws__error(ctx, WS_ERR_NOMEM, "out of memory (YAML parser)");
    }
    yaml_parser_set_input_string(&parser, data, len);
    ws_status st = WS_OK;
    if (!yaml_parser_load(&parser, &ydoc)) {
        st = parser_error(ctx, name, &parser, data, len);
    } else {
        if (yaml_document_get_root_node(&ydoc)) {
            builder b = {ctx, &ydoc, doc, YAML_MAX_NODES};
            st = convert(&b, 1, 0, &doc->root);
        }
        yaml_document_delete(&ydoc);
    }
    yaml_parser_delete(&parser);
    if (st != WS_OK) {
        ws__yaml_free(ctx, doc);
        return st;
    }
    *out = doc;
    return WS_OK;
}

ws_status ws__yaml_load_file(ws_ctx *ctx, const char *path, ws_ydoc **out) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ws__error(ctx, errno == ENOENT ? WS_ERR_IO_NOT_FOUND : WS_ERR_IO,
                         "%s: cannot open: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    ws_status st = WS_OK;
    for (;;) {
        if (ws__reserve(ctx, (void **)&buf, &cap, len + 65536, 1) != WS_OK) {
            st = WS_ERR_NOMEM;
            break;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len > YAML_MAX_FILE) {
            st = ws__error(ctx, WS_ERR_FORMAT,
                           "%s: file too large for a "
                           "configuration file",
                           path);
            break;
        }
        if (got == 0) {
            if (ferror(f))
                st = ws__error(ctx, WS_ERR_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st == WS_OK)
        st = ws__yaml_load_buffer(ctx, path, buf, len, out);
    ws__free(ctx, buf);
    return st;
}

ws_status ws__yerror(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *node,
                     ws_status st, const char *fmt, ...) {
    char msg[WS_ERROR_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (node)
        return ws__error(ctx, st, "%s:%zu:%zu: %s", doc->path, node->line,
                         node->col, msg);
    return ws__error(ctx, st, "%s: %s", doc->path, msg);
}

const ws_ynode *ws__ymap_get(const ws_ynode *map, const char *key) {
    if (!map || map->kind != WS_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (map->keys[i] && strcmp(map->keys[i]->value, key) == 0)
            return map->items[i];
    return NULL;
}

static const char *kind_name(ws_ykind k) {
    return k == WS_Y_SCALAR ? "a value"
           : k == WS_Y_SEQ  ? "a list"
                            : "a mapping";
}

ws_status ws__yexpect(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *node,
                      ws_ykind kind, const char *what) {
    if (node && node->kind == kind)
        return WS_OK;
    if (!node)
        return ws__yerror(ctx, doc, NULL, WS_ERR_FORMAT,
                          "expected %s (%s), found an empty document",
                          kind_name(kind), what);
    return ws__yerror(ctx, doc, node, WS_ERR_FORMAT,
                      "expected %s (%s), found %s", kind_name(kind), what,
                      kind_name(node->kind));
}

ws_status ws__ycheck_keys(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                          const char *const *allowed) {
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->value;
        const char *best = NULL;
        size_t bestd = 99;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, k) == 0) {
                ok = true;
                break;
            }
            size_t d = ws__edit_distance(k, *a);
            if (d < bestd) {
                bestd = d;
                best = *a;
            }
        }
        if (ok)
            continue;
        if (best && bestd <= 3)
            return ws__yerror(ctx, doc, map->keys[i], WS_ERR_FORMAT,
                              "unknown key '%s' (did you mean '%s'?)", k, best);
        return ws__yerror(ctx, doc, map->keys[i], WS_ERR_FORMAT,
                          "unknown key '%s'", k);
    }
    return WS_OK;
}

ws_status ws__yget_str(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                       const char *key, bool required, const char **out) {
    const ws_ynode *n = ws__ymap_get(map, key);
    if (!n) {
        *out = NULL;
        if (required)
            return ws__yerror(ctx, doc, map, WS_ERR_FORMAT,
                              "missing required key '%s'", key);
        return WS_OK;
    }
    if (n->kind != WS_Y_SCALAR)
        return ws__yerror(ctx, doc, n, WS_ERR_FORMAT,
                          "'%s' must be a single value, not %s", key,
                          kind_name(n->kind));
    *out = n->value;
    return WS_OK;
}

ws_status ws__yget_double(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                          const char *key, bool required, double min,
                          double max, double *out) {
    const char *s;
    ws_status st = ws__yget_str(ctx, doc, map, key, required, &s);
    if (st != WS_OK || !s)
        return st;
    const ws_ynode *n = ws__ymap_get(map, key);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return ws__yerror(ctx, doc, n, WS_ERR_FORMAT,
                          "'%s' must be a number, not '%s'", key, s);
    if (v < min || v > max)
        return ws__yerror(ctx, doc, n, WS_ERR_FORMAT,
                          "'%s' must lie between %g and %g, not %g", key, min,
                          max, v);
    *out = v;
    return WS_OK;
}

ws_status ws__yget_bool(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                        const char *key, bool *out) {
    const char *s;
    ws_status st = ws__yget_str(ctx, doc, map, key, false, &s);
    if (st != WS_OK || !s)
        return st;
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 ||
        strcmp(s, "ja") == 0) {
        *out = true;
        return WS_OK;
    }
    if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 ||
        strcmp(s, "nee") == 0) {
        *out = false;
        return WS_OK;
    }
    return ws__yerror(ctx, doc, ws__ymap_get(map, key), WS_ERR_FORMAT,
                      "'%s' must be true or false, not '%s'", key, s);
}

ws_status ws__yget_strlist(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                           const char *key, bool required, const char ***out,
                           size_t *nout) {
    *out = NULL;
    *nout = 0;
    const ws_ynode *n = ws__ymap_get(map, key);
    if (!n) {
        if (required)
            return ws__yerror(ctx, doc, map, WS_ERR_FORMAT,
                              "missing required key '%s'", key);
        return WS_OK;
    }
    size_t count = n->kind == WS_Y_SCALAR ? 1 : n->n;
    if (n->kind == WS_Y_MAP)
        return ws__yerror(ctx, doc, n, WS_ERR_FORMAT,
                          "'%s' must be a value or a list of values", key);
    const char **arr = ws__calloc(ctx, count + 1, sizeof *arr);
    if (!arr)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < count; i++) {
        const ws_ynode *it = n->kind == WS_Y_SCALAR ? n : n->items[i];
        if (it->kind != WS_Y_SCALAR) {
            ws__free(ctx, arr);
            return ws__yerror(ctx, doc, it, WS_ERR_FORMAT,
                              "items of '%s' must be single values", key);
        }
        arr[i] = it->value;
    }
    *out = arr;
    *nout = count;
    return WS_OK;
}
