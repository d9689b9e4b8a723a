/*
 * gen_osm.c — writes the voorzieningen as OpenStreetMap XML 0.6 (WGS84, 7
 * decimals).
 *
 * Points become tagged nodes (amenity=doctors + healthcare=doctor,
 * amenity=pharmacy + healthcare=pharmacy, shop=supermarket,
 * amenity=community_centre, amenity=school, leisure=sports_centre /
 * leisure=pitch, highway=bus_stop + public_transport=platform + bus=yes); parks
 * become closed ways of 4-6 nodes, 60-250 m across, tagged leisure=park. A few
 * unrelated benches, post boxes and one highway=residential way are added as
 * noise. Nodes come before ways; all ids are positive and every object has
 * version="1".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

enum { NODE_VOORZ, NODE_PLAIN, NODE_BENCH, NODE_POSTBOX };

typedef struct {
    double lon, lat;
    int type, ref;
} OsmNode;

typedef struct {
    OGRCoordinateTransformationH ct;
    OsmNode *nodes;
    int n;
    size_t cap;
    double minlon, minlat, maxlon, maxlat;
} OsmBuild;

static int add_node(OsmBuild *ob, double x, double y, int type, int ref) {
    OsmNode *grown =
        gen_grow(ob->nodes, &ob->cap, (size_t)ob->n + 1, sizeof(OsmNode));
    if (!grown) {
        return -1;
    }
    ob->nodes = grown;
    if (!OCTTransform(ob->ct, 1, &x, &y, NULL)) {
        return gen_error(
            "OSM: coordinate transformation EPSG:28992 -> EPSG:4326 failed");
    }
    OsmNode *nd = &ob->nodes[ob->n];
    nd->lon = x, nd->lat = y, nd->type = type, nd->ref = ref;
    if (ob->n == 0) {
        ob->minlon = ob->maxlon = x;
        ob->minlat = ob->maxlat = y;
    }
    ob->minlon = fmin(ob->minlon, x), ob->maxlon = fmax(ob->maxlon, x);
    ob->minlat = fmin(ob->minlat, y), ob->maxlat = fmax(ob->maxlat, y);
    return ob->n++;
}

static void xml_text(FILE *fp, const char *s) {
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&apos;", fp);
            break;
        default:
            fputc(*p, fp);
            break;
        }
    }
}

static void tag(FILE *fp, const char *k, const char *v) {
    fputs("    <tag k=\"", fp);
    xml_text(fp, k);
    fputs("\" v=\"", fp);
    xml_text(fp, v);
    fputs("\"/>\n", fp);
}

static void voorz_tags(FILE *fp, const Voorziening *v) {
    switch (v->cat) {
    case CAT_HUISARTS:
        tag(fp, "amenity", "doctors");
        tag(fp, "healthcare", "doctor");
        break;
    case CAT_APOTHEEK:
        tag(fp, "amenity", "pharmacy");
        tag(fp, "healthcare", "pharmacy");
        break;
    case CAT_SUPERMARKT:
        tag(fp, "shop", "supermarket");
        break;
    case CAT_BUURTHUIS:
        tag(fp, "amenity", "community_centre");
        break;
    case CAT_BASISSCHOOL:
        tag(fp, "amenity", "school");
        break;
    case CAT_SPORT:
        if (v->variant == 0) {
            tag(fp, "leisure", "sports_centre");
        } else {
            tag(fp, "leisure", "pitch");
            tag(fp, "sport",
                gen_starts_with(v->naam, "Tennispark") ? "tennis" : "soccer");
        }
        break;
    case CAT_BUSHALTE:
        tag(fp, "highway", "bus_stop");
        tag(fp, "public_transport", "platform");
        tag(fp, "bus", "yes");
        break;
    case CAT_PARK:
    case CAT_COUNT:
    default:
        break;
    }
    tag(fp, "name", v->naam);
}

static void write_node(FILE *fp, const Model *m, const OsmNode *nd, int id) {
    fprintf(
        fp,
        "  <node id=\"%d\" version=\"1\" timestamp=\"2024-01-01T00:00:00Z\" "
        "lat=\"%.7f\" lon=\"%.7f\"",
        id, nd->lat, nd->lon);
    if (nd->type == NODE_PLAIN) {
        fputs("/>\n", fp);
        return;
    }
    fputs(">\n", fp);
    if (nd->type == NODE_VOORZ) {
        voorz_tags(fp, &m->voorz[nd->ref]);
    } else if (nd->type == NODE_BENCH) {
        tag(fp, "amenity", "bench");
    } else {
        tag(fp, "amenity", "post_box");
    }
    fputs("  </node>\n", fp);
}

/* Adds all nodes; the park_n[i] corner nodes of park i start at park_first[i].
 */
static int build_nodes(const Model *m, OsmBuild *ob, int *park_first,
                       int *park_n, int *road_first) {
    GenRng r;
    rng_seed(&r, m->seed, 9500u);
    for (int i = 0; i < m->n_voorz; i++) {
        if (m->voorz[i].cat != CAT_PARK &&
            add_node(ob, m->voorz[i].x, m->voorz[i].y, NODE_VOORZ, i) < 0) {
            return -1;
        }
    }
    for (int i = 0; i < m->n_voorz; i++) {
        park_first[i] = -1;
        park_n[i] = 0;
        if (m->voorz[i].cat != CAT_PARK) {
            continue;
        }
        int corners = rng_int(&r, 4, 6);
        double radius = rng_range(&r, 30.0, 125.0),
               start = rng_range(&r, 0.0, GEN_PI);
        park_first[i] = ob->n;
        park_n[i] = corners;
        for (int k = 0; k < corners; k++) {
            double a =
                start + 2.0 * GEN_PI * k / corners + rng_range(&r, -0.2, 0.2);
            double rr = radius * rng_range(&r, 0.8, 1.0);
            if (add_node(ob, m->voorz[i].x + rr * cos(a),
                         m->voorz[i].y + rr * sin(a), NODE_PLAIN, k) < 0) {
                return -1;
            }
        }
    }
    /* unrelated benches and post boxes */
    for (int k = 0; k < 18 && m->n_voorz > 0; k++) {
        const Voorziening *v = &m->voorz[rng_index(&r, (size_t)m->n_voorz)];
        if (add_node(ob, v->x + rng_range(&r, -20, 20),
                     v->y + rng_range(&r, -20, 20),
                     k < 12 ? NODE_BENCH : NODE_POSTBOX, k) < 0) {
            return -1;
        }
    }
    *road_first = ob->n;
    double x0 = m->n_voorz > 0 ? m->voorz[0].x : 255000.0,
           y0 = m->n_voorz > 0 ? m->voorz[0].y : 530000.0;
    for (int k = 0; k < 4; k++) {
        if (add_node(ob, x0 - 60.0 + 40.0 * k, y0 + 15.0 + 3.0 * (k % 2),
                     NODE_PLAIN, k) < 0) {
            return -1;
        }
    }
    return 0;
}

static void write_ways(FILE *fp, const Model *m, const int *park_first,
                       const int *park_n, int road_first) {
    int way_id = 1;
    for (int i = 0; i < m->n_voorz; i++) {
        if (park_first[i] < 0) {
            continue;
        }
        int end = park_first[i] + park_n[i];
        fprintf(fp,
                "  <way id=\"%d\" version=\"1\" "
                "timestamp=\"2024-01-01T00:00:00Z\">\n",
                way_id++);
        for (int k = park_first[i]; k < end; k++) {
            fprintf(fp, "    <nd ref=\"%d\"/>\n", k + 1);
        }
        fprintf(fp, "    <nd ref=\"%d\"/>\n", park_first[i] + 1);
        tag(fp, "leisure", "park");
        tag(fp, "name", m->voorz[i].naam);
        fputs("  </way>\n", fp);
    }
    fprintf(
        fp,
        "  <way id=\"%d\" version=\"1\" timestamp=\"2024-01-01T00:00:00Z\">\n",
        way_id);
    for (int k = 0; k < 4; k++) {
        fprintf(fp, "    <nd ref=\"%d\"/>\n", road_first + k + 1);
    }
    tag(fp, "highway", "residential");
    tag(fp, "name", "Synthetische Laan");
    fputs("  </way>\n", fp);
}

static int write_file(const Model *m, const OsmBuild *ob, const int *park_first,
                      const int *park_n, int road_first, const char *path) {
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        return gen_error("%s: cannot create", path);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
    fprintf(
        fp,
        "<!-- SYNTHETISCH \xE2\x80\x93 synthetische voorzieningen voor "
        "Coevorden, Emmen en "
        "Borger-Odoorn, gegenereerd door %s (seed %llu). Geen echte "
        "OpenStreetMap-"
        "gegevens. Grenzen: \xC2\xA9 CBS / Kadaster 2023 (CC-BY 4.0). -->\n",
        GEN_PROGRAM, (unsigned long long)m->seed);
    fprintf(fp, "<osm version=\"0.6\" generator=\"%s\">\n", GEN_PROGRAM);
    fprintf(fp,
            "  <bounds minlat=\"%.7f\" minlon=\"%.7f\" maxlat=\"%.7f\" "
            "maxlon=\"%.7f\"/>\n",
            ob->minlat, ob->minlon, ob->maxlat, ob->maxlon);
    for (int j = 0; j < ob->n; j++) {
        write_node(fp, m, &ob->nodes[j], j + 1);
    }
    write_ways(fp, m, park_first, park_n, road_first);
    fputs("</osm>\n", fp);
    int failed = ferror(fp);
    if (fclose(fp) != 0 || failed) {
        return gen_error("%s: write error", path);
    }
    return 0;
}

int osm_write(const Model *m, const char *path) {
    OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
    if (!wgs || OSRImportFromEPSG(wgs, 4326) != OGRERR_NONE) {
        OSRDestroySpatialReference(wgs);
        return gen_error("%s: cannot create EPSG:4326", path);
    }
    OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
    OsmBuild ob;
    memset(&ob, 0, sizeof ob);
    ob.ct = OCTNewCoordinateTransformation(m->rd, wgs);
    int *park_first = malloc(((size_t)m->n_voorz + 1) * sizeof(int));
    int *park_n = malloc(((size_t)m->n_voorz + 1) * sizeof(int));
    int road_first = 0;
    int rc = (ob.ct && park_first && park_n)
                 ? 0
                 : gen_error("%s: cannot set up the transformation", path);
    if (rc == 0) {
        rc = build_nodes(m, &ob, park_first, park_n, &road_first);
    }
    if (rc == 0) {
        rc = write_file(m, &ob, park_first, park_n, road_first, path);
    }
    free(park_first);
    free(park_n);
    free(ob.nodes);
    if (ob.ct) {
        OCTDestroyCoordinateTransformation(ob.ct);
    }
    OSRDestroySpatialReference(wgs);
    return rc;
}
