/* graft-fuse.c: fusion, a transformation of plans.
 *
 * A plan runs one kernel per op, and every op's output goes through the
 * arena: a MatMul followed by a bias add and a ReLU writes the product,
 * reads it back to add the bias, writes that, reads it back for the ReLU.
 * Fusion groups such a chain into one step that runs the same kernels,
 * from the same plugins, over tiles of a few thousand elements, so that
 * each tile goes through the whole chain while it is in L1:
 *
 *  - elementwise chains: two or more elementwise ops (by name, see
 *    `elementwise_ops`), each but the last read only by the next one;
 *  - epilogues: a kernel whose op has GRAFT_OP_FLAGS_EPILOGUE (MatMul)
 *    followed by such a chain of one or more ops. The kernel calls
 *    graft_kernel_apply_epilogue() on blocks of rows of its output as it
 *    finishes them, and the chain runs over those rows at once.
 *
 * All ops of a group have the same, static output shape S, seen as rows ×
 * cols (cols the last dimension). A stage's other inputs are either of
 * shape S (the tile takes the same rows of them) or broadcast whole over
 * every tile: a scalar, or a vector along the last axis (a bias). Fusion is
 * invisible: an intermediate that is fetched, fed, or read by anything but
 * the next op of the chain ends the chain there and is computed as before.
 * Kernels see tiles as ordinary tensors (rows × cols) lent for one call,
 * and write each stage to a scratch tile, never in place.
 *
 * GRAFT_FUSION=0 in the environment, or graft_session_set_fusion(), turns
 * it off (the tests compare both).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-runtime-private.h"

#define NONE G_MAXUINT32
/* Elements per tile: a few tiles of this many floats fit in L1 next to
 * each other, and a kernel call (tens of ns) is small beside a tile's work. */
#define TILE_ELEMENTS 4096
/* Groups smaller than this stay unfused: their values stay in cache
 * anyway, and the executor's dispatch (one indirect call per op) is cheaper
 * than a group's tile bookkeeping. */
#define MIN_GROUP_ELEMENTS (2 * TILE_ELEMENTS)

/* Ops computing each output element from the elements at the same index of
 * their inputs (after broadcasting), with no attribute that changes that.
 * Cast is left out: fusion keeps one dtype per group. */
static const char *const elementwise_ops[] = {
  "Add", "Sub", "Mul", "Div", "Neg", "Square", "Sqrt", "Exp", "Log",
  "Relu", "Relu6", "Sigmoid", "Tanh", "BiasAdd", "Maximum", "Minimum",
  "Abs", "Rsqrt", "Reciprocal", "Softplus", "Elu", "Selu", "AddV2",
};

static gboolean
is_elementwise (const GraftNode *node)
{
  const GraftOpDef *def = node->def;

  for (guint i = 0; i < G_N_ELEMENTS (elementwise_ops); i++)
    if (strcmp (def->name, elementwise_ops[i]) == 0)
      {
        /* BiasAdd in NCHW adds along axis 1, not the last one. */
        for (guint a = 0; a < def->n_attrs; a++)
          if (strcmp (def->attrs[a].name, "data_format") == 0 && def->attrs[a].kind == GRAFT_ATTR_STRING &&
              g_strcmp0 (_graft_node_attrs (node)[a].s, "NHWC") != 0)
            return FALSE;
        return TRUE;
      }
  return FALSE;
}

/* Whether a step can be in a group at all: a plain kernel with one
 * statically shaped output. */
static gboolean
fusable_step (const GraftPlan *plan,
              const GraftStep *step)
{
  return step->kind == GRAFT_STEP_KERNEL && !step->dynamic && step->node->def->closure == NULL &&
         step->node->def->kernel != NULL && step->node->n_outputs == 1 &&
         plan->slots[step->out].source == GRAFT_SLOT_STATIC;
}

static gboolean
same_shape (const GraftOutput *o,
            const GraftShape  *shape)
{
  gint rank = graft_shape_get_rank (shape);

  return o->rank == rank && (rank == 0 || memcmp (o->dims, _graft_shape_dims (shape), sizeof (gint64) * rank) == 0);
}

/* How input `o` of a stage of a group of shape `shape` can be tiled, or -1
 * when it cannot: it must be of the group's shape, or broadcast to any
 * tile (rows × cols, or a vector of rows) without raising its rank. */
static gint
classify_input (const GraftOutput *o,
                const GraftShape  *shape,
                gint               tile_rank,
                gint64             cols)
{
  if (!_graft_dims_fully_defined (o->rank, o->dims))
    return -1;
  if (same_shape (o, shape))
    return GRAFT_FUSE_IN_TILED;
  if (o->rank > tile_rank)
    return -1;
  for (gint i = 0; i < o->rank; i++)
    {
      gboolean last = i == o->rank - 1 && tile_rank == 2;
      if (o->dims[i] != 1 && !(last && o->dims[i] == cols))
        return -1;
    }
  return GRAFT_FUSE_IN_WHOLE;
}

typedef struct {
  GArray *stages;               /* guint32 */
  GArray *kinds;                /* guint8 */
  GArray *starts;               /* guint32 */
} Building;

/* Appends step `i` as a stage reading the chain through input `chain_in`
 * (NONE for an elementwise head); FALSE, appending nothing, when one of
 * its inputs cannot be tiled. */
static gboolean
try_stage (GraftPlan        *plan,
           Building         *b,
           guint32           i,
           guint32           chain_in,
           const GraftShape *shape,
           gint              tile_rank,
           gint64            cols)
{
  const GraftStep *step = &plan->steps[i];
  const GraftNode *node = step->node;
  guint8 *kinds = g_newa (guint8, node->n_inputs + 1);

  if (!fusable_step (plan, step) || !is_elementwise (node) ||
      !same_shape (&_graft_node_outputs (node)[0], shape))
    return FALSE;
  for (guint k = 0; k < node->n_inputs; k++)
    {
      gint kind;

      if (k == chain_in)
        kind = GRAFT_FUSE_IN_CHAIN;
      else
        kind = classify_input (_graft_node_inputs (node)[k], shape, tile_rank, cols);
      if (kind < 0 || plan->inputs[step->in + k] == NONE)
        return FALSE;
      kinds[k] = (guint8) kind;
    }
  g_array_append_val (b->starts, b->kinds->len);
  g_array_append_vals (b->kinds, kinds, node->n_inputs);
  g_array_append_val (b->stages, i);
  return TRUE;
}

void
_graft_plan_fuse (GraftPlan *plan)
{
  guint n = plan->n_steps;
  g_autofree guint32 *n_reads = g_new0 (guint32, plan->n_slots + 1);
  g_autofree guint32 *reader = g_new (guint32, plan->n_slots + 1);
  g_autofree guint32 *reader_input = g_new (guint32, plan->n_slots + 1);
  g_autofree guint8 *taken = g_new0 (guint8, n + 1);
  GArray *groups;
  Building b;

  if (!_graft_session_get_fusion_enabled (plan->session))
    return;

  /* Who reads each slot, and how often; a fetched slot counts as read. */
  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < plan->steps[i].node->n_inputs; k++)
      {
        guint32 s = plan->inputs[plan->steps[i].in + k];
        if (s == NONE)
          continue;
        n_reads[s]++;
        reader[s] = i;
        reader_input[s] = k;
      }
  for (guint f = 0; f < plan->n_fetches; f++)
    n_reads[plan->fetch_slots[f]] += 2;

  groups = g_array_new (FALSE, TRUE, sizeof (GraftFuseGroup));
  b.stages = g_array_new (FALSE, FALSE, sizeof (guint32));
  b.kinds = g_array_new (FALSE, FALSE, sizeof (guint8));
  b.starts = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < n; i++)
    {
      GraftStep *step = &plan->steps[i];
      const GraftShape *shape;
      gboolean gemm;
      gint tile_rank;
      gint64 cols, rows;
      guint32 tail;
      GraftFuseGroup g = { 0 };

      if (taken[i] || !fusable_step (plan, step))
        continue;
      shape = plan->slots[step->out].shape;
      gemm = (step->node->def->flags & GRAFT_OP_FLAGS_EPILOGUE) != 0 && graft_shape_get_rank (shape) == 2;
      if (!gemm && !is_elementwise (step->node))
        continue;
      tile_rank = MIN (graft_shape_get_rank (shape), 2);
      cols = tile_rank == 2 ? _graft_shape_dims (shape)[graft_shape_get_rank (shape) - 1] : 1;
      rows = cols > 0 ? graft_shape_get_num_elements (shape) / cols : 0;
      if (rows == 0 || cols == 0 || rows * cols < MIN_GROUP_ELEMENTS)
        continue;

      g_array_set_size (b.stages, 0);
      g_array_set_size (b.kinds, 0);
      g_array_set_size (b.starts, 0);
      if (!gemm && !try_stage (plan, &b, i, NONE, shape, tile_rank, cols))
        continue;
      for (tail = i;;)
        {
          guint32 s = plan->steps[tail].out;
          guint32 next;

          if (n_reads[s] != 1)
            break;
          next = reader[s];
          if (taken[next] || !try_stage (plan, &b, next, reader_input[s], shape, tile_rank, cols))
            break;
          tail = next;
        }
      if (b.stages->len < (gemm ? 1u : 2u))
        continue;

      g.head = gemm ? i : NONE;
      g.n_stages = b.stages->len;
      g.stages = g_memdup2 (b.stages->data, sizeof (guint32) * b.stages->len);
      g.in_kind = g_memdup2 (b.kinds->data, MAX (b.kinds->len, 1));
      g.in_start = g_memdup2 (b.starts->data, sizeof (guint32) * b.starts->len);
      g.tile_rank = tile_rank;
      g.rows = rows;
      g.cols = cols;
      g.tile_rows = MAX (TILE_ELEMENTS / cols, 1);
      g.out_slot = plan->steps[tail].out;

      /* The last step runs the group; the others become no-ops. Everything
       * any of them reads, and the intermediates, must live until then:
       * ops planned between the members may otherwise reuse their arena
       * blocks. Elementwise intermediates are never materialized. */
      {
        guint32 *members = g_newa (guint32, g.n_stages + 1);
        guint n_members = 0;

        if (gemm)
          members[n_members++] = i;
        for (guint j = 0; j < g.n_stages; j++)
          members[n_members++] = g.stages[j];
        for (guint m = 0; m < n_members; m++)
          {
            GraftStep *ms = &plan->steps[members[m]];

            taken[members[m]] = TRUE;
            for (guint k = 0; k < ms->node->n_inputs; k++)
              {
                GraftSlot *slot = &plan->slots[plan->inputs[ms->in + k]];
                if (slot->last_use != G_MAXUINT32 - 1)
                  slot->last_use = MAX (slot->last_use, tail);
              }
            if (members[m] != tail)
              {
                GraftSlot *slot = &plan->slots[ms->out];
                ms->kind = GRAFT_STEP_NOOP;
                slot->last_use = tail;
                if (!(gemm && members[m] == i))
                  slot->source = GRAFT_SLOT_SHARED;
              }
          }
        plan->steps[tail].kind = GRAFT_STEP_FUSED;
        plan->steps[tail].group = groups->len;
      }
      g_array_append_val (groups, g);
    }

  plan->n_groups = groups->len;
  plan->groups = (GraftFuseGroup *) g_array_free (groups, FALSE);
  g_array_unref (b.stages);
  g_array_unref (b.kinds);
  g_array_unref (b.starts);
}

void
_graft_fuse_groups_free (GraftPlan *plan)
{
  for (guint i = 0; i < plan->n_groups; i++)
    {
      g_free (plan->groups[i].stages);
      g_free (plan->groups[i].in_kind);
      g_free (plan->groups[i].in_start);
    }
  g_clear_pointer (&plan->groups, g_free);
  plan->n_groups = 0;
}

/* ---- running a group ---- */

typedef struct {
  GraftKernel *kernel;
  GraftTensor *in_headers;      /* per input: the tile lent for TILED and CHAIN inputs */
  GraftTensor **in;             /* per input: what the kernel gets */
  GraftTensor out_header;
  GraftTensor *out;
  GraftTensor *outputs[1];      /* the kernel's outputs, for graft_kernel_get_output_*() */
  void **argv;
  guint8 *scratch;              /* one tile of this stage's output */
} Stage;

struct _GraftFuseState {
  GraftPlan *plan;
  const GraftFuseGroup *group;
  GraftTensor **slots;
  GraftKernel *kernels;
  Stage *stages;
  GraftTensor product;          /* the head's output rows, as a tile */
  GraftShape *tile_shape;       /* tile_rows rows */
  GraftShape *last_shape;       /* the last shape made for a shorter tile */
  gint64 last_rows;
  void **head_argv;
  GraftTensor **head_in;        /* the head's inputs, refreshed before each call */
  GraftKernel *head_kernel;
  GraftKernelEpilogue epilogue;  /* what the head's kernel calls */
  gint64 rows_done;             /* rows the head handed to the epilogue */
  gboolean failed;              /* a stage's kernel set an error */
};

static GraftShape *
tile_shape (const GraftFuseGroup *g,
            gint64                rows)
{
  gint64 dims[2] = { rows, g->cols };

  return graft_shape_new (dims, g->tile_rank);
}

/* The argument array of a step's kernel, as the executor makes it, with
 * its tensors taken from `in` and `out`. */
static void **
make_argv (const GraftStep *step,
           GraftKernel    **kernel,
           GraftTensor    **in,
           GraftTensor    **out)
{
  const GraftNode *node = step->node;
  const GraftOpDef *def = node->def;
  void **argv = g_new0 (void *, def->arity + 1);
  guint n = 0;

  argv[n++] = kernel;
  for (guint p = 0; p < def->n_params; p++)
    {
      const GraftParam *param = &def->params[p];
      GraftAttrValue *attr;

      if (param->kind == GRAFT_PARAM_INPUT)
        {
          argv[n++] = &in[param->index];
          continue;
        }
      attr = &_graft_node_attrs (node)[param->index];
      if (def->attrs[param->index].kind == GRAFT_ATTR_INT_LIST || def->attrs[param->index].kind == GRAFT_ATTR_FLOAT_LIST)
        {
          argv[n++] = (void *) &attr->list.v;
          argv[n++] = (void *) &attr->list.n;
        }
      else
        argv[n++] = attr;
    }
  argv[n++] = out;
  g_assert (n == def->arity);
  return argv;
}

static void
set_tile (GraftTensor *t,
          GraftDType   dtype,
          GraftShape  *shape,
          guint8      *data)
{
  t->ref_count = 1;
  t->dtype = dtype;
  t->shape = shape;
  t->n_elements = (gsize) graft_shape_get_num_elements (shape);
  t->n_bytes = t->n_elements * graft_dtype_get_size (dtype);
  t->data = data;
  t->bytes = NULL;
}

static GraftFuseState *
state_new (GraftPlan    *plan,
           guint32       group,
           GraftTensor **slots,
           GraftKernel  *kernels)
{
  const GraftFuseGroup *g = &plan->groups[group];
  GraftFuseState *st = g_new0 (GraftFuseState, 1);

  st->plan = plan;
  st->group = g;
  st->slots = slots;
  st->kernels = kernels;
  st->tile_shape = tile_shape (g, g->tile_rows);
  st->stages = g_new0 (Stage, g->n_stages);
  for (guint j = 0; j < g->n_stages; j++)
    {
      Stage *sg = &st->stages[j];
      const GraftStep *step = &plan->steps[g->stages[j]];
      guint n_in = step->node->n_inputs;
      GraftDType dtype = plan->slots[step->out].dtype;

      sg->kernel = &kernels[g->stages[j]];
      sg->in_headers = g_new0 (GraftTensor, n_in + 1);
      sg->in = g_new0 (GraftTensor *, n_in + 1);
      sg->out = &sg->out_header;
      sg->outputs[0] = &sg->out_header;
      sg->kernel->outputs = sg->outputs;
      if (j + 1 < g->n_stages)
        sg->scratch = g_malloc ((gsize) g->tile_rows * g->cols * graft_dtype_get_size (dtype));
      sg->argv = make_argv (step, &sg->kernel, sg->in, &sg->out);
    }
  if (g->head != NONE)
    {
      const GraftStep *step = &plan->steps[g->head];

      st->head_kernel = &kernels[g->head];
      st->head_in = g_new0 (GraftTensor *, step->node->n_inputs + 1);
      st->head_argv = make_argv (step, &st->head_kernel, st->head_in, &slots[step->out]);
    }
  return st;
}

void
_graft_fuse_state_free (GraftFuseState *st)
{
  if (st == NULL)
    return;
  for (guint j = 0; j < st->group->n_stages; j++)
    {
      g_free (st->stages[j].in_headers);
      g_free (st->stages[j].in);
      g_free (st->stages[j].scratch);
      g_free (st->stages[j].argv);
    }
  g_free (st->stages);
  g_free (st->head_argv);
  g_free (st->head_in);
  graft_shape_unref (st->tile_shape);
  g_clear_pointer (&st->last_shape, graft_shape_unref);
  g_free (st);
}

/* Rows [r0, r1) through every stage, a tile at a time. */
static void
apply_rows (GraftFuseState *st,
            gint64          r0,
            gint64          r1)
{
  const GraftFuseGroup *g = st->group;
  GraftPlan *plan = st->plan;

  for (gint64 t0 = r0; t0 < r1 && !st->failed; t0 += g->tile_rows)
    {
      gint64 rows = MIN (g->tile_rows, r1 - t0);
      GraftShape *shape = st->tile_shape;
      GraftTensor *chain = NULL;

      if (rows != g->tile_rows)
        {
          if (st->last_shape == NULL || st->last_rows != rows)
            {
              g_clear_pointer (&st->last_shape, graft_shape_unref);
              st->last_shape = tile_shape (g, rows);
              st->last_rows = rows;
            }
          shape = st->last_shape;
        }
      if (g->head != NONE)
        {
          GraftTensor *p = st->slots[plan->steps[g->head].out];
          set_tile (&st->product, p->dtype, shape, p->data + (gsize) t0 * g->cols * graft_dtype_get_size (p->dtype));
          chain = &st->product;
        }
      for (guint j = 0; j < g->n_stages; j++)
        {
          Stage *sg = &st->stages[j];
          const GraftStep *step = &plan->steps[g->stages[j]];
          const guint8 *kinds = g->in_kind + g->in_start[j];
          GraftDType dtype = plan->slots[step->out].dtype;
          guint8 *out_data;

          for (guint k = 0; k < step->node->n_inputs; k++)
            {
              GraftTensor *whole = st->slots[plan->inputs[step->in + k]];

              switch (kinds[k])
                {
                case GRAFT_FUSE_IN_CHAIN:
                  sg->in[k] = chain;
                  break;
                case GRAFT_FUSE_IN_TILED:
                  set_tile (&sg->in_headers[k], whole->dtype, shape,
                            whole->data + (gsize) t0 * g->cols * graft_dtype_get_size (whole->dtype));
                  sg->in[k] = &sg->in_headers[k];
                  break;
                default:
                  sg->in[k] = whole;
                  break;
                }
            }
          if (j + 1 < g->n_stages)
            out_data = sg->scratch;
          else
            out_data = st->slots[g->out_slot]->data + (gsize) t0 * g->cols * graft_dtype_get_size (dtype);
          set_tile (&sg->out_header, dtype, shape, out_data);
          _graft_kernel_call (step->node->def, sg->argv);
          if (G_UNLIKELY (sg->kernel->error != NULL))
            {
              st->failed = TRUE;
              return;
            }
          chain = &sg->out_header;
        }
    }
}

static void
epilogue (gpointer     data,
          GraftKernel *kernel,
          gsize        row_begin,
          gsize        row_end)
{
  GraftFuseState *st = data;
  gint64 r0 = (gint64) MIN (row_begin, (gsize) st->group->rows);
  gint64 r1 = (gint64) MIN (row_end, (gsize) st->group->rows);

  st->rows_done += r1 - r0;
  apply_rows (st, r0, r1);
}

static gboolean
kernel_failed (GraftKernel *k,
               GError     **error)
{
  if (G_LIKELY (k->error == NULL))
    return FALSE;
  g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL, "%s op '%s': %s",
               k->def->name, k->op_name, k->error->message);
  g_clear_error (&k->error);
  return TRUE;
}

gboolean
_graft_fuse_run (GraftPlan       *plan,
                 guint32          group,
                 GraftFuseState **state,
                 GraftTensor    **slots,
                 GraftKernel     *kernels,
                 GError         **error)
{
  const GraftFuseGroup *g = &plan->groups[group];
  GraftFuseState *st = *state;
  gboolean ok = TRUE;

  if (st == NULL)
    st = *state = state_new (plan, group, slots, kernels);
  st->failed = FALSE;
  if (g->head != NONE)
    {
      GraftKernel *k = st->head_kernel;
      const GraftStep *step = &plan->steps[g->head];

      if (G_UNLIKELY (plan->poison))
        memset (slots[step->out]->data, 0xA5, slots[step->out]->n_bytes);
      st->epilogue.func = epilogue;
      st->epilogue.data = st;
      k->epilogue = &st->epilogue;
      for (guint i = 0; i < step->node->n_inputs; i++)
        st->head_in[i] = slots[plan->inputs[step->in + i]];
      st->rows_done = 0;
      _graft_kernel_call (step->node->def, st->head_argv);
      k->epilogue = NULL;
      if (kernel_failed (k, error))
        ok = FALSE;
      else if (st->rows_done != g->rows && !st->failed)
        {
          /* A kernel that claims GRAFT_OP_FLAGS_EPILOGUE and skips rows
           * would leave them unwritten. */
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL,
                       "%s op '%s': the kernel applied its epilogue to %" G_GINT64_FORMAT " of %"
                       G_GINT64_FORMAT " rows", k->def->name, k->op_name, st->rows_done, g->rows);
          ok = FALSE;
        }
    }
  else
    apply_rows (st, 0, g->rows);
  for (guint j = 0; j < g->n_stages; j++)
    if (ok && kernel_failed (st->stages[j].kernel, error))
      ok = FALSE;
    else
      g_clear_error (&st->stages[j].kernel->error);
  return ok;
}

/* For the white-box tests: how many ops the plan for these feeds and
 * fetches runs inside fusion groups. */
guint
_graft_session_count_fused_ops (GraftSession *session,
                                GraftOutput **feeds,
                                guint         n_feeds,
                                GraftOutput **fetches,
                                guint         n_fetches)
{
  GraftPlan *plan = _graft_plan_new (session, feeds, n_feeds, fetches, n_fetches, NULL, 0, NULL);
  guint n = 0;

  if (plan == NULL)
    return 0;
  for (guint g = 0; g < plan->n_groups; g++)
    n += plan->groups[g].n_stages + (plan->groups[g].head != NONE);
  _graft_plan_unref (plan);
  return n;
}
