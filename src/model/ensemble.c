/* ensemble.c — the ensemble file and its draws (see ensemble.h). */
#include "model/ensemble.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/csvio.h"
#include "base/util.h"

int ensemble_is_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;   /* the model loader reports why it cannot be opened */
    char head[10];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    /* the header line, ended by LF or CRLF */
    return n >= 10 && memcmp(head, "mix,model", 9) == 0 && (head[9] == '\n' || head[9] == '\r');
}

static void normalise(Ensemble *e)
{
    double sum = 0;
    for (int k = 0; k < e->n; k++) sum += e->mix[k];
    double run = 0;
    for (int k = 0; k < e->n; k++) {
        e->mix[k] /= sum;
        run += e->mix[k];
        e->cdf[k] = run;
    }
    e->cdf[e->n - 1] = 1.0;   /* no u < 1 falls past the last component */
}

void ensemble_load(const char *path, Ensemble *e)
{
    CsvReader *r = csv_open(path);
    int jm = csv_find(r, "mix"), jp = csv_find(r, "model");
    if (jm < 0 || jp < 0) csv_fail(r, "not an ensemble file: the header must name mix and model");
    /* the folder of path, for relative component paths */
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    memset(e, 0, sizeof *e);
    e->paths = xmalloc(ENSEMBLE_MAX * sizeof *e->paths);
    e->mix = xmalloc(2 * ENSEMBLE_MAX * sizeof *e->mix);
    e->cdf = e->mix + ENSEMBLE_MAX;
    double sum = 0;
    while (csv_next(r)) {
        if (e->n == ENSEMBLE_MAX) csv_fail(r, "more than %d components", ENSEMBLE_MAX);
        double m = csv_num(r, jm);
        if (!(m > 0)) csv_fail(r, "mixture weight %g is not positive", m);
        const char *p = csv_str(r, jp);
        if (!*p) csv_fail(r, "empty model path");
        size_t plen = strlen(p);
        char *full = xmalloc(dlen + plen + 1);
        if (p[0] == '/') dlen = 0;
        memcpy(full, path, dlen);
        memcpy(full + dlen, p, plen + 1);
        dlen = slash ? (size_t)(slash - path) + 1 : 0;
        e->paths[e->n] = full, e->mix[e->n] = m, e->n++;
        sum += m;
    }
    if (e->n == 0) csv_fail(r, "no components");
    if (!isfinite(sum)) csv_fail(r, "the mixture weights' sum overflows");
    csv_close(r);
    normalise(e);
}

void ensemble_make(Ensemble *e, int n, const char *const *paths, const double *mix)
{
    if (n < 1 || n > ENSEMBLE_MAX) die(EXIT_USAGE, "an ensemble has 1 to %d components, not %d", ENSEMBLE_MAX, n);
    memset(e, 0, sizeof *e);
    e->n = n;
    e->paths = xmalloc((size_t)n * sizeof *e->paths);
    e->mix = xmalloc(2 * (size_t)n * sizeof *e->mix);
    e->cdf = e->mix + n;
    double sum = 0;
    for (int k = 0; k < n; k++) {
        if (!(mix[k] > 0) || !isfinite(mix[k]))
            die(EXIT_USAGE, "mixture weight %g of %s is not a positive number", mix[k], paths[k]);
        if (strchr(paths[k], ',')) die(EXIT_USAGE, "%s: a component path cannot hold a comma", paths[k]);
        e->paths[k] = xstrdup(paths[k]), e->mix[k] = mix[k];
        sum += mix[k];
    }
    if (!isfinite(sum)) die(EXIT_USAGE, "the mixture weights' sum overflows");
    normalise(e);
}

void ensemble_save(const char *path, const Ensemble *e)
{
    AtomicOut *o = aout_open(path);
    aout_printf(o, "mix,model\n");
    for (int k = 0; k < e->n; k++) aout_printf(o, "%.17g,%s\n", e->mix[k], e->paths[k]);
    aout_commit(o);
}

void ensemble_free(Ensemble *e)
{
    for (int k = 0; k < e->n; k++) free(e->paths[k]);
    free(e->paths), free(e->mix);
    memset(e, 0, sizeof *e);
}

int ensemble_pick(const Ensemble *e, double u)
{
    int k = 0;
    while (k < e->n - 1 && !(u < e->cdf[k])) k++;
    return k;
}

uint64_t ensemble_component_seed(uint64_t seed, int k)
{
    return rng_mix(rng_mix(seed) ^ (0x656e73656d626c65ull + (uint64_t)k));
}
