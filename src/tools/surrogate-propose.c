/* surrogate-propose — the next hyperparameter sets to try, from the finished ones (history) and
 * those still training (pending), by one of the surrogate methods of src/hpo/surrogate.h (a
 * space-filling design first, then a cubic RBF with DYCORS candidates or a Gaussian process
 * with expected improvement; or random points, or a Latin hypercube). Options, the checks on
 * the lattice and the output are here; the methods are in src/hpo/. */
#include "hpo/propose.h"
#include "hpo/space.h"
#include "hpo/surrogate.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *space, *history, *pending, *objective, *stdcol;
    const SurrogateMethod *method;
    int n, n_init, budget, importance, interactions, ncand;
    uint64_t seed;
    double kappa, rho, noise_dof, tether, pruned_sd;
    int cap;               /* -1: the default of the method's model */
} Opts;

/* ---- importance */

static int cmp_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] > y[0] ? -1 : x[0] < y[0];
}

static void importance(const Space *sp, const PointSet *h, const Opts *o, Rng *r)
{
    int d = sp->d, nok = 0;
    for (size_t i = 0; i < h->n; i++) nok += h->ok[i];
    if (nok < 2) die(EXIT_RUNTIME, "%s: --importance needs at least 2 finished points, found %d",
                     o->history ? o->history : "(no history)", nok);
    double *S1 = xmalloc((size_t)d * sizeof *S1), *ST = xmalloc((size_t)d * sizeof *ST);
    double *S2 = o->interactions ? xmalloc((size_t)d * d * sizeof *S2) : NULL;
    double *se = xmalloc((size_t)2 * d * sizeof *se);
    surrogate_importance(surrogate_method_model(o->method), sp, h, o->cap, o->rho, o->noise_dof, o->pruned_sd, r,
                         S1, ST, S2, se);
    if (o->interactions) {
        double *pairs = xmalloc((size_t)d * d * 3 * sizeof *pairs);
        int np = 0;
        for (int j = 0; j < d; j++)
            for (int k = j + 1; k < d; k++, np++) {
                pairs[np * 3] = S2[j * d + k];
                pairs[np * 3 + 1] = j;
                pairs[np * 3 + 2] = k;
            }
        qsort(pairs, (size_t)np, 3 * sizeof *pairs, cmp_pair);
        printf("name_a,name_b,S2\n");
        for (int p = 0; p < np; p++)
            printf("%s,%s,%.4f\n", sp->name[(int)pairs[p * 3 + 1]], sp->name[(int)pairs[p * 3 + 2]], pairs[p * 3]);
        free(pairs);
    } else {
        /* ST >= S1 for the true indices; the estimates may cross by their sampling error,
         * which is printed beside them (sobol.h) */
        printf("name,S1,ST,S1_se,ST_se\n");
        for (int j = 0; j < d; j++)
            printf("%s,%.4f,%.4f,%.4f,%.4f\n", sp->name[j], S1[j], ST[j], se[2 * j], se[2 * j + 1]);
    }
    free(S1); free(ST); free(S2); free(se);
}

/* ---- usage, with the method names from the table */

enum { ALL = -1, RAW = 0, CAPPED = 1 };

/* The names of the methods with a model that default to cap == which (or of all methods when
 * which is ALL) as "a, b<last>c", the default marked "(default)" when mark. */
static void names_of(char *buf, size_t n, int which, const char *last, int mark)
{
    int pick[64], np = 0;
    for (int i = 0; i < surrogate_method_count() && np < 64; i++) {
        const SurrogateMethod *m = surrogate_method_at(i);
        if (which == ALL || (m->fit && m->cap == which)) pick[np++] = i;
    }
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < np && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s%s", i == 0 ? "" : i == np - 1 ? last : ", ",
                         surrogate_method_at(pick[i])->name,
                         mark && pick[i] == 0 ? " (default)" : "");
        if (w < 0) break;
        used += (size_t)w;
    }
}

static void usage(FILE *f)
{
    char bar[512], all[512], capped[512], raw[512];
    surrogate_method_names(bar, sizeof bar, "|");
    names_of(all, sizeof all, ALL, " or ", 1);
    names_of(capped, sizeof capped, CAPPED, " and ", 0);
    names_of(raw, sizeof raw, RAW, " and ", 0);
    fprintf(f,
        "usage: surrogate-propose --space FILE [--history FILE] [--pending FILE]\n"
        "         [--method %s] [--n K] [--n-init N] [--seed S]\n"
        "         [--objective COL] [--std COL] [--kappa X] [--budget B]\n"
        "         [--importance | --interactions]\n"
        "Print a CSV header of the hyperparameter names and K new points of the space's lattice,\n"
        "none evaluated, failed, pending or repeated.\n"
        "  -s, --space FILE     name,lower,upper,scaling (values k*scaling, lower <= k <= upper)\n"
        "  -H, --history FILE   finished sets: hyperparameters, objective, std, n_trials, status\n"
        "  -p, --pending FILE   sets being evaluated (hyperparameter columns)\n"
        "  -m, --method M       %s\n"
        "  -n, --n K            points to propose (default 1)\n"
        "      --n-init N       finished points before the model is used (default 2(d+1))\n"
        "      --seed S         random seed (default 0)\n"
        "      --objective COL  objective column (default wd_mean)\n"
        "      --std COL        trial spread column (default wd_std)\n"
        "      --kappa X        minimise objective + X*std (default 0)\n"
        "      --budget B       planned evaluations, for the DYCORS schedule (default 100)\n"
        "      --candidates C   candidate points per proposal (default 100*d, at most 5000)\n"
        "      --smoothing R    RBF noise smoothing factor on std^2/n (default 1)\n"
        "      --noise-dof V    shrink each set's trial variance towards the pooled variance\n"
        "                       of all sets, as a prior worth V degrees of freedom (default 4;\n"
        "                       0 trusts each set's own std, however few its trials)\n"
        "      --pruned-sd S    a pruned set's value (status pruned: its best W1 at the rung,\n"
        "                       an upper bound of its final value) enters with its variance\n"
        "                       grown by (S*value)^2 (default %g; 0: a plain observation)\n"
        "      --tether T       pull the model value of a candidate far from every evaluated\n"
        "                       point towards the candidates' median (scale T times their median\n"
        "                       spacing; default 0, off), against extrapolated lows on a face\n"
        "      --cap, --no-cap  cap values above the median at the median before fitting, or\n"
        "                       fit the raw objective (default: cap for %s, raw for %s)\n"
        "      --importance     instead: first-order and total Sobol indices of the fitted\n"
        "                       surrogate (CSV name,S1,ST)\n"
        "      --interactions   instead: second-order Sobol indices, strongest pair first\n"
        "                       (CSV name_a,name_b,S2)\n"
        "  -h, --help           this help\n", bar, all, PRUNED_SD, capped, raw);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    Opts o = { .objective = "wd_mean", .stdcol = "wd_std", .method = surrogate_method_at(0),
               .n = 1, .n_init = -1, .budget = 100, .ncand = -1, .rho = 1.0, .cap = -1,
               .noise_dof = NOISE_PRIOR_DOF, .pruned_sd = PRUNED_SD };
    static const struct option opts[] = {
        { "space", required_argument, 0, 's' }, { "history", required_argument, 0, 'H' },
        { "pending", required_argument, 0, 'p' }, { "method", required_argument, 0, 'm' },
        { "n", required_argument, 0, 'n' }, { "n-init", required_argument, 0, 'I' },
        { "seed", required_argument, 0, 'S' }, { "objective", required_argument, 0, 'O' },
        { "std", required_argument, 0, 'D' }, { "kappa", required_argument, 0, 'k' },
        { "budget", required_argument, 0, 'B' }, { "candidates", required_argument, 0, 'C' },
        { "smoothing", required_argument, 0, 'R' }, { "importance", no_argument, 0, 'i' },
        { "interactions", no_argument, 0, 'x' }, { "no-cap", no_argument, 0, 'N' },
        { "cap", no_argument, 0, 'P' }, { "noise-dof", required_argument, 0, 'V' },
        { "tether", required_argument, 0, 'T' }, { "pruned-sd", required_argument, 0, 'Q' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    char names[512];
    int c;
    while ((c = getopt_long(argc, argv, "s:H:p:m:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': o.space = optarg; break;
        case 'H': o.history = optarg; break;
        case 'p': o.pending = optarg; break;
        case 'm':
            if (!(o.method = surrogate_method_find(optarg))) {
                surrogate_method_names(names, sizeof names, ", ");
                die(EXIT_USAGE, "--method: unknown method '%s' (%s)", optarg, names);
            }
            break;
        case 'n': o.n = (int)parse_long("--n", optarg, 1, 100000); break;
        case 'I': o.n_init = (int)parse_long("--n-init", optarg, 0, 100000); break;
        case 'S': o.seed = parse_u64("--seed", optarg); break;
        case 'O': o.objective = optarg; break;
        case 'D': o.stdcol = optarg; break;
        case 'k': o.kappa = parse_double("--kappa", optarg, -1e6, 1e6); break;
        case 'B': o.budget = (int)parse_long("--budget", optarg, 1, 10000000); break;
        case 'C': o.ncand = (int)parse_long("--candidates", optarg, 1, 1000000); break;
        case 'R': o.rho = parse_double("--smoothing", optarg, 0, 1e12); break;
        case 'V': o.noise_dof = parse_double("--noise-dof", optarg, 0, 1e6); break;
        case 'T': o.tether = parse_double("--tether", optarg, 0, 1e6); break;
        case 'Q': o.pruned_sd = parse_double("--pruned-sd", optarg, 0, 1e6); break;
        case 'i':
            if (o.interactions) die(EXIT_USAGE, "--importance and --interactions: give one (two runs for both)");
            o.importance = 1;
            break;
        case 'x':
            if (o.importance) die(EXIT_USAGE, "--importance and --interactions: give one (two runs for both)");
            o.importance = o.interactions = 1;
            break;
        case 'N': o.cap = 0; break;
        case 'P': o.cap = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default:
            surrogate_method_names(names, sizeof names, "|");
            fprintf(stderr, "%s: usage: surrogate-propose --space FILE [--history FILE] [--pending FILE] [--method %s] [--n K] ... (--help)\n", progname(), names);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!o.space) die(EXIT_USAGE, "--space FILE is required");
    Space *sp = space_read(o.space);
    int d = sp->d;
    if (d > 64) die(EXIT_RUNTIME, "%s: at most 64 hyperparameters, found %d", o.space, d);
    if (o.n_init < 0) o.n_init = 2 * (d + 1);
    if (o.cap < 0) o.cap = surrogate_method_model(o.method)->cap;
    if (o.ncand < 0) o.ncand = 100 * d < 5000 ? 100 * d : 5000;

    PointSet h = { 0 }, pend = { 0 };
    if (o.history) space_read_points(sp, o.history, o.objective, o.stdcol, o.kappa, &h);
    if (o.pending) space_read_points(sp, o.pending, NULL, NULL, 0, &pend);

    Proposer p = { .sp = sp, .hist = &h, .pend = &pend, .n = o.n, .n_init = o.n_init,
                   .budget = o.budget, .ncand = o.ncand, .seed = o.seed, .cap = o.cap,
                   .smoothing = o.rho, .noise_dof = o.noise_dof, .pruned_sd = o.pruned_sd,
                   .tether = o.tether };
    /* One stream per step (history + pending size), so successive calls differ. */
    rng_seed2(&p.rng, o.seed, (uint64_t)(h.n + pend.n) + 1);
    if (o.importance) {
        importance(sp, &h, &o, &p.rng);
        check_stdout();
        pointset_free(&h);
        pointset_free(&pend);
        space_free(sp);
        return EXIT_OK;
    }
    proposer_init(&p);
    double left = proposer_left(&p);
    if (left < o.n)
        die(EXIT_RUNTIME, "the lattice is exhausted: %.0f of %.0f points left, %d asked for",
            left, space_size(sp), o.n);
    o.method->propose(&p, o.method);
    space_print_header(sp, stdout);
    for (int i = 0; i < p.nout; i++) space_print_point(sp, p.out + (size_t)i * d, stdout);
    check_stdout();
    proposer_free(&p);
    pointset_free(&h);
    pointset_free(&pend);
    space_free(sp);
    return EXIT_OK;
}
