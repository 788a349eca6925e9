/* atomic.c — see atomic.h. The list of uncommitted temp names is the one piece of process-wide
 * state: exit and signal handlers need it to clean up, and no caller can pass it to them. */
#include "base/atomic.h"
#include "base/util.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_PENDING 64

struct AtomicOut {
    char *path, *tmp;
    FILE *f;          /* plain output */
    gzFile gz;        /* compressed output */
    int is_stdout, slot;
    int direct;       /* an existing device or FIFO (/dev/null): written in place */
};

static char *pending[MAX_PENDING];
static int handlers_installed;

static void cleanup_pending(void)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i]) unlink(pending[i]);
}

static void on_signal(int sig)
{
    cleanup_pending();   /* unlink is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    if (handlers_installed) return;
    handlers_installed = 1;
    atexit(cleanup_pending);
    /* the signals that end a program by default: temps go, then the signal ends it as before
     * (one the caller ignores, as nohup does SIGHUP, stays ignored) */
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGXCPU};
    struct sigaction sa, old;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
    /* A write past `ulimit -f` raises SIGXFSZ, which kills without a word; ignored, the write
     * fails with EFBIG instead and the error path below says "File too large" and cleans up. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &sa, NULL);
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* zlib's error text without the temp path it prefixes ("PATH: No space left on device") */
static const char *gz_why(gzFile gz)
{
    int e;
    const char *m = gzerror(gz, &e);
    if (e == Z_ERRNO) {
        const char *c = strrchr(m, ':');
        return c && c[1] == ' ' ? c + 2 : m;
    }
    return e == Z_OK ? strerror(errno) : m;
}

AtomicOut *aout_open(const char *path)
{
    AtomicOut *o = xcalloc(1, sizeof *o);
    o->path = xstrdup(path);
    o->slot = -1;
    install_handlers();
    if (strcmp(path, "-") == 0) {
        o->is_stdout = 1;
        o->f = stdout;
        return o;
    }
    /* A temp file renamed onto /dev/null (as root) would replace the device with a regular
     * file that then fills /dev: what is not a regular file is written in place. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        o->direct = 1;
        if (ends_with(path, ".gz")) o->gz = gzopen(path, "wb6");
        else o->f = fopen(path, "wb");
        if (!o->gz && !o->f) die(EXIT_RUNTIME, "%s: cannot open: %s", path, strerror(errno));
        return o;
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    size_t n = strlen(path) + 64;
    o->tmp = xmalloc(n);
    snprintf(o->tmp, n, "%.*s.%s.tmp.%ld", (int)dirlen, path, path + dirlen, (long)getpid());
    for (int i = 0; i < MAX_PENDING; i++)
        if (!pending[i]) { pending[i] = o->tmp; o->slot = i; break; }
    if (o->slot < 0) die(EXIT_RUNTIME, "%s: too many open outputs", path);
    if (ends_with(path, ".gz")) {
        o->gz = gzopen(o->tmp, "wb6");
        if (!o->gz) die(EXIT_RUNTIME, "%s: cannot create: %s", path, strerror(errno));
        gzbuffer(o->gz, 1 << 17);
    } else {
        o->f = fopen(o->tmp, "wb");
        if (!o->f) die(EXIT_RUNTIME, "%s: cannot create: %s", path, strerror(errno));
        setvbuf(o->f, NULL, _IOFBF, 1 << 17);
    }
    return o;
}

void aout_write(AtomicOut *o, const void *buf, size_t n)
{
    if (n == 0) return;
    if (o->gz) {
        if (gzwrite(o->gz, buf, (unsigned)n) != (int)n)
            die(EXIT_RUNTIME, "%s: write error: %s", o->path, gz_why(o->gz));
    } else if (fwrite(buf, 1, n, o->f) != n) {
        die(EXIT_RUNTIME, "%s: write error: %s", o->path, strerror(errno));
    }
}

void aout_printf(AtomicOut *o, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) die(EXIT_RUNTIME, "%s: format error", o->path);
    if ((size_t)n < sizeof small) {
        aout_write(o, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    aout_write(o, big, (size_t)n);
    free(big);
}

static void release(AtomicOut *o)
{
    if (o->slot >= 0) pending[o->slot] = NULL;
    free(o->path);
    free(o->tmp);
    free(o);
}

void aout_commit(AtomicOut *o)
{
    if (o->is_stdout) {
        check_stdout();
        release(o);
        return;
    }
    if (o->gz) {
        /* flushed first, so that an error can still be asked for its cause */
        if (gzflush(o->gz, Z_FINISH) != Z_OK)
            die(EXIT_RUNTIME, "%s: write error: %s", o->path, gz_why(o->gz));
        if (gzclose(o->gz) != Z_OK) die(EXIT_RUNTIME, "%s: write error on close: %s", o->path, strerror(errno));
    } else {
        if (fflush(o->f) != 0 || (!o->direct && fsync(fileno(o->f)) != 0) || fclose(o->f) != 0)
            die(EXIT_RUNTIME, "%s: write error: %s", o->path, strerror(errno));
    }
    if (!o->direct && rename(o->tmp, o->path) != 0)
        die(EXIT_RUNTIME, "%s: cannot rename from %s: %s", o->path, o->tmp, strerror(errno));
    release(o);
}

void aout_abort(AtomicOut *o)
{
    if (!o->is_stdout) {
        if (o->gz) gzclose(o->gz);
        else if (o->f) fclose(o->f);
        if (!o->direct) unlink(o->tmp);
    }
    release(o);
}

const char *aout_path(const AtomicOut *o) { return o->path; }
