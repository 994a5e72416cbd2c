/* rsqrt.c: Rsqrt, y = 1 / √x elementwise (inf at 0, NaN for negative x, as
 * in TensorFlow).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "math-kernels.h"

void
math_rsqrt (GraftKernel       *k,
            const GraftTensor *x,
            GraftTensor       *y)
{
  gsize n = graft_tensor_get_num_elements (x);
  gconstpointer in = graft_tensor_get_data (x, NULL);
  gpointer out = graft_kernel_get_output_data (k, y);

  switch (graft_tensor_get_dtype (x))
    {
    case GRAFT_DTYPE_FLOAT32: OP_UNARY_LOOP (float, in, out, n, 1.0f / sqrtf (v)); break;
    case GRAFT_DTYPE_FLOAT64: OP_UNARY_LOOP (double, in, out, n, 1.0 / sqrt (v)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: OP_UNARY_LOOP_HALF (graft_tensor_get_dtype (x), in, out, n, 1.0f / sqrtf (v)); break;
    default:
      graft_kernel_set_error (k, "Rsqrt does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (x)));
    }
}
