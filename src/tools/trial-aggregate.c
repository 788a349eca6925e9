/* trial-aggregate — turn trial records (one row per training of a hyperparameter set) into
 * history rows (one per set): mean and sample std of the objective over the trials that
 * finished, with diverged or failed trials counted but not averaged in. The objective is the
 * score that picked each trial's best epoch: best_score where gan-train ran with another
 * --score than w1 (the calorimeter study's shower shapes), else best_W1, so the search
 * minimises what the user chose. Both schemas, the record's
 * columns and the history's, are rundir.h's. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/util.h"
#include "hpo/rundir.h"
#include "hpo/space.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *id;           /* NULL without an id column */
    double *hp;         /* d values */
    double mean, m2;
    long n, nfail, npruned, pruned_at;
} Set;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: trial-aggregate [--space FILE] [-o FILE] [--no-header] [FILE...]\n"
        "Aggregate trial records (CSV with hyperparameter columns, best_wd, status) from the\n"
        "FILEs or standard input into one history row per hyperparameter set (per id when\n"
        "the records have an id column):\n"
        "  [id,]<hyperparameters>,wd_mean,wd_std,n_trials,n_failed,status,pruned_at\n"
        "A set with a trial stopped at a rung (status pruned) is pruned: its mean is over the\n"
        "ok and pruned trials' best W1 so far, pruned_at the epoch it stopped at (else 0).\n"
        "Records with a best_score column (gan-train --score other than w1) are averaged by\n"
        "best_score instead of best_wd: the search minimises the chosen score.\n"
        "  -s, --space FILE  hyperparameter columns from this space file, checked on its lattice\n"
        "                    (default: every column that is not a known gan-train column)\n"
        "  -o, --output FILE write there (atomically) instead of standard output\n"
        "      --no-header   omit the header line (to append to a history)\n"
        "  -h, --help        this help\n");
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    const char *space_path = NULL, *out_path = "-";
    int header = 1;
    static const struct option opts[] = {
        { "space", required_argument, 0, 's' }, { "output", required_argument, 0, 'o' },
        { "no-header", no_argument, 0, 'H' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    int c;
    while ((c = getopt_long(argc, argv, "s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': space_path = optarg; break;
        case 'o': out_path = optarg; break;
        case 'H': header = 0; break;
        case 'h': usage(stdout); return EXIT_OK;
        default:
            fprintf(stderr, "%s: usage: trial-aggregate [--space FILE] [-o FILE] [--no-header] [FILE...]\n", progname());
            return EXIT_USAGE;
        }
    }
    Space *sp = space_path ? space_read(space_path) : NULL;
    int nfiles = argc - optind;
    const char *stdin_only[] = { "-" };
    const char *const *files = nfiles ? (const char *const *)argv + optind : stdin_only;
    if (!nfiles) nfiles = 1;

    int d = sp ? sp->d : -1, has_id = -1;
    char **names = sp ? sp->name : NULL;
    Set *set = NULL;
    size_t nset = 0, cap = 0;
    for (int f = 0; f < nfiles; f++) {
        CsvReader *r = csv_open(files[f]);
        int cw = csv_find(r, "best_score"), cs = csv_require(r, "status");
        if (cw < 0) cw = csv_require(r, "best_wd");
        const char *wname = csv_name(r, cw);
        int ce = csv_find(r, "epochs");   /* a pruned trial's epochs is its rung */
        int ci = csv_find(r, "id");
        if (has_id < 0) has_id = ci >= 0;
        else if (has_id != (ci >= 0))
            die(EXIT_RUNTIME, "%s:1: %s id column, unlike the first input", files[f],
                ci >= 0 ? "has an" : "has no");
        if (d < 0) {      /* hyperparameter names from the first file's header */
            d = 0;
            names = xmalloc((size_t)csv_ncols(r) * sizeof *names);
            for (int j = 0; j < csv_ncols(r); j++)
                if (!record_known_col(csv_name(r, j))) names[d++] = xstrdup(csv_name(r, j));
            if (d == 0) die(EXIT_RUNTIME, "%s:1: no hyperparameter columns", files[f]);
        }
        int *col = xmalloc((size_t)d * sizeof *col);
        for (int j = 0; j < d; j++) col[j] = csv_require(r, names[j]);
        double *hp = xmalloc((size_t)d * sizeof *hp);
        while (csv_next(r)) {
            /* Records concatenated into one stream (cat trials/ *.csv) repeat their header: an
             * identical one is skipped, another one is refused (its columns would be read by
             * the first header's names). A record's objective is a number, never its name. */
            if (strcmp(csv_str(r, cw), wname) == 0) {
                int same = 1;
                for (int j = 0; j < csv_ncols(r); j++) same &= strcmp(csv_str(r, j), csv_name(r, j)) == 0;
                if (same) continue;
                csv_fail(r, "a header other than line 1's (give records with other columns as separate files)");
            }
            for (int j = 0; j < d; j++) {
                double v;
                if (csv_parse_double(csv_str(r, col[j]), &v) != 0)
                    csv_fail(r, "%s: '%s' is not a number", names[j], csv_str(r, col[j]));
                long k;
                if (sp) {
                    if (space_lattice(sp, j, v, &k) != 0)
                        csv_fail(r, "%s=%s is off the lattice", names[j], csv_str(r, col[j]));
                    v = space_value(sp, j, k);
                }
                hp[j] = v;
            }
            const char *id = has_id ? csv_str(r, ci) : NULL;
            if (id && !*id) csv_fail(r, "empty id");
            size_t s;
            for (s = 0; s < nset; s++) {
                if (id ? strcmp(set[s].id, id) == 0 : memcmp(set[s].hp, hp, (size_t)d * sizeof *hp) == 0)
                    break;
            }
            if (s < nset && id && memcmp(set[s].hp, hp, (size_t)d * sizeof *hp) != 0)
                csv_fail(r, "id %s has other hyperparameters than its earlier trials", id);
            if (s == nset) {
                if (nset == cap) {
                    cap = cap ? 2 * cap : 16;
                    set = xrealloc(set, cap * sizeof *set);
                }
                memset(&set[s], 0, sizeof set[s]);
                set[s].id = id ? xstrdup(id) : NULL;
                set[s].hp = xmalloc((size_t)d * sizeof *hp);
                memcpy(set[s].hp, hp, (size_t)d * sizeof *hp);
                nset++;
            }
            double w;
            const char *ws = csv_str(r, cw);
            int rc = csv_parse_double(ws, &w);
            if (rc == -1 && ws[strspn(ws, " \t")] != '\0')
                csv_fail(r, "%s: '%s' is not a number", wname, ws);
            int pruned = strcmp(csv_str(r, cs), "pruned") == 0;
            if (rc != 0 || (strcmp(csv_str(r, cs), "ok") != 0 && !pruned)) {
                set[s].nfail++;      /* diverged, failed, or no finite distance */
                continue;
            }
            Set *t = &set[s];        /* Welford: stable for any spread */
            if (pruned) {
                double e;
                t->npruned++;
                if (ce >= 0 && csv_parse_double(csv_str(r, ce), &e) == 0 && e > (double)t->pruned_at)
                    t->pruned_at = (long)e;
            }
            t->n++;
            double dlt = w - t->mean;
            t->mean += dlt / (double)t->n;
            t->m2 += dlt * (w - t->mean);
        }
        free(hp);
        free(col);
        csv_close(r);
    }

    FILE *out = stdout;
    AtomicOut *ao = NULL;
    char *buf = NULL;
    size_t blen = 0;
    if (strcmp(out_path, "-") != 0) out = open_memstream(&buf, &blen);
    if (header) {
        if (has_id > 0) fputs("id,", out);
        for (int j = 0; j < d; j++) fprintf(out, "%s,", names[j]);
        for (int k = 0; k < HIST_NSTATS; k++) fprintf(out, "%s%s", hist_col(k), k + 1 < HIST_NSTATS ? "," : "\n");
    }
    char b[40];
    for (size_t s = 0; s < nset; s++) {
        Set *t = &set[s];
        if (t->id) fprintf(out, "%s,", t->id);
        for (int j = 0; j < d; j++) {
            space_fmt(b, sizeof b, t->hp[j]);
            fprintf(out, "%s,", b);
        }
        if (t->n == 0) fputs("nan,nan,", out);
        else fprintf(out, "%.10g,%.10g,", t->mean, t->n > 1 ? sqrt(t->m2 / (double)(t->n - 1)) : 0.0);
        fprintf(out, "%ld,%ld,%s,%ld\n", t->n + t->nfail, t->nfail,
                t->npruned ? "pruned" : t->n ? "ok" : "failed", t->npruned ? t->pruned_at : 0L);
    }
    if (out != stdout) {
        fclose(out);
        ao = aout_open(out_path);
        aout_write(ao, buf, blen);
        aout_commit(ao);
        free(buf);
    } else {
        check_stdout();
    }
    for (size_t k = 0; k < nset; k++) free(set[k].id), free(set[k].hp);
    free(set);
    if (!sp) {   /* names of the first header, else the space's */
        for (int j = 0; j < d; j++) free(names[j]);
        free(names);
    }
    space_free(sp);
    return EXIT_OK;
}
