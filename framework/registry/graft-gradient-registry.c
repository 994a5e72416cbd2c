/* graft-gradient-registry.c: gradient functions, registered by op type, and
 * the context a gradient function is called with.
 *
 * Gradients are a table of their own, keyed by op type, rather than a
 * field of GraftOpInfo: a plugin declares them in a second table beside
 * its op table (graft_plugin_add_gradients()), a binding registers one at
 * run time (graft_registry_register_gradient()), and neither needs the
 * plugin ABI to change, so modules built for ABI 1 and 2 load as before.
 * A gradient may be registered for an op another plugin defines, as
 * TensorFlow's RegisterGradient allows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-registry-private.h"

struct _GraftGradContext {
  GObject parent_instance;
  GraftGradFrame frame;
};

G_DEFINE_FINAL_TYPE (GraftGradContext, graft_grad_context, G_TYPE_OBJECT)

static void
graft_grad_context_class_init (GraftGradContextClass *klass)
{
}

static void
graft_grad_context_init (GraftGradContext *self)
{
}

GraftGradContext *
_graft_grad_context_new (void)
{
  return g_object_new (GRAFT_TYPE_GRAD_CONTEXT, NULL);
}

GraftGradFrame *
_graft_grad_context_frame (GraftGradContext *ctx)
{
  return &ctx->frame;
}

/**
 * graft_grad_context_get_graph:
 * @ctx: a #GraftGradContext
 *
 * Returns: (transfer none): the graph being differentiated, where the
 *   gradient's ops go
 */
GraftGraph *
graft_grad_context_get_graph (GraftGradContext *ctx)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), NULL);
  return ctx->frame.graph;
}

/**
 * graft_grad_context_get_op:
 * @ctx: a #GraftGradContext
 *
 * The forward op, as its first output (or its handle when it has none):
 * ask it for the op's name, type and attributes (graft_output_get_attr()).
 *
 * Returns: (transfer none): the op being differentiated
 */
GraftOutput *
graft_grad_context_get_op (GraftGradContext *ctx)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), NULL);
  return ctx->frame.op;
}

/**
 * graft_grad_context_get_num_inputs:
 * @ctx: a #GraftGradContext
 *
 * Returns: the number of inputs of the forward op
 */
guint
graft_grad_context_get_num_inputs (GraftGradContext *ctx)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), 0);
  return ctx->frame.n_inputs;
}

/**
 * graft_grad_context_get_input:
 * @ctx: a #GraftGradContext
 * @index: an input index
 *
 * Returns: (transfer none): the forward op's input @index
 */
GraftOutput *
graft_grad_context_get_input (GraftGradContext *ctx,
                              guint             index)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), NULL);
  g_return_val_if_fail (index < ctx->frame.n_inputs, NULL);
  return ctx->frame.inputs[index];
}

/**
 * graft_grad_context_get_num_outputs:
 * @ctx: a #GraftGradContext
 *
 * Returns: the number of outputs of the forward op
 */
guint
graft_grad_context_get_num_outputs (GraftGradContext *ctx)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), 0);
  return ctx->frame.n_outputs;
}

/**
 * graft_grad_context_get_output:
 * @ctx: a #GraftGradContext
 * @index: an output index
 *
 * Returns: (transfer none): the forward op's output @index
 */
GraftOutput *
graft_grad_context_get_output (GraftGradContext *ctx,
                               guint             index)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), NULL);
  g_return_val_if_fail (index < ctx->frame.n_outputs, NULL);
  return ctx->frame.outputs[index];
}

/**
 * graft_grad_context_get_grad:
 * @ctx: a #GraftGradContext
 * @index: an output index
 *
 * The gradient flowing back into output @index, the sum over every path.
 * As in TensorFlow, a floating-point output no path reached gets zeros of
 * its shape, so a function with several outputs need not test for them;
 * outputs of other dtypes get %NULL.
 *
 * Returns: (transfer none) (nullable): the gradient of output @index
 */
GraftOutput *
graft_grad_context_get_grad (GraftGradContext *ctx,
                             guint             index)
{
  g_return_val_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx), NULL);
  g_return_val_if_fail (index < ctx->frame.n_outputs, NULL);
  return ctx->frame.grads[index];
}

/**
 * graft_grad_context_set_input_grad:
 * @ctx: a #GraftGradContext
 * @index: an input index
 * @grad: (nullable): the gradient of input @index, or %NULL for none
 *
 * Hands back the gradient of the forward op's input @index. Its dtype must
 * be the input's; its shape must be compatible with the input's.
 */
void
graft_grad_context_set_input_grad (GraftGradContext *ctx,
                                   guint             index,
                                   GraftOutput      *grad)
{
  g_return_if_fail (GRAFT_IS_GRAD_CONTEXT (ctx));
  g_return_if_fail (index < ctx->frame.n_inputs);
  ctx->frame.input_grads[index] = grad;
}

/* ---- the table ---- */

static void
grad_entry_free (gpointer data)
{
  GraftGradEntry *e = data;

  if (e->notify != NULL)
    e->notify (e->user_data);
  g_free (e);
}

static gboolean
add_entry (GraftRegistry  *registry,
           const char     *op_type,
           GraftGradEntry *entry,
           const char     *who,
           GError        **error)
{
  gboolean added = FALSE;

  g_rw_lock_writer_lock (&registry->lock);
  if (registry->gradients == NULL)
    registry->gradients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, grad_entry_free);
  if (!g_hash_table_contains (registry->gradients, op_type))
    {
      g_hash_table_insert (registry->gradients, g_strdup (op_type), entry);
      added = TRUE;
    }
  g_rw_lock_writer_unlock (&registry->lock);
  if (!added)
    {
      /* TensorFlow's KeyError text, with who tried. */
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME,
                   "Registering two gradient with name '%s'! (%s)", op_type, who);
      entry->notify = NULL;
      g_free (entry);
    }
  return added;
}

/**
 * graft_plugin_add_gradients:
 * @plugin: the plugin being initialized
 * @gradients: (array length=n_gradients): the rows
 * @n_gradients: the number of rows
 * @error: return location for a #GError
 *
 * Registers gradient functions by op type, and with a %NULL function the
 * ops that are not differentiable. Each row is checked on its own, as
 * graft_plugin_add_ops() does: a type that already has a gradient refuses
 * that row only.
 *
 * Returns: %TRUE if every row was registered; otherwise %FALSE with @error
 *   set to the first refusal
 */
gboolean
graft_plugin_add_gradients (GraftPlugin             *plugin,
                            const GraftGradientInfo *gradients,
                            guint                    n_gradients,
                            GError                 **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (GRAFT_IS_PLUGIN (plugin), FALSE);
  g_return_val_if_fail (gradients != NULL || n_gradients == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_gradients; i++)
    {
      g_autoptr(GError) local = NULL;
      GraftGradEntry *e;

      if (gradients[i].op == NULL || *gradients[i].op == '\0')
        {
          local = g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                               "Plugin '%s': gradient row %u names no op type", plugin->name, i);
        }
      else
        {
          e = g_new0 (GraftGradEntry, 1);
          e->func = gradients[i].gradient;
          e->plugin_name = plugin->name;
          if (add_entry (plugin->registry, gradients[i].op, e, plugin->name, &local))
            continue;
        }
      _graft_plugin_add_error (plugin, local);
      if (ok && error != NULL)
        *error = g_error_copy (local);
      ok = FALSE;
    }
  if (!ok && plugin->status == GRAFT_PLUGIN_STATUS_LOADED)
    plugin->status = GRAFT_PLUGIN_STATUS_PARTIAL;
  return ok;
}

/**
 * graft_registry_register_gradient:
 * @registry: a #GraftRegistry
 * @op_type: the op type, which need not be registered yet
 * @func: (nullable) (scope notified) (closure user_data) (destroy notify):
 *   the gradient function, or %NULL to declare @op_type not differentiable
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the registry is finalized
 * @error: return location for a #GError
 *
 * Registers the gradient of @op_type at run time, for bindings and for
 * programs whose own ops need one (TensorFlow's `RegisterGradient` and,
 * with %NULL, `NotDifferentiable`).
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *   (#GRAFT_PLUGIN_ERROR_DUPLICATE_NAME) when @op_type has one already
 */
gboolean
graft_registry_register_gradient (GraftRegistry        *registry,
                                  const char           *op_type,
                                  GraftGradientCallback func,
                                  gpointer              user_data,
                                  GDestroyNotify        notify,
                                  GError              **error)
{
  GraftGradEntry *e;

  g_return_val_if_fail (GRAFT_IS_REGISTRY (registry), FALSE);
  g_return_val_if_fail (op_type != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The plugins' rows first, so a binding cannot shadow a built-in
   * gradient by registering before the modules load. */
  graft_registry_ensure_loaded (registry);
  e = g_new0 (GraftGradEntry, 1);
  e->callback = func;
  e->user_data = user_data;
  e->notify = notify;
  e->plugin_name = "application";
  return add_entry (registry, op_type, e, "application", error);
}

/* The registered gradient of `op_type`, or NULL when none is: the entry
 * stays valid for the life of the registry (entries are never removed). */
const GraftGradEntry *
_graft_registry_lookup_gradient (GraftRegistry *registry,
                                 const char    *op_type)
{
  const GraftGradEntry *e = NULL;

  graft_registry_ensure_loaded (registry);
  g_rw_lock_reader_lock (&registry->lock);
  if (registry->gradients != NULL)
    e = g_hash_table_lookup (registry->gradients, op_type);
  g_rw_lock_reader_unlock (&registry->lock);
  return e;
}
