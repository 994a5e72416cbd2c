/* test-typed-ops.cc: the generated op constructors (graft-ops.h) and the
 * error chain they report into, and the warning for a variable scope that
 * is never left.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

using graft_test::describe_error;

namespace {

class TypedOps : public ::testing::Test {
protected:
  GraftGraph *graph = graft_graph_new ();
  void TearDown () override { g_object_unref (graph); }

  GraftOutput *
  matrix (const char *name, gint64 rows, gint64 cols, std::vector<float> values)
  {
    g_autoptr(GraftShape) shape = graft_shape_new_matrix (rows, cols);
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftTensor) t = graft_tensor_new_from_data (GRAFT_DTYPE_FLOAT32, shape, values.data (),
                                                           values.size () * sizeof (float), &error);
    EXPECT_NE (t, nullptr) << describe_error (error);
    return graft_constant_full (graph, t, name);
  }

  std::vector<float>
  fetch (GraftOutput *y)
  {
    g_autoptr(GraftSession) session = graft_session_new (graph);
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftTensor) value = graft_session_fetch (session, y, &error);
    gsize n = 0;

    EXPECT_NE (value, nullptr) << describe_error (error);
    if (value == nullptr)
      return {};
    const float *data = (const float *) graft_tensor_get_data (value, &n);
    return std::vector<float> (data, data + n / sizeof (float));
  }
};

/* A list input (AddN's `inputs: N * T`) is an array and a count. */
TEST_F (TypedOps, ListInputTakesAnArray)
{
  GraftOutput *a = matrix ("a", 1, 2, { 1, 2 }), *b = matrix ("b", 1, 2, { 3, 4 });
  GraftOutput *in[] = { a, b, a };
  GraftOutput *sum = graft_add_n (graph, in, 3);

  ASSERT_NE (sum, nullptr);
  EXPECT_STREQ (graft_output_get_op_name (sum), "AddN");
  EXPECT_EQ (graft_output_get_num_op_inputs (sum), 3u);
  EXPECT_EQ (fetch (sum), (std::vector<float> { 5, 8 }));

  GraftOutput *bad[] = { a, nullptr };
  EXPECT_EQ (graft_add_n (graph, bad, 2), nullptr);
  g_autoptr(GError) error = graft_graph_take_error (graph);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "input 'inputs' is NULL"), nullptr) << error->message;
}

TEST_F (TypedOps, BuildAndRunALayer)
{
  GraftOutput *x = matrix ("x", 1, 2, { 1.f, -2.f });
  GraftOutput *w = matrix ("w", 2, 2, { 1.f, 2.f, 3.f, 4.f });
  GraftOutput *b = matrix ("b", 1, 2, { 0.5f, 0.5f });
  GraftOutput *y = graft_relu (graph, graft_add (graph, graft_matmul (graph, x, w), b));
  g_autoptr(GError) chain = graft_graph_take_error (graph);

  ASSERT_EQ (chain, nullptr) << describe_error (chain);
  ASSERT_NE (y, nullptr);
  /* TensorFlow's default names, in creation order. */
  EXPECT_STREQ (graft_output_get_op_name (y), "Relu");
  EXPECT_NE (graft_graph_get_operation (graph, "MatMul"), nullptr);
  EXPECT_NE (graft_graph_get_operation (graph, "add"), nullptr);
  /* [1, -2] · [[1, 2], [3, 4]] = [-5, -6]; + 0.5; relu */
  EXPECT_EQ (fetch (y), (std::vector<float>{ 0.f, 0.f }));
  GraftOutput *z = graft_add (graph, graft_matmul (graph, x, w), b);
  EXPECT_EQ (fetch (z), (std::vector<float>{ -4.5f, -5.5f }));
}

TEST_F (TypedOps, FullFormsTakeANameAndAttributes)
{
  GraftOutput *a = matrix ("a", 1, 2, { 1.f, 2.f });
  GraftOutput *b = matrix ("b", 3, 2, { 1.f, 0.f, 0.f, 1.f, 1.f, 1.f });
  GraftMatMulAttrs attrs = GRAFT_MATMUL_ATTRS_INIT;

  EXPECT_FALSE (attrs.transpose_a);
  EXPECT_FALSE (attrs.transpose_b);
  attrs.transpose_b = TRUE;
  GraftOutput *y = graft_matmul_full (graph, a, b, "logits", &attrs);
  g_autoptr(GError) chain = graft_graph_take_error (graph);

  ASSERT_NE (y, nullptr) << describe_error (chain);
  EXPECT_STREQ (graft_output_get_op_name (y), "logits");
  EXPECT_EQ (fetch (y), (std::vector<float>{ 1.f, 2.f, 3.f }));

  /* Attributes without defaults are parameters; list attributes take a length. */
  const gint64 dims[] = { 2, 3 };
  g_autoptr(GraftTensor) seven = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 7.0);
  GraftOutput *filled = graft_fill (graph, graft_constant (graph, seven), dims, G_N_ELEMENTS (dims));
  ASSERT_NE (filled, nullptr);
  EXPECT_EQ (fetch (filled), (std::vector<float> (6, 7.f)));

  /* Defaults that are not zero come from TensorFlow (Assign validates shapes). */
  GraftAssignAttrs assign = GRAFT_ASSIGN_ATTRS_INIT;
  EXPECT_TRUE (assign.validate_shape);
  EXPECT_TRUE (assign.use_locking);
}

/* Twenty ops, the third of which fails: one error comes back, the ops
 * after it are not built, and nothing calls g_critical (the suite runs
 * with G_DEBUG=fatal-criticals). */
TEST_F (TypedOps, AChainKeepsItsFirstErrorAndBuildsNothingAfterIt)
{
  GraftOutput *x = matrix ("x", 2, 3, { 1, 2, 3, 4, 5, 6 });
  GraftOutput *h = graft_relu (graph, x);
  h = graft_square (graph, h);
  h = graft_matmul (graph, h, x);         /* [2, 3] · [2, 3]: fails */
  guint after_failure = graft_graph_get_num_operations (graph);
  for (int i = 0; i < 17; i++)
    h = graft_tanh (graph, graft_add (graph, h, x));

  EXPECT_EQ (h, nullptr);
  EXPECT_EQ (graft_graph_get_num_operations (graph), after_failure);
  EXPECT_EQ (graft_graph_get_operation (graph, "Tanh"), nullptr);

  g_autoptr(GError) error = graft_graph_take_error (graph);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE)) << describe_error (error);
  EXPECT_NE (strstr (error->message, "MatMul"), nullptr) << error->message;

  /* Taken: the chain starts again, and ops build. */
  g_autoptr(GError) again = graft_graph_take_error (graph);
  EXPECT_EQ (again, nullptr);
  EXPECT_NE (graft_tanh (graph, x), nullptr);
}

TEST_F (TypedOps, ANullInputIsAnErrorNotACritical)
{
  GraftOutput *x = matrix ("x", 1, 1, { 1 });
  guint before = graft_graph_get_num_operations (graph);

  EXPECT_EQ (graft_matmul (graph, x, graft_graph_get_operation (graph, "missing")), nullptr);
  EXPECT_EQ (graft_graph_get_num_operations (graph), before);
  g_autoptr(GError) error = graft_graph_take_error (graph);
  EXPECT_TRUE (graft_test::ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                                    "MatMul op: input 'b' is NULL"));
}

/* Each thread has its own chain. */
TEST_F (TypedOps, ChainsArePerThread)
{
  GraftOutput *x = matrix ("x", 1, 2, { 1, 2 });

  EXPECT_EQ (graft_matmul (graph, x, x), nullptr);   /* [1, 2] · [1, 2] */
  GThread *thread = g_thread_new ("other", [] (gpointer data) -> gpointer {
      GraftGraph *g = (GraftGraph *) data;
      GError *error = graft_graph_take_error (g);
      gboolean clean = error == nullptr;
      g_clear_error (&error);
      return GINT_TO_POINTER (clean);
    }, graph);
  EXPECT_TRUE (GPOINTER_TO_INT (g_thread_join (thread)));
  g_autoptr(GError) mine = graft_graph_take_error (graph);
  EXPECT_NE (mine, nullptr);
}

struct Captured {
  std::vector<std::string> warnings;
};

void
capture_warning (const char    *,
                 GLogLevelFlags,
                 const char    *message,
                 gpointer       data)
{
  static_cast<Captured *> (data)->warnings.push_back (message);
}

/* g_autoptr(GraftScope) on an entered scope only drops a reference: the
 * graph names the scope that was never left when it goes. */
TEST (ScopeFootgun, AGraphDisposedWithAnEnteredScopeWarnsWithItsPath)
{
  Captured captured;
  guint handler = g_log_set_handler ("Graft", G_LOG_LEVEL_WARNING, capture_warning, &captured);
  GraftGraph *graph = graft_graph_new ();
  g_autoptr(GError) error = nullptr;

  GraftScope *outer = graft_graph_enter_variable_scope (graph, "encoder", GRAFT_REUSE_INHERIT, &error);
  ASSERT_NE (outer, nullptr) << describe_error (error);
  GraftScope *inner = graft_graph_enter_variable_scope (graph, "layer1", GRAFT_REUSE_INHERIT, &error);
  ASSERT_NE (inner, nullptr) << describe_error (error);
  /* What g_autoptr(GraftScope) does at the end of a block: the references
   * go, the scopes stay entered. */
  g_object_unref (inner);
  g_object_unref (outer);
  g_object_unref (graph);
  g_log_remove_handler ("Graft", handler);

  ASSERT_EQ (captured.warnings.size (), 1u);
  EXPECT_NE (captured.warnings[0].find ("'encoder/layer1'"), std::string::npos) << captured.warnings[0];
  EXPECT_NE (captured.warnings[0].find ("2 scopes never left"), std::string::npos) << captured.warnings[0];
}

TEST (ScopeFootgun, ScopesLeftProperlyDoNotWarn)
{
  Captured captured;
  guint handler = g_log_set_handler ("Graft", G_LOG_LEVEL_WARNING, capture_warning, &captured);
  GraftGraph *graph = graft_graph_new ();
  g_autoptr(GError) error = nullptr;

  {
    g_autoptr(GraftScopeGuard) s = graft_graph_enter_variable_scope (graph, "encoder", GRAFT_REUSE_INHERIT, &error);
    ASSERT_NE (s, nullptr) << describe_error (error);
  }
  g_object_unref (graph);
  g_log_remove_handler ("Graft", handler);
  EXPECT_TRUE (captured.warnings.empty ());
}

}  // namespace
