/* bench-mlp.c: MLP forward (batch 64, 784→256→256→10, float32, ReLU) and
 * SGEMM 1024³, in Graft, timed in this process.
 *
 * The peers (NumPy, PyTorch) run in bench/peers.py; bench/run.sh runs both
 * with the same thread settings and prints the ratios. Threads: the
 * session's pool and OpenBLAS's are both set to the count given.
 *
 *   bench-mlp THREADS   prints "mlp_us <µs per forward>" and
 *                       "sgemm_gflops <GFLOP/s>" lines
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
op (GraftGraph *graph, const char *type, GraftOutput *a, GraftOutput *b, gboolean transpose_b)
{
  g_autoptr(GraftOpBuilder) builder = graft_op_builder_new (graph, type, NULL);
  GError *error = NULL;
  GraftOutput *o;

  graft_op_builder_add_input (builder, a);
  if (b != NULL)
    graft_op_builder_add_input (builder, b);
  if (transpose_b)
    graft_op_builder_set_attr_bool (builder, "transpose_b", TRUE);
  o = graft_op_builder_finish (builder, &error);
  if (o == NULL)
    g_error ("%s", error->message);
  return o;
}

static GraftOutput *
placeholder (GraftGraph *graph, const char *name, gint64 rows, gint64 cols)
{
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (rows, cols);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", name);

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

/* Weights are fed rather than variables so that every framework measures
 * the same thing: three matrix products, bias adds and ReLUs. */
static void
bench_mlp (guint threads)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  const gint64 dims[] = { 784, 256, 256, 10 };
  GraftOutput *feeds[7], *h;
  GraftTensor *values[7];
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  double best = G_MAXDOUBLE;

  feeds[0] = h = placeholder (graph, "x", 64, 784);
  values[0] = filled (64, 784, 1.0);
  for (int l = 0; l < 3; l++)
    {
      GraftOutput *w = placeholder (graph, "w", dims[l], dims[l + 1]);
      GraftOutput *b = placeholder (graph, "b", 1, dims[l + 1]);

      feeds[1 + 2 * l] = w;
      feeds[2 + 2 * l] = b;
      values[1 + 2 * l] = filled (dims[l], dims[l + 1], 0.05);
      values[2 + 2 * l] = filled (1, dims[l + 1], 0.01);
      h = op (graph, "Add", op (graph, "MatMul", h, w, FALSE), b, FALSE);
      if (l < 2)
        h = op (graph, "Relu", h, NULL, FALSE);
    }
  graft_session_set_num_threads (session, threads);
  callable = graft_session_make_callable (session, feeds, 7, &h, 1, NULL, 0, NULL);
  for (int rep = 0; rep < 7; rep++)
    {
      int iters = 200;
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
  printf ("mlp_us %.2f\n", best * 1e6);
  for (int i = 0; i < 7; i++)
    graft_tensor_unref (values[i]);
}

static void
bench_sgemm (guint threads)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  GraftOutput *feeds[2], *c;
  GraftTensor *values[2];
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  double best = G_MAXDOUBLE;
  const double n = 1024;

  feeds[0] = placeholder (graph, "a", 1024, 1024);
  feeds[1] = placeholder (graph, "b", 1024, 1024);
  values[0] = filled (1024, 1024, 1.0);
  values[1] = filled (1024, 1024, 1.0);
  c = op (graph, "MatMul", feeds[0], feeds[1], FALSE);
  graft_session_set_num_threads (session, threads);
  callable = graft_session_make_callable (session, feeds, 2, &c, 1, NULL, 0, NULL);
  for (int rep = 0; rep < 5; rep++)
    {
      GraftTensor *out = NULL;
      double t0 = now_s ();
      if (!graft_callable_run_into (callable, values, &out, NULL, NULL))
        abort ();
      best = MIN (best, now_s () - t0);
      graft_tensor_unref (out);
    }
  printf ("sgemm_gflops %.2f\n", 2 * n * n * n / best / 1e9);
  graft_tensor_unref (values[0]);
  graft_tensor_unref (values[1]);
}

int
main (int argc, char **argv)
{
  guint threads = argc > 1 ? (guint) atoi (argv[1]) : 1;

  bench_mlp (MAX (threads, 1));
  bench_sgemm (MAX (threads, 1));
  return 0;
}
