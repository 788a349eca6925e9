/* numfmt.h — fast double-to-text with a fixed number of significant digits, in printf's %.*g
 * layout (fixed notation for exponents -5..sig-1, else d.ddde+XX; trailing zeros dropped).
 * About ten times faster than snprintf: one scaling by an exact power of ten, one integer
 * conversion. The digits are those of %.*g except, rarely, at an exact rounding tie, where the
 * last digit may differ by one; the printed value is within one unit of the last digit of v
 * (half a unit but for that). Subnormals, |exponent| > 22 - sig and sig > 15 fall back to
 * snprintf. */
#ifndef GANTUNE_NUMFMT_H
#define GANTUNE_NUMFMT_H

#define NUMFMT_MAX 32   /* buffer size that always suffices, NUL included */

/* Write v with sig (1..17) significant digits and a NUL to buf; returns the length. */
int numfmt_g(char *buf, double v, int sig);

/* Numbers for a person to read (progress lines, final lines, index.html); the files keep every
 * digit. Each writes at most n bytes, NUL included, and returns the length. */

/* "mean ± sd": sd to two significant digits, the mean to the same decimal place (so its last
 * digit is the first uncertain one). sd zero, negative or not finite: the mean to 4 significant
 * digits alone; a mean not finite: "nan" (or "inf"). */
int numfmt_pm(char *buf, int n, double mean, double sd);

/* A duration in seconds as a person says it: "7.6s" under ten seconds, "45s", "1m18s", "2h05m";
 * negative or not finite: "?". */
int numfmt_dur(char *buf, int n, double s);

/* A percentage with one decimal: numfmt_pct(buf, n, 93.5093) is "93.5%". */
int numfmt_pct(char *buf, int n, double pct);

/* Columns a UTF-8 string takes in a terminal (one per code point: no wide characters here). */
int numfmt_cols(const char *s);
#endif
