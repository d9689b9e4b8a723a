/* wijkscan compare and wijkscan report: argv → ws_compare_options /
 * ws_report_options → the library. Usage errors name the option and exit
 * with 2; library errors map to the exit codes of cli.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

static const char *const compare_help =
    "Usage: wijkscan compare OUT.gpkg --theme THEME|all -o FILE.png|.pdf|.svg\n"
    "                        [--gemeente CODES] [--csv FILE.csv] [options]\n"
    "\n"
    "Compares gemeenten side by side: one map panel per gemeente at the\n"
    "same scale with the same pooled classes and one legend, a strip plot\n"
    "of the marks per gemeente, and the comparison table (dwelling-weighted\n"
    "mean, median, share of dwellings in the lowest class, strongest and\n"
    "weakest wijk per gemeente and theme).\n"
    "\n"
    "  --theme T            gezond, informeel, inclusief, vitaal, or 'all'\n"
    "                       (every theme: one page each, so -o must be .pdf)\n"
    "  --gemeente CODES     the gemeenten in panel order, e.g.\n"
    "                       GM1681,GM0109,GM0114 (default: all in the file)\n"
    "  --level L            buurt (default) or wijk\n"
    "  --csv FILE           write the comparison table as CSV\n"
    "  --style S            styles/S.yaml or a path to a style file\n"
    "  --classes K          number of classes (1 to 12)\n"
    "  --method M           quantile, equal, jenks, pretty, headtail, stddev\n"
    "  --dpi N              resolution of PNG output\n"
    "  -o, --output FILE    the figure; .png, .pdf or .svg\n"
    "  -q, --quiet          no summary\n"
    "  -v, --verbose        also print informational messages\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 input file problem, 4 data problem,\n"
    "5 output problem, 6 out of memory.\n";

static const char *const report_help =
    "Usage: wijkscan report OUT.gpkg -o REPORT.pdf [--project PROJECT.yaml]\n"
    "                       [--figures DIR] [options]\n"
    "\n"
    "Writes the policy report, a multi-page A4 PDF in Dutch: cover,\n"
    "contents, summary with the comparison table, per theme the region map,\n"
    "the gemeenten side by side and charts, per gemeente its theme maps,\n"
    "data quality, method and an indicator appendix.\n"
    "\n"
    "  --project FILE       take the title, region and gemeenten from a\n"
    "                       project file\n"
    "  --figures DIR        also write every figure as DIR/NAME.png and .svg\n"
    "  --gemeente CODES     the gemeenten to compare (default: all)\n"
    "  --title T            the report's title\n"
    "  --style S, --classes K, --method M\n"
    "                       as for 'wijkscan compare'\n"
    "  -o, --output FILE    the report; .pdf\n"
    "  -q, --quiet          no summary\n"
    "  -v, --verbose        also print informational messages\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 input file problem, 4 data problem,\n"
    "5 output problem, 6 out of memory.\n";

typedef struct rep_args {
    bool report; /* else compare */
    const char *gpkg, *output, *csv, *theme, *project, *figures, *title;
    const char *style;
    ws_level level;
    int method;
    size_t classes;
    double dpi;
    bool quiet, verbose, help;
    char stylebuf[4096], gembuf[4096];
    const char *gem[CLI_MAX_LIST];
    size_t ngem;
} rep_args;

static int usage(const rep_args *a, const char *fmt, const char *arg) {
    fprintf(stderr, "wijkscan: %s: ", a->report ? "report" : "compare");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'wijkscan %s --help'.\n",
            a->report ? "report" : "compare");
    return WS_EXIT_USAGE;
}

static bool number(const char *s, double *v) {
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && !errno && isfinite(*v);
}

static bool valid_code(const char *s) {
    if (strncmp(s, "GM", 2) != 0 || strlen(s) != 6)
        return false;
    for (const char *p = s + 2; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

static int option(rep_args *a, const char *opt, const char *v) {
    double x;
    if (strcmp(opt, "--gemeente") == 0) {
        if (!cli_split_list(v, a->gembuf, sizeof a->gembuf, a->gem, &a->ngem))
            return usage(a,
                         "--gemeente: expected codes such as GM0114, not "
                         "'%s'",
                         v);
        for (size_t i = 0; i < a->ngem; i++)
            if (!valid_code(a->gem[i]))
                return usage(a,
                             "--gemeente: '%s' is not a gemeentecode (GM "
                             "and four digits)",
                             a->gem[i]);
    } else if (strcmp(opt, "--level") == 0) {
        if (strcmp(v, "buurt") == 0 || strcmp(v, "buurten") == 0)
            a->level = WS_LEVEL_BUURT;
        else if (strcmp(v, "wijk") == 0 || strcmp(v, "wijken") == 0)
            a->level = WS_LEVEL_WIJK;
        else
            return usage(a, "--level must be buurt or wijk, not '%s'", v);
    } else if (strcmp(opt, "--classes") == 0) {
        if (!number(v, &x) || x < 1 || x > WS_CLASS_MAX_K || x != floor(x))
            return usage(a,
                         "--classes must be a whole number from 1 to 12, "
                         "not '%s'",
                         v);
        a->classes = (size_t)x;
    } else if (strcmp(opt, "--method") == 0) {
        a->method = ws_class_method_from_name(v);
        if (a->method < 0 || a->method == (int)WS_CLASS_MANUAL)
            return usage(a,
                         "--method must be quantile, equal, jenks, pretty, "
                         "headtail or stddev, not '%s'",
                         v);
    } else if (strcmp(opt, "--dpi") == 0 && !a->report) {
        if (!number(v, &x) || x < 36 || x > 1200)
            return usage(a, "--dpi must be 36 to 1200, not '%s'", v);
        a->dpi = x;
    } else if (strcmp(opt, "--style") == 0) {
        a->style = cli_style_path(v, a->stylebuf, sizeof a->stylebuf);
    } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
        a->output = v;
    } else if (strcmp(opt, "--theme") == 0 && !a->report) {
        a->theme = v;
    } else if (strcmp(opt, "--csv") == 0 && !a->report) {
        a->csv = v;
    } else if (strcmp(opt, "--project") == 0 && a->report) {
        a->project = v;
    } else if (strcmp(opt, "--figures") == 0 && a->report) {
        a->figures = v;
    } else if (strcmp(opt, "--title") == 0 && a->report) {
        a->title = v;
    } else {
        return usage(a, "unknown option '%s'", opt);
    }
    return WS_EXIT_OK;
}

static int parse(int argc, char **argv, rep_args *a) {
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (a->gpkg)
                return usage(a, "unexpected argument '%s'", arg);
            a->gpkg = arg;
            continue;
        }
        if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = true;
            continue;
        }
        if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            a->verbose = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            a->help = true;
            continue;
        }
        char name[64];
        const char *value;
        if (!cli_option_value(argc, argv, &i, name, sizeof name, &value))
            return usage(a, "option %s needs a value", arg);
        int rc = option(a, name, value);
        if (rc != WS_EXIT_OK)
            return rc;
    }
    return WS_EXIT_OK;
}

static int fail(ws_ctx *ctx, ws_status st) {
    const char *msg = ws_ctx_errmsg(ctx);
    fprintf(stderr, "wijkscan: error: %s\n", *msg ? msg : ws_status_str(st));
    return cli_exit_code(st);
}

static int run_compare(ws_ctx *ctx, rep_args *a) {
    ws_compare_options o;
    ws_compare_options_init(&o);
    o.gpkg_path = a->gpkg;
    o.gemeenten = a->gem;
    o.n_gemeenten = a->ngem;
    const char *one[1] = {a->theme};
    if (strcmp(a->theme, "all") != 0) {
        o.themes = one;
        o.n_themes = 1;
    }
    o.level = a->level;
    o.style_path = a->style;
    o.method = a->method;
    o.classes = a->classes;
    o.output_path = a->output;
    o.csv_path = a->csv;
    o.dpi = a->dpi;
    ws_compare_info info;
    double t0 = cli_now();
    ws_status st = ws_compare_render(ctx, &o, &info);
    if (st != WS_OK)
        return fail(ctx, st);
    if (!a->quiet) {
        printf("wijkscan: compare: %zu gemeenten, %zu %s", info.gemeenten,
               info.themes, info.themes == 1 ? "thema" : "thema's");
        if (a->output)
            printf(", %s (%zu %s, schaal 1:%.0f)", a->output, info.pages,
                   info.pages == 1 ? "pagina" : "pagina's", info.scale);
        if (a->csv)
            printf(", tabel %s", a->csv);
        printf(", %.2f s\n", cli_now() - t0);
    }
    return WS_EXIT_OK;
}

static int run_report(ws_ctx *ctx, rep_args *a) {
    ws_report_options o;
    ws_report_options_init(&o);
    o.gpkg_path = a->gpkg;
    o.output_path = a->output;
    o.figures_dir = a->figures;
    o.title = a->title;
    o.gemeenten = a->gem;
    o.n_gemeenten = a->ngem;
    o.style_path = a->style;
    o.method = a->method;
    o.classes = a->classes;
    ws_project *proj = NULL;
    const char *pg[WS_CLI_MAX_GEMEENTEN];
    if (a->project) {
        char layers[4096];
        snprintf(layers, sizeof layers, "%s/layers", cli_data_dir());
        ws_status st = ws_project_load(ctx, a->project, layers, &proj);
        if (st != WS_OK)
            return fail(ctx, st);
        const ws_pipeline_options *po = ws_project_options(proj);
        if (!o.title)
            o.title = ws_project_name(proj);
        o.region_name = po->load.region_name;
        if (!a->ngem && po->load.n_gemeenten <= WS_CLI_MAX_GEMEENTEN) {
            for (size_t i = 0; i < po->load.n_gemeenten; i++)
                pg[i] = po->load.gemeenten[i];
            o.gemeenten = pg;
            o.n_gemeenten = po->load.n_gemeenten;
        }
    }
    int rc = WS_EXIT_OK;
    if (a->figures && cli_make_dir(a->figures) != 0) {
        fprintf(stderr,
                "wijkscan: error: %s: cannot create the figures directory: "
                "%s\n",
                a->figures, strerror(errno));
        rc = WS_EXIT_OUTPUT;
    }
    ws_report_info info;
    double t0 = cli_now();
    if (rc == WS_EXIT_OK) {
        ws_status st = ws_report_render(ctx, &o, &info);
        if (st != WS_OK)
            rc = fail(ctx, st);
        else if (!a->quiet) {
            printf("wijkscan: report %s: %zu pagina's", a->output, info.pages);
            if (a->figures)
                printf(", %zu figuren in %s (PNG en SVG)", info.figures,
                       a->figures);
            printf(", %.2f s\n", cli_now() - t0);
        }
    }
    ws_project_free(proj);
    return rc;
}

static int command(int argc, char **argv, bool report) {
    rep_args *a = calloc(1, sizeof *a);
    if (!a) {
        fputs("wijkscan: out of memory\n", stderr);
        return WS_EXIT_NOMEM;
    }
    a->report = report;
    a->level = WS_LEVEL_BUURT;
    a->method = -1;
    int rc = parse(argc, argv, a);
    if (rc == WS_EXIT_OK && a->help) {
        fputs(report ? report_help : compare_help, stdout);
        free(a);
        return WS_EXIT_OK;
    }
    if (rc == WS_EXIT_OK && !a->gpkg)
        rc = usage(a, "%s", "needs a GeoPackage written by wijkscan");
    if (rc == WS_EXIT_OK && !report && !a->theme)
        rc = usage(a, "%s",
                   "needs --theme (gezond, informeel, inclusief, "
                   "vitaal or all)");
    if (rc == WS_EXIT_OK && !a->output && (report || !a->csv))
        rc = usage(a, "%s",
                   report ? "needs -o REPORT.pdf" : "needs -o FILE or --csv");
    if (rc == WS_EXIT_OK && a->output && !report &&
        ws_map_format_from_path(a->output) == WS_MAP_FORMAT_AUTO)
        rc = usage(a, "-o %s: the figure must end in .png, .pdf or .svg",
                   a->output);
    if (rc == WS_EXIT_OK && report &&
        ws_map_format_from_path(a->output) != WS_MAP_FORMAT_PDF)
        rc = usage(a, "-o %s: the report must end in .pdf", a->output);
    if (rc != WS_EXIT_OK) {
        free(a);
        return rc;
    }
    ws_ctx *ctx = cli_command_ctx(&a->verbose);
    if (!ctx) {
        free(a);
        return WS_EXIT_NOMEM;
    }
    rc = report ? run_report(ctx, a) : run_compare(ctx, a);
    ws_ctx_free(ctx);
    free(a);
    ws_map_release_fonts();
    return rc;
}

int cli_cmd_compare(int argc, char **argv) {
    return command(argc, argv, false);
}

int cli_cmd_report(int argc, char **argv) { return command(argc, argv, true); }
