/* fuzz-names.c: libFuzzer target for names: name scopes, op names and
 * unique names.
 *
 * The input is a script, one command a line; a line's first byte picks
 * the command and the rest is its argument:
 *   0  enter the name scope `arg`        1  leave the innermost scope
 *   2  graft_graph_unique_name (arg)     3  the same without marking it used
 *   4  the name checks on arg            5  enter `arg` with a default name
 * (the byte is taken modulo 6). Entering may fail with a GError; nothing
 * may crash, leak, or set an error and succeed.
 *
 * White-box: linked against the library's objects (tests/fuzz/meson.build).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "graft-graph-private.h"
#include "fuzz-common.h"

/* Deep enough to reach every code path, bounded so that one input stays
 * fast. */
#define MAX_DEPTH 64

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *script = fuzz_string (data, size);
  g_auto (GStrv) lines = g_strsplit (script, "\n", 256);
  GraftGraph *graph = graft_graph_new ();
  GraftNameScope *stack[MAX_DEPTH];
  guint depth = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *arg = lines[i][0] ? lines[i] + 1 : "";
      GError *error = NULL;
      GraftNameScope *scope;
      char *name;

      switch (lines[i][0] % 6)
        {
        case 0:
        case 5:
          if (depth == MAX_DEPTH)
            break;
          scope = lines[i][0] % 6 == 0
                    ? graft_graph_enter_name_scope (graph, arg, &error)
                    : graft_graph_enter_name_scope_full (graph, NULL, arg, NULL, 0, &error);
          if ((scope == NULL) == (error == NULL))
            g_error ("entering '%s': scope %p, error %p", arg, scope, error);
          if (scope != NULL)
            stack[depth++] = scope;
          g_clear_error (&error);
          break;
        case 1:
          if (depth == 0)
            break;
          scope = stack[--depth];
          if (!graft_name_scope_exit (scope, &error))
            g_error ("leaving the innermost scope: %s", error->message);
          g_object_unref (scope);
          break;
        case 2:
        case 3:
          name = graft_graph_unique_name (graph, arg, lines[i][0] % 6 == 2);
          if (name == NULL)
            g_error ("unique_name('%s') returned NULL", arg);
          g_free (name);
          break;
        case 4:
          /* The checks the op builder and the scopes make on a name
           * before using it, then the scope a new op would get. */
          (void) _graft_valid_op_name (arg);
          (void) _graft_valid_scope_name (arg);
          g_free (graft_graph_get_name_scope (graph));
          break;
        }
    }
  while (depth > 0)
    {
      GraftNameScope *scope = stack[--depth];

      graft_name_scope_exit (scope, NULL);
      g_object_unref (scope);
    }
  g_object_unref (graph);
  return 0;
}
