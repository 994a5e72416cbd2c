/* test-names.cc: unique names, name scopes, name validation and op naming.
 *
 * The sequences are TensorFlow 1.15's (ops_test.py NameStackTest and
 * NameScopeTest, ported to the C API); see shared/spec/tf1-semantics.md §4.1
 * and §4.2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <graft.h>

#include "test-util.h"

using namespace graft_test;

namespace {

/* Enters a name scope that must succeed and returns the yielded string. */
GraftNameScope *
enter_ns (GraftGraph *graph,
          const char *name)
{
  GError *error = nullptr;
  GraftNameScope *ns = graft_graph_enter_name_scope (graph, name, &error);

  EXPECT_EQ (error, nullptr) << describe_error (error);
  g_clear_error (&error);
  return ns;
}

std::string
ns_name (GraftNameScope *ns)
{
  return ns ? graft_name_scope_get_name (ns) : "(null)";
}

GraftOutput *
make_vector (GraftGraph *graph,
             const char *name,
             guint       n)
{
  std::vector<float> values (n, 1.0f);
  g_autoptr(GraftShape) shape = graft_shape_new_vector (n);
  g_autoptr(GraftTensor) t = graft_tensor_new_from_floats (values.data (), n, shape, nullptr);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Const", name);

  graft_op_builder_set_attr_tensor (b, "value", t);
  graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT32);
  return graft_op_builder_finish (b, nullptr);
}

} // namespace

/* ---- unique_name (§4.1) ---- */

TEST (Names, UniqueNameBasics)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (unique (g, "foo", FALSE), "foo");
  EXPECT_EQ (unique (g, "foo", FALSE), "foo");
  EXPECT_EQ (unique (g, "foo"), "foo");
  EXPECT_EQ (unique (g, "foo", FALSE), "foo_1");
  EXPECT_EQ (unique (g, "foo"), "foo_1");
  EXPECT_EQ (unique (g, "foo", FALSE), "foo_2");
  EXPECT_EQ (unique (g, "foo"), "foo_2");
  EXPECT_EQ (unique (g, "foo_1", FALSE), "foo_1_1");
  EXPECT_EQ (unique (g, "foo_1"), "foo_1_1");
  EXPECT_EQ (unique (g, "foo_1", FALSE), "foo_1_2");
  EXPECT_EQ (unique (g, "foo_1"), "foo_1_2");
  EXPECT_EQ (unique (g, "foo_1_2", FALSE), "foo_1_2_1");
  EXPECT_EQ (unique (g, "foo_1_2"), "foo_1_2_1");
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "bar");
    EXPECT_EQ (unique (g, "foo", FALSE), "bar/foo");
    EXPECT_EQ (unique (g, "foo"), "bar/foo");
    EXPECT_EQ (unique (g, "foo", FALSE), "bar/foo_1");
    EXPECT_EQ (unique (g, "foo"), "bar/foo_1");
    {
      g_autoptr(GraftNameScopeGuard) root = enter_ns (g, nullptr);
      EXPECT_EQ (unique (g, "foo", FALSE), "foo_3");
      EXPECT_EQ (unique (g, "foo"), "foo_3");
    }
    {
      g_autoptr(GraftNameScopeGuard) baz = enter_ns (g, "baz");
      EXPECT_EQ (unique (g, "foo", FALSE), "bar/baz/foo");
      EXPECT_EQ (unique (g, "foo"), "bar/baz/foo");
      EXPECT_EQ (unique (g, "foo", FALSE), "bar/baz/foo_1");
      EXPECT_EQ (unique (g, "foo"), "bar/baz/foo_1");
    }
    {
      g_autoptr(GraftNameScopeGuard) baz = enter_ns (g, "baz");
      EXPECT_EQ (unique (g, "foo", FALSE), "bar/baz_1/foo");
      EXPECT_EQ (unique (g, "foo"), "bar/baz_1/foo");
      EXPECT_EQ (unique (g, "foo", FALSE), "bar/baz_1/foo_1");
      EXPECT_EQ (unique (g, "foo"), "bar/baz_1/foo_1");
    }
  }
  {
    g_autoptr(GraftNameScopeGuard) quux = enter_ns (g, "quux");
    EXPECT_EQ (unique (g, "foo", FALSE), "quux/foo");
    EXPECT_EQ (unique (g, "foo"), "quux/foo");
  }
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "bar");
    g_autoptr(GraftNameScopeGuard) baz = enter_ns (g, "baz");
    EXPECT_EQ (unique (g, "foo", FALSE), "bar_1/baz/foo");
    EXPECT_EQ (unique (g, "foo"), "bar_1/baz/foo");
  }
  EXPECT_EQ (unique (g, "foo", FALSE), "foo_4");
  EXPECT_EQ (unique (g, "foo"), "foo_4");
  EXPECT_EQ (unique (g, "bar", FALSE), "bar_2");
  EXPECT_EQ (unique (g, "bar"), "bar_2");
}

TEST (Names, UniqueNameSequence)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (unique (g, "foo"), "foo");
  EXPECT_EQ (unique (g, "foo"), "foo_1");
  EXPECT_EQ (unique (g, "foo"), "foo_2");
  /* foo_1 was marked when it was handed out. */
  EXPECT_EQ (unique (g, "foo_1"), "foo_1_1");
}

TEST (Names, UniqueNameOutOfOrder)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (unique (g, "foo_2"), "foo_2");
  EXPECT_EQ (unique (g, "foo"), "foo");
  EXPECT_EQ (unique (g, "foo"), "foo_1");
  EXPECT_EQ (unique (g, "foo"), "foo_3");
}

TEST (Names, UniqueNamePreviewMarksNothing)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  for (int i = 0; i < 3; i++)
    EXPECT_EQ (unique (g, "x", FALSE), "x");
  EXPECT_EQ (unique (g, "x"), "x");
  EXPECT_EQ (unique (g, "x", FALSE), "x_1");
  EXPECT_EQ (unique (g, "x", FALSE), "x_1");
  EXPECT_EQ (unique (g, "x"), "x_1");
  /* Previewing never made an op either. */
  EXPECT_EQ (graft_graph_get_num_operations (g), 0u);
}

TEST (Names, UniqueNameIgnoresCase)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (unique (g, "foo"), "foo");
  EXPECT_EQ (unique (g, "Foo"), "Foo_1");
  EXPECT_EQ (unique (g, "FOO", FALSE), "FOO_2");
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "bar");
    EXPECT_EQ (unique (g, "foo"), "bar/foo");
  }
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "Bar");
    EXPECT_EQ (ns_name (bar), "Bar_1/");
    EXPECT_EQ (unique (g, "foo"), "Bar_1/foo");
  }
}

/* ---- name scopes (§4.2) ---- */

TEST (Names, NameScopeRelativeAndNested)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (name_scope (g), "");
  {
    g_autoptr(GraftNameScopeGuard) s1 = enter_ns (g, "scope1");
    EXPECT_EQ (ns_name (s1), "scope1/");
    EXPECT_TRUE (graft_name_scope_is_active (s1));
    EXPECT_EQ (graft_name_scope_get_graph (s1), g);
    {
      g_autoptr(GraftNameScopeGuard) s2 = enter_ns (g, "scope2");
      EXPECT_EQ (ns_name (s2), "scope1/scope2/");
      {
        g_autoptr(GraftNameScopeGuard) s3 = enter_ns (g, "scope3");
        EXPECT_EQ (name_scope (g), "scope1/scope2/scope3");
      }
      EXPECT_EQ (name_scope (g), "scope1/scope2");
    }
    EXPECT_EQ (name_scope (g), "scope1");
  }
  EXPECT_EQ (name_scope (g), "");
}

/* ops_test.py testNameScope, with Const standing in for FloatOutput. */
TEST (Names, NameScopeOpNames)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  {
    g_autoptr(GraftNameScopeGuard) foo = enter_ns (g, "foo");
    EXPECT_EQ (ns_name (foo), "foo/");
    {
      g_autoptr(GraftNameScopeGuard) foo2 = enter_ns (g, "foo2");
      EXPECT_EQ (ns_name (foo2), "foo/foo2/");
    }
    {
      g_autoptr(GraftNameScopeGuard) empty1 = enter_ns (g, nullptr);
      EXPECT_EQ (ns_name (empty1), "");
      EXPECT_EQ (name_scope (g), "");
      g_autoptr(GraftNameScopeGuard) foo3 = enter_ns (g, "foo3");
      EXPECT_EQ (ns_name (foo3), "foo3/");
    }
    {
      g_autoptr(GraftNameScopeGuard) empty2 = enter_ns (g, "");
      EXPECT_EQ (ns_name (empty2), "");
      EXPECT_EQ (name_scope (g), "");
    }
    EXPECT_EQ (name_scope (g), "foo");
  }
  EXPECT_EQ (op_name (make_const (g, nullptr)), "Const");
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "bar");
    EXPECT_EQ (op_name (make_const (g, nullptr)), "bar/Const");
    EXPECT_EQ (op_name (make_const (g, nullptr)), "bar/Const_1");
    /* The scope string itself is used as is. */
    EXPECT_EQ (op_name (make_const (g, graft_name_scope_get_name (bar))), "bar");
  }
  {
    g_autoptr(GraftNameScopeGuard) baz = enter_ns (g, "baz");
    {
      g_autoptr(GraftNameScopeGuard) quux = enter_ns (g, "quux");
      EXPECT_EQ (op_name (make_const (g, nullptr)), "baz/quux/Const");
    }
    {
      /* Re-entering the enclosing scope's string pushes nothing new. */
      g_autoptr(GraftNameScopeGuard) again = enter_ns (g, graft_name_scope_get_name (baz));
      EXPECT_EQ (ns_name (again), "baz/");
      EXPECT_EQ (op_name (make_const (g, nullptr)), "baz/Const");
      EXPECT_EQ (op_name (make_const (g, graft_name_scope_get_name (baz))), "baz");
      EXPECT_EQ (op_name (make_const (g, "trailing/")), "trailing");
    }
  }
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "bar");
    EXPECT_EQ (ns_name (bar), "bar_1/");
    EXPECT_EQ (op_name (make_const (g, nullptr)), "bar_1/Const");
  }
  {
    g_autoptr(GraftNameScopeGuard) bar = enter_ns (g, "bar/");
    EXPECT_EQ (ns_name (bar), "bar/");
    EXPECT_EQ (op_name (make_const (g, nullptr)), "bar/Const_2");
  }
}

TEST (Names, AbsoluteReentryIsNotUniquifiedNorMarked)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  {
    g_autoptr(GraftNameScopeGuard) a = enter_ns (g, "zzz/");
    EXPECT_EQ (ns_name (a), "zzz/");
    EXPECT_EQ (name_scope (g), "zzz");
  }
  {
    g_autoptr(GraftNameScopeGuard) a = enter_ns (g, "zzz/");
    EXPECT_EQ (ns_name (a), "zzz/");
  }
  /* Neither entry marked "zzz". */
  EXPECT_EQ (unique (g, "zzz", FALSE), "zzz");
  {
    g_autoptr(GraftNameScopeGuard) a = enter_ns (g, "zzz");
    EXPECT_EQ (ns_name (a), "zzz/");
  }
  {
    g_autoptr(GraftNameScopeGuard) a = enter_ns (g, "zzz");
    EXPECT_EQ (ns_name (a), "zzz_1/");
    /* An absolute name is absolute from anywhere, nested ones too. */
    g_autoptr(GraftNameScopeGuard) b = enter_ns (g, "x/y/");
    EXPECT_EQ (ns_name (b), "x/y/");
    EXPECT_EQ (name_scope (g), "x/y");
    EXPECT_EQ (op_name (make_const (g, "c")), "x/y/c");
  }
}

TEST (Names, NullAndEmptyResetToRoot)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftNameScopeGuard) outer = enter_ns (g, "outer");

  for (const char *reset : { (const char *) nullptr, "" })
    {
      g_autoptr(GraftNameScopeGuard) root = enter_ns (g, reset);
      EXPECT_EQ (ns_name (root), "");
      EXPECT_EQ (name_scope (g), "");
      EXPECT_EQ (op_name (make_const (g, "c")), reset ? "c_1" : "c");
    }
  EXPECT_EQ (name_scope (g), "outer");
}

TEST (Names, NameScopeFullDefaultName)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftOutput *c = make_const (g, "c");

  {
    /* The name wins over the default name. */
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope_full (g, "given", "dflt", &c, 1, &error);
    ASSERT_NE (ns, nullptr) << describe_error (error);
    EXPECT_EQ (ns_name (ns), "given/");
  }
  {
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope_full (g, nullptr, "dflt", &c, 1, &error);
    ASSERT_NE (ns, nullptr) << describe_error (error);
    EXPECT_EQ (ns_name (ns), "dflt/");
  }
  {
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope_full (g, nullptr, "dflt", nullptr, 0, &error);
    ASSERT_NE (ns, nullptr) << describe_error (error);
    EXPECT_EQ (ns_name (ns), "dflt_1/");
  }
  {
    /* Neither, without values: the idiom for the root. */
    g_autoptr(GraftNameScopeGuard) outer = enter_ns (g, "outer");
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope_full (g, nullptr, nullptr, nullptr, 0, &error);
    ASSERT_NE (ns, nullptr) << describe_error (error);
    EXPECT_EQ (ns_name (ns), "");
    EXPECT_EQ (name_scope (g), "");
  }
}

TEST (Names, NameScopeFullErrors)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftGraph) other = graft_graph_new ();
  GraftOutput *a = make_const (g, "a");
  GraftOutput *b = make_const (other, "b");
  g_autoptr(GraftNameScopeGuard) outer = enter_ns (g, "outer");

  {
    g_autoptr(GError) error = nullptr;
    GraftNameScope *ns = graft_graph_enter_name_scope_full (g, nullptr, nullptr, &a, 1, &error);
    EXPECT_EQ (ns, nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NAME_REQUIRED,
                          "At least one of name (None) and default_name (None) must be provided."));
  }
  {
    /* An empty list of values is still a list. */
    g_autoptr(GError) error = nullptr;
    GraftOutput *none[1] = { nullptr };
    GraftNameScope *ns = graft_graph_enter_name_scope_full (g, nullptr, nullptr, none, 0, &error);
    EXPECT_EQ (ns, nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NAME_REQUIRED,
                          "At least one of name (None) and default_name (None) must be provided."));
  }
  {
    g_autoptr(GError) error = nullptr;
    GraftOutput *values[] = { a, b };
    GraftNameScope *ns = graft_graph_enter_name_scope_full (g, "f", nullptr, values, 2, &error);
    EXPECT_EQ (ns, nullptr);
    ASSERT_NE (error, nullptr);
    EXPECT_EQ (error->domain, GRAFT_GRAPH_ERROR);
    EXPECT_EQ (error->code, GRAFT_GRAPH_ERROR_INVALID_INPUT);
    EXPECT_TRUE (g_str_has_prefix (error->message, "Tensor(\"b:0\", shape=(), dtype=float32) must be from the same graph as"))
      << error->message;
    EXPECT_TRUE (g_str_has_suffix (error->message, "Tensor(\"a:0\", shape=(), dtype=float32).")) << error->message;
  }
  {
    /* A graph of its own values only is fine from the other graph. */
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope_full (other, "f", nullptr, &b, 1, &error);
    EXPECT_NE (ns, nullptr) << describe_error (error);
  }
  /* Nothing changed: the name "f" was not taken in g. */
  EXPECT_EQ (name_scope (g), "outer");
  EXPECT_EQ (unique (g, "f", FALSE), "outer/f");
}

/* ---- validation (§4.2) ---- */

TEST (Names, ScopeNameValidation)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  struct {
    const char *name;
    const char *message;
  } root_bad[] = {
    { "_x", "'_x' is not a valid scope name" },
    { "-a", "'-a' is not a valid scope name" },
    { "/a", "'/a' is not a valid scope name" },
    { "a b", "'a b' is not a valid scope name" },
    { "a:0", "'a:0' is not a valid scope name" },
    { "_x/", "'_x/' is not a valid scope name" },
  };

  for (auto &c : root_bad)
    {
      g_autoptr(GError) error = nullptr;
      GraftNameScope *ns = graft_graph_enter_name_scope (g, c.name, &error);
      EXPECT_EQ (ns, nullptr) << c.name;
      EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, c.message));
      EXPECT_EQ (name_scope (g), "");
    }
  EXPECT_EQ (unique (g, "_x", FALSE), "_x");

  /* Fine at the root: digits and dots may start a name. */
  for (const char *ok : { "0a", ".a", "a-b_c.d", "A/B" })
    {
      g_autoptr(GraftNameScopeGuard) ns = enter_ns (g, ok);
      EXPECT_EQ (ns_name (ns), std::string (ok) + "/");
    }

  /* Nested scopes may start with '_', '-' or '/'. */
  g_autoptr(GraftNameScopeGuard) outer = enter_ns (g, "outer");
  for (const char *ok : { "_x", "-a", "_" })
    {
      g_autoptr(GraftNameScopeGuard) ns = enter_ns (g, ok);
      EXPECT_EQ (ns_name (ns), "outer/" + std::string (ok) + "/");
    }
  for (const char *bad : { "a b", "a:0", "a>b" })
    {
      g_autoptr(GError) error = nullptr;
      GraftNameScope *ns = graft_graph_enter_name_scope (g, bad, &error);
      EXPECT_EQ (ns, nullptr);
      std::string message = std::string ("'") + bad + "' is not a valid scope name";
      EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, message.c_str ()));
      EXPECT_EQ (name_scope (g), "outer");
    }
}

TEST (Names, OpNameValidation)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  struct {
    const char *scope;
    const char *name;
    const char *message;
  } bad[] = {
    { nullptr, "x:0", "'x:0' is not a valid node name" },
    { nullptr, "_x", "'_x' is not a valid node name" },
    { nullptr, "a b", "'a b' is not a valid node name" },
    { "ns", "x:0", "'ns/x:0' is not a valid node name" },
  };

  for (auto &c : bad)
    {
      g_autoptr(GError) error = nullptr;
      g_autoptr(GraftNameScopeGuard) ns = c.scope ? enter_ns (g, c.scope) : nullptr;
      guint n_ops = graft_graph_get_num_operations (g);
      GraftOutput *o = make_const (g, c.name, 1.0, GRAFT_DTYPE_FLOAT32, &error);

      EXPECT_EQ (o, nullptr);
      EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, c.message));
      EXPECT_EQ (graft_graph_get_num_operations (g), n_ops);
    }
  /* The names were consumed all the same, as unique_name marks first. */
  EXPECT_EQ (unique (g, "x:0", FALSE), "x:0_1");

  /* Inside a scope, '_' is fine after the first character. */
  {
    g_autoptr(GraftNameScopeGuard) ns = enter_ns (g, "ns2");
    EXPECT_EQ (op_name (make_const (g, "_x")), "ns2/_x");
  }
}

/* ---- op naming ---- */

TEST (Names, DefaultInstanceNames)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = make_const (g, nullptr);
  GraftOutput *y = make_const (g, nullptr);

  EXPECT_EQ (op_name (x), "Const");
  EXPECT_EQ (op_name (y), "Const_1");
  EXPECT_EQ (op_name (make_binary (g, "Add", nullptr, x, y)), "add");
  EXPECT_EQ (op_name (make_binary (g, "Sub", nullptr, x, y)), "sub");
  EXPECT_EQ (op_name (make_binary (g, "Mul", nullptr, x, y)), "mul");
  EXPECT_EQ (op_name (make_binary (g, "Div", nullptr, x, y)), "truediv");
  EXPECT_EQ (op_name (make_binary (g, "Mul", nullptr, x, y)), "mul_1");
  /* An empty name is no name. */
  EXPECT_EQ (op_name (make_binary (g, "Mul", "", x, y)), "mul_2");
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "NoOp", nullptr);
    EXPECT_EQ (op_name (graft_op_builder_finish (b, nullptr)), "NoOp");
  }
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "Identity", nullptr);
    graft_op_builder_add_input (b, x);
    EXPECT_EQ (op_name (graft_op_builder_finish (b, nullptr)), "Identity");
  }
}

TEST (Names, ExplicitAndAbsoluteOpNames)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (op_name (make_const (g, "c")), "c");
  EXPECT_EQ (op_name (make_const (g, "c")), "c_1");
  EXPECT_EQ (op_name (make_const (g, "C")), "C_2");
  {
    g_autoptr(GraftNameScopeGuard) layer = enter_ns (g, "layer");
    EXPECT_EQ (op_name (make_const (g, "c")), "layer/c");
    /* Absolute: the current name scope plays no part. */
    EXPECT_EQ (op_name (make_const (g, "abs/")), "abs");
    EXPECT_EQ (op_name (make_const (g, "deep/er/")), "deep/er");

    g_autoptr(GError) error = nullptr;
    guint n_ops = graft_graph_get_num_operations (g);
    guint64 version = graft_graph_get_version (g);
    EXPECT_EQ (make_const (g, "abs/", 1.0, GRAFT_DTYPE_FLOAT32, &error), nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DUPLICATE_NAME,
                                  "Duplicate node name in graph: 'abs'"));
    EXPECT_EQ (graft_graph_get_num_operations (g), n_ops);
    EXPECT_EQ (graft_graph_get_version (g), version);
  }
  /* An absolute name is not marked in use (TensorFlow's create_op skips
   * unique_name for it), so asking for "abs" relatively gets "abs" back and
   * collides: TensorFlow raises the same duplicate-name error. A name scope
   * opened first marks it, which is how `name=scope` is meant to be used. */
  {
    g_autoptr(GError) error = nullptr;
    EXPECT_EQ (make_const (g, "abs", 1.0, GRAFT_DTYPE_FLOAT32, &error), nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DUPLICATE_NAME,
                                  "Duplicate node name in graph: 'abs'"));
    /* That attempt marked it: the next one is uniquified. */
    EXPECT_EQ (op_name (make_const (g, "abs")), "abs_1");
  }
  EXPECT_NE (graft_graph_get_operation (g, "abs"), nullptr);
  EXPECT_NE (graft_graph_get_operation (g, "layer/c"), nullptr);
}

TEST (Names, AbsoluteOpNamesAreNotMarked)
{
  /* TensorFlow's create_op skips unique_name for a name ending in '/', so
   * the name is not in names_in_use, neither as a base nor as a suffix. */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;

  EXPECT_EQ (op_name (make_const (g, "foo_1/")), "foo_1");
  EXPECT_EQ (unique (g, "foo"), "foo");
  EXPECT_EQ (unique (g, "foo", FALSE), "foo_1");
  EXPECT_EQ (make_const (g, "foo", 1.0, GRAFT_DTYPE_FLOAT32, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DUPLICATE_NAME,
                                "Duplicate node name in graph: 'foo_1'"));
  /* That attempt marked foo_1: uniquing moves on. */
  EXPECT_EQ (op_name (make_const (g, "foo")), "foo_2");
  EXPECT_EQ (unique (g, "foo_1"), "foo_1_1");
  EXPECT_EQ (graft_graph_get_num_operations (g), 2u);
}

TEST (Names, OpIdsAndVersionIncrease)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  EXPECT_EQ (graft_graph_get_num_operations (g), 0u);
  EXPECT_EQ (graft_graph_get_last_op_id (g), 0u);
  guint64 version = graft_graph_get_version (g);
  for (guint i = 1; i <= 5; i++)
    {
      GraftOutput *c = make_const (g, "c");
      ASSERT_NE (c, nullptr);
      EXPECT_EQ (graft_output_get_op_id (c), i);
      EXPECT_EQ (graft_graph_get_last_op_id (g), i);
      EXPECT_EQ (graft_graph_get_num_operations (g), i);
      EXPECT_EQ (graft_graph_get_operation_by_id (g, i), c);
      EXPECT_GT (graft_graph_get_version (g), version);
      version = graft_graph_get_version (g);
    }
  EXPECT_EQ (graft_graph_get_operation_by_id (g, 0), nullptr);
  EXPECT_EQ (graft_graph_get_operation_by_id (g, 6), nullptr);

  /* A refused op takes no id and leaves the version alone. */
  g_autoptr(GError) error = nullptr;
  EXPECT_EQ (make_const (g, "x:0", 1.0, GRAFT_DTYPE_FLOAT32, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, "'x:0' is not a valid node name"));
  EXPECT_EQ (graft_graph_get_version (g), version);
  EXPECT_EQ (op_name (make_const (g, "d")), "d");
  EXPECT_EQ (graft_graph_get_last_op_id (g), 6u);
}

TEST (Names, LookupByName)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *c;

  {
    g_autoptr(GraftNameScopeGuard) layer = enter_ns (g, "layer");
    c = make_const (g, "c");
  }
  EXPECT_EQ (graft_graph_get_operation (g, "layer/c"), c);
  EXPECT_EQ (graft_graph_get_operation (g, "Layer/c"), nullptr);
  EXPECT_EQ (graft_graph_get_operation (g, "c"), nullptr);
  /* A name scope is not an op. */
  EXPECT_EQ (graft_graph_get_operation (g, "layer"), nullptr);
  EXPECT_EQ (op_name (c), "layer/c");
  EXPECT_STREQ (graft_output_get_op_type (c), "Const");

  g_autoptr(GError) error = nullptr;
  EXPECT_EQ (graft_graph_get_output (g, "layer/c:0", &error), c);
  EXPECT_EQ (graft_graph_get_output (g, "layer/c", &error), c);
  EXPECT_EQ (error, nullptr);
  g_autofree char *tensor_name = graft_output_get_name (c);
  EXPECT_STREQ (tensor_name, "layer/c:0");

  EXPECT_EQ (graft_graph_get_output (g, "layer/c:1", &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NOT_FOUND,
                        "The name 'layer/c:1' refers to a Tensor which does not exist. "
                        "The operation, 'layer/c', exists but only has 1 outputs."));
  g_clear_error (&error);
  EXPECT_EQ (graft_graph_get_output (g, "nope:0", &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NOT_FOUND,
                        "The name 'nope:0' refers to a Tensor which does not exist. "
                        "The operation, 'nope', does not exist in the graph."));
  g_clear_error (&error);
  EXPECT_EQ (graft_graph_get_output (g, "layer/c:x", &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NOT_FOUND,
                                "The name 'layer/c:x' refers to a Tensor which does not exist."));
}

TEST (Names, Collections)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *a = make_const (g, "a");
  GraftOutput *b, *ab;

  {
    g_autoptr(GraftNameScopeGuard) layer = enter_ns (g, "layer");
    b = make_const (g, "b");
  }
  ab = make_const (g, "layerb");

  EXPECT_TRUE (collection_names (g, "losses").empty ());
  graft_graph_add_to_collection (g, "losses", b);
  graft_graph_add_to_collection (g, "losses", a);
  graft_graph_add_to_collection (g, "losses", ab);
  graft_graph_add_to_collection (g, "extra", a);

  EXPECT_EQ (collection_names (g, "losses"), (std::vector<std::string>{ "layer/b:0", "a:0", "layerb:0" }));
  EXPECT_EQ (collection_names (g, "losses", "layer/"), (std::vector<std::string>{ "layer/b:0" }));
  EXPECT_EQ (collection_names (g, "losses", "layer"), (std::vector<std::string>{ "layer/b:0", "layerb:0" }));
  EXPECT_EQ (collection_names (g, "losses", ""), (std::vector<std::string>{ "layer/b:0", "a:0", "layerb:0" }));
  EXPECT_TRUE (collection_names (g, "losses", "zzz").empty ());
  EXPECT_EQ (collection_names (g, "extra"), (std::vector<std::string>{ "a:0" }));

  g_auto(GStrv) keys = graft_graph_get_collection_keys (g);
  ASSERT_NE (keys, nullptr);
  ASSERT_EQ (g_strv_length (keys), 2u);
  EXPECT_STREQ (keys[0], "extra");
  EXPECT_STREQ (keys[1], "losses");
}

TEST (Names, ImproperNestingIsAnError)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftNameScope *a = enter_ns (g, "a");
  GraftNameScope *b = enter_ns (g, "b");

  EXPECT_FALSE (graft_name_scope_exit (a, &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_IMPROPER_NESTING,
                                "Improper nesting of name_scope"));
  g_clear_error (&error);
  /* Nothing changed. */
  EXPECT_EQ (name_scope (g), "a/b");
  EXPECT_TRUE (graft_name_scope_is_active (a));
  EXPECT_TRUE (graft_name_scope_is_active (b));
  EXPECT_EQ (op_name (make_const (g, "c")), "a/b/c");

  /* Properly now. */
  EXPECT_TRUE (graft_name_scope_exit (b, &error)) << describe_error (error);
  EXPECT_FALSE (graft_name_scope_is_active (b));
  EXPECT_EQ (name_scope (g), "a");
  EXPECT_TRUE (graft_name_scope_exit (a, &error)) << describe_error (error);
  EXPECT_EQ (name_scope (g), "");

  /* Leaving twice is improper too. */
  EXPECT_FALSE (graft_name_scope_exit (a, &error));
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_IMPROPER_NESTING,
                        "The name scope 'a/' has already been left"));
  EXPECT_EQ (name_scope (g), "");

  g_object_unref (b);
  g_object_unref (a);
}

TEST (Names, GuardsLeaveInReverseOrder)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  {
    g_autoptr(GraftNameScopeGuard) a = enter_ns (g, "a");
    g_autoptr(GraftNameScopeGuard) b = enter_ns (g, "b");
    g_autoptr(GraftNameScopeGuard) c = enter_ns (g, "c");
    EXPECT_EQ (name_scope (g), "a/b/c");
    /* A guard already left by hand is fine too. */
    EXPECT_TRUE (graft_name_scope_exit (c, nullptr));
  }
  EXPECT_EQ (name_scope (g), "");
}

/* ---- builder errors: a GError each; the name is consumed, no op added ---- */

namespace {

struct BuilderFailure
{
  GraftGraph *g;
  guint n_ops;
  guint64 version;

  explicit BuilderFailure (GraftGraph *graph)
    : g (graph), n_ops (graft_graph_get_num_operations (graph)), version (graft_graph_get_version (graph))
  {
  }

  void
  check_unchanged () const
  {
    EXPECT_EQ (graft_graph_get_num_operations (g), n_ops);
    EXPECT_EQ (graft_graph_get_version (g), version);
  }
};

} // namespace

TEST (Names, BuilderUnknownOpType)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  BuilderFailure f (g);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "NoSuchOp", "x");

  graft_op_builder_set_attr_int (b, "n", 3);
  EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                       "No op named 'NoSuchOp' is registered."));
  f.check_unchanged ();
  g_clear_error (&error);

  /* A slip gets graft-inspect's hint: another case, or an edit or two. */
  g_autoptr(GraftOpBuilder) typo = graft_op_builder_new (g, "Matmul", "y");
  EXPECT_EQ (graft_op_builder_finish (typo, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                       "No op named 'Matmul' is registered. Did you mean 'MatMul'?"));
  g_clear_error (&error);
  GraftOutput *none = graft_graph_add_op (g, "Reluu", nullptr, nullptr, 0, &error);
  EXPECT_EQ (none, nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                       "No op named 'Reluu' is registered. Did you mean 'Relu'?"));
  EXPECT_EQ (graft_graph_get_operation (g, "x"), nullptr);
  EXPECT_EQ (unique (g, "x", FALSE), "x_1");

  /* Without a name, the type is the name. */
  g_autoptr(GraftOpBuilder) b2 = graft_op_builder_new (g, "NoSuchOp", nullptr);
  g_clear_error (&error);
  EXPECT_EQ (graft_op_builder_finish (b2, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP, "No op named 'NoSuchOp'"));
  EXPECT_EQ (unique (g, "NoSuchOp", FALSE), "NoSuchOp_1");
  f.check_unchanged ();
}

TEST (Names, BuilderWrongInputCount)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftOutput *x = make_const (g, "x");
  BuilderFailure f (g);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "Mul", nullptr);

  graft_op_builder_add_input (b, x);
  EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                                "Mul op 'mul' takes 2 inputs"));
  f.check_unchanged ();
  EXPECT_EQ (unique (g, "mul", FALSE), "mul_1");
}

TEST (Names, BuilderDtypeMismatchNamesTheOp)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftOutput *x = make_const (g, "x", 1.0, GRAFT_DTYPE_FLOAT32);
  GraftOutput *y = make_const (g, "y", 1.0, GRAFT_DTYPE_INT32);
  g_autoptr(GraftNameScopeGuard) ns = enter_ns (g, "layer");
  BuilderFailure f (g);

  EXPECT_EQ (make_binary (g, "Mul", nullptr, x, y, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE, "Mul op 'layer/mul': "));
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "int32"), nullptr) << error->message;
  EXPECT_NE (strstr (error->message, "float32"), nullptr) << error->message;
  f.check_unchanged ();
  EXPECT_EQ (graft_graph_get_operation (g, "layer/mul"), nullptr);
  EXPECT_EQ (op_name (make_binary (g, "Mul", nullptr, x, x)), "layer/mul_1");
}

TEST (Names, BuilderUnknownAttribute)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 1.0);
  BuilderFailure f (g);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, "Const", "c");

  graft_op_builder_set_attr_tensor (b, "value", t);
  graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT32);
  graft_op_builder_set_attr_int (b, "bogus", 1);
  EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                                "Const has no attribute 'bogus'"));
  f.check_unchanged ();
  EXPECT_EQ (graft_graph_get_operation (g, "c"), nullptr);
  EXPECT_EQ (unique (g, "c", FALSE), "c_1");
}

TEST (Names, BuilderBroadcastingError)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftOutput *x = make_vector (g, "x", 2);
  GraftOutput *y = make_vector (g, "y", 3);
  BuilderFailure f (g);

  ASSERT_NE (x, nullptr);
  ASSERT_NE (y, nullptr);
  EXPECT_EQ (make_binary (g, "Add", nullptr, x, y, &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                                "Add op 'add': Incompatible shapes for broadcasting"));
  f.check_unchanged ();
  EXPECT_EQ (unique (g, "add", FALSE), "add_1");

  /* Broadcasting that works, for contrast. */
  GraftOutput *s = make_const (g, "s");
  GraftOutput *sum = make_binary (g, "Add", nullptr, x, s);
  ASSERT_NE (sum, nullptr);
  g_autoptr(GraftShape) shape = graft_output_get_shape (sum);
  g_autofree char *str = graft_shape_to_string (shape);
  EXPECT_STREQ (str, "(2,)");
  EXPECT_EQ (op_name (sum), "add_1");
}
