#!/usr/bin/python3
# seed.py: the question Graft was built from, in Python.
#
# Five cases in one graph, in order. Each opens two nested variable scopes,
# by name or by a captured scope object, with or without reuse, asks for w1
# of shape [1, 2], and multiplies it by 2. A scope reopened by name inherits
# reuse from the enclosing scope; one reopened by object takes the object's
# own. So cases 1-3 share test1/test2/w1 and cases 4 and 5 fail with
# TensorFlow's "already exists" error. The output is examples/seed.c's.
#
# Run from a build tree: meson devenv -C build -w . /usr/bin/python3 examples/python/seed.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402


def times_two(g, w):
    """w * 2, named as TensorFlow names it: the constant is mul/y."""
    with g.name_scope('mul') as scope:
        y = g.constant(2.0, dtype=w.dtype, name='y')
        return g.create_op('Mul', [w, y], name=scope)


def main():
    g = Graft.Graph()
    # A graph-level seed makes the initial values the same on every run.
    g.set_seed(1)
    outcomes = []

    # Case 1: both scopes by name, capturing the scope objects.
    with g.variable_scope('test1', reuse=False) as test1:
        with g.variable_scope('test2') as test2:
            w1 = g.get_variable('w1', shape=[1, 2])
            outcomes.append((w1, times_two(g, w1.get_value())))

    def case(outer, outer_reuse, inner, inner_reuse):
        try:
            with g.variable_scope(outer, reuse=outer_reuse):
                with g.variable_scope(inner, reuse=inner_reuse):
                    w = g.get_variable('w1', shape=[1, 2])
                    return (w, times_two(g, w.get_value()))
        except GLib.Error as error:
            return error

    # Case 2: test1 by name with reuse; test2 by name inherits it.
    outcomes.append(case('test1', True, 'test2', None))
    # Case 3: both by object; test2 is re-entered with reuse.
    outcomes.append(case(test1, None, test2, True))
    # Case 4: both by object, reuse on test1 only: test2 takes the captured
    # object's own reuse, False, so w1 already exists.
    outcomes.append(case(test1, True, test2, None))
    # Case 5: both by name, no reuse anywhere.
    outcomes.append(case('test1', None, 'test2', None))

    sess = Graft.Session(g)
    sess.run(g.global_variables_initializer())

    failures = 0
    for label, outcome in enumerate(outcomes, start=1):
        if isinstance(outcome, GLib.Error):
            print('case %d: %s' % (label, outcome.message))
            # Cases 4 and 5 are meant to fail this way; nothing else is.
            if label <= 3 or not outcome.matches(Graft.variable_error_quark(),
                                                 Graft.VariableError.ALREADY_EXISTS):
                failures += 1
            continue
        w, product = outcome
        value = sess.run(w)
        print("case %d: %s %r (%s case 1's), %s" % (
            label, value, w,
            'same as' if w is outcomes[0][0] else 'not', product.get_op_name()))
        if label > 3 or w is not outcomes[0][0]:
            failures += 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
