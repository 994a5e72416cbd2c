/* orthogonal.c: orthogonal(gain): gain times a random matrix with
 * orthonormal columns (or rows), reshaped to the variable's shape.
 *
 * TensorFlow's Orthogonal: the shape is flattened to rows = the product of
 * all dimensions but the last and cols = the last; a normal sample A of
 * shape (max, min) is factored A = QR (reduced), Q's columns are multiplied
 * by the signs of R's diagonal so that the result does not depend on the
 * QR algorithm's sign conventions (it is then Haar-distributed), and Q is
 * transposed when rows < cols. The sample is drawn in the variable's dtype
 * as TensorFlow draws it; the factorization runs in double precision, by
 * Householder reflections.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "initializer-kernels.h"

#define RANK_MESSAGE "The tensor to initialize must be at least two-dimensional"

gboolean
init_orthogonal_shape (GraftShapeContext *ctx,
                       GError           **error)
{
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "_shape");
  gint rank = graft_shape_get_rank (shape);

  if (!init_check_float (ctx, error))
    return FALSE;
  if (rank >= 0 && rank < 2)
    {
      g_set_error_literal (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, RANK_MESSAGE);
      return FALSE;
    }
  return init_shape_output (ctx);
}

/* Reduced QR of the m × n matrix `a` (row-major, m ≥ n): on return `q`
 * (m × n) holds Q · sign(diag R). `a` is overwritten with the Householder
 * vectors, one per column at and below the diagonal. */
static void
householder_q (double *a,
               gsize   m,
               gsize   n,
               double *r_diag,
               double *q)
{
  for (gsize k = 0; k < n; k++)
    {
      double norm2 = 0.0, norm, x0, alpha, vnorm;

      for (gsize i = k; i < m; i++)
        norm2 += a[i * n + k] * a[i * n + k];
      norm = sqrt (norm2);
      if (norm == 0.0)
        {
          /* A zero column: no reflection (v = 0), and R's entry is 0. */
          r_diag[k] = 0.0;
          continue;
        }
      /* Reflect x onto alpha·e1 with alpha of the opposite sign of x0, so
       * that x − alpha·e1 does not cancel. */
      x0 = a[k * n + k];
      alpha = x0 > 0.0 ? -norm : norm;
      vnorm = sqrt (2.0 * norm * (norm + fabs (x0)));
      a[k * n + k] = x0 - alpha;
      for (gsize i = k; i < m; i++)
        a[i * n + k] /= vnorm;
      for (gsize j = k + 1; j < n; j++)
        {
          double s = 0.0;

          for (gsize i = k; i < m; i++)
            s += a[i * n + k] * a[i * n + j];
          for (gsize i = k; i < m; i++)
            a[i * n + j] -= 2.0 * s * a[i * n + k];
        }
      r_diag[k] = alpha;
    }

  /* Q = H0 · H1 ⋯ H(n−1) applied to the first n columns of the identity,
   * last reflection first. H(k) leaves rows above k alone, and columns
   * left of k are still unit vectors there, so only columns k… change. */
  for (gsize i = 0; i < m * n; i++)
    q[i] = 0.0;
  for (gsize j = 0; j < n; j++)
    q[j * n + j] = 1.0;
  for (gsize k = n; k-- > 0;)
    {
      if (r_diag[k] == 0.0)
        continue;
      for (gsize j = k; j < n; j++)
        {
          double s = 0.0;

          for (gsize i = k; i < m; i++)
            s += a[i * n + k] * q[i * n + j];
          for (gsize i = k; i < m; i++)
            q[i * n + j] -= 2.0 * s * a[i * n + k];
        }
    }

  /* TensorFlow's sign(0) would zero a column; a zero pivot has
   * probability 0, and +1 keeps Q orthogonal if it happens. */
  for (gsize j = 0; j < n; j++)
    if (r_diag[j] < 0.0)
      for (gsize i = 0; i < m; i++)
        q[i * n + j] = -q[i * n + j];
}

void
init_orthogonal (GraftKernel *k,
                 double       gain,
                 GraftTensor *out)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gpointer data = graft_kernel_get_output_data (k, out);
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (out, &rank);
  gsize rows = 1, cols, m, n;
  g_autofree double *a = NULL;
  g_autofree double *q = NULL;
  g_autofree double *r_diag = NULL;
  GraftPhilox gen;

  if (rank < 2)
    {
      graft_kernel_set_error (k, RANK_MESSAGE);
      return;
    }
  for (guint i = 0; i + 1 < rank; i++)
    rows *= (gsize) dims[i];
  cols = (gsize) dims[rank - 1];
  m = MAX (rows, cols);
  n = MIN (rows, cols);
  if (n == 0)
    return;

  /* Large variables must fail the run, not the process. */
  a = g_try_new (double, m * n);
  q = g_try_new (double, m * n);
  r_diag = g_try_new (double, n);
  if (a == NULL || q == NULL || r_diag == NULL)
    {
      graft_kernel_set_error (k, "orthogonal: out of memory for a %" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT
                              " factorization", m, n);
      return;
    }

  graft_kernel_init_philox (k, &gen);
  if (dtype == GRAFT_DTYPE_FLOAT32)
    {
      /* The output has room for exactly m·n floats: draw there, widen. */
      float *f = data;

      graft_philox_fill_normal (&gen, dtype, 0, f, m * n);
      for (gsize i = 0; i < m * n; i++)
        a[i] = f[i];
    }
  else if (dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16)
    {
      /* The 16-bit floats draw the float32 sample, factorised in double
       * like the others and rounded on store; the sample needs its own
       * buffer, the output being too small for it. */
      g_autofree float *f = g_try_new (float, m * n);

      if (f == NULL)
        {
          graft_kernel_set_error (k, "orthogonal: out of memory for a %" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT
                                  " sample", m, n);
          return;
        }
      graft_philox_fill_normal (&gen, GRAFT_DTYPE_FLOAT32, 0, f, m * n);
      for (gsize i = 0; i < m * n; i++)
        a[i] = f[i];
    }
  else
    graft_philox_fill_normal (&gen, dtype, 0, a, m * n);

  householder_q (a, m, n, r_diag, q);

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      init_store (dtype, data, i * cols + j, gain * (rows >= cols ? q[i * n + j] : q[j * n + i]));
}
