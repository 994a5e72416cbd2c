# test_gradients.py: tf.gradients and gradients written in Python:
# @Graft.RegisterGradient for an op defined in Python, NotDifferentiable,
# TensorFlow's LookupError text, and exceptions raised by a gradient
# function reaching the caller.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy as np  # noqa: E402

tf = Graft.ops
calls = []


def setUpModule():
    sig = '(x: T, scale: float = 1.0) -> (y: T), T in {float32, float64}'
    Graft.register_op('pygrad.Scale', sig, 'x * scale, in Python',
                      lambda kernel, x, scale: np.asarray(x) * scale)
    Graft.register_op('pygrad.Opaque', '(x: T) -> (y: T), T in {float32}', 'x, no gradient',
                      lambda kernel, x: np.asarray(x))
    Graft.register_op('pygrad.Blocked', '(x: T) -> (y: T), T in {float32}', 'x, not differentiable',
                      lambda kernel, x: np.asarray(x))
    Graft.register_op('pygrad.Broken', '(x: T) -> (y: T), T in {float32}', 'x, failing gradient',
                      lambda kernel, x: np.asarray(x))
    tf.refresh()

    @Graft.RegisterGradient('pygrad.Scale')
    def _scale_grad(op, grad):
        calls.append((op.name, op.type))
        return grad * op.get_attr('scale')

    @Graft.RegisterGradient('pygrad.Broken')
    def _broken_grad(op, grad):
        raise ZeroDivisionError('broken on purpose')

    Graft.NotDifferentiable('pygrad.Blocked')


class GradientsTest(unittest.TestCase):
    def setUp(self):
        tf.reset_default_graph()

    def test_python_gradient_of_a_python_op(self):
        x = tf.placeholder(tf.float32, shape=[3], name='x')
        y = getattr(tf, 'pygrad.scale')(x, scale=2.5, name='scaled')
        del calls[:]
        (dx,) = tf.gradients(y, [x])
        self.assertEqual(calls, [('scaled', 'pygrad.Scale')])
        self.assertTrue(dx.get_op_name().startswith('gradients/scaled_grad/'))
        sess = Graft.Session(tf.get_default_graph())
        np.testing.assert_allclose(sess.run(dx, feed_dict={x: [1, 2, 3]}), [2.5, 2.5, 2.5])

    def test_grad_ys_and_unconnected(self):
        x = tf.placeholder(tf.float32, shape=[2], name='x')
        z = tf.placeholder(tf.float32, shape=[2], name='z')
        y = getattr(tf, 'pygrad.scale')(x, scale=3.0)
        dx, dz = tf.gradients(y, [x, z], grad_ys=[[1.0, 10.0]])
        self.assertIsNone(dz)
        sess = Graft.Session(tf.get_default_graph())
        np.testing.assert_allclose(sess.run(dx, feed_dict={x: [0, 0]}), [3.0, 30.0])
        _, dz0 = tf.gradients(y, [x, z], unconnected_gradients='zero')
        np.testing.assert_allclose(sess.run(dz0, feed_dict={z: [5, 6]}), [0.0, 0.0])

    def test_second_call_is_gradients_1(self):
        x = tf.placeholder(tf.float32, shape=[2], name='x')
        y = getattr(tf, 'pygrad.scale')(x, scale=3.0, name='s')
        tf.gradients(y, [x])
        (dx,) = tf.gradients(y, [x])
        self.assertTrue(dx.get_op_name().startswith('gradients_1/s_grad/'), dx.get_op_name())

    def test_op_without_gradient_is_lookup_error(self):
        x = tf.placeholder(tf.float32, shape=[2], name='x')
        y = getattr(tf, 'pygrad.opaque')(x, name='hidden')
        with self.assertRaises(GLib.Error) as cm:
            tf.gradients(y, [x])
        self.assertIn("No gradient defined for operation 'hidden' (op type: pygrad.Opaque)",
                      cm.exception.message)

    def test_not_differentiable_gives_none(self):
        x = tf.placeholder(tf.float32, shape=[2], name='x')
        y = getattr(tf, 'pygrad.blocked')(x)
        self.assertEqual(tf.gradients(y, [x]), [None])

    def test_exception_in_gradient_reaches_the_caller(self):
        x = tf.placeholder(tf.float32, shape=[2], name='x')
        y = getattr(tf, 'pygrad.broken')(x)
        with self.assertRaises(ZeroDivisionError):
            tf.gradients(y, [x])

    def test_registering_twice_is_refused(self):
        with self.assertRaises(GLib.Error) as cm:
            Graft.RegisterGradient('pygrad.Scale')(lambda op, grad: grad)
        self.assertIn("Registering two gradient with name 'pygrad.Scale'", cm.exception.message)


if __name__ == '__main__':
    unittest.main()
