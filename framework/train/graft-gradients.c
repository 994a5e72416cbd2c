/* graft-gradients.c: symbolic differentiation, TensorFlow 1.15's
 * tf.gradients (gradients_util.py's _GradientsHelper).
 *
 * The walk is TensorFlow's, without recursion so that a chain of millions
 * of ops differentiates: mark the ops the ys depend on (backwards from the
 * ys), then among them the ops that depend on an x (forwards from the xs,
 * over a consumer index built for the marked ops only); count, for each of
 * those "between" ops, the edges to consumers that are between too; and
 * process ops from the ys backwards as their counts reach zero, so every
 * op's output gradients are complete (and summed with AddN) before its own
 * gradient function runs.
 *
 * Per-op state lives in arrays indexed by op id (ids are dense and only
 * grow, and the ops this builds get ids above the ones it walks).
 *
 * Everything a caller can get wrong is checked before the first op is
 * built — tensors of another graph, grad_ys of the wrong dtype, an op on
 * the path with no gradient — so those errors leave the graph as it was.
 * A gradient function that fails halfway leaves the ops it had built
 * (unreachable from the ys, never run); its error names the op.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

enum {
  MARK_TO_Y = 1 << 0,           /* some y depends on it */
  MARK_BETWEEN = 1 << 1,        /* ... and it depends on some x */
  MARK_STOP = 1 << 2,           /* in stop_gradients: nothing flows past it */
};

/* The gradients reaching one output: usually one, so no array then. */
typedef struct {
  GraftOutput *first;
  GPtrArray *more;
} GradList;

typedef struct {
  GraftGraph *graph;
  guint n_ops;                  /* ids 1..n_ops existed when the walk began */
  guint8 *mark;                 /* by id */
  guint32 *pending;             /* by id: between consumers' edges not yet processed */
  guint32 *grad_base;           /* by id: first GradList of the op, between ops only */
  GradList *grads;
  GraftRegistry *registry;
} Walk;

static GraftNode *
node_of (GraftOutput *o)
{
  return o->node;
}

static GraftNode *
node_by_id (GraftGraph *graph,
            guint       id)
{
  return g_ptr_array_index (graph->nodes, id - 1);
}

static void
walk_clear (Walk *w)
{
  if (w->grads != NULL)
    for (guint i = 0; i < w->grad_base[0]; i++)
      g_clear_pointer (&w->grads[i].more, g_ptr_array_unref);
  g_free (w->mark);
  g_free (w->pending);
  g_free (w->grad_base);
  g_free (w->grads);
}

static gboolean
is_float (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64 || dtype == GRAFT_DTYPE_FLOAT16 ||
         dtype == GRAFT_DTYPE_BFLOAT16 || dtype == GRAFT_DTYPE_COMPLEX64 || dtype == GRAFT_DTYPE_COMPLEX128;
}

static gboolean
check_tensors (GraftGraph   *graph,
               GraftOutput **list,
               guint         n,
               const char   *what,
               GError      **error)
{
  for (guint i = 0; i < n; i++)
    {
      if (list[i] == NULL)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "%s[%u] is None", what, i);
          return FALSE;
        }
      if (node_of (list[i])->graph != graph)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "%s[%u] ('%s:%u') must be from the same graph as the other tensors", what, i,
                       node_of (list[i])->name, list[i]->index);
          return FALSE;
        }
      if (node_of (list[i])->n_outputs == 0)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "%s[%u]: op '%s' has no outputs to differentiate", what, i, node_of (list[i])->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Marks every op some y depends on (data inputs only, as TensorFlow). */
static void
mark_to_ys (Walk         *w,
            GraftOutput **ys,
            guint         n_ys)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (GraftNode *));

  for (guint i = 0; i < n_ys; i++)
    {
      GraftNode *n = node_of (ys[i]);
      if (!(w->mark[n->id] & MARK_TO_Y))
        {
          w->mark[n->id] |= MARK_TO_Y;
          g_array_append_val (stack, n);
        }
    }
  while (stack->len > 0)
    {
      GraftNode *n = g_array_index (stack, GraftNode *, stack->len - 1);
      GraftOutput **in = _graft_node_inputs (n);

      g_array_set_size (stack, stack->len - 1);
      /* A stop op's inputs get no gradient, so they need not be marked. */
      if (w->mark[n->id] & MARK_STOP)
        continue;
      for (guint k = 0; k < n->n_inputs; k++)
        {
          GraftNode *p = in[k]->node;
          if (!(w->mark[p->id] & MARK_TO_Y))
            {
              w->mark[p->id] |= MARK_TO_Y;
              g_array_append_val (stack, p);
            }
        }
    }
}

/* Marks, among the ops the ys depend on, those depending on an x, walking
 * forwards over a consumer index (CSR) of the marked ops. */
static void
mark_between (Walk         *w,
              GraftOutput **xs,
              guint         n_xs)
{
  guint n = w->n_ops;
  g_autofree guint32 *start = g_new0 (guint32, n + 2);
  g_autofree guint32 *fill = NULL;
  g_autofree guint32 *consumers = NULL;
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint id = 1; id <= n; id++)
    if ((w->mark[id] & MARK_TO_Y) && !(w->mark[id] & MARK_STOP))
      {
        GraftNode *node = node_by_id (w->graph, id);
        GraftOutput **in = _graft_node_inputs (node);
        for (guint k = 0; k < node->n_inputs; k++)
          start[in[k]->node->id + 1]++;
      }
  for (guint id = 1; id <= n + 1; id++)
    start[id] += start[id - 1];
  fill = g_memdup2 (start, (n + 2) * sizeof (guint32));
  consumers = g_new (guint32, start[n + 1] + 1);
  for (guint id = 1; id <= n; id++)
    if ((w->mark[id] & MARK_TO_Y) && !(w->mark[id] & MARK_STOP))
      {
        GraftNode *node = node_by_id (w->graph, id);
        GraftOutput **in = _graft_node_inputs (node);
        for (guint k = 0; k < node->n_inputs; k++)
          consumers[fill[in[k]->node->id]++] = id;
      }

  for (guint i = 0; i < n_xs; i++)
    {
      guint32 id = node_of (xs[i])->id;
      if ((w->mark[id] & MARK_TO_Y) && !(w->mark[id] & MARK_BETWEEN))
        {
          w->mark[id] |= MARK_BETWEEN;
          g_array_append_val (stack, id);
        }
    }
  while (stack->len > 0)
    {
      guint32 id = g_array_index (stack, guint32, stack->len - 1);

      g_array_set_size (stack, stack->len - 1);
      for (guint32 c = start[id]; c < start[id + 1]; c++)
        {
          guint32 cid = consumers[c];
          if (!(w->mark[cid] & MARK_BETWEEN))
            {
              w->mark[cid] |= MARK_BETWEEN;
              g_array_append_val (stack, cid);
            }
        }
    }
}

/* Pending counts and gradient lists for the between ops; and the check,
 * before anything is built, that each of them can be differentiated. */
static gboolean
prepare (Walk    *w,
         GError **error)
{
  guint32 n_lists = 0;

  w->pending = g_new0 (guint32, w->n_ops + 1);
  w->grad_base = g_new0 (guint32, w->n_ops + 1);
  for (guint id = 1; id <= w->n_ops; id++)
    {
      GraftNode *node;
      GraftOutput **in;

      if (!(w->mark[id] & MARK_BETWEEN))
        continue;
      node = node_by_id (w->graph, id);
      in = _graft_node_inputs (node);
      w->grad_base[id] = n_lists;
      n_lists += node->n_outputs;
      if (w->mark[id] & MARK_STOP)
        continue;
      for (guint k = 0; k < node->n_inputs; k++)
        if (w->mark[in[k]->node->id] & MARK_BETWEEN)
          w->pending[in[k]->node->id]++;

      /* TensorFlow raises when it reaches such an op with gradients to
       * pass on; an op between the xs and the ys with a float output
       * will have them, so the error can come before anything is built. */
      if (node->n_inputs > 0 && _graft_registry_lookup_gradient (w->registry, node->def->name) == NULL)
        {
          gboolean float_out = FALSE;

          for (guint o = 0; o < node->n_outputs; o++)
            float_out |= is_float (_graft_node_outputs (node)[o].dtype);
          if (float_out)
            {
              g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_NO_GRADIENT,
                           "No gradient defined for operation '%s' (op type: %s)", node->name,
                           node->def->name);
              return FALSE;
            }
        }
    }
  /* grad_base[0] is unused by ops (ids start at 1): it keeps the count
   * for walk_clear. */
  w->grads = g_new0 (GradList, n_lists + 1);
  w->grad_base[0] = n_lists;
  return TRUE;
}

static GradList *
grad_list (Walk        *w,
           GraftOutput *o)
{
  return &w->grads[w->grad_base[o->node->id] + o->index];
}

static void
add_grad (Walk        *w,
          GraftOutput *o,
          GraftOutput *grad)
{
  GradList *l = grad_list (w, o);

  if (l->first == NULL)
    l->first = grad;
  else
    {
      if (l->more == NULL)
        l->more = g_ptr_array_new ();
      g_ptr_array_add (l->more, grad);
    }
}

/* The sum of the gradients reaching `o`, or NULL if none did. */
static GraftOutput *
aggregate (Walk        *w,
           GraftOutput *o,
           GError     **error)
{
  GradList *l = grad_list (w, o);
  g_autofree GraftOutput **parts = NULL;
  guint n;

  if (l->more == NULL)
    return l->first;
  n = l->more->len + 1;
  parts = g_new (GraftOutput *, n);
  parts[0] = l->first;
  memcpy (parts + 1, l->more->pdata, l->more->len * sizeof (GraftOutput *));
  return graft_graph_add_op (w->graph, "AddN", NULL, parts, n, error);
}

static GraftOutput *
ones_for (GraftGraph  *graph,
          GraftOutput *y,
          guint        i,
          GError     **error)
{
  g_autoptr(GraftTensor) one = graft_tensor_new_scalar (y->dtype, 1.0);
  g_autofree char *name = g_strdup_printf ("grad_ys_%u", i);
  GraftOutput *c, *r;

  if (!_graft_dims_fully_defined (y->rank, y->dims))
    r = graft_ones_like (graph, y);
  else
    {
      c = graft_constant_full (graph, one, name);
      r = graft_fill (graph, c, y->dims, (gsize) y->rank);
    }
  if (r == NULL)
    {
      g_autoptr(GError) local = graft_graph_take_error (graph);
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return r;
}

/* Runs the gradient function of `node` under `<op name>_grad`. */
static gboolean
call_gradient (Walk                 *w,
               GraftGradContext     *ctx,
               GraftNode            *node,
               const GraftGradEntry *entry,
               GraftOutput         **out_grads,
               GraftOutput         **in_grads,
               GError              **error)
{
  GraftGradFrame *f = _graft_grad_context_frame (ctx);
  g_autofree char *scope_name = g_strconcat (node->name, "_grad", NULL);
  g_autofree GraftOutput **inputs = g_memdup2 (_graft_node_inputs (node), node->n_inputs * sizeof (GraftOutput *));
  g_autofree GraftOutput **outputs = g_new (GraftOutput *, MAX (node->n_outputs, 1));
  g_autoptr(GraftNameScope) scope = NULL;
  GError *local = NULL;
  gboolean ok;

  for (guint o = 0; o < node->n_outputs; o++)
    outputs[o] = &_graft_node_outputs (node)[o];
  scope = graft_graph_enter_name_scope (w->graph, scope_name, error);
  if (scope == NULL)
    return FALSE;

  f->graph = w->graph;
  f->op = &_graft_node_outputs (node)[0];
  f->n_inputs = node->n_inputs;
  f->n_outputs = node->n_outputs;
  f->inputs = inputs;
  f->outputs = outputs;
  f->grads = out_grads;
  f->input_grads = in_grads;
  if (entry->func != NULL)
    ok = entry->func (ctx, &local);
  else
    ok = entry->callback (ctx, entry->user_data, &local);
  memset (f, 0, sizeof *f);
  graft_name_scope_exit (scope, NULL);

  if (!ok)
    {
      if (local == NULL)
        local = g_error_new (GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_GRADIENT_FAILED,
                             "the gradient function returned FALSE without an error");
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_GRADIENT_FAILED,
                   "Gradient of operation '%s' (op type: %s) failed: %s", node->name, node->def->name,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  g_clear_error (&local);
  for (guint k = 0; k < node->n_inputs; k++)
    {
      GraftOutput *g = in_grads[k];

      if (g == NULL)
        continue;
      if (g->node->graph != w->graph || g->dtype != inputs[k]->dtype)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_GRADIENT_FAILED,
                       "Gradient of operation '%s' (op type: %s) gave input %u ('%s:%u', %s) a gradient "
                       "of dtype %s ('%s:%u')", node->name, node->def->name, k, inputs[k]->node->name,
                       inputs[k]->index, graft_dtype_get_name (inputs[k]->dtype),
                       graft_dtype_get_name (g->dtype), g->node->name, g->index);
          return FALSE;
        }
    }
  return TRUE;
}

/* Processes one op: sums its output gradients, differentiates it, hands
 * its inputs their gradients and queues the inputs that are ready. */
static gboolean
process (Walk             *w,
         GraftGradContext *ctx,
         GraftNode        *node,
         GArray           *queue,
         GError          **error)
{
  guint n_out = node->n_outputs, n_in = node->n_inputs;
  g_autofree GraftOutput **out_grads = g_new0 (GraftOutput *, MAX (n_out, 1));
  g_autofree GraftOutput **in_grads = g_new0 (GraftOutput *, MAX (n_in, 1));
  GraftOutput **in = _graft_node_inputs (node);
  gboolean any = FALSE;

  for (guint o = 0; o < n_out; o++)
    {
      out_grads[o] = aggregate (w, &_graft_node_outputs (node)[o], error);
      if (out_grads[o] == NULL && grad_list (w, &_graft_node_outputs (node)[o])->first != NULL)
        return FALSE;
      any |= out_grads[o] != NULL;
      /* The sum stands in for the parts from now on (the xs read it). */
      grad_list (w, &_graft_node_outputs (node)[o])->first = out_grads[o];
      g_clear_pointer (&grad_list (w, &_graft_node_outputs (node)[o])->more, g_ptr_array_unref);
    }

  if (any && n_in > 0 && !(w->mark[node->id] & MARK_STOP))
    {
      const GraftGradEntry *entry = _graft_registry_lookup_gradient (w->registry, node->def->name);

      if (entry == NULL)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_NO_GRADIENT,
                       "No gradient defined for operation '%s' (op type: %s)", node->name, node->def->name);
          return FALSE;
        }
      if (entry->func != NULL || entry->callback != NULL)
        {
          /* TensorFlow gives a function zeros for float outputs no path
           * reached, so it can use every output's gradient. */
          for (guint o = 0; o < n_out; o++)
            if (out_grads[o] == NULL && is_float (_graft_node_outputs (node)[o].dtype))
              {
                out_grads[o] = graft_zeros_like (w->graph, &_graft_node_outputs (node)[o]);
                if (out_grads[o] == NULL)
                  {
                    g_propagate_error (error, graft_graph_take_error (w->graph));
                    return FALSE;
                  }
              }
          if (!call_gradient (w, ctx, node, entry, out_grads, in_grads, error))
            return FALSE;
        }
    }

  /* A stop op counted no pending edges for its inputs (prepare()). */
  for (guint k = 0; k < n_in && !(w->mark[node->id] & MARK_STOP); k++)
    {
      GraftNode *p = in[k]->node;

      if (!(w->mark[p->id] & MARK_BETWEEN))
        continue;
      if (in_grads[k] != NULL)
        add_grad (w, in[k], in_grads[k]);
      if (--w->pending[p->id] == 0)
        {
          guint32 id = p->id;
          g_array_append_val (queue, id);
        }
    }
  return TRUE;
}

/**
 * graft_gradients:
 * @graph: the graph of @ys and @xs, where the gradient ops go
 * @ys: (array length=n_ys): the outputs to differentiate
 * @n_ys: the length of @ys
 * @xs: (array length=n_xs): the outputs to differentiate with respect to
 * @n_xs: the length of @xs
 * @error: return location for a #GError
 *
 * TensorFlow's `tf.gradients(ys, xs)`: graft_gradients_full() with no
 * `grad_ys`, no stop gradients, the name `gradients` and %NULL for an x
 * no y depends on.
 *
 * Returns: (element-type GraftOutput) (transfer container) (nullable): for
 *   each x, the sum of the derivatives of the ys with respect to it (%NULL
 *   where none depends on it), or %NULL with @error set
 */
GPtrArray *
graft_gradients (GraftGraph   *graph,
                 GraftOutput **ys,
                 guint         n_ys,
                 GraftOutput **xs,
                 guint         n_xs,
                 GError      **error)
{
  return graft_gradients_full (graph, ys, n_ys, xs, n_xs, NULL, 0, NULL, 0, NULL,
                               GRAFT_UNCONNECTED_GRADIENTS_NONE, error);
}

/**
 * graft_gradients_full:
 * @graph: the graph of @ys and @xs, where the gradient ops go
 * @ys: (array length=n_ys): the outputs to differentiate
 * @n_ys: the length of @ys
 * @xs: (array length=n_xs): the outputs to differentiate with respect to;
 *   a variable's own output (its `VariableV2` op) or its read output
 * @n_xs: the length of @xs
 * @grad_ys: (array length=n_grad_ys) (nullable): the gradient of each y
 *   (a %NULL element: ones of its shape, TensorFlow's default); dtypes must
 *   match
 * @n_grad_ys: the length of @grad_ys: 0, or @n_ys
 * @stop_gradients: (array length=n_stop_gradients) (nullable): outputs
 *   whose ops pass no gradient on to their inputs
 * @n_stop_gradients: the length of @stop_gradients
 * @name: (nullable): the name scope for the ops built, `gradients` when
 *   %NULL; made unique as TensorFlow makes it (`gradients_1`)
 * @unconnected: what an x no y depends on gets
 * @error: return location for a #GError
 *
 * TensorFlow 1.15's `tf.gradients`: builds, in @graph, the symbolic
 * derivatives of the sum of @ys with respect to each of @xs. Each op's
 * gradient is built by the function registered for its type
 * (graft_plugin_add_gradients(), graft_registry_register_gradient()) under
 * the name scope `<name>/<op name>_grad`; gradients reaching an output
 * along several paths are summed with `AddN`.
 *
 * Errors (#GRAFT_TRAIN_ERROR) come before any op is built for tensors of
 * another graph, a @grad_ys of the wrong dtype and an op on the way with
 * no registered gradient (TensorFlow's `No gradient defined for operation
 * 'NAME' (op type: TYPE)`). An op registered as not differentiable passes
 * no gradient, which is not an error.
 *
 * Returns: (element-type GraftOutput) (transfer container) (nullable): for
 *   each x, its gradient (%NULL or zeros for an unconnected x, as
 *   @unconnected says), or %NULL with @error set
 */
GPtrArray *
graft_gradients_full (GraftGraph               *graph,
                      GraftOutput             **ys,
                      guint                     n_ys,
                      GraftOutput             **xs,
                      guint                     n_xs,
                      GraftOutput             **grad_ys,
                      guint                     n_grad_ys,
                      GraftOutput             **stop_gradients,
                      guint                     n_stop_gradients,
                      const char               *name,
                      GraftUnconnectedGradients unconnected,
                      GError                  **error)
{
  Walk w = { 0 };
  g_autoptr(GraftNameScope) scope = NULL;
  g_autoptr(GraftGradContext) ctx = NULL;
  g_autoptr(GArray) queue = NULL;
  GPtrArray *result = NULL;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (ys != NULL || n_ys == 0, NULL);
  g_return_val_if_fail (xs != NULL || n_xs == 0, NULL);
  g_return_val_if_fail (stop_gradients != NULL || n_stop_gradients == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_grad_ys != 0 && n_grad_ys != n_ys)
    {
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                   "Passed %u grad_ys for %u ys", n_grad_ys, n_ys);
      return NULL;
    }
  if (n_grad_ys == 0)
    grad_ys = NULL;
  if (!check_tensors (graph, ys, n_ys, "ys", error) || !check_tensors (graph, xs, n_xs, "xs", error) ||
      !check_tensors (graph, stop_gradients, n_stop_gradients, "stop_gradients", error))
    return NULL;
  for (guint i = 0; grad_ys != NULL && i < n_ys; i++)
    {
      GraftOutput *g = grad_ys[i];

      if (g == NULL)
        continue;
      if (g->node->graph != graph)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "grad_ys[%u] ('%s:%u') must be from the same graph as ys", i, g->node->name, g->index);
          return NULL;
        }
      if (g->dtype != ys[i]->dtype)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "grad_ys[%u] ('%s:%u') has dtype %s, but ys[%u] ('%s:%u') has dtype %s", i,
                       g->node->name, g->index, graft_dtype_get_name (g->dtype), i, ys[i]->node->name,
                       ys[i]->index, graft_dtype_get_name (ys[i]->dtype));
          return NULL;
        }
      if (!_graft_dims_compatible (g->rank, g->dims, ys[i]->rank, ys[i]->dims))
        {
          g_autoptr(GraftShape) gshape = graft_output_get_shape (g);
          g_autoptr(GraftShape) yshape = graft_output_get_shape (ys[i]);
          g_autofree char *gs = graft_shape_to_string (gshape);
          g_autofree char *ysh = graft_shape_to_string (yshape);
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "Incompatible shapes between op input and calculated input gradient: grad_ys[%u] "
                       "('%s:%u') has shape %s, ys[%u] ('%s:%u') has shape %s", i, g->node->name, g->index,
                       gs, i, ys[i]->node->name, ys[i]->index, ysh);
          return NULL;
        }
    }

  w.graph = graph;
  w.registry = graft_registry_get_default ();
  w.n_ops = graft_graph_get_last_op_id (graph);
  w.mark = g_new0 (guint8, w.n_ops + 1);
  for (guint i = 0; i < n_stop_gradients; i++)
    w.mark[stop_gradients[i]->node->id] |= MARK_STOP;
  mark_to_ys (&w, ys, n_ys);
  mark_between (&w, xs, n_xs);
  if (!prepare (&w, error))
    goto out;

  scope = graft_graph_enter_name_scope (graph, name != NULL ? name : "gradients", error);
  if (scope == NULL)
    goto out;

  /* The ys' gradients, then the ys' ops whose outputs feed no other
   * between op start the walk. */
  queue = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < n_ys; i++)
    {
      GraftOutput *y = ys[i], *g = grad_ys != NULL ? grad_ys[i] : NULL;

      if (!(w.mark[y->node->id] & MARK_BETWEEN))
        continue;
      if (g == NULL && (g = ones_for (graph, y, i, error)) == NULL)
        goto out_scope;
      add_grad (&w, y, g);
    }
  for (guint i = 0; i < n_ys; i++)
    {
      guint32 id = ys[i]->node->id;

      /* A y's op is queued once, when nothing between consumes it. */
      if ((w.mark[id] & MARK_BETWEEN) && w.pending[id] == 0)
        {
          w.pending[id] = G_MAXUINT32;
          g_array_append_val (queue, id);
        }
    }

  ctx = _graft_grad_context_new ();
  while (queue->len > 0)
    {
      guint32 id = g_array_index (queue, guint32, queue->len - 1);

      g_array_set_size (queue, queue->len - 1);
      if (!process (&w, ctx, node_by_id (graph, id), queue, error))
        goto out_scope;
    }

  result = g_ptr_array_sized_new (n_xs);
  g_ptr_array_set_size (result, n_xs);
  for (guint i = 0; i < n_xs; i++)
    {
      GraftOutput *x = xs[i];
      GraftOutput **r = (GraftOutput **) &result->pdata[i];

      if (w.mark[x->node->id] & MARK_BETWEEN)
        {
          *r = aggregate (&w, x, error);
          if (*r == NULL && grad_list (&w, x)->first != NULL)
            {
              g_clear_pointer (&result, g_ptr_array_unref);
              goto out_scope;
            }
          grad_list (&w, x)->first = *r;
          g_clear_pointer (&grad_list (&w, x)->more, g_ptr_array_unref);
        }
      if (*r == NULL && unconnected == GRAFT_UNCONNECTED_GRADIENTS_ZERO)
        {
          *r = graft_zeros_like (graph, x);
          if (*r == NULL)
            {
              g_propagate_error (error, graft_graph_take_error (graph));
              g_clear_pointer (&result, g_ptr_array_unref);
              goto out_scope;
            }
        }
    }

out_scope:
  graft_name_scope_exit (scope, NULL);
out:
  walk_clear (&w);
  return result;
}
