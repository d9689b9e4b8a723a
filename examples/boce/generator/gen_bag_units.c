/*
 * gen_bag_units.c — generates the panden and verblijfsobjecten of one buurt.
 *
 * A buurt gets 1-3 dwelling clusters ("cores", Gaussian spread) plus a
 * scattered share (8-18 %, 40-55 % in rural buurten). Its dwellings are
 * planned as stacked panden (6-40 VBOs) and single-dwelling panden, then
 * non-residential VBOs (own pand or ground floor of a stacked pand) and
 * woonfunctie VBOs with a non-live status (own pand with a matching pand
 * status). Exactly b->dwellings VBOs pass the dwelling rule. Bouwjaar follows
 * a building era per core.
 *
 * A dwelling pand's footprint follows from its floor area: the bouwjaar and
 * the dwellings' oppervlakte are drawn first, then a number of woonlagen
 * (eengezins: 1 for a bungalow, else 2; stacked: 2-3, 3-5 or 4-8 by size,
 * at most 4 before 1965), and the footprint is the summed oppervlakte /
 * (woonlagen x 0.72-0.92 usable floor area per m2 of footprint). So the
 * woonlagen estimated back from BAG (oppervlakte / (footprint x 0.8)) come
 * out near the drawn ones, as in real data.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

typedef enum { UNIT_STACKED, UNIT_NONRES, UNIT_SINGLE, UNIT_NONLIVE } UnitKind;

typedef struct {
    UnitKind kind;
    int n_dwellings, n_shops, core;
} Unit;

typedef struct {
    int n_cores;    /* dwelling clusters */
    double scatter; /* share of single panden placed uniformly */
    double stacked; /* share of dwellings in stacked panden */
    double nonres;  /* non-residential VBOs per dwelling */
    double mixed;   /* share of dwellings with winkelfunctie,woonfunctie */
} Profile;

static Profile profile_for(const Buurt *b, GenRng *r) {
    int n = b->dwellings;
    Profile p;
    switch (b->kind) {
    case BUURT_CORE:
        p = (Profile){n < 80 ? 1 : (n < 700 ? 2 : 3), rng_range(r, 0.08, 0.14),
                      0.52, 0.08, 0.03};
        break;
    case BUURT_RURAL:
        p = (Profile){n < 25 ? 1 : (n < 120 ? 2 : 3), rng_range(r, 0.40, 0.55),
                      0.04, 0.035, 0.006};
        break;
    case BUURT_INDUSTRIAL:
        p = (Profile){n > 50 ? 2 : 1, 0.25, 0.10, 0.06, 0.02};
        break;
    case BUURT_VILLAGE:
    default:
        p = (Profile){n < 60 ? 1 : (n < 500 ? 2 : 3), rng_range(r, 0.10, 0.18),
                      0.36, 0.045, 0.012};
        break;
    }
    return p;
}

static int make_cores(Model *m, int bi, const Profile *pf, GenRng *r) {
    Buurt *b = &m->buurten[bi];
    b->first_core = m->n_cores;
    b->n_cores = 0;
    double spread = b->kind == BUURT_RURAL ? 0.045 : 0.22;
    for (int k = 0; k < pf->n_cores; k++) {
        double bx = 0, by = 0, best = -1.0;
        /* the farthest of 8 candidates from the earlier cores */
        for (int c = 0; c < 8; c++) {
            double x, y, dmin = 1e30;
            if (region_random_point(b, r, &x, &y) != 0) {
                return -1;
            }
            for (int j = b->first_core; j < m->n_cores; j++) {
                dmin = fmin(dmin, hypot(x - m->cores[j].x, y - m->cores[j].y));
            }
            if (dmin > best) {
                best = dmin, bx = x, by = y;
            }
        }
        Core *grown = gen_grow(m->cores, &m->cap_cores, (size_t)m->n_cores + 1,
                               sizeof(Core));
        if (!grown) {
            return -1;
        }
        m->cores = grown;
        Core *c = &m->cores[m->n_cores++];
        memset(c, 0, sizeof *c);
        double sigma = spread * sqrt(b->region_m2 / pf->n_cores);
        c->buurt = bi, c->x = bx, c->y = by,
        c->angle = rng_range(r, 0.0, GEN_PI);
        c->sigma = b->kind == BUURT_RURAL ? fmin(fmax(sigma, 35.0), 180.0)
                                          : fmin(fmax(sigma, 35.0), 420.0);
        c->weight = (k == 0 && b->kind == BUURT_CORE) ? 1.6 : 1.0;
        int town_core = k == 0 && b->kind == BUURT_CORE;
        c->sigma *= town_core ? 0.75 : 1.0;
        c->era = value_core_era(r, b->kind == BUURT_RURAL, town_core);
        b->n_cores++;
    }
    return 0;
}

static int pick_core(const Model *m, const Buurt *b, GenRng *r) {
    double w[8];
    int n = b->n_cores < 8 ? b->n_cores : 8;
    if (n == 0) {
        return -1;
    }
    for (int i = 0; i < n; i++) {
        w[i] = m->cores[b->first_core + i].weight;
    }
    return b->first_core + (int)rng_weighted(r, w, (size_t)n);
}

static int stacked_size(GenRng *r, int left) {
    double u = rng_uniform(r);
    int s = 6 + (int)(34.0 * u * u);
    if (s > left) {
        s = left;
    }
    if (left - s > 0 && left - s < 6) {
        s = left <= 40 ? left : left - 6;
    }
    return s;
}

/* Plans the units (future panden) of a buurt; returns a malloc'ed array. */
static Unit *plan_units(const Model *m, const Buurt *b, const Profile *pf,
                        GenRng *r, int *count) {
    int n = b->dwellings;
    int n_nr = (int)floor(n * pf->nonres + rng_uniform(r));
    if (b->kind == BUURT_INDUSTRIAL && b->region_m2 > 3.0e4) {
        n_nr += rng_int(r, 15, 35);
    }
    int n_nl = (int)floor(n * 0.033 + rng_uniform(r));
    Unit *u = calloc((size_t)(n + n_nr + n_nl + 1), sizeof(Unit));
    if (!u) {
        gen_error("out of memory");
        return NULL;
    }
    int k = 0, n_stacked_units = 0;
    int left = gen_round(n * pf->stacked);
    left = left < 6 ? 0 : left;
    int singles = n - left;
    while (left >= 6) {
        int s = stacked_size(r, left);
        u[k++] = (Unit){UNIT_STACKED, s, 0, pick_core(m, b, r)};
        left -= s;
    }
    singles += left;
    n_stacked_units = k;
    for (int i = 0; i < n_nr; i++) {
        if (n_stacked_units > 0 && rng_chance(r, 0.35)) {
            Unit *host = &u[rng_index(r, (size_t)n_stacked_units)];
            if (host->n_shops < 3) {
                host->n_shops++;
                continue;
            }
        }
        u[k++] = (Unit){UNIT_NONRES, 0, 0,
                        rng_chance(r, 0.8) ? pick_core(m, b, r) : -1};
    }
    for (int i = 0; i < singles; i++) {
        u[k++] = (Unit){UNIT_SINGLE, 1, 0,
                        rng_chance(r, pf->scatter) ? -1 : pick_core(m, b, r)};
    }
    for (int i = 0; i < n_nl; i++) {
        u[k++] = (Unit){UNIT_NONLIVE, 0, 0,
                        rng_chance(r, pf->scatter) ? -1 : pick_core(m, b, r)};
    }
    *count = k;
    return u;
}

static int add_vbo(Model *m, int pi, GenRng *r, VboStatus st, unsigned fn,
                   int opp) {
    Vbo *grown =
        gen_grow(m->vbos, &m->cap_vbos, (size_t)m->n_vbos + 1, sizeof(Vbo));
    if (!grown) {
        return -1;
    }
    m->vbos = grown;
    Pand *p = &m->panden[pi];
    Gemeente *g = &m->gemeenten[m->buurten[p->buurt].gemeente];
    Vbo *v = &m->vbos[m->n_vbos++];
    memset(v, 0, sizeof *v);
    pand_point_inside(p, r, &v->x, &v->y);
    v->pand = pi, v->status = st, v->gebruik = fn, v->oppervlakte = opp,
    v->street = -1;
    v->serial = g->next_vbo++;
    v->na_serial = g->next_na++;
    p->n_vbo++;
    return 0;
}

/* What is drawn before a dwelling pand is placed: its bouwjaar and the
 * oppervlakte of its dwellings (stacked panden hold at most 40). */
#define MAX_UNIT_DWELLINGS 64
typedef struct {
    int bouwjaar;
    int opp[MAX_UNIT_DWELLINGS];
} UnitValues;

/* Number of woonlagen of a dwelling pand. */
static int unit_woonlagen(const Unit *u, const Buurt *b, int bouwjaar,
                          GenRng *r) {
    if (u->kind != UNIT_STACKED) { /* bungalows: gelijkvloers */
        double p = b->kind == BUURT_RURAL ? 0.25 : 0.12;
        return rng_chance(r, p) ? 1 : 2;
    }
    int lo = u->n_dwellings <= 8 ? 2 : (u->n_dwellings <= 20 ? 3 : 4);
    int hi = u->n_dwellings <= 8 ? 3 : (u->n_dwellings <= 20 ? 5 : 8);
    if (bouwjaar < 1965 && hi > 4) /* older flats: portiekflats */
        hi = 4, lo = lo > 3 ? 3 : lo;
    return rng_int(r, lo, hi);
}

/* A rectangle of `area` m2 with a depth in [dmin, dmax] m, at most 90 m
 * long. */
static void rectangle(double area, double dmin, double dmax, GenRng *r,
                      PlaceSpec *spec) {
    double d = rng_range(r, dmin, dmax);
    double l = area / d;
    if (l < d) { /* small: square */
        d = l = sqrt(area);
    } else if (l > 90.0) {
        l = 90.0;
        d = area / l;
    }
    spec->hw = d / 2;
    spec->hl = l / 2;
}

/* Footprint of a dwelling pand (single, stacked or non-live) from the floor
 * area of its dwellings; a placeholder oppervlakte (1) counts as typical. */
static void dwelling_footprint(const Unit *u, const Buurt *b,
                               const UnitValues *v, int n, GenRng *r,
                               PlaceSpec *spec) {
    double floor_area = 0;
    for (int i = 0; i < n; i++)
        floor_area +=
            v->opp[i] > 1 ? v->opp[i] : (u->kind == UNIT_STACKED ? 72 : 122);
    int lagen = unit_woonlagen(u, b, v->bouwjaar, r);
    double area = floor_area / (lagen * rng_range(r, 0.72, 0.92));
    if (u->kind == UNIT_STACKED)
        rectangle(area, 10.0, 14.0, r, spec);
    else if (lagen == 1)
        rectangle(area, 8.0, 11.0, r, spec);
    else
        rectangle(area, 5.5, 8.0, r, spec);
}

/* A pand that had to be placed smaller than planned (a full buurt) keeps its
 * woonlagen: its dwellings get an oppervlakte smaller by the same ratio, at
 * least 30 m2 (the placeholder 1 stays). */
static void shrink_values(UnitValues *v, int n, double ratio) {
    for (int i = 0; i < n; i++)
        if (v->opp[i] > 1)
            v->opp[i] =
                gen_clamp_int(gen_round(v->opp[i] * ratio), 30, v->opp[i]);
}

static void nonres_footprint(GenRng *r, int nonres_opp, PlaceSpec *spec) {
    double w = fmin(
        fmax(sqrt((double)nonres_opp) * rng_range(r, 0.7, 1.0), 4.0), 40.0);
    spec->hw = w / 2;
    spec->hl = fmin(fmax(nonres_opp / w * rng_range(r, 0.9, 1.2), w), 60.0) / 2;
}

/* Bouwjaar and oppervlakten of a dwelling unit, drawn before placement;
 * returns the number of oppervlakten drawn. */
static int draw_values(const Model *m, const Unit *u, GenRng *r,
                       UnitValues *v) {
    const Core *core = u->core >= 0 ? &m->cores[u->core] : NULL;
    int stacked = u->kind == UNIT_STACKED;
    int n = u->kind == UNIT_NONLIVE ? 1 : u->n_dwellings;
    v->bouwjaar =
        u->kind == UNIT_NONLIVE ? 0 : value_pand_year(core, stacked, r);
    for (int i = 0; i < n; i++)
        v->opp[i] = value_dwelling_area(r, stacked);
    return n;
}

/* Fills the VBOs of a freshly placed pand and sets its status and bouwjaar. */
static int fill_pand(Model *m, int pi, const Unit *u, const Profile *pf,
                     GenRng *r, unsigned fn, int opp, const UnitValues *v) {
    int industrial = m->buurten[m->panden[pi].buurt].kind == BUURT_INDUSTRIAL;
    m->panden[pi].bouwjaar = v->bouwjaar;
    m->panden[pi].status = PS_IN_GEBRUIK;
    if (u->kind == UNIT_NONRES) {
        m->panden[pi].bouwjaar = rng_int(r, industrial ? 1965 : 1900, 2022);
        return add_vbo(m, pi, r, VS_IN_GEBRUIK, fn, opp);
    }
    if (u->kind == UNIT_NONLIVE) {
        VboStatus vs =
            value_nonlive(r, &m->panden[pi].status, &m->panden[pi].bouwjaar);
        return add_vbo(m, pi, r, vs, F_WOON, v->opp[0]);
    }
    for (int i = 0; i < u->n_shops; i++) {
        unsigned f = value_nonres_function(r, 0, 1);
        if (add_vbo(m, pi, r, VS_IN_GEBRUIK, f,
                    gen_clamp_int(value_nonres_area(r, f), 40, 400)) != 0) {
            return -1;
        }
    }
    for (int i = 0; i < u->n_dwellings; i++) {
        VboStatus st = value_dwelling_status(r);
        unsigned f = rng_chance(r, pf->mixed) ? (F_WINKEL | F_WOON) : F_WOON;
        if (u->kind == UNIT_SINGLE && st != VS_IN_GEBRUIK) {
            m->panden[pi].status =
                st == VS_VERBOUWING ? PS_VERBOUWING : PS_NIET_INGEMETEN;
        }
        if (add_vbo(m, pi, r, st, f, v->opp[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

static int place_unit(Model *m, int bi, PandGrid *grid, GenRng *r,
                      const Unit *u, const Profile *pf) {
    const Buurt *b = &m->buurten[bi];
    unsigned fn = 0;
    int opp = 0;
    UnitValues v = {0};
    PlaceSpec spec = {0};
    int n_values = 0;
    if (u->n_dwellings > MAX_UNIT_DWELLINGS) {
        return gen_error("buurten: %s: a pand of %d dwellings (at most %d)",
                         b->code, u->n_dwellings, MAX_UNIT_DWELLINGS);
    }
    if (u->kind == UNIT_NONRES) {
        fn = value_nonres_function(r, b->kind == BUURT_INDUSTRIAL, 0);
        opp = value_nonres_area(r, fn);
        nonres_footprint(r, opp, &spec);
    } else {
        n_values = draw_values(m, u, r, &v);
        dwelling_footprint(u, b, &v, n_values, r, &spec);
    }
    if (u->core >= 0) {
        const Core *c = &m->cores[u->core];
        spec.cx = c->x, spec.cy = c->y, spec.sigma = c->sigma;
        spec.angle = c->angle + (rng_chance(r, 0.5) ? 0.0 : GEN_PI / 2) +
                     0.04 * rng_normal(r);
    } else {
        spec.angle = rng_range(r, 0.0, GEN_PI);
    }
    Pand *grown = gen_grow(m->panden, &m->cap_panden, (size_t)m->n_panden + 1,
                           sizeof(Pand));
    if (!grown) {
        return -1;
    }
    m->panden = grown;
    Pand p;
    memset(&p, 0, sizeof p);
    p.buurt = bi, p.core = u->core, p.first_vbo = m->n_vbos;
    if (place_pand(b, grid, r, &spec, &p) != 0) {
        return -1;
    }
    double ratio = (p.hl * p.hw) / (spec.hl * spec.hw);
    if (ratio < 0.999)
        shrink_values(&v, n_values, ratio);
    p.serial = m->gemeenten[b->gemeente].next_pand++;
    int pi = m->n_panden++;
    m->panden[pi] = p;
    return fill_pand(m, pi, u, pf, r, fn, opp, &v);
}

int bag_generate_buurt(Model *m, int bi, GenRng *r) {
    Buurt *b = &m->buurten[bi];
    b->first_core = m->n_cores;
    b->n_cores = 0;
    b->first_pand = m->n_panden;
    b->n_panden = 0;
    if (!b->eligible || (b->dwellings == 0 && b->kind != BUURT_INDUSTRIAL)) {
        return 0;
    }
    Profile pf = profile_for(b, r);
    if (make_cores(m, bi, &pf, r) != 0) {
        return -1;
    }
    int n_units = 0;
    Unit *units = plan_units(m, b, &pf, r, &n_units);
    PandGrid *grid = units ? grid_create(&b->env) : NULL;
    int rc = grid ? 0 : gen_error("out of memory");
    for (int i = 0; i < n_units && rc == 0; i++) {
        rc = place_unit(m, bi, grid, r, &units[i], &pf);
    }
    grid_destroy(grid);
    free(units);
    b = &m->buurten[bi];
    b->n_panden = m->n_panden - b->first_pand;
    return rc;
}
