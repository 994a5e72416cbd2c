/* reduce.c: the reduce op family: sums, means and maxima over axes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reduce-kernels.h"

/* Every real number type, as TensorFlow 1.15 registers Sum, Mean and Max
 * on the CPU (complex Sum/Mean are left out with the rest of complex
 * arithmetic). The 16-bit floats accumulate in double and round once. */
#define SIGNATURE "(input: T, axis: list(int) = [], keep_dims: bool = false) -> (output: T), " \
                  "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"

static const GraftOpInfo reduce_ops[] = {
  { "ReduceSum", SIGNATURE, "The sum of input over axis (every axis when empty); integers wrap", "Sum",
    reduce_shape, G_CALLBACK (reduce_sum), 6, 0, { NULL } },
  { "ReduceMean", SIGNATURE, "The mean of input over axis (every axis when empty); integers truncate", "Mean",
    reduce_shape, G_CALLBACK (reduce_mean), 6, 0, { NULL } },
  { "ReduceMax", SIGNATURE, "The largest element of input over axis (every axis when empty); NaN wins", "Max",
    reduce_shape, G_CALLBACK (reduce_max), 6, 0, { NULL } },
};

static gboolean
reduce_init (GraftPlugin *plugin,
             GError     **error)
{
  return graft_plugin_add_ops (plugin, reduce_ops, G_N_ELEMENTS (reduce_ops), error);
}

GRAFT_PLUGIN_DEFINE (reduce, GRAFT_VERSION_S, "Reductions: sum, mean and maximum over axes",
                     "LGPL-2.1-or-later", reduce_init)
