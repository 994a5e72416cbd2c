/* abs.c: Abs, y = |x| elementwise; integers wrap (|INT_MIN| is INT_MIN),
 * as in TensorFlow, instead of overflowing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "math-kernels.h"

void
math_abs (GraftKernel       *k,
          const GraftTensor *x,
          GraftTensor       *y)
{
  gsize n = graft_tensor_get_num_elements (x);
  gconstpointer in = graft_tensor_get_data (x, NULL);
  gpointer out = graft_kernel_get_output_data (k, y);

  switch (graft_tensor_get_dtype (x))
    {
    case GRAFT_DTYPE_FLOAT32: OP_UNARY_LOOP (float, in, out, n, fabsf (v)); break;
    case GRAFT_DTYPE_FLOAT64: OP_UNARY_LOOP (double, in, out, n, fabs (v)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: OP_UNARY_LOOP_HALF (graft_tensor_get_dtype (x), in, out, n, fabsf (v)); break;
    case GRAFT_DTYPE_INT8: OP_UNARY_LOOP (gint8, in, out, n, v < 0 ? (gint8) (0u - (guint8) v) : v); break;
    case GRAFT_DTYPE_INT16: OP_UNARY_LOOP (gint16, in, out, n, v < 0 ? (gint16) (0u - (guint16) v) : v); break;
    case GRAFT_DTYPE_INT32: OP_UNARY_LOOP (gint32, in, out, n, v < 0 ? (gint32) (0u - (guint32) v) : v); break;
    case GRAFT_DTYPE_INT64:
      OP_UNARY_LOOP (gint64, in, out, n, v < 0 ? (gint64) (G_GUINT64_CONSTANT (0) - (guint64) v) : v);
      break;
    default:
      graft_kernel_set_error (k, "Abs does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (x)));
    }
}
