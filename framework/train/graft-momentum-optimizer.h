/* graft-momentum-optimizer.h: TensorFlow 1.15's tf.train.MomentumOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-optimizer.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_MOMENTUM_OPTIMIZER (graft_momentum_optimizer_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftMomentumOptimizer, graft_momentum_optimizer, GRAFT, MOMENTUM_OPTIMIZER, GraftOptimizer)

GRAFT_AVAILABLE_IN_ALL
GraftOptimizer *graft_momentum_optimizer_new (double learning_rate, double momentum);

G_END_DECLS
