/* test_transform.c — transform.h: t^-1(t(x)) = x for every kind over its domain, values on or
 * outside a domain refused, the spec parser, tf_tail_cut keeping exactly ceil(Q rows) values,
 * and the model file: a transformed model (gtm v2) round-trips its transforms, cuts and range
 * and the sampler inverts them; a model without them is still written as version 1. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "base/rng.h"
#include "model/gtm.h"
#include "model/net.h"
#include "model/sample.h"
#include "model/transform.h"

static Transform tfp(const char *spec)
{
    Transform t = {-1, 0, 0};
    const char *why;
    CHECK(tf_parse(spec, &t, &why) == 0, "parse %s", spec);
    return t;
}

static void check_round_trip(void)
{
    /* each kind over values spread across its domain, ends included (no derivatives: the
     * inverse is checked against the forward map only) */
    struct { const char *spec; double lo, hi; } c[] = {
        {"none", -1e6, 1e6}, {"log", 1e-6, 1e6}, {"log1p", -0.999999, 1e6}, {"logit", 1e-6, 1 - 1e-6},
        {"logit:-1:1", -1 + 1e-6, 1 - 1e-6}, {"logit:10:2000", 10.001, 1999.999},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        Transform t = tfp(c[k].spec);
        double worst = 0;
        for (int i = 0; i <= 1000; i++) {
            /* log-spaced where the domain spans decades, so the small values are tried too */
            double u = i / 1000.0, x = c[k].lo > 0 ? c[k].lo * pow(c[k].hi / c[k].lo, u)
                                                    : c[k].lo + (c[k].hi - c[k].lo) * u;
            double y = NAN;
            if (tf_fwd(&t, x, &y)) {
                CHECK(0, "%s: %.17g refused inside the domain", c[k].spec, x);
                continue;
            }
            double back = tf_inv(&t, y), e = fabs(back - x) / (fabs(x) + 1e-300);
            /* logit near its upper bound: 1 - x is only known to ~1e-16 absolute */
            if (t.kind == TF_LOGIT) e = fabs(back - x) / (t.b - t.a);
            if (e > worst) worst = e;
        }
        CHECK(worst < 1e-9, "%s: round trip off by %g (relative)", c[k].spec, worst);
    }
    /* monotone increasing, so a cut in physical units is a cut in t units */
    Transform l = tfp("log");
    double y1, y2;
    CHECK(tf_fwd(&l, 2, &y1) == 0 && tf_fwd(&l, 3, &y2) == 0 && y1 < y2, "log increases");
    CHECK_CLOSE(y1, log(2.0), 0, 1e-15, "log 2");
    Transform g = tfp("logit:-1:1");
    CHECK(tf_fwd(&g, 0, &y1) == 0 && y1 == 0, "logit:-1:1 of the middle is 0");
    CHECK_CLOSE(tf_inv(&g, 50), 1, 1e-12, 0, "logit inverse saturates at its upper bound");
    CHECK_CLOSE(tf_inv(&g, -50), -1, 1e-12, 0, "and at its lower one");
}

static void check_domains(void)
{
    struct { const char *spec; double x; } bad[] = {
        {"log", 0}, {"log", -3}, {"log", NAN}, {"log1p", -1}, {"log1p", -2},
        {"logit", 0}, {"logit", 1}, {"logit", 1.5}, {"logit:-1:1", -1}, {"logit:-1:1", 1},
        {"logit", 1 - 1e-17},   /* rounds onto the bound */
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        Transform t = tfp(bad[k].spec);
        double y = 42;
        CHECK(tf_fwd(&t, bad[k].x, &y) == -1 && y == 42, "%s(%g) refused, y untouched", bad[k].spec, bad[k].x);
    }
    const char *spec[] = {"", "exp", "Log", "log:1:2", "logit:1", "logit:2:1", "logit:0:inf", "logit:a:b",
                          "logit:0:1:2", "logs", "none:0:1"};
    for (size_t k = 0; k < sizeof spec / sizeof *spec; k++) {
        Transform t;
        const char *why = NULL;
        CHECK(tf_parse(spec[k], &t, &why) == -1 && why && *why, "'%s' refused with a reason", spec[k]);
    }
    char buf[64];
    CHECK(!strcmp(tf_domain(&(Transform){TF_LOGIT, -1, 1}, buf, sizeof buf), "-1 < x < 1"), "domain: %s", buf);
    CHECK(tf_valid(&(Transform){TF_LOG, 0, 0}) && !tf_valid(&(Transform){TF_LOG, 1, 0}) &&
          !tf_valid(&(Transform){TF_LOGIT, 1, 1}) && !tf_valid(&(Transform){TF_COUNT, 0, 0}), "tf_valid");
}

static void check_tail_cut(void)
{
    /* distinct values in a shuffled order: ceil(Q rows) of them are <= the cut */
    enum { R = 1000, N = 2 };
    double *x = malloc(R * N * sizeof *x);
    Rng r;
    rng_seed(&r, 5);
    for (int i = 0; i < R; i++) x[i * N] = i + 1, x[i * N + 1] = -i;
    for (int i = R - 1; i > 0; i--) {
        int j = (int)(rng_u64(&r) % (uint64_t)(i + 1));
        double t = x[i * N];
        x[i * N] = x[j * N], x[j * N] = t;
    }
    double qs[] = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.0001, 0.12345};
    for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
        double cut = tf_tail_cut(x, R, N, 0, qs[k]);
        int kept = 0;
        for (int i = 0; i < R; i++) kept += x[i * N] <= cut;
        int want = (int)ceil(qs[k] * R - 1e-9);
        if (want < 1) want = 1;
        CHECK(kept == want, "Q=%g keeps %d of %d, want %d", qs[k], kept, R, want);
    }
    /* 0.07 * 100 is 7.000000000000001 in doubles: still 7 kept */
    CHECK(tf_tail_cut(x, 100, N, 1, 0.07) == -93, "Q * rows just above a whole number");
    CHECK(tf_tail_cut(x, R, N, 1, 0.5) == -500, "the second column: the 500th smallest of 0..-999");
    free(x);
}

static void make_model(GtmModel *m, char **on, double *lo, double *hi)
{
    *m = (GtmModel){.ncond = 0, .nnoise = 3, .nout = 2, .gw = 5, .dw = 6, .best_epoch = 3, .best_wd = 0.5};
    m->out_names = on, m->out_lo = lo, m->out_hi = hi, m->cond_lo = lo + 2, m->cond_hi = hi + 2;
    NetLayout lay;
    gan_generator_layout(&lay, 3, 5, 2);
    net_init(&m->G, &lay);
    Rng r;
    rng_seed(&r, 9);
    net_glorot(&m->G, &r);
}

static unsigned file_version(const char *path)
{
    unsigned char h[12] = {0};
    FILE *f = fopen(path, "rb");
    if (f) {
        if (fread(h, 1, 12, f) != 12) h[8] = 0;
        fclose(f);
    }
    return h[8] | (unsigned)h[9] << 8;
}

static void check_model_file(void)
{
    char *on[2] = {"pt", "c"};
    double lo[2] = {log(20.0), -3}, hi[2] = {log(200.0), 3};
    GtmModel m;
    make_model(&m, on, lo, hi);
    char path[] = "/tmp/test_transform_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "temp file");
    if (fd < 0) return;
    close(fd);
    CHECK(!gtm_needs_v2(&m), "no transform: version 1");
    gtm_save(path, &m);
    CHECK(file_version(path) == 1, "written as version 1 (%u)", file_version(path));
    GtmModel r;
    char err[256];
    CHECK(gtm_read(path, &r, err, sizeof err) == 0 && !r.out_tf && !r.out_cut && !r.range01, "v1 reads as none: %s", err);
    gtm_free(&r);

    Transform tf[2] = {{TF_LOG, 0, 0}, {TF_LOGIT, -3.5, 3.5}};
    double cut[2] = {190, INFINITY};
    m.out_tf = tf, m.out_cut = cut, m.tail_q = 0.99, m.range01 = 1;
    CHECK(gtm_needs_v2(&m), "transforms: version 2");
    gtm_save(path, &m);
    CHECK(file_version(path) == 2, "written as version 2 (%u)", file_version(path));
    CHECK(gtm_read(path, &r, err, sizeof err) == 0, "v2 reads: %s", err);
    CHECK(r.out_tf && r.out_tf[0].kind == TF_LOG && r.out_tf[1].kind == TF_LOGIT && r.out_tf[1].a == -3.5 &&
          r.out_tf[1].b == 3.5 && r.out_cut[0] == 190 && isinf(r.out_cut[1]) && r.tail_q == 0.99 && r.range01 == 1,
          "transforms, cuts, quantile and range read back");
    CHECK(memcmp(r.G.p, m.G.p, (size_t)m.G.lay.nparams * 4) == 0, "the same weights");

    /* the sampler maps [0, 1] units back through the range and t^-1: physical, positive */
    Sampler s;
    CHECK(sampler_init(&s, &r) == 0, "sampler");
    float y[4] = {0, 1, 0.5f, 0.25f};
    double ev[4];
    sampler_outputs(&s, 2, y, ev);
    CHECK_CLOSE(ev[0], 20, 0, 1e-12, "y = 0 is the smallest pt");
    CHECK_CLOSE(ev[2], sqrt(20.0 * 200.0), 0, 1e-12, "y = 0.5 is the geometric middle");
    CHECK_CLOSE(ev[1], -3.5 + 7 / (1 + exp(-3.0)), 0, 1e-12, "logit column: y = 1 is hi = 3, then t^-1");
    sampler_free(&s);
    gtm_free(&r);

    /* a bad stored transform is refused, not used */
    tf[0] = (Transform){TF_LOG, 1, 0};
    gtm_save(path, &m);
    CHECK(gtm_read(path, &r, err, sizeof err) == GTM_EFORMAT && strstr(err, "invalid transform"), "bad kind: %s", err);
    unlink(path);
    net_free(&m.G);
}

int main(void)
{
    check_round_trip();
    check_domains();
    check_tail_cut();
    check_model_file();
    return check_done("test_transform");
}
