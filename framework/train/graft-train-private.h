/* graft-train-private.h: the train layer, inside: gradients and (later)
 * optimizers. It sees the graph and registry layers' insides.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include "graft-registry-private.h"
#include "graft-graph-private.h"
#include "graft-gradients.h"
#include "graft-ops.h"

G_BEGIN_DECLS

G_END_DECLS
