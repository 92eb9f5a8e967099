#!/usr/bin/env python3
"""Reference values for ctgrad's nn tests, computed by PyTorch (CPU, float32), written to reference.safetensors.

Run with a Python that has torch and safetensors (the C++ tests only read the file):
    python tests/nn/make_reference.py tests/nn/reference.safetensors

Layers: for case C, "C.<name>" are the module's state (torch's init at a fixed seed; norm affines randomized so
they matter), "C.x" the input, "C.w" the loss weights, "C.y" the output and "C.grad.<name>" / "C.grad.x" the
gradients of loss = sum(y * w). Optimizers: for case O, "O.init.<p>" the starting parameters, "O.x"/"O.t" the data
and "O.step<k>.<p>" the parameters after k = 1..5 steps of loss = mean((x @ p1 @ p2 + b - t)^2), lr halved from step 3 on.
LAMB and LARS are tinygrad's definitions (torch has neither); Muon is torch.optim.Muon's algorithm with its
Newton-Schulz iteration in float32 (torch runs that in bfloat16).
"""
import math
import sys

import torch
from safetensors.torch import save_file

torch.manual_seed(1234)
out = {}


def put(key, t):
    out[key] = t.detach().contiguous().clone()


def layer_case(name, module, x, extra=None, train=True, int_input=False):
    module.train(train)
    with torch.no_grad():  # randomize affine parameters left at ones/zeros by torch's init
        for pname, p in module.named_parameters():
            if pname in ("weight", "bias") and isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.LayerNorm,
                                                                    torch.nn.GroupNorm, torch.nn.RMSNorm)):
                p.copy_(torch.randn_like(p) * 0.5 + (1.0 if pname == "weight" else 0.0))
    for k, v in module.state_dict().items():
        put(f"{name}.{k}", v)
    if not int_input:
        x = x.clone().requires_grad_()
    put(f"{name}.x", x)
    y = module(x)
    w = torch.randn_like(y)
    put(f"{name}.w", w)
    put(f"{name}.y", y)
    (y * w).sum().backward()
    if not int_input:
        put(f"{name}.grad.x", x.grad)
    for pname, p in module.named_parameters():
        put(f"{name}.grad.{pname}", p.grad)
    for k, v in module.state_dict().items():  # buffers after the forward (running statistics)
        if k not in dict(module.named_parameters()):
            put(f"{name}.after.{k}", v)


layer_case("linear", torch.nn.Linear(5, 3), torch.randn(2, 5))
layer_case("linear_nobias_3d", torch.nn.Linear(5, 3, bias=False), torch.randn(2, 4, 5))
layer_case("conv2d", torch.nn.Conv2d(2, 4, 3, stride=2, padding=1), torch.randn(2, 2, 7, 7))
layer_case("conv2d_groups", torch.nn.Conv2d(4, 6, 3, dilation=2, groups=2, bias=False), torch.randn(1, 4, 8, 8))
layer_case("conv1d", torch.nn.Conv1d(2, 3, 3, padding=1), torch.randn(2, 2, 6))
layer_case("conv_transpose2d", torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), torch.randn(1, 3, 4, 4))
layer_case("conv_transpose1d", torch.nn.ConvTranspose1d(2, 3, 3, stride=2), torch.randn(2, 2, 5))
layer_case("batchnorm2d", torch.nn.BatchNorm2d(3), torch.randn(4, 3, 5, 5) * 2 + 1)
layer_case("batchnorm1d", torch.nn.BatchNorm1d(3), torch.randn(6, 3) * 3 - 1)
bn_eval = torch.nn.BatchNorm2d(3)
with torch.no_grad():
    bn_eval.running_mean.copy_(torch.randn(3))
    bn_eval.running_var.copy_(torch.rand(3) + 0.5)
    bn_eval.num_batches_tracked.fill_(7)
layer_case("batchnorm2d_eval", bn_eval, torch.randn(2, 3, 4, 4), train=False)
layer_case("layernorm", torch.nn.LayerNorm((4, 5)), torch.randn(2, 3, 4, 5))
layer_case("rmsnorm", torch.nn.RMSNorm(6), torch.randn(3, 6))
layer_case("groupnorm", torch.nn.GroupNorm(2, 4), torch.randn(2, 4, 3, 3))
layer_case("instancenorm", torch.nn.InstanceNorm2d(3), torch.randn(2, 3, 4, 4))
layer_case("embedding", torch.nn.Embedding(7, 4), torch.tensor([[0, 3, 6], [3, 3, 1]], dtype=torch.int32), int_input=True)

# LSTMCell: two outputs, loss = sum(h' * w_h) + sum(c' * w_c)
cell = torch.nn.LSTMCell(3, 4)
for k, v in cell.state_dict().items():
    put(f"lstm.{k}", v)
x, h, c = (torch.randn(2, n).requires_grad_() for n in (3, 4, 4))
h2, c2 = cell(x, (h, c))
wh, wc = torch.randn_like(h2), torch.randn_like(c2)
((h2 * wh).sum() + (c2 * wc).sum()).backward()
for k, v in {"x": x, "h": h, "c": c, "wh": wh, "wc": wc, "h2": h2, "c2": c2, "grad.x": x.grad, "grad.h": h.grad, "grad.c": c.grad}.items():
    put(f"lstm.{k}", v)
for k, p in cell.named_parameters():
    put(f"lstm.grad.{k}", p.grad)


# ---- optimizers ----
def lamb_step(ps, grads, st, lr, b1=0.9, b2=0.999, eps=1e-6, wd=0.0, adam=False):  # tinygrad's LAMB._step
    st["t"] = st.get("t", 0) + 1
    for i, (p, g) in enumerate(zip(ps, grads)):
        m = st.setdefault(f"m{i}", torch.zeros_like(p))
        v = st.setdefault(f"v{i}", torch.zeros_like(p))
        m.mul_(b1).add_((1.0 - b1) * g)
        v.mul_(b2).add_((1.0 - b2) * g * g)
        m_hat = m / (1.0 - b1 ** st["t"])
        v_hat = v / (1.0 - b2 ** st["t"])
        up = m_hat / (v_hat.sqrt() + eps) + wd * p
        if not adam:
            r1, r2 = p.square().sum().sqrt(), up.square().sum().sqrt()
            r = torch.where(r1 > 0, torch.where(r2 > 0, r1 / r2, 1.0), 1.0)
        else:
            r = 1.0
        p.sub_(lr * r * up)


def lars_step(ps, grads, st, lr, momentum=0.9, wd=1e-4, tcoef=0.001):  # tinygrad's LARS._step (classic, pre_wd)
    for i, (p, g) in enumerate(zip(ps, grads)):
        r1, r2 = p.square().sum().sqrt(), g.square().sum().sqrt()
        r = torch.where(r1 > 0, torch.where(r2 > 0, tcoef * r1 / (r2 + wd * r1), 1.0), 1.0)
        g = (g + wd * p) * r * lr
        b = st.setdefault(f"b{i}", torch.zeros_like(p))
        b.mul_(momentum).add_(g)
        p.sub_(b)


def newton_schulz(g, steps=5, eps=1e-7, coef=(3.4445, -4.775, 2.0315)):  # torch's _zeropower_via_newtonschulz, float32
    a, b, c = coef
    x = g.clone()
    tall = g.size(0) > g.size(1)
    if tall:
        x = x.T
    x = x / x.norm().clamp(min=eps)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


def muon_step(ps, grads, st, lr, wd=0.1, momentum=0.95, nesterov=True):  # torch.optim.Muon's step
    for i, (p, g) in enumerate(zip(ps, grads)):
        p.mul_(1 - lr * wd)
        buf = st.setdefault(f"b{i}", torch.zeros_like(p))
        buf.lerp_(g, 1 - momentum)
        u = g.lerp(buf, momentum) if nesterov else buf
        p.sub_(lr * math.sqrt(max(1, p.size(0) / p.size(1))) * newton_schulz(u))


x_opt, t_opt = torch.randn(6, 4), torch.randn(6, 5)
init = {"p1": torch.randn(4, 3) * 0.5, "p2": torch.randn(3, 5) * 0.5, "b": torch.randn(5) * 0.1}


def loss_of(p):
    return ((x_opt @ p["p1"] @ p["p2"] + p["b"] - t_opt) ** 2).mean()


def run(name, make, names=("p1", "p2", "b"), lr=0.01):
    p = {k: v.clone().requires_grad_(k in names) for k, v in init.items()}
    for k, v in init.items():
        put(f"{name}.init.{k}", v)
    step = make([p[k] for k in names])
    for k in range(1, 6):
        cur = lr * (0.5 if k >= 3 else 1.0)
        for q in p.values():
            q.grad = None
        loss_of(p).backward()
        step([p[n] for n in names], cur)
        for n in init:
            put(f"{name}.step{k}.{n}", p[n])


def torch_opt(cls, **kw):
    def make(ps):
        opt = cls(ps, lr=1.0, **kw)

        def step(ps, lr):
            for g in opt.param_groups:
                g["lr"] = lr
            opt.step()
        return step
    return make


def manual(fn, **kw):
    def make(ps):
        st = {}

        def step(ps, lr):
            with torch.no_grad():
                fn(ps, [q.grad for q in ps], st, lr, **kw)
        return step
    return make


put("opt.x", x_opt)
put("opt.t", t_opt)
run("sgd", torch_opt(torch.optim.SGD), lr=0.1)
run("sgd_momentum", torch_opt(torch.optim.SGD, momentum=0.9, weight_decay=0.01), lr=0.1)
run("sgd_nesterov", torch_opt(torch.optim.SGD, momentum=0.9, nesterov=True), lr=0.1)
run("adam", torch_opt(torch.optim.Adam), lr=0.1)
run("adamw", torch_opt(torch.optim.AdamW, weight_decay=0.1), lr=0.1)
run("lamb", manual(lamb_step, wd=0.01), lr=0.1)
run("lars", manual(lars_step), lr=0.1)
run("muon", manual(muon_step), names=("p1", "p2"), lr=0.02)

# A cross-check of the Muon port against torch.optim.Muon itself (bfloat16 Newton-Schulz: only roughly equal).
p_ref = {k: v.clone().requires_grad_(k != "b") for k, v in init.items()}
opt = torch.optim.Muon([p_ref["p1"], p_ref["p2"]], lr=0.02)
for k in range(1, 6):
    for g in opt.param_groups:
        g["lr"] = 0.02 * (0.5 if k >= 3 else 1.0)
    for q in p_ref.values():
        q.grad = None
    loss_of(p_ref).backward()
    opt.step()
diff = max((p_ref[n] - out[f"muon.step5.{n}"]).abs().max().item() for n in ("p1", "p2"))
print(f"muon: float32 port vs torch.optim.Muon (bfloat16) after 5 steps: max |diff| = {diff:.2e}")
assert diff < 2e-2, "the Muon port drifted from torch.optim.Muon"



# A whole model's state dict under torch's names ("model.conv.weight", "model.bn.running_var", ...), evaluated.
class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.nn.functional.max_pool2d(self.bn(self.conv(x)).relu(), 2).flatten(1))


model = TorchNet()
with torch.no_grad():
    model.bn.running_mean.copy_(torch.randn(4) * 0.1)
    model.bn.running_var.copy_(torch.rand(4) + 0.5)
    model.bn.num_batches_tracked.fill_(3)
model.eval()
for k, v in model.state_dict().items():
    put(f"model.{k}", v)
x_model = torch.randn(2, 1, 8, 8)
put("model_io.x", x_model)
with torch.no_grad():
    put("model_io.y", model(x_model))

save_file(out, sys.argv[1] if len(sys.argv) > 1 else "reference.safetensors", metadata={"generator": "tests/nn/make_reference.py"})
print(f"{len(out)} tensors")
