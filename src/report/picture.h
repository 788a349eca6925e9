/* picture.h — what every picture module of hpo-report shares: the notes collected for
 * index.html, HTML escaping, the gnuplot script header and runner, small statistics, axis units,
 * and the temp report directory that is renamed into place at the end. */
#ifndef GANTUNE_REPORT_PICTURE_H
#define GANTUNE_REPORT_PICTURE_H
#include "base/atomic.h"
#include "report/run.h"

#include <stddef.h>

typedef struct {
    char *html;                  /* notes collected for index.html (already HTML) */
    size_t len, cap;
} Notes;

/* Append an HTML fragment (printf style) to the notes. */
void note(Notes *nt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Minimal HTML escaping for names and paths that go into index.html. */
void html_esc(AtomicOut *o, const char *s);
/* The same into dst (NUL-terminated, cut to fit n bytes). */
void html_esc_str(char *dst, size_t n, const char *s);
/* A summary-table cell for a person: <td id="ID">v</td> for a whole number, else v to 4
 * significant digits with every digit in data-v (<td id="ID" data-v="0.01234567">0.01235</td>);
 * a dash for NaN. html_cell: the same with the text given (a duration, a percentage). */
void html_num(AtomicOut *o, const char *id, double v);
void html_cell(AtomicOut *o, const char *id, double v, const char *text);

/* The first lines of a gnuplot script drawing png (w x h pixels). */
void gp_header(AtomicOut *g, const char *png, int w, int h);
/* Run gnuplot on gp inside dir; the picture counts as made (1) when gnuplot succeeded and png
 * exists, else a note and a warning say why (0). */
int gnuplot_run(const char *gp_exe, const char *dir, const char *gp, const char *png, Notes *nt);

/* Ticks for a log axis ("x", "y", "cb") over [lo, hi] > 0: 1-2-5 per decade, or more mantissas
 * when the range spans less than a decade, so every log axis has at least three labelled ticks
 * (gnuplot's own give one per decade, none on a narrow range). Counts of 10^4 and more as 20k. */
void gp_log_tics(AtomicOut *g, const char *axis, double lo, double hi);

/* When every value drawn on axis ("y") lies in [lo, hi] and they differ by under 0.1% (a best
 * W1 that never improved), a range of [0, 2·hi] (hi > 0; else hi ± 1): gnuplot's autoscale
 * would stretch the flat line over ticks of rounding noise. Nothing otherwise. 1 when flat. */
int gp_flat_range(AtomicOut *g, const char *axis, double lo, double hi);

/* Quantile of the finite values (linear interpolation), NaN if none. */
double quantile(const double *v, int n, double q);

/* Learning rates are drawn on a log axis: their useful range spans decades. */
int hp_log(const Run *r, int j);
/* Units on axes: the study's hyperparameters; a data column's from run.conf's units
 * (COL=UNIT,..., the study's units= or UNITS=) into buf, "" (none) for a column it does not name. */
const char *hp_unit(const char *name);
const char *var_unit(const Run *r, const char *name, char *buf, size_t n);

/* The report directory: built as a temp directory beside target, renamed over it at the end, so a
 * failed or killed report never leaves a half-made one. */
typedef struct {
    char *target, *tmp;          /* tmp: where the pictures are written */
    size_t tl;                   /* strlen(target), trailing slashes dropped */
    int dl;                      /* length of target's directory part, slash included */
} ReportDir;

/* Make the temp directory (and target's parents); it is removed at exit unless committed. */
void report_dir_open(ReportDir *d, const char *target);
/* Swap the temp directory in for target: the old one (if any) moves aside first, then goes. */
void report_dir_commit(ReportDir *d);
#endif
