# The CPU peers for bench_gemm: numpy (OpenBLAS from pip) and PyTorch CPU, 2 threads, printed as `name value` lines
# (GFLOP/s for sgemm, GB/s read for the sums). Best of `reps` runs, like the ctgrad side.
#
# numpy must run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: these machines set them, and OpenBLAS then
# picks a slow kernel. bench_gemm starts this script as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE <python> ...`;
# never change those variables in tests or CI.
import sys
import time


def best_seconds(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


sizes = [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [256, 512, 1024, 2048]
rows, cols = (int(s) for s in sys.argv[2].split("x")) if len(sys.argv) > 2 else (8192, 8192)

try:
    import numpy as np
except ImportError:
    np = None
try:
    import torch

    torch.set_num_threads(2)
except ImportError:
    torch = None

for n in sizes:
    reps = 20 if n <= 1024 else 5
    flops = 2.0 * n**3
    if np is not None:
        a = np.random.rand(n, n).astype(np.float32)
        b = np.random.rand(n, n).astype(np.float32)
        print(f"numpy_sgemm_{n} {flops / best_seconds(lambda: a @ b, reps) * 1e-9:.2f}", flush=True)
    if torch is not None:
        ta = torch.rand(n, n)
        tb = torch.rand(n, n)
        print(f"torch_sgemm_{n} {flops / best_seconds(lambda: ta @ tb, reps) * 1e-9:.2f}", flush=True)

nbytes = rows * cols * 4
if np is not None:
    x = np.random.rand(rows, cols).astype(np.float32)
    print(f"numpy_colsum {nbytes / best_seconds(lambda: x.sum(axis=0), 10) * 1e-9:.2f}", flush=True)
    print(f"numpy_rowsum {nbytes / best_seconds(lambda: x.sum(axis=1), 10) * 1e-9:.2f}", flush=True)
if torch is not None:
    tx = torch.rand(rows, cols)
    print(f"torch_colsum {nbytes / best_seconds(lambda: tx.sum(dim=0), 10) * 1e-9:.2f}", flush=True)
    print(f"torch_rowsum {nbytes / best_seconds(lambda: tx.sum(dim=1), 10) * 1e-9:.2f}", flush=True)
