/* sum.c: ReduceSum (Sum), output = Σ input over axis (every axis when
 * empty); float32 adds up in double precision, integers wrap.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reduce-kernels.h"

void
reduce_sum (GraftKernel       *k,
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

  if (!reduce_resolve_axes (k, input, axis, n_axis, reduced))
    return;
  if (graft_dtype_is_floating (dtype))
    accf = g_new0 (double, MAX (n, 1));
  else
    acci = g_new0 (guint64, MAX (n, 1));
  reduce_accumulate_sum (input, reduced, accf, acci);

  for (gsize i = 0; i < n; i++)
    switch (dtype)
      {
      case GRAFT_DTYPE_FLOAT32: ((float *) out)[i] = (float) accf[i]; break;
      case GRAFT_DTYPE_FLOAT64: ((double *) out)[i] = accf[i]; break;
      case GRAFT_DTYPE_INT32: ((gint32 *) out)[i] = (gint32) (guint32) acci[i]; break;
      case GRAFT_DTYPE_INT64: ((gint64 *) out)[i] = (gint64) acci[i]; break;
      case GRAFT_DTYPE_INT8: ((gint8 *) out)[i] = (gint8) (guint8) acci[i]; break;
      case GRAFT_DTYPE_UINT8: ((guint8 *) out)[i] = (guint8) acci[i]; break;
      case GRAFT_DTYPE_INT16: ((gint16 *) out)[i] = (gint16) (guint16) acci[i]; break;
      case GRAFT_DTYPE_UINT16: ((guint16 *) out)[i] = (guint16) acci[i]; break;
      case GRAFT_DTYPE_FLOAT16: ((guint16 *) out)[i] = graft_float_to_half ((float) accf[i]); break;
      case GRAFT_DTYPE_BFLOAT16: ((guint16 *) out)[i] = graft_float_to_bfloat16 ((float) accf[i]); break;
      default:
        graft_kernel_set_error (k, "ReduceSum does not support %s", graft_dtype_get_name (dtype));
        return;
      }
}
