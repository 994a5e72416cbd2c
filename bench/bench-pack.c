/* bench-pack.c: does packing weights once pay? oneDNN, float32.
 *
 * Per MLP layer shape and square, three ways to multiply A · W:
 *   dnnl_sgemm               what MatMul's dnnl path does: W is packed
 *                            (copied into the kernel's blocked layout)
 *                            inside every call
 *   matmul on packed weights a oneDNN matmul primitive whose weights were
 *                            reordered once into the layout it asked for:
 *                            what a cache of packed variables would run
 *   reorder + matmul         the same, repacking every call
 *
 *   bench-pack THREADS       one line per shape: µs of processor time each,
 *                            and the ratio
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#define CK(x) do { dnnl_status_t s_ = (x); if (s_ != dnnl_success) { fprintf (stderr, "%s: %d\n", #x, s_); exit (1); } } while (0)
/* Processor time, all threads: on a loaded machine it stays near the cost
 * of the work, where wall time does not. */
static double now (void) { struct timespec t; clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static float *fill (long n) { float *p = malloc (n * 4); for (long i = 0; i < n; i++) p[i] = sinf (i * 0.37f); return p; }
int main (int argc, char **argv)
{
  long shapes[][3] = { {1,784,256},{1,256,256},{64,784,256},{64,256,256},{512,784,256},{512,256,256},{256,256,256},{1024,1024,1024} };
  int threads = argc > 1 ? atoi (argv[1]) : 1;
  omp_set_num_threads (threads);
  dnnl_engine_t eng; dnnl_stream_t st;
  CK (dnnl_engine_create (&eng, dnnl_cpu, 0)); CK (dnnl_stream_create (&st, eng, dnnl_stream_default_flags));
  for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    {
      long m = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
      float *a = fill (m * k), *b = fill (k * n), *c = fill (m * n);
      dnnl_dims_t ad = { m, k }, bd = { k, n }, cd = { m, n };
      dnnl_memory_desc_t amd, bmd, bany, cmd;
      CK (dnnl_memory_desc_init_by_tag (&amd, 2, ad, dnnl_f32, dnnl_ab));
      CK (dnnl_memory_desc_init_by_tag (&bmd, 2, bd, dnnl_f32, dnnl_ab));
      CK (dnnl_memory_desc_init_by_tag (&bany, 2, bd, dnnl_f32, dnnl_format_tag_any));
      CK (dnnl_memory_desc_init_by_tag (&cmd, 2, cd, dnnl_f32, dnnl_ab));
      dnnl_matmul_desc_t md; CK (dnnl_matmul_desc_init (&md, &amd, &bany, NULL, &cmd));
      dnnl_primitive_desc_t pd; CK (dnnl_primitive_desc_create (&pd, &md, NULL, eng, NULL));
      const dnnl_memory_desc_t *wmd = dnnl_primitive_desc_query_md (pd, dnnl_query_weights_md, 0);
      dnnl_memory_t am, bm, wm, cm;
      CK (dnnl_memory_create (&am, &amd, eng, a)); CK (dnnl_memory_create (&bm, &bmd, eng, b));
      CK (dnnl_memory_create (&wm, wmd, eng, DNNL_MEMORY_ALLOCATE)); CK (dnnl_memory_create (&cm, &cmd, eng, c));
      dnnl_primitive_desc_t rpd; dnnl_primitive_t rp;
      CK (dnnl_reorder_primitive_desc_create (&rpd, &bmd, eng, wmd, eng, NULL)); CK (dnnl_primitive_create (&rp, rpd));
      dnnl_exec_arg_t rargs[] = { { DNNL_ARG_FROM, bm }, { DNNL_ARG_TO, wm } };
      CK (dnnl_primitive_execute (rp, st, 2, rargs)); CK (dnnl_stream_wait (st));
      dnnl_primitive_t mp; CK (dnnl_primitive_create (&mp, pd));
      dnnl_exec_arg_t args[] = { { DNNL_ARG_SRC, am }, { DNNL_ARG_WEIGHTS, wm }, { DNNL_ARG_DST, cm } };
      double flops = 2.0 * m * n * k; int iters = (int) fmax (1, 2e8 / flops); if (iters > 20000) iters = 20000;
      double best_g = 1e9, best_p = 1e9, best_b = 1e9;
      for (int r = 0; r < 5; r++)
        {
          double t0 = now ();
          for (int i = 0; i < iters; i++) dnnl_sgemm ('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
          double t1 = now ();
          for (int i = 0; i < iters; i++) { dnnl_primitive_execute (mp, st, 3, args); }
          dnnl_stream_wait (st);
          double t2 = now ();
          for (int i = 0; i < iters; i++) { dnnl_primitive_execute (rp, st, 2, rargs); dnnl_primitive_execute (mp, st, 3, args); }
          dnnl_stream_wait (st);
          double t3 = now ();
          best_g = fmin (best_g, (t1 - t0) / iters); best_p = fmin (best_p, (t2 - t1) / iters); best_b = fmin (best_b, (t3 - t2) / iters);
        }
      printf ("pack %ldx%ldx%ld %d thr: dnnl_sgemm %.2f us, matmul on packed weights %.2f us (%.2fx), "
              "reorder+matmul %.2f us (processor time)\n", m, k, n, threads, best_g * 1e6, best_p * 1e6, best_p / best_g, best_b * 1e6);
      dnnl_primitive_destroy (mp); dnnl_primitive_destroy (rp);
      dnnl_primitive_desc_destroy (pd); dnnl_primitive_desc_destroy (rpd);
      dnnl_memory_destroy (am); dnnl_memory_destroy (bm); dnnl_memory_destroy (wm); dnnl_memory_destroy (cm);
      free (a); free (b); free (c);
    }
  return 0;
}
