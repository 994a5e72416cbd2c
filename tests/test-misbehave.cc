/* test-misbehave.cc: plugin code that breaks its contracts — shape
 * functions failing without a reason or reporting an error with TRUE,
 * kernels failing twice or leaving their output unwritten — and attribute
 * values out of range. Each is an error naming the op, never a crash and
 * never another tensor's values. The ops come from the fixture module
 * tests/fixtures/misbehave, loaded by path. */
#include <gtest/gtest.h>
#include <graft.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace {

class Misbehave : public ::testing::Test {
protected:
  GraftGraph *graph = nullptr;
  GError *error = nullptr;

  static void SetUpTestSuite ()
  {
    const char *dir = g_getenv ("GRAFT_TEST_FIXTURES_DIR");
    ASSERT_NE (dir, nullptr) << "GRAFT_TEST_FIXTURES_DIR is not set (tests/meson.build sets it)";
    g_autofree char *path = g_build_filename (dir, "misbehave", "graft-fixture-misbehave." G_MODULE_SUFFIX, NULL);
    GError *e = nullptr;
    GraftPlugin *plugin = graft_registry_load_plugin (graft_registry_get_default (), path, &e);
    ASSERT_NE (plugin, nullptr) << path << ": " << (e ? e->message : "");
  }

  void SetUp () override { graph = graft_graph_new (); }
  void TearDown () override
  {
    g_clear_error (&error);
    g_clear_object (&graph);
  }

  GraftOutput *
  constant (const char *name, GraftTensor *value)
  {
    GraftOutput *o = graft_constant_full (graph, value, name);
    if (o == nullptr)
      error = graft_graph_take_error (graph);
    EXPECT_NE (o, nullptr) << (error ? error->message : "");
    return o;
  }

  GraftOutput *
  floats (std::vector<float> values)
  {
    g_autoptr(GraftShape) shape = graft_shape_new_vector (values.size ());
    g_autoptr(GraftTensor) t = graft_tensor_new_from_floats (values.data (), values.size (), shape, nullptr);
    return constant (nullptr, t);
  }

  /* A one-input op; NULL with `error` set when the builder refuses it. */
  GraftOutput *
  unary (const char *type, GraftOutput *x, const char *name)
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, type, name);
    graft_op_builder_add_input (b, x);
    return graft_op_builder_finish (b, &error);
  }

  GraftTensor *
  fetch (GraftOutput *o)
  {
    g_autoptr(GraftSession) s = graft_session_new (graph);
    return graft_session_fetch (s, o, &error);
  }
};

TEST_F (Misbehave, ShapeFunctionFalseWithoutErrorIsAnErrorAtBuildTime)
{
  GraftOutput *y = unary ("fixture.FalseWithoutError", floats ({ 1, 2 }), "quiet");

  EXPECT_EQ (y, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE)) << error->message;
  EXPECT_STREQ (error->message,
                "fixture.FalseWithoutError op 'quiet': the shape function failed without giving a reason");
}

TEST_F (Misbehave, ShapeFunctionErrorWithTrueIsAnError)
{
  GraftOutput *y = unary ("fixture.ErrorButTrue", floats ({ 1, 2 }), "mixed");

  EXPECT_EQ (y, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message, "fixture.ErrorButTrue op 'mixed': first reason");
}

TEST_F (Misbehave, ShapeFunctionFalseWithoutErrorIsAnErrorAtRunTime)
{
  g_autoptr(GraftOpBuilder) pb = graft_op_builder_new (graph, "Placeholder", "x");
  graft_op_builder_set_attr_type (pb, "dtype", GRAFT_DTYPE_FLOAT32);
  GraftOutput *x = graft_op_builder_finish (pb, &error);
  ASSERT_NE (x, nullptr) << error->message;
  /* Built with an unknown shape, so the shape function runs again, and
   * fails, with the fed one. */
  GraftOutput *y = unary ("fixture.FalseWhenKnown", x, "late");
  ASSERT_NE (y, nullptr) << error->message;

  float v[] = { 1, 2, 3 };
  g_autoptr(GraftShape) shape = graft_shape_new_vector (3);
  g_autoptr(GraftTensor) value = graft_tensor_new_from_floats (v, 3, shape, nullptr);
  g_autoptr(GraftSession) s = graft_session_new (graph);
  guint n = 0;
  GraftTensor **out = graft_session_run (s, &x, &value, 1, &y, 1, nullptr, 0, nullptr, &n, &error);

  EXPECT_EQ (out, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE)) << error->message;
  EXPECT_STREQ (error->message,
                "fixture.FalseWhenKnown op 'late': the shape function failed without giving a reason");
}

TEST_F (Misbehave, KernelErrorSetTwiceKeepsTheFirst)
{
  GraftOutput *y = unary ("fixture.ErrorTwice", floats ({ 1 }), "twice");
  ASSERT_NE (y, nullptr) << error->message;
  g_autoptr(GraftTensor) t = fetch (y);

  EXPECT_EQ (t, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL)) << error->message;
  EXPECT_STREQ (error->message, "fixture.ErrorTwice op 'twice': first kernel error");
}

/* The suites run with GRAFT_POISON_OUTPUTS=1 (tests/meson.build). Without
 * it, the unwritten output was the arena block another op had just
 * freed: here Add's values, 2 4 6. */
TEST_F (Misbehave, UnwrittenFloatOutputIsPoisonedWithNaN)
{
  ASSERT_STREQ (g_getenv ("GRAFT_POISON_OUTPUTS"), "1");
  GraftOutput *x = floats ({ 1, 2, 3 });
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Add", nullptr);
  graft_op_builder_add_input (b, x);
  graft_op_builder_add_input (b, x);
  GraftOutput *sum = graft_op_builder_finish (b, &error);
  ASSERT_NE (sum, nullptr) << error->message;
  GraftOutput *y = unary ("fixture.WritesNothing", sum, "lazy");
  ASSERT_NE (y, nullptr) << error->message;

  g_autoptr(GraftTensor) t = fetch (y);
  ASSERT_NE (t, nullptr) << error->message;
  gsize n;
  g_autofree double *v = graft_tensor_dup_doubles (t, &n);
  ASSERT_EQ (n, 3u);
  for (gsize i = 0; i < n; i++)
    EXPECT_TRUE (std::isnan (v[i])) << "element " << i << " is " << v[i];
}

TEST_F (Misbehave, UnwrittenIntegerOutputIsPoisonedWithAPattern)
{
  gint32 in[] = { 7, 8 };
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  g_autoptr(GraftTensor) value = graft_tensor_new_from_data (GRAFT_DTYPE_INT32, shape, in, sizeof in, nullptr);
  GraftOutput *y = unary ("fixture.WritesNothing", constant ("c", value), "lazy");
  ASSERT_NE (y, nullptr) << error->message;

  g_autoptr(GraftTensor) t = fetch (y);
  ASSERT_NE (t, nullptr) << error->message;
  gsize n_bytes;
  const guint8 *bytes = (const guint8 *) graft_tensor_get_data (t, &n_bytes);
  ASSERT_EQ (n_bytes, sizeof in);
  for (gsize i = 0; i < n_bytes; i++)
    EXPECT_EQ (bytes[i], 0xA5) << "byte " << i;
}

TEST_F (Misbehave, Uint64AttributeAboveInt64IsRefused)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "ArgMax", "am");
  graft_op_builder_add_input (b, floats ({ 1, 2 }));
  {
    g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new_uint64 (G_MAXUINT64));
    graft_op_builder_set_attr_variant (b, "axis", v);
  }
  GraftOutput *o = graft_op_builder_finish (b, &error);

  EXPECT_EQ (o, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR)) << error->message;
  EXPECT_STREQ (error->message, "ArgMax attribute 'axis': 18446744073709551615 is out of range for int");
}

TEST_F (Misbehave, Uint64ListElementAboveInt64IsRefused)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Transpose", "t");
  graft_op_builder_add_input (b, floats ({ 1, 2 }));
  {
    g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new_uint64 ((guint64) G_MAXINT64 + 1));
    graft_op_builder_set_attr_variant (b, "perm", v);
  }
  GraftOutput *o = graft_op_builder_finish (b, &error);

  EXPECT_EQ (o, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message, "Transpose attribute 'perm': 9223372036854775808 is out of range for int");
}

TEST_F (Misbehave, Uint64AttributeInRangeIsAccepted)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "ArgMax", "am");
  graft_op_builder_add_input (b, floats ({ 1, 2 }));
  {
    g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new_uint64 (0));
    graft_op_builder_set_attr_variant (b, "axis", v);
  }
  EXPECT_NE (graft_op_builder_finish (b, &error), nullptr) << error->message;
}

} // namespace
