/* random.c: random_uniform, random_normal and truncated_normal: samples
 * scaled and shifted, out = r · (max − min) + min or r · stddev + mean.
 *
 * The arithmetic is TensorFlow's: the bounds are converted to the dtype
 * first and the affine map is computed in the dtype's precision, as the
 * RandomUniform/Sub/Mul/Add subgraph of random_ops does. The scaled
 * initializers (variance_scaling and its family) sample through the same
 * two functions.
 *
 * random_uniform's maxval has no "unset" value among floats that a user
 * would pass, so NaN, its default, stands for Python's None: 1 for floats,
 * an error for integers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "initializer-kernels.h"

/* float16 and bfloat16 are drawn as float32 (the same stream a float32
 * variable of this seed gets), scaled in float32 and rounded once on store.
 * The float32 values need a buffer of their own: NULL, with the kernel
 * failed, when it cannot be had, so a huge variable fails the run. */
static float *
half_begin (GraftKernel *k,
            GraftTensor *out,
            const char  *what)
{
  gsize n = graft_tensor_get_num_elements (out);
  float *buf = g_try_new (float, MAX (n, 1));

  if (buf == NULL)
    graft_kernel_set_error (k, "%s: out of memory for %" G_GSIZE_FORMAT " %s values", what, n,
                            graft_dtype_get_name (graft_tensor_get_dtype (out)));
  return buf;
}

static void
half_end (GraftKernel *k,
          GraftTensor *out,
          float       *buf)
{
  graft_dtype_narrow_from_float (graft_tensor_get_dtype (out), buf, graft_kernel_get_output_data (k, out),
                                 graft_tensor_get_num_elements (out));
  g_free (buf);
}

/* U[minval, maxval) for float32 and float64. */
static void
fill_uniform (GraftKernel *k,
              GraftDType   dtype,
              gpointer     data,
              gsize        n,
              double       minval,
              double       maxval)
{
  GraftPhilox gen;

  graft_kernel_init_philox (k, &gen);
  graft_philox_fill_uniform (&gen, dtype, 0, data, n);
  if (dtype == GRAFT_DTYPE_FLOAT32)
    {
      float *v = data;
      float lo = (float) minval, range = (float) maxval - lo;

      for (gsize i = 0; i < n; i++)
        v[i] = v[i] * range + lo;
    }
  else
    {
      double *v = data;
      double range = maxval - minval;

      for (gsize i = 0; i < n; i++)
        v[i] = v[i] * range + minval;
    }
}

/* U[minval, maxval), for every float dtype. */
void
init_fill_uniform (GraftKernel *k,
                   GraftTensor *out,
                   double       minval,
                   double       maxval)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gsize n = graft_tensor_get_num_elements (out);
  float *buf;

  if (!init_dtype_is_half (dtype))
    {
      fill_uniform (k, dtype, graft_kernel_get_output_data (k, out), n, minval, maxval);
      return;
    }
  if ((buf = half_begin (k, out, "uniform")) == NULL)
    return;
  fill_uniform (k, GRAFT_DTYPE_FLOAT32, buf, n, minval, maxval);
  half_end (k, out, buf);
}

/* N(mean, stddev²), or its truncation to mean ± 2 stddev, for float32
 * and float64. */
static void
fill_normal (GraftKernel *k,
             GraftDType   dtype,
             gpointer     data,
             gsize        n,
             double       mean,
             double       stddev,
             gboolean     truncated)
{
  GraftPhilox gen;

  graft_kernel_init_philox (k, &gen);
  if (truncated)
    graft_philox_fill_truncated_normal (&gen, dtype, 0, data, n);
  else
    graft_philox_fill_normal (&gen, dtype, 0, data, n);
  if (dtype == GRAFT_DTYPE_FLOAT32)
    {
      float *v = data;
      float m = (float) mean, s = (float) stddev;

      for (gsize i = 0; i < n; i++)
        v[i] = v[i] * s + m;
    }
  else
    {
      double *v = data;

      for (gsize i = 0; i < n; i++)
        v[i] = v[i] * stddev + mean;
    }
}

/* N(mean, stddev²) or its truncation, for every float dtype. */
void
init_fill_normal (GraftKernel *k,
                  GraftTensor *out,
                  double       mean,
                  double       stddev,
                  gboolean     truncated)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gsize n = graft_tensor_get_num_elements (out);
  float *buf;

  if (!init_dtype_is_half (dtype))
    {
      fill_normal (k, dtype, graft_kernel_get_output_data (k, out), n, mean, stddev, truncated);
      return;
    }
  if ((buf = half_begin (k, out, "normal")) == NULL)
    return;
  fill_normal (k, GRAFT_DTYPE_FLOAT32, buf, n, mean, stddev, truncated);
  half_end (k, out, buf);
}

/* random_ops.random_uniform()'s checks, then RandomUniformInt's; the
 * latter runs at build time here, and like the kernel it lets an empty
 * tensor through ("zero impossible things are fine"). */
gboolean
init_random_uniform_shape (GraftShapeContext *ctx,
                           GError           **error)
{
  GraftDType dtype = graft_shape_context_get_attr_type (ctx, "T");
  const GraftShape *shape = graft_shape_context_get_attr_shape (ctx, "_shape");
  const char *bound[] = { "minval", "maxval" };
  double v[2];

  if (init_dtype_is_float (dtype))
    return init_shape_output (ctx);
  if (dtype != GRAFT_DTYPE_INT32 && dtype != GRAFT_DTYPE_INT64)
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE, "Invalid dtype tf.%s",
                   graft_dtype_get_name (dtype));
      return FALSE;
    }

  v[0] = graft_shape_context_get_attr_float (ctx, "minval");
  v[1] = graft_shape_context_get_attr_float (ctx, "maxval");
  if (isnan (v[1]))
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Must specify maxval for integer dtype tf.%s", graft_dtype_get_name (dtype));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (bound); i++)
    if (!init_is_int_value (dtype, v[i]))
      {
        g_autofree char *text = init_format_py_float (v[i]);

        g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_DTYPE,
                     "Expected %s, got %s of type 'float' instead.", graft_dtype_get_name (dtype), text);
        return FALSE;
      }
  if (graft_shape_get_num_elements (shape) != 0 && !(v[0] < v[1]))
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Need minval < maxval: %" G_GINT64_FORMAT " >= %" G_GINT64_FORMAT,
                   (gint64) v[0], (gint64) v[1]);
      return FALSE;
    }
  return init_shape_output (ctx);
}

void
init_random_uniform (GraftKernel *k,
                     double       minval,
                     double       maxval,
                     GraftTensor *out)
{
  GraftDType dtype = graft_tensor_get_dtype (out);
  gsize n = graft_tensor_get_num_elements (out);
  GraftPhilox gen;

  if (init_dtype_is_float (dtype))
    {
      init_fill_uniform (k, out, minval, isnan (maxval) ? 1.0 : maxval);
      return;
    }
  if (n == 0)
    return;
  /* The shape function refused these; a kernel still must not pass them
   * on to the generator. */
  if (!init_is_int_value (dtype, minval) || !init_is_int_value (dtype, maxval) || !(minval < maxval))
    {
      graft_kernel_set_error (k, "random_uniform: invalid bounds for %s", graft_dtype_get_name (dtype));
      return;
    }
  graft_kernel_init_philox (k, &gen);
  graft_philox_fill_uniform_int (&gen, dtype, 0, (gint64) minval, (gint64) maxval,
                                 graft_kernel_get_output_data (k, out), n);
}

void
init_random_normal (GraftKernel *k,
                    double       mean,
                    double       stddev,
                    GraftTensor *out)
{
  init_fill_normal (k, out, mean, stddev, FALSE);
}

void
init_truncated_normal (GraftKernel *k,
                       double       mean,
                       double       stddev,
                       GraftTensor *out)
{
  init_fill_normal (k, out, mean, stddev, TRUE);
}
