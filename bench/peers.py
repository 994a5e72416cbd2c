#!/usr/bin/python3
"""The peers of bench-mlp: PyTorch on the same MLP, NumPy on the same SGEMMs.

Commands, as bench-mlp's (bench/run.sh alternates the two):

  peers.py info             the BLAS kernels the peers loaded, one line each:
                            "blas_core <library path> <OpenBLAS core>"
  peers.py round [--quick]  "torch_mlp BATCH THREADS us CPU-us" for batch 1,
                            64, 512 and "numpy_sgemm N THREADS GFLOP/s
                            GFLOP/CPU-s" for N = 256, 1024, 4096, each with
                            1 and 2 threads (CPU: processor time, all threads;
                            BENCH_SGEMM_MAX in the environment: the largest N)

Threads are set in-process for each figure: threadpoolctl limits every
BLAS and OpenMP pool loaded (NumPy's and PyTorch's OpenBLAS, PyTorch's
OpenMP) and torch.set_num_threads sets PyTorch's own. A peer that is not
installed prints nothing.
"""
import math
import os
import sys
import time

import numpy as np

try:
    import torch
except ImportError:
    torch = None

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:
    threadpool_info = threadpool_limits = None

DIMS = [784, 256, 256, 10]


def filled(rows, cols, scale):
    i = np.arange(rows * cols, dtype=np.float64)
    return (scale * np.sin(i * 0.37)).astype(np.float32).reshape(rows, cols)


def best_run(fn, reps):
    """The best of `reps` means over enough calls for about 20 ms: wall
    time and processor time (all threads), in seconds per call."""
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    iters = int(min(max(0.02 / max(once, 1e-7), 1), 20000))
    best = best_cpu = math.inf
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        best = min(best, (time.perf_counter() - t0) / iters)
        best_cpu = min(best_cpu, (time.process_time() - c0) / iters)
    return best, best_cpu


def torch_mlp(batch, threads, reps):
    torch.set_num_threads(threads)
    x = torch.from_numpy(filled(batch, 784, 1.0))
    ws = [torch.from_numpy(filled(DIMS[l], DIMS[l + 1], 0.05)) for l in range(3)]
    bs = [torch.from_numpy(filled(1, DIMS[l + 1], 0.01)) for l in range(3)]

    def mlp():
        with torch.no_grad():
            h = x
            for l in range(3):
                h = torch.addmm(bs[l], h, ws[l])
                if l < 2:
                    h = torch.relu(h)
            return h

    t, cpu = best_run(mlp, reps)
    print("torch_mlp %d %d %.2f %.2f" % (batch, threads, t * 1e6, cpu * 1e6), flush=True)


def numpy_sgemm(n, threads, reps):
    a = filled(n, n, 1.0)
    b = filled(n, n, 1.0)
    t, cpu = best_run(lambda: a @ b, reps)
    print("numpy_sgemm %d %d %.2f %.2f" % (n, threads, 2 * n ** 3 / t / 1e9, 2 * n ** 3 / cpu / 1e9), flush=True)


def info():
    if threadpool_info is None:
        print("blas_core threadpoolctl-missing unknown")
        return
    for lib in threadpool_info():
        if lib.get("internal_api") == "openblas":
            print("blas_core %s %s" % (lib["filepath"], lib.get("architecture", "unknown")))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "round"
    quick = "--quick" in sys.argv[2:]
    sgemm_max = int(os.environ.get("BENCH_SGEMM_MAX", "4096"))
    if cmd == "info":
        info()
        return
    for threads in (1, 2):
        # threadpool_limits covers NumPy's and PyTorch's OpenBLAS alike.
        limits = threadpool_limits(limits=threads) if threadpool_limits else None
        if torch is not None:
            for batch in (1, 64, 512):
                torch_mlp(batch, threads, 2 if quick else 5)
        for n in (n for n in (256, 1024, 4096) if n <= sgemm_max):
            numpy_sgemm(n // 4 if quick else n, threads, 2 if quick else (3 if n >= 4096 else 5))
        if limits is not None:
            limits.restore_original_limits()


main()
