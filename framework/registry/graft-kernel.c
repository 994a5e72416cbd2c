/* graft-kernel.c: calling kernels through libffi, and what kernels call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>

#include "graft-registry-private.h"

/* Read once by the registry when it is first used. */
gboolean _graft_force_ffi;

/**
 * graft_kernel_get_output_data: (skip)
 * @kernel: the running kernel's context
 * @output: one of the kernel's output tensors
 *
 * Outputs are allocated by Graft with the dtype and shape their op's shape
 * function gave; the kernel writes the elements here. Not for bindings: a
 * closure kernel returns its output as a new tensor instead.
 *
 * Returns: (transfer none): the writable elements of @output
 */
gpointer
graft_kernel_get_output_data (GraftKernel *kernel,
                              GraftTensor *output)
{
  g_return_val_if_fail (kernel != NULL, NULL);
  g_return_val_if_fail (output != NULL, NULL);
  return output->data;
}

/**
 * graft_kernel_get_op_name:
 * @kernel: the running kernel's context
 *
 * Returns: (transfer none): the full name of the op being run
 */
const char *
graft_kernel_get_op_name (GraftKernel *kernel)
{
  g_return_val_if_fail (kernel != NULL, NULL);
  return kernel->op_name;
}

/**
 * graft_kernel_get_num_outputs:
 * @kernel: the running kernel's context
 *
 * Returns: the number of outputs of the op being run
 */
guint
graft_kernel_get_num_outputs (GraftKernel *kernel)
{
  g_return_val_if_fail (kernel != NULL, 0);
  return kernel->def->n_outputs;
}

/**
 * graft_kernel_get_output_dtype:
 * @kernel: the running kernel's context
 * @index: an output index
 *
 * What the kernel must produce, for kernels that return their outputs (a
 * binding's closure) rather than write them.
 *
 * Returns: the dtype of output @index
 */
GraftDType
graft_kernel_get_output_dtype (GraftKernel *kernel,
                               guint        index)
{
  g_return_val_if_fail (kernel != NULL, GRAFT_DTYPE_INVALID);
  g_return_val_if_fail (kernel->outputs != NULL && index < kernel->def->n_outputs, GRAFT_DTYPE_INVALID);
  return kernel->outputs[index]->dtype;
}

/**
 * graft_kernel_get_output_shape:
 * @kernel: the running kernel's context
 * @index: an output index
 *
 * The shape output @index has, fully defined: for an initializer, the
 * variable's shape.
 *
 * Returns: (transfer none): the shape
 */
GraftShape *
graft_kernel_get_output_shape (GraftKernel *kernel,
                               guint        index)
{
  g_return_val_if_fail (kernel != NULL, NULL);
  g_return_val_if_fail (kernel->outputs != NULL && index < kernel->def->n_outputs, NULL);
  return kernel->outputs[index]->shape;
}

/**
 * graft_kernel_get_seeds:
 * @kernel: the running kernel's context
 * @seed: (out) (optional): the graph-level seed
 * @seed2: (out) (optional): the op-level seed
 *
 * The seed pair of a random op or initializer, derived by TensorFlow's
 * rules when the op was made. (0, 0) means "no seed": draw
 * nondeterministically.
 *
 * Returns: whether the op has a seed pair at all
 */
gboolean
graft_kernel_get_seeds (GraftKernel *kernel,
                        gint64      *seed,
                        gint64      *seed2)
{
  g_return_val_if_fail (kernel != NULL, FALSE);
  if (seed != NULL)
    *seed = kernel->seed;
  if (seed2 != NULL)
    *seed2 = kernel->seed2;
  return kernel->has_seeds;
}

/**
 * graft_kernel_set_error: (skip)
 * @kernel: the running kernel's context
 * @format: a printf() format
 * @...: its arguments
 *
 * Fails the kernel: the session run stops with a #GRAFT_SESSION_ERROR
 * naming the op and carrying this message. Kernels never abort. Bindings
 * use graft_kernel_set_error_literal(). The first error set wins: later
 * calls are ignored, without a warning (a kernel may fail in a helper and
 * again on its way out).
 */
void
graft_kernel_set_error (GraftKernel *kernel,
                        const char  *format,
                        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  g_return_if_fail (kernel != NULL);
  g_return_if_fail (format != NULL);

  if (kernel->error != NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  kernel->error = g_error_new_literal (GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL, message);
}

/**
 * graft_kernel_set_error_literal: (rename-to graft_kernel_set_error)
 * @kernel: the running kernel's context
 * @message: the reason, as is
 *
 * graft_kernel_set_error() without formatting, for bindings: a closure
 * kernel that cannot produce its output calls this and returns %NULL, and
 * the run fails with @message and the op's name. The first error set
 * wins.
 */
void
graft_kernel_set_error_literal (GraftKernel *kernel,
                                const char  *message)
{
  g_return_if_fail (kernel != NULL);
  g_return_if_fail (message != NULL);

  if (kernel->error == NULL)
    kernel->error = g_error_new_literal (GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL, message);
}

/* ---- intra-op parallelism ---- */

/* A parallel loop shared by the calling thread and the session's pool.
 * Chunks are claimed from a counter, so the caller alone can finish the
 * loop if every pool thread is busy (running other branches, say): the
 * loop never waits on a thread that might not come. Helpers that arrive
 * late find nothing left; the reference count lets them leave safely after
 * the caller has returned. */
typedef struct {
  gint ref_count;
  GraftParallelFunc func;
  gpointer user_data;
  gsize n;
  gsize chunk;
  gint n_chunks;
  gint next;
  gint done;
  GMutex lock;
  GCond cond;
} ParallelFor;

static void
parallel_for_unref (ParallelFor *pf)
{
  if (!g_atomic_int_dec_and_test (&pf->ref_count))
    return;
  g_mutex_clear (&pf->lock);
  g_cond_clear (&pf->cond);
  g_free (pf);
}

static void
parallel_for_work (ParallelFor *pf)
{
  for (;;)
    {
      gint c = g_atomic_int_add (&pf->next, 1);
      gsize begin;

      if (c >= pf->n_chunks)
        return;
      begin = (gsize) c * pf->chunk;
      pf->func (begin, MIN (pf->n, begin + pf->chunk), pf->user_data);
      if (g_atomic_int_add (&pf->done, 1) + 1 == pf->n_chunks)
        {
          g_mutex_lock (&pf->lock);
          g_cond_broadcast (&pf->cond);
          g_mutex_unlock (&pf->lock);
        }
    }
}

static void
parallel_for_helper (gpointer data,
                     gpointer unused)
{
  parallel_for_work (data);
  parallel_for_unref (data);
}

/**
 * graft_kernel_get_num_threads:
 * @kernel: the running kernel's context
 *
 * How many threads the kernel may keep busy: the session's
 * #GraftSession:num-threads, 1 outside a session. Kernels that hand their
 * work to a library with its own threads (a BLAS) give it this count, so
 * that the session's setting holds for them too.
 *
 * Returns: the thread count, at least 1
 */
guint
graft_kernel_get_num_threads (GraftKernel *kernel)
{
  g_return_val_if_fail (kernel != NULL, 1);
  return kernel->runner ? MAX (kernel->runner_funcs->n_threads (kernel->runner), 1u) : 1;
}

/**
 * graft_kernel_parallel_for:
 * @kernel: the running kernel's context
 * @n: the number of indices
 * @grain: the fewest indices worth a thread of their own
 * @func: (scope call): processes one chunk of indices
 * @user_data: (closure): data for @func
 *
 * Runs @func over [0, @n) in chunks on the calling thread and the
 * session's thread pool (#GraftSession:num-threads threads in all), and
 * returns when every chunk is done. Chunks are at least @grain indices;
 * with one thread, or little work, @func runs once on the whole range.
 */
void
graft_kernel_parallel_for (GraftKernel       *kernel,
                           gsize              n,
                           gsize              grain,
                           GraftParallelFunc  func,
                           gpointer           user_data)
{
  guint threads;
  gsize n_chunks;
  ParallelFor *pf;

  g_return_if_fail (kernel != NULL);
  g_return_if_fail (func != NULL);

  threads = kernel->runner ? kernel->runner_funcs->n_threads (kernel->runner) : 1;
  n_chunks = MIN ((gsize) threads, n / MAX (grain, 1));
  if (n_chunks <= 1)
    {
      if (n > 0)
        func (0, n, user_data);
      return;
    }
  pf = g_new0 (ParallelFor, 1);
  pf->func = func;
  pf->user_data = user_data;
  pf->n = n;
  pf->chunk = (n + n_chunks - 1) / n_chunks;
  pf->n_chunks = (gint) ((n + pf->chunk - 1) / pf->chunk);
  pf->ref_count = pf->n_chunks;     /* the caller and n_chunks - 1 helpers */
  g_mutex_init (&pf->lock);
  g_cond_init (&pf->cond);
  kernel->runner_funcs->parallel_run (kernel->runner, parallel_for_helper, pf, pf->n_chunks - 1);
  parallel_for_work (pf);
  g_mutex_lock (&pf->lock);
  while (g_atomic_int_get (&pf->done) < pf->n_chunks)
    g_cond_wait (&pf->cond, &pf->lock);
  g_mutex_unlock (&pf->lock);
  parallel_for_unref (pf);
}

/**
 * graft_kernel_has_error:
 * @kernel: the running kernel's context
 *
 * Returns: whether graft_kernel_set_error() was called
 */
gboolean
graft_kernel_has_error (GraftKernel *kernel)
{
  g_return_val_if_fail (kernel != NULL, TRUE);
  return kernel->error != NULL;
}

/**
 * graft_kernel_has_epilogue:
 * @kernel: the running kernel's context
 *
 * Whether the runtime fused elementwise ops into this call of a kernel whose
 * op has %GRAFT_OP_FLAGS_EPILOGUE: the kernel then calls
 * graft_kernel_apply_epilogue() on each block of rows of its output 0.
 * Kernels may use it to choose blocks that stay in cache; they need not.
 *
 * Returns: %TRUE when an epilogue is attached
 */
gboolean
graft_kernel_has_epilogue (GraftKernel *kernel)
{
  g_return_val_if_fail (kernel != NULL, FALSE);
  return kernel->epilogue != NULL;
}

/**
 * graft_kernel_apply_epilogue:
 * @kernel: the running kernel's context
 * @row_begin: the first row (index along axis 0) of output 0 now final
 * @row_end: one past the last such row
 *
 * Tells the runtime that rows [@row_begin, @row_end) of output 0 are
 * computed, so that the ops fused after this kernel run over them while
 * they are still in cache. A kernel of an op with
 * %GRAFT_OP_FLAGS_EPILOGUE calls it, from the thread that called the
 * kernel, once for every row of output 0 (in any order, each row once),
 * after writing the rows and before returning. Without an epilogue it does
 * nothing. Errors of the fused ops are reported by the runtime, under
 * their own op names; the kernel need not check.
 */
void
graft_kernel_apply_epilogue (GraftKernel *kernel,
                             gsize        row_begin,
                             gsize        row_end)
{
  g_return_if_fail (kernel != NULL);
  g_return_if_fail (row_begin <= row_end);
  if (kernel->epilogue != NULL && row_begin < row_end)
    kernel->epilogue->func (kernel->epilogue->data, kernel, row_begin, row_end);
}

/* Invoking a kernel: one libffi call with the arguments in signature order.
 * The cif was prepared once, at registration; here only the argument
 * pointer array is filled. Values are passed from where they already live
 * (the node's attribute slots, the tensor pointer arrays), so nothing is
 * copied. */
static gboolean
invoke_ffi (GraftKernel          *kernel,
            const GraftAttrValue *attrs,
            GraftTensor         **inputs,
            GraftTensor         **outputs)
{
  const GraftOpDef *def = kernel->def;
  void **argv = g_newa (void *, def->arity + 1);
  /* A list input's tensors are already consecutive in `inputs`; its
   * array pointer and count need a place to live for the call. */
  GraftTensor ***list_v = g_newa (GraftTensor **, def->n_list_inputs + 1);
  gsize list_len = def->number_attr >= 0 ? (gsize) attrs[def->number_attr].i : 0;
  guint n = 0, l = 0;

  argv[n++] = &kernel;
  for (guint p = 0; p < def->n_params; p++)
    {
      const GraftParam *param = &def->params[p];

      if (param->kind == GRAFT_PARAM_INPUT)
        {
          guint first = _graft_op_def_input_offset (def, list_len, param->index);

          if (def->inputs[param->index].number_attr >= 0)
            {
              list_v[l] = &inputs[first];
              argv[n++] = &list_v[l++];
              argv[n++] = &list_len;
              continue;
            }
          argv[n++] = &inputs[first];
          continue;
        }
      switch (def->attrs[param->index].kind)
        {
        case GRAFT_ATTR_INT_LIST:
        case GRAFT_ATTR_FLOAT_LIST:
          argv[n++] = (void *) &attrs[param->index].list.v;
          argv[n++] = (void *) &attrs[param->index].list.n;
          break;
        default:
          /* Every other kind is one scalar or pointer at the start of the
           * union, whose size the cif knows. */
          argv[n++] = (void *) &attrs[param->index];
          break;
        }
    }
  for (guint o = 0; o < def->n_outputs; o++)
    argv[n++] = &outputs[o];
  g_assert (n == def->arity);

  _graft_kernel_call (def, argv);
  return TRUE;
}

static void
attr_to_value (const GraftAttrDef   *ad,
               const GraftAttrValue *v,
               GValue               *value)
{
  switch (ad->kind)
    {
    case GRAFT_ATTR_BOOL: g_value_init (value, G_TYPE_BOOLEAN); g_value_set_boolean (value, v->b); break;
    case GRAFT_ATTR_INT: g_value_init (value, G_TYPE_INT64); g_value_set_int64 (value, v->i); break;
    case GRAFT_ATTR_FLOAT: g_value_init (value, G_TYPE_DOUBLE); g_value_set_double (value, v->f); break;
    case GRAFT_ATTR_STRING: g_value_init (value, G_TYPE_STRING); g_value_set_string (value, v->s); break;
    case GRAFT_ATTR_TYPE: g_value_init (value, GRAFT_TYPE_DTYPE); g_value_set_enum (value, v->type); break;
    case GRAFT_ATTR_SHAPE: g_value_init (value, GRAFT_TYPE_SHAPE); g_value_set_boxed (value, v->shape); break;
    case GRAFT_ATTR_TENSOR: g_value_init (value, GRAFT_TYPE_TENSOR); g_value_set_boxed (value, v->tensor); break;
    case GRAFT_ATTR_INT_LIST:
      g_value_init (value, G_TYPE_VARIANT);
      g_value_set_variant (value, g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, v->list.v, v->list.n, sizeof (gint64)));
      break;
    case GRAFT_ATTR_FLOAT_LIST:
      g_value_init (value, G_TYPE_VARIANT);
      g_value_set_variant (value, g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, v->list.v, v->list.n, sizeof (double)));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A closure kernel (from a binding) is called with the kernel context, the
 * inputs and the attributes, in signature order, and returns its one
 * output as a new tensor, which is copied into the output Graft allocated
 * after its dtype and shape are checked. */
static gboolean
invoke_closure (GraftKernel          *kernel,
                const GraftAttrValue *attrs,
                GraftTensor         **inputs,
                GraftTensor         **outputs)
{
  const GraftOpDef *def = kernel->def;
  GValue *params = g_newa (GValue, def->n_params + 1);
  GValue ret = G_VALUE_INIT;
  GraftTensor *result;

  memset (params, 0, sizeof (GValue) * (def->n_params + 1));
  g_value_init (&params[0], GRAFT_TYPE_KERNEL);
  g_value_set_boxed (&params[0], kernel);
  for (guint p = 0; p < def->n_params; p++)
    {
      const GraftParam *param = &def->params[p];

      if (param->kind == GRAFT_PARAM_INPUT)
        {
          GraftTensor *in = inputs[param->index];

          /* A binding may keep what it is given: a tensor lent from a run's
           * arena is copied into one of its own first. */
          g_value_init (&params[p + 1], GRAFT_TYPE_TENSOR);
          if (in->bytes == NULL)
            g_value_take_boxed (&params[p + 1], graft_tensor_new_from_data (in->dtype, in->shape, in->data,
                                                                             in->n_bytes, NULL));
          else
            g_value_set_boxed (&params[p + 1], in);
        }
      else
        attr_to_value (&def->attrs[param->index], &attrs[param->index], &params[p + 1]);
    }
  g_value_init (&ret, GRAFT_TYPE_TENSOR);
  g_closure_invoke (def->closure, &ret, def->n_params + 1, params, NULL);
  for (guint p = 0; p <= def->n_params; p++)
    g_value_unset (&params[p]);

  result = g_value_get_boxed (&ret);
  if (kernel->error == NULL)
    {
      GraftTensor *out = outputs[0];

      if (result == NULL)
        graft_kernel_set_error (kernel, "the kernel returned no tensor");
      else if (result->dtype != out->dtype || !graft_shape_equal (result->shape, out->shape))
        {
          g_autofree char *want = graft_shape_to_string (out->shape);
          g_autofree char *got = graft_shape_to_string (result->shape);
          graft_kernel_set_error (kernel, "the kernel returned a %s tensor of shape %s, but %s of shape %s "
                                  "was expected", graft_dtype_get_name (result->dtype), got,
                                  graft_dtype_get_name (out->dtype), want);
        }
      else if (out->n_bytes > 0)
        memcpy (out->data, result->data, out->n_bytes);
    }
  g_value_unset (&ret);
  return TRUE;
}

gboolean
_graft_kernel_invoke (GraftKernel          *kernel,
                      const GraftAttrValue *attrs,
                      GraftTensor         **inputs,
                      GraftTensor         **outputs,
                      GError              **error)
{
  const GraftOpDef *def = kernel->def;

  kernel->outputs = outputs;
  if (def->closure != NULL)
    invoke_closure (kernel, attrs, inputs, outputs);
  else if (def->kernel != NULL)
    invoke_ffi (kernel, attrs, inputs, outputs);
  else
    graft_kernel_set_error (kernel, "%s has no kernel", def->name);

  if (kernel->error != NULL)
    {
      g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL, "%s op '%s': %s",
                   def->name, kernel->op_name ? kernel->op_name : "?", kernel->error->message);
      g_clear_error (&kernel->error);
      return FALSE;
    }
  return TRUE;
}

/**
 * GraftKernel:
 *
 * The context a kernel runs in: the op's name, its seed pair, and the
 * place to report failure. It is only valid during the kernel call; a
 * binding must not keep it.
 */
static gpointer
kernel_copy (gpointer k)
{
  return k;
}

static void
kernel_free (gpointer k)
{
}

G_DEFINE_BOXED_TYPE (GraftKernel, graft_kernel, kernel_copy, kernel_free)

/**
 * graft_kernel_init_philox:
 * @kernel: the running kernel's context
 * @gen: (out caller-allocates): the generator to set up
 *
 * Sets up the generator of a random op or initializer from its seed pair
 * (graft_kernel_get_seeds()). The pair (0, 0), or an op without seeds,
 * means "no seed" as in TensorFlow: the key and seed2 are then drawn at
 * random, so each call gives other values.
 */
void
graft_kernel_init_philox (GraftKernel *kernel,
                          GraftPhilox *gen)
{
  gint64 seed = 0, seed2 = 0;

  g_return_if_fail (kernel != NULL);
  g_return_if_fail (gen != NULL);

  if (!graft_kernel_get_seeds (kernel, &seed, &seed2) || (seed == 0 && seed2 == 0))
    {
      /* GLib's global generator is seeded from the system's entropy and
       * locked, so concurrent kernels may call it. */
      seed = (gint64) (((guint64) g_random_int () << 32) | g_random_int ());
      seed2 = (gint64) (((guint64) g_random_int () << 32) | g_random_int ());
    }
  graft_philox_init (gen, (guint64) seed, (guint64) seed2);
}
