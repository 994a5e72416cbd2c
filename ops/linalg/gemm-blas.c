/* gemm-blas.c: products through CBLAS, as OpenBLAS provides it.
 *
 * Threads: OpenBLAS has one process-wide thread count and no per-call
 * setting, so each call sets it to the session's count when it differs
 * from the current one. Two sessions with different counts running
 * products at the same moment may each get the other's count for a call;
 * results do not depend on it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cblas.h>

#include "gemm-libs.h"

/* Not in every cblas.h, always in OpenBLAS. */
extern void openblas_set_num_threads (int num_threads);
extern int openblas_get_num_threads (void);
extern char *openblas_get_corename (void);

const char *
linalg_blas_corename (void)
{
  return openblas_get_corename ();
}

static void
set_threads (guint threads)
{
  if (openblas_get_num_threads () != (int) threads)
    openblas_set_num_threads ((int) threads);
}

/* A single row of A (a batch of 1) is a matrix-vector product: OpenBLAS
 * 0.3.21's sgemm would copy all of B into its packed layout first, which
 * costs as much as the product. With m = 1, A is a contiguous vector
 * whether transposed or not. */
static void
blas_f32 (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
          const float *a, const float *b, float *c)
{
  set_threads (threads);
  if (m == 1)
    cblas_sgemv (CblasRowMajor, tb ? CblasNoTrans : CblasTrans, (int) (tb ? n : k), (int) (tb ? k : n), 1.0f,
                 b, (int) (tb ? k : n), a, 1, 0.0f, c, 1);
  else
    cblas_sgemm (CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                 (int) m, (int) n, (int) k, 1.0f, a, (int) (ta ? m : k), b, (int) (tb ? k : n),
                 0.0f, c, (int) n);
}

static void
blas_f64 (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
          const double *a, const double *b, double *c)
{
  set_threads (threads);
  if (m == 1)
    cblas_dgemv (CblasRowMajor, tb ? CblasNoTrans : CblasTrans, (int) (tb ? n : k), (int) (tb ? k : n), 1.0,
                 b, (int) (tb ? k : n), a, 1, 0.0, c, 1);
  else
    cblas_dgemm (CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                 (int) m, (int) n, (int) k, 1.0, a, (int) (ta ? m : k), b, (int) (tb ? k : n),
                 0.0, c, (int) n);
}

const LinalgLib linalg_lib_blas = { "blas", blas_f32, blas_f64 };
