/* tsan-preload-check.c: fails unless graft-tsan-glib is what GLib's lock
 * calls reach, so that the TSan run cannot pass for want of its
 * annotations (a wrong LD_PRELOAD would otherwise only show as reports
 * that GLib's locks hide, or as none at all).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int
main (void)
{
  const char *symbols[] = { "g_mutex_lock", "g_cond_wait", "g_object_unref", "g_once_init_leave" };

  for (unsigned i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
    {
      Dl_info info;
      void *sym = dlsym (RTLD_DEFAULT, symbols[i]);

      if (sym == NULL || !dladdr (sym, &info) || info.dli_fname == NULL
          || strstr (info.dli_fname, "graft-tsan-glib") == NULL)
        {
          fprintf (stderr, "%s resolves to %s, not graft-tsan-glib\n", symbols[i],
                   sym && dladdr (sym, &info) && info.dli_fname ? info.dli_fname : "nothing");
          return 1;
        }
    }
  return 0;
}
