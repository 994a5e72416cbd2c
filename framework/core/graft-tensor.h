/* graft-tensor.h: immutable n-dimensional values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION) && !defined (__GRAFT_PLUGIN_H_INSIDE__)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_TENSOR (graft_tensor_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType          graft_tensor_get_type          (void) G_GNUC_CONST;

GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new               (GraftDType        dtype,
                                               const GraftShape *shape,
                                               GBytes           *bytes,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_zeros         (GraftDType        dtype,
                                               const GraftShape *shape,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_from_data     (GraftDType        dtype,
                                               const GraftShape *shape,
                                               gconstpointer     data,
                                               gsize             size,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_from_floats   (const float      *values,
                                               gsize             n_values,
                                               const GraftShape *shape,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_from_doubles  (const double     *values,
                                               gsize             n_values,
                                               const GraftShape *shape,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_from_int32s   (const gint32     *values,
                                               gsize             n_values,
                                               const GraftShape *shape,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_from_int64s   (const gint64     *values,
                                               gsize             n_values,
                                               const GraftShape *shape,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_from_bools    (const gboolean   *values,
                                               gsize             n_values,
                                               const GraftShape *shape,
                                               GError          **error);
GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_new_scalar        (GraftDType        dtype,
                                               double            value);

GRAFT_AVAILABLE_IN_ALL
GraftTensor   *graft_tensor_ref               (GraftTensor      *tensor);
GRAFT_AVAILABLE_IN_ALL
void           graft_tensor_unref             (GraftTensor      *tensor);

GRAFT_AVAILABLE_IN_ALL
GraftDType     graft_tensor_get_dtype         (const GraftTensor *tensor);
GRAFT_AVAILABLE_IN_ALL
GraftShape    *graft_tensor_get_shape         (const GraftTensor *tensor);
GRAFT_AVAILABLE_IN_ALL
gint           graft_tensor_get_rank          (const GraftTensor *tensor);
GRAFT_AVAILABLE_IN_ALL
const gint64  *graft_tensor_get_dims          (const GraftTensor *tensor,
                                               guint             *rank);
GRAFT_AVAILABLE_IN_ALL
gsize          graft_tensor_get_num_elements  (const GraftTensor *tensor);
GRAFT_AVAILABLE_IN_ALL
gconstpointer  graft_tensor_get_data          (const GraftTensor *tensor,
                                               gsize             *size);
GRAFT_AVAILABLE_IN_ALL
GBytes        *graft_tensor_get_bytes         (const GraftTensor *tensor);
GRAFT_AVAILABLE_IN_ALL
const float   *graft_tensor_get_floats        (const GraftTensor *tensor,
                                               gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
const double  *graft_tensor_get_doubles       (const GraftTensor *tensor,
                                               gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
const gint32  *graft_tensor_get_int32s        (const GraftTensor *tensor,
                                               gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
const gint64  *graft_tensor_get_int64s        (const GraftTensor *tensor,
                                               gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
double         graft_tensor_get_double        (const GraftTensor *tensor,
                                               gsize              index);
GRAFT_AVAILABLE_IN_ALL
double        *graft_tensor_dup_doubles       (const GraftTensor *tensor,
                                               gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
gboolean       graft_tensor_equal             (const GraftTensor *tensor,
                                               const GraftTensor *other);
GRAFT_AVAILABLE_IN_ALL
char          *graft_tensor_to_string         (const GraftTensor *tensor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftTensor, graft_tensor_unref)

G_END_DECLS
