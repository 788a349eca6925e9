/* test_rundir.c — run.conf's one rule (comments, blank lines, empty values; duplicate, unknown
 * and bad values refused with file:line), bookkeeping files read by column name in any order,
 * best_set with kappa and its tie rule, best_pick's smoothed rule past a lucky draw, the record
 * schema. Errors exit, so each refused input is
 * read in a child process whose stderr is checked. */
#include "check.h"
#include "hpo/rundir.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/test_rundir.XXXXXX";

static void put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f) { perror(p); exit(1); }
    fputs(text, f);
    fclose(f);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LSAN_DISABLE() __lsan_disable()
#else
#define LSAN_DISABLE() ((void)0)
#endif

/* Run fn(arg) in a child; 1 when it exits 1 with a stderr line containing want. */
static int fails_with(void (*fn)(void), const char *want)
{
    char ep[256];
    snprintf(ep, sizeof ep, "%s/stderr", dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(ep, "w", stderr)) _exit(99);
        /* the child is meant to die half-way through fn (exit 1): what it holds then is no leak */
        LSAN_DISABLE();
        fn();
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    char msg[1024] = "";
    FILE *f = fopen(ep, "r");
    if (f) { size_t k = fread(msg, 1, sizeof msg - 1, f); msg[k] = '\0'; fclose(f); }
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(msg, want);
    if (!ok) fprintf(stderr, "  wanted exit 1 and '%s', got status %d: %s\n", want, st, msg);
    return ok;
}

static void load_conf(void) { runconf_free(runconf_load(dir)); }
static void need_budget(void) { runconf_long(runconf_load(dir), "budget"); }
static void load_hist(void)
{
    Space *sp = rundir_space(dir);
    RdTable t;
    rd_load(&t, dir, RD_HISTORY, sp);
}

static void pick_bad_rule(void)
{
    Space *sp = rundir_space(dir);
    RdTable t;
    rd_load(&t, dir, RD_HISTORY, sp);
    BestPick p;
    best_pick(&t, sp, runconf_load(dir), &p, NULL);
}

static int conf_refused(const char *text, const char *want)
{
    put("run.conf", text);
    char w[512];
    snprintf(w, sizeof w, "%s/run.conf:%s", dir, want);
    return fails_with(load_conf, w);
}

static long best_id(double kappa)
{
    Space *sp = rundir_space(dir);
    RdTable t;
    rd_load(&t, dir, RD_HISTORY, sp);
    int b = best_set(&t, kappa);
    long id = b < 0 ? -1 : strtol(t.rows[b][0], NULL, 10);
    rd_free(&t);
    space_free(sp);
    return id;
}

int main(void)
{
    if (!mkdtemp(dir)) { perror(dir); return 1; }

    /* the format as anp writes it: comments, blank lines, empty values, spaces and '=' kept */
    put("run.conf", "# a comment\n\nstudy=hadronization\nseed=18446744073709551615\ntrials=5\n"
                    "budget=0\nkappa=2.5\nmax_events=\ntrainer=srun -n1 a=b\r\nstarted=1795001000.000\n");
    RunConf *c = runconf_load(dir);
    CHECK(c->n == 8, "8 keys (%d)", c->n);
    CHECK(strcmp(runconf_get(c, "study"), "hadronization") == 0, "study");
    CHECK(runconf_get(c, "max_events") == NULL, "an empty value is unset");
    CHECK(runconf_get(c, "method") == NULL, "an absent key is unset");
    CHECK(strcmp(runconf_get(c, "trainer"), "srun -n1 a=b") == 0, "value to the end of the line, CR dropped");
    CHECK(runconf_u64(c, "seed") == UINT64_MAX, "seed as u64");
    CHECK(runconf_long(c, "trials") == 5 && runconf_long(c, "budget") == 0, "longs");
    CHECK(runconf_long_or(c, "n_init", 7) == 7, "default of an absent long");
    CHECK(runconf_double_or(c, "kappa", 0) == 2.5, "kappa");
    CHECK(runconf_double_or(c, "started", 0) == 1795001000.0, "started");
    runconf_free(c);
    put("run.conf", "seed=1\n");
    CHECK(fails_with(need_budget, "run.conf: missing key 'budget'"), "a required key that is absent");

    CHECK(conf_refused("seed=1\ntrials=2\nseed=3\n", "3: duplicate key 'seed' (first on line 1)"), "duplicate");
    CHECK(conf_refused("# x\nsed=1\n", "2: unknown key 'sed'"), "unknown key");
    CHECK(conf_refused("trials=0\n", "1: trials: '0' is not an integer in [1, 100000]"), "out of range");
    CHECK(conf_refused("trials=2x\n", "1: trials: '2x' is not an integer"), "not an integer");
    CHECK(conf_refused("\nkappa=abc\n", "2: kappa: 'abc' is not a number"), "not a number");
    CHECK(conf_refused("kappa=-1\n", "1: kappa: '-1' is not a number in [0, 1e+06]"), "negative kappa");
    CHECK(conf_refused("seed=-1\n", "1: seed: '-1' is not an integer in [0, 2^64)"), "negative seed");
    CHECK(conf_refused("seed=99999999999999999999\n", "1: seed:"), "seed past 2^64");
    CHECK(conf_refused("study\n", "1: expected key=value"), "no '='");
    CHECK(conf_refused("=1\n", "1: expected key=value"), "no key");
    CHECK(conf_refused(" seed=1\n", "1: unknown key ' seed'"), "keys are not trimmed");

    /* history by column name, columns in another order than hpo-step writes them */
    put("run.conf", "seed=1\ntrials=2\nbudget=9\n");
    put("space.csv", "name,lower,upper,scaling\na,1,50,0.5\nb,1,40,2\n");
    put("history.csv", "status,wd_std,id,b,wd_mean,a,n_failed,n_trials\n"
                       "ok,0.05,1,4,0.10,1.5,0,2\n"      /* lowest mean, wide */
                       "ok,0.001,2,6,0.12,2,0,2\n"       /* lowest mean + 2 sigma */
                       "failed,nan,3,8,nan,3,2,2\n"
                       "diverged,0,4,10,0.01,4,1,2\n"    /* not ok: never best */
                       "ok,nan,5,12,0.30,5,0,1\n");      /* one trial: std nan counts as 0 */
    Space *sp = rundir_space(dir);
    RdTable h;
    rd_load(&h, dir, RD_HISTORY, sp);
    CHECK(h.ncols == 9 && strcmp(h.names[0], "id") == 0 && strcmp(h.names[1], "a") == 0 &&
          strcmp(h.names[2], "b") == 0 && strcmp(h.names[3], hist_col(HIST_MEAN)) == 0 &&
          strcmp(h.names[7], hist_col(HIST_STATUS)) == 0 &&
          strcmp(h.names[8], hist_col(HIST_PRUNED)) == 0 && strcmp(h.rows[0][8], "0") == 0,
          "canonical column order, pruned_at 0 where the file predates it");
    CHECK(h.nrows == 5 && strcmp(h.rows[1][0], "2") == 0 && strcmp(h.rows[1][1], "2") == 0 &&
          strcmp(h.rows[1][2], "6") == 0 && strcmp(h.rows[1][3], "0.12") == 0, "values by name");
    CHECK(h.line[0] == 2 && h.line[4] == 6, "source lines kept");
    HistRow hr;
    hist_row(&h, 2, &hr);
    CHECK(hr.id == 3 && !hr.ok && hr.ntrials == 2 && hr.nfailed == 2 && hr.mean != hr.mean, "failed row");
    hist_row(&h, 4, &hr);
    CHECK(hr.ok && hist_objective(&hr, 2) == 0.30, "a std of nan counts as 0");
    rd_free(&h);
    CHECK(best_id(0) == 1, "kappa 0: lowest mean (%ld)", best_id(0));
    CHECK(best_id(2) == 2, "kappa 2: lowest mean + 2 sigma (%ld)", best_id(2));
    /* a huge kappa prefers the one-trial set, whose std (nan) counts as 0 */
    CHECK(best_id(1000) == 5, "kappa 1000 (%ld)", best_id(1000));

    /* ties: the lowest id, whatever order the rows were finished in */
    put("history.csv", "id,a,b,wd_mean,wd_std,n_trials,n_failed,status\n"
                       "7,1,2,0.2,0,2,0,ok\n5,2,2,0.2,0,2,0,ok\n9,3,2,0.1,0.05,2,0,ok\n");
    CHECK(best_id(2) == 5, "tie broken by the lowest id (%ld)", best_id(2));
    CHECK(best_id(0) == 9, "kappa 0 (%ld)", best_id(0));
    put("history.csv", "id,a,b,wd_mean,wd_std,n_trials,n_failed,status\n3,1,2,nan,nan,2,2,failed\n");
    CHECK(best_id(0) == -1, "no set finished ok");

    /* best_pick: a bowl (minimum 0.1 at a=b=11) sampled on a 5x5 grid, 2 trials a set of trial
     * sd 0.06, and one set up the bowl (a=b=16, true 0.15) whose two trials happened to agree
     * on a low value (0.06, sd 0.001; 2.1 sigma of a mean below its truth): the lowest observed
     * mean is that lucky draw, the smoothed rule looks past it. */
    put("space.csv", "name,lower,upper,scaling\na,1,21,1\nb,1,21,1\n");
    {
        char text[8192];
        int len = snprintf(text, sizeof text, "id,a,b,wd_mean,wd_std,n_trials,n_failed,status\n");
        int id = 0;
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++) {
                int a = 1 + 5 * i, b = 1 + 5 * j;
                double truth = 0.1 + 0.001 * ((a - 11) * (a - 11) + (b - 11) * (b - 11));
                /* a fixed +-0.02 pattern stands for the trial noise of the means */
                int lucky = a == 16 && b == 16;
                double y = lucky ? 0.06 : truth + ((i + 2 * j) % 3 - 1) * 0.02;
                double sd = lucky ? 0.001 : 0.06;
                len += snprintf(text + len, sizeof text - (size_t)len, "%d,%d,%d,%.6f,%.6f,2,0,ok\n",
                                ++id, a, b, y, sd);
            }
        put("history.csv", text);
    }
    space_free(sp);
    sp = rundir_space(dir);
    rd_load(&h, dir, RD_HISTORY, sp);
    put("run.conf", "seed=1\nmethod=rbf\n");
    c = runconf_load(dir);
    BestPick bp;
    double sm[25];
    best_pick(&h, sp, c, &bp, sm);
    CHECK(bp.observed == 18, "the lucky corner has the lowest observed mean (row %d)", bp.observed);
    CHECK(strcmp(bp.rule, "smoothed") == 0, "smoothed rule (%s)", bp.rule);
    hist_row(&h, bp.row, &hr);
    {
        double a = strtod(h.rows[bp.row][1], NULL), b = strtod(h.rows[bp.row][2], NULL);
        double truth = 0.1 + 0.001 * ((a - 11) * (a - 11) + (b - 11) * (b - 11));
        CHECK(bp.row != 18 && truth <= 0.125, "smoothed pick row %d (a=%g b=%g, true %g), not the lucky set",
              bp.row, a, b, truth);
        CHECK(sm[18] > 0.06 + 0.02, "the lucky set is not treated as exact (smoothed %g, observed 0.06)", sm[18]);
        CHECK(fabs(bp.value - sm[bp.row]) < 1e-12, "value is the pick's smoothed value");
    }
    runconf_free(c);
    put("run.conf", "seed=1\nmethod=gp\n");
    c = runconf_load(dir);
    best_pick(&h, sp, c, &bp, NULL);
    CHECK(bp.row != 18 && strcmp(bp.rule, "smoothed") == 0, "method=gp: the same rule, row %d, not the lucky set", bp.row);
    runconf_free(c);
    put("run.conf", "seed=1\nmethod=rbf\nrecommend=observed\n");
    c = runconf_load(dir);
    best_pick(&h, sp, c, &bp, NULL);
    CHECK(bp.row == 18 && strcmp(bp.rule, "observed") == 0, "recommend=observed: best_set's row (%d)", bp.row);
    runconf_free(c);
    put("run.conf", "seed=1\nrecommend=lowest\n");
    CHECK(fails_with(pick_bad_rule, "run.conf: recommend=lowest: expected smoothed or observed"), "an unknown rule");
    rd_free(&h);
    space_free(sp);
    put("space.csv", "name,lower,upper,scaling\na,1,50,0.5\nb,1,40,2\n");
    sp = rundir_space(dir);

    put("history.csv", "id,a,b,wd_mean,wd_std,n_trials,n_failed\n");
    CHECK(fails_with(load_hist, "history.csv:1: no column 'status'"), "a missing column");
    put("history.csv", "id,a,b,wd_mean,wd_std,n_trials,n_failed,status,note\n");
    CHECK(fails_with(load_hist, "history.csv:1: column 'note' is not part of history.csv"), "an extra column");
    put("history.csv", "id,a,b,wd_mean,wd_std,n_trials,n_failed,status,a\n");
    CHECK(fails_with(load_hist, "history.csv:1: column 'a' appears twice"), "a column twice");

    /* a missing bookkeeping file is an empty table with the schema's header */
    RdTable p;
    rd_load(&p, dir, RD_PROPOSALS, sp);
    CHECK(p.nrows == 0 && p.ncols == 4 && strcmp(p.names[3], "proposed_at") == 0, "empty proposals");
    rd_free(&p);
    space_free(sp);

    /* the record schema: gan-train's columns are not hyperparameters */
    const char *rec[] = {"id", "trial", "seed", "best_wd", "best_epoch", "epochs", "seconds",
                         "epochs_per_s", "params", "status", "precision", "wd_theta", NULL};
    int all = 1;
    for (int i = 0; rec[i]; i++) all &= record_known_col(rec[i]);
    CHECK(all, "every gan-train record column is known");
    CHECK(!record_known_col("lr_gen") && !record_known_col("noise_dim"), "hyperparameters are not");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return check_done("test_rundir");
}
