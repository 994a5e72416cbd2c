/* math.c: the math op family: arithmetic with NumPy broadcasting,
 * elementwise functions and dtype conversion.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "math-kernels.h"

/* The dtypes each op takes are TensorFlow 1.15's CPU kernel
 * registrations, less complex64/complex128, which Graft stores but does not
 * compute with:
 *   Add              half bfloat16 float double int8 uint8 int16 int32 int64
 *   Sub, Mul         half bfloat16 float double int8 uint8 int16 uint16 int32 int64
 *   Div              half bfloat16 float double uint8 int16 uint16 int32 int64
 *   Neg, Square      half bfloat16 float double int32 int64
 *   Sqrt, Exp, Log   half bfloat16 float double
 *   Cast             every pair */
#define ADD_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64}"
#define SUB_MUL_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"
#define DIV_T "T in {float16, bfloat16, float32, float64, uint8, int16, uint16, int32, int64}"
#define NUMERIC "T in {float16, bfloat16, float32, float64, int32, int64}"
#define REAL "T in {float16, bfloat16, float32, float64}"
/* Cast takes every dtype, as TensorFlow 1.15's CPU kernel does. */
#define CASTABLE "{float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64, bool, complex64, complex128}"

static const GraftOpInfo math_ops[] = {
  { "Add", "(x: T, y: T) -> (z: T), " ADD_T, "x + y, broadcasting", "add",
    graft_shape_broadcast, G_CALLBACK (math_add), 4, 0, { NULL } },
  { "Sub", "(x: T, y: T) -> (z: T), " SUB_MUL_T, "x - y, broadcasting", "sub",
    graft_shape_broadcast, G_CALLBACK (math_sub), 4, 0, { NULL } },
  { "Mul", "(x: T, y: T) -> (z: T), " SUB_MUL_T, "x * y, broadcasting", "mul",
    graft_shape_broadcast, G_CALLBACK (math_mul), 4, 0, { NULL } },
  { "Div", "(x: T, y: T) -> (z: T), " DIV_T, "x / y, broadcasting; integers truncate", "truediv",
    graft_shape_broadcast, G_CALLBACK (math_div), 4, 0, { NULL } },
  { "Neg", "(x: T) -> (y: T), " NUMERIC, "-x, elementwise", "Neg",
    graft_shape_same_as_input, G_CALLBACK (math_neg), 3, 0, { NULL } },
  { "Square", "(x: T) -> (y: T), " NUMERIC, "x * x, elementwise", "Square",
    graft_shape_same_as_input, G_CALLBACK (math_square), 3, 0, { NULL } },
  { "Sqrt", "(x: T) -> (y: T), " REAL, "The square root of x, elementwise", "Sqrt",
    graft_shape_same_as_input, G_CALLBACK (math_sqrt), 3, 0, { NULL } },
  { "Exp", "(x: T) -> (y: T), " REAL, "e to the power x, elementwise", "Exp",
    graft_shape_same_as_input, G_CALLBACK (math_exp), 3, 0, { NULL } },
  { "Log", "(x: T) -> (y: T), " REAL, "The natural logarithm of x, elementwise", "Log",
    graft_shape_same_as_input, G_CALLBACK (math_log), 3, 0, { NULL } },
  { "Cast", "(x: SrcT, DstT: type) -> (y: DstT), SrcT in " CASTABLE ", DstT in " CASTABLE,
    "x converted to DstT; floats truncate toward zero and saturate, nonzero is true", "Cast",
    graft_shape_same_as_input, G_CALLBACK (math_cast), 4, 0, { NULL } },
};

static gboolean
math_init (GraftPlugin *plugin,
           GError     **error)
{
  return graft_plugin_add_ops (plugin, math_ops, G_N_ELEMENTS (math_ops), error);
}

GRAFT_PLUGIN_DEFINE (math, GRAFT_VERSION_S, "Arithmetic, elementwise functions and casts", "LGPL-2.1-or-later",
                     math_init)
