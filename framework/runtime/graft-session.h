/* graft-session.h: evaluating a graph.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include <gio/gio.h>

#include "graft-types.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_SESSION (graft_session_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftSession, graft_session, GRAFT, SESSION, GObject)

#define GRAFT_TYPE_CALLABLE (graft_callable_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftCallable, graft_callable, GRAFT, CALLABLE, GObject)

GRAFT_AVAILABLE_IN_ALL
GraftSession  *graft_session_new                 (GraftGraph    *graph);
GRAFT_AVAILABLE_IN_ALL
GraftGraph    *graft_session_get_graph           (GraftSession  *session);
/**
 * GRAFT_SESSION_MAX_THREADS:
 *
 * The most threads a session runs with: graft_session_set_num_threads()
 * clamps larger counts to it.
 */
#define GRAFT_SESSION_MAX_THREADS 1024

GRAFT_AVAILABLE_IN_ALL
guint          graft_session_get_num_threads     (GraftSession  *session);
GRAFT_AVAILABLE_IN_ALL
void           graft_session_set_num_threads     (GraftSession  *session,
                                                  guint          n_threads);
GRAFT_AVAILABLE_IN_ALL
guint64        graft_session_get_memory_limit    (GraftSession  *session);
GRAFT_AVAILABLE_IN_ALL
void           graft_session_set_memory_limit    (GraftSession  *session,
                                                  guint64        limit);

GRAFT_AVAILABLE_IN_ALL
gboolean       graft_session_get_fusion          (GraftSession  *session);
GRAFT_AVAILABLE_IN_ALL
void           graft_session_set_fusion          (GraftSession  *session,
                                                  gboolean       fusion);

GRAFT_AVAILABLE_IN_ALL
gboolean       graft_session_close               (GraftSession  *session,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_session_is_closed           (GraftSession  *session);

GRAFT_AVAILABLE_IN_ALL
GraftTensor  **graft_session_run                 (GraftSession  *session,
                                                  GraftOutput  **feeds,
                                                  GraftTensor  **feed_values,
                                                  guint          n_feeds,
                                                  GraftOutput  **fetches,
                                                  guint          n_fetches,
                                                  GraftOutput  **targets,
                                                  guint          n_targets,
                                                  GCancellable  *cancellable,
                                                  guint         *n_results,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_session_run_into            (GraftSession  *session,
                                                  GraftOutput  **feeds,
                                                  GraftTensor  **feed_values,
                                                  guint          n_feeds,
                                                  GraftOutput  **fetches,
                                                  GraftTensor  **outputs,
                                                  guint          n_fetches,
                                                  GraftOutput  **targets,
                                                  guint          n_targets,
                                                  GCancellable  *cancellable,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_session_fetch               (GraftSession  *session,
                                                  GraftOutput   *fetch,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_session_run_target          (GraftSession  *session,
                                                  GraftOutput   *target,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
GraftCallable *graft_session_make_callable       (GraftSession  *session,
                                                  GraftOutput  **feeds,
                                                  guint          n_feeds,
                                                  GraftOutput  **fetches,
                                                  guint          n_fetches,
                                                  GraftOutput  **targets,
                                                  guint          n_targets,
                                                  GError       **error);

GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_session_get_variable_value  (GraftSession  *session,
                                                  GraftVariable *variable);
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_session_is_initialized      (GraftSession  *session,
                                                  GraftVariable *variable);
GRAFT_AVAILABLE_IN_ALL
char         **graft_session_report_uninitialized_variables (GraftSession *session);

GRAFT_AVAILABLE_IN_ALL
GraftTensor  **graft_callable_run                (GraftCallable *callable,
                                                  GraftTensor  **feed_values,
                                                  guint          n_feeds,
                                                  GCancellable  *cancellable,
                                                  guint         *n_results,
                                                  GError       **error);
/* C only (skip): its arrays take their lengths from the callable, which
 * no annotation can say; bindings call graft_callable_run(). */
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_callable_run_into           (GraftCallable *callable,
                                                  GraftTensor  **feed_values,
                                                  GraftTensor  **results,
                                                  GCancellable  *cancellable,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_callable_run_into_tensors   (GraftCallable *callable,
                                                  GraftTensor  **feed_values,
                                                  GraftTensor  **outputs,
                                                  GCancellable  *cancellable,
                                                  GError       **error);
GRAFT_AVAILABLE_IN_ALL
guint          graft_callable_get_num_feeds      (GraftCallable *callable);
GRAFT_AVAILABLE_IN_ALL
guint          graft_callable_get_num_fetches    (GraftCallable *callable);

G_END_DECLS
