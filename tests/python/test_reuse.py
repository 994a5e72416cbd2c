# test_reuse.py: reuse by name and by object, AUTO_REUSE, default names,
# scope options and the default graph, through the Python binding.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import threading
import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy  # noqa: E402


def variable_error(code):
    return lambda e: e.matches(Graft.variable_error_quark(), code)


class ReuseTest(unittest.TestCase):
    def setUp(self):
        self.g = Graft.Graph()

    def assertRaisesGraft(self, quark, code):
        test = self

        class Check(object):
            def __enter__(self):
                return self

            def __exit__(self, exc_type, exc, tb):
                test.assertIsNotNone(exc, 'no GLib.Error raised')
                test.assertIsInstance(exc, GLib.Error)
                test.assertTrue(exc.matches(quark, code), '%s (%s %d)' % (exc.message, exc.domain, exc.code))
                self.exception = exc
                return True
        return Check()

    def test_by_name_inherits_reuse(self):
        g = self.g
        with g.variable_scope('a'), g.variable_scope('b'):
            v = g.get_variable('v', shape=[2])
        with g.variable_scope('a', reuse=True), g.variable_scope('b') as b:
            self.assertIs(g.get_variable('v', shape=[2]), v)
            self.assertIs(b.reuse, True)

    def test_by_object_takes_its_own_reuse(self):
        g = self.g
        with g.variable_scope('a') as a, g.variable_scope('b') as b:
            v = g.get_variable('v', shape=[2])
        # b was captured without reuse: inside a reusing scope it keeps it.
        with g.variable_scope(a, reuse=True), g.variable_scope(b):
            with self.assertRaisesGraft(Graft.variable_error_quark(), Graft.VariableError.ALREADY_EXISTS):
                g.get_variable('v', shape=[2])
        # By object with reuse given, or a captured object that reuses.
        with g.variable_scope(b, reuse=True):
            self.assertIs(g.get_variable('v', shape=[2]), v)
        b.reuse_variables()
        with g.variable_scope(b):
            self.assertIs(g.get_variable('v', shape=[2]), v)

    def test_reuse_variables_changes_the_object_only(self):
        g = self.g
        with g.variable_scope('a') as a:
            g.get_variable('v', shape=[1])
            a.reuse_variables()
            self.assertIs(a.reuse, True)
        # Reopened by name, 'a' is a new scope without reuse.
        with g.variable_scope('a') as again:
            self.assertIs(again.reuse, False)

    def test_reuse_true_needs_the_variable(self):
        g = self.g
        with g.variable_scope('a', reuse=True):
            with self.assertRaisesGraft(Graft.variable_error_quark(), Graft.VariableError.DOES_NOT_EXIST):
                g.get_variable('missing', shape=[1])

    def test_auto_reuse(self):
        g = self.g
        with g.variable_scope('a', reuse=Graft.AUTO_REUSE) as a:
            v = g.get_variable('v', shape=[3])
            self.assertIs(g.get_variable('v', shape=[3]), v)
            self.assertIs(a.reuse, Graft.AUTO_REUSE)
            # Inherited by a scope opened by name inside it.
            with g.variable_scope('b'):
                w = g.get_variable('w', shape=[1])
                self.assertIs(g.get_variable('w', shape=[1]), w)
        self.assertEqual(w.get_name(), 'a/b/w')
        # Reuse is the scope's: get_variable() has no reuse= of its own.
        with self.assertRaises(TypeError):
            g.get_variable('a/v', shape=[3], reuse=Graft.AUTO_REUSE)

    def test_reuse_argument_values(self):
        g = self.g
        for value, expected in ((None, False), (False, False), (True, True), (Graft.AUTO_REUSE, Graft.AUTO_REUSE),
                                (Graft.Reuse.TRUE, True)):
            with g.variable_scope('s', reuse=value) as s:
                self.assertIs(s.reuse, expected)
        # TensorFlow 1.15: a ValueError, for 0 and 1 too.
        for value in ('yes', 0, 1):
            with self.assertRaisesRegex(ValueError, r'^The reuse parameter must be True or False or None\.$'):
                g.variable_scope('s', reuse=value)

    def test_default_names(self):
        g = self.g
        with g.variable_scope(None, default_name='layer') as s:
            self.assertEqual(s.name, 'layer')
        with g.variable_scope(None, default_name='layer') as s:
            self.assertEqual(s.name, 'layer_1')
            self.assertEqual(g.get_variable('w', shape=[1]).get_name(), 'layer_1/w')
        with self.assertRaisesGraft(Graft.scope_error_quark(), Graft.ScopeError.REUSE_WITHOUT_NAME):
            with g.variable_scope(None, default_name='layer', reuse=True):
                pass
        with self.assertRaisesGraft(Graft.scope_error_quark(), Graft.ScopeError.NAME_REQUIRED):
            with g.variable_scope(None):
                pass

    def test_name_scopes(self):
        g = self.g
        with g.name_scope('mul') as scope:
            self.assertEqual(scope, 'mul/')
            self.assertEqual(g.get_name_scope(), 'mul')
        with g.name_scope('mul') as scope:
            self.assertEqual(scope, 'mul_1/')
        with g.name_scope(None, default_name='block') as scope:
            self.assertEqual(scope, 'block/')
        self.assertEqual(g.get_name_scope(), '')
        # A variable scope opens a name scope of its own; ops inside use it.
        with g.variable_scope('vs'):
            c = g.constant(1.0, 'float32')
        self.assertEqual(c.get_op_name(), 'vs/Const')
        # ... unless auxiliary_name_scope=False.
        with g.variable_scope('quiet', auxiliary_name_scope=False) as quiet:
            c = g.constant(1.0, 'float32')
            self.assertEqual(g.get_variable('v', shape=[1]).get_name(), 'quiet/v')
        self.assertEqual(c.get_op_name(), 'Const')
        self.assertEqual(quiet.original_name_scope, '')

    def test_scope_options(self):
        g = self.g
        with g.variable_scope('a', initializer=Graft.Initializer.new_constant(3.0), dtype='float64'):
            v = g.get_variable('v', shape=[2])
            u = g.get_variable('u', initializer=numpy.zeros(2))
        self.assertEqual(v.dtype, Graft.DType.FLOAT64)
        self.assertEqual(u.dtype, Graft.DType.FLOAT64)
        with g.variable_scope('b', initializer='ones', caching_device='/cpu:0'):
            w = g.get_variable('w', shape=[2], dtype=numpy.int32)
        self.assertEqual(w.get_caching_device(), '/cpu:0')
        sess = Graft.Session(g)
        sess.run(g.global_variables_initializer())
        numpy.testing.assert_array_equal(sess.run(v), [3.0, 3.0])
        numpy.testing.assert_array_equal(sess.run(w), [1, 1])
        self.assertEqual(sess.run(w).dtype, numpy.int32)

    def test_variable_request_fields(self):
        g = self.g
        v = g.get_variable('v', validate_shape=False, trainable=False,
                           initializer=numpy.ones((2, 5), numpy.float32), collections=['mine', 'variables'])
        self.assertEqual(v.shape, (2, 5))
        self.assertFalse(v.get_initializer().get_value() is None)
        self.assertFalse(v.get_trainable())
        self.assertEqual(list(v.get_collections()), ['mine', 'variables'])
        self.assertEqual(len(g.get_collection('mine')), 1)
        self.assertEqual(g.get_trainable_variables(), [])
        with self.assertRaises(TypeError):
            g.get_variable('x', shape=[1], no_such_argument=1)

    def test_default_graph(self):
        g = Graft.Graph()
        with g.as_default():
            self.assertIs(Graft.get_default_graph(), g)
            with Graft.variable_scope('d'):
                v = Graft.get_variable('v', shape=[1])
            self.assertIs(v.get_graph(), g)
            seen = []
            # Another thread has its own stack: it sees the process-wide graph.
            t = threading.Thread(target=lambda: seen.append(Graft.get_default_graph()))
            t.start()
            t.join()
            self.assertIsNot(seen[0], g)
            with Graft.name_scope('ns') as ns:
                self.assertEqual(ns, 'ns/')
            with Graft.Session() as sess:
                self.assertIs(sess.get_graph(), g)
                sess.run(Graft.global_variables_initializer())
                self.assertTrue(sess.is_initialized(v))
        self.assertIsNot(Graft.get_default_graph(), g)


if __name__ == '__main__':
    unittest.main()
