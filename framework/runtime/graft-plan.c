/* graft-plan.c: turning (feeds, fetches, targets) into a list of steps.
 *
 * A plan is made once per (graph version, feeds, fetches, targets) and then
 * run any number of times, from any number of threads. Planning prunes the
 * graph backwards from the fetches and targets, stopping at feeds, orders
 * the ops with an iterative depth-first walk (graphs of millions of ops
 * must not overflow the stack), gives every value a slot, records where
 * each slot is read for the last time, and lays the statically shaped
 * slots out in one arena whose blocks are reused once their last reader
 * has run. Running then needs no look-up and, for static shapes, no
 * allocation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-runtime-private.h"

#define NONE G_MAXUINT32
#define ALIGN 64

static GraftStepKind
step_kind (const GraftOpDef *def)
{
  /* Ops whose values come from the session or the graph rather than from
   * a kernel. Their names are fixed by the core plugin. */
  const char *n = def->name;

  if (def->kernel != NULL || def->closure != NULL)
    return def->ref_inputs != 0 ? GRAFT_STEP_REF_KERNEL : GRAFT_STEP_KERNEL;
  if (strcmp (n, "Const") == 0)
    return GRAFT_STEP_CONST;
  if (strcmp (n, "VariableV2") == 0)
    return GRAFT_STEP_VARIABLE;
  if (strcmp (n, "Assign") == 0)
    return GRAFT_STEP_ASSIGN;
  if (strcmp (n, "AssignAdd") == 0)
    return GRAFT_STEP_ASSIGN_ADD;
  if (strcmp (n, "AssignSub") == 0)
    return GRAFT_STEP_ASSIGN_SUB;
  if (strcmp (n, "NoOp") == 0)
    return GRAFT_STEP_NOOP;
  return GRAFT_STEP_KERNEL;
}

static gboolean
is_assign (GraftStepKind kind)
{
  return kind == GRAFT_STEP_ASSIGN || kind == GRAFT_STEP_ASSIGN_ADD || kind == GRAFT_STEP_ASSIGN_SUB;
}

/* Input @k names a variable rather than reading a value: the executor binds
 * it to the variable's current value itself, so the VariableV2 op is no
 * dependency (running it would only take a reference that forces a copy). */
static gboolean
is_ref_input (GraftStepKind      kind,
              const GraftOpDef  *def,
              guint              k)
{
  if (kind == GRAFT_STEP_REF_KERNEL)
    return k < 32 && (def->ref_inputs >> k) & 1;
  return k == 0 && is_assign (kind);
}

/* TensorFlow's DataTypeString, for texts TensorFlow users search. */
static const char *
tf_type_string (GraftDType d)
{
  switch (d)
    {
    case GRAFT_DTYPE_FLOAT32: return "float";
    case GRAFT_DTYPE_FLOAT64: return "double";
    default: return graft_dtype_get_name (d);
    }
}

static char *
tf_shape_string (gint rank, const gint64 *dims)
{
  GString *s;

  if (rank < 0)
    return g_strdup ("<unknown>");
  s = g_string_new ("[");
  for (gint i = 0; i < rank; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      if (dims[i] < 0)
        g_string_append_c (s, '?');
      else
        g_string_append_printf (s, "%" G_GINT64_FORMAT, dims[i]);
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static gboolean
check_handle (GraftSession *session,
              GraftOutput  *o,
              const char   *what,
              GError      **error)
{
  g_autofree char *name = NULL;

  if (o->node->graph != graft_session_get_graph (session))
    {
      name = graft_output_get_name (o);
      g_set_error (error, GRAFT_SESSION_ERROR,
                   strcmp (what, "feed") == 0 ? GRAFT_SESSION_ERROR_INVALID_FEED : GRAFT_SESSION_ERROR_INVALID_FETCH,
                   "The %s %s belongs to another graph than the session's", what, name);
      return FALSE;
    }
  return TRUE;
}

/* First-fit allocation in the arena, with coalescing on free. The free
 * list stays short: a plan frees blocks in roughly the order it takes
 * them. */
typedef struct {
  gsize offset;
  gsize size;
} Block;

typedef struct {
  GArray *free;                 /* Block, sorted by offset */
  gsize end;
} Arena;

static gsize
arena_take (Arena *a,
            gsize  size)
{
  size = size > G_MAXSIZE - ALIGN ? G_MAXSIZE & ~(gsize) (ALIGN - 1) : (size + ALIGN - 1) & ~(gsize) (ALIGN - 1);
  if (size == 0)
    size = ALIGN;
  for (guint i = 0; i < a->free->len; i++)
    {
      Block *b = &g_array_index (a->free, Block, i);
      if (b->size >= size)
        {
          gsize off = b->offset;
          b->offset += size;
          b->size -= size;
          if (b->size == 0)
            g_array_remove_index (a->free, i);
          return off;
        }
    }
  /* Saturate rather than wrap: slots are each small enough to count, but
   * several huge ones together may not be; an arena of G_MAXSIZE bytes then
   * fails to allocate, with an OOM error, when a run starts. */
  if (a->end > G_MAXSIZE - size)
    {
      a->end = G_MAXSIZE;
      return 0;
    }
  a->end += size;
  return a->end - size;
}

static void
arena_give (Arena *a,
            gsize  offset,
            gsize  size)
{
  Block nb;
  guint i;

  size = size > G_MAXSIZE - ALIGN ? G_MAXSIZE & ~(gsize) (ALIGN - 1) : (size + ALIGN - 1) & ~(gsize) (ALIGN - 1);
  if (size == 0)
    size = ALIGN;
  for (i = 0; i < a->free->len && g_array_index (a->free, Block, i).offset < offset; i++)
    ;
  nb.offset = offset;
  nb.size = size;
  g_array_insert_val (a->free, i, nb);
  /* Coalesce with the next, then with the previous block. */
  if (i + 1 < a->free->len)
    {
      Block *b = &g_array_index (a->free, Block, i), *n = b + 1;
      if (b->offset + b->size == n->offset)
        {
          b->size += n->size;
          g_array_remove_index (a->free, i + 1);
        }
    }
  if (i > 0)
    {
      Block *p = &g_array_index (a->free, Block, i - 1), *b = p + 1;
      if (p->offset + p->size == b->offset)
        {
          p->size += b->size;
          g_array_remove_index (a->free, i);
        }
    }
  /* A block at the very end shrinks the arena instead. */
  if (a->free->len > 0)
    {
      Block *last = &g_array_index (a->free, Block, a->free->len - 1);
      if (last->offset + last->size == a->end)
        {
          a->end = last->offset;
          g_array_remove_index (a->free, a->free->len - 1);
        }
    }
}

/* Work of a step, for deciding whether branches are worth running in
 * parallel: elements produced, or multiply-adds for a matrix product. */
static double
step_cost (const GraftStep *step)
{
  const GraftNode *node = step->node;
  double cost = 0;

  if (step->kind != GRAFT_STEP_KERNEL && step->kind != GRAFT_STEP_FUSED)
    return 0;
  for (guint o = 0; o < node->n_outputs; o++)
    {
      gint64 n = _graft_dims_num_elements (_graft_node_outputs (node)[o].rank, _graft_node_outputs (node)[o].dims);
      cost += n > 0 ? (double) n : 1024.0;
    }
  if (strcmp (node->def->name, "MatMul") == 0 && node->n_inputs == 2 && _graft_node_inputs (node)[0]->rank == 2 &&
      _graft_node_inputs (node)[0]->dims[0] >= 0 && _graft_node_inputs (node)[0]->dims[1] >= 0)
    cost *= (double) MAX (_graft_node_inputs (node)[0]->dims[0], _graft_node_inputs (node)[0]->dims[1]);
  return cost;
}

/* Steps each step waits for (producers and control inputs, without
 * duplicates), as counts and a reverse adjacency in CSR form. */
static void
plan_dependencies (GraftPlan      *plan,
                   const guint32  *step_of_slot,
                   const guint32  *step_of_id)
{
  guint n = plan->n_steps;
  GArray *edges = g_array_new (FALSE, FALSE, sizeof (guint32) * 2);
  guint32 *count;

  plan->n_deps = g_new0 (guint32, n + 1);
  for (guint i = 0; i < n; i++)
    {
      GraftStep *step = &plan->steps[i];
      GraftNode *node = step->node;
      guint32 seen_first = NONE;

      for (guint k = 0; k < node->n_inputs + node->n_control_inputs; k++)
        {
          guint32 producer;

          if (k < node->n_inputs)
            {
              guint32 slot = plan->inputs[step->in + k];
              producer = slot == NONE ? NONE : step_of_slot[slot];
            }
          else
            producer = step_of_id[node->control_inputs[k - node->n_inputs]->id];
          if (producer == NONE || producer == seen_first)
            continue;
          /* Exact duplicate removal is not needed for correctness: a
           * duplicated edge is counted and released twice. */
          seen_first = producer;
          {
            guint32 e[2] = { producer, i };
            g_array_append_val (edges, e);
          }
          plan->n_deps[i]++;
        }
    }
  plan->dependents_start = g_new0 (guint32, n + 1);
  for (guint e = 0; e < edges->len; e++)
    plan->dependents_start[((guint32 *) edges->data)[2 * e] + 1]++;
  for (guint i = 0; i < n; i++)
    plan->dependents_start[i + 1] += plan->dependents_start[i];
  plan->dependents = g_new (guint32, edges->len + 1);
  count = g_new0 (guint32, n + 1);
  for (guint e = 0; e < edges->len; e++)
    {
      guint32 from = ((guint32 *) edges->data)[2 * e], to = ((guint32 *) edges->data)[2 * e + 1];
      plan->dependents[plan->dependents_start[from] + count[from]++] = to;
    }
  g_free (count);
  g_array_unref (edges);
}

/* Parallel execution pays only when two heavy steps can run at the same
 * time. Steps on the same level of the longest-path layering never depend
 * on each other, so two heavy steps on one level are the signal. */
static gboolean
worth_parallel (GraftPlan *plan)
{
  guint n = plan->n_steps;
  g_autofree guint32 *level = g_new0 (guint32, n + 1);
  g_autoptr(GHashTable) heavy_levels = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < n; i++)
    for (guint32 d = plan->dependents_start[i]; d < plan->dependents_start[i + 1]; d++)
      {
        guint32 to = plan->dependents[d];
        level[to] = MAX (level[to], level[i] + 1);
      }
  for (guint i = 0; i < n; i++)
    {
      if (step_cost (&plan->steps[i]) < 65536.0)
        continue;
      if (g_hash_table_contains (heavy_levels, GUINT_TO_POINTER (level[i] + 1)))
        return TRUE;
      g_hash_table_add (heavy_levels, GUINT_TO_POINTER (level[i] + 1));
    }
  return FALSE;
}

GraftPlan *
_graft_plan_new (GraftSession  *session,
                 GraftOutput  **feeds,
                 guint          n_feeds,
                 GraftOutput  **fetches,
                 guint          n_fetches,
                 GraftOutput  **targets,
                 guint          n_targets,
                 GError       **error)
{
  GraftGraph *graph = graft_session_get_graph (session);
  g_autoptr(GHashTable) fed = g_hash_table_new (NULL, NULL);   /* output → feed index + 1 */
  g_autofree guint32 *step_of_id = NULL;
  g_autofree guint8 *state = NULL;     /* per op id: 0 new, 1 on stack, 2 done */
  g_autofree guint32 *step_of_slot = NULL;
  GArray *order, *stack;
  GraftPlan *plan;
  guint n_ids, n_slots, n_inputs = 0, n_refs = 0;
  Arena arena;
  gboolean parallel_mode = _graft_session_pool_size (session) > 1;

  for (guint f = 0; f < n_feeds; f++)
    {
      if (!check_handle (session, feeds[f], "feed", error))
        return NULL;
      if (feeds[f]->index >= feeds[f]->node->n_outputs)
        {
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED,
                       "Cannot feed op '%s': it has no outputs", feeds[f]->node->name);
          return NULL;
        }
      if (g_hash_table_contains (fed, feeds[f]))
        {
          g_autofree char *name = graft_output_get_name (feeds[f]);
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED,
                       "The tensor %s is fed more than once", name);
          return NULL;
        }
      g_hash_table_insert (fed, feeds[f], GUINT_TO_POINTER (f + 1));
    }
  for (guint f = 0; f < n_fetches; f++)
    {
      if (!check_handle (session, fetches[f], "fetch", error))
        return NULL;
      if (fetches[f]->node->n_outputs == 0)
        {
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FETCH,
                       "Cannot fetch '%s': it is a %s op without outputs; run it as a target",
                       fetches[f]->node->name, fetches[f]->node->def->name);
          return NULL;
        }
    }
  for (guint t = 0; t < n_targets; t++)
    if (!check_handle (session, targets[t], "target", error))
      return NULL;

  /* Ops are numbered 1..N in their graph; per-op tables are flat arrays. */
  n_ids = graft_graph_get_last_op_id (graph) + 1;
  step_of_id = g_new (guint32, n_ids);
  memset (step_of_id, 0xff, sizeof (guint32) * n_ids);
  state = g_new0 (guint8, n_ids);
  order = g_array_new (FALSE, FALSE, sizeof (GraftNode *));
  stack = g_array_new (FALSE, FALSE, sizeof (GraftNode *));

  /* Iterative post-order: a node is pushed once (state 1) and emitted when
   * popped a second time, after everything it needs. */
  for (guint r = 0; r < n_fetches + n_targets; r++)
    {
      GraftOutput *root = r < n_fetches ? fetches[r] : targets[r - n_fetches];

      if (r < n_fetches && g_hash_table_contains (fed, root))
        continue;
      g_array_append_val (stack, root->node);
      while (stack->len > 0)
        {
          GraftNode *node = g_array_index (stack, GraftNode *, stack->len - 1);
          GraftStepKind kind;

          if (state[node->id] == 2)
            {
              g_array_set_size (stack, stack->len - 1);
              continue;
            }
          if (state[node->id] == 1)
            {
              state[node->id] = 2;
              step_of_id[node->id] = order->len;
              g_array_append_val (order, node);
              g_array_set_size (stack, stack->len - 1);
              continue;
            }
          state[node->id] = 1;
          kind = step_kind (node->def);
          if (strcmp (node->def->name, "Placeholder") == 0)
            {
              g_autofree char *shape = tf_shape_string (_graft_node_outputs (node)[0].rank, _graft_node_outputs (node)[0].dims);
              g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNFED_PLACEHOLDER,
                           "You must feed a value for placeholder tensor '%s' with dtype %s and shape %s",
                           node->name, tf_type_string (_graft_node_outputs (node)[0].dtype), shape);
              goto fail;
            }
          for (guint k = node->n_control_inputs; k-- > 0;)
            if (state[node->control_inputs[k]->id] == 0)
              g_array_append_val (stack, node->control_inputs[k]);
          for (guint k = node->n_inputs; k-- > 0;)
            {
              GraftOutput *in = _graft_node_inputs (node)[k];

              /* An assignment names its variable through input 0; it does
               * not read it. Ref inputs of kernels are checked when the op
               * is built. */
              if (is_ref_input (kind, node->def, k))
                {
                  if (strcmp (in->node->def->name, "VariableV2") != 0)
                    {
                      g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL,
                                   "%s op '%s': input 'ref' must be a variable, but %s is a %s op",
                                   node->def->name, node->name, in->node->name, in->node->def->name);
                      goto fail;
                    }
                  continue;
                }
              if (g_hash_table_contains (fed, in) || state[in->node->id] != 0)
                continue;
              g_array_append_val (stack, in->node);
            }
        }
    }

  plan = g_new0 (GraftPlan, 1);
  plan->ref_count = 1;
  plan->session = session;
  plan->n_steps = order->len;
  plan->steps = g_new0 (GraftStep, order->len + 1);
  g_mutex_init (&plan->pool_lock);
  plan->pool = g_ptr_array_new ();

  /* Slots: feeds first, then every output of every step, each followed
   * by one slot per ref input, where the executor binds the variable's
   * value. */
  n_slots = n_feeds;
  for (guint i = 0; i < order->len; i++)
    {
      GraftNode *node = g_array_index (order, GraftNode *, i);
      n_slots += node->n_outputs;
      n_inputs += node->n_inputs;
      if (step_kind (node->def) == GRAFT_STEP_REF_KERNEL)
        n_refs += (guint) __builtin_popcount (node->def->ref_inputs);
    }
  n_slots += n_refs;
  plan->ref_vars = g_new0 (GraftSessionVar *, n_refs + 1);
  plan->n_slots = n_slots;
  plan->slots = g_new0 (GraftSlot, n_slots + 1);
  plan->inputs = g_new (guint32, n_inputs + 1);
  step_of_slot = g_new (guint32, n_slots + 1);

  plan->n_feeds = n_feeds;
  plan->feed_slots = g_new (guint32, n_feeds + 1);
  plan->feed_outputs = g_new (GraftOutput *, n_feeds + 1);
  for (guint f = 0; f < n_feeds; f++)
    {
      GraftSlot *slot = &plan->slots[f];

      plan->feed_slots[f] = f;
      plan->feed_outputs[f] = feeds[f];
      slot->source = GRAFT_SLOT_FEED;
      slot->dtype = feeds[f]->dtype;
      slot->last_use = NONE;
      step_of_slot[f] = NONE;
    }

  {
    guint32 next_slot = n_feeds, next_in = 0, next_ref = 0;

    for (guint i = 0; i < order->len; i++)
      {
        GraftNode *node = g_array_index (order, GraftNode *, i);
        GraftStep *step = &plan->steps[i];
        gint s;

        step->node = node;
        step->kind = step_kind (node->def);
        step->out = next_slot;
        step->in = next_in;
        if (step->kind == GRAFT_STEP_KERNEL && node->def->kernel == NULL && node->def->closure == NULL)
          {
            g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_NO_KERNEL,
                         "%s op '%s' has no kernel (plugin '%s')", node->def->name, node->name,
                         node->def->plugin_name ? node->def->plugin_name : "?");
            _graft_plan_unref (plan);
            goto fail;
          }
        if (step->kind == GRAFT_STEP_VARIABLE)
          step->var = _graft_session_var (session, node);
        else if (is_assign (step->kind))
          step->var = _graft_session_var (session, _graft_node_inputs (node)[0]->node);
        if ((s = node->def->seed_attr) >= 0)
          {
            step->seed = _graft_node_attrs (node)[s].i;
            step->seed2 = _graft_node_attrs (node)[node->def->seed2_attr].i;
            step->has_seeds = TRUE;
          }

        for (guint o = 0; o < node->n_outputs; o++)
          {
            GraftSlot *slot = &plan->slots[next_slot];
            const GraftOutput *out = &_graft_node_outputs (node)[o];

            slot->dtype = out->dtype;
            slot->last_use = NONE;
            /* A ref kernel's output 0 is its first variable's new value. */
            if (step->kind != GRAFT_STEP_KERNEL && (step->kind != GRAFT_STEP_REF_KERNEL || o == 0))
              slot->source = GRAFT_SLOT_SHARED;
            else if (_graft_dims_fully_defined (out->rank, out->dims))
              {
                slot->source = GRAFT_SLOT_STATIC;
                slot->shape = _graft_shape_new_from_dims (out->rank, out->dims);
              }
            else
              {
                slot->source = GRAFT_SLOT_DYNAMIC;
                step->dynamic = TRUE;
              }
            step_of_slot[next_slot] = i;
            next_slot++;
          }
        step->refs = next_ref;
        for (guint k = 0; k < node->n_inputs; k++)
          {
            GraftOutput *in = _graft_node_inputs (node)[k];
            gpointer f = g_hash_table_lookup (fed, in);
            guint32 slot;

            if (step->kind == GRAFT_STEP_REF_KERNEL && is_ref_input (step->kind, node->def, k))
              {
                /* Bound by the executor, under the variables' lock; no
                 * producer, read (and let go) by this step only. */
                slot = next_slot++;
                plan->slots[slot].source = GRAFT_SLOT_SHARED;
                plan->slots[slot].dtype = in->dtype;
                step_of_slot[slot] = NONE;
                plan->ref_vars[next_ref++] = _graft_session_var (session, in->node);
              }
            else if (k == 0 && is_assign (step->kind))
              slot = NONE;
            else if (f != NULL)
              slot = GPOINTER_TO_UINT (f) - 1;
            else
              slot = plan->steps[step_of_id[in->node->id]].out + in->index;
            plan->inputs[next_in++] = slot;
            if (slot != NONE)
              plan->slots[slot].last_use = i;
            /* An input whose shape was partial when the op was built may
             * arrive with any compatible shape: the shape function runs
             * again and must agree with the outputs laid out statically. */
            if ((step->kind == GRAFT_STEP_KERNEL || step->kind == GRAFT_STEP_REF_KERNEL) &&
                !_graft_dims_fully_defined (in->rank, in->dims))
              step->dynamic = TRUE;
          }
      }
  }

  /* Fetches: a fed fetch returns the feed; fetched slots are never
   * released. */
  plan->n_fetches = n_fetches;
  plan->fetch_slots = g_new (guint32, n_fetches + 1);
  plan->fetch_outputs = g_memdup2 (fetches, sizeof (GraftOutput *) * n_fetches);
  for (guint f = 0; f < n_fetches; f++)
    {
      gpointer fi = g_hash_table_lookup (fed, fetches[f]);
      guint32 slot = fi ? GPOINTER_TO_UINT (fi) - 1
                        : plan->steps[step_of_id[fetches[f]->node->id]].out + fetches[f]->index;
      plan->fetch_slots[f] = slot;
    }
  for (guint f = 0; f < n_fetches; f++)
    plan->slots[plan->fetch_slots[f]].last_use = G_MAXUINT32 - 1;

  /* Fusion changes which steps run and how long slots live. */
  _graft_plan_fuse (plan);

  /* Release lists: a slot goes after its last reader, or right after its
   * producer when nothing reads it. */
  {
    guint32 *counts = g_new0 (guint32, order->len + 1);
    guint32 total = 0;

    for (guint s = n_feeds; s < n_slots; s++)
      {
        GraftSlot *slot = &plan->slots[s];
        if (slot->last_use == G_MAXUINT32 - 1)
          continue;
        if (slot->last_use == NONE)
          slot->last_use = step_of_slot[s];
        counts[slot->last_use]++;
        total++;
      }
    plan->releases = g_new (guint32, total + 1);
    total = 0;
    for (guint i = 0; i < order->len; i++)
      {
        plan->steps[i].release = total;
        total += counts[i];
        counts[i] = 0;
      }
    for (guint s = n_feeds; s < n_slots; s++)
      {
        GraftSlot *slot = &plan->slots[s];
        GraftStep *step;
        if (slot->last_use >= G_MAXUINT32 - 1)
          continue;
        step = &plan->steps[slot->last_use];
        plan->releases[step->release + step->n_release++] = s;
      }
    g_free (counts);
  }

  plan_dependencies (plan, step_of_slot, step_of_id);
  plan->parallel = parallel_mode && worth_parallel (plan);
  plan->poison = _graft_poison_outputs ();

  /* The arena: in order, take each static output's block before the step
   * runs, give back its readers' blocks after. In parallel mode steps may
   * run in any order their dependencies allow, so nothing is reused. */
  arena.free = g_array_new (FALSE, FALSE, sizeof (Block));
  arena.end = 0;
  for (guint i = 0; i < plan->n_steps; i++)
    {
      GraftStep *step = &plan->steps[i];

      for (guint o = 0; o < step->node->n_outputs; o++)
        {
          GraftSlot *slot = &plan->slots[step->out + o];
          if (slot->source == GRAFT_SLOT_STATIC)
            slot->offset = arena_take (&arena, graft_shape_get_num_elements (slot->shape) *
                                                 graft_dtype_get_size (slot->dtype));
        }
      if (plan->parallel)
        continue;
      for (guint r = 0; r < step->n_release; r++)
        {
          GraftSlot *slot = &plan->slots[plan->releases[step->release + r]];
          if (slot->source == GRAFT_SLOT_STATIC)
            arena_give (&arena, slot->offset, graft_shape_get_num_elements (slot->shape) *
                                              graft_dtype_get_size (slot->dtype));
        }
    }
  {
    /* The high-water mark: blocks handed back at the end may have shrunk
     * `end` below it, so recompute from the slots. */
    gsize top = arena.end == G_MAXSIZE ? G_MAXSIZE : 0;
    for (guint s = 0; s < n_slots; s++)
      if (plan->slots[s].source == GRAFT_SLOT_STATIC)
        {
          gsize size = graft_shape_get_num_elements (plan->slots[s].shape) *
                       graft_dtype_get_size (plan->slots[s].dtype);
          top = MAX (top, plan->slots[s].offset > G_MAXSIZE - size ? G_MAXSIZE : plan->slots[s].offset + size);
        }
    plan->arena_size = top;
  }
  g_array_unref (arena.free);

  g_array_unref (order);
  g_array_unref (stack);
  return plan;

fail:
  g_array_unref (order);
  g_array_unref (stack);
  return NULL;
}

GraftPlan *
_graft_plan_ref (GraftPlan *plan)
{
  g_atomic_int_inc (&plan->ref_count);
  return plan;
}

void _graft_exec_context_free (GraftExecContext *ctx);

void
_graft_plan_unref (GraftPlan *plan)
{
  if (!g_atomic_int_dec_and_test (&plan->ref_count))
    return;
  for (guint i = 0; i < plan->pool->len; i++)
    _graft_exec_context_free (g_ptr_array_index (plan->pool, i));
  g_ptr_array_unref (plan->pool);
  g_mutex_clear (&plan->pool_lock);
  for (guint s = 0; s < plan->n_slots; s++)
    g_clear_pointer (&plan->slots[s].shape, graft_shape_unref);
  g_free (plan->slots);
  g_free (plan->steps);
  g_free (plan->inputs);
  g_free (plan->ref_vars);
  g_free (plan->releases);
  g_free (plan->feed_slots);
  g_free (plan->feed_outputs);
  g_free (plan->fetch_slots);
  g_free (plan->fetch_outputs);
  g_free (plan->n_deps);
  g_free (plan->dependents);
  g_free (plan->dependents_start);
  _graft_fuse_groups_free (plan);
  g_free (plan);
}
