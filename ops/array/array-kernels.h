/* array-kernels.h: the kernels and shape functions of the array op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "../op-messages.h"

G_BEGIN_DECLS

gboolean array_shape_reshape   (GraftShapeContext *ctx, GError **error);
gboolean array_shape_transpose (GraftShapeContext *ctx, GError **error);
gboolean array_shape_fill      (GraftShapeContext *ctx, GError **error);
gboolean array_shape_argmax    (GraftShapeContext *ctx, GError **error);

void array_reshape    (GraftKernel *k, const GraftTensor *tensor, const gint64 *shape, gsize n_shape,
                       GraftTensor *output);
void array_transpose  (GraftKernel *k, const GraftTensor *x, const gint64 *perm, gsize n_perm, GraftTensor *y);
void array_fill       (GraftKernel *k, const GraftTensor *value, const gint64 *dims, gsize n_dims,
                       GraftTensor *output);
void array_zeros_like (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void array_ones_like  (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void array_argmax     (GraftKernel *k, const GraftTensor *input, gint64 axis, GraftDType output_type,
                       GraftTensor *output);

G_END_DECLS
