/* l2-loss.c: L2Loss, output = Σ t² / 2, a scalar; the sum is taken in
 * double precision and rounded once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-kernels.h"

void
nn_l2_loss (GraftKernel       *k,
            const GraftTensor *t,
            GraftTensor       *output)
{
  GraftDType dtype = graft_tensor_get_dtype (t);
  gsize n = graft_tensor_get_num_elements (t);
  gconstpointer in = graft_tensor_get_data (t, NULL);
  gpointer out = graft_kernel_get_output_data (k, output);
  double sum = 0;

  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32:
      for (gsize i = 0; i < n; i++)
        sum += (double) ((const float *) in)[i] * ((const float *) in)[i];
      *(float *) out = (float) (sum / 2);
      break;
    case GRAFT_DTYPE_FLOAT64:
      for (gsize i = 0; i < n; i++)
        sum += ((const double *) in)[i] * ((const double *) in)[i];
      *(double *) out = sum / 2;
      break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      {
        float block[256], half;

        for (gsize o = 0; o < n; o += G_N_ELEMENTS (block))
          {
            gsize m = MIN (G_N_ELEMENTS (block), n - o);

            graft_dtype_widen_to_float (dtype, (const guint16 *) in + o, block, m);
            for (gsize i = 0; i < m; i++)
              sum += (double) block[i] * block[i];
          }
        half = (float) (sum / 2);
        graft_dtype_narrow_from_float (dtype, &half, out, 1);
      }
      break;
    default:
      graft_kernel_set_error (k, "L2Loss does not support %s", graft_dtype_get_name (dtype));
    }
}
