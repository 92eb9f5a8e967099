# The PyTorch peer for bench_gpu: the same work on the same GPU, printed as `name value` lines (seconds or bytes/s).
# Run by bench_gpu through python3; prints nothing when torch or a GPU is missing.
import time

try:
    import torch
except ImportError:
    raise SystemExit(0)
if not torch.cuda.is_available():
    raise SystemExit(0)
torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32 for the comparison
torch.backends.cudnn.allow_tf32 = False


def median_gpu_seconds(fn, reps=20):
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


n = 1 << 28
a = torch.rand(n, device="cuda")
b = torch.rand(n, device="cuda")
out = torch.empty_like(a)
print("copy_bytes_per_s", 2 * 4 * n / median_gpu_seconds(lambda: out.copy_(a)))


def chain(x, y):
    return (x * y + 1).relu() * 0.5 - x


print("torch_eager_chain_s", median_gpu_seconds(lambda: chain(a, b)))
compiled = torch.compile(chain)
print("torch_compile_chain_s", median_gpu_seconds(lambda: compiled(a, b)))
for size in (1024, 2048, 4096):
    m = torch.rand(size, size, device="cuda")
    k = torch.rand(size, size, device="cuda")
    print(f"torch_matmul_{size}_s", median_gpu_seconds(lambda: m @ k))
tiny = torch.rand(16, device="cuda")
print("torch_launch_s", median_gpu_seconds(lambda: tiny * 2, reps=200))
