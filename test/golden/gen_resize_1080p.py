"""Bilinear short-side scaling of a full-HD frame (issue 15 item 19), where the source coordinate
needs more than float precision: 1080x1920 -> 256x455 as PyTorchVideo's short_side_scale does it
(F.interpolate, bilinear, align_corners=False). The frame is a formula (frame_value below, restated
in the test) so nothing big is committed; only the checksums and 2048 sampled output values
(flat indices i * 7919 mod numel) are.
Run: cd test/golden && /usr/bin/python3 gen_resize_1080p.py  (writes data/resize_1080p.json)"""
import json
import math
import os
import torch
import torch.nn.functional as F
from common import OUT, enc

H, W, SIZE = 1080, 1920, 256


def frame():
    """u8 [3, 1, H, W]: v = (x*x*7 + y*131 + c*57 + (x*y) % 97) % 256, sharp edges everywhere."""
    y = torch.arange(H, dtype=torch.int64).view(H, 1)
    x = torch.arange(W, dtype=torch.int64).view(1, W)
    planes = [((x * x * 7 + y * 131 + c * 57 + (x * y) % 97) % 256) for c in range(3)]
    return torch.stack(planes).view(3, 1, H, W).to(torch.uint8)


def main():
    v = frame()
    new_w = int(math.floor(float(W) / H * SIZE))  # PyTorchVideo's short_side_scale
    y = F.interpolate(v.float(), size=(SIZE, new_w), mode="bilinear", align_corners=False)
    y64 = F.interpolate(v.double(), size=(SIZE, new_w), mode="bilinear", align_corners=False)
    flat = y.flatten()
    idx = (torch.arange(2048) * 7919) % flat.numel()
    params = {
        "height": H, "width": W, "size": SIZE, "shape": list(y.shape),
        "sum": float(y.double().sum()), "sumSquares": float((y.double() ** 2).sum()),
        # float32 PyTorch against its own float64 run (informative: PyTorch's float32 scale differs)
        "torchF32VsF64MaxError": float((y.double() - y64).abs().max()),
    }
    c = {"name": "short_side_scale 1080p -> 256", "op": "short_side_scale", "params": params,
         "inputs": {}, "outputs": {"samples": enc(flat[idx])}}
    with open(os.path.join(OUT, "resize_1080p.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": [c]}, f, separators=(",", ":"))
    print(f"{list(y.shape)}, sum {params['sum']:.3f}, float32 vs float64 max error {params['torchF32VsF64MaxError']:.2e}")


if __name__ == "__main__":
    main()
