/* test-ops-json.cc: the registry against the committed interface snapshot.
 *
 * tests/data/ops.json lists every op and initializer of Graft's own
 * modules (signature, summary, attributes, defaults, allowed dtypes). A
 * change to any of them must show up in review as a change to that file:
 * this test fails until the snapshot is regenerated, and says how.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "graft-ops-json.h"

namespace {

const char regenerate[] =
  "If the change is intended, regenerate the snapshot and commit it with the change:\n"
  "  meson compile -C build update-ops-json\n"
  "or\n"
  "  GRAFT_PLUGIN_PATH=build/ops:build/plugins build/tools/graft-inspect --json > tests/data/ops.json\n";

TEST (OpsJson, RegistryMatchesTheCommittedSnapshot)
{
  g_autofree char *committed = nullptr;
  g_autofree char *actual = nullptr;
  g_autofree char *difference = nullptr;
  g_autoptr(GError) error = nullptr;

  ASSERT_TRUE (g_file_get_contents (GRAFT_OPS_JSON_PATH, &committed, nullptr, &error))
    << error->message << "\n" << regenerate;
  actual = graft_ops_json_from_registry (graft_registry_get_default ());
  difference = graft_ops_json_describe_difference (committed, actual);
  if (difference != nullptr)
    ADD_FAILURE () << "tests/data/ops.json does not match the registry: " << difference << "\n" << regenerate;
}

/* Only Graft's own modules may be in the snapshot: a stray plugin on the
 * path would make it depend on the machine. */
TEST (OpsJson, OnlyGraftsOwnModulesAreLoaded)
{
  guint n = 0;
  g_autofree GraftPlugin **plugins = graft_registry_list_plugins (graft_registry_get_default (), &n);

  for (guint i = 0; i < n; i++)
    {
      const GError *error = graft_plugin_get_error (plugins[i]);

      EXPECT_EQ (graft_plugin_get_status (plugins[i]), GRAFT_PLUGIN_STATUS_LOADED)
        << graft_plugin_get_filename (plugins[i]) << ": " << (error ? error->message : "");
    }
}

/* The difference report: the first differing definition, and a hunk. */
TEST (OpsJson, DifferenceNamesTheDefinition)
{
  const char *expected = "{\n"
                         "  \"ops\": [\n"
                         "    {\n"
                         "      \"name\": \"Add\",\n"
                         "      \"summary\": \"x + y\"\n"
                         "    },\n"
                         "    {\n"
                         "      \"name\": \"Mul\",\n"
                         "      \"summary\": \"x * y\"\n"
                         "    }\n"
                         "  ],\n"
                         "  \"initializers\": []\n"
                         "}\n";
  std::string actual (expected);
  g_autofree char *difference = nullptr;

  actual.replace (actual.find ("x * y"), 5, "x times y");
  difference = graft_ops_json_describe_difference (expected, actual.c_str ());
  ASSERT_NE (difference, nullptr);
  EXPECT_NE (strstr (difference, "first difference in op \"Mul\" (line 9)"), nullptr) << difference;
  EXPECT_NE (strstr (difference, "\n-      \"summary\": \"x * y\"\n+      \"summary\": \"x times y\"\n"), nullptr)
    << difference;
  EXPECT_EQ (graft_ops_json_describe_difference (expected, expected), nullptr);
}

} // namespace
