#!/usr/bin/python3
"""The peers of bench-mlp: NumPy and PyTorch on the same MLP and SGEMM.

Run by bench/run.sh with OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set to
the thread count, which is also given as argument (PyTorch gets it through
torch.set_num_threads). Prints "<peer>_mlp_us" and "<peer>_sgemm_gflops"
lines; a peer that is not installed prints nothing.
"""
import math
import sys
import time

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
dims = [784, 256, 256, 10]


def filled(rows, cols, scale, np):
    i = np.arange(rows * cols, dtype=np.float64)
    return (scale * np.sin(i * 0.37)).astype(np.float32).reshape(rows, cols)


def best_of(fn, reps, iters):
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        best = min(best, (time.perf_counter() - t0) / iters)
    return best


try:
    import numpy as np
except ImportError:
    np = None

if np is not None:
    x = filled(64, 784, 1.0, np)
    ws = [filled(dims[l], dims[l + 1], 0.05, np) for l in range(3)]
    bs = [filled(1, dims[l + 1], 0.01, np) for l in range(3)]

    def mlp():
        h = x
        for l in range(3):
            h = h @ ws[l] + bs[l]
            if l < 2:
                h = np.maximum(h, 0)
        return h

    print("numpy_mlp_us %.2f" % (best_of(mlp, 7, 200) * 1e6))
    a = filled(1024, 1024, 1.0, np)
    b = filled(1024, 1024, 1.0, np)
    t = best_of(lambda: a @ b, 5, 1)
    print("numpy_sgemm_gflops %.2f" % (2 * 1024 ** 3 / t / 1e9))

try:
    import torch
except ImportError:
    torch = None

if torch is not None and np is not None:
    torch.set_num_threads(threads)
    tx = torch.from_numpy(filled(64, 784, 1.0, np))
    tws = [torch.from_numpy(filled(dims[l], dims[l + 1], 0.05, np)) for l in range(3)]
    tbs = [torch.from_numpy(filled(1, dims[l + 1], 0.01, np)) for l in range(3)]

    def tmlp():
        with torch.no_grad():
            h = tx
            for l in range(3):
                h = torch.addmm(tbs[l], h, tws[l])
                if l < 2:
                    h = torch.relu(h)
            return h

    print("torch_mlp_us %.2f" % (best_of(tmlp, 7, 200) * 1e6))
    ta = torch.from_numpy(filled(1024, 1024, 1.0, np))
    tb = torch.from_numpy(filled(1024, 1024, 1.0, np))
    t = best_of(lambda: ta @ tb, 5, 1)
    print("torch_sgemm_gflops %.2f" % (2 * 1024 ** 3 / t / 1e9))
