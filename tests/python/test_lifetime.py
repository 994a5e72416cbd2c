# test_lifetime.py: ownership across the binding. Handles outliving their
# graph, containers and boxed copies returned over and over: nothing may
# crash, double-free or dangle.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import Graft  # noqa: E402
import numpy  # noqa: E402

ROUNDS = 200


class LifetimeTest(unittest.TestCase):
    def test_an_output_keeps_its_graph_alive(self):
        g = Graft.Graph()
        c = g.constant([1.0, 2.0], 'float32', name='c')
        del g
        gc.collect()
        # GraftOutput's copy is a reference on the graph.
        graph = c.get_graph()
        self.assertEqual(graph.get_operation('c').get_op_name(), 'c')
        self.assertEqual(numpy.asarray(Graft.Session(graph).run(c)).tolist(), [1.0, 2.0])

    def test_variables_and_scopes_outlive_their_graph(self):
        g = Graft.Graph()
        with g.variable_scope('s') as scope:
            v = g.get_variable('v', shape=[2])
        del g
        gc.collect()
        # The graph is gone: the variable is detached, the scope's weak
        # reference is empty, and their own data is still there.
        self.assertIsNone(v.get_graph())
        self.assertIsNone(v.get_value())
        self.assertEqual(v.get_name(), 's/v')
        self.assertEqual(v.shape, (2,))
        self.assertIsNone(scope.get_graph())
        self.assertEqual(scope.name, 's')

    def test_repeated_building_and_running(self):
        for i in range(ROUNDS):
            g = Graft.Graph()
            g.set_seed(i)
            with g.variable_scope('a') as a, g.variable_scope('b'):
                w = g.get_variable('w', shape=[2, 2])
            with g.variable_scope(a, reuse=True), g.variable_scope('b'):
                self.assertIs(g.get_variable('w', shape=[2, 2]), w)
            x = g.placeholder('float32', shape=[2, 2])
            y = g.create_op('MatMul', [x, w.get_value()])
            sess = Graft.Session(g)
            sess.run(g.global_variables_initializer())
            out = sess.run([y, w], feed_dict={x: numpy.eye(2)})
            numpy.testing.assert_array_equal(out[0], out[1])
            del g, sess, w, a, x, y
        gc.collect()

    def test_containers_and_boxed_copies(self):
        g = Graft.Graph()
        for n in range(4):
            g.get_variable('v%d' % n, shape=[n + 1])
        registry = Graft.Registry.get_default()
        sess = Graft.Session(g)
        sess.run(g.global_variables_initializer())
        for _ in range(ROUNDS):
            variables = g.get_global_variables()
            self.assertEqual(len(variables), 4)
            outputs = g.get_collection('variables')
            self.assertEqual(len(outputs), 4)
            self.assertEqual(len(g.get_trainable_variables()), 4)
            self.assertGreater(len(registry.list_ops()), 10)
            self.assertGreater(len(registry.list_initializers()), 5)
            for plugin in registry.list_plugins():
                plugin.get_errors()
                plugin.list_definitions()
            definition = registry.lookup_op('MatMul')
            self.assertEqual(definition.get_name(), 'MatMul')
            self.assertIn(Graft.DType.FLOAT32, definition.get_attr_allowed_dtypes(0) or [Graft.DType.FLOAT32])
            shape = variables[3].get_shape()
            self.assertEqual(shape.get_dims(), [4])
            tensors = sess.run(variables, as_tensors=True)
            self.assertEqual([t.shape for t in tensors], [(1,), (2,), (3,), (4,)])
            self.assertEqual(list(g.get_collection_keys()), ['trainable_variables', 'variables'])
            self.assertEqual(sess.report_uninitialized_variables(), [])
        del variables, outputs, tensors
        gc.collect()


if __name__ == '__main__':
    unittest.main()
