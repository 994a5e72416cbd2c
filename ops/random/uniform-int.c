/* uniform-int.c: RandomUniformInt, uniform integers on [minval, maxval). */
#include "random-kernels.h"

void
random_uniform_int (GraftKernel      *k,
                    const GraftShape *shape,
                    gint64            minval,
                    gint64            maxval,
                    GraftDType        dtype,
                    GraftTensor      *output)
{
  gsize n = graft_tensor_get_num_elements (output);
  GraftPhilox gen;

  if (n == 0)
    return;
  /* The shape function refused these; the generator must never see them. */
  if (minval >= maxval)
    {
      graft_kernel_set_error (k, "Need minval < maxval: %" G_GINT64_FORMAT " >= %" G_GINT64_FORMAT,
                              minval, maxval);
      return;
    }
  if (dtype == GRAFT_DTYPE_INT32 && (minval < G_MININT32 || maxval - 1 > G_MAXINT32))
    {
      graft_kernel_set_error (k, "minval %" G_GINT64_FORMAT " or maxval %" G_GINT64_FORMAT
                              " does not fit in int32", minval, maxval);
      return;
    }
  graft_kernel_init_philox (k, &gen);
  graft_philox_fill_uniform_int (&gen, dtype, 0, minval, maxval, graft_kernel_get_output_data (k, output), n);
}
