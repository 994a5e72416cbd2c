/* graft-error.h: the error domains of Graft.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION) && !defined (__GRAFT_PLUGIN_H_INSIDE__)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

/**
 * GRAFT_GRAPH_ERROR:
 *
 * Error domain for building graphs: names, name scopes, ops, inputs,
 * attributes, shapes and dtypes. Errors in this domain are #GraftGraphError.
 */
#define GRAFT_GRAPH_ERROR (graft_graph_error_quark ())

/**
 * GraftGraphError:
 * @GRAFT_GRAPH_ERROR_INVALID_NAME: a name does not match TensorFlow's
 *   regular expressions (`'x' is not a valid scope name`, `… node name`)
 * @GRAFT_GRAPH_ERROR_DUPLICATE_NAME: an op name given absolutely is
 *   already taken by another op
 * @GRAFT_GRAPH_ERROR_UNKNOWN_OP: no op or initializer of that type is
 *   registered
 * @GRAFT_GRAPH_ERROR_INVALID_INPUT: wrong number of inputs, an output of
 *   another graph (also for the `values` of name scopes and variable
 *   scopes: `… must be from the same graph as …`), or an output index out
 *   of range
 * @GRAFT_GRAPH_ERROR_INVALID_ATTR: an unknown attribute, a value of the wrong
 *   kind, a required attribute left unset, or a constant initializer's
 *   value whose shape is not the one `verify_shape` asks for (TensorFlow's
 *   TypeError `Expected Tensor's shape: …`)
 * @GRAFT_GRAPH_ERROR_DTYPE: an input or attribute dtype the op does not
 *   accept, or inputs that must agree and do not
 * @GRAFT_GRAPH_ERROR_SHAPE: the op's shape function rejected its inputs
 * @GRAFT_GRAPH_ERROR_NOT_FOUND: no op of that name exists
 * @GRAFT_GRAPH_ERROR_NAME_REQUIRED: neither a name nor a default name was
 *   given where one is needed
 * @GRAFT_GRAPH_ERROR_IMPROPER_NESTING: a name scope was left while it was
 *   not the innermost one of the calling thread
 *
 * Errors raised while building a graph.
 */
typedef enum {
  GRAFT_GRAPH_ERROR_INVALID_NAME,
  GRAFT_GRAPH_ERROR_DUPLICATE_NAME,
  GRAFT_GRAPH_ERROR_UNKNOWN_OP,
  GRAFT_GRAPH_ERROR_INVALID_INPUT,
  GRAFT_GRAPH_ERROR_INVALID_ATTR,
  GRAFT_GRAPH_ERROR_DTYPE,
  GRAFT_GRAPH_ERROR_SHAPE,
  GRAFT_GRAPH_ERROR_NOT_FOUND,
  GRAFT_GRAPH_ERROR_NAME_REQUIRED,
  GRAFT_GRAPH_ERROR_IMPROPER_NESTING,
} GraftGraphError;

/**
 * GRAFT_SCOPE_ERROR:
 *
 * Error domain for entering and leaving variable scopes. Errors in this
 * domain are #GraftScopeError.
 */
#define GRAFT_SCOPE_ERROR (graft_scope_error_quark ())

/**
 * GraftScopeError:
 * @GRAFT_SCOPE_ERROR_NAME_REQUIRED: neither a name, a scope nor a default name
 *   was given (`If default_name is None then name_or_scope is required`)
 * @GRAFT_SCOPE_ERROR_INVALID_REUSE: a reuse value outside #GraftReuse
 *   (`The reuse parameter must be True or False or None.`)
 * @GRAFT_SCOPE_ERROR_REUSE_WITHOUT_NAME: reuse asked for on a default-name
 *   scope (`reuse=True cannot be used without a name_or_scope`)
 * @GRAFT_SCOPE_ERROR_INVALID_ARGUMENT: both a name and a scope object, or an
 *   auxiliary_name_scope that is not a boolean
 * @GRAFT_SCOPE_ERROR_IMPROPER_NESTING: a scope was left while it was not the
 *   innermost one of the calling thread (`Improper nesting of variable_scope.`)
 *
 * Errors raised while entering or leaving a variable scope.
 */
typedef enum {
  GRAFT_SCOPE_ERROR_NAME_REQUIRED,
  GRAFT_SCOPE_ERROR_INVALID_REUSE,
  GRAFT_SCOPE_ERROR_REUSE_WITHOUT_NAME,
  GRAFT_SCOPE_ERROR_INVALID_ARGUMENT,
  GRAFT_SCOPE_ERROR_IMPROPER_NESTING,
} GraftScopeError;

/**
 * GRAFT_VARIABLE_ERROR:
 *
 * Error domain for get_variable() and the variable store. Errors in this
 * domain are #GraftVariableError; their messages are TensorFlow 1.15's.
 */
#define GRAFT_VARIABLE_ERROR (graft_variable_error_quark ())

/**
 * GraftVariableError:
 * @GRAFT_VARIABLE_ERROR_ALREADY_EXISTS: the variable exists and the scope
 *   does not reuse (`Variable NAME already exists, disallowed. …`)
 * @GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST: the variable is missing and the scope
 *   reuses strictly (`Variable NAME does not exist, or was not created with
 *   tf.get_variable(). …`)
 * @GRAFT_VARIABLE_ERROR_SHAPE_MISMATCH: sharing with an incompatible shape
 * @GRAFT_VARIABLE_ERROR_DTYPE_MISMATCH: sharing with another dtype
 * @GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE: a value initializer together with a
 *   shape (`If initializer is a constant, do not specify shape.`)
 * @GRAFT_VARIABLE_ERROR_INVALID_INITIALIZER: a new variable whose shape is
 *   not fully defined, with an initializer that needs one
 * @GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE: a value initializer whose dtype
 *   differs from the explicit dtype
 * @GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED: no default initializer exists
 *   for the dtype (`An initializer for variable NAME of DTYPE is required`)
 * @GRAFT_VARIABLE_ERROR_GETTER_FAILED: a custom getter returned no variable
 *   and gave no reason
 *
 * Errors raised by get_variable().
 */
typedef enum {
  GRAFT_VARIABLE_ERROR_ALREADY_EXISTS,
  GRAFT_VARIABLE_ERROR_DOES_NOT_EXIST,
  GRAFT_VARIABLE_ERROR_SHAPE_MISMATCH,
  GRAFT_VARIABLE_ERROR_DTYPE_MISMATCH,
  GRAFT_VARIABLE_ERROR_VALUE_WITH_SHAPE,
  GRAFT_VARIABLE_ERROR_INVALID_INITIALIZER,
  GRAFT_VARIABLE_ERROR_INITIALIZER_DTYPE,
  GRAFT_VARIABLE_ERROR_INITIALIZER_REQUIRED,
  GRAFT_VARIABLE_ERROR_GETTER_FAILED,
} GraftVariableError;

/**
 * GRAFT_TENSOR_ERROR:
 *
 * Error domain for making tensors from data. Errors in this domain are
 * #GraftTensorError.
 */
#define GRAFT_TENSOR_ERROR (graft_tensor_error_quark ())

/**
 * GraftTensorError:
 * @GRAFT_TENSOR_ERROR_INVALID_DTYPE: the dtype is not a valid #GraftDType
 * @GRAFT_TENSOR_ERROR_INVALID_SHAPE: the shape is not fully defined or too
 *   large
 * @GRAFT_TENSOR_ERROR_SIZE_MISMATCH: the data does not hold exactly the
 *   number of bytes the dtype and shape need
 * @GRAFT_TENSOR_ERROR_RESOURCE_EXHAUSTED: the memory for the elements could
 *   not be allocated (`OOM when allocating tensor with shape[…] and type …`)
 *
 * Errors raised when a tensor is made.
 */
typedef enum {
  GRAFT_TENSOR_ERROR_INVALID_DTYPE,
  GRAFT_TENSOR_ERROR_INVALID_SHAPE,
  GRAFT_TENSOR_ERROR_SIZE_MISMATCH,
  GRAFT_TENSOR_ERROR_RESOURCE_EXHAUSTED,
} GraftTensorError;

/**
 * GRAFT_PLUGIN_ERROR:
 *
 * Error domain for loading plugins and registering definitions. Errors in
 * this domain are #GraftPluginError.
 */
#define GRAFT_PLUGIN_ERROR (graft_plugin_error_quark ())

/**
 * GraftPluginError:
 * @GRAFT_PLUGIN_ERROR_UNREADABLE: the file does not exist or cannot be read
 * @GRAFT_PLUGIN_ERROR_NOT_A_MODULE: the file is not a loadable shared object
 * @GRAFT_PLUGIN_ERROR_MISSING_DESCRIPTOR: the module does not export
 *   `graft_plugin_<id>_get_desc`
 * @GRAFT_PLUGIN_ERROR_ABI_MISMATCH: the module was built for another
 *   #GRAFT_PLUGIN_ABI_VERSION
 * @GRAFT_PLUGIN_ERROR_INIT_FAILED: the plugin's init function failed
 * @GRAFT_PLUGIN_ERROR_DUPLICATE_NAME: a definition has the name of one
 *   registered earlier (the first one wins)
 * @GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE: a signature does not parse; the
 *   message points at the character
 * @GRAFT_PLUGIN_ERROR_ARITY_MISMATCH: the kernel's declared parameter count
 *   does not match its signature
 * @GRAFT_PLUGIN_ERROR_INVALID_DEFINITION: a definition is unusable for
 *   another reason (bad name, an initializer with inputs, …)
 *
 * Errors raised by the plugin loader and the registry.
 */
typedef enum {
  GRAFT_PLUGIN_ERROR_UNREADABLE,
  GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
  GRAFT_PLUGIN_ERROR_MISSING_DESCRIPTOR,
  GRAFT_PLUGIN_ERROR_ABI_MISMATCH,
  GRAFT_PLUGIN_ERROR_INIT_FAILED,
  GRAFT_PLUGIN_ERROR_DUPLICATE_NAME,
  GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE,
  GRAFT_PLUGIN_ERROR_ARITY_MISMATCH,
  GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
} GraftPluginError;

/**
 * GRAFT_SESSION_ERROR:
 *
 * Error domain for running graphs. Errors in this domain are
 * #GraftSessionError. A cancelled run fails with %G_IO_ERROR_CANCELLED
 * instead.
 */
#define GRAFT_SESSION_ERROR (graft_session_error_quark ())

/**
 * GraftSessionError:
 * @GRAFT_SESSION_ERROR_UNINITIALIZED: a variable was read before it was
 *   given a value (`Attempting to use uninitialized value NAME`)
 * @GRAFT_SESSION_ERROR_UNFED_PLACEHOLDER: a placeholder the run needs was
 *   not fed (`You must feed a value for placeholder tensor 'x' …`)
 * @GRAFT_SESSION_ERROR_INVALID_FEED: a feed of another graph, fed twice, or
 *   whose dtype or shape does not fit the output it replaces
 * @GRAFT_SESSION_ERROR_INVALID_FETCH: a fetch or target of another graph, or
 *   a fetch of an op without outputs
 * @GRAFT_SESSION_ERROR_KERNEL: a kernel failed; the message names the op
 * @GRAFT_SESSION_ERROR_SHAPE: a shape known only at run time is invalid (an
 *   assignment of another shape, a shape function failing on fed shapes)
 * @GRAFT_SESSION_ERROR_NO_KERNEL: an op the run needs has no kernel
 * @GRAFT_SESSION_ERROR_CLOSED: the session was closed with
 *   graft_session_close() (`Attempted to use a closed Session.`)
 * @GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED: memory for a tensor of the run
 *   could not be allocated, or the run would hold more than
 *   #GraftSession:memory-limit bytes (TensorFlow's `OOM when allocating
 *   tensor with shape[…] and type … on … by allocator cpu`). The session
 *   stays usable.
 *
 * Errors raised by graft_session_run() and callables.
 */
typedef enum {
  GRAFT_SESSION_ERROR_UNINITIALIZED,
  GRAFT_SESSION_ERROR_UNFED_PLACEHOLDER,
  GRAFT_SESSION_ERROR_INVALID_FEED,
  GRAFT_SESSION_ERROR_INVALID_FETCH,
  GRAFT_SESSION_ERROR_KERNEL,
  GRAFT_SESSION_ERROR_SHAPE,
  GRAFT_SESSION_ERROR_NO_KERNEL,
  GRAFT_SESSION_ERROR_CLOSED,
  GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED,
} GraftSessionError;

GRAFT_AVAILABLE_IN_ALL
GQuark graft_session_error_quark  (void);
GRAFT_AVAILABLE_IN_ALL
GQuark graft_plugin_error_quark   (void);
GRAFT_AVAILABLE_IN_ALL
GQuark graft_graph_error_quark    (void);
GRAFT_AVAILABLE_IN_ALL
GQuark graft_scope_error_quark    (void);
GRAFT_AVAILABLE_IN_ALL
GQuark graft_variable_error_quark (void);
GRAFT_AVAILABLE_IN_ALL
GQuark graft_tensor_error_quark   (void);

/**
 * GRAFT_TRAIN_ERROR:
 *
 * Error domain for differentiating and training. Errors in this domain are
 * #GraftTrainError.
 */
#define GRAFT_TRAIN_ERROR (graft_train_error_quark ())

/**
 * GraftTrainError:
 * @GRAFT_TRAIN_ERROR_NO_GRADIENT: a differentiable op on a path from the
 *   xs to the ys has no registered gradient (TensorFlow's LookupError `No
 *   gradient defined for operation 'NAME' (op type: TYPE)`)
 * @GRAFT_TRAIN_ERROR_INVALID_ARGUMENT: a tensor of another graph, a
 *   `grad_ys` of the wrong dtype or shape, a non-variable or an integer
 *   variable given to an optimizer, a NaN learning rate, …
 * @GRAFT_TRAIN_ERROR_NO_GRADIENTS: no variable of an optimizer's list has
 *   a gradient (`No gradients provided for any variable, …`)
 * @GRAFT_TRAIN_ERROR_GRADIENT_FAILED: a gradient function failed; the
 *   message names the op
 *
 * Errors raised by graft_gradients() and the optimizers.
 */
typedef enum {
  GRAFT_TRAIN_ERROR_NO_GRADIENT,
  GRAFT_TRAIN_ERROR_INVALID_ARGUMENT,
  GRAFT_TRAIN_ERROR_NO_GRADIENTS,
  GRAFT_TRAIN_ERROR_GRADIENT_FAILED,
} GraftTrainError;

GRAFT_AVAILABLE_IN_ALL
GQuark graft_train_error_quark (void);

G_END_DECLS
