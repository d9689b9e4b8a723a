/* Input layer definitions (layers/NAME.yaml). Each file tells how one real
 * product (and vintage) maps onto wijkscan's canonical fields, which fields
 * recognise it, and the product's rules (which BAG rows are dwellings, which
 * CBS rows are water, how StatLine columns are named). Every mistake is
 * reported with file:line:column. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static const char *const kind_names[WS_DEF_KIND_COUNT] = {
    "bag_verblijfsobject", "cbs_regions", "cbs_kerncijfers", "voorzieningen",
    "voorzieningen_osm"};

const char *ws__defkind_name(ws_defkind k) {
    return (unsigned)k < WS_DEF_KIND_COUNT ? kind_names[k] : "?";
}

static const char *const bag_keys[] = {
    "kind",     "title",   "layers", "match",
    "driver",   "crs",     "fields", "gemeentecode_format",
    "dwelling", "current", "pand",   NULL};
static const char *const bag_fields[] = {
    "identificatie", "gebruiksdoel", "status",       "oppervlakte",
    "bouwjaar",      "pand",         "gemeentecode", NULL};
static const char *const regions_keys[] = {
    "kind", "title",    "layers", "match",   "driver", "crs",         "buurt",
    "wijk", "gemeente", "water",  "exclude", "rename", "rename_case", NULL};
static const char *const level_keys[] = {
    "layers", "code", "name", "wijkcode", "gemeentecode", "gemeentenaam", NULL};
static const char *const kern_keys[] = {
    "kind", "title",   "layers", "match",       "driver", "crs",
    "code", "exclude", "rename", "rename_case", NULL};
static const char *const voorz_keys[] = {
    "kind", "title",  "layers", "match",      "driver",
    "crs",  "fields", "csv",    "categories", NULL};
static const char *const voorz_fields[] = {"categorie", "naam", NULL};
static const char *const csv_keys[] = {"x", "y", "xy_crs", "lon", "lat", NULL};
static const char *const osm_keys[] = {"kind",   "title", "layers",     "match",
                                       "driver", "crs",   "categories", NULL};

bool ws__strlist_has(const ws_strlist *l, const char *s, bool nocase) {
    for (size_t i = 0; i < l->n; i++)
        if (nocase ? ws__streq_nocase(l->v[i], s) : strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static void strlist_free(ws_ctx *ctx, ws_strlist *l) {
    ws__free(ctx, (void *)l->v);
    l->v = NULL;
    l->n = 0;
}

void ws__layerdef_free(ws_ctx *ctx, ws_layerdef *d) {
    if (!d)
        return;
    strlist_free(ctx, &d->layers);
    strlist_free(ctx, &d->match);
    strlist_free(ctx, &d->live_status);
    strlist_free(ctx, &d->current);
    strlist_free(ctx, &d->pand_layers);
    strlist_free(ctx, &d->pand_current);
    for (int l = 0; l < 3; l++)
        strlist_free(ctx, &d->level[l].layers);
    strlist_free(ctx, &d->water_drop);
    strlist_free(ctx, &d->exclude);
    for (size_t i = 0; i < d->ncats; i++)
        strlist_free(ctx, &d->cats[i].values);
    ws__free(ctx, d->cats);
    strlist_free(ctx, &d->csv_x);
    strlist_free(ctx, &d->csv_y);
    strlist_free(ctx, &d->csv_lon);
    strlist_free(ctx, &d->csv_lat);
    ws__free(ctx, d->fields);
    ws__free(ctx, d->rename);
    ws__yaml_free(ctx, d->doc);
    ws__free(ctx, d);
}

static ws_status get_list(ws_ctx *ctx, const ws_layerdef *d,
                          const ws_ynode *map, const char *key, bool required,
                          ws_strlist *out) {
    return ws__yget_strlist(ctx, d->doc, map, key, required, &out->v, &out->n);
}

/* A mapping of plain values, e.g. fields: or rename:. Keys may be limited to
 * `allowed` (NULL = any). */
static ws_status get_kv(ws_ctx *ctx, const ws_layerdef *d, const ws_ynode *map,
                        const char *key, const char *const *allowed,
                        ws_kv **out, size_t *n) {
    const ws_ynode *m = ws__ymap_get(map, key);
    *out = NULL;
    *n = 0;
    if (!m)
        return WS_OK;
    ws_status st = ws__yexpect(ctx, d->doc, m, WS_Y_MAP, key);
    if (st == WS_OK && allowed)
        st = ws__ycheck_keys(ctx, d->doc, m, allowed);
    if (st != WS_OK)
        return st;
    *out = ws__calloc(ctx, m->n ? m->n : 1, sizeof **out);
    if (!*out)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        if (m->items[i]->kind != WS_Y_SCALAR)
            return ws__yerror(ctx, d->doc, m->items[i], WS_ERR_FORMAT,
                              "'%s.%s' must be a field name", key,
                              m->keys[i]->value);
        (*out)[i].key = m->keys[i]->value;
        (*out)[i].value = m->items[i]->value;
    }
    *n = m->n;
    return WS_OK;
}

static bool valid_identifier(const char *s) {
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static ws_status parse_categories(ws_ctx *ctx, ws_layerdef *d,
                                  const ws_ynode *root) {
    const ws_ynode *m = ws__ymap_get(root, "categories");
    ws_status st = ws__yexpect(ctx, d->doc, m ? m : root, WS_Y_MAP,
                               "categories: category -> values");
    if (st != WS_OK)
        return st;
    if (!m)
        return ws__yerror(ctx, d->doc, root, WS_ERR_FORMAT,
                          "missing required key 'categories'");
    d->cats = ws__calloc(ctx, m->n ? m->n : 1, sizeof *d->cats);
    if (!d->cats)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        const char *name = m->keys[i]->value;
        if (!valid_identifier(name))
            return ws__yerror(ctx, d->doc, m->keys[i], WS_ERR_FORMAT,
                              "category '%s' must be lower case letters, "
                              "digits and '_' (it becomes a column name)",
                              name);
        d->cats[i].category = name;
        st = get_list(ctx, d, m, name, true, &d->cats[i].values);
        d->ncats++;
        if (st != WS_OK)
            return st;
        if (d->cats[i].values.n == 0)
            return ws__yerror(ctx, d->doc, m->items[i], WS_ERR_FORMAT,
                              "category '%s' lists no values", name);
    }
    return WS_OK;
}

/* The pand layer of a BAG product: where the footprints (and, for a
 * verblijfsobject without bouwjaar, the bouwjaar) come from.
 *   pand:
 *     layers: [pand]              candidate layer names (required)
 *     identificatie: identificatie  the field the verblijfsobject refers to
 *     bouwjaar: oorspronkelijkBouwjaar  required when fields has no bouwjaar
 *     geometrie: geovlak          optional: the footprint's geometry field
 *     current: [eindGeldigheid]   optional: fields empty on a current row */
static ws_status parse_pand(ws_ctx *ctx, ws_layerdef *d, const ws_ynode *root) {
    static const char *const pand_keys[] = {
        "layers", "identificatie", "bouwjaar", "geometrie", "current", NULL};
    const ws_ynode *pand = ws__ymap_get(root, "pand");
    if (!pand)
        return WS_OK;
    ws_status st;
    if ((st = ws__yexpect(ctx, d->doc, pand, WS_Y_MAP, "pand layer")) ||
        (st = ws__ycheck_keys(ctx, d->doc, pand, pand_keys)) ||
        (st = get_list(ctx, d, pand, "layers", true, &d->pand_layers)) ||
        (st = ws__yget_str(ctx, d->doc, pand, "identificatie", true,
                           &d->pand_id)) ||
        (st = ws__yget_str(ctx, d->doc, pand, "bouwjaar", false,
                           &d->pand_bouwjaar)) ||
        (st = ws__yget_str(ctx, d->doc, pand, "geometrie", false,
                           &d->pand_geometry)) ||
        (st = get_list(ctx, d, pand, "current", false, &d->pand_current)))
        return st;
    if (d->pand_layers.n == 0)
        return ws__yerror(ctx, d->doc, ws__ymap_get(pand, "layers"),
                          WS_ERR_FORMAT, "pand: 'layers' lists no layer");
    if (!d->pand_bouwjaar && !ws__layerdef_field(d, "bouwjaar"))
        return ws__yerror(ctx, d->doc, pand, WS_ERR_FORMAT,
                          "pand: 'bouwjaar' is required when fields: has no "
                          "'bouwjaar' (the bouwjaar then comes from the pand)");
    if (d->pand_bouwjaar && ws__layerdef_field(d, "bouwjaar"))
        return ws__yerror(ctx, d->doc, ws__ymap_get(pand, "bouwjaar"),
                          WS_ERR_FORMAT,
                          "pand: 'bouwjaar' given twice: fields: already "
                          "takes it from the verblijfsobject");
    return WS_OK;
}

static ws_status parse_bag(ws_ctx *ctx, ws_layerdef *d, const ws_ynode *root) {
    ws_status st = ws__ycheck_keys(ctx, d->doc, root, bag_keys);
    if (st == WS_OK)
        st =
            get_kv(ctx, d, root, "fields", bag_fields, &d->fields, &d->nfields);
    if (st != WS_OK)
        return st;
    if (!ws__layerdef_field(d, "gebruiksdoel") ||
        !ws__layerdef_field(d, "status"))
        return ws__yerror(ctx, d->doc, root, WS_ERR_FORMAT,
                          "fields: 'gebruiksdoel' and 'status' are required");
    const char *fmt = NULL;
    st = ws__yget_str(ctx, d->doc, root, "gemeentecode_format", false, &fmt);
    if (st != WS_OK)
        return st;
    if (fmt && strcmp(fmt, "digits4") != 0 && strcmp(fmt, "GM") != 0)
        return ws__yerror(
            ctx, d->doc, ws__ymap_get(root, "gemeentecode_format"),
            WS_ERR_FORMAT, "gemeentecode_format must be 'digits4' or 'GM'");
    d->gemeente_digits4 = !fmt || strcmp(fmt, "digits4") == 0;
    const ws_ynode *dw = ws__ymap_get(root, "dwelling");
    static const char *const dw_keys[] = {"gebruiksdoel", "status", NULL};
    if ((st = ws__yexpect(ctx, d->doc, dw ? dw : root, WS_Y_MAP,
                          "dwelling rule")) != WS_OK)
        return st;
    if (!dw)
        return ws__yerror(ctx, d->doc, root, WS_ERR_FORMAT,
                          "missing required key 'dwelling'");
    if ((st = ws__ycheck_keys(ctx, d->doc, dw, dw_keys)) ||
        (st = ws__yget_str(ctx, d->doc, dw, "gebruiksdoel", true,
                           &d->dwelling_use)) ||
        (st = get_list(ctx, d, dw, "status", true, &d->live_status)) ||
        (st = get_list(ctx, d, root, "current", false, &d->current)))
        return st;
    return parse_pand(ctx, d, root);
}

static ws_status parse_level(ws_ctx *ctx, ws_layerdef *d, const ws_ynode *root,
                             const char *key, ws_levelspec *lv, bool required) {
    const ws_ynode *m = ws__ymap_get(root, key);
    if (!m) {
        if (required)
            return ws__yerror(ctx, d->doc, root, WS_ERR_FORMAT,
                              "missing required key '%s'", key);
        return WS_OK;
    }
    ws_status st;
    if ((st = ws__yexpect(ctx, d->doc, m, WS_Y_MAP, key)) ||
        (st = ws__ycheck_keys(ctx, d->doc, m, level_keys)) ||
        (st = get_list(ctx, d, m, "layers", false, &lv->layers)) ||
        (st = ws__yget_str(ctx, d->doc, m, "code", true, &lv->code)) ||
        (st = ws__yget_str(ctx, d->doc, m, "name", false, &lv->name)) ||
        (st = ws__yget_str(ctx, d->doc, m, "wijkcode", false, &lv->wijkcode)) ||
        (st = ws__yget_str(ctx, d->doc, m, "gemeentecode", false,
                           &lv->gemeentecode)) ||
        (st = ws__yget_str(ctx, d->doc, m, "gemeentenaam", false,
                           &lv->gemeentenaam)))
        return st;
    lv->present = true;
    return WS_OK;
}

static ws_status parse_rename(ws_ctx *ctx, ws_layerdef *d,
                              const ws_ynode *root) {
    ws_status st;
    const char *rc = NULL;
    if ((st = get_list(ctx, d, root, "exclude", false, &d->exclude)) ||
        (st = get_kv(ctx, d, root, "rename", NULL, &d->rename, &d->nrename)) ||
        (st = ws__yget_str(ctx, d->doc, root, "rename_case", false, &rc)))
        return st;
    if (rc && strcmp(rc, "camel_to_snake") != 0 && strcmp(rc, "none") != 0)
        return ws__yerror(ctx, d->doc, ws__ymap_get(root, "rename_case"),
                          WS_ERR_FORMAT,
                          "rename_case must be 'camel_to_snake' or 'none'");
    d->camel_to_snake = rc && strcmp(rc, "camel_to_snake") == 0;
    return WS_OK;
}

static ws_status parse_regions(ws_ctx *ctx, ws_layerdef *d,
                               const ws_ynode *root) {
    ws_status st;
    if ((st = ws__ycheck_keys(ctx, d->doc, root, regions_keys)) ||
        (st = parse_level(ctx, d, root, "buurt", &d->level[0], true)) ||
        (st = parse_level(ctx, d, root, "wijk", &d->level[1], false)) ||
        (st = parse_level(ctx, d, root, "gemeente", &d->level[2], false)) ||
        (st = parse_rename(ctx, d, root)))
        return st;
    const ws_ynode *w = ws__ymap_get(root, "water");
    if (!w)
        return WS_OK;
    static const char *const water_keys[] = {"field", "drop", NULL};
    if ((st = ws__yexpect(ctx, d->doc, w, WS_Y_MAP, "water rule")) ||
        (st = ws__ycheck_keys(ctx, d->doc, w, water_keys)) ||
        (st = ws__yget_str(ctx, d->doc, w, "field", true, &d->water_field)) ||
        (st = get_list(ctx, d, w, "drop", true, &d->water_drop)))
        return st;
    return WS_OK;
}

static ws_status parse_kerncijfers(ws_ctx *ctx, ws_layerdef *d,
                                   const ws_ynode *root) {
    ws_status st;
    if ((st = ws__ycheck_keys(ctx, d->doc, root, kern_keys)) ||
        (st = ws__yget_str(ctx, d->doc, root, "code", true, &d->code_field)) ||
        (st = parse_rename(ctx, d, root)))
        return st;
    return WS_OK;
}

static ws_status parse_voorzieningen(ws_ctx *ctx, ws_layerdef *d,
                                     const ws_ynode *root) {
    ws_status st;
    if ((st = ws__ycheck_keys(ctx, d->doc, root, voorz_keys)) ||
        (st = get_kv(ctx, d, root, "fields", voorz_fields, &d->fields,
                     &d->nfields)) ||
        (st = parse_categories(ctx, d, root)))
        return st;
    if (!ws__layerdef_field(d, "categorie"))
        return ws__yerror(ctx, d->doc, root, WS_ERR_FORMAT,
                          "fields: 'categorie' is required");
    const ws_ynode *csv = ws__ymap_get(root, "csv");
    if (!csv)
        return WS_OK;
    if ((st = ws__yexpect(ctx, d->doc, csv, WS_Y_MAP, "csv columns")) ||
        (st = ws__ycheck_keys(ctx, d->doc, csv, csv_keys)) ||
        (st = get_list(ctx, d, csv, "x", false, &d->csv_x)) ||
        (st = get_list(ctx, d, csv, "y", false, &d->csv_y)) ||
        (st = get_list(ctx, d, csv, "lon", false, &d->csv_lon)) ||
        (st = get_list(ctx, d, csv, "lat", false, &d->csv_lat)) ||
        (st = ws__yget_str(ctx, d->doc, csv, "xy_crs", false, &d->csv_xy_crs)))
        return st;
    return WS_OK;
}

static ws_status parse_osm(ws_ctx *ctx, ws_layerdef *d, const ws_ynode *root) {
    ws_status st;
    if ((st = ws__ycheck_keys(ctx, d->doc, root, osm_keys)) ||
        (st = parse_categories(ctx, d, root)))
        return st;
    for (size_t c = 0; c < d->ncats; c++)
        for (size_t i = 0; i < d->cats[c].values.n; i++)
            if (!strchr(d->cats[c].values.v[i], '='))
                return ws__yerror(ctx, d->doc,
                                  ws__ymap_get(ws__ymap_get(root, "categories"),
                                               d->cats[c].category),
                                  WS_ERR_FORMAT,
                                  "OSM rule '%s' must look like key=value",
                                  d->cats[c].values.v[i]);
    return WS_OK;
}

static ws_status parse_kind(ws_ctx *ctx, ws_layerdef *d, const ws_ynode *root) {
    const char *kind = NULL;
    ws_status st = ws__yget_str(ctx, d->doc, root, "kind", true, &kind);
    if (st != WS_OK)
        return st;
    for (int k = 0; k < WS_DEF_KIND_COUNT; k++)
        if (strcmp(kind, kind_names[k]) == 0) {
            d->kind = (ws_defkind)k;
            return WS_OK;
        }
    return ws__yerror(ctx, d->doc, ws__ymap_get(root, "kind"), WS_ERR_FORMAT,
                      "unknown kind '%s' (expected bag_verblijfsobject, "
                      "cbs_regions, cbs_kerncijfers, voorzieningen or "
                      "voorzieningen_osm)",
                      kind);
}

static ws_status parse_def(ws_ctx *ctx, ws_layerdef *d) {
    const ws_ynode *root = d->doc->root;
    ws_status st = ws__yexpect(ctx, d->doc, root, WS_Y_MAP, "layer definition");
    if (st == WS_OK)
        st = parse_kind(ctx, d, root);
    if (st == WS_OK)
        st = ws__yget_str(ctx, d->doc, root, "title", false, &d->title);
    if (st == WS_OK)
        st = get_list(ctx, d, root, "layers", false, &d->layers);
    if (st == WS_OK)
        st = get_list(ctx, d, root, "match",
                      d->kind != WS_DEF_VOORZIENINGEN_OSM, &d->match);
    if (st == WS_OK)
        st = ws__yget_str(ctx, d->doc, root, "driver", false, &d->driver);
    if (st == WS_OK)
        st = ws__yget_str(ctx, d->doc, root, "crs", false, &d->crs);
    if (st != WS_OK)
        return st;
    switch (d->kind) {
    case WS_DEF_BAG_VBO:
        return parse_bag(ctx, d, root);
    case WS_DEF_CBS_REGIONS:
        return parse_regions(ctx, d, root);
    case WS_DEF_KERNCIJFERS:
        return parse_kerncijfers(ctx, d, root);
    case WS_DEF_VOORZIENINGEN:
        return parse_voorzieningen(ctx, d, root);
    case WS_DEF_VOORZIENINGEN_OSM:
    case WS_DEF_KIND_COUNT:
        break;
    }
    return parse_osm(ctx, d, root);
}

/* Parse an already loaded document; takes ownership of doc. */
static ws_status layerdef_from_doc(ws_ctx *ctx, ws_ydoc *doc,
                                   ws_layerdef **out) {
    *out = NULL;
    ws_layerdef *d = ws__calloc(ctx, 1, sizeof *d);
    if (!d) {
        ws__yaml_free(ctx, doc);
        return WS_ERR_NOMEM;
    }
    d->doc = doc;
    d->path = doc->path;
    ws_status st = parse_def(ctx, d);
    if (!d->title)
        d->title = ws__basename(d->path);
    if (st != WS_OK) {
        ws__layerdef_free(ctx, d);
        return st;
    }
    *out = d;
    return WS_OK;
}

ws_status ws__layerdef_load(ws_ctx *ctx, const char *path, ws_layerdef **out) {
    ws_ydoc *doc = NULL;
    *out = NULL;
    ws_status st = ws__yaml_load_file(ctx, path, &doc);
    return st == WS_OK ? layerdef_from_doc(ctx, doc, out) : st;
}

ws_status ws__layerdef_parse(ws_ctx *ctx, const char *name,
                             const unsigned char *data, size_t len,
                             ws_layerdef **out) {
    ws_ydoc *doc = NULL;
    *out = NULL;
    ws_status st = ws__yaml_load_buffer(ctx, name, data, len, &doc);
    return st == WS_OK ? layerdef_from_doc(ctx, doc, out) : st;
}

const char *ws__layerdef_field(const ws_layerdef *d, const char *canonical) {
    for (size_t i = 0; i < d->nfields; i++)
        if (strcmp(d->fields[i].key, canonical) == 0)
            return d->fields[i].value;
    return NULL;
}

/* aantalInwoners -> aantal_inwoners; percentagePersonen65JaarEnOuder ->
 * percentage_personen_65_jaar_en_ouder. */
static void camel_to_snake(const char *src, char *buf, size_t size) {
    size_t o = 0;
    for (size_t i = 0; src[i] && o + 2 < size; i++) {
        char c = src[i];
        bool upper = c >= 'A' && c <= 'Z';
        bool digit = c >= '0' && c <= '9';
        char prev = i ? src[i - 1] : '\0';
        bool prev_digit = prev >= '0' && prev <= '9';
        bool prev_alpha =
            (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z');
        if (i > 0 && prev != '_' &&
            (upper || (digit && prev_alpha) || (!digit && prev_digit)))
            buf[o++] = '_';
        buf[o++] = upper ? (char)(c - 'A' + 'a') : c;
    }
    buf[o] = '\0';
}

const char *ws__layerdef_rename(const ws_layerdef *d, const char *src,
                                char *buf, size_t bufsize) {
    for (size_t i = 0; i < d->nrename; i++)
        if (strcmp(d->rename[i].key, src) == 0)
            return d->rename[i].value;
    if (d->camel_to_snake) {
        camel_to_snake(src, buf, bufsize);
        return buf;
    }
    return src;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_yaml_name(const char *n) {
    size_t l = strlen(n);
    return n[0] != '.' && ((l > 5 && strcmp(n + l - 5, ".yaml") == 0) ||
                           (l > 4 && strcmp(n + l - 4, ".yml") == 0));
}

ws_status ws__layerdefs_load_dir(ws_ctx *ctx, const char *dir,
                                 ws_layerdefs *out) {
    memset(out, 0, sizeof *out);
    DIR *dh = opendir(dir);
    if (!dh)
        return ws__error(ctx, WS_ERR_IO_NOT_FOUND,
                         "%s: cannot open the layer definition directory", dir);
    char **names = NULL;
    size_t nn = 0, cap = 0;
    ws_status st = WS_OK;
    struct dirent *e;
    while (st == WS_OK && (e = readdir(dh)) != NULL) {
        if (!is_yaml_name(e->d_name))
            continue;
        st = ws__reserve(ctx, (void **)&names, &cap, nn + 1, sizeof *names);
        if (st == WS_OK && !(names[nn] = ws__strdup(ctx, e->d_name)))
            st = WS_ERR_NOMEM;
        else if (st == WS_OK)
            nn++;
    }
    closedir(dh);
    if (names)
        qsort(names, nn, sizeof *names, compare_names);
    for (size_t i = 0; st == WS_OK && i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ws_layerdef *d = NULL;
        st = ws__layerdef_load(ctx, path, &d);
        if (st == WS_OK)
            st = ws__reserve(ctx, (void **)&out->defs, &out->cap, out->n + 1,
                             sizeof *out->defs);
        if (st == WS_OK)
            out->defs[out->n++] = d;
        else
            ws__layerdef_free(ctx, d);
    }
    for (size_t i = 0; i < nn; i++)
        ws__free(ctx, names[i]);
    ws__free(ctx, names);
    if (st != WS_OK)
        ws__layerdefs_free(ctx, out);
    return st;
}

void ws__layerdefs_free(ws_ctx *ctx, ws_layerdefs *defs) {
    for (size_t i = 0; i < defs->n; i++)
        ws__layerdef_free(ctx, defs->defs[i]);
    ws__free(ctx, defs->defs);
    memset(defs, 0, sizeof *defs);
}
