/* wijkscan: the command-line tool. It turns argv or a project file into
 * pipeline options, runs the library, reports errors with the exit codes of
 * cli.h, and removes partial outputs when interrupted. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void on_signal(int sig) {
    ws_remove_partial_outputs();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_install_signal_handlers(void) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}

typedef struct log_state {
    bool verbose;
    cli_progress *progress;
} log_state;

static void log_message(ws_log_level level, const char *msg, void *user) {
    log_state *ls = user;
    if (level == WS_LOG_DEBUG || (level == WS_LOG_INFO && !ls->verbose))
        return;
    cli_progress_done(ls->progress);
    fprintf(stderr, "wijkscan: %s%s\n",
            level == WS_LOG_WARNING ? "warning: " : "", msg);
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Is this program the one in the build tree (not an installed copy)? */
static bool running_from_build_tree(void) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    size_t len = strlen(WS_BUILD_DIR);
    return strncmp(exe, WS_BUILD_DIR, len) == 0 && exe[len] == '/';
}

/* Layer definitions: --layers, $WIJKSCAN_LAYERS, the source tree when run
 * from the build directory, else the installed ones. */
static const char *default_layers_dir(const cli_args *a) {
    static char buf[4096];
    if (a->layers_dir)
        return a->layers_dir;
    const char *env = getenv("WIJKSCAN_LAYERS");
    if (env && *env)
        return env;
    snprintf(buf, sizeof buf, "%s/layers",
             running_from_build_tree() ? WS_SOURCE_DATADIR
                                       : WS_INSTALL_DATADIR);
    return is_dir(buf) ? buf : NULL;
}

static int fail(ws_ctx *ctx, ws_status st, cli_progress *p) {
    cli_progress_done(p);
    const char *msg = ws_ctx_errmsg(ctx);
    fprintf(stderr, "wijkscan: error: %s\n", *msg ? msg : ws_status_str(st));
    return cli_exit_code(st);
}

static void print_number(size_t n, char *buf, size_t size) {
    /* Dutch thousands separator: 78.066 */
    char digits[32];
    snprintf(digits, sizeof digits, "%zu", n);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = '.';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

static void print_summary(const ws_run_summary *s, const ws_pipeline_options *o,
                          const cli_args *a) {
    if (a->timings) {
        double total = 0;
        for (int i = 0; i < WS_STAGE_COUNT; i++) {
            fprintf(stderr, "timing: %-10s %8.3f s\n",
                    ws_stage_name((ws_stage)i), s->seconds[i]);
            total += s->seconds[i];
        }
        fprintf(stderr, "timing: %-10s %8.3f s\n", "total", total);
    }
    if (a->quiet)
        return;
    char dw[32], in[32], out[32], am[32];
    print_number(s->dwellings, dw, sizeof dw);
    print_number(s->dwellings - s->dwellings_outside, in, sizeof in);
    print_number(s->dwellings_outside, out, sizeof out);
    print_number(s->amenities, am, sizeof am);
    printf("wijkscan: %s woningen: %s in %zu buurten, %zu wijken en %zu "
           "gemeenten, %s buiten alle buurten; %s voorzieningen\n",
           dw, in, s->regions[WS_LEVEL_BUURT], s->regions[WS_LEVEL_WIJK],
           s->regions[WS_LEVEL_GEMEENTE], out, am);
    if (o->output.gpkg_path)
        printf("wijkscan: GeoPackage: %s\n", o->output.gpkg_path);
    if (o->output.csv_dir)
        printf("wijkscan: CSV: %s/\n", o->output.csv_dir);
}

/* Per theme: how many buurten are sensitive, and the widest rank range. */
static void print_sensitivity(const ws_dataset *ds) {
    const ws_table *t = ws_dataset_level_ref(ds, WS_LEVEL_BUURT);
    static const char prefix[] = "gevoeligheid_", suffix[] = "_vlag";
    for (size_t c = 0; c < ws_table_ncols(t); c++) {
        const char *col = ws_table_col_name(t, c);
        size_t len = strlen(col);
        if (strncmp(col, prefix, sizeof prefix - 1) != 0 ||
            len < sizeof prefix + sizeof suffix ||
            strcmp(col + len - (sizeof suffix - 1), suffix) != 0)
            continue;
        char theme[128], name[160];
        snprintf(theme, sizeof theme, "%.*s",
                 (int)(len - (sizeof prefix - 1) - (sizeof suffix - 1)),
                 col + sizeof prefix - 1);
        long c_flag = (long)c;
        snprintf(name, sizeof name, "gevoeligheid_%s_rang_p05", theme);
        long c_lo = ws_table_find(t, name);
        snprintf(name, sizeof name, "gevoeligheid_%s_rang_p95", theme);
        long c_hi = ws_table_find(t, name);
        if (c_lo < 0 || c_hi < 0)
            continue;
        size_t n = 0, scored = 0, widest = 0;
        double lo_w = 0, hi_w = 0;
        for (size_t r = 0; r < ws_table_nrows(t); r++) {
            const char *f = ws_table_get_text(t, (size_t)c_flag, r);
            double lo, hi;
            if (!f || strcmp(f, "niet_gescoord") == 0)
                continue;
            scored++;
            n += strcmp(f, "gevoelig") == 0;
            ws_table_get_real(t, (size_t)c_lo, r, &lo);
            ws_table_get_real(t, (size_t)c_hi, r, &hi);
            if (hi - lo > hi_w - lo_w) {
                widest = r;
                lo_w = lo;
                hi_w = hi;
            }
        }
        printf("wijkscan: gevoeligheid %s: %zu van %zu buurten gevoelig", theme,
               n, scored);
        if (scored)
            printf("; grootste spreiding: %s %s (rang %.0f tot %.0f)",
                   ws_table_get_text(t, 0, widest),
                   ws_table_get_text(t, 1, widest), lo_w, hi_w);
        printf("\n");
    }
}

/* A project's run with maps: the pipeline up to the scores, then the
 * export on this thread while the maps are drawn from the dataset in
 * memory on the others (the export had a core to itself, and the maps
 * waited for its file). Outputs and messages are those of the pipeline
 * followed by the maps; "timing: maps" is from the start of the export. */
static int run_pipeline_and_maps(ws_ctx *ctx, const ws_pipeline_options *o,
                                 const cli_args *a, cli_progress *p,
                                 const ws_project *proj) {
    ws_pipeline_options upto_score = *o;
    upto_score.output.gpkg_path = NULL;
    upto_score.output.csv_dir = NULL;
    ws_run_summary s;
    ws_dataset *ds = NULL;
    ws_status st = ws_pipeline_run(ctx, &upto_score, &s, &ds);
    if (st != WS_OK) {
        cli_progress_done(p);
        return fail(ctx, st, p);
    }
    /* no progress bar beside the map threads: a warning of theirs would
     * land in the middle of its line */
    cli_progress_done(p);
    p->enabled = false;
    double t0 = cli_now();
    cli_maps *maps = cli_maps_start(proj, ds, a->quiet, false);
    ws_export_options out = o->output;
    out.config_hash = s.config_hash;
    st = ws_export(ctx, ds, &out);
    s.seconds[WS_STAGE_EXPORT] = cli_now() - t0;
    cli_progress_done(p);
    int rc = WS_EXIT_OK;
    if (st != WS_OK)
        rc = fail(ctx, st, p);
    else
        print_summary(&s, o, a);
    if (!a->quiet && o->run_sensitivity && rc == WS_EXIT_OK)
        print_sensitivity(ds);
    int mrc = cli_maps_finish(ctx, maps);
    ws_map_release_fonts();
    if (a->timings)
        fprintf(stderr, "timing: %-10s %8.3f s\n", "maps", cli_now() - t0);
    ws_dataset_free(ds);
    return rc != WS_EXIT_OK ? rc : mrc;
}

static int run_pipeline(ws_ctx *ctx, const ws_pipeline_options *o,
                        const cli_args *a, cli_progress *p) {
    ws_run_summary s;
    ws_dataset *ds = NULL;
    ws_status st = ws_pipeline_run(ctx, o, &s, o->run_sensitivity ? &ds : NULL);
    cli_progress_done(p);
    if (st != WS_OK)
        return fail(ctx, st, p);
    print_summary(&s, o, a);
    if (ds && !a->quiet)
        print_sensitivity(ds);
    ws_dataset_free(ds);
    return WS_EXIT_OK;
}

int cli_make_dir(const char *dir) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Theme options shared by score, run and sensitivity. */
static int apply_score_options(const cli_args *a, ws_pipeline_options *o) {
    static const char *const refs[] = {"regio", "gemeente", "invoer"};
    if (a->no_themes)
        o->score.themes_dir = NULL;
    else if (a->themes_dir)
        o->score.themes_dir = a->themes_dir;
    if (a->min_dwellings_set)
        o->score.min_dwellings = a->min_dwellings;
    if (!a->reference)
        return WS_EXIT_OK;
    for (int i = 0; i < 3; i++)
        if (strcmp(a->reference, refs[i]) == 0) {
            o->score.reference = (ws_reference)i;
            return WS_EXIT_OK;
        }
    fprintf(stderr,
            "wijkscan: --reference: '%s' is not regio, gemeente or "
            "invoer\n",
            a->reference);
    return WS_EXIT_USAGE;
}

static const char *default_themes_dir(const char *layers_dir, char *buf,
                                      size_t size) {
    struct stat sb;
    snprintf(buf, size, "%s/themes", layers_dir);
    return stat(buf, &sb) == 0 ? buf : NULL;
}

static int cmd_score(ws_ctx *ctx, cli_args *a, cli_progress *p) {
    if (!a->bag.path || !a->buurten.path || a->n_voorz == 0 || !a->output) {
        fprintf(stderr, "wijkscan: score needs --bag, --buurten, "
                        "--voorzieningen and -o OUT.gpkg\n"
                        "Try 'wijkscan score --help'.\n");
        return WS_EXIT_USAGE;
    }
    ws_pipeline_options o;
    ws_pipeline_options_init(&o);
    o.load.layers_dir = default_layers_dir(a);
    if (!o.load.layers_dir) {
        fprintf(stderr, "wijkscan: error: no layer definitions found; use "
                        "--layers DIR\n");
        return WS_EXIT_USAGE;
    }
    o.load.bag = a->bag;
    o.load.buurten = a->buurten;
    o.load.voorzieningen = a->voorz;
    o.load.n_voorzieningen = a->n_voorz;
    o.load.kerncijfers = a->kern;
    o.load.n_kerncijfers = a->n_kern;
    o.load.gemeenten = a->gemeenten;
    o.load.n_gemeenten = a->n_gemeenten;
    if (a->region_name)
        o.load.region_name = a->region_name;
    if (a->margin_set)
        o.load.amenity_margin = a->margin;
    if (a->n_radii) {
        memcpy(o.aggregate.radii, a->radii, sizeof a->radii);
        o.aggregate.n_radii = a->n_radii;
    }
    o.output.gpkg_path = a->output;
    o.output.csv_dir = a->csv_dir;
    if (a->csv_dir && cli_make_dir(a->csv_dir) != 0) {
        fprintf(stderr,
                "wijkscan: error: %s: cannot create the CSV "
                "directory: %s\n",
                a->csv_dir, strerror(errno));
        return WS_EXIT_OUTPUT;
    }
    o.output.csv_dutch = a->csv_dutch;
    char themes[4096];
    o.score.themes_dir =
        default_themes_dir(o.load.layers_dir, themes, sizeof themes);
    int rc = apply_score_options(a, &o);
    return rc ? rc : run_pipeline(ctx, &o, a, p);
}

static int cmd_run(ws_ctx *ctx, cli_args *a, cli_progress *p) {
    if (!a->project) {
        fprintf(stderr,
                "wijkscan: %s needs a project file\n"
                "Try 'wijkscan %s --help'.\n",
                a->command, a->command);
        return WS_EXIT_USAGE;
    }
    ws_project *proj = NULL;
    ws_status st =
        ws_project_load(ctx, a->project, default_layers_dir(a), &proj);
    if (st == WS_OK && a->output)
        st = ws_project_set_output_dir(ctx, proj, a->output);
    if (st != WS_OK) {
        ws_project_free(proj);
        return fail(ctx, st, p);
    }
    const char *dir = ws_project_output_dir(proj);
    if (cli_make_dir(dir) != 0) {
        fprintf(stderr,
                "wijkscan: error: %s: cannot create the output "
                "directory: %s\n",
                dir, strerror(errno));
        ws_project_free(proj);
        return WS_EXIT_OUTPUT;
    }
    ws_pipeline_options o = *ws_project_options(proj);
    int rc = apply_score_options(a, &o);
    if (rc == WS_EXIT_OK && strcmp(a->command, "sensitivity") == 0) {
        if (!o.score.themes_dir) {
            fprintf(stderr, "wijkscan: sensitivity needs theme layers\n");
            rc = WS_EXIT_USAGE;
        }
        o.run_sensitivity = true;
        if (a->runs_set)
            o.sensitivity.runs = (size_t)a->runs;
        if (a->seed_set)
            o.sensitivity.seed = (uint64_t)a->seed;
        if (a->spread_set)
            o.sensitivity.weight_spread = a->spread;
        if (a->fixed_method)
            o.sensitivity.vary_method = false;
    }
    bool maps_beside = ws_project_map_count(proj) > 0 && o.output.gpkg_path;
    if (rc == WS_EXIT_OK && maps_beside) {
        rc = run_pipeline_and_maps(ctx, &o, a, p, proj);
        ws_project_free(proj);
        return rc;
    }
    if (rc == WS_EXIT_OK)
        rc = run_pipeline(ctx, &o, a, p);
    if (rc == WS_EXIT_OK && ws_project_map_count(proj) > 0) {
        double t0 = cli_now();
        rc = cli_run_maps(ctx, proj, a->quiet);
        ws_map_release_fonts();
        if (a->timings) /* after the pipeline's total: maps are not a stage */
            fprintf(stderr, "timing: %-10s %8.3f s\n", "maps", cli_now() - t0);
    }
    ws_project_free(proj);
    return rc;
}

static int cmd_explain(ws_ctx *ctx, cli_args *a, cli_progress *p) {
    if (a->n_positional != 2) {
        fprintf(stderr, "wijkscan: explain needs OUT.gpkg and a buurtcode "
                        "or name\nTry 'wijkscan explain --help'.\n");
        return WS_EXIT_USAGE;
    }
    ws_status st = ws_explain(ctx, a->positional[0], a->positional[1], stdout);
    return st == WS_OK ? WS_EXIT_OK : fail(ctx, st, p);
}

typedef int (*command_fn)(ws_ctx *, cli_args *, cli_progress *);

static command_fn find_command(const char *name) {
    static const struct {
        const char *name;
        command_fn fn;
    } commands[] = {{"score", cmd_score},
                    {"run", cmd_run},
                    {"sensitivity", cmd_run},
                    {"explain", cmd_explain}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].fn;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "map") == 0)
        return cli_cmd_map(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "compare") == 0)
        return cli_cmd_compare(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "report") == 0)
        return cli_cmd_report(argc - 1, argv + 1);
    cli_args *a = calloc(1, sizeof *a);
    if (!a) {
        fputs("wijkscan: out of memory\n", stderr);
        return WS_EXIT_NOMEM;
    }
    int rc = WS_EXIT_OK;
    if (!cli_parse(argc, argv, a)) {
        free(a);
        return WS_EXIT_USAGE;
    }
    if (a->version) {
        printf("wijkscan %s\n", ws_version());
    } else if (a->help || !a->command) {
        cli_usage(a->command);
        rc = a->help ? WS_EXIT_OK : WS_EXIT_USAGE;
    } else if (!find_command(a->command)) {
        fprintf(stderr,
                "wijkscan: unknown command '%s'\nTry 'wijkscan "
                "--help'.\n",
                a->command);
        rc = WS_EXIT_USAGE;
    } else {
        cli_install_signal_handlers();
        cli_progress prog;
        cli_progress_init(&prog, a->quiet);
        log_state ls = {a->verbose, &prog};
        ws_ctx_options co;
        ws_ctx_options_init(&co);
        co.log = log_message;
        co.log_user = &ls;
        co.progress = cli_progress_fn;
        co.progress_user = &prog;
        ws_ctx *ctx = NULL;
        if (ws_ctx_new(&co, &ctx) != WS_OK) {
            fputs("wijkscan: cannot create a context\n", stderr);
            free(a);
            return WS_EXIT_NOMEM;
        }
        rc = find_command(a->command)(ctx, a, &prog);
        ws_ctx_free(ctx);
    }
    free(a);
    return rc;
}
