/* gemm-template.h: one portable GEMM, C = op(A) · op(B), for one element
 * type. gemm-portable.c includes it once per type, so the code reads, and
 * debugs, as plain C in one place.
 *
 * Define before including:
 *   GEMM_T     the element type
 *   GEMM_FUNC  the name of the function to define (also the suffix of its
 *              static helpers)
 *   GEMM_VL    elements per vector register
 *   GEMM_MR    rows of the register tile
 *   GEMM_VEC   a type holding GEMM_VL elements that supports + and
 *              scalar * (a GCC/Clang vector, or GEMM_T itself when
 *              GEMM_VL is 1)
 *
 * The structure is GotoBLAS's: B is packed KC × NC at a time into slivers
 * NR columns wide, A MC × KC at a time into slivers MR rows tall, both
 * zero-padded to whole slivers, so that the micro-kernel streams both
 * with unit stride. The micro-kernel keeps an MR × NR tile of C in
 * MR · 2 vector accumulators across the whole KC loop; the loops over the
 * tile have constant bounds and are unrolled, so the accumulators live in
 * registers and each step is MR broadcasts and MR · 2 multiply-adds.
 * Transposes are only strides of the packing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define T GEMM_T
#define VEC GEMM_VEC
#define VL GEMM_VL
#define MR GEMM_MR
#define NV 2
#define NR (NV * VL)
/* KC × NR of B (the micro-kernel's stream) stays in L1; MC × KC of A in
 * L2; KC × NC of B in L3. */
#define KC 256
#define MC (MR * (128 / MR))
#define NC (NR * (4096 / NR))
#define SYM(name) GEMM_CONCAT (name, GEMM_FUNC)

void SYM (cols) (gboolean ta, gboolean tb, gsize m, gsize n, gsize k, gsize j0, gsize j1,
                 const T *a, const T *b, T *c);

/* Packs the mc × kc block of op(A) at `a` (element (i, p) at
 * a[i * rs + p * cs]) as MR-row slivers: for each p, MR consecutive rows. */
static void
SYM (pack_a) (const T *a,
              gsize    rs,
              gsize    cs,
              gsize    mc,
              gsize    kc,
              T       *dst)
{
  for (gsize ir = 0; ir < mc; ir += MR, dst += MR * kc)
    {
      gsize mr = MIN (MR, mc - ir);

      for (gsize p = 0; p < kc; p++)
        {
          for (gsize i = 0; i < mr; i++)
            dst[p * MR + i] = a[(ir + i) * rs + p * cs];
          for (gsize i = mr; i < MR; i++)
            dst[p * MR + i] = 0;
        }
    }
}

/* Packs the kc × nc block of op(B) at `b` (element (p, j) at
 * b[p * rs + j * cs]) as NR-column slivers: for each p, NR consecutive
 * columns. */
static void
SYM (pack_b) (const T *b,
              gsize    rs,
              gsize    cs,
              gsize    kc,
              gsize    nc,
              T       *dst)
{
  for (gsize jr = 0; jr < nc; jr += NR, dst += NR * kc)
    {
      gsize nr = MIN (NR, nc - jr);

      for (gsize p = 0; p < kc; p++)
        {
          for (gsize j = 0; j < nr; j++)
            dst[p * NR + j] = b[p * rs + (jr + j) * cs];
          for (gsize j = nr; j < NR; j++)
            dst[p * NR + j] = 0;
        }
    }
}

/* The MR × NR tile of C at `c` (row stride ldc) = (or +=, with
 * `accumulate`) the product of an A sliver and a B sliver of depth kc. */
static inline void
SYM (micro) (gsize                kc,
             const T *restrict    a,
             const T *restrict    b,
             T *restrict          c,
             gsize                ldc,
             gboolean             accumulate)
{
  VEC acc[MR][NV];

#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 16
    for (int j = 0; j < NV; j++)
      acc[i][j] = (VEC) { 0 };

  for (gsize p = 0; p < kc; p++, a += MR, b += NR)
    {
      const VEC *bv = (const VEC *) b;

#pragma GCC unroll 16
      for (int i = 0; i < MR; i++)
#pragma GCC unroll 16
        for (int j = 0; j < NV; j++)
          acc[i][j] += a[i] * bv[j];
    }

#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 16
    for (int j = 0; j < NV; j++)
      {
        VEC *cv = (VEC *) (c + i * ldc + j * VL);

        *cv = accumulate ? *cv + acc[i][j] : acc[i][j];
      }
}

/* The m × n block of C at `c` (row stride ldc) = op(A) · op(B), with
 * (i, p) of op(A) at a[i * rsa + p * csa] and (p, j) of op(B) at
 * b[p * rsb + j * csb]. */
static void
SYM (core) (gsize    m,
            gsize    n,
            gsize    k,
            const T *a,
            gsize    rsa,
            gsize    csa,
            const T *b,
            gsize    rsb,
            gsize    csb,
            T       *c,
            gsize    ldc)
{
  gsize mc_max = MIN (MC, (m + MR - 1) / MR * MR), nc_max = MIN (NC, (n + NR - 1) / NR * NR);
  T tile[MR * NR];
  T *ap, *bp;

  if (m == 0 || n == 0)
    return;
  if (k == 0)
    {
      for (gsize i = 0; i < m; i++)
        memset (c + i * ldc, 0, n * sizeof (T));
      return;
    }
  ap = g_aligned_alloc (MIN (KC, k) * mc_max, sizeof (T), 64);
  bp = g_aligned_alloc (MIN (KC, k) * nc_max, sizeof (T), 64);

  for (gsize jc = 0; jc < n; jc += NC)
    {
      gsize nc = MIN (NC, n - jc);

      for (gsize pc = 0; pc < k; pc += KC)
        {
          gsize kc = MIN (KC, k - pc);

          SYM (pack_b) (b + pc * rsb + jc * csb, rsb, csb, kc, nc, bp);
          for (gsize ic = 0; ic < m; ic += MC)
            {
              gsize mc = MIN (MC, m - ic);

              SYM (pack_a) (a + ic * rsa + pc * csa, rsa, csa, mc, kc, ap);
              for (gsize jr = 0; jr < nc; jr += NR)
                for (gsize ir = 0; ir < mc; ir += MR)
                  {
                    const T *sa = ap + ir * kc, *sb = bp + jr * kc;
                    T *sc = c + (ic + ir) * ldc + jc + jr;
                    gsize mr = MIN (MR, mc - ir), nr = MIN (NR, nc - jr);

                    if (mr == MR && nr == NR)
                      {
                        SYM (micro) (kc, sa, sb, sc, ldc, pc > 0);
                        continue;
                      }
                    /* An edge tile goes through a full scratch tile, so
                     * the micro-kernel keeps constant bounds. */
                    SYM (micro) (kc, sa, sb, tile, NR, FALSE);
                    for (gsize i = 0; i < mr; i++)
                      for (gsize j = 0; j < nr; j++)
                        sc[i * ldc + j] = (pc > 0 ? sc[i * ldc + j] : 0) + tile[i * NR + j];
                  }
            }
        }
    }
  g_aligned_free (ap);
  g_aligned_free (bp);
}

void
GEMM_FUNC (gboolean ta,
           gboolean tb,
           gsize    m,
           gsize    n,
           gsize    k,
           const T *a,
           const T *b,
           T       *c)
{
  SYM (cols) (ta, tb, m, n, k, 0, n, a, b, c);
}

/* Columns [j0, j1) of the product only: threads splitting a product by
 * columns each pack only their own part of B, which for the short, wide
 * products of a small batch costs more than the arithmetic. */
void
SYM (cols) (gboolean ta,
            gboolean tb,
            gsize    m,
            gsize    n,
            gsize    k,
            gsize    j0,
            gsize    j1,
            const T *a,
            const T *b,
            T       *c)
{
  gsize rsa = ta ? 1 : k, csa = ta ? m : 1;
  gsize rsb = tb ? 1 : n, csb = tb ? k : 1;

  SYM (core) (m, j1 - j0, k, a, rsa, csa, b + j0 * csb, rsb, csb, c + j0, n);
}

#undef T
#undef VEC
#undef VL
#undef MR
#undef NV
#undef NR
#undef KC
#undef MC
#undef NC
#undef SYM
