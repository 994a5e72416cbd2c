/* graft-variable.h: variables, get_variable() and the hooks around it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"
#include "graft-scope.h"

G_BEGIN_DECLS

typedef struct _GraftVariableRequest GraftVariableRequest;
typedef struct _GraftGetter GraftGetter;

#define GRAFT_TYPE_VARIABLE (graft_variable_get_type ())
GRAFT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GraftVariable, graft_variable, GRAFT, VARIABLE, GObject)

/**
 * GraftCustomGetterFunc:
 * @getter: the next getter in the chain; call graft_getter_get_variable()
 *   on it to get or create the variable the usual way
 * @request: (transfer none): what get_variable() was asked for, with the
 *   full name; a fresh copy the function may change and pass on
 * @user_data: the data given to graft_custom_getter_new()
 *
 * A custom getter (TensorFlow's `custom_getter`). Getters of nested scopes
 * compose: the innermost scope's getter runs first and its @getter leads to
 * the enclosing scope's, then to the real one.
 *
 * Returns: (transfer none) (nullable): the variable, owned by the graph;
 *   %NULL fails get_variable() with the error of the inner getter, the one
 *   given to graft_getter_set_error(), or a generic one
 */
typedef GraftVariable *(*GraftCustomGetterFunc) (GraftGetter          *getter,
                                                 GraftVariableRequest *request,
                                                 gpointer              user_data);

/**
 * GraftRegularizerFunc:
 * @variable: a variable just created
 * @user_data: the data given to graft_regularizer_new()
 *
 * Builds a loss from a new variable. It runs in the name scope
 * `NAME/Regularizer/`.
 *
 * Returns: (transfer none) (nullable): the loss, an output of the
 *   variable's graph, or %NULL for none
 */
typedef GraftOutput *(*GraftRegularizerFunc) (GraftVariable *variable,
                                              gpointer       user_data);

/**
 * GraftConstraintFunc:
 * @value: the variable's value after an optimizer update
 * @user_data: the data given to graft_constraint_new()
 *
 * Projects a variable's value (TensorFlow's `constraint`). Graft stores it
 * on the variable for optimizers; it never calls it itself.
 *
 * Returns: (transfer none) (nullable): the projected value
 */
typedef GraftOutput *(*GraftConstraintFunc) (GraftOutput *value,
                                             gpointer     user_data);

#define GRAFT_TYPE_CUSTOM_GETTER (graft_custom_getter_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType                 graft_custom_getter_get_type (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
GraftCustomGetter    *graft_custom_getter_new      (GraftCustomGetterFunc func,
                                                    gpointer              user_data,
                                                    GDestroyNotify        notify);
GRAFT_AVAILABLE_IN_ALL
GraftCustomGetter    *graft_custom_getter_ref      (GraftCustomGetter    *getter);
GRAFT_AVAILABLE_IN_ALL
void                  graft_custom_getter_unref    (GraftCustomGetter    *getter);

#define GRAFT_TYPE_GETTER (graft_getter_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType                 graft_getter_get_type        (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
GraftGetter          *graft_getter_ref             (GraftGetter          *getter);
GRAFT_AVAILABLE_IN_ALL
void                  graft_getter_unref           (GraftGetter          *getter);
GRAFT_AVAILABLE_IN_ALL
GraftVariable        *graft_getter_get_variable    (GraftGetter          *getter,
                                                    GraftVariableRequest *request,
                                                    GError              **error);
GRAFT_AVAILABLE_IN_ALL
void                  graft_getter_set_error       (GraftGetter          *getter,
                                                    const GError         *error);
GRAFT_AVAILABLE_IN_ALL
GraftGraph           *graft_getter_get_graph       (GraftGetter          *getter);

#define GRAFT_TYPE_REGULARIZER (graft_regularizer_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType                 graft_regularizer_get_type   (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
GraftRegularizer     *graft_regularizer_new        (GraftRegularizerFunc  func,
                                                    gpointer              user_data,
                                                    GDestroyNotify        notify);
GRAFT_AVAILABLE_IN_ALL
GraftRegularizer     *graft_regularizer_new_none   (void);
GRAFT_AVAILABLE_IN_ALL
GraftRegularizer     *graft_regularizer_ref        (GraftRegularizer     *regularizer);
GRAFT_AVAILABLE_IN_ALL
void                  graft_regularizer_unref      (GraftRegularizer     *regularizer);

#define GRAFT_TYPE_CONSTRAINT (graft_constraint_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType                 graft_constraint_get_type    (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
GraftConstraint      *graft_constraint_new         (GraftConstraintFunc   func,
                                                    gpointer              user_data,
                                                    GDestroyNotify        notify);
GRAFT_AVAILABLE_IN_ALL
GraftConstraint      *graft_constraint_ref         (GraftConstraint      *constraint);
GRAFT_AVAILABLE_IN_ALL
void                  graft_constraint_unref       (GraftConstraint      *constraint);
GRAFT_AVAILABLE_IN_ALL
GraftOutput          *graft_constraint_apply       (GraftConstraint      *constraint,
                                                    GraftOutput          *value);

#define GRAFT_TYPE_VARIABLE_REQUEST (graft_variable_request_get_type ())
GRAFT_AVAILABLE_IN_ALL
GType                 graft_variable_request_get_type (void) G_GNUC_CONST;
GRAFT_AVAILABLE_IN_ALL
GraftVariableRequest *graft_variable_request_new   (const char           *name);
GRAFT_AVAILABLE_IN_ALL
GraftVariableRequest *graft_variable_request_copy  (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
GraftVariableRequest *graft_variable_request_ref   (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_unref (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
const char           *graft_variable_request_get_name (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_name (GraftVariableRequest *request,
                                                       const char           *name);
GRAFT_AVAILABLE_IN_ALL
GraftShape           *graft_variable_request_get_shape (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_shape (GraftVariableRequest *request,
                                                        GraftShape           *shape);
GRAFT_AVAILABLE_IN_ALL
GraftDType            graft_variable_request_get_dtype (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_dtype (GraftVariableRequest *request,
                                                        GraftDType            dtype);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer     *graft_variable_request_get_initializer (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_initializer (GraftVariableRequest *request,
                                                              GraftInitializer     *initializer);
GRAFT_AVAILABLE_IN_ALL
GraftRegularizer     *graft_variable_request_get_regularizer (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_regularizer (GraftVariableRequest *request,
                                                              GraftRegularizer     *regularizer);
GRAFT_AVAILABLE_IN_ALL
GraftConstraint      *graft_variable_request_get_constraint (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_constraint (GraftVariableRequest *request,
                                                             GraftConstraint      *constraint);
GRAFT_AVAILABLE_IN_ALL
GraftCustomGetter    *graft_variable_request_get_custom_getter (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_custom_getter (GraftVariableRequest *request,
                                                                GraftCustomGetter    *getter);
GRAFT_AVAILABLE_IN_ALL
gboolean              graft_variable_request_get_trainable (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_trainable (GraftVariableRequest *request,
                                                            gboolean              trainable);
GRAFT_AVAILABLE_IN_ALL
const char * const   *graft_variable_request_get_collections (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_collections (GraftVariableRequest *request,
                                                              const char * const   *collections);
GRAFT_AVAILABLE_IN_ALL
const char           *graft_variable_request_get_caching_device (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_caching_device (GraftVariableRequest *request,
                                                                 const char           *device);
GRAFT_AVAILABLE_IN_ALL
gboolean              graft_variable_request_get_validate_shape (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_validate_shape (GraftVariableRequest *request,
                                                                 gboolean              validate);
GRAFT_AVAILABLE_IN_ALL
GraftReuse            graft_variable_request_get_reuse (GraftVariableRequest *request);
GRAFT_AVAILABLE_IN_ALL
void                  graft_variable_request_set_reuse (GraftVariableRequest *request,
                                                        GraftReuse            reuse);

GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_graph_get_variable          (GraftGraph           *graph,
                                                   const char           *name,
                                                   GraftShape           *shape,
                                                   GraftDType            dtype,
                                                   GraftInitializer     *initializer,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_graph_get_local_variable    (GraftGraph           *graph,
                                                   const char           *name,
                                                   GraftShape           *shape,
                                                   GraftDType            dtype,
                                                   GraftInitializer     *initializer,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_graph_get_variable_full     (GraftGraph           *graph,
                                                   GraftVariableRequest *request,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_graph_get_local_variable_full (GraftGraph         *graph,
                                                     GraftVariableRequest *request,
                                                     GError            **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_graph_new_variable          (GraftGraph           *graph,
                                                   GraftTensor          *initial_value,
                                                   const char           *name,
                                                   gboolean              trainable,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftVariable  *graft_graph_lookup_variable       (GraftGraph           *graph,
                                                   const char           *name);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_graph_get_all_variables     (GraftGraph           *graph,
                                                   guint                *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_graph_get_collection_variables (GraftGraph        *graph,
                                                      const char        *key,
                                                      const char        *scope,
                                                      guint             *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_graph_get_global_variables  (GraftGraph           *graph,
                                                   guint                *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_graph_get_trainable_variables (GraftGraph         *graph,
                                                     guint              *n_variables);
GRAFT_AVAILABLE_IN_ALL
GraftVariable **graft_graph_get_local_variables   (GraftGraph           *graph,
                                                   guint                *n_variables);

GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_graph_variables_initializer (GraftGraph           *graph,
                                                   GraftVariable       **variables,
                                                   guint                 n_variables,
                                                   const char           *name,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_graph_global_variables_initializer (GraftGraph    *graph,
                                                          GError       **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_graph_local_variables_initializer (GraftGraph     *graph,
                                                         GError        **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_assign             (GraftVariable        *variable,
                                                   GraftOutput          *value,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_assign_add         (GraftVariable        *variable,
                                                   GraftOutput          *value,
                                                   GError              **error);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_assign_sub         (GraftVariable        *variable,
                                                   GraftOutput          *value,
                                                   GError              **error);

GRAFT_AVAILABLE_IN_ALL
const char     *graft_variable_get_name           (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
const char     *graft_variable_get_op_name        (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftGraph     *graft_variable_get_graph          (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftDType      graft_variable_get_dtype          (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftShape     *graft_variable_get_shape          (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
gboolean        graft_variable_get_trainable      (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftInitializer *graft_variable_get_initializer  (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
const char * const *graft_variable_get_collections (GraftVariable       *variable);
GRAFT_AVAILABLE_IN_ALL
GraftConstraint *graft_variable_get_constraint    (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
const char     *graft_variable_get_caching_device (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_get_output         (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_get_value          (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_get_initializer_op (GraftVariable        *variable);
GRAFT_AVAILABLE_IN_ALL
GraftOutput    *graft_variable_get_initial_value  (GraftVariable        *variable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftVariableRequest, graft_variable_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftCustomGetter, graft_custom_getter_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftRegularizer, graft_regularizer_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftConstraint, graft_constraint_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GraftGetter, graft_getter_unref)

G_END_DECLS
