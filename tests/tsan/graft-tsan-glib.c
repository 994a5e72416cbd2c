/* graft-tsan-glib.c: makes GLib's synchronisation visible to ThreadSanitizer.
 *
 * GLib's mutexes, rw-locks, conditions, g_once and reference counts are
 * futexes and atomics inside libglib/libgobject, which are not built with
 * -fsanitize=thread: TSan sees neither side of the happens-before edge they
 * create and reports races that cannot happen. This module, preloaded into
 * the test programs of the TSan build (`meson test --setup=tsan`), wraps the
 * entry points Graft calls: each calls the real function (dlsym RTLD_NEXT)
 * and tells TSan what it did with __tsan_acquire()/__tsan_release() on the
 * address of the lock, condition or object.
 *
 * Only calls that go through the dynamic linker are seen, that is calls
 * from Graft and its plugins and tests; calls GLib makes to itself are not,
 * which is what tests/tsan/tsan.supp is for.
 *
 * Built in the TSan build only (tests/meson.build).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-object.h>
#include <sanitizer/tsan_interface.h>

/* Looks up the next definition of a symbol once; a missing one is fatal,
 * since carrying on would call through NULL. */
static void *
next_symbol (const char *name)
{
  void *sym = dlsym (RTLD_NEXT, name);

  if (sym == NULL)
    {
      fprintf (stderr, "graft-tsan-glib: %s not found: %s\n", name, dlerror ());
      abort ();
    }
  return sym;
}

/* REAL(name) is the wrapped function's next definition, cached in a
 * function-local static (racy to fill, but every thread writes the same
 * value, through an atomic so that TSan agrees). */
#define REAL(name)                                                          \
  ({                                                                        \
    static __typeof__ (&name) real_##name;                                  \
    __typeof__ (&name) fn_ = __atomic_load_n (&real_##name, __ATOMIC_ACQUIRE); \
    if (fn_ == NULL)                                                        \
      {                                                                     \
        fn_ = (__typeof__ (&name)) next_symbol (#name);                     \
        __atomic_store_n (&real_##name, fn_, __ATOMIC_RELEASE);             \
      }                                                                     \
    fn_;                                                                    \
  })

/* ---- GMutex ---- */

void
g_mutex_lock (GMutex *mutex)
{
  REAL (g_mutex_lock) (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  gboolean locked = REAL (g_mutex_trylock) (mutex);

  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_mutex_unlock (GMutex *mutex)
{
  __tsan_release (mutex);
  REAL (g_mutex_unlock) (mutex);
}

/* ---- GRecMutex ---- */

void
g_rec_mutex_lock (GRecMutex *mutex)
{
  REAL (g_rec_mutex_lock) (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_rec_mutex_trylock (GRecMutex *mutex)
{
  gboolean locked = REAL (g_rec_mutex_trylock) (mutex);

  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_rec_mutex_unlock (GRecMutex *mutex)
{
  __tsan_release (mutex);
  REAL (g_rec_mutex_unlock) (mutex);
}

/* ---- GRWLock ----
 * Readers release too, so a writer that follows them is ordered after
 * their reads; readers acquiring what earlier readers released is more
 * order than the lock gives, but only between reads. */

void
g_rw_lock_writer_lock (GRWLock *lock)
{
  REAL (g_rw_lock_writer_lock) (lock);
  __tsan_acquire (lock);
}

gboolean
g_rw_lock_writer_trylock (GRWLock *lock)
{
  gboolean locked = REAL (g_rw_lock_writer_trylock) (lock);

  if (locked)
    __tsan_acquire (lock);
  return locked;
}

void
g_rw_lock_writer_unlock (GRWLock *lock)
{
  __tsan_release (lock);
  REAL (g_rw_lock_writer_unlock) (lock);
}

void
g_rw_lock_reader_lock (GRWLock *lock)
{
  REAL (g_rw_lock_reader_lock) (lock);
  __tsan_acquire (lock);
}

gboolean
g_rw_lock_reader_trylock (GRWLock *lock)
{
  gboolean locked = REAL (g_rw_lock_reader_trylock) (lock);

  if (locked)
    __tsan_acquire (lock);
  return locked;
}

void
g_rw_lock_reader_unlock (GRWLock *lock)
{
  __tsan_release (lock);
  REAL (g_rw_lock_reader_unlock) (lock);
}

/* ---- GCond: waiting gives the mutex up and takes it back ---- */

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  __tsan_release (mutex);
  REAL (g_cond_wait) (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  gboolean signalled;

  __tsan_release (mutex);
  signalled = REAL (g_cond_wait_until) (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* ---- g_once ----
 * g_once_init_enter() is a macro whose fast path is an atomic load in the
 * caller's (instrumented) code; TSan makes that load acquire whatever was
 * released on the same address, so releasing in g_once_init_leave() covers
 * it. The slow path is the function below. */

gboolean
(g_once_init_enter) (volatile void *location)
{
  gboolean enter = REAL (g_once_init_enter) (location);

  if (!enter)
    __tsan_acquire ((void *) location);
  return enter;
}

void
(g_once_init_leave) (volatile void *location,
                     gsize          result)
{
  __tsan_release ((void *) location);
  REAL (g_once_init_leave) (location, result);
}

gpointer
g_once_impl (GOnce       *once,
             GThreadFunc  func,
             gpointer     arg)
{
  gpointer result;

  /* Whoever runs func releases after it; everyone acquires on return. */
  result = REAL (g_once_impl) (once, func, arg);
  __tsan_release (once);
  __tsan_acquire (once);
  return result;
}

/* ---- reference counts ----
 * The last unref frees what every other holder may have written to. TSan
 * cannot see the atomic decrement inside GLib, so each unref releases on
 * the object and then acquires it: the one that frees is ordered after
 * every earlier unref. (It also orders non-final unrefs after each other,
 * more than the count gives; only between threads dropping the same
 * object.) */

#define RELEASE_THEN_ACQUIRE(p)          \
  G_STMT_START {                         \
    __tsan_release ((void *) (p));       \
    __tsan_acquire ((void *) (p));       \
  } G_STMT_END

void
g_object_unref (gpointer object)
{
  if (object != NULL)
    RELEASE_THEN_ACQUIRE (object);
  REAL (g_object_unref) (object);
}

void
g_hash_table_unref (GHashTable *table)
{
  RELEASE_THEN_ACQUIRE (table);
  REAL (g_hash_table_unref) (table);
}

void
g_ptr_array_unref (GPtrArray *array)
{
  RELEASE_THEN_ACQUIRE (array);
  REAL (g_ptr_array_unref) (array);
}

void
g_array_unref (GArray *array)
{
  RELEASE_THEN_ACQUIRE (array);
  REAL (g_array_unref) (array);
}

void
g_bytes_unref (GBytes *bytes)
{
  if (bytes != NULL)
    RELEASE_THEN_ACQUIRE (bytes);
  REAL (g_bytes_unref) (bytes);
}

void
g_variant_unref (GVariant *value)
{
  RELEASE_THEN_ACQUIRE (value);
  REAL (g_variant_unref) (value);
}

void
g_closure_unref (GClosure *closure)
{
  RELEASE_THEN_ACQUIRE (closure);
  REAL (g_closure_unref) (closure);
}

gboolean
g_atomic_ref_count_dec (gatomicrefcount *arc)
{
  gboolean last;

  __tsan_release (arc);
  last = REAL (g_atomic_ref_count_dec) (arc);
  if (last)
    __tsan_acquire (arc);
  return last;
}

void
g_atomic_rc_box_release_full (gpointer       mem_block,
                              GDestroyNotify clear_func)
{
  RELEASE_THEN_ACQUIRE (mem_block);
  REAL (g_atomic_rc_box_release_full) (mem_block, clear_func);
}

void
g_atomic_rc_box_release (gpointer mem_block)
{
  /* Not forwarded to g_atomic_rc_box_release_full(): GLib's own call to
   * it would not come back here, and the annotation belongs to this
   * address either way. */
  RELEASE_THEN_ACQUIRE (mem_block);
  REAL (g_atomic_rc_box_release) (mem_block);
}
