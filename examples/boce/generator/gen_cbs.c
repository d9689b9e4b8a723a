/*
 * gen_cbs.c — synthetic CBS kerncijfers per buurt, wijk and gemeente,
 * consistent with the generated dwellings.
 *
 * Wijk and gemeente inwoners/mannen/vrouwen are the real 2024 values; a wijk's
 * inwoners are split over its buurten in proportion to their dwellings, in
 * multiples of 5. Age shares, household size, tenure and Wmo rates come from a
 * profile per buurt kind plus noise; wijk and gemeente values are weighted
 * aggregates of the buurt values. No-data codes follow the real files: -99997
 * (geheim) for units with < 50 inwoners, -99995 for the Wmo rate of all buurten
 * of one wijk, -99999999 for the corporatie share of two buurten.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

#define GEHEIM -99997
#define LATER -99995
#define ONBEKEND -99999999

typedef struct {
    int inw, man, vrouw, dwellings;
    double age[5], hh, een, koop, corp_share, wmo, area_m2;
} Raw;

/* Largest-remainder pick: the buurt whose share of `units` is furthest above
 * its count. */
static int largest_remainder(const Model *m, const Wijk *w, const Raw *raw,
                             int units) {
    int best = -1;
    double best_frac = -1.0;
    for (int i = 0; i < w->n_buurten; i++) {
        int b = w->buurten[i];
        double exact =
            (double)units * m->buurten[b].dwellings / w->woningvoorraad;
        double frac = exact - raw[b].inw / 5.0;
        if (m->buurten[b].dwellings > 0 && frac > best_frac) {
            best = b, best_frac = frac;
        }
    }
    return best;
}

/* Splits the wijk's inwoners (multiples of 5) over its buurten in proportion to
 * dwellings. */
static void distribute_inwoners(const Model *m, const Wijk *w, Raw *raw) {
    if (w->n_buurten == 0 || w->woningvoorraad <= 0) {
        return;
    }
    int units = w->inwoners / 5, given = 0;
    for (int i = 0; i < w->n_buurten; i++) {
        int b = w->buurten[i];
        int whole = (int)floor((double)units * m->buurten[b].dwellings /
                               w->woningvoorraad);
        raw[b].inw = 5 * whole;
        given += whole;
    }
    while (given < units) {
        int best = largest_remainder(m, w, raw, units);
        if (best < 0) {
            break;
        }
        raw[best].inw += 5;
        given++;
    }
    int first = largest_remainder(m, w, raw, units);
    if (first >= 0) {
        /* CBS totals are multiples of 5; keep any remainder anyway */
        raw[first].inw += w->inwoners % 5;
    }
    double share = w->inwoners > 0 ? (double)w->mannen / w->inwoners : 0.5;
    for (int i = 0; i < w->n_buurten; i++) {
        Raw *r = &raw[w->buurten[i]];
        r->man = 5 * gen_round(r->inw * share / 5.0);
        r->man = r->man > r->inw ? r->inw : r->man;
        r->vrouw = r->inw - r->man;
    }
}

static void buurt_profile(const Buurt *b, double wijk_effect, GenRng *r,
                          Raw *raw) {
    static const double base[4][5] = {{15, 10, 21, 28, 26},  /* village */
                                      {12, 11, 23, 26, 28},  /* core */
                                      {14, 10, 19, 32, 25},  /* rural */
                                      {15, 11, 22, 28, 24}}; /* industrial */
    static const double hh[4] = {2.25, 1.95, 2.45, 2.2};
    static const double koop[4] = {66, 45, 78, 60};
    int k = (int)b->kind;
    for (int i = 0; i < 5; i++) {
        raw->age[i] = fmax(base[k][i] + 1.5 * rng_normal(r), 3.0);
    }
    raw->age[4] = fmin(fmax(raw->age[4] + wijk_effect, 22.0), 32.0);
    double size = hh[k] + 0.08 * rng_normal(r);
    raw->hh = raw->inw > 0 ? raw->inw / size : 0.0;
    if (raw->hh > raw->dwellings && raw->dwellings > 0) {
        raw->hh = raw->dwellings;
    }
    size = raw->hh > 0 ? raw->inw / raw->hh : size;
    raw->een = fmin(
        fmax(37.0 + (2.2 - size) * 45.0 + 2.0 * rng_normal(r), 12.0), 65.0);
    raw->koop = fmin(fmax(koop[k] + 6.0 * rng_normal(r), 20.0), 92.0);
    raw->corp_share = rng_range(r, 0.65, 0.85);
    raw->wmo = fmin(
        fmax(55.0 + (raw->age[4] - 25.0) * 2.0 + 8.0 * rng_normal(r), 25.0),
        140.0);
    raw->area_m2 = OGR_G_Area(b->geom);
}

/* Weighted aggregate of `n` raw units (indices idx into raw). */
static Raw aggregate(const Raw *raw, const int *idx, int n) {
    Raw a;
    memset(&a, 0, sizeof a);
    double w_inw = 0, w_dw = 0, w_hh = 0, w_huur = 0;
    for (int i = 0; i < n; i++) {
        const Raw *r = &raw[idx[i]];
        a.inw += r->inw, a.dwellings += r->dwellings, a.area_m2 += r->area_m2,
            a.hh += r->hh;
        for (int j = 0; j < 5; j++) {
            a.age[j] += r->age[j] * r->inw;
        }
        a.wmo += r->wmo * r->inw, w_inw += r->inw;
        a.een += r->een * r->hh, w_hh += r->hh;
        a.koop += r->koop * r->dwellings, w_dw += r->dwellings;
        a.corp_share += r->corp_share * r->dwellings * (100 - r->koop);
        w_huur += r->dwellings * (100 - r->koop);
    }
    for (int j = 0; j < 5; j++) {
        a.age[j] = w_inw > 0 ? a.age[j] / w_inw : 20.0;
    }
    a.wmo = w_inw > 0 ? a.wmo / w_inw : 0;
    a.een = w_hh > 0 ? a.een / w_hh : 0;
    a.koop = w_dw > 0 ? a.koop / w_dw : 0;
    a.corp_share = w_huur > 0 ? a.corp_share / w_huur : 0.75;
    return a;
}

/* Whole percentages summing to exactly 100 (largest remainder). */
static void whole_percentages(const double *v, int *out) {
    double total = 0;
    for (int i = 0; i < 5; i++) {
        total += v[i];
    }
    int sum = 0;
    double frac[5];
    for (int i = 0; i < 5; i++) {
        double exact = total > 0 ? 100.0 * v[i] / total : 20.0;
        out[i] = (int)floor(exact);
        frac[i] = exact - out[i];
        sum += out[i];
    }
    while (sum < 100) {
        int best = 0;
        for (int i = 1; i < 5; i++) {
            best = frac[i] > frac[best] ? i : best;
        }
        out[best]++, frac[best] = -1.0, sum++;
    }
}

static CbsStats finalize(const Raw *r) {
    CbsStats s;
    memset(&s, 0, sizeof s);
    s.inwoners = r->inw, s.mannen = r->man, s.vrouwen = r->vrouw;
    s.woningvoorraad = r->dwellings;
    s.land_ha = gen_round(r->area_m2 / 1.0e4);
    s.land_ha = s.land_ha < 1 ? 1 : s.land_ha;
    s.dichtheid = gen_round(r->inw / (r->area_m2 / 1.0e6));
    whole_percentages(r->age, s.pct_age);
    s.huishoudens = 5 * gen_round(r->hh / 5.0);
    s.huishoudens = (r->inw > 0 && s.huishoudens < 5) ? 5 : s.huishoudens;
    s.hh_grootte = s.huishoudens > 0
                       ? floor(10.0 * r->inw / s.huishoudens + 0.5) / 10.0
                       : 0.0;
    s.pct_eenpersoons = gen_round(r->een);
    s.pct_koop = gen_round(r->koop);
    s.pct_huur = 100 - s.pct_koop;
    s.pct_corporatie = gen_round(s.pct_huur * r->corp_share);
    s.pct_overig = s.pct_huur - s.pct_corporatie;
    s.wmo_per_1000 = gen_round(r->wmo);
    if (r->inw < 50) {
        for (int i = 0; i < 5; i++) {
            s.pct_age[i] = GEHEIM;
        }
        s.huishoudens = s.pct_eenpersoons = s.pct_koop = s.pct_huur = GEHEIM;
        s.pct_corporatie = s.pct_overig = s.wmo_per_1000 = GEHEIM;
        s.hh_grootte = GEHEIM;
    }
    return s;
}

static void mark_special_codes(Model *m, GenRng *r) {
    int w_later = -1;
    for (int tries = 0; tries < 1000 && w_later < 0; tries++) {
        int w = (int)rng_index(r, (size_t)m->n_wijken);
        w_later = m->wijken[w].n_buurten >= 3 ? w : -1;
    }
    for (int i = 0; w_later >= 0 && i < m->wijken[w_later].n_buurten; i++) {
        CbsStats *s = &m->buurt_stats[m->wijken[w_later].buurten[i]];
        s->wmo_per_1000 = LATER;
    }
    for (int marked = 0, tries = 0; marked < 2 && tries < 10000; tries++) {
        CbsStats *s = &m->buurt_stats[rng_index(r, (size_t)m->n_buurten)];
        if (s->inwoners >= 50 && s->pct_corporatie != ONBEKEND) {
            s->pct_corporatie = ONBEKEND;
            marked++;
        }
    }
}

int cbs_compute(Model *m) {
    Raw *raw = calloc((size_t)m->n_buurten, sizeof(Raw));
    Raw *wraw = calloc((size_t)m->n_wijken, sizeof(Raw));
    int *idx = calloc((size_t)(m->n_buurten + m->n_wijken), sizeof(int));
    m->buurt_stats = calloc((size_t)m->n_buurten, sizeof(CbsStats));
    m->wijk_stats = calloc((size_t)m->n_wijken, sizeof(CbsStats));
    m->gemeente_stats = calloc(3, sizeof(CbsStats));
    if (!raw || !wraw || !idx || !m->buurt_stats || !m->wijk_stats ||
        !m->gemeente_stats) {
        free(raw), free(wraw), free(idx);
        return gen_error("out of memory");
    }
    GenRng r;
    rng_seed(&r, m->seed, 7000u);
    for (int b = 0; b < m->n_buurten; b++) {
        raw[b].dwellings = m->buurten[b].dwellings;
    }
    for (int w = 0; w < m->n_wijken; w++) {
        const Wijk *wk = &m->wijken[w];
        distribute_inwoners(m, wk, raw);
        double effect = 3.0 * rng_normal(&r);
        for (int i = 0; i < wk->n_buurten; i++) {
            int b = wk->buurten[i];
            buurt_profile(&m->buurten[b], effect, &r, &raw[b]);
            m->buurt_stats[b] = finalize(&raw[b]);
        }
        wraw[w] = aggregate(raw, wk->buurten, wk->n_buurten);
        wraw[w].inw = wk->inwoners, wraw[w].man = wk->mannen,
        wraw[w].vrouw = wk->vrouwen;
        wraw[w].area_m2 = OGR_G_Area(wk->geom);
        m->wijk_stats[w] = finalize(&wraw[w]);
    }
    for (int g = 0; g < m->n_gemeenten; g++) {
        int n = 0;
        for (int w = 0; w < m->n_wijken; w++) {
            if (m->wijken[w].gemeente == g) {
                idx[n++] = w;
            }
        }
        Raw gr = aggregate(wraw, idx, n);
        const Gemeente *gm = &m->gemeenten[g];
        gr.inw = gm->inwoners, gr.man = gm->mannen, gr.vrouw = gm->vrouwen;
        gr.area_m2 = OGR_G_Area(gm->geom);
        m->gemeente_stats[g] = finalize(&gr);
    }
    mark_special_codes(m, &r);
    free(raw), free(wraw), free(idx);
    return 0;
}
