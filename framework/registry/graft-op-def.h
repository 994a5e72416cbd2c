/* graft-op-def.h: op and initializer definitions, as registered by plugins.
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
 * GraftAttrKind:
 * @GRAFT_ATTR_BOOL: `bool`, passed to kernels as #gboolean
 * @GRAFT_ATTR_INT: `int`, passed as #gint64
 * @GRAFT_ATTR_FLOAT: `float`, passed as `double`
 * @GRAFT_ATTR_STRING: `string`, passed as `const char *`
 * @GRAFT_ATTR_TYPE: `type`, a dtype, passed as #GraftDType
 * @GRAFT_ATTR_SHAPE: `shape`, passed as `const GraftShape *`
 * @GRAFT_ATTR_TENSOR: `tensor`, passed as `const GraftTensor *`
 * @GRAFT_ATTR_INT_LIST: `list(int)`, passed as `const gint64 *` and #gsize
 * @GRAFT_ATTR_FLOAT_LIST: `list(float)`, passed as `const double *` and #gsize
 *
 * The kind of an attribute in an op signature, and the C argument(s) its
 * value becomes in a kernel call.
 */
typedef enum {
  GRAFT_ATTR_BOOL,
  GRAFT_ATTR_INT,
  GRAFT_ATTR_FLOAT,
  GRAFT_ATTR_STRING,
  GRAFT_ATTR_TYPE,
  GRAFT_ATTR_SHAPE,
  GRAFT_ATTR_TENSOR,
  GRAFT_ATTR_INT_LIST,
  GRAFT_ATTR_FLOAT_LIST,
} GraftAttrKind;

/**
 * GraftOpKind:
 * @GRAFT_OP_KIND_OP: an op, made with a #GraftOpBuilder
 * @GRAFT_OP_KIND_INITIALIZER: an initializer, used through a
 *   #GraftInitializer; it has no inputs and one output whose dtype and shape
 *   are the variable's
 *
 * What a definition is.
 */
typedef enum {
  GRAFT_OP_KIND_OP,
  GRAFT_OP_KIND_INITIALIZER,
} GraftOpKind;

GRAFT_AVAILABLE_IN_ALL
const char  *graft_attr_kind_get_name       (GraftAttrKind     kind);

#define GRAFT_TYPE_OP_DEF (graft_op_def_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType        graft_op_def_get_type          (void) G_GNUC_CONST;

GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_name          (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
GraftOpKind  graft_op_def_get_kind          (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_signature     (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_summary       (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_default_name  (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_plugin_name   (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
guint        graft_op_def_get_num_inputs    (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_input_name    (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
GraftDType   graft_op_def_get_input_dtype   (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
gint         graft_op_def_get_input_type_attr (const GraftOpDef *def,
                                               guint             index);
GRAFT_AVAILABLE_IN_ALL
gint         graft_op_def_get_input_number_attr (const GraftOpDef *def,
                                                 guint             index);
GRAFT_AVAILABLE_IN_ALL
guint        graft_op_def_get_num_outputs   (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_output_name   (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
GraftDType   graft_op_def_get_output_dtype  (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
gint         graft_op_def_get_output_type_attr (const GraftOpDef *def,
                                                guint             index);
GRAFT_AVAILABLE_IN_ALL
guint        graft_op_def_get_num_attrs     (const GraftOpDef *def);
GRAFT_AVAILABLE_IN_ALL
const char  *graft_op_def_get_attr_name     (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
GraftAttrKind graft_op_def_get_attr_kind    (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
char        *graft_op_def_get_attr_default  (const GraftOpDef *def,
                                             guint             index);
GRAFT_AVAILABLE_IN_ALL
GraftDType  *graft_op_def_get_attr_allowed_dtypes (const GraftOpDef *def,
                                                   guint             index,
                                                   guint            *n_dtypes);
GRAFT_AVAILABLE_IN_ALL
gboolean     graft_op_def_is_attr_inferred  (const GraftOpDef *def,
                                             guint             index);

G_END_DECLS
