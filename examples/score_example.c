/* score_example: load BAG, buurten and voorzieningen with libwijkscan, run
 * the join, accessibility and aggregation stages, and print per buurt the
 * number of dwellings and the share within 500 m of a huisarts — every step
 * checked, the way an application embeds wijkscan.
 *
 *   score_example LAYERS_DIR BAG BUURTEN VOORZIENINGEN [GEMEENTECODE]
 */
#include <math.h>
#include <stdio.h>

#include <wijkscan/wijkscan.h>

static int fail(ws_ctx *ctx, ws_status st) {
    fprintf(stderr, "score_example: %s (%s)\n", ws_ctx_errmsg(ctx),
            ws_status_name(st));
    return 1;
}

static void print_buurten(const ws_dataset *ds) {
    const ws_table *t = ws_dataset_level_ref(ds, WS_LEVEL_BUURT);
    long code = ws_table_find(t, "buurtcode");
    long n = ws_table_find(t, "woningen");
    long share = ws_table_find(t, "aandeel_huisarts_binnen_500m");
    if (code < 0 || n < 0)
        return;
    for (size_t r = 0; r < ws_table_nrows(t); r++) {
        double woningen, aandeel = NAN;
        ws_table_get_real(t, (size_t)n, r, &woningen);
        ws_missing why = share >= 0
                             ? ws_table_get_real(t, (size_t)share, r, &aandeel)
                             : WS_MISSING_NO_AMENITIES;
        printf("%s %6.0f woningen  huisarts <= 500 m: ",
               ws_table_get_text(t, (size_t)code, r), woningen);
        if (why == WS_PRESENT)
            printf("%5.1f%%\n", 100.0 * aandeel);
        else
            printf("onbekend (%s)\n", ws_missing_label(why));
    }
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: score_example LAYERS BAG BUURTEN VOORZ [GM]\n");
        return 2;
    }
    ws_ctx *ctx = NULL;
    if (ws_ctx_new(NULL, &ctx) != WS_OK)
        return 1;
    ws_load_options lo;
    ws_load_options_init(&lo);
    lo.layers_dir = argv[1];
    lo.bag.path = argv[2];
    lo.buurten.path = argv[3];
    ws_input voorz = {argv[4], NULL, NULL, NULL, false};
    lo.voorzieningen = &voorz;
    lo.n_voorzieningen = 1;
    const char *gm[1] = {argc > 5 ? argv[5] : NULL};
    lo.gemeenten = gm;
    lo.n_gemeenten = argc > 5 ? 1 : 0;

    ws_join_options jo;
    ws_access_options ao;
    ws_aggregate_options go;
    ws_join_options_init(&jo);
    ws_access_options_init(&ao);
    ws_aggregate_options_init(&go);

    ws_dataset *ds = NULL;
    ws_status st = ws_load(ctx, &lo, &ds);
    if (st == WS_OK)
        st = ws_join(ctx, ds, &jo);
    if (st == WS_OK)
        st = ws_access(ctx, ds, &ao);
    if (st == WS_OK)
        st = ws_aggregate(ctx, ds, &go);
    int rc = 0;
    if (st == WS_OK) {
        printf("%zu woningen, %zu buiten buurten, %zu voorzieningen\n",
               ws_dataset_dwelling_count(ds), ws_dataset_dwellings_outside(ds),
               ws_dataset_amenity_count(ds));
        print_buurten(ds);
    } else {
        rc = fail(ctx, st);
    }
    ws_dataset_free(ds);
    ws_ctx_free(ctx);
    return rc;
}
