/* addn.c: AddN, the elementwise sum of a list of tensors of one shape
 * (what graft_gradients() uses to sum the gradients of several paths).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "math-kernels.h"
#include "../op-messages.h"

/* Every input has one shape, merged from the partial ones: a dimension
 * known in any input is known in the result. TensorFlow's texts. */
gboolean
math_shape_add_n (GraftShapeContext *ctx,
                  GError           **error)
{
  guint n = graft_shape_context_get_num_inputs (ctx);
  gint rank = -1;
  gint64 dims[OP_MAX_RANK];
  guint first = 0;

  for (guint i = 0; i < n; i++)
    {
      gint r = graft_shape_context_get_input_rank (ctx, i);
      const gint64 *d = graft_shape_context_get_input_dims (ctx, i);

      if (r < 0)
        continue;
      if (rank < 0)
        {
          rank = r;
          first = i;
          for (gint a = 0; a < r; a++)
            dims[a] = d[a];
          continue;
        }
      if (r != rank)
        {
          g_autofree char *s0 = op_format_input_shape (ctx, first);
          g_autofree char *s1 = op_format_input_shape (ctx, i);

          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Shapes must be equal rank, but are %d and %d. From merging shape %u with other "
                       "shapes: %s and %s", rank, r, first, s0, s1);
          return FALSE;
        }
      for (gint a = 0; a < r; a++)
        {
          if (d[a] < 0)
            continue;
          if (dims[a] >= 0 && dims[a] != d[a])
            {
              g_autofree char *s0 = op_format_input_shape (ctx, first);
              g_autofree char *s1 = op_format_input_shape (ctx, i);

              g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                           "Dimension %d in both shapes must be equal, but are %" G_GINT64_FORMAT " and %"
                           G_GINT64_FORMAT ". Shapes are %s and %s (inputs %u and %u)",
                           a, dims[a], d[a], s0, s1, first, i);
              return FALSE;
            }
          dims[a] = d[a];
        }
    }
  graft_shape_context_set_output (ctx, 0, rank, dims);
  return TRUE;
}

#define ADD_N_FLOAT(ctype)                                                            \
  G_STMT_START {                                                                      \
    ctype *z_ = out;                                                                  \
    const ctype *x0_ = graft_tensor_get_data (inputs[0], NULL);                       \
    for (gsize e = 0; e < count; e++)                                                 \
      z_[e] = x0_[e];                                                                 \
    for (gsize i = 1; i < n; i++)                                                     \
      {                                                                               \
        const ctype *x_ = graft_tensor_get_data (inputs[i], NULL);                    \
        for (gsize e = 0; e < count; e++)                                             \
          z_[e] += x_[e];                                                             \
      }                                                                               \
  } G_STMT_END

/* Integers wrap, through the unsigned type. */
#define ADD_N_INT(ctype, utype)                                                       \
  G_STMT_START {                                                                      \
    ctype *z_ = out;                                                                  \
    const ctype *x0_ = graft_tensor_get_data (inputs[0], NULL);                       \
    for (gsize e = 0; e < count; e++)                                                 \
      z_[e] = x0_[e];                                                                 \
    for (gsize i = 1; i < n; i++)                                                     \
      {                                                                               \
        const ctype *x_ = graft_tensor_get_data (inputs[i], NULL);                    \
        for (gsize e = 0; e < count; e++)                                             \
          z_[e] = (ctype) ((utype) z_[e] + (utype) x_[e]);                            \
      }                                                                               \
  } G_STMT_END

void
math_add_n (GraftKernel              *k,
            const GraftTensor *const *inputs,
            gsize                     n,
            GraftTensor              *sum)
{
  GraftDType dt = graft_tensor_get_dtype (sum);
  gsize count = graft_tensor_get_num_elements (sum);
  gpointer out;

  /* Partial shapes may have let unequal tensors through. */
  for (gsize i = 0; i < n; i++)
    if (!graft_shape_equal (graft_tensor_get_shape (inputs[i]), graft_tensor_get_shape (sum)))
      {
        g_autofree char *s0 = op_format_tensor_shape (inputs[0]);
        g_autofree char *si = op_format_tensor_shape (inputs[i]);

        graft_kernel_set_error (k, "Inputs to operation AddN must have the same size and shape.  "
                                "Input 0: %s != input %" G_GSIZE_FORMAT ": %s", s0, i, si);
        return;
      }
  out = graft_kernel_get_output_data (k, sum);
  if (count == 0)
    return;

  switch (dt)
    {
    case GRAFT_DTYPE_FLOAT32: ADD_N_FLOAT (float); break;
    case GRAFT_DTYPE_FLOAT64: ADD_N_FLOAT (double); break;
    case GRAFT_DTYPE_INT8: ADD_N_INT (gint8, guint8); break;
    case GRAFT_DTYPE_UINT8: ADD_N_INT (guint8, guint8); break;
    case GRAFT_DTYPE_INT16: ADD_N_INT (gint16, guint16); break;
    case GRAFT_DTYPE_UINT16: ADD_N_INT (guint16, guint16); break;
    case GRAFT_DTYPE_INT32: ADD_N_INT (gint32, guint32); break;
    case GRAFT_DTYPE_INT64: ADD_N_INT (gint64, guint64); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      {
        /* Summed in float32 a block at a time and rounded once, as the
         * other 16-bit float kernels round. */
        float acc[256], b[256];

        for (gsize o = 0; o < count; o += G_N_ELEMENTS (acc))
          {
            gsize m = MIN (G_N_ELEMENTS (acc), count - o);

            graft_dtype_widen_to_float (dt, (const guint16 *) graft_tensor_get_data (inputs[0], NULL) + o, acc, m);
            for (gsize i = 1; i < n; i++)
              {
                graft_dtype_widen_to_float (dt, (const guint16 *) graft_tensor_get_data (inputs[i], NULL) + o, b, m);
                for (gsize e = 0; e < m; e++)
                  acc[e] += b[e];
              }
            graft_dtype_narrow_from_float (dt, acc, (guint16 *) out + o, m);
          }
        break;
      }
    default:
      graft_kernel_set_error (k, "AddN does not support %s", graft_dtype_get_name (dt));
    }
}
