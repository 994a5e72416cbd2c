/* graft-op-builder.c: making ops: new → add inputs → set attributes → finish.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/* ---- op creation below the builder ---- */

/* Appends " (TYPE op 'NAME')" to @error's message: the context of an error
 * whose text is TensorFlow's and must stay first. */
static void
append_error_context (GError    **error,
                      const char *op_type,
                      const char *op_name)
{
  char *message;

  if (error == NULL || *error == NULL)
    return;
  message = g_strdup_printf ("%s (%s op '%s')", (*error)->message, op_type, op_name);
  g_free ((*error)->message);
  (*error)->message = message;
}

static char *
op_desc (const GraftOpDef *def,
         const char       *name)
{
  return g_strdup_printf ("%s op '%s'", def->name, name);
}

/* Binds type attributes from input dtypes and checks every input against
 * the signature. `vals`/`bound` are the op's attribute values. */
static gboolean
bind_types (const GraftOpDef *def,
            const char       *name,
            GraftOutput     **inputs,
            guint             n_inputs,
            gsize             list_len,
            GraftAttrValue   *vals,
            gboolean         *bound,
            gint             *bound_by,
            GError          **error)
{
  for (guint i = 0; i < n_inputs; i++)
    {
      const GraftArgDef *arg = &def->inputs[_graft_op_def_input_arg (def, list_len, i)];
      GraftDType dt = inputs[i]->dtype;
      g_autofree char *what = NULL;

      if (arg->type_attr < 0)
        {
          if (dt != arg->dtype)
            {
              what = op_desc (def, name);
              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                           "%s: input '%s' must be %s, but %s:%u is %s", what, arg->name,
                           graft_dtype_get_name (arg->dtype), inputs[i]->node->name,
                           inputs[i]->index, graft_dtype_get_name (dt));
              return FALSE;
            }
          continue;
        }
      if (!bound[arg->type_attr])
        {
          bound[arg->type_attr] = TRUE;
          bound_by[arg->type_attr] = (gint) (arg - def->inputs);
          vals[arg->type_attr].type = dt;
          continue;
        }
      if (vals[arg->type_attr].type != dt)
        {
          const GraftAttrDef *a = &def->attrs[arg->type_attr];
          what = op_desc (def, name);
          if (bound_by[arg->type_attr] >= 0)
            g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                         "%s: input '%s' (%s:%u) has dtype %s, but %s is %s from input '%s'",
                         what, arg->name, inputs[i]->node->name, inputs[i]->index,
                         graft_dtype_get_name (dt), a->name,
                         graft_dtype_get_name (vals[arg->type_attr].type),
                         def->inputs[bound_by[arg->type_attr]].name);
          else
            g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                         "%s: input '%s' (%s:%u) has dtype %s, but attribute %s is %s",
                         what, arg->name, inputs[i]->node->name, inputs[i]->index,
                         graft_dtype_get_name (dt), a->name,
                         graft_dtype_get_name (vals[arg->type_attr].type));
          return FALSE;
        }
    }

  for (guint a = 0; a < def->n_attrs; a++)
    {
      const GraftAttrDef *ad = &def->attrs[a];
      g_autofree char *what = NULL;

      if (ad->kind != GRAFT_ATTR_TYPE)
        continue;
      if (!bound[a])
        {
          what = op_desc (def, name);
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                       "%s: attribute '%s' is required and was not set", what, ad->name);
          return FALSE;
        }
      if (ad->allowed_dtypes != GRAFT_DTYPES_ALL &&
          ((guint) vals[a].type >= 32 || !(ad->allowed_dtypes & GRAFT_DTYPE_BIT (vals[a].type))))
        {
          GString *list = g_string_new (NULL);

          for (guint d = 1; d < 32; d++)
            if (ad->allowed_dtypes & GRAFT_DTYPE_BIT (d))
              g_string_append_printf (list, "%s%s", list->len ? ", " : "", graft_dtype_get_name (d));
          what = op_desc (def, name);
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                       "%s: %s is %s, which is not in the allowed list {%s}", what, ad->name,
                       graft_dtype_get_name (vals[a].type), list->str);
          g_string_free (list, TRUE);
          return FALSE;
        }
    }
  return TRUE;
}

/* Copies an attribute value into the graph: strings and lists into the
 * arena, shapes and tensors by reference. Caller holds graph->lock. */
static void
store_attr_locked (GraftGraph           *graph,
                   GraftAttrKind         kind,
                   GraftAttrValue       *dst,
                   const GraftAttrValue *src)
{
  *dst = *src;
  switch (kind)
    {
    case GRAFT_ATTR_STRING:
      dst->s = src->s ? _graft_arena_strndup (&graph->arena, src->s, strlen (src->s)) : NULL;
      break;
    case GRAFT_ATTR_SHAPE:
      if (src->shape)
        g_ptr_array_add (graph->owned_refs, graft_shape_ref (src->shape));
      break;
    case GRAFT_ATTR_TENSOR:
      if (src->tensor)
        g_ptr_array_add (graph->owned_refs,
                         GSIZE_TO_POINTER (GPOINTER_TO_SIZE (graft_tensor_ref (src->tensor)) | 1));
      break;
    case GRAFT_ATTR_INT_LIST:
    case GRAFT_ATTR_FLOAT_LIST:
      {
        gsize bytes = src->list.n * 8;
        void *copy = _graft_arena_alloc (&graph->arena, bytes ? bytes : 8);
        if (bytes)
          memcpy (copy, src->list.v, bytes);
        dst->list.v = copy;
      }
      break;
    default:
      break;
    }
}

/* Takes an op's name before anything else, as TensorFlow's name_scope
 * does, so that it stays taken even if the op is then refused. A name
 * ending in '/' is used as is (absolute), anything else is made unique
 * under the thread's name scope. `buf` receives the name; the entry to
 * attach the op to is returned (NULL when the name needs none), and
 * `existing` is set when an op has that name already. Caller holds
 * graph->lock. */
static GraftStrMapEntry *
take_op_name_locked (GraftGraph       *graph,
                     GraftThreadState *ts,
                     const char       *name,
                     GString          *buf,
                     GraftNode       **existing)
{
  gsize len = strlen (name);
  GraftStrMapEntry *entry;

  *existing = NULL;
  _graft_gstring_clear (buf);
  if (name[len - 1] != '/')
    {
      if (ts->name_stack->len > 0)
        {
          _graft_gstring_append (buf, ts->name_stack->str, ts->name_stack->len);
          _graft_gstring_append (buf, "/", 1);
        }
      _graft_gstring_append (buf, name, len);
      return _graft_names_unique_locked (graph, buf, TRUE);
    }

  _graft_gstring_append (buf, name, len - 1);
  {
    char *key = g_ascii_strdown (buf->str, buf->len);
    guint32 hash = _graft_str_hash (key, buf->len);

    entry = _graft_strmap_lookup (&graph->names, key, hash);
    /* A name in use without a stored op may still be an op's generated
     * name: the op index knows. */
    if ((entry == NULL || entry->value == NULL) && _graft_names_in_use_locked (graph, key, buf->len) &&
        (*existing = _graft_graph_find_op_locked (graph, buf->str)) != NULL)
      entry = NULL;
    else if (entry == NULL)
      entry = _graft_strmap_insert (&graph->names, _graft_arena_strndup (&graph->arena, key, buf->len), hash);
    g_free (key);
  }
  return entry;
}

/* For ops refused before they reach the graph (an unknown type, a bad
 * attribute): their name is taken all the same. */
void
_graft_graph_reserve_op_name (GraftGraph *graph,
                              const char *name)
{
  GraftThreadState *ts = _graft_graph_thread_state (graph);
  GraftNode *existing;

  if (name == NULL || *name == '\0' || name[strlen (name) - 1] == '/')
    return;
  g_mutex_lock (&graph->lock);
  take_op_name_locked (graph, ts, name, ts->scratch, &existing);
  g_mutex_unlock (&graph->lock);
}

GraftOutput *
_graft_graph_create_op (GraftGraph           *graph,
                        GraftThreadState     *ts,
                        const GraftOpDef     *def,
                        const char           *name,
                        GraftOutput         **inputs,
                        guint                 n_inputs,
                        const GraftAttrValue *attrs,
                        const guint8         *attrs_set,
                        GraftOutput         **controls,
                        guint                 n_controls,
                        GError              **error)
{
  guint n_attrs = def->n_attrs, n_out = def->n_outputs;
  GraftAttrValue *vals = g_newa (GraftAttrValue, n_attrs + 1);
  gboolean *bound = g_newa (gboolean, n_attrs + 1);
  gint *bound_by = g_newa (gint, n_attrs + 1);
  gint *out_ranks = g_newa (gint, n_out + 1);
  gint64 *out_dims = g_newa (gint64, (n_out + 1) * GRAFT_MAX_RANK);
  GraftDType *in_dtypes = g_newa (GraftDType, n_inputs + 1);
  gint *in_ranks = g_newa (gint, n_inputs + 1);
  const gint64 **in_dims = g_newa (const gint64 *, n_inputs + 1);
  const GraftTensor **in_values = g_newa (const GraftTensor *, n_inputs + 1);
  /* The thread's scratch buffer: no allocation for the name. */
  GString *buf = ts->scratch;
  GraftShapeContext ctx;
  GraftStrMapEntry *entry;
  GraftNode *node = NULL, *existing;
  gsize size, n_dims_total = 0;
  gboolean share_name;
  gint64 list_len;
  guint8 *p;

  if (name == NULL || *name == '\0')
    name = def->default_name;

  g_mutex_lock (&graph->lock);
  entry = take_op_name_locked (graph, ts, name, buf, &existing);
  if (existing == NULL && entry != NULL)
    existing = entry->value;

  /* The name scope was validated when it was entered, so only the part
   * given here needs checking (the generated suffix is valid); an
   * absolute name is checked whole. */
  if (name[strlen (name) - 1] == '/' || ts->name_stack->len == 0
      ? !_graft_valid_op_name (buf->str) : !_graft_valid_scope_name (name))
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_NAME,
                   "'%s' is not a valid node name", buf->str);
      goto out;
    }
  if (existing != NULL)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DUPLICATE_NAME,
                   "Duplicate node name in graph: '%s' (already used by a %s op)",
                   buf->str, existing->def->name);
      goto out;
    }
  list_len = _graft_op_def_list_len (def, n_inputs);
  if (list_len < 0 || (def->number_attr >= 0 && list_len < 1))
    {
      if (def->number_attr < 0)
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                     "%s op '%s' takes %u inputs %s, but %u were given", def->name, buf->str,
                     def->n_inputs, def->signature, n_inputs);
      else
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                     "%s op '%s' takes %u single input%s and %u list%s of at least 1 tensor each %s, "
                     "but %u inputs were given", def->name, buf->str,
                     def->n_inputs - def->n_list_inputs, def->n_inputs - def->n_list_inputs == 1 ? "" : "s",
                     def->n_list_inputs, def->n_list_inputs == 1 ? "" : "s", def->signature, n_inputs);
      goto out;
    }
  for (guint i = 0; i < n_inputs; i++)
    {
      GraftOutput *in = inputs[i];

      if (in->node->graph != graph)
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                       "%s op '%s': input '%s' (%s:%u) must be from the same graph as the op",
                       def->name, buf->str, def->inputs[_graft_op_def_input_arg (def, list_len, i)].name,
                       in->node->name, in->index);
          goto out;
        }
      if (in->index >= in->node->n_outputs)
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                       "%s op '%s': input '%s' is %s, an op with no outputs",
                       def->name, buf->str, def->inputs[_graft_op_def_input_arg (def, list_len, i)].name,
                       in->node->name);
          goto out;
        }
      /* TensorFlow checks this in Python (op_def_library.py), where a ref
       * input must be a variable's ref tensor. */
      if (i < 32 && (def->ref_inputs >> i) & 1 && strcmp (in->node->def->name, "VariableV2") != 0)
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                       "'%s' Op requires that input '%s' be a mutable tensor (e.g.: a tf.Variable) "
                       "(%s op '%s': %s:%u is the output of a %s op)",
                       def->name, def->inputs[i].name, def->name, buf->str, in->node->name, in->index,
                       in->node->def->name);
          goto out;
        }
      in_dtypes[i] = in->dtype;
      in_ranks[i] = in->rank;
      in_dims[i] = in->dims;
      /* Constant inputs give shape functions their values (Reshape, Fill). */
      in_values[i] = NULL;
      if (in->node->def->value_attr >= 0)
        in_values[i] = _graft_node_attrs (in->node)[in->node->def->value_attr].tensor;
    }

  for (guint a = 0; a < n_attrs; a++)
    {
      const GraftAttrDef *ad = &def->attrs[a];

      bound_by[a] = -1;
      bound[a] = TRUE;
      if ((gint) a == def->number_attr)
        {
          if (attrs_set != NULL && attrs_set[a] && attrs[a].i != list_len)
            {
              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                           "%s op '%s': attribute '%s' was set to %" G_GINT64_FORMAT ", but the list "
                           "inputs hold %" G_GINT64_FORMAT " tensors", def->name, buf->str, ad->name,
                           attrs[a].i, list_len);
              goto out;
            }
          vals[a].i = list_len;
        }
      else if (attrs_set != NULL && attrs_set[a])
        vals[a] = attrs[a];
      else if (ad->has_default)
        vals[a] = ad->default_value;
      else if (ad->kind == GRAFT_ATTR_TYPE)
        bound[a] = FALSE;
      else
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                       "%s op '%s': attribute '%s' is required and was not set",
                       def->name, buf->str, ad->name);
          goto out;
        }
    }
  if (!bind_types (def, buf->str, inputs, n_inputs, list_len, vals, bound, bound_by, error))
    goto out;

  ctx.def = def;
  ctx.op_name = buf->str;
  ctx.n_inputs = n_inputs;
  ctx.in_dtypes = in_dtypes;
  ctx.in_ranks = in_ranks;
  ctx.in_dims = in_dims;
  ctx.in_values = in_values;
  ctx.attrs = vals;
  ctx.out_ranks = out_ranks;
  ctx.out_dims = out_dims;
  if (!_graft_shape_context_run (&ctx, error))
    {
      /* An initializer's check is TensorFlow's own (constant_initializer's
       * "Too many elements provided. …"): its text comes first, as users
       * search for it, and Graft's context follows. */
      if (def->kind == GRAFT_OP_KIND_INITIALIZER)
        append_error_context (error, def->name, buf->str);
      else
        g_prefix_error (error, "%s op '%s': ", def->name, buf->str);
      goto out;
    }

  /* One arena block: node, output records (at least one, the op's handle),
   * inputs, attribute values, control inputs, output dims, and the name
   * unless the names table already holds it (an all-lowercase name is its
   * own key). */
  share_name = entry != NULL && !_graft_strmap_key_is_chain (entry->key) && strcmp (entry->key, buf->str) == 0;
  for (guint o = 0; o < n_out; o++)
    n_dims_total += out_ranks[o] > 0 ? (gsize) out_ranks[o] : 0;
  size = sizeof (GraftNode) + sizeof (GraftOutput) * MAX (n_out, 1) + sizeof (GraftOutput *) * n_inputs +
         sizeof (GraftAttrValue) * n_attrs + sizeof (GraftNode *) * n_controls +
         sizeof (gint64) * n_dims_total + (share_name ? 0 : buf->len + 1);
  p = _graft_arena_alloc (&graph->arena, size);
  node = (GraftNode *) p;
  node->graph = graph;
  node->def = def;
  node->n_inputs = n_inputs;
  node->n_outputs = n_out;
  node->n_control_inputs = n_controls;
  node->flags = 0;
  p = (guint8 *) (_graft_node_attrs (node) + n_attrs);
  node->control_inputs = n_controls ? (GraftNode **) p : NULL;
  p += sizeof (GraftNode *) * n_controls;

  for (guint i = 0; i < n_controls; i++)
    node->control_inputs[i] = controls[i]->node;
  for (guint i = 0; i < n_inputs; i++)
    _graft_node_inputs (node)[i] = inputs[i];
  for (guint a = 0; a < n_attrs; a++)
    store_attr_locked (graph, def->attrs[a].kind, &_graft_node_attrs (node)[a], &vals[a]);
  for (guint o = 0; o < MAX (n_out, 1); o++)
    {
      GraftOutput *out = &_graft_node_outputs (node)[o];

      out->node = node;
      out->index = o;
      out->reserved = 0;
      out->dtype = GRAFT_DTYPE_INVALID;
      out->rank = GRAFT_RANK_UNKNOWN;
      out->dims = NULL;
      if (o >= n_out)
        continue;
      out->dtype = def->outputs[o].type_attr >= 0 ? vals[def->outputs[o].type_attr].type : def->outputs[o].dtype;
      out->rank = (gint8) out_ranks[o];
      if (out_ranks[o] > 0)
        {
          out->dims = (const gint64 *) p;
          memcpy (p, out_dims + o * GRAFT_MAX_RANK, sizeof (gint64) * out_ranks[o]);
          p += sizeof (gint64) * out_ranks[o];
        }
    }
  if (share_name)
    node->name = entry->key;
  else
    {
      memcpy (p, buf->str, buf->len + 1);
      node->name = (const char *) p;
    }

  if (entry != NULL)
    entry->value = node;
  g_ptr_array_add (graph->nodes, node);
  node->id = graph->nodes->len;
  graph->version++;

out:
  g_mutex_unlock (&graph->lock);
  return node ? &_graft_node_outputs (node)[0] : NULL;
}

/* A uint64 above G_MAXINT64 would wrap to a negative int attribute (or,
 * through a double, be undefined behaviour): refused, showing the value. */
static gboolean
uint64_fits (GVariant *v,
             GError  **error)
{
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE_UINT64) || g_variant_get_uint64 (v) <= G_MAXINT64)
    return TRUE;
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
               "%" G_GUINT64_FORMAT " is out of range for int", g_variant_get_uint64 (v));
  return FALSE;
}

/* Converts a GVariant into an owned attribute value of `kind`. Bindings
 * and initializer attribute dictionaries come this way. Integers are
 * accepted where floats are expected, and a scalar where a list is. */
gboolean
_graft_attr_value_from_variant (GraftAttrKind   kind,
                                GVariant       *v,
                                GraftAttrValue *out,
                                GError        **error)
{
  const GVariantType *t = g_variant_get_type (v);
  gboolean is_int = g_variant_type_equal (t, G_VARIANT_TYPE_INT64) || g_variant_type_equal (t, G_VARIANT_TYPE_INT32) ||
                    g_variant_type_equal (t, G_VARIANT_TYPE_UINT32) || g_variant_type_equal (t, G_VARIANT_TYPE_UINT64);
  gboolean is_double = g_variant_type_equal (t, G_VARIANT_TYPE_DOUBLE);

  memset (out, 0, sizeof *out);
  if (g_variant_type_equal (t, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (v);
      return _graft_attr_value_from_variant (kind, inner, out, error);
    }
#define AS_INT64(x) (g_variant_type_equal (t, G_VARIANT_TYPE_INT64) ? g_variant_get_int64 (x) :            \
                     g_variant_type_equal (t, G_VARIANT_TYPE_INT32) ? (gint64) g_variant_get_int32 (x) :   \
                     g_variant_type_equal (t, G_VARIANT_TYPE_UINT32) ? (gint64) g_variant_get_uint32 (x) : \
                     (gint64) g_variant_get_uint64 (x))
  switch (kind)
    {
    case GRAFT_ATTR_BOOL:
      if (g_variant_type_equal (t, G_VARIANT_TYPE_BOOLEAN))
        {
          out->b = g_variant_get_boolean (v);
          return TRUE;
        }
      break;
    case GRAFT_ATTR_INT:
      if (is_int)
        {
          if (!uint64_fits (v, error))
            return FALSE;
          out->i = AS_INT64 (v);
          return TRUE;
        }
      break;
    case GRAFT_ATTR_FLOAT:
      if (is_double || is_int)
        {
          out->f = is_double ? g_variant_get_double (v) : (double) AS_INT64 (v);
          return TRUE;
        }
      break;
    case GRAFT_ATTR_STRING:
      if (g_variant_type_equal (t, G_VARIANT_TYPE_STRING))
        {
          out->s = g_variant_dup_string (v, NULL);
          return TRUE;
        }
      break;
    case GRAFT_ATTR_TYPE:
      if (g_variant_type_equal (t, G_VARIANT_TYPE_STRING) &&
          graft_dtype_from_name (g_variant_get_string (v, NULL)) != GRAFT_DTYPE_INVALID)
        {
          out->type = graft_dtype_from_name (g_variant_get_string (v, NULL));
          return TRUE;
        }
      break;
    case GRAFT_ATTR_SHAPE:
      if (g_variant_type_equal (t, G_VARIANT_TYPE ("ax")))
        {
          gsize n;
          const gint64 *dims = g_variant_get_fixed_array (v, &n, sizeof (gint64));
          if (n <= GRAFT_MAX_RANK)
            {
              out->shape = graft_shape_new (dims, n);
              return TRUE;
            }
        }
      break;
    case GRAFT_ATTR_INT_LIST:
    case GRAFT_ATTR_FLOAT_LIST:
      {
        gboolean want_int = kind == GRAFT_ATTR_INT_LIST;
        gsize n = 1;
        gint64 *iv;
        double *dv;

        if (g_variant_type_equal (t, G_VARIANT_TYPE ("ax")) || g_variant_type_equal (t, G_VARIANT_TYPE ("ai")) ||
            g_variant_type_equal (t, G_VARIANT_TYPE ("ad")))
          n = g_variant_n_children (v);
        else if (!(is_int || (is_double && !want_int)))
          break;
        if (g_variant_type_equal (t, G_VARIANT_TYPE ("ad")) && want_int)
          break;
        iv = g_new (gint64, n ? n : 1);
        dv = (double *) iv;
        for (gsize i = 0; i < n; i++)
          {
            g_autoptr(GVariant) e = g_variant_is_container (v) ? g_variant_get_child_value (v, i) : g_variant_ref (v);
            const GVariantType *et = g_variant_get_type (e);
            double d;

            if (want_int && !uint64_fits (e, error))
              {
                g_free (iv);
                return FALSE;
              }
            d = g_variant_type_equal (et, G_VARIANT_TYPE_DOUBLE) ? g_variant_get_double (e) :
                       g_variant_type_equal (et, G_VARIANT_TYPE_INT32) ? g_variant_get_int32 (e) :
                       g_variant_type_equal (et, G_VARIANT_TYPE_INT64) ? (double) g_variant_get_int64 (e) :
                       g_variant_type_equal (et, G_VARIANT_TYPE_UINT32) ? g_variant_get_uint32 (e) :
                       (double) g_variant_get_uint64 (e);
            if (want_int)
              iv[i] = g_variant_type_equal (et, G_VARIANT_TYPE_INT64) ? g_variant_get_int64 (e) : (gint64) d;
            else
              dv[i] = d;
          }
        out->list.v = iv;
        out->list.n = n;
        return TRUE;
      }
    case GRAFT_ATTR_TENSOR:
    default:
      break;
    }
#undef AS_INT64
  {
    g_autofree char *text = g_variant_print (v, TRUE);
    g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                 "%s is not a valid %s value", text, graft_attr_kind_get_name (kind));
  }
  return FALSE;
}

/* ---- the builder ---- */

#define INLINE_INPUTS 8
#define INLINE_ATTRS 16

struct _GraftOpBuilder {
  GraftGraph *graph;
  const GraftOpDef *def;
  char *op_type;
  char *name;
  GError *error;                /* the first mistake, reported by finish */
  GPtrArray *controls;
  gboolean has_seed;
  gint64 seed;
  GraftOutput **inputs;
  guint n_inputs;
  guint inputs_cap;
  GraftAttrValue *attrs;
  guint8 *attrs_set;
  GraftOutput *inputs_inline[INLINE_INPUTS];
  GraftAttrValue attrs_inline[INLINE_ATTRS];
  guint8 attrs_set_inline[INLINE_ATTRS];
};

/**
 * GraftOpBuilder:
 *
 * Makes one op: graft_op_builder_new(), then inputs in signature order and
 * attributes by name, then graft_op_builder_finish(). Mistakes made while
 * adding inputs or attributes are kept and reported by finish, so a chain
 * of calls needs one error check.
 */
static GraftOpBuilder *op_builder_copy (GraftOpBuilder *builder);

G_DEFINE_BOXED_TYPE (GraftOpBuilder, graft_op_builder, op_builder_copy, graft_op_builder_free)

static void
clear_attr_values (GraftOpBuilder *b)
{
  if (b->def == NULL)
    return;
  for (guint a = 0; a < b->def->n_attrs; a++)
    if (b->attrs_set[a])
      {
        _graft_attr_value_clear (b->def->attrs[a].kind, &b->attrs[a]);
        b->attrs_set[a] = FALSE;
      }
}

/* One builder per thread is recycled: op-heavy code (graph building
 * benchmarks, model code) makes and frees builders back to back. The spare
 * sits in a thread-local variable (a GPrivate costs a call per access); a
 * GPrivate set once per thread frees it when the thread exits. */
static GRAFT_TLS GraftOpBuilder *spare_builder;
static GRAFT_TLS gboolean spare_registered;

static void
spare_release (gpointer data)
{
  g_clear_pointer (&spare_builder, g_free);
}

static GPrivate spare_owner = G_PRIVATE_INIT (spare_release);

/* A deep copy, for the boxed type: a binding copies a builder it is given
 * and frees its copy. Attribute values are owned, so they are duplicated
 * (lists, strings) or referenced (shapes, tensors). */
static GraftOpBuilder *
op_builder_copy (GraftOpBuilder *b)
{
  GraftOpBuilder *c = g_new0 (GraftOpBuilder, 1);

  c->graph = b->graph ? g_object_ref (b->graph) : NULL;
  c->def = b->def;
  c->op_type = g_strdup (b->op_type);
  c->name = g_strdup (b->name);
  c->error = b->error ? g_error_copy (b->error) : NULL;
  c->controls = b->controls ? g_ptr_array_copy (b->controls, NULL, NULL) : NULL;
  c->has_seed = b->has_seed;
  c->seed = b->seed;
  c->n_inputs = b->n_inputs;
  c->inputs_cap = MAX (b->inputs_cap, INLINE_INPUTS);
  c->inputs = c->inputs_cap <= INLINE_INPUTS ? c->inputs_inline : g_new (GraftOutput *, c->inputs_cap);
  if (b->n_inputs > 0)
    memcpy (c->inputs, b->inputs, sizeof (GraftOutput *) * b->n_inputs);
  if (b->def == NULL || b->attrs == NULL)
    return c;
  if (b->def->n_attrs <= INLINE_ATTRS)
    {
      c->attrs = c->attrs_inline;
      c->attrs_set = c->attrs_set_inline;
    }
  else
    {
      c->attrs = g_new0 (GraftAttrValue, b->def->n_attrs);
      c->attrs_set = g_new0 (guint8, b->def->n_attrs);
    }
  for (guint a = 0; a < b->def->n_attrs; a++)
    {
      c->attrs_set[a] = b->attrs_set[a];
      c->attrs[a] = b->attrs[a];
      if (!b->attrs_set[a])
        continue;
      switch (b->def->attrs[a].kind)
        {
        case GRAFT_ATTR_STRING:
          c->attrs[a].s = g_strdup (b->attrs[a].s);
          break;
        case GRAFT_ATTR_SHAPE:
          if (b->attrs[a].shape != NULL)
            graft_shape_ref (b->attrs[a].shape);
          break;
        case GRAFT_ATTR_TENSOR:
          if (b->attrs[a].tensor != NULL)
            graft_tensor_ref (b->attrs[a].tensor);
          break;
        case GRAFT_ATTR_INT_LIST:
        case GRAFT_ATTR_FLOAT_LIST:
          c->attrs[a].list.v = g_memdup2 (b->attrs[a].list.v, b->attrs[a].list.n * 8);
          break;
        default:
          break;
        }
    }
  return c;
}

/**
 * graft_op_builder_new:
 * @graph: the graph the op goes into
 * @op_type: the op's type name, such as `Mul`
 * @name: (nullable): the op's name, relative to the calling thread's name
 *   scope and uniquified; a name ending in `/` is used as is (absolute);
 *   %NULL takes the op's default name (TensorFlow's: `mul`, `MatMul`, …)
 *
 * Starts an op. An unknown @op_type is reported by
 * graft_op_builder_finish().
 *
 * Returns: (transfer full): a new builder
 */
GraftOpBuilder *
graft_op_builder_new (GraftGraph *graph,
                      const char *op_type,
                      const char *name)
{
  GraftOpBuilder *b;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (op_type != NULL, NULL);

  b = spare_builder;
  if (b != NULL)
    spare_builder = NULL;
  else
    b = g_new0 (GraftOpBuilder, 1);

  b->graph = g_object_ref (graph);
  b->def = _graft_registry_lookup (GRAFT_OP_KIND_OP, op_type);
  b->name = g_strdup (name);
  b->inputs = b->inputs_inline;
  b->inputs_cap = INLINE_INPUTS;
  b->n_inputs = 0;
  b->has_seed = FALSE;
  if (b->def == NULL)
    {
      char hint[160];

      b->op_type = g_strdup (op_type);
      g_set_error (&b->error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                   "No op named '%s' is registered.%s", op_type,
                   _graft_registry_hint (GRAFT_OP_KIND_OP, op_type, hint, sizeof hint));
      return b;
    }
  if (b->def->n_attrs <= INLINE_ATTRS)
    {
      b->attrs = b->attrs_inline;
      b->attrs_set = b->attrs_set_inline;
    }
  else
    {
      b->attrs = g_new0 (GraftAttrValue, b->def->n_attrs);
      b->attrs_set = g_new0 (guint8, b->def->n_attrs);
    }
  memset (b->attrs_set, 0, b->def->n_attrs);
  return b;
}

/**
 * graft_op_builder_free:
 * @builder: (transfer full): a #GraftOpBuilder
 *
 * Frees a builder, finished or not.
 */
void
graft_op_builder_free (GraftOpBuilder *builder)
{
  if (builder == NULL)
    return;
  clear_attr_values (builder);
  if (builder->attrs != builder->attrs_inline)
    {
      g_free (builder->attrs);
      g_free (builder->attrs_set);
    }
  if (builder->inputs != builder->inputs_inline)
    g_free (builder->inputs);
  g_clear_pointer (&builder->controls, g_ptr_array_unref);
  g_clear_error (&builder->error);
  g_clear_pointer (&builder->name, g_free);
  g_clear_pointer (&builder->op_type, g_free);
  g_clear_object (&builder->graph);
  builder->def = NULL;
  builder->attrs = NULL;
  builder->attrs_set = NULL;
  if (spare_builder != NULL)
    {
      g_free (builder);
      return;
    }
  spare_builder = builder;
  if (!spare_registered)
    {
      spare_registered = TRUE;
      g_private_set (&spare_owner, GINT_TO_POINTER (1));
    }
}

/**
 * graft_op_builder_add_input:
 * @builder: a #GraftOpBuilder
 * @input: an output of the builder's graph
 *
 * Appends the next input, in the order of the op's signature.
 */
void
graft_op_builder_add_input (GraftOpBuilder *builder,
                            GraftOutput    *input)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (input != NULL);

  if (builder->n_inputs == builder->inputs_cap)
    {
      GraftOutput **grown = g_new (GraftOutput *, builder->inputs_cap * 2);
      memcpy (grown, builder->inputs, sizeof (GraftOutput *) * builder->n_inputs);
      if (builder->inputs != builder->inputs_inline)
        g_free (builder->inputs);
      builder->inputs = grown;
      builder->inputs_cap *= 2;
    }
  builder->inputs[builder->n_inputs++] = input;
}

/**
 * graft_op_builder_add_control_input:
 * @builder: a #GraftOpBuilder
 * @op: an op of the builder's graph that must run before this one
 *
 * Adds a control dependency.
 */
void
graft_op_builder_add_control_input (GraftOpBuilder *builder,
                                    GraftOutput    *op)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (op != NULL);

  if (builder->controls == NULL)
    builder->controls = g_ptr_array_new ();
  g_ptr_array_add (builder->controls, op);
}

static gint
attr_slot (GraftOpBuilder *b,
           const char     *name,
           GraftAttrKind   kind)
{
  gint a;

  if (b->def == NULL || b->error != NULL)
    return -1;
  a = _graft_op_def_find_attr (b->def, name);
  if (a < 0 || b->def->attrs[a].is_internal)
    {
      g_set_error (&b->error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "%s has no attribute '%s' %s", b->def->name, name, b->def->signature);
      return -1;
    }
  if (b->def->attrs[a].kind != kind)
    {
      g_set_error (&b->error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "%s attribute '%s' is not of the kind set %s", b->def->name, name,
                   b->def->signature);
      return -1;
    }
  if (b->attrs_set[a])
    {
      _graft_attr_value_clear (kind, &b->attrs[a]);
      b->attrs_set[a] = FALSE;
    }
  return a;
}

#define SET_SIMPLE(field, value)                      \
  G_STMT_START {                                      \
    gint a = attr_slot (builder, name, KIND);         \
    if (a >= 0)                                       \
      {                                               \
        builder->attrs[a].field = (value);            \
        builder->attrs_set[a] = TRUE;                 \
      }                                               \
  } G_STMT_END

/**
 * graft_op_builder_set_attr_bool:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `bool`
 * @value: the value
 */
void
graft_op_builder_set_attr_bool (GraftOpBuilder *builder,
                                const char     *name,
                                gboolean        value)
{
  g_return_if_fail (builder != NULL && name != NULL);
#define KIND GRAFT_ATTR_BOOL
  SET_SIMPLE (b, value != FALSE);
#undef KIND
}

/**
 * graft_op_builder_set_attr_int:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `int`
 * @value: the value
 */
void
graft_op_builder_set_attr_int (GraftOpBuilder *builder,
                               const char     *name,
                               gint64          value)
{
  g_return_if_fail (builder != NULL && name != NULL);
#define KIND GRAFT_ATTR_INT
  SET_SIMPLE (i, value);
#undef KIND
}

/**
 * graft_op_builder_set_attr_float:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `float`
 * @value: the value
 */
void
graft_op_builder_set_attr_float (GraftOpBuilder *builder,
                                 const char     *name,
                                 double          value)
{
  g_return_if_fail (builder != NULL && name != NULL);
#define KIND GRAFT_ATTR_FLOAT
  SET_SIMPLE (f, value);
#undef KIND
}

/**
 * graft_op_builder_set_attr_string:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `string`
 * @value: the value
 */
void
graft_op_builder_set_attr_string (GraftOpBuilder *builder,
                                  const char     *name,
                                  const char     *value)
{
  g_return_if_fail (builder != NULL && name != NULL && value != NULL);
#define KIND GRAFT_ATTR_STRING
  SET_SIMPLE (s, g_strdup (value));
#undef KIND
}

/**
 * graft_op_builder_set_attr_type:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `type`
 * @value: the dtype
 */
void
graft_op_builder_set_attr_type (GraftOpBuilder *builder,
                                const char     *name,
                                GraftDType      value)
{
  g_return_if_fail (builder != NULL && name != NULL);
#define KIND GRAFT_ATTR_TYPE
  SET_SIMPLE (type, value);
#undef KIND
}

/**
 * graft_op_builder_set_attr_shape:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `shape`
 * @value: the shape
 */
void
graft_op_builder_set_attr_shape (GraftOpBuilder *builder,
                                 const char     *name,
                                 GraftShape     *value)
{
  g_return_if_fail (builder != NULL && name != NULL && value != NULL);
#define KIND GRAFT_ATTR_SHAPE
  SET_SIMPLE (shape, graft_shape_ref (value));
#undef KIND
}

/**
 * graft_op_builder_set_attr_tensor:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `tensor`
 * @value: the tensor
 */
void
graft_op_builder_set_attr_tensor (GraftOpBuilder *builder,
                                  const char     *name,
                                  GraftTensor    *value)
{
  g_return_if_fail (builder != NULL && name != NULL && value != NULL);
#define KIND GRAFT_ATTR_TENSOR
  SET_SIMPLE (tensor, graft_tensor_ref (value));
#undef KIND
}

static void
set_list (GraftOpBuilder *builder,
          const char     *name,
          GraftAttrKind   kind,
          const void     *values,
          gsize           n_values)
{
  gint a = attr_slot (builder, name, kind);

  if (a < 0)
    return;
  builder->attrs[a].list.v = g_memdup2 (values, n_values * 8);
  builder->attrs[a].list.n = n_values;
  builder->attrs_set[a] = TRUE;
}

/**
 * graft_op_builder_set_attr_ints:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `list(int)`
 * @values: (array length=n_values): the values
 * @n_values: the number of values
 */
void
graft_op_builder_set_attr_ints (GraftOpBuilder *builder,
                                const char     *name,
                                const gint64   *values,
                                gsize           n_values)
{
  g_return_if_fail (builder != NULL && name != NULL);
  g_return_if_fail (values != NULL || n_values == 0);
  set_list (builder, name, GRAFT_ATTR_INT_LIST, values, n_values);
}

/**
 * graft_op_builder_set_attr_floats:
 * @builder: a #GraftOpBuilder
 * @name: an attribute of kind `list(float)`
 * @values: (array length=n_values): the values
 * @n_values: the number of values
 */
void
graft_op_builder_set_attr_floats (GraftOpBuilder *builder,
                                  const char     *name,
                                  const double   *values,
                                  gsize           n_values)
{
  g_return_if_fail (builder != NULL && name != NULL);
  g_return_if_fail (values != NULL || n_values == 0);
  set_list (builder, name, GRAFT_ATTR_FLOAT_LIST, values, n_values);
}

/**
 * graft_op_builder_set_attr_variant:
 * @builder: a #GraftOpBuilder
 * @name: an attribute name
 * @value: the value: `b` for bool, `x`/`i` for int, `d` (or an integer)
 *   for float, `s` for string, `ax` for list(int) and shape, `ad` for
 *   list(float); type attributes take a dtype name as `s`
 *
 * Sets an attribute from a #GVariant, for bindings and generic code.
 */
void
graft_op_builder_set_attr_variant (GraftOpBuilder *builder,
                                   const char     *name,
                                   GVariant       *value)
{
  GraftAttrValue converted;
  GraftAttrKind kind;
  gint a;

  g_return_if_fail (builder != NULL && name != NULL && value != NULL);

  if (builder->def == NULL || builder->error != NULL)
    return;
  a = _graft_op_def_find_attr (builder->def, name);
  if (a < 0)
    {
      attr_slot (builder, name, GRAFT_ATTR_BOOL);
      return;
    }
  kind = builder->def->attrs[a].kind;
  if (builder->def->attrs[a].is_internal || kind == GRAFT_ATTR_TENSOR)
    {
      attr_slot (builder, name, kind == GRAFT_ATTR_TENSOR ? GRAFT_ATTR_BOOL : kind);
      return;
    }
  if (!_graft_attr_value_from_variant (kind, value, &converted, &builder->error))
    {
      g_prefix_error (&builder->error, "%s attribute '%s': ", builder->def->name, name);
      return;
    }
  a = attr_slot (builder, name, kind);
  builder->attrs[a] = converted;
  builder->attrs_set[a] = TRUE;
}

/* Marks the name a refused op would have had. TensorFlow's create_op calls
 * unique_name before it looks at the type, the inputs or the attributes, so
 * the name stays taken whatever went wrong; _graft_graph_create_op does the
 * same for the errors it finds, this covers the ones the builder found
 * first. Absolute names (trailing '/') are never marked. */
static void
reserve_name (GraftOpBuilder *b)
{
  const char *name = b->name;

  if (name == NULL || *name == '\0')
    name = b->def ? b->def->default_name : b->op_type;
  _graft_graph_reserve_op_name (b->graph, name);
}

/**
 * graft_op_builder_set_seed:
 * @builder: a #GraftOpBuilder
 * @seed: the op-level seed
 *
 * Sets the op seed of a random op (TensorFlow's `seed=` argument). With or
 * without it, a random op gets its seed pair by TensorFlow's rules from the
 * graph seed (graft_graph_set_seed()) when it is built.
 */
void
graft_op_builder_set_seed (GraftOpBuilder *builder,
                           gint64          seed)
{
  g_return_if_fail (builder != NULL);
  builder->has_seed = TRUE;
  builder->seed = seed;
}

/**
 * graft_op_builder_finish:
 * @builder: a #GraftOpBuilder
 * @error: return location for a #GError
 *
 * Checks the inputs and attributes against the op's signature, infers the
 * output dtypes and shapes, names the op and adds it to the graph. On
 * failure nothing is added (the name, like TensorFlow's name scope, stays
 * taken). The builder can only be freed afterwards.
 *
 * Returns: (transfer none): the op's handle, its output 0 (owned by the
 *   graph), or %NULL with @error set (#GRAFT_GRAPH_ERROR)
 */
GraftOutput *
graft_op_builder_finish (GraftOpBuilder *builder,
                         GError        **error)
{
  GraftOutput *op;

  g_return_val_if_fail (builder != NULL, NULL);
  g_return_val_if_fail (builder->graph != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (builder->error != NULL)
    {
      reserve_name (builder);
      g_propagate_error (error, g_steal_pointer (&builder->error));
      return NULL;
    }
  for (guint i = 0; builder->controls != NULL && i < builder->controls->len; i++)
    if (((GraftOutput *) g_ptr_array_index (builder->controls, i))->node->graph != builder->graph)
      {
        reserve_name (builder);
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT,
                     "%s op: control input %s belongs to another graph", builder->def->name,
                     ((GraftOutput *) g_ptr_array_index (builder->controls, i))->node->name);
        return NULL;
      }
  if (builder->def->seed_attr >= 0)
    {
      gint s = builder->def->seed_attr;
      gint s2 = builder->def->seed2_attr;

      _graft_graph_get_seeds (builder->graph, builder->has_seed, builder->seed,
                              &builder->attrs[s].i, &builder->attrs[s2].i);
      builder->attrs_set[s] = builder->attrs_set[s2] = TRUE;
    }
  op = _graft_graph_create_op (builder->graph, _graft_graph_thread_state (builder->graph), builder->def,
                               builder->name, builder->inputs, builder->n_inputs, builder->attrs,
                               builder->attrs_set,
                               builder->controls ? (GraftOutput **) builder->controls->pdata : NULL,
                               builder->controls ? builder->controls->len : 0, error);
  return op;
}

/**
 * graft_graph_add_op:
 * @graph: the graph the op goes into
 * @op_type: the op's type name, such as `Add`
 * @name: (nullable): the op's name, as for graft_op_builder_new()
 * @inputs: (array length=n_inputs) (nullable): the inputs, in signature
 *   order
 * @n_inputs: the number of inputs
 * @error: return location for a #GError
 *
 * Makes an op whose attributes all keep their defaults (or are inferred
 * from the inputs) in one call, without a builder: what most arithmetic
 * needs, and the cheapest way to build large graphs.
 *
 * Returns: (transfer none): the op's handle, or %NULL with @error set, as
 *   graft_op_builder_finish() would
 */
GraftOutput *
graft_graph_add_op (GraftGraph   *graph,
                    const char   *op_type,
                    const char   *name,
                    GraftOutput **inputs,
                    guint         n_inputs,
                    GError      **error)
{
  const GraftOpDef *def;
  GraftAttrValue *vals = NULL;
  guint8 *set = NULL;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (op_type != NULL, NULL);
  g_return_val_if_fail (inputs != NULL || n_inputs == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  def = _graft_registry_lookup (GRAFT_OP_KIND_OP, op_type);
  if (def == NULL)
    {
      char hint[160];

      _graft_graph_reserve_op_name (graph, name ? name : op_type);
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_UNKNOWN_OP,
                   "No op named '%s' is registered.%s", op_type,
                   _graft_registry_hint (GRAFT_OP_KIND_OP, op_type, hint, sizeof hint));
      return NULL;
    }
  for (guint i = 0; i < n_inputs; i++)
    g_return_val_if_fail (inputs[i] != NULL, NULL);
  if (def->seed_attr >= 0)
    {
      /* A random op still gets its seed pair by the graph-seed rules. */
      vals = g_newa (GraftAttrValue, def->n_attrs);
      set = g_newa (guint8, def->n_attrs);
      memset (set, 0, def->n_attrs);
      _graft_graph_get_seeds (graph, FALSE, 0, &vals[def->seed_attr].i, &vals[def->seed2_attr].i);
      set[def->seed_attr] = set[def->seed2_attr] = TRUE;
    }
  return _graft_graph_create_op (graph, _graft_graph_thread_state (graph), def, name, inputs, n_inputs,
                                 vals, set, NULL, 0, error);
}
