/* device.h — the --device option of gan-train and gan-sample: parse it, and make sure the chosen
 * device can run before any work starts. A CPU-only build (plain `make`) refuses "cuda" saying it
 * was built without CUDA; a CUDA build (`make cuda`, which defines GANTUNE_CUDA and links cuda/)
 * refuses it when no usable GPU is present. Both exit 1 at once, before data is read. */
#ifndef GANTUNE_DEVICE_H
#define GANTUNE_DEVICE_H

typedef enum { DEVICE_CPU = 0, DEVICE_CUDA = 1 } Device;

/* "cpu" or "cuda"; anything else: "prog: OPT: unknown device 'S' (cpu or cuda)", exit 2. */
Device device_parse(const char *opt, const char *s);
const char *device_name(Device d);
/* 1 if this binary was built with CUDA support. */
int device_cuda_built(void);
/* Dies with exit 1 and one clear line when d cannot be used; prints nothing when it can. */
void device_require(Device d);
#endif
