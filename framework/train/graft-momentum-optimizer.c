/* graft-momentum-optimizer.c: TensorFlow 1.15's tf.train.MomentumOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

struct _GraftMomentumOptimizer {
  GraftOptimizer parent_instance;
  double momentum;
  gboolean use_nesterov;
  /* Made by prepare() for the current apply_gradients() call. */
  GraftOutput *t[4];
};

/**
 * GraftMomentumOptimizer:
 *
 * TensorFlow's `tf.train.MomentumOptimizer`: ApplyMomentum with one slot, `momentum` (`w/Momentum`, zeros).
 */
G_DEFINE_FINAL_TYPE (GraftMomentumOptimizer, graft_momentum_optimizer, GRAFT_TYPE_OPTIMIZER)

enum {
  PROP_0,
  PROP_MOMENTUM,
  PROP_USE_NESTEROV,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
get_property (GObject    *object,
              guint       prop_id,
              GValue     *value,
              GParamSpec *pspec)
{
  GraftMomentumOptimizer *self = ((GraftMomentumOptimizer *) object);

  switch (prop_id)
    {
    case PROP_MOMENTUM: g_value_set_double (value, self->momentum); break;
    case PROP_USE_NESTEROV: g_value_set_boolean (value, self->use_nesterov); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_property (GObject      *object,
              guint         prop_id,
              const GValue *value,
              GParamSpec   *pspec)
{
  GraftMomentumOptimizer *self = ((GraftMomentumOptimizer *) object);

  switch (prop_id)
    {
    case PROP_MOMENTUM: self->momentum = g_value_get_double (value); break;
    case PROP_USE_NESTEROV: self->use_nesterov = g_value_get_boolean (value); break;
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
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();

  for (guint i = 0; i < n_vars; i++)
    if (_graft_optimizer_make_slot (opt, vars[i], zeros, "momentum", error) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
validate (GraftOptimizer *opt, GError **error)
{
  return _graft_optimizer_check_finite (opt, "momentum", GRAFT_MOMENTUM_OPTIMIZER (opt)->momentum, error);
}

static gboolean
prepare (GraftOptimizer *opt, GraftGraph *graph, GError **error)
{
  GraftMomentumOptimizer *self = GRAFT_MOMENTUM_OPTIMIZER (opt);

  if (!_graft_optimizer_prepare_learning_rate (opt, graph, error))
    return FALSE;
  self->t[0] = _graft_optimizer_scalar (graph, self->momentum, "momentum", error);
  return self->t[0] != NULL;
}

static GraftOutput *
apply_dense (GraftOptimizer *opt, GraftOutput *grad, GraftVariable *var, GError **error)
{
  GraftMomentumOptimizer *self = GRAFT_MOMENTUM_OPTIMIZER (opt);
  GraftDType dt = graft_variable_get_dtype (var);
  GraftOutput *in[5];

  in[0] = graft_variable_get_output (var);
  in[1] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "momentum"));
  if ((in[2] = lr_for (opt, dt, error)) == NULL)
    return NULL;
  in[3] = grad;
  if ((in[4] = _graft_optimizer_cast (self->t[0], dt, error)) == NULL)
    return NULL;
  return _graft_optimizer_op (graft_variable_get_graph (var), "ApplyMomentum", NULL, in, 5,
                              "use_locking", _graft_optimizer_use_locking (opt),
                              "use_nesterov", self->use_nesterov, error);
}

static void
graft_momentum_optimizer_class_init (GraftMomentumOptimizerClass *klass)
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
   * GraftMomentumOptimizer:momentum:
   *
   * The momentum (TensorFlow's default: 0.0).
   */
  props[PROP_MOMENTUM] = g_param_spec_double ("momentum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftMomentumOptimizer:use-nesterov:
   *
   * Whether to use Nesterov momentum (TensorFlow's default: false).
   */
  props[PROP_USE_NESTEROV] = g_param_spec_boolean ("use-nesterov", NULL, NULL, FALSE,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
graft_momentum_optimizer_init (GraftMomentumOptimizer *self)
{
}

/**
 * graft_momentum_optimizer_new:
 * @learning_rate: the learning rate
 * @momentum: the momentum
 *
 * Returns: (transfer full): a new optimizer named `Momentum`; the other
 *   hyperparameters are properties with TensorFlow's defaults
 */
GraftOptimizer *
graft_momentum_optimizer_new (double learning_rate,
                              double momentum)
{
  GraftOptimizer *self = g_object_new (GRAFT_TYPE_MOMENTUM_OPTIMIZER, "name", "Momentum", "momentum", momentum, NULL);

  graft_optimizer_set_learning_rate (self, learning_rate);
  return self;
}
