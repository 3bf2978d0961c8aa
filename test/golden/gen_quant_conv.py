"""Golden values for the int8 convolutions and elementwise ops of ts/runtime/ops/quant_conv.ts
(see common.py for the format), for the conv kinds the efficient X3D uses: pointwise, depthwise
3x3x3 (stride 1 and spatial stride 2), depthwise 5x1x1 and dense 3x1x1 (temporal), the stem's
1x3x3 stride-2 conv, and the residual projection (1x1x1, spatial stride 2).

y is the exact reference of native/kernels/qs8.h's formula (weights per output channel,
max|w| / 127; int32 bias rint(b / f32(inputScale * wScale)); exact integer accumulation computed
here in float64; requantisation in f32, half to even). PyTorch's own quantized conv3d on the
qnnpack engine (uint8 activations shifted by 128: the same real values) is run on every case and
must give exactly y (asserted; with torch 1.13 it does, 0 of 33768 outputs differ), so y is
PyTorch's output too.
hardswish (a lookup table here) and add (+ ReLU) are compared with PyTorch's quantized ops the
same way.
"""
import numpy as np
import torch
import torch.ao.nn.quantized.functional as qF
from common import case, randn, save

f32 = np.float32
torch.backends.quantized.engine = "qnnpack"
cases = []
stats = {"conv": [0, 0, 0], "hardswish": [0, 0, 0], "add": [0, 0, 0]}  # [outputs, differ, max |diff|]


def to_u8(q):
    return (q.int_repr().to(torch.int16) + 128).to(torch.uint8)


def note(kind, ours, theirs):
    d = np.abs(ours.astype(np.int32) - theirs.astype(np.int32))
    s = stats[kind]
    s[0] += d.size
    s[1] += int((d != 0).sum())
    s[2] = max(s[2], int(d.max(initial=0)))


CONVS = [  # name, x shape, Cout, kernel, stride, padding, groups, relu
    ("pointwise", (2, 24, 3, 5, 6), 54, (1, 1, 1), (1, 1, 1), (0, 0, 0), 1, True),
    ("depthwise 3x3x3", (1, 54, 4, 7, 6), 54, (3, 3, 3), (1, 1, 1), (1, 1, 1), 54, False),
    ("depthwise 3x3x3 stride (1, 2, 2)", (2, 24, 3, 9, 8), 24, (3, 3, 3), (1, 2, 2), (1, 1, 1), 24, False),
    ("depthwise 5x1x1 (stem)", (1, 24, 6, 5, 5), 24, (5, 1, 1), (1, 1, 1), (2, 0, 0), 24, True),
    ("temporal 3x1x1", (1, 16, 5, 4, 3), 20, (3, 1, 1), (1, 1, 1), (1, 0, 0), 1, True),
    ("stem 1x3x3 stride (1, 2, 2)", (2, 3, 4, 11, 10), 24, (1, 3, 3), (1, 2, 2), (0, 1, 1), 1, False),
    ("res_proj 1x1x1 stride (1, 2, 2)", (1, 24, 2, 7, 8), 48, (1, 1, 1), (1, 2, 2), (0, 0, 0), 1, False),
]
for i, (name, xs, cout, k, stride, pad, groups, relu) in enumerate(CONVS):
    seed = 300 + i
    g = torch.Generator().manual_seed(seed)
    x = randn(*xs, seed=seed) * 1.5 + 0.3
    w = randn(cout, xs[1] // groups, *k, seed=seed + 1) * (torch.rand(cout, 1, 1, 1, 1, generator=g) + 0.2) * 0.3
    b = randn(cout, seed=seed + 2) * 0.5
    iscale, za = float(f32(torch.rand(1, generator=g).item() * 0.02 + 0.01)), int(torch.randint(-40, 40, (1,), generator=g))
    oscale, yz = float(f32(torch.rand(1, generator=g).item() * 0.05 + 0.02)), int(torch.randint(-30, 30, (1,), generator=g))
    qmin = yz if relu else -128
    xq = torch.quantize_per_tensor(x, iscale, za, torch.qint8)
    ws = np.maximum((w.abs().flatten(1).amax(1).numpy().astype(f32) / f32(127)).astype(f32), f32(np.finfo(f32).eps))
    wq = torch.quantize_per_channel(w, torch.from_numpy(ws).double(), torch.zeros(cout, dtype=torch.long), 0, torch.qint8)
    sw = (f32(iscale) * ws).astype(f32)
    bq = np.rint(b.numpy().astype(np.float64) / sw.astype(np.float64)).astype(np.int64)
    acc = torch.nn.functional.conv3d((xq.int_repr().double() - za), wq.int_repr().double(), None, stride, pad, 1, groups)
    acc = acc.numpy().astype(np.int64) + bq.reshape(1, -1, 1, 1, 1)
    assert np.abs(acc).max() < 2**31
    mult = (sw / f32(oscale)).astype(f32).reshape(1, -1, 1, 1, 1)
    f = np.clip((acc.astype(f32) * mult).astype(f32), f32(qmin - yz), f32(127 - yz))
    y = (np.rint(f).astype(np.int64) + yz).astype(np.int8)
    xu = torch._make_per_tensor_quantized_tensor(to_u8(xq), iscale, za + 128)
    yt = qF.conv3d(xu, wq, b, stride=stride, padding=pad, groups=groups, scale=oscale, zero_point=yz + 128)
    yt = (yt.int_repr().to(torch.int16) - 128).numpy()
    if relu:
        yt = np.maximum(yt, qmin)
    note("conv", y, yt.astype(np.int8))
    cases.append(case(f"qconv3d {name}{' relu' if relu else ''}", "qconv3d",
                      {"stride": list(stride), "padding": list(pad), "groups": groups, "inputScale": iscale, "inputZeroPoint": za,
                       "outputScale": oscale, "outputZeroPoint": yz, "qmin": qmin},
                      {"w": w, "b": b, "xq": xq.int_repr(), "ws": torch.from_numpy(ws)}, {"y": torch.from_numpy(y)}))

# hardswish on int8: PyTorch's quantized hardswish (dequantise, hardswish, quantise)
for i, (iscale, za, oscale, yz) in enumerate([(0.05, -10, 0.03, -80), (0.1, 20, 0.04, -100)]):
    q = torch.arange(-128, 128, dtype=torch.int16).to(torch.int8)
    xu = torch._make_per_tensor_quantized_tensor((q.to(torch.int16) + 128).to(torch.uint8), iscale, za + 128)
    yt = (qF.hardswish(xu, oscale, yz + 128).int_repr().to(torch.int16) - 128).to(torch.int8)
    cases.append(case(f"lut hardswish {i}", "lut", {"inputScale": iscale, "inputZeroPoint": za, "outputScale": oscale, "outputZeroPoint": yz},
                      {"xq": q}, {"y_torch": yt}))

# add (+ ReLU) on int8: PyTorch's quantized add / add_relu
for i, relu in enumerate([False, True]):
    a, c = randn(3, 40, seed=400 + i) * 2, randn(3, 40, seed=410 + i) * 1.5
    sa, zaa, sc, zc, so, zo = 0.02, 5, 0.015, -7, 0.03, -3
    aq, cq = torch.quantize_per_tensor(a, sa, zaa, torch.qint8), torch.quantize_per_tensor(c, sc, zc, torch.qint8)
    au = torch._make_per_tensor_quantized_tensor(to_u8(aq), sa, zaa + 128)
    cu = torch._make_per_tensor_quantized_tensor(to_u8(cq), sc, zc + 128)
    op = torch.ops.quantized.add_relu if relu else torch.ops.quantized.add
    yt = (op(au, cu, so, zo + 128).int_repr().to(torch.int16) - 128).to(torch.int8)
    cases.append(case(f"qadd{' relu' if relu else ''}", "qadd", {"a": [sa, zaa], "b": [sc, zc], "out": [so, zo], "relu": relu},
                      {"aq": aq.int_repr(), "bq": cq.int_repr()}, {"y_torch": yt}))

for k, (n, d, m) in stats.items():
    if n:
        print(f"{k}: exact reference vs PyTorch qnnpack: {d} of {n} outputs differ, by at most {m}")
assert stats["conv"][1] == 0
save("quant_conv", cases)
