/* matmul.c: MatMul, product = op(a) · op(b), where op transposes a matrix
 * when transpose_a (transpose_b) is set; integers wrap.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <limits.h>

#include "linalg-kernels.h"
#include "../op-messages.h"

/* The libraries count in int. */
static gboolean
fits_int (gsize m,
          gsize n,
          gsize k)
{
  return m <= INT_MAX && n <= INT_MAX && k <= INT_MAX;
}

/* Columns of the product are independent: big products spread them over
 * the session's threads, each packing only its own columns of B. */
typedef struct {
  const GemmVariant *variant;
  gboolean f64;
  gboolean ta;
  gboolean tb;
  gsize m;
  gsize n;
  gsize depth;
  gconstpointer a;
  gconstpointer b;
  gpointer c;
} ColumnBlocks;

static void
column_block (gsize    begin,
              gsize    end,
              gpointer data)
{
  const ColumnBlocks *j = data;

  if (j->f64)
    j->variant->f64_cols (j->ta, j->tb, j->m, j->n, j->depth, begin, end, j->a, j->b, j->c);
  else
    j->variant->f32_cols (j->ta, j->tb, j->m, j->n, j->depth, begin, end, j->a, j->b, j->c);
}

/* A chunk of columns must be worth a thread: at least 64 of them, and the
 * whole product at least a million multiply-adds. */
#define COLUMN_GRAIN 64
#define PARALLEL_WORK (1u << 20)

static void
portable_float (GraftKernel       *k,
                const GemmVariant *variant,
                gboolean           f64,
                gboolean           ta,
                gboolean           tb,
                gsize              m,
                gsize              n,
                gsize              depth,
                gconstpointer      a,
                gconstpointer      b,
                gpointer           c)
{
  ColumnBlocks job = { variant, f64, ta, tb, m, n, depth, a, b, c };

  if (n >= 2 * COLUMN_GRAIN && (double) m * n * depth >= PARALLEL_WORK)
    graft_kernel_parallel_for (k, n, COLUMN_GRAIN, column_block, &job);
  else if (f64)
    variant->f64 (ta, tb, m, n, depth, a, b, c);
  else
    variant->f32 (ta, tb, m, n, depth, a, b, c);
}

void
linalg_gemm_float (GraftKernel      *k,
                   const LinalgGemm *gemm,
                   gboolean          f64,
                   gboolean          ta,
                   gboolean          tb,
                   gsize             m,
                   gsize             n,
                   gsize             depth,
                   gconstpointer     a,
                   gconstpointer     b,
                   gpointer          c)
{
  guint threads = graft_kernel_get_num_threads (k);
  const LinalgLib *lib = NULL;

  /* Empty products (C all zeros, or nothing) stay with the portable
   * GEMM, which writes all of C; so do those beyond int. */
  if (m > 0 && n > 0 && depth > 0 && fits_int (m, n, depth))
    lib = linalg_choose_lib (gemm, f64, m, n, depth, threads);
  if (lib == NULL)
    portable_float (k, gemm->portable, f64, ta, tb, m, n, depth, a, b, c);
  else if (f64)
    lib->f64 (threads, ta, tb, m, n, depth, a, b, c);
  else
    lib->f32 (threads, ta, tb, m, n, depth, a, b, c);
}

/* float16 and bfloat16: widened to float32, multiplied by the float32
 * GEMM, each product element rounded once to nearest even. */
static void
matmul_half (GraftKernel      *k,
             const LinalgGemm *gemm,
             GraftDType        dtype,
             gboolean          ta,
             gboolean          tb,
             gsize             m,
             gsize             n,
             gsize             depth,
             gconstpointer     pa,
             gconstpointer     pb,
             gpointer          pc)
{
  float *fa = g_try_new (float, MAX (m * depth, 1));
  float *fb = g_try_new (float, MAX (depth * n, 1));
  float *fc = g_try_new (float, MAX (m * n, 1));

  if (fa == NULL || fb == NULL || fc == NULL)
    graft_kernel_set_error (k, "Out of memory widening %s to float32", graft_dtype_get_name (dtype));
  else
    {
      graft_dtype_widen_to_float (dtype, pa, fa, m * depth);
      graft_dtype_widen_to_float (dtype, pb, fb, depth * n);
      linalg_gemm_float (k, gemm, FALSE, ta, tb, m, n, depth, fa, fb, fc);
      graft_dtype_narrow_from_float (dtype, fc, pc, m * n);
    }
  g_free (fa);
  g_free (fb);
  g_free (fc);
}

void
linalg_matmul (GraftKernel       *k,
               const GraftTensor *a,
               const GraftTensor *b,
               gboolean           transpose_a,
               gboolean           transpose_b,
               GraftTensor       *product)
{
  const LinalgGemm *gemm = linalg_get_gemm ();
  guint ra, rb, rc;
  const gint64 *da = graft_tensor_get_dims (a, &ra);
  const gint64 *db = graft_tensor_get_dims (b, &rb);
  const gint64 *dc = graft_tensor_get_dims (product, &rc);
  gconstpointer pa = graft_tensor_get_data (a, NULL), pb = graft_tensor_get_data (b, NULL);
  gpointer pc = graft_kernel_get_output_data (k, product);
  gsize m, n, depth;

  /* The product's shape was fixed when the op was built; inputs of
   * partial shape are checked only now. */
  if (ra != 2 || rb != 2 || da[transpose_a ? 0 : 1] != db[transpose_b ? 1 : 0] || rc != 2 ||
      dc[0] != da[transpose_a ? 1 : 0] || dc[1] != db[transpose_b ? 0 : 1])
    {
      g_autofree char *sa = op_format_tensor_shape (a);
      g_autofree char *sb = op_format_tensor_shape (b);
      g_autofree char *sc = op_format_tensor_shape (product);

      graft_kernel_set_error (k, "Matrix size-incompatible: a %s%s, b %s%s, product %s", sa,
                              transpose_a ? " (transposed)" : "", sb, transpose_b ? " (transposed)" : "", sc);
      return;
    }
  m = (gsize) dc[0];
  n = (gsize) dc[1];
  depth = (gsize) da[transpose_a ? 0 : 1];

  switch (graft_tensor_get_dtype (a))
    {
    case GRAFT_DTYPE_FLOAT32:
    case GRAFT_DTYPE_FLOAT64:
      linalg_gemm_float (k, gemm, graft_tensor_get_dtype (a) == GRAFT_DTYPE_FLOAT64, transpose_a, transpose_b,
                         m, n, depth, pa, pb, pc);
      break;
    case GRAFT_DTYPE_INT32:
      gemm_u32_generic (transpose_a, transpose_b, m, n, depth, pa, pb, pc);
      break;
    case GRAFT_DTYPE_INT64:
      gemm_u64_generic (transpose_a, transpose_b, m, n, depth, pa, pb, pc);
      break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      matmul_half (k, gemm, graft_tensor_get_dtype (a), transpose_a, transpose_b, m, n, depth, pa, pb, pc);
      break;
    default:
      graft_kernel_set_error (k, "MatMul does not support %s", graft_dtype_get_name (graft_tensor_get_dtype (a)));
    }
}
