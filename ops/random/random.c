/* random.c: the random op family: tensors of a fixed shape filled from the
 * op's seed pair.
 *
 * Every op here has GRAFT_OP_FLAGS_RANDOM, so Graft gives it a seed pair
 * by TensorFlow's rules; the kernels draw from the Philox generator keyed
 * by it (graft_kernel_init_philox()), where element i's value depends on
 * the pair and i alone. The shape is an attribute, fully defined when the
 * op is built.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "random-kernels.h"

#define REAL "dtype in {float32, float64}"

static const GraftOpInfo random_ops[] = {
  {
    .name = "RandomUniform",
    .signature = "(shape: shape, dtype: type) -> (output: dtype), " REAL,
    .summary = "Uniform floats on [0, 1)",
    .shape = random_shape_from_attr,
    .kernel = G_CALLBACK (random_uniform), .arity = 4,
    .flags = GRAFT_OP_FLAGS_RANDOM,
  },
  {
    .name = "RandomStandardNormal",
    .signature = "(shape: shape, dtype: type) -> (output: dtype), " REAL,
    .summary = "Normals of mean 0 and standard deviation 1",
    .shape = random_shape_from_attr,
    .kernel = G_CALLBACK (random_standard_normal), .arity = 4,
    .flags = GRAFT_OP_FLAGS_RANDOM,
  },
  {
    .name = "TruncatedNormal",
    .signature = "(shape: shape, dtype: type) -> (output: dtype), " REAL,
    .summary = "Standard normals, values of magnitude 2 or more re-drawn",
    .shape = random_shape_from_attr,
    .kernel = G_CALLBACK (random_truncated_normal), .arity = 4,
    .flags = GRAFT_OP_FLAGS_RANDOM,
  },
  {
    .name = "RandomUniformInt",
    .signature = "(shape: shape, minval: int, maxval: int, dtype: type) -> (output: dtype), "
                 "dtype in {int32, int64}",
    .summary = "Uniform integers on [minval, maxval), without modulo bias",
    .shape = random_shape_uniform_int,
    .kernel = G_CALLBACK (random_uniform_int), .arity = 6,
    .flags = GRAFT_OP_FLAGS_RANDOM,
  },
};

/* A random draw has no gradient (TensorFlow's ops.NotDifferentiable). */
static const GraftGradientInfo random_gradients[] = {
  GRAFT_NOT_DIFFERENTIABLE ("RandomUniform"),
  GRAFT_NOT_DIFFERENTIABLE ("RandomUniformInt"),
  GRAFT_NOT_DIFFERENTIABLE ("RandomStandardNormal"),
  GRAFT_NOT_DIFFERENTIABLE ("TruncatedNormal"),
};

static gboolean
random_init (GraftPlugin *plugin,
             GError     **error)
{
  return graft_plugin_add_ops (plugin, random_ops, G_N_ELEMENTS (random_ops), error) &&
         graft_plugin_add_gradients (plugin, random_gradients, G_N_ELEMENTS (random_gradients), error);
}

GRAFT_PLUGIN_DEFINE (random, GRAFT_VERSION_S, "Random tensors: uniform, normal, truncated normal, integers",
                     "LGPL-2.1-or-later", random_init)
