/* graft-strmap.h: an open-addressing map from strings, for graph names.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Keys are not copied: the caller keeps them alive (graphs keep them in
 * their arena). `count` and `value` are the caller's. */
typedef struct {
  const char *key;
  guint32 hash;
  guint32 count;
  gpointer value;
} GraftStrMapEntry;

/* A key may also be a chain: another stored key and a tail, tagged by the
 * low bit of `key`. Deep name scopes store their keys so, each extending its
 * parent's: N nested scopes then keep O(N) bytes of keys, not O(N²). Such a
 * key is not a C string; _graft_strmap_key_is_chain() tells. */
typedef struct {
  const char *prefix;           /* a stored key, itself maybe a chain */
  guint32 prefix_len;
  guint32 tail_len;
  char tail[];
} GraftStrMapChain;

static inline gboolean
_graft_strmap_key_is_chain (const char *key)
{
  return ((guintptr) key & 1) != 0;
}

typedef struct {
  GraftStrMapEntry *entries;
  guint32 mask;                 /* capacity - 1; capacity is a power of two */
  guint32 shift;                /* 32 - log2 (capacity) */
  guint32 n;
  gsize mapped;                 /* the table's mapping, 0 if malloc'd */
} GraftStrMap;

/* Fibonacci hashing: the slot comes from the high bits of hash × 2^32/φ,
 * which spreads keys that differ only in their last characters ("add_17",
 * "add_18") across the table. */
static inline guint32
_graft_strmap_slot (const GraftStrMap *map,
                    guint32            hash)
{
  return (hash * 2654435769u) >> map->shift;
}

void              _graft_strmap_init   (GraftStrMap *map);
void              _graft_strmap_clear  (GraftStrMap *map);
GraftStrMapEntry *_graft_strmap_lookup (const GraftStrMap *map, const char *key, guint32 hash);
GraftStrMapEntry *_graft_strmap_lookup_n (const GraftStrMap *map, const char *key, gsize len, guint32 hash);
GraftStrMapEntry *_graft_strmap_insert (GraftStrMap *map, const char *key, guint32 hash);
gsize             _graft_strmap_footprint (const GraftStrMap *map);

/* FNV-1a: names are short, so a byte loop beats anything clever. */
static inline guint32
_graft_str_hash (const char *s,
                 gsize       len)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    h = (h ^ (guint8) s[i]) * 16777619u;
  return h ? h : 1;             /* 0 marks an empty slot */
}

G_END_DECLS
