/* common.c: what the reductions share: the axis check, the shape function
 * and the walk over the input in contiguous stretches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reduce-kernels.h"

/* Marks the axes of a rank-`rank` tensor that `axis` names (all of them
 * when it is empty); a message when one is out of range or named twice. */
static char *
mark_axes (const gint64 *axis,
           gsize         n_axis,
           gint          rank,
           const char   *shape,
           gboolean     *reduced)
{
  for (gint i = 0; i < rank; i++)
    reduced[i] = n_axis == 0;
  for (gsize i = 0; i < n_axis; i++)
    {
      gint64 a = axis[i] < 0 ? axis[i] + rank : axis[i];

      if (a < 0 || a >= rank)
        return g_strdup_printf ("Invalid reduction axis %" G_GINT64_FORMAT " for a tensor of shape %s: "
                                "it must be in [%d, %d)", axis[i], shape, -rank, rank);
      if (reduced[a])
        {
          g_autofree char *list = op_format_ints (axis, n_axis);
          return g_strdup_printf ("Axis %" G_GINT64_FORMAT " appears twice in axis %s for a tensor of shape %s",
                                  a, list, shape);
        }
      reduced[a] = TRUE;
    }
  return NULL;
}

/* graft_shape_reduce(), after checks whose messages show the shape. */
gboolean
reduce_shape (GraftShapeContext *ctx,
              GError           **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  gsize n_axis;
  const gint64 *axis = graft_shape_context_get_attr_ints (ctx, "axis", &n_axis);
  gboolean reduced[OP_MAX_RANK];
  g_autofree char *shape = NULL, *why = NULL;

  if (rank >= 0)
    {
      shape = op_format_input_shape (ctx, 0);
      why = mark_axes (axis, n_axis, rank, shape, reduced);
      if (why != NULL)
        {
          g_set_error_literal (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, why);
          return FALSE;
        }
    }
  return graft_shape_reduce (ctx, error);
}

/* The same check at run time, for an input whose rank was unknown. */
gboolean
reduce_resolve_axes (GraftKernel       *k,
                     const GraftTensor *input,
                     const gint64      *axis,
                     gsize              n_axis,
                     gboolean          *reduced)
{
  g_autofree char *shape = op_format_tensor_shape (input);
  g_autofree char *why = mark_axes (axis, n_axis, graft_tensor_get_rank (input), shape, reduced);

  if (why != NULL)
    graft_kernel_set_error (k, "%s", why);
  return why == NULL;
}

/* Size-1 axes are dropped and neighbouring axes that are both reduced or
 * both kept are merged, so the walk has as few, and as long, stretches as
 * the layout allows: summing the rows of a matrix is one stretch per row,
 * summing its columns one vector add per row. */
void
reduce_walk (const GraftTensor *input,
             const gboolean    *reduced,
             ReduceRunFunc      run,
             gpointer           user_data)
{
  guint rank, n = 0;
  const gint64 *dims = graft_tensor_get_dims (input, &rank);
  gsize size[OP_MAX_RANK], in_stride[OP_MAX_RANK], out_stride[OP_MAX_RANK], idx[OP_MAX_RANK] = { 0 };
  gboolean red[OP_MAX_RANK];
  gsize in_step = 1, out_step = 1, outer = 1, in_off = 0, out_off = 0;

  if (graft_tensor_get_num_elements (input) == 0)
    return;
  for (guint i = 0; i < rank; i++)
    {
      if (dims[i] == 1)
        continue;
      if (n > 0 && red[n - 1] == reduced[i])
        size[n - 1] *= (gsize) dims[i];
      else
        {
          size[n] = (gsize) dims[i];
          red[n++] = reduced[i];
        }
    }
  if (n == 0)
    {
      run (user_data, 0, 0, 1, TRUE);
      return;
    }
  for (guint g = n; g-- > 0;)
    {
      in_stride[g] = in_step;
      in_step *= size[g];
      out_stride[g] = red[g] ? 0 : out_step;
      if (!red[g])
        out_step *= size[g];
    }
  for (guint g = 0; g + 1 < n; g++)
    outer *= size[g];

  /* An odometer over every group but the innermost, which is the stretch. */
  for (gsize o = 0; o < outer; o++)
    {
      run (user_data, in_off, out_off, size[n - 1], red[n - 1]);
      for (gint g = (gint) n - 2; g >= 0; g--)
        {
          idx[g]++;
          in_off += in_stride[g];
          out_off += out_stride[g];
          if (idx[g] < size[g])
            break;
          in_off -= in_stride[g] * size[g];
          out_off -= out_stride[g] * size[g];
          idx[g] = 0;
        }
    }
}

typedef struct {
  gconstpointer data;
  GraftDType dtype;
  double *accf;
  guint64 *acci;
} SumState;

/* Floats add up in double precision; integers in 64-bit unsigned
 * arithmetic, which wraps as the narrower signed sums do once truncated. */
#define SUM_RUN(ctype, acc_t, acc)                                     \
  G_STMT_START {                                                       \
    const ctype *x_ = (const ctype *) s->data + in_offset;             \
    acc_t *a_ = (acc) + out_offset;                                    \
    if (reduced)                                                       \
      {                                                                \
        acc_t t_ = 0;                                                  \
        for (gsize i_ = 0; i_ < len; i_++)                             \
          t_ += (acc_t) x_[i_];                                        \
        a_[0] += t_;                                                   \
      }                                                                \
    else                                                               \
      for (gsize i_ = 0; i_ < len; i_++)                               \
        a_[i_] += (acc_t) x_[i_];                                      \
  } G_STMT_END

static void
sum_run (gpointer user_data,
         gsize    in_offset,
         gsize    out_offset,
         gsize    len,
         gboolean reduced)
{
  SumState *s = user_data;

  switch (s->dtype)
    {
    case GRAFT_DTYPE_FLOAT32: SUM_RUN (float, double, s->accf); break;
    case GRAFT_DTYPE_FLOAT64: SUM_RUN (double, double, s->accf); break;
    case GRAFT_DTYPE_INT32: SUM_RUN (gint32, guint64, s->acci); break;
    case GRAFT_DTYPE_INT64: SUM_RUN (gint64, guint64, s->acci); break;
    case GRAFT_DTYPE_INT8: SUM_RUN (gint8, guint64, s->acci); break;
    case GRAFT_DTYPE_UINT8: SUM_RUN (guint8, guint64, s->acci); break;
    case GRAFT_DTYPE_INT16: SUM_RUN (gint16, guint64, s->acci); break;
    case GRAFT_DTYPE_UINT16: SUM_RUN (guint16, guint64, s->acci); break;
    /* The 16-bit floats: widened one element at a time, then as float32. */
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      {
        const guint16 *x = (const guint16 *) s->data + in_offset;
        double *a = s->accf + out_offset;
        gboolean half = s->dtype == GRAFT_DTYPE_FLOAT16;

        for (gsize i = 0; i < len; i++)
          a[reduced ? 0 : i] += half ? graft_half_to_float (x[i]) : graft_bfloat16_to_float (x[i]);
      }
      break;
    default: break; /* the kernels accept only the dtypes above */
    }
}

/* Adds the input's elements into zeroed accumulators, one per output
 * element: `accf` for floats, `acci` for integers. */
void
reduce_accumulate_sum (const GraftTensor *input,
                       const gboolean    *reduced,
                       double            *accf,
                       guint64           *acci)
{
  SumState s = { graft_tensor_get_data (input, NULL), graft_tensor_get_dtype (input), accf, acci };

  reduce_walk (input, reduced, sum_run, &s);
}
