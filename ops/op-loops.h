/* op-loops.h: the elementwise loop the kernel families share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* y[i] = EXPR for i < n, with `v` bound to x[i]: one plain loop the
 * compiler vectorises, for any element type. */
#define OP_UNARY_LOOP(ctype, in, out, n, EXPR)                   \
  G_STMT_START {                                                 \
    const ctype *x_ = (const ctype *) (in);                      \
    ctype *y_ = (ctype *) (out);                                 \
    for (gsize i_ = 0; i_ < (n); i_++)                           \
      {                                                          \
        ctype v = x_[i_];                                        \
        y_[i_] = (EXPR);                                         \
      }                                                          \
  } G_STMT_END
