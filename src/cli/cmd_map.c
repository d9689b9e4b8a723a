/* wijkscan map: one map of a GeoPackage column as PNG, PDF or SVG, and the
 * maps a project file lists under 'maps:' (called by 'wijkscan run' after
 * the GeoPackage is written). argv → ws_map_options → ws_map_render; usage
 * errors name the option and exit with 2. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_LIST CLI_MAX_LIST

static const char *const map_help =
    "Usage: wijkscan map OUT.gpkg --theme THEME -o FILE.png|.pdf|.svg "
    "[options]\n"
    "\n"
    "Draws a report-grade choropleth map of a GeoPackage written by "
    "wijkscan.\n"
    "\n"
    "  --theme T            gezond, informeel, inclusief, vitaal (the column\n"
    "                       score_T) or any indicator column, e.g.\n"
    "                       afstand_huisarts_gemiddeld; several (T,T,…)\n"
    "                       make a PDF with a page each\n"
    "  --level L            buurt (default), wijk or gemeente\n"
    "  --gemeente CODES     show only these gemeenten, e.g. GM0114,GM0109\n"
    "  --style S            styles/S.yaml or a path to a style file\n"
    "  --classes K          number of classes (1 to 12)\n"
    "  --method M           quantile, equal, jenks, pretty, headtail, "
    "stddev,\n"
    "                       manual\n"
    "  --breaks a,b,c       manual class breaks (upper bounds)\n"
    "  --pool COLS          same classes for these columns (pooled), e.g.\n"
    "                       score_gezond,score_informeel\n"
    "  --pool-gemeente C    classes computed over these gemeenten\n"
    "  --page A4|A3|A5      paper size; --landscape or --portrait\n"
    "  --width PX --height PX\n"
    "                       image size in pixels instead of a paper size\n"
    "  --dpi N              resolution of PNG output (default: the style's)\n"
    "  --voorzieningen C,C  draw these voorzieningen categories (or 'all')\n"
    "  --title T, --subtitle T\n"
    "                       instead of the generated title and subtitle\n"
    "  -o, --output FILE    the map; .png, .pdf or .svg\n"
    "  -q, --quiet          no summary\n"
    "  -v, --verbose        also print informational messages\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 input file problem, 4 data problem,\n"
    "5 output problem, 6 out of memory.\n";

typedef struct map_args {
    ws_map_options o;
    const char *themes[MAX_LIST];
    size_t n_themes;
    bool quiet, verbose, help;
    char columns[MAX_LIST][128];
    char style[4096];
    char buf[5][4096]; /* storage for split lists */
    const char *gem[MAX_LIST], *pool[MAX_LIST], *poolgem[MAX_LIST],
        *voorz[MAX_LIST];
    double breaks[WS_CLASS_MAX_K + 20];
} map_args;

static int usage(const char *fmt, const char *arg) {
    fprintf(stderr, "wijkscan: map: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'wijkscan map --help'.\n");
    return WS_EXIT_USAGE;
}

bool cli_option_value(int argc, char **argv, int *i, char *name, size_t size,
                      const char **value) {
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    if (eq && arg[1] == '-') {
        snprintf(name, size, "%.*s", (int)(eq - arg), arg);
        *value = eq + 1;
        return true;
    }
    snprintf(name, size, "%s", arg);
    if (*i + 1 >= argc)
        return false;
    *value = argv[++*i];
    return true;
}

bool cli_split_list(const char *v, char *buf, size_t size, const char **list,
                    size_t *n) {
    if (strlen(v) >= size)
        return false;
    memcpy(buf, v, strlen(v) + 1);
    *n = 0;
    for (char *p = buf; p && *p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ')
            p++;
        if (*p) {
            if (*n >= CLI_MAX_LIST)
                return false;
            list[(*n)++] = p;
        }
        p = comma ? comma + 1 : NULL;
    }
    return *n > 0;
}

static bool parse_number(const char *s, double *v) {
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && !errno && isfinite(*v);
}

static const char *theme_column(const char *theme, char *buf, size_t size) {
    static const char *const themes[] = {"gezond", "informeel", "inclusief",
                                         "vitaal"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(theme, themes[i]) == 0) {
            snprintf(buf, size, "score_%s", theme);
            return buf;
        }
    return theme;
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_style_path(const char *name, char *buf, size_t size) {
    size_t n = strlen(name);
    if (strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0))
        return name;
    const char *env = getenv("WIJKSCAN_STYLES");
    if (env && *env) {
        snprintf(buf, size, "%s/%s.yaml", env, name);
        return buf;
    }
    snprintf(buf, size, "%s/styles/%s.yaml", cli_data_dir(), name);
    return buf;
}

static int parse_level(const char *v, ws_level *l) {
    if (strcmp(v, "buurt") == 0 || strcmp(v, "buurten") == 0)
        *l = WS_LEVEL_BUURT;
    else if (strcmp(v, "wijk") == 0 || strcmp(v, "wijken") == 0)
        *l = WS_LEVEL_WIJK;
    else if (strcmp(v, "gemeente") == 0 || strcmp(v, "gemeenten") == 0)
        *l = WS_LEVEL_GEMEENTE;
    else
        return usage("--level must be buurt, wijk or gemeente, not '%s'", v);
    return WS_EXIT_OK;
}

static int parse_option(map_args *a, const char *opt, const char *v) {
    ws_map_options *o = &a->o;
    double x;
    if (strcmp(opt, "--theme") == 0) {
        if (!cli_split_list(v, a->buf[4], sizeof a->buf[4], a->themes,
                            &a->n_themes))
            return usage("--theme: expected a theme or column, not '%s'", v);
    } else if (strcmp(opt, "--level") == 0) {
        return parse_level(v, &o->level);
    } else if (strcmp(opt, "--gemeente") == 0) {
        if (!cli_split_list(v, a->buf[0], sizeof a->buf[0], a->gem,
                            &o->n_gemeenten))
            return usage("--gemeente: expected codes such as GM0114, not "
                         "'%s'",
                         v);
        o->gemeenten = a->gem;
    } else if (strcmp(opt, "--pool-gemeente") == 0) {
        if (!cli_split_list(v, a->buf[1], sizeof a->buf[1], a->poolgem,
                            &o->n_pool_gemeenten))
            return usage("--pool-gemeente: expected codes, not '%s'", v);
        o->pool_gemeenten = a->poolgem;
    } else if (strcmp(opt, "--pool") == 0) {
        if (!cli_split_list(v, a->buf[2], sizeof a->buf[2], a->pool,
                            &o->n_pool_columns))
            return usage("--pool: expected column names, not '%s'", v);
        o->pool_columns = a->pool;
    } else if (strcmp(opt, "--voorzieningen") == 0) {
        if (!cli_split_list(v, a->buf[3], sizeof a->buf[3], a->voorz,
                            &o->n_voorzieningen))
            return usage("--voorzieningen: expected categories or 'all', "
                         "not '%s'",
                         v);
        o->voorzieningen = a->voorz;
    } else if (strcmp(opt, "--style") == 0) {
        o->style_path = cli_style_path(v, a->style, sizeof a->style);
    } else if (strcmp(opt, "--classes") == 0) {
        if (!parse_number(v, &x) || x < 1 || x > WS_CLASS_MAX_K ||
            x != floor(x))
            return usage("--classes must be a whole number from 1 to 12, "
                         "not '%s'",
                         v);
        o->classes = (size_t)x;
    } else if (strcmp(opt, "--method") == 0) {
        o->method = ws_class_method_from_name(v);
        if (o->method < 0)
            return usage("--method must be quantile, equal, jenks, pretty, "
                         "headtail, stddev or manual, not '%s'",
                         v);
    } else if (strcmp(opt, "--breaks") == 0) {
        char tmp[1024];
        const char *list[MAX_LIST];
        size_t n = 0;
        if (!cli_split_list(v, tmp, sizeof tmp, list, &n) ||
            n > sizeof a->breaks / sizeof a->breaks[0])
            return usage("--breaks: expected numbers such as 5,6.5,8, not "
                         "'%s'",
                         v);
        for (size_t i = 0; i < n; i++)
            if (!parse_number(list[i], &a->breaks[i]))
                return usage("--breaks: '%s' is not a number", list[i]);
        o->breaks = a->breaks;
        o->n_breaks = n;
    } else if (strcmp(opt, "--width") == 0 || strcmp(opt, "--height") == 0) {
        if (!parse_number(v, &x) || x < 16 || x > 30000)
            return usage("--width/--height must be 16 to 30000 pixels, not "
                         "'%s'",
                         v);
        if (opt[2] == 'w')
            o->width_px = x;
        else
            o->height_px = x;
    } else if (strcmp(opt, "--page") == 0) {
        if (strcmp(v, "A4") && strcmp(v, "A3") && strcmp(v, "A5") &&
            strcmp(v, "a4") && strcmp(v, "a3") && strcmp(v, "a5"))
            return usage("--page must be A4, A3 or A5, not '%s'", v);
        o->page = v;
    } else if (strcmp(opt, "--dpi") == 0) {
        if (!parse_number(v, &x) || x < 36 || x > 1200)
            return usage("--dpi must be 36 to 1200, not '%s'", v);
        o->dpi = x;
    } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
        o->output_path = v;
    } else if (strcmp(opt, "--title") == 0) {
        o->title = v;
    } else if (strcmp(opt, "--subtitle") == 0) {
        o->subtitle = v;
    } else {
        return usage("unknown option '%s'", opt);
    }
    return WS_EXIT_OK;
}

static int parse(int argc, char **argv, map_args *a) {
    static const char *const flags[] = {"-q",          "--quiet",    "-v",
                                        "--verbose",   "-h",         "--help",
                                        "--landscape", "--portrait", NULL};
    ws_map_options_init(&a->o);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (a->o.gpkg_path)
                return usage("unexpected argument '%s'", arg);
            a->o.gpkg_path = arg;
            continue;
        }
        bool flag = false;
        for (const char *const *f = flags; *f; f++)
            flag = flag || strcmp(arg, *f) == 0;
        if (flag) {
            if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
                a->quiet = true;
            else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
                a->verbose = true;
            else if (strcmp(arg, "--landscape") == 0)
                a->o.landscape = 1;
            else if (strcmp(arg, "--portrait") == 0)
                a->o.landscape = 0;
            else
                a->help = true;
            continue;
        }
        char name[64];
        const char *value;
        if (!cli_option_value(argc, argv, &i, name, sizeof name, &value))
            return usage("option %s needs a value", arg);
        int rc = parse_option(a, name, value);
        if (rc != WS_EXIT_OK)
            return rc;
    }
    return WS_EXIT_OK;
}

void cli_log_stderr(ws_log_level level, const char *msg, void *user) {
    const bool *verbose = user;
    if (level == WS_LOG_DEBUG || (level == WS_LOG_INFO && !*verbose))
        return;
    fprintf(stderr, "wijkscan: %s%s\n",
            level == WS_LOG_WARNING ? "warning: " : "", msg);
}

ws_ctx *cli_command_ctx(const bool *verbose) {
    cli_install_signal_handlers();
    ws_ctx_options co;
    ws_ctx_options_init(&co);
    co.log = cli_log_stderr;
    co.log_user = (void *)verbose;
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(&co, &ctx) != WS_OK) {
        fputs("wijkscan: cannot create a context\n", stderr);
        return NULL;
    }
    return ctx;
}

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The one-line summary of a rendered map, into line. */
static void summarise(const ws_map_options *o, const ws_map_info *info,
                      double seconds, char *line, size_t size) {
    size_t n = 0;
#define PUT(...)                                                               \
    (n += (size_t)snprintf(line + (n < size ? n : size),                       \
                           n < size ? size - n : 0, __VA_ARGS__))
    PUT("wijkscan: map %s: %s, %zu regions in %zu classes", o->output_path,
        o->column, info->regions, info->nclasses);
    if (info->merged)
        PUT(" (of %zu asked: ties)", info->requested);
    if (info->missing)
        PUT(", %zu without a value", info->missing);
    PUT(", %zu labels", info->labels_placed);
    if (info->scale > 0)
        PUT(", scale 1:%.0f", info->scale);
    if (info->pages > 1)
        PUT(", %zu pages", info->pages);
    PUT(", %.2f s\n", seconds);
#undef PUT
}

/* Render one map; returns the exit code. The summary goes to line (empty
 * when quiet or on failure; the error is printed at once). */
static int render_to(ws_ctx *ctx, const ws_map_options *o, bool quiet,
                     char *line, size_t size) {
    ws_map_info info;
    double t0 = cli_now();
    ws_ctx_clear_error(ctx); /* a map that failed before on this context */
    ws_status st = ws_map_render(ctx, o, &info);
    line[0] = '\0';
    if (st != WS_OK) {
        const char *msg = ws_ctx_errmsg(ctx);
        fprintf(stderr, "wijkscan: error: %s\n",
                *msg ? msg : ws_status_str(st));
        return cli_exit_code(st);
    }
    if (!quiet)
        summarise(o, &info, cli_now() - t0, line, size);
    return WS_EXIT_OK;
}

static int render(ws_ctx *ctx, const ws_map_options *o, bool quiet) {
    char line[8192];
    int rc = render_to(ctx, o, quiet, line, sizeof line);
    fputs(line, stdout);
    return rc;
}

int cli_cmd_map(int argc, char **argv) {
    map_args *a = calloc(1, sizeof *a);
    if (!a) {
        fputs("wijkscan: out of memory\n", stderr);
        return WS_EXIT_NOMEM;
    }
    int rc = parse(argc, argv, a);
    if (rc == WS_EXIT_OK && a->help) {
        fputs(map_help, stdout);
        free(a);
        return WS_EXIT_OK;
    }
    if (rc == WS_EXIT_OK &&
        (!a->o.gpkg_path || !a->n_themes || !a->o.output_path))
        rc = usage("%s", "needs a GeoPackage, --theme and -o FILE");
    if (rc == WS_EXIT_OK &&
        ws_map_format_from_path(a->o.output_path) == WS_MAP_FORMAT_AUTO)
        rc = usage("-o %s: the map must end in .png, .pdf or .svg",
                   a->o.output_path);
    if (rc == WS_EXIT_OK && a->n_themes > 1 &&
        ws_map_format_from_path(a->o.output_path) != WS_MAP_FORMAT_PDF)
        rc = usage("-o %s: several themes are the pages of one .pdf; a "
                   ".png or .svg holds one map",
                   a->o.output_path);
    if (rc == WS_EXIT_OK && (a->o.width_px > 0) != (a->o.height_px > 0))
        rc = usage("%s", "give both --width and --height");
    if (rc == WS_EXIT_OK && a->o.width_px > 0 && a->o.page)
        rc = usage("%s", "give either --page or --width/--height");
    if (rc == WS_EXIT_OK && a->o.method == (int)WS_CLASS_MANUAL &&
        !a->o.n_breaks)
        rc = usage("%s", "--method manual needs --breaks");
    if (rc != WS_EXIT_OK) {
        free(a);
        return rc;
    }
    for (size_t i = 0; i < a->n_themes; i++)
        a->themes[i] =
            theme_column(a->themes[i], a->columns[i], sizeof a->columns[i]);
    a->o.column = a->themes[0];
    a->o.more_columns = a->themes + 1;
    a->o.n_more_columns = a->n_themes - 1;
    ws_ctx *ctx = cli_command_ctx(&a->verbose);
    if (!ctx) {
        free(a);
        return WS_EXIT_NOMEM;
    }
    rc = render(ctx, &a->o, a->quiet);
    ws_ctx_free(ctx);
    free(a);
    ws_map_release_fonts();
    return rc;
}

/* --- the maps of a project, on several threads ---------------------------
 * The maps are independent, so they are drawn side by side: each thread
 * has its own context (GEOS handle, error state) and Pango font map, takes
 * the next map from a shared counter, and the maps with the most pages
 * start first. Summaries are printed in the project's order at the end;
 * the exit code is that of the first failing map in that order. */

#define MAPS_MAX_THREADS 8

struct cli_maps {
    const ws_project *proj;
    const ws_dataset *ds; /* draw from it instead of the GeoPackage */
    size_t n, *order;
    size_t next; /* under lock */
    pthread_mutex_t lock;
    bool quiet;
    int *rc;
    char (*line)[1024];
    size_t nsvg, *svg;
    pthread_t tid[MAPS_MAX_THREADS];
    int started;
    bool caller_draws;
};

/* Map k of the project, drawn into its line and exit code. */
static void render_map(ws_ctx *ctx, cli_maps *j, size_t k) {
    ws_map_options o = *ws_project_map(j->proj, k);
    o.dataset = j->ds;
    j->rc[k] = render_to(ctx, &o, j->quiet, j->line[k], sizeof j->line[k]);
}

static void *map_worker(void *arg) {
    cli_maps *j = arg;
    static const bool not_verbose = false;
    ws_ctx *ctx = cli_command_ctx(&not_verbose);
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t k = j->next < j->n ? j->order[j->next++] : SIZE_MAX;
        pthread_mutex_unlock(&j->lock);
        if (k == SIZE_MAX)
            break;
        if (ctx)
            render_map(ctx, j, k);
        else
            j->rc[k] = WS_EXIT_NOMEM;
    }
    ws_ctx_free(ctx);
    ws_map_release_fonts(); /* this thread's font map */
    return NULL;
}

static int map_threads(size_t n) {
    const char *env = getenv("WIJKSCAN_THREADS");
    long t = env && *env ? strtol(env, NULL, 10) : 0;
    if (t <= 0)
        t = sysconf(_SC_NPROCESSORS_ONLN);
    if (t > MAPS_MAX_THREADS)
        t = MAPS_MAX_THREADS;
    return t < 1 ? 1 : (size_t)t > n ? (int)n : (int)t;
}

static void maps_free(cli_maps *j) {
    if (!j)
        return;
    free(j->order), free(j->rc), free(j->line), free(j->svg);
    free(j);
}

cli_maps *cli_maps_start(const ws_project *proj, const ws_dataset *ds,
                         bool quiet, bool caller_draws) {
    size_t n = ws_project_map_count(proj);
    cli_maps *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    *j = (cli_maps){.proj = proj,
                    .ds = ds,
                    .order = calloc(n ? n : 1, sizeof(size_t)),
                    .lock = PTHREAD_MUTEX_INITIALIZER,
                    .quiet = quiet,
                    .rc = calloc(n ? n : 1, sizeof(int)),
                    .line = calloc(n ? n : 1, sizeof *j->line),
                    .svg = calloc(n ? n : 1, sizeof(size_t)),
                    .caller_draws = caller_draws};
    if (!j->order || !j->rc || !j->line || !j->svg) {
        maps_free(j);
        return NULL;
    }
    /* SVG maps are drawn afterwards, one by one, whatever the number of
     * threads: Cairo numbers the surfaces in an SVG from a process-wide
     * counter, so only then is the file the same from run to run */
    for (size_t i = 0; i < n; i++) { /* most pages first, else in order */
        const ws_map_options *o = ws_project_map(proj, i);
        if (ws_map_format_from_path(o->output_path) == WS_MAP_FORMAT_SVG) {
            j->svg[j->nsvg++] = i;
            continue;
        }
        size_t k = j->n++;
        size_t pages = o->n_more_columns;
        for (; k > 0 &&
               ws_project_map(proj, j->order[k - 1])->n_more_columns < pages;
             k--)
            j->order[k] = j->order[k - 1];
        j->order[k] = i;
    }
    int nt = map_threads(j->n ? j->n : 1);
    for (int t = caller_draws ? 1 : 0; t < nt; t++)
        if (pthread_create(&j->tid[j->started], NULL, map_worker, j) == 0)
            j->started++;
    return j;
}

int cli_maps_finish(ws_ctx *ctx, cli_maps *j) {
    if (!j)
        return WS_EXIT_NOMEM;
    /* A caller that did not draw from the start leaves the maps to the
     * threads, one per core: joining them would put a third thread on two
     * cores and slow the longest map (the multi-page PDF). */
    if (j->caller_draws || j->started == 0)
        map_worker(j);
    for (int t = 0; t < j->started; t++)
        pthread_join(j->tid[t], NULL);
    for (size_t i = 0; i < j->nsvg; i++)
        render_map(ctx, j, j->svg[i]);
    int rc = WS_EXIT_OK;
    size_t n = ws_project_map_count(j->proj);
    for (size_t i = 0; i < n; i++) {
        fputs(j->line[i], stdout);
        if (rc == WS_EXIT_OK)
            rc = j->rc[i];
    }
    maps_free(j);
    return rc;
}

int cli_run_maps(ws_ctx *ctx, const ws_project *proj, bool quiet) {
    return cli_maps_finish(ctx, cli_maps_start(proj, NULL, quiet, true));
}

const char *cli_data_dir(void) {
    static char buf[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t len = strlen(WS_BUILD_DIR);
    bool build_tree = false;
    if (n > 0) {
        exe[n] = '\0';
        build_tree = strncmp(exe, WS_BUILD_DIR, len) == 0 && exe[len] == '/';
    }
    snprintf(buf, sizeof buf, "%s",
             build_tree || !is_dir(WS_INSTALL_DATADIR) ? WS_SOURCE_DATADIR
                                                       : WS_INSTALL_DATADIR);
    return buf;
}
