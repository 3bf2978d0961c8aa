"""Golden values for int8 quantisation and the qs8/qc8 GEMM (see common.py for the format).

quantize / dequantize: PyTorch's own torch.quantize_per_tensor / quantize_per_channel (qint8)
and .dequantize(), which define the rounding (half to even of x * f32(1/scale)) and saturation.

qlinear (qs8 per-tensor and qc8 per-channel GEMM): the exact reference is computed here in
int64 / float32 numpy following the requantisation formula of native/kernels/qs8.h:
  bias_q = rint(f64(bias) / f32(f32(inputScale) * f32(wScale[n])))
  acc    = bias_q + sum_k (xq - inputZero) * wq                (int64, checked to fit int32)
  mult   = f32(f32(inputScale * wScale[n]) / outputScale)
  y      = clamp(rint(f32(acc) * mult), qmin - yZero, qmax - yZero) + yZero
As an extra reference, PyTorch's quantized linear on the qnnpack engine (uint8 activations,
shifted by 128, which is the same real value) is stored as "y_torch" where it can express the
case (it has no output clamp other than [-128, 127]). qnnpack requantises in fp32 with
round-half-to-even too, so it agrees exactly; the generator asserts and prints that count. The
onednn engine rounds differently (and disagrees by more than 1 LSB on per-channel weights in
torch 1.13), so it is not used.
"""
import numpy as np
import torch
import torch.ao.nn.quantized.functional as qF
from common import case, randn, save

f32 = np.float32
cases = []


def t(a, dtype=None):
    return torch.from_numpy(np.ascontiguousarray(a if dtype is None else a.astype(dtype)))


def quant_input(n_shape, seed, spread):
    """Values that hit the awkward spots: ties at k + 0.5, saturation, zeros."""
    x = randn(*n_shape, seed=seed) * spread
    flat = x.view(-1)
    if flat.numel() >= 8:
        flat[0] = 0.0
        flat[1] = 1e9
        flat[2] = -1e9
        flat[3] = -0.0
    return x


# ---- quantize / dequantize per tensor ----
for i, (shape, scale, zero, spread) in enumerate([
    ((1,), 0.1, 0, 1.0), ((17,), 0.05, 3, 3.0), ((3, 5, 7), 0.0173, -7, 2.0), ((1000,), 0.3, 127, 20.0),
    ((2, 3, 4, 5), 1.0, -128, 100.0), ((33,), 1 / 3, 0, 5.0),
]):
    x = quant_input(shape, 10 + i, spread)
    # ties: exact multiples of scale / 2 (in f32), the case where rounding mode shows
    if x.numel() >= 16:
        k = torch.arange(-6, 6, dtype=torch.float32) + 0.5
        x.view(-1)[4:16] = torch.from_numpy((k.numpy().astype(f32) * f32(scale)).astype(f32))
    q = torch.quantize_per_tensor(x, scale, zero, torch.qint8)
    cases.append(case(f"quantize {list(shape)} scale={scale:.4g} zero={zero}", "quantize",
                      {"scale": scale, "zeroPoint": zero}, {"x": x}, {"q": q.int_repr(), "y": q.dequantize()}))

# ---- per channel ----
for i, (shape, axis) in enumerate([((5, 7), 0), ((2, 3, 4, 5), 1), ((3, 4, 6), 2), ((4, 33), 1), ((6, 9), -1), ((2, 5, 3, 4, 4), 1)]):
    C = shape[axis]
    g = torch.Generator().manual_seed(40 + i)
    scales = (torch.rand(C, generator=g) * 0.2 + 0.01).double()
    zeros = torch.randint(-20, 20, (C,), generator=g)
    x = quant_input(shape, 50 + i, 3.0)
    q = torch.quantize_per_channel(x, scales, zeros, axis % len(shape), torch.qint8)
    cases.append(case(f"quantizePerChannel {list(shape)} axis={axis}", "quantize_per_channel",
                      {"axis": axis, "scales": scales.tolist(), "zeroPoints": zeros.tolist()},
                      {"x": x}, {"q": q.int_repr(), "y": q.dequantize()}))


# ---- activation qparams from a calibration range (MinMaxObserver, qint8, per-tensor affine) ----
from torch.ao.quantization import MinMaxObserver
for i, (shift, spread) in enumerate([(1.0, 3.0), (-5.0, 0.5), (0.0, 1e-9), (10.0, 2.0), (-100.0, 30.0), (0.3, 0.1)]):
    x = randn(257, seed=70 + i) * spread + shift
    obs = MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_affine)
    obs(x)
    scale, zp = obs.calculate_qparams()
    cases.append(case(f"affineQParams [{x.min().item():.4g}, {x.max().item():.4g}]", "qparams",
                      {"min": x.min().item(), "max": x.max().item()}, {}, {"scale": scale.float(), "zeroPoint": zp.int()}))


# ---- qs8 / qc8 linear ----
def reference(xq, za, iscale, wq, ws, bias, oscale, yz, qmin, qmax):
    iscale, oscale = f32(iscale), f32(oscale)
    wsn = np.broadcast_to(np.asarray(ws, dtype=f32), (wq.shape[0],)).astype(f32)
    sw = (iscale * wsn).astype(f32)
    bq = np.zeros(wq.shape[0], np.int64) if bias is None else np.rint(bias.astype(np.float64) / sw.astype(np.float64)).astype(np.int64)
    acc = (xq.astype(np.int64) - za) @ wq.astype(np.int64).T + bq
    assert np.abs(acc).max(initial=0) < 2**31
    mult = (sw / oscale).astype(f32)
    f = np.clip((acc.astype(f32) * mult).astype(f32), f32(qmin - yz), f32(qmax - yz))
    y = (np.rint(f).astype(np.int64) + yz).astype(np.int8)
    yf = (acc.astype(f32) * sw).astype(f32)  # dequantised output (qlinearF32)
    return y, yf


torch.backends.quantized.engine = "qnnpack"
torch_checked = torch_mismatch = 0
shapes = [(1, 1, 1), (3, 5, 7), (17, 33, 13), (33, 17, 40), (4, 8, 16), (5, 3, 1), (2, 67, 129), (64, 48, 100), (1, 4, 8), (7, 9, 24)]
for i, (M, N, K) in enumerate(shapes):
    for per_channel in (False, True):
        seed = 100 + 2 * i + per_channel
        g = torch.Generator().manual_seed(seed)
        x = randn(M, K, seed=seed)
        w = randn(N, K, seed=seed + 1000) * (torch.rand(N, 1, generator=g) + 0.1)
        has_bias = (i % 3) != 1
        b = randn(N, seed=seed + 2000) if has_bias else None
        iscale = float(torch.rand(1, generator=g) * 0.05 + 0.01)
        za = int(torch.randint(-30, 30, (1,), generator=g))
        oscale = float(torch.rand(1, generator=g) * 0.2 + 0.05)
        yz = int(torch.randint(-20, 20, (1,), generator=g))
        qmin, qmax = (yz, 127) if i % 4 == 3 else (-128, 127)  # fused ReLU on some
        if i == 6:
            oscale = 0.002  # saturates most outputs
        xq = torch.quantize_per_tensor(x, iscale, za, torch.qint8)
        if per_channel:
            ws = np.maximum((w.abs().amax(1).numpy().astype(f32) / f32(127)).astype(f32), f32(np.finfo(f32).eps))
            wq = torch.quantize_per_channel(w, torch.from_numpy(ws).double(), torch.zeros(N, dtype=torch.long), 0, torch.qint8)
        else:
            ws = np.maximum(f32(w.abs().max().item()) / f32(127), f32(np.finfo(f32).eps)).astype(f32).reshape(1)
            wq = torch.quantize_per_tensor(w, float(ws[0]), 0, torch.qint8)
        y, yf = reference(xq.int_repr().numpy(), za, iscale, wq.int_repr().numpy(), ws, None if b is None else b.numpy(), oscale, yz, qmin, qmax)
        outputs = {"y": t(y), "yf": t(yf)}
        if qmin == -128:
            xu = torch._make_per_tensor_quantized_tensor((xq.int_repr().to(torch.int16) + 128).to(torch.uint8), iscale, za + 128)
            yt = (qF.linear(xu, wq, b, oscale, yz + 128).int_repr().to(torch.int16) - 128).to(torch.int8)
            torch_checked += y.size
            torch_mismatch += int((yt.numpy() != y).sum())
            outputs["y_torch"] = yt
        inputs = {"x": x, "xq": xq.int_repr(), "w": w, "wq": wq.int_repr(), "ws": t(ws)}
        if b is not None:
            inputs["b"] = b
        cases.append(case(f"qlinear {'qc8' if per_channel else 'qs8'} M={M} N={N} K={K}{' relu' if qmin != -128 else ''}",
                          "qlinear", {"inputScale": iscale, "inputZeroPoint": za, "outputScale": oscale, "outputZeroPoint": yz,
                                      "qmin": qmin, "qmax": qmax, "perChannel": per_channel}, inputs, outputs))

print(f"qnnpack quantized linear vs exact reference: {torch_mismatch} of {torch_checked} outputs differ")
assert torch_mismatch == 0
save("quant", cases)
