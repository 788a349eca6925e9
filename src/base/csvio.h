/* csvio.h — streaming reader for numeric CSV files with a header row, plain or gzip (inflated
 * both transparently), columns chosen by name. Every error is one line
 * "prog: FILE:LINE: what is wrong" and exit 1. "-" reads standard input. */
#ifndef GANTUNE_CSVIO_H
#define GANTUNE_CSVIO_H
#include <stddef.h>

typedef struct CsvReader CsvReader;

/* Dies "FILE:LINE: ..." on: cannot open, empty file (no header), a header name given twice, a
 * NUL byte or a lone carriage return in a line (CR-only line ends), bytes after the end of a
 * gzip stream, a truncated or corrupt gzip stream. A UTF-8 byte order mark is skipped. */
CsvReader *csv_open(const char *path);
void csv_close(CsvReader *r);

int csv_ncols(const CsvReader *r);
const char *csv_name(const CsvReader *r, int col);
int csv_find(const CsvReader *r, const char *name);       /* -1 if absent */
int csv_require(const CsvReader *r, const char *name);    /* dies if absent */

/* Read the next record: 1, or 0 at end of file. Blank lines are skipped; a row whose field
 * count differs from the header's is an error. */
int csv_next(CsvReader *r);
const char *csv_str(const CsvReader *r, int col);
double csv_num(const CsvReader *r, int col);  /* dies on a non-numeric, NaN or infinite cell */
long csv_lineno(const CsvReader *r);          /* line of the current record (header is 1) */
const char *csv_path(const CsvReader *r);

/* "prog: FILE:LINE: msg" for the current record, exit 1. */
_Noreturn void csv_fail(const CsvReader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read the named columns of a whole file into a row-major array of doubles (rows x ncols).
 * Stops after max_rows rows (0 = all). Dies if the file has no data rows. */
double *csv_load_cols(const char *path, int ncols, char *const *names, size_t max_rows,
                      size_t *nrows);

/* The same, column by column: cols[j] holds nrows values of names[j] (each its own allocation;
 * free every cols[j], then cols). For tools that work per column (sorting, W1). */
double **csv_load_columns(const char *path, int ncols, char *const *names, size_t max_rows,
                          size_t *nrows);

/* A value for a message: s itself when short and printable, else its first CSV_CUT_KEEP bytes
 * (control bytes as \xNN) and "... (N bytes)" in buf, so that a 1 MB field or a binary file
 * does not become a 1 MB error line. buf holds CSV_CUT_BUF bytes. */
enum { CSV_CUT_KEEP = 60, CSV_CUT_BUF = 4 * 60 + 32 };
const char *csv_cut(const char *s, char *buf, size_t n);

/* Parse a whole cell as a finite double; 0 on success, -1 if not a number, -2 if NaN/Inf. */
int csv_parse_double(const char *s, double *out);
#endif
