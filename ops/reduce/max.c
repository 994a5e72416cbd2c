/* max.c: ReduceMax (Max), output = the largest element of input over axis
 * (every axis when empty); a NaN wins; an empty maximum is the dtype's
 * lowest value (-inf for floats), as in TensorFlow.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "reduce-kernels.h"

typedef struct {
  gconstpointer data;
  GraftDType dtype;
  gpointer out;
} MaxState;

/* Folds into the output directly: every value of the input's dtype is its
 * own exact maximum, so no wider accumulator is needed. */
#define MAX_RUN(ctype)                                                 \
  G_STMT_START {                                                       \
    const ctype *x_ = (const ctype *) s->data + in_offset;             \
    ctype *m_ = (ctype *) s->out + out_offset;                         \
    if (reduced)                                                       \
      {                                                                \
        ctype t_ = m_[0];                                              \
        for (gsize i_ = 0; i_ < len; i_++)                             \
          t_ = ABOVE (x_[i_], t_) ? x_[i_] : t_;                       \
        m_[0] = t_;                                                    \
      }                                                                \
    else                                                               \
      for (gsize i_ = 0; i_ < len; i_++)                               \
        m_[i_] = ABOVE (x_[i_], m_[i_]) ? x_[i_] : m_[i_];             \
  } G_STMT_END

/* a ranks above b: larger, or a NaN over a number (the NaN tests vanish
 * for integers). */
#define ABOVE(a, b) ((a) > (b) || ((a) != (a) && (b) == (b)))

static void
max_run (gpointer user_data,
         gsize    in_offset,
         gsize    out_offset,
         gsize    len,
         gboolean reduced)
{
  MaxState *s = user_data;

  switch (s->dtype)
    {
    case GRAFT_DTYPE_FLOAT32: MAX_RUN (float); break;
    case GRAFT_DTYPE_FLOAT64: MAX_RUN (double); break;
    case GRAFT_DTYPE_INT32: MAX_RUN (gint32); break;
    case GRAFT_DTYPE_INT64: MAX_RUN (gint64); break;
    case GRAFT_DTYPE_INT8: MAX_RUN (gint8); break;
    case GRAFT_DTYPE_UINT8: MAX_RUN (guint8); break;
    case GRAFT_DTYPE_INT16: MAX_RUN (gint16); break;
    case GRAFT_DTYPE_UINT16: MAX_RUN (guint16); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      {
        /* Compared as floats; the winner's bits are copied, not rounded. */
        const guint16 *x = (const guint16 *) s->data + in_offset;
        guint16 *m = (guint16 *) s->out + out_offset;
        float (*widen) (guint16) = s->dtype == GRAFT_DTYPE_FLOAT16 ? graft_half_to_float : graft_bfloat16_to_float;

        for (gsize i = 0; i < len; i++)
          {
            guint16 *t = &m[reduced ? 0 : i];
            if (ABOVE (widen (x[i]), widen (*t)))
              *t = x[i];
          }
      }
      break;
    default: break; /* reduce_max accepts only these */
    }
}

void
reduce_max (GraftKernel       *k,
            const GraftTensor *input,
            const gint64      *axis,
            gsize              n_axis,
            gboolean           keep_dims,
            GraftTensor       *output)
{
  GraftDType dtype = graft_tensor_get_dtype (input);
  gsize n = graft_tensor_get_num_elements (output);
  gpointer out = graft_kernel_get_output_data (k, output);
  gboolean reduced[OP_MAX_RANK];
  MaxState s = { graft_tensor_get_data (input, NULL), dtype, out };

  if (!reduce_resolve_axes (k, input, axis, n_axis, reduced))
    return;
  for (gsize i = 0; i < n; i++)
    switch (dtype)
      {
      case GRAFT_DTYPE_FLOAT32: ((float *) out)[i] = -INFINITY; break;
      case GRAFT_DTYPE_FLOAT64: ((double *) out)[i] = -INFINITY; break;
      case GRAFT_DTYPE_INT32: ((gint32 *) out)[i] = G_MININT32; break;
      case GRAFT_DTYPE_INT64: ((gint64 *) out)[i] = G_MININT64; break;
      case GRAFT_DTYPE_INT8: ((gint8 *) out)[i] = G_MININT8; break;
      case GRAFT_DTYPE_UINT8: ((guint8 *) out)[i] = 0; break;
      case GRAFT_DTYPE_INT16: ((gint16 *) out)[i] = G_MININT16; break;
      case GRAFT_DTYPE_UINT16: ((guint16 *) out)[i] = 0; break;
      case GRAFT_DTYPE_FLOAT16: ((guint16 *) out)[i] = 0xfc00; break;  /* -inf */
      case GRAFT_DTYPE_BFLOAT16: ((guint16 *) out)[i] = 0xff80; break; /* -inf */
      default:
        graft_kernel_set_error (k, "ReduceMax does not support %s", graft_dtype_get_name (dtype));
        return;
      }
  reduce_walk (input, reduced, max_run, &s);
}
