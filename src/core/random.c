/* A small seedable generator (splitmix64, Steele/Lea/Flood 2014): the same
 * sequence on every platform and compiler, so a seeded analysis or test
 * gives the same result everywhere. Not for anything secret. */
#include "core_internal.h"

uint64_t ws__rng_next(uint64_t *state) {
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

double ws__rng_unit(uint64_t *state) {
    return (double)(ws__rng_next(state) >> 11) * 0x1.0p-53;
}
