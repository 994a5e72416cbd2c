/* conv-grad.c: the gradients of Conv2D, MaxPool and AvgPool, after
 * TensorFlow 1.15's nn_grad.py, and of the two convolution backprops.
 *
 * TensorFlow passes the forward inputs' shapes as tensors (array_ops.shape);
 * Graft's backprop ops take them as attributes, so they come from the
 * static shapes of the forward op's inputs. An unknown batch or depth is
 * passed as -1, which the backprop ops infer from their other inputs; an
 * unknown height or width cannot be inferred (at stride > 1 several input
 * sizes give the same output size), so such a gradient is an error naming
 * the op.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <graft.h>

#include "linalg-kernels.h"

/* The window attributes every op of the family shares. */
static const char *const conv_attrs[] = { "strides", "padding", "data_format", "dilations", NULL };
static const char *const pool_attrs[] = { "ksize", "strides", "padding", "data_format", NULL };

/* Starts an op of `type` with the forward op's attributes `names`. */
static GraftOpBuilder *
builder_like (GraftGradContext  *ctx,
              const char        *type,
              const char *const *names)
{
  GraftOutput *op = graft_grad_context_get_op (ctx);
  GraftOpBuilder *b = graft_op_builder_new (graft_grad_context_get_graph (ctx), type, NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GVariant) v = graft_output_get_attr (op, names[i]);

      if (v != NULL)
        graft_op_builder_set_attr_variant (b, names[i], v);
    }
  return b;
}

/* The static shape of `x` as a sizes attribute: 4 dims, -1 allowed only
 * where `may_infer` says the backprop op infers it. */
static gboolean
static_sizes (GraftOutput      *x,
              const char       *what,
              const gboolean    may_infer[4],
              gint64           *sizes,
              GError          **error)
{
  g_autoptr(GraftShape) shape = graft_output_get_shape (x);
  guint rank = 0;
  const gint64 *dims = graft_shape_get_rank (shape) == 4 ? graft_shape_get_dims (shape, &rank) : NULL;
  gboolean ok = dims != NULL;

  for (int i = 0; ok && i < 4; i++)
    {
      sizes[i] = dims[i];
      ok = dims[i] >= 0 || may_infer[i];
    }
  if (!ok)
    {
      g_autofree char *s = graft_shape_to_string (shape);

      /* The engine prefixes the op's name and type. */
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_GRADIENT_FAILED,
                   "the gradient needs the static height and width of the %s, which has shape %s (only its "
                   "batch and depth may be unknown)", what, s);
      return FALSE;
    }
  return TRUE;
}

static const gboolean input_inferable[4] = { TRUE, FALSE, FALSE, TRUE };
static const gboolean filter_inferable[4] = { FALSE, FALSE, TRUE, TRUE };

/* Conv2DBackpropInput (input_sizes, filter, dy). */
static GraftOutput *
backprop_input (GraftGradContext *ctx,
                GraftOutput      *input_like,
                GraftOutput      *filter,
                GraftOutput      *dy,
                GError          **error)
{
  gint64 sizes[4];
  g_autoptr(GraftOpBuilder) b = NULL;

  if (!static_sizes (input_like, "input", input_inferable, sizes, error))
    return NULL;
  b = builder_like (ctx, "Conv2DBackpropInput", conv_attrs);
  graft_op_builder_set_attr_ints (b, "input_sizes", sizes, 4);
  graft_op_builder_add_input (b, filter);
  graft_op_builder_add_input (b, dy);
  return graft_op_builder_finish (b, error);
}

/* Conv2DBackpropFilter (input, filter_sizes, dy). */
static GraftOutput *
backprop_filter (GraftGradContext *ctx,
                 GraftOutput      *input,
                 GraftOutput      *filter_like,
                 GraftOutput      *dy,
                 GError          **error)
{
  gint64 sizes[4];
  g_autoptr(GraftOpBuilder) b = NULL;

  if (!static_sizes (filter_like, "filter", filter_inferable, sizes, error))
    return NULL;
  b = builder_like (ctx, "Conv2DBackpropFilter", conv_attrs);
  graft_op_builder_add_input (b, input);
  graft_op_builder_set_attr_ints (b, "filter_sizes", sizes, 4);
  graft_op_builder_add_input (b, dy);
  return graft_op_builder_finish (b, error);
}

static GraftOutput *
conv2d (GraftGradContext *ctx,
        GraftOutput      *input,
        GraftOutput      *filter,
        GError          **error)
{
  g_autoptr(GraftOpBuilder) b = builder_like (ctx, "Conv2D", conv_attrs);

  graft_op_builder_add_input (b, input);
  graft_op_builder_add_input (b, filter);
  return graft_op_builder_finish (b, error);
}

/* _Conv2DGrad: [Conv2DBackpropInput (shape (input), filter, grad),
 *               Conv2DBackpropFilter (input, shape (filter), grad)] */
static gboolean
conv2d_grad (GraftGradContext *ctx,
             GError          **error)
{
  GraftOutput *input = graft_grad_context_get_input (ctx, 0);
  GraftOutput *filter = graft_grad_context_get_input (ctx, 1);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *dx, *dfilter;

  if ((dx = backprop_input (ctx, input, filter, grad, error)) == NULL ||
      (dfilter = backprop_filter (ctx, input, filter, grad, error)) == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, dx);
  graft_grad_context_set_input_grad (ctx, 1, dfilter);
  return TRUE;
}

/* _Conv2DBackpropInputGrad: the op is linear in filter and out_backprop:
 * [None, Conv2DBackpropFilter (grad, shape (filter), out_backprop),
 *  Conv2D (grad, filter)]. Graft's input_sizes is an attribute, so only
 * the two tensor inputs get gradients (0 and 1 here). */
static gboolean
conv2d_backprop_input_grad (GraftGradContext *ctx,
                            GError          **error)
{
  GraftOutput *filter = graft_grad_context_get_input (ctx, 0);
  GraftOutput *dy = graft_grad_context_get_input (ctx, 1);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *dfilter, *ddy;

  if ((dfilter = backprop_filter (ctx, grad, filter, dy, error)) == NULL || (ddy = conv2d (ctx, grad, filter, error)) == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, dfilter);
  graft_grad_context_set_input_grad (ctx, 1, ddy);
  return TRUE;
}

/* _Conv2DBackpropFilterGrad:
 * [Conv2DBackpropInput (shape (input), grad, out_backprop), None,
 *  Conv2D (input, grad)]; here inputs 0 and 1. */
static gboolean
conv2d_backprop_filter_grad (GraftGradContext *ctx,
                             GError          **error)
{
  GraftOutput *input = graft_grad_context_get_input (ctx, 0);
  GraftOutput *dy = graft_grad_context_get_input (ctx, 1);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *dx, *ddy;

  if ((dx = backprop_input (ctx, input, grad, dy, error)) == NULL || (ddy = conv2d (ctx, input, grad, error)) == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, dx);
  graft_grad_context_set_input_grad (ctx, 1, ddy);
  return TRUE;
}

/* _MaxPoolGrad: MaxPoolGrad (input, output, grad). */
static gboolean
max_pool_grad (GraftGradContext *ctx,
               GError          **error)
{
  g_autoptr(GraftOpBuilder) b = builder_like (ctx, "MaxPoolGrad", pool_attrs);
  GraftOutput *dx;

  graft_op_builder_add_input (b, graft_grad_context_get_input (ctx, 0));
  graft_op_builder_add_input (b, graft_grad_context_get_output (ctx, 0));
  graft_op_builder_add_input (b, graft_grad_context_get_grad (ctx, 0));
  if ((dx = graft_op_builder_finish (b, error)) == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* _AvgPoolGrad: AvgPoolGrad (shape (input), grad). */
static gboolean
avg_pool_grad (GraftGradContext *ctx,
               GError          **error)
{
  gint64 sizes[4];
  g_autoptr(GraftOpBuilder) b = NULL;
  GraftOutput *dx;

  if (!static_sizes (graft_grad_context_get_input (ctx, 0), "input", input_inferable, sizes, error))
    return FALSE;
  b = builder_like (ctx, "AvgPoolGrad", pool_attrs);
  graft_op_builder_set_attr_ints (b, "orig_input_shape", sizes, 4);
  graft_op_builder_add_input (b, graft_grad_context_get_grad (ctx, 0));
  if ((dx = graft_op_builder_finish (b, error)) == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* _AvgPoolGradGrad: the op is linear in grad: [None, AvgPool (grad)]. */
static gboolean
avg_pool_grad_grad (GraftGradContext *ctx,
                    GError          **error)
{
  g_autoptr(GraftOpBuilder) b = builder_like (ctx, "AvgPool", pool_attrs);
  GraftOutput *dgrad;

  graft_op_builder_add_input (b, graft_grad_context_get_grad (ctx, 0));
  if ((dgrad = graft_op_builder_finish (b, error)) == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, dgrad);
  return TRUE;
}

/* MaxPoolGrad's own gradient needs TensorFlow's MaxPoolGradGrad, which
 * Graft does not have: it has no row, so differentiating through it is
 * the registry's "no gradient" error. */
const GraftGradientInfo linalg_conv_gradients[] = {
  { "Conv2D", conv2d_grad },
  { "Conv2DBackpropInput", conv2d_backprop_input_grad },
  { "Conv2DBackpropFilter", conv2d_backprop_filter_grad },
  { "MaxPool", max_pool_grad },
  { "AvgPool", avg_pool_grad },
  { "AvgPoolGrad", avg_pool_grad_grad },
};
const guint linalg_n_conv_gradients = G_N_ELEMENTS (linalg_conv_gradients);
