/* net.h — a network as data: a list of layers (dense, convolution, transposed convolution,
 * batch norm, LeakyReLU, tanh), the one
 * function that lays their parameters out in a flat array (net_layout), and the forward and
 * backward passes that walk the list (CPU here; cuda/gan.cu walks the same list and calls the
 * same net_layout, and the model file reads and writes parameters in its order).
 *
 * Parameter layout, in layer order: a dense layer's W [nin x nout] then, if it has one, its
 * bias [nout]; a batch-norm layer's gamma [n] then beta [n]. Running statistics (batch norm's
 * running mean [n] then running variance [n], in layer order) live in a second array, `st`.
 * For the study's MLP this is W1 g1 be1 W2 g2 be2 W3 b3 and rm1 rv1 rm2 rv2: the layout of
 * every model file written so far. A convolution's (or transposed convolution's) W, in nn.h's
 * PyTorch layout, then its bias [cout]; its input and output are a sample's NCHW planes
 * flattened into the row (nin = cin h w, nout = cout oh ow). Batch norm after it is per
 * feature (per pixel and plane), not per plane as PyTorch's BatchNorm2d.
 *
 * The walker fuses where nn.h has a fused kernel: batch norm followed by LeakyReLU runs as one
 * nn_bn_act pass (batch norm alone as the same pass with slope 1), and on the CPU a first
 * layer dense(no bias) + batch norm (+ LeakyReLU) with at most NN_FEW_IN inputs runs as
 * nn_dense_bn_act_fwd/bwd. Only the first layer: that kernel's backward skips dh, which only
 * a layer with nothing below it can do, and its forward pays off only for a few input columns.
 * No allocation in any pass: caches are allocated once by net_cache_init.
 *
 * Plain C (no restrict, no _Noreturn) so that the CUDA sources include it in extern "C". */
#ifndef GANTUNE_NET_H
#define GANTUNE_NET_H
#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"
#include "model/bf16.h"
#include "model/nn.h"

#define NET_MAX_LAYERS 16

typedef enum { NET_DENSE, NET_BATCHNORM, NET_LEAKY, NET_TANH, NET_CONV, NET_CONVT } NetKind;

typedef struct {
    NetKind kind;
    int nin, nout;       /* features in and out (equal except for dense) */
    int bias;            /* dense: 1 = has a bias; 0 = none, allowed only right before batch
                          * norm, whose batch mean cancels it (the reference keeps it: see
                          * nparams_ref) */
    float slope;         /* LeakyReLU's negative slope */
    NnConv conv;         /* convolutions: the geometry (nn.h); conv.oh = 0 if it was invalid */
    /* set by net_layout: offsets into the parameter array p and the state array st, -1 none */
    int64_t p0;          /* dense: W; batch norm: gamma */
    int64_t p1;          /* dense: bias; batch norm: beta */
    int64_t s0;          /* batch norm: running mean at s0, running variance at s0 + n */
} NetLayer;

typedef struct {
    int n;                         /* layers */
    NetLayer L[NET_MAX_LAYERS];
    int nin, nout;                 /* network input and output features */
    int wmax;                      /* widest activation between the input and the output */
    int64_t nparams;               /* floats in p */
    int64_t nstate;                /* floats in st */
    int64_t nparams_ref;           /* parameters as the reference counts them (with the
                                    * biases before batch norm) */
} NetLayout;

/* Building a list: net_begin, then one call per layer (sizes follow from the previous layer),
 * then net_layout. */
void net_begin(NetLayout *lay, int nin);
void net_dense(NetLayout *lay, int nout, int bias);
void net_batchnorm(NetLayout *lay);
void net_leaky(NetLayout *lay, float slope);
void net_tanh(NetLayout *lay);
/* A convolution (transposed 0) or transposed convolution (1) on planes g.cin x g.h x g.w,
 * which must be the previous layer's width, with g's kernel, stride and padding (g.oh, g.ow
 * are computed; oph, opw: the transposed output padding, 0 for a convolution); with bias. */
void net_conv(NetLayout *lay, NnConv g, int transposed, int oph, int opw);
/* The parameter layout: fills p0/p1/s0 of every layer, nparams, nstate, nparams_ref, nout and
 * wmax. Returns NULL, or what is wrong with the list (too many layers, a size below 1, a dense
 * without bias not followed by batch norm, no dense layer). */
const char *net_layout(NetLayout *lay);

/* A network's parameters and running statistics (host memory). */
typedef struct {
    NetLayout lay;
    float *p;                      /* [nparams] */
    float *st;                     /* [nstate] */
    uint16_t *pb;                  /* bf16 copy of p, same layout (net_bf16_enable), or NULL */
} Net;

/* Copies lay (net_layout run on it, dying with exit 1 if it is invalid), allocates p and st
 * zero-filled. */
void net_init(Net *net, const NetLayout *lay);
void net_free(Net *net);
/* Glorot-uniform dense weights drawn in layer order, zero biases, gamma 1, beta 0, running
 * mean 0, running variance 1. */
void net_glorot(Net *net, Rng *rng);

/* Training-mode activations of up to `rows` rows, kept for the backward pass. act[i] is the
 * input of layer i (act[0] the network's input, act[n] its output); layers that work in place
 * (batch norm, activations) share their input's buffer. grad[i] is the gradient w.r.t.
 * act[i]: grad[0] the input gradient, grad[n] (and the in-place layers at the end) NULL, as
 * the caller passes it (dout). Batch-norm layer i keeps xhat[i] [rows x n] and mean[i],
 * inv[i] [groups x n]. */
typedef struct {
    int rows, groups;
    float *act[NET_MAX_LAYERS + 1];
    float *grad[NET_MAX_LAYERS + 1];
    float *xhat[NET_MAX_LAYERS], *mean[NET_MAX_LAYERS], *inv[NET_MAX_LAYERS];
    float *dg, *db;                /* batch-norm parameter gradients of other groups [wmax] */
    float *xmom, *work;            /* the fused first block: input moments [groups x (nin +
                                    * nin^2)], dW scratch [nin x n] */
    float *cwork;                  /* convolutions' im2col scratch (net_conv_work floats) */
    int fused_first;               /* 1 when the CPU runs layers 0-1(-2) as nn_dense_bn_act */
    float *own[4 * NET_MAX_LAYERS + 8];
    int nown;
    /* --precision bf16 (net_cache_bf16): the GEMM context, and for each dense layer i that
     * runs its GEMMs in bf16 (net_dense_bf16) the bf16 copies of its input actb[i] and of its
     * output gradient gradb[i] [rows x width]; NULL elsewhere and in fp32 */
    Bf16Ctx *bf;
    uint16_t *actb[NET_MAX_LAYERS], *gradb[NET_MAX_LAYERS];
    uint16_t *ownb[2 * NET_MAX_LAYERS];
    int nownb;
} NetCache;

void net_cache_init(NetCache *c, const Net *net, int rows, int groups);
/* Frees a cache of net_cache_init (a device cache: gcu_cache_free). */
void net_cache_free(NetCache *c);
/* The buffers of a cache for this list, shared by the CPU and CUDA caches: every buffer above
 * except the fused first block's, each from alloc(ctx, floats) (zero-filled host or device
 * memory), recorded in own[] for the matching free. */
typedef float *(*NetAlloc)(void *ctx, size_t floats);
void net_cache_plan(NetCache *c, const NetLayout *lay, int rows, int groups, NetAlloc alloc,
                    void *ctx);

/* --precision bf16. Dense layer i runs its GEMMs in bf16 when it is a GEMM at all on the CPU:
 * more than NN_SMALL_OUT outputs and not the fused first block. */
int net_dense_bf16(const NetLayout *lay, int i, int fused_first);
/* Allocates net->pb and fills it from p; net_bf16_sync refills it after p changed other than
 * through nn_adam_step_bf16 (which keeps it current). */
void net_bf16_enable(Net *net);
void net_bf16_sync(Net *net);
/* Switches a cache (net_cache_init) to bf16 GEMMs through ctx (the caller's), allocating its
 * bf16 copies. */
void net_cache_bf16(NetCache *c, const Net *net, Bf16Ctx *ctx);
/* Makes the GEMM primitives a pass over `rows` rows will run, before the first step (bf16.h):
 * forwards, input gradients of the layers above the first if dx, weight gradients if dW. */
void net_bf16_prepare(const Net *net, const NetCache *c, int rows, int dx, int dW);

/* Training-mode forward of rows [0, groups*B) of c->act[0], batch-norm statistics per group of
 * B rows (B >= 2); running statistics updated when update_running. Output in c->act[n]. */
void net_fwd_train(Net *net, NetCache *c, int B, int groups, int update_running);
/* Backward of the last net_fwd_train given dout [groups*B x nout] (overwritten). grad:
 * parameter gradients in p's layout (NULL: skipped); ndx: fill the first ndx columns of
 * c->grad[0] (the input gradient; 0: none). */
void net_bwd(Net *net, NetCache *c, int B, int groups, float *dout, float *grad, int ndx);
/* The most scratch any convolution of the list needs (nn_conv_work), 0 without one. */
int64_t net_conv_work(const NetLayout *lay);
/* Floats of scratch net_fwd_infer (and net_fwd_infer_bf16) needs for B rows. */
int64_t net_infer_floats(const NetLayout *lay, int B);
/* Inference-mode forward (running statistics) of B rows of x into out [B x nout]; work holds
 * net_infer_floats(B) floats. */
void net_fwd_infer(const Net *net, int B, const float *x, float *work, float *out);
/* The same with the bf16 layers' GEMMs in bf16 through ctx (net->pb enabled); the bf16 copies
 * live in work. net_infer_bf16_prepare makes the primitives for B rows. */
void net_fwd_infer_bf16(const Net *net, Bf16Ctx *ctx, int B, const float *x, float *work,
                        float *out);
void net_infer_bf16_prepare(const Net *net, Bf16Ctx *ctx, int B);
#endif
