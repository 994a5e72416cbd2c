/* bias-add.c: BiasAdd, output = value + bias along the channel axis (the
 * last one in NHWC, axis 1 in NCHW), and its gradient BiasAddGrad, the sum
 * of out_backprop over every other axis. Integers wrap; float sums are
 * taken in double precision and rounded once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-kernels.h"

/* A tensor seen as (outer, channels, inner) around its channel axis. */
typedef struct {
  gsize outer, channels, inner;
} Layout;

static gboolean
layout_of (GraftKernel       *k,
           const GraftTensor *t,
           const char        *data_format,
           Layout            *layout)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (t, &rank);
  gint c = nn_channel_axis (data_format, (gint) rank);

  if (c < 0 || rank < (g_strcmp0 (data_format, "NCHW") == 0 ? 3u : 2u))
    {
      g_autofree char *s = op_format_tensor_shape (t);
      graft_kernel_set_error (k, "%s needs a tensor of rank 2 or more (3 or more in NCHW) in data format \"%s\", "
                              "not %s", graft_kernel_get_op_name (k), data_format, s);
      return FALSE;
    }
  *layout = (Layout) { 1, (gsize) dims[c], 1 };
  for (gint i = 0; i < (gint) rank; i++)
    {
      if (i < c)
        layout->outer *= (gsize) dims[i];
      else if (i > c)
        layout->inner *= (gsize) dims[i];
    }
  return TRUE;
}

#define BIAS_ADD_LOOP(ctype, v, b, y, L, EXPR)                          \
  G_STMT_START {                                                        \
    const ctype *v_ = (const ctype *) (v), *b_ = (const ctype *) (b);   \
    ctype *y_ = (ctype *) (y);                                          \
    for (gsize o_ = 0; o_ < (L).outer; o_++)                            \
      for (gsize c_ = 0; c_ < (L).channels; c_++)                       \
        for (gsize i_ = 0; i_ < (L).inner; i_++, v_++, y_++)            \
          {                                                             \
            ctype x = *v_, bias = b_[c_];                               \
            *y_ = (EXPR);                                               \
          }                                                             \
  } G_STMT_END

void
nn_bias_add (GraftKernel       *k,
             const GraftTensor *value,
             const GraftTensor *bias,
             const char        *data_format,
             GraftTensor       *output)
{
  GraftDType dtype = graft_tensor_get_dtype (value);
  gconstpointer v = graft_tensor_get_data (value, NULL), b = graft_tensor_get_data (bias, NULL);
  guint bias_rank;
  gpointer out;
  Layout L;

  if (!layout_of (k, value, data_format, &L))
    return;
  graft_tensor_get_dims (bias, &bias_rank);
  if (bias_rank != 1 || graft_tensor_get_num_elements (bias) != L.channels)
    {
      g_autofree char *vs = op_format_tensor_shape (value);
      g_autofree char *bs = op_format_tensor_shape (bias);
      graft_kernel_set_error (k, "Must provide as many biases as the channel dimension of the input tensor: %s vs. %s",
                              vs, bs);
      return;
    }
  out = graft_kernel_get_output_data (k, output);
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: BIAS_ADD_LOOP (float, v, b, out, L, x + bias); break;
    case GRAFT_DTYPE_FLOAT64: BIAS_ADD_LOOP (double, v, b, out, L, x + bias); break;
    /* Wrapping adds, done unsigned so that overflow is defined. */
    case GRAFT_DTYPE_INT8: BIAS_ADD_LOOP (gint8, v, b, out, L, (gint8) (guint8) ((guint8) x + (guint8) bias)); break;
    case GRAFT_DTYPE_UINT8: BIAS_ADD_LOOP (guint8, v, b, out, L, (guint8) (x + bias)); break;
    case GRAFT_DTYPE_INT16: BIAS_ADD_LOOP (gint16, v, b, out, L, (gint16) (guint16) ((guint16) x + (guint16) bias)); break;
    case GRAFT_DTYPE_UINT16: BIAS_ADD_LOOP (guint16, v, b, out, L, (guint16) (x + bias)); break;
    case GRAFT_DTYPE_INT32: BIAS_ADD_LOOP (gint32, v, b, out, L, (gint32) ((guint32) x + (guint32) bias)); break;
    case GRAFT_DTYPE_INT64: BIAS_ADD_LOOP (gint64, v, b, out, L, (gint64) ((guint64) x + (guint64) bias)); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      {
        g_autofree float *bf = g_try_new (float, MAX (L.channels, 1));
        float row[256];
        gsize n = graft_tensor_get_num_elements (value);

        if (bf == NULL)
          {
            graft_kernel_set_error (k, "BiasAdd: out of memory for %" G_GSIZE_FORMAT " biases", L.channels);
            return;
          }
        graft_dtype_widen_to_float (dtype, b, bf, L.channels);
        /* Flat blocks; each element's channel is (index / inner) % channels. */
        for (gsize o = 0; o < n; o += G_N_ELEMENTS (row))
          {
            gsize m = MIN (G_N_ELEMENTS (row), n - o);

            graft_dtype_widen_to_float (dtype, (const guint16 *) v + o, row, m);
            for (gsize i = 0; i < m; i++)
              row[i] += bf[((o + i) / L.inner) % L.channels];
            graft_dtype_narrow_from_float (dtype, row, (guint16 *) out + o, m);
          }
      }
      break;
    default:
      graft_kernel_set_error (k, "BiasAdd does not support %s", graft_dtype_get_name (dtype));
    }
}

/* Sums into one accumulator per channel: double for floats, a wrapping
 * 64-bit integer for integers. */
#define BIAS_GRAD_SUM(ctype, in, acc, L)                                \
  G_STMT_START {                                                        \
    const ctype *x_ = (const ctype *) (in);                             \
    for (gsize o_ = 0; o_ < (L).outer; o_++)                            \
      for (gsize c_ = 0; c_ < (L).channels; c_++)                       \
        for (gsize i_ = 0; i_ < (L).inner; i_++, x_++)                  \
          (acc)[c_] += *x_;                                             \
  } G_STMT_END

#define BIAS_GRAD_SUM_INT(ctype, in, acc, L)                            \
  G_STMT_START {                                                        \
    const ctype *x_ = (const ctype *) (in);                             \
    for (gsize o_ = 0; o_ < (L).outer; o_++)                            \
      for (gsize c_ = 0; c_ < (L).channels; c_++)                       \
        for (gsize i_ = 0; i_ < (L).inner; i_++, x_++)                  \
          (acc)[c_] += (guint64) (gint64) *x_;                          \
  } G_STMT_END

void
nn_bias_add_grad (GraftKernel       *k,
                  const GraftTensor *out_backprop,
                  const char        *data_format,
                  GraftTensor       *output)
{
  GraftDType dtype = graft_tensor_get_dtype (out_backprop);
  gconstpointer in = graft_tensor_get_data (out_backprop, NULL);
  g_autofree double *accf = NULL;
  g_autofree guint64 *acci = NULL;
  gpointer out;
  Layout L;

  if (!layout_of (k, out_backprop, data_format, &L))
    return;
  out = graft_kernel_get_output_data (k, output);
  if (graft_dtype_is_floating (dtype))
    accf = g_try_new0 (double, MAX (L.channels, 1));
  else
    acci = g_try_new0 (guint64, MAX (L.channels, 1));
  if (accf == NULL && acci == NULL)
    {
      graft_kernel_set_error (k, "BiasAddGrad: out of memory for %" G_GSIZE_FORMAT " channels", L.channels);
      return;
    }

  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: BIAS_GRAD_SUM (float, in, accf, L); break;
    case GRAFT_DTYPE_FLOAT64: BIAS_GRAD_SUM (double, in, accf, L); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      {
        float row[256];
        gsize n = graft_tensor_get_num_elements (out_backprop);

        for (gsize o = 0; o < n; o += G_N_ELEMENTS (row))
          {
            gsize m = MIN (G_N_ELEMENTS (row), n - o);

            graft_dtype_widen_to_float (dtype, (const guint16 *) in + o, row, m);
            for (gsize i = 0; i < m; i++)
              accf[((o + i) / L.inner) % L.channels] += row[i];
          }
      }
      break;
    case GRAFT_DTYPE_INT8: BIAS_GRAD_SUM_INT (gint8, in, acci, L); break;
    case GRAFT_DTYPE_UINT8: BIAS_GRAD_SUM_INT (guint8, in, acci, L); break;
    case GRAFT_DTYPE_INT16: BIAS_GRAD_SUM_INT (gint16, in, acci, L); break;
    case GRAFT_DTYPE_UINT16: BIAS_GRAD_SUM_INT (guint16, in, acci, L); break;
    case GRAFT_DTYPE_INT32: BIAS_GRAD_SUM_INT (gint32, in, acci, L); break;
    case GRAFT_DTYPE_INT64: BIAS_GRAD_SUM_INT (gint64, in, acci, L); break;
    default:
      graft_kernel_set_error (k, "BiasAddGrad does not support %s", graft_dtype_get_name (dtype));
      return;
    }

  for (gsize c = 0; c < L.channels; c++)
    switch (dtype)
      {
      case GRAFT_DTYPE_FLOAT32: ((float *) out)[c] = (float) accf[c]; break;
      case GRAFT_DTYPE_FLOAT64: ((double *) out)[c] = accf[c]; break;
      case GRAFT_DTYPE_FLOAT16: ((guint16 *) out)[c] = graft_float_to_half ((float) accf[c]); break;
      case GRAFT_DTYPE_BFLOAT16: ((guint16 *) out)[c] = graft_float_to_bfloat16 ((float) accf[c]); break;
      case GRAFT_DTYPE_INT8: ((gint8 *) out)[c] = (gint8) (guint8) acci[c]; break;
      case GRAFT_DTYPE_UINT8: ((guint8 *) out)[c] = (guint8) acci[c]; break;
      case GRAFT_DTYPE_INT16: ((gint16 *) out)[c] = (gint16) (guint16) acci[c]; break;
      case GRAFT_DTYPE_UINT16: ((guint16 *) out)[c] = (guint16) acci[c]; break;
      case GRAFT_DTYPE_INT32: ((gint32 *) out)[c] = (gint32) (guint32) acci[c]; break;
      case GRAFT_DTYPE_INT64: ((gint64 *) out)[c] = (gint64) acci[c]; break;
      default: break;
      }
}
