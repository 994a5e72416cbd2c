/* linalg-kernels.h: the kernels of the linalg op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "gemm.h"
#include "gemm-libs.h"

G_BEGIN_DECLS

/* How MatMul multiplies floats: chosen once, when the plugin loads. */
typedef struct {
  /* Kept for other kernels of the module (Conv2D): whether float
   * products may call CBLAS directly. linalg_gemm_float() is the better
   * entry point: it also picks the library per shape. */
  gboolean use_blas;
  const GemmVariant *portable;  /* the portable GEMM's variant */
  /* What GRAFT_MATMUL forced: a library, or (forced_portable) the
   * portable GEMM; neither means the per-shape rule of linalg.c. */
  const LinalgLib *forced;
  gboolean forced_portable;
} LinalgGemm;

const LinalgGemm *linalg_get_gemm (void);

/* The library (or NULL: the portable GEMM) that multiplies a float
 * product of this shape with this many threads. */
const LinalgLib *linalg_choose_lib (const LinalgGemm *gemm, gboolean f64, gsize m, gsize n, gsize k,
                                    guint threads);

/* C = op(A) · op(B) for dense row-major float32 (f64: float64) operands,
 * on the session's threads, by whichever library linalg_choose_lib()
 * names; any of m, n, k may be 0. */
void linalg_gemm_float (GraftKernel *k, const LinalgGemm *gemm, gboolean f64, gboolean ta, gboolean tb,
                        gsize m, gsize n, gsize depth, gconstpointer a, gconstpointer b, gpointer c);

void linalg_matmul (GraftKernel *k, const GraftTensor *a, const GraftTensor *b, gboolean transpose_a,
                    gboolean transpose_b, GraftTensor *product);

/* matmul-grad.c */
extern const GraftGradientInfo linalg_gradients[];
extern const guint linalg_n_gradients;
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
