"""Golden values for conv3d / conv2d / conv1d (torch.nn.functional), forward and the gradients
of x, w and b, over every lowering of the conv op: 1x1x1, (kt,1,1), 1xkxk, kxkxk, strides,
padding (incl. 'same'), dilation, groups, depthwise (+ channel multiplier), batch 2, T=1 clips,
odd spatial sizes and small versions of the X3D / Slow-R50 stems. See common.py for the format.
Run: cd test/golden && /usr/bin/python3 gen_conv.py"""
import torch
import torch.nn.functional as F
from common import case, randn, save, with_grads

FN = {"conv3d": F.conv3d, "conv2d": F.conv2d, "conv1d": F.conv1d}
cases = []
seed = [100]


def add(name, op, x_shape, cout, k, stride=1, padding=0, dilation=1, groups=1, bias=True):
    seed[0] += 3
    nsp = len(x_shape) - 2
    k = [k] * nsp if isinstance(k, int) else list(k)
    cin = x_shape[1]
    x = randn(*x_shape, seed=seed[0])
    w = randn(cout, cin // groups, *k, seed=seed[0] + 1) * 0.3
    inputs = {"x": x, "w": w}
    if bias:
        inputs["b"] = randn(cout, seed=seed[0] + 2)
    params = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}

    def fn(x, w, b=None):
        return FN[op](x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)

    out, gy, g = with_grads(fn, inputs, list(inputs.keys()), seed=seed[0] + 7)
    cases.append(case(name, op, params, {**inputs, "gy": gy}, {"y": out}, g))


# pointwise (1x1x1 -> one GEMM)
add("1x1x1 batch 2", "conv3d", (2, 8, 3, 5, 6), 12, 1)
add("1x1x1 no bias", "conv3d", (1, 5, 2, 3, 7), 9, 1, bias=False)
add("1x1x1 stride 2 (subsample)", "conv3d", (1, 6, 4, 6, 7), 5, 1, stride=2)
add("1x1x1 padding 1", "conv3d", (1, 3, 2, 3, 3), 4, 1, padding=1)
add("1x1x1 groups 2", "conv3d", (2, 8, 2, 3, 5), 6, 1, groups=2)
# temporal (kt,1,1 -> shifted GEMMs)
add("3x1x1 pad (1,0,0)", "conv3d", (1, 6, 5, 4, 5), 8, (3, 1, 1), padding=(1, 0, 0))
add("3x1x1 stride (2,1,1) no bias", "conv3d", (2, 5, 7, 3, 3), 7, (3, 1, 1), stride=(2, 1, 1), padding=(1, 0, 0), bias=False)
add("3x1x1 dilation (2,1,1) pad 2", "conv3d", (1, 4, 6, 3, 4), 5, (3, 1, 1), padding=(2, 0, 0), dilation=(2, 1, 1))
add("3x1x1 groups 2 T=1", "conv3d", (1, 4, 1, 3, 3), 6, (3, 1, 1), padding=(1, 0, 0), groups=2)
# general (vol2col + GEMM)
add("1x3x3 pad (0,1,1) odd 7x9", "conv3d", (1, 5, 3, 7, 9), 6, (1, 3, 3), padding=(0, 1, 1))
add("3x3x3 pad 1 batch 2", "conv3d", (2, 4, 4, 6, 5), 6, 3, padding=1)
add("3x3x3 stride 2 pad 1", "conv3d", (1, 3, 5, 7, 9), 4, 3, stride=2, padding=1)
add("1x3x3 stride (1,2,2)", "conv3d", (1, 4, 2, 9, 7), 5, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))
add("3x3x3 dilation 2 pad 2", "conv3d", (1, 3, 6, 7, 8), 4, 3, padding=2, dilation=2)
add("3x3x3 groups 2", "conv3d", (1, 8, 3, 5, 5), 6, 3, padding=1, groups=2)
add("3x3x3 T=1 clip pad 1", "conv3d", (2, 4, 1, 6, 6), 5, 3, padding=1)
add("2x3x1 stride (1,1,2) pad (1,0,0)", "conv3d", (1, 3, 4, 5, 6), 4, (2, 3, 1), stride=(1, 1, 2), padding=(1, 0, 0))
add("3x3x3 no padding, no bias", "conv3d", (1, 3, 4, 5, 5), 3, 3, bias=False)
add("2x2x3 padding same", "conv3d", (1, 3, 4, 5, 6), 4, (2, 2, 3), padding="same")
add("3x3x3 padding same dilation 2", "conv3d", (1, 2, 5, 5, 5), 3, 3, padding="same", dilation=2)
add("3x3x3 channel multiplier 2 (groups=Cin)", "conv3d", (1, 4, 3, 5, 5), 8, 3, padding=1, groups=4)
# depthwise (direct channels-last kernel): channel counts hit the 16/4/1 blocks
add("depthwise 3x3x3 C=18", "conv3d", (2, 18, 3, 5, 6), 18, 3, padding=1, groups=18)
add("depthwise 5x1x1 C=20 no bias", "conv3d", (1, 20, 6, 3, 4), 20, (5, 1, 1), padding=(2, 0, 0), groups=20, bias=False)
add("depthwise 3x3x3 stride (1,2,2) C=7", "conv3d", (1, 7, 3, 7, 9), 7, 3, stride=(1, 2, 2), padding=1, groups=7)
add("depthwise 3x1x3 padding > kernel reach (scatter grad)", "conv3d", (1, 6, 3, 4, 5), 6, (3, 1, 3), padding=(3, 1, 0), groups=6)
add("depthwise 3x3x3 dilation 2 T=1", "conv3d", (1, 5, 1, 6, 6), 5, 3, padding=2, dilation=2, groups=5)
# model stems at small size
add("X3D stem conv_xy 1x3x3 s(1,2,2) 3->24", "conv3d", (1, 3, 4, 16, 16), 24, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), bias=False)
add("X3D stem conv_t depthwise 5x1x1 24", "conv3d", (1, 24, 4, 8, 8), 24, (5, 1, 1), padding=(2, 0, 0), groups=24, bias=False)
add("Slow stem 1x7x7 s(1,2,2) 3->8", "conv3d", (1, 3, 2, 13, 13), 8, (1, 7, 7), stride=(1, 2, 2), padding=(0, 3, 3), bias=False)
# conv2d / conv1d (through conv3d with T=1)
add("conv2d 3x3 stride 2 pad 1", "conv2d", (2, 3, 7, 9), 5, 3, stride=2, padding=1)
add("conv2d 1x1", "conv2d", (1, 6, 5, 5), 4, 1)
add("conv2d depthwise 3x3", "conv2d", (1, 6, 6, 7), 6, 3, padding=1, groups=6)
add("conv2d dilation 2 groups 2", "conv2d", (1, 4, 8, 8), 6, 3, padding=(2, 1), dilation=(2, 1), groups=2, bias=False)
add("conv1d k3 pad 1", "conv1d", (2, 4, 11), 6, 3, padding=1)
add("conv1d k5 stride 2 dilation 2", "conv1d", (1, 3, 17), 2, 5, stride=2, dilation=2)
save("conv", cases)
