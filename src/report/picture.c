/* picture.c — helpers shared by hpo-report's picture modules (picture.h). */
#include "report/picture.h"

#include "base/numfmt.h"
#include "base/proc.h"
#include "base/util.h"
#include "hpo/rundir.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void note(Notes *nt, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t k = strlen(buf);
    if (nt->len + k + 1 > nt->cap) {
        nt->cap = (nt->len + k + 1) * 2;
        nt->html = xrealloc(nt->html, nt->cap);
    }
    memcpy(nt->html + nt->len, buf, k + 1);
    nt->len += k;
}

/* The entity standing for c in HTML text or attributes, NULL when c stands for itself. */
static const char *html_entity(char c)
{
    return c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : NULL;
}

void html_esc(AtomicOut *o, const char *s)
{
    for (; *s; s++) {
        const char *e = html_entity(*s);
        if (e) aout_printf(o, "%s", e);
        else aout_write(o, s, 1);
    }
}

void html_esc_str(char *dst, size_t n, const char *s)
{
    if (n == 0) return;
    size_t k = 0;
    for (; *s; s++) {
        const char *e = html_entity(*s);
        size_t el = e ? strlen(e) : 1;
        if (k + el + 1 > n) break;
        memcpy(dst + k, e ? e : s, el);
        k += el;
    }
    dst[k] = '\0';
}

void html_cell(AtomicOut *o, const char *id, double v, const char *text)
{
    if (!isfinite(v)) aout_printf(o, "<td id=\"%s\">&ndash;</td>", id);
    else aout_printf(o, "<td id=\"%s\" data-v=\"%.10g\">%s</td>", id, v, text);
}

void html_num(AtomicOut *o, const char *id, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15) {
        aout_printf(o, "<td id=\"%s\">%.0f</td>", id, v);   /* a count or an id: all its digits */
        return;
    }
    char t[NUMFMT_MAX];
    numfmt_g(t, v, 4);
    html_cell(o, id, v, t);
}

void gp_header(AtomicOut *g, const char *png, int w, int h)
{
    aout_printf(g, "# made by hpo-report; rerun with: gnuplot %.*s.gp\n",
                (int)(strlen(png) - 4), png);
    aout_printf(g, "set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11'\n", w, h);
    aout_printf(g, "set output '%s'\nset datafile separator ' '\nset grid lc rgb '#dddddd'\n", png);
}

int gnuplot_run(const char *gp_exe, const char *dir, const char *gp, const char *png, Notes *nt)
{
    char *argv[] = {(char *)gp_exe, (char *)gp, NULL};
    char *err = path_join(dir, ".gnuplot.err");
    int rc = run_cmd(argv, dir, NULL, err);
    char line[512];
    first_line(err, line, sizeof line);
    unlink(err);
    free(err);
    char *p = path_join(dir, png);
    int ok = rc == 0 && file_exists(p);
    free(p);
    if (!ok) {
        note(nt, "<li>%s: gnuplot failed (exit %d): ", png, rc);
        note(nt, "%s</li>\n", line);
        warnx("%s: gnuplot failed (exit %d): %s", png, rc, line);
    }
    return ok;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* a tick's label: 3 significant digits, counts of 10^4 and more with k or M */
static void tic_label(char *buf, size_t n, double v)
{
    char d[NUMFMT_MAX];
    if (v >= 1e6) numfmt_g(d, v / 1e6, 3), snprintf(buf, n, "%sM", d);
    else if (v >= 1e4) numfmt_g(d, v / 1e3, 3), snprintf(buf, n, "%sk", d);
    else numfmt_g(d, v, 3), snprintf(buf, n, "%s", d);
}

int gp_flat_range(AtomicOut *g, const char *axis, double lo, double hi)
{
    if (!isfinite(lo) || !isfinite(hi) || hi - lo > 1e-3 * fmax(fabs(lo), fabs(hi))) return 0;
    if (hi > 0) aout_printf(g, "set %srange [0:%.9g]\n", axis, 2 * hi);
    else aout_printf(g, "set %srange [%.9g:%.9g]\n", axis, hi - 1, hi + 1);
    return 1;
}

void gp_log_tics(AtomicOut *g, const char *axis, double lo, double hi)
{
    static const double m125[] = {1, 2, 5}, m10[] = {1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9};
    if (!(lo > 0) || !(hi >= lo)) return;
    const double *mant = m125;
    int nm = 3;
    for (int pass = 0; pass < 2; pass++) {
        int cnt = 0;
        for (int e = (int)floor(log10(lo)) - 1; e <= (int)ceil(log10(hi)); e++)
            for (int k = 0; k < nm; k++) {
                double v = mant[k] * pow(10, e);
                cnt += v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
            }
        if (cnt >= 3 || pass == 1) break;
        mant = m10, nm = 10;
    }
    aout_printf(g, "set %stics (", axis);
    int first = 1;
    for (int e = (int)floor(log10(lo)) - 1; e <= (int)ceil(log10(hi)); e++)
        for (int k = 0; k < nm; k++) {
            double v = mant[k] * pow(10, e);
            if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
            char lab[48];
            tic_label(lab, sizeof lab, v);
            aout_printf(g, "%s'%s' %.9g", first ? "" : ", ", lab, v);
            first = 0;
        }
    /* a range too narrow even for those: its two ends */
    if (first) {
        char a[48], b[48];
        tic_label(a, sizeof a, lo), tic_label(b, sizeof b, hi);
        aout_printf(g, "'%s' %.9g, '%s' %.9g", a, lo, b, hi);
    }
    aout_printf(g, ")\n");
}

double quantile(const double *v, int n, double q)
{
    double *s = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) s[m++] = v[i];
    if (m == 0) { free(s); return NAN; }
    qsort(s, (size_t)m, sizeof *s, cmp_double);
    double pos = q * (m - 1);
    int k = (int)floor(pos);
    double res = k + 1 < m ? s[k] + (pos - k) * (s[k + 1] - s[k]) : s[m - 1];
    free(s);
    return res;
}

int hp_log(const Run *r, int j)
{
    return strncmp(r->hp[j], "lr", 2) == 0 && r->lo[j] > 0 && r->hi[j] >= 10 * r->lo[j];
}

const char *hp_unit(const char *name)
{
    if (strncmp(name, "lr", 2) == 0) return "learning rate";
    if (strstr(name, "layersize")) return "nodes per layer";
    if (strcmp(name, "batch_size") == 0) return "events per batch";
    if (strcmp(name, "noise_dim") == 0) return "latent dimensions";
    return "value";
}

const char *var_unit(const Run *r, const char *name, char *buf, size_t n)
{
    /* the study's units= (UNITS=): a name is no guide (mu1_eta is not a mass) */
    runconf_pair(r->conf, "units", name, buf, n);
    return buf;
}

/* ---------------------------------------------------------------- the temp report directory */

/* The one global of the report: the temp directory not yet committed. die() may exit from any
 * module, and an atexit handler takes no argument, so this is how the cleanup finds it. Set by
 * report_dir_open, cleared by report_dir_commit. */
static char *g_tmpdir;

static void cleanup_tmpdir(void)
{
    if (g_tmpdir) rm_tree(g_tmpdir);
}

void report_dir_open(ReportDir *d, const char *target)
{
    d->target = xstrdup(target);
    size_t tl = strlen(d->target);
    while (tl > 1 && d->target[tl - 1] == '/') d->target[--tl] = '\0';
    char *tmpl = xmalloc(tl + 32);
    const char *slash = strrchr(d->target, '/');
    int dl = slash ? (int)(slash - d->target + 1) : 0;
    snprintf(tmpl, tl + 32, "%.*s.%s.tmp.XXXXXX", dl, d->target, d->target + dl);
    if (tl > 4000) die(EXIT_USAGE, "%s: report directory path too long", d->target);
    if (dl > 0) mkdir_parents(d->target, dl);
    if (!mkdtemp(tmpl)) die(EXIT_RUNTIME, "%s: cannot create a temp directory: %s", tmpl, strerror(errno));
    g_tmpdir = tmpl;
    atexit(cleanup_tmpdir);
    chmod(tmpl, 0755);
    d->tmp = tmpl, d->tl = tl, d->dl = dl;
}

void report_dir_commit(ReportDir *d)
{
    const char *target = d->target;
    size_t tl = d->tl;
    int dl = d->dl;
    struct stat st;
    char *old = NULL;
    if (stat(target, &st) == 0) {
        old = xmalloc(tl + 32);
        snprintf(old, tl + 32, "%.*s.%s.old.tmp.XXXXXX", dl, target, target + dl);
        if (!mkdtemp(old)) die(EXIT_RUNTIME, "%s: cannot create: %s", old, strerror(errno));
        rmdir(old);
        if (rename(target, old) != 0) die(EXIT_RUNTIME, "%s: cannot move aside: %s", target, strerror(errno));
    }
    if (rename(d->tmp, target) != 0) {
        int e = errno;
        if (old) rename(old, target);
        die(EXIT_RUNTIME, "%s: cannot rename from %s: %s", target, d->tmp, strerror(e));
    }
    g_tmpdir = NULL;
    if (old) rm_tree(old);
    free(old);
}
