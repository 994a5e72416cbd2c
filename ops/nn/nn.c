/* nn.c: the nn op family: activations and softmax.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-kernels.h"

/* The dtypes each op takes are TensorFlow 1.15's CPU registrations, less
 * the complex types Graft does not compute with: Relu takes every real
 * number type, Sigmoid, Tanh and Softmax the floats. */
#define REAL_NUMBER "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"
#define FLOATS "T in {float16, bfloat16, float32, float64}"

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
};

static gboolean
nn_init (GraftPlugin *plugin,
         GError     **error)
{
  return graft_plugin_add_ops (plugin, nn_ops, G_N_ELEMENTS (nn_ops), error);
}

GRAFT_PLUGIN_DEFINE (nn, GRAFT_VERSION_S, "Neural-network activations and softmax", "LGPL-2.1-or-later", nn_init)
