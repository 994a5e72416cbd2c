/* graft-names.c: TensorFlow's unique names, name validation and name scopes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/* TensorFlow 1.x's regexes, as character classes:
 *   op names and root scopes   ^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$
 *   nested scopes              ^[A-Za-z0-9_.\-/]*$                      */
static inline gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '-' || c == '/';
}

gboolean
_graft_valid_scope_name (const char *name)
{
  for (const char *p = name; *p; p++)
    if (!is_name_char (*p))
      return FALSE;
  return TRUE;
}

gboolean
_graft_valid_op_name (const char *name)
{
  if (!(g_ascii_isalnum (name[0]) || name[0] == '.'))
    return FALSE;
  return _graft_valid_scope_name (name + 1);
}

/* Writes "_N" and a NUL; returns the length without the NUL. snprintf
 * would cost as much as the rest of naming an op. */
static gsize
append_suffix (char   *out,
               guint32 n)
{
  char digits[12];
  gsize len = 0, k = 0;

  do
    digits[k++] = (char) ('0' + n % 10);
  while ((n /= 10) != 0);
  out[len++] = '_';
  while (k > 0)
    out[len++] = digits[--k];
  out[len] = '\0';
  return len;
}

/* TensorFlow's names_in_use, stored compactly.
 *
 * Uniquing "add" for the k-th time yields "add_k" and marks it used. Most
 * graphs make thousands of such names, so they are not stored: a name
 * "base_j" counts as used with count 1 when 1 <= j < count(base). That is
 * exactly TensorFlow's state, because every time count(base) grows from j
 * to j + 1, "base_j" becomes used (it is generated, or it already was).
 * Only names outside that rule are stored: bases, names asked for
 * explicitly, suffixes generated past a taken one, and names whose count
 * grows beyond 1. The table stays small and hot in the cache. Keys are
 * case-folded (TensorFlow >= 1.9). Caller holds graph->lock. */
static guint32
names_count (GraftGraph        *graph,
             const char        *key,
             gsize              len,
             guint32            hash,
             GraftStrMapEntry **stored)
{
  GraftStrMapEntry *e = _graft_strmap_lookup_n (&graph->names, key, len, hash);
  gsize p = len;
  guint64 j = 0;
  guint32 base_count;

  if (stored != NULL)
    *stored = e;
  if (e != NULL)
    return e->count;

  /* "base_j" with j written as TensorFlow's "%d" writes it. */
  while (p > 0 && g_ascii_isdigit (key[p - 1]))
    p--;
  if (p == len || p < 2 || key[p - 1] != '_' || key[p] == '0' || len - p > 9)
    return 0;
  for (gsize k = p; k < len; k++)
    j = j * 10 + (guint64) (key[k] - '0');
  base_count = names_count (graph, key, p - 1, _graft_str_hash (key, p - 1), NULL);
  return j < base_count ? 1 : 0;
}

/* Keys this long that extend a stored key by a component (a name scope
 * inside a marked one) are stored as a chain to it: see GraftStrMapChain.
 * Shorter ones are copied, so that ordinary graphs, and ops sharing their
 * key as their name, see no difference. */
#define NAMES_CHAIN_MIN 256

static const char *
names_key_store (GraftGraph *graph,
                 const char *key,
                 gsize       len)
{
  if (len >= NAMES_CHAIN_MIN)
    {
      gsize p = len;
      GraftStrMapEntry *parent;

      while (p > 0 && key[p - 1] != '/')
        p--;
      if (p > 1 && len - p < G_MAXUINT32 && p - 1 < G_MAXUINT32 &&
          (parent = _graft_strmap_lookup_n (&graph->names, key, p - 1, _graft_str_hash (key, p - 1))) != NULL)
        {
          gsize tail = len - (p - 1);
          GraftStrMapChain *c = _graft_arena_alloc (&graph->arena, sizeof *c + tail + 1);

          c->prefix = parent->key;
          c->prefix_len = (guint32) (p - 1);
          c->tail_len = (guint32) tail;
          memcpy (c->tail, key + p - 1, tail);
          c->tail[tail] = '\0';
          return (const char *) ((guintptr) c | 1);
        }
    }
  return _graft_arena_strndup (&graph->arena, key, len);
}

/* The core of Graph.unique_name. `buf` holds the full name (name stack
 * already prepended) and receives the result. Returns the stored entry of
 * the result when there is one (an op may be attached to it), NULL when the
 * result is only implicitly marked or when previewing. Caller holds
 * graph->lock. */
GraftStrMapEntry *
_graft_names_unique_locked (GraftGraph *graph,
                            GString    *buf,
                            gboolean    mark_as_used)
{
  char stack_key[256];
  char *key = buf->len < sizeof stack_key - 24 ? stack_key : g_malloc (buf->len + 24);
  gsize base_len = buf->len;
  GraftStrMapEntry *e, *result = NULL;
  gboolean inserted = FALSE;
  guint32 i, first, hash;

  for (gsize k = 0; k < base_len; k++)
    key[k] = g_ascii_tolower (buf->str[k]);
  key[base_len] = '\0';

  hash = _graft_str_hash (key, base_len);
  first = i = names_count (graph, key, base_len, hash, &e);
  result = e;
  if (i > 0)
    {
      GraftStrMapEntry *taken;
      gsize len;

      /* Skip suffixes that are taken, by earlier uniquing or because the
       * caller asked for "name_1" itself. A stored entry with a zero count
       * holds an op made under an absolute name, which TensorFlow never
       * marks: such a name is not in use, and an op asking for it gets the
       * duplicate-name error TensorFlow raises. The base's count is raised
       * only afterwards, so that the implicit rule does not yet cover the
       * candidates. */
      do
        {
          len = base_len + append_suffix (key + base_len, i);
          i++;
          /* Candidates are base_k with k >= count(base), which the
           * implicit rule never covers: only stored names can be taken. */
          taken = _graft_strmap_lookup_n (&graph->names, key, len, _graft_str_hash (key, len));
        }
      while (taken != NULL && taken->count > 0);

      _graft_gstring_append (buf, key + base_len, len - base_len);
      result = taken;
      if (mark_as_used)
        {
          /* Without a skip the new name is base_first, which the implicit
           * rule covers once count(base) is first + 1; after a skip it is
           * stored. */
          if (taken == NULL && i - 1 != first)
            {
              result = taken = _graft_strmap_insert (&graph->names, names_key_store (graph, key, len),
                                                     _graft_str_hash (key, len));
              inserted = TRUE;
            }
          if (taken != NULL)
            taken->count = 1;
        }
    }
  if (mark_as_used)
    {
      /* `e` may have moved if an insert above grew the table; else it
       * stands (looking a deep key up again would walk its chain). */
      key[base_len] = '\0';
      if (inserted)
        e = _graft_strmap_lookup_n (&graph->names, key, base_len, hash);
      if (e == NULL)
        e = _graft_strmap_insert (&graph->names, names_key_store (graph, key, base_len), hash);
      e->count = first + 1;
      if (first == 0)
        result = e;
    }
  if (!mark_as_used)
    result = NULL;
  if (key != stack_key)
    g_free (key);
  return result;
}

/* Whether a case-folded name is in use, as TensorFlow's `in` test. */
gboolean
_graft_names_in_use_locked (GraftGraph *graph,
                            const char *key,
                            gsize       len)
{
  return names_count (graph, key, len, _graft_str_hash (key, len), NULL) > 0;
}

static void
append_scoped (GString    *buf,
               GString    *stack,
               const char *name)
{
  g_string_truncate (buf, 0);
  if (stack->len > 0)
    {
      g_string_append_len (buf, stack->str, stack->len);
      g_string_append_c (buf, '/');
    }
  g_string_append (buf, name);
}

/**
 * graft_graph_unique_name:
 * @graph: a #GraftGraph
 * @name: a name, relative to the calling thread's current name scope
 * @mark_as_used: whether to reserve the result
 *
 * TensorFlow's `Graph.unique_name`: prefixes @name with the current name
 * scope and, if that name is taken (ignoring case), appends `_1`, `_2`, …
 * skipping suffixes already in use. With @mark_as_used %FALSE it only
 * previews the result.
 *
 * Returns: (transfer full): the unique name
 */
char *
graft_graph_unique_name (GraftGraph *graph,
                         const char *name,
                         gboolean    mark_as_used)
{
  GraftThreadState *ts;
  GString *buf;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  ts = _graft_graph_thread_state (graph);
  buf = g_string_new (NULL);
  append_scoped (buf, ts->name_stack, name);
  g_mutex_lock (&graph->lock);
  _graft_names_unique_locked (graph, buf, mark_as_used);
  g_mutex_unlock (&graph->lock);
  return g_string_free (buf, FALSE);
}

/**
 * graft_graph_get_name_scope:
 * @graph: a #GraftGraph
 *
 * Returns: (transfer full): the calling thread's current name scope without
 *   a trailing `/`, `""` at the root
 */
char *
graft_graph_get_name_scope (GraftGraph *graph)
{
  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  return g_strdup (_graft_graph_thread_state (graph)->name_stack->str);
}

gboolean
_graft_check_scope_name (GraftThreadState *ts,
                         const char       *name,
                         GError          **error)
{
  /* Nested scopes may start with '_', '-' or '/'; root scopes must follow
   * the stricter op-name rule. */
  gboolean ok = ts->name_stack->len > 0 ? _graft_valid_scope_name (name) : _graft_valid_op_name (name);

  if (!ok)
    g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME,
                 "'%s' is not a valid scope name", name);
  return ok;
}

void
_graft_name_stack_set (GraftThreadState *ts,
                       const char       *stack)
{
  g_string_assign (ts->name_stack, stack);
}

/* Graph.name_scope: validates, then re-enters an absolute scope (trailing
 * '/'), resets to the root (empty name) or opens a uniquified scope. Pushes a
 * frame carrying `serial` and returns the scope string TensorFlow yields. */
char *
_graft_name_scope_push (GraftGraph       *graph,
                        GraftThreadState *ts,
                        const char       *name,
                        guint64           serial,
                        GError          **error)
{
  GraftNameFrame frame;
  char *yielded;

  if (name != NULL && *name != '\0' && !_graft_check_scope_name (ts, name, error))
    return NULL;

  frame.saved_stack = NULL;
  frame.saved_len = ts->name_stack->len;
  frame.serial = serial;

  if (name == NULL || *name == '\0')
    {
      frame.saved_stack = g_strndup (ts->name_stack->str, ts->name_stack->len);
      g_string_truncate (ts->name_stack, 0);
      yielded = g_strdup ("");
    }
  else if (name[strlen (name) - 1] == '/')
    {
      /* Absolute re-entry: neither uniquified nor marked. */
      frame.saved_stack = g_strndup (ts->name_stack->str, ts->name_stack->len);
      g_string_assign (ts->name_stack, name);
      g_string_truncate (ts->name_stack, ts->name_stack->len - 1);
      yielded = g_strdup (name);
    }
  else
    {
      GString *buf = g_string_new (NULL);

      append_scoped (buf, ts->name_stack, name);
      g_mutex_lock (&graph->lock);
      _graft_names_unique_locked (graph, buf, TRUE);
      g_mutex_unlock (&graph->lock);
      g_string_assign (ts->name_stack, buf->str);
      g_string_append_c (buf, '/');
      yielded = g_string_free (buf, FALSE);
    }
  g_array_append_val (ts->name_frames, frame);
  return yielded;
}

gboolean
_graft_name_scope_pop (GraftThreadState *ts,
                       guint64           serial,
                       GError          **error)
{
  GraftNameFrame *top;

  if (ts->name_frames->len == 0 ||
      (top = &g_array_index (ts->name_frames, GraftNameFrame, ts->name_frames->len - 1))->serial != serial)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_IMPROPER_NESTING,
                   "Improper nesting of name_scope: the name scope being left is not "
                   "the innermost one of this thread (current name scope '%s')",
                   ts->name_stack->str);
      return FALSE;
    }
  if (top->saved_stack != NULL)
    g_string_assign (ts->name_stack, top->saved_stack);
  else
    g_string_truncate (ts->name_stack, top->saved_len);
  g_array_set_size (ts->name_frames, ts->name_frames->len - 1);
  return TRUE;
}

/* ---- GraftNameScope ---- */

struct _GraftNameScope {
  GObject parent_instance;
  GraftGraph *graph;
  char *name;
  guint64 serial;
  gboolean active;
};

/**
 * GraftNameScope:
 *
 * An entered name scope. graft_graph_enter_name_scope() returns it;
 * graft_name_scope_exit() leaves it, and only the innermost scope of the
 * calling thread can be left. #GraftNameScopeGuard leaves it automatically.
 */
G_DEFINE_FINAL_TYPE (GraftNameScope, graft_name_scope, G_TYPE_OBJECT)

static void
graft_name_scope_finalize (GObject *object)
{
  GraftNameScope *self = GRAFT_NAME_SCOPE (object);

  g_clear_object (&self->graph);
  g_free (self->name);
  G_OBJECT_CLASS (graft_name_scope_parent_class)->finalize (object);
}

static void
graft_name_scope_class_init (GraftNameScopeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_name_scope_finalize;
}

static void
graft_name_scope_init (GraftNameScope *self)
{
}

static char *
describe_output (GraftOutput *o)
{
  g_autofree char *shape = NULL;
  GString *s = g_string_new (NULL);

  _graft_dims_format (s, o->rank, o->dims);
  shape = g_string_free (s, FALSE);
  return g_strdup_printf ("Tensor(\"%s:%u\", shape=%s, dtype=%s)", o->node->name, o->index, shape,
                          graft_dtype_get_name (o->dtype));
}

/**
 * graft_graph_enter_name_scope_full:
 * @graph: a #GraftGraph
 * @name: (nullable): the scope name; a name ending in `/` re-enters that
 *   scope absolutely; %NULL or `""` resets to the root
 * @default_name: (nullable): used when @name is %NULL
 * @values: (array length=n_values) (nullable): outputs the ops in the scope
 *   will use; they must all belong to @graph
 * @n_values: the length of @values
 * @error: return location for a #GError
 *
 * TensorFlow's module-level `tf.name_scope(name, default_name, values)`.
 *
 * Returns: (transfer full): the entered scope, or %NULL with @error set
 */
GraftNameScope *
graft_graph_enter_name_scope_full (GraftGraph   *graph,
                                   const char   *name,
                                   const char   *default_name,
                                   GraftOutput **values,
                                   guint         n_values,
                                   GError      **error)
{
  GraftThreadState *ts;
  GraftNameScope *scope;
  guint64 serial;
  char *yielded;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (values != NULL || n_values == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL && default_name == NULL && values != NULL)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_NAME_REQUIRED,
                   "At least one of name (None) and default_name (None) must be provided.");
      return NULL;
    }
  for (guint i = 0; i < n_values; i++)
    {
      g_return_val_if_fail (values[i] != NULL, NULL);
      if (values[i]->node->graph != graph)
        {
          g_autofree char *a = describe_output (values[i]);
          g_autofree char *b = n_values > 0 && i > 0 ? describe_output (values[0]) : NULL;
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                       "%s must be from the same graph as %s.", a,
                       b ? b : "the graph the name scope is entered in");
          return NULL;
        }
    }

  ts = _graft_graph_thread_state (graph);
  serial = _graft_next_serial ();
  yielded = _graft_name_scope_push (graph, ts, name ? name : default_name, serial, error);
  if (yielded == NULL)
    return NULL;

  scope = g_object_new (GRAFT_TYPE_NAME_SCOPE, NULL);
  scope->graph = g_object_ref (graph);
  scope->name = yielded;
  scope->serial = serial;
  scope->active = TRUE;
  return scope;
}

/**
 * graft_graph_enter_name_scope:
 * @graph: a #GraftGraph
 * @name: (nullable): the scope name; see graft_graph_enter_name_scope_full()
 * @error: return location for a #GError
 *
 * Enters a name scope on the calling thread (`with g.name_scope(name)`). The
 * name is validated (`'NAME' is not a valid scope name`) and uniquified
 * against the graph's names; a name ending in `/` is re-entered as is.
 *
 * Returns: (transfer full): the entered scope, or %NULL with @error set
 */
GraftNameScope *
graft_graph_enter_name_scope (GraftGraph  *graph,
                              const char  *name,
                              GError     **error)
{
  return graft_graph_enter_name_scope_full (graph, name, NULL, NULL, 0, error);
}

/**
 * graft_name_scope_get_name:
 * @scope: a #GraftNameScope
 *
 * Returns: (transfer none): the scope string TensorFlow yields: `foo/`,
 *   `foo_1/`, or `""` for the root
 */
const char *
graft_name_scope_get_name (GraftNameScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_NAME_SCOPE (scope), NULL);
  return scope->name;
}

/**
 * graft_name_scope_get_graph:
 * @scope: a #GraftNameScope
 *
 * Returns: (transfer none): the graph @scope belongs to
 */
GraftGraph *
graft_name_scope_get_graph (GraftNameScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_NAME_SCOPE (scope), NULL);
  return scope->graph;
}

/**
 * graft_name_scope_is_active:
 * @scope: a #GraftNameScope
 *
 * Returns: whether @scope has been entered and not yet left
 */
gboolean
graft_name_scope_is_active (GraftNameScope *scope)
{
  g_return_val_if_fail (GRAFT_IS_NAME_SCOPE (scope), FALSE);
  return scope->active;
}

/**
 * graft_name_scope_exit:
 * @scope: a #GraftNameScope
 * @error: return location for a #GError
 *
 * Leaves @scope, restoring the name scope that was current when it was
 * entered. Only the innermost name scope of the calling thread can be left;
 * anything else is #GRAFT_GRAPH_ERROR_IMPROPER_NESTING and changes nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
graft_name_scope_exit (GraftNameScope *scope,
                       GError        **error)
{
  g_return_val_if_fail (GRAFT_IS_NAME_SCOPE (scope), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!scope->active)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_IMPROPER_NESTING,
                   "The name scope '%s' has already been left", scope->name);
      return FALSE;
    }
  if (!_graft_name_scope_pop (_graft_graph_thread_state (scope->graph), scope->serial, error))
    return FALSE;
  scope->active = FALSE;
  return TRUE;
}

/**
 * graft_name_scope_guard_leave: (skip)
 * @guard: (transfer full): an entered name scope
 *
 * Leaves @guard if it is still active and drops the reference. This is the
 * cleanup of `g_autoptr(GraftNameScopeGuard)`; a scope that cannot be left
 * (improper nesting) is reported with g_warning().
 */
void
graft_name_scope_guard_leave (GraftNameScopeGuard *guard)
{
  g_autoptr(GError) error = NULL;

  if (guard == NULL)
    return;
  if (guard->active && !graft_name_scope_exit (guard, &error))
    g_warning ("%s", error->message);
  g_object_unref (guard);
}
