/* math-kernels.h: the kernels of the math op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

#define GRAFT_MATH_MAX_RANK 32

void math_add (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_sub (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_mul (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);
void math_div (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z);

G_END_DECLS
