/* softmax.c: Softmax, softmax = exp(logits) / Σ exp(logits) along the last
 * axis, computed as exp(logits - max) so that no exponential overflows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "nn-kernels.h"

/* The logits need an axis to normalise along. */
gboolean
nn_shape_softmax (GraftShapeContext *ctx,
                  GError           **error)
{
  if (graft_shape_context_get_input_rank (ctx, 0) == 0)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Shape must be at least rank 1 but is rank 0 for 'logits' with input shape: ()");
      return FALSE;
    }
  return graft_shape_same_as_input (ctx, error);
}

/* One row at a time: its maximum, the shifted exponentials (written to
 * the output), their sum in double precision, then the scaling. */
#define DEFINE_SOFTMAX(suffix, ctype, EXP)                                  \
  static void                                                               \
  softmax_##suffix (const ctype *x, ctype *y, gsize rows, gsize cols)       \
  {                                                                         \
    for (gsize r = 0; r < rows; r++, x += cols, y += cols)                  \
      {                                                                     \
        ctype max = x[0];                                                   \
        double sum = 0;                                                     \
        for (gsize c = 1; c < cols; c++)                                    \
          max = x[c] > max ? x[c] : max;                                    \
        for (gsize c = 0; c < cols; c++)                                    \
          {                                                                 \
            y[c] = EXP (x[c] - max);                                        \
            sum += y[c];                                                    \
          }                                                                 \
        for (gsize c = 0; c < cols; c++)                                    \
          y[c] = (ctype) (y[c] / sum);                                      \
      }                                                                     \
  }

DEFINE_SOFTMAX (f32, float, expf)
DEFINE_SOFTMAX (f64, double, exp)

/* The 16-bit floats: a row at a time widened to float32, normalised there
 * as float32 is, and rounded once on store, as TensorFlow's Eigen::half and
 * bfloat16 softmax does. The row buffer is allocated with g_try_new so a
 * huge last axis fails the run instead of the process. */
static gboolean
softmax_half (GraftDType     dtype,
              const guint16 *x,
              guint16       *y,
              gsize          rows,
              gsize          cols)
{
  g_autofree float *row = g_try_new (float, cols);

  if (row == NULL)
    return FALSE;
  for (gsize r = 0; r < rows; r++, x += cols, y += cols)
    {
      graft_dtype_widen_to_float (dtype, x, row, cols);
      softmax_f32 (row, row, 1, cols);
      graft_dtype_narrow_from_float (dtype, row, y, cols);
    }
  return TRUE;
}

void
nn_softmax (GraftKernel       *k,
            const GraftTensor *logits,
            GraftTensor       *softmax)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (logits, &rank);
  gsize n = graft_tensor_get_num_elements (logits), cols, rows;
  gconstpointer in = graft_tensor_get_data (logits, NULL);
  gpointer out = graft_kernel_get_output_data (k, softmax);

  if (rank == 0)
    {
      graft_kernel_set_error (k, "logits must have at least one dimension, but the shape is ()");
      return;
    }
  cols = (gsize) dims[rank - 1];
  if (n == 0)
    return;
  rows = n / cols;

  switch (graft_tensor_get_dtype (logits))
    {
    case GRAFT_DTYPE_FLOAT32: softmax_f32 (in, out, rows, cols); break;
    case GRAFT_DTYPE_FLOAT64: softmax_f64 (in, out, rows, cols); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      if (!softmax_half (graft_tensor_get_dtype (logits), in, out, rows, cols))
        graft_kernel_set_error (k, "Softmax: out of memory for a row of %" G_GSIZE_FORMAT " logits", cols);
      break;
    default:
      graft_kernel_set_error (k, "Softmax does not support %s",
                              graft_dtype_get_name (graft_tensor_get_dtype (logits)));
    }
}
