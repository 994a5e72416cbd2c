/* template-check.c: an application of an installed Graft, using the
 * template plugin (plugins/template) built out of tree.
 *
 * Built by tests/test-template-install.sh against the installed headers
 * and library only (pkg-config graft-1.0), so it also checks that an
 * installed Graft is usable at all.
 *
 *   template-check DIR    the template module must have loaded from DIR
 *
 * Each check is one function of the table at the bottom; a check that
 * evaluates the variable through a session belongs there too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>

#include <graft.h>

/* The checks' own failures (Graft's errors pass through as they are). */
#define CHECK_ERROR (g_quark_from_static_string ("template-check"))

typedef struct {
  GraftRegistry *registry;
  const char *expected_dir;
  GraftGraph *graph;
} Context;

static gboolean
check_plugin_loaded (Context  *ctx,
                     GError  **error)
{
  GraftPlugin *plugin = graft_registry_get_plugin (ctx->registry, "template");
  g_autofree char *dir = NULL;
  g_autofree char *real_dir = NULL, *real_expected = NULL;

  if (plugin == NULL)
    {
      g_autofree GraftPlugin **plugins = NULL;
      g_autofree char *path = NULL;
      g_auto(GStrv) dirs = graft_registry_get_plugin_path (ctx->registry);
      guint n;

      /* Say what was found instead, for whoever reads the test log. */
      plugins = graft_registry_list_plugins (ctx->registry, &n);
      for (guint i = 0; i < n; i++)
        g_printerr ("  found %s: %s\n", graft_plugin_get_filename (plugins[i]),
                    graft_plugin_get_error (plugins[i]) ? graft_plugin_get_error (plugins[i])->message : "ok");
      path = g_strjoinv (":", dirs);
      g_set_error (error, CHECK_ERROR, 0, "no plugin 'template' on the plugin path %s", path);
      return FALSE;
    }
  if (graft_plugin_get_status (plugin) != GRAFT_PLUGIN_STATUS_LOADED)
    {
      const GError *why = graft_plugin_get_error (plugin);

      g_set_error (error, CHECK_ERROR, 0, "the template plugin did not load cleanly: %s",
                   why ? why->message : "no reason recorded");
      return FALSE;
    }
  /* Loaded from where the test put it, not from some other copy. */
  dir = g_path_get_dirname (graft_plugin_get_filename (plugin));
  real_dir = g_canonicalize_filename (dir, NULL);
  real_expected = g_canonicalize_filename (ctx->expected_dir, NULL);
  if (strcmp (real_dir, real_expected) != 0)
    {
      g_set_error (error, CHECK_ERROR, 0, "the template plugin loaded from %s, not from %s",
                   graft_plugin_get_filename (plugin), ctx->expected_dir);
      return FALSE;
    }
  g_print ("ok: plugin 'template' %s loaded from %s\n", graft_plugin_get_version (plugin),
           graft_plugin_get_filename (plugin));
  return TRUE;
}

static gboolean
check_definitions (Context  *ctx,
                   GError  **error)
{
  const GraftOpDef *op = graft_registry_lookup_op (ctx->registry, "template.Scale");
  const GraftOpDef *init = graft_registry_lookup_initializer (ctx->registry, "template.linspace");

  if (op == NULL || init == NULL)
    {
      g_set_error (error, CHECK_ERROR, 0, "missing definition: template.Scale %s, "
                   "template.linspace %s", op ? "found" : "missing", init ? "found" : "missing");
      return FALSE;
    }
  if (g_strcmp0 (graft_op_def_get_plugin_name (init), "template") != 0)
    {
      g_set_error (error, CHECK_ERROR, 0, "template.linspace comes from plugin '%s'",
                   graft_op_def_get_plugin_name (init));
      return FALSE;
    }
  g_print ("ok: template.Scale and template.linspace are registered\n");
  return TRUE;
}

/* get_variable with the template's initializer: the variable's ops,
 * including `v/Initializer/template.linspace`, a node of the plugin's
 * definition. */
static gboolean
check_variable (Context  *ctx,
                GError  **error)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (2, 3);
  g_autoptr(GraftInitializer) init =
    graft_initializer_new ("template.linspace", g_variant_new_parsed ("{'start': <-1.0>, 'stop': <1.0>}"));
  GraftVariable *v;
  GraftOutput *init_op;  /* the op computing the initial value */
  const char *want = "v/Initializer/template.linspace";

  v = graft_graph_get_variable (ctx->graph, "v", shape, GRAFT_DTYPE_FLOAT32, init, error);
  if (v == NULL)
    return FALSE;
  /* graft_variable_get_initializer_op() is TensorFlow's `initializer`,
   * the Assign; the initial value is the plugin's op. */
  init_op = graft_variable_get_initial_value (v);
  if (init_op == NULL || strcmp (graft_output_get_op_name (init_op), want) != 0 ||
      strcmp (graft_output_get_op_type (init_op), "template.linspace") != 0)
    {
      g_set_error (error, CHECK_ERROR, 0, "the initializer op is '%s' of type '%s', not '%s'",
                   init_op ? graft_output_get_op_name (init_op) : "(none)",
                   init_op ? graft_output_get_op_type (init_op) : "(none)", want);
      return FALSE;
    }
  g_print ("ok: variable v is initialized by %s\n", want);
  return TRUE;
}

/* The template's op in a graph: dtype and shape from its signature and
 * shape function. */
static gboolean
check_op (Context  *ctx,
          GError  **error)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (2, 3);
  g_autoptr(GraftOpBuilder) placeholder = graft_op_builder_new (ctx->graph, "Placeholder", "x");
  g_autoptr(GraftOpBuilder) scale = NULL;
  g_autoptr(GraftShape) y_shape = NULL;
  GraftOutput *x, *y;

  graft_op_builder_set_attr_type (placeholder, "dtype", GRAFT_DTYPE_FLOAT64);
  graft_op_builder_set_attr_shape (placeholder, "shape", shape);
  x = graft_op_builder_finish (placeholder, error);
  if (x == NULL)
    return FALSE;

  scale = graft_op_builder_new (ctx->graph, "template.Scale", NULL);
  graft_op_builder_add_input (scale, x);
  graft_op_builder_set_attr_float (scale, "factor", 3.0);
  y = graft_op_builder_finish (scale, error);
  if (y == NULL)
    return FALSE;
  y_shape = graft_output_get_shape (y);
  if (graft_output_get_dtype (y) != GRAFT_DTYPE_FLOAT64 || !graft_shape_equal (y_shape, shape))
    {
      g_autofree char *s = graft_shape_to_string (y_shape);

      g_set_error (error, CHECK_ERROR, 0, "template.Scale gave %s %s",
                   graft_dtype_get_name (graft_output_get_dtype (y)), s);
      return FALSE;
    }
  g_print ("ok: %s is a float64 [2, 3] output of template.Scale\n", graft_output_get_op_name (y));
  return TRUE;
}

static const struct {
  const char *name;
  gboolean (*run) (Context *ctx, GError **error);
} checks[] = {
  { "plugin loaded", check_plugin_loaded },
  { "definitions", check_definitions },
  { "variable", check_variable },
  { "op", check_op },
};

int
main (int    argc,
      char **argv)
{
  Context ctx = { 0 };
  g_autoptr(GraftGraph) graph = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s PLUGIN-DIR\n", argv[0]);
      return 2;
    }
  graph = graft_graph_new ();
  ctx.registry = graft_registry_get_default ();
  ctx.expected_dir = argv[1];
  ctx.graph = graph;

  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!checks[i].run (&ctx, &error))
        {
          g_printerr ("FAIL: %s: %s\n", checks[i].name, error ? error->message : "no reason given");
          return EXIT_FAILURE;
        }
    }
  return EXIT_SUCCESS;
}
