/* graft-kernel.c: calling kernels through libffi, and what kernels call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>

#include "graft-kernel-private.h"
#include "graft-tensor-private.h"

/**
 * graft_kernel_get_output_data:
 * @kernel: the running kernel's context
 * @output: one of the kernel's output tensors
 *
 * Outputs are allocated by Graft with the dtype and shape their op's shape
 * function gave; the kernel writes the elements here.
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
 * graft_kernel_set_error:
 * @kernel: the running kernel's context
 * @format: a printf() format
 * @...: its arguments
 *
 * Fails the kernel: the session run stops with a #GRAFT_SESSION_ERROR
 * naming the op and carrying this message. Kernels never abort.
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
  kernel->error = g_error_new_literal (GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_INPUT, message);
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
