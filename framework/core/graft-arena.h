/* graft-arena.h: a bump allocator whose blocks never move.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GraftArenaChunk GraftArenaChunk;

typedef struct {
  GraftArenaChunk *chunk;       /* the chunk being filled; older ones chain */
  guint8 *pos;
  guint8 *end;
  gsize allocated;              /* bytes handed out, for the memory figures */
} GraftArena;

void   _graft_arena_init    (GraftArena *arena);
void   _graft_arena_clear   (GraftArena *arena);
void  *_graft_arena_alloc_slow (GraftArena *arena, gsize size);
char  *_graft_arena_strndup (GraftArena *arena, const char *s, gsize len);
gpointer _graft_huge_alloc0 (gsize size, gsize *mapped);
void   _graft_huge_free     (gpointer p, gsize mapped);

/* Allocations are 8-byte aligned; everything stored in graphs needs no more. */
static inline void *
_graft_arena_alloc (GraftArena *arena,
                    gsize       size)
{
  guint8 *p;

  size = (size + 7) & ~(gsize) 7;
  if (G_UNLIKELY ((gsize) (arena->end - arena->pos) < size))
    return _graft_arena_alloc_slow (arena, size);
  p = arena->pos;
  arena->pos += size;
  arena->allocated += size;
  return p;
}

G_END_DECLS
