/* Generic replay driver for libFuzzer targets: feeds every file named on the
 * command line, and every file under every directory named there, to
 * LLVMFuzzerTestOneInput, so a corpus runs as a plain test without libFuzzer.
 * Exits non-zero if a path cannot be read. */
#define _POSIX_C_SOURCE 200809L /* opendir, stat */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    int failed = buf == NULL;
    while (!failed) {
        if (len == cap) {
            uint8_t *nbuf = realloc(buf, cap * 2);
            if (!nbuf) {
                failed = 1;
                break;
            }
            buf = nbuf;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap) {
            failed = ferror(f) != 0;
            break;
        }
    }
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return 1;
    }
    /* a copy of exactly `len` bytes, so ASan sees reads past the input */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    if (len)
        memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    replayed++;
    return 0;
}

static int replay_path(const char *path);

static int replay_directory(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        return 1;
    }
    int failures = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .. and hidden files */
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            failures++;
            break;
        }
        snprintf(child, n, "%s/%s", path, e->d_name);
        failures += replay_path(child);
        free(child);
    }
    closedir(dir);
    return failures;
}

static int replay_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    return S_ISDIR(st.st_mode) ? replay_directory(path) : replay_file(path);
}

int main(int argc, char **argv) {
    int failures = 0;
    for (int i = 1; i < argc; i++)
        failures += replay_path(argv[i]);
    printf("replayed %zu inputs\n", replayed);
    return failures ? 1 : 0;
}
