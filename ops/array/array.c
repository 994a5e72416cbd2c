/* array.c: the array op family: reshaping, transposing, filling and
 * arg-max, ops that move or make elements rather than compute with them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "array-kernels.h"

/* The dtypes are TensorFlow 1.15's CPU kernel registrations: Fill,
 * ZerosLike and OnesLike take every numeric type and bool (complex
 * included: they only copy or set bits), ArgMax every real number type.
 * Reshape, Transpose (and Identity) move elements of any dtype. */
#define VALUES "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64, bool, " \
               "complex64, complex128}"
#define REAL_NUMBER "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"

static const GraftOpInfo array_ops[] = {
  { "Reshape", "(tensor: T, shape: list(int)) -> (output: T)",
    "The elements of tensor, in order, laid out in shape; one size may be -1 and is inferred", "Reshape",
    array_shape_reshape, G_CALLBACK (array_reshape), 5, 0, { NULL } },
  { "Transpose", "(x: T, perm: list(int) = []) -> (y: T)",
    "The tensor x with its axes permuted: axis i of y is axis perm[i] of x; empty perm reverses them", "transpose",
    array_shape_transpose, G_CALLBACK (array_transpose), 5, 0, { NULL } },
  { "Fill", "(value: T, dims: list(int)) -> (output: T), " VALUES,
    "A tensor of shape dims with every element equal to the scalar value", "Fill",
    array_shape_fill, G_CALLBACK (array_fill), 5, 0, { NULL } },
  { "ZerosLike", "(x: T) -> (y: T), " VALUES, "Zeros with the shape and dtype of x", "zeros_like",
    graft_shape_same_as_input, G_CALLBACK (array_zeros_like), 3, 0, { NULL } },
  { "OnesLike", "(x: T) -> (y: T), " VALUES, "Ones with the shape and dtype of x", "ones_like",
    graft_shape_same_as_input, G_CALLBACK (array_ones_like), 3, 0, { NULL } },
  { "ArgMax", "(input: T, axis: int = 0, output_type: type = int64) -> (output: output_type), "
    REAL_NUMBER ", output_type in {int32, int64}",
    "The index of the largest value along axis (the first one on ties; NaN counts as largest)", "ArgMax",
    array_shape_argmax, G_CALLBACK (array_argmax), 5, 0, { NULL } },
};

/* TensorFlow's NotDifferentiable list for these. */
static const GraftGradientInfo array_gradients[] = {
  GRAFT_NOT_DIFFERENTIABLE ("ArgMax"),
  GRAFT_NOT_DIFFERENTIABLE ("ZerosLike"),
  GRAFT_NOT_DIFFERENTIABLE ("OnesLike"),
};

static gboolean
array_init (GraftPlugin *plugin,
            GError     **error)
{
  return graft_plugin_add_ops (plugin, array_ops, G_N_ELEMENTS (array_ops), error) &&
         graft_plugin_add_gradients (plugin, array_gradients, G_N_ELEMENTS (array_gradients), error);
}

GRAFT_PLUGIN_DEFINE (array, GRAFT_VERSION_S, "Reshaping, transposing, filling and arg-max",
                     "LGPL-2.1-or-later", array_init)
