/* Scale bar and north arrow. The scale bar has a round length (1, 2 or 5 ×
 * 10^k metres, the longest that fits the style's maximum width) split into
 * segments, labels in m or km with a decimal comma, and, on paper, the
 * scale as "1 : 150.000". The north arrow points to true north: RD New's
 * grid north differs from it by up to about 2° away from Amersfoort, so the
 * angle is the meridian convergence at the centre of the map (PROJ). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <proj.h>

#include "map_internal.h"

double ws__map_nice_length(double max_m) {
    if (!(max_m > 0))
        return 0;
    double e = pow(10, floor(log10(max_m)));
    static const double steps[] = {5, 2, 1};
    for (size_t i = 0; i < 3; i++)
        if (steps[i] * e <= max_m * (1 + 1e-12))
            return steps[i] * e;
    return e;
}

/* A length in the unit of the whole bar: km when the bar is 1 km or more. */
static void length_text(double m, bool km, char *buf, size_t size, bool unit) {
    char num[32];
    double v = km ? m / 1000 : m;
    int dec = fabs(v - nearbyint(v)) < 1e-9 ? 0 : (km ? 1 : 0);
    if (km && dec && fabs(v * 10 - nearbyint(v * 10)) > 1e-9)
        dec = 2;
    ws__map_format_number(v, dec, num, sizeof num);
    snprintf(buf, size, "%s%s", num, unit ? (km ? " km" : " m") : "");
}

static ws_status rect(ws_map_page *p, double x, double y, double w, double h,
                      ws_rgba fill, ws_rgba stroke) {
    ws_paint pt = ws__paint_fill(fill);
    pt.stroke = true;
    pt.stroke_color = stroke;
    pt.stroke_width = 0.4;
    return ws__render_rect(p->r, x, y, w, h, &pt);
}

ws_status ws__map_scalebar(ws_map_page *p, double x, double y_bottom,
                           double *height) {
    const ws_map_style *st = p->st;
    double maxw = st->scalebar_max_mm * WS_MM;
    double L = ws__map_nice_length(maxw / p->v.s);
    p->scalebar_m = L;
    double len = L * p->v.s;
    double first = L / pow(10, floor(log10(L)));
    int segs = first >= 4.5 ? 5 : 4;
    ws_font f = ws__map_font(st, &st->scalebar_font);
    double y = y_bottom;
    ws_status s = WS_OK;
    ws_box b;
    if (st->scale_ratio && p->scale_ratio > 0) {
        char num[48], buf[96];
        ws__map_format_number(p->scale_ratio, 0, num, sizeof num);
        snprintf(buf, sizeof buf, "schaal 1 : %s", num);
        s = p->r->measure(p->r, buf, &f, 0, &b);
        y -= b.h;
        if (s == WS_OK)
            s = p->r->text(p->r, buf, x, y, &f, 0, &b);
        y -= 1.5;
    }
    double bar_h = 1.6 * WS_MM;
    y -= bar_h;
    double seg = len / segs;
    ws_rgba white = {1, 1, 1, 1};
    for (int i = 0; s == WS_OK && i < segs; i++)
        s = rect(p, x + i * seg, y, seg, bar_h,
                 i % 2 ? white : st->scalebar_color, st->scalebar_color);
    /* labels: 0, the middle (4 segments) and the end with its unit */
    double top = y;
    double marks[3] = {0, segs == 4 ? L / 2 : -1, L};
    bool km = L >= 1000;
    for (int i = 0; s == WS_OK && i < 3; i++) {
        if (marks[i] < 0)
            continue;
        char buf[64], num[64];
        length_text(marks[i], km, buf, sizeof buf, i == 2);
        length_text(marks[i], km, num, sizeof num, false);
        ws_box nb;
        /* centre the number on its tick; the unit reads on after it */
        s = p->r->measure(p->r, num, &f, 0, &nb);
        double tx = x + marks[i] * p->v.s - nb.w / 2;
        double ty = y - 1.2 - nb.h;
        if (s == WS_OK)
            s = p->r->text(p->r, buf, tx, ty, &f, 0, &b);
        if (ty < top)
            top = ty;
    }
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_SCALEBAR;
    n.v[0] = L;
    n.v[1] = len;
    n.box = (ws_box){x, y, len, bar_h, 0};
    if (s == WS_OK)
        s = p->r->note(p->r, &n);
    *height = y_bottom - top;
    return s;
}

/* RD New's projection, on its own ellipsoid: the datum shift to WGS 84
 * turns the meridians by less than 0.001°, far below what an arrow shows,
 * and a bare projection needs neither proj.db nor a search for a datum
 * transformation (EPSG:28992 to EPSG:4326 through OGR took 30 ms a map
 * thread, most of it in the database). */
#define RD_PROJECTION                                                          \
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 "           \
    "+k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +units=m"

double ws__map_true_north(double X, double Y) {
    PJ_CONTEXT *pc = proj_context_create();
    PJ *rd = pc ? proj_create(pc, RD_PROJECTION) : NULL;
    double angle = 0;
    if (rd) {
        PJ_COORD lp = proj_trans(rd, PJ_INV, proj_coord(X, Y, 0, 0));
        PJ_FACTORS f = proj_factors(rd, lp);
        /* PROJ's convergence turns true north to grid north; the arrow
         * wants the other way */
        if (proj_errno(rd) == 0)
            angle = -f.meridian_convergence * 180 / M_PI;
        proj_destroy(rd);
    }
    if (pc)
        proj_context_destroy(pc);
    return isfinite(angle) && fabs(angle) < 10 ? angle : 0;
}

ws_status ws__map_north_arrow(ws_map_page *p, double cx, double cy) {
    const ws_map_style *st = p->st;
    double size = st->north_mm * WS_MM;
    double angle = 0;
    if (st->true_north)
        angle = ws__map_true_north((p->v.wx0 + p->v.wx1) / 2,
                                   (p->v.wy0 + p->v.wy1) / 2);
    double a = angle * M_PI / 180, ca = cos(a), sa = sin(a);
    /* arrow in local coordinates (y up), rotated clockwise by `angle` */
    double h = size * 0.5, w = size * 0.22;
    double pts[2][3][2] = {{{0, h}, {-w, -h}, {0, -h * 0.55}},
                           {{0, h}, {w, -h}, {0, -h * 0.55}}};
    ws_status s = WS_OK;
    for (int k = 0; k < 2 && s == WS_OK; k++) {
        double xy[6];
        for (int i = 0; i < 3; i++) {
            double lx = pts[k][i][0], ly = pts[k][i][1];
            double rx = lx * ca + ly * sa, ry = -lx * sa + ly * ca;
            xy[2 * i] = cx + rx;
            xy[2 * i + 1] = cy - ry;
        }
        size_t three = 3;
        ws_path path = {xy, &three, 1, true};
        ws_paint pt;
        memset(&pt, 0, sizeof pt);
        pt.fill = true;
        pt.fill_color = k == 0 ? st->north_color : (ws_rgba){1, 1, 1, 1};
        pt.stroke = true;
        pt.stroke_color = st->north_color;
        pt.stroke_width = 0.5;
        s = p->r->path(p->r, &path, &pt);
    }
    ws_font f = ws__map_font(st, &st->scalebar_font);
    f.weight = 700;
    f.size = st->scalebar_font.size * 1.25;
    ws_box b;
    if (s == WS_OK)
        s = p->r->measure(p->r, "N", &f, 0, &b);
    double tx = cx + (h + b.h * 0.55) * sa, ty = cy - (h + b.h * 0.55) * ca;
    if (s == WS_OK)
        s = p->r->text(p->r, "N", tx - b.w / 2, ty - b.h / 2, &f, 0, &b);
    ws_note n;
    memset(&n, 0, sizeof n);
    n.kind = WS_NOTE_NORTH_ARROW;
    n.v[0] = angle;
    n.box = (ws_box){cx - h, cy - h, 2 * h, 2 * h, 0};
    if (s == WS_OK)
        s = p->r->note(p->r, &n);
    return s;
}
