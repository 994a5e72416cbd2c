/* common.c: what every initializer shares: its output shape, TensorFlow's
 * dtype check, and TensorFlow's way of printing values in messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initializer-kernels.h"

/* An initializer's output has the variable's shape, which Graft passes as
 * the internal attribute _shape. */
gboolean
init_shape_output (GraftShapeContext *ctx)
{
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "_shape");
  guint n_dims;
  const gint64 *dims = graft_shape_get_dims (shape, &n_dims);

  graft_shape_context_set_output (ctx, 0, graft_shape_get_rank (shape), dims);
  return TRUE;
}

/* TensorFlow's _assert_float_dtype(), which the initializers that only make
 * sense for real numbers apply to their dtype. */
gboolean
init_check_float (GraftShapeContext *ctx,
                  GError           **error)
{
  GraftDType dtype = graft_shape_context_get_attr_type (ctx, "T");
  g_autofree char *name = NULL;

  if (init_dtype_is_float (dtype))
    return TRUE;
  name = graft_dtype_to_string (dtype);
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE, "Expected floating point type, got %s.", name);
  return FALSE;
}

/* The shape function of initializers with nothing to check but the dtype. */
gboolean
init_shape_float (GraftShapeContext *ctx,
                  GError           **error)
{
  return init_check_float (ctx, error) && init_shape_output (ctx);
}

/* Python's repr() of a float, as TensorFlow's messages print the values a
 * user passed: the shortest digits that read back to the same double, in
 * positional notation for exponents from -4 to 15 (with at least one
 * decimal), scientific otherwise. */
char *
init_format_py_float (double v)
{
  char buf[40];
  const char *e;
  GString *s;
  int exp, n_digits = 0, prec;
  char digits[20];

  if (isnan (v))
    return g_strdup ("nan");
  if (isinf (v))
    return g_strdup (v < 0 ? "-inf" : "inf");

  for (prec = 0; prec < 17; prec++)
    {
      snprintf (buf, sizeof buf, "%.*e", prec, v);
      if (strtod (buf, NULL) == v)
        break;
    }
  e = strchr (buf, 'e');
  exp = atoi (e + 1);
  for (const char *p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      digits[n_digits++] = *p;
  /* The shortest precision never ends in a zero digit: one less would
   * have read back too. */
  digits[n_digits] = '\0';

  s = g_string_new (v < 0 ? "-" : "");
  if (exp >= -4 && exp < 16)
    {
      if (exp < 0)
        {
          g_string_append (s, "0.");
          for (int i = 0; i < -exp - 1; i++)
            g_string_append_c (s, '0');
          g_string_append (s, digits);
        }
      else
        {
          for (int i = 0; i <= exp; i++)
            g_string_append_c (s, i < n_digits ? digits[i] : '0');
          g_string_append_c (s, '.');
          g_string_append (s, n_digits > exp + 1 ? digits + exp + 1 : "0");
        }
    }
  else
    {
      g_string_append_c (s, digits[0]);
      if (n_digits > 1)
        g_string_append_printf (s, ".%s", digits + 1);
      g_string_append_printf (s, "e%c%02d", exp < 0 ? '-' : '+', ABS (exp));
    }
  return g_string_free (s, FALSE);
}

/* Whether `v` is a value of the integer `dtype`: TensorFlow refuses to
 * convert a fractional (or out-of-range) Python value to an integer
 * tensor. */
gboolean
init_is_int_value (GraftDType dtype,
                   double     v)
{
  if (!isfinite (v) || v != floor (v))
    return FALSE;
  switch (dtype)
    {
    case GRAFT_DTYPE_INT8: return v >= G_MININT8 && v <= G_MAXINT8;
    case GRAFT_DTYPE_UINT8: return v >= 0 && v <= G_MAXUINT8;
    case GRAFT_DTYPE_INT16: return v >= G_MININT16 && v <= G_MAXINT16;
    case GRAFT_DTYPE_UINT16: return v >= 0 && v <= G_MAXUINT16;
    case GRAFT_DTYPE_INT32: return v >= G_MININT32 && v <= G_MAXINT32;
    default: break;
    }
  /* 2⁶³ itself is the first double beyond gint64. */
  return v >= -9223372036854775808.0 && v < 9223372036854775808.0;
}

/* `v` rounded to float32 to odd: the float32 neighbour of v whose last
 * bit is odd unless v is exactly a float32. Rounding that to a 16-bit float
 * gives v rounded to nearest even directly, without the double rounding of
 * (float) v, because float32 keeps more than two bits beyond either. */
static float
round_to_odd_float (double v)
{
  float f = (float) v;
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  if ((double) f != v && !isnan (v) && (bits & 1) == 0)
    f = nextafterf (f, v > (double) f ? INFINITY : -INFINITY);
  return f;
}

/* Element `index` of `data`, of `dtype`, set to `v`: for the initializers
 * that compute in double and write any dtype. float16 is rounded from the
 * double to nearest even, as NumPy's astype(float16) does; bfloat16 goes
 * through float32 first, as TensorFlow's bfloat16 NumPy type converts a
 * Python float. Integers are stored as they are; callers check ranges. */
void
init_store (GraftDType dtype,
            gpointer   data,
            gsize      index,
            double     v)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32:
      ((float *) data)[index] = (float) v;
      break;
    case GRAFT_DTYPE_FLOAT64:
      ((double *) data)[index] = v;
      break;
    case GRAFT_DTYPE_INT32:
      ((gint32 *) data)[index] = (gint32) v;
      break;
    case GRAFT_DTYPE_INT64:
      ((gint64 *) data)[index] = (gint64) v;
      break;
    case GRAFT_DTYPE_BOOL:
      ((guint8 *) data)[index] = v != 0.0;
      break;
    case GRAFT_DTYPE_INT8:
      ((gint8 *) data)[index] = (gint8) v;
      break;
    case GRAFT_DTYPE_UINT8:
      ((guint8 *) data)[index] = (guint8) v;
      break;
    case GRAFT_DTYPE_INT16:
      ((gint16 *) data)[index] = (gint16) v;
      break;
    case GRAFT_DTYPE_UINT16:
      ((guint16 *) data)[index] = (guint16) v;
      break;
    case GRAFT_DTYPE_FLOAT16:
      ((guint16 *) data)[index] = graft_float_to_half (round_to_odd_float (v));
      break;
    case GRAFT_DTYPE_BFLOAT16:
      ((guint16 *) data)[index] = graft_float_to_bfloat16 ((float) v);
      break;
    default:
      break;
    }
}
