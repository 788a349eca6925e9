/* gan-ensemble — write an ensemble file (model/ensemble.h) from model files and a beta rule
 * or explicit mixture weights (see gan-ensemble(1)). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/adagan.h"
#include "model/ensemble.h"
#include "model/gtm.h"

static void usage(FILE *f)
{
    fputs("usage: gan-ensemble (--rule uniform|const:B | --mix W1,W2,...) -o ENSEMBLE MODEL...\n"
          "  MODEL paths relative to ENSEMBLE's folder (or absolute), in training order:\n"
          "  --rule gives component t the share beta_t and scales the older ones by 1 - beta_t\n",
          f);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option opts[] = {
        {"rule", required_argument, NULL, 'r'}, {"mix", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rule = NULL, *mixs = NULL, *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': rule = optarg; break;
        case 'm': mixs = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'gan-ensemble --help'");
        }
    }
    const int n = argc - optind;
    if (!out || n < 1) die(EXIT_USAGE, "-o ENSEMBLE and at least one MODEL are required (see --help)");
    if (!rule == !mixs) die(EXIT_USAGE, "give --rule or --mix (one of them)");
    if (n > ENSEMBLE_MAX) die(EXIT_USAGE, "more than %d models", ENSEMBLE_MAX);
    double *mix = xmalloc((size_t)n * sizeof *mix);
    if (rule) {
        if (adagan_rule_check(rule)) die(EXIT_USAGE, "--rule: '%s' is not uniform or const:B (0 < B < 1)", rule);
        adagan_mix(rule, n - 1, mix);
    } else {
        char **v;
        int nv = split_list("--mix", mixs, &v);
        if (nv != n) die(EXIT_USAGE, "--mix: %d weights for %d models", nv, n);
        for (int k = 0; k < n; k++) mix[k] = parse_double("--mix", v[k], 1e-300, 1e300);
        free(v[0]), free(v);
    }
    /* every component must load from where the ensemble will look for it */
    const char *slash = strrchr(out, '/');
    size_t dlen = slash ? (size_t)(slash - out) + 1 : 0;
    for (int k = 0; k < n; k++) {
        const char *p = argv[optind + k];
        size_t d = p[0] == '/' ? 0 : dlen;
        char *full = xmalloc(d + strlen(p) + 1);
        memcpy(full, out, d);
        strcpy(full + d, p);
        GtmModel m;
        gtm_load(full, &m);   /* "FILE: what is wrong", exit 1 */
        gtm_free(&m);
        free(full);
    }
    Ensemble e;
    ensemble_make(&e, n, (const char *const *)(argv + optind), mix);
    ensemble_save(out, &e);
    ensemble_free(&e);
    free(mix);
    return EXIT_OK;
}
