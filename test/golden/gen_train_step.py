"""Whole-model training steps in PyTorch, for test/train/train_step.test.ts.
Run: cd test/golden && /usr/bin/python3 gen_train_step.py

For a narrow X3D and a narrow ResNet-50 (plain-torch restatements in ptv/, PyTorchVideo's keys):
randomised weights are saved (test/data/models/train_<name>.pyth), then two SGD steps in train
mode (BN batch statistics, running stats updated) on two batches with the Trainer's recipe:
momentum 0.9, weight decay on conv/linear weights only (1-D params and biases in a group with
weight_decay 0), cross entropy (with label smoothing for one case), optional grad-norm clipping.
The weights and buffers after the steps go to test/data/models/train_<name>_after.pyth, and
inputs, labels, per-step lr and losses to data/train_step.json.

The ResNet case takes one step, from PyTorch's default init (not randomize()) with a batch
of 8: a narrow ResNet-50 (16 blocks, BN over few values per channel in the last stages) is
ill-conditioned in PyTorch itself -- perturbing its weights by 1e-6 relative changes PyTorch's
own gradients by 2e-4 (default init) to 1e-1 (randomised BN scales) -- so float32 rounding
differences after one step grow to 10 % gradient differences at the second step, for any
implementation. One step from here is well posed; the X3D case's two steps exercise momentum."""
import copy
import json
import math
import os
import torch
import torch.nn.functional as F
from common import enc, randn
from models_common import randomize, DATA, GOLD
from ptv.x3d import create_x3d
from ptv.resnet import create_resnet
from ptv.slowfast import create_slowfast

torch.manual_seed(0)


def groups(model, wd):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.dim() <= 1 or name.endswith(".bias") else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def wave(shape, seed):
    """Inputs that need no storage: sin(0.731 i + seed) in float64, rounded to float32 (the test
    computes Math.fround(Math.sin(0.731 * i + seed)), the same double-precision value)."""
    n = math.prod(shape)
    return torch.sin(torch.arange(n, dtype=torch.float64) * 0.731 + seed).float().reshape(shape)


def steps(model, batch, classes, lrs, wd, smoothing, clip, seed, inputs, losses, norms, dtype):
    model.train()
    opt = torch.optim.SGD(groups(model, wd), lr=lrs[0], momentum=0.9, weight_decay=wd)
    for k, lr in enumerate(lrs):
        multi = isinstance(batch[0], (list, tuple))
        if multi:  # pathways from the wave formula (seed 10k + pathway), labels stored
            x = [wave(b, 10 * k + j) for j, b in enumerate(batch)]
            y = torch.randint(0, classes, (batch[0][0],), generator=torch.Generator().manual_seed(200 + k))
            inputs[f"y{k}"] = y
        else:
            x = randn(*batch, seed=100 + 10 * seed + k)
            y = torch.randint(0, classes, (batch[0],), generator=torch.Generator().manual_seed(200 + k))
            inputs[f"x{k}"], inputs[f"y{k}"] = x, y
        x = [t.to(dtype) for t in x] if multi else x.to(dtype)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y, label_smoothing=smoothing)
        loss.backward()
        if clip:
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip)))
        opt.step()
        losses.append(loss.item())


def run(name, model, builder, kwargs, batch, classes, lrs, wd, smoothing, clip, seed, randomise=True):
    os.makedirs(DATA, exist_ok=True)
    if randomise:
        randomize(model, seed=seed)
    torch.save(model.state_dict(), os.path.join(DATA, f"train_{name}.pyth"))
    init = copy.deepcopy(model.state_dict())
    inputs, losses, norms = {}, [], []
    steps(model, batch, classes, lrs, wd, smoothing, clip, seed, inputs, losses, norms, torch.float32)
    # The same steps in float64: how far PyTorch's own float32 result is from exact arithmetic,
    # the yardstick for how close two float32 implementations can be expected to agree.
    ref = copy.deepcopy(model).double()
    ref.load_state_dict(init)
    steps(ref, batch, classes, lrs, wd, smoothing, clip, seed, {}, [], [], torch.float64)
    f32, f64 = model.state_dict(), ref.state_dict()
    worst = 0.0
    for k, v in f32.items():
        if v.dtype.is_floating_point:
            scale = f64[k].abs().max().item() or 1.0
            worst = max(worst, ((v.double() - f64[k]).abs().max() / scale).item())
    torch.save(model.state_dict(), os.path.join(DATA, f"train_{name}_after.pyth"))
    n = sum(p.numel() for p in model.parameters())
    print(f"{name}: {n} params, losses {losses}, grad norms {norms}, PyTorch f32 vs f64 (rel to tensor scale) {worst:.2e}")
    return {
        "name": name, "builder": builder, "kwargs": kwargs, "lrs": lrs, "momentum": 0.9, "weightDecay": wd,
        "labelSmoothing": smoothing, "gradClip": clip, "losses": losses, "gradNorms": norms, "steps": len(lrs),
        "inputs": {k: enc(v) for k, v in inputs.items()}, "params": n,
        "waveShapes": [list(b) for b in batch] if isinstance(batch[0], (list, tuple)) else None,
        "torchF32VsF64": worst,
    }


cases = [
    run("x3d_narrow",
        create_x3d(input_clip_length=4, input_crop_size=32, model_num_class=5, dropout_rate=0.0, width_factor=0.5,
                   depth_factor=0.4, head_dim_out=32),
        "createX3d", dict(inputClipLength=4, inputCropSize=32, modelNumClass=5, dropoutRate=0, widthFactor=0.5,
                          depthFactor=0.4, headDimOut=32, headActivation=None),
        (3, 3, 4, 32, 32), 5, [0.05, 0.1], 1e-3, 0.0, 1.0, 1),
    run("resnet_narrow",
        (torch.manual_seed(2), create_resnet(model_depth=50, model_num_class=5, stem_dim_out=4, head_pool_kernel_size=(2, 1, 1), dropout_rate=0.0))[1],
        "createResnet", dict(modelDepth=50, modelNumClass=5, stemDimOut=4, headPoolKernelSize=[2, 1, 1], dropoutRate=0),
        (8, 3, 2, 32, 32), 5, [0.02], 1e-3, 0.1, 0.0, 2, randomise=False),
    run("slowfast_r18_narrow",
        create_slowfast(model_depth=18, stem_dim_outs=(8, 1), model_num_class=6, slowfast_fusion_conv_kernel_size=(5, 1, 1),
                        head_pool=torch.nn.AdaptiveAvgPool3d, head_output_size=((1, 1, 1), (1, 1, 1)), dropout_rate=0.0),
        "createSlowfast", dict(modelDepth=18, stemDimOuts=[8, 1], modelNumClass=6, slowfastFusionConvKernelSize=[5, 1, 1],
                               headPool="AdaptiveAvgPool3d", headOutputSize=[[1, 1, 1], [1, 1, 1]], dropoutRate=0),
        [(4, 3, 2, 32, 32), (4, 3, 8, 32, 32)], 6, [0.05, 0.02], 1e-3, 0.0, 2.0, 7),
]
with open(os.path.join(GOLD, "train_step.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
