/* bf16.h — gan-train's mixed precision: the --precision option (fp32, bf16, auto), whether this
 * build and CPU can run bfloat16, rounding float32 to bfloat16, and the bfloat16 GEMM the dense
 * layers use in bf16 (bfloat16 operands, float32 accumulation and output).
 *
 * The GEMM is oneDNN's matmul primitive (Debian's libdnnl-dev), one primitive per shape,
 * created outside the step (bf16_gemm_prepare) with the caller's scratchpad, so a step
 * allocates nothing. bench/bf16_gemm.c measured it against float32 sgemm at gan-train's shapes
 * (BENCHMARKS.md); OpenBLAS's cblas_sbgemm is not an option with Debian's OpenBLAS 0.3.21,
 * built without it. The build links oneDNN where its header exists (the Makefile defines
 * GANTUNE_DNNL); without it everything here still compiles, fp32 runs as before and bf16 is
 * refused.
 *
 * bf16 runs where oneDNN dispatches to a bfloat16 ISA: avx512_core_bf16 (AVX512-BF16) or
 * avx512_core_amx (AMX-BF16). oneDNN's own ONEDNN_MAX_CPU_ISA caps that (ONEDNN_MAX_CPU_ISA=AVX2
 * makes this CPU one without bf16, which the tests use); when it is not set, the cap is raised
 * to AMX, since Debian's oneDNN 2.6 may otherwise leave AMX off.
 *
 * Plain C (no _Noreturn) so that the CUDA sources include it in extern "C". */
#ifndef GANTUNE_BF16_H
#define GANTUNE_BF16_H
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { PREC_FP32 = 0, PREC_BF16 = 1, PREC_AUTO = 2 } Precision;

/* "fp32", "bf16" or "auto"; anything else: "prog: OPT: unknown precision 'S' (fp32, bf16 or
 * auto)", exit 2. */
Precision precision_parse(const char *opt, const char *s);
const char *precision_name(Precision p);
/* NULL when bf16 can run here, else why not (built without oneDNN; no bfloat16 ISA). */
const char *bf16_unavailable(void);
/* What runs: fp32 as given; bf16 as given, or exit 2 with bf16_unavailable's reason; auto is
 * bf16 where it can run, else fp32. */
Precision precision_resolve(const char *opt, Precision p);
/* The ISA oneDNN dispatches to ("avx512_core_bf16", "avx512_core_amx", ...; "none" without
 * oneDNN), for benchmarks and messages. */
const char *bf16_isa(void);

/* float32 -> bfloat16, rounding to nearest even (as vcvtneps2bf16; NaN stays a quiet NaN) */
static inline uint16_t bf16_round(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
static inline float bf16_float(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
/* y[i] = bf16_round(x[i]) */
void bf16_from_f32(int64_t n, const float *x, uint16_t *y);

/* The GEMM context: oneDNN's engine and stream, the primitives made so far, one scratchpad. */
typedef struct Bf16Ctx Bf16Ctx;
/* A context for `threads` threads (oneDNN's OpenMP threads are set to that number). Exit 1
 * when bf16 cannot run (bf16_unavailable). */
Bf16Ctx *bf16_ctx_create(int threads);
void bf16_ctx_free(Bf16Ctx *c);   /* NULL is fine */

/* C [M x N] (row-major, row stride N) = op(A) op(B) (+ bias [N] on every row if bias), float32
 * accumulation. op(A) is [M x K]: A is stored row-major [M x K], or [K x M] when ta (A^T);
 * op(B) is [K x N]: B stored [K x N], or [N x K] when tb. */
void bf16_gemm(Bf16Ctx *c, int M, int N, int K, int ta, int tb, const uint16_t *A,
               const uint16_t *B, const float *bias, float *C);
/* Makes the primitive of that shape now (bf16_gemm makes a missing one itself, allocating:
 * prepare every shape a step runs before the first step). */
void bf16_gemm_prepare(Bf16Ctx *c, int M, int N, int K, int ta, int tb, int bias);
/* Primitives bf16_gemm had to make itself (0 when every shape was prepared). */
int bf16_gemm_unprepared(const Bf16Ctx *c);

#ifdef __cplusplus
}
#endif
#endif
