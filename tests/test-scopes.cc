/* test-scopes.cc: variable scopes: reuse, name scopes, default names,
 * inheritance, queries, errors, nesting and threads.
 *
 * The contract is shared/spec/scopes.md; the cases follow TensorFlow 1.15's
 * variable_scope_test.py where it has one (tf1-semantics.md §2, §4, §6).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <malloc.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <graft.h>

#include "test-util.h"

using namespace graft_test;

namespace {

const GraftReuse kReuses[] = { GRAFT_REUSE_INHERIT, GRAFT_REUSE_TRUE, GRAFT_REUSE_AUTO };

const char *
reuse_name (GraftReuse r)
{
  switch (r)
    {
    case GRAFT_REUSE_INHERIT:
      return "INHERIT";
    case GRAFT_REUSE_TRUE:
      return "TRUE";
    case GRAFT_REUSE_AUTO:
      return "AUTO";
    }
  return "?";
}

/* get_variable("name", [1]) with everything else from the scope. */
GraftVariable *
get_var (GraftGraph *g,
         const char *name,
         GError    **error = nullptr)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (1);
  GError *local = nullptr;
  GraftVariable *v = graft_graph_get_variable (g, name, shape, GRAFT_DTYPE_INVALID, nullptr, &local);

  if (error != nullptr)
    *error = local;
  else
    {
      EXPECT_NE (v, nullptr) << name << ": " << describe_error (local);
      g_clear_error (&local);
    }
  return v;
}

std::string
var_name (GraftVariable *v)
{
  return v ? graft_variable_get_name (v) : "(null)";
}

std::string
scope_name (GraftScope *s)
{
  return s ? graft_scope_get_name (s) : "(null)";
}

GraftScope *
current (GraftGraph *g)
{
  return graft_graph_get_variable_scope (g);
}

/* w * 2 as TensorFlow names it: name scope `mul`, constant `mul/y`, the
 * product named by the scope string itself. */
GraftOutput *
times_two (GraftGraph *g,
           GraftOutput *w)
{
  g_autoptr(GraftNameScopeGuard) scope = graft_graph_enter_name_scope (g, "mul", nullptr);
  GraftOutput *y = make_const (g, "y", 2.0, graft_output_get_dtype (w));

  return make_binary (g, "Mul", graft_name_scope_get_name (scope), w, y);
}

const char kAlreadyExists[] =
  "Variable test1/test2/w1 already exists, disallowed. Did you mean to set reuse=True or "
  "reuse=tf.AUTO_REUSE in VarScope?";

} // namespace

/* ---- the seed program (scopes.md) ---- */

TEST (Scopes, SeedCases)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) test1 = nullptr;
  g_autoptr(GraftScope) test2 = nullptr;
  GraftVariable *first = nullptr;
  struct {
    bool outer_by_object;
    GraftReuse outer_reuse;
    bool inner_by_object;
    GraftReuse inner_reuse;
    const char *mul;            /* the product's op name, or NULL: fails */
  } cases[] = {
    { false, GRAFT_REUSE_INHERIT, false, GRAFT_REUSE_INHERIT, "test1/test2/mul" },
    { false, GRAFT_REUSE_TRUE, false, GRAFT_REUSE_INHERIT, "test1_1/test2/mul" },
    { true, GRAFT_REUSE_INHERIT, true, GRAFT_REUSE_TRUE, "test1_2/test2/mul" },
    { true, GRAFT_REUSE_TRUE, true, GRAFT_REUSE_INHERIT, nullptr },
    { false, GRAFT_REUSE_INHERIT, false, GRAFT_REUSE_INHERIT, nullptr },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SCOPED_TRACE ("case " + std::to_string (i + 1));
      auto &c = cases[i];
      g_autoptr(GError) error = nullptr;
      g_autoptr(GraftScopeGuard) outer =
        c.outer_by_object ? reenter (g, test1, c.outer_reuse) : enter (g, "test1", c.outer_reuse);
      g_autoptr(GraftScopeGuard) inner =
        c.inner_by_object ? reenter (g, test2, c.inner_reuse) : enter (g, "test2", c.inner_reuse);
      ASSERT_NE (inner, nullptr);
      if (i == 0)
        {
          test1 = (GraftScope *) g_object_ref (outer);
          test2 = (GraftScope *) g_object_ref (inner);
        }
      EXPECT_EQ (scope_name (inner), "test1/test2");

      GraftVariable *w1 = get_var (g, "w1", &error);
      if (c.mul == nullptr)
        {
          EXPECT_EQ (w1, nullptr);
          EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS, kAlreadyExists));
          continue;
        }
      ASSERT_NE (w1, nullptr) << describe_error (error);
      if (first == nullptr)
        first = w1;
      EXPECT_EQ (w1, first);
      EXPECT_EQ (var_name (w1), "test1/test2/w1");
      EXPECT_EQ (op_name (times_two (g, graft_variable_get_value (w1))), c.mul);
    }

  /* Cases 4 and 5 consumed test1_3 and test1_4 before failing. */
  EXPECT_EQ (unique (g, "test1", FALSE), "test1_5");
  EXPECT_EQ (unique (g, "test1_3/test2", FALSE), "test1_3/test2_1");
  EXPECT_EQ (unique (g, "test1_4/test2", FALSE), "test1_4/test2_1");
  EXPECT_EQ (graft_graph_lookup_variable (g, "test1/test2/w1"), first);
  /* Only the first case created ops for w1. */
  EXPECT_EQ (graft_graph_get_operation (g, "test1/test2/w1_1"), nullptr);
  EXPECT_EQ (scope_name (current (g)), "");
  EXPECT_EQ (name_scope (g), "");
  /* The captured objects still say what they were entered with. */
  EXPECT_EQ (graft_scope_get_reuse (test1), GRAFT_REUSE_INHERIT);
  EXPECT_EQ (graft_scope_get_reuse (test2), GRAFT_REUSE_INHERIT);
  EXPECT_FALSE (graft_scope_is_active (test1));
}

/* ---- reuse (§2.3) ---- */

TEST (Scopes, ByNameInheritsReuse)
{
  for (GraftReuse parent : kReuses)
    for (GraftReuse arg : kReuses)
      {
        SCOPED_TRACE (std::string ("parent ") + reuse_name (parent) + ", arg " + reuse_name (arg));
        g_autoptr(GraftGraph) g = graft_graph_new ();
        g_autoptr(GraftScopeGuard) p = enter (g, "p", parent);
        ASSERT_EQ (graft_scope_get_reuse (p), parent);
        g_autoptr(GraftScopeGuard) c = enter (g, "c", arg);
        GraftReuse expected = arg != GRAFT_REUSE_INHERIT ? arg : parent;
        EXPECT_EQ (graft_scope_get_reuse (c), expected);
        EXPECT_EQ (current (g), c);
        EXPECT_EQ (scope_name (c), "p/c");
        /* The default-name path is by name with the argument unset. */
        g_autoptr(GraftScopeGuard) d = enter_default (g, "d");
        EXPECT_EQ (graft_scope_get_reuse (d), expected);
      }
}

TEST (Scopes, ByObjectTakesObjectsReuse)
{
  for (GraftReuse own : kReuses)
    for (GraftReuse parent : kReuses)
      for (GraftReuse arg : kReuses)
        {
          SCOPED_TRACE (std::string ("object ") + reuse_name (own) + ", parent " + reuse_name (parent) + ", arg " +
                        reuse_name (arg));
          g_autoptr(GraftGraph) g = graft_graph_new ();
          g_autoptr(GraftScope) object = nullptr;
          {
            g_autoptr(GraftScopeGuard) o = enter (g, "o", own);
            object = (GraftScope *) g_object_ref (o);
          }
          g_autoptr(GraftScopeGuard) p = enter (g, "p", parent);
          g_autoptr(GraftScopeGuard) c = reenter (g, object, arg);
          EXPECT_EQ (graft_scope_get_reuse (c), arg != GRAFT_REUSE_INHERIT ? arg : own);
          EXPECT_EQ (scope_name (c), "o");
          /* A copy, not the object. */
          EXPECT_NE (c, object);
          EXPECT_EQ (current (g), c);
          EXPECT_EQ (graft_scope_get_reuse (object), own);
          /* Children by name inherit from the copy. */
          g_autoptr(GraftScopeGuard) child = enter (g, "child");
          EXPECT_EQ (graft_scope_get_reuse (child), graft_scope_get_reuse (c));
          EXPECT_EQ (scope_name (child), "o/child");
        }
}

TEST (Scopes, StoreFollowsScopeReuse)
{
  /* §2.4: what the store does with each reuse. */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftVariable *v;

  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s");
    v = get_var (g, "v");
    ASSERT_NE (v, nullptr);
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) s = enter (g, "s");
    EXPECT_EQ (get_var (g, "v", &error), nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS,
                          "Variable s/v already exists, disallowed. Did you mean to set reuse=True or "
                          "reuse=tf.AUTO_REUSE in VarScope?"));
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_TRUE);
    EXPECT_EQ (get_var (g, "v"), v);
    EXPECT_EQ (get_var (g, "w", &error), nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
                          "Variable s/w does not exist, or was not created with tf.get_variable(). "
                          "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"));
  }
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s", GRAFT_REUSE_AUTO);
    EXPECT_EQ (get_var (g, "v"), v);
    GraftVariable *w = get_var (g, "w");
    ASSERT_NE (w, nullptr);
    EXPECT_EQ (var_name (w), "s/w");
    EXPECT_EQ (get_var (g, "w"), w);
  }
}

TEST (Scopes, AutoUnderStrictTrueCanCreate)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScopeGuard) a = enter (g, "a", GRAFT_REUSE_TRUE);

  {
    g_autoptr(GraftScopeGuard) b = enter (g, "b", GRAFT_REUSE_AUTO);
    EXPECT_EQ (graft_scope_get_reuse (b), GRAFT_REUSE_AUTO);
    GraftVariable *v = get_var (g, "v");
    EXPECT_EQ (var_name (v), "a/b/v");
  }
  {
    /* Once a parent reuses, FALSE by name cannot go back to creating. */
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) b = enter (g, "b2", GRAFT_REUSE_INHERIT);
    EXPECT_EQ (graft_scope_get_reuse (b), GRAFT_REUSE_TRUE);
    EXPECT_EQ (get_var (g, "v", &error), nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
                                  "Variable a/b2/v does not exist"));
  }
}

TEST (Scopes, TrueUnderAutoIsStrict)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScopeGuard) a = enter (g, "a", GRAFT_REUSE_AUTO);
  g_autoptr(GraftScopeGuard) b = enter (g, "b", GRAFT_REUSE_TRUE);
  g_autoptr(GError) error = nullptr;

  EXPECT_EQ (graft_scope_get_reuse (b), GRAFT_REUSE_TRUE);
  EXPECT_EQ (get_var (g, "v", &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
                        "Variable a/b/v does not exist, or was not created with tf.get_variable(). "
                        "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"));
}

TEST (Scopes, ReuseVariablesOnLiveScope)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) captured = nullptr;
  GraftVariable *v;

  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s");
    captured = (GraftScope *) g_object_ref (s);
    v = get_var (g, "v");
    /* By name, the entered scope is the live one. */
    ASSERT_EQ (current (g), s);
    graft_scope_reuse_variables (current (g));
    EXPECT_EQ (graft_scope_get_reuse (s), GRAFT_REUSE_TRUE);
    EXPECT_EQ (get_var (g, "v"), v);
    g_autoptr(GraftScopeGuard) child = enter (g, "child");
    EXPECT_EQ (graft_scope_get_reuse (child), GRAFT_REUSE_TRUE);
  }
  /* The effect ends with the block... */
  EXPECT_EQ (graft_scope_get_reuse (current (g)), GRAFT_REUSE_INHERIT);
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "s");
    EXPECT_EQ (graft_scope_get_reuse (s), GRAFT_REUSE_INHERIT);
  }
  /* ...but the captured object keeps it. */
  EXPECT_EQ (graft_scope_get_reuse (captured), GRAFT_REUSE_TRUE);
  {
    g_autoptr(GraftScopeGuard) s = reenter (g, captured);
    EXPECT_EQ (graft_scope_get_reuse (s), GRAFT_REUSE_TRUE);
    EXPECT_EQ (get_var (g, "v"), v);
  }
}

TEST (Scopes, ReuseVariablesOnCopyLeavesObject)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) object = nullptr;

  {
    g_autoptr(GraftScopeGuard) o = enter (g, "o");
    object = (GraftScope *) g_object_ref (o);
    get_var (g, "v");
  }
  {
    g_autoptr(GraftScopeGuard) copy = reenter (g, object);
    ASSERT_NE (copy, object);
    ASSERT_EQ (current (g), copy);
    graft_scope_reuse_variables (copy);
    EXPECT_EQ (graft_scope_get_reuse (copy), GRAFT_REUSE_TRUE);
    EXPECT_EQ (graft_scope_get_reuse (object), GRAFT_REUSE_INHERIT);
    EXPECT_NE (get_var (g, "v"), nullptr);
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeGuard) copy = reenter (g, object);
    EXPECT_EQ (graft_scope_get_reuse (copy), GRAFT_REUSE_INHERIT);
    EXPECT_EQ (get_var (g, "v", &error), nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS,
                                  "Variable o/v already exists, disallowed."));
  }
}

TEST (Scopes, ReuseVariablesOnRootLastsForTheThread)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftScope *root = current (g);
  GraftVariable *v = get_var (g, "v");

  graft_scope_reuse_variables (root);
  EXPECT_EQ (graft_scope_get_reuse (current (g)), GRAFT_REUSE_TRUE);
  EXPECT_EQ (get_var (g, "v"), v);
  {
    g_autoptr(GraftScopeGuard) s = enter (g, "later");
    EXPECT_EQ (graft_scope_get_reuse (s), GRAFT_REUSE_TRUE);
  }
  /* The classic pitfall: creating anything later fails. */
  g_autoptr(GError) error = nullptr;
  EXPECT_EQ (get_var (g, "slot", &error), nullptr);
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
                                "Variable slot does not exist"));

  /* Another thread has its own root. */
  std::thread t ([&] {
    EXPECT_NE (current (g), root);
    EXPECT_EQ (graft_scope_get_reuse (current (g)), GRAFT_REUSE_INHERIT);
    EXPECT_EQ (var_name (get_var (g, "other")), "other");
  });
  t.join ();
}

/* ---- name scopes of variable scopes (§4.3, §4.4) ---- */

TEST (Scopes, OriginalNameScope)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) outer_object = nullptr;
  g_autoptr(GraftScope) inner_object = nullptr;

  EXPECT_STREQ (graft_scope_get_original_name_scope (current (g)), "");
  {
    g_autoptr(GraftScopeGuard) outer = enter (g, "outer");
    EXPECT_STREQ (graft_scope_get_original_name_scope (outer), "outer/");
    g_autoptr(GraftScopeGuard) inner = enter (g, "inner");
    EXPECT_STREQ (graft_scope_get_original_name_scope (inner), "outer/inner/");
    EXPECT_EQ (name_scope (g), "outer/inner");
    outer_object = (GraftScope *) g_object_ref (outer);
    inner_object = (GraftScope *) g_object_ref (inner);
  }
  {
    /* By name again: a new, uniquified name scope. */
    g_autoptr(GraftScopeGuard) outer = enter (g, "outer");
    EXPECT_STREQ (graft_scope_get_original_name_scope (outer), "outer_1/");
    EXPECT_EQ (name_scope (g), "outer_1");
  }
  {
    /* By object: the object's original name scope is kept, while ops go in
     * a new one named after the last component, relative to where we are. */
    g_autoptr(GraftNameScopeGuard) another = graft_graph_enter_name_scope (g, "another", nullptr);
    g_autoptr(GraftScopeGuard) inner = reenter (g, inner_object);
    EXPECT_STREQ (graft_scope_get_original_name_scope (inner), "outer/inner/");
    EXPECT_EQ (name_scope (g), "another/inner");
    EXPECT_EQ (scope_name (inner), "outer/inner");
    EXPECT_EQ (op_name (make_const (g, "c")), "another/inner/c");
  }
  {
    g_autoptr(GraftScopeGuard) outer = reenter (g, outer_object);
    EXPECT_STREQ (graft_scope_get_original_name_scope (outer), "outer/");
    EXPECT_EQ (name_scope (g), "outer_2");
  }
  {
    /* Default names: the name scope opened. */
    g_autoptr(GraftScopeGuard) d = enter_default (g, "dflt");
    EXPECT_STREQ (graft_scope_get_original_name_scope (d), "dflt/");
  }
  {
    g_autoptr(GraftScopeGuard) d = enter_default (g, "dflt");
    EXPECT_STREQ (graft_scope_get_original_name_scope (d), "dflt_1/");
    /* The root's counter for "dflt" survived the first scope's exit. */
    EXPECT_EQ (scope_name (d), "dflt_1");
  }
}

TEST (Scopes, AuxiliaryNameScopeFalse)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScopeOptions) no_aux = graft_scope_options_new ();

  graft_scope_options_set_auxiliary_name_scope (no_aux, FALSE);
  {
    /* At the root: the current name scope is "". */
    g_autoptr(GraftScopeGuard) s = enter_full (g, "s", nullptr, nullptr, GRAFT_REUSE_INHERIT, no_aux);
    EXPECT_STREQ (graft_scope_get_original_name_scope (s), "");
    EXPECT_EQ (name_scope (g), "");
    EXPECT_EQ (op_name (make_const (g, "c")), "c");
  }
  /* "s" was never taken as a name. */
  EXPECT_EQ (unique (g, "s", FALSE), "s");
  {
    g_autoptr(GraftNameScopeGuard) outer = graft_graph_enter_name_scope (g, "outer", nullptr);
    g_autoptr(GraftScopeGuard) s = enter_full (g, "s", nullptr, nullptr, GRAFT_REUSE_INHERIT, no_aux);
    EXPECT_STREQ (graft_scope_get_original_name_scope (s), "outer/");
    EXPECT_EQ (name_scope (g), "outer");
    EXPECT_EQ (scope_name (s), "s");
    g_autoptr(GraftScopeGuard) d = enter_full (g, nullptr, nullptr, "d", GRAFT_REUSE_INHERIT, no_aux);
    EXPECT_STREQ (graft_scope_get_original_name_scope (d), "outer/");
    EXPECT_EQ (scope_name (d), "s/d");
    EXPECT_EQ (name_scope (g), "outer");
    EXPECT_EQ (op_name (make_const (g, "c")), "outer/c");
  }
}

TEST (Scopes, ReenterWithOriginalNameScope)
{
  /* The variable_scope docstring: re-enter without a new name scope, then
   * put ops back where they were. */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) vs = nullptr;
  g_autoptr(GraftScopeOptions) no_aux = graft_scope_options_new ();

  graft_scope_options_set_auxiliary_name_scope (no_aux, FALSE);
  {
    g_autoptr(GraftScopeGuard) foo = enter (g, "foo");
    vs = (GraftScope *) g_object_ref (foo);
  }
  {
    g_autoptr(GraftScopeGuard) vs1 = enter_full (g, nullptr, vs, nullptr, GRAFT_REUSE_INHERIT, no_aux);
    EXPECT_EQ (name_scope (g), "");
    g_autoptr(GraftNameScopeGuard) ns =
      graft_graph_enter_name_scope (g, graft_scope_get_original_name_scope (vs1), nullptr);
    GraftVariable *v = get_var (g, "v");
    EXPECT_EQ (var_name (v), "foo/v");
    EXPECT_STREQ (graft_variable_get_op_name (v), "foo/v");
    EXPECT_EQ (op_name (make_const (g, "c")), "foo/c");
  }
}

TEST (Scopes, ReenterRootOpensNoNameScope)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftScope *root = current (g);
  g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "ns", nullptr);

  {
    g_autoptr(GraftScopeGuard) r = reenter (g, root);
    EXPECT_NE (r, root);
    EXPECT_EQ (scope_name (r), "");
    EXPECT_EQ (name_scope (g), "ns");
    EXPECT_EQ (op_name (make_const (g, "c")), "ns/c");
    EXPECT_EQ (var_name (get_var (g, "v")), "v");
  }
  EXPECT_EQ (name_scope (g), "ns");
  EXPECT_EQ (current (g), root);
}

/* ---- default-name counters (§4.6) ---- */

TEST (Scopes, DefaultNamesInterleavedSubstrings)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  const char *outer_names[] = { "defaultScope1", "defaultScope1", "defaultScope", "defaultScope1" };
  const char *expected[] = { "defaultScope1/layer/w", "defaultScope1_1/layer/w", "defaultScope/layer/w",
                             "defaultScope1_2/layer/w" };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GraftScopeGuard) a = enter_default (g, outer_names[i]);
      g_autoptr(GraftScopeGuard) b = enter_default (g, "layer");
      EXPECT_EQ (var_name (get_var (g, "w")), expected[i]);
    }
}

TEST (Scopes, DefaultNameAfterByName)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  {
    g_autoptr(GraftScopeGuard) a = enter (g, "layer");
  }
  {
    g_autoptr(GraftScopeGuard) b = enter_default (g, "layer");
    EXPECT_EQ (scope_name (b), "layer_1");
    EXPECT_EQ (name_scope (g), "layer_1");
  }
  {
    g_autoptr(GraftScopeGuard) c = enter_default (g, "layer");
    EXPECT_EQ (scope_name (c), "layer_2");
  }
}

TEST (Scopes, DefaultNamesResetOnByNameExit)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();

  {
    g_autoptr(GraftScopeGuard) outer = enter (g, "outer");
    {
      g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
      EXPECT_EQ (scope_name (l), "outer/layer");
    }
    {
      g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
      EXPECT_EQ (scope_name (l), "outer/layer_1");
    }
  }
  {
    g_autoptr(GraftScopeGuard) outer = enter (g, "outer");
    g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
    EXPECT_EQ (scope_name (l), "outer/layer");
    /* The name scope comes from graph names, which never reset. */
    EXPECT_EQ (name_scope (g), "outer_1/layer");
  }
  /* The scope's own counter survives its exit. */
  {
    g_autoptr(GraftScopeGuard) d = enter_default (g, "outer");
    EXPECT_EQ (scope_name (d), "outer_1");
  }
}

TEST (Scopes, DefaultNamesUniqueWithJump)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScopeGuard) dflt = enter (g, "default");

  {
    g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
    EXPECT_EQ (var_name (get_var (g, "w")), "default/layer/w");
  }
  {
    g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
    EXPECT_EQ (var_name (get_var (g, "w")), "default/layer_1/w");
  }
  {
    g_autoptr(GraftScopeGuard) jump = reenter (g, dflt);
    EXPECT_EQ (scope_name (jump), "default");
  }
  /* No matter the jump in the middle, unique numbering continues. */
  {
    g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
    EXPECT_EQ (var_name (get_var (g, "w")), "default/layer_2/w");
  }
}

TEST (Scopes, DefaultNamesForgottenOnByObjectExit)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) o = nullptr;

  {
    g_autoptr(GraftScopeGuard) s = enter (g, "o");
    o = (GraftScope *) g_object_ref (s);
  }
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(GraftScopeGuard) s = reenter (g, o);
      {
        g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
        EXPECT_EQ (scope_name (l), "o/layer");
      }
      {
        g_autoptr(GraftScopeGuard) l = enter_default (g, "layer");
        EXPECT_EQ (scope_name (l), "o/layer_1");
      }
    }
}

TEST (Scopes, DefaultNameDocstringFooBar)
{
  /* Re-entering foo by object and opening a default "bar" gives foo/bar
   * again: the counters under foo were reset when foo (by name) exited. */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) foo_object = nullptr;

  {
    g_autoptr(GraftScopeGuard) foo = enter (g, "foo");
    foo_object = (GraftScope *) g_object_ref (foo);
    {
      g_autoptr(GraftScopeGuard) bar = enter_default (g, "bar");
      EXPECT_EQ (scope_name (bar), "foo/bar");
    }
    {
      g_autoptr(GraftScopeGuard) bar = enter_default (g, "bar");
      EXPECT_EQ (scope_name (bar), "foo/bar_1");
    }
  }
  {
    g_autoptr(GraftScopeGuard) foo = reenter (g, foo_object);
    g_autoptr(GraftScopeGuard) bar = enter_default (g, "bar");
    EXPECT_EQ (scope_name (bar), "foo/bar");
    EXPECT_EQ (name_scope (g), "foo_1/bar");
    EXPECT_EQ (var_name (get_var (g, "v")), "foo/bar/v");
  }
}

/* ---- inheritance (§6) ---- */

namespace {

GraftOutput *
noop_regularizer (GraftVariable *, gpointer)
{
  return nullptr;
}

GraftOutput *
noop_constraint (GraftOutput *value, gpointer)
{
  return value;
}

GraftVariable *
passthrough_getter (GraftGetter *getter, GraftVariableRequest *request, gpointer)
{
  return graft_getter_get_variable (getter, request, nullptr);
}

} // namespace

TEST (Scopes, InheritInitializer)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftInitializer) i1 = graft_initializer_new_zeros ();
  g_autoptr(GraftInitializer) i2 = graft_initializer_new ("glorot_uniform", nullptr);
  g_autoptr(GraftScopeOptions) o1 = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o2 = graft_scope_options_new ();
  g_autoptr(GraftScope) a_object = nullptr;

  graft_scope_options_set_initializer (o1, i1);
  graft_scope_options_set_initializer (o2, i2);
  EXPECT_EQ (graft_scope_get_initializer (current (g)), nullptr);
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, "a", nullptr, nullptr, GRAFT_REUSE_INHERIT, o1);
    a_object = (GraftScope *) g_object_ref (a);
    EXPECT_EQ (graft_scope_get_initializer (a), i1);
    {
      g_autoptr(GraftScopeGuard) b = enter (g, "b");
      EXPECT_EQ (graft_scope_get_initializer (b), i1);
    }
    {
      g_autoptr(GraftScopeGuard) d = enter_default (g, "d");
      EXPECT_EQ (graft_scope_get_initializer (d), i1);
    }
    {
      g_autoptr(GraftScopeGuard) b = enter_full (g, "b", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
      EXPECT_EQ (graft_scope_get_initializer (b), i2);
    }
  }
  {
    /* By object, the object's, whatever the parent's. */
    g_autoptr(GraftScopeGuard) p = enter_full (g, "p", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
    g_autoptr(GraftScopeGuard) a = reenter (g, a_object);
    EXPECT_EQ (graft_scope_get_initializer (a), i1);
  }
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, nullptr, a_object, nullptr, GRAFT_REUSE_INHERIT, o2);
    EXPECT_EQ (graft_scope_get_initializer (a), i2);
  }
  EXPECT_EQ (graft_scope_get_initializer (a_object), i1);
}

TEST (Scopes, InheritRegularizerDtypeCachingDevice)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftRegularizer) r1 = graft_regularizer_new (noop_regularizer, nullptr, nullptr);
  g_autoptr(GraftRegularizer) r2 = graft_regularizer_new (noop_regularizer, nullptr, nullptr);
  g_autoptr(GraftScopeOptions) o1 = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o2 = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) empty_device = graft_scope_options_new ();
  g_autoptr(GraftScope) a_object = nullptr;

  graft_scope_options_set_regularizer (o1, r1);
  graft_scope_options_set_dtype (o1, GRAFT_DTYPE_INT32);
  graft_scope_options_set_caching_device (o1, "/cpu:0");
  graft_scope_options_set_regularizer (o2, r2);
  graft_scope_options_set_dtype (o2, GRAFT_DTYPE_FLOAT64);
  graft_scope_options_set_caching_device (o2, "/gpu:0");
  graft_scope_options_set_caching_device (empty_device, "");

  EXPECT_EQ (graft_scope_get_regularizer (current (g)), nullptr);
  EXPECT_EQ (graft_scope_get_dtype (current (g)), GRAFT_DTYPE_FLOAT32);
  EXPECT_EQ (graft_scope_get_caching_device (current (g)), nullptr);
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, "a", nullptr, nullptr, GRAFT_REUSE_INHERIT, o1);
    a_object = (GraftScope *) g_object_ref (a);
    for (int how = 0; how < 2; how++)
      {
        g_autoptr(GraftScopeGuard) b = how == 0 ? enter (g, "b") : enter_default (g, "d");
        EXPECT_EQ (graft_scope_get_regularizer (b), r1);
        EXPECT_EQ (graft_scope_get_dtype (b), GRAFT_DTYPE_INT32);
        EXPECT_STREQ (graft_scope_get_caching_device (b), "/cpu:0");
        /* The partitioner slot is reserved: always unset for now. */
        EXPECT_EQ (graft_scope_get_partitioner (b), nullptr);
      }
    {
      g_autoptr(GraftScopeGuard) b = enter_full (g, "b", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
      EXPECT_EQ (graft_scope_get_regularizer (b), r2);
      EXPECT_EQ (graft_scope_get_dtype (b), GRAFT_DTYPE_FLOAT64);
      EXPECT_STREQ (graft_scope_get_caching_device (b), "/gpu:0");
    }
    {
      /* "" is a value, not "unset": it overrides. */
      g_autoptr(GraftScopeGuard) b = enter_full (g, "b", nullptr, nullptr, GRAFT_REUSE_INHERIT, empty_device);
      EXPECT_STREQ (graft_scope_get_caching_device (b), "");
      EXPECT_EQ (graft_scope_get_dtype (b), GRAFT_DTYPE_INT32);
    }
  }
  {
    g_autoptr(GraftScopeGuard) p = enter_full (g, "p", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
    g_autoptr(GraftScopeGuard) a = reenter (g, a_object);
    EXPECT_EQ (graft_scope_get_regularizer (a), r1);
    EXPECT_EQ (graft_scope_get_dtype (a), GRAFT_DTYPE_INT32);
    EXPECT_STREQ (graft_scope_get_caching_device (a), "/cpu:0");
  }
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, nullptr, a_object, nullptr, GRAFT_REUSE_INHERIT, o2);
    EXPECT_EQ (graft_scope_get_regularizer (a), r2);
    EXPECT_EQ (graft_scope_get_dtype (a), GRAFT_DTYPE_FLOAT64);
    EXPECT_STREQ (graft_scope_get_caching_device (a), "/gpu:0");
  }
}

TEST (Scopes, InheritCustomGetter)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftCustomGetter) g1 = graft_custom_getter_new (passthrough_getter, nullptr, nullptr);
  g_autoptr(GraftCustomGetter) g2 = graft_custom_getter_new (passthrough_getter, nullptr, nullptr);
  g_autoptr(GraftScopeOptions) o1 = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o2 = graft_scope_options_new ();
  g_autoptr(GraftScope) a_object = nullptr;
  GraftCustomGetter *a_getter;

  graft_scope_options_set_custom_getter (o1, g1);
  graft_scope_options_set_custom_getter (o2, g2);
  EXPECT_EQ (graft_scope_get_custom_getter (current (g)), nullptr);
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, "a", nullptr, nullptr, GRAFT_REUSE_INHERIT, o1);
    a_object = (GraftScope *) g_object_ref (a);
    a_getter = graft_scope_get_custom_getter (a);
    ASSERT_NE (a_getter, nullptr);
    {
      g_autoptr(GraftScopeGuard) b = enter (g, "b");
      EXPECT_EQ (graft_scope_get_custom_getter (b), a_getter);
    }
    {
      g_autoptr(GraftScopeGuard) d = enter_default (g, "d");
      EXPECT_EQ (graft_scope_get_custom_getter (d), a_getter);
    }
    {
      /* A new getter wraps the inherited one: a new chain. */
      g_autoptr(GraftScopeGuard) b = enter_full (g, "b", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
      EXPECT_NE (graft_scope_get_custom_getter (b), nullptr);
      EXPECT_NE (graft_scope_get_custom_getter (b), a_getter);
    }
  }
  {
    g_autoptr(GraftScopeGuard) p = enter_full (g, "p", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
    GraftCustomGetter *p_getter = graft_scope_get_custom_getter (p);
    g_autoptr(GraftScopeGuard) a = reenter (g, a_object);
    EXPECT_EQ (graft_scope_get_custom_getter (a), a_getter);
    EXPECT_NE (graft_scope_get_custom_getter (a), p_getter);
  }
}

TEST (Scopes, ConstraintNeverInherited)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftConstraint) c1 = graft_constraint_new (noop_constraint, nullptr, nullptr);
  g_autoptr(GraftConstraint) c2 = graft_constraint_new (noop_constraint, nullptr, nullptr);
  g_autoptr(GraftScopeOptions) o1 = graft_scope_options_new ();
  g_autoptr(GraftScopeOptions) o2 = graft_scope_options_new ();
  g_autoptr(GraftScope) a_object = nullptr;

  graft_scope_options_set_constraint (o1, c1);
  graft_scope_options_set_constraint (o2, c2);
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, "a", nullptr, nullptr, GRAFT_REUSE_INHERIT, o1);
    a_object = (GraftScope *) g_object_ref (a);
    EXPECT_EQ (graft_scope_get_constraint (a), c1);
    /* get_variable in the scope itself does take it (§3.1.5). */
    GraftVariable *v = get_var (g, "v");
    EXPECT_EQ (graft_variable_get_constraint (v), c1);
    {
      g_autoptr(GraftScopeGuard) b = enter (g, "b");
      EXPECT_EQ (graft_scope_get_constraint (b), nullptr);
      EXPECT_EQ (graft_variable_get_constraint (get_var (g, "v")), nullptr);
    }
    {
      g_autoptr(GraftScopeGuard) d = enter_default (g, "d");
      EXPECT_EQ (graft_scope_get_constraint (d), nullptr);
    }
    {
      g_autoptr(GraftScopeGuard) b = enter_full (g, "b2", nullptr, nullptr, GRAFT_REUSE_INHERIT, o2);
      EXPECT_EQ (graft_scope_get_constraint (b), c2);
    }
  }
  {
    /* By object the object's constraint is dropped too. */
    g_autoptr(GraftScopeGuard) a = reenter (g, a_object, GRAFT_REUSE_AUTO);
    EXPECT_EQ (graft_scope_get_constraint (a), nullptr);
    EXPECT_EQ (graft_variable_get_constraint (get_var (g, "w")), nullptr);
  }
  {
    g_autoptr(GraftScopeGuard) a = enter_full (g, nullptr, a_object, nullptr, GRAFT_REUSE_INHERIT, o2);
    EXPECT_EQ (graft_scope_get_constraint (a), c2);
  }
  EXPECT_EQ (graft_scope_get_constraint (a_object), c1);
}

TEST (Scopes, SettersAffectLaterChildrenOnly)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  g_autoptr(GraftScope) captured = nullptr;

  {
    g_autoptr(GraftScopeGuard) a = enter (g, "a");
    captured = (GraftScope *) g_object_ref (a);
    {
      g_autoptr(GraftScopeGuard) before = enter (g, "before");
      graft_scope_set_initializer (current (g), nullptr);
    }
    graft_scope_set_initializer (current (g), zeros);
    graft_scope_set_dtype (current (g), GRAFT_DTYPE_INT64);
    graft_scope_set_caching_device (current (g), "/cpu:1");
    GraftVariable *v = get_var (g, "v");
    EXPECT_EQ (graft_variable_get_dtype (v), GRAFT_DTYPE_INT64);
    EXPECT_EQ (graft_variable_get_initializer (v), zeros);
    EXPECT_STREQ (graft_variable_get_caching_device (v), "/cpu:1");
    g_autoptr(GraftScopeGuard) b = enter (g, "b");
    EXPECT_EQ (graft_scope_get_initializer (b), zeros);
    EXPECT_EQ (graft_scope_get_dtype (b), GRAFT_DTYPE_INT64);
  }
  {
    g_autoptr(GraftScopeGuard) a = enter (g, "a", GRAFT_REUSE_AUTO);
    EXPECT_EQ (graft_scope_get_initializer (a), nullptr);
    EXPECT_EQ (graft_scope_get_dtype (a), GRAFT_DTYPE_FLOAT32);
  }
  {
    g_autoptr(GraftScopeGuard) a = reenter (g, captured);
    EXPECT_EQ (graft_scope_get_initializer (a), zeros);
    EXPECT_EQ (graft_scope_get_dtype (a), GRAFT_DTYPE_INT64);
    EXPECT_STREQ (graft_scope_get_caching_device (a), "/cpu:1");
  }
}

/* ---- queries ---- */

TEST (Scopes, VariableQueriesFilterByPrefix)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) a = nullptr;
  g_autoptr(GraftScope) ab = nullptr;
  g_autoptr(GraftShape) shape = graft_shape_new_vector (1);

  {
    g_autoptr(GraftScopeGuard) s = enter (g, "a");
    a = (GraftScope *) g_object_ref (s);
    get_var (g, "v1");
    {
      g_autoptr(GraftScopeGuard) b = enter (g, "b");
      get_var (g, "v2");
    }
    g_autoptr(GraftVariableRequest) r = graft_variable_request_new ("frozen");
    graft_variable_request_set_shape (r, shape);
    graft_variable_request_set_trainable (r, FALSE);
    EXPECT_NE (graft_graph_get_variable_full (g, r, nullptr), nullptr);
    EXPECT_NE (graft_graph_get_local_variable (g, "l1", shape, GRAFT_DTYPE_INVALID, nullptr, nullptr), nullptr);
  }
  {
    /* "ab" starts with "a" but is not inside "a/". */
    g_autoptr(GraftScopeGuard) s = enter (g, "ab");
    ab = (GraftScope *) g_object_ref (s);
    get_var (g, "v3");
  }
  get_var (g, "top");

  guint n;
  EXPECT_EQ (variable_names (graft_scope_get_global_variables, a),
             (std::vector<std::string>{ "a/v1", "a/b/v2", "a/frozen" }));
  EXPECT_EQ (variable_names (graft_scope_get_trainable_variables, a),
             (std::vector<std::string>{ "a/v1", "a/b/v2" }));
  EXPECT_EQ (variable_names (graft_scope_get_local_variables, a), (std::vector<std::string>{ "a/l1" }));
  EXPECT_EQ (variable_names (graft_scope_get_global_variables, ab), (std::vector<std::string>{ "ab/v3" }));

  g_autofree GraftOutput **items = graft_scope_get_collection (a, GRAFT_GLOBAL_VARIABLES, &n);
  ASSERT_EQ (n, 3u);
  EXPECT_EQ (op_name (items[0]), "a/v1");
  EXPECT_EQ (op_name (items[1]), "a/b/v2");
  EXPECT_EQ (op_name (items[2]), "a/frozen");

  /* The root matches everything. */
  GraftScope *root = current (g);
  EXPECT_EQ (variable_names (graft_scope_get_global_variables, root),
             (std::vector<std::string>{ "a/v1", "a/b/v2", "a/frozen", "ab/v3", "top" }));
  EXPECT_EQ (variable_names (graft_scope_get_trainable_variables, root),
             (std::vector<std::string>{ "a/v1", "a/b/v2", "ab/v3", "top" }));
  EXPECT_EQ (variable_names (graft_scope_get_local_variables, root), (std::vector<std::string>{ "a/l1" }));

  /* Any collection, filtered the same way. */
  GraftOutput *loss;
  {
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "a/", nullptr);
    loss = make_const (g, "loss");
  }
  graft_graph_add_to_collection (g, "losses", loss);
  graft_graph_add_to_collection (g, "losses", make_const (g, "other_loss"));
  g_autofree GraftOutput **losses = graft_scope_get_collection (a, "losses", &n);
  ASSERT_EQ (n, 1u);
  EXPECT_EQ (losses[0], loss);
  g_autofree GraftOutput **all = graft_scope_get_collection (root, "losses", &n);
  EXPECT_EQ (n, 2u);
}

/* ---- entering errors (§2.2, §5.4) ---- */

namespace {

void
expect_unchanged (GraftGraph *g)
{
  EXPECT_EQ (scope_name (current (g)), "");
  EXPECT_EQ (name_scope (g), "");
  EXPECT_EQ (unique (g, "x", FALSE), "x");
}

} // namespace

TEST (Scopes, EnterErrors)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) object = nullptr;

  {
    g_autoptr(GraftScopeGuard) s = enter (g, "obj");
    object = (GraftScope *) g_object_ref (s);
  }
  {
    g_autoptr(GError) error = nullptr;
    EXPECT_EQ (graft_graph_enter_variable_scope_full (g, nullptr, nullptr, nullptr, GRAFT_REUSE_INHERIT, nullptr, &error),
               nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_NAME_REQUIRED,
                          "If default_name is None then name_or_scope is required"));
    expect_unchanged (g);
  }
  {
    g_autoptr(GError) error = nullptr;
    EXPECT_EQ (graft_graph_enter_variable_scope (g, "x", (GraftReuse) 7, &error), nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_REUSE,
                                  "The reuse parameter must be True or False or None."));
    expect_unchanged (g);
  }
  for (GraftReuse r : { GRAFT_REUSE_TRUE, GRAFT_REUSE_AUTO })
    {
      g_autoptr(GError) error = nullptr;
      EXPECT_EQ (graft_graph_enter_variable_scope_full (g, nullptr, nullptr, "x", r, nullptr, &error), nullptr);
      EXPECT_TRUE (ErrorIs (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_REUSE_WITHOUT_NAME,
                            "reuse=True cannot be used without a name_or_scope"));
      expect_unchanged (g);
    }
  {
    g_autoptr(GError) error = nullptr;
    EXPECT_EQ (graft_graph_enter_variable_scope_full (g, "x", object, nullptr, GRAFT_REUSE_INHERIT, nullptr, &error),
               nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_ARGUMENT,
                                  "VariableScope: name_or_scope must be a string or VariableScope."));
    expect_unchanged (g);
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
    graft_scope_options_set_auxiliary_name_scope (o, 5);
    EXPECT_EQ (graft_graph_enter_variable_scope_full (g, "x", nullptr, nullptr, GRAFT_REUSE_INHERIT, o, &error),
               nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_ARGUMENT,
                          "The auxiliary_name_scope must be `True` or `False`, while get 5"));
    expect_unchanged (g);
  }
  {
    g_autoptr(GError) error = nullptr;
    g_autoptr(GraftGraph) other = graft_graph_new ();
    GraftOutput *foreign = make_const (other, "foreign");
    g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();
    graft_scope_options_set_values (o, &foreign, 1);
    EXPECT_EQ (graft_graph_enter_variable_scope_full (g, "x", nullptr, nullptr, GRAFT_REUSE_INHERIT, o, &error),
               nullptr);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                                  "Tensor(\"foreign:0\", shape=(), dtype=float32) must be from the same graph as"));
    expect_unchanged (g);
  }
  {
    /* Invalid names fail through the name scope (§4.7). */
    g_autoptr(GError) error = nullptr;
    EXPECT_EQ (graft_graph_enter_variable_scope (g, "_x", GRAFT_REUSE_INHERIT, &error), nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, "'_x' is not a valid scope name"));
    expect_unchanged (g);
    g_clear_error (&error);
    EXPECT_EQ (graft_graph_enter_default_variable_scope (g, "_d", &error), nullptr);
    EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME, "'_d' is not a valid scope name"));
    expect_unchanged (g);
  }
  {
    /* Nested, '_' may start a name. */
    g_autoptr(GraftScopeGuard) outer = enter (g, "outer");
    g_autoptr(GraftScopeGuard) inner = enter (g, "_inner");
    EXPECT_EQ (scope_name (inner), "outer/_inner");
    EXPECT_EQ (var_name (get_var (g, "v")), "outer/_inner/v");
  }
}

TEST (Scopes, EnterErrorsOrder)
{
  /* The checks run in TensorFlow's order. */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScopeOptions) bad_aux = graft_scope_options_new ();

  graft_scope_options_set_auxiliary_name_scope (bad_aux, 5);
  {
    g_autoptr(GError) error = nullptr;
    graft_graph_enter_variable_scope_full (g, nullptr, nullptr, nullptr, (GraftReuse) 7, bad_aux, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_NAME_REQUIRED, "If default_name"));
  }
  {
    g_autoptr(GError) error = nullptr;
    graft_graph_enter_variable_scope_full (g, "x", nullptr, nullptr, (GraftReuse) 7, bad_aux, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_REUSE, "The reuse parameter"));
  }
  {
    g_autoptr(GError) error = nullptr;
    graft_graph_enter_variable_scope_full (g, nullptr, nullptr, "d", GRAFT_REUSE_TRUE, bad_aux, &error);
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_ARGUMENT,
                                  "The auxiliary_name_scope"));
  }
  expect_unchanged (g);
}

/* ---- nesting ---- */

TEST (Scopes, ImproperNestingIsAnError)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftScope *a = enter (g, "a");
  GraftScope *b = enter (g, "b");

  EXPECT_FALSE (graft_scope_exit (a, &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                                "Improper nesting of variable_scope."));
  g_clear_error (&error);
  /* Nothing changed. */
  EXPECT_EQ (current (g), b);
  EXPECT_EQ (name_scope (g), "a/b");
  EXPECT_TRUE (graft_scope_is_active (a));
  EXPECT_TRUE (graft_scope_is_active (b));
  EXPECT_EQ (var_name (get_var (g, "v")), "a/b/v");

  /* The scope can then be left properly. */
  EXPECT_TRUE (graft_scope_exit (b, &error)) << describe_error (error);
  EXPECT_EQ (current (g), a);
  EXPECT_EQ (name_scope (g), "a");
  EXPECT_TRUE (graft_scope_exit (a, &error)) << describe_error (error);
  EXPECT_EQ (scope_name (current (g)), "");
  EXPECT_EQ (name_scope (g), "");

  /* Leaving twice, or leaving what was never entered. */
  EXPECT_FALSE (graft_scope_exit (a, &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                                "Improper nesting of variable_scope."));
  g_clear_error (&error);
  EXPECT_FALSE (graft_scope_exit (current (g), &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                                "Improper nesting of variable_scope."));
  g_clear_error (&error);
  EXPECT_EQ (scope_name (current (g)), "");

  g_object_unref (b);
  g_object_unref (a);
}

TEST (Scopes, NameScopeLeftOpenIsImproperNesting)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftScope *a = enter (g, "a");
  GraftNameScope *ns = graft_graph_enter_name_scope (g, "ns", nullptr);

  EXPECT_FALSE (graft_scope_exit (a, &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                                "Improper nesting of variable_scope."));
  g_clear_error (&error);
  EXPECT_EQ (current (g), a);
  EXPECT_EQ (name_scope (g), "a/ns");

  /* Nor can the variable scope's name scope be left under the name scope. */
  EXPECT_TRUE (graft_name_scope_exit (ns, &error)) << describe_error (error);
  EXPECT_TRUE (graft_scope_exit (a, &error)) << describe_error (error);
  EXPECT_EQ (name_scope (g), "");
  EXPECT_EQ (scope_name (current (g)), "");
  g_object_unref (ns);
  g_object_unref (a);
}

TEST (Scopes, NameScopeCannotLeaveOverVariableScope)
{
  /* The variable scope's own name scope sits on top of ns. */
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftNameScope *ns = graft_graph_enter_name_scope (g, "ns", nullptr);
  GraftScope *v = enter (g, "v");

  EXPECT_FALSE (graft_name_scope_exit (ns, &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_IMPROPER_NESTING,
                                "Improper nesting of name_scope"));
  g_clear_error (&error);
  EXPECT_EQ (name_scope (g), "ns/v");
  EXPECT_EQ (current (g), v);
  EXPECT_TRUE (graft_scope_exit (v, &error)) << describe_error (error);
  EXPECT_TRUE (graft_name_scope_exit (ns, &error)) << describe_error (error);
  EXPECT_EQ (name_scope (g), "");
  g_object_unref (v);
  g_object_unref (ns);
}

TEST (Scopes, GuardsLeaveInLifoOrder)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) root = (GraftScope *) g_object_ref (current (g));

  {
    g_autoptr(GraftScopeGuard) a = enter (g, "a");
    g_autoptr(GraftScopeGuard) b = enter (g, "b", GRAFT_REUSE_AUTO);
    g_autoptr(GraftScopeGuard) c = enter_default (g, "c");
    g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "ns", nullptr);
    EXPECT_EQ (scope_name (current (g)), "a/b/c");
    EXPECT_EQ (name_scope (g), "a/b/c/ns");
  }
  EXPECT_EQ (current (g), root);
  EXPECT_EQ (name_scope (g), "");
  EXPECT_EQ (graft_scope_get_reuse (current (g)), GRAFT_REUSE_INHERIT);
  {
    /* A guard left by hand first is fine. */
    g_autoptr(GraftScopeGuard) a = enter (g, "a");
    EXPECT_TRUE (graft_scope_exit (a, nullptr));
    EXPECT_FALSE (graft_scope_is_active (a));
  }
  EXPECT_EQ (current (g), root);
}

/* ---- threads (≥ 1.10) ---- */

TEST (Scopes, NewThreadStartsAtRoot)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftScope *main_root = current (g);

  {
    g_autoptr(GraftScopeGuard) d = enter_default (g, "layer");
    EXPECT_EQ (scope_name (d), "layer");
  }
  g_autoptr(GraftScopeGuard) m = enter (g, "main", GRAFT_REUSE_TRUE);
  g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (g, "ns", nullptr);
  ASSERT_EQ (name_scope (g), "main/ns");

  std::thread t ([&] {
    GraftScope *root = current (g);
    EXPECT_NE (root, main_root);
    EXPECT_EQ (scope_name (root), "");
    EXPECT_EQ (graft_scope_get_reuse (root), GRAFT_REUSE_INHERIT);
    EXPECT_EQ (name_scope (g), "");
    /* Empty counters: "layer" again, though its name scope is taken. */
    g_autoptr(GraftScopeGuard) d = enter_default (g, "layer");
    EXPECT_EQ (scope_name (d), "layer");
    EXPECT_EQ (name_scope (g), "layer_1");
    EXPECT_EQ (var_name (get_var (g, "v")), "layer/v");
  });
  t.join ();

  /* The main thread is where it was, and its counters are its own. */
  EXPECT_EQ (current (g), m);
  EXPECT_EQ (name_scope (g), "main/ns");
  {
    g_autoptr(GraftNameScopeGuard) root = graft_graph_enter_name_scope (g, nullptr, nullptr);
    g_autoptr(GraftScopeGuard) r = reenter (g, main_root);
    g_autoptr(GraftScopeGuard) d = enter_default (g, "layer");
    EXPECT_EQ (scope_name (d), "layer_1");
  }
}

TEST (Scopes, StoreIsSharedAcrossThreads)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftVariable *v;

  {
    g_autoptr(GraftScopeGuard) s = enter (g, "shared");
    v = get_var (g, "v");
  }
  std::thread t ([&] {
    {
      g_autoptr(GError) error = nullptr;
      g_autoptr(GraftScopeGuard) s = enter (g, "shared");
      EXPECT_EQ (get_var (g, "v", &error), nullptr);
      EXPECT_TRUE (ErrorIs (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS,
                            "Variable shared/v already exists, disallowed. Did you mean to set reuse=True or "
                            "reuse=tf.AUTO_REUSE in VarScope?"));
    }
    g_autoptr(GraftScopeGuard) again = enter (g, "shared", GRAFT_REUSE_TRUE);
    EXPECT_EQ (get_var (g, "v"), v);
  });
  t.join ();
}

TEST (Scopes, CapturedScopeInThread)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GraftScope) captured = nullptr;
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  g_autoptr(GraftScopeOptions) o = graft_scope_options_new ();

  graft_scope_options_set_initializer (o, zeros);
  {
    g_autoptr(GraftScopeGuard) outer = enter (g, "outer");
    g_autoptr(GraftScopeGuard) cap = enter_full (g, "cap", nullptr, nullptr, GRAFT_REUSE_AUTO, o);
    captured = (GraftScope *) g_object_ref (cap);
  }
  std::thread t ([&] {
    g_autoptr(GraftScopeGuard) s = reenter (g, captured);
    EXPECT_EQ (scope_name (s), "outer/cap");
    EXPECT_EQ (graft_scope_get_reuse (s), GRAFT_REUSE_AUTO);
    EXPECT_EQ (name_scope (g), "cap");
    GraftVariable *v = get_var (g, "v");
    EXPECT_EQ (var_name (v), "outer/cap/v");
    EXPECT_EQ (graft_variable_get_initializer (v), zeros);
    EXPECT_EQ (get_var (g, "v"), v);
    /* Ops made here land in the thread's own name scopes. */
    EXPECT_EQ (op_name (times_two (g, graft_variable_get_value (v))), "cap/mul");
  });
  t.join ();
  EXPECT_NE (graft_graph_lookup_variable (g, "outer/cap/v"), nullptr);
}

TEST (Scopes, ExitFromAnotherThreadIsImproper)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftScope *a = enter (g, "a");

  std::thread t ([&] {
    g_autoptr(GError) error = nullptr;
    EXPECT_FALSE (graft_scope_exit (a, &error));
    EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                                  "Improper nesting of variable_scope."));
    EXPECT_EQ (scope_name (current (g)), "");
  });
  t.join ();
  EXPECT_EQ (current (g), a);
  EXPECT_TRUE (graft_scope_exit (a, nullptr));
  g_object_unref (a);
}

TEST (Scopes, ThreadsRacingUnderAutoGetOneVariable)
{
  const int kThreads = 8;
  g_autoptr(GraftGraph) g = graft_graph_new ();
  std::vector<GraftVariable *> got (kThreads, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> ready{ 0 };

  for (int i = 0; i < kThreads; i++)
    threads.emplace_back ([&, i] {
      ready++;
      while (ready.load () < kThreads)
        std::this_thread::yield ();
      g_autoptr(GraftScopeGuard) s = enter (g, "race", GRAFT_REUSE_AUTO);
      got[i] = get_var (g, "v");
    });
  for (auto &t : threads)
    t.join ();

  ASSERT_NE (got[0], nullptr);
  for (int i = 1; i < kThreads; i++)
    EXPECT_EQ (got[i], got[0]);
  EXPECT_EQ (variable_names (graft_graph_get_global_variables, g), (std::vector<std::string>{ "race/v" }));
  EXPECT_EQ (graft_graph_lookup_variable (g, "race/v"), got[0]);
  EXPECT_STREQ (graft_variable_get_op_name (got[0]), "race/v");
  EXPECT_EQ (graft_graph_get_operation (g, "race/v_1"), nullptr);
}

TEST (Scopes, ThreadsCreatingDistinctVariables)
{
  const int kThreads = 8, kEach = 20;
  g_autoptr(GraftGraph) g = graft_graph_new ();
  std::vector<std::thread> threads;

  for (int i = 0; i < kThreads; i++)
    threads.emplace_back ([&, i] {
      std::string name = "t" + std::to_string (i);
      g_autoptr(GraftScopeGuard) s = enter (g, name.c_str ());
      for (int k = 0; k < kEach; k++)
        {
          std::string v = "v" + std::to_string (k);
          EXPECT_EQ (var_name (get_var (g, v.c_str ())), name + "/" + v);
        }
    });
  for (auto &t : threads)
    t.join ();
  guint n;
  g_free (graft_graph_get_global_variables (g, &n));
  EXPECT_EQ (n, (guint) (kThreads * kEach));
  EXPECT_EQ (scope_name (current (g)), "");
}

TEST (Scopes, ScopeOutlivesGraph)
{
  GraftGraph *g = graft_graph_new ();
  g_autoptr(GraftScope) s = nullptr;

  {
    g_autoptr(GraftScopeGuard) a = enter (g, "a");
    get_var (g, "v");
    s = (GraftScope *) g_object_ref (a);
  }
  g_object_unref (g);
  EXPECT_EQ (graft_scope_get_graph (s), nullptr);
  EXPECT_EQ (scope_name (s), "a");
  guint n = 99;
  g_free (graft_scope_get_global_variables (s, &n));
  EXPECT_EQ (n, 0u);
  g_autoptr(GError) error = nullptr;
  EXPECT_FALSE (graft_scope_exit (s, &error));
  EXPECT_TRUE (ErrorStartsWith (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                                "Improper nesting of variable_scope."));
}

/* Deep nesting keeps TensorFlow's names, and its memory per level is
 * about one copy of its full path, not four: the name frames keep a length
 * instead of a copy of the name stack, the default-name counters share the
 * scope's name string, and the original name scope is derived from the
 * name. 4000 levels took 3.9 times the sum of the path lengths before,
 * 1.1 times after. Heap bytes, not time, are measured; the bound is
 * generous. */
/* Builds @depth nested scopes all named "a" in a fresh graph, checks the
 * names at the bottom, a by-object re-entry, and leaving level by level;
 * returns the heap (and graph arena) bytes the nesting took. */
static gsize
build_deep_scopes (guint depth)
{
  GraftGraph *g = graft_graph_new ();
  std::vector<GraftScope *> scopes;
  gsize graph_before = graft_graph_get_memory_size (g);
  struct mallinfo2 before = mallinfo2 ();

  scopes.reserve (depth);
  for (guint i = 0; i < depth; i++)
    {
      scopes.push_back (enter (g, "a"));
      if (scopes.back () == nullptr)
        return 0;
    }
  struct mallinfo2 after = mallinfo2 ();
  gsize used = (after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd) +
               (graft_graph_get_memory_size (g) - graph_before);

  std::string want = "a";
  for (guint i = 1; i < depth; i++)
    want += "/a";
  EXPECT_EQ (graft_scope_get_name (scopes.back ()), want);
  EXPECT_EQ (graft_scope_get_name (graft_graph_get_variable_scope (g)), want);
  EXPECT_EQ (std::string (graft_scope_get_original_name_scope (scopes.back ())), want + "/");
  g_autoptr(GraftShape) shape = graft_shape_new_scalar ();
  g_autoptr(GError) error = nullptr;
  GraftVariable *v = graft_graph_get_variable (g, "v", shape, GRAFT_DTYPE_FLOAT32, nullptr, &error);
  EXPECT_NE (v, nullptr) << describe_error (error);
  if (v != nullptr)
    {
      EXPECT_EQ (graft_variable_get_name (v), want + "/v");
    }
  g_clear_error (&error);

  /* By object, at the bottom: the same name, a fresh name scope. */
  GraftScope *copy = reenter (g, scopes.back ());
  EXPECT_NE (copy, nullptr);
  if (copy != nullptr)
    {
      EXPECT_EQ (graft_scope_get_name (copy), want);
      EXPECT_EQ (std::string (graft_scope_get_original_name_scope (copy)), want + "/");
      EXPECT_TRUE (graft_scope_exit (copy, &error)) << describe_error (error);
      g_clear_object (&copy);
    }

  /* Leaving level by level, each in turn the current scope. */
  for (guint i = depth; i-- > 0;)
    {
      if (!graft_scope_exit (scopes[i], &error))
        {
          ADD_FAILURE () << "leaving level " << i << ": " << describe_error (error);
          break;
        }
    }
  EXPECT_STREQ (graft_scope_get_name (graft_graph_get_variable_scope (g)), "");

  /* And by object again from the root, after all that. */
  copy = reenter (g, scopes.back ());
  EXPECT_NE (copy, nullptr);
  if (copy != nullptr)
    {
      EXPECT_EQ (graft_scope_get_name (copy), want);
      v = graft_graph_get_variable (g, "w", shape, GRAFT_DTYPE_FLOAT32, nullptr, &error);
      EXPECT_NE (v, nullptr) << describe_error (error);
      if (v != nullptr)
        {
          EXPECT_EQ (graft_variable_get_name (v), want + "/w");
        }
      g_clear_error (&error);
      EXPECT_TRUE (graft_scope_exit (copy, &error)) << describe_error (error);
      g_clear_object (&copy);
    }

  for (GraftScope *s : scopes)
    g_object_unref (s);
  g_object_unref (g);
  return used;
}

/* Issue 9, defect 11: names are stored as parent + leaf (scopes, counters,
 * the graph's names table), so twice as deep costs about twice the memory,
 * not four times. No timing is asserted; leaving is not a scan either. */
TEST (Scopes, DeepNestingGrowsLinearly)
{
  const guint n = 10000;
  gsize one = build_deep_scopes (n);
  gsize two = build_deep_scopes (2 * n);

  ASSERT_GT (one, 0u);
  EXPECT_LT (two, 3 * one) << one << " bytes for " << n << " levels, " << two << " for " << 2 * n;
  /* Linear, and not by much per level: a path copy per level would be
   * 2·depth bytes a level. */
  EXPECT_LT (two / (2 * n), 2048u) << two << " bytes for " << 2 * n << " levels";
}
