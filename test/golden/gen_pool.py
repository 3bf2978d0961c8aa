"""Golden values for max / avg / adaptive-avg pooling, 3-D and 2-D (see common.py for the format)."""
import torch
import torch.nn.functional as F
from common import case, randn, save, with_grads

cases = []


def add(name, op, fn, x, params):
    out, gy, g = with_grads(fn, {"x": x}, ["x"])
    outputs = {"y": out}
    if op.startswith("maxPool"):
        kw = {k: v for k, v in params.items() if k in ("kernel_size", "stride", "padding", "dilation", "ceil_mode")}
        f = F.max_pool3d if op == "maxPool3d" else F.max_pool2d
        outputs["indices"] = f(x, return_indices=True, **kw)[1]
    cases.append(case(name, op, params, {"x": x, "gy": gy}, outputs, g))


def mp3(name, shape, seed=0, ties=False, **kw):
    x = randn(*shape, seed=seed)
    if ties:  # coarse values: many equal maxima, so the tie rule (first maximum wins) is tested
        x = torch.round(x * 2) / 2
    add(name, "maxPool3d", lambda x: F.max_pool3d(x, **kw), x, kw)


mp3("maxPool3d k3 s2 p1 [2,3,5,7,6]", (2, 3, 5, 7, 6), kernel_size=3, stride=2, padding=1)
mp3("maxPool3d slow-r50 stem k(1,3,3) s(1,2,2) p(0,1,1) [2,8,3,9,9]", (2, 8, 3, 9, 9), seed=1, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))
mp3("maxPool3d T=1 k(1,3,3) s(1,2,2) [1,5,1,7,7]", (1, 5, 1, 7, 7), seed=2, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))
mp3("maxPool3d ceil_mode k3 s2 [1,6,4,6,5]", (1, 6, 4, 6, 5), seed=3, kernel_size=3, stride=2, ceil_mode=True)
mp3("maxPool3d ceil_mode pad k(2,3,3) s2 p1 [2,2,5,5,8]", (2, 2, 5, 5, 8), seed=4, kernel_size=(2, 3, 3), stride=2, padding=(1, 1, 1), ceil_mode=True)
mp3("maxPool3d dilation 2 [1,3,6,7,7]", (1, 3, 6, 7, 7), seed=5, kernel_size=(2, 3, 2), stride=(1, 2, 1), padding=(1, 1, 1), dilation=2)
mp3("maxPool3d default stride k2 [2,1,4,6,5]", (2, 1, 4, 6, 5), seed=6, kernel_size=2)
mp3("maxPool3d ties k3 s1 p1 [1,7,3,5,5]", (1, 7, 3, 5, 5), seed=7, ties=True, kernel_size=3, stride=1, padding=1)
mp3("maxPool3d unbatched [3,4,6,6]", (3, 4, 6, 6), seed=8, kernel_size=(2, 2, 2), stride=(2, 2, 2))


def ap3(name, shape, seed=0, **kw):
    add(name, "avgPool3d", lambda x: F.avg_pool3d(x, **kw), randn(*shape, seed=seed), kw)


ap3("avgPool3d k3 s2 p1 include_pad [2,3,5,7,6]", (2, 3, 5, 7, 6), seed=10, kernel_size=3, stride=2, padding=1)
ap3("avgPool3d k3 s2 p1 exclude_pad [2,3,5,7,6]", (2, 3, 5, 7, 6), seed=11, kernel_size=3, stride=2, padding=1, count_include_pad=False)
ap3("avgPool3d ceil_mode pad [1,6,4,7,5]", (1, 6, 4, 7, 5), seed=12, kernel_size=3, stride=2, padding=1, ceil_mode=True)
ap3("avgPool3d ceil_mode exclude_pad [1,5,4,7,5]", (1, 5, 4, 7, 5), seed=13, kernel_size=(2, 3, 3), stride=2, padding=(1, 1, 0), ceil_mode=True, count_include_pad=False)
ap3("avgPool3d divisor_override [2,4,3,6,6]", (2, 4, 3, 6, 6), seed=14, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), divisor_override=5)
ap3("avgPool3d head-style k(4,7,7) s1 [2,9,4,7,7]", (2, 9, 4, 7, 7), seed=15, kernel_size=(4, 7, 7), stride=1)
ap3("avgPool3d T=1 default stride [1,3,1,6,4]", (1, 3, 1, 6, 4), seed=16, kernel_size=(1, 2, 2))


def aap3(name, shape, out, seed=0):
    add(name, "adaptiveAvgPool3d", lambda x: F.adaptive_avg_pool3d(x, out), randn(*shape, seed=seed), {"outputSize": list(out) if isinstance(out, tuple) else out})


aap3("adaptiveAvgPool3d 1 [2,5,3,7,6]", (2, 5, 3, 7, 6), 1, seed=20)
aap3("adaptiveAvgPool3d (2,3,4) [2,3,5,7,9]", (2, 3, 5, 7, 9), (2, 3, 4), seed=21)
aap3("adaptiveAvgPool3d (None,2,3) [1,4,3,5,7]", (1, 4, 3, 5, 7), (None, 2, 3), seed=22)
aap3("adaptiveAvgPool3d upsampling (3,7,4) [1,2,2,5,3]", (1, 2, 2, 5, 3), (3, 7, 4), seed=23)

x = randn(2, 3, 9, 8, seed=30)
kw = dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)
add("maxPool2d k3 s2 p1 ceil [2,3,9,8]", "maxPool2d", lambda x: F.max_pool2d(x, **kw), x, kw)
kw2 = dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), count_include_pad=False)
add("avgPool2d exclude_pad [2,3,9,8]", "avgPool2d", lambda x: F.avg_pool2d(x, **kw2), x, kw2)
add("adaptiveAvgPool2d (3,5) [2,3,9,8]", "adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 5)), x, {"outputSize": [3, 5]})
add("adaptiveAvgPool2d 1 unbatched [6,5,5]", "adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, 1), randn(6, 5, 5, seed=31), {"outputSize": 1})
save("pool", cases)
