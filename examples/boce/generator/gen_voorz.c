/*
 * gen_voorz.c — synthetic voorzieningen near the generated dwelling clusters.
 *
 * Per woonplaats with D allocated dwellings (about 2.2 inhabitants each):
 * huisarts ~1 per 2,500 inhabitants (from ~550 dwellings), apotheek ~1 per
 * 9,000 (from 1,200 dwellings), supermarkt ~1 per 3,500 (from ~300-600),
 * buurthuis and basisschool in villages of 150-250+ dwellings, sport and park
 * from 300-400, bushaltes ~1 per 170 dwellings (hamlets: at most one). Each
 * point is a clustered dwelling of the woonplaats moved by ~25 m, kept inside
 * that dwelling's buurt region.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

static void category_counts(int d, GenRng *r, int *count) {
    double inh = 2.2 * d;
    count[CAT_HUISARTS] = d >= 550 ? (int)fmax(1.0, floor(inh / 2500.0 + 0.5))
                                   : (d >= 350 && rng_chance(r, 0.5));
    count[CAT_APOTHEEK] =
        d >= 2500 ? (int)fmax(1.0, floor(inh / 9000.0 + 0.5)) : (d >= 1200);
    count[CAT_SUPERMARKT] = d >= 600 ? (int)fmax(1.0, floor(inh / 3500.0 + 0.5))
                                     : (d >= 300 && rng_chance(r, 0.5));
    count[CAT_BUURTHUIS] =
        d >= 150 ? (int)fmax(1.0, floor(d / 2000.0 + 0.5)) : 0;
    count[CAT_BASISSCHOOL] =
        d >= 250 ? 1 + d / 1300 : (d >= 150 && rng_chance(r, 0.4));
    count[CAT_SPORT] = d >= 300 ? 1 + d / 1600 : 0;
    count[CAT_PARK] = d >= 400 ? 1 + d / 1100 : 0;
    count[CAT_BUSHALTE] =
        d >= 300 ? 2 + d / 170 : (d >= 20 && rng_chance(r, 0.6));
}

/* Dwellings of a woonplaats, preferring those in clusters over scattered ones.
 */
static int *seed_dwellings(const Model *m, int wp, int *count) {
    int *list = malloc(((size_t)m->n_vbos + 1) * sizeof(int));
    if (!list) {
        gen_error("out of memory");
        return NULL;
    }
    for (int pass = 0; pass < 2; pass++) {
        int n = 0;
        for (int v = 0; v < m->n_vbos; v++) {
            const Pand *p = &m->panden[m->vbos[v].pand];
            if (m->buurten[p->buurt].woonplaats == wp &&
                vbo_is_dwelling(&m->vbos[v]) && (pass == 1 || p->core >= 0)) {
                list[n++] = v;
            }
        }
        if (n > 0 || pass == 1) {
            *count = n;
            return list;
        }
    }
    *count = 0;
    return list;
}

static int add_voorziening(Model *m, const Voorziening *v) {
    Voorziening *grown = gen_grow(m->voorz, &m->cap_voorz,
                                  (size_t)m->n_voorz + 1, sizeof(Voorziening));
    if (!grown) {
        return -1;
    }
    m->voorz = grown;
    m->voorz[m->n_voorz++] = *v;
    return 0;
}

static double round_cm(double v) { return floor(v * 100.0 + 0.5) / 100.0; }

static int place_one(Model *m, int wp, Categorie cat, int nth, const int *seeds,
                     int n_seeds, GenRng *r) {
    const Vbo *seed = &m->vbos[seeds[rng_index(r, (size_t)n_seeds)]];
    const Buurt *b = &m->buurten[m->panden[seed->pand].buurt];
    Voorziening v;
    memset(&v, 0, sizeof v);
    v.x = seed->x, v.y = seed->y;
    for (int attempt = 0; attempt < 30; attempt++) {
        double x = round_cm(seed->x + 25.0 * rng_normal(r));
        double y = round_cm(seed->y + 25.0 * rng_normal(r));
        if (region_contains_point(b, x, y)) {
            v.x = x, v.y = y;
            break;
        }
    }
    v.cat = cat;
    v.gemeente = b->gemeente;
    v.woonplaats = wp;
    v.buurt = m->panden[seed->pand].buurt;
    const char *street =
        seed->street >= 0 ? m->streets[seed->street].name : b->naam;
    names_voorziening(r, cat, m->woonplaatsen[wp].name, b->naam, street, nth,
                      &v.variant, v.naam, sizeof v.naam);
    return add_voorziening(m, &v);
}

int voorz_generate(Model *m) {
    GenRng r;
    rng_seed(&r, m->seed, 9000u);
    for (int wp = 0; wp < m->n_woonplaatsen; wp++) {
        int count[CAT_COUNT];
        category_counts(m->woonplaatsen[wp].dwellings, &r, count);
        int n_seeds = 0;
        int *seeds = seed_dwellings(m, wp, &n_seeds);
        if (!seeds) {
            return -1;
        }
        int rc = 0;
        for (int c = 0; c < CAT_COUNT && rc == 0 && n_seeds > 0; c++) {
            for (int k = 0; k < count[c] && rc == 0; k++) {
                rc = place_one(m, wp, (Categorie)c, k, seeds, n_seeds, &r);
            }
        }
        free(seeds);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}
