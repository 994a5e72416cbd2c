/* bench-conv.c: the small CNN of the TensorFlow 1.x tutorials, float32,
 * NHWC, in Graft, timed in this process:
 *
 *   x [64, 28, 28, 1] → Conv2D 5×5×32 SAME → MaxPool 2×2/2
 *                     → Conv2D 5×5×64 SAME → MaxPool 2×2/2 → [64, 7, 7, 64]
 *
 * "forward" runs that chain; "forward+backward" also builds, by hand (as
 * graft_gradients() builds them), the gradients of both filters from a
 * fed gradient of the output: MaxPoolGrad, Conv2DBackpropInput and
 * Conv2DBackpropFilter. Weights are fed, as in bench-mlp, so every
 * framework measures the same products. bench/peers-conv.py times PyTorch
 * on the same net; bench/run.sh prints both.
 *
 *   bench-conv THREADS   prints "cnn_fwd_us <µs>" and "cnn_fwdbwd_us <µs>"
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
finish (GraftOpBuilder *b)
{
  GError *error = NULL;
  GraftOutput *o = graft_op_builder_finish (b, &error);

  if (o == NULL)
    g_error ("%s", error->message);
  return o;
}

static void
window_attrs (GraftOpBuilder *b, gboolean pool)
{
  static const gint64 ones[4] = { 1, 1, 1, 1 }, twos[4] = { 1, 2, 2, 1 };

  graft_op_builder_set_attr_ints (b, "strides", pool ? twos : ones, 4);
  graft_op_builder_set_attr_string (b, "padding", "SAME");
  if (pool)
    graft_op_builder_set_attr_ints (b, "ksize", twos, 4);
}

static GraftOutput *
conv (GraftGraph *graph, GraftOutput *x, GraftOutput *w)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Conv2D", NULL);

  graft_op_builder_add_input (b, x);
  graft_op_builder_add_input (b, w);
  window_attrs (b, FALSE);
  return finish (b);
}

static GraftOutput *
pool (GraftGraph *graph, GraftOutput *x)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "MaxPool", NULL);

  graft_op_builder_add_input (b, x);
  window_attrs (b, TRUE);
  return finish (b);
}

static GraftOutput *
pool_grad (GraftGraph *graph, GraftOutput *x, GraftOutput *y, GraftOutput *dy)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "MaxPoolGrad", NULL);

  graft_op_builder_add_input (b, x);
  graft_op_builder_add_input (b, y);
  graft_op_builder_add_input (b, dy);
  window_attrs (b, TRUE);
  return finish (b);
}

static GraftOutput *
backprop (GraftGraph *graph, const char *type, GraftOutput *a, const gint64 *sizes, GraftOutput *dy)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, type, NULL);
  gboolean input = g_str_equal (type, "Conv2DBackpropInput");

  graft_op_builder_set_attr_ints (b, input ? "input_sizes" : "filter_sizes", sizes, 4);
  graft_op_builder_add_input (b, a);
  graft_op_builder_add_input (b, dy);
  window_attrs (b, FALSE);
  return finish (b);
}

static GraftOutput *
placeholder (GraftGraph *graph, const gint64 *dims)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims, 4);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", NULL);

  graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT32);
  graft_op_builder_set_attr_shape (b, "shape", shape);
  return finish (b);
}

static GraftTensor *
filled (const gint64 *dims, double scale)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims, 4);
  gsize n = (gsize) (dims[0] * dims[1] * dims[2] * dims[3]);
  g_autofree float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) (scale * sin ((double) i * 0.37));
  return graft_tensor_new_from_floats (v, n, shape, NULL);
}

/* The best time of `reps` runs of `iters` each, in seconds per run. */
static double
time_runs (GraftCallable *callable, GraftTensor **values, guint n_fetches, int reps, int iters)
{
  double best = G_MAXDOUBLE;

  for (int rep = 0; rep < reps; rep++)
    {
      double t0 = now_s ();

      for (int i = 0; i < iters; i++)
        {
          GraftTensor *out[2] = { NULL, NULL };

          if (!graft_callable_run_into (callable, values, out, NULL, NULL))
            abort ();
          for (guint f = 0; f < n_fetches; f++)
            graft_tensor_unref (out[f]);
        }
      best = MIN (best, (now_s () - t0) / iters);
    }
  return best;
}

int
main (int argc, char **argv)
{
  guint threads = argc > 1 ? (guint) MAX (atoi (argv[1]), 1) : 1;
  static const gint64 x_dims[4] = { 64, 28, 28, 1 }, w1_dims[4] = { 5, 5, 1, 32 }, w2_dims[4] = { 5, 5, 32, 64 },
                      p1_dims[4] = { 64, 14, 14, 32 }, dy_dims[4] = { 64, 7, 7, 64 };
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  GraftOutput *feeds[4], *c1, *p1, *c2, *p2, *grads[2], *d;
  GraftTensor *values[4];
  g_autoptr(GraftSession) session = graft_session_new (graph);
  g_autoptr(GraftCallable) forward = NULL;
  g_autoptr(GraftCallable) backward = NULL;

  feeds[0] = placeholder (graph, x_dims);
  feeds[1] = placeholder (graph, w1_dims);
  feeds[2] = placeholder (graph, w2_dims);
  feeds[3] = placeholder (graph, dy_dims);
  values[0] = filled (x_dims, 1.0);
  values[1] = filled (w1_dims, 0.2);
  values[2] = filled (w2_dims, 0.05);
  values[3] = filled (dy_dims, 0.01);
  c1 = conv (graph, feeds[0], feeds[1]);
  p1 = pool (graph, c1);
  c2 = conv (graph, p1, feeds[2]);
  p2 = pool (graph, c2);

  d = pool_grad (graph, c2, p2, feeds[3]);
  grads[1] = backprop (graph, "Conv2DBackpropFilter", p1, w2_dims, d);
  d = backprop (graph, "Conv2DBackpropInput", feeds[2], p1_dims, d);
  d = pool_grad (graph, c1, p1, d);
  grads[0] = backprop (graph, "Conv2DBackpropFilter", feeds[0], w1_dims, d);

  graft_session_set_num_threads (session, threads);
  forward = graft_session_make_callable (session, feeds, 3, &p2, 1, NULL, 0, NULL);
  backward = graft_session_make_callable (session, feeds, 4, grads, 2, NULL, 0, NULL);
  printf ("cnn_fwd_us %.1f\n", time_runs (forward, values, 1, 5, 5) * 1e6);
  printf ("cnn_fwdbwd_us %.1f\n", time_runs (backward, values, 2, 5, 3) * 1e6);
  for (int i = 0; i < 4; i++)
    graft_tensor_unref (values[i]);
  return 0;
}
