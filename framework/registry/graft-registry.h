/* graft-registry.h: the op and initializer definitions, and the plugins
 * that provided them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"
#include "graft-op-def.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_REGISTRY (graft_registry_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftRegistry, graft_registry, GRAFT, REGISTRY, GObject)

typedef struct _GraftPlugin GraftPlugin;
typedef struct _GraftGradContext GraftGradContext;

/**
 * GraftGradientCallback:
 * @ctx: the op being differentiated
 * @user_data: the data given at registration
 * @error: return location for a #GError
 *
 * A #GraftGradientFunc with data, for bindings
 * (graft_registry_register_gradient()).
 *
 * Returns: %FALSE with @error set when the gradient cannot be built
 */
typedef gboolean (*GraftGradientCallback) (GraftGradContext *ctx,
                                           gpointer          user_data,
                                           GError          **error);


GRAFT_AVAILABLE_IN_ALL
GraftRegistry     *graft_registry_get_default       (void);
GRAFT_AVAILABLE_IN_ALL
void               graft_registry_add_plugin_dir    (GraftRegistry *registry,
                                                     const char    *dir);
GRAFT_AVAILABLE_IN_ALL
GraftPlugin       *graft_registry_load_plugin       (GraftRegistry *registry,
                                                     const char    *filename,
                                                     GError       **error);
GRAFT_AVAILABLE_IN_ALL
void               graft_registry_ensure_loaded     (GraftRegistry *registry);
GRAFT_AVAILABLE_IN_ALL
char             **graft_registry_get_plugin_path   (GraftRegistry *registry);
GRAFT_AVAILABLE_IN_ALL
const GraftOpDef  *graft_registry_lookup_op         (GraftRegistry *registry,
                                                     const char    *name);
GRAFT_AVAILABLE_IN_ALL
const GraftOpDef  *graft_registry_lookup_initializer (GraftRegistry *registry,
                                                      const char    *name);
GRAFT_AVAILABLE_IN_ALL
const GraftOpDef **graft_registry_list_ops          (GraftRegistry *registry,
                                                     guint         *n_defs);
GRAFT_AVAILABLE_IN_ALL
const GraftOpDef **graft_registry_list_initializers (GraftRegistry *registry,
                                                     guint         *n_defs);
GRAFT_AVAILABLE_IN_ALL
GraftPlugin      **graft_registry_list_plugins      (GraftRegistry *registry,
                                                     guint         *n_plugins);
GRAFT_AVAILABLE_IN_ALL
GraftPlugin       *graft_registry_get_plugin        (GraftRegistry *registry,
                                                     const char    *name);

GRAFT_AVAILABLE_IN_ALL
gboolean           graft_registry_register_op_closure (GraftRegistry *registry,
                                                       const char    *name,
                                                       const char    *signature,
                                                       const char    *summary,
                                                       GClosure      *kernel,
                                                       GError       **error);
GRAFT_AVAILABLE_IN_ALL
gboolean           graft_registry_register_initializer_closure (GraftRegistry *registry,
                                                                const char    *name,
                                                                const char    *signature,
                                                                const char    *summary,
                                                                GClosure      *kernel,
                                                                GError       **error);
GRAFT_AVAILABLE_IN_ALL
gboolean           graft_registry_register_gradient (GraftRegistry        *registry,
                                                     const char           *op_type,
                                                     GraftGradientCallback func,
                                                     gpointer              user_data,
                                                     GDestroyNotify        notify,
                                                     GError              **error);

G_END_DECLS
