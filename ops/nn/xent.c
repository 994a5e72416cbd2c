/* xent.c: the softmax cross-entropy losses, one row (example) at a time,
 * with the shifted logits z = logits - max of the row so nothing overflows:
 *
 *   SoftmaxCrossEntropyWithLogits:  loss = Σ labels · (log Σ exp z - z)
 *                                   backprop = softmax - labels
 *   SparseSoftmaxCrossEntropyWithLogits: the same with labels one-hot at
 *                                   each row's class index.
 *
 * float16 computes in float32 and rounds once on store, as TensorFlow's
 * Eigen::half kernels do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "nn-kernels.h"

/* A matrix broadcast to (rows, cols): the step from one row to the next
 * and from one column to the next, 0 along a dimension of size 1. */
typedef struct {
  gsize row, col;
} Strides;

static Strides
strides_of (const GraftTensor *t)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (t, &rank);

  return (Strides) { dims[0] == 1 ? 0 : (gsize) dims[1], dims[1] == 1 ? 0 : 1 };
}

/* `label` < 0: dense labels from `lab`; otherwise the class of the row. */
#define DEFINE_XENT_ROW(suffix, ctype, EXP)                                          \
  static void                                                                        \
  xent_row_##suffix (const ctype *x, gsize x_col, const ctype *lab, gsize l_col,      \
                     gint64 label, gsize cols, ctype *loss, ctype *back)             \
  {                                                                                  \
    ctype max = x[0];                                                                \
    double sum = 0, log_sum, acc = 0;                                                \
    for (gsize c = 1; c < cols; c++)                                                 \
      max = x[c * x_col] > max ? x[c * x_col] : max;                                 \
    for (gsize c = 0; c < cols; c++)                                                 \
      sum += EXP (x[c * x_col] - max);                                               \
    log_sum = log (sum);                                                             \
    for (gsize c = 0; c < cols; c++)                                                 \
      {                                                                              \
        ctype z = x[c * x_col] - max;                                                \
        double p = label < 0 ? (double) lab[c * l_col] : (double) ((gint64) c == label); \
        if (p != 0)                                                                  \
          acc += p * (log_sum - z);                                                  \
        back[c] = (ctype) (EXP (z) / sum - p);                                       \
      }                                                                              \
    *loss = (ctype) acc;                                                             \
  }

DEFINE_XENT_ROW (f32, float, expf)
DEFINE_XENT_ROW (f64, double, exp)

/* Every row; `labels` holds class indices when `sparse`. */
#define DEFINE_XENT(suffix, ctype)                                                   \
  static void                                                                        \
  xent_##suffix (const ctype *x, Strides xs, const ctype *lab, Strides ls,           \
                 const gint64 *classes, gsize rows, gsize cols, ctype *loss,         \
                 ctype *back)                                                        \
  {                                                                                  \
    for (gsize r = 0; r < rows; r++)                                                 \
      xent_row_##suffix (x + r * xs.row, xs.col, classes ? NULL : lab + r * ls.row,  \
                         ls.col, classes ? classes[r] : -1, cols, loss + r,          \
                         back + r * cols);                                           \
  }

DEFINE_XENT (f32, float)
DEFINE_XENT (f64, double)

/* float16: both inputs widened to float32 once, the loss computed there. */
static gboolean
xent_half (GraftDType         dtype,
           const GraftTensor *features,
           Strides            xs,
           const GraftTensor *labels,
           Strides            ls,
           const gint64      *classes,
           gsize              rows,
           gsize              cols,
           guint16           *loss,
           guint16           *back)
{
  gsize nx = graft_tensor_get_num_elements (features);
  gsize nl = labels ? graft_tensor_get_num_elements (labels) : 0;
  g_autofree float *x = g_try_new (float, MAX (nx, 1));
  g_autofree float *lab = g_try_new (float, MAX (nl, 1));
  g_autofree float *l32 = g_try_new (float, MAX (rows, 1));
  g_autofree float *b32 = g_try_new (float, MAX (rows * cols, 1));

  if (x == NULL || lab == NULL || l32 == NULL || b32 == NULL)
    return FALSE;
  graft_dtype_widen_to_float (dtype, graft_tensor_get_data (features, NULL), x, nx);
  if (labels)
    graft_dtype_widen_to_float (dtype, graft_tensor_get_data (labels, NULL), lab, nl);
  xent_f32 (x, xs, lab, ls, classes, rows, cols, l32, b32);
  graft_dtype_narrow_from_float (dtype, l32, loss, rows);
  graft_dtype_narrow_from_float (dtype, b32, back, rows * cols);
  return TRUE;
}

static void
run (GraftKernel       *k,
     const char        *op,
     const GraftTensor *features,
     const GraftTensor *labels,
     const gint64      *classes,
     GraftTensor       *loss,
     GraftTensor       *backprop)
{
  GraftDType dtype = graft_tensor_get_dtype (features);
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (backprop, &rank);
  gsize rows = (gsize) dims[0], cols = (gsize) dims[1];
  Strides xs = strides_of (features), ls = labels ? strides_of (labels) : (Strides) { 0, 0 };
  gpointer l = graft_kernel_get_output_data (k, loss), b = graft_kernel_get_output_data (k, backprop);
  gconstpointer x = graft_tensor_get_data (features, NULL), y = labels ? graft_tensor_get_data (labels, NULL) : NULL;

  /* No class: every loss is an empty sum. */
  if (cols == 0 || rows == 0)
    {
      memset (l, 0, rows * graft_dtype_get_size (dtype));
      return;
    }
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: xent_f32 (x, xs, y, ls, classes, rows, cols, l, b); break;
    case GRAFT_DTYPE_FLOAT64: xent_f64 (x, xs, y, ls, classes, rows, cols, l, b); break;
    case GRAFT_DTYPE_FLOAT16:
    case GRAFT_DTYPE_BFLOAT16:
      if (!xent_half (dtype, features, xs, labels, ls, classes, rows, cols, l, b))
        graft_kernel_set_error (k, "%s: out of memory for %" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT " logits", op,
                                rows, cols);
      break;
    default:
      graft_kernel_set_error (k, "%s does not support %s", op, graft_dtype_get_name (dtype));
    }
}

/* Shapes broadcast to (rows, cols) when the op was built or at run time;
 * checked again so that no index runs past an input. */
static gboolean
broadcastable (GraftKernel       *k,
               const GraftTensor *features,
               const GraftTensor *labels,
               const GraftTensor *backprop)
{
  guint rf, rl, ro;
  const gint64 *f = graft_tensor_get_dims (features, &rf), *l = graft_tensor_get_dims (labels, &rl);
  const gint64 *out = graft_tensor_get_dims (backprop, &ro);
  gboolean ok = rf == 2 && rl == 2;

  for (guint i = 0; ok && i < 2; i++)
    ok = (f[i] == out[i] || f[i] == 1) && (l[i] == out[i] || l[i] == 1);
  if (!ok)
    {
      g_autofree char *fs = op_format_tensor_shape (features);
      g_autofree char *ls = op_format_tensor_shape (labels);
      graft_kernel_set_error (k, "logits and labels must be broadcastable: logits_size=%s labels_size=%s", fs, ls);
    }
  return ok;
}

void
nn_xent (GraftKernel       *k,
         const GraftTensor *features,
         const GraftTensor *labels,
         GraftTensor       *loss,
         GraftTensor       *backprop)
{
  if (broadcastable (k, features, labels, backprop))
    run (k, "SoftmaxCrossEntropyWithLogits", features, labels, NULL, loss, backprop);
}

/* TensorFlow's text: the smallest label when one is negative, else the
 * largest, and every label value. */
static gboolean
check_labels (GraftKernel  *k,
              const gint64 *classes,
              gsize         n,
              gint64        n_classes)
{
  gint64 min = G_MAXINT64, max = G_MININT64;

  for (gsize i = 0; i < n; i++)
    {
      min = MIN (min, classes[i]);
      max = MAX (max, classes[i]);
    }
  if (n == 0 || (min >= 0 && max < n_classes))
    return TRUE;

  g_autoptr(GString) values = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (values, i > 0 ? " %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, classes[i]);
  graft_kernel_set_error (k, "Received a label value of %" G_GINT64_FORMAT " which is outside the valid range of [0, %"
                          G_GINT64_FORMAT ").  Label values: %s", min < 0 ? min : max, n_classes, values->str);
  return FALSE;
}

void
nn_sparse_xent (GraftKernel       *k,
                const GraftTensor *features,
                const GraftTensor *labels,
                GraftTensor       *loss,
                GraftTensor       *backprop)
{
  guint rf, rl;
  const gint64 *f = graft_tensor_get_dims (features, &rf), *l = graft_tensor_get_dims (labels, &rl);
  gsize n = graft_tensor_get_num_elements (labels);
  g_autofree gint64 *classes = NULL;

  if (rf != 2 || rl != 1 || f[0] != l[0])
    {
      g_autofree char *fs = op_format_tensor_shape (features);
      g_autofree char *ls = op_format_tensor_shape (labels);
      graft_kernel_set_error (k, "logits and labels must have the same first dimension, got logits shape %s and "
                              "labels shape %s", fs, ls);
      return;
    }
  if (f[1] <= 0)
    {
      g_autofree char *fs = op_format_tensor_shape (features);
      graft_kernel_set_error (k, "Must have at least one class, but got logits shape %s", fs);
      return;
    }
  classes = g_try_new (gint64, MAX (n, 1));
  if (classes == NULL)
    {
      graft_kernel_set_error (k, "SparseSoftmaxCrossEntropyWithLogits: out of memory for %" G_GSIZE_FORMAT " labels", n);
      return;
    }
  if (graft_tensor_get_dtype (labels) == GRAFT_DTYPE_INT32)
    {
      const gint32 *v = graft_tensor_get_data (labels, NULL);
      for (gsize i = 0; i < n; i++)
        classes[i] = v[i];
    }
  else
    memcpy (classes, graft_tensor_get_data (labels, NULL), n * sizeof (gint64));
  if (check_labels (k, classes, n, f[1]))
    run (k, "SparseSoftmaxCrossEntropyWithLogits", features, NULL, classes, loss, backprop);
}
