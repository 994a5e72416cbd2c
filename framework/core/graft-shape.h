/* graft-shape.h: tensor shapes with unknown dimensions and unknown rank.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION) && !defined (__GRAFT_PLUGIN_H_INSIDE__)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GRAFT_DIM_UNKNOWN:
 *
 * The value of a dimension whose size is not known (TensorFlow's `None`).
 */
#define GRAFT_DIM_UNKNOWN ((gint64) -1)

/**
 * GRAFT_RANK_UNKNOWN:
 *
 * The rank of a shape about which nothing is known.
 */
#define GRAFT_RANK_UNKNOWN (-1)

#define GRAFT_TYPE_SHAPE (graft_shape_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType        graft_shape_get_type            (void) G_GNUC_CONST;

GRAFT_AVAILABLE_IN_ALL
GraftShape  *graft_shape_new                 (const gint64     *dims,
                                              guint             rank);
GRAFT_AVAILABLE_IN_ALL
GraftShape  *graft_shape_new_unknown         (void);
GRAFT_AVAILABLE_IN_ALL
GraftShape  *graft_shape_new_scalar          (void);
GRAFT_AVAILABLE_IN_ALL
GraftShape  *graft_shape_new_vector          (gint64            n);
GRAFT_AVAILABLE_IN_ALL
GraftShape  *graft_shape_new_matrix          (gint64            rows,
                                              gint64            cols);
GRAFT_AVAILABLE_IN_ALL
GraftShape  *graft_shape_ref                 (GraftShape       *shape);
GRAFT_AVAILABLE_IN_ALL
void         graft_shape_unref               (GraftShape       *shape);

GRAFT_AVAILABLE_IN_ALL
gint         graft_shape_get_rank            (const GraftShape *shape);
GRAFT_AVAILABLE_IN_ALL
gint64       graft_shape_get_dim             (const GraftShape *shape,
                                              guint             axis);
GRAFT_AVAILABLE_IN_ALL
const gint64 *graft_shape_get_dims           (const GraftShape *shape,
                                              guint            *n_dims);
GRAFT_AVAILABLE_IN_ALL
gboolean     graft_shape_is_fully_defined    (const GraftShape *shape);
GRAFT_AVAILABLE_IN_ALL
gint64       graft_shape_get_num_elements    (const GraftShape *shape);
GRAFT_AVAILABLE_IN_ALL
gboolean     graft_shape_is_compatible_with  (const GraftShape *shape,
                                              const GraftShape *other);
GRAFT_AVAILABLE_IN_ALL
gboolean     graft_shape_equal               (const GraftShape *shape,
                                              const GraftShape *other);
GRAFT_AVAILABLE_IN_ALL
char        *graft_shape_to_string           (const GraftShape *shape);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftShape, graft_shape_unref)

G_END_DECLS
