/* template.c: a Graft plugin to copy: one op and one initializer.
 *
 * Copy this directory, rename the file graft-template.so (see meson.build
 * or Makefile) and the id in GRAFT_PLUGIN_DEFINE() at the bottom together,
 * prefix the definitions' names with your own namespace, and build. README.md
 * explains each part in more depth.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The one header a plugin includes: definitions, tensors, kernels and shape
 * functions. Plugins do not include <graft.h>. */
#include <graft-plugin.h>

#include <math.h>

/* ---- the op: template.Scale ---- */

/* template.Scale: y = x * factor, element by element.
 *
 * A kernel is a plain C function. Its parameters follow the signature
 * below: first the GraftKernel (the context: op name, errors), then every
 * input and attribute in the signature's order, then every output. Inputs
 * are `const GraftTensor *`, a `float` attribute is a `double`, outputs are
 * `GraftTensor *`. The type variable T is not a parameter: the kernel asks
 * the tensor for its dtype. */
static void
template_scale (GraftKernel       *k,
                const GraftTensor *x,
                double             factor,
                GraftTensor       *y)
{
  /* Graft allocated y with the dtype and shape the shape function gave
   * (here: those of x), so both have the same number of elements. */
  gsize n = graft_tensor_get_num_elements (x);

  /* T is float32 or float64 (the signature's constraint); Graft refused
   * any other dtype when the op was built, so no third case is needed. */
  if (graft_tensor_get_dtype (x) == GRAFT_DTYPE_FLOAT64)
    {
      /* Inputs are read-only; outputs are written through
       * graft_kernel_get_output_data(). */
      const double *in = graft_tensor_get_data (x, NULL);
      double *out = graft_kernel_get_output_data (k, y);

      for (gsize i = 0; i < n; i++)
        out[i] = in[i] * factor;
    }
  else
    {
      const float *in = graft_tensor_get_data (x, NULL);
      float *out = graft_kernel_get_output_data (k, y);

      for (gsize i = 0; i < n; i++)
        out[i] = (float) (in[i] * factor);
    }
}

/* ---- the initializer: template.linspace ---- */

/* template.linspace: the variable's elements, in row-major order, evenly
 * spaced from start to stop (both included); a single element is start.
 *
 * An initializer is a kernel with no inputs and one output: the new
 * variable's value, already allocated with the variable's dtype and shape.
 * Its parameters are the GraftKernel, the attributes, then the output. */
static void
template_linspace (GraftKernel *k,
                   double       start,
                   double       stop,
                   GraftTensor *out)
{
  gsize n = graft_tensor_get_num_elements (out);
  double step;

  /* Kernels never abort on bad input: they report it, and the run that
   * called them fails with this message and the op's name. */
  if (!isfinite (start) || !isfinite (stop))
    {
      graft_kernel_set_error (k, "start and stop must be finite, not %g and %g", start, stop);
      return;
    }
  /* n - 1 steps between n points; with one point the step is unused. */
  step = n > 1 ? (stop - start) / (double) (n - 1) : 0.0;

  if (graft_tensor_get_dtype (out) == GRAFT_DTYPE_FLOAT64)
    {
      double *data = graft_kernel_get_output_data (k, out);

      for (gsize i = 0; i < n; i++)
        data[i] = start + step * (double) i;
    }
  else
    {
      float *data = graft_kernel_get_output_data (k, out);

      for (gsize i = 0; i < n; i++)
        data[i] = (float) (start + step * (double) i);
    }
}

/* ---- the definitions: one table row each ---- */

static const GraftOpInfo template_ops[] = {
  /* GRAFT_OP_DEF (name, kernel, arity, signature, summary, shape function):
   * - the name is namespaced (`template.`) so it cannot collide with
   *   Graft's ops or another plugin's;
   * - the arity counts the kernel's C parameters, GraftKernel included
   *   (k, x, factor, y: 4); Graft checks it against the signature when the
   *   plugin loads and prints the expected prototype if they disagree;
   * - the signature: inputs and attributes, `->`, outputs, then
   *   constraints on type variables; `factor` has a default, so it may be
   *   left unset when the op is built;
   * - the summary is the one line graft-inspect shows;
   * - graft_shape_same_as_input: y has the shape of x. */
  GRAFT_OP_DEF ("template.Scale", template_scale, 4,
                "(x: T, factor: float = 2.0) -> (y: T), T in {float32, float64}",
                "Multiplies x by a constant factor", graft_shape_same_as_input),
};

static const GraftOpInfo template_initializers[] = {
  /* GRAFT_INITIALIZER_DEF (name, kernel, arity, signature, summary): no
   * inputs, exactly one output. Its type variable T is the variable's
   * dtype; the output's shape is the variable's, so there is no shape
   * function. Arity: k, start, stop, out. */
  GRAFT_INITIALIZER_DEF ("template.linspace", template_linspace, 4,
                         "(start: float = 0.0, stop: float = 1.0) -> (out: T), T in {float32, float64}",
                         "Evenly spaced values from start to stop, in row-major order"),
};

/* ---- the plugin ---- */

/* Runs once, when Graft loads the module: registers the definitions. */
static gboolean
template_init (GraftPlugin *plugin,
               GError     **error)
{
  /* Each call registers every row it can; a row that is refused (a bad
   * signature, a name someone else registered first) is recorded on the
   * plugin and shown by graft-inspect. Returning that refusal keeps the
   * rows that did register (the plugin is then PARTIAL): return an error
   * of your own only when the plugin cannot work at all. */
  gboolean ops_ok = graft_plugin_add_ops (plugin, template_ops, G_N_ELEMENTS (template_ops), error);
  gboolean inits_ok = graft_plugin_add_initializers (plugin, template_initializers,
                                                     G_N_ELEMENTS (template_initializers),
                                                     ops_ok ? error : NULL);

  return ops_ok && inits_ok;
}

/* Exports the descriptor `graft_plugin_template_desc`, the one symbol Graft
 * looks up. The id must match the file name: graft-template.so (or
 * libtemplate.so) declares `template`; graft-acme-ops.so would declare
 * `acme_ops`. */
GRAFT_PLUGIN_DEFINE (template, "1.0", "A plugin to copy: one op, one initializer", "LGPL-2.1-or-later",
                     template_init)
