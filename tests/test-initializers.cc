/* test-initializers.cc: the Philox generator, TensorFlow's initializers and
 * the random ops.
 *
 * White-box: initializers run through _graft_initializer_evaluate() (the
 * registry, the shape function, the kernel through libffi) with an explicit
 * seed pair, and the random ops' kernels are invoked directly, the way the
 * executor does.
 *
 * Every random initializer is checked twice. Its formula is checked
 * exactly: the generator is public, so the test draws the same raw samples
 * from the same seed pair and applies the formula with the constants from
 * shared/spec/tf1-semantics.md §7. Its distribution is checked
 * statistically on a large sample, each tolerance derived from the sample
 * size where it is used.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "graft-scopes-private.h"
#include "test-util.h"

using graft_test::ErrorIs;

namespace {

struct TensorDeleter
{
  void operator() (GraftTensor *t) const { graft_tensor_unref (t); }
};
using TensorPtr = std::unique_ptr<GraftTensor, TensorDeleter>;

using Dims = std::vector<gint64>;

constexpr gint64 kSeed = 1234;
constexpr gint64 kSeed2 = 5678;

/* TensorFlow's constant: the standard deviation of a standard normal
 * truncated to (-2, 2). */
constexpr double kTruncatedStddev = 0.87962566103423978;

TensorPtr
evaluate (const char *name,
          const char *attrs,
          GraftDType  dtype,
          const Dims &dims,
          GError    **error,
          gint64      seed = kSeed,
          gint64      seed2 = kSeed2)
{
  g_autoptr(GraftInitializer) init = graft_initializer_new (name, attrs ? g_variant_new_parsed (attrs) : nullptr);
  g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), dims.size ());

  return TensorPtr (_graft_initializer_evaluate (init, dtype, shape, seed, seed2, error));
}

std::vector<double>
values_of (const GraftTensor *t)
{
  gsize n = 0;
  g_autofree double *v = graft_tensor_dup_doubles (t, &n);

  return std::vector<double> (v, v + n);
}

/* Evaluates an initializer that must succeed and returns its elements. */
std::vector<double>
eval_ok (const char *name,
         const char *attrs,
         GraftDType  dtype,
         const Dims &dims,
         gint64      seed = kSeed,
         gint64      seed2 = kSeed2)
{
  g_autoptr(GError) error = nullptr;
  TensorPtr t = evaluate (name, attrs, dtype, dims, &error, seed, seed2);

  EXPECT_EQ (error, nullptr) << name << ": " << graft_test::describe_error (error);
  if (t == nullptr)
    return {};
  EXPECT_EQ (graft_tensor_get_dtype (t.get ()), dtype) << name;
  return values_of (t.get ());
}

/* The error an initializer must fail with. */
::testing::AssertionResult
EvalFails (const char *name,
           const char *attrs,
           GraftDType  dtype,
           const Dims &dims,
           int         code,
           const char *message)
{
  g_autoptr(GError) error = nullptr;
  TensorPtr t = evaluate (name, attrs, dtype, dims, &error);

  if (t != nullptr)
    return ::testing::AssertionFailure () << name << " succeeded";
  return ErrorIs (error, GRAFT_GRAPH_ERROR, code, message);
}

gsize
count (const Dims &dims)
{
  gsize n = 1;

  for (gint64 d : dims)
    n *= (gsize) d;
  return n;
}

/* ---- raw samples, as the kernels draw them ---- */

enum class Raw { Uniform, Normal, Truncated };

std::vector<double>
raw (Raw         kind,
     GraftDType  dtype,
     gsize       n,
     gint64      seed = kSeed,
     gint64      seed2 = kSeed2)
{
  GraftPhilox gen;
  std::vector<double> out (n);

  graft_philox_init (&gen, (guint64) seed, (guint64) seed2);
  if (dtype == GRAFT_DTYPE_FLOAT32)
    {
      std::vector<float> f (n);

      if (kind == Raw::Uniform)
        graft_philox_fill_uniform (&gen, dtype, 0, f.data (), n);
      else if (kind == Raw::Normal)
        graft_philox_fill_normal (&gen, dtype, 0, f.data (), n);
      else
        graft_philox_fill_truncated_normal (&gen, dtype, 0, f.data (), n);
      for (gsize i = 0; i < n; i++)
        out[i] = f[i];
      return out;
    }
  if (kind == Raw::Uniform)
    graft_philox_fill_uniform (&gen, dtype, 0, out.data (), n);
  else if (kind == Raw::Normal)
    graft_philox_fill_normal (&gen, dtype, 0, out.data (), n);
  else
    graft_philox_fill_truncated_normal (&gen, dtype, 0, out.data (), n);
  return out;
}

/* An initializer's elements are raw[i] · scale + shift, up to `rel_tol`
 * relative to the largest magnitude involved. The tolerance says where the
 * constant comes from: 2ε(float32) when the kernel rounds the same
 * product and sum to float32 once each; 1e-12 when the test computes the
 * constant in double by another route than the kernel (a few ulps apart);
 * 1e-6 when it is a spec value printed to 8 significant digits (5e-8
 * relative) and the elements are float32 (6e-8). */
void
expect_affine (const std::vector<double> &got,
               const std::vector<double> &r,
               double                     scale,
               double                     shift,
               double                     rel_tol,
               const std::string         &what)
{
  ASSERT_EQ (got.size (), r.size ()) << what;
  for (gsize i = 0; i < got.size (); i++)
    {
      double want = r[i] * scale + shift;
      double tol = rel_tol * (std::fabs (scale) * (std::fabs (r[i]) + 1.0) + std::fabs (shift));

      ASSERT_NEAR (got[i], want, tol) << what << ", element " << i;
    }
}

/* ---- statistics ---- */

/* Central moments of a distribution: the sample mean and variance are
 * checked against them. */
struct Dist
{
  double mean;
  double var;
  double mu4;                   /* fourth central moment */
};

Dist
uniform_dist (double lo,
              double hi)
{
  double w = hi - lo;

  return { (lo + hi) / 2.0, w * w / 12.0, w * w * w * w / 80.0 };
}

Dist
normal_dist (double mean,
             double stddev)
{
  double v = stddev * stddev;

  return { mean, v, 3.0 * v * v };
}

/* A normal of standard deviation `stddev` truncated at ±2 stddev: with
 * Z = P(|z| < 2) and φ the standard density, E z² = 1 − 4φ(2)/Z and
 * E z⁴ = 3 − 28φ(2)/Z (integration by parts). Var = 0.7737413 σ². */
Dist
truncated_dist (double mean,
                double stddev)
{
  const double phi2 = std::exp (-2.0) / std::sqrt (2.0 * G_PI);
  const double z = std::erf (2.0 / std::sqrt (2.0));
  double v = stddev * stddev;

  return { mean, (1.0 - 4.0 * phi2 / z) * v, (3.0 - 28.0 * phi2 / z) * v * v };
}

/* The sample mean and (biased) variance of n independent draws are within
 * 5 standard errors of the distribution's: the mean's standard error is
 * sqrt(var / n), the variance's sqrt((mu4 − var²) / n) to first order. For
 * these asymptotically normal statistics, 5 standard errors leave a
 * false-alarm probability of 6e-7 per check; the seeds are fixed, so a pass
 * is also reproducible. Box–Muller pairs share their radius, but their
 * values and squares are uncorrelated (E r⁴ sin²cos² = 8 · 1/8 = 1), so
 * the formulas hold for them too. */
void
expect_moments (const std::vector<double> &v,
                const Dist                &d,
                const std::string         &what)
{
  double n = (double) v.size (), sum = 0.0, sq = 0.0, mean, var;

  ASSERT_GT (v.size (), 1000u) << what;
  for (double x : v)
    sum += x;
  mean = sum / n;
  for (double x : v)
    sq += (x - mean) * (x - mean);
  var = sq / n;

  EXPECT_NEAR (mean, d.mean, 5.0 * std::sqrt (d.var / n)) << what << ": mean";
  EXPECT_NEAR (var, d.var, 5.0 * std::sqrt ((d.mu4 - d.var * d.var) / n)) << what << ": variance";
}

double
max_abs (const std::vector<double> &v,
         double                     center = 0.0)
{
  double m = 0.0;

  for (double x : v)
    m = std::max (m, std::fabs (x - center));
  return m;
}

/* All draws lie in [−L, L], and the largest magnitude comes close to L:
 * for n draws of U(−L, L), P(max |x| < (1 − ε) L) = (1 − ε)ⁿ, which is
 * e^−150 for ε = 10⁻³ and n = 150000. So a limit that is too large fails
 * the second check, and one that is too small the first. */
void
expect_uniform_limit (const std::vector<double> &v,
                      double                     limit,
                      const std::string         &what)
{
  double m = max_abs (v);

  ASSERT_GE (v.size (), 150000u) << what;
  EXPECT_LE (m, limit * (1.0 + 1e-7)) << what;
  EXPECT_GE (m, limit * (1.0 - 1e-3)) << what;
}

/* ---- running the random ops' kernels ---- */

struct OpArgs
{
  Dims dims;
  GraftDType dtype = GRAFT_DTYPE_FLOAT32;
  gint64 minval = 0;
  gint64 maxval = 0;
  gint64 seed = kSeed;
  gint64 seed2 = kSeed2;
  gboolean has_seeds = TRUE;
};

/* Runs a random op as the executor would: attribute values by the
 * definition's slots, the shape function, an output allocated with its
 * shape, and the kernel through libffi. */
TensorPtr
run_op (const char   *type,
        const OpArgs &args,
        GError      **error)
{
  const GraftOpDef *def = _graft_registry_lookup (GRAFT_OP_KIND_OP, type);
  std::vector<GraftAttrValue> vals;
  g_autoptr(GraftShape) shape = graft_shape_new (args.dims.data (), args.dims.size ());
  g_autoptr(GraftShape) out_shape = nullptr;
  GraftShapeContext ctx = {};
  gint rank = 0;
  gint64 out_dims[GRAFT_MAX_RANK];
  GraftKernel kernel = {};
  GraftTensor *out;

  EXPECT_NE (def, nullptr) << type;
  if (def == nullptr)
    return nullptr;
  vals.resize (def->n_attrs + 1);
  vals[_graft_op_def_find_attr (def, "shape")].shape = shape;
  vals[_graft_op_def_find_attr (def, "dtype")].type = args.dtype;
  if (_graft_op_def_find_attr (def, "minval") >= 0)
    {
      vals[_graft_op_def_find_attr (def, "minval")].i = args.minval;
      vals[_graft_op_def_find_attr (def, "maxval")].i = args.maxval;
    }
  vals[_graft_op_def_find_attr (def, "_seed")].i = args.seed;
  vals[_graft_op_def_find_attr (def, "_seed2")].i = args.seed2;

  ctx.def = def;
  ctx.op_name = type;
  ctx.attrs = vals.data ();
  ctx.out_ranks = &rank;
  ctx.out_dims = out_dims;
  if (!_graft_shape_context_run (&ctx, error))
    return nullptr;
  out_shape = graft_shape_new (out_dims, rank);
  out = graft_tensor_new_zeros (args.dtype, out_shape, error);
  if (out == nullptr)
    return nullptr;

  kernel.def = def;
  kernel.op_name = type;
  kernel.seed = args.seed;
  kernel.seed2 = args.seed2;
  kernel.has_seeds = args.has_seeds;
  if (!_graft_kernel_invoke (&kernel, vals.data (), nullptr, &out, error))
    {
      graft_tensor_unref (out);
      return nullptr;
    }
  return TensorPtr (out);
}

bool
same_bytes (const GraftTensor *a,
            const GraftTensor *b)
{
  return a != nullptr && b != nullptr && graft_tensor_equal (a, b);
}

} // namespace

/* ======================================================================
 * The generator
 * ====================================================================== */

/* Random123's known-answer vectors for Philox4x32-10 (kat_vectors),
 * through the TensorFlow layout: key = seed, counter = (block, seed2). */
TEST (Philox, KnownAnswers)
{
  struct {
    guint32 ctr[4];
    guint32 key[2];
    guint32 want[4];
  } cases[] = {
    { { 0, 0, 0, 0 }, { 0, 0 }, { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
    { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff }, { 0xffffffff, 0xffffffff },
      { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
    { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 }, { 0xa4093822, 0x299f31d0 },
      { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
  };

  for (const auto &c : cases)
    {
      GraftPhilox gen;
      guint32 out[4];
      guint64 seed = ((guint64) c.key[1] << 32) | c.key[0];
      guint64 seed2 = ((guint64) c.ctr[3] << 32) | c.ctr[2];
      guint64 block = ((guint64) c.ctr[1] << 32) | c.ctr[0];

      graft_philox_init (&gen, seed, seed2);
      EXPECT_EQ (gen.key[0], c.key[0]);
      EXPECT_EQ (gen.key[1], c.key[1]);
      EXPECT_EQ (gen.nonce[0], c.ctr[2]);
      EXPECT_EQ (gen.nonce[1], c.ctr[3]);
      graft_philox_block (&gen, block, out);
      for (int j = 0; j < 4; j++)
        EXPECT_EQ (out[j], c.want[j]) << "word " << j << " of block " << block;
    }
}

/* TensorFlow's Uint32ToFloat and Uint64ToDouble: the low 23 (52) bits of
 * the words as the mantissa of a number in [1, 2), minus 1; four floats or
 * two doubles per block. */
TEST (Philox, UniformConversionIsTensorFlows)
{
  GraftPhilox gen;
  float f[12];
  double d[6];

  graft_philox_init (&gen, 42, 7);
  graft_philox_fill_uniform (&gen, GRAFT_DTYPE_FLOAT32, 0, f, G_N_ELEMENTS (f));
  graft_philox_fill_uniform (&gen, GRAFT_DTYPE_FLOAT64, 0, d, G_N_ELEMENTS (d));
  for (guint i = 0; i < G_N_ELEMENTS (f); i++)
    {
      guint32 w[4];

      graft_philox_block (&gen, i / 4, w);
      EXPECT_EQ (f[i], (float) (w[i % 4] & 0x7fffff) / 8388608.0f) << i;
    }
  for (guint i = 0; i < G_N_ELEMENTS (d); i++)
    {
      guint32 w[4];
      guint64 man;

      graft_philox_block (&gen, i / 2, w);
      man = ((guint64) (w[2 * (i % 2)] & 0xfffff) << 32) | w[2 * (i % 2) + 1];
      EXPECT_EQ (d[i], std::ldexp ((double) man, -52)) << i;
    }
}

/* Box–Muller exactly as TensorFlow computes it in single precision: the
 * radius from the first word (clamped at 1e-7), the angle from the second,
 * sine first. */
TEST (Philox, NormalConversionIsTensorFlows)
{
  GraftPhilox gen;
  float z[8];

  graft_philox_init (&gen, 42, 7);
  graft_philox_fill_normal (&gen, GRAFT_DTYPE_FLOAT32, 0, z, G_N_ELEMENTS (z));
  for (guint i = 0; i < G_N_ELEMENTS (z); i += 2)
    {
      guint32 w[4];
      float u1, v1, r;

      graft_philox_block (&gen, i / 4, w);
      u1 = std::max ((float) (w[i % 4] & 0x7fffff) / 8388608.0f, 1.0e-7f);
      v1 = (float) (2.0 * G_PI * (double) ((float) (w[i % 4 + 1] & 0x7fffff) / 8388608.0f));
      r = std::sqrt (-2.0f * std::log (u1));
      EXPECT_EQ (z[i], std::sin (v1) * r) << i;
      EXPECT_EQ (z[i + 1], std::cos (v1) * r) << i + 1;
    }
}

namespace {

enum class Fill { UniformF32, UniformF64, NormalF32, NormalF64, TruncF32, TruncF64, Int32, Int64 };

/* The fills under test, as bytes: element i at offset i. */
std::vector<guint8>
fill_bytes (const GraftPhilox *gen,
            Fill               kind,
            guint64            offset,
            gsize              n)
{
  bool narrow = kind == Fill::UniformF32 || kind == Fill::NormalF32 || kind == Fill::TruncF32 || kind == Fill::Int32;
  std::vector<guint8> out (n * (narrow ? 4 : 8) + 1);

  switch (kind)
    {
    case Fill::UniformF32: graft_philox_fill_uniform (gen, GRAFT_DTYPE_FLOAT32, offset, out.data (), n); break;
    case Fill::UniformF64: graft_philox_fill_uniform (gen, GRAFT_DTYPE_FLOAT64, offset, out.data (), n); break;
    case Fill::NormalF32: graft_philox_fill_normal (gen, GRAFT_DTYPE_FLOAT32, offset, out.data (), n); break;
    case Fill::NormalF64: graft_philox_fill_normal (gen, GRAFT_DTYPE_FLOAT64, offset, out.data (), n); break;
    case Fill::TruncF32: graft_philox_fill_truncated_normal (gen, GRAFT_DTYPE_FLOAT32, offset, out.data (), n); break;
    case Fill::TruncF64: graft_philox_fill_truncated_normal (gen, GRAFT_DTYPE_FLOAT64, offset, out.data (), n); break;
    /* A small range, and one that rejects a quarter of all draws, so the
     * sub-streams are exercised too. */
    case Fill::Int32: graft_philox_fill_uniform_int (gen, GRAFT_DTYPE_INT32, offset, -5, 1000, out.data (), n); break;
    case Fill::Int64:
      graft_philox_fill_uniform_int (gen, GRAFT_DTYPE_INT64, offset, -G_GINT64_CONSTANT (6917529027641081856),
                                     G_GINT64_CONSTANT (6917529027641081856), out.data (), n);
      break;
    }
  out.resize (n * (narrow ? 4 : 8));
  return out;
}

} // namespace

/* Filling [0, n) at once equals filling [0, k) and then [k, n), for
 * splits inside and at the edges of blocks, and far into the stream
 * (block indexes above 2³²). */
TEST (Philox, ChunkIndependence)
{
  const Fill kinds[] = { Fill::UniformF32, Fill::UniformF64, Fill::NormalF32, Fill::NormalF64,
                         Fill::TruncF32, Fill::TruncF64, Fill::Int32, Fill::Int64 };
  const guint64 bases[] = { 0, G_GUINT64_CONSTANT (1) << 40 };
  const gsize n = 1031;
  GraftPhilox gen;

  graft_philox_init (&gen, 99, 100);
  for (Fill kind : kinds)
    for (guint64 base : bases)
      {
        std::vector<guint8> whole = fill_bytes (&gen, kind, base, n);
        gsize esize = whole.size () / n;

        for (gsize k : { (gsize) 1, (gsize) 2, (gsize) 3, (gsize) 4, (gsize) 5, (gsize) 7, (gsize) 513,
                         n - 1 })
          {
            /* The second part first: call order must not matter either. */
            std::vector<guint8> tail = fill_bytes (&gen, kind, base + k, n - k);
            std::vector<guint8> head = fill_bytes (&gen, kind, base, k);

            head.insert (head.end (), tail.begin (), tail.end ());
            EXPECT_EQ (head, whole) << "kind " << (int) kind << ", base " << base << ", split " << k;
          }
        /* One element at a time. */
        for (gsize i = 0; i < 16; i++)
          {
            std::vector<guint8> one = fill_bytes (&gen, kind, base + i, 1);

            EXPECT_EQ (0, memcmp (one.data (), whole.data () + i * esize, esize)) << "element " << i;
          }
      }
}

TEST (Philox, SeedsSelectStreams)
{
  GraftPhilox a, b, c, d;
  float fa[64], fb[64], fc[64], fd[64];

  graft_philox_init (&a, 1, 2);
  graft_philox_init (&b, 1, 2);
  graft_philox_init (&c, 1, 3);
  graft_philox_init (&d, 2, 2);
  graft_philox_fill_uniform (&a, GRAFT_DTYPE_FLOAT32, 0, fa, 64);
  graft_philox_fill_uniform (&b, GRAFT_DTYPE_FLOAT32, 0, fb, 64);
  graft_philox_fill_uniform (&c, GRAFT_DTYPE_FLOAT32, 0, fc, 64);
  graft_philox_fill_uniform (&d, GRAFT_DTYPE_FLOAT32, 0, fd, 64);
  EXPECT_EQ (0, memcmp (fa, fb, sizeof fa));
  EXPECT_NE (0, memcmp (fa, fc, sizeof fa));
  EXPECT_NE (0, memcmp (fa, fd, sizeof fa));
  /* The sub-stream key is neither key. */
  EXPECT_FALSE (a.sub_key[0] == a.key[0] && a.sub_key[1] == a.key[1]);
  EXPECT_FALSE (a.sub_key[0] == c.sub_key[0] && a.sub_key[1] == c.sub_key[1]);
}

/* A kernel's seed pair keys its generator; (0, 0), or no pair at all,
 * draws a fresh key each time (TensorFlow's "nondeterministic"). */
TEST (Philox, KernelSeeds)
{
  GraftKernel k = {};
  GraftPhilox from_kernel, direct, r1, r2, r3;

  k.has_seeds = TRUE;
  k.seed = 5;
  k.seed2 = 7;
  graft_kernel_init_philox (&k, &from_kernel);
  graft_philox_init (&direct, 5, 7);
  EXPECT_EQ (0, memcmp (&from_kernel, &direct, sizeof direct));

  /* Equal keys by chance have probability 2⁻¹²⁸. */
  k.seed = k.seed2 = 0;
  graft_kernel_init_philox (&k, &r1);
  graft_kernel_init_philox (&k, &r2);
  EXPECT_NE (0, memcmp (&r1, &r2, sizeof r1));
  k.has_seeds = FALSE;
  k.seed = 5;
  graft_kernel_init_philox (&k, &r3);
  EXPECT_NE (0, memcmp (&r3, &direct, sizeof r3));
  EXPECT_NE (0, memcmp (&r3, &r1, sizeof r3));
}

TEST (Philox, UniformStatistics)
{
  const gsize n = 200000;
  std::vector<double> f = raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, n);
  std::vector<double> d = raw (Raw::Uniform, GRAFT_DTYPE_FLOAT64, n);

  for (const auto *v : { &f, &d })
    {
      for (double x : *v)
        ASSERT_TRUE (x >= 0.0 && x < 1.0) << x;
      expect_moments (*v, uniform_dist (0.0, 1.0), "U[0, 1)");
    }
}

TEST (Philox, NormalStatistics)
{
  const gsize n = 200000;

  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      std::vector<double> z = raw (Raw::Normal, dtype, n);

      /* The radius' uniform is clamped at 1e-7: |z| ≤ sqrt(-2 ln 1e-7). */
      EXPECT_LE (max_abs (z), std::sqrt (-2.0 * std::log (1e-7)) + 1e-6);
      expect_moments (z, normal_dist (0.0, 1.0), std::string ("N(0, 1) ") + graft_dtype_get_name (dtype));
    }
}

/* An element within (−2, 2) is the normal stream's own; the others (a
 * fraction p = 1 − Z = 0.0455) are re-drawn from their sub-streams. Over n
 * elements the re-drawn count is binomial: mean n·p, standard error
 * sqrt(n·p·(1 − p)), and it must lie within 5 of them. */
TEST (Philox, TruncatedNormalRedraws)
{
  const gsize n = 200000;
  const double p = 1.0 - std::erf (2.0 / std::sqrt (2.0));

  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      std::vector<double> z = raw (Raw::Normal, dtype, n);
      std::vector<double> t = raw (Raw::Truncated, dtype, n);
      gsize redrawn = 0;

      for (gsize i = 0; i < n; i++)
        {
          ASSERT_LT (std::fabs (t[i]), 2.0) << i;
          if (std::fabs (z[i]) < 2.0)
            ASSERT_EQ (t[i], z[i]) << i;
          else
            redrawn++;
        }
      EXPECT_NEAR ((double) redrawn, n * p, 5.0 * std::sqrt (n * p * (1.0 - p)));
      expect_moments (t, truncated_dist (0.0, 1.0), std::string ("truncated ") + graft_dtype_get_name (dtype));
    }
}

/* Every value of a small range turns up with frequency 1/k: each count is
 * binomial(n, 1/k), within 5 standard errors of n/k; the moments are the
 * discrete uniform's, var = (k² − 1)/12, mu4 = (k² − 1)(3k² − 7)/240. */
TEST (Philox, UniformIntStatistics)
{
  const gsize n = 70000;
  const gint64 lo = -3, hi = 4;
  const double k = (double) (hi - lo);
  GraftPhilox gen;

  graft_philox_init (&gen, kSeed, kSeed2);
  for (GraftDType dtype : { GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64 })
    {
      std::vector<gint64> v64 (n);
      std::vector<gint32> v32 (n);
      std::vector<double> v (n);
      std::vector<gsize> counts (hi - lo, 0);

      if (dtype == GRAFT_DTYPE_INT32)
        graft_philox_fill_uniform_int (&gen, dtype, 0, lo, hi, v32.data (), n);
      else
        graft_philox_fill_uniform_int (&gen, dtype, 0, lo, hi, v64.data (), n);
      for (gsize i = 0; i < n; i++)
        {
          gint64 x = dtype == GRAFT_DTYPE_INT32 ? v32[i] : v64[i];

          ASSERT_TRUE (x >= lo && x < hi) << x;
          counts[x - lo]++;
          v[i] = (double) x;
        }
      for (gsize c : counts)
        EXPECT_NEAR ((double) c, n / k, 5.0 * std::sqrt (n * (1.0 / k) * (1.0 - 1.0 / k)));
      expect_moments (v, { (lo + hi - 1) / 2.0, (k * k - 1) / 12.0, (k * k - 1) * (3 * k * k - 7) / 240.0 },
                      "discrete uniform");
    }
}

/* The range 3·2⁶² is where modulo reduction of 64 random bits is at its
 * worst: x mod r puts half the draws (not a third) below 2⁶². Lemire's
 * method rejects the quarter of draws that would bias it and re-draws them
 * from the sub-streams. The fraction below lo + 2⁶² is binomial(n, 1/3):
 * within 5 standard errors of 1/3, far from the biased 1/2. */
TEST (Philox, UniformIntHasNoModuloBias)
{
  const gsize n = 40000;
  const gint64 lo = -G_GINT64_CONSTANT (6917529027641081856), hi = -lo;  /* hi − lo = 3·2⁶² */
  const guint64 quarter = G_GUINT64_CONSTANT (1) << 62;
  std::vector<gint64> v (n);
  GraftPhilox gen;
  gsize below = 0;

  graft_philox_init (&gen, kSeed, kSeed2);
  graft_philox_fill_uniform_int (&gen, GRAFT_DTYPE_INT64, 0, lo, hi, v.data (), n);
  for (gint64 x : v)
    {
      ASSERT_TRUE (x >= lo && x < hi);
      below += (guint64) x - (guint64) lo < quarter;
    }
  EXPECT_NEAR ((double) below / n, 1.0 / 3.0, 5.0 * std::sqrt ((1.0 / 3.0) * (2.0 / 3.0) / n));
}

/* The widest ranges: [INT32_MIN, INT32_MAX] and int64's all but one value. */
TEST (Philox, UniformIntFullRanges)
{
  GraftPhilox gen;
  gint32 v32[4096];
  gint64 v64[4096];
  bool neg32 = false, pos32 = false, neg64 = false, pos64 = false;

  graft_philox_init (&gen, 3, 4);
  graft_philox_fill_uniform_int (&gen, GRAFT_DTYPE_INT32, 0, G_MININT32, (gint64) G_MAXINT32 + 1, v32, 4096);
  graft_philox_fill_uniform_int (&gen, GRAFT_DTYPE_INT64, 0, G_MININT64, G_MAXINT64, v64, 4096);
  for (int i = 0; i < 4096; i++)
    {
      neg32 |= v32[i] < G_MININT32 / 2;
      pos32 |= v32[i] > G_MAXINT32 / 2;
      neg64 |= v64[i] < G_MININT64 / 2;
      pos64 |= v64[i] > G_MAXINT64 / 2;
      ASSERT_LT (v64[i], G_MAXINT64);
    }
  /* Each side has probability 1/4 per draw: missing one in 4096 draws has
   * probability (3/4)⁴⁰⁹⁶. */
  EXPECT_TRUE (neg32 && pos32 && neg64 && pos64);
}

/* ======================================================================
 * Initializers
 * ====================================================================== */

namespace {

/* Every initializer of the plugin, each tested below; RegistryIsCovered
 * fails when one is added without a test. */
const char *const kInitializerNames[] = {
  "zeros", "ones", "constant", "random_uniform", "random_normal", "truncated_normal",
  "variance_scaling", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "xavier",
  "uniform_unit_scaling", "orthogonal", "identity",
};

} // namespace

TEST (Initializers, RegistryIsCovered)
{
  guint n = 0;
  g_autofree const GraftOpDef **defs = graft_registry_list_initializers (graft_registry_get_default (), &n);
  std::set<std::string> tested (std::begin (kInitializerNames), std::end (kInitializerNames));
  std::set<std::string> registered;

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (graft_op_def_get_plugin_name (defs[i]), "initializers") == 0)
      registered.insert (graft_op_def_get_name (defs[i]));
  EXPECT_EQ (registered, tested);
}

TEST (Initializers, ZerosAndOnes)
{
  const GraftDType dtypes[] = { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64,
                                GRAFT_DTYPE_BOOL, GRAFT_DTYPE_FLOAT16, GRAFT_DTYPE_BFLOAT16, GRAFT_DTYPE_INT8,
                                GRAFT_DTYPE_UINT8, GRAFT_DTYPE_INT16, GRAFT_DTYPE_UINT16 };

  for (GraftDType dtype : dtypes)
    {
      EXPECT_EQ (eval_ok ("zeros", nullptr, dtype, { 2, 3 }), std::vector<double> (6, 0.0))
        << graft_dtype_get_name (dtype);
      EXPECT_EQ (eval_ok ("ones", nullptr, dtype, { 2, 3 }), std::vector<double> (6, 1.0))
        << graft_dtype_get_name (dtype);
    }
  EXPECT_EQ (eval_ok ("ones", nullptr, GRAFT_DTYPE_FLOAT32, {}), std::vector<double> (1, 1.0));
  EXPECT_TRUE (eval_ok ("zeros", nullptr, GRAFT_DTYPE_FLOAT32, { 0, 4 }).empty ());
}

TEST (Initializers, ConstantFillsAndPads)
{
  /* A single value fills the tensor. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <[2.5]>}", GRAFT_DTYPE_FLOAT32, { 2, 3 }),
             std::vector<double> (6, 2.5));
  /* A scalar in the dictionary is a one-element list. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <-1.0>}", GRAFT_DTYPE_FLOAT64, { 3 }), std::vector<double> (3, -1.0));
  /* A shorter list is padded with its last value. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <[1.0, 2.0, 3.0]>}", GRAFT_DTYPE_FLOAT64, { 2, 3 }),
             (std::vector<double> { 1, 2, 3, 3, 3, 3 }));
  /* An exact list, into an integer dtype. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <[4, -5, 6, 7]>}", GRAFT_DTYPE_INT32, { 2, 2 }),
             (std::vector<double> { 4, -5, 6, 7 }));
  EXPECT_EQ (eval_ok ("constant", "{'value': <[9.0]>}", GRAFT_DTYPE_INT64, { 2 }), (std::vector<double> { 9, 9 }));
  /* An empty list, like an empty TensorProto, gives zeros; the default
   * value is 0. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <@ad []>}", GRAFT_DTYPE_FLOAT32, { 3 }), std::vector<double> (3, 0.0));
  EXPECT_EQ (eval_ok ("constant", nullptr, GRAFT_DTYPE_FLOAT32, { 3 }), std::vector<double> (3, 0.0));
  /* verify_shape accepts an exact match. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <[1.0, 2.0, 3.0]>, 'verify_shape': <true>}", GRAFT_DTYPE_FLOAT32,
                      { 3 }),
             (std::vector<double> { 1, 2, 3 }));

  /* The convenience constructor. */
  {
    g_autoptr(GraftInitializer) init = graft_initializer_new_constant (0.25);
    g_autoptr(GraftShape) shape = graft_shape_new_matrix (2, 2);
    g_autoptr(GError) error = nullptr;
    TensorPtr t (_graft_initializer_evaluate (init, GRAFT_DTYPE_FLOAT32, shape, 0, 0, &error));

    ASSERT_NE (t, nullptr) << graft_test::describe_error (error);
    EXPECT_EQ (values_of (t.get ()), std::vector<double> (4, 0.25));
  }
}

TEST (Initializers, ConstantErrors)
{
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[1.0, 2, 3, 4, 5, 6, 7, 8]>}", GRAFT_DTYPE_FLOAT32, { 2, 3 },
                          GRAFT_GRAPH_ERROR_SHAPE, "Too many elements provided. Needed at most 6, but received 8"));
  /* verify_shape is checked before the count, as make_tensor_proto does. */
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[1.0, 2, 3, 4, 5, 6, 7, 8]>, 'verify_shape': <true>}",
                          GRAFT_DTYPE_FLOAT32, { 3, 4 }, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                          "Expected Tensor's shape: (3, 4), got (8,)."));
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[1.0]>, 'verify_shape': <true>}", GRAFT_DTYPE_FLOAT32, {},
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "Expected Tensor's shape: (), got (1,)."));
  /* A fractional value does not convert to an integer dtype. */
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[1.0, 0.5]>}", GRAFT_DTYPE_INT32, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected int32, got 0.5 of type 'float' instead."));
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[1e20]>}", GRAFT_DTYPE_INT64, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected int64, got 1e+20 of type 'float' instead."));
  /* A tensor without elements takes no values, so nothing is too many. */
  EXPECT_TRUE (eval_ok ("constant", "{'value': <[1.0, 2, 3, 4, 5, 6, 7, 8]>}", GRAFT_DTYPE_FLOAT32, { 0, 3 })
                 .empty ());
  /* bool is outside the signature's dtypes: the registry's message. */
  {
    g_autoptr(GError) error = nullptr;

    EXPECT_EQ (evaluate ("constant", nullptr, GRAFT_DTYPE_BOOL, { 2 }, &error), nullptr);
    EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE))
      << graft_test::describe_error (error);
  }
}

/* constant into the new dtypes: integers hold their range exactly and
 * refuse what is outside it or fractional, with the int32 message;
 * float16 rounds the double to nearest even (NumPy's astype), bfloat16
 * rounds through float32 (TensorFlow's bfloat16 type), overflow is inf. */
TEST (Initializers, ConstantNewDTypes)
{
  EXPECT_EQ (eval_ok ("constant", "{'value': <[-128.0, 127, 5]>}", GRAFT_DTYPE_INT8, { 4 }),
             (std::vector<double> { -128, 127, 5, 5 }));
  EXPECT_EQ (eval_ok ("constant", "{'value': <[0.0, 255]>}", GRAFT_DTYPE_UINT8, { 2 }),
             (std::vector<double> { 0, 255 }));
  EXPECT_EQ (eval_ok ("constant", "{'value': <[-32768.0, 32767]>}", GRAFT_DTYPE_INT16, { 2 }),
             (std::vector<double> { -32768, 32767 }));
  EXPECT_EQ (eval_ok ("constant", "{'value': <[65535.0]>}", GRAFT_DTYPE_UINT16, { 2 }),
             (std::vector<double> { 65535, 65535 }));
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[128.0]>}", GRAFT_DTYPE_INT8, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected int8, got 128.0 of type 'float' instead."));
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[-1.0]>}", GRAFT_DTYPE_UINT8, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected uint8, got -1.0 of type 'float' instead."));
  EXPECT_TRUE (EvalFails ("constant", "{'value': <[0.5]>}", GRAFT_DTYPE_UINT16, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected uint16, got 0.5 of type 'float' instead."));

  /* 0.1 is 0x2e66 in float16; 65520 is past its largest value (65504). */
  EXPECT_EQ (eval_ok ("constant", "{'value': <[0.1, 65504, 65520, -2.5]>}", GRAFT_DTYPE_FLOAT16, { 4 }),
             (std::vector<double> { graft_half_to_float (0x2e66), 65504, INFINITY, -2.5 }));
  /* 1 + 2^-11 + 2^-40 is just above a float16 halfway point: the double
   * rounds up, where going through float32 first would land on the
   * halfway point and round to even, down to 1. */
  EXPECT_EQ (eval_ok ("constant", "{'value': <[1.00048828125000090949]>}", GRAFT_DTYPE_FLOAT16, { 1 }),
             (std::vector<double> { 1.0 + std::ldexp (1.0, -10) }));
  EXPECT_EQ (eval_ok ("constant", "{'value': <[0.1, 3.0e38, 1.0]>}", GRAFT_DTYPE_BFLOAT16, { 3 }),
             (std::vector<double> { graft_bfloat16_to_float (graft_float_to_bfloat16 (0.1f)),
                                    graft_bfloat16_to_float (graft_float_to_bfloat16 (3.0e38f)), 1.0 }));
}

/* The random initializers make float16 and bfloat16 from the float32
 * draw of the same seed pair, scaled in float32 and rounded once on store;
 * integers are still refused, as TensorFlow's _assert_float_dtype does. */
TEST (Initializers, RandomHalfFloatsAreTheFloat32DrawRounded)
{
  struct {
    const char *name, *attrs;
  } inits[] = {
    { "random_uniform", "{'minval': <-3.0>, 'maxval': <5.0>}" },
    { "random_normal", "{'mean': <1.0>, 'stddev': <2.0>}" },
    { "truncated_normal", nullptr },
    { "glorot_uniform", nullptr },
    { "glorot_normal", nullptr },
    { "he_uniform", nullptr },
    { "he_normal", nullptr },
    { "variance_scaling", "{'distribution': <'untruncated_normal'>}" },
    { "xavier", "{'uniform': <false>}" },
    { "uniform_unit_scaling", nullptr },
    { "orthogonal", nullptr },
    { "identity", "{'gain': <0.1>}" },
  };
  struct {
    GraftDType dtype;
    guint16 (*narrow) (float);
    float (*widen) (guint16);
  } halves[] = {
    { GRAFT_DTYPE_FLOAT16, graft_float_to_half, graft_half_to_float },
    { GRAFT_DTYPE_BFLOAT16, graft_float_to_bfloat16, graft_bfloat16_to_float },
  };

  for (auto &init : inits)
    {
      std::vector<double> f32 = eval_ok (init.name, init.attrs, GRAFT_DTYPE_FLOAT32, { 8, 5 });

      for (auto &h : halves)
        {
          std::vector<double> got = eval_ok (init.name, init.attrs, h.dtype, { 8, 5 });
          gsize differ = 0;

          ASSERT_EQ (got.size (), f32.size ()) << init.name;
          for (gsize i = 0; i < got.size (); i++)
            {
              double want = h.widen (h.narrow ((float) f32[i]));

              /* Orthogonal factorises in double and rounds once from
               * there, so it may differ from the rounded float32 by an
               * ulp of the 16-bit format; the others must match. */
              if (strcmp (init.name, "orthogonal") == 0)
                EXPECT_NEAR (got[i], want, std::fabs (want) * 0.01 + 1e-3) << init.name << " " << i;
              else if (got[i] != want)
                differ++;
            }
          EXPECT_EQ (differ, 0u) << init.name << " " << graft_dtype_get_name (h.dtype);
        }
      EXPECT_EQ (eval_ok (init.name, init.attrs, GRAFT_DTYPE_FLOAT16, { 0, 5 }).size (), 0u) << init.name;
    }

  EXPECT_TRUE (EvalFails ("random_normal", nullptr, GRAFT_DTYPE_INT8, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected floating point type, got <dtype: 'int8'>."));
  EXPECT_TRUE (EvalFails ("glorot_uniform", nullptr, GRAFT_DTYPE_UINT16, { 2, 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected floating point type, got <dtype: 'uint16'>."));
  EXPECT_TRUE (EvalFails ("random_uniform", "{'maxval': <3.0>}", GRAFT_DTYPE_UINT8, { 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Invalid dtype tf.uint8"));
  EXPECT_TRUE (EvalFails ("xavier", nullptr, GRAFT_DTYPE_INT16, { 2, 2 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Cannot create initializer for non-floating point type."));
}

/* random_uniform = RandomUniform · (max − min) + min in the dtype's
 * precision; the raw sample is the generator's uniform stream, so the
 * comparison is exact. */
TEST (Initializers, RandomUniformFormula)
{
  const gsize n = 1000;
  std::vector<double> u32 = raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, n);
  std::vector<double> u64 = raw (Raw::Uniform, GRAFT_DTYPE_FLOAT64, n);
  std::vector<double> a = eval_ok ("random_uniform", "{'minval': <-3.0>, 'maxval': <5.0>}", GRAFT_DTYPE_FLOAT32,
                                   { 10, 100 });
  std::vector<double> b = eval_ok ("random_uniform", "{'minval': <-3.0>, 'maxval': <5.0>}", GRAFT_DTYPE_FLOAT64,
                                   { 10, 100 });
  std::vector<double> c = eval_ok ("random_uniform", nullptr, GRAFT_DTYPE_FLOAT32, { 10, 100 });

  ASSERT_EQ (a.size (), n);
  ASSERT_EQ (b.size (), n);
  ASSERT_EQ (c.size (), n);
  for (gsize i = 0; i < n; i++)
    {
      EXPECT_EQ (a[i], (double) ((float) u32[i] * (5.0f - -3.0f) + -3.0f)) << i;
      EXPECT_EQ (b[i], u64[i] * 8.0 - 3.0) << i;
      /* maxval unset: 1. */
      EXPECT_EQ (c[i], u32[i]) << i;
    }
}

TEST (Initializers, RandomUniformStatistics)
{
  std::vector<double> v = eval_ok ("random_uniform", "{'minval': <-2.0>, 'maxval': <6.0>}", GRAFT_DTYPE_FLOAT64,
                                   { 400, 500 });

  for (double x : v)
    ASSERT_TRUE (x >= -2.0 && x < 6.0) << x;
  expect_moments (v, uniform_dist (-2.0, 6.0), "random_uniform [-2, 6)");
}

TEST (Initializers, RandomUniformIntegers)
{
  for (GraftDType dtype : { GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64 })
    {
      std::vector<double> v = eval_ok ("random_uniform", "{'minval': <-3>, 'maxval': <4>}", dtype, { 70000 });
      std::vector<gsize> counts (7, 0);
      GraftPhilox gen;
      std::vector<gint64> direct (v.size ());

      /* The initializer is RandomUniformInt itself: the generator's
       * integer stream, unchanged. */
      graft_philox_init (&gen, kSeed, kSeed2);
      graft_philox_fill_uniform_int (&gen, GRAFT_DTYPE_INT64, 0, -3, 4, direct.data (), direct.size ());
      for (gsize i = 0; i < v.size (); i++)
        {
          ASSERT_EQ (v[i], (double) direct[i]) << i;
          ASSERT_TRUE (v[i] >= -3 && v[i] < 4) << v[i];
          counts[(gsize) (v[i] + 3)]++;
        }
      /* binomial(70000, 1/7) counts, within 5 standard errors. */
      for (gsize c : counts)
        EXPECT_NEAR ((double) c, 10000.0, 5.0 * std::sqrt (70000.0 / 7.0 * 6.0 / 7.0));
    }
}

TEST (Initializers, RandomUniformErrors)
{
  EXPECT_TRUE (EvalFails ("random_uniform", nullptr, GRAFT_DTYPE_INT32, { 3 }, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                          "Must specify maxval for integer dtype tf.int32"));
  EXPECT_TRUE (EvalFails ("random_uniform", "{'minval': <2>}", GRAFT_DTYPE_INT64, { 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "Must specify maxval for integer dtype tf.int64"));
  EXPECT_TRUE (EvalFails ("random_uniform", "{'minval': <5>, 'maxval': <3>}", GRAFT_DTYPE_INT32, { 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "Need minval < maxval: 5 >= 3"));
  EXPECT_TRUE (EvalFails ("random_uniform", "{'minval': <0.5>, 'maxval': <3>}", GRAFT_DTYPE_INT32, { 3 },
                          GRAFT_GRAPH_ERROR_DTYPE, "Expected int32, got 0.5 of type 'float' instead."));
  EXPECT_TRUE (EvalFails ("random_uniform", "{'maxval': <1.0>}", GRAFT_DTYPE_BOOL, { 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Invalid dtype tf.bool"));
  /* Like RandomUniformInt, an empty tensor accepts impossible bounds. */
  EXPECT_TRUE (eval_ok ("random_uniform", "{'minval': <5>, 'maxval': <3>}", GRAFT_DTYPE_INT32, { 0 }).empty ());
}

TEST (Initializers, RandomNormal)
{
  const Dims dims = { 400, 500 };
  const gsize n = count (dims);

  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      std::vector<double> v = eval_ok ("random_normal", "{'mean': <2.0>, 'stddev': <3.0>}", dtype, dims);
      std::vector<double> z = raw (Raw::Normal, dtype, n);

      /* RandomStandardNormal · stddev + mean: exact in either precision
       * up to the last bit of the float32 product. */
      expect_affine (v, z, 3.0, 2.0, dtype == GRAFT_DTYPE_FLOAT32 ? 2 * FLT_EPSILON : 0.0, "random_normal");
      expect_moments (v, normal_dist (2.0, 3.0), "random_normal");
    }
  EXPECT_EQ (eval_ok ("random_normal", nullptr, GRAFT_DTYPE_FLOAT64, { 64 }), raw (Raw::Normal, GRAFT_DTYPE_FLOAT64, 64));
  EXPECT_TRUE (EvalFails ("random_normal", nullptr, GRAFT_DTYPE_INT32, { 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected floating point type, got <dtype: 'int32'>."));
}

TEST (Initializers, TruncatedNormal)
{
  const Dims dims = { 400, 500 };
  const gsize n = count (dims);

  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      std::vector<double> v = eval_ok ("truncated_normal", "{'mean': <-1.0>, 'stddev': <0.5>}", dtype, dims);
      std::vector<double> t = raw (Raw::Truncated, dtype, n);

      expect_affine (v, t, 0.5, -1.0, dtype == GRAFT_DTYPE_FLOAT32 ? 2 * FLT_EPSILON : 0.0, "truncated_normal");
      /* Within 2σ of the mean; float32 rounding may reach the bound. */
      EXPECT_LE (max_abs (v, -1.0), 1.0 * (1.0 + 4 * FLT_EPSILON));
      expect_moments (v, truncated_dist (-1.0, 0.5), "truncated_normal");
    }
  EXPECT_TRUE (EvalFails ("truncated_normal", nullptr, GRAFT_DTYPE_INT64, { 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected floating point type, got <dtype: 'int64'>."));
  EXPECT_TRUE (EvalFails ("truncated_normal", nullptr, GRAFT_DTYPE_BOOL, { 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected floating point type, got <dtype: 'bool'>."));
}

/* glorot_uniform's limits from the spec, for ranks 0 to 4: each element is
 * the raw uniform u mapped to u · 2L − L. The limits are given to 8
 * significant digits (relative precision 5e-8) and float32 rounds at 6e-8,
 * so the elements agree to 1e-6 of L. */
TEST (Initializers, GlorotUniformLimits)
{
  struct {
    Dims dims;
    double limit;
  } cases[] = {
    { { 2, 3 }, 1.0954451 },
    { { 5 }, 0.7745967 },
    { {}, 1.7320508 },
    { { 3, 3, 16, 32 }, 0.1178511 },
    { { 3, 4, 5 }, 0.4714045 },
  };

  for (const auto &c : cases)
    {
      std::vector<double> v = eval_ok ("glorot_uniform", nullptr, GRAFT_DTYPE_FLOAT32, c.dims);
      std::vector<double> u = raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, count (c.dims));

      expect_affine (v, u, 2 * c.limit, -c.limit, 1e-6, "glorot_uniform L=" + std::to_string (c.limit));
    }
}

TEST (Initializers, GlorotUniformStatistics)
{
  const double limit = std::sqrt (6.0 / 800.0);
  std::vector<double> v = eval_ok ("glorot_uniform", nullptr, GRAFT_DTYPE_FLOAT64, { 300, 500 });

  expect_uniform_limit (v, limit, "glorot_uniform [300, 500]");
  expect_moments (v, uniform_dist (-limit, limit), "glorot_uniform [300, 500]");
}

/* glorot_normal: a truncated normal with σ = sqrt(2 / (fan_in + fan_out))
 * / 0.8796…, so that its variance is 2 / (fan_in + fan_out). */
TEST (Initializers, GlorotNormal)
{
  struct {
    Dims dims;
    double fans;                /* fan_in + fan_out */
  } cases[] = {
    { { 2, 3 }, 5 },
    { { 3, 3, 16, 32 }, 432 },
    { {}, 2 },
    { { 7 }, 14 },
  };

  for (const auto &c : cases)
    {
      double sigma = std::sqrt (2.0 / c.fans) / kTruncatedStddev;

      expect_affine (eval_ok ("glorot_normal", nullptr, GRAFT_DTYPE_FLOAT64, c.dims),
                     raw (Raw::Truncated, GRAFT_DTYPE_FLOAT64, count (c.dims)), sigma, 0.0, 1e-12, "glorot_normal");
    }

  {
    std::vector<double> v = eval_ok ("glorot_normal", nullptr, GRAFT_DTYPE_FLOAT64, { 500, 300 });
    double sigma = std::sqrt (2.0 / 800.0) / kTruncatedStddev;
    Dist d = truncated_dist (0.0, sigma);

    EXPECT_LT (max_abs (v), 2.0 * sigma);
    /* The correction makes the variance 2 / (fan_in + fan_out) itself. */
    EXPECT_NEAR (d.var, 2.0 / 800.0, 1e-9);
    expect_moments (v, d, "glorot_normal [500, 300]");
  }
}

TEST (Initializers, HeUniformAndNormal)
{
  /* variance_scaling(2, fan_in): L = sqrt(6 / fan_in), σ = sqrt(2 / fan_in) / 0.8796…;
   * for [3, 3, 16, 32] fan_in = 3·3·16 = 144. */
  expect_affine (eval_ok ("he_uniform", nullptr, GRAFT_DTYPE_FLOAT32, { 3, 3, 16, 32 }),
                 raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, 4608), 2 * 0.2041241, -0.2041241, 1e-6, "he_uniform");
  expect_affine (eval_ok ("he_uniform", nullptr, GRAFT_DTYPE_FLOAT32, { 5 }),
                 raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, 5), 2 * 1.0954451, -1.0954451, 1e-6, "he_uniform [5]");
  expect_affine (eval_ok ("he_normal", nullptr, GRAFT_DTYPE_FLOAT64, { 64, 10 }),
                 raw (Raw::Truncated, GRAFT_DTYPE_FLOAT64, 640), std::sqrt (2.0 / 64.0) / kTruncatedStddev, 0.0,
                 1e-12, "he_normal");

  {
    std::vector<double> v = eval_ok ("he_uniform", nullptr, GRAFT_DTYPE_FLOAT64, { 200, 800 });
    double limit = std::sqrt (6.0 / 200.0);

    expect_uniform_limit (v, limit, "he_uniform [200, 800]");
    expect_moments (v, uniform_dist (-limit, limit), "he_uniform [200, 800]");
  }
}

/* variance_scaling: s = scale / max(1, n); each mode picks n, each
 * distribution its formula. [5, 10, 3, 4] has a receptive field of 50, so
 * fan_in = 150 and fan_out = 200. */
TEST (Initializers, VarianceScalingFormulas)
{
  const Dims dims = { 5, 10, 3, 4 };
  const gsize n = count (dims);
  struct {
    const char *attrs;
    Raw raw;
    double scale;               /* of the raw sample */
  } cases[] = {
    { "{'mode': <'fan_in'>, 'distribution': <'uniform'>}", Raw::Uniform, std::sqrt (3.0 / 150.0) },
    { "{'mode': <'fan_out'>, 'distribution': <'uniform'>}", Raw::Uniform, std::sqrt (3.0 / 200.0) },
    { "{'mode': <'fan_avg'>, 'distribution': <'uniform'>, 'scale': <3.0>}", Raw::Uniform,
      std::sqrt (9.0 / 175.0) },
    { "{'mode': <'fan_out'>, 'distribution': <'untruncated_normal'>, 'scale': <0.5>}", Raw::Normal,
      std::sqrt (0.5 / 200.0) },
    { nullptr, Raw::Truncated, std::sqrt (1.0 / 150.0) / kTruncatedStddev },
    { "{'distribution': <'truncated_normal'>, 'mode': <'fan_avg'>}", Raw::Truncated,
      std::sqrt (1.0 / 175.0) / kTruncatedStddev },
  };

  for (const auto &c : cases)
    {
      std::vector<double> v = eval_ok ("variance_scaling", c.attrs, GRAFT_DTYPE_FLOAT64, dims);
      std::vector<double> r = raw (c.raw, GRAFT_DTYPE_FLOAT64, n);

      if (c.raw == Raw::Uniform)
        expect_affine (v, r, 2 * c.scale, -c.scale, 1e-12, c.attrs);
      else
        expect_affine (v, r, c.scale, 0.0, 1e-12, c.attrs ? c.attrs : "defaults");
    }

  /* "normal" is truncated_normal's alias; distribution names ignore case. */
  EXPECT_EQ (eval_ok ("variance_scaling", "{'distribution': <'normal'>}", GRAFT_DTYPE_FLOAT32, { 8, 8 }),
             eval_ok ("variance_scaling", "{'distribution': <'truncated_normal'>}", GRAFT_DTYPE_FLOAT32, { 8, 8 }));
  EXPECT_EQ (eval_ok ("variance_scaling", "{'distribution': <'Uniform'>}", GRAFT_DTYPE_FLOAT32, { 8, 8 }),
             eval_ok ("variance_scaling", "{'distribution': <'uniform'>}", GRAFT_DTYPE_FLOAT32, { 8, 8 }));
  /* glorot_uniform is variance_scaling(1, fan_avg, uniform). */
  EXPECT_EQ (eval_ok ("variance_scaling", "{'mode': <'fan_avg'>, 'distribution': <'uniform'>}",
                      GRAFT_DTYPE_FLOAT32, { 3, 3, 16, 32 }),
             eval_ok ("glorot_uniform", nullptr, GRAFT_DTYPE_FLOAT32, { 3, 3, 16, 32 }));
}

/* The variance of each distribution is s itself, on 150000 draws. */
TEST (Initializers, VarianceScalingStatistics)
{
  const Dims dims = { 300, 500 };
  const double s = 2.0 / 400.0;     /* scale 2, fan_avg (300 + 500) / 2 */
  std::vector<double> u = eval_ok ("variance_scaling", "{'scale': <2.0>, 'mode': <'fan_avg'>, "
                                   "'distribution': <'uniform'>}", GRAFT_DTYPE_FLOAT64, dims);
  std::vector<double> n = eval_ok ("variance_scaling", "{'scale': <2.0>, 'mode': <'fan_avg'>, "
                                   "'distribution': <'untruncated_normal'>}", GRAFT_DTYPE_FLOAT64, dims);
  std::vector<double> t = eval_ok ("variance_scaling", "{'scale': <2.0>, 'mode': <'fan_avg'>}",
                                   GRAFT_DTYPE_FLOAT32, dims);
  double sigma = std::sqrt (s) / kTruncatedStddev;

  expect_uniform_limit (u, std::sqrt (3.0 * s), "uniform");
  expect_moments (u, uniform_dist (-std::sqrt (3.0 * s), std::sqrt (3.0 * s)), "uniform");
  expect_moments (n, normal_dist (0.0, std::sqrt (s)), "untruncated_normal");
  EXPECT_LE (max_abs (t), 2.0 * sigma * (1.0 + 4 * FLT_EPSILON));
  expect_moments (t, truncated_dist (0.0, sigma), "truncated_normal");
}

TEST (Initializers, VarianceScalingErrors)
{
  EXPECT_TRUE (EvalFails ("variance_scaling", "{'scale': <0.0>}", GRAFT_DTYPE_FLOAT32, { 3, 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "`scale` must be positive float."));
  EXPECT_TRUE (EvalFails ("variance_scaling", "{'scale': <-2.0>}", GRAFT_DTYPE_FLOAT32, { 3, 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "`scale` must be positive float."));
  EXPECT_TRUE (EvalFails ("variance_scaling", "{'mode': <'fan_sum'>}", GRAFT_DTYPE_FLOAT32, { 3, 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "Invalid `mode` argument: fan_sum"));
  /* The mode is case-sensitive, as in TensorFlow. */
  EXPECT_TRUE (EvalFails ("variance_scaling", "{'mode': <'FAN_IN'>}", GRAFT_DTYPE_FLOAT32, { 3, 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "Invalid `mode` argument: FAN_IN"));
  EXPECT_TRUE (EvalFails ("variance_scaling", "{'distribution': <'Gaussian'>}", GRAFT_DTYPE_FLOAT32, { 3, 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "Invalid `distribution` argument: gaussian"));
  EXPECT_TRUE (EvalFails ("variance_scaling", nullptr, GRAFT_DTYPE_INT32, { 3, 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Expected floating point type, got <dtype: 'int32'>."));
  /* __init__'s order: the scale before the dtype. */
  EXPECT_TRUE (EvalFails ("variance_scaling", "{'scale': <-1.0>}", GRAFT_DTYPE_INT32, { 3, 3 },
                          GRAFT_GRAPH_ERROR_INVALID_ATTR, "`scale` must be positive float."));
  for (const char *name : { "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "uniform_unit_scaling",
                            "orthogonal", "identity" })
    EXPECT_TRUE (EvalFails (name, nullptr, GRAFT_DTYPE_INT64, { 3, 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                            "Expected floating point type, got <dtype: 'int64'>."))
      << name;
}

/* contrib's xavier_initializer: fan_in = shape[-2] (shape[-1] for a
 * vector), fan_out = shape[-1], both times the leading dimensions; n the
 * average. Uniform: L = sqrt(3 / n). Otherwise a truncated normal with
 * σ = sqrt(1.3 / n), without the 0.8796 correction. */
TEST (Initializers, Xavier)
{
  struct {
    Dims dims;
    double n;
  } cases[] = {
    { { 2, 3 }, 2.5 },
    { { 5 }, 5 },
    { {}, 1 },
    { { 3, 3, 16, 32 }, 216 },
    { { 4, 6, 2 }, 16 },
  };

  for (const auto &c : cases)
    {
      double limit = std::sqrt (3.0 / c.n), sigma = std::sqrt (1.3 / c.n);

      expect_affine (eval_ok ("xavier", nullptr, GRAFT_DTYPE_FLOAT64, c.dims),
                     raw (Raw::Uniform, GRAFT_DTYPE_FLOAT64, count (c.dims)), 2 * limit, -limit, 1e-12, "xavier");
      expect_affine (eval_ok ("xavier", "{'uniform': <false>}", GRAFT_DTYPE_FLOAT64, c.dims),
                     raw (Raw::Truncated, GRAFT_DTYPE_FLOAT64, count (c.dims)), sigma, 0.0, 1e-12,
                     "xavier(uniform=False)");
    }

  /* The spec's limits: the uniform variant meets glorot_uniform's. */
  expect_affine (eval_ok ("xavier", nullptr, GRAFT_DTYPE_FLOAT32, { 3, 3, 16, 32 }),
                 raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, 4608), 2 * 0.1178511, -0.1178511, 1e-6, "xavier conv");

  /* Where the rules differ: the normal variant is glorot_normal scaled by
   * sqrt(1.3) · 0.8796… = 1.0029. */
  {
    std::vector<double> x = eval_ok ("xavier", "{'uniform': <false>}", GRAFT_DTYPE_FLOAT64, { 6, 10 });
    std::vector<double> g = eval_ok ("glorot_normal", nullptr, GRAFT_DTYPE_FLOAT64, { 6, 10 });

    expect_affine (x, g, std::sqrt (1.3) * kTruncatedStddev, 0.0, 1e-12, "xavier vs glorot_normal");
  }

  {
    std::vector<double> v = eval_ok ("xavier", "{'uniform': <false>}", GRAFT_DTYPE_FLOAT64, { 400, 400 });
    double sigma = std::sqrt (1.3 / 400.0);

    EXPECT_LT (max_abs (v), 2.0 * sigma);
    expect_moments (v, truncated_dist (0.0, sigma), "xavier(uniform=False) [400, 400]");
  }

  EXPECT_TRUE (EvalFails ("xavier", nullptr, GRAFT_DTYPE_INT32, { 3, 3 }, GRAFT_GRAPH_ERROR_DTYPE,
                          "Cannot create initializer for non-floating point type."));
}

/* uniform_unit_scaling: M = sqrt(3 / input_size) · factor, input_size the
 * product of all dimensions but the last, at least 1. */
TEST (Initializers, UniformUnitScaling)
{
  struct {
    const char *attrs;
    Dims dims;
    double limit;
  } cases[] = {
    { nullptr, { 2, 3 }, 1.2247449 },               /* sqrt(3 / 2) */
    { nullptr, { 3, 3, 16, 32 }, 0.1443376 },       /* sqrt(3 / 144) */
    { nullptr, { 5 }, 1.7320508 },                  /* input_size 1 */
    { nullptr, {}, 1.7320508 },
    { "{'factor': <1.43>}", { 2, 3 }, 1.7513852 },  /* 1.43 · sqrt(3 / 2) */
  };

  for (const auto &c : cases)
    expect_affine (eval_ok ("uniform_unit_scaling", c.attrs, GRAFT_DTYPE_FLOAT32, c.dims),
                   raw (Raw::Uniform, GRAFT_DTYPE_FLOAT32, count (c.dims)), 2 * c.limit, -c.limit, 1e-6,
                   "uniform_unit_scaling L=" + std::to_string (c.limit));

  {
    std::vector<double> v = eval_ok ("uniform_unit_scaling", nullptr, GRAFT_DTYPE_FLOAT64, { 300, 500 });
    double limit = std::sqrt (3.0 / 300.0);

    expect_uniform_limit (v, limit, "uniform_unit_scaling [300, 500]");
    expect_moments (v, uniform_dist (-limit, limit), "uniform_unit_scaling [300, 500]");
  }
}

namespace {

/* The orthogonal initializer's matrix W (rows × cols, gain removed) and
 * its normal sample A (max × min). Checks that Q (W, or Wᵀ when rows <
 * cols) has orthonormal columns and that R = QᵀA is upper triangular with
 * a positive diagonal: then A = QR is the QR factorization with TensorFlow's
 * sign correction, which is unique, so W is exactly TensorFlow's function
 * of the sample. The tolerance is relative to the size of A's entries
 * (|a| < 5.7) and the length of the dot products. */
void
expect_orthogonal (const std::vector<double> &w,
                   gsize                      rows,
                   gsize                      cols,
                   double                     gain,
                   const std::vector<double> &a,
                   double                     tol,
                   const std::string         &what)
{
  gsize m = std::max (rows, cols), n = std::min (rows, cols);
  auto q = [&] (gsize i, gsize j) { return (rows >= cols ? w[i * cols + j] : w[j * cols + i]) / gain; };

  ASSERT_EQ (w.size (), rows * cols) << what;
  for (gsize j = 0; j < n; j++)
    for (gsize l = 0; l < n; l++)
      {
        double dot = 0.0;

        for (gsize i = 0; i < m; i++)
          dot += q (i, j) * q (i, l);
        ASSERT_NEAR (dot, j == l ? 1.0 : 0.0, tol) << what << ": (QᵀQ)[" << j << "][" << l << "]";
      }
  for (gsize j = 0; j < n; j++)
    for (gsize l = 0; l <= j; l++)
      {
        double r = 0.0;

        for (gsize i = 0; i < m; i++)
          r += q (i, j) * a[i * n + l];
        if (l < j)
          ASSERT_NEAR (r, 0.0, 10 * tol * std::sqrt ((double) m)) << what << ": R[" << j << "][" << l << "]";
        else
          ASSERT_GT (r, 0.0) << what << ": R[" << j << "][" << j << "]";
      }
}

} // namespace

TEST (Initializers, Orthogonal)
{
  struct {
    Dims dims;
    gsize rows, cols;
    double gain;
    GraftDType dtype;
  } cases[] = {
    { { 6, 4 }, 6, 4, 1.0, GRAFT_DTYPE_FLOAT64 },
    { { 4, 6 }, 4, 6, 1.0, GRAFT_DTYPE_FLOAT64 },
    { { 5, 5 }, 5, 5, 1.0, GRAFT_DTYPE_FLOAT64 },
    { { 3, 3, 4, 5 }, 36, 5, 2.5, GRAFT_DTYPE_FLOAT64 },
    { { 2, 3, 40 }, 6, 40, 0.5, GRAFT_DTYPE_FLOAT64 },
    { { 30, 20 }, 30, 20, 2.0, GRAFT_DTYPE_FLOAT32 },
    { { 1, 7 }, 1, 7, 1.0, GRAFT_DTYPE_FLOAT32 },
  };

  for (const auto &c : cases)
    {
      g_autofree char *attrs = g_strdup_printf ("{'gain': <%.17g>}", c.gain);
      std::vector<double> w = eval_ok ("orthogonal", attrs, c.dtype, c.dims);
      std::vector<double> a = raw (Raw::Normal, c.dtype, c.rows * c.cols);
      /* Double precision: Householder QR is backward stable, errors of a
       * few ε·m. Float32: every entry is rounded once (6e-8 relative), so
       * a dot product of m entries is off by at most about 2m·6e-8. */
      double tol = c.dtype == GRAFT_DTYPE_FLOAT64 ? 1e-12 : 4.0 * std::max (c.rows, c.cols) * FLT_EPSILON;

      expect_orthogonal (w, c.rows, c.cols, c.gain, a, tol, std::string ("orthogonal ") + attrs);
    }

  EXPECT_TRUE (EvalFails ("orthogonal", nullptr, GRAFT_DTYPE_FLOAT32, { 5 }, GRAFT_GRAPH_ERROR_SHAPE,
                          "The tensor to initialize must be at least two-dimensional"));
  EXPECT_TRUE (EvalFails ("orthogonal", nullptr, GRAFT_DTYPE_FLOAT32, {}, GRAFT_GRAPH_ERROR_SHAPE,
                          "The tensor to initialize must be at least two-dimensional"));
  EXPECT_TRUE (eval_ok ("orthogonal", nullptr, GRAFT_DTYPE_FLOAT32, { 0, 3 }).empty ());
}

/* Gram matrix of a larger case: QᵀQ ≈ I · gain², with the gain in. */
TEST (Initializers, OrthogonalGram)
{
  const gsize rows = 120, cols = 50;
  const double gain = 1.7;
  std::vector<double> w = eval_ok ("orthogonal", "{'gain': <1.7>}", GRAFT_DTYPE_FLOAT64, { 4, 30, 50 });
  double worst = 0.0;

  ASSERT_EQ (w.size (), rows * cols);
  for (gsize j = 0; j < cols; j++)
    for (gsize l = 0; l < cols; l++)
      {
        double dot = 0.0;

        for (gsize i = 0; i < rows; i++)
          dot += w[i * cols + j] * w[i * cols + l];
        worst = std::max (worst, std::fabs (dot - (j == l ? gain * gain : 0.0)));
      }
  EXPECT_LT (worst, 1e-12);
}

TEST (Initializers, Identity)
{
  EXPECT_EQ (eval_ok ("identity", nullptr, GRAFT_DTYPE_FLOAT32, { 3, 3 }),
             (std::vector<double> { 1, 0, 0, 0, 1, 0, 0, 0, 1 }));
  EXPECT_EQ (eval_ok ("identity", "{'gain': <0.5>}", GRAFT_DTYPE_FLOAT64, { 2, 4 }),
             (std::vector<double> { 0.5, 0, 0, 0, 0, 0.5, 0, 0 }));
  EXPECT_EQ (eval_ok ("identity", "{'gain': <-2.0>}", GRAFT_DTYPE_FLOAT64, { 3, 2 }),
             (std::vector<double> { -2, 0, 0, -2, 0, 0 }));
  EXPECT_TRUE (EvalFails ("identity", nullptr, GRAFT_DTYPE_FLOAT32, { 3 }, GRAFT_GRAPH_ERROR_SHAPE,
                          "Identity matrix initializer can only be used for 2D matrices."));
  EXPECT_TRUE (EvalFails ("identity", nullptr, GRAFT_DTYPE_FLOAT32, { 2, 2, 2 }, GRAFT_GRAPH_ERROR_SHAPE,
                          "Identity matrix initializer can only be used for 2D matrices."));
}

namespace {

struct RandomCase
{
  const char *name;
  const char *attrs;
  GraftDType dtype;
};

const RandomCase kRandomCases[] = {
  { "random_uniform", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "random_uniform", "{'maxval': <100>}", GRAFT_DTYPE_INT64 },
  { "random_normal", nullptr, GRAFT_DTYPE_FLOAT64 },
  { "truncated_normal", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "variance_scaling", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "variance_scaling", "{'distribution': <'uniform'>}", GRAFT_DTYPE_FLOAT64 },
  { "variance_scaling", "{'distribution': <'untruncated_normal'>}", GRAFT_DTYPE_FLOAT32 },
  { "glorot_uniform", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "glorot_normal", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "he_uniform", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "he_normal", nullptr, GRAFT_DTYPE_FLOAT64 },
  { "xavier", nullptr, GRAFT_DTYPE_FLOAT32 },
  { "xavier", "{'uniform': <false>}", GRAFT_DTYPE_FLOAT32 },
  { "uniform_unit_scaling", nullptr, GRAFT_DTYPE_FLOAT64 },
  { "orthogonal", nullptr, GRAFT_DTYPE_FLOAT32 },
};

TensorPtr
eval_case (const RandomCase &c,
           gint64            seed,
           gint64            seed2)
{
  g_autoptr(GError) error = nullptr;
  TensorPtr t = evaluate (c.name, c.attrs, c.dtype, { 16, 12 }, &error, seed, seed2);

  EXPECT_NE (t, nullptr) << c.name << ": " << graft_test::describe_error (error);
  return t;
}

} // namespace

/* Same seed pair, same bits; another pair (either half), other values;
 * (0, 0), fresh values on every evaluation. */
TEST (Initializers, Determinism)
{
  for (const auto &c : kRandomCases)
    {
      std::string what = std::string (c.name) + (c.attrs ? c.attrs : "");
      TensorPtr a = eval_case (c, 1, 2), b = eval_case (c, 1, 2);
      TensorPtr other_seed2 = eval_case (c, 1, 3), other_seed = eval_case (c, 2, 2);
      TensorPtr r1 = eval_case (c, 0, 0), r2 = eval_case (c, 0, 0);

      EXPECT_TRUE (same_bytes (a.get (), b.get ())) << what;
      EXPECT_FALSE (same_bytes (a.get (), other_seed2.get ())) << what;
      EXPECT_FALSE (same_bytes (a.get (), other_seed.get ())) << what;
      EXPECT_FALSE (same_bytes (r1.get (), r2.get ())) << what;
      EXPECT_FALSE (same_bytes (a.get (), r1.get ())) << what;
    }
}

/* A variable made through get_variable() runs the initializer's shape
 * function when it is created: the default (glorot_uniform for floats,
 * zeros otherwise) and TensorFlow's errors, prefixed with the op. */
TEST (Initializers, ThroughGetVariable)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) matrix = graft_shape_new_matrix (3, 4);
  g_autoptr(GraftShape) vector = graft_shape_new_vector (5);
  g_autoptr(GError) error = nullptr;
  GraftVariable *w, *i;

  w = graft_graph_get_variable (graph, "w", matrix, GRAFT_DTYPE_FLOAT32, nullptr, &error);
  ASSERT_NE (w, nullptr) << graft_test::describe_error (error);
  EXPECT_STREQ (graft_output_get_op_type (graft_variable_get_initial_value (w)), "glorot_uniform");
  i = graft_graph_get_variable (graph, "i", matrix, GRAFT_DTYPE_INT32, nullptr, &error);
  ASSERT_NE (i, nullptr) << graft_test::describe_error (error);
  EXPECT_STREQ (graft_output_get_op_type (graft_variable_get_initial_value (i)), "zeros");

  {
    g_autoptr(GraftInitializer) init = graft_initializer_new ("orthogonal", nullptr);

    EXPECT_EQ (graft_graph_get_variable (graph, "o", vector, GRAFT_DTYPE_FLOAT32, init, &error), nullptr);
    ASSERT_NE (error, nullptr);
    /* TensorFlow's text first, Graft's context after it. */
    EXPECT_STREQ (error->message, "The tensor to initialize must be at least two-dimensional "
                                  "(orthogonal op 'o/Initializer/orthogonal')");
    g_clear_error (&error);
  }
  {
    g_autoptr(GraftInitializer) init = graft_initializer_new ("variance_scaling",
                                                              g_variant_new_parsed ("{'scale': <-1.0>}"));

    EXPECT_EQ (graft_graph_get_variable (graph, "v", matrix, GRAFT_DTYPE_FLOAT32, init, &error), nullptr);
    ASSERT_NE (error, nullptr);
    EXPECT_STREQ (error->message, "`scale` must be positive float. (variance_scaling op 'v/Initializer/variance_scaling')");
    g_clear_error (&error);
  }
  /* A failed initializer leaves no variable behind. */
  EXPECT_EQ (graft_graph_lookup_variable (graph, "v"), nullptr);
}

/* get_variable makes every new numeric dtype with zeros, ones and
 * constant, and float16/bfloat16 with a random initializer too; the
 * values come out of a session run of the initial values. */
TEST (Initializers, NewDTypesThroughGetVariable)
{
  const GraftDType dtypes[] = { GRAFT_DTYPE_INT8, GRAFT_DTYPE_UINT8, GRAFT_DTYPE_INT16, GRAFT_DTYPE_UINT16,
                                GRAFT_DTYPE_FLOAT16, GRAFT_DTYPE_BFLOAT16 };
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_vector (3);
  g_autoptr(GError) error = nullptr;
  std::vector<GraftOutput *> fetches;
  std::vector<std::vector<double>> want;

  for (GraftDType dtype : dtypes)
    {
      struct {
        const char *name;
        GraftInitializer *init;
        std::vector<double> values;
      } inits[] = {
        { "zeros", graft_initializer_new ("zeros", nullptr), { 0, 0, 0 } },
        { "ones", graft_initializer_new ("ones", nullptr), { 1, 1, 1 } },
        { "constant", graft_initializer_new ("constant", g_variant_new_parsed ("{'value': <[7.0, 3.0]>}")),
          { 7, 3, 3 } },
      };

      for (auto &i : inits)
        {
          std::string name = std::string (graft_dtype_get_name (dtype)) + "_" + i.name;
          GraftVariable *v = graft_graph_get_variable (graph, name.c_str (), shape, dtype, i.init, &error);

          g_object_unref (i.init);
          ASSERT_NE (v, nullptr) << name << ": " << graft_test::describe_error (error);
          fetches.push_back (graft_variable_get_initial_value (v));
          want.push_back (i.values);
        }
    }
  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT16, GRAFT_DTYPE_BFLOAT16 })
    {
      g_autoptr(GraftInitializer) init = graft_initializer_new ("random_uniform",
                                                                g_variant_new_parsed ("{'minval': <2.0>, 'maxval': <3.0>}"));
      std::string name = std::string (graft_dtype_get_name (dtype)) + "_random";
      GraftVariable *v = graft_graph_get_variable (graph, name.c_str (), shape, dtype, init, &error);

      ASSERT_NE (v, nullptr) << name << ": " << graft_test::describe_error (error);
      fetches.push_back (graft_variable_get_initial_value (v));
      want.push_back ({});
    }

  g_autoptr(GraftSession) session = graft_session_new (graph);
  guint n = 0;
  GraftTensor **results = graft_session_run (session, nullptr, nullptr, 0, fetches.data (), fetches.size (), nullptr,
                                             0, nullptr, &n, &error);
  ASSERT_NE (results, nullptr) << graft_test::describe_error (error);
  ASSERT_EQ (n, fetches.size ());
  for (guint i = 0; i < n; i++)
    {
      std::vector<double> got = values_of (results[i]);

      EXPECT_EQ (graft_tensor_get_dtype (results[i]), graft_output_get_dtype (fetches[i])) << i;
      if (!want[i].empty ())
        EXPECT_EQ (got, want[i]) << i;
      else
        for (double x : got)
          {
            /* U[2, 3) rounded: 3 itself is the nearest 16-bit value of the
             * largest draws. */
            EXPECT_GE (x, 2.0) << i;
            EXPECT_LE (x, 3.0) << i;
          }
      graft_tensor_unref (results[i]);
    }
  g_free (results);
}

/* ======================================================================
 * Random ops
 * ====================================================================== */

TEST (RandomOps, Definitions)
{
  for (const char *type : { "RandomUniform", "RandomStandardNormal", "TruncatedNormal", "RandomUniformInt" })
    {
      const GraftOpDef *def = _graft_registry_lookup (GRAFT_OP_KIND_OP, type);

      ASSERT_NE (def, nullptr) << type;
      EXPECT_STREQ (def->plugin_name, "random") << type;
      EXPECT_TRUE (def->flags & GRAFT_OP_FLAGS_RANDOM) << type;
      EXPECT_GE (_graft_op_def_find_attr (def, "_seed"), 0) << type;
      EXPECT_GE (_graft_op_def_find_attr (def, "_seed2"), 0) << type;
      EXPECT_NE (def->kernel, nullptr) << type;
    }
}

/* Each op is the generator's stream for its seed pair, bit for bit, and
 * the initializers with default attributes are the same ops. */
TEST (RandomOps, KernelsDrawTheSeedPairsStream)
{
  const Dims dims = { 37, 11 };
  const gsize n = count (dims);

  for (GraftDType dtype : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      struct {
        const char *op;
        Raw raw;
        const char *initializer;
      } cases[] = {
        { "RandomUniform", Raw::Uniform, "random_uniform" },
        { "RandomStandardNormal", Raw::Normal, "random_normal" },
        { "TruncatedNormal", Raw::Truncated, "truncated_normal" },
      };

      for (const auto &c : cases)
        {
          g_autoptr(GError) error = nullptr;
          OpArgs args;
          TensorPtr t;

          args.dims = dims;
          args.dtype = dtype;
          args.seed = 31;
          args.seed2 = 41;
          t = run_op (c.op, args, &error);
          ASSERT_NE (t, nullptr) << c.op << ": " << graft_test::describe_error (error);
          EXPECT_EQ (graft_tensor_get_dtype (t.get ()), dtype);
          EXPECT_EQ (values_of (t.get ()), raw (c.raw, dtype, n, 31, 41)) << c.op;
          EXPECT_EQ (values_of (t.get ()), eval_ok (c.initializer, nullptr, dtype, dims, 31, 41)) << c.op;
        }
    }
}

TEST (RandomOps, UniformInt)
{
  for (GraftDType dtype : { GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64 })
    {
      g_autoptr(GError) error = nullptr;
      OpArgs args;
      TensorPtr t;
      std::vector<gint64> direct (1000);
      GraftPhilox gen;

      args.dims = { 10, 100 };
      args.dtype = dtype;
      args.minval = -20;
      args.maxval = 30;
      t = run_op ("RandomUniformInt", args, &error);
      ASSERT_NE (t, nullptr) << graft_test::describe_error (error);
      graft_philox_init (&gen, kSeed, kSeed2);
      graft_philox_fill_uniform_int (&gen, GRAFT_DTYPE_INT64, 0, -20, 30, direct.data (), direct.size ());
      EXPECT_EQ (values_of (t.get ()), std::vector<double> (direct.begin (), direct.end ()));
      EXPECT_EQ (values_of (t.get ()),
                 eval_ok ("random_uniform", "{'minval': <-20>, 'maxval': <30>}", dtype, { 10, 100 }));
    }
}

TEST (RandomOps, Errors)
{
  g_autoptr(GError) error = nullptr;
  OpArgs args;

  args.dims = { GRAFT_DIM_UNKNOWN, 3 };
  EXPECT_EQ (run_op ("RandomUniform", args, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE,
                        "the shape of a random tensor must be fully defined, but is (?, 3)"));
  g_clear_error (&error);

  args.dims = { 4 };
  args.dtype = GRAFT_DTYPE_INT32;
  args.minval = 5;
  args.maxval = 3;
  EXPECT_EQ (run_op ("RandomUniformInt", args, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR, "Need minval < maxval: 5 >= 3"));
  g_clear_error (&error);

  args.minval = 0;
  args.maxval = G_GINT64_CONSTANT (1) << 40;
  EXPECT_EQ (run_op ("RandomUniformInt", args, &error), nullptr);
  EXPECT_TRUE (ErrorIs (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                        "minval 0 or maxval 1099511627776 does not fit in int32"));
  g_clear_error (&error);

  /* TensorFlow's "zero impossible things are fine". */
  args.dims = { 0, 2 };
  args.minval = 5;
  args.maxval = 3;
  {
    TensorPtr t = run_op ("RandomUniformInt", args, &error);

    ASSERT_NE (t, nullptr) << graft_test::describe_error (error);
    EXPECT_EQ (graft_tensor_get_num_elements (t.get ()), 0u);
  }
}

/* Without a seed pair, or with (0, 0), every run draws anew. */
TEST (RandomOps, Unseeded)
{
  g_autoptr(GError) error = nullptr;
  OpArgs args;

  args.dims = { 64 };
  args.seed = args.seed2 = 0;
  {
    TensorPtr a = run_op ("RandomStandardNormal", args, &error);
    TensorPtr b = run_op ("RandomStandardNormal", args, &error);

    ASSERT_NE (a, nullptr);
    ASSERT_NE (b, nullptr);
    EXPECT_FALSE (same_bytes (a.get (), b.get ()));
  }
  args.has_seeds = FALSE;
  args.seed = 1;
  {
    TensorPtr a = run_op ("RandomUniform", args, &error);
    TensorPtr b = run_op ("RandomUniform", args, &error);

    ASSERT_NE (a, nullptr);
    ASSERT_NE (b, nullptr);
    EXPECT_FALSE (same_bytes (a.get (), b.get ()));
  }
}

/* Built in a graph: the shape comes from the attribute, the dtype
 * constraint is the registry's. */
TEST (RandomOps, InAGraph)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftShape) shape = graft_shape_new_matrix (2, 5);
  g_autoptr(GError) error = nullptr;
  GraftOutput *out;

  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "TruncatedNormal", nullptr);

    graft_op_builder_set_attr_shape (b, "shape", shape);
    graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_FLOAT64);
    out = graft_op_builder_finish (b, &error);
    ASSERT_NE (out, nullptr) << graft_test::describe_error (error);
    g_autoptr(GraftShape) got = graft_output_get_shape (out);
    EXPECT_TRUE (graft_shape_equal (got, shape));
    EXPECT_EQ (graft_output_get_dtype (out), GRAFT_DTYPE_FLOAT64);
  }
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "RandomUniform", nullptr);

    graft_op_builder_set_attr_shape (b, "shape", shape);
    graft_op_builder_set_attr_type (b, "dtype", GRAFT_DTYPE_INT32);
    EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr);
    EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE))
      << graft_test::describe_error (error);
  }
}
