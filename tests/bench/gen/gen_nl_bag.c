/*
 * gen_nl_bag.c — verblijfsobjecten, panden and voorzieningen of
 * wijkscan-nl-gen, buurt by buurt, streamed into the bag-light GeoPackage
 * through the BOCE generator's row writers (the model of 10 M objects is
 * never held in memory).
 *
 * A buurt's dwellings sit in one to three Gaussian clusters of panden (40 %
 * scattered over the buurt in the countryside, 12 % elsewhere); panden hold
 * one dwelling or, stacked, 6 to 40 (half of them in dense buurten, 4 % in
 * the countryside). Values (bouwjaar by building era, oppervlakte, statuses,
 * non-residential functions) come from the BOCE generator's distributions.
 * Besides the dwellings: live non-residential objects (≈ 14 % of the
 * dwellings) and woonfunctie objects with a non-live status (≈ 6 %), as in
 * the real bag-light, so ≈ 1.2 objects per dwelling. In about half the
 * buurten of 200 dwellings or more, one dwelling lies exactly on a corner of
 * the buurt's boundary shared with another buurt (the join's edge rule).
 * Panden may overlap (they are not used by wijkscan's bag-light reader).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_nl.h"

#define BAG_URI "http://bag.basisregistraties.overheid.nl/bag/id/"
#define MAX_UNIT 40

typedef struct {
    double u, v, sigma;
    Core core;
} Cluster;

/* What is being written: layers, field indexes, the current buurt. */
typedef struct {
    NlModel *m;
    OGRLayerH lv, lp;
    int iv[V_NCOLS], ip[P_NCOLS];
    char what_v[GEN_PATH_LEN + 32], what_p[GEN_PATH_LEN + 32];
    const NlBuurt *b;
    NlGemeente *g;
    GenRng *r;
    /* street of the current buurt */
    char street[GEN_NAME_LEN], street_short[32];
    long long street_serial;
    int street_left, huisnummer, n_streets, pc4, addresses;
    int gemeenten_done;
    /* dwelling positions of the buurt (voorzieningen are placed near them) */
    double *dxy; /* x0 y0 x1 y1 ... */
    size_t nd, cap_d;
} Writer;

typedef struct {
    double x, y;
    int opp;
    VboStatus status;
    unsigned gebruik;
} Unit;

static double round_mm(double v) { return floor(v * 1000.0 + 0.5) / 1000.0; }

static void next_street(Writer *w) {
    BuurtKind kind = w->b->rural ? BUURT_RURAL : BUURT_VILLAGE;
    names_street(w->r, kind, w->n_streets++, w->street, sizeof w->street);
    names_short(w->street, w->street_short, sizeof w->street_short);
    w->street_serial = ++w->g->next_or;
    w->street_left = w->b->rural ? 10 : 18;
    w->huisnummer = 1;
}

static void postcode(const Writer *w, char *out, size_t n) {
    int k = w->addresses / 20;
    snprintf(out, n, "%04d%c%c", w->pc4, 'A' + (k / 20) % 20, 'A' + k % 20);
}

static int write_pand(Writer *w, const double *corner_u, const double *corner_v,
                      int bouwjaar, PandStatus ps, const Unit *u, int n,
                      long long *pand_serial) {
    NlGemeente *g = w->g;
    *pand_serial = ++g->next_pand;
    unsigned mask = 0;
    int omin = 0, omax = 0;
    for (int i = 0; i < n; i++) {
        mask |= u[i].gebruik;
        omin = (i == 0 || u[i].opp < omin) ? u[i].opp : omin;
        omax = (i == 0 || u[i].opp > omax) ? u[i].opp : omax;
    }
    char id[32], uri[128], gebruik[256];
    snprintf(id, sizeof id, "%s10%010lld", g->code4, *pand_serial);
    snprintf(uri, sizeof uri, BAG_URI "pand/%s", id);
    gebruik_join(mask, gebruik, sizeof gebruik);
    BagPandRow r;
    memset(&r, 0, sizeof r);
    r.text[P_ID] = id;
    r.num[P_BOUWJAAR] = bouwjaar;
    r.text[P_STATUS] = pand_status_text(ps);
    r.text[P_GEBRUIK] = gebruik;
    r.num[P_OPPMIN] = omin;
    r.num[P_OPPMAX] = omax;
    r.num[P_AANTAL] = n;
    r.text[P_SEEALSO] = uri;
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i < 5; i++) {
        double x, y;
        nl_warp(w->m, corner_u[i % 4], corner_v[i % 4], &x, &y);
        OGR_G_AddPoint_2D(ring, round_mm(x), round_mm(y));
    }
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return bag_write_pand_row(w->lp, w->ip, &r, poly, w->what_p);
}

static int write_vbo(Writer *w, const Unit *u, long long pand_serial,
                     int bouwjaar, PandStatus ps) {
    NlGemeente *g = w->g;
    if (w->street_left-- <= 0) {
        next_street(w);
    }
    long long serial = ++g->next_vbo;
    long long na = ++g->next_na;
    char id[32], uri[128], pand_id[32], na_id[32], or_id[32], wp_id[16],
        gebruik[256], pc[16];
    snprintf(id, sizeof id, "%s01%010lld", g->code4, serial);
    snprintf(uri, sizeof uri, BAG_URI "verblijfsobject/%s", id);
    snprintf(pand_id, sizeof pand_id, "%s10%010lld", g->code4, pand_serial);
    snprintf(na_id, sizeof na_id, "%s20%010lld", g->code4, na);
    snprintf(or_id, sizeof or_id, "%s30%010lld", g->code4, w->street_serial);
    snprintf(wp_id, sizeof wp_id, "%04d", (int)(g - w->m->gem) % 9000 + 1000);
    gebruik_join(u->gebruik, gebruik, sizeof gebruik);
    postcode(w, pc, sizeof pc);
    w->addresses++;
    BagVboRow r;
    memset(&r, 0, sizeof r);
    r.x = u->x;
    r.y = u->y;
    r.text[V_SEEALSO] = uri;
    r.text[V_ID] = id;
    r.num[V_OPP] = u->opp;
    r.text[V_STATUS] = vbo_status_text(u->status);
    r.text[V_GEBRUIK] = gebruik;
    r.text[V_OR_NAAM] = w->street;
    r.text[V_OR_KORT] = w->street_short;
    r.num[V_NR] = w->huisnummer++;
    r.text[V_PC] = pc;
    r.text[V_WP_NAAM] = g->naam;
    r.num[V_BOUWJAAR] = bouwjaar;
    r.text[V_PAND_ID] = pand_id;
    r.text[V_PANDSTATUS] = pand_status_text(ps);
    r.text[V_NA_ID] = na_id;
    r.text[V_OR_ID] = or_id;
    r.text[V_WP_ID] = wp_id;
    r.text[V_BRON] = g->code4;
    w->m->n_vbo++;
    return bag_write_vbo_row(w->lv, w->iv, &r, w->what_v);
}

static int is_dwelling(const Unit *u) {
    return (u->gebruik & F_WOON) &&
           (u->status == VS_IN_GEBRUIK || u->status == VS_NIET_INGEMETEN ||
            u->status == VS_VERBOUWING);
}

/* A pand in cell `c` with n objects at random points inside; unit values
 * are filled in by the caller except the positions. edge: put the first
 * object exactly on the cell's top-left corner. */
static int emit_pand(Writer *w, long c, int stacked, Unit *u, int n,
                     const Core *core, int bouwjaar, PandStatus ps, int edge) {
    const NlModel *m = w->m;
    GenRng *r = w->r;
    double hl = stacked ? rng_range(r, 6, 12) : rng_range(r, 4, 5.5);
    double hw = stacked ? rng_range(r, 5, 9) : rng_range(r, 3, 4);
    double mh = fmin(0.45, fmax(hl, hw) / m->cell + 0.02);
    double hu = fmin(hl / m->cell, mh - 0.02),
           hv = fmin(hw / m->cell, mh - 0.02);
    double ci = (double)(c % m->width), cj = (double)(c / m->width);
    double pu = ci + rng_range(r, mh, 1 - mh);
    double pv = cj + rng_range(r, mh, 1 - mh);
    double cu[4] = {pu - hu, pu + hu, pu + hu, pu - hu};
    double cv[4] = {pv - hv, pv - hv, pv + hv, pv + hv};
    if (core) {
        bouwjaar = value_pand_year(core, stacked, r);
    }
    for (int i = 0; i < n; i++) {
        double x, y;
        if (edge && i == 0) {
            nl_warp(m, ci, cj, &x, &y); /* exactly a boundary vertex */
        } else {
            nl_warp(m, pu + rng_range(r, -0.9, 0.9) * hu,
                    pv + rng_range(r, -0.9, 0.9) * hv, &x, &y);
            x = round_mm(x);
            y = round_mm(y);
        }
        u[i].x = x;
        u[i].y = y;
    }
    long long serial;
    int rc = write_pand(w, cu, cv, bouwjaar, ps, u, n, &serial);
    for (int i = 0; i < n && rc == 0; i++) {
        rc = write_vbo(w, &u[i], serial, bouwjaar, ps);
        if (rc == 0 && is_dwelling(&u[i])) {
            w->m->n_dwellings++;
            double *p = gen_grow(w->dxy, &w->cap_d, 2 * (w->nd + 1), sizeof *p);
            if (!p) {
                return gen_error("out of memory (dwellings of a buurt)");
            }
            w->dxy = p;
            p[2 * w->nd] = u[i].x;
            p[2 * w->nd + 1] = u[i].y;
            w->nd++;
        }
    }
    return rc;
}

/* A random cell of the buurt near cluster k (or anywhere: k < 0). */
static long pick_cell(const Writer *w, const Cluster *cl, int k) {
    const NlModel *m = w->m;
    const NlBuurt *b = w->b;
    int32_t own = (int32_t)(b - m->buurt) + 1;
    for (int attempt = 0; k >= 0 && attempt < 6; attempt++) {
        double u = cl[k].u + cl[k].sigma * rng_normal(w->r);
        double v = cl[k].v + cl[k].sigma * rng_normal(w->r);
        if (u < 0 || v < 0 || u >= m->width || v >= m->height) {
            continue;
        }
        long c = (long)v * m->width + (long)u;
        if (m->label[c] == own) {
            return c;
        }
    }
    return m->cells[b->first_cell + (long)rng_index(w->r, (size_t)b->ncells)];
}

/* A cell of the buurt whose left neighbour belongs to another buurt, or -1. */
static long edge_cell(const Writer *w) {
    const NlModel *m = w->m;
    const NlBuurt *b = w->b;
    int32_t own = (int32_t)(b - m->buurt) + 1;
    long off = (long)rng_index(w->r, (size_t)b->ncells);
    for (long i = 0; i < b->ncells; i++) {
        long c = m->cells[b->first_cell + (i + off) % b->ncells];
        if (c % m->width > 0 && m->label[c - 1] != own && m->label[c - 1] > 0) {
            return c;
        }
    }
    return -1;
}

static void dwelling_values(Writer *w, Unit *u, int stacked) {
    u->status = value_dwelling_status(w->r);
    u->gebruik = rng_chance(w->r, 0.02) ? (F_WINKEL | F_WOON) : F_WOON;
    u->opp = value_dwelling_area(w->r, stacked);
}

static void nonres_values(Writer *w, Unit *u, int ground_floor) {
    u->status = VS_IN_GEBRUIK;
    u->gebruik = value_nonres_function(w->r, 0, ground_floor);
    u->opp = value_nonres_area(w->r, u->gebruik);
}

static int buurt_objects(Writer *w) {
    const NlBuurt *b = w->b;
    GenRng *r = w->r;
    Cluster cl[3];
    int ncl = b->rural ? 1 + (int)rng_index(r, 2) : 1 + (int)rng_index(r, 3);
    for (int k = 0; k < ncl; k++) {
        long c = pick_cell(w, cl, -1);
        cl[k].u = (double)(c % w->m->width) + 0.5;
        cl[k].v = (double)(c / w->m->width) + 0.5;
        double s = sqrt((double)b->ncells / ncl);
        cl[k].sigma = fmax(1.0, b->rural ? 0.12 * s : 0.3 * s);
        memset(&cl[k].core, 0, sizeof cl[k].core);
        cl[k].core.era = value_core_era(r, b->rural, b->dense && k == 0);
    }
    double scatter = b->rural ? 0.4 : 0.12;
    double p_stacked = b->dense ? 0.5 : (b->rural ? 0.04 : 0.3);
    Unit u[MAX_UNIT + 1];
    int left = b->dwellings, rc = 0;
    if (left >= 200 && rng_chance(r, 0.5)) {
        long c = edge_cell(w);
        if (c >= 0) {
            dwelling_values(w, &u[0], 0);
            u[0].status = VS_IN_GEBRUIK;
            rc = emit_pand(w, c, 0, u, 1, &cl[0].core, 0, PS_IN_GEBRUIK, 1);
            w->m->n_edge++;
            left--;
        }
    }
    while (left > 0 && rc == 0) {
        int stacked = left >= 6 && rng_chance(r, p_stacked);
        int n = stacked ? rng_int(r, 6, MAX_UNIT) : 1;
        n = n > left ? left : n;
        int k = rng_chance(r, scatter) ? -1 : (int)rng_index(r, (size_t)ncl);
        long c = pick_cell(w, cl, k);
        for (int i = 0; i < n; i++) {
            dwelling_values(w, &u[i], stacked);
        }
        int extra = rng_chance(r, stacked ? 0.6 : 0.1);
        if (extra) {
            nonres_values(w, &u[n], 1);
        }
        rc = emit_pand(w, c, stacked, u, n + extra, &cl[k < 0 ? 0 : k].core, 0,
                       PS_IN_GEBRUIK, 0);
        left -= n;
        /* objects that are not dwellings, in panden of their own */
        if (rc == 0 && rng_chance(r, stacked ? 0.5 : 0.17)) {
            int nn = rng_int(r, 1, 3);
            for (int i = 0; i < nn; i++) {
                nonres_values(w, &u[i], 0);
            }
            rc = emit_pand(w, pick_cell(w, cl, k), 0, u, nn, &cl[0].core, 0,
                           PS_IN_GEBRUIK, 0);
        }
        if (rc == 0 && rng_chance(r, stacked ? 0.3 : 0.06)) {
            PandStatus ps;
            int bj;
            dwelling_values(w, &u[0], 0);
            u[0].status = value_nonlive(r, &ps, &bj);
            rc = emit_pand(w, pick_cell(w, cl, -1), 0, u, 1, NULL, bj, ps, 0);
        }
    }
    return rc;
}

static double round_cm(double v) { return floor(v * 100.0 + 0.5) / 100.0; }

/* Voorzieningen per buurt, at a dwelling moved by about 25 m. Rates per
 * dwelling (≈ 2.2 inhabitants each) give ≈ 150 k for the whole country. */
static int buurt_voorz(Writer *w) {
    static const double rate[CAT_COUNT] = {2.2 / 2500, 2.2 / 9000, 2.2 / 3500,
                                           1.0 / 1200, 1.0 / 900,  1.0 / 1000,
                                           1.0 / 900,  1.0 / 75};
    NlModel *m = w->m;
    for (int c = 0; c < CAT_COUNT && w->nd > 0; c++) {
        double lambda = rate[c] * w->b->dwellings;
        int n = (int)floor(lambda + rng_uniform(w->r));
        if (c == CAT_BUSHALTE && n == 0 && rng_chance(w->r, 0.5)) {
            n = 1;
        }
        for (int i = 0; i < n; i++) {
            Voorziening *v = gen_grow(m->voorz, &m->cap_voorz,
                                      (size_t)m->n_voorz + 1, sizeof *v);
            if (!v) {
                return gen_error("out of memory (voorzieningen)");
            }
            m->voorz = v;
            v = &m->voorz[m->n_voorz++];
            memset(v, 0, sizeof *v);
            size_t k = rng_index(w->r, w->nd);
            v->x = round_cm(w->dxy[2 * k] + 25 * rng_normal(w->r));
            v->y = round_cm(w->dxy[2 * k + 1] + 25 * rng_normal(w->r));
            v->cat = (Categorie)c;
            v->gemeente = w->b->gem;
            names_voorziening(w->r, v->cat, w->g->naam, w->b->naam, w->street,
                              i, &v->variant, v->naam, sizeof v->naam);
        }
    }
    return 0;
}

int nl_write_bag(NlModel *m, const char *path) {
    char desc_v[1024], desc_p[1024];
    gen_describe_seed(desc_v, sizeof desc_v, m->seed,
                      "BAG-verblijfsobjecten (PDOK bag-light schema) op "
                      "landelijke schaal");
    gen_describe_seed(desc_p, sizeof desc_p, m->seed,
                      "BAG-panden (PDOK bag-light schema) op landelijke "
                      "schaal");
    if (bag_create_schema(path, m->rd, desc_v, desc_p) != 0) {
        return -1;
    }
    Writer w;
    memset(&w, 0, sizeof w);
    w.m = m;
    GDALDatasetH ds = bag_open_layers(path, &w.lv, w.iv, &w.lp, w.ip);
    if (!ds) {
        return -1;
    }
    snprintf(w.what_v, sizeof w.what_v, "%s: layer verblijfsobject", path);
    snprintf(w.what_p, sizeof w.what_p, "%s: layer pand", path);
    int rc = GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE
                 ? 0
                 : gen_error("%s: cannot start transaction", path);
    /* gemeenten in code order, then their wijken and buurten: rows come
     * out ordered by identificatie */
    for (int gi = 0; gi < m->n_gem && rc == 0; gi++) {
        NlGemeente *g = &m->gem[gi];
        for (int wi = g->first_wijk;
             g->selected && wi < g->first_wijk + g->n_wijken && rc == 0; wi++) {
            const NlWijk *wk = &m->wijk[wi];
            for (int k = 0; k < wk->n_buurten && rc == 0; k++) {
                int bi = wk->first_buurt + k;
                GenRng r;
                rng_seed(&r, m->seed, 500000 + (uint64_t)bi);
                w.r = &r;
                w.b = &m->buurt[bi];
                w.g = g;
                w.nd = 0;
                w.n_streets = 0;
                w.street_left = 0;
                w.addresses = 0;
                w.pc4 = 1000 + (gi * 31 + wi - g->first_wijk) % 9000;
                next_street(&w);
                rc = buurt_objects(&w);
                if (rc == 0) {
                    rc = buurt_voorz(&w);
                }
            }
        }
        if (rc == 0 && g->selected && ++w.gemeenten_done % 20 == 0) {
            fprintf(stderr, "%s: %d gemeenten, %lld objecten\n", gen_program,
                    w.gemeenten_done, m->n_vbo);
        }
    }
    free(w.dxy);
    if (rc != 0) {
        GDALDatasetRollbackTransaction(ds);
    } else if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
        rc = gen_error("%s: cannot commit: %s", path, gen_gdal_msg());
    }
    if (rc == 0) {
        rc = bag_create_indexes(ds, path);
    }
    int rc2 = gpkg_close(ds, path);
    return rc != 0 ? rc : rc2;
}

int nl_write_voorz(const NlModel *m, const char *path) {
    char desc[1024];
    gen_describe_seed(desc, sizeof desc, m->seed,
                      "voorzieningen (huisarts, apotheek, supermarkt, "
                      "buurthuis, basisschool, sport, park, bushalte) bij de "
                      "synthetische woningen op landelijke schaal");
    return voorz_write_gpkg_list(path, m->rd, desc, m->voorz, m->n_voorz);
}
