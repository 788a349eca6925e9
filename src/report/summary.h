/* summary.h — numbers of a run that both a picture and index.html's tables use: the threshold of
 * "good" sets, the Pareto front and the slot timing. Computation only; nothing is written. */
#ifndef GANTUNE_REPORT_SUMMARY_H
#define GANTUNE_REPORT_SUMMARY_H
#include "report/run.h"

/* Threshold used for the "good sets" column of the sensitivity figure: the lower quartile of the
 * finished sets' mean W1. */
double default_threshold(const Run *r);

/* Pareto view: non-dominated sets in (mean W1, sigma, parameters). Returns the front size;
 * front[] (r->n entries) gets history indices. */
int pareto_front(const Run *r, int *front);

/* Timing. timeline.csv's slot is the set slot (workflows/anp): a set's trials run side by side
 * on it, so a slot is busy while any of its trials runs (the union of their intervals), and the
 * run's capacity in trial time is slots x trials per set x wall time. */
typedef struct {
    double wall, sum, t0, busy;    /* busy: summed over slots, union of each slot's trials */
    int nslots, slot_min, slot_max, trials;
} Timing;

/* Seconds during which slot sl had at least one trial running. */
double slot_busy(const Run *r, int sl);
/* The run's timing (all zero without a timeline). */
Timing timing_of(const Run *r);
#endif
