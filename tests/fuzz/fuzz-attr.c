/* fuzz-attr.c: libFuzzer target for attribute values as text.
 *
 * The first byte picks the kind (bool, int, float, string, type, shape,
 * tensor, list(int), list(float)); the rest is the text given to
 * _graft_attr_value_parse(), as a signature's default or a binding's
 * string would be. A value that parses is formatted back with
 * _graft_attr_value_to_string() and must parse again to the same text.
 *
 * White-box: linked against the library's objects (tests/fuzz/meson.build).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "graft-op-def-private.h"
#include "fuzz-common.h"

/* Every kind but tensors, which have no signature form to read back. */
static gboolean
has_text_form (GraftAttrKind kind)
{
  return kind != GRAFT_ATTR_TENSOR;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  GraftAttrKind kind;
  GraftAttrValue value;
  GError *error = NULL;

  if (size == 0)
    return 0;
  kind = (GraftAttrKind) (data[0] % (GRAFT_ATTR_FLOAT_LIST + 1));
  text = fuzz_string (data + 1, size - 1);

  if (!_graft_attr_value_parse (kind, text, &value, &error))
    {
      if (error == NULL)
        g_error ("'%s' refused without an error", text);
      g_clear_error (&error);
      return 0;
    }
  if (error != NULL)
    g_error ("'%s' parsed with an error set: %s", text, error->message);

  if (has_text_form (kind))
    {
      g_autofree char *formatted = _graft_attr_value_to_string (kind, &value);
      g_autofree char *again = NULL;
      GraftAttrValue reparsed;

      if (!_graft_attr_value_parse (kind, formatted, &reparsed, &error))
        g_error ("'%s' formatted as '%s', which does not parse: %s", text, formatted,
                 error->message);
      again = _graft_attr_value_to_string (kind, &reparsed);
      if (strcmp (formatted, again) != 0)
        g_error ("'%s' formatted as '%s', then as '%s'", text, formatted, again);
      _graft_attr_value_clear (kind, &reparsed);
    }
  _graft_attr_value_clear (kind, &value);
  return 0;
}
