/* graft-variable.c: variables, the variable store and get_variable().
 *
 * get_variable() follows TensorFlow 1.15's algorithm step by step, in its
 * order of checks (shared/spec/tf1-semantics.md §3), and keeps its error
 * texts. The store is shared by all threads; a variable is checked for and
 * created under one lock, so two threads racing to create one name get one
 * variable and one "already exists".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-scopes-private.h"

struct _GraftVariable {
  GObject parent_instance;
  GraftGraph *graph;            /* not a reference: the graph owns us */
  char *name;
  GraftDType dtype;
  GraftShape *shape;
  gboolean trainable;
  GraftInitializer *initializer;
  char **collections;
  GraftConstraint *constraint;
  char *caching_device;
  GraftOutput *output;          /* the VariableV2 op */
  GraftOutput *read;            /* NAME/read */
  GraftOutput *assign;          /* NAME/Assign */
  GraftOutput *initial_value;
};

/* Variables by full name, in the flat table the graph uses for names:
 * one probe and one key compare per look-up, which is what get_variable
 * costs when it shares. The table holds the only reference the graph
 * keeps on each variable; keys are the variables' own names. */
struct _GraftVariableStore {
  GMutex lock;
  GraftStrMap vars;
  GPtrArray *plain;             /* graft_graph_new_variable()'s, outside the store */
};

static GraftVariable *
store_lookup (GraftVariableStore *store,
              const char         *name)
{
  GraftStrMapEntry *e = _graft_strmap_lookup (&store->vars, name, _graft_str_hash (name, strlen (name)));

  return e ? e->value : NULL;
}

/**
 * GraftVariable:
 *
 * A variable made by get_variable(): its full name (the store key, such as
 * `test1/test2/w1`), dtype, shape, whether it is trainable, its initializer
 * and collections, and its ops: the variable op, `NAME/read` (use this one
 * in computations), `NAME/Assign` (its initializer op) and the initial
 * value. The graph owns variables; get_variable() returns the same instance
 * whenever it shares one. Its values live in sessions.
 */
G_DEFINE_FINAL_TYPE (GraftVariable, graft_variable, G_TYPE_OBJECT)

static void
graft_variable_finalize (GObject *object)
{
  GraftVariable *self = GRAFT_VARIABLE (object);

  g_free (self->name);
  g_clear_pointer (&self->shape, graft_shape_unref);
  g_clear_object (&self->initializer);
  g_strfreev (self->collections);
  g_clear_pointer (&self->constraint, graft_constraint_unref);
  g_free (self->caching_device);
  G_OBJECT_CLASS (graft_variable_parent_class)->finalize (object);
}

static void
graft_variable_class_init (GraftVariableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_variable_finalize;
}

static void
graft_variable_init (GraftVariable *self)
{
}

/* ---- the store ---- */

static GraftVariableStore *
store_new (void)
{
  GraftVariableStore *store = g_new0 (GraftVariableStore, 1);

  g_mutex_init (&store->lock);
  _graft_strmap_init (&store->vars);
  store->plain = g_ptr_array_new_with_free_func (g_object_unref);
  return store;
}

/* The graph is going away: variables that outlive it (held by the caller)
 * must not reach into its freed arena. */
static void
store_detach (gpointer data)
{
  GraftVariableStore *store = data;

  g_mutex_lock (&store->lock);
  for (guint32 i = 0; i <= store->vars.mask; i++)
    {
      GraftVariable *v = store->vars.entries[i].value;

      if (v == NULL)
        continue;
      v->graph = NULL;
      v->output = v->read = v->assign = v->initial_value = NULL;
    }
  for (guint i = 0; i < store->plain->len; i++)
    {
      GraftVariable *v = g_ptr_array_index (store->plain, i);

      v->graph = NULL;
      v->output = v->read = v->assign = v->initial_value = NULL;
    }
  g_mutex_unlock (&store->lock);
}

static void
store_free (gpointer data)
{
  GraftVariableStore *store = data;

  /* Unref in a second pass: a variable's name is its own key. */
  for (guint32 i = 0; i <= store->vars.mask; i++)
    if (store->vars.entries[i].value != NULL)
      g_object_unref (store->vars.entries[i].value);
  _graft_strmap_clear (&store->vars);
  g_ptr_array_unref (store->plain);
  g_mutex_clear (&store->lock);
  g_free (store);
}

/* The graph layer holds the store without knowing its type; it is made on
 * first use, and read without a lock afterwards. */
GraftVariableStore *
_graft_variable_store (GraftGraph *graph)
{
  GraftVariableStore *store = g_atomic_pointer_get (&graph->store.data);

  if (G_LIKELY (store != NULL))
    return store;
  g_mutex_lock (&graph->threads_lock);
  store = graph->store.data;
  if (store == NULL)
    {
      store = store_new ();
      graph->store.dispose = store_detach;
      graph->store.free = store_free;
      g_atomic_pointer_set (&graph->store.data, store);
    }
  g_mutex_unlock (&graph->threads_lock);
  return store;
}

/* ---- get_variable ---- */

static void
get_seed (GraftGraph       *graph,
          GraftInitializer *init,
          gint64           *seed,
          gint64           *seed2)
{
  gint64 op_seed = 0;
  gboolean has_op = graft_initializer_get_seed (init, &op_seed);

  _graft_graph_get_seeds (graph, has_op, op_seed, seed, seed2);
}

static void
shape_str (GraftShape *shape,
           char      **out)
{
  *out = shape ? graft_shape_to_string (shape) : g_strdup ("<unknown>");
}

/* Everything an initializer op needs, resolved before any op is made so
 * that a bad initializer leaves the graph untouched. */
typedef struct {
  const GraftOpDef *def;
  GraftAttrValue *vals;
  guint8 *set;
} InitOp;

static void
init_op_clear (InitOp *op)
{
  if (op->def == NULL)
    return;
  for (guint a = 0; a < op->def->n_attrs; a++)
    if (op->set[a])
      _graft_attr_value_clear (op->def->attrs[a].kind, &op->vals[a]);
  g_free (op->vals);
  g_free (op->set);
}

static gboolean
init_op_prepare (GraftInitializer *init,
                 const char       *var_name,
                 GraftDType        dtype,
                 GraftShape       *shape,
                 gint64            seed,
                 gint64            seed2,
                 InitOp           *op,
                 GError          **error)
{
  const char *name = graft_initializer_get_name (init);
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gint a;

  op->def = _graft_registry_lookup (GRAFT_OP_KIND_INITIALIZER, name);
  if (op->def == NULL)
    {
      char hint[160];

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                   "No initializer named '%s' is registered (for variable %s).%s", name, var_name,
                   _graft_registry_hint (GRAFT_OP_KIND_INITIALIZER, name, hint, sizeof hint));
      return FALSE;
    }
  op->vals = g_new0 (GraftAttrValue, op->def->n_attrs + 1);
  op->set = g_new0 (guint8, op->def->n_attrs + 1);

  g_variant_iter_init (&iter, graft_initializer_get_attrs (init));
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;

      a = _graft_op_def_find_attr (op->def, key);
      if (a < 0 || op->def->attrs[a].is_internal)
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                       "Initializer '%s' of variable %s has no attribute '%s' %s", name, var_name, key,
                       op->def->signature);
          return FALSE;
        }
      if (op->set[a])
        _graft_attr_value_clear (op->def->attrs[a].kind, &op->vals[a]);
      if (!_graft_attr_value_from_variant (op->def->attrs[a].kind, value, &op->vals[a], error))
        {
          op->set[a] = FALSE;
          g_prefix_error (error, "Initializer '%s' of variable %s, attribute '%s': ", name, var_name, key);
          return FALSE;
        }
      op->set[a] = TRUE;
    }

  /* What Graft itself sets: the dtype (the output's type variable), the
   * shape and the seed pair. */
  if (op->def->outputs[0].type_attr >= 0)
    {
      a = op->def->outputs[0].type_attr;
      op->vals[a].type = dtype;
      op->set[a] = TRUE;
    }
  a = _graft_op_def_find_attr (op->def, "_shape");
  op->vals[a].shape = graft_shape_ref (shape);
  op->set[a] = TRUE;
  a = _graft_op_def_find_attr (op->def, "_seed");
  op->vals[a].i = seed;
  op->set[a] = TRUE;
  a = _graft_op_def_find_attr (op->def, "_seed2");
  op->vals[a].i = seed2;
  op->set[a] = TRUE;
  return TRUE;
}

static const GraftOpDef *
core_def (const char  *type,
          GError     **error)
{
  const GraftOpDef *def = _graft_registry_lookup (GRAFT_OP_KIND_OP, type);

  if (def == NULL)
    g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                 "No op named '%s' is registered: the core ops plugin was not found "
                 "(is GRAFT_PLUGIN_PATH right?)", type);
  return def;
}

static GraftOutput *
make_op (GraftGraph       *graph,
         GraftThreadState *ts,
         const GraftOpDef *def,
         const char       *name,
         GraftOutput     **inputs,
         guint             n_inputs,
         const char      **attr_names,
         GraftAttrValue   *attr_values,
         guint             n_attr_values,
         GError          **error)
{
  GraftAttrValue *vals = g_newa (GraftAttrValue, def->n_attrs + 1);
  guint8 *set = g_newa (guint8, def->n_attrs + 1);

  memset (set, 0, def->n_attrs + 1);
  for (guint i = 0; i < n_attr_values; i++)
    {
      gint a = _graft_op_def_find_attr (def, attr_names[i]);
      g_assert (a >= 0);
      vals[a] = attr_values[i];
      set[a] = TRUE;
    }
  return _graft_graph_create_op (graph, ts, def, name, inputs, n_inputs, vals, set, NULL, 0, error);
}

/* Makes the variable's ops: NAME/Initializer/… (or NAME/initial_value),
 * NAME, NAME/Assign and NAME/read, in TensorFlow's order, under the name
 * scope NAME opened at the root. Only the first op can fail, so a failure
 * leaves no op behind. */
static gboolean
build_variable_ops (GraftGraph       *graph,
                    GraftVariable    *v,
                    GraftInitializer *init,
                    gboolean          validate_shape,
                    GError          **error)
{
  GraftThreadState *ts = _graft_graph_thread_state (graph);
  const GraftOpDef *var_def, *assign_def, *read_def, *const_def = NULL;
  InitOp init_op = { 0 };
  g_autofree char *ns = NULL;
  guint64 ns_serial;
  gboolean ok = FALSE;

  if ((var_def = core_def ("VariableV2", error)) == NULL ||
      (assign_def = core_def ("Assign", error)) == NULL ||
      (read_def = core_def ("Identity", error)) == NULL ||
      (graft_initializer_is_value (init) && (const_def = core_def ("Const", error)) == NULL))
    return FALSE;
  if (!graft_initializer_is_value (init))
    {
      gint64 seed, seed2;

      get_seed (graph, init, &seed, &seed2);
      if (!init_op_prepare (init, v->name, v->dtype, v->shape, seed, seed2, &init_op, error))
        {
          init_op_clear (&init_op);
          return FALSE;
        }
    }

  /* Validates the name with the root rules: get_variable("_v") fails with
   * "'_v' is not a valid scope name". */
  ns_serial = _graft_next_serial ();
  ns = _graft_name_scope_push (graph, ts, v->name, ns_serial, error);
  if (ns == NULL)
    goto out;

  if (const_def != NULL)
    {
      const char *names[] = { "value", "dtype" };
      GraftAttrValue vals[2];

      vals[0].tensor = graft_initializer_get_value (init);
      vals[1].type = v->dtype;
      v->initial_value = make_op (graph, ts, const_def, "initial_value", NULL, 0, names, vals, 2, error);
    }
  else
    {
      guint64 serial = _graft_next_serial ();
      g_autofree char *init_ns = _graft_name_scope_push (graph, ts, "Initializer", serial, error);

      if (init_ns != NULL)
        {
          v->initial_value = _graft_graph_create_op (graph, ts, init_op.def, NULL, NULL, 0,
                                                     init_op.vals, init_op.set, NULL, 0, error);
          _graft_name_scope_pop (ts, serial, NULL);
        }
    }
  if (v->initial_value != NULL)
    {
      const char *var_names[] = { "shape", "dtype" };
      GraftAttrValue var_vals[2];
      const char *assign_names[] = { "validate_shape" };
      GraftAttrValue assign_vals[1];
      GraftOutput *in[2];

      var_vals[0].shape = v->shape;
      var_vals[1].type = v->dtype;
      v->output = make_op (graph, ts, var_def, ns, NULL, 0, var_names, var_vals, 2, error);
      g_assert (v->output != NULL);

      in[0] = v->output;
      in[1] = v->initial_value;
      assign_vals[0].b = validate_shape;
      v->assign = make_op (graph, ts, assign_def, "Assign", in, 2, assign_names, assign_vals, 1, error);
      g_assert (v->assign != NULL);
      v->read = make_op (graph, ts, read_def, "read", in, 1, NULL, NULL, 0, error);
      g_assert (v->read != NULL);
      ok = TRUE;
    }
  _graft_name_scope_pop (ts, ns_serial, NULL);

out:
  init_op_clear (&init_op);
  return ok;
}

/* Runs an initializer outside any graph or session, with an explicit seed
 * pair: for tests of the initializers' formulas and statistics. */
GraftTensor *
_graft_initializer_evaluate (GraftInitializer *init,
                             GraftDType        dtype,
                             GraftShape       *shape,
                             gint64            seed,
                             gint64            seed2,
                             GError          **error)
{
  InitOp op = { 0 };
  GraftKernel kernel = { 0 };
  GraftTensor *out = NULL;
  gint a;

  if (graft_initializer_is_value (init))
    return graft_tensor_ref (graft_initializer_get_value (init));
  if (init_op_prepare (init, "(evaluated)", dtype, shape, seed, seed2, &op, error))
    {
      GraftShapeContext ctx = { 0 };
      gint rank;
      gint64 dims[GRAFT_MAX_RANK];
      GraftDType out_dtype;
      g_autoptr(GraftShape) out_shape = NULL;

      /* Bind the type attribute and check the dtype constraint as building
       * the op would. */
      a = op.def->outputs[0].type_attr;
      out_dtype = a >= 0 ? op.vals[a].type : op.def->outputs[0].dtype;
      if (a >= 0 && op.def->attrs[a].allowed_dtypes != 0 &&
          !(op.def->attrs[a].allowed_dtypes & (1u << out_dtype)))
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE, "%s: %s is not an allowed dtype",
                     op.def->name, graft_dtype_get_name (out_dtype));
      else
        {
          for (guint i = 0; i < op.def->n_attrs; i++)
            if (!op.set[i] && op.def->attrs[i].has_default)
              {
                op.vals[i] = op.def->attrs[i].default_value;
                op.set[i] = 2;  /* borrowed: not cleared */
              }
          ctx.def = op.def;
          ctx.op_name = op.def->name;
          ctx.attrs = op.vals;
          ctx.out_ranks = &rank;
          ctx.out_dims = dims;
          if (_graft_shape_context_run (&ctx, error))
            {
              out_shape = graft_shape_new (dims, rank);
              out = graft_tensor_new_zeros (out_dtype, out_shape, error);
              kernel.def = op.def;
              kernel.op_name = op.def->name;
              kernel.seed = seed;
              kernel.seed2 = seed2;
              kernel.has_seeds = TRUE;
              if (out != NULL && !_graft_kernel_invoke (&kernel, op.vals, NULL, &out, error))
                g_clear_pointer (&out, graft_tensor_unref);
            }
          for (guint i = 0; i < op.def->n_attrs; i++)
            if (op.set[i] == 2)
              op.set[i] = FALSE;
        }
    }
  init_op_clear (&op);
  return out;
}

static void
add_unique (GPtrArray  *list,
            const char *key)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), key) == 0)
      return;
  g_ptr_array_add (list, g_strdup (key));
}

/* _VariableStore._get_single_variable (and the store-level steps before
 * it); `request` is complete: scope defaults are filled in. */
GraftVariable *
_graft_true_getter (GraftGraph           *graph,
                    GraftVariableRequest *request,
                    GError              **error)
{
  GraftVariableStore *store = _graft_variable_store (graph);
  GraftInitializer *init = request->initializer;
  gboolean from_value = init != NULL && graft_initializer_is_value (init);
  g_autoptr(GraftInitializer) default_init = NULL;
  g_autoptr(GPtrArray) collections = NULL;
  GraftVariable *v = NULL, *existing;
  const char *name = request->name;
  GraftDType dtype = request->dtype;

  /* 1. A value initializer carries its shape. */
  if (from_value && request->shape != NULL)
    {
      g_autofree char *s = graft_shape_to_string (request->shape);
      g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE,
                   "If initializer is a constant, do not specify shape. (variable %s, shape %s)", name, s);
      return NULL;
    }

  g_mutex_lock (&store->lock);
  existing = store_lookup (store, name);
  if (existing != NULL)
    {
      /* 3. Sharing: only with reuse, and only a compatible variable. */
      if (request->reuse == GRAFT_REUSE_INHERIT)
        {
          g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_ALREADY_EXISTS,
                       "Variable %s already exists, disallowed. Did you mean to set reuse=True "
                       "or reuse=tf.AUTO_REUSE in VarScope?", name);
          goto out;
        }
      if (request->shape != NULL && !graft_shape_is_compatible_with (request->shape, existing->shape))
        {
          g_autofree char *want = NULL, *have = NULL;
          shape_str (request->shape, &want);
          shape_str (existing->shape, &have);
          g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_SHAPE_MISMATCH,
                       "Trying to share variable %s, but specified shape %s and found shape %s.",
                       name, want, have);
          goto out;
        }
      if (dtype != existing->dtype)
        {
          g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DTYPE_MISMATCH,
                       "Trying to share variable %s, but specified dtype %s and found dtype %s_ref.",
                       name, graft_dtype_get_name (dtype), graft_dtype_get_name (existing->dtype));
          goto out;
        }
      v = existing;
      goto out;
    }

  /* 4. */
  if (request->reuse == GRAFT_REUSE_TRUE)
    {
      g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
                   "Variable %s does not exist, or was not created with tf.get_variable(). "
                   "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?", name);
      goto out;
    }

  /* 5. The default initializer by dtype. */
  if (init == NULL)
    {
      if (graft_dtype_is_floating (dtype))
        init = default_init = graft_initializer_new ("glorot_uniform", NULL);
      else if (graft_dtype_is_integer (dtype) || dtype == GRAFT_DTYPE_BOOL)
        init = default_init = graft_initializer_new_zeros ();
      else
        {
          g_autofree char *d = graft_dtype_to_string (dtype);
          g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED,
                       "An initializer for variable %s of %s is required", name, d);
          goto out;
        }
    }

  /* 6. A callable initializer needs a fully defined shape (1.14+ text). */
  if (!from_value && (request->shape == NULL || !graft_shape_is_fully_defined (request->shape)))
    {
      g_autofree char *s = NULL;
      shape_str (request->shape, &s);
      g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INVALID_INITIALIZER,
                   "The initializer passed is not valid. It should be a callable with no arguments "
                   "and the shape should not be provided or an instance of `tf.keras.initializers.*' "
                   "and `shape` should be fully defined. (variable %s, shape %s)", name, s);
      goto out;
    }

  /* 7. Create. */
  v = g_object_new (GRAFT_TYPE_VARIABLE, NULL);
  v->graph = graph;
  v->name = g_strdup (name);
  if (from_value)
    {
      GraftTensor *value = graft_initializer_get_value (init);
      v->dtype = graft_tensor_get_dtype (value);
      v->shape = graft_shape_ref (graft_tensor_get_shape (value));
    }
  else
    {
      v->dtype = dtype;
      v->shape = graft_shape_ref (request->shape);
    }
  v->trainable = request->trainable;
  v->initializer = g_object_ref (init);
  v->constraint = request->constraint ? graft_constraint_ref (request->constraint) : NULL;
  v->caching_device = g_strdup (request->caching_device);

  collections = g_ptr_array_new_with_free_func (g_free);
  if (request->collections == NULL)
    add_unique (collections, GRAFT_GLOBAL_VARIABLES);
  else
    for (guint i = 0; request->collections[i] != NULL; i++)
      add_unique (collections, request->collections[i]);
  if (v->trainable)
    add_unique (collections, GRAFT_TRAINABLE_VARIABLES);
  g_ptr_array_add (collections, NULL);
  v->collections = g_strdupv ((char **) collections->pdata);

  if (!build_variable_ops (graph, v, init, request->validate_shape, error))
    {
      g_clear_object (&v);
      goto out;
    }

  /* 8. Collections, then the store: nothing is registered before the ops
   * exist, so a failure above left no trace but the consumed name. */
  g_mutex_lock (&graph->lock);
  for (guint i = 0; v->collections[i] != NULL; i++)
    _graft_graph_add_collection_item_locked (graph, v->collections[i], v->output, v);
  g_mutex_unlock (&graph->lock);
  _graft_strmap_insert (&store->vars, v->name, _graft_str_hash (v->name, strlen (v->name)))->value = v;
  g_mutex_unlock (&store->lock);

  /* 9. The regularizer runs outside the store lock: it is user code that
   * may build ops or even get variables. */
  if (request->regularizer != NULL && request->regularizer->func != NULL)
    {
      GraftThreadState *ts = _graft_graph_thread_state (graph);
      guint64 serial = _graft_next_serial ();
      g_autofree char *abs = g_strconcat (name, "/Regularizer/", NULL);
      g_autofree char *ns = _graft_name_scope_push (graph, ts, abs, serial, NULL);
      GraftOutput *loss;

      loss = request->regularizer->func (v, request->regularizer->user_data);
      if (ns != NULL)
        _graft_name_scope_pop (ts, serial, NULL);
      if (loss != NULL && graft_output_get_graph (loss) == graph)
        {
          g_mutex_lock (&graph->lock);
          _graft_graph_add_collection_item_locked (graph, GRAFT_REGULARIZATION_LOSSES, loss, NULL);
          g_mutex_unlock (&graph->lock);
        }
    }
  return v;

out:
  g_mutex_unlock (&store->lock);
  return v;
}

/* Sharing an existing variable is the common case in model code (every
 * tower after the first, every step of a loop that rebuilds): it is served
 * here without copying the request or touching the name stack, when no
 * custom getter is involved and nothing can fail. Anything else (a missing
 * variable, a mismatch that must be reported, a value initializer) goes
 * the full way, which then does every check in TensorFlow's order. */
static GraftVariable *
share_fast (GraftGraph       *graph,
            const char       *name,
            GraftShape       *shape,
            GraftDType        dtype,
            GraftInitializer *initializer,
            GraftCustomGetter *getter)
{
  GraftThreadState *ts = _graft_graph_thread_state (graph);
  GraftScope *scope = _graft_scope_state (ts)->current;
  GraftVariableStore *store;
  GraftVariable *v = NULL;
  char stack[256];
  gsize scope_len = scope->name->len, name_len = strlen (name);
  char *full = scope_len + name_len + 2 <= sizeof stack ? stack : g_malloc (scope_len + name_len + 2);

  if (getter != NULL || scope->custom_getter != NULL || scope->reuse == GRAFT_REUSE_INHERIT ||
      (initializer != NULL && graft_initializer_is_value (initializer)) ||
      (initializer == NULL && scope->initializer != NULL && graft_initializer_is_value (scope->initializer)))
    goto out;
  if (scope_len > 0)
    {
      _graft_scope_name_write (scope->name, full);
      full[scope_len] = '/';
      memcpy (full + scope_len + 1, name, name_len + 1);
    }
  else
    memcpy (full, name, name_len + 1);

  store = _graft_variable_store (graph);
  g_mutex_lock (&store->lock);
  v = store_lookup (store, full);
  if (v != NULL && ((shape != NULL && !graft_shape_is_compatible_with (shape, v->shape)) ||
                    (dtype != GRAFT_DTYPE_INVALID ? dtype : scope->dtype) != v->dtype))
    v = NULL;
  g_mutex_unlock (&store->lock);

out:
  if (full != stack)
    g_free (full);
  return v;
}

/**
 * graft_graph_get_variable_full:
 * @graph: a #GraftGraph
 * @request: the arguments of `tf.get_variable`
 * @error: return location for a #GError
 *
 * `tf.get_variable`: gets the variable `SCOPE/NAME` of the calling thread's
 * current variable scope, or creates it, as the scope's reuse says:
 * #GRAFT_REUSE_INHERIT creates only, #GRAFT_REUSE_TRUE shares only,
 * #GRAFT_REUSE_AUTO does either. Unset arguments come from the scope
 * (initializer, regularizer, dtype, custom getter, caching device,
 * constraint); a new variable without initializer takes glorot_uniform
 * (floats) or zeros (integers, bool). Its ops are named from the root name
 * scope, whatever the current one: `NAME`, `NAME/Initializer/…`,
 * `NAME/Assign`, `NAME/read`.
 *
 * Errors are #GRAFT_VARIABLE_ERROR with TensorFlow's texts, or
 * #GRAFT_GRAPH_ERROR for an invalid name or initializer. A failed call
 * leaves the store and the collections as they were.
 *
 * Returns: (transfer none): the variable, owned by the graph, or %NULL with
 *   @error set
 */
GraftVariable *
graft_graph_get_variable_full (GraftGraph           *graph,
                               GraftVariableRequest *request,
                               GError              **error)
{
  g_autoptr(GraftVariableRequest) r = NULL;
  g_autofree char *saved_stack = NULL;
  GraftThreadState *ts;
  GraftScope *scope;
  GraftCustomGetter *getter;
  GraftVariable *v;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  v = share_fast (graph, request->name, request->shape, request->dtype, request->initializer, request->custom_getter);
  if (v != NULL)
    return v;

  ts = _graft_graph_thread_state (graph);
  scope = _graft_scope_state (ts)->current;
  r = graft_variable_request_copy (request);

  /* VariableScope.get_variable: fill from the scope, then call the store
   * under the root name scope. */
  if (r->regularizer == NULL && scope->regularizer != NULL)
    r->regularizer = graft_regularizer_ref (scope->regularizer);
  if (!r->has_caching_device && scope->caching_device != NULL)
    graft_variable_request_set_caching_device (r, scope->caching_device);
  getter = r->custom_getter ? r->custom_getter : scope->custom_getter;
  r->reuse = scope->reuse;
  if (scope->name->len > 0)
    {
      gsize name_len = strlen (request->name);
      g_autofree char *full = g_malloc (scope->name->len + name_len + 2);

      /* Written from the name's nodes: not cached on the scope. */
      _graft_scope_name_write (scope->name, full);
      full[scope->name->len] = '/';
      memcpy (full + scope->name->len + 1, request->name, name_len + 1);
      graft_variable_request_set_name (r, full);
    }

  if (request->dtype != GRAFT_DTYPE_INVALID && request->initializer != NULL &&
      graft_initializer_is_value (request->initializer) &&
      graft_tensor_get_dtype (graft_initializer_get_value (request->initializer)) != request->dtype)
    {
      g_autofree char *a = graft_dtype_to_string (graft_tensor_get_dtype (graft_initializer_get_value (request->initializer)));
      g_autofree char *b = graft_dtype_to_string (request->dtype);
      g_set_error (error, GRAFT_VARIABLE_ERROR, GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE,
                   "Initializer type '%s' and explicit dtype '%s' don't match. (variable %s)", a, b, r->name);
      return NULL;
    }
  if (r->initializer == NULL && scope->initializer != NULL)
    r->initializer = g_object_ref (scope->initializer);
  if (r->constraint == NULL && scope->constraint != NULL)
    r->constraint = graft_constraint_ref (scope->constraint);
  if (r->dtype == GRAFT_DTYPE_INVALID)
    r->dtype = scope->dtype;

  saved_stack = g_strdup (ts->name_stack->str);
  _graft_name_stack_set (ts, "");
  v = _graft_getter_chain_call (graph, getter, r, error);
  _graft_name_stack_set (ts, saved_stack);
  return v;
}

/**
 * graft_graph_new_variable:
 * @graph: a #GraftGraph
 * @initial_value: the variable's initial value (its dtype and shape)
 * @name: the name, relative to the calling thread's current name scope
 * @trainable: whether the variable joins the trainable variables
 * @error: return location for a #GError
 *
 * `tf.Variable (initial_value, name=name, trainable=trainable)`: a variable
 * named by the current *name* scope, made unique like an op name (a second
 * `beta1_power` is `beta1_power_1`), not by the variable scope, and not in
 * the variable store, so get_variable() never shares it. Its ops are
 * `NAME/initial_value`, `NAME`, `NAME/Assign` and `NAME/read`; it joins the
 * global variables (and the trainable ones when @trainable).
 *
 * Returns: (transfer none): the variable, owned by the graph, or %NULL with
 *   @error set (an invalid name); nothing is left in the graph then
 */
GraftVariable *
graft_graph_new_variable (GraftGraph  *graph,
                          GraftTensor *initial_value,
                          const char  *name,
                          gboolean     trainable,
                          GError     **error)
{
  g_autoptr(GraftInitializer) init = NULL;
  GraftVariableStore *store;
  GraftVariable *v;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (initial_value != NULL, NULL);
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  init = graft_initializer_new_value (initial_value);
  v = g_object_new (GRAFT_TYPE_VARIABLE, NULL);
  v->graph = graph;
  v->name = g_strdup (name);
  v->dtype = graft_tensor_get_dtype (initial_value);
  v->shape = graft_shape_ref (graft_tensor_get_shape (initial_value));
  v->trainable = trainable;
  v->initializer = g_object_ref (init);
  v->collections = trainable ? g_strdupv ((char *[]) { GRAFT_GLOBAL_VARIABLES, GRAFT_TRAINABLE_VARIABLES, NULL })
                             : g_strdupv ((char *[]) { GRAFT_GLOBAL_VARIABLES, NULL });
  /* The name scope opened is the current one's child, uniquified: its
   * name is the variable's. */
  if (!build_variable_ops (graph, v, init, TRUE, error))
    {
      g_object_unref (v);
      return NULL;
    }
  g_free (v->name);
  v->name = g_strdup (graft_output_get_op_name (v->output));

  g_mutex_lock (&graph->lock);
  for (guint i = 0; v->collections[i] != NULL; i++)
    _graft_graph_add_collection_item_locked (graph, v->collections[i], v->output, v);
  g_mutex_unlock (&graph->lock);
  store = _graft_variable_store (graph);
  g_mutex_lock (&store->lock);
  g_ptr_array_add (store->plain, v);
  g_mutex_unlock (&store->lock);
  return v;
}

/**
 * graft_graph_get_variable:
 * @graph: a #GraftGraph
 * @name: the name, relative to the current variable scope
 * @shape: (nullable): the shape; %NULL for "not given"
 * @dtype: the dtype, or #GRAFT_DTYPE_INVALID for the scope's (float32)
 * @initializer: (nullable): the initializer, %NULL for the scope's or the
 *   dtype's default
 * @error: return location for a #GError
 *
 * `tf.get_variable (name, shape, dtype, initializer)`; see
 * graft_graph_get_variable_full() for every argument and the rules.
 *
 * Returns: (transfer none): the variable, or %NULL with @error set
 */
GraftVariable *
graft_graph_get_variable (GraftGraph        *graph,
                          const char        *name,
                          GraftShape        *shape,
                          GraftDType         dtype,
                          GraftInitializer  *initializer,
                          GError           **error)
{
  g_autoptr(GraftVariableRequest) r = NULL;
  GraftVariable *v;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  v = share_fast (graph, name, shape, dtype, initializer, NULL);
  if (v != NULL)
    return v;
  r = graft_variable_request_new (name);
  graft_variable_request_set_shape (r, shape);
  r->dtype = dtype;
  graft_variable_request_set_initializer (r, initializer);
  return graft_graph_get_variable_full (graph, r, error);
}

/**
 * graft_graph_get_local_variable_full:
 * @graph: a #GraftGraph
 * @request: the arguments of `tf.get_local_variable`
 * @error: return location for a #GError
 *
 * Like graft_graph_get_variable_full(), with `trainable` off and
 * `local_variables` appended to the collections (the only one when none
 * are given).
 *
 * Returns: (transfer none): the variable, or %NULL with @error set
 */
GraftVariable *
graft_graph_get_local_variable_full (GraftGraph           *graph,
                                     GraftVariableRequest *request,
                                     GError              **error)
{
  g_autoptr(GraftVariableRequest) r = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  r = graft_variable_request_copy (request);
  r->trainable = FALSE;
  /* Copies, not the request's own strings: setting the collections frees
   * the old list before it copies the new one. */
  keys = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; r->collections != NULL && r->collections[i] != NULL; i++)
    g_ptr_array_add (keys, g_strdup (r->collections[i]));
  g_ptr_array_add (keys, g_strdup (GRAFT_LOCAL_VARIABLES));
  g_ptr_array_add (keys, NULL);
  graft_variable_request_set_collections (r, (const char * const *) keys->pdata);
  return graft_graph_get_variable_full (graph, r, error);
}

/**
 * graft_graph_get_local_variable:
 * @graph: a #GraftGraph
 * @name: the name, relative to the current variable scope
 * @shape: (nullable): the shape
 * @dtype: the dtype, or #GRAFT_DTYPE_INVALID for the scope's
 * @initializer: (nullable): the initializer
 * @error: return location for a #GError
 *
 * `tf.get_local_variable`: see graft_graph_get_local_variable_full().
 *
 * Returns: (transfer none): the variable, or %NULL with @error set
 */
GraftVariable *
graft_graph_get_local_variable (GraftGraph        *graph,
                                const char        *name,
                                GraftShape        *shape,
                                GraftDType         dtype,
                                GraftInitializer  *initializer,
                                GError           **error)
{
  g_autoptr(GraftVariableRequest) r = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  r = graft_variable_request_new (name);
  graft_variable_request_set_shape (r, shape);
  r->dtype = dtype;
  graft_variable_request_set_initializer (r, initializer);
  return graft_graph_get_local_variable_full (graph, r, error);
}

/**
 * graft_graph_lookup_variable:
 * @graph: a #GraftGraph
 * @name: a full variable name, such as `test1/test2/w1`
 *
 * Looks a variable up in the store, without scopes, reuse or creation.
 *
 * Returns: (transfer none) (nullable): the variable, or %NULL
 */
GraftVariable *
graft_graph_lookup_variable (GraftGraph *graph,
                             const char *name)
{
  GraftVariable *v;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  GraftVariableStore *store = _graft_variable_store (graph);

  g_mutex_lock (&store->lock);
  v = store_lookup (store, name);
  g_mutex_unlock (&store->lock);
  return v;
}

static gint
compare_op_ids (gconstpointer a,
                gconstpointer b)
{
  guint ia = graft_output_get_op_id ((*(GraftVariable *const *) a)->output);
  guint ib = graft_output_get_op_id ((*(GraftVariable *const *) b)->output);

  return ia < ib ? -1 : ia > ib;
}

/**
 * graft_graph_get_all_variables:
 * @graph: a #GraftGraph
 * @n_variables: (out): the number of variables
 *
 * Every variable of the graph's variable store, in the order they were
 * made: TensorFlow's `_get_default_variable_store()._vars`. Unlike the
 * collections it includes variables made with an empty collection list
 * (`collections=[]`).
 *
 * Returns: (array length=n_variables) (transfer container): the variables
 *
 * Since: 1.0
 */
GraftVariable **
graft_graph_get_all_variables (GraftGraph *graph,
                               guint      *n_variables)
{
  GraftVariableStore *store;
  GPtrArray *out;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (n_variables != NULL, NULL);

  store = _graft_variable_store (graph);
  out = g_ptr_array_new ();
  g_mutex_lock (&store->lock);
  for (guint32 i = 0; i <= store->vars.mask; i++)
    {
      GraftVariable *v = store->vars.entries[i].value;

      if (v != NULL && v->output != NULL)
        g_ptr_array_add (out, v);
    }
  g_mutex_unlock (&store->lock);
  /* The store is a hash table: creation order is the ops' order. */
  g_ptr_array_sort (out, compare_op_ids);
  *n_variables = out->len;
  return (GraftVariable **) g_ptr_array_free (out, FALSE);
}

/**
 * graft_graph_get_collection_variables:
 * @graph: a #GraftGraph
 * @key: a collection name
 * @scope: (nullable): keep only variables whose op name starts with this
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the variables
 *   of a collection, in the order they joined it
 */
GraftVariable **
graft_graph_get_collection_variables (GraftGraph *graph,
                                      const char *key,
                                      const char *scope,
                                      guint      *n_variables)
{
  GPtrArray *items, *out;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (n_variables != NULL, NULL);

  out = g_ptr_array_new ();
  g_mutex_lock (&graph->lock);
  items = g_hash_table_lookup (graph->collections, key);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      GraftCollectionItem *item = g_ptr_array_index (items, i);
      if (item->variable != NULL && _graft_name_in_scope (item->output->node->name, scope))
        g_ptr_array_add (out, item->variable);
    }
  g_mutex_unlock (&graph->lock);
  *n_variables = out->len;
  return (GraftVariable **) g_ptr_array_free (out, FALSE);
}

/**
 * graft_graph_get_global_variables:
 * @graph: a #GraftGraph
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the global
 *   variables
 */
GraftVariable **
graft_graph_get_global_variables (GraftGraph *graph,
                                  guint      *n_variables)
{
  return graft_graph_get_collection_variables (graph, GRAFT_GLOBAL_VARIABLES, NULL, n_variables);
}

/**
 * graft_graph_get_trainable_variables:
 * @graph: a #GraftGraph
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the trainable
 *   variables
 */
GraftVariable **
graft_graph_get_trainable_variables (GraftGraph *graph,
                                     guint      *n_variables)
{
  return graft_graph_get_collection_variables (graph, GRAFT_TRAINABLE_VARIABLES, NULL, n_variables);
}

/**
 * graft_graph_get_local_variables:
 * @graph: a #GraftGraph
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the local
 *   variables
 */
GraftVariable **
graft_graph_get_local_variables (GraftGraph *graph,
                                 guint      *n_variables)
{
  return graft_graph_get_collection_variables (graph, GRAFT_LOCAL_VARIABLES, NULL, n_variables);
}

/* ---- initializers and assignments ---- */

/**
 * graft_graph_variables_initializer:
 * @graph: a #GraftGraph
 * @variables: (array length=n_variables) (nullable): the variables
 * @n_variables: the number of variables
 * @name: (nullable): the op's name; %NULL for `init`
 * @error: return location for a #GError
 *
 * `tf.variables_initializer`: a `NoOp` whose control inputs are the
 * variables' `Assign` ops. Running it as a target initializes them.
 *
 * Returns: (transfer none): the op, or %NULL with @error set
 */
GraftOutput *
graft_graph_variables_initializer (GraftGraph     *graph,
                                   GraftVariable **variables,
                                   guint           n_variables,
                                   const char     *name,
                                   GError        **error)
{
  g_autoptr(GraftOpBuilder) b = NULL;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (variables != NULL || n_variables == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < n_variables; i++)
    if (!GRAFT_IS_VARIABLE (variables[i]) || variables[i]->graph != graph)
      {
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                     "Variable %u of the list is not a variable of this graph", i);
        return NULL;
      }
  b = graft_op_builder_new (graph, "NoOp", name ? name : "init");
  for (guint i = 0; i < n_variables; i++)
    graft_op_builder_add_control_input (b, variables[i]->assign);
  return graft_op_builder_finish (b, error);
}

static GraftOutput *
collection_initializer (GraftGraph  *graph,
                        const char  *key,
                        GError     **error)
{
  guint n;
  g_autofree GraftVariable **vars = graft_graph_get_collection_variables (graph, key, NULL, &n);

  return graft_graph_variables_initializer (graph, vars, n, "init", error);
}

/**
 * graft_graph_global_variables_initializer:
 * @graph: a #GraftGraph
 * @error: return location for a #GError
 *
 * `tf.global_variables_initializer()`: initializes the global variables
 * that exist **when this function is called**, as in TensorFlow. A variable
 * made afterwards needs another initializer op.
 *
 * Returns: (transfer none): the `init` op, or %NULL with @error set
 */
GraftOutput *
graft_graph_global_variables_initializer (GraftGraph  *graph,
                                          GError     **error)
{
  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  return collection_initializer (graph, GRAFT_GLOBAL_VARIABLES, error);
}

/**
 * graft_graph_local_variables_initializer:
 * @graph: a #GraftGraph
 * @error: return location for a #GError
 *
 * `tf.local_variables_initializer()`, for the local variables that exist
 * when it is called.
 *
 * Returns: (transfer none): the `init` op, or %NULL with @error set
 */
GraftOutput *
graft_graph_local_variables_initializer (GraftGraph  *graph,
                                         GError     **error)
{
  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  return collection_initializer (graph, GRAFT_LOCAL_VARIABLES, error);
}

static GraftOutput *
assign_op (GraftVariable *variable,
           const char    *type,
           GraftOutput   *value,
           GError       **error)
{
  g_autoptr(GraftOpBuilder) b = NULL;

  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (variable->graph == NULL)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                   "The graph of variable %s is gone", variable->name);
      return NULL;
    }
  b = graft_op_builder_new (variable->graph, type, NULL);
  graft_op_builder_add_input (b, variable->output);
  graft_op_builder_add_input (b, value);
  return graft_op_builder_finish (b, error);
}

/**
 * graft_variable_assign:
 * @variable: a #GraftVariable
 * @value: a value of the variable's dtype and shape
 * @error: return location for a #GError
 *
 * `tf.assign`: an `Assign` op storing @value in the variable when run.
 *
 * Returns: (transfer none): the op (its output is the new value), or %NULL
 *   with @error set
 */
GraftOutput *
graft_variable_assign (GraftVariable *variable,
                       GraftOutput   *value,
                       GError       **error)
{
  return assign_op (variable, "Assign", value, error);
}

/**
 * graft_variable_assign_add:
 * @variable: a #GraftVariable
 * @value: a value of the variable's dtype and shape
 * @error: return location for a #GError
 *
 * `tf.assign_add`: an `AssignAdd` op adding @value to the variable.
 *
 * Returns: (transfer none): the op, or %NULL with @error set
 */
GraftOutput *
graft_variable_assign_add (GraftVariable *variable,
                           GraftOutput   *value,
                           GError       **error)
{
  return assign_op (variable, "AssignAdd", value, error);
}

/**
 * graft_variable_assign_sub:
 * @variable: a #GraftVariable
 * @value: a value of the variable's dtype and shape
 * @error: return location for a #GError
 *
 * `tf.assign_sub`: an `AssignSub` op subtracting @value from the variable.
 *
 * Returns: (transfer none): the op, or %NULL with @error set
 */
GraftOutput *
graft_variable_assign_sub (GraftVariable *variable,
                           GraftOutput   *value,
                           GError       **error)
{
  return assign_op (variable, "AssignSub", value, error);
}

/* ---- accessors ---- */

/**
 * graft_variable_get_name:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none): the full name, the store key (`test1/test2/w1`)
 */
const char *
graft_variable_get_name (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->name;
}

/**
 * graft_variable_get_op_name:
 * @variable: a #GraftVariable
 *
 * The name of the variable op. It is the full name unless another op had
 * taken that name, in which case it is uniquified (`foo/v_1`) while the
 * variable's name stays `foo/v`.
 *
 * Returns: (transfer none) (nullable): the op name, %NULL once the graph is
 *   gone
 */
const char *
graft_variable_get_op_name (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->output ? graft_output_get_op_name (variable->output) : NULL;
}

/**
 * graft_variable_get_graph:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): the graph, %NULL once it is gone
 */
GraftGraph *
graft_variable_get_graph (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->graph;
}

/**
 * graft_variable_get_dtype:
 * @variable: a #GraftVariable
 *
 * Returns: the dtype
 */
GraftDType
graft_variable_get_dtype (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), GRAFT_DTYPE_INVALID);
  return variable->dtype;
}

/**
 * graft_variable_get_shape:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none): the shape, fully defined
 */
GraftShape *
graft_variable_get_shape (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->shape;
}

/**
 * graft_variable_get_trainable:
 * @variable: a #GraftVariable
 *
 * Returns: whether the variable is trainable
 */
gboolean
graft_variable_get_trainable (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), FALSE);
  return variable->trainable;
}

/**
 * graft_variable_get_initializer:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none): the initializer the variable was made with
 *   (after scope and dtype defaults)
 */
GraftInitializer *
graft_variable_get_initializer (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->initializer;
}

/**
 * graft_variable_get_collections:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (array zero-terminated=1): the collections the
 *   variable joined when it was made
 */
const char * const *
graft_variable_get_collections (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return (const char * const *) variable->collections;
}

/**
 * graft_variable_get_constraint:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): the constraint
 */
GraftConstraint *
graft_variable_get_constraint (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->constraint;
}

/**
 * graft_variable_get_caching_device:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): the caching device
 */
const char *
graft_variable_get_caching_device (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->caching_device;
}

/**
 * graft_variable_get_output:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): the variable op's output (`NAME:0`),
 *   %NULL once the graph is gone
 */
GraftOutput *
graft_variable_get_output (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->output;
}

/**
 * graft_variable_get_value:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): `NAME/read:0`, the snapshot to use
 *   as an op input
 */
GraftOutput *
graft_variable_get_value (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->read;
}

/**
 * graft_variable_get_initializer_op:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): `NAME/Assign`, which gives the
 *   variable its initial value when a session runs it
 */
GraftOutput *
graft_variable_get_initializer_op (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->assign;
}

/**
 * graft_variable_get_initial_value:
 * @variable: a #GraftVariable
 *
 * Returns: (transfer none) (nullable): the initializer op's output
 */
GraftOutput *
graft_variable_get_initial_value (GraftVariable *variable)
{
  g_return_val_if_fail (GRAFT_IS_VARIABLE (variable), NULL);
  return variable->initial_value;
}
