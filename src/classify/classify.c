/* Classification of map values into classes: quantile (tie-aware), equal
 * interval, exact Fisher–Jenks, pretty, head/tail, standard deviation and
 * manual breaks, for one array or pooled over several.
 *
 * Every method works on the sorted non-missing values and produces
 * candidate upper bounds; finish() drops candidates that do not rise above
 * the previous one (ties), counts the values per class and sets `merged`
 * when fewer classes than requested remain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_internal.h"
#include "wijkscan/classify.h"

void ws_classify_options_init(ws_classify_options *opt) {
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->method = WS_CLASS_QUANTILE;
    opt->k = 5;
    opt->manual_breaks = NULL;
    opt->n_manual = 0;
}

void ws_classes_free(ws_ctx *ctx, ws_classes *c) {
    if (!ctx || !c)
        return;
    ws__free(ctx, c->breaks);
    ws__free(ctx, c->counts);
    ws__free(ctx, c);
}

long ws_classes_find(const ws_classes *c, double value) {
    if (!c || c->nclasses == 0 || isnan(value))
        return -1;
    /* first break >= value (binary search); none: the last class */
    size_t lo = 0, hi = c->nclasses - 1;
    if (value > c->breaks[hi])
        return (long)hi;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->breaks[mid] >= value)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (long)lo;
}

/* ------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *method_name(ws_class_method m) {
    switch (m) {
    case WS_CLASS_QUANTILE:
        return "quantile";
    case WS_CLASS_EQUAL_INTERVAL:
        return "equal interval";
    case WS_CLASS_FISHER_JENKS:
        return "Fisher-Jenks";
    case WS_CLASS_PRETTY:
        return "pretty";
    case WS_CLASS_HEAD_TAIL:
        return "head/tail";
    case WS_CLASS_STDDEV:
        return "standard deviation";
    case WS_CLASS_MANUAL:
        return "manual";
    }
    return "unknown";
}

static ws_status check_options(ws_ctx *ctx, const ws_classify_options *opt) {
    switch (opt->method) {
    case WS_CLASS_QUANTILE:
    case WS_CLASS_EQUAL_INTERVAL:
    case WS_CLASS_FISHER_JENKS:
    case WS_CLASS_PRETTY:
    case WS_CLASS_HEAD_TAIL:
    case WS_CLASS_STDDEV:
        if (opt->k < 1 || opt->k > WS_CLASS_MAX_K)
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "classify: k = %zu classes is out of range "
                             "(1 to %d)",
                             opt->k, WS_CLASS_MAX_K);
        return WS_OK;
    case WS_CLASS_MANUAL:
        if (opt->n_manual == 0 || !opt->manual_breaks)
            return ws__error(ctx, WS_ERR_INVALID_ARG,
                             "classify: manual classification without breaks");
        for (size_t i = 0; i < opt->n_manual; i++) {
            double b = opt->manual_breaks[i];
            if (!isfinite(b))
                return ws__error(ctx, WS_ERR_INVALID_ARG,
                                 "classify: manual break %zu (%g) is not "
                                 "finite",
                                 i + 1, b);
            if (i > 0 && !(b > opt->manual_breaks[i - 1]))
                return ws__error(ctx, WS_ERR_INVALID_ARG,
                                 "classify: manual break %zu (%g) is not "
                                 "above break %zu (%g); breaks must be "
                                 "strictly ascending",
                                 i + 1, b, i, opt->manual_breaks[i - 1]);
        }
        return WS_OK;
    }
    return ws__error(ctx, WS_ERR_INVALID_ARG,
                     "classify: unknown classification method %d",
                     (int)opt->method);
}

/* Build the result from ascending candidate upper bounds `cand` (ties and
 * non-rising candidates are dropped) and count the sorted values x. */
static ws_status finish(ws_ctx *ctx, const double *x, size_t n,
                        const double *cand, size_t ncand, size_t requested,
                        ws_class_method method, ws_classes **out) {
    ws_classes *c = ws__calloc(ctx, 1, sizeof *c);
    if (!c)
        return WS_ERR_NOMEM;
    c->requested = requested;
    if (n > 0) {
        c->min = x[0];
        c->max = x[n - 1];
    }
    if (n == 0 || ncand == 0) {
        *out = c;
        return WS_OK;
    }
    c->breaks = ws__malloc(ctx, ncand * sizeof *c->breaks);
    c->counts = ws__calloc(ctx, ncand, sizeof *c->counts);
    if (!c->breaks || !c->counts) {
        ws_classes_free(ctx, c);
        return WS_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < ncand; i++) {
        if (m > 0 && !(cand[i] > c->breaks[m - 1]))
            continue;
        c->breaks[m++] = cand[i];
    }
    c->nclasses = m;
    for (size_t i = 0; i < n; i++)
        c->counts[ws_classes_find(c, x[i])]++;
    c->merged = m < requested;
    if (c->merged)
        ws__info(ctx,
                 "classify: %s gave %zu of the %zu requested classes "
                 "(tied or too few distinct values)",
                 method_name(method), m, requested);
    *out = c;
    return WS_OK;
}

/* --- quantile ----------------------------------------------------------- */

/* Candidate i (1..k-1) cuts after the ceil(i*n/k) smallest values, snapped
 * to the nearer edge of the run of equal values it falls in (up on a draw,
 * and never below the first run), so equal values share a class. */
static size_t quantile_breaks(const double *x, size_t n, size_t k,
                              double *cand) {
    size_t nc = 0;
    for (size_t i = 1; i < k; i++) {
        size_t r = (i * n + k - 1) / k; /* values in the first i classes */
        if (r == 0)
            r = 1;
        size_t lo = r - 1, hi = r - 1; /* run of values equal to x[r-1] */
        while (lo > 0 && x[lo - 1] == x[r - 1])
            lo--;
        while (hi + 1 < n && x[hi + 1] == x[r - 1])
            hi++;
        size_t up = hi + 1 - r; /* cut after the run: hi+1 values */
        size_t down = r - lo;   /* cut before the run: lo values */
        if (lo > 0 && down < up)
            cand[nc++] = x[lo - 1];
        else
            cand[nc++] = x[hi];
    }
    cand[nc++] = x[n - 1];
    qsort(cand, nc, sizeof *cand, cmp_double);
    return nc;
}

/* --- equal interval ------------------------------------------------------ */

static size_t equal_breaks(const double *x, size_t n, size_t k, double *cand) {
    double lo = x[0], hi = x[n - 1];
    size_t nc = 0;
    if (hi > lo)
        for (size_t i = 1; i < k; i++)
            cand[nc++] = lo + (hi - lo) * (double)i / (double)k;
    cand[nc++] = hi;
    return nc;
}

/* --- Fisher–Jenks -------------------------------------------------------- */

/* Exact optimum by dynamic programming over the u distinct values with
 * their multiplicities as weights (an optimal partition never needs to
 * split equal values): O(k·u²) time, O(k·u) memory. Sums are taken about
 * the mean to limit cancellation. */
static ws_status jenks_breaks(ws_ctx *ctx, const double *x, size_t n, size_t k,
                              double *cand, size_t *ncand) {
    size_t u = 1;
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[i - 1])
            u++;
    if (u <= k) { /* every distinct value its own class */
        size_t nc = 0;
        for (size_t i = 0; i < n; i++)
            if (i + 1 == n || x[i + 1] != x[i])
                cand[nc++] = x[i];
        *ncand = nc;
        return WS_OK;
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;

    double *val = ws__malloc(ctx, u * sizeof *val);
    /* prefix sums of w, w·y, w·y² (y = value - mean), u+1 entries each */
    double *sw = ws__malloc(ctx, (u + 1) * sizeof *sw);
    double *sy = ws__malloc(ctx, (u + 1) * sizeof *sy);
    double *syy = ws__malloc(ctx, (u + 1) * sizeof *syy);
    double *prev = ws__malloc(ctx, u * sizeof *prev);
    double *cur = ws__malloc(ctx, u * sizeof *cur);
    size_t *back = ws__malloc(ctx, k * u * sizeof *back);
    ws_status st = WS_OK;
    if (!val || !sw || !sy || !syy || !prev || !cur || !back) {
        st = WS_ERR_NOMEM;
        goto done;
    }
    sw[0] = sy[0] = syy[0] = 0;
    {
        size_t j = 0, i = 0;
        while (i < n) {
            size_t e = i;
            while (e + 1 < n && x[e + 1] == x[i])
                e++;
            double w = (double)(e - i + 1), y = x[i] - mean;
            val[j] = x[i];
            sw[j + 1] = sw[j] + w;
            sy[j + 1] = sy[j] + w * y;
            syy[j + 1] = syy[j] + w * y * y;
            j++;
            i = e + 1;
        }
    }
/* sum of squared deviations of distinct values a..b (inclusive) */
#define SSD(a, b)                                                              \
    (syy[(b) + 1] - syy[(a)] -                                                 \
     (sy[(b) + 1] - sy[(a)]) * (sy[(b) + 1] - sy[(a)]) /                       \
         (sw[(b) + 1] - sw[(a)]))
    for (size_t i = 0; i < u; i++) {
        double s = SSD((size_t)0, i);
        prev[i] = s > 0 ? s : 0;
        back[i] = 0;
    }
    for (size_t c = 1; c < k; c++) {
        /* cur[i]: best cost of values 0..i in c+1 classes, the last one
         * starting at back[c*u+i] (>= c, so every class is non-empty) */
        for (size_t i = c; i < u; i++) {
            double best = HUGE_VAL;
            size_t arg = i;
            for (size_t m = i + 1; m-- > c;) {
                double s = SSD(m, i);
                double t = prev[m - 1] + (s > 0 ? s : 0);
                if (t < best) {
                    best = t;
                    arg = m;
                }
            }
            cur[i] = best;
            back[c * u + i] = arg;
        }
        double *tmp = prev;
        prev = cur;
        cur = tmp;
    }
#undef SSD
    {
        size_t end = u - 1;
        for (size_t c = k; c-- > 0;) {
            cand[c] = val[end];
            size_t start = back[c * u + end];
            if (c > 0)
                end = start - 1;
        }
        *ncand = k;
    }
done:
    ws__free(ctx, val);
    ws__free(ctx, sw);
    ws__free(ctx, sy);
    ws__free(ctx, syy);
    ws__free(ctx, prev);
    ws__free(ctx, cur);
    ws__free(ctx, back);
    return st;
}

/* --- pretty -------------------------------------------------------------- */

/* R's pretty() step: cell = range / k, unit = 1, 2, 5 or 10 × 10^e with
 * R's bias towards the larger unit (h = 1.5, h5 = 0.5 + 1.5 h); boundaries
 * are the multiples of the unit covering [min, max]. Each boundary is
 * computed as integer × 10^e (or integer / 10^-e) so 0.1-steps print
 * exactly. */
static double pretty_value(long long i, long long mult, int e) {
    double m = (double)(i * mult);
    return e >= 0 ? m * pow(10.0, e) : m / pow(10.0, -e);
}

static size_t pretty_breaks(const double *x, size_t n, size_t k, double *cand,
                            size_t cap) {
    double lo = x[0], hi = x[n - 1];
    if (!(hi > lo)) {
        cand[0] = hi;
        return 1;
    }
    double cell = (hi - lo) / (double)k;
    int e = (int)floor(log10(cell));
    double U = pow(10.0, e);
    long long mult = 1;
    double unit = U;
    const double h = 1.5, h5 = 0.5 + 1.5 * h;
    if (2 * U - cell < h * (cell - unit)) {
        unit = 2 * U;
        mult = 2;
        if (5 * U - cell < h5 * (cell - unit)) {
            unit = 5 * U;
            mult = 5;
            if (10 * U - cell < h * (cell - unit)) {
                unit = 10 * U;
                mult = 10;
            }
        }
    }
    long long ns = (long long)floor(lo / unit + 1e-7);
    long long nu = (long long)ceil(hi / unit - 1e-7);
    while (pretty_value(ns, mult, e) > lo)
        ns--;
    while (pretty_value(nu, mult, e) < hi)
        nu++;
    size_t nc = 0;
    for (long long i = ns + 1; i <= nu && nc < cap; i++)
        cand[nc++] = pretty_value(i, mult, e);
    return nc;
}

/* --- head/tail ----------------------------------------------------------- */

/* Split at the mean of the current part while the head (values above the
 * mean) holds less than 40 % of that part, then continue with the head. */
static size_t headtail_breaks(const double *x, size_t n, size_t k,
                              double *cand) {
    size_t nc = 0, start = 0;
    while (nc + 1 < k && start < n && x[start] < x[n - 1]) {
        double s = 0;
        for (size_t i = start; i < n; i++)
            s += x[i];
        double mean = s / (double)(n - start);
        size_t h = start;
        while (h < n && x[h] <= mean)
            h++;
        size_t head = n - h, part = n - start;
        if (head == 0 || !((double)head < 0.4 * (double)part))
            break;
        cand[nc++] = mean;
        start = h;
    }
    cand[nc++] = x[n - 1];
    return nc;
}

/* --- standard deviation -------------------------------------------------- */

static size_t stddev_breaks(const double *x, size_t n, size_t k, double *cand) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double mean = s / (double)n, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double sd = sqrt(ss / (double)n);
    size_t nc = 0;
    if (sd > 0 && k > 1) {
        /* k-1 inner boundaries, symmetric about the mean: odd k at ±1..±h
         * sd (h = (k-1)/2), even k at 0 and ±1..±(k/2-1) sd. */
        long half = (long)((k - 1) / 2);
        for (long j = -half; j <= half; j++) {
            if (j == 0 && k % 2)
                continue;
            double z = (double)j;
            double b = mean + z * sd;
            if (b >= x[0] && b < x[n - 1])
                cand[nc++] = b;
        }
    }
    cand[nc++] = x[n - 1];
    return nc;
}

/* --- driver -------------------------------------------------------------- */

static ws_status classify_sorted(ws_ctx *ctx, const double *x, size_t n,
                                 const ws_classify_options *opt,
                                 ws_classes **out) {
    size_t requested = opt->method == WS_CLASS_MANUAL ? opt->n_manual : opt->k;
    if (n == 0)
        return finish(ctx, x, 0, NULL, 0, requested, opt->method, out);
    /* pretty can give up to about 2k+2 classes; manual its own count */
    size_t cap =
        opt->method == WS_CLASS_MANUAL ? opt->n_manual : 2 * WS_CLASS_MAX_K + 4;
    double *cand = ws__malloc(ctx, cap * sizeof *cand);
    if (!cand)
        return WS_ERR_NOMEM;
    size_t nc = 0;
    ws_status st = WS_OK;
    switch (opt->method) {
    case WS_CLASS_QUANTILE:
        nc = quantile_breaks(x, n, opt->k, cand);
        break;
    case WS_CLASS_EQUAL_INTERVAL:
        nc = equal_breaks(x, n, opt->k, cand);
        break;
    case WS_CLASS_FISHER_JENKS:
        st = jenks_breaks(ctx, x, n, opt->k, cand, &nc);
        break;
    case WS_CLASS_PRETTY:
        nc = pretty_breaks(x, n, opt->k, cand, cap);
        break;
    case WS_CLASS_HEAD_TAIL:
        nc = headtail_breaks(x, n, opt->k, cand);
        break;
    case WS_CLASS_STDDEV:
        nc = stddev_breaks(x, n, opt->k, cand);
        break;
    case WS_CLASS_MANUAL:
        memcpy(cand, opt->manual_breaks, opt->n_manual * sizeof *cand);
        nc = opt->n_manual;
        break;
    }
    if (st == WS_OK)
        st = finish(ctx, x, n, cand, nc, requested, opt->method, out);
    ws__free(ctx, cand);
    return st;
}

/* Shared by ws_classify and ws_classify_pooled: nsets arrays. */
static ws_status classify_sets(ws_ctx *ctx, const double *const *v,
                               const uint8_t *const *missing, const size_t *n,
                               size_t nsets, const ws_classify_options *opt,
                               bool pooled, ws_classes **out) {
    if (!ctx)
        return WS_ERR_INVALID_ARG;
    if (!out)
        return ws__error(ctx, WS_ERR_INVALID_ARG, "classify: out is NULL");
    *out = NULL;
    ws_classify_options defaults;
    if (!opt) {
        ws_classify_options_init(&defaults);
        opt = &defaults;
    }
    ws_status st = check_options(ctx, opt);
    if (st != WS_OK)
        return st;
    size_t total = 0;
    for (size_t s = 0; s < nsets; s++) {
        if (n[s] > 0 && !v[s])
            return pooled ? ws__error(ctx, WS_ERR_INVALID_ARG,
                                      "classify: values of set %zu are NULL",
                                      s + 1)
                          : ws__error(ctx, WS_ERR_INVALID_ARG,
                                      "classify: values are NULL");
        total += n[s];
    }
    double *x = ws__malloc(ctx, (total ? total : 1) * sizeof *x);
    if (!x)
        return WS_ERR_NOMEM;
    size_t m = 0;
    for (size_t s = 0; s < nsets; s++) {
        const uint8_t *miss = missing ? missing[s] : NULL;
        for (size_t i = 0; i < n[s]; i++) {
            double val = v[s][i];
            if ((miss && miss[i]) || isnan(val))
                continue;
            if (isinf(val)) {
                ws__free(ctx, x);
                if (pooled)
                    return ws__error(ctx, WS_ERR_INVALID_ARG,
                                     "classify: value %zu of set %zu is "
                                     "infinite",
                                     i + 1, s + 1);
                return ws__error(ctx, WS_ERR_INVALID_ARG,
                                 "classify: value %zu is infinite", i + 1);
            }
            x[m++] = val;
        }
    }
    qsort(x, m, sizeof *x, cmp_double);
    st = classify_sorted(ctx, x, m, opt, out);
    ws__free(ctx, x);
    return st;
}

ws_status ws_classify(ws_ctx *ctx, const double *v, const uint8_t *missing,
                      size_t n, const ws_classify_options *opt,
                      ws_classes **out) {
    return classify_sets(ctx, &v, &missing, &n, 1, opt, false, out);
}

ws_status ws_classify_pooled(ws_ctx *ctx, const double *const *v,
                             const uint8_t *const *missing, const size_t *n,
                             size_t nsets, const ws_classify_options *opt,
                             ws_classes **out) {
    if (ctx && out)
        *out = NULL;
    if (ctx && nsets > 0 && (!v || !n))
        return ws__error(ctx, WS_ERR_INVALID_ARG,
                         "classify: pooled sets or their lengths are NULL");
    return classify_sets(ctx, v, missing, n, nsets, opt, true, out);
}
