/* op-loops.h: the elementwise loop the kernel families share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft-plugin.h>

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

/* The same for the 16-bit floats (`dtype` is float16 or bfloat16): `v` is
 * a float, EXPR is computed in float32 and rounded to nearest even on
 * store, as TensorFlow computes Eigen::half and bfloat16. A stack block at
 * a time, so no allocation can fail. */
#define OP_UNARY_LOOP_HALF(dtype, in, out, n, EXPR)                         \
  G_STMT_START {                                                            \
    float b_[256];                                                          \
    for (gsize o_ = 0; o_ < (n); o_ += G_N_ELEMENTS (b_))                   \
      {                                                                     \
        gsize m_ = MIN (G_N_ELEMENTS (b_), (n) - o_);                       \
        graft_dtype_widen_to_float ((dtype), (const guint16 *) (in) + o_, b_, m_); \
        for (gsize i_ = 0; i_ < m_; i_++)                                   \
          {                                                                 \
            float v = b_[i_];                                               \
            b_[i_] = (EXPR);                                                \
          }                                                                 \
        graft_dtype_narrow_from_float ((dtype), b_, (guint16 *) (out) + o_, m_); \
      }                                                                     \
  } G_STMT_END
