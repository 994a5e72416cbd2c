# test_initializers.py: initializers (and an op) written in Python,
# registered as closures and used by get_variable().
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy  # noqa: E402

calls = []


def linspace(kernel, start, stop):
    calls.append((kernel.get_op_name(), kernel.shape, kernel.dtype, start, stop))
    return numpy.linspace(start, stop, int(numpy.prod(kernel.shape))).reshape(kernel.shape)


def seeded(kernel, scale):
    has_seeds, seed, seed2 = kernel.get_seeds()
    rng = numpy.random.default_rng([seed, seed2])
    return scale * rng.standard_normal(kernel.shape)


def failing(kernel):
    raise ValueError('cannot initialize %s' % kernel.get_op_name())


def wrong_shape(kernel):
    return numpy.zeros(3)


def raw(kernel, values):
    # The raw closure form: attributes arrive as GLib.Variant (lists) and
    # the result must be a Graft.Tensor of the output's dtype and shape.
    n = int(numpy.prod(kernel.shape))
    data = numpy.resize(numpy.array(values.unpack(), numpy.float32), n)
    return Graft.Tensor.new_from_data(kernel.get_output_dtype(0), kernel.get_output_shape(0), data.tobytes())


def setUpModule():
    Graft.register_initializer('pytest.linspace', '(start: float = 0.0, stop: float = 1.0) -> (out: T), '
                               'T in {float32, float64}', 'Evenly spaced values, in Python', linspace)
    Graft.register_initializer('pytest.seeded', '(scale: float = 1.0) -> (out: T), T in {float32, float64}',
                               'Normal values from NumPy, seeded by Graft', seeded)
    Graft.register_initializer('pytest.failing', '() -> (out: T)', 'Fails', failing)
    Graft.register_initializer('pytest.wrong_shape', '() -> (out: T)', 'Returns the wrong shape', wrong_shape)
    Graft.Registry.get_default().register_initializer_closure(
        'pytest.raw', '(values: list(float) = [1.0, 2.0]) -> (out: float32)', 'Repeats values', raw)
    Graft.register_op('pytest.AddScalar', '(x: T, c: float = 1.0) -> (y: T), T in {float32, float64}',
                      'x + c, in Python', lambda kernel, x, c: numpy.asarray(x) + c)


class InitializerTest(unittest.TestCase):
    def run_init(self, g):
        sess = Graft.Session(g)
        sess.run(g.global_variables_initializer())
        return sess

    def test_python_initializer_by_name_and_with_attributes(self):
        del calls[:]
        g = Graft.Graph()
        a = g.get_variable('a', shape=[2, 3], initializer='pytest.linspace')
        b = g.get_variable('b', shape=[5], dtype='float64',
                           initializer=Graft.Initializer.new('pytest.linspace', {'start': -1, 'stop': 1.0}))
        sess = self.run_init(g)
        numpy.testing.assert_allclose(sess.run(a), numpy.linspace(0, 1, 6).reshape(2, 3), rtol=1e-6)
        numpy.testing.assert_allclose(sess.run(b), numpy.linspace(-1, 1, 5))
        self.assertEqual(sess.run(a).dtype, numpy.float32)
        self.assertEqual(sorted(calls), [('a/Initializer/pytest.linspace', (2, 3), Graft.DType.FLOAT32, 0.0, 1.0),
                                         ('b/Initializer/pytest.linspace', (5,), Graft.DType.FLOAT64, -1.0, 1.0)])

    def test_python_initializer_in_a_scope_and_its_definition(self):
        g = Graft.Graph()
        with g.variable_scope('s', initializer='pytest.linspace'):
            v = g.get_variable('v', shape=[3])
        numpy.testing.assert_allclose(self.run_init(g).run(v), [0, 0.5, 1])
        definition = Graft.Registry.get_default().lookup_initializer('pytest.linspace')
        self.assertEqual(definition.get_plugin_name(), 'application')
        self.assertEqual(definition.get_summary(), 'Evenly spaced values, in Python')

    def test_seeds_come_from_graft(self):
        def values(graph_seed):
            g = Graft.Graph()
            g.set_seed(graph_seed)
            v = g.get_variable('v', shape=[4], initializer=Graft.Initializer.new('pytest.seeded', {'scale': 2.0}))
            return self.run_init(g).run(v)

        numpy.testing.assert_array_equal(values(3), values(3))
        self.assertFalse(numpy.array_equal(values(3), values(4)))

    def test_raw_closure(self):
        g = Graft.Graph()
        v = g.get_variable('v', shape=[2, 2], initializer='pytest.raw')
        w = g.get_variable('w', shape=[3], initializer=Graft.Initializer.new('pytest.raw', {'values': [7.0]}))
        sess = self.run_init(g)
        numpy.testing.assert_array_equal(sess.run(v), [[1, 2], [1, 2]])
        numpy.testing.assert_array_equal(sess.run(w), [7, 7, 7])

    def test_failures_become_session_errors(self):
        for name, text in (('pytest.failing', 'ValueError: cannot initialize v/Initializer/pytest.failing'),
                           ('pytest.wrong_shape', 'shape (3,)')):
            g = Graft.Graph()
            g.get_variable('v', shape=[2], initializer=name)
            with self.assertRaises(GLib.Error) as caught:
                self.run_init(g)
            self.assertTrue(caught.exception.matches(Graft.session_error_quark(), Graft.SessionError.KERNEL))
            self.assertIn(text, caught.exception.message)
            self.assertIn(name, caught.exception.message)

    def test_python_op(self):
        g = Graft.Graph()
        x = g.placeholder('float64', shape=[3], name='x')
        y = g.create_op('pytest.AddScalar', [x], attrs={'c': 2.5})
        sess = Graft.Session(g)
        numpy.testing.assert_array_equal(sess.run(y, feed_dict={x: [1, 2, 3]}), [3.5, 4.5, 5.5])


if __name__ == '__main__':
    unittest.main()
