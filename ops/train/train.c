/* train.c: the train op family: TensorFlow 1.15's fused update ops
 * (training_ops.cc), which update a variable and its slots in place.
 *
 * Every variable and slot is a `ref` input: the session binds it to the
 * variable's own value (copied first if anyone else still holds it) and
 * runs the kernel under its variables' lock; output 0 is the updated
 * variable. The formulas are TensorFlow's functors, term for term, so
 * results match its rounding as closely as plain C allows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include <graft-plugin.h>

#define FLOATS "T in {float32, float64}"

/* Graft's limit on ranks (graft-core-private.h), which plugins do not see. */
#define MAX_RANK 32

/* ---- shapes ---- */

static void
append_dims (GString      *s,
             gint          rank,
             const gint64 *dims)
{
  if (rank < 0)
    {
      g_string_append (s, "?");
      return;
    }
  g_string_append_c (s, '[');
  for (gint d = 0; d < rank; d++)
    {
      if (d > 0)
        g_string_append_c (s, ',');
      if (dims[d] < 0)
        g_string_append_c (s, '?');
      else
        g_string_append_printf (s, "%" G_GINT64_FORMAT, dims[d]);
    }
  g_string_append_c (s, ']');
}

static char *
input_shapes (GraftShapeContext *ctx)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < graft_shape_context_get_num_inputs (ctx); i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      append_dims (s, graft_shape_context_get_input_rank (ctx, i), graft_shape_context_get_input_dims (ctx, i));
    }
  return g_string_free (s, FALSE);
}

/* `roles` has one letter per input: 'v' shaped like the variable (merged
 * with it, TensorFlow's InferenceContext::Merge), 's' a scalar
 * (WithRank 0). The texts are TensorFlow's, with the op's input shapes. */
static gboolean
apply_shape (GraftShapeContext  *ctx,
             const char         *op,
             const char         *roles,
             const char *const  *names,
             GError            **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  gint64 dims[MAX_RANK];
  g_autofree char *shapes = NULL;

  if (rank > MAX_RANK)
    rank = -1;
  if (rank > 0)
    memcpy (dims, graft_shape_context_get_input_dims (ctx, 0), sizeof (gint64) * rank);
  for (guint i = 1; roles[i] != '\0'; i++)
    {
      gint r = graft_shape_context_get_input_rank (ctx, i);
      const gint64 *d = graft_shape_context_get_input_dims (ctx, i);

      if (roles[i] == 's')
        {
          if (r > 0)
            {
              shapes = input_shapes (ctx);
              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                           "Shape must be rank 0 but is rank %d for '%s' (op: '%s') with input shapes: %s. "
                           "(input '%s' must be a scalar)",
                           r, graft_shape_context_get_op_name (ctx), op, shapes, names[i]);
              return FALSE;
            }
          continue;
        }
      if (r < 0 || r > MAX_RANK)
        continue;
      if (rank < 0)
        {
          rank = r;
          memcpy (dims, d, sizeof (gint64) * r);
          continue;
        }
      if (r != rank)
        {
          shapes = input_shapes (ctx);
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Shapes must be equal rank, but are %d and %d for '%s' (op: '%s') with input shapes: %s. "
                       "(input '%s' must have the shape of 'var')",
                       rank, r, graft_shape_context_get_op_name (ctx), op, shapes, names[i]);
          return FALSE;
        }
      for (gint k = 0; k < rank; k++)
        {
          if (dims[k] >= 0 && d[k] >= 0 && dims[k] != d[k])
            {
              GString *a = g_string_new (NULL), *b = g_string_new (NULL);

              append_dims (a, rank, dims);
              append_dims (b, r, d);
              shapes = input_shapes (ctx);
              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                           "Dimension %d in both shapes must be equal, but are %" G_GINT64_FORMAT " and %"
                           G_GINT64_FORMAT ". Shapes are %s and %s. for '%s' (op: '%s') with input shapes: %s. "
                           "(input '%s' must have the shape of 'var')",
                           k, dims[k], d[k], a->str, b->str, graft_shape_context_get_op_name (ctx), op, shapes,
                           names[i]);
              g_string_free (a, TRUE);
              g_string_free (b, TRUE);
              return FALSE;
            }
          if (dims[k] < 0)
            dims[k] = d[k];
        }
    }
  graft_shape_context_set_output (ctx, 0, rank, dims);
  return TRUE;
}

#define SHAPE_FN(fn, op, roles, ...)                                          \
  static gboolean                                                             \
  fn (GraftShapeContext *ctx,                                                 \
      GError           **error)                                               \
  {                                                                           \
    static const char *const names[] = { __VA_ARGS__ };                       \
    return apply_shape (ctx, op, roles, names, error);                        \
  }

SHAPE_FN (shape_gd, "ApplyGradientDescent", "vsv", "var", "alpha", "delta")
SHAPE_FN (shape_momentum, "ApplyMomentum", "vvsvs", "var", "accum", "lr", "grad", "momentum")
SHAPE_FN (shape_adam, "ApplyAdam", "vvvssssssv", "var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1",
          "beta2", "epsilon", "grad")
SHAPE_FN (shape_rmsprop, "ApplyRMSProp", "vvvssssv", "var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
SHAPE_FN (shape_centered_rmsprop, "ApplyCenteredRMSProp", "vvvvssssv", "var", "mg", "ms", "mom", "lr", "rho",
          "momentum", "epsilon", "grad")
SHAPE_FN (shape_adagrad, "ApplyAdagrad", "vvsv", "var", "accum", "lr", "grad")

/* ---- kernels ----
 *
 * A ref input is the variable's own private value: writing its data is the
 * update. Scalars are read in the tensor's type, as TensorFlow's
 * `scalar<T>()`. */

#define DATA(t) ((gpointer) graft_tensor_get_data ((t), NULL))
#define N(t) graft_tensor_get_num_elements (t)

#define DISPATCH(k, op, t, ...)                                                          \
  G_STMT_START {                                                                          \
    switch (graft_tensor_get_dtype (t))                                                   \
      {                                                                                   \
      case GRAFT_DTYPE_FLOAT32: { typedef float T; __VA_ARGS__; } break;                         \
      case GRAFT_DTYPE_FLOAT64: { typedef double T; __VA_ARGS__; } break;                        \
      default:                                                                            \
        graft_kernel_set_error ((k), "%s does not support %s", (op),                      \
                                graft_dtype_get_name (graft_tensor_get_dtype (t)));       \
      }                                                                                   \
  } G_STMT_END

#define S(t) (((const T *) graft_tensor_get_data ((t), NULL))[0])

static void
apply_gradient_descent (GraftKernel *k, const GraftTensor *var, const GraftTensor *alpha, const GraftTensor *delta,
                        gboolean use_locking, GraftTensor *out)
{
  DISPATCH (k, "ApplyGradientDescent", var, {
    T *w = DATA (var);
    const T *g = DATA (delta);
    T lr = S (alpha);
    for (gsize i = 0, n = N (var); i < n; i++)
      w[i] -= lr * g[i];
  });
}

static void
apply_momentum (GraftKernel *k, const GraftTensor *var, const GraftTensor *accum, const GraftTensor *lr,
                const GraftTensor *grad, const GraftTensor *momentum, gboolean use_locking,
                gboolean use_nesterov, GraftTensor *out)
{
  DISPATCH (k, "ApplyMomentum", var, {
    T *w = DATA (var), *a = DATA (accum);
    const T *g = DATA (grad);
    T l = S (lr), mu = S (momentum);
    for (gsize i = 0, n = N (var); i < n; i++)
      {
        a[i] = a[i] * mu + g[i];
        if (use_nesterov)
          w[i] -= g[i] * l + a[i] * mu * l;
        else
          w[i] -= a[i] * l;
      }
  });
}

#define SQRT(x) (sizeof (T) == sizeof (float) ? (T) sqrtf ((float) (x)) : (T) sqrt ((double) (x)))

static void
apply_adam (GraftKernel *k, const GraftTensor *var, const GraftTensor *m, const GraftTensor *v,
            const GraftTensor *beta1_power, const GraftTensor *beta2_power, const GraftTensor *lr,
            const GraftTensor *beta1, const GraftTensor *beta2, const GraftTensor *epsilon,
            const GraftTensor *grad, gboolean use_locking, gboolean use_nesterov, GraftTensor *out)
{
  DISPATCH (k, "ApplyAdam", var, {
    T *w = DATA (var), *mm = DATA (m), *vv = DATA (v);
    const T *g = DATA (grad);
    T b1 = S (beta1), b2 = S (beta2), eps = S (epsilon);
    T alpha = S (lr) * SQRT ((T) 1 - S (beta2_power)) / ((T) 1 - S (beta1_power));
    for (gsize i = 0, n = N (var); i < n; i++)
      {
        mm[i] += (g[i] - mm[i]) * ((T) 1 - b1);
        vv[i] += (g[i] * g[i] - vv[i]) * ((T) 1 - b2);
        if (use_nesterov)
          w[i] -= ((g[i] * ((T) 1 - b1) + b1 * mm[i]) * alpha) / (SQRT (vv[i]) + eps);
        else
          w[i] -= (mm[i] * alpha) / (SQRT (vv[i]) + eps);
      }
  });
}

static void
apply_rmsprop (GraftKernel *k, const GraftTensor *var, const GraftTensor *ms, const GraftTensor *mom,
               const GraftTensor *lr, const GraftTensor *rho, const GraftTensor *momentum,
               const GraftTensor *epsilon, const GraftTensor *grad, gboolean use_locking, GraftTensor *out)
{
  DISPATCH (k, "ApplyRMSProp", var, {
    T *w = DATA (var), *s = DATA (ms), *mo = DATA (mom);
    const T *g = DATA (grad);
    T l = S (lr), r = S (rho), mu = S (momentum), eps = S (epsilon);
    for (gsize i = 0, n = N (var); i < n; i++)
      {
        s[i] += (g[i] * g[i] - s[i]) * ((T) 1 - r);
        mo[i] = mo[i] * mu + ((T) 1 / SQRT (s[i] + eps)) * l * g[i];
        w[i] -= mo[i];
      }
  });
}

static void
apply_centered_rmsprop (GraftKernel *k, const GraftTensor *var, const GraftTensor *mg, const GraftTensor *ms,
                        const GraftTensor *mom, const GraftTensor *lr, const GraftTensor *rho,
                        const GraftTensor *momentum, const GraftTensor *epsilon, const GraftTensor *grad,
                        gboolean use_locking, GraftTensor *out)
{
  DISPATCH (k, "ApplyCenteredRMSProp", var, {
    T *w = DATA (var), *mgv = DATA (mg), *s = DATA (ms), *mo = DATA (mom);
    const T *g = DATA (grad);
    T l = S (lr), r = S (rho), mu = S (momentum), eps = S (epsilon);
    for (gsize i = 0, n = N (var); i < n; i++)
      {
        T denom;

        s[i] += (g[i] * g[i] - s[i]) * ((T) 1 - r);
        mgv[i] += (g[i] - mgv[i]) * ((T) 1 - r);
        denom = s[i] - mgv[i] * mgv[i] + eps;
        mo[i] = mo[i] * mu + l * g[i] * ((T) 1 / SQRT (denom));
        w[i] -= mo[i];
      }
  });
}

static void
apply_adagrad (GraftKernel *k, const GraftTensor *var, const GraftTensor *accum, const GraftTensor *lr,
               const GraftTensor *grad, gboolean use_locking, gboolean update_slots, GraftTensor *out)
{
  DISPATCH (k, "ApplyAdagrad", var, {
    T *w = DATA (var), *a = DATA (accum);
    const T *g = DATA (grad);
    T l = S (lr);
    for (gsize i = 0, n = N (var); i < n; i++)
      {
        if (update_slots)
          a[i] += g[i] * g[i];
        w[i] -= g[i] * l * ((T) 1 / SQRT (a[i]));
      }
  });
}

static const GraftOpInfo train_ops[] = {
  { "ApplyGradientDescent",
    "(var: ref T, alpha: T, delta: T, use_locking: bool = false) -> (out: T), " FLOATS,
    "var -= alpha * delta, in place", "ApplyGradientDescent", shape_gd,
    G_CALLBACK (apply_gradient_descent), 6, GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "ApplyMomentum",
    "(var: ref T, accum: ref T, lr: T, grad: T, momentum: T, use_locking: bool = false, "
    "use_nesterov: bool = false) -> (out: T), " FLOATS,
    "accum = accum * momentum + grad; var -= lr * accum (Nesterov: lr * grad + lr * momentum * accum)",
    "ApplyMomentum", shape_momentum, G_CALLBACK (apply_momentum), 9, GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "ApplyAdam",
    "(var: ref T, m: ref T, v: ref T, beta1_power: T, beta2_power: T, lr: T, beta1: T, beta2: T, "
    "epsilon: T, grad: T, use_locking: bool = false, use_nesterov: bool = false) -> (out: T), " FLOATS,
    "Adam: m, v updated; var -= lr * sqrt(1 - beta2_power) / (1 - beta1_power) * m / (sqrt(v) + epsilon)",
    "ApplyAdam", shape_adam, G_CALLBACK (apply_adam), 14, GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "ApplyRMSProp",
    "(var: ref T, ms: ref T, mom: ref T, lr: T, rho: T, momentum: T, epsilon: T, grad: T, "
    "use_locking: bool = false) -> (out: T), " FLOATS,
    "ms = rho * ms + (1 - rho) * grad²; mom = momentum * mom + lr * grad / sqrt(ms + epsilon); var -= mom",
    "ApplyRMSProp", shape_rmsprop, G_CALLBACK (apply_rmsprop), 11, GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "ApplyCenteredRMSProp",
    "(var: ref T, mg: ref T, ms: ref T, mom: ref T, lr: T, rho: T, momentum: T, epsilon: T, grad: T, "
    "use_locking: bool = false) -> (out: T), " FLOATS,
    "RMSProp centered by the mean gradient mg: the denominator is sqrt(ms - mg² + epsilon)",
    "ApplyCenteredRMSProp", shape_centered_rmsprop, G_CALLBACK (apply_centered_rmsprop), 12,
    GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "ApplyAdagrad",
    "(var: ref T, accum: ref T, lr: T, grad: T, use_locking: bool = false, update_slots: bool = true) "
    "-> (out: T), " FLOATS,
    "accum += grad² (when update_slots); var -= lr * grad / sqrt(accum)",
    "ApplyAdagrad", shape_adagrad, G_CALLBACK (apply_adagrad), 8, GRAFT_OP_FLAGS_STATEFUL, { NULL } },
};

/* Updates are where training ends: TensorFlow registers no gradient. */
static const GraftGradientInfo train_gradients[] = {
  GRAFT_NOT_DIFFERENTIABLE ("ApplyGradientDescent"),
  GRAFT_NOT_DIFFERENTIABLE ("ApplyMomentum"),
  GRAFT_NOT_DIFFERENTIABLE ("ApplyAdam"),
  GRAFT_NOT_DIFFERENTIABLE ("ApplyRMSProp"),
  GRAFT_NOT_DIFFERENTIABLE ("ApplyCenteredRMSProp"),
  GRAFT_NOT_DIFFERENTIABLE ("ApplyAdagrad"),
};

static gboolean
train_init (GraftPlugin *plugin,
            GError     **error)
{
  return graft_plugin_add_ops (plugin, train_ops, G_N_ELEMENTS (train_ops), error) &&
         graft_plugin_add_gradients (plugin, train_gradients, G_N_ELEMENTS (train_gradients), error);
}

GRAFT_PLUGIN_DEFINE (train, GRAFT_VERSION_S, "Fused update ops of the optimizers", "LGPL-2.1-or-later", train_init)
