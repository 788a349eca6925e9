/* fuzz_runconf.c — run.conf through its one parser (hpo/rundir: key table, duplicates, types). */
#include "harness.h"
#include "hpo/rundir.h"

const char *const fuzz_target_name = "runconf";
const int fuzz_target_form = FUZZ_LINE;

void fuzz_target(const uint8_t *data, size_t n)
{
    RunConf *c = runconf_read(fuzz_file("run.conf", data, n, 0));
    /* the typed getters on whatever was set (the values were range-checked when read) */
    runconf_long_or(c, "trials", 1);
    runconf_long_or(c, "budget", 1);
    runconf_double_or(c, "kappa", 0);
    if (runconf_get(c, "seed")) runconf_u64(c, "seed");
    runconf_get(c, "trainer");
    FILE *f = fopen("/dev/null", "w");
    if (f) { runconf_print(c, f); fclose(f); }
    runconf_free(c);
}
