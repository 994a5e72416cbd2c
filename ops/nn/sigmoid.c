/* sigmoid.c: Sigmoid, y = 1 / (1 + e⁻ˣ) elementwise.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "nn-kernels.h"

/* e⁻|ˣ| never overflows: for negative x the equal form eˣ / (1 + eˣ)
 * keeps tiny results accurate instead of rounding 1 / (1 + huge) to 0
 * early. */
static inline float
sigmoid_f (float v)
{
  float e = expf (-fabsf (v));

  return v >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

static inline double
sigmoid_d (double v)
{
  double e = exp (-fabs (v));

  return v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

void
nn_sigmoid (GraftKernel       *k,
            const GraftTensor *x,
            GraftTensor       *y)
{
  gsize n = graft_tensor_get_num_elements (x);
  gconstpointer in = graft_tensor_get_data (x, NULL);
  gpointer out = graft_kernel_get_output_data (k, y);

  switch (graft_tensor_get_dtype (x))
    {
    case GRAFT_DTYPE_FLOAT32: OP_UNARY_LOOP (float, in, out, n, sigmoid_f (v)); break;
    case GRAFT_DTYPE_FLOAT64: OP_UNARY_LOOP (double, in, out, n, sigmoid_d (v)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: OP_UNARY_LOOP_HALF (graft_tensor_get_dtype (x), in, out, n, sigmoid_f (v)); break;
    default:
      graft_kernel_set_error (k, "Sigmoid does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (x)));
    }
}
