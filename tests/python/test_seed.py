# test_seed.py: the seed's five cases through the Python binding.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import subprocess
import sys
import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy  # noqa: E402

MESSAGE = ('Variable test1/test2/w1 already exists, disallowed. Did you mean to set '
           'reuse=True or reuse=tf.AUTO_REUSE in VarScope?')


def times_two(g, w):
    with g.name_scope('mul') as scope:
        y = g.constant(2.0, dtype=w.dtype, name='y')
        return g.create_op('Mul', [w, y], name=scope)


class SeedTest(unittest.TestCase):
    def setUp(self):
        self.g = Graft.Graph()
        self.g.set_seed(1)

    def build(self, outer, outer_reuse, inner, inner_reuse):
        g = self.g
        with g.variable_scope(outer, reuse=outer_reuse) as s1, g.variable_scope(inner, reuse=inner_reuse) as s2:
            w = g.get_variable('w1', shape=[1, 2])
            return w, times_two(g, w.get_value()), s1, s2

    def test_five_cases(self):
        w1, p1, test1, test2 = self.build('test1', False, 'test2', None)
        w2, p2, _, _ = self.build('test1', True, 'test2', None)
        w3, p3, _, _ = self.build(test1, None, test2, True)
        self.assertIs(w2, w1)
        self.assertIs(w3, w1)
        self.assertEqual(w1.get_name(), 'test1/test2/w1')
        self.assertEqual(repr(w1), "<graft.Variable 'test1/test2/w1:0' shape=(1, 2) dtype=float32_ref>")
        self.assertEqual([p.get_op_name() for p in (p1, p2, p3)],
                         ['test1/test2/mul', 'test1_1/test2/mul', 'test1_2/test2/mul'])
        for outer, outer_reuse, inner, inner_reuse in ((test1, True, test2, None),
                                                       ('test1', None, 'test2', None)):
            with self.assertRaises(GLib.Error) as caught:
                self.build(outer, outer_reuse, inner, inner_reuse)
            self.assertTrue(caught.exception.matches(Graft.variable_error_quark(),
                                                     Graft.VariableError.ALREADY_EXISTS))
            self.assertEqual(caught.exception.message, MESSAGE)

        sess = Graft.Session(self.g)
        self.assertIsNone(sess.run(self.g.global_variables_initializer()))
        value = sess.run(w1)
        # The graph seed fixes the values: those of examples/seed.c.
        numpy.testing.assert_allclose(value, [[0.88443911, -1.19197083]], rtol=1e-6)
        for product in (p1, p2, p3):
            numpy.testing.assert_allclose(sess.run(product), 2 * value, rtol=1e-6)

    def test_captured_scopes_keep_their_names(self):
        _, _, test1, test2 = self.build('test1', None, 'test2', None)
        self.assertEqual(test1.name, 'test1')
        self.assertEqual(test2.name, 'test1/test2')
        self.assertEqual(test2.original_name_scope, 'test1/test2/')
        self.assertFalse(test1.is_active())
        self.assertFalse(test2.reuse)


class ExampleTest(unittest.TestCase):
    """examples/python/seed.py prints what examples/seed.c prints."""

    def test_output_is_the_c_seed_output(self):
        c_seed = os.environ['GRAFT_TEST_SEED_C']
        script = os.path.join(os.environ['GRAFT_TEST_SOURCE_DIR'], 'examples', 'python', 'seed.py')
        expected = subprocess.run([c_seed], stdout=subprocess.PIPE, check=True, text=True).stdout
        got = subprocess.run([sys.executable, script], stdout=subprocess.PIPE, check=True, text=True).stdout
        self.assertEqual(got, expected)
        self.assertEqual(got.count(MESSAGE), 2)

    def test_mlp_output_is_the_c_mlp_output(self):
        # Same ops in the same order under the same graph seed: the same
        # initial values, hence the same checksums.
        c_mlp = os.environ['GRAFT_TEST_MLP_C']
        script = os.path.join(os.environ['GRAFT_TEST_SOURCE_DIR'], 'examples', 'python', 'mlp.py')
        expected = subprocess.run([c_mlp], stdout=subprocess.PIPE, check=True, text=True).stdout
        got = subprocess.run([sys.executable, script], stdout=subprocess.PIPE, check=True, text=True).stdout
        self.assertEqual(got, expected)


if __name__ == '__main__':
    unittest.main()
