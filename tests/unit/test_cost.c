/* test_cost.c — the cost model's parameter count (hpo/cost.h) counts the trainer's real networks:
 * the trainer arguments' --model calo and sizes under the space's values (filters and kernel
 * included), as gan-train counts them (gan_params_reference), not the MLP; cost.csv keeps the
 * networks it counted, and an older file without them reads as gan-train's MLP. */
#include "check.h"
#include "base/util.h"
#include "hpo/cost.h"
#include "model/gan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test_cost.XXXXXX";

static void put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) die(EXIT_RUNTIME, "%s: cannot write", p);
}

int main(int argc, char **argv)
{
    (void)argc;
    set_progname(argv[0]);
    if (!mkdtemp(dir)) { perror(dir); return 1; }
    put("space.csv", "name,lower,upper,scaling\nnoise_dim,1,16,4\nbatch_size,1,8,32\n"
                     "filters,1,8,2\nkernel,2,5,1\n");
    char p[256];
    snprintf(p, sizeof p, "%s/space.csv", dir);
    Space *sp = space_read(p);
    double v[4] = {12, 64, 6, 3}, b;   /* noise 12, batch 64, filters 6, kernel 3 */

    GanConfig calo;
    cost_base(&calo, "--model calo --gen-layersize 64\t--disc-layersize 32 --precision fp32", 1, 504);
    CHECK(calo.arch == GAN_ARCH_CALO && calo.gen_width == 64 && calo.disc_width == 32,
          "the trainer's --model calo and sizes (arch %d, %d/%d)", calo.arch, calo.gen_width,
          calo.disc_width);
    CHECK(calo.filters == 8 && calo.kernel == 4 && calo.nnoise == 4 && calo.batch == 512,
          "gan-train's defaults for what the words leave out (filters %d kernel %d)",
          calo.filters, calo.kernel);
    CHECK(calo.ncond == 1 && calo.nout == 504 && calo.out_cols == NULL, "ncond, nout given");
    double pc = cost_params(&calo, sp, v, &b);
    GanConfig want = {.arch = GAN_ARCH_CALO, .ncond = 1, .nout = 504, .nnoise = 12,
                      .gen_width = 64, .disc_width = 32, .filters = 6, .kernel = 3, .batch = 64};
    CHECK(pc == (double)gan_params_reference(&want) && b == 64,
          "the calo set's count is gan-train's (%.0f, want %lld)", pc,
          (long long)gan_params_reference(&want));
    want.filters = 8, want.kernel = 4;
    CHECK(pc != (double)gan_params_reference(&want), "filters and kernel from the space count");

    GanConfig mlp;
    cost_base(&mlp, NULL, 1, 504);
    double pm = cost_params(&mlp, sp, v, &b);
    GanConfig wm = {.arch = GAN_ARCH_MLP, .ncond = 1, .nout = 504, .nnoise = 12,
                    .gen_width = 256, .disc_width = 256, .batch = 64};
    CHECK(mlp.arch == GAN_ARCH_MLP && pm == (double)gan_params_reference(&wm),
          "no words: gan-train's MLP (%.0f)", pm);
    CHECK(pm != pc, "the MLP's count is not the calo model's");

    /* cost.csv keeps the networks; hpo-step reads them back */
    CostModel m = {1e-6, 2e-10, 1e-3}, r;
    snprintf(p, sizeof p, "%s/cost.csv", dir);
    cost_write(p, &m, 4800, 123.5, &calo);
    double ev, ss;
    GanConfig back;
    CHECK(cost_read(dir, &r, &ev, &ss, &back) == 1, "cost.csv read");
    CHECK(r.a == m.a && r.b == m.b && r.c == m.c && ev == 4800 && ss == 123.5, "the model back");
    CHECK(back.arch == GAN_ARCH_CALO && back.gen_width == 64 && back.disc_width == 32 &&
          back.filters == 8 && back.kernel == 4 && back.nnoise == 4 && back.batch == 512,
          "the networks back (arch %d, %d/%d, filters %d kernel %d)", back.arch, back.gen_width,
          back.disc_width, back.filters, back.kernel);
    back.ncond = 1, back.nout = 504;
    CHECK(cost_params(&back, sp, v, &b) == pc, "the same count from the file");
    /* a cost.csv from before the networks were written: gan-train's MLP */
    put("cost.csv", "a,b,c,events,set_seconds\n0.001,0,0,1000,20\n");
    CHECK(cost_read(dir, &r, &ev, &ss, &back) == 1 && back.arch == GAN_ARCH_MLP &&
          back.gen_width == 256 && ss == 20, "an older cost.csv: the MLP");

    unlink(p);
    snprintf(p, sizeof p, "%s/space.csv", dir);
    unlink(p);
    rmdir(dir);
    space_free(sp);
    return check_done("test_cost");
}
