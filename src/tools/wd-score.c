/* wd-score — exact 1-D Wasserstein-1 distance per column between two CSV samples, and the mean,
 * as one CSV record. Same definition as scipy.stats.wasserstein_distance; see wd-score(1). */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/util.h"
#include "data/wasserstein.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: wd-score [--cols C1,C2,...] [--scale-from TRAIN] [-o OUT] A B\n"
        "Exact 1-D Wasserstein-1 distance between samples A and B for each column, and their mean,\n"
        "printed as one CSV record with header wd_C1,...,wd_mean. A and B may be .gz;\n"
        "one of A, B and TRAIN may be - for standard input.\n"
        "  -c, --cols LIST         columns to compare (default: every column of A)\n"
        "  -s, --scale-from TRAIN  min-max scale both samples to [-1,1] with each column's range in\n"
        "                          TRAIN first (a constant column is shifted, not scaled)\n"
        "  -o, --output OUT        write the record to OUT (default: standard output)\n"
        "  -h, --help              this help\n");
}

/* Column ranges of TRAIN, streamed (only min and max are kept). */
static void fit_ranges(const char *path, int nc, char **names, double *lo, double *hi)
{
    CsvReader *r = csv_open(path);
    int *idx = xmalloc((size_t)nc * sizeof *idx);
    for (int j = 0; j < nc; j++) { idx[j] = csv_require(r, names[j]); lo[j] = INFINITY; hi[j] = -INFINITY; }
    long rows = 0;
    while (csv_next(r)) {
        for (int j = 0; j < nc; j++) {
            double v = csv_num(r, idx[j]);
            if (v < lo[j]) lo[j] = v;
            if (v > hi[j]) hi[j] = v;
        }
        rows++;
    }
    if (rows == 0) die(EXIT_RUNTIME, "%s:%ld: no data rows", csv_path(r), csv_lineno(r));
    free(idx);
    csv_close(r);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option opts[] = {
        {"cols", required_argument, NULL, 'c'},
        {"scale-from", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cols_arg = NULL, *train = NULL, *out = "-";
    int c;
    while ((c = getopt_long(argc, argv, "c:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': cols_arg = optarg; break;
        case 's': train = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'wd-score --help'");
        }
    }
    if (argc - optind != 2) die(EXIT_USAGE, "need two sample files A and B (try --help)");
    const char *pa = argv[optind], *pb = argv[optind + 1];
    /* standard input can be read once */
    if ((!strcmp(pa, "-")) + (!strcmp(pb, "-")) + (train && !strcmp(train, "-")) > 1)
        die(EXIT_USAGE, "only one of A, B and TRAIN can be standard input (-)");

    char **names;
    int nc;
    if (cols_arg) {
        nc = split_list("--cols", cols_arg, &names);
    } else {
        CsvReader *r = csv_open(strcmp(pa, "-") ? pa : pb);   /* A's header, B's if A is stdin */
        nc = csv_ncols(r);
        size_t len = 0;
        for (int j = 0; j < nc; j++) len += strlen(csv_name(r, j)) + 1;
        names = xmalloc((size_t)nc * sizeof *names);
        char *buf = xmalloc(len), *p = buf;
        for (int j = 0; j < nc; j++) {
            names[j] = strcpy(p, csv_name(r, j));
            p += strlen(p) + 1;
        }
        csv_close(r);
    }
    for (int i = 0; i < nc; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0) die(EXIT_USAGE, "--cols: '%s' named twice", names[i]);

    double *lo = xmalloc((size_t)nc * sizeof *lo), *hi = xmalloc((size_t)nc * sizeof *hi);
    if (train) fit_ranges(train, nc, names, lo, hi);

    size_t na, nb;
    double **a = csv_load_columns(pa, nc, names, 0, &na);
    double **b = csv_load_columns(pb, nc, names, 0, &nb);
    size_t nmax = na > nb ? na : nb;
    double *tmp = xmalloc(nmax * sizeof *tmp);
    double *wd = xmalloc((size_t)nc * sizeof *wd), mean = 0;
    for (int j = 0; j < nc; j++) {
        w1_sort(a[j], na, tmp);
        w1_sort(b[j], nb, tmp);
        wd[j] = w1_sorted(a[j], na, b[j], nb);
        /* x -> 2(x-lo)/(hi-lo) - 1 is affine, and W1 scales with |slope| and ignores shifts,
         * so scaling the distance equals scaling the samples (torch_gan.py divides by 1 when
         * hi == lo). */
        if (train) wd[j] *= 2.0 / (hi[j] > lo[j] ? hi[j] - lo[j] : 1.0);
        mean += wd[j];
    }
    mean /= nc;

    AtomicOut *o = aout_open(out);
    for (int j = 0; j < nc; j++) aout_printf(o, "wd_%s,", names[j]);
    aout_printf(o, "wd_mean\n");
    for (int j = 0; j < nc; j++) aout_printf(o, "%.15g,", wd[j]);
    aout_printf(o, "%.15g\n", mean);
    aout_commit(o);

    for (int j = 0; j < nc; j++) { free(a[j]); free(b[j]); }
    free(a); free(b); free(tmp); free(wd); free(lo); free(hi); free(names[0]); free(names);
    return EXIT_OK;
}
