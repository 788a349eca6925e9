/* pictures.h — the table of hpo-report's pictures. Each picture is one module in src/report/
 * with one draw function of the signature below; it writes NAME.gp (and its data files) into the
 * report directory, and hpo-report runs gnuplot on it and links NAME.png from index.html. A new
 * picture is one module and one row of the table (pictures.c). */
#ifndef GANTUNE_REPORT_PICTURES_H
#define GANTUNE_REPORT_PICTURES_H
#include "base/atomic.h"
#include "report/picture.h"
#include "report/run.h"

#include <stddef.h>

/* Everything a picture may draw from: the runs (the first one is the one single-run panels show)
 * and the options. Read-only for the draw functions. */
typedef struct {
    const Run *runs;
    int nr;
    const char *dir;             /* the (temp) report directory everything is written into */
    const char *color_by;        /* hyperparameter colouring the WD-sigma scatter */
    const int *cidx;             /* its index in each run's space */
    const double *thr;           /* each run's sensitivity threshold on mean W1 */
    const int *front;            /* the first run's non-dominated sets (history indices) */
    int nf;
    const char *sampler, *surrogate;  /* gan-sample and surrogate-propose (names or paths) */
    long events;                 /* validation events for generated vs truth */
    long live;                   /* --live S: the page reloads itself every S s; 0: a finished run */
} Report;

/* What a picture needs. The first two are checked before drawing: a picture whose sets have not
 * finished is left out with one note for all such pictures, and when they have, it must be drawn
 * (a gnuplot failure is then an error). The others are inputs that may be missing: the draw
 * function checks them itself and leaves a note saying which is missing, and the report goes on. */
enum {
    NEED_ANY_OK = 1 << 0,        /* some run has a set finished with status ok */
    NEED_FIRST_OK = 1 << 1,      /* the first run has one */
    NEED_SURROGATE = 1 << 2,     /* the surrogate program, to fit the history */
    NEED_MODELS = 1 << 3,        /* saved models, the sampler and the validation data */
    NEED_TIMELINE = 1 << 4,      /* timeline.csv */
    NEED_LOGS = 1 << 5,          /* the trials' per-epoch logs */
};
#define NEED_OPTIONAL (NEED_SURROGATE | NEED_MODELS | NEED_TIMELINE | NEED_LOGS)

/* Draw: write NAME.gp and its data into rp->dir. Returns 1 when the script is ready for gnuplot,
 * 0 when the picture is omitted (a note in nt says why). more (n bytes, starts empty) may get HTML
 * appended to the picture's caption in index.html. */
typedef int (*DrawFn)(const Report *rp, Notes *nt, char *more, size_t n);

typedef struct {
    const char *name;            /* NAME.gp draws NAME.png */
    const char *title, *caption; /* index.html's heading and caption (HTML) */
    const char *what;            /* its name in a note saying it was omitted */
    unsigned needs;              /* NEED_* */
    DrawFn draw;
} PicDef;

extern const PicDef report_pictures[];
extern const int report_npictures;

/* 1 when the checked needs of p (NEED_ANY_OK, NEED_FIRST_OK) are met. */
int pic_ready(const PicDef *p, const Report *rp);
/* 1 when p must be drawn once ready: it needs no optional input. */
int pic_required(const PicDef *p);
/* One note per unmet checked need, naming the pictures left out for it. */
void pic_note_unready(const Report *rp, Notes *nt);

/* The pictures, one module each (src/report/NAME.c). */
int draw_wd_sigma(const Report *rp, Notes *nt, char *more, size_t n);
int draw_sensitivity(const Report *rp, Notes *nt, char *more, size_t n);
int draw_importance(const Report *rp, Notes *nt, char *more, size_t n);
int draw_convergence(const Report *rp, Notes *nt, char *more, size_t n);
int draw_learning(const Report *rp, Notes *nt, char *more, size_t n);
int draw_generated(const Report *rp, Notes *nt, char *more, size_t n);
/* The summary table's rows of the generated picture's gan-eval figures (generated_eval.csv in
 * the report directory: one gan-eval record per sampled model), mean ± σ over the models, for
 * the first run; nothing when the picture made no such file. */
void generated_eval_rows(AtomicOut *o, const Report *rp);
/* A calorimeter study's mean cell energy per layer, validation next to generated. */
int draw_calo_images(const Report *rp, Notes *nt, char *more, size_t n);
/* A data file named in run.conf as it is, else relative to the run directory, else to the project
 * root (runs/STUDY/PHASE/../../..); NULL when none exists. */
char *resolve_data(const Run *r, const char *p);
int draw_adagan(const Report *rp, Notes *nt, char *more, size_t n);
int draw_adagan_weights(const Report *rp, Notes *nt, char *more, size_t n);
/* The AdaGAN folder beside the run directory (RUNDIR/../adagan, workflows/adagan's
 * runs/STUDY/adagan/) when it holds an ensemble.gte, else NULL. */
char *adagan_dir(const Run *r);
int draw_pareto(const Report *rp, Notes *nt, char *more, size_t n);
int draw_timing(const Report *rp, Notes *nt, char *more, size_t n);
int draw_cost_convergence(const Report *rp, Notes *nt, char *more, size_t n);
#endif
