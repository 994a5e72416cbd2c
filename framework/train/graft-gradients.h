/* graft-gradients.h: symbolic differentiation, TensorFlow 1.15's
 * tf.gradients.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftUnconnectedGradients:
 * @GRAFT_UNCONNECTED_GRADIENTS_NONE: an x no y depends on gets %NULL
 * @GRAFT_UNCONNECTED_GRADIENTS_ZERO: it gets zeros of its shape
 *
 * What graft_gradients_full() returns for an x with no path to any y
 * (TensorFlow's `unconnected_gradients`).
 */
typedef enum {
  GRAFT_UNCONNECTED_GRADIENTS_NONE,
  GRAFT_UNCONNECTED_GRADIENTS_ZERO,
} GraftUnconnectedGradients;

GRAFT_AVAILABLE_IN_ALL
GPtrArray    *graft_gradients      (GraftGraph               *graph,
                                    GraftOutput             **ys,
                                    guint                     n_ys,
                                    GraftOutput             **xs,
                                    guint                     n_xs,
                                    GError                  **error);
GRAFT_AVAILABLE_IN_ALL
GPtrArray    *graft_gradients_full (GraftGraph               *graph,
                                    GraftOutput             **ys,
                                    guint                     n_ys,
                                    GraftOutput             **xs,
                                    guint                     n_xs,
                                    GraftOutput             **grad_ys,
                                    guint                     n_grad_ys,
                                    GraftOutput             **stop_gradients,
                                    guint                     n_stop_gradients,
                                    const char               *name,
                                    GraftUnconnectedGradients unconnected,
                                    GError                  **error);

G_END_DECLS
