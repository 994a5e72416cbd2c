/* core-kernels.h: shape functions and kernels of the core ops.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

gboolean core_shape_const         (GraftShapeContext *ctx, GError **error);
gboolean core_shape_placeholder   (GraftShapeContext *ctx, GError **error);
gboolean core_shape_variable      (GraftShapeContext *ctx, GError **error);
gboolean core_shape_assign        (GraftShapeContext *ctx, GError **error);
gboolean core_shape_assign_update (GraftShapeContext *ctx, GError **error);

void     core_identity            (GraftKernel *k, const GraftTensor *input, GraftTensor *output);

G_END_DECLS
