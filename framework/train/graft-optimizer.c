/* graft-optimizer.c: the base of the optimizers, TensorFlow 1.15's
 * optimizer.py, slot_creator.py and training_util.py.
 *
 * apply_gradients() checks everything that can be checked before it builds
 * anything (the variables' dtypes, the hyperparameters, that some gradient
 * exists), so a refused call leaves the graph as it was; what it builds
 * then follows TensorFlow's order and names: the slots first, at the
 * caller's scopes, then in the name scope `<name or Opt>` the
 * hyperparameters, one `update_<var>` scope per variable, the finish step
 * and the final op.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-train-private.h"

#include <math.h>

/* ---- GraftGradVar ---- */

G_DEFINE_BOXED_TYPE (GraftGradVar, graft_grad_var, graft_grad_var_copy, graft_grad_var_free)

/**
 * graft_grad_var_new:
 * @grad: (nullable): the gradient
 * @variable: the variable
 *
 * Returns: (transfer full): a new pair, holding references on both
 */
GraftGradVar *
graft_grad_var_new (GraftOutput   *grad,
                    GraftVariable *variable)
{
  GraftGradVar *pair;

  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);

  pair = g_new0 (GraftGradVar, 1);
  pair->grad = grad ? graft_output_ref (grad) : NULL;
  pair->variable = g_object_ref (variable);
  return pair;
}

/**
 * graft_grad_var_copy:
 * @pair: a #GraftGradVar
 *
 * Returns: (transfer full): a copy of @pair
 */
GraftGradVar *
graft_grad_var_copy (GraftGradVar *pair)
{
  g_return_val_if_fail (pair != NULL, NULL);
  return graft_grad_var_new (pair->grad, pair->variable);
}

/**
 * graft_grad_var_free:
 * @pair: (transfer full): a #GraftGradVar
 */
void
graft_grad_var_free (GraftGradVar *pair)
{
  if (pair == NULL)
    return;
  g_clear_pointer (&pair->grad, graft_output_unref);
  g_clear_object (&pair->variable);
  g_free (pair);
}

/* ---- GraftOptimizer ---- */

typedef struct {
  char *name;
  gboolean use_locking;
  double learning_rate;
  GraftOutput *learning_rate_tensor;    /* given by the caller, or NULL */
  GraftOutput *lr;                      /* made by prepare, for this call */
  GHashTable *slots;                    /* slot name → (GraftVariable → slot) */
  GHashTable *non_slots;                /* "name@graph" → GraftVariable */
} GraftOptimizerPrivate;

/**
 * GraftOptimizer:
 *
 * TensorFlow's `tf.train.Optimizer`: compute_gradients(),
 * apply_gradients(), minimize(), and the slot variables each subclass
 * keeps beside the variables it trains. Abstract: use one of its
 * subclasses.
 */
G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GraftOptimizer, graft_optimizer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_USE_LOCKING,
  PROP_LEARNING_RATE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
graft_optimizer_finalize (GObject *object)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (GRAFT_OPTIMIZER (object));

  g_free (priv->name);
  g_clear_pointer (&priv->learning_rate_tensor, graft_output_unref);
  g_hash_table_unref (priv->slots);
  g_hash_table_unref (priv->non_slots);
  G_OBJECT_CLASS (graft_optimizer_parent_class)->finalize (object);
}

static void
graft_optimizer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (GRAFT_OPTIMIZER (object));

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, priv->name); break;
    case PROP_USE_LOCKING: g_value_set_boolean (value, priv->use_locking); break;
    case PROP_LEARNING_RATE: g_value_set_double (value, priv->learning_rate); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
graft_optimizer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (GRAFT_OPTIMIZER (object));

  switch (prop_id)
    {
    case PROP_NAME:
      /* Construct-only; NULL keeps the subclass's default. */
      if (g_value_get_string (value) != NULL)
        {
          g_free (priv->name);
          priv->name = g_value_dup_string (value);
        }
      break;
    case PROP_USE_LOCKING: priv->use_locking = g_value_get_boolean (value); break;
    case PROP_LEARNING_RATE: priv->learning_rate = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GraftOutput *
default_finish (GraftOptimizer *self,
                GraftOutput   **update_ops,
                guint           n_update_ops,
                const char     *name,
                GError        **error)
{
  GraftGraph *graph = graft_output_get_graph (update_ops[0]);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "NoOp", name);

  for (guint i = 0; i < n_update_ops; i++)
    graft_op_builder_add_control_input (b, update_ops[i]);
  return graft_op_builder_finish (b, error);
}

static void
graft_optimizer_class_init (GraftOptimizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = graft_optimizer_finalize;
  object_class->get_property = graft_optimizer_get_property;
  object_class->set_property = graft_optimizer_set_property;
  klass->finish = default_finish;

  /**
   * GraftOptimizer:name:
   *
   * The name scope of the ops apply_gradients() makes and the suffix of the
   * slots' names; the subclass's (`Adam`, …) by default.
   */
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * GraftOptimizer:use-locking:
   *
   * TensorFlow's `use_locking`, passed to the update ops (Graft's updates
   * always hold the session's variable lock).
   */
  props[PROP_USE_LOCKING] = g_param_spec_boolean ("use-locking", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * GraftOptimizer:learning-rate:
   *
   * The learning rate, unless a tensor was given with
   * graft_optimizer_set_learning_rate_tensor().
   */
  props[PROP_LEARNING_RATE] = g_param_spec_double ("learning-rate", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.001,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
graft_optimizer_init (GraftOptimizer *self)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (self);

  priv->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  priv->non_slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * graft_optimizer_get_name:
 * @optimizer: a #GraftOptimizer
 *
 * Returns: (transfer none): the optimizer's name (`Adam`, …)
 */
const char *
graft_optimizer_get_name (GraftOptimizer *optimizer)
{
  GraftOptimizerPrivate *priv;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  priv = graft_optimizer_get_instance_private (optimizer);
  return priv->name;
}

/**
 * graft_optimizer_get_learning_rate:
 * @optimizer: a #GraftOptimizer
 *
 * Returns: the learning rate as a number (see #GraftOptimizer:learning-rate)
 */
double
graft_optimizer_get_learning_rate (GraftOptimizer *optimizer)
{
  GraftOptimizerPrivate *priv;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NAN);
  priv = graft_optimizer_get_instance_private (optimizer);
  return priv->learning_rate;
}

/**
 * graft_optimizer_set_learning_rate:
 * @optimizer: a #GraftOptimizer
 * @learning_rate: the learning rate
 *
 * Sets the learning rate as a number, dropping any tensor set before.
 */
void
graft_optimizer_set_learning_rate (GraftOptimizer *optimizer,
                                   double          learning_rate)
{
  GraftOptimizerPrivate *priv;

  g_return_if_fail (GRAFT_IS_OPTIMIZER (optimizer));
  priv = graft_optimizer_get_instance_private (optimizer);
  g_clear_pointer (&priv->learning_rate_tensor, graft_output_unref);
  /* Not through the property, whose range excludes NaN: a NaN rate is an
   * error apply_gradients() reports. */
  priv->learning_rate = learning_rate;
  g_object_notify_by_pspec (G_OBJECT (optimizer), props[PROP_LEARNING_RATE]);
}

/**
 * graft_optimizer_get_learning_rate_tensor:
 * @optimizer: a #GraftOptimizer
 *
 * Returns: (transfer none) (nullable): the learning rate as a tensor, when
 *   one was given
 */
GraftOutput *
graft_optimizer_get_learning_rate_tensor (GraftOptimizer *optimizer)
{
  GraftOptimizerPrivate *priv;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  priv = graft_optimizer_get_instance_private (optimizer);
  return priv->learning_rate_tensor;
}

/**
 * graft_optimizer_set_learning_rate_tensor:
 * @optimizer: a #GraftOptimizer
 * @learning_rate: (nullable): a scalar float tensor (a decayed rate, a
 *   placeholder), or %NULL to go back to the number
 *
 * TensorFlow's optimizers take a tensor wherever they take a learning
 * rate: the update ops read it (cast to each variable's dtype).
 */
void
graft_optimizer_set_learning_rate_tensor (GraftOptimizer *optimizer,
                                          GraftOutput    *learning_rate)
{
  GraftOptimizerPrivate *priv;

  g_return_if_fail (GRAFT_IS_OPTIMIZER (optimizer));
  priv = graft_optimizer_get_instance_private (optimizer);
  g_clear_pointer (&priv->learning_rate_tensor, graft_output_unref);
  if (learning_rate != NULL)
    priv->learning_rate_tensor = graft_output_ref (learning_rate);
}

/* ---- helpers for the subclasses ---- */

GraftOutput *
_graft_optimizer_op (GraftGraph   *graph,
                     const char   *type,
                     const char   *name,
                     GraftOutput **inputs,
                     guint         n_inputs,
                     const char   *bool_attr,
                     gboolean      bool_value,
                     const char   *bool_attr2,
                     gboolean      bool_value2,
                     GError      **error)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, type, name);

  for (guint i = 0; i < n_inputs; i++)
    graft_op_builder_add_input (b, inputs[i]);
  if (bool_attr != NULL)
    graft_op_builder_set_attr_bool (b, bool_attr, bool_value);
  if (bool_attr2 != NULL)
    graft_op_builder_set_attr_bool (b, bool_attr2, bool_value2);
  return graft_op_builder_finish (b, error);
}

GraftOutput *
_graft_optimizer_scalar (GraftGraph  *graph,
                         double       value,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(GraftTensor) t = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, value);
  GraftOutput *out = graft_constant_full (graph, t, name);

  if (out == NULL)
    g_propagate_error (error, graft_graph_take_error (graph));
  return out;
}

GraftOutput *
_graft_optimizer_cast (GraftOutput *x,
                       GraftDType   dtype,
                       GError     **error)
{
  GraftGraph *graph = graft_output_get_graph (x);
  GraftOutput *out;

  if (graft_output_get_dtype (x) == dtype)
    return x;
  out = graft_cast (graph, x, dtype);
  if (out == NULL)
    g_propagate_error (error, graft_graph_take_error (graph));
  return out;
}

gboolean
_graft_optimizer_check_finite (GraftOptimizer *self,
                               const char     *what,
                               double          value,
                               GError        **error)
{
  if (!isnan (value))
    return TRUE;
  g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
               "%s: %s is NaN", graft_optimizer_get_name (self), what);
  return FALSE;
}

GraftOutput *
_graft_optimizer_lr (GraftOptimizer *self)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (self);

  return priv->lr;
}

gboolean
_graft_optimizer_prepare_learning_rate (GraftOptimizer *self,
                                        GraftGraph     *graph,
                                        GError        **error)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (self);

  if (priv->learning_rate_tensor != NULL)
    priv->lr = priv->learning_rate_tensor;
  else
    priv->lr = _graft_optimizer_scalar (graph, priv->learning_rate, "learning_rate", error);
  return priv->lr != NULL;
}

GraftVariable *
_graft_optimizer_make_slot (GraftOptimizer   *self,
                            GraftVariable    *var,
                            GraftInitializer *init,
                            const char       *slot_name,
                            GError          **error)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (self);
  GraftGraph *graph = graft_variable_get_graph (var);
  GHashTable *named = g_hash_table_lookup (priv->slots, slot_name);
  g_autoptr(GraftVariableRequest) request = NULL;
  GraftShape *shape = graft_variable_get_shape (var);
  g_autofree char *default_name = NULL;
  GraftScope *scope;
  GraftVariable *slot;

  if (named == NULL)
    {
      named = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
      g_hash_table_insert (priv->slots, g_strdup (slot_name), named);
    }
  slot = g_hash_table_lookup (named, var);
  if (slot != NULL)
    return slot;

  /* Entered relative to the current variable scope, its default name made
   * unique among the scopes opened there: what slot_creator does, whatever
   * its comment about sharing under reuse says. */
  default_name = g_strconcat (graft_variable_get_op_name (var), "/", priv->name, NULL);
  scope = graft_graph_enter_variable_scope_full (graph, NULL, NULL, default_name, GRAFT_REUSE_INHERIT, NULL, error);
  if (scope == NULL)
    return NULL;
  request = graft_variable_request_new ("");
  graft_variable_request_set_shape (request, shape);
  graft_variable_request_set_dtype (request, graft_variable_get_dtype (var));
  graft_variable_request_set_initializer (request, init);
  graft_variable_request_set_trainable (request, FALSE);
  graft_variable_request_set_validate_shape (request, shape != NULL && graft_shape_is_fully_defined (shape));
  slot = graft_graph_get_variable_full (graph, request, error);
  graft_scope_exit (scope, NULL);
  g_object_unref (scope);
  if (slot == NULL)
    return NULL;
  g_hash_table_insert (named, g_object_ref (var), g_object_ref (slot));
  return slot;
}

GraftVariable *
_graft_optimizer_non_slot (GraftOptimizer *self,
                           GraftGraph     *graph,
                           const char     *name,
                           double          initial_value,
                           GError        **error)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (self);
  g_autofree char *key = g_strdup_printf ("%s@%p", name, (void *) graph);
  g_autoptr(GraftTensor) value = NULL;
  GraftVariable *v = g_hash_table_lookup (priv->non_slots, key);

  if (v != NULL)
    return v;
  /* A Python float: float32, whatever the variables' dtype. */
  value = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, initial_value);
  v = graft_graph_new_variable (graph, value, name, FALSE, error);
  if (v == NULL)
    return NULL;
  g_hash_table_insert (priv->non_slots, g_steal_pointer (&key), g_object_ref (v));
  return v;
}

/**
 * graft_optimizer_get_slot:
 * @optimizer: a #GraftOptimizer
 * @variable: a variable the optimizer updates
 * @name: the slot's name (`m`, `v`, `momentum`, `rms`, `mg`,
 *   `accumulator`)
 *
 * TensorFlow's `Optimizer.get_slot`.
 *
 * Returns: (transfer none) (nullable): the slot variable, or %NULL
 */
GraftVariable *
graft_optimizer_get_slot (GraftOptimizer *optimizer,
                          GraftVariable  *variable,
                          const char     *name)
{
  GraftOptimizerPrivate *priv;
  GHashTable *named;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  priv = graft_optimizer_get_instance_private (optimizer);
  named = g_hash_table_lookup (priv->slots, name);
  return named ? g_hash_table_lookup (named, variable) : NULL;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * graft_optimizer_get_slot_names:
 * @optimizer: a #GraftOptimizer
 *
 * Returns: (transfer full) (array zero-terminated=1): the names of the
 *   slots made so far, sorted
 */
char **
graft_optimizer_get_slot_names (GraftOptimizer *optimizer)
{
  GraftOptimizerPrivate *priv;
  g_autofree const char **keys = NULL;
  guint n;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  priv = graft_optimizer_get_instance_private (optimizer);
  keys = (const char **) g_hash_table_get_keys_as_array (priv->slots, &n);
  qsort (keys, n, sizeof (char *), compare_strings);
  return g_strdupv ((char **) keys);
}

/* ---- compute_gradients, apply_gradients, minimize ---- */

static gboolean
is_float_dtype (GraftDType d)
{
  return d == GRAFT_DTYPE_FLOAT16 || d == GRAFT_DTYPE_BFLOAT16 || d == GRAFT_DTYPE_FLOAT32 ||
         d == GRAFT_DTYPE_FLOAT64;
}

/* `_assert_valid_dtypes`: "Invalid type tf.int32 for w:0, expected: [...]". */
static gboolean
check_dtype (GraftDType   dtype,
             const char  *what,
             GError     **error)
{
  if (is_float_dtype (dtype))
    return TRUE;
  g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
               "Invalid type tf.%s for %s, expected: [tf.float16, tf.bfloat16, tf.float32, tf.float64].",
               graft_dtype_get_name (dtype), what);
  return FALSE;
}

static gboolean
check_variable (GraftVariable *var,
                GError       **error)
{
  g_autofree char *name = NULL;

  if (!GRAFT_IS_VARIABLE (var))
    {
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                   "Trying to optimize unsupported type %s",
                   var == NULL ? "NULL" : G_OBJECT_TYPE_NAME ((GObject *) var));
      return FALSE;
    }
  name = g_strconcat (graft_variable_get_op_name (var), ":0", NULL);
  return check_dtype (graft_variable_get_dtype (var), name, error);
}

/* `str(v)` of a variable in TensorFlow's messages. */
static void
append_variable (GString       *s,
                 GraftVariable *var)
{
  GraftShape *shape = graft_variable_get_shape (var);
  g_autofree char *shape_s = shape ? graft_shape_to_string (shape) : g_strdup ("<unknown>");

  g_string_append_printf (s, "\"<tf.Variable '%s:0' shape=%s dtype=%s_ref>\"", graft_variable_get_op_name (var),
                          shape_s, graft_dtype_get_name (graft_variable_get_dtype (var)));
}

/**
 * graft_optimizer_compute_gradients:
 * @optimizer: a #GraftOptimizer
 * @loss: the scalar (or any float) tensor to minimize
 * @var_list: (array length=n_vars) (nullable): the variables; %NULL for
 *   the graph's trainable variables
 * @n_vars: the number of variables
 * @error: return location for a #GError
 *
 * TensorFlow's `compute_gradients`: one graft_gradients() call (name scope
 * `gradients`, `gradients_1`, …) of @loss with respect to the variables.
 * A variable @loss does not depend on gets a %NULL gradient.
 *
 * Errors (#GRAFT_TRAIN_ERROR_INVALID_ARGUMENT, nothing built): a loss or
 * variable that is not of a float dtype, no variables at all, a variable
 * of another graph; and graft_gradients()'s own.
 *
 * Returns: (transfer container) (element-type GraftGradVar): the
 *   (gradient, variable) pairs, in the variables' order, or %NULL with
 *   @error set
 */
GPtrArray *
graft_optimizer_compute_gradients (GraftOptimizer *optimizer,
                                   GraftOutput    *loss,
                                   GraftVariable **var_list,
                                   guint           n_vars,
                                   GError        **error)
{
  GraftGraph *graph;
  g_autofree GraftVariable **trainable = NULL;
  g_autofree GraftOutput **xs = NULL;
  g_autofree char *loss_name = NULL;
  GPtrArray *grads;
  GPtrArray *pairs;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  g_return_val_if_fail (loss != NULL, NULL);
  g_return_val_if_fail (var_list != NULL || n_vars == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  graph = graft_output_get_graph (loss);
  loss_name = graft_output_get_name (loss);
  if (!check_dtype (graft_output_get_dtype (loss), loss_name, error))
    return NULL;
  if (var_list == NULL)
    var_list = trainable = graft_graph_get_trainable_variables (graph, &n_vars);
  if (n_vars == 0)
    {
      g_set_error_literal (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT, "No variables to optimize.");
      return NULL;
    }
  xs = g_new0 (GraftOutput *, n_vars + 1);
  for (guint i = 0; i < n_vars; i++)
    {
      if (!check_variable (var_list[i], error))
        return NULL;
      if (graft_variable_get_graph (var_list[i]) != graph)
        {
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "Variable %s is not from the graph of the loss %s", graft_variable_get_name (var_list[i]),
                       loss_name);
          return NULL;
        }
      /* The variable's ref (`var._ref()`), as TensorFlow differentiates. */
      xs[i] = graft_variable_get_output (var_list[i]);
    }
  grads = graft_gradients (graph, &loss, 1, xs, n_vars, error);
  if (grads == NULL)
    return NULL;
  pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_grad_var_free);
  for (guint i = 0; i < n_vars; i++)
    g_ptr_array_add (pairs, graft_grad_var_new (g_ptr_array_index (grads, i), var_list[i]));
  g_ptr_array_unref (grads);
  return pairs;
}

/**
 * graft_optimizer_apply_gradients:
 * @optimizer: a #GraftOptimizer
 * @grads_and_vars: (element-type GraftGradVar): the pairs, as
 *   graft_optimizer_compute_gradients() returns them
 * @global_step: (nullable): a variable to increment by one after the
 *   updates
 * @name: (nullable): the name scope; the optimizer's name by default
 * @error: return location for a #GError
 *
 * TensorFlow's `apply_gradients`. First the slots of the variables that
 * have a gradient, at the caller's scopes (`w/Adam`, `w/Adam_1`), then in
 * the name scope @name (`Adam`, `Adam_1`, …) the hyperparameters, one
 * update op per variable (`Adam/update_w/ApplyAdam`), followed by
 * `assign(var, constraint(var))` for a variable with a constraint, the
 * finish step (`Adam/update`, with Adam's beta powers) and the returned
 * op: `assign_add(global_step, 1)` named `Adam`, or without a global step
 * the finish step itself, a NoOp named `Adam`.
 *
 * Errors (#GRAFT_TRAIN_ERROR, with nothing built): no pairs, a non-float
 * variable, a NaN hyperparameter, no gradient at all
 * (#GRAFT_TRAIN_ERROR_NO_GRADIENTS), a gradient of another graph.
 *
 * Returns: (transfer none): the training op, or %NULL with @error set
 */
GraftOutput *
graft_optimizer_apply_gradients (GraftOptimizer *optimizer,
                                 GPtrArray      *grads_and_vars,
                                 GraftVariable  *global_step,
                                 const char     *name,
                                 GError        **error)
{
  GraftOptimizerClass *klass;
  GraftOptimizerPrivate *priv;
  GraftGraph *graph = NULL;
  g_autoptr(GPtrArray) vars = NULL, updates = NULL;
  g_autoptr(GraftNameScopeGuard) ns = NULL;
  g_autofree char *scope_name = NULL;
  GraftOutput *result = NULL;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  g_return_val_if_fail (grads_and_vars != NULL, NULL);
  g_return_val_if_fail (global_step == NULL || GRAFT_IS_VARIABLE (global_step), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  klass = GRAFT_OPTIMIZER_GET_CLASS (optimizer);
  priv = graft_optimizer_get_instance_private (optimizer);

  /* Everything that can be refused is refused before anything is built. */
  if (grads_and_vars->len == 0)
    {
      g_set_error_literal (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT, "No variables provided.");
      return NULL;
    }
  vars = g_ptr_array_new ();
  for (guint i = 0; i < grads_and_vars->len; i++)
    {
      GraftGradVar *p = g_ptr_array_index (grads_and_vars, i);

      if (p == NULL || !check_variable (p->variable, error))
        {
          if (p == NULL)
            g_set_error_literal (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                                 "Trying to optimize unsupported type NULL");
          return NULL;
        }
      if (graph == NULL)
        graph = graft_variable_get_graph (p->variable);
      if (p->grad == NULL)
        continue;
      if (graft_output_get_graph (p->grad) != graft_variable_get_graph (p->variable))
        {
          g_autofree char *gname = graft_output_get_name (p->grad);
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "Gradient %s is not from the graph of variable %s", gname,
                       graft_variable_get_name (p->variable));
          return NULL;
        }
      if (graft_output_get_dtype (p->grad) != graft_variable_get_dtype (p->variable))
        {
          g_autofree char *gname = graft_output_get_name (p->grad);
          g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                       "Gradient %s is %s, but variable %s is %s", gname,
                       graft_dtype_get_name (graft_output_get_dtype (p->grad)), graft_variable_get_name (p->variable),
                       graft_dtype_get_name (graft_variable_get_dtype (p->variable)));
          return NULL;
        }
      g_ptr_array_add (vars, p->variable);
    }
  if (vars->len == 0)
    {
      GString *s = g_string_new ("No gradients provided for any variable: (");
      for (guint i = 0; i < grads_and_vars->len; i++)
        {
          GraftGradVar *p = g_ptr_array_index (grads_and_vars, i);
          g_string_append (s, i ? ", " : "");
          g_string_append (s, "(None, ");
          append_variable (s, p->variable);
          g_string_append (s, ")");
        }
      g_string_append (s, ").");
      g_set_error_literal (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_NO_GRADIENTS, s->str);
      g_string_free (s, TRUE);
      return NULL;
    }
  if (priv->learning_rate_tensor == NULL &&
      !_graft_optimizer_check_finite (optimizer, "learning_rate", priv->learning_rate, error))
    return NULL;
  if (priv->learning_rate_tensor != NULL &&
      (graft_output_get_graph (priv->learning_rate_tensor) != graph ||
       !is_float_dtype (graft_output_get_dtype (priv->learning_rate_tensor))))
    {
      g_autofree char *lname = graft_output_get_name (priv->learning_rate_tensor);
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                   "%s: the learning rate %s must be a float tensor of the variables' graph", priv->name, lname);
      return NULL;
    }
  if (klass->validate != NULL && !klass->validate (optimizer, error))
    return NULL;
  if (global_step != NULL && graft_variable_get_graph (global_step) != graph)
    {
      g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                   "The global step %s is not from the variables' graph", graft_variable_get_name (global_step));
      return NULL;
    }

  /* 1. Slots, at the caller's scopes. */
  if (klass->create_slots != NULL &&
      !klass->create_slots (optimizer, (GraftVariable **) vars->pdata, vars->len, error))
    return NULL;

  /* 2. The optimizer's name scope. */
  ns = graft_graph_enter_name_scope_full (graph, name, priv->name, NULL, 0, error);
  if (ns == NULL)
    return NULL;
  scope_name = g_strdup (graft_name_scope_get_name (ns));
  if (klass->prepare != NULL && !klass->prepare (optimizer, graph, error))
    return NULL;
  updates = g_ptr_array_new ();
  for (guint i = 0; i < grads_and_vars->len; i++)
    {
      GraftGradVar *p = g_ptr_array_index (grads_and_vars, i);
      g_autofree char *update_name = NULL;
      g_autoptr(GraftNameScopeGuard) uns = NULL;
      GraftConstraint *constraint;
      GraftOutput *op;

      if (p->grad == NULL)
        continue;
      update_name = g_strconcat ("update_", graft_variable_get_op_name (p->variable), NULL);
      uns = graft_graph_enter_name_scope (graph, update_name, error);
      if (uns == NULL)
        return NULL;
      op = klass->apply_dense (optimizer, p->grad, p->variable, error);
      if (op == NULL)
        return NULL;
      constraint = graft_variable_get_constraint (p->variable);
      if (constraint != NULL)
        {
          /* var.assign(constraint(var)) after the update: the update's
           * output is the variable's new value. */
          GraftOutput *constrained = graft_constraint_apply (constraint, op);
          g_autoptr(GraftOpBuilder) b = NULL;

          if (constrained == NULL)
            {
              g_autoptr(GError) local = graft_graph_take_error (graph);
              g_set_error (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                           "The constraint of variable %s failed: %s", graft_variable_get_name (p->variable),
                           local ? local->message : "no reason given");
              return NULL;
            }
          b = graft_op_builder_new (graph, "Assign", NULL);
          graft_op_builder_add_input (b, graft_variable_get_output (p->variable));
          graft_op_builder_add_input (b, constrained);
          graft_op_builder_add_control_input (b, op);
          op = graft_op_builder_finish (b, error);
          if (op == NULL)
            return NULL;
        }
      g_ptr_array_add (updates, op);
    }

  if (global_step == NULL)
    result = klass->finish (optimizer, (GraftOutput **) updates->pdata, updates->len, scope_name, error);
  else
    {
      GraftOutput *finish = klass->finish (optimizer, (GraftOutput **) updates->pdata, updates->len, "update", error);
      g_autoptr(GraftTensor) one = NULL;
      g_autoptr(GraftOpBuilder) b = NULL;
      GraftOutput *value;

      if (finish == NULL)
        return NULL;
      {
        /* `state_ops.assign_add(global_step, 1, name=name)`: the 1 is
         * converted inside the op's scope, as `<name>/value`. */
        g_autoptr(GraftNameScopeGuard) vns = graft_graph_enter_name_scope (graph, scope_name, error);

        if (vns == NULL)
          return NULL;
        one = graft_tensor_new_scalar (graft_variable_get_dtype (global_step), 1);
        value = graft_constant_full (graph, one, "value");
        if (value == NULL)
          {
            g_propagate_error (error, graft_graph_take_error (graph));
            return NULL;
          }
      }
      b = graft_op_builder_new (graph, "AssignAdd", scope_name);
      graft_op_builder_add_input (b, graft_variable_get_output (global_step));
      graft_op_builder_add_input (b, value);
      graft_op_builder_add_control_input (b, finish);
      result = graft_op_builder_finish (b, error);
    }
  if (result != NULL)
    {
      /* TensorFlow's train_op collection. */
      graft_graph_add_to_collection (graph, "train_op", result);
    }
  return result;
}

/**
 * graft_optimizer_minimize:
 * @optimizer: a #GraftOptimizer
 * @loss: the tensor to minimize
 * @global_step: (nullable): a variable incremented by each step
 * @var_list: (array length=n_vars) (nullable): the variables; %NULL for
 *   the trainable variables
 * @n_vars: the number of variables
 * @name: (nullable): the name scope of the update; the optimizer's name by
 *   default
 * @error: return location for a #GError
 *
 * TensorFlow's `minimize`: graft_optimizer_compute_gradients() then
 * graft_optimizer_apply_gradients(). No gradient for any variable is
 * #GRAFT_TRAIN_ERROR_NO_GRADIENTS with TensorFlow's text ("No gradients
 * provided for any variable, check your graph for ops that do not support
 * gradients, between variables [...] and loss ...").
 *
 * Returns: (transfer none): the training op, or %NULL with @error set
 */
GraftOutput *
graft_optimizer_minimize (GraftOptimizer *optimizer,
                          GraftOutput    *loss,
                          GraftVariable  *global_step,
                          GraftVariable **var_list,
                          guint           n_vars,
                          const char     *name,
                          GError        **error)
{
  g_autoptr(GPtrArray) pairs = NULL;
  gboolean any = FALSE;

  g_return_val_if_fail (GRAFT_IS_OPTIMIZER (optimizer), NULL);
  g_return_val_if_fail (loss != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pairs = graft_optimizer_compute_gradients (optimizer, loss, var_list, n_vars, error);
  if (pairs == NULL)
    return NULL;
  for (guint i = 0; i < pairs->len; i++)
    any |= ((GraftGradVar *) g_ptr_array_index (pairs, i))->grad != NULL;
  if (!any)
    {
      g_autofree char *loss_name = graft_output_get_name (loss);
      g_autoptr(GraftShape) shape = graft_output_get_shape (loss);
      g_autofree char *shape_s = shape ? graft_shape_to_string (shape) : g_strdup ("<unknown>");
      GString *s = g_string_new ("No gradients provided for any variable, check your graph for ops that do not "
                                 "support gradients, between variables [");

      for (guint i = 0; i < pairs->len; i++)
        {
          g_string_append (s, i ? ", " : "");
          append_variable (s, ((GraftGradVar *) g_ptr_array_index (pairs, i))->variable);
        }
      g_string_append_printf (s, "] and loss Tensor(\"%s\", shape=%s, dtype=%s).", loss_name, shape_s,
                              graft_dtype_get_name (graft_output_get_dtype (loss)));
      g_set_error_literal (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_NO_GRADIENTS, s->str);
      g_string_free (s, TRUE);
      return NULL;
    }
  return graft_optimizer_apply_gradients (optimizer, pairs, global_step, name, error);
}

/* ---- the global step ---- */

/**
 * graft_train_get_global_step:
 * @graph: a #GraftGraph
 * @error: return location for a #GError
 *
 * TensorFlow's `tf.train.get_global_step`: the variable of the
 * `global_step` collection.
 *
 * Returns: (transfer none) (nullable): the global step, or %NULL (with
 *   @error set when the collection holds more than one)
 */
GraftVariable *
graft_train_get_global_step (GraftGraph *graph,
                             GError    **error)
{
  g_autofree GraftVariable **vars = NULL;
  guint n = 0;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  vars = graft_graph_get_collection_variables (graph, "global_step", NULL, &n);
  if (n > 1)
    {
      g_set_error_literal (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
                           "Multiple tensors in global_step collection.");
      return NULL;
    }
  return n == 1 ? vars[0] : NULL;
}

/**
 * graft_train_get_or_create_global_step:
 * @graph: a #GraftGraph
 * @error: return location for a #GError
 *
 * TensorFlow's `tf.train.get_or_create_global_step`: the existing global
 * step, or a new one: `get_variable("global_step", shape=[], dtype=int64,
 * initializer=zeros, trainable=False, collections=[variables,
 * global_step])` in the current variable scope.
 *
 * Returns: (transfer none): the global step, or %NULL with @error set
 */
GraftVariable *
graft_train_get_or_create_global_step (GraftGraph *graph,
                                       GError    **error)
{
  g_autoptr(GraftVariableRequest) request = NULL;
  g_autoptr(GraftShape) shape = NULL;
  g_autoptr(GraftInitializer) zeros = NULL;
  GError *local = NULL;
  GraftVariable *v;
  const char *collections[] = { GRAFT_GLOBAL_VARIABLES, "global_step", NULL };

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  v = graft_train_get_global_step (graph, &local);
  if (v != NULL || local != NULL)
    {
      if (local != NULL)
        g_propagate_error (error, local);
      return v;
    }
  shape = graft_shape_new (NULL, 0);
  zeros = graft_initializer_new_zeros ();
  request = graft_variable_request_new ("global_step");
  graft_variable_request_set_shape (request, shape);
  graft_variable_request_set_dtype (request, GRAFT_DTYPE_INT64);
  graft_variable_request_set_initializer (request, zeros);
  graft_variable_request_set_trainable (request, FALSE);
  graft_variable_request_set_collections (request, collections);
  return graft_graph_get_variable_full (graph, request, error);
}

gboolean
_graft_optimizer_use_locking (GraftOptimizer *self)
{
  GraftOptimizerPrivate *priv = graft_optimizer_get_instance_private (self);

  return priv->use_locking;
}
