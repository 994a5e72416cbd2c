/* test-plugins.cc: the registry and the plugin loader, with plugins broken
 * on purpose (tests/fixtures/).
 *
 * Every fixture of tests/fixtures/ fails in one way, except the good one;
 * each failure must be recorded on the plugin's record with its own error
 * code and the file's name, and none may stop the others from loading.
 *
 * White-box: kernels of loaded modules are called through
 * _graft_kernel_invoke(), to check that what a fixture registered really
 * runs (no session is needed for that).
 *
 * The registry is process-wide, so the whole suite shares one: the
 * fixtures' directory is added once, after the built-in modules of
 * GRAFT_PLUGIN_PATH have loaded, and every test reads the outcome.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <graft.h>

#include "graft-registry-private.h"

namespace {

std::string
describe (const GError *error)
{
  if (error == nullptr)
    return "no error";
  return std::string (g_quark_to_string (error->domain)) + " #" + std::to_string (error->code) + ": " +
         error->message;
}

::testing::AssertionResult
HasCode (const GError *error,
         int           code)
{
  if (error == nullptr)
    return ::testing::AssertionFailure () << "expected GRAFT_PLUGIN_ERROR #" << code << ", got no error";
  if (error->domain != GRAFT_PLUGIN_ERROR || error->code != code)
    return ::testing::AssertionFailure () << "expected GRAFT_PLUGIN_ERROR #" << code << ", got "
                                          << describe (error);
  return ::testing::AssertionSuccess ();
}

::testing::AssertionResult
Contains (const char *haystack,
          const char *needle)
{
  if (haystack != nullptr && strstr (haystack, needle) != nullptr)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "'" << (haystack ? haystack : "(null)") << "'\n  does not contain '"
                                        << needle << "'";
}

const char *
fixtures_dir ()
{
  return g_getenv ("GRAFT_TEST_FIXTURES_DIR");
}

std::string
fixture_path (const char *name)
{
  g_autofree char *path = g_build_filename (fixtures_dir (), name, NULL);
  return path;
}

/* The record of the plugin loaded from `file` (a base name), or NULL. */
GraftPlugin *
find_plugin (const char *file)
{
  guint n = 0;
  g_autofree GraftPlugin **plugins = graft_registry_list_plugins (graft_registry_get_default (), &n);

  for (guint i = 0; i < n; i++)
    {
      const char *f = graft_plugin_get_filename (plugins[i]);
      g_autofree char *base = f ? g_path_get_basename (f) : NULL;

      if (g_strcmp0 (base, file) == 0)
        return plugins[i];
    }
  return nullptr;
}

std::vector<std::string>
errors_of (GraftPlugin *plugin)
{
  guint n = 0;
  GError **errors = graft_plugin_get_errors (plugin, &n);
  std::vector<std::string> out;

  for (guint i = 0; i < n; i++)
    {
      out.push_back (describe (errors[i]));
      g_error_free (errors[i]);
    }
  g_free (errors);
  return out;
}

guint
n_definitions (GraftPlugin *plugin)
{
  guint n = 0;
  g_autofree const GraftOpDef **defs = graft_plugin_list_definitions (plugin, &n);

  return n;
}

/* A Const of `dtype` holding `values` with `shape`. */
GraftOutput *
make_const (GraftGraph         *graph,
            GraftDType          dtype,
            const double       *values,
            gsize               n,
            const GraftShape   *shape)
{
  g_autoptr(GraftTensor) t = nullptr;
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Const", nullptr);
  g_autoptr(GError) error = nullptr;

  if (dtype == GRAFT_DTYPE_FLOAT64)
    t = graft_tensor_new_from_doubles (values, n, shape, &error);
  else
    {
      std::vector<float> f (values, values + n);
      t = graft_tensor_new_from_floats (f.data (), n, shape, &error);
    }
  EXPECT_NE (t, nullptr) << describe (error);
  graft_op_builder_set_attr_tensor (b, "value", t);
  graft_op_builder_set_attr_type (b, "dtype", dtype);
  return graft_op_builder_finish (b, &error);
}

/* Calls `def`'s kernel on one input, as the session would, and returns its
 * one output. */
GraftTensor *
run_kernel (const GraftOpDef *def,
            GraftTensor      *input,
            GError          **error)
{
  GraftKernel kernel = {};
  GraftAttrValue attrs[16] = {};
  GraftTensor *inputs[1] = { input };
  const GraftShape *shape = graft_tensor_get_shape (input);
  GraftTensor *out = graft_tensor_new_zeros (graft_tensor_get_dtype (input), shape, nullptr);
  GraftTensor *outputs[1] = { out };

  kernel.def = def;
  kernel.op_name = "test";
  if (!_graft_kernel_invoke (&kernel, attrs, inputs, outputs, error))
    {
      graft_tensor_unref (out);
      return nullptr;
    }
  return out;
}

class Plugins : public ::testing::Test
{
protected:
  static void
  SetUpTestSuite ()
  {
    GraftRegistry *registry = graft_registry_get_default ();

    ASSERT_NE (fixtures_dir (), nullptr) << "GRAFT_TEST_FIXTURES_DIR is not set (tests/meson.build sets it)";
    /* The built-in modules first, so that the duplicate fixture finds
     * math's Mul already registered. */
    graft_registry_ensure_loaded (registry);
    /* The ABI-99 fixture's constructor writes the id of any process it
     * runs in here; it must run in none. */
    g_setenv ("GRAFT_TEST_CONSTRUCTOR_PID_FILE", constructor_pid_file ().c_str (), TRUE);
    g_unlink (constructor_pid_file ().c_str ());
    graft_registry_add_plugin_dir (registry, fixtures_dir ());
  }

public:
  static std::string
  constructor_pid_file ()
  {
    g_autofree char *name = g_strdup_printf ("graft-test-plugins-ctor-%ld", (long) getpid ());
    g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

    return path;
  }

  GraftRegistry *registry = graft_registry_get_default ();
};

/* ---- what each fixture does to its record ---- */

struct Expected
{
  const char *file;
  GraftPluginStatus status;
  int code;                     /* -1: no error */
  const char *name;             /* from the descriptor; NULL if never read */
  guint n_defs;
};

const Expected expected_fixtures[] = {
  { "graft-fixture-good.so", GRAFT_PLUGIN_STATUS_LOADED, -1, "fixture_good", 2 },
  { "graft-fixture-notelf.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_NOT_A_MODULE, nullptr, 0 },
  { "graft-fixture-nodesc.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_MISSING_DESCRIPTOR, nullptr, 0 },
  { "graft-fixture-abi.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_ABI_MISMATCH, nullptr, 0 },
  { "graft-fixture-init-error.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_INIT_FAILED,
    "fixture_init_error", 0 },
  { "graft-fixture-init-false.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_INIT_FAILED,
    "fixture_init_false", 0 },
  { "graft-fixture-duplicate.so", GRAFT_PLUGIN_STATUS_PARTIAL, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME,
    "fixture_duplicate", 1 },
  { "graft-fixture-badsig.so", GRAFT_PLUGIN_STATUS_PARTIAL, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE,
    "fixture_badsig", 1 },
  { "graft-fixture-arity.so", GRAFT_PLUGIN_STATUS_PARTIAL, GRAFT_PLUGIN_ERROR_ARITY_MISMATCH, "fixture_arity", 1 },
};

/* The probes of the Reliability issue (#9): modules that used to take
 * the process down, hang it, or run code they should not have. */
const Expected expected_probes[] = {
  { "graft-fixture-truncated.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_NOT_A_MODULE, nullptr, 0 },
  { "graft-fixture-abi99.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_ABI_MISMATCH, nullptr, 0 },
  { "graft-fixture-tiny.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_ABI_MISMATCH, nullptr, 0 },
  { "graft-fixture-unresolved.so", GRAFT_PLUGIN_STATUS_FAILED, GRAFT_PLUGIN_ERROR_NOT_A_MODULE, nullptr, 0 },
  { "graft-fixture-reentrant.so", GRAFT_PLUGIN_STATUS_LOADED, -1, "fixture_reentrant", 1 },
  { "graft-fixture-zeros.so", GRAFT_PLUGIN_STATUS_PARTIAL, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME, "fixture_zeros", 1 },
};

TEST_F (Plugins, EveryFixtureIsRecordedWithItsOwnOutcome)
{
  std::vector<Expected> all (std::begin (expected_fixtures), std::end (expected_fixtures));

  all.insert (all.end (), std::begin (expected_probes), std::end (expected_probes));
  for (const Expected &e : all)
    {
      SCOPED_TRACE (e.file);
      GraftPlugin *plugin = find_plugin (e.file);
      std::string path = fixture_path (e.file);

      ASSERT_NE (plugin, nullptr) << "no record for " << e.file;
      EXPECT_EQ (graft_plugin_get_status (plugin), e.status);
      EXPECT_STREQ (graft_plugin_get_name (plugin), e.name);
      EXPECT_EQ (n_definitions (plugin), e.n_defs);
      if (e.code < 0)
        {
          EXPECT_EQ (graft_plugin_get_error (plugin), nullptr) << describe (graft_plugin_get_error (plugin));
          EXPECT_TRUE (errors_of (plugin).empty ());
          continue;
        }
      EXPECT_TRUE (HasCode (graft_plugin_get_error (plugin), e.code));
      /* Every message names the module's file. */
      for (const std::string &message : errors_of (plugin))
        EXPECT_TRUE (Contains (message.c_str (), path.c_str ()));
    }
}

TEST_F (Plugins, EachKindOfFailureHasItsOwnCode)
{
  std::vector<int> codes;

  for (const Expected &e : expected_fixtures)
    if (e.code >= 0 && e.code != GRAFT_PLUGIN_ERROR_INIT_FAILED)
      codes.push_back (e.code);
  codes.push_back (GRAFT_PLUGIN_ERROR_INIT_FAILED);
  codes.push_back (GRAFT_PLUGIN_ERROR_UNREADABLE);
  std::sort (codes.begin (), codes.end ());
  EXPECT_EQ (std::adjacent_find (codes.begin (), codes.end ()), codes.end ());
  EXPECT_EQ (codes.size (), 8u);
}

TEST_F (Plugins, BuiltinModulesStillLoad)
{
  for (const char *name : { "core", "math", "initializers" })
    {
      SCOPED_TRACE (name);
      GraftPlugin *plugin = graft_registry_get_plugin (registry, name);

      ASSERT_NE (plugin, nullptr);
      EXPECT_EQ (graft_plugin_get_status (plugin), GRAFT_PLUGIN_STATUS_LOADED)
        << describe (graft_plugin_get_error (plugin));
      EXPECT_GT (n_definitions (plugin), 0u);
    }
}

TEST_F (Plugins, GoodFixtureLoadsAndItsOpRuns)
{
  GraftPlugin *plugin = graft_registry_get_plugin (registry, "fixture_good");
  const GraftOpDef *def = graft_registry_lookup_op (registry, "fixture.Double");
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (2, 2);
  g_autoptr(GError) error = nullptr;
  const double values[] = { 1, 2, 3, -4 };

  ASSERT_NE (plugin, nullptr);
  EXPECT_EQ (plugin, find_plugin ("graft-fixture-good.so"));
  EXPECT_STREQ (graft_plugin_get_version (plugin), "1.0");
  EXPECT_STREQ (graft_plugin_get_description (plugin), "A plugin that loads");
  EXPECT_STREQ (graft_plugin_get_license (plugin), "LGPL-2.1-or-later");
  EXPECT_EQ (graft_plugin_get_filename (plugin), fixture_path ("graft-fixture-good.so"));

  ASSERT_NE (def, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (def), "fixture_good");
  EXPECT_STREQ (graft_op_def_get_summary (def), "Doubles x");

  /* Built with the op builder: dtype and shape come from the fixture's
   * signature and shape function. */
  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      SCOPED_TRACE (graft_dtype_get_name (dtype));
      GraftOutput *x = make_const (graph, dtype, values, 4, shape);
      ASSERT_NE (x, nullptr);
      g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "fixture.Double", nullptr);
      graft_op_builder_add_input (b, x);
      GraftOutput *y = graft_op_builder_finish (b, &error);
      ASSERT_NE (y, nullptr) << describe (error);
      g_autoptr(GraftShape) y_shape = graft_output_get_shape (y);
      EXPECT_STREQ (graft_output_get_op_type (y), "fixture.Double");
      EXPECT_EQ (graft_output_get_dtype (y), dtype);
      EXPECT_TRUE (graft_shape_equal (y_shape, shape));

      /* And its kernel runs through libffi. */
      g_autoptr(GraftTensor) in = nullptr;
      if (dtype == GRAFT_DTYPE_FLOAT64)
        in = graft_tensor_new_from_doubles (values, 4, shape, nullptr);
      else
        {
          const float f[] = { 1, 2, 3, -4 };
          in = graft_tensor_new_from_floats (f, 4, shape, nullptr);
        }
      g_autoptr(GraftTensor) out = run_kernel (def, in, &error);
      ASSERT_NE (out, nullptr) << describe (error);
      for (gsize i = 0; i < 4; i++)
        EXPECT_EQ (graft_tensor_get_double (out, i), 2 * values[i]);
    }

  /* Its initializer too. */
  def = graft_registry_lookup_initializer (registry, "fixture.fill");
  ASSERT_NE (def, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (def), "fixture_good");
}

TEST_F (Plugins, MissingDescriptorNamesTheSymbol)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-nodesc.so");
  std::string path = fixture_path ("graft-fixture-nodesc.so");
  std::string message = "Plugin file '" + path +
                        "' does not export the descriptor 'graft_plugin_fixture_nodesc_desc' "
                        "(declare it with GRAFT_PLUGIN_DEFINE)";

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_MISSING_DESCRIPTOR));
  EXPECT_EQ (graft_plugin_get_error (plugin)->message, message);
  /* Nothing of the descriptor was read. */
  EXPECT_EQ (graft_plugin_get_version (plugin), nullptr);
  EXPECT_EQ (graft_plugin_get_description (plugin), nullptr);
}

TEST_F (Plugins, AbiMismatchIsRefusedBeforeAnyCodeRuns)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-abi.so");
  std::string path = fixture_path ("graft-fixture-abi.so");
  g_autofree char *message = g_strdup_printf (
    "Plugin file '%s' was built for plugin ABI version %d, but this Graft (%s) loads version %d", path.c_str (),
    GRAFT_PLUGIN_ABI_VERSION + 1, GRAFT_VERSION_S, GRAFT_PLUGIN_ABI_VERSION);

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_ABI_MISMATCH));
  EXPECT_STREQ (graft_plugin_get_error (plugin)->message, message);
  /* Its init would have registered this. */
  EXPECT_EQ (graft_registry_lookup_op (registry, "fixture.AbiInitRan"), nullptr);
  /* Fields past abi_version are not trusted, so not shown. */
  EXPECT_EQ (graft_plugin_get_name (plugin), nullptr);
}

/* Truncated: the first 1000 bytes of a real module. Opened as it is,
 * dlopen() dies of SIGBUS; the file is checked first. */
TEST_F (Plugins, TruncatedModuleIsRefusedUnopened)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-truncated.so");

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_NOT_A_MODULE));
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "is truncated"));
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "the file has 1000"));
}

/* ABI 99, said in the ELF note: refused from the file alone, so its
 * constructor ran nowhere (not here, not in the scanner). */
TEST_F (Plugins, AbiFromTheNoteIsCheckedBeforeTheModuleIsOpened)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-abi99.so");
  std::string path = fixture_path ("graft-fixture-abi99.so");
  g_autofree char *message = g_strdup_printf (
    "Plugin file '%s' was built for plugin ABI version 99, but this Graft (%s) loads version %d", path.c_str (),
    GRAFT_VERSION_S, GRAFT_PLUGIN_ABI_VERSION);
  g_autofree char *pids = NULL;

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_ABI_MISMATCH));
  EXPECT_STREQ (graft_plugin_get_error (plugin)->message, message);
  EXPECT_FALSE (g_file_get_contents (constructor_pid_file ().c_str (), &pids, NULL, NULL))
    << "the ABI-99 module's constructor ran in process(es) " << pids << " (this one is " << getpid () << ")";
}

/* A descriptor of 4 bytes (an ABI-1 module, no note): its size comes from
 * the symbol table and nothing past it is read. */
TEST_F (Plugins, ShortDescriptorIsNotReadPastItsEnd)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-tiny.so");

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_ABI_MISMATCH));
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "has a descriptor of 4 bytes"));
  EXPECT_EQ (graft_plugin_get_name (plugin), nullptr);
}

/* Bound now: a kernel calling an undefined function is a load error, not
 * an exit at its first run. */
TEST_F (Plugins, UnresolvedSymbolIsALoadError)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-unresolved.so");

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_NOT_A_MODULE));
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "graft_fixture_no_such_function"));
  EXPECT_EQ (graft_registry_lookup_op (registry, "fixture.Unresolved"), nullptr);
}

/* Its init looked Mul up and loaded the good fixture while being loaded
 * itself: no deadlock, and its own op registered. */
TEST_F (Plugins, InitMayGoBackIntoTheRegistry)
{
  const GraftOpDef *def = graft_registry_lookup_op (registry, "fixture.Reentrant");
  g_autoptr(GError) error = NULL;

  ASSERT_NE (def, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (def), "fixture_reentrant");
  /* And loading from the outside still answers with the record. */
  EXPECT_NE (graft_registry_load_plugin (registry, fixture_path ("graft-fixture-reentrant.so").c_str (), &error),
             nullptr);
  EXPECT_EQ (error, nullptr);
}

/* Names without a '.' are Graft's own: a third-party `zeros` is refused,
 * both plugins named, and Graft's initializers plugin is untouched. */
TEST_F (Plugins, UnnamespacedNamesBelongToGraftsOwnModules)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-zeros.so");
  GraftPlugin *own = graft_registry_get_plugin (registry, "initializers");
  const GraftOpDef *zeros = graft_registry_lookup_initializer (registry, "zeros");
  const GraftOpDef *namespaced = graft_registry_lookup_initializer (registry, "fixture.zeros");

  ASSERT_NE (plugin, nullptr);
  ASSERT_NE (own, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_DUPLICATE_NAME));
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "fixture_zeros"));
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "'initializers'"));
  EXPECT_EQ (graft_plugin_get_status (own), GRAFT_PLUGIN_STATUS_LOADED);
  ASSERT_NE (zeros, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (zeros), "initializers");
  ASSERT_NE (namespaced, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (namespaced), "fixture_zeros");
}

/* ---- the plugin scanner (not with GRAFT_REGISTRY_FORK=no) ---- */

bool
scanner_off ()
{
  return g_strcmp0 (g_getenv ("GRAFT_REGISTRY_FORK"), "no") == 0;
}

std::string
hostile_path (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("GRAFT_TEST_HOSTILE_FIXTURES_DIR"), name, NULL);
  return path;
}

/* A module that dies of SIGBUS while it loads takes only the scanner down:
 * it is FAILED with the signal, and never opened here. */
/* The scanner's verdict on the crashing fixture: `exact` (or any "crashed
 * with signal") in a plain build. Under a sanitizer the scanner is
 * instrumented too and its runtime catches the fault first: ASan aborts
 * (SIGABRT), TSan exits with its own status after its report. */
static gboolean
crash_verdict (const char *got,
               const char *exact)
{
  if (g_getenv ("ASAN_OPTIONS") != NULL || g_getenv ("TSAN_OPTIONS") != NULL)
    return strstr (got, "crashed with signal") != NULL || strstr (got, "could not be scanned") != NULL;
  return exact != NULL ? strcmp (got, exact) == 0 : strstr (got, "crashed with signal") != NULL;
}

TEST_F (Plugins, ModuleThatCrashesIsFailedNotFatal)
{
  if (scanner_off ())
    GTEST_SKIP () << "GRAFT_REGISTRY_FORK=no: the module would crash this process";
  std::string path = hostile_path ("graft-fixture-crash.so");
  g_autoptr(GError) error = NULL;
  g_autofree char *message =
    g_strdup_printf ("Plugin file '%s' crashed with signal %d (Bus error) while being scanned", path.c_str (), SIGBUS);

  EXPECT_EQ (graft_registry_load_plugin (registry, path.c_str (), &error), nullptr);
  ASSERT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_NOT_A_MODULE));
  EXPECT_TRUE (crash_verdict (error->message, message)) << error->message;
  ASSERT_NE (find_plugin ("graft-fixture-crash.so"), nullptr);
  EXPECT_EQ (graft_plugin_get_status (find_plugin ("graft-fixture-crash.so")), GRAFT_PLUGIN_STATUS_FAILED);
}

/* A module whose init never returns: the scanner is killed after
 * GRAFT_REGISTRY_SCAN_TIMEOUT seconds and the module is FAILED. */
TEST_F (Plugins, ModuleThatHangsTimesOut)
{
  if (scanner_off ())
    GTEST_SKIP () << "GRAFT_REGISTRY_FORK=no: the module would hang this process";
  std::string path = hostile_path ("graft-fixture-hang.so");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_strdup_printf ("Plugin file '%s' timed out after 1 s while being scanned", path.c_str ());
  gint64 start = g_get_monotonic_time ();

  g_setenv ("GRAFT_REGISTRY_SCAN_TIMEOUT", "1", TRUE);
  EXPECT_EQ (graft_registry_load_plugin (registry, path.c_str (), &error), nullptr);
  g_unsetenv ("GRAFT_REGISTRY_SCAN_TIMEOUT");
  ASSERT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_NOT_A_MODULE));
  EXPECT_STREQ (error->message, message);
  EXPECT_LT (g_get_monotonic_time () - start, 5 * G_USEC_PER_SEC);
}

/* Verdicts are cached by path, size and modification time: a registry
 * that starts afresh finds the crash in the cache, without a scanner. */
TEST_F (Plugins, ScannerVerdictsAreCached)
{
  if (scanner_off ())
    GTEST_SKIP () << "GRAFT_REGISTRY_FORK=no: nothing is scanned or cached";
  std::string path = hostile_path ("graft-fixture-crash.so");
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "graft", NULL);

  /* In the test's own cache folder (tests/meson.build sets XDG_CACHE_HOME). */
  ASSERT_TRUE (g_str_has_prefix (cache, g_getenv ("XDG_CACHE_HOME"))) << cache;
  EXPECT_EQ (graft_registry_load_plugin (registry, path.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);

  g_autoptr(GraftRegistry) fresh = GRAFT_REGISTRY (g_object_new (GRAFT_TYPE_REGISTRY, NULL));
  g_autoptr(GraftPlugin) plugin = _graft_plugin_new (fresh, path.c_str ());

  /* A scanner that could only fail: the verdict must come from the cache. */
  g_setenv ("GRAFT_PLUGIN_SCANNER", "/bin/false", TRUE);
  EXPECT_FALSE (_graft_plugin_scan (plugin));
  g_unsetenv ("GRAFT_PLUGIN_SCANNER");
  EXPECT_EQ (graft_plugin_get_status (plugin), GRAFT_PLUGIN_STATUS_FAILED);
  ASSERT_NE (graft_plugin_get_error (plugin), nullptr);
  EXPECT_TRUE (crash_verdict (graft_plugin_get_error (plugin)->message, nullptr))
    << graft_plugin_get_error (plugin)->message;
}

TEST_F (Plugins, InitFailureKeepsThePluginsReasonAndUnregistersItsRows)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-init-error.so");
  std::string path = fixture_path ("graft-fixture-init-error.so");
  std::string message = "Plugin 'fixture_init_error' (" + path +
                        ") failed to initialize: fixture data file 'weights.bin' is missing";

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_INIT_FAILED));
  EXPECT_EQ (graft_plugin_get_error (plugin)->message, message);
  EXPECT_EQ (errors_of (plugin).size (), 1u);
  /* It registered fixture.Retired before failing: a failed plugin leaves
   * nothing registered. */
  EXPECT_EQ (graft_registry_lookup_op (registry, "fixture.Retired"), nullptr);
  EXPECT_EQ (n_definitions (plugin), 0u);
  /* The descriptor was read, so the record has its fields. */
  EXPECT_STREQ (graft_plugin_get_version (plugin), "1.0");
}

TEST_F (Plugins, InitFailureWithoutReasonGetsOne)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-init-false.so");
  std::string path = fixture_path ("graft-fixture-init-false.so");
  std::string message = "Plugin 'fixture_init_false' (" + path + ") failed to initialize (no reason given)";

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_INIT_FAILED));
  EXPECT_EQ (graft_plugin_get_error (plugin)->message, message);
}

TEST_F (Plugins, NotASharedObject)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-notelf.so");
  std::string prefix = "Plugin file '" + fixture_path ("graft-fixture-notelf.so") + "' is not a loadable module: ";

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_NOT_A_MODULE));
  EXPECT_TRUE (g_str_has_prefix (graft_plugin_get_error (plugin)->message, prefix.c_str ()))
    << graft_plugin_get_error (plugin)->message;
}

/* The first definition of a name wins; the refusal names both plugins and
 * both files; the plugin's other row stays registered (PARTIAL) although
 * its init returned graft_plugin_add_ops()'s FALSE. */
TEST_F (Plugins, DuplicateNameFirstWins)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-duplicate.so");
  GraftPlugin *math = graft_registry_get_plugin (registry, "math");
  const GraftOpDef *mul = graft_registry_lookup_op (registry, "Mul");
  const GraftOpDef *unique = graft_registry_lookup_op (registry, "fixture.Unique");
  std::string message;

  ASSERT_NE (plugin, nullptr);
  ASSERT_NE (math, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_DUPLICATE_NAME));
  message = std::string ("Op 'Mul' of plugin 'fixture_duplicate' (") + fixture_path ("graft-fixture-duplicate.so") +
            ") is already registered by plugin 'math' (" + graft_plugin_get_filename (math) +
            "); the first one is kept";
  EXPECT_EQ (graft_plugin_get_error (plugin)->message, message);
  EXPECT_EQ (errors_of (plugin).size (), 1u);

  ASSERT_NE (mul, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (mul), "math");
  EXPECT_STREQ (graft_op_def_get_summary (mul), "x * y, broadcasting");
  ASSERT_NE (unique, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (unique), "fixture_duplicate");

  /* Both are usable: Mul is math's (its dtype constraint holds), the
   * plugin's own op builds. */
  {
    g_autoptr(GraftGraph) graph = graft_graph_new ();
    g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
    g_autoptr(GError) error = nullptr;
    const double values[] = { 1, 2 };
    GraftOutput *x = make_const (graph, GRAFT_DTYPE_FLOAT32, values, 2, shape);
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "fixture.Unique", nullptr);
    g_autoptr(GraftOpBuilder) m = graft_op_builder_new (graph, "Mul", nullptr);
    GraftOutput *y, *z;

    graft_op_builder_add_input (b, x);
    y = graft_op_builder_finish (b, &error);
    ASSERT_NE (y, nullptr) << describe (error);
    EXPECT_EQ (graft_output_get_op_def (y), unique);
    graft_op_builder_add_input (m, x);
    graft_op_builder_add_input (m, y);
    z = graft_op_builder_finish (m, &error);
    ASSERT_NE (z, nullptr) << describe (error);
    EXPECT_EQ (graft_output_get_op_def (z), mul);
    EXPECT_STREQ (graft_output_get_op_name (z), "mul");
  }
}

TEST_F (Plugins, InvalidSignatureRefusesThatRowOnly)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-badsig.so");
  std::string prefix = "Plugin 'fixture_badsig' (" + fixture_path ("graft-fixture-badsig.so") + "): ";
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_vector (2);
  g_autoptr(GError) error = nullptr;
  const double values[] = { 1, 2 };

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE));
  EXPECT_TRUE (g_str_has_prefix (graft_plugin_get_error (plugin)->message, prefix.c_str ()))
    << graft_plugin_get_error (plugin)->message;
  EXPECT_TRUE (Contains (graft_plugin_get_error (plugin)->message, "fixture.BadSignature"));
  EXPECT_EQ (graft_registry_lookup_op (registry, "fixture.BadSignature"), nullptr);

  /* The good row is usable. */
  GraftOutput *x = make_const (graph, GRAFT_DTYPE_FLOAT32, values, 2, shape);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "fixture.GoodSignature", "good");
  graft_op_builder_add_input (b, x);
  GraftOutput *y = graft_op_builder_finish (b, &error);
  ASSERT_NE (y, nullptr) << describe (error);
  EXPECT_STREQ (graft_output_get_op_name (y), "good");
}

TEST_F (Plugins, ArityMismatchShowsThePrototype)
{
  GraftPlugin *plugin = find_plugin ("graft-fixture-arity.so");
  std::string message = "Plugin 'fixture_arity' (" + fixture_path ("graft-fixture-arity.so") +
                        "): fixture.WrongArity: the kernel is declared with 3 parameters, but the signature "
                        "needs 4: (GraftKernel *k, const GraftTensor *x, double factor, GraftTensor *y)";

  ASSERT_NE (plugin, nullptr);
  ASSERT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_ARITY_MISMATCH));
  EXPECT_EQ (graft_plugin_get_error (plugin)->message, message);
  EXPECT_EQ (graft_registry_lookup_op (registry, "fixture.WrongArity"), nullptr);
  EXPECT_NE (graft_registry_lookup_op (registry, "fixture.RightArity"), nullptr);
}

TEST_F (Plugins, UnreadablePaths)
{
  g_autofree char *tmp = g_dir_make_tmp ("graft-plugins-XXXXXX", nullptr);
  g_autofree char *missing = g_build_filename (tmp, "graft-fixture-missing.so", NULL);
  g_autofree char *dir = g_build_filename (tmp, "graft-fixture-dir.so", NULL);
  guint n_before = 0, n_after = 0;

  ASSERT_NE (tmp, nullptr);
  ASSERT_EQ (g_mkdir (dir, 0700), 0);
  g_free (graft_registry_list_plugins (registry, &n_before));

  for (const char *file : { (const char *) missing, (const char *) dir })
    {
      SCOPED_TRACE (file);
      g_autoptr(GError) error = nullptr;
      g_autofree char *message = g_strdup_printf ("Plugin file '%s' does not exist or cannot be read", file);
      GraftPlugin *plugin = graft_registry_load_plugin (registry, file, &error);

      EXPECT_EQ (plugin, nullptr);
      ASSERT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_UNREADABLE));
      EXPECT_STREQ (error->message, message);
      /* The failure is kept and listed like any other. */
      plugin = find_plugin (strrchr (file, '/') + 1);
      ASSERT_NE (plugin, nullptr);
      EXPECT_EQ (graft_plugin_get_status (plugin), GRAFT_PLUGIN_STATUS_FAILED);
      EXPECT_TRUE (HasCode (graft_plugin_get_error (plugin), GRAFT_PLUGIN_ERROR_UNREADABLE));
    }
  g_free (graft_registry_list_plugins (registry, &n_after));
  EXPECT_EQ (n_after, n_before + 2);
  g_rmdir (dir);
  g_rmdir (tmp);
}

TEST_F (Plugins, LoadingTheSameFileTwiceReturnsTheSameRecord)
{
  std::string good = fixture_path ("graft-fixture-good.so");
  g_autofree char *other_spelling = g_build_filename (fixtures_dir (), ".", "graft-fixture-good.so", NULL);
  std::string abi = fixture_path ("graft-fixture-abi.so");
  g_autoptr(GError) error = nullptr;
  guint n_before = 0, n_after = 0;

  g_free (graft_registry_list_plugins (registry, &n_before));
  GraftPlugin *first = graft_registry_load_plugin (registry, good.c_str (), &error);
  ASSERT_NE (first, nullptr) << describe (error);
  EXPECT_EQ (first, find_plugin ("graft-fixture-good.so"));
  EXPECT_EQ (graft_registry_load_plugin (registry, good.c_str (), &error), first);
  EXPECT_EQ (graft_registry_load_plugin (registry, other_spelling, &error), first);
  EXPECT_EQ (error, nullptr);

  /* A failed file fails again with the same error, and is not retried. */
  EXPECT_EQ (graft_registry_load_plugin (registry, abi.c_str (), &error), nullptr);
  EXPECT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_ABI_MISMATCH));
  EXPECT_EQ (errors_of (find_plugin ("graft-fixture-abi.so")).size (), 1u);

  g_free (graft_registry_list_plugins (registry, &n_after));
  EXPECT_EQ (n_after, n_before);
}

TEST_F (Plugins, LookupsKeepOpsAndInitializersApart)
{
  EXPECT_NE (graft_registry_lookup_op (registry, "Mul"), nullptr);
  EXPECT_EQ (graft_registry_lookup_initializer (registry, "Mul"), nullptr);
  EXPECT_NE (graft_registry_lookup_initializer (registry, "zeros"), nullptr);
  EXPECT_EQ (graft_registry_lookup_op (registry, "zeros"), nullptr);
  EXPECT_EQ (graft_registry_lookup_op (registry, "fixture.fill"), nullptr);
  EXPECT_EQ (graft_registry_lookup_op (registry, "NoSuchOp"), nullptr);
  /* Names are case-sensitive. */
  EXPECT_EQ (graft_registry_lookup_op (registry, "mul"), nullptr);

  EXPECT_EQ (graft_registry_get_plugin (registry, "no_such_plugin"), nullptr);
  EXPECT_EQ (graft_registry_get_plugin (registry, "fixture_good"), find_plugin ("graft-fixture-good.so"));
}

bool
sorted_and_unique (const GraftOpDef **defs,
                   guint              n)
{
  for (guint i = 1; i < n; i++)
    if (strcmp (graft_op_def_get_name (defs[i - 1]), graft_op_def_get_name (defs[i])) >= 0)
      return false;
  return true;
}

bool
listed (const GraftOpDef **defs,
        guint              n,
        const char        *name)
{
  for (guint i = 0; i < n; i++)
    if (strcmp (graft_op_def_get_name (defs[i]), name) == 0)
      return true;
  return false;
}

TEST_F (Plugins, ListsAreSortedAndHoldOnlyRegisteredDefinitions)
{
  guint n_ops = 0, n_inits = 0, n_plugins = 0;
  g_autofree const GraftOpDef **ops = graft_registry_list_ops (registry, &n_ops);
  g_autofree const GraftOpDef **inits = graft_registry_list_initializers (registry, &n_inits);
  g_autofree GraftPlugin **plugins = graft_registry_list_plugins (registry, &n_plugins);

  EXPECT_TRUE (sorted_and_unique (ops, n_ops));
  EXPECT_TRUE (sorted_and_unique (inits, n_inits));
  for (guint i = 0; i < n_ops; i++)
    EXPECT_EQ (graft_op_def_get_kind (ops[i]), GRAFT_OP_KIND_OP);
  for (guint i = 0; i < n_inits; i++)
    EXPECT_EQ (graft_op_def_get_kind (inits[i]), GRAFT_OP_KIND_INITIALIZER);

  for (const char *name : { "Mul", "Const", "fixture.Double", "fixture.Unique", "fixture.GoodSignature",
                            "fixture.RightArity" })
    EXPECT_TRUE (listed (ops, n_ops, name)) << name;
  for (const char *name : { "fixture.BadSignature", "fixture.WrongArity", "fixture.Retired", "fixture.AbiInitRan",
                            "fixture.fill" })
    EXPECT_FALSE (listed (ops, n_ops, name)) << name;
  EXPECT_TRUE (listed (inits, n_inits, "zeros"));
  EXPECT_TRUE (listed (inits, n_inits, "fixture.fill"));

  /* Every file tried is listed once, loaded or not. */
  for (const Expected &e : expected_fixtures)
    {
      guint count = 0;

      for (guint i = 0; i < n_plugins; i++)
        {
          g_autofree char *base = graft_plugin_get_filename (plugins[i])
                                    ? g_path_get_basename (graft_plugin_get_filename (plugins[i]))
                                    : NULL;
          count += g_strcmp0 (base, e.file) == 0;
        }
      EXPECT_EQ (count, 1u) << e.file;
    }
  /* Every plugin's definitions are in the lists. */
  for (guint i = 0; i < n_plugins; i++)
    {
      guint n = 0;
      g_autofree const GraftOpDef **defs = graft_plugin_list_definitions (plugins[i], &n);

      for (guint d = 0; d < n; d++)
        {
          const char *name = graft_op_def_get_name (defs[d]);
          if (graft_op_def_get_kind (defs[d]) == GRAFT_OP_KIND_OP)
            EXPECT_EQ (graft_registry_lookup_op (registry, name), defs[d]) << name;
          else
            EXPECT_EQ (graft_registry_lookup_initializer (registry, name), defs[d]) << name;
        }
    }
}

TEST_F (Plugins, PluginPathOrder)
{
  g_autofree char *saved = g_strdup (g_getenv ("GRAFT_PLUGIN_PATH"));
  g_auto(GStrv) env_parts = g_strsplit (saved ? saved : "", ":", -1);
  g_auto(GStrv) path = graft_registry_get_plugin_path (registry);
  guint n = g_strv_length (path), i = 0;

  /* GRAFT_PLUGIN_PATH first, in its order... */
  for (guint e = 0; env_parts[e] != NULL; e++)
    {
      if (env_parts[e][0] == '\0')
        continue;
      ASSERT_LT (i, n);
      EXPECT_STREQ (path[i], env_parts[e]);
      i++;
    }
  /* ...then the directories added through the API... */
  ASSERT_LT (i, n);
  EXPECT_STREQ (path[i], fixtures_dir ());
  i++;
  /* ...then the default (the install directory, or this build tree's
   * modules when the library runs from it). */
  EXPECT_LT (i, n);

  /* The variable is read at each call; empty entries are skipped. */
  g_setenv ("GRAFT_PLUGIN_PATH", "/first::/second:", TRUE);
  {
    g_auto(GStrv) changed = graft_registry_get_plugin_path (registry);

    ASSERT_GE (g_strv_length (changed), 4u);
    EXPECT_STREQ (changed[0], "/first");
    EXPECT_STREQ (changed[1], "/second");
    EXPECT_STREQ (changed[2], fixtures_dir ());
    EXPECT_STREQ (changed[3], path[i]);
  }
  g_unsetenv ("GRAFT_PLUGIN_PATH");
  {
    g_auto(GStrv) unset = graft_registry_get_plugin_path (registry);

    ASSERT_GE (g_strv_length (unset), 2u);
    EXPECT_STREQ (unset[0], fixtures_dir ());
  }
  if (saved != NULL)
    g_setenv ("GRAFT_PLUGIN_PATH", saved, TRUE);
}

/* ---- closures: what bindings register ---- */

GraftTensor *
add_one (GraftKernel *,
         GraftTensor *x,
         gpointer     user_data)
{
  gsize n = graft_tensor_get_num_elements (x);
  const float *in = static_cast<const float *> (graft_tensor_get_data (x, nullptr));
  std::vector<float> out (in, in + n);
  const GraftShape *shape = graft_tensor_get_shape (x);

  for (float &v : out)
    v += 1;
  *static_cast<int *> (user_data) += 1;
  return graft_tensor_new_from_floats (out.data (), n, shape, nullptr);
}

GraftTensor *
seven (GraftKernel *,
       gpointer)
{
  return graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 7);
}

TEST_F (Plugins, ClosuresRegisterUnderApplication)
{
  static int calls;
  g_autoptr(GError) error = nullptr;
  const GraftOpDef *def;
  GraftPlugin *app;

  ASSERT_TRUE (graft_registry_register_op_closure (registry, "test.AddOne", "(x: float32) -> (y: float32)",
                                                   "x + 1, in C through a GClosure",
                                                   g_cclosure_new (G_CALLBACK (add_one), &calls, nullptr),
                                                   &error))
    << describe (error);
  ASSERT_TRUE (graft_registry_register_initializer_closure (registry, "test.seven", "() -> (out: float32)",
                                                            "Seven, through a GClosure",
                                                            g_cclosure_new (G_CALLBACK (seven), nullptr, nullptr),
                                                            &error))
    << describe (error);

  app = graft_registry_get_plugin (registry, "application");
  ASSERT_NE (app, nullptr);
  EXPECT_EQ (graft_plugin_get_filename (app), nullptr);
  EXPECT_EQ (graft_plugin_get_status (app), GRAFT_PLUGIN_STATUS_LOADED);
  EXPECT_EQ (n_definitions (app), 2u);

  def = graft_registry_lookup_op (registry, "test.AddOne");
  ASSERT_NE (def, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (def), "application");
  def = graft_registry_lookup_initializer (registry, "test.seven");
  ASSERT_NE (def, nullptr);
  EXPECT_STREQ (graft_op_def_get_plugin_name (def), "application");
  EXPECT_EQ (graft_registry_lookup_op (registry, "test.seven"), nullptr);

  /* The op's closure runs, through the same door as C kernels. */
  {
    const float values[] = { 1, 2, 3 };
    g_autoptr(GraftShape) shape = graft_shape_new_vector (3);
    g_autoptr(GraftTensor) in = graft_tensor_new_from_floats (values, 3, shape, nullptr);
    g_autoptr(GraftTensor) out = run_kernel (graft_registry_lookup_op (registry, "test.AddOne"), in, &error);

    ASSERT_NE (out, nullptr) << describe (error);
    EXPECT_EQ (calls, 1);
    for (gsize i = 0; i < 3; i++)
      EXPECT_EQ (graft_tensor_get_double (out, i), values[i] + 1);
  }

  /* And usable from a graph. */
  {
    g_autoptr(GraftGraph) graph = graft_graph_new ();
    g_autoptr(GraftShape) shape = graft_shape_new_vector (3);
    const double values[] = { 1, 2, 3 };
    GraftOutput *x = make_const (graph, GRAFT_DTYPE_FLOAT32, values, 3, shape);
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "test.AddOne", nullptr);
    graft_op_builder_add_input (b, x);
    GraftOutput *y = graft_op_builder_finish (b, &error);

    ASSERT_NE (y, nullptr) << describe (error);
    EXPECT_STREQ (graft_output_get_op_name (y), "test.AddOne");
  }

  /* A second registration of a name, or a bad signature, is refused and
   * recorded on the application's record; the first definition stays. */
  EXPECT_FALSE (graft_registry_register_op_closure (registry, "test.AddOne", "(x: float32) -> (y: float32)",
                                                    "again", g_cclosure_new (G_CALLBACK (add_one), &calls, nullptr),
                                                    &error));
  ASSERT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME));
  EXPECT_TRUE (Contains (error->message, "already registered by plugin 'application'"));
  g_clear_error (&error);
  EXPECT_FALSE (graft_registry_register_op_closure (registry, "Mul", "(x: float32) -> (y: float32)", "again",
                                                    g_cclosure_new (G_CALLBACK (add_one), &calls, nullptr),
                                                    &error));
  ASSERT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_DUPLICATE_NAME));
  ASSERT_NE (graft_registry_get_plugin (registry, "math"), nullptr);
  EXPECT_TRUE (Contains (error->message, graft_plugin_get_filename (graft_registry_get_plugin (registry, "math"))));
  g_clear_error (&error);
  EXPECT_FALSE (graft_registry_register_initializer_closure (registry, "test.broken", "(-> (out: float32)",
                                                             "never",
                                                             g_cclosure_new (G_CALLBACK (seven), nullptr, nullptr),
                                                             &error));
  EXPECT_TRUE (HasCode (error, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE));
  g_clear_error (&error);

  EXPECT_STREQ (graft_op_def_get_summary (graft_registry_lookup_op (registry, "test.AddOne")),
                "x + 1, in C through a GClosure");
  EXPECT_EQ (graft_registry_lookup_initializer (registry, "test.broken"), nullptr);
  EXPECT_EQ (errors_of (app).size (), 3u);
  EXPECT_EQ (graft_plugin_get_status (app), GRAFT_PLUGIN_STATUS_PARTIAL);
  EXPECT_EQ (n_definitions (app), 2u);
}

} // namespace
