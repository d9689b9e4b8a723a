/* Open-addressing hash index from a string or 64-bit key to a size_t value.
 * Used for buurtcode joins and pand lookups. String keys are borrowed: the
 * caller keeps them alive for the life of the index. */
#include <string.h>

#include "core_internal.h"

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

static uint64_t hash_u64(uint64_t x) {
    x = ws__mix64(x);
    return x ? x : 1; /* 0 marks an empty slot */
}

static ws_status hash_alloc(ws_hash *h, size_t cap) {
    h->hashes = ws__calloc(h->ctx, cap, sizeof *h->hashes);
    h->values = ws__calloc(h->ctx, cap, sizeof *h->values);
    return (h->hashes && h->values) ? WS_OK : WS_ERR_NOMEM;
}

ws_status ws__hash_init(ws_hash *h, ws_ctx *ctx, size_t expected,
                        bool string_keys) {
    memset(h, 0, sizeof *h);
    h->ctx = ctx;
    if (expected > SIZE_MAX / 8)
        return ws__error(ctx, WS_ERR_NOMEM,
                         "out of memory (hash index of "
                         "%zu keys)",
                         expected);
    size_t cap = 16;
    while (cap < expected * 2 + 2)
        cap *= 2;
    h->cap = cap;
    if (hash_alloc(h, cap) != WS_OK)
        goto fail;
    if (string_keys)
        h->skeys = ws__calloc(ctx, cap, sizeof *h->skeys);
    else
        h->ikeys = ws__calloc(ctx, cap, sizeof *h->ikeys);
    if (string_keys ? !h->skeys : !h->ikeys)
        goto fail;
    return WS_OK;
fail:
    ws__hash_free(h);
    return WS_ERR_NOMEM;
}

void ws__hash_free(ws_hash *h) {
    if (!h->ctx)
        return;
    ws__free(h->ctx, h->hashes);
    ws__free(h->ctx, h->values);
    ws__free(h->ctx, (void *)h->skeys);
    ws__free(h->ctx, h->ikeys);
    ws_ctx *ctx = h->ctx;
    memset(h, 0, sizeof *h);
    h->ctx = ctx;
}

/* Slot of `key` (found) or of the empty slot where it would go. Integer
 * maps pass skey = NULL and compare ikey; string maps compare skey. */
static size_t find_slot(const ws_hash *h, uint64_t hv, const char *skey,
                        uint64_t ikey, bool *found) {
    size_t mask = h->cap - 1;
    size_t i = (size_t)hv & mask;
    for (;;) {
        if (h->hashes[i] == 0) {
            *found = false;
            return i;
        }
        if (h->hashes[i] == hv) {
            bool same = skey ? (h->skeys && strcmp(h->skeys[i], skey) == 0)
                             : (h->ikeys && h->ikeys[i] == ikey);
            if (same) {
                *found = true;
                return i;
            }
        }
        i = (i + 1) & mask;
    }
}

static ws_status rehash(ws_hash *h) {
    ws_hash n;
    if (ws__hash_init(&n, h->ctx, h->cap, h->skeys != NULL) != WS_OK)
        return WS_ERR_NOMEM;
    for (size_t i = 0; i < h->cap; i++) {
        if (!h->hashes[i])
            continue;
        bool f;
        size_t s = find_slot(&n, h->hashes[i], h->skeys ? h->skeys[i] : NULL,
                             h->ikeys ? h->ikeys[i] : 0, &f);
        n.hashes[s] = h->hashes[i];
        n.values[s] = h->values[i];
        if (h->skeys)
            n.skeys[s] = h->skeys[i];
        else
            n.ikeys[s] = h->ikeys[i];
    }
    n.count = h->count;
    ws__hash_free(h);
    *h = n;
    return WS_OK;
}

static ws_status hash_put(ws_hash *h, uint64_t hv, const char *skey,
                          uint64_t ikey, size_t value, bool *existing) {
    if ((h->count + 1) * 2 > h->cap && rehash(h) != WS_OK)
        return WS_ERR_NOMEM;
    bool found;
    size_t s = find_slot(h, hv, skey, ikey, &found);
    if (existing)
        *existing = found;
    if (found)
        return WS_OK;
    h->hashes[s] = hv;
    h->values[s] = value;
    if (h->skeys)
        h->skeys[s] = skey;
    else
        h->ikeys[s] = ikey;
    h->count++;
    return WS_OK;
}

ws_status ws__hash_put_str(ws_hash *h, const char *key, size_t value,
                           bool *existing) {
    return hash_put(h, hash_str(key), key, 0, value, existing);
}

bool ws__hash_get_str(const ws_hash *h, const char *key, size_t *value) {
    bool found;
    size_t s = find_slot(h, hash_str(key), key, 0, &found);
    if (found && value)
        *value = h->values[s];
    return found;
}

ws_status ws__hash_put_u64(ws_hash *h, uint64_t key, size_t value,
                           bool *existing) {
    return hash_put(h, hash_u64(key), NULL, key, value, existing);
}

bool ws__hash_get_u64(const ws_hash *h, uint64_t key, size_t *value) {
    bool found;
    size_t s = find_slot(h, hash_u64(key), NULL, key, &found);
    if (found && value)
        *value = h->values[s];
    return found;
}
