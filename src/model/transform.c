/* transform.c — the per-column transforms (see transform.h). */
#include "model/transform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static const struct {
    const char *name;
    double lo, hi;                 /* open interval of the domain (logit: the bounds') */
} TF[TF_COUNT] = {
    [TF_NONE] = {"none", -INFINITY, INFINITY},
    [TF_LOG] = {"log", 0, INFINITY},
    [TF_LOG1P] = {"log1p", -1, INFINITY},
    [TF_LOGIT] = {"logit", 0, 1},
};

int tf_parse(const char *spec, Transform *t, const char **why)
{
    *why = "unknown transform (none, log, log1p, logit, logit:A:B)";
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    for (int k = 0; k < TF_COUNT; k++) {
        if (strlen(TF[k].name) != n || strncmp(TF[k].name, spec, n) != 0) continue;
        *t = (Transform){k, 0, 0};
        if (k == TF_LOGIT) t->a = 0, t->b = 1;
        if (!colon) return 0;
        if (k != TF_LOGIT) {
            *why = "only logit takes bounds (logit:A:B)";
            return -1;
        }
        char *end;
        double a = strtod(colon + 1, &end);
        if (*end != ':') break;
        double b = strtod(end + 1, &end);
        if (*end || !isfinite(a) || !isfinite(b) || !(a < b)) {
            *why = "logit:A:B needs finite bounds A < B";
            return -1;
        }
        t->a = a, t->b = b;
        return 0;
    }
    if (colon && n == 5 && strncmp(spec, "logit", 5) == 0) *why = "logit:A:B needs finite bounds A < B";
    return -1;
}

const char *tf_name(int kind) { return kind >= 0 && kind < TF_COUNT ? TF[kind].name : "?"; }

const char *tf_domain(const Transform *t, char *buf, size_t n)
{
    switch (t->kind) {
    case TF_LOG: snprintf(buf, n, "x > 0"); break;
    case TF_LOG1P: snprintf(buf, n, "x > -1"); break;
    case TF_LOGIT: snprintf(buf, n, "%.9g < x < %.9g", t->a, t->b); break;
    default: snprintf(buf, n, "any number"); break;
    }
    return buf;
}

int tf_valid(const Transform *t)
{
    if (t->kind < 0 || t->kind >= TF_COUNT) return 0;
    if (t->kind == TF_LOGIT) return isfinite(t->a) && isfinite(t->b) && t->a < t->b;
    return t->a == 0 && t->b == 0;
}

int tf_fwd(const Transform *t, double x, double *y)
{
    double v;
    switch (t->kind) {
    case TF_NONE: *y = x; return 0;
    case TF_LOG: v = x > 0 ? log(x) : NAN; break;
    case TF_LOG1P: v = x > -1 ? log1p(x) : NAN; break;
    case TF_LOGIT: v = x > t->a && x < t->b ? log((x - t->a) / (t->b - x)) : NAN; break;
    default: return -1;
    }
    if (!isfinite(v)) return -1;   /* also a value so near a bound that it rounds onto it */
    *y = v;
    return 0;
}

double tf_inv(const Transform *t, double y)
{
    switch (t->kind) {
    case TF_LOG: return exp(y);
    case TF_LOG1P: return expm1(y);
    case TF_LOGIT: return t->a + (t->b - t->a) / (1.0 + exp(-y));
    default: return y;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double tf_tail_cut(const double *x, size_t rows, int n, int j, double q)
{
    double *v = xmalloc((rows + 1) * sizeof *v);
    for (size_t i = 0; i < rows; i++) v[i] = x[i * (size_t)n + (size_t)j];
    qsort(v, rows, sizeof *v, cmp_double);
    /* less a hair, so that Q * rows that should be a whole number but rounds above it
     * (0.95 * 100 = 95.00000000000001) keeps exactly that many */
    size_t k = (size_t)ceil(q * (double)rows * (1 - 1e-12));
    if (k < 1) k = 1;
    if (k > rows) k = rows;
    double cut = v[k - 1];
    free(v);
    return cut;
}
