/* graft-session.c: evaluating a graph.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-runtime-private.h"
#include "graft-pool.h"

struct _GraftSession {
  GObject parent_instance;
  GraftGraph *graph;

  GMutex vars_lock;             /* the variables' values */
  GHashTable *vars;             /* GraftNode * → GraftSessionVar */

  GMutex cache_lock;
  GHashTable *plans;            /* PlanKey → GraftPlan */
  guint64 plans_version;

  guint n_threads;
  GraftPool *pool;              /* n_threads - 1 helpers, made on first use */

  /* Closing: runs count themselves in and out with atomics (no lock on
   * the way through); graft_session_close() sets `closed`, then waits on
   * close_cond under close_lock for the count to reach zero. */
  gint closed;
  gint in_flight;
  GMutex close_lock;
  GCond close_cond;
  gsize memory_limit;           /* bytes a run may allocate; 0: no limit; atomic */
  gboolean fusion;              /* plans fuse ops (graft-fuse.c); under cache_lock */
  GraftBlocks *blocks;          /* warm memory for results (graft-blocks.c) */
};

/**
 * GraftSession:
 *
 * Evaluates a graph. A session holds its own values of the graph's
 * variables (two sessions on one graph do not share them) and a cache of
 * plans, one per (graph version, feeds, fetches, targets).
 *
 * graft_session_run() may be called from several threads at once; each
 * run gets its own buffers, and variables are read and assigned
 * atomically. The graph may grow while runs are in flight: graphs are
 * append-only and plans are snapshots, so a run sees the graph as it was
 * when its plan was made (new ops get new plans through the version).
 */
G_DEFINE_FINAL_TYPE (GraftSession, graft_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GRAPH,
  PROP_NUM_THREADS,
  PROP_MEMORY_LIMIT,
  PROP_FUSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  guint64 version;
  guint n;                      /* n_feeds, n_fetches, n_targets, then pointers */
  gpointer items[];
} PlanKey;

static guint
plan_key_hash (gconstpointer data)
{
  const PlanKey *k = data;
  guint64 h = k->version * 0x9E3779B97F4A7C15ull;

  for (guint i = 0; i < k->n; i++)
    h = (h ^ GPOINTER_TO_SIZE (k->items[i])) * 0x100000001B3ull;
  return (guint) (h ^ (h >> 32));
}

static gboolean
plan_key_equal (gconstpointer a,
                gconstpointer b)
{
  const PlanKey *x = a, *y = b;

  return x->version == y->version && x->n == y->n &&
         memcmp (x->items, y->items, sizeof (gpointer) * x->n) == 0;
}

static void
session_var_free (gpointer data)
{
  GraftSessionVar *var = data;

  g_clear_pointer (&var->value, graft_tensor_unref);
  g_free (var);
}

static void
graft_session_finalize (GObject *object)
{
  GraftSession *self = GRAFT_SESSION (object);

  g_clear_pointer (&self->pool, _graft_pool_unref);
  g_hash_table_unref (self->plans);
  g_hash_table_unref (self->vars);
  /* Results still out keep the pool alive and free their blocks. */
  _graft_blocks_close (self->blocks);
  _graft_blocks_unref (self->blocks);
  g_mutex_clear (&self->vars_lock);
  g_mutex_clear (&self->cache_lock);
  g_mutex_clear (&self->close_lock);
  g_cond_clear (&self->close_cond);
  g_clear_object (&self->graph);
  G_OBJECT_CLASS (graft_session_parent_class)->finalize (object);
}

static void
graft_session_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GraftSession *self = GRAFT_SESSION (object);

  switch (prop_id)
    {
    case PROP_GRAPH: g_value_set_object (value, self->graph); break;
    case PROP_NUM_THREADS: g_value_set_uint (value, self->n_threads); break;
    case PROP_MEMORY_LIMIT: g_value_set_uint64 (value, graft_session_get_memory_limit (self)); break;
    case PROP_FUSION: g_value_set_boolean (value, graft_session_get_fusion (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_session_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  GraftSession *self = GRAFT_SESSION (object);

  switch (prop_id)
    {
    case PROP_GRAPH: self->graph = g_value_dup_object (value); break;
    case PROP_NUM_THREADS: graft_session_set_num_threads (self, g_value_get_uint (value)); break;
    case PROP_MEMORY_LIMIT: graft_session_set_memory_limit (self, g_value_get_uint64 (value)); break;
    case PROP_FUSION: graft_session_set_fusion (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_session_class_init (GraftSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = graft_session_finalize;
  object_class->get_property = graft_session_get_property;
  object_class->set_property = graft_session_set_property;

  /**
   * GraftSession:graph:
   *
   * The graph the session evaluates.
   */
  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL, GRAFT_TYPE_GRAPH,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * GraftSession:num-threads:
   *
   * How many threads may run independent branches of one run at the same
   * time (the calling thread included); 1 runs every op on the calling
   * thread. Branches only go parallel when at least two heavy ops can run
   * at once. Defaults to the number of processors.
   */
  properties[PROP_NUM_THREADS] =
    g_param_spec_uint ("num-threads", NULL, NULL, 1, 1024, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * GraftSession:memory-limit:
   *
   * The most bytes one run may allocate for the tensors it computes: its
   * planned buffer, every output whose shape is known only at run time, and
   * fetched values copied out of the buffer. Feeds, constants and variable
   * values that already exist do not count. A run that would go beyond it
   * fails before it allocates with %GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED
   * (`OOM when allocating tensor with shape[…] …`, as when memory runs
   * out) and the session stays usable. 0, the default, sets no limit.
   */
  properties[PROP_MEMORY_LIMIT] =
    g_param_spec_uint64 ("memory-limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * GraftSession:fusion:
   *
   * Whether plans fuse chains of ops into one step: a MatMul with the bias
   * add and activation after it, chains of elementwise ops. Fusion never
   * changes values, fetches or errors, only speed; turning it off is for
   * comparing and debugging. Plans made before a change keep theirs.
   * Defaults to %TRUE unless the environment sets `GRAFT_FUSION=0`.
   */
  properties[PROP_FUSION] =
    g_param_spec_boolean ("fusion", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
graft_session_init (GraftSession *self)
{
  g_mutex_init (&self->vars_lock);
  g_mutex_init (&self->cache_lock);
  g_mutex_init (&self->close_lock);
  g_cond_init (&self->close_cond);
  self->vars = g_hash_table_new_full (NULL, NULL, NULL, session_var_free);
  self->plans = g_hash_table_new_full (plan_key_hash, plan_key_equal, g_free, (GDestroyNotify) _graft_plan_unref);
  self->n_threads = MAX (1, g_get_num_processors ());
  self->fusion = g_strcmp0 (g_getenv ("GRAFT_FUSION"), "0") != 0;
  self->blocks = _graft_blocks_new ();
}

/**
 * graft_session_new:
 * @graph: the graph to evaluate
 *
 * Returns: (transfer full): a new session; its variables are uninitialized
 */
GraftSession *
graft_session_new (GraftGraph *graph)
{
  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  return g_object_new (GRAFT_TYPE_SESSION, "graph", graph, NULL);
}

/**
 * graft_session_get_graph:
 * @session: a #GraftSession
 *
 * Returns: (transfer none): the session's graph
 */
GraftGraph *
graft_session_get_graph (GraftSession *session)
{
  g_return_val_if_fail (GRAFT_IS_SESSION (session), NULL);
  return session->graph;
}

/**
 * graft_session_get_num_threads:
 * @session: a #GraftSession
 *
 * Returns: the value of #GraftSession:num-threads
 */
guint
graft_session_get_num_threads (GraftSession *session)
{
  g_return_val_if_fail (GRAFT_IS_SESSION (session), 1);
  return session->n_threads;
}

/**
 * graft_session_set_num_threads:
 * @session: a #GraftSession
 * @n_threads: 1 or more
 *
 * Sets #GraftSession:num-threads. Runs already in flight keep the pool
 * they started with. Counts above #GRAFT_SESSION_MAX_THREADS are clamped
 * to it, and when the system refuses to create some of the threads the
 * session runs with those it could create.
 */
void
graft_session_set_num_threads (GraftSession *session,
                               guint         n_threads)
{
  GraftPool *old = NULL;
  gboolean changed;

  g_return_if_fail (GRAFT_IS_SESSION (session));
  g_return_if_fail (n_threads >= 1);

  /* A thread per requested count would exhaust the system long before a
   * graph could use them; the property has the same maximum. */
  n_threads = MIN (n_threads, GRAFT_SESSION_MAX_THREADS);
  g_mutex_lock (&session->cache_lock);
  changed = session->n_threads != n_threads;
  if (changed)
    {
      session->n_threads = n_threads;
      /* Plans decide on parallelism when they are made. */
      g_hash_table_remove_all (session->plans);
      old = g_steal_pointer (&session->pool);
    }
  g_mutex_unlock (&session->cache_lock);
  /* Outside the lock: the old pool finishes the tasks it was given, and a
   * task may itself need the lock to hand out work. */
  if (old != NULL)
    _graft_pool_unref (old);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (session), properties[PROP_NUM_THREADS]);
}

/**
 * graft_session_get_fusion:
 * @session: a #GraftSession
 *
 * Returns: the value of #GraftSession:fusion
 */
gboolean
graft_session_get_fusion (GraftSession *session)
{
  gboolean fusion;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), FALSE);
  g_mutex_lock (&session->cache_lock);
  fusion = session->fusion;
  g_mutex_unlock (&session->cache_lock);
  return fusion;
}

/**
 * graft_session_set_fusion:
 * @session: a #GraftSession
 * @fusion: whether plans fuse ops
 *
 * Sets #GraftSession:fusion. Cached plans are dropped so that later runs
 * plan again; callables already made keep their plans.
 */
void
graft_session_set_fusion (GraftSession *session,
                          gboolean      fusion)
{
  gboolean changed;

  g_return_if_fail (GRAFT_IS_SESSION (session));
  fusion = !!fusion;
  g_mutex_lock (&session->cache_lock);
  changed = session->fusion != fusion;
  if (changed)
    {
      session->fusion = fusion;
      g_hash_table_remove_all (session->plans);
    }
  g_mutex_unlock (&session->cache_lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (session), properties[PROP_FUSION]);
}

GraftBlocks *
_graft_session_blocks (GraftSession *session)
{
  return session->blocks;
}

gboolean
_graft_session_get_fusion_enabled (GraftSession *session)
{
  return graft_session_get_fusion (session);
}

/**
 * graft_session_close:
 * @session: a #GraftSession
 * @error: return location for a #GError
 *
 * `Session.close()`: waits for the runs in flight to finish, then releases
 * the session's resources: its variables' values, its plans and their
 * buffers, its threads. Every later run, of the session or of its
 * callables, fails with #GRAFT_SESSION_ERROR_CLOSED (`Attempted to use a
 * closed Session.`). Closing a closed session does nothing. Must not be
 * called from a kernel of one of the session's own runs, which would wait
 * for itself.
 *
 * Returns: %TRUE (closing cannot fail today; @error is there so that a
 *   future resource that can fail to close has a place to say so)
 */
gboolean
graft_session_close (GraftSession  *session,
                     GError       **error)
{
  GraftPool *pool;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_atomic_int_set (&session->closed, TRUE);
  g_mutex_lock (&session->close_lock);
  while (g_atomic_int_get (&session->in_flight) > 0)
    g_cond_wait (&session->close_cond, &session->close_lock);
  g_mutex_unlock (&session->close_lock);

  g_mutex_lock (&session->vars_lock);
  g_hash_table_remove_all (session->vars);
  g_mutex_unlock (&session->vars_lock);
  g_mutex_lock (&session->cache_lock);
  g_hash_table_remove_all (session->plans);
  pool = g_steal_pointer (&session->pool);
  g_mutex_unlock (&session->cache_lock);
  g_clear_pointer (&pool, _graft_pool_unref);
  _graft_blocks_close (session->blocks);
  return TRUE;
}

/**
 * graft_session_is_closed:
 * @session: a #GraftSession
 *
 * Returns: whether graft_session_close() was called
 */
gboolean
graft_session_is_closed (GraftSession *session)
{
  g_return_val_if_fail (GRAFT_IS_SESSION (session), TRUE);
  return g_atomic_int_get (&session->closed);
}

/**
 * graft_session_get_memory_limit:
 * @session: a #GraftSession
 *
 * Returns: the value of #GraftSession:memory-limit, 0 for no limit
 */
guint64
graft_session_get_memory_limit (GraftSession *session)
{
  g_return_val_if_fail (GRAFT_IS_SESSION (session), 0);
  return (guint64) _graft_session_memory_limit (session);
}

/**
 * graft_session_set_memory_limit:
 * @session: a #GraftSession
 * @limit: the most bytes one run may allocate, 0 for no limit
 *
 * Sets #GraftSession:memory-limit. Runs already in flight may see the old
 * or the new limit.
 */
void
graft_session_set_memory_limit (GraftSession *session,
                                guint64       limit)
{
  gsize old;

  g_return_if_fail (GRAFT_IS_SESSION (session));

  /* Atomic, because runs on other threads read it while they allocate; a
   * limit beyond the address space is the same as none being reached. */
  old = (gsize) g_atomic_pointer_exchange (&session->memory_limit, (gsize) MIN (limit, (guint64) G_MAXSIZE));
  if (old != (gsize) MIN (limit, (guint64) G_MAXSIZE))
    g_object_notify_by_pspec (G_OBJECT (session), properties[PROP_MEMORY_LIMIT]);
}

/* ---- internals for the planner and the executor ---- */

/* Every run enters before it touches the session and leaves after. The
 * count goes up before `closed` is read, and close sets `closed` before
 * it reads the count, so either the run sees the session closed or close
 * waits for the run. */
gboolean
_graft_session_enter (GraftSession *session,
                      GError      **error)
{
  g_atomic_int_inc (&session->in_flight);
  if (G_LIKELY (!g_atomic_int_get (&session->closed)))
    return TRUE;
  _graft_session_leave (session);
  g_set_error_literal (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED,
                       "Attempted to use a closed Session.");
  return FALSE;
}

void
_graft_session_leave (GraftSession *session)
{
  if (g_atomic_int_dec_and_test (&session->in_flight) && g_atomic_int_get (&session->closed))
    {
      g_mutex_lock (&session->close_lock);
      g_cond_broadcast (&session->close_cond);
      g_mutex_unlock (&session->close_lock);
    }
}

gsize
_graft_session_memory_limit (GraftSession *session)
{
  return (gsize) g_atomic_pointer_get (&session->memory_limit);
}

GraftSessionVar *
_graft_session_var (GraftSession *session,
                    GraftNode    *node)
{
  GraftSessionVar *var;

  g_mutex_lock (&session->vars_lock);
  var = g_hash_table_lookup (session->vars, node);
  if (var == NULL)
    {
      var = g_new0 (GraftSessionVar, 1);
      var->node = node;
      g_hash_table_insert (session->vars, node, var);
    }
  g_mutex_unlock (&session->vars_lock);
  return var;
}

GMutex *
_graft_session_vars_lock (GraftSession *session)
{
  return &session->vars_lock;
}

guint
_graft_session_pool_size (GraftSession *session)
{
  guint n = session->n_threads;

  /* Once the pool exists, count the threads it could actually create. */
  g_mutex_lock (&session->cache_lock);
  if (session->pool != NULL)
    n = MIN (n, _graft_pool_get_n_threads (session->pool) + 1);
  g_mutex_unlock (&session->cache_lock);
  return n;
}

void
_graft_session_parallel_run (GraftSession *session,
                             GFunc         worker,
                             gpointer      data,
                             guint         n_helpers)
{
  GraftPool *pool;

  g_mutex_lock (&session->cache_lock);
  if (session->pool == NULL)
    session->pool = _graft_pool_new (MAX (1, session->n_threads - 1));
  pool = _graft_pool_ref (session->pool);
  g_mutex_unlock (&session->cache_lock);

  _graft_pool_push (pool, worker, data, n_helpers);
  _graft_pool_unref (pool);
}

static guint
runner_n_threads (gpointer runner)
{
  return graft_session_get_num_threads (runner);
}

static void
runner_parallel_run (gpointer runner,
                     GFunc    worker,
                     gpointer data,
                     guint    n_helpers)
{
  _graft_session_parallel_run (runner, worker, data, n_helpers);
}

const GraftKernelRunnerFuncs _graft_session_runner_funcs = {
  runner_n_threads,
  runner_parallel_run,
};

/* ---- plans ---- */

static GraftPlan *
lookup_plan (GraftSession  *session,
             GraftOutput  **feeds,
             guint          n_feeds,
             GraftOutput  **fetches,
             guint          n_fetches,
             GraftOutput  **targets,
             guint          n_targets,
             GError       **error)
{
  guint n = 3 + n_feeds + n_fetches + n_targets;
  PlanKey *key = g_alloca (sizeof (PlanKey) + sizeof (gpointer) * n);
  guint64 version = graft_graph_get_version (session->graph);
  GraftPlan *plan;

  key->version = version;
  key->n = n;
  key->items[0] = GUINT_TO_POINTER (n_feeds);
  key->items[1] = GUINT_TO_POINTER (n_fetches);
  key->items[2] = GUINT_TO_POINTER (n_targets);
  if (n_feeds)
    memcpy (key->items + 3, feeds, sizeof (gpointer) * n_feeds);
  if (n_fetches)
    memcpy (key->items + 3 + n_feeds, fetches, sizeof (gpointer) * n_fetches);
  if (n_targets)
    memcpy (key->items + 3 + n_feeds + n_fetches, targets, sizeof (gpointer) * n_targets);

  g_mutex_lock (&session->cache_lock);
  /* Plans of older versions stay valid (graphs only grow) but would pile
   * up while a program alternates building and running. */
  if (version != session->plans_version)
    {
      g_hash_table_remove_all (session->plans);
      session->plans_version = version;
    }
  plan = g_hash_table_lookup (session->plans, key);
  if (plan != NULL)
    _graft_plan_ref (plan);
  g_mutex_unlock (&session->cache_lock);
  if (plan != NULL)
    return plan;

  plan = _graft_plan_new (session, feeds, n_feeds, fetches, n_fetches, targets, n_targets, error);
  if (plan == NULL)
    return NULL;
  g_mutex_lock (&session->cache_lock);
  if (version == session->plans_version && !g_hash_table_contains (session->plans, key))
    g_hash_table_insert (session->plans, g_memdup2 (key, sizeof (PlanKey) + sizeof (gpointer) * n),
                         _graft_plan_ref (plan));
  g_mutex_unlock (&session->cache_lock);
  return plan;
}

/**
 * graft_session_run:
 * @session: a #GraftSession
 * @feeds: (array length=n_feeds) (nullable): outputs whose values are given
 * @feed_values: (array length=n_feeds) (nullable): their values
 * @n_feeds: the number of feeds
 * @fetches: (array length=n_fetches) (nullable): outputs to compute
 * @n_fetches: the number of fetches
 * @targets: (array length=n_targets) (nullable): ops to run for their
 *   effect (initializers, assignments)
 * @n_targets: the number of targets
 * @cancellable: (nullable): checked between ops
 * @n_results: (out): the number of results, @n_fetches
 * @error: return location for a #GError
 *
 * `Session.run`: computes @fetches and runs @targets, running only the ops
 * they need. A feed replaces an output (any output, not only a
 * placeholder's): the ops behind it do not run. A placeholder that is
 * needed and not fed is an error naming it, as is reading a variable that
 * was never assigned (`Attempting to use uninitialized value NAME`).
 *
 * Returns: (array length=n_results) (transfer full) (nullable): one new
 *   tensor per fetch, in order; %NULL with @error set (#GRAFT_SESSION_ERROR,
 *   or %G_IO_ERROR_CANCELLED)
 */
GraftTensor **
graft_session_run (GraftSession  *session,
                   GraftOutput  **feeds,
                   GraftTensor  **feed_values,
                   guint          n_feeds,
                   GraftOutput  **fetches,
                   guint          n_fetches,
                   GraftOutput  **targets,
                   guint          n_targets,
                   GCancellable  *cancellable,
                   guint         *n_results,
                   GError       **error)
{
  GraftPlan *plan;
  GraftTensor **results;
  gboolean ok;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), NULL);
  g_return_val_if_fail (n_feeds == 0 || (feeds != NULL && feed_values != NULL), NULL);
  g_return_val_if_fail (n_fetches == 0 || fetches != NULL, NULL);
  g_return_val_if_fail (n_targets == 0 || targets != NULL, NULL);
  g_return_val_if_fail (n_results != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *n_results = 0;
  for (guint i = 0; i < n_feeds; i++)
    g_return_val_if_fail (feeds[i] != NULL && feed_values[i] != NULL, NULL);
  for (guint i = 0; i < n_fetches; i++)
    g_return_val_if_fail (fetches[i] != NULL, NULL);
  for (guint i = 0; i < n_targets; i++)
    g_return_val_if_fail (targets[i] != NULL, NULL);

  /* Checked again, race-free, when the plan runs; this one saves making a
   * plan a closed session would only drop. */
  if (G_UNLIKELY (g_atomic_int_get (&session->closed)))
    {
      g_set_error_literal (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED,
                           "Attempted to use a closed Session.");
      return NULL;
    }
  plan = lookup_plan (session, feeds, n_feeds, fetches, n_fetches, targets, n_targets, error);
  if (plan == NULL)
    return NULL;
  results = g_new0 (GraftTensor *, n_fetches + 1);
  ok = _graft_plan_run (plan, feed_values, results, cancellable, error);
  _graft_plan_unref (plan);
  if (!ok)
    {
      g_free (results);
      return NULL;
    }
  *n_results = n_fetches;
  return results;
}

/**
 * graft_session_run_into:
 * @session: a #GraftSession
 * @feeds: (array length=n_feeds) (nullable): outputs whose values are given
 * @feed_values: (array length=n_feeds) (nullable): their values
 * @n_feeds: the number of feeds
 * @fetches: (array length=n_fetches) (nullable): outputs to compute
 * @outputs: (array length=n_fetches) (nullable): the caller's tensors, one
 *   per fetch, each of the fetch's dtype and shape and held by nobody else
 *   (a reference count of 1); their elements are overwritten
 * @n_fetches: the number of fetches, and of @outputs
 * @targets: (array length=n_targets) (nullable): ops to run for their effect
 * @n_targets: the number of targets
 * @cancellable: (nullable): checked between ops
 * @error: return location for a #GError
 *
 * graft_session_run() writing each fetched value into the caller's tensor
 * instead of returning a new one: a loop that runs a graph again and again
 * allocates nothing and touches no fresh memory. Where it can, the run
 * computes the value in the caller's memory directly (the tensor's data
 * aligned to 64 bytes, as Graft's own tensors are); otherwise it copies.
 *
 * A tensor of another dtype or shape than its fetch, or a shared one, is
 * refused with %GRAFT_SESSION_ERROR_INVALID_FETCH naming the fetch and
 * both shapes, before anything runs when the fetch's shape is known from
 * the graph. After a failed run the outputs' contents are unspecified.
 *
 * Returns: %TRUE on success
 */
gboolean
graft_session_run_into (GraftSession  *session,
                        GraftOutput  **feeds,
                        GraftTensor  **feed_values,
                        guint          n_feeds,
                        GraftOutput  **fetches,
                        GraftTensor  **outputs,
                        guint          n_fetches,
                        GraftOutput  **targets,
                        guint          n_targets,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GraftPlan *plan;
  gboolean ok;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), FALSE);
  g_return_val_if_fail (n_feeds == 0 || (feeds != NULL && feed_values != NULL), FALSE);
  g_return_val_if_fail (n_fetches == 0 || (fetches != NULL && outputs != NULL), FALSE);
  g_return_val_if_fail (n_targets == 0 || targets != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint i = 0; i < n_feeds; i++)
    g_return_val_if_fail (feeds[i] != NULL && feed_values[i] != NULL, FALSE);
  for (guint i = 0; i < n_fetches; i++)
    g_return_val_if_fail (fetches[i] != NULL && outputs[i] != NULL, FALSE);
  for (guint i = 0; i < n_targets; i++)
    g_return_val_if_fail (targets[i] != NULL, FALSE);

  if (G_UNLIKELY (g_atomic_int_get (&session->closed)))
    {
      g_set_error_literal (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_CLOSED,
                           "Attempted to use a closed Session.");
      return FALSE;
    }
  plan = lookup_plan (session, feeds, n_feeds, fetches, n_fetches, targets, n_targets, error);
  if (plan == NULL)
    return FALSE;
  ok = _graft_plan_run_into (plan, feed_values, outputs, cancellable, error);
  _graft_plan_unref (plan);
  return ok;
}

/**
 * graft_session_fetch:
 * @session: a #GraftSession
 * @fetch: the output to compute
 * @error: return location for a #GError
 *
 * graft_session_run() with one fetch and nothing else.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with @error set
 */
GraftTensor *
graft_session_fetch (GraftSession *session,
                     GraftOutput  *fetch,
                     GError      **error)
{
  g_autofree GraftTensor **results = NULL;
  guint n;

  g_return_val_if_fail (fetch != NULL, NULL);
  results = graft_session_run (session, NULL, NULL, 0, &fetch, 1, NULL, 0, NULL, &n, error);
  return results ? results[0] : NULL;
}

/**
 * graft_session_run_target:
 * @session: a #GraftSession
 * @target: an op to run for its effect, such as the initializer of
 *   graft_graph_global_variables_initializer()
 * @error: return location for a #GError
 *
 * graft_session_run() with one target and nothing else.
 *
 * Returns: %TRUE on success
 */
gboolean
graft_session_run_target (GraftSession *session,
                          GraftOutput  *target,
                          GError      **error)
{
  g_autofree GraftTensor **results = NULL;
  guint n;

  g_return_val_if_fail (target != NULL, FALSE);
  results = graft_session_run (session, NULL, NULL, 0, NULL, 0, &target, 1, NULL, &n, error);
  return results != NULL;
}

/**
 * graft_session_get_variable_value:
 * @session: a #GraftSession
 * @variable: a variable of the session's graph
 *
 * Returns: (transfer full) (nullable): the variable's current value in this
 *   session, %NULL if it has none yet
 */
GraftTensor *
graft_session_get_variable_value (GraftSession  *session,
                                  GraftVariable *variable)
{
  GraftOutput *op;
  GraftSessionVar *var;
  GraftTensor *value = NULL;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), NULL);
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);

  op = graft_variable_get_output (variable);
  if (op == NULL || op->node->graph != session->graph)
    return NULL;
  g_mutex_lock (&session->vars_lock);
  var = g_hash_table_lookup (session->vars, op->node);
  if (var != NULL && var->value != NULL)
    value = graft_tensor_ref (var->value);
  g_mutex_unlock (&session->vars_lock);
  return value;
}

/**
 * graft_session_is_initialized:
 * @session: a #GraftSession
 * @variable: a variable of the session's graph
 *
 * Returns: whether @variable has a value in this session
 */
gboolean
graft_session_is_initialized (GraftSession  *session,
                              GraftVariable *variable)
{
  g_autoptr(GraftTensor) value = graft_session_get_variable_value (session, variable);

  return value != NULL;
}

/**
 * graft_session_report_uninitialized_variables:
 * @session: a #GraftSession
 *
 * `tf.report_uninitialized_variables()`: the names of the graph's global
 * and local variables that have no value in this session. (Graft has no
 * string tensors, so this is a session call rather than an op.)
 *
 * Returns: (transfer full) (array zero-terminated=1): the variables' op
 *   names, in collection order
 */
char **
graft_session_report_uninitialized_variables (GraftSession *session)
{
  const char *keys[] = { GRAFT_GLOBAL_VARIABLES, GRAFT_LOCAL_VARIABLES };
  GPtrArray *names;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), NULL);

  names = g_ptr_array_new ();
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      guint n;
      g_autofree GraftVariable **vars = graft_graph_get_collection_variables (session->graph, keys[k], NULL, &n);

      for (guint i = 0; i < n; i++)
        if (!graft_session_is_initialized (session, vars[i]))
          g_ptr_array_add (names, g_strdup (graft_variable_get_op_name (vars[i])));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/* ---- callables ---- */

struct _GraftCallable {
  GObject parent_instance;
  GraftSession *session;
  GraftPlan *plan;
};

/**
 * GraftCallable:
 *
 * A prepared run: fixed feeds, fetches and targets, planned once. Running
 * it skips every look-up; only the feed values change between runs. Safe
 * to run from several threads at once.
 */
G_DEFINE_FINAL_TYPE (GraftCallable, graft_callable, G_TYPE_OBJECT)

static void
graft_callable_finalize (GObject *object)
{
  GraftCallable *self = GRAFT_CALLABLE (object);

  g_clear_pointer (&self->plan, _graft_plan_unref);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (graft_callable_parent_class)->finalize (object);
}

static void
graft_callable_class_init (GraftCallableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_callable_finalize;
}

static void
graft_callable_init (GraftCallable *self)
{
}

/**
 * graft_session_make_callable:
 * @session: a #GraftSession
 * @feeds: (array length=n_feeds) (nullable): the outputs that will be fed
 * @n_feeds: the number of feeds
 * @fetches: (array length=n_fetches) (nullable): the outputs to compute
 * @n_fetches: the number of fetches
 * @targets: (array length=n_targets) (nullable): ops to run for effect
 * @n_targets: the number of targets
 * @error: return location for a #GError
 *
 * Plans a run once (`Session.make_callable`). Errors that do not depend on
 * values (an unfed placeholder, a fetch without outputs, another graph)
 * are reported here.
 *
 * Returns: (transfer full) (nullable): the callable, or %NULL with @error set
 */
GraftCallable *
graft_session_make_callable (GraftSession  *session,
                             GraftOutput  **feeds,
                             guint          n_feeds,
                             GraftOutput  **fetches,
                             guint          n_fetches,
                             GraftOutput  **targets,
                             guint          n_targets,
                             GError       **error)
{
  GraftCallable *callable;
  GraftPlan *plan;

  g_return_val_if_fail (GRAFT_IS_SESSION (session), NULL);
  g_return_val_if_fail (n_feeds == 0 || feeds != NULL, NULL);
  g_return_val_if_fail (n_fetches == 0 || fetches != NULL, NULL);
  g_return_val_if_fail (n_targets == 0 || targets != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plan = _graft_plan_new (session, feeds, n_feeds, fetches, n_fetches, targets, n_targets, error);
  if (plan == NULL)
    return NULL;
  callable = g_object_new (GRAFT_TYPE_CALLABLE, NULL);
  callable->session = g_object_ref (session);
  callable->plan = plan;
  return callable;
}

/**
 * graft_callable_get_num_feeds:
 * @callable: a #GraftCallable
 *
 * Returns: how many feed values a run takes
 */
guint
graft_callable_get_num_feeds (GraftCallable *callable)
{
  g_return_val_if_fail (GRAFT_IS_CALLABLE (callable), 0);
  return callable->plan->n_feeds;
}

/**
 * graft_callable_get_num_fetches:
 * @callable: a #GraftCallable
 *
 * Returns: how many tensors a run returns
 */
guint
graft_callable_get_num_fetches (GraftCallable *callable)
{
  g_return_val_if_fail (GRAFT_IS_CALLABLE (callable), 0);
  return callable->plan->n_fetches;
}

/**
 * graft_callable_run_into: (skip)
 * @callable: a #GraftCallable
 * @feed_values: (array) (nullable): one tensor per feed, in the order given
 *   to graft_session_make_callable()
 * @results: (array) (out caller-allocates) (nullable): room for one tensor
 *   per fetch; each receives a new reference
 * @cancellable: (nullable): checked between ops
 * @error: return location for a #GError
 *
 * Runs the prepared plan without allocating anything but the results: the
 * fastest way to run a graph repeatedly from C.
 *
 * Returns: %TRUE on success; on failure @results is untouched
 */
gboolean
graft_callable_run_into (GraftCallable  *callable,
                         GraftTensor   **feed_values,
                         GraftTensor   **results,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_return_val_if_fail (GRAFT_IS_CALLABLE (callable), FALSE);
  g_return_val_if_fail (callable->plan->n_feeds == 0 || feed_values != NULL, FALSE);
  g_return_val_if_fail (callable->plan->n_fetches == 0 || results != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _graft_plan_run (callable->plan, feed_values, results, cancellable, error);
}

/**
 * graft_callable_run_into_tensors: (skip)
 * @callable: a #GraftCallable
 * @feed_values: (array) (nullable): one tensor per feed
 * @outputs: (array): the caller's tensors, one per fetch, as for
 *   graft_session_run_into()
 * @cancellable: (nullable): checked between ops
 * @error: return location for a #GError
 *
 * graft_session_run_into() for a prepared run. C only, as
 * graft_callable_run_into(): the arrays take their lengths from the
 * callable.
 *
 * Returns: %TRUE on success
 */
gboolean
graft_callable_run_into_tensors (GraftCallable  *callable,
                                 GraftTensor   **feed_values,
                                 GraftTensor   **outputs,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  g_return_val_if_fail (GRAFT_IS_CALLABLE (callable), FALSE);
  g_return_val_if_fail (callable->plan->n_feeds == 0 || feed_values != NULL, FALSE);
  g_return_val_if_fail (callable->plan->n_fetches == 0 || outputs != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint i = 0; i < callable->plan->n_fetches; i++)
    g_return_val_if_fail (outputs[i] != NULL, FALSE);

  return _graft_plan_run_into (callable->plan, feed_values, outputs, cancellable, error);
}

/**
 * graft_callable_run:
 * @callable: a #GraftCallable
 * @feed_values: (array length=n_feeds) (nullable): one tensor per feed
 * @n_feeds: the number of feed values; must match the callable's
 * @cancellable: (nullable): checked between ops
 * @n_results: (out): the number of results
 * @error: return location for a #GError
 *
 * Runs the prepared plan.
 *
 * Returns: (array length=n_results) (transfer full) (nullable): one new
 *   tensor per fetch, or %NULL with @error set
 */
GraftTensor **
graft_callable_run (GraftCallable  *callable,
                    GraftTensor   **feed_values,
                    guint           n_feeds,
                    GCancellable   *cancellable,
                    guint          *n_results,
                    GError        **error)
{
  GraftTensor **results;

  g_return_val_if_fail (GRAFT_IS_CALLABLE (callable), NULL);
  g_return_val_if_fail (n_results != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *n_results = 0;
  if (n_feeds != callable->plan->n_feeds)
    {
      g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED,
                   "The callable takes %u feeds, but %u were given", callable->plan->n_feeds, n_feeds);
      return NULL;
    }
  for (guint i = 0; i < n_feeds; i++)
    g_return_val_if_fail (feed_values[i] != NULL, NULL);
  results = g_new0 (GraftTensor *, callable->plan->n_fetches + 1);
  if (!_graft_plan_run (callable->plan, feed_values, results, cancellable, error))
    {
      g_free (results);
      return NULL;
    }
  *n_results = callable->plan->n_fetches;
  return results;
}
