/* gantune.h — libgantune: generate events in-process from a generator tuned by gantune (a
 * model file written by gan-train --save-model). See gantune(3).
 *
 *   gantune_model *m;
 *   char err[256];
 *   if (gantune_open("best.gtm", &m, err, sizeof err)) { fprintf(stderr, "%s\n", err); ... }
 *   gantune_seed(m, 7);
 *   gantune_generate(m, n, conditions, events);  // conditions [n x ncond], events [n x nout]
 *   gantune_close(m);
 *
 * Events are in physical units with the model's column order (gantune_out_name); conditions
 * in physical units in the model's condition order (gantune_cond_name), row-major doubles.
 * The same model, seed and conditions give gan-sample's events: the seeded noise stream is
 * gan-sample's, and event i of a stream gets the same noise however the calls split it. The
 * numbers are gan-sample's bit for bit when every call but the last asks for a multiple of
 * GANTUNE_BLOCK events (gan-sample's block); other splits agree to float rounding (~1e-7
 * relative), since the BLAS may round a row differently inside a GEMM of another size.
 *
 * No global state, no exit, no output on stderr: every failure is a status (gantune_status)
 * with a message (the err buffer of gantune_open, gantune_errmsg for a handle). Separate
 * handles may be used from separate threads at the same time; one handle is not safe to share
 * without a lock. The network runs through OpenBLAS; its thread count is the process's
 * (OPENBLAS_NUM_THREADS): set 1 when calling from many threads. */
#ifndef GANTUNE_H
#define GANTUNE_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define GANTUNE_API __attribute__((visibility("default")))
#else
#define GANTUNE_API
#endif

#define GANTUNE_VERSION_MAJOR 0
#define GANTUNE_VERSION_MINOR 1
#define GANTUNE_BLOCK 4096      /* events per inference block (model/sample.h SAMPLE_BLOCK) */

typedef enum {
    GANTUNE_OK = 0,
    GANTUNE_ERR_IO = 1,       /* the model file cannot be opened or read */
    GANTUNE_ERR_FORMAT = 2,   /* not a model file, another format version, truncated, corrupted */
    GANTUNE_ERR_ARG = 3,      /* a NULL handle or buffer, a missing condition array */
    GANTUNE_ERR_NOMEM = 4     /* out of memory */
} gantune_status;

typedef struct gantune_model gantune_model;

/* Load and check a model file (magic, version, sizes, CRC32). GANTUNE_OK and *model set, or a
 * status with *model NULL and "FILE: what is wrong" in err (errlen bytes, NUL-terminated;
 * err may be NULL with errlen 0). The stream starts seeded with 1 (gan-sample's default). */
GANTUNE_API int gantune_open(const char *path, gantune_model **model, char *err, size_t errlen);
/* Free a handle (NULL is allowed). */
GANTUNE_API void gantune_close(gantune_model *model);

/* The message of the last failed call on this handle ("" if none). */
GANTUNE_API const char *gantune_errmsg(const gantune_model *model);
/* A short text for a status. */
GANTUNE_API const char *gantune_strerror(int status);

GANTUNE_API int gantune_ncond(const gantune_model *model);       /* 0: unconditional */
GANTUNE_API int gantune_noise_dim(const gantune_model *model);
GANTUNE_API int gantune_nout(const gantune_model *model);
/* Column names; NULL for an index out of range. */
GANTUNE_API const char *gantune_cond_name(const gantune_model *model, int j);
GANTUNE_API const char *gantune_out_name(const gantune_model *model, int j);

/* Restart the handle's noise stream at the start of seed's stream (gan-sample --seed). */
GANTUNE_API void gantune_seed(gantune_model *model, uint64_t seed);
/* n events into events [n x nout] for conditions cond [n x ncond] (NULL for an
 * unconditional model), noise drawn from the handle's stream (which advances by n rows). */
GANTUNE_API int gantune_generate(gantune_model *model, size_t n, const double *cond,
                                 double *events);
/* The same with the caller's noise [n x noise_dim] (standard normal for the trained
 * distribution); the handle's stream is not touched. */
GANTUNE_API int gantune_generate_noise(gantune_model *model, size_t n, const double *cond,
                                       const float *noise, double *events);

#ifdef __cplusplus
}
#endif
#endif
