/* graft-tensor.c: immutable n-dimensional values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "graft-core-private.h"

/**
 * GraftTensor:
 *
 * A reference-counted value: a dtype, a fully defined shape, and the
 * elements in row-major order inside a #GBytes. A tensor never changes once
 * it has been handed out, so sharing one between threads, sessions and
 * bindings needs no copy. Booleans are stored one byte each.
 */
G_DEFINE_BOXED_TYPE (GraftTensor, graft_tensor, graft_tensor_ref, graft_tensor_unref)

gboolean
_graft_tensor_check_shape (GraftDType        dtype,
                           const GraftShape *shape,
                           gsize            *n_elements,
                           GError          **error)
{
  gint64 n;

  if (graft_dtype_get_size (dtype) == 0)
    {
      g_set_error (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_INVALID_DTYPE,
                   "%d is not a valid dtype for a tensor", (int) dtype);
      return FALSE;
    }
  if (!_graft_dims_num_elements_checked (graft_shape_get_rank (shape), _graft_shape_dims (shape), &n,
                                         graft_dtype_get_size (dtype)))
    {
      /* Checked before "fully defined": a shape like (2^63-1, 2) is known,
       * it is only too large. */
      _graft_set_too_many_elements (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_INVALID_SHAPE,
                                    graft_shape_get_rank (shape), _graft_shape_dims (shape));
      return FALSE;
    }
  if (n < 0)
    {
      g_autofree char *s = graft_shape_to_string (shape);
      g_set_error (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_INVALID_SHAPE,
                   "A tensor needs a fully defined shape, but got %s", s);
      return FALSE;
    }
  *n_elements = (gsize) n;
  return TRUE;
}

GraftTensor *
_graft_tensor_new_uninitialized (GraftDType  dtype,
                                 GraftShape *shape)
{
  GraftTensor *t = g_new0 (GraftTensor, 1);

  t->ref_count = 1;
  t->dtype = dtype;
  t->shape = graft_shape_ref (shape);
  t->n_elements = (gsize) graft_shape_get_num_elements (shape);
  t->n_bytes = t->n_elements * graft_dtype_get_size (dtype);
  return t;
}

static GraftTensor *
tensor_new_take (GraftDType        dtype,
                 const GraftShape *shape,
                 GBytes           *bytes)
{
  GraftTensor *t = _graft_tensor_new_uninitialized (dtype, (GraftShape *) shape);

  t->bytes = bytes;
  t->data = (guint8 *) g_bytes_get_data (bytes, NULL);
  return t;
}

/**
 * graft_tensor_new:
 * @dtype: the element type
 * @shape: a fully defined shape
 * @bytes: the elements, row-major, exactly as many bytes as @dtype and
 *   @shape need
 * @error: return location for a #GError
 *
 * Makes a tensor around @bytes without copying them.
 *
 * Returns: (transfer full) (nullable): a new tensor, or %NULL with @error set
 *   (#GRAFT_TENSOR_ERROR) when the dtype, the shape or the size is wrong
 */
GraftTensor *
graft_tensor_new (GraftDType        dtype,
                  const GraftShape *shape,
                  GBytes           *bytes,
                  GError          **error)
{
  gsize n;

  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_graft_tensor_check_shape (dtype, shape, &n, error))
    return NULL;
  if (g_bytes_get_size (bytes) != n * graft_dtype_get_size (dtype))
    {
      g_autofree char *s = graft_shape_to_string (shape);
      g_set_error (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_SIZE_MISMATCH,
                   "A %s tensor of shape %s needs %" G_GSIZE_FORMAT " bytes, but got %" G_GSIZE_FORMAT,
                   graft_dtype_get_name (dtype), s, n * graft_dtype_get_size (dtype),
                   g_bytes_get_size (bytes));
      return NULL;
    }
  return tensor_new_take (dtype, shape, g_bytes_ref (bytes));
}

/**
 * graft_tensor_new_zeros:
 * @dtype: the element type
 * @shape: a fully defined shape
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new tensor of zeros (false for
 *   bool), or %NULL with @error set; the memory that cannot be allocated
 *   is %GRAFT_TENSOR_ERROR_RESOURCE_EXHAUSTED
 */
GraftTensor *
graft_tensor_new_zeros (GraftDType        dtype,
                        const GraftShape *shape,
                        GError          **error)
{
  gsize n;
  gpointer data;

  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_graft_tensor_check_shape (dtype, shape, &n, error))
    return NULL;
  n *= graft_dtype_get_size (dtype);
  /* The shape may be valid and still far larger than memory: fail with
   * TensorFlow's OOM error rather than abort in g_malloc. */
  data = g_try_malloc0 (n ? n : 1);
  if (data == NULL)
    {
      _graft_set_oom (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_RESOURCE_EXHAUSTED, dtype,
                      graft_shape_get_rank (shape), _graft_shape_dims (shape));
      return NULL;
    }
  return tensor_new_take (dtype, shape, g_bytes_new_take (data, n));
}

/**
 * graft_tensor_new_from_data:
 * @dtype: the element type
 * @shape: a fully defined shape
 * @data: (array length=size) (element-type guint8): the elements, row-major
 * @size: the size of @data in bytes
 * @error: return location for a #GError
 *
 * Makes a tensor from a copy of @data.
 *
 * Returns: (transfer full) (nullable): a new tensor, or %NULL with @error set
 */
GraftTensor *
graft_tensor_new_from_data (GraftDType        dtype,
                            const GraftShape *shape,
                            gconstpointer     data,
                            gsize             size,
                            GError          **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gpointer copy;
  gsize n;

  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (data != NULL || size == 0, NULL);

  /* Checked first, so a wrong size costs no copy; the copy itself may
   * not fit in memory, and fails as an OOM rather than an abort. */
  if (!_graft_tensor_check_shape (dtype, shape, &n, error))
    return NULL;
  if (size == n * graft_dtype_get_size (dtype))
    {
      copy = g_try_malloc (size ? size : 1);
      if (copy == NULL)
        {
          _graft_set_oom (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_RESOURCE_EXHAUSTED, dtype,
                          graft_shape_get_rank (shape), _graft_shape_dims (shape));
          return NULL;
        }
      if (size > 0)
        memcpy (copy, data, size);
      bytes = g_bytes_new_take (copy, size);
    }
  else
    bytes = g_bytes_new_static (data, size);
  return graft_tensor_new (dtype, shape, bytes, error);
}

/* The typed constructors copy n_values elements; without a shape the tensor
 * is a vector of n_values. */
static GraftTensor *
new_from_values (GraftDType        dtype,
                 gconstpointer     values,
                 gsize             n_values,
                 gsize             elem_size,
                 const GraftShape *shape,
                 GError          **error)
{
  g_autoptr(GraftShape) vec = NULL;

  g_return_val_if_fail (values != NULL || n_values == 0, NULL);

  if (shape == NULL)
    shape = vec = graft_shape_new_vector ((gint64) n_values);
  return graft_tensor_new_from_data (dtype, shape, values, n_values * elem_size, error);
}

/**
 * graft_tensor_new_from_floats:
 * @values: (array length=n_values): the elements
 * @n_values: the number of elements
 * @shape: (nullable): the shape; %NULL makes a vector
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new float32 tensor holding a copy of
 *   @values, or %NULL with @error set when @shape does not hold @n_values
 */
GraftTensor *
graft_tensor_new_from_floats (const float      *values,
                              gsize             n_values,
                              const GraftShape *shape,
                              GError          **error)
{
  return new_from_values (GRAFT_DTYPE_FLOAT32, values, n_values, sizeof (float), shape, error);
}

/**
 * graft_tensor_new_from_doubles:
 * @values: (array length=n_values): the elements
 * @n_values: the number of elements
 * @shape: (nullable): the shape; %NULL makes a vector
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new float64 tensor, or %NULL with
 *   @error set
 */
GraftTensor *
graft_tensor_new_from_doubles (const double     *values,
                               gsize             n_values,
                               const GraftShape *shape,
                               GError          **error)
{
  return new_from_values (GRAFT_DTYPE_FLOAT64, values, n_values, sizeof (double), shape, error);
}

/**
 * graft_tensor_new_from_int32s:
 * @values: (array length=n_values): the elements
 * @n_values: the number of elements
 * @shape: (nullable): the shape; %NULL makes a vector
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new int32 tensor, or %NULL with
 *   @error set
 */
GraftTensor *
graft_tensor_new_from_int32s (const gint32     *values,
                              gsize             n_values,
                              const GraftShape *shape,
                              GError          **error)
{
  return new_from_values (GRAFT_DTYPE_INT32, values, n_values, sizeof (gint32), shape, error);
}

/**
 * graft_tensor_new_from_int64s:
 * @values: (array length=n_values): the elements
 * @n_values: the number of elements
 * @shape: (nullable): the shape; %NULL makes a vector
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new int64 tensor, or %NULL with
 *   @error set
 */
GraftTensor *
graft_tensor_new_from_int64s (const gint64     *values,
                              gsize             n_values,
                              const GraftShape *shape,
                              GError          **error)
{
  return new_from_values (GRAFT_DTYPE_INT64, values, n_values, sizeof (gint64), shape, error);
}

/**
 * graft_tensor_new_from_bools:
 * @values: (array length=n_values): the elements
 * @n_values: the number of elements
 * @shape: (nullable): the shape; %NULL makes a vector
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new bool tensor (one byte per
 *   element), or %NULL with @error set
 */
GraftTensor *
graft_tensor_new_from_bools (const gboolean   *values,
                             gsize             n_values,
                             const GraftShape *shape,
                             GError          **error)
{
  g_autofree guint8 *bytes = g_malloc (n_values ? n_values : 1);

  g_return_val_if_fail (values != NULL || n_values == 0, NULL);

  for (gsize i = 0; i < n_values; i++)
    bytes[i] = values[i] ? 1 : 0;
  return new_from_values (GRAFT_DTYPE_BOOL, bytes, n_values, 1, shape, error);
}

static void
store_double (GraftDType dtype,
              guint8    *data,
              gsize      i,
              double     v)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: ((float *) data)[i] = (float) v; break;
    case GRAFT_DTYPE_FLOAT64: ((double *) data)[i] = v; break;
    case GRAFT_DTYPE_INT32: ((gint32 *) data)[i] = (gint32) v; break;
    case GRAFT_DTYPE_INT64: ((gint64 *) data)[i] = (gint64) v; break;
    case GRAFT_DTYPE_BOOL: data[i] = v != 0; break;
    case GRAFT_DTYPE_COMPLEX64: ((float *) data)[2 * i] = (float) v; ((float *) data)[2 * i + 1] = 0; break;
    case GRAFT_DTYPE_FLOAT16: ((guint16 *) data)[i] = graft_float_to_half ((float) v); break;
    case GRAFT_DTYPE_BFLOAT16: ((guint16 *) data)[i] = graft_float_to_bfloat16 ((float) v); break;
    case GRAFT_DTYPE_INT8: ((gint8 *) data)[i] = (gint8) v; break;
    case GRAFT_DTYPE_UINT8: ((guint8 *) data)[i] = (guint8) v; break;
    case GRAFT_DTYPE_INT16: ((gint16 *) data)[i] = (gint16) v; break;
    case GRAFT_DTYPE_UINT16: ((guint16 *) data)[i] = (guint16) v; break;
    case GRAFT_DTYPE_COMPLEX128: ((double *) data)[2 * i] = v; ((double *) data)[2 * i + 1] = 0; break;
    case GRAFT_DTYPE_INVALID: default: break;
    }
}

/**
 * graft_tensor_new_scalar:
 * @dtype: the element type
 * @value: the value, converted to @dtype as C converts it
 *
 * Returns: (transfer full): a new rank-0 tensor
 */
GraftTensor *
graft_tensor_new_scalar (GraftDType dtype,
                         double     value)
{
  g_autoptr(GraftShape) scalar = graft_shape_new_scalar ();
  gsize size = graft_dtype_get_size (dtype);
  guint8 *data;

  g_return_val_if_fail (size > 0, NULL);

  data = g_malloc0 (size);
  store_double (dtype, data, 0, value);
  return tensor_new_take (dtype, scalar, g_bytes_new_take (data, size));
}

/**
 * graft_tensor_ref:
 * @tensor: a #GraftTensor
 *
 * Returns: (transfer full): @tensor
 */
GraftTensor *
graft_tensor_ref (GraftTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  g_atomic_int_inc (&tensor->ref_count);
  return tensor;
}

/**
 * graft_tensor_unref:
 * @tensor: (transfer full): a #GraftTensor
 */
void
graft_tensor_unref (GraftTensor *tensor)
{
  g_return_if_fail (tensor != NULL);
  if (!g_atomic_int_dec_and_test (&tensor->ref_count))
    return;
  g_clear_pointer (&tensor->bytes, g_bytes_unref);
  graft_shape_unref (tensor->shape);
  g_free (tensor);
}

/**
 * graft_tensor_get_dtype:
 * @tensor: a #GraftTensor
 *
 * Returns: the element type
 */
GraftDType
graft_tensor_get_dtype (const GraftTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, GRAFT_DTYPE_INVALID);
  return tensor->dtype;
}

/**
 * graft_tensor_get_shape:
 * @tensor: a #GraftTensor
 *
 * Returns: (transfer none): the shape, fully defined
 */
GraftShape *
graft_tensor_get_shape (const GraftTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  return tensor->shape;
}

/**
 * graft_tensor_get_rank:
 * @tensor: a #GraftTensor
 *
 * Returns: the number of dimensions
 */
gint
graft_tensor_get_rank (const GraftTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, 0);
  return graft_shape_get_rank (tensor->shape);
}

/**
 * graft_tensor_get_dims:
 * @tensor: a #GraftTensor
 * @rank: (out): the number of dimensions
 *
 * Returns: (array length=rank) (transfer none) (nullable): the dimensions,
 *   %NULL for a scalar
 */
const gint64 *
graft_tensor_get_dims (const GraftTensor *tensor,
                       guint             *rank)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  return graft_shape_get_dims (tensor->shape, rank);
}

/**
 * graft_tensor_get_num_elements:
 * @tensor: a #GraftTensor
 *
 * Returns: the number of elements
 */
gsize
graft_tensor_get_num_elements (const GraftTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, 0);
  return tensor->n_elements;
}

/**
 * graft_tensor_get_data:
 * @tensor: a #GraftTensor
 * @size: (out) (optional): the size of the data in bytes
 *
 * Returns the elements without copying them. The pointer stays valid as
 * long as @tensor is alive. (Bindings receive a copy of the bytes: they
 * cannot borrow memory from a boxed value.)
 *
 * Returns: (transfer none) (nullable) (array length=size) (element-type guint8):
 *   the elements, row-major
 */
gconstpointer
graft_tensor_get_data (const GraftTensor *tensor,
                       gsize             *size)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  if (size != NULL)
    *size = tensor->n_bytes;
  return tensor->data;
}

/**
 * graft_tensor_get_bytes:
 * @tensor: a #GraftTensor
 *
 * Returns the elements as a #GBytes. This does not copy: the bytes are the
 * tensor's own (a tensor lent by a running kernel is copied once here).
 *
 * Returns: (transfer full): the elements
 */
GBytes *
graft_tensor_get_bytes (const GraftTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  if (tensor->bytes != NULL)
    return g_bytes_ref (tensor->bytes);
  return g_bytes_new (tensor->data, tensor->n_bytes);
}

/**
 * graft_tensor_get_floats:
 * @tensor: a #GraftTensor
 * @n_values: (out): the number of elements
 *
 * The elements of a float32 tensor, typed, without copying (gjs and
 * Python get a typed array of numbers instead of raw bytes). Valid as long
 * as @tensor is.
 *
 * Returns: (transfer none) (array length=n_values) (nullable): the
 *   elements, or %NULL (and 0) when @tensor is not float32
 */
const float *
graft_tensor_get_floats (const GraftTensor *tensor,
                        gsize             *n_values)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = tensor->dtype == GRAFT_DTYPE_FLOAT32 ? tensor->n_elements : 0;
  return tensor->dtype == GRAFT_DTYPE_FLOAT32 ? (const float *) tensor->data : NULL;
}

/**
 * graft_tensor_get_doubles:
 * @tensor: a #GraftTensor
 * @n_values: (out): the number of elements
 *
 * The elements of a float64 tensor, typed, without copying (gjs and
 * Python get a typed array of numbers instead of raw bytes). Valid as long
 * as @tensor is.
 *
 * Returns: (transfer none) (array length=n_values) (nullable): the
 *   elements, or %NULL (and 0) when @tensor is not float64
 */
const double *
graft_tensor_get_doubles (const GraftTensor *tensor,
                         gsize             *n_values)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = tensor->dtype == GRAFT_DTYPE_FLOAT64 ? tensor->n_elements : 0;
  return tensor->dtype == GRAFT_DTYPE_FLOAT64 ? (const double *) tensor->data : NULL;
}

/**
 * graft_tensor_get_int32s:
 * @tensor: a #GraftTensor
 * @n_values: (out): the number of elements
 *
 * The elements of a int32 tensor, typed, without copying (gjs and
 * Python get a typed array of numbers instead of raw bytes). Valid as long
 * as @tensor is.
 *
 * Returns: (transfer none) (array length=n_values) (nullable): the
 *   elements, or %NULL (and 0) when @tensor is not int32
 */
const gint32 *
graft_tensor_get_int32s (const GraftTensor *tensor,
                        gsize             *n_values)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = tensor->dtype == GRAFT_DTYPE_INT32 ? tensor->n_elements : 0;
  return tensor->dtype == GRAFT_DTYPE_INT32 ? (const gint32 *) tensor->data : NULL;
}

/**
 * graft_tensor_get_int64s:
 * @tensor: a #GraftTensor
 * @n_values: (out): the number of elements
 *
 * The elements of a int64 tensor, typed, without copying (gjs and
 * Python get a typed array of numbers instead of raw bytes). Valid as long
 * as @tensor is.
 *
 * Returns: (transfer none) (array length=n_values) (nullable): the
 *   elements, or %NULL (and 0) when @tensor is not int64
 */
const gint64 *
graft_tensor_get_int64s (const GraftTensor *tensor,
                        gsize             *n_values)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = tensor->dtype == GRAFT_DTYPE_INT64 ? tensor->n_elements : 0;
  return tensor->dtype == GRAFT_DTYPE_INT64 ? (const gint64 *) tensor->data : NULL;
}

static double
load_double (const GraftTensor *t,
             gsize              i)
{
  switch (t->dtype)
    {
    case GRAFT_DTYPE_FLOAT32: return ((const float *) t->data)[i];
    case GRAFT_DTYPE_FLOAT64: return ((const double *) t->data)[i];
    case GRAFT_DTYPE_INT32: return ((const gint32 *) t->data)[i];
    case GRAFT_DTYPE_INT64: return (double) ((const gint64 *) t->data)[i];
    case GRAFT_DTYPE_BOOL: return t->data[i] ? 1.0 : 0.0;
    case GRAFT_DTYPE_COMPLEX64: return ((const float *) t->data)[2 * i];
    case GRAFT_DTYPE_FLOAT16: return graft_half_to_float (((const guint16 *) t->data)[i]);
    case GRAFT_DTYPE_BFLOAT16: return graft_bfloat16_to_float (((const guint16 *) t->data)[i]);
    case GRAFT_DTYPE_INT8: return ((const gint8 *) t->data)[i];
    case GRAFT_DTYPE_UINT8: return ((const guint8 *) t->data)[i];
    case GRAFT_DTYPE_INT16: return ((const gint16 *) t->data)[i];
    case GRAFT_DTYPE_UINT16: return ((const guint16 *) t->data)[i];
    case GRAFT_DTYPE_COMPLEX128: return ((const double *) t->data)[2 * i];
    case GRAFT_DTYPE_INVALID: default: return NAN;
    }
}

/**
 * graft_tensor_get_double:
 * @tensor: a #GraftTensor
 * @index: a flat, row-major element index below the number of elements
 *
 * Reads one element converted to `double` (the real part of a complex
 * element).
 *
 * Returns: the element
 */
double
graft_tensor_get_double (const GraftTensor *tensor,
                         gsize              index)
{
  g_return_val_if_fail (tensor != NULL, NAN);
  g_return_val_if_fail (index < tensor->n_elements, NAN);
  return load_double (tensor, index);
}

/**
 * graft_tensor_dup_doubles:
 * @tensor: a #GraftTensor
 * @n_values: (out): the number of elements
 *
 * Copies every element, converted to `double`.
 *
 * Returns: (array length=n_values) (transfer full): a newly allocated array
 */
double *
graft_tensor_dup_doubles (const GraftTensor *tensor,
                          gsize             *n_values)
{
  double *out;

  g_return_val_if_fail (tensor != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  out = g_new (double, tensor->n_elements ? tensor->n_elements : 1);
  for (gsize i = 0; i < tensor->n_elements; i++)
    out[i] = load_double (tensor, i);
  *n_values = tensor->n_elements;
  return out;
}

/**
 * graft_tensor_equal:
 * @tensor: a #GraftTensor
 * @other: another #GraftTensor
 *
 * Returns: whether both tensors have the same dtype, shape and bytes
 */
gboolean
graft_tensor_equal (const GraftTensor *tensor,
                    const GraftTensor *other)
{
  g_return_val_if_fail (tensor != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  return tensor->dtype == other->dtype &&
         graft_shape_equal (tensor->shape, other->shape) &&
         memcmp (tensor->data, other->data, tensor->n_bytes) == 0;
}

/* ---- printing as NumPy does ----
 *
 * NumPy's defaults (precision 8, floatmode "maxprec"): each float is
 * written with the fewest digits that read back as the same value of its
 * own dtype (so a float32 0.1 is "0.1", not 0.100000001), at most 8 after
 * the point; then all elements of the array share one layout: integer
 * parts right-aligned, fractions left-aligned and padded with spaces, so
 * the points line up. Very large or very small magnitudes switch the whole
 * array to scientific notation, as NumPy does. */

typedef struct {
  gboolean is_float;
  gboolean sci;
  guint int_width;              /* widest integer part, sign included */
  guint frac_width;             /* most fractional digits */
  guint exp_width;              /* widest exponent digits (sci) */
  guint width;                  /* non-floats: widest element */
  GPtrArray *texts;             /* each element's own text, made once */
} PrintLayout;

/* Whether `text` reads back as `v` in the tensor's dtype. */
static gboolean
reads_back (const char *text,
            GraftDType  dtype,
            double      v)
{
  double back = g_ascii_strtod (text, NULL);

  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32:
      return (float) back == (float) v;
    case GRAFT_DTYPE_FLOAT16:
      return graft_float_to_half ((float) back) == graft_float_to_half ((float) v);
    case GRAFT_DTYPE_BFLOAT16:
      return graft_float_to_bfloat16 ((float) back) == graft_float_to_bfloat16 ((float) v);
    default:
      return back == v;
    }
}

/* The shortest fixed ("%.Nf", N <= 8) or scientific ("%.Ne") text of v
 * that reads back as v, with trailing zeros of the fraction dropped. */
static void
shortest (char       *buf,
          gsize       size,
          GraftDType  dtype,
          double      v,
          gboolean    sci)
{
  char format[8];
  guint max = sci ? 17 : 8;

  for (guint digits = 0; digits <= max; digits++)
    {
      g_snprintf (format, sizeof format, sci ? "%%.%ue" : "%%.%uf", digits);
      g_ascii_formatd (buf, size, format, v);
      if (reads_back (buf, dtype, v))
        return;
    }
  /* No 8-digit text is exact: the rounded one, without trailing zeros. */
  if (!sci && strchr (buf, '.') != NULL)
    {
      gsize len = strlen (buf);
      while (buf[len - 1] == '0')
        buf[--len] = '\0';
    }
}

static void
split_number (const char *text,
              guint      *int_len,
              guint      *frac_len,
              guint      *exp_len)
{
  const char *dot = strchr (text, '.');
  const char *e = strchr (text, 'e');
  gsize len = strlen (text);

  *int_len = dot ? (guint) (dot - text) : (guint) (e ? e - text : (gssize) len);
  *frac_len = dot ? (guint) ((e ? e : text + len) - dot - 1) : 0;
  *exp_len = e ? (guint) strlen (e + 2) : 0;    /* digits after "e+" */
}

/* An element's text before alignment: the shortest for floats, "nan"
 * and "inf" as NumPy spells them, the plain value otherwise. */
static char *
element_text (const GraftTensor *t,
              gsize              i,
              gboolean           is_float,
              gboolean           sci)
{
  char buf[64];
  double v = load_double (t, i);

  if (is_float)
    {
      if (!isfinite (v))
        return g_strdup (isnan (v) ? "nan" : v < 0 ? "-inf" : "inf");
      shortest (buf, sizeof buf, t->dtype, v, sci);
      return g_strdup (buf);
    }
  switch (t->dtype)
    {
    case GRAFT_DTYPE_BOOL:
      return g_strdup (v != 0 ? "True" : "False");
    case GRAFT_DTYPE_INT8:
    case GRAFT_DTYPE_UINT8:
    case GRAFT_DTYPE_INT16:
    case GRAFT_DTYPE_UINT16:
    case GRAFT_DTYPE_INT32:
    case GRAFT_DTYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) v);
    default:
      g_ascii_formatd (buf, sizeof buf, "%.8g", v);
      return g_strdup (buf);
    }
}

static void
plan_layout (const GraftTensor *t,
             PrintLayout       *layout)
{
  double max_abs = 0, min_abs = G_MAXDOUBLE;
  guint nonfinite = 0;

  memset (layout, 0, sizeof *layout);
  layout->texts = g_ptr_array_new_full (t->n_elements, g_free);
  layout->is_float = t->dtype == GRAFT_DTYPE_FLOAT16 || t->dtype == GRAFT_DTYPE_BFLOAT16 ||
                     t->dtype == GRAFT_DTYPE_FLOAT32 || t->dtype == GRAFT_DTYPE_FLOAT64;
  for (gsize i = 0; layout->is_float && i < t->n_elements; i++)
    {
      double a = fabs (load_double (t, i));
      if (!isfinite (a) || a == 0)
        continue;
      max_abs = MAX (max_abs, a);
      min_abs = MIN (min_abs, a);
    }
  /* NumPy's switch: anything at or above 1e8, below 1e-4, or a range of
   * more than three orders of magnitude. */
  layout->sci = max_abs > 0 && (max_abs >= 1e8 || min_abs < 1e-4 || max_abs / min_abs > 1e3);
  for (gsize i = 0; i < t->n_elements; i++)
    {
      char *text = element_text (t, i, layout->is_float, layout->sci);
      guint il, fl, el;

      g_ptr_array_add (layout->texts, text);
      if (!layout->is_float)
        layout->width = MAX (layout->width, strlen (text));
      else if (!isfinite (load_double (t, i)))
        nonfinite = MAX (nonfinite, strlen (text));
      else
        {
          split_number (text, &il, &fl, &el);
          layout->int_width = MAX (layout->int_width, il);
          layout->frac_width = MAX (layout->frac_width, fl);
          layout->exp_width = MAX (layout->exp_width, el);
        }
    }
  /* "nan" and "-inf" take the whole field: widen the integer part if one
   * does not fit. */
  if (layout->is_float)
    {
      guint rest = 1 + layout->frac_width + (layout->sci ? 2 + MAX (layout->exp_width, 2) : 0);
      if (nonfinite > layout->int_width + rest)
        layout->int_width = nonfinite - rest;
    }
}

/* A float's text in the array's layout: integer part right-aligned,
 * fraction left-aligned. */
static void
format_float (GString           *s,
              const PrintLayout *layout,
              const char        *text)
{
  guint il, fl, el, total = layout->int_width + 1 + layout->frac_width;

  if (layout->sci)
    total += 2 + MAX (layout->exp_width, 2);
  if (g_ascii_isalpha (text[text[0] == '-']))    /* nan, inf, -inf */
    {
      for (guint k = strlen (text); k < total; k++)
        g_string_append_c (s, ' ');
      g_string_append (s, text);
      return;
    }
  split_number (text, &il, &fl, &el);
  for (guint k = il; k < layout->int_width; k++)
    g_string_append_c (s, ' ');
  g_string_append_len (s, text, il);
  g_string_append_c (s, '.');
  if (fl > 0)
    g_string_append_len (s, text + il + 1, fl);
  if (layout->sci)
    {
      /* NumPy pads a scientific mantissa with zeros and keeps at least two
       * exponent digits: 1.5e-05 1.0e+00. */
      for (guint k = fl; k < layout->frac_width; k++)
        g_string_append_c (s, '0');
      g_string_append_len (s, strchr (text, 'e'), 2);
      for (guint k = MAX (el, 2); k < MAX (layout->exp_width, 2); k++)
        g_string_append_c (s, '0');
      if (el < 2)
        g_string_append_c (s, '0');
      g_string_append (s, strchr (text, 'e') + 2);
    }
  else
    for (guint k = fl; k < layout->frac_width; k++)
      g_string_append_c (s, ' ');
}

static void
format_element (GString           *s,
                const PrintLayout *layout,
                gsize              i)
{
  const char *text = g_ptr_array_index (layout->texts, i);

  if (layout->is_float)
    {
      format_float (s, layout, text);
      return;
    }
  for (guint k = strlen (text); k < layout->width; k++)
    g_string_append_c (s, ' ');
  g_string_append (s, text);
}

static void
format_level (GString           *s,
              const PrintLayout *layout,
              const gint64      *dims,
              guint              rank,
              guint              level,
              gsize             *index)
{
  if (level == rank)
    {
      format_element (s, layout, (*index)++);
      return;
    }
  g_string_append_c (s, '[');
  for (gint64 i = 0; i < dims[level]; i++)
    {
      if (i > 0)
        {
          if (level + 1 == rank)
            g_string_append_c (s, ' ');
          else
            {
              /* NumPy leaves one blank line per level below the next. */
              for (guint k = level + 1; k < rank; k++)
                g_string_append_c (s, '\n');
              for (guint k = 0; k <= level; k++)
                g_string_append_c (s, ' ');
            }
        }
      format_level (s, layout, dims, rank, level + 1, index);
    }
  g_string_append_c (s, ']');
}

/**
 * graft_tensor_to_string:
 * @tensor: a #GraftTensor
 *
 * Formats the elements as NumPy prints an array with its default options:
 * `[[ -1.5    2.  ]\n [  3.25 -40.  ]]`, each float with the fewest digits
 * that identify it in its own dtype (at most 8 after the point), the
 * points aligned.
 *
 * Returns: (transfer full): a newly allocated string
 */
char *
graft_tensor_to_string (const GraftTensor *tensor)
{
  GString *s;
  guint rank;
  const gint64 *dims;
  gsize index = 0;
  PrintLayout layout;

  g_return_val_if_fail (tensor != NULL, NULL);

  s = g_string_new (NULL);
  dims = graft_shape_get_dims (tensor->shape, &rank);
  plan_layout (tensor, &layout);
  format_level (s, &layout, dims, rank, 0, &index);
  g_ptr_array_unref (layout.texts);
  return g_string_free (s, FALSE);
}
