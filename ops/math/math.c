/* math.c: the math op family: arithmetic with NumPy broadcasting.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "math-kernels.h"

#define NUMERIC "T in {float32, float64, int32, int64}"

static const GraftOpInfo math_ops[] = {
  { "Add", "(x: T, y: T) -> (z: T), " NUMERIC, "x + y, broadcasting", "add",
    graft_shape_broadcast, G_CALLBACK (math_add), 4, 0, { NULL } },
  { "Sub", "(x: T, y: T) -> (z: T), " NUMERIC, "x - y, broadcasting", "sub",
    graft_shape_broadcast, G_CALLBACK (math_sub), 4, 0, { NULL } },
  { "Mul", "(x: T, y: T) -> (z: T), " NUMERIC, "x * y, broadcasting", "mul",
    graft_shape_broadcast, G_CALLBACK (math_mul), 4, 0, { NULL } },
  { "Div", "(x: T, y: T) -> (z: T), " NUMERIC, "x / y, broadcasting; integers truncate", "truediv",
    graft_shape_broadcast, G_CALLBACK (math_div), 4, 0, { NULL } },
};

static gboolean
math_init (GraftPlugin *plugin,
           GError     **error)
{
  return graft_plugin_add_ops (plugin, math_ops, G_N_ELEMENTS (math_ops), error);
}

GRAFT_PLUGIN_DEFINE (math, GRAFT_VERSION_S, "Arithmetic", "LGPL-2.1-or-later", math_init)
