/* The wijkscan command: argv -> options -> library calls. No logic beyond
 * that lives here. */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <stdbool.h>

#include "wijkscan/wijkscan.h"

/* Exit codes (documented in the README and in --help). */
enum {
    WS_EXIT_OK = 0,
    WS_EXIT_INTERNAL = 1,
    WS_EXIT_USAGE = 2,
    WS_EXIT_INPUT = 3,
    WS_EXIT_DATA = 4,
    WS_EXIT_OUTPUT = 5,
    WS_EXIT_NOMEM = 6,
    WS_EXIT_CANCELLED = 7
};

#define WS_CLI_MAX_INPUTS 32
#define WS_CLI_MAX_GEMEENTEN 400

/* Everything the command line can say. Strings point into argv or into the
 * fixed buffers here. */
typedef struct cli_args {
    const char *command;
    bool help, version, quiet, verbose, timings, csv_dutch;
    const char *project;
    const char *positional[2]; /* explain: OUT.gpkg and the region */
    size_t n_positional;
    const char *output;
    const char *csv_dir;
    const char *layers_dir;
    const char *region_name;
    ws_input bag, buurten;
    ws_input voorz[WS_CLI_MAX_INPUTS];
    size_t n_voorz;
    ws_input kern[WS_CLI_MAX_INPUTS];
    size_t n_kern;
    const char *voorz_def;
    char gemeente_buf[4096];
    const char *gemeenten[WS_CLI_MAX_GEMEENTEN];
    size_t n_gemeenten;
    double radii[WS_MAX_RADII];
    size_t n_radii;
    double margin;
    bool margin_set;
    /* theme scores */
    const char *themes_dir;
    bool no_themes;
    const char *reference;
    double min_dwellings;
    bool min_dwellings_set;
    /* sensitivity */
    double runs, seed, spread;
    bool runs_set, seed_set, spread_set, fixed_method;
    /* storage for FILE:LAYER splits */
    char split_buf[2 * WS_CLI_MAX_INPUTS + 4][4096];
    size_t n_split;
} cli_args;

/* Parse argv; on a usage error print it (naming the option) and return
 * false. */
bool cli_parse(int argc, char **argv, cli_args *a);
void cli_usage(const char *command);
int cli_exit_code(ws_status st);

/* Progress bar on stderr (only when stderr is a terminal). */
typedef struct cli_progress {
    bool enabled;
    char last_msg[128];
    int last_percent;
} cli_progress;
void cli_progress_init(cli_progress *p, bool quiet);
int cli_progress_fn(double ratio, const char *msg, void *user);
void cli_progress_done(cli_progress *p);

/* wijkscan map (cmd_map.c): argv as after the program name, argv[0] =
 * "map". */
int cli_cmd_map(int argc, char **argv);
/* wijkscan compare and wijkscan report (cmd_report.c), argv as for map. */
int cli_cmd_compare(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);
#define CLI_MAX_LIST 64
/* Split "a,b,c" into list (pointers into buf, at most CLI_MAX_LIST);
 * false when empty or too long. */
bool cli_split_list(const char *v, char *buf, size_t size, const char **list,
                    size_t *n);
/* argv[*i] is an option: its name (before any '=') into name, its value
 * after '=' or as the next argument (*i moves on); false when missing. */
bool cli_option_value(int argc, char **argv, int *i, char *name, size_t size,
                      const char **value);
/* Log callback: warnings and errors to stderr, information too when
 * *(const bool *)user (verbose). */
void cli_log_stderr(ws_log_level level, const char *msg, void *user);
/* Signal handlers and a context that logs through cli_log_stderr, for the
 * commands that read a GeoPackage (map, compare, report); NULL, with a
 * message, when the context cannot be made. */
ws_ctx *cli_command_ctx(const bool *verbose);
/* Monotonic seconds. */
double cli_now(void);
/* mkdir -p; 0 or -1 with errno. */
int cli_make_dir(const char *dir);
/* A style name: a path as given, else <styles dir>/NAME.yaml. */
const char *cli_style_path(const char *name, char *buf, size_t size);
/* Render the maps a project lists; returns an exit code. */
int cli_run_maps(ws_ctx *ctx, const ws_project *proj, bool quiet);
/* The same in two steps: start drawing the maps on threads (from `ds` when
 * not NULL, else from the project's GeoPackage), one per core, or one less
 * when `caller_draws`; then finish: the calling thread draws its share (when
 * `caller_draws`, or when no thread could be started), waits for the
 * others, draws the SVG maps and prints the summaries in the project's
 * order. NULL from start (out of memory) makes finish return
 * WS_EXIT_NOMEM. */
typedef struct cli_maps cli_maps;
cli_maps *cli_maps_start(const ws_project *proj, const ws_dataset *ds,
                         bool quiet, bool caller_draws);
int cli_maps_finish(ws_ctx *ctx, cli_maps *maps);
/* Where layers/ and styles/ are: the source tree when run from the build
 * directory, else the installed data directory. */
const char *cli_data_dir(void);
void cli_install_signal_handlers(void);

#endif /* WS_CLI_H */
