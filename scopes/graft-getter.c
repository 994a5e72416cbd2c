/* graft-getter.c: custom getters, regularizers, constraints and the request
 * that travels through them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-scopes-private.h"

/* ---- custom getters ---- */

/**
 * GraftCustomGetter:
 *
 * A custom getter function with its data (see #GraftCustomGetterFunc).
 * When a scope with a getter is entered with another, the new one wraps the
 * old: the getter a scope holds is a chain, outermost first.
 */
G_DEFINE_BOXED_TYPE (GraftCustomGetter, graft_custom_getter, graft_custom_getter_ref, graft_custom_getter_unref)

/**
 * graft_custom_getter_new:
 * @func: (scope notified): the getter function
 * @user_data: (closure): data for @func
 * @notify: (nullable): frees @user_data when the getter is gone
 *
 * Returns: (transfer full): a new custom getter
 */
GraftCustomGetter *
graft_custom_getter_new (GraftCustomGetterFunc func,
                         gpointer              user_data,
                         GDestroyNotify        notify)
{
  GraftCustomGetter *g;

  g_return_val_if_fail (func != NULL, NULL);

  g = g_new0 (GraftCustomGetter, 1);
  g->ref_count = 1;
  g->func = func;
  g->user_data = user_data;
  g->notify = notify;
  return g;
}

/**
 * graft_custom_getter_ref:
 * @getter: a #GraftCustomGetter
 *
 * Returns: (transfer full): @getter
 */
GraftCustomGetter *
graft_custom_getter_ref (GraftCustomGetter *getter)
{
  g_return_val_if_fail (getter != NULL, NULL);
  g_atomic_int_inc (&getter->ref_count);
  return getter;
}

/**
 * graft_custom_getter_unref:
 * @getter: (transfer full): a #GraftCustomGetter
 */
void
graft_custom_getter_unref (GraftCustomGetter *getter)
{
  g_return_if_fail (getter != NULL);
  if (!g_atomic_int_dec_and_test (&getter->ref_count))
    return;
  if (getter->notify != NULL)
    getter->notify (getter->user_data);
  g_clear_pointer (&getter->owner, graft_custom_getter_unref);
  g_clear_pointer (&getter->next, graft_custom_getter_unref);
  g_free (getter);
}

/* _maybe_wrap_custom_getter: `getter` now calls `base` where it used to
 * call the store. A getter that is itself a chain keeps its own order and
 * gets `base` appended. */
GraftCustomGetter *
_graft_custom_getter_wrap (GraftCustomGetter *getter,
                           GraftCustomGetter *base)
{
  GraftCustomGetter *node;

  if (base == NULL)
    return graft_custom_getter_ref (getter);
  node = g_new0 (GraftCustomGetter, 1);
  node->ref_count = 1;
  node->func = getter->func;
  node->user_data = getter->user_data;
  node->owner = graft_custom_getter_ref (getter->owner ? getter->owner : getter);
  node->next = getter->next ? _graft_custom_getter_wrap (getter->next, base) : graft_custom_getter_ref (base);
  return node;
}

/* ---- the getter handed to custom getters ---- */

/**
 * GraftGetter:
 *
 * What a custom getter calls to get the variable the usual way: the rest of
 * the getter chain, ending with the variable store.
 */
G_DEFINE_BOXED_TYPE (GraftGetter, graft_getter, graft_getter_ref, graft_getter_unref)

static GraftGetter *
getter_new (GraftGraph        *graph,
            GraftCustomGetter *next)
{
  GraftGetter *g = g_new0 (GraftGetter, 1);

  g->ref_count = 1;
  g->graph = g_object_ref (graph);
  g->next = next ? graft_custom_getter_ref (next) : NULL;
  return g;
}

/**
 * graft_getter_ref:
 * @getter: a #GraftGetter
 *
 * Returns: (transfer full): @getter
 */
GraftGetter *
graft_getter_ref (GraftGetter *getter)
{
  g_return_val_if_fail (getter != NULL, NULL);
  g_atomic_int_inc (&getter->ref_count);
  return getter;
}

/**
 * graft_getter_unref:
 * @getter: (transfer full): a #GraftGetter
 */
void
graft_getter_unref (GraftGetter *getter)
{
  g_return_if_fail (getter != NULL);
  if (!g_atomic_int_dec_and_test (&getter->ref_count))
    return;
  g_clear_error (&getter->error);
  g_clear_pointer (&getter->next, graft_custom_getter_unref);
  g_object_unref (getter->graph);
  g_free (getter);
}

/**
 * graft_getter_get_graph:
 * @getter: a #GraftGetter
 *
 * Returns: (transfer none): the graph the variable is asked of
 */
GraftGraph *
graft_getter_get_graph (GraftGetter *getter)
{
  g_return_val_if_fail (getter != NULL, NULL);
  return getter->graph;
}

/**
 * graft_getter_get_variable:
 * @getter: the getter a custom getter was given
 * @request: what to get; the name is the full name
 * @error: return location for a #GError
 *
 * Gets or creates the variable through the rest of the chain. If it fails,
 * the error is also kept on @getter, so a custom getter can simply return
 * %NULL and get_variable() reports this error.
 *
 * Returns: (transfer none): the variable, owned by the graph, or %NULL with
 *   @error set
 */
GraftVariable *
graft_getter_get_variable (GraftGetter          *getter,
                           GraftVariableRequest *request,
                           GError              **error)
{
  GError *local = NULL;
  GraftVariable *v;

  g_return_val_if_fail (getter != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  v = _graft_getter_chain_call (getter->graph, getter->next, request, &local);
  if (v == NULL)
    {
      if (getter->error == NULL)
        getter->error = g_error_copy (local);
      g_propagate_error (error, local);
    }
  return v;
}

/**
 * graft_getter_set_error:
 * @getter: the getter a custom getter was given
 * @error: why the custom getter returns no variable
 *
 * Makes get_variable() fail with a copy of @error when the custom getter
 * returns %NULL.
 */
void
graft_getter_set_error (GraftGetter  *getter,
                        const GError *error)
{
  g_return_if_fail (getter != NULL);
  g_return_if_fail (error != NULL);

  g_clear_error (&getter->error);
  getter->error = g_error_copy (error);
}

GraftVariable *
_graft_getter_chain_call (GraftGraph           *graph,
                          GraftCustomGetter    *chain,
                          GraftVariableRequest *request,
                          GError              **error)
{
  g_autoptr(GraftGetter) getter = NULL;
  g_autoptr(GraftVariableRequest) copy = NULL;
  GraftVariable *v;

  if (chain == NULL)
    return _graft_true_getter (graph, request, error);

  getter = getter_new (graph, chain->next);
  copy = graft_variable_request_copy (request);
  v = chain->func (getter, copy, chain->user_data);
  if (v == NULL)
    {
      if (getter->error != NULL)
        g_propagate_error (error, g_steal_pointer (&getter->error));
      else
        g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_GETTER_FAILED,
                     "The custom getter for variable %s returned no variable", request->name);
    }
  else if (!GRAFT_IS_VARIABLE (v) || graft_variable_get_graph (v) != graph)
    {
      g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_GETTER_FAILED,
                   "The custom getter for variable %s returned a variable of another graph",
                   request->name);
      v = NULL;
    }
  return v;
}

/* ---- regularizers and constraints ---- */

/**
 * GraftRegularizer:
 *
 * A function making a loss from a new variable (#GraftRegularizerFunc).
 */
G_DEFINE_BOXED_TYPE (GraftRegularizer, graft_regularizer, graft_regularizer_ref, graft_regularizer_unref)

/**
 * graft_regularizer_new:
 * @func: (scope notified): the regularizer function
 * @user_data: (closure): data for @func
 * @notify: (nullable): frees @user_data
 *
 * Returns: (transfer full): a new regularizer
 */
GraftRegularizer *
graft_regularizer_new (GraftRegularizerFunc func,
                       gpointer             user_data,
                       GDestroyNotify       notify)
{
  GraftRegularizer *r;

  g_return_val_if_fail (func != NULL, NULL);

  r = g_new0 (GraftRegularizer, 1);
  r->ref_count = 1;
  r->func = func;
  r->user_data = user_data;
  r->notify = notify;
  return r;
}

/**
 * graft_regularizer_new_none:
 *
 * `tf.no_regularizer`: given to get_variable(), it turns off the scope's
 * regularizer for that variable.
 *
 * Returns: (transfer full): a regularizer that adds no loss
 */
GraftRegularizer *
graft_regularizer_new_none (void)
{
  GraftRegularizer *r = g_new0 (GraftRegularizer, 1);

  r->ref_count = 1;
  return r;
}

/**
 * graft_regularizer_ref:
 * @regularizer: a #GraftRegularizer
 *
 * Returns: (transfer full): @regularizer
 */
GraftRegularizer *
graft_regularizer_ref (GraftRegularizer *regularizer)
{
  g_return_val_if_fail (regularizer != NULL, NULL);
  g_atomic_int_inc (&regularizer->ref_count);
  return regularizer;
}

/**
 * graft_regularizer_unref:
 * @regularizer: (transfer full): a #GraftRegularizer
 */
void
graft_regularizer_unref (GraftRegularizer *regularizer)
{
  g_return_if_fail (regularizer != NULL);
  if (!g_atomic_int_dec_and_test (&regularizer->ref_count))
    return;
  if (regularizer->notify != NULL)
    regularizer->notify (regularizer->user_data);
  g_free (regularizer);
}

/**
 * GraftConstraint:
 *
 * A projection applied to a variable after optimizer updates
 * (#GraftConstraintFunc).
 */
G_DEFINE_BOXED_TYPE (GraftConstraint, graft_constraint, graft_constraint_ref, graft_constraint_unref)

/**
 * graft_constraint_new:
 * @func: (scope notified): the constraint function
 * @user_data: (closure): data for @func
 * @notify: (nullable): frees @user_data
 *
 * Returns: (transfer full): a new constraint
 */
GraftConstraint *
graft_constraint_new (GraftConstraintFunc func,
                      gpointer            user_data,
                      GDestroyNotify      notify)
{
  GraftConstraint *c;

  g_return_val_if_fail (func != NULL, NULL);

  c = g_new0 (GraftConstraint, 1);
  c->ref_count = 1;
  c->func = func;
  c->user_data = user_data;
  c->notify = notify;
  return c;
}

/**
 * graft_constraint_ref:
 * @constraint: a #GraftConstraint
 *
 * Returns: (transfer full): @constraint
 */
GraftConstraint *
graft_constraint_ref (GraftConstraint *constraint)
{
  g_return_val_if_fail (constraint != NULL, NULL);
  g_atomic_int_inc (&constraint->ref_count);
  return constraint;
}

/**
 * graft_constraint_unref:
 * @constraint: (transfer full): a #GraftConstraint
 */
void
graft_constraint_unref (GraftConstraint *constraint)
{
  g_return_if_fail (constraint != NULL);
  if (!g_atomic_int_dec_and_test (&constraint->ref_count))
    return;
  if (constraint->notify != NULL)
    constraint->notify (constraint->user_data);
  g_free (constraint);
}

/**
 * graft_constraint_apply:
 * @constraint: a #GraftConstraint
 * @value: the value to project
 *
 * Calls the constraint function, as an optimizer would.
 *
 * Returns: (transfer none) (nullable): the projected value
 */
GraftOutput *
graft_constraint_apply (GraftConstraint *constraint,
                        GraftOutput     *value)
{
  g_return_val_if_fail (constraint != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  return constraint->func (value, constraint->user_data);
}

/* ---- requests ---- */

/**
 * GraftVariableRequest:
 *
 * Every argument of `tf.get_variable`, for graft_graph_get_variable_full()
 * and for custom getters, which receive one and may pass a changed copy on.
 * Unset arguments (%NULL, #GRAFT_DTYPE_INVALID) are filled from the current
 * scope.
 */
G_DEFINE_BOXED_TYPE (GraftVariableRequest, graft_variable_request, graft_variable_request_ref, graft_variable_request_unref)

/**
 * graft_variable_request_new:
 * @name: the variable's name, relative to the current variable scope
 *
 * Returns: (transfer full): a request with every other argument unset,
 *   `trainable` and `validate_shape` %TRUE
 */
GraftVariableRequest *
graft_variable_request_new (const char *name)
{
  GraftVariableRequest *r;

  g_return_val_if_fail (name != NULL, NULL);

  r = g_new0 (GraftVariableRequest, 1);
  r->ref_count = 1;
  r->name = g_strdup (name);
  r->trainable = TRUE;
  r->validate_shape = TRUE;
  return r;
}

/**
 * graft_variable_request_copy:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer full): an independent copy
 */
GraftVariableRequest *
graft_variable_request_copy (GraftVariableRequest *request)
{
  GraftVariableRequest *r;

  g_return_val_if_fail (request != NULL, NULL);

  r = graft_variable_request_new (request->name);
  r->shape = request->shape ? graft_shape_ref (request->shape) : NULL;
  r->dtype = request->dtype;
  r->initializer = request->initializer ? g_object_ref (request->initializer) : NULL;
  r->regularizer = request->regularizer ? graft_regularizer_ref (request->regularizer) : NULL;
  r->constraint = request->constraint ? graft_constraint_ref (request->constraint) : NULL;
  r->custom_getter = request->custom_getter ? graft_custom_getter_ref (request->custom_getter) : NULL;
  r->trainable = request->trainable;
  r->collections = g_strdupv (request->collections);
  r->caching_device = g_strdup (request->caching_device);
  r->has_caching_device = request->has_caching_device;
  r->validate_shape = request->validate_shape;
  r->reuse = request->reuse;
  return r;
}

/**
 * graft_variable_request_ref:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer full): @request
 */
GraftVariableRequest *
graft_variable_request_ref (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  g_atomic_int_inc (&request->ref_count);
  return request;
}

/**
 * graft_variable_request_unref:
 * @request: (transfer full): a #GraftVariableRequest
 */
void
graft_variable_request_unref (GraftVariableRequest *request)
{
  g_return_if_fail (request != NULL);
  if (!g_atomic_int_dec_and_test (&request->ref_count))
    return;
  g_free (request->name);
  g_clear_pointer (&request->shape, graft_shape_unref);
  g_clear_object (&request->initializer);
  g_clear_pointer (&request->regularizer, graft_regularizer_unref);
  g_clear_pointer (&request->constraint, graft_constraint_unref);
  g_clear_pointer (&request->custom_getter, graft_custom_getter_unref);
  g_strfreev (request->collections);
  g_free (request->caching_device);
  g_free (request);
}

/**
 * graft_variable_request_get_name:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none): the name; inside a custom getter, the full name
 */
const char *
graft_variable_request_get_name (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->name;
}

/**
 * graft_variable_request_set_name:
 * @request: a #GraftVariableRequest
 * @name: the name
 */
void
graft_variable_request_set_name (GraftVariableRequest *request,
                                 const char           *name)
{
  char *copy;

  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL);
  /* Copy first: @name may be the request's own (set_name (r, get_name (r))). */
  copy = g_strdup (name);
  g_free (request->name);
  request->name = copy;
}

/**
 * graft_variable_request_get_shape:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable): the shape, %NULL if not given
 */
GraftShape *
graft_variable_request_get_shape (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->shape;
}

/**
 * graft_variable_request_set_shape:
 * @request: a #GraftVariableRequest
 * @shape: (nullable): the shape; %NULL is "not given" (unknown)
 */
void
graft_variable_request_set_shape (GraftVariableRequest *request,
                                  GraftShape           *shape)
{
  g_return_if_fail (request != NULL);
  if (shape != NULL)
    graft_shape_ref (shape);
  g_clear_pointer (&request->shape, graft_shape_unref);
  request->shape = shape;
}

/**
 * graft_variable_request_get_dtype:
 * @request: a #GraftVariableRequest
 *
 * Returns: the dtype, #GRAFT_DTYPE_INVALID if not given
 */
GraftDType
graft_variable_request_get_dtype (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, GRAFT_DTYPE_INVALID);
  return request->dtype;
}

/**
 * graft_variable_request_set_dtype:
 * @request: a #GraftVariableRequest
 * @dtype: the dtype, or #GRAFT_DTYPE_INVALID for the scope's
 */
void
graft_variable_request_set_dtype (GraftVariableRequest *request,
                                  GraftDType            dtype)
{
  g_return_if_fail (request != NULL);
  request->dtype = dtype;
}

/**
 * graft_variable_request_get_initializer:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable): the initializer
 */
GraftInitializer *
graft_variable_request_get_initializer (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->initializer;
}

/**
 * graft_variable_request_set_initializer:
 * @request: a #GraftVariableRequest
 * @initializer: (nullable): the initializer, %NULL for the scope's or the
 *   dtype's default
 */
void
graft_variable_request_set_initializer (GraftVariableRequest *request,
                                        GraftInitializer     *initializer)
{
  g_return_if_fail (request != NULL);
  g_set_object (&request->initializer, initializer);
}

/**
 * graft_variable_request_get_regularizer:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable): the regularizer
 */
GraftRegularizer *
graft_variable_request_get_regularizer (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->regularizer;
}

/**
 * graft_variable_request_set_regularizer:
 * @request: a #GraftVariableRequest
 * @regularizer: (nullable): the regularizer; graft_regularizer_new_none()
 *   turns the scope's off
 */
void
graft_variable_request_set_regularizer (GraftVariableRequest *request,
                                        GraftRegularizer     *regularizer)
{
  g_return_if_fail (request != NULL);
  if (regularizer != NULL)
    graft_regularizer_ref (regularizer);
  g_clear_pointer (&request->regularizer, graft_regularizer_unref);
  request->regularizer = regularizer;
}

/**
 * graft_variable_request_get_constraint:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable): the constraint
 */
GraftConstraint *
graft_variable_request_get_constraint (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->constraint;
}

/**
 * graft_variable_request_set_constraint:
 * @request: a #GraftVariableRequest
 * @constraint: (nullable): the constraint
 */
void
graft_variable_request_set_constraint (GraftVariableRequest *request,
                                       GraftConstraint      *constraint)
{
  g_return_if_fail (request != NULL);
  if (constraint != NULL)
    graft_constraint_ref (constraint);
  g_clear_pointer (&request->constraint, graft_constraint_unref);
  request->constraint = constraint;
}

/**
 * graft_variable_request_get_custom_getter:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable): the custom getter
 */
GraftCustomGetter *
graft_variable_request_get_custom_getter (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->custom_getter;
}

/**
 * graft_variable_request_set_custom_getter:
 * @request: a #GraftVariableRequest
 * @getter: (nullable): a getter that replaces the scope's (not composed)
 */
void
graft_variable_request_set_custom_getter (GraftVariableRequest *request,
                                          GraftCustomGetter    *getter)
{
  g_return_if_fail (request != NULL);
  if (getter != NULL)
    graft_custom_getter_ref (getter);
  g_clear_pointer (&request->custom_getter, graft_custom_getter_unref);
  request->custom_getter = getter;
}

/**
 * graft_variable_request_get_trainable:
 * @request: a #GraftVariableRequest
 *
 * Returns: whether the variable is trainable
 */
gboolean
graft_variable_request_get_trainable (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, FALSE);
  return request->trainable;
}

/**
 * graft_variable_request_set_trainable:
 * @request: a #GraftVariableRequest
 * @trainable: whether the variable joins `trainable_variables`
 */
void
graft_variable_request_set_trainable (GraftVariableRequest *request,
                                      gboolean              trainable)
{
  g_return_if_fail (request != NULL);
  request->trainable = trainable != FALSE;
}

/**
 * graft_variable_request_get_collections:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the
 *   collections, %NULL if not given
 */
const char * const *
graft_variable_request_get_collections (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return (const char * const *) request->collections;
}

/**
 * graft_variable_request_set_collections:
 * @request: a #GraftVariableRequest
 * @collections: (nullable) (array zero-terminated=1): the collections; a
 *   list replaces `variables` (the variable is then not global), %NULL
 *   means the default
 */
void
graft_variable_request_set_collections (GraftVariableRequest *request,
                                        const char * const   *collections)
{
  char **copy;

  g_return_if_fail (request != NULL);
  /* Copy first: @collections may be the request's own list. */
  copy = g_strdupv ((char **) collections);
  g_strfreev (request->collections);
  request->collections = copy;
}

/**
 * graft_variable_request_get_caching_device:
 * @request: a #GraftVariableRequest
 *
 * Returns: (transfer none) (nullable): the caching device
 */
const char *
graft_variable_request_get_caching_device (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->caching_device;
}

/**
 * graft_variable_request_set_caching_device:
 * @request: a #GraftVariableRequest
 * @device: (nullable): the caching device; %NULL inherits the scope's, `""`
 *   overrides it with "no device"
 */
void
graft_variable_request_set_caching_device (GraftVariableRequest *request,
                                           const char           *device)
{
  char *copy;

  g_return_if_fail (request != NULL);
  /* Copy first: @device may be the request's own string. */
  copy = g_strdup (device);
  g_free (request->caching_device);
  request->caching_device = copy;
  request->has_caching_device = device != NULL;
}

/**
 * graft_variable_request_get_validate_shape:
 * @request: a #GraftVariableRequest
 *
 * Returns: whether assignments check the shape
 */
gboolean
graft_variable_request_get_validate_shape (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, TRUE);
  return request->validate_shape;
}

/**
 * graft_variable_request_set_validate_shape:
 * @request: a #GraftVariableRequest
 * @validate: whether the initial assignment checks the shape
 */
void
graft_variable_request_set_validate_shape (GraftVariableRequest *request,
                                           gboolean              validate)
{
  g_return_if_fail (request != NULL);
  request->validate_shape = validate != FALSE;
}

/**
 * graft_variable_request_get_reuse:
 * @request: a #GraftVariableRequest
 *
 * Returns: the reuse the store applies: the current scope's, as custom
 *   getters see it
 */
GraftReuse
graft_variable_request_get_reuse (GraftVariableRequest *request)
{
  g_return_val_if_fail (request != NULL, GRAFT_REUSE_INHERIT);
  return request->reuse;
}

/**
 * graft_variable_request_set_reuse:
 * @request: a #GraftVariableRequest
 * @reuse: the reuse for the store; get_variable() overwrites it with the
 *   scope's, a custom getter may change it before passing the request on
 */
void
graft_variable_request_set_reuse (GraftVariableRequest *request,
                                  GraftReuse            reuse)
{
  g_return_if_fail (request != NULL);
  request->reuse = reuse;
}
