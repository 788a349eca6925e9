/* fuzz_model.c — the model file (model/gtm: header, CRC, zlib payload, sizes, names). Mutations
 * of a valid file mostly break its CRC; the input's first byte 0xA5 asks for the CRC (and the
 * compressed length) to be recomputed over a payload taken from the rest of the input, so that
 * the payload parser itself is reached. */
#include "harness.h"
#include "model/gtm.h"

#include <string.h>
#include <zlib.h>

const char *const fuzz_target_name = "model";
const int fuzz_target_form = FUZZ_BYTE;

static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }

void fuzz_target(const uint8_t *data, size_t n)
{
    GtmModel m;
    if (n > 1 && data[0] == 0xA5 && n < (1 << 20)) {
        /* a well-formed envelope around the input's payload bytes */
        const uint8_t *pl = data + 1;
        size_t pn = n - 1;
        uLongf cl = compressBound(pn);
        unsigned char *file = malloc(32 + cl);
        if (compress2(file + 32, &cl, pl, pn, 1) != Z_OK) abort();
        memcpy(file, "GANTUNEM", 8);
        put32(file + 8, GTM_VERSION);
        put32(file + 12, (uint32_t)crc32(0L, pl, (uInt)pn));
        put64(file + 16, pn);
        put64(file + 24, cl);
        const char *p = fuzz_file("model.gtm", file, 32 + cl, 0);
        free(file);
        gtm_load(p, &m);
    } else {
        gtm_load(fuzz_file("model.gtm", data, n, 0), &m);
    }
    gtm_free(&m);
}
