/* pow.c: Pow, z = x ** y elementwise with NumPy broadcasting. Integers
 * raise by repeated squaring and wrap; a negative integer exponent is an
 * error, TensorFlow's "Integers to negative integer powers are not
 * allowed".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "math-kernels.h"

static inline guint64
ipow (guint64 base, gint64 e)
{
  guint64 r = 1;

  while (e > 0)
    {
      if (e & 1)
        r *= base;
      base *= base;
      e >>= 1;
    }
  return r;
}

#define POW_INT(ctype)                                                                \
  G_STMT_START {                                                                      \
    const ctype *x_ = (const ctype *) x, *y_ = (const ctype *) y;                     \
    ctype *z_ = (ctype *) z;                                                          \
    for (gsize i = 0; i < n; i++)                                                     \
      {                                                                               \
        if (y_[i * sy] < 0)                                                           \
          return FALSE;                                                               \
        z_[i] = (ctype) ipow ((guint64) (gint64) x_[i * sx], y_[i * sy]);             \
      }                                                                               \
  } G_STMT_END

static gboolean
pow_inner (const guint8 *x, gint64 sx, const guint8 *y, gint64 sy, guint8 *z, gsize n, gpointer data)
{
  switch (*(GraftDType *) data)
    {
    case GRAFT_DTYPE_FLOAT32:
      for (gsize i = 0; i < n; i++)
        ((float *) z)[i] = powf (((const float *) x)[i * sx], ((const float *) y)[i * sy]);
      break;
    case GRAFT_DTYPE_FLOAT64:
      for (gsize i = 0; i < n; i++)
        ((double *) z)[i] = pow (((const double *) x)[i * sx], ((const double *) y)[i * sy]);
      break;
    case GRAFT_DTYPE_INT32: POW_INT (gint32); break;
    case GRAFT_DTYPE_INT64: POW_INT (gint64); break;
    default: break;
    }
  return TRUE;
}

void
math_pow (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  GraftDType dt = graft_tensor_get_dtype (x);

  if (dt == GRAFT_DTYPE_FLOAT16 || dt == GRAFT_DTYPE_BFLOAT16)
    dt = GRAFT_DTYPE_FLOAT32;
  if (!math_broadcast_run (k, x, y, z, pow_inner, &dt) && !graft_kernel_has_error (k))
    graft_kernel_set_error (k, "Integers to negative integer powers are not allowed");
}
