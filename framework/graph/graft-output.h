/* graft-output.h: handles on ops and their outputs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"

G_BEGIN_DECLS

#define GRAFT_TYPE_OUTPUT (graft_output_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType         graft_output_get_type             (void) G_GNUC_CONST;

GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_output_ref                  (GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
void          graft_output_unref                (GraftOutput *output);

GRAFT_AVAILABLE_IN_ALL
GraftGraph   *graft_output_get_graph            (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
guint         graft_output_get_index            (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
char         *graft_output_get_name             (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
GraftDType    graft_output_get_dtype            (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
GraftShape   *graft_output_get_shape            (const GraftOutput *output);

GRAFT_AVAILABLE_IN_ALL
const char   *graft_output_get_op_name          (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
const char   *graft_output_get_op_type          (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
const GraftOpDef *graft_output_get_op_def       (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
guint         graft_output_get_op_id            (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
guint         graft_output_get_num_op_outputs   (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_output_get_sibling          (const GraftOutput *output,
                                                 guint              index);
GRAFT_AVAILABLE_IN_ALL
guint         graft_output_get_num_op_inputs    (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_output_get_op_input         (const GraftOutput *output,
                                                 guint              index);
GRAFT_AVAILABLE_IN_ALL
guint         graft_output_get_num_control_inputs (const GraftOutput *output);
GRAFT_AVAILABLE_IN_ALL
GraftOutput  *graft_output_get_control_input    (const GraftOutput *output,
                                                 guint              index);
GRAFT_AVAILABLE_IN_ALL
GVariant     *graft_output_get_attr             (const GraftOutput *output,
                                                 const char        *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftOutput, graft_output_unref)

G_END_DECLS
