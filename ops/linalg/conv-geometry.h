/* conv-geometry.h: the window arithmetic Conv2D, its backprops and the
 * pooling ops share: attribute checks, TensorFlow's SAME/VALID output sizes
 * and its padding split (the odd pixel goes after: bottom, right).
 *
 * Everything is NHWC: input [batch, rows, cols, depth], filters HWIO
 * [rows, cols, in_depth, out_depth], windows and strides as 4-lists whose
 * batch and depth entries must be 1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

typedef struct {
  gint64 batch, in_rows, in_cols, in_depth;
  gint64 window_rows, window_cols, out_depth;   /* filter or ksize; out_depth = in_depth for pools */
  gint64 stride_rows, stride_cols;
  gint64 dilation_rows, dilation_cols;
  gint64 out_rows, out_cols;                     /* GRAFT_DIM_UNKNOWN when an input dim is */
  gint64 pad_top, pad_left;
  gboolean same;                                 /* padding SAME, else VALID */
} ConvGeometry;

/* The attributes every op of the family checks the same way: strides
 * (and ksize or dilations, `window_attr` naming which, NULL for none;
 * dilations may be empty, meaning 1), padding and data_format. `op` names
 * the op in TensorFlow's messages. */
gboolean conv_check_attrs (const char   *op,
                           const gint64 *strides,
                           gsize         n_strides,
                           const char   *window_attr,
                           const gint64 *window,
                           gsize         n_window,
                           const char   *padding,
                           const char   *data_format,
                           GError      **error);

/* Sets the input, window, stride, dilation and padding fields of `g`
 * from checked attributes (`dilations` NULL or empty for none). */
void conv_geometry_init (ConvGeometry *g,
                         const gint64 *input_dims,
                         gint64        window_rows,
                         gint64        window_cols,
                         gint64        out_depth,
                         const gint64 *strides,
                         const gint64 *dilations,
                         gsize         n_dilations,
                         const char   *padding);

/* Fills the output sizes and padding of `g`, whose input, window, stride,
 * dilation and padding fields are set (dims may be GRAFT_DIM_UNKNOWN). */
gboolean conv_geometry_finish (ConvGeometry *g,
                               GError      **error);

/* The input and output of a window op as the shape context has them:
 * `input` of rank 4 (or unknown), checked and read into `g`. */
gboolean conv_read_input (GraftShapeContext *ctx,
                          guint              index,
                          const char        *what,
                          gint64            *dims,
                          GError           **error);

/* The input's depth against the filter's in_depth, when both are known;
 * the message shows the shapes of all the op's inputs. */
gboolean conv_check_depths (GraftShapeContext *ctx,
                            gint64             in_depth,
                            gint64             filter_depth,
                            GError           **error);

/* The shape (batch, out_rows, out_cols, out_depth) of `g`'s output. */
static inline void
conv_output_dims (const ConvGeometry *g,
                  gint64             *dims)
{
  dims[0] = g->batch;
  dims[1] = g->out_rows;
  dims[2] = g->out_cols;
  dims[3] = g->out_depth;
}

/* Checks that a tensor (out_backprop, grad, orig_output) has the shape
 * the geometry computes; `what` names it. */
gboolean conv_check_output_shape (const char         *what,
                                  const ConvGeometry *g,
                                  gint                rank,
                                  const gint64       *dims,
                                  GError            **error);

G_END_DECLS
