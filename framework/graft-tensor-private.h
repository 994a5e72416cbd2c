/* graft-tensor-private.h: the layout of a tensor, for the session and ops.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-private.h"

G_BEGIN_DECLS

struct _GraftTensor {
  gint ref_count;
  GraftDType dtype;
  GraftShape *shape;
  gsize n_elements;
  gsize n_bytes;
  guint8 *data;                 /* inside `bytes`, or lent by a session run */
  GBytes *bytes;                /* owns `data`; NULL while data is lent */
};

GraftTensor *_graft_tensor_new_uninitialized (GraftDType dtype, GraftShape *shape);
gboolean     _graft_tensor_check_shape       (GraftDType dtype, const GraftShape *shape,
                                              gsize *n_elements, GError **error);

G_END_DECLS
