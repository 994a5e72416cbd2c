/* nn-kernels.h: the kernels and shape functions of the nn op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "../op-loops.h"
#include "../op-messages.h"

G_BEGIN_DECLS

/* y[i] = EXPR for i < n, with `u` bound to a[i] and `v` to b[i]: the
 * elementwise loop of the activation gradients, whose two inputs have one
 * shape. */
#define NN_BINARY_LOOP(ctype, a, b, out, n, EXPR)                \
  G_STMT_START {                                                 \
    const ctype *a_ = (const ctype *) (a);                       \
    const ctype *b_ = (const ctype *) (b);                       \
    ctype *y_ = (ctype *) (out);                                 \
    for (gsize i_ = 0; i_ < (n); i_++)                           \
      {                                                          \
        ctype u = a_[i_], v = b_[i_];                            \
        y_[i_] = (EXPR);                                         \
      }                                                          \
  } G_STMT_END

/* The same for the 16-bit floats: computed in float32, rounded once on
 * store, a stack block at a time (see OP_UNARY_LOOP_HALF). */
#define NN_BINARY_LOOP_HALF(dtype, a, b, out, n, EXPR)                      \
  G_STMT_START {                                                            \
    float ba_[128], bb_[128];                                               \
    for (gsize o_ = 0; o_ < (n); o_ += G_N_ELEMENTS (ba_))                  \
      {                                                                     \
        gsize m_ = MIN (G_N_ELEMENTS (ba_), (n) - o_);                      \
        graft_dtype_widen_to_float ((dtype), (const guint16 *) (a) + o_, ba_, m_); \
        graft_dtype_widen_to_float ((dtype), (const guint16 *) (b) + o_, bb_, m_); \
        for (gsize i_ = 0; i_ < m_; i_++)                                   \
          {                                                                 \
            float u = ba_[i_], v = bb_[i_];                                 \
            ba_[i_] = (EXPR);                                               \
          }                                                                 \
        graft_dtype_narrow_from_float ((dtype), ba_, (guint16 *) (out) + o_, m_); \
      }                                                                     \
  } G_STMT_END

gboolean nn_shape_softmax      (GraftShapeContext *ctx, GError **error);
gboolean nn_shape_same_shapes  (GraftShapeContext *ctx, GError **error);
gboolean nn_shape_xent         (GraftShapeContext *ctx, GError **error);
gboolean nn_shape_sparse_xent  (GraftShapeContext *ctx, GError **error);
gboolean nn_shape_bias_add     (GraftShapeContext *ctx, GError **error);
gboolean nn_shape_bias_add_grad (GraftShapeContext *ctx, GError **error);

/* The channel axis of a tensor of rank `rank` in `data_format`, or -1 when
 * the format is neither NHWC nor NCHW. */
gint     nn_channel_axis       (const char *data_format, gint rank);

void nn_relu    (GraftKernel *k, const GraftTensor *features, GraftTensor *activations);
void nn_sigmoid (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void nn_tanh    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void nn_softmax (GraftKernel *k, const GraftTensor *logits, GraftTensor *softmax);
void nn_log_softmax (GraftKernel *k, const GraftTensor *logits, GraftTensor *logsoftmax);

void nn_relu_grad    (GraftKernel *k, const GraftTensor *gradients, const GraftTensor *features,
                      GraftTensor *backprops);
void nn_sigmoid_grad (GraftKernel *k, const GraftTensor *y, const GraftTensor *dy, GraftTensor *z);
void nn_tanh_grad    (GraftKernel *k, const GraftTensor *y, const GraftTensor *dy, GraftTensor *z);

void nn_xent        (GraftKernel *k, const GraftTensor *features, const GraftTensor *labels,
                     GraftTensor *loss, GraftTensor *backprop);
void nn_sparse_xent (GraftKernel *k, const GraftTensor *features, const GraftTensor *labels,
                     GraftTensor *loss, GraftTensor *backprop);

void nn_bias_add      (GraftKernel *k, const GraftTensor *value, const GraftTensor *bias,
                       const char *data_format, GraftTensor *output);
void nn_bias_add_grad (GraftKernel *k, const GraftTensor *out_backprop, const char *data_format,
                       GraftTensor *output);

void nn_l2_loss (GraftKernel *k, const GraftTensor *t, GraftTensor *output);

gboolean nn_add_gradients (GraftPlugin *plugin, GError **error);

G_END_DECLS
