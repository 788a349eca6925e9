/* test_csvparse.c — csv_parse_double's fast path returns exactly strtod's double on every kind of
 * decimal the programs write or read, and refuses what strtod's full-cell rule refuses. */
#include "check.h"
#include "base/csvio.h"
#include "base/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    Rng r;
    rng_seed(&r, 11);
    char buf[64];
    int mismatch = 0, tried = 0;
    const char *fmts[] = {"%.1f", "%.3f", "%.7g", "%.9g", "%.15g", "%.17g", "%.6e", "%.20f", "%.0f"};
    for (int i = 0; i < 300000; i++) {
        double v = (rng_uniform(&r) - 0.3) * pow(10, (int)rng_below(&r, 50) - 25);
        snprintf(buf, sizeof buf, fmts[i % 9], v);
        double got = -12345, want = strtod(buf, NULL);
        int rc = csv_parse_double(buf, &got);
        tried++;
        if (rc != 0 || memcmp(&got, &want, sizeof got) != 0) {
            if (mismatch++ < 5) fprintf(stderr, "'%s': got %.17g want %.17g rc %d\n", buf, got, want, rc);
        }
    }
    CHECK(mismatch == 0, "%d of %d parses differ from strtod", mismatch, tried);

    /* Random digit strings with 1..25 digits, a point and an exponent. */
    mismatch = 0;
    for (int i = 0; i < 200000; i++) {
        char *p = buf;
        if (rng_below(&r, 2)) *p++ = '-';
        int nd = 1 + (int)rng_below(&r, 25), dot = (int)rng_below(&r, (uint64_t)nd + 1);
        for (int k = 0; k < nd; k++) {
            if (k == dot) *p++ = '.';
            *p++ = (char)('0' + rng_below(&r, 10));
        }
        if (rng_below(&r, 2)) p += sprintf(p, "e%d", (int)rng_below(&r, 80) - 40);
        *p = '\0';
        double got, want = strtod(buf, NULL);
        if (csv_parse_double(buf, &got) != 0 || memcmp(&got, &want, sizeof got) != 0) mismatch++;
    }
    CHECK(mismatch == 0, "%d random digit strings differ from strtod", mismatch);

    double v;
    CHECK(csv_parse_double(" 2.5 ", &v) == 0 && v == 2.5, "spaces around a number");
    CHECK(csv_parse_double("-0", &v) == 0 && v == 0 && signbit(v), "negative zero");
    CHECK(csv_parse_double("1e5", &v) == 0 && v == 1e5, "exponent");
    CHECK(csv_parse_double(".5", &v) == 0 && v == 0.5, "leading point");
    CHECK(csv_parse_double("5.", &v) == 0 && v == 5.0, "trailing point");
    CHECK(csv_parse_double("123456789012345678901234", &v) == 0 && v == 123456789012345678901234.0, "long mantissa");
    CHECK(csv_parse_double("1e-320", &v) == 0 && v == strtod("1e-320", NULL), "subnormal");
    CHECK(csv_parse_double("", &v) == -1, "empty cell");
    CHECK(csv_parse_double("abc", &v) == -1, "word");
    CHECK(csv_parse_double("1.5x", &v) == -1, "trailing junk");
    CHECK(csv_parse_double("1e", &v) == -1, "dangling exponent");
    CHECK(csv_parse_double("-", &v) == -1, "lone sign");
    CHECK(csv_parse_double(".", &v) == -1, "lone point");
    CHECK(csv_parse_double("1 2", &v) == -1, "two numbers");
    CHECK(csv_parse_double("nan", &v) == -2, "nan");
    CHECK(csv_parse_double("NaN", &v) == -2, "NaN");
    CHECK(csv_parse_double("inf", &v) == -2, "inf");
    CHECK(csv_parse_double("-Infinity", &v) == -2, "-Infinity");
    CHECK(csv_parse_double("1e400", &v) == -2, "overflow to inf");
    return check_done("csvparse");
}
