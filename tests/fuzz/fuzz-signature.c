/* fuzz-signature.c: libFuzzer target for the signature parser.
 *
 * The input, as a NUL-terminated string, is the signature of an op (or,
 * after a leading `!`, of an initializer) given to
 * _graft_op_def_new(), as a plugin's GRAFT_OP_DEF would give it. Parsing
 * either succeeds or fails with a GError; a crash, a leak, undefined
 * behaviour or a GLib critical (made fatal) is a bug.
 *
 * White-box: linked against the library's objects (tests/fuzz/meson.build).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "graft-op-def-private.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  gboolean initializer = size > 0 && data[0] == '!';
  g_autofree char *signature = fuzz_string (data + initializer, size - initializer);
  GraftOpKind kind = initializer ? GRAFT_OP_KIND_INITIALIZER : GRAFT_OP_KIND_OP;
  GraftOpInfo info = { 0 };
  GraftOpDef *def;
  GError *error = NULL;

  info.name = kind == GRAFT_OP_KIND_OP ? "fuzz.Op" : "fuzz_initializer";
  info.signature = signature;
  info.summary = "A definition made by the fuzzer";

  def = _graft_op_def_new (kind, &info, "fuzz-plugin", &error);
  /* Exactly one of a definition and an error. */
  if ((def == NULL) == (error == NULL))
    g_error ("_graft_op_def_new('%s'): definition %p, error %p", signature, def, error);
  if (def != NULL)
    {
      /* What the registry and graft-inspect read back from it. */
      for (guint i = 0; i < def->n_attrs; i++)
        if (def->attrs[i].has_default && def->attrs[i].kind != GRAFT_ATTR_TENSOR)
          g_free (_graft_attr_value_to_string (def->attrs[i].kind, &def->attrs[i].default_value));
      _graft_op_def_free (def);
    }
  g_clear_error (&error);
  return 0;
}
