/* graft-error.c: the error domains of Graft.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-error.h"

G_DEFINE_QUARK (graft-graph-error-quark, graft_graph_error)
G_DEFINE_QUARK (graft-scope-error-quark, graft_scope_error)
G_DEFINE_QUARK (graft-variable-error-quark, graft_variable_error)
G_DEFINE_QUARK (graft-tensor-error-quark, graft_tensor_error)
G_DEFINE_QUARK (graft-plugin-error-quark, graft_plugin_error)
G_DEFINE_QUARK (graft-session-error-quark, graft_session_error)
