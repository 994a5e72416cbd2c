# test_getters.py: custom getters, regularizers and constraints written in
# Python.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402


class GetterTest(unittest.TestCase):
    def setUp(self):
        self.g = Graft.Graph()

    def test_tf_style_getter_sees_and_changes_the_arguments(self):
        g = self.g
        seen = []

        def getter(next_getter, name, *args, **kwargs):
            seen.append((name, kwargs['shape'], kwargs['dtype'], kwargs['reuse'], kwargs['trainable']))
            kwargs['trainable'] = False
            return next_getter(name + '_x', *args, **kwargs)

        with g.variable_scope('s', custom_getter=getter):
            v = g.get_variable('v', shape=[2, 3], dtype='float64')
        self.assertEqual(seen, [('s/v', (2, 3), Graft.DType.FLOAT64, False, True)])
        self.assertEqual(v.get_name(), 's/v_x')
        self.assertFalse(v.get_trainable())

    def test_getters_compose_innermost_first(self):
        g = self.g
        order = []

        def make(tag):
            def getter(next_getter, name, **kwargs):
                order.append(tag)
                return next_getter(name, **kwargs)
            return getter

        with g.variable_scope('outer', custom_getter=make('outer')):
            with g.variable_scope('inner', custom_getter=make('inner')):
                g.get_variable('v', shape=[1])
                self.assertEqual(order, ['inner', 'outer'])
                # get_variable()'s own getter replaces the scopes', as
                # TensorFlow's VariableScope.get_variable does.
                del order[:]
                g.get_variable('w', shape=[1], custom_getter=make('call'))
                self.assertEqual(order, ['call'])

    def test_positional_arguments_follow_tensorflows_order(self):
        g = self.g

        def getter(next_getter, name, **kwargs):
            return next_getter(name, [4], 'int32', Graft.Initializer.new_zeros())

        with g.variable_scope('p', custom_getter=getter):
            v = g.get_variable('v', shape=[1])
        self.assertEqual((v.shape, v.dtype), ((4,), Graft.DType.INT32))

    def test_raw_getter(self):
        g = self.g
        calls = []

        def raw(getter, request):
            calls.append(request.get_name())
            request.set_shape(Graft.Shape.new([5]))
            return getter.get_variable(request)

        with g.variable_scope('r', custom_getter=Graft.CustomGetter.new(raw)):
            v = g.get_variable('v', shape=[1])
        self.assertEqual(calls, ['r/v'])
        self.assertEqual(v.shape, (5,))

    def test_getter_exception_propagates(self):
        g = self.g

        class Refused(Exception):
            pass

        def getter(next_getter, name, **kwargs):
            raise Refused(name)

        with g.variable_scope('e', custom_getter=getter):
            with self.assertRaises(Refused) as caught:
                g.get_variable('v', shape=[1])
        self.assertEqual(str(caught.exception), 'e/v')
        # libgraft's own error is the cause; the store is unchanged.
        self.assertIsInstance(caught.exception.__cause__, GLib.Error)
        self.assertIsNone(g.lookup_variable('e/v'))
        # Nothing is left behind for the next call.
        self.assertEqual(g.get_variable('fine', shape=[1]).get_name(), 'fine')

    def test_inner_getter_sees_the_outer_getters_exception(self):
        g = self.g
        seen = []

        def outer(next_getter, name, **kwargs):
            raise KeyError('outer')

        def inner(next_getter, name, **kwargs):
            try:
                return next_getter(name, **kwargs)
            except KeyError as exc:
                seen.append(exc)
                raise

        with g.variable_scope('o', custom_getter=outer), g.variable_scope('i', custom_getter=inner):
            with self.assertRaises(KeyError):
                g.get_variable('v', shape=[1])
        self.assertEqual(len(seen), 1)

    def test_getter_errors_from_the_store(self):
        g = self.g
        g.get_variable('dup', shape=[1])

        def passthrough(next_getter, name, **kwargs):
            return next_getter(name, **kwargs)

        with g.variable_scope('', custom_getter=passthrough):
            with self.assertRaises(GLib.Error) as caught:
                g.get_variable('dup', shape=[1])
        self.assertTrue(caught.exception.matches(Graft.variable_error_quark(), Graft.VariableError.ALREADY_EXISTS))

    def test_getter_returning_nothing(self):
        g = self.g
        with g.variable_scope('n', custom_getter=lambda next_getter, name, **kwargs: None):
            with self.assertRaises(GLib.Error) as caught:
                g.get_variable('v', shape=[1])
        self.assertTrue(caught.exception.matches(Graft.variable_error_quark(), Graft.VariableError.GETTER_FAILED))

    def test_getter_returning_something_else(self):
        g = self.g
        with g.variable_scope('n', custom_getter=lambda next_getter, name, **kwargs: 42):
            with self.assertRaises(TypeError):
                g.get_variable('v', shape=[1])

    def test_regularizer(self):
        g = self.g
        seen = []

        def l2(variable):
            seen.append(variable.get_name())
            return g.create_op('Square', [variable.get_value()])

        with g.variable_scope('reg', regularizer=l2):
            v = g.get_variable('v', shape=[2])
            g.get_variable('w', shape=[2], regularizer=lambda variable: None)
        self.assertEqual(seen, ['reg/v'])
        losses = g.get_collection('regularization_losses')
        self.assertEqual([loss.get_op_name() for loss in losses], ['reg/v/Regularizer/Square'])
        self.assertIs(losses[0].get_op_input(0).get_graph(), v.get_graph())

    def test_regularizer_exception_propagates(self):
        g = self.g

        def bad(variable):
            raise ArithmeticError('no loss')

        with self.assertRaises(ArithmeticError):
            g.get_variable('v', shape=[2], regularizer=bad)

    def test_constraint_is_stored(self):
        g = self.g

        def clip(value):
            return value

        v = g.get_variable('v', shape=[2], constraint=clip)
        constraint = v.get_constraint()
        self.assertIsNotNone(constraint)
        self.assertEqual(constraint.apply(v.get_value()).get_name(), 'v/read:0')


if __name__ == '__main__':
    unittest.main()
