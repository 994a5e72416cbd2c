/* graft-ops-json.c: the interface snapshot (tests/data/ops.json).
 *
 * Every registered op and initializer, as data: plugin, kind, signature,
 * summary, default name, inputs and outputs with their dtypes or type
 * variables, and attributes with their kinds, defaults and allowed dtypes.
 * The snapshot is committed and diffed in review, so the format is made
 * for line diffs: definitions sorted by name (ops, then initializers), one
 * key per line, one input, output or attribute per line, and nothing that
 * depends on where the plugins are installed (no file names, no
 * versions).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-ops-json.h"

#include <string.h>

static void
append_string (GString    *out,
               const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s ? s : ""; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          /* UTF-8 passes through; other control characters must be
           * escaped to stay valid JSON. */
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

/* An input's or output's type as the signature spells it: a dtype, or the
 * name of the type attribute that gives it. */
static const char *
arg_type (const GraftOpDef *def,
          GraftDType        dtype,
          gint              type_attr)
{
  if (dtype != GRAFT_DTYPE_INVALID)
    return graft_dtype_get_name (dtype);
  if (type_attr >= 0 && (guint) type_attr < graft_op_def_get_num_attrs (def))
    return graft_op_def_get_attr_name (def, type_attr);
  return "?";
}

static void
append_args (GString          *out,
             const GraftOpDef *def,
             gboolean          outputs)
{
  guint n = outputs ? graft_op_def_get_num_outputs (def) : graft_op_def_get_num_inputs (def);

  g_string_append_printf (out, "      \"%s\": [", outputs ? "outputs" : "inputs");
  for (guint i = 0; i < n; i++)
    {
      const char *name = outputs ? graft_op_def_get_output_name (def, i) : graft_op_def_get_input_name (def, i);
      const char *type = outputs
        ? arg_type (def, graft_op_def_get_output_dtype (def, i), graft_op_def_get_output_type_attr (def, i))
        : arg_type (def, graft_op_def_get_input_dtype (def, i), graft_op_def_get_input_type_attr (def, i));

      g_string_append (out, i == 0 ? "\n        { \"name\": " : ",\n        { \"name\": ");
      append_string (out, name);
      g_string_append (out, ", \"type\": ");
      append_string (out, type);
      /* A list input (`N * T`) names its length attribute. */
      if (!outputs && graft_op_def_get_input_number_attr (def, i) >= 0)
        {
          g_string_append (out, ", \"number\": ");
          append_string (out, graft_op_def_get_attr_name (def, graft_op_def_get_input_number_attr (def, i)));
        }
      g_string_append (out, " }");
    }
  g_string_append (out, n > 0 ? "\n      ],\n" : "],\n");
}

static void
append_attrs (GString          *out,
              const GraftOpDef *def)
{
  guint n = graft_op_def_get_num_attrs (def);

  g_string_append (out, "      \"attributes\": [");
  for (guint i = 0; i < n; i++)
    {
      const char *name = graft_op_def_get_attr_name (def, i);
      g_autofree char *dflt = graft_op_def_get_attr_default (def, i);
      g_autofree GraftDType *allowed = NULL;
      guint n_allowed = 0;

      g_string_append (out, i == 0 ? "\n        { \"name\": " : ",\n        { \"name\": ");
      append_string (out, name);
      g_string_append (out, ", \"kind\": ");
      append_string (out, graft_attr_kind_get_name (graft_op_def_get_attr_kind (def, i)));
      if (dflt != NULL)
        {
          g_string_append (out, ", \"default\": ");
          append_string (out, dflt);
        }
      allowed = graft_op_def_get_attr_allowed_dtypes (def, i, &n_allowed);
      if (n_allowed > 0)
        {
          g_string_append (out, ", \"allowed\": [");
          for (guint d = 0; d < n_allowed; d++)
            {
              if (d > 0)
                g_string_append (out, ", ");
              append_string (out, graft_dtype_get_name (allowed[d]));
            }
          g_string_append_c (out, ']');
        }
      if (graft_op_def_is_attr_inferred (def, i))
        g_string_append (out, ", \"inferred\": true");
      /* Signatures may not declare names starting with '_': those are the
       * attributes Graft sets itself (_shape, _seed, _seed2). */
      if (name[0] == '_')
        g_string_append (out, ", \"internal\": true");
      g_string_append (out, " }");
    }
  g_string_append (out, n > 0 ? "\n      ]\n" : "]\n");
}

static void
append_def (GString          *out,
            const GraftOpDef *def,
            gboolean          last)
{
  g_string_append (out, "    {\n      \"name\": ");
  append_string (out, graft_op_def_get_name (def));
  g_string_append (out, ",\n      \"kind\": ");
  append_string (out, graft_op_def_get_kind (def) == GRAFT_OP_KIND_OP ? "op" : "initializer");
  g_string_append (out, ",\n      \"plugin\": ");
  append_string (out, graft_op_def_get_plugin_name (def));
  g_string_append (out, ",\n      \"summary\": ");
  append_string (out, graft_op_def_get_summary (def));
  g_string_append (out, ",\n      \"signature\": ");
  append_string (out, graft_op_def_get_signature (def));
  g_string_append (out, ",\n      \"default_name\": ");
  append_string (out, graft_op_def_get_default_name (def));
  g_string_append (out, ",\n");
  append_args (out, def, FALSE);
  append_args (out, def, TRUE);
  append_attrs (out, def);
  g_string_append (out, last ? "    }\n" : "    },\n");
}

static void
append_list (GString           *out,
             const char        *key,
             const GraftOpDef **defs,
             guint              n,
             gboolean           last)
{
  g_string_append_printf (out, "  \"%s\": [", key);
  if (n > 0)
    g_string_append_c (out, '\n');
  for (guint i = 0; i < n; i++)
    append_def (out, defs[i], i + 1 == n);
  g_string_append (out, n > 0 ? "  ]" : "]");
  g_string_append (out, last ? "\n" : ",\n");
}

/**
 * graft_ops_json_from_registry:
 * @registry: a #GraftRegistry
 *
 * Returns: (transfer full): the snapshot of every definition @registry
 *   holds, as JSON ending with a newline
 */
char *
graft_ops_json_from_registry (GraftRegistry *registry)
{
  GString *out = g_string_new ("{\n");
  g_autofree const GraftOpDef **ops = NULL;
  g_autofree const GraftOpDef **inits = NULL;
  guint n_ops, n_inits;

  /* The registry lists definitions sorted by name already. */
  ops = graft_registry_list_ops (registry, &n_ops);
  inits = graft_registry_list_initializers (registry, &n_inits);
  append_list (out, "ops", ops, n_ops, FALSE);
  append_list (out, "initializers", inits, n_inits, TRUE);
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

/* The definition a line belongs to: the last `"name":` line at the
 * definitions' indentation, with the kind from the list it is in. */
static char *
definition_at (char **lines,
               guint  line)
{
  const char *name = NULL, *list = NULL;

  for (guint i = 0; i <= line && lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "  \"ops\""))
        list = "op", name = NULL;
      else if (g_str_has_prefix (lines[i], "  \"initializers\""))
        list = "initializer", name = NULL;
      else if (g_str_has_prefix (lines[i], "      \"name\": "))
        name = lines[i] + strlen ("      \"name\": ");
    }
  if (name == NULL)
    return g_strdup ("the file's structure (no definition)");
  return g_strdup_printf ("%s %.*s", list ? list : "definition", (int) strcspn (name, ","), name);
}

/* Whether a[i…] and b[j…] agree for `n` lines (or both end sooner). */
static gboolean
agree (char  **a,
       guint   na,
       guint   i,
       char  **b,
       guint   nb,
       guint   j,
       guint   n)
{
  for (guint k = 0; k < n; k++, i++, j++)
    {
      if (i >= na || j >= nb)
        return i >= na && j >= nb;
      if (strcmp (a[i], b[j]) != 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * graft_ops_json_describe_difference:
 * @expected: the committed snapshot
 * @actual: what the registry reports
 *
 * Describes the first difference as one unified-diff hunk, with the
 * definition it belongs to. From the first line that differs, the hunk
 * ends where both sides agree again for a few lines, found by trying the
 * smallest number of removed plus added lines first: an added or a removed
 * definition shows as just that.
 *
 * Returns: (transfer full) (nullable): the description, or %NULL when the
 *   two are equal
 */
char *
graft_ops_json_describe_difference (const char *expected,
                                    const char *actual)
{
  g_auto(GStrv) a = NULL, b = NULL;
  g_autofree char *where = NULL;
  guint na, nb, head = 0, del = 0, ins = 0, from, shown;
  gboolean found = FALSE;
  GString *out;
  const guint context = 3, resync = 3, max_lines = 30, max_search = 3000;

  if (g_strcmp0 (expected, actual) == 0)
    return NULL;
  a = g_strsplit (expected ? expected : "", "\n", -1);
  b = g_strsplit (actual ? actual : "", "\n", -1);
  na = g_strv_length (a);
  nb = g_strv_length (b);
  while (head < na && head < nb && strcmp (a[head], b[head]) == 0)
    head++;

  /* d = removed + added lines; the first d at which the rest agrees. */
  for (guint d = 1; d <= max_search && !found; d++)
    for (guint i = 0; i <= d && !found; i++)
      if (head + i <= na && head + (d - i) <= nb && agree (a, na, head + i, b, nb, head + d - i, resync))
        {
          del = i;
          ins = d - i;
          found = TRUE;
        }
  if (!found)
    {
      del = na - head;
      ins = nb - head;
    }

  /* Named after the registry's side, unless the change only removed. */
  where = definition_at (ins > 0 ? b : a, head);
  out = g_string_new (NULL);
  g_string_append_printf (out, "first difference in %s (line %u)\n", where, head + 1);
  from = head > context ? head - context : 0;
  g_string_append_printf (out, "--- tests/data/ops.json (committed)\n+++ the registry\n@@ -%u,%u +%u,%u @@\n",
                          from + 1, head - from + del + MIN (context, na - head - del),
                          from + 1, head - from + ins + MIN (context, nb - head - ins));
  for (guint i = from; i < head; i++)
    g_string_append_printf (out, " %s\n", a[i]);
  /* A whole new or lost file would drown the point: each side is cut. */
  shown = 0;
  for (guint i = head; i < head + del; i++)
    if (shown++ < max_lines)
      g_string_append_printf (out, "-%s\n", a[i]);
  if (shown > max_lines)
    g_string_append_printf (out, "-… (%u more lines)\n", shown - max_lines);
  shown = 0;
  for (guint i = head; i < head + ins; i++)
    if (shown++ < max_lines)
      g_string_append_printf (out, "+%s\n", b[i]);
  if (shown > max_lines)
    g_string_append_printf (out, "+… (%u more lines)\n", shown - max_lines);
  for (guint i = head + ins, n = 0; i < nb && n < context; i++, n++)
    g_string_append_printf (out, " %s\n", b[i]);
  if (!agree (a, na, head + del, b, nb, head + ins, G_MAXUINT))
    g_string_append (out, "(more differences follow)\n");
  return g_string_free (out, FALSE);
}
