/* fuzz_history.c — the bookkeeping tables of a run directory through their owner (hpo/rundir:
 * history, pending or proposals, by column name, with the id, count and statistic checks; the
 * best set) and the proposer's reader of the same history (space_read_points). The space is
 * fixed: a,b,c on small lattices. The header picks the table. */
#include "harness.h"
#include "hpo/rundir.h"
#include "hpo/space.h"

#include <string.h>

const char *const fuzz_target_name = "history";
const int fuzz_target_form = FUZZ_LINE;

static const char SPACE[] = "name,lower,upper,scaling\na,1,4,0.5\nb,0,4,1\nc,1,8,8\n";

static int has(const uint8_t *d, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(d + i, w, k) == 0) return 1;
    return 0;
}

void fuzz_target(const uint8_t *data, size_t n)
{
    const char *sp_path = fuzz_file("run/space.csv", SPACE, sizeof SPACE - 1, 0);
    char rd[512];
    snprintf(rd, sizeof rd, "%.*s", (int)(strrchr(sp_path, '/') - sp_path), sp_path);
    /* the table its header looks like (the first line), so seeds of each kind stay that kind */
    const uint8_t *nl = memchr(data, '\n', n);
    size_t hn = nl ? (size_t)(nl - data) : n;
    int hist = has(data, hn, "wd_mean"), prop = has(data, hn, "proposed_at");
    RdKind kind = hist ? RD_HISTORY : prop ? RD_PROPOSALS : RD_PENDING;
    unsigned mode = (unsigned)n;
    const char *name = kind == RD_HISTORY ? "run/history.csv" : kind == RD_PENDING ? "run/pending.csv" : "run/proposals.csv";
    const char *p = fuzz_file(name, data, n, 0);
    Space *sp = rundir_space(rd);
    RdTable t;
    rd_load(&t, rd, kind, sp);
    if (kind == RD_HISTORY) {
        for (int i = 0; i < t.nrows; i++) {
            HistRow h;
            hist_row(&t, i, &h);
        }
        best_set(&t, (mode & 8) ? 1.0 : 0.0);
        PointSet ps;
        space_read_points(sp, p, "wd_mean", "wd_std", (mode & 8) ? 1.0 : 0.0, &ps);
        pointset_free(&ps);
    } else {
        PointSet ps;
        space_read_points(sp, p, NULL, NULL, 0, &ps);
        pointset_free(&ps);
    }
    rd_free(&t);
    space_free(sp);
    remove(p);   /* the next input may pick another table: one file at a time */
}
