/* conv-geometry.c: the window arithmetic of the convolution and pooling
 * ops, with TensorFlow 1.15's rules and, where it has them, its messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "conv-geometry.h"
#include "../op-messages.h"

static gboolean
check_four (const char   *op,
            const char   *attr,
            gsize         n,
            GError      **error)
{
  if (n == 4)
    return TRUE;
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
               "%s requires the %s attribute to contain 4 values, but got: %" G_GSIZE_FORMAT, op, attr, n);
  return FALSE;
}

gboolean
conv_check_attrs (const char   *op,
                  const gint64 *strides,
                  gsize         n_strides,
                  const char   *window_attr,
                  const gint64 *window,
                  gsize         n_window,
                  const char   *padding,
                  const char   *data_format,
                  GError      **error)
{
  gboolean pool = window_attr != NULL && strcmp (window_attr, "ksize") == 0;

  /* An empty dilations list is the default: no dilation. */
  if (!pool && n_window == 0)
    window_attr = NULL;
  if (!check_four (op, "stride", n_strides, error) ||
      (window_attr != NULL && !check_four (op, window_attr, n_window, error)))
    return FALSE;
  if (strides[0] != 1 || strides[3] != 1)
    {
      g_autofree char *s = op_format_ints (strides, n_strides);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Current implementation does not yet support strides in the batch and depth dimensions: "
                   "strides %s", s);
      return FALSE;
    }
  for (int i = 1; i <= 2; i++)
    if (strides[i] < 1)
      {
        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                     "Stride must be > 0, but got %" G_GINT64_FORMAT, strides[i]);
        return FALSE;
      }
  if (window_attr != NULL)
    {
      g_autofree char *w = op_format_ints (window, n_window);

      if (window[0] != 1 || window[3] != 1)
        {
          if (pool)
            g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                         "Pooling is not yet supported on the batch or depth dimension: ksize %s", w);
          else
            g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                         "Current implementation does not yet support dilations in the batch and depth "
                         "dimensions: dilations %s", w);
          return FALSE;
        }
      for (int i = 1; i <= 2; i++)
        if (window[i] < 1)
          {
            g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                         pool ? "Sliding window ksize for dimension %d was %" G_GINT64_FORMAT ": it must be positive"
                              : "Dilation rate for dimension %d was %" G_GINT64_FORMAT ": it must be positive",
                         i, window[i]);
            return FALSE;
          }
    }
  if (strcmp (padding, "SAME") != 0 && strcmp (padding, "VALID") != 0)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Value for attr 'padding' of \"%s\" is not in the list of allowed values: \"SAME\", \"VALID\"",
                   padding);
      return FALSE;
    }
  if (strcmp (data_format, "NCHW") == 0)
    {
      /* TensorFlow's CPU kernels refuse it too: NCHW is for GPUs. */
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "%s supports only data_format \"NHWC\" on CPU, as TensorFlow's CPU kernels do, not \"NCHW\"", op);
      return FALSE;
    }
  if (strcmp (data_format, "NHWC") != 0)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Value for attr 'data_format' of \"%s\" is not in the list of allowed values: \"NHWC\", \"NCHW\"",
                   data_format);
      return FALSE;
    }
  return TRUE;
}

void
conv_geometry_init (ConvGeometry *g,
                    const gint64 *input_dims,
                    gint64        window_rows,
                    gint64        window_cols,
                    gint64        out_depth,
                    const gint64 *strides,
                    const gint64 *dilations,
                    gsize         n_dilations,
                    const char   *padding)
{
  memset (g, 0, sizeof *g);
  g->batch = input_dims[0];
  g->in_rows = input_dims[1];
  g->in_cols = input_dims[2];
  g->in_depth = input_dims[3];
  g->window_rows = window_rows;
  g->window_cols = window_cols;
  g->out_depth = out_depth;
  g->stride_rows = strides[1];
  g->stride_cols = strides[2];
  g->dilation_rows = n_dilations == 4 ? dilations[1] : 1;
  g->dilation_cols = n_dilations == 4 ? dilations[2] : 1;
  g->same = strcmp (padding, "SAME") == 0;
}

/* TensorFlow's GetWindowedOutputSizeVerboseV2, padding SAME or VALID. */
static gboolean
windowed_size (gint64    in,
               gint64    window,
               gint64    dilation,
               gint64    stride,
               gboolean  same,
               gint64   *out,
               gint64   *pad_before,
               GError  **error)
{
  gint64 effective = (window - 1) * dilation + 1;

  *pad_before = 0;
  if (in < 0 || window < 0)
    {
      *out = GRAFT_DIM_UNKNOWN;
      return TRUE;
    }
  if (same)
    {
      gint64 needed;

      *out = (in + stride - 1) / stride;
      needed = MAX (0, (*out - 1) * stride + effective - in);
      *pad_before = needed / 2;
    }
  else
    *out = (in - effective + stride) / stride;
  if (*out < 0)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Computed output size would be negative: %" G_GINT64_FORMAT " [input_size: %" G_GINT64_FORMAT
                   ", effective_filter_size: %" G_GINT64_FORMAT ", stride: %" G_GINT64_FORMAT "]",
                   *out, in, effective, stride);
      return FALSE;
    }
  return TRUE;
}

gboolean
conv_geometry_finish (ConvGeometry *g,
                      GError      **error)
{
  return windowed_size (g->in_rows, g->window_rows, g->dilation_rows, g->stride_rows, g->same, &g->out_rows,
                        &g->pad_top, error) &&
         windowed_size (g->in_cols, g->window_cols, g->dilation_cols, g->stride_cols, g->same, &g->out_cols,
                        &g->pad_left, error);
}

gboolean
conv_read_input (GraftShapeContext *ctx,
                 guint              index,
                 const char        *what,
                 gint64            *dims,
                 GError           **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, index);

  if (rank < 0)
    {
      for (int i = 0; i < 4; i++)
        dims[i] = GRAFT_DIM_UNKNOWN;
      return TRUE;
    }
  if (rank != 4)
    {
      g_autofree char *s = op_format_input_shape (ctx, index);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                   "Shape must be rank 4 but is rank %d for %s of shape %s", rank, what, s);
      return FALSE;
    }
  memcpy (dims, graft_shape_context_get_input_dims (ctx, index), 4 * sizeof (gint64));
  return TRUE;
}

gboolean
conv_check_output_shape (const char         *what,
                         const ConvGeometry *g,
                         gint                rank,
                         const gint64       *dims,
                         GError            **error)
{
  gint64 want[4];

  conv_output_dims (g, want);
  if (rank < 0)
    return TRUE;
  if (rank == 4)
    {
      gboolean ok = TRUE;

      for (int i = 0; i < 4; i++)
        ok = ok && (dims[i] < 0 || want[i] < 0 || dims[i] == want[i]);
      if (ok)
        return TRUE;
    }
  {
    g_autoptr(GraftShape) have = graft_shape_new (dims, (guint) rank);
    g_autoptr(GraftShape) computed = graft_shape_new (want, 4);
    gint64 in[4] = { g->batch, g->in_rows, g->in_cols, g->in_depth };
    g_autoptr(GraftShape) input = graft_shape_new (in, 4);
    g_autofree char *sh = graft_shape_to_string (have);
    g_autofree char *sc = graft_shape_to_string (computed);
    g_autofree char *si = graft_shape_to_string (input);

    g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                 "Size of %s doesn't match computed: %s has shape %s, the window gives %s "
                 "[input: %s, window: %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", strides: %" G_GINT64_FORMAT
                 "x%" G_GINT64_FORMAT ", dilations: %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", padding: %s]",
                 what, what, sh, sc, si, g->window_rows, g->window_cols, g->stride_rows, g->stride_cols,
                 g->dilation_rows, g->dilation_cols, g->same ? "SAME" : "VALID");
    return FALSE;
  }
}

gboolean
conv_check_depths (GraftShapeContext *ctx,
                   gint64             in_depth,
                   gint64             filter_depth,
                   GError           **error)
{
  GString *shapes;

  if (in_depth < 0 || filter_depth < 0 || in_depth == filter_depth)
    return TRUE;
  shapes = g_string_new (NULL);
  for (guint i = 0; i < graft_shape_context_get_num_inputs (ctx); i++)
    {
      g_autofree char *s = op_format_input_shape (ctx, i);

      g_string_append_printf (shapes, i > 0 ? ", %s" : "%s", s);
    }
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
               "Dimensions must be equal, but are %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
               ": the input's depth and the filter's in_depth, with input shapes %s",
               in_depth, filter_depth, shapes->str);
  g_string_free (shapes, TRUE);
  return FALSE;
}
