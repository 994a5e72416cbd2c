/* mlp.c: a two-hidden-layer perceptron built with variable scopes.
 *
 * Tower 1 creates layer1/, layer2/ and out/ (weights and biases through
 * get_variable) and captures the three scopes. Tower 2 re-enters the
 * captured scopes with reuse, so it shares every variable: on the same
 * batch it must compute the same output. The graph seed makes the checksum
 * the same on every run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <graft.h>

#define BATCH 64
#define N_IN 784
#define N_HIDDEN 256
#define N_OUT 10

/* y = act(x · weights + biases), with the variables of the current scope. */
static GraftOutput *
dense (GraftGraph   *graph,
       GraftOutput  *x,
       gint64        n_in,
       gint64        n_out,
       gboolean      relu,
       GError      **error)
{
  g_autoptr(GraftShape) wshape = graft_shape_new_matrix (n_in, n_out);
  g_autoptr(GraftShape) bshape = graft_shape_new_vector (n_out);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *w, *b;
  GraftOutput *y;

  w = graft_graph_get_variable (graph, "weights", wshape, GRAFT_DTYPE_FLOAT32, NULL, error);
  if (w == NULL)
    return NULL;
  b = graft_graph_get_variable (graph, "biases", bshape, GRAFT_DTYPE_FLOAT32, zeros, error);
  if (b == NULL)
    return NULL;
  /* The typed constructors keep the first failure in the graph's chain;
   * main() takes it once the model is built. */
  y = graft_add (graph, graft_matmul (graph, x, graft_variable_get_value (w)), graft_variable_get_value (b));
  return relu ? graft_relu (graph, y) : y;
}

/* One tower. With `scopes` empty it opens layer1, layer2 and out by name
 * and captures them; otherwise it re-enters the captured objects with
 * reuse. */
static GraftOutput *
tower (GraftGraph   *graph,
       GraftOutput  *x,
       GraftScope  **scopes,
       GError      **error)
{
  static const char *names[] = { "layer1", "layer2", "out" };
  static const gint64 widths[] = { N_IN, N_HIDDEN, N_HIDDEN, N_OUT };
  GraftOutput *h = x;

  for (guint l = 0; l < 3 && h != NULL; l++)
    {
      g_autoptr(GraftScopeGuard) scope = NULL;

      if (scopes[l] == NULL)
        {
          scope = graft_graph_enter_variable_scope (graph, names[l], GRAFT_REUSE_INHERIT, error);
          if (scope != NULL)
            scopes[l] = g_object_ref (scope);
        }
      else
        scope = graft_graph_reenter_variable_scope (graph, scopes[l], GRAFT_REUSE_TRUE, error);
      if (scope == NULL)
        return NULL;
      h = dense (graph, h, widths[l], widths[l + 1], l < 2, error);
    }
  return h;
}

static double
checksum (GraftTensor *t)
{
  double sum = 0;

  for (gsize i = 0; i < graft_tensor_get_num_elements (t); i++)
    sum += graft_tensor_get_double (t, i) * (double) (i % 7 + 1);
  return sum;
}

int
main (void)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) xshape = graft_shape_new_matrix (-1, N_IN);
  g_autoptr(GraftShape) batch_shape = graft_shape_new_matrix (BATCH, N_IN);
  GraftPlaceholderAttrs x_attrs = GRAFT_PLACEHOLDER_ATTRS_INIT;
  g_autoptr(GraftSession) session = NULL;
  g_autoptr(GraftTensor) batch = NULL;
  g_autoptr(GError) error = NULL;
  GraftScope *scopes[3] = { NULL };
  GraftOutput *x, *y1, *y2, *fetches[2];
  GraftTensor *feed_values[1], **results;
  g_autofree float *data = g_new (float, BATCH * N_IN);
  guint n, n_vars;
  g_autofree GraftVariable **vars = NULL;
  g_autofree char *shape_text = NULL;
  int status = EXIT_SUCCESS;

  graft_graph_set_seed (graph, 2024);
  x_attrs.shape = xshape;
  x = graft_placeholder_full (graph, GRAFT_DTYPE_FLOAT32, "x", &x_attrs);
  y1 = tower (graph, x, scopes, &error);
  y2 = y1 != NULL ? tower (graph, x, scopes, &error) : NULL;
  if (error == NULL)
    error = graft_graph_take_error (graph);
  if (y2 == NULL || error != NULL)
    {
      fprintf (stderr, "mlp: building the model failed: %s\n", error ? error->message : "?");
      return EXIT_FAILURE;
    }
  vars = graft_graph_get_trainable_variables (graph, &n_vars);
  printf ("variables: %u (tower 2 reuses tower 1's)\n", n_vars);
  for (guint l = 0; l < 3; l++)
    g_object_unref (scopes[l]);

  for (gsize i = 0; i < BATCH * N_IN; i++)
    data[i] = (float) sin ((double) i * 0.001);
  batch = graft_tensor_new_from_floats (data, BATCH * N_IN, batch_shape, &error);

  session = graft_session_new (graph);
  if (!graft_session_run_target (session, graft_graph_global_variables_initializer (graph, NULL), &error))
    {
      fprintf (stderr, "mlp: %s\n", error->message);
      return EXIT_FAILURE;
    }
  fetches[0] = y1;
  fetches[1] = y2;
  feed_values[0] = batch;
  results = graft_session_run (session, &x, feed_values, 1, fetches, 2, NULL, 0, NULL, &n, &error);
  if (results == NULL)
    {
      fprintf (stderr, "mlp: %s\n", error->message);
      return EXIT_FAILURE;
    }
  shape_text = graft_shape_to_string (graft_tensor_get_shape (results[0]));
  printf ("tower 1: output shape %s, checksum %.6f\n", shape_text, checksum (results[0]));
  printf ("tower 2: output shape %s, checksum %.6f\n", shape_text, checksum (results[1]));
  if (n_vars != 6 || !graft_tensor_equal (results[0], results[1]))
    {
      fprintf (stderr, "mlp: the towers do not share their weights\n");
      status = EXIT_FAILURE;
    }
  graft_tensor_unref (results[0]);
  graft_tensor_unref (results[1]);
  g_free (results);
  return status;
}
