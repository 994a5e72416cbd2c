/* graft-initializer.h: how a new variable gets its first value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_INITIALIZER (graft_initializer_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftInitializer, graft_initializer, GRAFT, INITIALIZER, GObject)

GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_initializer_new          (const char       *name,
                                                  GVariant         *attrs);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_initializer_new_seeded   (const char       *name,
                                                  GVariant         *attrs,
                                                  gint64            seed);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_initializer_new_value    (GraftTensor      *value);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_initializer_new_zeros    (void);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_initializer_new_ones     (void);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_initializer_new_constant (double            value);

GRAFT_AVAILABLE_IN_ALL
const char       *graft_initializer_get_name     (GraftInitializer *initializer);
GRAFT_AVAILABLE_IN_ALL
GVariant         *graft_initializer_get_attrs    (GraftInitializer *initializer);
GRAFT_AVAILABLE_IN_ALL
gboolean          graft_initializer_get_seed     (GraftInitializer *initializer,
                                                  gint64           *seed);
GRAFT_AVAILABLE_IN_ALL
gboolean          graft_initializer_is_value     (GraftInitializer *initializer);
GRAFT_AVAILABLE_IN_ALL
GraftTensor      *graft_initializer_get_value    (GraftInitializer *initializer);

G_END_DECLS
