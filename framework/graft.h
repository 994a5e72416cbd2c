/* graft.h: the one header applications include.
 *
 * Graft brings TensorFlow 1.x graph mode to C: graphs of ops, variable
 * scopes that are first-class objects, variables shared by get_variable()
 * under TensorFlow's reuse rules, and sessions that evaluate the graph.
 *
 * |[<!-- language="C" -->
 * #include <graft.h>
 *
 * g_autoptr(GraftGraph) graph = graft_graph_new ();
 * g_autoptr(GError) error = NULL;
 * g_autoptr(GraftShape) shape = graft_shape_new_matrix (1, 2);
 * GraftVariable *w1 = NULL;
 *
 * {
 *   // with tf.variable_scope("test1"), tf.variable_scope("test2"):
 *   g_autoptr(GraftScopeGuard) test1 =
 *     graft_graph_enter_variable_scope (graph, "test1", GRAFT_REUSE_INHERIT, &error);
 *   g_autoptr(GraftScopeGuard) test2 =
 *     graft_graph_enter_variable_scope (graph, "test2", GRAFT_REUSE_INHERIT, &error);
 *   w1 = graft_graph_get_variable (graph, "w1", shape, GRAFT_DTYPE_INVALID, NULL, &error);
 *   // w1 is "test1/test2/w1"; reopening test1/test2 with reuse returns it again
 * }
 * ]|
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __GRAFT_H_INSIDE__

#include "graft-version.h"
#include "graft-types.h"
#include "graft-enum-types.h"
#include "graft-dtype.h"
#include "graft-shape.h"
#include "graft-error.h"
#include "graft-tensor.h"
#include "graft-op-def.h"
#include "graft-graph.h"
#include "graft-output.h"
#include "graft-op-builder.h"
#include "graft-ops.h"
#include "graft-registry.h"
#include "graft-session.h"
#include "graft-gradients.h"
#include "graft-plugin.h"
#include "graft-initializer.h"
#include "graft-scope.h"
#include "graft-variable.h"

#undef __GRAFT_H_INSIDE__
