/* graft-output.c: handles on ops and their outputs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/**
 * GraftOutput:
 *
 * The symbolic tensor an op produces: an (op, output index) pair, and the
 * handle of the op itself. Handles are owned by their graph and stay valid
 * as long as it lives; functions that return one lend it
 * (`(transfer none)`). graft_output_ref() keeps the graph alive instead of
 * copying the handle, which is what bindings do, so a handle held by Python
 * or JavaScript can never dangle.
 *
 * Every op has a handle, including ops without outputs; such a handle can
 * be a session target but not a fetch or an input.
 */
G_DEFINE_BOXED_TYPE (GraftOutput, graft_output, graft_output_ref, graft_output_unref)

/**
 * graft_output_ref:
 * @output: a #GraftOutput
 *
 * Keeps the graph of @output alive until graft_output_unref().
 *
 * Returns: (transfer full): @output
 */
GraftOutput *
graft_output_ref (GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  g_object_ref (output->node->graph);
  return output;
}

/**
 * graft_output_unref:
 * @output: (transfer full): a #GraftOutput
 *
 * Drops the reference graft_output_ref() took on the graph.
 */
void
graft_output_unref (GraftOutput *output)
{
  g_return_if_fail (output != NULL);
  g_object_unref (output->node->graph);
}

/**
 * graft_output_get_graph:
 * @output: a #GraftOutput
 *
 * Returns: (transfer none): the graph of @output
 */
GraftGraph *
graft_output_get_graph (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  return output->node->graph;
}

/**
 * graft_output_get_index:
 * @output: a #GraftOutput
 *
 * Returns: the index of the output among its op's outputs
 */
guint
graft_output_get_index (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, 0);
  return output->index;
}

/**
 * graft_output_get_name:
 * @output: a #GraftOutput
 *
 * Returns: (transfer full): TensorFlow's tensor name, `OP:INDEX`, for
 *   example `test1/test2/w1:0`
 */
char *
graft_output_get_name (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  return g_strdup_printf ("%s:%u", output->node->name, output->index);
}

/**
 * graft_output_get_dtype:
 * @output: a #GraftOutput
 *
 * Returns: the dtype, or #GRAFT_DTYPE_INVALID for the handle of an op
 *   without outputs
 */
GraftDType
graft_output_get_dtype (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, GRAFT_DTYPE_INVALID);
  return output->dtype;
}

/**
 * graft_output_get_shape:
 * @output: a #GraftOutput
 *
 * Returns: (transfer full): the shape inferred when the op was built; it may
 *   be partial
 */
GraftShape *
graft_output_get_shape (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  return _graft_shape_new_from_dims (output->rank, output->dims);
}

/**
 * graft_output_get_op_name:
 * @output: a #GraftOutput
 *
 * Returns: (transfer none): the full name of the op, such as
 *   `test1_1/test2/mul`
 */
const char *
graft_output_get_op_name (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  return output->node->name;
}

/**
 * graft_output_get_op_type:
 * @output: a #GraftOutput
 *
 * Returns: (transfer none): the op's type name, such as `Mul`
 */
const char *
graft_output_get_op_type (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  return output->node->def->name;
}

/**
 * graft_output_get_op_def:
 * @output: a #GraftOutput
 *
 * Returns: (transfer none): the definition of the op
 */
const GraftOpDef *
graft_output_get_op_def (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, NULL);
  return output->node->def;
}

/**
 * graft_output_get_op_id:
 * @output: a #GraftOutput
 *
 * Returns: the op's id: 1 for the first op of a graph, then increasing
 */
guint
graft_output_get_op_id (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, 0);
  return output->node->id;
}

/**
 * graft_output_get_num_op_outputs:
 * @output: a #GraftOutput
 *
 * Returns: the number of outputs of the op (possibly 0)
 */
guint
graft_output_get_num_op_outputs (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, 0);
  return output->node->n_outputs;
}

/**
 * graft_output_get_sibling:
 * @output: a #GraftOutput
 * @index: an output index of the same op
 *
 * Returns: (transfer none) (nullable): the op's output @index, or %NULL if
 *   the op has no such output
 */
GraftOutput *
graft_output_get_sibling (const GraftOutput *output,
                          guint              index)
{
  g_return_val_if_fail (output != NULL, NULL);
  if (index >= output->node->n_outputs)
    return NULL;
  return &_graft_node_outputs (output->node)[index];
}

/**
 * graft_output_get_num_op_inputs:
 * @output: a #GraftOutput
 *
 * Returns: the number of data inputs of the op
 */
guint
graft_output_get_num_op_inputs (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, 0);
  return output->node->n_inputs;
}

/**
 * graft_output_get_op_input:
 * @output: a #GraftOutput
 * @index: an input index
 *
 * Returns: (transfer none) (nullable): the output feeding input @index of
 *   the op, or %NULL if there is no such input
 */
GraftOutput *
graft_output_get_op_input (const GraftOutput *output,
                           guint              index)
{
  g_return_val_if_fail (output != NULL, NULL);
  if (index >= output->node->n_inputs)
    return NULL;
  return _graft_node_inputs (output->node)[index];
}

/**
 * graft_output_get_num_control_inputs:
 * @output: a #GraftOutput
 *
 * Returns: the number of control inputs of the op
 */
guint
graft_output_get_num_control_inputs (const GraftOutput *output)
{
  g_return_val_if_fail (output != NULL, 0);
  return output->node->n_control_inputs;
}

/**
 * graft_output_get_control_input:
 * @output: a #GraftOutput
 * @index: a control input index
 *
 * Returns: (transfer none) (nullable): the handle of the op that must run
 *   before this one, or %NULL
 */
GraftOutput *
graft_output_get_control_input (const GraftOutput *output,
                                guint              index)
{
  g_return_val_if_fail (output != NULL, NULL);
  if (index >= output->node->n_control_inputs)
    return NULL;
  return &_graft_node_outputs (output->node->control_inputs[index])[0];
}

/**
 * graft_output_get_attr:
 * @output: a #GraftOutput
 * @name: an attribute name of the op's definition
 *
 * Reads an attribute of the op as a #GVariant: `b`, `x`, `d`, `s`, a dtype
 * as its name `s`, a shape as `ax` (-1 for unknown dims; `mx` nothing for
 * unknown rank), a list as `ax`/`ad`, and a tensor as `ad` of its elements.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if the op has no
 *   such attribute
 */
GVariant *
graft_output_get_attr (const GraftOutput *output,
                       const char        *name)
{
  const GraftNode *node;
  const GraftAttrValue *v;
  gint a;

  g_return_val_if_fail (output != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = output->node;
  a = _graft_op_def_find_attr (node->def, name);
  if (a < 0)
    return NULL;
  v = &_graft_node_attrs (node)[a];
  switch (node->def->attrs[a].kind)
    {
    case GRAFT_ATTR_BOOL:
      return g_variant_ref_sink (g_variant_new_boolean (v->b));
    case GRAFT_ATTR_INT:
      return g_variant_ref_sink (g_variant_new_int64 (v->i));
    case GRAFT_ATTR_FLOAT:
      return g_variant_ref_sink (g_variant_new_double (v->f));
    case GRAFT_ATTR_STRING:
      return g_variant_ref_sink (g_variant_new_string (v->s ? v->s : ""));
    case GRAFT_ATTR_TYPE:
      return g_variant_ref_sink (g_variant_new_string (graft_dtype_get_name (v->type)));
    case GRAFT_ATTR_SHAPE:
      {
        gint rank = graft_shape_get_rank (v->shape);
        GVariant *dims = NULL;
        if (rank >= 0)
          dims = g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, _graft_shape_dims (v->shape), rank,
                                            sizeof (gint64));
        return g_variant_ref_sink (g_variant_new_maybe (G_VARIANT_TYPE ("ax"), dims));
      }
    case GRAFT_ATTR_TENSOR:
      {
        gsize n;
        g_autofree double *values = graft_tensor_dup_doubles (v->tensor, &n);
        return g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, values, n, sizeof (double)));
      }
    case GRAFT_ATTR_INT_LIST:
      return g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, v->list.v, v->list.n, sizeof (gint64)));
    case GRAFT_ATTR_FLOAT_LIST:
      return g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, v->list.v, v->list.n, sizeof (double)));
    default:
      return NULL;
    }
}
