/* pictures.c — the table of pictures (pictures.h): file, titles, what it needs, how it is drawn.
 * index.html shows them in this order. */
#include "report/pictures.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const PicDef report_pictures[] = {
    {"wd-sigma", "Mean W1 against its spread over trials",
     "Each point is a finished hyperparameter set: mean W1 over its trials against their "
     "standard deviation, coloured by the chosen hyperparameter; the best set (lowest mean + κσ, "
     "κ = run.conf's kappa, 0 unless set) is circled; sets pruned at a rung are grey crosses at "
     "their trials' best W1 up to that epoch. Above: how the sampled sets' mean W1 is "
     "distributed.",
     "WD–σ scatter", NEED_ANY_OK, draw_wd_sigma},
    {"sensitivity", "Sensitivity to each hyperparameter",
     "Per hyperparameter: mean W1 ± σ of every finished set against its value; the same for the "
     "sets under the threshold; how often each value range was sampled.",
     "sensitivity", NEED_FIRST_OK, draw_sensitivity},
    {"importance", "Surrogate importance",
     "Sobol indices of the surrogate fitted to the history: first order S1, the share of the "
     "variance of mean W1 a hyperparameter explains alone, and total ST, with its "
     "interactions.",
     "importance", NEED_FIRST_OK | NEED_SURROGATE, draw_importance},
    {"convergence", "Convergence",
     "Best mean W1 found so far against the number of finished sets, one curve per method "
     "(mean and ±1σ band over repeated runs); the dashed line ends the initial design.",
     "convergence", NEED_ANY_OK, draw_convergence},
    {"learning", "Learning curves",
     "W1 after every epoch of each trial (its log, trials/ID-T.log) of the best sets by mean W1, "
     "one colour per set; the sets pruned at a rung in grey, their curves ending there. Vertical "
     "lines: the pruning rungs.",
     "learning curves", NEED_FIRST_OK | NEED_LOGS, draw_learning},
    {"cost-convergence", "Convergence against trainer hours",
     "Best mean W1 found so far against the trainer hours spent to get there (the sum of the "
     "trial times of the sets finished so far), one curve per run: pruning shows as a curve "
     "that gets as low sooner.",
     "convergence vs hours", NEED_ANY_OK | NEED_TIMELINE, draw_cost_convergence},
    {"generated", "Generated events against validation data",
     "Each output variable's normalised histogram: validation data (black) against the mean of "
     "the trained generators (red, band ±1σ across models), ratio below; for conditional "
     "studies also in quantile bins of the energy condition (E, else the first condition). "
     "Each x axis spans the validation sample's whole range, minimum to maximum, so the tails "
     "show; generated events beyond it are counted in the first or last bin (under- and "
     "overflow); a variable with a sparse tail gets a log density axis.",
     "generated vs truth", NEED_MODELS, draw_generated},
    {"calo-images", "Average showers per layer",
     "A calorimeter study's mean cell energy in each of its three layers (3x96, 12x12 and 12x6 "
     "cells over the same 480 mm square), over the validation showers (left) and over the "
     "trained generators' showers on the same E0 (middle, every model's pooled), on one log "
     "colour scale per layer, and their ratio (right; where the validation mean is 0, white "
     "when the generated one is 0 too, else red). "
     "Only for outputs that are event-gen calo's 504 cells.",
     "average showers", NEED_MODELS, draw_calo_images},
    {"adagan", "AdaGAN ensemble against validation data",
     "Drawn when the study has an AdaGAN ensemble (make adagan: runs/STUDY/adagan/). Each output "
     "variable and derived observable: validation data (black) against events sampled from the "
     "ensemble (red) and from each component alone (thin), normalised densities over the "
     "validation sample's whole range (events beyond it in the edge bins); the ensemble over the "
     "data below.",
     "AdaGAN ensemble vs truth", NEED_MODELS, draw_adagan},
    {"adagan-weights", "AdaGAN training weights",
     "Each AdaGAN component's training-row weights (weights-t.csv from gan-mixdisc) as N × w, "
     "relative to the uniform 1/N of the data (dashed line at 1): 0 where the mixture "
     "discriminator found the ensemble so far covers a row, large where it misses it. The "
     "panel titles give the share of rows dropped and the discriminator's mean D on the training "
     "(d_real) and the ensemble's events (d_gen), and β.",
     "AdaGAN weights", 0, draw_adagan_weights},
    {"pareto", "Pareto view",
     "Sets not dominated in (mean W1, σ, parameter count) are circled and labelled: no other "
     "set is at least as good in all three and better in one.",
     "Pareto view", NEED_FIRST_OK, draw_pareto},
    {"timing", "Timing",
     "Left: every trial as a bar on the set slot that ran it (a set's trials side by side), over "
     "the run. Right: the share of the wall time each set slot had a trial running; the wall "
     "time against the sum of the trial times and the capacity (slots × trials per set × wall "
     "time).",
     "timing", NEED_TIMELINE, draw_timing},
};
const int report_npictures = (int)(sizeof report_pictures / sizeof *report_pictures);

static int any_ok(const Report *rp)
{
    int anyok = 0;
    for (int k = 0; k < rp->nr; k++) anyok |= rp->runs[k].best >= 0;
    return anyok;
}

int pic_ready(const PicDef *p, const Report *rp)
{
    if ((p->needs & NEED_ANY_OK) && !any_ok(rp)) return 0;
    if ((p->needs & NEED_FIRST_OK) && rp->runs[0].best < 0) return 0;
    return 1;
}

int pic_required(const PicDef *p)
{
    return (p->needs & (NEED_ANY_OK | NEED_FIRST_OK)) && !(p->needs & NEED_OPTIONAL);
}

/* "A, b and c": the pictures that need `need`, first letter capitalised for a sentence. */
static void names_needing(unsigned need, char *buf, size_t n)
{
    int cnt = 0, total = 0;
    for (int q = 0; q < report_npictures; q++) total += (report_pictures[q].needs & need) != 0;
    size_t len = 0;
    buf[0] = '\0';
    for (int q = 0; q < report_npictures && len < n; q++) {
        if (!(report_pictures[q].needs & need)) continue;
        const char *sep = cnt == 0 ? "" : cnt == total - 1 ? " and " : ", ";
        len += (size_t)snprintf(buf + len, n - len, "%s%s", sep, report_pictures[q].what);
        cnt++;
    }
    buf[0] = (char)toupper((unsigned char)buf[0]);
}

void pic_note_unready(const Report *rp, Notes *nt)
{
    char names[512];
    if (!any_ok(rp)) {
        names_needing(NEED_ANY_OK, names, sizeof names);
        note(nt, "<li>%s omitted: no set has finished with status ok.</li>\n", names);
    }
    if (rp->runs[0].best < 0) {
        names_needing(NEED_FIRST_OK, names, sizeof names);
        note(nt, "<li>%s omitted: no set of %s has finished with status ok.</li>\n", names,
             rp->runs[0].dir);
    }
}
