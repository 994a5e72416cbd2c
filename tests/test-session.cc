/* test-session.cc: GraftSession — feeds, fetches, targets, pruning,
 * variables, callables, threads and cancellation. */
#include <gtest/gtest.h>
#include <graft.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

namespace {

struct GraphFixture : public ::testing::Test {
  GraftGraph *graph = nullptr;
  GError *error = nullptr;

  void SetUp () override { graph = graft_graph_new (); }
  void TearDown () override
  {
    g_clear_error (&error);
    g_clear_object (&graph);
  }

  GraftOutput *
  placeholder (const char *name, GraftDType dtype, GraftShape *shape)
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", name);
    graft_op_builder_set_attr_type (b, "dtype", dtype);
    if (shape)
      graft_op_builder_set_attr_shape (b, "shape", shape);
    GraftOutput *o = graft_op_builder_finish (b, &error);
    EXPECT_NE (o, nullptr) << (error ? error->message : "");
    return o;
  }

  GraftOutput *
  constant (const char *name, GraftTensor *value)
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Const", name);
    graft_op_builder_set_attr_tensor (b, "value", value);
    graft_op_builder_set_attr_type (b, "dtype", graft_tensor_get_dtype (value));
    GraftOutput *o = graft_op_builder_finish (b, &error);
    EXPECT_NE (o, nullptr) << (error ? error->message : "");
    return o;
  }

  GraftOutput *
  binary (const char *type, GraftOutput *x, GraftOutput *y, const char *name = nullptr)
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, type, name);
    graft_op_builder_add_input (b, x);
    graft_op_builder_add_input (b, y);
    GraftOutput *o = graft_op_builder_finish (b, &error);
    EXPECT_NE (o, nullptr) << (error ? error->message : "");
    return o;
  }

  GraftOutput *
  scalar (float v)
  {
    g_autoptr(GraftTensor) t = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, v);
    return constant (nullptr, t);
  }
};

GraftTensor *
floats (std::vector<float> values, GraftShape *shape = nullptr)
{
  return graft_tensor_new_from_floats (values.data (), values.size (), shape, nullptr);
}

std::vector<double>
values_of (GraftTensor *t)
{
  gsize n;
  g_autofree double *v = graft_tensor_dup_doubles (t, &n);
  return std::vector<double> (v, v + n);
}

class Session : public GraphFixture {};

TEST_F (Session, FetchesComputeWhatTheyNeed)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (3);
  g_autoptr(GraftTensor) a = floats ({ 1, 2, 3 }, shape);
  GraftOutput *ca = constant ("a", a);
  GraftOutput *sum = binary ("Add", ca, ca);
  GraftOutput *prod = binary ("Mul", sum, scalar (10));
  g_autoptr(GraftSession) s = graft_session_new (graph);
  GraftOutput *fetches[] = { prod, sum };
  guint n = 0;
  GraftTensor **out = graft_session_run (s, nullptr, nullptr, 0, fetches, 2, nullptr, 0, nullptr, &n, &error);

  ASSERT_NE (out, nullptr) << error->message;
  ASSERT_EQ (n, 2u);
  EXPECT_EQ (values_of (out[0]), (std::vector<double>{ 20, 40, 60 }));
  EXPECT_EQ (values_of (out[1]), (std::vector<double>{ 2, 4, 6 }));
  EXPECT_EQ (graft_tensor_get_dtype (out[0]), GRAFT_DTYPE_FLOAT32);
  for (guint i = 0; i < n; i++)
    graft_tensor_unref (out[i]);
  g_free (out);
}

TEST_F (Session, UnfedPlaceholderIsAnErrorNamingIt)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (-1, 2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *y = binary ("Mul", x, scalar (2));
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftTensor) r = graft_session_fetch (s, y, &error);

  EXPECT_EQ (r, nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNFED_PLACEHOLDER));
  EXPECT_STREQ (error->message, "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,2]");
}

TEST_F (Session, FeedsReplaceAnyOutputAndPruneWhatIsBehind)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *doubled = binary ("Add", x, x);
  GraftOutput *out = binary ("Mul", doubled, scalar (3));
  g_autoptr(GraftSession) s = graft_session_new (graph);
  /* Feeding the intermediate: the unfed placeholder behind it is never
   * needed. */
  g_autoptr(GraftTensor) v = floats ({ 5, 7 }, shape);
  GraftOutput *feeds[] = { doubled };
  GraftTensor *values[] = { v };
  guint n;
  GraftTensor **r = graft_session_run (s, feeds, values, 1, &out, 1, nullptr, 0, nullptr, &n, &error);

  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (values_of (r[0]), (std::vector<double>{ 15, 21 }));
  graft_tensor_unref (r[0]);
  g_free (r);

  /* Fetching a fed output returns the feed itself. */
  r = graft_session_run (s, feeds, values, 1, feeds, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (r[0], v);
  graft_tensor_unref (r[0]);
  g_free (r);
}

TEST_F (Session, PartialShapesAreResolvedAtRunTime)
{
  g_autoptr(GraftShape) partial = graft_shape_new_matrix (-1, 2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, partial);
  GraftOutput *y = binary ("Add", x, scalar (1));
  g_autoptr(GraftSession) s = graft_session_new (graph);

  for (int rows = 1; rows <= 3; rows++)
    {
      g_autoptr(GraftShape) shape = graft_shape_new_matrix (rows, 2);
      std::vector<float> data (rows * 2);
      for (int i = 0; i < rows * 2; i++)
        data[i] = i;
      g_autoptr(GraftTensor) v = floats (data, shape);
      GraftTensor *values[] = { v };
      guint n;
      GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
      ASSERT_NE (r, nullptr) << error->message;
      EXPECT_TRUE (graft_shape_equal (graft_tensor_get_shape (r[0]), shape));
      EXPECT_EQ (graft_tensor_get_double (r[0], rows * 2 - 1), rows * 2);
      graft_tensor_unref (r[0]);
      g_free (r);
    }
}

TEST_F (Session, BadFeedsAndFetchesAreErrors)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *y = binary ("Add", x, x);
  g_autoptr(GraftSession) s = graft_session_new (graph);
  guint n;

  /* Wrong dtype. */
  gint32 iv[2] = { 1, 2 };
  g_autoptr(GraftTensor) ints = graft_tensor_new_from_int32s (iv, 2, nullptr, nullptr);
  GraftTensor *values[] = { ints };
  EXPECT_EQ (graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED));
  EXPECT_STREQ (error->message, "Cannot feed an int32 tensor to x:0, which is float32");
  g_clear_error (&error);

  /* Wrong shape. */
  g_autoptr(GraftTensor) three = floats ({ 1, 2, 3 });
  values[0] = three;
  EXPECT_EQ (graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED));
  EXPECT_STREQ (error->message, "Cannot feed value of shape (3,) for Tensor 'x:0', which has shape '(2,)'");
  g_clear_error (&error);

  /* Fed twice. */
  g_autoptr(GraftTensor) two = floats ({ 1, 2 });
  GraftOutput *feeds2[] = { x, x };
  GraftTensor *values2[] = { two, two };
  EXPECT_EQ (graft_session_run (s, feeds2, values2, 2, &y, 1, nullptr, 0, nullptr, &n, &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED));
  g_clear_error (&error);

  /* An op without outputs cannot be fetched, only run. */
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "NoOp", "group");
  GraftOutput *noop = graft_op_builder_finish (b, &error);
  ASSERT_NE (noop, nullptr);
  EXPECT_EQ (graft_session_fetch (s, noop, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FETCH));
  EXPECT_NE (strstr (error->message, "group"), nullptr);
  g_clear_error (&error);
  EXPECT_TRUE (graft_session_run_target (s, noop, &error));

  /* An output of another graph. */
  g_autoptr(GraftGraph) other = graft_graph_new ();
  g_autoptr(GraftOpBuilder) ob = graft_op_builder_new (other, "NoOp", "elsewhere");
  GraftOutput *foreign = graft_op_builder_finish (ob, nullptr);
  EXPECT_FALSE (graft_session_run_target (s, foreign, &error));
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FETCH));
  g_clear_error (&error);

  /* The session is still usable after every failure. */
  values[0] = two;
  GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr);
  EXPECT_EQ (values_of (r[0]), (std::vector<double>{ 2, 4 }));
  graft_tensor_unref (r[0]);
  g_free (r);
}

class Variables : public GraphFixture {};

TEST_F (Variables, UninitializedReadNamesTheVariable)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  g_autoptr(GraftScopeGuard) scope = graft_graph_enter_variable_scope (graph, "layer", GRAFT_REUSE_INHERIT, &error);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *v = graft_graph_get_variable (graph, "w", shape, GRAFT_DTYPE_INVALID, zeros, &error);
  ASSERT_NE (v, nullptr);
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftTensor) r = graft_session_fetch (s, graft_variable_get_value (v), &error);

  EXPECT_EQ (r, nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNINITIALIZED));
  EXPECT_STREQ (error->message, "Attempting to use uninitialized value layer/w");
  g_auto(GStrv) names = graft_session_report_uninitialized_variables (s);
  ASSERT_EQ (g_strv_length (names), 1u);
  EXPECT_STREQ (names[0], "layer/w");
}

TEST_F (Variables, InitializersAssignmentsAndSessionsOwnValues)
{
  float init[] = { 1, 2, 3 };
  g_autoptr(GraftTensor) t = graft_tensor_new_from_floats (init, 3, nullptr, nullptr);
  g_autoptr(GraftInitializer) value = graft_initializer_new_value (t);
  GraftVariable *v = graft_graph_get_variable (graph, "v", nullptr, GRAFT_DTYPE_INVALID, value, &error);
  ASSERT_NE (v, nullptr);
  GraftOutput *init_op = graft_graph_global_variables_initializer (graph, &error);
  ASSERT_NE (init_op, nullptr);
  EXPECT_STREQ (graft_output_get_op_name (init_op), "init");
  g_autoptr(GraftTensor) ones = floats ({ 1, 1, 1 });
  GraftOutput *inc = graft_variable_assign_add (v, constant ("one", ones), &error);
  ASSERT_NE (inc, nullptr);
  GraftOutput *dec = graft_variable_assign_sub (v, constant ("two", ones), &error);
  ASSERT_NE (dec, nullptr);

  g_autoptr(GraftSession) s1 = graft_session_new (graph);
  g_autoptr(GraftSession) s2 = graft_session_new (graph);
  ASSERT_TRUE (graft_session_run_target (s1, init_op, &error));
  EXPECT_TRUE (graft_session_is_initialized (s1, v));
  EXPECT_FALSE (graft_session_is_initialized (s2, v));

  for (int i = 0; i < 3; i++)
    ASSERT_TRUE (graft_session_run_target (s1, inc, &error)) << error->message;
  ASSERT_TRUE (graft_session_run_target (s1, dec, &error));
  g_autoptr(GraftTensor) r = graft_session_fetch (s1, graft_variable_get_value (v), &error);
  ASSERT_NE (r, nullptr);
  EXPECT_EQ (values_of (r), (std::vector<double>{ 3, 4, 5 }));

  /* s2 has its own, still uninitialized, copy. */
  EXPECT_EQ (graft_session_fetch (s2, graft_variable_get_value (v), &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNINITIALIZED));
  g_clear_error (&error);
  EXPECT_FALSE (graft_session_run_target (s2, inc, &error));
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNINITIALIZED));
  g_clear_error (&error);

  /* Re-running the initializer resets the value. */
  ASSERT_TRUE (graft_session_run_target (s1, init_op, &error));
  g_autoptr(GraftTensor) again = graft_session_fetch (s1, graft_variable_get_value (v), &error);
  EXPECT_EQ (values_of (again), (std::vector<double>{ 1, 2, 3 }));
}

TEST_F (Variables, AssignChecksTheShapeAtRunTime)
{
  g_autoptr(GraftShape) two = graft_shape_new_vector (2);
  g_autoptr(GraftShape) any = graft_shape_new_vector (-1);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *v = graft_graph_get_variable (graph, "v", two, GRAFT_DTYPE_INVALID, zeros, &error);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, any);
  GraftOutput *assign = graft_variable_assign (v, x, &error);
  ASSERT_NE (assign, nullptr) << error->message;
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftTensor) three = floats ({ 1, 2, 3 });
  GraftTensor *values[] = { three };
  guint n;

  EXPECT_EQ (graft_session_run (s, &x, values, 1, nullptr, 0, &assign, 1, nullptr, &n, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE));
  EXPECT_NE (strstr (error->message, "lhs shape= (2,) rhs shape= (3,)"), nullptr) << error->message;
  EXPECT_FALSE (graft_session_is_initialized (s, v));
}

TEST_F (Variables, SameGraphSeedGivesSameValuesEverywhere)
{
  auto make = [] (gint64 seed) {
    GraftGraph *g = graft_graph_new ();
    graft_graph_set_seed (g, seed);
    g_autoptr(GraftShape) shape = graft_shape_new_matrix (3, 4);
    GraftVariable *v = graft_graph_get_variable (g, "w", shape, GRAFT_DTYPE_INVALID, nullptr, nullptr);
    g_autoptr(GraftSession) s = graft_session_new (g);
    EXPECT_TRUE (graft_session_run_target (s, graft_graph_global_variables_initializer (g, nullptr), nullptr));
    GraftTensor *t = graft_session_get_variable_value (s, v);
    g_object_unref (g);
    return t;
  };
  g_autoptr(GraftTensor) a = make (42);
  g_autoptr(GraftTensor) b = make (42);
  g_autoptr(GraftTensor) c = make (7);

  ASSERT_NE (a, nullptr);
  EXPECT_TRUE (graft_tensor_equal (a, b));
  EXPECT_FALSE (graft_tensor_equal (a, c));
  /* glorot_uniform on (3, 4): |x| ≤ sqrt(6/7). */
  for (double x : values_of (a))
    EXPECT_LE (std::abs (x), std::sqrt (6.0 / 7.0));
}

class Runs : public GraphFixture {};

TEST_F (Runs, CallablesRepeatWithNewFeeds)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *y = binary ("Mul", x, x);
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftCallable) c = graft_session_make_callable (s, &x, 1, &y, 1, nullptr, 0, &error);
  ASSERT_NE (c, nullptr);
  EXPECT_EQ (graft_callable_get_num_feeds (c), 1u);
  EXPECT_EQ (graft_callable_get_num_fetches (c), 1u);

  for (int i = 0; i < 100; i++)
    {
      g_autoptr(GraftTensor) v = floats ({ (float) i, (float) -i });
      GraftTensor *values[] = { v };
      GraftTensor *result = nullptr;
      ASSERT_TRUE (graft_callable_run_into (c, values, &result, nullptr, &error));
      EXPECT_EQ (values_of (result), (std::vector<double>{ (double) i * i, (double) i * i }));
      graft_tensor_unref (result);
    }
  guint n;
  EXPECT_EQ (graft_callable_run (c, nullptr, 0, nullptr, &n, &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED));
  g_clear_error (&error);

  /* Errors that do not depend on values surface when the callable is
   * made. */
  GraftCallable *bad = graft_session_make_callable (s, nullptr, 0, &y, 1, nullptr, 0, &error);
  EXPECT_EQ (bad, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNFED_PLACEHOLDER));
}

TEST_F (Runs, AMillionOpChainRuns)
{
  /* Planning and running are iterative: a deep chain must not overflow
   * the stack. */
  const int n = 1000000;
  g_autoptr(GraftTensor) one = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 1);
  GraftOutput *c = constant ("one", one);
  GraftOutput *x = c;
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Add", nullptr);
      graft_op_builder_add_input (b, x);
      graft_op_builder_add_input (b, c);
      x = graft_op_builder_finish (b, nullptr);
      ASSERT_NE (x, nullptr);
    }
  EXPECT_STREQ (graft_output_get_op_name (x), "add_999999");
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftTensor) r = graft_session_fetch (s, x, &error);
  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (graft_tensor_get_double (r, 0), n + 1.0);
}

/* A graph wide and deep enough that concurrent runs overlap. */
static GraftOutput *
build_wide (GraphFixture *f, GraftOutput *x, int width, int depth)
{
  std::vector<GraftOutput *> branches;
  for (int w = 0; w < width; w++)
    {
      GraftOutput *b = x;
      for (int d = 0; d < depth; d++)
        b = f->binary (d % 2 ? "Mul" : "Add", b, f->scalar (1.0f + 0.01f * (w + d)));
      branches.push_back (b);
    }
  GraftOutput *sum = branches[0];
  for (int w = 1; w < width; w++)
    sum = f->binary ("Add", sum, branches[w]);
  return sum;
}

TEST_F (Runs, ConcurrentRunsAgreeWithSequentialRuns)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (256);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *y = build_wide (this, x, 8, 40);
  g_autoptr(GraftSession) s = graft_session_new (graph);
  const int n_threads = 8, n_runs = 50;
  std::vector<GraftTensor *> inputs, expected;

  for (int i = 0; i < n_threads * n_runs; i++)
    {
      std::vector<float> data (256);
      for (int k = 0; k < 256; k++)
        data[k] = (float) ((i * 31 + k) % 97) / 97.0f;
      inputs.push_back (graft_tensor_new_from_floats (data.data (), 256, shape, nullptr));
    }
  /* Sequential reference, one run at a time. */
  for (GraftTensor *in : inputs)
    {
      GraftTensor *values[] = { in };
      guint n;
      GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
      ASSERT_NE (r, nullptr);
      expected.push_back (r[0]);
      g_free (r);
    }
  /* The same runs from 8 threads at once, interleaved. */
  std::vector<GraftTensor *> got (inputs.size (), nullptr);
  std::atomic<int> failures{ 0 };
  std::vector<std::thread> threads;
  for (int t = 0; t < n_threads; t++)
    threads.emplace_back ([&, t] {
      for (int r = 0; r < n_runs; r++)
        {
          int i = r * n_threads + t;
          GraftTensor *values[] = { inputs[i] };
          guint n;
          GError *e = nullptr;
          GraftTensor **res = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &e);
          if (res == nullptr)
            {
              failures++;
              g_clear_error (&e);
              continue;
            }
          got[i] = res[0];
          g_free (res);
        }
    });
  for (auto &th : threads)
    th.join ();
  EXPECT_EQ (failures.load (), 0);
  for (size_t i = 0; i < inputs.size (); i++)
    {
      ASSERT_NE (got[i], nullptr);
      EXPECT_TRUE (graft_tensor_equal (got[i], expected[i])) << "run " << i;
      graft_tensor_unref (got[i]);
      graft_tensor_unref (expected[i]);
      graft_tensor_unref (inputs[i]);
    }
}

TEST_F (Runs, ParallelBranchesGiveTheSequentialResult)
{
  /* Heavy independent branches make the plan parallel when the pool has
   * more than one thread; the values must not change. */
  g_autoptr(GraftShape) shape = graft_shape_new_vector (100000);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *y = build_wide (this, x, 4, 6);
  std::vector<float> data (100000);
  for (int k = 0; k < 100000; k++)
    data[k] = (float) (k % 13);
  g_autoptr(GraftTensor) in = graft_tensor_new_from_floats (data.data (), data.size (), shape, nullptr);
  GraftTensor *values[] = { in };
  GraftTensor *results[4] = { nullptr };

  for (guint threads = 1; threads <= 4; threads++)
    {
      g_autoptr(GraftSession) s = graft_session_new (graph);
      graft_session_set_num_threads (s, threads);
      EXPECT_EQ (graft_session_get_num_threads (s), threads);
      guint n;
      GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
      ASSERT_NE (r, nullptr) << error->message;
      results[threads - 1] = r[0];
      g_free (r);
    }
  for (int i = 1; i < 4; i++)
    {
      EXPECT_TRUE (graft_tensor_equal (results[0], results[i])) << i + 1 << " threads";
      graft_tensor_unref (results[i]);
    }
  graft_tensor_unref (results[0]);
}

struct CancelState {
  GCancellable *cancellable;
  std::atomic<int> later_runs{ 0 };
};

/* A closure kernel that cancels the run it is part of. */
static GraftTensor *
cancel_kernel (GraftKernel *, GraftTensor *x, gpointer data)
{
  auto *st = static_cast<CancelState *> (data);
  g_cancellable_cancel (st->cancellable);
  return graft_tensor_ref (x);
}

static GraftTensor *
count_kernel (GraftKernel *, GraftTensor *x, gpointer data)
{
  auto *st = static_cast<CancelState *> (data);
  st->later_runs++;
  return graft_tensor_ref (x);
}

TEST_F (Runs, CancellationStopsBetweenOpsAndLeavesTheSessionUsable)
{
  static CancelState st;
  static gsize once = 0;
  GraftRegistry *reg = graft_registry_get_default ();

  st.cancellable = g_cancellable_new ();
  if (g_once_init_enter (&once))
    {
      GClosure *c1 = g_cclosure_new (G_CALLBACK (cancel_kernel), &st, nullptr);
      GClosure *c2 = g_cclosure_new (G_CALLBACK (count_kernel), &st, nullptr);
      ASSERT_TRUE (graft_registry_register_op_closure (reg, "test.Cancel", "(x: float32) -> (y: float32)",
                                                       "Cancels the run", c1, &error));
      ASSERT_TRUE (graft_registry_register_op_closure (reg, "test.Count", "(x: float32) -> (y: float32)",
                                                       "Counts its runs", c2, &error));
      g_once_init_leave (&once, 1);
    }
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  g_autoptr(GraftOpBuilder) b1 = graft_op_builder_new (graph, "test.Cancel", nullptr);
  graft_op_builder_add_input (b1, x);
  GraftOutput *c = graft_op_builder_finish (b1, &error);
  ASSERT_NE (c, nullptr) << error->message;
  g_autoptr(GraftOpBuilder) b2 = graft_op_builder_new (graph, "test.Count", nullptr);
  graft_op_builder_add_input (b2, c);
  GraftOutput *d = graft_op_builder_finish (b2, &error);
  ASSERT_NE (d, nullptr);

  g_autoptr(GraftSession) s = graft_session_new (graph);
  graft_session_set_num_threads (s, 1);
  g_autoptr(GraftTensor) v = floats ({ 1, 2 });
  GraftTensor *values[] = { v };
  guint n;
  GraftTensor **r = graft_session_run (s, &x, values, 1, &d, 1, nullptr, 0, st.cancellable, &n, &error);
  EXPECT_EQ (r, nullptr);
  ASSERT_TRUE (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  EXPECT_EQ (st.later_runs.load (), 0);
  g_clear_error (&error);

  /* Usable afterwards, with a fresh cancellable or none. */
  r = graft_session_run (s, &x, values, 1, &c, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (values_of (r[0]), (std::vector<double>{ 1, 2 }));
  graft_tensor_unref (r[0]);
  g_free (r);
  g_object_unref (st.cancellable);
}

/* Far more threads than a system gives: clamped, and the run works
 * (it aborted in g_thread_new, "Error creating thread"). */
TEST_F (Runs, HugeThreadCountsAreClampedAndRun)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (100000);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  GraftOutput *y = build_wide (this, x, 4, 2);
  std::vector<float> data (100000, 1.0f);
  g_autoptr(GraftTensor) in = graft_tensor_new_from_floats (data.data (), data.size (), shape, nullptr);
  GraftTensor *values[] = { in };
  g_autoptr(GraftSession) s = graft_session_new (graph);

  graft_session_set_num_threads (s, 100000);
  EXPECT_EQ (graft_session_get_num_threads (s), (guint) GRAFT_SESSION_MAX_THREADS);
  guint n;
  GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr) << error->message;
  graft_tensor_unref (r[0]);
  g_free (r);
}

/* When the system refuses threads (here: an address-space limit leaves no
 * room for their stacks), the pool runs with those it got. In a child
 * process so that the limit stays there. */
TEST_F (Runs, RefusedThreadsDoNotAbort)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  /* The sanitizers' own mappings do not fit under an address-space limit. */
  GTEST_SKIP () << "an address-space limit and a sanitizer do not mix";
#endif
  GTEST_FLAG_SET (death_test_style, "threadsafe");
  EXPECT_EXIT (
    {
      g_autoptr(GraftShape) shape = graft_shape_new_vector (100000);
      GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
      GraftOutput *y = build_wide (this, x, 4, 2);
      std::vector<float> data (100000, 1.0f);
      g_autoptr(GraftTensor) in = graft_tensor_new_from_floats (data.data (), data.size (), shape, nullptr);
      GraftTensor *values[] = { in };
      g_autoptr(GraftSession) s = graft_session_new (graph);
      g_autofree char *statm = nullptr;
      guint64 pages = 0;
      struct rlimit limit;

      /* Room for the run's buffers, not for 512 thread stacks of 8 MiB. */
      g_file_get_contents ("/proc/self/statm", &statm, nullptr, nullptr);
      pages = g_ascii_strtoull (statm, nullptr, 10);
      limit.rlim_cur = limit.rlim_max = pages * sysconf (_SC_PAGESIZE) + 256 * 1024 * 1024;
      setrlimit (RLIMIT_AS, &limit);
      graft_session_set_num_threads (s, 512);
      guint n;
      GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, nullptr);
      exit (r != nullptr ? 0 : 1);
    },
    ::testing::ExitedWithCode (0), "");
}

class Close : public GraphFixture {};

TEST_F (Close, ClosedSessionRefusesRunsAndReleasesValues)
{
  float init[] = { 1, 2 };
  g_autoptr(GraftTensor) t = graft_tensor_new_from_floats (init, 2, nullptr, nullptr);
  g_autoptr(GraftInitializer) value = graft_initializer_new_value (t);
  GraftVariable *v = graft_graph_get_variable (graph, "v", nullptr, GRAFT_DTYPE_INVALID, value, &error);
  ASSERT_NE (v, nullptr);
  GraftOutput *init_op = graft_graph_global_variables_initializer (graph, &error);
  g_autoptr(GraftSession) s = graft_session_new (graph);
  GraftOutput *read = graft_variable_get_value (v);
  g_autoptr(GraftCallable) callable = nullptr;
  ASSERT_TRUE (graft_session_run_target (s, init_op, &error));
  callable = graft_session_make_callable (s, nullptr, 0, &read, 1, nullptr, 0, &error);
  ASSERT_NE (callable, nullptr) << error->message;
  EXPECT_FALSE (graft_session_is_closed (s));

  ASSERT_TRUE (graft_session_close (s, &error));
  EXPECT_TRUE (graft_session_is_closed (s));
  EXPECT_FALSE (graft_session_is_initialized (s, v));
  EXPECT_EQ (graft_session_fetch (s, read, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED));
  EXPECT_STREQ (error->message, "Attempted to use a closed Session.");
  g_clear_error (&error);
  EXPECT_FALSE (graft_session_run_target (s, init_op, &error));
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED));
  g_clear_error (&error);
  guint n;
  EXPECT_EQ (graft_callable_run (callable, nullptr, 0, nullptr, &n, &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED));
  g_clear_error (&error);

  /* Twice is fine. */
  EXPECT_TRUE (graft_session_close (s, &error));
}

struct InFlight {
  GraftSession *session;
  GThread *closer;
};

static gpointer
close_session (gpointer data)
{
  graft_session_close (static_cast<GraftSession *> (data), nullptr);
  return nullptr;
}

/* A kernel that closes its own session from another thread, and returns
 * only once the session is marked closed: close must wait for this run. */
static GraftTensor *
close_kernel (GraftKernel *, GraftTensor *x, gpointer data)
{
  auto *st = static_cast<InFlight *> (data);
  st->closer = g_thread_new ("closer", close_session, st->session);
  while (!graft_session_is_closed (st->session))
    g_thread_yield ();
  return graft_tensor_ref (x);
}

TEST_F (Close, RunsInFlightFinish)
{
  static InFlight st;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      GClosure *c = g_cclosure_new (G_CALLBACK (close_kernel), &st, nullptr);
      ASSERT_TRUE (graft_registry_register_op_closure (graft_registry_get_default (), "test.CloseSession",
                                                       "(x: float32) -> (y: float32)", "Closes the session",
                                                       c, &error));
      g_once_init_leave (&once, 1);
    }
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "test.CloseSession", nullptr);
  graft_op_builder_add_input (b, x);
  GraftOutput *y = graft_op_builder_finish (b, &error);
  ASSERT_NE (y, nullptr) << error->message;
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftTensor) v = floats ({ 5, 6 });
  GraftTensor *values[] = { v };
  guint n;

  st.session = s;
  GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (values_of (r[0]), (std::vector<double>{ 5, 6 }));
  graft_tensor_unref (r[0]);
  g_free (r);
  g_thread_join (st.closer);
  EXPECT_EQ (graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED));
}

} // namespace

namespace {

class Shapes : public GraphFixture {};

TEST_F (Shapes, FedShapesAreCheckedAgainstStaticOutputs)
{
  /* (?, 3) + (2, 3) is inferred as (2, 3) when built; a (5, 3) feed does
   * not broadcast and must fail by shape, not reach the kernel. */
  g_autoptr(GraftShape) partial = graft_shape_new_matrix (-1, 3);
  g_autoptr(GraftShape) two_by_three = graft_shape_new_matrix (2, 3);
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, partial);
  g_autoptr(GraftTensor) c = floats ({ 1, 2, 3, 4, 5, 6 }, two_by_three);
  GraftOutput *y = binary ("Add", x, constant ("c", c));
  g_autoptr(GraftSession) s = graft_session_new (graph);
  guint n;

  g_autoptr(GraftShape) five = graft_shape_new_matrix (5, 3);
  g_autoptr(GraftTensor) bad = floats (std::vector<float> (15, 1.0f), five);
  GraftTensor *values[] = { bad };
  EXPECT_EQ (graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE)) << error->message;
  EXPECT_NE (strstr (error->message, "(5, 3)"), nullptr) << error->message;
  g_clear_error (&error);

  /* A (1, 3) feed broadcasts to the inferred (2, 3). */
  g_autoptr(GraftShape) one = graft_shape_new_matrix (1, 3);
  g_autoptr(GraftTensor) row = floats ({ 10, 20, 30 }, one);
  values[0] = row;
  GraftTensor **r = graft_session_run (s, &x, values, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (values_of (r[0]), (std::vector<double>{ 11, 22, 33, 14, 25, 36 }));
  graft_tensor_unref (r[0]);
  g_free (r);
}

/* ---- sizes: element counts that overflow, and memory that runs out ---- */

class Sizes : public GraphFixture {};

/* The probe shapes of issue 9: each wrapped, or was misreported, before
 * element counts were checked. */
struct HugeShape {
  gint64 dims[2];
  const char *text;
};

const HugeShape huge_shapes[] = {
  { { 3, G_GINT64_CONSTANT (6148914691236517206) }, "(3, 6148914691236517206)" },
  { { G_GINT64_CONSTANT (1) << 32, G_GINT64_CONSTANT (1) << 32 }, "(4294967296, 4294967296)" },
  { { G_GINT64_CONSTANT (1) << 62, 8 }, "(4611686018427387904, 8)" },
  { { G_MAXINT64, 2 }, "(9223372036854775807, 2)" },
};

TEST_F (Sizes, OverflowingShapesAreRefusedWhenTheOpIsBuilt)
{
  int i = 0;

  for (const HugeShape &h : huge_shapes)
    {
      std::string name = "x" + std::to_string (i++);
      g_autoptr(GraftShape) shape = graft_shape_new (h.dims, 2);
      g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", name.c_str ());
      graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT32);
      graft_op_builder_set_attr_shape (b, "shape", shape);
      std::string want = "Placeholder op '" + name + "': Shape " + h.text + " has too many elements";

      EXPECT_EQ (graft_shape_get_num_elements (shape), -1) << h.text;
      EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr) << h.text;
      ASSERT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE)) << h.text;
      EXPECT_EQ (std::string (error->message), want);
      g_clear_error (&error);
      /* No op was added. */
      EXPECT_EQ (graft_graph_get_operation (graph, name.c_str ()), nullptr);
    }

  /* Every shape function is covered, not only Placeholder's: Fill's output
   * comes from its attribute. */
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Fill", "f");
  gint64 dims[] = { G_GINT64_CONSTANT (1) << 62, 8 };
  graft_op_builder_add_input (b, scalar (1));
  graft_op_builder_set_attr_ints (b, "dims", dims, 2);
  EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE));
  EXPECT_STREQ (error->message, "Fill op 'f': Shape (4611686018427387904, 8) has too many elements");
}

TEST_F (Sizes, OverflowingShapesAreRefusedForTensors)
{
  for (const HugeShape &h : huge_shapes)
    {
      g_autoptr(GraftShape) shape = graft_shape_new (h.dims, 2);
      g_autoptr(GraftTensor) t = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, shape, &error);
      std::string want = std::string ("Shape ") + h.text + " has too many elements";

      EXPECT_EQ (t, nullptr);
      ASSERT_TRUE (g_error_matches (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_INVALID_SHAPE)) << h.text;
      EXPECT_EQ (std::string (error->message), want);
      g_clear_error (&error);

      float one = 1;
      g_autoptr(GraftTensor) d = graft_tensor_new_from_data (GRAFT_DTYPE_FLOAT32, shape, &one, sizeof one, &error);
      EXPECT_EQ (d, nullptr);
      ASSERT_TRUE (g_error_matches (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_INVALID_SHAPE)) << h.text;
      EXPECT_EQ (std::string (error->message), want);
      g_clear_error (&error);
    }
}

TEST_F (Sizes, OverflowingVariableShapesAreRefused)
{
  gint64 dims[] = { G_GINT64_CONSTANT (1) << 62, 8 };
  g_autoptr(GraftShape) shape = graft_shape_new (dims, 2);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();

  EXPECT_EQ (graft_graph_get_variable (graph, "v", shape, GRAFT_DTYPE_FLOAT32, zeros, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "Shape (4611686018427387904, 8) has too many elements"), nullptr)
    << error->message;
  g_clear_error (&error);
  /* The store is as it was: the name can be taken by a small variable. */
  g_autoptr(GraftShape) two = graft_shape_new_vector (2);
  EXPECT_NE (graft_graph_get_variable (graph, "v", two, GRAFT_DTYPE_FLOAT32, zeros, &error), nullptr)
    << error->message;
}

const char *const oom_message =
  "OOM when allocating tensor with shape[4194304,1073741824] and type float on "
  "/job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu";

TEST_F (Sizes, AVariableLargerThanMemoryFailsWithOOMAndTheSessionGoesOn)
{
  /* 16 PiB of float32: a valid shape, more than any address space. */
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (4194304, 1073741824);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *v = graft_graph_get_variable (graph, "big", shape, GRAFT_DTYPE_FLOAT32, zeros, &error);
  ASSERT_NE (v, nullptr) << error->message;
  g_autoptr(GraftSession) s = graft_session_new (graph);

  EXPECT_FALSE (graft_session_run_target (s, graft_variable_get_initializer_op (v), &error));
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED))
    << (error ? error->message : "no error");
  EXPECT_STREQ (error->message, oom_message);
  g_clear_error (&error);
  EXPECT_FALSE (graft_session_is_initialized (s, v));

  GraftOutput *sum = binary ("Add", scalar (1), scalar (2));
  g_autoptr(GraftTensor) r = graft_session_fetch (s, sum, &error);
  ASSERT_NE (r, nullptr) << error->message;
  EXPECT_EQ (values_of (r), (std::vector<double>{ 3 }));

  /* Made eagerly, the tensor fails the same way. */
  g_autoptr(GraftTensor) t = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, shape, &error);
  EXPECT_EQ (t, nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_TENSOR_ERROR, GRAFT_TENSOR_ERROR_RESOURCE_EXHAUSTED));
  EXPECT_STREQ (error->message, oom_message);
}

TEST_F (Sizes, TheMemoryLimitCapsWhatARunAllocates)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (10, 100);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *v = graft_graph_get_variable (graph, "w", shape, GRAFT_DTYPE_FLOAT32, zeros, &error);
  ASSERT_NE (v, nullptr) << error->message;
  g_autoptr(GraftSession) s = graft_session_new (graph);
  guint64 limit = 0;

  EXPECT_EQ (graft_session_get_memory_limit (s), 0u);
  g_object_set (s, "memory-limit", (guint64) 1000, NULL);
  g_object_get (s, "memory-limit", &limit, NULL);
  EXPECT_EQ (limit, 1000u);

  /* 4000 bytes of zeros, then their copy as the variable's value. */
  EXPECT_FALSE (graft_session_run_target (s, graft_variable_get_initializer_op (v), &error));
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED));
  EXPECT_STREQ (error->message, "OOM when allocating tensor with shape[10,100] and type float on "
                                "/job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu");
  g_clear_error (&error);
  EXPECT_FALSE (graft_session_is_initialized (s, v));

  graft_session_set_memory_limit (s, 8192);
  ASSERT_TRUE (graft_session_run_target (s, graft_variable_get_initializer_op (v), &error)) << error->message;
  EXPECT_TRUE (graft_session_is_initialized (s, v));

  /* The fetch's copy counts too: 4000 bytes fit, 4000 + 4000 do not. */
  graft_session_set_memory_limit (s, 4100);
  GraftOutput *twice = binary ("Add", graft_variable_get_value (v), graft_variable_get_value (v));
  g_autoptr(GraftTensor) r = graft_session_fetch (s, twice, &error);
  EXPECT_EQ (r, nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED));
  g_clear_error (&error);

  graft_session_set_memory_limit (s, 0);
  g_autoptr(GraftTensor) r2 = graft_session_fetch (s, twice, &error);
  ASSERT_NE (r2, nullptr) << error->message;
  EXPECT_EQ (graft_tensor_get_num_elements (r2), 1000u);
}

TEST_F (Sizes, RunTimeShapesAreCheckedToo)
{
  /* Zero elements each, so cheap to feed; broadcast together, the sizes
   * that are not zero multiply to 2^64, which kernels computing strides
   * would wrap. The shapes are known only at run time. */
  GraftOutput *x = placeholder ("x", GRAFT_DTYPE_FLOAT32, nullptr);
  GraftOutput *y = placeholder ("y", GRAFT_DTYPE_FLOAT32, nullptr);
  GraftOutput *z = binary ("Mul", x, y, "z");
  gint64 xd[] = { G_GINT64_CONSTANT (1) << 32, 1, 0 }, yd[] = { 1, G_GINT64_CONSTANT (1) << 32, 0 };
  g_autoptr(GraftShape) xs = graft_shape_new (xd, 3);
  g_autoptr(GraftShape) ys = graft_shape_new (yd, 3);
  g_autoptr(GraftTensor) xt = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, xs, &error);
  ASSERT_NE (xt, nullptr) << error->message;
  g_autoptr(GraftTensor) yt = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, ys, &error);
  ASSERT_NE (yt, nullptr) << error->message;
  g_autoptr(GraftSession) s = graft_session_new (graph);
  GraftOutput *feeds[] = { x, y };
  GraftTensor *values[] = { xt, yt };
  guint n;

  EXPECT_EQ (graft_session_run (s, feeds, values, 2, &z, 1, nullptr, 0, nullptr, &n, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE))
    << (error ? error->message : "no error");
  EXPECT_STREQ (error->message, "Mul op 'z': Shape (4294967296, 4294967296, 0) has too many elements");
}

/* ---- results: the block pool and graft_session_run_into ---- */

gsize n_out;

struct Results : public GraphFixture {
  GraftOutput *x = nullptr;
  GraftOutput *y = nullptr;     /* -x, statically shaped */
  GraftTensor *value = nullptr;

  void SetUp () override
  {
    GraphFixture::SetUp ();
    g_autoptr(GraftShape) shape = graft_shape_new_matrix (256, 512);
    std::vector<float> v (256 * 512);
    for (size_t i = 0; i < v.size (); i++)
      v[i] = (float) i * 0.5f;
    x = placeholder ("x", GRAFT_DTYPE_FLOAT32, shape);
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Neg", "y");
    graft_op_builder_add_input (b, x);
    y = graft_op_builder_finish (b, &error);
    value = floats (v, shape);
  }
  void TearDown () override
  {
    g_clear_pointer (&value, graft_tensor_unref);
    GraphFixture::TearDown ();
  }
};

/* A dropped result's block serves the next run: recycled, not remapped. */
TEST_F (Results, BlocksAreRecycled)
{
  g_autoptr(GraftSession) s = graft_session_new (graph);
  guint n;
  GraftTensor **r1 = graft_session_run (s, &x, &value, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r1, nullptr) << error->message;
  gconstpointer first = graft_tensor_get_data (r1[0], &n_out);
  EXPECT_EQ (graft_tensor_get_floats (r1[0], &n_out)[3], -1.5f);
  graft_tensor_unref (r1[0]);
  g_free (r1);
  GraftTensor **r2 = graft_session_run (s, &x, &value, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r2, nullptr);
  EXPECT_EQ (graft_tensor_get_data (r2[0], &n_out), first);
  EXPECT_EQ (graft_tensor_get_floats (r2[0], &n_out)[3], -1.5f);
  /* Still held: the next run gets another block. */
  GraftTensor **r3 = graft_session_run (s, &x, &value, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r3, nullptr);
  EXPECT_NE (graft_tensor_get_data (r3[0], &n_out), first);
  graft_tensor_unref (r2[0]);
  graft_tensor_unref (r3[0]);
  g_free (r2);
  g_free (r3);
}

/* Results outlive their session, closed or finalized, and may be dropped
 * from another thread. */
TEST_F (Results, ResultsOutliveTheirSession)
{
  GraftTensor *kept[2];
  for (int closed = 0; closed < 2; closed++)
    {
      GraftSession *s = graft_session_new (graph);
      kept[closed] = graft_session_fetch (s, y, &error);
      ASSERT_EQ (kept[closed], nullptr) << "y needs its feed";
      g_clear_error (&error);
      guint n;
      GraftTensor **r = graft_session_run (s, &x, &value, 1, &y, 1, nullptr, 0, nullptr, &n, &error);
      ASSERT_NE (r, nullptr);
      kept[closed] = r[0];
      g_free (r);
      if (closed)
        {
          ASSERT_TRUE (graft_session_close (s, &error));
        }
      g_object_unref (s);
    }
  std::thread t ([&] {
    for (GraftTensor *k : kept)
      {
        const float *f = graft_tensor_get_floats (k, &n_out);
        EXPECT_EQ (f[0], -0.0f);
        EXPECT_EQ (f[256 * 512 - 1], -(float) (256 * 512 - 1) * 0.5f);
        graft_tensor_unref (k);
      }
  });
  t.join ();
}

TEST_F (Results, RunIntoWritesTheCallersTensor)
{
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (256, 512);
  g_autoptr(GraftTensor) out = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, shape, nullptr);
  gconstpointer data = graft_tensor_get_data (out, &n_out);
  g_autoptr(GraftTensor) three = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 3);
  GraftOutput *c = constant ("c", three);
  g_autoptr(GraftTensor) out_c = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 0);
  GraftOutput *fetches[] = { y, c, x };
  g_autoptr(GraftTensor) out_x = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, shape, nullptr);
  GraftTensor *outputs[] = { out, out_c, out_x };

  for (int rep = 0; rep < 2; rep++)
    {
      ASSERT_TRUE (graft_session_run_into (s, &x, &value, 1, fetches, outputs, 3, nullptr, 0, nullptr, &error))
        << error->message;
      EXPECT_EQ (graft_tensor_get_data (out, &n_out), data);
      const float *f = graft_tensor_get_floats (out, &n_out);
      for (int i = 0; i < 256 * 512; i += 97)
        ASSERT_EQ (f[i], -(float) i * 0.5f);
      EXPECT_EQ (graft_tensor_get_double (out_c, 0), 3.0);
      EXPECT_TRUE (graft_tensor_equal (out_x, value));
    }
  /* The callable form. */
  g_autoptr(GraftCallable) callable = graft_session_make_callable (s, &x, 1, &y, 1, nullptr, 0, &error);
  ASSERT_NE (callable, nullptr);
  memset ((void *) data, 0, 4);
  ASSERT_TRUE (graft_callable_run_into_tensors (callable, &value, &out, nullptr, &error));
  EXPECT_EQ (graft_tensor_get_floats (out, &n_out)[1], -0.5f);
}

TEST_F (Results, RunIntoRefusesMismatches)
{
  g_autoptr(GraftSession) s = graft_session_new (graph);
  g_autoptr(GraftShape) wrong = graft_shape_new_matrix (512, 256);
  g_autoptr(GraftShape) right = graft_shape_new_matrix (256, 512);
  g_autoptr(GraftTensor) by_shape = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, wrong, nullptr);
  g_autoptr(GraftTensor) by_dtype = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT64, right, nullptr);
  g_autoptr(GraftTensor) shared = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, right, nullptr);

  EXPECT_FALSE (graft_session_run_into (s, &x, &value, 1, &y, &by_shape, 1, nullptr, 0, nullptr, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FETCH));
  EXPECT_STREQ (error->message, "Cannot write the fetch y:0, float32 of shape (256, 512), into a float32 tensor "
                                "of shape (512, 256)");
  g_clear_error (&error);
  EXPECT_FALSE (graft_session_run_into (s, &x, &value, 1, &y, &by_dtype, 1, nullptr, 0, nullptr, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message, "Cannot write the fetch y:0, float32 of shape (256, 512), into a float64 tensor "
                                "of shape (256, 512)");
  g_clear_error (&error);
  graft_tensor_ref (shared);
  EXPECT_FALSE (graft_session_run_into (s, &x, &value, 1, &y, &shared, 1, nullptr, 0, nullptr, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "shared"), nullptr) << error->message;
  EXPECT_EQ (graft_tensor_get_floats (shared, &n_out)[1], 0.0f);
  graft_tensor_unref (shared);
  g_clear_error (&error);

  /* A shape known only at run time is checked after the run. */
  GraftOutput *u = placeholder ("u", GRAFT_DTYPE_FLOAT32, nullptr);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Neg", "v");
  graft_op_builder_add_input (b, u);
  GraftOutput *v = graft_op_builder_finish (b, &error);
  EXPECT_FALSE (graft_session_run_into (s, &u, &value, 1, &v, &by_shape, 1, nullptr, 0, nullptr, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message, "Cannot write the fetch v:0, float32 of shape (256, 512), into a float32 tensor "
                                "of shape (512, 256)");
}

} // namespace
