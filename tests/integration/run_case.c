/* ws-run-case: run the wijkscan command on one hand-made integration case and
 * compare its CSV output with the values worked out by hand.
 *
 *   ws-run-case WIJKSCAN-BINARY CASE-DIR WORK-DIR
 *
 * CASE-DIR holds
 *   args.txt        the wijkscan arguments, one per line (blank lines are
 *                   skipped); "@OUT@" is replaced by WORK-DIR; relative paths
 *                   are relative to CASE-DIR (wijkscan runs there);
 *   expected/LEVEL.csv  for LEVEL buurten, wijken, gemeenten, regio: a subset
 *                   of the output columns, one row per region, matched by the
 *                   code column (buurtcode, wijkcode, gemeentecode,
 *                   regiocode) against WORK-DIR/out_LEVEL.csv;
 *   expected/stdout.txt (optional) lines that must each occur somewhere in
 *                   wijkscan's standard output;
 *   tolerance.txt   (optional) absolute tolerance for numbers; without it
 *                   numbers must agree to 1e-9, relative or absolute.
 *
 * WORK-DIR is created if needed and emptied before the run (only if it is
 * empty or was made by this program: it then holds the marker file
 * .ws-run-case). wijkscan's stdout and stderr are kept there afterwards as
 * wijkscan.stdout and wijkscan.stderr.
 *
 * The CSV parser is this file's own (not wijkscan's reader), so that the
 * check does not depend on the code under test.
 *
 * Exit status: 0 all values agree, 1 a difference or wijkscan failed,
 * 2 the case itself could not be read or run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER ".ws-run-case"
#define MAX_ARGS 256

static const char *g_case = "case"; /* case name, for messages */

/* --- small helpers -------------------------------------------------------- */

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("ws-run-case: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("ws-run-case: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = xmalloc(n);
    memcpy(d, s, n);
    return d;
}

/* Path "a/b" in a fresh buffer. */
static char *join_path(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *p = xmalloc(la + lb + 2);
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* Growable byte buffer, always NUL-terminated. */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static const char *buf_str(buf *b) {
    if (!b->data)
        buf_add(b, "", 0);
    return b->data;
}

/* Whole file as a NUL-terminated string; NULL (errno set) on failure. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(b.data);
        errno = EIO;
        return NULL;
    }
    if (len)
        *len = b.len;
    return (char *)buf_str(&b);
}

static bool write_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static bool file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* --- CSV (RFC 4180: ',' separator, "" quotes, LF or CRLF) ----------------- */

typedef struct table {
    size_t ncols, nrows; /* nrows excludes the header */
    char **cell;         /* (nrows + 1) * ncols; row 0 is the header */
} table;

static const char *cell(const table *t, size_t row, size_t col) {
    return t->cell[(row + 1) * t->ncols + col];
}

static void table_free(table *t) {
    for (size_t i = 0; t->cell && i < (t->nrows + 1) * t->ncols; i++)
        free(t->cell[i]);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

typedef struct record {
    char **field;
    size_t n, cap;
} record;

static void record_push(record *r, buf *field) {
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->field = xrealloc(r->field, r->cap * sizeof *r->field);
    }
    r->field[r->n++] = xstrdup(buf_str(field));
    field->len = 0;
    field->data[0] = '\0';
}

/* Parse one record starting at *p; false at end of input. */
static bool next_record(const char **p, record *r, const char *path,
                        size_t *line, bool *error) {
    const char *s = *p;
    buf field = {0};
    buf_str(&field);
    r->n = 0;
    /* skip blank lines */
    while (*s == '\r' || *s == '\n') {
        if (*s == '\n')
            (*line)++;
        s++;
    }
    if (!*s) {
        free(field.data);
        return false;
    }
    bool quoted = false, was_quoted = false;
    for (;;) {
        char c = *s;
        if (quoted) {
            if (!c) {
                fprintf(stderr, "ws-run-case: %s:%zu: unterminated quote\n",
                        path, *line);
                *error = true;
                break;
            }
            if (c == '"' && s[1] == '"') {
                buf_add(&field, "\"", 1);
                s += 2;
            } else if (c == '"') {
                quoted = false;
                s++;
            } else {
                if (c == '\n')
                    (*line)++;
                buf_add(&field, s, 1);
                s++;
            }
            continue;
        }
        if (c == '"' && field.len == 0 && !was_quoted) {
            quoted = was_quoted = true;
            s++;
        } else if (c == ',') {
            record_push(r, &field);
            was_quoted = false;
            s++;
        } else if (c == '\r' && s[1] == '\n') {
            s++;
        } else if (c == '\n' || c == '\0') {
            record_push(r, &field);
            if (c == '\n') {
                (*line)++;
                s++;
            }
            break;
        } else {
            buf_add(&field, s, 1);
            s++;
        }
    }
    free(field.data);
    *p = s;
    return !*error;
}

/* Read a CSV file; false (message printed) on failure. */
static bool table_read(const char *path, table *t) {
    memset(t, 0, sizeof *t);
    char *text = read_file(path, NULL);
    if (!text) {
        fprintf(stderr, "ws-run-case: %s: cannot read: %s\n", path,
                strerror(errno));
        return false;
    }
    const char *p = text;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    record r = {0};
    size_t line = 1, cap = 0, n = 0;
    bool error = false, ok = true;
    char **cells = NULL;
    while (ok && next_record(&p, &r, path, &line, &error)) {
        if (t->ncols == 0)
            t->ncols = r.n;
        if (r.n > t->ncols) {
            fprintf(stderr, "ws-run-case: %s:%zu: %zu fields, header has %zu\n",
                    path, line - 1, r.n, t->ncols);
            ok = false;
        }
        if (n + t->ncols > cap) {
            cap = (n + t->ncols) * 2;
            cells = xrealloc(cells, cap * sizeof *cells);
        }
        for (size_t i = 0; i < t->ncols; i++)
            cells[n++] = i < r.n ? r.field[i] : xstrdup("");
        for (size_t i = t->ncols; i < r.n; i++)
            free(r.field[i]);
    }
    for (size_t i = 0; error && i < r.n; i++)
        free(r.field[i]);
    free(r.field);
    free(text);
    t->cell = cells;
    t->nrows = n > 0 ? n / t->ncols - 1 : 0;
    if (ok && !error && n == 0) {
        fprintf(stderr, "ws-run-case: %s: empty file\n", path);
        ok = false;
    }
    if (!ok || error) {
        table_free(t);
        return false;
    }
    return true;
}

/* Column with this header name, or -1. */
static long find_col(const table *t, const char *name) {
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cell[c], name) == 0)
            return (long)c;
    return -1;
}

/* --- numbers ------------------------------------------------------------- */

/* A plain decimal number: [+-]digits[.digits][(e|E)[+-]digits]. */
static bool parse_number(const char *s, double *v) {
    const char *p = s;
    size_t digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return false;
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    return end && !*end && errno == 0 && isfinite(*v);
}

typedef struct tolerance {
    double value;
    bool absolute; /* from tolerance.txt; else relative-or-absolute */
} tolerance;

static bool numbers_agree(double a, double b, const tolerance *tol) {
    double d = fabs(a - b);
    if (tol->absolute)
        return d <= tol->value;
    return d <= tol->value * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static bool read_tolerance(const char *case_dir, tolerance *tol) {
    tol->value = 1e-9;
    tol->absolute = false;
    char *path = join_path(case_dir, "tolerance.txt");
    if (!file_exists(path)) {
        free(path);
        return true;
    }
    char *text = read_file(path, NULL);
    bool ok = text != NULL;
    if (ok) {
        const char *s = text;
        while (*s == ' ' || *s == '\t')
            s++;
        size_t n = strcspn(s, " \t\r\n#");
        char num[64];
        ok = n > 0 && n < sizeof num;
        if (ok) {
            memcpy(num, s, n);
            num[n] = '\0';
            ok = parse_number(num, &tol->value) && tol->value >= 0;
        }
    }
    if (!ok)
        fprintf(stderr, "ws-run-case: %s: expected one number >= 0\n", path);
    tol->absolute = true;
    free(text);
    free(path);
    return ok;
}

/* --- the work directory ----------------------------------------------------
 */

static bool make_dirs(const char *path) {
    char *p = xstrdup(path);
    bool ok = true;
    for (char *s = p + 1; ok && *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        ok = mkdir(p, 0777) == 0 || errno == EEXIST;
        *s = '/';
    }
    if (ok)
        ok = mkdir(p, 0777) == 0 || errno == EEXIST;
    if (!ok)
        fprintf(stderr, "ws-run-case: %s: cannot create: %s\n", p,
                strerror(errno));
    free(p);
    return ok;
}

/* Remove everything inside `dir` (not `dir` itself). */
static bool remove_contents(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "ws-run-case: %s: cannot open: %s\n", dir,
                strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = join_path(dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0)
            ok = false;
        else if (S_ISDIR(st.st_mode))
            ok = remove_contents(p) && rmdir(p) == 0;
        else
            ok = unlink(p) == 0;
        if (!ok)
            fprintf(stderr, "ws-run-case: %s: cannot remove: %s\n", p,
                    strerror(errno));
        free(p);
    }
    closedir(d);
    return ok;
}

static bool dir_is_empty(const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool empty = true;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

/* Create or empty the work directory and mark it as ours; refuses to empty
 * a directory that this program did not make (no marker file). */
static bool prepare_work_dir(const char *dir) {
    if (!make_dirs(dir))
        return false;
    char *marker = join_path(dir, MARKER);
    bool ok = true;
    if (!dir_is_empty(dir)) {
        if (!file_exists(marker)) {
            fprintf(stderr,
                    "ws-run-case: %s: not empty and not a work "
                    "directory of ws-run-case (no %s); refusing to empty it\n",
                    dir, MARKER);
            ok = false;
        } else {
            ok = remove_contents(dir);
        }
    }
    if (ok && !write_file(marker, "", 0)) {
        fprintf(stderr, "ws-run-case: %s: cannot write: %s\n", marker,
                strerror(errno));
        ok = false;
    }
    free(marker);
    return ok;
}

/* --- running wijkscan ---------------------------------------------------- */

/* "@OUT@" replaced by `out` in a fresh string. */
static char *substitute(const char *arg, const char *out) {
    static const char key[] = "@OUT@";
    buf b = {0};
    const char *p = arg, *hit;
    while ((hit = strstr(p, key)) != NULL) {
        buf_add(&b, p, (size_t)(hit - p));
        buf_add(&b, out, strlen(out));
        p = hit + sizeof key - 1;
    }
    buf_add(&b, p, strlen(p));
    return (char *)buf_str(&b);
}

/* argv for wijkscan from args.txt; argv[0] is the binary. */
static bool read_args(const char *case_dir, const char *bin, const char *out,
                      char **argv, int *argc) {
    char *path = join_path(case_dir, "args.txt");
    char *text = read_file(path, NULL);
    if (!text) {
        fprintf(stderr, "ws-run-case: %s: cannot read: %s\n", path,
                strerror(errno));
        free(path);
        return false;
    }
    int n = 0;
    argv[n++] = xstrdup(bin);
    bool ok = true;
    for (char *line = text; ok && *line;) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        size_t len = (size_t)(next - line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        if (len > 0) {
            if (n >= MAX_ARGS - 1) {
                fprintf(stderr, "ws-run-case: %s: too many arguments\n", path);
                ok = false;
            } else {
                argv[n++] = substitute(line, out);
            }
        }
        line = next;
    }
    argv[n] = NULL;
    *argc = n;
    free(text);
    free(path);
    return ok;
}

/* Run argv in `cwd`; capture stdout and stderr. Returns the exit status, or
 * -1 if it could not run or ended by a signal (described in *why). */
static int run(char **argv, const char *cwd, buf *out, buf *err, char *why,
               size_t why_size) {
    int po[2], pe[2];
    if (pipe(po) != 0 || pipe(pe) != 0) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, why_size, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(po[1], STDOUT_FILENO);
        dup2(pe[1], STDERR_FILENO);
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        if (chdir(cwd) != 0) {
            fprintf(stderr, "ws-run-case: %s: cannot chdir: %s\n", cwd,
                    strerror(errno));
            _exit(127);
        }
        execv(argv[0], argv);
        fprintf(stderr, "ws-run-case: %s: cannot execute: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    buf *dst[2] = {out, err};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char chunk[4096];
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                buf_add(dst[i], chunk, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(why, why_size, "waitpid: %s", strerror(errno));
            return -1;
        }
    if (WIFSIGNALED(status)) {
        snprintf(why, why_size, "killed by signal %d", WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status);
}

/* --- comparison ---------------------------------------------------------- */

typedef struct counts {
    size_t checked, differ;
} counts;

static const char *shown(const char *s) { return *s ? s : "(empty)"; }

static void compare_cell(const char *level, const char *code,
                         const char *column, const char *want, const char *got,
                         const tolerance *tol, counts *n) {
    n->checked++;
    bool same;
    double a, b;
    if (!*want || !*got)
        same = !*want && !*got;
    else if (parse_number(want, &a) && parse_number(got, &b))
        same = numbers_agree(a, b, tol);
    else
        same = strcmp(want, got) == 0;
    if (!same) {
        n->differ++;
        printf("%s:%s:%s:%s: expected %s, got %s\n", g_case, level, code,
               column, shown(want), shown(got));
    }
}

static long find_row(const table *t, size_t code_col, const char *code) {
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(cell(t, r, code_col), code) == 0)
            return (long)r;
    return -1;
}

/* Compare one level; false if the files could not be read at all. */
static bool compare_level(const char *level, const char *code_name,
                          const char *exp_path, const char *act_path,
                          const tolerance *tol, counts *n) {
    table e, a;
    if (!table_read(exp_path, &e))
        return false;
    if (!file_exists(act_path)) {
        printf("%s:%s:*:*: expected output file %s, not written\n", g_case,
               level, act_path);
        n->differ++;
        table_free(&e);
        return true;
    }
    if (!table_read(act_path, &a)) {
        printf("%s:%s:*:*: output file %s is not readable CSV\n", g_case, level,
               act_path);
        n->differ++;
        table_free(&e);
        return true;
    }
    long ec = find_col(&e, code_name), ac = find_col(&a, code_name);
    bool ok = true;
    if (ec < 0) {
        fprintf(stderr, "ws-run-case: %s: no column '%s'\n", exp_path,
                code_name);
        ok = false;
    }
    for (size_t r = 0; ok && r < e.nrows; r++)
        if (find_row(&e, (size_t)ec, cell(&e, r, (size_t)ec)) != (long)r) {
            fprintf(stderr, "ws-run-case: %s: code %s appears twice\n",
                    exp_path, cell(&e, r, (size_t)ec));
            ok = false;
        }
    if (ok && ac < 0) {
        printf("%s:%s:*:%s: expected column, not in the output\n", g_case,
               level, code_name);
        n->differ++;
    }
    if (!ok || ac < 0) {
        table_free(&e);
        table_free(&a);
        return ok;
    }
    long *map = xmalloc(e.ncols * sizeof *map);
    for (size_t c = 0; c < e.ncols; c++) {
        map[c] = find_col(&a, e.cell[c]);
        if (map[c] < 0) {
            printf("%s:%s:*:%s: expected column, not in the output\n", g_case,
                   level, e.cell[c]);
            n->differ++;
        }
    }
    for (size_t r = 0; r < e.nrows; r++) {
        const char *code = cell(&e, r, (size_t)ec);
        long ar = find_row(&a, (size_t)ac, code);
        if (ar < 0) {
            printf("%s:%s:%s:*: expected row, not in the output\n", g_case,
                   level, code);
            n->differ++;
            continue;
        }
        for (size_t c = 0; c < e.ncols; c++)
            if ((long)c != ec && map[c] >= 0)
                compare_cell(level, code, e.cell[c], cell(&e, r, c),
                             cell(&a, (size_t)ar, (size_t)map[c]), tol, n);
    }
    for (size_t r = 0; r < a.nrows; r++) {
        const char *code = cell(&a, r, (size_t)ac);
        if (find_row(&e, (size_t)ec, code) < 0) {
            printf("%s:%s:%s:*: row in the output, not expected\n", g_case,
                   level, code);
            n->differ++;
        }
    }
    free(map);
    table_free(&e);
    table_free(&a);
    return true;
}

/* Every non-blank line of expected/stdout.txt must occur in `out`. */
static bool check_stdout(const char *case_dir, const char *out, counts *n) {
    char *path = join_path(case_dir, "expected/stdout.txt");
    if (!file_exists(path)) {
        free(path);
        return true;
    }
    char *text = read_file(path, NULL);
    if (!text) {
        fprintf(stderr, "ws-run-case: %s: cannot read: %s\n", path,
                strerror(errno));
        free(path);
        return false;
    }
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        size_t len = (size_t)(next - line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        if (len > 0) {
            n->checked++;
            if (!strstr(out, line)) {
                n->differ++;
                printf("%s:stdout: expected a line containing \"%s\"\n", g_case,
                       line);
            }
        }
        line = next;
    }
    free(text);
    free(path);
    return true;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fputs("usage: ws-run-case WIJKSCAN-BINARY CASE-DIR WORK-DIR\n", stderr);
        return 2;
    }
    char bin[PATH_MAX], case_dir[PATH_MAX], work[PATH_MAX];
    for (int i = 1; i <= 2; i++)
        if (!realpath(argv[i], i == 1 ? bin : case_dir)) {
            fprintf(stderr, "ws-run-case: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
    g_case = base_name(case_dir);
    if (!prepare_work_dir(argv[3]))
        return 2;
    if (!realpath(argv[3], work)) {
        fprintf(stderr, "ws-run-case: %s: %s\n", argv[3], strerror(errno));
        return 2;
    }
    tolerance tol;
    if (!read_tolerance(case_dir, &tol))
        return 2;

    char *args[MAX_ARGS];
    int nargs = 0;
    if (!read_args(case_dir, bin, work, args, &nargs))
        return 2;
    buf out = {0}, err = {0};
    char why[256] = "";
    int rc = run(args, case_dir, &out, &err, why, sizeof why);
    for (int i = 0; i < nargs; i++)
        free(args[i]);
    char *log_out = join_path(work, "wijkscan.stdout");
    char *log_err = join_path(work, "wijkscan.stderr");
    write_file(log_out, buf_str(&out), out.len);
    write_file(log_err, buf_str(&err), err.len);
    free(log_out);
    free(log_err);
    if (rc != 0) {
        if (rc < 0)
            printf("%s: wijkscan did not finish: %s\n", g_case, why);
        else
            printf("%s: wijkscan exited with status %d\n", g_case, rc);
        printf("--- stdout\n%s--- stderr\n%s", buf_str(&out), buf_str(&err));
        printf("%s: FAIL\n", g_case);
        free(out.data);
        free(err.data);
        return 1;
    }

    static const char *const levels[][2] = {{"buurten", "buurtcode"},
                                            {"wijken", "wijkcode"},
                                            {"gemeenten", "gemeentecode"},
                                            {"regio", "regiocode"}};
    counts n = {0, 0};
    size_t nlevels = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof levels / sizeof levels[0]; i++) {
        char name[64], act_name[64];
        snprintf(name, sizeof name, "expected/%s.csv", levels[i][0]);
        snprintf(act_name, sizeof act_name, "out_%s.csv", levels[i][0]);
        char *exp_path = join_path(case_dir, name);
        char *act_path = join_path(work, act_name);
        if (file_exists(exp_path)) {
            nlevels++;
            ok = compare_level(levels[i][0], levels[i][1], exp_path, act_path,
                               &tol, &n);
        }
        free(exp_path);
        free(act_path);
    }
    if (ok)
        ok = check_stdout(case_dir, buf_str(&out), &n);
    free(out.data);
    free(err.data);
    if (!ok)
        return 2;
    if (nlevels == 0) {
        fprintf(stderr, "ws-run-case: %s: no expected/<level>.csv files\n",
                case_dir);
        return 2;
    }
    if (n.differ) {
        printf("%s: FAIL (%zu of %zu checked values differ)\n", g_case,
               n.differ, n.checked);
        return 1;
    }
    printf("%s: PASS (%zu values checked)\n", g_case, n.checked);
    return 0;
}
