/* graft-shape-fn.c: what shape functions see, and the common ones.
 *
 * A shape function runs when an op is built, with the inputs' partial
 * shapes (unknown rank, unknown dimensions), and again at run time with
 * concrete ones. The helpers here follow TensorFlow's shape inference so
 * that partial shapes and error messages read the same.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"

/* Every output's element count, and its byte count where the dtype is
 * known, must fit in a gint64: checked here, where every shape function's
 * result passes at build time (the builder) and at run time (the
 * executor), so no shape function has to remember it, and no kernel ever
 * sees a shape whose size wrapped. */
static gboolean
check_output_sizes (GraftShapeContext *ctx,
                    GError           **error)
{
  const GraftOpDef *def = ctx->def;

  for (guint o = 0; o < def->n_outputs; o++)
    {
      const GraftArgDef *out = &def->outputs[o];
      GraftDType dtype = out->type_attr >= 0 ? ctx->attrs[out->type_attr].type : out->dtype;
      const gint64 *dims = ctx->out_dims + o * GRAFT_MAX_RANK;

      if (ctx->out_ranks[o] < 0)
        continue;
      if (!_graft_dims_num_elements_checked (ctx->out_ranks[o], dims, NULL, graft_dtype_get_size (dtype)))
        {
          _graft_set_too_many_elements (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, ctx->out_ranks[o], dims);
          return FALSE;
        }
    }
  return TRUE;
}

/* Every caller goes through here: the builder, the executor when a shape
 * was partial at build time, and initializers evaluated eagerly. */
gboolean
_graft_shape_context_run (GraftShapeContext *ctx,
                          GError           **error)
{
  const GraftOpDef *def = ctx->def;

  for (guint o = 0; o < def->n_outputs; o++)
    ctx->out_ranks[o] = GRAFT_RANK_UNKNOWN;

  if (def->shape_fn != NULL)
    {
      /* Shape functions are plugin code: one may return FALSE without a
       * reason, or set an error and return TRUE. A local error, checked
       * after the call, turns each into one error so that no caller sees
       * FALSE with a NULL error; callers prefix the op's type and name. */
      GError *local = NULL;
      gboolean ok = def->shape_fn (ctx, &local);

      if (!ok || local != NULL)
        {
          if (local == NULL)
            local = g_error_new_literal (GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                                         "the shape function failed without giving a reason");
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  else if (def->kind == GRAFT_OP_KIND_INITIALIZER)
    {
      gint s = _graft_op_def_find_attr (def, "_shape");
      const GraftShape *shape = ctx->attrs[s].shape;
      graft_shape_context_set_output (ctx, 0, graft_shape_get_rank (shape), _graft_shape_dims (shape));
    }
  else if (ctx->n_inputs > 0 && !graft_shape_same_as_input (ctx, error))
    return FALSE;
  return check_output_sizes (ctx, error);
}

/**
 * GraftShapeContext:
 *
 * The op whose output shapes a #GraftShapeFunc computes: its name, its
 * inputs' dtypes, shapes and (for constants) values, and its attributes.
 * It only lives during the call.
 */

/**
 * graft_shape_context_get_op_name:
 * @ctx: a #GraftShapeContext
 *
 * Returns: (transfer none): the full name of the op being built, for
 *   messages
 */
const char *
graft_shape_context_get_op_name (GraftShapeContext *ctx)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  return ctx->op_name;
}

/**
 * graft_shape_context_get_num_inputs:
 * @ctx: a #GraftShapeContext
 *
 * Returns: the number of inputs of the op
 */
guint
graft_shape_context_get_num_inputs (GraftShapeContext *ctx)
{
  g_return_val_if_fail (ctx != NULL, 0);
  return ctx->n_inputs;
}

/**
 * graft_shape_context_get_input_dtype:
 * @ctx: a #GraftShapeContext
 * @index: an input index below graft_shape_context_get_num_inputs()
 *
 * Returns: the dtype of input @index
 */
GraftDType
graft_shape_context_get_input_dtype (GraftShapeContext *ctx,
                                     guint              index)
{
  g_return_val_if_fail (ctx != NULL, GRAFT_DTYPE_INVALID);
  g_return_val_if_fail (index < ctx->n_inputs, GRAFT_DTYPE_INVALID);
  return ctx->in_dtypes[index];
}

/**
 * graft_shape_context_get_input_rank:
 * @ctx: a #GraftShapeContext
 * @index: an input index below graft_shape_context_get_num_inputs()
 *
 * Returns: the rank of input @index, or #GRAFT_RANK_UNKNOWN
 */
gint
graft_shape_context_get_input_rank (GraftShapeContext *ctx,
                                    guint              index)
{
  g_return_val_if_fail (ctx != NULL, GRAFT_RANK_UNKNOWN);
  g_return_val_if_fail (index < ctx->n_inputs, GRAFT_RANK_UNKNOWN);
  return ctx->in_ranks[index];
}

/**
 * graft_shape_context_get_input_dims: (skip)
 * @ctx: a #GraftShapeContext
 * @index: an input index below graft_shape_context_get_num_inputs()
 *
 * Returns the dimensions of input @index; there are as many as
 * graft_shape_context_get_input_rank() says, each possibly
 * #GRAFT_DIM_UNKNOWN. Not for bindings: the array's length is another
 * call's result, and shape functions are C functions in a #GraftOpInfo.
 *
 * Returns: (transfer none) (nullable): the dimensions, %NULL when the rank
 *   is unknown or 0
 */
const gint64 *
graft_shape_context_get_input_dims (GraftShapeContext *ctx,
                                    guint              index)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (index < ctx->n_inputs, NULL);
  return ctx->in_ranks[index] > 0 ? ctx->in_dims[index] : NULL;
}

/**
 * graft_shape_context_get_input_value:
 * @ctx: a #GraftShapeContext
 * @index: an input index below graft_shape_context_get_num_inputs()
 *
 * Returns the value of input @index when it is known while the graph is
 * built (a constant), so that ops such as Reshape or Fill can compute their
 * output shape from it; at run time every value is known.
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when it is not
 *   known
 */
const GraftTensor *
graft_shape_context_get_input_value (GraftShapeContext *ctx,
                                     guint              index)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (index < ctx->n_inputs, NULL);
  return ctx->in_values != NULL ? ctx->in_values[index] : NULL;
}

/* The attribute `name` of `kind`, or NULL after a critical warning that
 * names the caller (a wrong name or kind is a bug in the shape function). */
static const GraftAttrValue *
lookup_attr (GraftShapeContext *ctx,
             const char        *name,
             GraftAttrKind      kind,
             const char        *func)
{
  gint a;

  if (ctx == NULL || name == NULL)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, func, ctx == NULL ? "ctx != NULL" : "name != NULL");
      return NULL;
    }
  a = _graft_op_def_find_attr (ctx->def, name);
  if (a < 0)
    {
      g_critical ("%s: %s op '%s' has no attribute '%s'", func, ctx->def->name,
                  ctx->op_name ? ctx->op_name : "?", name);
      return NULL;
    }
  if (ctx->def->attrs[a].kind != kind)
    {
      g_critical ("%s: attribute '%s' of %s is not of the kind read", func, name, ctx->def->name);
      return NULL;
    }
  return &ctx->attrs[a];
}

/**
 * graft_shape_context_get_attr_bool:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `bool` attribute of the op
 *
 * Returns: the attribute's value
 */
gboolean
graft_shape_context_get_attr_bool (GraftShapeContext *ctx,
                                   const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_BOOL, G_STRFUNC);

  return v != NULL ? v->b : FALSE;
}

/**
 * graft_shape_context_get_attr_int:
 * @ctx: a #GraftShapeContext
 * @name: the name of an `int` attribute of the op
 *
 * Returns: the attribute's value
 */
gint64
graft_shape_context_get_attr_int (GraftShapeContext *ctx,
                                  const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_INT, G_STRFUNC);

  return v != NULL ? v->i : 0;
}

/**
 * graft_shape_context_get_attr_float:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `float` attribute of the op
 *
 * Returns: the attribute's value
 */
double
graft_shape_context_get_attr_float (GraftShapeContext *ctx,
                                    const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_FLOAT, G_STRFUNC);

  return v != NULL ? v->f : 0.0;
}

/**
 * graft_shape_context_get_attr_string:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `string` attribute of the op
 *
 * Returns: (transfer none): the attribute's value
 */
const char *
graft_shape_context_get_attr_string (GraftShapeContext *ctx,
                                     const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_STRING, G_STRFUNC);

  return v != NULL ? v->s : NULL;
}

/**
 * graft_shape_context_get_attr_type:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `type` attribute of the op, explicit or a type
 *   variable of the signature
 *
 * Returns: the attribute's dtype
 */
GraftDType
graft_shape_context_get_attr_type (GraftShapeContext *ctx,
                                   const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_TYPE, G_STRFUNC);

  return v != NULL ? v->type : GRAFT_DTYPE_INVALID;
}

/**
 * graft_shape_context_get_attr_shape:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `shape` attribute of the op
 *
 * Returns: (transfer none): the attribute's value
 */
const GraftShape *
graft_shape_context_get_attr_shape (GraftShapeContext *ctx,
                                    const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_SHAPE, G_STRFUNC);

  return v != NULL ? v->shape : NULL;
}

/**
 * graft_shape_context_get_attr_tensor:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `tensor` attribute of the op
 *
 * Returns: (transfer none): the attribute's value
 */
const GraftTensor *
graft_shape_context_get_attr_tensor (GraftShapeContext *ctx,
                                     const char        *name)
{
  const GraftAttrValue *v = lookup_attr (ctx, name, GRAFT_ATTR_TENSOR, G_STRFUNC);

  return v != NULL ? v->tensor : NULL;
}

/**
 * graft_shape_context_get_attr_ints:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `list(int)` attribute of the op
 * @n_values: (out): the number of values
 *
 * Returns: (array length=n_values) (transfer none) (nullable): the values,
 *   possibly %NULL when there are none
 */
const gint64 *
graft_shape_context_get_attr_ints (GraftShapeContext *ctx,
                                   const char        *name,
                                   gsize             *n_values)
{
  const GraftAttrValue *v;

  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = 0;
  v = lookup_attr (ctx, name, GRAFT_ATTR_INT_LIST, G_STRFUNC);
  if (v == NULL)
    return NULL;
  *n_values = v->list.n;
  return v->list.v;
}

/**
 * graft_shape_context_get_attr_floats:
 * @ctx: a #GraftShapeContext
 * @name: the name of a `list(float)` attribute of the op
 * @n_values: (out): the number of values
 *
 * Returns: (array length=n_values) (transfer none) (nullable): the values,
 *   possibly %NULL when there are none
 */
const double *
graft_shape_context_get_attr_floats (GraftShapeContext *ctx,
                                     const char        *name,
                                     gsize             *n_values)
{
  const GraftAttrValue *v;

  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = 0;
  v = lookup_attr (ctx, name, GRAFT_ATTR_FLOAT_LIST, G_STRFUNC);
  if (v == NULL)
    return NULL;
  *n_values = v->list.n;
  return v->list.v;
}

/**
 * graft_shape_context_set_output:
 * @ctx: a #GraftShapeContext
 * @index: an output index of the op
 * @rank: the rank, or #GRAFT_RANK_UNKNOWN; at most 32
 * @dims: (array length=rank) (nullable): the dimensions, each possibly
 *   #GRAFT_DIM_UNKNOWN (any negative value is stored as that); %NULL when
 *   the rank is unknown or 0
 *
 * Sets the shape of output @index. Outputs left unset have an unknown
 * shape.
 */
void
graft_shape_context_set_output (GraftShapeContext *ctx,
                                guint              index,
                                gint               rank,
                                const gint64      *dims)
{
  gint64 *out;

  g_return_if_fail (ctx != NULL);
  g_return_if_fail (index < ctx->def->n_outputs);
  g_return_if_fail (rank <= GRAFT_MAX_RANK);
  g_return_if_fail (rank <= 0 || dims != NULL);

  if (rank < 0)
    {
      ctx->out_ranks[index] = GRAFT_RANK_UNKNOWN;
      return;
    }
  out = ctx->out_dims + (gsize) index * GRAFT_MAX_RANK;
  for (gint i = 0; i < rank; i++)
    out[i] = dims[i] < 0 ? GRAFT_DIM_UNKNOWN : dims[i];
  ctx->out_ranks[index] = rank;
}

static void
set_all_outputs (GraftShapeContext *ctx,
                 gint               rank,
                 const gint64      *dims)
{
  for (guint o = 0; o < ctx->def->n_outputs; o++)
    graft_shape_context_set_output (ctx, o, rank, dims);
}

static inline const gint64 *
input_dims (GraftShapeContext *ctx,
            guint              i)
{
  return ctx->in_ranks[i] > 0 ? ctx->in_dims[i] : NULL;
}

/* A bool attribute the op may or may not declare. */
static gboolean
optional_bool (GraftShapeContext *ctx,
               const char        *name)
{
  gint a = _graft_op_def_find_attr (ctx->def, name);

  return a >= 0 && ctx->def->attrs[a].kind == GRAFT_ATTR_BOOL && ctx->attrs[a].b;
}

/**
 * graft_shape_same_as_input: (skip)
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * A #GraftShapeFunc: every output has the shape of input 0 (an unknown
 * shape when the op has no inputs). Elementwise unary ops use it.
 *
 * Returns: %TRUE
 */
gboolean
graft_shape_same_as_input (GraftShapeContext *ctx,
                           GError           **error)
{
  g_return_val_if_fail (ctx != NULL, FALSE);

  if (ctx->n_inputs == 0)
    set_all_outputs (ctx, GRAFT_RANK_UNKNOWN, NULL);
  else
    set_all_outputs (ctx, ctx->in_ranks[0], input_dims (ctx, 0));
  return TRUE;
}

/* Broadcasts `b` into `acc` (NumPy's rules, TensorFlow's treatment of
 * unknown dimensions). Both ranks are known. */
static gboolean
broadcast_into (gint         *acc_rank,
                gint64       *acc,
                gint          rank_b,
                const gint64 *b,
                GError      **error)
{
  gint rank = MAX (*acc_rank, rank_b);
  gint64 out[GRAFT_MAX_RANK];

  for (gint i = 0; i < rank; i++)
    {
      /* Aligned on the right; a missing dimension acts as 1. */
      gint ia = i - (rank - *acc_rank), ib = i - (rank - rank_b);
      gint64 x = ia >= 0 ? acc[ia] : 1;
      gint64 y = ib >= 0 ? b[ib] : 1;

      if (x >= 0 && y >= 0)
        {
          if (x == y || y == 1)
            out[i] = x;
          else if (x == 1)
            out[i] = y;
          else
            {
              GString *sa = g_string_new (NULL), *sb = g_string_new (NULL);

              _graft_dims_format (sa, *acc_rank, acc);
              _graft_dims_format (sb, rank_b, b);
              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                           "Incompatible shapes for broadcasting: %s and %s", sa->str, sb->str);
              g_string_free (sa, TRUE);
              g_string_free (sb, TRUE);
              return FALSE;
            }
        }
      /* An unknown dimension could be 1, so only a known one above 1
       * decides the result. */
      else if (x > 1)
        out[i] = x;
      else if (y > 1)
        out[i] = y;
      else
        out[i] = GRAFT_DIM_UNKNOWN;
    }
  memcpy (acc, out, sizeof (gint64) * rank);
  *acc_rank = rank;
  return TRUE;
}

/**
 * graft_shape_broadcast: (skip)
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * A #GraftShapeFunc for elementwise ops: every output has the shape of all
 * inputs broadcast together by NumPy's rules. An input of unknown rank
 * (or having no inputs) makes the rank of the result unknown; an unknown
 * dimension gives an unknown dimension unless the other side is known and
 * above 1.
 *
 * Returns: %FALSE with @error set (#GRAFT_GRAPH_ERROR_SHAPE) when two known
 *   dimensions differ and neither is 1
 */
gboolean
graft_shape_broadcast (GraftShapeContext *ctx,
                       GError           **error)
{
  gint64 acc[GRAFT_MAX_RANK];
  gint acc_rank = 0;
  gboolean any_known = FALSE, any_unknown = FALSE;

  g_return_val_if_fail (ctx != NULL, FALSE);

  /* The common case, two inputs of one shape, without the general walk. */
  if (ctx->n_inputs == 2 && ctx->in_ranks[0] >= 0 && ctx->in_ranks[0] == ctx->in_ranks[1] &&
      (ctx->in_ranks[0] == 0 || memcmp (ctx->in_dims[0], ctx->in_dims[1], sizeof (gint64) * ctx->in_ranks[0]) == 0))
    {
      set_all_outputs (ctx, ctx->in_ranks[0], ctx->in_dims[0]);
      return TRUE;
    }

  /* Known inputs are still checked against each other when another input
   * has an unknown rank: the mistake is there whatever that input is. */
  for (guint i = 0; i < ctx->n_inputs; i++)
    {
      if (ctx->in_ranks[i] < 0)
        {
          any_unknown = TRUE;
          continue;
        }
      if (!any_known)
        {
          acc_rank = ctx->in_ranks[i];
          if (acc_rank > 0)
            memcpy (acc, ctx->in_dims[i], sizeof (gint64) * acc_rank);
          any_known = TRUE;
        }
      else if (!broadcast_into (&acc_rank, acc, ctx->in_ranks[i], input_dims (ctx, i), error))
        return FALSE;
    }
  if (any_unknown || !any_known)
    set_all_outputs (ctx, GRAFT_RANK_UNKNOWN, NULL);
  else
    set_all_outputs (ctx, acc_rank, acc);
  return TRUE;
}

static char *
format_input_shapes (GraftShapeContext *ctx)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ctx->n_inputs; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      _graft_dims_format (s, ctx->in_ranks[i], input_dims (ctx, i));
    }
  return g_string_free (s, FALSE);
}

/**
 * graft_shape_matmul: (skip)
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * A #GraftShapeFunc for matrix products: inputs 0 and 1 are matrices,
 * transposed first when the op has a true `transpose_a` or `transpose_b`
 * bool attribute, and every output is `(m, n)`. Unknown dimensions, or an
 * input of unknown rank, give unknown dimensions on their side.
 *
 * Returns: %FALSE with @error set (#GRAFT_GRAPH_ERROR_SHAPE) when an input
 *   is not of rank 2 or the inner dimensions differ
 */
gboolean
graft_shape_matmul (GraftShapeContext *ctx,
                    GError           **error)
{
  gboolean ta, tb;
  gint64 m = GRAFT_DIM_UNKNOWN, ka = GRAFT_DIM_UNKNOWN, kb = GRAFT_DIM_UNKNOWN, n = GRAFT_DIM_UNKNOWN;
  gint64 out[2];

  g_return_val_if_fail (ctx != NULL, FALSE);

  if (ctx->n_inputs < 2)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "A matrix product needs two inputs, but the op has %u", ctx->n_inputs);
      return FALSE;
    }
  for (guint i = 0; i < 2; i++)
    if (ctx->in_ranks[i] >= 0 && ctx->in_ranks[i] != 2)
      {
        g_autofree char *shapes = format_input_shapes (ctx);

        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                     "Shape must be rank 2 but is rank %d for '%s' with input shapes: %s.",
                     ctx->in_ranks[i], ctx->def->inputs[i].name, shapes);
        return FALSE;
      }

  ta = optional_bool (ctx, "transpose_a");
  tb = optional_bool (ctx, "transpose_b");
  if (ctx->in_ranks[0] == 2)
    {
      m = ctx->in_dims[0][ta ? 1 : 0];
      ka = ctx->in_dims[0][ta ? 0 : 1];
    }
  if (ctx->in_ranks[1] == 2)
    {
      kb = ctx->in_dims[1][tb ? 1 : 0];
      n = ctx->in_dims[1][tb ? 0 : 1];
    }
  if (ka >= 0 && kb >= 0 && ka != kb)
    {
      g_autofree char *shapes = format_input_shapes (ctx);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Dimensions must be equal, but are %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                   " with input shapes: %s.", ka, kb, shapes);
      return FALSE;
    }
  out[0] = m;
  out[1] = n;
  set_all_outputs (ctx, 2, out);
  return TRUE;
}

/**
 * graft_shape_reduce: (skip)
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * A #GraftShapeFunc for reductions of input 0 (Sum, Mean, Max, …) along the
 * op's `axis` attribute, a `list(int)` (or an `int`); negative axes count
 * from the end, and an empty list or no such attribute reduces every axis,
 * like TensorFlow's `axis=None`. With a true `keep_dims` bool attribute the
 * reduced axes stay, with size 1.
 *
 * Returns: %FALSE with @error set (#GRAFT_GRAPH_ERROR_SHAPE) when an axis
 *   is out of range
 */
gboolean
graft_shape_reduce (GraftShapeContext *ctx,
                    GError           **error)
{
  gboolean reduced[GRAFT_MAX_RANK] = { FALSE };
  gint64 out[GRAFT_MAX_RANK];
  const gint64 *axes = NULL, *dims;
  gsize n_axes = 0;
  gboolean keep_dims;
  gint rank, out_rank = 0, a;

  g_return_val_if_fail (ctx != NULL, FALSE);

  if (ctx->n_inputs == 0 || ctx->in_ranks[0] < 0)
    {
      set_all_outputs (ctx, GRAFT_RANK_UNKNOWN, NULL);
      return TRUE;
    }
  rank = ctx->in_ranks[0];
  dims = input_dims (ctx, 0);
  keep_dims = optional_bool (ctx, "keep_dims");

  a = _graft_op_def_find_attr (ctx->def, "axis");
  if (a >= 0 && ctx->def->attrs[a].kind == GRAFT_ATTR_INT_LIST)
    {
      axes = ctx->attrs[a].list.v;
      n_axes = ctx->attrs[a].list.n;
    }
  else if (a >= 0 && ctx->def->attrs[a].kind == GRAFT_ATTR_INT)
    {
      axes = &ctx->attrs[a].i;
      n_axes = 1;
    }

  for (gsize i = 0; i < n_axes; i++)
    {
      gint64 axis = axes[i] < 0 ? axes[i] + rank : axes[i];

      if (axis < 0 || axis >= rank)
        {
          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Invalid reduction dimension %" G_GINT64_FORMAT " for input with %d dimensions",
                       axes[i], rank);
          return FALSE;
        }
      reduced[axis] = TRUE;
    }
  for (gint i = 0; i < rank; i++)
    {
      if (n_axes > 0 && !reduced[i])
        out[out_rank++] = dims[i];
      else if (keep_dims)
        out[out_rank++] = 1;
    }
  set_all_outputs (ctx, out_rank, out);
  return TRUE;
}

/**
 * graft_shape_scalar: (skip)
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * A #GraftShapeFunc: every output is a scalar.
 *
 * Returns: %TRUE
 */
gboolean
graft_shape_scalar (GraftShapeContext *ctx,
                    GError           **error)
{
  g_return_val_if_fail (ctx != NULL, FALSE);
  set_all_outputs (ctx, 0, NULL);
  return TRUE;
}

/**
 * graft_shape_unknown: (skip)
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * A #GraftShapeFunc: nothing is known about the outputs' shapes until the
 * op runs.
 *
 * Returns: %TRUE
 */
gboolean
graft_shape_unknown (GraftShapeContext *ctx,
                     GError           **error)
{
  g_return_val_if_fail (ctx != NULL, FALSE);
  set_all_outputs (ctx, GRAFT_RANK_UNKNOWN, NULL);
  return TRUE;
}

/* The same, as methods of the context for bindings: as plain functions
 * named graft_shape_*, GObject-Introspection files them under GraftShape
 * too, where `scalar` and `unknown` collide with its constructors. */

/**
 * graft_shape_context_same_as_input:
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * graft_shape_same_as_input() for bindings: a Python or JavaScript shape function
 * can end with `return ctx.same_as_input()`.
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
gboolean
graft_shape_context_same_as_input (GraftShapeContext  *ctx,
                                      GError            **error)
{
  return graft_shape_same_as_input (ctx, error);
}

/**
 * graft_shape_context_broadcast:
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * graft_shape_broadcast() for bindings: a Python or JavaScript shape function
 * can end with `return ctx.broadcast()`.
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
gboolean
graft_shape_context_broadcast (GraftShapeContext  *ctx,
                                  GError            **error)
{
  return graft_shape_broadcast (ctx, error);
}

/**
 * graft_shape_context_matmul:
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * graft_shape_matmul() for bindings: a Python or JavaScript shape function
 * can end with `return ctx.matmul()`.
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
gboolean
graft_shape_context_matmul (GraftShapeContext  *ctx,
                               GError            **error)
{
  return graft_shape_matmul (ctx, error);
}

/**
 * graft_shape_context_reduce:
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * graft_shape_reduce() for bindings: a Python or JavaScript shape function
 * can end with `return ctx.reduce()`.
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
gboolean
graft_shape_context_reduce (GraftShapeContext  *ctx,
                               GError            **error)
{
  return graft_shape_reduce (ctx, error);
}

/**
 * graft_shape_context_scalar:
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * graft_shape_scalar() for bindings: a Python or JavaScript shape function
 * can end with `return ctx.scalar()`.
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
gboolean
graft_shape_context_scalar (GraftShapeContext  *ctx,
                               GError            **error)
{
  return graft_shape_scalar (ctx, error);
}

/**
 * graft_shape_context_unknown:
 * @ctx: a #GraftShapeContext
 * @error: return location for a #GError
 *
 * graft_shape_unknown() for bindings: a Python or JavaScript shape function
 * can end with `return ctx.unknown()`.
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
gboolean
graft_shape_context_unknown (GraftShapeContext  *ctx,
                                GError            **error)
{
  return graft_shape_unknown (ctx, error);
}
