/* event-gen — the embedded physics samples (hadronization, dimuon, calo) as CSV training and
 * validation files; see event-gen(1) for the physics and formulas. */
#include "base/atomic.h"
#include "base/numfmt.h"
#include "data/calo.h"
#include "data/physics.h"
#include "base/rng.h"
#include "base/util.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG 7               /* significant digits: float training data needs no more */
#define BUFSZ (1 << 20)

typedef struct {
    AtomicOut *o;
    char buf[BUFSZ];
    size_t len;
} Writer;

static inline void put_num(Writer *w, double v, char sep)
{
    w->len += (size_t)numfmt_g(w->buf + w->len, v, SIG);
    w->buf[w->len++] = sep;
}

static inline void end_row(Writer *w)
{
    if (w->len > BUFSZ - 16 * NUMFMT_MAX) {
        aout_write(w->o, w->buf, w->len);
        w->len = 0;
    }
}

static void gen_hadronization(Writer *w, Rng *r, long n)
{
    static const char hdr[] = "E,px,py,pz,theta,phi\n";
    aout_write(w->o, hdr, sizeof hdr - 1);
    HadEvent ev;
    for (long i = 0; i < n; i++) {
        had_generate(r, &ev);
        put_num(w, ev.cluster.e, ',');
        put_num(w, ev.cluster.x, ',');
        put_num(w, ev.cluster.y, ',');
        put_num(w, ev.cluster.z, ',');
        put_num(w, ev.theta, ',');
        put_num(w, ev.phi, '\n');
        end_row(w);
    }
}

static void put_muon(Writer *w, P4 p, char sep)
{
    double pt = sqrt(p.x * p.x + p.y * p.y);
    put_num(w, pt, ',');
    put_num(w, asinh(p.z / pt), ',');
    put_num(w, atan2(p.y, p.x), sep);
}

static void gen_dimuon(Writer *w, Rng *r, long n, const DimuGen *g)
{
    static const char hdr[] = "pt1,eta1,phi1,pt2,eta2,phi2\n";
    aout_write(w->o, hdr, sizeof hdr - 1);
    DimuEvent ev;
    for (long i = 0; i < n; i++) {
        do dimu_generate(g, r, &ev); while (!ev.accepted);
        put_muon(w, ev.lead, ',');
        put_muon(w, ev.sub, '\n');
        end_row(w);
    }
}

/* Calorimeter showers: 504 cells, E0, and the particle type when several are mixed (ptype -1).
 * A row is far longer than the buffer's slack, so the buffer is checked after every cell. */
static void gen_calo(Writer *w, Rng *r, long n, int ptype, double elo, double ehi)
{
    char name[32];
    for (int l = 0; l < CALO_NLAYER; l++)
        for (int c = 0; c < calo_layers[l].rows * calo_layers[l].cols; c++) {
            int len = snprintf(name, sizeof name, "l%d_c%d,", l, c);
            aout_write(w->o, name, (size_t)len);
        }
    static const char tail1[] = "E0\n", tailm[] = "E0,particle\n";
    if (ptype >= 0) aout_write(w->o, tail1, sizeof tail1 - 1);
    else aout_write(w->o, tailm, sizeof tailm - 1);
    CaloEvent *ev = xmalloc(sizeof *ev);
    for (long i = 0; i < n; i++) {
        int p = ptype >= 0 ? ptype : (int)rng_below(r, CALO_NPARTICLE);
        double e0 = elo + (ehi - elo) * rng_uniform(r);
        calo_generate(r, p, e0, ev);
        for (int c = 0; c < CALO_NCELL; c++) {
            put_num(w, ev->cell[c], ',');
            end_row(w);
        }
        put_num(w, e0, ptype >= 0 ? '\n' : ',');
        if (ptype < 0) put_num(w, p, '\n');
        end_row(w);
    }
    free(ev);
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: event-gen [options] STUDY\n"
        "Generate an embedded physics sample as CSV (STUDY: hadronization, dimuon or calo).\n"
        "  -n, --events N      events in all, validation included\n"
        "                      (default: hadronization 564000, dimuon and calo 100000)\n"
        "  -v, --val V         of those, V go to --val-out (default 5000; 0 without --val-out)\n"
        "  -s, --seed S        random seed (default 1); the same seed gives the same files\n"
        "  -o, --output FILE   training events (N - V) to FILE, .gz compresses (default: stdout)\n"
        "      --val-out FILE  validation events to FILE, .gz compresses\n"
        "      --particle P    calo: e+, gamma, pi+ or mixed (a particle column 0/1/2; default e+)\n"
        "      --energy LO:HI  calo: incident energy uniform in [LO, HI] GeV (default 1:100)\n"
        "  -h, --help          this help\n"
        "hadronization columns: E,px,py,pz (conditions), theta,phi; dimuon: pt1,eta1,phi1,pt2,eta2,phi2\n"
        "calo columns: l0_c0..l0_c287, l1_c0..l1_c143, l2_c0..l2_c71 (visible GeV), E0 [,particle]\n");
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    enum { OPT_VALOUT = 256, OPT_PARTICLE, OPT_ENERGY };
    static const struct option opts[] = {
        {"events", required_argument, NULL, 'n'},
        {"val", required_argument, NULL, 'v'},
        {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"val-out", required_argument, NULL, OPT_VALOUT},
        {"particle", required_argument, NULL, OPT_PARTICLE},
        {"energy", required_argument, NULL, OPT_ENERGY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long events = -1, val = -1;
    uint64_t seed = 1;
    const char *out = "-", *val_out = NULL, *particle = NULL, *energy = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "n:v:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': events = parse_long("--events", optarg, 1, 1000000000000L); break;
        case 'v': val = parse_long("--val", optarg, 0, 1000000000000L); break;
        case 's': seed = parse_u64("--seed", optarg); break;
        case 'o': out = optarg; break;
        case OPT_VALOUT: val_out = optarg; break;
        case OPT_PARTICLE: particle = optarg; break;
        case OPT_ENERGY: energy = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'event-gen --help'");
        }
    }
    if (argc - optind != 1) die(EXIT_USAGE, "need one STUDY: hadronization, dimuon or calo (try --help)");
    const char *study = argv[optind];
    int had = strcmp(study, "hadronization") == 0, calo = strcmp(study, "calo") == 0;
    if (!had && !calo && strcmp(study, "dimuon") != 0)
        die(EXIT_USAGE, "unknown study '%s' (hadronization, dimuon or calo)", study);
    if (!calo && (particle || energy)) die(EXIT_USAGE, "--particle and --energy are for calo only");
    int ptype = CALO_EPLUS;
    double elo = 1, ehi = 100;
    if (particle && strcmp(particle, "mixed") == 0) ptype = -1;
    else if (particle && (ptype = calo_particle_index(particle)) < 0)
        die(EXIT_USAGE, "--particle: '%s' is not e+, gamma, pi+ or mixed", particle);
    if (energy) {
        const char *colon = strchr(energy, ':');
        if (!colon) die(EXIT_USAGE, "--energy: '%s' is not LO:HI", energy);
        char *lo = xstrdup(energy);
        lo[colon - energy] = '\0';
        elo = parse_double("--energy LO", lo, 0.01, 1e5);
        ehi = parse_double("--energy HI", colon + 1, 0.01, 1e5);
        free(lo);
        if (ehi < elo) die(EXIT_USAGE, "--energy: HI %g is below LO %g", ehi, elo);
    }
    if (events < 0) events = had ? 564000 : 100000;
    if (val < 0) val = val_out ? 5000 : 0;
    if (val > 0 && !val_out) die(EXIT_USAGE, "--val %ld needs --val-out FILE", val);
    if (val >= events) die(EXIT_USAGE, "--val %ld leaves no training events of --events %ld", val, events);
    if (val_out && strcmp(val_out, out) == 0) die(EXIT_USAGE, "--val-out is the same file as --output");

    DimuGen *g = NULL;
    if (!had && !calo) {
        g = xmalloc(sizeof *g);
        dimu_init(g);
    }
    Writer *w = xmalloc(sizeof *w);
    /* Training and validation come from separate streams of one seed. */
    const char *paths[2] = {out, val_out};
    long counts[2] = {events - val, val};
    AtomicOut *outs[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (!paths[k]) continue;
        Rng r;
        rng_seed2(&r, seed, (uint64_t)k);
        w->o = outs[k] = aout_open(paths[k]);
        w->len = 0;
        if (had) gen_hadronization(w, &r, counts[k]);
        else if (calo) gen_calo(w, &r, counts[k], ptype, elo, ehi);
        else gen_dimuon(w, &r, counts[k], g);
        aout_write(w->o, w->buf, w->len);
    }
    /* Commit only when both are complete, so a failure leaves neither. */
    for (int k = 0; k < 2; k++) if (outs[k]) aout_commit(outs[k]);
    free(w);
    free(g);
    return EXIT_OK;
}
