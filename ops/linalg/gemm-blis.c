/* gemm-blis.c: products through BLIS's typed API.
 *
 * Threads: each call carries its own runtime object (rntm_t) with the
 * session's count, so concurrent sessions never disturb each other.
 * Row-major operands are BLIS matrices with row stride ld and column
 * stride 1; transposing is a flag, never a copy.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <blis.h>

#include "gemm-libs.h"

static void
blis_f32 (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
          const float *a, const float *b, float *c)
{
  float one = 1.0f, zero = 0.0f;
  rntm_t rntm = BLIS_RNTM_INITIALIZER;

  bli_rntm_set_num_threads ((dim_t) threads, &rntm);
  bli_sgemm_ex (ta ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, tb ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
                (dim_t) m, (dim_t) n, (dim_t) k, &one, (float *) a, ta ? (inc_t) m : (inc_t) k, 1,
                (float *) b, tb ? (inc_t) k : (inc_t) n, 1, &zero, c, (inc_t) n, 1, NULL, &rntm);
}

static void
blis_f64 (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
          const double *a, const double *b, double *c)
{
  double one = 1.0, zero = 0.0;
  rntm_t rntm = BLIS_RNTM_INITIALIZER;

  bli_rntm_set_num_threads ((dim_t) threads, &rntm);
  bli_dgemm_ex (ta ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, tb ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
                (dim_t) m, (dim_t) n, (dim_t) k, &one, (double *) a, ta ? (inc_t) m : (inc_t) k, 1,
                (double *) b, tb ? (inc_t) k : (inc_t) n, 1, &zero, c, (inc_t) n, 1, NULL, &rntm);
}

const LinalgLib linalg_lib_blis = { "blis", blis_f32, blis_f64 };
