/* select.c: Select, output = condition ? t : e, with TensorFlow 1.15's
 * rules (no broadcasting): a condition of the shape of t and e picks
 * elementwise, a scalar picks all of t or all of e, and a vector picks
 * whole rows of t and e, one per entry of their first dimension.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "math-kernels.h"
#include "../op-messages.h"

/* Merges input `b`'s partial shape into `dims` (of `rank`), naming both
 * inputs in the error, which is TensorFlow's. */
static gboolean
merge_input (GraftShapeContext *ctx,
             guint              a,
             guint              b,
             gint              *rank,
             gint64            *dims,
             GError           **error)
{
  gint r = graft_shape_context_get_input_rank (ctx, b);
  const gint64 *d = graft_shape_context_get_input_dims (ctx, b);

  if (r < 0)
    return TRUE;
  if (*rank >= 0 && r != *rank)
    {
      g_autofree char *sa = op_format_input_shape (ctx, a);
      g_autofree char *sb = op_format_input_shape (ctx, b);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Shapes must be equal rank, but are %d and %d for inputs with shapes %s and %s",
                   *rank, r, sa, sb);
      return FALSE;
    }
  for (gint i = 0; i < r; i++)
    {
      if (*rank >= 0 && dims[i] >= 0 && d[i] >= 0 && dims[i] != d[i])
        {
          g_autofree char *sa = op_format_input_shape (ctx, a);
          g_autofree char *sb = op_format_input_shape (ctx, b);

          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Dimension %d in both shapes must be equal, but are %" G_GINT64_FORMAT " and %"
                       G_GINT64_FORMAT ". Shapes are %s and %s", i, dims[i], d[i], sa, sb);
          return FALSE;
        }
      if (*rank < 0 || dims[i] < 0)
        dims[i] = d[i];
    }
  *rank = r;
  return TRUE;
}

gboolean
math_shape_select (GraftShapeContext *ctx,
                   GError           **error)
{
  gint rank = -1, crank = graft_shape_context_get_input_rank (ctx, 0);
  gint64 dims[OP_MAX_RANK];

  if (!merge_input (ctx, 1, 1, &rank, dims, error) || !merge_input (ctx, 1, 2, &rank, dims, error))
    return FALSE;
  /* A scalar condition takes t and e of any shape; a vector one the rows
   * of t and e; any other the shape of t and e. */
  if (crank > 0 && rank >= 0)
    {
      const gint64 *cd = graft_shape_context_get_input_dims (ctx, 0);

      if (crank == 1 && rank >= 1)
        {
          if (cd[0] >= 0 && dims[0] >= 0 && cd[0] != dims[0])
            {
              g_autofree char *sc = op_format_input_shape (ctx, 0);
              g_autofree char *st = op_format_input_shape (ctx, 1);

              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                           "Dimension 0 in both shapes must be equal, but are %" G_GINT64_FORMAT " and %"
                           G_GINT64_FORMAT ": a vector condition of shape %s picks the rows of t of shape %s",
                           cd[0], dims[0], sc, st);
              return FALSE;
            }
          if (dims[0] < 0)
            dims[0] = cd[0];
        }
      else if (!merge_input (ctx, 1, 0, &rank, dims, error))
        return FALSE;
    }
  graft_shape_context_set_output (ctx, 0, rank, dims);
  return TRUE;
}

void
math_select (GraftKernel       *k,
             const GraftTensor *condition,
             const GraftTensor *t,
             const GraftTensor *e,
             GraftTensor       *output)
{
  const guint8 *c = graft_tensor_get_data (condition, NULL);
  const guint8 *pt = graft_tensor_get_data (t, NULL), *pe = graft_tensor_get_data (e, NULL);
  guint8 *out;
  gsize esize = graft_dtype_get_size (graft_tensor_get_dtype (t));
  gsize n = graft_tensor_get_num_elements (t), nc = graft_tensor_get_num_elements (condition);
  guint crank, trank;
  const gint64 *cdims = graft_tensor_get_dims (condition, &crank);
  const gint64 *tdims = graft_tensor_get_dims (t, &trank);
  g_autofree char *sc = op_format_tensor_shape (condition);
  g_autofree char *st = op_format_tensor_shape (t);

  /* Partial shapes may have hidden a misfit until now: TensorFlow's
   * kernel texts. */
  if (!graft_shape_equal (graft_tensor_get_shape (t), graft_tensor_get_shape (e)))
    {
      g_autofree char *se = op_format_tensor_shape (e);

      graft_kernel_set_error (k, "'then' and 'else' must have the same size.  but received: %s vs. %s", st, se);
      return;
    }
  if (crank == 1 && trank > 1 && tdims[0] != cdims[0])
    {
      graft_kernel_set_error (k, "Number of batches of 'then' must match size of 'cond', but saw: %"
                              G_GINT64_FORMAT " vs. %" G_GINT64_FORMAT, tdims[0], cdims[0]);
      return;
    }
  if (crank > 0 && !(crank == 1 && trank > 1) && !graft_shape_equal (graft_tensor_get_shape (condition),
                                                                   graft_tensor_get_shape (t)))
    {
      graft_kernel_set_error (k, "'cond' and 'then' must have the same size.  but received: %s vs. %s", sc, st);
      return;
    }
  out = graft_kernel_get_output_data (k, output);
  if (n == 0)
    return;
  if (crank == 0)
    memcpy (out, c[0] ? pt : pe, n * esize);
  else if (crank == 1 && trank > 1)
    {
      gsize row = n / nc * esize;

      for (gsize r = 0; r < nc; r++)
        memcpy (out + r * row, (c[r] ? pt : pe) + r * row, row);
    }
  else
    switch (esize)
      {
      case 1: for (gsize i = 0; i < n; i++) out[i] = c[i] ? pt[i] : pe[i]; break;
      case 2: for (gsize i = 0; i < n; i++) ((guint16 *) out)[i] = c[i] ? ((const guint16 *) pt)[i] : ((const guint16 *) pe)[i]; break;
      case 4: for (gsize i = 0; i < n; i++) ((guint32 *) out)[i] = c[i] ? ((const guint32 *) pt)[i] : ((const guint32 *) pe)[i]; break;
      case 8: for (gsize i = 0; i < n; i++) ((guint64 *) out)[i] = c[i] ? ((const guint64 *) pt)[i] : ((const guint64 *) pe)[i]; break;
      default:
        for (gsize i = 0; i < n; i++)
          memcpy (out + i * esize, (c[i] ? pt : pe) + i * esize, esize);
      }
}
