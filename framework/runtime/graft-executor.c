/* graft-executor.c: running a plan.
 *
 * An execution context holds everything one run needs: the arena, a
 * tensor header for every static slot (pointing into the arena once and for
 * all), the kernel contexts, and for every kernel step the libffi argument
 * array, filled with the addresses of the slots it reads and writes. A run
 * therefore does, per op, one kernel call and no look-up. Contexts are pooled
 * per plan: concurrent runs of one plan take different contexts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-runtime-private.h"

#include <math.h>

#define NONE G_MAXUINT32

typedef struct {
  GraftTensor **v;
  gsize n;
  guint32 first;                /* of the op's flat inputs */
} GraftListArg;

struct _GraftExecContext {
  GraftPlan *plan;
  guint8 *arena;
  GraftTensor *headers;         /* per slot; used by STATIC slots */
  GraftTensor **slot;           /* per slot: the current tensor */
  guint8 *owned;                /* per slot: `slot` holds a reference */
  GraftKernel *kernels;         /* per step */
  GraftKernel **kernel_ptrs;    /* per step, for argv */
  void **argv;                  /* all kernel steps' argument arrays */
  guint32 *argv_start;          /* per step */
  /* List inputs (`N * T`): each is passed as an array of tensors and a
   * count. The arrays are filled from the slots before every call, since
   * feeds, constants and variables change the slots' tensors per run. */
  GraftListArg *lists;          /* all kernel steps' list inputs */
  GraftTensor **list_tensors;   /* their arrays, end to end */
  guint32 *list_start;          /* per step: its first entry of `lists` */
  gint *pending;                /* parallel mode: unfinished dependencies */
  gsize held;                   /* bytes this run allocated, when limited; atomic */
  gsize limit;                  /* the session's memory-limit for this run */
  GraftFuseState **fuse;        /* per fusion group, made on its first run */
};

void
_graft_exec_context_free (GraftExecContext *ctx)
{
  GraftPlan *plan = ctx->plan;

  for (guint s = 0; s < plan->n_slots; s++)
    if (plan->slots[s].source == GRAFT_SLOT_STATIC)
      graft_shape_unref (ctx->headers[s].shape);
  g_free (ctx->arena);
  g_free (ctx->headers);
  g_free (ctx->slot);
  g_free (ctx->owned);
  g_free (ctx->kernels);
  g_free (ctx->kernel_ptrs);
  g_free (ctx->argv);
  g_free (ctx->argv_start);
  g_free (ctx->lists);
  g_free (ctx->list_tensors);
  g_free (ctx->list_start);
  g_free (ctx->pending);
  for (guint g = 0; g < plan->n_groups; g++)
    _graft_fuse_state_free (ctx->fuse[g]);
  g_free (ctx->fuse);
  g_free (ctx);
}

/* The OOM error for the planned arena names its largest tensor, the one
 * TensorFlow's allocator would most likely have failed on. */
static void
set_arena_oom (GraftPlan *plan,
               GError   **error)
{
  const GraftSlot *big = NULL;
  gsize big_size = 0;

  for (guint s = 0; s < plan->n_slots; s++)
    {
      const GraftSlot *slot = &plan->slots[s];
      gsize size;

      if (slot->source != GRAFT_SLOT_STATIC)
        continue;
      size = (gsize) graft_shape_get_num_elements (slot->shape) * graft_dtype_get_size (slot->dtype);
      if (big == NULL || size > big_size)
        {
          big = slot;
          big_size = size;
        }
    }
  if (big != NULL)
    _graft_set_oom (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED, big->dtype,
                    graft_shape_get_rank (big->shape), _graft_shape_dims (big->shape));
  else
    _graft_set_oom (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED, GRAFT_DTYPE_INVALID,
                    0, NULL);
}

static inline gboolean
is_kernel_step (const GraftStep *step)
{
  return step->kind == GRAFT_STEP_KERNEL || step->kind == GRAFT_STEP_REF_KERNEL;
}

/* Fails, leaving nothing allocated, when the planned arena does not fit in
 * memory: a valid graph may hold a variable of petabytes. */
static GraftExecContext *
context_new (GraftPlan *plan,
             GError   **error)
{
  GraftExecContext *ctx;
  guint8 *arena;
  gsize n_argv = 0, n_lists = 0, n_list_tensors = 0;

  arena = g_try_malloc0 (plan->arena_size ? plan->arena_size : 1);
  if (arena == NULL)
    {
      set_arena_oom (plan, error);
      return NULL;
    }
  ctx = g_new0 (GraftExecContext, 1);
  ctx->plan = plan;
  ctx->arena = arena;
  ctx->headers = g_new0 (GraftTensor, plan->n_slots + 1);
  ctx->slot = g_new0 (GraftTensor *, plan->n_slots + 1);
  ctx->owned = g_new0 (guint8, plan->n_slots + 1);
  ctx->kernels = g_new0 (GraftKernel, plan->n_steps + 1);
  ctx->kernel_ptrs = g_new0 (GraftKernel *, plan->n_steps + 1);
  ctx->argv_start = g_new0 (guint32, plan->n_steps + 1);
  ctx->list_start = g_new0 (guint32, plan->n_steps + 1);
  ctx->pending = g_new0 (gint, plan->n_steps + 1);
  ctx->fuse = g_new0 (GraftFuseState *, plan->n_groups + 1);

  for (guint s = 0; s < plan->n_slots; s++)
    {
      const GraftSlot *slot = &plan->slots[s];
      GraftTensor *t = &ctx->headers[s];

      if (slot->source != GRAFT_SLOT_STATIC)
        continue;
      /* A header lent to kernels: never freed by unref (the count stays
       * above zero), its data in the arena. */
      t->ref_count = 1;
      t->dtype = slot->dtype;
      t->shape = graft_shape_ref (slot->shape);
      t->n_elements = (gsize) graft_shape_get_num_elements (slot->shape);
      t->n_bytes = t->n_elements * graft_dtype_get_size (slot->dtype);
      t->data = ctx->arena + slot->offset;
      ctx->slot[s] = t;
    }

  for (guint i = 0; i < plan->n_steps; i++)
    {
      const GraftStep *step = &plan->steps[i];

      ctx->argv_start[i] = n_argv;
      ctx->list_start[i] = n_lists;
      if (is_kernel_step (step) && step->node->def->closure == NULL)
        {
          n_argv += step->node->def->arity;
          if (step->node->def->number_attr >= 0)
            {
              n_lists += step->node->def->n_list_inputs;
              n_list_tensors += step->node->n_inputs;
            }
        }
    }
  ctx->list_start[plan->n_steps] = n_lists;
  ctx->argv = g_new0 (void *, n_argv + 1);
  ctx->lists = g_new0 (GraftListArg, n_lists + 1);
  ctx->list_tensors = g_new0 (GraftTensor *, n_list_tensors + 1);
  n_lists = n_list_tensors = 0;

  for (guint i = 0; i < plan->n_steps; i++)
    {
      const GraftStep *step = &plan->steps[i];
      const GraftNode *node = step->node;
      const GraftOpDef *def = node->def;
      GraftKernel *k = &ctx->kernels[i];
      void **argv = ctx->argv + ctx->argv_start[i];
      guint n = 0;
      gsize list_len;

      k->def = def;
      k->op_name = node->name;
      k->seed = step->seed;
      k->seed2 = step->seed2;
      k->has_seeds = step->has_seeds;
      k->outputs = &ctx->slot[step->out];
      k->runner = plan->session;
      k->runner_funcs = &_graft_session_runner_funcs;
      ctx->kernel_ptrs[i] = k;
      if (!is_kernel_step (step) || def->closure != NULL)
        continue;

      argv[n++] = &ctx->kernel_ptrs[i];
      list_len = def->number_attr >= 0 ? (gsize) _graft_node_attrs (node)[def->number_attr].i : 0;
      for (guint p = 0; p < def->n_params; p++)
        {
          const GraftParam *param = &def->params[p];
          guint first = param->kind == GRAFT_PARAM_INPUT ? _graft_op_def_input_offset (def, list_len, param->index) : 0;
          GraftAttrValue *attr;

          if (param->kind == GRAFT_PARAM_INPUT && def->inputs[param->index].number_attr >= 0)
            {
              GraftListArg *list = &ctx->lists[n_lists++];

              list->v = ctx->list_tensors + n_list_tensors;
              list->n = list_len;
              list->first = first;
              n_list_tensors += list_len;
              argv[n++] = &list->v;
              argv[n++] = &list->n;
              continue;
            }
          if (param->kind == GRAFT_PARAM_INPUT)
            {
              argv[n++] = &ctx->slot[plan->inputs[step->in + first]];
              continue;
            }
          attr = &_graft_node_attrs (node)[param->index];
          if (def->attrs[param->index].kind == GRAFT_ATTR_INT_LIST ||
              def->attrs[param->index].kind == GRAFT_ATTR_FLOAT_LIST)
            {
              argv[n++] = (void *) &attr->list.v;
              argv[n++] = (void *) &attr->list.n;
            }
          else
            argv[n++] = attr;
        }
      for (guint o = 0; o < def->n_outputs; o++)
        argv[n++] = &ctx->slot[step->out + o];
      g_assert (n == def->arity);
    }
  return ctx;
}

static GraftExecContext *
context_acquire (GraftPlan *plan,
                 GError   **error)
{
  GraftExecContext *ctx = NULL;

  g_mutex_lock (&plan->pool_lock);
  if (plan->pool->len > 0)
    ctx = g_ptr_array_steal_index_fast (plan->pool, plan->pool->len - 1);
  g_mutex_unlock (&plan->pool_lock);
  return ctx ? ctx : context_new (plan, error);
}

static void
context_release (GraftExecContext *ctx)
{
  GraftPlan *plan = ctx->plan;

  g_mutex_lock (&plan->pool_lock);
  g_ptr_array_add (plan->pool, ctx);
  g_mutex_unlock (&plan->pool_lock);
}

/* Drops whatever a run still holds, leaving the context ready for the
 * next run: static slots keep their headers, the rest go back to NULL. */
static void
context_reset (GraftExecContext *ctx)
{
  GraftPlan *plan = ctx->plan;

  for (guint s = 0; s < plan->n_slots; s++)
    {
      if (ctx->owned[s])
        {
          graft_tensor_unref (ctx->slot[s]);
          ctx->owned[s] = FALSE;
        }
      if (plan->slots[s].source != GRAFT_SLOT_STATIC)
        ctx->slot[s] = NULL;
    }
}

/* A tensor that may be kept after the run: lent arena tensors are copied,
 * everything else (constants, feeds, variable values, dynamic outputs) is
 * already immutable and owned, so it is shared. */
/* Counts @n_bytes against the run's memory limit; FALSE, counting nothing,
 * when they would go beyond it. */
static gboolean
hold (GraftExecContext *ctx,
      gsize             n_bytes)
{
  gsize old;

  if (ctx->limit == 0)
    return TRUE;
  old = (gsize) g_atomic_pointer_add (&ctx->held, (gssize) MIN (n_bytes, (gsize) G_MAXSSIZE));
  if (old > ctx->limit || n_bytes > ctx->limit - old)
    {
      g_atomic_pointer_add (&ctx->held, -(gssize) MIN (n_bytes, (gsize) G_MAXSSIZE));
      return FALSE;
    }
  return TRUE;
}

/* A new tensor owning fresh memory, or NULL with TensorFlow's OOM error
 * when the run's limit or the memory is exhausted. Shapes come from shape
 * functions, whose outputs' byte counts were checked to fit. */
static GraftTensor *
new_owned_tensor (GraftExecContext *ctx,
                  GraftDType        dtype,
                  GraftShape       *shape,
                  GError          **error)
{
  gsize n_bytes = (gsize) graft_shape_get_num_elements (shape) * graft_dtype_get_size (dtype);
  guint8 *data = NULL;
  GBytes *bytes = NULL;
  GraftTensor *t;

  if (hold (ctx, n_bytes))
    bytes = _graft_blocks_alloc (_graft_session_blocks (ctx->plan->session), n_bytes, &data);
  if (bytes == NULL)
    {
      _graft_set_oom (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_RESOURCE_EXHAUSTED, dtype,
                      graft_shape_get_rank (shape), _graft_shape_dims (shape));
      return NULL;
    }
  t = _graft_tensor_new_uninitialized (dtype, shape);
  t->bytes = bytes;
  t->data = data;
  return t;
}

static GraftTensor *
keepable (GraftExecContext *ctx,
          GraftTensor      *t,
          GError          **error)
{
  GraftTensor *copy;

  if (t->bytes != NULL)
    return graft_tensor_ref (t);
  copy = new_owned_tensor (ctx, t->dtype, t->shape, error);
  if (copy != NULL)
    memcpy (copy->data, t->data, t->n_bytes);
  return copy;
}

static gboolean
uninitialized (GraftSessionVar *var,
               GError         **error)
{
  g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_UNINITIALIZED,
               "Attempting to use uninitialized value %s", var->node->name);
  return FALSE;
}

#define UPDATE_LOOP(ctype)                                                            \
  G_STMT_START {                                                                      \
    const ctype *a = (const ctype *) cur->data, *b = (const ctype *) value->data;      \
    ctype *o = (ctype *) out->data;                                                   \
    if (sign > 0)                                                                     \
      for (gsize i = 0; i < n; i++) o[i] = a[i] + b[i];                               \
    else                                                                              \
      for (gsize i = 0; i < n; i++) o[i] = a[i] - b[i];                               \
  } G_STMT_END

static GraftTensor *
updated (GraftExecContext *ctx,
         GraftTensor      *cur,
         GraftTensor      *value,
         int               sign,
         GError          **error)
{
  GraftTensor *out = new_owned_tensor (ctx, cur->dtype, cur->shape, error);
  gsize n = cur->n_elements;

  if (out == NULL)
    return NULL;

  switch (cur->dtype)
    {
    case GRAFT_DTYPE_FLOAT32: UPDATE_LOOP (float); break;
    case GRAFT_DTYPE_FLOAT64: UPDATE_LOOP (double); break;
    case GRAFT_DTYPE_INT32: UPDATE_LOOP (gint32); break;
    case GRAFT_DTYPE_INT64: UPDATE_LOOP (gint64); break;
    default: g_assert_not_reached ();
    }
  return out;
}

static gboolean
check_assign_shape (const GraftStep *step,
                    GraftTensor     *value,
                    GError         **error)
{
  const GraftOutput *var = &_graft_node_outputs (step->var->node)[0];
  g_autofree char *want = NULL, *got = NULL;
  GString *s;

  if (_graft_dims_compatible (var->rank, var->dims, graft_shape_get_rank (value->shape),
                              _graft_shape_dims (value->shape)) &&
      graft_shape_get_num_elements (value->shape) == _graft_dims_num_elements (var->rank, var->dims))
    return TRUE;
  s = g_string_new (NULL);
  _graft_dims_format (s, var->rank, var->dims);
  want = g_string_free (s, FALSE);
  got = graft_shape_to_string (value->shape);
  g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE,
               "%s op '%s': Assign requires shapes of both tensors to match. lhs shape= %s rhs shape= %s",
               step->node->def->name, step->node->name, want, got);
  return FALSE;
}

/* Computes the outputs of a step whose shapes depend on run-time values,
 * and allocates them. */
static gboolean
prepare_dynamic (GraftExecContext *ctx,
                 const GraftStep  *step,
                 GError          **error)
{
  GraftPlan *plan = ctx->plan;
  const GraftNode *node = step->node;
  guint n_in = node->n_inputs, n_out = node->def->n_outputs;
  GraftDType *dtypes = g_newa (GraftDType, n_in + 1);
  gint *ranks = g_newa (gint, n_in + 1);
  const gint64 **dims = g_newa (const gint64 *, n_in + 1);
  const GraftTensor **values = g_newa (const GraftTensor *, n_in + 1);
  gint *out_ranks = g_newa (gint, n_out + 1);
  gint64 *out_dims = g_newa (gint64, (n_out + 1) * GRAFT_MAX_RANK);
  GraftShapeContext sctx = { 0 };
  g_autoptr(GError) local = NULL;

  for (guint k = 0; k < n_in; k++)
    {
      GraftTensor *t = ctx->slot[plan->inputs[step->in + k]];
      dtypes[k] = t->dtype;
      ranks[k] = graft_shape_get_rank (t->shape);
      dims[k] = _graft_shape_dims (t->shape);
      values[k] = t;
    }
  sctx.def = node->def;
  sctx.op_name = node->name;
  sctx.n_inputs = n_in;
  sctx.in_dtypes = dtypes;
  sctx.in_ranks = ranks;
  sctx.in_dims = dims;
  sctx.in_values = values;
  sctx.attrs = _graft_node_attrs (node);
  sctx.out_ranks = out_ranks;
  sctx.out_dims = out_dims;
  if (!_graft_shape_context_run (&sctx, &local))
    {
      g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE, "%s op '%s': %s",
                   node->def->name, node->name, local->message);
      return FALSE;
    }
  for (guint o = 0; o < n_out; o++)
    {
      guint32 s = step->out + o;
      g_autoptr(GraftShape) shape = NULL;

      /* A ref kernel's output 0: the variable's value, bound by the caller. */
      if (plan->slots[s].source == GRAFT_SLOT_SHARED)
        continue;

      if (plan->slots[s].source == GRAFT_SLOT_STATIC)
        {
          const GraftShape *planned = plan->slots[s].shape;

          if (out_ranks[o] != graft_shape_get_rank (planned) ||
              (out_ranks[o] > 0 && memcmp (out_dims + o * GRAFT_MAX_RANK, _graft_shape_dims (planned),
                                           sizeof (gint64) * out_ranks[o]) != 0))
            {
              GString *got = g_string_new (NULL);
              g_autofree char *want = graft_shape_to_string (planned);

              _graft_dims_format (got, out_ranks[o], out_dims + o * GRAFT_MAX_RANK);
              g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE,
                           "%s op '%s': with the fed values output %u has shape %s, but %s was "
                           "inferred when the op was built", node->def->name, node->name, o, got->str, want);
              g_string_free (got, TRUE);
              return FALSE;
            }
          continue;
        }
      if (!_graft_dims_fully_defined (out_ranks[o], out_dims + o * GRAFT_MAX_RANK))
        {
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_SHAPE,
                       "%s op '%s': the shape of output %u is still unknown with the fed values",
                       node->def->name, node->name, o);
          return FALSE;
        }
      shape = graft_shape_new (out_dims + o * GRAFT_MAX_RANK, out_ranks[o]);
      ctx->slot[s] = new_owned_tensor (ctx, plan->slots[s].dtype, shape, error);
      if (ctx->slot[s] == NULL)
        return FALSE;
      ctx->owned[s] = TRUE;
    }
  return TRUE;
}

/* Poisoning. Static outputs live in an arena whose blocks are reused, so a
 * kernel that forgets to write an output would hand on another tensor's
 * values, which look plausible. Filled with NaN (floats) or 0xA5 bytes
 * first, such an output is visibly wrong instead. It costs a pass over
 * every output, so it is on only in debug builds (GRAFT_POISON_DEFAULT,
 * from meson's buildtype) or when GRAFT_POISON_OUTPUTS is set to anything
 * but 0 (the test suites set it); a plan reads the setting once. */
gboolean
_graft_poison_outputs (void)
{
  static gsize once = 0;
  static gboolean poison;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("GRAFT_POISON_OUTPUTS");

#ifdef GRAFT_POISON_DEFAULT
      poison = TRUE;
#else
      poison = FALSE;
#endif
      if (env != NULL && *env != '\0')
        poison = g_strcmp0 (env, "0") != 0;
      g_once_init_leave (&once, 1);
    }
  return poison;
}

static void
poison_tensor (GraftTensor *t)
{
  if (t == NULL || t->data == NULL)
    return;
  switch ((gint) t->dtype)
    {
    case GRAFT_DTYPE_FLOAT32:
      for (gsize i = 0; i < t->n_elements; i++)
        ((float *) t->data)[i] = NAN;
      break;
    case GRAFT_DTYPE_FLOAT64:
      for (gsize i = 0; i < t->n_elements; i++)
        ((double *) t->data)[i] = NAN;
      break;
    default:
      memset (t->data, 0xA5, t->n_bytes);
      break;
    }
}

/* A kernel with ref inputs, all under the variables' lock: each ref input
 * is bound to its variable's value, made private first (copied) when
 * anyone else holds a reference — a reader of the old value, a fetched
 * result, an assigned constant — so that nobody sees a value change; the
 * kernel then updates it in place, and output 0 is the first variable's
 * new value. The lock also keeps concurrent updates of one variable from
 * losing each other. */
static gboolean
run_ref_kernel (GraftExecContext *ctx,
                guint             i,
                GError          **error)
{
  GraftPlan *plan = ctx->plan;
  const GraftStep *step = &plan->steps[i];
  const GraftNode *node = step->node;
  const GraftOpDef *def = node->def;
  GraftKernel *k = &ctx->kernels[i];
  GMutex *lock = _graft_session_vars_lock (plan->session);
  guint32 ref_slot = step->out + node->n_outputs;
  guint n_refs = (guint) __builtin_popcount (def->ref_inputs);
  GraftTensor *first = NULL;
  gboolean ok = TRUE;

  g_mutex_lock (lock);
  for (guint r = 0; r < n_refs && ok; r++)
    {
      GraftSessionVar *var = plan->ref_vars[step->refs + r];
      GraftTensor *value = var->value;

      if (value == NULL)
        {
          ok = uninitialized (var, error);
          break;
        }
      if (!var->value_private || g_atomic_int_get (&value->ref_count) > 1)
        {
          GraftTensor *copy = new_owned_tensor (ctx, value->dtype, value->shape, error);

          if (copy == NULL)
            {
              ok = FALSE;
              break;
            }
          memcpy (copy->data, value->data, value->n_bytes);
          var->value = copy;
          var->value_private = TRUE;
          graft_tensor_unref (value);
          value = copy;
        }
      ctx->slot[ref_slot + r] = value;
      if (r == 0)
        first = value;
    }
  if (ok && first != NULL)
    {
      ctx->slot[step->out] = graft_tensor_ref (first);
      ctx->owned[step->out] = TRUE;
    }
  if (ok && step->dynamic)
    ok = prepare_dynamic (ctx, step, error);
  if (ok)
    {
      if (def->closure == NULL)
        _graft_kernel_call (def, ctx->argv + ctx->argv_start[i]);
      else
        {
          GraftTensor **in = g_newa (GraftTensor *, node->n_inputs + 1);
          for (guint k2 = 0; k2 < node->n_inputs; k2++)
            in[k2] = ctx->slot[plan->inputs[step->in + k2]];
          ok = _graft_kernel_invoke (k, _graft_node_attrs (node), in, &ctx->slot[step->out], error);
        }
      if (ok && G_UNLIKELY (k->error != NULL))
        {
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL, "%s op '%s': %s",
                       def->name, node->name, k->error->message);
          g_clear_error (&k->error);
          ok = FALSE;
        }
    }
  /* The bound values are the variables' own: let go of them before the
   * lock, so no later step reads a value another run may update. */
  for (guint r = 0; r < n_refs; r++)
    ctx->slot[ref_slot + r] = NULL;
  g_mutex_unlock (lock);
  return ok;
}

static gboolean
run_step (GraftExecContext *ctx,
          guint             i,
          GError          **error)
{
  GraftPlan *plan = ctx->plan;
  const GraftStep *step = &plan->steps[i];
  const GraftNode *node = step->node;
  GMutex *lock;

  switch ((GraftStepKind) step->kind)
    {
    case GRAFT_STEP_KERNEL:
      {
        GraftKernel *k = &ctx->kernels[i];
        const GraftOpDef *def = node->def;

        if (step->dynamic && !prepare_dynamic (ctx, step, error))
          return FALSE;
        if (G_UNLIKELY (plan->poison))
          for (guint o = 0; o < def->n_outputs; o++)
            poison_tensor (ctx->slot[step->out + o]);
        for (guint l = ctx->list_start[i]; l < ctx->list_start[i + 1]; l++)
          {
            GraftListArg *list = &ctx->lists[l];

            for (gsize j = 0; j < list->n; j++)
              list->v[j] = ctx->slot[plan->inputs[step->in + list->first + j]];
          }
        if (def->closure == NULL)
          _graft_kernel_call (def, ctx->argv + ctx->argv_start[i]);
        else
          {
            GraftTensor **in = g_newa (GraftTensor *, node->n_inputs + 1);
            for (guint k2 = 0; k2 < node->n_inputs; k2++)
              in[k2] = ctx->slot[plan->inputs[step->in + k2]];
            return _graft_kernel_invoke (k, _graft_node_attrs (node), in, &ctx->slot[step->out], error);
          }
        if (G_UNLIKELY (k->error != NULL))
          {
            g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_KERNEL, "%s op '%s': %s",
                         def->name, node->name, k->error->message);
            g_clear_error (&k->error);
            return FALSE;
          }
        return TRUE;
      }

    case GRAFT_STEP_REF_KERNEL:
      return run_ref_kernel (ctx, i, error);

    case GRAFT_STEP_CONST:
      ctx->slot[step->out] = _graft_node_attrs (node)[node->def->value_attr].tensor;
      return TRUE;

    case GRAFT_STEP_VARIABLE:
      {
        GraftTensor *t;

        lock = _graft_session_vars_lock (plan->session);
        g_mutex_lock (lock);
        t = step->var->value ? graft_tensor_ref (step->var->value) : NULL;
        g_mutex_unlock (lock);
        if (t == NULL)
          return uninitialized (step->var, error);
        ctx->slot[step->out] = t;
        ctx->owned[step->out] = TRUE;
        return TRUE;
      }

    case GRAFT_STEP_ASSIGN:
      {
        GraftTensor *value = ctx->slot[plan->inputs[step->in + 1]], *old;

        if (!check_assign_shape (step, value, error))
          return FALSE;
        value = keepable (ctx, value, error);
        if (value == NULL)
          return FALSE;
        lock = _graft_session_vars_lock (plan->session);
        g_mutex_lock (lock);
        old = step->var->value;
        step->var->value = graft_tensor_ref (value);
        step->var->value_private = FALSE;
        g_mutex_unlock (lock);
        g_clear_pointer (&old, graft_tensor_unref);
        ctx->slot[step->out] = value;
        ctx->owned[step->out] = TRUE;
        return TRUE;
      }

    case GRAFT_STEP_ASSIGN_ADD:
    case GRAFT_STEP_ASSIGN_SUB:
      {
        GraftTensor *value = ctx->slot[plan->inputs[step->in + 1]], *cur, *next;

        if (!check_assign_shape (step, value, error))
          return FALSE;
        lock = _graft_session_vars_lock (plan->session);
        /* Read, add and publish under the lock: concurrent updates of one
         * variable must not lose each other. */
        g_mutex_lock (lock);
        cur = step->var->value;
        if (cur == NULL)
          {
            g_mutex_unlock (lock);
            return uninitialized (step->var, error);
          }
        next = updated (ctx, cur, value, step->kind == GRAFT_STEP_ASSIGN_ADD ? 1 : -1, error);
        if (next == NULL)
          {
            g_mutex_unlock (lock);
            return FALSE;
          }
        step->var->value = graft_tensor_ref (next);
        step->var->value_private = TRUE;
        g_mutex_unlock (lock);
        graft_tensor_unref (cur);
        ctx->slot[step->out] = next;
        ctx->owned[step->out] = TRUE;
        return TRUE;
      }

    case GRAFT_STEP_NOOP:
      return TRUE;

    case GRAFT_STEP_FUSED:
      if (G_UNLIKELY (plan->poison))
        poison_tensor (ctx->slot[step->out]);
      return _graft_fuse_run (plan, step->group, &ctx->fuse[step->group], ctx->slot, ctx->kernels, error);
    }
  return TRUE;
}

static void
release_after (GraftExecContext *ctx,
               const GraftStep  *step)
{
  GraftPlan *plan = ctx->plan;

  for (guint32 r = 0; r < step->n_release; r++)
    {
      guint32 s = plan->releases[step->release + r];
      if (ctx->owned[s])
        {
          graft_tensor_unref (ctx->slot[s]);
          ctx->owned[s] = FALSE;
        }
      if (plan->slots[s].source != GRAFT_SLOT_STATIC)
        ctx->slot[s] = NULL;
    }
}

static gboolean
bind_feeds (GraftExecContext *ctx,
            GraftTensor     **feed_values,
            GError          **error)
{
  GraftPlan *plan = ctx->plan;

  for (guint f = 0; f < plan->n_feeds; f++)
    {
      GraftTensor *t = feed_values[f];
      GraftOutput *o = plan->feed_outputs[f];
      g_autofree char *name = NULL;

      if (t == NULL)
        {
          name = graft_output_get_name (o);
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED,
                       "No value was given for the feed %s", name);
          return FALSE;
        }
      if (t->dtype != o->dtype)
        {
          name = graft_output_get_name (o);
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED,
                       "Cannot feed %s %s tensor to %s, which is %s",
                       strchr ("aeiou", graft_dtype_get_name (t->dtype)[0]) ? "an" : "a",
                       graft_dtype_get_name (t->dtype), name,
                       graft_dtype_get_name (o->dtype));
          return FALSE;
        }
      if (!_graft_dims_compatible (o->rank, o->dims, graft_shape_get_rank (t->shape), _graft_shape_dims (t->shape)))
        {
          GString *s = g_string_new (NULL);
          g_autofree char *want = NULL, *got = graft_shape_to_string (t->shape);
          _graft_dims_format (s, o->rank, o->dims);
          want = g_string_free (s, FALSE);
          name = graft_output_get_name (o);
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FEED,
                       "Cannot feed value of shape %s for Tensor '%s', which has shape '%s'", got, name, want);
          return FALSE;
        }
      ctx->slot[plan->feed_slots[f]] = t;
    }
  return TRUE;
}

/* ---- parallel execution ---- */

typedef struct {
  GraftExecContext *ctx;
  GCancellable *cancellable;
  GMutex lock;
  GCond cond;
  GArray *ready;                /* step indices whose dependencies are done */
  guint remaining;              /* steps not finished */
  gint active;                  /* participants inside the loop */
  GError *error;
} ParallelRun;

static void
parallel_worker (gpointer data,
                 gpointer user_data)
{
  ParallelRun *run = data;
  GraftPlan *plan = run->ctx->plan;

  g_mutex_lock (&run->lock);
  for (;;)
    {
      guint32 i;
      GError *error = NULL;
      gboolean ok;

      while (run->ready->len == 0 && run->remaining > 0 && run->error == NULL)
        g_cond_wait (&run->cond, &run->lock);
      if (run->remaining == 0 || run->error != NULL)
        break;
      i = g_array_index (run->ready, guint32, run->ready->len - 1);
      g_array_set_size (run->ready, run->ready->len - 1);
      g_mutex_unlock (&run->lock);

      if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, &error))
        ok = FALSE;
      else
        ok = run_step (run->ctx, i, &error);

      g_mutex_lock (&run->lock);
      if (!ok)
        {
          if (run->error == NULL)
            run->error = error;
          else
            g_error_free (error);
          g_cond_broadcast (&run->cond);
          break;
        }
      run->remaining--;
      for (guint32 d = plan->dependents_start[i]; d < plan->dependents_start[i + 1]; d++)
        {
          guint32 to = plan->dependents[d];
          if (--run->ctx->pending[to] == 0)
            g_array_append_val (run->ready, to);
        }
      g_cond_broadcast (&run->cond);
    }
  run->active--;
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

static gboolean
run_parallel (GraftExecContext *ctx,
              GCancellable     *cancellable,
              GError          **error)
{
  GraftPlan *plan = ctx->plan;
  ParallelRun run = { 0 };
  guint helpers = _graft_session_pool_size (plan->session) - 1;

  run.ctx = ctx;
  run.cancellable = cancellable;
  g_mutex_init (&run.lock);
  g_cond_init (&run.cond);
  run.ready = g_array_new (FALSE, FALSE, sizeof (guint32));
  run.remaining = plan->n_steps;
  for (guint i = plan->n_steps; i-- > 0;)
    {
      ctx->pending[i] = (gint) plan->n_deps[i];
      if (plan->n_deps[i] == 0)
        g_array_append_val (run.ready, i);
    }
  run.active = 1 + helpers;
  _graft_session_parallel_run (plan->session, parallel_worker, &run, helpers);
  parallel_worker (&run, NULL);

  /* Wait for the helpers to leave before the run's state goes away. */
  g_mutex_lock (&run.lock);
  while (run.active > 0)
    g_cond_wait (&run.cond, &run.lock);
  g_mutex_unlock (&run.lock);

  g_array_unref (run.ready);
  g_mutex_clear (&run.lock);
  g_cond_clear (&run.cond);
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

/* ---- results into the caller's tensors ---- */

static gboolean
into_mismatch (GraftPlan   *plan,
               guint        f,
               GraftDType   dtype,
               GraftShape  *shape,
               GraftTensor *into,
               GError     **error)
{
  g_autofree char *want = shape ? graft_shape_to_string (shape) : g_strdup ("<unknown>");
  g_autofree char *got = graft_shape_to_string (into->shape);
  g_autofree char *name = graft_output_get_name (plan->fetch_outputs[f]);

  g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FETCH,
               "Cannot write the fetch %s, %s of shape %s, into a %s tensor of shape %s", name,
               graft_dtype_get_name (dtype), want, graft_dtype_get_name (into->dtype), got);
  return FALSE;
}

/* Before the run: dtypes, and the shapes the plan knows. */
static gboolean
check_into (GraftPlan    *plan,
            GraftTensor **into,
            GError      **error)
{
  for (guint f = 0; f < plan->n_fetches; f++)
    {
      const GraftSlot *slot = &plan->slots[plan->fetch_slots[f]];

      if (into[f]->dtype != slot->dtype ||
          (slot->source == GRAFT_SLOT_STATIC && !graft_shape_equal (slot->shape, into[f]->shape)))
        return into_mismatch (plan, f, slot->dtype, slot->source == GRAFT_SLOT_STATIC ? slot->shape : NULL,
                              into[f], error);
      if (g_atomic_int_get (&into[f]->ref_count) != 1)
        {
          g_autofree char *name = graft_output_get_name (plan->fetch_outputs[f]);
          g_set_error (error, GRAFT_SESSION_ERROR, GRAFT_SESSION_ERROR_INVALID_FETCH,
                       "Cannot write the fetch %s into a tensor that is shared (%d references): tensors are "
                       "values, only one nobody else holds may be overwritten",
                       name, g_atomic_int_get (&into[f]->ref_count));
          return FALSE;
        }
    }
  return TRUE;
}

/* Points the arena headers of fetched static slots at the caller's
 * memory, so that the kernels write there and nothing is copied. Returns
 * per fetch whether it was redirected; `saved` keeps the arena pointers. */
static void
redirect_into (GraftExecContext *ctx,
               GraftTensor     **into,
               guint8           *redirected,
               guint8          **saved)
{
  GraftPlan *plan = ctx->plan;

  for (guint f = 0; f < plan->n_fetches; f++)
    {
      guint32 s = plan->fetch_slots[f];
      gboolean taken = FALSE;

      redirected[f] = FALSE;
      if (plan->slots[s].source != GRAFT_SLOT_STATIC || into[f]->n_bytes == 0 ||
          ((guintptr) into[f]->data & 63) != 0)
        continue;
      for (guint e = 0; e < f; e++)
        taken = taken || (redirected[e] && plan->fetch_slots[e] == s);
      if (taken)
        continue;
      saved[f] = ctx->headers[s].data;
      ctx->headers[s].data = into[f]->data;
      redirected[f] = TRUE;
    }
}

static void
restore_into (GraftExecContext *ctx,
              guint8           *redirected,
              guint8          **saved)
{
  GraftPlan *plan = ctx->plan;

  for (guint f = 0; f < plan->n_fetches; f++)
    if (redirected[f])
      ctx->headers[plan->fetch_slots[f]].data = saved[f];
}

static gboolean
copy_into (GraftExecContext *ctx,
           GraftTensor     **into,
           const guint8     *redirected,
           GError          **error)
{
  GraftPlan *plan = ctx->plan;

  for (guint f = 0; f < plan->n_fetches; f++)
    {
      GraftTensor *t = ctx->slot[plan->fetch_slots[f]];

      if (redirected[f])
        continue;
      if (!graft_shape_equal (t->shape, into[f]->shape))
        return into_mismatch (plan, f, t->dtype, t->shape, into[f], error);
      if (t->n_bytes > 0)
        memcpy (into[f]->data, t->data, t->n_bytes);
    }
  return TRUE;
}

static gboolean
plan_run (GraftPlan     *plan,
          GraftTensor  **feed_values,
          GraftTensor  **results,
          GraftTensor  **into,
          GCancellable  *cancellable,
          GError       **error)
{
  GraftExecContext *ctx;
  gsize limit;
  gboolean ok = TRUE;
  guint8 *redirected = NULL;
  guint8 **saved = NULL;

  if (!_graft_session_enter (plan->session, error))
    return FALSE;
  if (into != NULL && !check_into (plan, into, error))
    {
      _graft_session_leave (plan->session);
      return FALSE;
    }
  /* The planned buffer counts first against the memory limit: a run that
   * cannot have it fails before anything is allocated. */
  limit = _graft_session_memory_limit (plan->session);
  if (limit != 0 && plan->arena_size > limit)
    {
      set_arena_oom (plan, error);
      _graft_session_leave (plan->session);
      return FALSE;
    }
  ctx = context_acquire (plan, error);
  if (ctx == NULL)
    {
      _graft_session_leave (plan->session);
      return FALSE;
    }
  ctx->limit = limit;
  ctx->held = plan->arena_size;
  if (into != NULL)
    {
      redirected = g_newa (guint8, plan->n_fetches + 1);
      saved = g_newa (guint8 *, plan->n_fetches + 1);
      redirect_into (ctx, into, redirected, saved);
    }

  if (!bind_feeds (ctx, feed_values, error))
    ok = FALSE;
  else if (plan->parallel)
    ok = run_parallel (ctx, cancellable, error);
  else
    for (guint i = 0; i < plan->n_steps; i++)
      {
        /* Cancellation is checked between ops. */
        if (cancellable != NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
          {
            ok = FALSE;
            break;
          }
        if (G_UNLIKELY (!run_step (ctx, i, error)))
          {
            ok = FALSE;
            break;
          }
        release_after (ctx, &plan->steps[i]);
      }

  if (ok && into != NULL)
    ok = copy_into (ctx, into, redirected, error);
  else if (ok)
    for (guint f = 0; f < plan->n_fetches; f++)
      {
        results[f] = keepable (ctx, ctx->slot[plan->fetch_slots[f]], error);
        if (results[f] == NULL)
          {
            /* A fetch that does not fit: none is returned. */
            while (f-- > 0)
              g_clear_pointer (&results[f], graft_tensor_unref);
            ok = FALSE;
            break;
          }
      }
  if (into != NULL)
    restore_into (ctx, redirected, saved);
  context_reset (ctx);
  context_release (ctx);
  _graft_session_leave (plan->session);
  return ok;
}

gboolean
_graft_plan_run (GraftPlan     *plan,
                 GraftTensor  **feed_values,
                 GraftTensor  **results,
                 GCancellable  *cancellable,
                 GError       **error)
{
  return plan_run (plan, feed_values, results, NULL, cancellable, error);
}

gboolean
_graft_plan_run_into (GraftPlan     *plan,
                      GraftTensor  **feed_values,
                      GraftTensor  **outputs,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return plan_run (plan, feed_values, NULL, outputs, cancellable, error);
}
