/* core.c: the structural ops every graph needs: constants, placeholders,
 * identities and variables.
 *
 * Variables, constants and placeholders have no kernel: their values come
 * from the session (its variable store, the graph's attribute, the feeds),
 * so the session evaluates them itself.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <graft.h>
#include <graft-plugin.h>

#include "core-kernels.h"

static const GraftOpInfo core_ops[] = {
  GRAFT_OP_DEF ("NoOp", NULL, 0, "() -> ()",
            "Does nothing; groups control dependencies", NULL),
  GRAFT_OP_DEF ("Const", NULL, 0, "(value: tensor, dtype: type) -> (output: dtype)",
            "Outputs the tensor held in its value attribute", core_shape_const),
  GRAFT_OP_DEF ("Placeholder", NULL, 0, "(dtype: type, shape: shape = ?) -> (output: dtype)",
            "Outputs the value fed for it; running it unfed is an error", core_shape_placeholder),
  GRAFT_OP_DEF ("Identity", core_identity, 3, "(input: T) -> (output: T)",
            "Outputs its input unchanged", graft_shape_same_as_input),
  { "StopGradient", "(input: T) -> (output: T)",
    "Outputs its input unchanged; graft_gradients() does not differentiate through it", "StopGradient",
    graft_shape_same_as_input, G_CALLBACK (core_identity), 3, 0, { NULL } },
  { "VariableV2", "(shape: shape, dtype: type, container: string = \"\", shared_name: string = \"\") -> (ref: dtype)",
    "Holds a variable's value in the session", NULL, core_shape_variable, NULL, 0,
    GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "Assign", "(ref: T, value: T, validate_shape: bool = true, use_locking: bool = true) -> (output_ref: T)",
    "Stores value in the variable ref and outputs the new value", NULL, core_shape_assign, NULL, 0,
    GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "AssignAdd", "(ref: T, value: T, use_locking: bool = false) -> (output_ref: T), T in {float32, float64, int32, int64}",
    "Adds value to the variable ref and outputs the new value", NULL, core_shape_assign_update, NULL, 0,
    GRAFT_OP_FLAGS_STATEFUL, { NULL } },
  { "AssignSub", "(ref: T, value: T, use_locking: bool = false) -> (output_ref: T), T in {float32, float64, int32, int64}",
    "Subtracts value from the variable ref and outputs the new value", NULL, core_shape_assign_update, NULL, 0,
    GRAFT_OP_FLAGS_STATEFUL, { NULL } },
};

/* Identity's gradient is the gradient itself (TensorFlow's _IdGrad),
 * passed on through an Identity op of its own, so that each forward
 * Identity has a `gradients/<name>_grad/Identity` (as graft_gradients()'s
 * tests expect) and a fetch of it names the op it belongs to. */
static gboolean
identity_grad (GraftGradContext *ctx,
               GError          **error)
{
  GraftGraph *graph = graft_grad_context_get_graph (ctx);
  GraftOutput *g = graft_identity (graph, graft_grad_context_get_grad (ctx, 0));

  if (g == NULL)
    {
      g_propagate_error (error, graft_graph_take_error (graph));
      return FALSE;
    }
  graft_grad_context_set_input_grad (ctx, 0, g);
  return TRUE;
}

/* Const, Placeholder, VariableV2 and the Assign ops are the engine's own
 * business (graft_gradients() stops at them). */
static const GraftGradientInfo core_gradients[] = {
  { "Identity", identity_grad },
  GRAFT_NOT_DIFFERENTIABLE ("StopGradient"),
  GRAFT_NOT_DIFFERENTIABLE ("NoOp"),
};

static gboolean
core_init (GraftPlugin *plugin,
           GError     **error)
{
  return graft_plugin_add_ops (plugin, core_ops, G_N_ELEMENTS (core_ops), error) &&
         graft_plugin_add_gradients (plugin, core_gradients, G_N_ELEMENTS (core_gradients), error);
}

GRAFT_PLUGIN_DEFINE (core, GRAFT_VERSION_S, "Constants, placeholders, identities and variables",
                     "LGPL-2.1-or-later", core_init)
