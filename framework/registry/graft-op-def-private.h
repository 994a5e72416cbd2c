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
  gint number_attr;             /* a list input (`N * T`): index of its
                                 * inferred int attribute N, or -1 */
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
  /* The one length attribute that every list input of the signature
   * shares (so a flat count of inputs determines it), or -1 when the op
   * has no list input; how many inputs are lists. */
  gint number_attr;
  guint n_list_inputs;

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

/* The length of each list input of an op given `n_flat` tensors as its
 * inputs, or -1 when that count does not fit the signature. Ops without
 * list inputs take exactly n_inputs. */
static inline gint64
_graft_op_def_list_len (const GraftOpDef *def,
                        guint             n_flat)
{
  guint fixed = def->n_inputs - def->n_list_inputs;

  if (def->number_attr < 0)
    return n_flat == def->n_inputs ? 0 : -1;
  if (n_flat < fixed || (n_flat - fixed) % def->n_list_inputs != 0)
    return -1;
  return (n_flat - fixed) / def->n_list_inputs;
}

/* The position of argument `arg`'s first tensor among an op's flat
 * inputs, when each list input holds `list_len` tensors. */
static inline guint
_graft_op_def_input_offset (const GraftOpDef *def,
                            gsize             list_len,
                            guint             arg)
{
  guint off = 0;

  if (def->number_attr < 0)
    return arg;
  for (guint a = 0; a < arg; a++)
    off += def->inputs[a].number_attr >= 0 ? (guint) list_len : 1;
  return off;
}

/* The argument that flat input `i` belongs to. */
static inline guint
_graft_op_def_input_arg (const GraftOpDef *def,
                         gsize             list_len,
                         guint             i)
{
  if (def->number_attr < 0)
    return i;
  for (guint a = 0; a < def->n_inputs; a++)
    {
      guint n = def->inputs[a].number_attr >= 0 ? (guint) list_len : 1;

      if (i < n)
        return a;
      i -= n;
    }
  return def->n_inputs - 1;
}

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
