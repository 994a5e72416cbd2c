/* graft-registry.c: the op and initializer definitions, and the plugins
 * that provided them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* dladdr() and realpath() */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include "graft-registry-private.h"

/**
 * GraftRegistry:
 *
 * The process-wide table of op and initializer definitions. It fills
 * itself, once and lazily, the first time anything looks a definition up:
 * it loads every module in `GRAFT_PLUGIN_PATH` (colon-separated), then in
 * the directories added with graft_registry_add_plugin_dir(), then in
 * `$libdir/graft-1.0/plugins`. Graft's own ops and initializers are
 * plugins found the same way. A module that fails to load is recorded with
 * its reason and never stops the others.
 */
G_DEFINE_FINAL_TYPE (GraftRegistry, graft_registry, G_TYPE_OBJECT)

static void
graft_registry_finalize (GObject *object)
{
  GraftRegistry *self = GRAFT_REGISTRY (object);

  g_hash_table_unref (self->ops);
  g_hash_table_unref (self->initializers);
  g_ptr_array_unref (self->plugins);
  g_ptr_array_unref (self->extra_dirs);
  g_hash_table_unref (self->scanned_files);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->gradients, g_hash_table_unref);
  g_rw_lock_clear (&self->lock);
  g_rec_mutex_clear (&self->load_lock);
  G_OBJECT_CLASS (graft_registry_parent_class)->finalize (object);
}

static void
graft_registry_class_init (GraftRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_registry_finalize;
}

static void
graft_registry_init (GraftRegistry *self)
{
  extern gboolean _graft_force_ffi;

  _graft_force_ffi = g_strcmp0 (g_getenv ("GRAFT_FFI"), "always") == 0;
  g_rw_lock_init (&self->lock);
  g_rec_mutex_init (&self->load_lock);
  self->ops = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _graft_op_def_free);
  self->initializers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _graft_op_def_free);
  self->plugins = g_ptr_array_new_with_free_func (g_object_unref);
  self->extra_dirs = g_ptr_array_new_with_free_func (g_free);
  self->scanned_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * graft_registry_get_default:
 *
 * Returns: (transfer none): the process-wide registry
 */
GraftRegistry *
graft_registry_get_default (void)
{
  static GraftRegistry *registry;

  if (g_once_init_enter (&registry))
    g_once_init_leave (&registry, g_object_new (GRAFT_TYPE_REGISTRY, NULL));
  return registry;
}

/* Where the library itself was loaded from. When it runs from its own build
 * tree (tests, examples, `meson devenv`), its plugins are there too rather
 * than in the install directory. */
gboolean
_graft_registry_running_from_build_tree (void)
{
#ifdef GRAFT_BUILD_LIBDIR
  Dl_info info;
  g_autofree char *dir = NULL, *real_dir = NULL, *real_build = NULL;

  if (dladdr ((void *) graft_registry_get_default, &info) == 0 || info.dli_fname == NULL)
    return FALSE;
  dir = g_path_get_dirname (info.dli_fname);
  real_dir = realpath (dir, NULL);
  real_build = realpath (GRAFT_BUILD_LIBDIR, NULL);
  return real_dir != NULL && real_build != NULL && strcmp (real_dir, real_build) == 0;
#else
  return FALSE;
#endif
}

/* Graft's own plugin directories: the installed one and the ops/ and
 * plugins/ folders of the build tree this library was built in (whether
 * or not it runs from there: the white-box suites link its objects into
 * their own executables; on a machine without that tree they match
 * nothing). Modules
 * there are Graft's own ops and initializers; they alone may take names
 * without a namespace. What decides is where the module file lies (after
 * symbolic links are resolved), not what its descriptor claims: a
 * descriptor is written by whoever built the module. */
gboolean
_graft_registry_is_own_dir (const char *dir)
{
  g_autofree char *real = realpath (dir, NULL);
  gboolean own = FALSE;

  if (real == NULL)
    return FALSE;
  {
    g_autofree char *installed = realpath (GRAFT_PLUGINDIR, NULL);
    own = installed != NULL && strcmp (installed, real) == 0;
  }
  if (!own)
    {
      g_auto(GStrv) parts = g_strsplit (GRAFT_BUILD_PLUGIN_PATH, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; parts[i] != NULL && !own; i++)
        {
          g_autofree char *build = realpath (parts[i], NULL);
          own = build != NULL && strcmp (build, real) == 0;
        }
    }
  return own;
}

/**
 * graft_registry_get_plugin_path:
 * @registry: a #GraftRegistry
 *
 * Returns: (transfer full) (array zero-terminated=1): the directories
 *   searched for plugins, in order
 */
char **
graft_registry_get_plugin_path (GraftRegistry *registry)
{
  GPtrArray *dirs;
  const char *env;

  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);

  dirs = g_ptr_array_new ();
  env = g_getenv ("GRAFT_PLUGIN_PATH");
  if (env != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          g_ptr_array_add (dirs, g_strdup (parts[i]));
    }
  g_rw_lock_reader_lock (&registry->lock);
  for (guint i = 0; i < registry->extra_dirs->len; i++)
    g_ptr_array_add (dirs, g_strdup (g_ptr_array_index (registry->extra_dirs, i)));
  g_rw_lock_reader_unlock (&registry->lock);
  if (_graft_registry_running_from_build_tree ())
    {
      g_auto(GStrv) parts = g_strsplit (GRAFT_BUILD_PLUGIN_PATH, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        g_ptr_array_add (dirs, g_strdup (parts[i]));
    }
  else
    g_ptr_array_add (dirs, g_strdup (GRAFT_PLUGINDIR));
  g_ptr_array_add (dirs, NULL);
  return (char **) g_ptr_array_free (dirs, FALSE);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Loads every module of `dir` not tried before, in name order so that
 * "first wins" is reproducible. Caller holds load_lock. */
static void
scan_dir (GraftRegistry *registry,
          const char    *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  if (d == NULL)
    return;
  while ((entry = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (entry, "." G_MODULE_SUFFIX))
      g_ptr_array_add (files, g_build_filename (dir, entry, NULL));
  g_ptr_array_sort (files, compare_names);

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *canon = realpath (file, NULL);
      GraftPlugin *plugin;

      if (canon == NULL)
        canon = g_strdup (file);
      /* The same directory may appear twice in the path. */
      if (g_hash_table_contains (registry->scanned_files, canon))
        continue;
      g_hash_table_add (registry->scanned_files, g_steal_pointer (&canon));

      plugin = _graft_plugin_new (registry, file);
      g_rw_lock_writer_lock (&registry->lock);
      g_ptr_array_add (registry->plugins, plugin);
      g_rw_lock_writer_unlock (&registry->lock);
      /* Opened here only if the scanner (or its cached verdict) says it
       * loads; otherwise the record holds the scanner's reason. */
      if (_graft_plugin_scan (plugin))
        _graft_plugin_load_file (plugin);
    }
}

/**
 * graft_registry_ensure_loaded:
 * @registry: a #GraftRegistry
 *
 * Loads the plugins of the search path if that has not happened yet. Every
 * look-up does this by itself; call it to load at a moment of your choice.
 */
void
graft_registry_ensure_loaded (GraftRegistry *registry)
{
  g_auto(GStrv) dirs = NULL;

  g_return_if_fail (GRAFT_IS_REGISTRY (registry));

  if (G_LIKELY (g_atomic_int_get (&registry->loaded)))
    return;
  g_rec_mutex_lock (&registry->load_lock);
  /* `scanning` set while this thread holds the lock means a plugin's init
   * (or a scan it caused) asked again: it sees what has registered so far
   * rather than waiting on itself. Other threads wait on the lock. */
  if (!g_atomic_int_get (&registry->loaded) && !registry->scanning)
    {
      registry->scanning = TRUE;
      dirs = graft_registry_get_plugin_path (registry);
      /* Graft's own directories first, wherever they are on the path:
       * the names without a namespace are theirs, and a third-party
       * module that claims one then meets their definition and is
       * refused by name. Among the others, the path's order holds. */
      for (guint i = 0; dirs[i] != NULL; i++)
        if (_graft_registry_is_own_dir (dirs[i]))
          scan_dir (registry, dirs[i]);
      for (guint i = 0; dirs[i] != NULL; i++)
        if (!_graft_registry_is_own_dir (dirs[i]))
          scan_dir (registry, dirs[i]);
      _graft_registry_flush_cache (registry);
      registry->scanning = FALSE;
      g_atomic_int_set (&registry->loaded, TRUE);
    }
  g_rec_mutex_unlock (&registry->load_lock);
}

/**
 * graft_registry_add_plugin_dir:
 * @registry: a #GraftRegistry
 * @dir: a directory holding plugin modules
 *
 * Adds @dir to the search path, after `GRAFT_PLUGIN_PATH` and before the
 * default directory. If the registry has already loaded, the modules of
 * @dir are loaded now.
 */
void
graft_registry_add_plugin_dir (GraftRegistry *registry,
                               const char    *dir)
{
  g_return_if_fail (GRAFT_IS_REGISTRY (registry));
  g_return_if_fail (dir != NULL);

  g_rec_mutex_lock (&registry->load_lock);
  g_rw_lock_writer_lock (&registry->lock);
  g_ptr_array_add (registry->extra_dirs, g_strdup (dir));
  g_rw_lock_writer_unlock (&registry->lock);
  if (g_atomic_int_get (&registry->loaded))
    {
      scan_dir (registry, dir);
      _graft_registry_flush_cache (registry);
    }
  g_rec_mutex_unlock (&registry->load_lock);
}

/**
 * graft_registry_load_plugin:
 * @registry: a #GraftRegistry
 * @filename: the path of a plugin module
 * @error: return location for a #GError
 *
 * Loads one module now, whatever the search path says. A module loaded
 * before is not loaded twice: its record is returned.
 *
 * Returns: (transfer none) (nullable): the plugin's record, or %NULL with
 *   @error set to the reason it failed (the record is kept and listed too)
 */
GraftPlugin *
graft_registry_load_plugin (GraftRegistry *registry,
                            const char    *filename,
                            GError       **error)
{
  g_autofree char *canon = NULL;
  GraftPlugin *plugin = NULL;

  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  graft_registry_ensure_loaded (registry);

  g_rec_mutex_lock (&registry->load_lock);
  canon = realpath (filename, NULL);
  if (canon == NULL)
    canon = g_strdup (filename);
  if (g_hash_table_contains (registry->scanned_files, canon))
    {
      g_rw_lock_reader_lock (&registry->lock);
      for (guint i = 0; i < registry->plugins->len; i++)
        {
          GraftPlugin *p = g_ptr_array_index (registry->plugins, i);
          g_autofree char *c = p->filename ? realpath (p->filename, NULL) : NULL;
          if (g_strcmp0 (c ? c : p->filename, canon) == 0)
            plugin = p;
        }
      g_rw_lock_reader_unlock (&registry->lock);
    }
  else
    {
      g_hash_table_add (registry->scanned_files, g_strdup (canon));
      plugin = _graft_plugin_new (registry, filename);
      g_rw_lock_writer_lock (&registry->lock);
      g_ptr_array_add (registry->plugins, plugin);
      g_rw_lock_writer_unlock (&registry->lock);
      if (_graft_plugin_scan (plugin))
        _graft_plugin_load_file (plugin);
      _graft_registry_flush_cache (registry);
    }
  g_rec_mutex_unlock (&registry->load_lock);

  if (plugin != NULL && plugin->status == GRAFT_PLUGIN_STATUS_FAILED)
    {
      g_propagate_error (error, g_error_copy (g_ptr_array_index (plugin->errors, 0)));
      return NULL;
    }
  return plugin;
}

static const GraftOpDef *
lookup (GraftRegistry *registry,
        GraftOpKind    kind,
        const char    *name)
{
  const GraftOpDef *def;

  graft_registry_ensure_loaded (registry);
  g_rw_lock_reader_lock (&registry->lock);
  def = g_hash_table_lookup (kind == GRAFT_OP_KIND_OP ? registry->ops : registry->initializers, name);
  g_rw_lock_reader_unlock (&registry->lock);
  return def;
}

const char *
_graft_registry_hint (GraftOpKind kind,
                      const char *name,
                      char       *buf,
                      gsize       size)
{
  GraftRegistry *registry = graft_registry_get_default ();
  gsize len = strlen (name);
  guint best = len >= 6 ? 3 : len >= 3 ? 2 : 1;   /* what counts as close */
  const char *found = NULL;
  GHashTableIter iter;
  gpointer key;

  graft_registry_ensure_loaded (registry);
  g_rw_lock_reader_lock (&registry->lock);
  g_hash_table_iter_init (&iter, kind == GRAFT_OP_KIND_OP ? registry->ops : registry->initializers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint d = g_ascii_strcasecmp (key, name) == 0 ? 0 : _graft_edit_distance (key, name);

      /* Ties go to the name that sorts first, so the hint is stable. */
      if (d < best || (d == best && found != NULL && strcmp (key, found) < 0))
        {
          best = d;
          found = key;
        }
    }
  if (found != NULL)
    g_snprintf (buf, size, " Did you mean '%s'?", found);
  else if (size > 0)
    buf[0] = '\0';
  g_rw_lock_reader_unlock (&registry->lock);
  return buf;
}

/* Builders look the same few types up over and over: each thread keeps
 * the last ones it found. Definitions never die, so a cached pointer stays
 * valid; a plugin whose init fails unregisters its definitions, which
 * bumps the generation and empties every cache. */
#define LOOKUP_CACHE 4

typedef struct {
  guint generation;
  GraftOpKind kind;
  const GraftOpDef *def;        /* def->name is the key */
} CachedDef;

static GRAFT_TLS CachedDef lookup_cache[LOOKUP_CACHE];
static GRAFT_TLS guint lookup_next;
static guint registry_generation = 1;

void
_graft_registry_invalidate_caches (void)
{
  g_atomic_int_inc (&registry_generation);
}

const GraftOpDef *
_graft_registry_lookup (GraftOpKind kind,
                        const char *name)
{
  guint generation = (guint) g_atomic_int_get (&registry_generation);
  const GraftOpDef *def;

  /* By characters, never by pointer: a binding's temporary string can
   * come back at the same address holding another name. */
  for (guint i = 0; i < LOOKUP_CACHE; i++)
    {
      CachedDef *c = &lookup_cache[i];
      if (c->generation == generation && c->kind == kind && strcmp (c->def->name, name) == 0)
        return c->def;
    }
  def = lookup (graft_registry_get_default (), kind, name);
  if (def != NULL)
    {
      CachedDef *c = &lookup_cache[lookup_next++ % LOOKUP_CACHE];
      c->generation = generation;
      c->kind = kind;
      c->def = def;
    }
  return def;
}

/**
 * graft_registry_lookup_op:
 * @registry: a #GraftRegistry
 * @name: an op type name, such as `MatMul`
 *
 * Returns: (transfer none) (nullable): the definition, or %NULL
 */
const GraftOpDef *
graft_registry_lookup_op (GraftRegistry *registry,
                          const char    *name)
{
  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return lookup (registry, GRAFT_OP_KIND_OP, name);
}

/**
 * graft_registry_lookup_initializer:
 * @registry: a #GraftRegistry
 * @name: an initializer name, such as `glorot_uniform`
 *
 * Returns: (transfer none) (nullable): the definition, or %NULL
 */
const GraftOpDef *
graft_registry_lookup_initializer (GraftRegistry *registry,
                                   const char    *name)
{
  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return lookup (registry, GRAFT_OP_KIND_INITIALIZER, name);
}

static gint
compare_defs (gconstpointer a,
              gconstpointer b)
{
  return strcmp ((*(GraftOpDef * const *) a)->name, (*(GraftOpDef * const *) b)->name);
}

static const GraftOpDef **
list_defs (GraftRegistry *registry,
           GHashTable    *table,
           guint         *n_defs)
{
  GPtrArray *out = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  graft_registry_ensure_loaded (registry);
  g_rw_lock_reader_lock (&registry->lock);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, value);
  g_rw_lock_reader_unlock (&registry->lock);
  g_ptr_array_sort (out, compare_defs);
  *n_defs = out->len;
  return (const GraftOpDef **) g_ptr_array_free (out, FALSE);
}

/**
 * graft_registry_list_ops:
 * @registry: a #GraftRegistry
 * @n_defs: (out): the number of definitions
 *
 * Returns: (array length=n_defs) (transfer container): every op
 *   definition, sorted by name
 */
const GraftOpDef **
graft_registry_list_ops (GraftRegistry *registry,
                         guint         *n_defs)
{
  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (n_defs != NULL, NULL);
  return list_defs (registry, registry->ops, n_defs);
}

/**
 * graft_registry_list_initializers:
 * @registry: a #GraftRegistry
 * @n_defs: (out): the number of definitions
 *
 * Returns: (array length=n_defs) (transfer container): every initializer
 *   definition, sorted by name
 */
const GraftOpDef **
graft_registry_list_initializers (GraftRegistry *registry,
                                  guint         *n_defs)
{
  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (n_defs != NULL, NULL);
  return list_defs (registry, registry->initializers, n_defs);
}

/**
 * graft_registry_list_plugins:
 * @registry: a #GraftRegistry
 * @n_plugins: (out): the number of plugins
 *
 * Lists every plugin file tried, loaded or failed, in load order.
 *
 * Returns: (array length=n_plugins) (transfer container): the records
 */
GraftPlugin **
graft_registry_list_plugins (GraftRegistry *registry,
                             guint         *n_plugins)
{
  GraftPlugin **out;

  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (n_plugins != NULL, NULL);

  graft_registry_ensure_loaded (registry);
  g_rw_lock_reader_lock (&registry->lock);
  out = g_new (GraftPlugin *, registry->plugins->len + 1);
  if (registry->plugins->len > 0)
    memcpy (out, registry->plugins->pdata, sizeof (gpointer) * registry->plugins->len);
  *n_plugins = registry->plugins->len;
  g_rw_lock_reader_unlock (&registry->lock);
  return out;
}

/**
 * graft_registry_get_plugin:
 * @registry: a #GraftRegistry
 * @name: a plugin name, as its descriptor gives it
 *
 * Returns: (transfer none) (nullable): the first plugin of that name
 */
GraftPlugin *
graft_registry_get_plugin (GraftRegistry *registry,
                           const char    *name)
{
  GraftPlugin *found = NULL;

  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  graft_registry_ensure_loaded (registry);
  g_rw_lock_reader_lock (&registry->lock);
  for (guint i = 0; i < registry->plugins->len && found == NULL; i++)
    {
      GraftPlugin *p = g_ptr_array_index (registry->plugins, i);
      if (g_strcmp0 (p->name, name) == 0)
        found = p;
    }
  g_rw_lock_reader_unlock (&registry->lock);
  return found;
}

/* Registers one definition on behalf of `plugin`. The first definition of a
 * name wins; a later one is refused with both plugins named. */
gboolean
_graft_registry_add_def (GraftRegistry     *registry,
                         GraftPlugin       *plugin,
                         GraftOpKind        kind,
                         const GraftOpInfo *info,
                         GClosure          *closure,
                         GError           **error)
{
  GraftOpDef *def, *existing;
  GHashTable *table;

  /* A floating closure is sunk whatever happens, as GLib's functions that
   * take closures do: a refused definition must not leak it. */
  if (closure != NULL)
    {
      g_closure_ref (closure);
      g_closure_sink (closure);
    }
  def = _graft_op_def_new (kind, info, plugin->name, error);
  if (def == NULL)
    {
      if (closure != NULL)
        g_closure_unref (closure);
      return FALSE;
    }
  if (closure != NULL && def->n_list_inputs > 0)
    {
      /* A binding's kernel receives one GValue per input; a list has no
       * such form yet. */
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "%s: ops whose kernel is a binding's function cannot take list inputs (N * T) yet: %s",
                   def->name, def->signature);
      _graft_op_def_free (def);
      g_closure_unref (closure);
      return FALSE;
    }
  if (closure != NULL)
    {
      def->closure = closure;
      if (G_CLOSURE_NEEDS_MARSHAL (closure))
        g_closure_set_marshal (closure, g_cclosure_marshal_generic);
    }

  table = kind == GRAFT_OP_KIND_OP ? registry->ops : registry->initializers;
  g_rw_lock_writer_lock (&registry->lock);
  existing = g_hash_table_lookup (table, def->name);
  /* A name without a namespace that Graft's own modules do not define is
   * still theirs to take: a third-party module may not. */
  if (existing == NULL && plugin->filename != NULL && !plugin->own && strchr (def->name, '.') == NULL)
    {
      g_rw_lock_writer_unlock (&registry->lock);
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "%s '%s' has no namespace: names without a '.' belong to Graft's own modules; "
                   "call it '%s.%s'", kind == GRAFT_OP_KIND_OP ? "Op" : "Initializer", def->name,
                   plugin->name ? plugin->name : "plugin", def->name);
      _graft_op_def_free (def);
      return FALSE;
    }
  if (existing == NULL)
    {
      g_hash_table_insert (table, def->name, def);
      g_ptr_array_add (plugin->defs, def);
    }
  g_rw_lock_writer_unlock (&registry->lock);

  if (existing != NULL)
    {
      GraftPlugin *owner = NULL;

      g_rw_lock_reader_lock (&registry->lock);
      for (guint i = 0; i < registry->plugins->len && owner == NULL; i++)
        {
          GraftPlugin *p = g_ptr_array_index (registry->plugins, i);
          if (p->defs != NULL && g_ptr_array_find (p->defs, existing, NULL))
            owner = p;
        }
      g_rw_lock_reader_unlock (&registry->lock);
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME,
                   "%s '%s' of plugin '%s' (%s) is already registered by plugin '%s' (%s); "
                   "the first one is kept",
                   kind == GRAFT_OP_KIND_OP ? "Op" : "Initializer", def->name,
                   plugin->name, plugin->filename ? plugin->filename : "in process",
                   owner ? owner->name : "?",
                   owner && owner->filename ? owner->filename : "in process");
      _graft_op_def_free (def);
      return FALSE;
    }
  return TRUE;
}

/* Unregisters everything a plugin whose init failed had registered. The
 * definitions themselves are kept (in `retired`) because another thread may
 * have looked one up in the meantime: handed-out definitions never die. */
void
_graft_registry_remove_plugin_defs (GraftRegistry *registry,
                                    GraftPlugin   *plugin)
{
  g_rw_lock_writer_lock (&registry->lock);
  for (guint i = 0; i < plugin->defs->len; i++)
    {
      GraftOpDef *def = g_ptr_array_index (plugin->defs, i);
      g_hash_table_steal (def->kind == GRAFT_OP_KIND_OP ? registry->ops : registry->initializers, def->name);
      g_ptr_array_add (plugin->retired, def);
    }
  g_ptr_array_set_size (plugin->defs, 0);
  g_rw_lock_writer_unlock (&registry->lock);
  _graft_registry_invalidate_caches ();
}

/* Definitions registered by the application itself (and by bindings) live
 * in a plugin record of their own, so listings say where they came from. */
GraftPlugin *
_graft_registry_app_plugin (GraftRegistry *registry)
{
  GraftPlugin *plugin = graft_registry_get_plugin (registry, "application");

  if (plugin == NULL)
    {
      plugin = _graft_plugin_new (registry, NULL);
      plugin->name = g_strdup ("application");
      plugin->version = g_strdup (GRAFT_VERSION_S);
      plugin->description = g_strdup ("Definitions registered by the running program");
      plugin->license = g_strdup ("unknown");
      g_rw_lock_writer_lock (&registry->lock);
      g_ptr_array_add (registry->plugins, plugin);
      g_rw_lock_writer_unlock (&registry->lock);
    }
  return plugin;
}

static gboolean
register_closure (GraftRegistry *registry,
                  GraftOpKind    kind,
                  const char    *name,
                  const char    *signature,
                  const char    *summary,
                  GClosure      *kernel,
                  GError       **error)
{
  GraftOpInfo info = { 0 };
  GraftPlugin *plugin;
  GError *local = NULL;

  info.name = name;
  info.signature = signature;
  info.summary = summary;
  graft_registry_ensure_loaded (registry);
  plugin = _graft_registry_app_plugin (registry);
  if (!_graft_registry_add_def (registry, plugin, kind, &info, kernel, &local))
    {
      /* As for a module with a refused row: what registered stays, and
       * the record says something was refused. */
      plugin->status = GRAFT_PLUGIN_STATUS_PARTIAL;
      _graft_plugin_add_error (plugin, local);
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

/**
 * graft_registry_register_op_closure:
 * @registry: a #GraftRegistry
 * @name: the op's type name; namespace it (`myapp.Scale`)
 * @signature: its signature, with exactly one output
 * @summary: one line
 * @kernel: called as `kernel (GraftKernel, inputs…, attributes…)` in
 *   signature order; returns the output as a new #GraftTensor of the dtype
 *   and shape the op's shape function gave (every output has input 0's
 *   shape)
 * @error: return location for a #GError
 *
 * Registers an op implemented by a #GClosure, for bindings: the program's
 * own definitions appear as plugin `application`.
 *
 * Returns: %TRUE on success; %FALSE with @error set (#GRAFT_PLUGIN_ERROR)
 *   for a bad signature or a name taken
 */
gboolean
graft_registry_register_op_closure (GraftRegistry *registry,
                                    const char    *name,
                                    const char    *signature,
                                    const char    *summary,
                                    GClosure      *kernel,
                                    GError       **error)
{
  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (name != NULL && signature != NULL && summary != NULL, FALSE);
  g_return_val_if_fail (kernel != NULL, FALSE);
  return register_closure (registry, GRAFT_OP_KIND_OP, name, signature, summary, kernel, error);
}

/**
 * graft_registry_register_initializer_closure:
 * @registry: a #GraftRegistry
 * @name: the initializer's name; namespace it (`myapp.custom`)
 * @signature: its signature, such as `(scale: float = 1.0) -> (out: T)`
 * @summary: one line
 * @kernel: called as `kernel (GraftKernel, attributes…)`; returns the
 *   initial value as a new #GraftTensor of the variable's dtype and shape
 * @error: return location for a #GError
 *
 * Registers an initializer implemented by a #GClosure (a Python function,
 * say); get_variable() can then use it by name.
 *
 * Returns: %TRUE on success
 */
gboolean
graft_registry_register_initializer_closure (GraftRegistry *registry,
                                             const char    *name,
                                             const char    *signature,
                                             const char    *summary,
                                             GClosure      *kernel,
                                             GError       **error)
{
  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (name != NULL && signature != NULL && summary != NULL, FALSE);
  g_return_val_if_fail (kernel != NULL, FALSE);
  return register_closure (registry, GRAFT_OP_KIND_INITIALIZER, name, signature, summary, kernel, error);
}
