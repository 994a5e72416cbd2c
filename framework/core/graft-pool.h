/* graft-pool.h: the persistent thread pool of a session.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GraftPool GraftPool;

GraftPool *_graft_pool_new           (guint n_threads);
GraftPool *_graft_pool_ref           (GraftPool *pool);
void       _graft_pool_unref         (GraftPool *pool);
guint      _graft_pool_get_n_threads (GraftPool *pool);
void       _graft_pool_push          (GraftPool *pool, GFunc func, gpointer data, guint copies);

G_END_DECLS
