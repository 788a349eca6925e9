/* data-split — one CSV file of events into a training and a validation file: a seeded shuffle
 * picks exactly round(F * N) validation events, only the named columns are kept (every other
 * column is ignored), and every kept value must be a finite number, so a typo in a column name
 * or a bad cell is found here, once, before a search spends its budget. See data-split(1). */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/rng.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: data-split --cols C1,C2,... [--val-fraction F] [--seed S] -o TRAIN --val-out VAL DATA\n"
        "Split the events (rows) of DATA (CSV with a header, plain or .gz, - for standard input)\n"
        "into TRAIN and VAL: exactly round(F * N) of the N events, chosen by a shuffle seeded with\n"
        "S, go to VAL, the others to TRAIN, both in DATA's order. Only the named columns are\n"
        "written, in the order named; DATA's other columns are ignored. Prints one CSV record:\n"
        "events,train_events,val_events. Outputs ending in .gz are compressed.\n"
        "  -c, --cols LIST         columns to keep (each must be in DATA, every value a number)\n"
        "  -f, --val-fraction F    fraction of events for validation, in (0, 1) (default 0.1)\n"
        "  -s, --seed S            seed of the shuffle (default 1)\n"
        "  -o, --output TRAIN      training events\n"
        "  -v, --val-out VAL       validation events\n"
        "  -h, --help              this help\n");
}

/* The kept cells of every row, each row one comma-joined string in one growing buffer. */
typedef struct {
    char *buf;
    size_t len, cap;
    size_t *off;     /* row i is buf + off[i], NUL-terminated */
    size_t n, ncap;
} Rows;

static void rows_add(Rows *r, CsvReader *in, int nc, const int *idx)
{
    if (r->n == r->ncap) {
        r->ncap = r->ncap ? 2 * r->ncap : 4096;
        r->off = xrealloc(r->off, r->ncap * sizeof *r->off);
    }
    r->off[r->n++] = r->len;
    for (int j = 0; j < nc; j++) {
        (void)csv_num(in, idx[j]);   /* dies with FILE:LINE on a non-number, NaN or Inf */
        const char *s = csv_str(in, idx[j]);
        size_t k = strlen(s);
        if (r->len + k + 2 > r->cap) {
            r->cap = r->cap ? 2 * r->cap + k : 1 << 20;
            r->buf = xrealloc(r->buf, r->cap);
        }
        memcpy(r->buf + r->len, s, k);
        r->len += k;
        r->buf[r->len++] = j + 1 < nc ? ',' : '\0';
    }
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option opts[] = {
        {"cols", required_argument, NULL, 'c'},
        {"val-fraction", required_argument, NULL, 'f'},
        {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"val-out", required_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cols_arg = NULL, *out_train = NULL, *out_val = NULL;
    double frac = 0.1;
    uint64_t seed = 1;
    int c;
    while ((c = getopt_long(argc, argv, "c:f:s:o:v:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': cols_arg = optarg; break;
        case 'f':
            frac = parse_double("--val-fraction", optarg, 0, 1);
            if (frac <= 0 || frac >= 1) die(EXIT_USAGE, "--val-fraction: '%s' is not in (0, 1)", optarg);
            break;
        case 's': seed = parse_u64("--seed", optarg); break;
        case 'o': out_train = optarg; break;
        case 'v': out_val = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'data-split --help'");
        }
    }
    if (argc - optind != 1) die(EXIT_USAGE, "need one data file DATA (try --help)");
    if (!cols_arg) die(EXIT_USAGE, "--cols is required (the columns to keep)");
    if (!out_train || !out_val) die(EXIT_USAGE, "-o TRAIN and --val-out VAL are both required");
    if (!strcmp(out_train, "-") || !strcmp(out_val, "-"))
        die(EXIT_USAGE, "TRAIN and VAL must be files, not standard output");
    if (!strcmp(out_train, out_val)) die(EXIT_USAGE, "TRAIN and VAL are the same file '%s'", out_train);

    char **names;
    int nc = split_list("--cols", cols_arg, &names);
    for (int j = 0; j < nc; j++)
        for (int k = 0; k < j; k++)
            if (!strcmp(names[j], names[k])) die(EXIT_USAGE, "--cols: '%s' named twice", names[j]);

    const char *path = argv[optind];
    CsvReader *in = csv_open(path);
    int *idx = xmalloc((size_t)nc * sizeof *idx);
    for (int j = 0; j < nc; j++) idx[j] = csv_require(in, names[j]);
    Rows rows = {0};
    while (csv_next(in)) {
        if (rows.n == UINT32_MAX) csv_fail(in, "more than %u events", UINT32_MAX);
        rows_add(&rows, in, nc, idx);
    }
    csv_close(in);
    size_t n = rows.n;
    size_t nv = (size_t)llround(frac * (double)n);
    if (nv < 1 || nv >= n)
        die(EXIT_RUNTIME, "%s: %zu events: a validation fraction of %g leaves %zu validation and %zu "
            "training events (each needs at least 1)", path, n, frac, nv, n - nv);

    /* A shuffle of the indices, its first nv are validation: exact counts, and the same split
     * for the same seed and data on every machine (rng.h). */
    uint32_t *perm = xmalloc(n * sizeof *perm);
    for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    Rng rng;
    rng_seed2(&rng, seed, 0x73706c6974ULL);   /* "split": its own stream of the seed */
    rng_shuffle_u32(&rng, perm, n);
    unsigned char *is_val = xcalloc(n, 1);
    for (size_t i = 0; i < nv; i++) is_val[perm[i]] = 1;
    free(perm);

    AtomicOut *ot = aout_open(out_train), *ov = aout_open(out_val);
    for (int j = 0; j < nc; j++) {
        aout_printf(ot, "%s%c", names[j], j + 1 < nc ? ',' : '\n');
        aout_printf(ov, "%s%c", names[j], j + 1 < nc ? ',' : '\n');
    }
    for (size_t i = 0; i < n; i++) {
        AtomicOut *o = is_val[i] ? ov : ot;
        const char *s = rows.buf + rows.off[i];
        aout_write(o, s, strlen(s));
        aout_write(o, "\n", 1);
    }
    aout_commit(ot);
    aout_commit(ov);
    printf("events,train_events,val_events\n%zu,%zu,%zu\n", n, n - nv, nv);
    check_stdout();
    free(is_val);
    free(rows.buf);
    free(rows.off);
    free(idx);
    free(names[0]);
    free(names);
    return EXIT_OK;
}
