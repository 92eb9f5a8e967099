# The CPU peers for bench_gemm: numpy (OpenBLAS from pip) and PyTorch CPU, 2 threads. A small server so that
# bench_gemm can interleave peer and ctgrad timings on a shared machine: each input line is a request, each answer
# one number (best seconds of `reps` runs, or -1 when the library is missing):
#   numpy sgemm <n> <reps> | torch sgemm <n> <reps> | numpy colsum|rowsum <rows> <cols> <reps> | torch ...
#
# numpy must run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: these machines set them, and OpenBLAS then
# picks a slow kernel. bench_gemm starts this script as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE <python> ...`;
# never change those variables in tests or CI.
import sys
import time

try:
    import numpy as np
except ImportError:
    np = None
try:
    import torch

    torch.set_num_threads(2)
except ImportError:
    torch = None


def best_seconds(fn, reps):
    fn()
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


inputs = {}


def operands(lib, key, shape):
    if (lib, key) not in inputs:
        if lib == "numpy":
            inputs[(lib, key)] = [np.random.rand(*shape).astype(np.float32) for _ in range(2)]
        else:
            inputs[(lib, key)] = [torch.rand(*shape) for _ in range(2)]
    return inputs[(lib, key)]


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    lib, op = words[0], words[1]
    if (lib == "numpy" and np is None) or (lib == "torch" and torch is None):
        print(-1, flush=True)
        continue
    if op == "sgemm":
        n, reps = int(words[2]), int(words[3])
        a, b = operands(lib, ("sgemm", n), (n, n))
        print(best_seconds(lambda: a @ b, reps), flush=True)
    else:
        rows, cols, reps = int(words[2]), int(words[3]), int(words[4])
        x, _ = operands(lib, ("sum", rows, cols), (rows, cols))
        axis = 0 if op == "colsum" else 1
        fn = (lambda: x.sum(axis=axis)) if lib == "numpy" else (lambda: x.sum(dim=axis))
        print(best_seconds(fn, reps), flush=True)
