/* math-kernels.h: the kernels of the math op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "../op-loops.h"

G_BEGIN_DECLS

#define GRAFT_MATH_MAX_RANK 32


void math_add    (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_sub    (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_mul    (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_div    (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);

void math_neg    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_square (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_sqrt   (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_exp    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_log    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_cast   (GraftKernel *k, const GraftTensor *x, GraftDType dst, GraftTensor *y);
void math_abs    (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_sign   (GraftKernel *k, const GraftTensor *x, GraftTensor *y);
void math_rsqrt  (GraftKernel *k, const GraftTensor *x, GraftTensor *y);

void math_maximum (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_minimum (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_pow     (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_greater       (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_greater_equal (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_less          (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_less_equal    (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_equal         (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_not_equal     (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);

void math_add_n  (GraftKernel *k, const GraftTensor *const *inputs, gsize n, GraftTensor *sum);
void math_select (GraftKernel *k, const GraftTensor *condition, const GraftTensor *t, const GraftTensor *e,
                  GraftTensor *output);
void math_broadcast_gradient_args (GraftKernel *k, const GraftTensor *s0, const GraftTensor *s1,
                                   GraftTensor *r0, GraftTensor *r1);

gboolean math_shape_add_n (GraftShapeContext *ctx, GError **error);
gboolean math_shape_select (GraftShapeContext *ctx, GError **error);
gboolean math_shape_broadcast_gradient_args (GraftShapeContext *ctx, GError **error);

/* The broadcasting walk of broadcast.c: calls `inner` on runs of output
 * elements, each input advancing by its stride (0 on a broadcast axis).
 * It returns FALSE to stop (the caller then sets the error). */
typedef gboolean (*MathInnerFunc) (const guint8 *x, gint64 sx, const guint8 *y, gint64 sy, guint8 *z, gsize n,
                                   gpointer data);
gboolean math_broadcast_walk (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, const GraftTensor *z,
                              gsize in_size, gsize out_size, const guint8 *px, const guint8 *py, guint8 *pz,
                              MathInnerFunc inner, gpointer data);
/* The same over the tensors' data; 16-bit float inputs reach `inner` as
 * float32, and a 16-bit float output is rounded from float32. FALSE when
 * `inner` stopped or the shapes do not broadcast (then with the error). */
gboolean math_broadcast_run (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z,
                             MathInnerFunc inner, gpointer data);

/* math-grad.c */
extern const GraftGradientInfo math_gradients[];
extern const guint math_n_gradients;

G_END_DECLS
