/* event-obs — derived physics observables (Mll, pTll, cos theta*, the pions' lab momenta, ...)
 * of each event of CSV files or standard input, as CSV on standard output; see event-obs(1)
 * and data/observables.h for the definitions. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/numfmt.h"
#include "base/util.h"
#include "data/observables.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG 10              /* significant digits written */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: event-obs [--kind %s] [--keep] [-o OUT] [FILE...]\n"
        "Derived observables of every event of the CSV FILEs (default or -: standard input; .gz\n"
        "is read) as one CSV: one header, then one row per event, in order.\n"
        "  -k, --kind KIND   which observables (default: the kind whose input columns the first\n"
        "                    file's header has); see event-obs(1)\n"
        "      --keep        write each input row's columns before its observables\n"
        "  -o, --output OUT  write to OUT (default: standard output)\n"
        "  -h, --help        this help\n",
        obs_kind_names());
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    enum { OPT_KEEP = 256 };
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *kind_name = NULL, *out = "-";
    int keep = 0, c;
    while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': kind_name = optarg; break;
        case OPT_KEEP: keep = 1; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'event-obs --help'");
        }
    }
    const ObsKind *kind = NULL;
    if (kind_name && !(kind = obs_kind(kind_name)))
        die(EXIT_USAGE, "--kind: unknown kind '%s' (%s)", kind_name, obs_kind_names());
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1, nstdin = 0;
    for (int f = 0; f < nfiles; f++) nstdin += strcmp(files[f], "-") == 0;
    if (nstdin > 1) die(EXIT_USAGE, "standard input (-) can be read once");

    AtomicOut *o = NULL;
    char *line = NULL;
    size_t cap = 0;
    int ncols0 = 0;
    char **hdr0 = NULL;   /* the first file's header (--keep) */
    for (int f = 0; f < nfiles; f++) {
        CsvReader *r = csv_open(files[f]);
        int nc = csv_ncols(r);
        if (!kind) {
            char **names = xmalloc((size_t)nc * sizeof *names);
            for (int j = 0; j < nc; j++) names[j] = (char *)csv_name(r, j);
            kind = obs_detect(nc, names);
            free(names);
            if (!kind)
                die(EXIT_RUNTIME, "%s:1: no kind of observables has its input columns in this "
                    "header (--kind %s)", csv_path(r), obs_kind_names());
        }
        int idx[OBS_MAX_IN];
        for (int i = 0; i < kind->nin; i++)
            if ((idx[i] = csv_find(r, kind->in[i])) < 0)
                csv_fail(r, "no column '%s' in the header (--kind %s needs it)", kind->in[i], kind->name);
        if (keep && f > 0) {
            /* --keep writes one header: every file must have the first one's columns */
            int same = nc == ncols0;
            for (int j = 0; same && j < nc; j++) same = strcmp(csv_name(r, j), hdr0[j]) == 0;
            if (!same) csv_fail(r, "--keep: the header differs from %s's", files[0]);
        }
        if (!o) {
            o = aout_open(out);
            ncols0 = nc;
            hdr0 = xmalloc((size_t)nc * sizeof *hdr0);
            for (int j = 0; j < nc; j++) hdr0[j] = xstrdup(csv_name(r, j));
            if (keep)
                for (int j = 0; j < nc; j++) aout_printf(o, "%s,", csv_name(r, j));
            for (int k = 0; k < kind->nout; k++)
                aout_printf(o, "%s%c", kind->out[k], k + 1 < kind->nout ? ',' : '\n');
        }
        size_t need = (size_t)(nc + kind->nout) * (NUMFMT_MAX + 1) + 1;
        while (csv_next(r)) {
            double in[OBS_MAX_IN], v[OBS_MAX_OUT];
            for (int i = 0; i < kind->nin; i++) in[i] = csv_num(r, idx[i]);
            kind->compute(in, v);
            size_t len = 0;
            if (keep)
                for (int j = 0; j < nc; j++) {
                    const char *s = csv_str(r, j);
                    size_t k = strlen(s);
                    if (len + k + need > cap) line = xrealloc(line, cap = 2 * (len + k + need));
                    memcpy(line + len, s, k);
                    len += k;
                    line[len++] = ',';
                }
            if (len + need > cap) line = xrealloc(line, cap = 2 * (len + need));
            for (int k = 0; k < kind->nout; k++) {
                len += (size_t)numfmt_g(line + len, v[k], SIG);
                line[len++] = k + 1 < kind->nout ? ',' : '\n';
            }
            aout_write(o, line, len);
        }
        csv_close(r);
    }
    aout_commit(o);
    for (int j = 0; j < ncols0; j++) free(hdr0[j]);
    free(hdr0);
    free(line);
    return EXIT_OK;
}
