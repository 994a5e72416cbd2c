/* pool.c: MaxPool, AvgPool and their gradients, NHWC, with TensorFlow's
 * windows (conv-geometry.h).
 *
 * MaxPool takes the largest value of each window; MaxPoolGrad sends each
 * output's gradient to the position of that maximum, recomputed from
 * orig_input as TensorFlow's CPU kernel does (orig_output gives only its
 * shape): the first maximum in the window's row-major order wins ties.
 * AvgPool averages each window over the elements inside the input only
 * (at SAME padding, border windows average fewer elements), and AvgPoolGrad
 * spreads each gradient evenly over the same elements.
 *
 * Forward passes spread output rows over the session's threads; the
 * gradients go image by image, since windows of one image overlap.
 * float16 and bfloat16 compute in float32 and round once on store.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "linalg-kernels.h"
#include "conv-geometry.h"
#include "../op-messages.h"

/* ---- shape functions ---- */

/* `op` is the op's type, for TensorFlow's messages. */
static gboolean
pool_geometry (GraftShapeContext *ctx,
               const char        *op,
               const gint64      *in,
               ConvGeometry      *g,
               GError           **error)
{
  gsize n_ksize, n_strides;
  const gint64 *ksize = graft_shape_context_get_attr_ints (ctx, "ksize", &n_ksize);
  const gint64 *strides = graft_shape_context_get_attr_ints (ctx, "strides", &n_strides);
  const char *padding = graft_shape_context_get_attr_string (ctx, "padding");

  if (!conv_check_attrs (op, strides, n_strides, "ksize", ksize, n_ksize, padding,
                         graft_shape_context_get_attr_string (ctx, "data_format"), error))
    return FALSE;
  conv_geometry_init (g, in, ksize[1], ksize[2], in[3], strides, NULL, 0, padding);
  return conv_geometry_finish (g, error);
}

static gboolean
shape_pool (GraftShapeContext *ctx,
            const char        *op,
            GError           **error)
{
  gint64 in[4], out[4];
  ConvGeometry g;

  if (!conv_read_input (ctx, 0, "input", in, error) || !pool_geometry (ctx, op, in, &g, error))
    return FALSE;
  conv_output_dims (&g, out);
  graft_shape_context_set_output (ctx, 0, 4, out);
  return TRUE;
}

gboolean
linalg_shape_max_pool (GraftShapeContext *ctx,
                       GError           **error)
{
  return shape_pool (ctx, "MaxPool", error);
}

gboolean
linalg_shape_avg_pool (GraftShapeContext *ctx,
                       GError           **error)
{
  return shape_pool (ctx, "AvgPool", error);
}

gboolean
linalg_shape_max_pool_grad (GraftShapeContext *ctx,
                            GError           **error)
{
  gint64 in[4], orig_out[4], grad[4];
  ConvGeometry g;

  if (!conv_read_input (ctx, 0, "orig_input", in, error) ||
      !conv_read_input (ctx, 1, "orig_output", orig_out, error) ||
      !conv_read_input (ctx, 2, "grad", grad, error) || !pool_geometry (ctx, "MaxPoolGrad", in, &g, error) ||
      !conv_check_output_shape ("orig_output", &g, graft_shape_context_get_input_rank (ctx, 1), orig_out, error) ||
      !conv_check_output_shape ("grad", &g, graft_shape_context_get_input_rank (ctx, 2), grad, error))
    return FALSE;
  graft_shape_context_set_output (ctx, 0, 4, in);
  return TRUE;
}

gboolean
linalg_shape_avg_pool_grad (GraftShapeContext *ctx,
                            GError           **error)
{
  gsize n_sizes;
  const gint64 *sizes = graft_shape_context_get_attr_ints (ctx, "orig_input_shape", &n_sizes);
  gint64 in[4], grad[4];
  ConvGeometry g;

  if (n_sizes != 4 || sizes[1] < 0 || sizes[2] < 0 || sizes[0] < -1 || sizes[3] < -1)
    {
      g_autofree char *s = op_format_ints (sizes, n_sizes);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "orig_input_shape %s must have 4 sizes; only the batch and the depth may be -1 "
                   "(taken from grad)", s);
      return FALSE;
    }
  if (!conv_read_input (ctx, 0, "grad", grad, error))
    return FALSE;
  memcpy (in, sizes, sizeof in);
  if (in[0] < 0)
    in[0] = grad[0];
  if (in[3] < 0)
    in[3] = grad[3];
  if (!pool_geometry (ctx, "AvgPoolGrad", in, &g, error) ||
      !conv_check_output_shape ("grad", &g, graft_shape_context_get_input_rank (ctx, 0), grad, error))
    return FALSE;
  graft_shape_context_set_output (ctx, 0, 4, in);
  return TRUE;
}

/* ---- kernels ---- */

typedef struct _PoolJob PoolJob;
typedef void (*PoolRange) (const PoolJob *j, gsize first, gsize last);

struct _PoolJob {
  ConvGeometry g;
  PoolRange range;
  gconstpointer x;        /* the input, orig_input */
  gconstpointer dy;       /* the gradients */
  gpointer out;
};

static void
pool_range (gsize    first,
            gsize    last,
            gpointer data)
{
  const PoolJob *j = data;

  j->range (j, first, last);
}

/* The window of output pixel (oh, ow), clipped to the input. */
#define WINDOW(g, oh, ow)                                                            \
  gint64 h0 = (oh) * (g)->stride_rows - (g)->pad_top, w0 = (ow) * (g)->stride_cols - (g)->pad_left; \
  gint64 h1 = MIN (h0 + (g)->window_rows, (g)->in_rows), w1 = MIN (w0 + (g)->window_cols, (g)->in_cols); \
  h0 = MAX (h0, 0);                                                                  \
  w0 = MAX (w0, 0)

/* Element offset of pixel (b, h, w), channel 0. */
#define PIXEL(g, b, h, w) ((gsize) ((((b) * (g)->in_rows + (h)) * (g)->in_cols + (w)) * (g)->in_depth))

/* MaxPool over output rows [first, last) of batch · out_rows; MaxPoolGrad
 * over images. The first maximum wins: only a strictly larger value
 * replaces it. */
#define DEFINE_MAX_POOL(ctype, sfx)                                                  \
  static void                                                                        \
  max_pool_##sfx (const PoolJob *j, gsize first, gsize last)                         \
  {                                                                                  \
    const ConvGeometry *g = &j->g;                                                   \
    const ctype *x = j->x;                                                           \
    ctype *y = j->out;                                                               \
    gint64 depth = g->in_depth;                                                      \
    for (gsize row = first; row < last; row++)                                       \
      {                                                                              \
        gint64 b = (gint64) row / g->out_rows, oh = (gint64) row % g->out_rows;     \
        for (gint64 ow = 0; ow < g->out_cols; ow++)                                  \
          {                                                                          \
            ctype *dst = y + ((gsize) row * g->out_cols + ow) * depth;               \
            gboolean started = FALSE;                                                \
            WINDOW (g, oh, ow);                                                      \
            for (gint64 h = h0; h < h1; h++)                                         \
              for (gint64 w = w0; w < w1; w++)                                       \
                {                                                                    \
                  const ctype *src = x + PIXEL (g, b, h, w);                         \
                  if (!started)                                                      \
                    memcpy (dst, src, depth * sizeof (ctype));                       \
                  else                                                               \
                    for (gint64 c = 0; c < depth; c++)                               \
                      dst[c] = src[c] > dst[c] ? src[c] : dst[c];                    \
                  started = TRUE;                                                    \
                }                                                                    \
          }                                                                          \
      }                                                                              \
  }                                                                                  \
                                                                                     \
  static void                                                                        \
  max_pool_grad_##sfx (const PoolJob *j, gsize first, gsize last)                    \
  {                                                                                  \
    const ConvGeometry *g = &j->g;                                                   \
    const ctype *x = j->x, *dy = j->dy;                                              \
    ctype *dx = j->out;                                                              \
    gint64 depth = g->in_depth;                                                      \
    gsize image = (gsize) (g->in_rows * g->in_cols * depth);                         \
    memset (dx + first * image, 0, (last - first) * image * sizeof (ctype));         \
    for (gsize b = first; b < last; b++)                                             \
      for (gint64 oh = 0; oh < g->out_rows; oh++)                                    \
        for (gint64 ow = 0; ow < g->out_cols; ow++)                                  \
          {                                                                          \
            const ctype *grad = dy + (((gsize) b * g->out_rows + oh) * g->out_cols + ow) * depth; \
            WINDOW (g, oh, ow);                                                      \
            if (h0 >= h1 || w0 >= w1)                                                \
              continue;                                                              \
            for (gint64 c = 0; c < depth; c++)                                       \
              {                                                                      \
                gsize best = PIXEL (g, (gint64) b, h0, w0) + c;                      \
                for (gint64 h = h0; h < h1; h++)                                     \
                  for (gint64 w = w0; w < w1; w++)                                   \
                    {                                                                \
                      gsize at = PIXEL (g, (gint64) b, h, w) + c;                    \
                      if (x[at] > x[best])                                           \
                        best = at;                                                   \
                    }                                                                \
                dx[best] += grad[c];                                                 \
              }                                                                      \
          }                                                                          \
  }

DEFINE_MAX_POOL (gint8, i8)
DEFINE_MAX_POOL (guint8, u8)
DEFINE_MAX_POOL (gint16, i16)
DEFINE_MAX_POOL (guint16, u16)
DEFINE_MAX_POOL (gint32, i32)
DEFINE_MAX_POOL (gint64, i64)
DEFINE_MAX_POOL (float, f32)
DEFINE_MAX_POOL (double, f64)

/* AvgPool over output rows, AvgPoolGrad over images; sums in double. */
#define DEFINE_AVG_POOL(ctype, sfx)                                                  \
  static void                                                                        \
  avg_pool_##sfx (const PoolJob *j, gsize first, gsize last)                         \
  {                                                                                  \
    const ConvGeometry *g = &j->g;                                                   \
    const ctype *x = j->x;                                                           \
    ctype *y = j->out;                                                               \
    gint64 depth = g->in_depth;                                                      \
    g_autofree double *sum = g_new (double, MAX (depth, 1));                         \
    for (gsize row = first; row < last; row++)                                       \
      {                                                                              \
        gint64 b = (gint64) row / g->out_rows, oh = (gint64) row % g->out_rows;     \
        for (gint64 ow = 0; ow < g->out_cols; ow++)                                  \
          {                                                                          \
            ctype *dst = y + ((gsize) row * g->out_cols + ow) * depth;               \
            double n;                                                                \
            WINDOW (g, oh, ow);                                                      \
            n = (double) (MAX (h1 - h0, 0) * MAX (w1 - w0, 0));                      \
            memset (sum, 0, depth * sizeof (double));                                \
            for (gint64 h = h0; h < h1; h++)                                         \
              for (gint64 w = w0; w < w1; w++)                                       \
                {                                                                    \
                  const ctype *src = x + PIXEL (g, b, h, w);                         \
                  for (gint64 c = 0; c < depth; c++)                                 \
                    sum[c] += src[c];                                                \
                }                                                                    \
            for (gint64 c = 0; c < depth; c++)                                       \
              dst[c] = (ctype) (sum[c] / n);                                         \
          }                                                                          \
      }                                                                              \
  }                                                                                  \
                                                                                     \
  static void                                                                        \
  avg_pool_grad_##sfx (const PoolJob *j, gsize first, gsize last)                    \
  {                                                                                  \
    const ConvGeometry *g = &j->g;                                                   \
    const ctype *dy = j->dy;                                                         \
    ctype *dx = j->out;                                                              \
    gint64 depth = g->in_depth;                                                      \
    gsize image = (gsize) (g->in_rows * g->in_cols * depth);                         \
    memset (dx + first * image, 0, (last - first) * image * sizeof (ctype));         \
    for (gsize b = first; b < last; b++)                                             \
      for (gint64 oh = 0; oh < g->out_rows; oh++)                                    \
        for (gint64 ow = 0; ow < g->out_cols; ow++)                                  \
          {                                                                          \
            const ctype *grad = dy + (((gsize) b * g->out_rows + oh) * g->out_cols + ow) * depth; \
            ctype n;                                                                 \
            WINDOW (g, oh, ow);                                                      \
            n = (ctype) (MAX (h1 - h0, 0) * MAX (w1 - w0, 0));                       \
            for (gint64 h = h0; h < h1; h++)                                         \
              for (gint64 w = w0; w < w1; w++)                                       \
                {                                                                    \
                  ctype *dst = dx + PIXEL (g, (gint64) b, h, w);                     \
                  for (gint64 c = 0; c < depth; c++)                                 \
                    dst[c] += grad[c] / n;                                           \
                }                                                                    \
          }                                                                          \
  }

DEFINE_AVG_POOL (float, f32)
DEFINE_AVG_POOL (double, f64)

typedef enum { POOL_MAX, POOL_MAX_GRAD, POOL_AVG, POOL_AVG_GRAD } PoolKind;

static PoolRange
range_for (PoolKind   kind,
           GraftDType dtype)
{
#define PICK(sfx) \
  return kind == POOL_MAX ? max_pool_##sfx : kind == POOL_MAX_GRAD ? max_pool_grad_##sfx : NULL
#define PICK_FLOAT(sfx)                                                                  \
  return kind == POOL_MAX ? max_pool_##sfx : kind == POOL_MAX_GRAD ? max_pool_grad_##sfx \
       : kind == POOL_AVG ? avg_pool_##sfx : avg_pool_grad_##sfx
  switch (dtype)
    {
    case GRAFT_DTYPE_INT8: PICK (i8);
    case GRAFT_DTYPE_UINT8: PICK (u8);
    case GRAFT_DTYPE_INT16: PICK (i16);
    case GRAFT_DTYPE_UINT16: PICK (u16);
    case GRAFT_DTYPE_INT32: PICK (i32);
    case GRAFT_DTYPE_INT64: PICK (i64);
    case GRAFT_DTYPE_FLOAT64: PICK_FLOAT (f64);
    default: PICK_FLOAT (f32);   /* float32, and the 16-bit floats widened */
    }
#undef PICK
#undef PICK_FLOAT
}

/* Below this many window elements visited, a pass stays on one thread. */
#define PARALLEL_WORK (1u << 16)

static void
run_pool (GraftKernel        *k,
          PoolKind            kind,
          const ConvGeometry *g,
          GraftDType          dtype,
          const GraftTensor  *x,
          const GraftTensor  *dy,
          GraftTensor        *out)
{
  PoolJob j = { *g, range_for (kind, dtype), NULL, NULL, NULL };
  gboolean half = dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16;
  gboolean by_image = kind == POOL_MAX_GRAD || kind == POOL_AVG_GRAD;
  gsize n = by_image ? (gsize) g->batch : (gsize) (g->batch * g->out_rows);
  double work = (double) g->batch * g->out_rows * g->out_cols * g->in_depth * g->window_rows * g->window_cols;
  gsize n_out = graft_tensor_get_num_elements (out);
  gpointer pout = graft_kernel_get_output_data (k, out);
  float *wide_x = NULL, *wide_dy = NULL, *wide_out = NULL;

  if (!half)
    {
      j.x = x ? graft_tensor_get_data (x, NULL) : NULL;
      j.dy = dy ? graft_tensor_get_data (dy, NULL) : NULL;
      j.out = pout;
    }
  else
    {
      gboolean ok = TRUE;

      if (x != NULL)
        ok = ok && (wide_x = g_try_new (float, MAX (graft_tensor_get_num_elements (x), 1))) != NULL;
      if (dy != NULL)
        ok = ok && (wide_dy = g_try_new (float, MAX (graft_tensor_get_num_elements (dy), 1))) != NULL;
      ok = ok && (wide_out = g_try_new (float, MAX (n_out, 1))) != NULL;
      if (!ok)
        {
          graft_kernel_set_error (k, "Out of memory widening %s to float32", graft_dtype_get_name (dtype));
          goto out;
        }
      if (x != NULL)
        graft_dtype_widen_to_float (dtype, graft_tensor_get_data (x, NULL), wide_x,
                                    graft_tensor_get_num_elements (x));
      if (dy != NULL)
        graft_dtype_widen_to_float (dtype, graft_tensor_get_data (dy, NULL), wide_dy,
                                    graft_tensor_get_num_elements (dy));
      j.x = wide_x;
      j.dy = wide_dy;
      j.out = wide_out;
    }

  if (work < PARALLEL_WORK)
    {
      if (n > 0)
        j.range (&j, 0, n);
    }
  else
    graft_kernel_parallel_for (k, n, 1, pool_range, &j);

  if (half)
    graft_dtype_narrow_from_float (dtype, wide_out, pout, n_out);
out:
  g_free (wide_x);
  g_free (wide_dy);
  g_free (wide_out);
}

static const gint64 *
dims4 (const GraftTensor *t)
{
  guint rank;

  return graft_tensor_get_dims (t, &rank);
}

static void
pool_kernel (GraftKernel       *k,
             PoolKind           kind,
             const gint64      *in,
             const gint64      *ksize,
             const gint64      *strides,
             const char        *padding,
             const GraftTensor *x,
             const GraftTensor *dy,
             GraftTensor       *out)
{
  g_autoptr(GError) error = NULL;
  ConvGeometry g;

  conv_geometry_init (&g, in, ksize[1], ksize[2], in[3], strides, NULL, 0, padding);
  if (!conv_geometry_finish (&g, &error))
    graft_kernel_set_error (k, "%s", error->message);
  else
    run_pool (k, kind, &g, graft_tensor_get_dtype (out), x, dy, out);
}

void
linalg_max_pool (GraftKernel       *k,
                 const GraftTensor *input,
                 const gint64      *ksize,
                 gsize              n_ksize,
                 const gint64      *strides,
                 gsize              n_strides,
                 const char        *padding,
                 const char        *data_format,
                 GraftTensor       *output)
{
  pool_kernel (k, POOL_MAX, dims4 (input), ksize, strides, padding, input, NULL, output);
}

void
linalg_max_pool_grad (GraftKernel       *k,
                      const GraftTensor *orig_input,
                      const GraftTensor *orig_output,
                      const GraftTensor *grad,
                      const gint64      *ksize,
                      gsize              n_ksize,
                      const gint64      *strides,
                      gsize              n_strides,
                      const char        *padding,
                      const char        *data_format,
                      GraftTensor       *output)
{
  pool_kernel (k, POOL_MAX_GRAD, dims4 (orig_input), ksize, strides, padding, orig_input, grad, output);
}

void
linalg_avg_pool (GraftKernel       *k,
                 const GraftTensor *value,
                 const gint64      *ksize,
                 gsize              n_ksize,
                 const gint64      *strides,
                 gsize              n_strides,
                 const char        *padding,
                 const char        *data_format,
                 GraftTensor       *output)
{
  pool_kernel (k, POOL_AVG, dims4 (value), ksize, strides, padding, value, NULL, output);
}

void
linalg_avg_pool_grad (GraftKernel       *k,
                      const gint64      *orig_input_shape,
                      gsize              n_orig_input_shape,
                      const GraftTensor *grad,
                      const gint64      *ksize,
                      gsize              n_ksize,
                      const gint64      *strides,
                      gsize              n_strides,
                      const char        *padding,
                      const char        *data_format,
                      GraftTensor       *output)
{
  pool_kernel (k, POOL_AVG_GRAD, dims4 (output), ksize, strides, padding, NULL, grad, output);
}
