/* nn.c: the nn op family: activations, softmax, their gradients, the
 * cross-entropy losses, BiasAdd and L2Loss.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-kernels.h"

/* The dtypes each op takes are TensorFlow 1.15's CPU registrations, less
 * the complex types Graft does not compute with: Relu, ReluGrad, BiasAdd
 * and BiasAddGrad take every real number type, the cross-entropy losses
 * float16, float32 and float64, the others the floats. */
#define REAL_NUMBER "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"
#define FLOATS "T in {float16, bfloat16, float32, float64}"
#define XENT_FLOATS "T in {float16, float32, float64}"

static const GraftOpInfo nn_ops[] = {
  { "Relu", "(features: T) -> (activations: T), " REAL_NUMBER, "max(features, 0), elementwise", "Relu",
    graft_shape_same_as_input, G_CALLBACK (nn_relu), 3, 0, { NULL } },
  { "Sigmoid", "(x: T) -> (y: T), " FLOATS, "1 / (1 + exp(-x)), elementwise", "Sigmoid",
    graft_shape_same_as_input, G_CALLBACK (nn_sigmoid), 3, 0, { NULL } },
  { "Tanh", "(x: T) -> (y: T), " FLOATS, "The hyperbolic tangent of x, elementwise", "Tanh",
    graft_shape_same_as_input, G_CALLBACK (nn_tanh), 3, 0, { NULL } },
  { "Softmax", "(logits: T) -> (softmax: T), " FLOATS,
    "exp(logits) / sum(exp(logits)) over the last axis, computed stably", "Softmax",
    nn_shape_softmax, G_CALLBACK (nn_softmax), 3, 0, { NULL } },
  { "LogSoftmax", "(logits: T) -> (logsoftmax: T), " FLOATS,
    "logits - log(sum(exp(logits))) over the last axis, computed stably", "LogSoftmax",
    nn_shape_softmax, G_CALLBACK (nn_log_softmax), 3, 0, { NULL } },
  { "ReluGrad", "(gradients: T, features: T) -> (backprops: T), " REAL_NUMBER,
    "gradients * (features > 0): the gradient of Relu", "ReluGrad",
    nn_shape_same_shapes, G_CALLBACK (nn_relu_grad), 4, 0, { NULL } },
  { "SigmoidGrad", "(y: T, dy: T) -> (z: T), " FLOATS, "dy * y * (1 - y): the gradient of Sigmoid from its output y",
    "SigmoidGrad", nn_shape_same_shapes, G_CALLBACK (nn_sigmoid_grad), 4, 0, { NULL } },
  { "TanhGrad", "(y: T, dy: T) -> (z: T), " FLOATS, "dy * (1 - y * y): the gradient of Tanh from its output y",
    "TanhGrad", nn_shape_same_shapes, G_CALLBACK (nn_tanh_grad), 4, 0, { NULL } },
  { "SoftmaxCrossEntropyWithLogits", "(features: T, labels: T) -> (loss: T, backprop: T), " XENT_FLOATS,
    "The cross-entropy of softmax(features) against the distributions in labels, per row, and its gradient",
    "SoftmaxCrossEntropyWithLogits", nn_shape_xent, G_CALLBACK (nn_xent), 5, 0, { NULL } },
  { "SparseSoftmaxCrossEntropyWithLogits",
    "(features: T, labels: Tlabels) -> (loss: T, backprop: T), " XENT_FLOATS ", Tlabels in {int32, int64}",
    "The cross-entropy of softmax(features) against the class index of each row in labels, and its gradient",
    "SparseSoftmaxCrossEntropyWithLogits", nn_shape_sparse_xent, G_CALLBACK (nn_sparse_xent), 5, 0, { NULL } },
  { "BiasAdd", "(value: T, bias: T, data_format: string = \"NHWC\") -> (output: T), " REAL_NUMBER,
    "value + bias along the channel axis (the last in NHWC, axis 1 in NCHW)", "BiasAdd",
    nn_shape_bias_add, G_CALLBACK (nn_bias_add), 5, 0, { NULL } },
  { "BiasAddGrad", "(out_backprop: T, data_format: string = \"NHWC\") -> (output: T), " REAL_NUMBER,
    "The sum of out_backprop over every axis but the channel axis: the gradient of BiasAdd's bias", "BiasAddGrad",
    nn_shape_bias_add_grad, G_CALLBACK (nn_bias_add_grad), 4, 0, { NULL } },
  { "L2Loss", "(t: T) -> (output: T), " FLOATS, "sum(t * t) / 2", "L2Loss",
    graft_shape_scalar, G_CALLBACK (nn_l2_loss), 3, 0, { NULL } },
};

static gboolean
nn_init (GraftPlugin *plugin,
         GError     **error)
{
  return graft_plugin_add_ops (plugin, nn_ops, G_N_ELEMENTS (nn_ops), error) && nn_add_gradients (plugin, error);
}

GRAFT_PLUGIN_DEFINE (nn, GRAFT_VERSION_S, "Neural-network activations, softmax, losses and their gradients",
                     "LGPL-2.1-or-later", nn_init)
