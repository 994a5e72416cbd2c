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
char       *graft_dtype_to_string    (GraftDType dtype);

G_END_DECLS
