/* grad-cases-math.cc: gradient-check cases for the math ops, MatMul
 * (linalg) and Identity (core): every op whose gradient function the
 * ops-math work registered, in its broadcasting forms and, for MatMul,
 * each transpose combination. Points stay away from kinks (Abs at 0,
 * Maximum and Minimum ties) and from the domains' edges.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "grad-check.h"

using graft_test::GradCase;
using graft_test::GradInput;
using X = std::vector<GraftOutput *>;

namespace {

/* Deterministic values in [lo, hi), none within `gap` of `avoid`. */
std::vector<double>
values (gsize n, double lo, double hi, guint seed = 1, double avoid = G_MAXDOUBLE, double gap = 0)
{
  std::vector<double> v;
  guint64 s = seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1;

  while (v.size () < n)
    {
      s = s * G_GUINT64_CONSTANT (6364136223846793005) + G_GUINT64_CONSTANT (1442695040888963407);
      double x = lo + (hi - lo) * (double) (s >> 11) / 9007199254740992.0;

      if (std::abs (x - avoid) >= gap)
        v.push_back (x);
    }
  return v;
}

gsize
count (const std::vector<gint64> &dims)
{
  gsize n = 1;

  for (gint64 d : dims)
    n *= (gsize) d;
  return n;
}

GradInput
in (std::vector<gint64> dims, double lo = -2, double hi = 2, guint seed = 1)
{
  return GradInput { dims, values (count (dims), lo, hi, seed) };
}

using Binary = GraftOutput *(*) (GraftGraph *, GraftOutput *, GraftOutput *);

struct Shapes {
  const char *label;
  std::vector<gint64> x, y;
};

const Shapes kBroadcasts[] = {
  { "same", { 2, 3 }, { 2, 3 } },
  { "row", { 2, 3 }, { 3 } },
  { "column", { 3, 1 }, { 1, 4 } },
  { "scalar", {}, { 2, 2 } },
  { "rank3", { 2, 1, 3 }, { 4, 1 } },
};

void
binary_cases (std::vector<GradCase> &cases, const char *op, Binary f, double ylo, double yhi)
{
  for (const Shapes &s : kBroadcasts)
    cases.push_back ({ std::string (op) + "_" + s.label, op, GRAFT_DTYPE_FLOAT64,
                       { in (s.x, -2, 2, 1), in (s.y, ylo, yhi, 2) },
                       [f] (GraftGraph *g, const X &x) { return f (g, x[0], x[1]); } });
}

GraftOutput *
max_of (GraftGraph *g, GraftOutput *a, GraftOutput *b)
{
  return graft_maximum (g, a, b);
}

GraftOutput *
min_of (GraftGraph *g, GraftOutput *a, GraftOutput *b)
{
  return graft_minimum (g, a, b);
}

GraftOutput *
matmul (GraftGraph *g, GraftOutput *a, GraftOutput *b, gboolean ta, gboolean tb)
{
  GraftMatMulAttrs attrs = GRAFT_MATMUL_ATTRS_INIT;

  attrs.transpose_a = ta;
  attrs.transpose_b = tb;
  return graft_matmul_full (g, a, b, nullptr, &attrs);
}

} // namespace

GRAFT_GRAD_CASES (math_grad_cases)
{
  const GraftDType F64 = GRAFT_DTYPE_FLOAT64;

  binary_cases (cases, "Add", graft_add, -2, 2);
  binary_cases (cases, "Sub", graft_sub, -2, 2);
  binary_cases (cases, "Mul", graft_mul, -2, 2);
  binary_cases (cases, "Div", graft_div, 0.5, 2);
  binary_cases (cases, "Pow", graft_pow, -2, 2);
  /* Pow's bases must be positive for a numeric derivative in y. */
  for (GradCase &c : cases)
    if (c.op == "Pow")
      c.inputs[0].values = values (count (c.inputs[0].dims), 0.5, 2, 3);
  /* Maximum and Minimum away from ties: x and y from disjoint values. */
  for (const Shapes &s : kBroadcasts)
    for (auto &op : { std::make_pair ("Maximum", &max_of), std::make_pair ("Minimum", &min_of) })
      {
        GradInput x = in (s.x, -2, 2, 4), y = in (s.y, -2, 2, 5);

        for (double &v : x.values)
          v = std::round (v * 2) / 2 + 0.25;  /* .25 or .75 */
        for (double &v : y.values)
          v = std::round (v * 2) / 2;         /* .0 or .5 */
        Binary f = op.second;
        cases.push_back ({ std::string (op.first) + "_" + s.label, op.first, F64, { x, y },
                           [f] (GraftGraph *g, const X &xs) { return f (g, xs[0], xs[1]); } });
      }
  /* Pow at a non-positive base: x's gradient is TensorFlow's, y's is
   * guarded to 0 there (only x is differentiated: y's true derivative
   * does not exist at x < 0). */
  cases.push_back ({ "Pow_nonpositive_base", "Pow", F64,
                     { GradInput { { 3 }, { -1.5, -0.5, 1.5 } }, GradInput { { 3 }, { 2, 3, 2 }, false } },
                     [] (GraftGraph *g, const X &x) { return graft_pow (g, x[0], x[1]); } });

  struct {
    const char *op;
    double lo, hi;
    GraftOutput *(*f) (GraftGraph *, GraftOutput *);
  } unary[] = {
    { "Neg", -2, 2, graft_neg },
    { "Square", -2, 2, graft_square },
    { "Sqrt", 0.5, 3, graft_sqrt },
    { "Rsqrt", 0.5, 3, graft_rsqrt },
    { "Exp", -2, 2, graft_exp },
    { "Log", 0.5, 3, graft_log },
    { "Abs", -2, 2, graft_abs },
    { "Sign", -2, 2, graft_sign },
    { "Identity", -2, 2, graft_identity },
  };
  for (auto &u : unary)
    {
      auto f = u.f;
      GradInput x { { 2, 3 }, values (6, u.lo, u.hi, 6, 0, 0.1) };

      cases.push_back ({ u.op, u.op, F64, { x }, [f] (GraftGraph *g, const X &xs) { return f (g, xs[0]); } });
    }

  /* Through float32 and back: the gradient is cast back each time. The
   * float32 rounding limits the finite differences' accuracy. */
  GradCase cast { "Cast_float32", "Cast", F64, { in ({ 2, 3 }, -1, 1, 7) },
                  [] (GraftGraph *g, const X &x) {
                    return graft_cast (g, graft_cast (g, x[0], GRAFT_DTYPE_FLOAT32), GRAFT_DTYPE_FLOAT64);
                  } };
  cast.delta = 1e-2;
  cast.tolerance = 1e-3;
  cases.push_back (cast);

  cases.push_back ({ "AddN_three", "AddN", F64, { in ({ 2, 3 }, -2, 2, 8), in ({ 2, 3 }, -2, 2, 9), in ({ 2, 3 }, -2, 2, 10) },
                     [] (GraftGraph *g, const X &x) { return graft_add_n (g, x.data (), x.size ()); } });
  cases.push_back ({ "AddN_one", "AddN", F64, { in ({ 4 }) },
                     [] (GraftGraph *g, const X &x) { return graft_add_n (g, x.data (), x.size ()); } });
  /* The same tensor twice: both paths' gradients sum. */
  cases.push_back ({ "AddN_repeated", "AddN", F64, { in ({ 3 }) },
                     [] (GraftGraph *g, const X &x) {
                       GraftOutput *twice[] = { x[0], x[0] };
                       return graft_add_n (g, twice, 2);
                     } });

  /* Select: the condition comes from a fed input that is not
   * differentiated; elementwise and by rows. */
  cases.push_back ({ "Select_elementwise", "Select", F64,
                     { GradInput { { 2, 3 }, { 1, -1, 1, 1, -1, -1 }, false }, in ({ 2, 3 }, -2, 2, 11),
                       in ({ 2, 3 }, -2, 2, 12) },
                     [] (GraftGraph *g, const X &x) {
                       return graft_select (g, graft_greater (g, x[0], graft_zeros_like (g, x[0])), x[1], x[2]);
                     } });
  cases.push_back ({ "Select_rows", "Select", F64,
                     { GradInput { { 2 }, { -1, 1 }, false }, in ({ 2, 3 }, -2, 2, 13), in ({ 2, 3 }, -2, 2, 14) },
                     [] (GraftGraph *g, const X &x) {
                       return graft_select (g, graft_greater (g, x[0], graft_zeros_like (g, x[0])), x[1], x[2]);
                     } });

  struct {
    const char *label;
    gboolean ta, tb;
    std::vector<gint64> a, b;
  } mm[] = {
    { "MatMul", FALSE, FALSE, { 2, 3 }, { 3, 4 } },
    { "MatMul_transpose_a", TRUE, FALSE, { 3, 2 }, { 3, 4 } },
    { "MatMul_transpose_b", FALSE, TRUE, { 2, 3 }, { 4, 3 } },
    { "MatMul_transpose_both", TRUE, TRUE, { 3, 2 }, { 4, 3 } },
  };
  for (auto &m : mm)
    {
      gboolean ta = m.ta, tb = m.tb;

      cases.push_back ({ m.label, "MatMul", F64, { in (m.a, -2, 2, 15), in (m.b, -2, 2, 16) },
                         [ta, tb] (GraftGraph *g, const X &x) { return matmul (g, x[0], x[1], ta, tb); } });
    }
}

/* ---- what the checker cannot see: names and the static shape rules ---- */

namespace {

GraftOutput *
placeholder (GraftGraph *g, const char *name, std::vector<gint64> dims, bool unknown_rank = false)
{
  GraftPlaceholderAttrs attrs = GRAFT_PLACEHOLDER_ATTRS_INIT;
  g_autoptr(GraftShape) shape = unknown_rank ? graft_shape_new_unknown () : graft_shape_new (dims.data (), dims.size ());

  attrs.shape = shape;
  return graft_placeholder_full (g, GRAFT_DTYPE_FLOAT64, name, &attrs);
}

std::string
shape_of (GraftOutput *o)
{
  g_autoptr(GraftShape) s = graft_output_get_shape (o);
  g_autofree char *text = graft_shape_to_string (s);

  return text;
}

} // namespace

/* TensorFlow's names: the sum over the broadcast axes, then the Reshape
 * that drops the leading ones. */
TEST (MathGradients, BroadcastReductionIsSumThenReshape)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = placeholder (g, "x", { 2, 3 });
  GraftOutput *b = placeholder (g, "b", { 3 });
  GraftOutput *y = graft_add (g, x, b);
  GraftOutput *xs[] = { x, b };
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, xs, 2, &error);
  ASSERT_NE (d, nullptr) << (error ? error->message : "");
  GraftOutput *gx = (GraftOutput *) d->pdata[0], *gb = (GraftOutput *) d->pdata[1];
  EXPECT_EQ (shape_of (gx), "(2, 3)");
  EXPECT_EQ (shape_of (gb), "(3,)");
  EXPECT_STREQ (graft_output_get_op_name (gb), "gradients/add_grad/Reshape");
  EXPECT_NE (graft_graph_get_operation (g, "gradients/add_grad/Sum"), nullptr);
}

/* An unknown batch dim stays -1 in the Reshape; a size-1 input axis is
 * summed even when the output's size there is unknown. */
TEST (MathGradients, PartialShapes)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = placeholder (g, "x", { -1, 3 });
  GraftOutput *c = placeholder (g, "c", { 1, 1 });
  GraftOutput *v = placeholder (g, "v", { -1, 1, 3 });
  GraftOutput *y = graft_mul (g, graft_add (g, x, c), v);
  GraftOutput *xs[] = { x, c, v };
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, xs, 3, &error);
  ASSERT_NE (d, nullptr) << (error ? error->message : "");
  EXPECT_EQ (shape_of ((GraftOutput *) d->pdata[0]), "(?, 3)");
  EXPECT_EQ (shape_of ((GraftOutput *) d->pdata[1]), "(1, 1)");
  EXPECT_EQ (shape_of ((GraftOutput *) d->pdata[2]), "(?, 1, 3)");
}

/* An input of unknown rank cannot be summed back statically. */
TEST (MathGradients, UnknownRankIsAnError)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *x = placeholder (g, "x", {}, true);
  GraftOutput *b = placeholder (g, "b", { 3 });
  GraftOutput *y = graft_add (g, x, b);
  GError *error = nullptr;

  EXPECT_EQ (graft_gradients (g, &y, 1, &b, 1, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "the rank of"), nullptr) << error->message;
  EXPECT_NE (strstr (error->message, "unknown"), nullptr) << error->message;
  g_clear_error (&error);
}

/* MatMul's gradient takes TensorFlow's operands and transposes. */
TEST (MathGradients, MatMulTransposes)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  GraftOutput *a = placeholder (g, "a", { 3, 2 });
  GraftOutput *b = placeholder (g, "b", { 4, 3 });
  GraftMatMulAttrs attrs = GRAFT_MATMUL_ATTRS_INIT;
  attrs.transpose_a = attrs.transpose_b = TRUE;
  GraftOutput *y = graft_matmul_full (g, a, b, nullptr, &attrs);
  GraftOutput *xs[] = { a, b };
  GError *error = nullptr;

  g_autoptr(GPtrArray) d = graft_gradients (g, &y, 1, xs, 2, &error);
  ASSERT_NE (d, nullptr) << (error ? error->message : "");
  GraftOutput *ga = (GraftOutput *) d->pdata[0];
  EXPECT_STREQ (graft_output_get_op_name (ga), "gradients/MatMul_grad/MatMul");
  EXPECT_EQ (graft_output_get_op_input (ga, 0), b);
  g_autoptr(GVariant) ta = graft_output_get_attr (ga, "transpose_a");
  EXPECT_TRUE (g_variant_get_boolean (ta));
  EXPECT_EQ (shape_of (ga), "(3, 2)");
  EXPECT_EQ (shape_of ((GraftOutput *) d->pdata[1]), "(4, 3)");
}
