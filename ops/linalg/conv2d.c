/* conv2d.c: Conv2D and its two backprops, on the portable GEMM MatMul
 * uses (gemm.h, through linalg_get_gemm ()->portable).
 *
 * NHWC input, HWIO filter. Each output pixel is one row of a matrix whose
 * columns are its window, flattened as the filter is (kernel row, kernel
 * column, input channel): im2col. The forward product is then
 *   output [M, O] = col [M, K] · filter [K, O]
 * with M = batch · out_rows · out_cols and K = rows · cols · in_depth, and
 * the output comes out in NHWC order with no transpose. The backprops are
 * the two other products of the same matrices:
 *   dcol [M, K] = dy [M, O] · filterᵀ, scattered back (col2im, adding
 *                 where windows overlap) into the input's gradient, at
 *                 strides above 1 (at stride 1 it is a forward
 *                 convolution of dy, see backprop_input_by_forward);
 *   dfilter [K, O] = colᵀ · dy.
 * col is never built whole: blocks of rows of about a mebibyte are
 * gathered, multiplied and dropped, each thread with its own. Forward
 * blocks are independent; the input's gradient goes image by image (windows
 * of one image overlap); the filter's is summed over a fixed number of
 * parts, each a contiguous run of rows, then added in order, so the result
 * does not depend on the number of threads.
 *
 * The portable GEMM is called single-threaded from each block, which is
 * why the CBLAS path MatMul may take is not used here: OpenBLAS threads
 * its own calls.
 *
 * float16 and bfloat16 are widened to float32, computed, and rounded
 * once on store, as MatMul does them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "linalg-kernels.h"
#include "conv-geometry.h"
#include "../op-messages.h"

/* ---- shape functions ---- */

gboolean
linalg_shape_conv2d (GraftShapeContext *ctx,
                     GError           **error)
{
  gsize n_strides, n_dilations;
  const gint64 *strides = graft_shape_context_get_attr_ints (ctx, "strides", &n_strides);
  const gint64 *dilations = graft_shape_context_get_attr_ints (ctx, "dilations", &n_dilations);
  const char *padding = graft_shape_context_get_attr_string (ctx, "padding");
  gint64 in[4], filter[4], out[4];
  ConvGeometry g;

  if (!conv_check_attrs ("Conv2D", strides, n_strides, "dilations", dilations, n_dilations, padding,
                         graft_shape_context_get_attr_string (ctx, "data_format"), error) ||
      !conv_read_input (ctx, 0, "input", in, error) || !conv_read_input (ctx, 1, "filter", filter, error))
    return FALSE;
  if (!conv_check_depths (ctx, in[3], filter[2], error))
    return FALSE;
  conv_geometry_init (&g, in, filter[0], filter[1], filter[3], strides, dilations, n_dilations, padding);
  if (!conv_geometry_finish (&g, error))
    return FALSE;
  conv_output_dims (&g, out);
  graft_shape_context_set_output (ctx, 0, 4, out);
  return TRUE;
}

/* A sizes attribute (input_sizes, filter_sizes): 4 values, each a size or
 * -1 where `may_infer` allows it. */
static gboolean
check_sizes (const char   *op,
             const char   *attr,
             const gint64 *sizes,
             gsize         n,
             const gboolean may_infer[4],
             GError      **error)
{
  g_autofree char *s = op_format_ints (sizes, n);

  if (n != 4)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "%s requires the %s attribute to contain 4 values, but got: %" G_GSIZE_FORMAT " %s", op, attr,
                   n, s);
      return FALSE;
    }
  for (int i = 0; i < 4; i++)
    if (sizes[i] < 0 && !(sizes[i] == -1 && may_infer[i]))
      {
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                     "%s: %s %s has a negative size at index %d (only %s may be -1, inferred from the other inputs)",
                     op, attr, s, i, may_infer[0] ? "the batch and the depth" : "the two depths");
        return FALSE;
      }
  return TRUE;
}

gboolean
linalg_shape_conv2d_backprop_input (GraftShapeContext *ctx,
                                    GError           **error)
{
  static const gboolean may_infer[4] = { TRUE, FALSE, FALSE, TRUE };
  gsize n_sizes, n_strides, n_dilations;
  const gint64 *sizes = graft_shape_context_get_attr_ints (ctx, "input_sizes", &n_sizes);
  const gint64 *strides = graft_shape_context_get_attr_ints (ctx, "strides", &n_strides);
  const gint64 *dilations = graft_shape_context_get_attr_ints (ctx, "dilations", &n_dilations);
  const char *padding = graft_shape_context_get_attr_string (ctx, "padding");
  gint64 in[4], filter[4], dy[4];
  ConvGeometry g;

  if (!conv_check_attrs ("Conv2DBackpropInput", strides, n_strides, "dilations", dilations, n_dilations, padding,
                         graft_shape_context_get_attr_string (ctx, "data_format"), error) ||
      !check_sizes ("Conv2DBackpropInput", "input_sizes", sizes, n_sizes, may_infer, error) ||
      !conv_read_input (ctx, 0, "filter", filter, error) || !conv_read_input (ctx, 1, "out_backprop", dy, error))
    return FALSE;
  memcpy (in, sizes, sizeof in);
  if (in[0] < 0)
    in[0] = dy[0];
  if (in[3] < 0)
    in[3] = filter[2];
  if (!conv_check_depths (ctx, in[3], filter[2], error))
    return FALSE;
  conv_geometry_init (&g, in, filter[0], filter[1], filter[3], strides, dilations, n_dilations, padding);
  if (!conv_geometry_finish (&g, error) ||
      !conv_check_output_shape ("out_backprop", &g, graft_shape_context_get_input_rank (ctx, 1), dy, error))
    return FALSE;
  graft_shape_context_set_output (ctx, 0, 4, in);
  return TRUE;
}

gboolean
linalg_shape_conv2d_backprop_filter (GraftShapeContext *ctx,
                                     GError           **error)
{
  static const gboolean may_infer[4] = { FALSE, FALSE, TRUE, TRUE };
  gsize n_sizes, n_strides, n_dilations;
  const gint64 *sizes = graft_shape_context_get_attr_ints (ctx, "filter_sizes", &n_sizes);
  const gint64 *strides = graft_shape_context_get_attr_ints (ctx, "strides", &n_strides);
  const gint64 *dilations = graft_shape_context_get_attr_ints (ctx, "dilations", &n_dilations);
  const char *padding = graft_shape_context_get_attr_string (ctx, "padding");
  gint64 in[4], filter[4], dy[4];
  ConvGeometry g;

  if (!conv_check_attrs ("Conv2DBackpropFilter", strides, n_strides, "dilations", dilations, n_dilations, padding,
                         graft_shape_context_get_attr_string (ctx, "data_format"), error) ||
      !check_sizes ("Conv2DBackpropFilter", "filter_sizes", sizes, n_sizes, may_infer, error) ||
      !conv_read_input (ctx, 0, "input", in, error) || !conv_read_input (ctx, 1, "out_backprop", dy, error))
    return FALSE;
  memcpy (filter, sizes, sizeof filter);
  if (filter[2] < 0)
    filter[2] = in[3];
  if (filter[3] < 0)
    filter[3] = dy[3];
  if (!conv_check_depths (ctx, in[3], filter[2], error))
    return FALSE;
  conv_geometry_init (&g, in, filter[0], filter[1], filter[3], strides, dilations, n_dilations, padding);
  if (!conv_geometry_finish (&g, error) ||
      !conv_check_output_shape ("out_backprop", &g, graft_shape_context_get_input_rank (ctx, 1), dy, error))
    return FALSE;
  graft_shape_context_set_output (ctx, 0, 4, filter);
  return TRUE;
}

/* ---- the products ---- */

/* Rows of col gathered at a time: about a mebibyte of them. */
#define BLOCK_BYTES (1u << 20)
/* Below this many multiply-adds a product stays on the calling thread. */
#define PARALLEL_WORK (1u << 20)
/* The filter's gradient is summed in at most this many parts. */
#define MAX_PARTS 16

typedef struct {
  ConvGeometry g;
  const GemmVariant *gemm;
  gboolean f64;
  gsize esize;
  gsize m, k, n;          /* col is m × k, the filter k × n */
  gsize block;            /* rows of col per product */
  gboolean direct;        /* a 1×1 window at stride 1: col is the input itself */
  gconstpointer input;    /* forward, filter backprop */
  gconstpointer filter;   /* forward, input backprop */
  gconstpointer dy;       /* backprops */
  gpointer out;
  gsize parts, blocks_per_part;
  guint8 *partials;       /* filter backprop: parts × k × n */
  gint failed;            /* a worker ran out of memory */
} ConvJob;

static void
gemm (const ConvJob *j,
      gboolean       ta,
      gboolean       tb,
      gsize          m,
      gsize          n,
      gsize          k,
      gconstpointer  a,
      gconstpointer  b,
      gpointer       c)
{
  if (m == 0 || n == 0)
    return;
  if (k == 0)
    memset (c, 0, m * n * j->esize);
  else if (j->f64)
    j->gemm->f64 (ta, tb, m, n, k, a, b, c);
  else
    j->gemm->f32 (ta, tb, m, n, k, a, b, c);
}

/* Rows [r0, r0 + rows) of col: each output pixel's window, zeros where it
 * hangs over the padding. Element-size agnostic: channels are contiguous
 * in NHWC, and so, at dilation 1, is a whole window row. */
static void
im2col (const ConvJob *j,
        gsize          r0,
        gsize          rows,
        guint8        *col)
{
  const ConvGeometry *g = &j->g;
  gsize pixel = (gsize) g->in_depth * j->esize;
  const guint8 *input = j->input;

  for (gsize r = 0; r < rows; r++)
    {
      gsize idx = r0 + r;
      gint64 ow = (gint64) (idx % (gsize) g->out_cols), t = (gint64) (idx / (gsize) g->out_cols);
      gint64 oh = t % g->out_rows, b = t / g->out_rows;
      guint8 *dst = col + r * j->k * j->esize;
      gint64 iw0 = ow * g->stride_cols - g->pad_left;

      for (gint64 kh = 0; kh < g->window_rows; kh++)
        {
          gint64 ih = oh * g->stride_rows - g->pad_top + kh * g->dilation_rows;
          const guint8 *src;

          if (ih < 0 || ih >= g->in_rows)
            {
              memset (dst, 0, (gsize) g->window_cols * pixel);
              dst += (gsize) g->window_cols * pixel;
              continue;
            }
          src = input + (gsize) ((b * g->in_rows + ih) * g->in_cols) * pixel;
          if (g->dilation_cols == 1 && iw0 >= 0 && iw0 + g->window_cols <= g->in_cols)
            {
              memcpy (dst, src + (gsize) iw0 * pixel, (gsize) g->window_cols * pixel);
              dst += (gsize) g->window_cols * pixel;
              continue;
            }
          for (gint64 kw = 0; kw < g->window_cols; kw++, dst += pixel)
            {
              gint64 iw = iw0 + kw * g->dilation_cols;

              if (iw < 0 || iw >= g->in_cols)
                memset (dst, 0, pixel);
              else
                memcpy (dst, src + (gsize) iw * pixel, pixel);
            }
        }
    }
}

#define COL2IM_ADD(ctype)                                                  \
  G_STMT_START {                                                           \
    const ctype *s_ = (const ctype *) src;                                 \
    ctype *d_ = (ctype *) dst;                                             \
    for (gint64 c_ = 0; c_ < g->in_depth; c_++)                            \
      d_[c_] += s_[c_];                                                    \
  } G_STMT_END

/* Adds rows [r0, r0 + rows) of dcol into the input's gradient dx, each
 * window element onto the pixel it was gathered from. */
static void
col2im_add (const ConvJob *j,
            gsize          r0,
            gsize          rows,
            const guint8  *dcol,
            guint8        *dx)
{
  const ConvGeometry *g = &j->g;
  gsize pixel = (gsize) g->in_depth * j->esize;

  for (gsize r = 0; r < rows; r++)
    {
      gsize idx = r0 + r;
      gint64 ow = (gint64) (idx % (gsize) g->out_cols), t = (gint64) (idx / (gsize) g->out_cols);
      gint64 oh = t % g->out_rows, b = t / g->out_rows;
      const guint8 *src = dcol + r * j->k * j->esize;

      for (gint64 kh = 0; kh < g->window_rows; kh++)
        {
          gint64 ih = oh * g->stride_rows - g->pad_top + kh * g->dilation_rows;

          for (gint64 kw = 0; kw < g->window_cols; kw++, src += pixel)
            {
              gint64 iw = ow * g->stride_cols - g->pad_left + kw * g->dilation_cols;
              guint8 *dst;

              if (ih < 0 || ih >= g->in_rows || iw < 0 || iw >= g->in_cols)
                continue;
              dst = dx + (gsize) ((b * g->in_rows + ih) * g->in_cols + iw) * pixel;
              if (j->f64)
                COL2IM_ADD (double);
              else
                COL2IM_ADD (float);
            }
        }
    }
}

static guint8 *
col_buffer (ConvJob *j)
{
  guint8 *col;

  if (j->direct)
    return NULL;
  col = g_try_malloc (MAX (j->block * j->k * j->esize, 1));
  if (col == NULL)
    g_atomic_int_set (&j->failed, 1);
  return col;
}

/* The rows of col starting at r0: gathered into `col`, or the input's own
 * rows for a 1×1 window at stride 1. */
static gconstpointer
gather (const ConvJob *j,
        gsize          r0,
        gsize          rows,
        guint8        *col)
{
  if (j->direct)
    return (const guint8 *) j->input + r0 * j->k * j->esize;
  im2col (j, r0, rows, col);
  return col;
}

static void
forward_blocks (gsize    first,
                gsize    last,
                gpointer data)
{
  ConvJob *j = data;
  g_autofree guint8 *col = col_buffer (j);

  if (col == NULL && !j->direct)
    return;
  for (gsize b = first; b < last; b++)
    {
      gsize r0 = b * j->block, rows = MIN (j->block, j->m - r0);
      gconstpointer a = gather (j, r0, rows, col);

      gemm (j, FALSE, FALSE, rows, j->n, j->k, a, j->filter, (guint8 *) j->out + r0 * j->n * j->esize);
    }
}

static void
backprop_input_images (gsize    first,
                       gsize    last,
                       gpointer data)
{
  ConvJob *j = data;
  const ConvGeometry *g = &j->g;
  gsize per_image = (gsize) (g->out_rows * g->out_cols);
  gsize image_size = (gsize) (g->in_rows * g->in_cols * g->in_depth) * j->esize;
  g_autofree guint8 *dcol = g_try_malloc (MAX (j->block * j->k * j->esize, 1));

  if (dcol == NULL)
    {
      g_atomic_int_set (&j->failed, 1);
      return;
    }
  for (gsize b = first; b < last; b++)
    {
      memset ((guint8 *) j->out + b * image_size, 0, image_size);
      for (gsize r = 0; r < per_image; r += j->block)
        {
          gsize r0 = b * per_image + r, rows = MIN (j->block, per_image - r);

          gemm (j, FALSE, TRUE, rows, j->k, j->n, (const guint8 *) j->dy + r0 * j->n * j->esize, j->filter, dcol);
          col2im_add (j, r0, rows, dcol, j->out);
        }
    }
}

#define ACCUMULATE(ctype)                                                  \
  G_STMT_START {                                                           \
    ctype *d_ = (ctype *) dst;                                             \
    const ctype *s_ = (const ctype *) src;                                 \
    for (gsize i_ = 0; i_ < count; i_++)                                   \
      d_[i_] += s_[i_];                                                    \
  } G_STMT_END

static void
accumulate (const ConvJob *j,
            guint8        *dst,
            const guint8  *src,
            gsize          count)
{
  if (j->f64)
    ACCUMULATE (double);
  else
    ACCUMULATE (float);
}

static void
backprop_filter_parts (gsize    first,
                       gsize    last,
                       gpointer data)
{
  ConvJob *j = data;
  gsize size = j->k * j->n;
  g_autofree guint8 *col = col_buffer (j);
  g_autofree guint8 *product = g_try_malloc (MAX (size * j->esize, 1));

  if ((col == NULL && !j->direct) || product == NULL)
    {
      g_atomic_int_set (&j->failed, 1);
      return;
    }
  for (gsize p = first; p < last; p++)
    {
      guint8 *partial = j->partials + p * size * j->esize;
      gsize nb = (j->m + j->block - 1) / j->block;
      gsize b1 = MIN (nb, (p + 1) * j->blocks_per_part);

      memset (partial, 0, size * j->esize);
      for (gsize b = p * j->blocks_per_part; b < b1; b++)
        {
          gsize r0 = b * j->block, rows = MIN (j->block, j->m - r0);
          gconstpointer a = gather (j, r0, rows, col);

          gemm (j, TRUE, FALSE, j->k, j->n, rows, a, (const guint8 *) j->dy + r0 * j->n * j->esize, product);
          accumulate (j, partial, product, size);
        }
    }
}

/* ---- kernels ---- */

typedef enum { CONV_FORWARD, CONV_BACKPROP_INPUT, CONV_BACKPROP_FILTER } ConvPass;

static void run_pass (GraftKernel *k, ConvPass pass, const ConvGeometry *g, gboolean f64, gconstpointer input,
                      gconstpointer filter, gconstpointer dy, gpointer out);

/* At stride 1 the input's gradient is itself a forward convolution: of dy,
 * padded by the window's reach less the forward padding, with the filter
 * turned by 180° and its channels swapped:
 *   dx[ih, iw, c] = Σ dy[ih + pad_top - kh·d, iw + pad_left - kw·d, o] · f[kh, kw, c, o].
 * Its product is [pixels, rows·cols·out_depth] · [rows·cols·out_depth,
 * in_depth], much deeper than col2im's (out_depth), and nothing is
 * scattered. */
static gboolean
backprop_input_by_forward (GraftKernel        *k,
                           const ConvGeometry *g,
                           gboolean            f64,
                           gconstpointer       filter,
                           gconstpointer       dy,
                           gpointer            out)
{
  gsize es = f64 ? sizeof (double) : sizeof (float);
  gsize kr = (gsize) g->window_rows, kc = (gsize) g->window_cols, c_n = (gsize) g->in_depth,
        o_n = (gsize) g->out_depth;
  g_autofree guint8 *turned = g_try_malloc (MAX (kr * kc * c_n * o_n * es, 1));
  const guint8 *f = filter;
  ConvGeometry t = { 0 };

  if (turned == NULL)
    return FALSE;
  for (gsize kh = 0; kh < kr; kh++)
    for (gsize kw = 0; kw < kc; kw++)
      for (gsize o = 0; o < o_n; o++)
        for (gsize c = 0; c < c_n; c++)
          memcpy (turned + (((kh * kc + kw) * o_n + o) * c_n + c) * es,
                  f + ((((kr - 1 - kh) * kc + (kc - 1 - kw)) * c_n + c) * o_n + o) * es, es);
  t.batch = g->batch;
  t.in_rows = g->out_rows;
  t.in_cols = g->out_cols;
  t.in_depth = g->out_depth;
  t.window_rows = g->window_rows;
  t.window_cols = g->window_cols;
  t.out_depth = g->in_depth;
  t.stride_rows = t.stride_cols = 1;
  t.dilation_rows = g->dilation_rows;
  t.dilation_cols = g->dilation_cols;
  t.out_rows = g->in_rows;
  t.out_cols = g->in_cols;
  t.pad_top = (g->window_rows - 1) * g->dilation_rows - g->pad_top;
  t.pad_left = (g->window_cols - 1) * g->dilation_cols - g->pad_left;
  run_pass (k, CONV_FORWARD, &t, f64, dy, turned, NULL, out);
  return TRUE;
}

/* Runs one pass on float32 or float64 data; `out` is written whole. */
static void
run_pass (GraftKernel        *k,
          ConvPass            pass,
          const ConvGeometry *g,
          gboolean            f64,
          gconstpointer       input,
          gconstpointer       filter,
          gconstpointer       dy,
          gpointer            out)
{
  ConvJob j = { 0 };
  gsize nb;

  j.g = *g;
  j.gemm = linalg_get_gemm ()->portable;
  j.f64 = f64;
  j.esize = f64 ? sizeof (double) : sizeof (float);
  j.m = (gsize) (g->batch * g->out_rows * g->out_cols);
  j.k = (gsize) (g->window_rows * g->window_cols * g->in_depth);
  j.n = (gsize) g->out_depth;
  j.block = CLAMP (BLOCK_BYTES / MAX (j.k * j.esize, 1), 16, MAX (j.m, 16));
  j.direct = g->window_rows == 1 && g->window_cols == 1 && g->stride_rows == 1 && g->stride_cols == 1;
  j.input = input;
  j.filter = filter;
  j.dy = dy;
  j.out = out;
  nb = (j.m + j.block - 1) / j.block;

  switch (pass)
    {
    case CONV_FORWARD:
      if ((double) j.m * j.k * j.n < PARALLEL_WORK)
        forward_blocks (0, nb, &j);
      else
        graft_kernel_parallel_for (k, nb, 1, forward_blocks, &j);
      break;
    case CONV_BACKPROP_INPUT:
      if (g->stride_rows == 1 && g->stride_cols == 1)
        j.failed = !backprop_input_by_forward (k, g, f64, filter, dy, out);
      else if (j.m == 0 || j.n == 0 || j.k == 0)
        memset (out, 0, (gsize) (g->batch * g->in_rows * g->in_cols * g->in_depth) * j.esize);
      else if ((double) j.m * j.k * j.n < PARALLEL_WORK)
        backprop_input_images (0, (gsize) g->batch, &j);
      else
        graft_kernel_parallel_for (k, (gsize) g->batch, 1, backprop_input_images, &j);
      break;
    case CONV_BACKPROP_FILTER:
      j.parts = (double) j.m * j.k * j.n < PARALLEL_WORK ? 1 : MIN (nb, MAX_PARTS);
      j.parts = MAX (j.parts, 1);
      j.blocks_per_part = (nb + j.parts - 1) / j.parts;
      if (j.parts == 1)
        {
          j.partials = out;
          backprop_filter_parts (0, 1, &j);
          break;
        }
      j.partials = g_try_malloc (j.parts * j.k * j.n * j.esize);
      if (j.partials == NULL)
        {
          j.failed = 1;
          break;
        }
      graft_kernel_parallel_for (k, j.parts, 1, backprop_filter_parts, &j);
      memcpy (out, j.partials, j.k * j.n * j.esize);
      for (gsize p = 1; p < j.parts; p++)
        accumulate (&j, out, j.partials + p * j.k * j.n * j.esize, j.k * j.n);
      g_free (j.partials);
      break;
    }
  if (j.failed)
    graft_kernel_set_error (k, "Out of memory for the im2col buffers of a %s convolution",
                            f64 ? "float64" : "float32");
}

/* The same, for any dtype: float16 and bfloat16 through float32 copies. */
static void
run (GraftKernel        *k,
     ConvPass            pass,
     const ConvGeometry *g,
     GraftDType          dtype,
     const GraftTensor  *input,
     const GraftTensor  *filter,
     const GraftTensor  *dy,
     GraftTensor        *out)
{
  const GraftTensor *ins[3] = { input, filter, dy };
  float *wide[3] = { NULL, NULL, NULL };
  float *wide_out = NULL;
  gsize n_out = graft_tensor_get_num_elements (out);
  gpointer pout = graft_kernel_get_output_data (k, out);
  gboolean ok = TRUE;

  if (dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64)
    {
      run_pass (k, pass, g, dtype == GRAFT_DTYPE_FLOAT64, input ? graft_tensor_get_data (input, NULL) : NULL,
                filter ? graft_tensor_get_data (filter, NULL) : NULL, dy ? graft_tensor_get_data (dy, NULL) : NULL,
                pout);
      return;
    }
  for (int i = 0; i < 3; i++)
    if (ins[i] != NULL)
      {
        gsize n = graft_tensor_get_num_elements (ins[i]);

        wide[i] = g_try_new (float, MAX (n, 1));
        if (wide[i] == NULL)
          ok = FALSE;
        else
          graft_dtype_widen_to_float (dtype, graft_tensor_get_data (ins[i], NULL), wide[i], n);
      }
  wide_out = g_try_new (float, MAX (n_out, 1));
  if (!ok || wide_out == NULL)
    graft_kernel_set_error (k, "Out of memory widening %s to float32", graft_dtype_get_name (dtype));
  else
    {
      run_pass (k, pass, g, FALSE, wide[0], wide[1], wide[2], wide_out);
      graft_dtype_narrow_from_float (dtype, wide_out, pout, n_out);
    }
  for (int i = 0; i < 3; i++)
    g_free (wide[i]);
  g_free (wide_out);
}

/* The dims of a tensor of rank 4, which the shape function checked. */
static const gint64 *
dims4 (const GraftTensor *t)
{
  guint rank;

  return graft_tensor_get_dims (t, &rank);
}

/* The geometry of the tensors a kernel was given; their shapes passed the
 * shape function, at build time or again now. */
static gboolean
kernel_geometry (GraftKernel       *k,
                 const char        *what,
                 ConvGeometry      *g,
                 const gint64      *in,
                 const gint64      *filter,
                 const GraftTensor *out_like,
                 const gint64      *strides,
                 const gint64      *dilations,
                 gsize              n_dilations,
                 const char        *padding)
{
  g_autoptr(GError) error = NULL;
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (out_like, &rank);

  conv_geometry_init (g, in, filter[0], filter[1], filter[3], strides, dilations, n_dilations, padding);
  if (!conv_geometry_finish (g, &error) || !conv_check_output_shape (what, g, (gint) rank, dims, &error))
    {
      graft_kernel_set_error (k, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

void
linalg_conv2d (GraftKernel       *k,
               const GraftTensor *input,
               const GraftTensor *filter,
               const gint64      *strides,
               gsize              n_strides,
               const char        *padding,
               const char        *data_format,
               const gint64      *dilations,
               gsize              n_dilations,
               GraftTensor       *output)
{
  ConvGeometry g;

  if (kernel_geometry (k, "output", &g, dims4 (input), dims4 (filter), output,
                       strides, dilations, n_dilations, padding))
    run (k, CONV_FORWARD, &g, graft_tensor_get_dtype (input), input, filter, NULL, output);
}

void
linalg_conv2d_backprop_input (GraftKernel       *k,
                              const gint64      *input_sizes,
                              gsize              n_input_sizes,
                              const GraftTensor *filter,
                              const GraftTensor *out_backprop,
                              const gint64      *strides,
                              gsize              n_strides,
                              const char        *padding,
                              const char        *data_format,
                              const gint64      *dilations,
                              gsize              n_dilations,
                              GraftTensor       *output)
{
  ConvGeometry g;

  if (kernel_geometry (k, "out_backprop", &g, dims4 (output), dims4 (filter),
                       out_backprop, strides, dilations, n_dilations, padding))
    run (k, CONV_BACKPROP_INPUT, &g, graft_tensor_get_dtype (filter), NULL, filter, out_backprop, output);
}

void
linalg_conv2d_backprop_filter (GraftKernel       *k,
                               const GraftTensor *input,
                               const gint64      *filter_sizes,
                               gsize              n_filter_sizes,
                               const GraftTensor *out_backprop,
                               const gint64      *strides,
                               gsize              n_strides,
                               const char        *padding,
                               const char        *data_format,
                               const gint64      *dilations,
                               gsize              n_dilations,
                               GraftTensor       *output)
{
  ConvGeometry g;

  if (kernel_geometry (k, "out_backprop", &g, dims4 (input), dims4 (output),
                       out_backprop, strides, dilations, n_dilations, padding))
    run (k, CONV_BACKPROP_FILTER, &g, graft_tensor_get_dtype (input), input, NULL, out_backprop, output);
}
