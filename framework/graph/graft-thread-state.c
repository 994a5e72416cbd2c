/* graft-thread-state.c: the per-graph, per-thread scope and name stacks.
 *
 * TensorFlow ≥ 1.10 keeps the current variable scope, the name stack and the
 * default-name counters per graph and per thread, so every thread starts at
 * the root. Graft does the same: each graph maps a thread serial to its
 * state, and a thread-local one-entry cache makes the common case (one
 * thread building one graph) a pointer compare. The variable-scope half of
 * that state belongs to scopes/, which attaches it on first use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/* Serials, not GThread pointers or addresses, identify threads and graphs:
 * both can be reused after they die, serials never are. */
static guint64 serial_counter;

guint64
_graft_next_serial (void)
{
  return __atomic_add_fetch (&serial_counter, 1, __ATOMIC_RELAXED);
}

static GRAFT_TLS guint64 tls_thread_serial;
static GRAFT_TLS struct {
  GraftGraph *graph;
  guint64 graph_serial;
  GraftThreadState *ts;
} tls_cache;

static void
name_frame_clear (gpointer data)
{
  GraftNameFrame *f = data;

  g_free (f->saved_stack);
}

static GraftThreadState *
thread_state_new (GraftGraph *graph,
                  guint64     serial)
{
  GraftThreadState *ts = g_new0 (GraftThreadState, 1);

  ts->thread_serial = serial;
  ts->graph = graph;
  ts->name_stack = g_string_sized_new (64);
  ts->scratch = g_string_sized_new (256);
  ts->name_frames = g_array_new (FALSE, FALSE, sizeof (GraftNameFrame));
  g_array_set_clear_func (ts->name_frames, name_frame_clear);
  return ts;
}

void
_graft_thread_state_free (GraftThreadState *ts)
{
  /* Scope frames restore name stacks: they go first. */
  if (ts->scopes.data != NULL)
    ts->scopes.free (ts->scopes.data);
  g_clear_error (&ts->chain_error);
  g_array_unref (ts->name_frames);
  g_string_free (ts->name_stack, TRUE);
  g_string_free (ts->scratch, TRUE);
  g_free (ts);
}

GraftThreadState *
_graft_graph_thread_state (GraftGraph *graph)
{
  GraftThreadState *ts;

  if (G_LIKELY (tls_cache.graph == graph && tls_cache.graph_serial == graph->serial))
    return tls_cache.ts;

  if (tls_thread_serial == 0)
    tls_thread_serial = _graft_next_serial ();

  g_mutex_lock (&graph->threads_lock);
  ts = g_hash_table_lookup (graph->threads, &tls_thread_serial);
  if (ts == NULL)
    {
      ts = thread_state_new (graph, tls_thread_serial);
      g_hash_table_insert (graph->threads, &ts->thread_serial, ts);
    }
  g_mutex_unlock (&graph->threads_lock);

  tls_cache.graph = graph;
  tls_cache.graph_serial = graph->serial;
  tls_cache.ts = ts;
  return ts;
}
