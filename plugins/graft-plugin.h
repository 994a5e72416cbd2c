/* graft-plugin.h: what a plugin author includes.
 *
 * A plugin is a shared module that defines ops and initializers as plain C
 * functions and declares each with one table row. Graft parses the row's
 * signature once, prepares a libffi call once, and calls the function with
 * real C arguments: a #GraftKernel, then every input and attribute in the
 * signature's order, then every output.
 *
 * |[<!-- language="C" -->
 * #include <graft-plugin.h>
 *
 * // y = x * factor
 * static void
 * scale (GraftKernel *k, const GraftTensor *x, double factor, GraftTensor *y)
 * {
 *   const float *in = graft_tensor_get_data (x, NULL);
 *   float *out = graft_kernel_get_output_data (k, y);
 *   for (gsize i = 0; i < graft_tensor_get_num_elements (x); i++)
 *     out[i] = in[i] * factor;
 * }
 *
 * static const GraftOpInfo ops[] = {
 *   GRAFT_OP_DEF ("acme.Scale", scale, 4, "(x: float32, factor: float = 2.0) -> (y: float32)",
 *             "Multiplies x by a constant factor", graft_shape_same_as_input),
 * };
 *
 * static gboolean
 * plugin_init (GraftPlugin *plugin, GError **error)
 * {
 *   return graft_plugin_add_ops (plugin, ops, G_N_ELEMENTS (ops), error);
 * }
 *
 * GRAFT_PLUGIN_DEFINE (acme, "1.0", "Acme ops", "MIT", plugin_init)
 * ]|
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __GRAFT_PLUGIN_H_INSIDE__

#include <gmodule.h>

#include "graft-types.h"
#include "graft-dtype.h"
#include "graft-shape.h"
#include "graft-error.h"
#include "graft-tensor.h"
#include "graft-philox.h"
#include "graft-op-def.h"

#undef __GRAFT_PLUGIN_H_INSIDE__

G_BEGIN_DECLS

/**
 * GRAFT_PLUGIN_ABI_VERSION:
 *
 * The version of the plugin ABI this header describes: the layout of
 * #GraftPluginDesc and #GraftOpInfo and the kernel calling convention. The
 * loader reads it from the module's `.note.graft` ELF note, with plain file
 * reads, and refuses a module built against another version before any of
 * its code runs (constructors included).
 *
 * Version 2 added the note and #GraftPluginDesc's @size. Modules of
 * version 1 (no note, no size) still load: their descriptor is read only
 * as far as the symbol's size in the module's symbol table allows.
 */
#define GRAFT_PLUGIN_ABI_VERSION 2

typedef struct _GraftPlugin GraftPlugin;
typedef struct _GraftKernel GraftKernel;
typedef struct _GraftShapeContext GraftShapeContext;

/**
 * GraftShapeFunc:
 * @ctx: the op being built: its input dtypes and shapes, its attributes
 * @error: return location for a #GError
 *
 * Computes the shapes of an op's outputs from its inputs' (possibly partial)
 * shapes and its attributes, with graft_shape_context_set_output(). Output
 * dtypes come from the signature and need no code. Graft runs it when the op
 * is built and again at run time when a shape was not fully known.
 * Graft tolerates a function that breaks this contract: %FALSE without an
 * error fails with "the shape function failed without giving a reason",
 * and an error set with %TRUE is an error. (Setting @error twice is
 * GLib's own warning; the first error is kept.)
 *
 * Returns: %FALSE with @error set when the inputs are unacceptable
 */
typedef gboolean (*GraftShapeFunc) (GraftShapeContext *ctx,
                                    GError           **error);

/**
 * GraftPluginInitFunc:
 * @plugin: the plugin being loaded
 * @error: return location for a #GError
 *
 * Registers the plugin's definitions.
 *
 * Returns: %FALSE with @error set when the plugin cannot work
 */
typedef gboolean (*GraftPluginInitFunc) (GraftPlugin *plugin,
                                         GError     **error);

/**
 * GraftOpFlags:
 * @GRAFT_OP_FLAGS_NONE: nothing special
 * @GRAFT_OP_FLAGS_STATEFUL: the op reads or writes session state
 *   (variables); it is never folded or reused across runs
 * @GRAFT_OP_FLAGS_RANDOM: the op draws random numbers; Graft gives it a seed
 *   pair by TensorFlow's graph-seed rules
 *
 * Properties of a definition that change how Graft treats it.
 */
typedef enum {
  GRAFT_OP_FLAGS_NONE = 0,
  GRAFT_OP_FLAGS_STATEFUL = 1 << 0,
  GRAFT_OP_FLAGS_RANDOM = 1 << 1,
} GraftOpFlags;

/**
 * GraftOpInfo:
 * @name: the type name, for example `MatMul`; third parties prefix theirs
 *   (`acme.Scale`)
 * @signature: inputs, attributes and outputs, for example
 *   `(a: T, b: T, transpose_a: bool = false) -> (product: T), T in {float32, float64}`
 * @summary: one line saying what it computes
 * @default_name: the name an instance gets when none is given (TensorFlow's
 *   `mul` for `Mul`), or %NULL for @name
 * @shape: (nullable): the shape function; %NULL means "every output has the
 *   shape of input 0" for ops, and "the variable's shape" for initializers
 * @kernel: (nullable): the C function, or %NULL for an op that Graft itself
 *   evaluates
 * @arity: the number of C parameters of @kernel, #GraftKernel included,
 *   checked against @signature at registration
 * @flags: #GraftOpFlags
 *
 * One definition, as a plugin declares it. Use GRAFT_OP_DEF() or
 * GRAFT_INITIALIZER_DEF() to fill one.
 */
typedef struct {
  const char *name;
  const char *signature;
  const char *summary;
  const char *default_name;
  GraftShapeFunc shape;
  GCallback kernel;
  guint arity;
  guint flags;
  /*< private >*/
  gpointer reserved[4];
} GraftOpInfo;

/**
 * GRAFT_OP_DEF:
 * @name: the type name
 * @kernel: the kernel function
 * @arity: the number of parameters of @kernel
 * @signature: the signature string
 * @summary: one line
 * @shape: the shape function, or %NULL
 *
 * Expands to a #GraftOpInfo initializer.
 */
#define GRAFT_OP_DEF(name, kernel, arity, signature, summary, shape) \
  { (name), (signature), (summary), NULL, (shape), G_CALLBACK (kernel), (arity), 0, { NULL } }

/**
 * GRAFT_INITIALIZER_DEF:
 * @name: the initializer's name, for example `glorot_uniform`
 * @kernel: the function filling the output
 * @arity: the number of parameters of @kernel
 * @signature: the signature string, with no inputs and one output
 * @summary: one line
 *
 * Expands to a #GraftOpInfo initializer for graft_plugin_add_initializers().
 */
#define GRAFT_INITIALIZER_DEF(name, kernel, arity, signature, summary) \
  { (name), (signature), (summary), NULL, NULL, G_CALLBACK (kernel), (arity), 0, { NULL } }

/**
 * GraftPluginDesc:
 * @abi_version: #GRAFT_PLUGIN_ABI_VERSION when the module was built
 * @size: `sizeof (GraftPluginDesc)` when the module was built, so that the
 *   loader never reads past the end of a shorter descriptor (the field
 *   fills what was padding in ABI 1: no other field moved)
 * @name: the plugin's name
 * @version: the plugin's version
 * @description: one line
 * @license: the license of the module
 * @init: registers the definitions
 *
 * What a module exports, through GRAFT_PLUGIN_DEFINE().
 */
typedef struct {
  guint32 abi_version;
  guint32 size;
  const char *name;
  const char *version;
  const char *description;
  const char *license;
  GraftPluginInitFunc init;
  /*< private >*/
  gpointer reserved[8];
} GraftPluginDesc;

/**
 * GRAFT_PLUGIN_DEFINE:
 * @id: the module's name as a C identifier: a module file `graft-foo-bar.so`
 *   or `libfoo-bar.so` declares `foo_bar`
 * @version: a version string
 * @description: one line
 * @license: a license name
 * @init: a #GraftPluginInitFunc
 *
 * Exports the module's descriptor as the data symbol
 * `graft_plugin_<id>_desc`, the one symbol the loader looks up, and writes
 * the ABI version and the descriptor's size a second time into an ELF note
 * (section `.note.graft`, owner `Graft`), which the loader and the plugin
 * scanner read from the file before they open it: a module built for
 * another ABI is refused without any of its code running, constructors
 * included. The macro works in C++ too (the symbol then has C linkage).
 */
#ifdef __cplusplus
#define _GRAFT_PLUGIN_EXTERN extern "C"
#else
#define _GRAFT_PLUGIN_EXTERN extern
#endif

/* The note's layout, as <elf.h> has it: name and descriptor sizes, type,
 * the owner name padded to 4 bytes, then the descriptor (two 32-bit words:
 * ABI version, sizeof (GraftPluginDesc)). */
#define GRAFT_PLUGIN_NOTE_NAME "Graft"
#define GRAFT_PLUGIN_NOTE_TYPE 1

#if defined(__ELF__) && !defined(__GI_SCANNER__)
#define _GRAFT_PLUGIN_NOTE(id, abi, size_)                                    \
  __attribute__ ((section (".note.graft"), used, aligned (4)))                \
  static const struct {                                                       \
    guint32 namesz, descsz, type;                                             \
    char name[8];                                                             \
    guint32 abi_version, desc_size;                                           \
  } graft_plugin_##id##_note = {                                              \
    sizeof (GRAFT_PLUGIN_NOTE_NAME), 8, GRAFT_PLUGIN_NOTE_TYPE,               \
    GRAFT_PLUGIN_NOTE_NAME, (abi), (size_)                                    \
  };
#else
#define _GRAFT_PLUGIN_NOTE(id, abi, size_)
#endif

/* The definition takes its visibility and linkage from the declaration
 * (C++ compilers ignore, with a warning, an attribute repeated there). */
#define GRAFT_PLUGIN_DEFINE(id, version, description, license, init)          \
  _GRAFT_PLUGIN_NOTE (id, GRAFT_PLUGIN_ABI_VERSION, sizeof (GraftPluginDesc)) \
  _GRAFT_PLUGIN_EXTERN G_MODULE_EXPORT const GraftPluginDesc                  \
    graft_plugin_##id##_desc;                                                 \
  const GraftPluginDesc graft_plugin_##id##_desc = {                          \
    GRAFT_PLUGIN_ABI_VERSION, sizeof (GraftPluginDesc), #id, (version),       \
    (description), (license), (init), { NULL }                                \
  };

/**
 * GraftPluginStatus:
 * @GRAFT_PLUGIN_STATUS_LOADED: the plugin loaded and all its definitions
 *   were registered
 * @GRAFT_PLUGIN_STATUS_PARTIAL: the plugin loaded but some definitions were
 *   refused (a duplicate name, a bad signature); see graft_plugin_get_errors()
 * @GRAFT_PLUGIN_STATUS_FAILED: the plugin did not load; nothing of it is
 *   registered
 *
 * The outcome of loading one plugin file.
 */
typedef enum {
  GRAFT_PLUGIN_STATUS_LOADED,
  GRAFT_PLUGIN_STATUS_PARTIAL,
  GRAFT_PLUGIN_STATUS_FAILED,
} GraftPluginStatus;

#define GRAFT_TYPE_PLUGIN (graft_plugin_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftPlugin, graft_plugin, GRAFT, PLUGIN, GObject)

GRAFT_AVAILABLE_IN_ALL
const char       *graft_plugin_get_filename    (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
const char       *graft_plugin_get_name        (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
const char       *graft_plugin_get_version     (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
const char       *graft_plugin_get_description (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
const char       *graft_plugin_get_license     (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
GraftPluginStatus graft_plugin_get_status      (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
const GError     *graft_plugin_get_error       (GraftPlugin *plugin);
GRAFT_AVAILABLE_IN_ALL
GError          **graft_plugin_get_errors      (GraftPlugin *plugin,
                                                guint       *n_errors);
GRAFT_AVAILABLE_IN_ALL
const GraftOpDef **graft_plugin_list_definitions (GraftPlugin *plugin,
                                                  guint       *n_defs);

GRAFT_AVAILABLE_IN_ALL
gboolean      graft_plugin_add_ops          (GraftPlugin       *plugin,
                                             const GraftOpInfo *ops,
                                             guint              n_ops,
                                             GError           **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_plugin_add_initializers (GraftPlugin       *plugin,
                                             const GraftOpInfo *initializers,
                                             guint              n_initializers,
                                             GError           **error);

/* Kernels */
#define GRAFT_TYPE_KERNEL (graft_kernel_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType         graft_kernel_get_type               (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
gpointer      graft_kernel_get_output_data        (GraftKernel       *kernel,
                                                   GraftTensor       *output);
GRAFT_AVAILABLE_IN_ALL
const char   *graft_kernel_get_op_name            (GraftKernel       *kernel);
GRAFT_AVAILABLE_IN_ALL
guint         graft_kernel_get_num_outputs        (GraftKernel       *kernel);
GRAFT_AVAILABLE_IN_ALL
GraftDType    graft_kernel_get_output_dtype       (GraftKernel       *kernel,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
GraftShape   *graft_kernel_get_output_shape       (GraftKernel       *kernel,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_kernel_get_seeds              (GraftKernel       *kernel,
                                                   gint64            *seed,
                                                   gint64            *seed2);
GRAFT_AVAILABLE_IN_ALL
void          graft_kernel_set_error              (GraftKernel       *kernel,
                                                   const char        *format,
                                                   ...) G_GNUC_PRINTF (2, 3);
GRAFT_AVAILABLE_IN_ALL
void          graft_kernel_set_error_literal      (GraftKernel       *kernel,
                                                   const char        *message);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_kernel_has_error              (GraftKernel       *kernel);

/**
 * GraftParallelFunc:
 * @begin: the first index of the chunk
 * @end: one past its last index
 * @user_data: the data given to graft_kernel_parallel_for()
 *
 * Processes indices [@begin, @end) of a kernel's work.
 */
typedef void (*GraftParallelFunc) (gsize    begin,
                                   gsize    end,
                                   gpointer user_data);

GRAFT_AVAILABLE_IN_ALL
guint         graft_kernel_get_num_threads        (GraftKernel       *kernel);

GRAFT_AVAILABLE_IN_ALL
void          graft_kernel_parallel_for           (GraftKernel       *kernel,
                                                   gsize              n,
                                                   gsize              grain,
                                                   GraftParallelFunc  func,
                                                   gpointer           user_data);

GRAFT_AVAILABLE_IN_ALL
void          graft_kernel_init_philox            (GraftKernel       *kernel,
                                                   GraftPhilox       *gen);

/* Gradients */

/**
 * GraftGradContext:
 *
 * What a gradient function sees of one forward op while graft_gradients()
 * differentiates through it: the op's inputs and outputs, the gradients
 * flowing back into its outputs, and the slots for its inputs' gradients.
 * The current name scope is the op's own `gradients/<op name>_grad`, so
 * ops built with default names land where TensorFlow puts them.
 */
#define GRAFT_TYPE_GRAD_CONTEXT (graft_grad_context_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftGradContext, graft_grad_context, GRAFT, GRAD_CONTEXT, GObject)

/**
 * GraftGradientFunc:
 * @ctx: the op being differentiated
 * @error: return location for a #GError
 *
 * Builds the gradients of an op's inputs from the gradients of its outputs
 * (graft_grad_context_get_grad()) with ordinary graph-building calls, and
 * hands each to graft_grad_context_set_input_grad(). An input left unset
 * gets no gradient (TensorFlow's None).
 *
 * Returns: %FALSE with @error set when the gradient cannot be built
 */
typedef gboolean (*GraftGradientFunc) (GraftGradContext *ctx,
                                       GError          **error);

/**
 * GraftGradientInfo:
 * @op: the op type the row is for
 * @gradient: (nullable): its gradient function, or %NULL for an op that is
 *   not differentiable (TensorFlow's `NotDifferentiable`): its inputs get
 *   no gradient, which is not an error
 *
 * One row of a plugin's gradient table, kept beside its op table and
 * registered with graft_plugin_add_gradients().
 */
typedef struct {
  const char *op;
  GraftGradientFunc gradient;
} GraftGradientInfo;

/**
 * GRAFT_NOT_DIFFERENTIABLE:
 * @op: the op type
 *
 * Expands to a #GraftGradientInfo row declaring @op not differentiable.
 */
#define GRAFT_NOT_DIFFERENTIABLE(op) { (op), NULL }

GRAFT_AVAILABLE_IN_ALL
gboolean      graft_plugin_add_gradients          (GraftPlugin             *plugin,
                                                   const GraftGradientInfo *gradients,
                                                   guint                    n_gradients,
                                                   GError                 **error);

GRAFT_AVAILABLE_IN_ALL
GraftGraph   *graft_grad_context_get_graph        (GraftGradContext  *ctx);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_grad_context_get_op           (GraftGradContext  *ctx);
GRAFT_AVAILABLE_IN_ALL
guint         graft_grad_context_get_num_inputs   (GraftGradContext  *ctx);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_grad_context_get_input        (GraftGradContext  *ctx,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
guint         graft_grad_context_get_num_outputs  (GraftGradContext  *ctx);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_grad_context_get_output       (GraftGradContext  *ctx,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_grad_context_get_grad         (GraftGradContext  *ctx,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
void          graft_grad_context_set_input_grad   (GraftGradContext  *ctx,
                                                   guint              index,
                                                   GraftOutput       *grad);

/* Shape functions */
GRAFT_AVAILABLE_IN_ALL
const char   *graft_shape_context_get_op_name     (GraftShapeContext *ctx);
GRAFT_AVAILABLE_IN_ALL
guint         graft_shape_context_get_num_inputs  (GraftShapeContext *ctx);
GRAFT_AVAILABLE_IN_ALL
GraftDType    graft_shape_context_get_input_dtype (GraftShapeContext *ctx,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
gint          graft_shape_context_get_input_rank  (GraftShapeContext *ctx,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
const gint64 *graft_shape_context_get_input_dims  (GraftShapeContext *ctx,
                                                   guint              index);
GRAFT_AVAILABLE_IN_ALL
const GraftTensor *graft_shape_context_get_input_value (GraftShapeContext *ctx,
                                                        guint              index);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_get_attr_bool   (GraftShapeContext *ctx,
                                                   const char        *name);
GRAFT_AVAILABLE_IN_ALL
gint64        graft_shape_context_get_attr_int    (GraftShapeContext *ctx,
                                                   const char        *name);
GRAFT_AVAILABLE_IN_ALL
double        graft_shape_context_get_attr_float  (GraftShapeContext *ctx,
                                                   const char        *name);
GRAFT_AVAILABLE_IN_ALL
const char   *graft_shape_context_get_attr_string (GraftShapeContext *ctx,
                                                   const char        *name);
GRAFT_AVAILABLE_IN_ALL
GraftDType    graft_shape_context_get_attr_type   (GraftShapeContext *ctx,
                                                   const char        *name);
GRAFT_AVAILABLE_IN_ALL
const GraftShape *graft_shape_context_get_attr_shape (GraftShapeContext *ctx,
                                                      const char        *name);
GRAFT_AVAILABLE_IN_ALL
const GraftTensor *graft_shape_context_get_attr_tensor (GraftShapeContext *ctx,
                                                        const char        *name);
GRAFT_AVAILABLE_IN_ALL
const gint64 *graft_shape_context_get_attr_ints   (GraftShapeContext *ctx,
                                                   const char        *name,
                                                   gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
const double *graft_shape_context_get_attr_floats (GraftShapeContext *ctx,
                                                   const char        *name,
                                                   gsize             *n_values);
GRAFT_AVAILABLE_IN_ALL
void          graft_shape_context_set_output      (GraftShapeContext *ctx,
                                                   guint              index,
                                                   gint               rank,
                                                   const gint64      *dims);

/* Shape-function helpers for the common cases. */
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_same_as_input (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_broadcast     (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_matmul        (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_reduce        (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_scalar        (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_unknown       (GraftShapeContext *ctx, GError **error);
/* The same for bindings, as methods of the context. */
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_same_as_input (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_broadcast     (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_matmul        (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_reduce        (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_scalar        (GraftShapeContext *ctx, GError **error);
GRAFT_AVAILABLE_IN_ALL
gboolean      graft_shape_context_unknown       (GraftShapeContext *ctx, GError **error);

G_END_DECLS
