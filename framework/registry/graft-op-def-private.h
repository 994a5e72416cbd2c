/* graft-op-def-private.h: the parsed form of an op or initializer definition.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <ffi.h>

#include "graft-core-private.h"
#include "graft-plugin.h"

G_BEGIN_DECLS

/* Bit set of dtypes: bit d is set when GraftDType d is allowed. */
#define GRAFT_DTYPE_BIT(d) (1u << (d))
#define GRAFT_DTYPES_ALL 0u

typedef struct {
  char *name;
  GraftAttrKind kind;
  gboolean has_default;
  GraftAttrValue default_value; /* owned by the definition */
  guint32 allowed_dtypes;       /* for GRAFT_ATTR_TYPE: 0 means any */
  gboolean inferred;            /* a type variable bound by an input's dtype */
  gboolean is_internal;         /* set by Graft itself (initializers' _shape) */
} GraftAttrDef;

typedef struct {
  char *name;
  GraftDType dtype;             /* a fixed dtype, or GRAFT_DTYPE_INVALID */
  gint type_attr;               /* index of the type attribute, or -1 */
  gboolean is_ref;              /* inputs: `ref T`, a variable the kernel updates */
} GraftArgDef;

typedef enum {
  GRAFT_PARAM_INPUT,
  GRAFT_PARAM_ATTR,
} GraftParamKind;

/* Kernel arguments follow the signature's parameter order, so the position
 * of every input and explicit attribute is recorded once at parse time. */
typedef struct {
  guint8 kind;                  /* GraftParamKind */
  guint8 index;
} GraftParam;

struct _GraftOpDef {
  char *name;
  char *signature;
  char *summary;
  char *default_name;
  char *plugin_name;
  GraftOpKind kind;
  guint flags;                  /* GraftOpFlags */

  guint n_inputs;
  guint n_outputs;
  guint n_attrs;
  guint n_params;
  GraftArgDef *inputs;
  GraftArgDef *outputs;
  GraftAttrDef *attrs;
  GraftParam *params;

  GraftShapeFunc shape_fn;

  /* Bit i: input i is `ref T`, a variable that the kernel updates in place
   * (see graft-executor.c). */
  guint32 ref_inputs;

  /* Indices of `_seed`, `_seed2` and, for Const, `value`; -1 if absent. */
  gint seed_attr;
  gint seed2_attr;
  gint value_attr;

  /* The kernel: a plain C function called through libffi with a cif
   * prepared once here, or a GClosure registered by a binding. */
  GCallback kernel;
  guint arity;
  ffi_cif cif;
  ffi_type **ffi_args;
  /* Set when the cif passes every argument as one integer register or
   * stack word, see _graft_kernel_call(). */
  gboolean direct_call;
  guint32 int32_args;           /* bit i: argument i is a 32-bit int */
  GClosure *closure;
  gpointer reserved[4];
};

/* Parses `signature` and builds a definition. Errors point at the character
 * of the signature where parsing stopped. `arity` is the number of C
 * parameters the kernel was declared with (0 when there is no kernel). */
GraftOpDef *_graft_op_def_new   (GraftOpKind kind, const GraftOpInfo *info,
                                 const char *plugin_name, GError **error);
void        _graft_op_def_free  (GraftOpDef *def);

gint        _graft_op_def_find_attr (const GraftOpDef *def, const char *name);
gboolean    _graft_attr_value_parse (GraftAttrKind kind, const char *text, GraftAttrValue *out, GError **error);
void        _graft_attr_value_clear (GraftAttrKind kind, GraftAttrValue *value);
char       *_graft_attr_value_to_string (GraftAttrKind kind, const GraftAttrValue *value);

/* Registry look-ups; they load the plugins on first use. */
const GraftOpDef *_graft_registry_lookup (GraftOpKind kind, const char *name);
/* For an unknown name: " Did you mean 'Mul'?" naming the closest
 * definition of that kind (same letters in another case, or one or two
 * edits away), or "" when none is close. */
const char       *_graft_registry_hint   (GraftOpKind kind, const char *name, char *buf, gsize size);
guint             _graft_edit_distance   (const char *a, const char *b);

G_END_DECLS
