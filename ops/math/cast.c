/* cast.c: Cast, y = x converted to DstT elementwise: floats to integers
 * truncate toward zero and saturate, integers narrow by wrapping, anything
 * to bool is x != 0, bool is 0 or 1, 16-bit floats round to nearest even,
 * complex to real keeps the real part.
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

/* One element on its way through a cast of the newer dtypes: integers keep
 * all 64 bits (a double would round int64), floats and complex parts are
 * doubles. */
typedef struct {
  gboolean is_int;
  gint64 i;
  double re, im;
} Element;

static Element
load (GraftDType src, gconstpointer in, gsize i)
{
  Element e = { TRUE, 0, 0, 0 };

  switch (src)
    {
    case GRAFT_DTYPE_BOOL: e.i = ((const guint8 *) in)[i] != 0; break;
    case GRAFT_DTYPE_INT8: e.i = ((const gint8 *) in)[i]; break;
    case GRAFT_DTYPE_UINT8: e.i = ((const guint8 *) in)[i]; break;
    case GRAFT_DTYPE_INT16: e.i = ((const gint16 *) in)[i]; break;
    case GRAFT_DTYPE_UINT16: e.i = ((const guint16 *) in)[i]; break;
    case GRAFT_DTYPE_INT32: e.i = ((const gint32 *) in)[i]; break;
    case GRAFT_DTYPE_INT64: e.i = ((const gint64 *) in)[i]; break;
    default:
      e.is_int = FALSE;
      switch (src)
        {
        case GRAFT_DTYPE_FLOAT16: e.re = graft_half_to_float (((const guint16 *) in)[i]); break;
        case GRAFT_DTYPE_BFLOAT16: e.re = graft_bfloat16_to_float (((const guint16 *) in)[i]); break;
        case GRAFT_DTYPE_FLOAT32: e.re = ((const float *) in)[i]; break;
        case GRAFT_DTYPE_FLOAT64: e.re = ((const double *) in)[i]; break;
        case GRAFT_DTYPE_COMPLEX64:
          e.re = ((const float *) in)[2 * i];
          e.im = ((const float *) in)[2 * i + 1];
          break;
        case GRAFT_DTYPE_COMPLEX128:
          e.re = ((const double *) in)[2 * i];
          e.im = ((const double *) in)[2 * i + 1];
          break;
        default: break;
        }
    }
  return e;
}

/* A float to an integer in [lo, hi], saturating as to_i32() does. */
static inline gint64
to_int (double v, gint64 lo, gint64 hi)
{
  if (isnan (v))
    return 0;
  if (v <= (double) lo)
    return lo;
  if (v >= (double) hi)
    return hi;
  return (gint64) v;
}

static void
store (GraftDType dst, gpointer out, gsize i, Element e)
{
  double re = e.is_int ? (double) e.i : e.re;

  switch (dst)
    {
    /* Integer to integer wraps (two's complement), as static_cast does. */
    case GRAFT_DTYPE_INT8: ((gint8 *) out)[i] = e.is_int ? (gint8) (guint8) e.i : (gint8) to_int (re, G_MININT8, G_MAXINT8); break;
    case GRAFT_DTYPE_UINT8: ((guint8 *) out)[i] = e.is_int ? (guint8) e.i : (guint8) to_int (re, 0, G_MAXUINT8); break;
    case GRAFT_DTYPE_INT16: ((gint16 *) out)[i] = e.is_int ? (gint16) (guint16) e.i : (gint16) to_int (re, G_MININT16, G_MAXINT16); break;
    case GRAFT_DTYPE_UINT16: ((guint16 *) out)[i] = e.is_int ? (guint16) e.i : (guint16) to_int (re, 0, G_MAXUINT16); break;
    case GRAFT_DTYPE_INT32: ((gint32 *) out)[i] = e.is_int ? (gint32) (guint32) e.i : to_i32 (re); break;
    case GRAFT_DTYPE_INT64: ((gint64 *) out)[i] = e.is_int ? e.i : to_i64 (re); break;
    case GRAFT_DTYPE_BOOL: ((guint8 *) out)[i] = e.is_int ? e.i != 0 : (e.re != 0 || e.im != 0); break;
    /* Through float, as Eigen::half (double) and bfloat16 (double) do. */
    case GRAFT_DTYPE_FLOAT16: ((guint16 *) out)[i] = graft_float_to_half ((float) re); break;
    case GRAFT_DTYPE_BFLOAT16: ((guint16 *) out)[i] = graft_float_to_bfloat16 ((float) re); break;
    case GRAFT_DTYPE_FLOAT32: ((float *) out)[i] = (float) re; break;
    case GRAFT_DTYPE_FLOAT64: ((double *) out)[i] = re; break;
    case GRAFT_DTYPE_COMPLEX64:
      ((float *) out)[2 * i] = (float) re;
      ((float *) out)[2 * i + 1] = (float) e.im;
      break;
    case GRAFT_DTYPE_COMPLEX128:
      ((double *) out)[2 * i] = re;
      ((double *) out)[2 * i + 1] = e.im;
      break;
    default: break;
    }
}

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

  /* The pairs with a 16-bit float, an 8- or 16-bit integer or a complex:
   * one element at a time through load() and store(). They are rarer, so
   * a switch per element is affordable here and kept out of the loops
   * above. */
  if (graft_dtype_get_size (src) > 0 && graft_dtype_get_size (dst) > 0)
    {
      for (gsize i = 0; i < n; i++)
        store (dst, out, i, load (src, in, i));
      return;
    }
  graft_kernel_set_error (k, "Cast from %s to %s is not supported",
                          graft_dtype_get_name (src), graft_dtype_get_name (dst));
}
