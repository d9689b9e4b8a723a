/*
 * gen_util.c — small helpers for wijkscan-boce-gen: one-line error reporting,
 * growable arrays, bounded string copies, rounding, output paths (temporary
 * name in OUTDIR, then rename into place) and the "SYNTHETISCH –" layer
 * description.
 */
/* VSIStatBufL is struct stat64 on glibc: needs the large-file interfaces in
 * strict C11 mode. */
#define _POSIX_C_SOURCE 200809L
#define _LARGEFILE64_SOURCE 1

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>

#include "gen_internal.h"

#define TMP_PREFIX ".tmp-"

/* Print "wijkscan-boce-gen: <message>" as one line on stderr; always returns
 * -1. */
const char *gen_program = GEN_PROGRAM;

int gen_error(const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    fprintf(stderr, "%s: %s\n", gen_program, msg);
    return -1;
}

const char *gen_gdal_msg(void) {
    const char *msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? msg : "unknown GDAL error";
}

/* Returns ptr grown to hold at least `need` elements of size `elem` (or ptr
 * itself when it is large enough); NULL on failure, in which case ptr is left
 * untouched. */
void *gen_grow(void *ptr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap && ptr) {
        return ptr;
    }
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) {
        ncap *= 2;
    }
    void *p = realloc(ptr, ncap * elem);
    if (!p) {
        gen_error("out of memory");
        return NULL;
    }
    *cap = ncap;
    return p;
}

void gen_copy(char *dst, size_t n, const char *src) {
    if (n == 0) {
        return;
    }
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

int gen_starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int gen_ends_with(const char *s, const char *suffix) {
    size_t ls = strlen(s);
    size_t lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int gen_round(double v) { return (int)lround(v); }

int gen_clamp_int(int v, int lo, int hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

int gen_path(char *dst, size_t n, const char *dir, const char *name) {
    int len = snprintf(dst, n, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= n) {
        return gen_error("%s/%s: path too long", dir, name);
    }
    return 0;
}

/* Temporary name in the same directory; keeps the extension so drivers accept
 * it. */
int gen_tmp_path(char *dst, size_t n, const char *dir, const char *name) {
    int len = snprintf(dst, n, "%s/%s%s", dir, TMP_PREFIX, name);
    if (len < 0 || (size_t)len >= n) {
        return gen_error("%s/%s: path too long", dir, name);
    }
    return 0;
}

static int is_dir(const char *path) {
    VSIStatBufL st;
    return VSIStatL(path, &st) == 0 && VSI_ISDIR(st.st_mode);
}

/* mkdir -p */
int gen_ensure_dir(const char *dir) {
    char buf[GEN_PATH_LEN];
    if (strlen(dir) >= sizeof buf) {
        return gen_error("%s: path too long", dir);
    }
    gen_copy(buf, sizeof buf, dir);
    size_t len = strlen(buf);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') {
            continue;
        }
        char saved = buf[i];
        buf[i] = '\0';
        if (!is_dir(buf) && VSIMkdir(buf, 0755) != 0 && !is_dir(buf)) {
            return gen_error("%s: cannot create output directory", buf);
        }
        buf[i] = saved;
    }
    return 0;
}

int gen_rename_into_place(const char *dir, const char *name) {
    char tmp[GEN_PATH_LEN];
    char dst[GEN_PATH_LEN];
    if (gen_tmp_path(tmp, sizeof tmp, dir, name) != 0 ||
        gen_path(dst, sizeof dst, dir, name) != 0) {
        return -1;
    }
    if (VSIRename(tmp, dst) != 0) {
        return gen_error("%s: cannot rename %s into place", dst, tmp);
    }
    return 0;
}

void gen_remove_tmp(const char *dir, const char *name) {
    char tmp[GEN_PATH_LEN];
    if (gen_tmp_path(tmp, sizeof tmp, dir, name) == 0) {
        (void)VSIUnlink(tmp); /* may not exist: nothing to report */
    }
}

/* gpkg_contents.description: says it is synthetic, names seed, generator and
 * licence. */
void gen_describe_seed(char *dst, size_t n, uint64_t seed, const char *what) {
    snprintf(dst, n,
             "SYNTHETISCH \xE2\x80\x93 %s. Gegenereerd door %s (seed %llu); "
             "geen echte "
             "gegevens. Grenzen: \xC2\xA9 CBS / Kadaster 2023 (CC-BY 4.0).",
             what, gen_program, (unsigned long long)seed);
}

void gen_describe(char *dst, size_t n, const Model *m, const char *what) {
    gen_describe_seed(dst, n, m->seed, what);
}

/* Write every output under its temporary name, then rename them all into
 * place; on failure the temporary files are removed. */
int gen_write_outputs(const char *dir, const char *const *names, size_t n,
                      GenWriteFn write, void *model) {
    if (gen_ensure_dir(dir) != 0) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char tmp[GEN_PATH_LEN];
        if (gen_tmp_path(tmp, sizeof tmp, dir, names[i]) != 0 ||
            write(model, i, tmp) != 0) {
            for (size_t j = 0; j <= i; j++) {
                gen_remove_tmp(dir, names[j]);
            }
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (gen_rename_into_place(dir, names[i]) != 0) {
            return -1;
        }
    }
    return 0;
}
