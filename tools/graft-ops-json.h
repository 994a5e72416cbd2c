/* graft-ops-json.h: the interface snapshot (tests/data/ops.json).
 *
 * Shared by graft-inspect --json, which writes the committed snapshot, and
 * by the test that compares the registry against it, so that both always
 * format definitions the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <graft.h>

G_BEGIN_DECLS

char *graft_ops_json_from_registry (GraftRegistry *registry);
char *graft_ops_json_describe_difference (const char *expected,
                                          const char *actual);

G_END_DECLS
