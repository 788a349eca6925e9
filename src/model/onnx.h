/* onnx.h — a model file's generator as an ONNX graph (gan-export --onnx), written by gantune
 * itself through the protobuf wire format (base/pb.h).
 *
 * ONNX IR version 8, default-domain opset 17 (what Debian's python3-onnx 1.12 checks; every
 * ONNX Runtime since 1.13 runs it). The graph, inference mode only:
 *   inputs   conditions [N x ncond] float (conditional models only), noise [N x nnoise] float,
 *            N a dynamic batch dimension named "N"
 *   scaling  2 (conditions - lo) / (hi - lo) - 1   (Sub, Mul, Add; training ranges)
 *   input    Concat(scaled conditions, noise) — gan-sample's column order
 *   layers   one node per layer of the generator's list (net.h), in order: dense -> Gemm
 *            (W [nin x nout], bias when the layer has one), batch norm -> BatchNormalization
 *            (running mean/variance, epsilon NN_BN_EPS, inference mode), LeakyReLU ->
 *            LeakyRelu (its slope), tanh -> Tanh. A new layer kind adds its case in
 *            onnx.c's layer_node, the one place that maps a kind to nodes.
 *   output   events [N x nout] float = (y + 1) / 2 (hi - lo) + lo (Add, Mul, Add), physical
 *            units, columns in the model's order.
 * Per-column transforms: the model file (gtm version 1) carries none beyond the min-max
 * scaling above; a future transform belongs after that last Add.
 * metadata_props (all strings): gantune.out_cols, gantune.cond_cols (comma-separated, empty
 * without conditions), gantune.noise_dim, gantune.noise ("standard normal"), gantune.out_lo,
 * gantune.out_hi, gantune.cond_lo, gantune.cond_hi (%.17g, comma-separated), gantune.layers
 * (the layer list, e.g. "dense(7,65) batchnorm leaky(0.2) ..."), gantune.gtm_version,
 * gantune.best_epoch, gantune.best_wd. */
#ifndef GANTUNE_ONNX_H
#define GANTUNE_ONNX_H
#include "base/pb.h"
#include "model/gtm.h"

#define ONNX_IR_VERSION 8
#define ONNX_OPSET 17

/* The serialized ModelProto of m's generator into out (empty on entry). NULL, or what cannot
 * be exported (a layer kind without an ONNX node); out is then freed. */
const char *onnx_generator(const GtmModel *m, Pb *out);
#endif
