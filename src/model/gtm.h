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
 * not know). Any truncation, corruption or inconsistency is refused on load.
 *
 * Version 2 (written only when a model has a transform, a tail cut or the [0, 1] scaling range,
 * so a model without them stays byte-identical to version 1): after the condition columns,
 * f64 tail_q (the quantile asked, 0 for none), u32 range01 (1: outputs scaled to [0, 1], 0:
 * [-1, 1]), then per output column u32 transform kind, f64 A, f64 B (logit's bounds, 0 and 0
 * for the others; transform.h) and f64 cut (the largest physical value kept, +inf for none).
 * Version 1 files read as transform none, no cut, [-1, 1]; the ranges (lo, hi) of a
 * transformed column are those of t(x).
 *
 * Version 3 (written only for gan-train --model calo): version 2's fields, then u32 model
 * (GAN_ARCH_*), u32 filters, u32 kernel; the generator is gan_generator_layout_arch's. */
#ifndef GANTUNE_GTM_H
#define GANTUNE_GTM_H
#include "model/gan.h"
#include "model/transform.h"

#define GTM_VERSION 3u   /* the newest written; 1 to 3 are read */

typedef struct {
    int ncond, nnoise, nout, gw, dw, best_epoch;
    int arch, filters, kernel;           /* GAN_ARCH_MLP (versions 1, 2) or calo (3) and its sizes */
    double best_wd;
    char **out_names, **cond_names;      /* each an xstrdup'ed string */
    double *out_lo, *out_hi, *cond_lo, *cond_hi;
    Transform *out_tf;                   /* per output column (transform.h); NULL: all none */
    double *out_cut;                     /* per output column, the tail cut; NULL: none */
    double tail_q;                       /* --tail-cut's quantile, 0: none */
    int range01;                         /* outputs scaled to [0, 1], not [-1, 1] (sample.h) */
    Net G;                               /* the generator */
} GtmModel;

/* Whether m needs version 2 (a transform, a tail cut, range01); else gtm_save writes 1. */
int gtm_needs_v2(const GtmModel *m);
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
