/* normal.c: RandomStandardNormal, normals of mean 0 and variance 1. */
#include "random-kernels.h"

void
random_standard_normal (GraftKernel      *k,
                        const GraftShape *shape,
                        GraftDType        dtype,
                        GraftTensor      *output)
{
  GraftPhilox gen;

  graft_kernel_init_philox (k, &gen);
  graft_philox_fill_normal (&gen, dtype, 0, graft_kernel_get_output_data (k, output),
                            graft_tensor_get_num_elements (output));
}
