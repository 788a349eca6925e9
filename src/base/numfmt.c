/* numfmt.c — see numfmt.h. */
#include "base/numfmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const double p10d[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static const uint64_t p10u[17] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
    10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
    1000000000000ull, 10000000000000ull, 100000000000000ull, 1000000000000000ull,
    10000000000000000ull};
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* round(v * 10^k), k in [-22, 22]: one correctly rounded operation with an exact power. */
static inline double scaled(double v, int k) { return k >= 0 ? v * p10d[k] : v / p10d[-k]; }

/* short copies: a byte loop beats a call to memcpy for 1..15 bytes */
static inline char *copy(char *p, const char *d, int n)
{
    for (int i = 0; i < n; i++) p[i] = d[i];
    return p + n;
}

static int fallback(char *buf, double v, int sig)
{
    return snprintf(buf, NUMFMT_MAX, "%.*g", sig, v);
}

int numfmt_g(char *buf, double v, int sig)
{
    if (sig < 1) sig = 1;
    if (sig > 15 || !isfinite(v)) return fallback(buf, v, sig);
    const double orig = v;
    uint64_t bits;
    memcpy(&bits, &v, 8);
    int be = (int)((bits >> 52) & 0x7ff);
    char *p = buf;
    if (be == 0) {                       /* zero or subnormal */
        if ((bits << 1) != 0) return fallback(buf, v, sig);
        if (bits >> 63) *p++ = '-';
        *p++ = '0';
        *p = '\0';
        return (int)(p - buf);
    }
    if (v < 0) { *p++ = '-'; v = -v; }
    /* Decimal exponent: floor(log10 v) is e or e+1 for e from the binary exponent. */
    int e10 = ((be - 1023) * 78913) >> 18;   /* floor(e log10 2) for |e| < 1024, no libm */
    int k = sig - 1 - e10;
    if (k < -21 || k > 22) return fallback(buf, orig, sig);   /* k may drop by one below */
    double m = scaled(v, k);
    if (m >= (double)p10u[sig] - 0.5) {  /* the estimate was one low */
        e10++;
        k--;
        m = scaled(v, k);
    }
    uint64_t mi = (uint64_t)m;                        /* m < 2^53: m - mi is exact */
    if (m - (double)mi >= 0.5) mi++;
    if (mi >= p10u[sig]) { mi /= 10; e10++; }          /* 9.9999995 rounds up to 10.00000 */
    if (mi < p10u[sig - 1]) mi = p10u[sig - 1];        /* cannot happen but for ulp noise */

    /* sig digits of mi, most significant first */
    char d[20];
    int nd = sig;
    for (int i = nd; i > 0;) {
        if (i >= 2) { memcpy(d + i - 2, digit_pairs + 2 * (mi % 100), 2); mi /= 100; i -= 2; }
        else { d[0] = (char)('0' + mi % 10); mi /= 10; i--; }
    }
    while (nd > 1 && d[nd - 1] == '0') nd--;           /* %g drops trailing zeros */

    if (e10 < -4 || e10 >= sig) {                      /* d.ddde+XX */
        *p++ = d[0];
        if (nd > 1) { *p++ = '.'; p = copy(p, d + 1, nd - 1); }
        *p++ = 'e';
        int ae = e10 < 0 ? -e10 : e10;
        *p++ = e10 < 0 ? '-' : '+';
        if (ae >= 100) { *p++ = (char)('0' + ae / 100); ae %= 100; }
        memcpy(p, digit_pairs + 2 * ae, 2);
        p += 2;
    } else if (e10 >= 0) {                             /* ddd.ddd */
        int ip = e10 + 1;
        if (nd <= ip) {
            p = copy(p, d, nd);
            for (int i = nd; i < ip; i++) *p++ = '0';
        } else {
            p = copy(p, d, ip);
            *p++ = '.';
            p = copy(p, d + ip, nd - ip);
        }
    } else {                                           /* 0.000ddd */
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -e10 - 1; i++) *p++ = '0';
        p = copy(p, d, nd);
    }
    *p = '\0';
    return (int)(p - buf);
}

/* "-0.000" reads as a sign that means something: a value that rounds to zero prints unsigned. */
static void drop_negative_zero(char *s)
{
    if (s[0] != '-') return;
    for (const char *p = s + 1; *p && *p != ' '; p++)
        if (*p != '0' && *p != '.') return;
    memmove(s, s + 1, strlen(s));
}

int numfmt_pm(char *buf, int n, double mean, double sd)
{
    char m[NUMFMT_MAX];
    if (!isfinite(mean)) return snprintf(buf, (size_t)n, "%g", mean);
    if (!(sd > 0) || !isfinite(sd)) {
        numfmt_g(m, mean, 4);
        drop_negative_zero(m);
        return snprintf(buf, (size_t)n, "%s", m);
    }
    int d = 1 - (int)floor(log10(sd));
    if (d <= 15 && floor(sd * pow(10, d) + 0.5) >= 100) d--;   /* 0.0996 is 0.10, not 0.100 */
    int len;
    if (d > 12) {
        /* sd below 1e-12: so far below any mean here that the mean's digits are what matter */
        numfmt_g(m, mean, 7);
        len = snprintf(buf, (size_t)n, "%s ± %.2g", m, sd);
    } else if (d >= 0) {
        len = snprintf(buf, (size_t)n, "%.*f ± %.*f", d, mean, d, sd);
    } else {
        double q = pow(10, -d);
        len = snprintf(buf, (size_t)n, "%.0f ± %.0f", floor(mean / q + 0.5) * q, floor(sd / q + 0.5) * q);
    }
    if (n > 0 && buf[0] == '-') {
        drop_negative_zero(buf);
        len = (int)strlen(buf);
    }
    return len;
}

int numfmt_dur(char *buf, int n, double s)
{
    if (!(s >= 0) || s > 1e9) return snprintf(buf, (size_t)n, "?");
    if (s < 9.95) return snprintf(buf, (size_t)n, "%.1fs", s);
    long t = (long)(s + 0.5);
    if (t >= 100 * 3600) return snprintf(buf, (size_t)n, "%ldh", t / 3600);
    if (t >= 3600) return snprintf(buf, (size_t)n, "%ldh%02ldm", t / 3600, t / 60 % 60);
    if (t >= 60) return snprintf(buf, (size_t)n, "%ldm%02lds", t / 60, t % 60);
    return snprintf(buf, (size_t)n, "%lds", t);
}

int numfmt_pct(char *buf, int n, double pct)
{
    if (!isfinite(pct)) return snprintf(buf, (size_t)n, "?");
    return snprintf(buf, (size_t)n, "%.1f%%", pct);
}

int numfmt_cols(const char *s)
{
    int c = 0;
    for (; *s; s++) c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}
