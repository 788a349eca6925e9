/* device.h — the --device option of gan-train and gan-sample: parse it, and make sure the chosen
 * device can run before any work starts. A CPU-only build (plain `make`) refuses "cuda" saying it
 * was built without CUDA; a CUDA build (`make cuda`, which defines GANTUNE_CUDA and links cuda/)
 * refuses it when no usable GPU is present. Both exit 1 at once, before data is read. */
#ifndef GANTUNE_DEVICE_H
#define GANTUNE_DEVICE_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { DEVICE_CPU = 0, DEVICE_CUDA = 1 } Device;

/* "cpu" or "cuda"; anything else: "prog: OPT: unknown device 'S' (cpu or cuda)", exit 2. */
Device device_parse(const char *opt, const char *s);
const char *device_name(Device d);
/* 1 if this binary was built with CUDA support. */
int device_cuda_built(void);
/* Dies with exit 1 and one clear line when d cannot be used; prints nothing when it can. */
void device_require(Device d);

/* The CPU threads of the BLAS: min(n, online CPUs). OpenBLAS given more threads than cores
 * gains nothing, and with 1000 of them under a small `ulimit -v` its pool cannot start them all
 * and its exit handler then waits forever for threads that never ran. Returns the count set. */
int device_blas_threads(int n);

#ifdef GANTUNE_CUDA
/* Implemented by the CUDA backend (src/cuda/nn.cu), which the CUDA build links: 0 when a usable
 * CUDA device is present (and selects device 0); otherwise -1 with the reason (no driver, no
 * device, ...) in why. Never exits. Declared here so that this module, which chooses the
 * device, does not reach into src/cuda/; the backend implements what the model asks for. */
int device_cuda_probe(char *why, size_t n);
#endif

#ifdef __cplusplus
}
#endif
#endif
