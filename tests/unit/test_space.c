/* test_space.c — every lattice value prints, parses back and maps to the same lattice integer;
 * unit-cube maps invert; keys are unique; the key set finds what it holds. */
#include "check.h"
#include "hpo/space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/test_space.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("name,lower,upper,scaling\nnoise_dim,1,100,4\nlr,1,200,5e-5\nmom,0,30,0.033\n"
          "one,3,3,0.1\nneg,-5,5,0.7\n", f);
    fclose(f);
    Space *s = space_read(path);
    unlink(path);
    CHECK(s->d == 5, "5 hyperparameters (%d)", s->d);
    int bad = 0, badu = 0;
    for (int j = 0; j < s->d; j++)
        for (long k = s->lo[j]; k <= s->hi[j]; k++) {
            char b[40];
            space_fmt(b, sizeof b, space_value(s, j, k));
            long k2 = -999;
            if (space_lattice(s, j, strtod(b, NULL), &k2) != 0 || k2 != k) {
                bad++;
                fprintf(stderr, "%s k=%ld printed %s read %ld\n", s->name[j], k, b, k2);
            }
            if (strlen(b) > 12) bad++;           /* short: 0.00465, not 0.0046500000000000005 */
            if (space_from_unit(s, j, space_unit(s, j, k)) != k) badu++;
        }
    CHECK(bad == 0, "%d values failed to round-trip", bad);
    CHECK(badu == 0, "%d unit-cube maps failed to invert", badu);
    long k;
    CHECK(space_lattice(s, 1, 0.00012, &k) != 0, "0.00012 is off a 5e-5 lattice");
    CHECK(space_lattice(s, 1, 0.0101, &k) != 0, "beyond upper is off the lattice");
    CHECK(space_lattice(s, 0, 0, &k) != 0, "below lower is off the lattice");
    CHECK(space_unit(s, 3, 3) == 0.5, "a one-level dimension sits at the centre");
    CHECK(space_size(s) == 100.0 * 200 * 31 * 1 * 11, "lattice size");

    KeySet ks;
    keyset_init(&ks);
    long p[5] = { 1, 1, 0, 3, -5 };
    int dup = 0;
    for (long a = 1; a <= 100; a++)
        for (long b = 1; b <= 200; b += 7) {
            p[0] = a; p[1] = b;
            dup += !keyset_add(&ks, space_key(s, p));
        }
    CHECK(dup == 0, "distinct points have distinct keys (%d clashes)", dup);
    p[0] = 50; p[1] = 8;
    CHECK(keyset_has(&ks, space_key(s, p)), "key set holds an added point");
    p[1] = 9;
    CHECK(!keyset_has(&ks, space_key(s, p)), "key set lacks a point never added");
    keyset_free(&ks);
    space_free(s);
    return check_done("test_space");
}
