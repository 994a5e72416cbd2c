/* initializers.c: TensorFlow 1.x's initializers, as a plugin.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <graft-plugin.h>

/* zeros_initializer: every element 0 (false for bool). */
static void
zeros (GraftKernel *k,
       GraftTensor *out)
{
  gsize size;

  graft_tensor_get_data (out, &size);
  memset (graft_kernel_get_output_data (k, out), 0, size);
}

static const GraftOpInfo initializers[] = {
  GRAFT_INITIALIZER_DEF ("zeros", zeros, 2, "() -> (out: T), T in {float32, float64, int32, int64, bool}",
                     "Every element zero (false for bool)"),
  GRAFT_INITIALIZER_DEF ("glorot_uniform", NULL, 0, "() -> (out: T), T in {float32, float64}",
                     "Uniform on [-L, L] with L = sqrt(6 / (fan_in + fan_out))"),
};

static gboolean
initializers_init (GraftPlugin *plugin,
                   GError     **error)
{
  return graft_plugin_add_initializers (plugin, initializers, G_N_ELEMENTS (initializers), error);
}

GRAFT_PLUGIN_DEFINE (initializers, GRAFT_VERSION_S, "TensorFlow 1.x initializers",
                     "LGPL-2.1-or-later", initializers_init)
