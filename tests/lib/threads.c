/* threads.c — libgantune from several threads at once, one handle each (tests/export.bats):
 * every thread opens MODEL itself and generates N events for its own seed; each result must
 * equal the same call made alone beforehand. Exit 0 when all agree, 1 otherwise.
 *   threads MODEL N THREADS   (unconditional model) */
#include <gantune.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    size_t n;
    uint64_t seed;
    double *out;
    int rc;
} Job;

static void *run(void *arg)
{
    Job *j = arg;
    gantune_model *m;
    char err[256];
    j->rc = gantune_open(j->path, &m, err, sizeof err);
    if (j->rc) return NULL;
    gantune_seed(m, j->seed);
    for (int rep = 0; rep < 3 && !j->rc; rep++) {   /* repeat: more overlap between threads */
        gantune_seed(m, j->seed);
        j->rc = gantune_generate(m, j->n, NULL, j->out);
    }
    gantune_close(m);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) return fprintf(stderr, "usage: threads MODEL N THREADS\n"), 2;
    size_t n = strtoul(argv[2], NULL, 10);
    int T = atoi(argv[3]);
    gantune_model *m;
    char err[256];
    if (gantune_open(argv[1], &m, err, sizeof err)) return fprintf(stderr, "%s\n", err), 1;
    size_t no = (size_t)gantune_nout(m);
    gantune_close(m);
    Job *jobs = calloc((size_t)T, sizeof *jobs);
    double *alone = malloc(n * no * sizeof *alone);
    pthread_t *tid = calloc((size_t)T, sizeof *tid);
    for (int t = 0; t < T; t++) {
        jobs[t] = (Job){argv[1], n, 100 + (uint64_t)t, malloc(n * no * sizeof(double)), 0};
    }
    for (int t = 0; t < T; t++) pthread_create(&tid[t], NULL, run, &jobs[t]);
    for (int t = 0; t < T; t++) pthread_join(tid[t], NULL);
    int bad = 0;
    for (int t = 0; t < T; t++) {
        Job one = {argv[1], n, jobs[t].seed, alone, 0};
        run(&one);
        if (jobs[t].rc || one.rc || memcmp(jobs[t].out, alone, n * no * sizeof *alone)) {
            fprintf(stderr, "thread %d (seed %llu): differs from the same call alone\n", t,
                    (unsigned long long)jobs[t].seed);
            bad = 1;
        }
        free(jobs[t].out);
    }
    printf("%d threads x %zu events: %s\n", T, n, bad ? "MISMATCH" : "identical to serial");
    free(jobs), free(alone), free(tid);
    return bad;
}
