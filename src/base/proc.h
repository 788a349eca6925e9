/* proc.h — paths, directories and child processes, for the programs that drive other programs
 * (hpo-step runs surrogate-propose and trial-aggregate, hpo-report runs gan-sample, surrogate-
 * propose and gnuplot). Every function dies with a clear message on a system error it cannot
 * recover from, so callers stay short. */
#ifndef GANTUNE_PROC_H
#define GANTUNE_PROC_H
#include <stddef.h>

/* "a/b", freshly allocated. */
char *path_join(const char *a, const char *b);
/* 1 if stat(p) succeeds. */
int file_exists(const char *p);
/* The first executable named prog on PATH (or prog itself when it holds a slash); NULL if none. */
char *find_exec(const char *prog);
/* Path of a sibling program: beside this executable if it is there, else the bare name (PATH). */
char *tool_path(const char *name);

/* Run argv (an absolute or ./ path when cwd is given) in directory cwd (NULL: ours) with stdout
 * to out_path (NULL: /dev/null) and stderr to err_path (NULL: inherited). Returns the exit
 * status, or -1 if it did not exit normally. */
int run_cmd(char *const argv[], const char *cwd, const char *out_path, const char *err_path);
/* Run argv (PATH lookup), return its whole stdout (NUL-terminated); stderr passes through. Dies
 * if it cannot be run or exits non-zero. */
char *run_capture(char **argv);
/* The first line of a file (for quoting a failed tool's message), or "". */
void first_line(const char *path, char *buf, size_t n);

/* Remove a flat directory: its files, then itself. */
void rm_tree(const char *dir);
/* mkdir -p of the first len characters of path. */
void mkdir_parents(const char *path, int len);
#endif
