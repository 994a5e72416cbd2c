/* uniform.c: RandomUniform, uniform floats on [0, 1). */
#include "random-kernels.h"

void
random_uniform (GraftKernel      *k,
                const GraftShape *shape,
                GraftDType        dtype,
                GraftTensor      *output)
{
  GraftPhilox gen;

  graft_kernel_init_philox (k, &gen);
  graft_philox_fill_uniform (&gen, dtype, 0, graft_kernel_get_output_data (k, output),
                             graft_tensor_get_num_elements (output));
}
