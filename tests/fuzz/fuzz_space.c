/* fuzz_space.c — the space file reader (hpo/space: name,lower,upper,scaling). */
#include "harness.h"
#include "hpo/space.h"

const char *const fuzz_target_name = "space";
const int fuzz_target_form = FUZZ_LINE;

void fuzz_target(const uint8_t *data, size_t n)
{
    Space *s = space_read(fuzz_file("space.csv", data, n, 0));
    if (space_size(s) < 1) abort();
    space_free(s);
}
