#!/usr/bin/python3
# mlp.py: a two-hidden-layer perceptron built with variable scopes, in
# Python (examples/mlp.c, line for line).
#
# Tower 1 creates layer1/, layer2/ and out/ (weights and biases through
# get_variable) and captures the three scopes. Tower 2 re-enters the
# captured scopes with reuse, so it shares every variable: on the same
# batch it must compute the same output. The graph seed makes the checksum
# the same on every run, and the same as the C example's.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('Graft', '1.0')
from gi.repository import Graft  # noqa: E402
import numpy  # noqa: E402

BATCH, N_IN, N_HIDDEN, N_OUT = 64, 784, 256, 10


def dense(g, x, n_in, n_out, relu):
    """y = act(x . weights + biases), with the variables of the current scope."""
    w = g.get_variable('weights', shape=[n_in, n_out], dtype='float32')
    b = g.get_variable('biases', shape=[n_out], dtype='float32', initializer=Graft.Initializer.new_zeros())
    y = g.create_op('MatMul', [x, w.get_value()])
    y = g.create_op('Add', [y, b.get_value()])
    return g.create_op('Relu', [y]) if relu else y


def tower(g, x, scopes):
    """One tower. With `scopes` empty it opens layer1, layer2 and out by
    name and captures them; otherwise it re-enters the captured objects
    with reuse."""
    names = ('layer1', 'layer2', 'out')
    widths = (N_IN, N_HIDDEN, N_HIDDEN, N_OUT)
    capture = not scopes
    h = x
    for layer, name in enumerate(names):
        with g.variable_scope(name if capture else scopes[layer], reuse=None if capture else True) as scope:
            if capture:
                scopes.append(scope)
            h = dense(g, h, widths[layer], widths[layer + 1], layer < 2)
    return h


def checksum(value):
    weights = numpy.arange(value.size) % 7 + 1
    return float(numpy.sum(value.ravel().astype(numpy.float64) * weights))


def main():
    g = Graft.Graph()
    g.set_seed(2024)
    x = g.placeholder('float32', shape=[None, N_IN], name='x')
    scopes = []
    y1 = tower(g, x, scopes)
    y2 = tower(g, x, scopes)
    n_vars = len(g.get_trainable_variables())
    print('variables: %d (tower 2 reuses tower 1\'s)' % n_vars)

    batch = numpy.sin(numpy.arange(BATCH * N_IN) * 0.001).astype(numpy.float32).reshape(BATCH, N_IN)
    sess = Graft.Session(g)
    sess.run(g.global_variables_initializer())
    out1, out2 = sess.run([y1, y2], feed_dict={x: batch})
    shape = '(%s)' % ', '.join(str(d) for d in out1.shape)
    print('tower 1: output shape %s, checksum %.6f' % (shape, checksum(out1)))
    print('tower 2: output shape %s, checksum %.6f' % (shape, checksum(out2)))
    if n_vars != 6 or not numpy.array_equal(out1, out2):
        print('mlp: the towers do not share their weights', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
