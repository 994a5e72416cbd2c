/* compare.c: Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual:
 * elementwise comparisons with NumPy broadcasting, giving bool. NaN
 * compares unequal to everything, itself included, as in C.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "math-kernels.h"

typedef enum { CMP_GT, CMP_GE, CMP_LT, CMP_LE, CMP_EQ, CMP_NE } CompareOp;

typedef struct {
  GraftDType dtype;             /* float32 for the 16-bit floats */
  CompareOp op;
} Compare;

#define CMP_LOOP(ctype, OPERATOR)                                                     \
  for (gsize i = 0; i < n; i++)                                                       \
    z[i] = ((const ctype *) x)[i * sx] OPERATOR ((const ctype *) y)[i * sy]

#define CMP_TYPE(ctype)                                                               \
  switch (c->op)                                                                      \
    {                                                                                 \
    case CMP_GT: CMP_LOOP (ctype, >); break;                                          \
    case CMP_GE: CMP_LOOP (ctype, >=); break;                                         \
    case CMP_LT: CMP_LOOP (ctype, <); break;                                          \
    case CMP_LE: CMP_LOOP (ctype, <=); break;                                         \
    case CMP_EQ: CMP_LOOP (ctype, ==); break;                                         \
    case CMP_NE: CMP_LOOP (ctype, !=); break;                                         \
    }

static gboolean
compare_inner (const guint8 *x, gint64 sx, const guint8 *y, gint64 sy, guint8 *z, gsize n, gpointer data)
{
  const Compare *c = data;

  switch (c->dtype)
    {
    case GRAFT_DTYPE_FLOAT32: CMP_TYPE (float); break;
    case GRAFT_DTYPE_FLOAT64: CMP_TYPE (double); break;
    case GRAFT_DTYPE_INT8: CMP_TYPE (gint8); break;
    case GRAFT_DTYPE_UINT8: CMP_TYPE (guint8); break;
    case GRAFT_DTYPE_INT16: CMP_TYPE (gint16); break;
    case GRAFT_DTYPE_UINT16: CMP_TYPE (guint16); break;
    case GRAFT_DTYPE_INT32: CMP_TYPE (gint32); break;
    case GRAFT_DTYPE_INT64: CMP_TYPE (gint64); break;
    /* Bools are stored 0 or 1, but compare as truth values. */
    case GRAFT_DTYPE_BOOL:
      for (gsize i = 0; i < n; i++)
        z[i] = (x[i * sx] != 0) == (y[i * sy] != 0) ? c->op == CMP_EQ : c->op == CMP_NE;
      break;
    default: break;
    }
  return TRUE;
}

static void
compare (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z, CompareOp op)
{
  GraftDType dt = graft_tensor_get_dtype (x);
  Compare c = { dt == GRAFT_DTYPE_FLOAT16 || dt == GRAFT_DTYPE_BFLOAT16 ? GRAFT_DTYPE_FLOAT32 : dt, op };

  math_broadcast_run (k, x, y, z, compare_inner, &c);
}

void math_greater (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z) { compare (k, x, y, z, CMP_GT); }
void math_greater_equal (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z) { compare (k, x, y, z, CMP_GE); }
void math_less (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z) { compare (k, x, y, z, CMP_LT); }
void math_less_equal (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z) { compare (k, x, y, z, CMP_LE); }
void math_equal (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z) { compare (k, x, y, z, CMP_EQ); }
void math_not_equal (GraftKernel *k, const GraftTensor *x, const GraftTensor *y, GraftTensor *z) { compare (k, x, y, z, CMP_NE); }
