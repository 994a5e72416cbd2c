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
    case GRAFT_DTYPE_INT8: ONES (gint8, 1); break;
    case GRAFT_DTYPE_UINT8: ONES (guint8, 1); break;
    case GRAFT_DTYPE_INT16: ONES (gint16, 1); break;
    case GRAFT_DTYPE_UINT16: ONES (guint16, 1); break;
    /* 1.0 in each 16-bit float format. */
    case GRAFT_DTYPE_FLOAT16: ONES (guint16, 0x3c00); break;
    case GRAFT_DTYPE_BFLOAT16: ONES (guint16, 0x3f80); break;
    /* 1 + 0i: the real part one, the imaginary part zero. */
    case GRAFT_DTYPE_COMPLEX64:
      for (gsize i = 0; i < n; i++)
        {
          ((float *) out)[2 * i] = 1.0f;
          ((float *) out)[2 * i + 1] = 0.0f;
        }
      break;
    case GRAFT_DTYPE_COMPLEX128:
      for (gsize i = 0; i < n; i++)
        {
          ((double *) out)[2 * i] = 1.0;
          ((double *) out)[2 * i + 1] = 0.0;
        }
      break;
    default:
      graft_kernel_set_error (k, "OnesLike does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (y)));
    }
}
