# The PyTorch CPU peer for bench_autograd: forward+backward of the same MLP (784-512-512-10, batch 256, MSE loss) with
# the same thread count, printed as `name value` lines. Prints nothing when torch is missing.
import sys
import time

try:
    import torch
except ImportError:
    raise SystemExit(0)

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
w1 = (torch.randn(784, 512) * 0.05).requires_grad_()
b1 = torch.zeros(512, requires_grad=True)
w2 = (torch.randn(512, 512) * 0.05).requires_grad_()
b2 = torch.zeros(512, requires_grad=True)
w3 = (torch.randn(512, 10) * 0.05).requires_grad_()
b3 = torch.zeros(10, requires_grad=True)
params = [w1, b1, w2, b2, w3, b3]
x = torch.randn(256, 784)
y = torch.randn(256, 10)


def step():
    for p in params:
        p.grad = None
    out = ((x @ w1 + b1).relu() @ w2 + b2).relu() @ w3 + b3
    loss = ((out - y) ** 2).mean()
    loss.backward()
    return loss


for _ in range(3):
    step()
times = []
for _ in range(20):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
print("torch_step_s", sorted(times)[len(times) // 2])
