/* proc.c — see proc.h. */
#include "base/proc.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

char *find_exec(const char *prog)
{
    if (strchr(prog, '/')) return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
    const char *path = getenv("PATH");
    if (!path) return NULL;
    char *dup = xstrdup(path);
    char *res = NULL;
    for (char *s = dup, *tok; (tok = strtok(s, ":")); s = NULL) {
        char *p = path_join(*tok ? tok : ".", prog);
        if (access(p, X_OK) == 0) { res = p; break; }
        free(p);
    }
    free(dup);
    return res;
}

int run_cmd(char *const argv[], const char *cwd, const char *out_path, const char *err_path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) die(EXIT_RUNTIME, "fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0) _exit(127);
        close(fd);
        if (err_path) {
            fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, 2) < 0) _exit(127);
            close(fd);
        }
        if (cwd && chdir(cwd) != 0) _exit(127);  /* after opening: the paths may be relative */
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) die(EXIT_RUNTIME, "waitpid: %s", strerror(errno));
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void first_line(const char *path, char *buf, size_t n)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (fgets(buf, (int)n, f)) buf[strcspn(buf, "\r\n")] = '\0';
    fclose(f);
}

void rm_tree(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return;
    struct dirent *e;
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char *p = path_join(dir, e->d_name);
            unlink(p);
            free(p);
        }
    closedir(dp);
    rmdir(dir);
}

void mkdir_parents(const char *path, int len)
{
    char *p = xmalloc((size_t)len + 1);
    memcpy(p, path, (size_t)len);
    p[len] = '\0';
    for (int i = 1; i <= len; i++)
        if (p[i] == '/' || p[i] == '\0') {
            char ch = p[i];
            p[i] = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                die(EXIT_RUNTIME, "%s: cannot create directory: %s", p, strerror(errno));
            p[i] = ch;
        }
    free(p);
}

char *tool_path(const char *name)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            size_t len = (size_t)(slash - self) + 1 + strlen(name) + 1;
            char *p = xmalloc(len);
            snprintf(p, len, "%.*s/%s", (int)(slash - self), self, name);
            if (access(p, X_OK) == 0) return p;
            free(p);
        }
    }
    return xstrdup(name);
}

char *run_capture(char **argv)
{
    int fd[2];
    if (pipe(fd) != 0) die(EXIT_RUNTIME, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) die(EXIT_RUNTIME, "fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "%s: cannot run %s: %s\n", progname(), argv[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (cap - len < 2048) buf = xrealloc(buf, cap *= 2);
        ssize_t k = read(fd[0], buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        len += (size_t)k;
    }
    buf[len] = '\0';
    close(fd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) die(EXIT_RUNTIME, "waitpid: %s", strerror(errno));
    /* a gantune child that exits 1 or 2 has said why in its own one line: a second one here
     * ("x failed") would only repeat it */
    if (WIFEXITED(st) && (WEXITSTATUS(st) == EXIT_RUNTIME || WEXITSTATUS(st) == EXIT_USAGE))
        exit(EXIT_RUNTIME);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die(EXIT_RUNTIME, "%s failed (%s %d)", argv[0], WIFEXITED(st) ? "exit status" : "signal",
            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    return buf;
}
