/* graft-strmap.c: an open-addressing map from strings, for graph names.
 *
 * Every op creation looks names up two or three times; GHashTable's
 * indirections and per-entry allocations would dominate graph building, so
 * names get a flat table with linear probing and stored hashes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "graft-strmap.h"
#include "graft-arena.h"

void
_graft_strmap_init (GraftStrMap *map)
{
  map->mask = 63;
  map->shift = 32 - 6;
  map->n = 0;
  map->entries = _graft_huge_alloc0 (sizeof (GraftStrMapEntry) * (map->mask + 1), &map->mapped);
}

void
_graft_strmap_clear (GraftStrMap *map)
{
  if (map->entries != NULL)
    _graft_huge_free (map->entries, map->mapped);
  map->entries = NULL;
  map->mask = 0;
  map->n = 0;
}

/* Whether a chained stored key spells the first `len` bytes of `key`:
 * compared from the tail up, so different keys part early. */
static gboolean
chain_equal (const char *stored,
             const char *key,
             gsize       len)
{
  while (_graft_strmap_key_is_chain (stored))
    {
      const GraftStrMapChain *c = (const GraftStrMapChain *) ((guintptr) stored & ~(guintptr) 1);

      if (len != (gsize) c->prefix_len + c->tail_len || memcmp (key + c->prefix_len, c->tail, c->tail_len) != 0)
        return FALSE;
      len = c->prefix_len;
      stored = c->prefix;
    }
  return strncmp (stored, key, len) == 0 && stored[len] == '\0';
}

GraftStrMapEntry *
_graft_strmap_lookup (const GraftStrMap *map,
                      const char        *key,
                      guint32            hash)
{
  for (guint32 i = _graft_strmap_slot (map, hash);; i = (i + 1) & map->mask)
    {
      GraftStrMapEntry *e = &map->entries[i];

      if (e->hash == 0)
        return NULL;
      if (e->hash == hash &&
          (G_LIKELY (!_graft_strmap_key_is_chain (e->key)) ? strcmp (e->key, key) == 0
                                                          : chain_equal (e->key, key, strlen (key))))
        return e;
    }
}

/* The same, for the first `len` bytes of `key`. */
GraftStrMapEntry *
_graft_strmap_lookup_n (const GraftStrMap *map,
                        const char        *key,
                        gsize              len,
                        guint32            hash)
{
  for (guint32 i = _graft_strmap_slot (map, hash);; i = (i + 1) & map->mask)
    {
      GraftStrMapEntry *e = &map->entries[i];

      if (e->hash == 0)
        return NULL;
      if (e->hash == hash &&
          (G_LIKELY (!_graft_strmap_key_is_chain (e->key)) ? strncmp (e->key, key, len) == 0 && e->key[len] == '\0'
                                                          : chain_equal (e->key, key, len)))
        return e;
    }
}

static void
grow (GraftStrMap *map)
{
  GraftStrMapEntry *old = map->entries;
  guint32 old_cap = map->mask + 1;
  gsize old_mapped = map->mapped;

  /* Big tables get huge pages: look-ups land anywhere in them, and a TLB
   * miss per look-up would double their cost. */
  map->mask = old_cap * 2 - 1;
  map->shift--;
  map->entries = _graft_huge_alloc0 (sizeof (GraftStrMapEntry) * old_cap * 2, &map->mapped);
  for (guint32 j = 0; j < old_cap; j++)
    {
      guint32 i;

      if (old[j].hash == 0)
        continue;
      for (i = _graft_strmap_slot (map, old[j].hash); map->entries[i].hash != 0; i = (i + 1) & map->mask)
        ;
      map->entries[i] = old[j];
    }
  _graft_huge_free (old, old_mapped);
}

/* The key must not be present yet. */
GraftStrMapEntry *
_graft_strmap_insert (GraftStrMap *map,
                      const char  *key,
                      guint32      hash)
{
  guint32 i;

  /* Keep the load under 3/4 so probes stay short. */
  if ((map->n + 1) * 4 > (map->mask + 1) * 3)
    grow (map);
  for (i = _graft_strmap_slot (map, hash); map->entries[i].hash != 0; i = (i + 1) & map->mask)
    ;
  map->entries[i].key = key;
  map->entries[i].hash = hash;
  map->entries[i].count = 0;
  map->entries[i].value = NULL;
  map->n++;
  return &map->entries[i];
}

gsize
_graft_strmap_footprint (const GraftStrMap *map)
{
  return sizeof (GraftStrMapEntry) * (map->mask + 1);
}
