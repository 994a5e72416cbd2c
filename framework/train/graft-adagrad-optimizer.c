/* graft-adagrad-optimizer.c: TensorFlow 1.15's tf.train.AdagradOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

struct _GraftAdagradOptimizer {
  GraftOptimizer parent_instance;
  double initial_accumulator_value;
  /* Made by prepare() for the current apply_gradients() call. */
  GraftOutput *t[4];
};

/**
 * GraftAdagradOptimizer:
 *
 * TensorFlow's `tf.train.AdagradOptimizer`: ApplyAdagrad with one slot, `accumulator` (`w/Adagrad`, filled with the initial accumulator value).
 */
G_DEFINE_FINAL_TYPE (GraftAdagradOptimizer, graft_adagrad_optimizer, GRAFT_TYPE_OPTIMIZER)

enum {
  PROP_0,
  PROP_INITIAL_ACCUMULATOR_VALUE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
get_property (GObject    *object,
              guint       prop_id,
              GValue     *value,
              GParamSpec *pspec)
{
  GraftAdagradOptimizer *self = ((GraftAdagradOptimizer *) object);

  switch (prop_id)
    {
    case PROP_INITIAL_ACCUMULATOR_VALUE: g_value_set_double (value, self->initial_accumulator_value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_property (GObject      *object,
              guint         prop_id,
              const GValue *value,
              GParamSpec   *pspec)
{
  GraftAdagradOptimizer *self = ((GraftAdagradOptimizer *) object);

  switch (prop_id)
    {
    case PROP_INITIAL_ACCUMULATOR_VALUE: self->initial_accumulator_value = g_value_get_double (value); break;
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
  GraftAdagradOptimizer *self = GRAFT_ADAGRAD_OPTIMIZER (opt);
  g_autoptr(GraftInitializer) init = graft_initializer_new_constant (self->initial_accumulator_value);

  for (guint i = 0; i < n_vars; i++)
    if (_graft_optimizer_make_slot (opt, vars[i], init, "accumulator", error) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
validate (GraftOptimizer *opt, GError **error)
{
  GraftAdagradOptimizer *self = GRAFT_ADAGRAD_OPTIMIZER (opt);

  if (!(self->initial_accumulator_value > 0.0))
    {
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                   "initial_accumulator_value must be positive: %g", self->initial_accumulator_value);
      return FALSE;
    }
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
  GraftOutput *in[4];

  in[0] = graft_variable_get_output (var);
  in[1] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "accumulator"));
  if ((in[2] = lr_for (opt, dt, error)) == NULL)
    return NULL;
  in[3] = grad;
  return _graft_optimizer_op (graft_variable_get_graph (var), "ApplyAdagrad", NULL, in, 4,
                              "use_locking", _graft_optimizer_use_locking (opt), NULL, FALSE, error);
}

static void
graft_adagrad_optimizer_class_init (GraftAdagradOptimizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GraftOptimizerClass *opt_class = GRAFT_OPTIMIZER_CLASS (klass);

  object_class->get_property = get_property;
  object_class->set_property = set_property;
  opt_class->create_slots = create_slots;
  opt_class->prepare = prepare;
  opt_class->apply_dense = apply_dense;
  opt_class->validate = validate;
  /**
   * GraftAdagradOptimizer:initial-accumulator-value:
   *
   * The accumulators' starting value (positive) (TensorFlow's default: 0.1).
   */
  props[PROP_INITIAL_ACCUMULATOR_VALUE] = g_param_spec_double ("initial-accumulator-value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.1,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
graft_adagrad_optimizer_init (GraftAdagradOptimizer *self)
{
}

/**
 * graft_adagrad_optimizer_new:
 * @learning_rate: the learning rate
 *
 * Returns: (transfer full): a new optimizer named `Adagrad`; the other
 *   hyperparameters are properties with TensorFlow's defaults
 */
GraftOptimizer *
graft_adagrad_optimizer_new (double learning_rate)
{
  GraftOptimizer *self = g_object_new (GRAFT_TYPE_ADAGRAD_OPTIMIZER, "name", "Adagrad", NULL);

  graft_optimizer_set_learning_rate (self, learning_rate);
  return self;
}
