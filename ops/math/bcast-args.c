/* bcast-args.c: BroadcastGradientArgs, TensorFlow's reduction axes for the
 * gradients of a broadcasting binary op: given the shapes s0 and s1 of its
 * inputs, r0 and r1 list the axes of the broadcast result to sum the
 * gradient over for each input (TensorFlow's BCast: none when the shapes
 * are equal; an axis where both are 1 is in both).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "math-kernels.h"
#include "../op-messages.h"

/* A shape given as a tensor: its values as gint64, or FALSE. */
static gboolean
read_shape (const GraftTensor *t,
            gint64            *out,
            gsize             *n)
{
  guint rank;
  gconstpointer data = graft_tensor_get_data (t, NULL);

  graft_tensor_get_dims (t, &rank);
  *n = graft_tensor_get_num_elements (t);
  if (rank != 1 || *n > OP_MAX_RANK)
    return FALSE;
  for (gsize i = 0; i < *n; i++)
    out[i] = graft_tensor_get_dtype (t) == GRAFT_DTYPE_INT32 ? ((const gint32 *) data)[i] : ((const gint64 *) data)[i];
  return TRUE;
}

/* TensorFlow's BCast on two shapes; FALSE when they do not broadcast. */
static gboolean
reduction_axes (const gint64 *x, gsize nx, const gint64 *y, gsize ny,
                gint64 *rx, gsize *nrx, gint64 *ry, gsize *nry)
{
  gsize n = MAX (nx, ny);

  *nrx = *nry = 0;
  if (nx == ny && memcmp (x, y, nx * sizeof (gint64)) == 0)
    return TRUE;
  for (gsize a = 0; a < n; a++)
    {
      gint64 xa = a + nx >= n ? x[a + nx - n] : 1;
      gint64 ya = a + ny >= n ? y[a + ny - n] : 1;

      if (xa == ya)
        {
          if (xa == 1)
            {
              rx[(*nrx)++] = (gint64) a;
              ry[(*nry)++] = (gint64) a;
            }
        }
      else if (xa == 1)
        rx[(*nrx)++] = (gint64) a;
      else if (ya == 1)
        ry[(*nry)++] = (gint64) a;
      else
        return FALSE;
    }
  return TRUE;
}

static char *
shape_text (const gint64 *v, gsize n)
{
  GString *s = g_string_new ("[");

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, i ? ",%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, v[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

gboolean
math_shape_broadcast_gradient_args (GraftShapeContext *ctx,
                                    GError           **error)
{
  const GraftTensor *v0 = graft_shape_context_get_input_value (ctx, 0);
  const GraftTensor *v1 = graft_shape_context_get_input_value (ctx, 1);
  gint64 x[OP_MAX_RANK], y[OP_MAX_RANK], rx[OP_MAX_RANK], ry[OP_MAX_RANK];
  gsize nx, ny, nrx, nry;
  gint64 unknown = -1;

  for (guint i = 0; i < 2; i++)
    {
      gint r = graft_shape_context_get_input_rank (ctx, i);

      if (r >= 0 && r != 1)
        {
          g_autofree char *s = op_format_input_shape (ctx, i);

          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "Shape must be rank 1 but is rank %d for input s%u with shape %s", r, i, s);
          return FALSE;
        }
    }
  if (v0 == NULL || v1 == NULL || !read_shape (v0, x, &nx) || !read_shape (v1, y, &ny))
    {
      /* Known only when the op runs. */
      graft_shape_context_set_output (ctx, 0, 1, &unknown);
      graft_shape_context_set_output (ctx, 1, 1, &unknown);
      return TRUE;
    }
  if (!reduction_axes (x, nx, y, ny, rx, &nrx, ry, &nry))
    {
      g_autofree char *sx = shape_text (x, nx);
      g_autofree char *sy = shape_text (y, ny);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, "Incompatible shapes: %s vs. %s", sx, sy);
      return FALSE;
    }
  graft_shape_context_set_output (ctx, 0, 1, (gint64[]) { (gint64) nrx });
  graft_shape_context_set_output (ctx, 1, 1, (gint64[]) { (gint64) nry });
  return TRUE;
}

void
math_broadcast_gradient_args (GraftKernel       *k,
                              const GraftTensor *s0,
                              const GraftTensor *s1,
                              GraftTensor       *r0,
                              GraftTensor       *r1)
{
  gint64 x[OP_MAX_RANK], y[OP_MAX_RANK], rx[OP_MAX_RANK], ry[OP_MAX_RANK];
  gsize nx, ny, nrx, nry;
  gboolean i32 = graft_tensor_get_dtype (s0) == GRAFT_DTYPE_INT32;
  gpointer o0, o1;

  if (!read_shape (s0, x, &nx) || !read_shape (s1, y, &ny))
    {
      g_autofree char *t0 = op_format_tensor_shape (s0);
      g_autofree char *t1 = op_format_tensor_shape (s1);

      graft_kernel_set_error (k, "s0 and s1 must be vectors of at most %d dimensions, but have shapes %s and %s",
                              OP_MAX_RANK, t0, t1);
      return;
    }
  if (!reduction_axes (x, nx, y, ny, rx, &nrx, ry, &nry))
    {
      g_autofree char *sx = shape_text (x, nx);
      g_autofree char *sy = shape_text (y, ny);

      graft_kernel_set_error (k, "Incompatible shapes: %s vs. %s", sx, sy);
      return;
    }
  if (graft_tensor_get_num_elements (r0) != nrx || graft_tensor_get_num_elements (r1) != nry)
    {
      graft_kernel_set_error (k, "the outputs were allocated for %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT
                              " axes, but there are %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT,
                              graft_tensor_get_num_elements (r0), graft_tensor_get_num_elements (r1), nrx, nry);
      return;
    }
  o0 = graft_kernel_get_output_data (k, r0);
  o1 = graft_kernel_get_output_data (k, r1);
  for (gsize i = 0; i < nrx; i++)
    if (i32)
      ((gint32 *) o0)[i] = (gint32) rx[i];
    else
      ((gint64 *) o0)[i] = rx[i];
  for (gsize i = 0; i < nry; i++)
    if (i32)
      ((gint32 *) o1)[i] = (gint32) ry[i];
    else
      ((gint64 *) o1)[i] = ry[i];
}
