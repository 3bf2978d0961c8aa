"""Golden values for torch.nn.functional.interpolate (nearest / linear / bilinear / trilinear,
align_corners both ways, size or scale_factor; forward + gradient of sum(out * gy)).
scale_factor cases leave recompute_scale_factor unset, so PyTorch samples with 1/scale_factor,
which differs from in/out when in*scale_factor is not an integer (e.g. 5 * 1.3)."""
import math
import torch
import torch.nn.functional as F
from common import case, randn, save, with_grads


def nearest_by_indexing(x, sf):
    """Nearest upsampling as explicit gathers with index floor(dst * float32(1/sf)): the rule
    of PyTorch's contiguous forward kernel, whose autograd gives the exact adjoint."""
    for d, s in enumerate(sf):
        n = x.shape[2 + d]
        scale = torch.tensor(1.0 / s, dtype=torch.float32)
        out = int(math.floor(n * s))
        idx = torch.clamp(torch.floor(torch.arange(out, dtype=torch.float32) * scale).long(), max=n - 1)
        x = torch.index_select(x, 2 + d, idx)
    return x

cases = []
specs = [
    # shape, mode, size, scale_factor, align_corners
    ((2, 3, 2, 3, 5), "trilinear", (4, 6, 7), None, False),
    ((2, 3, 2, 3, 5), "trilinear", (4, 6, 7), None, True),
    ((1, 4, 5, 9, 7), "trilinear", (3, 5, 4), None, False),
    ((1, 4, 5, 9, 7), "trilinear", (3, 5, 4), None, True),
    ((2, 2, 1, 4, 5), "trilinear", (1, 8, 10), None, False),
    ((1, 3, 1, 4, 5), "trilinear", (3, 4, 6), None, True),
    ((1, 5, 3, 4, 5), "trilinear", None, 2.0, False),
    ((1, 3, 3, 5, 5), "trilinear", None, (1.5, 0.5, 1.3), False),
    ((1, 3, 3, 5, 5), "trilinear", None, (1.5, 0.5, 1.3), True),
    ((2, 3, 5, 7), "bilinear", (9, 4), None, False),
    ((2, 3, 5, 7), "bilinear", (9, 4), None, True),
    ((1, 6, 6, 9), "bilinear", None, 0.7, False),
    ((1, 2, 4, 4), "bilinear", None, 2.0, True),
    ((2, 3, 7), "linear", (12,), None, False),
    ((2, 3, 7), "linear", (12,), None, True),
    ((1, 2, 9), "linear", None, 1.7, False),
    ((1, 4, 9), "linear", (1,), None, True),
    ((2, 3, 2, 3, 5), "nearest", (5, 7, 9), None, None),
    ((2, 3, 4, 6, 5), "nearest", (3, 2, 3), None, None),
    ((1, 4, 3, 3, 5), "nearest", None, 2.0, None),
    ((1, 4, 4, 5, 6), "nearest", None, (0.5, 1.3, 1.7), None),
    ((2, 5, 1, 4, 4), "nearest", None, (1.0, 0.75, 2.5), None),
    ((2, 3, 5, 7), "nearest", (8, 3), None, None),
    ((2, 3, 5, 7), "nearest", None, 1.3, None),
    ((2, 3, 7), "nearest", (10,), None, None),
    ((2, 3, 7), "nearest", None, 0.6, None),
    # out == in although scale_factor != 1: linear modes copy; PyTorch's contiguous nearest
    # kernel still samples floor(dst / 1.2) (its channels_last kernel would copy instead)
    ((1, 2, 3, 5, 5), "trilinear", None, (1.2, 1.1, 1.19), False),
    ((1, 2, 4, 5), "nearest", None, 1.2, None),
    ((1, 3, 1, 3, 4), "nearest", None, (1.0, 2.0, 2.0), None),
]
for i, (shape, mode, size, sf, ac) in enumerate(specs):
    x = randn(*shape, seed=40 + i)
    kw = {"mode": mode}
    if size is not None:
        kw["size"] = size
    if sf is not None:
        kw["scale_factor"] = sf
    if ac is not None:
        kw["align_corners"] = ac
    out, gy, g = with_grads(lambda x: F.interpolate(x, **kw), {"x": x}, ["x"])
    if mode == "nearest" and sf is not None:
        # PyTorch 1.13's nearest *backward* special-cases out == in (copy) while its contiguous
        # forward samples floor(dst / sf): when a scale_factor != 1 rounds to the same size
        # (4 * 1.2 -> 4) its gradient is not the adjoint of its forward. The golden gradient is
        # then the adjoint, from autograd through the same forward written as index_select.
        sfs = sf if isinstance(sf, tuple) else (sf,) * (len(shape) - 2)
        o2, _, g2 = with_grads(lambda x: nearest_by_indexing(x, sfs), {"x": x}, ["x"])
        assert torch.equal(o2, out)
        g = g2
    params = {"mode": mode, "size": list(size) if size else None,
              "scaleFactor": (list(sf) if isinstance(sf, tuple) else sf), "alignCorners": ac}
    cases.append(case(f"interpolate {list(shape)} {mode} size={size} scale={sf} alignCorners={ac}", "interpolate",
                      params, {"x": x, "gy": gy}, {"y": out}, g))
save("interp", cases)
