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
#endif
