/* graft-gradient-descent-optimizer.h: TensorFlow 1.15's tf.train.GradientDescentOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-optimizer.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_GRADIENT_DESCENT_OPTIMIZER (graft_gradient_descent_optimizer_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftGradientDescentOptimizer, graft_gradient_descent_optimizer, GRAFT, GRADIENT_DESCENT_OPTIMIZER, GraftOptimizer)

GRAFT_AVAILABLE_IN_ALL
GraftOptimizer *graft_gradient_descent_optimizer_new (double learning_rate);

G_END_DECLS
