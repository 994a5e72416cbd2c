/* test-gradients.cc: graft_gradients() and the gradient checker.
 *
 * The checker is TensorFlow's compute_gradient_error: for each case of
 * grad-cases-*.cc it builds y = f(x…) from placeholders, takes the
 * Jacobian graft_gradients() builds (one run per element of y, feeding a
 * one-hot grad_ys) and the Jacobian of central differences (two runs per
 * element of each x), and requires them to agree. The registry test fails
 * for any op whose type has a gradient function but no case.
 *
 * The engine tests check TensorFlow's names, sums over several paths,
 * stop gradients, unconnected xs and the errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "grad-check.h"
#include "test-util.h"

extern "C" {
#include "graft-registry-private.h"
}

using graft_test::describe_error;
using graft_test::GradCase;
using graft_test::GradInput;

namespace graft_test {

std::vector<GradCase> &
grad_cases ()
{
  static std::vector<GradCase> cases;
  return cases;
}

void
PrintTo (const GradCase &c, std::ostream *os)
{
  *os << c.label;
}

} // namespace graft_test

namespace {

gsize
count (const std::vector<gint64> &dims)
{
  gsize n = 1;
  for (gint64 d : dims)
    n *= (gsize) d;
  return n;
}

GraftTensor *
make_tensor (GraftDType                 dtype,
             const std::vector<gint64> &dims,
             const std::vector<double> &values)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), (guint) dims.size ());
  GError *error = nullptr;
  GraftTensor *t;

  if (dtype == GRAFT_DTYPE_FLOAT32)
    {
      std::vector<float> f (values.begin (), values.end ());
      t = graft_tensor_new_from_floats (f.data (), f.size (), shape, &error);
    }
  else
    t = graft_tensor_new_from_doubles (values.data (), values.size (), shape, &error);
  EXPECT_NE (t, nullptr) << describe_error (error);
  g_clear_error (&error);
  return t;
}

std::vector<double>
values_of (GraftTensor *t)
{
  gsize n = 0;

  if (graft_tensor_get_dtype (t) == GRAFT_DTYPE_FLOAT32)
    {
      const float *f = graft_tensor_get_floats (t, &n);
      return std::vector<double> (f, f + n);
    }
  const double *d = graft_tensor_get_doubles (t, &n);
  return std::vector<double> (d, d + n);
}

/* Runs `fetches` with the inputs (and optionally a grad_ys) fed. */
std::vector<std::vector<double>>
run (GraftSession                            *session,
     const std::vector<GraftOutput *>        &feeds,
     const std::vector<GraftTensor *>        &values,
     const std::vector<GraftOutput *>        &fetches)
{
  GError *error = nullptr;
  guint n = 0;
  GraftTensor **r = graft_session_run (session, const_cast<GraftOutput **> (feeds.data ()),
                                       const_cast<GraftTensor **> (values.data ()), (guint) feeds.size (),
                                       const_cast<GraftOutput **> (fetches.data ()), (guint) fetches.size (),
                                       nullptr, 0, nullptr, &n, &error);
  std::vector<std::vector<double>> out;

  EXPECT_NE (r, nullptr) << describe_error (error);
  g_clear_error (&error);
  if (r == nullptr)
    return out;
  for (guint i = 0; i < n; i++)
    {
      out.push_back (values_of (r[i]));
      graft_tensor_unref (r[i]);
    }
  g_free (r);
  return out;
}

class GradCheck : public ::testing::TestWithParam<GradCase> {};

TEST_P (GradCheck, SymbolicMatchesNumeric)
{
  const GradCase &c = GetParam ();
  g_autoptr(GraftGraph) g = graft_graph_new ();
  std::vector<GraftOutput *> xs, diff_xs;
  std::vector<guint> diff_index;

  for (gsize i = 0; i < c.inputs.size (); i++)
    {
      g_autoptr(GraftShape) shape = graft_shape_new (c.inputs[i].dims.data (), (guint) c.inputs[i].dims.size ());
      GraftPlaceholderAttrs attrs = GRAFT_PLACEHOLDER_ATTRS_INIT;
      std::string name = "x" + std::to_string (i);

      ASSERT_EQ (count (c.inputs[i].dims), c.inputs[i].values.size ()) << "input " << i;
      attrs.shape = shape;
      xs.push_back (graft_placeholder_full (g, c.dtype, name.c_str (), &attrs));
      if (c.inputs[i].differentiate)
        {
          diff_xs.push_back (xs.back ());
          diff_index.push_back ((guint) i);
        }
    }
  GraftOutput *y = c.build (g, xs);
  g_autoptr(GError) build_error = graft_graph_take_error (g);
  ASSERT_NE (y, nullptr) << describe_error (build_error);
  ASSERT_EQ (graft_output_get_dtype (y), c.dtype);

  g_autoptr(GraftShape) yshape = graft_output_get_shape (y);
  gint yrank = graft_shape_get_rank (yshape);
  ASSERT_GE (yrank, 0) << "y needs a static shape";
  std::vector<gint64> ydims;
  for (gint d = 0; d < yrank; d++)
    ydims.push_back (graft_shape_get_dim (yshape, (guint) d));
  gsize m = count (ydims);

  GraftPlaceholderAttrs dy_attrs = GRAFT_PLACEHOLDER_ATTRS_INIT;
  dy_attrs.shape = yshape;
  GraftOutput *dy = graft_placeholder_full (g, c.dtype, "dy", &dy_attrs);
  GError *error = nullptr;
  g_autoptr(GPtrArray) grads = graft_gradients_full (g, &y, 1, diff_xs.data (), (guint) diff_xs.size (), &dy, 1,
                                                         nullptr, 0, nullptr, GRAFT_UNCONNECTED_GRADIENTS_ZERO,
                                                         &error);
  ASSERT_NE (grads, nullptr) << describe_error (error);

  g_autoptr(GraftSession) session = graft_session_new (g);
  std::vector<GraftTensor *> x_values;
  for (gsize i = 0; i < c.inputs.size (); i++)
    x_values.push_back (make_tensor (c.dtype, c.inputs[i].dims, c.inputs[i].values));

  /* symbolic[i][j][k]: d y_j / d x_i[k] */
  std::vector<std::vector<std::vector<double>>> symbolic (diff_xs.size (),
                                                           std::vector<std::vector<double>> (m));
  std::vector<GraftOutput *> feeds = xs;
  feeds.push_back (dy);
  std::vector<GraftOutput *> fetches ((GraftOutput **) grads->pdata, (GraftOutput **) grads->pdata + diff_xs.size ());
  for (gsize j = 0; j < m; j++)
    {
      std::vector<double> onehot (m, 0.0);
      onehot[j] = 1.0;
      std::vector<GraftTensor *> values = x_values;
      values.push_back (make_tensor (c.dtype, ydims, onehot));
      auto r = run (session, feeds, values, fetches);
      graft_tensor_unref (values.back ());
      ASSERT_EQ (r.size (), diff_xs.size ());
      for (gsize i = 0; i < diff_xs.size (); i++)
        symbolic[i][j] = r[i];
    }

  double worst = 0;
  std::string where;
  for (gsize i = 0; i < diff_xs.size (); i++)
    {
      const GradInput &in = c.inputs[diff_index[i]];
      for (gsize k = 0; k < in.values.size (); k++)
        {
          std::vector<double> plus = in.values, minus = in.values;
          plus[k] += c.delta;
          minus[k] -= c.delta;
          std::vector<GraftTensor *> vp = x_values, vm = x_values;
          vp[diff_index[i]] = make_tensor (c.dtype, in.dims, plus);
          vm[diff_index[i]] = make_tensor (c.dtype, in.dims, minus);
          auto rp = run (session, xs, vp, { y });
          auto rm = run (session, xs, vm, { y });
          graft_tensor_unref (vp[diff_index[i]]);
          graft_tensor_unref (vm[diff_index[i]]);
          ASSERT_EQ (rp.size (), 1u);
          ASSERT_EQ (rm.size (), 1u);
          for (gsize j = 0; j < m; j++)
            {
              double numeric = (rp[0][j] - rm[0][j]) / (2 * c.delta);
              ASSERT_EQ (symbolic[i][j].size (), in.values.size ());
              double err = std::fabs (symbolic[i][j][k] - numeric);
              if (!(err <= worst))
                {
                  worst = err;
                  where = "x" + std::to_string (diff_index[i]) + "[" + std::to_string (k) + "] → y[" +
                          std::to_string (j) + "]: symbolic " + std::to_string (symbolic[i][j][k]) +
                          ", numeric " + std::to_string (numeric);
                }
            }
        }
    }
  for (GraftTensor *t : x_values)
    graft_tensor_unref (t);
  EXPECT_LE (worst, c.tolerance) << c.label << ": worst at " << where;
}

INSTANTIATE_TEST_SUITE_P (Gradients, GradCheck, ::testing::ValuesIn (graft_test::grad_cases ()),
                          [] (const ::testing::TestParamInfo<GradCase> &info) { return info.param.label; });

TEST (GradCases, LabelsAreUnique)
{
  std::set<std::string> seen;
  for (const GradCase &c : graft_test::grad_cases ())
    EXPECT_TRUE (seen.insert (c.label).second) << c.label;
}

/* The harness fails for an op whose gradient function has no case, as the
 * op harness fails for an op without value cases. */
TEST (GradRegistry, EveryDifferentiableOpHasAGradientCase)
{
  GraftRegistry *registry = graft_registry_get_default ();
  std::set<std::string> covered;
  guint n = 0;
  g_autofree const GraftOpDef **defs = graft_registry_list_ops (registry, &n);

  for (const GradCase &c : graft_test::grad_cases ())
    covered.insert (c.op);
  for (guint i = 0; i < n; i++)
    {
      const char *name = graft_op_def_get_name (defs[i]);
      const GraftGradEntry *e = _graft_registry_lookup_gradient (registry, name);
      if (e != nullptr && (e->func != nullptr || e->callback != nullptr))
        {
          EXPECT_TRUE (covered.count (name)) << name << " has a gradient but no case in tests/grad-cases-*.cc";
        }
    }
}

} // namespace

/* ---- the engine ---- */

namespace {

GraftOutput *
placeholder (GraftGraph                *g,
             const char                *name,
             std::vector<gint64>        dims,
             GraftDType                 dtype = GRAFT_DTYPE_FLOAT32)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), (guint) dims.size ());
  GraftPlaceholderAttrs attrs = GRAFT_PLACEHOLDER_ATTRS_INIT;

  attrs.shape = shape;
  return graft_placeholder_full (g, dtype, name, &attrs);
}

GraftOutput *
scalar (GraftGraph *g,
        double      v,
        GraftDType  dtype = GRAFT_DTYPE_FLOAT32)
{
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (dtype, v);
  return graft_constant (g, t);
}

double
fetch_scalar (GraftSession *s,
              GraftOutput  *o)
{
  GError *error = nullptr;
  g_autoptr(GraftTensor) t = graft_session_fetch (s, o, &error);

  EXPECT_NE (t, nullptr) << describe_error (error);
  g_clear_error (&error);
  return t ? values_of (t)[0] : NAN;
}

TEST (Gradients, NamesFollowTensorFlow)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = placeholder (g, "x", { 2, 3 });
  GraftOutput *w = placeholder (g, "w", { 3, 4 });
  GraftOutput *y = graft_matmul (g, x, w);
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, &w, 1, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  ASSERT_NE (((GraftOutput *) d->pdata[0]), nullptr);
  EXPECT_STREQ (graft_output_get_op_name (((GraftOutput *) d->pdata[0])), "gradients/MatMul_grad/MatMul_1");
  EXPECT_NE (graft_graph_get_operation (g, "gradients/MatMul_grad/MatMul"), nullptr);
  EXPECT_NE (graft_graph_get_operation (g, "gradients/Fill"), nullptr);

  g_autoptr(GPtrArray) d2 = graft_gradients (g, &y, 1, &x, 1, &error);
  ASSERT_NE (d2, nullptr) << describe_error (error);
  EXPECT_STREQ (graft_output_get_op_name (((GraftOutput *) d2->pdata[0])), "gradients_1/MatMul_grad/MatMul");
}

TEST (Gradients, PathsAreSummedWithAddN)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 3.0);
  /* y = x*x + x: dy/dx = 2x + 1 = 7, reaching x along three edges */
  GraftOutput *y = graft_add (g, graft_mul (g, x, x), x);
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, &x, 1, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  EXPECT_STREQ (graft_output_get_op_type (((GraftOutput *) d->pdata[0])), "AddN");
  g_autoptr(GraftSession) s = graft_session_new (g);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[0])), 7.0);
}

TEST (Gradients, SeveralYsAreSummed)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 2.0);
  GraftOutput *ys[] = { graft_mul (g, x, x), graft_mul (g, x, scalar (g, 5.0)) };
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients (g, ys, 2, &x, 1, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  g_autoptr(GraftSession) s = graft_session_new (g);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[0])), 4.0 + 5.0);
}

TEST (Gradients, GradYsScaleTheResult)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 2.0);
  GraftOutput *y = graft_mul (g, x, x);
  GraftOutput *gy = scalar (g, 10.0);
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients_full (g, &y, 1, &x, 1, &gy, 1, nullptr, 0, nullptr,
                                                     GRAFT_UNCONNECTED_GRADIENTS_NONE, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  g_autoptr(GraftSession) s = graft_session_new (g);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[0])), 40.0);
}

TEST (Gradients, UnconnectedXsGetNullOrZeros)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 2.0);
  GraftOutput *z = placeholder (g, "z", { 2 });
  GraftOutput *y = graft_mul (g, x, x);
  GraftOutput *xs[] = { x, z };
  GError *error = nullptr;

  g_autoptr(GPtrArray) none = graft_gradients (g, &y, 1, xs, 2, &error);
  ASSERT_NE (none, nullptr) << describe_error (error);
  EXPECT_NE (((GraftOutput *) none->pdata[0]), nullptr);
  EXPECT_EQ (((GraftOutput *) none->pdata[1]), nullptr);

  g_autoptr(GPtrArray) zero = graft_gradients_full (g, &y, 1, xs, 2, nullptr, 0, nullptr, 0, nullptr,
                                                        GRAFT_UNCONNECTED_GRADIENTS_ZERO, &error);
  ASSERT_NE (zero, nullptr) << describe_error (error);
  ASSERT_NE (((GraftOutput *) zero->pdata[1]), nullptr);
  g_autoptr(GraftShape) shape = graft_output_get_shape (((GraftOutput *) zero->pdata[1]));
  EXPECT_EQ (graft_shape_get_rank (shape), 1);
  EXPECT_EQ (graft_shape_get_dim (shape, 0), 2);
}

TEST (Gradients, StopGradientsCutThePath)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 3.0);
  GraftOutput *a = graft_mul (g, x, x);  /* stopped: contributes nothing */
  GraftOutput *y = graft_add (g, a, x);
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients_full (g, &y, 1, &x, 1, nullptr, 0, &a, 1, nullptr,
                                                     GRAFT_UNCONNECTED_GRADIENTS_NONE, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  g_autoptr(GraftSession) s = graft_session_new (g);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[0])), 1.0);
}

TEST (Gradients, VariablesDifferentiateThroughTheirOutput)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GError *error = nullptr;
  g_autoptr(GraftInitializer) init = graft_initializer_new_constant (3.0);
  g_autoptr(GraftShape) shape = graft_shape_new_scalar ();
  GraftVariable *v = graft_graph_get_variable (g, "v", shape, GRAFT_DTYPE_FLOAT32, init, &error);
  ASSERT_NE (v, nullptr) << describe_error (error);
  GraftOutput *read = graft_variable_get_value (v);
  GraftOutput *y = graft_mul (g, read, read);
  GraftOutput *xs[] = { graft_variable_get_output (v), read };

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, xs, 2, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  ASSERT_NE (((GraftOutput *) d->pdata[0]), nullptr);
  ASSERT_NE (((GraftOutput *) d->pdata[1]), nullptr);
  g_autoptr(GraftSession) s = graft_session_new (g);
  ASSERT_TRUE (graft_session_run_target (s, graft_graph_global_variables_initializer (g, nullptr), &error))
    << describe_error (error);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[0])), 6.0);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[1])), 6.0);
}

/* A million-op chain: the walk is iterative, so no stack overflows. */
TEST (Gradients, LongChainsDoNotRecurse)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 1.0);
  GraftOutput *y = x;
  GError *error = nullptr;

  for (int i = 0; i < 1000000; i++)
    y = graft_identity (g, y);
  ASSERT_NE (y, nullptr);
  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, &x, 1, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  EXPECT_STREQ (graft_output_get_op_type (((GraftOutput *) d->pdata[0])), "Identity");
}

TEST (Gradients, BadArgumentsLeaveTheGraphAsItWas)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftGraph) other = graft_graph_new ();
  GraftOutput *x = scalar (g, 1.0);
  GraftOutput *y = graft_mul (g, x, x);
  GraftOutput *foreign = scalar (other, 1.0);
  GraftOutput *gy64 = scalar (g, 1.0, GRAFT_DTYPE_FLOAT64);
  guint before = graft_graph_get_num_operations (g);
  GError *error = nullptr;

  EXPECT_EQ ((GPtrArray *) graft_gradients (g, &y, 1, &foreign, 1, &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT));
  EXPECT_NE (strstr (error->message, "same graph"), nullptr) << error->message;
  g_clear_error (&error);

  EXPECT_EQ (graft_gradients_full (g, &y, 1, &x, 1, &gy64, 1, nullptr, 0, nullptr,
                                   GRAFT_UNCONNECTED_GRADIENTS_NONE, &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT));
  EXPECT_NE (strstr (error->message, "float64"), nullptr) << error->message;
  g_clear_error (&error);
  EXPECT_EQ (graft_graph_get_num_operations (g), before);
}

/* An op type with no gradient is TensorFlow's LookupError, before anything
 * is built; registering one at run time (as bindings do) makes it work. */
gboolean
double_grad (GraftGradContext *ctx,
             gpointer          user_data,
             GError          **error)
{
  GraftGraph *g = graft_grad_context_get_graph (ctx);
  GraftOutput *two = scalar (g, 2.0);
  GraftOutput *d = graft_mul (g, graft_grad_context_get_grad (ctx, 0), two);

  (*(int *) user_data)++;
  if (d == NULL)
    {
      g_propagate_error (error, graft_graph_take_error (g));
      return FALSE;
    }
  graft_grad_context_set_input_grad (ctx, 0, d);
  return TRUE;
}

TEST (Gradients, OpsWithoutGradientsAreLookupErrors)
{
  const char *dir = g_getenv ("GRAFT_TEST_FIXTURES_DIR");
  ASSERT_NE (dir, nullptr);
  g_autofree char *file = g_build_filename (dir, "graft-fixture-good.so", NULL);
  GraftPlugin *plugin = graft_registry_load_plugin (graft_registry_get_default (), file, nullptr);
  ASSERT_NE (plugin, nullptr);

  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = scalar (g, 3.0);
  GraftOutput *y = graft_graph_add_op (g, "fixture.Double", "twice", &x, 1, nullptr);
  ASSERT_NE (y, nullptr);
  guint before = graft_graph_get_num_operations (g);
  GError *error = nullptr;

  EXPECT_EQ (graft_gradients (g, &y, 1, &x, 1, &error), nullptr);
  EXPECT_TRUE (graft_test::ErrorIs (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_NO_GRADIENT,
                                    "No gradient defined for operation 'twice' (op type: fixture.Double)"));
  g_clear_error (&error);
  EXPECT_EQ (graft_graph_get_num_operations (g), before);

  static int calls = 0;
  ASSERT_TRUE (graft_registry_register_gradient (graft_registry_get_default (), "fixture.Double", double_grad,
                                                 &calls, nullptr, &error)) << describe_error (error);
  EXPECT_FALSE (graft_registry_register_gradient (graft_registry_get_default (), "fixture.Double", double_grad,
                                                  &calls, nullptr, &error));
  EXPECT_TRUE (g_error_matches (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME));
  g_clear_error (&error);

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, &x, 1, &error);
  ASSERT_NE (d, nullptr) << describe_error (error);
  EXPECT_EQ (calls, 1);
  EXPECT_STREQ (graft_output_get_op_name (((GraftOutput *) d->pdata[0])), "gradients/twice_grad/mul");
  g_autoptr(GraftSession) s = graft_session_new (g);
  EXPECT_DOUBLE_EQ (fetch_scalar (s, ((GraftOutput *) d->pdata[0])), 2.0);
}

} // namespace
