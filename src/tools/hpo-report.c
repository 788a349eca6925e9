/* hpo-report — a study's analysis as pictures: reads run directories (the BRIEF's layout), computes
 * summary numbers, best set, Pareto front, slot busy time, convergence curves and histograms,
 * writes gnuplot data files and one gnuplot script per picture, runs gnuplot (pngcairo) and
 * writes index.html. Everything is built in a temp directory beside the target and renamed into
 * place, so a failed or killed report never leaves a half-made one. The pictures are the table
 * in src/report/pictures.c, one module each; this file parses the options and runs the table. */
#include "base/proc.h"
#include "base/util.h"
#include "report/index.h"
#include "report/picture.h"
#include "report/pictures.h"
#include "report/run.h"
#include "report/summary.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hpo-report RUNDIR [RUNDIR...] [--color-by HP] [--threshold W] [-o DIR]\n"
            "                  [--events N] [--sampler PROG] [--surrogate PROG] [--gnuplot PROG]\n"
            "Draw a study's analysis from run directories into DIR (default RUNDIR/report of the\n"
            "first): wd-sigma.png, sensitivity.png, importance.png, convergence.png, generated.png,\n"
            "pareto.png, timing.png and index.html with a summary table. Several run directories\n"
            "are compared side by side; convergence curves are grouped by run.conf's method.\n"
            "  --color-by HP      hyperparameter colouring the WD-sigma scatter (default lr_gen)\n"
            "  --threshold W      mean-W1 threshold of the sensitivity's good-set column\n"
            "                     (default: lower quartile of the finished sets)\n"
            "  -o, --output DIR   report directory, replaced atomically\n"
            "  --events N         validation events used for generated vs truth (default 20000)\n"
            "  --sampler PROG     generator sampler (default gan-sample on PATH)\n"
            "  --surrogate PROG   importance provider (default surrogate-propose on PATH)\n"
            "  --gnuplot PROG     gnuplot executable (default gnuplot on PATH)\n"
            "  --live S           a search still running: index.html reloads itself every S\n"
            "                     seconds and says so (the workflow rewrites it after each set)\n"
            "  -h, --help         this help\n");
}

/* The index of --color-by's hyperparameter in each run's space (cidx[k]); a space without the
 * default lr_gen is coloured by its first hyperparameter. Returns the name used. */
static const char *color_index(const Run *runs, int nr, const char *color_by, int *cidx)
{
    if (!color_by) color_by = "lr_gen";
    for (int k = 0; k < nr; k++) {
        cidx[k] = -1;
        for (int j = 0; j < runs[k].d; j++)
            if (strcmp(runs[k].hp[j], color_by) == 0) cidx[k] = j;
        if (cidx[k] < 0) {
            if (strcmp(color_by, "lr_gen") == 0 && k == 0 && runs[0].d > 0) {
                color_by = runs[0].hp[0];  /* a space without lr_gen: colour by its first */
                k = -1;
                continue;
            }
            die(EXIT_USAGE, "--color-by: '%s' is not a hyperparameter of %s/space.csv", color_by,
                runs[k].dir);
        }
    }
    return color_by;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option lo[] = {
        {"color-by", required_argument, 0, 'c'}, {"threshold", required_argument, 0, 't'},
        {"output", required_argument, 0, 'o'},   {"events", required_argument, 0, 'n'},
        {"sampler", required_argument, 0, 's'},  {"surrogate", required_argument, 0, 'S'},
        {"gnuplot", required_argument, 0, 'g'},  {"live", required_argument, 0, 'L'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *color_by = NULL, *outdir = NULL, *sampler = "gan-sample",
               *surrogate = "surrogate-propose", *gp_name = "gnuplot";
    double threshold = NAN;
    long events = 20000, live = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'c': color_by = optarg; break;
        case 't': threshold = parse_double("--threshold", optarg, 0, 1e300); break;
        case 'o': outdir = optarg; break;
        case 'n': events = parse_long("--events", optarg, 10, 100000000L); break;
        case 's': sampler = optarg; break;
        case 'S': surrogate = optarg; break;
        case 'g': gp_name = optarg; break;
        case 'L': live = parse_long("--live", optarg, 1, 86400); break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default:
            fprintf(stderr, "usage: hpo-report RUNDIR [RUNDIR...] [--color-by HP] [--threshold W] [-o DIR]\n");
            return EXIT_USAGE;
        }
    }
    int nr = argc - optind;
    if (nr < 1) {
        fprintf(stderr, "%s: no run directory given (hpo-report --help)\n", progname());
        return EXIT_USAGE;
    }
    char *gp_exe = find_exec(gp_name);
    if (!gp_exe) die(EXIT_RUNTIME, "%s: not found on PATH (make deps installs gnuplot-nox)", gp_name);
    if (gp_exe[0] != '/') {  /* gnuplot runs inside the report directory: make the path absolute */
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) die(EXIT_RUNTIME, "getcwd: %s", strerror(errno));
        char *abs = path_join(cwd, gp_exe);
        free(gp_exe);
        gp_exe = abs;
    }
    Run *runs = xcalloc((size_t)nr, sizeof *runs);
    for (int k = 0; k < nr; k++) read_run(&runs[k], argv[optind + k]);
    int *cidx = xmalloc((size_t)nr * sizeof *cidx);
    color_by = color_index(runs, nr, color_by, cidx);
    double *thr = xmalloc((size_t)nr * sizeof *thr);
    for (int k = 0; k < nr; k++) thr[k] = isfinite(threshold) ? threshold : default_threshold(&runs[k]);
    int *front = xmalloc((size_t)runs[0].n * sizeof *front);
    int nf = pareto_front(&runs[0], front);

    char *target = outdir ? xstrdup(outdir) : path_join(runs[0].dir, "report");
    ReportDir rd;
    report_dir_open(&rd, target);
    Report rp = {.runs = runs, .nr = nr, .dir = rd.tmp, .color_by = color_by, .cidx = cidx,
                 .thr = thr, .front = front, .nf = nf, .sampler = sampler, .surrogate = surrogate,
                 .events = events, .live = live};

    /* every picture of the table that is ready, in order; then index.html */
    Notes nt = {0};
    pic_note_unready(&rp, &nt);
    PicResult *res = xcalloc((size_t)report_npictures, sizeof *res);
    for (int q = 0; q < report_npictures; q++) {
        const PicDef *p = &report_pictures[q];
        if (!pic_ready(p, &rp) || !p->draw(&rp, &nt, res[q].more, sizeof res[q].more)) continue;
        char gp[256], png[256];
        snprintf(gp, sizeof gp, "%s.gp", p->name);
        snprintf(png, sizeof png, "%s.png", p->name);
        res[q].made = gnuplot_run(gp_exe, rd.tmp, gp, png, &nt);
    }
    write_index(&rp, res, &nt);
    for (int q = 0; q < report_npictures; q++)
        if (!res[q].made && pic_required(&report_pictures[q]) && pic_ready(&report_pictures[q], &rp))
            die(EXIT_RUNTIME, "%s.png: could not be drawn (see the message above)", report_pictures[q].name);

    report_dir_commit(&rd);
    int made = 0;
    for (int q = 0; q < report_npictures; q++) made += res[q].made;
    printf("%s/index.html: %d pictures\n", rd.target, made);
    check_stdout();
    for (int k = 0; k < nr; k++) run_free(&runs[k]);
    free(runs), free(cidx), free(thr), free(front), free(res), free(target), free(gp_exe), free(nt.html);
    free(rd.tmp), free(rd.target);
    return EXIT_OK;
}
