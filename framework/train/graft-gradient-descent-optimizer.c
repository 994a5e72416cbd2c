/* graft-gradient-descent-optimizer.c: TensorFlow 1.15's tf.train.GradientDescentOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

struct _GraftGradientDescentOptimizer {
  GraftOptimizer parent_instance;
};

/**
 * GraftGradientDescentOptimizer:
 *
 * TensorFlow's `tf.train.GradientDescentOptimizer`: var -= learning_rate * grad, with ApplyGradientDescent; no slots.
 */
G_DEFINE_FINAL_TYPE (GraftGradientDescentOptimizer, graft_gradient_descent_optimizer, GRAFT_TYPE_OPTIMIZER)

static void
get_property (GObject    *object,
              guint       prop_id,
              GValue     *value,
              GParamSpec *pspec)
{
  switch (prop_id)
    {
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_property (GObject      *object,
              guint         prop_id,
              const GValue *value,
              GParamSpec   *pspec)
{
  switch (prop_id)
    {
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GraftOutput *
lr_for (GraftOptimizer *opt, GraftDType dtype, GError **error)
{
  return _graft_optimizer_cast (_graft_optimizer_lr (opt), dtype, error);
}

static gboolean
create_slots (GraftOptimizer *opt, GraftVariable **vars, guint n_vars, GError **error)
{
  return TRUE;
}

static gboolean
validate (GraftOptimizer *opt, GError **error)
{
  return TRUE;
}

static gboolean
prepare (GraftOptimizer *opt, GraftGraph *graph, GError **error)
{
  return _graft_optimizer_prepare_learning_rate (opt, graph, error);
}

static GraftOutput *
apply_dense (GraftOptimizer *opt, GraftOutput *grad, GraftVariable *var, GError **error)
{
  GraftDType dt = graft_variable_get_dtype (var);
  GraftOutput *in[3];

  in[0] = graft_variable_get_output (var);
  if ((in[1] = lr_for (opt, dt, error)) == NULL)
    return NULL;
  in[2] = grad;
  return _graft_optimizer_op (graft_variable_get_graph (var), "ApplyGradientDescent", NULL, in, 3,
                              "use_locking", _graft_optimizer_use_locking (opt), NULL, FALSE, error);
}

static void
graft_gradient_descent_optimizer_class_init (GraftGradientDescentOptimizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GraftOptimizerClass *opt_class = GRAFT_OPTIMIZER_CLASS (klass);

  object_class->get_property = get_property;
  object_class->set_property = set_property;
  opt_class->create_slots = create_slots;
  opt_class->prepare = prepare;
  opt_class->apply_dense = apply_dense;
  opt_class->validate = validate;
}

static void
graft_gradient_descent_optimizer_init (GraftGradientDescentOptimizer *self)
{
}

/**
 * graft_gradient_descent_optimizer_new:
 * @learning_rate: the learning rate
 *
 * Returns: (transfer full): a new optimizer named `GradientDescent`; the other
 *   hyperparameters are properties with TensorFlow's defaults
 */
GraftOptimizer *
graft_gradient_descent_optimizer_new (double learning_rate)
{
  GraftOptimizer *self = g_object_new (GRAFT_TYPE_GRADIENT_DESCENT_OPTIMIZER, "name", "GradientDescent", NULL);

  graft_optimizer_set_learning_rate (self, learning_rate);
  return self;
}
