/* graft-op-def.c: op and initializer definitions, as tools and bindings
 * see them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-registry-private.h"

/* Definitions belong to the registry and live as long as the process
 * (plugins are never unloaded), so a "copy" is the same pointer and there
 * is nothing to free: bindings can hold one for as long as they like. */
static GraftOpDef *
op_def_copy (GraftOpDef *def)
{
  return def;
}

static void
op_def_free (GraftOpDef *def)
{
}

/**
 * GraftOpDef:
 *
 * The definition of an op or an initializer, parsed from the signature its
 * plugin declared: inputs, outputs and attributes with their kinds,
 * defaults and allowed dtypes. Definitions are owned by the registry and
 * stay valid for the life of the process; copying one returns the same
 * pointer and freeing one does nothing.
 */
G_DEFINE_BOXED_TYPE (GraftOpDef, graft_op_def, op_def_copy, op_def_free)

/**
 * graft_op_def_get_name:
 * @def: a #GraftOpDef
 *
 * Returns: (transfer none): the type name, for example `MatMul` or
 *   `acme.Scale`
 */
const char *
graft_op_def_get_name (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->name;
}

/**
 * graft_op_def_get_kind:
 * @def: a #GraftOpDef
 *
 * Returns: whether @def is an op or an initializer
 */
GraftOpKind
graft_op_def_get_kind (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, GRAFT_OP_KIND_OP);
  return def->kind;
}

/**
 * graft_op_def_get_signature:
 * @def: a #GraftOpDef
 *
 * Returns: (transfer none): the signature as the plugin wrote it, for
 *   example `(a: T, b: T) -> (product: T), T in {float32, float64}`
 */
const char *
graft_op_def_get_signature (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->signature;
}

/**
 * graft_op_def_get_summary:
 * @def: a #GraftOpDef
 *
 * Returns: (transfer none): one line saying what the op computes
 */
const char *
graft_op_def_get_summary (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->summary;
}

/**
 * graft_op_def_get_default_name:
 * @def: a #GraftOpDef
 *
 * Returns: (transfer none): the name an op gets when none is given
 *   (TensorFlow's `mul` for `Mul`); the type name unless the plugin chose
 *   another
 */
const char *
graft_op_def_get_default_name (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->default_name;
}

/**
 * graft_op_def_get_plugin_name:
 * @def: a #GraftOpDef
 *
 * Returns: (transfer none) (nullable): the name of the plugin that
 *   provides @def, or %NULL when it was not registered by a plugin
 */
const char *
graft_op_def_get_plugin_name (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, NULL);
  return def->plugin_name;
}

/**
 * graft_op_def_get_num_inputs:
 * @def: a #GraftOpDef
 *
 * Returns: the number of tensor inputs
 */
guint
graft_op_def_get_num_inputs (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, 0);
  return def->n_inputs;
}

/**
 * graft_op_def_get_input_name:
 * @def: a #GraftOpDef
 * @index: an input index below graft_op_def_get_num_inputs()
 *
 * Returns: (transfer none): the name of input @index
 */
const char *
graft_op_def_get_input_name (const GraftOpDef *def,
                             guint             index)
{
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (index < def->n_inputs, NULL);
  return def->inputs[index].name;
}

/**
 * graft_op_def_get_input_dtype:
 * @def: a #GraftOpDef
 * @index: an input index below graft_op_def_get_num_inputs()
 *
 * Returns: the dtype the signature fixes for input @index (`x: float32`),
 *   or %GRAFT_DTYPE_INVALID when a type attribute gives it (`x: T`, see
 *   graft_op_def_get_input_type_attr())
 */
GraftDType
graft_op_def_get_input_dtype (const GraftOpDef *def,
                              guint             index)
{
  g_return_val_if_fail (def != NULL, GRAFT_DTYPE_INVALID);
  g_return_val_if_fail (index < def->n_inputs, GRAFT_DTYPE_INVALID);
  return def->inputs[index].dtype;
}

/**
 * graft_op_def_get_input_type_attr:
 * @def: a #GraftOpDef
 * @index: an input index below graft_op_def_get_num_inputs()
 *
 * Tools and bindings use it to show `x: T` with what `T` allows.
 *
 * Returns: the index of the `type` attribute (a type variable such as `T`,
 *   or an explicit `dtype: type` parameter) that gives the dtype of input
 *   @index, or -1 when the signature fixes the dtype
 */
gint
graft_op_def_get_input_type_attr (const GraftOpDef *def,
                                  guint             index)
{
  g_return_val_if_fail (def != NULL, -1);
  g_return_val_if_fail (index < def->n_inputs, -1);
  return def->inputs[index].type_attr;
}

/**
 * graft_op_def_get_input_number_attr:
 * @def: a #GraftOpDef
 * @index: an input index below graft_op_def_get_num_inputs()
 *
 * A list input, written `inputs: N * T`, takes any number (at least one)
 * of tensors of one dtype; the op's `N` attribute is inferred from how
 * many are given, and its kernel receives them as an array and a count.
 *
 * Returns: the index of the int attribute giving the length of input
 *   @index when it is a list input, or -1 for a single tensor
 */
gint
graft_op_def_get_input_number_attr (const GraftOpDef *def,
                                    guint             index)
{
  g_return_val_if_fail (def != NULL, -1);
  g_return_val_if_fail (index < def->n_inputs, -1);
  return def->inputs[index].number_attr;
}

/**
 * graft_op_def_get_num_outputs:
 * @def: a #GraftOpDef
 *
 * Returns: the number of outputs
 */
guint
graft_op_def_get_num_outputs (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, 0);
  return def->n_outputs;
}

/**
 * graft_op_def_get_output_name:
 * @def: a #GraftOpDef
 * @index: an output index below graft_op_def_get_num_outputs()
 *
 * Returns: (transfer none): the name of output @index
 */
const char *
graft_op_def_get_output_name (const GraftOpDef *def,
                              guint             index)
{
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (index < def->n_outputs, NULL);
  return def->outputs[index].name;
}

/**
 * graft_op_def_get_output_dtype:
 * @def: a #GraftOpDef
 * @index: an output index below graft_op_def_get_num_outputs()
 *
 * Returns: the dtype the signature fixes for output @index, or
 *   %GRAFT_DTYPE_INVALID when a type attribute gives it
 */
GraftDType
graft_op_def_get_output_dtype (const GraftOpDef *def,
                               guint             index)
{
  g_return_val_if_fail (def != NULL, GRAFT_DTYPE_INVALID);
  g_return_val_if_fail (index < def->n_outputs, GRAFT_DTYPE_INVALID);
  return def->outputs[index].dtype;
}

/**
 * graft_op_def_get_output_type_attr:
 * @def: a #GraftOpDef
 * @index: an output index below graft_op_def_get_num_outputs()
 *
 * Returns: the index of the `type` attribute that gives the dtype of
 *   output @index, or -1 when the signature fixes the dtype
 */
gint
graft_op_def_get_output_type_attr (const GraftOpDef *def,
                                   guint             index)
{
  g_return_val_if_fail (def != NULL, -1);
  g_return_val_if_fail (index < def->n_outputs, -1);
  return def->outputs[index].type_attr;
}

/**
 * graft_op_def_get_num_attrs:
 * @def: a #GraftOpDef
 *
 * Counts every attribute: those the signature declares, its type
 * variables, and those Graft sets itself (names starting with `_`, such as
 * an initializer's `_shape` or a random op's `_seed`).
 *
 * Returns: the number of attributes
 */
guint
graft_op_def_get_num_attrs (const GraftOpDef *def)
{
  g_return_val_if_fail (def != NULL, 0);
  return def->n_attrs;
}

/**
 * graft_op_def_get_attr_name:
 * @def: a #GraftOpDef
 * @index: an attribute index below graft_op_def_get_num_attrs()
 *
 * Returns: (transfer none): the name of attribute @index
 */
const char *
graft_op_def_get_attr_name (const GraftOpDef *def,
                            guint             index)
{
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (index < def->n_attrs, NULL);
  return def->attrs[index].name;
}

/**
 * graft_op_def_get_attr_kind:
 * @def: a #GraftOpDef
 * @index: an attribute index below graft_op_def_get_num_attrs()
 *
 * Returns: the kind of attribute @index
 */
GraftAttrKind
graft_op_def_get_attr_kind (const GraftOpDef *def,
                            guint             index)
{
  g_return_val_if_fail (def != NULL, GRAFT_ATTR_BOOL);
  g_return_val_if_fail (index < def->n_attrs, GRAFT_ATTR_BOOL);
  return def->attrs[index].kind;
}

/**
 * graft_op_def_get_attr_default:
 * @def: a #GraftOpDef
 * @index: an attribute index below graft_op_def_get_num_attrs()
 *
 * Formats the default of attribute @index as a signature writes it:
 * `false`, `1.5`, `"fan_in"`, `float32`, `[2, ?]`, `?`, `[1, 2]`.
 *
 * Returns: (transfer full) (nullable): a newly allocated string, or %NULL
 *   when the attribute has no default (it must then be set, or, for a type
 *   variable, is inferred)
 */
char *
graft_op_def_get_attr_default (const GraftOpDef *def,
                               guint             index)
{
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (index < def->n_attrs, NULL);

  if (!def->attrs[index].has_default)
    return NULL;
  return _graft_attr_value_to_string (def->attrs[index].kind, &def->attrs[index].default_value);
}

/**
 * graft_op_def_get_attr_allowed_dtypes:
 * @def: a #GraftOpDef
 * @index: an attribute index below graft_op_def_get_num_attrs()
 * @n_dtypes: (out): the number of dtypes returned
 *
 * Lists the dtypes a `type` attribute accepts, as a constraint of the
 * signature (`T in {float32, float64}`) restricts them, in the order of
 * #GraftDType.
 *
 * Returns: (array length=n_dtypes) (transfer full) (nullable): a newly
 *   allocated array, or %NULL with @n_dtypes set to 0 when any dtype is
 *   allowed (and for attributes that are not of kind `type`)
 */
GraftDType *
graft_op_def_get_attr_allowed_dtypes (const GraftOpDef *def,
                                      guint             index,
                                      guint            *n_dtypes)
{
  guint32 bits;
  GraftDType *dtypes;
  guint n = 0;

  g_return_val_if_fail (n_dtypes != NULL, NULL);
  *n_dtypes = 0;
  g_return_val_if_fail (def != NULL, NULL);
  g_return_val_if_fail (index < def->n_attrs, NULL);

  bits = def->attrs[index].allowed_dtypes;
  if (def->attrs[index].kind != GRAFT_ATTR_TYPE || bits == GRAFT_DTYPES_ALL)
    return NULL;

  dtypes = g_new (GraftDType, g_bit_nth_msf (bits, -1) + 1);
  for (guint d = 0; d < 32; d++)
    if (bits & GRAFT_DTYPE_BIT (d))
      dtypes[n++] = (GraftDType) d;
  *n_dtypes = n;
  return dtypes;
}

/**
 * graft_op_def_is_attr_inferred:
 * @def: a #GraftOpDef
 * @index: an attribute index below graft_op_def_get_num_attrs()
 *
 * Says whether attribute @index is a type variable of the signature (a
 * name such as `T` used as the type of inputs) rather than an attribute
 * declared as a parameter. Its value comes from the dtypes of the inputs
 * (for an initializer, from the variable's dtype), so it is not a kernel
 * parameter.
 *
 * Returns: whether the attribute is inferred
 */
gboolean
graft_op_def_is_attr_inferred (const GraftOpDef *def,
                               guint             index)
{
  g_return_val_if_fail (def != NULL, FALSE);
  g_return_val_if_fail (index < def->n_attrs, FALSE);
  return def->attrs[index].inferred;
}
