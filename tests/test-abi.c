/* test-abi.c: the plugin ABI, pinned.
 *
 * A plugin module is compiled against graft-plugin.h and then loaded by
 * whatever Graft the user has. The loader trusts the layout of
 * GraftPluginDesc and GraftOpInfo, the values of the flags and the C types
 * kernels receive as long as the module's abi_version matches
 * GRAFT_PLUGIN_ABI_VERSION. This test pins all of it, so that a change
 * cannot slip in unnoticed (GStreamer's gstabi.c does the same).
 *
 * CHANGING ANY NUMBER BELOW BREAKS EVERY PLUGIN BUILT BEFORE: bump
 * GRAFT_PLUGIN_ABI_VERSION in plugins/graft-plugin.h in the same change,
 * then update this file. Adding a field means using a reserved slot, which
 * keeps the size; the reserved slots are there for that.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>

#include <graft-plugin.h>

typedef struct {
  const char *what;
  gsize got;
  gsize lp64;                   /* x86_64, aarch64, … */
  gsize ilp32;                  /* i386, armhf, … */
} Pin;

#define PIN_SIZE(type, lp64, ilp32) { "sizeof (" #type ")", sizeof (type), (lp64), (ilp32) }
#define PIN_OFFSET(type, field, lp64, ilp32) \
  { "offsetof (" #type ", " #field ")", offsetof (type, field), (lp64), (ilp32) }

static const Pin pins[] = {
  PIN_SIZE (GraftOpInfo, 88, 48),
  PIN_OFFSET (GraftOpInfo, name, 0, 0),
  PIN_OFFSET (GraftOpInfo, signature, 8, 4),
  PIN_OFFSET (GraftOpInfo, summary, 16, 8),
  PIN_OFFSET (GraftOpInfo, default_name, 24, 12),
  PIN_OFFSET (GraftOpInfo, shape, 32, 16),
  PIN_OFFSET (GraftOpInfo, kernel, 40, 20),
  PIN_OFFSET (GraftOpInfo, arity, 48, 24),
  PIN_OFFSET (GraftOpInfo, flags, 52, 28),
  PIN_OFFSET (GraftOpInfo, reserved, 56, 32),

  PIN_SIZE (GraftPluginDesc, 112, 60),
  PIN_OFFSET (GraftPluginDesc, abi_version, 0, 0),
  /* ABI 2: size took the padding after abi_version on LP64, so no other
   * field moved there; on ILP32 everything after it moved by 4 bytes. */
  PIN_OFFSET (GraftPluginDesc, size, 4, 4),
  PIN_OFFSET (GraftPluginDesc, name, 8, 8),
  PIN_OFFSET (GraftPluginDesc, version, 16, 12),
  PIN_OFFSET (GraftPluginDesc, description, 24, 16),
  PIN_OFFSET (GraftPluginDesc, license, 32, 20),
  PIN_OFFSET (GraftPluginDesc, init, 40, 24),
  PIN_OFFSET (GraftPluginDesc, reserved, 48, 28),

  /* What kernels receive: libffi passes gboolean and GraftDType as C int. */
  PIN_SIZE (gboolean, 4, 4),
  PIN_SIZE (GraftDType, 4, 4),
  PIN_SIZE (gint64, 8, 8),
  PIN_SIZE (gsize, 8, 4),
};

static void
test_struct_layout (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pins); i++)
    {
      gsize want = GLIB_SIZEOF_VOID_P == 8 ? pins[i].lp64 : pins[i].ilp32;

      if (pins[i].got != want)
        g_test_fail_printf ("%s is %" G_GSIZE_FORMAT ", pinned at %" G_GSIZE_FORMAT ": the plugin ABI changed; "
                            "bump GRAFT_PLUGIN_ABI_VERSION and update tests/test-abi.c",
                            pins[i].what, pins[i].got, want);
    }
}

static void
test_abi_version (void)
{
  g_assert_cmpint (GRAFT_PLUGIN_ABI_VERSION, ==, 2);
}

/* Values plugins compile into their tables and that the loader acts on. */
static void
test_enum_values (void)
{
  g_assert_cmpint (GRAFT_OP_FLAGS_NONE, ==, 0);
  g_assert_cmpint (GRAFT_OP_FLAGS_STATEFUL, ==, 1);
  g_assert_cmpint (GRAFT_OP_FLAGS_RANDOM, ==, 2);

  g_assert_cmpint (GRAFT_DTYPE_INVALID, ==, 0);
  g_assert_cmpint (GRAFT_DTYPE_FLOAT32, ==, 1);
  g_assert_cmpint (GRAFT_DTYPE_FLOAT64, ==, 2);
  g_assert_cmpint (GRAFT_DTYPE_INT32, ==, 3);
  g_assert_cmpint (GRAFT_DTYPE_INT64, ==, 4);
  g_assert_cmpint (GRAFT_DTYPE_BOOL, ==, 5);
  g_assert_cmpint (GRAFT_DTYPE_COMPLEX64, ==, 6);
  g_assert_cmpint (GRAFT_DTYPE_FLOAT16, ==, 7);
  g_assert_cmpint (GRAFT_DTYPE_BFLOAT16, ==, 8);
  g_assert_cmpint (GRAFT_DTYPE_INT8, ==, 9);
  g_assert_cmpint (GRAFT_DTYPE_UINT8, ==, 10);
  g_assert_cmpint (GRAFT_DTYPE_INT16, ==, 11);
  g_assert_cmpint (GRAFT_DTYPE_UINT16, ==, 12);
  g_assert_cmpint (GRAFT_DTYPE_COMPLEX128, ==, 13);

  g_assert_cmpint (GRAFT_PLUGIN_STATUS_LOADED, ==, 0);
  g_assert_cmpint (GRAFT_PLUGIN_STATUS_PARTIAL, ==, 1);
  g_assert_cmpint (GRAFT_PLUGIN_STATUS_FAILED, ==, 2);
}

/* The macros fill every field, in order, and leave the reserved slots
 * empty. */
static void
dummy_kernel (void)
{
}

static void
test_macros (void)
{
  const GraftOpInfo op = GRAFT_OP_DEF ("acme.Op", dummy_kernel, 3, "(x: T) -> (y: T)", "One line",
                                       graft_shape_same_as_input);
  const GraftOpInfo init = GRAFT_INITIALIZER_DEF ("acme.init", dummy_kernel, 2, "() -> (out: T)", "Init");

  g_assert_cmpstr (op.name, ==, "acme.Op");
  g_assert_cmpstr (op.signature, ==, "(x: T) -> (y: T)");
  g_assert_cmpstr (op.summary, ==, "One line");
  g_assert_null (op.default_name);
  g_assert_true (op.shape == graft_shape_same_as_input);
  g_assert_true (op.kernel == (GCallback) dummy_kernel);
  g_assert_cmpuint (op.arity, ==, 3);
  g_assert_cmpuint (op.flags, ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (op.reserved); i++)
    g_assert_null (op.reserved[i]);

  g_assert_cmpstr (init.name, ==, "acme.init");
  g_assert_null (init.shape);
  g_assert_cmpuint (init.arity, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/abi/struct-layout", test_struct_layout);
  g_test_add_func ("/abi/version", test_abi_version);
  g_test_add_func ("/abi/enum-values", test_enum_values);
  g_test_add_func ("/abi/macros", test_macros);
  return g_test_run ();
}
