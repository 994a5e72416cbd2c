/* xavier.c: xavier, tf.contrib.layers.xavier_initializer(uniform): samples
 * of variance 1 / n, n the average of contrib's fans.
 *
 * contrib's variance_scaling_initializer(factor=1.0, mode='FAN_AVG'), whose
 * rules differ from the core initializers': fan_in is shape[-2] (shape[-1]
 * for a vector), fan_out shape[-1], both times the leading dimensions, 1 and
 * 1 for a scalar; n = (fan_in + fan_out) / 2 with no max(1, n) guard; the
 * uniform limit is sqrt(3 / n) and the truncated normal's stddev
 * sqrt(1.3 / n), uncorrected.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "initializer-kernels.h"

#define FACTOR 1.0

gboolean
init_xavier_shape (GraftShapeContext *ctx,
                   GError           **error)
{
  if (!init_dtype_is_float (graft_shape_context_get_attr_type (ctx, "T")))
    {
      g_set_error_literal (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                           "Cannot create initializer for non-floating point type.");
      return FALSE;
    }
  return init_shape_output (ctx);
}

void
init_xavier (GraftKernel *k,
             gboolean     uniform,
             GraftTensor *out)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (out, &rank);
  double fan_in = 1.0, fan_out = 1.0, n;

  if (rank > 0)
    {
      fan_in = (double) (rank > 1 ? dims[rank - 2] : dims[rank - 1]);
      fan_out = (double) dims[rank - 1];
    }
  for (guint i = 0; i + 2 < rank; i++)
    {
      fan_in *= (double) dims[i];
      fan_out *= (double) dims[i];
    }
  n = (fan_in + fan_out) / 2.0;

  /* n is 0 only when a dimension is: then there is nothing to fill, and
   * contrib's division by zero is never reached either. */
  if (graft_tensor_get_num_elements (out) == 0)
    return;
  if (uniform)
    {
      double limit = sqrt (3.0 * FACTOR / n);

      init_fill_uniform (k, out, -limit, limit);
    }
  else
    init_fill_normal (k, out, 0.0, sqrt (1.3 * FACTOR / n), TRUE);
}
