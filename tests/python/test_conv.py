# test_conv.py: the convolution and pooling ops as a TensorFlow 1.x user
# writes them (tf.nn.conv2d, max_pool, avg_pool through Graft.ops), and
# their gradients through tf.gradients, against NumPy.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import Graft  # noqa: E402
import numpy as np  # noqa: E402

tf = Graft.ops


def conv_same(x, w):
    """NHWC x, HWIO w, stride 1, SAME (odd windows: symmetric padding)."""
    kr, kc = w.shape[:2]
    xp = np.pad(x, ((0, 0), (kr // 2, kr // 2), (kc // 2, kc // 2), (0, 0)))
    out = np.zeros(x.shape[:3] + (w.shape[3],))
    for i in range(x.shape[1]):
        for j in range(x.shape[2]):
            out[:, i, j, :] = np.tensordot(xp[:, i:i + kr, j:j + kc, :], w, axes=3)
    return out, xp


class ConvTest(unittest.TestCase):
    def setUp(self):
        tf.reset_default_graph()
        rng = np.random.RandomState(7)
        self.x = rng.uniform(-1, 1, (2, 6, 6, 3))
        self.w = rng.uniform(-1, 1, (3, 3, 3, 4))

    def test_forward_and_pools(self):
        x = tf.placeholder(tf.float64, shape=[None, 6, 6, 3], name='x')
        w = tf.placeholder(tf.float64, shape=[3, 3, 3, 4], name='w')
        c = tf.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')
        m = tf.max_pool(c, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='VALID')
        a = tf.avg_pool(c, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='VALID')
        self.assertEqual(c.get_op_name(), 'Conv2D')
        sess = Graft.Session(tf.get_default_graph())
        rc, rm, ra = sess.run([c, m, a], feed_dict={x: self.x, w: self.w})
        want, _ = conv_same(self.x, self.w)
        np.testing.assert_allclose(rc, want, rtol=1e-12, atol=1e-12)
        blocks = want.reshape(2, 3, 2, 3, 2, 4)
        np.testing.assert_allclose(rm, blocks.max(axis=(2, 4)), rtol=1e-12)
        np.testing.assert_allclose(ra, blocks.mean(axis=(2, 4)), rtol=1e-12)

    def test_gradients(self):
        x = tf.placeholder(tf.float64, shape=[None, 6, 6, 3], name='x')
        w = tf.placeholder(tf.float64, shape=[3, 3, 3, 4], name='w')
        dy = tf.placeholder(tf.float64, shape=[None, 6, 6, 4], name='dy')
        c = tf.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')
        dx, dw = tf.gradients(c, [x, w], grad_ys=dy)
        self.assertEqual(dx.get_op_name(), 'gradients/Conv2D_grad/Conv2DBackpropInput')
        self.assertEqual(dw.get_op_name(), 'gradients/Conv2D_grad/Conv2DBackpropFilter')
        g = np.random.RandomState(8).uniform(-1, 1, (2, 6, 6, 4))
        sess = Graft.Session(tf.get_default_graph())
        rdx, rdw = sess.run([dx, dw], feed_dict={x: self.x, w: self.w, dy: g})
        # The filter's gradient: each tap's patches against dy; the input's:
        # dy spread back through the filter (the padded input's gradient,
        # cropped).
        _, xp = conv_same(self.x, self.w)
        want_dw = np.zeros_like(self.w)
        dxp = np.zeros_like(xp)
        for i in range(6):
            for j in range(6):
                want_dw += np.einsum('bhwc,bo->hwco', xp[:, i:i + 3, j:j + 3, :], g[:, i, j, :])
                dxp[:, i:i + 3, j:j + 3, :] += np.einsum('hwco,bo->bhwc', self.w, g[:, i, j, :])
        np.testing.assert_allclose(rdw, want_dw, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(rdx, dxp[:, 1:7, 1:7, :], rtol=1e-12, atol=1e-12)


if __name__ == '__main__':
    unittest.main()
