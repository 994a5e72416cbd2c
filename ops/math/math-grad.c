/* math-grad.c: the gradients of the math ops, with TensorFlow 1.15's
 * formulas and op choices (python/ops/math_grad.py), built from Graft's
 * own ops. Ops TensorFlow builds with gen_math_ops (capitalised names,
 * `Mul`) are named so here; its Python operators (`grad * y`) keep
 * Graft's default names (`mul`), as in TensorFlow's graphs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "math-kernels.h"
#include "../grad-helpers.h"

#define CTX_GRAPH(ctx) graft_grad_context_get_graph (ctx)

/* Hands the two inputs of a broadcasting binary op their gradients, each
 * summed back to its input's shape. */
static gboolean
set_binary_grads (GraftGradContext *ctx,
                  GraftOutput      *gx,
                  GraftOutput      *gy,
                  GError          **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *out = graft_grad_context_get_output (ctx, 0);
  GraftOutput *rx, *ry;

  rx = op_grad_reduce_to (graph, gx, out, graft_grad_context_get_input (ctx, 0), error);
  if (rx == NULL)
    return FALSE;
  ry = op_grad_reduce_to (graph, gy, out, graft_grad_context_get_input (ctx, 1), error);
  if (ry == NULL)
    return FALSE;
  graft_grad_context_set_input_grad (ctx, 0, rx);
  graft_grad_context_set_input_grad (ctx, 1, ry);
  return TRUE;
}

static gboolean
set_unary_grad (GraftGradContext *ctx,
                GraftOutput      *gx,
                GError          **error)
{
  if (gx == NULL)
    return op_grad_failed (CTX_GRAPH (ctx), error);
  graft_grad_context_set_input_grad (ctx, 0, gx);
  return TRUE;
}

static gboolean
add_grad (GraftGradContext *ctx, GError **error)
{
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);

  return set_binary_grads (ctx, grad, grad, error);
}

/* TensorFlow negates the summed gradient of y. */
static gboolean
sub_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *out = graft_grad_context_get_output (ctx, 0);
  GraftOutput *gx, *gy;

  gx = op_grad_reduce_to (graph, grad, out, graft_grad_context_get_input (ctx, 0), error);
  if (gx == NULL)
    return FALSE;
  gy = op_grad_reduce_to (graph, grad, out, graft_grad_context_get_input (ctx, 1), error);
  if (gy == NULL)
    return FALSE;
  gy = graft_neg (graph, gy);
  if (gy == NULL)
    return op_grad_failed (graph, error);
  graft_grad_context_set_input_grad (ctx, 0, gx);
  graft_grad_context_set_input_grad (ctx, 1, gy);
  return TRUE;
}

static gboolean
mul_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *x = graft_grad_context_get_input (ctx, 0), *y = graft_grad_context_get_input (ctx, 1);

  return set_binary_grads (ctx, graft_mul_full (graph, grad, y, "Mul"), graft_mul_full (graph, x, grad, "Mul"),
                           error);
}

/* TensorFlow's _RealDivGrad: grad / y and grad * (-x / y / y). */
static gboolean
div_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *x = graft_grad_context_get_input (ctx, 0), *y = graft_grad_context_get_input (ctx, 1);
  GraftOutput *gx = graft_div_full (graph, grad, y, "RealDiv");
  GraftOutput *gy = graft_mul (graph, grad, graft_div_full (graph, graft_div_full (graph, graft_neg (graph, x), y,
                                                                                  "RealDiv"), y, "RealDiv"));

  return set_binary_grads (ctx, gx, gy, error);
}

static gboolean
neg_grad (GraftGradContext *ctx, GError **error)
{
  return set_unary_grad (ctx, graft_neg (CTX_GRAPH (ctx), graft_grad_context_get_grad (ctx, 0)), error);
}

/* grad * (x * 2) */
static gboolean
square_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *x = graft_grad_context_get_input (ctx, 0);
  GraftOutput *two = op_grad_scalar (graph, graft_output_get_dtype (x), 2);

  return set_unary_grad (ctx, graft_mul_full (graph, graft_grad_context_get_grad (ctx, 0),
                                              graft_mul_full (graph, x, two, "Mul"), "Mul"), error);
}

/* TensorFlow's SqrtGrad op computes grad * 0.5 / y; Graft builds the same
 * from Mul and Div. */
static gboolean
sqrt_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *y = graft_grad_context_get_output (ctx, 0);
  GraftOutput *half = op_grad_scalar (graph, graft_output_get_dtype (y), 0.5);

  return set_unary_grad (ctx, graft_div (graph, graft_mul (graph, graft_grad_context_get_grad (ctx, 0), half), y),
                         error);
}

/* TensorFlow's RsqrtGrad op computes grad * -0.5 * y³. */
static gboolean
rsqrt_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *y = graft_grad_context_get_output (ctx, 0);
  GraftOutput *factor = op_grad_scalar (graph, graft_output_get_dtype (y), -0.5);
  GraftOutput *y3 = graft_mul (graph, y, graft_square (graph, y));

  return set_unary_grad (ctx, graft_mul (graph, graft_mul (graph, graft_grad_context_get_grad (ctx, 0), factor), y3),
                         error);
}

static gboolean
exp_grad (GraftGradContext *ctx, GError **error)
{
  return set_unary_grad (ctx, graft_mul (CTX_GRAPH (ctx), graft_grad_context_get_grad (ctx, 0),
                                         graft_grad_context_get_output (ctx, 0)), error);
}

/* grad * reciprocal(x); Graft has no Reciprocal, so grad / x. */
static gboolean
log_grad (GraftGradContext *ctx, GError **error)
{
  return set_unary_grad (ctx, graft_div (CTX_GRAPH (ctx), graft_grad_context_get_grad (ctx, 0),
                                         graft_grad_context_get_input (ctx, 0)), error);
}

static gboolean
abs_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);

  return set_unary_grad (ctx, graft_mul (graph, graft_grad_context_get_grad (ctx, 0),
                                         graft_sign (graph, graft_grad_context_get_input (ctx, 0))), error);
}

/* Sign is flat where it is differentiable: zeros, of x's shape. */
static gboolean
sign_grad (GraftGradContext *ctx, GError **error)
{
  return set_unary_grad (ctx, graft_zeros_like (CTX_GRAPH (ctx), graft_grad_context_get_input (ctx, 0)), error);
}

static gboolean
is_float_dtype (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16 || dtype == GRAFT_DTYPE_FLOAT32 ||
         dtype == GRAFT_DTYPE_FLOAT64 || dtype == GRAFT_DTYPE_COMPLEX64 || dtype == GRAFT_DTYPE_COMPLEX128;
}

/* Only a cast between floating dtypes passes a gradient, cast back. */
static gboolean
cast_grad (GraftGradContext *ctx, GError **error)
{
  GraftOutput *x = graft_grad_context_get_input (ctx, 0);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);

  if (!is_float_dtype (graft_output_get_dtype (x)) || !is_float_dtype (graft_output_get_dtype (grad)))
    return TRUE;
  return set_unary_grad (ctx, graft_cast (CTX_GRAPH (ctx), grad, graft_output_get_dtype (x)), error);
}

/* Every input gets the gradient of the sum. */
static gboolean
add_n_grad (GraftGradContext *ctx, GError **error)
{
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);

  for (guint i = 0; i < graft_grad_context_get_num_inputs (ctx); i++)
    graft_grad_context_set_input_grad (ctx, i, grad);
  return TRUE;
}

/* TensorFlow's _MaximumMinimumGrad: the gradient goes to x where
 * x >= y (Maximum) or x <= y (Minimum), ties included, else to y. */
static gboolean
max_min_grad (GraftGradContext *ctx, gboolean max, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *x = graft_grad_context_get_input (ctx, 0), *y = graft_grad_context_get_input (ctx, 1);
  GraftOutput *zeros = graft_zeros_like (graph, grad);
  GraftOutput *xmask = max ? graft_greater_equal (graph, x, y) : graft_less_equal (graph, x, y);

  return set_binary_grads (ctx, graft_select (graph, xmask, grad, zeros), graft_select (graph, xmask, zeros, grad),
                           error);
}

static gboolean
maximum_grad (GraftGradContext *ctx, GError **error)
{
  return max_min_grad (ctx, TRUE, error);
}

static gboolean
minimum_grad (GraftGradContext *ctx, GError **error)
{
  return max_min_grad (ctx, FALSE, error);
}

/* TensorFlow's _PowGrad: grad * y * x^(y-1) for x, and grad * z * log(x)
 * for y, where log(x) is taken only for x > 0 (0 elsewhere), so that x = 0
 * gives no false singularity. */
static gboolean
pow_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *x = graft_grad_context_get_input (ctx, 0), *y = graft_grad_context_get_input (ctx, 1);
  GraftOutput *z = graft_grad_context_get_output (ctx, 0);
  GraftDType dtype = graft_output_get_dtype (x);
  GraftOutput *gx, *gy, *mask, *safe_x, *log_x;

  gx = graft_mul (graph, graft_mul (graph, grad, y),
                  graft_pow (graph, x, graft_sub (graph, y, op_grad_scalar (graph, dtype, 1))));
  mask = graft_greater (graph, x, graft_zeros_like (graph, x));
  safe_x = graft_select (graph, mask, x, graft_ones_like (graph, x));
  log_x = graft_select (graph, mask, graft_log (graph, safe_x), graft_zeros_like (graph, x));
  gy = graft_mul (graph, graft_mul (graph, grad, z), log_x);
  return set_binary_grads (ctx, gx, gy, error);
}

/* The gradient goes to t where the condition holds and to e elsewhere;
 * the condition gets none. */
static gboolean
select_grad (GraftGradContext *ctx, GError **error)
{
  GraftGraph *graph = CTX_GRAPH (ctx);
  GraftOutput *grad = graft_grad_context_get_grad (ctx, 0);
  GraftOutput *c = graft_grad_context_get_input (ctx, 0);
  GraftOutput *zeros = graft_zeros_like (graph, graft_grad_context_get_input (ctx, 1));
  GraftOutput *gt = graft_select (graph, c, grad, zeros);
  GraftOutput *ge = graft_select (graph, c, zeros, grad);

  if (gt == NULL || ge == NULL)
    return op_grad_failed (graph, error);
  graft_grad_context_set_input_grad (ctx, 1, gt);
  graft_grad_context_set_input_grad (ctx, 2, ge);
  return TRUE;
}

const GraftGradientInfo math_gradients[] = {
  { "Add", add_grad },
  { "Sub", sub_grad },
  { "Mul", mul_grad },
  { "Div", div_grad },
  { "Neg", neg_grad },
  { "Square", square_grad },
  { "Sqrt", sqrt_grad },
  { "Rsqrt", rsqrt_grad },
  { "Exp", exp_grad },
  { "Log", log_grad },
  { "Abs", abs_grad },
  { "Sign", sign_grad },
  { "Cast", cast_grad },
  { "AddN", add_n_grad },
  { "Maximum", maximum_grad },
  { "Minimum", minimum_grad },
  { "Pow", pow_grad },
  { "Select", select_grad },
  GRAFT_NOT_DIFFERENTIABLE ("Greater"),
  GRAFT_NOT_DIFFERENTIABLE ("GreaterEqual"),
  GRAFT_NOT_DIFFERENTIABLE ("Less"),
  GRAFT_NOT_DIFFERENTIABLE ("LessEqual"),
  GRAFT_NOT_DIFFERENTIABLE ("Equal"),
  GRAFT_NOT_DIFFERENTIABLE ("NotEqual"),
  GRAFT_NOT_DIFFERENTIABLE ("BroadcastGradientArgs"),
};

const guint math_n_gradients = G_N_ELEMENTS (math_gradients);
