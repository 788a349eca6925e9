/* gan_infer.c — generator-only throughput of a saved model (no CSV in or out), to set beside
 * bench/torch_sample.py, which also times the network alone. Built by bench/gan.mk.
 *   build/gan_infer MODEL N */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/gtm.h"
#include "model/net.h"
#include "base/rng.h"
#include "base/util.h"

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc != 3) die(EXIT_USAGE, "usage: gan_infer MODEL N");
    openblas_set_num_threads(1);
    GtmModel m;
    gtm_load(argv[1], &m);
    long n = parse_long("N", argv[2], 1, 1L << 34);
    enum { CH = 4096 };
    int ni = m.ncond + m.nnoise;
    float *x = xmalloc((size_t)CH * ni * sizeof *x);
    float *work = xmalloc((size_t)net_infer_floats(&m.G.lay, CH) * 4);
    float *y = xmalloc((size_t)CH * m.nout * 4);
    Rng r;
    rng_seed(&r, 1);
    rng_normal_fill(&r, x, (size_t)CH * ni);
    double t = now_seconds(), sink = 0;
    for (long s = 0; s < n; s += CH) {
        int b = n - s < CH ? (int)(n - s) : CH;
        net_fwd_infer(&m.G, b, x, work, y);   /* tanh included */
        sink += y[0];
    }
    t = now_seconds() - t;
    printf("gan-train generator (inference, no output): %.0f events/s%s\n", n / t, sink > 1e30 ? "!" : "");
    return 0;
}
