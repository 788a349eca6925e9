/* bf16_gemm.c — which bfloat16 GEMM to build gan-train's --precision bf16 on: float32
 * cblas_sgemm (today's path) against oneDNN's bf16 matmul (bf16 operands, f32 accumulation and
 * output), at the dense-layer shapes gan-train runs (forward x W, input gradient dy W^T,
 * weight gradient x^T dy), one thread, side by side in one run. The oneDNN primitives are
 * created once per shape and its scratchpad is the caller's (as a training step would use
 * them); each oneDNN line also gives the implementation oneDNN chose, which names the ISA
 * (e.g. brg:avx512_core_bf16). OpenBLAS's cblas_sbgemm is not here: Debian's OpenBLAS 0.3.21
 * is built without BUILD_BFLOAT16 (cblas.h declares it, libopenblas does not export it).
 * Best of 7 repeats of N calls; GFLOP/s = 2 M N K / time.
 *   build/bf16_gemm        (make bench-bf16; ONEDNN_VERBOSE=1 shows each primitive's ISA) */
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define OK(call)                                                                               \
    do {                                                                                       \
        dnnl_status_t s_ = (call);                                                             \
        if (s_ != dnnl_success) die(EXIT_RUNTIME, "%s: oneDNN status %d", #call, (int)s_);     \
    } while (0)

typedef struct {
    dnnl_primitive_t prim;
    dnnl_memory_t a, b, c, pad;
    const char *impl;
} Mm;

static dnnl_engine_t eng;
static dnnl_stream_t strm;

/* C[M x N] = op(A) op(B), A and B bf16, C f32; ta/tb: the operand is stored transposed */
static void mm_create(Mm *m, int M, int N, int K, int ta, int tb, void *scratch_out[1])
{
    dnnl_memory_desc_t ad, bd, cd;
    dnnl_dims_t adim = {M, K}, bdim = {K, N}, cdim = {M, N};
    dnnl_dims_t as = {ta ? 1 : K, ta ? M : 1}, bs = {tb ? 1 : N, tb ? K : 1}, cs = {N, 1};
    OK(dnnl_memory_desc_init_by_strides(&ad, 2, adim, dnnl_bf16, as));
    OK(dnnl_memory_desc_init_by_strides(&bd, 2, bdim, dnnl_bf16, bs));
    OK(dnnl_memory_desc_init_by_strides(&cd, 2, cdim, dnnl_f32, cs));
    dnnl_matmul_desc_t md;
    OK(dnnl_matmul_desc_init(&md, &ad, &bd, NULL, &cd));
    dnnl_primitive_attr_t attr;
    OK(dnnl_primitive_attr_create(&attr));
    OK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
    dnnl_primitive_desc_t pd;
    OK(dnnl_primitive_desc_create(&pd, &md, attr, eng, NULL));
    OK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &m->impl));
    const dnnl_memory_desc_t *sd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t sz = dnnl_memory_desc_get_size(sd);
    *scratch_out = xmalloc(sz + 64);
    OK(dnnl_memory_create(&m->pad, sd, eng, *scratch_out));
    OK(dnnl_primitive_create(&m->prim, pd));
    OK(dnnl_memory_create(&m->a, &ad, eng, DNNL_MEMORY_NONE));
    OK(dnnl_memory_create(&m->b, &bd, eng, DNNL_MEMORY_NONE));
    OK(dnnl_memory_create(&m->c, &cd, eng, DNNL_MEMORY_NONE));
    /* impl string belongs to pd: kept alive with it */
    dnnl_primitive_attr_destroy(attr);
}

static void mm_run(Mm *m, const uint16_t *a, const uint16_t *b, float *c)
{
    OK(dnnl_memory_set_data_handle(m->a, (void *)a));
    OK(dnnl_memory_set_data_handle(m->b, (void *)b));
    OK(dnnl_memory_set_data_handle(m->c, c));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, m->a}, {DNNL_ARG_WEIGHTS, m->b},
                              {DNNL_ARG_DST, m->c}, {DNNL_ARG_SCRATCHPAD, m->pad}};
    OK(dnnl_primitive_execute(m->prim, strm, 4, args));
    OK(dnnl_stream_wait(strm));
}

static uint16_t bf(float f)   /* round to nearest even */
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

static float *filled(size_t n, unsigned *st, uint16_t **h)
{
    float *p = xmalloc(n * sizeof *p);
    *h = xmalloc(n * sizeof **h);
    for (size_t i = 0; i < n; i++) {
        *st = *st * 1664525u + 1013904223u;
        p[i] = (float)(*st >> 8) * 0x1p-24f - 0.5f;
        (*h)[i] = bf(p[i]);
    }
    return p;
}

/* best seconds per call of `expr` over 7 repeats of `calls` */
#define BEST(calls, expr)                                                                      \
    ({                                                                                         \
        double best_ = 1e30;                                                                   \
        for (int rep_ = 0; rep_ < 7; rep_++) {                                                 \
            double t0_ = now_seconds();                                                        \
            for (int it_ = 0; it_ < (calls); it_++) { expr; }                                  \
            double t_ = (now_seconds() - t0_) / (calls);                                       \
            if (t_ < best_) best_ = t_;                                                        \
        }                                                                                      \
        best_;                                                                                 \
    })

int main(void)
{
    omp_set_num_threads(1);
    openblas_set_num_threads(1);
    OK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    OK(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));
    printf("oneDNN effective ISA: 0x%x (avx512_core_bf16 = 0x%x, avx512_core_amx = 0x%x)\n",
           (unsigned)dnnl_get_effective_cpu_isa(), (unsigned)dnnl_cpu_isa_avx512_core_bf16,
           (unsigned)dnnl_cpu_isa_avx512_core_amx);
    /* what: rows, in, out of a dense layer (gan-train's shapes; the last one a large GEMM for
     * the peak). kind 0 forward y = x W [rows x out, K = in]; 1 input gradient dx = dy W^T
     * [rows x in, K = out]; 2 weight gradient dW = x^T dy [in x out, K = rows] */
    static const struct { const char *what; int rows, nin, nout; } L[] = {
        {"256/256 G hidden", 512, 256, 256},     {"256/256 D hidden", 1024, 256, 256},
        {"best D hidden", 1284, 243, 243},       {"best G hidden", 642, 65, 65},
        {"144/704/880/784 G first", 704, 148, 880}, {"144/704/880/784 G hidden", 704, 880, 880},
        {"144/704/880/784 D hidden", 1408, 784, 784}, {"144/704/880/784 D hidden (G step)", 704, 784, 784},
        {"large", 2048, 2048, 2048},
    };
    static const char *kn[] = {"fwd", "dx", "dW"};
    unsigned st = 1;
    printf("layer,rows,in,out,pass,M,N,K,sgemm_us,sgemm_gflops,bf16_us,bf16_gflops,ratio,impl\n");
    for (size_t s = 0; s < sizeof L / sizeof L[0]; s++) {
        const int B = L[s].rows, nin = L[s].nin, nout = L[s].nout;
        uint16_t *hx, *hW, *hdy;
        float *x = filled((size_t)B * nin, &st, &hx), *W = filled((size_t)nin * nout, &st, &hW);
        float *dy = filled((size_t)B * nout, &st, &hdy);
        float *out = xmalloc((size_t)B * (nin > nout ? nin : nout) * sizeof *out);
        float *dW = xmalloc((size_t)nin * nout * sizeof *dW);
        const double work = 2.0 * B * nin * nout;
        const int calls = work > 1e9 ? 5 : work > 1e8 ? 20 : 100;
        for (int k = 0; k < 3; k++) {
            if (k == 1 && s == 4) continue;   /* the generator's first layer needs no dx */
            Mm m;
            void *pad;
            double ts, tb;
            int M, N, K;
            if (k == 0) {
                M = B, N = nout, K = nin;
                mm_create(&m, M, N, K, 0, 0, &pad);
                ts = BEST(calls, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, nout,
                                             nin, 1.0f, x, nin, W, nout, 0.0f, out, nout));
                tb = BEST(calls, mm_run(&m, hx, hW, out));
            } else if (k == 1) {
                M = B, N = nin, K = nout;
                mm_create(&m, M, N, K, 0, 1, &pad);
                ts = BEST(calls, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, nin,
                                             nout, 1.0f, dy, nout, W, nout, 0.0f, out, nin));
                tb = BEST(calls, mm_run(&m, hdy, hW, out));
            } else {
                M = nin, N = nout, K = B;
                mm_create(&m, M, N, K, 1, 0, &pad);
                ts = BEST(calls, cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nin, nout,
                                             B, 1.0f, x, nin, dy, nout, 0.0f, dW, nout));
                tb = BEST(calls, mm_run(&m, hx, hdy, dW));
            }
            printf("%s,%d,%d,%d,%s,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.2f,%s\n", L[s].what, B, nin,
                   nout, kn[k], M, N, K, ts * 1e6, work / ts * 1e-9, tb * 1e6,
                   work / tb * 1e-9, ts / tb, m.impl);
            dnnl_primitive_destroy(m.prim);
            dnnl_memory_destroy(m.a), dnnl_memory_destroy(m.b), dnnl_memory_destroy(m.c);
            dnnl_memory_destroy(m.pad), free(pad);
        }
        free(x), free(W), free(dy), free(hx), free(hW), free(hdy), free(out), free(dW);
    }
    dnnl_stream_destroy(strm);
    dnnl_engine_destroy(eng);
    return 0;
}
