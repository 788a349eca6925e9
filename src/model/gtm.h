/* gtm.h — the generator model file written by gan-train and read by gan-sample.
 *
 * Layout: a 32-byte header  "GANTUNEM" | u32 version | u32 crc32(payload) | u64 payload bytes |
 * u64 compressed bytes, then the zlib-compressed payload. Payload (little-endian, floats IEEE):
 * u32 ncond, nnoise, nout, gen width, disc width, best epoch; f64 best_wd; per output column
 * then per condition column: name (u32 length + bytes), f64 lo, f64 hi (training-set min-max
 * ranges); then the generator's parameters and its batch-norm running statistics, each in
 * net_layout's order (net.h) for gan_generator_layout(ncond + nnoise, gen width, nout): W1 g1
 * be1 W2 g2 be2 W3 b3, then rm1 rv1 rm2 rv2. The file names the sizes, not the layers, so a
 * network other than the study's MLP needs a new version (the loader refuses versions it does
 * not know). Version 2 (written only for gan-train --model calo, so MLP files stay version 1
 * byte for byte): after the best epoch, u32 model (GAN_ARCH_*), filters, kernel; the generator
 * is gan_generator_layout_arch's. Any truncation, corruption or inconsistency is refused on
 * load. */
#ifndef GANTUNE_GTM_H
#define GANTUNE_GTM_H
#include "model/gan.h"

#define GTM_VERSION 1u
#define GTM_VERSION_ARCH 2u   /* with the model kind (calo) */

typedef struct {
    int ncond, nnoise, nout, gw, dw, best_epoch;
    int arch, filters, kernel;           /* GAN_ARCH_MLP (0: version 1) or calo and its sizes */
    double best_wd;
    char **out_names, **cond_names;      /* each an xstrdup'ed string */
    double *out_lo, *out_hi, *cond_lo, *cond_hi;
    Net G;                               /* the generator */
} GtmModel;

/* Write atomically (temp + rename); dies with exit 1 on an I/O error. */
void gtm_save(const char *path, const GtmModel *m);
/* gtm_read's failures: the file cannot be read, its content is wrong (not a model, another
 * version, truncated, corrupted, inconsistent), memory ran out. */
enum { GTM_EIO = -1, GTM_EFORMAT = -2, GTM_ENOMEM = -3 };
/* Read and validate without exiting: 0, or a GTM_E* code with "FILE: what is wrong" in err
 * (a format error names its byte, as the file has no lines: "FILE: what (at byte N)", or "(at
 * payload byte N)" counted in the decompressed payload)
 * (errlen bytes, NUL-terminated) and m left empty. No exit on any file content or on running out of memory
 * (the public library, include/gantune.h, loads through it). */
int gtm_read(const char *path, GtmModel *m, char *err, size_t errlen);
/* gtm_read, then on any problem "prog: FILE: what is wrong (at byte N)" and exit 1. */
void gtm_load(const char *path, GtmModel *m);
/* Frees what gtm_load allocated. */
void gtm_free(GtmModel *m);
#endif
