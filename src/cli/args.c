/* Command-line parsing for wijkscan: long options with a value either as the
 * next argument or after '=', FILE[:LAYER] inputs, comma-separated lists.
 * Every usage error names the option. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char *const general_help =
    "wijkscan "
    "— hoe staan de wijken ervoor voor wie thuis wil blijven wonen?\n"
    "\n"
    "Usage:\n"
    "  wijkscan score --bag FILE[:LAYER] --buurten FILE[:LAYER]\n"
    "                 --voorzieningen FILE[:LAYER] [--gemeente CODES] -o "
    "OUT.gpkg\n"
    "  wijkscan run PROJECT.yaml [-o OUTDIR]\n"
    "  wijkscan explain OUT.gpkg BUURTCODE|NAAM\n"
    "  wijkscan sensitivity PROJECT.yaml [--runs N] [--seed S] [--spread F]\n"
    "  wijkscan map OUT.gpkg --theme THEME -o MAP.png|.pdf|.svg\n"
    "  wijkscan compare OUT.gpkg --gemeente CODES --theme THEME|all\n"
    "                   -o FILE.png|.pdf|.svg [--csv FILE.csv]\n"
    "  wijkscan report OUT.gpkg [--project PROJECT.yaml] -o REPORT.pdf\n"
    "  wijkscan <command> --help\n"
    "  wijkscan --version\n"
    "\n"
    "Commands:\n"
    "  score   read BAG, CBS buurten and voorzieningen; write indicators per\n"
    "          buurt, wijk, gemeente and region to a GeoPackage (and CSV)\n"
    "  run     do everything a project file asks for (scores and maps)\n"
    "  map     draw a map of a score or indicator (PNG, PDF, SVG)\n"
    "  compare the gemeenten side by side: small multiples, charts and the\n"
    "          comparison table (CSV)\n"
    "  report  the policy report: a multi-page A4 PDF in Dutch\n"
    "  explain why a buurt (wijk, gemeente) scores what it scores\n"
    "  sensitivity\n"
    "          how much the scores depend on the weights and methods\n"
    "\n"
    "Exit codes: 0 ok, 1 internal error, 2 usage, 3 input file problem,\n"
    "4 data problem, 5 output problem, 6 out of memory, 7 interrupted.\n";

static const char *const score_help =
    "Usage: wijkscan score --bag FILE[:LAYER] --buurten FILE[:LAYER]\n"
    "                      [--voorzieningen FILE[:LAYER]]... -o OUT.gpkg "
    "[options]\n"
    "\n"
    "Inputs (each recognised by the layer definitions in layers/):\n"
    "  --bag FILE[:LAYER]            BAG verblijfsobjecten (bag-light.gpkg or "
    "an\n"
    "                                LVBAG extract read with GDAL)\n"
    "  --buurten FILE[:LAYER]        CBS Wijk- en Buurtkaart (buurten; wijken "
    "and\n"
    "                                gemeenten are taken from the same file)\n"
    "  --voorzieningen FILE[:LAYER]  voorzieningen: GeoPackage/GeoJSON/CSV "
    "with a\n"
    "                                'categorie' field, or OpenStreetMap "
    ".osm/.pbf\n"
    "                                (repeatable)\n"
    "  --kerncijfers FILE            CBS kerncijfers table joined by code\n"
    "                                (repeatable)\n"
    "  --bag-def F, --buurten-def F, --voorzieningen-def F\n"
    "                                use this layer definition instead of\n"
    "                                recognising the input\n"
    "\n"
    "Selection and parameters:\n"
    "  --gemeente CODES              e.g. GM0114,GM0109,GM1681 (default: all)\n"
    "  --region-name NAME            name of the whole selection (default "
    "'regio')\n"
    "  --radii M,M,...               radii in metres (default 500,1000)\n"
    "  --margin M                    read voorzieningen up to M metres around "
    "the\n"
    "                                region (default 10000)\n"
    "  --layers DIR                  layer definitions (default: the installed "
    "ones)\n"
    "\n"
    "Theme scores (gezond, informeel, inclusief, vitaal):\n"
    "  --themes DIR                  theme layers (default: LAYERS/themes)\n"
    "  --no-themes                   indicators only, no scores\n"
    "  --reference regio|gemeente|invoer\n"
    "                                what a buurt is compared with (default "
    "regio)\n"
    "  --min-woningen N              no score below N dwellings (default 10)\n"
    "\n"
    "Output:\n"
    "  -o, --output OUT.gpkg         GeoPackage with layers buurten, wijken,\n"
    "                                gemeenten, regio and metadata tables\n"
    "  --csv DIR                     also write <name>_<level>.csv files to "
    "DIR\n"
    "  --csv-dutch                   CSV with ';' and decimal comma\n"
    "  --timings                     print the time per stage\n"
    "  -q, --quiet                   no progress bar, no summary\n"
    "  -v, --verbose                 also print informational messages\n";

static const char *const run_help =
    "Usage: wijkscan run PROJECT.yaml [-o OUTDIR] [options]\n"
    "\n"
    "Runs everything the project file asks for (see "
    "examples/boce/wijkscan.yaml).\n"
    "Relative paths in the project are relative to the project file.\n"
    "\n"
    "  -o, --output OUTDIR   write the outputs here instead of the project's "
    "dir\n"
    "  --layers DIR          layer definitions when the project names none\n"
    "  --timings             print the time per stage\n"
    "  -q, --quiet           no progress bar, no summary\n"
    "  -v, --verbose         also print informational messages\n";

static const char *const explain_help =
    "Usage: wijkscan explain OUT.gpkg BUURTCODE|WIJKCODE|GEMEENTECODE|NAAM\n"
    "\n"
    "Prints for one region of a wijkscan GeoPackage every indicator of every\n"
    "theme: its value, the median of its level, the normalised value (0-1),\n"
    "the weight and its contribution to the theme's mark. A name that "
    "several\n"
    "regions share gives the list of their codes.\n";

static const char *const sensitivity_help =
    "Usage: wijkscan sensitivity PROJECT.yaml [-o OUTDIR] [options]\n"
    "\n"
    "Runs the project, then re-scores the buurten many times with random\n"
    "weights (and normalisation methods) and writes per buurt and theme the\n"
    "5-95 % range of its rank and how often its class changes\n"
    "(gevoeligheid_* columns). Buurten whose class changes in 25 % or more\n"
    "of the runs are flagged 'gevoelig'.\n"
    "\n"
    "  --runs N        Monte Carlo runs (default 200)\n"
    "  --seed S        seed of the random generator (default 1)\n"
    "  --spread F      weights vary by a factor in [1-F, 1+F] (default 0.5)\n"
    "  --fixed-method  keep every indicator's normalisation method\n"
    "  -o, --output OUTDIR, --layers DIR, --timings, -q, -v as for run\n";

void cli_usage(const char *command) {
    if (command && strcmp(command, "score") == 0)
        fputs(score_help, stdout);
    else if (command && strcmp(command, "run") == 0)
        fputs(run_help, stdout);
    else if (command && strcmp(command, "explain") == 0)
        fputs(explain_help, stdout);
    else if (command && strcmp(command, "sensitivity") == 0)
        fputs(sensitivity_help, stdout);
    else
        fputs(general_help, stdout);
}

static bool usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "wijkscan: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'wijkscan --help'.\n");
    return false;
}

static bool file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* FILE[:LAYER]: split at the last ':' when the part before it is a file. */
static bool split_input(cli_args *a, const char *value, ws_input *in) {
    memset(in, 0, sizeof *in);
    in->path = value;
    const char *colon = strrchr(value, ':');
    if (!colon || file_exists(value))
        return true;
    size_t n = (size_t)(colon - value);
    if (a->n_split >= sizeof a->split_buf / sizeof a->split_buf[0] ||
        n >= sizeof a->split_buf[0])
        return usage_error("input name too long: %s", value);
    char *buf = a->split_buf[a->n_split];
    memcpy(buf, value, n);
    buf[n] = '\0';
    if (!file_exists(buf))
        return true; /* a GDAL connection string such as PG:… */
    a->n_split++;
    in->path = buf;
    in->layer = colon + 1;
    return true;
}

static bool parse_gemeenten(cli_args *a, const char *value) {
    size_t len = strlen(value);
    if (len >= sizeof a->gemeente_buf)
        return usage_error("--gemeente: list too long: %s", value);
    memcpy(a->gemeente_buf, value, len + 1);
    char *p = a->gemeente_buf;
    while (p && *p) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ')
            p++;
        if (*p) {
            if (a->n_gemeenten >= WS_CLI_MAX_GEMEENTEN)
                return usage_error("--gemeente: too many codes%s", "");
            a->gemeenten[a->n_gemeenten++] = p;
        }
        p = comma ? comma + 1 : NULL;
    }
    if (a->n_gemeenten == 0)
        return usage_error("--gemeente: no codes in '%s'", value);
    return true;
}

static bool parse_number(const char *opt, const char *s, double *v,
                         const char *what) {
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(*v) || *v < 0) {
        fprintf(stderr, "wijkscan: %s: '%s' is not %s\n", opt, s, what);
        return false;
    }
    return true;
}

static bool parse_double(const char *opt, const char *s, double *v) {
    return parse_number(opt, s, v, "a distance in metres");
}

/* Value of option argv[*i] (either "--opt=value" or "--opt value"). */
static const char *option_value(int argc, char **argv, int *i,
                                const char *name) {
    const char *eq = strchr(argv[*i], '=');
    if (eq && strncmp(argv[*i], "--", 2) == 0)
        return eq + 1;
    if (*i + 1 >= argc) {
        usage_error("option %s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

static bool is_opt(const char *arg, const char *name) {
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static bool apply_definition(ws_input *in, size_t n, const char *def) {
    for (size_t i = 0; i < n; i++)
        in[i].definition = def;
    return true;
}

static bool parse_input_option(cli_args *a, const char *arg, const char *v) {
    if (is_opt(arg, "--bag"))
        return split_input(a, v, &a->bag);
    if (is_opt(arg, "--buurten"))
        return split_input(a, v, &a->buurten);
    if (is_opt(arg, "--voorzieningen")) {
        if (a->n_voorz >= WS_CLI_MAX_INPUTS)
            return usage_error("too many --voorzieningen%s", "");
        return split_input(a, v, &a->voorz[a->n_voorz++]);
    }
    if (is_opt(arg, "--kerncijfers")) {
        if (a->n_kern >= WS_CLI_MAX_INPUTS)
            return usage_error("too many --kerncijfers%s", "");
        return split_input(a, v, &a->kern[a->n_kern++]);
    }
    return usage_error("unknown option '%s'", arg);
}

static bool parse_score_option(cli_args *a, const char *arg, const char *v) {
    if (is_opt(arg, "--themes"))
        a->themes_dir = v;
    else if (is_opt(arg, "--reference"))
        a->reference = v;
    else if (is_opt(arg, "--min-woningen"))
        return (a->min_dwellings_set = true) &&
               parse_number(arg, v, &a->min_dwellings, "a number");
    else if (is_opt(arg, "--runs"))
        return (a->runs_set = true) &&
               parse_number(arg, v, &a->runs, "a number of runs");
    else if (is_opt(arg, "--seed"))
        return (a->seed_set = true) && parse_number(arg, v, &a->seed, "a seed");
    else if (is_opt(arg, "--spread"))
        return (a->spread_set = true) &&
               parse_number(arg, v, &a->spread, "a share such as 0.5");
    else
        return parse_input_option(a, arg, v);
    return true;
}

static bool parse_radii(cli_args *a, const char *value) {
    char buf[256];
    if (strlen(value) >= sizeof buf)
        return usage_error("--radii: too long: %s", value);
    memcpy(buf, value, strlen(value) + 1);
    a->n_radii = 0;
    for (char *p = buf; p && *p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (a->n_radii >= WS_MAX_RADII)
            return usage_error("--radii: at most 8 radii%s", "");
        if (!parse_double("--radii", p, &a->radii[a->n_radii++]))
            return false;
        p = comma ? comma + 1 : NULL;
    }
    return a->n_radii > 0 || usage_error("--radii: no values in '%s'", value);
}

static bool parse_valued(cli_args *a, const char *arg, const char *v) {
    if (is_opt(arg, "-o") || is_opt(arg, "--output"))
        a->output = v;
    else if (is_opt(arg, "--csv"))
        a->csv_dir = v;
    else if (is_opt(arg, "--layers"))
        a->layers_dir = v;
    else if (is_opt(arg, "--region-name"))
        a->region_name = v;
    else if (is_opt(arg, "--gemeente"))
        return parse_gemeenten(a, v);
    else if (is_opt(arg, "--radii"))
        return parse_radii(a, v);
    else if (is_opt(arg, "--margin")) {
        a->margin_set = true;
        return parse_double("--margin", v, &a->margin);
    } else if (is_opt(arg, "--bag-def"))
        a->bag.definition = v;
    else if (is_opt(arg, "--buurten-def"))
        a->buurten.definition = v;
    else if (is_opt(arg, "--voorzieningen-def"))
        a->voorz_def = v;
    else
        return parse_score_option(a, arg, v);
    return true;
}

static bool takes_value(const char *arg) {
    static const char *const valued[] = {"-o",
                                         "--output",
                                         "--csv",
                                         "--layers",
                                         "--region-name",
                                         "--gemeente",
                                         "--radii",
                                         "--margin",
                                         "--bag-def",
                                         "--buurten-def",
                                         "--voorzieningen-def",
                                         "--bag",
                                         "--buurten",
                                         "--voorzieningen",
                                         "--kerncijfers",
                                         "--themes",
                                         "--reference",
                                         "--min-woningen",
                                         "--runs",
                                         "--seed",
                                         "--spread",
                                         NULL};
    for (const char *const *v = valued; *v; v++)
        if (is_opt(arg, *v))
            return true;
    return false;
}

static bool parse_flag(cli_args *a, const char *arg) {
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
        a->help = true;
    else if (strcmp(arg, "--version") == 0)
        a->version = true;
    else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
        a->quiet = true;
    else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
        a->verbose = true;
    else if (strcmp(arg, "--timings") == 0)
        a->timings = true;
    else if (strcmp(arg, "--csv-dutch") == 0)
        a->csv_dutch = true;
    else if (strcmp(arg, "--no-themes") == 0)
        a->no_themes = true;
    else if (strcmp(arg, "--fixed-method") == 0)
        a->fixed_method = true;
    else
        return usage_error("unknown option '%s'", arg);
    return true;
}

bool cli_parse(int argc, char **argv, cli_args *a) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] == '-' && arg[1] != '\0') {
            if (takes_value(arg)) {
                const char *v = option_value(argc, argv, &i, arg);
                if (!v || !parse_valued(a, arg, v))
                    return false;
            } else if (!parse_flag(a, arg)) {
                return false;
            }
        } else if (!a->command) {
            a->command = arg;
        } else if ((strcmp(a->command, "run") == 0 ||
                    strcmp(a->command, "sensitivity") == 0) &&
                   !a->project) {
            a->project = arg;
        } else if (strcmp(a->command, "explain") == 0 && a->n_positional < 2) {
            a->positional[a->n_positional++] = arg;
        } else {
            return usage_error("unexpected argument '%s'", arg);
        }
    }
    if (a->voorz_def)
        apply_definition(a->voorz, a->n_voorz, a->voorz_def);
    return true;
}

int cli_exit_code(ws_status st) {
    switch (ws_status_primary(st)) {
    case WS_OK:
        return WS_EXIT_OK;
    case WS_ERR_INVALID_ARG:
    case WS_ERR_UNSUPPORTED:
        return WS_EXIT_USAGE;
    case WS_ERR_IO:
        return st == WS_ERR_IO_WRITE ? WS_EXIT_OUTPUT : WS_EXIT_INPUT;
    case WS_ERR_FORMAT:
    case WS_ERR_CRS:
        return WS_EXIT_INPUT;
    case WS_ERR_DATA:
    case WS_ERR_GEOMETRY:
        return WS_EXIT_DATA;
    case WS_ERR_RENDER:
        return WS_EXIT_OUTPUT;
    case WS_ERR_NOMEM:
        return WS_EXIT_NOMEM;
    case WS_ERR_CANCELLED:
        return WS_EXIT_CANCELLED;
    default:
        return WS_EXIT_INTERNAL;
    }
}
