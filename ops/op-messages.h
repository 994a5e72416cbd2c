/* op-messages.h: spelling shapes and integer lists in the error messages
 * of Graft's own op families, the way graft_shape_to_string() spells
 * shapes: `()`, `(4,)`, `(2, ?)`, `<unknown>`.
 *
 * Header-only because each family is a module of its own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

G_BEGIN_DECLS

/* The largest rank a shape function may set (graft_shape_context_set_output). */
#define OP_MAX_RANK 32

/* An attribute list, negative values as they are: `(2, -1)`. */
static inline char *
op_format_ints (const gint64 *values,
                gsize         n_values)
{
  GString *s = g_string_new ("(");

  for (gsize i = 0; i < n_values; i++)
    g_string_append_printf (s, i > 0 ? ", %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, values[i]);
  g_string_append (s, n_values == 1 ? ",)" : ")");
  return g_string_free (s, FALSE);
}

/* The (possibly partial) shape of input `index` of the op being built. */
static inline char *
op_format_input_shape (GraftShapeContext *ctx,
                       guint              index)
{
  gint rank = graft_shape_context_get_input_rank (ctx, index);
  g_autoptr(GraftShape) shape = rank < 0 ? graft_shape_new_unknown ()
                                         : graft_shape_new (graft_shape_context_get_input_dims (ctx, index),
                                                            (guint) rank);

  return graft_shape_to_string (shape);
}

/* The shape of a tensor a kernel was given. */
static inline char *
op_format_tensor_shape (const GraftTensor *tensor)
{
  return graft_shape_to_string (graft_tensor_get_shape (tensor));
}

G_END_DECLS
