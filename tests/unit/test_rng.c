/* test_rng.c — the generator is reproducible, streams differ, and its moments are right. */
#include "check.h"
#include "base/rng.h"

#include <stdint.h>
#include <stdlib.h>

int main(void)
{
    Rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= rng_u64(&a) == rng_u64(&b);
    CHECK(same, "same seed gives the same stream");

    rng_seed2(&a, 42, 1);
    rng_seed2(&b, 42, 2);
    int differ = 0;
    for (int i = 0; i < 100; i++) differ += rng_u64(&a) != rng_u64(&b);
    CHECK(differ > 95, "streams 1 and 2 differ (%d/100)", differ);

    enum { N = 400000 };
    double s = 0, s2 = 0, s4 = 0, u = 0;
    for (int i = 0; i < N; i++) {
        double z = rng_normal(&a);
        s += z; s2 += z * z; s4 += z * z * z * z;
        u += rng_uniform(&a);
    }
    CHECK_CLOSE(s / N, 0.0, 0.01, 0, "normal mean");
    CHECK_CLOSE(s2 / N, 1.0, 0.01, 0, "normal variance");
    CHECK_CLOSE(s4 / N, 3.0, 0.05, 0, "normal 4th moment");
    CHECK_CLOSE(u / N, 0.5, 0.003, 0, "uniform mean");

    int counts[7] = {0};
    for (int i = 0; i < 70000; i++) counts[rng_below(&a, 7)]++;
    int ok = 1;
    for (int k = 0; k < 7; k++) ok &= abs(counts[k] - 10000) < 500;
    CHECK(ok, "rng_below(7) is uniform");

    uint32_t p[100];
    for (uint32_t i = 0; i < 100; i++) p[i] = i;
    rng_shuffle_u32(&a, p, 100);
    int seen[100] = {0}, perm = 1;
    for (int i = 0; i < 100; i++) perm &= !seen[p[i]]++;
    CHECK(perm, "shuffle is a permutation");
    return check_done("test_rng");
}
