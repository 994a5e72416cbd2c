/* shapes.c: the random ops' output shape, their `shape` attribute, which
 * must be fully defined; RandomUniformInt's bounds are checked with it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "random-kernels.h"

gboolean
random_shape_from_attr (GraftShapeContext *ctx,
                        GError           **error)
{
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "shape");
  guint n_dims;
  const gint64 *dims;

  if (!graft_shape_is_fully_defined (shape))
    {
      g_autofree char *text = graft_shape_to_string (shape);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "the shape of a random tensor must be fully defined, but is %s", text);
      return FALSE;
    }
  dims = graft_shape_get_dims (shape, &n_dims);
  graft_shape_context_set_output (ctx, 0, (gint) n_dims, dims);
  return TRUE;
}

/* TensorFlow's kernel checks the bounds at run time, after letting an
 * empty output through; here the attributes are known when the op is
 * built, so they are checked then. */
gboolean
random_shape_uniform_int (GraftShapeContext *ctx,
                          GError           **error)
{
  GraftDType dtype = graft_shape_context_get_attr_type (ctx, "dtype");
  gint64 lo = graft_shape_context_get_attr_int (ctx, "minval");
  gint64 hi = graft_shape_context_get_attr_int (ctx, "maxval");

  if (!random_shape_from_attr (ctx, error))
    return FALSE;
  if (dtype == GRAFT_DTYPE_INT32 &&
      (lo < G_MININT32 || lo > G_MAXINT32 || hi < G_MININT32 || hi > G_MAXINT32))
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "minval %" G_GINT64_FORMAT " or maxval %" G_GINT64_FORMAT " does not fit in int32", lo, hi);
      return FALSE;
    }
  if (graft_shape_get_num_elements (graft_shape_context_get_attr_shape (ctx, "shape")) > 0 && lo >= hi)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Need minval < maxval: %" G_GINT64_FORMAT " >= %" G_GINT64_FORMAT, lo, hi);
      return FALSE;
    }
  return TRUE;
}
