/* conv-ops.h: the table rows of the convolution and pooling ops, which
 * linalg.c registers beside MatMul (CONV_OPS) so that they share its GEMM.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The convolution and pooling ops (conv2d.c, pool.c), NHWC only, as on
 * TensorFlow's CPU. Their dtypes are TensorFlow 1.15's CPU registrations:
 * float16, float32 and float64 for Conv2D, its backprops, AvgPool and
 * AvgPoolGrad, plus bfloat16, which their op definitions allow and which
 * is computed in float32 as MatMul computes it; every real number type for
 * MaxPool and MaxPoolGrad. TensorFlow's sizes inputs (input_sizes,
 * filter_sizes, orig_input_shape) are attributes here, as Graft's shapes
 * are; their batch and depth may be -1, inferred from the other inputs, so
 * that gradients build for a batch of unknown size. An empty dilations list, the default, is TensorFlow's default
 * [1, 1, 1, 1] (the typed constructors cannot hold a non-empty default). */
#define CONV_REAL_NUMBER "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"
#define CONV_FLOATS "T in {float16, bfloat16, float32, float64}"
#define CONV_ATTRS "strides: list(int), padding: string, data_format: string = \"NHWC\", " \
                   "dilations: list(int) = []"
#define POOL_ATTRS "ksize: list(int), strides: list(int), padding: string, data_format: string = \"NHWC\""
#define CONV_OPS                                                                                          \
  { "Conv2D", "(input: T, filter: T, " CONV_ATTRS ") -> (output: T), " CONV_FLOATS,                      \
    "The 2-D convolution (cross-correlation) of NHWC input with HWIO filter, SAME or VALID padding",       \
    "Conv2D", linalg_shape_conv2d, G_CALLBACK (linalg_conv2d), 10, 0, { NULL } },                         \
  { "Conv2DBackpropInput", "(input_sizes: list(int), filter: T, out_backprop: T, " CONV_ATTRS             \
    ") -> (output: T), " CONV_FLOATS,                                                                     \
    "The gradient of Conv2D with respect to its input, of shape input_sizes (an attribute, not "          \
    "TensorFlow's int32 tensor; batch and depth may be -1)",                                              \
    "Conv2DBackpropInput", linalg_shape_conv2d_backprop_input, G_CALLBACK (linalg_conv2d_backprop_input), \
    12, 0, { NULL } },                                                                                    \
  { "Conv2DBackpropFilter", "(input: T, filter_sizes: list(int), out_backprop: T, " CONV_ATTRS            \
    ") -> (output: T), " CONV_FLOATS,                                                                     \
    "The gradient of Conv2D with respect to its filter, of shape filter_sizes (an attribute, not "        \
    "TensorFlow's int32 tensor; the depths may be -1)",                                                   \
    "Conv2DBackpropFilter", linalg_shape_conv2d_backprop_filter,                                          \
    G_CALLBACK (linalg_conv2d_backprop_filter), 12, 0, { NULL } },                                        \
  { "MaxPool", "(input: T, " POOL_ATTRS ") -> (output: T), " CONV_REAL_NUMBER,                                 \
    "The largest value of each NHWC window", "MaxPool", linalg_shape_max_pool, G_CALLBACK (linalg_max_pool),  \
    9, 0, { NULL } },                                                                                     \
  { "MaxPoolGrad", "(orig_input: T, orig_output: T, grad: T, " POOL_ATTRS ") -> (output: T), "            \
    CONV_REAL_NUMBER, "The gradient of MaxPool: each window's gradient goes to its first maximum",            \
    "MaxPoolGrad", linalg_shape_max_pool_grad, G_CALLBACK (linalg_max_pool_grad), 11, 0, { NULL } },      \
  { "AvgPool", "(value: T, " POOL_ATTRS ") -> (output: T), " CONV_FLOATS,                                 \
    "The mean of each NHWC window, over the elements inside the input", "AvgPool", linalg_shape_avg_pool,    \
    G_CALLBACK (linalg_avg_pool), 9, 0, { NULL } },                                                       \
  { "AvgPoolGrad", "(orig_input_shape: list(int), grad: T, " POOL_ATTRS ") -> (output: T), " CONV_FLOATS, \
    "The gradient of AvgPool, of shape orig_input_shape (an attribute, not TensorFlow's int32 tensor; "   \
    "batch and depth may be -1)", "AvgPoolGrad", linalg_shape_avg_pool_grad,                              \
    G_CALLBACK (linalg_avg_pool_grad), 11, 0, { NULL } },
