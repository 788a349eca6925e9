/* index.h — hpo-report's index.html: the summary table of every run, the first run's Pareto
 * table, the pictures that were made with their captions, and the notes on what was left out. */
#ifndef GANTUNE_REPORT_INDEX_H
#define GANTUNE_REPORT_INDEX_H
#include "report/picture.h"
#include "report/pictures.h"

#include <stddef.h>

/* What became of one row of the picture table. */
typedef struct {
    int made;                    /* NAME.png exists */
    char more[2048];             /* HTML appended to its caption (draw's `more`) */
} PicResult;

/* Write rp->dir/index.html; res[q] belongs to report_pictures[q]. */
void write_index(const Report *rp, const PicResult *res, const Notes *nt);
#endif
