/* graft-optimizer.h: TensorFlow 1.15's tf.train.Optimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include <glib-object.h>

#include "graft-types.h"
#include "graft-variable.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_GRAD_VAR (graft_grad_var_get_type ())

/**
 * GraftGradVar:
 * @grad: (nullable): the gradient, %NULL when the variable has none
 * @variable: the variable
 *
 * One (gradient, variable) pair of graft_optimizer_compute_gradients(), as
 * TensorFlow's `grads_and_vars` list holds them.
 */
typedef struct {
  GraftOutput *grad;
  GraftVariable *variable;
} GraftGradVar;

GRAFT_AVAILABLE_IN_ALL
GType         graft_grad_var_get_type (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
GraftGradVar *graft_grad_var_new      (GraftOutput   *grad,
                                       GraftVariable *variable);
GRAFT_AVAILABLE_IN_ALL
GraftGradVar *graft_grad_var_copy     (GraftGradVar  *pair);
GRAFT_AVAILABLE_IN_ALL
void          graft_grad_var_free     (GraftGradVar  *pair);

#define GRAFT_TYPE_OPTIMIZER (graft_optimizer_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (GraftOptimizer, graft_optimizer, GRAFT, OPTIMIZER, GObject)

/**
 * GraftOptimizerClass:
 * @parent_class: the parent class
 * @create_slots: makes the slots of the variables (TensorFlow's
 *   `_create_slots`), before the optimizer's name scope opens
 * @prepare: makes the hyperparameter tensors in the optimizer's name scope
 *   (`_prepare`)
 * @apply_dense: makes the update op of one variable (`_apply_dense`)
 * @finish: groups the update ops (`_finish`); the default is a NoOp named
 *   @name with them as control inputs
 * @validate: checks the hyperparameters before anything is built
 *
 * The steps of apply_gradients() a subclass fills in.
 */
struct _GraftOptimizerClass {
  GObjectClass parent_class;

  gboolean     (*create_slots) (GraftOptimizer *self, GraftVariable **vars, guint n_vars, GError **error);
  gboolean     (*prepare)      (GraftOptimizer *self, GraftGraph *graph, GError **error);
  GraftOutput *(*apply_dense)  (GraftOptimizer *self, GraftOutput *grad, GraftVariable *var, GError **error);
  GraftOutput *(*finish)       (GraftOptimizer *self, GraftOutput **update_ops, guint n_update_ops,
                                const char *name, GError **error);
  gboolean     (*validate)     (GraftOptimizer *self, GError **error);

  /*< private >*/
  gpointer padding[8];
};

GRAFT_AVAILABLE_IN_ALL
const char     *graft_optimizer_get_name          (GraftOptimizer *optimizer);
GRAFT_AVAILABLE_IN_ALL
double          graft_optimizer_get_learning_rate (GraftOptimizer *optimizer);
GRAFT_AVAILABLE_IN_ALL
void            graft_optimizer_set_learning_rate (GraftOptimizer *optimizer,
                                                   double          learning_rate);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_optimizer_get_learning_rate_tensor (GraftOptimizer *optimizer);
GRAFT_AVAILABLE_IN_ALL
void            graft_optimizer_set_learning_rate_tensor (GraftOptimizer *optimizer,
                                                          GraftOutput    *learning_rate);
GRAFT_AVAILABLE_IN_ALL
GPtrArray      *graft_optimizer_compute_gradients (GraftOptimizer *optimizer,
                                                   GraftOutput    *loss,
                                                   GraftVariable **var_list,
                                                   guint           n_vars,
                                                   GError        **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_optimizer_apply_gradients   (GraftOptimizer *optimizer,
                                                   GPtrArray      *grads_and_vars,
                                                   GraftVariable  *global_step,
                                                   const char     *name,
                                                   GError        **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_optimizer_minimize          (GraftOptimizer *optimizer,
                                                   GraftOutput    *loss,
                                                   GraftVariable  *global_step,
                                                   GraftVariable **var_list,
                                                   guint           n_vars,
                                                   const char     *name,
                                                   GError        **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_optimizer_get_slot          (GraftOptimizer *optimizer,
                                                   GraftVariable  *variable,
                                                   const char     *name);
GRAFT_AVAILABLE_IN_ALL
char          **graft_optimizer_get_slot_names    (GraftOptimizer *optimizer);

GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_train_get_or_create_global_step (GraftGraph *graph,
                                                       GError    **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_train_get_global_step       (GraftGraph     *graph,
                                                   GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftGradVar, graft_grad_var_free)

G_END_DECLS
