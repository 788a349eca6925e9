/* bf16.c — the --precision option and the bfloat16 GEMM through oneDNN (see bf16.h). */
#include "model/bf16.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#ifdef GANTUNE_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#endif

Precision precision_parse(const char *opt, const char *s)
{
    if (strcmp(s, "fp32") == 0) return PREC_FP32;
    if (strcmp(s, "bf16") == 0) return PREC_BF16;
    if (strcmp(s, "auto") == 0) return PREC_AUTO;
    die(EXIT_USAGE, "%s: unknown precision '%s' (fp32, bf16 or auto)", opt, s);
}

const char *precision_name(Precision p)
{
    return p == PREC_BF16 ? "bf16" : p == PREC_AUTO ? "auto" : "fp32";
}

Precision precision_resolve(const char *opt, Precision p)
{
    const char *why = p == PREC_FP32 ? NULL : bf16_unavailable();
    if (p == PREC_AUTO) return why ? PREC_FP32 : PREC_BF16;
    if (why) die(EXIT_USAGE, "%s bf16: %s (--precision fp32 or auto runs here)", opt, why);
    return p;
}

/* the cast keeps the loop free of the NaN branch where the compiler can prove nothing: it
 * vectorises in the AVX-512 clone */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "default")))
#endif
void bf16_from_f32(int64_t n, const float *restrict x, uint16_t *restrict y)
{
    for (int64_t i = 0; i < n; i++) y[i] = bf16_round(x[i]);
}

#ifndef GANTUNE_DNNL
const char *bf16_unavailable(void)
{
    return "this build has no oneDNN (make deps installs libdnnl-dev; then rebuild)";
}
const char *bf16_isa(void) { return "none"; }
Bf16Ctx *bf16_ctx_create(int threads)
{
    (void)threads;
    die(EXIT_RUNTIME, "bf16: %s", bf16_unavailable());
}
void bf16_ctx_free(Bf16Ctx *c) { (void)c; }
void bf16_gemm(Bf16Ctx *c, int M, int N, int K, int ta, int tb, const uint16_t *A,
               const uint16_t *B, const float *bias, float *C)
{
    (void)c, (void)M, (void)N, (void)K, (void)ta, (void)tb, (void)A, (void)B, (void)bias, (void)C;
    die(EXIT_RUNTIME, "bf16: %s", bf16_unavailable());
}
void bf16_gemm_prepare(Bf16Ctx *c, int M, int N, int K, int ta, int tb, int bias)
{
    (void)c, (void)M, (void)N, (void)K, (void)ta, (void)tb, (void)bias;
    die(EXIT_RUNTIME, "bf16: %s", bf16_unavailable());
}
int bf16_gemm_unprepared(const Bf16Ctx *c)
{
    (void)c;
    return 0;
}
#else

#define DNNL_OK(call)                                                                          \
    do {                                                                                       \
        dnnl_status_t s_ = (call);                                                             \
        if (s_ != dnnl_success)                                                                \
            die(EXIT_RUNTIME, "oneDNN: %s failed (status %d)", #call, (int)s_);                \
    } while (0)

/* Where ONEDNN_MAX_CPU_ISA (or its old name) does not say otherwise, allow up to AMX: oneDNN
 * 2.6 may treat AMX as opt-in. Only the first call in a process can set it; later ones fail
 * harmlessly, so no state is kept here. */
static void isa_cap(void)
{
    if (!getenv("ONEDNN_MAX_CPU_ISA") && !getenv("DNNL_MAX_CPU_ISA"))
        (void)dnnl_set_max_cpu_isa(dnnl_cpu_isa_avx512_core_amx);
}

static int isa_has(dnnl_cpu_isa_t isa, dnnl_cpu_isa_t want)
{
    return ((unsigned)isa & (unsigned)want) == (unsigned)want;
}

const char *bf16_unavailable(void)
{
    isa_cap();
    if (!isa_has(dnnl_get_effective_cpu_isa(), dnnl_cpu_isa_avx512_core_bf16))
        return "this CPU has neither AVX512-BF16 nor AMX-BF16 (or ONEDNN_MAX_CPU_ISA caps "
               "oneDNN below avx512_core_bf16)";
    return NULL;
}

const char *bf16_isa(void)
{
    isa_cap();
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    return isa_has(isa, dnnl_cpu_isa_avx512_core_amx)    ? "avx512_core_amx"
           : isa_has(isa, dnnl_cpu_isa_avx512_core_bf16) ? "avx512_core_bf16"
           : isa_has(isa, dnnl_cpu_isa_avx512_core)      ? "avx512_core"
           : isa_has(isa, dnnl_cpu_isa_avx2)             ? "avx2"
                                                         : "older";
}

enum { MAX_PRIMS = 96 };

typedef struct {
    int M, N, K, ta, tb, bias;
    dnnl_primitive_t prim;
    dnnl_memory_t a, b, bi, c, pad;
} Prim;

struct Bf16Ctx {
    dnnl_engine_t eng;
    dnnl_stream_t strm;
    Prim p[MAX_PRIMS];
    int n, unprepared;
    void *pad;            /* the scratchpad every primitive shares (they run one at a time) */
    size_t padsize;
};

Bf16Ctx *bf16_ctx_create(int threads)
{
    const char *why = bf16_unavailable();
    if (why) die(EXIT_RUNTIME, "bf16: %s", why);
    omp_set_num_threads(threads);
    Bf16Ctx *c = xcalloc(1, sizeof *c);
    DNNL_OK(dnnl_engine_create(&c->eng, dnnl_cpu, 0));
    DNNL_OK(dnnl_stream_create(&c->strm, c->eng, dnnl_stream_default_flags));
    return c;
}

void bf16_ctx_free(Bf16Ctx *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) {
        Prim *q = &c->p[i];
        dnnl_primitive_destroy(q->prim);
        dnnl_memory_destroy(q->a), dnnl_memory_destroy(q->b), dnnl_memory_destroy(q->c);
        dnnl_memory_destroy(q->bi), dnnl_memory_destroy(q->pad);
    }
    dnnl_stream_destroy(c->strm);
    dnnl_engine_destroy(c->eng);
    free(c->pad);
    free(c);
}

static Prim *make(Bf16Ctx *c, int M, int N, int K, int ta, int tb, int bias)
{
    if (c->n >= MAX_PRIMS) die(EXIT_RUNTIME, "bf16: more than %d GEMM shapes", MAX_PRIMS);
    Prim *q = &c->p[c->n];
    *q = (Prim){.M = M, .N = N, .K = K, .ta = ta, .tb = tb, .bias = bias};
    /* transposed operands are the same memory read through swapped strides */
    dnnl_memory_desc_t ad, bd, cd, bid;
    dnnl_dims_t adim = {M, K}, bdim = {K, N}, cdim = {M, N}, bidim = {1, N};
    dnnl_dims_t as = {ta ? 1 : K, ta ? M : 1}, bs = {tb ? 1 : N, tb ? K : 1}, cs = {N, 1};
    dnnl_dims_t bis = {N, 1};
    DNNL_OK(dnnl_memory_desc_init_by_strides(&ad, 2, adim, dnnl_bf16, as));
    DNNL_OK(dnnl_memory_desc_init_by_strides(&bd, 2, bdim, dnnl_bf16, bs));
    DNNL_OK(dnnl_memory_desc_init_by_strides(&cd, 2, cdim, dnnl_f32, cs));
    DNNL_OK(dnnl_memory_desc_init_by_strides(&bid, 2, bidim, dnnl_f32, bis));
    dnnl_matmul_desc_t md;
    DNNL_OK(dnnl_matmul_desc_init(&md, &ad, &bd, bias ? &bid : NULL, &cd));
    dnnl_primitive_attr_t attr;
    DNNL_OK(dnnl_primitive_attr_create(&attr));
    /* the scratchpad is ours (allocated here, outside the step), not oneDNN's per call */
    DNNL_OK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
    dnnl_primitive_desc_t pd;
    DNNL_OK(dnnl_primitive_desc_create(&pd, &md, attr, c->eng, NULL));
    dnnl_primitive_attr_destroy(attr);
    const dnnl_memory_desc_t *sd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t need = dnnl_memory_desc_get_size(sd);
    if (need > c->padsize) {
        free(c->pad);
        c->pad = xmalloc(need);
        c->padsize = need;
    }
    DNNL_OK(dnnl_memory_create(&q->pad, sd, c->eng, DNNL_MEMORY_NONE));
    DNNL_OK(dnnl_primitive_create(&q->prim, pd));
    dnnl_primitive_desc_destroy(pd);
    DNNL_OK(dnnl_memory_create(&q->a, &ad, c->eng, DNNL_MEMORY_NONE));
    DNNL_OK(dnnl_memory_create(&q->b, &bd, c->eng, DNNL_MEMORY_NONE));
    DNNL_OK(dnnl_memory_create(&q->c, &cd, c->eng, DNNL_MEMORY_NONE));
    DNNL_OK(dnnl_memory_create(&q->bi, &bid, c->eng, DNNL_MEMORY_NONE));
    c->n++;
    return q;
}

static Prim *find(Bf16Ctx *c, int M, int N, int K, int ta, int tb, int bias)
{
    for (int i = 0; i < c->n; i++) {
        Prim *q = &c->p[i];
        if (q->M == M && q->N == N && q->K == K && q->ta == ta && q->tb == tb && q->bias == bias)
            return q;
    }
    return NULL;
}

void bf16_gemm_prepare(Bf16Ctx *c, int M, int N, int K, int ta, int tb, int bias)
{
    bias = !!bias, ta = !!ta, tb = !!tb;
    if (!find(c, M, N, K, ta, tb, bias)) make(c, M, N, K, ta, tb, bias);
}

int bf16_gemm_unprepared(const Bf16Ctx *c) { return c->unprepared; }

void bf16_gemm(Bf16Ctx *c, int M, int N, int K, int ta, int tb, const uint16_t *A,
               const uint16_t *B, const float *bias, float *C)
{
    ta = !!ta, tb = !!tb;
    Prim *q = find(c, M, N, K, ta, tb, bias != NULL);
    if (!q) {
        q = make(c, M, N, K, ta, tb, bias != NULL);
        c->unprepared++;
    }
    DNNL_OK(dnnl_memory_set_data_handle(q->a, (void *)A));
    DNNL_OK(dnnl_memory_set_data_handle(q->b, (void *)B));
    DNNL_OK(dnnl_memory_set_data_handle(q->c, C));
    DNNL_OK(dnnl_memory_set_data_handle(q->pad, c->pad));
    dnnl_exec_arg_t args[5] = {{DNNL_ARG_SRC, q->a}, {DNNL_ARG_WEIGHTS, q->b},
                               {DNNL_ARG_DST, q->c}, {DNNL_ARG_SCRATCHPAD, q->pad}};
    int nargs = 4;
    if (bias) {
        DNNL_OK(dnnl_memory_set_data_handle(q->bi, (void *)bias));
        args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, q->bi};
    }
    DNNL_OK(dnnl_primitive_execute(q->prim, c->strm, nargs, args));
    DNNL_OK(dnnl_stream_wait(c->strm));
}
#endif
