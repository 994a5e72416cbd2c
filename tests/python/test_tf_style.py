# test_tf_style.py: Graft written as a TensorFlow 1.x user writes it -
# Graft.ops, operators, fetch structures, "x:0" names, TensorFlow's dtype
# inference - and TensorFlow 1.15's exception classes and texts for bad
# input.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import collections
import os
import subprocess
import sys
import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy as np  # noqa: E402

tf = Graft.ops


class GraphTest(unittest.TestCase):
    """Each test builds in its own default graph, as TensorFlow tests do."""

    def setUp(self):
        self.graph = Graft.Graph()
        self.default = self.graph.as_default()
        self.default.__enter__()

    def tearDown(self):
        self.default.__exit__(None, None, None)


class OpsTest(GraphTest):
    def test_mlp(self):
        x = tf.placeholder(tf.float32, shape=[None, 4], name='x')
        with tf.variable_scope('hidden'):
            w1 = tf.get_variable('w', shape=[4, 8], initializer=Graft.Initializer.new('ones'))
            b1 = tf.get_variable('b', shape=[8], initializer=Graft.Initializer.new('zeros'))
            h = tf.relu(tf.matmul(x, w1) + b1)
        with tf.variable_scope('out'):
            w2 = tf.get_variable('w', shape=[8, 3], initializer=Graft.Initializer.new('ones'))
            logits = tf.matmul(h, w2, name='logits')
        probs = tf.softmax(logits, name='probs')
        loss = tf.reduce_mean(tf.reduce_sum(probs * probs, axis=1))
        self.assertEqual(logits.name, 'out/logits:0')
        self.assertEqual(logits.shape, (None, 3))
        self.assertEqual(logits.shape.as_list(), [None, 3])
        self.assertEqual(loss.shape, ())
        with Graft.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = np.arange(8, dtype=np.float32).reshape(2, 4)
            out = sess.run({'logits': logits, 'rest': [probs, (loss,)]}, feed_dict={x: feed})
        expected = np.maximum(feed @ np.ones((4, 8)), 0) @ np.ones((8, 3))
        np.testing.assert_allclose(out['logits'], expected)
        np.testing.assert_allclose(out['rest'][0], np.full((2, 3), 1 / 3), rtol=1e-6)
        self.assertIsInstance(out['rest'][1], tuple)
        np.testing.assert_allclose(out['rest'][1][0], 1 / 3, rtol=1e-6)
        self.assertEqual([v.name for v in tf.trainable_variables()], ['hidden/w:0', 'hidden/b:0', 'out/w:0'])
        self.assertEqual(tf.global_variables()[0].op.name, 'hidden/w')

    def test_operators(self):
        x = tf.placeholder('float32', shape=[2], name='x')
        y = tf.constant([4.0, 8.0])
        m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        results = Graft.Session().run(
            [x + y, x - y, x * y, x / y, -x, 1 - x, 2 * x, 8 / x, m @ m, x + 1, 0.5 * x],
            feed_dict={x: [1.0, 2.0]})
        expected = [[5, 10], [-3, -6], [4, 16], [0.25, 0.25], [-1, -2], [0, -1], [2, 4], [8, 4],
                    [[7, 10], [15, 22]], [2, 3], [0.5, 1]]
        for got, want in zip(results, expected):
            self.assertEqual(got.dtype, np.float32)
            np.testing.assert_allclose(got, want)
        # Integers divide as TensorFlow 1.x's truediv: cast to float64 first.
        i = tf.constant([3, 4])
        self.assertEqual((i / 2).dtype, 'float64')
        np.testing.assert_allclose(Graft.Session().run(i / 2), [1.5, 2.0])
        self.assertEqual((i + 1).dtype, 'int32')

    def test_missing_operators_raise_type_error(self):
        x = tf.constant([1.0])
        for func, op in ((lambda: x // 2, 'FloorDiv'), (lambda: x % 2, 'FloorMod'), (lambda: x ** 2, 'Pow'),
                         (lambda: x < 1, 'Less'), (lambda: x >= 1, 'GreaterEqual'), (lambda: x[0], 'StridedSlice')):
            with self.assertRaisesRegex(TypeError, 'Graft has no %s op' % op):
                func()

    def test_generated_functions(self):
        a = tf.constant([[1.0, 2.0], [3.0, 4.0]], name='a')
        p = tf.matmul(a, a, transpose_b=True, name='p')
        self.assertEqual((p.name, p.op.name, p.op.type), ('p:0', 'p', 'MatMul'))
        s = tf.reduce_sum(a, axis=1, keep_dims=True)
        c = tf.cast(a, DstT='int32')
        self.assertEqual(c.dtype, tf.int32)
        sess = Graft.Session()
        np.testing.assert_allclose(sess.run(p), [[5, 11], [11, 25]])
        np.testing.assert_allclose(sess.run(s), [[3], [7]])
        self.assertIn('MatMul', tf.matmul.__doc__)
        # Positional attributes after the inputs, as TensorFlow's reduce_sum(x, axis).
        np.testing.assert_allclose(sess.run(tf.reduce_sum(a, [0])), [4, 6])

    def test_list_inputs(self):
        # add_n takes its list input (`inputs: N * T`) as a sequence, as
        # TensorFlow's tf.add_n does; python numbers become constants.
        a = tf.constant([1.0, 2.0], name='a')
        s = tf.add_n([a, a, [10.0, 20.0]])
        self.assertEqual((s.op.type, s.op.name), ('AddN', 'AddN'))
        np.testing.assert_allclose(Graft.Session().run(s), [12, 24])
        with self.assertRaises(TypeError):
            tf.add_n(a)

    def test_generated_function_bad_arguments(self):
        a = tf.constant([1.0])
        with self.assertRaisesRegex(TypeError, r"^matmul\(\) got an unexpected keyword argument 'transpose'$"):
            tf.matmul(a, a, transpose=True)
        with self.assertRaisesRegex(TypeError, r"^transpose_a must be a bool, not 'yes'$"):
            tf.matmul(a, a, transpose_a='yes')
        with self.assertRaisesRegex(TypeError, r"^axis must be an int or a list of ints, not 'x'$"):
            tf.reduce_sum(a, axis='x')
        with self.assertRaisesRegex(TypeError, r"^matmul\(\) missing required argument 'b'$"):
            tf.matmul(a)
        with self.assertRaisesRegex(TypeError, r"^name must be a string or None, not 3$"):
            tf.relu(a, name=3)
        with self.assertRaisesRegex(TypeError, r"^dtype must be a dtype, not 'float99'$"):
            tf.placeholder('float99')
        with self.assertRaisesRegex(TypeError, r"^dtype must be a dtype, not None$"):
            tf.placeholder(None)
        with self.assertRaisesRegex(TypeError, r"^get_variable\(\) name must be a string, not 3$"):
            tf.get_variable(3, shape=[1])
        with self.assertRaisesRegex(TypeError, r"^inputs must be an op, an Output or a Variable, not 3$"):
            tf.group(3)
        # libgraft's own checks arrive as TensorFlow's classes.
        with self.assertRaisesRegex(TypeError, r"^RandomUniform op 'RandomUniform': dtype is int32, which is not in"):
            tf.random_uniform(shape=[2], dtype='int32')
        with self.assertRaisesRegex(ValueError, r"^ReduceSum op 'Sum': Invalid reduction axis 5"):
            tf.reduce_sum(a, axis=[5])
        with self.assertRaisesRegex(TypeError, r'^shape must be a shape'):
            tf.placeholder('float32', shape='abc')
        # Dtype mismatches are libgraft's, raised as TensorFlow's TypeError.
        with self.assertRaises(TypeError) as caught:
            tf.add(a, tf.constant([1]))
        self.assertIsInstance(caught.exception, GLib.Error)
        # A float that is not whole does not become an int32 constant.
        with self.assertRaisesRegex(TypeError, r"^Expected int32, got 1.5 of type 'float' instead\.$"):
            tf.constant([1]) + 1.5
        with self.assertRaisesRegex(TypeError, r"^Expected float32, got 1j of type 'complex' instead\.$"):
            a + 1j
        with self.assertRaisesRegex(TypeError, r"^Expected bool, got 1 of type 'int' instead\.$"):
            tf.constant(1, dtype='bool')
        with self.assertRaisesRegex(TypeError, r'^Failed to convert object of type str to Tensor'):
            tf.constant('abc')
        with self.assertRaisesRegex(TypeError, r"^default_name must be a string, not 3$"):
            tf.variable_scope(None, default_name=3)
        other = Graft.Graph()
        with other.as_default():
            b = tf.constant([1.0], name='b')
        with self.assertRaisesRegex(ValueError, 'must be from the same graph as'):
            tf.add(a, b)

    def test_dtype_inference(self):
        self.assertEqual(tf.constant(0.1).dtype, 'float32')
        self.assertEqual(tf.constant(4).dtype, 'int32')
        self.assertEqual(tf.constant(2 ** 40).dtype, 'int64')
        self.assertEqual(tf.constant([True, False]).dtype, 'bool')
        self.assertEqual(tf.constant([[1, 2], [3, 4.5]]).dtype, tf.float32)
        self.assertEqual(tf.constant(np.float64(1)).dtype, 'float64')
        self.assertEqual(tf.constant(4, dtype='float64').dtype, 'float64')
        self.assertEqual(self.graph.constant(0.1).dtype, 'float32')
        self.assertEqual(tf.get_variable('v', initializer=4).dtype, 'int32_ref')
        self.assertEqual(tf.get_variable('f', initializer=[0.5, 1.5]).dtype, 'float32_ref')
        c = tf.constant(7, shape=[2, 2])
        np.testing.assert_array_equal(Graft.Session().run(c), [[7, 7], [7, 7]])
        with self.assertRaisesRegex(TypeError, r"^Expected Tensor's shape: \(3,\), got \(2,\)\.$"):
            tf.constant([1, 2], shape=[3])

    def test_dtype_objects(self):
        x = tf.placeholder(tf.float32, shape=[None, 784], name='x')
        self.assertEqual(repr(x), "<graft.Output 'x:0' shape=(None, 784) dtype=float32>")
        self.assertEqual(x.dtype, 'float32')
        self.assertEqual(x.dtype, Graft.DType.FLOAT32)
        self.assertEqual(x.dtype, np.float32)
        self.assertNotEqual(x.dtype, 'float64')
        self.assertEqual(x.dtype.name, 'float32')
        self.assertIs(x.dtype.as_numpy_dtype, np.float32)
        self.assertTrue(x.dtype.is_floating)
        self.assertFalse(x.dtype.is_integer)
        self.assertEqual(x.shape.ndims, 2)
        self.assertFalse(x.shape.is_fully_defined())
        v = tf.get_variable('w', shape=[2], initializer=Graft.Initializer.new('zeros'))
        self.assertEqual((v.name, v.op.name), ('w:0', 'w'))
        self.assertEqual(v.dtype, 'float32_ref')
        self.assertNotEqual(v.dtype, 'float32')
        self.assertEqual(v.dtype.base_dtype, 'float32')
        self.assertEqual(v.dtype, Graft.DType.FLOAT32)  # Graft.DType has no reference types
        self.assertEqual(str(v.dtype), "<dtype: 'float32_ref'>")
        # A TensorDType is accepted wherever a dtype is.
        self.assertEqual(tf.placeholder(v.dtype.base_dtype).dtype, 'float32')
        self.assertEqual(Graft.dtype_get_name(x.dtype), 'float32')
        made = self.graph.create_op('Placeholder', name='p', attrs={'dtype': x.dtype})
        self.assertEqual(made.dtype, 'float32')


class SessionTest(GraphTest):
    def setUp(self):
        super().setUp()
        self.x = tf.placeholder('float32', shape=[None, 2], name='x')
        self.y = tf.square(self.x, name='y')
        self.v = tf.get_variable('v', shape=[2], initializer=Graft.Initializer.new('ones'))
        self.init = tf.global_variables_initializer()
        self.sess = Graft.Session()
        self.sess.run(self.init)

    def test_fetch_structures(self):
        Pair = collections.namedtuple('Pair', 'a b')
        feed = {'x:0': [[1.0, 2.0]]}
        self.assertEqual(self.sess.run('y:0', feed).tolist(), [[1.0, 4.0]])
        self.assertEqual(self.sess.run(['y:0', self.v], feed)[1].tolist(), [1.0, 1.0])
        result = self.sess.run({'y': self.y, 'nested': {'pair': Pair(self.y, [self.v])}}, feed)
        self.assertIsInstance(result['nested']['pair'], Pair)
        self.assertEqual(result['nested']['pair'].b[0].tolist(), [1.0, 1.0])
        ordered = self.sess.run(collections.OrderedDict([('b', self.v), ('a', self.y)]), feed)
        self.assertEqual(list(ordered), ['b', 'a'])
        self.assertEqual(self.sess.run([], feed), [])
        # An op (by name, or .op) runs for its effect and gives None.
        self.assertIsNone(self.sess.run(self.init.get_op_name()))
        self.assertEqual(self.sess.run([self.y.op, self.y], feed)[0], None)

    def test_feeds(self):
        y = self.sess.run(self.y, feed_dict={self.x: np.array([[3, 4]], dtype=np.int64)})
        self.assertEqual(y.dtype, np.float32)
        self.assertEqual(self.sess.run(self.y, {'x:0': 2.0 * np.ones((1, 2))}).tolist(), [[4.0, 4.0]])

    def test_bad_fetches_and_feeds(self):
        with self.assertRaisesRegex(TypeError, r'^Fetch argument 3 has invalid type .*must be an Output'):
            self.sess.run(3)
        with self.assertRaisesRegex(TypeError, r'^Fetch argument None'):
            self.sess.run([self.y, None])
        with self.assertRaisesRegex(ValueError, r"^The name 'nope:0' refers to a Tensor which does not exist"):
            self.sess.run('nope:0')
        with self.assertRaisesRegex(ValueError, r"^The name 'nope' refers to an Operation not in the graph"):
            self.sess.run('nope')
        with self.assertRaisesRegex(TypeError, r'^Cannot interpret feed_dict key as Tensor: 3'):
            self.sess.run(self.y, {3: [[1.0, 1.0]]})
        with self.assertRaisesRegex(TypeError, r'^feed_dict must be a dict'):
            self.sess.run(self.y, [[1.0, 1.0]])
        with self.assertRaisesRegex(TypeError, r'^The value of a feed cannot be a graft.Output'):
            self.sess.run(self.y, {self.x: self.y})

    def test_control_dependencies_and_group(self):
        step = tf.assign_add(self.v, tf.constant([1.0, 1.0]))
        with tf.control_dependencies([step]):
            read = tf.identity(self.v, name='read_after')
            with tf.control_dependencies(None):
                free = tf.identity(self.v, name='free')
        self.assertEqual([c.name for c in read.op.control_inputs], [step.op.name])
        self.assertEqual(free.op.control_inputs, [])
        # Running read runs step first (once).
        self.sess.run(read)
        np.testing.assert_array_equal(self.sess.run(self.v), [2.0, 2.0])
        self.sess.run(free)
        np.testing.assert_array_equal(self.sess.run(self.v), [2.0, 2.0])
        grouped = tf.group(step, [step], name='both')
        self.assertEqual(grouped.name, 'both')
        self.assertEqual(grouped.type, 'NoOp')
        self.assertIsNone(self.sess.run(grouped))
        np.testing.assert_array_equal(self.sess.run(self.v), [3.0, 3.0])  # step ran once
        with self.assertRaisesRegex(TypeError, r'^control_inputs must be a list of ops or None'):
            with tf.control_dependencies(step):
                pass
        with self.assertRaisesRegex(TypeError, r'^control_inputs must be an op, an Output or a Variable'):
            with tf.control_dependencies([3]):
                pass


class TensorFlowDifferencesTest(GraphTest):
    """The behaviours issue 10 lists under "Why", as TensorFlow 1.15 has them."""

    def test_reuse_values(self):
        for value in (0, 1, 'yes'):
            with self.assertRaisesRegex(ValueError, r'^The reuse parameter must be True or False or None\.$'):
                with tf.variable_scope('s', reuse=value):
                    pass

    def test_auxiliary_name_scope(self):
        with self.assertRaisesRegex(TypeError, r'^The auxiliary_name_scope must be `True` or `False`, '
                                               r'while get invalid$'):
            with tf.variable_scope('s', auxiliary_name_scope='invalid'):
                pass

    def test_name_or_scope_type(self):
        with self.assertRaisesRegex(TypeError, r'^VariableScope: name_or_scope must be a string or '
                                               r'VariableScope\.$'):
            with tf.variable_scope(123):
                pass

    def test_uncallable_custom_getter(self):
        with self.assertRaisesRegex(ValueError, r'^Passed a custom_getter which is not callable: 3$'):
            tf.get_variable('v', shape=[1], custom_getter=3)
        # variable_scope() accepts it; get_variable() inside refuses it.
        with tf.variable_scope('s', custom_getter=3):
            with self.assertRaisesRegex(ValueError, r'^Passed a custom_getter which is not callable: 3$'):
                tf.get_variable('v', shape=[1])
        self.assertEqual(Graft.Graph.all_variables(self.graph), [])

    def test_values_from_two_graphs(self):
        a = tf.constant(1.0, name='a')
        other = Graft.Graph()
        with other.as_default():
            b = tf.constant(1.0, name='b')
        errors = []
        for scope in (lambda: tf.variable_scope('v', values=[a, b]), lambda: tf.name_scope('n', values=[a, b])):
            with self.assertRaisesRegex(ValueError, r'must be from the same graph as') as caught:
                with scope():
                    pass
            errors.append((caught.exception.domain, caught.exception.code))
        # One code for the condition, whichever scope reports it.
        self.assertEqual(errors, [('graft-graph-error-quark', int(Graft.GraphError.INVALID_INPUT))] * 2)

    def test_constant_initializer_texts_come_first(self):
        too_many = Graft.Initializer.new('constant', {'value': [1.0] * 8})
        with self.assertRaisesRegex(ValueError, r'^Too many elements provided\. Needed at most 6, '
                                                r'but received 8 \(constant op \'y/Initializer/constant\'\)$'):
            tf.get_variable('y', shape=[2, 3], initializer=too_many)
        verify = Graft.Initializer.new('constant', {'value': [1.0] * 8, 'verify_shape': True})
        with self.assertRaisesRegex(TypeError, r"^Expected Tensor's shape: \(3, 4\), got \(8,\)\. "
                                               r"\(constant op 'z/Initializer/constant'\)$"):
            tf.get_variable('z', shape=[3, 4], initializer=verify)

    def test_every_variable_of_the_store(self):
        tf.get_variable('a', shape=[1])
        tf.get_variable('hidden', shape=[1], collections=[])
        self.graph.get_local_variable('l', shape=[1])
        self.assertEqual([v.name for v in tf.global_variables()], ['a:0'])
        self.assertEqual([v.name for v in tf.all_variables()], ['a:0', 'hidden:0', 'l:0'])

    def test_error_code_mapping(self):
        # ValueError: variables, reuse without a name, names.
        tf.get_variable('v', shape=[1])
        with self.assertRaisesRegex(ValueError, r'^Variable v already exists, disallowed\.') as caught:
            tf.get_variable('v', shape=[1])
        self.assertTrue(caught.exception.matches(Graft.variable_error_quark(), Graft.VariableError.ALREADY_EXISTS))
        with self.assertRaisesRegex(ValueError, r'^reuse=True cannot be used without a name_or_scope$'):
            with tf.variable_scope(None, default_name='d', reuse=True):
                pass
        with self.assertRaisesRegex(ValueError, r"is not a valid scope name$"):
            with tf.name_scope('bad name!'):
                pass
        with self.assertRaisesRegex(ValueError, r'^At least one of name'):
            with tf.name_scope(None, values=[tf.constant(1.0)]):
                pass
        # TypeError: a missing variable-scope name.
        with self.assertRaisesRegex(TypeError, r'^If default_name is None then name_or_scope is required$'):
            with tf.variable_scope(None):
                pass

    def test_scope_setters_take_python_values(self):
        def getter(next_getter, name, *args, **kwargs):
            return next_getter(name, *args, **kwargs)

        def regularizer(v):
            return None
        with tf.variable_scope('s') as scope:
            scope.set_initializer(0.5)
            scope.set_regularizer(regularizer)
            scope.set_custom_getter(getter)
            self.assertEqual(scope.get_initializer(), 0.5)
            self.assertIs(scope.get_regularizer(), regularizer)
            self.assertIs(scope.get_custom_getter(), getter)
            v = tf.get_variable('v', shape=None)
        self.assertEqual(v.dtype, 'float32_ref')
        with tf.variable_scope('t', initializer='ones') as scope:
            self.assertEqual(scope.get_initializer(), 'ones')
        sess = Graft.Session()
        sess.run(tf.global_variables_initializer())
        self.assertEqual(sess.run(v), 0.5)


class PydocTest(unittest.TestCase):
    def test_pydoc_as_the_readme_says(self):
        result = subprocess.run([sys.executable, '-m', 'pydoc', 'gi.overrides.Graft'], env=dict(os.environ),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout[-2000:])
        self.assertNotIn('problem in', result.stdout)
        self.assertIn('Pythonic spellings for the Graft typelib', result.stdout)
        self.assertIn('control_dependencies', result.stdout)
        self.assertIn('class TensorDType', result.stdout)


if __name__ == '__main__':
    unittest.main()
