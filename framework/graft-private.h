/* graft-private.h: what framework/ and scopes/ share and nobody else sees.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include "graft.h"
#include "graft-arena.h"
#include "graft-strmap.h"

G_BEGIN_DECLS

/* Thread-local variables on hot paths. The initial-exec model reads them
 * straight from the thread pointer instead of calling __tls_get_addr (a
 * shared library's default); the few dozen bytes Graft uses fit in the
 * static TLS space glibc keeps for libraries loaded later with dlopen
 * (as bindings load Graft). */
#define GRAFT_TLS _Thread_local __attribute__ ((tls_model ("initial-exec")))

/* Ranks beyond this are refused; it keeps per-op scratch space on the stack. */
#define GRAFT_MAX_RANK 32

/* Canonical collection keys (TensorFlow's GraphKeys values). */
#define GRAFT_COLLECTION_GLOBAL_VARIABLES "variables"
#define GRAFT_COLLECTION_TRAINABLE_VARIABLES "trainable_variables"
#define GRAFT_COLLECTION_LOCAL_VARIABLES "local_variables"
#define GRAFT_COLLECTION_REGULARIZATION_LOSSES "regularization_losses"

/* GString appends that do not call into GLib when the buffer has room:
 * naming an op appends three or four times. */
static inline void
_graft_gstring_append (GString    *s,
                       const char *data,
                       gsize       n)
{
  if (G_LIKELY (s->len + n < s->allocated_len))
    {
      memcpy (s->str + s->len, data, n);
      s->len += n;
      s->str[s->len] = '\0';
    }
  else
    g_string_append_len (s, data, n);
}

static inline void
_graft_gstring_clear (GString *s)
{
  s->len = 0;
  s->str[0] = '\0';
}

/* ---- shapes on raw (rank, dims) pairs ---- */
gboolean    _graft_dims_fully_defined (gint rank, const gint64 *dims);
gint64      _graft_dims_num_elements  (gint rank, const gint64 *dims);
gboolean    _graft_dims_compatible    (gint rank_a, const gint64 *a, gint rank_b, const gint64 *b);
void        _graft_dims_format        (GString *s, gint rank, const gint64 *dims);
GraftShape *_graft_shape_new_from_dims (gint rank, const gint64 *dims);
const gint64 *_graft_shape_dims       (const GraftShape *shape);

/* ---- attribute values ---- */

/* One value per attribute of the op definition, in signature order. The
 * graph owns what pointers refer to (arena memory, or a reference on a
 * shape/tensor released when the graph dies). */
typedef union {
  gint64 i;
  double f;
  gboolean b;
  GraftDType type;
  const char *s;
  GraftShape *shape;
  GraftTensor *tensor;
  struct {
    const void *v;
    gsize n;
  } list;
} GraftAttrValue;

/* ---- nodes ---- */

typedef struct _GraftNode GraftNode;

/* A graph output, and the public handle of an op (index 0 of a node exists
 * even for ops without outputs, see GraftNode.n_outputs). Records never move:
 * they live in the graph's arena, so handles are plain pointers. */
struct _GraftOutput {
  GraftNode *node;
  guint32 index;
  guint8 dtype;
  gint8 rank;
  guint16 reserved;
  const gint64 *dims;
};

/* A node is one arena block: the record, then its output records (at
 * least one: the op's handle), input pointers, attribute values, control
 * inputs, output dims and name. The parts after the record are found by
 * arithmetic, which keeps the record at 48 bytes. Building an op is an
 * append, not an object. */
struct _GraftNode {
  GraftGraph *graph;
  const GraftOpDef *def;
  const char *name;
  GraftNode **control_inputs;
  guint32 id;
  guint16 n_inputs;
  guint16 n_outputs;
  guint16 n_control_inputs;
  guint16 flags;
};

static inline GraftOutput *
_graft_node_outputs (const GraftNode *node)
{
  return (GraftOutput *) (node + 1);
}

static inline GraftOutput **
_graft_node_inputs (const GraftNode *node)
{
  return (GraftOutput **) (_graft_node_outputs (node) + MAX (node->n_outputs, 1));
}

static inline GraftAttrValue *
_graft_node_attrs (const GraftNode *node)
{
  return (GraftAttrValue *) (_graft_node_inputs (node) + node->n_inputs);
}

/* ---- per-thread state of a graph ---- */

typedef struct {
  char *saved_stack;            /* the name stack to restore on exit */
  guint64 serial;               /* identifies the handle that opened it */
} GraftNameFrame;

typedef struct {
  GraftScope *scope;            /* the entered scope (owned reference) */
  GraftScope *previous;         /* current scope before entry (owned) */
  GHashTable *snapshot;         /* counters saved on by-object entry */
  guint name_depth;             /* name frames present before entry */
  guint64 name_serial;          /* serial of our own name frame, or 0 */
} GraftScopeFrame;

typedef struct {
  guint64 thread_serial;
  GString *name_stack;          /* "" at the root, no trailing '/' */
  GArray *name_frames;          /* GraftNameFrame */
  GArray *scope_frames;         /* GraftScopeFrame */
  GraftScope *root_scope;
  GraftScope *current_scope;    /* borrowed: root_scope or a frame's scope */
  GHashTable *scope_counts;     /* variable-scope full name → count */
  GString *scratch;             /* for building names without allocating */
} GraftThreadState;

/* ---- the graph ---- */

typedef struct {
  GraftOutput *output;
  GraftVariable *variable;      /* owned reference, or NULL */
} GraftCollectionItem;

typedef struct _GraftVariableStore GraftVariableStore;

struct _GraftGraph {
  GObject parent_instance;

  /* Everything below up to `threads` is guarded by `lock`: op creation can
   * happen from several threads (get_variable is shared across threads). */
  GMutex lock;
  GraftArena arena;
  GPtrArray *nodes;             /* GraftNode *, index = id - 1 */
  GraftStrMap names;            /* names_in_use (case-folded) → count, op */
  GHashTable *op_index;         /* exact op name → node, built on demand */
  guint n_indexed;              /* ops already in op_index */
  guint64 version;
  GHashTable *collections;      /* key → GPtrArray of GraftCollectionItem */
  GPtrArray *owned_refs;        /* shapes and tensors referenced by attrs */
  gboolean has_seed;
  gint64 seed;

  GMutex threads_lock;
  GHashTable *threads;          /* thread serial → GraftThreadState */
  guint64 serial;               /* distinguishes graphs at the same address */

  GraftVariableStore *store;
};

GraftThreadState *_graft_graph_thread_state (GraftGraph *graph);
void              _graft_graph_get_seeds    (GraftGraph *graph, gboolean has_op_seed, gint64 op_seed,
                                             gint64 *seed, gint64 *seed2);
void              _graft_thread_state_free  (GraftThreadState *ts);
guint64           _graft_next_serial        (void);

/* Name handling; the caller holds graph->lock where noted. */
GraftStrMapEntry *_graft_names_unique_locked (GraftGraph *graph, GString *buf, gboolean mark_as_used);
gboolean          _graft_names_in_use_locked (GraftGraph *graph, const char *key, gsize len);
GraftNode        *_graft_graph_find_op_locked (GraftGraph *graph, const char *name);
gboolean _graft_valid_op_name    (const char *name);
gboolean _graft_valid_scope_name (const char *name);
gboolean _graft_check_scope_name (GraftThreadState *ts, const char *name, GError **error);
char    *_graft_name_scope_push  (GraftGraph *graph, GraftThreadState *ts, const char *name,
                                  guint64 serial, GError **error);
gboolean _graft_name_scope_pop   (GraftThreadState *ts, guint64 serial, GError **error);
void     _graft_name_stack_set   (GraftThreadState *ts, const char *stack);

gboolean _graft_name_in_scope (const char *name, const char *scope);

/* Collections; item lists are guarded by graph->lock. */
void     _graft_graph_add_collection_item_locked (GraftGraph *graph, const char *key,
                                                  GraftOutput *output, GraftVariable *variable);
void     _graft_graph_remove_collection_item_locked (GraftGraph *graph, const char *key,
                                                     GraftOutput *output);

void     _graft_graph_reserve_op_name (GraftGraph *graph, const char *name);

/* Op creation below the builder: no allocation beyond the arena. */
GraftOutput *_graft_graph_create_op (GraftGraph *graph, GraftThreadState *ts, const GraftOpDef *def,
                                     const char *name, GraftOutput **inputs, guint n_inputs,
                                     const GraftAttrValue *attrs, const guint8 *attrs_set,
                                     GraftOutput **controls, guint n_controls, GError **error);

/* ---- the variable store (scopes/) ---- */
GraftVariableStore *_graft_variable_store_new  (void);
void                _graft_variable_store_free (GraftVariableStore *store);
void                _graft_variable_store_detach (GraftVariableStore *store);

/* ---- scopes (scopes/) ---- */
GraftScope *_graft_scope_new_root (GraftGraph *graph);

G_END_DECLS
