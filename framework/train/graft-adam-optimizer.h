/* graft-adam-optimizer.h: TensorFlow 1.15's tf.train.AdamOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-optimizer.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_ADAM_OPTIMIZER (graft_adam_optimizer_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftAdamOptimizer, graft_adam_optimizer, GRAFT, ADAM_OPTIMIZER, GraftOptimizer)

GRAFT_AVAILABLE_IN_ALL
GraftOptimizer *graft_adam_optimizer_new (double learning_rate);

G_END_DECLS
