/* test_space.c — every lattice value prints, parses back and maps to the same lattice integer;
 * unit-cube maps invert, on linear and log axes; a log axis with a non-positive bound (or an
 * unknown axis) is refused with file:line; keys are unique; the key set finds what it holds;
 * a history's pruned rows read as finished and marked pruned. */
#include "check.h"
#include "hpo/space.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_DISABLE() __lsan_disable()
#else
#define LSAN_DISABLE() ((void)0)
#endif

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(1); }
    fputs(text, f);
    fclose(f);
}

/* space_read of text in a child: 1 when it exits 1 with want (after the file name) on stderr. */
static int refused(const char *text, const char *want)
{
    char path[] = "/tmp/test_space_bad.XXXXXX", ep[64];
    close(mkstemp(path));
    put(path, text);
    snprintf(ep, sizeof ep, "%s.err", path);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(ep, "w", stderr)) _exit(99);
        LSAN_DISABLE();
        space_read(path);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    char msg[1024] = "", w[512];
    FILE *f = fopen(ep, "r");
    if (f) { size_t k = fread(msg, 1, sizeof msg - 1, f); msg[k] = '\0'; fclose(f); }
    snprintf(w, sizeof w, "%s:%s", path, want);
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(msg, w);
    if (!ok) fprintf(stderr, "  wanted exit 1 and '%s', got status %d: %s\n", w, st, msg);
    unlink(path);
    unlink(ep);
    return ok;
}

/* The log axis: values still k*scaling, the unit cube in log k, each level round-trips. */
static void test_log_axis(void)
{
    char path[] = "/tmp/test_space_log.XXXXXX";
    close(mkstemp(path));
    put(path, "name,lower,upper,scaling,axis\nlr,1,200,5e-5,log\nbs,8,64,32,linear\nn,1,100,4,\n"
              "big,3,4000,1,log\n");
    Space *s = space_read(path);
    unlink(path);
    CHECK(s->d == 4 && s->logax[0] && !s->logax[1] && !s->logax[2] && s->logax[3], "axes read");
    CHECK(space_has_log(s), "space_has_log");
    int bad = 0, badu = 0, mono = 0;
    for (int j = 0; j < s->d; j++)
        for (long k = s->lo[j]; k <= s->hi[j]; k++) {
            char b[40];
            space_fmt(b, sizeof b, space_value(s, j, k));
            long k2 = -999;
            if (space_lattice(s, j, strtod(b, NULL), &k2) != 0 || k2 != k) bad++;
            if (space_from_unit(s, j, space_unit(s, j, k)) != k) badu++;
            if (k > s->lo[j] && !(space_unit(s, j, k) > space_unit(s, j, k - 1))) mono++;
        }
    CHECK(bad == 0, "log axis: %d values failed to round-trip", bad);
    CHECK(badu == 0, "log axis: %d unit-cube maps failed to invert", badu);
    CHECK(mono == 0, "unit coordinates increase with k (%d not)", mono);
    CHECK(space_unit(s, 0, 1) == 0 && fabs(space_unit(s, 0, 200) - 1) < 1e-15, "ends at 0 and 1");
    /* equal room per factor: 1 -> 10 and 20 -> 200 span the same unit length */
    double a = space_unit(s, 0, 10) - space_unit(s, 0, 1), c = space_unit(s, 0, 200) - space_unit(s, 0, 20);
    CHECK(fabs(a - c) < 1e-12, "a decade is a decade (%g vs %g)", a, c);
    CHECK(space_from_unit(s, 0, 0.5) == 14, "the middle of 1..200 in log is 14 (%ld)", space_from_unit(s, 0, 0.5));
    CHECK(fabs(space_unit(s, 1, 36) - 0.5) < 1e-15, "a linear axis beside it stays linear");
    space_free(s);
    CHECK(refused("name,lower,upper,scaling,axis\nlr,0,200,5e-5,log\n",
                  "2: lr: a log axis needs lower >= 1 (a positive bound), got 0"), "log axis from 0");
    CHECK(refused("name,lower,upper,scaling,axis\nok,1,9,1,log\nx,-3,5,1,log\n",
                  "3: x: a log axis needs lower >= 1"), "log axis from a negative bound");
    CHECK(refused("name,lower,upper,scaling,axis\nx,1,5,1,cubic\n", "2: x: axis 'cubic' is not linear or log"),
          "an unknown axis");
}

/* A history's rows as the proposer reads them: ok and pruned rows finished (a pruned one
 * marked), a failed one not, and a pending file (no objective) marks nothing pruned. */
static void test_read_points(void)
{
    char sp[] = "/tmp/test_space_pts.XXXXXX", hp[] = "/tmp/test_space_hist.XXXXXX";
    close(mkstemp(sp));
    close(mkstemp(hp));
    put(sp, "name,lower,upper,scaling\na,0,4,1\n");
    put(hp, "id,a,wd_mean,wd_std,n_trials,n_failed,status,pruned_at\n1,0,0.3,0.1,2,0,ok,0\n"
            "2,1,0.5,0.1,2,0,pruned,3\n3,2,nan,nan,2,2,failed,0\n4,3,0.6,0.2,2,0,pruned,1\n");
    Space *s = space_read(sp);
    PointSet ps;
    space_read_points(s, hp, "wd_mean", "wd_std", 0, &ps);
    CHECK(ps.n == 4, "4 rows (%zu)", ps.n);
    CHECK(ps.ok[0] && ps.ok[1] && !ps.ok[2] && ps.ok[3], "ok and pruned rows finished, the failed one not");
    CHECK(!ps.pruned[0] && ps.pruned[1] && !ps.pruned[2] && ps.pruned[3], "pruned rows marked");
    CHECK(ps.y[1] == 0.5 && fabs(ps.var[1] - 0.005) < 1e-15, "a pruned row keeps its value and variance");
    pointset_free(&ps);
    space_read_points(s, hp, NULL, NULL, 0, &ps);
    int any = 0;
    for (size_t i = 0; i < ps.n; i++) any |= ps.pruned[i];
    CHECK(!any, "without an objective nothing is marked pruned");
    pointset_free(&ps);
    space_free(s);
    unlink(sp);
    unlink(hp);
}

int main(void)
{
    test_log_axis();
    test_read_points();
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
