/* argmax.c: ArgMax, output = the index along axis of the largest element of
 * input (the first one on ties; a NaN is larger than any number).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "array-kernels.h"

/* The axis in [0, rank), or -1 with a message. */
static gint
resolve_axis (gint64       axis,
              gint         rank,
              const char  *shape,
              char       **why)
{
  if (rank == 0)
    {
      *why = g_strdup_printf ("ArgMax needs a tensor of rank 1 or more, but the shape is %s", shape);
      return -1;
    }
  if (axis < -rank || axis >= rank)
    {
      *why = g_strdup_printf ("Invalid axis %" G_GINT64_FORMAT " for a tensor of shape %s: it must be in [%d, %d)",
                              axis, shape, -rank, rank);
      return -1;
    }
  return (gint) (axis < 0 ? axis + rank : axis);
}

/* The input's shape without the axis; a known empty axis has no largest
 * element. */
gboolean
array_shape_argmax (GraftShapeContext *ctx,
                    GError           **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  const gint64 *dims = graft_shape_context_get_input_dims (ctx, 0);
  gint64 axis = graft_shape_context_get_attr_int (ctx, "axis");
  g_autofree char *shape = op_format_input_shape (ctx, 0);
  g_autofree char *why = NULL;
  gint64 out[OP_MAX_RANK];
  gint a, n = 0;

  if (rank < 0)
    {
      graft_shape_context_set_output (ctx, 0, GRAFT_RANK_UNKNOWN, NULL);
      return TRUE;
    }
  a = resolve_axis (axis, rank, shape, &why);
  if (a >= 0 && dims[a] == 0)
    why = g_strdup_printf ("Reduction axis %d is empty in shape %s", a, shape);
  if (why != NULL)
    {
      g_set_error_literal (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, why);
      return FALSE;
    }
  for (gint i = 0; i < rank; i++)
    if (i != a)
      out[n++] = dims[i];
  graft_shape_context_set_output (ctx, 0, n, out);
  return TRUE;
}

/* a ranks above b: larger, or the first NaN (for integers the NaN tests
 * are constant false and vanish). */
#define ABOVE(a, b) ((a) > (b) || ((a) != (a) && (b) == (b)))

/* For each of the `outer` blocks, the winning index of each of the
 * `inner` columns, scanning the axis row by row so that reads stay
 * sequential. */
#define DEFINE_ARGMAX(suffix, ctype)                                             \
  static void                                                                    \
  argmax_##suffix (const ctype *x, gsize len, gsize inner, gint64 *idx)          \
  {                                                                              \
    for (gsize j = 0; j < inner; j++)                                            \
      idx[j] = 0;                                                                \
    for (gsize a = 1; a < len; a++)                                              \
      for (gsize j = 0; j < inner; j++)                                          \
        if (ABOVE (x[a * inner + j], x[(gsize) idx[j] * inner + j]))             \
          idx[j] = (gint64) a;                                                   \
  }

DEFINE_ARGMAX (f32, float)
DEFINE_ARGMAX (f64, double)
DEFINE_ARGMAX (i32, gint32)
DEFINE_ARGMAX (i64, gint64)
DEFINE_ARGMAX (i8, gint8)
DEFINE_ARGMAX (u8, guint8)
DEFINE_ARGMAX (i16, gint16)
DEFINE_ARGMAX (u16, guint16)

/* The 16-bit floats compare as the float32 values they stand for (their
 * bit patterns do not order like numbers); each is widened as it is read,
 * so no buffer is needed. */
static void
argmax_half (float (*widen) (guint16), const guint16 *x, gsize len, gsize inner, gint64 *idx)
{
  for (gsize j = 0; j < inner; j++)
    idx[j] = 0;
  for (gsize a = 1; a < len; a++)
    for (gsize j = 0; j < inner; j++)
      {
        float v = widen (x[a * inner + j]), best = widen (x[(gsize) idx[j] * inner + j]);

        if (ABOVE (v, best))
          idx[j] = (gint64) a;
      }
}

void
array_argmax (GraftKernel       *k,
              const GraftTensor *input,
              gint64             axis,
              GraftDType         output_type,
              GraftTensor       *output)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (input, &rank);
  GraftDType dtype = graft_tensor_get_dtype (input);
  const guint8 *x = graft_tensor_get_data (input, NULL);
  gpointer out = graft_kernel_get_output_data (k, output);
  gsize esize = graft_dtype_get_size (dtype), outer = 1, inner = 1, len;
  g_autofree char *why = NULL;
  g_autofree gint64 *idx = NULL;
  gint a;

  /* Checked again here: a partial shape may have hidden an empty axis. */
  {
    g_autofree char *shape = op_format_tensor_shape (input);

    a = resolve_axis (axis, (gint) rank, shape, &why);
    if (a >= 0 && dims[a] == 0)
      why = g_strdup_printf ("Reduction axis %d is empty in shape %s", a, shape);
  }
  if (why != NULL)
    {
      graft_kernel_set_error (k, "%s", why);
      return;
    }
  len = (gsize) dims[a];
  if (output_type == GRAFT_DTYPE_INT32 && len - 1 > G_MAXINT32)
    {
      graft_kernel_set_error (k, "Axis %d has %" G_GSIZE_FORMAT " elements: too many for int32 indices", a, len);
      return;
    }
  for (gint i = 0; i < a; i++)
    outer *= (gsize) dims[i];
  for (guint i = (guint) a + 1; i < rank; i++)
    inner *= (gsize) dims[i];
  if (outer == 0 || inner == 0)
    return;

  idx = g_new (gint64, inner);
  for (gsize o = 0; o < outer; o++)
    {
      const guint8 *block = x + o * len * inner * esize;

      switch (dtype)
        {
        case GRAFT_DTYPE_FLOAT32: argmax_f32 ((const float *) block, len, inner, idx); break;
        case GRAFT_DTYPE_FLOAT64: argmax_f64 ((const double *) block, len, inner, idx); break;
        case GRAFT_DTYPE_INT32: argmax_i32 ((const gint32 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_INT64: argmax_i64 ((const gint64 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_INT8: argmax_i8 ((const gint8 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_UINT8: argmax_u8 ((const guint8 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_INT16: argmax_i16 ((const gint16 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_UINT16: argmax_u16 ((const guint16 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_FLOAT16: argmax_half (graft_half_to_float, (const guint16 *) block, len, inner, idx); break;
        case GRAFT_DTYPE_BFLOAT16:
          argmax_half (graft_bfloat16_to_float, (const guint16 *) block, len, inner, idx);
          break;
        default:
          graft_kernel_set_error (k, "ArgMax does not support %s", graft_dtype_get_name (dtype));
          return;
        }
      for (gsize j = 0; j < inner; j++)
        {
          if (output_type == GRAFT_DTYPE_INT32)
            ((gint32 *) out)[o * inner + j] = (gint32) idx[j];
          else
            ((gint64 *) out)[o * inner + j] = idx[j];
        }
    }
}
