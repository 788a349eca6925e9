/* gan_streams.c — writes the random draws gan-train makes for one seed, so that
 * bench/torch_same_streams.py can run the PyTorch reference on them: initial parameters (G
 * then D, net_layout's order), the permutation of every epoch, the noise of every step, the
 * validation noise. Float32/uint32 little-endian binaries in DIR. Built by bench/gan.mk.
 *   build/gan_streams DIR SEED EPOCHS NTRAIN NVAL NCOND NNOISE NOUT GW DW BATCH */
#include <stdio.h>
#include <stdlib.h>

#include "model/gan.h"
#include "base/rng.h"
#include "base/util.h"

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) die(EXIT_RUNTIME, "%s: cannot write", path);
    return f;
}

static void put(FILE *f, const char *name, const void *p, size_t size, size_t n)
{
    if (fwrite(p, size, n, f) != n) die(EXIT_RUNTIME, "%s: cannot write", name);
}

static void done(FILE *f, const char *name)
{
    if (fclose(f)) die(EXIT_RUNTIME, "%s: cannot write", name);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc != 12)
        die(EXIT_USAGE, "usage: gan_streams DIR SEED EPOCHS NTRAIN NVAL NCOND NNOISE NOUT GW DW "
                        "BATCH");
    const char *dir = argv[1];
    long seed = parse_long("SEED", argv[2], 0, 1L << 62);
    long epochs = parse_long("EPOCHS", argv[3], 1, 100000);
    size_t ntr = (size_t)parse_long("NTRAIN", argv[4], 2, 1L << 32);
    size_t nva = (size_t)parse_long("NVAL", argv[5], 1, 1L << 32);
    int nc = (int)parse_long("NCOND", argv[6], 0, 1000), nz = (int)parse_long("NNOISE", argv[7], 1, 1000);
    int no = (int)parse_long("NOUT", argv[8], 1, 1000), gw = (int)parse_long("GW", argv[9], 1, 100000);
    int dw = (int)parse_long("DW", argv[10], 1, 100000), B = (int)parse_long("BATCH", argv[11], 2, 1L << 20);

    /* the same streams, drawn in the same order, as gan-train's main and loop */
    Rng r_init, r_shuf, r_noise, r_val;
    rng_seed2(&r_init, (uint64_t)seed, GAN_STREAM_INIT);
    rng_seed2(&r_shuf, (uint64_t)seed, GAN_STREAM_SHUFFLE);
    rng_seed2(&r_noise, (uint64_t)seed, GAN_STREAM_NOISE);
    rng_seed2(&r_val, (uint64_t)seed, GAN_STREAM_VAL);
    Gan g;
    GanConfig cfg = {.ncond = nc, .nnoise = nz, .nout = no, .gen_width = gw, .disc_width = dw,
                     .batch = B, .lr_g = 1e-4, .lr_d = 1e-4};
    gan_init(&g, &cfg, &r_init);
    FILE *f = open_out(dir, "init.bin");
    put(f, "init.bin", g.G.p, sizeof(float), (size_t)g.G.lay.nparams);
    put(f, "init.bin", g.D.p, sizeof(float), (size_t)g.D.lay.nparams);
    done(f, "init.bin");
    float *vz = xmalloc(nva * (size_t)nz * sizeof *vz);
    rng_normal_fill(&r_val, vz, nva * (size_t)nz);
    f = open_out(dir, "valnoise.bin");
    put(f, "valnoise.bin", vz, sizeof(float), nva * (size_t)nz);
    done(f, "valnoise.bin");

    uint32_t *perm = xmalloc(ntr * sizeof *perm);
    for (size_t i = 0; i < ntr; i++) perm[i] = (uint32_t)i;
    float *z = xmalloc((size_t)B * nz * sizeof *z);
    FILE *fp = open_out(dir, "perm.bin"), *fz = open_out(dir, "noise.bin");
    for (long e = 0; e < epochs; e++) {
        rng_shuffle_u32(&r_shuf, perm, ntr);
        put(fp, "perm.bin", perm, sizeof *perm, ntr);
        for (size_t s = 0; s < ntr; s += (size_t)B) {
            size_t b = ntr - s < (size_t)B ? ntr - s : (size_t)B;
            if (b < 2) continue;
            rng_normal_fill(&r_noise, z, b * (size_t)nz);
            put(fz, "noise.bin", z, sizeof *z, b * (size_t)nz);
        }
    }
    done(fp, "perm.bin");
    done(fz, "noise.bin");
    gan_free(&g);
    free(vz), free(perm), free(z);
    return 0;
}
