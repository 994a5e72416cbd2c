/* fill.c: Fill, output = a tensor of shape dims whose every element is the
 * scalar value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "array-kernels.h"

gboolean
array_shape_fill (GraftShapeContext *ctx,
                  GError           **error)
{
  gsize n_dims;
  const gint64 *dims = graft_shape_context_get_attr_ints (ctx, "dims", &n_dims);
  gint rank = graft_shape_context_get_input_rank (ctx, 0);

  if (rank > 0)
    {
      g_autofree char *have = op_format_input_shape (ctx, 0);
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "value must be a scalar, but its shape is %s", have);
      return FALSE;
    }
  if (n_dims > OP_MAX_RANK)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Cannot fill a tensor of rank %" G_GSIZE_FORMAT ": the most is %d", n_dims, OP_MAX_RANK);
      return FALSE;
    }
  for (gsize i = 0; i < n_dims; i++)
    if (dims[i] < 0)
      {
        g_autofree char *want = op_format_ints (dims, n_dims);
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                     "Fill dimensions must be >= 0, but dims is %s", want);
        return FALSE;
      }
  graft_shape_context_set_output (ctx, 0, (gint) n_dims, dims);
  return TRUE;
}

void
array_fill (GraftKernel       *k,
            const GraftTensor *value,
            const gint64      *dims,
            gsize              n_dims,
            GraftTensor       *output)
{
  gsize esize, n = graft_tensor_get_num_elements (output);
  const guint8 *v = graft_tensor_get_data (value, &esize);
  guint8 *out = graft_kernel_get_output_data (k, output);

  /* A value of unknown rank when the op was built is only checked now. */
  if (graft_tensor_get_rank (value) != 0)
    {
      g_autofree char *have = op_format_tensor_shape (value);
      graft_kernel_set_error (k, "value must be a scalar, but its shape is %s", have);
      return;
    }
  if (n == 0)
    return;
  switch (esize)
    {
    case 1:
      memset (out, v[0], n);
      break;
    case 4:
      {
        guint32 x;
        memcpy (&x, v, 4);
        for (gsize i = 0; i < n; i++)
          ((guint32 *) out)[i] = x;
      }
      break;
    case 8:
      {
        guint64 x;
        memcpy (&x, v, 8);
        for (gsize i = 0; i < n; i++)
          ((guint64 *) out)[i] = x;
      }
      break;
    default:
      for (gsize i = 0; i < n; i++)
        memcpy (out + i * esize, v, esize);
      break;
    }
}
