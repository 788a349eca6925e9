// nn.cu — device twins of src/nn.c, one function per CPU function (see gcu.h, nn.h).
// GEMMs go through cuBLAS in FP32 (no TF32, so results stay within float rounding of the CPU),
// or with --precision bf16 (gcu_ctx_bf16) on bfloat16 copies of their operands with FP32
// compute and output (cublasGemmEx), as the CPU's oneDNN matmuls do;
// batch-norm kernels reduce each column in shared memory in a fixed order, so a run is
// reproducible on the same GPU. No atomics on floats anywhere.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cuda_bf16.h>
#include <curand_kernel.h>

#include "cuda/common.cuh"
#include "cuda/gcu.h"
extern "C" {
#include "model/device.h"
#include "model/nn.h"   // the constants (eps, momentum, slope, Adam betas) have one home
}

struct GcuCtx {
    cudaStream_t stream;
    cublasHandle_t blas;
    void *blas_ws;
    __nv_bfloat16 *bfa, *bfb;   // bf16 copies of a GEMM's two operands (gcu_ctx_bf16)
    size_t bfn;                 // elements of each; 0: FP32 GEMMs
    bool bf_on;                 // bf16 GEMMs now (off for the validation pass)
};

extern "C" {
const char *progname(void);   // util.h (not included: its C11 _Noreturn is not C++)
}

[[noreturn]] void gcu_fail(const char *stmt, const char *func, const char *file, int line,
                           const char *what)
{
    std::fprintf(stderr, "%s: %s:%d: %s: %s failed: %s\n", progname(), file, line, func, stmt,
                 what);
    std::exit(1);
}

const char *gcu_cublas_str(cublasStatus_t s)
{
    switch (s) {
    case CUBLAS_STATUS_NOT_INITIALIZED: return "cuBLAS not initialized";
    case CUBLAS_STATUS_ALLOC_FAILED: return "cuBLAS allocation failed";
    case CUBLAS_STATUS_INVALID_VALUE: return "cuBLAS invalid value";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "cuBLAS architecture mismatch";
    case CUBLAS_STATUS_MAPPING_ERROR: return "cuBLAS mapping error";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "cuBLAS execution failed";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "cuBLAS internal error";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "cuBLAS not supported";
    default: return "cuBLAS error";
    }
}

// ---- context and memory ---------------------------------------------------------------------

extern "C" int device_cuda_probe(char *why, size_t n)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        std::snprintf(why, n, "%s", cudaGetErrorString(e));
        return -1;
    }
    if (count == 0) {
        std::snprintf(why, n, "the CUDA driver reports no device");
        return -1;
    }
    e = cudaSetDevice(0);
    if (e == cudaSuccess) e = cudaFree(nullptr);   // create the context now, fail now
    if (e != cudaSuccess) {
        std::snprintf(why, n, "device 0: %s", cudaGetErrorString(e));
        return -1;
    }
    return 0;
}

extern "C" void gcu_device_desc(char *buf, size_t n)
{
    int dev = 0;
    cudaDeviceProp p;
    CUDA_CHECK(cudaGetDevice(&dev));
    CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
    std::snprintf(buf, n, "%s (sm_%d%d, %zu MiB)", p.name, p.major, p.minor,
                  (size_t)(p.totalGlobalMem >> 20));
}

extern "C" GcuCtx *gcu_ctx_create(void)
{
    GcuCtx *c = (GcuCtx *)std::calloc(1, sizeof *c);
    if (!c) gcu_fail("calloc", __func__, __FILE__, __LINE__, "out of memory");
    CUDA_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
    CUBLAS_CHECK(cublasCreate(&c->blas));
    CUBLAS_CHECK(cublasSetStream(c->blas, c->stream));
    // A workspace of our own, so cuBLAS never allocates while a step is being captured.
    const size_t ws = (size_t)32 << 20;
    CUDA_CHECK(cudaMalloc(&c->blas_ws, ws));
    CUBLAS_CHECK(cublasSetWorkspace(c->blas, c->blas_ws, ws));
    // Plain FP32 (no TF32): the self-check compares against the CPU within float rounding.
    CUBLAS_CHECK(cublasSetMathMode(c->blas, CUBLAS_PEDANTIC_MATH));
    return c;
}

extern "C" void gcu_ctx_destroy(GcuCtx *c)
{
    if (!c) return;
    CUBLAS_CHECK(cublasDestroy(c->blas));
    CUDA_CHECK(cudaFree(c->blas_ws));
    if (c->bfn) {
        CUDA_CHECK(cudaFree(c->bfa));
        CUDA_CHECK(cudaFree(c->bfb));
    }
    CUDA_CHECK(cudaStreamDestroy(c->stream));
    std::free(c);
}

cudaStream_t gcu_stream(GcuCtx *c) { return c->stream; }

extern "C" void gcu_sync(GcuCtx *c) { CUDA_CHECK(cudaStreamSynchronize(c->stream)); }

extern "C" void *gcu_malloc(size_t bytes)
{
    void *p = nullptr;
    CUDA_CHECK(cudaMalloc(&p, bytes ? bytes : 1));
    CUDA_CHECK(cudaMemset(p, 0, bytes ? bytes : 1));
    // cudaMemset runs on the legacy stream, which our non-blocking streams do not wait for
    CUDA_CHECK(cudaDeviceSynchronize());
    return p;
}

extern "C" void gcu_free(void *p)
{
    if (p) CUDA_CHECK(cudaFree(p));
}

extern "C" void gcu_upload(GcuCtx *c, void *dev, const void *host, size_t bytes)
{
    if (!bytes) return;
    CUDA_CHECK(cudaMemcpyAsync(dev, host, bytes, cudaMemcpyHostToDevice, c->stream));
    CUDA_CHECK(cudaStreamSynchronize(c->stream));
}

extern "C" void gcu_download(GcuCtx *c, void *host, const void *dev, size_t bytes)
{
    if (!bytes) return;
    CUDA_CHECK(cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost, c->stream));
    CUDA_CHECK(cudaStreamSynchronize(c->stream));
}

// ---- dense ----------------------------------------------------------------------------------

// cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, ...) as a column-major cuBLAS call: a row-major
// C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T, i.e. swap the operands.
__global__ void k_to_bf16(int64_t n, const float *__restrict__ x, __nv_bfloat16 *__restrict__ y)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = __float2bfloat16_rn(x[i]);   // round to nearest even, as bf16_round
}

static void to_bf16(GcuCtx *c, int64_t n, const float *x, __nv_bfloat16 *y)
{
    if ((size_t)n > c->bfn)
        gcu_fail("bf16 operand", __func__, __FILE__, __LINE__, "larger than gcu_ctx_bf16's size");
    k_to_bf16<<<gcu_blocks(n, 256), 256, 0, c->stream>>>(n, x, y);
    CUDA_LAUNCH_CHECK();
}

static void sgemm_rm(GcuCtx *c, bool ta, bool tb, int M, int N, int K, float alpha,
                     const float *A, int lda, const float *B, int ldb, float beta, float *C,
                     int ldc)
{
    if (c->bf_on) {
        // the operands' bf16 copies, then FP32 compute and output; the conversions are kernels
        // of their own here (the CPU fuses them into the passes before)
        to_bf16(c, (int64_t)(ta ? K : M) * lda, A, c->bfa);
        to_bf16(c, (int64_t)(tb ? N : K) * ldb, B, c->bfb);
        CUBLAS_CHECK(cublasGemmEx(c->blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  ta ? CUBLAS_OP_T : CUBLAS_OP_N, N, M, K, &alpha, c->bfb,
                                  CUDA_R_16BF, ldb, c->bfa, CUDA_R_16BF, lda, &beta, C,
                                  CUDA_R_32F, ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
        return;
    }
    CUBLAS_CHECK(cublasSgemm(c->blas, tb ? CUBLAS_OP_T : CUBLAS_OP_N,
                             ta ? CUBLAS_OP_T : CUBLAS_OP_N, N, M, K, &alpha, B, ldb, A, lda,
                             &beta, C, ldc));
}

extern "C" void gcu_ctx_bf16(GcuCtx *c, size_t elems)
{
    if (elems > c->bfn) {
        if (c->bfn) {
            CUDA_CHECK(cudaFree(c->bfa));
            CUDA_CHECK(cudaFree(c->bfb));
        }
        CUDA_CHECK(cudaMalloc(&c->bfa, elems * sizeof(__nv_bfloat16)));
        CUDA_CHECK(cudaMalloc(&c->bfb, elems * sizeof(__nv_bfloat16)));
        c->bfn = elems;
    }
    c->bf_on = true;
}

extern "C" void gcu_ctx_bf16_use(GcuCtx *c, int on) { c->bf_on = on && c->bfn; }

extern "C" size_t gcu_bf16_elems(const NetLayout *lay, int rows)
{
    size_t m = 1;
    for (int i = 0; i < lay->n; i++) {
        const NetLayer *l = &lay->L[i];
        if (l->kind == NET_CONV || l->kind == NET_CONVT) {
            // the per-sample GEMMs' operands: W [K x C kh kw], col [C kh kw x P], planes [K x P]
            const NnConv *g = &l->conv;
            size_t kk = (size_t)g->kh * g->kw, pin = (size_t)g->h * g->w, pout = (size_t)g->oh * g->ow;
            size_t c[4] = {(size_t)g->cout * g->cin * kk, nn_conv_work(g), (size_t)g->cin * pin,
                           (size_t)g->cout * pout};
            for (int k = 0; k < 4; k++)
                if (c[k] > m) m = c[k];
            continue;
        }
        if (l->kind != NET_DENSE) continue;
        size_t w = (size_t)(l->nin > l->nout ? l->nin : l->nout);
        size_t a = (size_t)rows * w, b = (size_t)l->nin * l->nout;
        if (a > m) m = a;
        if (b > m) m = b;
    }
    return m;
}

__global__ void k_bias_rows(int B, int n, const float *__restrict__ b, float *__restrict__ y)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < (int64_t)B * n) y[i] = b[i % n];
}

// Column sums of dy [B x n] -> db [n]: 32 columns per block, 16 row slices, fixed-order tree.
__global__ void k_col_sum(int B, int n, const float *__restrict__ dy, float *__restrict__ db)
{
    __shared__ float s[16][33];
    int j = blockIdx.x * 32 + threadIdx.x;
    float acc = 0.0f;
    if (j < n)
        for (int r = threadIdx.y; r < B; r += 16) acc += dy[(int64_t)r * n + j];
    s[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    for (int k = 8; k > 0; k >>= 1) {
        if (threadIdx.y < k) s[threadIdx.y][threadIdx.x] += s[threadIdx.y + k][threadIdx.x];
        __syncthreads();
    }
    if (threadIdx.y == 0 && j < n) db[j] = s[0][threadIdx.x];
}

extern "C" void gcu_dense_fwd(GcuCtx *c, int B, int nin, int nout, const float *x,
                              const float *W, const float *b, float *y)
{
    if (b) {
        int64_t len = (int64_t)B * nout;
        k_bias_rows<<<gcu_blocks(len, 256), 256, 0, c->stream>>>(B, nout, b, y);
        CUDA_LAUNCH_CHECK();
    }
    sgemm_rm(c, false, false, B, nout, nin, 1.0f, x, nin, W, nout, b ? 1.0f : 0.0f, y, nout);
}

extern "C" void gcu_dense_bwd(GcuCtx *c, int B, int nin, int nout, const float *x,
                              const float *W, const float *dy, float *dx, float *dW, float *db)
{
    if (dx) sgemm_rm(c, false, true, B, nin, nout, 1.0f, dy, nout, W, nout, 0.0f, dx, nin);
    if (dW) sgemm_rm(c, true, false, nin, nout, B, 1.0f, x, nin, dy, nout, 0.0f, dW, nout);
    if (db) {
        k_col_sum<<<gcu_blocks(nout, 32), dim3(32, 16), 0, c->stream>>>(B, nout, dy, db);
        CUDA_LAUNCH_CHECK();
    }
}

// ---- batch norm + LeakyReLU ---------------------------------------------------------------

// Block = 32 columns x 16 row slices; grid.x = column tiles. Sum over the 16 slices of a
// per-thread partial, in a fixed order, result broadcast to the whole column of threads.
__device__ float col_reduce(float (*s)[33], float v)
{
    s[threadIdx.y][threadIdx.x] = v;
    __syncthreads();
    for (int k = 8; k > 0; k >>= 1) {
        if (threadIdx.y < k) s[threadIdx.y][threadIdx.x] += s[threadIdx.y + k][threadIdx.x];
        __syncthreads();
    }
    float r = s[0][threadIdx.x];
    __syncthreads();   // s is reused by the next reduction
    return r;
}

__global__ void k_bn_act_train_fwd(int B, int n, float *__restrict__ h,
                                   const float *__restrict__ gamma,
                                   const float *__restrict__ beta, float slope,
                                   float *__restrict__ xhat, float *__restrict__ mean,
                                   float *__restrict__ invstd, float *__restrict__ run_mean,
                                   float *__restrict__ run_var, float eps, float momentum)
{
    __shared__ float s[16][33];
    const int j = blockIdx.x * 32 + threadIdx.x;
    const bool ok = j < n;
    float acc = 0.0f;
    if (ok)
        for (int r = threadIdx.y; r < B; r += 16) acc += h[(int64_t)r * n + j];
    const float inv_b = 1.0f / (float)B;
    const float mu = col_reduce(s, acc) * inv_b;
    acc = 0.0f;
    if (ok)
        for (int r = threadIdx.y; r < B; r += 16) {
            float d = h[(int64_t)r * n + j] - mu;
            acc += d * d;
        }
    const float ss = col_reduce(s, acc);
    if (!ok) return;
    const float is = 1.0f / sqrtf(ss * inv_b + eps);
    if (threadIdx.y == 0) {
        mean[j] = mu;
        invstd[j] = is;
        if (run_mean && run_var) {
            const float unbias = (float)B / (float)(B - 1);
            run_mean[j] = (1.0f - momentum) * run_mean[j] + momentum * mu;
            run_var[j] = (1.0f - momentum) * run_var[j] + momentum * (ss * inv_b * unbias);
        }
    }
    const float g = gamma[j], be = beta[j];
    for (int r = threadIdx.y; r < B; r += 16) {
        int64_t i = (int64_t)r * n + j;
        float xh = (h[i] - mu) * is;
        float u = g * xh + be;
        xhat[i] = xh;
        h[i] = u > 0.0f ? u : slope * u;
    }
}

extern "C" void gcu_bn_act_train_fwd(GcuCtx *c, int B, int n, float *h, const float *gamma,
                                     const float *beta, float slope, float *xhat, float *mean,
                                     float *invstd, float *run_mean, float *run_var)
{
    k_bn_act_train_fwd<<<gcu_blocks(n, 32), dim3(32, 16), 0, c->stream>>>(
        B, n, h, gamma, beta, slope, xhat, mean, invstd, run_mean, run_var, NN_BN_EPS,
        NN_BN_MOMENTUM);
    CUDA_LAUNCH_CHECK();
}

__global__ void k_bn_act_train_bwd(int B, int n, float *__restrict__ da,
                                   const float *__restrict__ xhat,
                                   const float *__restrict__ gamma,
                                   const float *__restrict__ beta,
                                   const float *__restrict__ invstd, float slope,
                                   float *__restrict__ dgamma, float *__restrict__ dbeta)
{
    __shared__ float s[16][33];
    const int j = blockIdx.x * 32 + threadIdx.x;
    const bool ok = j < n;
    float ag = 0.0f, ab = 0.0f, g = 0.0f, be = 0.0f;
    if (ok) {
        g = gamma[j], be = beta[j];
        for (int r = threadIdx.y; r < B; r += 16) {
            int64_t i = (int64_t)r * n + j;
            float xh = xhat[i];
            float u = g * xh + be;
            float d = u > 0.0f ? da[i] : slope * da[i];
            da[i] = d;
            ag += d * xh;
            ab += d;
        }
    }
    const float dg = col_reduce(s, ag);
    const float db = col_reduce(s, ab);
    if (!ok) return;
    if (threadIdx.y == 0) dgamma[j] = dg, dbeta[j] = db;
    const float inv_b = 1.0f / (float)B, k = g * invstd[j];
    for (int r = threadIdx.y; r < B; r += 16) {
        int64_t i = (int64_t)r * n + j;
        da[i] = k * (da[i] - inv_b * (db + xhat[i] * dg));
    }
}

extern "C" void gcu_bn_act_train_bwd(GcuCtx *c, int B, int n, float *da, const float *xhat,
                                     const float *gamma, const float *beta,
                                     const float *invstd, float slope, float *dgamma,
                                     float *dbeta)
{
    k_bn_act_train_bwd<<<gcu_blocks(n, 32), dim3(32, 16), 0, c->stream>>>(
        B, n, da, xhat, gamma, beta, invstd, slope, dgamma, dbeta);
    CUDA_LAUNCH_CHECK();
}

__global__ void k_bn_act_infer_fwd(int64_t len, int n, float *__restrict__ h,
                                   const float *__restrict__ gamma,
                                   const float *__restrict__ beta,
                                   const float *__restrict__ rm, const float *__restrict__ rv,
                                   float slope, float eps)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= len) return;
    int j = (int)(i % n);
    float a = gamma[j] / sqrtf(rv[j] + eps);
    float u = a * h[i] + (beta[j] - a * rm[j]);
    h[i] = u > 0.0f ? u : slope * u;
}

extern "C" void gcu_bn_act_infer_fwd(GcuCtx *c, int B, int n, float *h, const float *gamma,
                                     const float *beta, const float *run_mean,
                                     const float *run_var, float slope)
{
    int64_t len = (int64_t)B * n;
    k_bn_act_infer_fwd<<<gcu_blocks(len, 256), 256, 0, c->stream>>>(
        len, n, h, gamma, beta, run_mean, run_var, slope, NN_BN_EPS);
    CUDA_LAUNCH_CHECK();
}

// ---- elementwise ------------------------------------------------------------------------------

__global__ void k_leaky_fwd(int64_t len, float *x, float slope)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) x[i] = x[i] > 0.0f ? x[i] : slope * x[i];
}

__global__ void k_leaky_bwd(int64_t len, const float *y, float *dy, float slope)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) dy[i] = y[i] > 0.0f ? dy[i] : slope * dy[i];
}

__global__ void k_tanh_fwd(int64_t len, float *x)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) x[i] = tanhf(x[i]);
}

__global__ void k_tanh_bwd(int64_t len, const float *y, float *dy)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < len) dy[i] *= 1.0f - y[i] * y[i];
}

extern "C" void gcu_leaky_fwd(GcuCtx *c, int64_t len, float *x, float slope)
{
    if (len <= 0) return;
    k_leaky_fwd<<<gcu_blocks(len, 256), 256, 0, c->stream>>>(len, x, slope);
    CUDA_LAUNCH_CHECK();
}

extern "C" void gcu_leaky_bwd(GcuCtx *c, int64_t len, const float *y, float *dy, float slope)
{
    if (len <= 0) return;
    k_leaky_bwd<<<gcu_blocks(len, 256), 256, 0, c->stream>>>(len, y, dy, slope);
    CUDA_LAUNCH_CHECK();
}

extern "C" void gcu_tanh_fwd(GcuCtx *c, int64_t len, float *x)
{
    if (len <= 0) return;
    k_tanh_fwd<<<gcu_blocks(len, 256), 256, 0, c->stream>>>(len, x);
    CUDA_LAUNCH_CHECK();
}

extern "C" void gcu_tanh_bwd(GcuCtx *c, int64_t len, const float *y, float *dy)
{
    if (len <= 0) return;
    k_tanh_bwd<<<gcu_blocks(len, 256), 256, 0, c->stream>>>(len, y, dy);
    CUDA_LAUNCH_CHECK();
}

// ---- BCE from logits: one block, per-thread double partials, fixed-order tree -----------------

enum { BCE_THREADS = 512 };

// z and dz may be the same array (no __restrict__ here, and no read-only cache path).
__global__ void k_bce_logits(int B, const float *z, float target, const float *w, float *dz,
                             double *loss_acc)
{
    __shared__ double s[BCE_THREADS];
    double acc = 0.0;
    const float inv_b = 1.0f / (float)B;
    for (int i = threadIdx.x; i < B; i += BCE_THREADS) {
        float zi = z[i];
        float wi = w ? w[i] : 1.0f;   // nn_bce_logits_w: a weight of 1 changes no bit
        acc += (double)wi * (double)(fmaxf(zi, 0.0f) - zi * target + log1pf(expf(-fabsf(zi))));
        if (dz) {
            float sg = zi >= 0.0f ? 1.0f / (1.0f + expf(-zi)) : expf(zi) / (1.0f + expf(zi));
            dz[i] = (sg - target) * inv_b * wi;
        }
    }
    s[threadIdx.x] = acc;
    __syncthreads();
    for (int k = BCE_THREADS / 2; k > 0; k >>= 1) {
        if ((int)threadIdx.x < k) s[threadIdx.x] += s[threadIdx.x + k];
        __syncthreads();
    }
    if (threadIdx.x == 0) *loss_acc += s[0] / B;
}

extern "C" void gcu_bce_logits(GcuCtx *c, int B, const float *z, float target, const float *w,
                               float *dz, double *loss_acc)
{
    // z and dz may alias (gan_step reuses the logits for their gradient): each element is
    // read before it is written by the same thread, so that is safe here too.
    k_bce_logits<<<1, BCE_THREADS, 0, c->stream>>>(B, z, target, w, dz, loss_acc);
    CUDA_LAUNCH_CHECK();
}

// ---- Adam ------------------------------------------------------------------------------------

__global__ void k_adam(int64_t n, float *__restrict__ p, const float *__restrict__ g,
                       float *__restrict__ m, float *__restrict__ v, float lr, float b1,
                       float b2, float eps, const long *t)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float tf = (float)*t;
    const float bc1 = 1.0f - powf(b1, tf), bc2 = 1.0f - powf(b2, tf);
    const float step = lr / bc1, inv_sqrt_bc2 = 1.0f / sqrtf(bc2);
    float gi = g[i];
    float mi = b1 * m[i] + (1.0f - b1) * gi;
    float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi, v[i] = vi;
    p[i] -= step * mi / (sqrtf(vi) * inv_sqrt_bc2 + eps);
}

extern "C" void gcu_adam_step(GcuCtx *c, int64_t n, float *p, const float *g, float *m,
                              float *v, float lr, float b1, float b2, float eps, const long *t)
{
    k_adam<<<gcu_blocks(n, 256), 256, 0, c->stream>>>(n, p, g, m, v, lr, b1, b2, eps, t);
    CUDA_LAUNCH_CHECK();
}

__global__ void k_counter_inc(long *t) { ++*t; }

extern "C" void gcu_counter_inc(GcuCtx *c, long *t)
{
    k_counter_inc<<<1, 1, 0, c->stream>>>(t);
    CUDA_LAUNCH_CHECK();
}

// ---- noise -----------------------------------------------------------------------------------

// Thread k makes normals 4k..4k+3 from Philox subsequence k at offset 4 * step (each draw of
// four normals uses one Philox block): a pure function of (seed, step, index).
__global__ void k_normal_fill(float *x, int64_t n, unsigned long long seed, const long *step)
{
    int64_t k = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (4 * k >= n) return;
    curandStatePhilox4_32_10_t st;
    curand_init(seed, (unsigned long long)k, 4ull * (unsigned long long)*step, &st);
    float4 r = curand_normal4(&st);
    float v[4] = {r.x, r.y, r.z, r.w};
    for (int q = 0; q < 4 && 4 * k + q < n; q++) x[4 * k + q] = v[q];
}

extern "C" void gcu_normal_fill(GcuCtx *c, float *x, int64_t n, uint64_t seed, const long *step)
{
    if (n <= 0) return;
    int64_t threads = (n + 3) / 4;
    k_normal_fill<<<gcu_blocks(threads, 256), 256, 0, c->stream>>>(x, n, seed, step);
    CUDA_LAUNCH_CHECK();
}

// ---- convolutions (nn.h): im2col + sgemm per sample, as nn.c --------------------------------

namespace {
// the plain convolution a layer's GEMMs run, image (C, H, W) -> (K, OH, OW); a transposed layer
// is the convolution from its output to its input (nn.c's ConvG)
struct ConvG { int C, H, W, K, OH, OW, kh, kw, sh, sw, ph, pw; };

ConvG conv_g(const NnConv *g, bool transposed)
{
    if (transposed)
        return ConvG{g->cout, g->oh, g->ow, g->cin, g->h, g->w, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw};
    return ConvG{g->cin, g->h, g->w, g->cout, g->oh, g->ow, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw};
}
}  // namespace

// one thread per col element: col[(c kh + i) kw + j][oy OW + ox] = x[c][oy sh - ph + i][ox sw - pw + j]
__global__ void k_im2col(ConvG g, const float *__restrict__ x, float *__restrict__ col)
{
    int64_t P = (int64_t)g.OH * g.OW, n = (int64_t)g.C * g.kh * g.kw * P;
    int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= n) return;
    int64_t row = t / P, p = t % P;
    int j = (int)(row % g.kw), i = (int)(row / g.kw % g.kh), c = (int)(row / ((int64_t)g.kw * g.kh));
    int oy = (int)(p / g.OW), ox = (int)(p % g.OW);
    int iy = oy * g.sh - g.ph + i, ix = ox * g.sw - g.pw + j;
    col[t] = iy >= 0 && iy < g.H && ix >= 0 && ix < g.W ? x[((int64_t)c * g.H + iy) * g.W + ix] : 0.0f;
}

// col2im as a gather, one thread per pixel, summing its kernel taps in a fixed order (i, j):
// no atomics, so the result is the same every run
__global__ void k_col2im(ConvG g, const float *__restrict__ col, float *__restrict__ x)
{
    int64_t P = (int64_t)g.OH * g.OW, n = (int64_t)g.C * g.H * g.W;
    int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= n) return;
    int xx = (int)(t % g.W), yy = (int)(t / g.W % g.H), c = (int)(t / ((int64_t)g.W * g.H));
    float acc = 0.0f;
    for (int i = 0; i < g.kh; i++) {
        int oyn = yy + g.ph - i;
        if (oyn < 0 || oyn % g.sh) continue;
        int oy = oyn / g.sh;
        if (oy >= g.OH) continue;
        for (int j = 0; j < g.kw; j++) {
            int oxn = xx + g.pw - j;
            if (oxn < 0 || oxn % g.sw) continue;
            int ox = oxn / g.sw;
            if (ox >= g.OW) continue;
            acc += col[(((int64_t)c * g.kh + i) * g.kw + j) * P + (int64_t)oy * g.OW + ox];
        }
    }
    x[t] = acc;
}

// y[k][p] = b[k] (add = false) or += b[k], over n planes of P pixels
__global__ void k_plane_bias(int n, int64_t P, const float *__restrict__ b, float *__restrict__ y,
                             bool add)
{
    int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= (int64_t)n * P) return;
    float v = b[t / P];
    y[t] = add ? y[t] + v : v;
}

// db[k] = sum over samples and pixels of dy [B x n x P]: one block per plane, 256 strided
// partial sums, then a fixed-order tree
__global__ void k_plane_sums(int B, int n, int64_t P, const float *__restrict__ dy,
                             float *__restrict__ db)
{
    __shared__ float s[256];
    int k = blockIdx.x;
    float acc = 0.0f;
    for (int64_t q = threadIdx.x; q < (int64_t)B * P; q += 256) {
        int64_t b = q / P, p = q % P;
        acc += dy[(b * n + k) * P + p];
    }
    s[threadIdx.x] = acc;
    __syncthreads();
    for (int w = 128; w > 0; w >>= 1) {
        if ((int)threadIdx.x < w) s[threadIdx.x] += s[threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0) db[k] = s[0];
}

static void im2col(GcuCtx *c, const ConvG &g, const float *x, float *col)
{
    int64_t n = (int64_t)g.C * g.kh * g.kw * g.OH * g.OW;
    k_im2col<<<gcu_blocks(n, 256), 256, 0, c->stream>>>(g, x, col);
    CUDA_LAUNCH_CHECK();
}

static void col2im(GcuCtx *c, const ConvG &g, const float *col, float *x)
{
    int64_t n = (int64_t)g.C * g.H * g.W;
    k_col2im<<<gcu_blocks(n, 256), 256, 0, c->stream>>>(g, col, x);
    CUDA_LAUNCH_CHECK();
}

static void plane_bias(GcuCtx *c, int n, int64_t P, const float *b, float *y, bool add)
{
    k_plane_bias<<<gcu_blocks((int64_t)n * P, 256), 256, 0, c->stream>>>(n, P, b, y, add);
    CUDA_LAUNCH_CHECK();
}

static void plane_sums(GcuCtx *c, int B, int n, int64_t P, const float *dy, float *db)
{
    k_plane_sums<<<n, 256, 0, c->stream>>>(B, n, P, dy, db);
    CUDA_LAUNCH_CHECK();
}

extern "C" void gcu_conv2d_fwd(GcuCtx *c, const NnConv *g, int B, const float *x, const float *W,
                               const float *b, float *y, float *work)
{
    const ConvG cg = conv_g(g, false);
    const int P = cg.OH * cg.OW, CKK = cg.C * cg.kh * cg.kw;
    const size_t nx = (size_t)cg.C * cg.H * cg.W, ny = (size_t)cg.K * P;
    for (int s = 0; s < B; s++) {
        im2col(c, cg, x + s * nx, work);
        if (b) plane_bias(c, cg.K, P, b, y + s * ny, false);
        sgemm_rm(c, false, false, cg.K, P, CKK, 1.0f, W, CKK, work, P, b ? 1.0f : 0.0f, y + s * ny, P);
    }
}

extern "C" void gcu_conv2d_bwd(GcuCtx *c, const NnConv *g, int B, const float *x, const float *W,
                               const float *dy, float *dx, float *dW, float *db, float *work)
{
    const ConvG cg = conv_g(g, false);
    const int P = cg.OH * cg.OW, CKK = cg.C * cg.kh * cg.kw;
    const size_t nx = (size_t)cg.C * cg.H * cg.W, ny = (size_t)cg.K * P;
    if (db) plane_sums(c, B, cg.K, P, dy, db);
    for (int s = 0; s < B; s++) {
        const float *dys = dy + s * ny;
        if (dW) {
            im2col(c, cg, x + s * nx, work);
            sgemm_rm(c, false, true, cg.K, CKK, P, 1.0f, dys, P, work, P, s ? 1.0f : 0.0f, dW, CKK);
        }
        if (dx) {
            sgemm_rm(c, true, false, CKK, P, cg.K, 1.0f, W, CKK, dys, P, 0.0f, work, P);
            col2im(c, cg, work, dx + s * nx);
        }
    }
}

extern "C" void gcu_convt2d_fwd(GcuCtx *c, const NnConv *g, int B, const float *x, const float *W,
                                const float *b, float *y, float *work)
{
    const ConvG cg = conv_g(g, true);
    const int P = cg.OH * cg.OW, CKK = cg.C * cg.kh * cg.kw;
    const size_t nx = (size_t)cg.K * P, ny = (size_t)cg.C * cg.H * cg.W;
    for (int s = 0; s < B; s++) {
        sgemm_rm(c, true, false, CKK, P, cg.K, 1.0f, W, CKK, x + s * nx, P, 0.0f, work, P);
        col2im(c, cg, work, y + s * ny);
        if (b) plane_bias(c, cg.C, (int64_t)cg.H * cg.W, b, y + s * ny, true);
    }
}

extern "C" void gcu_convt2d_bwd(GcuCtx *c, const NnConv *g, int B, const float *x, const float *W,
                                const float *dy, float *dx, float *dW, float *db, float *work)
{
    const ConvG cg = conv_g(g, true);
    const int P = cg.OH * cg.OW, CKK = cg.C * cg.kh * cg.kw;
    const size_t nx = (size_t)cg.K * P, ny = (size_t)cg.C * cg.H * cg.W;
    if (db) plane_sums(c, B, cg.C, (int64_t)cg.H * cg.W, dy, db);
    if (!dx && !dW) return;
    for (int s = 0; s < B; s++) {
        im2col(c, cg, dy + s * ny, work);
        if (dx) sgemm_rm(c, false, false, cg.K, P, CKK, 1.0f, W, CKK, work, P, 0.0f, dx + s * nx, P);
        if (dW)
            sgemm_rm(c, false, true, cg.K, CKK, P, 1.0f, x + s * nx, P, work, P, s ? 1.0f : 0.0f, dW, CKK);
    }
}
