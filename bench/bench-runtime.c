/* bench-runtime.c: the runtime's own costs, fusion and results.
 *
 *   bench-runtime THREADS
 *
 * prints, for the MLP forward of bench-mlp (784→256→256→10, float32, bias
 * adds and ReLUs, weights fed) at batch 1, 64 and 512, the µs per forward
 * with fusion off and on ("mlp_us BATCH fused|unfused US"); then the time
 * to fetch a 64 MB result, returned as a new tensor ("fetch64_new_ms", the
 * second and later fetches, whose blocks the session recycles;
 * GRAFT_RESULT_POOL=0 gives the malloc'd baseline) and written into the
 * caller's tensor ("fetch64_into_ms").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <graft.h>

static double
now_s (void)
{
  return (double) g_get_monotonic_time () / 1e6;
}

static GraftOutput *
op (GraftGraph *graph, const char *type, GraftOutput *a, GraftOutput *b)
{
  g_autoptr(GraftOpBuilder) builder = graft_op_builder_new (graph, type, NULL);
  GError *error = NULL;
  GraftOutput *o;

  graft_op_builder_add_input (builder, a);
  if (b != NULL)
    graft_op_builder_add_input (builder, b);
  o = graft_op_builder_finish (builder, &error);
  if (o == NULL)
    g_error ("%s", error->message);
  return o;
}

static GraftOutput *
placeholder (GraftGraph *graph, gint64 rows, gint64 cols)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (rows, cols);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", NULL);

  graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT32);
  graft_op_builder_set_attr_shape (b, "shape", shape);
  return graft_op_builder_finish (b, NULL);
}

static GraftTensor *
filled (gint64 rows, gint64 cols, double scale)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (rows, cols);
  g_autofree float *v = g_new (float, rows * cols);

  for (gint64 i = 0; i < rows * cols; i++)
    v[i] = (float) (scale * sin ((double) i * 0.37));
  return graft_tensor_new_from_floats (v, rows * cols, shape, NULL);
}

static void
bench_mlp (guint threads, gint64 batch, gboolean fusion)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  const gint64 dims[] = { 784, 256, 256, 10 };
  GraftOutput *feeds[7], *h;
  GraftTensor *values[7];
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  double best = G_MAXDOUBLE;
  int iters = batch >= 512 ? 20 : batch >= 64 ? 200 : 2000;

  feeds[0] = h = placeholder (graph, batch, 784);
  values[0] = filled (batch, 784, 1.0);
  for (int l = 0; l < 3; l++)
    {
      GraftOutput *w = placeholder (graph, dims[l], dims[l + 1]);
      GraftOutput *b = placeholder (graph, 1, dims[l + 1]);

      feeds[1 + 2 * l] = w;
      feeds[2 + 2 * l] = b;
      values[1 + 2 * l] = filled (dims[l], dims[l + 1], 0.05);
      values[2 + 2 * l] = filled (1, dims[l + 1], 0.01);
      h = op (graph, "Add", op (graph, "MatMul", h, w), b);
      if (l < 2)
        h = op (graph, "Relu", h, NULL);
    }
  graft_session_set_num_threads (session, threads);
  graft_session_set_fusion (session, fusion);
  callable = graft_session_make_callable (session, feeds, 7, &h, 1, NULL, 0, NULL);
  for (int rep = 0; rep < 7; rep++)
    {
      double t0 = now_s ();
      for (int i = 0; i < iters; i++)
        {
          GraftTensor *out = NULL;
          if (!graft_callable_run_into (callable, values, &out, NULL, NULL))
            abort ();
          graft_tensor_unref (out);
        }
      best = MIN (best, (now_s () - t0) / iters);
    }
  printf ("mlp_us %" G_GINT64_FORMAT " %s %.2f\n", batch, fusion ? "fused" : "unfused", best * 1e6);
  for (int i = 0; i < 7; i++)
    graft_tensor_unref (values[i]);
}

/* A 64 MB result: Neg of a fed 4096 × 4096 float32 matrix. The compute is
 * the same either way; what differs is where the result goes. */
static void
bench_fetch (guint threads)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftSession) session = graft_session_new (graph);
  GraftOutput *x = placeholder (graph, 4096, 4096);
  GraftOutput *y = op (graph, "Neg", x, NULL);
  g_autoptr(GraftTensor) value = filled (4096, 4096, 1.0);
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (4096, 4096);
  g_autoptr(GraftTensor) out = graft_tensor_new_zeros (GRAFT_DTYPE_FLOAT32, shape, NULL);
  double best_new = G_MAXDOUBLE, best_into = G_MAXDOUBLE;

  graft_session_set_num_threads (session, threads);
  for (int rep = 0; rep < 8; rep++)
    {
      guint n;
      double t0 = now_s ();
      GraftTensor **r = graft_session_run (session, &x, &value, 1, &y, 1, NULL, 0, NULL, &n, NULL);
      double t = now_s () - t0;

      if (r == NULL)
        abort ();
      graft_tensor_unref (r[0]);
      g_free (r);
      if (rep > 0)
        best_new = MIN (best_new, t);
    }
  for (int rep = 0; rep < 8; rep++)
    {
      double t0 = now_s ();
      if (!graft_session_run_into (session, &x, &value, 1, &y, &out, 1, NULL, 0, NULL, NULL))
        abort ();
      if (rep > 0)
        best_into = MIN (best_into, now_s () - t0);
    }
  printf ("fetch64_new_ms %.2f\nfetch64_into_ms %.2f\n", best_new * 1e3, best_into * 1e3);
}

int
main (int argc, char **argv)
{
  guint threads = argc > 1 ? (guint) atoi (argv[1]) : 1;
  const gint64 batches[] = { 1, 64, 512 };

  threads = MAX (threads, 1);
  for (guint i = 0; i < G_N_ELEMENTS (batches); i++)
    {
      bench_mlp (threads, batches[i], FALSE);
      bench_mlp (threads, batches[i], TRUE);
    }
  bench_fetch (threads);
  return 0;
}
