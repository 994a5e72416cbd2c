# test_kernel_exceptions.py: exceptions raised by kernels written in
# Python. A BaseException (KeyboardInterrupt, SystemExit from sys.exit())
# fails the run and is raised again in the caller's thread once the run
# returns, instead of being printed and lost, or ending the process in the
# middle of the run; an Exception fails the run with a GLib.Error whose
# __cause__ is the original. Also Session.close() and `with Session`.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys
import threading
import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy  # noqa: E402


class Interrupt(KeyboardInterrupt):
    pass


def interrupting(kernel, x):
    raise Interrupt('stop here')


def exiting(kernel, x):
    sys.exit(3)


def failing(kernel, x):
    raise ValueError('no value for %s' % kernel.get_op_name())


def init_exiting(kernel):
    sys.exit('initializer gives up')


def setUpModule():
    signature = '(x: T) -> (y: T), T in {float32, float64}'
    Graft.register_op('pyexc.Interrupt', signature, 'Raises KeyboardInterrupt', interrupting)
    Graft.register_op('pyexc.Exit', signature, 'Calls sys.exit(3)', exiting)
    Graft.register_op('pyexc.Fail', signature, 'Raises ValueError', failing)
    Graft.register_op('pyexc.Identity', signature, 'Returns x', lambda kernel, x: numpy.asarray(x))
    Graft.register_initializer('pyexc.exit', '() -> (out: T)', 'Calls sys.exit()', init_exiting)


class KernelExceptionTest(unittest.TestCase):
    def graph_with(self, op_type):
        g = Graft.Graph()
        x = g.placeholder('float32', shape=[2], name='x')
        return g, x, g.create_op(op_type, [x], name='y')

    def test_keyboard_interrupt_is_raised_in_the_caller(self):
        g, x, y = self.graph_with('pyexc.Interrupt')
        sess = Graft.Session(g)
        with self.assertRaises(Interrupt) as caught:
            sess.run(y, feed_dict={x: [1, 2]})
        self.assertEqual(str(caught.exception), 'stop here')
        self.assertIsInstance(caught.exception.__cause__, GLib.Error)
        self.assertIn("op 'y'", caught.exception.__cause__.message)
        # The session is still usable afterwards.
        z = g.create_op('pyexc.Identity', [x], name='z')
        numpy.testing.assert_array_equal(sess.run(z, feed_dict={x: [1, 2]}), [1, 2])

    def test_sys_exit_fails_the_run_and_is_raised_after(self):
        g, x, y = self.graph_with('pyexc.Exit')
        sess = Graft.Session(g)
        with self.assertRaises(SystemExit) as caught:
            sess.run(y, feed_dict={x: [1, 2]})
        self.assertEqual(caught.exception.code, 3)

    def test_sys_exit_in_an_initializer_is_raised_by_get_variable(self):
        g = Graft.Graph()
        # Initializers of known shape are evaluated when the variable is
        # made or when the initializer op runs; either way the caller sees
        # SystemExit, not a dead process.
        with self.assertRaises(SystemExit) as caught:
            g.get_variable('v', shape=[2], initializer='pyexc.exit')
            Graft.Session(g).run(g.global_variables_initializer())
        self.assertEqual(caught.exception.code, 'initializer gives up')

    def test_base_exception_from_a_worker_thread_reaches_the_caller(self):
        g, x, y = self.graph_with('pyexc.Interrupt')
        sess = Graft.Session(g)
        raised = []

        def run():
            try:
                sess.run(y, feed_dict={x: [1, 2]})
            except BaseException as exc:  # noqa: B902
                raised.append(exc)
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        self.assertEqual(len(raised), 1)
        self.assertIsInstance(raised[0], Interrupt)

    def test_exception_is_a_kernel_error_caused_by_it(self):
        g, x, y = self.graph_with('pyexc.Fail')
        with self.assertRaises(GLib.Error) as caught:
            Graft.Session(g).run(y, feed_dict={x: [1, 2]})
        error = caught.exception
        self.assertTrue(error.matches(Graft.session_error_quark(), Graft.SessionError.KERNEL))
        self.assertIn('ValueError: no value for y', error.message)
        self.assertIsInstance(error.__cause__, ValueError)


class SessionCloseTest(unittest.TestCase):
    def test_closed_session_refuses_runs(self):
        g = Graft.Graph()
        c = g.constant([1.0, 2.0])
        sess = Graft.Session(g)
        numpy.testing.assert_array_equal(sess.run(c), [1, 2])
        sess.close()
        self.assertTrue(sess.is_closed())
        with self.assertRaises(GLib.Error) as caught:
            sess.run(c)
        self.assertTrue(caught.exception.matches(Graft.session_error_quark(), Graft.SessionError.CLOSED))
        self.assertEqual(caught.exception.message, 'Attempted to use a closed Session.')
        sess.close()  # twice is fine

    def test_with_closes_the_session(self):
        g = Graft.Graph()
        c = g.constant([3.0])
        with Graft.Session(g) as sess:
            numpy.testing.assert_array_equal(sess.run(c), [3])
        self.assertTrue(sess.is_closed())
        with self.assertRaises(GLib.Error):
            sess.run(c)


if __name__ == '__main__':
    unittest.main()
