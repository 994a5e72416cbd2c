/* nn-kernels.h: the kernels and shape functions of the nn op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

/* y[i] = EXPR for every element, where EXPR reads the element as `v`: the
 * one elementwise loop of the family, instantiated once per dtype. */
#define NN_UNARY_LOOP(ctype, in, out, n, EXPR)                   \
  G_STMT_START {                                                 \
    const ctype *x_ = (const ctype *) (in);                      \
    ctype *y_ = (ctype *) (out);                                 \
    for (gsize i_ = 0; i_ < (n); i_++)                           \
      {                                                          \
        ctype v = x_[i_];                                        \
        y_[i_] = (EXPR);                                         \
      }                                                          \
  } G_STMT_END

gboolean nn_shape_softmax (GraftShapeContext *ctx, GError **error);

void nn_relu    (GraftKernel *k, const GraftTensor *features, GraftTensor *activations);
void nn_sigmoid (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void nn_tanh    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void nn_softmax (GraftKernel *k, const GraftTensor *logits, GraftTensor *softmax);

G_END_DECLS
