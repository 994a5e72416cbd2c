/* bench-ffi.c: what a kernel call costs: direct, through libffi, and the
 * way Graft makes it.
 *
 * A four-argument kernel (context, two inputs, one output), as Add's, is
 * called 10^7 times each way. The figure for libffi is the prepared-cif
 * ffi_call Graft used to make for every op; docs/design.md quotes them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <ffi.h>
#include <stdio.h>

#include <glib.h>

static volatile long sink;

/* Does as little as a kernel on 1-element tensors: one load, one store. */
static void __attribute__ ((noinline))
kernel (void *k, const long *x, const long *y, long *z)
{
  *z = *x + *y + (k != NULL);
}

static double
now_ns (void)
{
  return (double) g_get_monotonic_time () * 1000.0;
}

int
main (void)
{
  const long n = 10000000;
  long x = 1, y = 2, z = 0;
  void *k = &z;
  const long *px = &x, *py = &y;
  long *pz = &z;
  void *argv[4] = { &k, &px, &py, &pz };
  ffi_type *types[4] = { &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer };
  void (*volatile fn) (void *, const long *, const long *, long *) = kernel;
  void (*volatile word_fn) (guintptr, guintptr, guintptr, guintptr) =
    (void (*) (guintptr, guintptr, guintptr, guintptr)) (void (*) (void)) kernel;
  ffi_cif cif;
  double t0, direct = G_MAXDOUBLE, viaffi = G_MAXDOUBLE, words = G_MAXDOUBLE;

  if (ffi_prep_cif (&cif, FFI_DEFAULT_ABI, 4, &ffi_type_void, types) != FFI_OK)
    return 1;
  for (int rep = 0; rep < 5; rep++)
    {
      t0 = now_ns ();
      for (long i = 0; i < n; i++)
        fn (k, px, py, pz);
      direct = MIN (direct, (now_ns () - t0) / n);

      t0 = now_ns ();
      for (long i = 0; i < n; i++)
        ffi_call (&cif, FFI_FN (kernel), NULL, argv);
      viaffi = MIN (viaffi, (now_ns () - t0) / n);

      /* What Graft does for all-integer cifs: load each argument word from
       * the argument array, then call with that many words. */
      t0 = now_ns ();
      for (long i = 0; i < n; i++)
        word_fn (*(guintptr *) argv[0], *(guintptr *) argv[1], *(guintptr *) argv[2], *(guintptr *) argv[3]);
      words = MIN (words, (now_ns () - t0) / n);
    }
  sink = z;
  printf ("kernel call, 4 arguments: direct %.1f ns, ffi_call %.1f ns (+%.1f), Graft's word call %.1f ns\n",
          direct, viaffi, viaffi - direct, words);
  return 0;
}
