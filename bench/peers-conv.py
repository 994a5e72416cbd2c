#!/usr/bin/python3
"""The peer of bench-conv: PyTorch on the same small CNN.

x [64, 1, 28, 28] (PyTorch's own NCHW layout) → conv 5×5×32 (padding 2,
TensorFlow's SAME at stride 1) → max pool 2×2 → conv 5×5×64 → max pool,
float32, weights fixed. "fwd" is the forward pass under no_grad;
"fwdbwd" the forward pass and the backward pass to both filters from a
given gradient of the output, as bench-conv computes. The thread count is
the first argument (torch.set_num_threads). Prints "torch_cnn_fwd_us" and
"torch_cnn_fwdbwd_us"; prints nothing without PyTorch.
"""
import math
import sys
import time

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit(0)

torch.set_num_threads(threads)


def filled(shape, scale):
    n = math.prod(shape)
    i = torch.arange(n, dtype=torch.float64)
    return (scale * torch.sin(i * 0.37)).float().reshape(shape)


def best_of(fn, reps, iters):
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        best = min(best, (time.perf_counter() - t0) / iters)
    return best


x = filled((64, 1, 28, 28), 1.0)
w1 = filled((32, 1, 5, 5), 0.2).requires_grad_()
w2 = filled((64, 32, 5, 5), 0.05).requires_grad_()
dy = filled((64, 64, 7, 7), 0.01)


def net():
    h = F.max_pool2d(F.conv2d(x, w1, padding=2), 2)
    return F.max_pool2d(F.conv2d(h, w2, padding=2), 2)


def forward():
    with torch.no_grad():
        net()


def forward_backward():
    torch.autograd.grad(net(), (w1, w2), dy)


print("torch_cnn_fwd_us %.1f" % (best_of(forward, 5, 5) * 1e6))
print("torch_cnn_fwdbwd_us %.1f" % (best_of(forward_backward, 5, 3) * 1e6))
