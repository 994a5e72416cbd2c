/* activation-grads.c: the gradients of the activations as ops of their
 * own, TensorFlow's formulas and argument orders:
 *   ReluGrad (gradients, features)  backprops = gradients * (features > 0)
 *   SigmoidGrad (y, dy)             z = dy * y * (1 - y)
 *   TanhGrad (y, dy)                z = dy * (1 - y²)
 * where y is the activation's output, so no exponential is recomputed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-kernels.h"

/* Shapes were merged when the op was built or at run time; the kernel
 * still refuses a mismatch rather than read past the smaller input. */
static gboolean
same_sizes (GraftKernel       *k,
            const GraftTensor *a,
            const GraftTensor *b)
{
  if (graft_shape_equal (graft_tensor_get_shape (a), graft_tensor_get_shape (b)))
    return TRUE;

  g_autofree char *sa = op_format_tensor_shape (a);
  g_autofree char *sb = op_format_tensor_shape (b);
  graft_kernel_set_error (k, "Incompatible shapes: %s vs. %s", sa, sb);
  return FALSE;
}

/* `g * (f > 0)` rather than `f > 0 ? g : 0`: as TensorFlow's Eigen
 * expression, a NaN gradient stays NaN where the feature is not positive. */
void
nn_relu_grad (GraftKernel       *k,
              const GraftTensor *gradients,
              const GraftTensor *features,
              GraftTensor       *backprops)
{
  GraftDType dtype = graft_tensor_get_dtype (gradients);
  gsize n = graft_tensor_get_num_elements (gradients);
  gconstpointer g = graft_tensor_get_data (gradients, NULL), f = graft_tensor_get_data (features, NULL);
  gpointer out;

  if (!same_sizes (k, gradients, features))
    return;
  out = graft_kernel_get_output_data (k, backprops);
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: NN_BINARY_LOOP (float, g, f, out, n, u * (float) (v > 0)); break;
    case GRAFT_DTYPE_FLOAT64: NN_BINARY_LOOP (double, g, f, out, n, u * (double) (v > 0)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: NN_BINARY_LOOP_HALF (dtype, g, f, out, n, u * (float) (v > 0)); break;
    case GRAFT_DTYPE_INT8: NN_BINARY_LOOP (gint8, g, f, out, n, v > 0 ? u : 0); break;
    case GRAFT_DTYPE_UINT8: NN_BINARY_LOOP (guint8, g, f, out, n, v > 0 ? u : 0); break;
    case GRAFT_DTYPE_INT16: NN_BINARY_LOOP (gint16, g, f, out, n, v > 0 ? u : 0); break;
    case GRAFT_DTYPE_UINT16: NN_BINARY_LOOP (guint16, g, f, out, n, v > 0 ? u : 0); break;
    case GRAFT_DTYPE_INT32: NN_BINARY_LOOP (gint32, g, f, out, n, v > 0 ? u : 0); break;
    case GRAFT_DTYPE_INT64: NN_BINARY_LOOP (gint64, g, f, out, n, v > 0 ? u : 0); break;
    default:
      graft_kernel_set_error (k, "ReluGrad does not support %s", graft_dtype_get_name (dtype));
    }
}

void
nn_sigmoid_grad (GraftKernel       *k,
                 const GraftTensor *y,
                 const GraftTensor *dy,
                 GraftTensor       *z)
{
  GraftDType dtype = graft_tensor_get_dtype (y);
  gsize n = graft_tensor_get_num_elements (y);
  gconstpointer a = graft_tensor_get_data (y, NULL), b = graft_tensor_get_data (dy, NULL);
  gpointer out;

  if (!same_sizes (k, y, dy))
    return;
  out = graft_kernel_get_output_data (k, z);
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: NN_BINARY_LOOP (float, a, b, out, n, v * u * (1.0f - u)); break;
    case GRAFT_DTYPE_FLOAT64: NN_BINARY_LOOP (double, a, b, out, n, v * u * (1.0 - u)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: NN_BINARY_LOOP_HALF (dtype, a, b, out, n, v * u * (1.0f - u)); break;
    default:
      graft_kernel_set_error (k, "SigmoidGrad does not support %s", graft_dtype_get_name (dtype));
    }
}

void
nn_tanh_grad (GraftKernel       *k,
              const GraftTensor *y,
              const GraftTensor *dy,
              GraftTensor       *z)
{
  GraftDType dtype = graft_tensor_get_dtype (y);
  gsize n = graft_tensor_get_num_elements (y);
  gconstpointer a = graft_tensor_get_data (y, NULL), b = graft_tensor_get_data (dy, NULL);
  gpointer out;

  if (!same_sizes (k, y, dy))
    return;
  out = graft_kernel_get_output_data (k, z);
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: NN_BINARY_LOOP (float, a, b, out, n, v * (1.0f - u * u)); break;
    case GRAFT_DTYPE_FLOAT64: NN_BINARY_LOOP (double, a, b, out, n, v * (1.0 - u * u)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16: NN_BINARY_LOOP_HALF (dtype, a, b, out, n, v * (1.0f - u * u)); break;
    default:
      graft_kernel_set_error (k, "TanhGrad does not support %s", graft_dtype_get_name (dtype));
    }
}
