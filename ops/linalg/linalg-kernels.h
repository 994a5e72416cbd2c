/* linalg-kernels.h: the kernels of the linalg op family.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

#include "gemm.h"

G_BEGIN_DECLS

/* How MatMul multiplies floats: chosen once, when the plugin loads. */
typedef struct {
  gboolean use_blas;            /* float32/float64 through CBLAS */
  const GemmVariant *portable;  /* otherwise, and for oversized BLAS calls */
} LinalgGemm;

const LinalgGemm *linalg_get_gemm (void);

void linalg_matmul (GraftKernel *k, const GraftTensor *a, const GraftTensor *b, gboolean transpose_a,
                    gboolean transpose_b, GraftTensor *product);

/* matmul-grad.c */
extern const GraftGradientInfo linalg_gradients[];
extern const guint linalg_n_gradients;

G_END_DECLS
