/* graft-graph-private.h: the graph layer, inside: nodes as arena records,
 * names, per-thread name stacks, shape-function plumbing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-registry-private.h"
#include "graft-graph.h"
#include "graft-output.h"
#include "graft-op-builder.h"

G_BEGIN_DECLS

/* What a layer above keeps per graph (the variable store) or per graph and
 * thread (the variable-scope stack). The graph layer cannot name those
 * types: it owns them through this, and lets them go when it goes. */
typedef struct {
  gpointer data;
  GDestroyNotify dispose;       /* breaks reference cycles; may be NULL */
  GDestroyNotify free;
} GraftAttachment;

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

/* A relative push only appends to the name stack, so its frame keeps the
 * old length rather than a copy: copies would make N nested scopes cost
 * O(N²) memory. Other pushes (absolute, root) keep a copy. */
typedef struct {
  char *saved_stack;            /* the name stack to restore on exit, or NULL: */
  gsize saved_len;              /* ... truncate it to this length */
  guint64 serial;               /* identifies the handle that opened it */
} GraftNameFrame;

typedef struct {
  guint64 thread_serial;
  GraftGraph *graph;            /* borrowed: the graph owns its states */
  GString *name_stack;          /* "" at the root, no trailing '/' */
  GArray *name_frames;          /* GraftNameFrame */
  GString *scratch;             /* for building names without allocating */
  GError *chain_error;          /* first failure of the typed constructors */
  GraftAttachment scopes;       /* the variable-scope stack (scopes/) */
} GraftThreadState;

/* ---- the graph ---- */

typedef struct {
  GraftOutput *output;
  GraftVariable *variable;      /* owned reference, or NULL */
} GraftCollectionItem;

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

  GraftAttachment store;        /* the variable store (scopes/); set once, atomically */
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

/* ---- the typed constructors' error chain ---- */
GraftOpBuilder *_graft_ops_begin  (GraftGraph *graph, const char *op_type, const char *name,
                                   GraftOutput **inputs, const char *const *input_names, guint n_inputs);
GraftOutput    *_graft_ops_finish (GraftGraph *graph, GraftOpBuilder *builder);

/* ---- shape functions ---- */

/* What a shape function sees: at build time the inputs' partial shapes, at
 * run time the concrete ones (and their values). */
struct _GraftShapeContext {
  const GraftOpDef *def;
  const char *op_name;
  guint n_inputs;
  const GraftDType *in_dtypes;
  const gint *in_ranks;
  const gint64 *const *in_dims;
  const GraftTensor *const *in_values;  /* may be NULL, or hold NULLs */
  const GraftAttrValue *attrs;
  gint *out_ranks;
  gint64 *out_dims;                     /* n_outputs × GRAFT_MAX_RANK */
};

gboolean _graft_shape_context_run (GraftShapeContext *ctx, GError **error);
gboolean _graft_attr_value_from_variant (GraftAttrKind kind, GVariant *v, GraftAttrValue *out, GError **error);

G_END_DECLS
