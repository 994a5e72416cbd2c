/* test-create-op.cc: the bindable twins of C conveniences, from C:
 * graft_graph_create_op() (the op builder in one call, attributes as
 * GValues) and graft_kernel_set_error_literal().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-util.h"

using graft_test::describe_error;
using graft_test::ErrorIs;
using graft_test::ErrorStartsWith;

namespace {

/* A GValue array that unsets itself. */
struct Attrs {
  std::vector<const char *> names;
  std::vector<GValue> values;

  ~Attrs ()
  {
    for (GValue &v : values)
      g_value_unset (&v);
  }

  GValue *
  add (const char *name,
       GType       type)
  {
    names.push_back (name);
    values.push_back (G_VALUE_INIT);
    return g_value_init (&values.back (), type);
  }

  /* Reserves room first: add() must not move GValues already set. */
  explicit Attrs (size_t n) { values.reserve (n); }
};

class CreateOp : public ::testing::Test {
protected:
  GraftGraph *graph = graft_graph_new ();
  void TearDown () override { g_object_unref (graph); }
};

TEST_F (CreateOp, MakesAConstFromATensorAndADtype)
{
  g_autoptr(GError) error = nullptr;
  g_autoptr(GraftTensor) two = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 2.0);
  Attrs attrs (2);

  g_value_set_boxed (attrs.add ("value", GRAFT_TYPE_TENSOR), two);
  g_value_set_enum (attrs.add ("dtype", GRAFT_TYPE_DTYPE), GRAFT_DTYPE_FLOAT32);
  GraftOutput *y = graft_graph_create_op (graph, "Const", "y", nullptr, 0, attrs.names.data (),
                                          attrs.values.data (), 2, &error);
  ASSERT_NE (y, nullptr) << describe_error (error);
  EXPECT_STREQ (graft_output_get_op_name (y), "y");
  EXPECT_EQ (graft_output_get_dtype (y), GRAFT_DTYPE_FLOAT32);
}

TEST_F (CreateOp, ConvertsByTheAttributesKind)
{
  g_autoptr(GError) error = nullptr;
  g_autoptr(GraftShape) shape = graft_shape_new_vector (3);
  Attrs attrs (2);

  /* A dtype as its name, and as a plain integer (what gjs passes). */
  g_value_set_string (attrs.add ("dtype", G_TYPE_STRING), "float64");
  g_value_set_boxed (attrs.add ("shape", GRAFT_TYPE_SHAPE), shape);
  GraftOutput *x = graft_graph_create_op (graph, "Placeholder", "x", nullptr, 0, attrs.names.data (),
                                          attrs.values.data (), 2, &error);
  ASSERT_NE (x, nullptr) << describe_error (error);
  EXPECT_EQ (graft_output_get_dtype (x), GRAFT_DTYPE_FLOAT64);

  Attrs ints (1);
  g_value_set_int64 (ints.add ("dtype", G_TYPE_INT64), GRAFT_DTYPE_INT32);
  GraftOutput *i = graft_graph_create_op (graph, "Placeholder", "i", nullptr, 0, ints.names.data (),
                                          ints.values.data (), 1, &error);
  ASSERT_NE (i, nullptr) << describe_error (error);
  EXPECT_EQ (graft_output_get_dtype (i), GRAFT_DTYPE_INT32);

  /* Inputs in signature order; no attributes at all. */
  GraftOutput *inputs[] = { x, x };
  GraftOutput *sum = graft_graph_create_op (graph, "Add", nullptr, inputs, 2, nullptr, nullptr, 0, &error);
  ASSERT_NE (sum, nullptr) << describe_error (error);
  EXPECT_STREQ (graft_output_get_op_type (sum), "Add");
}

TEST_F (CreateOp, RefusesValuesNoAttributeTakes)
{
  g_autoptr(GError) error = nullptr;
  Attrs attrs (2);

  g_value_set_pointer (attrs.add ("value", G_TYPE_POINTER), nullptr);
  g_value_set_string (attrs.add ("dtype", G_TYPE_STRING), "float32");
  EXPECT_EQ (graft_graph_create_op (graph, "Const", nullptr, nullptr, 0, attrs.names.data (),
                                    attrs.values.data (), 2, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                        "Const attribute 'value': a value of type gpointer cannot be an attribute value"));
  g_clear_error (&error);

  /* What the builder refuses is reported as the builder reports it. */
  EXPECT_EQ (graft_graph_create_op (graph, "NoSuchOp", nullptr, nullptr, 0, nullptr, nullptr, 0, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP, "No op named 'NoSuchOp'"));
}

/* A list input (AddN's `inputs: N * T`) takes its tensors flat, in its
 * place among the inputs; N is inferred, and when given must agree. */
TEST_F (CreateOp, ListInputsAreFlatAndInferTheirLength)
{
  g_autoptr(GError) error = nullptr;
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT64, 2.5);
  GraftOutput *c = graft_constant (graph, t);
  GraftOutput *inputs[] = { c, c, c, c };

  GraftOutput *sum = graft_graph_create_op (graph, "AddN", nullptr, inputs, 4, nullptr, nullptr, 0, &error);
  ASSERT_NE (sum, nullptr) << describe_error (error);
  EXPECT_EQ (graft_output_get_num_op_inputs (sum), 4u);
  g_autoptr(GVariant) n = graft_output_get_attr (sum, "N");
  ASSERT_NE (n, nullptr);
  EXPECT_EQ (g_variant_get_int64 (n), 4);

  g_autoptr(GraftSession) session = graft_session_new (graph);
  guint n_results = 0;
  GraftTensor **r = graft_session_run (session, nullptr, nullptr, 0, &sum, 1, nullptr, 0, nullptr, &n_results, &error);
  ASSERT_NE (r, nullptr) << describe_error (error);
  EXPECT_EQ (((const double *) graft_tensor_get_data (r[0], nullptr))[0], 10.0);
  graft_tensor_unref (r[0]);
  g_free (r);

  Attrs attrs (1);
  g_value_set_int64 (attrs.add ("N", G_TYPE_INT64), 3);
  EXPECT_EQ (graft_graph_create_op (graph, "AddN", "bad", inputs, 2, attrs.names.data (), attrs.values.data (), 1,
                                    &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                        "AddN op 'bad': attribute 'N' was set to 3, but the list inputs hold 2 tensors"));
}

GraftTensor *
refuse (GraftKernel *kernel,
        gpointer)
{
  graft_kernel_set_error_literal (kernel, "100% refused");
  graft_kernel_set_error_literal (kernel, "the first error wins");
  return nullptr;
}

TEST (KernelErrors, SetErrorLiteralFailsTheRunWithTheOpsName)
{
  g_autoptr(GError) error = nullptr;
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  g_autoptr(GraftSession) session = nullptr;
  GraftVariable *v;

  ASSERT_TRUE (graft_registry_register_initializer_closure (graft_registry_get_default (), "test.refuse",
                                                            "() -> (out: float32)", "Always fails",
                                                            g_cclosure_new (G_CALLBACK (refuse), nullptr, nullptr),
                                                            &error))
    << describe_error (error);
  g_autoptr(GraftInitializer) init = graft_initializer_new ("test.refuse", nullptr);
  v = graft_graph_get_variable (graph, "v", shape, GRAFT_DTYPE_FLOAT32, init, &error);
  ASSERT_NE (v, nullptr) << describe_error (error);
  session = graft_session_new (graph);
  EXPECT_FALSE (graft_session_run_target (session, graft_variable_get_initializer_op (v), &error));
  EXPECT_TRUE (ErrorIs (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL,
                        "test.refuse op 'v/Initializer/test.refuse': 100% refused"));
}

} // namespace
