/*
 * gen_region.c — sampling regions, buurt kinds and woonplaats names.
 *
 * The sampling region of a buurt is its real polygon buffered inward by
 * GEN_INSET_M, intersected with its wijk (by wijkcode) buffered inward as well,
 * so that every generated point lies >= 2 m inside its buurt and, where the
 * generalized wijk and buurt polygons allow it, inside its wijk polygon too.
 * Buurten whose region is too small get no dwellings. Woonplaats names are
 * derived from buurt and wijk names ("Verspreide huizen X" -> "X").
 */
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

/* Adds the polygon parts of g (Polygon, MultiPolygon or GeometryCollection)
 * to the MultiPolygon `out`; returns the number of parts that failed. */
static int add_polygons(OGRGeometryH out, OGRGeometryH g) {
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        return OGR_G_AddGeometry(out, g) != OGRERR_NONE;
    }
    int failed = 0;
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
            failed += add_polygons(out, OGR_G_GetGeometryRef(g, i));
        }
    }
    return failed;
}

/* Polygon parts of g as a new MultiPolygon (empty for NULL); NULL on error. */
static OGRGeometryH polygons_only(OGRGeometryH g) {
    OGRGeometryH out = OGR_G_CreateGeometry(wkbMultiPolygon);
    if (g && add_polygons(out, g) != 0) {
        OGR_G_DestroyGeometry(out);
        return NULL;
    }
    return out;
}

static int set_region(Buurt *b, OGRGeometryH region) {
    if (b->prepared) {
        OGRDestroyPreparedGeometry(b->prepared);
    }
    OGR_G_DestroyGeometry(b->region);
    b->region = region;
    b->region_m2 = OGR_G_Area(region);
    OGR_G_GetEnvelope(region, &b->env);
    b->prepared = OGRCreatePreparedGeometry(region);
    if (!b->prepared) {
        return gen_error("buurten: %s: cannot prepare sampling region",
                         b->code);
    }
    return 0;
}

static BuurtKind classify(const Buurt *b) {
    if (gen_starts_with(b->naam, "Verspreide huizen") ||
        gen_ends_with(b->naam, "Buitengebied") ||
        (gen_ends_with(b->code, "09") && b->area_m2 > 2.0e6)) {
        return BUURT_RURAL;
    }
    if (gen_starts_with(b->naam, "Industrieterrein") ||
        gen_starts_with(b->naam, "Bedrijvenpark") ||
        gen_starts_with(b->naam, "Tuinbouwcentrum")) {
        return BUURT_INDUSTRIAL;
    }
    return BUURT_VILLAGE;
}

static int build_buurt_region(Buurt *b, OGRGeometryH wijk_inset) {
    b->area_m2 = OGR_G_Area(b->geom);
    OGRGeometryH inset = OGR_G_Buffer(b->geom, -GEN_INSET_M, 8);
    if (!inset) {
        return gen_error("buurten: %s: inward buffer failed: %s", b->code,
                         gen_gdal_msg());
    }
    OGRGeometryH inter = OGR_G_Intersection(inset, wijk_inset);
    OGRGeometryH region = polygons_only(inter);
    OGR_G_DestroyGeometry(inter);
    if (region && OGR_G_Area(region) >= GEN_MIN_REGION_M2) {
        b->eligible = 1;
        OGR_G_DestroyGeometry(inset);
    } else {
        /* too little overlap with the wijk polygon: keep the inset buurt as a
         * fallback */
        OGR_G_DestroyGeometry(region);
        region = polygons_only(inset);
        OGR_G_DestroyGeometry(inset);
        b->eligible = 0;
    }
    if (!region) {
        return gen_error("buurten: %s: cannot collect the sampling region",
                         b->code);
    }
    return set_region(b, region);
}

/* The town core of a wijk: its "-Centrum" buurt, else its largest non-rural
 * region. */
static void mark_core(Model *m, Wijk *w) {
    int best = -1;
    for (int i = 0; i < w->n_buurten; i++) {
        Buurt *b = &m->buurten[w->buurten[i]];
        if (b->kind == BUURT_RURAL) {
            w->has_rural = 1;
        }
        if (!b->eligible || b->kind != BUURT_VILLAGE) {
            continue;
        }
        if (strstr(b->naam, "-Centrum") != NULL) {
            best = w->buurten[i];
            break;
        }
        if (best < 0 || b->region_m2 > m->buurten[best].region_m2) {
            best = w->buurten[i];
        }
    }
    if (best >= 0) {
        m->buurten[best].kind = BUURT_CORE;
    }
}

/* A wijk with dwellings needs at least one eligible buurt: fall back to its
 * largest one. */
static int ensure_eligible(Model *m, Wijk *w) {
    int best = -1;
    for (int i = 0; i < w->n_buurten; i++) {
        const Buurt *b = &m->buurten[w->buurten[i]];
        if (b->eligible) {
            return 0;
        }
        if (best < 0 || b->region_m2 > m->buurten[best].region_m2) {
            best = w->buurten[i];
        }
    }
    if (w->woningvoorraad == 0) {
        return 0;
    }
    if (best < 0 || m->buurten[best].region_m2 < 200.0) {
        return gen_error(
            "buurten: wijk %s has no buurt large enough for dwellings",
            w->code);
    }
    m->buurten[best].eligible = 1;
    return 0;
}

int region_build_all(Model *m) {
    for (int w = 0; w < m->n_wijken; w++) {
        Wijk *wk = &m->wijken[w];
        OGRGeometryH inset = OGR_G_Buffer(wk->geom, -GEN_INSET_M, 8);
        if (!inset) {
            return gen_error("wijken: %s: inward buffer failed: %s", wk->code,
                             gen_gdal_msg());
        }
        for (int i = 0; i < wk->n_buurten; i++) {
            Buurt *b = &m->buurten[wk->buurten[i]];
            if (build_buurt_region(b, inset) != 0) {
                OGR_G_DestroyGeometry(inset);
                return -1;
            }
            b->kind = classify(b);
        }
        OGR_G_DestroyGeometry(inset);
        if (ensure_eligible(m, wk) != 0) {
            return -1;
        }
        mark_core(m, wk);
    }
    return 0;
}

int region_contains_point(const Buurt *b, double x, double y) {
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, x, y);
    int inside = OGRPreparedGeometryContains(b->prepared, pt);
    OGR_G_DestroyGeometry(pt);
    return inside;
}

int region_random_point(const Buurt *b, GenRng *r, double *x, double *y) {
    for (int i = 0; i < 200000; i++) {
        double px = rng_range(r, b->env.MinX, b->env.MaxX);
        double py = rng_range(r, b->env.MinY, b->env.MaxY);
        if (region_contains_point(b, px, py)) {
            *x = px;
            *y = py;
            return 0;
        }
    }
    return gen_error(
        "buurten: %s: cannot find a point inside the sampling region", b->code);
}

/* ---------- woonplaats names ---------- */

static void strip_prefix(char *s, const char *prefix) {
    size_t lp = strlen(prefix);
    if (strncmp(s, prefix, lp) == 0) {
        memmove(s, s + lp, strlen(s + lp) + 1);
    }
}

static void strip_suffix(char *s, const char *suffix) {
    if (gen_ends_with(s, suffix) && strlen(s) > strlen(suffix)) {
        s[strlen(s) - strlen(suffix)] = '\0';
    }
}

static void buurt_place(const char *naam, char *out, size_t n) {
    static const char *const suffixes[] = {
        " Buitengebied", "-Centrum", " Oost",  " West", " Midden",
        "-Noord",        "-Zuid",    " Noord", " Zuid"};
    gen_copy(out, n, naam);
    strip_prefix(out, "Verspreide huizen ");
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        strip_suffix(out, suffixes[i]);
    }
}

static void wijk_place(const char *naam, char *out, size_t n) {
    static const char *const suffixes[] = {" Noord", " Zuid", " Oost", " West",
                                           " Industrieterreinen"};
    gen_copy(out, n, naam);
    if (gen_starts_with(out, "Wijk ") && strlen(out) > 8 && out[7] == ' ') {
        memmove(out, out + 8, strlen(out + 8) + 1);
    }
    strip_prefix(out, "Kern ");
    char *c = strstr(out, "-Centrum");
    if (c) {
        *c = '\0';
    }
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        strip_suffix(out, suffixes[i]);
    }
}

static int rural_twin(const Model *m, const Wijk *w, const char *place) {
    for (int i = 0; i < w->n_buurten; i++) {
        const Buurt *b = &m->buurten[w->buurten[i]];
        char p[GEN_NAME_LEN];
        buurt_place(b->naam, p, sizeof p);
        if (b->kind == BUURT_RURAL && strcmp(p, place) == 0) {
            return 1;
        }
    }
    return 0;
}

static int gemeente_has_centrum(const Model *m, int g) {
    char want[GEN_NAME_LEN + 16];
    snprintf(want, sizeof want, "%s-Centrum", m->gemeenten[g].naam);
    for (int b = 0; b < m->n_buurten; b++) {
        if (m->buurten[b].gemeente == g &&
            strcmp(m->buurten[b].naam, want) == 0) {
            return 1;
        }
    }
    return 0;
}

static int woonplaats_index(Model *m, int g, const char *name) {
    for (int i = 0; i < m->n_woonplaatsen; i++) {
        if (m->woonplaatsen[i].gemeente == g &&
            strcmp(m->woonplaatsen[i].name, name) == 0) {
            return i;
        }
    }
    static const int base[3] = {3210, 3340, 3490};
    int count = 0;
    for (int i = 0; i < m->n_woonplaatsen; i++) {
        count += m->woonplaatsen[i].gemeente == g;
    }
    Woonplaats *wp = &m->woonplaatsen[m->n_woonplaatsen];
    memset(wp, 0, sizeof *wp);
    gen_copy(wp->name, sizeof wp->name, name);
    wp->gemeente = g;
    wp->id = base[g % 3] + count;
    return m->n_woonplaatsen++;
}

/* Assigns every buurt a woonplaats (name and 4-digit id). */
int places_derive(Model *m) {
    m->woonplaatsen = calloc((size_t)m->n_buurten + 1, sizeof(Woonplaats));
    if (!m->woonplaatsen) {
        return gen_error("out of memory");
    }
    for (int w = 0; w < m->n_wijken; w++) {
        wijk_place(m->wijken[w].naam, m->wijken[w].place,
                   sizeof m->wijken[w].place);
    }
    for (int bi = 0; bi < m->n_buurten; bi++) {
        Buurt *b = &m->buurten[bi];
        const Wijk *w = &m->wijken[b->wijk];
        char place[GEN_NAME_LEN];
        buurt_place(b->naam, place, sizeof place);
        if (b->kind != BUURT_RURAL && !rural_twin(m, w, place)) {
            if (!w->has_rural && gemeente_has_centrum(m, b->gemeente)) {
                gen_copy(place, sizeof place, m->gemeenten[b->gemeente].naam);
            } else {
                gen_copy(place, sizeof place, w->place);
            }
        }
        b->woonplaats = woonplaats_index(m, b->gemeente, place);
    }
    return 0;
}
