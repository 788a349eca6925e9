// common.cuh — error checks for every CUDA runtime and cuBLAS call (the ggml CUDA_CHECK idiom):
// on failure one line naming the statement, the function, file and line, then exit 1. They stay
// on in release builds: a silent GPU error would corrupt a whole trial.
#ifndef GANTUNE_CUDA_COMMON_CUH
#define GANTUNE_CUDA_COMMON_CUH
#include <cublas_v2.h>
#include <cuda_runtime.h>

[[noreturn]] void gcu_fail(const char *stmt, const char *func, const char *file, int line,
                           const char *what);
const char *gcu_cublas_str(cublasStatus_t s);

#define CUDA_CHECK(stmt) do { \
    cudaError_t err_ = (stmt); \
    if (err_ != cudaSuccess) \
        gcu_fail(#stmt, __func__, __FILE__, __LINE__, cudaGetErrorString(err_)); \
    } while (0)

#define CUBLAS_CHECK(stmt) do { \
    cublasStatus_t st_ = (stmt); \
    if (st_ != CUBLAS_STATUS_SUCCESS) \
        gcu_fail(#stmt, __func__, __FILE__, __LINE__, gcu_cublas_str(st_)); \
    } while (0)

// A kernel launch is checked right after it (launch configuration errors surface here; faults
// inside the kernel surface at the next synchronizing call, which is checked too).
#define CUDA_LAUNCH_CHECK() CUDA_CHECK(cudaGetLastError())

static inline unsigned gcu_blocks(size_t n, unsigned threads)
{
    return (unsigned)((n + threads - 1) / threads);
}
#endif
