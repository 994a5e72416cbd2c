/* test-ops.cc: every op, alone, against a reference, through one harness.
 *
 * A case names an op by its type, its inputs (typed values and shapes),
 * its attributes, and the expected output, computed here by a reference
 * written in double precision with plain loops, independent of the
 * kernels. The harness builds a one-op graph with GraftOpBuilder four
 * times: inputs as Consts (the static-shape path), and as Placeholders
 * fed at run time whose shape is full, has unknown dimensions, or has
 * unknown rank (shapes inferred at run time). It checks the dtype and the
 * shape inferred at build time, runs the graph in a GraftSession and
 * compares the result with a tolerance per dtype (see tolerance()).
 *
 * Error cases build ops that must be refused when built (GRAFT_GRAPH_ERROR,
 * the message naming the op's type and path and showing the shapes or
 * dtypes), or that fail at run time because a partial shape hid the
 * mistake until then.
 *
 * The last tests walk the registry: an op with no value case or no error
 * case fails them, and so does a dtype listed for an op's first input
 * without a value case of that dtype.
 *
 * The MatMul cases run once per GEMM: this suite runs with the library
 * MatMul picks by shape, and meson runs it again, filtered to *MatMul*,
 * with GRAFT_MATMUL set to each library the build found (blas, blis,
 * dnnl) and to portable, generic and (x86-64) avx2: the portable GEMM in
 * its widest, baseline and AVX2 variants.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test-util.h"

using graft_test::describe_error;

namespace {

/* ---- values ---- */

using Dims = std::vector<gint64>;

gsize
count (const Dims &dims)
{
  gsize n = 1;

  for (gint64 d : dims)
    n *= (gsize) d;
  return n;
}

/* A tensor of the harness: every value is held as a double. Integer cases
 * stay below 2^53 in magnitude, so the doubles are exact. */
struct Value {
  GraftDType dtype = GRAFT_DTYPE_FLOAT32;
  Dims dims;
  std::vector<double> v;
};

const char *
tag (GraftDType dtype)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_FLOAT32: return "f32";
    case GRAFT_DTYPE_FLOAT64: return "f64";
    case GRAFT_DTYPE_INT32: return "i32";
    case GRAFT_DTYPE_INT64: return "i64";
    case GRAFT_DTYPE_BOOL: return "bool";
    case GRAFT_DTYPE_FLOAT16: return "f16";
    case GRAFT_DTYPE_BFLOAT16: return "bf16";
    case GRAFT_DTYPE_INT8: return "i8";
    case GRAFT_DTYPE_UINT8: return "u8";
    case GRAFT_DTYPE_INT16: return "i16";
    case GRAFT_DTYPE_UINT16: return "u16";
    case GRAFT_DTYPE_COMPLEX64: return "c64";
    case GRAFT_DTYPE_COMPLEX128: return "c128";
    default: return "other";
    }
}

std::string
tag (const Dims &dims)
{
  std::string s;

  if (dims.empty ())
    return "scalar";
  for (gsize i = 0; i < dims.size (); i++)
    s += (i ? "x" : "") + std::to_string (dims[i]);
  return s;
}

bool
is_float (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_FLOAT64 || dtype == GRAFT_DTYPE_FLOAT16 ||
         dtype == GRAFT_DTYPE_BFLOAT16 || dtype == GRAFT_DTYPE_COMPLEX64 || dtype == GRAFT_DTYPE_COMPLEX128;
}

bool
is_half (GraftDType dtype)
{
  return dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16;
}

/* `x` rounded to a 16-bit float and back, as the kernels store it. */
double
round_to (GraftDType dtype, double x)
{
  if (dtype == GRAFT_DTYPE_FLOAT16)
    return graft_half_to_float (graft_float_to_half ((float) x));
  if (dtype == GRAFT_DTYPE_BFLOAT16)
    return graft_bfloat16_to_float (graft_float_to_bfloat16 ((float) x));
  return x;
}

/* The range of an integer dtype. */
std::pair<double, double>
int_range (GraftDType dtype)
{
  switch (dtype)
    {
    case GRAFT_DTYPE_INT8: return { G_MININT8, G_MAXINT8 };
    case GRAFT_DTYPE_UINT8: return { 0, G_MAXUINT8 };
    case GRAFT_DTYPE_INT16: return { G_MININT16, G_MAXINT16 };
    case GRAFT_DTYPE_UINT16: return { 0, G_MAXUINT16 };
    case GRAFT_DTYPE_INT32: return { G_MININT32, G_MAXINT32 };
    default: return { -9223372036854775808.0, 9223372036854775808.0 };
    }
}

/* An integer wrapped into `dtype` the way two's complement does (only
 * for the 8-, 16- and 32-bit types; int64 cases stay in range). */
double
wrap_to (GraftDType dtype, double v)
{
  auto r = int_range (dtype);
  double m;

  if (dtype == GRAFT_DTYPE_INT64 || is_float (dtype) || dtype == GRAFT_DTYPE_BOOL)
    return v;
  m = r.second - r.first + 1;
  v = std::fmod (v - r.first, m);
  if (v < 0)
    v += m;
  return v + r.first;
}

/* splitmix64: deterministic inputs, the same on every machine. */
class Rng {
public:
  explicit Rng (guint64 seed) : state_ (seed) {}

  double
  uniform ()
  {
    guint64 z = (state_ += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
    return (double) ((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
  }

private:
  guint64 state_;
};

guint64 next_seed = 1;

/* Inputs drawn from [lo, hi): floats with full mantissas (rounded to
 * float32 for float32, so the reference sees exactly the kernel's input),
 * integers as round(4x), bools half and half. */
Value
random (GraftDType dtype,
        Dims       dims,
        double     lo = -2,
        double     hi = 2)
{
  Rng rng (next_seed++);
  Value r { dtype, dims, {} };

  for (gsize i = 0; i < count (dims); i++)
    {
      double x = lo + (hi - lo) * rng.uniform ();

      switch (dtype)
        {
        case GRAFT_DTYPE_FLOAT32: x = (double) (float) x; break;
        case GRAFT_DTYPE_FLOAT64: break;
        case GRAFT_DTYPE_FLOAT16:
        case GRAFT_DTYPE_BFLOAT16: x = round_to (dtype, x); break;
        case GRAFT_DTYPE_COMPLEX64: x = (double) (float) x; break;
        case GRAFT_DTYPE_COMPLEX128: break;
        case GRAFT_DTYPE_BOOL: x = x < (lo + hi) / 2 ? 0 : 1; break;
        /* Unsigned: the same spread, shifted to start at 0. */
        case GRAFT_DTYPE_UINT8:
        case GRAFT_DTYPE_UINT16: x = wrap_to (dtype, std::round (4 * (x - lo))); break;
        default: x = wrap_to (dtype, std::round (4 * x)); break;
        }
      r.v.push_back (x);
    }
  return r;
}

Value
value (GraftDType dtype, Dims dims, std::vector<double> v)
{
  return Value { dtype, dims, v };
}

GraftTensor *
to_tensor (const Value &val)
{
  g_autoptr(GraftShape) shape = graft_shape_new (val.dims.data (), val.dims.size ());
  GError *error = nullptr;
  GraftTensor *t = nullptr;
  gsize n = val.v.size ();

  switch (val.dtype)
    {
    case GRAFT_DTYPE_FLOAT32:
      {
        std::vector<float> x (val.v.begin (), val.v.end ());
        t = graft_tensor_new_from_floats (x.data (), n, shape, &error);
      }
      break;
    case GRAFT_DTYPE_FLOAT64:
      t = graft_tensor_new_from_doubles (val.v.data (), n, shape, &error);
      break;
    case GRAFT_DTYPE_INT32:
      {
        std::vector<gint32> x (val.v.begin (), val.v.end ());
        t = graft_tensor_new_from_int32s (x.data (), n, shape, &error);
      }
      break;
    case GRAFT_DTYPE_INT64:
      {
        std::vector<gint64> x (val.v.begin (), val.v.end ());
        t = graft_tensor_new_from_int64s (x.data (), n, shape, &error);
      }
      break;
    case GRAFT_DTYPE_BOOL:
      {
        std::vector<gboolean> x (val.v.begin (), val.v.end ());
        t = graft_tensor_new_from_bools (x.data (), n, shape, &error);
      }
      break;
    default:
      {
        /* The other dtypes: packed here, element by element, with the
         * library's own 16-bit float rounding (tested on its own). */
        gsize size = graft_dtype_get_size (val.dtype);
        std::vector<guint8> bytes (n * size + 1);

        for (gsize i = 0; i < n; i++)
          {
            guint8 *p = bytes.data () + i * size;
            double v = val.v[i];

            switch (val.dtype)
              {
              case GRAFT_DTYPE_FLOAT16: { guint16 h = graft_float_to_half ((float) v); memcpy (p, &h, 2); } break;
              case GRAFT_DTYPE_BFLOAT16: { guint16 h = graft_float_to_bfloat16 ((float) v); memcpy (p, &h, 2); } break;
              case GRAFT_DTYPE_INT8: { gint8 h = (gint8) v; memcpy (p, &h, 1); } break;
              case GRAFT_DTYPE_UINT8: { guint8 h = (guint8) v; memcpy (p, &h, 1); } break;
              case GRAFT_DTYPE_INT16: { gint16 h = (gint16) v; memcpy (p, &h, 2); } break;
              case GRAFT_DTYPE_UINT16: { guint16 h = (guint16) v; memcpy (p, &h, 2); } break;
              case GRAFT_DTYPE_COMPLEX64: { float c[2] = { (float) v, 0 }; memcpy (p, c, 8); } break;
              case GRAFT_DTYPE_COMPLEX128: { double c[2] = { v, 0 }; memcpy (p, c, 16); } break;
              default: break;
              }
          }
        t = graft_tensor_new_from_data (val.dtype, shape, bytes.data (), n * size, &error);
      }
      break;
    }
  EXPECT_NE (t, nullptr) << describe_error (error);
  g_clear_error (&error);
  return t;
}

/* ---- cases ---- */

using Attrs = std::function<void (GraftOpBuilder *)>;

/* What a case expects: the value, and for floats what its rounding error
 * scales with (see tolerance()). */
struct Expected {
  Value value;
  std::vector<double> scale;  /* per element; empty: |value| */
  double length = 1;          /* rounded operations behind each element */
};

struct Case {
  std::string label;
  std::string op;
  std::vector<Value> inputs;
  Attrs attrs;
  Expected expected;
  /* The output's shape depends on the inputs' values, so only Consts
   * give it exactly when the op is built (BroadcastGradientArgs). */
  bool value_shaped = false;
  /* Outputs after output 0, when the op has several. */
  std::vector<Expected> more = {};
  guint threads = 1;  /* the session's thread count */
};

void
PrintTo (const Case &c, std::ostream *os)
{
  *os << c.label;
}

/* Tolerances. Integers and bools must match exactly. A float result may
 * differ from the double-precision reference only by the rounding of its
 * own computation: a few units of roundoff u (2^-24 for float32, 2^-53 for
 * float64) per rounded operation, relative to the magnitude the error
 * scales with. A case gives both: `length`, the rounded operations behind
 * an element (1 elementwise; the reduction length n for sums, means,
 * softmax and matmul), and `scale`, |result| elementwise but Σ|terms| for
 * sums and products, since a sum's error is bounded by n·u·Σ|xᵢ|, not by
 * its result, which may cancel. 16 u per operation leaves room for libm
 * (within 2 ulp for these functions), for float32 products accumulated in
 * float32 by BLAS and in any order or with FMA by the portable GEMM, and
 * for the reference's own rounding; a wrong, missing or misplaced element
 * is off by O(1) and fails by orders of magnitude.
 *
 * float16 and bfloat16 compute in float32 and round once on store, so
 * their error is that one rounding: 2 u of their own (2^-11 and 2^-8),
 * about 1e-3 and 1e-2 relative; below float16's normal range its spacing
 * is a fixed 2^-24, so that much absolute error is allowed too. */
double
tolerance (GraftDType dtype,
           double     scale,
           double     length)
{
  double u;

  if (!is_float (dtype))
    return 0;
  if (is_half (dtype))
    return 2 * std::ldexp (1.0, dtype == GRAFT_DTYPE_FLOAT16 ? -11 : -8) * length * scale +
           (dtype == GRAFT_DTYPE_FLOAT16 ? std::ldexp (1.0, -24) : 0);
  u = dtype == GRAFT_DTYPE_FLOAT32 || dtype == GRAFT_DTYPE_COMPLEX64 ? std::ldexp (1.0, -24) : std::ldexp (1.0, -53);
  return 16 * u * length * scale;
}

::testing::AssertionResult
matches (const Expected &e,
         GraftTensor    *got)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (got, &rank);
  gsize n = 0;
  g_autofree double *v = graft_tensor_dup_doubles (got, &n);

  if (graft_tensor_get_dtype (got) != e.value.dtype)
    return ::testing::AssertionFailure () << "dtype " << graft_dtype_get_name (graft_tensor_get_dtype (got))
                                          << ", expected " << graft_dtype_get_name (e.value.dtype);
  if (Dims (dims, dims + rank) != e.value.dims)
    {
      g_autofree char *s = graft_shape_to_string (graft_tensor_get_shape (got));
      return ::testing::AssertionFailure () << "shape " << s << ", expected " << tag (e.value.dims);
    }
  for (gsize i = 0; i < n; i++)
    {
      double want = e.value.v[i];
      double scale = e.scale.empty () ? std::fabs (want) : e.scale[i];
      double tol = tolerance (e.value.dtype, scale, e.length);
      bool ok;

      if (std::isnan (want))
        ok = std::isnan (v[i]);
      else if (std::isinf (want))
        ok = v[i] == want;
      else
        ok = std::fabs (v[i] - want) <= tol;
      if (!ok)
        return ::testing::AssertionFailure () << "element " << i << " is " << std::setprecision (17) << v[i]
                                              << ", expected " << want << " (tolerance " << tol << ")";
    }
  return ::testing::AssertionSuccess ();
}

enum class Feed { CONST, FULL, UNKNOWN_DIMS, UNKNOWN_RANK };

const char *
feed_name (Feed feed)
{
  switch (feed)
    {
    case Feed::CONST: return "inputs as Consts";
    case Feed::FULL: return "inputs fed, shapes known";
    case Feed::UNKNOWN_DIMS: return "inputs fed, dimensions unknown";
    case Feed::UNKNOWN_RANK: return "inputs fed, ranks unknown";
    }
  return "?";
}

/* A Const holding `val`, or a Placeholder of its dtype and of its shape
 * as much as `feed` reveals. */
GraftOutput *
make_input (GraftGraph  *graph,
            const Value &val,
            Feed         feed,
            GError     **error)
{
  if (feed == Feed::CONST)
    {
      g_autoptr(GraftTensor) t = to_tensor (val);
      g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Const", nullptr);

      graft_op_builder_set_attr_tensor (b, "value", t);
      graft_op_builder_set_attr_type (b, "dtype", val.dtype);
      return graft_op_builder_finish (b, error);
    }

  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", nullptr);
  graft_op_builder_set_attr_type (b, "dtype", val.dtype);
  if (feed != Feed::UNKNOWN_RANK)
    {
      Dims dims = val.dims;

      if (feed == Feed::UNKNOWN_DIMS)
        for (gint64 &d : dims)
          d = -1;
      g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), dims.size ());
      graft_op_builder_set_attr_shape (b, "shape", shape);
    }
  return graft_op_builder_finish (b, error);
}

::testing::AssertionResult
run_case (const Case &c,
          Feed        feed)
{
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, c.op.c_str (), nullptr);
  g_autoptr(GError) error = nullptr;
  std::vector<GraftOutput *> feeds;
  std::vector<GraftTensor *> values;
  GraftOutput *out;
  guint n_results = 0;
  GraftTensor **results;
  ::testing::AssertionResult result = ::testing::AssertionSuccess ();

  for (const Value &val : c.inputs)
    {
      GraftOutput *in = make_input (graph, val, feed, &error);

      if (in == nullptr)
        return ::testing::AssertionFailure () << "making an input: " << describe_error (error);
      graft_op_builder_add_input (b, in);
      if (feed != Feed::CONST)
        {
          feeds.push_back (in);
          values.push_back (to_tensor (val));
        }
    }
  if (c.attrs)
    c.attrs (b);
  out = graft_op_builder_finish (b, &error);
  if (out == nullptr)
    result = ::testing::AssertionFailure () << "building: " << describe_error (error);
  else
    {
      g_autoptr(GraftShape) inferred = graft_output_get_shape (out);
      g_autoptr(GraftShape) want = graft_shape_new (c.expected.value.dims.data (), c.expected.value.dims.size ());
      g_autofree char *s = graft_shape_to_string (inferred);
      bool exact = feed == Feed::CONST || (feed == Feed::FULL && !c.value_shaped);

      /* Static shapes are inferred exactly; partial ones must at least
       * admit the result. */
      if (graft_output_get_dtype (out) != c.expected.value.dtype)
        result = ::testing::AssertionFailure () << "built with dtype "
                                                << graft_dtype_get_name (graft_output_get_dtype (out));
      else if (exact ? !graft_shape_equal (inferred, want) : !graft_shape_is_compatible_with (inferred, want))
        result = ::testing::AssertionFailure () << "inferred shape " << s << ", expected " << tag (c.expected.value.dims);
      else
        {
          g_autoptr(GraftSession) session = graft_session_new (graph);
          std::vector<GraftOutput *> fetches { out };

          for (gsize i = 0; i < c.more.size (); i++)
            fetches.push_back (graft_output_get_sibling (out, i + 1));
          graft_session_set_num_threads (session, c.threads);
          results = graft_session_run (session, feeds.data (), values.data (), feeds.size (), fetches.data (),
                                       fetches.size (), nullptr, 0, nullptr, &n_results, &error);
          if (results == nullptr)
            result = ::testing::AssertionFailure () << "running: " << describe_error (error);
          else
            {
              result = matches (c.expected, results[0]);
              for (gsize i = 0; i < c.more.size () && result; i++)
                {
                  result = matches (c.more[i], results[i + 1]);
                  if (!result)
                    result << " (output " << i + 1 << ")";
                }
              for (guint i = 0; i < n_results; i++)
                graft_tensor_unref (results[i]);
              g_free (results);
            }
        }
    }
  for (GraftTensor *t : values)
    graft_tensor_unref (t);
  return result;
}

/* ---- references ---- */

/* Expected values of an elementwise function. */
Expected
map (const Value                  &x,
     GraftDType                     dtype,
     std::function<double (double)> f)
{
  Expected e { { dtype, x.dims, {} }, {}, 1 };

  for (double v : x.v)
    e.value.v.push_back (f (v));
  return e;
}

/* NumPy broadcasting, right-aligned. */
Dims
broadcast_dims (const Dims &a,
                const Dims &b)
{
  gsize rank = std::max (a.size (), b.size ());
  Dims out (rank);

  for (gsize i = 0; i < rank; i++)
    {
      gint64 x = i + a.size () >= rank ? a[i + a.size () - rank] : 1;
      gint64 y = i + b.size () >= rank ? b[i + b.size () - rank] : 1;
      out[i] = x == 1 ? y : x;
    }
  return out;
}

/* The index into `dims` (right-aligned in `out`) of output position `idx`. */
gsize
broadcast_index (const Dims &dims,
                 const Dims &out,
                 const Dims &idx)
{
  gsize flat = 0;

  for (gsize i = 0; i < dims.size (); i++)
    {
      gint64 o = idx[i + out.size () - dims.size ()];
      flat = flat * dims[i] + (dims[i] == 1 ? 0 : o);
    }
  return flat;
}

/* Advances a row-major index over `dims`. */
void
next_index (Dims       &idx,
            const Dims &dims)
{
  for (gsize a = dims.size (); a-- > 0;)
    {
      if (++idx[a] < dims[a])
        return;
      idx[a] = 0;
    }
}

Expected
binary (const Value                           &x,
        const Value                           &y,
        std::function<double (double, double)> f)
{
  Dims out = broadcast_dims (x.dims, y.dims);
  Dims idx (out.size (), 0);
  Expected e { { x.dtype, out, {} }, {}, 1 };

  for (gsize i = 0; i < count (out); i++, next_index (idx, out))
    e.value.v.push_back (f (x.v[broadcast_index (x.dims, out, idx)], y.v[broadcast_index (y.dims, out, idx)]));
  return e;
}

Expected
softmax (const Value &x)
{
  gsize cols = x.dims.back (), rows = count (x.dims) / std::max<gsize> (cols, 1);
  Expected e { { x.dtype, x.dims, std::vector<double> (x.v.size ()) }, {}, (double) cols + 4 };

  for (gsize r = 0; r < rows; r++)
    {
      double max = -INFINITY, sum = 0;

      for (gsize c = 0; c < cols; c++)
        max = std::max (max, x.v[r * cols + c]);
      for (gsize c = 0; c < cols; c++)
        sum += std::exp (x.v[r * cols + c] - max);
      for (gsize c = 0; c < cols; c++)
        e.value.v[r * cols + c] = std::exp (x.v[r * cols + c] - max) / sum;
    }
  return e;
}

Expected
transpose (const Value &x,
           Dims         perm)
{
  gsize rank = x.dims.size ();
  Dims out (rank), idx (rank, 0), strides (rank, 1);
  Expected e;

  if (perm.empty ())
    for (gsize i = 0; i < rank; i++)
      perm.push_back (rank - 1 - i);
  for (gsize i = rank; i-- > 1;)
    strides[i - 1] = strides[i] * x.dims[i];
  for (gsize a = 0; a < rank; a++)
    out[a] = x.dims[perm[a]];
  e.value = { x.dtype, out, {} };
  for (gsize i = 0; i < count (out); i++, next_index (idx, out))
    {
      gsize from = 0;

      for (gsize a = 0; a < rank; a++)
        from += idx[a] * strides[perm[a]];
      e.value.v.push_back (x.v[from]);
    }
  return e;
}

enum class Reduction { SUM, MEAN, MAX };

/* Sum, mean or max over `axis` (all axes when empty), in double, with the
 * Σ|x| each sum's error scales with. Integer means truncate. */
Expected
reduce (const Value &x,
        Dims         axis,
        bool         keep_dims,
        Reduction    how)
{
  gsize rank = x.dims.size ();
  std::vector<bool> reduced (rank, axis.empty ());
  Dims out, kept, idx (rank, 0);

  for (gint64 a : axis)
    reduced[a < 0 ? a + (gint64) rank : a] = true;
  for (gsize a = 0; a < rank; a++)
    {
      if (!reduced[a])
        kept.push_back (x.dims[a]);
      if (!reduced[a] || keep_dims)
        out.push_back (reduced[a] ? 1 : x.dims[a]);
    }

  gsize n_out = count (kept), n_in = count (x.dims);
  double lowest = is_float (x.dtype) ? -INFINITY : int_range (x.dtype).first;
  std::vector<double> acc (n_out, how == Reduction::MAX ? lowest : 0), abs (n_out, 0);
  gsize per = n_out ? n_in / n_out : 0;

  for (gsize i = 0; i < n_in; i++, next_index (idx, x.dims))
    {
      gsize o = 0;

      for (gsize a = 0; a < rank; a++)
        if (!reduced[a])
          o = o * x.dims[a] + idx[a];
      if (how == Reduction::MAX)
        {
          /* The first NaN wins and stays. */
          if (!std::isnan (acc[o]) && (std::isnan (x.v[i]) || x.v[i] > acc[o]))
            acc[o] = x.v[i];
        }
      else
        acc[o] += x.v[i];
      abs[o] += std::fabs (x.v[i]);
    }
  /* The 16-bit floats add up in double and round once. */
  Expected e { { x.dtype, out, {} }, {}, is_half (x.dtype) ? 1 : std::max<double> (per, 1) };
  for (gsize o = 0; o < n_out; o++)
    {
      double v = acc[o];

      /* An integer sum wraps in the input's type, before a mean divides. */
      if (how != Reduction::MAX)
        v = wrap_to (x.dtype, v);
      if (how == Reduction::MEAN)
        v = is_float (x.dtype) ? v / per : std::trunc (v / per);
      e.value.v.push_back (v);
      e.scale.push_back (how == Reduction::MEAN ? abs[o] / std::max<gsize> (per, 1)
                         : how == Reduction::SUM ? abs[o] : std::fabs (v));
    }
  return e;
}

Expected
matmul (const Value &a,
        const Value &b,
        bool         ta,
        bool         tb)
{
  gint64 m = ta ? a.dims[1] : a.dims[0], k = ta ? a.dims[0] : a.dims[1], n = tb ? b.dims[0] : b.dims[1];
  Expected e { { a.dtype, { m, n }, {} }, {}, (double) std::max<gint64> (k, 1) };

  for (gint64 i = 0; i < m; i++)
    for (gint64 j = 0; j < n; j++)
      {
        double sum = 0, abs = 0;

        for (gint64 p = 0; p < k; p++)
          {
            double x = ta ? a.v[p * m + i] : a.v[i * k + p];
            double y = tb ? b.v[j * k + p] : b.v[p * n + j];

            sum += x * y;
            abs += std::fabs (x * y);
          }
        e.value.v.push_back (sum);
        e.scale.push_back (abs);
      }
  return e;
}

Expected
argmax (const Value &x,
        gint64       axis,
        GraftDType   out_type)
{
  gsize rank = x.dims.size (), a = axis < 0 ? axis + rank : axis, outer = 1, inner = 1, len = x.dims[a];
  Dims out;
  Expected e;

  for (gsize i = 0; i < rank; i++)
    if (i != a)
      out.push_back (x.dims[i]);
  for (gsize i = 0; i < a; i++)
    outer *= x.dims[i];
  for (gsize i = a + 1; i < rank; i++)
    inner *= x.dims[i];
  e.value = { out_type, out, {} };
  for (gsize o = 0; o < outer; o++)
    for (gsize j = 0; j < inner; j++)
      {
        gsize best = 0;

        for (gsize i = 1; i < len; i++)
          {
            double v = x.v[(o * len + i) * inner + j], b = x.v[(o * len + best) * inner + j];

            if (!std::isnan (b) && (v > b || std::isnan (v)))
              best = i;
          }
        e.value.v.push_back (best);
      }
  return e;
}

/* ---- attribute setters ---- */

Attrs
ints_attr (const char *name,
           Dims        v)
{
  std::string n = name;

  return [n, v] (GraftOpBuilder *b) { graft_op_builder_set_attr_ints (b, n.c_str (), v.data (), v.size ()); };
}

Attrs
both (Attrs a,
      Attrs b)
{
  return [a, b] (GraftOpBuilder *builder) {
    a (builder);
    b (builder);
  };
}

Attrs
bool_attr (const char *name,
           bool        v)
{
  std::string n = name;

  return [n, v] (GraftOpBuilder *b) { graft_op_builder_set_attr_bool (b, n.c_str (), v); };
}

Attrs
type_attr (const char *name,
           GraftDType  v)
{
  std::string n = name;

  return [n, v] (GraftOpBuilder *b) { graft_op_builder_set_attr_type (b, n.c_str (), v); };
}

Attrs
int_attr (const char *name,
          gint64      v)
{
  std::string n = name;

  return [n, v] (GraftOpBuilder *b) { graft_op_builder_set_attr_int (b, n.c_str (), v); };
}


/* ---- the value cases, op by op ---- */

const GraftDType kAllDTypes[] = {
  GRAFT_DTYPE_FLOAT16, GRAFT_DTYPE_BFLOAT16, GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_INT8,
  GRAFT_DTYPE_UINT8, GRAFT_DTYPE_INT16, GRAFT_DTYPE_UINT16, GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64,
  GRAFT_DTYPE_BOOL, GRAFT_DTYPE_COMPLEX64, GRAFT_DTYPE_COMPLEX128,
};

/* The dtypes of TensorFlow 1.15's CPU kernels, less complex (see
 * ops/math/math.c and ops/nn/nn.c), written out here so a signature that
 * drifts from them fails. */
std::vector<GraftDType>
dtypes_of (const std::string &op)
{
  using V = std::vector<GraftDType>;
  const GraftDType F16 = GRAFT_DTYPE_FLOAT16, BF16 = GRAFT_DTYPE_BFLOAT16, F32 = GRAFT_DTYPE_FLOAT32,
                   F64 = GRAFT_DTYPE_FLOAT64, I8 = GRAFT_DTYPE_INT8, U8 = GRAFT_DTYPE_UINT8,
                   I16 = GRAFT_DTYPE_INT16, U16 = GRAFT_DTYPE_UINT16, I32 = GRAFT_DTYPE_INT32,
                   I64 = GRAFT_DTYPE_INT64;

  if (op == "Add")
    return V { F16, BF16, F32, F64, I8, U8, I16, I32, I64 };
  if (op == "Sub" || op == "Mul")
    return V { F16, BF16, F32, F64, I8, U8, I16, U16, I32, I64 };
  if (op == "Div")
    return V { F16, BF16, F32, F64, U8, I16, U16, I32, I64 };
  if (op == "Neg" || op == "Square")
    return V { F16, BF16, F32, F64, I32, I64 };
  if (op == "MatMul")
    return V { F16, BF16, F32, F64, I32, I64 };
  if (op == "Relu" || op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax" || op == "ArgMax" ||
      op == "ReluGrad" || op == "BiasAdd" || op == "BiasAddGrad")
    return V { F16, BF16, F32, F64, I8, U8, I16, U16, I32, I64 };
  if (op == "Sqrt" || op == "Exp" || op == "Log" || op == "Sigmoid" || op == "Tanh" || op == "Softmax" ||
      op == "Rsqrt" || op == "LogSoftmax" || op == "SigmoidGrad" || op == "TanhGrad" || op == "L2Loss")
    return V { F16, BF16, F32, F64 };
  if (op == "AddN")
    return V { F16, BF16, F32, F64, I8, U8, I16, U16, I32, I64 };
  if (op == "Maximum" || op == "Minimum" || op == "Sign")
    return V { F16, BF16, F32, F64, I32, I64 };
  if (op == "Pow")
    return V { F16, F32, F64, I32, I64 };
  if (op == "Abs")
    return V { F16, BF16, F32, F64, I8, I16, I32, I64 };
  if (op == "Greater" || op == "GreaterEqual" || op == "Less" || op == "LessEqual")
    return V { F16, BF16, F32, F64, I8, U8, I16, I32, I64 };
  if (op == "Equal" || op == "NotEqual" || op == "Select")
    return V { F16, BF16, F32, F64, I8, U8, I16, U16, I32, I64, GRAFT_DTYPE_BOOL };
  if (op == "BroadcastGradientArgs")
    return V { I32, I64 };
  if (op == "SoftmaxCrossEntropyWithLogits" || op == "SparseSoftmaxCrossEntropyWithLogits")
    return V { F16, F32, F64 };
  if (op == "Conv2D" || op == "AvgPool")
    return V { F16, BF16, F32, F64 };
  if (op == "MaxPool")
    return V { F16, BF16, F32, F64, I8, U8, I16, U16, I32, I64 };
  /* Fill, ZerosLike, OnesLike, and the ops that take any dtype. */
  return V (std::begin (kAllDTypes), std::end (kAllDTypes));
}
const GraftDType kValues[] = { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64,
                               GRAFT_DTYPE_BOOL };
const double kNaN = std::numeric_limits<double>::quiet_NaN ();

/* Wraps an integer into int32 the way two's complement does. */
double
wrap32 (double v)
{
  return (double) (gint32) (guint32) (guint64) (gint64) v;
}

/* An expected value given by hand. */
Expected
exactly (Value v)
{
  return Expected { std::move (v), {}, 1 };
}

void
add (std::vector<Case> &cases,
     std::string        label,
     const char        *op,
     std::vector<Value> inputs,
     Attrs              attrs,
     Expected           expected)
{
  cases.push_back (Case { std::string (op) + "_" + label, op, std::move (inputs), std::move (attrs),
                          std::move (expected), {} });
}

void
binary_cases (std::vector<Case> &cases)
{
  struct {
    const char *op;
    std::function<double (double, double, GraftDType)> f;
  } ops[] = {
    { "Add", [] (double x, double y, GraftDType) { return x + y; } },
    { "Sub", [] (double x, double y, GraftDType) { return x - y; } },
    { "Mul", [] (double x, double y, GraftDType) { return x * y; } },
    { "Div", [] (double x, double y, GraftDType dt) { return is_float (dt) ? x / y : std::trunc (x / y); } },
  };
  /* Same shape, scalar, row, column and rank-3 broadcasting. */
  std::pair<Dims, Dims> shapes[] = {
    { { 2, 3 }, { 2, 3 } }, { { 2, 3 }, {} }, { {}, { 4 } }, { { 2, 3 }, { 3 } },
    { { 3, 1 }, { 3, 4 } }, { { 2, 1, 4 }, { 3, 1 } }, { { 2, 3, 4 }, { 2, 3, 4 } }, { { 0, 3 }, { 3 } },
  };

  for (auto &op : ops)
    for (GraftDType dt : dtypes_of (op.op))
      for (auto &s : shapes)
        {
          Value x = random (dt, s.first), y = random (dt, s.second);
          auto f = op.f;

          /* No integer division by zero (a case of its own below). */
          if (strcmp (op.op, "Div") == 0)
            for (double &v : y.v)
              v = v == 0 ? 1 : v;
          add (cases, std::string (tag (dt)) + "_" + tag (s.first) + "_by_" + tag (s.second), op.op, { x, y },
               nullptr, binary (x, y, [f, dt] (double a, double b) { return wrap_to (dt, f (a, b, dt)); }));
        }
  /* Integers wrap; division truncates toward zero. */
  add (cases, "i32_wraps", "Add", { value (GRAFT_DTYPE_INT32, { 2 }, { G_MAXINT32, G_MININT32 }),
                                    value (GRAFT_DTYPE_INT32, { 2 }, { 1, -1 }) },
       nullptr, exactly (value (GRAFT_DTYPE_INT32, { 2 }, { G_MININT32, G_MAXINT32 })));
  add (cases, "i32_truncates", "Div", { value (GRAFT_DTYPE_INT32, { 4 }, { 7, -7, 7, -7 }),
                                        value (GRAFT_DTYPE_INT32, { 4 }, { 2, 2, -2, -2 }) },
       nullptr, exactly (value (GRAFT_DTYPE_INT32, { 4 }, { 3, -3, -3, 3 })));
  add (cases, "f32_by_zero", "Div", { value (GRAFT_DTYPE_FLOAT32, { 3 }, { 1, -1, 0 }),
                                      value (GRAFT_DTYPE_FLOAT32, { 3 }, { 0, 0, 0 }) },
       nullptr, exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { INFINITY, -INFINITY, kNaN })));
}

void
unary_cases (std::vector<Case> &cases)
{
  struct {
    const char *op;
    bool integers;
    double lo, hi;
    std::function<double (double)> f;
  } ops[] = {
    { "Neg", true, -2, 2, [] (double x) { return -x; } },
    { "Square", true, -2, 2, [] (double x) { return x * x; } },
    { "Sqrt", false, 0, 4, [] (double x) { return std::sqrt (x); } },
    { "Exp", false, -8, 8, [] (double x) { return std::exp (x); } },
    { "Log", false, 0.01, 100, [] (double x) { return std::log (x); } },
    { "Relu", true, -2, 2, [] (double x) { return x < 0 ? 0 : x; } },
    { "Sigmoid", false, -20, 20, [] (double x) { return 1 / (1 + std::exp (-x)); } },
    { "Tanh", false, -5, 5, [] (double x) { return std::tanh (x); } },
    { "Identity", true, -2, 2, [] (double x) { return x; } },
  };
  Dims shapes[] = { {}, { 7 }, { 2, 3, 4 }, { 0, 5 } };

  for (auto &op : ops)
    for (GraftDType dt : dtypes_of (op.op))
      for (const Dims &dims : shapes)
        {
          if (!op.integers && !is_float (dt))
            continue;
          Value x = random (dt, dims, op.lo, op.hi);
          add (cases, std::string (tag (dt)) + "_" + tag (dims), op.op, { x }, nullptr, map (x, dt, op.f));
        }
  Value b = random (GRAFT_DTYPE_BOOL, { 5 });
  add (cases, "bool", "Identity", { b }, nullptr, map (b, GRAFT_DTYPE_BOOL, [] (double x) { return x; }));

  /* The edges: wrapping, NaN, infinities, and values where a naive
   * formula loses accuracy. */
  add (cases, "i32_wraps", "Neg", { value (GRAFT_DTYPE_INT32, { 2 }, { G_MININT32, G_MAXINT32 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT32, { 2 }, { G_MININT32, -G_MAXINT32 })));
  add (cases, "i64_wraps", "Neg", { value (GRAFT_DTYPE_INT64, { 1 }, { (double) G_MININT64 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT64, { 1 }, { (double) G_MININT64 })));
  add (cases, "i32_wraps", "Square", { value (GRAFT_DTYPE_INT32, { 2 }, { 70000, -46341 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT32, { 2 }, { wrap32 (70000.0 * 70000), wrap32 (46341.0 * 46341) })));
  add (cases, "i64_wraps", "Square", { value (GRAFT_DTYPE_INT64, { 1 }, { 4294967296.0 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT64, { 1 }, { 0 })));
  add (cases, "f64_edges", "Sqrt", { value (GRAFT_DTYPE_FLOAT64, { 3 }, { -1, 0, INFINITY }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT64, { 3 }, { kNaN, 0, INFINITY })));
  add (cases, "f32_edges", "Log", { value (GRAFT_DTYPE_FLOAT32, { 3 }, { 0, -1, 1 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { -INFINITY, kNaN, 0 })));
  add (cases, "f32_edges", "Exp", { value (GRAFT_DTYPE_FLOAT32, { 3 }, { 100, -INFINITY, kNaN }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { INFINITY, 0, kNaN })));
  add (cases, "nan", "Relu", { value (GRAFT_DTYPE_FLOAT32, { 3 }, { kNaN, -INFINITY, INFINITY }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { kNaN, 0, INFINITY })));
  Value tails = value (GRAFT_DTYPE_FLOAT64, { 4 }, { -700, -40, 40, 700 });
  add (cases, "f64_tails", "Sigmoid", { tails }, nullptr,
       map (tails, GRAFT_DTYPE_FLOAT64, [] (double x) { return 1 / (1 + std::exp (-x)); }));
  Value tails32 = value (GRAFT_DTYPE_FLOAT32, { 3 }, { -80, 80, INFINITY });
  add (cases, "f32_tails", "Sigmoid", { tails32 }, nullptr,
       map (tails32, GRAFT_DTYPE_FLOAT32, [] (double x) { return 1 / (1 + std::exp (-x)); }));
  add (cases, "f32_edges", "Tanh", { value (GRAFT_DTYPE_FLOAT32, { 3 }, { -INFINITY, 30, kNaN }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { -1, 1, kNaN })));
}

/* A reference's dtype changed (the comparisons give bool). */
Expected
as_dtype (Expected e,
          GraftDType dtype)
{
  e.value.dtype = dtype;
  return e;
}

void
addn_cases (std::vector<Case> &cases)
{
  for (GraftDType dt : dtypes_of ("AddN"))
    for (gsize n : { 1, 3 })
      for (const Dims &dims : { Dims {}, Dims { 2, 3 }, Dims { 0, 4 } })
        {
          std::vector<Value> xs;
          Expected e { { dt, dims, std::vector<double> (count (dims), 0) }, std::vector<double> (count (dims), 0),
                       (double) n };

          for (gsize i = 0; i < n; i++)
            {
              xs.push_back (random (dt, dims));
              for (gsize j = 0; j < count (dims); j++)
                {
                  e.value.v[j] += xs.back ().v[j];
                  e.scale[j] += std::fabs (xs.back ().v[j]);
                }
            }
          for (double &v : e.value.v)
            v = wrap_to (dt, v);
          add (cases, std::string (tag (dt)) + "_" + std::to_string (n) + "_" + tag (dims), "AddN", xs, nullptr, e);
        }
  add (cases, "i8_wraps", "AddN", { value (GRAFT_DTYPE_INT8, { 2 }, { 100, -100 }),
                                    value (GRAFT_DTYPE_INT8, { 2 }, { 100, -100 }) },
       nullptr, exactly (value (GRAFT_DTYPE_INT8, { 2 }, { -56, 56 })));
}

void
math_binary_cases (std::vector<Case> &cases)
{
  struct {
    const char *op;
    bool bool_out;
    std::function<double (double, double)> f;
  } ops[] = {
    { "Maximum", false, [] (double x, double y) { return std::isnan (x) || std::isnan (y) ? NAN : std::max (x, y); } },
    { "Minimum", false, [] (double x, double y) { return std::isnan (x) || std::isnan (y) ? NAN : std::min (x, y); } },
    { "Greater", true, [] (double x, double y) { return (double) (x > y); } },
    { "GreaterEqual", true, [] (double x, double y) { return (double) (x >= y); } },
    { "Less", true, [] (double x, double y) { return (double) (x < y); } },
    { "LessEqual", true, [] (double x, double y) { return (double) (x <= y); } },
    { "Equal", true, [] (double x, double y) { return (double) (x == y); } },
    { "NotEqual", true, [] (double x, double y) { return (double) (x != y); } },
  };
  std::pair<Dims, Dims> shapes[] = {
    { { 2, 3 }, { 2, 3 } }, { { 2, 3 }, {} }, { { 3, 1 }, { 3, 4 } }, { { 2, 1, 4 }, { 3, 1 } }, { { 0, 3 }, { 3 } },
  };

  for (auto &op : ops)
    for (GraftDType dt : dtypes_of (op.op))
      for (auto &s : shapes)
        {
          /* Few distinct values, so that ties and equal pairs occur. */
          Value x = random (dt, s.first, -1, 1), y = random (dt, s.second, -1, 1);

          add (cases, std::string (tag (dt)) + "_" + tag (s.first) + "_by_" + tag (s.second), op.op, { x, y },
               nullptr, as_dtype (binary (x, y, op.f), op.bool_out ? GRAFT_DTYPE_BOOL : dt));
        }
  /* NaN: either side gives NaN; it compares unequal to everything. */
  Value nx = value (GRAFT_DTYPE_FLOAT32, { 3 }, { kNaN, 1, kNaN });
  Value ny = value (GRAFT_DTYPE_FLOAT32, { 3 }, { 1, kNaN, kNaN });
  add (cases, "nan", "Maximum", { nx, ny }, nullptr, exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { kNaN, kNaN, kNaN })));
  add (cases, "nan", "Minimum", { nx, ny }, nullptr, exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { kNaN, kNaN, kNaN })));
  add (cases, "nan", "Equal", { nx, ny }, nullptr, exactly (value (GRAFT_DTYPE_BOOL, { 3 }, { 0, 0, 0 })));
  add (cases, "nan", "NotEqual", { nx, ny }, nullptr, exactly (value (GRAFT_DTYPE_BOOL, { 3 }, { 1, 1, 1 })));
  add (cases, "nan", "GreaterEqual", { nx, ny }, nullptr, exactly (value (GRAFT_DTYPE_BOOL, { 3 }, { 0, 0, 0 })));

  /* Pow: positive bases for the floats; small exponents for integers,
   * which wrap. */
  for (GraftDType dt : dtypes_of ("Pow"))
    for (auto &s : shapes)
      {
        Value x = is_float (dt) ? random (dt, s.first, 0.5, 2) : random (dt, s.first, -1, 1);
        Value y = is_float (dt) ? random (dt, s.second, -2, 2) : random (dt, s.second, 0, 1);
        Expected e = binary (x, y, [dt] (double a, double b) {
          return is_float (dt) ? std::pow (a, b) : wrap_to (dt, std::pow (a, b));
        });

        e.length = 8;
        add (cases, std::string (tag (dt)) + "_" + tag (s.first) + "_by_" + tag (s.second), "Pow", { x, y }, nullptr, e);
      }
  add (cases, "i32_wraps", "Pow", { value (GRAFT_DTYPE_INT32, { 3 }, { 2, -3, 7 }), value (GRAFT_DTYPE_INT32, { 3 }, { 31, 3, 0 }) },
       nullptr, exactly (value (GRAFT_DTYPE_INT32, { 3 }, { G_MININT32, -27, 1 })));
  add (cases, "f64_edges", "Pow", { value (GRAFT_DTYPE_FLOAT64, { 4 }, { 0, -8, -2, 0 }),
                                    value (GRAFT_DTYPE_FLOAT64, { 4 }, { 0, 1.0 / 3, 2, -1 }) },
       nullptr, exactly (value (GRAFT_DTYPE_FLOAT64, { 4 }, { 1, kNaN, 4, INFINITY })));
}

void
math_unary_cases (std::vector<Case> &cases)
{
  struct {
    const char *op;
    double lo, hi;
    std::function<double (double)> f;
  } ops[] = {
    { "Abs", -2, 2, [] (double x) { return std::fabs (x); } },
    { "Sign", -2, 2, [] (double x) { return (double) ((x > 0) - (x < 0)); } },
    { "Rsqrt", 0.01, 4, [] (double x) { return 1 / std::sqrt (x); } },
  };
  Dims shapes[] = { {}, { 7 }, { 2, 3, 4 }, { 0, 5 } };

  for (auto &op : ops)
    for (GraftDType dt : dtypes_of (op.op))
      for (const Dims &dims : shapes)
        {
          Value x = random (dt, dims, op.lo, op.hi);
          Expected e = map (x, dt, op.f);

          e.length = 2;
          add (cases, std::string (tag (dt)) + "_" + tag (dims), op.op, { x }, nullptr, e);
        }
  add (cases, "i32_wraps", "Abs", { value (GRAFT_DTYPE_INT32, { 2 }, { G_MININT32, -5 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT32, { 2 }, { G_MININT32, 5 })));
  add (cases, "i8_wraps", "Abs", { value (GRAFT_DTYPE_INT8, { 2 }, { -128, -1 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT8, { 2 }, { -128, 1 })));
  add (cases, "f32_edges", "Sign", { value (GRAFT_DTYPE_FLOAT32, { 4 }, { kNaN, -0.0, -INFINITY, 1e-30 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, { 4 }, { kNaN, 0, -1, 1 })));
  add (cases, "f64_edges", "Rsqrt", { value (GRAFT_DTYPE_FLOAT64, { 3 }, { 0, -1, INFINITY }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT64, { 3 }, { INFINITY, kNaN, 0 })));
  add (cases, "f64_edges", "Abs", { value (GRAFT_DTYPE_FLOAT64, { 3 }, { -INFINITY, -0.0, kNaN }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT64, { 3 }, { INFINITY, 0, kNaN })));

  for (GraftDType dt : kAllDTypes)
    {
      Value x = random (dt, { 2, 3 });
      add (cases, tag (dt), "StopGradient", { x }, nullptr, map (x, dt, [] (double v) { return v; }));
    }
}

void
select_cases (std::vector<Case> &cases)
{
  for (GraftDType dt : dtypes_of ("Select"))
    {
      /* Elementwise, a scalar condition each way, and a vector one
       * picking rows. */
      Value c = random (GRAFT_DTYPE_BOOL, { 2, 3 }), t = random (dt, { 2, 3 }), e = random (dt, { 2, 3 });
      Expected want = exactly (value (dt, { 2, 3 }, {}));

      for (gsize i = 0; i < 6; i++)
        want.value.v.push_back (c.v[i] ? t.v[i] : e.v[i]);
      add (cases, std::string (tag (dt)) + "_elementwise", "Select", { c, t, e }, nullptr, want);
      add (cases, std::string (tag (dt)) + "_scalar_true", "Select",
           { value (GRAFT_DTYPE_BOOL, {}, { 1 }), t, e }, nullptr, exactly (t));
      add (cases, std::string (tag (dt)) + "_scalar_false", "Select",
           { value (GRAFT_DTYPE_BOOL, {}, { 0 }), t, e }, nullptr, exactly (e));
      Value rows = value (GRAFT_DTYPE_BOOL, { 2 }, { 0, 1 });
      Expected picked = exactly (value (dt, { 2, 3 }, { e.v[0], e.v[1], e.v[2], t.v[3], t.v[4], t.v[5] }));
      add (cases, std::string (tag (dt)) + "_rows", "Select", { rows, t, e }, nullptr, picked);
    }
  Value t0 = random (GRAFT_DTYPE_FLOAT32, { 0, 2 });
  add (cases, "empty", "Select", { value (GRAFT_DTYPE_BOOL, { 0, 2 }, {}), t0, t0 }, nullptr, exactly (t0));
}

void
bcast_args_cases (std::vector<Case> &cases)
{
  struct {
    const char *label;
    Dims s0, s1, r0, r1;
  } shapes[] = {
    { "same", { 2, 3, 4 }, { 2, 3, 4 }, {}, {} },
    { "row", { 2, 3 }, { 3 }, {}, { 0 } },
    { "column", { 3, 1 }, { 3, 4 }, { 1 }, {} },
    { "scalar", {}, { 2, 5 }, { 0, 1 }, {} },
    { "both_ones", { 2, 1, 1 }, { 1, 1 }, { 1, 2 }, { 0, 1, 2 } },
    { "both_ways", { 2, 1, 4 }, { 3, 1 }, { 1 }, { 0, 2 } },
  };

  for (GraftDType dt : dtypes_of ("BroadcastGradientArgs"))
    for (auto &s : shapes)
      {
        std::vector<double> s0 (s.s0.begin (), s.s0.end ()), s1 (s.s1.begin (), s.s1.end ());
        std::vector<double> r0 (s.r0.begin (), s.r0.end ()), r1 (s.r1.begin (), s.r1.end ());
        Case c { std::string ("BroadcastGradientArgs_") + tag (dt) + "_" + s.label, "BroadcastGradientArgs",
                 { value (dt, { (gint64) s0.size () }, s0), value (dt, { (gint64) s1.size () }, s1) }, nullptr,
                 exactly (value (dt, { (gint64) r0.size () }, r0)) };

        c.value_shaped = true;
        c.more.push_back (exactly (value (dt, { (gint64) r1.size () }, r1)));
        cases.push_back (c);
      }
}

void
cast_cases (std::vector<Case> &cases)
{
  /* Every pair, on values every dtype holds exactly. */
  for (GraftDType from : kValues)
    for (GraftDType to : kValues)
      {
        Value x = random (from, { 2, 3 });

        add (cases, std::string (tag (from)) + "_to_" + tag (to), "Cast", { x }, type_attr ("DstT", to),
             map (x, to, [to] (double v) {
               return to == GRAFT_DTYPE_BOOL ? (double) (v != 0) : is_float (to) ? v : std::trunc (v);
             }));
      }
  /* Every pair of every dtype: floats to integers truncate and saturate,
   * integers to integers wrap, complex to real keeps the real part. */
  for (GraftDType from : kAllDTypes)
    for (GraftDType to : kAllDTypes)
      {
        bool both_old = std::find (std::begin (kValues), std::end (kValues), from) != std::end (kValues) &&
                        std::find (std::begin (kValues), std::end (kValues), to) != std::end (kValues);
        if (both_old)
          continue;
        Value x = random (from, { 2, 3 }, -300, 300);

        add (cases, std::string (tag (from)) + "_to_" + tag (to), "Cast", { x }, type_attr ("DstT", to),
             map (x, to, [from, to] (double v) {
               if (to == GRAFT_DTYPE_BOOL)
                 return (double) (v != 0);
               if (is_float (to))
                 return round_to (to, v);
               if (is_float (from))
                 {
                   auto r = int_range (to);
                   return std::min (std::max (std::trunc (v), r.first), r.second);
                 }
               return wrap_to (to, v);
             }));
      }
  /* 16-bit floats: the largest half, overflow to Inf, subnormals, ties to
   * even, NaN. */
  add (cases, "f32_to_f16_edges", "Cast",
       { value (GRAFT_DTYPE_FLOAT32, { 7 }, { 65504, 65520, -65520, std::ldexp (1.0, -24), std::ldexp (1.0, -25),
                                               1 + std::ldexp (1.0, -11), kNaN }) },
       type_attr ("DstT", GRAFT_DTYPE_FLOAT16),
       exactly (value (GRAFT_DTYPE_FLOAT16, { 7 }, { 65504, INFINITY, -INFINITY, std::ldexp (1.0, -24), 0, 1, kNaN })));
  add (cases, "f32_to_bf16_edges", "Cast",
       { value (GRAFT_DTYPE_FLOAT32, { 4 }, { 1 + std::ldexp (1.0, -8), 1 + 3 * std::ldexp (1.0, -8), 3.4e38, kNaN }) },
       type_attr ("DstT", GRAFT_DTYPE_BFLOAT16),
       exactly (value (GRAFT_DTYPE_BFLOAT16, { 4 }, { 1, 1 + std::ldexp (1.0, -6), INFINITY, kNaN })));
  add (cases, "f16_to_i8_saturates", "Cast", { value (GRAFT_DTYPE_FLOAT16, { 4 }, { 1000, -1000, -2.5, kNaN }) },
       type_attr ("DstT", GRAFT_DTYPE_INT8), exactly (value (GRAFT_DTYPE_INT8, { 4 }, { 127, -128, -2, 0 })));
  add (cases, "i32_to_u8_wraps", "Cast", { value (GRAFT_DTYPE_INT32, { 3 }, { 257, -1, 511 }) },
       type_attr ("DstT", GRAFT_DTYPE_UINT8), exactly (value (GRAFT_DTYPE_UINT8, { 3 }, { 1, 255, 255 })));
  add (cases, "u16_to_i16_wraps", "Cast", { value (GRAFT_DTYPE_UINT16, { 2 }, { 65535, 32768 }) },
       type_attr ("DstT", GRAFT_DTYPE_INT16), exactly (value (GRAFT_DTYPE_INT16, { 2 }, { -1, -32768 })));
  /* Truncation toward zero, saturation, NaN, wrapping, truthiness. */
  add (cases, "f32_to_i32_edges", "Cast",
       { value (GRAFT_DTYPE_FLOAT32, { 6 }, { 2.75, -2.75, 3e9, -3e9, kNaN, INFINITY }) },
       type_attr ("DstT", GRAFT_DTYPE_INT32),
       exactly (value (GRAFT_DTYPE_INT32, { 6 }, { 2, -2, G_MAXINT32, G_MININT32, 0, G_MAXINT32 })));
  add (cases, "f64_to_i64_edges", "Cast", { value (GRAFT_DTYPE_FLOAT64, { 4 }, { -1e300, 1e19, -0.5, kNaN }) },
       type_attr ("DstT", GRAFT_DTYPE_INT64),
       exactly (value (GRAFT_DTYPE_INT64, { 4 }, { (double) G_MININT64, (double) G_MAXINT64, 0, 0 })));
  add (cases, "i64_to_i32_wraps", "Cast",
       { value (GRAFT_DTYPE_INT64, { 3 }, { 4294967301.0, 2147483648.0, -4294967297.0 }) },
       type_attr ("DstT", GRAFT_DTYPE_INT32), exactly (value (GRAFT_DTYPE_INT32, { 3 }, { 5, G_MININT32, -1 })));
  add (cases, "f32_to_bool_edges", "Cast", { value (GRAFT_DTYPE_FLOAT32, { 4 }, { 0, -0.0, 0.25, kNaN }) },
       type_attr ("DstT", GRAFT_DTYPE_BOOL), exactly (value (GRAFT_DTYPE_BOOL, { 4 }, { 0, 0, 1, 1 })));
  add (cases, "f64_to_f32_rounds", "Cast", { value (GRAFT_DTYPE_FLOAT64, { 3 }, { 0.1, 1e39, -1e-50 }) },
       type_attr ("DstT", GRAFT_DTYPE_FLOAT32), exactly (value (GRAFT_DTYPE_FLOAT32, { 3 }, { 0.1, INFINITY, 0 })));
}

void
softmax_cases (std::vector<Case> &cases)
{
  Dims shapes[] = { { 5 }, { 3, 4 }, { 2, 3, 7 }, { 2, 1 }, { 0, 3 } };

  for (GraftDType dt : dtypes_of ("Softmax"))
    for (const Dims &dims : shapes)
      {
        Value x = random (dt, dims, -5, 5);
        add (cases, std::string (tag (dt)) + "_" + tag (dims), "Softmax", { x }, nullptr, softmax (x));
      }
  /* exp(1000) overflows: only the shifted form gets these right. */
  for (GraftDType dt : dtypes_of ("Softmax"))
    {
      /* float16 ends at 65504: its large logits are large for it. */
      double b = dt == GRAFT_DTYPE_FLOAT16 ? 60000 : 1000;
      Value big = value (dt, { 2, 3 }, { b, round_to (dt, b + 8), round_to (dt, b + 16), -b, -b, -b });
      add (cases, std::string (tag (dt)) + "_large_logits", "Softmax", { big }, nullptr, softmax (big));
    }
}

void
array_cases (std::vector<Case> &cases)
{
  /* Reshape: explicit shapes, an inferred -1, to and from scalars, any
   * dtype. */
  struct {
    Dims from, to, result;
  } reshapes[] = {
    { { 2, 3 }, { 3, 2 }, { 3, 2 } }, { { 2, 3, 4 }, { 4, -1 }, { 4, 6 } }, { { 24 }, { 2, -1, 3 }, { 2, 4, 3 } },
    { { 1 }, {}, {} }, { {}, { 1, 1 }, { 1, 1 } }, { { 0, 4 }, { 2, 0, 3 }, { 2, 0, 3 } }, { { 6 }, { -1 }, { 6 } },
  };
  for (GraftDType dt : kAllDTypes)
    for (auto &r : reshapes)
      {
        Value x = random (dt, r.from);
        Expected e { { dt, r.result, x.v }, {}, 1 };
        add (cases, std::string (tag (dt)) + "_" + tag (r.from) + "_to_" + tag (r.result), "Reshape", { x },
             ints_attr ("shape", r.to), e);
      }

  /* Transpose: reversed by default, explicit permutations, rank 1 and 4. */
  struct {
    Dims dims, perm;
    const char *name;
  } transposes[] = {
    { { 2, 3 }, {}, "2x3_reversed" }, { { 2, 3, 4 }, { 1, 2, 0 }, "2x3x4_120" },
    { { 2, 3, 4 }, { 0, 2, 1 }, "2x3x4_021" }, { { 5 }, { 0 }, "5" }, { { 2, 1, 3, 2 }, { 3, 0, 2, 1 }, "rank4" },
    { { 3, 0 }, { 1, 0 }, "3x0" }, { {}, {}, "scalar" },
  };
  for (GraftDType dt : kAllDTypes)
    for (auto &t : transposes)
      {
        Value x = random (dt, t.dims);
        add (cases, std::string (tag (dt)) + "_" + t.name, "Transpose", { x }, ints_attr ("perm", t.perm),
             transpose (x, t.perm));
      }

  /* Fill, ZerosLike, OnesLike: every dtype they take. */
  for (GraftDType dt : kAllDTypes)
    {
      Value v = random (dt, {});
      Dims shapes[] = { { 2, 3 }, {}, { 4, 0 } };

      for (const Dims &dims : shapes)
        add (cases, std::string (tag (dt)) + "_" + tag (dims), "Fill", { v }, ints_attr ("dims", dims),
             { { dt, dims, std::vector<double> (count (dims), v.v[0]) }, {}, 1 });
      Value x = random (dt, { 3, 2 });
      add (cases, tag (dt), "ZerosLike", { x }, nullptr, map (x, dt, [] (double) { return 0.0; }));
      add (cases, tag (dt), "OnesLike", { x }, nullptr, map (x, dt, [] (double) { return 1.0; }));
    }

  /* ArgMax: each axis, negative axes, both index types. Integer inputs are
   * drawn from few values, so ties are common. */
  struct {
    Dims dims;
    gint64 axis;
  } argmaxes[] = { { { 7 }, 0 }, { { 3, 4 }, 0 }, { { 3, 4 }, 1 }, { { 2, 3, 4 }, -2 }, { { 2, 3, 4 }, 2 } };
  for (GraftDType dt : dtypes_of ("ArgMax"))
    for (auto &am : argmaxes)
      for (GraftDType out : { GRAFT_DTYPE_INT64, GRAFT_DTYPE_INT32 })
        {
          Value x = random (dt, am.dims);
          Attrs attrs = out == GRAFT_DTYPE_INT64 ? int_attr ("axis", am.axis)
                                                 : both (int_attr ("axis", am.axis), type_attr ("output_type", out));
          std::string axis = am.axis < 0 ? "m" + std::to_string (-am.axis) : std::to_string (am.axis);

          add (cases, std::string (tag (dt)) + "_" + tag (am.dims) + "_axis" + axis + "_" + tag (out), "ArgMax",
               { x }, attrs, argmax (x, am.axis, out));
        }
  /* The first of equal maxima; a NaN wins; the default axis is 0. */
  add (cases, "ties_and_nan", "ArgMax",
       { value (GRAFT_DTYPE_FLOAT32, { 4, 2 }, { 1, 5, 3, kNaN, 3, 5, 2, kNaN }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT64, { 2 }, { 1, 1 })));
  /* The 16-bit floats compare as numbers, not as bit patterns (-1 has the
   * larger pattern); unsigned ones past the signed range. */
  for (GraftDType dt : { GRAFT_DTYPE_FLOAT16, GRAFT_DTYPE_BFLOAT16 })
    add (cases, std::string (tag (dt)) + "_signs_and_nan", "ArgMax",
         { value (dt, { 2, 3 }, { -1, 0.5, -2, 1, kNaN, 3 }) }, int_attr ("axis", 1),
         exactly (value (GRAFT_DTYPE_INT64, { 2 }, { 1, 1 })));
  add (cases, "u8_high", "ArgMax", { value (GRAFT_DTYPE_UINT8, { 3 }, { 1, 255, 128 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT64, {}, { 1 })));
  add (cases, "u16_high", "ArgMax", { value (GRAFT_DTYPE_UINT16, { 3 }, { 40000, 1, 65535 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT64, {}, { 2 })));
  /* Fill and OnesLike write the 16-bit floats' own patterns. */
  add (cases, "f16_pattern", "OnesLike", { value (GRAFT_DTYPE_FLOAT16, { 2 }, { 0, 7 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT16, { 2 }, { 1, 1 })));
  add (cases, "bf16_inf", "Fill", { value (GRAFT_DTYPE_BFLOAT16, {}, { -INFINITY }) }, ints_attr ("dims", { 3 }),
       exactly (value (GRAFT_DTYPE_BFLOAT16, { 3 }, { -INFINITY, -INFINITY, -INFINITY })));
}

void
reduce_cases (std::vector<Case> &cases)
{
  struct {
    const char *op;
    Reduction how;
  } ops[] = { { "ReduceSum", Reduction::SUM }, { "ReduceMean", Reduction::MEAN }, { "ReduceMax", Reduction::MAX } };
  struct {
    Dims dims, axis;
    bool keep;
    const char *name;
  } shapes[] = {
    { { 2, 3 }, {}, false, "2x3_all" },
    { { 2, 3 }, { 0 }, false, "2x3_axis0" },
    { { 2, 3 }, { 1 }, true, "2x3_axis1_keep" },
    { { 2, 3, 4 }, { 0, 2 }, false, "2x3x4_axes02" },
    { { 2, 3, 4 }, { -1, 1 }, true, "2x3x4_axes12_keep" },
    { { 2, 3, 4, 5 }, { 1, 3 }, false, "rank4_axes13" },
    { { 3, 1, 4 }, { 1 }, false, "3x1x4_axis1" },
    { { 1000 }, {}, false, "1000" },
    { { 37, 29 }, { 0 }, false, "37x29_axis0" },
    { {}, {}, false, "scalar" },
    { { 4, 0 }, { 0 }, false, "4x0_axis0" },
  };

  for (auto &op : ops)
    for (GraftDType dt : dtypes_of (op.op))
      for (auto &s : shapes)
        {
          Value x = random (dt, s.dims, -2, 2);
          Attrs attrs = ints_attr ("axis", s.axis);

          if (s.keep)
            attrs = both (attrs, bool_attr ("keep_dims", true));
          add (cases, std::string (tag (dt)) + "_" + s.name, op.op, { x }, attrs, reduce (x, s.axis, s.keep, op.how));
        }
  /* Integer means truncate toward zero; an empty float mean is NaN, an
   * empty max the lowest value; a NaN wins a max. */
  add (cases, "i32_truncates", "ReduceMean", { value (GRAFT_DTYPE_INT32, { 2, 2 }, { 1, 2, -1, -2 }) },
       ints_attr ("axis", { 1 }), exactly (value (GRAFT_DTYPE_INT32, { 2 }, { 1, -1 })));
  add (cases, "f32_empty", "ReduceMean", { value (GRAFT_DTYPE_FLOAT32, { 0, 2 }, {}) }, ints_attr ("axis", { 0 }),
       exactly (value (GRAFT_DTYPE_FLOAT32, { 2 }, { kNaN, kNaN })));
  add (cases, "f32_empty", "ReduceMax", { value (GRAFT_DTYPE_FLOAT32, { 0 }, {}) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, {}, { -INFINITY })));
  add (cases, "i32_empty", "ReduceMax", { value (GRAFT_DTYPE_INT32, { 2, 0 }, {}) }, ints_attr ("axis", { 1 }),
       exactly (value (GRAFT_DTYPE_INT32, { 2 }, { G_MININT32, G_MININT32 })));
  add (cases, "nan", "ReduceMax", { value (GRAFT_DTYPE_FLOAT64, { 2, 3 }, { 1, kNaN, 3, 4, 5, 6 }) },
       ints_attr ("axis", { 1 }), exactly (value (GRAFT_DTYPE_FLOAT64, { 2 }, { kNaN, 6 })));
  add (cases, "f16_empty", "ReduceMax", { value (GRAFT_DTYPE_FLOAT16, { 0 }, {}) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT16, {}, { -INFINITY })));
  add (cases, "u8_empty", "ReduceMax", { value (GRAFT_DTYPE_UINT8, { 0 }, {}) }, nullptr,
       exactly (value (GRAFT_DTYPE_UINT8, {}, { 0 })));
  add (cases, "bf16_nan", "ReduceMax", { value (GRAFT_DTYPE_BFLOAT16, { 3 }, { 1, kNaN, 3 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_BFLOAT16, {}, { kNaN })));
  add (cases, "i8_wraps", "ReduceSum", { value (GRAFT_DTYPE_INT8, { 3 }, { 127, 1, 1 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT8, {}, { -127 })));
  add (cases, "i32_wraps", "ReduceSum", { value (GRAFT_DTYPE_INT32, { 3 }, { G_MAXINT32, 1, 1 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT32, {}, { wrap32 (G_MAXINT32 + 2.0) })));
}

void
matmul_cases (std::vector<Case> &cases)
{
  /* Small shapes, edges of the portable GEMM's tiles and blocks (not a
   * multiple of any tile, deeper than one 256-deep block), empty ones;
   * one row (a batch of 1, a matrix-vector product for OpenBLAS). */
  struct {
    gint64 m, k, n;
  } shapes[] = { { 1, 1, 1 }, { 1, 37, 11 }, { 2, 3, 4 }, { 5, 7, 3 }, { 17, 33, 19 }, { 70, 300, 45 }, { 3, 0, 4 }, { 0, 3, 4 } };

  for (GraftDType dt : dtypes_of ("MatMul"))
    for (auto &s : shapes)
      for (int t = 0; t < 4; t++)
        {
          bool ta = t & 1, tb = t & 2;
          Value a = random (dt, ta ? Dims { s.k, s.m } : Dims { s.m, s.k });
          Value b = random (dt, tb ? Dims { s.n, s.k } : Dims { s.k, s.n });
          Attrs attrs = both (bool_attr ("transpose_a", ta), bool_attr ("transpose_b", tb));
          std::string label = std::string (tag (dt)) + "_" + std::to_string (s.m) + "x" + std::to_string (s.k) + "x"
                              + std::to_string (s.n) + (ta ? "_ta" : "") + (tb ? "_tb" : "");

          /* One large case per dtype is enough for every transpose. */
          if (s.m == 70 && t != 0 && t != 3)
            continue;
          add (cases, label, "MatMul", { a, b }, attrs, matmul (a, b, ta, tb));
        }
  /* Large enough to be split over threads, by the portable GEMM and by
   * each library (which is told the session's thread count). */
  for (GraftDType dt : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    for (guint threads : { 2u, 3u })
      {
        Value a = random (dt, { 96, 300 });
        Value b = random (dt, { 300, 200 });

        add (cases, std::string (tag (dt)) + "_96x300x200_" + std::to_string (threads) + "_threads", "MatMul",
             { a, b }, nullptr, matmul (a, b, false, false));
        cases.back ().threads = threads;
      }
  /* Integers wrap. */
  add (cases, "i32_wraps", "MatMul",
       { value (GRAFT_DTYPE_INT32, { 1, 2 }, { 65536, 1 }), value (GRAFT_DTYPE_INT32, { 2, 1 }, { 65536, 7 }) },
       nullptr, exactly (value (GRAFT_DTYPE_INT32, { 1, 1 }, { 7 })));
}


/* ---- nn: activation gradients, log-softmax, losses, bias ---- */

Expected
log_softmax (const Value &x)
{
  gsize cols = x.dims.back (), rows = count (x.dims) / std::max<gsize> (cols, 1);
  Expected e { { x.dtype, x.dims, std::vector<double> (x.v.size ()) }, std::vector<double> (x.v.size ()),
               (double) cols + 4 };

  for (gsize r = 0; r < rows; r++)
    {
      double max = -INFINITY, sum = 0;

      for (gsize c = 0; c < cols; c++)
        max = std::max (max, x.v[r * cols + c]);
      for (gsize c = 0; c < cols; c++)
        sum += std::exp (x.v[r * cols + c] - max);
      for (gsize c = 0; c < cols; c++)
        {
          double z = x.v[r * cols + c] - max;

          e.value.v[r * cols + c] = z - std::log (sum);
          e.scale[r * cols + c] = std::fabs (z) + std::fabs (std::log (sum)) + 1;
        }
    }
  return e;
}

/* The loss and backprop of SoftmaxCrossEntropyWithLogits for matrices
 * that broadcast to (rows, cols), or of the sparse op when `classes` is
 * given (one class index per row). */
std::pair<Expected, Expected>
xent (const Value               &x,
      const Value               *labels,
      const std::vector<gint64> *classes)
{
  gint64 rows = std::max (x.dims[0], labels ? labels->dims[0] : 0), cols = std::max (x.dims[1], labels ? labels->dims[1] : 0);
  double length = (double) cols + 4;
  Expected loss { { x.dtype, { rows }, {} }, {}, length }, back { { x.dtype, { rows, cols }, {} }, {}, length };
  auto at = [] (const Value &v, gint64 r, gint64 c) {
    return v.v[(v.dims[0] == 1 ? 0 : r) * v.dims[1] + (v.dims[1] == 1 ? 0 : c)];
  };

  for (gint64 r = 0; r < rows; r++)
    {
      double max = -INFINITY, sum = 0, l = 0, scale = 0;

      for (gint64 c = 0; c < cols; c++)
        max = std::max (max, at (x, r, c));
      for (gint64 c = 0; c < cols; c++)
        sum += std::exp (at (x, r, c) - max);
      for (gint64 c = 0; c < cols; c++)
        {
          double z = at (x, r, c) - max;
          double p = classes ? (double) ((*classes)[r] == c) : at (*labels, r, c);

          l += p * (std::log (sum) - z);
          scale += std::fabs (p) * (std::fabs (std::log (sum)) + std::fabs (z) + 1);
          back.value.v.push_back (std::exp (z) / sum - p);
          back.scale.push_back (std::exp (z) / sum + std::fabs (p));
        }
      loss.value.v.push_back (l);
      loss.scale.push_back (scale);
    }
  return { loss, back };
}

/* Labels: a probability distribution per row. */
Value
distributions (GraftDType dtype,
               Dims       dims)
{
  Value v = random (dtype, dims, 0.1, 1);

  for (gint64 r = 0; r < dims[0]; r++)
    {
      double sum = 0;

      for (gint64 c = 0; c < dims[1]; c++)
        sum += v.v[r * dims[1] + c];
      for (gint64 c = 0; c < dims[1]; c++)
        v.v[r * dims[1] + c] = round_to (dtype, dtype == GRAFT_DTYPE_FLOAT32 ? (double) (float) (v.v[r * dims[1] + c] / sum)
                                                                            : v.v[r * dims[1] + c] / sum);
    }
  return v;
}

Expected
bias_add (const Value &x,
          const Value &bias,
          bool         nchw)
{
  gsize c_axis = nchw ? 1 : x.dims.size () - 1, inner = 1;
  Expected e { { x.dtype, x.dims, {} }, {}, 1 };

  for (gsize i = c_axis + 1; i < x.dims.size (); i++)
    inner *= x.dims[i];
  for (gsize i = 0; i < x.v.size (); i++)
    {
      double b = bias.v[(i / inner) % bias.v.size ()];

      e.value.v.push_back (wrap_to (x.dtype, x.v[i] + b));
      e.scale.push_back (std::fabs (x.v[i]) + std::fabs (b));
    }
  return e;
}

Expected
bias_add_grad (const Value &x,
               bool         nchw)
{
  gsize c_axis = nchw ? 1 : x.dims.size () - 1, inner = 1, channels = x.dims[c_axis];
  Expected e { { x.dtype, { (gint64) channels }, std::vector<double> (channels, 0) }, std::vector<double> (channels, 0),
               is_half (x.dtype) ? 1 : std::max<double> (count (x.dims) / std::max<gsize> (channels, 1), 1) };

  for (gsize i = c_axis + 1; i < x.dims.size (); i++)
    inner *= x.dims[i];
  for (gsize i = 0; i < x.v.size (); i++)
    {
      e.value.v[(i / inner) % channels] += x.v[i];
      e.scale[(i / inner) % channels] += std::fabs (x.v[i]);
    }
  for (double &v : e.value.v)
    v = wrap_to (x.dtype, v);
  return e;
}

Attrs string_attr (const char *name, const char *v);

void
nn_cases (std::vector<Case> &cases)
{
  Dims shapes[] = { {}, { 7 }, { 2, 3, 4 }, { 0, 5 } };

  /* The activation gradients, on outputs in the activation's range. */
  for (GraftDType dt : dtypes_of ("ReluGrad"))
    for (const Dims &dims : shapes)
      {
        Value g = random (dt, dims), f = random (dt, dims);
        add (cases, std::string (tag (dt)) + "_" + tag (dims), "ReluGrad", { g, f }, nullptr,
             binary (g, f, [] (double u, double v) { return v > 0 ? u : 0; }));
      }
  add (cases, "nan", "ReluGrad",
       { value (GRAFT_DTYPE_FLOAT32, { 4 }, { kNaN, kNaN, 2, 3 }), value (GRAFT_DTYPE_FLOAT32, { 4 }, { -1, 1, kNaN, 0 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_FLOAT32, { 4 }, { kNaN, kNaN, 0, 0 })));
  for (GraftDType dt : dtypes_of ("SigmoidGrad"))
    for (const Dims &dims : shapes)
      {
        Value y = random (dt, dims, 0, 1), dy = random (dt, dims);
        Value t = random (dt, dims, -1, 1);
        Expected se = binary (y, dy, [] (double a, double b) { return b * a * (1 - a); });
        Expected te = binary (t, dy, [] (double a, double b) { return b * (1 - a * a); });

        se.length = te.length = 4;
        for (gsize i = 0; i < y.v.size (); i++)
          {
            se.scale.push_back (std::fabs (dy.v[i] * y.v[i]));
            te.scale.push_back (std::fabs (dy.v[i]) * (1 + t.v[i] * t.v[i]));
          }
        add (cases, std::string (tag (dt)) + "_" + tag (dims), "SigmoidGrad", { y, dy }, nullptr, se);
        add (cases, std::string (tag (dt)) + "_" + tag (dims), "TanhGrad", { t, dy }, nullptr, te);
      }

  /* LogSoftmax: as Softmax, and logits so far apart that exp underflows. */
  Dims rows[] = { { 5 }, { 3, 4 }, { 2, 3, 7 }, { 2, 1 }, { 0, 3 } };
  for (GraftDType dt : dtypes_of ("LogSoftmax"))
    {
      for (const Dims &dims : rows)
        {
          Value x = random (dt, dims, -5, 5);
          add (cases, std::string (tag (dt)) + "_" + tag (dims), "LogSoftmax", { x }, nullptr, log_softmax (x));
        }
      /* float16 ends at 65504, and the result here reaches -2b. */
      double b = dt == GRAFT_DTYPE_FLOAT16 ? 30000 : 1000;
      Value big = value (dt, { 2, 2 }, { b, -b, round_to (dt, b + 8), b });
      add (cases, std::string (tag (dt)) + "_large_logits", "LogSoftmax", { big }, nullptr, log_softmax (big));
    }

  /* The dense loss: equal shapes, broadcast rows and columns, empty
   * batches and classes, huge logits. */
  std::pair<Dims, Dims> xent_shapes[] = {
    { { 3, 4 }, { 3, 4 } }, { { 1, 5 }, { 1, 5 } }, { { 1, 4 }, { 3, 4 } }, { { 3, 4 }, { 3, 1 } },
    { { 0, 3 }, { 0, 3 } }, { { 2, 0 }, { 2, 0 } }, { { 16, 10 }, { 16, 10 } },
  };
  for (GraftDType dt : dtypes_of ("SoftmaxCrossEntropyWithLogits"))
    {
      for (auto &s : xent_shapes)
        {
          Value x = random (dt, s.first, -5, 5), l = distributions (dt, s.second);
          auto e = xent (x, &l, nullptr);
          cases.push_back (Case { std::string ("SoftmaxCrossEntropyWithLogits_") + tag (dt) + "_" + tag (s.first) +
                                    "_by_" + tag (s.second),
                                  "SoftmaxCrossEntropyWithLogits", { x, l }, nullptr, e.first, false, { e.second } });
        }
      double b = dt == GRAFT_DTYPE_FLOAT16 ? 60000 : 1000;
      Value x = value (dt, { 2, 3 }, { b, -b, 0, -b, -b, b });
      Value l = value (dt, { 2, 3 }, { 0.5, 0.5, 0, 0, 0, 1 });
      auto e = xent (x, &l, nullptr);
      cases.push_back (Case { std::string ("SoftmaxCrossEntropyWithLogits_") + tag (dt) + "_large_logits",
                              "SoftmaxCrossEntropyWithLogits", { x, l }, nullptr, e.first, false, { e.second } });
    }

  /* The sparse loss: both label dtypes, every class hit. */
  for (GraftDType dt : dtypes_of ("SparseSoftmaxCrossEntropyWithLogits"))
    for (GraftDType lt : { GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64 })
      for (const Dims &dims : { Dims { 4, 3 }, Dims { 1, 5 }, Dims { 0, 3 }, Dims { 16, 10 } })
        {
          Value x = random (dt, dims, -5, 5);
          std::vector<gint64> classes;
          Value l { lt, { dims[0] }, {} };

          for (gint64 r = 0; r < dims[0]; r++)
            {
              classes.push_back ((r * 7 + 1) % dims[1]);
              l.v.push_back ((double) classes.back ());
            }
          auto e = xent (x, nullptr, &classes);
          cases.push_back (Case { std::string ("SparseSoftmaxCrossEntropyWithLogits_") + tag (dt) + "_" + tag (lt) +
                                    "_" + tag (dims),
                                  "SparseSoftmaxCrossEntropyWithLogits", { x, l }, nullptr, e.first, false, { e.second } });
        }

  /* BiasAdd and BiasAddGrad: matrices, images in both layouts, empty
   * batches; integers wrap. */
  struct {
    Dims dims;
    bool nchw;
  } biases[] = { { { 2, 3 }, false }, { { 2, 3, 4 }, false }, { { 2, 2, 3, 4 }, false }, { { 2, 3, 2, 2 }, true },
                 { { 0, 3 }, false }, { { 2, 3, 5 }, true } };
  for (GraftDType dt : dtypes_of ("BiasAdd"))
    for (auto &b : biases)
      {
        gint64 channels = b.dims[b.nchw ? 1 : b.dims.size () - 1];
        Value x = random (dt, b.dims), bias = random (dt, { channels });
        Attrs attrs = b.nchw ? string_attr ("data_format", "NCHW") : nullptr;
        std::string label = std::string (tag (dt)) + "_" + tag (b.dims) + (b.nchw ? "_nchw" : "");

        add (cases, label, "BiasAdd", { x, bias }, attrs, bias_add (x, bias, b.nchw));
        add (cases, label, "BiasAddGrad", { x }, attrs, bias_add_grad (x, b.nchw));
      }
  add (cases, "i8_wraps", "BiasAdd", { value (GRAFT_DTYPE_INT8, { 1, 2 }, { 127, -128 }),
                                       value (GRAFT_DTYPE_INT8, { 2 }, { 1, -1 }) },
       nullptr, exactly (value (GRAFT_DTYPE_INT8, { 1, 2 }, { -128, 127 })));
  add (cases, "i32_wraps", "BiasAddGrad", { value (GRAFT_DTYPE_INT32, { 2, 1 }, { G_MAXINT32, 1 }) }, nullptr,
       exactly (value (GRAFT_DTYPE_INT32, { 1 }, { G_MININT32 })));

  /* L2Loss: half the sum of squares, a scalar. */
  for (GraftDType dt : dtypes_of ("L2Loss"))
    for (const Dims &dims : { Dims {}, Dims { 7 }, Dims { 2, 3, 4 }, Dims { 0, 5 }, Dims { 1000 } })
      {
        Value x = random (dt, dims);
        double sum = 0;

        for (double v : x.v)
          sum += v * v / 2;
        add (cases, std::string (tag (dt)) + "_" + tag (dims), "L2Loss", { x }, nullptr,
             { { dt, {}, { sum } }, { sum }, is_half (dt) ? 1 : std::max<double> (x.v.size (), 1) + 1 });
      }
}

/* ---- convolution and pooling (ops/linalg/conv2d.c, pool.c) ---- */

/* A window op's geometry: NHWC input, window (filter or ksize) rows and
 * cols, strides, dilations and padding, with TensorFlow's output sizes
 * and padding split, computed here independently of the kernels. */
struct Window {
  Dims in;                 /* batch, rows, cols, depth */
  gint64 kr, kc;           /* window */
  gint64 sr, sc;           /* strides */
  bool same;
  gint64 dr = 1, dc = 1;   /* dilations */

  gint64 out_size (gint64 n, gint64 k, gint64 s, gint64 d) const
  {
    gint64 eff = (k - 1) * d + 1;
    return same ? (n + s - 1) / s : (n - eff + s) / s;
  }
  gint64 pad (gint64 n, gint64 k, gint64 s, gint64 d) const
  {
    gint64 eff = (k - 1) * d + 1;
    return same ? std::max<gint64> (0, (out_size (n, k, s, d) - 1) * s + eff - n) / 2 : 0;
  }
  gint64 out_rows () const { return out_size (in[1], kr, sr, dr); }
  gint64 out_cols () const { return out_size (in[2], kc, sc, dc); }
  gint64 pad_top () const { return pad (in[1], kr, sr, dr); }
  gint64 pad_left () const { return pad (in[2], kc, sc, dc); }
  std::string label () const
  {
    return tag (in) + "_k" + std::to_string (kr) + "x" + std::to_string (kc) + "_s" + std::to_string (sr) + "x" +
           std::to_string (sc) + (dr > 1 || dc > 1 ? "_d" + std::to_string (dr) + "x" + std::to_string (dc) : "") +
           (same ? "_same" : "_valid");
  }
  /* Calls f (b, oh, ow, kh, kw, ih, iw) for every window element inside
   * the input. */
  template <typename F>
  void each (F f) const
  {
    for (gint64 b = 0; b < in[0]; b++)
      for (gint64 oh = 0; oh < out_rows (); oh++)
        for (gint64 ow = 0; ow < out_cols (); ow++)
          for (gint64 kh = 0; kh < kr; kh++)
            for (gint64 kw = 0; kw < kc; kw++)
              {
                gint64 ih = oh * sr - pad_top () + kh * dr, iw = ow * sc - pad_left () + kw * dc;
                if (ih >= 0 && ih < in[1] && iw >= 0 && iw < in[2])
                  f (b, oh, ow, kh, kw, ih, iw);
              }
  }
};

Attrs
string_attr (const char *name,
             const char *v)
{
  std::string n = name, s = v;

  return [n, s] (GraftOpBuilder *b) { graft_op_builder_set_attr_string (b, n.c_str (), s.c_str ()); };
}

Attrs
conv_attrs (const Window &w)
{
  Attrs a = both (ints_attr ("strides", { 1, w.sr, w.sc, 1 }), string_attr ("padding", w.same ? "SAME" : "VALID"));
  return w.dr > 1 || w.dc > 1 ? both (a, ints_attr ("dilations", { 1, w.dr, w.dc, 1 })) : a;
}

Attrs
pool_attrs (const Window &w)
{
  return both (ints_attr ("ksize", { 1, w.kr, w.kc, 1 }), conv_attrs (w));
}

/* An output value and Σ|terms| per element, and the most terms any
 * element sums. */
Expected
sums (GraftDType dtype, Dims dims, double length)
{
  Expected e { { dtype, dims, std::vector<double> (count (dims), 0.0) }, std::vector<double> (count (dims), 0.0),
               std::max (length, 1.0) };
  return e;
}

gsize
at4 (const Dims &d, gint64 a, gint64 b, gint64 c, gint64 e)
{
  return (gsize) (((a * d[1] + b) * d[2] + c) * d[3] + e);
}

Expected
round_all (Expected e)
{
  for (double &v : e.value.v)
    v = round_to (e.value.dtype, v);
  return e;
}

Expected
conv2d_ref (const Window &w, const Value &x, const Value &f)
{
  gint64 o = f.dims[3];
  Dims od { w.in[0], w.out_rows (), w.out_cols (), o };
  Expected e = sums (x.dtype, od, (double) (w.kr * w.kc * w.in[3]));

  w.each ([&] (gint64 b, gint64 oh, gint64 ow, gint64 kh, gint64 kw, gint64 ih, gint64 iw) {
    for (gint64 c = 0; c < w.in[3]; c++)
      for (gint64 q = 0; q < o; q++)
        {
          double t = x.v[at4 (w.in, b, ih, iw, c)] * f.v[at4 (f.dims, kh, kw, c, q)];
          e.value.v[at4 (od, b, oh, ow, q)] += t;
          e.scale[at4 (od, b, oh, ow, q)] += std::fabs (t);
        }
  });
  return round_all (e);
}

Expected
conv2d_backprop_input_ref (const Window &w, const Value &f, const Value &dy)
{
  gint64 o = f.dims[3];
  Expected e = sums (f.dtype, w.in, (double) (w.kr * w.kc * o));

  w.each ([&] (gint64 b, gint64 oh, gint64 ow, gint64 kh, gint64 kw, gint64 ih, gint64 iw) {
    for (gint64 c = 0; c < w.in[3]; c++)
      for (gint64 q = 0; q < o; q++)
        {
          double t = dy.v[at4 (dy.dims, b, oh, ow, q)] * f.v[at4 (f.dims, kh, kw, c, q)];
          e.value.v[at4 (w.in, b, ih, iw, c)] += t;
          e.scale[at4 (w.in, b, ih, iw, c)] += std::fabs (t);
        }
  });
  return round_all (e);
}

Expected
conv2d_backprop_filter_ref (const Window &w, const Value &x, const Dims &fd, const Value &dy)
{
  Expected e = sums (x.dtype, fd, (double) (w.in[0] * w.out_rows () * w.out_cols ()));

  w.each ([&] (gint64 b, gint64 oh, gint64 ow, gint64 kh, gint64 kw, gint64 ih, gint64 iw) {
    for (gint64 c = 0; c < w.in[3]; c++)
      for (gint64 q = 0; q < fd[3]; q++)
        {
          double t = x.v[at4 (w.in, b, ih, iw, c)] * dy.v[at4 (dy.dims, b, oh, ow, q)];
          e.value.v[at4 (fd, kh, kw, c, q)] += t;
          e.scale[at4 (fd, kh, kw, c, q)] += std::fabs (t);
        }
  });
  return round_all (e);
}

/* The pools: per output element, its window's values in row-major order. */
std::vector<std::vector<std::pair<double, gsize>>>
windows (const Window &w, const Value &x, Dims &od)
{
  od = { w.in[0], w.out_rows (), w.out_cols (), w.in[3] };
  std::vector<std::vector<std::pair<double, gsize>>> win (count (od));

  w.each ([&] (gint64 b, gint64 oh, gint64 ow, gint64, gint64, gint64 ih, gint64 iw) {
    for (gint64 c = 0; c < w.in[3]; c++)
      win[at4 (od, b, oh, ow, c)].push_back ({ x.v[at4 (w.in, b, ih, iw, c)], at4 (w.in, b, ih, iw, c) });
  });
  return win;
}

Value
max_pool_value (const Window &w, const Value &x)
{
  Dims od;
  auto win = windows (w, x, od);
  Value y { x.dtype, od, {} };

  for (auto &els : win)
    {
      double m = els[0].first;
      for (auto &el : els)
        m = std::max (m, el.first);
      y.v.push_back (m);
    }
  return y;
}

/* The first maximum in the window gets the gradient (TensorFlow's rule). */
Expected
max_pool_grad_ref (const Window &w, const Value &x, const Value &dy)
{
  Dims od;
  auto win = windows (w, x, od);
  Expected e = sums (x.dtype, w.in, 1);

  for (gsize i = 0; i < win.size (); i++)
    {
      gsize best = 0;
      for (gsize k = 1; k < win[i].size (); k++)
        if (win[i][k].first > win[i][best].first)
          best = k;
      e.value.v[win[i][best].second] += dy.v[i];
      e.scale[win[i][best].second] += std::fabs (dy.v[i]);
    }
  e.length = (double) (w.kr * w.kc);
  if (!is_float (x.dtype))
    for (double &v : e.value.v)
      v = wrap_to (x.dtype, v);
  return round_all (e);
}

Expected
avg_pool_ref (const Window &w, const Value &x)
{
  Dims od;
  auto win = windows (w, x, od);
  Expected e = sums (x.dtype, od, (double) (w.kr * w.kc) + 1);

  for (gsize i = 0; i < win.size (); i++)
    {
      for (auto &el : win[i])
        {
          e.value.v[i] += el.first / win[i].size ();
          e.scale[i] += std::fabs (el.first) / win[i].size ();
        }
    }
  return round_all (e);
}

Expected
avg_pool_grad_ref (const Window &w, const Value &dy)
{
  Value x { dy.dtype, w.in, std::vector<double> (count (w.in), 0.0) };
  Dims od;
  auto win = windows (w, x, od);
  Expected e = sums (dy.dtype, w.in, (double) (w.kr * w.kc) + 1);

  for (gsize i = 0; i < win.size (); i++)
    for (auto &el : win[i])
      {
        e.value.v[el.second] += dy.v[i] / win[i].size ();
        e.scale[el.second] += std::fabs (dy.v[i]) / win[i].size ();
      }
  return round_all (e);
}

const std::vector<Window> &
conv_windows ()
{
  static const std::vector<Window> w = {
    { { 1, 5, 5, 1 }, 3, 3, 1, 1, false },
    { { 2, 5, 6, 3 }, 3, 2, 1, 1, true },
    { { 2, 7, 7, 2 }, 3, 3, 2, 2, true },          /* odd padding: the extra row goes below */
    { { 1, 6, 6, 2 }, 2, 2, 2, 2, false },
    { { 1, 4, 5, 2 }, 4, 4, 3, 2, true },
    { { 1, 8, 8, 3 }, 1, 1, 1, 1, false },         /* a 1×1 window: no im2col */
    { { 1, 7, 7, 1 }, 3, 3, 1, 1, true, 2, 2 },    /* dilated */
    { { 4, 16, 16, 16 }, 5, 5, 1, 1, true },       /* several blocks, several threads */
    { { 0, 4, 4, 1 }, 2, 2, 1, 1, false },         /* no images */
    { { 1, 3, 3, 1 }, 4, 4, 1, 1, false },         /* an empty output: (3 - 4 + 1) / 1 */
  };
  return w;
}

void
conv_cases (std::vector<Case> &cases)
{
  const GraftDType F32 = GRAFT_DTYPE_FLOAT32, F64 = GRAFT_DTYPE_FLOAT64;
  const gint64 out_depths[] = { 1, 4, 3, 2, 1, 5, 2, 4, 1, 2 };

  for (GraftDType dt : dtypes_of ("Conv2D"))
    for (gsize i = 0; i < conv_windows ().size (); i++)
      {
        const Window &w = conv_windows ()[i];
        Dims fd { w.kr, w.kc, w.in[3], out_depths[i] };
        Dims od { w.in[0], w.out_rows (), w.out_cols (), fd[3] };
        Value x = random (dt, w.in), f = random (dt, fd), dy = random (dt, od);
        std::string label = std::string (tag (dt)) + "_" + w.label ();

        add (cases, label, "Conv2D", { x, f }, conv_attrs (w), conv2d_ref (w, x, f));
        add (cases, label, "Conv2DBackpropInput", { f, dy }, both (conv_attrs (w), ints_attr ("input_sizes", w.in)),
             conv2d_backprop_input_ref (w, f, dy));
        add (cases, label, "Conv2DBackpropFilter", { x, dy }, both (conv_attrs (w), ints_attr ("filter_sizes", fd)),
             conv2d_backprop_filter_ref (w, x, fd, dy));
      }
  /* Sizes with -1: the batch and depth inferred from the other inputs. */
  {
    Window w { { 2, 5, 5, 3 }, 3, 3, 2, 2, true };
    Dims fd { 3, 3, 3, 2 }, od { 2, 3, 3, 2 };
    Value x = random (F64, w.in), f = random (F64, fd), dy = random (F64, od);

    add (cases, "inferred_sizes", "Conv2DBackpropInput", { f, dy },
         both (conv_attrs (w), ints_attr ("input_sizes", { -1, 5, 5, -1 })), conv2d_backprop_input_ref (w, f, dy));
    add (cases, "inferred_sizes", "Conv2DBackpropFilter", { x, dy },
         both (conv_attrs (w), ints_attr ("filter_sizes", { 3, 3, -1, -1 })), conv2d_backprop_filter_ref (w, x, fd, dy));
  }
  /* TensorFlow's explicit default dilations mean what the empty default
   * means. */
  {
    Window w { { 1, 5, 5, 2 }, 3, 3, 2, 2, true };
    Value x = random (F32, w.in), f = random (F32, { 3, 3, 2, 3 });

    add (cases, "explicit_dilations", "Conv2D", { x, f }, both (conv_attrs (w), ints_attr ("dilations", { 1, 1, 1, 1 })),
         conv2d_ref (w, x, f));
  }
  /* A hand-checked value: a 3×3 ones filter over 1..9 at SAME sums each
   * pixel's neighbourhood. */
  add (cases, "hand", "Conv2D",
       { value (F32, { 1, 3, 3, 1 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9 }), value (F32, { 3, 3, 1, 1 }, std::vector<double> (9, 1.0)) },
       conv_attrs ({ { 1, 3, 3, 1 }, 3, 3, 1, 1, true }),
       exactly (value (F32, { 1, 3, 3, 1 }, { 12, 21, 16, 27, 45, 33, 24, 39, 28 })));

  const std::vector<Window> pools = {
    { { 1, 4, 4, 1 }, 2, 2, 2, 2, false },
    { { 2, 5, 5, 3 }, 3, 3, 2, 2, true },
    { { 1, 5, 7, 2 }, 2, 3, 2, 2, true },
    { { 2, 6, 6, 2 }, 3, 3, 1, 1, false },
    { { 1, 3, 3, 1 }, 3, 3, 1, 1, true },          /* border windows clipped */
    { { 8, 32, 32, 8 }, 2, 2, 2, 2, false },       /* several threads */
    { { 0, 2, 2, 1 }, 2, 2, 2, 2, true },
  };
  for (GraftDType dt : dtypes_of ("MaxPool"))
    for (const Window &w : pools)
      {
        Value x = random (dt, w.in, -8, 8);
        Value y = max_pool_value (w, x);
        Value dy = random (dt, y.dims);
        std::string label = std::string (tag (dt)) + "_" + w.label ();

        add (cases, label, "MaxPool", { x }, pool_attrs (w), exactly (y));
        add (cases, label, "MaxPoolGrad", { x, y, dy }, pool_attrs (w), max_pool_grad_ref (w, x, dy));
      }
  for (GraftDType dt : dtypes_of ("AvgPool"))
    for (const Window &w : pools)
      {
        Value x = random (dt, w.in);
        Dims od { w.in[0], w.out_rows (), w.out_cols (), w.in[3] };
        Value dy = random (dt, od);
        std::string label = std::string (tag (dt)) + "_" + w.label ();

        add (cases, label, "AvgPool", { x }, pool_attrs (w), avg_pool_ref (w, x));
        add (cases, label, "AvgPoolGrad", { dy }, both (pool_attrs (w), ints_attr ("orig_input_shape", w.in)),
             avg_pool_grad_ref (w, dy));
      }
  /* Ties: the first maximum of the window, in row-major order, takes the
   * whole gradient; overlapping windows add up. */
  add (cases, "ties", "MaxPoolGrad",
       { value (F32, { 1, 2, 3, 1 }, { 5, 5, 1, 5, 5, 5 }), value (F32, { 1, 1, 2, 1 }, { 5, 5 }),
         value (F32, { 1, 1, 2, 1 }, { 1, 10 }) },
       pool_attrs ({ { 1, 2, 3, 1 }, 2, 2, 1, 1, false }),
       exactly (value (F32, { 1, 2, 3, 1 }, { 1, 10, 0, 0, 0, 0 })));
  add (cases, "inferred_shape", "AvgPoolGrad", { value (F64, { 2, 1, 1, 2 }, { 4, 8, 12, 16 }) },
       both (pool_attrs ({ { 2, 2, 2, 2 }, 2, 2, 2, 2, false }), ints_attr ("orig_input_shape", { -1, 2, 2, -1 })),
       exactly (value (F64, { 2, 2, 2, 2 }, { 1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4 })));
}

const std::vector<Case> &
all_cases ()
{
  static std::vector<Case> cases;

  if (cases.empty ())
    {
      binary_cases (cases);
      unary_cases (cases);
      cast_cases (cases);
      softmax_cases (cases);
      array_cases (cases);
      reduce_cases (cases);
      matmul_cases (cases);
      addn_cases (cases);
      math_binary_cases (cases);
      math_unary_cases (cases);
      select_cases (cases);
      bcast_args_cases (cases);
      nn_cases (cases);
      conv_cases (cases);
    }
  return cases;
}

class OpCase : public ::testing::TestWithParam<Case> {};

TEST_P (OpCase, MatchesTheReference)
{
  for (Feed feed : { Feed::CONST, Feed::FULL, Feed::UNKNOWN_DIMS, Feed::UNKNOWN_RANK })
    EXPECT_TRUE (run_case (GetParam (), feed)) << feed_name (feed);
}

INSTANTIATE_TEST_SUITE_P (Ops, OpCase, ::testing::ValuesIn (all_cases ()),
                          [] (const ::testing::TestParamInfo<Case> &info) { return info.param.label; });

TEST (OpCases, LabelsAreUnique)
{
  std::set<std::string> seen;

  for (const Case &c : all_cases ())
    EXPECT_TRUE (seen.insert (c.label).second) << c.label;
}

/* ---- build-time errors ---- */

/* An input of an error case: a Placeholder of this dtype and (partial)
 * shape; `unknown_rank` leaves the shape out. */
struct Input {
  GraftDType dtype;
  Dims dims;
  bool unknown_rank = false;
};

struct BuildError {
  std::string label;
  std::string op;
  std::vector<Input> inputs;
  Attrs attrs;
  GraftGraphError code;
  std::vector<std::string> says;  /* substrings of the message besides the op */
};

void
PrintTo (const BuildError &c, std::ostream *os)
{
  *os << c.label;
}

GraftOutput *
placeholder (GraftGraph  *graph,
             const Input &in)
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", nullptr);

  graft_op_builder_set_attr_type (b, "dtype", in.dtype);
  if (!in.unknown_rank)
    {
      g_autoptr(GraftShape) shape = graft_shape_new (in.dims.data (), in.dims.size ());
      graft_op_builder_set_attr_shape (b, "shape", shape);
    }
  return graft_op_builder_finish (b, nullptr);
}

const GraftDType F32 = GRAFT_DTYPE_FLOAT32, F64 = GRAFT_DTYPE_FLOAT64, I32 = GRAFT_DTYPE_INT32,
                 I64 = GRAFT_DTYPE_INT64, BOOL = GRAFT_DTYPE_BOOL, C64 = GRAFT_DTYPE_COMPLEX64;
const GraftGraphError SHAPE = GRAFT_GRAPH_ERROR_SHAPE, DTYPE = GRAFT_GRAPH_ERROR_DTYPE;

std::vector<BuildError>
build_errors ()
{
  std::vector<BuildError> e;
  auto add_error = [&e] (const char *label, const char *op, std::vector<Input> inputs, Attrs attrs,
                         GraftGraphError code, std::vector<std::string> says) {
    e.push_back (BuildError { std::string (op) + "_" + label, op, inputs, attrs, code, says });
  };

  for (const char *op : { "Add", "Sub", "Mul", "Div" })
    {
      add_error ("shapes", op, { { F32, { 2, 3 } }, { F32, { 4 } } }, nullptr, SHAPE,
                 { "Incompatible shapes for broadcasting: (2, 3) and (4,)" });
      add_error ("partial_shapes", op, { { F64, { -1, 3 } }, { F64, { 2, 4 } } }, nullptr, SHAPE, { "(?, 3)", "(2, 4)" });
      add_error ("dtypes", op, { { F32, { 2 } }, { I32, { 2 } } }, nullptr, DTYPE, { "int32", "float32" });
      add_error ("bool", op, { { BOOL, { 2 } }, { BOOL, { 2 } } }, nullptr, DTYPE, { "bool" });
    }
  for (const char *op : { "Neg", "Square", "Relu" })
    add_error ("bool", op, { { BOOL, { 2, 3 } } }, nullptr, DTYPE, { "bool", "not in the allowed list" });
  for (const char *op : { "Sqrt", "Exp", "Log", "Sigmoid", "Tanh", "Softmax" })
    add_error ("int32", op, { { I32, { 2, 3 } } }, nullptr, DTYPE, { "int32", "not in the allowed list" });
  add_error ("two_inputs", "Identity", { { F32, { 2 } }, { F32, { 2 } } }, nullptr, GRAFT_GRAPH_ERROR_INVALID_INPUT,
             { "takes 1 inputs" });
  /* Dtypes TensorFlow 1.15 registers no kernel for: refused when built,
   * naming the op and the dtype. */
  add_error ("uint16", "Add", { { GRAFT_DTYPE_UINT16, { 2 } }, { GRAFT_DTYPE_UINT16, { 2 } } }, nullptr, DTYPE,
             { "Add", "uint16", "not in the allowed list" });
  add_error ("int8", "Div", { { GRAFT_DTYPE_INT8, { 2 } }, { GRAFT_DTYPE_INT8, { 2 } } }, nullptr, DTYPE,
             { "Div", "int8", "not in the allowed list" });
  add_error ("int8", "Neg", { { GRAFT_DTYPE_INT8, { 2 } } }, nullptr, DTYPE, { "Neg", "int8", "not in the allowed list" });
  add_error ("uint8", "Exp", { { GRAFT_DTYPE_UINT8, { 2 } } }, nullptr, DTYPE, { "Exp", "uint8", "not in the allowed list" });
  add_error ("complex128", "Add", { { GRAFT_DTYPE_COMPLEX128, { 2 } }, { GRAFT_DTYPE_COMPLEX128, { 2 } } }, nullptr,
             DTYPE, { "Add", "complex128", "not in the allowed list" });
  add_error ("int8", "Softmax", { { GRAFT_DTYPE_INT8, { 2 } } }, nullptr, DTYPE, { "Softmax", "int8" });
  add_error ("no_dst", "Cast", { { F32, { 2 } } }, nullptr, GRAFT_GRAPH_ERROR_INVALID_ATTR, { "DstT" });

  add_error ("scalar", "Softmax", { { F32, {} } }, nullptr, SHAPE, { "at least rank 1", "()" });

  add_error ("count", "Reshape", { { F32, { 2, 3 } } }, ints_attr ("shape", { 4 }), SHAPE,
             { "Cannot reshape a tensor with 6 elements to shape (4,) (4 elements)", "(2, 3)" });
  add_error ("not_divisible", "Reshape", { { F32, { 7 } } }, ints_attr ("shape", { -1, 2 }), SHAPE,
             { "Cannot reshape a tensor with 7 elements to shape (-1, 2)", "(7,)" });
  add_error ("partial", "Reshape", { { F32, { -1, 3 } } }, ints_attr ("shape", { 4 }), SHAPE,
             { "Cannot reshape a tensor of shape (?, 3) to shape (4,)" });
  add_error ("two_unknowns", "Reshape", { { F32, { 6 } } }, ints_attr ("shape", { -1, -1 }), SHAPE,
             { "Only one size may be -1", "(-1, -1)" });
  add_error ("negative", "Reshape", { { F32, { 6 } } }, ints_attr ("shape", { -2, -3 }), SHAPE,
             { "must be non-negative", "(-2, -3)" });
  add_error ("infer_with_zero", "Reshape", { { F32, { 0, 2 } } }, ints_attr ("shape", { 0, -1 }), SHAPE,
             { "(0, -1)", "(0, 2)" });

  add_error ("rank", "Transpose", { { F32, { 2, 3 } } }, ints_attr ("perm", { 0 }), SHAPE,
             { "perm (0,) is not a permutation of the axes of a tensor of shape (2, 3)" });
  add_error ("repeated", "Transpose", { { F32, { 2, 3 } } }, ints_attr ("perm", { 0, 0 }), SHAPE,
             { "(0, 0)", "(2, 3)", "0 appears twice" });
  add_error ("out_of_range", "Transpose", { { F32, { 2, 3 } } }, ints_attr ("perm", { 0, 2 }), SHAPE,
             { "(0, 2)", "(2, 3)", "out of range" });
  add_error ("unknown_rank", "Transpose", { { F32, {}, true } }, ints_attr ("perm", { 1, 1 }), SHAPE,
             { "(1, 1)", "<unknown>" });

  add_error ("vector_value", "Fill", { { F32, { 2 } } }, ints_attr ("dims", { 2, 2 }), SHAPE,
             { "value must be a scalar", "(2,)" });
  add_error ("negative_dims", "Fill", { { F32, {} } }, ints_attr ("dims", { 2, -1 }), SHAPE, { "(2, -1)" });
  for (const char *op : { "ZerosLike", "OnesLike" })
    add_error ("two_inputs", op, { { F32, { 2 } }, { F32, { 2 } } }, nullptr, GRAFT_GRAPH_ERROR_INVALID_INPUT,
               { "takes 1 inputs" });
  add_error ("complex", "ArgMax", { { C64, { 3 } } }, nullptr, DTYPE, { "ArgMax", "complex64" });

  add_error ("axis", "ArgMax", { { F32, { 2, 3 } } }, int_attr ("axis", 2), SHAPE,
             { "Invalid axis 2 for a tensor of shape (2, 3)" });
  add_error ("negative_axis", "ArgMax", { { F32, { 2, 3 } } }, int_attr ("axis", -3), SHAPE, { "-3", "(2, 3)" });
  add_error ("empty_axis", "ArgMax", { { F32, { 0, 3 } } }, nullptr, SHAPE, { "axis 0 is empty", "(0, 3)" });
  add_error ("scalar", "ArgMax", { { F32, {} } }, nullptr, SHAPE, { "rank 1 or more", "()" });
  add_error ("output_type", "ArgMax", { { F32, { 3 } } }, type_attr ("output_type", F32), DTYPE,
             { "output_type is float32" });
  add_error ("bool", "ArgMax", { { BOOL, { 3 } } }, nullptr, DTYPE, { "bool" });

  for (const char *op : { "ReduceSum", "ReduceMean", "ReduceMax" })
    {
      add_error ("axis", op, { { F32, { 2, 3 } } }, ints_attr ("axis", { 2 }), SHAPE,
                 { "Invalid reduction axis 2 for a tensor of shape (2, 3)" });
      add_error ("repeated_axis", op, { { F32, { 2, 3 } } }, ints_attr ("axis", { 0, -2 }), SHAPE,
                 { "Axis 0 appears twice in axis (0, -2) for a tensor of shape (2, 3)" });
      add_error ("partial", op, { { F64, { -1, 3 } } }, ints_attr ("axis", { -3 }), SHAPE, { "-3", "(?, 3)" });
      add_error ("bool", op, { { BOOL, { 2 } } }, nullptr, DTYPE, { "bool" });
    }

  add_error ("inner", "MatMul", { { F32, { 2, 3 } }, { F32, { 4, 5 } } }, nullptr, SHAPE,
             { "Dimensions must be equal, but are 3 and 4", "(2, 3), (4, 5)" });
  add_error ("transposed", "MatMul", { { F32, { 2, 3 } }, { F32, { 3, 2 } } }, bool_attr ("transpose_b", true), SHAPE,
             { "Dimensions must be equal, but are 3 and 2", "(2, 3), (3, 2)" });
  add_error ("rank", "MatMul", { { F32, { 2, 3, 4 } }, { F32, { 4, 5 } } }, nullptr, SHAPE,
             { "rank 2 but is rank 3", "(2, 3, 4), (4, 5)" });
  add_error ("dtypes", "MatMul", { { F32, { 2, 2 } }, { F64, { 2, 2 } } }, nullptr, DTYPE, { "float64", "float32" });
  add_error ("bool", "MatMul", { { BOOL, { 2, 2 } }, { BOOL, { 2, 2 } } }, nullptr, DTYPE, { "bool" });

  add_error ("shapes", "AddN", { { F32, { 2, 3 } }, { F32, { 2, 3 } }, { F32, { 3, 3 } } }, nullptr, SHAPE,
             { "Dimension 0 in both shapes must be equal, but are 2 and 3", "(2, 3)", "(3, 3)" });
  add_error ("dtypes", "AddN", { { F32, { 2 } }, { F64, { 2 } } }, nullptr, DTYPE, { "float64", "float32" });
  add_error ("ranks", "AddN", { { F32, { -1, 3 } }, { F32, { 3 } } }, nullptr, SHAPE,
             { "Shapes must be equal rank, but are 2 and 1", "(?, 3)", "(3,)" });
  add_error ("no_inputs", "AddN", {}, nullptr, GRAFT_GRAPH_ERROR_INVALID_INPUT,
             { "takes 0 single inputs and 1 list of at least 1 tensor each", "but 0 inputs were given" });
  add_error ("bool", "AddN", { { BOOL, { 2 } } }, nullptr, DTYPE, { "bool", "not in the allowed list" });
  for (const char *op : { "Maximum", "Minimum", "Pow", "Greater", "GreaterEqual", "Less", "LessEqual", "Equal",
                          "NotEqual" })
    {
      add_error ("shapes", op, { { F32, { 2, 3 } }, { F32, { 4 } } }, nullptr, SHAPE,
                 { "Incompatible shapes for broadcasting: (2, 3) and (4,)" });
      add_error ("dtypes", op, { { F32, { 2 } }, { I32, { 2 } } }, nullptr, DTYPE, { "int32", "float32" });
    }
  for (const char *op : { "Maximum", "Minimum", "Pow", "Greater", "GreaterEqual", "Less", "LessEqual" })
    add_error ("bool", op, { { BOOL, { 2 } }, { BOOL, { 2 } } }, nullptr, DTYPE, { "bool", "not in the allowed list" });
  add_error ("bfloat16", "Pow", { { GRAFT_DTYPE_BFLOAT16, { 2 } }, { GRAFT_DTYPE_BFLOAT16, { 2 } } }, nullptr, DTYPE,
             { "bfloat16", "not in the allowed list" });
  add_error ("complex", "Equal", { { C64, { 2 } }, { C64, { 2 } } }, nullptr, DTYPE, { "complex64" });
  add_error ("uint8", "Abs", { { GRAFT_DTYPE_UINT8, { 2 } } }, nullptr, DTYPE, { "uint8", "not in the allowed list" });
  add_error ("bool", "Sign", { { BOOL, { 2 } } }, nullptr, DTYPE, { "bool", "not in the allowed list" });
  add_error ("int32", "Rsqrt", { { I32, { 2 } } }, nullptr, DTYPE, { "int32", "not in the allowed list" });
  add_error ("two_inputs", "StopGradient", { { F32, { 2 } }, { F32, { 2 } } }, nullptr,
             GRAFT_GRAPH_ERROR_INVALID_INPUT, { "takes 1 inputs" });

  add_error ("t_e", "Select", { { BOOL, { 2 } }, { F32, { 2 } }, { F32, { 3 } } }, nullptr, SHAPE,
             { "Dimension 0 in both shapes must be equal, but are 2 and 3", "(2,)", "(3,)" });
  add_error ("rows", "Select", { { BOOL, { 3 } }, { F32, { 2, 4 } }, { F32, { 2, 4 } } }, nullptr, SHAPE,
             { "but are 3 and 2", "(3,)", "(2, 4)" });
  add_error ("cond", "Select", { { BOOL, { 2, 3 } }, { F32, { 2, 4 } }, { F32, { 2, 4 } } }, nullptr, SHAPE,
             { "(2, 3)", "(2, 4)" });
  add_error ("vector_scalar", "Select", { { BOOL, { 2 } }, { F32, {} }, { F32, {} } }, nullptr, SHAPE,
             { "Shapes must be equal rank, but are 0 and 1" });
  add_error ("cond_dtype", "Select", { { I32, { 2 } }, { F32, { 2 } }, { F32, { 2 } } }, nullptr, DTYPE,
             { "Tcondition is int32, which is not in the allowed list {bool}" });
  add_error ("dtypes", "Select", { { BOOL, { 2 } }, { F32, { 2 } }, { F64, { 2 } } }, nullptr, DTYPE,
             { "float64", "float32" });

  add_error ("rank", "BroadcastGradientArgs", { { I32, { 2, 1 } }, { I32, { 2 } } }, nullptr, SHAPE,
             { "Shape must be rank 1 but is rank 2", "(2, 1)" });
  add_error ("float", "BroadcastGradientArgs", { { F32, { 2 } }, { F32, { 2 } } }, nullptr, DTYPE,
             { "float32", "not in the allowed list" });
  for (const char *op : { "ReluGrad", "SigmoidGrad", "TanhGrad" })
    {
      add_error ("shapes", op, { { F32, { 2, 3 } }, { F32, { 2, 4 } } }, nullptr, SHAPE,
                 { "Dimensions must be equal, but are 3 and 4", "(2, 3), (2, 4)" });
      add_error ("ranks", op, { { F32, { 2, 3 } }, { F32, { 6 } } }, nullptr, SHAPE,
                 { "Shapes must be equal rank, but are 2 and 1", "(2, 3), (6,)" });
      add_error ("partial", op, { { F64, { -1, 3 } }, { F64, { 2, 4 } } }, nullptr, SHAPE, { "(?, 3), (2, 4)" });
      add_error ("dtypes", op, { { F32, { 2 } }, { F64, { 2 } } }, nullptr, DTYPE, { "float64", "float32" });
    }
  add_error ("bool", "ReluGrad", { { BOOL, { 2 } }, { BOOL, { 2 } } }, nullptr, DTYPE, { "bool", "not in the allowed list" });
  for (const char *op : { "SigmoidGrad", "TanhGrad", "LogSoftmax", "L2Loss" })
    {
      std::vector<Input> in { { I32, { 2 } } };
      if (strcmp (op, "SigmoidGrad") == 0 || strcmp (op, "TanhGrad") == 0)
        in.push_back ({ I32, { 2 } });
      add_error ("int32", op, in, nullptr, DTYPE, { "int32", "not in the allowed list" });
    }
  add_error ("scalar", "LogSoftmax", { { F32, {} } }, nullptr, SHAPE, { "at least rank 1", "()" });

  add_error ("rank", "SoftmaxCrossEntropyWithLogits", { { F32, { 3 } }, { F32, { 3 } } }, nullptr, SHAPE,
             { "Shape must be rank 2 but is rank 1 for 'features'", "(3,), (3,)" });
  add_error ("labels_rank", "SoftmaxCrossEntropyWithLogits", { { F32, { 2, 3 } }, { F32, { 2, 3, 1 } } }, nullptr, SHAPE,
             { "Shape must be rank 2 but is rank 3 for 'labels'", "(2, 3), (2, 3, 1)" });
  add_error ("not_broadcastable", "SoftmaxCrossEntropyWithLogits", { { F32, { 2, 3 } }, { F32, { 3, 3 } } }, nullptr,
             SHAPE, { "logits and labels must be broadcastable: logits_size=(2, 3) labels_size=(3, 3)" });
  add_error ("bfloat16", "SoftmaxCrossEntropyWithLogits",
             { { GRAFT_DTYPE_BFLOAT16, { 2, 3 } }, { GRAFT_DTYPE_BFLOAT16, { 2, 3 } } }, nullptr, DTYPE,
             { "bfloat16", "not in the allowed list" });
  add_error ("dtypes", "SoftmaxCrossEntropyWithLogits", { { F32, { 2, 3 } }, { F64, { 2, 3 } } }, nullptr, DTYPE,
             { "float64", "float32" });

  add_error ("rank", "SparseSoftmaxCrossEntropyWithLogits", { { F32, { 2, 3 } }, { I32, { 2, 1 } } }, nullptr, SHAPE,
             { "Shape must be rank 1 but is rank 2 for 'labels'", "(2, 3), (2, 1)" });
  add_error ("features_rank", "SparseSoftmaxCrossEntropyWithLogits", { { F32, { 3 } }, { I32, { 3 } } }, nullptr, SHAPE,
             { "Shape must be rank 2 but is rank 1 for 'features'" });
  add_error ("batch", "SparseSoftmaxCrossEntropyWithLogits", { { F32, { 2, 3 } }, { I64, { 3 } } }, nullptr, SHAPE,
             { "Dimensions must be equal, but are 2 and 3", "(2, 3), (3,)" });
  add_error ("float_labels", "SparseSoftmaxCrossEntropyWithLogits", { { F32, { 2, 3 } }, { F32, { 2 } } }, nullptr,
             DTYPE, { "float32", "not in the allowed list" });
  add_error ("bfloat16", "SparseSoftmaxCrossEntropyWithLogits", { { GRAFT_DTYPE_BFLOAT16, { 2, 3 } }, { I32, { 2 } } },
             nullptr, DTYPE, { "bfloat16", "not in the allowed list" });

  add_error ("rank", "BiasAdd", { { F32, { 3 } }, { F32, { 3 } } }, nullptr, SHAPE,
             { "Shape must be at least rank 2 but is rank 1 for 'value'", "(3,), (3,)" });
  add_error ("nchw_rank", "BiasAdd", { { F32, { 2, 3 } }, { F32, { 3 } } }, string_attr ("data_format", "NCHW"), SHAPE,
             { "Shape must be at least rank 3 but is rank 2 for 'value'" });
  add_error ("bias_rank", "BiasAdd", { { F32, { 2, 3 } }, { F32, { 1, 3 } } }, nullptr, SHAPE,
             { "Shape must be rank 1 but is rank 2 for 'bias'", "(2, 3), (1, 3)" });
  add_error ("channels", "BiasAdd", { { F32, { 2, 4 } }, { F32, { 3 } } }, nullptr, SHAPE,
             { "Dimensions must be equal, but are 4 and 3", "(2, 4), (3,)" });
  add_error ("nchw_channels", "BiasAdd", { { F32, { 2, 3, 4, 4 } }, { F32, { 4 } } }, string_attr ("data_format", "NCHW"),
             SHAPE, { "Dimensions must be equal, but are 3 and 4" });
  add_error ("format", "BiasAdd", { { F32, { 2, 3 } }, { F32, { 3 } } }, string_attr ("data_format", "NWHC"),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "Invalid data format \"NWHC\"", "\"NHWC\" or \"NCHW\"" });
  add_error ("bool", "BiasAdd", { { BOOL, { 2, 3 } }, { BOOL, { 3 } } }, nullptr, DTYPE, { "bool" });
  add_error ("rank", "BiasAddGrad", { { F32, { 3 } } }, nullptr, SHAPE,
             { "Shape must be at least rank 2 but is rank 1 for 'out_backprop'", "(3,)" });
  add_error ("format", "BiasAddGrad", { { F32, { 2, 3 } } }, string_attr ("data_format", "nhwc"),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "Invalid data format \"nhwc\"" });
  add_error ("complex", "BiasAddGrad", { { C64, { 2, 3 } } }, nullptr, DTYPE, { "complex64" });
  /* Convolution and pooling: attributes, shapes, dtypes. */
  Window w33 { { 1, 5, 5, 2 }, 3, 3, 1, 1, true };
  add_error ("stride_count", "Conv2D", { { F32, { 1, 5, 5, 2 } }, { F32, { 3, 3, 2, 4 } } },
             both (ints_attr ("strides", { 1, 1 }), string_attr ("padding", "SAME")), GRAFT_GRAPH_ERROR_INVALID_ATTR,
             { "Conv2D requires the stride attribute to contain 4 values, but got: 2" });
  add_error ("batch_stride", "Conv2D", { { F32, { 1, 5, 5, 2 } }, { F32, { 3, 3, 2, 4 } } },
             both (ints_attr ("strides", { 2, 1, 1, 1 }), string_attr ("padding", "SAME")),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "strides in the batch and depth dimensions", "(2, 1, 1, 1)" });
  add_error ("zero_stride", "Conv2D", { { F32, { 1, 5, 5, 2 } }, { F32, { 3, 3, 2, 4 } } },
             both (ints_attr ("strides", { 1, 0, 1, 1 }), string_attr ("padding", "SAME")),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "Stride must be > 0, but got 0" });
  add_error ("padding", "Conv2D", { { F32, { 1, 5, 5, 2 } }, { F32, { 3, 3, 2, 4 } } },
             both (ints_attr ("strides", { 1, 1, 1, 1 }), string_attr ("padding", "FULL")),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "Value for attr 'padding' of \"FULL\"", "\"SAME\", \"VALID\"" });
  add_error ("nchw", "Conv2D", { { F32, { 1, 2, 5, 5 } }, { F32, { 3, 3, 2, 4 } } },
             both (conv_attrs (w33), string_attr ("data_format", "NCHW")), GRAFT_GRAPH_ERROR_INVALID_ATTR,
             { "NHWC", "\"NCHW\"" });
  add_error ("dilations", "Conv2D", { { F32, { 1, 5, 5, 2 } }, { F32, { 3, 3, 2, 4 } } },
             both (conv_attrs (w33), ints_attr ("dilations", { 1, 2, 1 })), GRAFT_GRAPH_ERROR_INVALID_ATTR,
             { "dilations attribute to contain 4 values, but got: 3" });
  add_error ("depth", "Conv2D", { { F32, { 1, 5, 5, 3 } }, { F32, { 3, 3, 2, 4 } } }, conv_attrs (w33), SHAPE,
             { "Dimensions must be equal, but are 3 and 2", "(1, 5, 5, 3), (3, 3, 2, 4)" });
  add_error ("rank", "Conv2D", { { F32, { 5, 5, 2 } }, { F32, { 3, 3, 2, 4 } } }, conv_attrs (w33), SHAPE,
             { "Shape must be rank 4 but is rank 3", "input", "(5, 5, 2)" });
  add_error ("negative_output", "Conv2D", { { F32, { 1, 2, 5, 2 } }, { F32, { 4, 3, 2, 4 } } },
             conv_attrs ({ { 1, 2, 5, 2 }, 4, 3, 1, 1, false }), SHAPE,
             { "Computed output size would be negative: -1 [input_size: 2, effective_filter_size: 4, stride: 1]" });
  add_error ("int32", "Conv2D", { { I32, { 1, 5, 5, 2 } }, { I32, { 3, 3, 2, 4 } } }, conv_attrs (w33), DTYPE,
             { "int32", "not in the allowed list" });
  add_error ("sizes", "Conv2DBackpropInput", { { F32, { 3, 3, 2, 4 } }, { F32, { 1, 5, 5, 4 } } },
             both (conv_attrs (w33), ints_attr ("input_sizes", { 5, 5, 2 })), GRAFT_GRAPH_ERROR_INVALID_ATTR,
             { "input_sizes attribute to contain 4 values, but got: 3" });
  add_error ("unknown_rows", "Conv2DBackpropInput", { { F32, { 3, 3, 2, 4 } }, { F32, { 1, 5, 5, 4 } } },
             both (conv_attrs (w33), ints_attr ("input_sizes", { 1, -1, 5, 2 })), GRAFT_GRAPH_ERROR_INVALID_ATTR,
             { "(1, -1, 5, 2)", "negative size at index 1" });
  add_error ("out_backprop", "Conv2DBackpropInput", { { F32, { 3, 3, 2, 4 } }, { F32, { 1, 4, 5, 4 } } },
             both (conv_attrs (w33), ints_attr ("input_sizes", { 1, 5, 5, 2 })), SHAPE,
             { "Size of out_backprop doesn't match computed", "(1, 4, 5, 4)", "(1, 5, 5, 4)" });
  add_error ("depth", "Conv2DBackpropFilter", { { F32, { 1, 5, 5, 2 } }, { F32, { 1, 5, 5, 4 } } },
             both (conv_attrs (w33), ints_attr ("filter_sizes", { 3, 3, 3, 4 })), SHAPE,
             { "Dimensions must be equal, but are 2 and 3" });
  add_error ("out_backprop", "Conv2DBackpropFilter", { { F32, { 1, 5, 5, 2 } }, { F32, { 1, 5, 5, 3 } } },
             both (conv_attrs (w33), ints_attr ("filter_sizes", { 3, 3, 2, 4 })), SHAPE,
             { "Size of out_backprop doesn't match computed", "(1, 5, 5, 3)", "(1, 5, 5, 4)" });
  add_error ("ksize", "MaxPool", { { F32, { 1, 4, 4, 1 } } },
             both (ints_attr ("ksize", { 2, 2 }), conv_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false })),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "MaxPool requires the ksize attribute to contain 4 values, but got: 2" });
  add_error ("batch_window", "MaxPool", { { F32, { 2, 4, 4, 1 } } },
             both (ints_attr ("ksize", { 2, 2, 2, 1 }), conv_attrs ({ { 2, 4, 4, 1 }, 2, 2, 2, 2, false })),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "Pooling is not yet supported on the batch", "(2, 2, 2, 1)" });
  add_error ("zero_window", "MaxPool", { { F32, { 2, 4, 4, 1 } } },
             both (ints_attr ("ksize", { 1, 0, 2, 1 }), conv_attrs ({ { 2, 4, 4, 1 }, 2, 2, 2, 2, false })),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "ksize for dimension 1 was 0" });
  add_error ("bool", "MaxPool", { { BOOL, { 1, 4, 4, 1 } } }, pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }),
             DTYPE, { "bool" });
  add_error ("grad", "MaxPoolGrad", { { F32, { 1, 4, 4, 1 } }, { F32, { 1, 2, 2, 1 } }, { F32, { 1, 3, 2, 1 } } },
             pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }), SHAPE,
             { "Size of grad doesn't match computed", "(1, 3, 2, 1)", "(1, 2, 2, 1)" });
  add_error ("int32", "AvgPool", { { I32, { 1, 4, 4, 1 } } }, pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }),
             DTYPE, { "int32", "not in the allowed list" });
  add_error ("nchw", "AvgPool", { { F32, { 1, 1, 4, 4 } } },
             both (pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }), string_attr ("data_format", "NCHW")),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "AvgPool supports only data_format \"NHWC\"" });
  add_error ("shape", "AvgPoolGrad", { { F32, { 1, 2, 2, 1 } } },
             both (pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }), ints_attr ("orig_input_shape", { 4, 4 })),
             GRAFT_GRAPH_ERROR_INVALID_ATTR, { "orig_input_shape (4, 4) must have 4 sizes" });
  add_error ("grad", "AvgPoolGrad", { { F32, { 1, 3, 2, 1 } } },
             both (pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }), ints_attr ("orig_input_shape", { 1, 4, 4, 1 })),
             SHAPE, { "Size of grad doesn't match computed", "(1, 3, 2, 1)" });
  return e;
}

class OpBuildError : public ::testing::TestWithParam<BuildError> {};

TEST_P (OpBuildError, IsRefusedNamingTheOpAndTheShapes)
{
  const BuildError &c = GetParam ();
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  std::string prefix = c.op + " op 'layer/bad'";

  g_autoptr(GraftNameScopeGuard) scope = graft_graph_enter_name_scope (graph, "layer", &error);
  ASSERT_NE (scope, nullptr) << describe_error (error);
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, c.op.c_str (), "bad");
  for (const Input &in : c.inputs)
    graft_op_builder_add_input (b, placeholder (graph, in));
  if (c.attrs)
    c.attrs (b);

  EXPECT_EQ (graft_op_builder_finish (b, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, c.code)) << describe_error (error);
  EXPECT_TRUE (g_str_has_prefix (error->message, prefix.c_str ())) << error->message;
  for (const std::string &s : c.says)
    EXPECT_NE (strstr (error->message, s.c_str ()), nullptr) << "\"" << s << "\" not in: " << error->message;
}

INSTANTIATE_TEST_SUITE_P (Ops, OpBuildError, ::testing::ValuesIn (build_errors ()),
                          [] (const ::testing::TestParamInfo<BuildError> &info) { return info.param.label; });

/* ---- run-time errors: partial shapes hid the mistake ---- */

struct RunError {
  std::string label;
  std::string op;
  std::vector<Input> inputs;  /* the placeholders, partial */
  std::vector<Value> fed;     /* what they are fed */
  Attrs attrs;
  GraftSessionError code;
  std::vector<std::string> says;
};

void
PrintTo (const RunError &c, std::ostream *os)
{
  *os << c.label;
}

std::vector<RunError>
run_errors ()
{
  const GraftSessionError KERNEL = GRAFT_SESSION_ERROR_KERNEL, RSHAPE = GRAFT_SESSION_ERROR_SHAPE;

  return {
    { "Reshape_count", "Reshape", { { F32, { -1 } } }, { value (F32, { 5 }, { 1, 2, 3, 4, 5 }) },
      ints_attr ("shape", { 2, 3 }), RSHAPE,
      { "Cannot reshape a tensor with 5 elements to shape (2, 3) (6 elements)", "(5,)" } },
    { "Reshape_not_divisible", "Reshape", { { F32, { -1 } } }, { value (F32, { 5 }, { 1, 2, 3, 4, 5 }) },
      ints_attr ("shape", { -1, 2 }), RSHAPE, { "Cannot reshape a tensor with 5 elements to shape (-1, 2)" } },
    { "MatMul_inner", "MatMul", { { F32, { 2, -1 } }, { F32, { -1, 3 } } },
      { random (F32, { 2, 4 }), random (F32, { 5, 3 }) }, nullptr, RSHAPE,
      { "Dimensions must be equal, but are 4 and 5", "(2, 4)", "(5, 3)" } },
    { "Div_by_zero", "Div", { { I32, { 2 } }, { I32, { 2 } } },
      { value (I32, { 2 }, { 1, 2 }), value (I32, { 2 }, { 1, 0 }) }, nullptr, KERNEL, { "division by zero" } },
    { "Add_shapes", "Add", { { F32, { -1, 3 } }, { F32, { 2, 3 } } },
      { random (F32, { 5, 3 }), random (F32, { 2, 3 }) }, nullptr, RSHAPE, { "Incompatible shapes", "(5, 3)" } },
    { "ArgMax_empty_axis", "ArgMax", { { F32, { -1, 3 } } }, { value (F32, { 0, 3 }, {}) }, nullptr, RSHAPE,
      { "axis 0 is empty", "(0, 3)" } },
    { "Fill_vector_value", "Fill", { { F32, {}, true } }, { value (F32, { 2 }, { 1, 2 }) },
      ints_attr ("dims", { 2 }), RSHAPE, { "value must be a scalar", "(2,)" } },
    { "ReduceMean_no_integers", "ReduceMean", { { I32, { -1 } } }, { value (I32, { 0 }, {}) }, nullptr, KERNEL,
      { "mean of no integers", "(0,)" } },
    { "ReduceSum_axis", "ReduceSum", { { F32, {}, true } }, { random (F32, { 2 }) }, ints_attr ("axis", { 1 }),
      RSHAPE, { "Invalid reduction axis 1 for a tensor of shape (2,)" } },
    { "Softmax_scalar", "Softmax", { { F32, {}, true } }, { value (F32, {}, { 1 }) }, nullptr, RSHAPE,
      { "at least rank 1" } },
    { "Transpose_rank", "Transpose", { { F32, {}, true } }, { random (F32, { 2, 3 }) }, ints_attr ("perm", { 0 }),
      RSHAPE, { "perm (0,)", "(2, 3)" } },
    { "AddN_shapes", "AddN", { { F32, { -1 } }, { F32, { -1 } } },
      { random (F32, { 2 }), random (F32, { 3 }) }, nullptr, RSHAPE,
      { "Dimension 0 in both shapes must be equal, but are 2 and 3", "(2,)", "(3,)" } },
    { "Maximum_shapes", "Maximum", { { F32, { -1, 3 } }, { F32, { 2, 3 } } },
      { random (F32, { 5, 3 }), random (F32, { 2, 3 }) }, nullptr, RSHAPE, { "Incompatible shapes", "(5, 3)" } },
    { "Pow_negative_exponent", "Pow", { { I32, { 2 } }, { I32, { 2 } } },
      { value (I32, { 2 }, { 2, 2 }), value (I32, { 2 }, { 1, -1 }) }, nullptr, KERNEL,
      { "Integers to negative integer powers are not allowed" } },
    { "Select_t_e", "Select", { { BOOL, { -1 } }, { F32, { -1 } }, { F32, { -1 } } },
      { value (BOOL, { 2 }, { 1, 0 }), random (F32, { 2 }), random (F32, { 3 }) }, nullptr, RSHAPE,
      { "Dimension 0 in both shapes must be equal, but are 2 and 3", "(2,)", "(3,)" } },
    { "Select_rows", "Select", { { BOOL, { -1 } }, { F32, { -1, 2 } }, { F32, { -1, 2 } } },
      { value (BOOL, { 3 }, { 1, 0, 1 }), random (F32, { 2, 2 }), random (F32, { 2, 2 }) }, nullptr, RSHAPE,
      { "but are 3 and 2", "(3,)", "(2, 2)" } },
    { "BroadcastGradientArgs_shapes", "BroadcastGradientArgs", { { I32, { -1 } }, { I32, { -1 } } },
      { value (I32, { 2 }, { 2, 3 }), value (I32, { 1 }, { 4 }) }, nullptr, RSHAPE,
      { "Incompatible shapes: [2,3] vs. [4]" } },
    { "ReluGrad_shapes", "ReluGrad", { { F32, { -1 } }, { F32, { -1 } } }, { random (F32, { 2 }), random (F32, { 3 }) },
      nullptr, RSHAPE, { "Dimensions must be equal, but are 2 and 3" } },
    { "SparseSoftmaxCrossEntropyWithLogits_label_range", "SparseSoftmaxCrossEntropyWithLogits",
      { { F32, { -1, 10 } }, { I32, { -1 } } }, { random (F32, { 3, 10 }), value (I32, { 3 }, { 0, 10, 3 }) }, nullptr,
      KERNEL, { "Received a label value of 10 which is outside the valid range of [0, 10).  Label values: 0 10 3" } },
    { "SparseSoftmaxCrossEntropyWithLogits_negative_label", "SparseSoftmaxCrossEntropyWithLogits",
      { { F64, { 2, 4 } }, { I64, { 2 } } }, { random (F64, { 2, 4 }), value (I64, { 2 }, { 7, -1 }) }, nullptr,
      KERNEL, { "Received a label value of -1 which is outside the valid range of [0, 4).  Label values: 7 -1" } },
    { "SparseSoftmaxCrossEntropyWithLogits_no_class", "SparseSoftmaxCrossEntropyWithLogits",
      { { F32, { -1, -1 } }, { I32, { -1 } } }, { value (F32, { 2, 0 }, {}), value (I32, { 2 }, { 0, 0 }) }, nullptr,
      KERNEL, { "Must have at least one class, but got logits shape (2, 0)" } },
    { "SoftmaxCrossEntropyWithLogits_broadcast", "SoftmaxCrossEntropyWithLogits",
      { { F32, { -1, 3 } }, { F32, { 2, 3 } } }, { random (F32, { 4, 3 }), random (F32, { 2, 3 }) }, nullptr, RSHAPE,
      { "logits and labels must be broadcastable: logits_size=(4, 3) labels_size=(2, 3)" } },
    { "BiasAdd_channels", "BiasAdd", { { F32, { 2, -1 } }, { F32, { -1 } } }, { random (F32, { 2, 4 }), random (F32, { 3 }) },
      nullptr, RSHAPE, { "Dimensions must be equal, but are 4 and 3" } },
    { "Conv2D_depth", "Conv2D", { { F32, { 1, 4, 4, -1 } }, { F32, { 2, 2, -1, 1 } } },
      { random (F32, { 1, 4, 4, 2 }), random (F32, { 2, 2, 3, 1 }) }, conv_attrs ({ { 1, 4, 4, 2 }, 2, 2, 1, 1, true }),
      RSHAPE, { "Dimensions must be equal, but are 2 and 3" } },
    { "MaxPoolGrad_grad", "MaxPoolGrad", { { F32, { 1, 4, 4, 1 } }, { F32, {}, true }, { F32, { 1, -1, -1, 1 } } },
      { random (F32, { 1, 4, 4, 1 }), random (F32, { 1, 2, 2, 1 }), random (F32, { 1, 3, 3, 1 }) },
      pool_attrs ({ { 1, 4, 4, 1 }, 2, 2, 2, 2, false }), RSHAPE, { "Size of grad doesn't match computed", "(1, 3, 3, 1)" } },
  };
}

class OpRunError : public ::testing::TestWithParam<RunError> {};

TEST_P (OpRunError, FailsNamingTheOpAndTheShapes)
{
  const RunError &c = GetParam ();
  g_autoptr(GraftGraph) graph = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  std::vector<GraftOutput *> feeds;
  std::vector<GraftTensor *> values;
  std::string prefix = c.op + " op 'bad': ";
  GraftOutput *out;

  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, c.op.c_str (), "bad");
  for (gsize i = 0; i < c.inputs.size (); i++)
    {
      feeds.push_back (placeholder (graph, c.inputs[i]));
      values.push_back (to_tensor (c.fed[i]));
      graft_op_builder_add_input (b, feeds.back ());
    }
  if (c.attrs)
    c.attrs (b);
  out = graft_op_builder_finish (b, &error);
  ASSERT_NE (out, nullptr) << describe_error (error);

  g_autoptr(GraftSession) session = graft_session_new (graph);
  guint n = 0;
  GraftTensor **r = graft_session_run (session, feeds.data (), values.data (), feeds.size (), &out, 1, nullptr, 0,
                                       nullptr, &n, &error);
  EXPECT_EQ (r, nullptr);
  for (GraftTensor *t : values)
    graft_tensor_unref (t);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_SESSION_ERROR, c.code)) << describe_error (error);
  EXPECT_TRUE (g_str_has_prefix (error->message, prefix.c_str ())) << error->message;
  for (const std::string &s : c.says)
    EXPECT_NE (strstr (error->message, s.c_str ()), nullptr) << "\"" << s << "\" not in: " << error->message;
}

INSTANTIATE_TEST_SUITE_P (Ops, OpRunError, ::testing::ValuesIn (run_errors ()),
                          [] (const ::testing::TestParamInfo<RunError> &info) { return info.param.label; });

/* ---- the registry: no op without cases ---- */

/* The session evaluates these itself (tests/test-session.cc covers them). */
const std::set<std::string> kSessionOps = {
  "Const", "Placeholder", "VariableV2", "Assign", "AssignAdd", "AssignSub", "NoOp",
};

/* Random ops draw from the op's seed pair: tests/test-initializers.cc checks
 * their formulas against the generator and their distributions
 * statistically, which a fixed reference here cannot. */
const std::set<std::string> kRandomOps = {
  "RandomUniform", "RandomStandardNormal", "TruncatedNormal", "RandomUniformInt",
};

/* Ops with `ref` inputs update variables, which the one-op Const graphs of
 * this harness cannot provide: tests/test-optimizers.cc runs them on
 * variables, per dtype, with their values, shape errors and ref errors. */
const std::set<std::string> kRefOps = {
  "ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyRMSProp", "ApplyCenteredRMSProp", "ApplyAdagrad",
};

std::vector<std::string>
registered_ops ()
{
  guint n = 0;
  g_autofree const GraftOpDef **defs = graft_registry_list_ops (graft_registry_get_default (), &n);
  std::vector<std::string> names;

  for (guint i = 0; i < n; i++)
    names.push_back (graft_op_def_get_name (defs[i]));
  return names;
}

TEST (OpRegistry, EveryOpHasValueCases)
{
  std::set<std::string> covered;

  for (const Case &c : all_cases ())
    covered.insert (c.op);
  for (const std::string &op : registered_ops ())
    {
      if (kSessionOps.count (op) || kRandomOps.count (op) || kRefOps.count (op))
        continue;
      EXPECT_TRUE (covered.count (op)) << op << " has no case in tests/test-ops.cc";
    }
}

/* The dtypes an op's first input may have: its type attribute's list, or
 * every dtype when the attribute is open (Identity, Reshape, ...); empty
 * for an op without inputs or whose first input has a fixed dtype. */
std::vector<GraftDType>
first_input_dtypes (const GraftOpDef *def)
{
  std::vector<GraftDType> out;
  gint attr;

  if (graft_op_def_get_num_inputs (def) == 0 || (attr = graft_op_def_get_input_type_attr (def, 0)) < 0)
    return out;

  guint n = 0;
  g_autofree GraftDType *allowed = graft_op_def_get_attr_allowed_dtypes (def, (guint) attr, &n);

  if (n == 0)
    return std::vector<GraftDType> (std::begin (kAllDTypes), std::end (kAllDTypes));
  return std::vector<GraftDType> (allowed, allowed + n);
}

/* Not only every op: every dtype an op's signature lists for its first
 * input has a value case, so a dtype added to a signature without a case
 * fails here. */
TEST (OpRegistry, EveryOpDTypeHasValueCases)
{
  std::set<std::pair<std::string, GraftDType>> covered;
  guint n = 0;
  g_autofree const GraftOpDef **defs = graft_registry_list_ops (graft_registry_get_default (), &n);

  for (const Case &c : all_cases ())
    if (!c.inputs.empty ())
      covered.insert ({ c.op, c.inputs[0].dtype });
  for (guint i = 0; i < n; i++)
    {
      std::string op = graft_op_def_get_name (defs[i]);

      if (kSessionOps.count (op) || kRandomOps.count (op) || kRefOps.count (op))
        continue;
      for (GraftDType dt : first_input_dtypes (defs[i]))
        EXPECT_TRUE (covered.count ({ op, dt })) << op << " takes " << graft_dtype_get_name (dt)
                                                 << " but has no case of it in tests/test-ops.cc";
    }
}

TEST (OpRegistry, EveryOpHasErrorCases)
{
  std::set<std::string> covered;

  for (const BuildError &c : build_errors ())
    covered.insert (c.op);
  for (const std::string &op : registered_ops ())
    {
      if (kSessionOps.count (op) || kRandomOps.count (op) || kRefOps.count (op))
        continue;
      EXPECT_TRUE (covered.count (op)) << op << " has no build-time error case in tests/test-ops.cc";
    }
}

/* The exemptions name real ops, so a rename does not silently drop one. */
TEST (OpRegistry, ExemptOpsAreRegistered)
{
  std::vector<std::string> ops = registered_ops ();
  std::set<std::string> registered (ops.begin (), ops.end ());

  for (const std::set<std::string> *list : { &kSessionOps, &kRandomOps, &kRefOps })
    for (const std::string &op : *list)
      EXPECT_TRUE (registered.count (op)) << op;
}

} // namespace

/* ---- the 16-bit float converters and the dtype table ---- */

TEST (DType, NamesRoundTripAndAliases)
{
  for (GraftDType dt : kAllDTypes)
    EXPECT_EQ (graft_dtype_from_name (graft_dtype_get_name (dt)), dt) << graft_dtype_get_name (dt);
  EXPECT_EQ (graft_dtype_from_name ("half"), GRAFT_DTYPE_FLOAT16);
  EXPECT_EQ (graft_dtype_get_size (GRAFT_DTYPE_BFLOAT16), 2u);
  EXPECT_EQ (graft_dtype_get_size (GRAFT_DTYPE_COMPLEX128), 16u);
  EXPECT_TRUE (graft_dtype_is_floating (GRAFT_DTYPE_FLOAT16));
  EXPECT_TRUE (graft_dtype_is_integer (GRAFT_DTYPE_UINT8));
  EXPECT_FALSE (graft_dtype_is_integer (GRAFT_DTYPE_BOOL));
  EXPECT_TRUE (graft_dtype_is_complex (GRAFT_DTYPE_COMPLEX128));
  /* The values of the first dtypes are ABI: the new ones come after. */
  EXPECT_EQ ((int) GRAFT_DTYPE_COMPLEX64, 6);
  EXPECT_EQ ((int) GRAFT_DTYPE_FLOAT16, 7);
  EXPECT_EQ ((int) GRAFT_DTYPE_COMPLEX128, 13);
}

TEST (DType, HalfRoundTripsEveryPattern)
{
  for (guint32 b = 0; b < 0x10000; b++)
    {
      float f = graft_half_to_float ((guint16) b);

      if (std::isnan (f))
        EXPECT_TRUE ((b & 0x7c00) == 0x7c00 && (b & 0x3ff) != 0);
      else
        EXPECT_EQ (graft_float_to_half (f), (guint16) b) << b;
    }
}

TEST (DType, HalfRoundsToNearestEven)
{
  /* Halfway between two halves goes to the even one; just above goes up. */
  EXPECT_EQ (graft_float_to_half (1.0f + std::ldexp (1.0f, -11)), 0x3c00);
  EXPECT_EQ (graft_float_to_half (1.0f + 3 * std::ldexp (1.0f, -11)), 0x3c02);
  EXPECT_EQ (graft_float_to_half (std::nextafter (1.0f + std::ldexp (1.0f, -11), 2.0f)), 0x3c01);
  EXPECT_EQ (graft_float_to_half (65504.0f), 0x7bff);
  EXPECT_EQ (graft_float_to_half (65519.0f), 0x7bff);
  EXPECT_EQ (graft_float_to_half (65520.0f), 0x7c00);
  EXPECT_EQ (graft_float_to_half (-INFINITY), 0xfc00);
  EXPECT_EQ (graft_float_to_half (std::ldexp (1.0f, -24)), 0x0001);
  EXPECT_EQ (graft_float_to_half (std::ldexp (1.0f, -25)), 0x0000);
  EXPECT_EQ (graft_float_to_half (3 * std::ldexp (1.0f, -25)), 0x0002);
  EXPECT_EQ (graft_float_to_half (-0.0f), 0x8000);
  EXPECT_TRUE (std::isnan (graft_half_to_float (graft_float_to_half (NAN))));
  EXPECT_EQ (graft_float_to_half (0.1f), 0x2e66);
}

TEST (DType, Bfloat16RoundsToNearestEven)
{
  for (guint32 b = 0; b < 0x10000; b++)
    {
      float f = graft_bfloat16_to_float ((guint16) b);

      if (!std::isnan (f))
        EXPECT_EQ (graft_float_to_bfloat16 (f), (guint16) b) << b;
      else
        EXPECT_TRUE (std::isnan (graft_bfloat16_to_float (graft_float_to_bfloat16 (f))));
    }
  EXPECT_EQ (graft_float_to_bfloat16 (1.0f + std::ldexp (1.0f, -8)), 0x3f80);
  EXPECT_EQ (graft_float_to_bfloat16 (1.0f + 3 * std::ldexp (1.0f, -8)), 0x3f82);
  EXPECT_EQ (graft_float_to_bfloat16 (3.4e38f), 0x7f80);
  /* A NaN whose payload sits in the low bits must not become Inf. */
  guint32 nan_bits = 0x7f800001;
  float nan;
  memcpy (&nan, &nan_bits, sizeof nan);
  EXPECT_TRUE (std::isnan (graft_bfloat16_to_float (graft_float_to_bfloat16 (nan))));
}

TEST (DType, TensorsOfTheNewDTypes)
{
  g_autoptr(GraftShape) shape = graft_shape_new ((const gint64[]) { 3 }, 1);
  guint16 h[3] = { graft_float_to_half (1.5f), graft_float_to_half (-2.0f), graft_float_to_half (0.25f) };
  gint8 i8[3] = { -128, 0, 127 };
  GError *error = nullptr;
  g_autoptr(GraftTensor) th = graft_tensor_new_from_data (GRAFT_DTYPE_FLOAT16, shape, h, sizeof h, &error);
  g_autoptr(GraftTensor) ti = graft_tensor_new_from_data (GRAFT_DTYPE_INT8, shape, i8, sizeof i8, &error);
  g_autoptr(GraftTensor) s = graft_tensor_new_scalar (GRAFT_DTYPE_BFLOAT16, 3.0);

  ASSERT_NE (th, nullptr) << describe_error (error);
  ASSERT_NE (ti, nullptr);
  EXPECT_EQ (graft_tensor_get_double (th, 0), 1.5);
  EXPECT_EQ (graft_tensor_get_double (th, 1), -2.0);
  EXPECT_EQ (graft_tensor_get_double (ti, 0), -128);
  EXPECT_EQ (graft_tensor_get_double (s, 0), 3.0);
  g_autofree char *sh = graft_tensor_to_string (th);
  g_autofree char *si = graft_tensor_to_string (ti);
  EXPECT_STREQ (sh, "[ 1.5  -2.    0.25]");  /* as NumPy prints it */
  EXPECT_STREQ (si, "[-128    0  127]");
  g_autoptr(GraftTensor) copy = graft_tensor_new_from_data (GRAFT_DTYPE_FLOAT16, shape, h, sizeof h, &error);
  EXPECT_TRUE (graft_tensor_equal (th, copy));
  EXPECT_FALSE (graft_tensor_equal (th, ti));
}
