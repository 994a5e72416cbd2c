/* graft-inspect.c: what plugins, ops and initializers this Graft has.
 *
 * In the spirit of gst-inspect-1.0:
 *
 *   graft-inspect                 the plugins (with why a plugin failed),
 *                                 then every op and initializer
 *   graft-inspect NAME            one op, initializer or plugin in detail
 *   graft-inspect FILE.so         load one module and show it
 *   graft-inspect --json          the interface snapshot (tests/data/ops.json)
 *
 * It uses the public API only: what it shows is what applications and
 * bindings can see.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graft.h>
#include <graft-plugin.h>

#include "graft-ops-json.h"

static const char *
status_name (GraftPluginStatus status)
{
  switch (status)
    {
    case GRAFT_PLUGIN_STATUS_LOADED: return "loaded";
    case GRAFT_PLUGIN_STATUS_PARTIAL: return "PARTIAL";
    case GRAFT_PLUGIN_STATUS_FAILED: return "FAILED";
    default: return "?";
    }
}

/* A plugin that failed before its descriptor was read has no name: it is
 * shown by its file's base name. */
static char *
plugin_label (GraftPlugin *plugin)
{
  const char *name = graft_plugin_get_name (plugin);
  const char *file = graft_plugin_get_filename (plugin);

  if (name != NULL)
    return g_strdup (name);
  return file != NULL ? g_path_get_basename (file) : g_strdup ("?");
}

static void
print_plugin_errors (GraftPlugin *plugin,
                     const char  *indent)
{
  g_autofree GError **errors = NULL;
  guint n_errors = 0;

  errors = graft_plugin_get_errors (plugin, &n_errors);
  for (guint i = 0; i < n_errors; i++)
    {
      /* Signature errors span lines (the signature, then a caret under
       * the character): keep those under the message. */
      g_auto(GStrv) lines = g_strsplit (errors[i]->message, "\n", -1);
      const char *what = graft_plugin_get_status (plugin) == GRAFT_PLUGIN_STATUS_FAILED ? "failed: " : "refused: ";

      for (guint l = 0; lines[l] != NULL; l++)
        g_print ("%s%-*s%s\n", indent, (int) strlen (what), l == 0 ? what : "", lines[l]);
      g_error_free (errors[i]);
    }
}

static void
list_everything (GraftRegistry *registry)
{
  g_auto(GStrv) path = graft_registry_get_plugin_path (registry);
  g_autofree GraftPlugin **plugins = NULL;
  g_autofree const GraftOpDef **ops = NULL;
  g_autofree const GraftOpDef **inits = NULL;
  guint n_plugins, n_ops, n_inits, n_failed = 0, n_partial = 0;

  plugins = graft_registry_list_plugins (registry, &n_plugins);
  ops = graft_registry_list_ops (registry, &n_ops);
  inits = graft_registry_list_initializers (registry, &n_inits);

  g_print ("Plugin path (searched in this order):\n");
  for (guint i = 0; path[i] != NULL; i++)
    g_print ("  %s\n", path[i]);

  g_print ("\nPlugins:\n");
  for (guint i = 0; i < n_plugins; i++)
    {
      GraftPlugin *p = plugins[i];
      GraftPluginStatus status = graft_plugin_get_status (p);
      g_autofree char *label = plugin_label (p);
      const char *version = graft_plugin_get_version (p);
      const char *desc = graft_plugin_get_description (p);
      const char *file = graft_plugin_get_filename (p);

      n_failed += status == GRAFT_PLUGIN_STATUS_FAILED;
      n_partial += status == GRAFT_PLUGIN_STATUS_PARTIAL;
      g_print ("  %-20s %-8s %-8s %s\n", label, version && *version ? version : "-", status_name (status),
               desc ? desc : "");
      g_print ("  %-20s %s\n", "", file ? file : "(registered by the running program)");
      print_plugin_errors (p, "                       ");
    }

  g_print ("\nOps:\n");
  for (guint i = 0; i < n_ops; i++)
    g_print ("  %-24s %-52s [%s]\n", graft_op_def_get_name (ops[i]), graft_op_def_get_summary (ops[i]),
             graft_op_def_get_plugin_name (ops[i]));

  g_print ("\nInitializers:\n");
  for (guint i = 0; i < n_inits; i++)
    g_print ("  %-24s %-52s [%s]\n", graft_op_def_get_name (inits[i]), graft_op_def_get_summary (inits[i]),
             graft_op_def_get_plugin_name (inits[i]));

  g_print ("\n%u plugin%s (%u failed, %u partial), %u op%s, %u initializer%s\n", n_plugins,
           n_plugins == 1 ? "" : "s", n_failed, n_partial, n_ops, n_ops == 1 ? "" : "s", n_inits,
           n_inits == 1 ? "" : "s");
}

static void
print_args (const GraftOpDef *def,
            gboolean          outputs)
{
  guint n = outputs ? graft_op_def_get_num_outputs (def) : graft_op_def_get_num_inputs (def);

  g_print ("\n%s:\n", outputs ? "Outputs" : "Inputs");
  if (n == 0)
    g_print ("  none\n");
  for (guint i = 0; i < n; i++)
    {
      const char *name = outputs ? graft_op_def_get_output_name (def, i) : graft_op_def_get_input_name (def, i);
      GraftDType dtype = outputs ? graft_op_def_get_output_dtype (def, i) : graft_op_def_get_input_dtype (def, i);
      gint attr = outputs ? graft_op_def_get_output_type_attr (def, i) : graft_op_def_get_input_type_attr (def, i);

      if (!outputs && graft_op_def_get_input_number_attr (def, i) >= 0)
        g_print ("  %-16s a list of %s tensors of %s\n", name,
                 graft_op_def_get_attr_name (def, graft_op_def_get_input_number_attr (def, i)),
                 dtype != GRAFT_DTYPE_INVALID ? graft_dtype_get_name (dtype) : graft_op_def_get_attr_name (def, attr));
      else if (dtype != GRAFT_DTYPE_INVALID)
        g_print ("  %-16s %s\n", name, graft_dtype_get_name (dtype));
      else if (attr >= 0)
        g_print ("  %-16s %s (type attribute)\n", name, graft_op_def_get_attr_name (def, attr));
      else
        g_print ("  %-16s ?\n", name);
    }
}

/* What Graft sets by itself, and why, for the attributes whose names start
 * with '_' (signatures may not declare such names). */
static const char *
internal_attr_note (const char *name)
{
  if (strcmp (name, "_shape") == 0)
    return "set by Graft: the variable's shape";
  if (strcmp (name, "_seed") == 0)
    return "set by Graft: the graph-level seed";
  if (strcmp (name, "_seed2") == 0)
    return "set by Graft: the op-level seed";
  return "set by Graft";
}

static void
print_attrs (const GraftOpDef *def)
{
  guint n = graft_op_def_get_num_attrs (def);

  g_print ("\nAttributes:\n");
  if (n == 0)
    g_print ("  none\n");
  for (guint i = 0; i < n; i++)
    {
      const char *name = graft_op_def_get_attr_name (def, i);
      g_autofree char *dflt = graft_op_def_get_attr_default (def, i);
      g_autofree GraftDType *allowed = NULL;
      guint n_allowed = 0;
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "  %-16s %-11s", name, graft_attr_kind_get_name (graft_op_def_get_attr_kind (def, i)));
      if (name[0] == '_')
        g_string_append_printf (line, " (%s)", internal_attr_note (name));
      else if (graft_op_def_is_attr_inferred (def, i) && graft_op_def_get_attr_kind (def, i) == GRAFT_ATTR_INT)
        g_string_append (line, " (a list's length, inferred from the inputs)");
      else if (graft_op_def_is_attr_inferred (def, i))
        g_string_append (line, graft_op_def_get_kind (def) == GRAFT_OP_KIND_OP
                               ? " (type variable, inferred from the inputs)"
                               : " (type variable, the variable's dtype)");
      else if (dflt != NULL)
        g_string_append_printf (line, " = %s", dflt);
      else
        g_string_append (line, " (required)");

      allowed = graft_op_def_get_attr_allowed_dtypes (def, i, &n_allowed);
      if (n_allowed > 0)
        {
          g_string_append (line, "; one of ");
          for (guint d = 0; d < n_allowed; d++)
            g_string_append_printf (line, "%s%s", d ? ", " : "", graft_dtype_get_name (allowed[d]));
        }
      else if (graft_op_def_get_attr_kind (def, i) == GRAFT_ATTR_TYPE)
        g_string_append (line, "; any dtype");
      g_print ("%s\n", line->str);
      g_string_free (line, TRUE);
    }
}

static void
print_def (GraftRegistry    *registry,
           const GraftOpDef *def)
{
  const char *plugin_name = graft_op_def_get_plugin_name (def);
  GraftPlugin *plugin = plugin_name ? graft_registry_get_plugin (registry, plugin_name) : NULL;
  const char *file = plugin ? graft_plugin_get_filename (plugin) : NULL;

  g_print ("%s %s\n\n", graft_op_def_get_kind (def) == GRAFT_OP_KIND_OP ? "Op" : "Initializer",
           graft_op_def_get_name (def));
  g_print ("  %-14s %s (%s)\n", "Plugin", plugin_name ? plugin_name : "?",
           file ? file : "registered by the running program");
  g_print ("  %-14s %s\n", "Summary", graft_op_def_get_summary (def));
  g_print ("  %-14s %s\n", "Signature", graft_op_def_get_signature (def));
  if (graft_op_def_get_kind (def) == GRAFT_OP_KIND_OP)
    g_print ("  %-14s %s\n", "Default name", graft_op_def_get_default_name (def));
  else
    g_print ("  %-14s NAME/Initializer/%s\n", "Op name", graft_op_def_get_default_name (def));
  print_args (def, FALSE);
  print_args (def, TRUE);
  print_attrs (def);
}

static void
print_plugin (GraftPlugin *plugin)
{
  g_autofree char *label = plugin_label (plugin);
  g_autofree const GraftOpDef **defs = NULL;
  const char *file = graft_plugin_get_filename (plugin);
  guint n_defs;

  g_print ("Plugin %s\n\n", label);
  g_print ("  %-14s %s\n", "File", file ? file : "(registered by the running program)");
  g_print ("  %-14s %s\n", "Version", graft_plugin_get_version (plugin) ? graft_plugin_get_version (plugin) : "-");
  g_print ("  %-14s %s\n", "Description",
           graft_plugin_get_description (plugin) ? graft_plugin_get_description (plugin) : "-");
  g_print ("  %-14s %s\n", "License", graft_plugin_get_license (plugin) ? graft_plugin_get_license (plugin) : "-");
  g_print ("  %-14s %s\n", "Status", status_name (graft_plugin_get_status (plugin)));
  print_plugin_errors (plugin, "  ");

  defs = graft_plugin_list_definitions (plugin, &n_defs);
  g_print ("\nDefinitions:\n");
  if (n_defs == 0)
    g_print ("  none\n");
  for (guint i = 0; i < n_defs; i++)
    g_print ("  %-12s %-24s %s\n", graft_op_def_get_kind (defs[i]) == GRAFT_OP_KIND_OP ? "op" : "initializer",
             graft_op_def_get_name (defs[i]), graft_op_def_get_summary (defs[i]));
}

/* For a name that matches nothing: the definitions that differ only in
 * case (`mul` for `Mul`), as a hint. */
static void
suggest (GraftRegistry *registry,
         const char    *name)
{
  g_autofree const GraftOpDef **ops = NULL;
  g_autofree const GraftOpDef **inits = NULL;
  guint n_ops, n_inits;

  ops = graft_registry_list_ops (registry, &n_ops);
  inits = graft_registry_list_initializers (registry, &n_inits);
  for (guint i = 0; i < n_ops; i++)
    if (g_ascii_strcasecmp (graft_op_def_get_name (ops[i]), name) == 0)
      g_printerr ("Did you mean the op '%s'?\n", graft_op_def_get_name (ops[i]));
  for (guint i = 0; i < n_inits; i++)
    if (g_ascii_strcasecmp (graft_op_def_get_name (inits[i]), name) == 0)
      g_printerr ("Did you mean the initializer '%s'?\n", graft_op_def_get_name (inits[i]));
}

/* A module file given on the command line: loaded now, shown like a
 * plugin. Its failure is the answer, so it goes to stdout too, but the
 * exit status says it failed. */
static int
inspect_file (GraftRegistry *registry,
              const char    *file)
{
  g_autoptr(GError) error = NULL;
  GraftPlugin *plugin = graft_registry_load_plugin (registry, file, &error);
  g_autofree GraftPlugin **plugins = NULL;
  guint n;

  if (plugin != NULL)
    {
      print_plugin (plugin);
      return EXIT_SUCCESS;
    }
  /* The failed record is kept: show it with its reason. */
  plugins = graft_registry_list_plugins (registry, &n);
  print_plugin (plugins[n - 1]);
  g_printerr ("graft-inspect: %s\n", error->message);
  return EXIT_FAILURE;
}

static int
inspect_name (GraftRegistry *registry,
              const char    *name)
{
  const GraftOpDef *op = graft_registry_lookup_op (registry, name);
  const GraftOpDef *init = graft_registry_lookup_initializer (registry, name);
  GraftPlugin *plugin;

  if (op != NULL)
    print_def (registry, op);
  if (op != NULL && init != NULL)
    g_print ("\n");
  if (init != NULL)
    print_def (registry, init);
  if (op != NULL || init != NULL)
    return EXIT_SUCCESS;

  plugin = graft_registry_get_plugin (registry, name);
  if (plugin != NULL)
    {
      print_plugin (plugin);
      return EXIT_SUCCESS;
    }
  if (g_str_has_suffix (name, "." G_MODULE_SUFFIX) || strchr (name, G_DIR_SEPARATOR) != NULL)
    return inspect_file (registry, name);

  g_printerr ("graft-inspect: no op, initializer or plugin named '%s'\n", name);
  suggest (registry, name);
  return EXIT_FAILURE;
}

static gboolean
write_json (GraftRegistry *registry,
            const char    *output,
            GError       **error)
{
  g_autofree char *json = graft_ops_json_from_registry (registry);

  if (output == NULL || strcmp (output, "-") == 0)
    {
      fputs (json, stdout);
      return fflush (stdout) == 0;
    }
  return g_file_set_contents (output, json, -1, error);
}

int
main (int    argc,
      char **argv)
{
  gboolean json = FALSE, version = FALSE;
  g_autofree char *output = NULL;
  g_auto(GStrv) plugin_dirs = NULL;
  g_auto(GStrv) names = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print every op and initializer as the interface snapshot (tests/data/ops.json)", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write --json output to FILE instead of stdout",
      "FILE" },
    { "plugin-dir", 'p', 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs,
      "Also load the plugins of DIR (after GRAFT_PLUGIN_PATH)", "DIR" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print Graft's version and plugin ABI", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &names, NULL, "[NAME|FILE]" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- show Graft's plugins, ops and initializers");
  g_autoptr(GError) error = NULL;
  GraftRegistry *registry;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Without NAME, lists the plugins found on the plugin path (and why any failed),\n"
    "then every op and initializer. With the name of an op, an initializer or a\n"
    "plugin, shows it in detail; with the path of a module, loads and shows it.");
  g_option_context_set_description (context,
    "Environment:\n"
    "  GRAFT_PLUGIN_PATH   colon-separated directories searched first\n"
    "\n"
    "Exit status: 0 on success; 1 when NAME matches nothing or FILE does not load;\n"
    "2 on a usage error.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("graft-inspect: %s\n", error->message);
      return 2;
    }
  if (names != NULL && g_strv_length (names) > 1)
    {
      g_printerr ("graft-inspect: give at most one NAME or FILE\n");
      return 2;
    }
  if (version)
    {
      g_print ("graft-inspect %s (plugin ABI %d)\n", GRAFT_VERSION_S, GRAFT_PLUGIN_ABI_VERSION);
      return EXIT_SUCCESS;
    }

  registry = graft_registry_get_default ();
  for (guint i = 0; plugin_dirs != NULL && plugin_dirs[i] != NULL; i++)
    graft_registry_add_plugin_dir (registry, plugin_dirs[i]);
  graft_registry_ensure_loaded (registry);

  if (json)
    {
      if (names != NULL)
        {
          g_printerr ("graft-inspect: --json takes no NAME\n");
          return 2;
        }
      if (!write_json (registry, output, &error))
        {
          g_printerr ("graft-inspect: cannot write %s: %s\n", output ? output : "stdout",
                      error ? error->message : g_strerror (errno));
          return EXIT_FAILURE;
        }
      return EXIT_SUCCESS;
    }
  if (names != NULL)
    return inspect_name (registry, names[0]);
  list_everything (registry);
  return EXIT_SUCCESS;
}
