/* graft-runtime-private.h: the runtime layer, inside: sessions, plans and
 * their execution.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "graft-scopes-private.h"
#include "graft-session.h"

G_BEGIN_DECLS

/* A variable's value in one session. The value is an immutable tensor that
 * assignments replace (under the session's lock), so a reader holding a
 * reference never sees a half-written value. */
typedef struct {
  GraftNode *node;              /* the VariableV2 op */
  GraftTensor *value;           /* NULL until initialized */
  /* `value` is a tensor the executor made for this variable alone, so a
   * ref kernel may update it in place once nobody else holds a reference
   * (values assigned from elsewhere may share their bytes). */
  gboolean value_private;
} GraftSessionVar;

typedef enum {
  GRAFT_STEP_KERNEL,
  GRAFT_STEP_REF_KERNEL,        /* a kernel with `ref` inputs: updates variables in place */
  GRAFT_STEP_CONST,
  GRAFT_STEP_VARIABLE,
  GRAFT_STEP_ASSIGN,
  GRAFT_STEP_ASSIGN_ADD,
  GRAFT_STEP_ASSIGN_SUB,
  GRAFT_STEP_NOOP,
  GRAFT_STEP_FUSED,             /* runs a fusion group (graft-fuse.c) */
} GraftStepKind;

typedef enum {
  GRAFT_SLOT_STATIC,            /* computed; its bytes are at a planned arena offset */
  GRAFT_SLOT_DYNAMIC,           /* computed; shape known only at run time */
  GRAFT_SLOT_FEED,              /* the caller's tensor */
  GRAFT_SLOT_SHARED,            /* a tensor someone else owns: a Const, a variable */
} GraftSlotSource;

typedef struct {
  GraftShape *shape;            /* fully defined for STATIC slots */
  GraftDType dtype;
  guint8 source;                /* GraftSlotSource */
  gsize offset;                 /* arena offset of STATIC slots */
  guint32 last_use;             /* index of the last step reading it */
} GraftSlot;

typedef struct {
  GraftNode *node;
  guint8 kind;                  /* GraftStepKind */
  guint8 dynamic;               /* some output shape is known only at run time */
  guint32 in;                   /* first entry in plan->inputs (node->n_inputs of them) */
  guint32 out;                  /* slot of output 0; outputs are consecutive */
  guint32 release;              /* first entry in plan->releases */
  guint32 n_release;
  GraftSessionVar *var;         /* VARIABLE and ASSIGN* steps */
  guint32 refs;                 /* REF_KERNEL: first entry in plan->ref_vars */
  gint64 seed;
  gint64 seed2;
  gboolean has_seeds;
  guint32 group;                /* FUSED steps: index in plan->groups */
} GraftStep;

typedef struct _GraftPlan GraftPlan;
typedef struct _GraftExecContext GraftExecContext;

/* How a fused stage gets each input, per tile of rows. */
typedef enum {
  GRAFT_FUSE_IN_CHAIN,          /* the previous stage's tile (or the GEMM's rows) */
  GRAFT_FUSE_IN_TILED,          /* a tensor of the group's shape: the same rows of it */
  GRAFT_FUSE_IN_WHOLE,          /* a scalar or a row vector, broadcast: all of it */
} GraftFuseInput;

/* A fusion group (graft-fuse.c): an optional head whose kernel takes an
 * epilogue (MatMul), then elementwise stages, all of one output shape,
 * run by its last step as one pass over tiles of rows. */
typedef struct {
  guint32 head;                 /* the epilogue kernel's step, or G_MAXUINT32 */
  guint32 n_stages;
  guint32 *stages;              /* step indices, in order */
  guint8 *in_kind;              /* GraftFuseInput per input of each stage, stage after stage */
  guint32 *in_start;            /* per stage: its first entry in in_kind */
  gint tile_rank;               /* 0, 1 or 2: the rank of a tile */
  gint64 rows;                  /* the shape seen as rows × cols */
  gint64 cols;
  gint64 tile_rows;
  guint32 out_slot;             /* the last stage's output */
} GraftFuseGroup;

struct _GraftPlan {
  gint ref_count;
  GraftSession *session;        /* not a reference: the session owns its plans */
  guint n_steps;
  GraftStep *steps;
  guint n_slots;
  GraftSlot *slots;
  guint32 *inputs;              /* slot of each step input */
  GraftSessionVar **ref_vars;   /* the variable of each ref input, by step */
  guint32 *releases;            /* slots whose last reader is a step */
  guint n_feeds;
  guint32 *feed_slots;
  GraftOutput **feed_outputs;
  guint n_fetches;
  guint32 *fetch_slots;
  GraftOutput **fetch_outputs;
  gsize arena_size;
  gboolean parallel;            /* independent heavy branches exist */
  gboolean poison;              /* fill kernel outputs before each call */
  guint32 *n_deps;              /* parallel mode: steps each step waits for */
  guint32 *dependents;          /* parallel mode: CSR of the steps waiting on each */
  guint32 *dependents_start;
  GMutex pool_lock;
  GPtrArray *pool;              /* idle GraftExecContexts */
  guint n_groups;
  GraftFuseGroup *groups;       /* fusion groups; see graft-fuse.c */
};

GraftPlan *_graft_plan_new   (GraftSession *session, GraftOutput **feeds, guint n_feeds,
                              GraftOutput **fetches, guint n_fetches, GraftOutput **targets,
                              guint n_targets, GError **error);
GraftPlan *_graft_plan_ref   (GraftPlan *plan);
void       _graft_plan_unref (GraftPlan *plan);

/* Runs a plan: `feed_values` in plan feed order, `results` receives one new
 * reference per fetch. */
gboolean   _graft_plan_run   (GraftPlan *plan, GraftTensor **feed_values, GraftTensor **results,
                              GCancellable *cancellable, GError **error);

/* Fusion (graft-fuse.c). _graft_plan_fuse runs while a plan is made, after
 * slots, inputs and fetches and before releases and the arena. */
void       _graft_plan_fuse        (GraftPlan *plan);
void       _graft_fuse_groups_free (GraftPlan *plan);
typedef struct _GraftFuseState GraftFuseState;
gboolean   _graft_fuse_run         (GraftPlan *plan, guint32 group, GraftFuseState **state,
                                    GraftTensor **slots, GraftKernel *kernels, GError **error);
void       _graft_fuse_state_free  (GraftFuseState *state);
gboolean   _graft_session_get_fusion_enabled (GraftSession *session);
guint      _graft_session_count_fused_ops (GraftSession *session, GraftOutput **feeds, guint n_feeds,
                                           GraftOutput **fetches, guint n_fetches);

/* Warm blocks for the tensors runs return (graft-blocks.c). */
typedef struct _GraftBlocks GraftBlocks;
GraftBlocks *_graft_blocks_new    (void);
void         _graft_blocks_unref  (GraftBlocks *pool);
void         _graft_blocks_close  (GraftBlocks *pool);
GBytes      *_graft_blocks_alloc  (GraftBlocks *pool, gsize n, guint8 **data);
GraftBlocks *_graft_session_blocks (GraftSession *session);

/* Runs a plan writing each fetch into the caller's tensor `outputs[f]`
 * (same dtype and shape, not shared). */
gboolean   _graft_plan_run_into (GraftPlan *plan, GraftTensor **feed_values, GraftTensor **outputs,
                                 GCancellable *cancellable, GError **error);

/* Whether kernel outputs are poisoned before each call (debug builds,
 * GRAFT_POISON_OUTPUTS); read once per process. */
gboolean   _graft_poison_outputs (void);

/* Session internals the planner and executor use. */
GraftSessionVar *_graft_session_var         (GraftSession *session, GraftNode *node);
GMutex          *_graft_session_vars_lock   (GraftSession *session);
gboolean         _graft_session_enter       (GraftSession *session, GError **error);
void             _graft_session_leave       (GraftSession *session);
guint            _graft_session_pool_size   (GraftSession *session);
gsize            _graft_session_memory_limit (GraftSession *session);
void             _graft_session_parallel_run (GraftSession *session, GFunc worker, gpointer data,
                                              guint n_helpers);
/* Lent to the kernels a session runs (GraftKernel.runner_funcs). */
extern const GraftKernelRunnerFuncs _graft_session_runner_funcs;

G_END_DECLS
