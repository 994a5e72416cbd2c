/* graft-create-op.c: making an op in one call, the bindable twin of the
 * op builder.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/* Whether `name` is a `type` attribute of op_type. JavaScript hands a
 * #GraftDType over as a plain integer, which only the attribute's kind
 * tells apart from an `int`. */
static gboolean
is_type_attr (const char *op_type,
              const char *name)
{
  const GraftOpDef *def = graft_registry_lookup_op (graft_registry_get_default (), op_type);

  for (guint a = 0; def != NULL && a < graft_op_def_get_num_attrs (def); a++)
    if (g_strcmp0 (graft_op_def_get_attr_name (def, a), name) == 0)
      return graft_op_def_get_attr_kind (def, a) == GRAFT_ATTR_TYPE;
  return FALSE;
}

/* Hands one attribute to the builder. Numbers, strings and lists travel as
 * GVariants so that the builder converts them by the attribute's kind (an
 * integer given for a `float` attribute, a dtype name for a `type` one);
 * dtypes, shapes and tensors have setters of their own. */
static gboolean
set_attr (GraftOpBuilder *builder,
          const char     *op_type,
          const char     *name,
          const GValue   *value,
          GError        **error)
{
  GType type = G_VALUE_TYPE (value);
  GVariant *v = NULL;

  if ((G_VALUE_HOLDS (value, G_TYPE_INT) || G_VALUE_HOLDS (value, G_TYPE_INT64)) && is_type_attr (op_type, name))
    {
      gint64 dtype = G_VALUE_HOLDS (value, G_TYPE_INT) ? g_value_get_int (value) : g_value_get_int64 (value);

      graft_op_builder_set_attr_type (builder, name, (GraftDType) dtype);
      return TRUE;
    }

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_BOOLEAN:
      graft_op_builder_set_attr_bool (builder, name, g_value_get_boolean (value));
      return TRUE;
    case G_TYPE_CHAR: v = g_variant_new_int64 (g_value_get_schar (value)); break;
    case G_TYPE_UCHAR: v = g_variant_new_int64 (g_value_get_uchar (value)); break;
    case G_TYPE_INT: v = g_variant_new_int64 (g_value_get_int (value)); break;
    case G_TYPE_UINT: v = g_variant_new_int64 (g_value_get_uint (value)); break;
    case G_TYPE_LONG: v = g_variant_new_int64 (g_value_get_long (value)); break;
    case G_TYPE_ULONG: v = g_variant_new_int64 ((gint64) g_value_get_ulong (value)); break;
    case G_TYPE_INT64: v = g_variant_new_int64 (g_value_get_int64 (value)); break;
    case G_TYPE_UINT64: v = g_variant_new_int64 ((gint64) g_value_get_uint64 (value)); break;
    case G_TYPE_FLOAT: v = g_variant_new_double (g_value_get_float (value)); break;
    case G_TYPE_DOUBLE: v = g_variant_new_double (g_value_get_double (value)); break;
    case G_TYPE_STRING:
      if (g_value_get_string (value) != NULL)
        v = g_variant_new_string (g_value_get_string (value));
      break;
    case G_TYPE_VARIANT:
      if (g_value_get_variant (value) != NULL)
        v = g_variant_ref (g_value_get_variant (value));
      break;
    case G_TYPE_ENUM:
      if (type == GRAFT_TYPE_DTYPE)
        {
          graft_op_builder_set_attr_type (builder, name, g_value_get_enum (value));
          return TRUE;
        }
      break;
    case G_TYPE_BOXED:
      if (type == GRAFT_TYPE_SHAPE && g_value_get_boxed (value) != NULL)
        {
          graft_op_builder_set_attr_shape (builder, name, g_value_get_boxed (value));
          return TRUE;
        }
      if (type == GRAFT_TYPE_TENSOR && g_value_get_boxed (value) != NULL)
        {
          graft_op_builder_set_attr_tensor (builder, name, g_value_get_boxed (value));
          return TRUE;
        }
      break;
    default:
      break;
    }
  if (v == NULL)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "%s attribute '%s': a value of type %s cannot be an attribute value",
                   op_type, name, g_type_name (type));
      return FALSE;
    }
  /* The builder converts v without keeping it; sinking it here frees it
   * either way. */
  g_variant_ref_sink (v);
  graft_op_builder_set_attr_variant (builder, name, v);
  g_variant_unref (v);
  return TRUE;
}

/**
 * graft_graph_create_op:
 * @graph: the graph the op goes into
 * @op_type: the op's type name, such as `Const`
 * @name: (nullable): the op's name, as for graft_op_builder_new(): relative
 *   to the calling thread's name scope and uniquified, used as is when it
 *   ends in `/`, the op's default name when %NULL
 * @inputs: (array length=n_inputs) (nullable): the inputs, in signature
 *   order
 * @n_inputs: the number of inputs
 * @attr_names: (array length=n_attrs) (nullable): attribute names
 * @attr_values: (array length=n_attrs) (nullable): their values: a
 *   boolean; an integer or a double (for `int` and `float` attributes); a
 *   string (for `string`, or a dtype name for `type`); a #GraftDType; a
 *   #GraftShape; a #GraftTensor; or a #GVariant as
 *   graft_op_builder_set_attr_variant() takes it (`ax`, `ad` for lists)
 * @n_attrs: the number of attributes
 * @error: return location for a #GError
 *
 * `Graph.create_op`: the op builder in one call, for bindings (which cannot
 * hold a #GraftOpBuilder) and for C code that has its attributes in
 * #GValues. Attributes not given keep their defaults or are inferred from
 * the inputs; a random op gets its seed pair by the graph-seed rules.
 *
 * ```python
 * y = graph.create_op("Const", "y", [], ["value", "dtype"],
 *                     [Graft.Tensor.new_scalar(Graft.DType.FLOAT32, 2.0),
 *                      Graft.DType.FLOAT32])
 * ```
 *
 * Returns: (transfer none): the op's handle, its output 0 (owned by the
 *   graph), or %NULL with @error set (#GRAFT_GRAPH_ERROR)
 */
GraftOutput *
graft_graph_create_op (GraftGraph    *graph,
                       const char    *op_type,
                       const char    *name,
                       GraftOutput  **inputs,
                       guint          n_inputs,
                       const char   **attr_names,
                       const GValue  *attr_values,
                       guint          n_attrs,
                       GError       **error)
{
  g_autoptr(GraftOpBuilder) builder = NULL;

  g_return_val_if_fail (GRAFT_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (op_type != NULL, NULL);
  g_return_val_if_fail (inputs != NULL || n_inputs == 0, NULL);
  g_return_val_if_fail ((attr_names != NULL && attr_values != NULL) || n_attrs == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  builder = graft_op_builder_new (graph, op_type, name);
  for (guint i = 0; i < n_inputs; i++)
    graft_op_builder_add_input (builder, inputs[i]);
  for (guint a = 0; a < n_attrs; a++)
    {
      g_return_val_if_fail (attr_names[a] != NULL && G_IS_VALUE (&attr_values[a]), NULL);
      if (!set_attr (builder, op_type, attr_names[a], &attr_values[a], error))
        return NULL;
    }
  return graft_op_builder_finish (builder, error);
}
