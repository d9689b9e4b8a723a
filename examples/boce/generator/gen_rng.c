/*
 * gen_rng.c — deterministic random numbers for wijkscan-boce-gen.
 *
 * xoshiro256** seeded through splitmix64 from (seed, stream), so each
 * generation phase and each buurt gets its own reproducible stream. Only
 * integer arithmetic and IEEE double operations are used, so the same seed
 * gives the same sequence on every run.
 */
#include <math.h>

#include "gen_internal.h"

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(GenRng *r, uint64_t seed, uint64_t stream) {
    uint64_t st = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&st);
    }
}

uint64_t rng_next(GenRng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1) with 53 random bits. */
double rng_uniform(GenRng *r) {
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double rng_range(GenRng *r, double lo, double hi) {
    return lo + (hi - lo) * rng_uniform(r);
}

/* Uniform integer in [lo, hi] (inclusive). */
int rng_int(GenRng *r, int lo, int hi) {
    if (hi <= lo) {
        return lo;
    }
    uint64_t span = (uint64_t)((int64_t)hi - (int64_t)lo + 1);
    return (int)((int64_t)lo + (int64_t)(rng_next(r) % span));
}

/* Standard normal by Box-Muller (one value per call; simple and reproducible).
 */
double rng_normal(GenRng *r) {
    double u1 = rng_uniform(r);
    double u2 = rng_uniform(r);
    if (u1 < 1e-300) {
        u1 = 1e-300;
    }
    return sqrt(-2.0 * log(u1)) * cos(2.0 * GEN_PI * u2);
}

int rng_chance(GenRng *r, double p) { return rng_uniform(r) < p; }

size_t rng_index(GenRng *r, size_t n) {
    if (n == 0) {
        return 0;
    }
    return (size_t)(rng_next(r) % (uint64_t)n);
}

/* Index drawn with probability proportional to w[i] (w[i] >= 0). */
size_t rng_weighted(GenRng *r, const double *w, size_t n) {
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        total += w[i];
    }
    if (n == 0 || total <= 0.0) {
        return rng_index(r, n);
    }
    double u = rng_uniform(r) * total;
    for (size_t i = 0; i < n; i++) {
        if (u < w[i]) {
            return i;
        }
        u -= w[i];
    }
    return n - 1;
}
