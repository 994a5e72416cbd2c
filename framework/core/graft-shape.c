/* graft-shape.c: tensor shapes with unknown dimensions and unknown rank.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "graft-core-private.h"

/* Shapes are immutable once made, so "copy" is a reference and the boxed
 * type costs no allocation when bindings pass one around. The dimensions
 * live in the same block as the header. */
struct _GraftShape {
  gint rank;
  gint64 dims[];
};

/**
 * GraftShape:
 *
 * An immutable tensor shape. The rank may be unknown
 * (#GRAFT_RANK_UNKNOWN, TensorFlow's `TensorShape(None)`) and any
 * dimension may be unknown (#GRAFT_DIM_UNKNOWN). A #GraftShape is
 * reference counted; it never changes after it is made.
 */
G_DEFINE_BOXED_TYPE (GraftShape, graft_shape, graft_shape_ref, graft_shape_unref)

static GraftShape *
shape_alloc (gint rank)
{
  GraftShape *shape;

  shape = g_atomic_rc_box_alloc (sizeof (GraftShape) + sizeof (gint64) * (rank > 0 ? rank : 0));
  shape->rank = rank;
  return shape;
}

/**
 * graft_shape_new:
 * @dims: (array length=rank) (nullable): the dimensions; a negative value is
 *   an unknown dimension
 * @rank: the number of dimensions
 *
 * Creates a shape of known rank. Negative dimensions are stored as
 * #GRAFT_DIM_UNKNOWN.
 *
 * Returns: (transfer full): a new shape
 */
GraftShape *
graft_shape_new (const gint64 *dims,
                 guint         rank)
{
  GraftShape *shape;

  g_return_val_if_fail (dims != NULL || rank == 0, NULL);
  g_return_val_if_fail (rank <= GRAFT_MAX_RANK, NULL);

  shape = shape_alloc ((gint) rank);
  for (guint i = 0; i < rank; i++)
    shape->dims[i] = dims[i] < 0 ? GRAFT_DIM_UNKNOWN : dims[i];
  return shape;
}

/**
 * graft_shape_new_unknown:
 *
 * Creates the shape of unknown rank, compatible with every shape.
 *
 * Returns: (transfer full): a new shape
 */
GraftShape *
graft_shape_new_unknown (void)
{
  return shape_alloc (GRAFT_RANK_UNKNOWN);
}

/**
 * graft_shape_new_scalar:
 *
 * Creates the rank-0 shape `()`.
 *
 * Returns: (transfer full): a new shape
 */
GraftShape *
graft_shape_new_scalar (void)
{
  return shape_alloc (0);
}

/**
 * graft_shape_new_vector:
 * @n: the length, or #GRAFT_DIM_UNKNOWN
 *
 * Creates the rank-1 shape `(n,)`.
 *
 * Returns: (transfer full): a new shape
 */
GraftShape *
graft_shape_new_vector (gint64 n)
{
  return graft_shape_new (&n, 1);
}

/**
 * graft_shape_new_matrix:
 * @rows: the number of rows, or #GRAFT_DIM_UNKNOWN
 * @cols: the number of columns, or #GRAFT_DIM_UNKNOWN
 *
 * Creates the rank-2 shape `(rows, cols)`.
 *
 * Returns: (transfer full): a new shape
 */
GraftShape *
graft_shape_new_matrix (gint64 rows,
                        gint64 cols)
{
  gint64 dims[2] = { rows, cols };

  return graft_shape_new (dims, 2);
}

/**
 * graft_shape_ref:
 * @shape: a #GraftShape
 *
 * Returns: (transfer full): @shape
 */
GraftShape *
graft_shape_ref (GraftShape *shape)
{
  g_return_val_if_fail (shape != NULL, NULL);
  return g_atomic_rc_box_acquire (shape);
}

/**
 * graft_shape_unref:
 * @shape: (transfer full): a #GraftShape
 */
void
graft_shape_unref (GraftShape *shape)
{
  g_return_if_fail (shape != NULL);
  g_atomic_rc_box_release (shape);
}

/**
 * graft_shape_get_rank:
 * @shape: a #GraftShape
 *
 * Returns: the number of dimensions, or #GRAFT_RANK_UNKNOWN
 */
gint
graft_shape_get_rank (const GraftShape *shape)
{
  g_return_val_if_fail (shape != NULL, GRAFT_RANK_UNKNOWN);
  return shape->rank;
}

/**
 * graft_shape_get_dim:
 * @shape: a #GraftShape of known rank
 * @axis: an axis below the rank
 *
 * Returns: the size along @axis, or #GRAFT_DIM_UNKNOWN
 */
gint64
graft_shape_get_dim (const GraftShape *shape,
                     guint             axis)
{
  g_return_val_if_fail (shape != NULL, GRAFT_DIM_UNKNOWN);
  g_return_val_if_fail (shape->rank >= 0 && axis < (guint) shape->rank, GRAFT_DIM_UNKNOWN);
  return shape->dims[axis];
}

/**
 * graft_shape_get_dims:
 * @shape: a #GraftShape
 * @n_dims: (out): the rank, 0 when the rank is unknown
 *
 * Returns: (array length=n_dims) (transfer none) (nullable): the dimensions,
 *   %NULL when the rank is unknown or 0
 */
const gint64 *
graft_shape_get_dims (const GraftShape *shape,
                      guint            *n_dims)
{
  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (n_dims != NULL, NULL);

  *n_dims = shape->rank > 0 ? (guint) shape->rank : 0;
  return shape->rank > 0 ? shape->dims : NULL;
}

/**
 * graft_shape_is_fully_defined:
 * @shape: a #GraftShape
 *
 * Returns: whether the rank and every dimension are known
 */
gboolean
graft_shape_is_fully_defined (const GraftShape *shape)
{
  g_return_val_if_fail (shape != NULL, FALSE);
  return _graft_dims_fully_defined (shape->rank, shape->dims);
}

/**
 * graft_shape_get_num_elements:
 * @shape: a #GraftShape
 *
 * Returns: the product of the dimensions (1 for a scalar), or -1 when the
 *   shape is not fully defined or the product does not fit in a #gint64
 */
gint64
graft_shape_get_num_elements (const GraftShape *shape)
{
  g_return_val_if_fail (shape != NULL, -1);
  return _graft_dims_num_elements (shape->rank, shape->dims);
}

/**
 * graft_shape_is_compatible_with:
 * @shape: a #GraftShape
 * @other: another #GraftShape
 *
 * Two shapes are compatible when either rank is unknown, or the ranks are
 * equal and each pair of dimensions is equal or has an unknown side. This is
 * the test get_variable() applies when it shares a variable.
 *
 * Returns: whether the shapes are compatible
 */
gboolean
graft_shape_is_compatible_with (const GraftShape *shape,
                                const GraftShape *other)
{
  g_return_val_if_fail (shape != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);
  return _graft_dims_compatible (shape->rank, shape->dims, other->rank, other->dims);
}

/**
 * graft_shape_equal:
 * @shape: a #GraftShape
 * @other: another #GraftShape
 *
 * Returns: whether both shapes have the same rank and dimensions (unknown
 *   entries compare equal to unknown entries only)
 */
gboolean
graft_shape_equal (const GraftShape *shape,
                   const GraftShape *other)
{
  g_return_val_if_fail (shape != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  if (shape->rank != other->rank)
    return FALSE;
  return shape->rank <= 0 || memcmp (shape->dims, other->dims, sizeof (gint64) * shape->rank) == 0;
}

/**
 * graft_shape_to_string:
 * @shape: a #GraftShape
 *
 * Formats @shape as TensorFlow 1.x does in its messages: `<unknown>`, `()`,
 * `(1,)`, `(2, 3)`, `(?, 3)`.
 *
 * Returns: (transfer full): a newly allocated string
 */
char *
graft_shape_to_string (const GraftShape *shape)
{
  GString *s;

  g_return_val_if_fail (shape != NULL, NULL);

  s = g_string_new (NULL);
  _graft_dims_format (s, shape->rank, shape->dims);
  return g_string_free (s, FALSE);
}

/* Helpers on raw (rank, dims) pairs: node outputs keep their shapes in the
 * graph's arena in this form, so the public type and the graph share them. */

gboolean
_graft_dims_fully_defined (gint          rank,
                           const gint64 *dims)
{
  if (rank < 0)
    return FALSE;
  for (gint i = 0; i < rank; i++)
    if (dims[i] < 0)
      return FALSE;
  return TRUE;
}

/* The largest byte count Graft lets a tensor have: it must fit in a gsize
 * and, as TensorFlow's element counts do, in a gint64, so that kernels and
 * shape functions may compute sizes and strides in either type. */
#define MAX_TENSOR_BYTES ((guint64) MIN ((guint64) G_MAXINT64, (guint64) G_MAXSIZE))

/* The element count of (rank, dims) with an overflow check: FALSE when the
 * count, or the count times @elem_size (0 counts as 1), exceeds what a
 * gint64 and a gsize hold. Unknown dimensions count as 1 and zeros are
 * skipped, so a partly known shape passes when its known dimensions fit,
 * and a zero never hides a product that overflows: every stride a kernel
 * can compute from the dimensions fits too. @n (nullable) receives the
 * element count when the rank and dimensions are all known, else -1. */
gboolean
_graft_dims_num_elements_checked (gint          rank,
                                  const gint64 *dims,
                                  gint64       *n,
                                  gsize         elem_size)
{
  guint64 bound = MAX (elem_size, 1), limit = MAX_TENSOR_BYTES;
  gboolean known = rank >= 0, zero = FALSE;

  for (gint i = 0; i < rank; i++)
    {
      if (dims[i] < 0)
        {
          known = FALSE;
          continue;
        }
      if (dims[i] == 0)
        {
          zero = TRUE;
          continue;
        }
      if ((guint64) dims[i] > limit / bound)
        return FALSE;
      bound *= (guint64) dims[i];
    }
  if (n != NULL)
    *n = !known ? -1 : zero ? 0 : (gint64) (bound / MAX (elem_size, 1));
  return TRUE;
}

gint64
_graft_dims_num_elements (gint          rank,
                          const gint64 *dims)
{
  gint64 n;

  /* A count that would not fit is no count: -1, as for an unknown shape,
   * rather than a wrapped value a caller would allocate. */
  if (!_graft_dims_num_elements_checked (rank, dims, &n, 1))
    return -1;
  return n;
}

/* "Shape (3, 6148914691236517206) has too many elements", in the domain
 * and code of the caller's layer. */
void
_graft_set_too_many_elements (GError      **error,
                              GQuark        domain,
                              gint          code,
                              gint          rank,
                              const gint64 *dims)
{
  GString *s = g_string_new (NULL);

  _graft_dims_format (s, rank, dims);
  g_set_error (error, domain, code, "Shape %s has too many elements", s->str);
  g_string_free (s, TRUE);
}

/* TensorFlow's resource-exhausted message, word for word, so that code and
 * people who know TensorFlow recognise it: the shape comma-separated
 * without spaces, and the dtype by TensorFlow's C++ name. */
void
_graft_set_oom (GError      **error,
                GQuark        domain,
                gint          code,
                GraftDType    dtype,
                gint          rank,
                const gint64 *dims)
{
  GString *s = g_string_new (NULL);
  const char *type = dtype == GRAFT_DTYPE_FLOAT32 ? "float" :
                     dtype == GRAFT_DTYPE_FLOAT64 ? "double" : graft_dtype_get_name (dtype);

  for (gint i = 0; i < rank; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", dims[i]);
  g_set_error (error, domain, code,
               "OOM when allocating tensor with shape[%s] and type %s on "
               "/job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu", s->str, type);
  g_string_free (s, TRUE);
}

gboolean
_graft_dims_compatible (gint          rank_a,
                        const gint64 *a,
                        gint          rank_b,
                        const gint64 *b)
{
  if (rank_a < 0 || rank_b < 0)
    return TRUE;
  if (rank_a != rank_b)
    return FALSE;
  for (gint i = 0; i < rank_a; i++)
    if (a[i] >= 0 && b[i] >= 0 && a[i] != b[i])
      return FALSE;
  return TRUE;
}

void
_graft_dims_format (GString      *s,
                    gint          rank,
                    const gint64 *dims)
{
  if (rank < 0)
    {
      g_string_append (s, "<unknown>");
      return;
    }
  g_string_append_c (s, '(');
  for (gint i = 0; i < rank; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      if (dims[i] < 0)
        g_string_append_c (s, '?');
      else
        g_string_append_printf (s, "%" G_GINT64_FORMAT, dims[i]);
    }
  if (rank == 1)
    g_string_append_c (s, ',');
  g_string_append_c (s, ')');
}

GraftShape *
_graft_shape_new_from_dims (gint          rank,
                            const gint64 *dims)
{
  GraftShape *shape = shape_alloc (rank);

  if (rank > 0)
    memcpy (shape->dims, dims, sizeof (gint64) * rank);
  return shape;
}

const gint64 *
_graft_shape_dims (const GraftShape *shape)
{
  return shape->dims;
}
