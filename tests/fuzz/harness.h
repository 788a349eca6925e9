/* harness.h — what a fuzz target (tests/fuzz/fuzz_*.c) gets from harness.c. */
#ifndef GANTUNE_FUZZ_HARNESS_H
#define GANTUNE_FUZZ_HARNESS_H
#include <stddef.h>
#include <stdint.h>

/* How an error line must look when the code under test exits: "fuzz: DIR/NAME:LINE: what"
 * (FUZZ_LINE, the CSV-like readers) or "fuzz: DIR/NAME: what (at byte N)" (FUZZ_BYTE, the model
 * file); at most FUZZ_MSG_MAX bytes, one line, no control characters. */
enum { FUZZ_LINE, FUZZ_BYTE };
enum { FUZZ_MSG_MAX = 600 };

/* Set by the target file: its name, its message form, and one input's work. */
extern const char *const fuzz_target_name;
extern const int fuzz_target_form;
void fuzz_target(const uint8_t *data, size_t n);

/* A file NAME in this process's scratch directory holding data (its path, valid for the
 * next three calls). gz: gzip-compressed first. */
const char *fuzz_file(const char *name, const void *data, size_t n, int gz);
#endif
