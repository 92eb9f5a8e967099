# The PyTorch CPU peer for bench_conv: the flagship CNN's convolutions (tinygrad's beautiful_mnist), forward and
# backward, same threads. A small server so that bench_conv can interleave peer and ctgrad timings on a shared
# machine: each input line is a request, each answer one number (median seconds of `reps` runs, -1 without torch):
#   conv fwd|bwd <batch> <cin> <size> <cout> <k> <input_grad 0|1> <reps>
# bwd computes the weight gradient, and the input gradient when input_grad is 1 (the first layer's input is data).
import statistics
import sys
import time

try:
    import torch

    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
except ImportError:
    torch = None


def median_seconds(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if torch is None:
        print(-1, flush=True)
        continue
    direction = words[1]
    b, cin, size, cout, k, input_grad, reps = map(int, words[2:9])
    x = torch.randn(b, cin, size, size, requires_grad=bool(input_grad))
    w = (torch.randn(cout, cin, k, k) * 0.1).requires_grad_()
    g = torch.randn(b, cout, size - k + 1, size - k + 1)
    if direction == "fwd":
        def run():
            with torch.no_grad():
                torch.nn.functional.conv2d(x, w)
    else:
        wanted = [x, w] if input_grad else [w]

        def run():
            torch.autograd.grad(torch.nn.functional.conv2d(x, w), wanted, g)
    print(median_seconds(run, reps), flush=True)
