/* Unit tests for project files (src/config/project.c): relative paths are
 * resolved against the project's directory, defaults, the output directory
 * override, and broken projects that must fail with file:line:col.
 * Positions are counted by hand (1-based; the column of a value is 1 + the
 * characters before it on its line). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_test.h"

#include "config/config_internal.h"
#include "wijkscan/context.h"
#include "wijkscan/pipeline.h"
#include "wijkscan/project.h"

typedef ws_test_dir fixture;
#define setup ws_test_setup_dir
#define teardown ws_test_teardown_dir
#define write_file ws_test_write

/* "<dir>/<rel>" in a static buffer (one at a time) */
static const char *in_dir(const fixture *fx, const char *rel) {
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", fx->dir, rel);
    return buf;
}

/* --- valid projects ----------------------------------------------------------
 */

static const char project1[] =
    "wijkscan: 1\n"
    "name: Boxtel test\n"
    "region:\n"
    "  name: Boxtel\n"
    "  gemeenten: [GM0757]\n"
    "inputs:\n"
    "  bag: data/bag-light.gpkg\n"
    "  buurten:\n"
    "    path: ../cbs/wijkenbuurten.gpkg\n"
    "    layer: buurten\n"
    "    definition: defs/cbs.yaml\n"
    "  voorzieningen:\n"
    "    - voorz.csv\n"
    "    - path: /abs/osm.pbf\n"
    "  kerncijfers: {path: kern.csv, suffix: _2023}\n"
    "output:\n"
    "  gpkg: boxtel.gpkg\n";

static void test_valid_project(void **state) {
    fixture *fx = *state;
    const char *path = write_file(fx, "proj.yaml", project1);
    ws_project *p = NULL;
    assert_int_equal(ws_project_load(fx->ctx, path, "/opt/layers", &p), WS_OK);
    assert_non_null(p);
    const ws_pipeline_options *o = ws_project_options(p);
    assert_string_equal(ws_project_name(p), "Boxtel test");
    assert_string_equal(o->project_path, path);
    /* region */
    assert_int_equal(o->load.n_gemeenten, 1);
    assert_string_equal(o->load.gemeenten[0], "GM0757");
    assert_string_equal(o->load.region_name, "Boxtel");
    /* inputs: relative paths are joined to the project's directory as
     * written (no normalisation of ".."); absolute ones are kept */
    assert_string_equal(o->load.bag.path, in_dir(fx, "data/bag-light.gpkg"));
    assert_null(o->load.bag.layer);
    assert_null(o->load.bag.definition);
    assert_string_equal(o->load.buurten.path,
                        in_dir(fx, "../cbs/wijkenbuurten.gpkg"));
    assert_string_equal(o->load.buurten.layer, "buurten");
    assert_string_equal(o->load.buurten.definition,
                        in_dir(fx, "defs/cbs.yaml"));
    assert_int_equal(o->load.n_voorzieningen, 2);
    assert_string_equal(o->load.voorzieningen[0].path, in_dir(fx, "voorz.csv"));
    assert_string_equal(o->load.voorzieningen[1].path, "/abs/osm.pbf");
    assert_int_equal(o->load.n_kerncijfers, 1);
    assert_string_equal(o->load.kerncijfers[0].path, in_dir(fx, "kern.csv"));
    assert_string_equal(o->load.kerncijfers[0].suffix, "_2023");
    /* defaults */
    assert_int_equal(o->aggregate.n_radii, 2);
    assert_true(o->aggregate.radii[0] == 500.0);
    assert_true(o->aggregate.radii[1] == 1000.0);
    assert_true(o->load.amenity_margin == 10000.0);
    assert_int_equal(o->aggregate.n_basisvoorzieningen, 3);
    assert_string_equal(o->aggregate.basisvoorzieningen[0], "huisarts");
    assert_string_equal(o->aggregate.basisvoorzieningen[1], "apotheek");
    assert_string_equal(o->aggregate.basisvoorzieningen[2], "supermarkt");
    assert_true(o->aggregate.zorggeschikt.netto_factor == 0.8);
    assert_int_equal(o->aggregate.zorggeschikt.lift_min_woonlagen, 4);
    assert_int_equal(o->aggregate.zorggeschikt.lift_vanaf_bouwjaar, 1965);
    assert_int_equal(o->aggregate.zorggeschikt.eengezins_vanaf_bouwjaar, 1975);
    assert_true(o->aggregate.zorggeschikt.eengezins_min_oppervlakte == 90.0);
    assert_string_equal(o->load.layers_dir, "/opt/layers");
    /* output: "output" under the project's directory, CSV on */
    assert_string_equal(ws_project_output_dir(p), in_dir(fx, "output"));
    assert_string_equal(o->output.gpkg_path, in_dir(fx, "output/boxtel.gpkg"));
    assert_non_null(o->output.csv_dir);
    assert_string_equal(o->output.csv_dir, in_dir(fx, "output"));
    assert_false(o->output.csv_dutch);

    /* the output directory can be overridden (e.g. by --output-dir) */
    assert_int_equal(ws_project_set_output_dir(fx->ctx, p, "/tmp/elders"),
                     WS_OK);
    assert_string_equal(ws_project_output_dir(p), "/tmp/elders");
    assert_string_equal(o->output.gpkg_path, "/tmp/elders/boxtel.gpkg");
    assert_string_equal(o->output.csv_dir, "/tmp/elders");
    /* and again */
    assert_int_equal(ws_project_set_output_dir(fx->ctx, p, "uit"), WS_OK);
    assert_string_equal(o->output.gpkg_path, "uit/boxtel.gpkg");
    assert_string_equal(o->output.csv_dir, "uit");
    assert_int_equal(ws_ctx_status(fx->ctx), WS_OK);
    ws_project_free(p);
    ws_project_free(NULL);
}

static void test_valid_project_options(void **state) {
    fixture *fx = *state;
    const char *path =
        write_file(fx, "p2.yaml",
                   "wijkscan: \"1\"\n"
                   "inputs:\n"
                   "  bag: {path: bag.gpkg, layer: verblijfsobject,"
                   " definition: /defs/bag_light.yaml, panden: false}\n"
                   "  buurten: /vsizip/cbs.zip/buurten.gpkg\n"
                   "  kerncijfers:\n"
                   "    - kern1.csv\n"
                   "    - {path: \"PG:dbname=bag\", layer: kern}\n"
                   "parameters:\n"
                   "  radii: [250, 500, 1000]\n"
                   "  amenity_margin: 2500\n"
                   "  basisvoorzieningen: [huisarts, supermarkt]\n"
                   "  zorggeschikt:\n"
                   "    netto_factor: 0.75\n"
                   "    lift_min_woonlagen: 5\n"
                   "    lift_vanaf_bouwjaar: 1970\n"
                   "    eengezins_vanaf_bouwjaar: 1980.0\n"
                   "    eengezins_min_oppervlakte: 100\n"
                   "output:\n"
                   "  dir: uit\n"
                   "  csv: false\n"
                   "  csv_dutch: ja\n"
                   "layers: mijnlagen\n");
    ws_project *p = NULL;
    assert_int_equal(ws_project_load(fx->ctx, path, NULL, &p), WS_OK);
    const ws_pipeline_options *o = ws_project_options(p);
    assert_string_equal(ws_project_name(p), "wijkscan"); /* no name */
    assert_string_equal(o->load.bag.path, in_dir(fx, "bag.gpkg"));
    assert_string_equal(o->load.bag.layer, "verblijfsobject");
    assert_string_equal(o->load.bag.definition, "/defs/bag_light.yaml");
    assert_true(o->load.bag.skip_panden);
    assert_false(o->load.buurten.skip_panden);
    /* GDAL virtual paths and connection strings are not files here */
    assert_string_equal(o->load.buurten.path, "/vsizip/cbs.zip/buurten.gpkg");
    assert_int_equal(o->load.n_kerncijfers, 2);
    assert_string_equal(o->load.kerncijfers[0].path, in_dir(fx, "kern1.csv"));
    assert_string_equal(o->load.kerncijfers[1].path, "PG:dbname=bag");
    assert_string_equal(o->load.kerncijfers[1].layer, "kern");
    assert_int_equal(o->load.n_voorzieningen, 0);
    assert_int_equal(o->load.n_gemeenten, 0); /* everything */
    assert_int_equal(o->aggregate.n_radii, 3);
    assert_true(o->aggregate.radii[0] == 250.0);
    assert_true(o->aggregate.radii[1] == 500.0);
    assert_true(o->aggregate.radii[2] == 1000.0);
    assert_true(o->load.amenity_margin == 2500.0);
    assert_int_equal(o->aggregate.n_basisvoorzieningen, 2);
    assert_string_equal(o->aggregate.basisvoorzieningen[0], "huisarts");
    assert_string_equal(o->aggregate.basisvoorzieningen[1], "supermarkt");
    const ws_zorggeschikt_options *z = &o->aggregate.zorggeschikt;
    assert_true(z->netto_factor == 0.75);
    assert_int_equal(z->lift_min_woonlagen, 5);
    assert_int_equal(z->lift_vanaf_bouwjaar, 1970);
    assert_int_equal(z->eengezins_vanaf_bouwjaar, 1980); /* 1980.0 is whole */
    assert_true(z->eengezins_min_oppervlakte == 100.0);
    assert_string_equal(ws_project_output_dir(p), in_dir(fx, "uit"));
    assert_string_equal(o->output.gpkg_path, in_dir(fx, "uit/wijkscan.gpkg"));
    assert_null(o->output.csv_dir); /* csv: false */
    assert_true(o->output.csv_dutch);
    assert_string_equal(o->load.layers_dir, in_dir(fx, "mijnlagen"));
    /* the override keeps CSV off */
    assert_int_equal(ws_project_set_output_dir(fx->ctx, p, "/tmp/x"), WS_OK);
    assert_string_equal(o->output.gpkg_path, "/tmp/x/wijkscan.gpkg");
    assert_null(o->output.csv_dir);
    ws_project_free(p);

    /* one radius as a single value; an absolute output dir stays absolute */
    path = write_file(fx, "p3.yaml",
                      "wijkscan: 1\n"
                      "inputs: {bag: a.gpkg, buurten: b.gpkg}\n"
                      "parameters: {radii: 750, basisvoorzieningen: "
                      "apotheek,\n"
                      "             zorggeschikt: {netto_factor: 1}}\n"
                      "output: {dir: /tmp/absoluut}\n");
    assert_int_equal(ws_project_load(fx->ctx, path, "/l", &p), WS_OK);
    o = ws_project_options(p);
    assert_int_equal(o->aggregate.n_radii, 1);
    assert_true(o->aggregate.radii[0] == 750.0);
    /* one basisvoorziening as a single value; the other zorggeschikt
     * parameters keep their defaults */
    assert_int_equal(o->aggregate.n_basisvoorzieningen, 1);
    assert_string_equal(o->aggregate.basisvoorzieningen[0], "apotheek");
    assert_true(o->aggregate.zorggeschikt.netto_factor == 1.0);
    assert_int_equal(o->aggregate.zorggeschikt.lift_min_woonlagen, 4);
    assert_string_equal(ws_project_output_dir(p), "/tmp/absoluut");
    assert_string_equal(o->output.gpkg_path, "/tmp/absoluut/wijkscan.gpkg");
    ws_project_free(p);
}

static void test_project_in_current_dir(void **state) {
    fixture *fx = *state;
    write_file(fx, "hier.yaml",
               "wijkscan: 1\n"
               "inputs: {bag: bag.gpkg, buurten: sub/buurten.gpkg}\n");
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(fx->dir), 0);
    ws_project *p = NULL;
    ws_status st = ws_project_load(fx->ctx, "hier.yaml", "/l", &p);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st, WS_OK);
    /* a project path without a directory: paths are relative to "." */
    const ws_pipeline_options *o = ws_project_options(p);
    assert_string_equal(o->load.bag.path, "./bag.gpkg");
    assert_string_equal(o->load.buurten.path, "./sub/buurten.gpkg");
    assert_string_equal(ws_project_output_dir(p), "./output");
    ws_project_free(p);
}

/* --- broken projects
 * ---------------------------------------------------------- */

typedef struct broken_case {
    const char *file;
    const char *text;
    ws_status status;
    const char *pos;  /* ":line:col: " after the path, or NULL */
    const char *what; /* a fragment of the message */
} broken_case;

#define INPUTS "inputs: {bag: a.gpkg, buurten: b.gpkg}\n"

static const broken_case broken_cases[] = {
    {"unknown_top.yaml",
     "wijkscan: 1\n"
     "naam: x\n" INPUTS,
     WS_ERR_FORMAT, ":2:1: ", "unknown key 'naam' (did you mean 'name'?)"},
    {"unknown_top2.yaml", "wijkscan: 1\n" INPUTS "outputs: {dir: x}\n",
     WS_ERR_FORMAT, ":3:1: ", "unknown key 'outputs' (did you mean 'output'?)"},
    {"no_bag.yaml",
     "wijkscan: 1\n"
     "inputs:\n"
     "  buurten: b.gpkg\n" /* the inputs mapping starts at 3:3 */
     "  voorzieningen: v.csv\n",
     WS_ERR_FORMAT, ":3:3: ", "'bag' and 'buurten' are required"},
    {"no_inputs.yaml",
     "wijkscan: 1\n"
     "name: x\n",
     WS_ERR_FORMAT, ":1:1: ", "missing required key 'inputs'"},
    {"inputs_list.yaml",
     "wijkscan: 1\n"
     "inputs: [a.gpkg, b.gpkg]\n",
     WS_ERR_FORMAT, ":2:9: ", "expected a mapping"},
    {"bag_list.yaml",
     "wijkscan: 1\n"
     "inputs:\n"
     "  bag: [a, b]\n" /* '[' at column 8 */
     "  buurten: b.gpkg\n",
     WS_ERR_FORMAT, ":3:8: ", "expected a mapping (bag), found a list"},
    {"source_key.yaml",
     "wijkscan: 1\n"
     "inputs:\n"
     "  bag: {pad: a.gpkg}\n" /* "pad" at column 9 */
     "  buurten: b.gpkg\n",
     WS_ERR_FORMAT, ":3:9: ", "unknown key 'pad' (did you mean 'path'?)"},
    {"source_no_path.yaml",
     "wijkscan: 1\n"
     "inputs:\n"
     "  bag: a.gpkg\n"
     "  buurten: {layer: buurten}\n", /* '{' at column 12 */
     WS_ERR_FORMAT, ":4:12: ", "missing required key 'path'"},
    {"radii_descending.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: [1000, 500]\n", /* "500" at column 17 */
     WS_ERR_FORMAT, ":4:17: ", "larger than the one before"},
    {"radii_equal.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: [500, 500]\n", /* the second "500" at column 16 */
     WS_ERR_FORMAT, ":4:16: ", "larger than the one before"},
    {"radii_unit.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: [500m]\n",
     WS_ERR_FORMAT, ":4:11: ", "radius must be a distance in metres"},
    {"radii_zero.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: [0, 500]\n",
     WS_ERR_FORMAT, ":4:11: ", "radius must be a distance in metres"},
    {"radii_far.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: [500, 100001]\n", /* "100001" at column 16 */
     WS_ERR_FORMAT, ":4:16: ", "between 0 and 100000"},
    {"radii_nine.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n", /* the list at column 10 */
     WS_ERR_FORMAT, ":4:10: ", "radii must be a list of 1 to 8"},
    {"radii_empty.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radii: []\n",
     WS_ERR_FORMAT, ":4:10: ", "radii must be a list of 1 to 8"},
    {"margin.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  amenity_margin: -5\n", /* "  amenity_margin: " is 18 characters */
     WS_ERR_FORMAT,
     ":4:19: ", "'amenity_margin' must lie between 0 and 100000, not -5"},
    {"params_key.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  radius: [500]\n",
     WS_ERR_FORMAT, ":4:3: ", "unknown key 'radius' (did you mean 'radii'?)"},
    {"zorg_key.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt:\n"
     "    netto_factr: 0.7\n",
     WS_ERR_FORMAT,
     ":5:5: ", "unknown key 'netto_factr' (did you mean 'netto_factor'?)"},
    {"zorg_netto_zero.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt:\n"
     "    netto_factor: 0\n", /* "    netto_factor: " is 18 characters */
     WS_ERR_FORMAT, ":5:19: ", "'netto_factor' must be larger than 0"},
    {"zorg_netto_big.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt:\n"
     "    netto_factor: 1.2\n",
     WS_ERR_FORMAT,
     ":5:19: ", "'netto_factor' must lie between 0 and 1, not 1.2"},
    {"zorg_lagen_fraction.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt:\n"
     "    lift_min_woonlagen: 3.5\n", /* the value at column 25 */
     WS_ERR_FORMAT,
     ":5:25: ", "'lift_min_woonlagen' must be a whole number, not 3.5"},
    {"zorg_year_word.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt:\n"
     "    lift_vanaf_bouwjaar: zestig\n", /* the value at column 26 */
     WS_ERR_FORMAT,
     ":5:26: ", "'lift_vanaf_bouwjaar' must be a number, not 'zestig'"},
    {"zorg_year_future.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt:\n"
     "    eengezins_vanaf_bouwjaar: 2200\n", /* the value at column 31 */
     WS_ERR_FORMAT, ":5:31: ",
     "'eengezins_vanaf_bouwjaar' must lie between 1000 and 2100, not 2200"},
    {"zorg_list.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  zorggeschikt: [0.8]\n", /* '[' at column 17 */
     WS_ERR_FORMAT,
     ":4:17: ", "expected a mapping (zorggeschikt), found a list"},
    {"basis_empty.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  basisvoorzieningen: []\n", /* '[' at column 23 */
     WS_ERR_FORMAT, ":4:23: ", "basisvoorzieningen must list 1 to 8"},
    {"basis_nine.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  basisvoorzieningen: [a, b, c, d, e, f, g, h, i]\n",
     WS_ERR_FORMAT, ":4:23: ", "basisvoorzieningen must list 1 to 8"},
    {"basis_caps.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  basisvoorzieningen: [huisarts, Apotheek]\n", /* 'A' at column 34 */
     WS_ERR_FORMAT,
     ":4:34: ", "basisvoorzieningen: 'Apotheek' is not a category name"},
    {"basis_map.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  basisvoorzieningen: {huisarts: 500}\n",
     WS_ERR_FORMAT,
     ":4:23: ", "'basisvoorzieningen' must be a value or a list of values"},
    {"basis_key.yaml",
     "wijkscan: 1\n" INPUTS "parameters:\n"
     "  basisvoorziening: [huisarts]\n",
     WS_ERR_FORMAT, ":4:3: ",
     "unknown key 'basisvoorziening' (did you mean 'basisvoorzieningen'?)"},
    {"version2.yaml",
     "wijkscan: 2\n" INPUTS, /* "wijkscan: " is 10 characters */
     WS_ERR_FORMAT, ":1:11: ", "project format version '2' is not supported"},
    {"version10.yaml", "wijkscan: 1.0\n" INPUTS, WS_ERR_FORMAT,
     ":1:11: ", "project format version '1.0' is not supported"},
    {"no_version.yaml", INPUTS, WS_ERR_FORMAT,
     ":1:1: ", "missing required key 'wijkscan'"},
    {"gpkg_slash.yaml",
     "wijkscan: 1\n" INPUTS "output:\n"
     "  gpkg: uit/x.gpkg\n", /* the value at column 9 */
     WS_ERR_FORMAT, ":4:9: ", "output.gpkg is a file name inside output.dir"},
    {"csv_bool.yaml",
     "wijkscan: 1\n" INPUTS "output:\n"
     "  csv: misschien\n",
     WS_ERR_FORMAT, ":4:8: ", "'csv' must be true or false, not 'misschien'"},
    {"output_key.yaml",
     "wijkscan: 1\n" INPUTS "output:\n"
     "  gpgk: x.gpkg\n",
     WS_ERR_FORMAT, ":4:3: ", "unknown key 'gpgk' (did you mean 'gpkg'?)"},
    {"region_key.yaml",
     "wijkscan: 1\n"
     "region:\n"
     "  gemeente: [GM0114]\n" INPUTS,
     WS_ERR_FORMAT,
     ":3:3: ", "unknown key 'gemeente' (did you mean 'gemeenten'?)"},
    {"region_map.yaml",
     "wijkscan: 1\n"
     "region:\n"
     "  gemeenten: {GM0114: Emmen}\n" INPUTS, /* '{' at column 14 */
     WS_ERR_FORMAT, ":3:14: ", "'gemeenten' must be a value or a list"},
    {"root_list.yaml", "- wijkscan: 1\n", WS_ERR_FORMAT,
     ":1:1: ", "expected a mapping (project), found a list"},
    {"panden_buurten.yaml",
     "wijkscan: 1\n"
     "inputs:\n"
     "  bag: a.gpkg\n"
     "  buurten: {path: b.gpkg, panden: false}\n", /* the value at 35 */
     WS_ERR_FORMAT, ":4:35: ", "'panden' belongs to the bag input"},
    {"panden_bool.yaml",
     "wijkscan: 1\n"
     "inputs:\n"
     "  bag: {path: a.gpkg, panden: misschien}\n"
     "  buurten: b.gpkg\n",
     WS_ERR_FORMAT,
     ":3:31: ", "'panden' must be true or false, not 'misschien'"},
    {"syntax.yaml",
     "wijkscan: 1\n"
     "inputs: {bag: a.gpkg, buurten: b.gpkg\n",
     WS_ERR_FORMAT_YAML, ":3:1: ", "YAML syntax error"},
};

static void test_broken_projects(void **state) {
    fixture *fx = *state;
    size_t n = sizeof broken_cases / sizeof broken_cases[0];
    for (size_t i = 0; i < n; i++) {
        const broken_case *bc = &broken_cases[i];
        const char *path = write_file(fx, bc->file, bc->text);
        ws_project *p = (ws_project *)fx;
        ws_status st = ws_project_load(fx->ctx, path, "/l", &p);
        if (st != bc->status)
            fail_msg("%s: status %s, expected %s (%s)", bc->file,
                     ws_status_name(st), ws_status_name(bc->status),
                     ws_ctx_errmsg(fx->ctx));
        assert_null(p);
        assert_int_equal(ws_ctx_status(fx->ctx), bc->status);
        char prefix[512];
        snprintf(prefix, sizeof prefix, "%s%s", path, bc->pos ? bc->pos : "");
        assert_msg_starts(fx->ctx, prefix);
        assert_msg_contains(fx->ctx, bc->what);
        ws_ctx_clear_error(fx->ctx);
    }
}

static void test_no_layers_dir(void **state) {
    fixture *fx = *state;
    const char *path = write_file(fx, "nolayers.yaml", "wijkscan: 1\n" INPUTS);
    ws_project *p = NULL;
    /* neither a 'layers:' key nor a default directory */
    assert_int_equal(ws_project_load(fx->ctx, path, NULL, &p), WS_ERR_FORMAT);
    assert_null(p);
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s:1:1: ", path);
    assert_msg_starts(fx->ctx, prefix);
    assert_msg_contains(fx->ctx, "no layer definition directory");
    ws_ctx_clear_error(fx->ctx);
    /* with a default it loads */
    assert_int_equal(ws_project_load(fx->ctx, path, "/l", &p), WS_OK);
    assert_string_equal(ws_project_options(p)->load.layers_dir, "/l");
    ws_project_free(p);
}

static void test_bad_arguments(void **state) {
    fixture *fx = *state;
    ws_project *p = NULL;
    assert_int_equal(ws_project_load(NULL, "x.yaml", NULL, &p),
                     WS_ERR_INVALID_ARG);
    assert_int_equal(ws_project_load(fx->ctx, NULL, NULL, &p),
                     WS_ERR_INVALID_ARG);
    assert_int_equal(ws_project_load(fx->ctx, "x.yaml", NULL, NULL),
                     WS_ERR_INVALID_ARG);
    const char *missing = in_dir(fx, "bestaat_niet.yaml");
    char path[512];
    snprintf(path, sizeof path, "%s", missing);
    assert_int_equal(ws_project_load(fx->ctx, path, "/l", &p),
                     WS_ERR_IO_NOT_FOUND);
    assert_null(p);
    assert_msg_starts(fx->ctx, path);
    ws_ctx_clear_error(fx->ctx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_project, setup, teardown),
        cmocka_unit_test_setup_teardown(test_valid_project_options, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_project_in_current_dir, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_broken_projects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_layers_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
    };
    return cmocka_run_group_tests_name("project", tests, NULL, NULL);
}
