/* The quick proof of validity (ws__certainly_valid): whatever it proves
 * valid, GEOS must find valid, and it must prove the plainly valid regions
 * (else the loader gains nothing). Checked on hand-made cases worked out
 * on paper (also a comb that exceeds the sweep's budget), on 50,000
 * random polygons of four kinds (star-shaped with and
 * without holes, random scribbles, pairs of parts that may overlap or
 * nest, and rings on a coarse grid full of touches and collinear edges),
 * on the real CBS boundaries and on the BOCE example's.
 *
 *   test_validity [WIJKENBUURTEN.gpkg]   (the file: only that set; run by
 *   tests/cli/fastpaths.sh on a generated set) */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gdal.h>
#include <ogr_api.h>

#include "geom/geom_internal.h"
#include "ws_test.h"

#define REAL(name) WS_REAL_DATA_DIR "/" name
#define BOCE(name) WS_SOURCE_DIR "/examples/boce/" name

static GEOSContextHandle_t h;
static ws__valid_scratch *scratch;

static int setup(void **state) {
    (void)state;
    h = GEOS_init_r();
    scratch = ws__valid_scratch_new();
    GDALAllRegister();
    return h && scratch ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    ws__valid_scratch_free(scratch);
    GEOS_finish_r(h);
    return 0;
}

static GEOSGeometry *wkt(const char *s) {
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, s);
    GEOSWKTReader_destroy_r(h, r);
    return g;
}

/* Proven valid (1) or not (0); fails the test when the proof and GEOS
 * disagree in the one way that matters. */
static int proven(const GEOSGeometry *g, const char *what) {
    bool p = ws__certainly_valid(h, g, scratch);
    if (p && GEOSisValid_r(h, g) != 1)
        fail_msg("%s: proven valid, but GEOS finds it invalid", what);
    return p;
}

typedef struct hand_case {
    const char *wkt;
    int proven;     /* worked out by hand */
    int geos_valid; /* OGC: what GEOS must say */
} hand_case;

static void hand_made_cases(void **state) {
    (void)state;
    static const hand_case cases[] = {
        /* a square; with a hole well inside */
        {"POLYGON((0 0,10 0,10 10,0 10,0 0))", 1, 1},
        {"POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))", 1, 1},
        /* a staircase at RD coordinates, 25 m steps */
        {"POLYGON((250000 540000,250025 540000,250025 540025,250050 540025,"
         "250050 540050,250000 540050,250000 540000))",
         1, 1},
        /* a vertex on a straight edge */
        {"POLYGON((0 0,5 0,10 0,10 10,0 10,0 0))", 1, 1},
        /* two parts apart */
        {"MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2 0,3 0,3 1,2 1,2 0)))", 1, 1},
        /* a bow tie: the ring crosses itself */
        {"POLYGON((0 0,10 10,10 0,0 10,0 0))", 0, 0},
        /* a hole touching its shell at one point: valid, left to GEOS */
        {"POLYGON((0 0,10 0,10 10,0 10,0 0),(0 5,3 4,3 6,0 5))", 0, 1},
        /* a hole outside its shell; one crossing it */
        {"POLYGON((0 0,10 0,10 10,0 10,0 0),(20 20,20 22,22 22,22 20,20 20))",
         0, 0},
        {"POLYGON((0 0,10 0,10 10,0 10,0 0),(8 2,8 4,12 4,12 2,8 2))", 0, 0},
        /* a hole inside another hole */
        {"POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,1 9,9 9,9 1,1 1),"
         "(2 2,2 3,3 3,3 2,2 2))",
         0, 0},
        /* parts sharing an edge; a part inside another */
        {"MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 0,2 0,2 1,1 1,1 0)))", 0, 0},
        {"MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((2 2,3 2,3 3,2 3,2 2)))", 0,
         0},
        /* parts touching at a corner: valid, left to GEOS */
        {"MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 1,2 1,2 2,1 2,1 1)))", 0, 1},
        /* an island in a hole: valid, left to GEOS */
        {"MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(1 1,1 9,9 9,9 1,1 1)),"
         "((4 4,6 4,6 6,4 6,4 4)))",
         0, 1},
        /* a repeated point: valid, left to GEOS */
        {"POLYGON((0 0,10 0,10 0,10 10,0 10,0 0))", 0, 1},
        /* a spike out and back along the same line */
        {"POLYGON((0 0,10 0,10 5,15 5,10 5,10 10,0 10,0 0))", 0, 0},
        /* a ring through the same vertex twice */
        {"POLYGON((0 0,10 0,5 5,10 10,0 10,5 5,0 0))", 0, 0},
        /* three collinear points: no area */
        {"POLYGON((0 0,5 0,10 0,0 0))", 0, 0},
        /* a point is not a region; nor is an empty polygon */
        {"POINT(1 1)", 0, 1},
        {"POLYGON EMPTY", 0, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        GEOSGeometry *g = wkt(cases[i].wkt);
        assert_non_null(g);
        if (GEOSisValid_r(h, g) != cases[i].geos_valid)
            fail_msg("case %zu (%s): GEOS says %d", i, cases[i].wkt,
                     GEOSisValid_r(h, g));
        if (proven(g, cases[i].wkt) != cases[i].proven)
            fail_msg("case %zu (%s): proven %d, expected %d", i, cases[i].wkt,
                     !cases[i].proven, cases[i].proven);
        GEOSGeom_destroy_r(h, g);
    }
}

/* More rings than the nesting check takes: not proven, GEOS decides. */
static void many_holes_left_to_geos(void **state) {
    (void)state;
    char buf[16384];
    size_t n = (size_t)snprintf(buf, sizeof buf,
                                "POLYGON((0 0,100 0,100 100,0 100,0 0)");
    for (int k = 0; k < 70; k++) {
        double x = 2 + (k % 10) * 9, y = 2 + (k / 10) * 9;
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              ",(%g %g,%g %g,%g %g,%g %g,%g %g)", x, y, x,
                              y + 5, x + 5, y + 5, x + 5, y, x, y);
    }
    snprintf(buf + n, sizeof buf - n, ")");
    GEOSGeometry *g = wkt(buf);
    assert_non_null(g);
    assert_int_equal(GEOSisValid_r(h, g), 1);
    assert_int_equal(proven(g, "70 holes"), 0);
    GEOSGeom_destroy_r(h, g);
}

/* A comb of `teeth` teeth 1000 long: every tooth's edges overlap every
 * other's in x, so the sweep compares them all. A few are proven; with
 * 200 the pairs exceed the sweep's budget and GEOS decides (valid). */
static GEOSGeometry *comb(int teeth) {
    static char buf[65536];
    size_t n = (size_t)snprintf(buf, sizeof buf, "POLYGON((0 0,1000 0");
    for (int k = 0; k < teeth; k++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, ",1000 %d,1 %d",
                              2 * k + 1, 2 * k + 1);
        if (k + 1 < teeth)
            n += (size_t)snprintf(buf + n, sizeof buf - n, ",1 %d,1000 %d",
                                  2 * k + 2, 2 * k + 2);
    }
    snprintf(buf + n, sizeof buf - n, ",0 %d,0 0))", 2 * teeth - 1);
    GEOSGeometry *g = wkt(buf);
    assert_non_null(g);
    assert_int_equal(GEOSisValid_r(h, g), 1);
    return g;
}

static void long_combs_left_to_geos(void **state) {
    (void)state;
    GEOSGeometry *g = comb(10);
    assert_int_equal(proven(g, "comb of 10"), 1);
    GEOSGeom_destroy_r(h, g);
    g = comb(200);
    assert_int_equal(proven(g, "comb of 200"), 0);
    GEOSGeom_destroy_r(h, g);
}

/* --- random polygons ------------------------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static double uniform(void) { /* [0, 1) */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

typedef struct wkt_buf {
    char s[65536];
    size_t n;
} wkt_buf;

static void put(wkt_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof b->s - b->n);
    b->n += (size_t)k;
}

/* A star-shaped ring around (cx, cy): angles increasing, radii in
 * [rmin, rmax]; clockwise when `cw`. */
static void star_ring(wkt_buf *b, double cx, double cy, double rmin,
                      double rmax, int k, bool cw) {
    double a[96];
    assert_true(k <= 96);
    for (int i = 0; i < k; i++)
        a[i] = 2 * M_PI * (i + 0.1 + 0.8 * uniform()) / k;
    put(b, "(");
    double x0 = 0, y0 = 0;
    for (int i = 0; i < k; i++) {
        double ang = cw ? -a[i] : a[i];
        double r = rmin + (rmax - rmin) * uniform();
        double x = cx + r * cos(ang), y = cy + r * sin(ang);
        if (i == 0)
            x0 = x, y0 = y;
        put(b, "%.17g %.17g,", x, y);
    }
    put(b, "%.17g %.17g)", x0, y0);
}

static void scribble_ring(wkt_buf *b, int k, double size, bool grid) {
    put(b, "(");
    double x0 = 0, y0 = 0;
    for (int i = 0; i < k; i++) {
        double x = size * uniform(), y = size * uniform();
        if (grid)
            x = floor(x), y = floor(y);
        if (i == 0)
            x0 = x, y0 = y;
        put(b, "%.17g %.17g,", x, y);
    }
    put(b, "%.17g %.17g)", x0, y0);
}

typedef struct tally {
    size_t n, valid, proven;
} tally;

static void check_random(wkt_buf *b, tally *t) {
    GEOSGeometry *g = wkt(b->s);
    if (!g) /* e.g. a ring of too few distinct points */
        return;
    t->n++;
    t->valid += GEOSisValid_r(h, g) == 1;
    t->proven += (size_t)proven(g, b->s);
    GEOSGeom_destroy_r(h, g);
}

static void random_polygons(void **state) {
    (void)state;
    tally star = {0}, holed = {0}, scribble = {0}, pairs = {0}, grid = {0};
    for (int i = 0; i < 10000; i++) {
        wkt_buf b = {.n = 0};
        double cx = 100000 + 150000 * uniform(),
               cy = 350000 + 250000 * uniform();
        double R = 10 + 2000 * uniform();
        int k = 3 + (int)(60 * uniform());
        /* star-shaped: valid */
        put(&b, "POLYGON(");
        star_ring(&b, cx, cy, 0.3 * R, R, k, uniform() < 0.5);
        put(&b, ")");
        check_random(&b, &star);
        /* with a hole inside the shell: at least 8 vertices, so no edge
         * comes nearer the centre than 0.3 R cos(0.9 π / 4) = 0.23 R, and
         * the hole reaches 0.03 + 0.12 = 0.15 R from it: valid */
        b.n = 0;
        put(&b, "POLYGON(");
        star_ring(&b, cx, cy, 0.3 * R, R, 8 + k, false);
        put(&b, ",");
        star_ring(&b, cx + 0.03 * R, cy, 0.03 * R, 0.12 * R, 3 + k / 3, true);
        put(&b, ")");
        check_random(&b, &holed);
        /* a scribble: mostly crossing itself */
        b.n = 0;
        put(&b, "POLYGON(");
        scribble_ring(&b, 4 + (int)(8 * uniform()), R, false);
        put(&b, ")");
        check_random(&b, &scribble);
        /* two parts: apart, overlapping or nested */
        b.n = 0;
        put(&b, "MULTIPOLYGON((");
        star_ring(&b, cx, cy, 0.3 * R, R, k, false);
        put(&b, "),(");
        star_ring(&b, cx + 3 * R * (uniform() - 0.5), cy, 0.05 * R,
                  R * uniform() + 0.1 * R, 3 + k / 2, false);
        put(&b, "))");
        check_random(&b, &pairs);
        /* a shell and a hole on a 4 × 4 grid: touches, shared edges and
         * collinear runs everywhere */
        b.n = 0;
        put(&b, "POLYGON(");
        scribble_ring(&b, 4 + (int)(3 * uniform()), 5, true);
        if (uniform() < 0.5) {
            put(&b, ",");
            scribble_ring(&b, 4, 5, true);
        }
        put(&b, ")");
        check_random(&b, &grid);
    }
    const tally *all[5] = {&star, &holed, &scribble, &pairs, &grid};
    const char *names[5] = {"star", "star with hole", "scribble", "two parts",
                            "grid"};
    for (int i = 0; i < 5; i++)
        print_message("%-15s %5zu polygons, %5zu valid, %5zu proven\n",
                      names[i], all[i]->n, all[i]->valid, all[i]->proven);
    /* the plainly valid ones are proven (angles a hair apart may not be) */
    assert_int_equal(star.valid, star.n);
    assert_true(star.proven >= star.n * 99 / 100);
    assert_int_equal(holed.valid, holed.n);
    assert_true(holed.proven >= holed.n * 99 / 100);
    /* the other kinds have both outcomes, and valid ones get proven */
    assert_true(scribble.valid > 0 && scribble.valid < scribble.n);
    assert_true(pairs.proven > 0 && pairs.valid < pairs.n);
    assert_true(grid.valid > 0 && grid.valid < grid.n);
}

/* --- real boundaries ------------------------------------------------------ */

static GEOSGeometry *read_geom(OGRFeatureH f) {
    OGRGeometryH og = OGR_F_GetGeometryRef(f);
    if (!og)
        return NULL;
    int size = OGR_G_WkbSize(og);
    unsigned char *wkb = malloc((size_t)size);
    assert_non_null(wkb);
    OGR_G_ExportToWkb(og, wkbNDR, wkb);
    GEOSGeometry *g = GEOSGeomFromWKB_buf_r(h, wkb, (size_t)size);
    free(wkb);
    return g;
}

/* Every region of the three levels: proven ones are valid; returns the
 * share proven of those GEOS finds valid. */
static double check_file(const char *path) {
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    tally t = {0};
    const char *layers[3] = {"buurten", "wijken", "gemeenten"};
    for (int k = 0; k < 3; k++) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, layers[k]);
        if (!l)
            continue;
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            GEOSGeometry *g = read_geom(f);
            if (g) {
                char what[256];
                snprintf(what, sizeof what, "%s: %s feature %lld", path,
                         layers[k], (long long)OGR_F_GetFID(f));
                t.n++;
                t.valid += GEOSisValid_r(h, g) == 1;
                t.proven += (size_t)proven(g, what);
                GEOSGeom_destroy_r(h, g);
            }
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    print_message("%s: %zu regions, %zu valid, %zu proven valid\n", path, t.n,
                  t.valid, t.proven);
    assert_true(t.n > 0);
    return t.valid ? (double)t.proven / (double)t.valid : 0;
}

static void real_cbs_boundaries(void **state) {
    (void)state;
    if (!ws_test_have_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg")))
        skip();
    assert_true(check_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg")) >
                0.9);
}

static void boce_example(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg")))
        skip();
    assert_true(
        check_file(BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg")) > 0.9);
}

static const char *generated_path;

static void generated_set(void **state) {
    (void)state;
    assert_true(check_file(generated_path) > 0.9);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        generated_path = argv[1];
        const struct CMUnitTest t[] = {
            cmocka_unit_test_setup_teardown(generated_set, setup, teardown)};
        return cmocka_run_group_tests(t, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hand_made_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(many_holes_left_to_geos, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(long_combs_left_to_geos, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(random_polygons, setup, teardown),
        cmocka_unit_test_setup_teardown(real_cbs_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(boce_example, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
