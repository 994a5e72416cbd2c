/* graft-rmsprop-optimizer.c: TensorFlow 1.15's tf.train.RMSPropOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

struct _GraftRMSPropOptimizer {
  GraftOptimizer parent_instance;
  double decay;
  double momentum;
  double epsilon;
  gboolean centered;
  /* Made by prepare() for the current apply_gradients() call. */
  GraftOutput *t[4];
};

/**
 * GraftRMSPropOptimizer:
 *
 * TensorFlow's `tf.train.RMSPropOptimizer`: ApplyRMSProp (ApplyCenteredRMSProp when centered) with the slots `rms` (ones, `w/RMSProp`), `mg` when centered (zeros) and `momentum` (zeros): `w/RMSProp_1`, or `w/RMSProp_1` and `w/RMSProp_2` when centered.
 */
G_DEFINE_FINAL_TYPE (GraftRMSPropOptimizer, graft_rmsprop_optimizer, GRAFT_TYPE_OPTIMIZER)

enum {
  PROP_0,
  PROP_DECAY,
  PROP_MOMENTUM,
  PROP_EPSILON,
  PROP_CENTERED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
get_property (GObject    *object,
              guint       prop_id,
              GValue     *value,
              GParamSpec *pspec)
{
  GraftRMSPropOptimizer *self = ((GraftRMSPropOptimizer *) object);

  switch (prop_id)
    {
    case PROP_DECAY: g_value_set_double (value, self->decay); break;
    case PROP_MOMENTUM: g_value_set_double (value, self->momentum); break;
    case PROP_EPSILON: g_value_set_double (value, self->epsilon); break;
    case PROP_CENTERED: g_value_set_boolean (value, self->centered); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_property (GObject      *object,
              guint         prop_id,
              const GValue *value,
              GParamSpec   *pspec)
{
  GraftRMSPropOptimizer *self = ((GraftRMSPropOptimizer *) object);

  switch (prop_id)
    {
    case PROP_DECAY: self->decay = g_value_get_double (value); break;
    case PROP_MOMENTUM: self->momentum = g_value_get_double (value); break;
    case PROP_EPSILON: self->epsilon = g_value_get_double (value); break;
    case PROP_CENTERED: self->centered = g_value_get_boolean (value); break;
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
  GraftRMSPropOptimizer *self = GRAFT_RMSPROP_OPTIMIZER (opt);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  g_autoptr(GraftInitializer) ones = graft_initializer_new_ones ();

  for (guint i = 0; i < n_vars; i++)
    if (_graft_optimizer_make_slot (opt, vars[i], ones, "rms", error) == NULL ||
        (self->centered && _graft_optimizer_make_slot (opt, vars[i], zeros, "mg", error) == NULL) ||
        _graft_optimizer_make_slot (opt, vars[i], zeros, "momentum", error) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
validate (GraftOptimizer *opt, GError **error)
{
  GraftRMSPropOptimizer *self = GRAFT_RMSPROP_OPTIMIZER (opt);

  return _graft_optimizer_check_finite (opt, "decay", self->decay, error) &&
         _graft_optimizer_check_finite (opt, "momentum", self->momentum, error) &&
         _graft_optimizer_check_finite (opt, "epsilon", self->epsilon, error);
}

static gboolean
prepare (GraftOptimizer *opt, GraftGraph *graph, GError **error)
{
  GraftRMSPropOptimizer *self = GRAFT_RMSPROP_OPTIMIZER (opt);

  if (!_graft_optimizer_prepare_learning_rate (opt, graph, error))
    return FALSE;
  self->t[0] = _graft_optimizer_scalar (graph, self->decay, "decay", error);
  self->t[1] = self->t[0] ? _graft_optimizer_scalar (graph, self->momentum, "momentum", error) : NULL;
  self->t[2] = self->t[1] ? _graft_optimizer_scalar (graph, self->epsilon, "epsilon", error) : NULL;
  return self->t[2] != NULL;
}

static GraftOutput *
apply_dense (GraftOptimizer *opt, GraftOutput *grad, GraftVariable *var, GError **error)
{
  GraftRMSPropOptimizer *self = GRAFT_RMSPROP_OPTIMIZER (opt);
  GraftDType dt = graft_variable_get_dtype (var);
  GraftOutput *in[9];
  guint n = 0;

  in[n++] = graft_variable_get_output (var);
  if (self->centered)
    in[n++] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "mg"));
  in[n++] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "rms"));
  in[n++] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "momentum"));
  if ((in[n++] = lr_for (opt, dt, error)) == NULL)
    return NULL;
  for (guint k = 0; k < 3; k++)
    if ((in[n++] = _graft_optimizer_cast (self->t[k], dt, error)) == NULL)
      return NULL;
  in[n++] = grad;
  return _graft_optimizer_op (graft_variable_get_graph (var), self->centered ? "ApplyCenteredRMSProp" : "ApplyRMSProp",
                              NULL, in, n, "use_locking", _graft_optimizer_use_locking (opt), NULL, FALSE, error);
}

static void
graft_rmsprop_optimizer_class_init (GraftRMSPropOptimizerClass *klass)
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
   * GraftRMSPropOptimizer:decay:
   *
   * The discounting factor of the history (TensorFlow's default: 0.9).
   */
  props[PROP_DECAY] = g_param_spec_double ("decay", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.9,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftRMSPropOptimizer:momentum:
   *
   * The momentum (TensorFlow's default: 0.0).
   */
  props[PROP_MOMENTUM] = g_param_spec_double ("momentum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftRMSPropOptimizer:epsilon:
   *
   * A small constant for numerical stability (TensorFlow's default: 1e-10).
   */
  props[PROP_EPSILON] = g_param_spec_double ("epsilon", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1e-10,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftRMSPropOptimizer:centered:
   *
   * Whether gradients are normalized by their estimated variance (TensorFlow's default: false).
   */
  props[PROP_CENTERED] = g_param_spec_boolean ("centered", NULL, NULL, FALSE,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
graft_rmsprop_optimizer_init (GraftRMSPropOptimizer *self)
{
}

/**
 * graft_rmsprop_optimizer_new:
 * @learning_rate: the learning rate
 *
 * Returns: (transfer full): a new optimizer named `RMSProp`; the other
 *   hyperparameters are properties with TensorFlow's defaults
 */
GraftOptimizer *
graft_rmsprop_optimizer_new (double learning_rate)
{
  GraftOptimizer *self = g_object_new (GRAFT_TYPE_RMSPROP_OPTIMIZER, "name", "RMSProp", NULL);

  graft_optimizer_set_learning_rate (self, learning_rate);
  return self;
}
