/* CSV writer: one file per level (<stem>_buurten.csv, …) with the same
 * columns as the GeoPackage, without geometry. Missing values are empty
 * cells. The default dialect is plain CSV (',' and '.'); the Dutch one uses
 * ';' and a decimal comma, as Dutch spreadsheet programs expect. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "export_internal.h"

typedef struct csv_dialect {
    char sep;
    bool decimal_comma;
} csv_dialect;

static void write_text(FILE *f, const char *s, char sep) {
    bool quote =
        strchr(s, sep) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r');
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_number(FILE *f, const ws_column *c, size_t row,
                         const csv_dialect *d) {
    char buf[64];
    if (c->integer)
        ws__format_integer(c->real[row], buf, sizeof buf);
    else
        ws__format_double(c->real[row], buf, sizeof buf);
    if (d->decimal_comma)
        for (char *p = buf; *p; p++)
            if (*p == '.')
                *p = ',';
    fputs(buf, f);
}

static void write_table(FILE *f, const ws_table *t, const size_t *order,
                        size_t n, const csv_dialect *d) {
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(d->sep, f);
        write_text(f, t->cols[order[i]].name, d->sep);
    }
    fputs("\r\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < n; i++) {
            const ws_column *c = &t->cols[order[i]];
            if (i)
                fputc(d->sep, f);
            if (c->missing[r] != WS_PRESENT)
                continue;
            if (c->type == WS_COL_TEXT)
                write_text(f, c->text[r], d->sep);
            else
                write_number(f, c, r, d);
        }
        fputs("\r\n", f);
    }
}

static ws_status write_level_csv(ws_ctx *ctx, const ws_dataset *ds,
                                 const char *path, ws_level lv,
                                 const csv_dialect *d, ws_outfile *of) {
    ws_status st = ws__outfile_begin(ctx, ds, path, of);
    if (st != WS_OK)
        return st;
    const ws_table *t = ds->levels[lv].table;
    size_t *order = NULL, n = 0;
    st = ws__output_columns(ctx, t, &order, &n);
    FILE *f = st == WS_OK ? fopen(of->tmp, "wb") : NULL;
    if (st == WS_OK && !f)
        st = ws__error(ctx, WS_ERR_IO_WRITE, "%s: cannot write: %s", path,
                       strerror(errno));
    if (f) {
        write_table(f, t, order, n, d);
        bool failed = ferror(f) != 0;
        if (fclose(f) != 0 || failed)
            st = ws__error(ctx, WS_ERR_IO_WRITE,
                           "%s: write failed (disk full?): %s", path,
                           strerror(errno));
    }
    ws__free(ctx, order);
    return st;
}

/* Stem of the CSV names: the option, else the GeoPackage's, else "wijkscan". */
static void csv_stem(const ws_export_options *opt, char *buf, size_t size) {
    const char *src =
        opt->csv_stem
            ? opt->csv_stem
            : (opt->gpkg_path ? ws__basename(opt->gpkg_path) : "wijkscan");
    ws__strlcpy(buf, src, size);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf && !opt->csv_stem)
        *dot = '\0';
}

ws_status ws__export_csv(ws_ctx *ctx, const ws_dataset *ds,
                         const ws_export_options *opt, ws_outfile *of) {
    csv_dialect d = {opt->csv_dutch ? ';' : ',', opt->csv_dutch};
    char stem[1024];
    csv_stem(opt, stem, sizeof stem);
    ws_status st = WS_OK;
    for (int lv = 0; st == WS_OK && lv < WS_LEVEL_COUNT; lv++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s_%s.csv", opt->csv_dir, stem,
                         ws_level_layer_name((ws_level)lv));
        if (n < 0 || (size_t)n >= sizeof path)
            return ws__error(ctx, WS_ERR_IO_WRITE, "%s: path too long",
                             opt->csv_dir);
        st = write_level_csv(ctx, ds, path, (ws_level)lv, &d, &of[lv]);
    }
    return st;
}
