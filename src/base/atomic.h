/* atomic.h — output files written to a hidden temp name beside the target and renamed on commit,
 * so a killed program never leaves half a file under the final name. A path ending in ".gz" is
 * gzip-compressed; "-" is standard output (no rename). Outputs not yet committed are removed
 * when the program exits through die()/exit() or is stopped by SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGPIPE or SIGXCPU. SIGXFSZ (a write past `ulimit -f`) is ignored once an output is open, so
 * the write fails with EFBIG and the error says "File too large". Write errors name their
 * cause, for gzip output too. */
#ifndef GANTUNE_ATOMIC_H
#define GANTUNE_ATOMIC_H
#include <stddef.h>

typedef struct AtomicOut AtomicOut;

AtomicOut *aout_open(const char *path);          /* dies with exit 1 if the temp cannot be made */
void aout_write(AtomicOut *o, const void *buf, size_t n);   /* dies on a write error */
void aout_printf(AtomicOut *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void aout_commit(AtomicOut *o);                   /* flush, fsync, rename; frees o */
void aout_abort(AtomicOut *o);                    /* remove the temp; frees o */
const char *aout_path(const AtomicOut *o);
#endif
