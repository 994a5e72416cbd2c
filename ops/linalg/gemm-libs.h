/* gemm-libs.h: matrix products handed to a library — OpenBLAS (CBLAS),
 * BLIS, oneDNN — each optional, each in its own file so that their
 * headers (all of which declare a cblas.h of their own) never meet.
 *
 * Every product is row-major and dense, as in gemm.h: A is m × k (k × m
 * when ta), B k × n (n × k when tb), C m × n, all of C written. `threads`
 * is the session's thread count; each library is told it on every call
 * (see the files for how). Callers guarantee m, n, k ≥ 1 and ≤ INT_MAX.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*LinalgLibF32Func) (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
                                  const float *a, const float *b, float *c);
typedef void (*LinalgLibF64Func) (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
                                  const double *a, const double *b, double *c);

/* One library: f64 is NULL where it has no double product (oneDNN). */
typedef struct {
  const char *name;
  LinalgLibF32Func f32;
  LinalgLibF64Func f64;
} LinalgLib;

#ifdef GRAFT_HAVE_CBLAS
extern const LinalgLib linalg_lib_blas;
/* The kernel OpenBLAS picked for this CPU ("SkylakeX", "Haswell", …). */
const char *linalg_blas_corename (void);
#endif
#ifdef GRAFT_HAVE_BLIS
extern const LinalgLib linalg_lib_blis;
#endif
#ifdef GRAFT_HAVE_DNNL
extern const LinalgLib linalg_lib_dnnl;
#endif

G_END_DECLS
