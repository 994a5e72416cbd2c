/* math-kernels.h: the kernels of the math op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

#define GRAFT_MATH_MAX_RANK 32

/* y[i] = EXPR for every element, where EXPR reads the element as `v`: the
 * one elementwise loop of the family, instantiated once per dtype in each
 * unary kernel's switch. */
#define MATH_UNARY_LOOP(ctype, in, out, n, EXPR)                 \
  G_STMT_START {                                                 \
    const ctype *x_ = (const ctype *) (in);                      \
    ctype *y_ = (ctype *) (out);                                 \
    for (gsize i_ = 0; i_ < (n); i_++)                           \
      {                                                          \
        ctype v = x_[i_];                                        \
        y_[i_] = (EXPR);                                         \
      }                                                          \
  } G_STMT_END

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

G_END_DECLS
