/* shapes.c: the shape functions the nn ops share beyond same-as-input:
 * two inputs of one shape (the activation gradients), the cross-entropy
 * losses, BiasAdd and BiasAddGrad. Messages follow TensorFlow's shape
 * functions, with Graft's spelling of shapes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "nn-kernels.h"

static gboolean
shapes_error (GraftShapeContext *ctx,
              GError           **error,
              const char        *what)
{
  g_autoptr(GString) shapes = g_string_new (NULL);

  for (guint i = 0; i < graft_shape_context_get_num_inputs (ctx); i++)
    {
      g_autofree char *s = op_format_input_shape (ctx, i);
      g_string_append_printf (shapes, i > 0 ? ", %s" : "%s", s);
    }
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, "%s with input shapes: %s.", what, shapes->str);
  return FALSE;
}

/* Input `index` must have rank `want` (or an unknown one). */
static gboolean
check_rank (GraftShapeContext *ctx,
            guint              index,
            const char        *name,
            gint               want,
            gboolean           at_least,
            GError           **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, index);
  g_autofree char *what = NULL;

  if (rank < 0 || rank == want || (at_least && rank > want))
    return TRUE;
  what = g_strdup_printf ("Shape must be %srank %d but is rank %d for '%s'", at_least ? "at least " : "", want, rank,
                          name);
  return shapes_error (ctx, error, what);
}

static gboolean
dims_mismatch (GraftShapeContext *ctx,
               gint64             a,
               gint64             b,
               GError           **error)
{
  g_autofree char *what = g_strdup_printf ("Dimensions must be equal, but are %" G_GINT64_FORMAT " and %"
                                           G_GINT64_FORMAT, a, b);

  return shapes_error (ctx, error, what);
}

/* The two inputs have one shape, which the output takes: what is known of
 * either fills what the other leaves unknown (TensorFlow's Merge). */
gboolean
nn_shape_same_shapes (GraftShapeContext *ctx,
                      GError           **error)
{
  gint ra = graft_shape_context_get_input_rank (ctx, 0), rb = graft_shape_context_get_input_rank (ctx, 1);
  const gint64 *a = graft_shape_context_get_input_dims (ctx, 0), *b = graft_shape_context_get_input_dims (ctx, 1);
  gint64 out[OP_MAX_RANK];

  if (ra < 0 || rb < 0)
    {
      graft_shape_context_set_output (ctx, 0, ra < 0 ? rb : ra, ra < 0 ? b : a);
      return TRUE;
    }
  if (ra != rb)
    {
      g_autofree char *what = g_strdup_printf ("Shapes must be equal rank, but are %d and %d", ra, rb);
      return shapes_error (ctx, error, what);
    }
  for (gint i = 0; i < ra && i < OP_MAX_RANK; i++)
    {
      if (a[i] >= 0 && b[i] >= 0 && a[i] != b[i])
        return dims_mismatch (ctx, a[i], b[i], error);
      out[i] = a[i] >= 0 ? a[i] : b[i];
    }
  graft_shape_context_set_output (ctx, 0, ra, out);
  return TRUE;
}

/* features and labels are matrices that broadcast to one (TensorFlow
 * 1.15); loss is a vector over the batch, backprop the broadcast matrix. */
gboolean
nn_shape_xent (GraftShapeContext *ctx,
               GError           **error)
{
  gint64 out[2] = { GRAFT_DIM_UNKNOWN, GRAFT_DIM_UNKNOWN };

  if (!check_rank (ctx, 0, "features", 2, FALSE, error) || !check_rank (ctx, 1, "labels", 2, FALSE, error))
    return FALSE;
  for (gint i = 0; i < 2; i++)
    {
      gint64 a = graft_shape_context_get_input_rank (ctx, 0) == 2 ? graft_shape_context_get_input_dims (ctx, 0)[i]
                                                                  : GRAFT_DIM_UNKNOWN;
      gint64 b = graft_shape_context_get_input_rank (ctx, 1) == 2 ? graft_shape_context_get_input_dims (ctx, 1)[i]
                                                                  : GRAFT_DIM_UNKNOWN;

      if (a >= 0 && b >= 0 && a != b && a != 1 && b != 1)
        {
          g_autofree char *fs = op_format_input_shape (ctx, 0);
          g_autofree char *ls = op_format_input_shape (ctx, 1);

          g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                       "logits and labels must be broadcastable: logits_size=%s labels_size=%s", fs, ls);
          return FALSE;
        }
      /* An unknown dimension could be 1: only a known one above 1 decides. */
      if (a >= 0 && b >= 0)
        out[i] = a == 1 ? b : a;
      else if (a > 1 || b > 1)
        out[i] = MAX (a, b);
    }
  graft_shape_context_set_output (ctx, 0, 1, out);
  graft_shape_context_set_output (ctx, 1, 2, out);
  return TRUE;
}

/* features is a matrix, labels a vector of class indices, one per row. */
gboolean
nn_shape_sparse_xent (GraftShapeContext *ctx,
                      GError           **error)
{
  gint64 out[2] = { GRAFT_DIM_UNKNOWN, GRAFT_DIM_UNKNOWN };
  gint64 labels = GRAFT_DIM_UNKNOWN;

  if (!check_rank (ctx, 0, "features", 2, FALSE, error) || !check_rank (ctx, 1, "labels", 1, FALSE, error))
    return FALSE;
  if (graft_shape_context_get_input_rank (ctx, 0) == 2)
    memcpy (out, graft_shape_context_get_input_dims (ctx, 0), sizeof out);
  if (graft_shape_context_get_input_rank (ctx, 1) == 1)
    labels = graft_shape_context_get_input_dims (ctx, 1)[0];
  if (out[0] >= 0 && labels >= 0 && out[0] != labels)
    return dims_mismatch (ctx, out[0], labels, error);
  if (out[0] < 0)
    out[0] = labels;
  graft_shape_context_set_output (ctx, 0, 1, out);
  graft_shape_context_set_output (ctx, 1, 2, out);
  return TRUE;
}

/* NHWC: the last axis. NCHW: axis 1, as TensorFlow's kernel has it (its
 * 1.15 shape function says the third from last, the same for rank 4). */
gint
nn_channel_axis (const char *data_format,
                 gint        rank)
{
  if (g_strcmp0 (data_format, "NHWC") == 0)
    return rank - 1;
  if (g_strcmp0 (data_format, "NCHW") == 0)
    return 1;
  return -1;
}

/* data_format names a layout, and the value has the rank it needs. */
static gboolean
check_format (GraftShapeContext *ctx,
              const char        *name,
              GError           **error)
{
  const char *format = graft_shape_context_get_attr_string (ctx, "data_format");
  gboolean nchw = g_strcmp0 (format, "NCHW") == 0;

  if (!nchw && g_strcmp0 (format, "NHWC") != 0)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Invalid data format \"%s\": the data_format of %s is \"NHWC\" or \"NCHW\"",
                   format ? format : "", graft_shape_context_get_op_name (ctx));
      return FALSE;
    }
  return check_rank (ctx, 0, name, nchw ? 3 : 2, TRUE, error);
}

gboolean
nn_shape_bias_add (GraftShapeContext *ctx,
                   GError           **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  gint64 out[OP_MAX_RANK];
  gint64 bias = GRAFT_DIM_UNKNOWN;
  gint c;

  if (!check_format (ctx, "value", error) || !check_rank (ctx, 1, "bias", 1, FALSE, error))
    return FALSE;
  if (graft_shape_context_get_input_rank (ctx, 1) == 1)
    bias = graft_shape_context_get_input_dims (ctx, 1)[0];
  if (rank < 0)
    {
      graft_shape_context_set_output (ctx, 0, GRAFT_RANK_UNKNOWN, NULL);
      return TRUE;
    }
  memcpy (out, graft_shape_context_get_input_dims (ctx, 0), sizeof (gint64) * MIN (rank, OP_MAX_RANK));
  c = nn_channel_axis (graft_shape_context_get_attr_string (ctx, "data_format"), rank);
  if (out[c] >= 0 && bias >= 0 && out[c] != bias)
    return dims_mismatch (ctx, out[c], bias, error);
  if (out[c] < 0)
    out[c] = bias;
  graft_shape_context_set_output (ctx, 0, rank, out);
  return TRUE;
}

gboolean
nn_shape_bias_add_grad (GraftShapeContext *ctx,
                        GError           **error)
{
  gint rank = graft_shape_context_get_input_rank (ctx, 0);
  gint64 channels = GRAFT_DIM_UNKNOWN;

  if (!check_format (ctx, "out_backprop", error))
    return FALSE;
  if (rank >= 0)
    channels = graft_shape_context_get_input_dims (ctx, 0)[nn_channel_axis (
      graft_shape_context_get_attr_string (ctx, "data_format"), rank)];
  graft_shape_context_set_output (ctx, 0, 1, &channels);
  return TRUE;
}
