/* grad-helpers.h: what the gradient functions of Graft's op families
 * share. Header-only because each family is a module of its own; a module
 * that includes it links libgraft (as every op module does) for the
 * graph-building calls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft.h>
#include <graft-plugin.h>

#include "op-messages.h"

G_BEGIN_DECLS

/* The typed constructors keep their error in the graph's error chain and
 * return NULL, and every later constructor given that NULL returns NULL
 * too; so a gradient function builds all its ops and checks once. */
static inline gboolean
op_grad_failed (GraftGraph *graph,
                GError    **error)
{
  GError *chain = graft_graph_take_error (graph);

  if (chain == NULL)
    chain = g_error_new_literal (GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                                 "building the gradient failed without an error");
  g_propagate_error (error, chain);
  return FALSE;
}

/* A scalar constant of `dtype` (2 for Square's gradient, 1 for Pow's). */
static inline GraftOutput *
op_grad_scalar (GraftGraph *graph,
                GraftDType  dtype,
                double      value)
{
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (dtype, value);

  return graft_constant (graph, t);
}

/* Sums `grad`, the gradient of a broadcasting binary op's output `out`,
 * back to the static shape of its input `input`: TensorFlow's
 * Reshape(Sum(grad, rx), sx) with BroadcastGradientArgs' axes rx decided
 * at build time, since Graft's shape ops take their shapes as attributes.
 *
 * An axis is summed where `input` lacks it (lower rank) or has static
 * size 1 and the output does not (an output size still unknown counts as
 * not 1: summing a size-1 axis changes nothing, so that is always right).
 * The sum keeps its dims; a Reshape to the input's shape (-1 for its one
 * unknown dim) then drops the leading axes. Two cases cannot be decided
 * statically: an input or output of unknown rank is an error, and an
 * input dim unknown at build time is taken not to broadcast (TensorFlow
 * would find out at run time). An input with more than one unknown dim
 * and a lower rank than the output drops its leading axes with a second
 * Sum instead of a Reshape, which could not take two -1s.
 *
 * Returns: (transfer none) (nullable): the gradient of `input` (`grad`
 *   itself when nothing broadcast), or NULL with @error set (also when
 *   `grad` is NULL: a constructor failed before, and the graph's error
 *   chain holds why) */
static inline GraftOutput *
op_grad_reduce_to (GraftGraph  *graph,
                   GraftOutput *grad,
                   GraftOutput *out,
                   GraftOutput *input,
                   GError     **error)
{
  g_autoptr(GraftShape) in_shape = NULL;
  g_autoptr(GraftShape) out_shape = NULL;
  GraftReduceSumAttrs attrs = GRAFT_REDUCE_SUM_ATTRS_INIT;
  gint in_rank, out_rank, lead, n_unknown = 0;
  const gint64 *in_dims, *out_dims;
  gint64 axes[OP_MAX_RANK], shape[OP_MAX_RANK];
  gsize n_axes = 0;
  guint n_dims;
  GraftOutput *sum, *result;

  if (grad == NULL)
    {
      op_grad_failed (graph, error);
      return NULL;
    }
  in_shape = graft_output_get_shape (input);
  out_shape = graft_output_get_shape (out);
  in_rank = graft_shape_get_rank (in_shape);
  out_rank = graft_shape_get_rank (out_shape);
  if (in_rank < 0 || out_rank < 0)
    {
      g_autofree char *in_name = graft_output_get_name (input);
      g_autofree char *out_name = graft_output_get_name (out);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Cannot sum the gradient of %s back to the shape of %s: the rank of %s is unknown when "
                   "the graph is built", out_name, in_name, in_rank < 0 ? in_name : out_name);
      return NULL;
    }
  in_dims = graft_shape_get_dims (in_shape, &n_dims);
  out_dims = graft_shape_get_dims (out_shape, &n_dims);
  lead = out_rank - in_rank;
  for (gint a = 0; a < out_rank; a++)
    {
      gint ia = a - lead;

      if (ia < 0 || (in_dims[ia] == 1 && out_dims[a] != 1))
        axes[n_axes++] = a;
    }
  if (n_axes == 0 && lead <= 0)
    return grad;

  attrs.axis = axes;
  attrs.n_axis = n_axes;
  attrs.keep_dims = TRUE;
  sum = n_axes > 0 ? graft_reduce_sum_full (graph, grad, NULL, &attrs) : grad;
  result = sum;
  if (lead > 0)
    {
      for (gint i = 0; i < in_rank; i++)
        {
          shape[i] = in_dims[i];
          n_unknown += in_dims[i] < 0;
        }
      if (n_unknown <= 1)
        result = graft_reshape (graph, sum, shape, (gsize) in_rank);
      else
        {
          for (gint a = 0; a < lead; a++)
            axes[a] = a;
          attrs.n_axis = (gsize) lead;
          attrs.keep_dims = FALSE;
          result = graft_reduce_sum_full (graph, sum, NULL, &attrs);
        }
    }
  if (result == NULL)
    op_grad_failed (graph, error);
  return result;
}

G_END_DECLS
