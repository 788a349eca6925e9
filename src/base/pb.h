/* pb.h — the protocol-buffer wire format, writing only: varints, fixed32 and length-delimited
 * fields, and sub-messages appended as length-delimited fields (protobuf's encoding guide).
 * Enough for gan-export's ONNX files (model/onnx.h) without a protobuf library. A message is
 * a Pb buffer built bottom-up: fill the sub-message, then pb_msg() it into its parent. Buffers
 * grow with xrealloc (exit 1 when out of memory: a program's path, not the library's). */
#ifndef GANTUNE_PB_H
#define GANTUNE_PB_H
#include <stddef.h>
#include <stdint.h>

typedef struct { unsigned char *p; size_t n, cap; } Pb;

void pb_free(Pb *b);
/* field `f` as a varint (wire type 0): int32, int64 (negative as 10 bytes), enums, bools */
void pb_varint(Pb *b, int f, uint64_t v);
void pb_int(Pb *b, int f, int64_t v);
/* field `f` as fixed32 (wire type 5): float */
void pb_float(Pb *b, int f, float v);
/* field `f` length-delimited (wire type 2): bytes, strings, packed arrays, sub-messages */
void pb_bytes(Pb *b, int f, const void *data, size_t n);
void pb_str(Pb *b, int f, const char *s);
/* sub-message `sub` as field `f` of b; sub is freed */
void pb_msg(Pb *b, int f, Pb *sub);
/* fields already encoded in `more` appended to b (repeated fields built apart); more is freed */
void pb_append(Pb *b, Pb *more);
#endif
