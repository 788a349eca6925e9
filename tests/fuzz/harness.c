/* harness.c — the common half of every fuzz target (tests/fuzz/README.md): LLVMFuzzerTestOneInput
 * runs the target's fuzz_target on one input with exit() turned into a return here (hooks.h),
 * releases what an aborted call held, and checks the oracles that make a fuzz run more than a
 * crash hunt:
 *   - an error exit prints exactly one line "fuzz: FILE:LINE: what" (or "FILE: what (at byte N)"
 *     for the model file), at most FUZZ_MSG_MAX bytes, with no control characters;
 *   - a call that returns normally leaves no allocation and no open FILE behind (a leak);
 *   - ASan/UBSan (the build flags) catch memory errors and undefined behaviour.
 * A broken oracle aborts, which libFuzzer (or AFL++) records as a crash with its input.
 * Built without hooks.h: here malloc and exit are the real ones. With -DFUZZ_STANDALONE it has
 * a main that runs the inputs named on the command line (files or directories), for replaying
 * the committed corpus without libFuzzer and for AFL++ (`afl-fuzz ... -- fuzz_X @@`). */
#define _GNU_SOURCE
#include "harness.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* A fuzzer's process runs one input after another: this state lives across calls by design. */
static jmp_buf jump;
static int armed, exit_code;
static char dir[256];
enum { MAXFD = 4096 };
static unsigned char fd_at_start[MAXFD];

/* ---- tracked allocations: an open-addressing set of live pointers */
static void **tab;
static size_t tcap, tcount;

static size_t slot_of(void *p)
{
    size_t h = ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull;
    return h & (tcap - 1);
}

static void track(void *p)
{
    if (2 * (tcount + 1) > tcap) {
        void **old = tab;
        size_t oc = tcap;
        tcap = tcap ? 2 * tcap : 1024;
        tab = calloc(tcap, sizeof *tab);
        if (!tab) abort();
        tcount = 0;
        for (size_t i = 0; i < oc; i++)
            if (old[i]) track(old[i]);
        free(old);
    }
    size_t i = slot_of(p);
    while (tab[i]) i = (i + 1) & (tcap - 1);
    tab[i] = p;
    tcount++;
}

static int untrack(void *p)
{
    if (!tcap) return 0;
    size_t i = slot_of(p);
    while (tab[i] && tab[i] != p) i = (i + 1) & (tcap - 1);
    if (!tab[i]) return 0;
    tab[i] = NULL;
    tcount--;
    /* re-insert the rest of the cluster (linear probing deletion) */
    for (size_t j = (i + 1) & (tcap - 1); tab[j]; j = (j + 1) & (tcap - 1)) {
        void *q = tab[j];
        tab[j] = NULL;
        tcount--;
        track(q);
    }
    return 1;
}

void *fuzz_malloc(size_t n)
{
    void *p = malloc(n);
    if (p) track(p);
    return p;
}

void *fuzz_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p) track(p);
    return p;
}

void *fuzz_realloc(void *p, size_t n)
{
    int was = p ? untrack(p) : 0;
    void *q = realloc(p, n);
    if (q) track(q);
    else if (was) track(p);
    return q;
}

void fuzz_free(void *p)
{
    if (!p) return;
    untrack(p);
    free(p);
}

enum { MAXF = 64 };
static FILE *files[MAXF];

FILE *fuzz_fopen(const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    for (int i = 0; f && i < MAXF; i++)
        if (!files[i]) { files[i] = f; break; }
    return f;
}

int fuzz_fclose(FILE *f)
{
    for (int i = 0; i < MAXF; i++)
        if (files[i] == f) files[i] = NULL;
    return fclose(f);
}

_Noreturn void fuzz_exit(int code)
{
    if (!armed) _exit(code);
    exit_code = code;
    longjmp(jump, 1);
}

/* ---- scratch files */

const char *fuzz_file(const char *name, const void *data, size_t n, int gz)
{
    static char paths[4][512];   /* four at once: a target may need a space and a history */
    static int turn;
    char *path = paths[turn++ & 3];
    snprintf(path, sizeof paths[0], "%s/%s", dir, name);
    for (char *c = path + strlen(dir) + 1; (c = strchr(c, '/')); c++) {   /* NAME's folders */
        *c = '\0';
        mkdir(path, 0700);
        *c = '/';
    }
    if (gz) {
        gzFile g = gzopen(path, "wb1");
        if (!g || (n && gzwrite(g, data, (unsigned)n) != (int)n) || gzclose(g) != Z_OK) abort();
    } else {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || (n && write(fd, data, n) != (ssize_t)n) || close(fd) != 0) abort();
    }
    return path;
}

static void rm_tree(const char *p)
{
    DIR *d = opendir(p);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char q[1024];
            snprintf(q, sizeof q, "%s/%s", p, e->d_name);
            rm_tree(q);
        }
        closedir(d);
        rmdir(p);
    } else {
        unlink(p);
    }
}

static void cleanup(void) { if (dir[0]) rm_tree(dir); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    set_progname("fuzz");
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gtfuzz.%s.XXXXXX", t && *t ? t : "/tmp", fuzz_target_name);
    if (!mkdtemp(dir)) { perror("mkdtemp"); abort(); }
    atexit(cleanup);
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int fd = atoi(e->d_name);
        if (fd >= 0 && fd < MAXFD && e->d_name[0] != '.') fd_at_start[fd] = 1;
    }
    if (d) closedir(d);
    return 0;
}

static void close_new_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return;
    int me = dirfd(d), list[MAXFD], n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            int fd = atoi(e->d_name);
            if (fd != me && fd >= 0 && fd < MAXFD && !fd_at_start[fd]) list[n++] = fd;
        }
    closedir(d);
    for (int i = 0; i < n; i++) close(list[i]);
}

static _Noreturn void oracle_fail(FILE *err, const char *why, const char *msg, size_t len)
{
    fprintf(err, "fuzz oracle (%s): %s\n--- message (%zu bytes) ---\n", fuzz_target_name, why, len);
    fwrite(msg, 1, len < 2000 ? len : 2000, err);
    fputs("\n---\n", err);
    fflush(err);
    abort();
}

static void check_message(FILE *err, const char *m, size_t len)
{
    if (len == 0) oracle_fail(err, "an error exit without a message", m, len);
    if (m[len - 1] != '\n' || memchr(m, '\n', len - 1))
        oracle_fail(err, "the message is not exactly one line", m, len);
    if (len > FUZZ_MSG_MAX) oracle_fail(err, "the message is too long (values not cut?)", m, len);
    for (size_t i = 0; i + 1 < len; i++)
        if ((unsigned char)m[i] < 0x20 || m[i] == 0x7f)
            oracle_fail(err, "a control character in the message", m, len);
    char want[300];
    snprintf(want, sizeof want, "fuzz: %s/", dir);
    if (strncmp(m, want, strlen(want)) != 0) oracle_fail(err, "the message does not name the file", m, len);
    const char *p = m + strlen(want);
    while (*p && *p != ':' && *p != '\n') p++;    /* the file name */
    if (fuzz_target_form == FUZZ_LINE) {
        if (p[0] != ':' || p[1] < '0' || p[1] > '9') oracle_fail(err, "no :LINE after the file", m, len);
        p++;
        while (*p >= '0' && *p <= '9') p++;
        if (p[0] != ':' || p[1] != ' ') oracle_fail(err, "no ': ' after FILE:LINE", m, len);
    } else {   /* "FILE: what (at byte N)": an out-of-memory alone may name no byte */
        if (strncmp(p, ": ", 2) != 0) oracle_fail(err, "no ': ' after the file", m, len);
        if (!strstr(p, "byte ") && !strstr(p, "out of memory"))
            oracle_fail(err, "a model-file error without its byte", m, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    if (!dir[0]) LLVMFuzzerInitialize(NULL, NULL);
    char *msg = NULL;
    size_t len = 0;
    FILE *real_err = stderr;
    stderr = open_memstream(&msg, &len);
    if (!stderr) abort();
    exit_code = -1;
    armed = 1;
    if (setjmp(jump) == 0) fuzz_target(data, n);
    armed = 0;
    fclose(stderr);
    stderr = real_err;
    int open_files = 0;
    for (int i = 0; i < MAXF; i++)
        if (files[i]) { open_files++; fclose(files[i]); files[i] = NULL; }
    size_t left = tcount;
    if (tcount) {   /* what an aborted call held (and, on a normal return, a leak) */
        for (size_t i = 0; i < tcap; i++)
            if (tab[i]) { free(tab[i]); tab[i] = NULL; }
        tcount = 0;
    }
    close_new_fds();
    if (exit_code >= 0) {
        if (exit_code != 1) {
            char why[64];
            snprintf(why, sizeof why, "exit status %d for bad data (want 1)", exit_code);
            oracle_fail(real_err, why, msg, len);
        }
        check_message(real_err, msg, len);
    } else if (left || open_files) {
        char why[96];
        snprintf(why, sizeof why, "normal return leaves %zu allocations and %d FILEs", left, open_files);
        oracle_fail(real_err, why, msg, len);
    }
    free(msg);
    return 0;
}

#ifdef FUZZ_STANDALONE
static long run_path(const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0) { fprintf(stderr, "%s: %s\n", p, strerror(errno)); exit(2); }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        struct dirent *e;
        long k = 0;
        char q[4096];
        while (d && (e = readdir(d)))
            if (e->d_name[0] != '.') { snprintf(q, sizeof q, "%s/%s", p, e->d_name); k += run_path(q); }
        if (d) closedir(d);
        return k;
    }
    FILE *f = fopen(p, "rb");
    if (!f) { fprintf(stderr, "%s: %s\n", p, strerror(errno)); exit(2); }
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    long k = 0;
    for (int i = 1; i < argc; i++) k += run_path(argv[i]);
    printf("fuzz_%s: %ld inputs, no oracle broken\n", fuzz_target_name, k);
    return 0;
}
#endif
