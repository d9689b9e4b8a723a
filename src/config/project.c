/* Project files: YAML that names the inputs, the region (gemeentecodes), the
 * parameters and the outputs of a run. Paths are resolved relative to the
 * project file; every mistake is reported as file:line:column. The result is
 * a ws_pipeline_options whose strings the project owns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_internal.h"
#include "wijkscan/project.h"

struct ws_project {
    ws_ctx *ctx;
    ws_ydoc *doc;
    ws_pipeline_options opt;
    char *dir;      /* directory of the project file */
    char **strings; /* owned strings (resolved paths) */
    size_t nstrings, capstrings;
    ws_input *voorz, *kern;
    const char **gemeenten;
    const char **basis; /* parameters.basisvoorzieningen (borrowed names) */
    const char *name;
    char *out_dir, *gpkg_name;
    bool want_gpkg, want_csv;
    /* maps: options with borrowed strings; outputs are names in out_dir */
    ws_map_options *maps;
    const char **map_outputs;
    size_t nmaps;
    const char **lists; /* arrays of borrowed strings, owned */
    size_t nlists, caplists;
    double *breaks; /* all manual breaks, owned */
    const char *styles_dir;
};

static const char *const top_keys[] = {
    "wijkscan", "name",   "region", "inputs", "parameters",
    "scoring",  "output", "layers", "maps",   NULL};
static const char *const map_keys[] = {
    "theme",    "column",        "level",        "gemeenten",
    "gemeente", "style",         "output",       "classes",
    "method",   "breaks",        "pool_columns", "pool_gemeenten",
    "page",     "landscape",     "width",        "height",
    "dpi",      "voorzieningen", "title",        "subtitle",
    NULL};
static const char *const region_keys[] = {"name", "gemeenten", NULL};
static const char *const input_keys[] = {"bag", "buurten", "voorzieningen",
                                         "kerncijfers", NULL};
static const char *const source_keys[] = {"path",   "layer",  "definition",
                                          "suffix", "panden", NULL};
static const char *const param_keys[] = {
    "radii", "amenity_margin", "basisvoorzieningen", "zorggeschikt", NULL};
static const char *const zorg_keys[] = {"netto_factor",
                                        "lift_min_woonlagen",
                                        "lift_vanaf_bouwjaar",
                                        "eengezins_vanaf_bouwjaar",
                                        "eengezins_min_oppervlakte",
                                        NULL};
static const char *const scoring_keys[] = {
    "themes", "reference", "min_woningen", "min_inwoners", "sensitivity", NULL};
static const char *const sensitivity_keys[] = {
    "runs",       "seed", "weight_spread", "vary_method", "classes",
    "flag_share", NULL};
static const char *const output_keys[] = {"dir", "gpkg", "csv", "csv_dutch",
                                          NULL};

static char *keep(ws_project *p, char *s) {
    if (!s)
        return NULL;
    if (ws__reserve(p->ctx, (void **)&p->strings, &p->capstrings,
                    p->nstrings + 1, sizeof *p->strings) != WS_OK) {
        ws__free(p->ctx, s);
        return NULL;
    }
    p->strings[p->nstrings++] = s;
    return s;
}

/* A GDAL connection string such as "PG:dbname=bag" or "WFS:https://…":
 * letters up to the first ':' and no '/' before it. */
static bool is_connection(const char *path) {
    const char *colon = strchr(path, ':');
    if (!colon || colon - path < 2)
        return false;
    for (const char *c = path; c < colon; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
            return false;
    return true;
}

/* A path relative to the project file's directory (absolute stays). */
static const char *resolve(ws_project *p, const char *path) {
    if (path[0] == '/' || is_connection(path))
        return keep(p, ws__strdup(p->ctx, path));
    ws_strbuf sb;
    ws__sb_init(&sb, p->ctx);
    ws__sb_appendf(&sb, "%s/%s", p->dir, path);
    return keep(p, ws__sb_take(&sb));
}

static ws_status parse_source(ws_project *p, const ws_ynode *n,
                              const char *what, ws_input *in) {
    memset(in, 0, sizeof *in);
    if (n->kind == WS_Y_SCALAR) {
        in->path = resolve(p, n->value);
        return in->path ? WS_OK : WS_ERR_NOMEM;
    }
    ws_status st = ws__yexpect(p->ctx, p->doc, n, WS_Y_MAP, what);
    const char *path = NULL, *def = NULL;
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, n, source_keys);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "path", true, &path);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "layer", false, &in->layer);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "definition", false, &def);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, n, "suffix", false, &in->suffix);
    const ws_ynode *panden = ws__ymap_get(n, "panden");
    if (st == WS_OK && panden && strcmp(what, "bag") != 0)
        return ws__yerror(p->ctx, p->doc, panden, WS_ERR_FORMAT,
                          "'panden' belongs to the bag input");
    bool read_panden = true;
    if (st == WS_OK && panden)
        st = ws__yget_bool(p->ctx, p->doc, n, "panden", &read_panden);
    in->skip_panden = !read_panden;
    if (st != WS_OK)
        return st;
    in->path = resolve(p, path);
    if (def)
        in->definition = resolve(p, def);
    return in->path && (!def || in->definition) ? WS_OK : WS_ERR_NOMEM;
}

/* A single source or a list of sources. */
static ws_status parse_sources(ws_project *p, const ws_ynode *inputs,
                               const char *key, ws_input **out, size_t *n) {
    const ws_ynode *node = ws__ymap_get(inputs, key);
    *out = NULL;
    *n = 0;
    if (!node)
        return WS_OK;
    size_t count = node->kind == WS_Y_SEQ ? node->n : 1;
    *out = ws__calloc(p->ctx, count ? count : 1, sizeof **out);
    if (!*out)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < count; i++) {
        const ws_ynode *it = node->kind == WS_Y_SEQ ? node->items[i] : node;
        ws_status st = parse_source(p, it, key, &(*out)[i]);
        if (st != WS_OK)
            return st;
    }
    *n = count;
    return WS_OK;
}

static ws_status parse_inputs(ws_project *p, const ws_ynode *root) {
    const ws_ynode *in = ws__ymap_get(root, "inputs");
    ws_status st = ws__yexpect(p->ctx, p->doc, in ? in : root, WS_Y_MAP,
                               "inputs: bag, buurten, voorzieningen, …");
    if (st == WS_OK && !in)
        st = ws__yerror(p->ctx, p->doc, root, WS_ERR_FORMAT,
                        "missing required key 'inputs'");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, in, input_keys);
    if (st != WS_OK)
        return st;
    const ws_ynode *bag = ws__ymap_get(in, "bag");
    const ws_ynode *buurten = ws__ymap_get(in, "buurten");
    if (!bag || !buurten)
        return ws__yerror(p->ctx, p->doc, in, WS_ERR_FORMAT,
                          "inputs: 'bag' and 'buurten' are required");
    ws_load_options *lo = &p->opt.load;
    if ((st = parse_source(p, bag, "bag", &lo->bag)) ||
        (st = parse_source(p, buurten, "buurten", &lo->buurten)) ||
        (st = parse_sources(p, in, "voorzieningen", &p->voorz,
                            &lo->n_voorzieningen)) ||
        (st =
             parse_sources(p, in, "kerncijfers", &p->kern, &lo->n_kerncijfers)))
        return st;
    lo->voorzieningen = p->voorz;
    lo->kerncijfers = p->kern;
    return WS_OK;
}

static ws_status parse_region(ws_project *p, const ws_ynode *root) {
    const ws_ynode *r = ws__ymap_get(root, "region");
    if (!r) {
        p->opt.load.region_name = p->name ? p->name : "regio";
        return WS_OK;
    }
    size_t n = 0;
    ws_status st = ws__yexpect(p->ctx, p->doc, r, WS_Y_MAP, "region");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, r, region_keys);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, r, "name", false,
                          &p->opt.load.region_name);
    if (st == WS_OK)
        st = ws__yget_strlist(p->ctx, p->doc, r, "gemeenten", false,
                              &p->gemeenten, &n);
    p->opt.load.gemeenten = p->gemeenten;
    p->opt.load.n_gemeenten = n;
    if (!p->opt.load.region_name)
        p->opt.load.region_name = p->name ? p->name : "regio";
    return st;
}

static ws_status parse_radii(ws_project *p, const ws_ynode *params) {
    const ws_ynode *r = ws__ymap_get(params, "radii");
    if (!r)
        return WS_OK;
    size_t n = r->kind == WS_Y_SEQ ? r->n : 1;
    if (r->kind == WS_Y_MAP || n == 0 || n > WS_MAX_RADII)
        return ws__yerror(p->ctx, p->doc, r, WS_ERR_FORMAT,
                          "radii must be a list of 1 to %d distances in "
                          "metres",
                          WS_MAX_RADII);
    for (size_t i = 0; i < n; i++) {
        const ws_ynode *it = r->kind == WS_Y_SEQ ? r->items[i] : r;
        char *end = NULL;
        double v = it->kind == WS_Y_SCALAR ? strtod(it->value, &end) : NAN;
        if (!end || *end || !(v > 0 && v <= 100000) ||
            (i > 0 && v <= p->opt.aggregate.radii[i - 1]))
            return ws__yerror(p->ctx, p->doc, it, WS_ERR_FORMAT,
                              "radius must be a distance in metres between 0 "
                              "and 100000, larger than the one before");
        p->opt.aggregate.radii[i] = v;
    }
    p->opt.aggregate.n_radii = n;
    return WS_OK;
}

/* A category name as the layer definitions allow it (it becomes part of a
 * column name): lower case letters, digits and '_'. */
static bool category_name(const char *s) {
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static ws_status parse_basis(ws_project *p, const ws_ynode *params) {
    const ws_ynode *b = ws__ymap_get(params, "basisvoorzieningen");
    if (!b)
        return WS_OK;
    size_t n = 0;
    ws_status st = ws__yget_strlist(p->ctx, p->doc, params,
                                    "basisvoorzieningen", false, &p->basis, &n);
    if (st != WS_OK)
        return st;
    if (n == 0 || n > WS_MAX_BASISVOORZIENINGEN)
        return ws__yerror(p->ctx, p->doc, b, WS_ERR_FORMAT,
                          "basisvoorzieningen must list 1 to %d voorzieningen "
                          "categories",
                          WS_MAX_BASISVOORZIENINGEN);
    for (size_t i = 0; i < n; i++)
        if (!category_name(p->basis[i]))
            return ws__yerror(p->ctx, p->doc,
                              b->kind == WS_Y_SEQ ? b->items[i] : b,
                              WS_ERR_FORMAT,
                              "basisvoorzieningen: '%s' is not a category name "
                              "(lower case letters, digits and '_', e.g. "
                              "huisarts)",
                              p->basis[i]);
    p->opt.aggregate.basisvoorzieningen = p->basis;
    p->opt.aggregate.n_basisvoorzieningen = n;
    return WS_OK;
}

/* A whole number in [min, max]; `*out` keeps its value when absent. */
static ws_status get_int(ws_project *p, const ws_ynode *map, const char *key,
                         int min, int max, int *out) {
    double v = *out;
    ws_status st =
        ws__yget_double(p->ctx, p->doc, map, key, false, min, max, &v);
    if (st == WS_OK && v != floor(v))
        return ws__yerror(p->ctx, p->doc, ws__ymap_get(map, key), WS_ERR_FORMAT,
                          "'%s' must be a whole number, not %g", key, v);
    *out = (int)v;
    return st;
}

/* parameters.zorggeschikt: the thresholds of the zorggeschiktheid proxy
 * (ranges as in ws__zorggeschikt_check, src/aggregate/aggregate_pand.c). */
static ws_status parse_zorggeschikt(ws_project *p, const ws_ynode *params) {
    const ws_ynode *z = ws__ymap_get(params, "zorggeschikt");
    if (!z)
        return WS_OK;
    ws_zorggeschikt_options *o = &p->opt.aggregate.zorggeschikt;
    ws_status st;
    if ((st = ws__yexpect(p->ctx, p->doc, z, WS_Y_MAP, "zorggeschikt")) ||
        (st = ws__ycheck_keys(p->ctx, p->doc, z, zorg_keys)) ||
        (st = ws__yget_double(p->ctx, p->doc, z, "netto_factor", false, 0, 1,
                              &o->netto_factor)) ||
        (st = get_int(p, z, "lift_min_woonlagen", 1, 100,
                      &o->lift_min_woonlagen)) ||
        (st = get_int(p, z, "lift_vanaf_bouwjaar", 1000, 2100,
                      &o->lift_vanaf_bouwjaar)) ||
        (st = get_int(p, z, "eengezins_vanaf_bouwjaar", 1000, 2100,
                      &o->eengezins_vanaf_bouwjaar)) ||
        (st = ws__yget_double(p->ctx, p->doc, z, "eengezins_min_oppervlakte",
                              false, 0, 10000, &o->eengezins_min_oppervlakte)))
        return st;
    if (!(o->netto_factor > 0))
        return ws__yerror(p->ctx, p->doc, ws__ymap_get(z, "netto_factor"),
                          WS_ERR_FORMAT,
                          "'netto_factor' must be larger than 0 (usable floor "
                          "area per m² of footprint per woonlaag, e.g. 0.8)");
    return WS_OK;
}

static ws_status parse_parameters(ws_project *p, const ws_ynode *root) {
    const ws_ynode *pm = ws__ymap_get(root, "parameters");
    if (!pm)
        return WS_OK;
    ws_status st = ws__yexpect(p->ctx, p->doc, pm, WS_Y_MAP, "parameters");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, pm, param_keys);
    if (st == WS_OK)
        st = parse_radii(p, pm);
    if (st == WS_OK)
        st = ws__yget_double(p->ctx, p->doc, pm, "amenity_margin", false, 0,
                             100000, &p->opt.load.amenity_margin);
    if (st == WS_OK)
        st = parse_basis(p, pm);
    if (st == WS_OK)
        st = parse_zorggeschikt(p, pm);
    return st;
}

static ws_status parse_output(ws_project *p, const ws_ynode *root) {
    const ws_ynode *o = ws__ymap_get(root, "output");
    const char *dir = "output", *gpkg = "wijkscan.gpkg";
    p->want_gpkg = true;
    p->want_csv = true;
    ws_status st = WS_OK;
    if (o) {
        st = ws__yexpect(p->ctx, p->doc, o, WS_Y_MAP, "output");
        if (st == WS_OK)
            st = ws__ycheck_keys(p->ctx, p->doc, o, output_keys);
        if (st == WS_OK)
            st = ws__yget_str(p->ctx, p->doc, o, "dir", false, &dir);
        if (st == WS_OK)
            st = ws__yget_str(p->ctx, p->doc, o, "gpkg", false, &gpkg);
        if (st == WS_OK)
            st = ws__yget_bool(p->ctx, p->doc, o, "csv", &p->want_csv);
        if (st == WS_OK)
            st = ws__yget_bool(p->ctx, p->doc, o, "csv_dutch",
                               &p->opt.output.csv_dutch);
        if (st != WS_OK)
            return st;
        dir = dir ? dir : "output";
        gpkg = gpkg ? gpkg : "wijkscan.gpkg";
    }
    if (strchr(gpkg, '/') || !*gpkg || strcmp(gpkg, ".") == 0 ||
        strcmp(gpkg, "..") == 0)
        return ws__yerror(p->ctx, p->doc, ws__ymap_get(o, "gpkg"),
                          WS_ERR_FORMAT,
                          "output.gpkg is a file name inside output.dir, not "
                          "a path");
    p->gpkg_name = ws__strdup(p->ctx, gpkg);
    if (!p->gpkg_name)
        return WS_ERR_NOMEM;
    const char *resolved = resolve(p, dir);
    return resolved ? ws_project_set_output_dir(p->ctx, p, resolved)
                    : WS_ERR_NOMEM;
}

static ws_status parse_layers_dir(ws_project *p, const ws_ynode *root,
                                  const char *default_dir) {
    const char *dir = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, root, "layers", false, &dir);
    if (st != WS_OK)
        return st;
    p->opt.load.layers_dir = dir ? resolve(p, dir) : default_dir;
    if (!p->opt.load.layers_dir)
        return ws__yerror(p->ctx, p->doc, root, WS_ERR_FORMAT,
                          "no layer definition directory: give 'layers:' or "
                          "--layers");
    return WS_OK;
}

/* The theme layers: scoring.themes, or the themes/ folder of the layer
 * definitions; `themes: false` switches scoring off. */
static ws_status parse_themes_dir(ws_project *p, const ws_ynode *sc) {
    const char *dir = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, sc, "themes", false, &dir);
    if (st != WS_OK)
        return st;
    if (dir && (strcmp(dir, "false") == 0 || strcmp(dir, "no") == 0))
        return WS_OK;
    if (dir) {
        p->opt.score.themes_dir = resolve(p, dir);
        return p->opt.score.themes_dir ? WS_OK : WS_ERR_NOMEM;
    }
    ws_strbuf sb;
    ws__sb_init(&sb, p->ctx);
    ws__sb_appendf(&sb, "%s/themes", p->opt.load.layers_dir);
    const char *def = keep(p, ws__sb_take(&sb));
    if (!def)
        return WS_ERR_NOMEM;
    if (access(def, F_OK) == 0)
        p->opt.score.themes_dir = def;
    else
        ws__warn(p->ctx, "%s: no theme layers in %s, so no theme scores",
                 p->doc->path, def);
    return WS_OK;
}

static ws_status parse_reference(ws_project *p, const ws_ynode *sc) {
    static const char *const names[] = {"regio", "gemeente", "invoer"};
    const char *ref = NULL;
    ws_status st = ws__yget_str(p->ctx, p->doc, sc, "reference", false, &ref);
    if (st != WS_OK || !ref)
        return st;
    for (int i = 0; i < 3; i++)
        if (strcmp(ref, names[i]) == 0) {
            p->opt.score.reference = (ws_reference)i;
            return WS_OK;
        }
    return ws__yerror(p->ctx, p->doc, ws__ymap_get(sc, "reference"),
                      WS_ERR_FORMAT,
                      "scoring.reference must be regio, gemeente or invoer, "
                      "not '%s'",
                      ref);
}

static ws_status parse_sensitivity(ws_project *p, const ws_ynode *sc) {
    const ws_ynode *n = ws__ymap_get(sc, "sensitivity");
    if (!n)
        return WS_OK;
    ws_sensitivity_options *o = &p->opt.sensitivity;
    double runs = (double)o->runs, seed = (double)o->seed,
           classes = (double)o->classes;
    ws_status st;
    (void)((st = ws__yexpect(p->ctx, p->doc, n, WS_Y_MAP,
                             "scoring.sensitivity")) ||
           (st = ws__ycheck_keys(p->ctx, p->doc, n, sensitivity_keys)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "runs", false, 1, 100000,
                                 &runs)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "seed", false, 0, 1e15,
                                 &seed)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "weight_spread", false, 0,
                                 0.99, &o->weight_spread)) ||
           (st = ws__yget_bool(p->ctx, p->doc, n, "vary_method",
                               &o->vary_method)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "classes", false, 2, 12,
                                 &classes)) ||
           (st = ws__yget_double(p->ctx, p->doc, n, "flag_share", false, 0.001,
                                 1, &o->flag_share)));
    o->runs = (size_t)runs;
    o->seed = (uint64_t)seed;
    o->classes = (size_t)classes;
    p->opt.run_sensitivity = st == WS_OK;
    return st;
}

static ws_status parse_scoring(ws_project *p, const ws_ynode *root) {
    const ws_ynode *sc = ws__ymap_get(root, "scoring");
    ws_status st = WS_OK;
    if (sc)
        (void)((st = ws__yexpect(p->ctx, p->doc, sc, WS_Y_MAP, "scoring")) ||
               (st = ws__ycheck_keys(p->ctx, p->doc, sc, scoring_keys)));
    if (st == WS_OK)
        st = parse_themes_dir(p, sc);
    if (st == WS_OK && sc)
        (void)((st = parse_reference(p, sc)) ||
               (st = ws__yget_double(p->ctx, p->doc, sc, "min_woningen", false,
                                     0, 1e9, &p->opt.score.min_dwellings)) ||
               (st = ws__yget_double(p->ctx, p->doc, sc, "min_inwoners", false,
                                     0, 1e9, &p->opt.score.min_inwoners)) ||
               (st = parse_sensitivity(p, sc)));
    return st;
}

/* A list of strings kept by the project (the array, not the strings). */
static ws_status map_list(ws_project *p, const ws_ynode *m, const char *key,
                          const char *const **out, size_t *n) {
    const char **arr = NULL;
    ws_status st = ws__yget_strlist(p->ctx, p->doc, m, key, false, &arr, n);
    if (st != WS_OK || !arr)
        return st;
    if (ws__reserve(p->ctx, (void **)&p->lists, &p->caplists, p->nlists + 1,
                    sizeof *p->lists) != WS_OK) {
        ws__free(p->ctx, arr);
        return WS_ERR_NOMEM;
    }
    p->lists[p->nlists++] = (const char *)arr;
    *out = arr;
    return WS_OK;
}

/* `theme: gezond` maps the column score_gezond, for any theme layer
 * (`column:` names any other column). */
static const char *theme_column(ws_project *p, const char *theme) {
    if (strncmp(theme, "score_", 6) == 0)
        return theme;
    ws_strbuf sb;
    ws__sb_init(&sb, p->ctx);
    ws__sb_appendf(&sb, "score_%s", theme);
    return keep(p, ws__sb_take(&sb));
}

static const char *style_path(ws_project *p, const char *name) {
    size_t n = strlen(name);
    if (strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
        !p->styles_dir)
        return resolve(p, name);
    ws_strbuf sb;
    ws__sb_init(&sb, p->ctx);
    ws__sb_appendf(&sb, "%s/%s.yaml", p->styles_dir, name);
    return keep(p, ws__sb_take(&sb));
}

static ws_status parse_map_entry(ws_project *p, const ws_ynode *m,
                                 ws_map_options *o, const char **output,
                                 size_t *nbreaks_used) {
    ws_ctx *ctx = p->ctx;
    ws_status st =
        ws__yexpect(ctx, p->doc, m, WS_Y_MAP, "a map: theme, level, output, …");
    if (st == WS_OK)
        st = ws__ycheck_keys(ctx, p->doc, m, map_keys);
    const char *level = NULL, *style = NULL, *method = NULL;
    bool by_theme = ws__ymap_get(m, "theme") != NULL;
    if (st == WS_OK && by_theme == (ws__ymap_get(m, "column") != NULL))
        return ws__yerror(ctx, p->doc, m, WS_ERR_FORMAT,
                          "a map needs either 'theme' or 'column'");
    const char *const *names = NULL;
    size_t nnames = 0;
    if (st == WS_OK)
        st = map_list(p, m, by_theme ? "theme" : "column", &names, &nnames);
    if (st == WS_OK)
        st = ws__yget_str(ctx, p->doc, m, "output", true, output);
    if (st != WS_OK)
        return st;
    ws_map_format fmt = ws_map_format_from_path(*output);
    if (fmt == WS_MAP_FORMAT_AUTO)
        return ws__yerror(ctx, p->doc, ws__ymap_get(m, "output"), WS_ERR_FORMAT,
                          "map output '%s' must end in .png, .pdf or .svg",
                          *output);
    if ((*output)[0] == '/' || strstr(*output, ".."))
        return ws__yerror(ctx, p->doc, ws__ymap_get(m, "output"), WS_ERR_FORMAT,
                          "map output '%s' is a file name inside output.dir",
                          *output);
    if (nnames == 0 || (nnames > 1 && fmt != WS_MAP_FORMAT_PDF))
        return ws__yerror(ctx, p->doc,
                          ws__ymap_get(m, by_theme ? "theme" : "column"),
                          WS_ERR_FORMAT,
                          nnames ? "several maps are the pages of one PDF: "
                                   "the output must end in .pdf"
                                 : "name at least one %s",
                          by_theme ? "theme" : "column");
    /* the list is the project's own (map_list), so its items may be
     * replaced by the score columns they name */
    for (size_t i = 0; by_theme && i < nnames; i++)
        if (!(((const char **)names)[i] = theme_column(p, names[i])))
            return WS_ERR_NOMEM;
    o->column = names[0];
    o->more_columns = names + 1;
    o->n_more_columns = nnames - 1;
    if ((st = ws__yget_str(ctx, p->doc, m, "level", false, &level)) != WS_OK)
        return st;
    if (level) {
        if (strcmp(level, "buurt") == 0)
            o->level = WS_LEVEL_BUURT;
        else if (strcmp(level, "wijk") == 0)
            o->level = WS_LEVEL_WIJK;
        else if (strcmp(level, "gemeente") == 0)
            o->level = WS_LEVEL_GEMEENTE;
        else
            return ws__yerror(ctx, p->doc, ws__ymap_get(m, "level"),
                              WS_ERR_FORMAT,
                              "level must be buurt, wijk or gemeente, not "
                              "'%s'",
                              level);
    }
    const char *gkey = ws__ymap_get(m, "gemeenten") ? "gemeenten" : "gemeente";
    if ((st = map_list(p, m, gkey, &o->gemeenten, &o->n_gemeenten)) ||
        (st = map_list(p, m, "pool_columns", &o->pool_columns,
                       &o->n_pool_columns)) ||
        (st = map_list(p, m, "pool_gemeenten", &o->pool_gemeenten,
                       &o->n_pool_gemeenten)) ||
        (st = map_list(p, m, "voorzieningen", &o->voorzieningen,
                       &o->n_voorzieningen)) ||
        (st = ws__yget_str(ctx, p->doc, m, "style", false, &style)) ||
        (st = ws__yget_str(ctx, p->doc, m, "method", false, &method)) ||
        (st = ws__yget_str(ctx, p->doc, m, "page", false, &o->page)) ||
        (st = ws__yget_str(ctx, p->doc, m, "title", false, &o->title)) ||
        (st = ws__yget_str(ctx, p->doc, m, "subtitle", false, &o->subtitle)))
        return st;
    if (style && !(o->style_path = style_path(p, style)))
        return WS_ERR_NOMEM;
    if (method && (o->method = ws_class_method_from_name(method)) < 0)
        return ws__yerror(ctx, p->doc, ws__ymap_get(m, "method"), WS_ERR_FORMAT,
                          "method must be quantile, equal, jenks, pretty, "
                          "headtail, stddev or manual, not '%s'",
                          method);
    if (o->page && strcmp(o->page, "A4") && strcmp(o->page, "A3") &&
        strcmp(o->page, "A5"))
        return ws__yerror(ctx, p->doc, ws__ymap_get(m, "page"), WS_ERR_FORMAT,
                          "page must be A4, A3 or A5, not '%s'", o->page);
    double k = 0;
    if ((st = ws__yget_double(ctx, p->doc, m, "classes", false, 1,
                              WS_CLASS_MAX_K, &k)) ||
        (st = ws__yget_double(ctx, p->doc, m, "width", false, 16, 30000,
                              &o->width_px)) ||
        (st = ws__yget_double(ctx, p->doc, m, "height", false, 16, 30000,
                              &o->height_px)) ||
        (st = ws__yget_double(ctx, p->doc, m, "dpi", false, 36, 1200, &o->dpi)))
        return st;
    if (k != floor(k))
        return ws__yerror(ctx, p->doc, ws__ymap_get(m, "classes"),
                          WS_ERR_FORMAT, "classes must be a whole number");
    o->classes = (size_t)k;
    if ((o->width_px > 0) != (o->height_px > 0))
        return ws__yerror(ctx, p->doc, m, WS_ERR_FORMAT,
                          "give both width and height (pixels), or neither");
    if (ws__ymap_get(m, "landscape")) {
        bool l = false;
        if ((st = ws__yget_bool(ctx, p->doc, m, "landscape", &l)) != WS_OK)
            return st;
        o->landscape = l ? 1 : 0;
    }
    const ws_ynode *br = ws__ymap_get(m, "breaks");
    if (br) {
        size_t n = br->kind == WS_Y_SEQ ? br->n : 0;
        if (n == 0 || n > WS_CLASS_MAX_K + 20)
            return ws__yerror(ctx, p->doc, br, WS_ERR_FORMAT,
                              "breaks must be a list of 1 to %d numbers",
                              WS_CLASS_MAX_K + 20);
        double *b = p->breaks + *nbreaks_used;
        for (size_t i = 0; i < n; i++) {
            const ws_ynode *it = br->items[i];
            char *end = NULL;
            b[i] = it->kind == WS_Y_SCALAR ? strtod(it->value, &end) : NAN;
            if (!end || *end || !isfinite(b[i]) || (i > 0 && b[i] <= b[i - 1]))
                return ws__yerror(ctx, p->doc, it, WS_ERR_FORMAT,
                                  "a break must be a number above the one "
                                  "before it");
        }
        o->breaks = b;
        o->n_breaks = n;
        o->method = (int)WS_CLASS_MANUAL;
        *nbreaks_used += n;
    }
    if (o->method == (int)WS_CLASS_MANUAL && !o->n_breaks)
        return ws__yerror(ctx, p->doc, m, WS_ERR_FORMAT,
                          "method manual needs 'breaks'");
    return WS_OK;
}

static ws_status parse_maps(ws_project *p, const ws_ynode *root) {
    const ws_ynode *maps = ws__ymap_get(root, "maps");
    if (!maps)
        return WS_OK;
    ws_status st =
        ws__yexpect(p->ctx, p->doc, maps, WS_Y_SEQ, "maps: a list of maps");
    if (st != WS_OK)
        return st;
    if (!p->want_gpkg)
        return ws__yerror(p->ctx, p->doc, maps, WS_ERR_FORMAT,
                          "maps are drawn from the GeoPackage; set "
                          "output.gpkg");
    size_t n = maps->n;
    p->maps = ws__calloc(p->ctx, n ? n : 1, sizeof *p->maps);
    p->map_outputs = ws__calloc(p->ctx, n ? n : 1, sizeof *p->map_outputs);
    p->breaks = ws__calloc(p->ctx, (n ? n : 1) * (WS_CLASS_MAX_K + 20),
                           sizeof *p->breaks);
    if (!p->maps || !p->map_outputs || !p->breaks)
        return WS_ERR_NOMEM;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        ws_map_options_init(&p->maps[i]);
        st = parse_map_entry(p, maps->items[i], &p->maps[i], &p->map_outputs[i],
                             &used);
        if (st != WS_OK)
            return st;
        p->nmaps++;
    }
    return ws_project_set_output_dir(p->ctx, p, p->out_dir);
}

static ws_status parse_project(ws_project *p, const char *default_dir) {
    const ws_ynode *root = p->doc->root;
    ws_status st = ws__yexpect(p->ctx, p->doc, root, WS_Y_MAP, "project");
    if (st == WS_OK)
        st = ws__ycheck_keys(p->ctx, p->doc, root, top_keys);
    const char *version = NULL;
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, root, "wijkscan", true, &version);
    if (st == WS_OK && strcmp(version, "1") != 0)
        st = ws__yerror(p->ctx, p->doc, ws__ymap_get(root, "wijkscan"),
                        WS_ERR_FORMAT,
                        "project format version '%s' is not supported (this "
                        "wijkscan reads version 1)",
                        version);
    if (st == WS_OK)
        st = ws__yget_str(p->ctx, p->doc, root, "name", false, &p->name);
    if (st == WS_OK)
        st = parse_region(p, root);
    if (st == WS_OK)
        st = parse_inputs(p, root);
    if (st == WS_OK)
        st = parse_parameters(p, root);
    if (st == WS_OK)
        st = parse_output(p, root);
    if (st == WS_OK)
        st = parse_layers_dir(p, root, default_dir);
    if (st == WS_OK)
        st = parse_scoring(p, root);
    if (st == WS_OK && default_dir) {
        /* styles/ beside the default layer definitions */
        const char *slash = strrchr(default_dir, '/');
        ws_strbuf sb;
        ws__sb_init(&sb, p->ctx);
        if (slash)
            ws__sb_appendf(&sb, "%.*s/styles", (int)(slash - default_dir),
                           default_dir);
        else
            ws__sb_append(&sb, "styles");
        p->styles_dir = keep(p, ws__sb_take(&sb));
        if (!p->styles_dir)
            st = WS_ERR_NOMEM;
    }
    if (st == WS_OK)
        st = parse_maps(p, root);
    return st;
}

static char *directory_of(ws_ctx *ctx, const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ws__strdup(ctx, ".");
    return ws__strndup(ctx, path, slash == path ? 1 : (size_t)(slash - path));
}

/* A new project for `path` (messages) with relative paths against `dir`. */
static ws_status project_new(ws_ctx *ctx, const char *path, const char *dir,
                             ws_project **out) {
    ws_project *p = ws__calloc(ctx, 1, sizeof *p);
    if (!p)
        return WS_ERR_NOMEM;
    p->ctx = ctx;
    ws_pipeline_options_init(&p->opt);
    p->dir = dir ? ws__strdup(ctx, dir) : directory_of(ctx, path);
    p->opt.project_path = keep(p, ws__strdup(ctx, path));
    *out = p;
    if (!p->dir || !p->opt.project_path)
        return WS_ERR_NOMEM;
    return WS_OK;
}

static ws_status project_finish(ws_project *p, ws_status st,
                                const char *default_layers_dir,
                                ws_project **out) {
    if (st == WS_OK)
        st = parse_project(p, default_layers_dir);
    if (st != WS_OK) {
        ws_project_free(p);
        return st;
    }
    *out = p;
    return WS_OK;
}

ws_status ws_project_load(ws_ctx *ctx, const char *path,
                          const char *default_layers_dir, ws_project **out) {
    if (!ctx || !path || !out)
        return WS_ERR_INVALID_ARG;
    *out = NULL;
    ws_project *p = NULL;
    ws_status st = project_new(ctx, path, NULL, &p);
    if (st == WS_OK)
        st = ws__yaml_load_file(ctx, path, &p->doc);
    return project_finish(p, st, default_layers_dir, out);
}

ws_status ws__project_parse(ws_ctx *ctx, const char *name, const char *dir,
                            const unsigned char *data, size_t len,
                            const char *default_layers_dir, ws_project **out) {
    *out = NULL;
    ws_project *p = NULL;
    ws_status st = project_new(ctx, name, dir, &p);
    if (st == WS_OK)
        st = ws__yaml_load_buffer(ctx, name, data, len, &p->doc);
    return project_finish(p, st, default_layers_dir, out);
}

void ws_project_free(ws_project *p) {
    if (!p)
        return;
    ws_ctx *ctx = p->ctx;
    for (size_t i = 0; i < p->nstrings; i++)
        ws__free(ctx, p->strings[i]);
    ws__free(ctx, p->strings);
    ws__free(ctx, p->voorz);
    ws__free(ctx, p->kern);
    ws__free(ctx, (void *)p->gemeenten);
    ws__free(ctx, (void *)p->basis);
    ws__free(ctx, p->dir);
    ws__free(ctx, p->out_dir);
    ws__free(ctx, p->gpkg_name);
    for (size_t i = 0; i < p->nlists; i++)
        ws__free(ctx, (void *)p->lists[i]);
    ws__free(ctx, p->lists);
    ws__free(ctx, p->maps);
    ws__free(ctx, p->map_outputs);
    ws__free(ctx, p->breaks);
    ws__yaml_free(ctx, p->doc);
    ws__free(ctx, p);
}

const ws_pipeline_options *ws_project_options(const ws_project *p) {
    return &p->opt;
}

const char *ws_project_output_dir(const ws_project *p) { return p->out_dir; }

const char *ws_project_name(const ws_project *p) {
    return p->name ? p->name : "wijkscan";
}

ws_status ws_project_set_output_dir(ws_ctx *ctx, ws_project *p,
                                    const char *dir) {
    char *d = ws__strdup(ctx, dir);
    if (!d)
        return WS_ERR_NOMEM;
    ws__free(ctx, p->out_dir);
    p->out_dir = d;
    p->opt.output.gpkg_path = NULL;
    p->opt.output.csv_dir = NULL;
    if (p->want_gpkg) {
        ws_strbuf sb;
        ws__sb_init(&sb, ctx);
        ws__sb_appendf(&sb, "%s/%s", d, p->gpkg_name);
        p->opt.output.gpkg_path = keep(p, ws__sb_take(&sb));
        if (!p->opt.output.gpkg_path)
            return WS_ERR_NOMEM;
    }
    if (p->want_csv)
        p->opt.output.csv_dir = d;
    for (size_t i = 0; i < p->nmaps; i++) {
        ws_strbuf sb;
        ws__sb_init(&sb, ctx);
        ws__sb_appendf(&sb, "%s/%s", d, p->map_outputs[i]);
        p->maps[i].output_path = keep(p, ws__sb_take(&sb));
        p->maps[i].gpkg_path = p->opt.output.gpkg_path;
        if (!p->maps[i].output_path)
            return WS_ERR_NOMEM;
    }
    return WS_OK;
}

size_t ws_project_map_count(const ws_project *p) { return p ? p->nmaps : 0; }

const ws_map_options *ws_project_map(const ws_project *p, size_t i) {
    return p && i < p->nmaps ? &p->maps[i] : NULL;
}
