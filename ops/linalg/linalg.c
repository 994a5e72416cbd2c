/* linalg.c: the linalg op family: matrix products.
 *
 * MatMul multiplies floats with whichever library measured fastest for
 * the shape (linalg_choose_lib below; the table is in
 * docs/performance.md), among those the build found: OpenBLAS (CBLAS),
 * BLIS, oneDNN, and the portable GEMM of gemm.h, always built.
 * GRAFT_MATMUL, read once when the plugin loads, overrides the choice
 * (the test suite runs the MatMul cases under each):
 *   blas, blis, dnnl
 *             that library for every float product (oneDNN has no
 *             float64 product: float64 then goes by the rule)
 *   portable  the portable GEMM, the widest variant this CPU runs
 *   generic, avx2, avx512
 *             the portable GEMM, that variant (if built and supported)
 * Integers always use the portable GEMM (its generic variant).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "linalg-kernels.h"
#include "conv-ops.h"

/* Written once by linalg_init, before any kernel of the plugin can run;
 * only read afterwards, from any thread. */
static LinalgGemm gemm;

const LinalgGemm *
linalg_get_gemm (void)
{
  return &gemm;
}

/* The variant called `name`, or the widest one when NULL, if it was built
 * and this CPU runs it. */
static const GemmVariant *
variant_if_supported (const char *name)
{
#if defined (GRAFT_GEMM_HAVE_AVX512) || defined (GRAFT_GEMM_HAVE_AVX2)
  __builtin_cpu_init ();
#endif
#ifdef GRAFT_GEMM_HAVE_AVX512
  if ((name == NULL || strcmp (name, "avx512") == 0) &&
      __builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("fma"))
    return &gemm_variant_avx512;
#endif
#ifdef GRAFT_GEMM_HAVE_AVX2
  if ((name == NULL || strcmp (name, "avx2") == 0) &&
      __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return &gemm_variant_avx2;
#endif
  if (name == NULL || strcmp (name, "generic") == 0)
    return &gemm_variant_generic;
  return NULL;
}

/* MatMul's dtypes are TensorFlow 1.15's CPU registrations less complex;
 * int64 is Graft's own addition, kept. */
static const GraftOpInfo linalg_ops[] = {
  { "MatMul", "(a: T, b: T, transpose_a: bool = false, transpose_b: bool = false) -> (product: T), "
    "T in {float16, bfloat16, float32, float64, int32, int64}",
    "The matrix product a · b, each transposed first if asked; integers wrap", "MatMul",
    graft_shape_matmul, G_CALLBACK (linalg_matmul), 6, GRAFT_OP_FLAGS_EPILOGUE, { NULL } },
  CONV_OPS
};

/* The libraries the build found, by GRAFT_MATMUL's names. */
static const LinalgLib *
lib_named (const char *name)
{
#ifdef GRAFT_HAVE_CBLAS
  if (strcmp (name, "blas") == 0)
    return &linalg_lib_blas;
#endif
#ifdef GRAFT_HAVE_BLIS
  if (strcmp (name, "blis") == 0)
    return &linalg_lib_blis;
#endif
#ifdef GRAFT_HAVE_DNNL
  if (strcmp (name, "dnnl") == 0)
    return &linalg_lib_dnnl;
#endif
  return NULL;
}

/* The rule, from `bench/run.sh --backends` on this project's machine
 * (docs/performance.md, "Choosing the library", has the table). The
 * machine is a 2-core VM shared with other jobs, so the figures compared
 * are processor time, which stays near the cost of the work there where
 * wall time does not; on one thread the libraries are within 10-30 % of
 * each other and the portable GEMM trails them all (by 1.1-9x).
 *  - float32 on one thread: oneDNN, first or level on the MLP's layers at
 *    batch 64 and 512 (64 × 784 × 256: 292-318 µs, OpenBLAS 348-357,
 *    BLIS 336-351; 512 × 256 × 10: 56-60 µs, OpenBLAS 75-77) and at 256³;
 *    but for a single row (batch 1), where OpenBLAS's gemv is level or
 *    ahead (1 × 784 × 256: 15.9-16.5 µs, oneDNN 16.8-23.4), and squares of
 *    512 and more on every side, where OpenBLAS led once (512³: 3140 µs,
 *    oneDNN 4547) and was level twice, and is level at 1024³.
 *  - on more threads, OpenBLAS for all: oneDNN and BLIS run on OpenMP,
 *    whose threads wait for each other at barriers spinning; when one of
 *    them is not scheduled (here, a loaded machine; anywhere, a session
 *    thread or another process on the same core) a product takes 10 to
 *    1000 times longer (256³ on 2 threads: 7.8 ms of processor time with
 *    oneDNN, 0.46 with OpenBLAS on its own pthreads pool; a one-row
 *    product: 6.5 ms with BLIS, 33 µs with OpenBLAS).
 *  - float64: OpenBLAS (oneDNN has no double product).
 * BLIS is there for GRAFT_MATMUL and for builds without OpenBLAS; the
 * portable GEMM for builds without any library, for empty products and
 * as the reference. A library the build lacks passes its classes to the
 * next of OpenBLAS, BLIS, oneDNN (float32 only), the portable GEMM. */
static const LinalgLib *
first_built (gboolean f64,
             gboolean prefer_dnnl)
{
#ifdef GRAFT_HAVE_DNNL
  if (prefer_dnnl && !f64)
    return &linalg_lib_dnnl;
#endif
#ifdef GRAFT_HAVE_CBLAS
  return &linalg_lib_blas;
#endif
#ifdef GRAFT_HAVE_BLIS
  return &linalg_lib_blis;
#endif
#ifdef GRAFT_HAVE_DNNL
  if (!f64)
    return &linalg_lib_dnnl;
#endif
  return NULL;
}

const LinalgLib *
linalg_choose_lib (const LinalgGemm *gemm,
                   gboolean          f64,
                   gsize             m,
                   gsize             n,
                   gsize             k,
                   guint             threads)
{
  gboolean large_square = m >= 512 && n >= 512 && k >= 512;
  gboolean prefer_dnnl = threads == 1 && m > 1 && !large_square;

  if (gemm->forced_portable)
    return NULL;
  if (gemm->forced != NULL && (!f64 || gemm->forced->f64 != NULL))
    return gemm->forced;
  return first_built (f64, prefer_dnnl);
}

static gboolean
linalg_init (GraftPlugin *plugin,
             GError     **error)
{
  const char *choice = g_getenv ("GRAFT_MATMUL");
  const GemmVariant *chosen;

  gemm.portable = variant_if_supported (NULL);
#ifdef GRAFT_HAVE_CBLAS
  gemm.use_blas = TRUE;
#endif
  if (choice == NULL || *choice == '\0')
    ;
  else if (strcmp (choice, "blas") == 0 || strcmp (choice, "blis") == 0 || strcmp (choice, "dnnl") == 0)
    {
      if ((gemm.forced = lib_named (choice)) == NULL)
        g_warning ("GRAFT_MATMUL=%s, but Graft was built without that library: choosing by shape", choice);
    }
  else
    {
      /* Anything else asks for the portable GEMM, in a given variant
       * unless it says "portable". */
      gemm.use_blas = FALSE;
      gemm.forced_portable = TRUE;
      if (strcmp (choice, "portable") != 0)
        {
          if ((chosen = variant_if_supported (choice)) != NULL)
            gemm.portable = chosen;
          else
            g_warning ("GRAFT_MATMUL=%s: no GEMM variant of that name was built, or this CPU cannot run it; "
                       "using the portable %s GEMM", choice, gemm.portable->name);
        }
    }
  g_debug ("MatMul multiplies floats with %s", gemm.forced_portable ? gemm.portable->name
           : gemm.forced != NULL ? gemm.forced->name : "the library chosen by shape");

  return graft_plugin_add_ops (plugin, linalg_ops, G_N_ELEMENTS (linalg_ops), error) &&
         graft_plugin_add_gradients (plugin, linalg_gradients, linalg_n_gradients, error) &&
         graft_plugin_add_gradients (plugin, linalg_conv_gradients, linalg_n_conv_gradients, error);
}

GRAFT_PLUGIN_DEFINE (linalg, GRAFT_VERSION_S, "Matrix products, convolution and pooling", "LGPL-2.1-or-later", linalg_init)
