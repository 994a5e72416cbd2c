/* test-fusion.cc: fused plans (framework/runtime/graft-fuse.c) give the
 * values of unfused ones, for every pattern and dtype, and never fuse away
 * a value that is fetched, fed or read twice.
 *
 * White-box: _graft_session_count_fused_ops says how many ops a plan runs
 * inside fusion groups, so that a case checks that fusion happened (or did
 * not) as well as its values. */
#include <gtest/gtest.h>
#include <graft.h>

#include <cmath>
#include <string>
#include <vector>

extern "C" guint _graft_session_count_fused_ops (GraftSession *session, GraftOutput **feeds, guint n_feeds,
                                                 GraftOutput **fetches, guint n_fetches);

namespace {

struct Fusion : public ::testing::Test {
  GraftGraph *graph = nullptr;
  GError *error = nullptr;
  std::vector<GraftOutput *> feeds;
  std::vector<GraftTensor *> feed_values;

  void SetUp () override { graph = graft_graph_new (); }
  void TearDown () override
  {
    g_clear_error (&error);
    for (GraftTensor *t : feed_values)
      graft_tensor_unref (t);
    g_clear_object (&graph);
  }

  /* A deterministic tensor whose values avoid kinks (ReLU at 0) and, for
   * integers, zero divisors. */
  static GraftTensor *
  values (GraftDType dtype, std::vector<gint64> dims, double scale, double shift)
  {
    g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), dims.size ());
    gsize n = 1;
    for (gint64 d : dims)
      n *= (gsize) d;
    std::vector<double> v (n);
    for (gsize i = 0; i < n; i++)
      {
        double x = scale * std::sin ((double) i * 0.71 + shift) + 0.013;
        if (graft_dtype_is_integer (dtype))
          x = (double) ((gint64) (x * 7) | 1);
        v[i] = x;
      }
    std::vector<guint8> bytes (n * graft_dtype_get_size (dtype) + 1);
    std::vector<float> f (v.begin (), v.end ());
    for (gsize i = 0; i < n; i++)
      switch (dtype)
        {
        case GRAFT_DTYPE_FLOAT32: ((float *) bytes.data ())[i] = (float) v[i]; break;
        case GRAFT_DTYPE_FLOAT64: ((double *) bytes.data ())[i] = v[i]; break;
        case GRAFT_DTYPE_INT32: ((gint32 *) bytes.data ())[i] = (gint32) v[i]; break;
        case GRAFT_DTYPE_INT64: ((gint64 *) bytes.data ())[i] = (gint64) v[i]; break;
        default: break;
        }
    if (dtype == GRAFT_DTYPE_FLOAT16 || dtype == GRAFT_DTYPE_BFLOAT16)
      graft_dtype_narrow_from_float (dtype, f.data (), bytes.data (), n);
    GraftTensor *t = graft_tensor_new_from_data (dtype, shape, bytes.data (), n * graft_dtype_get_size (dtype), nullptr);
    EXPECT_NE (t, nullptr);
    return t;
  }

  GraftOutput *
  input (GraftDType dtype, std::vector<gint64> dims, double scale = 1.0)
  {
    GraftTensor *t = values (dtype, dims, scale, (double) feeds.size ());
    g_autoptr(GraftShape) shape = graft_shape_new (dims.data (), dims.size ());
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, "Placeholder", nullptr);
    graft_op_builder_set_attr_type (b, "dtype", dtype);
    graft_op_builder_set_attr_shape (b, "shape", shape);
    g_clear_error (&error);
    GraftOutput *o = graft_op_builder_finish (b, &error);
    EXPECT_NE (o, nullptr);
    feeds.push_back (o);
    feed_values.push_back (t);
    return o;
  }

  /* NULL when the op does not take this dtype. */
  GraftOutput *
  op (const char *type, std::vector<GraftOutput *> in, bool transpose_a = false)
  {
    g_autoptr(GraftOpBuilder) b = graft_op_builder_new (graph, type, nullptr);
    for (GraftOutput *o : in)
      graft_op_builder_add_input (b, o);
    if (transpose_a)
      graft_op_builder_set_attr_bool (b, "transpose_a", TRUE);
    g_clear_error (&error);
    return graft_op_builder_finish (b, &error);
  }

  std::vector<GraftTensor *>
  run (bool fusion, std::vector<GraftOutput *> fetches, GError **err = nullptr)
  {
    g_autoptr(GraftSession) s = graft_session_new (graph);
    guint n = 0;

    g_clear_error (&error);
    graft_session_set_fusion (s, fusion);
    GraftTensor **r = graft_session_run (s, feeds.data (), feed_values.data (), feeds.size (), fetches.data (),
                                         fetches.size (), nullptr, 0, nullptr, &n, err ? err : &error);
    std::vector<GraftTensor *> out (r, r + n);
    g_free (r);
    return out;
  }

  guint
  fused_ops (std::vector<GraftOutput *> fetches)
  {
    g_autoptr(GraftSession) s = graft_session_new (graph);
    return _graft_session_count_fused_ops (s, feeds.data (), feeds.size (), fetches.data (), fetches.size ());
  }

  /* Fused and unfused runs agree: exactly for integers and for elementwise
   * chains, to rounding for products made in panels. */
  void
  expect_same (std::vector<GraftOutput *> fetches, double tolerance = 0)
  {
    std::vector<GraftTensor *> a = run (true, fetches);
    ASSERT_EQ (a.size (), fetches.size ()) << (error ? error->message : "");
    std::vector<GraftTensor *> b = run (false, fetches);
    ASSERT_EQ (b.size (), fetches.size ()) << (error ? error->message : "");
    for (size_t f = 0; f < fetches.size (); f++)
      {
        gsize na, nb;
        g_autofree double *va = graft_tensor_dup_doubles (a[f], &na);
        g_autofree double *vb = graft_tensor_dup_doubles (b[f], &nb);
        ASSERT_EQ (graft_tensor_get_dtype (a[f]), graft_tensor_get_dtype (b[f]));
        ASSERT_TRUE (graft_shape_equal (graft_tensor_get_shape (a[f]), graft_tensor_get_shape (b[f])));
        ASSERT_EQ (na, nb);
        for (gsize i = 0; i < na; i++)
          {
            ASSERT_FALSE (std::isnan (va[i])) << "fetch " << f << " element " << i;
            ASSERT_NEAR (va[i], vb[i], tolerance * (1 + std::fabs (vb[i]))) << "fetch " << f << " element " << i;
          }
      }
    for (GraftTensor *t : a)
      graft_tensor_unref (t);
    for (GraftTensor *t : b)
      graft_tensor_unref (t);
  }
};

double
tolerance_for (GraftDType d)
{
  switch (d)
    {
    case GRAFT_DTYPE_FLOAT32: return 1e-5;
    case GRAFT_DTYPE_FLOAT64: return 1e-12;
    case GRAFT_DTYPE_FLOAT16: return 2e-3;
    case GRAFT_DTYPE_BFLOAT16: return 1e-2;
    default: return 0;
    }
}

const GraftDType all_dtypes[] = {
  GRAFT_DTYPE_FLOAT16, GRAFT_DTYPE_BFLOAT16, GRAFT_DTYPE_FLOAT32,
  GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_INT32, GRAFT_DTYPE_INT64,
};

/* MatMul → bias add → activation, for each activation and every dtype the
 * three ops share, in shapes of one tile, of several panels and tiles with
 * a short last one, and with transpose_a. */
TEST_F (Fusion, MatMulBiasActivation)
{
  const char *activations[] = { nullptr, "Relu", "Sigmoid", "Tanh" };
  struct { gint64 m, k, n; bool ta; } sizes[] = { { 4, 3, 5, false }, { 700, 40, 300, false }, { 70, 9, 130, true }, { 1800, 4, 640, false }, { 1700, 3, 700, true } };
  int covered = 0;

  for (const char *act : activations)
    for (GraftDType d : all_dtypes)
      for (auto sz : sizes)
        {
          SCOPED_TRACE (std::string (act ? act : "none") + " " + graft_dtype_get_name (d) + " m=" +
                        std::to_string (sz.m));
          GraftOutput *x = sz.ta ? input (d, { sz.k, sz.m }) : input (d, { sz.m, sz.k });
          GraftOutput *w = input (d, { sz.k, sz.n }, 0.3);
          GraftOutput *bias = input (d, { sz.n }, 0.1);
          GraftOutput *mm = op ("MatMul", { x, w }, sz.ta);
          ASSERT_NE (mm, nullptr);
          GraftOutput *h = op ("Add", { mm, bias });
          if (h == nullptr)
            continue;
          if (act != nullptr && (h = op (act, { h })) == nullptr)
            continue;
          /* Small products stay unfused (graft-fuse.c, MIN_GROUP_ELEMENTS). */
          EXPECT_EQ (fused_ops ({ h }), sz.m * sz.n >= 8192 ? (act ? 3u : 2u) : 0u);
          expect_same ({ h }, tolerance_for (d));
          covered++;
        }
  /* float32 and float64 at least, for every activation and size. */
  EXPECT_GE (covered, 4 * 2 * 5);
}

/* The bias first, then the product: Add's operands either way round. */
TEST_F (Fusion, BiasOnTheLeftAndAsRow)
{
  GraftOutput *x = input (GRAFT_DTYPE_FLOAT32, { 900, 6 });
  GraftOutput *w = input (GRAFT_DTYPE_FLOAT32, { 6, 11 });
  GraftOutput *row = input (GRAFT_DTYPE_FLOAT32, { 1, 11 });
  GraftOutput *h = op ("Relu", { op ("Add", { row, op ("MatMul", { x, w }) }) });

  EXPECT_EQ (fused_ops ({ h }), 3u);
  expect_same ({ h }, 1e-6);
}

TEST_F (Fusion, BiasAdd)
{
  if (graft_registry_lookup_op (graft_registry_get_default (), "BiasAdd") == nullptr)
    GTEST_SKIP () << "BiasAdd is not registered yet";
  for (GraftDType d : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      GraftOutput *x = input (d, { 33, 7 });
      GraftOutput *w = input (d, { 7, 300 });
      GraftOutput *b = input (d, { 300 });
      GraftOutput *h = op ("Tanh", { op ("BiasAdd", { op ("MatMul", { x, w }), b }) });
      ASSERT_NE (h, nullptr);
      EXPECT_EQ (fused_ops ({ h }), 3u);
      expect_same ({ h }, tolerance_for (d));
    }
}

/* Elementwise chains of unary and binary ops, with operands of the same
 * shape, scalars and row vectors, in ranks 0 to 3. */
TEST_F (Fusion, ElementwiseChains)
{
  std::vector<std::vector<gint64>> shapes = { {}, { 5 }, { 10000 }, { 3, 4 }, { 7, 5000 }, { 4, 3, 1500 } };
  int covered = 0;

  for (GraftDType d : all_dtypes)
    for (auto dims : shapes)
      {
        SCOPED_TRACE (std::string (graft_dtype_get_name (d)) + " rank " + std::to_string (dims.size ()));
        std::vector<gint64> row_dims = dims.empty () ? std::vector<gint64> {} : std::vector<gint64> { dims.back () };
        GraftOutput *x = input (d, dims);
        GraftOutput *y = input (d, dims);
        GraftOutput *s = input (d, {});
        GraftOutput *row = input (d, row_dims);
        GraftOutput *h = op ("Mul", { x, y });
        ASSERT_NE (h, nullptr);
        h = op ("Add", { s, h });
        ASSERT_NE (h, nullptr);
        h = op ("Sub", { h, row });
        ASSERT_NE (h, nullptr);
        h = op ("Neg", { h });
        ASSERT_NE (h, nullptr);
        guint n_ops = 4;
        if (!graft_dtype_is_integer (d))
          {
            if (GraftOutput *t = op ("Tanh", { h }))
              {
                h = t;
                n_ops++;
              }
            if (GraftOutput *t = op ("Div", { h, op ("Exp", { y }) }))
              {
                h = t;
                n_ops++;   /* Exp is a head of its own, not in the chain */
              }
          }
        gint64 n_elements = 1;
        for (gint64 dim : dims)
          n_elements *= dim;
        EXPECT_EQ (fused_ops ({ h }), n_elements >= 8192 ? n_ops : 0u);
        expect_same ({ h }, tolerance_for (d));
        covered++;
      }
  EXPECT_EQ (covered, 6 * 6);
}

/* A fetched intermediate ends the chain before it: it is computed and
 * returned as it is unfused. */
TEST_F (Fusion, FetchedIntermediatesAreNotFused)
{
  for (GraftDType d : { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_FLOAT64 })
    {
      GraftOutput *x = input (d, { 165, 20 });
      GraftOutput *w = input (d, { 20, 70 });
      GraftOutput *b = input (d, { 70 });
      GraftOutput *mm = op ("MatMul", { x, w });
      GraftOutput *pre = op ("Add", { mm, b });
      GraftOutput *h = op ("Relu", { pre });
      GraftOutput *g = op ("Square", { op ("Neg", { h }) });

      EXPECT_EQ (fused_ops ({ h }), 3u);
      /* The product fetched: only Add → Relu → Neg → Square remain. */
      EXPECT_EQ (fused_ops ({ mm, g }), 4u);
      expect_same ({ mm, g }, tolerance_for (d));
      /* The bias add fetched: it ends the MatMul's group, whose output it
       * is, and Relu → Neg → Square is a chain of its own. */
      EXPECT_EQ (fused_ops ({ pre, g }), 5u);
      expect_same ({ pre, g }, tolerance_for (d));
      /* Everything but Neg fetched: only Neg → Square. */
      EXPECT_EQ (fused_ops ({ mm, pre, h, g }), 2u);
      expect_same ({ mm, pre, h, g }, tolerance_for (d));
    }
}

/* Tiny groups are not worth it: a chain of scalars runs unfused. */
TEST_F (Fusion, SmallGroupsStayUnfused)
{
  GraftOutput *x = input (GRAFT_DTYPE_FLOAT32, { 3 });
  GraftOutput *h = op ("Neg", { op ("Exp", { x }) });
  EXPECT_EQ (fused_ops ({ h }), 0u);
}

/* An intermediate read by two ops is materialized. */
TEST_F (Fusion, SharedIntermediatesAreNotFused)
{
  GraftOutput *x = input (GRAFT_DTYPE_FLOAT32, { 1600, 8 });
  GraftOutput *w = input (GRAFT_DTYPE_FLOAT32, { 8, 16 });
  GraftOutput *b = input (GRAFT_DTYPE_FLOAT32, { 16 });
  GraftOutput *pre = op ("Add", { op ("MatMul", { x, w }), b });
  GraftOutput *h = op ("Add", { op ("Relu", { pre }), op ("Sigmoid", { pre }) });
  /* MatMul + Add fused; `pre` read twice; Relu, Sigmoid and the last Add:
   * Sigmoid → Add is a chain (Relu's output comes whole). */
  EXPECT_EQ (fused_ops ({ h }), 4u);
  expect_same ({ h }, 1e-6);

  /* x * x reads x twice in one op: x's producer is not fused into it. */
  GraftOutput *t = op ("Tanh", { x });
  GraftOutput *sq = op ("Mul", { t, t });
  EXPECT_EQ (fused_ops ({ sq }), 0u);
  expect_same ({ sq });
}

/* A fed intermediate replaces its op: nothing behind it runs or fuses. */
TEST_F (Fusion, FedIntermediates)
{
  GraftOutput *x = input (GRAFT_DTYPE_FLOAT32, { 1500, 5 });
  GraftOutput *w = input (GRAFT_DTYPE_FLOAT32, { 5, 6 });
  GraftOutput *b = input (GRAFT_DTYPE_FLOAT32, { 6 });
  GraftOutput *mm = op ("MatMul", { x, w });
  GraftOutput *h = op ("Relu", { op ("Add", { mm, b }) });

  feeds.push_back (mm);
  feed_values.push_back (values (GRAFT_DTYPE_FLOAT32, { 1500, 6 }, 1.0, 0.5));
  /* Add → Relu still a chain, the MatMul fed. */
  EXPECT_EQ (fused_ops ({ h }), 2u);
  std::vector<GraftTensor *> r = run (true, { h });
  ASSERT_EQ (r.size (), 1u);
  gsize n;
  g_autofree double *fed = graft_tensor_dup_doubles (feed_values.back (), &n);
  g_autofree double *bias = graft_tensor_dup_doubles (feed_values[2], &n);
  g_autofree double *got = graft_tensor_dup_doubles (r[0], &n);
  for (int i = 0; i < 1500 * 6; i++)
    EXPECT_FLOAT_EQ (got[i], (float) std::max (0.0, (double) (float) (fed[i] + bias[i % 6])));
  graft_tensor_unref (r[0]);
  expect_same ({ h }, 1e-6);
}

/* A kernel error inside a fused chain is the error the unfused op gives,
 * naming that op. */
TEST_F (Fusion, ErrorsNameTheOp)
{
  GraftOutput *x = input (GRAFT_DTYPE_INT32, { 300, 40 });
  GraftOutput *zero = input (GRAFT_DTYPE_INT32, {});
  GraftOutput *h = op ("Neg", { op ("Div", { op ("Square", { x }), zero }) });
  g_autoptr(GError) e1 = nullptr;
  g_autoptr(GError) e2 = nullptr;

  g_clear_pointer (&feed_values.back (), graft_tensor_unref);
  feed_values.back () = graft_tensor_new_scalar (GRAFT_DTYPE_INT32, 0);
  EXPECT_EQ (fused_ops ({ h }), 3u);
  EXPECT_TRUE (run (true, { h }, &e1).empty ());
  EXPECT_TRUE (run (false, { h }, &e2).empty ());
  ASSERT_NE (e1, nullptr);
  ASSERT_NE (e2, nullptr);
  EXPECT_STREQ (e1->message, e2->message);
  EXPECT_NE (strstr (e1->message, "Div op 'truediv'"), nullptr) << e1->message;
}

/* The session option and the environment both turn fusion off. */
TEST_F (Fusion, Option)
{
  g_autoptr(GraftSession) s = graft_session_new (graph);
  GraftOutput *x = input (GRAFT_DTYPE_FLOAT32, { 30000 });
  GraftOutput *h = op ("Neg", { op ("Exp", { x }) });

  EXPECT_TRUE (graft_session_get_fusion (s));
  EXPECT_EQ (_graft_session_count_fused_ops (s, feeds.data (), 1, &h, 1), 2u);
  graft_session_set_fusion (s, FALSE);
  EXPECT_FALSE (graft_session_get_fusion (s));
  EXPECT_EQ (_graft_session_count_fused_ops (s, feeds.data (), 1, &h, 1), 0u);
  g_setenv ("GRAFT_FUSION", "0", TRUE);
  {
    g_autoptr(GraftSession) s2 = graft_session_new (graph);
    EXPECT_FALSE (graft_session_get_fusion (s2));
  }
  g_unsetenv ("GRAFT_FUSION");
}

/* Two threads, a parallel plan, repeated runs of one callable: the fused
 * step's scratch is per run. */
TEST_F (Fusion, RepeatedAndParallelRuns)
{
  GraftOutput *x = input (GRAFT_DTYPE_FLOAT32, { 300, 64 });
  GraftOutput *w1 = input (GRAFT_DTYPE_FLOAT32, { 64, 300 });
  GraftOutput *w2 = input (GRAFT_DTYPE_FLOAT32, { 64, 300 });
  GraftOutput *b = input (GRAFT_DTYPE_FLOAT32, { 300 });
  GraftOutput *h1 = op ("Relu", { op ("Add", { op ("MatMul", { x, w1 }), b }) });
  GraftOutput *h2 = op ("Tanh", { op ("Add", { op ("MatMul", { x, w2 }), b }) });
  GraftOutput *h = op ("Add", { h1, h2 });
  std::vector<GraftTensor *> want = run (false, { h });
  g_autoptr(GraftSession) s = graft_session_new (graph);
  graft_session_set_num_threads (s, 2);
  g_autoptr(GraftCallable) c = graft_session_make_callable (s, feeds.data (), feeds.size (), &h, 1, nullptr, 0, &error);
  ASSERT_NE (c, nullptr);
  for (int rep = 0; rep < 5; rep++)
    {
      GraftTensor *got = nullptr;
      ASSERT_TRUE (graft_callable_run_into (c, feed_values.data (), &got, nullptr, &error));
      gsize n;
      g_autofree double *a = graft_tensor_dup_doubles (got, &n);
      g_autofree double *e = graft_tensor_dup_doubles (want[0], &n);
      for (int i = 0; i < 300 * 300; i++)
        ASSERT_NEAR (a[i], e[i], 1e-5 * (1 + std::fabs (e[i])));
      graft_tensor_unref (got);
    }
  graft_tensor_unref (want[0]);
}

} // namespace
