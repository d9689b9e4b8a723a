/* Unit tests for the YAML tree (src/config/yaml_tree.c): node kinds, values
 * and 1-based positions, syntax errors as name:line:col, duplicate keys,
 * alias recursion and alias bombs, NUL characters, empty documents and the
 * typed accessors (ws__ycheck_keys, ws__yget_*).
 *
 * Positions are counted by hand: line = 1 + number of '\n' before the node,
 * column = 1 + number of characters before it on its line. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_test.h"

#include "config/config_internal.h"
#include "wijkscan/context.h"

#define setup_ctx ws_test_setup_ctx
#define teardown_ctx ws_test_teardown_ctx

/* Load a string literal (its real length, so embedded NULs are kept). */
#define LOAD(ctx, lit, out)                                                    \
    ws__yaml_load_buffer(ctx, "t.yaml", (const unsigned char *)(lit),          \
                         sizeof(lit) - 1, out)

static void assert_errmsg(ws_ctx *ctx, ws_status st, const char *expected) {
    assert_int_equal(ws_ctx_status(ctx), st);
    assert_string_equal(ws_ctx_errmsg(ctx), expected);
}

static void assert_errmsg_prefix(ws_ctx *ctx, ws_status st,
                                 const char *prefix) {
    assert_int_equal(ws_ctx_status(ctx), st);
    const char *msg = ws_ctx_errmsg(ctx);
    if (strncmp(msg, prefix, strlen(prefix)) != 0)
        fail_msg("error message \"%s\" does not start with \"%s\"", msg,
                 prefix);
}

static void assert_errmsg_contains(ws_ctx *ctx, ws_status st,
                                   const char *needle) {
    assert_int_equal(ws_ctx_status(ctx), st);
    const char *msg = ws_ctx_errmsg(ctx);
    if (!strstr(msg, needle))
        fail_msg("error message \"%s\" does not contain \"%s\"", msg, needle);
}

static void assert_pos(const ws_ynode *n, size_t line, size_t col) {
    assert_non_null(n);
    if (n->line != line || n->col != col)
        fail_msg("node at %zu:%zu, expected %zu:%zu", n->line, n->col, line,
                 col);
}

/* --- valid documents ------------------------------------------------------ */

static void test_valid_document(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    static const char text[] = "# wijkscan test\n"              /* 1 */
                               "gemeenten:\n"                   /* 2 */
                               "  - GM0114\n"                   /* 3 */
                               "  - GM0363\n"                   /* 4 */
                               "opties:\n"                      /* 5 */
                               "  straal: 500\n"                /* 6 */
                               "  naam: \"Test\"\n"             /* 7 */
                               "  leeg: []\n"                   /* 8 */
                               "  flow: {p: [1, 2], q: 'z'}\n"; /* 9 */
    assert_int_equal(LOAD(ctx, text, &doc), WS_OK);
    assert_non_null(doc);
    assert_string_equal(doc->path, "t.yaml");
    const ws_ynode *root = doc->root;
    assert_non_null(root);
    assert_int_equal(root->kind, WS_Y_MAP);
    assert_int_equal(root->n, 2);
    assert_pos(root, 2, 1); /* a block mapping starts at its first key */
    assert_string_equal(root->keys[0]->value, "gemeenten");
    assert_pos(root->keys[0], 2, 1);
    assert_string_equal(root->keys[1]->value, "opties");
    assert_pos(root->keys[1], 5, 1);

    const ws_ynode *gm = ws__ymap_get(root, "gemeenten");
    assert_ptr_equal(gm, root->items[0]);
    assert_int_equal(gm->kind, WS_Y_SEQ);
    assert_int_equal(gm->n, 2);
    assert_pos(gm, 3, 3); /* the first '-' */
    assert_int_equal(gm->items[0]->kind, WS_Y_SCALAR);
    assert_string_equal(gm->items[0]->value, "GM0114");
    assert_pos(gm->items[0], 3, 5);
    assert_string_equal(gm->items[1]->value, "GM0363");
    assert_pos(gm->items[1], 4, 5);
    assert_false(gm->items[1]->quoted);

    const ws_ynode *op = ws__ymap_get(root, "opties");
    assert_int_equal(op->kind, WS_Y_MAP);
    assert_int_equal(op->n, 4);
    assert_pos(op, 6, 3);
    assert_pos(op->keys[0], 6, 3); /* straal */
    const ws_ynode *straal = ws__ymap_get(op, "straal");
    assert_int_equal(straal->kind, WS_Y_SCALAR);
    assert_string_equal(straal->value, "500");
    assert_pos(straal, 6, 11); /* "  straal: " is 10 characters */
    const ws_ynode *naam = ws__ymap_get(op, "naam");
    assert_string_equal(naam->value, "Test");
    assert_true(naam->quoted);
    assert_pos(op->keys[1], 7, 3);
    assert_pos(naam, 7, 9); /* the opening quote */
    const ws_ynode *leeg = ws__ymap_get(op, "leeg");
    assert_int_equal(leeg->kind, WS_Y_SEQ);
    assert_int_equal(leeg->n, 0);
    assert_pos(leeg, 8, 9);
    const ws_ynode *flow = ws__ymap_get(op, "flow");
    assert_int_equal(flow->kind, WS_Y_MAP);
    assert_pos(flow, 9, 9);
    assert_pos(flow->keys[0], 9, 10); /* p */
    const ws_ynode *p = ws__ymap_get(flow, "p");
    assert_int_equal(p->kind, WS_Y_SEQ);
    assert_pos(p, 9, 13);
    assert_pos(p->items[0], 9, 14);
    assert_pos(p->items[1], 9, 17);
    assert_string_equal(p->items[1]->value, "2");
    assert_pos(flow->keys[1], 9, 21); /* q */
    const ws_ynode *q = ws__ymap_get(flow, "q");
    assert_string_equal(q->value, "z");
    assert_true(q->quoted);
    assert_pos(q, 9, 24);

    /* ws__ymap_get on misses and non-maps */
    assert_null(ws__ymap_get(root, "Gemeenten"));
    assert_null(ws__ymap_get(gm, "GM0114"));
    assert_null(ws__ymap_get(NULL, "x"));
    assert_int_equal(ws_ctx_status(ctx), WS_OK);
    ws__yaml_free(ctx, doc);
}

static void test_scalar_root_and_indentless_sequence(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    assert_int_equal(LOAD(ctx, "hallo\n", &doc), WS_OK);
    assert_int_equal(doc->root->kind, WS_Y_SCALAR);
    assert_string_equal(doc->root->value, "hallo");
    assert_pos(doc->root, 1, 1);
    ws__yaml_free(ctx, doc);

    /* a sequence at the same indentation as its key */
    assert_int_equal(LOAD(ctx, "lijst:\n- a\n- b\n", &doc), WS_OK);
    const ws_ynode *l = ws__ymap_get(doc->root, "lijst");
    assert_int_equal(l->kind, WS_Y_SEQ);
    assert_int_equal(l->n, 2);
    assert_pos(l, 2, 1);
    assert_pos(l->items[1], 3, 3);
    ws__yaml_free(ctx, doc);

    /* tags are not resolved: "~", "1.0" and "yes" stay text */
    assert_int_equal(LOAD(ctx, "a: ~\nb: 1.0\nc: yes\n", &doc), WS_OK);
    assert_string_equal(ws__ymap_get(doc->root, "a")->value, "~");
    assert_string_equal(ws__ymap_get(doc->root, "b")->value, "1.0");
    assert_string_equal(ws__ymap_get(doc->root, "c")->value, "yes");
    ws__yaml_free(ctx, doc);
}

static void test_empty_document(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    assert_int_equal(LOAD(ctx, "", &doc), WS_OK);
    assert_non_null(doc);
    assert_null(doc->root);
    ws__yaml_free(ctx, doc);
    assert_int_equal(LOAD(ctx, "# alleen commentaar\n\n", &doc), WS_OK);
    assert_null(doc->root);
    /* ws__yexpect names the file only: there is no node */
    assert_int_equal(ws__yexpect(ctx, doc, doc->root, WS_Y_MAP, "project"),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml: expected a mapping (project), found an empty "
                  "document");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);
    ws__yaml_free(ctx, NULL);
}

/* --- syntax errors ---------------------------------------------------------
 */

static void test_syntax_bad_indentation(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = (ws_ydoc *)ctx;
    /* " c" is indented 1: it closes b's mapping (indent 2) but is deeper
     * than the top mapping (indent 0), so a new mapping starts at line 3,
     * column 2 where the top mapping expects a key. */
    assert_int_equal(LOAD(ctx, "a:\n  b: 1\n c: 2\n", &doc),
                     WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:3:2: YAML syntax error: did not find expected key "
                  "(while parsing a block mapping that starts at 1:1)");
    ws_ctx_clear_error(ctx);

    /* a sequence entry where the mapping at line 1 expects a key */
    assert_int_equal(LOAD(ctx, "a: 1\n- b\n", &doc), WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:2:1: YAML syntax error: did not find expected key "
                  "(while parsing a block mapping that starts at 1:1)");
    ws_ctx_clear_error(ctx);

    /* a tab cannot indent: the error is at the tab, line 2 column 1 */
    assert_int_equal(LOAD(ctx, "a:\n\tb: 1\n", &doc), WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:2:1: YAML syntax error: found character that "
                  "cannot start any token (while scanning for the next token "
                  "that starts at 2:1)");
    ws_ctx_clear_error(ctx);
}

static void test_syntax_unclosed(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    /* The bracket is never closed: libyaml reports where the stream ends,
     * which is after the last line break, i.e. line 3 column 1. */
    assert_int_equal(LOAD(ctx, "naam: x\nlijst: [1, 2\n", &doc),
                     WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:3:1: YAML syntax error: did not find expected ',' "
                  "or ']' (while parsing a flow sequence that starts at "
                  "2:8)");
    ws_ctx_clear_error(ctx);

    /* without a final line break the end of the stream still counts as
     * the start of the next line (libyaml forces a line break there) */
    assert_int_equal(LOAD(ctx, "naam: x\nlijst: {a: 1", &doc),
                     WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:3:1: YAML syntax error: did not find expected ',' "
                  "or '}' (while parsing a flow mapping that starts at 2:8)");
    ws_ctx_clear_error(ctx);

    /* an unclosed quote: end of stream after the line break of line 2 */
    assert_int_equal(LOAD(ctx, "x: 1\nnaam: \"abc\n", &doc),
                     WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:3:1: YAML syntax error: found unexpected end of "
                  "stream (while scanning a quoted scalar that starts at "
                  "2:7)");
    ws_ctx_clear_error(ctx);
}

static void test_duplicate_keys(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    assert_int_equal(LOAD(ctx, "a: 1\nb:\n  c: 1\n  c: 2\n", &doc),
                     WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML, "t.yaml:4:3: duplicate key 'c'");
    ws_ctx_clear_error(ctx);
    /* quoting does not make a key different */
    assert_int_equal(LOAD(ctx, "a: 1\n'a': 2\n", &doc), WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML, "t.yaml:2:1: duplicate key 'a'");
    ws_ctx_clear_error(ctx);
    /* a key that is not a plain value: "? [a]" has its list at column 3 */
    assert_int_equal(LOAD(ctx, "? [a]\n: 1\n", &doc), WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:1:3: a mapping key must be a plain value");
    ws_ctx_clear_error(ctx);
    /* keys that differ only in case are different keys */
    assert_int_equal(LOAD(ctx, "a: 1\nA: 2\n", &doc), WS_OK);
    assert_int_equal(doc->root->n, 2);
    ws__yaml_free(ctx, doc);
}

/* --- aliases ----------------------------------------------------------------
 */

static void test_alias_plain(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    /* an alias is expanded into a copy with the anchor's position */
    assert_int_equal(LOAD(ctx, "a: &x [1, 2]\nb: *x\n", &doc), WS_OK);
    const ws_ynode *b = ws__ymap_get(doc->root, "b");
    assert_int_equal(b->kind, WS_Y_SEQ);
    assert_int_equal(b->n, 2);
    assert_string_equal(b->items[1]->value, "2");
    assert_ptr_not_equal(b, ws__ymap_get(doc->root, "a"));
    ws__yaml_free(ctx, doc);
}

static void test_alias_recursive(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = (ws_ydoc *)ctx;
    /* the list contains itself; the depth limit stops the expansion at the
     * list, whose node starts at its anchor "&x", line 1 column 4 */
    assert_int_equal(LOAD(ctx, "a: &x [*x]\n", &doc), WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:1:4: nesting too deep (recursive alias?)");
    ws_ctx_clear_error(ctx);
    /* the same through a mapping: a key is converted one level deeper than
     * its mapping, so the first node past the limit is the key "b" at
     * column 8 (the mapping at depth 64, its key at 65) */
    assert_int_equal(LOAD(ctx, "a: &m {b: *m}\n", &doc), WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:1:8: nesting too deep (recursive alias?)");
    ws_ctx_clear_error(ctx);
}

static void test_alias_billion_laughs(void **state) {
    ws_ctx *ctx = *state;
    /* 10 levels of 10 aliases: 10^10 nodes after expansion */
    char text[2048];
    size_t o = 0;
    o +=
        (size_t)snprintf(text + o, sizeof text - o,
                         "l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for (int i = 1; i < 10; i++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "l%d: &l%d [", i, i);
        for (int j = 0; j < 10; j++)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s*l%d",
                                  j ? "," : "", i - 1);
        o += (size_t)snprintf(text + o, sizeof text - o, "]\n");
    }
    assert_true(o < sizeof text);
    ws_ydoc *doc = (ws_ydoc *)ctx;
    time_t t0 = time(NULL);
    assert_int_equal(ws__yaml_load_buffer(ctx, "bomb.yaml",
                                          (const unsigned char *)text, o, &doc),
                     WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg_prefix(ctx, WS_ERR_FORMAT_YAML, "bomb.yaml:");
    assert_errmsg_contains(ctx, WS_ERR_FORMAT_YAML,
                           "document too large after expanding aliases");
    assert_true(time(NULL) - t0 < 20); /* bounded work, not 10^10 nodes */
    ws_ctx_clear_error(ctx);

    /* a deep document without aliases hits the depth limit: 100 nested
     * lists; depth 0 is the '[' at column 1, depth d at column d + 1, and
     * the first depth above 64 is 65, at column 66 */
    char deep[256];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    assert_int_equal(ws__yaml_load_buffer(ctx, "deep.yaml",
                                          (const unsigned char *)deep, 200,
                                          &doc),
                     WS_ERR_FORMAT_YAML);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "deep.yaml:1:66: nesting too deep (recursive alias?)");
    ws_ctx_clear_error(ctx);
    /* 64 levels are fine: depths 0..63 */
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    assert_int_equal(ws__yaml_load_buffer(ctx, "deep.yaml",
                                          (const unsigned char *)deep, 128,
                                          &doc),
                     WS_OK);
    ws__yaml_free(ctx, doc);
}

/* --- NUL characters ----------------------------------------------------------
 */

static void test_nul_in_scalar(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = (ws_ydoc *)ctx;
    /* "\0" in a double-quoted scalar gives a NUL inside the value: the
     * scalar starts at its quote, line 2 column 4 */
    assert_int_equal(LOAD(ctx, "a: b\nc: \"x\\0y\"\n", &doc),
                     WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg(ctx, WS_ERR_FORMAT_YAML,
                  "t.yaml:2:4: NUL character in a scalar");
    ws_ctx_clear_error(ctx);
    /* a raw NUL byte in the file is rejected by the reader */
    assert_int_equal(LOAD(ctx, "a: b\nc: d\0e\n", &doc), WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg_prefix(ctx, WS_ERR_FORMAT_YAML, "t.yaml:");
    assert_errmsg_contains(ctx, WS_ERR_FORMAT_YAML,
                           "control characters are not allowed");
    /* REGRESSION (was a bug): reader errors are always reported at 1:1;
     * the NUL is on line 2 after "c: d", at column 5 */
    assert_errmsg_prefix(ctx, WS_ERR_FORMAT_YAML, "t.yaml:2:5:");
    ws_ctx_clear_error(ctx);

    /* a Latin-1 file (e-acute as the single byte 0xE9) is not UTF-8 */
    assert_int_equal(LOAD(ctx, "naam: Caf\xe9\n", &doc), WS_ERR_FORMAT_YAML);
    assert_null(doc);
    assert_errmsg_prefix(ctx, WS_ERR_FORMAT_YAML, "t.yaml:");
    assert_errmsg_contains(ctx, WS_ERR_FORMAT_YAML, "UTF-8");
    /* REGRESSION (was a bug): "naam: Caf" is 9 characters, so the byte is at
     * 1:10; it is reported at 1:1 (same cause as above) */
    assert_errmsg_prefix(ctx, WS_ERR_FORMAT_YAML, "t.yaml:1:10:");
    ws_ctx_clear_error(ctx);
}

/* --- files
 * ---------------------------------------------------------------------- */

static void test_load_file(void **state) {
    ws_ctx *ctx = *state;
    char dir[] = "/tmp/ws_test_yaml_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/cfg.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("a: 1\nb: [x, y\n", f);
    fclose(f);
    ws_ydoc *doc = NULL;
    assert_int_equal(ws__yaml_load_file(ctx, path, &doc), WS_ERR_FORMAT_YAML);
    char expected[300];
    snprintf(expected, sizeof expected, "%s:3:1: YAML syntax error", path);
    assert_errmsg_prefix(ctx, WS_ERR_FORMAT_YAML, expected);
    ws_ctx_clear_error(ctx);

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("a: 1\nb: [x, y]\n", f);
    fclose(f);
    assert_int_equal(ws__yaml_load_file(ctx, path, &doc), WS_OK);
    assert_string_equal(doc->path, path);
    assert_int_equal(ws__ymap_get(doc->root, "b")->n, 2);
    ws__yaml_free(ctx, doc);
    unlink(path);

    assert_int_equal(ws__yaml_load_file(ctx, path, &doc), WS_ERR_IO_NOT_FOUND);
    assert_null(doc);
    assert_errmsg_prefix(ctx, WS_ERR_IO_NOT_FOUND, path);
    ws_ctx_clear_error(ctx);
    rmdir(dir);
}

/* --- typed accessors
 * ------------------------------------------------------------ */

static void test_check_keys(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    static const char *const allowed[] = {"name", "gemeenten", "inputs", NULL};
    assert_int_equal(LOAD(ctx, "name: Test\ngemeenten: [GM0114]\n", &doc),
                     WS_OK);
    assert_int_equal(ws__ycheck_keys(ctx, doc, doc->root, allowed), WS_OK);
    ws__yaml_free(ctx, doc);

    /* two letters swapped: edit distance 2 */
    assert_int_equal(LOAD(ctx, "name: Test\ngemeneten: [GM0114]\n", &doc),
                     WS_OK);
    assert_int_equal(ws__ycheck_keys(ctx, doc, doc->root, allowed),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:2:1: unknown key 'gemeneten' (did you mean "
                  "'gemeenten'?)");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);

    /* nested key, one letter off */
    assert_int_equal(LOAD(ctx, "x:\n  y:\n    inpts: 1\n", &doc), WS_OK);
    const ws_ynode *y = ws__ymap_get(ws__ymap_get(doc->root, "x"), "y");
    assert_int_equal(ws__ycheck_keys(ctx, doc, y, allowed), WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:3:5: unknown key 'inpts' (did you mean 'inputs'?)");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);

    /* nothing close (every allowed key is more than 3 edits away) */
    assert_int_equal(LOAD(ctx, "name: a\nxyzzy: 1\n", &doc), WS_OK);
    assert_int_equal(ws__ycheck_keys(ctx, doc, doc->root, allowed),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT, "t.yaml:2:1: unknown key 'xyzzy'");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);

    /* case matters: "Name" is unknown, one substitution from "name" */
    assert_int_equal(LOAD(ctx, "Name: a\n", &doc), WS_OK);
    assert_int_equal(ws__ycheck_keys(ctx, doc, doc->root, allowed),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:1:1: unknown key 'Name' (did you mean 'name'?)");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);
}

static void test_yexpect_and_yerror(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    assert_int_equal(LOAD(ctx, "a:\n  - 1\n", &doc), WS_OK);
    const ws_ynode *a = ws__ymap_get(doc->root, "a");
    assert_int_equal(ws__yexpect(ctx, doc, a, WS_Y_SEQ, "x"), WS_OK);
    assert_int_equal(ws__yexpect(ctx, doc, a, WS_Y_MAP, "inputs"),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:2:3: expected a mapping (inputs), found a list");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yexpect(ctx, doc, a->items[0], WS_Y_SEQ, "radii"),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:2:5: expected a list (radii), found a value");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yerror(ctx, doc, NULL, WS_ERR_DATA, "n=%d", 3),
                     WS_ERR_DATA);
    assert_errmsg(ctx, WS_ERR_DATA, "t.yaml: n=3");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);
}

static void test_yget_double(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    static const char text[] = "straal: 500\n"  /* 1 */
                               "negatief: -1\n" /* 2 */
                               "tekst: 12abc\n" /* 3 */
                               "groot: 1e999\n" /* 4 */
                               "leeg: \"\"\n"   /* 5 */
                               "lijst: [1]\n"   /* 6 */
                               "komma: 2.5\n"   /* 7 */
                               "nan: nan\n";    /* 8 */
    assert_int_equal(LOAD(ctx, text, &doc), WS_OK);
    const ws_ynode *m = doc->root;
    double v = 0;
    assert_int_equal(ws__yget_double(ctx, doc, m, "straal", true, 0, 1000, &v),
                     WS_OK);
    assert_true(v == 500.0);
    assert_int_equal(ws__yget_double(ctx, doc, m, "komma", true, 0, 10, &v),
                     WS_OK);
    assert_true(v == 2.5);
    /* bounds are inclusive */
    assert_int_equal(ws__yget_double(ctx, doc, m, "straal", true, 500, 500, &v),
                     WS_OK);

    /* absent and optional: *out keeps its value */
    v = 42;
    assert_int_equal(ws__yget_double(ctx, doc, m, "marge", false, 0, 1, &v),
                     WS_OK);
    assert_true(v == 42.0);
    assert_false(ws__has_error(ctx));
    /* absent and required: the error points at the mapping (1:1) */
    assert_int_equal(ws__yget_double(ctx, doc, m, "marge", true, 0, 1, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:1:1: missing required key 'marge'");
    ws_ctx_clear_error(ctx);

    v = 7;
    assert_int_equal(
        ws__yget_double(ctx, doc, m, "negatief", true, 0, 1000, &v),
        WS_ERR_FORMAT);
    assert_true(v == 7.0); /* untouched on error */
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:2:11: 'negatief' must lie between 0 and 1000, not "
                  "-1");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_double(ctx, doc, m, "straal", true, 0, 499.5, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:1:9: 'straal' must lie between 0 and 499.5, not 500");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_double(ctx, doc, m, "tekst", true, 0, 1e9, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:3:8: 'tekst' must be a number, not '12abc'");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_double(ctx, doc, m, "groot", true, 0, 1e9, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:4:8: 'groot' must be a number, not '1e999'");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_double(ctx, doc, m, "leeg", true, 0, 1e9, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:5:7: 'leeg' must be a number, not ''");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_double(ctx, doc, m, "lijst", true, 0, 1e9, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:6:8: 'lijst' must be a single value, not a list");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_double(ctx, doc, m, "nan", true, -1e9, 1e9, &v),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:8:6: 'nan' must be a number, not 'nan'");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);
}

static void test_yget_bool_and_str(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    static const char text[] = "a: true\nb: false\nc: ja\nd: nee\ne: yes\n"
                               "f: no\ng: misschien\nh: [true]\n";
    assert_int_equal(LOAD(ctx, text, &doc), WS_OK);
    const ws_ynode *m = doc->root;
    static const struct {
        const char *key;
        bool value;
    } ok[] = {{"a", true},  {"b", false}, {"c", true},
              {"d", false}, {"e", true},  {"f", false}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        bool b = !ok[i].value;
        assert_int_equal(ws__yget_bool(ctx, doc, m, ok[i].key, &b), WS_OK);
        assert_int_equal(b, ok[i].value);
    }
    bool b = true;
    assert_int_equal(ws__yget_bool(ctx, doc, m, "absent", &b), WS_OK);
    assert_true(b); /* unchanged */
    b = false;
    assert_int_equal(ws__yget_bool(ctx, doc, m, "g", &b), WS_ERR_FORMAT);
    assert_false(b);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:7:4: 'g' must be true or false, not 'misschien'");
    ws_ctx_clear_error(ctx);
    assert_int_equal(ws__yget_bool(ctx, doc, m, "h", &b), WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:8:4: 'h' must be a single value, not a list");
    ws_ctx_clear_error(ctx);

    const char *s = "x";
    assert_int_equal(ws__yget_str(ctx, doc, m, "g", true, &s), WS_OK);
    assert_string_equal(s, "misschien");
    assert_int_equal(ws__yget_str(ctx, doc, m, "zz", false, &s), WS_OK);
    assert_null(s);
    ws__yaml_free(ctx, doc);
}

static void test_yget_strlist(void **state) {
    ws_ctx *ctx = *state;
    ws_ydoc *doc = NULL;
    static const char text[] = "een: GM0114\n"                    /* 1 */
                               "drie: [GM0114, GM0106, GM1681]\n" /* 2 */
                               "geen: []\n"                       /* 3 */
                               "kaart: {a: 1}\n"                  /* 4 */
                               "genest: [a, [b]]\n";              /* 5 */
    assert_int_equal(LOAD(ctx, text, &doc), WS_OK);
    const ws_ynode *m = doc->root;
    const char **l = NULL;
    size_t n = 99;
    assert_int_equal(ws__yget_strlist(ctx, doc, m, "een", true, &l, &n), WS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(l[0], "GM0114");
    assert_null(l[1]);
    ws__free(ctx, (void *)l);

    assert_int_equal(ws__yget_strlist(ctx, doc, m, "drie", true, &l, &n),
                     WS_OK);
    assert_int_equal(n, 3);
    assert_string_equal(l[0], "GM0114");
    assert_string_equal(l[1], "GM0106");
    assert_string_equal(l[2], "GM1681");
    assert_null(l[3]);
    ws__free(ctx, (void *)l);

    assert_int_equal(ws__yget_strlist(ctx, doc, m, "geen", true, &l, &n),
                     WS_OK);
    assert_int_equal(n, 0);
    assert_non_null(l);
    assert_null(l[0]);
    ws__free(ctx, (void *)l);

    assert_int_equal(ws__yget_strlist(ctx, doc, m, "weg", false, &l, &n),
                     WS_OK);
    assert_null(l);
    assert_int_equal(n, 0);
    assert_int_equal(ws__yget_strlist(ctx, doc, m, "weg", true, &l, &n),
                     WS_ERR_FORMAT);
    assert_errmsg(ctx, WS_ERR_FORMAT, "t.yaml:1:1: missing required key 'weg'");
    ws_ctx_clear_error(ctx);

    assert_int_equal(ws__yget_strlist(ctx, doc, m, "kaart", true, &l, &n),
                     WS_ERR_FORMAT);
    assert_null(l);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:4:8: 'kaart' must be a value or a list of values");
    ws_ctx_clear_error(ctx);
    /* "genest: [a, [b]]": the inner list is at column 13 */
    assert_int_equal(ws__yget_strlist(ctx, doc, m, "genest", true, &l, &n),
                     WS_ERR_FORMAT);
    assert_null(l);
    assert_errmsg(ctx, WS_ERR_FORMAT,
                  "t.yaml:5:13: items of 'genest' must be single values");
    ws_ctx_clear_error(ctx);
    ws__yaml_free(ctx, doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_document, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(
            test_scalar_root_and_indentless_sequence, setup_ctx, teardown_ctx),
        cmocka_unit_test_setup_teardown(test_empty_document, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_syntax_bad_indentation, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_syntax_unclosed, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_duplicate_keys, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_alias_plain, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_alias_recursive, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_alias_billion_laughs, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_nul_in_scalar, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_load_file, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_check_keys, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_yexpect_and_yerror, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_yget_double, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_yget_bool_and_str, setup_ctx,
                                        teardown_ctx),
        cmocka_unit_test_setup_teardown(test_yget_strlist, setup_ctx,
                                        teardown_ctx),
    };
    return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
