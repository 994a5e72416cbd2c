/* graft-scope.h: variable scopes, first-class.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

typedef struct _GraftScopeOptions GraftScopeOptions;
typedef struct _GraftRegularizer GraftRegularizer;
typedef struct _GraftConstraint GraftConstraint;
typedef struct _GraftCustomGetter GraftCustomGetter;

#define GRAFT_TYPE_SCOPE (graft_scope_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftScope, graft_scope, GRAFT, SCOPE, GObject)

#define GRAFT_TYPE_SCOPE_OPTIONS (graft_scope_options_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType              graft_scope_options_get_type     (void) G_GNUC_CONST;

GRAFT_AVAILABLE_IN_ALL
GraftScopeOptions *graft_scope_options_new          (void);
GRAFT_AVAILABLE_IN_ALL
GraftScopeOptions *graft_scope_options_ref          (GraftScopeOptions *options);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_unref        (GraftScopeOptions *options);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_initializer (GraftScopeOptions *options,
                                                        GraftInitializer  *initializer);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_regularizer (GraftScopeOptions *options,
                                                        GraftRegularizer  *regularizer);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_custom_getter (GraftScopeOptions *options,
                                                          GraftCustomGetter *getter);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_constraint (GraftScopeOptions *options,
                                                       GraftConstraint   *constraint);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_caching_device (GraftScopeOptions *options,
                                                           const char        *device);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_dtype    (GraftScopeOptions *options,
                                                     GraftDType         dtype);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_auxiliary_name_scope (GraftScopeOptions *options,
                                                                 gboolean           auxiliary);
GRAFT_AVAILABLE_IN_ALL
void               graft_scope_options_set_values   (GraftScopeOptions *options,
                                                     GraftOutput      **values,
                                                     guint              n_values);

GRAFT_AVAILABLE_IN_ALL
GraftScope  *graft_graph_get_variable_scope        (GraftGraph        *graph);
GRAFT_AVAILABLE_IN_ALL
GraftScope  *graft_graph_enter_variable_scope      (GraftGraph        *graph,
                                                    const char        *name,
                                                    GraftReuse         reuse,
                                                    GError           **error);
GRAFT_AVAILABLE_IN_ALL
GraftScope  *graft_graph_reenter_variable_scope    (GraftGraph        *graph,
                                                    GraftScope        *scope,
                                                    GraftReuse         reuse,
                                                    GError           **error);
GRAFT_AVAILABLE_IN_ALL
GraftScope  *graft_graph_enter_default_variable_scope (GraftGraph     *graph,
                                                       const char     *default_name,
                                                       GError        **error);
GRAFT_AVAILABLE_IN_ALL
GraftScope  *graft_graph_enter_variable_scope_full (GraftGraph        *graph,
                                                    const char        *name,
                                                    GraftScope        *scope,
                                                    const char        *default_name,
                                                    GraftReuse         reuse,
                                                    GraftScopeOptions *options,
                                                    GError           **error);
GRAFT_AVAILABLE_IN_ALL
gboolean     graft_scope_exit                      (GraftScope        *scope,
                                                    GError           **error);
GRAFT_AVAILABLE_IN_ALL
gboolean     graft_scope_is_active                 (GraftScope        *scope);

GRAFT_AVAILABLE_IN_ALL
const char  *graft_scope_get_name                  (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_scope_get_original_name_scope   (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
GraftGraph  *graft_scope_get_graph                 (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
GraftReuse   graft_scope_get_reuse                 (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_reuse_variables           (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_scope_get_initializer      (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_set_initializer           (GraftScope        *scope,
                                                    GraftInitializer  *initializer);
GRAFT_AVAILABLE_IN_ALL
GraftRegularizer *graft_scope_get_regularizer      (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_set_regularizer           (GraftScope        *scope,
                                                    GraftRegularizer  *regularizer);
GRAFT_AVAILABLE_IN_ALL
GraftCustomGetter *graft_scope_get_custom_getter   (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_set_custom_getter         (GraftScope        *scope,
                                                    GraftCustomGetter *getter);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_scope_get_caching_device        (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_set_caching_device        (GraftScope        *scope,
                                                    const char        *device);
GRAFT_AVAILABLE_IN_ALL
GraftDType   graft_scope_get_dtype                 (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_set_dtype                 (GraftScope        *scope,
                                                    GraftDType         dtype);
GRAFT_AVAILABLE_IN_ALL
GraftConstraint *graft_scope_get_constraint        (GraftScope        *scope);
GRAFT_AVAILABLE_IN_ALL
gpointer     graft_scope_get_partitioner           (GraftScope        *scope);

GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_scope_get_global_variables   (GraftScope        *scope,
                                                    guint             *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_scope_get_trainable_variables (GraftScope       *scope,
                                                     guint            *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_scope_get_local_variables    (GraftScope        *scope,
                                                    guint             *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftOutput **graft_scope_get_collection           (GraftScope        *scope,
                                                    const char        *key,
                                                    guint             *n_items);

#ifndef __GI_SCANNER__
/**
 * GraftScopeGuard:
 *
 * An entered #GraftScope that is left when it goes out of scope, so that a
 * C block reads like Python's `with`:
 *
 * |[<!-- language="C" -->
 * {
 *   g_autoptr(GraftScopeGuard) test1 =
 *     graft_graph_enter_variable_scope (graph, "test1", GRAFT_REUSE_INHERIT, &error);
 *   // get_variable() here creates test1/…; `test1` can be captured and
 *   // re-entered later with graft_graph_reenter_variable_scope()
 * }
 * ]|
 */
typedef GraftScope GraftScopeGuard;
GRAFT_AVAILABLE_IN_ALL
void         graft_scope_guard_leave               (GraftScopeGuard   *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftScopeGuard, graft_scope_guard_leave)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftScopeOptions, graft_scope_options_unref)
#endif

G_END_DECLS
