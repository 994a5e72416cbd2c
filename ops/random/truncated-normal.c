/* truncated-normal.c: TruncatedNormal, standard normals with the values of
 * magnitude 2 or more re-drawn. */
#include "random-kernels.h"

void
random_truncated_normal (GraftKernel      *k,
                         const GraftShape *shape,
                         GraftDType        dtype,
                         GraftTensor      *output)
{
  GraftPhilox gen;

  graft_kernel_init_philox (k, &gen);
  graft_philox_fill_truncated_normal (&gen, dtype, 0, graft_kernel_get_output_data (k, output),
                                      graft_tensor_get_num_elements (output));
}
