/* graft-core-private.h: the values layer, inside: tensors, raw shapes,
 * attribute values and the helpers every layer above shares.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include "graft-types.h"
#include "graft-enum-types.h"
#include "graft-dtype.h"
#include "graft-shape.h"
#include "graft-error.h"
#include "graft-tensor.h"
#include "graft-philox.h"
#include "graft-arena.h"
#include "graft-strmap.h"

G_BEGIN_DECLS

/* Thread-local variables on hot paths. The initial-exec model reads them
 * straight from the thread pointer instead of calling __tls_get_addr (a
 * shared library's default); the few dozen bytes Graft uses fit in the
 * static TLS space glibc keeps for libraries loaded later with dlopen
 * (as bindings load Graft). */
#define GRAFT_TLS _Thread_local __attribute__ ((tls_model ("initial-exec")))

/* Ranks beyond this are refused; it keeps per-op scratch space on the stack. */
#define GRAFT_MAX_RANK 32

/* GString appends that do not call into GLib when the buffer has room:
 * naming an op appends three or four times. */
static inline void
_graft_gstring_append (GString    *s,
                       const char *data,
                       gsize       n)
{
  if (G_LIKELY (s->len + n < s->allocated_len))
    {
      memcpy (s->str + s->len, data, n);
      s->len += n;
      s->str[s->len] = '\0';
    }
  else
    g_string_append_len (s, data, n);
}

static inline void
_graft_gstring_clear (GString *s)
{
  s->len = 0;
  s->str[0] = '\0';
}

/* ---- shapes on raw (rank, dims) pairs ---- */
gboolean    _graft_dims_fully_defined (gint rank, const gint64 *dims);
gint64      _graft_dims_num_elements  (gint rank, const gint64 *dims);
gboolean    _graft_dims_num_elements_checked (gint rank, const gint64 *dims, gint64 *n, gsize elem_size);
void        _graft_set_too_many_elements (GError **error, GQuark domain, gint code,
                                          gint rank, const gint64 *dims);
void        _graft_set_oom            (GError **error, GQuark domain, gint code, GraftDType dtype,
                                       gint rank, const gint64 *dims);
gboolean    _graft_dims_compatible    (gint rank_a, const gint64 *a, gint rank_b, const gint64 *b);
void        _graft_dims_format        (GString *s, gint rank, const gint64 *dims);
GraftShape *_graft_shape_new_from_dims (gint rank, const gint64 *dims);
const gint64 *_graft_shape_dims       (const GraftShape *shape);

/* ---- attribute values ---- */

/* One value per attribute of an op definition, in signature order. The
 * graph owns what pointers refer to (arena memory, or a reference on a
 * shape/tensor released when the graph dies). */
typedef union {
  gint64 i;
  double f;
  gboolean b;
  GraftDType type;
  const char *s;
  GraftShape *shape;
  GraftTensor *tensor;
  struct {
    const void *v;
    gsize n;
  } list;
} GraftAttrValue;

/* ---- tensors ---- */

struct _GraftTensor {
  gint ref_count;
  GraftDType dtype;
  GraftShape *shape;
  gsize n_elements;
  gsize n_bytes;
  guint8 *data;                 /* inside `bytes`, or lent by a session run */
  GBytes *bytes;                /* owns `data`; NULL while data is lent */
};

GraftTensor *_graft_tensor_new_uninitialized (GraftDType dtype, GraftShape *shape);
gboolean     _graft_tensor_check_shape       (GraftDType dtype, const GraftShape *shape,
                                              gsize *n_elements, GError **error);

G_END_DECLS
