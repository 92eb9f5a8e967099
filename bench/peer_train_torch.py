#!/usr/bin/env python3
"""The flagship's training loop in PyTorch (the peer of examples/fashion_mnist): tinygrad's beautiful_mnist CNN,
Adam (lr LR with the flagship's cosine decay), batch 512, random batches of Fashion-MNIST from the Debian package's
idx.gz files, on the CPU with the threads given (or on DEVICE=cuda, synchronized before each step's time is taken).
Prints one JSON line: samples/s of the training steps, and the training time (evaluation excluded) at which the test
accuracy, checked every EVAL_EVERY steps, first reached 90%.
usage: peer_train_torch.py STEPS EVAL_EVERY THREADS LR [DEVICE]"""
import gzip, json, math, os, sys, time
import numpy as np
import torch
from torch import nn

ROOT = os.environ.get("CTGRAD_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist") + "/"  # as the flagship
def idx(name, offset):
    with gzip.open(ROOT + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)

def main():
    steps, every, threads, lr = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    dev = sys.argv[5] if len(sys.argv) > 5 else "cpu"
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    xtr = torch.tensor(idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28), dtype=torch.float32, device=dev) / 255
    ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz", 8), dtype=torch.int64, device=dev)
    xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28), dtype=torch.float32, device=dev) / 255
    yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz", 8), dtype=torch.int64, device=dev)
    net = nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.Conv2d(32, 32, 5), nn.ReLU(), nn.BatchNorm2d(32), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.BatchNorm2d(64), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(576, 10)).to(dev)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    def accuracy():
        net.eval()
        with torch.no_grad():
            right = sum((net(xte[i:i + 500]).argmax(1) == yte[i:i + 500]).sum().item() for i in range(0, 10000, 500))
        net.train()
        return right / 10000
    train_s, to_90, acc = 0.0, None, 0.0
    for step in range(1, steps + 1):
        t0 = time.perf_counter()
        for group in opt.param_groups:  # the flagship's cosine decay of the learning rate
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * (step - 1) / steps))
        rows = torch.randint(0, 60000, (512,), device=dev)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(xtr[rows]), ytr[rows])
        loss.backward()
        opt.step()
        sync()
        train_s += time.perf_counter() - t0
        if every and (step % every == 0 or step == steps):
            acc = accuracy()
            print(f"step {step}: test accuracy {100 * acc:.2f}% after {train_s:.1f} s", file=sys.stderr, flush=True)
            if to_90 is None and acc >= 0.9:
                to_90 = {"step": step, "seconds": train_s}
    print(json.dumps({"steps": steps, "samples_per_s": steps * 512 / train_s, "train_s": train_s, "to_90": to_90, "final_accuracy": acc}))

if __name__ == "__main__":
    main()
