/* The pipeline: runs the stages in order, times them, and computes the
 * configuration hash (project file + every layer definition + the effective
 * options) that the export records, so an output can be traced back to the
 * exact configuration that made it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../aggregate/aggregate_internal.h"
#include "../filter/filter.h"
#include "../model/model_internal.h"
#include "wijkscan/pipeline.h"

#ifndef WS_VERSION_STRING
#define WS_VERSION_STRING "0.0.0"
#endif

static const char *const stage_names[WS_STAGE_COUNT] = {
    "load", "join", "access", "aggregate", "score", "export"};

const char *ws_stage_name(ws_stage s) {
    return (unsigned)s < WS_STAGE_COUNT ? stage_names[s] : "?";
}

const char *ws_version(void) { return WS_VERSION_STRING; }

void ws_pipeline_options_init(ws_pipeline_options *opt) {
    memset(opt, 0, sizeof *opt);
    ws_load_options_init(&opt->load);
    ws_join_options_init(&opt->join);
    ws_access_options_init(&opt->access);
    ws_aggregate_options_init(&opt->aggregate);
    ws_score_options_init(&opt->score);
    ws_sensitivity_options_init(&opt->sensitivity);
    ws_export_options_init(&opt->output);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- configuration hash (FNV-1a 64) ----------------------------------- */

static uint64_t fnv(uint64_t h, const void *data, size_t n) {
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s) {
    return fnv(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

static uint64_t fnv_file(uint64_t h, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return fnv_str(h, "(unreadable)");
    unsigned char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv(h, buf, n);
    fclose(f);
    return h;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Hash every definition file in the layers directory, in name order. */
static uint64_t fnv_layers(ws_ctx *ctx, uint64_t h, const char *dir) {
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return h;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' ||
            ws__reserve(ctx, (void **)&names, &cap, n + 1, sizeof *names))
            continue;
        names[n] = ws__strdup(ctx, e->d_name);
        n += names[n] != NULL;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        h = fnv_file(fnv_str(h, names[i]), path);
        ws__free(ctx, names[i]);
    }
    ws__free(ctx, names);
    return h;
}

static uint64_t fnv_input(uint64_t h, const ws_input *in) {
    h = fnv_str(h, in->path);
    h = fnv_str(h, in->layer);
    h = fnv_str(h, in->definition);
    return fnv_str(h, in->suffix);
}

static void config_hash(ws_ctx *ctx, const ws_pipeline_options *o,
                        char out[17]) {
    uint64_t h = 1469598103934665603ULL;
    if (o->project_path)
        h = fnv_file(h, o->project_path);
    h = fnv_layers(ctx, h, o->load.layers_dir);
    h = fnv_input(fnv_input(h, &o->load.bag), &o->load.buurten);
    for (size_t i = 0; i < o->load.n_voorzieningen; i++)
        h = fnv_input(h, &o->load.voorzieningen[i]);
    for (size_t i = 0; i < o->load.n_kerncijfers; i++)
        h = fnv_input(h, &o->load.kerncijfers[i]);
    for (size_t i = 0; i < o->load.n_gemeenten; i++)
        h = fnv_str(h, o->load.gemeenten[i]);
    h = fnv(h, &o->load.amenity_margin, sizeof o->load.amenity_margin);
    h = fnv(h, o->aggregate.radii, o->aggregate.n_radii * sizeof(double));
    for (size_t i = 0; i < o->aggregate.n_basisvoorzieningen &&
                       o->aggregate.basisvoorzieningen;
         i++)
        h = fnv_str(h, o->aggregate.basisvoorzieningen[i]);
    const ws_zorggeschikt_options *z = &o->aggregate.zorggeschikt;
    h = fnv(h, &z->netto_factor, sizeof z->netto_factor);
    h = fnv(h, &z->lift_min_woonlagen, sizeof z->lift_min_woonlagen);
    h = fnv(h, &z->lift_vanaf_bouwjaar, sizeof z->lift_vanaf_bouwjaar);
    h = fnv(h, &z->eengezins_vanaf_bouwjaar,
            sizeof z->eengezins_vanaf_bouwjaar);
    h = fnv(h, &z->eengezins_min_oppervlakte,
            sizeof z->eengezins_min_oppervlakte);
    h = fnv(h, &o->access.metric, sizeof o->access.metric);
    h = fnv_layers(ctx, h, o->score.themes_dir);
    h = fnv(h, &o->score.reference, sizeof o->score.reference);
    h = fnv(h, &o->score.min_dwellings, sizeof o->score.min_dwellings);
    h = fnv(h, &o->score.min_inwoners, sizeof o->score.min_inwoners);
    if (o->run_sensitivity)
        h = fnv(h, &o->sensitivity, sizeof o->sensitivity);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void summarise(const ws_ctx *ctx, const ws_dataset *ds,
                      ws_run_summary *s) {
    if (!ds)
        return;
    s->dwellings = ds->dw.n;
    s->dwellings_outside = ds->n_outside;
    s->amenities = ds->am.n;
    for (int l = 0; l < WS_LEVEL_COUNT; l++)
        s->regions[l] = ds->levels[l].table ? ds->levels[l].table->nrows : 0;
    s->warnings = ws_ctx_warning_count(ctx);
}

/* With reference frame "invoer" the run reads the whole input, so every
 * buurt in it forms the frame; the selection is applied after scoring. */
static bool frame_is_whole_input(const ws_pipeline_options *opt) {
    return opt->score.themes_dir && opt->score.reference == WS_REF_INPUT &&
           opt->load.n_gemeenten > 0;
}

static ws_status score_stage(ws_ctx *ctx, ws_dataset *ds,
                             const ws_pipeline_options *opt) {
    ws_status st = ws_score(ctx, ds, &opt->score);
    if (st == WS_OK && opt->run_sensitivity && opt->score.themes_dir)
        st = ws_sensitivity(ctx, ds, &opt->score, &opt->sensitivity);
    if (st == WS_OK && frame_is_whole_input(opt)) {
        ws_selection sel = {opt->load.gemeenten, opt->load.n_gemeenten};
        st = ws__dataset_restrict(ds, &sel);
    }
    return st;
}

/* The stages after load, each on the loaded dataset. */
static ws_status run_stage(ws_stage stage, ws_ctx *ctx, ws_dataset *ds,
                           const ws_pipeline_options *opt,
                           const ws_export_options *out,
                           ws__pand_ahead *ahead) {
    switch (stage) {
    case WS_STAGE_JOIN:
        return ws_join(ctx, ds, &opt->join);
    case WS_STAGE_ACCESS:
        return ws_access(ctx, ds, &opt->access);
    case WS_STAGE_AGGREGATE:
        return ws__aggregate_ahead(ctx, ds, &opt->aggregate, ahead);
    case WS_STAGE_SCORE:
        return score_stage(ctx, ds, opt);
    case WS_STAGE_EXPORT:
        return out->gpkg_path || out->csv_dir ? ws_export(ctx, ds, out) : WS_OK;
    case WS_STAGE_LOAD:
    case WS_STAGE_COUNT:
        break;
    }
    return WS_ERR_MISUSE;
}

ws_status ws_pipeline_run(ws_ctx *ctx, const ws_pipeline_options *opt,
                          ws_run_summary *summary, ws_dataset **keep) {
    if (!ctx || !opt)
        return WS_ERR_INVALID_ARG;
    ws_run_summary local;
    ws_run_summary *s = summary ? summary : &local;
    memset(s, 0, sizeof *s);
    if (keep)
        *keep = NULL;
    config_hash(ctx, opt, s->config_hash);
    ws_export_options out = opt->output;
    out.config_hash = s->config_hash;
    ws_dataset *ds = NULL;
    ws_load_options load = opt->load;
    if (frame_is_whole_input(opt)) {
        load.gemeenten = NULL;
        load.n_gemeenten = 0;
        load.region_name = "alle buurten in de invoer (vergelijkingskader)";
    }
    double t = now_seconds();
    ws_status st = ws_load(ctx, &load, &ds);
    s->seconds[WS_STAGE_LOAD] = now_seconds() - t;
    /* the pand statistics beside the join and access (aggregate_internal.h) */
    ws__pand_ahead *ahead =
        st == WS_OK ? ws__pand_ahead_start(
                          ctx, ds, opt->aggregate.zorggeschikt.netto_factor)
                    : NULL;
    for (int stage = WS_STAGE_JOIN; st == WS_OK && stage < WS_STAGE_COUNT;
         stage++) {
        t = now_seconds();
        st = run_stage((ws_stage)stage, ctx, ds, opt, &out, ahead);
        if (stage == WS_STAGE_AGGREGATE)
            ahead = NULL; /* taken, whatever the outcome */
        s->seconds[stage] = now_seconds() - t;
    }
    if (ahead) /* a stage before aggregate failed */
        ws__pand_ahead_take(ctx, ahead, 0, NULL);
    summarise(ctx, ds, s);
    if (st == WS_OK && keep) {
        /* maps and the export may read it at once */
        ws__dataset_fill_geos_caches(ds, ctx->geos);
        *keep = ds;
    } else
        ws_dataset_free(ds);
    return st;
}
