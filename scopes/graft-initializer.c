/* graft-initializer.c: how a new variable gets its first value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-scopes-private.h"

struct _GraftInitializer {
  GObject parent_instance;
  char *name;                   /* a registered initializer, or NULL */
  GVariant *attrs;              /* a{sv}, never NULL for named ones */
  gboolean has_seed;
  gint64 seed;
  GraftTensor *value;           /* a value initializer */
};

/**
 * GraftInitializer:
 *
 * An immutable reference to an initializer: either a registered
 * initializer by name (`glorot_uniform`, `zeros`, `acme.custom`) with
 * attribute values and an optional op seed, or a fixed value (a
 * #GraftTensor, TensorFlow's "initializer is a constant"). The registry
 * resolves the name when a variable is created; the session runs it.
 */
G_DEFINE_FINAL_TYPE (GraftInitializer, graft_initializer, G_TYPE_OBJECT)

static void
graft_initializer_finalize (GObject *object)
{
  GraftInitializer *self = GRAFT_INITIALIZER (object);

  g_free (self->name);
  g_clear_pointer (&self->attrs, g_variant_unref);
  g_clear_pointer (&self->value, graft_tensor_unref);
  G_OBJECT_CLASS (graft_initializer_parent_class)->finalize (object);
}

static void
graft_initializer_class_init (GraftInitializerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = graft_initializer_finalize;
}

static void
graft_initializer_init (GraftInitializer *self)
{
}

static GraftInitializer *
new_named (const char *name,
           GVariant   *attrs)
{
  GraftInitializer *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (attrs == NULL || g_variant_is_of_type (attrs, G_VARIANT_TYPE_VARDICT), NULL);

  self = g_object_new (GRAFT_TYPE_INITIALIZER, NULL);
  self->name = g_strdup (name);
  self->attrs = attrs ? g_variant_ref_sink (attrs) : g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  return self;
}

/**
 * graft_initializer_new:
 * @name: a registered initializer, such as `glorot_uniform`
 * @attrs: (nullable): attribute values as an `a{sv}` dictionary, for
 *   example `{'scale': <2.0>, 'mode': <'fan_avg'>}`; a floating reference is
 *   sunk
 *
 * Names an initializer without a seed: with a graph seed, its op seed will
 * be the graph's last op id when the variable is made (TensorFlow's rule).
 * The name and attributes are checked when a variable uses it.
 *
 * Returns: (transfer full): a new initializer
 */
GraftInitializer *
graft_initializer_new (const char *name,
                       GVariant   *attrs)
{
  return new_named (name, attrs);
}

/**
 * graft_initializer_new_seeded:
 * @name: a registered initializer
 * @attrs: (nullable): attribute values as an `a{sv}` dictionary
 * @seed: the op seed (TensorFlow's `seed=` argument)
 *
 * Returns: (transfer full): a new initializer with an op seed
 */
GraftInitializer *
graft_initializer_new_seeded (const char *name,
                              GVariant   *attrs,
                              gint64      seed)
{
  GraftInitializer *self = new_named (name, attrs);

  if (self != NULL)
    {
      self->has_seed = TRUE;
      self->seed = seed;
    }
  return self;
}

/**
 * graft_initializer_new_value:
 * @value: the initial value
 *
 * A value initializer: the variable takes @value's dtype and shape, so
 * get_variable() must not be given a shape with it.
 *
 * Returns: (transfer full): a new initializer
 */
GraftInitializer *
graft_initializer_new_value (GraftTensor *value)
{
  GraftInitializer *self;

  g_return_val_if_fail (value != NULL, NULL);

  self = g_object_new (GRAFT_TYPE_INITIALIZER, NULL);
  self->value = graft_tensor_ref (value);
  return self;
}

/**
 * graft_initializer_new_zeros:
 *
 * Returns: (transfer full): `zeros_initializer()`
 */
GraftInitializer *
graft_initializer_new_zeros (void)
{
  return new_named ("zeros", NULL);
}

/**
 * graft_initializer_new_ones:
 *
 * Returns: (transfer full): `ones_initializer()`
 */
GraftInitializer *
graft_initializer_new_ones (void)
{
  return new_named ("ones", NULL);
}

/**
 * graft_initializer_new_constant:
 * @value: the value of every element
 *
 * Returns: (transfer full): `constant_initializer(value)`
 */
GraftInitializer *
graft_initializer_new_constant (double value)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "value",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, &value, 1, sizeof (double)));
  return new_named ("constant", g_variant_builder_end (&b));
}

/**
 * graft_initializer_get_name:
 * @initializer: a #GraftInitializer
 *
 * Returns: (transfer none) (nullable): the initializer's name, %NULL for a
 *   value initializer
 */
const char *
graft_initializer_get_name (GraftInitializer *initializer)
{
  g_return_val_if_fail (GRAFT_IS_INITIALIZER (initializer), NULL);
  return initializer->name;
}

/**
 * graft_initializer_get_attrs:
 * @initializer: a #GraftInitializer
 *
 * Returns: (transfer none) (nullable): the attributes as `a{sv}`, %NULL for
 *   a value initializer
 */
GVariant *
graft_initializer_get_attrs (GraftInitializer *initializer)
{
  g_return_val_if_fail (GRAFT_IS_INITIALIZER (initializer), NULL);
  return initializer->attrs;
}

/**
 * graft_initializer_get_seed:
 * @initializer: a #GraftInitializer
 * @seed: (out) (optional): the op seed
 *
 * Returns: whether the initializer has an op seed
 */
gboolean
graft_initializer_get_seed (GraftInitializer *initializer,
                            gint64           *seed)
{
  g_return_val_if_fail (GRAFT_IS_INITIALIZER (initializer), FALSE);
  if (seed != NULL)
    *seed = initializer->seed;
  return initializer->has_seed;
}

/**
 * graft_initializer_is_value:
 * @initializer: a #GraftInitializer
 *
 * Returns: whether this is a value initializer
 */
gboolean
graft_initializer_is_value (GraftInitializer *initializer)
{
  g_return_val_if_fail (GRAFT_IS_INITIALIZER (initializer), FALSE);
  return initializer->value != NULL;
}

/**
 * graft_initializer_get_value:
 * @initializer: a #GraftInitializer
 *
 * Returns: (transfer none) (nullable): the value of a value initializer
 */
GraftTensor *
graft_initializer_get_value (GraftInitializer *initializer)
{
  g_return_val_if_fail (GRAFT_IS_INITIALIZER (initializer), NULL);
  return initializer->value;
}
