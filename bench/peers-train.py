#!/usr/bin/python3
# peers-train.py: PyTorch's training steps for bench-train's models, the
# same shapes, loss and optimizer (Adam, lr 0.001), on THREADS threads.
#
#   peers-train.py THREADS [ROUNDS]
#
# Prints torch_train_mlp_us, torch_train_cnn_us (medians; *_min_us the
# minimum) and torch_blas (the BLAS kernel OpenBLAS chose, when PyTorch
# reports it), for bench/run.sh.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import statistics
import sys
import time

import torch

BATCH = 64


def time_steps(key, model, x, labels, rounds, steps):
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    per_step = []
    for r in range(rounds + 1):
        t0 = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), labels)
            loss.backward()
            opt.step()
        if r > 0:
            per_step.append((time.perf_counter() - t0) * 1e6 / steps)
    print('%s_us %.1f' % (key, statistics.median(per_step)))
    print('%s_min_us %.1f' % (key, min(per_step)))


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    labels = torch.randint(0, 10, (BATCH,))
    mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                              torch.nn.ReLU(), torch.nn.Linear(256, 10))
    time_steps('torch_train_mlp', mlp, torch.rand(BATCH, 784), labels, rounds, 50)
    # NCHW, PyTorch's native layout; the same arithmetic as Graft's NHWC net.
    cnn = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(32, 64, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 64, 10))
    time_steps('torch_train_cnn', cnn, torch.rand(BATCH, 1, 28, 28), labels, rounds, 5)


if __name__ == '__main__':
    main()
