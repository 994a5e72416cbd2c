/* graft-error.c: the error domains of Graft.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-error.h"

/* G_DEFINE_QUARK with graft_x_error_quark names: the scanner pairs each
 * function with the GraftXError enumeration, which makes the enumeration an
 * error domain in the typelib. */

/**
 * graft_graph_error_quark:
 *
 * The error domain whose codes are #GraftGraphError (bindings raise it as
 * `GLib.Error`).
 *
 * Returns: #GRAFT_GRAPH_ERROR
 */
G_DEFINE_QUARK (graft-graph-error-quark, graft_graph_error)

/**
 * graft_scope_error_quark:
 *
 * The error domain whose codes are #GraftScopeError (bindings raise it as
 * `GLib.Error`).
 *
 * Returns: #GRAFT_SCOPE_ERROR
 */
G_DEFINE_QUARK (graft-scope-error-quark, graft_scope_error)

/**
 * graft_variable_error_quark:
 *
 * The error domain whose codes are #GraftVariableError (bindings raise it as
 * `GLib.Error`).
 *
 * Returns: #GRAFT_VARIABLE_ERROR
 */
G_DEFINE_QUARK (graft-variable-error-quark, graft_variable_error)

/**
 * graft_tensor_error_quark:
 *
 * The error domain whose codes are #GraftTensorError (bindings raise it as
 * `GLib.Error`).
 *
 * Returns: #GRAFT_TENSOR_ERROR
 */
G_DEFINE_QUARK (graft-tensor-error-quark, graft_tensor_error)

/**
 * graft_plugin_error_quark:
 *
 * The error domain whose codes are #GraftPluginError (bindings raise it as
 * `GLib.Error`).
 *
 * Returns: #GRAFT_PLUGIN_ERROR
 */
G_DEFINE_QUARK (graft-plugin-error-quark, graft_plugin_error)

/**
 * graft_session_error_quark:
 *
 * The error domain whose codes are #GraftSessionError (bindings raise it as
 * `GLib.Error`).
 *
 * Returns: #GRAFT_SESSION_ERROR
 */
G_DEFINE_QUARK (graft-session-error-quark, graft_session_error)

/**
 * graft_train_error_quark:
 *
 * Returns: the #GRAFT_TRAIN_ERROR domain
 */
G_DEFINE_QUARK (graft-train-error-quark, graft_train_error)
