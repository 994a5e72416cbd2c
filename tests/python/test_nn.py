# test_nn.py: Graft.ops.nn under TensorFlow 1.15's names and keyword
# arguments - relu, bias_add, log_softmax, l2_loss and the two softmax
# cross-entropy losses - against NumPy, and their errors.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy as np  # noqa: E402

tf = Graft.ops


def log_softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


class NNTest(unittest.TestCase):
    def setUp(self):
        self.graph = Graft.Graph()
        self.default = self.graph.as_default()
        self.default.__enter__()
        rng = np.random.RandomState(7)
        self.logits = rng.uniform(-3, 3, (4, 5))
        self.labels = rng.uniform(0.1, 1, (4, 5))
        self.labels /= self.labels.sum(axis=1, keepdims=True)

    def tearDown(self):
        self.default.__exit__(None, None, None)

    def run_ops(self, *fetches, feed_dict=None):
        with Graft.Session() as sess:
            return sess.run(list(fetches), feed_dict=feed_dict)

    def test_names_exist(self):
        for name in ('relu', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'bias_add', 'l2_loss',
                     'softmax_cross_entropy_with_logits', 'softmax_cross_entropy_with_logits_v2',
                     'sparse_softmax_cross_entropy_with_logits'):
            self.assertTrue(callable(getattr(tf.nn, name)), name)

    def test_activations_and_bias(self):
        x = tf.placeholder(tf.float64, shape=[None, 5], name='x')
        b = tf.constant(np.arange(5.0), name='b')
        biased = tf.nn.bias_add(x, b, name='biased')
        self.assertEqual(biased.name, 'biased:0')
        relu, logsm, l2 = self.run_ops(tf.nn.relu(biased), tf.nn.log_softmax(x), tf.nn.l2_loss(x),
                                       feed_dict={x: self.logits})
        np.testing.assert_allclose(relu, np.maximum(self.logits + np.arange(5.0), 0))
        np.testing.assert_allclose(logsm, log_softmax(self.logits), rtol=1e-12)
        np.testing.assert_allclose(l2, (self.logits ** 2).sum() / 2, rtol=1e-12)

    def test_bias_add_nchw(self):
        value = np.arange(24.0).reshape(2, 3, 2, 2)
        out, = self.run_ops(tf.nn.bias_add(tf.constant(value), tf.constant(np.array([1.0, 2.0, 3.0])), data_format='NCHW'))
        np.testing.assert_allclose(out, value + np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1))

    def test_softmax_cross_entropy_with_logits(self):
        logits = tf.constant(self.logits)
        labels = tf.constant(self.labels)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        self.assertEqual(loss.shape.as_list(), [4])
        got, = self.run_ops(loss)
        np.testing.assert_allclose(got, -(self.labels * log_softmax(self.logits)).sum(axis=1), rtol=1e-12)
        # The raw op gives the backprop too.
        raw = tf.softmax_cross_entropy_with_logits(logits, labels)
        self.assertEqual(len(raw), 2)
        _, back = self.run_ops(*raw)
        np.testing.assert_allclose(back, np.exp(log_softmax(self.logits)) - self.labels, atol=1e-12)

    def test_positional_arguments_are_refused(self):
        with self.assertRaisesRegex(ValueError, 'named arguments'):
            tf.nn.softmax_cross_entropy_with_logits(self.labels, self.logits)
        with self.assertRaisesRegex(ValueError, 'named arguments'):
            tf.nn.sparse_softmax_cross_entropy_with_logits(logits=self.logits)

    def test_sparse_softmax_cross_entropy_with_logits(self):
        logits = tf.placeholder(tf.float32, shape=[None, 5])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 4, 2, 1], logits=logits)
        got, = self.run_ops(loss, feed_dict={logits: self.logits.astype(np.float32)})
        want = -log_softmax(self.logits)[np.arange(4), [0, 4, 2, 1]]
        np.testing.assert_allclose(got, want, rtol=1e-5)
        self.assertEqual(got.dtype, np.float32)

    def test_sparse_label_out_of_range(self):
        labels = tf.placeholder(tf.int64, shape=[None])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=tf.constant(self.logits))
        with self.assertRaises(GLib.Error) as raised:
            self.run_ops(loss, feed_dict={labels: np.array([1, 5, 0, 2])})
        self.assertIn('Received a label value of 5 which is outside the valid range of [0, 5).  '
                      'Label values: 1 5 0 2', str(raised.exception))


if __name__ == '__main__':
    unittest.main()
