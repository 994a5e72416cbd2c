/* graft-blocks.c: a session's pool of warm memory blocks for the tensors
 * its runs return.
 *
 * A fetched value is copied out of the run's arena into fresh memory, and
 * fresh memory of a few megabytes comes from mmap: the copy then takes a
 * page fault every 4 KiB, which costs more than the copy itself (a 64 MB
 * result: 16384 faults). The pool keeps blocks the caller has dropped and
 * hands them out again, already mapped; blocks of 2 MiB and more are
 * mapped 2 MiB-aligned with MADV_HUGEPAGE, so that even a first use faults
 * once per 2 MiB where the kernel grants huge pages.
 *
 * Blocks are returned through the GBytes that owns a tensor's data: its
 * free function puts the block back, from whatever thread drops the last
 * reference. The pool is reference counted apart from its session: every
 * block out holds a reference, so a result may outlive its session; once
 * the session has closed the pool (or died), returned blocks are freed.
 * Small blocks are left to malloc, which recycles them well.
 *
 * Sizes are rounded up to a class: four classes per power of two, at most
 * 25% waste. Each class keeps a few idle blocks, and the pool at most
 * GRAFT_BLOCKS_MAX_IDLE bytes, so an idle session holds a bounded amount.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-runtime-private.h"

#ifdef G_OS_UNIX
#include <sys/mman.h>
#endif

#define MIN_POOLED (64 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)
#define N_CLASSES 160                   /* blocks up to 2^55 bytes */
#define MAX_IDLE_PER_CLASS 4
#define GRAFT_BLOCKS_MAX_IDLE ((gsize) 1 << 30)

struct _GraftBlocks {
  gint ref_count;
  GMutex lock;
  gboolean closed;
  gsize idle_bytes;
  GPtrArray *idle[N_CLASSES];           /* Block *, per class */
};

typedef struct {
  GraftBlocks *pool;
  guint8 *data;
  gsize size;                           /* the class size */
  guint cls;
  gboolean mapped;
} Block;

/* The class of `n` bytes (n >= MIN_POOLED), and its size; classes from
 * N_CLASSES on are not pooled. */
static guint
size_class (gsize  n,
            gsize *class_size)
{
  guint log2 = g_bit_storage (n - 1) - 1;       /* 2^log2 < n <= 2^(log2 + 1) */
  gsize base = (gsize) 1 << log2;
  gsize quarter = base / 4;
  guint q = (guint) ((n - base + quarter - 1) / quarter);   /* 1..4 */

  *class_size = base + q * quarter;
  return (log2 - 15) * 4 + (q - 1);
}

/* GRAFT_RESULT_POOL=0 leaves every block to malloc, as before the pool
 * (for comparing, and for memory checkers that should see every block). */
static gboolean
pool_enabled (void)
{
  static gsize once = 0;
  static gboolean enabled;

  if (g_once_init_enter (&once))
    {
      enabled = g_strcmp0 (g_getenv ("GRAFT_RESULT_POOL"), "0") != 0;
      g_once_init_leave (&once, 1);
    }
  return enabled;
}

GraftBlocks *
_graft_blocks_new (void)
{
  GraftBlocks *pool = g_new0 (GraftBlocks, 1);

  pool->ref_count = 1;
  pool->closed = !pool_enabled ();
  g_mutex_init (&pool->lock);
  return pool;
}

static GraftBlocks *
blocks_ref (GraftBlocks *pool)
{
  g_atomic_int_inc (&pool->ref_count);
  return pool;
}

static void
block_free (Block *b)
{
#ifdef G_OS_UNIX
  if (b->mapped)
    munmap (b->data, b->size);
  else
#endif
    g_free (b->data);
  g_free (b);
}

static void
drop_idle (GraftBlocks *pool)
{
  for (guint c = 0; c < N_CLASSES; c++)
    {
      if (pool->idle[c] == NULL)
        continue;
      for (guint i = 0; i < pool->idle[c]->len; i++)
        block_free (g_ptr_array_index (pool->idle[c], i));
      g_clear_pointer (&pool->idle[c], g_ptr_array_unref);
    }
  pool->idle_bytes = 0;
}

void
_graft_blocks_unref (GraftBlocks *pool)
{
  if (!g_atomic_int_dec_and_test (&pool->ref_count))
    return;
  drop_idle (pool);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

/* The session is closing or dying: idle blocks go now, blocks still out
 * are freed when they come back. */
void
_graft_blocks_close (GraftBlocks *pool)
{
  g_mutex_lock (&pool->lock);
  pool->closed = TRUE;
  drop_idle (pool);
  g_mutex_unlock (&pool->lock);
}

static void
block_return (gpointer data)
{
  Block *b = data;
  GraftBlocks *pool = b->pool;
  gboolean keep;

  g_mutex_lock (&pool->lock);
  keep = !pool->closed && b->cls < N_CLASSES && pool->idle_bytes + b->size <= GRAFT_BLOCKS_MAX_IDLE &&
         (pool->idle[b->cls] == NULL || pool->idle[b->cls]->len < MAX_IDLE_PER_CLASS);
  if (keep)
    {
      if (pool->idle[b->cls] == NULL)
        pool->idle[b->cls] = g_ptr_array_new ();
      g_ptr_array_add (pool->idle[b->cls], b);
      pool->idle_bytes += b->size;
    }
  g_mutex_unlock (&pool->lock);
  if (!keep)
    block_free (b);
  _graft_blocks_unref (pool);
}

/* Fresh memory for a block of `size` bytes, or NULL. */
static guint8 *
block_map (gsize     size,
           gboolean *mapped)
{
#if defined (G_OS_UNIX) && defined (MAP_ANONYMOUS)
  if (size >= HUGE_PAGE && size % HUGE_PAGE == 0)
    {
      /* Over-map by a huge page and trim to a 2 MiB-aligned range. */
      guint8 *p = mmap (NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      guint8 *aligned;

      if (p == MAP_FAILED)
        return NULL;
      aligned = (guint8 *) (((guintptr) p + HUGE_PAGE - 1) & ~(guintptr) (HUGE_PAGE - 1));
      if (aligned > p)
        munmap (p, aligned - p);
      if (aligned + size < p + size + HUGE_PAGE)
        munmap (aligned + size, (p + size + HUGE_PAGE) - (aligned + size));
#ifdef MADV_HUGEPAGE
      madvise (aligned, size, MADV_HUGEPAGE);
#endif
      *mapped = TRUE;
      return aligned;
    }
#endif
  *mapped = FALSE;
  return g_try_malloc (size);
}

/* `n` bytes owned by a GBytes whose last unref gives them back to the pool;
 * NULL when memory is exhausted. `*data` receives the writable bytes. */
GBytes *
_graft_blocks_alloc (GraftBlocks *pool,
                     gsize        n,
                     guint8     **data)
{
  gsize class_size;
  guint cls;
  Block *b = NULL;

  if (n < MIN_POOLED || pool->closed || (cls = size_class (n, &class_size)) >= N_CLASSES)
    {
      *data = g_try_malloc (n ? n : 1);
      return *data ? g_bytes_new_take (*data, n) : NULL;
    }
  /* Classes of at least a huge page are whole huge pages. */
  if (class_size >= HUGE_PAGE)
    class_size = (class_size + HUGE_PAGE - 1) & ~(gsize) (HUGE_PAGE - 1);
  g_mutex_lock (&pool->lock);
  if (pool->idle[cls] != NULL && pool->idle[cls]->len > 0)
    {
      b = g_ptr_array_steal_index_fast (pool->idle[cls], pool->idle[cls]->len - 1);
      pool->idle_bytes -= b->size;
    }
  g_mutex_unlock (&pool->lock);
  if (b == NULL)
    {
      gboolean mapped;
      guint8 *p = block_map (class_size, &mapped);

      if (p == NULL)
        return NULL;
      b = g_new0 (Block, 1);
      b->data = p;
      b->size = class_size;
      b->cls = cls;
      b->mapped = mapped;
    }
  b->pool = blocks_ref (pool);
  *data = b->data;
  return g_bytes_new_with_free_func (b->data, n, block_return, b);
}
