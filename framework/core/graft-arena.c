/* graft-arena.c: a bump allocator whose blocks never move.
 *
 * Graph records (nodes, outputs, inputs, attribute values, names) are only
 * ever freed all together with their graph, so a bump allocator gives them
 * stable addresses at the cost of a pointer increment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* MAP_ANONYMOUS, madvise */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "graft-arena.h"

struct _GraftArenaChunk {
  GraftArenaChunk *next;
  gsize size;                   /* usable bytes after the header */
  gsize mapped;                 /* bytes mapped, or 0 for malloc'd chunks */
  gsize pad;
  guint8 data[];
};

/* Chunks grow geometrically (×4) up to this size so that small graphs stay
 * small and big ones pay few allocations. */
#define MIN_CHUNK (4 * 1024)
#define MAX_CHUNK (4 * 1024 * 1024)

/* Chunks of dead graphs are kept for the next graph, up to this many
 * bytes: their pages are already faulted in. A first touch costs several
 * microseconds on virtual machines, more than building an op. */
#define CACHE_LIMIT (64 * 1024 * 1024)
#define CACHE_MIN_CHUNK (64 * 1024)

static GMutex cache_lock;
static GraftArenaChunk *cache;
static gsize cache_bytes;

/* Large chunks are mapped on 2 MiB boundaries and offered to transparent
 * huge pages: building a big graph is otherwise dominated by first-touch
 * page faults (one per 4 KiB), which a virtual machine makes expensive. */
#define HUGE_PAGE (2 * 1024 * 1024)

/* Zeroed memory of `size` bytes; large blocks are mapped on huge-page
 * boundaries (see above). `*mapped` receives what _graft_huge_free needs. */
gpointer
_graft_huge_alloc0 (gsize  size,
                    gsize *mapped)
{
  if (size >= HUGE_PAGE)
    {
      gsize len = (size + HUGE_PAGE - 1) & ~(gsize) (HUGE_PAGE - 1);
      guint8 *raw = mmap (NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

      if (raw != MAP_FAILED)
        {
          guint8 *aligned = (guint8 *) (((gsize) raw + HUGE_PAGE - 1) & ~(gsize) (HUGE_PAGE - 1));

          if (aligned > raw)
            munmap (raw, aligned - raw);
          if (aligned + len < raw + len + HUGE_PAGE)
            munmap (aligned + len, raw + len + HUGE_PAGE - (aligned + len));
#ifdef MADV_HUGEPAGE
          madvise (aligned, len, MADV_HUGEPAGE);
#endif
          *mapped = len;
          return aligned;
        }
    }
  *mapped = 0;
  return g_malloc0 (size);
}

void
_graft_huge_free (gpointer p,
                  gsize    mapped)
{
  if (mapped)
    munmap (p, mapped);
  else
    g_free (p);
}

static GraftArenaChunk *
chunk_new (gsize want)
{
  GraftArenaChunk *c, **link;
  gsize mapped;

  if (want >= CACHE_MIN_CHUNK)
    {
      g_mutex_lock (&cache_lock);
      for (link = &cache; *link != NULL; link = &(*link)->next)
        if ((*link)->size >= want)
          {
            c = *link;
            *link = c->next;
            cache_bytes -= c->size;
            g_mutex_unlock (&cache_lock);
            return c;
          }
      g_mutex_unlock (&cache_lock);
    }

  c = _graft_huge_alloc0 (sizeof (GraftArenaChunk) + want, &mapped);
  c->size = mapped ? mapped - sizeof (GraftArenaChunk) : want;
  c->mapped = mapped;
  return c;
}

static void
chunk_free (GraftArenaChunk *c)
{
  if (c->size >= CACHE_MIN_CHUNK)
    {
      g_mutex_lock (&cache_lock);
      if (cache_bytes + c->size <= CACHE_LIMIT)
        {
          c->next = cache;
          cache = c;
          cache_bytes += c->size;
          c = NULL;
        }
      g_mutex_unlock (&cache_lock);
      if (c == NULL)
        return;
    }
  _graft_huge_free (c, c->mapped);
}

void
_graft_arena_init (GraftArena *arena)
{
  memset (arena, 0, sizeof *arena);
}

void
_graft_arena_clear (GraftArena *arena)
{
  GraftArenaChunk *c = arena->chunk;

  while (c != NULL)
    {
      GraftArenaChunk *next = c->next;
      chunk_free (c);
      c = next;
    }
  memset (arena, 0, sizeof *arena);
}

void *
_graft_arena_alloc_slow (GraftArena *arena,
                         gsize       size)
{
  GraftArenaChunk *c;
  gsize want = arena->chunk ? MIN (arena->chunk->size * 4, MAX_CHUNK) : MIN_CHUNK;

  if (want < size)
    want = size;
  c = chunk_new (want);
  c->next = arena->chunk;
  arena->chunk = c;
  arena->pos = c->data + size;
  arena->end = c->data + c->size;
  arena->allocated += size;
  return c->data;
}

char *
_graft_arena_strndup (GraftArena *arena,
                      const char *s,
                      gsize       len)
{
  char *p = _graft_arena_alloc (arena, len + 1);

  memcpy (p, s, len);
  p[len] = '\0';
  return p;
}
