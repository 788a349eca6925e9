/* test_device.c — --device parsing, and that the plain build (this test) carries no CUDA. The
 * refusals that exit are checked from the command line in tests/cuda.bats. */
#include <string.h>

#include "check.h"
#include "model/device.h"

int main(void)
{
    CHECK(device_parse("--device", "cpu") == DEVICE_CPU, "cpu parses");
    CHECK(device_parse("--device", "cuda") == DEVICE_CUDA, "cuda parses");
    CHECK(strcmp(device_name(DEVICE_CPU), "cpu") == 0, "name of cpu");
    CHECK(strcmp(device_name(DEVICE_CUDA), "cuda") == 0, "name of cuda");
    CHECK(!device_cuda_built(), "plain make builds the modules without GANTUNE_CUDA");
    device_require(DEVICE_CPU);   /* the CPU is always usable: dying here fails the test */
    return check_done("test_device");
}
