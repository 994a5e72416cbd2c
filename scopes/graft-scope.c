/* graft-scope.c: variable scopes, first-class.
 *
 * The rules are TensorFlow 1.15's `variable_scope`: see
 * shared/spec/scopes.md. In short, a scope entered by name inherits the
 * enclosing scope's reuse and defaults; a scope re-entered through a captured
 * object takes that object's own, ignoring the enclosing scope.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-scopes-private.h"

/**
 * GraftScope:
 *
 * A variable scope: a name prefix for get_variable(), a reuse mode, and
 * defaults for the variables made in it (initializer, regularizer, dtype,
 * custom getter, caching device, constraint).
 *
 * Scopes are entered with graft_graph_enter_variable_scope() (by name),
 * graft_graph_reenter_variable_scope() (by a captured scope object) or
 * graft_graph_enter_default_variable_scope(), and left with
 * graft_scope_exit(). Entering by name yields the live scope; entering by
 * object yields a fresh copy of the object with the overrides applied, so
 * changing the copy never changes the captured object.
 */
G_DEFINE_FINAL_TYPE (GraftScope, graft_scope, G_TYPE_OBJECT)

/* ---- names: a parent and a leaf ---- */

static GraftScopeName *
scope_name_ref (GraftScopeName *name)
{
  g_atomic_int_inc (&name->ref_count);
  return name;
}

static void
scope_name_unref (GraftScopeName *name)
{
  /* A loop, not recursion: dropping a 10⁵-deep chain must not overflow
   * the stack. */
  while (name != NULL && g_atomic_int_dec_and_test (&name->ref_count))
    {
      GraftScopeName *parent = name->parent;

      g_free (name->full);
      g_free (name);
      name = parent;
    }
}

static GraftScopeName *
scope_name_new_piece (GraftScopeName *parent,
                      const char     *leaf,
                      gsize           leaf_len,
                      gboolean        sep)
{
  GraftScopeName *name = g_malloc (sizeof *name + leaf_len + 1);
  guint32 hash = parent != NULL ? parent->hash : 5381;

  /* The hash is the full string's, so that names equal as strings hash
   * alike whatever nodes spell them. */
  if (sep)
    hash = hash * 33 + '/';
  for (gsize i = 0; i < leaf_len; i++)
    hash = hash * 33 + (guchar) leaf[i];
  name->ref_count = 1;
  name->parent = parent != NULL ? scope_name_ref (parent) : NULL;
  name->hash = hash;
  name->sep = sep;
  name->len = (parent != NULL ? parent->len : 0) + (sep ? 1 : 0) + leaf_len;
  name->leaf_len = leaf_len;
  name->full = NULL;
  memcpy (name->leaf, leaf, leaf_len);
  name->leaf[leaf_len] = '\0';
  return name;
}

/* `parent/leaf` (just `leaf` under an empty name, as TensorFlow joins
 * them), one node per '/'-separated component of @leaf: then the nodes under
 * a scope are exactly the names that start with its name and a '/'. */
static GraftScopeName *
scope_name_child (GraftScopeName *parent,
                  const char     *leaf)
{
  GraftScopeName *name = scope_name_ref (parent);
  gboolean sep = parent->len > 0;

  for (;;)
    {
      const char *slash = strchr (leaf, '/');
      gsize len = slash != NULL ? (gsize) (slash - leaf) : strlen (leaf);
      GraftScopeName *next = scope_name_new_piece (name, leaf, len, sep);

      scope_name_unref (name);
      name = next;
      if (slash == NULL)
        return name;
      leaf = slash + 1;
      sep = TRUE;
    }
}

/* Writes the full name (name->len bytes, no NUL) from the leaf up. */
void
_graft_scope_name_write (const GraftScopeName *name,
                         char                 *dest)
{
  gsize pos = name->len;

  for (const GraftScopeName *n = name; n != NULL && pos > 0; n = n->parent)
    {
      const char *full = g_atomic_pointer_get (&((GraftScopeName *) n)->full);

      if (full != NULL)
        {
          memcpy (dest, full, pos);
          return;
        }
      pos -= n->leaf_len;
      memcpy (dest + pos, n->leaf, n->leaf_len);
      if (n->sep)
        dest[--pos] = '/';
    }
}

/* The full string, made on first request and kept: only the scopes whose
 * names are asked for pay for them. */
static const char *
scope_name_get (GraftScopeName *name)
{
  char *full = g_atomic_pointer_get (&name->full);

  if (G_LIKELY (full != NULL))
    return full;
  full = g_malloc (name->len + 1);
  _graft_scope_name_write (name, full);
  full[name->len] = '\0';
  if (!g_atomic_pointer_compare_and_exchange (&name->full, NULL, full))
    g_free (full);
  return g_atomic_pointer_get (&name->full);
}

/* Hash and equality of the full strings; NULL (the root's parent) is a key
 * too. */
static guint
scope_name_hash (gconstpointer key)
{
  return key != NULL ? ((const GraftScopeName *) key)->hash : 0;
}

static gboolean
scope_name_equal (gconstpointer a,
                  gconstpointer b)
{
  const GraftScopeName *x = a, *y = b;
  g_autofree char *sx = NULL, *sy = NULL;

  if (x == NULL || y == NULL)
    return x == y;
  if (x->len != y->len || x->hash != y->hash)
    return FALSE;
  /* Usually the same nodes, or the same leaves under a shared parent. */
  for (; x != y; x = x->parent, y = y->parent)
    if (x == NULL || y == NULL || x->sep != y->sep || x->leaf_len != y->leaf_len ||
        memcmp (x->leaf, y->leaf, x->leaf_len) != 0)
      break;
  if (x == y)
    return TRUE;
  /* Spelt differently (an empty component): compare the strings. */
  x = a;
  y = b;
  sx = g_malloc (x->len + 1);
  sy = g_malloc (y->len + 1);
  _graft_scope_name_write (x, sx);
  _graft_scope_name_write (y, sy);
  return memcmp (sx, sy, x->len) == 0;
}

static void
graft_scope_finalize (GObject *object)
{
  GraftScope *self = GRAFT_SCOPE (object);

  g_weak_ref_clear (&self->graph);
  scope_name_unref (self->name);
  g_free (self->original_name_scope);
  g_clear_object (&self->initializer);
  g_clear_pointer (&self->regularizer, graft_regularizer_unref);
  g_clear_pointer (&self->custom_getter, graft_custom_getter_unref);
  g_clear_pointer (&self->constraint, graft_constraint_unref);
  g_free (self->caching_device);
  G_OBJECT_CLASS (graft_scope_parent_class)->finalize (object);
}

static void
graft_scope_class_init (GraftScopeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_scope_finalize;
}

static void
graft_scope_init (GraftScope *self)
{
  g_weak_ref_init (&self->graph, NULL);
  self->dtype = GRAFT_DTYPE_FLOAT32;
}

/* TensorFlow's VariableScope(reuse=False, name=""): each thread's root. */
static GraftScope *
scope_new_root (GraftGraph *graph)
{
  GraftScope *scope = g_object_new (GRAFT_TYPE_SCOPE, NULL);

  g_weak_ref_set (&scope->graph, graph);
  scope->name = scope_name_new_piece (NULL, "", 0, FALSE);
  scope->original_name_scope = g_strdup ("");
  scope->reuse = GRAFT_REUSE_INHERIT;
  return scope;
}

static GHashTable *counts_new (void);

static void
scope_frame_clear (gpointer data)
{
  GraftScopeFrame *f = data;

  g_clear_object (&f->scope);
  g_clear_object (&f->previous);
  g_clear_pointer (&f->snapshot, g_hash_table_unref);
}

static void
scope_state_free (gpointer data)
{
  GraftScopeState *ss = data;

  /* C's footgun: g_autoptr(GraftScope) on an entered scope compiles, and
   * only drops a reference; the scope stays entered and every later
   * variable lands in it. Nothing can tell at that point, so the graph
   * says so when it goes. */
  if (ss->frames->len > 0)
    g_warning ("variable scope '%s' was still entered when its graph was disposed "
               "(%u scope%s never left): leave scopes with graft_scope_exit(), or hold "
               "them in g_autoptr(GraftScopeGuard), not g_autoptr(GraftScope)",
               scope_name_get (g_array_index (ss->frames, GraftScopeFrame, ss->frames->len - 1).scope->name),
               ss->frames->len, ss->frames->len == 1 ? "" : "s");
  g_array_unref (ss->frames);
  g_hash_table_unref (ss->counts);
  g_clear_object (&ss->root);
  g_free (ss);
}

GraftScopeState *
_graft_scope_state_new (GraftThreadState *ts)
{
  GraftScopeState *ss = g_new0 (GraftScopeState, 1);

  ss->frames = g_array_new (FALSE, FALSE, sizeof (GraftScopeFrame));
  g_array_set_clear_func (ss->frames, scope_frame_clear);
  ss->counts = counts_new ();
  ss->root = scope_new_root (ts->graph);
  ss->current = ss->root;
  ts->scopes.data = ss;
  ts->scopes.free = scope_state_free;
  return ss;
}

/* ---- options ---- */

/**
 * GraftScopeOptions:
 *
 * The optional arguments of `tf.variable_scope`: defaults for the entered
 * scope (initializer, regularizer, custom getter, constraint, caching
 * device, dtype), whether to open a name scope, and the values whose graph
 * the scope must match. Unset options are inherited as the reuse rules say;
 * the constraint never is.
 */
G_DEFINE_BOXED_TYPE (GraftScopeOptions, graft_scope_options, graft_scope_options_ref, graft_scope_options_unref)

/**
 * graft_scope_options_new:
 *
 * Returns: (transfer full): options with nothing set and
 *   `auxiliary_name_scope` %TRUE
 */
GraftScopeOptions *
graft_scope_options_new (void)
{
  GraftScopeOptions *o = g_new0 (GraftScopeOptions, 1);

  o->ref_count = 1;
  o->auxiliary_name_scope = TRUE;
  return o;
}

/**
 * graft_scope_options_ref:
 * @options: a #GraftScopeOptions
 *
 * Returns: (transfer full): @options
 */
GraftScopeOptions *
graft_scope_options_ref (GraftScopeOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);
  g_atomic_int_inc (&options->ref_count);
  return options;
}

/**
 * graft_scope_options_unref:
 * @options: (transfer full): a #GraftScopeOptions
 */
void
graft_scope_options_unref (GraftScopeOptions *options)
{
  g_return_if_fail (options != NULL);
  if (!g_atomic_int_dec_and_test (&options->ref_count))
    return;
  g_clear_object (&options->initializer);
  g_clear_pointer (&options->regularizer, graft_regularizer_unref);
  g_clear_pointer (&options->custom_getter, graft_custom_getter_unref);
  g_clear_pointer (&options->constraint, graft_constraint_unref);
  g_free (options->caching_device);
  g_clear_pointer (&options->values, g_ptr_array_unref);
  g_free (options);
}

/**
 * graft_scope_options_set_initializer:
 * @options: a #GraftScopeOptions
 * @initializer: (nullable): the scope's default initializer
 */
void
graft_scope_options_set_initializer (GraftScopeOptions *options,
                                     GraftInitializer  *initializer)
{
  g_return_if_fail (options != NULL);
  g_set_object (&options->initializer, initializer);
}

/**
 * graft_scope_options_set_regularizer:
 * @options: a #GraftScopeOptions
 * @regularizer: (nullable): the scope's default regularizer
 */
void
graft_scope_options_set_regularizer (GraftScopeOptions *options,
                                     GraftRegularizer  *regularizer)
{
  g_return_if_fail (options != NULL);
  g_clear_pointer (&options->regularizer, graft_regularizer_unref);
  options->regularizer = regularizer ? graft_regularizer_ref (regularizer) : NULL;
}

/**
 * graft_scope_options_set_custom_getter:
 * @options: a #GraftScopeOptions
 * @getter: (nullable): a custom getter; it wraps the inherited one
 */
void
graft_scope_options_set_custom_getter (GraftScopeOptions *options,
                                       GraftCustomGetter *getter)
{
  g_return_if_fail (options != NULL);
  g_clear_pointer (&options->custom_getter, graft_custom_getter_unref);
  options->custom_getter = getter ? graft_custom_getter_ref (getter) : NULL;
}

/**
 * graft_scope_options_set_constraint:
 * @options: a #GraftScopeOptions
 * @constraint: (nullable): the constraint of this scope only
 */
void
graft_scope_options_set_constraint (GraftScopeOptions *options,
                                    GraftConstraint   *constraint)
{
  g_return_if_fail (options != NULL);
  g_clear_pointer (&options->constraint, graft_constraint_unref);
  options->constraint = constraint ? graft_constraint_ref (constraint) : NULL;
}

/**
 * graft_scope_options_set_caching_device:
 * @options: a #GraftScopeOptions
 * @device: a device string; `""` is a real value meaning "no device"
 */
void
graft_scope_options_set_caching_device (GraftScopeOptions *options,
                                        const char        *device)
{
  char *copy;

  g_return_if_fail (options != NULL);
  g_return_if_fail (device != NULL);
  /* Copy first: @device may be the options' own string. */
  copy = g_strdup (device);
  g_free (options->caching_device);
  options->caching_device = copy;
  options->has_caching_device = TRUE;
}

/**
 * graft_scope_options_set_dtype:
 * @options: a #GraftScopeOptions
 * @dtype: the scope's default dtype, or #GRAFT_DTYPE_INVALID to inherit
 */
void
graft_scope_options_set_dtype (GraftScopeOptions *options,
                               GraftDType         dtype)
{
  g_return_if_fail (options != NULL);
  options->dtype = dtype;
}

/**
 * graft_scope_options_set_auxiliary_name_scope:
 * @options: a #GraftScopeOptions
 * @auxiliary: whether entering also opens a name scope (the default); with
 *   %FALSE ops made inside stay in the current name scope
 */
void
graft_scope_options_set_auxiliary_name_scope (GraftScopeOptions *options,
                                              gboolean           auxiliary)
{
  g_return_if_fail (options != NULL);
  options->auxiliary_name_scope = auxiliary;
}

/**
 * graft_scope_options_set_values:
 * @options: a #GraftScopeOptions
 * @values: (array length=n_values) (nullable): outputs the scope will use
 * @n_values: the number of outputs
 *
 * TensorFlow's `values`: entering fails unless all of them belong to the
 * graph the scope is entered in.
 */
void
graft_scope_options_set_values (GraftScopeOptions *options,
                                GraftOutput      **values,
                                guint              n_values)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (values != NULL || n_values == 0);

  g_clear_pointer (&options->values, g_ptr_array_unref);
  options->values = g_ptr_array_new_with_free_func ((GDestroyNotify) graft_output_unref);
  for (guint i = 0; i < n_values; i++)
    g_ptr_array_add (options->values, graft_output_ref (values[i]));
}

/* ---- entering and leaving ---- */

/* The default-name counters, TensorFlow's variable_scopes_count: keyed
 * by the scopes' name nodes (no string copies) and grouped by the parent's
 * name, so that closing a scope's subscopes visits only them, not every
 * counter. Every level's parent is in its own parent's level (with a zero
 * count if it was never opened), so a walk down from a scope finds all the
 * counters under it. */
static GHashTable *
counts_new_level (void)
{
  return g_hash_table_new_full (scope_name_hash, scope_name_equal, (GDestroyNotify) scope_name_unref, NULL);
}

static GHashTable *
counts_new (void)
{
  return g_hash_table_new_full (scope_name_hash, scope_name_equal, (GDestroyNotify) scope_name_unref,
                                (GDestroyNotify) g_hash_table_unref);
}

static GraftScopeName *
name_ref0 (GraftScopeName *name)
{
  return name != NULL ? scope_name_ref (name) : NULL;
}

/* The level of @parent's children, made (and linked from above) if needed. */
static GHashTable *
counts_level (GHashTable     *counts,
              GraftScopeName *parent)
{
  GHashTable *level = g_hash_table_lookup (counts, parent);
  GHashTable *made;

  if (level != NULL)
    return level;
  made = level = counts_new_level ();
  g_hash_table_insert (counts, name_ref0 (parent), level);
  /* Link @parent into its parent's level, and so on up to the first level
   * that was already there. */
  while (parent != NULL)
    {
      GHashTable *up = g_hash_table_lookup (counts, parent->parent);
      gboolean had = up != NULL;

      if (!had)
        {
          up = counts_new_level ();
          g_hash_table_insert (counts, name_ref0 (parent->parent), up);
        }
      if (!g_hash_table_contains (up, parent))
        g_hash_table_insert (up, scope_name_ref (parent), GUINT_TO_POINTER (0));
      if (had)
        break;
      parent = parent->parent;
    }
  return made;
}

static void
counts_increment (GHashTable     *counts,
                  GraftScopeName *name)
{
  GHashTable *level = counts_level (counts, name->parent);
  gpointer key, old;

  if (g_hash_table_lookup_extended (level, name, &key, &old))
    g_hash_table_insert (level, scope_name_ref (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
  else
    g_hash_table_insert (level, scope_name_ref (name), GUINT_TO_POINTER (1));
}

static guint
counts_get (GHashTable     *counts,
            GraftScopeName *name)
{
  GHashTable *level = g_hash_table_lookup (counts, name->parent);

  return level != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (level, name)) : 0;
}

/* close_variable_subscopes: every counter under @name (its name and a
 * '/') back to zero, which is dropping the levels below it. */
static void
counts_close_subscopes (GHashTable     *counts,
                        GraftScopeName *name)
{
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();

  g_ptr_array_add (todo, scope_name_ref (name));
  while (todo->len > 0)
    {
      GraftScopeName *top = g_ptr_array_steal_index_fast (todo, todo->len - 1);
      gpointer key, level;

      if (g_hash_table_steal_extended (counts, top, &key, &level))
        {
          GHashTableIter iter;
          gpointer child;

          g_hash_table_iter_init (&iter, level);
          while (g_hash_table_iter_next (&iter, &child, NULL))
            g_ptr_array_add (todo, scope_name_ref (child));
          g_hash_table_unref (level);
          scope_name_unref (key);
        }
      scope_name_unref (top);
    }
}

/* _get_unique_variable_scope: `prefix`, or `prefix_N` with the smallest N
 * whose full name has not been opened (counters are exact-name). */
static char *
unique_variable_scope (GraftScopeState *ss,
                       const char      *prefix)
{
  GraftScopeName *parent = ss->current->name;
  GraftScopeName *base = scope_name_child (parent, prefix);
  guint count = counts_get (ss->counts, base);

  scope_name_unref (base);
  if (count == 0)
    return g_strdup (prefix);
  for (guint idx = 1;; idx++)
    {
      g_autofree char *leaf = g_strdup_printf ("%s_%u", prefix, idx);
      GraftScopeName *candidate = scope_name_child (parent, leaf);

      count = counts_get (ss->counts, candidate);
      scope_name_unref (candidate);
      if (count == 0)
        return g_steal_pointer (&leaf);
    }
}

static GHashTable *
counts_copy (GHashTable *counts)
{
  GHashTable *copy = counts_new ();
  GHashTableIter iter;
  gpointer k, v;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      GHashTable *level = counts_new_level ();
      GHashTableIter inner;
      gpointer k2, v2;

      g_hash_table_iter_init (&inner, v);
      while (g_hash_table_iter_next (&inner, &k2, &v2))
        g_hash_table_insert (level, scope_name_ref (k2), v2);
      g_hash_table_insert (copy, name_ref0 (k), level);
    }
  return copy;
}

static char *
describe_output (GraftOutput *o)
{
  g_autofree char *name = graft_output_get_name (o);
  g_autoptr(GraftShape) shape = graft_output_get_shape (o);
  g_autofree char *s = graft_shape_to_string (shape);

  return g_strdup_printf ("Tensor(\"%s\", shape=%s, dtype=%s)", name, s, graft_dtype_get_name (graft_output_get_dtype (o)));
}

/**
 * graft_graph_enter_variable_scope_full:
 * @graph: a #GraftGraph
 * @name: (nullable): enter by name: `P.name/name` under the current scope
 *   `P`
 * @scope: (nullable): enter by object: a captured scope
 * @default_name: (nullable): with neither @name nor @scope, a name made
 *   unique among the scopes opened in the current one
 * @reuse: #GRAFT_REUSE_TRUE or #GRAFT_REUSE_AUTO to ask for reuse;
 *   #GRAFT_REUSE_INHERIT (TensorFlow's `False` and `None`) inherits it
 * @options: (nullable): the other arguments of `tf.variable_scope`
 * @error: return location for a #GError
 *
 * TensorFlow's `tf.variable_scope(name_or_scope, default_name, …)` on the
 * calling thread. The new scope's reuse is @reuse if it is TRUE or AUTO,
 * else the enclosing scope's (by name, by default name) or the object's own
 * (by object). Unless @options turns it off, a name scope is opened too:
 * @name, the last component of the object's name, or @default_name,
 * uniquified against the graph's names (`test1_1/`).
 *
 * Errors keep TensorFlow's texts (#GRAFT_SCOPE_ERROR; an invalid scope
 * name is #GRAFT_GRAPH_ERROR_INVALID_NAME). A name scope opened before a
 * failure stays consumed, as in TensorFlow; nothing else changes.
 *
 * Returns: (transfer full): the entered scope (the live scope, or a copy of
 *   @scope), to be left with graft_scope_exit(); %NULL with @error set
 */
GraftScope *
graft_graph_enter_variable_scope_full (GraftGraph        *graph,
                                       const char        *name,
                                       GraftScope        *scope,
                                       const char        *default_name,
                                       GraftReuse         reuse,
                                       GraftScopeOptions *options,
                                       GError           **error)
{
  GraftThreadState *ts;
  GraftScopeState *ss;
  GraftScope *parent, *base, *entered;
  GraftScopeFrame frame = { 0 };
  g_autofree char *yielded = NULL;
  g_autofree char *unique_default = NULL;
  gboolean aux, parent_is_stack;
  guint64 name_serial = 0;
  gsize name_depth;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (scope == NULL || GRAFT_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The checks of variable_scope.__init__ and __enter__, in their order. */
  if (name == NULL && scope == NULL && default_name == NULL)
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_NAME_REQUIRED,
                   "If default_name is None then name_or_scope is required");
      return NULL;
    }
  if (reuse != GRAFT_REUSE_INHERIT && reuse != GRAFT_REUSE_TRUE && reuse != GRAFT_REUSE_AUTO)
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_REUSE,
                   "The reuse parameter must be True or False or None. (got %d)", (int) reuse);
      return NULL;
    }
  for (guint i = 0; options != NULL && options->values != NULL && i < options->values->len; i++)
    {
      GraftOutput *v = g_ptr_array_index (options->values, i);
      if (graft_output_get_graph (v) != graph)
        {
          g_autofree char *a = describe_output (v);
          g_autofree char *b = i > 0 ? describe_output (g_ptr_array_index (options->values, 0)) : NULL;
          /* The code name_scope() reports it with: one code per condition. */
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                       "%s must be from the same graph as %s.", a,
                       b ? b : "the graph the variable scope is entered in");
          return NULL;
        }
    }
  aux = options ? options->auxiliary_name_scope : TRUE;
  if (aux != TRUE && aux != FALSE)
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_ARGUMENT,
                   "The auxiliary_name_scope must be `True` or `False`, while get %d", aux);
      return NULL;
    }
  if (name != NULL && scope != NULL)
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_INVALID_ARGUMENT,
                   "VariableScope: name_or_scope must be a string or VariableScope. "
                   "(got both the name '%s' and the scope '%s')", name, scope_name_get (scope->name));
      return NULL;
    }
  if (name == NULL && scope == NULL && reuse != GRAFT_REUSE_INHERIT)
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_REUSE_WITHOUT_NAME,
                   "reuse=True cannot be used without a name_or_scope");
      return NULL;
    }

  ts = _graft_graph_thread_state (graph);
  ss = _graft_scope_state (ts);
  parent = ss->current;
  name_depth = ts->name_frames->len;
  if (ss->frames->len == 0)
    parent_is_stack = ts->name_stack->len == 0;
  else
    {
      GraftScopeFrame *top = &g_array_index (ss->frames, GraftScopeFrame, ss->frames->len - 1);

      /* No name scope entered since the parent's own. */
      parent_is_stack = top->name_is_path && name_depth == top->name_depth + 1 &&
                        ts->name_stack->len == parent->name->len;
    }

  /* The name scope: relative and uniquified, or the current one re-entered
   * when auxiliary_name_scope is off. Re-entering the root object opens
   * none. */
  {
    g_autofree char *ns = NULL;
    gboolean open;

    if (!aux)
      {
        ns = ts->name_stack->len ? g_strconcat (ts->name_stack->str, "/", NULL) : g_strdup ("");
        open = TRUE;
      }
    else
      {
        if (name != NULL)
          ns = g_strdup (name);
        else if (scope != NULL)
          {
          ns = g_strdup (scope->name->leaf);
          }
        else
          ns = g_strdup (default_name);
        open = *ns != '\0';
      }
    if (open)
      {
        name_serial = _graft_next_serial ();
        yielded = _graft_name_scope_push (graph, ts, ns, name_serial, error);
        if (yielded == NULL)
          return NULL;
      }
  }

  entered = g_object_new (GRAFT_TYPE_SCOPE, NULL);
  g_weak_ref_set (&entered->graph, graph);
  if (scope != NULL)
    {
      /* By object: a copy of the captured scope; the parent plays no
       * part. */
      base = scope;
      entered->by_object = TRUE;
      entered->name = scope_name_ref (scope->name);
      entered->original_name_scope = g_strdup (g_atomic_pointer_get (&scope->original_name_scope));
      entered->reuse = reuse != GRAFT_REUSE_INHERIT ? reuse : scope->reuse;
      counts_increment (ss->counts, entered->name);
      frame.snapshot = counts_copy (ss->counts);
    }
  else
    {
      /* By name (or default name): an extension of the current scope. */
      const char *leaf = name;
      gsize leaf_len, yielded_len;

      if (name == NULL)
        leaf = unique_default = unique_variable_scope (ss, default_name);
      leaf_len = strlen (leaf);
      yielded_len = yielded != NULL ? strlen (yielded) : 0;
      base = parent;
      entered->name = scope_name_child (parent->name, leaf);
      /* Usually the name scope is the scope's name and a '/': then it is
       * derived on demand rather than stored, one copy of the full path
       * per level fewer. Told without comparing full paths: the name stack
       * was the parent's name (parent_is_stack), so the yielded scope is
       * the name and a '/' exactly when its last component is @leaf. */
      if (aux && parent_is_stack && yielded != NULL && yielded_len == entered->name->len + 1 &&
          memcmp (yielded + yielded_len - 1 - leaf_len, leaf, leaf_len) == 0)
        frame.name_is_path = TRUE;
      else
        entered->original_name_scope = g_strdup (yielded ? yielded : leaf);
      entered->reuse = reuse != GRAFT_REUSE_INHERIT ? reuse : parent->reuse;
      counts_increment (ss->counts, entered->name);
    }

  entered->initializer = base->initializer ? g_object_ref (base->initializer) : NULL;
  entered->regularizer = base->regularizer ? graft_regularizer_ref (base->regularizer) : NULL;
  entered->caching_device = g_strdup (base->caching_device);
  entered->dtype = base->dtype;
  entered->partitioner = base->partitioner;
  entered->custom_getter = base->custom_getter ? graft_custom_getter_ref (base->custom_getter) : NULL;
  if (options != NULL)
    {
      /* The constraint is never inherited: only what this call passes. */
      entered->constraint = options->constraint ? graft_constraint_ref (options->constraint) : NULL;
      if (options->initializer != NULL)
        g_set_object (&entered->initializer, options->initializer);
      if (options->regularizer != NULL)
        graft_scope_set_regularizer (entered, options->regularizer);
      if (options->has_caching_device)
        graft_scope_set_caching_device (entered, options->caching_device);
      if (options->dtype != GRAFT_DTYPE_INVALID)
        entered->dtype = options->dtype;
      if (options->custom_getter != NULL)
        {
          GraftCustomGetter *wrapped = _graft_custom_getter_wrap (options->custom_getter, base->custom_getter);
          g_clear_pointer (&entered->custom_getter, graft_custom_getter_unref);
          entered->custom_getter = wrapped;
        }
    }

  entered->frame_serial = _graft_next_serial ();
  frame.scope = g_object_ref (entered);
  frame.previous = g_object_ref (parent);
  frame.name_depth = name_depth;
  frame.name_serial = name_serial;
  g_array_append_val (ss->frames, frame);
  ss->current = entered;
  return entered;
}

/**
 * graft_graph_enter_variable_scope:
 * @graph: a #GraftGraph
 * @name: the scope name, relative to the current variable scope
 * @reuse: #GRAFT_REUSE_INHERIT to inherit the enclosing scope's reuse, or
 *   #GRAFT_REUSE_TRUE / #GRAFT_REUSE_AUTO
 * @error: return location for a #GError
 *
 * `with tf.variable_scope(name, reuse=…)`: see
 * graft_graph_enter_variable_scope_full().
 *
 * Returns: (transfer full): the entered (live) scope, or %NULL with @error
 *   set
 */
GraftScope *
graft_graph_enter_variable_scope (GraftGraph  *graph,
                                  const char  *name,
                                  GraftReuse   reuse,
                                  GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  return graft_graph_enter_variable_scope_full (graph, name, NULL, NULL, reuse, NULL, error);
}

/**
 * graft_graph_reenter_variable_scope:
 * @graph: a #GraftGraph
 * @scope: a captured scope
 * @reuse: #GRAFT_REUSE_INHERIT to keep @scope's own reuse (whatever the
 *   enclosing scope's is), or #GRAFT_REUSE_TRUE / #GRAFT_REUSE_AUTO
 * @error: return location for a #GError
 *
 * `with tf.variable_scope(scope_object, reuse=…)`: see
 * graft_graph_enter_variable_scope_full().
 *
 * Returns: (transfer full): a fresh copy of @scope, entered, or %NULL with
 *   @error set
 */
GraftScope *
graft_graph_reenter_variable_scope (GraftGraph  *graph,
                                    GraftScope  *scope,
                                    GraftReuse   reuse,
                                    GError     **error)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return graft_graph_enter_variable_scope_full (graph, NULL, scope, NULL, reuse, NULL, error);
}

/**
 * graft_graph_enter_default_variable_scope:
 * @graph: a #GraftGraph
 * @default_name: the base name; `layer`, then `layer_1`, …
 * @error: return location for a #GError
 *
 * `with tf.variable_scope(None, default_name=…)`: see
 * graft_graph_enter_variable_scope_full().
 *
 * Returns: (transfer full): the entered scope, or %NULL with @error set
 */
GraftScope *
graft_graph_enter_default_variable_scope (GraftGraph  *graph,
                                          const char  *default_name,
                                          GError     **error)
{
  g_return_val_if_fail (default_name != NULL, NULL);
  return graft_graph_enter_variable_scope_full (graph, NULL, NULL, default_name, GRAFT_REUSE_INHERIT, NULL, error);
}

/**
 * graft_scope_exit:
 * @scope: a scope returned by one of the enter functions
 * @error: return location for a #GError
 *
 * Leaves @scope on the calling thread. Only the innermost scope can be left,
 * and only once the name scopes opened inside it have been left; anything
 * else is #GRAFT_SCOPE_ERROR_IMPROPER_NESTING (`Improper nesting of
 * variable_scope.`) and changes nothing. Leaving a scope entered by name
 * forgets the default names made inside it; leaving one entered by object
 * restores the counters it found.
 *
 * The caller keeps its reference to @scope: a left scope can still be
 * captured and re-entered.
 *
 * Returns: %TRUE on success
 */
gboolean
graft_scope_exit (GraftScope  *scope,
                  GError     **error)
{
  g_autoptr(GraftGraph) graph = NULL;
  GraftThreadState *ts;
  GraftScopeState *ss;
  GraftScopeFrame *frame;
  guint n;

  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  graph = g_weak_ref_get (&scope->graph);
  if (graph == NULL || scope->frame_serial == 0)
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                   "Improper nesting of variable_scope. (the scope '%s' is not entered)",
                   scope_name_get (scope->name));
      return FALSE;
    }
  ts = _graft_graph_thread_state (graph);
  ss = _graft_scope_state (ts);
  n = ss->frames->len;
  frame = n ? &g_array_index (ss->frames, GraftScopeFrame, n - 1) : NULL;
  if (frame == NULL || frame->scope != scope ||
      (frame->name_serial != 0 && ts->name_frames->len != frame->name_depth + 1) ||
      (frame->name_serial == 0 && ts->name_frames->len != frame->name_depth))
    {
      g_set_error (error, GRAFT_SCOPE_ERROR, GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
                   "Improper nesting of variable_scope. (leaving '%s' while the current "
                   "variable scope is '%s' and the name scope is '%s')",
                   scope_name_get (scope->name), scope_name_get (ss->current->name), ts->name_stack->str);
      return FALSE;
    }

  if (frame->snapshot != NULL)
    {
      g_hash_table_unref (ss->counts);
      ss->counts = g_steal_pointer (&frame->snapshot);
    }
  else
    /* close_variable_subscopes: default names restart under this scope. */
    counts_close_subscopes (ss->counts, scope->name);
  if (frame->name_serial != 0)
    _graft_name_scope_pop (ts, frame->name_serial, NULL);

  /* `previous` stays alive once the frame goes: it is the root or the scope
   * of the frame below. */
  ss->current = frame->previous;
  scope->frame_serial = 0;
  g_array_set_size (ss->frames, n - 1);
  return TRUE;
}

/**
 * graft_scope_guard_leave:
 * @guard: (transfer full): an entered scope
 *
 * Leaves @guard if it is still entered and drops the reference: the cleanup
 * of `g_autoptr(GraftScopeGuard)`. A scope that cannot be left is reported
 * with g_warning().
 */
void
graft_scope_guard_leave (GraftScopeGuard *guard)
{
  g_autoptr(GError) error = NULL;

  if (guard == NULL)
    return;
  if (guard->frame_serial != 0 && !graft_scope_exit (guard, &error))
    g_warning ("%s", error->message);
  g_object_unref (guard);
}

/**
 * graft_scope_is_active:
 * @scope: a #GraftScope
 *
 * Returns: whether @scope is entered now (on some thread)
 */
gboolean
graft_scope_is_active (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), FALSE);
  return scope->frame_serial != 0;
}

/**
 * graft_graph_get_variable_scope:
 * @graph: a #GraftGraph
 *
 * `tf.get_variable_scope()`: the calling thread's current scope; the
 * thread's root scope (name `""`, reuse off) outside any.
 *
 * Returns: (transfer none): the current scope
 */
GraftScope *
graft_graph_get_variable_scope (GraftGraph *graph)
{
  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  return _graft_scope_state (_graft_graph_thread_state (graph))->current;
}

/* ---- properties ---- */

/**
 * graft_scope_get_name:
 * @scope: a #GraftScope
 *
 * Returns: (transfer none): the full name, `""` for the root
 */
const char *
graft_scope_get_name (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope_name_get (scope->name);
}

/**
 * graft_scope_get_original_name_scope:
 * @scope: a #GraftScope
 *
 * The name scope opened when the scope was first entered, with a trailing
 * `/` (`test1/`); re-entering by object keeps it. Entering the name scope
 * of this string puts ops back in that place.
 *
 * Returns: (transfer none): the original name scope
 */
const char *
graft_scope_get_original_name_scope (GraftScope *scope)
{
  char *derived;

  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  if (G_LIKELY (g_atomic_pointer_get (&scope->original_name_scope) != NULL))
    return scope->original_name_scope;
  /* NULL stands for the name and a '/' (see enter); made once, and kept
   * by whichever thread gets there first. */
  derived = g_strconcat (scope_name_get (scope->name), "/", NULL);
  if (!g_atomic_pointer_compare_and_exchange (&scope->original_name_scope, NULL, derived))
    g_free (derived);
  return scope->original_name_scope;
}

/**
 * graft_scope_get_graph:
 * @scope: a #GraftScope
 *
 * Returns: (transfer full) (nullable): the graph the scope was entered in,
 *   %NULL if it is gone
 */
GraftGraph *
graft_scope_get_graph (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return g_weak_ref_get (&scope->graph);
}

/**
 * graft_scope_get_reuse:
 * @scope: a #GraftScope
 *
 * Returns: the scope's reuse; #GRAFT_REUSE_INHERIT here means "create only"
 *   (TensorFlow's `False`)
 */
GraftReuse
graft_scope_get_reuse (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), GRAFT_REUSE_INHERIT);
  return scope->reuse;
}

/**
 * graft_scope_reuse_variables:
 * @scope: a #GraftScope
 *
 * Sets @scope's reuse to TRUE, on this object only: scopes entered by name
 * inside it afterwards inherit it; a captured object keeps it for good.
 */
void
graft_scope_reuse_variables (GraftScope *scope)
{
  g_return_if_fail (GRAFT_IS_SCOPE (scope));
  scope->reuse = GRAFT_REUSE_TRUE;
}

/**
 * graft_scope_get_initializer:
 * @scope: a #GraftScope
 *
 * Returns: (transfer none) (nullable): the default initializer
 */
GraftInitializer *
graft_scope_get_initializer (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope->initializer;
}

/**
 * graft_scope_set_initializer:
 * @scope: a #GraftScope
 * @initializer: (nullable): the default initializer
 */
void
graft_scope_set_initializer (GraftScope       *scope,
                             GraftInitializer *initializer)
{
  g_return_if_fail (GRAFT_IS_SCOPE (scope));
  g_set_object (&scope->initializer, initializer);
}

/**
 * graft_scope_get_regularizer:
 * @scope: a #GraftScope
 *
 * Returns: (transfer none) (nullable): the default regularizer
 */
GraftRegularizer *
graft_scope_get_regularizer (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope->regularizer;
}

/**
 * graft_scope_set_regularizer:
 * @scope: a #GraftScope
 * @regularizer: (nullable): the default regularizer
 */
void
graft_scope_set_regularizer (GraftScope       *scope,
                             GraftRegularizer *regularizer)
{
  g_return_if_fail (GRAFT_IS_SCOPE (scope));
  if (regularizer != NULL)
    graft_regularizer_ref (regularizer);
  g_clear_pointer (&scope->regularizer, graft_regularizer_unref);
  scope->regularizer = regularizer;
}

/**
 * graft_scope_get_custom_getter:
 * @scope: a #GraftScope
 *
 * Returns: (transfer none) (nullable): the scope's getter, with the getters
 *   it wraps
 */
GraftCustomGetter *
graft_scope_get_custom_getter (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope->custom_getter;
}

/**
 * graft_scope_set_custom_getter:
 * @scope: a #GraftScope
 * @getter: (nullable): the custom getter; it replaces the current one
 *   rather than wrapping it, as `VariableScope.set_custom_getter` does
 */
void
graft_scope_set_custom_getter (GraftScope        *scope,
                               GraftCustomGetter *getter)
{
  g_return_if_fail (GRAFT_IS_SCOPE (scope));
  if (getter != NULL)
    graft_custom_getter_ref (getter);
  g_clear_pointer (&scope->custom_getter, graft_custom_getter_unref);
  scope->custom_getter = getter;
}

/**
 * graft_scope_get_caching_device:
 * @scope: a #GraftScope
 *
 * Returns: (transfer none) (nullable): the caching device, %NULL if none
 *   was given
 */
const char *
graft_scope_get_caching_device (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope->caching_device;
}

/**
 * graft_scope_set_caching_device:
 * @scope: a #GraftScope
 * @device: (nullable): a device string; Graft records it on variables
 */
void
graft_scope_set_caching_device (GraftScope *scope,
                                const char *device)
{
  char *copy;

  g_return_if_fail (GRAFT_IS_SCOPE (scope));
  /* Copy first: @device may be graft_scope_get_caching_device (scope). */
  copy = g_strdup (device);
  g_free (scope->caching_device);
  scope->caching_device = copy;
}

/**
 * graft_scope_get_dtype:
 * @scope: a #GraftScope
 *
 * Returns: the default dtype (float32 unless set)
 */
GraftDType
graft_scope_get_dtype (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), GRAFT_DTYPE_INVALID);
  return scope->dtype;
}

/**
 * graft_scope_set_dtype:
 * @scope: a #GraftScope
 * @dtype: the default dtype
 */
void
graft_scope_set_dtype (GraftScope *scope,
                       GraftDType  dtype)
{
  g_return_if_fail (GRAFT_IS_SCOPE (scope));
  g_return_if_fail (graft_dtype_get_size (dtype) > 0);
  scope->dtype = dtype;
}

/**
 * graft_scope_get_constraint:
 * @scope: a #GraftScope
 *
 * Returns: (transfer none) (nullable): the constraint given when this scope
 *   was entered; constraints are never inherited
 */
GraftConstraint *
graft_scope_get_constraint (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope->constraint;
}

/**
 * graft_scope_get_partitioner:
 * @scope: a #GraftScope
 *
 * The partitioner slot. Partitioned variables are not implemented yet, so
 * this is always %NULL; it exists so that the scope layout need not change
 * when they are.
 *
 * Returns: (transfer none) (nullable): %NULL
 */
gpointer
graft_scope_get_partitioner (GraftScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  return scope->partitioner;
}

/* ---- queries ---- */

static char *
scope_prefix (GraftScope *scope)
{
  return scope->name->len > 0 ? g_strconcat (scope_name_get (scope->name), "/", NULL) : g_strdup ("");
}

static GraftVariable **
scope_variables (GraftScope *scope,
                 const char *key,
                 guint      *n)
{
  g_autoptr(GraftGraph) graph = g_weak_ref_get (&scope->graph);
  g_autofree char *prefix = NULL;

  *n = 0;
  if (graph == NULL)
    return g_new0 (GraftVariable *, 1);
  prefix = scope_prefix (scope);
  return graft_graph_get_collection_variables (graph, key, prefix, n);
}

/**
 * graft_scope_get_global_variables:
 * @scope: a #GraftScope
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the global
 *   variables whose name starts with this scope's name and `/`
 */
GraftVariable **
graft_scope_get_global_variables (GraftScope *scope,
                                  guint      *n_variables)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (n_variables != NULL, NULL);
  return scope_variables (scope, GRAFT_GLOBAL_VARIABLES, n_variables);
}

/**
 * graft_scope_get_trainable_variables:
 * @scope: a #GraftScope
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the trainable
 *   variables in this scope
 */
GraftVariable **
graft_scope_get_trainable_variables (GraftScope *scope,
                                     guint      *n_variables)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (n_variables != NULL, NULL);
  return scope_variables (scope, GRAFT_TRAINABLE_VARIABLES, n_variables);
}

/**
 * graft_scope_get_local_variables:
 * @scope: a #GraftScope
 * @n_variables: (out): the number of variables
 *
 * Returns: (array length=n_variables) (transfer container): the local
 *   variables in this scope
 */
GraftVariable **
graft_scope_get_local_variables (GraftScope *scope,
                                 guint      *n_variables)
{
  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (n_variables != NULL, NULL);
  return scope_variables (scope, GRAFT_LOCAL_VARIABLES, n_variables);
}

/**
 * graft_scope_get_collection:
 * @scope: a #GraftScope
 * @key: a collection name
 * @n_items: (out): the number of items
 *
 * `VariableScope.get_collection`: the items of the graph's collection whose
 * name starts with this scope's name and `/` (everything for the root).
 *
 * Returns: (array length=n_items) (transfer container): the items
 */
GraftOutput **
graft_scope_get_collection (GraftScope *scope,
                            const char *key,
                            guint      *n_items)
{
  g_autoptr(GraftGraph) graph = NULL;
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (GRAFT_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (n_items != NULL, NULL);

  graph = g_weak_ref_get (&scope->graph);
  *n_items = 0;
  if (graph == NULL)
    return g_new0 (GraftOutput *, 1);
  prefix = scope_prefix (scope);
  return graft_graph_get_collection (graph, key, prefix, n_items);
}
