/* train-digits.c: a classifier of handwritten digits that learns.
 *
 * The 1,797 8×8 digits scikit-learn ships (digits.csv.gz: 64 pixel values
 * 0–16, then the label), split 80/20 with a fixed seed. An MLP of one
 * hidden layer built with variable scopes, trained with Adam on
 * mini-batches to minimize the mean sparse softmax cross-entropy, as a
 * TensorFlow 1.x tutorial would. The loss goes to stdout every epoch, a
 * progress bar to stderr when it is a terminal, and the last line is the
 * accuracy on the held-out 20 %.
 *
 *   train-digits [--epochs N] [--seed S] [--threads T] [PATH-TO-digits.csv.gz]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <graft.h>

#define N_PIXELS 64
#define N_CLASSES 10
#define N_HIDDEN 64
#define BATCH 32

static const char *const digits_paths[] = {
  "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz",
  "/usr/share/python3-sklearn/datasets/data/digits.csv.gz",
};

typedef struct {
  guint n;
  float *pixels;                /* n × 64, scaled to [0, 1] */
  gint32 *labels;
} Digits;

static void
digits_clear (Digits *d)
{
  g_free (d->pixels);
  g_free (d->labels);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Digits, digits_clear)

static gboolean
load_digits (const char *path,
             Digits     *out,
             GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = g_file_read (file, NULL, error);
  g_autoptr(GZlibDecompressor) gunzip = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GArray) pixels = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (gint32));
  char *line;
  guint lineno = 0;

  if (raw == NULL)
    return FALSE;
  gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  in = g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (gunzip));
  lines = g_data_input_stream_new (in);
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, error)) != NULL)
    {
      g_auto(GStrv) fields = g_strsplit (g_strstrip (line), ",", -1);

      lineno++;
      g_free (line);
      if (fields[0] == NULL || *fields[0] == '\0')
        continue;
      if (g_strv_length (fields) != N_PIXELS + 1)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: %u fields, expected %d", path,
                       lineno, g_strv_length (fields), N_PIXELS + 1);
          return FALSE;
        }
      for (guint i = 0; i < N_PIXELS; i++)
        {
          float v = (float) g_ascii_strtod (fields[i], NULL) / 16.0f;
          g_array_append_val (pixels, v);
        }
      gint32 label = (gint32) g_ascii_strtoll (fields[N_PIXELS], NULL, 10);
      if (label < 0 || label >= N_CLASSES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: label %d", path, lineno, label);
          return FALSE;
        }
      g_array_append_val (labels, label);
    }
  if (error != NULL && *error != NULL)
    return FALSE;
  out->n = labels->len;
  out->pixels = (float *) g_array_free (g_steal_pointer (&pixels), FALSE);
  out->labels = (gint32 *) g_array_free (g_steal_pointer (&labels), FALSE);
  return TRUE;
}

/* The rows of `d` listed in `idx[0..n)`, as feedable tensors. */
static void
gather (const Digits *d,
        const guint  *idx,
        guint         n,
        GraftTensor **x,
        GraftTensor **y)
{
  g_autofree float *px = g_new (float, (gsize) n * N_PIXELS);
  g_autofree gint32 *lb = g_new (gint32, n);
  gint64 xdims[] = { n, N_PIXELS }, ydims[] = { n };
  g_autoptr(GraftShape) xs = graft_shape_new (xdims, 2);
  g_autoptr(GraftShape) ys = graft_shape_new (ydims, 1);

  for (guint i = 0; i < n; i++)
    {
      memcpy (px + (gsize) i * N_PIXELS, d->pixels + (gsize) idx[i] * N_PIXELS, N_PIXELS * sizeof (float));
      lb[i] = d->labels[idx[i]];
    }
  *x = graft_tensor_new_from_floats (px, (gsize) n * N_PIXELS, xs, NULL);
  *y = graft_tensor_new_from_int32s (lb, n, ys, NULL);
}

/* logits = x · w + b, with this scope's variables. */
static GraftOutput *
dense (GraftGraph  *graph,
       const char  *scope_name,
       GraftOutput *x,
       gint64       n_in,
       gint64       n_out,
       GError     **error)
{
  g_autoptr(GraftScope) scope = graft_graph_enter_variable_scope (graph, scope_name, GRAFT_REUSE_INHERIT, error);
  g_autoptr(GraftShape) wshape = graft_shape_new_matrix (n_in, n_out);
  g_autoptr(GraftShape) bshape = graft_shape_new_vector (n_out);
  g_autoptr(GraftInitializer) glorot = graft_initializer_new ("glorot_uniform", NULL);
  g_autoptr(GraftInitializer) zeros = graft_initializer_new_zeros ();
  GraftVariable *w, *b;
  GraftOutput *y;

  if (scope == NULL)
    return NULL;
  w = graft_graph_get_variable (graph, "w", wshape, GRAFT_DTYPE_FLOAT32, glorot, error);
  b = w ? graft_graph_get_variable (graph, "b", bshape, GRAFT_DTYPE_FLOAT32, zeros, error) : NULL;
  y = b ? graft_bias_add (graph, graft_matmul (graph, x, graft_variable_get_value (w)), graft_variable_get_value (b))
        : NULL;
  if (!graft_scope_exit (scope, b ? error : NULL))
    return NULL;
  return y;
}

static void
progress (gboolean tty,
          guint    epoch,
          guint    epochs,
          guint    done,
          guint    total)
{
  char bar[31];
  guint filled = total ? done * 30 / total : 30;

  if (!tty)
    return;
  memset (bar, '#', filled);
  memset (bar + filled, '.', 30 - filled);
  bar[30] = '\0';
  fprintf (stderr, "\repoch %3u/%u [%s] %3u%%", epoch, epochs, bar, total ? done * 100 / total : 100);
  if (done == total)
    fputs ("\r\033[K", stderr);
  fflush (stderr);
}

int
main (int    argc,
      char **argv)
{
  gint epochs = 30, seed = 7, threads = 1;
  const char *path = NULL;
  GOptionEntry entries[] = {
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Passes over the training set (30)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Graph seed and shuffling seed (7)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Session threads (1)", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("[digits.csv.gz] - train a digit classifier");
  g_autoptr(GError) error = NULL;
  g_auto(Digits) data = { 0 };
  gboolean tty = isatty (STDERR_FILENO);

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || epochs < 1 || threads < 1)
    {
      g_printerr ("train-digits: %s\n", error ? error->message : "--epochs and --threads must be positive");
      return 2;
    }
  if (argc > 1)
    path = argv[1];
  for (guint i = 0; path == NULL && i < G_N_ELEMENTS (digits_paths); i++)
    if (g_file_test (digits_paths[i], G_FILE_TEST_IS_REGULAR))
      path = digits_paths[i];
  if (path == NULL)
    {
      g_printerr ("train-digits: digits.csv.gz not found; install python3-sklearn or give its path\n");
      return 2;
    }
  if (!load_digits (path, &data, &error))
    {
      g_printerr ("train-digits: %s\n", error->message);
      return 1;
    }

  /* A fixed shuffle, then 80 % to train and 20 % to test. */
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);
  g_autofree guint *order = g_new (guint, data.n);
  for (guint i = 0; i < data.n; i++)
    order[i] = i;
  for (guint i = data.n; i-- > 1;)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  guint n_train = data.n * 4 / 5, n_test = data.n - n_train;
  guint *train = order, *test = order + n_train;

  g_autoptr(GraftGraph) graph = graft_graph_new ();
  graft_graph_set_seed (graph, seed);
  gint64 xdims[] = { -1, N_PIXELS }, ydims[] = { -1 };
  g_autoptr(GraftShape) xshape = graft_shape_new (xdims, 2);
  g_autoptr(GraftShape) yshape = graft_shape_new (ydims, 1);
  GraftPlaceholderAttrs xa = GRAFT_PLACEHOLDER_ATTRS_INIT, ya = GRAFT_PLACEHOLDER_ATTRS_INIT;
  xa.shape = xshape;
  ya.shape = yshape;
  GraftOutput *x = graft_placeholder_full (graph, GRAFT_DTYPE_FLOAT32, "x", &xa);
  GraftOutput *labels = graft_placeholder_full (graph, GRAFT_DTYPE_INT32, "labels", &ya);

  GraftOutput *h = graft_relu (graph, dense (graph, "hidden", x, N_PIXELS, N_HIDDEN, &error));
  GraftOutput *logits = h ? dense (graph, "output", h, N_HIDDEN, N_CLASSES, &error) : NULL;
  GraftOutput *loss = graft_reduce_mean (graph, graft_sparse_softmax_cross_entropy_with_logits (graph, logits, labels));
  if (loss == NULL)
    {
      if (error == NULL)
        error = graft_graph_take_error (graph);
      g_printerr ("train-digits: cannot build the model: %s\n", error->message);
      return 1;
    }

  GraftVariable *global_step = graft_train_get_or_create_global_step (graph, &error);
  g_autoptr(GraftOptimizer) adam = GRAFT_OPTIMIZER (graft_adam_optimizer_new (0.01));
  GraftOutput *train_op = global_step ? graft_optimizer_minimize (adam, loss, global_step, NULL, 0, NULL, &error) : NULL;
  if (train_op == NULL)
    {
      g_printerr ("train-digits: cannot build the training step: %s\n", error->message);
      return 1;
    }

  g_autoptr(GraftSession) session = graft_session_new (graph);
  graft_session_set_num_threads (session, (guint) threads);
  if (!graft_session_run_target (session, graft_graph_global_variables_initializer (graph, NULL), &error))
    {
      g_printerr ("train-digits: %s\n", error->message);
      return 1;
    }

  GraftOutput *feeds[] = { x, labels };
  for (gint epoch = 1; epoch <= epochs; epoch++)
    {
      double sum = 0;
      guint batches = 0;

      /* Reshuffle the training rows each epoch, reproducibly. */
      for (guint i = n_train; i-- > 1;)
        {
          guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1), t = train[i];
          train[i] = train[j];
          train[j] = t;
        }
      for (guint b = 0; b < n_train; b += BATCH)
        {
          guint n = MIN (BATCH, n_train - b);
          GraftTensor *values[2];
          GraftOutput *fetch[] = { loss };
          guint n_results = 0;

          gather (&data, train + b, n, &values[0], &values[1]);
          g_autofree GraftTensor **r = graft_session_run (session, feeds, values, 2, fetch, 1, &train_op, 1, NULL,
                                                         &n_results, &error);
          graft_tensor_unref (values[0]);
          graft_tensor_unref (values[1]);
          if (r == NULL)
            {
              if (tty)
                fputc ('\n', stderr);
              g_printerr ("train-digits: %s\n", error->message);
              return 1;
            }
          sum += graft_tensor_get_floats (r[0], NULL)[0];
          batches++;
          graft_tensor_unref (r[0]);
          progress (tty, (guint) epoch, (guint) epochs, b + n, n_train);
        }
      printf ("epoch %d: loss %.4f\n", epoch, sum / batches);
      fflush (stdout);
    }

  /* Accuracy on the held-out rows: the arg max of the logits. */
  GraftTensor *tx, *ty;
  gather (&data, test, n_test, &tx, &ty);
  g_autoptr(GraftTensor) test_logits = NULL;
  {
    GraftTensor *values[] = { tx, ty };
    guint n_results = 0;
    g_autofree GraftTensor **r = graft_session_run (session, feeds, values, 2, &logits, 1, NULL, 0, NULL,
                                                   &n_results, &error);
    if (r != NULL)
      test_logits = r[0];
  }
  graft_tensor_unref (tx);
  graft_tensor_unref (ty);
  if (test_logits == NULL)
    {
      g_printerr ("train-digits: %s\n", error->message);
      return 1;
    }
  const float *l = graft_tensor_get_floats (test_logits, NULL);
  guint correct = 0;
  for (guint i = 0; i < n_test; i++)
    {
      guint best = 0;
      for (guint c = 1; c < N_CLASSES; c++)
        if (l[i * N_CLASSES + c] > l[i * N_CLASSES + best])
          best = c;
      correct += (gint32) best == data.labels[test[i]];
    }
  printf ("test accuracy: %.4f\n", (double) correct / n_test);
  return 0;
}
