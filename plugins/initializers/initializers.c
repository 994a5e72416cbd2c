/* initializers.c: TensorFlow 1.x's initializers (init_ops, and contrib's
 * xavier_initializer), as a plugin.
 *
 * Each row declares one initializer; its kernel fills the variable's first
 * value and its shape function checks the attributes against the
 * variable's dtype and shape when the variable is made. Random ones draw
 * from the seed pair Graft gives them (TensorFlow's get_seed rules), so the
 * same pair gives the same tensor.
 *
 * The initializers meant for real numbers leave their type variable open
 * and refuse other dtypes in the shape function, because TensorFlow's own
 * message ("Expected floating point type, got <dtype: 'int32'>.") is the one
 * to give, not the registry's generic one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "initializer-kernels.h"

/* zeros and ones take what TensorFlow's Zeros/Ones initializers make with
 * array_ops.zeros/ones: every real number type and bool; constant every
 * real number type (its values are a list of floats here). */
#define ALL_DTYPES "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64, bool}"
#define NUMERIC "T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}"

static const GraftOpInfo initializers[] = {
  {
    .name = "zeros",
    .signature = "() -> (out: T), " ALL_DTYPES,
    .summary = "Every element zero (false for bool)",
    .kernel = G_CALLBACK (init_zeros), .arity = 2,
  },
  {
    .name = "ones",
    .signature = "() -> (out: T), " ALL_DTYPES,
    .summary = "Every element one (true for bool)",
    .kernel = G_CALLBACK (init_ones), .arity = 2,
  },
  {
    .name = "constant",
    .signature = "(value: list(float) = [0.0], verify_shape: bool = false) -> (out: T), " NUMERIC,
    .summary = "The given values in order, the last one repeated to fill the shape",
    .shape = init_constant_shape,
    .kernel = G_CALLBACK (init_constant), .arity = 5,
  },
  {
    .name = "random_uniform",
    .signature = "(minval: float = 0.0, maxval: float = nan) -> (out: T)",
    .summary = "Uniform on [minval, maxval); maxval NaN (unset) means 1, and integers need it",
    .shape = init_random_uniform_shape,
    .kernel = G_CALLBACK (init_random_uniform), .arity = 4,
  },
  {
    .name = "random_normal",
    .signature = "(mean: float = 0.0, stddev: float = 1.0) -> (out: T)",
    .summary = "Normal with the given mean and standard deviation (floating dtypes)",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_random_normal), .arity = 4,
  },
  {
    .name = "truncated_normal",
    .signature = "(mean: float = 0.0, stddev: float = 1.0) -> (out: T)",
    .summary = "Normal, values beyond 2 stddev from the mean re-drawn (floating dtypes)",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_truncated_normal), .arity = 4,
  },
  {
    .name = "variance_scaling",
    .signature = "(scale: float = 1.0, mode: string = \"fan_in\", "
                 "distribution: string = \"truncated_normal\") -> (out: T)",
    .summary = "Variance scale / max(1, n), n = fan_in, fan_out or fan_avg; truncated_normal, "
               "untruncated_normal or uniform",
    .shape = init_variance_scaling_shape,
    .kernel = G_CALLBACK (init_variance_scaling), .arity = 5,
  },
  {
    .name = "glorot_uniform",
    .signature = "() -> (out: T)",
    .summary = "Uniform on [-L, L] with L = sqrt(6 / (fan_in + fan_out))",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_glorot_uniform), .arity = 2,
  },
  {
    .name = "glorot_normal",
    .signature = "() -> (out: T)",
    .summary = "Truncated normal of variance 2 / (fan_in + fan_out)",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_glorot_normal), .arity = 2,
  },
  {
    .name = "he_uniform",
    .signature = "() -> (out: T)",
    .summary = "Uniform on [-L, L] with L = sqrt(6 / fan_in)",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_he_uniform), .arity = 2,
  },
  {
    .name = "he_normal",
    .signature = "() -> (out: T)",
    .summary = "Truncated normal of variance 2 / fan_in",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_he_normal), .arity = 2,
  },
  {
    .name = "xavier",
    .signature = "(uniform: bool = true) -> (out: T)",
    .summary = "contrib's xavier_initializer: uniform with L = sqrt(3 / n) or truncated normal with "
               "stddev sqrt(1.3 / n), n = (fan_in + fan_out) / 2",
    .shape = init_xavier_shape,
    .kernel = G_CALLBACK (init_xavier), .arity = 3,
  },
  {
    .name = "uniform_unit_scaling",
    .signature = "(factor: float = 1.0) -> (out: T)",
    .summary = "Uniform on [-M, M] with M = factor * sqrt(3 / input_size)",
    .shape = init_shape_float,
    .kernel = G_CALLBACK (init_uniform_unit_scaling), .arity = 3,
  },
  {
    .name = "orthogonal",
    .signature = "(gain: float = 1.0) -> (out: T)",
    .summary = "gain times a random orthogonal matrix, flattened to (prod(shape[:-1]), shape[-1])",
    .shape = init_orthogonal_shape,
    .kernel = G_CALLBACK (init_orthogonal), .arity = 3,
  },
  {
    .name = "identity",
    .signature = "(gain: float = 1.0) -> (out: T)",
    .summary = "gain times the identity matrix (2-D only)",
    .shape = init_identity_shape,
    .kernel = G_CALLBACK (init_identity), .arity = 3,
  },
};

static gboolean
initializers_init (GraftPlugin *plugin,
                   GError     **error)
{
  return graft_plugin_add_initializers (plugin, initializers, G_N_ELEMENTS (initializers), error);
}

GRAFT_PLUGIN_DEFINE (initializers, GRAFT_VERSION_S, "TensorFlow 1.x initializers",
                     "LGPL-2.1-or-later", initializers_init)
