/* graft-kernel-private.h: the context a kernel runs in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-op-def-private.h"

G_BEGIN_DECLS

struct _GraftKernel {
  const GraftOpDef *def;
  const char *op_name;
  gint64 seed;
  gint64 seed2;
  gboolean has_seeds;
  GError *error;                /* set by graft_kernel_set_error() */
  GraftTensor **outputs;        /* during a call: the outputs allocated */
};

/* Calls def's kernel through libffi (or its closure) with the inputs, the
 * node's attribute values and the outputs, in signature order. */
gboolean _graft_kernel_invoke (GraftKernel *kernel, const GraftAttrValue *attrs,
                               GraftTensor **inputs, GraftTensor **outputs, GError **error);

G_END_DECLS
