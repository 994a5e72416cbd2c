/* graft-graph.c: a dataflow graph.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/**
 * GraftGraph:
 *
 * A dataflow graph: ops, the names in use, collections, the variable store,
 * and per-thread variable-scope and name-scope stacks.
 *
 * Ops are compact records in the graph's arena, not objects; they are
 * reached through #GraftOutput handles that stay valid as long as the graph
 * lives. Building is safe from several threads at once. Each thread has its
 * own current name scope, variable scope and default-name counters, and
 * starts at the root; the variable store is shared (TensorFlow ≥ 1.10).
 */
G_DEFINE_FINAL_TYPE (GraftGraph, graft_graph, G_TYPE_OBJECT)

static void
collection_items_free (gpointer data)
{
  GPtrArray *items = data;

  for (guint i = 0; i < items->len; i++)
    {
      GraftCollectionItem *item = g_ptr_array_index (items, i);
      g_clear_object (&item->variable);
      g_free (item);
    }
  g_ptr_array_unref (items);
}

static void
owned_ref_free (gpointer data)
{
  /* The low bit tells tensors from shapes; both are 8-byte aligned. */
  if (GPOINTER_TO_SIZE (data) & 1)
    graft_tensor_unref (GSIZE_TO_POINTER (GPOINTER_TO_SIZE (data) & ~(gsize) 1));
  else
    graft_shape_unref (data);
}

static void
graft_graph_dispose (GObject *object)
{
  GraftGraph *self = GRAFT_GRAPH (object);

  /* Scopes, frames and collections hold variables and scopes, which point
   * back at the graph: break those cycles here. */
  g_clear_pointer (&self->threads, g_hash_table_unref);
  g_clear_pointer (&self->collections, g_hash_table_unref);
  if (self->store.data != NULL && self->store.dispose != NULL)
    self->store.dispose (self->store.data);

  G_OBJECT_CLASS (graft_graph_parent_class)->dispose (object);
}

static void
graft_graph_finalize (GObject *object)
{
  GraftGraph *self = GRAFT_GRAPH (object);

  if (self->store.data != NULL)
    self->store.free (self->store.data);
  g_ptr_array_unref (self->nodes);
  g_ptr_array_unref (self->owned_refs);
  g_clear_pointer (&self->op_index, g_hash_table_unref);
  _graft_strmap_clear (&self->names);
  _graft_arena_clear (&self->arena);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->threads_lock);

  G_OBJECT_CLASS (graft_graph_parent_class)->finalize (object);
}

static void
graft_graph_class_init (GraftGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = graft_graph_dispose;
  object_class->finalize = graft_graph_finalize;
}

static void
thread_state_free_cb (gpointer data)
{
  _graft_thread_state_free (data);
}

static void
graft_graph_init (GraftGraph *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->threads_lock);
  _graft_arena_init (&self->arena);
  _graft_strmap_init (&self->names);
  self->nodes = g_ptr_array_sized_new (64);
  self->owned_refs = g_ptr_array_new_with_free_func (owned_ref_free);
  self->collections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, collection_items_free);
  self->threads = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, thread_state_free_cb);
  self->serial = _graft_next_serial ();
}

/**
 * graft_graph_new:
 *
 * Creates an empty graph.
 *
 * Returns: (transfer full): a new #GraftGraph
 */
GraftGraph *
graft_graph_new (void)
{
  return g_object_new (GRAFT_TYPE_GRAPH, NULL);
}

/**
 * graft_graph_get_version:
 * @graph: a #GraftGraph
 *
 * The version grows by one with every op added. Sessions key their cached
 * plans on it.
 *
 * Returns: the current version
 */
guint64
graft_graph_get_version (GraftGraph *graph)
{
  guint64 v;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), 0);

  g_mutex_lock (&graph->lock);
  v = graph->version;
  g_mutex_unlock (&graph->lock);
  return v;
}

/**
 * graft_graph_get_num_operations:
 * @graph: a #GraftGraph
 *
 * Returns: the number of ops in @graph
 */
guint
graft_graph_get_num_operations (GraftGraph *graph)
{
  guint n;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), 0);

  g_mutex_lock (&graph->lock);
  n = graph->nodes->len;
  g_mutex_unlock (&graph->lock);
  return n;
}

/**
 * graft_graph_get_last_op_id:
 * @graph: a #GraftGraph
 *
 * Op ids start at 1 and grow with every op; this is the id of the most
 * recent one (0 in an empty graph). Random ops without an op seed take it
 * as their op seed, as in TensorFlow.
 *
 * Returns: the id of the last op made
 */
guint
graft_graph_get_last_op_id (GraftGraph *graph)
{
  return graft_graph_get_num_operations (graph);
}

/**
 * graft_graph_get_operation:
 * @graph: a #GraftGraph
 * @name: the full name of an op, such as `test1/test2/mul`
 *
 * Returns: (transfer none) (nullable): the handle of the op (its output 0),
 *   or %NULL if there is no op of that name
 */
GraftOutput *
graft_graph_get_operation (GraftGraph *graph,
                           const char *name)
{
  GraftNode *node;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_mutex_lock (&graph->lock);
  node = _graft_graph_find_op_locked (graph, name);
  g_mutex_unlock (&graph->lock);
  return node ? &_graft_node_outputs (node)[0] : NULL;
}

/* Ops by exact name. The index is built on first use and caught up on
 * every later one, so that building ops never pays for it. Caller holds
 * graph->lock. */
GraftNode *
_graft_graph_find_op_locked (GraftGraph *graph,
                             const char *name)
{
  if (graph->op_index == NULL)
    graph->op_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (; graph->n_indexed < graph->nodes->len; graph->n_indexed++)
    {
      GraftNode *node = g_ptr_array_index (graph->nodes, graph->n_indexed);
      g_hash_table_insert (graph->op_index, (gpointer) node->name, node);
    }
  return g_hash_table_lookup (graph->op_index, name);
}

/**
 * graft_graph_get_operation_by_id:
 * @graph: a #GraftGraph
 * @id: an op id, from 1 to graft_graph_get_last_op_id()
 *
 * Returns: (transfer none) (nullable): the handle of the op, or %NULL
 */
GraftOutput *
graft_graph_get_operation_by_id (GraftGraph *graph,
                                 guint       id)
{
  GraftNode *node = NULL;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);

  g_mutex_lock (&graph->lock);
  if (id >= 1 && id <= graph->nodes->len)
    node = g_ptr_array_index (graph->nodes, id - 1);
  g_mutex_unlock (&graph->lock);
  return node ? &_graft_node_outputs (node)[0] : NULL;
}

/**
 * graft_graph_get_output:
 * @graph: a #GraftGraph
 * @name: a tensor name `op:index`, or an op name meaning its output 0
 * @error: return location for a #GError
 *
 * Looks an output up by TensorFlow's tensor name, such as `test1/test2/w1:0`.
 *
 * Returns: (transfer none): the output, or %NULL with @error set
 *   (#GRAFT_GRAPH_ERROR_NOT_FOUND)
 */
GraftOutput *
graft_graph_get_output (GraftGraph  *graph,
                        const char  *name,
                        GError     **error)
{
  g_autofree char *op_name = NULL;
  const char *colon;
  guint64 index = 0;
  GraftOutput *op;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  colon = strrchr (name, ':');
  if (colon != NULL)
    {
      op_name = g_strndup (name, colon - name);
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT16, &index, NULL))
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NOT_FOUND,
                       "The name '%s' refers to a Tensor which does not exist. "
                       "'%s' is not a valid output index.", name, colon + 1);
          return NULL;
        }
    }
  else
    op_name = g_strdup (name);

  op = graft_graph_get_operation (graph, op_name);
  if (op == NULL)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NOT_FOUND,
                   "The name '%s' refers to a Tensor which does not exist. "
                   "The operation, '%s', does not exist in the graph.", name, op_name);
      return NULL;
    }
  if (index >= op->node->n_outputs)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NOT_FOUND,
                   "The name '%s' refers to a Tensor which does not exist. "
                   "The operation, '%s', exists but only has %u outputs.",
                   name, op_name, op->node->n_outputs);
      return NULL;
    }
  return &_graft_node_outputs (op->node)[index];
}

/**
 * graft_graph_get_memory_size:
 * @graph: a #GraftGraph
 *
 * Returns the bytes @graph uses for its ops and names: what its arena
 * handed out (records, inputs, attributes, dims, names), the names table
 * and the op index. The unused tail of the arena's last chunk is not
 * counted. Benchmarks divide it by the op count.
 *
 * Returns: a size in bytes
 */
gsize
graft_graph_get_memory_size (GraftGraph *graph)
{
  gsize total;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), 0);

  g_mutex_lock (&graph->lock);
  total = graph->arena.allocated +
          _graft_strmap_footprint (&graph->names) +
          graph->nodes->len * sizeof (gpointer);
  g_mutex_unlock (&graph->lock);
  return total;
}

/**
 * graft_graph_set_seed:
 * @graph: a #GraftGraph
 * @seed: the graph-level seed
 *
 * Sets the graph-level random seed (`tf.set_random_seed`). Random ops and
 * initializers made afterwards derive their seed pair from it by
 * TensorFlow's rules, so their values are the same on every run.
 */
void
graft_graph_set_seed (GraftGraph *graph,
                      gint64      seed)
{
  g_return_if_fail (GRAFT_IS_GRAPH (graph));

  g_mutex_lock (&graph->lock);
  graph->has_seed = TRUE;
  graph->seed = seed;
  g_mutex_unlock (&graph->lock);
}

/**
 * graft_graph_unset_seed:
 * @graph: a #GraftGraph
 *
 * Removes the graph-level seed.
 */
void
graft_graph_unset_seed (GraftGraph *graph)
{
  g_return_if_fail (GRAFT_IS_GRAPH (graph));

  g_mutex_lock (&graph->lock);
  graph->has_seed = FALSE;
  graph->seed = 0;
  g_mutex_unlock (&graph->lock);
}

/**
 * graft_graph_get_seed:
 * @graph: a #GraftGraph
 * @seed: (out) (optional): the graph-level seed
 *
 * Returns: whether a graph-level seed is set
 */
gboolean
graft_graph_get_seed (GraftGraph *graph,
                      gint64     *seed)
{
  gboolean has;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), FALSE);

  g_mutex_lock (&graph->lock);
  has = graph->has_seed;
  if (seed != NULL)
    *seed = graph->seed;
  g_mutex_unlock (&graph->lock);
  return has;
}

#define SEED_MODULUS G_GINT64_CONSTANT (2147483647)

static gint64
seed_mod (gint64 s)
{
  /* Python's %, which is never negative for a positive modulus. */
  return ((s % SEED_MODULUS) + SEED_MODULUS) % SEED_MODULUS;
}

/* random_seed.get_seed(op_seed) of TensorFlow 1.x: the seed pair a random
 * op made now gets. Without an op seed, the graph's last op id stands in,
 * so a graph built the same way gets the same seeds. */
void
_graft_graph_get_seeds (GraftGraph *graph,
                        gboolean    has_op_seed,
                        gint64      op_seed,
                        gint64     *seed,
                        gint64     *seed2)
{
  gint64 graph_seed = 0;
  gboolean has_graph = graft_graph_get_seed (graph, &graph_seed);

  if (has_graph && !has_op_seed)
    {
      *seed = seed_mod (graph_seed);
      *seed2 = seed_mod (graft_graph_get_last_op_id (graph));
    }
  else if (has_graph)
    {
      *seed = seed_mod (graph_seed);
      *seed2 = seed_mod (op_seed);
    }
  else if (has_op_seed)
    {
      *seed = 87654321;
      *seed2 = seed_mod (op_seed);
    }
  else
    {
      *seed = *seed2 = 0;
      return;
    }
  /* An explicit (0, 0) must not read as "nondeterministic". */
  if (*seed == 0 && *seed2 == 0)
    *seed2 = SEED_MODULUS;
}

/* ---- collections ---- */

void
_graft_graph_add_collection_item_locked (GraftGraph    *graph,
                                         const char    *key,
                                         GraftOutput   *output,
                                         GraftVariable *variable)
{
  GPtrArray *items = g_hash_table_lookup (graph->collections, key);
  GraftCollectionItem *item;

  if (items == NULL)
    {
      items = g_ptr_array_new ();
      g_hash_table_insert (graph->collections, g_strdup (key), items);
    }
  item = g_new (GraftCollectionItem, 1);
  item->output = output;
  item->variable = variable ? g_object_ref (variable) : NULL;
  g_ptr_array_add (items, item);
}

void
_graft_graph_remove_collection_item_locked (GraftGraph  *graph,
                                            const char  *key,
                                            GraftOutput *output)
{
  GPtrArray *items = g_hash_table_lookup (graph->collections, key);

  if (items == NULL)
    return;
  for (guint i = items->len; i-- > 0;)
    {
      GraftCollectionItem *item = g_ptr_array_index (items, i);
      if (item->output == output)
        {
          g_clear_object (&item->variable);
          g_free (item);
          g_ptr_array_remove_index (items, i);
          return;
        }
    }
}

/**
 * graft_graph_add_to_collection:
 * @graph: a #GraftGraph
 * @key: a collection name
 * @output: an output of @graph
 *
 * Appends @output to the collection @key, creating the collection if needed.
 */
void
graft_graph_add_to_collection (GraftGraph  *graph,
                               const char  *key,
                               GraftOutput *output)
{
  g_return_if_fail (GRAFT_IS_GRAPH (graph));
  g_return_if_fail (key != NULL);
  g_return_if_fail (output != NULL);
  g_return_if_fail (output->node->graph == graph);

  g_mutex_lock (&graph->lock);
  _graft_graph_add_collection_item_locked (graph, key, output, NULL);
  g_mutex_unlock (&graph->lock);
}

/* TensorFlow filters collections with re.match(scope, item.name): a prefix
 * match. Scope strings are plain names here, so a prefix test is exact for
 * every name the regexes allow except '.', which TensorFlow would treat as a
 * wildcard. */
gboolean
_graft_name_in_scope (const char *name,
                      const char *scope)
{
  return scope == NULL || g_str_has_prefix (name, scope);
}

/**
 * graft_graph_get_collection:
 * @graph: a #GraftGraph
 * @key: a collection name
 * @scope: (nullable): keep only items whose name starts with this prefix
 * @n_items: (out): the number of items returned
 *
 * Lists a collection in insertion order. Variables appear as their variable
 * op's output (named `NAME:0`).
 *
 * Returns: (array length=n_items) (transfer container): the items
 */
GraftOutput **
graft_graph_get_collection (GraftGraph *graph,
                            const char *key,
                            const char *scope,
                            guint      *n_items)
{
  GPtrArray *items, *out;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  out = g_ptr_array_new ();
  g_mutex_lock (&graph->lock);
  items = g_hash_table_lookup (graph->collections, key);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      GraftCollectionItem *item = g_ptr_array_index (items, i);
      if (_graft_name_in_scope (item->output->node->name, scope))
        g_ptr_array_add (out, item->output);
    }
  g_mutex_unlock (&graph->lock);
  *n_items = out->len;
  return (GraftOutput **) g_ptr_array_free (out, FALSE);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * graft_graph_get_collection_keys:
 * @graph: a #GraftGraph
 *
 * Returns: (transfer full) (array zero-terminated=1): the names of the
 *   collections, sorted
 */
char **
graft_graph_get_collection_keys (GraftGraph *graph)
{
  GPtrArray *keys;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);

  keys = g_ptr_array_new ();
  g_mutex_lock (&graph->lock);
  g_hash_table_iter_init (&iter, graph->collections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  g_mutex_unlock (&graph->lock);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return (char **) g_ptr_array_free (keys, FALSE);
}
