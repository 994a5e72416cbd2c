/* grad-cases-conv.cc: gradient checks of the convolution and pooling ops
 * (ops/linalg/conv-grad.c): Conv2D at SAME and VALID, strides 1 and 2,
 * several channel counts; MaxPool at distinct values (no ties, so the
 * maximum does not jump within the finite-difference step); AvgPool at
 * SAME and VALID; and the ops that are gradients themselves, whose own
 * gradients are registered too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "grad-check.h"
#include "test-util.h"

using graft_test::GradCase;
using graft_test::GradInput;

namespace {

using Dims = std::vector<gint64>;

gsize
count (const Dims &dims)
{
  gsize n = 1;

  for (gint64 d : dims)
    n *= (gsize) d;
  return n;
}

/* Smooth, deterministic values in [-1, 1]. */
GradInput
smooth (Dims dims, double phase)
{
  GradInput in { dims, {} };

  for (gsize i = 0; i < count (dims); i++)
    in.values.push_back (std::sin (0.7 * (double) i + phase));
  return in;
}

/* Distinct values at least 0.05 apart, shuffled: no window has a tie. */
GradInput
distinct (Dims dims)
{
  GradInput in { dims, {} };
  gsize n = count (dims);

  for (gsize i = 0; i < n; i++)
    in.values.push_back (0.05 * (double) ((i * 7 + 3) % n) - 0.025 * (double) n);
  return in;
}

struct Win {
  gint64 k, s;
  const char *padding;
};

GraftOutput *
window_op (GraftGraph *g, const char *type, const std::vector<GraftOutput *> &inputs, const Win &w, bool pool,
           const char *sizes_attr = nullptr, const Dims &sizes = {})
{
  g_autoptr(GraftOpBuilder) b = graft_op_builder_new (g, type, nullptr);
  const gint64 strides[4] = { 1, w.s, w.s, 1 }, ksize[4] = { 1, w.k, w.k, 1 };

  for (GraftOutput *in : inputs)
    graft_op_builder_add_input (b, in);
  graft_op_builder_set_attr_ints (b, "strides", strides, 4);
  graft_op_builder_set_attr_string (b, "padding", w.padding);
  if (pool)
    graft_op_builder_set_attr_ints (b, "ksize", ksize, 4);
  if (sizes_attr != nullptr)
    graft_op_builder_set_attr_ints (b, sizes_attr, sizes.data (), sizes.size ());
  return graft_op_builder_finish (b, nullptr);
}

std::string
label (const char *op, const Dims &x, const Win &w, const char *extra = "")
{
  std::string s = op;

  for (gint64 d : x)
    s += "_" + std::to_string (d);
  return s + "_s" + std::to_string (w.s) + "_" + w.padding + extra;
}

} // namespace

GRAFT_GRAD_CASES (conv_grad_cases)
{
  /* Conv2D: input, filter HWIO. */
  struct {
    Dims x, f;
    Win w;
  } convs[] = {
    { { 1, 4, 4, 2 }, { 3, 3, 2, 3 }, { 0, 1, "SAME" } },
    { { 2, 5, 5, 1 }, { 2, 2, 1, 2 }, { 0, 1, "VALID" } },
    { { 1, 5, 5, 2 }, { 3, 3, 2, 2 }, { 0, 2, "SAME" } },
    { { 1, 6, 5, 3 }, { 3, 2, 3, 1 }, { 0, 2, "VALID" } },
    { { 1, 4, 4, 4 }, { 1, 1, 4, 2 }, { 0, 1, "VALID" } },
  };
  for (auto &c : convs)
    {
      Win w = c.w;
      cases.push_back ({ label ("Conv2D", c.x, w), "Conv2D", GRAFT_DTYPE_FLOAT64,
                         { smooth (c.x, 0.1), smooth (c.f, 0.5) },
                         [w] (GraftGraph *g, const std::vector<GraftOutput *> &x) {
                           return window_op (g, "Conv2D", { x[0], x[1] }, w, false);
                         } });
    }

  /* The backprops are linear in both tensor inputs. */
  {
    Win w { 0, 2, "SAME" };
    Dims x { 1, 5, 5, 2 }, f { 3, 3, 2, 2 }, dy { 1, 3, 3, 2 };

    cases.push_back ({ label ("Conv2DBackpropInput", x, w), "Conv2DBackpropInput", GRAFT_DTYPE_FLOAT64,
                       { smooth (f, 0.2), smooth (dy, 0.9) },
                       [w, x] (GraftGraph *g, const std::vector<GraftOutput *> &in) {
                         return window_op (g, "Conv2DBackpropInput", { in[0], in[1] }, w, false, "input_sizes", x);
                       } });
    cases.push_back ({ label ("Conv2DBackpropFilter", x, w), "Conv2DBackpropFilter", GRAFT_DTYPE_FLOAT64,
                       { smooth (x, 0.3), smooth (dy, 1.1) },
                       [w, f] (GraftGraph *g, const std::vector<GraftOutput *> &in) {
                         return window_op (g, "Conv2DBackpropFilter", { in[0], in[1] }, w, false, "filter_sizes", f);
                       } });
  }

  struct {
    Dims x;
    Win w;
  } pools[] = {
    { { 1, 4, 4, 2 }, { 2, 2, "VALID" } },
    { { 1, 5, 5, 1 }, { 3, 2, "SAME" } },
    { { 2, 4, 5, 2 }, { 2, 1, "SAME" } },
  };
  for (auto &p : pools)
    {
      Win w = p.w;
      cases.push_back ({ label ("MaxPool", p.x, w), "MaxPool", GRAFT_DTYPE_FLOAT64, { distinct (p.x) },
                         [w] (GraftGraph *g, const std::vector<GraftOutput *> &x) {
                           return window_op (g, "MaxPool", { x[0] }, w, true);
                         } });
      cases.push_back ({ label ("AvgPool", p.x, w), "AvgPool", GRAFT_DTYPE_FLOAT64, { smooth (p.x, 0.4) },
                         [w] (GraftGraph *g, const std::vector<GraftOutput *> &x) {
                           return window_op (g, "AvgPool", { x[0] }, w, true);
                         } });
    }
  {
    Win w { 3, 2, "SAME" };
    Dims x { 1, 5, 5, 2 }, dy { 1, 3, 3, 2 };

    cases.push_back ({ label ("AvgPoolGrad", x, w), "AvgPoolGrad", GRAFT_DTYPE_FLOAT64, { smooth (dy, 0.6) },
                       [w, x] (GraftGraph *g, const std::vector<GraftOutput *> &in) {
                         return window_op (g, "AvgPoolGrad", { in[0] }, w, true, "orig_input_shape", x);
                       } });
  }
}

/* TensorFlow's names, a batch unknown until run time (the backprops infer
 * it from their other inputs), and the error for an unknown height. */

namespace {

GraftOutput *
placeholder (GraftGraph *g, const char *name, std::vector<gint64> dims)
{
  g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), (guint) dims.size ());
  GraftPlaceholderAttrs attrs = GRAFT_PLACEHOLDER_ATTRS_INIT;

  attrs.shape = shape;
  return graft_placeholder_full (g, GRAFT_DTYPE_FLOAT64, name, &attrs);
}

} // namespace

TEST (ConvGradients, TensorFlowNamesAndAnUnknownBatch)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftOutput *x = placeholder (g, "x", { -1, 6, 6, 1 });
  GraftOutput *f = placeholder (g, "f", { 3, 3, 1, 2 });
  GraftOutput *c = window_op (g, "Conv2D", { x, f }, { 0, 1, "SAME" }, false);
  GraftOutput *p = window_op (g, "MaxPool", { c }, { 2, 2, "VALID" }, true);
  GraftOutput *a = window_op (g, "AvgPool", { p }, { 3, 1, "SAME" }, true);
  ASSERT_NE (a, nullptr);
  GraftOutput *xs[2] = { x, f };
  g_autoptr(GPtrArray) grad_array = graft_gradients (g, &a, 1, xs, 2, &error);
  ASSERT_NE (grad_array, nullptr) << graft_test::describe_error (error);
  ASSERT_EQ (grad_array->len, 2u);
  GraftOutput **grads = (GraftOutput **) grad_array->pdata;

  EXPECT_STREQ (graft_output_get_op_name (grads[0]), "gradients/Conv2D_grad/Conv2DBackpropInput");
  EXPECT_STREQ (graft_output_get_op_name (grads[1]), "gradients/Conv2D_grad/Conv2DBackpropFilter");
  GraftOutput *pool_grad = graft_graph_get_operation (g, "gradients/MaxPool_grad/MaxPoolGrad");
  GraftOutput *avg_grad = graft_graph_get_operation (g, "gradients/AvgPool_grad/AvgPoolGrad");
  EXPECT_NE (pool_grad, nullptr);
  EXPECT_NE (avg_grad, nullptr);

  /* Three images: the input's gradient has their shape. */
  std::vector<double> xv (3 * 36), fv (18);
  for (gsize i = 0; i < xv.size (); i++)
    xv[i] = std::sin (0.3 * (double) i);
  for (gsize i = 0; i < fv.size (); i++)
    fv[i] = std::cos (0.5 * (double) i);
  g_autoptr(GraftShape) xs_shape = graft_shape_new ((const gint64[]) { 3, 6, 6, 1 }, 4);
  g_autoptr(GraftShape) fs_shape = graft_shape_new ((const gint64[]) { 3, 3, 1, 2 }, 4);
  g_autoptr(GraftTensor) xt = graft_tensor_new_from_doubles (xv.data (), xv.size (), xs_shape, &error);
  g_autoptr(GraftTensor) ft = graft_tensor_new_from_doubles (fv.data (), fv.size (), fs_shape, &error);
  GraftTensor *values[2] = { xt, ft };
  g_autoptr(GraftSession) session = graft_session_new (g);
  guint n = 0;
  g_autofree GraftTensor **r = graft_session_run (session, xs, values, 2, grads, 2, nullptr, 0, nullptr, &n, &error);
  ASSERT_NE (r, nullptr) << graft_test::describe_error (error);
  g_autofree char *s0 = graft_shape_to_string (graft_tensor_get_shape (r[0]));
  g_autofree char *s1 = graft_shape_to_string (graft_tensor_get_shape (r[1]));
  EXPECT_STREQ (s0, "(3, 6, 6, 1)");
  EXPECT_STREQ (s1, "(3, 3, 1, 2)");
  graft_tensor_unref (r[0]);
  graft_tensor_unref (r[1]);
}

TEST (ConvGradients, AnUnknownHeightIsAnError)
{
  g_autoptr(GraftGraph) g = graft_graph_new ();
  g_autoptr(GError) error = nullptr;
  GraftOutput *x = placeholder (g, "x", { 1, -1, 6, 1 });
  GraftOutput *f = placeholder (g, "f", { 3, 3, 1, 2 });
  GraftOutput *c = window_op (g, "Conv2D", { x, f }, { 0, 2, "SAME" }, false);
  ASSERT_NE (c, nullptr);

  g_autoptr(GPtrArray) grads = graft_gradients (g, &c, 1, &x, 1, &error);
  EXPECT_EQ (grads, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_TRAIN_ERROR, GRAFT_TRAIN_ERROR_GRADIENT_FAILED));
  EXPECT_NE (strstr (error->message, "Conv2D"), nullptr) << error->message;
  EXPECT_NE (strstr (error->message, "static height and width of the input, which has shape (1, ?, 6, 1)"), nullptr)
    << error->message;
}
