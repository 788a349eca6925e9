/* lib_throughput.c — events/s through libgantune's public API (include/gantune.h) in-process:
 * conditions read once (not timed), then gantune_generate in calls of GANTUNE_BLOCK events into
 * memory; the fastest of R repeats. Built by bench/export.mk against build/lib.
 *   build/lib_throughput MODEL CONDS.csv R */
#include <gantune.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4) return fprintf(stderr, "usage: lib_throughput MODEL CONDS.csv R\n"), 2;
    gantune_model *m;
    char err[256];
    if (gantune_open(argv[1], &m, err, sizeof err)) return fprintf(stderr, "%s\n", err), 1;
    const int nc = gantune_ncond(m), no = gantune_nout(m), R = atoi(argv[3]);
    /* the condition columns by name, simple CSV (the bench's own event-gen file) */
    FILE *f = fopen(argv[2], "r");
    if (!f) return perror(argv[2]), 1;
    char line[4096];
    if (!fgets(line, sizeof line, f)) return 1;
    int col[64], ncol = 0;
    for (char *t = strtok(line, ",\n"); t; t = strtok(NULL, ",\n"), ncol++)
        for (int j = 0; j < nc; j++)
            if (!strcmp(t, gantune_cond_name(m, j))) col[j] = ncol;
    size_t n = 0, cap = 1 << 16;
    double *cond = malloc(cap * (size_t)nc * sizeof *cond);
    while (fgets(line, sizeof line, f)) {
        if (n == cap) cond = realloc(cond, (cap *= 2) * (size_t)nc * sizeof *cond);
        double v[64];
        int k = 0;
        for (char *t = strtok(line, ",\n"); t && k < 64; t = strtok(NULL, ",\n")) v[k++] = atof(t);
        for (int j = 0; j < nc; j++) cond[n * nc + j] = v[col[j]];
        n++;
    }
    fclose(f);
    double *ev = malloc((size_t)GANTUNE_BLOCK * no * sizeof *ev), best = 1e30, sink = 0;
    for (int r = 0; r < R; r++) {
        gantune_seed(m, 1);
        double t = now();
        for (size_t s = 0; s < n; s += GANTUNE_BLOCK) {
            size_t b = n - s < GANTUNE_BLOCK ? n - s : GANTUNE_BLOCK;
            if (gantune_generate(m, b, cond + s * nc, ev)) return fprintf(stderr, "%s\n", gantune_errmsg(m)), 1;
            sink += ev[0];
        }
        t = now() - t;
        if (t < best) best = t;
    }
    printf("events,seconds,events_per_s\n%zu,%.4g,%.4g%s\n", n, best, n / best, sink > 1e300 ? "!" : "");
    gantune_close(m);
    free(cond), free(ev);
    return 0;
}
