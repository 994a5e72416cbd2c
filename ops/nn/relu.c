/* relu.c: Relu, activations = max(features, 0) elementwise; NaN stays NaN.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-kernels.h"

void
nn_relu (GraftKernel       *k,
         const GraftTensor *features,
         GraftTensor       *activations)
{
  gsize n = graft_tensor_get_num_elements (features);
  gconstpointer in = graft_tensor_get_data (features, NULL);
  gpointer out = graft_kernel_get_output_data (k, activations);

  /* `v < 0 ? 0 : v` rather than a max(): a NaN compares false and passes
   * through instead of silently becoming 0. */
  switch (graft_tensor_get_dtype (features))
    {
    case GRAFT_DTYPE_FLOAT32: OP_UNARY_LOOP (float, in, out, n, v < 0 ? 0.0f : v); break;
    case GRAFT_DTYPE_FLOAT64: OP_UNARY_LOOP (double, in, out, n, v < 0 ? 0.0 : v); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: OP_UNARY_LOOP_HALF (graft_tensor_get_dtype (features), in, out, n, v < 0 ? 0.0f : v); break;
    case GRAFT_DTYPE_INT8: OP_UNARY_LOOP (gint8, in, out, n, v < 0 ? 0 : v); break;
    case GRAFT_DTYPE_INT16: OP_UNARY_LOOP (gint16, in, out, n, v < 0 ? 0 : v); break;
    /* Unsigned values are never negative: Relu is the identity. */
    case GRAFT_DTYPE_UINT8: OP_UNARY_LOOP (guint8, in, out, n, v); break;
    case GRAFT_DTYPE_UINT16: OP_UNARY_LOOP (guint16, in, out, n, v); break;
    case GRAFT_DTYPE_INT32: OP_UNARY_LOOP (gint32, in, out, n, v < 0 ? 0 : v); break;
    case GRAFT_DTYPE_INT64: OP_UNARY_LOOP (gint64, in, out, n, v < 0 ? 0 : v); break;
    default:
      graft_kernel_set_error (k, "Relu does not support %s",
                              graft_dtype_get_name (graft_tensor_get_dtype (features)));
    }
}
