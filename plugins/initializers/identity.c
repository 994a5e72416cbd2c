/* identity.c: identity(gain): gain on the main diagonal of a matrix, 0
 * elsewhere (rectangular matrices too).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "initializer-kernels.h"

#define RANK_MESSAGE "Identity matrix initializer can only be used for 2D matrices."

/* Identity.__init__ checks the dtype, __call__ the rank. */
gboolean
init_identity_shape (GraftShapeContext *ctx,
                     GError           **error)
{
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "_shape");
  gint rank = graft_shape_get_rank (shape);

  if (!init_check_float (ctx, error))
    return FALSE;
  if (rank >= 0 && rank != 2)
    {
      g_set_error_literal (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE, RANK_MESSAGE);
      return FALSE;
    }
  return init_shape_output (ctx);
}

void
init_identity (GraftKernel *k,
               double       gain,
               GraftTensor *out)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gpointer data = graft_kernel_get_output_data (k, out);
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (out, &rank);
  gsize size;

  if (rank != 2)
    {
      graft_kernel_set_error (k, RANK_MESSAGE);
      return;
    }
  graft_tensor_get_data (out, &size);
  if (size == 0)
    return;
  memset (data, 0, size);
  for (gint64 i = 0; i < MIN (dims[0], dims[1]); i++)
    init_store (dtype, data, (gsize) (i * dims[1] + i), gain);
}
