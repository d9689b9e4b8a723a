/*
 * gen_alloc.c — distributes each wijk's real Woningvoorraad_35 over its
 * buurten.
 *
 * Weight of a buurt = sqrt(region area in ha) x a factor for its kind (town
 * core 1.6, village 1.0, industrial 0.15, rural "Verspreide
 * huizen"/"Buitengebied" 0.12). Every eligible buurt first gets 3 dwellings
 * when the wijk total allows it; the rest is split by largest remainder, with a
 * density cap per buurt (excess goes to the other buurten). The per-wijk sum is
 * exact by construction and verified afterwards.
 */
#include <math.h>
#include <stdlib.h>

#include "gen_internal.h"

#define MIN_PER_BUURT 3
#define MAX_ROUNDS 16

static double kind_factor(BuurtKind k) {
    switch (k) {
    case BUURT_CORE:
        return 1.6;
    case BUURT_RURAL:
        return 0.12;
    case BUURT_INDUSTRIAL:
        return 0.15;
    case BUURT_VILLAGE:
    default:
        return 1.0;
    }
}

/* Dwellings per hectare of sampling region that still leave room for the
 * panden. */
static double kind_density_cap(BuurtKind k) {
    switch (k) {
    case BUURT_RURAL:
        return 3.0;
    case BUURT_INDUSTRIAL:
        return 8.0;
    case BUURT_CORE:
    case BUURT_VILLAGE:
    default:
        return 38.0;
    }
}

typedef struct {
    int buurt;
    double weight, cap;
    int assigned, capped;
    double frac;
} Slot;

static int cmp_frac(const void *a, const void *b) {
    const Slot *x = *(const Slot *const *)a;
    const Slot *y = *(const Slot *const *)b;
    if (x->frac > y->frac) {
        return -1;
    }
    if (x->frac < y->frac) {
        return 1;
    }
    return x->buurt - y->buurt;
}

/* Splits `amount` over the uncapped slots by weight (largest remainder). */
static void split_largest_remainder(Slot *s, int n, int amount,
                                    int ignore_caps) {
    double total = 0.0;
    for (int i = 0; i < n; i++) {
        if (ignore_caps || !s[i].capped) {
            total += s[i].weight;
        }
    }
    if (total <= 0.0 || amount <= 0) {
        return;
    }
    Slot **order = malloc((size_t)n * sizeof(Slot *));
    if (!order) {
        return;
    }
    int given = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!ignore_caps && s[i].capped) {
            continue;
        }
        double exact = amount * s[i].weight / total;
        int whole = (int)floor(exact);
        s[i].assigned += whole;
        s[i].frac = exact - whole;
        given += whole;
        order[k++] = &s[i];
    }
    qsort(order, (size_t)k, sizeof(Slot *), cmp_frac);
    for (int i = 0; given < amount && k > 0; i = (i + 1) % k) {
        order[i]->assigned++;
        given++;
    }
    free(order);
}

/* Moves dwellings above the cap back into the pool; returns the amount moved.
 */
static int apply_caps(Slot *s, int n) {
    int excess = 0;
    for (int i = 0; i < n; i++) {
        int cap = (int)floor(s[i].cap);
        if (!s[i].capped && s[i].assigned > cap) {
            excess += s[i].assigned - cap;
            s[i].assigned = cap;
            s[i].capped = 1;
        }
    }
    return excess;
}

static int alloc_wijk(Model *m, const Wijk *w) {
    Slot *s = calloc((size_t)w->n_buurten + 1, sizeof(Slot));
    if (!s) {
        return gen_error("out of memory");
    }
    int n = 0;
    for (int i = 0; i < w->n_buurten; i++) {
        const Buurt *b = &m->buurten[w->buurten[i]];
        if (!b->eligible) {
            continue;
        }
        double ha = b->region_m2 / 1.0e4;
        s[n].buurt = w->buurten[i];
        s[n].weight = sqrt(ha) * kind_factor(b->kind);
        s[n].cap = fmax(ha * kind_density_cap(b->kind), 2.0 * MIN_PER_BUURT);
        n++;
    }
    int remaining = w->woningvoorraad;
    if (n > 0 && remaining >= MIN_PER_BUURT * n * 2) {
        for (int i = 0; i < n; i++) {
            s[i].assigned = MIN_PER_BUURT;
        }
        remaining -= MIN_PER_BUURT * n;
    }
    for (int round = 0; round < MAX_ROUNDS && remaining > 0; round++) {
        split_largest_remainder(s, n, remaining, 0);
        remaining = apply_caps(s, n);
        int open = 0;
        for (int i = 0; i < n; i++) {
            open += !s[i].capped;
        }
        if (open == 0) {
            break;
        }
    }
    if (remaining > 0) {
        /* every buurt is capped: exceed the caps evenly */
        split_largest_remainder(s, n, remaining, 1);
    }
    int sum = 0;
    for (int i = 0; i < n; i++) {
        m->buurten[s[i].buurt].dwellings = s[i].assigned;
        sum += s[i].assigned;
    }
    free(s);
    if (sum != w->woningvoorraad) {
        return gen_error("wijken: %s: allocated %d dwellings, expected %d",
                         w->code, sum, w->woningvoorraad);
    }
    return 0;
}

int alloc_dwellings(Model *m) {
    for (int w = 0; w < m->n_wijken; w++) {
        if (alloc_wijk(m, &m->wijken[w]) != 0) {
            return -1;
        }
    }
    for (int b = 0; b < m->n_buurten; b++) {
        m->woonplaatsen[m->buurten[b].woonplaats].dwellings +=
            m->buurten[b].dwellings;
    }
    return 0;
}
