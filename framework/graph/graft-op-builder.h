/* graft-op-builder.h: making ops: new → add inputs → set attributes → finish.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_OP_BUILDER (graft_op_builder_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType           graft_op_builder_get_type        (void) G_GNUC_CONST;

GRAFT_AVAILABLE_IN_ALL
GraftOpBuilder *graft_op_builder_new             (GraftGraph        *graph,
                                                  const char        *op_type,
                                                  const char        *name);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_free            (GraftOpBuilder    *builder);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_add_input       (GraftOpBuilder    *builder,
                                                  GraftOutput       *input);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_add_control_input (GraftOpBuilder  *builder,
                                                    GraftOutput     *op);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_bool   (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  gboolean           value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_int    (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  gint64             value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_float  (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  double             value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_string (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  const char        *value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_type   (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  GraftDType         value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_shape  (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  GraftShape        *value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_tensor (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  GraftTensor       *value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_ints   (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  const gint64      *values,
                                                  gsize              n_values);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_floats (GraftOpBuilder    *builder,
                                                  const char        *name,
                                                  const double      *values,
                                                  gsize              n_values);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_attr_variant (GraftOpBuilder   *builder,
                                                   const char       *name,
                                                   GVariant         *value);
GRAFT_AVAILABLE_IN_ALL
void            graft_op_builder_set_seed        (GraftOpBuilder    *builder,
                                                  gint64             seed);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_op_builder_finish          (GraftOpBuilder    *builder,
                                                  GError           **error);

GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_graph_add_op               (GraftGraph        *graph,
                                                  const char        *op_type,
                                                  const char        *name,
                                                  GraftOutput      **inputs,
                                                  guint              n_inputs,
                                                  GError           **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_graph_create_op            (GraftGraph        *graph,
                                                  const char        *op_type,
                                                  const char        *name,
                                                  GraftOutput      **inputs,
                                                  guint              n_inputs,
                                                  const char       **attr_names,
                                                  const GValue      *attr_values,
                                                  guint              n_attrs,
                                                  GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftOpBuilder, graft_op_builder_free)

G_END_DECLS
