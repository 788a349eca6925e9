/* test_export.c — the pieces behind gan-export and libgantune: the protobuf wire format
 * (base/pb.h) against hand-encoded bytes from protobuf's encoding guide; gtm_read refusing
 * every truncation and every single-byte corruption of a model file with a code and a message,
 * never exiting; the sampler's noise stream independent of how requests are split and equal to
 * gan-sample's former per-chunk draws; the ONNX ModelProto's first fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "base/pb.h"
#include "base/rng.h"
#include "model/gan.h"
#include "model/gtm.h"
#include "model/onnx.h"
#include "model/sample.h"

static int contains(const Pb *b, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= b->n; i++)
        if (!memcmp(b->p + i, s, k)) return 1;
    return 0;
}

static int bytes_are(const Pb *b, const unsigned char *want, size_t n)
{
    return b->n == n && memcmp(b->p, want, n) == 0;
}

static void check_pb(void)
{
    Pb b = {0};
    pb_varint(&b, 1, 150);   /* the guide's example: 08 96 01 */
    CHECK(bytes_are(&b, (const unsigned char[]){0x08, 0x96, 0x01}, 3), "varint 150");
    pb_free(&b);
    pb_varint(&b, 1, 0);
    pb_varint(&b, 2, 300);
    CHECK(bytes_are(&b, (const unsigned char[]){0x08, 0x00, 0x10, 0xac, 0x02}, 5), "0 and 300");
    pb_free(&b);
    pb_int(&b, 3, -1);   /* two's complement, 10 bytes */
    CHECK(bytes_are(&b, (const unsigned char[]){0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                0xff, 0xff, 0x01}, 11), "int64 -1");
    pb_free(&b);
    pb_float(&b, 2, 1.0f);
    CHECK(bytes_are(&b, (const unsigned char[]){0x15, 0x00, 0x00, 0x80, 0x3f}, 5), "fixed32 1.0");
    pb_free(&b);
    pb_str(&b, 2, "testing");   /* the guide's 12 07 74 65 73 74 69 6e 67 */
    CHECK(bytes_are(&b, (const unsigned char[]){0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'}, 9),
          "string");
    pb_free(&b);
    Pb sub = {0};
    pb_varint(&sub, 1, 150);
    pb_msg(&b, 3, &sub);   /* the guide's embedded message: 1a 03 08 96 01 */
    CHECK(bytes_are(&b, (const unsigned char[]){0x1a, 0x03, 0x08, 0x96, 0x01}, 5), "sub-message");
    CHECK(sub.p == NULL && sub.n == 0, "sub-message freed");
    Pb more = {0};
    pb_varint(&more, 1, 1);
    pb_append(&b, &more);
    CHECK(bytes_are(&b, (const unsigned char[]){0x1a, 0x03, 0x08, 0x96, 0x01, 0x08, 0x01}, 7),
          "append");
    pb_free(&b);
    unsigned char big[200];
    memset(big, 7, sizeof big);
    pb_bytes(&b, 1, big, sizeof big);   /* a two-byte length */
    CHECK(b.n == 203 && b.p[0] == 0x0a && b.p[1] == 0xc8 && b.p[2] == 0x01, "200-byte field");
    pb_free(&b);
}

static void make_model(GtmModel *m, char **on, char **cn, double *lo, double *hi)
{
    *m = (GtmModel){.ncond = 1, .nnoise = 3, .nout = 2, .gw = 5, .dw = 6, .best_epoch = 3,
                    .best_wd = 0.5};
    m->out_names = on, m->cond_names = cn, m->out_lo = lo, m->out_hi = hi;
    m->cond_lo = lo + 2, m->cond_hi = hi + 2;
    NetLayout lay;
    gan_generator_layout(&lay, 4, 5, 2);
    net_init(&m->G, &lay);
    Rng r;
    rng_seed(&r, 9);
    net_glorot(&m->G, &r);
}

static void check_gtm_read(void)
{
    char *on[2] = {"a", "b"}, *cn[1] = {"c"};
    double lo[3] = {0, -1, 10}, hi[3] = {5, 1, 20};
    GtmModel m;
    make_model(&m, on, cn, lo, hi);
    char path[] = "/tmp/test_export_XXXXXX", bad[] = "/tmp/test_export_bad_XXXXXX";
    int fd = mkstemp(path), fb = mkstemp(bad);
    CHECK(fd >= 0 && fb >= 0, "temp files");
    if (fd < 0 || fb < 0) return;
    close(fd), close(fb);
    gtm_save(path, &m);
    FILE *f = fopen(path, "rb");
    unsigned char file[1 << 14];
    size_t n = fread(file, 1, sizeof file, f);
    fclose(f);
    char err[256];
    GtmModel r;
    CHECK(gtm_read(path, &r, err, sizeof err) == 0 && err[0] == 0, "a good file reads: %s", err);
    CHECK(r.ncond == 1 && r.nnoise == 3 && !strcmp(r.out_names[1], "b") && r.cond_hi[0] == 20 &&
          memcmp(r.G.p, m.G.p, (size_t)m.G.lay.nparams * 4) == 0, "the same model");
    gtm_free(&r);

    int truncs = 0, flips = 0;
    for (size_t k = 0; k < n; k++) {   /* every prefix */
        f = fopen(bad, "wb");
        fwrite(file, 1, k, f);
        fclose(f);
        int rc = gtm_read(bad, &r, err, sizeof err);
        truncs += rc == GTM_EFORMAT && !strncmp(err, bad, strlen(bad)) && r.out_names == NULL;
    }
    CHECK(truncs == (int)n, "all %zu truncations refused with GTM_EFORMAT and the path (%d)", n, truncs);
    for (size_t k = 0; k < n; k++) {   /* every byte flipped */
        file[k] ^= 0xff;
        f = fopen(bad, "wb");
        fwrite(file, 1, n, f);
        fclose(f);
        file[k] ^= 0xff;
        flips += gtm_read(bad, &r, err, sizeof err) == GTM_EFORMAT && err[0];
    }
    CHECK(flips == (int)n, "all %zu single-byte corruptions refused (%d)", n, flips);
    /* a file whose header claims a 16 GiB payload is refused before allocating it */
    memcpy(file + 16, (const unsigned char[]){0, 0, 0, 0, 4, 0, 0, 0}, 8);
    f = fopen(bad, "wb");
    fwrite(file, 1, n, f);
    fclose(f);
    CHECK(gtm_read(bad, &r, err, sizeof err) == GTM_EFORMAT && strstr(err, "corrupted"), "huge claim: %s", err);
    unlink(bad);
    CHECK(gtm_read(bad, &r, err, sizeof err) == GTM_EIO && strstr(err, "No such file"), "missing: %s", err);
    CHECK(gtm_read(bad, &r, err, 8) == GTM_EIO && strlen(err) == 7, "message cut to the buffer");

    /* the ONNX ModelProto starts with ir_version (field 1) = 8 and names its ops */
    Pb b = {0};
    CHECK(onnx_generator(&m, &b) == NULL, "exports");
    CHECK(b.n > 2 && b.p[0] == 0x08 && b.p[1] == ONNX_IR_VERSION, "ir_version first");
    CHECK(contains(&b, "BatchNormalization") && contains(&b, "gantune.out_cols"),
          "nodes and metadata");
    pb_free(&b);
    unlink(path);
    net_free(&m.G);
}

static void check_noise_stream(void)
{
    char *on[2] = {"a", "b"}, *cn[1] = {"c"};
    double lo[3] = {0, -1, 10}, hi[3] = {5, 1, 20};
    GtmModel m;
    make_model(&m, on, cn, lo, hi);   /* noise dimension 3: odd tails */
    Sampler s;
    CHECK(sampler_init(&s, &m) == 0, "sampler");
    const size_t n = 2 * SAMPLE_BLOCK + 77, nz = 3;
    float *one = malloc(n * nz * sizeof *one), *split = malloc(n * nz * sizeof *split);
    float *old = malloc(n * nz * sizeof *old);
    sampler_seed(&s, 5);
    sampler_noise(&s, n, one);
    sampler_seed(&s, 5);
    size_t parts[] = {1, 17, SAMPLE_BLOCK, 4000, n - 1 - 17 - SAMPLE_BLOCK - 4000}, at = 0;
    for (size_t k = 0; k < 5; k++) sampler_noise(&s, parts[k], split + at * nz), at += parts[k];
    CHECK(at == n && memcmp(one, split, n * nz * sizeof *one) == 0, "split requests: same stream");
    /* gan-sample before the sampler: rng_seed2(seed, 5), rng_normal_fill per 4096-row chunk */
    Rng r;
    rng_seed2(&r, 5, 5);
    for (size_t c = 0; c < n; c += SAMPLE_BLOCK) {
        size_t b = n - c < SAMPLE_BLOCK ? n - c : SAMPLE_BLOCK;
        rng_normal_fill(&r, old + c * nz, b * nz);
    }
    CHECK(memcmp(one, old, n * nz * sizeof *one) == 0, "gan-sample's former stream (odd last chunk)");
    free(one), free(split), free(old);
    sampler_free(&s);
    net_free(&m.G);
}

int main(void)
{
    check_pb();
    check_gtm_read();
    check_noise_stream();
    return check_done("test_export");
}
