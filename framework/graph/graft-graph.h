/* graft-graph.h: a dataflow graph.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_GRAPH (graft_graph_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftGraph, graft_graph, GRAFT, GRAPH, GObject)

#define GRAFT_TYPE_NAME_SCOPE (graft_name_scope_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftNameScope, graft_name_scope, GRAFT, NAME_SCOPE, GObject)

/**
 * GRAFT_GLOBAL_VARIABLES:
 *
 * The collection of global variables (TensorFlow's `variables`).
 */
#define GRAFT_GLOBAL_VARIABLES "variables"
/**
 * GRAFT_TRAINABLE_VARIABLES:
 *
 * The collection of trainable variables.
 */
#define GRAFT_TRAINABLE_VARIABLES "trainable_variables"
/**
 * GRAFT_LOCAL_VARIABLES:
 *
 * The collection of local variables.
 */
#define GRAFT_LOCAL_VARIABLES "local_variables"
/**
 * GRAFT_REGULARIZATION_LOSSES:
 *
 * The collection of the losses regularizers returned.
 */
#define GRAFT_REGULARIZATION_LOSSES "regularization_losses"

GRAFT_AVAILABLE_IN_ALL
GraftGraph   *graft_graph_new                   (void);
GRAFT_AVAILABLE_IN_ALL
guint64       graft_graph_get_version           (GraftGraph  *graph);
GRAFT_AVAILABLE_IN_ALL
guint         graft_graph_get_num_operations    (GraftGraph  *graph);
GRAFT_AVAILABLE_IN_ALL
guint         graft_graph_get_last_op_id        (GraftGraph  *graph);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_graph_get_operation         (GraftGraph  *graph,
                                                 const char  *name);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_graph_get_operation_by_id   (GraftGraph  *graph,
                                                 guint        id);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_graph_get_output            (GraftGraph  *graph,
                                                 const char  *name,
                                                 GError     **error);
GRAFT_AVAILABLE_IN_ALL
gsize         graft_graph_get_memory_size       (GraftGraph  *graph);
GRAFT_AVAILABLE_IN_ALL
GError       *graft_graph_take_error            (GraftGraph  *graph);

GRAFT_AVAILABLE_IN_ALL
void          graft_graph_set_seed              (GraftGraph  *graph,
                                                 gint64       seed);
GRAFT_AVAILABLE_IN_ALL
void          graft_graph_unset_seed            (GraftGraph  *graph);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_graph_get_seed              (GraftGraph  *graph,
                                                 gint64      *seed);

GRAFT_AVAILABLE_IN_ALL
char         *graft_graph_unique_name           (GraftGraph  *graph,
                                                 const char  *name,
                                                 gboolean     mark_as_used);
GRAFT_AVAILABLE_IN_ALL
char         *graft_graph_get_name_scope        (GraftGraph  *graph);
GRAFT_AVAILABLE_IN_ALL
GraftNameScope *graft_graph_enter_name_scope    (GraftGraph  *graph,
                                                 const char  *name,
                                                 GError     **error);
GRAFT_AVAILABLE_IN_ALL
GraftNameScope *graft_graph_enter_name_scope_full (GraftGraph  *graph,
                                                   const char  *name,
                                                   const char  *default_name,
                                                   GraftOutput **values,
                                                   guint        n_values,
                                                   GError     **error);

GRAFT_AVAILABLE_IN_ALL
const char   *graft_name_scope_get_name         (GraftNameScope *scope);
GRAFT_AVAILABLE_IN_ALL
GraftGraph   *graft_name_scope_get_graph        (GraftNameScope *scope);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_name_scope_is_active        (GraftNameScope *scope);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_name_scope_exit             (GraftNameScope *scope,
                                                 GError        **error);

GRAFT_AVAILABLE_IN_ALL
void          graft_graph_add_to_collection     (GraftGraph  *graph,
                                                 const char  *key,
                                                 GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
GraftOutput **graft_graph_get_collection        (GraftGraph  *graph,
                                                 const char  *key,
                                                 const char  *scope,
                                                 guint       *n_items);
GRAFT_AVAILABLE_IN_ALL
char        **graft_graph_get_collection_keys   (GraftGraph  *graph);

/* C only: an alias whose cleanup leaves the scope means nothing to a
 * binding (its `with` statement calls graft_name_scope_exit()). */
#ifndef __GI_SCANNER__
/**
 * GraftNameScopeGuard:
 *
 * A #GraftNameScope that leaves itself when it goes out of scope:
 *
 * |[<!-- language="C" -->
 * {
 *   g_autoptr(GraftNameScopeGuard) ns = graft_graph_enter_name_scope (graph, "layer", &error);
 *   // ops made here are named layer/…
 * }
 * ]|
 */
typedef GraftNameScope GraftNameScopeGuard;
GRAFT_AVAILABLE_IN_ALL
void          graft_name_scope_guard_leave      (GraftNameScopeGuard *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftNameScopeGuard, graft_name_scope_guard_leave)
#endif

G_END_DECLS
