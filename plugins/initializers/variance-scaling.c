/* variance-scaling.c: variance_scaling and its presets glorot_uniform,
 * glorot_normal, he_uniform and he_normal: samples of variance
 * scale / max(1, n), n a fan of the shape.
 *
 * TensorFlow 1.15's VarianceScaling: with s = scale / max(1, n),
 *   uniform             U(−L, L), L = sqrt(3 s)
 *   untruncated_normal  N(0, s)
 *   truncated_normal    N(0, σ²) re-drawn beyond 2σ, σ = sqrt(s) / 0.8796…,
 *                       the truncated distribution's stddev, so that the
 *                       result's variance is s; "normal" is its alias.
 * The distribution name is case-insensitive, the mode is not.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "initializer-kernels.h"

/* scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.), TensorFlow's
 * constant. */
#define TRUNCATED_STDDEV 0.87962566103423978

typedef enum { FAN_IN, FAN_OUT, FAN_AVG } Mode;
typedef enum { DIST_TRUNCATED, DIST_UNTRUNCATED, DIST_UNIFORM } Distribution;

static gboolean
parse_mode (const char *s,
            Mode       *mode)
{
  if (g_strcmp0 (s, "fan_in") == 0)
    *mode = FAN_IN;
  else if (g_strcmp0 (s, "fan_out") == 0)
    *mode = FAN_OUT;
  else if (g_strcmp0 (s, "fan_avg") == 0)
    *mode = FAN_AVG;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_distribution (const char   *s,
                    Distribution *dist)
{
  if (s == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (s, "truncated_normal") == 0 || g_ascii_strcasecmp (s, "normal") == 0)
    *dist = DIST_TRUNCATED;
  else if (g_ascii_strcasecmp (s, "untruncated_normal") == 0)
    *dist = DIST_UNTRUNCATED;
  else if (g_ascii_strcasecmp (s, "uniform") == 0)
    *dist = DIST_UNIFORM;
  else
    return FALSE;
  return TRUE;
}

/* TensorFlow's _compute_fans(): scalars 1 and 1, vectors n and n, matrices
 * rows and columns, and for convolution kernels [..., in, out] in and out
 * times the receptive field (the product of the leading dimensions). */
static void
compute_fans (const GraftTensor *out,
              double            *fan_in,
              double            *fan_out)
{
  guint rank;
  const gint64 *dims = graft_tensor_get_dims (out, &rank);
  double receptive = 1.0;

  if (rank == 0)
    {
      *fan_in = *fan_out = 1.0;
      return;
    }
  if (rank == 1)
    {
      *fan_in = *fan_out = (double) dims[0];
      return;
    }
  for (guint i = 0; i + 2 < rank; i++)
    receptive *= (double) dims[i];
  *fan_in = (double) dims[rank - 2] * receptive;
  *fan_out = (double) dims[rank - 1] * receptive;
}

static void
scaled_fill (GraftKernel  *k,
             GraftTensor  *out,
             double        scale,
             Mode          mode,
             Distribution  dist)
{
  double fan_in, fan_out, n, s;

  compute_fans (out, &fan_in, &fan_out);
  n = mode == FAN_IN ? fan_in : mode == FAN_OUT ? fan_out : (fan_in + fan_out) / 2.0;
  s = scale / MAX (1.0, n);
  switch (dist)
    {
    case DIST_TRUNCATED:
      init_fill_normal (k, out, 0.0, sqrt (s) / TRUNCATED_STDDEV, TRUE);
      break;
    case DIST_UNTRUNCATED:
      init_fill_normal (k, out, 0.0, sqrt (s), FALSE);
      break;
    case DIST_UNIFORM:
      {
        double limit = sqrt (3.0 * s);

        init_fill_uniform (k, out, -limit, limit);
      }
      break;
    }
}

/* VarianceScaling.__init__'s checks, in its order, then the dtype's. */
gboolean
init_variance_scaling_shape (GraftShapeContext *ctx,
                             GError           **error)
{
  double scale = graft_shape_context_get_attr_float (ctx, "scale");
  const char *mode = graft_shape_context_get_attr_string (ctx, "mode");
  const char *distribution = graft_shape_context_get_attr_string (ctx, "distribution");
  Mode m;
  Distribution d;

  if (scale <= 0.0)
    {
      g_set_error_literal (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                           "`scale` must be positive float.");
      return FALSE;
    }
  if (!parse_mode (mode, &m))
    {
      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR, "Invalid `mode` argument: %s", mode);
      return FALSE;
    }
  if (!parse_distribution (distribution, &d))
    {
      g_autofree char *lower = g_ascii_strdown (distribution, -1);

      g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
                   "Invalid `distribution` argument: %s", lower);
      return FALSE;
    }
  return init_shape_float (ctx, error);
}

void
init_variance_scaling (GraftKernel *k,
                       double       scale,
                       const char  *mode,
                       const char  *distribution,
                       GraftTensor *out)
{
  Mode m;
  Distribution d;

  if (!parse_mode (mode, &m) || !parse_distribution (distribution, &d))
    {
      graft_kernel_set_error (k, "variance_scaling: invalid mode '%s' or distribution '%s'", mode, distribution);
      return;
    }
  scaled_fill (k, out, scale, m, d);
}

/* variance_scaling(1, "fan_avg", "uniform"): L = sqrt(6 / (fan_in + fan_out)). */
void
init_glorot_uniform (GraftKernel *k,
                     GraftTensor *out)
{
  scaled_fill (k, out, 1.0, FAN_AVG, DIST_UNIFORM);
}

/* variance_scaling(1, "fan_avg", "truncated_normal"). */
void
init_glorot_normal (GraftKernel *k,
                    GraftTensor *out)
{
  scaled_fill (k, out, 1.0, FAN_AVG, DIST_TRUNCATED);
}

/* variance_scaling(2, "fan_in", "uniform"): L = sqrt(6 / fan_in). */
void
init_he_uniform (GraftKernel *k,
                 GraftTensor *out)
{
  scaled_fill (k, out, 2.0, FAN_IN, DIST_UNIFORM);
}

/* variance_scaling(2, "fan_in", "truncated_normal"). */
void
init_he_normal (GraftKernel *k,
                GraftTensor *out)
{
  scaled_fill (k, out, 2.0, FAN_IN, DIST_TRUNCATED);
}
