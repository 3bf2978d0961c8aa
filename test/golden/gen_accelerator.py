"""Golden values for ts/accelerator from the REAL PyTorchVideo (its source at /work/ref, run here):
  cd test/golden && PYTHONPATH=/work/ref/pytorchvideo:/work/ref/fvcore:/work/ref/iopath /usr/bin/python3 gen_accelerator.py
writes data/accelerator.json and ../data/accelerator/efficient_x3d_original_form.pyth.gz.

- blocks: each mobile_cpu efficient block (small channels, 4x8x8 clips) with randomised weights and
  BN statistics: its state dict, the eval-mode output, how far PyTorchVideo's own deploy form
  (convert_to_deployable_form) is from it, and a training-mode forward/backward (batch statistics) with the
  gradients of the input and every parameter. Also the accelerator tutorial's MyNet.
- efficient_x3d: EfficientX3d('XS') and ('S') have the same state dict (they differ in input size).
  Full-size weights are too large to commit (15 MB of random floats), so they are filled by a
  formula periodic in each tensor (value index mod 251): torch.save's file then gzips to a few
  hundred KB. The .pyth.gz is that real torch.save of PyTorchVideo's state_dict(); logits of XS
  (4x160x160) and S (13x160x160) on a formula input (the same formula in the test) are the reference.
- transmuter: create_x3d X3D-XS transmuted by transmute_model(target_device="mobile_cpu"): what was
  replaced (from PyTorchVideo's own log) and the state-dict keys afterwards.
"""
import copy
import gzip
import io
import logging
import math
import os
import sys
import types

import torch
import torch.nn as nn

from common import enc, randn
from models_common import randomize

# Optional dependencies PyTorchVideo imports but these modules never use.
def _stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class _NoRoIAlign(nn.Module):
    def __init__(self, *a, **k):
        raise RuntimeError("torchvision is stubbed out for golden generation")


_stub("torchvision").ops = _stub("torchvision.ops", RoIAlign=_NoRoIAlign)
import fvcore  # noqa: E402
# fvcore.nn's __init__ pulls optional deps (iopath's aiofiles...): load its submodules directly.
_stub("fvcore.nn").__path__ = [os.path.join(fvcore.__path__[0], "nn")]

from pytorchvideo.accelerator.deployment.common.model_transmuter import transmute_model  # noqa: E402
import pytorchvideo.accelerator.deployment.mobile_cpu.transmuter  # noqa: E402,F401  (registers mobile_cpu)
from pytorchvideo.accelerator.deployment.mobile_cpu.utils.model_conversion import convert_to_deployable_form  # noqa: E402
from pytorchvideo.layers.accelerator.mobile_cpu import convolutions as C  # noqa: E402
from pytorchvideo.layers.accelerator.mobile_cpu.activation_functions import supported_act_functions  # noqa: E402
from pytorchvideo.layers.accelerator.mobile_cpu.attention import SqueezeExcitation  # noqa: E402
from pytorchvideo.layers.accelerator.mobile_cpu.fully_connected import FullyConnected  # noqa: E402
from pytorchvideo.layers.accelerator.mobile_cpu.pool import AdaptiveAvgPool3d, AdaptiveAvgPool3dOutSize1  # noqa: E402
from pytorchvideo.models.accelerator.mobile_cpu.efficient_x3d import EfficientX3d  # noqa: E402
from pytorchvideo.models.accelerator.mobile_cpu.residual_blocks import X3dBottleneckBlock  # noqa: E402
from pytorchvideo.models.x3d import create_x3d  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def block_case(name, ts_class, ts_args, module, shape, seed, param_grads=True):
    """ts_class / ts_args: how the test builds the same block (`new mobileCpu[ts_class](...ts_args)`)."""
    randomize(module, seed=seed)
    x = randn(*shape, seed=seed + 100)
    ev = copy.deepcopy(module).eval()
    with torch.no_grad():
        y_eval = ev(x)
        y_deploy = convert_to_deployable_form(ev, x)(x)
    state = {k: enc(v) for k, v in module.state_dict().items()}
    module.train()
    xt = x.clone().requires_grad_(True)
    y = module(xt)
    gy = randn(*y.shape, seed=seed + 200)
    (y * gy).sum().backward()
    grads = {"input": enc(xt.grad)}
    if param_grads:
        grads.update({k: enc(p.grad) for k, p in module.named_parameters()})
    # PyTorchVideo's own deploy form vs its original form (the test holds ours to 1e-4 of max |y|).
    deploy_err = float((y_deploy - y_eval).abs().max() / y_eval.abs().max())
    return {"name": name, "cls": ts_class, "args": ts_args, "state": state, "x": enc(x), "y_eval": enc(y_eval),
            "ptv_deploy_rel_err": deploy_err, "y_train": enc(y.detach()), "gy": enc(gy), "grads": grads}


class MyNet(nn.Module):
    """The toy model of the tutorial "Build your efficient model with PytorchVideo/Accelerator"."""

    def __init__(self, in_channel=3, residual_block_channel=24, expansion_ratio=3, num_classes=4):
        super().__init__()
        self.s1 = C.Conv3d5x1x1BnAct(in_channel, residual_block_channel, bias=False, groups=1, use_bn=False)
        self.s2 = X3dBottleneckBlock(in_channels=residual_block_channel, mid_channels=int(residual_block_channel * expansion_ratio),
                                     out_channels=residual_block_channel, use_residual=True, spatial_stride=1, se_ratio=0.0625,
                                     act_functions=("relu", "swish", "relu"), use_bn=(True, True, True))
        self.avg_pool = AdaptiveAvgPool3dOutSize1()
        self.projection = FullyConnected(residual_block_channel, num_classes, bias=True)
        self.act = supported_act_functions["relu"]()

    def forward(self, x):
        x = self.avg_pool(self.s2(self.s1(x)))
        x = self.projection(x.permute((0, 2, 3, 4, 1)))
        if not self.training:
            x = self.act(x).mean([1, 2, 3])
        return x.reshape(x.shape[0], -1)


def blocks():
    X = (1, 4, 4, 6, 6)
    return [
        block_case("pw_relu", "Conv3dPwBnAct", [4, 6, {"activation": "relu"}], C.Conv3dPwBnAct(4, 6, activation="relu"), X, 1),
        block_case("pw_bias_hswish_nobn", "Conv3dPwBnAct", [4, 6, {"bias": True, "activation": "hswish", "useBn": False}],
                   C.Conv3dPwBnAct(4, 6, bias=True, activation="hswish", use_bn=False), X, 2),
        block_case("pw_swish", "Conv3dPwBnAct", [4, 6, {"activation": "swish", "normEps": 1e-3}],
                   C.Conv3dPwBnAct(4, 6, activation="swish", norm_eps=1e-3), X, 3),
        block_case("dw3x3x3_stride2_swish", "Conv3d3x3x3DwBnAct", [4, {"spatialStride": 2, "activation": "swish"}],
                   C.Conv3d3x3x3DwBnAct(4, spatial_stride=2, activation="swish"), X, 4),
        block_case("dw3x3x3_bias_relu", "Conv3d3x3x3DwBnAct", [4, {"bias": True}], C.Conv3d3x3x3DwBnAct(4, bias=True), X, 5),
        block_case("tk1_k3s2p1_groups2_hswish", "Conv3dTemporalKernel1BnAct",
                   [4, 6, {"groups": 2, "spatialKernel": 3, "spatialStride": 2, "spatialPadding": 1, "activation": "hswish"}],
                   C.Conv3dTemporalKernel1BnAct(4, 6, groups=2, spatial_kernel=3, spatial_stride=2, spatial_padding=1, activation="hswish"), X, 6),
        block_case("tk1_k1s2_identity", "Conv3dTemporalKernel1BnAct", [4, 6, {"spatialStride": 2, "activation": "identity"}],
                   C.Conv3dTemporalKernel1BnAct(4, 6, spatial_stride=2, activation="identity"), X, 7),
        block_case("t3x1x1_relu", "Conv3d3x1x1BnAct", [4, 6, {}], C.Conv3d3x1x1BnAct(4, 6), X, 8),
        block_case("t3x1x1_t1", "Conv3d3x1x1BnAct", [4, 6, {"bias": True, "useBn": False}], C.Conv3d3x1x1BnAct(4, 6, bias=True, use_bn=False), (1, 4, 1, 6, 6), 9),
        block_case("t5x1x1_dw_bias_identity", "Conv3d5x1x1BnAct", [4, 4, {"groups": 4, "bias": True, "activation": "identity"}],
                   C.Conv3d5x1x1BnAct(4, 4, groups=4, bias=True, activation="identity"), X, 10),
        block_case("t5x1x1_t6_swish", "Conv3d5x1x1BnAct", [4, 6, {"activation": "swish"}], C.Conv3d5x1x1BnAct(4, 6, activation="swish"), (1, 4, 6, 4, 4), 11),
        block_case("se3d", "SqueezeExcitation", [8, {"numChannelsReduced": 4, "is3d": True}], SqueezeExcitation(8, num_channels_reduced=4, is_3d=True), (1, 8, 3, 6, 6), 12),
        block_case("avgpool_out1", "AdaptiveAvgPool3dOutSize1", [], AdaptiveAvgPool3dOutSize1(), (2, 4, 3, 6, 6), 13),
        block_case("avgpool_2x1x1", "AdaptiveAvgPool3d", [[2, 1, 1]], AdaptiveAvgPool3d((2, 1, 1)), (2, 4, 4, 5, 5), 14),
        block_case("fully_connected", "FullyConnected", [6, 5, {}], FullyConnected(6, 5), (2, 2, 3, 3, 6), 15),
        block_case("x3d_bottleneck_proj_se", "X3dBottleneckBlock",
                   [{"inChannels": 4, "midChannels": 8, "outChannels": 6, "spatialStride": 2, "seRatio": 0.25, "actFunctions": ["relu", "swish", "relu"]}],
                   X3dBottleneckBlock(4, 8, 6, spatial_stride=2, se_ratio=0.25, act_functions=("relu", "swish", "relu")), (1, 4, 4, 6, 6), 16),
        block_case("x3d_bottleneck_identity_hswish", "X3dBottleneckBlock",
                   [{"inChannels": 6, "midChannels": 12, "outChannels": 6, "seRatio": 0, "actFunctions": ["hswish", "relu", "identity"], "bias": [True, False, True]}],
                   X3dBottleneckBlock(6, 12, 6, se_ratio=0, act_functions=("hswish", "relu", "identity"), bias=(True, False, True)), X[:1] + (6,) + X[2:], 17),
        block_case("x3d_bottleneck_no_residual", "X3dBottleneckBlock",
                   [{"inChannels": 4, "midChannels": 8, "outChannels": 6, "useResidual": False, "useBn": [True, False, True]}],
                   X3dBottleneckBlock(4, 8, 6, use_residual=False, use_bn=(True, False, True)), X, 18),
        block_case("tutorial_mynet", "MyNet", [], MyNet(), (1, 3, 4, 6, 6), 19, param_grads=False),
    ]


PERIOD = 251


def periodic(n, k):
    """Values in [-0.5, 0.5) periodic in the index (period 251), shifted per tensor k."""
    i = torch.arange(n, dtype=torch.float64)
    return (torch.remainder(i * 7 + k * 13, PERIOD) / PERIOD - 0.5)


def formula_state(model):
    """Deterministic weights with sane scales (the test never needs the formula: it reads the .pyth)."""
    sd = model.state_dict()
    out = {}
    for k, (key, t) in enumerate(sd.items()):
        if t.dtype != torch.float32:
            out[key] = t.clone()
            continue
        v = periodic(t.numel(), k).reshape(t.shape)
        if key.endswith("running_var"):
            v = 1 + 0.8 * (v + 0.5)
        elif key.endswith("running_mean") or key.endswith("bias"):
            v = 0.2 * v
        elif ".bn." in key and key.endswith("weight"):
            v = 1 + 0.4 * v
        else:
            fan_in = t[0].numel() if t.dim() > 1 else 1
            v = v * 2 * math.sqrt(3.0 / fan_in)
        out[key] = v.to(torch.float32)
    return out


def formula_input(shape):
    """The clip both sides compute: 0.5 sin(0.37 i) + 0.5 cos(0.011 i) over the C-order index, in f32."""
    i = torch.arange(math.prod(shape), dtype=torch.float64)
    return (0.5 * torch.sin(0.37 * i) + 0.5 * torch.cos(0.011 * i)).to(torch.float32).reshape(shape)


def efficient_x3d():
    xs, s = EfficientX3d(expansion="XS", head_act="identity"), EfficientX3d(expansion="S", head_act="identity")
    assert [(k, v.shape) for k, v in xs.state_dict().items()] == [(k, v.shape) for k, v in s.state_dict().items()]
    state = formula_state(xs)
    xs.load_state_dict(state)
    s.load_state_dict(state)
    buf = io.BytesIO()
    torch.save(xs.state_dict(), buf)
    path = os.path.join(HERE, "..", "data", "accelerator", "efficient_x3d_original_form.pyth.gz")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress(buf.getvalue(), 9, mtime=0))
    print(f"wrote {path}: {len(buf.getvalue()) // 1024} KiB, gzipped {os.path.getsize(path) // 1024} KiB")
    out = {"keys": [[k, list(v.shape)] for k, v in xs.state_dict().items()],
           "params": sum(p.numel() for p in xs.parameters())}
    for name, model, shape in (("xs", xs, (1, 3, 4, 160, 160)), ("s", s, (1, 3, 13, 160, 160))):
        model.eval()
        x = formula_input(shape)
        with torch.no_grad():
            y = model(x)
            y_deploy = convert_to_deployable_form(model, x)(x)
        print(f"efficient_x3d_{name}: logits max |y| {y.abs().max():.4g}, std {y.std():.4g}; deploy max diff {(y - y_deploy).abs().max():.3g}")
        out[name] = {"input_shape": list(shape), "logits": enc(y), "logits_deploy": enc(y_deploy)}
    return out


def transmuter():
    model = create_x3d(input_clip_length=4, input_crop_size=160)  # X3D-XS
    records = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    log = logging.getLogger()
    log.addHandler(Capture())
    log.setLevel(logging.INFO)
    transmute_model(model, target_device="mobile_cpu")
    replaced = []
    for msg in records:
        if msg.startswith("Replacing "):
            path, rest = msg[len("Replacing "):].split(" (", 1)
            frm, to = rest.split(") with ")
            replaced.append({"name": path.lstrip("."), "from": frm, "to": to})
    print(f"transmuter: {len(replaced)} modules replaced in X3D-XS")
    return {"replaced": replaced, "keys": list(model.state_dict().keys())}


def main():
    out = {"torch": torch.__version__, "blocks": blocks(), "efficient_x3d": efficient_x3d(), "transmuter": transmuter()}
    import json
    path = os.path.join(HERE, "data", "accelerator.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path}: {os.path.getsize(path) // 1024} KiB")


if __name__ == "__main__":
    main()
