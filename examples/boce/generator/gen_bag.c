/*
 * gen_bag.c — BAG vocabulary (status phrases, gebruiksdoel values, the dwelling
 * rule) and the driver of the BAG generation: one independent random stream per
 * buurt, followed by a check that the dwellings per wijk equal the real
 * Woningvoorraad_35 exactly.
 */
#include <string.h>

#include "gen_internal.h"

static const char *const VBO_STATUS[] = {
    "Verblijfsobject in gebruik",
    "Verblijfsobject in gebruik (niet ingemeten)",
    "Verbouwing verblijfsobject",
    "Verblijfsobject gevormd",
    "Niet gerealiseerd verblijfsobject",
    "Verblijfsobject ingetrokken",
    "Verblijfsobject buiten gebruik",
    "Verblijfsobject ten onrechte opgevoerd",
};

static const char *const PAND_STATUS[] = {
    "Pand in gebruik",        "Pand in gebruik (niet ingemeten)",
    "Verbouwing pand",        "Bouw gestart",
    "Niet gerealiseerd pand", "Pand gesloopt",
    "Pand buiten gebruik",    "Pand ten onrechte opgevoerd",
};

/* In the order of the F_* bits (alphabetical), so joined values come out
 * sorted. */
static const char *const FUNCTIONS[F_COUNT] = {
    "bijeenkomstfunctie", "gezondheidszorgfunctie", "industriefunctie",
    "kantoorfunctie",     "onderwijsfunctie",       "overige gebruiksfunctie",
    "sportfunctie",       "winkelfunctie",          "woonfunctie",
};

const char *vbo_status_text(VboStatus s) { return VBO_STATUS[(int)s]; }

const char *pand_status_text(PandStatus s) { return PAND_STATUS[(int)s]; }

/* Comma-joined (no spaces), sorted, distinct gebruiksdoel values of a bit mask.
 */
void gebruik_join(unsigned mask, char *buf, size_t n) {
    size_t used = 0;
    if (n == 0) {
        return;
    }
    buf[0] = '\0';
    for (int i = 0; i < F_COUNT; i++) {
        if (!(mask & (1u << i))) {
            continue;
        }
        size_t len = strlen(FUNCTIONS[i]);
        size_t sep = used > 0 ? 1 : 0;
        if (used + sep + len + 1 > n) {
            break;
        }
        if (sep) {
            buf[used++] = ',';
        }
        memcpy(buf + used, FUNCTIONS[i], len);
        used += len;
        buf[used] = '\0';
    }
}

/* The project's dwelling rule: woonfunctie and a live status. */
int vbo_is_dwelling(const Vbo *v) {
    int live = v->status == VS_IN_GEBRUIK || v->status == VS_NIET_INGEMETEN ||
               v->status == VS_VERBOUWING;
    return live && (v->gebruik & F_WOON) != 0;
}

static int verify_counts(const Model *m) {
    for (int w = 0; w < m->n_wijken; w++) {
        const Wijk *wk = &m->wijken[w];
        int count = 0;
        for (int p = 0; p < m->n_panden; p++) {
            const Pand *pd = &m->panden[p];
            if (m->buurten[pd->buurt].wijk != w) {
                continue;
            }
            for (int v = pd->first_vbo; v < pd->first_vbo + pd->n_vbo; v++) {
                count += vbo_is_dwelling(&m->vbos[v]);
            }
        }
        if (count != wk->woningvoorraad) {
            return gen_error(
                "wijken: %s: generated %d dwellings, Woningvoorraad_35 is %d",
                wk->code, count, wk->woningvoorraad);
        }
    }
    return 0;
}

int bag_generate(Model *m) {
    static const long long serial_start[3] = {100001LL, 200001LL, 300001LL};
    for (int g = 0; g < m->n_gemeenten; g++) {
        Gemeente *gm = &m->gemeenten[g];
        gm->next_vbo = serial_start[g % 3];
        gm->next_pand = serial_start[g % 3] + 50000LL;
        gm->next_na = serial_start[g % 3] + 70000LL;
        gm->next_or = 1001LL + 500LL * g;
    }
    for (int b = 0; b < m->n_buurten; b++) {
        GenRng r;
        rng_seed(&r, m->seed, 1000u + (uint64_t)b);
        if (bag_generate_buurt(m, b, &r) != 0) {
            return -1;
        }
    }
    return verify_counts(m);
}
