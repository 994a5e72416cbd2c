/* graft-adam-optimizer.c: TensorFlow 1.15's tf.train.AdamOptimizer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

struct _GraftAdamOptimizer {
  GraftOptimizer parent_instance;
  double beta1;
  double beta2;
  double epsilon;
  /* Made by prepare() for the current apply_gradients() call. */
  GraftOutput *t[4];
};

/**
 * GraftAdamOptimizer:
 *
 * TensorFlow's `tf.train.AdamOptimizer`: ApplyAdam with the slots `m` and `v` (`w/Adam`, `w/Adam_1`, zeros) and the float32 variables `beta1_power` and `beta2_power`, named by the name scope current at the first apply, multiplied by beta1 and beta2 after each step's updates.
 */
G_DEFINE_FINAL_TYPE (GraftAdamOptimizer, graft_adam_optimizer, GRAFT_TYPE_OPTIMIZER)

enum {
  PROP_0,
  PROP_BETA1,
  PROP_BETA2,
  PROP_EPSILON,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
get_property (GObject    *object,
              guint       prop_id,
              GValue     *value,
              GParamSpec *pspec)
{
  GraftAdamOptimizer *self = ((GraftAdamOptimizer *) object);

  switch (prop_id)
    {
    case PROP_BETA1: g_value_set_double (value, self->beta1); break;
    case PROP_BETA2: g_value_set_double (value, self->beta2); break;
    case PROP_EPSILON: g_value_set_double (value, self->epsilon); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_property (GObject      *object,
              guint         prop_id,
              const GValue *value,
              GParamSpec   *pspec)
{
  GraftAdamOptimizer *self = ((GraftAdamOptimizer *) object);

  switch (prop_id)
    {
    case PROP_BETA1: self->beta1 = g_value_get_double (value); break;
    case PROP_BETA2: self->beta2 = g_value_get_double (value); break;
    case PROP_EPSILON: self->epsilon = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GraftOutput *
lr_for (GraftOptimizer *opt, GraftDType dtype, GError **error)
{
  return _graft_optimizer_cast (_graft_optimizer_lr (opt), dtype, error);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (graft_variable_get_name (*(GraftVariable **) a), graft_variable_get_name (*(GraftVariable **) b));
}

static gboolean
create_slots (GraftOptimizer *opt, GraftVariable **vars, guint n_vars, GError **error)
{
  GraftAdamOptimizer *self = GRAFT_ADAM_OPTIMIZER (opt);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *first = vars[0];
  GraftGraph *graph;

  /* Colocated with the first variable by name (Graft has one device). */
  for (guint i = 1; i < n_vars; i++)
    if (compare_names (&vars[i], &first) < 0)
      first = vars[i];
  graph = graft_variable_get_graph (first);
  if (_graft_optimizer_non_slot (opt, graph, "beta1_power", self->beta1, error) == NULL ||
      _graft_optimizer_non_slot (opt, graph, "beta2_power", self->beta2, error) == NULL)
    return FALSE;
  for (guint i = 0; i < n_vars; i++)
    if (_graft_optimizer_make_slot (opt, vars[i], zeros, "m", error) == NULL ||
        _graft_optimizer_make_slot (opt, vars[i], zeros, "v", error) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
validate (GraftOptimizer *opt, GError **error)
{
  GraftAdamOptimizer *self = GRAFT_ADAM_OPTIMIZER (opt);

  return _graft_optimizer_check_finite (opt, "beta1", self->beta1, error) &&
         _graft_optimizer_check_finite (opt, "beta2", self->beta2, error) &&
         _graft_optimizer_check_finite (opt, "epsilon", self->epsilon, error);
}

static gboolean
prepare (GraftOptimizer *opt, GraftGraph *graph, GError **error)
{
  GraftAdamOptimizer *self = GRAFT_ADAM_OPTIMIZER (opt);

  if (!_graft_optimizer_prepare_learning_rate (opt, graph, error))
    return FALSE;
  self->t[0] = _graft_optimizer_scalar (graph, self->beta1, "beta1", error);
  self->t[1] = self->t[0] ? _graft_optimizer_scalar (graph, self->beta2, "beta2", error) : NULL;
  self->t[2] = self->t[1] ? _graft_optimizer_scalar (graph, self->epsilon, "epsilon", error) : NULL;
  return self->t[2] != NULL;
}

static GraftVariable *
beta_power (GraftOptimizer *opt, GraftGraph *graph, const char *name)
{
  return _graft_optimizer_non_slot (opt, graph, name, 0, NULL);
}

static GraftOutput *
apply_dense (GraftOptimizer *opt, GraftOutput *grad, GraftVariable *var, GError **error)
{
  GraftAdamOptimizer *self = GRAFT_ADAM_OPTIMIZER (opt);
  GraftGraph *graph = graft_variable_get_graph (var);
  GraftDType dt = graft_variable_get_dtype (var);
  GraftOutput *in[10];

  in[0] = graft_variable_get_output (var);
  in[1] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "m"));
  in[2] = graft_variable_get_output (graft_optimizer_get_slot (opt, var, "v"));
  if ((in[3] = _graft_optimizer_cast (graft_variable_get_value (beta_power (opt, graph, "beta1_power")), dt, error)) == NULL ||
      (in[4] = _graft_optimizer_cast (graft_variable_get_value (beta_power (opt, graph, "beta2_power")), dt, error)) == NULL ||
      (in[5] = lr_for (opt, dt, error)) == NULL ||
      (in[6] = _graft_optimizer_cast (self->t[0], dt, error)) == NULL ||
      (in[7] = _graft_optimizer_cast (self->t[1], dt, error)) == NULL ||
      (in[8] = _graft_optimizer_cast (self->t[2], dt, error)) == NULL)
    return NULL;
  in[9] = grad;
  return _graft_optimizer_op (graph, "ApplyAdam", NULL, in, 10, "use_locking", _graft_optimizer_use_locking (opt),
                              NULL, FALSE, error);
}

/* After the updates: beta_power.assign(beta_power * beta), both beta
 * powers, then one group of everything. */
static GraftOutput *
finish (GraftOptimizer *opt, GraftOutput **update_ops, guint n_update_ops, const char *name, GError **error)
{
  GraftAdamOptimizer *self = GRAFT_ADAM_OPTIMIZER (opt);
  GraftGraph *graph = graft_output_get_graph (update_ops[0]);
  g_autoptr(GraftOpBuilder) group = NULL;
  GraftOutput *assigns[2];

  for (guint k = 0; k < 2; k++)
    {
      GraftVariable *power = beta_power (opt, graph, k == 0 ? "beta1_power" : "beta2_power");
      g_autoptr(GraftOpBuilder) mul = graft_op_builder_new (graph, "Mul", NULL);
      g_autoptr(GraftOpBuilder) assign = NULL;
      GraftOutput *product;

      graft_op_builder_add_input (mul, graft_variable_get_value (power));
      graft_op_builder_add_input (mul, self->t[k]);
      for (guint i = 0; i < n_update_ops; i++)
        graft_op_builder_add_control_input (mul, update_ops[i]);
      if ((product = graft_op_builder_finish (mul, error)) == NULL)
        return NULL;
      assign = graft_op_builder_new (graph, "Assign", NULL);
      graft_op_builder_add_input (assign, graft_variable_get_output (power));
      graft_op_builder_add_input (assign, product);
      graft_op_builder_set_attr_bool (assign, "use_locking", _graft_optimizer_use_locking (opt));
      for (guint i = 0; i < n_update_ops; i++)
        graft_op_builder_add_control_input (assign, update_ops[i]);
      if ((assigns[k] = graft_op_builder_finish (assign, error)) == NULL)
        return NULL;
    }
  group = graft_op_builder_new (graph, "NoOp", name);
  for (guint i = 0; i < n_update_ops; i++)
    graft_op_builder_add_control_input (group, update_ops[i]);
  graft_op_builder_add_control_input (group, assigns[0]);
  graft_op_builder_add_control_input (group, assigns[1]);
  return graft_op_builder_finish (group, error);
}

static void
graft_adam_optimizer_class_init (GraftAdamOptimizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GraftOptimizerClass *opt_class = GRAFT_OPTIMIZER_CLASS (klass);

  object_class->get_property = get_property;
  object_class->set_property = set_property;
  opt_class->create_slots = create_slots;
  opt_class->prepare = prepare;
  opt_class->apply_dense = apply_dense;
  opt_class->validate = validate;
  opt_class->finish = finish;
  /**
   * GraftAdamOptimizer:beta1:
   *
   * The decay rate of the first moments (TensorFlow's default: 0.9).
   */
  props[PROP_BETA1] = g_param_spec_double ("beta1", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.9,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftAdamOptimizer:beta2:
   *
   * The decay rate of the second moments (TensorFlow's default: 0.999).
   */
  props[PROP_BETA2] = g_param_spec_double ("beta2", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.999,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftAdamOptimizer:epsilon:
   *
   * A small constant for numerical stability (TensorFlow's default: 1e-8).
   */
  props[PROP_EPSILON] = g_param_spec_double ("epsilon", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1e-8,
                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
graft_adam_optimizer_init (GraftAdamOptimizer *self)
{
}

/**
 * graft_adam_optimizer_new:
 * @learning_rate: the learning rate (TensorFlow's default: 0.001)
 *
 * Returns: (transfer full): a new optimizer named `Adam`; the other
 *   hyperparameters are properties with TensorFlow's defaults
 */
GraftOptimizer *
graft_adam_optimizer_new (double learning_rate)
{
  GraftOptimizer *self = g_object_new (GRAFT_TYPE_ADAM_OPTIMIZER, "name", "Adam", NULL);

  graft_optimizer_set_learning_rate (self, learning_rate);
  return self;
}
