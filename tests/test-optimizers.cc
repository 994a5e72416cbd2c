/* test-optimizers.cc: ref inputs, the Apply* update ops, and the optimizers
 * against TensorFlow 1.15's formulas, names and errors.
 *
 * Updates are checked for three steps against a reference computed here
 * with TensorFlow's formulas, in double, with the hyperparameters rounded
 * to float32 as TensorFlow's Python floats are when they become tensors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "test-util.h"

using graft_test::describe_error;

namespace {

double
f32 (double x)
{
  return (double) (float) x;
}

struct Fixture {
  GraftGraph *g = graft_graph_new ();
  GraftSession *s = nullptr;
  GError *error = nullptr;

  ~Fixture ()
  {
    g_clear_object (&s);
    g_clear_error (&error);
    g_object_unref (g);
  }

  GraftVariable *
  var (const char *name, std::vector<double> init, GraftDType dt = GRAFT_DTYPE_FLOAT64)
  {
    g_autoptr(GraftTensor) t = tensor (init, dt);
    g_autoptr(GraftInitializer) i = graft_initializer_new_value (t);
    GraftVariable *v = graft_graph_get_variable (g, name, nullptr, dt, i, &error);
    EXPECT_NE (v, nullptr) << describe_error (error);
    return v;
  }

  static GraftTensor *
  tensor (const std::vector<double> &values, GraftDType dt = GRAFT_DTYPE_FLOAT64)
  {
    gint64 dims[1] = { (gint64) values.size () };
    g_autoptr(GraftShape) shape = graft_shape_new (dims, 1);
    if (dt == GRAFT_DTYPE_FLOAT32)
      {
        std::vector<float> f (values.begin (), values.end ());
        return graft_tensor_new_from_data (dt, shape, f.data (), f.size () * sizeof (float), nullptr);
      }
    if (dt == GRAFT_DTYPE_INT32)
      {
        std::vector<gint32> f (values.begin (), values.end ());
        return graft_tensor_new_from_data (dt, shape, f.data (), f.size () * sizeof (gint32), nullptr);
      }
    return graft_tensor_new_from_data (dt, shape, values.data (), values.size () * sizeof (double), nullptr);
  }

  GraftOutput *
  constant (std::vector<double> values, GraftDType dt = GRAFT_DTYPE_FLOAT64)
  {
    g_autoptr(GraftTensor) t = tensor (values, dt);
    return graft_constant (g, t);
  }

  void
  init ()
  {
    GraftOutput *op = graft_graph_global_variables_initializer (g, &error);
    ASSERT_NE (op, nullptr) << describe_error (error);
    if (s == nullptr)
      s = graft_session_new (g);
    ASSERT_TRUE (graft_session_run_target (s, op, &error)) << describe_error (error);
  }

  void
  run (GraftOutput *target, GraftOutput *feed = nullptr, GraftTensor *value = nullptr)
  {
    guint n = 0;
    GraftTensor **r = graft_session_run (s, feed ? &feed : nullptr, feed ? &value : nullptr, feed ? 1 : 0,
                                         nullptr, 0, &target, 1, nullptr, &n, &error);
    ASSERT_NE (r, nullptr) << describe_error (error);
    g_free (r);
  }

  std::vector<double>
  value (GraftVariable *v)
  {
    g_autoptr(GraftTensor) t = graft_session_get_variable_value (s, v);
    std::vector<double> out;
    EXPECT_NE (t, nullptr);
    if (t == nullptr)
      return out;
    gsize size = 0;
    gconstpointer data = graft_tensor_get_data (t, &size);
    switch (graft_tensor_get_dtype (t))
      {
      case GRAFT_DTYPE_FLOAT32:
        out.assign ((const float *) data, (const float *) data + size / sizeof (float));
        break;
      case GRAFT_DTYPE_INT64:
        out.assign ((const gint64 *) data, (const gint64 *) data + size / sizeof (gint64));
        break;
      default:
        out.assign ((const double *) data, (const double *) data + size / sizeof (double));
      }
    return out;
  }

  /* apply_gradients with the gradient fed through a placeholder. */
  GraftOutput *
  apply (GraftOptimizer *opt, GraftVariable *v, GraftOutput *grad, GraftVariable *step = nullptr,
         const char *name = nullptr)
  {
    g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_grad_var_free);
    g_ptr_array_add (pairs, graft_grad_var_new (grad, v));
    GraftOutput *op = graft_optimizer_apply_gradients (opt, pairs, step, name, &error);
    EXPECT_NE (op, nullptr) << describe_error (error);
    return op;
  }

  GraftOutput *
  placeholder (gint64 n, GraftDType dt = GRAFT_DTYPE_FLOAT64)
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "Placeholder", "grad");
    g_autoptr(GraftShape) shape = graft_shape_new (&n, 1);
    graft_op_builder_set_attr_type (b, "dtype", dt);
    graft_op_builder_set_attr_shape (b, "shape", shape);
    return graft_op_builder_finish (b, nullptr);
  }
};

void
expect_near (const std::vector<double> &got, const std::vector<double> &want, double tol, const std::string &what)
{
  ASSERT_EQ (got.size (), want.size ()) << what;
  for (size_t i = 0; i < got.size (); i++)
    EXPECT_NEAR (got[i], want[i], tol * std::max (1.0, std::fabs (want[i]))) << what << " [" << i << "]";
}

const std::vector<double> kInit = { 1.0, -2.0, 0.5 };

std::vector<double>
grad_at (int step)
{
  return { 0.5 * (step + 1), -1.5 + step, 0.25 * (step - 1) + 0.1 };
}

/* Three steps of @opt on a float64 variable, against @ref, which updates
 * var and its state for one gradient. */
void
check_three_steps (GraftOptimizer *opt,
                   std::function<void (std::vector<double> &, const std::vector<double> &, int)> ref,
                   double tol = 1e-12)
{
  Fixture f;
  GraftVariable *w = f.var ("w", kInit);
  GraftOutput *grad = f.placeholder (3);
  GraftOutput *train = f.apply (opt, w, grad);
  ASSERT_NE (train, nullptr);
  f.init ();
  std::vector<double> want = kInit;
  for (int step = 0; step < 3; step++)
    {
      g_autoptr(GraftTensor) g = Fixture::tensor (grad_at (step));
      f.run (train, grad, g);
      ref (want, grad_at (step), step);
      expect_near (f.value (w), want, tol, std::string (graft_optimizer_get_name (opt)) + " step " +
                                              std::to_string (step + 1));
    }
}

/* ---- the ops and ref inputs ---- */

TEST (RefInputs, MustComeFromAVariable)
{
  Fixture f;
  GraftOutput *in[3] = { f.constant ({ 1, 2 }), f.constant ({ 0.1 }), f.constant ({ 1, 1 }) };
  g_autoptr(GraftTensor) lr = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT64, 0.1);
  in[1] = graft_constant (f.g, lr);
  guint before = graft_graph_get_num_operations (f.g);
  GraftOutput *op = graft_graph_add_op (f.g, "ApplyGradientDescent", "apply", in, 3, &f.error);
  EXPECT_EQ (op, nullptr);
  EXPECT_TRUE (graft_test::ErrorIs (f.error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                                    "'ApplyGradientDescent' Op requires that input 'var' be a mutable tensor "
                                    "(e.g.: a tf.Variable) (ApplyGradientDescent op 'apply': Const:0 is the "
                                    "output of a Const op)"));
  EXPECT_EQ (graft_graph_get_num_operations (f.g), before);
}

TEST (RefInputs, ShapeErrorsAreTensorFlows)
{
  Fixture f;
  GraftVariable *w = f.var ("w", { 1, 2 });
  g_autoptr(GraftTensor) lr = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT64, 0.1);
  GraftOutput *in[3] = { graft_variable_get_output (w), graft_constant (f.g, lr), f.constant ({ 1, 2, 3 }) };
  EXPECT_EQ (graft_graph_add_op (f.g, "ApplyGradientDescent", "apply", in, 3, &f.error), nullptr);
  ASSERT_NE (f.error, nullptr);
  EXPECT_NE (std::string (f.error->message).find ("Dimension 0 in both shapes must be equal, but are 2 and 3. "
                                                  "Shapes are [2] and [3]."), std::string::npos)
    << f.error->message;
  g_clear_error (&f.error);
  in[1] = f.constant ({ 0.1, 0.2 });
  in[2] = f.constant ({ 1, 2 });
  EXPECT_EQ (graft_graph_add_op (f.g, "ApplyGradientDescent", "apply", in, 3, &f.error), nullptr);
  ASSERT_NE (f.error, nullptr);
  EXPECT_NE (std::string (f.error->message).find ("Shape must be rank 0 but is rank 1"), std::string::npos)
    << f.error->message;
  EXPECT_NE (std::string (f.error->message).find ("'alpha' must be a scalar"), std::string::npos) << f.error->message;
}

TEST (RefInputs, UninitializedVariable)
{
  Fixture f;
  GraftVariable *w = f.var ("w", { 1, 2 });
  g_autoptr(GraftTensor) lr = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT64, 0.1);
  GraftOutput *in[3] = { graft_variable_get_output (w), graft_constant (f.g, lr), f.constant ({ 1, 1 }) };
  GraftOutput *op = graft_graph_add_op (f.g, "ApplyGradientDescent", nullptr, in, 3, &f.error);
  ASSERT_NE (op, nullptr) << describe_error (f.error);
  f.s = graft_session_new (f.g);
  EXPECT_FALSE (graft_session_run_target (f.s, op, &f.error));
  EXPECT_TRUE (graft_test::ErrorIs (f.error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNINITIALIZED,
                                    "Attempting to use uninitialized value w"));
}

/* Each Apply op on float32 and float64, run directly, with its output (the
 * updated variable) fetched; a reader's earlier value never changes. */
TEST (RefInputs, ApplyOpsUpdateInPlaceAndCopyOnWrite)
{
  for (GraftDType dt : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      Fixture f;
      GraftVariable *w = f.var ("w", { 1, 2 }, dt);
      GraftVariable *acc = f.var ("acc", { 0.5, 0.5 }, dt);
      g_autoptr(GraftTensor) lr = graft_tensor_new_scalar (dt, 0.5);
      GraftOutput *in[4] = { graft_variable_get_output (w), graft_variable_get_output (acc), graft_constant (f.g, lr),
                             f.constant ({ 1, -2 }, dt) };
      GraftOutput *op = graft_graph_add_op (f.g, "ApplyAdagrad", nullptr, in, 4, &f.error);
      ASSERT_NE (op, nullptr) << describe_error (f.error);
      EXPECT_EQ (graft_output_get_dtype (op), dt);
      f.init ();
      g_autoptr(GraftTensor) before = graft_session_get_variable_value (f.s, w);
      g_autoptr(GraftTensor) out = graft_session_fetch (f.s, op, &f.error);
      ASSERT_NE (out, nullptr) << describe_error (f.error);
      /* accum = 0.5 + g²; var -= lr * g / sqrt(accum) */
      std::vector<double> want = { 1 - 0.5 * 1 / std::sqrt (1.5), 2 + 0.5 * 2 / std::sqrt (4.5) };
      expect_near (f.value (w), want, dt == GRAFT_DTYPE_FLOAT32 ? 1e-6 : 1e-14, "ApplyAdagrad");
      expect_near (f.value (acc), { 1.5, 4.5 }, 1e-14, "accum");
      g_autoptr(GraftTensor) after = graft_session_get_variable_value (f.s, w);
      EXPECT_NE (before, after);
      /* The fetched output is the new value; the value read before is as it was. */
      std::vector<double> b;
      if (dt == GRAFT_DTYPE_FLOAT32)
        b.assign ((const float *) graft_tensor_get_data (before, nullptr), (const float *) graft_tensor_get_data (before, nullptr) + 2);
      else
        b.assign ((const double *) graft_tensor_get_data (before, nullptr), (const double *) graft_tensor_get_data (before, nullptr) + 2);
      expect_near (b, { 1, 2 }, 0, "the value read before the update");
    }
}

TEST (RefInputs, IntegerVariablesAreRefusedByTheSignature)
{
  Fixture f;
  GraftVariable *w = f.var ("w", { 1, 2 }, GRAFT_DTYPE_INT32);
  g_autoptr(GraftTensor) lr = graft_tensor_new_scalar (GRAFT_DTYPE_INT32, 1);
  GraftOutput *in[3] = { graft_variable_get_output (w), graft_constant (f.g, lr), f.constant ({ 1, 1 }, GRAFT_DTYPE_INT32) };
  EXPECT_EQ (graft_graph_add_op (f.g, "ApplyGradientDescent", nullptr, in, 3, &f.error), nullptr);
  EXPECT_NE (f.error, nullptr);
}

/* ---- the optimizers' updates ---- */

TEST (Optimizers, GradientDescent)
{
  g_autoptr(GraftOptimizer) opt = graft_gradient_descent_optimizer_new (0.1);
  check_three_steps (opt, [] (std::vector<double> &w, const std::vector<double> &g, int) {
    for (size_t i = 0; i < w.size (); i++)
      w[i] -= f32 (0.1) * g[i];
  });
}

TEST (Optimizers, Momentum)
{
  for (gboolean nesterov : std::vector<gboolean> { FALSE, TRUE })
    {
      g_autoptr(GraftOptimizer) opt = graft_momentum_optimizer_new (0.1, 0.9);
      g_object_set (opt, "use-nesterov", nesterov, NULL);
      std::vector<double> accum (3, 0.0);
      check_three_steps (opt, [&] (std::vector<double> &w, const std::vector<double> &g, int) {
        double lr = f32 (0.1), mu = f32 (0.9);
        for (size_t i = 0; i < w.size (); i++)
          {
            accum[i] = accum[i] * mu + g[i];
            w[i] -= nesterov ? g[i] * lr + accum[i] * mu * lr : accum[i] * lr;
          }
      });
    }
}

TEST (Optimizers, Adam)
{
  g_autoptr(GraftOptimizer) opt = graft_adam_optimizer_new (0.1);
  std::vector<double> m (3, 0.0), v (3, 0.0);
  float b1p = 0.9f, b2p = 0.999f;
  check_three_steps (opt, [&] (std::vector<double> &w, const std::vector<double> &g, int) {
    double lr = f32 (0.1), b1 = f32 (0.9), b2 = f32 (0.999), eps = f32 (1e-8);
    double alpha = lr * std::sqrt (1 - (double) b2p) / (1 - (double) b1p);
    for (size_t i = 0; i < w.size (); i++)
      {
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        w[i] -= m[i] * alpha / (std::sqrt (v[i]) + eps);
      }
    /* The beta powers are float32 variables, multiplied in float32. */
    b1p = b1p * 0.9f;
    b2p = b2p * 0.999f;
  }, 1e-10);
}

TEST (Optimizers, RMSProp)
{
  for (gboolean centered : std::vector<gboolean> { FALSE, TRUE })
    {
      g_autoptr(GraftOptimizer) opt = graft_rmsprop_optimizer_new (0.01);
      g_object_set (opt, "momentum", 0.5, "centered", centered, NULL);
      std::vector<double> ms (3, 1.0), mg (3, 0.0), mom (3, 0.0);
      check_three_steps (opt, [&] (std::vector<double> &w, const std::vector<double> &g, int) {
        double lr = f32 (0.01), rho = f32 (0.9), mu = f32 (0.5), eps = f32 (1e-10);
        for (size_t i = 0; i < w.size (); i++)
          {
            ms[i] += (g[i] * g[i] - ms[i]) * (1 - rho);
            double denom = ms[i] + eps;
            if (centered)
              {
                mg[i] += (g[i] - mg[i]) * (1 - rho);
                denom = ms[i] - mg[i] * mg[i] + eps;
              }
            mom[i] = mom[i] * mu + lr * g[i] / std::sqrt (denom);
            w[i] -= mom[i];
          }
      });
    }
}

TEST (Optimizers, Adagrad)
{
  g_autoptr(GraftOptimizer) opt = graft_adagrad_optimizer_new (0.1);
  std::vector<double> accum (3, 0.1);
  check_three_steps (opt, [&] (std::vector<double> &w, const std::vector<double> &g, int) {
    for (size_t i = 0; i < w.size (); i++)
      {
        accum[i] += g[i] * g[i];
        w[i] -= f32 (0.1) * g[i] / std::sqrt (accum[i]);
      }
  });
}

/* A float32 variable: the hyperparameters need no Cast, the update is in
 * float32. */
TEST (Optimizers, Float32AndLearningRateTensor)
{
  Fixture f;
  GraftVariable *w = f.var ("w", { 1, 2 }, GRAFT_DTYPE_FLOAT32);
  g_autoptr(GraftOptimizer) opt = graft_gradient_descent_optimizer_new (1.0);
  g_autoptr(GraftTensor) lr = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 0.25);
  graft_optimizer_set_learning_rate_tensor (opt, graft_constant_full (f.g, lr, "lr"));
  GraftOutput *train = f.apply (opt, w, f.constant ({ 1, -1 }, GRAFT_DTYPE_FLOAT32));
  ASSERT_NE (train, nullptr);
  f.init ();
  f.run (train);
  expect_near (f.value (w), { 0.75, 2.25 }, 0, "w");
}

/* ---- names ---- */

std::vector<std::string>
global_names (GraftGraph *g)
{
  guint n = 0;
  g_autofree GraftVariable **vars = graft_graph_get_global_variables (g, &n);
  std::vector<std::string> out;
  for (guint i = 0; i < n; i++)
    out.push_back (graft_variable_get_op_name (vars[i]));
  return out;
}

TEST (Slots, NamesAndInitialValues)
{
  struct Case {
    std::function<GraftOptimizer *()> make;
    std::vector<std::string> names;
    std::vector<double> first_init;
    std::string update;
  };
  std::vector<Case> cases = {
    { [] { return graft_gradient_descent_optimizer_new (0.1); }, { "w" }, {},
      "GradientDescent/update_w/ApplyGradientDescent" },
    { [] { return graft_momentum_optimizer_new (0.1, 0.9); }, { "w", "w/Momentum" }, { 0, 0 },
      "Momentum/update_w/ApplyMomentum" },
    { [] { return graft_adam_optimizer_new (0.001); }, { "w", "beta1_power", "beta2_power", "w/Adam", "w/Adam_1" },
      { 0.9 }, "Adam/update_w/ApplyAdam" },
    { [] { return graft_rmsprop_optimizer_new (0.1); }, { "w", "w/RMSProp", "w/RMSProp_1" }, { 1, 1 },
      "RMSProp/update_w/ApplyRMSProp" },
    { [] { GraftOptimizer *o = graft_rmsprop_optimizer_new (0.1); g_object_set (o, "centered", TRUE, NULL); return o; },
      { "w", "w/RMSProp", "w/RMSProp_1", "w/RMSProp_2" }, { 1, 1 }, "RMSProp/update_w/ApplyCenteredRMSProp" },
    { [] { return graft_adagrad_optimizer_new (0.1); }, { "w", "w/Adagrad" }, { 0.1, 0.1 },
      "Adagrad/update_w/ApplyAdagrad" },
  };
  for (const Case &c : cases)
    {
      Fixture f;
      g_autoptr(GraftOptimizer) opt = c.make ();
      GraftVariable *w = f.var ("w", { 1, 2 });
      GraftOutput *train = f.apply (opt, w, f.constant ({ 1, 1 }));
      ASSERT_NE (train, nullptr);
      EXPECT_EQ (global_names (f.g), c.names) << graft_optimizer_get_name (opt);
      EXPECT_EQ (std::string (graft_output_get_op_name (train)), graft_optimizer_get_name (opt));
      EXPECT_STREQ (graft_output_get_op_type (train), "NoOp");
      EXPECT_NE (graft_graph_get_operation (f.g, c.update.c_str ()), nullptr) << c.update;
      if (c.names.size () > 1)
        {
          f.init ();
          GraftVariable *first = graft_graph_lookup_variable (f.g, c.names[1].c_str ());
          if (first == nullptr)
            {
              guint n = 0;
              g_autofree GraftVariable **vars = graft_graph_get_global_variables (f.g, &n);
              first = vars[1];
            }
          expect_near (f.value (first), c.first_init, 1e-7, c.names[1]);
          EXPECT_FALSE (graft_variable_get_trainable (first));
        }
    }
}

TEST (Slots, RespectTheVariableScope)
{
  /* slot_creator_test.py's testCreateSlotFromVariableRespectsScope. */
  Fixture f;
  g_autoptr(GraftOptimizer) opt = graft_momentum_optimizer_new (0.1, 0.9);
  GraftScope *scope = graft_test::enter (f.g, "scope");
  GraftVariable *v = f.var ("var", { 1, 2 });
  ASSERT_NE (f.apply (opt, v, f.constant ({ 1, 1 })), nullptr);
  graft_scope_exit (scope, nullptr);
  g_object_unref (scope);
  GraftVariable *slot = graft_optimizer_get_slot (opt, v, "momentum");
  ASSERT_NE (slot, nullptr);
  EXPECT_STREQ (graft_variable_get_op_name (slot), "scope/scope/var/Momentum");
}

TEST (Slots, SecondAdamGetsItsOwnBetaPowers)
{
  Fixture f;
  g_autoptr(GraftOptimizer) a = graft_adam_optimizer_new (0.1);
  g_autoptr(GraftOptimizer) b = graft_adam_optimizer_new (0.1);
  GraftVariable *w = f.var ("w", { 1, 2 });
  ASSERT_NE (f.apply (a, w, f.constant ({ 1, 1 })), nullptr);
  GraftOutput *second = f.apply (b, w, f.constant ({ 1, 1 }));
  ASSERT_NE (second, nullptr);
  EXPECT_EQ (global_names (f.g), (std::vector<std::string> { "w", "beta1_power", "beta2_power", "w/Adam", "w/Adam_1",
                                                             "beta1_power_1", "beta2_power_1", "w/Adam_2",
                                                             "w/Adam_3" }));
  EXPECT_STREQ (graft_output_get_op_name (second), "Adam_1");
}

/* Two towers minimize one loss with one optimizer, the second under
 * reuse=True: TensorFlow's optimizer keeps its slots per variable, so the
 * second tower makes none (a second optimizer would not share: its
 * default-named scope is uniquified, `w/Adam_2`). */
TEST (Slots, TowersUnderReuseShareOneSetOfSlots)
{
  Fixture f;
  g_autoptr(GraftOptimizer) opt = graft_adam_optimizer_new (0.1);
  GraftVariable *w = f.var ("w", { 1, 2 });
  GraftOutput *loss = graft_variable_get_output (w);
  GraftOutput *t1 = graft_optimizer_minimize (opt, loss, nullptr, nullptr, 0, nullptr, &f.error);
  ASSERT_NE (t1, nullptr) << describe_error (f.error);
  GraftScope *tower = graft_test::enter_full (f.g, "", nullptr, nullptr, GRAFT_REUSE_TRUE);
  GraftOutput *t2 = graft_optimizer_minimize (opt, loss, nullptr, nullptr, 0, nullptr, &f.error);
  ASSERT_NE (t2, nullptr) << describe_error (f.error);
  graft_scope_exit (tower, nullptr);
  g_object_unref (tower);
  EXPECT_EQ (global_names (f.g), (std::vector<std::string> { "w", "beta1_power", "beta2_power", "w/Adam", "w/Adam_1" }));
  EXPECT_STREQ (graft_output_get_op_name (t2), "Adam_1");
  EXPECT_STREQ (graft_variable_get_op_name (graft_optimizer_get_slot (opt, w, "m")), "w/Adam");
}

/* ---- minimize, the global step, constraints ---- */

TEST (Minimize, IncrementsTheGlobalStep)
{
  Fixture f;
  g_autoptr(GraftOptimizer) opt = graft_gradient_descent_optimizer_new (0.5);
  GraftVariable *w = f.var ("w", { 1, 2 });
  GraftVariable *step = graft_train_get_or_create_global_step (f.g, &f.error);
  ASSERT_NE (step, nullptr) << describe_error (f.error);
  EXPECT_EQ (graft_train_get_or_create_global_step (f.g, &f.error), step);
  EXPECT_STREQ (graft_variable_get_name (step), "global_step");
  EXPECT_EQ (graft_variable_get_dtype (step), GRAFT_DTYPE_INT64);
  EXPECT_FALSE (graft_variable_get_trainable (step));
  /* d(sum of w's elements, implicitly)/dw = ones. */
  GraftOutput *train = graft_optimizer_minimize (opt, graft_variable_get_output (w), step, nullptr, 0, nullptr,
                                                 &f.error);
  ASSERT_NE (train, nullptr) << describe_error (f.error);
  EXPECT_STREQ (graft_output_get_op_name (train), "GradientDescent");
  EXPECT_STREQ (graft_output_get_op_type (train), "AssignAdd");
  EXPECT_NE (graft_graph_get_operation (f.g, "GradientDescent/update"), nullptr);
  EXPECT_NE (graft_graph_get_operation (f.g, "GradientDescent/value"), nullptr);
  f.init ();
  f.run (train);
  f.run (train);
  expect_near (f.value (step), { 2 }, 0, "global_step");
  expect_near (f.value (w), { 0, 1 }, 1e-15, "w");
}

GraftOutput *
halve (GraftOutput *value, gpointer)
{
  GraftGraph *g = graft_output_get_graph (value);
  g_autoptr(GraftTensor) half = graft_tensor_new_scalar (graft_output_get_dtype (value), 0.5);
  return graft_mul (g, value, graft_constant (g, half));
}

TEST (Minimize, AppliesTheConstraintAfterTheUpdate)
{
  Fixture f;
  g_autoptr(GraftConstraint) c = graft_constraint_new (halve, nullptr, nullptr);
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("w");
  gint64 two = 2;
  g_autoptr(GraftShape) shape = graft_shape_new (&two, 1);
  g_autoptr(GraftInitializer) ones = graft_initializer_new_ones ();
  graft_variable_request_set_shape (r, shape);
  graft_variable_request_set_dtype (r, GRAFT_DTYPE_FLOAT64);
  graft_variable_request_set_initializer (r, ones);
  graft_variable_request_set_constraint (r, c);
  GraftVariable *w = graft_graph_get_variable_full (f.g, r, &f.error);
  ASSERT_NE (w, nullptr) << describe_error (f.error);
  g_autoptr(GraftOptimizer) opt = graft_gradient_descent_optimizer_new (0.5);
  GraftOutput *train = f.apply (opt, w, f.constant ({ 1, -1 }));
  ASSERT_NE (train, nullptr);
  f.init ();
  f.run (train);
  /* (1 - 0.5 * g) / 2 */
  expect_near (f.value (w), { 0.25, 0.75 }, 1e-15, "w");
}

/* ---- errors: TensorFlow's texts, nothing built ---- */

TEST (Errors, IntegerVariable)
{
  Fixture f;
  g_autoptr(GraftOptimizer) opt = graft_adam_optimizer_new (0.1);
  GraftVariable *w = f.var ("w", { 1, 2 }, GRAFT_DTYPE_INT32);
  guint before = graft_graph_get_num_operations (f.g);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_grad_var_free);
  g_ptr_array_add (pairs, graft_grad_var_new (f.constant ({ 1, 1 }, GRAFT_DTYPE_INT32), w));
  before = graft_graph_get_num_operations (f.g);
  EXPECT_EQ (graft_optimizer_apply_gradients (opt, pairs, nullptr, nullptr, &f.error), nullptr);
  EXPECT_TRUE (graft_test::ErrorIs (f.error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                                    "Invalid type tf.int32 for w:0, expected: [tf.float16, tf.bfloat16, "
                                    "tf.float32, tf.float64]."));
  EXPECT_EQ (graft_graph_get_num_operations (f.g), before);
  g_clear_error (&f.error);
  EXPECT_EQ (graft_optimizer_minimize (opt, graft_variable_get_output (w), nullptr, nullptr, 0, nullptr, &f.error),
             nullptr);
  EXPECT_EQ (f.error->code, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT) << describe_error (f.error);
  EXPECT_EQ (graft_graph_get_num_operations (f.g), before);
}

TEST (Errors, NaNLearningRate)
{
  Fixture f;
  g_autoptr(GraftOptimizer) opt = graft_adam_optimizer_new (NAN);
  GraftVariable *w = f.var ("w", { 1, 2 });
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_grad_var_free);
  g_ptr_array_add (pairs, graft_grad_var_new (f.constant ({ 1, 1 }), w));
  guint before = graft_graph_get_num_operations (f.g);
  EXPECT_EQ (graft_optimizer_apply_gradients (opt, pairs, nullptr, nullptr, &f.error), nullptr);
  EXPECT_TRUE (graft_test::ErrorIs (f.error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                                    "Adam: learning_rate is NaN"));
  EXPECT_EQ (graft_graph_get_num_operations (f.g), before);
  EXPECT_EQ (global_names (f.g), std::vector<std::string> { "w" });
}

TEST (Errors, NoGradients)
{
  Fixture f;
  g_autoptr(GraftOptimizer) opt = graft_gradient_descent_optimizer_new (0.1);
  GraftVariable *w = f.var ("w", { 1, 2 });
  g_autoptr(GraftTensor) one = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 1);
  GraftOutput *loss = graft_constant_full (f.g, one, "loss");
  (void) w;
  guint before = graft_graph_get_num_operations (f.g);
  EXPECT_EQ (graft_optimizer_minimize (opt, loss, nullptr, nullptr, 0, nullptr, &f.error), nullptr);
  EXPECT_TRUE (graft_test::ErrorIs (f.error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_NO_GRADIENTS,
                                    "No gradients provided for any variable, check your graph for ops that do not "
                                    "support gradients, between variables [\"<tf.Variable 'w:0' shape=(2,) "
                                    "dtype=float64_ref>\"] and loss Tensor(\"loss:0\", shape=(), dtype=float32)."));
  EXPECT_EQ (graft_graph_get_num_operations (f.g), before);
}

} // namespace
