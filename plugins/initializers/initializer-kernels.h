/* initializer-kernels.h: the kernels and shape functions of TensorFlow 1.x's
 * initializers, and what they share.
 *
 * Every shape function checks the attributes against the variable's dtype
 * and shape when the variable is made, with TensorFlow's error texts, and
 * ends with init_shape_output(). Kernels run after that check, so they only
 * guard against what would corrupt memory.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

/* The float dtypes the initializers fill. float16 and bfloat16 are
 * storage types: the random initializers draw and scale in float32 and
 * round each value once, to nearest even, on store. */
static inline gboolean
init_dtype_is_float (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64 || dtype == GRAFT_DTYPE_FLOAT16 ||
         dtype == GRAFT_DTYPE_BFLOAT16;
}

static inline gboolean
init_dtype_is_half (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16;
}

/* common.c */
gboolean init_shape_output     (GraftShapeContext *ctx);
gboolean init_check_float      (GraftShapeContext *ctx, GError **error);
gboolean init_shape_float      (GraftShapeContext *ctx, GError **error);
char    *init_format_py_float  (double v);
gboolean init_is_int_value     (GraftDType dtype, double v);
void     init_store            (GraftDType dtype, gpointer data, gsize index, double v);

/* random.c: the sampling that the scaled initializers share */
void     init_fill_uniform     (GraftKernel *k, GraftTensor *out, double minval, double maxval);
void     init_fill_normal      (GraftKernel *k, GraftTensor *out, double mean, double stddev,
                                gboolean truncated);

/* constant.c */
gboolean init_constant_shape   (GraftShapeContext *ctx, GError **error);
void     init_zeros            (GraftKernel *k, GraftTensor *out);
void     init_ones             (GraftKernel *k, GraftTensor *out);
void     init_constant         (GraftKernel *k, const double *value, gsize n_value, gboolean verify_shape,
                                GraftTensor *out);

/* random.c */
gboolean init_random_uniform_shape (GraftShapeContext *ctx, GError **error);
void     init_random_uniform   (GraftKernel *k, double minval, double maxval, GraftTensor *out);
void     init_random_normal    (GraftKernel *k, double mean, double stddev, GraftTensor *out);
void     init_truncated_normal (GraftKernel *k, double mean, double stddev, GraftTensor *out);

/* variance-scaling.c */
gboolean init_variance_scaling_shape (GraftShapeContext *ctx, GError **error);
void     init_variance_scaling (GraftKernel *k, double scale, const char *mode, const char *distribution,
                                GraftTensor *out);
void     init_glorot_uniform   (GraftKernel *k, GraftTensor *out);
void     init_glorot_normal    (GraftKernel *k, GraftTensor *out);
void     init_he_uniform       (GraftKernel *k, GraftTensor *out);
void     init_he_normal        (GraftKernel *k, GraftTensor *out);

/* xavier.c */
gboolean init_xavier_shape     (GraftShapeContext *ctx, GError **error);
void     init_xavier           (GraftKernel *k, gboolean uniform, GraftTensor *out);

/* uniform-unit-scaling.c */
void     init_uniform_unit_scaling (GraftKernel *k, double factor, GraftTensor *out);

/* orthogonal.c */
gboolean init_orthogonal_shape (GraftShapeContext *ctx, GError **error);
void     init_orthogonal       (GraftKernel *k, double gain, GraftTensor *out);

/* identity.c */
gboolean init_identity_shape   (GraftShapeContext *ctx, GError **error);
void     init_identity         (GraftKernel *k, double gain, GraftTensor *out);

G_END_DECLS
