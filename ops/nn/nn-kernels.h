/* nn-kernels.h: the kernels and shape functions of the nn op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "../op-loops.h"

G_BEGIN_DECLS

gboolean nn_shape_softmax (GraftShapeContext *ctx, GError **error);

void nn_relu    (GraftKernel *k, const GraftTensor *features, GraftTensor *activations);
void nn_sigmoid (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void nn_tanh    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void nn_softmax (GraftKernel *k, const GraftTensor *logits, GraftTensor *softmax);

G_END_DECLS
