/* gemm.h: the portable matrix product, C = op(A) · op(B), used by MatMul
 * when CBLAS is absent or not wanted, and for integers.
 *
 * Every function takes row-major A (m × k, or k × m when ta), B (k × n, or
 * n × k when tb) and writes all of row-major C (m × n). Integers multiply
 * as unsigned, which wraps exactly as the signed types do.
 *
 * gemm-portable.c is compiled once per variant: "generic" with the
 * compiler's baseline flags, and on x86-64 also "avx2" and "avx512" with
 * those instruction sets enabled, each with a register tile sized for its
 * vector registers. linalg.c picks one at run time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*GemmF32Func) (gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
                             const float *a, const float *b, float *c);
typedef void (*GemmF64Func) (gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
                             const double *a, const double *b, double *c);

/* Columns [j0, j1) of the same product, C's row stride staying n. */
typedef void (*GemmF32ColsFunc) (gboolean ta, gboolean tb, gsize m, gsize n, gsize k, gsize j0, gsize j1,
                                 const float *a, const float *b, float *c);
typedef void (*GemmF64ColsFunc) (gboolean ta, gboolean tb, gsize m, gsize n, gsize k, gsize j0, gsize j1,
                                 const double *a, const double *b, double *c);

/* One compiled variant of the floating-point products. */
typedef struct {
  const char *name;
  GemmF32Func f32;
  GemmF64Func f64;
  GemmF32ColsFunc f32_cols;
  GemmF64ColsFunc f64_cols;
} GemmVariant;

extern const GemmVariant gemm_variant_generic;
#ifdef GRAFT_GEMM_HAVE_AVX2
extern const GemmVariant gemm_variant_avx2;
#endif
#ifdef GRAFT_GEMM_HAVE_AVX512
extern const GemmVariant gemm_variant_avx512;
#endif

/* Integer products: only the generic variant has them, they are not
 * worth a tuned kernel. */
void gemm_u32_generic (gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
                       const guint32 *a, const guint32 *b, guint32 *c);
void gemm_u64_generic (gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
                       const guint64 *a, const guint64 *b, guint64 *c);

G_END_DECLS
