/* reduce-kernels.h: the kernels of the reduce op family and what they
 * share: the shape function, the axis check and the walk over the input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "../op-messages.h"

G_BEGIN_DECLS

/* Called for each stretch of `len` consecutive input elements starting at
 * `in_offset` (in elements). When `reduced`, all of them fold into the
 * output element at `out_offset`; otherwise element i goes to
 * `out_offset + i`. */
typedef void (*ReduceRunFunc) (gpointer user_data,
                               gsize    in_offset,
                               gsize    out_offset,
                               gsize    len,
                               gboolean reduced);

gboolean reduce_shape          (GraftShapeContext *ctx, GError **error);
gboolean reduce_resolve_axes   (GraftKernel *k, const GraftTensor *input, const gint64 *axis, gsize n_axis,
                                gboolean *reduced);
void     reduce_walk           (const GraftTensor *input, const gboolean *reduced, ReduceRunFunc run,
                                gpointer user_data);
void     reduce_accumulate_sum (const GraftTensor *input, const gboolean *reduced, double *accf, guint64 *acci);

void reduce_sum  (GraftKernel *k, const GraftTensor *input, const gint64 *axis, gsize n_axis, gboolean keep_dims,
                  GraftTensor *output);
void reduce_mean (GraftKernel *k, const GraftTensor *input, const gint64 *axis, gsize n_axis, gboolean keep_dims,
                  GraftTensor *output);
void reduce_max  (GraftKernel *k, const GraftTensor *input, const gint64 *axis, gsize n_axis, gboolean keep_dims,
                  GraftTensor *output);

G_END_DECLS
