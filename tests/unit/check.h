/* check.h — minimal unit-test harness: CHECK/CHECK_CLOSE count failures, check_done() prints
 * "N passed, N failed" and returns the exit status (non-zero on any failure). */
#ifndef GANTUNE_CHECK_H
#define GANTUNE_CHECK_H
#include <math.h>
#include <stdio.h>

static int check_pass, check_fail;

#define CHECK(cond, ...) do { \
    if (cond) check_pass++; \
    else { check_fail++; fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
           fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* |got - want| <= atol + rtol * |want| (llm.c / ggml style) */
#define CHECK_CLOSE(got, want, atol, rtol, what) do { \
    double g_ = (double)(got), w_ = (double)(want); \
    CHECK(fabs(g_ - w_) <= (atol) + (rtol) * fabs(w_), "%s: got %.10g want %.10g", what, g_, w_); \
    } while (0)

static inline int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_pass, check_fail);
    return check_fail ? 1 : 0;
}
#endif
