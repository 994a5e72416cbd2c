# test_threads.py: sessions run from several Python threads at once give
# what sequential runs give; PyGObject releases the GIL while Graft runs.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import threading
import time
import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import Graft  # noqa: E402
import numpy  # noqa: E402

N_THREADS = 4
N_RUNS = 25


def model():
    g = Graft.Graph()
    g.set_seed(7)
    x = g.placeholder('float32', shape=[None, 32], name='x')
    with g.variable_scope('dense'):
        w = g.get_variable('w', shape=[32, 32])
        b = g.get_variable('b', shape=[32], initializer='ones')
    h = g.create_op('Relu', [g.create_op('Add', [g.create_op('MatMul', [x, w.get_value()]), b.get_value()])])
    y = g.create_op('MatMul', [h, w.get_value()])
    return g, x, y


class ThreadTest(unittest.TestCase):
    def test_concurrent_runs_equal_sequential_ones(self):
        g, x, y = model()
        sess = Graft.Session(g)
        sess.run(g.global_variables_initializer())
        feeds = [numpy.random.default_rng(i).standard_normal((8, 32)).astype(numpy.float32)
                 for i in range(N_THREADS * N_RUNS)]
        expected = [sess.run(y, feed_dict={x: f}) for f in feeds]
        got = [None] * len(feeds)
        errors = []

        def worker(start):
            try:
                for i in range(start, len(feeds), N_THREADS):
                    got[i] = sess.run(y, feed_dict={x: feeds[i]})
            except Exception as exc:  # reported below, on the main thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(t,)) for t in range(N_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        for e, r in zip(expected, got):
            numpy.testing.assert_array_equal(r, e)

    def test_threads_share_variables_through_auto_reuse(self):
        g = Graft.Graph()
        found = []
        barrier = threading.Barrier(N_THREADS)

        def worker():
            barrier.wait()
            # Each thread starts at the root scope (TensorFlow >= 1.10).
            with g.variable_scope('shared', reuse=Graft.AUTO_REUSE):
                found.append(g.get_variable('v', shape=[4]))

        threads = [threading.Thread(target=worker) for _ in range(N_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(found), N_THREADS)
        self.assertTrue(all(v is found[0] for v in found))
        self.assertEqual(found[0].get_name(), 'shared/v')
        self.assertEqual(len(g.get_global_variables()), 1)

    def test_the_gil_is_released_during_a_run(self):
        # A long run on the main thread while another Python thread counts:
        # with the GIL held through the call the counter would stand still
        # for all but a switch interval or two (5 ms each).
        g = Graft.Graph()
        g.set_seed(1)
        w = g.get_variable('w', shape=[400, 400])
        y = w.get_value()
        for _ in range(10):
            y = g.create_op('MatMul', [y, w.get_value()])
        sess = Graft.Session(g)
        sess.set_num_threads(1)
        sess.run(g.global_variables_initializer())
        start = time.perf_counter()
        sess.run(y)
        one_run = time.perf_counter() - start
        runs = max(1, int(0.3 / max(one_run, 1e-4)))

        count = [0]
        stop = threading.Event()

        def spin():
            while not stop.is_set():
                count[0] += 1

        spinner = threading.Thread(target=spin)
        spinner.start()
        try:
            time.sleep(0.05)
            # The spinner's rate alone (the main thread sleeps).
            c0, t0 = count[0], time.perf_counter()
            time.sleep(0.1)
            alone = (count[0] - c0) / (time.perf_counter() - t0)
            c0, t0 = count[0], time.perf_counter()
            for _ in range(runs):
                sess.run(y, as_tensors=True)
            during = (count[0] - c0) / (time.perf_counter() - t0)
        finally:
            stop.set()
            spinner.join()
        self.assertGreater(during, 0.25 * alone,
                           'the spinner made %.0f steps/s during runs, %.0f alone' % (during, alone))


if __name__ == '__main__':
    unittest.main()
