/* log-softmax.c: LogSoftmax, logsoftmax = logits - log Σ exp(logits) along
 * the last axis, computed as (logits - max) - log Σ exp(logits - max) so
 * that nothing overflows and a very negative logit keeps its exact value
 * instead of log(0) = -inf.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "nn-kernels.h"

#define DEFINE_LOG_SOFTMAX(suffix, ctype, EXP, LOG)                         \
  static void                                                               \
  log_softmax_##suffix (const ctype *x, ctype *y, gsize rows, gsize cols)   \
  {                                                                         \
    for (gsize r = 0; r < rows; r++, x += cols, y += cols)                  \
      {                                                                     \
        ctype max = x[0];                                                   \
        double sum = 0;                                                     \
        ctype log_sum;                                                      \
        for (gsize c = 1; c < cols; c++)                                    \
          max = x[c] > max ? x[c] : max;                                    \
        for (gsize c = 0; c < cols; c++)                                    \
          sum += EXP (x[c] - max);                                          \
        log_sum = (ctype) LOG (sum);                                        \
        for (gsize c = 0; c < cols; c++)                                    \
          y[c] = (x[c] - max) - log_sum;                                    \
      }                                                                     \
  }

DEFINE_LOG_SOFTMAX (f32, float, expf, log)
DEFINE_LOG_SOFTMAX (f64, double, exp, log)

/* The 16-bit floats: a row at a time in float32, rounded once on store. */
static gboolean
log_softmax_half (GraftDType     dtype,
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
      log_softmax_f32 (row, row, 1, cols);
      graft_dtype_narrow_from_float (dtype, row, y, cols);
    }
  return TRUE;
}

void
nn_log_softmax (GraftKernel       *k,
                const GraftTensor *logits,
                GraftTensor       *logsoftmax)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (logits, &rank);
  gsize n = graft_tensor_get_num_elements (logits), cols, rows;
  gconstpointer in = graft_tensor_get_data (logits, NULL);
  gpointer out = graft_kernel_get_output_data (k, logsoftmax);

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
    case GRAFT_DTYPE_FLOAT32: log_softmax_f32 (in, out, rows, cols); break;
    case GRAFT_DTYPE_FLOAT64: log_softmax_f64 (in, out, rows, cols); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      if (!log_softmax_half (graft_tensor_get_dtype (logits), in, out, rows, cols))
        graft_kernel_set_error (k, "LogSoftmax: out of memory for a row of %" G_GSIZE_FORMAT " logits", cols);
      break;
    default:
      graft_kernel_set_error (k, "LogSoftmax does not support %s",
                              graft_dtype_get_name (graft_tensor_get_dtype (logits)));
    }
}
