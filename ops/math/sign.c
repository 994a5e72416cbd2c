/* sign.c: Sign, y = -1, 0 or 1 by the sign of x elementwise; NaN stays
 * NaN and -0.0 gives 0, as TensorFlow's Eigen scalar_sign_op does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "math-kernels.h"

#define SIGN(v) ((v) > 0 ? 1 : (v) < 0 ? -1 : (v) == 0 ? 0 : (v))

void
math_sign (GraftKernel       *k,
           const GraftTensor *x,
           GraftTensor       *y)
{
  gsize n = graft_tensor_get_num_elements (x);
  gconstpointer in = graft_tensor_get_data (x, NULL);
  gpointer out = graft_kernel_get_output_data (k, y);

  switch (graft_tensor_get_dtype (x))
    {
    case GRAFT_DTYPE_FLOAT32: OP_UNARY_LOOP (float, in, out, n, SIGN (v)); break;
    case GRAFT_DTYPE_FLOAT64: OP_UNARY_LOOP (double, in, out, n, SIGN (v)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: OP_UNARY_LOOP_HALF (graft_tensor_get_dtype (x), in, out, n, SIGN (v)); break;
    case GRAFT_DTYPE_INT32: OP_UNARY_LOOP (gint32, in, out, n, SIGN (v)); break;
    case GRAFT_DTYPE_INT64: OP_UNARY_LOOP (gint64, in, out, n, SIGN (v)); break;
    default:
      graft_kernel_set_error (k, "Sign does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (x)));
    }
}
