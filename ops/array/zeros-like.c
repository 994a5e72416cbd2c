/* zeros-like.c: ZerosLike, y = zeros of x's shape and dtype. */
#include <string.h>

#include "array-kernels.h"

void
array_zeros_like (GraftKernel       *k,
                  const GraftTensor *x,
                  GraftTensor       *y)
{
  gsize size = graft_tensor_get_num_elements (y) * graft_dtype_get_size (graft_tensor_get_dtype (y));

  /* All-zero bytes are 0, 0.0 and false in every dtype of the op. An
   * empty tensor may have no buffer, which memset does not accept. */
  if (size > 0)
    memset (graft_kernel_get_output_data (k, y), 0, size);
}
