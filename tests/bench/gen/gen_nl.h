/*
 * gen_nl.h — wijkscan-nl-gen: SYNTHETIC inputs at national scale for the
 * benchmark (tests/bench/). It shares the BOCE generator's modules (random
 * streams, BAG values and names, the bag-light, CBS and voorzieningen
 * writers; examples/boce/generator/) and replaces only what depends on the
 * real BOCE boundaries: the regions.
 *
 * The regions come from a raster: the real (simplified) CBS gemeente
 * boundaries of 2023 are rasterised at `cell` metres; each gemeente is split
 * into as many wijken as CBS 2024 lists (with their real woningvoorraad),
 * each wijk into buurten, by nearest seed in domain-warped space. The labels
 * are polygonised, densified to a vertex at every cell corner and moved by
 * a smooth warp (see nl_warp), so neighbours share their edges exactly,
 * boundaries have hundreds of vertices, and a point placed inside a cell
 * lies inside the warped polygon of that cell's buurt.
 */
#ifndef GEN_NL_H
#define GEN_NL_H

#include "../../../examples/boce/generator/gen_internal.h"

#define NL_PROGRAM "wijkscan-nl-gen"

typedef struct {
    char code[8], code4[5], naam[GEN_NAME_LEN];
    OGRGeometryH real; /* real simplified boundary (rasterised) */
    double cx, cy;     /* centre of its envelope */
    int inwoners, dwellings;
    int first_wijk, n_wijken;
    long long next_vbo, next_pand, next_na, next_or;
    int selected;
} NlGemeente;

typedef struct {
    char code[16], naam[GEN_NAME_LEN];
    int gem, dwellings, first_buurt, n_buurten;
    long seed; /* cell index */
    CbsStats stats;
} NlWijk;

typedef struct {
    char code[16], naam[GEN_NAME_LEN];
    int wijk, gem, dwellings;
    long seed;        /* cell index */
    long first_cell;  /* into NlModel.cells */
    long ncells;      /* cells of the buurt */
    int rural, dense; /* kind, from the dwelling density */
    CbsStats stats;
} NlBuurt;

typedef struct {
    uint64_t seed;
    double cell;       /* metres */
    double x0, y1;     /* raster origin: left, top (RD) */
    int width, height; /* raster size in cells */
    double warp_a[2][2], warp_p[2][2], warp_k[2][2][2]; /* see nl_warp */
    OGRSpatialReferenceH rd;
    NlGemeente *gem;
    int n_gem;
    NlWijk *wijk;
    int n_wijk;
    size_t cap_wijk;
    NlBuurt *buurt;
    int n_buurt;
    size_t cap_buurt;
    int32_t *label; /* width*height: buurt index + 1, 0 = no buurt */
    int32_t *cells; /* cell indexes grouped by buurt */
    Voorziening *voorz;
    int n_voorz;
    size_t cap_voorz;
    long long n_vbo, n_dwellings, n_panden, n_edge;
    char out_dir[GEN_PATH_LEN];
} NlModel;

/* Cell-space (u right, v down, in cells) to RD New. Smooth and injective:
 * a point inside a cell maps inside the warped cell, and a shared cell
 * corner maps to the same coordinates from either side. */
void nl_warp(const NlModel *m, double u, double v, double *x, double *y);

/* gen_nl_partition.c */
/* Largest remainder split of `amount` over n weights into out[n]. */
void nl_split(const double *w, int n, int amount, int *out);
int nl_partition(NlModel *m);
int nl_write_cbs(NlModel *m, const char *path);

/* gen_nl_bag.c */
int nl_write_bag(NlModel *m, const char *path);
int nl_write_voorz(const NlModel *m, const char *path);

#endif
