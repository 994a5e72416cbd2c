# test_train.py: Graft.train's optimizers as a TensorFlow 1.x user calls
# them: minimize with a global step, slot names, apply_gradients with
# tensors, TensorFlow's errors.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy as np  # noqa: E402

tf = Graft.ops


class TrainTest(unittest.TestCase):
    def setUp(self):
        self.graph = Graft.Graph()
        self.default = self.graph.as_default()
        self.default.__enter__()

    def tearDown(self):
        self.default.__exit__(None, None, None)

    def variable(self, name, value):
        return tf.get_variable(name, initializer=np.array(value, dtype=np.float64))

    def test_adam_minimize_with_global_step(self):
        w = self.variable('w', [1.0, -2.0])
        step = Graft.train.get_or_create_global_step()
        self.assertIs(Graft.train.get_or_create_global_step(), step)
        opt = Graft.train.AdamOptimizer(0.1)
        train_op = opt.minimize(w.get_output(), global_step=step)
        self.assertEqual(train_op.get_op_name(), 'Adam')
        self.assertEqual(opt.get_slot(w, 'm').get_op_name(), 'w/Adam')
        self.assertEqual(opt.get_slot(w, 'v').get_op_name(), 'w/Adam_1')
        self.assertEqual(sorted(opt.get_slot_names()), ['m', 'v'])
        with Graft.Session(self.graph) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train_op)
            self.assertEqual(int(sess.run(step.get_output())), 3)
            # The gradient is ones: Adam moves each element by about lr per step.
            np.testing.assert_allclose(sess.run(w.get_output()), [1.0 - 0.3, -2.0 - 0.3], atol=1e-3)

    def test_other_optimizers_and_slots(self):
        cases = [
            (lambda: Graft.train.GradientDescentOptimizer(0.5), []),
            (lambda: Graft.train.MomentumOptimizer(0.5, 0.9, use_nesterov=True), ['w{}/Momentum']),
            (lambda: Graft.train.RMSPropOptimizer(0.5, centered=True),
             ['w{}/RMSProp', 'w{}/RMSProp_1', 'w{}/RMSProp_2']),
            (lambda: Graft.train.AdagradOptimizer(0.5), ['w{}/Adagrad']),
        ]
        for i, (make, slots) in enumerate(cases):
            w = self.variable('w%d' % i, [1.0, 2.0])
            opt = make()
            opt.apply_gradients([(tf.constant(np.array([1.0, 1.0])), w)])
            names = [v.get_op_name() for v in self.graph.get_global_variables()]
            for slot in slots:
                self.assertIn(slot.format(i), names)

    def test_gradient_descent_with_a_tensor_learning_rate(self):
        w = self.variable('w', [1.0, 2.0])
        opt = Graft.train.GradientDescentOptimizer(tf.constant(np.float64(0.25)))
        train_op = opt.apply_gradients([(tf.constant(np.array([1.0, -1.0])), w)])
        with Graft.Session(self.graph) as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op)
            np.testing.assert_allclose(sess.run(w.get_output()), [0.75, 2.25])

    def test_no_gradients(self):
        self.variable('w', [1.0, 2.0])
        loss = tf.constant(np.float32(1.0), name='loss')
        with self.assertRaises(GLib.Error) as ctx:
            Graft.train.GradientDescentOptimizer(0.1).minimize(loss)
        self.assertIn('No gradients provided for any variable', str(ctx.exception))


if __name__ == '__main__':
    unittest.main()
