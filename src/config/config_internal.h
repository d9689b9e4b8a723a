/* Configuration files: a small YAML document tree (libyaml) that remembers
 * the line and column of every node, and typed accessors whose errors read
 * "file:line:column: message". Layer definitions and project files are parsed
 * on top of it. */
#ifndef WS_CONFIG_INTERNAL_H
#define WS_CONFIG_INTERNAL_H

#include "../core/core_internal.h"

typedef enum ws_ykind { WS_Y_SCALAR, WS_Y_SEQ, WS_Y_MAP } ws_ykind;

typedef struct ws_ynode ws_ynode;
struct ws_ynode {
    ws_ykind kind;
    size_t line, col; /* 1-based position of the node */
    char *value;      /* scalar text (also for map keys) */
    bool quoted;      /* scalar was written in quotes */
    ws_ynode **items; /* sequence items, or map values */
    ws_ynode **keys;  /* map keys (scalar nodes) */
    size_t n;
};

typedef struct ws_ydoc {
    char *path;      /* used in messages */
    ws_ynode *root;  /* NULL for an empty document */
    ws_ynode *nodes; /* arena */
    size_t nnodes;
    ws_ynode **ptrs; /* arena for item/key arrays */
    size_t nptrs;
} ws_ydoc;

ws_status ws__yaml_load_file(ws_ctx *ctx, const char *path, ws_ydoc **out);
ws_status ws__yaml_load_buffer(ws_ctx *ctx, const char *name,
                               const unsigned char *data, size_t len,
                               ws_ydoc **out);
void ws__yaml_free(ws_ctx *ctx, ws_ydoc *doc);

/* Error at a node: "path:line:col: <message>". Returns `st`. */
ws_status ws__yerror(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *node,
                     ws_status st, const char *fmt, ...) WS_PRINTF(5, 6);

const ws_ynode *ws__ymap_get(const ws_ynode *map, const char *key);
/* Check that `node` is of `kind`; `what` describes the expected value. */
ws_status ws__yexpect(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *node,
                      ws_ykind kind, const char *what);
/* Reject keys not in the NULL-terminated `allowed` list, naming the closest. */
ws_status ws__ycheck_keys(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                          const char *const *allowed);
/* Scalar text of map[key]; *out = NULL when absent and not required. */
ws_status ws__yget_str(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                       const char *key, bool required, const char **out);
/* Number in [min,max]; `*out` keeps its value when absent and not required. */
ws_status ws__yget_double(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                          const char *key, bool required, double min,
                          double max, double *out);
ws_status ws__yget_bool(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                        const char *key, bool *out);
/* A scalar or a sequence of scalars, as a NULL-terminated array of borrowed
 * strings (free the array with ws__free). */
ws_status ws__yget_strlist(ws_ctx *ctx, const ws_ydoc *doc, const ws_ynode *map,
                           const char *key, bool required, const char ***out,
                           size_t *n);

/* ------------------------------------------------------------------------
 * Input layer definitions (layers/NAME.yaml): how a real product maps onto
 * wijkscan's canonical fields. Strings are borrowed from the definition's
 * YAML document, which the definition owns.
 * ---------------------------------------------------------------------- */
typedef enum ws_defkind {
    WS_DEF_BAG_VBO = 0,
    WS_DEF_CBS_REGIONS,
    WS_DEF_KERNCIJFERS,
    WS_DEF_VOORZIENINGEN,
    WS_DEF_VOORZIENINGEN_OSM,
    WS_DEF_KIND_COUNT
} ws_defkind;

typedef struct ws_strlist {
    const char **v; /* NULL-terminated */
    size_t n;
} ws_strlist;

typedef struct ws_kv {
    const char *key, *value;
} ws_kv;

typedef struct ws_levelspec {
    bool present;
    ws_strlist layers;
    const char *code, *name, *wijkcode, *gemeentecode, *gemeentenaam;
} ws_levelspec;

/* One category with the source values (or OSM tag rules) that mean it. */
typedef struct ws_catrule {
    const char *category;
    ws_strlist values;
} ws_catrule;

typedef struct ws_layerdef {
    ws_ydoc *doc;
    const char *path; /* definition file */
    const char *title;
    ws_defkind kind;
    ws_strlist layers;  /* candidate layer names, first existing wins */
    ws_strlist match;   /* fields that must all exist to recognise it */
    const char *driver; /* required GDAL driver short name, or NULL */
    const char *crs;    /* CRS assumed when the layer has none, or NULL */
    ws_kv *fields;      /* canonical name -> source field */
    size_t nfields;
    /* BAG */
    const char *dwelling_use;
    ws_strlist live_status;
    ws_strlist current; /* fields that must be empty for a current row */
    bool gemeente_digits4;
    ws_strlist pand_layers; /* empty: the product has no pand layer */
    const char *pand_id;
    const char *pand_bouwjaar; /* NULL when the verblijfsobject has one */
    const char *pand_geometry; /* geometry field; NULL = the layer's first */
    ws_strlist pand_current;
    /* CBS regions and kerncijfers */
    ws_levelspec level[3]; /* buurt, wijk, gemeente */
    const char *water_field;
    ws_strlist water_drop;
    ws_strlist exclude;
    ws_kv *rename;
    size_t nrename;
    bool camel_to_snake;
    const char *code_field; /* kerncijfers key */
    /* voorzieningen */
    ws_catrule *cats;
    size_t ncats;
    ws_strlist csv_x, csv_y, csv_lon, csv_lat;
    const char *csv_xy_crs;
} ws_layerdef;

ws_status ws__layerdef_load(ws_ctx *ctx, const char *path, ws_layerdef **out);
/* The same from memory (`name` appears in messages); for the fuzz target. */
ws_status ws__layerdef_parse(ws_ctx *ctx, const char *name,
                             const unsigned char *data, size_t len,
                             ws_layerdef **out);
/* A project file from memory, relative paths against `dir`. */
struct ws_project;
ws_status ws__project_parse(ws_ctx *ctx, const char *name, const char *dir,
                            const unsigned char *data, size_t len,
                            const char *default_layers_dir,
                            struct ws_project **out);
void ws__layerdef_free(ws_ctx *ctx, ws_layerdef *def);
/* Source field for a canonical field, or NULL when the product has none. */
const char *ws__layerdef_field(const ws_layerdef *def, const char *canonical);
/* Output name of a carried statistic after rename rules; writes into buf. */
const char *ws__layerdef_rename(const ws_layerdef *def, const char *src,
                                char *buf, size_t bufsize);
bool ws__strlist_has(const ws_strlist *l, const char *s, bool nocase);
const char *ws__defkind_name(ws_defkind k);

/* All input definitions found in a directory (sorted by file name). */
typedef struct ws_layerdefs {
    ws_layerdef **defs;
    size_t n, cap;
} ws_layerdefs;
ws_status ws__layerdefs_load_dir(ws_ctx *ctx, const char *dir,
                                 ws_layerdefs *out);
void ws__layerdefs_free(ws_ctx *ctx, ws_layerdefs *defs);

#endif /* WS_CONFIG_INTERNAL_H */
