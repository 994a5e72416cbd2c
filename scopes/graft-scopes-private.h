/* graft-scopes-private.h: the scopes layer, inside: variable scopes, the
 * variable store, getters and initializers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-graph-private.h"
#include "graft-initializer.h"
#include "graft-scope.h"
#include "graft-variable.h"

G_BEGIN_DECLS

/* A scope's full name as its parent's and a leaf: N nested scopes hold
 * O(N) bytes of names, not O(N²). The '/'-joined string is made when asked
 * for (graft_scope_get_name) and kept in `full`. */
typedef struct _GraftScopeName GraftScopeName;
struct _GraftScopeName {
  gint ref_count;
  GraftScopeName *parent;       /* owned; NULL for the root's "" */
  guint32 hash;                 /* of the full string, built incrementally */
  gboolean sep;                 /* a '/' between the parent's name and leaf */
  gsize len;                    /* of the full string */
  gsize leaf_len;
  char *full;                   /* NULL until asked for; set once, atomically */
  char leaf[];
};

void  _graft_scope_name_write (const GraftScopeName *name, char *dest);

typedef struct {
  GraftScope *scope;            /* the entered scope (owned reference) */
  GraftScope *previous;         /* current scope before entry (owned) */
  GHashTable *snapshot;         /* counters saved on by-object entry */
  guint name_depth;             /* name frames present before entry */
  guint64 name_serial;          /* serial of our own name frame, or 0 */
  gboolean name_is_path;        /* our name frame is the scope's name */
} GraftScopeFrame;

/* The variable-scope stack of one thread in one graph, attached to the
 * graph layer's per-thread state on first use. */
typedef struct {
  GArray *frames;               /* GraftScopeFrame */
  GraftScope *root;
  GraftScope *current;          /* borrowed: root or a frame's scope */
  GHashTable *counts;           /* parent GraftScopeName → (GraftScopeName → count):
                                 * default-name counters, grouped by parent so
                                 * that closing a scope's subscopes visits only
                                 * them */
} GraftScopeState;

GraftScopeState *_graft_scope_state_new (GraftThreadState *ts);

static inline GraftScopeState *
_graft_scope_state (GraftThreadState *ts)
{
  if (G_LIKELY (ts->scopes.data != NULL))
    return (GraftScopeState *) ts->scopes.data;
  return _graft_scope_state_new (ts);
}

/* The graph's variable store, made on first use. */
typedef struct _GraftVariableStore GraftVariableStore;
GraftVariableStore *_graft_variable_store (GraftGraph *graph);

struct _GraftScope {
  GObject parent_instance;
  GWeakRef graph;
  GraftScopeName *name;         /* shared with by-object copies and the counters */
  char *original_name_scope;   /* NULL: name + '/', made on first request */
  GraftReuse reuse;
  GraftInitializer *initializer;
  GraftRegularizer *regularizer;
  GraftCustomGetter *custom_getter;
  GraftConstraint *constraint;
  char *caching_device;         /* NULL is TensorFlow's None */
  GraftDType dtype;
  gpointer partitioner;         /* reserved: partitioned variables come later */
  gboolean by_object;           /* how this copy was entered */
  guint64 frame_serial;         /* non-zero while entered */
};

struct _GraftScopeOptions {
  gint ref_count;
  GraftInitializer *initializer;
  GraftRegularizer *regularizer;
  GraftCustomGetter *custom_getter;
  GraftConstraint *constraint;
  char *caching_device;
  gboolean has_caching_device;
  GraftDType dtype;
  gint auxiliary_name_scope;
  GPtrArray *values;
};

struct _GraftCustomGetter {
  gint ref_count;
  GraftCustomGetterFunc func;
  gpointer user_data;
  GDestroyNotify notify;
  GraftCustomGetter *owner;     /* the user's getter whose data this shares */
  GraftCustomGetter *next;      /* the getter it wraps, or NULL */
};

struct _GraftRegularizer {
  gint ref_count;
  GraftRegularizerFunc func;    /* NULL: no regularizer (explicitly none) */
  gpointer user_data;
  GDestroyNotify notify;
};

struct _GraftConstraint {
  gint ref_count;
  GraftConstraintFunc func;
  gpointer user_data;
  GDestroyNotify notify;
};

GraftCustomGetter *_graft_custom_getter_wrap (GraftCustomGetter *getter, GraftCustomGetter *base);

G_END_DECLS

G_BEGIN_DECLS

struct _GraftVariableRequest {
  gint ref_count;
  char *name;
  GraftShape *shape;            /* NULL is None: unknown */
  GraftDType dtype;             /* GRAFT_DTYPE_INVALID is None */
  GraftInitializer *initializer;
  GraftRegularizer *regularizer;
  GraftConstraint *constraint;
  GraftCustomGetter *custom_getter;
  gboolean trainable;
  char **collections;           /* NULL is None: the default list */
  char *caching_device;
  gboolean has_caching_device;
  gboolean validate_shape;
  GraftReuse reuse;
};

struct _GraftGetter {
  gint ref_count;
  GraftGraph *graph;
  GraftCustomGetter *next;      /* the rest of the chain; NULL: the store */
  GError *error;                /* why an inner call failed, kept for the caller */
};

GraftTensor   *_graft_initializer_evaluate (GraftInitializer *init, GraftDType dtype, GraftShape *shape,
                                            gint64 seed, gint64 seed2, GError **error);
GraftVariable *_graft_true_getter (GraftGraph *graph, GraftVariableRequest *request, GError **error);
GraftVariable *_graft_getter_chain_call (GraftGraph *graph, GraftCustomGetter *chain,
                                         GraftVariableRequest *request, GError **error);

G_END_DECLS
