/* shapes.c: shape functions of the core ops.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "core-kernels.h"

/* Const: the value's shape; the dtype attribute must match the value. */
gboolean
core_shape_const (GraftShapeContext *ctx,
                  GError           **error)
{
  const GraftTensor *value = graft_shape_context_get_attr_tensor (ctx, "value");
  GraftDType dtype = graft_shape_context_get_attr_type (ctx, "dtype");
  guint rank;
  const gint64 *dims;

  if (graft_tensor_get_dtype (value) != dtype)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                   "the value is %s but dtype is %s",
                   graft_dtype_get_name (graft_tensor_get_dtype (value)), graft_dtype_get_name (dtype));
      return FALSE;
    }
  dims = graft_tensor_get_dims (value, &rank);
  graft_shape_context_set_output (ctx, 0, (gint) rank, dims);
  return TRUE;
}

static void
set_from_shape_attr (GraftShapeContext *ctx,
                     const char        *attr)
{
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, attr);
  guint n;
  const gint64 *dims = graft_shape_get_dims (shape, &n);

  graft_shape_context_set_output (ctx, 0, graft_shape_get_rank (shape), dims);
}

/* Placeholder: its shape attribute, which may be partial or unknown. */
gboolean
core_shape_placeholder (GraftShapeContext *ctx,
                        GError           **error)
{
  set_from_shape_attr (ctx, "shape");
  return TRUE;
}

/* VariableV2: its shape attribute, which must be fully defined. */
gboolean
core_shape_variable (GraftShapeContext *ctx,
                     GError           **error)
{
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "shape");

  if (!graft_shape_is_fully_defined (shape))
    {
      g_autofree char *s = graft_shape_to_string (shape);
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "a variable needs a fully defined shape, but got %s", s);
      return FALSE;
    }
  set_from_shape_attr (ctx, "shape");
  return TRUE;
}

static gboolean
check_compatible (GraftShapeContext *ctx,
                  GError           **error)
{
  gint ra = graft_shape_context_get_input_rank (ctx, 0);
  gint rb = graft_shape_context_get_input_rank (ctx, 1);
  const gint64 *a = graft_shape_context_get_input_dims (ctx, 0);
  const gint64 *b = graft_shape_context_get_input_dims (ctx, 1);
  g_autoptr(GraftShape) sa = NULL, sb = NULL;
  g_autofree char *ta = NULL, *tb = NULL;

  if (ra < 0 || rb < 0)
    return TRUE;
  sa = graft_shape_new (a, ra);
  sb = graft_shape_new (b, rb);
  if (graft_shape_is_compatible_with (sa, sb))
    return TRUE;
  ta = graft_shape_to_string (sa);
  tb = graft_shape_to_string (sb);
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
               "Shapes %s and %s are incompatible", ta, tb);
  return FALSE;
}

/* Assign: the variable's shape; with validate_shape the value must fit. */
gboolean
core_shape_assign (GraftShapeContext *ctx,
                   GError           **error)
{
  if (graft_shape_context_get_attr_bool (ctx, "validate_shape") && !check_compatible (ctx, error))
    return FALSE;
  return graft_shape_same_as_input (ctx, error);
}

/* AssignAdd, AssignSub: the value must fit the variable. */
gboolean
core_shape_assign_update (GraftShapeContext *ctx,
                          GError           **error)
{
  if (!check_compatible (ctx, error))
    return FALSE;
  return graft_shape_same_as_input (ctx, error);
}
