/* graft-kernel-private.h: the context a kernel runs in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-op-def-private.h"

G_BEGIN_DECLS

/* How a kernel's parallel loops reach threads. The registry layer cannot
 * see sessions, so whoever runs the kernel (a session) lends these. */
typedef struct {
  guint (*n_threads)    (gpointer runner);
  void  (*parallel_run) (gpointer runner, GFunc worker, gpointer data, guint n_helpers);
} GraftKernelRunnerFuncs;

/* The runtime's side of a fused epilogue: `func (data, kernel, r0, r1)`
 * runs the fused ops over rows [r0, r1) of the kernel's output 0. */
typedef struct {
  void (*func) (gpointer data, GraftKernel *kernel, gsize row_begin, gsize row_end);
  gpointer data;
} GraftKernelEpilogue;

struct _GraftKernel {
  const GraftOpDef *def;
  const char *op_name;
  gint64 seed;
  gint64 seed2;
  gboolean has_seeds;
  GError *error;                /* set by graft_kernel_set_error() */
  GraftTensor **outputs;        /* during a call: the outputs allocated */
  gpointer runner;              /* the session running it, or NULL */
  const GraftKernelRunnerFuncs *runner_funcs;
  /* A fused epilogue (see graft_kernel_apply_epilogue()): set by the
   * runtime on the kernel of a step whose consumers it fused in. One
   * pointer, to keep the per-step context small for dispatch. */
  const GraftKernelEpilogue *epilogue;
};

/* Kernels are called through the cif prepared at registration. libffi
 * classifies the arguments on every ffi_call, which costs about 800
 * instructions for a four-argument kernel, more than adding two numbers.
 * Where the platform's C ABI passes each integer-class argument (pointer,
 * int, gint64, gsize) as one register or stack word -- x86-64 System V and
 * AArch64 -- a cif made only of such arguments describes exactly the call
 * the compiler makes through a function pointer taking that many
 * word-sized arguments, so Graft makes that call instead. 32-bit ints are
 * sign-extended into their word. GRAFT_FFI=always forces ffi_call for
 * every kernel (the op tests run both ways). */
#if (defined (__x86_64__) && !defined (_WIN64)) || defined (__aarch64__)
#define GRAFT_DIRECT_CALLS 1
#else
#define GRAFT_DIRECT_CALLS 0
#endif
#define GRAFT_DIRECT_MAX_ARGS 8

extern gboolean _graft_force_ffi;

static inline void
_graft_kernel_call (const GraftOpDef *def,
                    void            **argv)
{
#if GRAFT_DIRECT_CALLS
  if (G_LIKELY (def->direct_call && !_graft_force_ffi))
    {
      guintptr a[GRAFT_DIRECT_MAX_ARGS];
      GCallback fn = def->kernel;

      for (guint i = 0; i < def->arity; i++)
        a[i] = (def->int32_args >> i) & 1 ? (guintptr) (gintptr) *(const gint32 *) argv[i]
                                          : *(const guintptr *) argv[i];
      switch (def->arity)
        {
        case 1: ((void (*) (guintptr)) fn) (a[0]); return;
        case 2: ((void (*) (guintptr, guintptr)) fn) (a[0], a[1]); return;
        case 3: ((void (*) (guintptr, guintptr, guintptr)) fn) (a[0], a[1], a[2]); return;
        case 4: ((void (*) (guintptr, guintptr, guintptr, guintptr)) fn) (a[0], a[1], a[2], a[3]); return;
        case 5: ((void (*) (guintptr, guintptr, guintptr, guintptr, guintptr)) fn) (a[0], a[1], a[2], a[3], a[4]); return;
        case 6: ((void (*) (guintptr, guintptr, guintptr, guintptr, guintptr, guintptr)) fn)
                  (a[0], a[1], a[2], a[3], a[4], a[5]); return;
        case 7: ((void (*) (guintptr, guintptr, guintptr, guintptr, guintptr, guintptr, guintptr)) fn)
                  (a[0], a[1], a[2], a[3], a[4], a[5], a[6]); return;
        case 8: ((void (*) (guintptr, guintptr, guintptr, guintptr, guintptr, guintptr, guintptr, guintptr)) fn)
                  (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]); return;
        default: break;
        }
    }
#endif
  ffi_call ((ffi_cif *) &def->cif, FFI_FN (def->kernel), NULL, argv);
}

/* Calls def's kernel through libffi (or its closure) with the inputs, the
 * node's attribute values and the outputs, in signature order. */
gboolean _graft_kernel_invoke (GraftKernel *kernel, const GraftAttrValue *attrs,
                               GraftTensor **inputs, GraftTensor **outputs, GError **error);

G_END_DECLS
