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

G_END_DECLS
