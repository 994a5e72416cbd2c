/* graft-arena.c: a bump allocator whose blocks never move.
 *
 * Graph records (nodes, outputs, inputs, attribute values, names) are only
 * ever freed all together with their graph, so a bump allocator gives them
 * stable addresses at the cost of a pointer increment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "graft-arena.h"

struct _GraftArenaChunk {
  GraftArenaChunk *next;
  gsize size;
  guint8 data[];
};

/* Chunks grow geometrically up to this size so that small graphs stay small
 * and big ones pay few mallocs. */
#define MIN_CHUNK (4 * 1024)
#define MAX_CHUNK (1024 * 1024)

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
      g_free (c);
      c = next;
    }
  memset (arena, 0, sizeof *arena);
}

void *
_graft_arena_alloc_slow (GraftArena *arena,
                         gsize       size)
{
  GraftArenaChunk *c;
  gsize want = arena->chunk ? MIN (arena->chunk->size * 2, MAX_CHUNK) : MIN_CHUNK;

  if (want < size)
    want = size;
  c = g_malloc (sizeof (GraftArenaChunk) + want);
  c->size = want;
  c->next = arena->chunk;
  arena->chunk = c;
  arena->pos = c->data + size;
  arena->end = c->data + want;
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

gsize
_graft_arena_footprint (const GraftArena *arena)
{
  gsize total = 0;

  for (GraftArenaChunk *c = arena->chunk; c != NULL; c = c->next)
    total += sizeof (GraftArenaChunk) + c->size;
  return total;
}
