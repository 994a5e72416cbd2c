/* test-variables.cc: get_variable(): its algorithm in TensorFlow 1.15's
 * order of checks, initializers, op names, collections, regularizers,
 * constraints, custom getters, and "a failed call changes nothing".
 *
 * See shared/spec/tf1-semantics.md §3 and §5.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <graft.h>

#include "test-util.h"

using namespace graft_test;

namespace {

GraftShape *
shape2 (gint64 a,
        gint64 b)
{
  return graft_shape_new_matrix (a, b);
}

/* get_variable that must succeed. */
GraftVariable *
get_ok (GraftGraph       *g,
        const char       *name,
        GraftShape       *shape,
        GraftDType        dtype = GRAFT_DTYPE_INVALID,
        GraftInitializer *init = nullptr)
{
  GError *error = nullptr;
  GraftVariable *v = graft_graph_get_variable (g, name, shape, dtype, init, &error);

  EXPECT_NE (v, nullptr) << name << ": " << describe_error (error);
  g_clear_error (&error);
  return v;
}

GraftVariable *
get_err (GraftGraph       *g,
         const char       *name,
         GraftShape       *shape,
         GraftDType        dtype,
         GraftInitializer *init,
         GError          **error)
{
  GraftVariable *v = graft_graph_get_variable (g, name, shape, dtype, init, error);

  EXPECT_EQ (v, nullptr) << name;
  return v;
}

std::string
init_name (GraftVariable *v)
{
  if (v == nullptr || graft_variable_get_initializer (v) == nullptr)
    return "(none)";
  const char *n = graft_initializer_get_name (graft_variable_get_initializer (v));
  return n ? n : "(value)";
}

std::vector<std::string>
strv (const char * const *v)
{
  std::vector<std::string> out;

  for (; v != nullptr && *v != nullptr; v++)
    out.push_back (*v);
  return out;
}

std::string
shape_string (GraftShape *shape)
{
  g_autofree char *s = graft_shape_to_string (shape);
  return s;
}

/* All op names, by id. */
std::vector<std::string>
all_ops (GraftGraph *g)
{
  std::vector<std::string> ops;

  for (guint id = 1; id <= graft_graph_get_last_op_id (g); id++)
    ops.push_back (graft_output_get_op_name (graft_graph_get_operation_by_id (g, id)));
  return ops;
}

std::string
op_type (GraftGraph *g,
         const char *name)
{
  GraftOutput *o = graft_graph_get_operation (g, name);

  return o ? graft_output_get_op_type (o) : "(no such op)";
}

/* What a failed get_variable must leave alone: the ops, every collection,
 * and the store entries of the names involved. */
struct Snapshot
{
  GraftGraph *g;
  guint n_ops;
  guint64 version;
  std::map<std::string, std::vector<std::string>> collections;
  std::map<std::string, GraftVariable *> store;

  Snapshot (GraftGraph *graph, std::vector<std::string> names)
    : g (graph)
  {
    n_ops = graft_graph_get_num_operations (g);
    version = graft_graph_get_version (g);
    collections = take_collections ();
    for (auto &n : names)
      store[n] = graft_graph_lookup_variable (g, n.c_str ());
  }

  std::map<std::string, std::vector<std::string>>
  take_collections () const
  {
    std::map<std::string, std::vector<std::string>> out;
    g_auto(GStrv) keys = graft_graph_get_collection_keys (g);

    for (char **k = keys; k && *k; k++)
      out[*k] = collection_names (g, *k);
    return out;
  }

  ::testing::AssertionResult
  unchanged () const
  {
    if (graft_graph_get_num_operations (g) != n_ops)
      return ::testing::AssertionFailure () << "op count " << n_ops << " -> " << graft_graph_get_num_operations (g);
    if (graft_graph_get_version (g) != version)
      return ::testing::AssertionFailure () << "version changed";
    if (take_collections () != collections)
      return ::testing::AssertionFailure () << "collections changed";
    for (auto &kv : store)
      if (graft_graph_lookup_variable (g, kv.first.c_str ()) != kv.second)
        return ::testing::AssertionFailure () << "store entry " << kv.first << " changed";
    return ::testing::AssertionSuccess ();
  }
};

const char kAlreadyExistsV[] =
  "Variable v already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?";
const char kDoesNotExistV[] =
  "Variable v does not exist, or was not created with tf.get_variable(). Did you mean to set "
  "reuse=tf.AUTO_REUSE in VarScope?";
const char kValueWithShape[] = "If initializer is a constant, do not specify shape.";
const char kInvalidInitializer[] =
  "The initializer passed is not valid. It should be a callable with no arguments and the shape should not be "
  "provided or an instance of `tf.keras.initializers.*' and `shape` should be fully defined.";
const char kInitializerDtype[] =
  "Initializer type '<dtype: 'int32'>' and explicit dtype '<dtype: 'float64'>' don't match.";

GraftInitializer *
int32_value (void)
{
  const gint32 data[] = { 1, 2, 3, 4, 5, 6 };
  g_autoptr(GraftShape) shape = shape2 (2, 3);
  g_autoptr(GraftTensor) t = graft_tensor_new_from_int32s (data, 6, shape, nullptr);

  return graft_initializer_new_value (t);
}

} // namespace

/* ---- order of checks (§3.3) ---- */

/* An initializer name that is a slip gets graft-inspect's hint. */
TEST (Variables, UnknownInitializerSuggestsTheClosestName)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s23 = shape2 (2, 3);
  g_autoptr(GraftInitializer) slip = graft_initializer_new ("zeroes", nullptr);
  g_autoptr(GraftInitializer) far = graft_initializer_new ("no_such_initializer", nullptr);
  g_autoptr(GError) error = nullptr;

  get_err (g, "w", s23, GRAFT_DTYPE_INVALID, slip, &error);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                        "No initializer named 'zeroes' is registered (for variable w). Did you mean 'zeros'?"));
  g_clear_error (&error);
  get_err (g, "w", s23, GRAFT_DTYPE_INVALID, far, &error);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                        "No initializer named 'no_such_initializer' is registered (for variable w)."));
}

TEST (Variables, ValueInitializerWithShapeFailsFirst)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftInitializer) value = int32_value ();
  g_autoptr(GraftShape) s23 = shape2 (2, 3);

  {
    g_autoptr(GError) error = nullptr;
    Snapshot snap (g, { "v" });
    get_err (g, "v", s23, GRAFT_DTYPE_INVALID, value, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE, kValueWithShape));
    EXPECT_TRUE (snap.unchanged ());
  }
  GraftVariable *v = get_ok (g, "v", nullptr, GRAFT_DTYPE_INVALID, value);
  ASSERT_NE (v, nullptr);
  /* Even when the variable exists, and before "already exists". */
  {
    g_autoptr(GError) error = nullptr;
    Snapshot snap (g, { "v" });
    get_err (g, "v", s23, GRAFT_DTYPE_INVALID, value, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE, kValueWithShape));
    EXPECT_TRUE (snap.unchanged ());
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) root = graft_graph_reenter_variable_scope (g, graft_graph_get_variable_scope (g),
                                                                          GRAFT_REUSE_TRUE, nullptr);
    get_err (g, "v", s23, GRAFT_DTYPE_INVALID, value, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE, kValueWithShape));
    /* Without the shape it is shared. */
    EXPECT_EQ (get_ok (g, "v", nullptr, GRAFT_DTYPE_INT32, value), v);
  }
}

TEST (Variables, AlreadyExists)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s22 = shape2 (2, 2);
  g_autoptr(GError) error = nullptr;

  ASSERT_NE (get_ok (g, "v", s22), nullptr);
  Snapshot snap (g, { "v" });
  /* Before any compatibility check. */
  g_autoptr(GraftShape) s23 = shape2 (2, 3);
  get_err (g, "v", s23, GRAFT_DTYPE_INT32, nullptr, &error);
  EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS, kAlreadyExistsV));
  EXPECT_TRUE (snap.unchanged ());
}

TEST (Variables, ShapeCompatibility)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s22 = shape2 (2, 2);
  GraftVariable *v = get_ok (g, "v", s22);
  g_autoptr(GraftScopeGuard) reuse = graft_graph_reenter_variable_scope (g, graft_graph_get_variable_scope (g),
                                                                          GRAFT_REUSE_TRUE, nullptr);
  ASSERT_NE (v, nullptr);

  /* Compatible: equal, unknown dims, unknown rank, not given. */
  g_autoptr(GraftShape) q2 = shape2 (GRAFT_DIM_UNKNOWN, 2);
  g_autoptr(GraftShape) qq = shape2 (GRAFT_DIM_UNKNOWN, GRAFT_DIM_UNKNOWN);
  g_autoptr(GraftShape) unknown = graft_shape_new_unknown ();
  EXPECT_EQ (get_ok (g, "v", s22), v);
  EXPECT_EQ (get_ok (g, "v", q2), v);
  EXPECT_EQ (get_ok (g, "v", qq), v);
  EXPECT_EQ (get_ok (g, "v", unknown), v);
  EXPECT_EQ (get_ok (g, "v", nullptr), v);

  struct {
    GraftShape *shape;
    const char *message;
  } bad[] = {
    { shape2 (2, 3), "Trying to share variable v, but specified shape (2, 3) and found shape (2, 2)." },
    { shape2 (GRAFT_DIM_UNKNOWN, 3), "Trying to share variable v, but specified shape (?, 3) and found shape (2, 2)." },
    { graft_shape_new_vector (2), "Trying to share variable v, but specified shape (2,) and found shape (2, 2)." },
    { graft_shape_new_scalar (), "Trying to share variable v, but specified shape () and found shape (2, 2)." },
  };
  for (auto &c : bad)
    {
      g_autoptr(GError) error = nullptr;
      Snapshot snap (g, { "v" });
      get_err (g, "v", c.shape, GRAFT_DTYPE_INVALID, nullptr, &error);
      EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_SHAPE_MISMATCH, c.message));
      EXPECT_TRUE (snap.unchanged ());
      /* The shape is checked before the dtype. */
      g_clear_error (&error);
      get_err (g, "v", c.shape, GRAFT_DTYPE_INT32, nullptr, &error);
      EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_SHAPE_MISMATCH, c.message));
      graft_shape_unref (c.shape);
    }
}

TEST (Variables, DtypeMismatch)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s22 = shape2 (2, 2);
  GraftVariable *v = get_ok (g, "v", s22);
  GraftVariable *n = get_ok (g, "n", s22, GRAFT_DTYPE_INT32);
  g_autoptr(GraftScopeGuard) reuse = graft_graph_reenter_variable_scope (g, graft_graph_get_variable_scope (g),
                                                                          GRAFT_REUSE_AUTO, nullptr);
  ASSERT_NE (v, nullptr);
  ASSERT_NE (n, nullptr);
  {
    g_autoptr(GError) error = nullptr;
    Snapshot snap (g, { "v" });
    get_err (g, "v", s22, GRAFT_DTYPE_INT32, nullptr, &error);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DTYPE_MISMATCH,
                          "Trying to share variable v, but specified dtype int32 and found dtype float32_ref."));
    EXPECT_TRUE (snap.unchanged ());
  }
  {
    /* Not given means the scope's dtype, float32. */
    g_autoptr(GError) error = nullptr;
    get_err (g, "n", s22, GRAFT_DTYPE_INVALID, nullptr, &error);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DTYPE_MISMATCH,
                          "Trying to share variable n, but specified dtype float32 and found dtype int32_ref."));
  }
  EXPECT_EQ (get_ok (g, "v", s22, GRAFT_DTYPE_FLOAT32), v);
  EXPECT_EQ (get_ok (g, "n", s22, GRAFT_DTYPE_INT32), n);
}

TEST (Variables, DoesNotExistWithReuseTrue)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s22 = shape2 (2, 2);
  g_autoptr(GraftShape) partial = shape2 (GRAFT_DIM_UNKNOWN, 2);
  g_autoptr(GraftScopeGuard) reuse = graft_graph_reenter_variable_scope (g, graft_graph_get_variable_scope (g),
                                                                          GRAFT_REUSE_TRUE, nullptr);
  Snapshot snap (g, { "v" });

  for (GraftShape *shape : { (GraftShape *) s22, (GraftShape *) partial, (GraftShape *) nullptr })
    for (GraftDType dt : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_COMPLEX64 })
      {
        /* Before the initializer checks. */
        g_autoptr(GError) error = nullptr;
        get_err (g, "v", shape, dt, nullptr, &error);
        EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST, kDoesNotExistV));
      }
  EXPECT_TRUE (snap.unchanged ());
}

TEST (Variables, Complex64NeedsAnInitializer)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  Snapshot snap (g, { "v", "s/v" });

  {
    g_autoptr(GError) error = nullptr;
    get_err (g, "v", s2, GRAFT_DTYPE_COMPLEX64, nullptr, &error);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED,
                          "An initializer for variable v of <dtype: 'complex64'> is required"));
  }
  {
    /* Before the shape check, and with the full name. */
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) s = enter (g, "s");
    get_err (g, "v", nullptr, GRAFT_DTYPE_COMPLEX64, nullptr, &error);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED,
                          "An initializer for variable s/v of <dtype: 'complex64'> is required"));
  }
  {
    /* The scope's dtype counts too. */
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
    graft_scope_options_set_dtype (o, GRAFT_DTYPE_COMPLEX64);
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
    get_err (g, "v", s2, GRAFT_DTYPE_INVALID, nullptr, &error);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED,
                          "An initializer for variable s/v of <dtype: 'complex64'> is required"));
  }
  EXPECT_TRUE (snap.unchanged ());
}

TEST (Variables, ShapeMustBeFullyDefined)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) partial = shape2 (GRAFT_DIM_UNKNOWN, 2);
  g_autoptr(GraftShape) unknown = graft_shape_new_unknown ();
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  Snapshot snap (g, { "v" });

  for (GraftShape *shape : { (GraftShape *) partial, (GraftShape *) unknown, (GraftShape *) nullptr })
    for (GraftInitializer *init : { (GraftInitializer *) nullptr, (GraftInitializer *) zeros })
      for (GraftDType dt : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_INT32 })
        {
          g_autoptr(GError) error = nullptr;
          get_err (g, "v", shape, dt, init, &error);
          EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INVALID_INITIALIZER,
                                        kInvalidInitializer));
        }
  EXPECT_TRUE (snap.unchanged ());
}

TEST (Variables, ExplicitDtypeAgainstValueInitializer)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftInitializer) value = int32_value ();
  g_autoptr(GraftShape) s23 = shape2 (2, 3);

  {
    g_autoptr(GError) error = nullptr;
    Snapshot snap (g, { "v" });
    get_err (g, "v", nullptr, GRAFT_DTYPE_FLOAT64, value, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE,
                                  kInitializerDtype));
    /* It is the first check of all: before "do not specify shape". */
    g_clear_error (&error);
    get_err (g, "v", s23, GRAFT_DTYPE_FLOAT64, value, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE,
                                  kInitializerDtype));
    EXPECT_TRUE (snap.unchanged ());
  }
  GraftVariable *v = get_ok (g, "v", nullptr, GRAFT_DTYPE_INT32, value);
  ASSERT_NE (v, nullptr);
  {
    /* ...and before "already exists". */
    g_autoptr(GError) error = nullptr;
    get_err (g, "v", nullptr, GRAFT_DTYPE_FLOAT64, value, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE,
                                  kInitializerDtype));
  }
  {
    /* Not applied to a scope's initializer: the value's dtype wins. */
    g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
    graft_scope_options_set_initializer (o, value);
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
    GraftVariable *w = get_ok (g, "w", nullptr, GRAFT_DTYPE_FLOAT64);
    ASSERT_NE (w, nullptr);
    EXPECT_EQ (graft_variable_get_dtype (w), GRAFT_DTYPE_INT32);
    EXPECT_EQ (shape_string (graft_variable_get_shape (w)), "(2, 3)");
    /* A scope value initializer with a shape is "a constant with a shape". */
    g_autoptr(GError) error = nullptr;
    get_err (g, "x", s23, GRAFT_DTYPE_INVALID, nullptr, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE, kValueWithShape));
  }
}

/* ---- initializers ---- */

TEST (Variables, InitializerResolution)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  g_autoptr(GraftInitializer) glorot = graft_initializer_new ("glorot_uniform", nullptr);

  /* The dtype's default. */
  EXPECT_EQ (init_name (get_ok (g, "f32", s2, GRAFT_DTYPE_FLOAT32)), "glorot_uniform");
  EXPECT_EQ (init_name (get_ok (g, "f64", s2, GRAFT_DTYPE_FLOAT64)), "glorot_uniform");
  EXPECT_EQ (init_name (get_ok (g, "dflt", s2)), "glorot_uniform");
  EXPECT_EQ (init_name (get_ok (g, "i32", s2, GRAFT_DTYPE_INT32)), "zeros");
  EXPECT_EQ (init_name (get_ok (g, "i64", s2, GRAFT_DTYPE_INT64)), "zeros");
  EXPECT_EQ (init_name (get_ok (g, "b", s2, GRAFT_DTYPE_BOOL)), "zeros");
  EXPECT_EQ (graft_variable_get_dtype (graft_graph_lookup_variable (g, "dflt")), GRAFT_DTYPE_FLOAT32);

  /* The argument. */
  EXPECT_EQ (graft_variable_get_initializer (get_ok (g, "arg", s2, GRAFT_DTYPE_FLOAT32, zeros)), zeros);

  /* The scope's, unless the argument is given. */
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
  graft_scope_options_set_initializer (o, zeros);
  g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
  EXPECT_EQ (graft_variable_get_initializer (get_ok (g, "scoped", s2)), zeros);
  EXPECT_EQ (graft_variable_get_initializer (get_ok (g, "override", s2, GRAFT_DTYPE_INVALID, glorot)), glorot);
  {
    g_autoptr(GraftScopeGuard) child = enter (g, "child");
    EXPECT_EQ (graft_variable_get_initializer (get_ok (g, "inherited", s2)), zeros);
  }
}

TEST (Variables, ValueInitializerGivesDtypeShapeAndOps)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftInitializer) value = int32_value ();
  GraftVariable *v = get_ok (g, "v", nullptr, GRAFT_DTYPE_INVALID, value);

  ASSERT_NE (v, nullptr);
  EXPECT_EQ (graft_variable_get_dtype (v), GRAFT_DTYPE_INT32);
  EXPECT_EQ (shape_string (graft_variable_get_shape (v)), "(2, 3)");
  EXPECT_EQ (graft_variable_get_initializer (v), value);
  EXPECT_TRUE (graft_initializer_is_value (graft_variable_get_initializer (v)));
  EXPECT_EQ (all_ops (g), (std::vector<std::string>{ "v/initial_value", "v", "v/Assign", "v/read" }));
  EXPECT_EQ (op_type (g, "v/initial_value"), "Const");
  EXPECT_EQ (op_type (g, "v"), "VariableV2");
  EXPECT_EQ (op_type (g, "v/Assign"), "Assign");
  EXPECT_EQ (op_type (g, "v/read"), "Identity");
  EXPECT_EQ (op_name (graft_variable_get_initial_value (v)), "v/initial_value");
  EXPECT_EQ (graft_output_get_dtype (graft_variable_get_value (v)), GRAFT_DTYPE_INT32);
  g_autoptr(GraftShape) read_shape = graft_output_get_shape (graft_variable_get_value (v));
  EXPECT_EQ (shape_string (read_shape), "(2, 3)");
}

TEST (Variables, OpNames)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s22 = shape2 (2, 2);
  GraftVariable *v = get_ok (g, "v", s22);
  GraftVariable *n = get_ok (g, "n", s22, GRAFT_DTYPE_INT32);

  ASSERT_NE (v, nullptr);
  ASSERT_NE (n, nullptr);
  EXPECT_EQ (all_ops (g), (std::vector<std::string>{ "v/Initializer/glorot_uniform", "v", "v/Assign", "v/read",
                                                     "n/Initializer/zeros", "n", "n/Assign", "n/read" }));
  for (const char *name : { "v", "n" })
    {
      std::string base = name;
      EXPECT_EQ (op_type (g, name), "VariableV2");
      EXPECT_EQ (op_type (g, (base + "/Assign").c_str ()), "Assign");
      EXPECT_EQ (op_type (g, (base + "/read").c_str ()), "Identity");
    }
  EXPECT_STREQ (graft_variable_get_op_name (v), "v");
  EXPECT_EQ (op_name (graft_variable_get_output (v)), "v");
  EXPECT_EQ (op_name (graft_variable_get_value (v)), "v/read");
  EXPECT_EQ (op_name (graft_variable_get_initializer_op (v)), "v/Assign");
  EXPECT_EQ (op_name (graft_variable_get_initial_value (v)), "v/Initializer/glorot_uniform");
  EXPECT_EQ (graft_graph_get_operation (g, "v"), graft_variable_get_output (v));
  g_autofree char *tensor = graft_output_get_name (graft_variable_get_output (v));
  EXPECT_STREQ (tensor, "v:0");
  EXPECT_EQ (graft_variable_get_graph (v), g);
}

TEST (Variables, NameStackResetToRoot)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "ns", nullptr);
  g_autoptr(GraftScopeGuard) foo = enter (g, "foo");

  ASSERT_EQ (name_scope (g), "ns/foo");
  GraftVariable *v = get_ok (g, "v", s2);
  ASSERT_NE (v, nullptr);
  EXPECT_EQ (std::string (graft_variable_get_name (v)), "foo/v");
  EXPECT_STREQ (graft_variable_get_op_name (v), "foo/v");
  EXPECT_EQ (op_name (graft_variable_get_value (v)), "foo/v/read");
  EXPECT_EQ (op_name (graft_variable_get_initial_value (v)), "foo/v/Initializer/glorot_uniform");
  /* And the name scope is back afterwards. */
  EXPECT_EQ (name_scope (g), "ns/foo");
  EXPECT_EQ (op_name (make_const (g, "c")), "ns/foo/c");
}

TEST (Variables, OpNameUniquifiedStoreKeyNot)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftScope) foo_object = nullptr;

  {
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "foo", nullptr);
    EXPECT_EQ (op_name (make_const (g, "v")), "foo/v");
  }
  GraftVariable *v;
  {
    g_autoptr(GraftScopeGuard) foo = enter (g, "foo");
    foo_object = (GraftScope *) g_object_ref (foo);
    v = get_ok (g, "v", s2);
  }
  ASSERT_NE (v, nullptr);
  EXPECT_STREQ (graft_variable_get_name (v), "foo/v");
  EXPECT_STREQ (graft_variable_get_op_name (v), "foo/v_1");
  EXPECT_EQ (graft_graph_lookup_variable (g, "foo/v"), v);
  EXPECT_EQ (graft_graph_lookup_variable (g, "foo/v_1"), nullptr);
  EXPECT_EQ (op_name (graft_variable_get_value (v)), "foo/v_1/read");
  EXPECT_EQ (op_name (graft_variable_get_initializer_op (v)), "foo/v_1/Assign");
  EXPECT_EQ (op_name (graft_variable_get_initial_value (v)), "foo/v_1/Initializer/glorot_uniform");
  EXPECT_EQ (collection_names (g, GRAFT_GLOBAL_VARIABLES), (std::vector<std::string>{ "foo/v_1:0" }));
  EXPECT_EQ (variable_names (graft_scope_get_global_variables, foo_object),
             (std::vector<std::string>{ "foo/v" }));

  /* Sharing goes by the store key. */
  g_autoptr(GraftScopeGuard) again = reenter (g, foo_object, GRAFT_REUSE_TRUE);
  EXPECT_EQ (get_ok (g, "v", s2), v);
}

TEST (Variables, CaseDiffersSecondVariable)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  GraftVariable *lower = get_ok (g, "v", s2);
  GraftVariable *upper = get_ok (g, "V", s2);

  ASSERT_NE (lower, nullptr);
  ASSERT_NE (upper, nullptr);
  EXPECT_NE (lower, upper);
  EXPECT_STREQ (graft_variable_get_name (upper), "V");
  EXPECT_STREQ (graft_variable_get_op_name (upper), "V_1");
  EXPECT_EQ (graft_graph_lookup_variable (g, "V"), upper);
  EXPECT_EQ (graft_graph_lookup_variable (g, "v"), lower);
  EXPECT_EQ (variable_names (graft_graph_get_global_variables, g), (std::vector<std::string>{ "v", "V" }));
}

TEST (Variables, InvalidNames)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  Snapshot snap (g, { "_v", "v:0" });

  for (const char *bad : { "_v", "v:0", "-v" })
    {
      g_autoptr(GError) error = nullptr;
      std::string message = std::string ("'") + bad + "' is not a valid scope name";
      get_err (g, bad, s2, GRAFT_DTYPE_INVALID, nullptr, &error);
      EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, message.c_str ()));
    }
  EXPECT_TRUE (snap.unchanged ());
  EXPECT_EQ (name_scope (g), "");

  /* Inside a scope, the full name starts with the scope's: fine. */
  g_autoptr(GraftScopeGuard) foo = enter (g, "foo");
  GraftVariable *v = get_ok (g, "_v", s2);
  EXPECT_STREQ (v ? graft_variable_get_name (v) : "", "foo/_v");
}

/* ---- collections ---- */

TEST (Variables, Collections)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  using Names = std::vector<std::string>;

  GraftVariable *plain = get_ok (g, "plain", s2);
  EXPECT_EQ (strv (graft_variable_get_collections (plain)), (Names{ "variables", "trainable_variables" }));
  EXPECT_TRUE (graft_variable_get_trainable (plain));

  g_autoptr(GraftVariableRequest) frozen = graft_variable_request_new ("frozen");
  graft_variable_request_set_shape (frozen, s2);
  graft_variable_request_set_trainable (frozen, FALSE);
  GraftVariable *f = graft_graph_get_variable_full (g, frozen, nullptr);
  ASSERT_NE (f, nullptr);
  EXPECT_FALSE (graft_variable_get_trainable (f));
  EXPECT_EQ (strv (graft_variable_get_collections (f)), (Names{ "variables" }));

  const char *mine[] = { "mine", nullptr };
  g_autoptr(GraftVariableRequest) r1 = graft_variable_request_new ("listed");
  graft_variable_request_set_shape (r1, s2);
  graft_variable_request_set_collections (r1, mine);
  GraftVariable *listed = graft_graph_get_variable_full (g, r1, nullptr);
  ASSERT_NE (listed, nullptr);
  EXPECT_EQ (strv (graft_variable_get_collections (listed)), (Names{ "mine", "trainable_variables" }));

  const char *mine_and_global[] = { "mine", "variables", nullptr };
  g_autoptr(GraftVariableRequest) r2 = graft_variable_request_new ("both");
  graft_variable_request_set_shape (r2, s2);
  graft_variable_request_set_collections (r2, mine_and_global);
  EXPECT_NE (graft_graph_get_variable_full (g, r2, nullptr), nullptr);

  const char *trainable_only[] = { "trainable_variables", nullptr };
  g_autoptr(GraftVariableRequest) r3 = graft_variable_request_new ("t");
  graft_variable_request_set_shape (r3, s2);
  graft_variable_request_set_collections (r3, trainable_only);
  GraftVariable *t = graft_graph_get_variable_full (g, r3, nullptr);
  ASSERT_NE (t, nullptr);
  EXPECT_EQ (strv (graft_variable_get_collections (t)), (Names{ "trainable_variables" }));

  EXPECT_EQ (collection_names (g, GRAFT_GLOBAL_VARIABLES), (Names{ "plain:0", "frozen:0", "both:0" }));
  EXPECT_EQ (collection_names (g, GRAFT_TRAINABLE_VARIABLES), (Names{ "plain:0", "listed:0", "both:0", "t:0" }));
  EXPECT_EQ (collection_names (g, "mine"), (Names{ "listed:0", "both:0" }));
  EXPECT_EQ (variable_names (graft_graph_get_global_variables, g), (Names{ "plain", "frozen", "both" }));
  EXPECT_EQ (variable_names (graft_graph_get_trainable_variables, g), (Names{ "plain", "listed", "both", "t" }));
  guint n;
  g_autofree GraftVariable **mine_vars = graft_graph_get_collection_variables (g, "mine", nullptr, &n);
  ASSERT_EQ (n, 2u);
  EXPECT_EQ (mine_vars[0], listed);
}

TEST (Variables, LocalVariables)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  using Names = std::vector<std::string>;
  GError *error = nullptr;

  GraftVariable *l = graft_graph_get_local_variable (g, "l", s2, GRAFT_DTYPE_INVALID, nullptr, &error);
  ASSERT_NE (l, nullptr) << describe_error (error);
  EXPECT_FALSE (graft_variable_get_trainable (l));
  EXPECT_EQ (strv (graft_variable_get_collections (l)), (Names{ "local_variables" }));

  const char *mine[] = { "mine", nullptr };
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("m");
  graft_variable_request_set_shape (r, s2);
  graft_variable_request_set_collections (r, mine);
  /* trainable is forced off whatever the request says. */
  graft_variable_request_set_trainable (r, TRUE);
  GraftVariable *m = graft_graph_get_local_variable_full (g, r, &error);
  ASSERT_NE (m, nullptr) << describe_error (error);
  EXPECT_FALSE (graft_variable_get_trainable (m));
  EXPECT_EQ (strv (graft_variable_get_collections (m)), (Names{ "mine", "local_variables" }));
  /* The caller's request is left alone. */
  EXPECT_EQ (strv (graft_variable_request_get_collections (r)), (Names{ "mine" }));

  EXPECT_EQ (variable_names (graft_graph_get_local_variables, g), (Names{ "l", "m" }));
  EXPECT_TRUE (collection_names (g, GRAFT_GLOBAL_VARIABLES).empty ());
  EXPECT_TRUE (collection_names (g, GRAFT_TRAINABLE_VARIABLES).empty ());

  /* Same reuse rules. */
  EXPECT_EQ (graft_graph_get_local_variable (g, "l", s2, GRAFT_DTYPE_INVALID, nullptr, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS,
                                "Variable l already exists, disallowed."));
  g_clear_error (&error);
  g_autoptr(GraftScopeGuard) reuse = graft_graph_reenter_variable_scope (g, graft_graph_get_variable_scope (g),
                                                                          GRAFT_REUSE_TRUE, nullptr);
  EXPECT_EQ (graft_graph_get_local_variable (g, "l", s2, GRAFT_DTYPE_INVALID, nullptr, nullptr), l);
}

/* ---- regularizers ---- */

namespace {

struct RegLog
{
  int calls = 0;
  std::string name_scope;
};

GraftOutput *
l2_regularizer (GraftVariable *v,
                gpointer       data)
{
  RegLog *log = (RegLog *) data;
  GraftGraph *g = graft_variable_get_graph (v);

  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "Identity", "l2");

  log->calls++;
  log->name_scope = name_scope (g);
  graft_op_builder_add_input (b, graft_variable_get_value (v));
  return graft_op_builder_finish (b, nullptr);
}

GraftOutput *
null_regularizer (GraftVariable *,
                  gpointer data)
{
  ((RegLog *) data)->calls++;
  return nullptr;
}

} // namespace

TEST (Variables, RegularizerArgument)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  RegLog log;
  g_autoptr(GraftRegularizer) reg = graft_regularizer_new (l2_regularizer, &log, nullptr);
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("v");

  graft_variable_request_set_shape (r, s2);
  graft_variable_request_set_regularizer (r, reg);
  {
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "ns", nullptr);
    g_autoptr(GraftScopeGuard) foo = enter (g, "foo");
    ASSERT_NE (graft_graph_get_variable_full (g, r, nullptr), nullptr);
    EXPECT_EQ (log.calls, 1);
    /* NAME/Regularizer/, absolute. */
    EXPECT_EQ (log.name_scope, "foo/v/Regularizer");
    EXPECT_EQ (name_scope (g), "ns/foo");
  }
  EXPECT_EQ (collection_names (g, GRAFT_REGULARIZATION_LOSSES),
             (std::vector<std::string>{ "foo/v/Regularizer/l2:0" }));

  /* Not run again when the variable is shared. */
  g_autoptr(GraftScopeGuard) foo = enter (g, "foo", GRAFT_REUSE_AUTO);
  EXPECT_NE (graft_graph_get_variable_full (g, r, nullptr), nullptr);
  EXPECT_EQ (log.calls, 1);
  EXPECT_EQ (collection_names (g, GRAFT_REGULARIZATION_LOSSES).size (), 1u);
}

TEST (Variables, RegularizerFromScopeAndNone)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  RegLog log, nlog;
  g_autoptr(GraftRegularizer) reg = graft_regularizer_new (l2_regularizer, &log, nullptr);
  g_autoptr(GraftRegularizer) none = graft_regularizer_new_none ();
  g_autoptr(GraftRegularizer) null_reg = graft_regularizer_new (null_regularizer, &nlog, nullptr);
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();

  graft_scope_options_set_regularizer (o, reg);
  g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
  ASSERT_NE (get_ok (g, "a", s2), nullptr);
  EXPECT_EQ (log.calls, 1);
  {
    g_autoptr(GraftScopeGuard) child = enter (g, "child");
    ASSERT_NE (get_ok (g, "b", s2), nullptr);
    EXPECT_EQ (log.calls, 2);
  }
  {
    /* tf.no_regularizer turns the scope's off. */
    g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("c");
    graft_variable_request_set_shape (r, s2);
    graft_variable_request_set_regularizer (r, none);
    ASSERT_NE (graft_graph_get_variable_full (g, r, nullptr), nullptr);
    EXPECT_EQ (log.calls, 2);
  }
  {
    /* A regularizer returning no loss adds nothing. */
    g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("d");
    graft_variable_request_set_shape (r, s2);
    graft_variable_request_set_regularizer (r, null_reg);
    ASSERT_NE (graft_graph_get_variable_full (g, r, nullptr), nullptr);
    EXPECT_EQ (nlog.calls, 1);
    EXPECT_EQ (log.calls, 2);
  }
  EXPECT_EQ (collection_names (g, GRAFT_REGULARIZATION_LOSSES),
             (std::vector<std::string>{ "s/a/Regularizer/l2:0", "s/child/b/Regularizer/l2:0" }));
}

/* ---- constraints ---- */

namespace {

GraftOutput *
identity_constraint (GraftOutput *value, gpointer)
{
  return value;
}

} // namespace

TEST (Variables, ConstraintStoredNeverInherited)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftConstraint) c1 = graft_constraint_new (identity_constraint, nullptr, nullptr);
  g_autoptr(GraftConstraint) c2 = graft_constraint_new (identity_constraint, nullptr, nullptr);
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
  g_autoptr(GraftScope) s_object = nullptr;

  {
    g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("arg");
    graft_variable_request_set_shape (r, s2);
    graft_variable_request_set_constraint (r, c2);
    GraftVariable *v = graft_graph_get_variable_full (g, r, nullptr);
    ASSERT_NE (v, nullptr);
    EXPECT_EQ (graft_variable_get_constraint (v), c2);
    EXPECT_EQ (graft_constraint_apply (graft_variable_get_constraint (v), graft_variable_get_value (v)),
               graft_variable_get_value (v));
  }
  EXPECT_EQ (graft_variable_get_constraint (get_ok (g, "none", s2)), nullptr);

  graft_scope_options_set_constraint (o, c1);
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
    s_object = (GraftScope *) g_object_ref (s);
    EXPECT_EQ (graft_variable_get_constraint (get_ok (g, "v", s2)), c1);
    {
      g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("w");
      graft_variable_request_set_shape (r, s2);
      graft_variable_request_set_constraint (r, c2);
      EXPECT_EQ (graft_variable_get_constraint (graft_graph_get_variable_full (g, r, nullptr)), c2);
    }
    g_autoptr(GraftScopeGuard) child = enter (g, "child");
    EXPECT_EQ (graft_variable_get_constraint (get_ok (g, "v", s2)), nullptr);
  }
  {
    g_autoptr(GraftScopeGuard) again = reenter (g, s_object);
    EXPECT_EQ (graft_variable_get_constraint (get_ok (g, "x", s2)), nullptr);
  }
}

/* ---- custom getters (§3.7) ---- */

namespace {

struct GetterLog
{
  std::vector<std::string> calls;
  std::vector<GraftReuse> reuses;
};

GraftVariable *
fan_out (GraftGetter          *getter,
         GraftVariableRequest *request,
         const char           *suffix)
{
  std::string name = graft_variable_request_get_name (request);
  GraftVariable *first = nullptr;

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GraftVariableRequest) r = graft_variable_request_copy (request);
      std::string sub = name + "/" + suffix + "_" + std::to_string (i);
      graft_variable_request_set_name (r, sub.c_str ());
      GraftVariable *v = graft_getter_get_variable (getter, r, nullptr);
      if (v == nullptr)
        return nullptr;
      if (first == nullptr)
        first = v;
    }
  return first;
}

GraftVariable *
sum_getter (GraftGetter *getter, GraftVariableRequest *request, gpointer)
{
  return fan_out (getter, request, "sum");
}

GraftVariable *
prod_getter (GraftGetter *getter, GraftVariableRequest *request, gpointer)
{
  return fan_out (getter, request, "prod");
}

/* Logs its tag and the reuse it sees, then passes on. */
GraftVariable *
logging_getter (GraftGetter *getter, GraftVariableRequest *request, gpointer data)
{
  auto *log = (std::pair<GetterLog *, std::string> *) data;

  log->first->calls.push_back (log->second + ":" + graft_variable_request_get_name (request));
  log->first->reuses.push_back (graft_variable_request_get_reuse (request));
  return graft_getter_get_variable (getter, request, nullptr);
}

GraftVariable *
refusing_getter (GraftGetter *, GraftVariableRequest *, gpointer)
{
  return nullptr;
}

GraftVariable *
explaining_getter (GraftGetter *getter, GraftVariableRequest *, gpointer)
{
  g_autoptr(GError) why = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "not today");
  graft_getter_set_error (getter, why);
  return nullptr;
}

GraftCustomGetter *
logging (GetterLog *log, const char *tag)
{
  return graft_custom_getter_new (logging_getter, new std::pair<GetterLog *, std::string> (log, tag),
                                  [] (gpointer p) { delete (std::pair<GetterLog *, std::string> *) p; });
}

} // namespace

TEST (Variables, NestedCustomGettersCompose)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftCustomGetter) sum = graft_custom_getter_new (sum_getter, nullptr, nullptr);
  g_autoptr(GraftCustomGetter) prod = graft_custom_getter_new (prod_getter, nullptr, nullptr);
  g_autoptr(GraftScopeOptions) with_sum = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) with_prod = graft_scope_options_new ();
  g_autoptr(GraftShape) shape = graft_shape_new (std::vector<gint64>{ 1, 2, 3 }.data (), 3);
  GraftVariable *v;

  graft_scope_options_set_custom_getter (with_sum, sum);
  graft_scope_options_set_custom_getter (with_prod, prod);
  {
    g_autoptr(GraftScopeGuard) a = enter (g, "prod_scope", GRAFT_REUSE_INHERIT, with_prod);
    g_autoptr(GraftScopeGuard) b = enter (g, "sum_scope", GRAFT_REUSE_INHERIT, with_sum);
    g_autoptr(GraftScopeGuard) c = enter (g, "inner_sum_scope", GRAFT_REUSE_INHERIT, with_sum);
    v = get_ok (g, "v", shape);
  }
  ASSERT_NE (v, nullptr);
  EXPECT_EQ (shape_string (graft_variable_get_shape (v)), "(1, 2, 3)");

  std::vector<std::string> expected;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      for (int k = 0; k < 2; k++)
        expected.push_back ("prod_scope/sum_scope/inner_sum_scope/v/sum_" + std::to_string (i) + "/sum_" +
                            std::to_string (j) + "/prod_" + std::to_string (k));
  EXPECT_EQ (variable_names (graft_graph_get_trainable_variables, g), expected);
  EXPECT_EQ (std::string (graft_variable_get_name (v)), expected[0]);
}

TEST (Variables, CustomGetterArgumentReplacesScopes)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  GetterLog log;
  g_autoptr(GraftCustomGetter) outer = logging (&log, "outer");
  g_autoptr(GraftCustomGetter) inner = logging (&log, "inner");
  g_autoptr(GraftCustomGetter) arg = logging (&log, "arg");
  g_autoptr(GraftScopeOptions) o1 = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o2 = graft_scope_options_new ();

  graft_scope_options_set_custom_getter (o1, outer);
  graft_scope_options_set_custom_getter (o2, inner);
  g_autoptr(GraftScopeGuard) a = enter (g, "a", GRAFT_REUSE_INHERIT, o1);
  g_autoptr(GraftScopeGuard) b = enter (g, "b", GRAFT_REUSE_INHERIT, o2);

  /* The scope chain: innermost first. */
  ASSERT_NE (get_ok (g, "v", s2), nullptr);
  EXPECT_EQ (log.calls, (std::vector<std::string>{ "inner:a/b/v", "outer:a/b/v" }));

  /* An argument replaces the chain. */
  log.calls.clear ();
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("w");
  graft_variable_request_set_shape (r, s2);
  graft_variable_request_set_custom_getter (r, arg);
  ASSERT_NE (graft_graph_get_variable_full (g, r, nullptr), nullptr);
  EXPECT_EQ (log.calls, (std::vector<std::string>{ "arg:a/b/w" }));
}

TEST (Variables, CustomGetterByObjectWrapsObjects)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  GetterLog log;
  g_autoptr(GraftCustomGetter) of_object = logging (&log, "object");
  g_autoptr(GraftCustomGetter) of_parent = logging (&log, "parent");
  g_autoptr(GraftCustomGetter) added = logging (&log, "added");
  g_autoptr(GraftScopeOptions) o_object = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o_parent = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o_added = graft_scope_options_new ();
  g_autoptr(GraftScope) object = nullptr;

  graft_scope_options_set_custom_getter (o_object, of_object);
  graft_scope_options_set_custom_getter (o_parent, of_parent);
  graft_scope_options_set_custom_getter (o_added, added);
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "o", GRAFT_REUSE_INHERIT, o_object);
    object = (GraftScope *) g_object_ref (s);
  }
  g_autoptr(GraftScopeGuard) p = enter (g, "p", GRAFT_REUSE_INHERIT, o_parent);
  {
    g_autoptr(GraftScopeGuard) s = reenter (g, object, GRAFT_REUSE_INHERIT, o_added);
    ASSERT_NE (get_ok (g, "v", s2), nullptr);
  }
  EXPECT_EQ (log.calls, (std::vector<std::string>{ "added:o/v", "object:o/v" }));
  log.calls.clear ();
  {
    /* By name, the parent's. */
    g_autoptr(GraftScopeGuard) s = enter (g, "n", GRAFT_REUSE_INHERIT, o_added);
    ASSERT_NE (get_ok (g, "v", s2), nullptr);
  }
  EXPECT_EQ (log.calls, (std::vector<std::string>{ "added:p/n/v", "parent:p/n/v" }));
}

TEST (Variables, CustomGettersSeeReuse)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  GetterLog log;
  g_autoptr(GraftCustomGetter) getter = logging (&log, "g");
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();

  graft_scope_options_set_custom_getter (o, getter);
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
    ASSERT_NE (get_ok (g, "v", s2), nullptr);
  }
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_TRUE, o);
    ASSERT_NE (get_ok (g, "v", s2), nullptr);
  }
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_AUTO, o);
    ASSERT_NE (get_ok (g, "v", s2), nullptr);
  }
  EXPECT_EQ (log.reuses, (std::vector<GraftReuse>{ GRAFT_REUSE_INHERIT, GRAFT_REUSE_TRUE, GRAFT_REUSE_AUTO }));
}

namespace {

/* Makes an op of its own before passing on, as getters that wrap the
 * variable (casts, EMA reads) do. */
GraftVariable *
op_making_getter (GraftGetter *getter, GraftVariableRequest *request, gpointer data)
{
  GraftGraph *g = graft_getter_get_graph (getter);

  *(std::string *) data = op_name (make_const (g, "c"));
  return graft_getter_get_variable (getter, request, nullptr);
}

} // namespace

TEST (Variables, CustomGettersRunAtTheRootNameScope)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  std::string made;
  g_autoptr(GraftCustomGetter) getter = graft_custom_getter_new (op_making_getter, &made, nullptr);
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();

  graft_scope_options_set_custom_getter (o, getter);
  g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "ns", nullptr);
  g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
  ASSERT_NE (get_ok (g, "v", s2), nullptr);
  EXPECT_EQ (made, "c");
  EXPECT_EQ (name_scope (g), "ns/s");
}

TEST (Variables, CustomGetterReturningNull)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  GetterLog log;
  g_autoptr(GraftCustomGetter) passing = logging (&log, "g");
  g_autoptr(GraftCustomGetter) refusing = graft_custom_getter_new (refusing_getter, nullptr, nullptr);
  g_autoptr(GraftCustomGetter) explaining = graft_custom_getter_new (explaining_getter, nullptr, nullptr);
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
  Snapshot snap (g, { "s/v" });

  graft_scope_options_set_custom_getter (o, passing);
  {
    /* The getter ignores the inner error and returns NULL: that error. */
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_TRUE, o);
    get_err (g, "v", s2, GRAFT_DTYPE_INVALID, nullptr, &error);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
                          "Variable s/v does not exist, or was not created with tf.get_variable(). Did you mean to "
                          "set reuse=tf.AUTO_REUSE in VarScope?"));
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("v");
    graft_variable_request_set_shape (r, s2);
    graft_variable_request_set_custom_getter (r, refusing);
    g_autoptr(GraftScopeGuard) s = enter (g, "s");
    EXPECT_EQ (graft_graph_get_variable_full (g, r, &error), nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_GETTER_FAILED,
                          "The custom getter for variable s/v returned no variable"));
    g_clear_error (&error);
    graft_variable_request_set_custom_getter (r, explaining);
    EXPECT_EQ (graft_graph_get_variable_full (g, r, &error), nullptr);
    EXPECT_TRUE (ErrorIs (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "not today"));
  }
  EXPECT_TRUE (snap.unchanged ());
}

/* ---- a failed call changes nothing ---- */

TEST (Variables, FailedCallsChangeNothing)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s22 = shape2 (2, 2);
  g_autoptr(GraftShape) s23 = shape2 (2, 3);
  g_autoptr(GraftShape) partial = shape2 (GRAFT_DIM_UNKNOWN, 2);
  g_autoptr(GraftInitializer) value = int32_value ();
  g_autoptr(GraftInitializer) unknown_init = graft_initializer_new ("no_such_initializer", nullptr);
  g_autoptr(GraftInitializer) glorot = graft_initializer_new ("glorot_uniform", nullptr);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "bogus", g_variant_new_int64 (1));
  g_autoptr(GraftInitializer) bad_attr = graft_initializer_new ("zeros", g_variant_builder_end (&b));
  RegLog log;
  g_autoptr(GraftRegularizer) reg = graft_regularizer_new (l2_regularizer, &log, nullptr);
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();

  /* Some state to keep: a variable with a regularization loss. */
  graft_scope_options_set_regularizer (o, reg);
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
    ASSERT_NE (get_ok (g, "v", s22), nullptr);
  }
  ASSERT_EQ (log.calls, 1);

  struct {
    const char *what;
    GraftReuse reuse;
    const char *name;
    GraftShape *shape;
    GraftDType dtype;
    GraftInitializer *init;
    GQuark domain;
    int code;
  } cases[] = {
    { "value with shape", GRAFT_REUSE_INHERIT, "w", s23, GRAFT_DTYPE_INVALID, value, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE },
    { "already exists", GRAFT_REUSE_INHERIT, "v", s22, GRAFT_DTYPE_INVALID, nullptr, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_ALREADY_EXISTS },
    { "shape", GRAFT_REUSE_TRUE, "v", s23, GRAFT_DTYPE_INVALID, nullptr, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_SHAPE_MISMATCH },
    { "dtype", GRAFT_REUSE_AUTO, "v", s22, GRAFT_DTYPE_INT64, nullptr, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_DTYPE_MISMATCH },
    { "missing", GRAFT_REUSE_TRUE, "w", s22, GRAFT_DTYPE_INVALID, nullptr, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST },
    { "complex", GRAFT_REUSE_INHERIT, "w", s22, GRAFT_DTYPE_COMPLEX64, nullptr, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED },
    { "partial shape", GRAFT_REUSE_AUTO, "w", partial, GRAFT_DTYPE_INVALID, nullptr, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_INVALID_INITIALIZER },
    { "initializer dtype", GRAFT_REUSE_INHERIT, "w", nullptr, GRAFT_DTYPE_FLOAT64, value, GRAFT_VARIABLE_ERROR,
      GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE },
    { "unknown initializer", GRAFT_REUSE_INHERIT, "w", s22, GRAFT_DTYPE_INVALID, unknown_init, GRAFT_GRAPH_ERROR,
      GRAFT_GRAPH_ERROR_UNKNOWN_OP },
    { "initializer attribute", GRAFT_REUSE_INHERIT, "w", s22, GRAFT_DTYPE_INVALID, bad_attr, GRAFT_GRAPH_ERROR,
      GRAFT_GRAPH_ERROR_INVALID_ATTR },
    { "initializer refuses dtype", GRAFT_REUSE_AUTO, "w", s22, GRAFT_DTYPE_INT32, glorot, GRAFT_GRAPH_ERROR,
      GRAFT_GRAPH_ERROR_DTYPE },
  };
  for (auto &c : cases)
    {
      SCOPED_TRACE (c.what);
      g_autoptr(GError) error = nullptr;
      g_autoptr(GraftScopeGuard) s = enter (g, "s", c.reuse, o);
      Snapshot snap (g, { "s/v", "s/w" });
      std::string ns_before = name_scope (g);
      get_err (g, c.name, c.shape, c.dtype, c.init, &error);
      ASSERT_NE (error, nullptr);
      EXPECT_EQ (error->domain, c.domain) << error->message;
      EXPECT_EQ (error->code, c.code) << error->message;
      EXPECT_TRUE (snap.unchanged ());
      EXPECT_EQ (log.calls, 1);
      EXPECT_EQ (name_scope (g), ns_before);
    }

  /* The variable can still be made; names consumed by the refused attempt
   * stay consumed, so its op is uniquified (the store key is not). */
  g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
  GraftVariable *w = get_ok (g, "w", s22);
  ASSERT_NE (w, nullptr);
  EXPECT_STREQ (graft_variable_get_name (w), "s/w");
  EXPECT_STREQ (graft_variable_get_op_name (w), "s/w_1");
  EXPECT_EQ (log.calls, 2);
}

/* ---- misc ---- */

TEST (Variables, RequestReuseIsTheScopes)
{
  /* get_variable() passes the scope's reuse; a request cannot override it
   * (only a custom getter can, on the way to the store). */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("v");
  g_autoptr(GError) error = nullptr;

  graft_variable_request_set_shape (r, s2);
  graft_variable_request_set_reuse (r, GRAFT_REUSE_TRUE);
  GraftVariable *v = graft_graph_get_variable_full (g, r, &error);
  ASSERT_NE (v, nullptr) << describe_error (error);
  EXPECT_EQ (graft_graph_get_variable_full (g, r, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS, kAlreadyExistsV));
}

TEST (Variables, CachingDevice)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();

  EXPECT_EQ (graft_variable_get_caching_device (get_ok (g, "none", s2)), nullptr);
  graft_scope_options_set_caching_device (o, "/cpu:0");
  g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_INHERIT, o);
  EXPECT_STREQ (graft_variable_get_caching_device (get_ok (g, "a", s2)), "/cpu:0");
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("b");
  graft_variable_request_set_shape (r, s2);
  graft_variable_request_set_caching_device (r, "");
  GraftVariable *b = graft_graph_get_variable_full (g, r, nullptr);
  ASSERT_NE (b, nullptr);
  EXPECT_STREQ (graft_variable_get_caching_device (b), "");
}

TEST (Variables, SettersAcceptTheirOwnValues)
{
  /* A custom getter may well pass a request's value back to it. */
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("name");
  const char *mine[] = { "a", "b", nullptr };

  graft_variable_request_set_collections (r, mine);
  graft_variable_request_set_caching_device (r, "/cpu:0");
  graft_variable_request_set_name (r, graft_variable_request_get_name (r));
  graft_variable_request_set_collections (r, graft_variable_request_get_collections (r));
  graft_variable_request_set_caching_device (r, graft_variable_request_get_caching_device (r));
  EXPECT_STREQ (graft_variable_request_get_name (r), "name");
  EXPECT_EQ (strv (graft_variable_request_get_collections (r)), (std::vector<std::string>{ "a", "b" }));
  EXPECT_STREQ (graft_variable_request_get_caching_device (r), "/cpu:0");

  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftScope *root = graft_graph_get_variable_scope (g);
  graft_scope_set_caching_device (root, "/cpu:1");
  graft_scope_set_caching_device (root, graft_scope_get_caching_device (root));
  EXPECT_STREQ (graft_scope_get_caching_device (root), "/cpu:1");
}

TEST (Variables, GraphSeedDoesNotAffectNames)
{
  std::vector<std::string> names[2];

  for (int seeded = 0; seeded < 2; seeded++)
    {
      g_autoptr(GraftGraph) g = graft_graph_new ();
      g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
      g_autoptr(GraftInitializer) seeded_init = graft_initializer_new_seeded ("glorot_uniform", nullptr, 7);
      if (seeded)
        graft_graph_set_seed (g, 42);
      g_autoptr(GraftScopeGuard) s = enter (g, "s");
      get_ok (g, "a", s2);
      get_ok (g, "b", s2, GRAFT_DTYPE_INVALID, seeded_init);
      get_ok (g, "c", s2, GRAFT_DTYPE_INT32);
      names[seeded] = all_ops (g);
    }
  EXPECT_EQ (names[0], names[1]);
  EXPECT_GE (names[0].size (), 12u);
}

TEST (Variables, VariablesOutliveTheirGraph)
{
  GraftGraph *g = graft_graph_new ();
  g_autoptr(GraftShape) s2 = graft_shape_new_vector (2);
  g_autoptr(GraftConstraint) c = graft_constraint_new (identity_constraint, nullptr, nullptr);
  g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("v");

  graft_variable_request_set_shape (r, s2);
  graft_variable_request_set_constraint (r, c);
  GraftVariable *v = graft_graph_get_variable_full (g, r, nullptr);
  ASSERT_NE (v, nullptr);
  g_autoptr(GraftVariable) held = (GraftVariable *) g_object_ref (v);
  g_object_unref (g);

  EXPECT_EQ (graft_variable_get_graph (held), nullptr);
  EXPECT_EQ (graft_variable_get_output (held), nullptr);
  EXPECT_EQ (graft_variable_get_value (held), nullptr);
  EXPECT_EQ (graft_variable_get_initializer_op (held), nullptr);
  EXPECT_EQ (graft_variable_get_initial_value (held), nullptr);
  EXPECT_EQ (graft_variable_get_op_name (held), nullptr);
  EXPECT_STREQ (graft_variable_get_name (held), "v");
  EXPECT_EQ (graft_variable_get_dtype (held), GRAFT_DTYPE_FLOAT32);
  EXPECT_EQ (shape_string (graft_variable_get_shape (held)), "(2,)");
  EXPECT_EQ (init_name (held), "glorot_uniform");
  EXPECT_EQ (graft_variable_get_constraint (held), c);
}
