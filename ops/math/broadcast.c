/* broadcast.c: the NumPy-broadcasting walk of the binary ops other than
 * Add, Sub, Mul and Div (which keep their own, tuned loop in binary.c):
 * Maximum, Minimum, Pow and the comparisons.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "math-kernels.h"

/* Strides of `t` seen from an output of rank `rank` (right-aligned, 0 on
 * broadcast axes); FALSE when `t` does not broadcast to the output (a
 * partial shape at build time let a misfit through). */
static gboolean
strides_of (const GraftTensor *t,
            guint              rank,
            const gint64      *out_dims,
            gint64            *strides)
{
  guint r;
  const gint64 *dims = graft_tensor_get_dims (t, &r);
  gint64 stride = 1;

  if (r > rank)
    return FALSE;
  for (guint i = rank; i-- > 0;)
    {
      gint ti = (gint) i - (gint) (rank - r);
      gint64 d = ti >= 0 ? dims[ti] : 1;

      if (d != 1 && d != out_dims[i])
        return FALSE;
      strides[i] = (d == 1 && out_dims[i] != 1) ? 0 : stride;
      stride *= d;
    }
  return TRUE;
}

gboolean
math_broadcast_walk (GraftKernel       *k,
                     const GraftTensor *x,
                     const GraftTensor *y,
                     const GraftTensor *z,
                     gsize              in_size,
                     gsize              out_size,
                     const guint8      *px,
                     const guint8      *py,
                     guint8            *pz,
                     MathInnerFunc      inner_fn,
                     gpointer           data)
{
  gsize nz = graft_tensor_get_num_elements (z);
  gsize nx = graft_tensor_get_num_elements (x), ny = graft_tensor_get_num_elements (y);
  gint64 sx[GRAFT_MATH_MAX_RANK], sy[GRAFT_MATH_MAX_RANK], idx[GRAFT_MATH_MAX_RANK];
  gint64 ix = 0, iy = 0;
  gsize inner, done = 0;
  const gint64 *dims;
  guint rank;

  /* Same shapes or scalars: one flat loop, most calls. */
  if ((nx == nz || nx == 1) && (ny == nz || ny == 1) && nz > 0)
    return inner_fn (px, nx == nz, py, ny == nz, pz, nz, data);

  dims = graft_tensor_get_dims (z, &rank);
  if (!strides_of (x, rank, dims, sx) || !strides_of (y, rank, dims, sy))
    {
      g_autofree char *tx = graft_shape_to_string (graft_tensor_get_shape (x));
      g_autofree char *ty = graft_shape_to_string (graft_tensor_get_shape (y));
      g_autofree char *tz = graft_shape_to_string (graft_tensor_get_shape (z));

      graft_kernel_set_error (k, "Incompatible shapes: %s and %s do not broadcast to %s", tx, ty, tz);
      return FALSE;
    }
  if (nz == 0)
    return TRUE;
  memset (idx, 0, sizeof (gint64) * rank);
  inner = rank == 0 ? 1 : (gsize) dims[rank - 1];
  while (done < nz)
    {
      if (!inner_fn (px + ix * in_size, rank ? sx[rank - 1] : 0, py + iy * in_size, rank ? sy[rank - 1] : 0,
                     pz + done * out_size, inner, data))
        return FALSE;
      done += inner;
      for (gint a = (gint) rank - 2; a >= 0; a--)
        {
          idx[a]++;
          ix += sx[a];
          iy += sy[a];
          if (idx[a] < dims[a])
            break;
          ix -= sx[a] * dims[a];
          iy -= sy[a] * dims[a];
          idx[a] = 0;
        }
    }
  return TRUE;
}

gboolean
math_broadcast_run (GraftKernel       *k,
                    const GraftTensor *x,
                    const GraftTensor *y,
                    GraftTensor       *z,
                    MathInnerFunc      inner_fn,
                    gpointer           data)
{
  GraftDType in = graft_tensor_get_dtype (x), out = graft_tensor_get_dtype (z);
  const guint8 *px = graft_tensor_get_data (x, NULL);
  const guint8 *py = graft_tensor_get_data (y, NULL);
  guint8 *pz = graft_kernel_get_output_data (k, z);
  gsize nx, ny, nz;
  g_autofree float *fx = NULL, *fy = NULL, *fz = NULL;
  gboolean ok;

  if (in != GRAFT_DTYPE_FLOAT16 && in != GRAFT_DTYPE_BFLOAT16)
    return math_broadcast_walk (k, x, y, z, graft_dtype_get_size (in), graft_dtype_get_size (out), px, py, pz,
                                inner_fn, data);

  /* The 16-bit floats compute in float32 (the inner function sees
   * floats), rounding a float result once on store. */
  nx = graft_tensor_get_num_elements (x);
  ny = graft_tensor_get_num_elements (y);
  nz = graft_tensor_get_num_elements (z);
  fx = g_try_new (float, MAX (nx, 1));
  fy = g_try_new (float, MAX (ny, 1));
  if (out == in)
    fz = g_try_new (float, MAX (nz, 1));
  if (fx == NULL || fy == NULL || (out == in && fz == NULL))
    {
      graft_kernel_set_error (k, "Out of memory widening %s to float32", graft_dtype_get_name (in));
      return FALSE;
    }
  graft_dtype_widen_to_float (in, px, fx, nx);
  graft_dtype_widen_to_float (in, py, fy, ny);
  ok = math_broadcast_walk (k, x, y, z, sizeof (float), out == in ? sizeof (float) : graft_dtype_get_size (out),
                            (const guint8 *) fx, (const guint8 *) fy, out == in ? (guint8 *) fz : pz, inner_fn, data);
  if (ok && out == in)
    graft_dtype_narrow_from_float (in, fz, pz, nz);
  return ok;
}
