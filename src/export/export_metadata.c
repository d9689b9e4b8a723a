/* What a run records about itself, shared by the GeoPackage writer (the
 * table wijkscan_metadata and the timestamps) and by maps drawn from the
 * dataset in memory (map_data_mem.c), which must read exactly what the
 * file would hold. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "export_internal.h"

#ifndef WS_VERSION_STRING
#define WS_VERSION_STRING "0.0.0"
#endif

static ws_status row(ws__kv_fn fn, void *user, const char *key, const char *fmt,
                     ...) WS_PRINTF(4, 5);
static ws_status row(ws__kv_fn fn, void *user, const char *key, const char *fmt,
                     ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return fn(user, key, buf);
}

ws_status ws__metadata_rows(const ws_dataset *ds, const char *config_hash,
                            ws__kv_fn fn, void *user) {
    ws_status st = row(fn, user, "wijkscan_versie", "%s", WS_VERSION_STRING);
    if (st == WS_OK && config_hash)
        st = row(fn, user, "configuratie_hash", "%s", config_hash);
    if (st == WS_OK)
        st = row(fn, user, "woningen", "%zu", ds->dw.n);
    if (st == WS_OK)
        st = row(fn, user, "woningen_buiten_buurten", "%zu", ds->n_outside);
    if (st == WS_OK)
        st = row(fn, user, "verblijfsobjecten_gelezen", "%zu", ds->n_vbo_read);
    if (st == WS_OK)
        st = row(fn, user, "voorzieningen", "%zu", ds->am.n);
    if (st == WS_OK)
        st = row(fn, user, "ongeldige_polygonen_hersteld", "%zu",
                 ds->n_invalid_repaired);
    if (st == WS_OK)
        st =
            row(fn, user, "waterregios_verwijderd", "%zu", ds->n_water_dropped);
    if (st == WS_OK)
        st = row(fn, user, "afstandsmaat", "%s", "hemelsbreed (rechte lijn)");
    for (size_t i = 0; st == WS_OK && i < ds->nparams; i++)
        st = row(fn, user, ds->params[i].key, "%s", ds->params[i].value);
    if (st == WS_OK)
        st = row(fn, user, "bronvermelding", "%s",
                 "CBS Wijk- en Buurtkaart / Kerncijfers (CC-BY 4.0, CBS / "
                 "Kadaster); Kadaster BAG (CC0); OpenStreetMap (ODbL, (c) "
                 "OpenStreetMap contributors); bewerking wijkscan");
    return st;
}

void ws__iso_time(time_t t, char *buf, size_t size) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t ws__newest_input(const ws_dataset *ds) {
    time_t t = 0;
    for (size_t i = 0; i < ds->ninputs; i++)
        if (ds->inputs[i].mtime > t)
            t = ds->inputs[i].mtime;
    return t;
}
