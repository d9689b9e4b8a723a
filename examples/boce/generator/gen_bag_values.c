/*
 * gen_bag_values.c — attribute values of the generated BAG objects.
 *
 * Bouwjaar follows a building era per dwelling cluster (town cores mostly
 * before 1970, estates spread over 1850-2023 with ~15 % from 2000 on, stacked
 * panden from 1955 on); oppervlakte per kind of VBO (dwellings 70-180 m2,
 * flats 35-110 m2, non-residential by function, 0.5 % placeholder 1); the
 * dwelling status mix (~1 % niet ingemeten / verbouwing) and the non-live
 * woonfunctie statuses with their matching pand status.
 */
#include <math.h>

#include "gen_internal.h"

enum { N_ERAS = 6 };
static const int ERA_LO[N_ERAS] = {1850, 1920, 1946, 1965, 1985, 2000};
static const int ERA_HI[N_ERAS] = {1939, 1945, 1969, 1984, 1999, 2023};
static const double ERA_TOWN[N_ERAS] = {0.45, 0.20, 0.20, 0.10, 0.05, 0.00};
static const double ERA_ESTATE[N_ERAS] = {0.07, 0.07, 0.24, 0.28, 0.20, 0.14};
static const double ERA_HAMLET[N_ERAS] = {0.30, 0.15, 0.20, 0.20, 0.10, 0.05};
static const double ERA_SCATTER[N_ERAS] = {0.30, 0.10, 0.16, 0.21, 0.13, 0.10};
static const double ERA_STACKED[N_ERAS] = {0.00, 0.00, 0.32, 0.33, 0.17, 0.18};

int value_core_era(GenRng *r, int rural, int town_core) {
    const double *w = rural ? ERA_HAMLET : ERA_ESTATE;
    return (int)rng_weighted(r, town_core ? ERA_TOWN : w, N_ERAS);
}

static int year_from(GenRng *r, const double *weights) {
    int era = (int)rng_weighted(r, weights, N_ERAS);
    return rng_int(r, ERA_LO[era], ERA_HI[era]);
}

int value_pand_year(const Core *c, int stacked, GenRng *r) {
    if (stacked) {
        if (c && c->era >= 2 && rng_chance(r, 0.6)) {
            return rng_int(r, ERA_LO[c->era] < 1955 ? 1955 : ERA_LO[c->era],
                           ERA_HI[c->era]);
        }
        return year_from(r, ERA_STACKED);
    }
    if (c && rng_chance(r, 0.72)) {
        return rng_int(r, ERA_LO[c->era], ERA_HI[c->era]);
    }
    return year_from(r, ERA_SCATTER);
}

unsigned value_nonres_function(GenRng *r, int industrial, int ground_floor) {
    static const unsigned fn[8] = {
        F_WINKEL,    F_KANTOOR, F_BIJEENKOMST, F_GEZONDHEIDSZORG,
        F_INDUSTRIE, F_SPORT,   F_ONDERWIJS,   F_OVERIG};
    static const double w_town[8] = {0.24, 0.16, 0.10, 0.10,
                                     0.10, 0.06, 0.06, 0.18};
    static const double w_ind[8] = {0.10, 0.25, 0.02, 0.01,
                                    0.45, 0.05, 0.00, 0.12};
    static const double w_ground[8] = {0.60, 0.15, 0.10, 0.15,
                                       0.0,  0.0,  0.0,  0.0};
    const double *w = ground_floor ? w_ground : (industrial ? w_ind : w_town);
    return fn[rng_weighted(r, w, 8)];
}

int value_nonres_area(GenRng *r, unsigned fn) {
    double med = 150, sd = 0.7, lo = 15, hi = 800;
    switch (fn) {
    case F_KANTOOR:
        med = 200, sd = 0.8, lo = 30, hi = 3000;
        break;
    case F_BIJEENKOMST:
        med = 250, lo = 50, hi = 2500;
        break;
    case F_GEZONDHEIDSZORG:
        med = 180, sd = 0.6, lo = 40, hi = 1500;
        break;
    case F_INDUSTRIE:
        med = 600, sd = 0.9, lo = 80, hi = 8000;
        break;
    case F_SPORT:
        med = 400, sd = 0.8, lo = 60, hi = 4000;
        break;
    case F_ONDERWIJS:
        med = 1200, sd = 0.5, lo = 300, hi = 5000;
        break;
    case F_OVERIG:
        med = 25, sd = 0.6, lo = 6, hi = 200;
        break;
    default:
        break;
    }
    double v = exp(log(med) + sd * rng_normal(r));
    return gen_round(fmin(fmax(v, lo), hi));
}

int value_dwelling_area(GenRng *r, int stacked) {
    if (rng_chance(r, 0.005)) {
        return 1; /* BAG placeholder for "unknown" */
    }
    if (stacked) {
        return gen_clamp_int(gen_round(72.0 + 16.0 * rng_normal(r)), 35, 110);
    }
    return gen_clamp_int(gen_round(122.0 + 26.0 * rng_normal(r)), 70, 180);
}

VboStatus value_dwelling_status(GenRng *r) {
    double u = rng_uniform(r);
    return u < 0.005 ? VS_NIET_INGEMETEN
                     : (u < 0.010 ? VS_VERBOUWING : VS_IN_GEBRUIK);
}

static const VboStatus NONLIVE[5] = {VS_GEVORMD, VS_NIET_GEREALISEERD,
                                     VS_INGETROKKEN, VS_BUITEN_GEBRUIK,
                                     VS_TEN_ONRECHTE};
static const PandStatus NONLIVE_PAND[5] = {PS_BOUW_GESTART,
                                           PS_NIET_GEREALISEERD, PS_GESLOOPT,
                                           PS_BUITEN_GEBRUIK, PS_TEN_ONRECHTE};

static int nonlive_year(GenRng *r, int which) {
    switch (which) {
    case 0:
        return 2023;
    case 1:
        return rng_int(r, 2012, 2022);
    case 2:
        return rng_chance(r, 0.03) ? 9999 : rng_int(r, 1880, 1975);
    case 3:
        return rng_int(r, 1900, 1985);
    default:
        return rng_int(r, 1950, 2015);
    }
}

VboStatus value_nonlive(GenRng *r, PandStatus *pand_status, int *bouwjaar) {
    static const double w[5] = {0.35, 0.10, 0.33, 0.14, 0.08};
    int which = (int)rng_weighted(r, w, 5);
    *pand_status = NONLIVE_PAND[which];
    *bouwjaar = nonlive_year(r, which);
    return NONLIVE[which];
}
