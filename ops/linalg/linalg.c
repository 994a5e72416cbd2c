/* linalg.c: the linalg op family: matrix products.
 *
 * MatMul multiplies floats with the portable GEMM of gemm.h when this CPU
 * runs its AVX-512 variant, and otherwise with CBLAS (OpenBLAS) when the
 * build found it, else the portable GEMM's widest variant. On AVX-512
 * machines the portable kernel beats Debian's OpenBLAS 0.3.21, whose
 * kernels for them are its AVX2 ones (190 against 105 GFLOP/s single
 * threaded at 512³ here), and it spreads rows over the session's threads.
 * GRAFT_MATMUL, read once when the plugin loads, overrides the choice (the
 * test suite runs the MatMul cases under several):
 *   blas      CBLAS
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
    graft_shape_matmul, G_CALLBACK (linalg_matmul), 6, 0, { NULL } },
  CONV_OPS
};

static gboolean
linalg_init (GraftPlugin *plugin,
             GError     **error)
{
  const char *choice = g_getenv ("GRAFT_MATMUL");
  const GemmVariant *chosen;

  gemm.portable = variant_if_supported (NULL);
#ifdef GRAFT_HAVE_CBLAS
  gemm.use_blas = strcmp (gemm.portable->name, "avx512") != 0;
#endif
  if (choice == NULL || *choice == '\0')
    ;
  else if (strcmp (choice, "blas") == 0)
    {
#ifdef GRAFT_HAVE_CBLAS
      gemm.use_blas = TRUE;
#endif
      if (!gemm.use_blas)
        g_warning ("GRAFT_MATMUL=blas, but Graft was built without CBLAS: using the portable %s GEMM",
                   gemm.portable->name);
    }
  else
    {
      /* Anything else asks for the portable GEMM, in a given variant
       * unless it says "portable". */
      gemm.use_blas = FALSE;
      if (strcmp (choice, "portable") != 0)
        {
          if ((chosen = variant_if_supported (choice)) != NULL)
            gemm.portable = chosen;
          else
            g_warning ("GRAFT_MATMUL=%s: no GEMM variant of that name was built, or this CPU cannot run it; "
                       "using the portable %s GEMM", choice, gemm.portable->name);
        }
    }
  g_debug ("MatMul multiplies floats with %s", gemm.use_blas ? "CBLAS" : gemm.portable->name);

  return graft_plugin_add_ops (plugin, linalg_ops, G_N_ELEMENTS (linalg_ops), error) &&
         graft_plugin_add_gradients (plugin, linalg_conv_gradients, linalg_n_conv_gradients, error);
}

GRAFT_PLUGIN_DEFINE (linalg, GRAFT_VERSION_S, "Matrix products, convolution and pooling", "LGPL-2.1-or-later", linalg_init)
