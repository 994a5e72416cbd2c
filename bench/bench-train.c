/* bench-train.c: one training step (forward, backward, Adam) of the
 * 64 × 784-256-256-10 MLP and of a small CNN, and the cost of building a
 * gradient graph.
 *
 *   bench-train THREADS [ROUNDS]
 *
 * Prints `key value` lines for bench/run.sh, which runs PyTorch's same
 * steps (bench/peers-train.py) interleaved with these:
 *   train_mlp_us      median µs per MLP step (min in train_mlp_min_us)
 *   train_cnn_us      median µs per CNN step (28×28×1 → 5×5×32 conv, 2×2
 *                     max pool → 5×5×64 conv, pool → dense 10)
 *   grad_build_ns_per_op  graft_gradients() on a 10⁵-op chain, per op
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <graft.h>

#define BATCH 64

static GraftOutput *
variable (GraftGraph   *g,
          const char   *name,
          const gint64 *dims,
          guint         rank,
          gboolean      zeros)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims, rank);
  g_autoptr(GraftInitializer) init = zeros ? graft_initializer_new_zeros ()
                                           : graft_initializer_new ("glorot_uniform", NULL);
  GraftVariable *v = graft_graph_get_variable (g, name, shape, GRAFT_DTYPE_FLOAT32, init, NULL);

  return v ? graft_variable_get_value (v) : NULL;
}

static GraftOutput *
dense (GraftGraph  *g,
       const char  *scope_name,
       GraftOutput *x,
       gint64       n_in,
       gint64       n_out,
       gboolean     relu)
{
  g_autoptr(GraftScope) scope = graft_graph_enter_variable_scope (g, scope_name, GRAFT_REUSE_INHERIT, NULL);
  gint64 wd[] = { n_in, n_out }, bd[] = { n_out };
  GraftOutput *y = graft_bias_add (g, graft_matmul (g, x, variable (g, "w", wd, 2, FALSE)),
                                   variable (g, "b", bd, 1, TRUE));

  graft_scope_exit (scope, NULL);
  return relu ? graft_relu (g, y) : y;
}

static GraftOutput *
conv_pool (GraftGraph  *g,
           const char  *scope_name,
           GraftOutput *x,
           gint64       c_in,
           gint64       c_out)
{
  g_autoptr(GraftScope) scope = graft_graph_enter_variable_scope (g, scope_name, GRAFT_REUSE_INHERIT, NULL);
  gint64 wd[] = { 5, 5, c_in, c_out }, bd[] = { c_out };
  gint64 ones[] = { 1, 1, 1, 1 }, pool[] = { 1, 2, 2, 1 };
  GraftOutput *y;

  y = graft_conv2d (g, x, variable (g, "w", wd, 4, FALSE), ones, 4, "SAME");
  y = graft_relu (g, graft_bias_add (g, y, variable (g, "b", bd, 1, TRUE)));
  y = graft_max_pool (g, y, pool, 4, pool, 4, "VALID");
  graft_scope_exit (scope, NULL);
  return y;
}

static GraftTensor *
random_tensor (const gint64 *dims,
               guint         rank,
               GRand        *rand)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims, rank);
  gsize n = 1;

  for (guint i = 0; i < rank; i++)
    n *= (gsize) dims[i];
  g_autofree float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, 0, 1);
  return graft_tensor_new_from_floats (v, n, shape, NULL);
}

static GraftTensor *
random_labels (GRand *rand)
{
  gint64 dims[] = { BATCH };
  g_autoptr(GraftShape) shape = graft_shape_new (dims, 1);
  gint32 v[BATCH];

  for (guint i = 0; i < BATCH; i++)
    v[i] = g_rand_int_range (rand, 0, 10);
  return graft_tensor_new_from_int32s (v, BATCH, shape, NULL);
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Builds loss and Adam's step for `logits`, then times `rounds` rounds of
 * `steps` steps; prints the median and the minimum µs per step. */
static void
time_steps (const char   *key,
            GraftGraph   *g,
            GraftOutput  *x,
            GraftOutput  *labels,
            GraftOutput  *logits,
            const gint64 *xdims,
            guint         xrank,
            guint         threads,
            guint         rounds,
            guint         steps)
{
  g_autoptr(GError) error = NULL;
  GraftOutput *loss = graft_reduce_mean (g, graft_sparse_softmax_cross_entropy_with_logits (g, logits, labels));
  g_autoptr(GraftOptimizer) adam = GRAFT_OPTIMIZER (graft_adam_optimizer_new (0.001));
  GraftOutput *step = loss ? graft_optimizer_minimize (adam, loss, NULL, NULL, 0, NULL, &error) : NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);

  if (step == NULL)
    {
      if (error == NULL)
        error = graft_graph_take_error (g);
      g_printerr ("bench-train: %s: %s\n", key, error ? error->message : "cannot build");
      exit (1);
    }
  g_autoptr(GraftSession) s = graft_session_new (g);
  graft_session_set_num_threads (s, threads);
  if (!graft_session_run_target (s, graft_graph_global_variables_initializer (g, NULL), &error))
    {
      g_printerr ("bench-train: %s\n", error->message);
      exit (1);
    }
  GraftOutput *feeds[] = { x, labels };
  GraftTensor *values[] = { random_tensor (xdims, xrank, rand), random_labels (rand) };
  g_autofree double *per_step = g_new (double, rounds);

  for (guint r = 0; r <= rounds; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      for (guint i = 0; i < steps; i++)
        {
          guint n = 0;
          g_autofree GraftTensor **res = graft_session_run (s, feeds, values, 2, NULL, 0, &step, 1, NULL, &n, &error);
          if (res == NULL && error != NULL)
            {
              g_printerr ("bench-train: %s\n", error->message);
              exit (1);
            }
        }
      /* Round 0 warms caches and plans up. */
      if (r > 0)
        per_step[r - 1] = (double) (g_get_monotonic_time () - t0) / steps;
    }
  qsort (per_step, rounds, sizeof (double), compare_double);
  printf ("%s_us %.1f\n%s_min_us %.1f\n", key, per_step[rounds / 2], key, per_step[0]);
  graft_tensor_unref (values[0]);
  graft_tensor_unref (values[1]);
}

static GraftOutput *
placeholders (GraftGraph   *g,
              const gint64 *xdims,
              guint         xrank,
              GraftOutput **labels)
{
  g_autoptr(GraftShape) xs = graft_shape_new (xdims, xrank);
  gint64 ld[] = { BATCH };
  g_autoptr(GraftShape) ls = graft_shape_new (ld, 1);
  GraftPlaceholderAttrs xa = GRAFT_PLACEHOLDER_ATTRS_INIT, la = GRAFT_PLACEHOLDER_ATTRS_INIT;

  xa.shape = xs;
  la.shape = ls;
  *labels = graft_placeholder_full (g, GRAFT_DTYPE_INT32, "labels", &la);
  return graft_placeholder_full (g, GRAFT_DTYPE_FLOAT32, "x", &xa);
}

int
main (int    argc,
      char **argv)
{
  guint threads = argc > 1 ? (guint) atoi (argv[1]) : 1;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 5;

  if (threads < 1 || rounds < 1)
    {
      g_printerr ("usage: bench-train THREADS [ROUNDS]\n");
      return 2;
    }
  {
    g_autoptr(GraftGraph) g = graft_graph_new ();
    gint64 xd[] = { BATCH, 784 };
    GraftOutput *labels, *x = placeholders (g, xd, 2, &labels);
    GraftOutput *h = dense (g, "layer1", x, 784, 256, TRUE);
    h = dense (g, "layer2", h, 256, 256, TRUE);
    time_steps ("train_mlp", g, x, labels, dense (g, "out", h, 256, 10, FALSE), xd, 2, threads, rounds, 50);
  }
  {
    g_autoptr(GraftGraph) g = graft_graph_new ();
    gint64 xd[] = { BATCH, 28, 28, 1 }, flat[] = { BATCH, 7 * 7 * 64 };
    GraftOutput *labels, *x = placeholders (g, xd, 4, &labels);
    GraftOutput *h = conv_pool (g, "conv1", x, 1, 32);
    h = conv_pool (g, "conv2", h, 32, 64);
    h = graft_reshape (g, h, flat, 2);
    time_steps ("train_cnn", g, x, labels, dense (g, "out", h, 7 * 7 * 64, 10, FALSE), xd, 4, threads, rounds, 5);
  }
  {
    /* A chain of 10⁵ differentiable ops, differentiated once. */
    g_autoptr(GraftGraph) g = graft_graph_new ();
    g_autoptr(GraftTensor) one = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 0.5);
    GraftOutput *x = graft_constant (g, one), *y = x;
    g_autoptr(GError) error = NULL;
    const guint n = 100000;

    for (guint i = 0; i < n; i++)
      y = (i & 1) ? graft_tanh (g, y) : graft_mul (g, y, x);
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, &x, 1, &error);
    gint64 t1 = g_get_monotonic_time ();
    if (d == NULL)
      {
        g_printerr ("bench-train: %s\n", error->message);
        return 1;
      }
    printf ("grad_build_ns_per_op %.1f\n", (double) (t1 - t0) * 1000.0 / n);
  }
  return 0;
}
