# test_errors.py: Graft's error domains as GLib.Error, by domain and code,
# with their messages.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, GObject, Graft  # noqa: E402


class ErrorTest(unittest.TestCase):
    def setUp(self):
        self.g = Graft.Graph()

    def raised(self, func, *args, **kwargs):
        with self.assertRaises(GLib.Error) as caught:
            func(*args, **kwargs)
        return caught.exception

    def assertMatches(self, error, quark, code, domain):
        self.assertTrue(error.matches(quark, code), '%s: %s (%d)' % (error.domain, error.message, error.code))
        # PyGObject gives the domain as the quark's string.
        self.assertEqual(error.domain, domain)
        self.assertEqual(error.code, int(code))

    def test_variable_errors(self):
        g = self.g
        g.get_variable('v', shape=[1, 2])
        e = self.raised(g.get_variable, 'v', shape=[1, 2])
        self.assertMatches(e, Graft.variable_error_quark(), Graft.VariableError.ALREADY_EXISTS,
                           'graft-variable-error-quark')
        self.assertEqual(e.message, 'Variable v already exists, disallowed. Did you mean to set reuse=True '
                                    'or reuse=tf.AUTO_REUSE in VarScope?')
        # Not matched by another code or domain.
        self.assertFalse(e.matches(Graft.variable_error_quark(), Graft.VariableError.DOES_NOT_EXIST))
        self.assertFalse(e.matches(Graft.scope_error_quark(), Graft.VariableError.ALREADY_EXISTS))

        with g.variable_scope('', reuse=True):
            e = self.raised(g.get_variable, 'v', shape=[3])
            self.assertMatches(e, Graft.variable_error_quark(), Graft.VariableError.SHAPE_MISMATCH,
                               'graft-variable-error-quark')
            self.assertIn('(1, 2)', e.message)
            e = self.raised(g.get_variable, 'v', shape=[1, 2], dtype='int32')
            self.assertMatches(e, Graft.variable_error_quark(), Graft.VariableError.DTYPE_MISMATCH,
                               'graft-variable-error-quark')
            e = self.raised(g.get_variable, 'nope', shape=[1])
            self.assertMatches(e, Graft.variable_error_quark(), Graft.VariableError.DOES_NOT_EXIST,
                               'graft-variable-error-quark')
            self.assertTrue(e.message.startswith('Variable nope does not exist'), e.message)
        e = self.raised(g.get_variable, 'c', shape=[2], initializer=[1.0, 2.0])
        self.assertMatches(e, Graft.variable_error_quark(), Graft.VariableError.VALUE_WITH_SHAPE,
                           'graft-variable-error-quark')
        e = self.raised(g.get_variable, 'cx', shape=[2], dtype='complex64')
        self.assertMatches(e, Graft.variable_error_quark(), Graft.VariableError.INITIALIZER_REQUIRED,
                           'graft-variable-error-quark')

    def test_scope_errors(self):
        g = self.g
        e = self.raised(g.variable_scope(None).__enter__)
        self.assertMatches(e, Graft.scope_error_quark(), Graft.ScopeError.NAME_REQUIRED, 'graft-scope-error-quark')
        outer = g.variable_scope('outer')
        inner = g.variable_scope('inner')
        outer_scope = outer.__enter__()
        inner.__enter__()
        e = self.raised(outer_scope.exit)
        self.assertMatches(e, Graft.scope_error_quark(), Graft.ScopeError.IMPROPER_NESTING,
                           'graft-scope-error-quark')
        inner.__exit__(None, None, None)
        outer.__exit__(None, None, None)
        self.assertFalse(outer_scope.is_active())

    def test_graph_errors(self):
        g = self.g
        e = self.raised(g.create_op, 'NoSuchOp')
        self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.UNKNOWN_OP, 'graft-graph-error-quark')
        self.assertIn('NoSuchOp', e.message)
        e = self.raised(g.constant, 1.0, name='not a name!')
        self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.INVALID_NAME, 'graft-graph-error-quark')
        with self.assertRaises(TypeError):
            g.create_op('Const', attrs={'value': object()})
        session = GObject.Value(Graft.Session, Graft.Session(g))
        e = self.raised(g.create_op, 'Const', attrs={'value': session, 'dtype': 'float32'})
        self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.INVALID_ATTR, 'graft-graph-error-quark')
        self.assertIn("'value'", e.message)
        a = g.constant([1.0, 2.0], 'float32')
        b = g.constant([1, 2, 3], 'int32')
        e = self.raised(g.create_op, 'Add', [a, b])
        self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.DTYPE, 'graft-graph-error-quark')
        c = g.constant([1.0, 2.0, 3.0], 'float32')
        e = self.raised(g.create_op, 'Add', [a, c])
        self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.SHAPE, 'graft-graph-error-quark')
        e = self.raised(g.get_output, 'nowhere:0')
        self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.NOT_FOUND, 'graft-graph-error-quark')

    def test_session_errors(self):
        g = self.g
        v = g.get_variable('w', shape=[2])
        sess = Graft.Session(g)
        e = self.raised(sess.run, v)
        self.assertMatches(e, Graft.session_error_quark(), Graft.SessionError.UNINITIALIZED,
                           'graft-session-error-quark')
        self.assertIn('Attempting to use uninitialized value w', e.message)
        x = g.placeholder('float32', shape=[2], name='x')
        y = g.create_op('Square', [x])
        e = self.raised(sess.run, y)
        self.assertMatches(e, Graft.session_error_quark(), Graft.SessionError.UNFED_PLACEHOLDER,
                           'graft-session-error-quark')
        self.assertIn("'x'", e.message)
        e = self.raised(sess.run, y, feed_dict={x: Graft.Tensor.from_array([1, 2, 3], 'float32')})
        self.assertMatches(e, Graft.session_error_quark(), Graft.SessionError.INVALID_FEED,
                           'graft-session-error-quark')

    def test_tensor_errors(self):
        e = self.raised(Graft.Tensor.new_from_data, Graft.DType.FLOAT32, Graft.Shape.new([2]), b'\0' * 7)
        self.assertMatches(e, Graft.tensor_error_quark(), Graft.TensorError.SIZE_MISMATCH,
                           'graft-tensor-error-quark')
        e = self.raised(Graft.Tensor.new_zeros, Graft.DType.FLOAT32, Graft.Shape.new([-1]))
        self.assertMatches(e, Graft.tensor_error_quark(), Graft.TensorError.INVALID_SHAPE,
                           'graft-tensor-error-quark')

    def test_shapes_take_integers_or_none(self):
        g = self.g
        # shape=[1.5] used to become [1]; TensorFlow refuses it.
        with self.assertRaises(TypeError) as caught:
            g.placeholder('float32', shape=[1.5])
        self.assertEqual(str(caught.exception), "shape: dimension 1.5 (float) must be an integer or None")
        with self.assertRaises(TypeError) as caught:
            g.get_variable('v', shape=[2, '3'])
        self.assertIn('shape', str(caught.exception))
        with self.assertRaises(ValueError) as caught:
            g.get_variable('v', shape=[2, -2])
        self.assertEqual(str(caught.exception), 'shape: Dimension -2 must be >= 0')
        # Nothing was made by the refused calls.
        self.assertEqual(g.get_variable('v', shape=[2, 3]).shape, (2, 3))
        self.assertEqual(g.placeholder('float32', shape=[None, 2]).shape, (None, 2))

    def test_overflowing_shapes_are_errors(self):
        g = self.g
        for dims, text in (([3, 6148914691236517206], '(3, 6148914691236517206)'),
                           ([2 ** 32, 2 ** 32], '(4294967296, 4294967296)'),
                           ([2 ** 62, 8], '(4611686018427387904, 8)'),
                           ([2 ** 63 - 1, 2], '(9223372036854775807, 2)')):
            e = self.raised(g.placeholder, 'float32', shape=dims, name='x')
            self.assertMatches(e, Graft.graph_error_quark(), Graft.GraphError.SHAPE, 'graft-graph-error-quark')
            self.assertTrue(e.message.endswith('Shape %s has too many elements' % text), e.message)
            e = self.raised(g.get_variable, 'w', shape=dims)
            self.assertIn('Shape %s has too many elements' % text, e.message)
            e = self.raised(Graft.Tensor.new_zeros, Graft.DType.FLOAT32, Graft.Shape.new(dims))
            self.assertMatches(e, Graft.tensor_error_quark(), Graft.TensorError.INVALID_SHAPE,
                               'graft-tensor-error-quark')
            self.assertEqual(e.message, 'Shape %s has too many elements' % text)

    def test_out_of_memory_is_an_error(self):
        g = self.g
        v = g.get_variable('big', shape=[4194304, 1073741824])
        sess = Graft.Session(g)
        e = self.raised(sess.run, v.get_initializer_op())
        self.assertMatches(e, Graft.session_error_quark(), Graft.SessionError.RESOURCE_EXHAUSTED,
                           'graft-session-error-quark')
        self.assertEqual(e.message, 'OOM when allocating tensor with shape[4194304,1073741824] and type float '
                                    'on /job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu')
        sess.props.memory_limit = 1000
        self.assertEqual(sess.get_memory_limit(), 1000)

    def test_plugin_errors(self):
        e = self.raised(Graft.register_initializer, 'errors.bad', '(x: float32 -> (out: T)', 'bad',
                        lambda k: 0)
        self.assertMatches(e, Graft.plugin_error_quark(), Graft.PluginError.INVALID_SIGNATURE,
                           'graft-plugin-error-quark')
        e = self.raised(Graft.register_initializer, 'zeros', '() -> (out: T)', 'taken', lambda k: 0)
        self.assertMatches(e, Graft.plugin_error_quark(), Graft.PluginError.DUPLICATE_NAME,
                           'graft-plugin-error-quark')
        e = self.raised(Graft.Registry.get_default().load_plugin, '/nonexistent/graft-nothing.so')
        self.assertMatches(e, Graft.plugin_error_quark(), Graft.PluginError.UNREADABLE,
                           'graft-plugin-error-quark')
        # The application's refusals stay on its record, as GLib.Error values.
        app = Graft.Registry.get_default().get_plugin('application')
        self.assertEqual(app.get_status(), Graft.PluginStatus.PARTIAL)
        errors = app.get_errors()
        self.assertTrue(any(err.matches(Graft.plugin_error_quark(), Graft.PluginError.DUPLICATE_NAME)
                            for err in errors))

    def test_error_enums_are_registered(self):
        for enum in (Graft.GraphError, Graft.ScopeError, Graft.VariableError, Graft.TensorError,
                     Graft.PluginError, Graft.SessionError, Graft.DType, Graft.Reuse, Graft.AttrKind,
                     Graft.OpKind, Graft.PluginStatus):
            self.assertTrue(enum.__gtype__.is_a(GObject.TYPE_ENUM), enum)
        self.assertTrue(Graft.OpFlags.__gtype__.is_a(GObject.TYPE_FLAGS))


if __name__ == '__main__':
    unittest.main()
