/* util.h — error reporting, checked allocation and checked option parsing shared by every tool. */
#ifndef GANTUNE_UTIL_H
#define GANTUNE_UTIL_H
#include <stddef.h>
#include <stdint.h>

/* Exit statuses of every gantune program. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Set once at the top of main (the sbase argv0 idiom); prefixes every message. */
void set_progname(char *argv0);   /* shortens argv0 to its base name, in place */
const char *progname(void);

/* "prog: message\n" on stderr, then exit(code). Pending atomic outputs are removed (atomic.h). */
_Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "prog: message\n" on stderr, no exit. */
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one writer of messages: "prog: WHERE: message\n" (WHERE is FILE:LINE, or NULL for none),
 * one line (control bytes written as \xNN), at most MSG_MAX bytes, "..." marking a cut. */
enum { MSG_MAX = 512 };
#include <stdarg.h>
void vwarn_at(const char *where, const char *fmt, va_list ap);
_Noreturn void vdie_at(int code, const char *where, const char *fmt, va_list ap);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Parse option values; on a malformed or out-of-range value: "prog: --opt: ..." and exit 2. */
long parse_long(const char *opt, const char *s, long lo, long hi);
uint64_t parse_u64(const char *opt, const char *s);
double parse_double(const char *opt, const char *s, double lo, double hi);

/* Split a comma-separated list into a freshly allocated array of strings (one allocation,
 * free(list[0]) then free(list)). Empty items are a usage error naming opt. Returns count. */
int split_list(const char *opt, const char *s, char ***out);

/* Monotonic wall-clock seconds. */
double now_seconds(void);

/* Check that writing stdout succeeded (sbase): a full disk or closed pipe is an error. */
void check_stdout(void);
#endif
