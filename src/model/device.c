/* device.c — see device.h. The CUDA probe (device_cuda_probe) is implemented in src/cuda/ and
 * linked only into the CUDA build, so this module compiles alone in the CPU-only build. */
#include "model/device.h"

#include <cblas.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

Device device_parse(const char *opt, const char *s)
{
    if (strcmp(s, "cpu") == 0) return DEVICE_CPU;
    if (strcmp(s, "cuda") == 0) return DEVICE_CUDA;
    die(EXIT_USAGE, "%s: unknown device '%s' (cpu or cuda)", opt, s);
}

const char *device_name(Device d) { return d == DEVICE_CUDA ? "cuda" : "cpu"; }

int device_cuda_built(void)
{
#ifdef GANTUNE_CUDA
    return 1;
#else
    return 0;
#endif
}

void device_require(Device d)
{
    if (d == DEVICE_CPU) return;
#ifdef GANTUNE_CUDA
    char why[256];
    if (device_cuda_probe(why, sizeof why) != 0)
        die(EXIT_RUNTIME, "--device cuda: no usable CUDA GPU: %s (nvidia-smi -L lists what the "
            "driver sees)", why);
#else
    die(EXIT_RUNTIME, "--device cuda: this %s was built without CUDA support "
        "(build the CUDA programs with 'make cuda' where nvcc exists; they go to bin/cuda/)",
        progname());
#endif
}

int device_blas_threads(int n)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus >= 1 && n > cpus) n = (int)cpus;
    if (n < 1) n = 1;
    openblas_set_num_threads(n);
    return n;
}
