/* test-inspect.cc: graft-inspect, run as a user runs it.
 *
 * Each test spawns the built tool with a chosen GRAFT_PLUGIN_PATH and
 * checks its exit status and what it printed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <glib.h>

namespace {

struct Outcome
{
  int status = -1;
  std::string out;
  std::string err;
};

std::string
builtin_path ()
{
  return std::string (GRAFT_BUILD_ROOT "/ops:" GRAFT_BUILD_ROOT "/plugins");
}

Outcome
inspect (std::initializer_list<const char *> args,
         const std::string                  &plugin_path = builtin_path ())
{
  std::vector<char *> argv;
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "GRAFT_PLUGIN_PATH", plugin_path.c_str (), TRUE);
  g_autofree char *out = nullptr;
  g_autofree char *err = nullptr;
  g_autoptr(GError) error = nullptr;
  Outcome run;
  int wait_status = 0;

  argv.push_back (const_cast<char *> (GRAFT_INSPECT_PATH));
  for (const char *a : args)
    argv.push_back (const_cast<char *> (a));
  argv.push_back (nullptr);
  if (!g_spawn_sync (nullptr, argv.data (), envp, G_SPAWN_DEFAULT, nullptr, nullptr, &out, &err, &wait_status,
                     &error))
    {
      ADD_FAILURE () << "cannot run " GRAFT_INSPECT_PATH ": " << error->message;
      return run;
    }
  /* A crash is not an exit status. */
  EXPECT_TRUE (WIFEXITED (wait_status)) << "graft-inspect died: " << err;
  run.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  run.out = out ? out : "";
  run.err = err ? err : "";
  return run;
}

::testing::AssertionResult
Mentions (const std::string &text,
          const char        *needle)
{
  if (text.find (needle) != std::string::npos)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "no '" << needle << "' in:\n" << text;
}

TEST (Inspect, ListsPluginsOpsAndInitializers)
{
  Outcome run = inspect ({});

  EXPECT_EQ (run.status, 0) << run.err;
  for (const char *needle : { "Plugin path", "Plugins:", "Ops:", "Initializers:", "core", "math", "initializers",
                              "Mul", "x * y, broadcasting", "VariableV2", "zeros", "[math]", "loaded" })
    EXPECT_TRUE (Mentions (run.out, needle));
  EXPECT_TRUE (run.err.empty ()) << run.err;
}

TEST (Inspect, ShowsAnOp)
{
  Outcome run = inspect ({ "Mul" });

  EXPECT_EQ (run.status, 0) << run.err;
  for (const char *needle : { "Op Mul", "Plugin         math (", "graft-math.so)", "x * y, broadcasting",
                              "(x: T, y: T) -> (z: T), T in {float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, int64}",
                              "Default name   mul", "Inputs:", "  x                T (type attribute)",
                              "Outputs:", "  z                T (type attribute)", "Attributes:",
                              "(type variable, inferred from the inputs); one of float32, float64, int32, int64, float16, bfloat16, "
                              "int8, uint8, int16, uint16" })
    EXPECT_TRUE (Mentions (run.out, needle));
}

TEST (Inspect, ShowsAttributesWithDefaults)
{
  Outcome run = inspect ({ "Assign" });

  EXPECT_EQ (run.status, 0) << run.err;
  EXPECT_TRUE (Mentions (run.out, "validate_shape   bool        = true"));
  EXPECT_TRUE (Mentions (run.out, "use_locking      bool        = true"));

  run = inspect ({ "Const" });
  EXPECT_EQ (run.status, 0) << run.err;
  EXPECT_TRUE (Mentions (run.out, "value            tensor      (required)"));
  EXPECT_TRUE (Mentions (run.out, "dtype            type        (required); any dtype"));
  EXPECT_TRUE (Mentions (run.out, "output           dtype (type attribute)"));
}

TEST (Inspect, ShowsAnInitializerWithGraftsOwnAttributes)
{
  Outcome run = inspect ({ "zeros" });

  EXPECT_EQ (run.status, 0) << run.err;
  for (const char *needle : { "Initializer zeros", "Plugin         initializers (", "NAME/Initializer/zeros",
                              "(type variable, the variable's dtype)", "_shape", "set by Graft: the variable's shape",
                              "_seed ", "_seed2", "set by Graft: the op-level seed" })
    EXPECT_TRUE (Mentions (run.out, needle));
}

TEST (Inspect, ShowsAPlugin)
{
  Outcome run = inspect ({ "math" });

  EXPECT_EQ (run.status, 0) << run.err;
  for (const char *needle : { "Plugin math", "graft-math.so", "Status         loaded", "Definitions:", "Mul" })
    EXPECT_TRUE (Mentions (run.out, needle));
}

TEST (Inspect, UnknownNameFails)
{
  Outcome run = inspect ({ "NoSuchThing" });

  EXPECT_EQ (run.status, 1);
  EXPECT_TRUE (Mentions (run.err, "graft-inspect: no op, initializer or plugin named 'NoSuchThing'"));
  EXPECT_TRUE (run.out.empty ()) << run.out;

  run = inspect ({ "mul" });
  EXPECT_EQ (run.status, 1);
  EXPECT_TRUE (Mentions (run.err, "Did you mean the op 'Mul'?"));
}

TEST (Inspect, BadUsage)
{
  EXPECT_EQ (inspect ({ "Mul", "Add" }).status, 2);
  EXPECT_EQ (inspect ({ "--no-such-option" }).status, 2);
  EXPECT_EQ (inspect ({ "--json", "Mul" }).status, 2);
}

TEST (Inspect, Help)
{
  Outcome run = inspect ({ "--help" });

  EXPECT_EQ (run.status, 0);
  for (const char *needle : { "--json", "--plugin-dir", "GRAFT_PLUGIN_PATH", "NAME" })
    EXPECT_TRUE (Mentions (run.out, needle));
}

TEST (Inspect, Json)
{
  Outcome run = inspect ({ "--json" });

  EXPECT_EQ (run.status, 0) << run.err;
  EXPECT_EQ (run.out.rfind ("{\n  \"ops\": [\n", 0), 0u) << run.out.substr (0, 200);
  EXPECT_TRUE (Mentions (run.out, "\"name\": \"Mul\""));
  EXPECT_TRUE (Mentions (run.out, "\"initializers\": ["));
}

/* Broken plugins on the path are listed with their reasons; the rest
 * loads. */
TEST (Inspect, FailedPluginsAreShownWithTheirReason)
{
  const char *fixtures = g_getenv ("GRAFT_TEST_FIXTURES_DIR");
  ASSERT_NE (fixtures, nullptr);
  Outcome run = inspect ({}, builtin_path () + ":" + fixtures);

  EXPECT_EQ (run.status, 0) << run.err;
  for (const char *needle : { "graft-fixture-abi.so", "FAILED", "failed: Plugin file '",
                              "was built for plugin ABI version 2", "graft-fixture-notelf.so",
                              "is not a loadable module", "does not export the descriptor", "PARTIAL",
                              "refused: Op 'Mul' of plugin 'fixture_duplicate'", "fixture_good", "fixture.Double",
                              "Mul", "x * y, broadcasting" })
    EXPECT_TRUE (Mentions (run.out, needle));

  /* The same through --plugin-dir. */
  run = inspect ({ "--plugin-dir", fixtures, "fixture.Double" });
  EXPECT_EQ (run.status, 0) << run.err;
  EXPECT_TRUE (Mentions (run.out, "Op fixture.Double"));
}

TEST (Inspect, LoadsAModuleGivenByPath)
{
  const char *fixtures = g_getenv ("GRAFT_TEST_FIXTURES_DIR");
  ASSERT_NE (fixtures, nullptr);
  g_autofree char *good = g_build_filename (fixtures, "graft-fixture-good.so", NULL);
  g_autofree char *bad = g_build_filename (fixtures, "graft-fixture-init-false.so", NULL);

  Outcome run = inspect ({ good });
  EXPECT_EQ (run.status, 0) << run.err;
  EXPECT_TRUE (Mentions (run.out, "Plugin fixture_good"));
  EXPECT_TRUE (Mentions (run.out, "fixture.fill"));

  run = inspect ({ bad });
  EXPECT_EQ (run.status, 1);
  EXPECT_TRUE (Mentions (run.out, "Status         FAILED"));
  EXPECT_TRUE (Mentions (run.err, "failed to initialize (no reason given)"));
}

} // namespace
