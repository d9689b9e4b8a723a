/*
 * gen_nl_partition.c — the regions of wijkscan-nl-gen: the selected real
 * gemeenten rasterised, split into wijken and buurten by nearest seed in
 * domain-warped cell space, dwellings allocated, CBS statistics made up,
 * and the labels polygonised into the CBS Wijk- en Buurtkaart layers.
 *
 * Wijken: as many as CBS 2024 lists for the gemeente, with their real
 * woningvoorraad (a gemeente of 2023 that 2024 no longer has gets one wijk
 * per 3,000 dwellings). The largest wijken get their seed near one of the
 * gemeente's one to three town centres, so they end up small and dense, and
 * the small ones spread over the countryside. Buurten: 1 + one per
 * 1,500 dwellings and one per 5.5 km² of the wijk, seeds uniform over it
 * (about 14.5 k buurten for the country, as CBS has).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal_alg.h>

#include "gen_nl.h"

/* ---- noise ------------------------------------------------------------ */

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Hash of a lattice point to [-1, 1]. */
static double lattice(uint64_t salt, long i, long j) {
    uint64_t h = mix64(
        salt ^ mix64((uint64_t)i * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)j));
    return (double)(h >> 11) / 4503599627370496.0 - 1.0;
}

/* Smooth value noise in [-1, 1] with lattice spacing `lambda` cells. */
static double vnoise(uint64_t salt, double u, double v, double lambda) {
    double x = u / lambda, y = v / lambda;
    double fx = floor(x), fy = floor(y);
    long i = (long)fx, j = (long)fy;
    double tx = x - fx, ty = y - fy;
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    double a = lattice(salt, i, j), b = lattice(salt, i + 1, j);
    double c = lattice(salt, i, j + 1), d = lattice(salt, i + 1, j + 1);
    return (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
}

void nl_warp(const NlModel *m, double u, double v, double *x, double *y) {
    double d[2];
    for (int k = 0; k < 2; k++) {
        d[k] = m->warp_a[k][0] * sin(m->warp_k[k][0][0] * u +
                                     m->warp_k[k][0][1] * v + m->warp_p[k][0]) +
               m->warp_a[k][1] * sin(m->warp_k[k][1][0] * u +
                                     m->warp_k[k][1][1] * v + m->warp_p[k][1]);
    }
    *x = m->x0 + m->cell * (u + d[0]);
    *y = m->y1 - m->cell * (v + d[1]);
}

/* The perturbation has amplitude <= 0.15 cells and slope <= 0.15, so
 * nl_warp is injective (a Lipschitz-0.3 change of the identity). */
static void warp_init(NlModel *m) {
    GenRng r;
    rng_seed(&r, m->seed, 7001);
    for (int k = 0; k < 2; k++) {
        for (int t = 0; t < 2; t++) {
            double len = rng_range(&r, 0.55, 1.0);
            double ang = rng_range(&r, 0, 2 * GEN_PI);
            m->warp_a[k][t] = 0.075;
            m->warp_k[k][t][0] = len * cos(ang);
            m->warp_k[k][t][1] = len * sin(ang);
            m->warp_p[k][t] = rng_range(&r, 0, 2 * GEN_PI);
        }
    }
}

/* ---- rasterising the gemeenten ----------------------------------------- */

static GDALDatasetH mem_raster(int w, int h) {
    GDALDriverH drv = GDALGetDriverByName("MEM");
    return drv ? GDALCreate(drv, "", w, h, 1, GDT_Int32, NULL) : NULL;
}

static int rasterise(NlModel *m) {
    OGREnvelope all = {0, 0, 0, 0};
    int first = 1;
    for (int g = 0; g < m->n_gem; g++) {
        if (!m->gem[g].selected) {
            continue;
        }
        OGREnvelope e;
        OGR_G_GetEnvelope(m->gem[g].real, &e);
        if (first || e.MinX < all.MinX) {
            all.MinX = e.MinX;
        }
        if (first || e.MinY < all.MinY) {
            all.MinY = e.MinY;
        }
        if (first || e.MaxX > all.MaxX) {
            all.MaxX = e.MaxX;
        }
        if (first || e.MaxY > all.MaxY) {
            all.MaxY = e.MaxY;
        }
        first = 0;
    }
    m->x0 = floor(all.MinX / m->cell) * m->cell - 2 * m->cell;
    m->y1 = ceil(all.MaxY / m->cell) * m->cell + 2 * m->cell;
    m->width = (int)ceil((all.MaxX - m->x0) / m->cell) + 2;
    m->height = (int)ceil((m->y1 - all.MinY) / m->cell) + 2;
    GDALDatasetH ds = mem_raster(m->width, m->height);
    if (!ds) {
        return gen_error("cannot create a %d x %d raster", m->width, m->height);
    }
    double gt[6] = {m->x0, m->cell, 0, m->y1, 0, -m->cell};
    GDALSetGeoTransform(ds, gt);
    OGRGeometryH *geoms = calloc((size_t)m->n_gem, sizeof *geoms);
    double *burn = calloc((size_t)m->n_gem, sizeof *burn);
    int n = 0;
    for (int g = 0; g < m->n_gem; g++) {
        if (m->gem[g].selected) {
            geoms[n] = m->gem[g].real;
            burn[n++] = g + 1;
        }
    }
    int band = 1;
    CPLErr err = GDALRasterizeGeometries(ds, 1, &band, n, geoms, NULL, NULL,
                                         burn, NULL, NULL, NULL);
    size_t ncell = (size_t)m->width * (size_t)m->height;
    m->label = malloc(ncell * sizeof *m->label);
    if (err == CE_None && m->label) {
        err = GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, m->width,
                           m->height, m->label, m->width, m->height, GDT_Int32,
                           0, 0);
    }
    free(geoms);
    free(burn);
    GDALClose(ds);
    if (err != CE_None || !m->label) {
        return gen_error("rasterising the gemeenten failed: %s",
                         gen_gdal_msg());
    }
    return 0;
}

/* ---- partition ---------------------------------------------------------- */

/* Group the indexes of cells with label 1..nlab (in `lab`, over `idx` or
 * all cells when idx is NULL) by label: out[start[l] .. start[l+1]). */
static void group_cells(const int32_t *lab, const int32_t *idx, long n,
                        int nlab, long *start, int32_t *out) {
    memset(start, 0, (size_t)(nlab + 2) * sizeof *start);
    for (long i = 0; i < n; i++) {
        int32_t l = lab[idx ? idx[i] : i];
        if (l > 0) {
            start[l + 1]++;
        }
    }
    for (int l = 1; l <= nlab + 1; l++) {
        start[l] += start[l - 1];
    }
    long *pos = malloc((size_t)(nlab + 1) * sizeof *pos);
    memcpy(pos, start, (size_t)(nlab + 1) * sizeof *pos);
    for (long i = 0; i < n; i++) {
        long c = idx ? idx[i] : i;
        int32_t l = lab[c];
        if (l > 0) {
            out[pos[l]++] = (int32_t)c;
        }
    }
    free(pos);
}

typedef struct {
    uint64_t su, sv;
    double amp, lambda;
} Warp;

static void warped(const Warp *w, double u, double v, double *qu, double *qv) {
    *qu = u + w->amp * (vnoise(w->su, u, v, w->lambda) +
                        0.4 * vnoise(w->su ^ 1, u, v, w->lambda / 3));
    *qv = v + w->amp * (vnoise(w->sv, u, v, w->lambda) +
                        0.4 * vnoise(w->sv ^ 1, u, v, w->lambda / 3));
}

/* Assign each of the n cells to its nearest seed (in warped space); writes
 * 1 + seed number into sub[]. Every seed keeps at least its own cell. */
static void nearest_seed(const NlModel *m, const Warp *w, const int32_t *cells,
                         long n, const long *seeds, int ns, int32_t *sub) {
    for (long i = 0; i < n; i++) {
        long c = cells[i];
        double qu, qv;
        warped(w, (double)(c % m->width) + 0.5, (double)(c / m->width) + 0.5,
               &qu, &qv);
        double best = INFINITY;
        int bk = 0;
        for (int k = 0; k < ns; k++) {
            double du = (double)(seeds[k] % m->width) + 0.5 - qu;
            double dv = (double)(seeds[k] / m->width) + 0.5 - qv;
            double d = du * du + dv * dv;
            if (d < best) {
                best = d;
                bk = k;
            }
        }
        sub[i] = bk + 1;
    }
    for (long i = 0; i < n; i++) {
        for (int k = 0; k < ns; k++) {
            if (seeds[k] == cells[i]) {
                sub[i] = k + 1;
            }
        }
    }
}

/* ns distinct seed cells among cells[0..n); ns <= n. With centres, seed k
 * is the candidate nearest to a centre among `cand[k]` random ones. */
static void pick_seeds(const NlModel *m, GenRng *r, const int32_t *cells,
                       long n, int ns, const int *cand, const long *centre,
                       int ncentre, long *seeds) {
    for (int k = 0; k < ns; k++) {
        long c = centre ? centre[rng_index(r, (size_t)ncentre)] : 0;
        for (int attempt = 0;; attempt++) {
            long best = -1;
            double bd = INFINITY;
            int tries = cand ? cand[k] : 1;
            for (int t = 0; t < tries; t++) {
                long s = cells[rng_index(r, (size_t)n)];
                double du = (double)(s % m->width - c % m->width);
                double dv = (double)(s / m->width - c / m->width);
                double d = centre ? du * du + dv * dv : 0;
                if (best < 0 || d < bd) {
                    best = s;
                    bd = d;
                }
            }
            int dup = 0;
            for (int j = 0; j < k && !dup; j++) {
                dup = seeds[j] == best;
            }
            if (!dup) {
                seeds[k] = best;
                break;
            }
            if (attempt > 50) { /* take the first unused cell */
                for (long i = 0; i < n; i++) {
                    dup = 0;
                    for (int j = 0; j < k && !dup; j++) {
                        dup = seeds[j] == cells[i];
                    }
                    if (!dup) {
                        seeds[k] = cells[i];
                        break;
                    }
                }
                break;
            }
        }
    }
}

/* Wijk order by dwellings, largest first (ties by index): insertion sort. */
static void order_wijken(const NlWijk *w, int n, int *ord) {
    for (int i = 0; i < n; i++) {
        ord[i] = i;
    }
    for (int i = 1; i < n; i++) {
        int k = ord[i], j = i;
        while (j > 0 && w[ord[j - 1]].dwellings < w[k].dwellings) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = k;
    }
}

static NlBuurt *new_buurt(NlModel *m) {
    NlBuurt *b = gen_grow(m->buurt, &m->cap_buurt, (size_t)m->n_buurt + 1,
                          sizeof *m->buurt);
    if (!b) {
        return NULL;
    }
    m->buurt = b;
    b = &m->buurt[m->n_buurt++];
    memset(b, 0, sizeof *b);
    return b;
}

/* Largest remainder split of `amount` over n weights. */
void nl_split(const double *w, int n, int amount, int *out) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
        sum += w[i];
    }
    int given = 0;
    for (int i = 0; i < n; i++) {
        out[i] = sum > 0 ? (int)floor(amount * w[i] / sum) : 0;
        given += out[i];
    }
    while (given < amount) {
        int best = 0;
        double bf = -1;
        for (int i = 0; i < n; i++) {
            double f = sum > 0 ? amount * w[i] / sum - out[i] : 1.0 / (i + 1);
            if (f > bf) {
                bf = f;
                best = i;
            }
        }
        out[best]++;
        given++;
    }
}

/* Buurten of wijk wi over its cells wc[0..n). */
static int split_wijk(NlModel *m, int wi, const int32_t *wc, long n,
                      GenRng *r) {
    NlWijk *w = &m->wijk[wi];
    double km2 = (double)n * m->cell * m->cell / 1e6;
    int nb = 1 + gen_round(w->dwellings / 1500.0) + gen_round(km2 / 5.5);
    if (nb > 40) {
        nb = 40;
    }
    if (nb > n / 6) {
        nb = n / 6 > 0 ? (int)(n / 6) : 1;
    }
    long seeds[40];
    pick_seeds(m, r, wc, n, nb, NULL, NULL, 0, seeds);
    int32_t *sub = malloc((size_t)n * sizeof *sub);
    Warp warp = {mix64(m->seed ^ 0xB0B0), mix64(m->seed ^ 0xB1B1), 3.0, 18.0};
    nearest_seed(m, &warp, wc, n, seeds, nb, sub);
    long count[41] = {0};
    for (long i = 0; i < n; i++) {
        count[sub[i]]++;
    }
    w->first_buurt = m->n_buurt;
    double weight[40] = {0};
    int nk = 0, map[41] = {0};
    for (int k = 0; k < nb; k++) {
        if (count[k + 1] == 0) {
            continue;
        }
        NlBuurt *b = new_buurt(m);
        if (!b) {
            free(sub);
            return gen_error("out of memory (buurten)");
        }
        b->wijk = wi;
        b->gem = w->gem;
        b->seed = seeds[k];
        b->ncells = count[k + 1];
        snprintf(b->code, sizeof b->code, "BU%.6s%02d", w->code + 2, nk % 100);
        snprintf(b->naam, sizeof b->naam, "Buurt %.2s%02d %.60s", w->code + 6,
                 nk % 100, m->gem[w->gem].naam);
        weight[nk] = sqrt((double)b->ncells) * rng_range(r, 0.6, 1.4);
        map[k + 1] = m->n_buurt;
        nk++;
    }
    w->n_buurten = nk;
    int dw[40];
    nl_split(weight, nk, w->dwellings, dw);
    for (int k = 0; k < nk; k++) {
        NlBuurt *b = &m->buurt[w->first_buurt + k];
        b->dwellings = dw[k];
        double ha = (double)b->ncells * m->cell * m->cell / 1e4;
        b->rural = b->dwellings < 2.0 * ha;
        b->dense = b->dwellings > 25.0 * ha;
    }
    for (long i = 0; i < n; i++) {
        m->label[wc[i]] = map[sub[i]]; /* buurt index + 1 */
    }
    free(sub);
    return 0;
}

static int split_gemeente(NlModel *m, int g, const int32_t *gc, long n) {
    NlGemeente *ge = &m->gem[g];
    GenRng r;
    rng_seed(&r, m->seed, 100000 + (uint64_t)g);
    int nw = ge->n_wijken;
    if (nw > n / 8) { /* a tiny gemeente: fewer wijken */
        nw = n / 8 > 0 ? (int)(n / 8) : 1;
    }
    NlWijk *w = &m->wijk[ge->first_wijk];
    int *ord = malloc((size_t)ge->n_wijken * sizeof *ord);
    order_wijken(w, ge->n_wijken, ord);
    if (nw < ge->n_wijken) { /* fold the smallest into the last kept one */
        for (int k = nw; k < ge->n_wijken; k++) {
            w[ord[nw - 1]].dwellings += w[ord[k]].dwellings;
            w[ord[k]].dwellings = -1;
        }
    }
    long centre[3];
    int ncentre = 1 + (nw > 8) + (nw > 20);
    pick_seeds(m, &r, gc, n, ncentre, NULL, NULL, 0, centre);
    int *cand = malloc((size_t)nw * sizeof *cand);
    long *seeds = malloc((size_t)nw * sizeof *seeds);
    double dmax = w[ord[0]].dwellings > 0 ? w[ord[0]].dwellings : 1;
    for (int k = 0; k < nw; k++) {
        cand[k] = 1 + (int)(30.0 * w[ord[k]].dwellings / dmax);
    }
    pick_seeds(m, &r, gc, n, nw, cand, centre, ncentre, seeds);
    int32_t *sub = malloc((size_t)n * sizeof *sub);
    Warp warp = {mix64(m->seed ^ 0xA0A0), mix64(m->seed ^ 0xA1A1), 7.0, 40.0};
    nearest_seed(m, &warp, gc, n, seeds, nw, sub);
    /* cells of each kept wijk (rank k) */
    long *start = malloc((size_t)(nw + 2) * sizeof *start);
    int32_t *wc = malloc((size_t)n * sizeof *wc);
    int32_t *pos_lab = malloc((size_t)n * sizeof *pos_lab);
    int32_t *local = malloc((size_t)n * sizeof *local);
    for (long i = 0; i < n; i++) {
        local[i] = (int32_t)i;
        pos_lab[i] = sub[i];
    }
    group_cells(pos_lab, local, n, nw, start, wc);
    for (long i = start[1]; i < start[nw + 1]; i++) {
        wc[i] = gc[wc[i]];
    }
    int rc = 0;
    for (int k = 0; k < nw && rc == 0; k++) {
        int wi = ge->first_wijk + ord[k];
        m->wijk[wi].seed = seeds[k];
        rc = split_wijk(m, wi, wc + start[k + 1], start[k + 2] - start[k + 1],
                        &r);
    }
    free(ord);
    free(cand);
    free(seeds);
    free(sub);
    free(start);
    free(wc);
    free(pos_lab);
    free(local);
    return rc;
}

/* ---- statistics ----------------------------------------------------------
 */

static void whole_pct(const double *v, int n, int *out) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
        sum += v[i];
    }
    double w[8];
    for (int i = 0; i < n; i++) {
        w[i] = v[i] / sum;
    }
    nl_split(w, n, 100, out);
}

static void buurt_stats(NlModel *m, NlBuurt *b, GenRng *r) {
    CbsStats *s = &b->stats;
    memset(s, 0, sizeof *s);
    double ha = (double)b->ncells * m->cell * m->cell / 1e4;
    s->land_ha = ha < 1 ? 1 : gen_round(ha);
    s->woningvoorraad = b->dwellings;
    s->inwoners = 5 * gen_round(b->dwellings * rng_range(r, 1.9, 2.4) / 5);
    s->mannen = gen_round(s->inwoners * rng_range(r, 0.48, 0.52));
    s->vrouwen = s->inwoners - s->mannen;
    s->dichtheid = gen_round(s->inwoners / (s->land_ha / 100.0));
    if (s->inwoners < 50) {
        for (int i = 0; i < 5; i++) {
            s->pct_age[i] = -99997;
        }
        s->huishoudens = s->pct_eenpersoons = -99997;
        s->hh_grootte = -99997;
        s->pct_koop = s->pct_huur = s->pct_corporatie = s->pct_overig =
            s->wmo_per_1000 = -99997;
        return;
    }
    double old = b->rural ? 0.27 : (b->dense ? 0.17 : 0.22);
    double age[5] = {rng_range(r, 0.12, 0.18), rng_range(r, 0.09, 0.16),
                     rng_range(r, 0.2, 0.3), rng_range(r, 0.22, 0.3),
                     old + rng_range(r, -0.05, 0.05)};
    whole_pct(age, 5, s->pct_age);
    double hh = b->dense ? rng_range(r, 1.6, 2.0) : rng_range(r, 2.0, 2.6);
    s->huishoudens = gen_round(s->inwoners / hh);
    s->hh_grootte = round(10.0 * s->inwoners / s->huishoudens) / 10.0;
    s->pct_eenpersoons =
        gen_round(b->dense ? rng_range(r, 40, 60) : rng_range(r, 20, 40));
    s->pct_koop =
        gen_round(b->dense ? rng_range(r, 20, 55) : rng_range(r, 55, 88));
    s->pct_huur = 100 - s->pct_koop;
    s->pct_corporatie = gen_round(s->pct_huur * rng_range(r, 0.55, 0.85));
    s->pct_overig = s->pct_huur - s->pct_corporatie;
    s->wmo_per_1000 = gen_round(rng_range(r, 40, 110));
    if (rng_chance(r, 0.002)) {
        s->pct_corporatie = -99999999;
    }
}

/* Weighted aggregate of buurt stats (count sums, percentages weighted). */
typedef struct {
    double inw, man, vrw, hh, won, land, age[5], w_age, een, w_een, koop, huur,
        corp, w_won, wmo, w_wmo;
} Agg;

static void agg_add(Agg *a, const CbsStats *s) {
    a->inw += s->inwoners;
    a->man += s->mannen;
    a->vrw += s->vrouwen;
    a->won += s->woningvoorraad;
    a->land += s->land_ha;
    if (s->pct_age[0] >= 0) {
        for (int i = 0; i < 5; i++) {
            a->age[i] += s->pct_age[i] * (double)s->inwoners;
        }
        a->w_age += s->inwoners;
        a->hh += s->huishoudens;
        a->een += s->pct_eenpersoons * (double)s->huishoudens;
        a->w_een += s->huishoudens;
        a->wmo += s->wmo_per_1000 * (double)s->inwoners;
        a->w_wmo += s->inwoners;
    }
    if (s->pct_koop >= 0 && s->pct_corporatie >= 0) {
        a->koop += s->pct_koop * (double)s->woningvoorraad;
        a->huur += s->pct_huur * (double)s->woningvoorraad;
        a->corp += s->pct_corporatie * (double)s->woningvoorraad;
        a->w_won += s->woningvoorraad;
    }
}

static void agg_stats(const Agg *a, CbsStats *s) {
    memset(s, 0, sizeof *s);
    s->inwoners = (int)a->inw;
    s->mannen = (int)a->man;
    s->vrouwen = (int)a->vrw;
    s->woningvoorraad = (int)a->won;
    s->land_ha = a->land < 1 ? 1 : (int)a->land;
    s->dichtheid = gen_round(a->inw / (s->land_ha / 100.0));
    if (a->w_age <= 0 || a->w_won <= 0 || a->w_een <= 0) {
        for (int i = 0; i < 5; i++) {
            s->pct_age[i] = -99997;
        }
        s->huishoudens = s->pct_eenpersoons = s->pct_koop = s->pct_huur =
            s->pct_corporatie = s->pct_overig = s->wmo_per_1000 = -99997;
        s->hh_grootte = -99997;
        return;
    }
    double age[5];
    for (int i = 0; i < 5; i++) {
        age[i] = a->age[i] / a->w_age + 1e-9;
    }
    whole_pct(age, 5, s->pct_age);
    s->huishoudens = (int)a->hh;
    s->hh_grootte = round(10.0 * a->inw / a->hh) / 10.0;
    s->pct_eenpersoons = gen_round(a->een / a->w_een);
    s->pct_koop = gen_round(a->koop / a->w_won);
    s->pct_huur = 100 - s->pct_koop;
    s->pct_corporatie = gen_round(a->corp / a->w_won);
    if (s->pct_corporatie > s->pct_huur) {
        s->pct_corporatie = s->pct_huur;
    }
    s->pct_overig = s->pct_huur - s->pct_corporatie;
    s->wmo_per_1000 = gen_round(a->wmo / a->w_wmo);
}

static void all_stats(NlModel *m) {
    for (int i = 0; i < m->n_buurt; i++) {
        GenRng r;
        rng_seed(&r, m->seed, 300000 + (uint64_t)i);
        buurt_stats(m, &m->buurt[i], &r);
    }
    for (int wi = 0; wi < m->n_wijk; wi++) {
        NlWijk *w = &m->wijk[wi];
        Agg a;
        memset(&a, 0, sizeof a);
        for (int k = 0; k < w->n_buurten; k++) {
            agg_add(&a, &m->buurt[w->first_buurt + k].stats);
        }
        agg_stats(&a, &w->stats);
    }
}

int nl_partition(NlModel *m) {
    warp_init(m);
    if (rasterise(m) != 0) {
        return -1;
    }
    long ncell = (long)m->width * m->height;
    long *start = malloc((size_t)(m->n_gem + 2) * sizeof *start);
    int32_t *gc = malloc((size_t)ncell * sizeof *gc);
    if (!start || !gc) {
        return gen_error("out of memory (%ld cells)", ncell);
    }
    group_cells(m->label, NULL, ncell, m->n_gem, start, gc);
    memset(m->label, 0, (size_t)ncell * sizeof *m->label);
    int rc = 0;
    for (int g = 0; g < m->n_gem && rc == 0; g++) {
        long n = start[g + 2] - start[g + 1];
        if (!m->gem[g].selected || n == 0) {
            m->gem[g].selected = 0;
            continue;
        }
        rc = split_gemeente(m, g, gc + start[g + 1], n);
    }
    free(start);
    free(gc);
    if (rc != 0) {
        return rc;
    }
    /* cells of every buurt, for placing dwellings */
    start = malloc((size_t)(m->n_buurt + 2) * sizeof *start);
    m->cells = malloc((size_t)ncell * sizeof *m->cells);
    if (!start || !m->cells) {
        return gen_error("out of memory (%ld cells)", ncell);
    }
    group_cells(m->label, NULL, ncell, m->n_buurt, start, m->cells);
    for (int b = 0; b < m->n_buurt; b++) {
        m->buurt[b].first_cell = start[b + 1];
        m->buurt[b].ncells = start[b + 2] - start[b + 1];
    }
    free(start);
    all_stats(m);
    return 0;
}

/* ---- polygons ------------------------------------------------------------
 */

/* Densify a ring of integer cell-corner vertices to one vertex per cell
 * edge and warp it to RD New. */
static OGRGeometryH warp_ring(const NlModel *m, OGRGeometryH ring) {
    int n = OGR_G_GetPointCount(ring);
    OGRGeometryH out = OGR_G_CreateGeometry(wkbLinearRing);
    int k = 0;
    for (int i = 0; i < n; i++) {
        double u = OGR_G_GetX(ring, i), v = OGR_G_GetY(ring, i);
        if (i > 0) {
            double pu = OGR_G_GetX(ring, i - 1), pv = OGR_G_GetY(ring, i - 1);
            int steps = (int)fmax(fabs(u - pu), fabs(v - pv));
            for (int s = 1; s < steps; s++) {
                double x, y;
                nl_warp(m, pu + (u - pu) * s / steps, pv + (v - pv) * s / steps,
                        &x, &y);
                OGR_G_SetPoint_2D(out, k++, x, y);
            }
        }
        double x, y;
        nl_warp(m, u, v, &x, &y);
        OGR_G_SetPoint_2D(out, k++, x, y);
    }
    return out;
}

static OGRGeometryH warp_polygon(const NlModel *m, OGRGeometryH poly) {
    OGRGeometryH out = OGR_G_CreateGeometry(wkbPolygon);
    for (int i = 0; i < OGR_G_GetGeometryCount(poly); i++) {
        OGR_G_AddGeometryDirectly(out,
                                  warp_ring(m, OGR_G_GetGeometryRef(poly, i)));
    }
    return out;
}

/* Polygonise labels lab(cell) (1..n, 0 none) into n MultiPolygons in RD. */
static int polygonise(const NlModel *m, int level, int n, OGRGeometryH *out) {
    GDALDatasetH ds = mem_raster(m->width, m->height);
    int32_t *row = malloc((size_t)m->width * sizeof *row);
    if (!ds || !row) {
        return gen_error("cannot create the label raster");
    }
    double gt[6] = {0, 1, 0, 0, 0, 1}; /* cell space */
    GDALSetGeoTransform(ds, gt);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    CPLErr err = CE_None;
    for (int y = 0; y < m->height && err == CE_None; y++) {
        for (int x = 0; x < m->width; x++) {
            int32_t b = m->label[(long)y * m->width + x];
            row[x] = b == 0       ? 0
                     : level == 0 ? b
                     : level == 1 ? m->buurt[b - 1].wijk + 1
                                  : m->buurt[b - 1].gem + 1;
        }
        err = GDALRasterIO(band, GF_Write, 0, y, m->width, 1, row, m->width, 1,
                           GDT_Int32, 0, 0);
    }
    free(row);
    GDALDriverH mem = GDALGetDriverByName("Memory");
    GDALDatasetH vds =
        mem ? GDALCreate(mem, "", 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRLayerH l =
        vds ? GDALDatasetCreateLayer(vds, "p", NULL, wkbPolygon, NULL) : NULL;
    if (l) {
        OGRFieldDefnH fd = OGR_Fld_Create("v", OFTInteger);
        OGR_L_CreateField(l, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    if (err != CE_None || !l ||
        GDALPolygonize(band, band, l, 0, NULL, NULL, NULL) != CE_None) {
        if (vds) {
            GDALClose(vds);
        }
        GDALClose(ds);
        return gen_error("polygonising level %d failed: %s", level,
                         gen_gdal_msg());
    }
    GDALClose(ds);
    for (int i = 0; i < n; i++) {
        out[i] = OGR_G_CreateGeometry(wkbMultiPolygon);
    }
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        int v = OGR_F_GetFieldAsInteger(f, 0);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (v >= 1 && v <= n && g) {
            OGR_G_AddGeometryDirectly(out[v - 1], warp_polygon(m, g));
        }
        OGR_F_Destroy(f);
    }
    GDALClose(vds);
    return 0;
}

int nl_write_cbs(NlModel *m, const char *path) {
    GDALDatasetH ds = gpkg_create(path);
    if (!ds) {
        return -1;
    }
    static const char *const names[3] = {"buurten", "wijken", "gemeenten"};
    int counts[3] = {m->n_buurt, m->n_wijk, m->n_gem};
    int rc = 0;
    for (int level = 0; level < 3 && rc == 0; level++) {
        char desc[1024], subject[512], what[GEN_PATH_LEN + 32];
        snprintf(subject, sizeof subject,
                 "CBS Wijk- en Buurtkaart (%s) op landelijke schaal: "
                 "synthetische wijk- en buurtgrenzen binnen de echte "
                 "(vereenvoudigde) gemeentegrenzen 2023, woningvoorraad per "
                 "wijk uit CBS kerncijfers 2024, synthetische kerncijfers",
                 names[level]);
        gen_describe_seed(desc, sizeof desc, m->seed, subject);
        OGRLayerH l = cbs_create_layer(ds, m->rd, names[level], level, desc,
                                       path, what, sizeof what);
        OGRGeometryH *geom = calloc((size_t)counts[level], sizeof *geom);
        if (!l || !geom || polygonise(m, level, counts[level], geom) != 0) {
            free(geom);
            rc = -1;
            break;
        }
        if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
            rc = gen_error("%s: cannot start transaction", path);
        }
        for (int i = 0; i < counts[level] && rc == 0; i++) {
            CbsKeys k;
            const CbsStats *s;
            if (level == 0) {
                const NlBuurt *b = &m->buurt[i];
                const NlWijk *w = &m->wijk[b->wijk];
                const NlGemeente *g = &m->gem[b->gem];
                k = (CbsKeys){b->code, b->naam, w->code,
                              w->naam, g->code, g->naam};
                s = &b->stats;
            } else if (level == 1) {
                const NlWijk *w = &m->wijk[i];
                const NlGemeente *g = &m->gem[w->gem];
                if (w->n_buurten == 0) {
                    continue;
                }
                k = (CbsKeys){w->code, w->naam, w->code,
                              w->naam, g->code, g->naam};
                s = &w->stats;
            } else {
                const NlGemeente *g = &m->gem[i];
                if (!g->selected) {
                    continue;
                }
                Agg a;
                memset(&a, 0, sizeof a);
                for (int b = 0; b < m->n_buurt; b++) {
                    if (m->buurt[b].gem == i) {
                        agg_add(&a, &m->buurt[b].stats);
                    }
                }
                static CbsStats gs;
                agg_stats(&a, &gs);
                k = (CbsKeys){g->code, g->naam, g->code,
                              g->naam, g->code, g->naam};
                s = &gs;
            }
            if (OGR_G_GetGeometryCount(geom[i]) == 0) {
                rc = gen_error("%s: %s has no cells", path, k.code);
                break;
            }
            rc = cbs_write_unit(l, level, &k, s, geom[i], what);
        }
        for (int i = 0; i < counts[level]; i++) {
            OGR_G_DestroyGeometry(geom[i]);
        }
        free(geom);
        if (rc == 0 && GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
            rc = gen_error("%s: cannot commit: %s", path, gen_gdal_msg());
        }
    }
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}
