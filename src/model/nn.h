/* nn.h — the GAN's layers as small forward/backward functions over plain float arrays.
 *
 * This is the CPU reference that cuda/ mirrors one function for one kernel, so the API is
 * kept stable: every function takes sizes and raw pointers, owns no memory and keeps no state.
 * One CPU-only shortcut has no kernel of its own: nn_dense_bn_act_fwd/bwd, the first block
 * when its input has few columns, is the same function as nn_dense_fwd then
 * nn_bn_act_train_fwd (test_nn checks it against them), which cuda/ runs as those kernels.
 *
 * Layouts (all row-major, contiguous, no padding):
 *   activations   x, y, dx, dy     [B x n]      B = batch rows, n = features of that layer
 *   dense weight  W, dW            [nin x nout] so y = x W + b needs no transpose
 *   dense bias    b, db            [nout]
 *   batch norm    gamma, beta      [n]; per-batch mean, invstd [n]; running mean/var [n]
 *   batch-norm cache xhat          [B x n]      normalised input kept for the backward pass
 *   logits z, grad dz              [B]          (the discriminator's single output column)
 *
 * Conventions:
 *   - Gradients are written (overwritten), never accumulated, unless the name says _acc.
 *   - A NULL output pointer means "not needed": the work for it is skipped (e.g. the
 *     discriminator's weight gradients in the generator step).
 *   - Batch norm follows PyTorch: training normalises with the biased batch variance, the
 *     running variance is updated with the unbiased one; running = (1-m) running + m batch,
 *     m = NN_BN_MOMENTUM (PyTorch 0.01 == Keras 0.99). eps = NN_BN_EPS.
 *   - A dense layer followed by batch norm carries no bias: its exact gradient is zero in
 *     training mode (the batch mean removes it) and the running mean absorbs it at inference,
 *     so it stays at its initial zero and is not computed (it is still counted in `params`).
 *   - Reductions run in a fixed order, so results are bit-identical run to run for a given
 *     OpenBLAS thread count.
 */
#ifndef GANTUNE_NN_H
#define GANTUNE_NN_H
#include <stdint.h>

#include "base/rng.h"
#include "model/bf16.h"

#define NN_BN_MOMENTUM 0.01f
#define NN_BN_EPS 1e-3f
#define NN_LEAKY_SLOPE 0.3f
#define NN_ADAM_BETA1 0.9f
#define NN_ADAM_BETA2 0.999f
#define NN_ADAM_EPS 1e-7f

/* y[B x nout] = x[B x nin] W[nin x nout] (+ b[nout] broadcast over rows if b != NULL). */
void nn_dense_fwd(int B, int nin, int nout, const float *x, const float *W, const float *b,
                  float *y);
/* Given dy[B x nout]: dx = dy W^T [B x nin], dW = x^T dy [nin x nout], db = column sums of dy.
 * Any of dx, dW, db may be NULL. */
void nn_dense_bwd(int B, int nin, int nout, const float *x, const float *W, const float *dy,
                  float *dx, float *dW, float *db);
/* The input gradient of the first ndx inputs only: dx[:, :ndx] = dy W[:ndx, :]^T, dx keeping
 * its row stride nin (its other columns are left alone). The discriminator's input gradient
 * is wanted only for the generated columns, not the conditions. */
void nn_dense_dx_lead(int B, int nin, int nout, const float *W, const float *dy, float *dx,
                      int ndx);

/* Fused batch norm (training mode) + LeakyReLU(slope), in place on h[B x n]:
 *   xhat = (h - mean) * invstd, invstd = 1/sqrt(var_biased + eps)
 *   h   <- act(gamma * xhat + beta), act(u) = u > 0 ? u : slope * u   (slope 1 = identity)
 * Writes xhat[B x n], mean[n], invstd[n]. If run_mean/run_var are not NULL they get the
 * momentum update. Needs B >= 2. */
void nn_bn_act_train_fwd(int B, int n, float *h, const float *gamma, const float *beta,
                         float slope, float *xhat, float *mean, float *invstd,
                         float *run_mean, float *run_var);
/* Backward of nn_bn_act_train_fwd. da[B x n] is the gradient w.r.t. the layer output; it is
 * overwritten with the gradient w.r.t. the input h. dgamma, dbeta [n] are written (they are
 * needed internally anyway; pass scratch arrays when the parameters are not being trained). */
void nn_bn_act_train_bwd(int B, int n, float *da, const float *xhat, const float *gamma,
                         const float *beta, const float *invstd, float slope,
                         float *dgamma, float *dbeta);
/* A first block whose input has few columns (nin <= NN_FEW_IN): nn_dense_fwd without bias,
 * then nn_bn_act_train_fwd, without forming or re-reading x W. The batch mean and variance of
 * x W follow from the inputs' mean mu and biased covariance S (mean = mu W, var_j =
 * w_j^T S w_j); each row's xhat is then formed and activated in one pass.
 * Writes a and xhat [B x n], xmom [nin + nin*nin] (mu, then S row-major: the backward needs
 * them) and invstd [n]; running statistics as nn_bn_act_train_fwd. Needs B >= 2. */
#define NN_FEW_IN 16
void nn_dense_bn_act_fwd(int B, int nin, int n, const float *x, const float *W,
                         const float *gamma, const float *beta, float slope, float *a,
                         float *xhat, float *xmom, float *invstd, float *run_mean,
                         float *run_var);
/* Parameter gradients of nn_dense_bn_act_fwd given da [B x n] (read only, unlike
 * nn_bn_act_train_bwd): dgamma, dbeta [n] written; dW [nin x n] written, or added to when
 * accumulate is set (for batches split into groups), or skipped if NULL. dW = x^T dh =
 * x_c^T dh is formed from the centred inputs' x_c^T e (e: da through the activation,
 * gathered in the same read-only pass as dgamma and dbeta) and S, so dh is never formed.
 * work: nin*n floats of scratch. (For the input gradient, nn_bn_act_train_bwd on xhat gives
 * dh, then nn_dense_bwd or nn_dense_dx_lead.) */
void nn_dense_bn_act_bwd(int B, int nin, int n, const float *x, const float *W, const float *da,
                         const float *xhat, const float *gamma, const float *beta,
                         const float *xmom, const float *invstd, float slope, float *dW,
                         int accumulate, float *work, float *dgamma, float *dbeta);
/* Inference mode with running statistics, in place on h[B x n]:
 *   h <- act(gamma * (h - run_mean) / sqrt(run_var + eps) + beta) */
void nn_bn_act_infer_fwd(int B, int n, float *h, const float *gamma, const float *beta,
                         const float *run_mean, const float *run_var, float slope);

/* LeakyReLU alone, in place: x <- x > 0 ? x : slope x; backward uses the forward output y
 * (same sign as the input): dy <- dy * (y > 0 ? 1 : slope). */
void nn_leaky_fwd(int64_t len, float *x, float slope);
void nn_leaky_bwd(int64_t len, const float *y, float *dy, float slope);

/* tanh in place; backward from the forward output: dy <- dy * (1 - y^2). */
void nn_tanh_fwd(int64_t len, float *x);
void nn_tanh_bwd(int64_t len, const float *y, float *dy);

/* Binary cross-entropy from logits z[B] against a constant target t (0 or 1), mean over B,
 * computed stably: max(z,0) - z t + log1p(exp(-|z|)). Returns the loss; if dz != NULL writes
 * d loss / d z = (sigmoid(z) - t) / B. */
double nn_bce_logits(int B, const float *z, float target, float *dz);
/* The same with a weight per row (w NULL: all 1): mean of w_i * loss_i over B, gradient
 * w_i (sigmoid(z_i) - t) / B. Weights of exactly 1 give nn_bce_logits' bits. */
double nn_bce_logits_w(int B, const float *z, float target, const float *w, float *dz);

/* One Adam step (PyTorch/Keras form, bias-corrected), step t >= 1:
 *   m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2
 *   p <- p - lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps) */
void nn_adam_step(int64_t n, float *p, const float *g, float *m, float *v, float lr, float b1,
                  float b2, float eps, long t);

/* Glorot (Xavier) uniform initialisation of W[nin x nout]: U(-a, a), a = sqrt(6/(nin+nout)),
 * drawn from the caller's generator (rng.h). */
void nn_glorot_uniform(int nin, int nout, float *W, Rng *rng);

/* ---- bf16 twins (--precision bf16; bf16.h) ----
 * The same layers with the dense GEMMs on bfloat16 operands (xb, Wb, dyb: bf16 copies of x,
 * W, dy) accumulated in float32, through ctx's oneDNN matmuls. Everything else stays float32:
 * the _bf16 batch-norm, first-block and Adam passes compute exactly what their float32 twins
 * do and also write the bf16 copy the next GEMM reads (hb/ab: of the output h/a; dhb: of the
 * input gradient; pb: of the updated parameters), in the pass that already touches the data.
 * Dense layers with at most NN_SMALL_OUT outputs (and the first block) stay float32: they are
 * not GEMMs here (nn.c). Tolerance against the float32 twin: a dot product of length K of
 * bf16-rounded operands is off by about 2^-8 sqrt(K) of the sum of |terms| (test_nn). */
#define NN_SMALL_OUT 4
void nn_dense_fwd_bf16(Bf16Ctx *ctx, int B, int nin, int nout, const uint16_t *xb,
                       const uint16_t *Wb, const float *b, float *y);
/* dx = dy W^T, dW = x^T dy from the bf16 copies; db = column sums of the float32 dy. */
void nn_dense_bwd_bf16(Bf16Ctx *ctx, int B, int nin, int nout, const uint16_t *xb,
                       const uint16_t *Wb, const uint16_t *dyb, const float *dy, float *dx,
                       float *dW, float *db);
void nn_bn_act_train_fwd_bf16(int B, int n, float *h, const float *gamma, const float *beta,
                              float slope, float *xhat, float *mean, float *invstd,
                              float *run_mean, float *run_var, uint16_t *hb);
void nn_bn_act_train_bwd_bf16(int B, int n, float *da, const float *xhat, const float *gamma,
                              const float *beta, const float *invstd, float slope,
                              float *dgamma, float *dbeta, uint16_t *dhb);
void nn_dense_bn_act_fwd_bf16(int B, int nin, int n, const float *x, const float *W,
                              const float *gamma, const float *beta, float slope, float *a,
                              float *xhat, float *xmom, float *invstd, float *run_mean,
                              float *run_var, uint16_t *ab);
void nn_bn_act_infer_fwd_bf16(int B, int n, float *h, const float *gamma, const float *beta,
                              const float *run_mean, const float *run_var, float slope,
                              uint16_t *hb);
void nn_adam_step_bf16(int64_t n, float *p, const float *g, float *m, float *v, float lr,
                       float b1, float b2, float eps, long t, uint16_t *pb);

/* ---- 2-D convolution and transposed convolution (CaloGAN's layers) ----
 * Images are NCHW: x [B x C x H x W], each sample one contiguous row of C*H*W floats, so a
 * sample is a row of the [B x n] activations above and flattening is PyTorch's order; weights
 * are PyTorch's too: convolution W [cout x cin x kh x kw], transposed W [cin x cout x kh x kw],
 * bias [cout]. NCHW (not NHWC) because per sample the convolution is then one GEMM,
 * y_b [cout x P] = W [cout x cin kh kw] col_b [cin kh kw x P] (P = oh ow), on the weights as
 * stored and with the output already in place, and the planes here are small (12x12, 3x96)
 * while channel counts are tens: NHWC's channel-contiguous loads pay off for wide C and
 * large images, not these. Both run as im2col + sgemm per sample, the batch in a fixed order
 * (deterministic); `make bench-conv` times them against direct loops.
 * The transposed convolution is the adjoint of the convolution from its output geometry to
 * its input one: its forward is that convolution's input gradient, its backward that
 * convolution's forward, with the same weight array (PyTorch's ConvTranspose2d).
 * work: nn_conv_work(g) floats of scratch, passed in, so a training step allocates nothing. */
typedef struct {
    int cin, h, w;          /* input planes and size */
    int cout, kh, kw;       /* output planes, kernel size */
    int sh, sw, ph, pw;     /* stride, zero padding of each side */
    int oh, ow;             /* output size, set by nn_conv_geom / nn_convt_geom */
} NnConv;
/* Convolution: oh = (h + 2 ph - kh)/sh + 1 (likewise ow). Transposed: oh = (h - 1) sh - 2 ph
 * + kh + oph, oph < sh the output padding (PyTorch's output_padding). Return 0, or -1 when
 * a size, stride or padding is out of range or the output would be empty. */
int nn_conv_geom(NnConv *g);
int nn_convt_geom(NnConv *g, int oph, int opw);
size_t nn_conv_work(const NnConv *g);
/* Parameters of a layer (weights and bias), and floating-point operations of one forward. */
static inline int64_t nn_conv_params(const NnConv *g)
{
    return (int64_t)g->cout * g->cin * g->kh * g->kw + g->cout;
}
double nn_conv_flops(const NnConv *g, int B, int transposed);
/* y [B x cout x oh x ow] = conv(x [B x cin x h x w], W) (+ b if not NULL). */
void nn_conv2d_fwd(const NnConv *g, int B, const float *x, const float *W, const float *b,
                   float *y, float *work);
/* Given dy: dx, dW, db (each may be NULL), written, not accumulated. */
void nn_conv2d_bwd(const NnConv *g, int B, const float *x, const float *W, const float *dy,
                   float *dx, float *dW, float *db, float *work);
/* y [B x cout x oh x ow] = conv_transpose(x [B x cin x h x w], W) (+ b). */
void nn_convt2d_fwd(const NnConv *g, int B, const float *x, const float *W, const float *b,
                    float *y, float *work);
void nn_convt2d_bwd(const NnConv *g, int B, const float *x, const float *W, const float *dy,
                    float *dx, float *dW, float *db, float *work);

/* Floating-point operations of one dense forward (2 B nin nout), for GFLOP/s figures. */
static inline double nn_dense_flops(int B, int nin, int nout)
{
    return 2.0 * B * nin * nout;
}
#endif
