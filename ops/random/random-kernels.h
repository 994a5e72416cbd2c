/* random-kernels.h: the kernels and shape functions of the random op
 * family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

gboolean random_shape_from_attr (GraftShapeContext *ctx, GError **error);
gboolean random_shape_uniform_int (GraftShapeContext *ctx, GError **error);

void random_uniform          (GraftKernel *k, const GraftShape *shape, GraftDType dtype, GraftTensor *output);
void random_standard_normal  (GraftKernel *k, const GraftShape *shape, GraftDType dtype, GraftTensor *output);
void random_truncated_normal (GraftKernel *k, const GraftShape *shape, GraftDType dtype, GraftTensor *output);
void random_uniform_int      (GraftKernel *k, const GraftShape *shape, gint64 minval, gint64 maxval,
                              GraftDType dtype, GraftTensor *output);

G_END_DECLS
