/* graft-registry-scan.c: modules are first opened by a helper process,
 * and what it found is cached.
 *
 * As GStreamer does with gst-plugin-scanner: a module the registry has not
 * seen before (by path, size and modification time) is opened by
 * `graft-plugin-scanner` first, which runs the same loader as the
 * application and prints what it found (status, descriptor fields, errors,
 * definitions) as a GVariant on its standard output. A module that
 * crashes, hangs or fails there is recorded as FAILED with the reason and
 * is never opened in the application; one that loaded there is opened in
 * the application as before. The verdicts are kept in a registry cache so
 * that known modules are not scanned again.
 *
 * GRAFT_REGISTRY_FORK=no turns the helper off: modules are then opened in
 * the process, as they were before the scanner existed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* kill(), strsignal(), realpath() */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "graft-registry-private.h"

/* One scan's verdict: status, name, version, description, license,
 * errors (domain, code, message), definitions (kind, name). */
#define RESULT_TYPE "(umsmsmsmsa(sis)a(us))"
/* The cache: format tag, Graft version, plugin ABI, and per canonical
 * file name its size, modification time (ns) and verdict. */
#define CACHE_TYPE "(ssua{s(xx" RESULT_TYPE ")})"
#define CACHE_FORMAT "graft-registry-1"

#define DEFAULT_TIMEOUT_S 10

/* What the scanner reports about the plugin it loaded. */
static GVariant *
plugin_to_variant (GraftPlugin *plugin)
{
  GVariantBuilder errors, defs;

  g_variant_builder_init (&errors, G_VARIANT_TYPE ("a(sis)"));
  for (guint i = 0; i < plugin->errors->len; i++)
    {
      const GError *e = g_ptr_array_index (plugin->errors, i);
      g_variant_builder_add (&errors, "(sis)", g_quark_to_string (e->domain), e->code, e->message);
    }
  g_variant_builder_init (&defs, G_VARIANT_TYPE ("a(us)"));
  for (guint i = 0; i < plugin->defs->len; i++)
    {
      const GraftOpDef *def = g_ptr_array_index (plugin->defs, i);
      g_variant_builder_add (&defs, "(us)", (guint32) def->kind, def->name);
    }
  return g_variant_new (RESULT_TYPE, (guint32) plugin->status, plugin->name, plugin->version,
                        plugin->description, plugin->license, &errors, &defs);
}

/* A verdict of the scanner's own making (it crashed, hung, said nothing),
 * not floating, as every verdict run_scanner() returns. */
static GVariant *
failure_variant (GError *error)
{
  GVariantBuilder errors;

  g_variant_builder_init (&errors, G_VARIANT_TYPE ("a(sis)"));
  g_variant_builder_add (&errors, "(sis)", g_quark_to_string (error->domain), error->code, error->message);
  g_error_free (error);
  return g_variant_ref_sink (g_variant_new (RESULT_TYPE, (guint32) GRAFT_PLUGIN_STATUS_FAILED, NULL, NULL, NULL,
                                           NULL, &errors, NULL));
}

/**
 * _graft_plugin_scanner_main: (skip)
 * @argc: the argument count
 * @argv: `graft-plugin-scanner FILE`
 *
 * The body of `graft-plugin-scanner`: loads FILE with the in-process
 * loader and prints what happened. The registry of the scanner process is
 * marked loaded first: a plugin's init that looks something up there sees
 * only itself, and nothing else on the path is opened.
 *
 * Returns: the exit status
 */
int
_graft_plugin_scanner_main (int    argc,
                            char **argv)
{
  GraftRegistry *registry;
  GraftPlugin *plugin;
  g_autoptr(GVariant) result = NULL;
  g_autofree char *text = NULL;
  gsize len, done = 0;
  int out;

  if (argc != 2)
    {
      g_printerr ("Usage: %s MODULE\nLoads one Graft plugin module and prints what it registered.\n", argv[0]);
      return 2;
    }
  /* The module's own prints (constructors, init) must not mix with the
   * report: it goes to a copy of stdout, and stdout becomes stderr. */
  out = dup (STDOUT_FILENO);
  if (out < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    return 1;

  /* A module that crashes here is expected, and reported: no core file. */
  {
    struct rlimit no_core = { 0, 0 };
    setrlimit (RLIMIT_CORE, &no_core);
  }
  g_setenv ("GRAFT_REGISTRY_FORK", "no", TRUE);
  registry = graft_registry_get_default ();
  g_atomic_int_set (&registry->loaded, TRUE);
  plugin = _graft_plugin_new (registry, argv[1]);
  g_rw_lock_writer_lock (&registry->lock);
  g_ptr_array_add (registry->plugins, plugin);
  g_rw_lock_writer_unlock (&registry->lock);
  {
    char *canon = realpath (argv[1], NULL);
    g_hash_table_add (registry->scanned_files, canon != NULL ? canon : g_strdup (argv[1]));
  }
  _graft_plugin_load_file (plugin);

  result = g_variant_ref_sink (plugin_to_variant (plugin));
  text = g_variant_print (result, TRUE);
  len = strlen (text);
  while (done < len)
    {
      ssize_t n = write (out, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return 1;
      done += (gsize) n;
    }
  close (out);
  return 0;
}

/* Where the scanner is: $GRAFT_PLUGIN_SCANNER, else the build tree's when
 * the library runs from there, else the installed one; the other of the
 * two when that one is missing. NULL when there is none. */
static char *
find_scanner (void)
{
  const char *env = g_getenv ("GRAFT_PLUGIN_SCANNER");
  const char *first = GRAFT_LIBEXEC_SCANNER, *second = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
#ifdef GRAFT_BUILD_SCANNER
  if (_graft_registry_running_from_build_tree ())
    {
      first = GRAFT_BUILD_SCANNER;
      second = GRAFT_LIBEXEC_SCANNER;
    }
  else
    second = GRAFT_BUILD_SCANNER;
#endif
  if (g_file_test (first, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (first);
  if (second != NULL && g_file_test (second, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (second);
  return NULL;
}

static guint
scan_timeout_s (void)
{
  const char *env = g_getenv ("GRAFT_REGISTRY_SCAN_TIMEOUT");
  guint64 v;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &v, NULL))
    return (guint) v;
  return DEFAULT_TIMEOUT_S;
}

/* Runs the scanner on `file`; always returns a verdict. */
static GVariant *
run_scanner (const char *scanner,
             const char *file)
{
  const char *argv[] = { scanner, file, NULL };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint timeout_s = scan_timeout_s ();
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  gboolean timed_out = FALSE;
  int out_fd = -1, wait_status = 0;
  GPid pid;
  GVariant *result;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL,
                                 &out_fd, NULL, &error))
    return failure_variant (g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                                         "Plugin file '%s' could not be scanned: %s", file, error->message));

  for (;;)
    {
      struct pollfd pfd = { out_fd, POLLIN, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      char buf[4096];
      ssize_t n;
      int r;

      if (left <= 0)
        {
          timed_out = TRUE;
          break;
        }
      r = poll (&pfd, 1, (int) MIN (left / 1000 + 1, G_MAXINT));
      if (r < 0 && errno == EINTR)
        continue;
      if (r == 0)
        continue;
      n = read (out_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
    }
  close (out_fd);
  if (timed_out)
    kill (pid, SIGKILL);
  while (waitpid (pid, &wait_status, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (pid);

  if (timed_out)
    return failure_variant (g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                                         "Plugin file '%s' timed out after %u s while being scanned",
                                         file, timeout_s));
  if (WIFSIGNALED (wait_status))
    return failure_variant (g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                                         "Plugin file '%s' crashed with signal %d (%s) while being scanned",
                                         file, WTERMSIG (wait_status), strsignal (WTERMSIG (wait_status))));
  result = g_variant_parse (G_VARIANT_TYPE (RESULT_TYPE), out->str, NULL, NULL, NULL);
  if (result == NULL || !WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    {
      if (result != NULL)
        g_variant_unref (result);
      return failure_variant (g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                                           "Plugin file '%s' could not be scanned: the scanner exited with "
                                           "status %d and no report", file,
                                           WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1));
    }
  return g_variant_ref_sink (result);
}

static char *
cache_path (void)
{
  const char *env = g_getenv ("GRAFT_REGISTRY_CACHE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_cache_dir (), "graft", "registry-" GRAFT_HOST_CPU ".bin", NULL);
}

/* Reads the cache once. A cache of another format, Graft or ABI, or one
 * that does not parse, is ignored: it is rebuilt by scanning. GVariant's
 * reader copes with any bytes, so a damaged file does no harm. */
static void
load_cache (GraftRegistry *registry)
{
  g_autofree char *path = NULL, *contents = NULL;
  g_autoptr(GVariant) cache = NULL, entries = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *format, *version;
  guint32 abi;
  gsize len;
  GVariantIter iter;
  const char *file;
  GVariant *entry;

  if (registry->cache != NULL)
    return;
  registry->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  path = cache_path ();
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  cache = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CACHE_TYPE), bytes, FALSE));
  g_variant_get (cache, "(&s&su@a{s(xx" RESULT_TYPE ")})", &format, &version, &abi, &entries);
  if (strcmp (format, CACHE_FORMAT) != 0 || strcmp (version, GRAFT_VERSION_S) != 0 ||
      abi != GRAFT_PLUGIN_ABI_VERSION)
    return;
  g_variant_iter_init (&iter, entries);
  while (g_variant_iter_next (&iter, "{&s@(xx" RESULT_TYPE ")}", &file, &entry))
    g_hash_table_replace (registry->cache, g_strdup (file), entry);
}

void
_graft_registry_flush_cache (GraftRegistry *registry)
{
  g_autofree char *path = NULL, *dir = NULL;
  g_autoptr(GVariant) cache = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder entries;
  GHashTableIter iter;
  gpointer key, value;

  if (!registry->cache_dirty)
    return;
  registry->cache_dirty = FALSE;
  g_variant_builder_init (&entries, G_VARIANT_TYPE ("a{s(xx" RESULT_TYPE ")}"));
  g_hash_table_iter_init (&iter, registry->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&entries, "{s@(xx" RESULT_TYPE ")}", key, value);
  cache = g_variant_ref_sink (g_variant_new ("(ssu@a{s(xx" RESULT_TYPE ")})", CACHE_FORMAT, GRAFT_VERSION_S,
                                             (guint32) GRAFT_PLUGIN_ABI_VERSION, g_variant_builder_end (&entries)));
  path = cache_path ();
  dir = g_path_get_dirname (path);
  /* Written to a temporary file and renamed: a reader never sees half a
   * cache, and of two processes writing at once one wins whole. */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, g_variant_get_data (cache), g_variant_get_size (cache), &error))
    g_debug ("Could not write the registry cache '%s': %s", path, error ? error->message : g_strerror (errno));
}

/* Copies a verdict onto a plugin record that failed in the scanner. */
static void
apply_failure (GraftPlugin *plugin,
               GVariant    *result)
{
  g_autoptr(GVariantIter) errors = NULL;
  const char *name, *version, *description, *license, *domain, *message;
  guint32 status;
  gint code;

  g_variant_get (result, "(um&sm&sm&sm&sa(sis)@a(us))", &status, &name, &version, &description, &license,
                 &errors, NULL);
  plugin->status = GRAFT_PLUGIN_STATUS_FAILED;
  plugin->name = g_strdup (name);
  plugin->version = g_strdup (version);
  plugin->description = g_strdup (description);
  plugin->license = g_strdup (license);
  while (g_variant_iter_next (errors, "(&si&s)", &domain, &code, &message))
    g_ptr_array_add (plugin->errors, g_error_new_literal (g_quark_from_string (domain), code, message));
  if (plugin->errors->len == 0)
    g_ptr_array_add (plugin->errors, g_error_new (GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                                                  "Plugin file '%s' failed while being scanned",
                                                  plugin->filename));
}

/**
 * _graft_plugin_scan: (skip)
 * @plugin: a new record with a file name
 *
 * Decides, from the cache or by running the scanner, whether @plugin's
 * file may be opened in this process. Caller holds load_lock.
 *
 * Returns: %TRUE to go on and load it here; %FALSE when the record was
 *   filled in as FAILED from the scan
 */
gboolean
_graft_plugin_scan (GraftPlugin *plugin)
{
  GraftRegistry *registry = plugin->registry;
  g_autofree char *canon = NULL, *scanner = NULL;
  g_autoptr(GVariant) result = NULL;
  GVariant *entry;
  struct stat st;
  guint32 status;

  if (g_strcmp0 (g_getenv ("GRAFT_REGISTRY_FORK"), "no") == 0)
    return TRUE;
  /* A file that cannot be read fails the same way with or without a
   * scanner: the loader says so. */
  canon = realpath (plugin->filename, NULL);
  if (canon == NULL || g_stat (canon, &st) != 0)
    return TRUE;

  load_cache (registry);
  entry = g_hash_table_lookup (registry->cache, canon);
  if (entry != NULL)
    {
      gint64 size, mtime;

      g_variant_get (entry, "(xx@" RESULT_TYPE ")", &size, &mtime, &result);
      if (size != (gint64) st.st_size || mtime != (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                                                    st.st_mtim.tv_nsec)
        g_clear_pointer (&result, g_variant_unref);
    }
  if (result == NULL)
    {
      scanner = find_scanner ();
      /* Without a scanner (a partial install), modules open in process,
       * as with GRAFT_REGISTRY_FORK=no. */
      if (scanner == NULL)
        return TRUE;
      result = run_scanner (scanner, plugin->filename);
      g_hash_table_replace (registry->cache, g_strdup (canon),
                            g_variant_ref_sink (g_variant_new ("(xx@" RESULT_TYPE ")", (gint64) st.st_size,
                                                               (gint64) st.st_mtim.tv_sec *
                                                                 G_GINT64_CONSTANT (1000000000) +
                                                                 st.st_mtim.tv_nsec,
                                                               result)));
      registry->cache_dirty = TRUE;
    }
  g_variant_get_child (result, 0, "u", &status);
  if (status != GRAFT_PLUGIN_STATUS_FAILED)
    return TRUE;
  apply_failure (plugin, result);
  return FALSE;
}
