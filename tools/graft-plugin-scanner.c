/* graft-plugin-scanner.c: opens one plugin module in a process of its own
 * and reports what it registered (framework/registry/graft-registry-scan.c
 * has the protocol). The registry runs it for every module it has not seen
 * before, so that a module that crashes or hangs is recorded as FAILED
 * instead of taking the application down.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <graft.h>

#include "graft-registry-private.h"

int
main (int    argc,
      char **argv)
{
  return _graft_plugin_scanner_main (argc, argv);
}
