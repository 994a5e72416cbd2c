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
 *   Cast             every pair
 *   AddN             half bfloat16 float double int8 uint8 int16 uint16 int32 int64
 *   Maximum, Minimum half bfloat16 float double int32 int64
 *   Pow              half float double int32 int64
 *   Abs              half bfloat16 float double int8 int16 int32 int64
 *   Sign             half bfloat16 float double int32 int64
 *   Rsqrt            half bfloat16 float double
 *   Greater, GreaterEqual, Less, LessEqual
 *                    half bfloat16 float double int8 uint8 int16 int32 int64
 *   Equal, NotEqual  the same, uint16 and bool
 *   Select           every dtype */
#define ADD_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64}"
#define SUB_MUL_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"
#define DIV_T "T in {float16, bfloat16, float32, float64, uint8, int16, uint16, int32, int64}"
#define NUMERIC "T in {float16, bfloat16, float32, float64, int32, int64}"
#define REAL "T in {float16, bfloat16, float32, float64}"
#define ADD_N_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"
#define MINMAX_T NUMERIC
#define POW_T "T in {float16, float32, float64, int32, int64}"
#define ABS_T "T in {float16, bfloat16, float32, float64, int8, int16, int32, int64}"
#define COMPARE_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64}"
#define EQUAL_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64, bool}"
#define SELECT_T "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64, bool}"
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
  { "AddN", "(inputs: N * T) -> (sum: T), " ADD_N_T, "The elementwise sum of a list of tensors of one shape",
    "AddN", math_shape_add_n, G_CALLBACK (math_add_n), 4, 0, { NULL } },
  { "Maximum", "(x: T, y: T) -> (z: T), " MINMAX_T, "max(x, y) elementwise, broadcasting; NaN if either is",
    "Maximum", graft_shape_broadcast, G_CALLBACK (math_maximum), 4, 0, { NULL } },
  { "Minimum", "(x: T, y: T) -> (z: T), " MINMAX_T, "min(x, y) elementwise, broadcasting; NaN if either is",
    "Minimum", graft_shape_broadcast, G_CALLBACK (math_minimum), 4, 0, { NULL } },
  { "Pow", "(x: T, y: T) -> (z: T), " POW_T, "x to the power y, broadcasting; integers wrap", "Pow",
    graft_shape_broadcast, G_CALLBACK (math_pow), 4, 0, { NULL } },
  { "Abs", "(x: T) -> (y: T), " ABS_T, "|x|, elementwise", "Abs",
    graft_shape_same_as_input, G_CALLBACK (math_abs), 3, 0, { NULL } },
  { "Sign", "(x: T) -> (y: T), " NUMERIC, "-1, 0 or 1 by the sign of x, elementwise", "Sign",
    graft_shape_same_as_input, G_CALLBACK (math_sign), 3, 0, { NULL } },
  { "Rsqrt", "(x: T) -> (y: T), " REAL, "1 / sqrt(x), elementwise", "Rsqrt",
    graft_shape_same_as_input, G_CALLBACK (math_rsqrt), 3, 0, { NULL } },
  { "Greater", "(x: T, y: T) -> (z: bool), " COMPARE_T, "x > y elementwise, broadcasting", "Greater",
    graft_shape_broadcast, G_CALLBACK (math_greater), 4, 0, { NULL } },
  { "GreaterEqual", "(x: T, y: T) -> (z: bool), " COMPARE_T, "x >= y elementwise, broadcasting", "GreaterEqual",
    graft_shape_broadcast, G_CALLBACK (math_greater_equal), 4, 0, { NULL } },
  { "Less", "(x: T, y: T) -> (z: bool), " COMPARE_T, "x < y elementwise, broadcasting", "Less",
    graft_shape_broadcast, G_CALLBACK (math_less), 4, 0, { NULL } },
  { "LessEqual", "(x: T, y: T) -> (z: bool), " COMPARE_T, "x <= y elementwise, broadcasting", "LessEqual",
    graft_shape_broadcast, G_CALLBACK (math_less_equal), 4, 0, { NULL } },
  { "Equal", "(x: T, y: T) -> (z: bool), " EQUAL_T, "x == y elementwise, broadcasting", "Equal",
    graft_shape_broadcast, G_CALLBACK (math_equal), 4, 0, { NULL } },
  { "NotEqual", "(x: T, y: T) -> (z: bool), " EQUAL_T, "x != y elementwise, broadcasting", "NotEqual",
    graft_shape_broadcast, G_CALLBACK (math_not_equal), 4, 0, { NULL } },
  /* `condition: bool` would declare a bool attribute: a tensor input of
   * a fixed dtype bool is written with a type variable allowing only it. */
  { "Select", "(condition: Tcondition, t: T, e: T) -> (output: T), Tcondition in {bool}, " SELECT_T,
    "t where condition is true, else e; a vector condition picks rows", "Select",
    math_shape_select, G_CALLBACK (math_select), 5, 0, { NULL } },
  { "BroadcastGradientArgs", "(s0: T, s1: T) -> (r0: T, r1: T), T in {int32, int64}",
    "The axes to sum each input's gradient over for a broadcasting binary op on shapes s0 and s1",
    "BroadcastGradientArgs", math_shape_broadcast_gradient_args, G_CALLBACK (math_broadcast_gradient_args), 5, 0,
    { NULL } },
};

static gboolean
math_init (GraftPlugin *plugin,
           GError     **error)
{
  return graft_plugin_add_ops (plugin, math_ops, G_N_ELEMENTS (math_ops), error) &&
         graft_plugin_add_gradients (plugin, math_gradients, math_n_gradients, error);
}

GRAFT_PLUGIN_DEFINE (math, GRAFT_VERSION_S, "Arithmetic, elementwise functions and casts", "LGPL-2.1-or-later",
                     math_init)
