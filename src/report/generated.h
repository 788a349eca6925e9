/* generated.h — the first run's trained models sampled on its validation events (generated.c):
 * what the pictures of generated events draw from (generated vs truth, and a calorimeter
 * study's average showers, calo_images.c). */
#ifndef GANTUNE_REPORT_GENERATED_H
#define GANTUNE_REPORT_GENERATED_H
#include "report/picture.h"
#include "report/pictures.h"

#include <stddef.h>

/* The validation events and one generated sample of them per model. */
typedef struct {
    char **outc, **condc;        /* output and condition columns (split_list's) */
    char *outbuf;                /* the storage of split_list's output names, freed once */
    int nout, ncond;
    double *vdat;                /* nv rows of nout + ncond: the validation events */
    size_t nv;
    int nm;
    double *gen;                 /* nm x nv x nout: each model's events, one per validation row */
} Samples;

/* Every model of the first run's final phase (else the best set's) sampled with rp->sampler,
 * one event per validation row (the first rp->events), on the rows' conditions; with eval each
 * sample is also scored by gan-eval (generated_eval.csv). Returns 1 with s filled and desc (n
 * bytes) the caption's account of what was sampled, or 0 with a note "WHAT omitted: why". */
int generated_sample(const Report *rp, Notes *nt, const char *what, int eval, Samples *s,
                     char *desc, size_t n);
void generated_free(Samples *s);

/* One sample of model by exe (gan-sample's flags): nv events with --seed seed, on the conditions
 * in cfile (NULL: none), written to gfile (left for the caller, who unlinks it) with stderr to
 * gerr; its nout output columns outc into dst, row i at dst + i * stride. 0, or -1 with a note
 * "WHAT omitted: why". */
int generated_sample_one(const char *exe, const char *model, const char *cfile, size_t nv, int nout,
                         char **outc, int seed, const char *gfile, const char *gerr, double *dst,
                         int stride, const char *what, Notes *nt);

/* The index of the condition E0 when the columns are event-gen calo's 504 cells (l0_c0 first)
 * conditioned on E0 (a calorimeter study), else -1. */
int generated_calo_e0(int nout, char *const *outc, int ncond, char *const *condc);
#endif
