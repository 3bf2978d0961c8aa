"""Exports the benchmark architectures to ONNX once, for onnxruntime-web beside vidwasm in
`npm run bench -- models`. Random weights (latency only), eval mode, batch 1, opset 13.

  /usr/bin/python3 bench/export_onnx.py OUT_DIR [name ...]     names: x3d_xs x3d_s slow_r50 slowfast_r50 r2plus1d_r50

Slow-R50, SlowFast-R50 and R(2+1)D-R50 come from the plain-torch PyTorchVideo re-statements in
test/golden/ptv; X3D is re-stated below (create_x3d's defaults: widths 24-48-96-192, depths
3-5-11-7, bottleneck x2.25, SE every other block, Swish, ProjectedPool head). The bench script
runs this when a file is missing (torch.onnx.export needs no `onnx` package in torch 1.13).
"""
import math
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "golden"))


def round_width(width, multiplier, min_width=8, divisor=8):
    width *= multiplier
    out = max(min_width, int(width + divisor / 2) // divisor * divisor)
    if out < 0.9 * width:
        out += divisor
    return int(out)


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class SE(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.block = nn.Sequential(nn.AdaptiveAvgPool3d(1), nn.Conv3d(c, r, 1), nn.ReLU(), nn.Conv3d(r, c, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.block(x)


class X3dBlock(nn.Module):
    def __init__(self, dim_in, dim_inner, dim_out, stride, se):
        super().__init__()
        s = (1, stride, stride)
        self.branch1 = None
        if dim_in != dim_out or stride > 1:
            self.branch1 = nn.Sequential(nn.Conv3d(dim_in, dim_out, 1, stride=s, bias=False), nn.BatchNorm3d(dim_out))
        self.branch2 = nn.Sequential(
            nn.Conv3d(dim_in, dim_inner, 1, bias=False), nn.BatchNorm3d(dim_inner), nn.ReLU(),
            nn.Conv3d(dim_inner, dim_inner, 3, stride=s, padding=1, groups=dim_inner, bias=False), nn.BatchNorm3d(dim_inner),
            SE(dim_inner, round_width(dim_inner, 0.0625)) if se else nn.Identity(), Swish(),
            nn.Conv3d(dim_inner, dim_out, 1, bias=False), nn.BatchNorm3d(dim_out))
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act((self.branch1(x) if self.branch1 is not None else x) + self.branch2(x))


class X3dHead(nn.Module):
    def __init__(self, dim_in, dim_inner, pool_kernel, classes=400):
        super().__init__()
        self.pool = nn.Sequential(
            nn.Conv3d(dim_in, dim_inner, 1, bias=False), nn.BatchNorm3d(dim_inner), nn.ReLU(),
            nn.AvgPool3d(pool_kernel, stride=1), nn.Conv3d(dim_inner, 2048, 1, bias=False), nn.ReLU())
        self.proj = nn.Linear(2048, classes)
        self.act = nn.Softmax(dim=1)
        self.out = nn.AdaptiveAvgPool3d(1)

    def forward(self, x):
        x = self.pool(x)
        x = self.proj(x.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3)
        return self.out(self.act(x)).flatten(1)


def x3d(clip, crop, depth_factor=2.2):
    widths = [24, 48, 96, 192]
    layers = [nn.Conv3d(3, 24, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), bias=False),
              nn.Conv3d(24, 24, (5, 1, 1), padding=(2, 0, 0), groups=24, bias=False), nn.BatchNorm3d(24), nn.ReLU()]
    dim_in = 24
    for depth, w in zip([1, 2, 5, 3], widths):
        inner = int(2.25 * w)
        for i in range(math.ceil(depth * depth_factor)):
            layers.append(X3dBlock(dim_in, inner, w, 2 if i == 0 else 1, (i + 1) % 2 == 1))
            dim_in = w
    layers.append(X3dHead(192, inner, (clip, math.ceil(crop / 32), math.ceil(crop / 32))))
    return nn.Sequential(*layers)


def build(name):
    """(model, example inputs): the same architectures zoo.build(name) makes."""
    if name == "x3d_xs":
        return x3d(4, 160), (torch.randn(1, 3, 4, 160, 160),)
    if name == "x3d_s":
        return x3d(13, 160), (torch.randn(1, 3, 13, 160, 160),)
    if name == "slow_r50":
        from ptv.resnet import create_resnet
        return create_resnet(stem_conv_kernel_size=(1, 7, 7), head_pool_kernel_size=(8, 7, 7), model_depth=50), (torch.randn(1, 3, 8, 224, 224),)
    if name == "slowfast_r50":
        from ptv.slowfast import create_slowfast
        return create_slowfast(model_depth=50, slowfast_fusion_conv_kernel_size=(7, 1, 1)), ([torch.randn(1, 3, 8, 224, 224), torch.randn(1, 3, 32, 224, 224)],)
    if name == "r2plus1d_r50":
        from ptv.r2plus1d import create_r2plus1d
        return create_r2plus1d(dropout_rate=0.5), (torch.randn(1, 3, 16, 224, 224),)
    raise SystemExit(f"unknown model {name}")


def export(name, out_dir):
    torch.manual_seed(0)
    model, inputs = build(name)
    model.eval()
    path = os.path.join(out_dir, f"{name}.onnx")
    names = ["slow", "fast"] if name.startswith("slowfast") else ["clip"]
    with torch.no_grad():
        torch.onnx.export(model, inputs, path, opset_version=13, input_names=names, output_names=["logits"], do_constant_folding=True)
    n = sum(p.numel() for p in model.parameters())
    print(f"exported {name}: {n / 1e6:.2f} M parameters -> {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, ".cache")
    os.makedirs(out, exist_ok=True)
    for n in sys.argv[2:] or ["x3d_xs", "x3d_s", "slow_r50", "slowfast_r50", "r2plus1d_r50"]:
        export(n, out)
