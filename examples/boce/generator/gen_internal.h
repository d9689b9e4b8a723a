/*
 * gen_internal.h — shared types and prototypes of wijkscan-boce-gen, the
 * generator of the SYNTHETIC BOCE example data set (BAG bag-light,
 * voorzieningen, CBS wijken en buurten).
 *
 * The model is built in phases: read the real CBS boundaries and kerncijfers
 * (gen_input.c), derive sampling regions and allocate dwellings (gen_region.c,
 * gen_alloc.c), generate panden and verblijfsobjecten (gen_bag*.c,
 * gen_place.c, gen_address.c, gen_names.c), voorzieningen (gen_voorz.c) and
 * CBS statistics (gen_cbs.c), then write all outputs (gen_gpkg.c,
 * gen_*_write.c, gen_osm.c). Every random draw comes from GenRng (gen_rng.c),
 * never from rand().
 */
#ifndef GEN_INTERNAL_H
#define GEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define GEN_PROGRAM "wijkscan-boce-gen"
#define GEN_DEFAULT_SEED 20231u
#define GEN_NAME_LEN 96
#define GEN_PATH_LEN 1024
#define GEN_PI 3.14159265358979323846
/* Inward buffer (m) of the sampling regions: points end up >= 2 m inside their
 * buurt. */
#define GEN_INSET_M 2.5
/* Minimum sampling-region area (m2) for a buurt to receive dwellings. */
#define GEN_MIN_REGION_M2 3000.0

/* ---------- random numbers (gen_rng.c) ---------- */
typedef struct {
    uint64_t s[4];
} GenRng;

void rng_seed(GenRng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(GenRng *r);
double rng_uniform(GenRng *r);
double rng_range(GenRng *r, double lo, double hi);
int rng_int(GenRng *r, int lo, int hi);
double rng_normal(GenRng *r);
int rng_chance(GenRng *r, double p);
size_t rng_index(GenRng *r, size_t n);
size_t rng_weighted(GenRng *r, const double *w, size_t n);

/* ---------- BAG enumerations (gen_bag.c) ---------- */
typedef enum {
    VS_IN_GEBRUIK,
    VS_NIET_INGEMETEN,
    VS_VERBOUWING,
    VS_GEVORMD,
    VS_NIET_GEREALISEERD,
    VS_INGETROKKEN,
    VS_BUITEN_GEBRUIK,
    VS_TEN_ONRECHTE
} VboStatus;

typedef enum {
    PS_IN_GEBRUIK,
    PS_NIET_INGEMETEN,
    PS_VERBOUWING,
    PS_BOUW_GESTART,
    PS_NIET_GEREALISEERD,
    PS_GESLOOPT,
    PS_BUITEN_GEBRUIK,
    PS_TEN_ONRECHTE
} PandStatus;

/* gebruiksdoel bits in alphabetical order, so joining set bits gives sorted
 * values */
enum {
    F_BIJEENKOMST = 1u << 0,
    F_GEZONDHEIDSZORG = 1u << 1,
    F_INDUSTRIE = 1u << 2,
    F_KANTOOR = 1u << 3,
    F_ONDERWIJS = 1u << 4,
    F_OVERIG = 1u << 5,
    F_SPORT = 1u << 6,
    F_WINKEL = 1u << 7,
    F_WOON = 1u << 8
};
#define F_COUNT 9

typedef enum {
    BUURT_VILLAGE,
    BUURT_CORE,
    BUURT_RURAL,
    BUURT_INDUSTRIAL
} BuurtKind;

typedef enum {
    CAT_HUISARTS,
    CAT_APOTHEEK,
    CAT_SUPERMARKT,
    CAT_BUURTHUIS,
    CAT_BASISSCHOOL,
    CAT_SPORT,
    CAT_PARK,
    CAT_BUSHALTE,
    CAT_COUNT
} Categorie;

/* ---------- model ---------- */
typedef struct {
    char code[8];  /* GM0109 */
    char code4[5]; /* 0109 */
    char naam[GEN_NAME_LEN];
    OGRGeometryH geom;
    int inwoners, mannen, vrouwen, woningvoorraad;
    long long next_vbo, next_pand, next_na, next_or;
    int pc_cursor;
} Gemeente;

typedef struct {
    char code[16];
    char naam[GEN_NAME_LEN];
    char place[GEN_NAME_LEN]; /* place name derived from the wijknaam */
    int gemeente;
    OGRGeometryH geom;
    int inwoners, mannen, vrouwen, woningvoorraad;
    int *buurten;
    int n_buurten;
    int has_rural;
} Wijk;

typedef struct {
    char code[16];
    char naam[GEN_NAME_LEN];
    char wijkcode[16];
    int wijk, gemeente, woonplaats;
    BuurtKind kind;
    OGRGeometryH geom;   /* real generalized boundary */
    OGRGeometryH region; /* sampling region: inset buurt within inset wijk */
    OGRPreparedGeometryH prepared;
    OGREnvelope env;
    double area_m2, region_m2;
    int eligible;
    int dwellings; /* allocated; the generator places exactly this many */
    int first_core, n_cores;
    int first_pand, n_panden;
} Buurt;

/* A dwelling cluster: Gaussian around (x, y), panden aligned to `angle`. */
typedef struct {
    int buurt;
    double x, y, sigma, angle, weight;
    int era; /* building era index, see gen_bag_values.c */
} Core;

/* A pand footprint: rectangle centred on (cx, cy), half length hl along
 * `angle`, half width hw across it. Its VBOs are vbos[first_vbo ...]. */
typedef struct {
    double cx, cy, hl, hw, angle;
    int buurt, core, bouwjaar;
    PandStatus status;
    int first_vbo, n_vbo;
    long long serial;
} Pand;

typedef struct {
    double x, y;
    int pand, oppervlakte, street, huisnummer;
    VboStatus status;
    unsigned gebruik;
    char huisletter[2];
    char toevoeging[6];
    char postcode[8];
    long long serial, na_serial;
} Vbo;

typedef struct {
    char name[GEN_NAME_LEN];
    char short_name[32];
    int woonplaats, gemeente, pc4;
    double ax, ay, dir;
    long long serial;
} Street;

typedef struct {
    char name[GEN_NAME_LEN];
    int gemeente, id, dwellings, pc4_first, pc4_count, n_streets;
} Woonplaats;

typedef struct {
    double x, y;
    Categorie cat;
    int gemeente, woonplaats, buurt;
    int variant; /* sport: 0 = sports_centre, 1 = pitch */
    char naam[GEN_NAME_LEN + 32];
} Voorziening;

/* CBS statistics of one unit; values <= -99990 are CBS no-data codes */
typedef struct {
    int inwoners, mannen, vrouwen;
    int pct_age[5];
    int huishoudens, pct_eenpersoons;
    double hh_grootte;
    int woningvoorraad, pct_koop, pct_huur, pct_corporatie, pct_overig,
        wmo_per_1000;
    int dichtheid, land_ha;
} CbsStats;

typedef struct {
    uint64_t seed;
    char input_dir[GEN_PATH_LEN];
    char out_dir[GEN_PATH_LEN];
    OGRSpatialReferenceH rd;
    Gemeente gemeenten[3];
    int n_gemeenten;
    Wijk *wijken;
    int n_wijken;
    Buurt *buurten;
    int n_buurten;
    Core *cores;
    int n_cores;
    size_t cap_cores;
    Pand *panden;
    int n_panden;
    size_t cap_panden;
    Vbo *vbos;
    int n_vbos;
    size_t cap_vbos;
    Street *streets;
    int n_streets;
    size_t cap_streets;
    Woonplaats *woonplaatsen;
    int n_woonplaatsen;
    Voorziening *voorz;
    int n_voorz;
    size_t cap_voorz;
    CbsStats *buurt_stats, *wijk_stats, *gemeente_stats;
} Model;

/* ---------- gen_util.c ---------- */
/* Program name in messages and layer descriptions (default GEN_PROGRAM);
 * wijkscan-nl-gen (tests/bench/gen/), which shares these modules, sets its
 * own. */
extern const char *gen_program;
int gen_error(const char *fmt, ...);
const char *gen_gdal_msg(void);
void *gen_grow(void *ptr, size_t *cap, size_t need, size_t elem);
void gen_copy(char *dst, size_t n, const char *src);
int gen_starts_with(const char *s, const char *prefix);
int gen_ends_with(const char *s, const char *suffix);
int gen_round(double v);
int gen_clamp_int(int v, int lo, int hi);
int gen_path(char *dst, size_t n, const char *dir, const char *name);
int gen_tmp_path(char *dst, size_t n, const char *dir, const char *name);
int gen_ensure_dir(const char *dir);
int gen_rename_into_place(const char *dir, const char *name);
void gen_remove_tmp(const char *dir, const char *name);
void gen_describe(char *dst, size_t n, const Model *m, const char *what);
void gen_describe_seed(char *dst, size_t n, uint64_t seed, const char *what);
/* Writes output i of the model to path. */
typedef int (*GenWriteFn)(void *model, size_t i, const char *path);
int gen_write_outputs(const char *dir, const char *const *names, size_t n,
                      GenWriteFn write, void *model);

/* ---------- gen_input.c ---------- */
int input_read_boundaries(Model *m);
int input_read_kerncijfers(Model *m);
int input_link(Model *m);

/* ---------- gen_region.c ---------- */
int region_build_all(Model *m);
int region_random_point(const Buurt *b, GenRng *r, double *x, double *y);
int region_contains_point(const Buurt *b, double x, double y);
int places_derive(Model *m);

/* ---------- gen_alloc.c ---------- */
int alloc_dwellings(Model *m);

/* ---------- gen_place.c ---------- */
typedef struct PandGrid PandGrid;
PandGrid *grid_create(const OGREnvelope *env);
void grid_destroy(PandGrid *g);
typedef struct {
    double cx, cy, sigma,
        angle;     /* cluster centre; sigma <= 0 means uniform in the region */
    double hl, hw; /* wanted half length / half width */
} PlaceSpec;
int place_pand(const Buurt *b, PandGrid *g, GenRng *r, const PlaceSpec *spec,
               Pand *out);
void pand_point_inside(const Pand *p, GenRng *r, double *x, double *y);
OGRGeometryH pand_polygon(const Pand *p);

/* ---------- gen_bag.c ---------- */
const char *vbo_status_text(VboStatus s);
const char *pand_status_text(PandStatus s);
void gebruik_join(unsigned mask, char *buf, size_t n);
int vbo_is_dwelling(const Vbo *v);
int bag_generate(Model *m);

/* ---------- gen_bag_values.c ---------- */
int value_core_era(GenRng *r, int rural, int town_core);
int value_pand_year(const Core *c, int stacked, GenRng *r);
unsigned value_nonres_function(GenRng *r, int industrial, int ground_floor);
int value_nonres_area(GenRng *r, unsigned fn);
int value_dwelling_area(GenRng *r, int stacked);
VboStatus value_dwelling_status(GenRng *r);
VboStatus value_nonlive(GenRng *r, PandStatus *pand_status, int *bouwjaar);

/* ---------- gen_bag_units.c ---------- */
int bag_generate_buurt(Model *m, int bi, GenRng *r);

/* ---------- gen_address.c ---------- */
int address_assign(Model *m);

/* ---------- gen_names.c ---------- */
void names_street(GenRng *r, BuurtKind kind, int first, char *buf, size_t n);
void names_short(const char *name, char *buf, size_t n);
void names_voorziening(GenRng *r, Categorie c, const char *woonplaats,
                       const char *buurt, const char *street, int nth,
                       int *variant, char *buf, size_t n);
const char *categorie_text(Categorie c);

/* ---------- gen_voorz.c ---------- */
int voorz_generate(Model *m);

/* ---------- gen_gpkg.c ---------- */
GDALDatasetH gpkg_create(const char *path);
int gpkg_exec(GDALDatasetH ds, const char *sql, const char *what);
int gpkg_insert_rd_srs(GDALDatasetH ds, OGRSpatialReferenceH rd,
                       const char *what);
int gpkg_register_table(GDALDatasetH ds, const char *table,
                        const char *geom_type, const char *description,
                        const char *what);
OGRLayerH gpkg_create_layer(GDALDatasetH ds, const char *name,
                            OGRSpatialReferenceH srs, OGRwkbGeometryType gtype,
                            const char *description, const char *what);
int gpkg_add_field(OGRLayerH layer, const char *name, OGRFieldType type,
                   const char *what);
int gpkg_write_feature(OGRLayerH layer, OGRFeatureH f, OGRGeometryH geom,
                       const char *what);
int gpkg_close(GDALDatasetH ds, const char *what);

/* ---------- row writers shared with wijkscan-nl-gen ---------- */
/* PDOK bag-light columns of verblijfsobject and pand, in the real order. */
enum {
    V_SEEALSO,
    V_ID,
    V_OPP,
    V_STATUS,
    V_GEBRUIK,
    V_OR_NAAM,
    V_OR_KORT,
    V_NR,
    V_LETTER,
    V_TOEV,
    V_PC,
    V_WP_NAAM,
    V_BOUWJAAR,
    V_PAND_ID,
    V_PANDSTATUS,
    V_NA_ID,
    V_OR_ID,
    V_WP_ID,
    V_BRON,
    V_NCOLS
};
enum {
    P_ID,
    P_BOUWJAAR,
    P_STATUS,
    P_GEBRUIK,
    P_OPPMIN,
    P_OPPMAX,
    P_AANTAL,
    P_SEEALSO,
    P_NCOLS
};
/* One row: text[] for TEXT columns (NULL or "" = not set), num[] for INT
 * columns, indexed by V_* / P_*. */
typedef struct {
    const char *text[V_NCOLS];
    long long num[V_NCOLS];
    double x, y;
} BagVboRow;
typedef struct {
    const char *text[P_NCOLS];
    long long num[P_NCOLS];
} BagPandRow;
/* Create the bag-light GeoPackage with the real DDL (no rows). */
int bag_create_schema(const char *path, OGRSpatialReferenceH rd,
                      const char *desc_v, const char *desc_p);
/* Reopen it for writing; iv[V_NCOLS] / ip[P_NCOLS] receive field indexes. */
GDALDatasetH bag_open_layers(const char *path, OGRLayerH *lv, int *iv,
                             OGRLayerH *lp, int *ip);
int bag_write_vbo_row(OGRLayerH l, const int *ix, const BagVboRow *r,
                      const char *what);
/* geom (a Polygon) is taken over. */
int bag_write_pand_row(OGRLayerH l, const int *ix, const BagPandRow *r,
                       OGRGeometryH geom, const char *what);
int bag_create_indexes(GDALDatasetH ds, const char *path);

/* CBS Wijk- en Buurtkaart layers; level 0 buurten, 1 wijken, 2 gemeenten. */
typedef struct {
    const char *code, *naam, *wijkcode, *wijknaam, *gemcode, *gemnaam;
} CbsKeys;
OGRLayerH cbs_create_layer(GDALDatasetH ds, OGRSpatialReferenceH rd,
                           const char *name, int level, const char *desc,
                           const char *path, char *what, size_t what_len);
/* geom is copied (as MultiPolygon). */
int cbs_write_unit(OGRLayerH l, int level, const CbsKeys *k, const CbsStats *s,
                   OGRGeometryH geom, const char *what);

/* Layer voorzieningen (naam, categorie, bron) with the n points of list. */
int voorz_write_gpkg_list(const char *path, OGRSpatialReferenceH rd,
                          const char *desc, const Voorziening *list, int n);

/* ---------- writers ---------- */
int bag_write(const Model *m, const char *path);
int voorz_write_gpkg(const Model *m, const char *path);
int voorz_write_csv(const Model *m, const char *path);
int osm_write(const Model *m, const char *path);
int cbs_compute(Model *m);
int cbs_write(const Model *m, const char *path);

#endif
