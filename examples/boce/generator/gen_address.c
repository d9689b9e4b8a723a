/*
 * gen_address.c — addresses for the generated verblijfsobjecten.
 *
 * Each buurt gets about one street per 18 panden (10 in rural buurten),
 * anchored on a random pand; every pand joins its nearest anchor. House numbers
 * run along the street direction (singles 1, 2, 3 ... with some gaps and an
 * occasional huisletter; stacked panden get a number range, one number with
 * huisletters, or one number with toevoegingen). Every woonplaats gets a block
 * of PC4 codes from its gemeente's range; each 20 addresses along a street take
 * the next PC6 letter pair of that PC4 (no F, I, O, Q, U, Y; no SA, SD, SS).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

#define ADDR_PER_PC6 20

/* PC4 ranges per gemeente (GM0109, GM0114, GM1681); {0,-1} marks an unused
 * slot. */
static const int PC_RANGES[3][2][2] = {{{7740, 7799}, {0, -1}},
                                       {{7800, 7869}, {7880, 7889}},
                                       {{7870, 7879}, {9500, 9599}}};

static int pc4_total(int g) {
    int n = 0;
    for (int i = 0; i < 2; i++) {
        n += PC_RANGES[g % 3][i][1] - PC_RANGES[g % 3][i][0] + 1;
    }
    return n;
}

static int pc4_at(int g, int idx) {
    idx %= pc4_total(g);
    for (int i = 0; i < 2; i++) {
        int len = PC_RANGES[g % 3][i][1] - PC_RANGES[g % 3][i][0] + 1;
        if (idx < len) {
            return PC_RANGES[g % 3][i][0] + idx;
        }
        idx -= len;
    }
    return PC_RANGES[g % 3][0][0];
}

static void letter_pair(int k, char *out) {
    static const char ALPHA[] = "ABCDEGHJKLMNPRSTVWXZ";
    const int n = (int)(sizeof ALPHA - 1);
    k %= n * n - 3;
    for (int i = 0, valid = 0; i < n * n; i++) {
        char a = ALPHA[i / n], b = ALPHA[i % n];
        if (a == 'S' && (b == 'A' || b == 'D' || b == 'S')) {
            continue;
        }
        if (valid++ == k) {
            out[0] = a, out[1] = b, out[2] = '\0';
            return;
        }
    }
    out[0] = 'A', out[1] = 'A', out[2] = '\0';
}

static void assign_pc4_blocks(Model *m) {
    for (int i = 0; i < m->n_woonplaatsen; i++) {
        Woonplaats *wp = &m->woonplaatsen[i];
        Gemeente *g = &m->gemeenten[wp->gemeente];
        wp->pc4_count = (int)ceil(wp->dwellings * 1.08 / 1300.0);
        wp->pc4_count = wp->pc4_count < 1 ? 1 : wp->pc4_count;
        wp->pc4_first = g->pc_cursor;
        g->pc_cursor += wp->pc4_count;
    }
}

static int name_taken(const Model *m, int wp, const char *name) {
    for (int s = 0; s < m->n_streets; s++) {
        if (m->streets[s].woonplaats == wp &&
            strcmp(m->streets[s].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void unique_street_name(const Model *m, int wp, BuurtKind kind,
                               GenRng *r, char *buf, size_t n) {
    static const char *const extra[] = {" Noord", " Zuid", " Oost", " West"};
    int first = m->woonplaatsen[wp].n_streets;
    for (int attempt = 0; attempt < 80; attempt++) {
        names_street(r, kind, attempt == 0 ? first : 99, buf, n);
        if (!name_taken(m, wp, buf)) {
            return;
        }
    }
    char base[GEN_NAME_LEN - 16];
    gen_copy(base, sizeof base, buf);
    for (int i = 0; i < 1000; i++) {
        if (i < 4) {
            snprintf(buf, n, "%s%s", base, extra[i]);
        } else {
            snprintf(buf, n, "%s %d", base, i);
        }
        if (!name_taken(m, wp, buf)) {
            return;
        }
    }
}

static int new_street(Model *m, const Buurt *b, const Pand *anchor, GenRng *r) {
    Street *grown = gen_grow(m->streets, &m->cap_streets,
                             (size_t)m->n_streets + 1, sizeof(Street));
    if (!grown) {
        return -1;
    }
    m->streets = grown;
    Street st;
    memset(&st, 0, sizeof st);
    unique_street_name(m, b->woonplaats, b->kind, r, st.name, sizeof st.name);
    names_short(st.name, st.short_name, sizeof st.short_name);
    Woonplaats *wp = &m->woonplaatsen[b->woonplaats];
    st.woonplaats = b->woonplaats;
    st.gemeente = b->gemeente;
    st.pc4 = pc4_at(b->gemeente, wp->pc4_first + wp->n_streets % wp->pc4_count);
    st.ax = anchor->cx;
    st.ay = anchor->cy;
    st.dir = anchor->angle + (rng_chance(r, 0.5) ? 0.0 : GEN_PI / 2);
    st.serial = m->gemeenten[b->gemeente].next_or++;
    wp->n_streets++;
    m->streets[m->n_streets] = st;
    return m->n_streets++;
}

typedef struct {
    double key;
    int pand;
} Ordered;

static int cmp_ordered(const void *a, const void *b) {
    const Ordered *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return x->pand - y->pand;
}

typedef struct {
    int num, prev, count;
    int prev_plain; /* previous address was a single number without letter or
                       suffix */
    char letters[3];
    int *pc_next;
} Numbering;

static void set_address(Model *m, Vbo *v, int street, int num, Numbering *nb) {
    const Street *st = &m->streets[street];
    if (nb->count % ADDR_PER_PC6 == 0) {
        letter_pair(nb->pc_next[st->pc4]++, nb->letters);
    }
    nb->count++;
    v->street = street;
    v->huisnummer = num;
    snprintf(v->postcode, sizeof v->postcode, "%04d%s", st->pc4, nb->letters);
}

static void number_pand(Model *m, const Pand *p, int street, GenRng *r,
                        Numbering *nb) {
    Vbo *v = &m->vbos[p->first_vbo];
    if (p->n_vbo == 1) {
        if (nb->prev_plain && rng_chance(r, 0.02)) {
            set_address(m, v, street, nb->prev, nb);
            gen_copy(v->huisletter, sizeof v->huisletter, "A");
            nb->prev_plain = 0;
            return;
        }
        set_address(m, v, street, nb->num, nb);
        nb->prev = nb->num;
        nb->prev_plain = 1;
        nb->num += rng_chance(r, 0.85) ? 1 : 2;
        return;
    }
    double u = rng_uniform(r);
    for (int i = 0; i < p->n_vbo; i++) {
        if (u < 0.25 && p->n_vbo <= 8) {
            set_address(m, &v[i], street, nb->num, nb);
            v[i].huisletter[0] = (char)('A' + i);
            v[i].huisletter[1] = '\0';
        } else if (u < 0.6) {
            set_address(m, &v[i], street, nb->num, nb);
            snprintf(v[i].toevoeging, sizeof v[i].toevoeging, "%d",
                     (i + 1) % 1000);
        } else {
            set_address(m, &v[i], street, nb->num + i, nb);
        }
    }
    nb->prev = u < 0.6 ? nb->num : nb->num + p->n_vbo - 1;
    nb->num = nb->prev + 1;
    nb->prev_plain = 0;
}

static int number_street(Model *m, int street, const int *street_of,
                         const Buurt *b, GenRng *r, int *pc_next) {
    Ordered *ord = malloc((size_t)b->n_panden * sizeof(Ordered));
    if (!ord) {
        return gen_error("out of memory");
    }
    const Street *st = &m->streets[street];
    double ux = cos(st->dir), uy = sin(st->dir);
    int n = 0;
    for (int i = 0; i < b->n_panden; i++) {
        if (street_of[i] == street) {
            const Pand *p = &m->panden[b->first_pand + i];
            ord[n].key = (p->cx - st->ax) * ux + (p->cy - st->ay) * uy;
            ord[n++].pand = b->first_pand + i;
        }
    }
    qsort(ord, (size_t)n, sizeof(Ordered), cmp_ordered);
    Numbering nb = {1, 0, 0, 0, "AA", pc_next};
    for (int i = 0; i < n; i++) {
        number_pand(m, &m->panden[ord[i].pand], street, r, &nb);
    }
    free(ord);
    return 0;
}

static int address_buurt(Model *m, int bi, GenRng *r, int *pc_next) {
    const Buurt *b = &m->buurten[bi];
    int n_p = b->n_panden;
    int per = b->kind == BUURT_RURAL ? 10 : 18;
    int n_st = gen_clamp_int(gen_round((double)n_p / per), 1, n_p);
    int *idx = malloc((size_t)n_p * sizeof(int));
    int *street_of = malloc((size_t)n_p * sizeof(int));
    int *anchor = malloc((size_t)n_st * sizeof(int));
    int rc = (idx && street_of && anchor) ? 0 : gen_error("out of memory");
    for (int i = 0; rc == 0 && i < n_p; i++) {
        idx[i] = i;
    }
    /* partial Fisher-Yates shuffle: n_st distinct anchor panden */
    for (int s = 0; rc == 0 && s < n_st; s++) {
        int j = s + (int)rng_index(r, (size_t)(n_p - s));
        int t = idx[s];
        idx[s] = idx[j], idx[j] = t;
        anchor[s] = new_street(m, b, &m->panden[b->first_pand + idx[s]], r);
        rc = anchor[s] < 0 ? -1 : 0;
    }
    for (int i = 0; rc == 0 && i < n_p; i++) {
        const Pand *p = &m->panden[b->first_pand + i];
        double best = 1e300;
        for (int s = 0; s < n_st; s++) {
            const Street *st = &m->streets[anchor[s]];
            double d = hypot(p->cx - st->ax, p->cy - st->ay);
            if (d < best) {
                best = d, street_of[i] = anchor[s];
            }
        }
    }
    for (int s = 0; rc == 0 && s < n_st; s++) {
        rc = number_street(m, anchor[s], street_of, b, r, pc_next);
    }
    free(idx);
    free(street_of);
    free(anchor);
    return rc;
}

int address_assign(Model *m) {
    assign_pc4_blocks(m);
    int *pc_next = calloc(10000, sizeof(int));
    if (!pc_next) {
        return gen_error("out of memory");
    }
    int rc = 0;
    for (int b = 0; b < m->n_buurten && rc == 0; b++) {
        if (m->buurten[b].n_panden == 0) {
            continue;
        }
        GenRng r;
        rng_seed(&r, m->seed, 5000u + (uint64_t)b);
        rc = address_buurt(m, b, &r, pc_next);
    }
    free(pc_next);
    return rc;
}
