"""Shared helpers for the golden-value generators (run with Debian's python3-torch:
/usr/bin/python3 test/golden/gen_<family>.py). Each generator writes test/golden/data/<family>.json,
which is committed, so the tests never need Python.

A file holds {"torch": version, "cases": [case, ...]}; a case is a dict of
  name: str, op: str, params: {...}, inputs: {name: T}, outputs: {name: T}, grads: {name: T}
where T = {"shape": [...], "dtype": "f32"|"i32"|..., "b64": base64 of little-endian C-order bytes}.
Gradients are of sum(output * gy) with gy given as the input "gy" (so any output grad is tested).
"""
import base64
import json
import os
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
DT = {torch.float32: "f32", torch.int32: "i32", torch.int64: "i32", torch.uint8: "u8", torch.int8: "i8"}


def enc(t):
    t = t.detach().contiguous()
    if t.dtype == torch.int64:
        t = t.to(torch.int32)
    if t.dtype == torch.float64:
        t = t.to(torch.float32)
    return {"shape": list(t.shape), "dtype": DT[t.dtype], "b64": base64.b64encode(t.numpy().tobytes()).decode()}


def rand(*shape, seed=0, lo=-1.0, hi=1.0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(tuple(shape), generator=g) * (hi - lo) + lo


def randn(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(tuple(shape), generator=g)


def case(name, op, params, inputs, outputs, grads=None):
    return {
        "name": name,
        "op": op,
        "params": params,
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "outputs": {k: enc(v) for k, v in outputs.items()},
        "grads": {k: enc(v) for k, v in (grads or {}).items()},
    }


def with_grads(fn, inputs, grad_names, seed=123):
    """Runs fn(**inputs) -> tensor; returns (out, gy, {name: grad}) for a random upstream gradient."""
    leaves = {}
    for k, v in inputs.items():
        if k in grad_names:
            v = v.detach().clone().requires_grad_(True)
        leaves[k] = v
    out = fn(**leaves)
    gy = randn(*out.shape, seed=seed)
    (out * gy).sum().backward()
    return out.detach(), gy, {k: leaves[k].grad for k in grad_names}


def save(family, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"{family}.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    print(f"wrote {path}: {len(cases)} cases, {os.path.getsize(path) // 1024} KiB")
