/* minmax.c: Maximum and Minimum, elementwise with NumPy broadcasting. A NaN
 * in either input gives NaN (numpy.maximum's rule), so that the result
 * does not depend on the order of the arguments.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "math-kernels.h"

typedef struct {
  GraftDType dtype;             /* float32 for the 16-bit floats */
  gboolean max;
} MinMax;

#define MINMAX_LOOP(ctype, IS_NAN)                                                    \
  G_STMT_START {                                                                      \
    const ctype *x_ = (const ctype *) x, *y_ = (const ctype *) y;                     \
    ctype *z_ = (ctype *) z;                                                          \
    if (m->max)                                                                       \
      for (gsize i = 0; i < n; i++)                                                   \
        {                                                                             \
          ctype a = x_[i * sx], b = y_[i * sy];                                       \
          z_[i] = IS_NAN (a) ? a : IS_NAN (b) ? b : (a < b ? b : a);                  \
        }                                                                             \
    else                                                                              \
      for (gsize i = 0; i < n; i++)                                                   \
        {                                                                             \
          ctype a = x_[i * sx], b = y_[i * sy];                                       \
          z_[i] = IS_NAN (a) ? a : IS_NAN (b) ? b : (b < a ? b : a);                  \
        }                                                                             \
  } G_STMT_END

#define NEVER_NAN(v) FALSE

static gboolean
minmax_inner (const guint8 *x, gint64 sx, const guint8 *y, gint64 sy, guint8 *z, gsize n, gpointer data)
{
  const MinMax *m = data;

  switch (m->dtype)
    {
    case GRAFT_DTYPE_FLOAT32: MINMAX_LOOP (float, isnan); break;
    case GRAFT_DTYPE_FLOAT64: MINMAX_LOOP (double, isnan); break;
    case GRAFT_DTYPE_INT32: MINMAX_LOOP (gint32, NEVER_NAN); break;
    case GRAFT_DTYPE_INT64: MINMAX_LOOP (gint64, NEVER_NAN); break;
    default: break;
    }
  return TRUE;
}

static void
minmax (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z, gboolean max)
{
  GraftDType dt = graft_tensor_get_dtype (x);
  MinMax m = { dt == GRAFT_DTYPE_FLOAT16 || dt == GRAFT_DTYPE_BFLOAT16 ? GRAFT_DTYPE_FLOAT32 : dt, max };

  math_broadcast_run (k, x, y, z, minmax_inner, &m);
}

void
math_maximum (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  minmax (k, x, y, z, TRUE);
}

void
math_minimum (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  minmax (k, x, y, z, FALSE);
}
