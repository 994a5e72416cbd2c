/* bench-mlp.c: MLP forward (784→256→256→10, float32, ReLU) and square
 * SGEMMs, in Graft, timed in this process.
 *
 * The peers (NumPy, PyTorch) run in bench/peers.py with the same
 * commands; bench/run.sh alternates the two, round after round, and
 * prints minima, medians and same-round ratios. Threads: the session's
 * count, which MatMul hands to its library on every call.
 *
 *   bench-mlp info             the kernel OpenBLAS chose ("blas_core NAME")
 *   bench-mlp round [--quick]  "mlp BATCH THREADS µs CPU-µs" for batch 1,
 *                              64, 512 and "sgemm N THREADS GFLOP/s
 *                              GFLOP/CPU-s" for N = 256, 1024, 4096
 *                              (--quick: smaller, fewer; BENCH_SGEMM_MAX in
 *                              the environment: the largest N), each with 1
 *                              and 2 threads; CPU figures count the
 *                              processor time of all threads
 *   bench-mlp matmul THREADS [MAX]
 *                              "matmul M K N THREADS µs GFLOP/s CPU-µs" for
 *                              the MLP's layer shapes and squares up to
 *                              MAX (4096) rows: run under each GRAFT_MATMUL
 *                              to compare the libraries. CPU-µs is the
 *                              processor time of all threads per product
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <graft.h>

#ifdef GRAFT_BENCH_HAVE_OPENBLAS
extern char *openblas_get_corename (void);
#endif

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

/* Processor time of the whole process, all threads: on a loaded machine
 * it stays close to what the work costs while wall time does not. */
static double
cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The processor time of best_run()'s best repetition, per run. */
static double best_cpu;

/* Times `callable` on `values`: the best of `reps` means over `iters`
 * runs, in seconds of wall time. */
static double
best_run (GraftCallable *callable, GraftTensor **values, int reps, int iters)
{
  double best = G_MAXDOUBLE;

  best_cpu = G_MAXDOUBLE;
  for (int rep = 0; rep < reps; rep++)
    {
      double c0 = cpu_s ();
      double t0 = now_s ();
      for (int i = 0; i < iters; i++)
        {
          GraftTensor *out = NULL;
          if (!graft_callable_run_into (callable, values, &out, NULL, NULL))
            abort ();
          graft_tensor_unref (out);
        }
      best = MIN (best, (now_s () - t0) / iters);
      best_cpu = MIN (best_cpu, (cpu_s () - c0) / iters);
    }
  return best;
}

/* Enough runs for about 20 ms, at least one. */
static int
iters_for (GraftCallable *callable, GraftTensor **values)
{
  double once = best_run (callable, values, 1, 1);
  return (int) CLAMP (0.02 / MAX (once, 1e-7), 1, 20000);
}

/* Weights are fed rather than variables so that every framework measures
 * the same thing: three matrix products, bias adds and ReLUs. */
static void
bench_mlp (gint64 batch, guint threads, gboolean quick)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  const gint64 dims[] = { 784, 256, 256, 10 };
  GraftOutput *feeds[7], *h;
  GraftTensor *values[7];
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  double best;

  feeds[0] = h = placeholder (graph, "x", batch, 784);
  values[0] = filled (batch, 784, 1.0);
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
  best = best_run (callable, values, quick ? 2 : 5, iters_for (callable, values));
  printf ("mlp %" G_GINT64_FORMAT " %u %.2f %.2f\n", batch, threads, best * 1e6, best_cpu * 1e6);
  for (int i = 0; i < 7; i++)
    graft_tensor_unref (values[i]);
}

/* (m × k) · (k × n): the best time in seconds. */
static double
time_matmul (gint64 m, gint64 k, gint64 n, guint threads, int reps)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  GraftOutput *feeds[2], *c;
  GraftTensor *values[2];
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) callable = NULL;
  double best;

  feeds[0] = placeholder (graph, "a", m, k);
  feeds[1] = placeholder (graph, "b", k, n);
  values[0] = filled (m, k, 1.0);
  values[1] = filled (k, n, 1.0);
  c = op (graph, "MatMul", feeds[0], feeds[1], FALSE);
  graft_session_set_num_threads (session, threads);
  callable = graft_session_make_callable (session, feeds, 2, &c, 1, NULL, 0, NULL);
  best = best_run (callable, values, reps, iters_for (callable, values));
  graft_tensor_unref (values[0]);
  graft_tensor_unref (values[1]);
  return best;
}

static void
bench_sgemm (gint64 n, guint threads, gboolean quick)
{
  double t = time_matmul (n, n, n, threads, quick ? 2 : (n >= 4096 ? 3 : 5));

  printf ("sgemm %" G_GINT64_FORMAT " %u %.2f %.2f\n", n, threads, 2.0 * n * n * n / t / 1e9,
          2.0 * n * n * n / best_cpu / 1e9);
}

static void
bench_matmul_shapes (guint threads, gint64 max_n)
{
  /* The MLP's layers at batch 1, 64, 512, then squares. */
  static const gint64 shapes[][3] = {
    { 1, 784, 256 }, { 1, 256, 256 }, { 1, 256, 10 },
    { 64, 784, 256 }, { 64, 256, 256 }, { 64, 256, 10 },
    { 512, 784, 256 }, { 512, 256, 256 }, { 512, 256, 10 },
    { 256, 256, 256 }, { 512, 512, 512 }, { 1024, 1024, 1024 }, { 2048, 2048, 2048 }, { 4096, 4096, 4096 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      const gint64 *s = shapes[i];
      double t;

      if (s[0] > max_n)
        continue;
      t = time_matmul (s[0], s[1], s[2], threads, s[0] >= 2048 ? 2 : 5);
      printf ("matmul %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %.2f %.2f %.2f\n",
              s[0], s[1], s[2], threads, t * 1e6, 2.0 * s[0] * s[1] * s[2] / t / 1e9, best_cpu * 1e6);
      fflush (stdout);
    }
}

static const char *
blas_core (void)
{
#ifdef GRAFT_BENCH_HAVE_OPENBLAS
  return openblas_get_corename ();
#else
  return "none";
#endif
}

int
main (int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : "round";
  gboolean quick = argc > 2 && g_str_equal (argv[2], "--quick");

  if (g_str_equal (cmd, "info"))
    printf ("blas_core %s\n", blas_core ());
  else if (g_str_equal (cmd, "matmul"))
    bench_matmul_shapes (argc > 2 ? (guint) MAX (atoi (argv[2]), 1) : 1, argc > 3 ? atoi (argv[3]) : 4096);
  else if (g_str_equal (cmd, "round"))
    {
      const gint64 batches[] = { 1, 64, 512 };
      const gint64 squares[] = { 256, 1024, 4096 };
      const char *max = g_getenv ("BENCH_SGEMM_MAX");
      gint64 sgemm_max = max != NULL ? g_ascii_strtoll (max, NULL, 10) : 4096;

      for (guint t = 1; t <= 2; t++)
        {
          for (gsize i = 0; i < G_N_ELEMENTS (batches); i++)
            bench_mlp (batches[i], t, quick);
          for (gsize i = 0; i < G_N_ELEMENTS (squares); i++)
            if (squares[i] <= sgemm_max)
              bench_sgemm (quick ? squares[i] / 4 : squares[i], t, quick);
        }
    }
  else
    {
      fprintf (stderr, "usage: bench-mlp info | round [--quick] | matmul THREADS [MAX]\n");
      return 2;
    }
  return 0;
}
