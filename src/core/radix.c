/* Stable LSD radix sort of 64-bit keys carrying a 32-bit value: 11 bits a
 * pass, every histogram counted in one read, and passes whose digit is the
 * same for every key skipped (BAG identificaties use about 51 bits, so 5 of
 * the 6 passes run). Linear in n, with no per-element allocation; used to
 * group dwellings by pand where a hash of 8 M keys cost seconds in cache
 * misses. */
#include <string.h>

#include "core_internal.h"

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)
#define RADIX_PASSES ((64 + RADIX_BITS - 1) / RADIX_BITS)

static void count_digits(const uint64_t *keys, size_t n,
                         size_t (*hist)[RADIX_SIZE]) {
    for (size_t i = 0; i < n; i++) {
        uint64_t k = keys[i];
        for (int p = 0; p < RADIX_PASSES; p++)
            hist[p][(k >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    }
}

/* Does one bucket hold every key (the pass would change nothing)? */
static bool single_bucket(const size_t *hist, size_t n) {
    for (size_t b = 0; b < RADIX_SIZE; b++)
        if (hist[b])
            return hist[b] == n;
    return true;
}

static void scatter(const uint64_t *keys, const uint32_t *vals, size_t n,
                    int pass, size_t *hist, uint64_t *okeys, uint32_t *ovals) {
    size_t pos = 0;
    for (size_t b = 0; b < RADIX_SIZE; b++) { /* counts -> start offsets */
        size_t c = hist[b];
        hist[b] = pos;
        pos += c;
    }
    for (size_t i = 0; i < n; i++) {
        size_t d = (keys[i] >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1);
        size_t at = hist[d]++;
        okeys[at] = keys[i];
        ovals[at] = vals[i];
    }
}

ws_status ws__radix_sort_u64(ws_ctx *ctx, uint64_t *keys, uint32_t *vals,
                             size_t n) {
    if (n < 2)
        return WS_OK;
    size_t(*hist)[RADIX_SIZE] = ws__calloc(ctx, RADIX_PASSES, sizeof *hist);
    uint64_t *tk = ws__malloc(ctx, n * sizeof *tk);
    uint32_t *tv = ws__malloc(ctx, n * sizeof *tv);
    if (!hist || !tk || !tv) {
        ws__free(ctx, hist);
        ws__free(ctx, tk);
        ws__free(ctx, tv);
        return WS_ERR_NOMEM;
    }
    count_digits(keys, n, hist);
    uint64_t *ik = keys, *ok = tk;
    uint32_t *iv = vals, *ov = tv;
    for (int p = 0; p < RADIX_PASSES; p++) {
        if (single_bucket(hist[p], n))
            continue;
        scatter(ik, iv, n, p, hist[p], ok, ov);
        uint64_t *sk = ik;
        ik = ok;
        ok = sk;
        uint32_t *sv = iv;
        iv = ov;
        ov = sv;
    }
    if (ik != keys) { /* an odd number of passes ran */
        memcpy(keys, ik, n * sizeof *keys);
        memcpy(vals, iv, n * sizeof *vals);
    }
    ws__free(ctx, hist);
    ws__free(ctx, tk);
    ws__free(ctx, tv);
    return WS_OK;
}
