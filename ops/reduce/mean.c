/* mean.c: ReduceMean (Mean), output = Σ input / count over axis (every axis
 * when empty); integer means truncate toward zero, as TensorFlow's do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reduce-kernels.h"

void
reduce_mean (GraftKernel       *k,
             const GraftTensor *input,
             const gint64      *axis,
             gsize              n_axis,
             gboolean           keep_dims,
             GraftTensor       *output)
{
  GraftDType dtype = graft_tensor_get_dtype (input);
  gsize n = graft_tensor_get_num_elements (output);
  gpointer out = graft_kernel_get_output_data (k, output);
  gboolean reduced[OP_MAX_RANK];
  g_autofree double *accf = NULL;
  g_autofree guint64 *acci = NULL;
  gsize count;

  if (!reduce_resolve_axes (k, input, axis, n_axis, reduced))
    return;
  if (n == 0)
    return;
  count = graft_tensor_get_num_elements (input) / n;
  /* Floats give NaN (0 / 0) for an empty mean, as TensorFlow; integers
   * have no such value. */
  if (count == 0 && !graft_dtype_is_floating (dtype))
    {
      g_autofree char *shape = op_format_tensor_shape (input);
      graft_kernel_set_error (k, "The mean of no integers is undefined (input shape %s)", shape);
      return;
    }
  if (graft_dtype_is_floating (dtype))
    accf = g_new0 (double, n);
  else
    acci = g_new0 (guint64, n);
  reduce_accumulate_sum (input, reduced, accf, acci);

  /* An integer mean is the wrapped sum in the input's type, divided. */
  for (gsize i = 0; i < n; i++)
    switch (dtype)
      {
      case GRAFT_DTYPE_FLOAT32: ((float *) out)[i] = (float) (accf[i] / (double) count); break;
      case GRAFT_DTYPE_FLOAT64: ((double *) out)[i] = accf[i] / (double) count; break;
      case GRAFT_DTYPE_INT32: ((gint32 *) out)[i] = (gint32) ((gint64) (gint32) (guint32) acci[i] / (gint64) count); break;
      case GRAFT_DTYPE_INT64: ((gint64 *) out)[i] = (gint64) acci[i] / (gint64) count; break;
      case GRAFT_DTYPE_INT8: ((gint8 *) out)[i] = (gint8) ((gint64) (gint8) (guint8) acci[i] / (gint64) count); break;
      case GRAFT_DTYPE_UINT8: ((guint8 *) out)[i] = (guint8) ((guint8) acci[i] / count); break;
      case GRAFT_DTYPE_INT16: ((gint16 *) out)[i] = (gint16) ((gint64) (gint16) (guint16) acci[i] / (gint64) count); break;
      case GRAFT_DTYPE_UINT16: ((guint16 *) out)[i] = (guint16) ((guint16) acci[i] / count); break;
      case GRAFT_DTYPE_FLOAT16: ((guint16 *) out)[i] = graft_float_to_half ((float) (accf[i] / (double) count)); break;
      case GRAFT_DTYPE_BFLOAT16: ((guint16 *) out)[i] = graft_float_to_bfloat16 ((float) (accf[i] / (double) count)); break;
      default:
        graft_kernel_set_error (k, "ReduceMean does not support %s", graft_dtype_get_name (dtype));
        return;
      }
}
