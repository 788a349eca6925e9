/* fuzz_records.c — trial records: trial-aggregate itself (its main, compiled with main renamed:
 * tests/fuzz/fuzz.mk), with and without a space, and rundir's reader of the params column over
 * a trials/ folder holding the input. */
#include "harness.h"
#include "hpo/rundir.h"

#include <getopt.h>
#include <string.h>

const char *const fuzz_target_name = "records";
const int fuzz_target_form = FUZZ_LINE;

int trial_aggregate_main(int argc, char **argv);

static const char SPACE[] = "name,lower,upper,scaling\na,1,4,0.5\nb,0,4,1\n";

static void count(long id, double params, void *ctx) { (void)id, (void)params; ++*(long *)ctx; }

void fuzz_target(const uint8_t *data, size_t n)
{
    unsigned mode = n ? data[n - 1] : 0;
    char in[512], out[512], sp[512];
    snprintf(in, sizeof in, "%s", fuzz_file("run/trials/1-1.csv", data, n, 0));
    snprintf(sp, sizeof sp, "%s", fuzz_file("space.csv", SPACE, sizeof SPACE - 1, 0));
    snprintf(out, sizeof out, "%.*s/agg.csv", (int)(strstr(sp, "/space.csv") - sp), sp);
    char *argv[8];
    int argc = 0;
    argv[argc++] = (char *)"fuzz";   /* its progname: messages start "fuzz: " */
    argv[argc++] = (char *)"-o";
    argv[argc++] = out;
    if (mode & 1) { argv[argc++] = (char *)"--space"; argv[argc++] = sp; }
    argv[argc++] = in;
    argv[argc] = NULL;
    optind = 0;   /* getopt starts over (glibc) */
    trial_aggregate_main(argc, argv);
    char rd[512];
    snprintf(rd, sizeof rd, "%.*s", (int)(strstr(in, "/trials/") - in), in);
    long k = 0;
    rundir_record_params(rd, count, &k);
}
