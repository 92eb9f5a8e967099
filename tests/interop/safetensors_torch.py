"""safetensors interop with Python's safetensors+torch, both ways.

Usage: safetensors_torch.py <safetensors_interop binary> <work dir>
torch writes a file that the C++ side checks, then the C++ side writes one that torch checks. The values come from
the same formulas on both sides (safetensors_interop.cpp). Exits 77 (Meson's "skipped") when torch or safetensors
is missing, saying so.
"""
import os
import subprocess
import sys

try:
    import torch
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file
except ImportError as e:
    print(f"SKIP: {sys.executable} lacks torch or safetensors ({e}); set CTGRAD_PYTHON to a python that has both")
    sys.exit(77)

NUMEL = 24  # shape (2, 3, 4)
DTYPES = {"BOOL": torch.bool, "I8": torch.int8, "I16": torch.int16, "I32": torch.int32, "I64": torch.int64,
          "U8": torch.uint8, "U16": torch.uint16, "U32": torch.uint32, "U64": torch.uint64, "F16": torch.float16,
          "BF16": torch.bfloat16, "F32": torch.float32, "F64": torch.float64}


def formula(name, dtype):
    i = torch.arange(NUMEL, dtype=torch.int64)
    if dtype == torch.bool:
        v = i % 3 == 0
    elif dtype.is_floating_point:
        v = ((i - 7).double() * 0.375).float()  # through float32, as ctgrad rounds f16/bf16 from float
    elif dtype.is_signed:
        v = (i * 37) % 101 - 50
    else:
        v = (i * 37) % 251
    return v.to(dtype).reshape(2, 3, 4)


def expected():
    sd = {name: formula(name, dt) for name, dt in DTYPES.items()}
    special = torch.tensor([1 / 3, 65504.0, -0.0, 2.0 ** -24, float("inf"), 1e-3, -3.14159], dtype=torch.float32)
    sd["special_F16"] = special.to(torch.float16)
    sd["special_BF16"] = special.to(torch.bfloat16)
    sd["big_I64"] = torch.tensor([-(2 ** 62), 2 ** 62 + 1, -1], dtype=torch.int64)
    sd["empty_F32"] = torch.zeros(0, 3, dtype=torch.float32)
    sd["scalar_F64"] = torch.tensor(2.5, dtype=torch.float64)
    return sd


def bits(t):
    """The tensor's raw bytes, so -0.0 and the rounding of 16-bit floats compare exactly."""
    return t.reshape(-1).contiguous().view(torch.uint8).tolist()


def check_cpp_file(path):
    got = load_file(path)  # the reference loader validates the file's layout itself
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    want = expected()
    bad = []
    if meta != {"producer": "ctgrad"}:
        bad.append(f"metadata {meta}")
    if sorted(got) != sorted(want):
        bad.append(f"names {sorted(got)}")
    for name, w in want.items():
        g = got.get(name)
        if g is None or g.dtype != w.dtype or g.shape != w.shape or bits(g) != bits(w):
            bad.append(f"{name}: got {None if g is None else (g.dtype, tuple(g.shape))}, want {(w.dtype, tuple(w.shape))}")
    print(f"torch read {len(got)} tensors written by ctgrad: " + ("MISMATCH " + "; ".join(bad) if bad else "all equal"))
    return not bad


def main():
    tool, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    py_file, cpp_file = os.path.join(work, "from_torch.safetensors"), os.path.join(work, "from_ctgrad.safetensors")
    save_file(expected(), py_file, metadata={"producer": "torch"})
    ok = subprocess.run([tool, "check", py_file]).returncode == 0
    ok = subprocess.run([tool, "write", cpp_file]).returncode == 0 and ok
    ok = check_cpp_file(cpp_file) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
