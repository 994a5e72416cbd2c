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

/* w * 2, named as TensorFlow names `w * 2`: the constant is mul/y. The
 * typed constructors keep their first error in the graph's chain. */
static GraftOutput *
times_two (GraftGraph   *graph,
           GraftOutput  *w,
           GError      **error)
{
  g_autoptr(GraftNameScopeGuard) scope = NULL;
  g_autoptr(GraftTensor) two = graft_tensor_new_scalar (graft_output_get_dtype (w), 2.0);
  GraftOutput *y;

  scope = graft_graph_enter_name_scope (graph, "mul", error);
  if (scope == NULL)
    return NULL;
  y = graft_mul_full (graph, w, graft_constant_full (graph, two, "y"), graft_name_scope_get_name (scope));
  if (y == NULL)
    g_propagate_error (error, graft_graph_take_error (graph));
  return y;
}

/* How a case enters test1 and test2: by name, or by the scope objects
 * captured in case 1; and with which reuse. */
typedef struct {
  const char *label;
  gboolean outer_by_object;
  GraftReuse outer_reuse;
  gboolean inner_by_object;
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

/* What a case produced: the variable and its product, or why it failed. */
typedef struct {
  GraftVariable *w1;
  GraftOutput *product;
  GError *error;
} Outcome;

static void
build_case (GraftGraph  *graph,
            const Case  *c,
            GraftShape  *shape,
            GraftScope **test1,
            GraftScope **test2,
            Outcome     *out)
{
  g_autoptr(GraftScopeGuard) outer = NULL;
  g_autoptr(GraftScopeGuard) inner = NULL;

  outer = enter (graph, "test1", c->outer_by_object ? *test1 : NULL, c->outer_reuse, &out->error);
  if (outer != NULL)
    inner = enter (graph, "test2", c->inner_by_object ? *test2 : NULL, c->inner_reuse, &out->error);
  if (inner == NULL)
    return;
  if (*test1 == NULL)
    {
      /* Capture the scope objects, as `as test1:` does. */
      *test1 = g_object_ref (outer);
      *test2 = g_object_ref (inner);
    }
  out->w1 = graft_graph_get_variable (graph, "w1", shape, GRAFT_DTYPE_INVALID, NULL, &out->error);
  if (out->w1 != NULL)
    out->product = times_two (graph, graft_variable_get_value (out->w1), &out->error);
}

int
main (void)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (1, 2);
  g_autoptr(GraftSession) session = NULL;
  g_autoptr(GraftScope) test1 = NULL;
  g_autoptr(GraftScope) test2 = NULL;
  g_autoptr(GError) error = NULL;
  static const Case cases[] = {
    { "1", FALSE, GRAFT_REUSE_INHERIT, FALSE, GRAFT_REUSE_INHERIT },
    { "2", FALSE, GRAFT_REUSE_TRUE, FALSE, GRAFT_REUSE_INHERIT },
    { "3", TRUE, GRAFT_REUSE_INHERIT, TRUE, GRAFT_REUSE_TRUE },
    { "4", TRUE, GRAFT_REUSE_TRUE, TRUE, GRAFT_REUSE_INHERIT },
    { "5", FALSE, GRAFT_REUSE_INHERIT, FALSE, GRAFT_REUSE_INHERIT },
  };
  Outcome outcomes[G_N_ELEMENTS (cases)] = { 0 };
  GraftOutput *init;
  int failures = 0;

  /* A graph-level seed makes the initial values the same on every run. */
  graft_graph_set_seed (graph, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    build_case (graph, &cases[i], shape, &test1, &test2, &outcomes[i]);

  session = graft_session_new (graph);
  init = graft_graph_global_variables_initializer (graph, &error);
  if (init == NULL || !graft_session_run_target (session, init, &error))
    {
      fprintf (stderr, "seed: cannot initialize the variables: %s\n", error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Outcome *o = &outcomes[i];
      g_autoptr(GraftTensor) value = NULL;
      g_autofree char *text = NULL, *shape_text = NULL, *tensor_name = NULL;

      if (o->error != NULL)
        {
          printf ("case %s: %s\n", cases[i].label, o->error->message);
          /* Cases 4 and 5 are meant to fail this way; nothing else is. */
          if (i < 3 || !g_error_matches (o->error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS))
            failures++;
          g_clear_error (&o->error);
          continue;
        }
      value = graft_session_get_variable_value (session, o->w1);
      text = graft_tensor_to_string (value);
      shape_text = graft_shape_to_string (graft_variable_get_shape (o->w1));
      tensor_name = graft_output_get_name (graft_variable_get_output (o->w1));
      printf ("case %s: %s <graft.Variable '%s' shape=%s dtype=%s_ref> (%s case 1's), %s\n", cases[i].label,
              text, tensor_name, shape_text, graft_dtype_get_name (graft_variable_get_dtype (o->w1)),
              o->w1 == outcomes[0].w1 ? "same as" : "not", graft_output_get_op_name (o->product));
      if (i >= 3 || o->w1 != outcomes[0].w1)
        failures++;
    }
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
