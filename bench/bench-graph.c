/* bench-graph.c: graph building, variable look-ups and dispatch.
 *
 *   (a) build a chain of N Add ops on 1-element tensors, with TensorFlow's
 *       naming and shape inference: ns/op and bytes/op, N = 10^4, 10^5, 10^6
 *   (b) get_variable look-ups (reuse) in a store of 10^5 variables: ns/look-up
 *   (c) run that chain: ns/op; and the fixed cost of one prepared run of a
 *       1-op graph
 *
 * No peer of these is installed on Debian (ggml and TensorFlow are not
 * packaged), so the figures are printed alone; the reference
 * figures are quoted next to them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <graft.h>

static double
now_ns (void)
{
  return (double) g_get_monotonic_time () * 1000.0;
}

static GraftOutput *
constant (GraftGraph *graph, double v)
{
  g_autoptr(GraftShape) shape = graft_shape_new_vector (1);
  float f = (float) v;
  g_autoptr(GraftTensor) t = graft_tensor_new_from_floats (&f, 1, shape, NULL);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Const", NULL);

  graft_op_builder_set_attr_tensor (b, "value", t);
  graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT32);
  return graft_op_builder_finish (b, NULL);
}

/* The same chain with one call per op: no builder. */
static GraftOutput *
chain_direct (GraftGraph *graph, GraftOutput *c, guint n)
{
  GraftOutput *x = c;

  for (guint i = 0; i < n; i++)
    {
      GraftOutput *in[2] = { x, c };
      GError *error = NULL;

      x = graft_graph_add_op (graph, "Add", NULL, in, 2, &error);
      if (x == NULL)
        g_error ("op %u of the chain: %s", i, error->message);
    }
  return x;
}

static GraftOutput *
chain (GraftGraph *graph, GraftOutput *c, guint n)
{
  GraftOutput *x = c;

  for (guint i = 0; i < n; i++)
    {
      GraftOpBuilder *b = graft_op_builder_new (graph, "Add", NULL);
      graft_op_builder_add_input (b, x);
      graft_op_builder_add_input (b, c);
      GError *error = NULL;
      x = graft_op_builder_finish (b, &error);
      graft_op_builder_free (b);
      if (x == NULL)
        g_error ("op %u of the chain: %s", i, error->message);
    }
  return x;
}

/* The first build of a process pays for fresh memory (a page fault costs
 * about 13 µs on this machine); later builds reuse the arena chunks of
 * dead graphs. Both are reported: "cold" is the first, "warm" the best of
 * the rest. */
static void
bench_build (guint n)
{
  double cold = 0, warm = G_MAXDOUBLE, direct = G_MAXDOUBLE;
  gsize bytes = 0;
  int reps = n >= 1000000 ? 3 : 6;

  for (int r = 0; r < reps; r++)
    {
      GraftGraph *graph = graft_graph_new ();
      GraftOutput *c = constant (graph, 1);
      gsize base = graft_graph_get_memory_size (graph);
      double t0 = now_ns (), t;

      if (r % 2 == 0)
        chain (graph, c, n);
      else
        chain_direct (graph, c, n);
      t = (now_ns () - t0) / n;
      if (r == 0)
        cold = t;
      else if (r % 2 == 0)
        warm = MIN (warm, t);
      else
        direct = MIN (direct, t);
      bytes = (graft_graph_get_memory_size (graph) - base) / n;
      g_object_unref (graph);
    }
  printf ("(a) build   N=%-8u builder: %7.1f ns/op cold, %7.1f warm; graft_graph_add_op: %7.1f warm; "
          "%" G_GSIZE_FORMAT " bytes/op\n", n, cold, warm, direct, bytes);
}

static void
bench_lookup (guint n_vars)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_vector (1);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  char **names = g_new (char *, n_vars);
  guint lookups = 1000000;
  double t0, best = G_MAXDOUBLE, in_order = G_MAXDOUBLE;

  for (guint i = 0; i < n_vars; i++)
    {
      names[i] = g_strdup_printf ("v%u", i);
      graft_graph_get_variable (graph, names[i], shape, GRAFT_DTYPE_FLOAT32, zeros, NULL);
    }
  {
    g_autoptr(GraftScopeGuard) reuse = graft_graph_reenter_variable_scope (graph, graft_graph_get_variable_scope (graph),
                                                                            GRAFT_REUSE_TRUE, NULL);
    /* Scattered order (a stride co-prime with the store size visits it
     * all), then creation order, as model code re-entering its layers
     * asks for them. */
    for (int r = 0; r < 6; r++)
      {
        guint k = 0, stride = r % 2 == 0 ? 7919 : 1;
        t0 = now_ns ();
        for (guint i = 0; i < lookups; i++)
          {
            GraftVariable *v = graft_graph_get_variable (graph, names[k], shape, GRAFT_DTYPE_FLOAT32, NULL, NULL);
            if (G_UNLIKELY (v == NULL))
              abort ();
            k = (k + stride) % n_vars;
          }
        if (stride == 1)
          in_order = MIN (in_order, (now_ns () - t0) / lookups);
        else
          best = MIN (best, (now_ns () - t0) / lookups);
      }
  }
  printf ("(b) lookup  store=%-6u %7.1f ns/get_variable scattered, %.1f in creation order (reuse=True)\n",
          n_vars, best, in_order);
  for (guint i = 0; i < n_vars; i++)
    g_free (names[i]);
  g_free (names);
}

static void
bench_dispatch (guint n)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  GraftOutput *c = constant (graph, 1);
  GraftOutput *x = chain (graph, c, n);
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  double best = G_MAXDOUBLE;

  graft_session_set_num_threads (session, 1);
  callable = graft_session_make_callable (session, NULL, 0, &x, 1, NULL, 0, NULL);
  for (int r = 0; r < (n > 100000 ? 5 : 20); r++)
    {
      GraftTensor *out = NULL;
      double t0 = now_ns ();

      graft_callable_run_into (callable, NULL, &out, NULL, NULL);
      best = MIN (best, (now_ns () - t0) / n);
      if (graft_tensor_get_double (out, 0) != n + 1.0)
        abort ();
      graft_tensor_unref (out);
    }
  printf ("(c) run     N=%-8u %7.1f ns/op  (prepared callable, 1 thread)\n", n, best);
}

static void
bench_fixed (void)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  GraftOutput *c = constant (graph, 1);
  GraftOutput *x = chain (graph, c, 1);
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  guint runs = 1000000;
  double best = G_MAXDOUBLE;

  graft_session_set_num_threads (session, 1);
  callable = graft_session_make_callable (session, NULL, 0, &x, 1, NULL, 0, NULL);
  for (int r = 0; r < 5; r++)
    {
      double t0 = now_ns ();
      for (guint i = 0; i < runs; i++)
        {
          GraftTensor *out = NULL;
          graft_callable_run_into (callable, NULL, &out, NULL, NULL);
          graft_tensor_unref (out);
        }
      best = MIN (best, (now_ns () - t0) / runs);
    }
  printf ("(c) fixed   1-op graph %7.1f ns/run (prepared callable, result included)\n", best);
}

int
main (int argc, char **argv)
{
  gboolean quick = argc > 1 && g_str_equal (argv[1], "--quick");
  const char *only = argc > 1 && !quick ? argv[1] : NULL;

  if (only != NULL)
    {
      /* One part alone, for profiling. */
      graft_registry_ensure_loaded (graft_registry_get_default ());
      if (g_str_equal (only, "build"))
        bench_build (argc > 2 ? (guint) atoi (argv[2]) : 100000);
      else if (g_str_equal (only, "lookup"))
        bench_lookup (100000);
      else if (g_str_equal (only, "dispatch"))
        bench_dispatch (argc > 2 ? (guint) atoi (argv[2]) : 100000);
      else if (g_str_equal (only, "fixed"))
        bench_fixed ();
      return 0;
    }

  graft_registry_ensure_loaded (graft_registry_get_default ());
  printf ("Graft %s graph benchmarks (targets: (a) <= 100 ns/op at 1e5, <= 128 bytes/op + names; "
          "(b) <= 200 ns; (c) <= 40 ns/op, <= 300 ns fixed; ggml builds at 141 ns/op here)\n", GRAFT_VERSION_S);
  bench_build (10000);
  bench_build (100000);
  if (!quick)
    bench_build (1000000);
  bench_lookup (quick ? 10000 : 100000);
  bench_dispatch (10000);
  bench_dispatch (100000);
  if (!quick)
    bench_dispatch (1000000);
  bench_fixed ();
  return 0;
}
