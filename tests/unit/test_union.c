/* Region unions: the coverage union (where wijkscan trusts it) and the
 * overlay union give the same polygons — same area, same parts, holes and
 * vertices, topologically equal — on the real CBS boundaries, the BOCE
 * example data, a generated set (given on the command line, as
 * tests/cli/fastpaths.sh does) and hand-made tilings, clean and not:
 * overlaps, gaps, T-junctions, duplicates. Where the coverage union alone
 * would be wrong, the check must send the union to the overlay.
 *
 * The boundary network (ws__polygon_edges, the map's lines) is checked
 * against GEOS's union of the polygons' boundaries: the same lines, and
 * no longer, so every shared edge is in it once.
 *
 *   test_union [WIJKENBUURTEN.gpkg]   (the file: only that set) */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gdal.h>
#include <ogr_api.h>

#include "geom/geom_internal.h"
#include "load/load_internal.h"
#include "wijkscan/wijkscan.h"
#include "ws_test.h"

#define REAL(name) WS_REAL_DATA_DIR "/" name
#define BOCE(name) WS_SOURCE_DIR "/examples/boce/" name

static GEOSContextHandle_t h;

static int setup(void **state) {
    (void)state;
    h = GEOS_init_r();
    GDALAllRegister();
    return h ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    GEOS_finish_r(h);
    return 0;
}

static GEOSGeometry *wkt(const char *s) {
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, s);
    GEOSWKTReader_destroy_r(h, r);
    assert_non_null(g);
    return g;
}

static int holes(const GEOSGeometry *g) {
    int n = 0;
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
        n += GEOSGetNumInteriorRings_r(h, GEOSGetGeometryN_r(h, g, i));
    return n;
}

/* Union of `coll` both ways; they must agree. Returns the union AUTO used. */
static ws__union_kind compare(const GEOSGeometry *coll, const char *what) {
    size_t n = (size_t)GEOSGetNumGeometries_r(h, coll);
    size_t nv = (size_t)GEOSGetNumCoordinates_r(h, coll);
    size_t bytes = ws__union_scratch_bytes(n, nv);
    void *mem = malloc(bytes);
    assert_non_null(mem);
    ws__union_kind used;
    GEOSGeometry *a =
        ws__polygon_union(h, coll, mem, bytes, WS_UNION_AUTO, &used);
    GEOSGeometry *c =
        ws__polygon_union(h, coll, mem, bytes, WS_UNION_CLASSIC, NULL);
    /* too little working memory: the overlay union */
    ws__union_kind small;
    GEOSGeometry *d =
        ws__polygon_union(h, coll, mem, bytes - 1, WS_UNION_AUTO, &small);
    assert_int_equal(small, WS_UNION_CLASSIC);
    assert_int_equal(GEOSEqualsExact_r(h, c, d, 0), 1);
    GEOSGeom_destroy_r(h, d);
    free(mem);
    assert_non_null(a);
    assert_non_null(c);
    double aa, ac;
    assert_true(GEOSArea_r(h, a, &aa) && GEOSArea_r(h, c, &ac));
    if (!(fabs(aa - ac) <= 1e-12 * fabs(ac)) ||
        GEOSGetNumGeometries_r(h, a) != GEOSGetNumGeometries_r(h, c) ||
        holes(a) != holes(c) ||
        GEOSGetNumCoordinates_r(h, a) != GEOSGetNumCoordinates_r(h, c) ||
        GEOSEquals_r(h, a, c) != 1 || GEOSisValid_r(h, a) != 1)
        fail_msg("%s: the %s union differs from the overlay union "
                 "(area %.17g / %.17g, parts %d / %d, holes %d / %d)",
                 what, used == WS_UNION_COVERAGE ? "coverage" : "overlay", aa,
                 ac, GEOSGetNumGeometries_r(h, a), GEOSGetNumGeometries_r(h, c),
                 holes(a), holes(c));
    assert_int_equal(GEOSNormalize_r(h, a), 0);
    assert_int_equal(GEOSNormalize_r(h, c), 0);
    if (GEOSEqualsExact_r(h, a, c, 0) != 1)
        fail_msg("%s: same area and topology, but other vertices", what);
    GEOSGeom_destroy_r(h, a);
    GEOSGeom_destroy_r(h, c);
    return used;
}

static GEOSGeometry *collection(const char *const *polys, size_t n) {
    GEOSGeometry **g = calloc(n, sizeof *g);
    assert_non_null(g);
    for (size_t i = 0; i < n; i++)
        g[i] = wkt(polys[i]);
    GEOSGeometry *c =
        GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, g, (unsigned)n);
    free(g);
    assert_non_null(c);
    return c;
}

static ws__union_kind compare_wkt(const char *const *polys, size_t n,
                                  const char *what) {
    GEOSGeometry *c = collection(polys, n);
    ws__union_kind used = compare(c, what);
    GEOSGeom_destroy_r(h, c);
    return used;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A 4 x 3 grid of unit cells with a vertex in the middle of every edge,
 * which the neighbours share. */
static void grid_cells(char buf[12][256], const char *cells[12]) {
    for (int i = 0; i < 12; i++) {
        int x = i % 4, y = i / 4;
        snprintf(buf[i], 256,
                 "POLYGON((%d %d,%d.5 %d,%d %d,%d %d.5,%d %d,%d.5 %d,%d %d,%d "
                 "%d.5,%d %d))",
                 x, y, x, y, x + 1, y, x + 1, y, x + 1, y + 1, x, y + 1, x,
                 y + 1, x, y, x, y);
        cells[i] = buf[i];
    }
}

/* Clean tilings: the coverage union is used and equals the overlay. */
static void clean_tilings(void **state) {
    (void)state;
    char buf[12][256];
    const char *cells[12];
    grid_cells(buf, cells);
    assert_int_equal(compare_wkt(cells, 12, "grid"), WS_UNION_COVERAGE);
    /* eight cells around an empty middle: the union has a hole */
    const char *ring[8];
    for (int i = 0, k = 0; i < 9; i++)
        if (i != 4)
            ring[k++] = buf[(i / 3) * 4 + i % 3];
    assert_int_equal(compare_wkt(ring, 8, "ring with a hole"),
                     WS_UNION_COVERAGE);
    /* an enclave filling a hole, and a multipolygon part */
    const char *enclave[] = {
        "POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
        "POLYGON((1 1,2 1,2 2,1 2,1 1))",
        "MULTIPOLYGON(((3 0,4 0,4 3,3 3,3 0)),((5 0,6 0,6 1,5 1,5 0)))"};
    assert_int_equal(compare_wkt(enclave, N(enclave), "enclave"),
                     WS_UNION_COVERAGE);
    /* two squares that touch at one corner only */
    const char *corner[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                            "POLYGON((1 1,2 1,2 2,1 2,1 1))"};
    compare_wkt(corner, N(corner), "corner");
}

/* Inputs that do not tile: whatever the coverage union makes of them, the
 * union wijkscan keeps is the overlay's. */
static void unclean_inputs(void **state) {
    (void)state;
    /* B bulges 0.1 into A: an overlap the area test sees */
    const char *overlap[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                             "POLYGON((1 0,2 0,2 1,1 1,0.9 0.5,1 0))"};
    assert_int_equal(compare_wkt(overlap, N(overlap), "overlap"),
                     WS_UNION_CLASSIC);
    /* the same, 1e-12 wide: below the area test, found by the vertex test */
    const char *sliver[] = {
        "POLYGON((0 0,1 0,1 1,0 1,0 0))",
        "POLYGON((1 0,2 0,2 1,1 1,0.999999999999 0.5,1 0))"};
    assert_int_equal(compare_wkt(sliver, N(sliver), "thin overlap"),
                     WS_UNION_CLASSIC);
    /* B bulges away from A: a gap between them */
    const char *gap[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                         "POLYGON((1 0,2 0,2 1,1 1,1.1 0.5,1 0))"};
    compare_wkt(gap, N(gap), "gap");
    /* the gap closed on both sides by a third polygon: a hole */
    const char *hole[] = {"POLYGON((0 0,1 0,1 0.2,1 0.8,1 1,0 1,0 0))",
                          "POLYGON((1 0.2,2 0.2,2 0.8,1 0.8,1.1 0.5,1 0.2))",
                          "POLYGON((1 0,2 0,2 0.2,1 0.2,1 0))",
                          "POLYGON((1 0.8,2 0.8,2 1,1 1,1 0.8))"};
    compare_wkt(hole, N(hole), "gap inside");
    /* a T-junction: B has a vertex on A's edge that A lacks */
    const char *tee[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                         "POLYGON((1 0,2 0,2 1,1 1,1 0.5,1 0))"};
    compare_wkt(tee, N(tee), "T-junction");
    /* and a T-junction with a kink: B's vertex just off A's edge, inside A */
    const char *kink[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                          "POLYGON((1 0,2 0,2 1,1 1,0.999999 0.5,1 0))"};
    assert_int_equal(compare_wkt(kink, N(kink), "kink"), WS_UNION_CLASSIC);
    /* the same polygon twice */
    const char *twice[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                           "POLYGON((0 0,1 0,1 1,0 1,0 0))"};
    assert_int_equal(compare_wkt(twice, N(twice), "duplicate"),
                     WS_UNION_CLASSIC);
    /* one polygon inside another */
    const char *inside[] = {"POLYGON((0 0,3 0,3 3,0 3,0 0))",
                            "POLYGON((1 1,2 1,2 2,1 2,1 1))"};
    assert_int_equal(compare_wkt(inside, N(inside), "inside"),
                     WS_UNION_CLASSIC);
    /* a single polygon is never a coverage union */
    const char *one[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))"};
    assert_int_equal(compare_wkt(one, 1, "one"), WS_UNION_CLASSIC);
}

/* --- region files ------------------------------------------------------- */

typedef struct group {
    char code[32];
    GEOSGeometry **g;
    size_t n, cap;
} group;

typedef struct grouping {
    group *v;
    size_t n, cap;
} grouping;

static void group_add(grouping *gr, const char *code, GEOSGeometry *g) {
    group *grp = NULL;
    for (size_t i = 0; i < gr->n && !grp; i++)
        if (strcmp(gr->v[i].code, code) == 0)
            grp = &gr->v[i];
    if (!grp) {
        if (gr->n == gr->cap) {
            gr->cap = gr->cap ? gr->cap * 2 : 16;
            gr->v = realloc(gr->v, gr->cap * sizeof *gr->v);
            assert_non_null(gr->v);
        }
        grp = &gr->v[gr->n++];
        memset(grp, 0, sizeof *grp);
        snprintf(grp->code, sizeof grp->code, "%s", code);
    }
    if (grp->n == grp->cap) {
        grp->cap = grp->cap ? grp->cap * 2 : 16;
        grp->g = realloc(grp->g, grp->cap * sizeof *grp->g);
        assert_non_null(grp->g);
    }
    grp->g[grp->n++] = g;
}

static GEOSGeometry *read_geom(OGRFeatureH f) {
    OGRGeometryH og = OGR_F_GetGeometryRef(f);
    assert_non_null(og);
    int size = OGR_G_WkbSize(og);
    unsigned char *wkb = malloc((size_t)size);
    assert_non_null(wkb);
    OGR_G_ExportToWkb(og, wkbNDR, wkb);
    GEOSGeometry *g = GEOSGeomFromWKB_buf_r(h, wkb, (size_t)size);
    free(wkb);
    assert_non_null(g);
    if (GEOSisValid_r(h, g) != 1) { /* as the loader does */
        GEOSGeometry *v = GEOSMakeValid_r(h, g);
        GEOSGeom_destroy_r(h, g);
        g = v;
    }
    return g;
}

/* Read `layer`, grouping its polygons by `field` (NULL: all in one). */
static grouping read_groups(GDALDatasetH ds, const char *layer,
                            const char *field) {
    grouping gr = {0};
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    assert_non_null(l);
    int fi = field ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), field) : -1;
    if (field)
        assert_true(fi >= 0);
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        const char *code = fi >= 0 ? OGR_F_GetFieldAsString(f, fi) : "all";
        char water[8] = "";
        int fw = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "water");
        if (fw >= 0)
            snprintf(water, sizeof water, "%s", OGR_F_GetFieldAsString(f, fw));
        if (strcmp(water, "JA") != 0)
            group_add(&gr, code, read_geom(f));
        OGR_F_Destroy(f);
    }
    return gr;
}

/* Compare the unions of every group; counts the unions of more than one
 * polygon and how many of them were coverage unions. */
typedef struct counts {
    size_t multi, coverage;
} counts;

static void compare_groups(grouping *gr, const char *what, counts *cnt) {
    size_t coverage = 0, multi = 0;
    for (size_t i = 0; i < gr->n; i++) {
        group *g = &gr->v[i];
        multi += g->n > 1;
        GEOSGeometry *c = GEOSGeom_createCollection_r(
            h, GEOS_GEOMETRYCOLLECTION, g->g, (unsigned)g->n);
        assert_non_null(c);
        char label[128];
        snprintf(label, sizeof label, "%s %s", what, g->code);
        coverage += compare(c, label) == WS_UNION_COVERAGE;
        GEOSGeom_destroy_r(h, c);
        free(g->g);
    }
    free(gr->v);
    print_message("%s: %zu unions, %zu of more than one polygon, %zu of "
                  "them coverage unions\n",
                  what, gr->n, multi, coverage);
    gr->v = NULL;
    gr->n = 0;
    cnt->multi += multi;
    cnt->coverage += coverage;
}

/* Dissolve the buurten of a CBS-schema file into wijken, gemeenten and the
 * whole; the file's own wijken and gemeenten into gemeenten and the whole. */
static counts compare_file(const char *path) {
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    counts cnt = {0, 0};
    grouping gr = read_groups(ds, "buurten", "wijkcode");
    compare_groups(&gr, "buurten -> wijk", &cnt);
    gr = read_groups(ds, "buurten", "gemeentecode");
    compare_groups(&gr, "buurten -> gemeente", &cnt);
    gr = read_groups(ds, "buurten", NULL);
    compare_groups(&gr, "buurten -> all", &cnt);
    if (GDALDatasetGetLayerByName(ds, "wijken")) {
        gr = read_groups(ds, "wijken", "gemeentecode");
        compare_groups(&gr, "wijken -> gemeente", &cnt);
    }
    if (GDALDatasetGetLayerByName(ds, "gemeenten")) {
        gr = read_groups(ds, "gemeenten", NULL);
        compare_groups(&gr, "gemeenten -> regio", &cnt);
    }
    GDALClose(ds);
    return cnt;
}

/* The real CBS 2023 boundaries of BOCE (generalised). */
static void real_cbs_boundaries(void **state) {
    (void)state;
    if (!ws_test_have_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg")))
        skip();
    counts c = compare_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg"));
    assert_true(c.coverage > 0);
}

/* The BOCE example's buurten file (the same boundaries, written again by
 * the example generator). */
static void boce_example(void **state) {
    (void)state;
    if (!ws_test_have_file(BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg")))
        skip();
    compare_file(BOCE("data/wijkenbuurten-2023-boce-synthetic.gpkg"));
}

/* --- the boundary network ------------------------------------------------ */

/* The edges of parts[0..n): returned with their number of lines. */
static GEOSGeometry *edges_of(const GEOSGeometry *const *parts, size_t n,
                              int *nlines) {
    size_t nv = 0;
    for (size_t i = 0; i < n; i++)
        nv += (size_t)GEOSGetNumCoordinates_r(h, parts[i]);
    size_t bytes = ws__union_scratch_bytes(n, nv);
    void *mem = malloc(bytes);
    assert_non_null(mem);
    /* one byte too few: no network (the caller reports it) */
    assert_null(ws__polygon_edges(h, parts, n, mem, bytes - 1));
    GEOSGeometry *e = ws__polygon_edges(h, parts, n, mem, bytes);
    free(mem);
    assert_non_null(e);
    assert_int_equal(GEOSGeomTypeId_r(h, e), GEOS_MULTILINESTRING);
    *nlines = GEOSGetNumGeometries_r(h, e);
    return e;
}

/* The second method: GEOS's union of the parts' boundaries. Checks that the
 * network covers the same lines and has the same length (no edge twice),
 * and returns that length. */
static double check_network(const GEOSGeometry *const *parts, size_t n,
                            int *nlines) {
    GEOSGeometry *e = edges_of(parts, n, nlines);
    GEOSGeometry **b = calloc(n, sizeof *b);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++)
        assert_non_null(b[i] = GEOSBoundary_r(h, parts[i]));
    GEOSGeometry *coll =
        GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, b, (unsigned)n);
    assert_non_null(coll);
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    assert_non_null(u);
    double le, lu;
    assert_true(GEOSLength_r(h, e, &le) && GEOSLength_r(h, u, &lu));
    if (!(fabs(le - lu) <= 1e-9 * lu) || GEOSEquals_r(h, e, u) != 1)
        fail_msg("the network (length %.17g) is not the union of the "
                 "boundaries (length %.17g)",
                 le, lu);
    GEOSGeom_destroy_r(h, u);
    GEOSGeom_destroy_r(h, coll);
    GEOSGeom_destroy_r(h, e);
    free(b);
    return le;
}

static double network_wkt(const char *const *polys, size_t n, int *nlines) {
    GEOSGeometry **g = calloc(n, sizeof *g);
    assert_non_null(g);
    for (size_t i = 0; i < n; i++)
        g[i] = wkt(polys[i]);
    double len = check_network((const GEOSGeometry *const *)g, n, nlines);
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(h, g[i]);
    free(g);
    return len;
}

static void boundary_networks(void **state) {
    (void)state;
    int nl;
    /* one square: one closed line */
    const char *one[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))"};
    assert_true(network_wkt(one, 1, &nl) == 4);
    assert_int_equal(nl, 1);
    /* two squares sharing an edge: 7, not 8; three lines meeting at the
     * shared edge's ends */
    const char *two[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                         "POLYGON((1 0,2 0,2 1,1 1,1 0))"};
    assert_true(network_wkt(two, 2, &nl) == 7);
    assert_int_equal(nl, 3);
    /* the 4 x 3 grid: 16 horizontal and 15 vertical units, against 48 of
     * the cells' rings */
    char buf[12][256];
    const char *cells[12];
    grid_cells(buf, cells);
    assert_true(network_wkt(cells, 12, &nl) == 31);
    /* an enclave in a hole (its ring once), and a multipolygon whose first
     * part shares the side x = 3 with the square around the hole: 12 + 4 +
     * (8 - 3) + 4 */
    const char *enclave[] = {
        "POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
        "POLYGON((1 1,2 1,2 2,1 2,1 1))",
        "MULTIPOLYGON(((3 0,4 0,4 3,3 3,3 0)),((5 0,6 0,6 1,5 1,5 0)))"};
    assert_true(network_wkt(enclave, 3, &nl) == 25);
    /* a shared edge that is not split alike on both sides stays twice
     * (drawn as before: each ring whole) */
    const char *t_junction[] = {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
                                "POLYGON((1 0,2 0,2 1,1 1,1 0.5,1 0))"};
    GEOSGeometry *g[2] = {wkt(t_junction[0]), wkt(t_junction[1])};
    GEOSGeometry *e = edges_of((const GEOSGeometry *const *)g, 2, &nl);
    double len;
    assert_true(GEOSLength_r(h, e, &len) && len == 8);
    GEOSGeom_destroy_r(h, e);
    GEOSGeom_destroy_r(h, g[0]);
    GEOSGeom_destroy_r(h, g[1]);
}

/* The real CBS buurten of BOCE: the network is the union of their
 * boundaries, each shared edge once. */
static void real_boundary_network(void **state) {
    (void)state;
    if (!ws_test_have_file(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg")))
        skip();
    GDALDatasetH ds =
        GDALOpenEx(REAL("cbs_wijkbuurt_2023_boce_generalized.gpkg"),
                   GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    grouping gr = read_groups(ds, "buurten", NULL);
    GDALClose(ds);
    assert_int_equal(gr.n, 1);
    group *all = &gr.v[0];
    int nl;
    double len =
        check_network((const GEOSGeometry *const *)all->g, all->n, &nl);
    double rings = 0;
    for (size_t i = 0; i < all->n; i++) {
        GEOSGeometry *b = GEOSBoundary_r(h, all->g[i]);
        double l;
        assert_true(b && GEOSLength_r(h, b, &l));
        rings += l;
        GEOSGeom_destroy_r(h, b);
        GEOSGeom_destroy_r(h, all->g[i]);
    }
    print_message("%zu buurten: rings %.0f m, network %.0f m in %d lines\n",
                  all->n, rings, len, nl);
    assert_true(len < 0.6 * rings); /* most edges are shared */
    free(all->g);
    free(gr.v);
}

static const char *generated_path;

/* A wijkscan-nl-gen set: its regions tile exactly, so every union of more
 * than one polygon must be a coverage union. */
static void generated_set(void **state) {
    (void)state;
    counts c = compare_file(generated_path);
    assert_true(c.multi > 0);
    assert_int_equal(c.coverage, c.multi);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        generated_path = argv[1];
        const struct CMUnitTest t[] = {
            cmocka_unit_test_setup_teardown(generated_set, setup, teardown)};
        return cmocka_run_group_tests(t, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(clean_tilings, setup, teardown),
        cmocka_unit_test_setup_teardown(unclean_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(real_cbs_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(boce_example, setup, teardown),
        cmocka_unit_test_setup_teardown(boundary_networks, setup, teardown),
        cmocka_unit_test_setup_teardown(real_boundary_network, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
