/* cast.c: Cast, y = x converted to DstT elementwise: floats to integers
 * truncate toward zero, anything to bool is x != 0, bool is 0 or 1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "math-kernels.h"

/* C leaves a float-to-integer conversion out of range undefined, and
 * TensorFlow returns whatever the CPU's instruction gives. Graft saturates
 * and maps NaN to 0, so the result is the same on every machine. */
static inline gint32
to_i32 (double v)
{
  if (isnan (v))
    return 0;
  if (v <= (double) G_MININT32)
    return G_MININT32;
  if (v >= (double) G_MAXINT32)
    return G_MAXINT32;
  return (gint32) v;
}

static inline gint64
to_i64 (double v)
{
  /* ±2⁶³ are exact doubles; everything strictly between converts. */
  if (isnan (v))
    return 0;
  if (v <= -9223372036854775808.0)
    return G_MININT64;
  if (v >= 9223372036854775808.0)
    return G_MAXINT64;
  return (gint64) v;
}

#define CAST(S, D, EXPR)                                         \
  G_STMT_START {                                                 \
    const S *s_ = (const S *) in;                                \
    D *d_ = (D *) out;                                           \
    for (gsize i_ = 0; i_ < n; i_++)                             \
      {                                                          \
        S v = s_[i_];                                            \
        d_[i_] = (EXPR);                                         \
      }                                                          \
  } G_STMT_END

void
math_cast (GraftKernel       *k,
           const GraftTensor *x,
           GraftDType         dst,
           GraftTensor       *y)
{
  GraftDType src = graft_tensor_get_dtype (x);
  gsize n = graft_tensor_get_num_elements (x), size;
  gconstpointer in = graft_tensor_get_data (x, &size);
  gpointer out = graft_kernel_get_output_data (k, y);

  if (src == dst)
    {
      /* An empty tensor may have no buffer at all, and memcpy wants one. */
      if (size > 0)
        memcpy (out, in, size);
      return;
    }

  /* One loop per (source, destination) pair, so each is a plain
   * conversion the compiler can vectorise. Integer narrowing goes through
   * the unsigned type: it wraps, as TensorFlow's static_cast does. */
  switch (dst)
    {
    case GRAFT_DTYPE_FLOAT32:
      switch (src)
        {
        case GRAFT_DTYPE_FLOAT64: CAST (double, float, (float) v); return;
        case GRAFT_DTYPE_INT32: CAST (gint32, float, (float) v); return;
        case GRAFT_DTYPE_INT64: CAST (gint64, float, (float) v); return;
        case GRAFT_DTYPE_BOOL: CAST (guint8, float, v != 0); return;
        default: break;
        }
      break;
    case GRAFT_DTYPE_FLOAT64:
      switch (src)
        {
        case GRAFT_DTYPE_FLOAT32: CAST (float, double, v); return;
        case GRAFT_DTYPE_INT32: CAST (gint32, double, v); return;
        case GRAFT_DTYPE_INT64: CAST (gint64, double, (double) v); return;
        case GRAFT_DTYPE_BOOL: CAST (guint8, double, v != 0); return;
        default: break;
        }
      break;
    case GRAFT_DTYPE_INT32:
      switch (src)
        {
        case GRAFT_DTYPE_FLOAT32: CAST (float, gint32, to_i32 (v)); return;
        case GRAFT_DTYPE_FLOAT64: CAST (double, gint32, to_i32 (v)); return;
        case GRAFT_DTYPE_INT64: CAST (gint64, gint32, (gint32) (guint32) (guint64) v); return;
        case GRAFT_DTYPE_BOOL: CAST (guint8, gint32, v != 0); return;
        default: break;
        }
      break;
    case GRAFT_DTYPE_INT64:
      switch (src)
        {
        case GRAFT_DTYPE_FLOAT32: CAST (float, gint64, to_i64 (v)); return;
        case GRAFT_DTYPE_FLOAT64: CAST (double, gint64, to_i64 (v)); return;
        case GRAFT_DTYPE_INT32: CAST (gint32, gint64, v); return;
        case GRAFT_DTYPE_BOOL: CAST (guint8, gint64, v != 0); return;
        default: break;
        }
      break;
    case GRAFT_DTYPE_BOOL:
      switch (src)
        {
        case GRAFT_DTYPE_FLOAT32: CAST (float, guint8, v != 0); return;
        case GRAFT_DTYPE_FLOAT64: CAST (double, guint8, v != 0); return;
        case GRAFT_DTYPE_INT32: CAST (gint32, guint8, v != 0); return;
        case GRAFT_DTYPE_INT64: CAST (gint64, guint8, v != 0); return;
        default: break;
        }
      break;
    default:
      break;
    }
  graft_kernel_set_error (k, "Cast from %s to %s is not supported",
                          graft_dtype_get_name (src), graft_dtype_get_name (dst));
}
