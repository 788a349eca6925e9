/* fuzz_csv.c — the CSV reader (base/csvio): open, header, every row and field, numbers; then the
 * whole-file loader. Built twice: plain bytes (csv) and, with -DFUZZ_GZ, the input gzip-
 * compressed first (csv_gz), so that mutations reach the rows behind the inflater too (the raw
 * target also meets corrupt gzip streams whenever an input starts with the gzip magic). */
#include "harness.h"
#include "base/csvio.h"

#ifdef FUZZ_GZ
const char *const fuzz_target_name = "csv_gz";
#define GZ 1
#else
const char *const fuzz_target_name = "csv";
#define GZ 0
#endif
const int fuzz_target_form = FUZZ_LINE;

void fuzz_target(const uint8_t *data, size_t n)
{
    const char *p = fuzz_file(GZ ? "in.csv.gz" : "in.csv", data, n, GZ);
    unsigned mode = n ? data[n - 1] : 0;     /* the input picks which checks run */
    CsvReader *r = csv_open(p);
    int nc = csv_ncols(r);
    for (int j = 0; j < nc; j++)
        if (csv_find(r, csv_name(r, j)) < 0) abort();   /* every name is found */
    csv_find(r, "x");
    while (csv_next(r)) {
        for (int j = 0; j < nc; j++) {
            double v;
            csv_parse_double(csv_str(r, j), &v);
        }
        if (mode & 1) csv_num(r, (int)(mode >> 4) % nc);
        if (csv_lineno(r) < 1) abort();
    }
    csv_close(r);
    if (mode & 2) {
        char *name = (char *)"x";
        size_t rows;
        double *v = csv_load_cols(p, 1, &name, mode & 4 ? 3 : 0, &rows);
        free(v);
    }
}
