/* uniform-unit-scaling.c: uniform_unit_scaling(factor): U(−M, M) with
 * M = sqrt(3 / input_size) · factor, input_size the product of all
 * dimensions but the last (at least 1).
 *
 * TensorFlow 1.0's default for float variables; the estimate of the input
 * size is right for matrix products and convolution kernels.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "initializer-kernels.h"

void
init_uniform_unit_scaling (GraftKernel *k,
                           double       factor,
                           GraftTensor *out)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (out, &rank);
  double input_size = 1.0, max_val;

  for (guint i = 0; i + 1 < rank; i++)
    input_size *= (double) dims[i];
  /* TensorFlow's guard for tensors without elements. */
  input_size = MAX (input_size, 1.0);
  max_val = sqrt (3.0 / input_size) * factor;
  init_fill_uniform (k, out, -max_val, max_val);
}
