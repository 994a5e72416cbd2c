/* graft-registry-private.h: the registry layer, inside: definitions, the
 * plugin loader, the registry of ops and initializers, kernel calls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-op-def-private.h"
#include "graft-kernel-private.h"
#include "graft-registry.h"

G_BEGIN_DECLS

struct _GraftRegistry {
  GObject parent_instance;

  /* Definitions are only ever added (plugins stay resident), so a pointer
   * handed out once stays valid for the life of the process. */
  GRWLock lock;
  GHashTable *ops;              /* name → GraftOpDef (owned) */
  GHashTable *initializers;     /* name → GraftOpDef (owned) */
  GPtrArray *plugins;           /* GraftPlugin, in load order */
  GPtrArray *extra_dirs;        /* from graft_registry_add_plugin_dir */
  GHashTable *scanned_files;    /* canonical file names already tried */
  /* Serialises loading. Recursive, because a plugin's init may load
   * another plugin or look a definition up on the thread that is loading
   * it: that must never deadlock. */
  GRecMutex load_lock;
  gboolean scanning;            /* under load_lock: the path scan is running */
  gint loaded;                  /* atomic: the search path was scanned */
  GHashTable *cache;            /* under load_lock: canonical file → (size, mtime, verdict) */
  gboolean cache_dirty;         /* under load_lock: cache has verdicts not yet written */
  GHashTable *gradients;        /* under lock: op type → GraftGradEntry (owned) */
};

struct _GraftPlugin {
  GObject parent_instance;
  GraftRegistry *registry;      /* not a reference: the registry is global */
  char *filename;
  char *name;
  char *version;
  char *description;
  char *license;
  GraftPluginStatus status;
  gboolean own;                 /* loaded from Graft's own plugin directory */
  GPtrArray *errors;            /* GError */
  GPtrArray *defs;              /* GraftOpDef, borrowed from the registry */
  GPtrArray *retired;           /* GraftOpDef unregistered after init failed */
  GModule *module;
};

/* What a module file says about itself before it is opened
 * (graft-plugin-elf.c). */
typedef struct {
  gboolean has_note;            /* it has a Graft note (ABI 2 and later) */
  guint32 abi_version;          /* from the note */
  guint32 desc_size;            /* from the note */
} GraftPluginElf;

gboolean     _graft_plugin_read_elf     (const char *file, GraftPluginElf *facts, GError **error);

gboolean     _graft_registry_is_own_dir (const char *dir);
gboolean     _graft_registry_running_from_build_tree (void);
gboolean     _graft_plugin_scan         (GraftPlugin *plugin);
void         _graft_registry_flush_cache (GraftRegistry *registry);
/* The body of the graft-plugin-scanner program (graft-registry-scan.c):
 * exported for it alone, in no public header. */
GRAFT_AVAILABLE_IN_ALL
int          _graft_plugin_scanner_main (int argc, char **argv);
GraftPlugin *_graft_plugin_new          (GraftRegistry *registry, const char *filename);
void         _graft_plugin_add_error    (GraftPlugin *plugin, const GError *error);
gboolean     _graft_registry_add_def    (GraftRegistry *registry, GraftPlugin *plugin,
                                         GraftOpKind kind, const GraftOpInfo *info,
                                         GClosure *closure, GError **error);
void         _graft_registry_remove_plugin_defs (GraftRegistry *registry, GraftPlugin *plugin);
GraftPlugin *_graft_registry_app_plugin (GraftRegistry *registry);
void         _graft_plugin_load_file    (GraftPlugin *plugin);
void         _graft_registry_invalidate_caches (void);

/* A registered gradient (graft-gradient-registry.c): a plugin's function,
 * a binding's callback, or neither for an op that is not differentiable. */
typedef struct {
  GraftGradientFunc func;
  GraftGradientCallback callback;
  gpointer user_data;
  GDestroyNotify notify;
  const char *plugin_name;      /* not owned: plugins live as long */
} GraftGradEntry;

/* What a GraftGradContext holds, filled by graft_gradients() for each op. */
typedef struct {
  GraftGraph *graph;
  GraftOutput *op;
  guint n_inputs;
  guint n_outputs;
  GraftOutput **inputs;
  GraftOutput **outputs;
  GraftOutput **grads;          /* per output */
  GraftOutput **input_grads;    /* per input, set by the function */
} GraftGradFrame;

const GraftGradEntry *_graft_registry_lookup_gradient (GraftRegistry *registry, const char *op_type);
GraftGradContext *_graft_grad_context_new   (void);
GraftGradFrame   *_graft_grad_context_frame (GraftGradContext *ctx);

G_END_DECLS
