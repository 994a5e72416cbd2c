/* reshape.c: Reshape, output = tensor's elements, in row-major order, laid
 * out in the shape attribute, where one size of -1 is inferred.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "array-kernels.h"

static gboolean
mismatch (GraftShapeContext *ctx,
          const gint64      *shape,
          gsize              n_shape,
          gint64             n_in,
          gint64             n_out,
          gboolean           infer,
          GError           **error)
{
  g_autofree char *want = op_format_ints (shape, n_shape);
  g_autofree char *have = op_format_input_shape (ctx, 0);

  if (infer)
    g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                 "Cannot reshape a tensor with %" G_GINT64_FORMAT " elements to shape %s: %" G_GINT64_FORMAT
                 " is not a multiple of %" G_GINT64_FORMAT "; the input's shape is %s",
                 n_in, want, n_in, n_out, have);
  else
    g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                 "Cannot reshape a tensor with %" G_GINT64_FORMAT " elements to shape %s (%" G_GINT64_FORMAT
                 " elements); the input's shape is %s", n_in, want, n_out, have);
  return FALSE;
}

/* The requested shape, with the -1 inferred when the input's element count
 * is known. An input of partial shape can still be refused: its known
 * sizes must divide the requested count. */
gboolean
array_shape_reshape (GraftShapeContext *ctx,
                     GError           **error)
{
  gsize n_shape;
  const gint64 *shape = graft_shape_context_get_attr_ints (ctx, "shape", &n_shape);
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  const gint64 *in = graft_shape_context_get_input_dims (ctx, 0);
  gint64 out[OP_MAX_RANK];
  gint64 n_out = 1, n_in = 1, known_in = 1;
  gint infer = -1;
  gboolean in_known = rank >= 0;

  if (n_shape > OP_MAX_RANK)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Cannot reshape to rank %" G_GSIZE_FORMAT ": the most is %d", n_shape, OP_MAX_RANK);
      return FALSE;
    }
  for (gsize i = 0; i < n_shape; i++)
    {
      out[i] = shape[i];
      if (shape[i] == -1)
        {
          if (infer >= 0)
            {
              g_autofree char *want = op_format_ints (shape, n_shape);
              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                           "Only one size may be -1, not both %d and %" G_GSIZE_FORMAT " of shape %s",
                           infer, i, want);
              return FALSE;
            }
          infer = (gint) i;
        }
      else if (shape[i] < 0)
        {
          g_autofree char *want = op_format_ints (shape, n_shape);
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Size %" G_GSIZE_FORMAT " of shape %s must be non-negative, not %" G_GINT64_FORMAT,
                       i, want, shape[i]);
          return FALSE;
        }
      else if (shape[i] > 0 && n_out > G_MAXINT64 / shape[i])
        {
          g_autofree char *want = op_format_ints (shape, n_shape);
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Shape %s has too many elements", want);
          return FALSE;
        }
      else
        n_out *= shape[i];
    }

  /* The input's element count: known when every size is, or when a known
   * size is 0. `known_in` is the product of the sizes that are known. */
  for (gint i = 0; i < rank; i++)
    {
      if (in[i] < 0)
        in_known = FALSE;
      else
        known_in *= in[i];
    }
  if (rank > 0 && known_in == 0)
    in_known = TRUE;
  n_in = known_in;

  if (in_known)
    {
      if (infer < 0 && n_in != n_out)
        return mismatch (ctx, shape, n_shape, n_in, n_out, FALSE, error);
      if (infer >= 0 && n_out == 0)
        {
          g_autofree char *want = op_format_ints (shape, n_shape);
          g_autofree char *have = op_format_input_shape (ctx, 0);
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Cannot infer the -1 of shape %s for a tensor of shape %s: another size is 0",
                       want, have);
          return FALSE;
        }
      if (infer >= 0 && n_in % n_out != 0)
        return mismatch (ctx, shape, n_shape, n_in, n_out, TRUE, error);
      if (infer >= 0)
        out[infer] = n_in / n_out;
    }
  else if (rank > 0 && infer < 0 && n_out % known_in != 0)
    {
      g_autofree char *want = op_format_ints (shape, n_shape);
      g_autofree char *have = op_format_input_shape (ctx, 0);
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Cannot reshape a tensor of shape %s to shape %s (%" G_GINT64_FORMAT " elements): "
                   "%" G_GINT64_FORMAT " is not a multiple of %" G_GINT64_FORMAT, have, want, n_out, n_out, known_in);
      return FALSE;
    }
  graft_shape_context_set_output (ctx, 0, (gint) n_shape, out);
  return TRUE;
}

void
array_reshape (GraftKernel       *k,
               const GraftTensor *tensor,
               const gint64      *shape,
               gsize              n_shape,
               GraftTensor       *output)
{
  gsize size;
  gconstpointer src = graft_tensor_get_data (tensor, &size);

  /* The output's shape was fixed when the op was built; an input of
   * partial shape is only checked now. */
  if (graft_tensor_get_num_elements (tensor) != graft_tensor_get_num_elements (output))
    {
      g_autofree char *have = op_format_tensor_shape (tensor);
      g_autofree char *want = op_format_tensor_shape (output);

      graft_kernel_set_error (k, "Cannot reshape a tensor with %" G_GSIZE_FORMAT " elements to shape %s (%"
                              G_GSIZE_FORMAT " elements); the input's shape is %s",
                              graft_tensor_get_num_elements (tensor), want,
                              graft_tensor_get_num_elements (output), have);
      return;
    }
  /* An empty tensor may have no buffer at all, and memcpy wants one. */
  if (size > 0)
    memcpy (graft_kernel_get_output_data (k, output), src, size);
}
