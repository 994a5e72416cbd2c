/* graft-dtype.h: element types.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION) && !defined (__GRAFT_PLUGIN_H_INSIDE__)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

GRAFT_AVAILABLE_IN_ALL
const char *graft_dtype_get_name     (GraftDType dtype);
GRAFT_AVAILABLE_IN_ALL
GraftDType  graft_dtype_from_name    (const char *name);
GRAFT_AVAILABLE_IN_ALL
gsize       graft_dtype_get_size     (GraftDType dtype);
GRAFT_AVAILABLE_IN_ALL
gboolean    graft_dtype_is_floating  (GraftDType dtype);
GRAFT_AVAILABLE_IN_ALL
gboolean    graft_dtype_is_integer   (GraftDType dtype);
GRAFT_AVAILABLE_IN_ALL
gboolean    graft_dtype_is_unsigned  (GraftDType dtype);
GRAFT_AVAILABLE_IN_ALL
gboolean    graft_dtype_is_complex   (GraftDType dtype);
GRAFT_AVAILABLE_IN_ALL
char       *graft_dtype_to_string    (GraftDType dtype);

GRAFT_AVAILABLE_IN_ALL
float       graft_half_to_float      (guint16 bits);
GRAFT_AVAILABLE_IN_ALL
guint16     graft_float_to_half      (float   value);
GRAFT_AVAILABLE_IN_ALL
float       graft_bfloat16_to_float  (guint16 bits);
GRAFT_AVAILABLE_IN_ALL
guint16     graft_float_to_bfloat16  (float   value);
GRAFT_AVAILABLE_IN_ALL
void        graft_dtype_widen_to_float   (GraftDType     dtype,
                                          gconstpointer  in,
                                          float         *out,
                                          gsize          n);
GRAFT_AVAILABLE_IN_ALL
void        graft_dtype_narrow_from_float (GraftDType    dtype,
                                           const float  *in,
                                           gpointer      out,
                                           gsize         n);

G_END_DECLS
