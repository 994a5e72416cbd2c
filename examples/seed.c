/* seed.c: the question Graft was built from, in C.
 *
 * Five cases in one graph, in order. Each opens two nested variable scopes,
 * by name or by a captured scope object, with or without reuse, asks for
 * w1 of shape [1, 2], and multiplies it by 2. A scope reopened by name
 * inherits reuse from the enclosing scope; one reopened by object takes the
 * object's own. So cases 1-3 share test1/test2/w1 and cases 4 and 5 fail.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <graft.h>

/* w * 2, named as TensorFlow names `w * 2`: the constant is mul/y. */
static GraftOutput *
times_two (GraftGraph   *graph,
           GraftOutput  *w,
           GError      **error)
{
  g_autoptr(GraftNameScopeGuard) scope = NULL;
  g_autoptr(GraftTensor) two = graft_tensor_new_scalar (graft_output_get_dtype (w), 2.0);
  g_autoptr(GraftOpBuilder) c = NULL;
  g_autoptr(GraftOpBuilder) mul = NULL;
  GraftOutput *y;

  scope = graft_graph_enter_name_scope (graph, "mul", error);
  if (scope == NULL)
    return NULL;
  c = graft_op_builder_new (graph, "Const", "y");
  graft_op_builder_set_attr_tensor (c, "value", two);
  graft_op_builder_set_attr_type (c, "dtype", graft_output_get_dtype (w));
  y = graft_op_builder_finish (c, error);
  if (y == NULL)
    return NULL;
  mul = graft_op_builder_new (graph, "Mul", graft_name_scope_get_name (scope));
  graft_op_builder_add_input (mul, w);
  graft_op_builder_add_input (mul, y);
  return graft_op_builder_finish (mul, error);
}

typedef struct {
  const char *label;
  GraftScope *outer_object;     /* NULL: enter "test1" by name */
  GraftReuse outer_reuse;
  GraftScope *inner_object;     /* NULL: enter "test2" by name */
  GraftReuse inner_reuse;
} Case;

static GraftScope *
enter (GraftGraph  *graph,
       const char  *name,
       GraftScope  *object,
       GraftReuse   reuse,
       GError     **error)
{
  if (object != NULL)
    return graft_graph_reenter_variable_scope (graph, object, reuse, error);
  return graft_graph_enter_variable_scope (graph, name, reuse, error);
}

int
main (void)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (1, 2);
  g_autoptr(GraftScope) test1 = NULL;
  g_autoptr(GraftScope) test2 = NULL;
  GraftVariable *first = NULL;
  int failures = 0;

  for (int i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GraftScopeGuard) outer = NULL;
      g_autoptr(GraftScopeGuard) inner = NULL;
      Case cases[] = {
        { "1", NULL, GRAFT_REUSE_INHERIT, NULL, GRAFT_REUSE_INHERIT },
        { "2", NULL, GRAFT_REUSE_TRUE, NULL, GRAFT_REUSE_INHERIT },
        { "3", test1, GRAFT_REUSE_INHERIT, test2, GRAFT_REUSE_TRUE },
        { "4", test1, GRAFT_REUSE_TRUE, test2, GRAFT_REUSE_INHERIT },
        { "5", NULL, GRAFT_REUSE_INHERIT, NULL, GRAFT_REUSE_INHERIT },
      };
      Case *c = &cases[i];
      GraftVariable *w1;
      GraftOutput *product;

      outer = enter (graph, "test1", c->outer_object, c->outer_reuse, &error);
      if (outer != NULL)
        inner = enter (graph, "test2", c->inner_object, c->inner_reuse, &error);
      if (inner == NULL)
        {
          printf ("case %s: error: %s\n", c->label, error->message);
          failures++;
          continue;
        }
      if (i == 0)
        {
          /* Capture the scope objects, as `as test1:` does. */
          test1 = g_object_ref (outer);
          test2 = g_object_ref (inner);
        }

      w1 = graft_graph_get_variable (graph, "w1", shape, GRAFT_DTYPE_INVALID, NULL, &error);
      if (w1 == NULL)
        {
          printf ("case %s: %s\n", c->label, error->message);
          /* Cases 4 and 5 are meant to fail this way; nothing else is. */
          if (i < 3 || !g_error_matches (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS))
            failures++;
          continue;
        }
      if (first == NULL)
        first = w1;
      if (i >= 3 || w1 != first)
        failures++;
      product = times_two (graph, graft_variable_get_value (w1), &error);
      if (product == NULL)
        {
          printf ("case %s: error: %s\n", c->label, error->message);
          failures++;
          continue;
        }
      printf ("case %s: %s (%s case 1's variable), %s\n", c->label, graft_variable_get_name (w1),
              w1 == first ? "same as" : "not", graft_output_get_op_name (product));
    }
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
