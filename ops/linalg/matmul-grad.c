/* matmul-grad.c: MatMul's gradient, TensorFlow 1.15's _MatMulGrad: two
 * MatMuls whose operand order and transposes depend on the forward op's,
 * so that no Transpose op is needed (gradients/MatMul_grad/MatMul and
 * MatMul_1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "linalg-kernels.h"
#include "../grad-helpers.h"

static gboolean
attr_bool (GraftOutput *op,
           const char  *name)
{
  g_autoptr(GVariant) v = graft_output_get_attr (op, name);

  return v != NULL && g_variant_get_boolean (v);
}

static GraftOutput *
matmul (GraftGraph  *graph,
        GraftOutput *a,
        GraftOutput *b,
        gboolean     ta,
        gboolean     tb)
{
  GraftMatMulAttrs attrs = GRAFT_MATMUL_ATTRS_INIT;

  attrs.transpose_a = ta;
  attrs.transpose_b = tb;
  return graft_matmul_full (graph, a, b, NULL, &attrs);
}

static gboolean
matmul_grad (GraftGradContext *ctx,
             GError          **error)
{
  GraftGraph *graph = graft_grad_context_get_graph (ctx);
  GraftOutput *op = graft_grad_context_get_op (ctx);
  GraftOutput *a = graft_grad_context_get_input (ctx, 0), *b = graft_grad_context_get_input (ctx, 1);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  gboolean ta = attr_bool (op, "transpose_a"), tb = attr_bool (op, "transpose_b");
  GraftOutput *ga, *gb;

  if (!ta && !tb)
    {
      ga = matmul (graph, grad, b, FALSE, TRUE);
      gb = matmul (graph, a, grad, TRUE, FALSE);
    }
  else if (!ta && tb)
    {
      ga = matmul (graph, grad, b, FALSE, FALSE);
      gb = matmul (graph, grad, a, TRUE, FALSE);
    }
  else if (ta && !tb)
    {
      ga = matmul (graph, b, grad, FALSE, TRUE);
      gb = matmul (graph, a, grad, FALSE, FALSE);
    }
  else
    {
      ga = matmul (graph, b, grad, TRUE, TRUE);
      gb = matmul (graph, grad, a, TRUE, TRUE);
    }
  if (ga == NULL || gb == NULL)
    return op_grad_failed (graph, error);
  graft_grad_context_set_input_grad (ctx, 0, ga);
  graft_grad_context_set_input_grad (ctx, 1, gb);
  return TRUE;
}

const GraftGradientInfo linalg_gradients[] = {
  { "MatMul", matmul_grad },
};

const guint linalg_n_gradients = G_N_ELEMENTS (linalg_gradients);
