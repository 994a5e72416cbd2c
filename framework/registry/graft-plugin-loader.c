/* graft-plugin-loader.c: loading one plugin module, and what plugins call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* dladdr1() */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stddef.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "graft-registry-private.h"

/**
 * GraftPlugin:
 *
 * The record of one plugin file: what its descriptor says, whether it
 * loaded, why not, and the definitions it registered. Plugins call
 * graft_plugin_add_ops() and graft_plugin_add_initializers() on it from
 * their init function.
 */
G_DEFINE_FINAL_TYPE (GraftPlugin, graft_plugin, G_TYPE_OBJECT)

static void
graft_plugin_finalize (GObject *object)
{
  GraftPlugin *self = GRAFT_PLUGIN (object);

  g_free (self->filename);
  g_free (self->name);
  g_free (self->version);
  g_free (self->description);
  g_free (self->license);
  g_ptr_array_unref (self->errors);
  g_ptr_array_unref (self->defs);
  g_ptr_array_unref (self->retired);
  G_OBJECT_CLASS (graft_plugin_parent_class)->finalize (object);
}

static void
graft_plugin_class_init (GraftPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_plugin_finalize;
}

static void
graft_plugin_init (GraftPlugin *self)
{
  self->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  self->defs = g_ptr_array_new ();
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) _graft_op_def_free);
}

GraftPlugin *
_graft_plugin_new (GraftRegistry *registry,
                   const char    *filename)
{
  GraftPlugin *plugin = g_object_new (GRAFT_TYPE_PLUGIN, NULL);

  plugin->registry = registry;
  plugin->filename = g_strdup (filename);
  if (filename != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (filename);
      plugin->own = _graft_registry_is_own_dir (dir);
    }
  plugin->status = GRAFT_PLUGIN_STATUS_LOADED;
  return plugin;
}

void
_graft_plugin_add_error (GraftPlugin  *plugin,
                         const GError *error)
{
  g_ptr_array_add (plugin->errors, g_error_copy (error));
}

static void
fail (GraftPlugin *plugin,
      GError      *error)
{
  plugin->status = GRAFT_PLUGIN_STATUS_FAILED;
  g_ptr_array_insert (plugin->errors, 0, error);
  g_debug ("%s", error->message);
}

/* The descriptor symbol derives from the file name: lib and graft-
 * prefixes and the suffix dropped, dashes made underscores. */
static char *
descriptor_symbol (const char *filename)
{
  g_autofree char *base = g_path_get_basename (filename);
  char *id = base, *dot;

  if (g_str_has_prefix (id, "lib"))
    id += 3;
  if (g_str_has_prefix (id, "graft-") || g_str_has_prefix (id, "graft_"))
    id += 6;
  dot = strchr (id, '.');
  if (dot != NULL)
    *dot = '\0';
  g_strdelimit (id, "-", '_');
  return g_strdup_printf ("graft_plugin_%s_desc", id);
}

/* Whether `error` is one of the row refusals add_defs() recorded (and
 * handed to the init function), as opposed to a failure of the plugin's
 * own. */
static gboolean
is_recorded_refusal (GraftPlugin  *plugin,
                     const GError *error)
{
  for (guint i = 0; i < plugin->errors->len; i++)
    {
      const GError *e = g_ptr_array_index (plugin->errors, i);

      if (g_error_matches (error, e->domain, e->code) && strcmp (error->message, e->message) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The fields of the descriptor the loader reads: everything up to and
 * including `init`. */
#define DESC_NEEDED (offsetof (GraftPluginDesc, init) + sizeof (GraftPluginInitFunc))

/* Whether a module of plugin ABI `abi` with a descriptor of `desc_size`
 * bytes (as `where` says) may be used; records why not. ABI 1 is still
 * accepted: its layout is ABI 2's without the size. */
static gboolean
check_abi (GraftPlugin *plugin,
           guint32      abi,
           gsize        desc_size,
           const char  *where)
{
  const char *file = plugin->filename;

  if (abi != GRAFT_PLUGIN_ABI_VERSION && abi != 1)
    {
      if (abi == G_MAXUINT32)
        fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_ABI_MISMATCH,
                                   "Plugin file '%s' has an ELF note and a descriptor that disagree "
                                   "on its plugin ABI version", file));
      else
        fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_ABI_MISMATCH,
                                   "Plugin file '%s' was built for plugin ABI version %u, "
                                   "but this Graft (%s) loads version %d", file, abi,
                                   GRAFT_VERSION_S, GRAFT_PLUGIN_ABI_VERSION));
      return FALSE;
    }
  if (desc_size < DESC_NEEDED)
    {
      fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_ABI_MISMATCH,
                                 "Plugin file '%s' has a descriptor of %" G_GSIZE_FORMAT
                                 " bytes (%s); plugin ABI version %u needs at least %"
                                 G_GSIZE_FORMAT, file, desc_size, where, abi, (gsize) DESC_NEEDED));
      return FALSE;
    }
  return TRUE;
}

void
_graft_plugin_load_file (GraftPlugin *plugin)
{
  const char *file = plugin->filename;
  g_autofree char *symbol = NULL;
  const GraftPluginDesc *desc = NULL;
  GError *error = NULL;
  GraftPluginElf elf;
  GModule *module;
  Dl_info info;
  const Elf64_Sym *sym = NULL;
  gsize sym_size = 0, desc_size = 0;

  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR) || g_access (file, R_OK) != 0)
    {
      fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_UNREADABLE,
                                 "Plugin file '%s' does not exist or cannot be read", file));
      return;
    }

  /* Before the module is opened: a truncated file would crash the
   * dynamic linker, and a module of another ABI must not run any code,
   * constructors included. */
  if (!_graft_plugin_read_elf (file, &elf, &error))
    {
      fail (plugin, error);
      return;
    }
  if (elf.has_note && !check_abi (plugin, elf.abi_version, elf.desc_size, "from its ELF note"))
    return;

  /* Local binding: a plugin's symbols must not satisfy another's. Bound
   * now, not lazily: a kernel that calls a symbol nothing defines is a
   * load error here rather than a "symbol lookup error" that ends the
   * process at the kernel's first run. */
  module = g_module_open (file, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                                 "Plugin file '%s' is not a loadable module: %s", file, g_module_error ()));
      return;
    }

  symbol = descriptor_symbol (file);
  if (!g_module_symbol (module, symbol, (gpointer *) &desc) || desc == NULL)
    {
      fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_MISSING_DESCRIPTOR,
                                 "Plugin file '%s' does not export the descriptor '%s' "
                                 "(declare it with GRAFT_PLUGIN_DEFINE)", file, symbol));
      g_module_close (module);
      return;
    }

  /* How many bytes the symbol really has, from the module's symbol table:
   * a descriptor shorter than its ABI's is never read past its end. */
  if (dladdr1 (desc, &info, (void **) &sym, RTLD_DL_SYMENT) != 0 && sym != NULL && sym->st_size > 0)
    sym_size = sym->st_size;
  if (sym_size < sizeof (guint32))
    {
      fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_ABI_MISMATCH,
                                 "Plugin file '%s' has a descriptor '%s' of %" G_GSIZE_FORMAT
                                 " bytes, too small to hold an ABI version", file, symbol, sym_size));
      g_module_close (module);
      return;
    }
  /* Only the first field is read before the version is known to match;
   * then the size, which ABI 1 did not have: its descriptors are as large
   * as their symbol. */
  if (desc->abi_version == GRAFT_PLUGIN_ABI_VERSION && sym_size >= offsetof (GraftPluginDesc, name))
    desc_size = MIN (desc->size, sym_size);
  else
    desc_size = sym_size;
  if (!check_abi (plugin, desc->abi_version, desc_size, "from its symbol table") ||
      (elf.has_note && desc->abi_version != elf.abi_version &&
       !check_abi (plugin, G_MAXUINT32, desc_size, "from its symbol table")))
    {
      g_module_close (module);
      return;
    }

  plugin->name = g_strdup (desc->name ? desc->name : "unnamed");
  plugin->version = g_strdup (desc->version ? desc->version : "");
  plugin->description = g_strdup (desc->description ? desc->description : "");
  plugin->license = g_strdup (desc->license ? desc->license : "");

  /* Kernels registered by init point into the module: it stays loaded for
   * the life of the process, whatever happens next. */
  g_module_make_resident (module);
  plugin->module = module;

  if (desc->init == NULL)
    {
      fail (plugin, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INIT_FAILED,
                                 "Plugin '%s' (%s) has no init function", plugin->name, file));
      return;
    }
  if (!desc->init (plugin, &error))
    {
      /* The idiom `return graft_plugin_add_ops (…)` hands back the refusal
       * of one row: the plugin has not failed, its other rows are
       * registered and usable, and the refusal is already recorded. */
      if (error != NULL && is_recorded_refusal (plugin, error))
        {
          g_error_free (error);
          plugin->status = GRAFT_PLUGIN_STATUS_PARTIAL;
          return;
        }
      _graft_registry_remove_plugin_defs (plugin->registry, plugin);
      if (error == NULL)
        error = g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INIT_FAILED,
                             "Plugin '%s' (%s) failed to initialize (no reason given)", plugin->name, file);
      else if (error->domain != GRAFT_PLUGIN_ERROR)
        {
          GError *wrapped = g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INIT_FAILED,
                                         "Plugin '%s' (%s) failed to initialize: %s", plugin->name, file,
                                         error->message);
          g_error_free (error);
          error = wrapped;
        }
      else
        g_prefix_error (&error, "Plugin '%s' (%s) failed to initialize: ", plugin->name, file);
      /* Errors recorded by add_ops are superseded by the failure. */
      g_ptr_array_set_size (plugin->errors, 0);
      fail (plugin, error);
      return;
    }
  if (plugin->errors->len > 0)
    plugin->status = GRAFT_PLUGIN_STATUS_PARTIAL;
}

static gboolean
add_defs (GraftPlugin       *plugin,
          GraftOpKind        kind,
          const GraftOpInfo *infos,
          guint              n_infos,
          GError           **error)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < n_infos; i++)
    {
      g_autoptr(GError) local = NULL;

      if (_graft_registry_add_def (plugin->registry, plugin, kind, &infos[i], NULL, &local))
        continue;
      /* A refusal names the module, as load failures do, so that a list
       * of errors alone says where each came from; a duplicate's message
       * already names both plugins' files. */
      if (plugin->filename != NULL && !g_error_matches (local, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME))
        g_prefix_error (&local, "Plugin '%s' (%s): ", plugin->name, plugin->filename);
      /* Keep going: one bad row must not hide the good ones. */
      _graft_plugin_add_error (plugin, local);
      if (ok && error != NULL)
        *error = g_error_copy (local);
      ok = FALSE;
    }
  if (!ok && plugin->status == GRAFT_PLUGIN_STATUS_LOADED && plugin->module == NULL)
    plugin->status = GRAFT_PLUGIN_STATUS_PARTIAL;
  return ok;
}

/**
 * graft_plugin_add_ops:
 * @plugin: the plugin being initialized
 * @ops: (array length=n_ops): the op definitions
 * @n_ops: the number of definitions
 * @error: return location for a #GError
 *
 * Registers op definitions. Each row is checked on its own: a bad signature
 * or a name registered earlier refuses that row only, and is recorded on
 * the plugin.
 *
 * An init function may return this function's result as its own: handing
 * back the refusal in @error does not fail the plugin, whose other rows
 * stay registered (its status is then %GRAFT_PLUGIN_STATUS_PARTIAL). An
 * init function that cannot work without a refused row returns an error of
 * its own instead, and the whole plugin fails.
 *
 * Returns: %TRUE if every row was registered; otherwise %FALSE with @error
 *   set to the first refusal
 */
gboolean
graft_plugin_add_ops (GraftPlugin       *plugin,
                      const GraftOpInfo *ops,
                      guint              n_ops,
                      GError           **error)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), FALSE);
  g_return_val_if_fail (ops != NULL || n_ops == 0, FALSE);
  return add_defs (plugin, GRAFT_OP_KIND_OP, ops, n_ops, error);
}

/**
 * graft_plugin_add_initializers:
 * @plugin: the plugin being initialized
 * @initializers: (array length=n_initializers): the definitions
 * @n_initializers: the number of definitions
 * @error: return location for a #GError
 *
 * Registers initializer definitions, as graft_plugin_add_ops() does ops.
 *
 * Returns: %TRUE if every row was registered
 */
gboolean
graft_plugin_add_initializers (GraftPlugin       *plugin,
                               const GraftOpInfo *initializers,
                               guint              n_initializers,
                               GError           **error)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), FALSE);
  g_return_val_if_fail (initializers != NULL || n_initializers == 0, FALSE);
  return add_defs (plugin, GRAFT_OP_KIND_INITIALIZER, initializers, n_initializers, error);
}

/**
 * graft_plugin_get_filename:
 * @plugin: a #GraftPlugin
 *
 * Returns: (transfer none) (nullable): the module file, %NULL for
 *   definitions registered by the running program
 */
const char *
graft_plugin_get_filename (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  return plugin->filename;
}

/**
 * graft_plugin_get_name:
 * @plugin: a #GraftPlugin
 *
 * Returns: (transfer none) (nullable): the name from the descriptor, %NULL
 *   if the module failed before it could be read
 */
const char *
graft_plugin_get_name (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  return plugin->name;
}

/**
 * graft_plugin_get_version:
 * @plugin: a #GraftPlugin
 *
 * Returns: (transfer none) (nullable): the version from the descriptor
 */
const char *
graft_plugin_get_version (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  return plugin->version;
}

/**
 * graft_plugin_get_description:
 * @plugin: a #GraftPlugin
 *
 * Returns: (transfer none) (nullable): the description from the descriptor
 */
const char *
graft_plugin_get_description (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  return plugin->description;
}

/**
 * graft_plugin_get_license:
 * @plugin: a #GraftPlugin
 *
 * Returns: (transfer none) (nullable): the license from the descriptor
 */
const char *
graft_plugin_get_license (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  return plugin->license;
}

/**
 * graft_plugin_get_status:
 * @plugin: a #GraftPlugin
 *
 * Returns: whether the plugin loaded
 */
GraftPluginStatus
graft_plugin_get_status (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), GRAFT_PLUGIN_STATUS_FAILED);
  return plugin->status;
}

/**
 * graft_plugin_get_error:
 * @plugin: a #GraftPlugin
 *
 * Returns: (transfer none) (nullable): why the plugin failed, or the first
 *   definition it had refused; %NULL when all went well
 */
const GError *
graft_plugin_get_error (GraftPlugin *plugin)
{
  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  return plugin->errors->len ? g_ptr_array_index (plugin->errors, 0) : NULL;
}

/**
 * graft_plugin_get_errors:
 * @plugin: a #GraftPlugin
 * @n_errors: (out): the number of errors
 *
 * Returns: (array length=n_errors) (transfer full): copies of every error
 *   recorded for the plugin
 */
GError **
graft_plugin_get_errors (GraftPlugin *plugin,
                         guint       *n_errors)
{
  GError **out;

  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  g_return_val_if_fail (n_errors != NULL, NULL);

  out = g_new0 (GError *, plugin->errors->len + 1);
  for (guint i = 0; i < plugin->errors->len; i++)
    out[i] = g_error_copy (g_ptr_array_index (plugin->errors, i));
  *n_errors = plugin->errors->len;
  return out;
}

/**
 * graft_plugin_list_definitions:
 * @plugin: a #GraftPlugin
 * @n_defs: (out): the number of definitions
 *
 * Returns: (array length=n_defs) (transfer container): the ops and
 *   initializers the plugin registered, in registration order
 */
const GraftOpDef **
graft_plugin_list_definitions (GraftPlugin *plugin,
                               guint       *n_defs)
{
  const GraftOpDef **out;

  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), NULL);
  g_return_val_if_fail (n_defs != NULL, NULL);

  g_rw_lock_reader_lock (&plugin->registry->lock);
  out = g_new (const GraftOpDef *, plugin->defs->len + 1);
  if (plugin->defs->len > 0)
    memcpy (out, plugin->defs->pdata, sizeof (gpointer) * plugin->defs->len);
  *n_defs = plugin->defs->len;
  g_rw_lock_reader_unlock (&plugin->registry->lock);
  return out;
}
