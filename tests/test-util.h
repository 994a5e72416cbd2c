/* test-util.h: helpers shared by the scope, name and variable suites.
 *
 * Errors are checked as assertion results so that a failing check prints
 * the domain, code and message that were actually raised.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <graft.h>

namespace graft_test {

inline std::string
describe_error (const GError *error)
{
  if (error == nullptr)
    return "no error";
  return std::string (g_quark_to_string (error->domain)) + " #" + std::to_string (error->code) + ": " +
         error->message;
}

/* Entering a variable scope that must succeed: by name, by a captured
 * object, or with a default name. */
inline GraftScope *
enter_full (GraftGraph        *g,
            const char        *name,
            GraftScope        *scope,
            const char        *default_name,
            GraftReuse         reuse = GRAFT_REUSE_INHERIT,
            GraftScopeOptions *options = nullptr)
{
  GError *error = nullptr;
  GraftScope *s = graft_graph_enter_variable_scope_full (g, name, scope, default_name, reuse, options, &error);

  EXPECT_NE (s, nullptr) << (name ? name : default_name ? default_name : "(object)") << ": "
                         << describe_error (error);
  g_clear_error (&error);
  return s;
}

inline GraftScope *
enter (GraftGraph        *g,
       const char        *name,
       GraftReuse         reuse = GRAFT_REUSE_INHERIT,
       GraftScopeOptions *options = nullptr)
{
  return enter_full (g, name, nullptr, nullptr, reuse, options);
}

inline GraftScope *
reenter (GraftGraph        *g,
         GraftScope        *scope,
         GraftReuse         reuse = GRAFT_REUSE_INHERIT,
         GraftScopeOptions *options = nullptr)
{
  return enter_full (g, nullptr, scope, nullptr, reuse, options);
}

inline GraftScope *
enter_default (GraftGraph *g,
               const char *default_name)
{
  return enter_full (g, nullptr, nullptr, default_name);
}

/* The error has this domain and code and exactly this message. */
inline ::testing::AssertionResult
ErrorIs (const GError *error,
         GQuark        domain,
         int           code,
         const char   *message)
{
  if (error == nullptr)
    return ::testing::AssertionFailure () << "expected an error, got none";
  if (error->domain != domain || error->code != code)
    return ::testing::AssertionFailure ()
           << "expected " << g_quark_to_string (domain) << " #" << code << ", got " << describe_error (error);
  if (g_strcmp0 (error->message, message) != 0)
    return ::testing::AssertionFailure () << "message\n  got:      " << error->message << "\n  expected: "
                                          << message;
  return ::testing::AssertionSuccess ();
}

/* The error has this domain and code and its message starts with `prefix`
 * (Graft may append context after TensorFlow's text). */
inline ::testing::AssertionResult
ErrorStartsWith (const GError *error,
                 GQuark        domain,
                 int           code,
                 const char   *prefix)
{
  if (error == nullptr)
    return ::testing::AssertionFailure () << "expected an error, got none";
  if (error->domain != domain || error->code != code)
    return ::testing::AssertionFailure ()
           << "expected " << g_quark_to_string (domain) << " #" << code << ", got " << describe_error (error);
  if (!g_str_has_prefix (error->message, prefix))
    return ::testing::AssertionFailure () << "message\n  got:             " << error->message
                                          << "\n  expected prefix: " << prefix;
  return ::testing::AssertionSuccess ();
}

/* A scalar Const; `name` may be NULL for the default instance name. */
inline GraftOutput *
make_const (GraftGraph *graph,
            const char *name,
            double      value = 1.0,
            GraftDType  dtype = GRAFT_DTYPE_FLOAT32,
            GError    **error = nullptr)
{
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (dtype, value);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Const", name);

  graft_op_builder_set_attr_tensor (b, "value", t);
  graft_op_builder_set_attr_type (b, "dtype", dtype);
  return graft_op_builder_finish (b, error);
}

/* A binary op (Add, Sub, Mul, Div). */
inline GraftOutput *
make_binary (GraftGraph  *graph,
             const char  *type,
             const char  *name,
             GraftOutput *x,
             GraftOutput *y,
             GError     **error = nullptr)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, type, name);

  graft_op_builder_add_input (b, x);
  graft_op_builder_add_input (b, y);
  return graft_op_builder_finish (b, error);
}

inline std::string
unique (GraftGraph *graph,
        const char *name,
        gboolean    mark = TRUE)
{
  g_autofree char *s = graft_graph_unique_name (graph, name, mark);
  return s;
}

inline std::string
name_scope (GraftGraph *graph)
{
  g_autofree char *s = graft_graph_get_name_scope (graph);
  return s;
}

inline std::string
op_name (const GraftOutput *o)
{
  return o ? graft_output_get_op_name (o) : "(null)";
}

/* The names of a collection's items, in order. */
inline std::vector<std::string>
collection_names (GraftGraph *graph,
                  const char *key,
                  const char *scope = nullptr)
{
  guint n = 0;
  g_autofree GraftOutput **items = graft_graph_get_collection (graph, key, scope, &n);
  std::vector<std::string> names;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *s = graft_output_get_name (items[i]);
      names.push_back (s);
    }
  return names;
}

/* The names of the variables a query returns, in order:
 * variable_names (graft_scope_get_global_variables, scope). */
template <typename T>
std::vector<std::string>
variable_names (GraftVariable **(*query) (T *, guint *),
                T *object)
{
  guint n = 0;
  GraftVariable **vars = query (object, &n);
  std::vector<std::string> names;

  for (guint i = 0; i < n; i++)
    names.push_back (graft_variable_get_name (vars[i]));
  g_free (vars);
  return names;
}

} // namespace graft_test
