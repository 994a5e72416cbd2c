/* transpose.c: Transpose, y[i₀, …, iₙ₋₁] = x[j] where j[perm[a]] = iₐ: axis a
 * of y is axis perm[a] of x; an empty perm reverses the axes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "array-kernels.h"

/* Checks that perm (of n entries) is a permutation of 0 … n - 1; the
 * message names the offending entry. */
static gboolean
check_perm (const gint64 *perm,
            gsize         n,
            char        **why)
{
  gboolean seen[OP_MAX_RANK] = { FALSE };

  for (gsize i = 0; i < n; i++)
    {
      if (perm[i] < 0 || perm[i] >= (gint64) n)
        {
          *why = g_strdup_printf ("%" G_GINT64_FORMAT " is out of range [0, %" G_GSIZE_FORMAT ")", perm[i], n);
          return FALSE;
        }
      if (seen[perm[i]])
        {
          *why = g_strdup_printf ("%" G_GINT64_FORMAT " appears twice", perm[i]);
          return FALSE;
        }
      seen[perm[i]] = TRUE;
    }
  return TRUE;
}

gboolean
array_shape_transpose (GraftShapeContext *ctx,
                       GError           **error)
{
  gsize n_perm;
  const gint64 *perm = graft_shape_context_get_attr_ints (ctx, "perm", &n_perm);
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  const gint64 *in = graft_shape_context_get_input_dims (ctx, 0);
  gint64 out[OP_MAX_RANK];
  g_autofree char *why = NULL;

  if ((rank >= 0 && n_perm != 0 && n_perm != (gsize) rank) || n_perm > OP_MAX_RANK ||
      !check_perm (perm, n_perm, &why))
    {
      g_autofree char *p = op_format_ints (perm, n_perm);
      g_autofree char *have = op_format_input_shape (ctx, 0);

      if (why == NULL)
        why = g_strdup_printf ("it has %" G_GSIZE_FORMAT " entries, the input has rank %d", n_perm, rank);
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "perm %s is not a permutation of the axes of a tensor of shape %s: %s", p, have, why);
      return FALSE;
    }
  if (rank < 0)
    {
      /* With a perm, the rank is known even if the input's is not. */
      for (gsize i = 0; i < n_perm; i++)
        out[i] = GRAFT_DIM_UNKNOWN;
      graft_shape_context_set_output (ctx, 0, n_perm > 0 ? (gint) n_perm : GRAFT_RANK_UNKNOWN, out);
      return TRUE;
    }
  for (gint i = 0; i < rank; i++)
    out[i] = in[n_perm > 0 ? perm[i] : rank - 1 - i];
  graft_shape_context_set_output (ctx, 0, rank, out);
  return TRUE;
}

/* Copies one row of y: n elements of `esize` bytes, read from x every
 * `stride` elements. */
static void
copy_strided (guint8       *dst,
              const guint8 *src,
              gsize         esize,
              gint64        stride,
              gsize         n)
{
  switch (esize)
    {
    case 1:
      for (gsize i = 0; i < n; i++)
        dst[i] = src[i * stride];
      break;
    case 4:
      for (gsize i = 0; i < n; i++)
        ((guint32 *) dst)[i] = ((const guint32 *) src)[i * stride];
      break;
    case 8:
      for (gsize i = 0; i < n; i++)
        ((guint64 *) dst)[i] = ((const guint64 *) src)[i * stride];
      break;
    default:
      for (gsize i = 0; i < n; i++)
        memcpy (dst + i * esize, src + i * stride * esize, esize);
      break;
    }
}

void
array_transpose (GraftKernel       *k,
                 const GraftTensor *x,
                 const gint64      *perm,
                 gsize              n_perm,
                 GraftTensor       *y)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (x, &rank);
  gsize esize = graft_dtype_get_size (graft_tensor_get_dtype (x)), size;
  const guint8 *src = graft_tensor_get_data (x, &size);
  guint8 *dst = graft_kernel_get_output_data (k, y);
  gint64 in_strides[OP_MAX_RANK], strides[OP_MAX_RANK], out_dims[OP_MAX_RANK], idx[OP_MAX_RANK] = { 0 };
  gsize total = graft_tensor_get_num_elements (x), inner, done = 0;
  gint64 offset = 0, stride = 1;
  g_autofree char *why = NULL;

  if ((n_perm != 0 && n_perm != rank) || !check_perm (perm, n_perm, &why))
    {
      g_autofree char *p = op_format_ints (perm, n_perm);
      g_autofree char *have = op_format_tensor_shape (x);

      graft_kernel_set_error (k, "perm %s is not a permutation of the axes of a tensor of shape %s", p, have);
      return;
    }
  if (total == 0)
    return;
  if (rank <= 1)
    {
      memcpy (dst, src, size);
      return;
    }

  for (guint i = rank; i-- > 0;)
    {
      in_strides[i] = stride;
      stride *= dims[i];
    }
  /* Walk y in order: axis a of y steps through x by the stride of axis
   * perm[a] of x. */
  for (guint a = 0; a < rank; a++)
    {
      guint from = n_perm > 0 ? (guint) perm[a] : rank - 1 - a;

      out_dims[a] = dims[from];
      strides[a] = in_strides[from];
    }
  inner = (gsize) out_dims[rank - 1];
  while (done < total)
    {
      copy_strided (dst + done * esize, src + offset * esize, esize, strides[rank - 1], inner);
      done += inner;
      for (gint a = (gint) rank - 2; a >= 0; a--)
        {
          idx[a]++;
          offset += strides[a];
          if (idx[a] < out_dims[a])
            break;
          offset -= strides[a] * out_dims[a];
          idx[a] = 0;
        }
    }
}
