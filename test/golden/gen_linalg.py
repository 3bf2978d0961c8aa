"""Golden values for linear and matmul (see common.py for the format)."""
import torch
import torch.nn.functional as F
from common import case, randn, save, with_grads

cases = []
# linear: x [..., K], weight [N, K], bias [N] or none. Sizes chosen to miss the kernel's tile
# sizes (MR 4/6, NR 8, K unroll 4) and to hit K = 1 and a single element.
linear_shapes = [
    ((1, 1), 1, True), ((7, 5), 13, True), ((33, 17), 65, True), ((5, 1), 9, True),
    ((2, 3, 10), 6, True), ((7,), 3, True), ((6, 8), 16, False), ((64, 100), 40, True), ((3, 300), 11, True),
]
for i, (xs, N, has_bias) in enumerate(linear_shapes):
    K = xs[-1]
    x = randn(*xs, seed=100 + i)
    w = randn(N, K, seed=200 + i) * (1.0 / K ** 0.5)
    inputs = {"x": x, "weight": w}
    names = ["x", "weight"]
    if has_bias:
        inputs["bias"] = randn(N, seed=300 + i)
        names.append("bias")
    fn = (lambda x, weight, bias: F.linear(x, weight, bias)) if has_bias else (lambda x, weight: F.linear(x, weight))
    out, gy, g = with_grads(fn, inputs, names)
    cases.append(case(f"linear x{list(xs)} out={N} bias={has_bias}", "linear", {"bias": has_bias},
                      {**inputs, "gy": gy}, {"y": out}, g))

matmul_shapes = [
    ((1, 1), (1, 1)), ((7, 5), (5, 13)), ((33, 17), (17, 65)), ((6, 1), (1, 9)),
    ((3, 4, 5), (3, 5, 6)), ((2, 3, 4, 5), (5, 7)), ((4, 5), (2, 5, 3)), ((2, 1, 3, 4), (3, 4, 2)),
    ((5,), (5, 3)), ((4, 5), (5,)), ((6,), (6,)), ((2, 3, 4), (4,)),
]
for i, (sa, sb) in enumerate(matmul_shapes):
    a = randn(*sa, seed=400 + i)
    b = randn(*sb, seed=500 + i)
    out, gy, g = with_grads(lambda a, b: torch.matmul(a, b), {"a": a, "b": b}, ["a", "b"])
    cases.append(case(f"matmul {list(sa)} x {list(sb)}", "matmul", {}, {"a": a, "b": b, "gy": gy}, {"y": out}, g))

save("linalg", cases)
