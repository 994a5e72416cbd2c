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
  if (graft_dtype_is_floating (dtype))
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                   "Initializers do not generate %s yet; give the variable a value instead", name);
      return FALSE;
    }
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
  if (dtype == GRAFT_DTYPE_INT32)
    return v >= G_MININT32 && v <= G_MAXINT32;
  /* 2⁶³ itself is the first double beyond gint64. */
  return v >= -9223372036854775808.0 && v < 9223372036854775808.0;
}

/* Element `index` of `data`, of `dtype`, set to `v`: for the initializers
 * that compute in double and write any dtype. */
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
    default:
      break;
    }
}
