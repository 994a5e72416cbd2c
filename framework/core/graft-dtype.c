/* graft-dtype.c: element types.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "graft-dtype.h"

static const struct {
  const char *name;
  guint8 size;
} dtype_info[] = {
  [GRAFT_DTYPE_INVALID] = { "invalid", 0 },
  [GRAFT_DTYPE_FLOAT32] = { "float32", 4 },
  [GRAFT_DTYPE_FLOAT64] = { "float64", 8 },
  [GRAFT_DTYPE_INT32] = { "int32", 4 },
  [GRAFT_DTYPE_INT64] = { "int64", 8 },
  [GRAFT_DTYPE_BOOL] = { "bool", 1 },
  [GRAFT_DTYPE_COMPLEX64] = { "complex64", 8 },
};

static inline gboolean
dtype_valid (GraftDType dtype)
{
  return (guint) dtype < G_N_ELEMENTS (dtype_info);
}

/**
 * graft_dtype_get_name:
 * @dtype: a #GraftDType
 *
 * Returns TensorFlow's name of @dtype: `float32`, `float64`, `int32`,
 * `int64`, `bool` or `complex64`; `invalid` for #GRAFT_DTYPE_INVALID and for
 * values outside the enumeration.
 *
 * Returns: (transfer none): a static string
 */
const char *
graft_dtype_get_name (GraftDType dtype)
{
  return dtype_valid (dtype) ? dtype_info[dtype].name : "invalid";
}

/**
 * graft_dtype_from_name:
 * @name: a dtype name such as `float32`
 *
 * The inverse of graft_dtype_get_name(). TensorFlow's aliases `float`
 * (float32) and `double` (float64) are accepted too.
 *
 * Returns: the dtype, or #GRAFT_DTYPE_INVALID for an unknown name
 */
GraftDType
graft_dtype_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, GRAFT_DTYPE_INVALID);

  for (guint i = 1; i < G_N_ELEMENTS (dtype_info); i++)
    if (strcmp (name, dtype_info[i].name) == 0)
      return (GraftDType) i;
  if (strcmp (name, "float") == 0)
    return GRAFT_DTYPE_FLOAT32;
  if (strcmp (name, "double") == 0)
    return GRAFT_DTYPE_FLOAT64;
  return GRAFT_DTYPE_INVALID;
}

/**
 * graft_dtype_get_size:
 * @dtype: a #GraftDType
 *
 * Returns: the size of one element in bytes, 0 for an invalid dtype
 */
gsize
graft_dtype_get_size (GraftDType dtype)
{
  return dtype_valid (dtype) ? dtype_info[dtype].size : 0;
}

/**
 * graft_dtype_is_floating:
 * @dtype: a #GraftDType
 *
 * Returns: whether @dtype is float32 or float64
 */
gboolean
graft_dtype_is_floating (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64;
}

/**
 * graft_dtype_is_integer:
 * @dtype: a #GraftDType
 *
 * Returns: whether @dtype is int32 or int64
 */
gboolean
graft_dtype_is_integer (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_INT32 || dtype == GRAFT_DTYPE_INT64;
}

/**
 * graft_dtype_to_string:
 * @dtype: a #GraftDType
 *
 * Formats @dtype the way TensorFlow's `str(dtype)` does, for example
 * `<dtype: 'float32'>`. Error messages that TensorFlow prints this way use it.
 *
 * Returns: (transfer full): a newly allocated string
 */
char *
graft_dtype_to_string (GraftDType dtype)
{
  return g_strdup_printf ("<dtype: '%s'>", graft_dtype_get_name (dtype));
}
