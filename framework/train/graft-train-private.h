/* graft-train-private.h: the train layer, inside: gradients and
 * optimizers. It sees the lower layers' insides.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include "graft-runtime-private.h"
#include "graft-registry-private.h"
#include "graft-graph-private.h"
#include "graft-ops.h"
#include "graft-gradients.h"
#include "graft-optimizer.h"
#include "graft-gradient-descent-optimizer.h"
#include "graft-momentum-optimizer.h"
#include "graft-adam-optimizer.h"
#include "graft-rmsprop-optimizer.h"
#include "graft-adagrad-optimizer.h"

G_BEGIN_DECLS

/* `slot_creator.create_slot_with_initializer`: the slot @slot_name of @var,
 * made once per optimizer in `variable_scope(None, default_name=<var op
 * name>/<optimizer name>)` with get_variable(""), or the one made before. */
GraftVariable *_graft_optimizer_make_slot (GraftOptimizer *self, GraftVariable *var, GraftInitializer *init,
                                           const char *slot_name, GError **error);
/* `_create_non_slot_variable`: a plain variable named by the current name
 * scope, made once per optimizer and graph. */
GraftVariable *_graft_optimizer_non_slot  (GraftOptimizer *self, GraftGraph *graph, const char *name,
                                           double initial_value, GError **error);
/* A float32 scalar constant named @name in the current name scope (TF's
 * `convert_to_tensor(python float, name=...)`). */
GraftOutput   *_graft_optimizer_scalar    (GraftGraph *graph, double value, const char *name, GError **error);
/* `math_ops.cast (x, dtype)`: @x itself when it has @dtype already. */
GraftOutput   *_graft_optimizer_cast      (GraftOutput *x, GraftDType dtype, GError **error);
/* The learning-rate tensor made by _graft_optimizer_prepare_learning_rate(). */
GraftOutput   *_graft_optimizer_lr        (GraftOptimizer *self);
gboolean       _graft_optimizer_prepare_learning_rate (GraftOptimizer *self, GraftGraph *graph, GError **error);
/* A NaN hyperparameter, as a GError naming the optimizer. */
gboolean       _graft_optimizer_check_finite (GraftOptimizer *self, const char *what, double value, GError **error);
/* An op of @type named @name in the current name scope. */
GraftOutput   *_graft_optimizer_op (GraftGraph *graph, const char *type, const char *name, GraftOutput **inputs,
                                    guint n_inputs, const char *bool_attr, gboolean bool_value,
                                    const char *bool_attr2, gboolean bool_value2, GError **error);

gboolean       _graft_optimizer_use_locking (GraftOptimizer *self);

G_END_DECLS
