/* hooks.h — forced (-include) into every source of a fuzz build (tests/fuzz/fuzz.mk), never into
 * the real programs. The readers end on bad input with exit(1); a fuzzer runs many inputs in one
 * process, so exit returns to the harness (longjmp), and what the aborted call held (memory,
 * FILEs; descriptors are swept by the harness) is released there. */
#ifndef GANTUNE_FUZZ_HOOKS_H
#define GANTUNE_FUZZ_HOOKS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void fuzz_exit(int code);
void *fuzz_malloc(size_t n);
void *fuzz_calloc(size_t n, size_t size);
void *fuzz_realloc(void *p, size_t n);
void fuzz_free(void *p);
FILE *fuzz_fopen(const char *path, const char *mode);
int fuzz_fclose(FILE *f);

/* object-like, so that a struct member of the same name (SurrogateMethod's free) is renamed
 * alike in its declaration and its uses */
#define exit fuzz_exit
#define malloc fuzz_malloc
#define calloc fuzz_calloc
#define realloc fuzz_realloc
#define free fuzz_free
#define fopen fuzz_fopen
#define fclose fuzz_fclose
#endif
