/* graft-random.c: Philox4x32-10, the counter-based generator that random
 * ops and initializers draw from.
 *
 * Philox (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011) is a keyed bijection on 128-bit counters: block b of a stream is
 * Philox(key, counter b), computed on its own, with no state carried from
 * one block to the next. Element i of a fill therefore depends only on the
 * seed pair and i, so filling a tensor in one call, in chunks or from
 * several threads gives the same bits, and every fill takes the index of
 * its first element.
 *
 * The layout is TensorFlow's `PhiloxRandom(seed, seed2)`: the key is the
 * seed, the upper half of the counter is seed2 and the lower half the block
 * index. So are the conversions (random_distributions.h): a float is 23
 * random bits under the exponent of 1.0, minus 1 (a double 52 bits), and
 * normals come from Box–Muller on pairs, with TensorFlow's grouping of
 * elements into blocks. Where TensorFlow's own algorithm depends on how work
 * is split, Graft departs from it to stay chunk-independent:
 *
 * - a truncated normal's element i is the normal element i when that lies
 *   within 2σ; otherwise it is re-drawn from element i's own sub-stream
 *   (TensorFlow consumes a variable number of samples per element);
 * - bounded integers use Lemire's multiply-and-reject on 64 random bits per
 *   element, with rejected draws replaced from the sub-stream, so there is
 *   no modulo bias (TensorFlow's RandomUniformInt takes `x % range`).
 *
 * Element i's sub-stream is Philox under its own key, `sub_key` (derived
 * once from the key and seed2), with the counter (i, attempt).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "graft-core-private.h"

#define PHILOX_W32A 0x9E3779B9u
#define PHILOX_W32B 0xBB67AE85u
#define PHILOX_M4x32A 0xD2511F53u
#define PHILOX_M4x32B 0xCD9E8D57u

/* The largest magnitude a truncated normal keeps, in standard deviations;
 * like TensorFlow, exactly 2 is re-drawn too. */
#define TRUNCATE_AT 2.0

static inline void
philox_round (guint32       ctr[4],
              const guint32 key[2])
{
  guint64 p0 = (guint64) PHILOX_M4x32A * ctr[0];
  guint64 p1 = (guint64) PHILOX_M4x32B * ctr[2];
  guint32 c1 = ctr[1], c3 = ctr[3];

  ctr[0] = (guint32) (p1 >> 32) ^ c1 ^ key[0];
  ctr[1] = (guint32) p1;
  ctr[2] = (guint32) (p0 >> 32) ^ c3 ^ key[1];
  ctr[3] = (guint32) p0;
}

/* Ten rounds, the key raised between rounds. */
static void
philox10 (const guint32 key_in[2],
          const guint32 ctr_in[4],
          guint32       out[4])
{
  guint32 key[2] = { key_in[0], key_in[1] };

  memcpy (out, ctr_in, 4 * sizeof (guint32));
  for (guint r = 0; r < 10; r++)
    {
      if (r > 0)
        {
          key[0] += PHILOX_W32A;
          key[1] += PHILOX_W32B;
        }
      philox_round (out, key);
    }
}

/**
 * graft_philox_init:
 * @gen: (out caller-allocates): the generator to set up
 * @seed: the key: an op's `seed`
 * @seed2: the upper half of every counter: an op's `seed2`
 *
 * Sets up a generator for the seed pair as given. Unlike
 * graft_kernel_init_philox(), (0, 0) is an ordinary pair here.
 */
void
graft_philox_init (GraftPhilox *gen,
                   guint64      seed,
                   guint64      seed2)
{
  guint32 ctr[4], out[4];

  g_return_if_fail (gen != NULL);

  memset (gen, 0, sizeof *gen);
  gen->key[0] = (guint32) seed;
  gen->key[1] = (guint32) (seed >> 32);
  gen->nonce[0] = (guint32) seed2;
  gen->nonce[1] = (guint32) (seed2 >> 32);

  /* The sub-stream key is the main key applied to a counter whose upper
   * half is seed2's complement: no block of this generator's main stream
   * has that counter. */
  ctr[0] = ctr[1] = 0;
  ctr[2] = ~gen->nonce[0];
  ctr[3] = ~gen->nonce[1];
  philox10 (gen->key, ctr, out);
  gen->sub_key[0] = out[0];
  gen->sub_key[1] = out[1];
}

/**
 * graft_philox_block:
 * @gen: a generator
 * @block: the block index
 * @out: (array fixed-size=4) (out caller-allocates): the four random words
 *   of block @block
 *
 * The raw stream: Philox4x32-10 of the counter (@block, seed2) under the
 * key. Fills use it as described in their documentation, so a kernel with
 * its own distribution can use it the same way.
 */
void
graft_philox_block (const GraftPhilox *gen,
                    guint64            block,
                    guint32            out[4])
{
  guint32 ctr[4];

  g_return_if_fail (gen != NULL);
  g_return_if_fail (out != NULL);

  ctr[0] = (guint32) block;
  ctr[1] = (guint32) (block >> 32);
  ctr[2] = gen->nonce[0];
  ctr[3] = gen->nonce[1];
  philox10 (gen->key, ctr, out);
}

/* Attempt `attempt` (from 1) at re-drawing element `index`. */
static void
substream_block (const GraftPhilox *gen,
                 guint64            index,
                 guint64            attempt,
                 guint32            out[4])
{
  guint32 ctr[4];

  ctr[0] = (guint32) index;
  ctr[1] = (guint32) (index >> 32);
  ctr[2] = (guint32) attempt;
  ctr[3] = (guint32) (attempt >> 32);
  philox10 (gen->sub_key, ctr, out);
}

/* ---- conversions (TensorFlow's random_distributions.h) ---- */

static inline float
word_to_float (guint32 x)
{
  guint32 bits = (127u << 23) | (x & 0x7fffffu);
  float f;

  memcpy (&f, &bits, sizeof f);
  return f - 1.0f;
}

static inline double
words_to_double (guint32 x0,
                 guint32 x1)
{
  guint64 bits = ((guint64) 1023 << 52) | ((guint64) (x0 & 0xfffffu) << 32) | x1;
  double d;

  memcpy (&d, &bits, sizeof d);
  return d - 1.0;
}

/* Box–Muller in single precision, step by step as TensorFlow computes it
 * (the angle is formed in double, then rounded). */
static inline void
box_muller_float (guint32  x0,
                  guint32  x1,
                  float   *f0,
                  float   *f1)
{
  float u1 = word_to_float (x0);
  float v1, r;

  /* log(0) is -inf; TensorFlow clamps at 1e-7, which bounds |z| by 5.68. */
  if (u1 < 1.0e-7f)
    u1 = 1.0e-7f;
  v1 = (float) (2.0 * G_PI * (double) word_to_float (x1));
  r = sqrtf (-2.0f * logf (u1));
  *f0 = sinf (v1) * r;
  *f1 = cosf (v1) * r;
}

static inline void
box_muller_double (const guint32  w[4],
                   double        *d0,
                   double        *d1)
{
  double u1 = words_to_double (w[0], w[1]);
  double v1, r;

  if (u1 < 1.0e-7)
    u1 = 1.0e-7;
  v1 = 2.0 * G_PI * words_to_double (w[2], w[3]);
  r = sqrt (-2.0 * log (u1));
  *d0 = sin (v1) * r;
  *d1 = cos (v1) * r;
}

/* The four float32 normals of one block: pairs (w0, w1) and (w2, w3). */
static inline void
block_normals_float (const guint32 w[4],
                     float         z[4])
{
  box_muller_float (w[0], w[1], &z[0], &z[1]);
  box_muller_float (w[2], w[3], &z[2], &z[3]);
}

static inline gboolean
dtype_is_real (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64;
}

/* Elements per block: 4 float32 (one word each), 2 of anything else (two
 * words each). */
static inline guint
per_block (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 ? 4 : 2;
}

/**
 * graft_philox_fill_uniform: (skip)
 * @gen: a generator
 * @dtype: #GRAFT_DTYPE_FLOAT32 or #GRAFT_DTYPE_FLOAT64
 * @offset: the index of the first element to fill
 * @data: where the elements go: @n_elements values of @dtype
 * @n_elements: how many
 *
 * Fills elements @offset to @offset + @n_elements of the uniform stream on
 * [0, 1). A float32 element i is word i % 4 of block i / 4, its low 23 bits
 * as the mantissa of a number in [1, 2), minus 1; a float64 element i uses
 * words 2(i % 2) and 2(i % 2) + 1 of block i / 2 for 52 bits. Values are
 * multiples of 2⁻²³ (2⁻⁵²), so 0 can occur and 1 cannot.
 */
void
graft_philox_fill_uniform (const GraftPhilox *gen,
                           GraftDType         dtype,
                           guint64            offset,
                           gpointer           data,
                           gsize              n_elements)
{
  guint per;
  guint32 w[4];

  g_return_if_fail (gen != NULL);
  g_return_if_fail (dtype_is_real (dtype));
  g_return_if_fail (data != NULL || n_elements == 0);

  per = per_block (dtype);
  for (gsize done = 0; done < n_elements;)
    {
      guint64 i = offset + done;
      guint lane = (guint) (i % per);

      graft_philox_block (gen, i / per, w);
      for (; lane < per && done < n_elements; lane++, done++)
        {
          if (dtype == GRAFT_DTYPE_FLOAT32)
            ((float *) data)[done] = word_to_float (w[lane]);
          else
            ((double *) data)[done] = words_to_double (w[2 * lane], w[2 * lane + 1]);
        }
    }
}

/* hi:lo = a · b, without relying on a 128-bit type. */
static inline void
mul_64x64 (guint64  a,
           guint64  b,
           guint64 *hi,
           guint64 *lo)
{
  guint64 a_lo = (guint32) a, a_hi = a >> 32;
  guint64 b_lo = (guint32) b, b_hi = b >> 32;
  guint64 ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  guint64 mid = (ll >> 32) + (guint32) lh + (guint32) hl;

  *lo = (mid << 32) | (guint32) ll;
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Lemire's unbiased bounded integer ("Fast random integer generation in an
 * interval", 2019): the high word of x · range is uniform on [0, range)
 * once the draws whose low word falls below 2⁶⁴ mod range are rejected. The
 * test against range first skips the division nearly always. */
static guint64
bounded (const GraftPhilox *gen,
         guint64            index,
         guint64            x,
         guint64            range)
{
  guint64 hi, lo, threshold, attempt = 0;
  guint32 w[4];
  guint lane = 2;

  mul_64x64 (x, range, &hi, &lo);
  if (lo >= range)
    return hi;
  threshold = (0 - range) % range;
  while (lo < threshold)
    {
      if (lane == 2)
        {
          substream_block (gen, index, ++attempt, w);
          lane = 0;
        }
      x = ((guint64) w[2 * lane] << 32) | w[2 * lane + 1];
      lane++;
      mul_64x64 (x, range, &hi, &lo);
    }
  return hi;
}

/**
 * graft_philox_fill_uniform_int: (skip)
 * @gen: a generator
 * @dtype: #GRAFT_DTYPE_INT32 or #GRAFT_DTYPE_INT64
 * @offset: the index of the first element to fill
 * @lo: the smallest value
 * @hi: one past the largest value; above @lo, and both within @dtype
 * @data: where the elements go: @n_elements values of @dtype
 * @n_elements: how many
 *
 * Fills elements @offset to @offset + @n_elements of the uniform integer
 * stream on [@lo, @hi). Element i draws 64 bits (words 2(i % 2) and
 * 2(i % 2) + 1 of block i / 2, the first one high) and maps them to the
 * range without modulo bias; the rare rejected draw is replaced from
 * element i's own sub-stream.
 */
void
graft_philox_fill_uniform_int (const GraftPhilox *gen,
                               GraftDType         dtype,
                               guint64            offset,
                               gint64             lo,
                               gint64             hi,
                               gpointer           data,
                               gsize              n_elements)
{
  guint64 range;
  guint32 w[4];

  g_return_if_fail (gen != NULL);
  g_return_if_fail (dtype == GRAFT_DTYPE_INT32 || dtype == GRAFT_DTYPE_INT64);
  g_return_if_fail (lo < hi);
  g_return_if_fail (dtype == GRAFT_DTYPE_INT64 || (lo >= G_MININT32 && hi - 1 <= G_MAXINT32));
  g_return_if_fail (data != NULL || n_elements == 0);

  /* Two's complement: the difference is right even when it overflows
   * gint64 (the full int64 range minus one value). */
  range = (guint64) hi - (guint64) lo;
  for (gsize done = 0; done < n_elements;)
    {
      guint64 i = offset + done;
      guint lane = (guint) (i % 2);

      graft_philox_block (gen, i / 2, w);
      for (; lane < 2 && done < n_elements; lane++, done++)
        {
          guint64 x = ((guint64) w[2 * lane] << 32) | w[2 * lane + 1];
          guint64 v = (guint64) lo + bounded (gen, offset + done, x, range);

          if (dtype == GRAFT_DTYPE_INT32)
            ((gint32 *) data)[done] = (gint32) (gint64) v;
          else
            ((gint64 *) data)[done] = (gint64) v;
        }
    }
}

/* The normals of one block, as doubles whatever their precision. */
static inline guint
block_normals (GraftDType    dtype,
               const guint32 w[4],
               double        z[4])
{
  if (dtype == GRAFT_DTYPE_FLOAT32)
    {
      float f[4];

      block_normals_float (w, f);
      for (guint j = 0; j < 4; j++)
        z[j] = f[j];
      return 4;
    }
  box_muller_double (w, &z[0], &z[1]);
  return 2;
}

static inline void
store_real (GraftDType dtype,
            gpointer   data,
            gsize      at,
            double     v)
{
  if (dtype == GRAFT_DTYPE_FLOAT32)
    ((float *) data)[at] = (float) v;
  else
    ((double *) data)[at] = v;
}

/* Element `index`'s replacement for a normal beyond TRUNCATE_AT: the
 * first normal within it from the element's sub-stream, block after
 * block. A block holds two or four candidates, each outside with
 * probability 0.0455, so one block nearly always suffices. */
static double
redraw_truncated (const GraftPhilox *gen,
                  GraftDType         dtype,
                  guint64            index)
{
  guint32 w[4];
  double z[4];

  for (guint64 attempt = 1;; attempt++)
    {
      guint n;

      substream_block (gen, index, attempt, w);
      n = block_normals (dtype, w, z);
      for (guint j = 0; j < n; j++)
        if (fabs (z[j]) < TRUNCATE_AT)
          return z[j];
    }
}

static void
fill_normal (const GraftPhilox *gen,
             GraftDType         dtype,
             guint64            offset,
             gpointer           data,
             gsize              n_elements,
             gboolean           truncated)
{
  guint per = per_block (dtype);
  guint32 w[4];
  double z[4];

  for (gsize done = 0; done < n_elements;)
    {
      guint64 i = offset + done;
      guint lane = (guint) (i % per);

      graft_philox_block (gen, i / per, w);
      block_normals (dtype, w, z);
      for (; lane < per && done < n_elements; lane++, done++)
        {
          double v = z[lane];

          if (truncated && !(fabs (v) < TRUNCATE_AT))
            v = redraw_truncated (gen, dtype, offset + done);
          store_real (dtype, data, done, v);
        }
    }
}

/**
 * graft_philox_fill_normal: (skip)
 * @gen: a generator
 * @dtype: #GRAFT_DTYPE_FLOAT32 or #GRAFT_DTYPE_FLOAT64
 * @offset: the index of the first element to fill
 * @data: where the elements go: @n_elements values of @dtype
 * @n_elements: how many
 *
 * Fills elements @offset to @offset + @n_elements of the standard normal
 * stream, by Box–Muller: for float32, block i / 4 holds elements 4k…4k+3,
 * words (0, 1) giving the first two (sine, cosine) and words (2, 3) the
 * other two, in single precision; for float64, block i / 2 holds one pair
 * from 52-bit uniforms. The radius' uniform is clamped at 10⁻⁷, so
 * |z| < 5.7.
 */
void
graft_philox_fill_normal (const GraftPhilox *gen,
                          GraftDType         dtype,
                          guint64            offset,
                          gpointer           data,
                          gsize              n_elements)
{
  g_return_if_fail (gen != NULL);
  g_return_if_fail (dtype_is_real (dtype));
  g_return_if_fail (data != NULL || n_elements == 0);

  fill_normal (gen, dtype, offset, data, n_elements, FALSE);
}

/**
 * graft_philox_fill_truncated_normal: (skip)
 * @gen: a generator
 * @dtype: #GRAFT_DTYPE_FLOAT32 or #GRAFT_DTYPE_FLOAT64
 * @offset: the index of the first element to fill
 * @data: where the elements go: @n_elements values of @dtype
 * @n_elements: how many
 *
 * Fills elements @offset to @offset + @n_elements of the standard normal
 * stream truncated to (−2, 2): element i is element i of
 * graft_philox_fill_normal() when that lies inside, and otherwise the first
 * normal inside from element i's own sub-stream. Its variance is
 * 0.7737413 (0.87962566²).
 */
void
graft_philox_fill_truncated_normal (const GraftPhilox *gen,
                                    GraftDType         dtype,
                                    guint64            offset,
                                    gpointer           data,
                                    gsize              n_elements)
{
  g_return_if_fail (gen != NULL);
  g_return_if_fail (dtype_is_real (dtype));
  g_return_if_fail (data != NULL || n_elements == 0);

  fill_normal (gen, dtype, offset, data, n_elements, TRUE);
}
