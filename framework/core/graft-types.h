/* graft-types.h: enumerations and forward declarations shared by all of Graft.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION) && !defined (__GRAFT_PLUGIN_H_INSIDE__)
#error "Only <graft.h> can be included directly."
#endif

#include <glib-object.h>
#include "graft-version.h"

G_BEGIN_DECLS

/**
 * GraftDType:
 * @GRAFT_DTYPE_INVALID: no type; also "not given" where a dtype is optional
 * @GRAFT_DTYPE_FLOAT32: 32-bit IEEE float (`float`)
 * @GRAFT_DTYPE_FLOAT64: 64-bit IEEE float (`double`)
 * @GRAFT_DTYPE_INT32: 32-bit signed integer (`gint32`)
 * @GRAFT_DTYPE_INT64: 64-bit signed integer (`gint64`)
 * @GRAFT_DTYPE_BOOL: boolean stored in one byte (`guint8`, 0 or 1)
 * @GRAFT_DTYPE_COMPLEX64: pair of 32-bit floats; storage only, no op
 *   computes with it and it has no default initializer
 * @GRAFT_DTYPE_FLOAT16: IEEE 754 binary16 (`half`), stored as `guint16`;
 *   ops compute in float32 and round to nearest even on store
 * @GRAFT_DTYPE_BFLOAT16: the upper 16 bits of a float32, stored as
 *   `guint16`; ops compute in float32 and round to nearest even on store
 * @GRAFT_DTYPE_INT8: 8-bit signed integer (`gint8`)
 * @GRAFT_DTYPE_UINT8: 8-bit unsigned integer (`guint8`)
 * @GRAFT_DTYPE_INT16: 16-bit signed integer (`gint16`)
 * @GRAFT_DTYPE_UINT16: 16-bit unsigned integer (`guint16`)
 * @GRAFT_DTYPE_COMPLEX128: pair of 64-bit floats; storage only, like
 *   complex64
 *
 * The element type of a tensor. The names follow TensorFlow's
 * (`float32`, `int64`, …), see graft_dtype_get_name(). Values are
 * appended, never renumbered: they are part of the ABI.
 */
typedef enum {
  GRAFT_DTYPE_INVALID = 0,
  GRAFT_DTYPE_FLOAT32,
  GRAFT_DTYPE_FLOAT64,
  GRAFT_DTYPE_INT32,
  GRAFT_DTYPE_INT64,
  GRAFT_DTYPE_BOOL,
  GRAFT_DTYPE_COMPLEX64,
  GRAFT_DTYPE_FLOAT16,
  GRAFT_DTYPE_BFLOAT16,
  GRAFT_DTYPE_INT8,
  GRAFT_DTYPE_UINT8,
  GRAFT_DTYPE_INT16,
  GRAFT_DTYPE_UINT16,
  GRAFT_DTYPE_COMPLEX128,
} GraftDType;

/**
 * GraftReuse:
 * @GRAFT_REUSE_INHERIT: as an argument, "not given": a scope opened by name
 *   inherits the enclosing scope's reuse, a scope re-entered by object keeps
 *   the object's own. As the reuse of a scope, it means "create only"
 *   (TensorFlow's `False`; `False` and `None` are the same argument since
 *   TensorFlow 1.1).
 * @GRAFT_REUSE_TRUE: get only: sharing a variable that does not exist fails
 * @GRAFT_REUSE_AUTO: get the variable if it exists, else create it
 *   (`tf.AUTO_REUSE`); counts as true wherever reuse is inherited
 *
 * How get_variable() treats existing and missing variables in a scope.
 */
typedef enum {
  GRAFT_REUSE_INHERIT = 0,
  GRAFT_REUSE_TRUE = 1,
  GRAFT_REUSE_AUTO = 2,
} GraftReuse;

typedef struct _GraftGraph GraftGraph;
typedef struct _GraftOutput GraftOutput;
typedef struct _GraftShape GraftShape;
typedef struct _GraftTensor GraftTensor;
typedef struct _GraftOpBuilder GraftOpBuilder;
typedef struct _GraftOpDef GraftOpDef;
typedef struct _GraftScope GraftScope;
typedef struct _GraftNameScope GraftNameScope;
typedef struct _GraftVariable GraftVariable;
typedef struct _GraftInitializer GraftInitializer;

G_END_DECLS
