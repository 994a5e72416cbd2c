/* linalg-kernels.h: the kernels of the linalg op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "gemm.h"

G_BEGIN_DECLS

/* How MatMul multiplies floats: chosen once, when the plugin loads. */
typedef struct {
  gboolean use_blas;            /* float32/float64 through CBLAS */
  const GemmVariant *portable;  /* otherwise, and for oversized BLAS calls */
} LinalgGemm;

const LinalgGemm *linalg_get_gemm (void);

void linalg_matmul (GraftKernel *k, const GraftTensor *a, const GraftTensor *b, gboolean transpose_a,
                    gboolean transpose_b, GraftTensor *product);

/* Convolution and pooling (conv2d.c, pool.c), NHWC. */
gboolean linalg_shape_conv2d                 (GraftShapeContext *ctx, GError **error);
gboolean linalg_shape_conv2d_backprop_input  (GraftShapeContext *ctx, GError **error);
gboolean linalg_shape_conv2d_backprop_filter (GraftShapeContext *ctx, GError **error);
gboolean linalg_shape_max_pool               (GraftShapeContext *ctx, GError **error);
gboolean linalg_shape_avg_pool               (GraftShapeContext *ctx, GError **error);
gboolean linalg_shape_max_pool_grad          (GraftShapeContext *ctx, GError **error);
gboolean linalg_shape_avg_pool_grad          (GraftShapeContext *ctx, GError **error);

void linalg_conv2d (GraftKernel *k, const GraftTensor *input, const GraftTensor *filter, const gint64 *strides,
                    gsize n_strides, const char *padding, const char *data_format, const gint64 *dilations,
                    gsize n_dilations, GraftTensor *output);
void linalg_conv2d_backprop_input (GraftKernel *k, const gint64 *input_sizes, gsize n_input_sizes,
                                   const GraftTensor *filter, const GraftTensor *out_backprop,
                                   const gint64 *strides, gsize n_strides, const char *padding,
                                   const char *data_format, const gint64 *dilations, gsize n_dilations,
                                   GraftTensor *output);
void linalg_conv2d_backprop_filter (GraftKernel *k, const GraftTensor *input, const gint64 *filter_sizes,
                                    gsize n_filter_sizes, const GraftTensor *out_backprop,
                                    const gint64 *strides, gsize n_strides, const char *padding,
                                    const char *data_format, const gint64 *dilations, gsize n_dilations,
                                    GraftTensor *output);
void linalg_max_pool (GraftKernel *k, const GraftTensor *input, const gint64 *ksize, gsize n_ksize,
                      const gint64 *strides, gsize n_strides, const char *padding, const char *data_format,
                      GraftTensor *output);
void linalg_max_pool_grad (GraftKernel *k, const GraftTensor *orig_input, const GraftTensor *orig_output,
                           const GraftTensor *grad, const gint64 *ksize, gsize n_ksize, const gint64 *strides,
                           gsize n_strides, const char *padding, const char *data_format, GraftTensor *output);
void linalg_avg_pool (GraftKernel *k, const GraftTensor *value, const gint64 *ksize, gsize n_ksize,
                      const gint64 *strides, gsize n_strides, const char *padding, const char *data_format,
                      GraftTensor *output);
void linalg_avg_pool_grad (GraftKernel *k, const gint64 *orig_input_shape, gsize n_orig_input_shape,
                           const GraftTensor *grad, const gint64 *ksize, gsize n_ksize, const gint64 *strides,
                           gsize n_strides, const char *padding, const char *data_format, GraftTensor *output);

/* The gradients of the convolution and pooling ops (conv-grad.c). */
extern const GraftGradientInfo linalg_conv_gradients[];
extern const guint linalg_n_conv_gradients;

G_END_DECLS
