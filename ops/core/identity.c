/* identity.c: Identity, output = input. */
#include <string.h>

#include "core-kernels.h"

void
core_identity (GraftKernel       *k,
               const GraftTensor *input,
               GraftTensor       *output)
{
  gsize size;
  gconstpointer src = graft_tensor_get_data (input, &size);

  memcpy (graft_kernel_get_output_data (k, output), src, size);
}
