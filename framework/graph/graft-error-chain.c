/* graft-error-chain.c: model code that builds twenty ops and checks once.
 *
 * TensorFlow's C++ `Scope` carries a status: an op built after a failure is
 * not built, and the first error is what the caller sees. Graft keeps that
 * first error per graph and per thread (two threads building one graph do
 * not see each other's mistakes). The typed constructors (graft-ops.h)
 * report into it; graft_graph_take_error() hands it over and resets the
 * chain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

static void
chain_fail (GraftThreadState *ts,
            GError           *error)
{
  if (ts->chain_error == NULL)
    ts->chain_error = error;
  else
    g_error_free (error);
}

/* A builder for `op_type` with `inputs` added, or NULL without touching the
 * graph: after an earlier failure in the chain, or when an input is NULL. */
GraftOpBuilder *
_graft_ops_begin (GraftGraph        *graph,
                  const char        *op_type,
                  const char        *name,
                  GraftOutput      **inputs,
                  const char *const *input_names,
                  guint              n_inputs)
{
  GraftThreadState *ts;
  GraftOpBuilder *builder;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);

  ts = _graft_graph_thread_state (graph);
  if (ts->chain_error != NULL)
    return NULL;
  for (guint i = 0; i < n_inputs; i++)
    if (inputs[i] == NULL)
      {
        chain_fail (ts, g_error_new (GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                                     "%s op%s%s: input '%s' is NULL", op_type,
                                     name ? " " : "", name ? name : "", input_names[i]));
        return NULL;
      }
  builder = graft_op_builder_new (graph, op_type, name);
  for (guint i = 0; i < n_inputs; i++)
    graft_op_builder_add_input (builder, inputs[i]);
  return builder;
}

GraftOutput *
_graft_ops_finish (GraftGraph     *graph,
                   GraftOpBuilder *builder)
{
  GError *error = NULL;
  GraftOutput *op = graft_op_builder_finish (builder, &error);

  graft_op_builder_free (builder);
  if (op == NULL)
    chain_fail (_graft_graph_thread_state (graph), error);
  return op;
}

/**
 * graft_graph_take_error:
 * @graph: a #GraftGraph
 *
 * Takes the first error of the calling thread's op chain: the typed op
 * constructors (graft_matmul(), graft_add(), …) take no #GError; the first
 * one that fails keeps its error here, returns %NULL, and every constructor
 * after it (and every one given a %NULL input) returns %NULL without
 * touching the graph. So model code builds a whole layer and checks once:
 *
 * |[<!-- language="C" -->
 * GraftOutput *h = graft_relu (graph, graft_add (graph, graft_matmul (graph, x, w), b));
 * GraftOutput *y = graft_softmax (graph, graft_matmul (graph, h, w2));
 * g_autoptr(GError) error = graft_graph_take_error (graph);
 * if (error != NULL)
 *   g_printerr ("cannot build the model: %s\n", error->message);
 * ]|
 *
 * Taking the error starts a new chain.
 *
 * Returns: (transfer full) (nullable): the first error since the last
 *   call, or %NULL when every op was built
 */
GError *
graft_graph_take_error (GraftGraph *graph)
{
  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  return g_steal_pointer (&_graft_graph_thread_state (graph)->chain_error);
}
