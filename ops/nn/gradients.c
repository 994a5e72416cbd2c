/* gradients.c: the gradient functions of the nn family, TensorFlow 1.15's
 * (nn_grad.py, math_grad.py) formulas and op choices, built with the
 * typed constructors in the scope the engine entered
 * (`gradients/<op>_grad`).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <graft.h>

#include "nn-kernels.h"

/* A constructor returned NULL: its error waits in the graph. */
static gboolean
failed (GraftGraph *graph,
        GError    **error)
{
  GError *e = graft_graph_take_error (graph);

  if (e == NULL)
    e = g_error_new_literal (GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                             "building a gradient op failed without an error");
  g_propagate_error (error, e);
  return FALSE;
}

#define TRY(graph, expr, error)                  \
  G_STMT_START {                                 \
    if ((expr) == NULL)                          \
      return failed ((graph), (error));          \
  } G_STMT_END

/* TensorFlow hands the forward op's output through conj(), a no-op for
 * the real types Graft computes with. */

/* Relu: ReluGrad (grad, activations); the output stands in for the
 * features, as TensorFlow does (they are positive at the same places). */
static gboolean
relu_grad (GraftGradContext *ctx,
           GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *dx;

  TRY (g, dx = graft_relu_grad (g, graft_grad_context_get_grad (ctx, 0), graft_grad_context_get_output (ctx, 0)),
       error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

static gboolean
sigmoid_grad (GraftGradContext *ctx,
              GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *dx;

  TRY (g, dx = graft_sigmoid_grad (g, graft_grad_context_get_output (ctx, 0), graft_grad_context_get_grad (ctx, 0)),
       error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

static gboolean
tanh_grad (GraftGradContext *ctx,
           GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *dx;

  TRY (g, dx = graft_tanh_grad (g, graft_grad_context_get_output (ctx, 0), graft_grad_context_get_grad (ctx, 0)),
       error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* Σ x over the last axis, kept as an axis of size 1 to broadcast back. */
static GraftOutput *
sum_last_axis (GraftGraph  *g,
               GraftOutput *x)
{
  static const gint64 last[] = { -1 };
  GraftReduceSumAttrs attrs = { last, 1, TRUE };

  return graft_reduce_sum_full (g, x, NULL, &attrs);
}

/* Softmax: (grad - Σ grad·softmax) · softmax, over the last axis. */
static gboolean
softmax_grad (GraftGradContext *ctx,
              GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *softmax = graft_grad_context_get_output (ctx, 0), *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *prod, *sum, *diff, *dx;

  TRY (g, prod = graft_mul (g, grad, softmax), error);
  TRY (g, sum = sum_last_axis (g, prod), error);
  TRY (g, diff = graft_sub (g, grad, sum), error);
  TRY (g, dx = graft_mul (g, diff, softmax), error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* LogSoftmax: grad - Σ grad · exp(logsoftmax), over the last axis. */
static gboolean
log_softmax_grad (GraftGradContext *ctx,
                  GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *softmax, *sum, *prod, *dx;

  TRY (g, softmax = graft_exp (g, graft_grad_context_get_output (ctx, 0)), error);
  TRY (g, sum = sum_last_axis (g, grad), error);
  TRY (g, prod = graft_mul (g, sum, softmax), error);
  TRY (g, dx = graft_sub (g, grad, prod), error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* TensorFlow's _BroadcastMul: a vector (one value per row) times a
 * matrix, the vector made a column (Reshape to (-1, 1) where TensorFlow
 * uses ExpandDims, which Graft's array family may not have). */
static GraftOutput *
broadcast_mul (GraftGraph  *g,
               GraftOutput *vec,
               GraftOutput *mat)
{
  static const gint64 column[] = { -1, 1 };
  GraftOutput *col = graft_reshape (g, vec, column, G_N_ELEMENTS (column));

  return col ? graft_mul (g, col, mat) : NULL;
}

/* The engine fills the gradient of an output nothing consumed with zeros
 * (TensorFlow marks those `_is_zeros_tensor` and skips the terms they
 * would add). */
static gboolean
is_zeros (GraftOutput *grad)
{
  return g_strcmp0 (graft_output_get_op_type (grad), "ZerosLike") == 0;
}

/* A gradient of the broadcast (rows, cols) shape, summed back to the
 * static shape of an input that was broadcast along a dimension of size
 * 1. Where the input's dimension is unknown it is taken as not broadcast,
 * which is what every graph whose shapes are known at run time alone
 * means in practice (TensorFlow 1.15 does not broadcast here at all). */
static GraftOutput *
unbroadcast (GraftGraph  *g,
             GraftOutput *grad,
             GraftOutput *input)
{
  g_autoptr(GraftShape) in = graft_output_get_shape (input);
  g_autoptr(GraftShape) out = graft_output_get_shape (grad);
  gint64 axes[2];
  gsize n = 0;

  if (graft_shape_get_rank (in) == 2 && graft_shape_get_rank (out) == 2)
    for (guint i = 0; i < 2; i++)
      if (graft_shape_get_dim (in, i) == 1 && graft_shape_get_dim (out, i) != 1)
        axes[n++] = i;
  if (n == 0)
    return grad;

  GraftReduceSumAttrs attrs = { axes, n, TRUE };
  return graft_reduce_sum_full (g, grad, NULL, &attrs);
}

/* SoftmaxCrossEntropyWithLogits: features get grad_loss · backprop, plus,
 * when a gradient flows into backprop too, its own softmax gradient;
 * labels get grad_loss · -log_softmax(features). */
static gboolean
xent_grad (GraftGradContext *ctx,
           GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *features = graft_grad_context_get_input (ctx, 0);
  GraftOutput *grad_loss = graft_grad_context_get_grad (ctx, 0), *grad_grad = graft_grad_context_get_grad (ctx, 1);
  GraftOutput *grad, *log_softmax, *neg, *dlabels;

  TRY (g, grad = broadcast_mul (g, grad_loss, graft_grad_context_get_output (ctx, 1)), error);
  if (grad_grad != NULL && !is_zeros (grad_grad))
    {
      GraftOutput *softmax, *prod, *sum, *diff, *term;

      TRY (g, softmax = graft_softmax (g, features), error);
      TRY (g, prod = graft_mul (g, grad_grad, softmax), error);
      TRY (g, sum = sum_last_axis (g, prod), error);
      TRY (g, diff = graft_sub (g, grad_grad, sum), error);
      TRY (g, term = graft_mul (g, diff, softmax), error);
      TRY (g, grad = graft_add (g, grad, term), error);
    }
  TRY (g, log_softmax = graft_log_softmax (g, features), error);
  TRY (g, neg = graft_neg (g, log_softmax), error);
  TRY (g, dlabels = broadcast_mul (g, grad_loss, neg), error);
  TRY (g, grad = unbroadcast (g, grad, features), error);
  TRY (g, dlabels = unbroadcast (g, dlabels, graft_grad_context_get_input (ctx, 1)), error);
  graft_grad_context_set_input_grad (ctx, 0, grad);
  graft_grad_context_set_input_grad (ctx, 1, dlabels);
  return TRUE;
}

/* SparseSoftmaxCrossEntropyWithLogits: features only (labels are
 * indices). TensorFlow wraps backprop in PreventGradient, so that
 * differentiating through this gradient fails; Graft has no such op, and
 * a gradient flowing into backprop is ignored (see the report). */
static gboolean
sparse_xent_grad (GraftGradContext *ctx,
                  GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *dx;

  TRY (g, dx = broadcast_mul (g, graft_grad_context_get_grad (ctx, 0), graft_grad_context_get_output (ctx, 1)), error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* BiasAdd: the gradient itself for the value, BiasAddGrad in the same
 * data format for the bias. */
static gboolean
bias_add_grad (GraftGradContext *ctx,
               GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0), *db;
  g_autoptr(GVariant) format = graft_output_get_attr (graft_grad_context_get_op (ctx), "data_format");
  GraftBiasAddGradAttrs attrs = GRAFT_BIAS_ADD_GRAD_ATTRS_INIT;

  if (format != NULL && g_variant_is_of_type (format, G_VARIANT_TYPE_STRING))
    attrs.data_format = g_variant_get_string (format, NULL);
  TRY (g, db = graft_bias_add_grad_full (g, grad, NULL, &attrs), error);
  graft_grad_context_set_input_grad (ctx, 0, grad);
  graft_grad_context_set_input_grad (ctx, 1, db);
  return TRUE;
}

/* L2Loss: t · grad. */
static gboolean
l2_loss_grad (GraftGradContext *ctx,
              GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *dx;

  TRY (g, dx = graft_mul (g, graft_grad_context_get_input (ctx, 0), graft_grad_context_get_grad (ctx, 0)), error);
  graft_grad_context_set_input_grad (ctx, 0, dx);
  return TRUE;
}

/* The second-order gradients. */

/* ReluGrad (gradients, features): ReluGrad (grad, features) for the
 * gradients, zeros for the features. */
static gboolean
relu_grad_grad (GraftGradContext *ctx,
                GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *x = graft_grad_context_get_input (ctx, 1), *dg, *dx;

  TRY (g, dg = graft_relu_grad (g, graft_grad_context_get_grad (ctx, 0), x), error);
  TRY (g, dx = graft_zeros_like (g, x), error);
  graft_grad_context_set_input_grad (ctx, 0, dg);
  graft_grad_context_set_input_grad (ctx, 1, dx);
  return TRUE;
}

static GraftOutput *
scalar (GraftGraph  *g,
        GraftOutput *like,
        double       v)
{
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (graft_output_get_dtype (like), v);

  return graft_constant (g, t);
}

/* SigmoidGrad (a = y, b = dy): gb - 2·gb·a for y with gb = grad·b, and
 * SigmoidGrad (a, grad) for dy. */
static gboolean
sigmoid_grad_grad (GraftGradContext *ctx,
                   GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *a = graft_grad_context_get_input (ctx, 0), *b = graft_grad_context_get_input (ctx, 1);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *gb, *two, *two_gb, *two_gb_a, *da, *db;

  TRY (g, gb = graft_mul (g, grad, b), error);
  TRY (g, two = scalar (g, grad, 2.0), error);
  TRY (g, two_gb = graft_mul (g, two, gb), error);
  TRY (g, two_gb_a = graft_mul (g, two_gb, a), error);
  TRY (g, da = graft_sub (g, gb, two_gb_a), error);
  TRY (g, db = graft_sigmoid_grad (g, a, grad), error);
  graft_grad_context_set_input_grad (ctx, 0, da);
  graft_grad_context_set_input_grad (ctx, 1, db);
  return TRUE;
}

/* TanhGrad (a = y, b = dy): grad·-2·b·a for y, TanhGrad (a, grad) for dy. */
static gboolean
tanh_grad_grad (GraftGradContext *ctx,
                GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *a = graft_grad_context_get_input (ctx, 0), *b = graft_grad_context_get_input (ctx, 1);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *minus_two, *m2, *m2b, *da, *db;

  TRY (g, minus_two = scalar (g, grad, -2.0), error);
  TRY (g, m2 = graft_mul (g, grad, minus_two), error);
  TRY (g, m2b = graft_mul (g, m2, b), error);
  TRY (g, da = graft_mul (g, m2b, a), error);
  TRY (g, db = graft_tanh_grad (g, a, grad), error);
  graft_grad_context_set_input_grad (ctx, 0, da);
  graft_grad_context_set_input_grad (ctx, 1, db);
  return TRUE;
}

static const GraftGradientInfo nn_gradients[] = {
  { "Relu", relu_grad },
  { "Sigmoid", sigmoid_grad },
  { "Tanh", tanh_grad },
  { "Softmax", softmax_grad },
  { "LogSoftmax", log_softmax_grad },
  { "SoftmaxCrossEntropyWithLogits", xent_grad },
  { "SparseSoftmaxCrossEntropyWithLogits", sparse_xent_grad },
  { "BiasAdd", bias_add_grad },
  { "L2Loss", l2_loss_grad },
  { "ReluGrad", relu_grad_grad },
  { "SigmoidGrad", sigmoid_grad_grad },
  { "TanhGrad", tanh_grad_grad },
};

gboolean
nn_add_gradients (GraftPlugin *plugin,
                  GError     **error)
{
  return graft_plugin_add_gradients (plugin, nn_gradients, G_N_ELEMENTS (nn_gradients), error);
}
