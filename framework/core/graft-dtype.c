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
  [GRAFT_DTYPE_FLOAT16] = { "float16", 2 },
  [GRAFT_DTYPE_BFLOAT16] = { "bfloat16", 2 },
  [GRAFT_DTYPE_INT8] = { "int8", 1 },
  [GRAFT_DTYPE_UINT8] = { "uint8", 1 },
  [GRAFT_DTYPE_INT16] = { "int16", 2 },
  [GRAFT_DTYPE_UINT16] = { "uint16", 2 },
  [GRAFT_DTYPE_COMPLEX128] = { "complex128", 16 },
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
 * Returns TensorFlow's name of @dtype: `float16`, `bfloat16`, `float32`,
 * `float64`, `int8`, `uint8`, `int16`, `uint16`, `int32`, `int64`, `bool`,
 * `complex64` or `complex128`; `invalid` for #GRAFT_DTYPE_INVALID and for
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
 * The inverse of graft_dtype_get_name(). TensorFlow's aliases `half`
 * (float16), `float` (float32) and `double` (float64) are accepted too.
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
  if (strcmp (name, "half") == 0)
    return GRAFT_DTYPE_FLOAT16;
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
 * Real floating-point types, as TensorFlow's `DType.is_floating`.
 *
 * Returns: whether @dtype is float16, bfloat16, float32 or float64
 */
gboolean
graft_dtype_is_floating (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64 ||
         dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16;
}

/**
 * graft_dtype_is_integer:
 * @dtype: a #GraftDType
 *
 * Returns: whether @dtype is one of int8, uint8, int16, uint16, int32 or
 *   int64 (not bool, as TensorFlow's `DType.is_integer`)
 */
gboolean
graft_dtype_is_integer (GraftDType dtype)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_INT8: case GRAFT_DTYPE_UINT8:
    case GRAFT_DTYPE_INT16: case GRAFT_DTYPE_UINT16:
    case GRAFT_DTYPE_INT32: case GRAFT_DTYPE_INT64:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * graft_dtype_is_unsigned:
 * @dtype: a #GraftDType
 *
 * Returns: whether @dtype is uint8 or uint16 (bool counts as unsigned in
 *   TensorFlow; here it does too)
 */
gboolean
graft_dtype_is_unsigned (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_UINT8 || dtype == GRAFT_DTYPE_UINT16 || dtype == GRAFT_DTYPE_BOOL;
}

/**
 * graft_dtype_is_complex:
 * @dtype: a #GraftDType
 *
 * Returns: whether @dtype is complex64 or complex128
 */
gboolean
graft_dtype_is_complex (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_COMPLEX64 || dtype == GRAFT_DTYPE_COMPLEX128;
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

/* The 16-bit floats. Both converters are written on the bit patterns, so
 * they give the same result on every machine whatever its FPU or compiler
 * flags; no F16C needed. */

static inline guint32
float_bits (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return u;
}

static inline float
bits_float (guint32 u)
{
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

/**
 * graft_half_to_float:
 * @bits: an IEEE 754 binary16 bit pattern
 *
 * Widens a float16; exact for every value, subnormals, infinities and NaN
 * (the payload is kept) included.
 *
 * Returns: the value as a float
 */
float
graft_half_to_float (guint16 bits)
{
  guint32 sign = (guint32) (bits & 0x8000) << 16;
  guint32 exp = (bits >> 10) & 0x1f;
  guint32 man = bits & 0x3ff;

  if (exp == 0x1f)
    return bits_float (sign | 0x7f800000u | (man << 13));
  if (exp == 0)
    {
      /* Zero or subnormal: man · 2⁻²⁴, exact in float. */
      float v = (float) man * 5.9604644775390625e-8f;
      return sign ? -v : v;
    }
  return bits_float (sign | ((exp + 112) << 23) | (man << 13));
}

/**
 * graft_float_to_half:
 * @value: a float
 *
 * Narrows to float16, rounding to nearest even as TensorFlow's
 * `Eigen::half` does: values beyond the largest half (65504) round to
 * infinity, tiny ones to subnormals or zero, NaN stays a (quiet) NaN.
 *
 * Returns: the binary16 bit pattern
 */
guint16
graft_float_to_half (float value)
{
  guint32 u = float_bits (value);
  guint16 sign = (guint16) ((u >> 16) & 0x8000);
  guint32 abs = u & 0x7fffffffu;

  if (abs >= 0x7f800000u)
    /* Inf stays Inf; NaN keeps its top payload bits and is made quiet so
     * the truncation can never turn it into Inf. */
    return sign | (abs > 0x7f800000u ? (guint16) (0x7e00 | ((abs >> 13) & 0x3ff)) : 0x7c00);
  if (abs >= 0x477ff000u)
    /* 65520 and above round to Inf. */
    return sign | 0x7c00;
  if (abs < 0x38800000u)
    {
      /* Below the smallest normal half (2⁻¹⁴): a subnormal. Adding 0.5
       * aligns the mantissa so the FPU's own round-to-nearest-even does
       * the rounding, exactly. */
      float f = bits_float (abs) + 0.5f;
      return sign | (guint16) (float_bits (f) - 0x3f000000u);
    }
  {
    guint32 odd = (abs >> 13) & 1;

    abs += 0xc8000fffu + odd; /* rebias the exponent (−112 << 23), round */
    return sign | (guint16) (abs >> 13);
  }
}

/**
 * graft_bfloat16_to_float:
 * @bits: a bfloat16 bit pattern
 *
 * Widens a bfloat16, which is exact: its bits are a float's upper half.
 *
 * Returns: the value as a float
 */
float
graft_bfloat16_to_float (guint16 bits)
{
  return bits_float ((guint32) bits << 16);
}

/**
 * graft_float_to_bfloat16:
 * @value: a float
 *
 * Narrows to bfloat16, rounding to nearest even (TensorFlow's
 * `bfloat16(float)` since 1.13); NaN stays a quiet NaN instead of rounding
 * up into Inf or down to a signalling pattern.
 *
 * Returns: the bfloat16 bit pattern
 */
guint16
graft_float_to_bfloat16 (float value)
{
  guint32 u = float_bits (value);

  if ((u & 0x7fffffffu) > 0x7f800000u)
    return (guint16) ((u >> 16) | 0x0040);
  u += 0x7fffu + ((u >> 16) & 1);
  return (guint16) (u >> 16);
}

/**
 * graft_dtype_widen_to_float:
 * @dtype: #GRAFT_DTYPE_FLOAT16 or #GRAFT_DTYPE_BFLOAT16
 * @in: (array) (element-type guint16): @n elements of @dtype
 * @out: (array length=n): where the @n floats go
 * @n: the number of elements
 *
 * Widens a buffer of 16-bit floats, for kernels that compute them in
 * float32. Other dtypes leave @out untouched.
 */
void
graft_dtype_widen_to_float (GraftDType    dtype,
                            gconstpointer in,
                            float        *out,
                            gsize         n)
{
  const guint16 *x = in;

  if (dtype == GRAFT_DTYPE_FLOAT16)
    for (gsize i = 0; i < n; i++)
      out[i] = graft_half_to_float (x[i]);
  else if (dtype == GRAFT_DTYPE_BFLOAT16)
    for (gsize i = 0; i < n; i++)
      out[i] = graft_bfloat16_to_float (x[i]);
}

/**
 * graft_dtype_narrow_from_float:
 * @dtype: #GRAFT_DTYPE_FLOAT16 or #GRAFT_DTYPE_BFLOAT16
 * @in: (array length=n): @n floats
 * @out: (array) (element-type guint16): where the @n elements go
 * @n: the number of elements
 *
 * Rounds a buffer of floats to 16-bit floats (nearest even). Other dtypes
 * leave @out untouched.
 */
void
graft_dtype_narrow_from_float (GraftDType   dtype,
                               const float *in,
                               gpointer     out,
                               gsize        n)
{
  guint16 *y = out;

  if (dtype == GRAFT_DTYPE_FLOAT16)
    for (gsize i = 0; i < n; i++)
      y[i] = graft_float_to_half (in[i]);
  else if (dtype == GRAFT_DTYPE_BFLOAT16)
    for (gsize i = 0; i < n; i++)
      y[i] = graft_float_to_bfloat16 (in[i]);
}
