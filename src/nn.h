/* nn.h — the GAN's layers as small forward/backward functions over plain float arrays.
 *
 * This is the CPU reference that cuda/ mirrors one function for one kernel, so the API is
 * kept stable: every function takes sizes and raw pointers, owns no memory and keeps no state.
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

#include "rng.h"

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

/* One Adam step (PyTorch/Keras form, bias-corrected), step t >= 1:
 *   m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2
 *   p <- p - lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps) */
void nn_adam_step(int64_t n, float *p, const float *g, float *m, float *v, float lr, float b1,
                  float b2, float eps, long t);

/* Glorot (Xavier) uniform initialisation of W[nin x nout]: U(-a, a), a = sqrt(6/(nin+nout)),
 * drawn from the caller's generator (rng.h). */
void nn_glorot_uniform(int nin, int nout, float *W, Rng *rng);

/* Floating-point operations of one dense forward (2 B nin nout), for GFLOP/s figures. */
static inline double nn_dense_flops(int B, int nin, int nout)
{
    return 2.0 * B * nin * nout;
}
#endif
