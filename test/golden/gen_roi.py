"""Golden values for RoIAlign (torchvision.ops.roi_align semantics; forward + gradient of
sum(out * gy) with respect to the features).

The reference is torchvision.ops.roi_align when python3-torchvision is installed (Debian
bookworm ships 0.14.1: `apt-get install python3-torchvision`). This script also carries
`roi_align_ref`, a pure-PyTorch implementation written from torchvision's documented
algorithm (per bin, average of bilinear samples on a sampling_ratio x sampling_ratio grid,
adaptive ceil(roi/bins) grid when sampling_ratio <= 0, the aligned -0.5 shift, roi sizes
clamped to >= 1 when not aligned, samples outside [-1, H] x [-1, W] count as 0). When
torchvision is present both are computed and must agree; without it the reference alone
produces the golden data (autograd through it gives the gradient).
"""
import math
import torch
from common import case, randn, save, with_grads

try:
    from torchvision.ops import roi_align as tv_roi_align
except ImportError:  # pragma: no cover
    tv_roi_align = None


def _bilinear(img, y, x):
    """img [C, H, W]; one sampling point, float32 arithmetic as torchvision does it."""
    C, H, W = img.shape
    if y < -1.0 or y > H or x < -1.0 or x > W:
        return img.new_zeros(C)
    y = max(y, 0.0)
    x = max(x, 0.0)
    yl, xl = int(y), int(x)
    if yl >= H - 1:
        yh = yl = H - 1
        y = float(yl)
    else:
        yh = yl + 1
    if xl >= W - 1:
        xh = xl = W - 1
        x = float(xl)
    else:
        xh = xl + 1
    ly = torch.tensor(y, dtype=torch.float32) - yl
    lx = torch.tensor(x, dtype=torch.float32) - xl
    hy, hx = 1 - ly, 1 - lx
    return hy * hx * img[:, yl, xl] + hy * lx * img[:, yl, xh] + ly * hx * img[:, yh, xl] + ly * lx * img[:, yh, xh]


def roi_align_ref(x, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    ph_n, pw_n = output_size
    f = lambda v: float(torch.tensor(v, dtype=torch.float32))  # round to float32
    out = []
    off = 0.5 if aligned else 0.0
    for r in boxes.tolist():
        b = int(r[0])
        sw, sh, ew, eh = (f(f(v * spatial_scale) - off) for v in r[1:])
        rw, rh = f(ew - sw), f(eh - sh)
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = f(rh / ph_n), f(rw / pw_n)
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(f(rh / ph_n))
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(f(rw / pw_n))
        count = max(gh * gw, 1)
        bins = []
        for ph in range(ph_n):
            row = []
            for pw in range(pw_n):
                acc = x.new_zeros(x.shape[1])
                for iy in range(gh):
                    yy = f(f(sh + f(ph * bh)) + f(f((iy + 0.5) * bh) / gh))
                    for ix in range(gw):
                        xx = f(f(sw + f(pw * bw)) + f(f((ix + 0.5) * bw) / gw))
                        acc = acc + _bilinear(x[b], yy, xx)
                row.append(acc / count)
            bins.append(torch.stack(row, -1))
        out.append(torch.stack(bins, -2))
    return torch.stack(out) if out else x.new_zeros(0, x.shape[1], ph_n, pw_n)


def roi(x, boxes, output_size, spatial_scale, sampling_ratio, aligned):
    ref = roi_align_ref(x, boxes, output_size, spatial_scale, sampling_ratio, aligned)
    if tv_roi_align is None:
        return ref
    tv = tv_roi_align(x, boxes, output_size, spatial_scale, sampling_ratio, aligned)
    assert torch.allclose(tv, ref, rtol=1e-5, atol=1e-6), "pure reference disagrees with torchvision"
    return tv


cases = []
B = lambda rows: torch.tensor(rows, dtype=torch.float32)
specs = [
    # x shape, boxes, output_size, spatial_scale, sampling_ratio, aligned, note
    ((2, 3, 10, 12), B([[0, 1.2, 0.7, 7.5, 8.1], [1, -2.0, 3.0, 6.0, 12.5], [0, 9.0, 6.0, 14.0, 11.0], [1, 0, 0, 11, 9]]),
     (3, 3), 1.0, -1, False, "adaptive grid, boxes crossing the border"),
    ((2, 3, 10, 12), B([[0, 1.2, 0.7, 7.5, 8.1], [1, -2.0, 3.0, 6.0, 12.5], [0, 9.0, 6.0, 14.0, 11.0], [1, 0, 0, 11, 9]]),
     (3, 3), 1.0, -1, True, "aligned"),
    ((2, 8, 9, 11), B([[1, 4.0, 8.0, 40.0, 30.0], [0, -10.0, -6.0, 20.0, 50.0], [0, 30.0, 2.0, 33.0, 5.0]]),
     (2, 4), 0.25, 2, False, "sampling ratio 2, spatial scale 1/4, C=8 (SIMD)"),
    ((2, 8, 9, 11), B([[1, 4.0, 8.0, 40.0, 30.0], [0, -10.0, -6.0, 20.0, 50.0], [0, 30.0, 2.0, 33.0, 5.0]]),
     (2, 4), 0.25, 0, True, "sampling ratio 0 (adaptive), aligned"),
    ((1, 5, 7, 6), B([[0, 1.3, 2.2, 1.5, 2.4], [0, 3.0, 3.0, 3.0, 3.0], [0, 2.0, 1.0, 2.0, 6.0]]),
     (2, 2), 1.0, -1, False, "tiny and degenerate boxes (clamped to 1 px)"),
    ((1, 5, 7, 6), B([[0, 1.3, 2.2, 1.5, 2.4], [0, 3.0, 3.0, 3.0, 3.0], [0, 2.0, 1.0, 2.0, 6.0]]),
     (2, 2), 1.0, -1, True, "tiny and degenerate boxes aligned (empty bins)"),
    ((2, 6, 8, 8), B([[1, 20.0, 20.0, 30.0, 40.0], [0, -9.0, -9.0, -3.0, -2.0], [1, 3.5, 0.5, 17.0, 12.0]]),
     (3, 2), 1.0 / 7.0, 3, False, "boxes outside the image, spatial scale 1/7"),
    ((3, 7, 12, 5), B([[2, 0.5, 1.0, 4.5, 11.0], [0, 1.0, 0.0, 3.0, 12.0], [2, -1.0, 5.0, 6.0, 13.0], [1, 2.0, 2.0, 4.0, 9.0], [1, 0.0, 0.0, 5.0, 12.0]]),
     (5, 2), 1.0, -1, True, "batch 3, tall features, C=7"),
    ((1, 4, 16, 16), B([[0, 0.0, 0.0, 15.0, 15.0]]), (1, 1), 1.0, -1, False, "one bin with a 15x15 adaptive grid"),
]
for i, (shape, boxes, osz, ss, sr, al, note) in enumerate(specs):
    x = randn(*shape, seed=60 + i)
    out, gy, g = with_grads(lambda x: roi(x, boxes, osz, ss, sr, al), {"x": x}, ["x"])
    params = {"outputSize": list(osz), "spatialScale": ss, "samplingRatio": sr, "aligned": al}
    cases.append(case(f"roiAlign {list(shape)} K={boxes.shape[0]} out={list(osz)} scale={ss:.4g} sr={sr} aligned={al} ({note})",
                      "roiAlign", params, {"x": x, "boxes": boxes, "gy": gy}, {"y": out}, g))
print("reference:", "torchvision " + __import__("torchvision").__version__ if tv_roi_align else "pure-PyTorch roi_align_ref")
save("roi", cases)
