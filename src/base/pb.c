/* pb.c — protocol-buffer wire format writer (see pb.h). */
#include "base/pb.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static void put(Pb *b, const void *v, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = xrealloc(b->p, b->cap);
    }
    if (n) memcpy(b->p + b->n, v, n);
    b->n += n;
}

static void raw_varint(Pb *b, uint64_t v)
{
    unsigned char c[10];
    int k = 0;
    do {
        c[k] = (unsigned char)(v & 127);
        v >>= 7;
        if (v) c[k] |= 128;
        k++;
    } while (v);
    put(b, c, (size_t)k);
}

static void tag(Pb *b, int f, int wire) { raw_varint(b, (uint64_t)f << 3 | (uint64_t)wire); }

void pb_free(Pb *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void pb_varint(Pb *b, int f, uint64_t v)
{
    tag(b, f, 0);
    raw_varint(b, v);
}

void pb_int(Pb *b, int f, int64_t v) { pb_varint(b, f, (uint64_t)v); }

void pb_float(Pb *b, int f, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    unsigned char c[4] = {u & 255, (u >> 8) & 255, (u >> 16) & 255, u >> 24};   /* little-endian */
    tag(b, f, 5);
    put(b, c, 4);
}

void pb_bytes(Pb *b, int f, const void *data, size_t n)
{
    tag(b, f, 2);
    raw_varint(b, n);
    put(b, data, n);
}

void pb_str(Pb *b, int f, const char *s) { pb_bytes(b, f, s, strlen(s)); }

void pb_msg(Pb *b, int f, Pb *sub)
{
    pb_bytes(b, f, sub->p, sub->n);
    pb_free(sub);
}

void pb_append(Pb *b, Pb *more)
{
    put(b, more->p, more->n);
    pb_free(more);
}
