#!/usr/bin/python3
# train_digits.py: the handwritten-digit classifier of examples/train-digits.c
# written as a TensorFlow 1.x user writes it, plus a small convolutional
# net (Conv2D, MaxPool) on the same data.
#
#   train_digits.py [--model mlp|cnn|both] [--epochs N] [--seed S] [--plot FILE]
#                   [PATH-TO-digits.csv.gz]
#
# Prints the loss every epoch and `test accuracy: 0.9xxx` per model; with
# matplotlib installed it saves the loss curves as a PNG and says where.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import gzip
import os
import sys
import tempfile

import gi
gi.require_version('Graft', '1.0')
from gi.repository import Graft  # noqa: E402
import numpy as np  # noqa: E402

tf = Graft.ops
train = Graft.train

DIGITS_PATHS = ['/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz',
                '/usr/share/python3-sklearn/datasets/data/digits.csv.gz']
BATCH = 32


def load_digits(path):
    with gzip.open(path, 'rt') as f:
        rows = np.loadtxt(f, delimiter=',', dtype=np.float32)
    return rows[:, :64] / 16.0, rows[:, 64].astype(np.int32)


def dense(x, n_in, n_out, scope):
    with tf.variable_scope(scope):
        w = tf.get_variable('w', shape=[n_in, n_out], initializer='glorot_uniform')
        b = tf.get_variable('b', shape=[n_out], initializer=Graft.Initializer.new_zeros())
        return tf.nn.bias_add(tf.matmul(x, w), b)


def mlp(x):
    h = tf.nn.relu(dense(x, 64, 64, 'hidden'))
    return dense(h, 64, 10, 'output')


def conv(x, k, c_in, c_out, scope):
    with tf.variable_scope(scope):
        w = tf.get_variable('w', shape=[k, k, c_in, c_out], initializer='glorot_uniform')
        b = tf.get_variable('b', shape=[c_out], initializer=Graft.Initializer.new_zeros())
        y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding='SAME')
        return tf.nn.relu(tf.nn.bias_add(y, b))


def cnn(x):
    images = tf.reshape(x, [-1, 8, 8, 1])
    h = tf.nn.max_pool(conv(images, 3, 1, 16, 'conv1'), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
                       padding='VALID')
    h = tf.nn.max_pool(conv(h, 3, 16, 32, 'conv2'), ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
                       padding='VALID')
    return dense(tf.reshape(h, [-1, 2 * 2 * 32]), 2 * 2 * 32, 10, 'output')


def run_model(name, build, data, epochs, seed):
    (x_train, y_train), (x_test, y_test) = data
    tf.reset_default_graph()
    graph = tf.get_default_graph()
    graph.set_seed(seed)
    x = tf.placeholder(tf.float32, shape=[None, 64], name='x')
    labels = tf.placeholder(tf.int32, shape=[None], name='labels')
    logits = build(x)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    global_step = train.get_or_create_global_step()
    train_op = train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)

    sess = Graft.Session(graph)
    sess.run(tf.global_variables_initializer())
    rng = np.random.RandomState(seed)
    curve = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        losses = []
        for b in range(0, len(order), BATCH):
            idx = order[b:b + BATCH]
            _, value = sess.run([train_op, loss], feed_dict={x: x_train[idx], labels: y_train[idx]})
            losses.append(float(value))
        curve.append(float(np.mean(losses)))
        print('%s epoch %d: loss %.4f' % (name, epoch, curve[-1]), flush=True)
    predicted = np.argmax(sess.run(logits, feed_dict={x: x_test}), axis=1)
    accuracy = float(np.mean(predicted == y_test))
    print('%s test accuracy: %.4f' % (name, accuracy))
    return curve, accuracy


def plot(curves, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('matplotlib is not installed: no loss curve saved')
        return
    fig, ax = plt.subplots()
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, label=name)
    ax.set_xlabel('epoch')
    ax.set_ylabel('mean training loss')
    ax.set_title('Graft: handwritten digits')
    ax.legend()
    fig.savefig(path)
    print('loss curve saved to %s' % path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('path', nargs='?')
    parser.add_argument('--model', choices=['mlp', 'cnn', 'both'], default='both')
    parser.add_argument('--epochs', type=int, default=20)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--plot', default=os.path.join(tempfile.gettempdir(), 'graft-digits-loss.png'))
    args = parser.parse_args()
    path = args.path or next((p for p in DIGITS_PATHS if os.path.exists(p)), None)
    if path is None:
        sys.exit('digits.csv.gz not found; install python3-sklearn or give its path')
    pixels, labels = load_digits(path)
    order = np.random.RandomState(args.seed).permutation(len(labels))
    n_train = len(labels) * 4 // 5
    tr, te = order[:n_train], order[n_train:]
    data = ((pixels[tr], labels[tr]), (pixels[te], labels[te]))

    models = {'mlp': mlp, 'cnn': cnn}
    names = ['mlp', 'cnn'] if args.model == 'both' else [args.model]
    curves, worst = {}, 1.0
    for name in names:
        curves[name], accuracy = run_model(name, models[name], data, args.epochs, args.seed)
        worst = min(worst, accuracy)
    plot(curves, args.plot)
    # A model that did not learn is a failure, for the test suite.
    return 0 if worst >= 0.9 else 1


if __name__ == '__main__':
    sys.exit(main())
