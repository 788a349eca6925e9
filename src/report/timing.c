/* timing.c — picture 6: each trial on its set slot over the run, how busy each slot was, and the
 * wall time against the sum of trial times and the capacity (summary.h's Timing), one row per
 * run that has a timeline. */
#include "base/atomic.h"
#include "base/util.h"
#include "report/picture.h"
#include "report/pictures.h"
#include "report/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define ROWPX 560      /* pixels per run's row */

/* One run's row, ready to write. */
typedef struct {
    int k;                       /* the run (files NAME-<k+1>.dat) */
    Timing t;
    double unit;                 /* seconds per time unit */
    const char *uname;
    int T;                       /* trials per set */
    double *y;                   /* per timeline row: its bar's height, within its slot's row */
    int *tr;                     /* per timeline row: its trial, 1..T */
    int nsl, *slot;              /* the slots that ran a trial */
    double *busy;                /* their busy seconds */
    int id0, id1;                /* set ids, for the colour axis */
    double lw;                   /* bar thickness */
} RunTiming;

static RunTiming run_timing_of(const Run *r, int k)
{
    RunTiming rt;
    rt.k = k;
    Timing t = rt.t = timing_of(r);
    rt.unit = t.wall > 2 * 3600 ? 3600 : t.wall > 120 ? 60 : 1;
    rt.uname = rt.unit == 3600 ? "h" : rt.unit == 60 ? "min" : "s";
    int T = rt.T = t.trials > 0 ? t.trials : 1;
    rt.y = xmalloc((size_t)r->nt * sizeof *rt.y);
    rt.tr = xmalloc((size_t)r->nt * sizeof *rt.tr);
    for (int i = 0; i < r->nt; i++) {
        /* a set's trials side by side within their slot's row */
        int tr = r->t_trial[i] >= 1 && r->t_trial[i] <= T ? r->t_trial[i] : 1;
        rt.tr[i] = tr;
        rt.y[i] = r->t_slot[i] - 0.4 + (tr - 0.5) * 0.8 / T;
    }
    rt.nsl = 0;
    rt.slot = xmalloc((size_t)(t.slot_max - t.slot_min + 1) * sizeof *rt.slot);
    rt.busy = xmalloc((size_t)(t.slot_max - t.slot_min + 1) * sizeof *rt.busy);
    for (int sl = t.slot_min; sl <= t.slot_max; sl++) {
        int any = 0;
        for (int i = 0; i < r->nt && !any; i++) any = r->t_slot[i] == sl;
        if (!any) continue;
        rt.slot[rt.nsl] = sl;
        rt.busy[rt.nsl++] = slot_busy(r, sl);
    }
    int id0 = r->t_id[0], id1 = r->t_id[0];
    for (int i = 0; i < r->nt; i++)
        id0 = r->t_id[i] < id0 ? r->t_id[i] : id0, id1 = r->t_id[i] > id1 ? r->t_id[i] : id1;
    rt.id0 = id0, rt.id1 = id1;
    /* bar thickness in pixels: the row's share of a slot, most of it */
    double ppu = 0.75 * ROWPX / (t.slot_max - t.slot_min + 1.4);
    rt.lw = fmin(14, fmax(1.5, 0.75 * ppu * 0.8 / T));
    return rt;
}

static void write_data(const Run *r, const char *dir, const RunTiming *rt)
{
    const Timing *t = &rt->t;
    double unit = rt->unit;
    const char *uname = rt->uname;
    char name[4200];
    snprintf(name, sizeof name, "%s/timeline-%d.dat", dir, rt->k + 1);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# start_since_run_start(%s) duration(%s) y set_id slot trial\n", uname, uname);
    for (int i = 0; i < r->nt; i++)
        aout_printf(o, "%.9g %.9g %.6g %d %d %d\n", (r->t_start[i] - t->t0) / unit,
                    (r->t_end[i] - r->t_start[i]) / unit, rt->y[i], r->t_id[i], r->t_slot[i], rt->tr[i]);
    aout_commit(o);
    snprintf(name, sizeof name, "%s/slots-%d.dat", dir, rt->k + 1);
    o = aout_open(name);
    aout_printf(o, "# slot busy_seconds busy_percent_of_wall (busy: any of its trials running)\n");
    for (int s = 0; s < rt->nsl; s++)
        aout_printf(o, "%d %.9g %.9g\n", rt->slot[s], rt->busy[s], t->wall > 0 ? 100 * rt->busy[s] / t->wall : 0);
    aout_commit(o);
    snprintf(name, sizeof name, "%s/walltime-%d.dat", dir, rt->k + 1);
    o = aout_open(name);
    aout_printf(o, "# quantity %s\n", uname);
    aout_printf(o, "\"wall time\" %.9g\n\"sum of trial times\" %.9g\n\"capacity\" %.9g\n",
                t->wall / unit, t->sum / unit, (double)t->nslots * rt->T * t->wall / unit);
    aout_commit(o);
}

/* The script's part for one run, in row `row` of `have`. */
static void write_row(AtomicOut *g, const Run *r, const RunTiming *rt, int row, int have)
{
    const Timing t = rt->t;
    int T = rt->T, k = rt->k;
    const char *uname = rt->uname;
    double h = 1.0 / have, y0 = 1.0 - (row + 1) * h;
    aout_printf(g, "set origin 0,%g\nset size 0.62,%g\nunset logscale\n", y0, h);
    aout_printf(g, "set title '%s: each trial on its set slot (%d trials per set side by side; "
                   "colour: set id)'\n", r->label, T);
    aout_printf(g, "set xlabel 'time since run start (%s)'\nset ylabel 'set slot'\n"
                   "set yrange [%g:%g]\nset xrange [0:*]\nset ytics 1\n", uname,
                t.slot_min - 0.7, t.slot_max + 0.7);
    int id0 = rt->id0, id1 = rt->id1;
    aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#1a9641', 1 '#d7191c')\n"
                   "set cblabel 'set id' offset 1.5,0\nunset key\nset cbrange [%g:%g]\nset cbtics %d\n",
                id0 - 0.5, id1 + 0.5, id1 - id0 < 10 ? 1 : (id1 - id0 + 9) / 10);
    aout_printf(g, "plot 'timeline-%d.dat' u 1:3:2:(0):4 w vectors nohead lw %.3g lc palette\n",
                k + 1, rt->lw);
    aout_printf(g, "unset colorbox\nset ytics autofreq\n");
    aout_printf(g, "set origin 0.62,%g\nset size 0.38,%g\n", y0 + h * 0.5, h * 0.5);
    aout_printf(g, "set title 'share of the wall time each set slot was busy'\n"
                   "set xlabel 'set slot'\nset ylabel 'busy (%% of wall time)'\nset xrange [%g:%g]\n"
                   "set yrange [0:110]\nset boxwidth 0.7\nset xtics 1\n",
                t.slot_min - 0.7, t.slot_max + 0.7);
    aout_printf(g, "plot 'slots-%d.dat' u 1:3 w boxes lc rgb '#6a8caf' notitle\n", k + 1);
    aout_printf(g, "set xtics autofreq\nset origin 0.62,%g\nset size 0.38,%g\n", y0, h * 0.5);
    aout_printf(g, "set title \"speed-up %.2fx = sum of trial times / wall time\\n"
                   "utilisation %.0f%% = sum / capacity (%d slot%s x %d trial%s x wall)\"\n",
                t.wall > 0 ? t.sum / t.wall : 0,
                t.wall > 0 ? 100 * t.sum / (t.nslots * T * t.wall) : 0, t.nslots,
                t.nslots == 1 ? "" : "s", T, T == 1 ? "" : "s");
    aout_printf(g, "set xlabel ''\nset ylabel 'time (%s)'\nset xrange [-0.6:2.6]\n"
                   "set yrange [0:*]\nset boxwidth 0.6\n", uname);
    aout_printf(g, "plot 'walltime-%d.dat' u 0:2:xtic(1) w boxes lc rgb '#fdae61' notitle\n", k + 1);
    aout_printf(g, "set colorbox\nset xtics autofreq\nset cbtics autofreq\nset autoscale cb\n");
}

int draw_timing(const Report *rp, Notes *nt, char *more, size_t n)
{
    (void)more, (void)n;
    const Run *runs = rp->runs;
    int have = 0;
    for (int k = 0; k < rp->nr; k++) have += runs[k].nt > 0;
    if (!have) {
        note(nt, "<li>Timing omitted: no timeline.csv with finished trials.</li>\n");
        return 0;
    }
    RunTiming *rt = xmalloc((size_t)have * sizeof *rt);
    for (int k = 0, row = 0; k < rp->nr; k++)
        if (runs[k].nt > 0) rt[row++] = run_timing_of(&runs[k], k);
    for (int row = 0; row < have; row++) write_data(&runs[rt[row].k], rp->dir, &rt[row]);
    char name[4200];
    snprintf(name, sizeof name, "%s/timing.gp", rp->dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "timing.png", 1400, ROWPX * have);
    aout_printf(g, "set multiplot\nset style fill solid 0.8 border lc rgb '#333333'\n");
    for (int row = 0; row < have; row++) write_row(g, &runs[rt[row].k], &rt[row], row, have);
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
    for (int row = 0; row < have; row++) free(rt[row].y), free(rt[row].tr), free(rt[row].slot), free(rt[row].busy);
    free(rt);
    return 1;
}
