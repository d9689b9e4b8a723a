/* Atomic output files. Everything is written to a temporary file beside the
 * target and renamed into place only when complete, so a user never finds a
 * half-written GeoPackage or CSV, and an existing file is only replaced by a
 * complete new one. The temporary names are kept in a small registry that a
 * signal handler can empty (unlink is async-signal-safe). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_internal.h"

#define WS_MAX_PARTIAL 16

/* Registry of temporary files being written (process-wide, because signals
 * are). Slots hold fixed buffers so the handler never touches the heap.
 * Threads (maps drawn side by side) claim a slot with an atomic exchange
 * and publish it once its names are written; the handler only reads
 * published slots. Lock-free atomics are async-signal-safe. */
static char partial_names[WS_MAX_PARTIAL][4096];
/* SQLite (GeoPackage) keeps a journal beside the file while writing. */
static char partial_journals[WS_MAX_PARTIAL][4096 + 8];
enum { SLOT_FREE, SLOT_CLAIMED, SLOT_PUBLISHED };
static atomic_int partial_used[WS_MAX_PARTIAL];

void ws_remove_partial_outputs(void) {
    for (int i = 0; i < WS_MAX_PARTIAL; i++)
        if (atomic_load(&partial_used[i]) == SLOT_PUBLISHED) {
            unlink(partial_names[i]);
            unlink(partial_journals[i]);
            atomic_store(&partial_used[i], SLOT_FREE);
        }
}

static int registry_add(const char *name) {
    for (int i = 0; i < WS_MAX_PARTIAL; i++) {
        int free_slot = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&partial_used[i], &free_slot,
                                            SLOT_CLAIMED))
            continue;
        ws__strlcpy(partial_names[i], name, sizeof partial_names[i]);
        snprintf(partial_journals[i], sizeof partial_journals[i], "%s-journal",
                 name);
        atomic_store(&partial_used[i], SLOT_PUBLISHED);
        return i;
    }
    return -1;
}

static void registry_remove(int slot) {
    if (slot >= 0)
        atomic_store(&partial_used[slot], SLOT_FREE);
}

static void directory_of(const char *path, char *dir, size_t size) {
    const char *slash = strrchr(path, '/');
    if (!slash) {
        ws__strlcpy(dir, ".", size);
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/file" */
    if (n >= size)
        n = size - 1;
    memcpy(dir, path, n);
    dir[n] = '\0';
}

ws_status ws__check_output_dir(ws_ctx *ctx, const char *dir) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: output directory does not exist", dir);
    if (access(dir, W_OK) != 0)
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: output directory is not writable: %s", dir,
                         strerror(errno));
    return WS_OK;
}

/* Same file as an input (by device and inode)? */
static bool is_an_input(const ws_dataset *ds, const char *path) {
    struct stat out;
    if (!ds || stat(path, &out) != 0)
        return false;
    for (size_t i = 0; i < ds->ninputs; i++) {
        struct stat in;
        if (stat(ds->inputs[i].path, &in) == 0 && in.st_dev == out.st_dev &&
            in.st_ino == out.st_ino)
            return true;
    }
    return false;
}

ws_status ws__outfile_begin(ws_ctx *ctx, const ws_dataset *ds, const char *path,
                            ws_outfile *out) {
    memset(out, 0, sizeof *out);
    out->slot = -1;
    if (ws__strlcpy(out->path, path, sizeof out->path) >= sizeof out->path)
        return ws__error(ctx, WS_ERR_IO_WRITE, "%s: path too long", path);
    if (is_an_input(ds, path))
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: is one of the input files; refusing to "
                         "overwrite it",
                         path);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: is a directory, expected a file name", path);
    char dir[4096];
    directory_of(path, dir, sizeof dir);
    ws_status dir_st = ws__check_output_dir(ctx, dir);
    if (dir_st != WS_OK)
        return dir_st;
    const char *base = ws__basename(path);
    const char *ext = strrchr(base, '.');
    int suffix = ext ? (int)strlen(ext) : 0;
    int n =
        snprintf(out->tmp, sizeof out->tmp, "%s/.%.*s.part-XXXXXX%s", dir,
                 (int)(strlen(base) - (size_t)suffix), base, ext ? ext : "");
    if (n < 0 || (size_t)n >= sizeof out->tmp)
        return ws__error(ctx, WS_ERR_IO_WRITE, "%s: path too long", path);
    /* the file exists from mkstemps on: hold back the signals that remove
     * partial outputs until its name is in the registry */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    int fd = mkstemps(out->tmp, suffix);
    int err = errno;
    if (fd >= 0)
        out->slot = registry_add(out->tmp);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (fd < 0)
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: cannot create a temporary file in '%s': %s", path,
                         dir, strerror(err));
    close(fd);
    /* GDAL creates the file itself; the name stays reserved meanwhile. */
    unlink(out->tmp);
    return WS_OK;
}

ws_status ws__outfile_commit(ws_ctx *ctx, ws_outfile *out) {
    int fd = open(out->tmp, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    if (rename(out->tmp, out->path) != 0) {
        int e = errno;
        ws__outfile_abort(out);
        return ws__error(ctx, WS_ERR_IO_WRITE,
                         "%s: cannot move the finished "
                         "file into place: %s",
                         out->path, strerror(e));
    }
    registry_remove(out->slot);
    out->slot = -1;
    out->tmp[0] = '\0';
    return WS_OK;
}

void ws__outfile_abort(ws_outfile *out) {
    if (out->tmp[0])
        unlink(out->tmp);
    out->tmp[0] = '\0';
    registry_remove(out->slot);
    out->slot = -1;
}

/* Keys in the order a reader expects them, whatever order they were made. */
static const char *const key_order[] = {
    WS_COL_BUURTCODE, WS_COL_BUURTNAAM,    WS_COL_WIJKCODE,
    WS_COL_WIJKNAAM,  WS_COL_GEMEENTECODE, WS_COL_GEMEENTENAAM,
    WS_COL_REGIOCODE, WS_COL_REGIONAAM};
#define N_KEY_ORDER (sizeof key_order / sizeof key_order[0])

static size_t key_rank(const ws_column *c) {
    for (size_t i = 0; i < N_KEY_ORDER; i++)
        if (strcmp(c->name, key_order[i]) == 0)
            return i;
    return N_KEY_ORDER;
}

ws_status ws__output_columns(ws_ctx *ctx, const ws_table *t, size_t **order,
                             size_t *n) {
    *order = ws__malloc(ctx, (t->ncols ? t->ncols : 1) * sizeof **order);
    if (!*order)
        return WS_ERR_NOMEM;
    *n = 0;
    for (size_t k = 0; k <= N_KEY_ORDER; k++)
        for (size_t c = 0; c < t->ncols; c++)
            if (t->cols[c].role == WS_ROLE_KEY && key_rank(&t->cols[c]) == k)
                (*order)[(*n)++] = c;
    static const ws_colrole roles[] = {WS_ROLE_SCORE, WS_ROLE_INDICATOR,
                                       WS_ROLE_NORMALISED, WS_ROLE_STATISTIC};
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        for (size_t c = 0; c < t->ncols; c++)
            if (t->cols[c].role == roles[k])
                (*order)[(*n)++] = c;
    return WS_OK;
}

static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* "-" and the digits of m with a decimal point before the last d of them. */
static void put_decimal(bool neg, uint64_t m, int d, char *buf) {
    char dig[24];
    int n = 0;
    do {
        dig[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    while (n <= d) /* a leading "0." and zeros */
        dig[n++] = '0';
    char *p = buf;
    if (neg)
        *p++ = '-';
    for (int i = n - 1; i >= 0; i--) {
        *p++ = dig[i];
        if (i == d && d > 0)
            *p++ = '.';
    }
    *p = '\0';
}

/* The shortest of "%.15g", "%.16g", "%.17g" that reads back as v, without
 * printf for most values: a number of at most 15 significant digits in
 * fixed notation (1e-4 <= |v| < 1e15) that reads back as v is m / 10^d for
 * the least d at which v * 10^d rounds to such an m with m / 10^d == v
 * (exact integer and power of ten, so one correctly rounded division is
 * what strtod gives), and "%.15g" prints exactly that (v lies within half
 * an ulp of it, far inside half a unit of the 15th digit). Returns 1 when
 * written, 0 when no such number exists (so "%.15g" does not read back),
 * -1 when v is outside the range this decides. */
static int format_short(double v, char *buf, size_t size) {
    if (size < 32 || !isfinite(v))
        return -1;
    if (v == 0) {
        memcpy(buf, signbit(v) ? "-0" : "0", signbit(v) ? 3 : 2);
        return 1;
    }
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15))
        return -1;
    for (int d = 0; d < 23; d++) {
        double m = nearbyint(a * pow10_exact[d]);
        if (!(m < 1e15))
            return 0;
        if (m / pow10_exact[d] == a) {
            put_decimal(v < 0, (uint64_t)m, d, buf);
            return 1;
        }
    }
    return -1;
}

void ws__format_double(double v, char *buf, size_t size) {
    int r = format_short(v, buf, size);
    if (r == 1)
        return;
    for (int prec = r == 0 ? 16 : 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void ws__format_integer(double v, char *buf, size_t size) {
    if (size >= 32 && fabs(v) < 9007199254740992.0 && v == trunc(v)) {
        put_decimal(signbit(v), (uint64_t)fabs(v), 0, buf);
        return;
    }
    snprintf(buf, size, "%.0f", v);
}
