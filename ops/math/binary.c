/* binary.c: Add, Sub, Mul, Div: z = x ∘ y elementwise, with NumPy
 * broadcasting.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "math-kernels.h"

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV } BinaryOp;

/* Strides of `t` seen from an output of rank `rank` (right-aligned, 0 on
 * broadcast axes). FALSE when `t` does not broadcast to the output: the
 * output's shape is fixed when the op is built, and an input of partial
 * shape may be fed a value that does not fit it. */
static gboolean
broadcast_strides (const GraftTensor *t,
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

static void
set_shape_error (GraftKernel       *k,
                 const GraftTensor *x,
                 const GraftTensor *y,
                 const GraftTensor *z)
{
  g_autofree char *tx = graft_shape_to_string (graft_tensor_get_shape (x));
  g_autofree char *ty = graft_shape_to_string (graft_tensor_get_shape (y));
  g_autofree char *tz = graft_shape_to_string (graft_tensor_get_shape (z));

  graft_kernel_set_error (k, "Incompatible shapes: %s and %s do not broadcast to %s", tx, ty, tz);
}

/* One loop per dtype; the op switch sits outside the loops so each loop is
 * a plain vectorisable body. */
#define DEFINE_BINARY(suffix, ctype)                                                      \
  static void                                                                             \
  binary_##suffix (BinaryOp op, const ctype *x, gint64 sx, const ctype *y, gint64 sy,      \
                   ctype *z, gsize n)                                                     \
  {                                                                                       \
    switch (op)                                                                           \
      {                                                                                   \
      case OP_ADD: for (gsize i = 0; i < n; i++) z[i] = x[i * sx] + y[i * sy]; break;     \
      case OP_SUB: for (gsize i = 0; i < n; i++) z[i] = x[i * sx] - y[i * sy]; break;     \
      case OP_MUL: for (gsize i = 0; i < n; i++) z[i] = x[i * sx] * y[i * sy]; break;     \
      case OP_DIV: for (gsize i = 0; i < n; i++) z[i] = x[i * sx] / y[i * sy]; break;     \
      }                                                                                   \
  }

DEFINE_BINARY (f32, float)
DEFINE_BINARY (f64, double)

/* Integer division truncates toward zero as C does; division by zero is an
 * error, not a crash. */
#define DEFINE_BINARY_INT(suffix, ctype, IS_MINUS_ONE)                                    \
  static gboolean                                                                         \
  binary_##suffix (BinaryOp op, const ctype *x, gint64 sx, const ctype *y, gint64 sy,      \
                   ctype *z, gsize n)                                                     \
  {                                                                                       \
    switch (op)                                                                           \
      {                                                                                   \
      case OP_ADD: for (gsize i = 0; i < n; i++) z[i] = (ctype) ((guint64) x[i * sx] + (guint64) y[i * sy]); break; \
      case OP_SUB: for (gsize i = 0; i < n; i++) z[i] = (ctype) ((guint64) x[i * sx] - (guint64) y[i * sy]); break; \
      case OP_MUL: for (gsize i = 0; i < n; i++) z[i] = (ctype) ((guint64) x[i * sx] * (guint64) y[i * sy]); break; \
      case OP_DIV:                                                                        \
        for (gsize i = 0; i < n; i++)                                                     \
          {                                                                               \
            ctype d = y[i * sy];                                                          \
            if (d == 0)                                                                   \
              return FALSE;                                                               \
            z[i] = (IS_MINUS_ONE) ? (ctype) (0 - (guint64) x[i * sx]) : (ctype) (x[i * sx] / d); \
          }                                                                               \
        break;                                                                            \
      }                                                                                   \
    return TRUE;                                                                          \
  }

/* x / -1 is negated by hand: INT_MIN / -1 traps on x86. Unsigned types
 * have no -1, and saying so avoids an always-false comparison. */
DEFINE_BINARY_INT (i8, gint8, d == -1)
DEFINE_BINARY_INT (u8, guint8, FALSE)
DEFINE_BINARY_INT (i16, gint16, d == -1)
DEFINE_BINARY_INT (u16, guint16, FALSE)
DEFINE_BINARY_INT (i32, gint32, d == -1)
DEFINE_BINARY_INT (i64, gint64, d == -1)

static gboolean
run_loop (GraftDType     dtype,
          BinaryOp       op,
          const guint8  *x,
          gint64         sx,
          const guint8  *y,
          gint64         sy,
          guint8        *z,
          gsize          n)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: binary_f32 (op, (const float *) x, sx, (const float *) y, sy, (float *) z, n); return TRUE;
    case GRAFT_DTYPE_FLOAT64: binary_f64 (op, (const double *) x, sx, (const double *) y, sy, (double *) z, n); return TRUE;
    case GRAFT_DTYPE_INT32: return binary_i32 (op, (const gint32 *) x, sx, (const gint32 *) y, sy, (gint32 *) z, n);
    case GRAFT_DTYPE_INT64: return binary_i64 (op, (const gint64 *) x, sx, (const gint64 *) y, sy, (gint64 *) z, n);
    case GRAFT_DTYPE_INT8: return binary_i8 (op, (const gint8 *) x, sx, (const gint8 *) y, sy, (gint8 *) z, n);
    case GRAFT_DTYPE_UINT8: return binary_u8 (op, (const guint8 *) x, sx, (const guint8 *) y, sy, (guint8 *) z, n);
    case GRAFT_DTYPE_INT16: return binary_i16 (op, (const gint16 *) x, sx, (const gint16 *) y, sy, (gint16 *) z, n);
    case GRAFT_DTYPE_UINT16: return binary_u16 (op, (const guint16 *) x, sx, (const guint16 *) y, sy, (guint16 *) z, n);
    default: return TRUE;
    }
}

/* Runs the innermost axis as one strided loop; outer axes walk an index.
 * The shapes come from the tensors, the elements (of `dtype`) from px, py
 * and pz, so 16-bit floats can run through here widened to float32. */
static void
binary_buffers (GraftKernel       *k,
                BinaryOp           op,
                GraftDType         dtype,
                const GraftTensor *x,
                const guint8      *px,
                const GraftTensor *y,
                const guint8      *py,
                const GraftTensor *z,
                guint8            *pz)
{
  gsize esize = graft_dtype_get_size (dtype);
  gsize nz = graft_tensor_get_num_elements (z);
  gsize nx = graft_tensor_get_num_elements (x), ny = graft_tensor_get_num_elements (y);
  guint rank;
  const gint64 *dims;
  gint64 sx[GRAFT_MATH_MAX_RANK], sy[GRAFT_MATH_MAX_RANK], idx[GRAFT_MATH_MAX_RANK];
  gsize total = graft_tensor_get_num_elements (z), inner, done = 0;
  gint64 ix = 0, iy = 0, inner_sx, inner_sy;

  /* Inputs of the output's size or scalars (the session has checked the
   * shapes): one flat loop, no strides to work out. This is most calls. */
  if ((nx == nz || nx == 1) && (ny == nz || ny == 1) && nz > 0)
    {
      if (!run_loop (dtype, op, px, nx == nz, py, ny == nz, pz, nz))
        graft_kernel_set_error (k, "Integer division by zero");
      return;
    }

  /* Cleared here rather than at their declaration: the fast path above
   * must not pay for three rank-32 arrays. */
  dims = graft_tensor_get_dims (z, &rank);
  memset (idx, 0, sizeof idx);
  if (!broadcast_strides (x, rank, dims, sx) || !broadcast_strides (y, rank, dims, sy))
    {
      set_shape_error (k, x, y, z);
      return;
    }
  if (total == 0)
    return;
  if (rank == 0)
    {
      inner = 1;
      inner_sx = inner_sy = 0;
    }
  else
    {
      inner = (gsize) dims[rank - 1];
      inner_sx = sx[rank - 1];
      inner_sy = sy[rank - 1];
    }

  while (done < total)
    {
      const guint8 *ax = px + ix * esize, *ay = py + iy * esize;
      guint8 *az = pz + done * esize;
      gboolean ok;

      ok = run_loop (dtype, op, ax, inner_sx, ay, inner_sy, az, inner);
      if (!ok)
        {
          graft_kernel_set_error (k, "Integer division by zero");
          return;
        }
      done += inner;
      /* Advance the outer index (odometer) and the input offsets. */
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
}

/* The 16-bit floats compute in float32, as TensorFlow's Eigen::half and
 * bfloat16 do, rounding each result once on store. */
static void
binary (GraftKernel       *k,
        BinaryOp           op,
        const GraftTensor *x,
        const GraftTensor *y,
        GraftTensor       *z)
{
  GraftDType dtype = graft_tensor_get_dtype (z);
  const guint8 *px = graft_tensor_get_data (x, NULL);
  const guint8 *py = graft_tensor_get_data (y, NULL);
  guint8 *pz = graft_kernel_get_output_data (k, z);
  gsize nx, ny, nz;
  float *fx, *fy, *fz;

  if (dtype != GRAFT_DTYPE_FLOAT16 && dtype != GRAFT_DTYPE_BFLOAT16)
    {
      binary_buffers (k, op, dtype, x, px, y, py, z, pz);
      return;
    }
  nx = graft_tensor_get_num_elements (x);
  ny = graft_tensor_get_num_elements (y);
  nz = graft_tensor_get_num_elements (z);
  fx = g_try_new (float, MAX (nx, 1));
  fy = g_try_new (float, MAX (ny, 1));
  fz = g_try_new (float, MAX (nz, 1));
  if (fx == NULL || fy == NULL || fz == NULL)
    graft_kernel_set_error (k, "Out of memory widening %s to float32", graft_dtype_get_name (dtype));
  else
    {
      graft_dtype_widen_to_float (dtype, px, fx, nx);
      graft_dtype_widen_to_float (dtype, py, fy, ny);
      binary_buffers (k, op, GRAFT_DTYPE_FLOAT32, x, (const guint8 *) fx, y, (const guint8 *) fy,
                      z, (guint8 *) fz);
      graft_dtype_narrow_from_float (dtype, fz, pz, nz);
    }
  g_free (fx);
  g_free (fy);
  g_free (fz);
}

void
math_add (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  binary (k, OP_ADD, x, y, z);
}

void
math_sub (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  binary (k, OP_SUB, x, y, z);
}

void
math_mul (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  binary (k, OP_MUL, x, y, z);
}

void
math_div (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z)
{
  binary (k, OP_DIV, x, y, z);
}
