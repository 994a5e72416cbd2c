/* gemm-dnnl.c: float32 products through oneDNN's dnnl_sgemm.
 *
 * oneDNN has no double product; MatMul's float64 goes elsewhere.
 * Threads: Debian's oneDNN runs on OpenMP and uses as many threads as
 * omp_get_max_threads() says on the calling thread; that setting belongs
 * to the calling thread, so setting it before each call gives the
 * session's count without touching other threads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include "gemm-libs.h"

static void
onednn_f32 (guint threads, gboolean ta, gboolean tb, gsize m, gsize n, gsize k,
          const float *a, const float *b, float *c)
{
  if (omp_get_max_threads () != (int) threads)
    omp_set_num_threads ((int) threads);
  /* Arguments were checked by the caller; dnnl_sgemm can only fail on
   * bad ones. */
  (void) dnnl_sgemm (ta ? 'T' : 'N', tb ? 'T' : 'N', (dnnl_dim_t) m, (dnnl_dim_t) n, (dnnl_dim_t) k, 1.0f,
                     a, ta ? (dnnl_dim_t) m : (dnnl_dim_t) k, b, tb ? (dnnl_dim_t) k : (dnnl_dim_t) n,
                     0.0f, c, (dnnl_dim_t) n);
}

const LinalgLib linalg_lib_dnnl = { "dnnl", onednn_f32, NULL };
