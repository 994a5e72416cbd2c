/* ones-like.c: OnesLike, y = ones of x's shape and dtype. */
#include <string.h>

#include "array-kernels.h"

#define ONES(ctype, one)                                         \
  G_STMT_START {                                                 \
    ctype *y_ = out;                                             \
    for (gsize i_ = 0; i_ < n; i_++)                             \
      y_[i_] = (one);                                            \
  } G_STMT_END

void
array_ones_like (GraftKernel       *k,
                 const GraftTensor *x,
                 GraftTensor       *y)
{
  gsize n = graft_tensor_get_num_elements (y);
  gpointer out = graft_kernel_get_output_data (k, y);

  switch (graft_tensor_get_dtype (y))
    {
    case GRAFT_DTYPE_FLOAT32: ONES (float, 1.0f); break;
    case GRAFT_DTYPE_FLOAT64: ONES (double, 1.0); break;
    case GRAFT_DTYPE_INT32: ONES (gint32, 1); break;
    case GRAFT_DTYPE_INT64: ONES (gint64, 1); break;
    case GRAFT_DTYPE_BOOL: ONES (guint8, 1); break;
    default:
      graft_kernel_set_error (k, "OnesLike does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (y)));
    }
}
