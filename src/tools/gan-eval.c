/* gan-eval — how far a generated sample is from the validation sample, as one CSV record: W1
 * per column (wd-score's), W1 of the derived observables, binned chi2/ndf per column and per
 * pair of columns, the KS distance, and the AUC of a classifier two-sample test. See
 * gan-eval(1) for the record and data/gof.h, model/c2st.h for the definitions. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/util.h"
#include "data/gof.h"
#include "data/observables.h"
#include "data/wasserstein.h"
#include "model/c2st.h"
#include "model/device.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: gan-eval [options] GENERATED VALIDATION\n"
        "Compare a generated sample with the validation sample; one CSV record (gan-eval(1)).\n"
        "GENERATED and VALIDATION may be .gz; one of them may be - for standard input.\n"
        "  -c, --cols LIST         columns to compare (default: every column of GENERATED)\n"
        "  -s, --scale-from TRAIN  W1 in units of [-1,1] min-max scaling by TRAIN's ranges, as\n"
        "                          wd-score --scale-from (default: VALIDATION's ranges)\n"
        "  -k, --kind KIND         derived observables: %s or none (default: detected\n"
        "                          from GENERATED's header, none if no kind fits)\n"
        "      --bins N            bins per column of the 1-D chi2 (default 20)\n"
        "      --bins-2d N         bins per axis of the 2-D chi2 (default 10)\n"
        "      --c2st-rows N       rows of each sample for the classifier test, 0: no test\n"
        "                          (default 100000)\n"
        "      --c2st-epochs N     its training epochs (default 10)\n"
        "      --seed S            the classifier's seed (default 1)\n"
        "      --threads N         BLAS threads of the classifier (default 1)\n"
        "  -o, --output OUT        write the record to OUT (default: standard output)\n"
        "  -h, --help              this help\n",
        obs_kind_names());
}

/* every column of path's header */
static int header_names(const char *path, char ***names)
{
    CsvReader *r = csv_open(path);
    int nc = csv_ncols(r);
    size_t len = 0;
    for (int j = 0; j < nc; j++) len += strlen(csv_name(r, j)) + 1;
    *names = xmalloc((size_t)nc * sizeof **names);
    char *buf = xmalloc(len), *p = buf;
    for (int j = 0; j < nc; j++) {
        (*names)[j] = strcpy(p, csv_name(r, j));
        p += strlen(p) + 1;
    }
    csv_close(r);
    return nc;
}

/* column j of a row-major [n x nc] array, sorted */
static void sorted_col(const double *x, size_t n, int nc, int j, double *col, double *tmp)
{
    for (size_t i = 0; i < n; i++) col[i] = x[i * nc + j];
    w1_sort(col, n, tmp);
}

static double *observables(const ObsKind *k, const double *in, size_t n)
{
    double *v = xmalloc(n * (size_t)k->nout * sizeof *v);
    for (size_t i = 0; i < n; i++) k->compute(in + i * k->nin, v + i * k->nout);
    return v;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    enum { OPT_BINS = 256, OPT_BINS2, OPT_CROWS, OPT_CEPOCHS, OPT_SEED, OPT_THREADS };
    static const struct option opts[] = {
        {"cols", required_argument, NULL, 'c'},
        {"scale-from", required_argument, NULL, 's'},
        {"kind", required_argument, NULL, 'k'},
        {"bins", required_argument, NULL, OPT_BINS},
        {"bins-2d", required_argument, NULL, OPT_BINS2},
        {"c2st-rows", required_argument, NULL, OPT_CROWS},
        {"c2st-epochs", required_argument, NULL, OPT_CEPOCHS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cols_arg = NULL, *train = NULL, *kind_name = NULL, *out = "-";
    int bins = 20, bins2 = 10, threads = 1;
    C2stConfig cc = c2st_defaults();
    int c;
    while ((c = getopt_long(argc, argv, "c:s:k:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': cols_arg = optarg; break;
        case 's': train = optarg; break;
        case 'k': kind_name = optarg; break;
        case OPT_BINS: bins = (int)parse_long("--bins", optarg, 2, 100000); break;
        case OPT_BINS2: bins2 = (int)parse_long("--bins-2d", optarg, 2, 1000); break;
        case OPT_CROWS: cc.max_rows = (size_t)parse_long("--c2st-rows", optarg, 0, 1L << 32); break;
        case OPT_CEPOCHS: cc.epochs = (int)parse_long("--c2st-epochs", optarg, 1, 100000); break;
        case OPT_SEED: cc.seed = parse_u64("--seed", optarg); break;
        case OPT_THREADS: threads = (int)parse_long("--threads", optarg, 1, 1024); break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'gan-eval --help'");
        }
    }
    if (argc - optind != 2) die(EXIT_USAGE, "need GENERATED and VALIDATION (try --help)");
    const char *pg = argv[optind], *pv = argv[optind + 1];
    if ((!strcmp(pg, "-")) + (!strcmp(pv, "-")) + (train && !strcmp(train, "-")) > 1)
        die(EXIT_USAGE, "only one of GENERATED, VALIDATION and TRAIN can be standard input (-)");
    if (cc.max_rows > 0 && cc.max_rows < 4) die(EXIT_USAGE, "--c2st-rows: 0, or at least 4");
    const ObsKind *kind = NULL;
    int kind_none = kind_name && strcmp(kind_name, "none") == 0;
    if (kind_name && !kind_none && !(kind = obs_kind(kind_name)))
        die(EXIT_USAGE, "--kind: unknown kind '%s' (%s or none)", kind_name, obs_kind_names());

    char **names;
    int nc;
    if (cols_arg) nc = split_list("--cols", cols_arg, &names);
    else nc = header_names(strcmp(pg, "-") ? pg : pv, &names);
    for (int i = 0; i < nc; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0) die(EXIT_USAGE, "--cols: '%s' named twice", names[i]);
    if (!kind && !kind_none) {
        /* observables may need columns outside --cols (the conditions): the whole header */
        char **all;
        int na = header_names(strcmp(pg, "-") ? pg : pv, &all);
        kind = obs_detect(na, all);
        free(all[0]), free(all);
    }
    /* standard input is read once: every column either file needs is loaded in one pass */
    int nload = nc;
    char *load[64 + OBS_MAX_IN];
    int obs_at[OBS_MAX_IN];
    if (nc > 64) die(EXIT_USAGE, "--cols: %d columns, at most 64", nc);
    for (int j = 0; j < nc; j++) load[j] = names[j];
    for (int i = 0; kind && i < kind->nin; i++) {
        int at = -1;
        for (int j = 0; j < nload; j++)
            if (strcmp(load[j], kind->in[i]) == 0) at = j;
        if (at < 0) load[at = nload++] = (char *)kind->in[i];
        obs_at[i] = at;
    }
    size_t ng, nv;
    double *G = csv_load_cols(pg, nload, load, 0, &ng);
    double *V = csv_load_cols(pv, nload, load, 0, &nv);
    double *lo = xmalloc(2 * (size_t)nc * sizeof *lo), *hi = lo + nc;
    {
        /* ranges for the scaled W1: TRAIN's, else VALIDATION's */
        size_t nt;
        double *T = train ? csv_load_cols(train, nc, names, 0, &nt) : NULL;
        const double *R = T ? T : V;
        size_t nr = T ? nt : nv, stride = T ? (size_t)nc : (size_t)nload;
        for (int j = 0; j < nc; j++) lo[j] = INFINITY, hi[j] = -INFINITY;
        for (size_t i = 0; i < nr; i++)
            for (int j = 0; j < nc; j++) {
                double x = R[i * stride + j];
                if (x < lo[j]) lo[j] = x;
                if (x > hi[j]) hi[j] = x;
            }
        free(T);
    }

    /* per column: W1, KS, 1-D chi2; the validation's 2-D bin edges kept */
    size_t nmax = ng > nv ? ng : nv;
    double *cg = xmalloc(ng * sizeof *cg), *cv = xmalloc(nv * sizeof *cv);
    double *tmp = xmalloc(nmax * sizeof *tmp);
    double *wd = xmalloc(4 * (size_t)nc * sizeof *wd), *ks = wd + nc, *chi = ks + nc;
    double *edges = xmalloc((size_t)bins * sizeof *edges);
    double *edges2 = xmalloc((size_t)nc * bins2 * sizeof *edges2);
    long *ca = xmalloc(2 * (size_t)bins * sizeof *ca), *cb = ca + bins;
    double wd_mean = 0, ks_max = 0, chi_mean = 0;
    for (int j = 0; j < nc; j++) {
        sorted_col(G, ng, nload, j, cg, tmp);
        sorted_col(V, nv, nload, j, cv, tmp);
        /* as wd-score computes it, to the last bit */
        wd[j] = w1_sorted(cg, ng, cv, nv) * (2.0 / (hi[j] > lo[j] ? hi[j] - lo[j] : 1.0));
        ks[j] = gof_ks_sorted(cg, ng, cv, nv);
        gof_edges(cv, nv, bins, edges);
        gof_count_sorted(cg, ng, edges, bins, ca);
        gof_count_sorted(cv, nv, edges, bins, cb);
        int ndf;
        double x2 = gof_chi2(ca, cb, bins, &ndf);
        chi[j] = ndf > 0 ? x2 / ndf : 0;
        gof_edges(cv, nv, bins2, edges2 + (size_t)j * bins2);
        wd_mean += wd[j], chi_mean += chi[j];
        if (ks[j] > ks_max) ks_max = ks[j];
    }

    wd_mean /= nc, chi_mean /= nc;

    /* 2-D chi2 of every pair, on the per-axis validation quantile bins */
    int npair = nc * (nc - 1) / 2;
    double *chi2d = xmalloc(((size_t)npair + 1) * sizeof *chi2d), chi2d_mean = 0;
    {
        unsigned short *bg = xmalloc(ng * (size_t)nc * sizeof *bg), *bv = xmalloc(nv * (size_t)nc * sizeof *bv);
        for (size_t i = 0; i < ng; i++)
            for (int j = 0; j < nc; j++)
                bg[i * nc + j] = (unsigned short)gof_bin(edges2 + (size_t)j * bins2, bins2, G[i * nload + j]);
        for (size_t i = 0; i < nv; i++)
            for (int j = 0; j < nc; j++)
                bv[i * nc + j] = (unsigned short)gof_bin(edges2 + (size_t)j * bins2, bins2, V[i * nload + j]);
        int k2 = bins2 * bins2, p = 0;
        long *a2 = xmalloc(2 * (size_t)k2 * sizeof *a2), *b2 = a2 + k2;
        for (int x = 0; x < nc; x++)
            for (int y = x + 1; y < nc; y++, p++) {
                memset(a2, 0, 2 * (size_t)k2 * sizeof *a2);
                for (size_t i = 0; i < ng; i++) a2[bg[i * nc + x] * bins2 + bg[i * nc + y]]++;
                for (size_t i = 0; i < nv; i++) b2[bv[i * nc + x] * bins2 + bv[i * nc + y]]++;
                int ndf;
                double x2 = gof_chi2(a2, b2, k2, &ndf);
                chi2d[p] = ndf > 0 ? x2 / ndf : 0;
                chi2d_mean += chi2d[p] / npair;
            }
        free(a2), free(bg), free(bv);
    }

    /* W1 of the derived observables, in their own units, and scaled by VALIDATION's ranges */
    int no = kind ? kind->nout : 0;
    double *wobs = xmalloc(((size_t)no + 1) * sizeof *wobs), wobs_mean = 0;
    if (kind) {
        double *ig = xmalloc(ng * (size_t)kind->nin * sizeof *ig), *iv = xmalloc(nv * (size_t)kind->nin * sizeof *iv);
        for (size_t i = 0; i < ng; i++)
            for (int k = 0; k < kind->nin; k++) ig[i * kind->nin + k] = G[i * nload + obs_at[k]];
        for (size_t i = 0; i < nv; i++)
            for (int k = 0; k < kind->nin; k++) iv[i * kind->nin + k] = V[i * nload + obs_at[k]];
        double *og = observables(kind, ig, ng), *ov = observables(kind, iv, nv);
        free(ig), free(iv);
        for (int k = 0; k < no; k++) {
            sorted_col(og, ng, no, k, cg, tmp);
            sorted_col(ov, nv, no, k, cv, tmp);
            wobs[k] = w1_sorted(cg, ng, cv, nv);
            double w = cv[nv - 1] - cv[0];
            wobs_mean += wobs[k] * 2.0 / (w > 0 ? w : 1.0) / no;
        }
        free(og), free(ov);
    }

    double auc = NAN;
    size_t used = 0;
    if (cc.max_rows > 0) {
        device_blas_threads(threads);
        /* the compared columns, packed */
        double *a = G, *b = V;
        if (nload != nc) {
            a = xmalloc(ng * (size_t)nc * sizeof *a), b = xmalloc(nv * (size_t)nc * sizeof *b);
            for (size_t i = 0; i < ng; i++) memcpy(a + i * nc, G + i * nload, (size_t)nc * sizeof *a);
            for (size_t i = 0; i < nv; i++) memcpy(b + i * nc, V + i * nload, (size_t)nc * sizeof *b);
        }
        auc = c2st_auc(a, ng, b, nv, nc, &cc, &used);
        if (a != G) free(a), free(b);
    }

    AtomicOut *o = aout_open(out);
    aout_printf(o, "n_gen,n_val");
    for (int j = 0; j < nc; j++) aout_printf(o, ",wd_%s", names[j]);
    aout_printf(o, ",wd_mean");
    for (int k = 0; k < no; k++) aout_printf(o, ",w1obs_%s", kind->out[k]);
    aout_printf(o, ",w1obs_mean");
    for (int j = 0; j < nc; j++) aout_printf(o, ",chi2_%s", names[j]);
    aout_printf(o, ",chi2_mean");
    for (int x = 0; x < nc; x++)
        for (int y = x + 1; y < nc; y++) aout_printf(o, ",chi2_%s_vs_%s", names[x], names[y]);
    aout_printf(o, ",chi2_2d_mean");
    for (int j = 0; j < nc; j++) aout_printf(o, ",ks_%s", names[j]);
    aout_printf(o, ",ks_max,c2st_auc,c2st_rows\n");
    aout_printf(o, "%zu,%zu", ng, nv);
    for (int j = 0; j < nc; j++) aout_printf(o, ",%.15g", wd[j]);
    aout_printf(o, ",%.15g", wd_mean);
    for (int k = 0; k < no; k++) aout_printf(o, ",%.15g", wobs[k]);
    if (no) aout_printf(o, ",%.15g", wobs_mean); else aout_printf(o, ",");
    for (int j = 0; j < nc; j++) aout_printf(o, ",%.15g", chi[j]);
    aout_printf(o, ",%.15g", chi_mean);
    for (int p = 0; p < npair; p++) aout_printf(o, ",%.15g", chi2d[p]);
    if (npair) aout_printf(o, ",%.15g", chi2d_mean); else aout_printf(o, ",");
    for (int j = 0; j < nc; j++) aout_printf(o, ",%.15g", ks[j]);
    aout_printf(o, ",%.15g", ks_max);
    if (used) aout_printf(o, ",%.6f,%zu\n", auc, used); else aout_printf(o, ",,0\n");
    aout_commit(o);

    free(G), free(V), free(lo), free(cg), free(cv), free(tmp), free(wd), free(edges), free(edges2);
    free(ca), free(chi2d), free(wobs), free(names[0]), free(names);
    return EXIT_OK;
}
