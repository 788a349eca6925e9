/* gcu.h — the CUDA twin of nn.h, net.h and gan.h, callable from C.
 *
 * Every gcu_X mirrors nn_X, net_X or gan_X one to one: same argument order, same layouts (row-major,
 * see nn.h), same conventions (gradients overwritten, NULL = not needed), but the float pointers
 * are device pointers and the work is queued on the context's stream. Where the CPU function
 * returns a value or reads a host counter, the twin reads/writes a device scalar instead, so a
 * training step never waits for the host and can be captured into a CUDA graph:
 *   nn_bce_logits returns the loss     -> gcu_bce_logits adds it to a device double
 *   nn_adam_step takes step t          -> gcu_adam_step reads t from a device long
 * Errors in any CUDA or cuBLAS call end the program with "prog: FILE:LINE: ..." and exit 1. */
#ifndef GANTUNE_GCU_H
#define GANTUNE_GCU_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#include "model/ganconf.h"
#include "model/net.h"
#include "model/nn.h"

/* The device probe is device_cuda_probe (model/device.h), implemented in nn.cu. */
/* "NAME (sm_XY, N MiB)" of the current device, for logs. */
void gcu_device_desc(char *buf, size_t n);

typedef struct GcuCtx GcuCtx;      /* one stream + one cuBLAS handle bound to it */
GcuCtx *gcu_ctx_create(void);
void gcu_ctx_destroy(GcuCtx *ctx);
void gcu_sync(GcuCtx *ctx);
/* --precision bf16: the context's GEMMs take bfloat16 copies of their operands (converted into
 * two scratch buffers of `elems` elements, allocated here) with FP32 compute and output
 * (cublasGemmEx, CUBLAS_COMPUTE_32F); everything else stays FP32. gcu_ctx_bf16_use switches
 * them off (0) and on again (the validation pass runs in FP32, as on the CPU).
 * gcu_bf16_elems: the scratch a layer list needs for `rows` rows. */
void gcu_ctx_bf16(GcuCtx *ctx, size_t elems);
void gcu_ctx_bf16_use(GcuCtx *ctx, int on);
size_t gcu_bf16_elems(const NetLayout *lay, int rows);

void *gcu_malloc(size_t bytes);    /* zero-filled device memory; dies when out of memory */
void gcu_free(void *p);
void gcu_upload(GcuCtx *ctx, void *dev, const void *host, size_t bytes);    /* synchronous */
void gcu_download(GcuCtx *ctx, void *host, const void *dev, size_t bytes);  /* synchronous */

/* ---- nn.h twins ---------------------------------------------------------------------- */
void gcu_dense_fwd(GcuCtx *ctx, int B, int nin, int nout, const float *x, const float *W,
                   const float *b, float *y);
void gcu_dense_bwd(GcuCtx *ctx, int B, int nin, int nout, const float *x, const float *W,
                   const float *dy, float *dx, float *dW, float *db);
void gcu_bn_act_train_fwd(GcuCtx *ctx, int B, int n, float *h, const float *gamma,
                          const float *beta, float slope, float *xhat, float *mean,
                          float *invstd, float *run_mean, float *run_var);
void gcu_bn_act_train_bwd(GcuCtx *ctx, int B, int n, float *da, const float *xhat,
                          const float *gamma, const float *beta, const float *invstd,
                          float slope, float *dgamma, float *dbeta);
void gcu_bn_act_infer_fwd(GcuCtx *ctx, int B, int n, float *h, const float *gamma,
                          const float *beta, const float *run_mean, const float *run_var,
                          float slope);
void gcu_leaky_fwd(GcuCtx *ctx, int64_t len, float *x, float slope);
void gcu_leaky_bwd(GcuCtx *ctx, int64_t len, const float *y, float *dy, float slope);
void gcu_tanh_fwd(GcuCtx *ctx, int64_t len, float *x);
void gcu_tanh_bwd(GcuCtx *ctx, int64_t len, const float *y, float *dy);
/* loss_acc[0] += mean BCE (double, device); dz as nn_bce_logits_w (may be NULL); w [B] the
 * rows' weights on the device, NULL: all 1. */
void gcu_bce_logits(GcuCtx *ctx, int B, const float *z, float target, const float *w,
                    float *dz, double *loss_acc);
/* t: device pointer to the (already incremented) step counter, as nn_adam_step's t. */
void gcu_adam_step(GcuCtx *ctx, int64_t n, float *p, const float *g, float *m, float *v,
                   float lr, float b1, float b2, float eps, const long *t);
/* ++*t on the device (the `++g->tD` of gan_step). */
void gcu_counter_inc(GcuCtx *ctx, long *t);
/* n standard normals from Philox4x32-10 keyed by seed, at counter position (*step, i):
 * a pure function of (seed, *step, i), so a replayed graph draws fresh noise each step. */
void gcu_normal_fill(GcuCtx *ctx, float *x, int64_t n, uint64_t seed, const long *step);

/* Convolutions (nn.h's NnConv, NCHW): work is nn_conv_work(g) floats of device memory. The
 * GEMMs go through the context's sgemm, so --precision bf16 would need gcu_ctx_bf16 sized
 * for them too (gcu_bf16_elems counts dense layers only; no layer list uses these yet). */
void gcu_conv2d_fwd(GcuCtx *ctx, const NnConv *g, int B, const float *x, const float *W,
                    const float *b, float *y, float *work);
void gcu_conv2d_bwd(GcuCtx *ctx, const NnConv *g, int B, const float *x, const float *W,
                    const float *dy, float *dx, float *dW, float *db, float *work);
void gcu_convt2d_fwd(GcuCtx *ctx, const NnConv *g, int B, const float *x, const float *W,
                     const float *b, float *y, float *work);
void gcu_convt2d_bwd(GcuCtx *ctx, const NnConv *g, int B, const float *x, const float *W,
                     const float *dy, float *dx, float *dW, float *db, float *work);

/* ---- net.h and gan.h twins ----------------------------------------------------------- */
/* A network on the device: the host's layer list and layout (net_layout, the same C function
 * the CPU and the model file use), parameters and running statistics in device memory. */
typedef struct {
    NetLayout lay;
    float *p, *st;
} GcuNet;

/* The device cache is a NetCache whose buffers are device memory, planned by the same
 * net_cache_plan as the CPU's (same act/grad/xhat/... sharing); the CPU-only fused first
 * block's buffers are absent. */
typedef NetCache GcuCache;

void gcu_net_init(GcuNet *m, const NetLayout *lay);
void gcu_net_free(GcuNet *m);
void gcu_cache_init(GcuCache *c, const GcuNet *m, int rows, int groups);
void gcu_cache_free(GcuCache *c);
/* host <-> device copies of parameters and running statistics (same layout on both sides) */
void gcu_net_upload(GcuCtx *ctx, GcuNet *m, const Net *host);
void gcu_net_download(GcuCtx *ctx, const GcuNet *m, Net *host);

/* net_fwd_train / net_bwd / net_fwd_infer, walking the same list. The input gradient: where
 * the CPU fills the first ndx columns, the device fills all of them (ndx > 0). work: as many
 * floats as net_infer_floats. */
void gcu_net_fwd_train(GcuCtx *ctx, GcuNet *m, GcuCache *c, int B, int groups,
                       int update_running);
void gcu_net_bwd(GcuCtx *ctx, GcuNet *m, GcuCache *c, int B, int groups, float *dout,
                 float *grad, int ndx);
void gcu_net_fwd_infer(GcuCtx *ctx, const GcuNet *m, int B, const float *x, float *work,
                       float *out);

/* The Gan twin: networks, optimizer state and caches on the device; counters on the device. */
typedef struct {
    int ncond, nnoise, nout, batch;
    float lr_g, lr_d;
    GcuNet G, D;
    float *gG, *mG, *vG, *gD, *mD, *vD;
    float *dfake;
    long *tG, *tD;                   /* device counters (gan.h: host longs) */
    GcuCache cG, cD;
} GcuGan;

/* gan_init's networks (gan_layouts of cfg) and state on the device, zero parameters: upload
 * the CPU's with gcu_net_upload. */
void gcu_gan_init(GcuCtx *ctx, GcuGan *g, const GanConfig *cfg);
void gcu_gan_free(GcuGan *g);
/* gan_step_w on device buffers x [B x nout], c [B x ncond], z [B x nnoise], w [B] the real
 * rows' weights (NULL: unweighted); the step's losses are added to the device doubles
 * d_loss_acc and g_loss_acc. */
void gcu_gan_step(GcuCtx *ctx, GcuGan *g, int B, const float *x, const float *c,
                  const float *z, const float *w, double *d_loss_acc, double *g_loss_acc);

/* ---- the training loop of gan-train on the device ----------------------------------------
 * Data, validation inputs and scratch are uploaded once. Each epoch takes the host's shuffled
 * permutation (one copy), replays one captured CUDA graph per batch (gather rows, draw noise,
 * gcu_gan_step: no host round trip), then scores the generator on the validation inputs in
 * inference mode with a per-column device sort and an order-statistics W1 reduction, and copies
 * back only the two loss sums and the per-column W1. */
typedef struct GcuTrainer GcuTrainer;

/* What the device trainer starts from, besides the config: the CPU Gan's initial networks (so
 * both devices start from the same weights), Xtr [ntr x nout] and Ctr [ntr x ncond] the scaled
 * training data, vin [nva x (ncond+nnoise)] the validation inputs (conditions ++ fixed noise),
 * vsorted [nout x nva] each validation output column sorted ascending (as gan-train builds
 * them), the seed of the device's Philox noise, and Wtr [ntr] the training rows' weights
 * (gan-train --weights; NULL: unweighted). */
typedef struct {
    const Net *G, *D;
    const float *Xtr, *Ctr;
    size_t ntr;
    const float *vin;
    const double *vsorted;
    size_t nva;
    uint64_t noise_seed;
    const float *Wtr;
} GcuTrainData;

/* The trainer for cfg's networks and step (gan_layouts, batch, learning rates): the same
 * GanConfig gan-train builds its CPU Gan from. */
GcuTrainer *gcu_trainer_create(const GanConfig *cfg, const GcuTrainData *data);
void gcu_trainer_destroy(GcuTrainer *t);
/* One epoch over perm[0..ntr) in batches of `batch` (a last batch of fewer than 2 rows is
 * skipped, as on the CPU). Writes the sums of the per-batch losses, the batch count and the
 * per-column W1 wd[nout] of the generator after the epoch. Non-finite values are returned as
 * they are: the caller decides on divergence. */
void gcu_trainer_epoch(GcuTrainer *t, const uint32_t *perm, double *d_sum, double *g_sum,
                       long *nbatches, double *wd);
/* Copy the generator's parameters and running statistics into G (same layout). */
void gcu_trainer_get_generator(GcuTrainer *t, Net *G);

/* gan-sample on the device: out [n x nout] = G(in) in inference mode (tanh included),
 * in [n x nin]. */
typedef struct GcuSampler GcuSampler;
GcuSampler *gcu_sampler_create(const Net *G, int max_rows);
/* bf16 GEMMs for this sampler (gan-sample --device cuda --precision bf16) */
void gcu_sampler_bf16(GcuSampler *s);
void gcu_sampler_run(GcuSampler *s, int n, const float *in, float *out);
void gcu_sampler_destroy(GcuSampler *s);

#ifdef __cplusplus
}
#endif
#endif
