"""Golden values for elementwise ops and reductions (see common.py for the format)."""
import torch
import torch.nn.functional as F
from common import case, rand, randn, save, with_grads

cases = []
unary = {
    "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "exp": torch.exp,
    "neg": torch.neg, "abs": torch.abs, "gelu": F.gelu, "silu": F.silu, "square": torch.square,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "hardsigmoid": F.hardsigmoid, "hardswish": F.hardswish,
}
for name, fn in unary.items():
    x = randn(3, 5, 7, seed=1) * 3
    out, gy, g = with_grads(lambda x: fn(x), {"x": x}, ["x"])
    cases.append(case(f"{name} [3,5,7]", name, {}, {"x": x, "gy": gy}, {"y": out}, g))
# the kinks (where PyTorch picks a one-sided derivative), signed zeros and NaN
kinks = torch.tensor([-4.0, -3.0, -2.5, -0.0, 0.0, 1.0, 2.5, 3.0, 4.0, float("nan")])
for name in ["relu", "hardsigmoid", "hardswish"]:
    out, gy, g = with_grads(lambda x: unary[name](x), {"x": kinks.clone()}, ["x"])
    cases.append(case(f"{name} at kinks, signed zeros and NaN", name, {}, {"x": kinks, "gy": gy}, {"y": out}, g))
for name, fn in {"log": torch.log, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "reciprocal": torch.reciprocal}.items():
    x = rand(4, 9, seed=2, lo=0.2, hi=3.0)
    out, gy, g = with_grads(lambda x: fn(x), {"x": x}, ["x"])
    cases.append(case(f"{name} [4,9]", name, {}, {"x": x, "gy": gy}, {"y": out}, g))

binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
          "maximum": torch.maximum, "minimum": torch.minimum}
shapes = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4, 5, 6), (1, 3, 1, 1, 1)), ((5, 1, 7), (6, 1)), ((3, 1), (1, 4)), ((7,), ())]
for name, fn in binary.items():
    for i, (sa, sb) in enumerate(shapes):
        a = randn(*sa, seed=10 + i)
        b = rand(*sb, seed=20 + i, lo=0.5, hi=2.0) if name == "div" else randn(*sb, seed=20 + i)
        out, gy, g = with_grads(lambda a, b: fn(a, b), {"a": a, "b": b}, ["a", "b"])
        cases.append(case(f"{name} {list(sa)} {list(sb)}", name, {}, {"a": a, "b": b, "gy": gy}, {"y": out}, g))

for dims, keep in [(None, False), ([1], False), ([0, 2], True), ([-1], False), ([1, 2, 3], False)]:
    x = randn(2, 3, 4, 5, seed=30)
    for name, fn in {"sum": torch.sum, "mean": torch.mean}.items():
        f = (lambda x: fn(x)) if dims is None else (lambda x: fn(x, dim=dims, keepdim=keep))
        out, gy, g = with_grads(f, {"x": x}, ["x"])
        cases.append(case(f"{name} dims={dims} keepdim={keep}", name, {"dim": dims, "keepdim": keep}, {"x": x, "gy": gy}, {"y": out}, g))
x = randn(3, 6, 5, seed=31)
out, gy, g = with_grads(lambda x: torch.max(x, dim=1).values, {"x": x}, ["x"])
cases.append(case("max dim=1", "max", {"dim": 1}, {"x": x, "gy": gy}, {"y": out, "indices": torch.max(x, dim=1).indices}, g))
save("elementwise", cases)
