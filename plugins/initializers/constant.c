/* constant.c: zeros, ones and constant: every element a fixed value.
 *
 * constant follows constant_initializer(value, verify_shape) through
 * tf.constant(): a single value fills the tensor, a shorter list is padded
 * with its last value, a longer one is refused. The value is always a flat
 * list here, so verify_shape compares the shape with (n,).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "initializer-kernels.h"

void
init_zeros (GraftKernel *k,
            GraftTensor *out)
{
  gsize size;

  /* An empty tensor may have no storage at all. */
  graft_tensor_get_data (out, &size);
  if (size > 0)
    memset (graft_kernel_get_output_data (k, out), 0, size);
}

void
init_ones (GraftKernel *k,
           GraftTensor *out)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gpointer data = graft_kernel_get_output_data (k, out);
  gsize n = graft_tensor_get_num_elements (out);

  for (gsize i = 0; i < n; i++)
    init_store (dtype, data, i, 1.0);
}

/* make_tensor_proto()'s checks, in its order: each value must suit the
 * dtype, then verify_shape, then the count. A tensor without elements
 * ignores the value altogether, as TensorFlow does. */
gboolean
init_constant_shape (GraftShapeContext *ctx,
                     GError           **error)
{
  GraftDType dtype = graft_shape_context_get_attr_type (ctx, "T");
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "_shape");
  gboolean verify_shape = graft_shape_context_get_attr_bool (ctx, "verify_shape");
  gsize n_values;
  const double *values = graft_shape_context_get_attr_floats (ctx, "value", &n_values);
  gint64 size = graft_shape_get_num_elements (shape);

  if (size == 0)
    return init_shape_output (ctx);

  if (graft_dtype_is_integer (dtype))
    for (gsize i = 0; i < n_values; i++)
      if (!init_is_int_value (dtype, values[i]))
        {
          g_autofree char *v = init_format_py_float (values[i]);

          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                       "Expected %s, got %s of type 'float' instead.", graft_dtype_get_name (dtype), v);
          return FALSE;
        }

  if (verify_shape)
    {
      guint rank;
      const gint64 *dims = graft_shape_get_dims (shape, &rank);

      if (graft_shape_get_rank (shape) != 1 || dims[0] != (gint64) n_values)
        {
          g_autofree char *want = graft_shape_to_string (shape);

          /* TensorFlow's TypeError: the INVALID_ATTR code (see GraftGraphError). */
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                       "Expected Tensor's shape: %s, got (%" G_GSIZE_FORMAT ",).", want, n_values);
          return FALSE;
        }
    }

  /* An unknown size (-1) cannot be checked until the variable has one. */
  if (size > 0 && (guint64) n_values > (guint64) size)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Too many elements provided. Needed at most %" G_GINT64_FORMAT ", but received %"
                   G_GSIZE_FORMAT, size, n_values);
      return FALSE;
    }
  return init_shape_output (ctx);
}

void
init_constant (GraftKernel  *k,
               const double *value,
               gsize         n_value,
               gboolean      verify_shape,
               GraftTensor  *out)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gpointer data = graft_kernel_get_output_data (k, out);
  gsize n = graft_tensor_get_num_elements (out);

  /* An empty list gives zeros, as an empty TensorProto does. */
  if (n_value == 0)
    {
      init_zeros (k, out);
      return;
    }
  for (gsize i = 0; i < n; i++)
    init_store (dtype, data, i, value[MIN (i, n_value - 1)]);
}
