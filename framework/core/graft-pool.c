/* graft-pool.c: the persistent thread pool of a session.
 *
 * GThreadPool parks idle threads on a condition variable; waking one takes
 * tens of microseconds on a virtual machine, as long as a whole layer of a
 * small model. These workers spin for a short while after their last task
 * (like OpenMP's and OpenBLAS's), so back-to-back parallel regions find
 * them awake, and only then sleep.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-pool.h"

/* How long an idle worker keeps looking for work before it sleeps. */
#define SPIN_US 200

typedef struct {
  GFunc func;
  gpointer data;
} Task;

struct _GraftPool {
  gint ref_count;
  GMutex lock;
  GCond cond;
  GQueue tasks;                 /* Task, guarded by lock */
  gint pending;                 /* atomic: tasks queued */
  gboolean quit;
  guint n_threads;
  GThread **threads;
};

static inline void
cpu_relax (void)
{
#if defined (__x86_64__) || defined (__i386__)
  __builtin_ia32_pause ();
#elif defined (__aarch64__)
  __asm__ __volatile__ ("yield");
#endif
}

static gpointer
worker (gpointer data)
{
  GraftPool *pool = data;

  for (;;)
    {
      Task *task;
      gint64 until = 0;

      /* Spin on the counter, not the lock, so a busy submitter is not
       * slowed down by idle workers. */
      for (guint spins = 0; g_atomic_int_get (&pool->pending) == 0; spins++)
        {
          if ((spins & 63) == 0)
            {
              gint64 now = g_get_monotonic_time ();
              if (until == 0)
                until = now + SPIN_US;
              else if (now >= until)
                break;
            }
          cpu_relax ();
        }

      g_mutex_lock (&pool->lock);
      while (g_queue_is_empty (&pool->tasks) && !pool->quit)
        g_cond_wait (&pool->cond, &pool->lock);
      if (g_queue_is_empty (&pool->tasks))
        {
          g_mutex_unlock (&pool->lock);
          return NULL;
        }
      task = g_queue_pop_head (&pool->tasks);
      g_atomic_int_dec_and_test (&pool->pending);
      g_mutex_unlock (&pool->lock);

      task->func (task->data, NULL);
      g_free (task);
    }
}

GraftPool *
_graft_pool_new (guint n_threads)
{
  GraftPool *pool = g_new0 (GraftPool, 1);

  pool->ref_count = 1;
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->cond);
  g_queue_init (&pool->tasks);
  pool->threads = g_new0 (GThread *, n_threads + 1);
  /* g_thread_new() aborts when the system refuses a thread (a limit on
   * processes, memory for stacks); a pool runs with the threads it got
   * instead, and with none runs its tasks on the submitting thread. */
  for (guint i = 0; i < n_threads; i++)
    {
      g_autoptr(GError) error = NULL;
      GThread *thread = g_thread_try_new ("graft-worker", worker, pool, &error);

      if (thread == NULL)
        {
          g_debug ("thread pool: %u of %u threads created: %s", i, n_threads, error->message);
          break;
        }
      pool->threads[pool->n_threads++] = thread;
    }
  return pool;
}

GraftPool *
_graft_pool_ref (GraftPool *pool)
{
  g_atomic_int_inc (&pool->ref_count);
  return pool;
}

/* The last reference lets the workers finish every queued task, then joins
 * them: a task pushed before is always run. */
void
_graft_pool_unref (GraftPool *pool)
{
  if (!g_atomic_int_dec_and_test (&pool->ref_count))
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
  for (guint i = 0; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->cond);
  g_free (pool);
}

guint
_graft_pool_get_n_threads (GraftPool *pool)
{
  return pool->n_threads;
}

void
_graft_pool_push (GraftPool *pool,
                  GFunc      func,
                  gpointer   data,
                  guint      copies)
{
  /* Without workers, a task runs now: callers wait for their tasks, and
   * every task Graft pushes can do the whole job alone. */
  if (pool->n_threads == 0)
    {
      for (guint i = 0; i < copies; i++)
        func (data, NULL);
      return;
    }
  g_mutex_lock (&pool->lock);
  for (guint i = 0; i < copies; i++)
    {
      Task *task = g_new (Task, 1);

      task->func = func;
      task->data = data;
      g_queue_push_tail (&pool->tasks, task);
      g_atomic_int_inc (&pool->pending);
    }
  if (copies == 1)
    g_cond_signal (&pool->cond);
  else if (copies > 1)
    g_cond_broadcast (&pool->cond);
  g_mutex_unlock (&pool->lock);
}
