/* test-cpp.cc: every public header compiles as C++ (GStreamer's
 * gstcpp.cc), and the plugin macros expand to valid C++, so that plugins
 * and applications may be written in it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <graft.h>
#include <graft-plugin.h>

#include <gtest/gtest.h>

namespace {

void
cpp_kernel (GraftKernel       *,
            const GraftTensor *,
            GraftTensor       *)
{
}

gboolean
cpp_init (GraftPlugin *plugin,
          GError     **error)
{
  static const GraftOpInfo ops[] = {
    GRAFT_OP_DEF ("cpp.Identity", cpp_kernel, 3, "(x: T) -> (y: T)", "Written in C++",
                  graft_shape_same_as_input),
  };
  static const GraftOpInfo initializers[] = {
    GRAFT_INITIALIZER_DEF ("cpp.nothing", nullptr, 0, "() -> (out: T)", "Written in C++"),
  };

  return graft_plugin_add_ops (plugin, ops, G_N_ELEMENTS (ops), error) &&
         graft_plugin_add_initializers (plugin, initializers, G_N_ELEMENTS (initializers), error);
}

} // namespace

/* A descriptor defined in C++: found by its unmangled name. */
GRAFT_PLUGIN_DEFINE (cpp, "1.0", "A C++ plugin", "LGPL-2.1-or-later", cpp_init)

TEST (Cpp, HeadersAndMacrosWork)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (2, 3);

  EXPECT_EQ (graft_plugin_cpp_desc.abi_version, (guint32) GRAFT_PLUGIN_ABI_VERSION);
  EXPECT_STREQ (graft_plugin_cpp_desc.name, "cpp");
  EXPECT_TRUE (graft_plugin_cpp_desc.init == cpp_init);
  EXPECT_EQ (graft_graph_get_num_operations (graph), 0u);
  EXPECT_EQ (graft_shape_get_num_elements (shape), 6);
  EXPECT_TRUE (GRAFT_CHECK_VERSION (0, 0, 0));
}
