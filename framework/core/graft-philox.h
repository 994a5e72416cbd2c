/* graft-philox.h: the counter-based random generator behind every random
 * op and initializer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION) && !defined (__GRAFT_PLUGIN_H_INSIDE__)
#error "Only <graft.h> or <graft-plugin.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GraftPhilox:
 * @key: the Philox key: the seed, low word first
 * @nonce: the upper half of every counter: seed2, low word first
 * @sub_key: the key of the per-element sub-streams that re-draws use,
 *   derived from the other two
 *
 * A Philox4x32-10 generator: a seed pair, nothing more. It has no state
 * that advances, so one generator may be shared by any number of threads,
 * each filling its own range of elements. Set it up with
 * graft_kernel_init_philox() (or graft_philox_init()).
 */
typedef struct {
  guint32 key[2];
  guint32 nonce[2];
  guint32 sub_key[2];
  /*< private >*/
  guint32 reserved[2];
} GraftPhilox;

GRAFT_AVAILABLE_IN_ALL
void          graft_philox_init                   (GraftPhilox       *gen,
                                                   guint64            seed,
                                                   guint64            seed2);
GRAFT_AVAILABLE_IN_ALL
void          graft_philox_block                  (const GraftPhilox *gen,
                                                   guint64            block,
                                                   guint32            out[4]);
GRAFT_AVAILABLE_IN_ALL
void          graft_philox_fill_uniform           (const GraftPhilox *gen,
                                                   GraftDType         dtype,
                                                   guint64            offset,
                                                   gpointer           data,
                                                   gsize              n_elements);
GRAFT_AVAILABLE_IN_ALL
void          graft_philox_fill_uniform_int       (const GraftPhilox *gen,
                                                   GraftDType         dtype,
                                                   guint64            offset,
                                                   gint64             lo,
                                                   gint64             hi,
                                                   gpointer           data,
                                                   gsize              n_elements);
GRAFT_AVAILABLE_IN_ALL
void          graft_philox_fill_normal            (const GraftPhilox *gen,
                                                   GraftDType         dtype,
                                                   guint64            offset,
                                                   gpointer           data,
                                                   gsize              n_elements);
GRAFT_AVAILABLE_IN_ALL
void          graft_philox_fill_truncated_normal  (const GraftPhilox *gen,
                                                   GraftDType         dtype,
                                                   guint64            offset,
                                                   gpointer           data,
                                                   gsize              n_elements);

G_END_DECLS
