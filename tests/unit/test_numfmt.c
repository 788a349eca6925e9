/* test_numfmt.c — numfmt_g against snprintf("%.*g"): same text almost always, never more than one
 * unit of the last digit away, and the value reads back within half a unit plus the one rounding
 * of the scaling (2^-52 |v|). */
#include "check.h"
#include "base/numfmt.h"
#include "base/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    Rng r;
    rng_seed(&r, 5);
    char got[NUMFMT_MAX], want[NUMFMT_MAX];
    long n = 0, same = 0, far = 0, badlen = 0, n12 = 0, same12 = 0;
    for (int i = 0; i < 400000; i++) {
        int sig = 1 + (int)(i % 15);
        double v = (rng_uniform(&r) - 0.4) * pow(10, (int)rng_below(&r, 60) - 30);
        if (i % 7 == 0) v = (double)(int64_t)(v * 1000) / 1000;   /* short decimals, ties */
        if (i % 11 == 0) v = round(v);
        int len = numfmt_g(got, v, sig);
        snprintf(want, sizeof want, "%.*g", sig, v);
        n++;
        n12 += sig <= 12;
        if (len != (int)strlen(got)) badlen++;
        if (strcmp(got, want) == 0) { same++; same12 += sig <= 12; continue; }
        /* differing text: both must read back to within one unit of the sig-th digit */
        double g = strtod(got, NULL), w = strtod(want, NULL);
        double ulp = pow(10, floor(log10(fabs(v))) - sig + 1);
        if (fabs(g - w) > ulp + 0x1p-50 * fabs(v) || fabs(g - v) > 0.5 * ulp + 0x1p-51 * fabs(v)) {
            if (far++ < 5) fprintf(stderr, "v=%.17g sig=%d got %s want %s\n", v, sig, got, want);
        }
    }
    CHECK(badlen == 0, "returned length is strlen");
    CHECK(far == 0, "%ld of %ld outside half a unit", far, n);
    CHECK(same >= n - n / 200, "%ld of %ld identical to printf", same, n);
    /* with <= 12 digits the scaling's rounding rarely reaches the last digit */
    CHECK(same12 >= n12 - n12 / 5000, "%ld of %ld identical to printf (sig <= 12)", same12, n12);

    const struct { double v; int sig; const char *s; } fixed[] = {
        {0.0, 7, "0"}, {-0.0, 7, "-0"}, {1.0, 7, "1"}, {-2.5, 7, "-2.5"}, {91.1876, 7, "91.1876"},
        {123456789.0, 7, "1.234568e+08"}, {0.0001234, 7, "0.0001234"}, {0.00001234, 7, "1.234e-05"},
        {9999999.6, 7, "1e+07"}, {3.14159265358979, 3, "3.14"}, {1e300, 7, "1e+300"},
        {5e-324, 7, "4.940656e-324"}, {1e22, 15, "1e+22"}, {100.0, 3, "100"}, {1000.0, 3, "1e+03"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        numfmt_g(got, fixed[i].v, fixed[i].sig);
        CHECK(strcmp(got, fixed[i].s) == 0, "%.17g: got %s want %s", fixed[i].v, got, fixed[i].s);
    }
    numfmt_g(got, NAN, 7);
    snprintf(want, sizeof want, "%.7g", NAN);
    CHECK(strcmp(got, want) == 0, "nan as printf");
    /* the readable formats: sd to two significant digits, the mean to the same place */
    const struct { double m, sd; const char *s; } pm[] = {
        {0.534291, 0.0001286934342, "0.53429 ± 0.00013"}, {0.502, 0.001, "0.5020 ± 0.0010"},
        {0.5, 0.0996, "0.50 ± 0.10"}, {12.345, 1.5, "12.3 ± 1.5"}, {1234.5, 123.4, "1230 ± 120"},
        {-0.00001, 0.001, "0.0000 ± 0.0010"}, {0.25, 0, "0.25"}, {0.25, NAN, "0.25"},
        {0.2, 12, "0 ± 12"},
    };
    for (size_t i = 0; i < sizeof pm / sizeof *pm; i++) {
        numfmt_pm(got, sizeof got, pm[i].m, pm[i].sd);
        CHECK(strcmp(got, pm[i].s) == 0, "pm %g %g: got '%s' want '%s'", pm[i].m, pm[i].sd, got, pm[i].s);
    }
    const struct { double s; const char *t; } dur[] = {
        {77.6446, "1m18s"}, {7.64, "7.6s"}, {45.2, "45s"}, {3725, "1h02m"}, {4e6, "1111h"}, {-1, "?"}, {NAN, "?"},
    };
    for (size_t i = 0; i < sizeof dur / sizeof *dur; i++) {
        numfmt_dur(got, sizeof got, dur[i].s);
        CHECK(strcmp(got, dur[i].t) == 0, "dur %g: got '%s' want '%s'", dur[i].s, got, dur[i].t);
    }
    numfmt_pct(got, sizeof got, 93.5093);
    CHECK(strcmp(got, "93.5%") == 0, "pct: got '%s'", got);
    CHECK(numfmt_cols("a ± b") == 5, "cols of a ± b: %d", numfmt_cols("a ± b"));
    return check_done("numfmt");
}
