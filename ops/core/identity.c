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

  /* An empty tensor may have no buffer at all, and memcpy wants one. */
  if (size > 0)
    memcpy (graft_kernel_get_output_data (k, output), src, size);
}
